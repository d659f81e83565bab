/* `poise patient add|list|show|rename|delete`: managing patients. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/text.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: poise [--db PATH] patient add CODE [--name NAME] [--birth-year Y]\n"
	      "                       [--height-cm H] [--weight-kg W] [--sex female|male|other]\n"
	      "                       [--affected-side left|right|both|none] [--diagnosis TEXT]\n"
	      "                       [--notes TEXT]\n"
	      "       poise [--db PATH] patient list [--json]\n"
	      "       poise [--db PATH] patient show CODE      sessions and trials\n"
	      "       poise [--db PATH] patient comment CODE SESSION TEXT   the therapist's comment\n"
	      "       poise [--db PATH] patient rename CODE NEW_CODE\n"
	      "       poise [--db PATH] patient delete CODE [--yes]\n"
	      "\n"
	      "A patient is known by a pseudonymous code (1-32 letters, digits, '.', '_',\n"
	      "'-'); a name is optional. delete removes the patient and all of their data\n"
	      "(sessions, trials, samples, metrics, prescriptions) for good: on a terminal\n"
	      "it asks you to type the code again; scripts pass --yes. comment sets (or,\n"
	      "with \"\", clears) the therapist's comment on one of the patient's sessions;\n"
	      "the sway report prints it.\n",
	      f);
}

/* Text from the database for the terminal: control characters and
 * broken UTF-8 shown as '?' (buf is an array). */
#define PRINTABLE(buf, s) text_printable((buf), sizeof(buf), (s))
const cli_opts cli_patient_opts = {
	":hy",
	(const struct option[]){
		{"name", required_argument, NULL, 'n'},
		{"birth-year", required_argument, NULL, 'b'},
		{"height-cm", required_argument, NULL, 'H'},
		{"weight-kg", required_argument, NULL, 'W'},
		{"notes", required_argument, NULL, 'N'},
		{"sex", required_argument, NULL, 'S'},
		{"affected-side", required_argument, NULL, 'A'},
		{"diagnosis", required_argument, NULL, 'D'},
		{"yes", no_argument, NULL, 'y'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

/* Parses the options shared by the actions; positional arguments are
 * collected into pos[]. Returns CLI_OK, CLI_USAGE, or −1 after --help. */
typedef struct pat_opts {
	store_patient p;
	bool yes, json;
	const char *pos[4];
	int n_pos;
} pat_opts;

static int parse(pat_opts *o, int argc, char **argv)
{
	optind = 0;
	opterr = 0;
	int c;
	double v;
	while ((c = cli_getopt(argc, argv, &cli_patient_opts)) != -1) {
		switch (c) {
		case 'n':
			if (cli_text_opt("patient", "--name", optarg, o->p.display_name, sizeof o->p.display_name, false))
				return CLI_USAGE;
			break;
		case 'b':
			if (!cli_parse_num(optarg, 1880, 2200, &v) || v != (int)v) {
				fprintf(stderr, "poise patient: --birth-year wants a year, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			o->p.birth_year = (int)v;
			break;
		case 'H':
			if (!cli_parse_num(optarg, 30, 300, &o->p.height_cm)) {
				fprintf(stderr, "poise patient: --height-cm wants 30-300 cm, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'W':
			if (!cli_parse_num(optarg, 2, 500, &o->p.weight_kg)) {
				fprintf(stderr, "poise patient: --weight-kg wants 2-500 kg, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'N':
			if (cli_text_opt("patient", "--notes", optarg, o->p.notes, sizeof o->p.notes, true))
				return CLI_USAGE;
			break;
		case 'S':
			if (strcmp(optarg, "female") && strcmp(optarg, "male") && strcmp(optarg, "other")) {
				fprintf(stderr, "poise patient: --sex wants female, male or other, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			snprintf(o->p.sex, sizeof o->p.sex, "%s", optarg);
			break;
		case 'A':
			if (strcmp(optarg, "left") && strcmp(optarg, "right") && strcmp(optarg, "both") &&
			    strcmp(optarg, "none")) {
				fprintf(stderr, "poise patient: --affected-side wants left, right, both or none, not '%s'\n",
				        optarg);
				return CLI_USAGE;
			}
			snprintf(o->p.affected_side, sizeof o->p.affected_side, "%s", optarg);
			break;
		case 'D':
			if (cli_text_opt("patient", "--diagnosis", optarg, o->p.diagnosis, sizeof o->p.diagnosis, false))
				return CLI_USAGE;
			break;
		case 'y':
			o->yes = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default: /* ':' (a value is missing) or '?' */
			return cli_bad_option("patient", c, argv);
		}
	}
	for (int i = optind; i < argc; i++) {
		if (o->n_pos == 4) {
			fprintf(stderr, "poise patient: unexpected argument '%s'\n", argv[i]);
			return CLI_USAGE;
		}
		o->pos[o->n_pos++] = argv[i];
	}
	return CLI_OK;
}

static int want_args(const pat_opts *o, int n, const char *what)
{
	if (o->n_pos - 1 == n)
		return CLI_OK;
	if (n > 0 && o->n_pos - 1 > n) /* not "which code?" when one was given */
		fprintf(stderr, "poise patient %s: '%s' is one argument too many (quote a value with "
		        "spaces)\n", o->pos[0], o->pos[n + 1]);
	else
		fprintf(stderr, "poise patient %s: %s\n", o->pos[0], what);
	return CLI_USAGE;
}

static int do_add(store *s, pat_opts *o)
{
	snprintf(o->p.code, sizeof o->p.code, "%s", o->pos[1]);
	if (strlen(o->pos[1]) >= sizeof o->p.code || !store_code_valid(o->pos[1])) {
		fprintf(stderr, "poise patient add: '%s' is not a valid code (1-%d letters, digits, "
		        "'.', '_' or '-'; no names: codes are pseudonymous)\n", o->pos[1], STORE_CODE_MAX);
		return CLI_USAGE;
	}
	int64_t id;
	int rc = store_patient_add(s, &o->p, &id);
	if (rc) {
		fprintf(stderr, "poise patient add: %s\n", store_errmsg(s));
		return rc == POISE_E_EXISTS || rc == POISE_E_INVALID ? CLI_USAGE : CLI_FAIL;
	}
	printf("added patient %s\n", o->p.code);
	return CLI_OK;
}

static int do_list(store *s, const pat_opts *o)
{
	store_patient *p;
	size_t n;
	if (store_patient_list(s, &p, &n)) {
		fprintf(stderr, "poise patient list: %s\n", store_errmsg(s));
		return CLI_FAIL;
	}
	if (o->json)
		printf("[");
	for (size_t i = 0; i < n; i++) {
		store_patient_summary sum = {0};
		store_patient_summary_get(s, p[i].id, &sum);
		if (o->json) {
			printf("%s{\"code\": ", i ? ", " : "");
			cli_json_string(stdout, p[i].code);
			printf(", \"name\": ");
			cli_json_string(stdout, p[i].display_name);
			printf(", \"birth_year\": ");
			if (p[i].birth_year)
				printf("%d", p[i].birth_year);
			else
				printf("null");
			printf(", \"sessions\": %lld, \"trials\": %lld, \"simulated_sessions\": %lld, "
			       "\"created_at\": ",
			       (long long)sum.sessions, (long long)sum.trials, (long long)sum.simulated_sessions);
			cli_json_string(stdout, p[i].created_at);
			printf("}");
		} else {
			char name[sizeof p[i].display_name], since[11];
			printf("%-16s %-28s %3lld sessions %4lld trials  since %s", p[i].code,
			       p[i].display_name[0] ? PRINTABLE(name, p[i].display_name) : "-",
			       (long long)sum.sessions, (long long)sum.trials, PRINTABLE(since, p[i].created_at));
			if (sum.simulated_sessions > 0)
				printf("  (%lld on the SIMULATED plate)", (long long)sum.simulated_sessions);
			printf("\n");
		}
	}
	if (o->json)
		printf("]\n");
	else if (n == 0)
		printf("no patients yet (poise patient add CODE)\n");
	free(p);
	return CLI_OK;
}

static int do_show(store *s, const pat_opts *o)
{
	store_patient p;
	if (store_patient_get(s, o->pos[1], &p)) {
		fprintf(stderr, "poise patient show: %s\n", store_errmsg(s));
		return CLI_USAGE;
	}
	char name[sizeof p.display_name], text[sizeof p.notes];
	printf("patient %s%s%s\n", p.code, p.display_name[0] ? ", " : "", PRINTABLE(name, p.display_name));
	if (p.birth_year || p.height_cm > 0 || p.weight_kg > 0 || p.sex[0] || p.affected_side[0]) {
		if (p.birth_year)
			printf("born %d  ", p.birth_year);
		if (p.sex[0])
			printf("%s  ", p.sex);
		if (p.height_cm > 0)
			printf("%.0f cm  ", p.height_cm);
		if (p.weight_kg > 0)
			printf("%.1f kg  ", p.weight_kg);
		if (p.affected_side[0])
			printf("affected side: %s", p.affected_side);
		printf("\n");
	}
	if (p.diagnosis[0])
		printf("diagnosis: %s\n", PRINTABLE(text, p.diagnosis));
	if (p.notes[0])
		printf("notes: %s\n", PRINTABLE(text, p.notes));
	store_session *se;
	size_t ns;
	if (store_sessions(s, p.id, &se, &ns)) {
		fprintf(stderr, "poise patient show: %s\n", store_errmsg(s));
		return CLI_FAIL;
	}
	size_t n_sim = 0;
	for (size_t i = 0; i < ns; i++) {
		bool sim = store_session_is_simulated(&se[i]);
		n_sim += sim;
		char when[sizeof se[i].started_at], backend[sizeof se[i].device_backend],
			serial[sizeof se[i].device_serial], op[sizeof se[i].operator_name];
		printf("session %lld  %s  %s %s%s%s%s\n", (long long)se[i].id, PRINTABLE(when, se[i].started_at),
		       PRINTABLE(backend, se[i].device_backend), PRINTABLE(serial, se[i].device_serial),
		       se[i].operator_name[0] ? "  operator " : "", PRINTABLE(op, se[i].operator_name),
		       sim ? "  SIMULATED plate: demo data, not measured" : "");
		if (se[i].notes[0])
			printf("  notes: %s\n", se[i].notes);
		if (se[i].comment[0])
			printf("  therapist's comment: %s\n", se[i].comment);
		store_trial *t;
		size_t nt;
		if (store_trials(s, se[i].id, &t, &nt) == POISE_OK) {
			for (size_t j = 0; j < nt; j++) {
				char kind[sizeof t[j].kind];
				printf("  trial %lld  %-12s %-12s ", (long long)t[j].id, PRINTABLE(kind, t[j].kind),
				       store_status_name(t[j].status));
				if (t[j].n_samples >= 0)
					printf("%lld samples  %.2f s", (long long)t[j].n_samples, t[j].duration_s);
				else
					printf("(being recorded)");
				printf("%s\n", sim ? "  SIMULATED" : "");
			}
			free(t);
		}
	}
	if (ns == 0)
		printf("no sessions yet\n");
	else if (n_sim > 0)
		printf("\n%zu of %zu sessions ran on the simulated plate: their numbers are "
		       "a demonstration, not a measurement of this patient.\n", n_sim, ns);
	free(se);
	return CLI_OK;
}

static int do_comment(store *s, const pat_opts *o)
{
	store_patient p;
	store_session se;
	char *end;
	long long id = strtoll(o->pos[2], &end, 10);
	if (store_patient_get(s, o->pos[1], &p)) {
		fprintf(stderr, "poise patient comment: %s\n", store_errmsg(s));
		return CLI_USAGE;
	}
	if (*end || end == o->pos[2] || id <= 0 || store_session_get(s, id, &se) || se.patient_id != p.id) {
		fprintf(stderr, "poise patient comment: '%s' is not one of %s's sessions (poise patient show "
		        "%s lists them)\n", o->pos[2], p.code, p.code);
		return CLI_USAGE;
	}
	int rc = store_session_comment_set(s, id, o->pos[3]);
	if (rc) {
		fprintf(stderr, "poise patient comment: %s\n", store_errmsg(s));
		return rc == POISE_E_INVALID ? CLI_USAGE : CLI_FAIL;
	}
	printf(o->pos[3][0] ? "comment set on session %lld of %s\n" : "comment cleared on session %lld of %s\n",
	       id, p.code);
	return CLI_OK;
}

static int do_rename(store *s, const pat_opts *o)
{
	int rc = store_patient_rename(s, o->pos[1], o->pos[2]);
	if (rc) {
		fprintf(stderr, "poise patient rename: %s\n", store_errmsg(s));
		return rc == POISE_E_NOT_FOUND || rc == POISE_E_EXISTS || rc == POISE_E_INVALID
		     ? CLI_USAGE : CLI_FAIL;
	}
	printf("renamed patient %s to %s\n", o->pos[1], o->pos[2]);
	return CLI_OK;
}

/* Asks on the terminal; true if the user typed the code. */
static bool confirm(const store_patient *p, const store_patient_summary *sum)
{
	char name[sizeof p->display_name];
	fprintf(stderr, "Delete patient %s%s%s and all of their data (%lld sessions, %lld trials, "
	        "%lld samples)? This cannot be undone.\nType the patient code to confirm: ",
	        p->code, p->display_name[0] ? ", " : "", PRINTABLE(name, p->display_name), (long long)sum->sessions,
	        (long long)sum->trials, (long long)sum->samples);
	fflush(stderr);
	char line[128];
	if (!fgets(line, sizeof line, stdin))
		return false;
	line[strcspn(line, "\r\n")] = 0;
	return strcmp(line, p->code) == 0;
}

static int do_delete(store *s, const pat_opts *o)
{
	store_patient p;
	if (store_patient_get(s, o->pos[1], &p)) {
		fprintf(stderr, "poise patient delete: %s\n", store_errmsg(s));
		return CLI_USAGE;
	}
	store_patient_summary sum = {0};
	if (store_patient_summary_get(s, p.id, &sum)) {
		fprintf(stderr, "poise patient delete: %s\n", store_errmsg(s));
		return CLI_FAIL;
	}
	if (!o->yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "poise patient delete: not deleting %s without confirmation; run it "
			        "on a terminal, or add --yes in scripts\n", p.code);
			return CLI_USAGE;
		}
		if (!confirm(&p, &sum)) {
			fprintf(stderr, "poise patient delete: not confirmed; %s was not deleted\n", p.code);
			return CLI_FAIL;
		}
	}
	if (store_patient_delete(s, p.code)) {
		fprintf(stderr, "poise patient delete: %s\n", store_errmsg(s));
		return CLI_FAIL;
	}
	printf("deleted patient %s: %lld sessions, %lld trials, %lld samples\n", p.code,
	       (long long)sum.sessions, (long long)sum.trials, (long long)sum.samples);
	return CLI_OK;
}

int cli_patient(const cli_global *g, int argc, char **argv)
{
	pat_opts o = {0};
	int code = parse(&o, argc, argv);
	if (code)
		return code < 0 ? CLI_OK : code;
	if (o.n_pos == 0) {
		fprintf(stderr, "poise patient: add, list, show, rename, delete or comment?\n");
		usage(stderr);
		return CLI_USAGE;
	}
	static const struct {
		const char *name;
		int n_args;
		bool writes;
		const char *need;
	} acts[] = {
		{"add", 1, true, "which code? (poise patient add CODE)"},
		{"list", 0, false, "takes no arguments"},
		{"show", 1, false, "which patient? (poise patient show CODE)"},
		{"rename", 2, true, "wants CODE NEW_CODE"},
		{"delete", 1, true, "which patient? (poise patient delete CODE)"},
		{"comment", 3, true, "wants CODE SESSION TEXT (\"\" clears the comment)"},
	};
	const char *act = o.pos[0];
	size_t a = 0, n_acts = sizeof acts / sizeof acts[0];
	while (a < n_acts && strcmp(acts[a].name, act) != 0)
		a++;
	if (a == n_acts) {
		fprintf(stderr, "poise patient: unknown action '%s' (add, list, show, rename, delete, comment)\n",
		        act);
		return CLI_USAGE;
	}
	if ((code = want_args(&o, acts[a].n_args, acts[a].need)))
		return code;
	store *s;
	code = cli_open_store(g, "patient", acts[a].writes ? 0 : STORE_READ_ONLY, &s);
	if (code)
		return code;
	if (strcmp(act, "add") == 0)
		code = do_add(s, &o);
	else if (strcmp(act, "list") == 0)
		code = do_list(s, &o);
	else if (strcmp(act, "show") == 0)
		code = do_show(s, &o);
	else if (strcmp(act, "rename") == 0)
		code = do_rename(s, &o);
	else if (strcmp(act, "comment") == 0)
		code = do_comment(s, &o);
	else
		code = do_delete(s, &o);
	store_close(s);
	return code;
}
