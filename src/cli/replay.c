/* `poise replay TRIAL`: a stored game played again from its samples. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/error.h"
#include "session/replay.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: poise replay TRIAL [--json] [--events] [--db PATH]\n"
	      "\n"
	      "Plays a recorded game trial again: the game's logic runs from the trial's\n"
	      "stored parameters (seed, level, prescription, the patient's LOS) over its\n"
	      "stored samples, and prints the result as `poise play` printed it when the\n"
	      "game was played, in the window or headless. The replay is checked against\n"
	      "the stored results, sway figures and game events; every difference is\n"
	      "reported. TRIAL is the trial id (`poise play --json` prints it as trial_id;\n"
	      "`poise patient show CODE` lists them).\n"
	      "\n"
	      "  --json     one JSON object (the keys of `poise play --json`, plus\n"
	      "             \"replay_matches\" and \"replay_differences\")\n"
	      "  --events   also list the replayed game events (time, kind, detail)\n"
	      "\n"
	      "Exit status: 0 the replay matches what was stored, 1 it differs or the\n"
	      "trial cannot be replayed, 2 bad usage.\n",
	      f);
}

static void print_events(const ses_replay *r, bool json)
{
	if (json) {
		printf("[");
		for (size_t i = 0; i < r->n_events; i++) {
			printf("%s{\"t_s\": %.6f, \"kind\": ", i ? ", " : "", (double)r->events[i].t_us / 1e6);
			cli_json_string(stdout, r->events[i].kind);
			printf(", \"detail\": ");
			cli_json_string(stdout, r->events[i].detail);
			printf("}");
		}
		printf("]");
		return;
	}
	for (size_t i = 0; i < r->n_events; i++)
		printf("  %9.3f s  %-7s %s\n", (double)r->events[i].t_us / 1e6, r->events[i].kind, r->events[i].detail);
}

const cli_opts cli_replay_opts = {
	":h",
	(const struct option[]){
		{"json", no_argument, NULL, 'j'},
		{"events", no_argument, NULL, 'e'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

int cli_replay(const cli_global *g, int argc, char **argv)
{
	bool json = false, events = false;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = cli_getopt(argc, argv, &cli_replay_opts)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'e')
			events = true;
		else if (c == 'h') {
			usage(stdout);
			return CLI_OK;
		} else
			return cli_bad_option("replay", c, argv);
	}
	if (optind != argc - 1) {
		fprintf(stderr, "poise replay: which trial? Give its id (poise replay --help)\n");
		return CLI_USAGE;
	}
	char *end;
	errno = 0;
	long long id = strtoll(argv[optind], &end, 10);
	if (errno || end == argv[optind] || *end || id < 1) {
		fprintf(stderr, "poise replay: a trial id is a whole number from 1, not '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	store *s = NULL;
	int code = cli_open_store(g, "replay", STORE_READ_ONLY, &s);
	if (code)
		return code;
	ses_replay r;
	char msg[512];
	int rc = ses_replay_run(s, id, &r, msg, sizeof msg);
	store_close(s);
	if (rc) {
		fprintf(stderr, "poise replay: %s\n", msg);
		return rc == POISE_E_NOT_FOUND ? CLI_USAGE : CLI_FAIL;
	}
	if (json) {
		/* poise play's object, with the replay's verdict before the end. */
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (!m) {
			ses_replay_free(&r);
			fprintf(stderr, "poise replay: out of memory\n");
			return CLI_FAIL;
		}
		cli_print_game_result(m, &r.result, &r.sway, r.have_sway, r.trial_id, r.simulated, true);
		fclose(m);
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '}'))
			buf[--len] = 0;
		printf("%s, \"status\": \"%s\", \"replay_samples\": %zu, \"replay_matches\": %s, "
		       "\"replay_differences\": %d",
		       buf, store_status_name(r.status), r.n_samples, r.differences ? "false" : "true", r.differences);
		free(buf);
		if (events) {
			printf(", \"events\": ");
			print_events(&r, true);
		}
		printf("}\n");
	} else {
		cli_print_game_result(stdout, &r.result, &r.sway, r.have_sway, r.trial_id, r.simulated, false);
		if (events)
			print_events(&r, false);
		if (r.differences)
			printf("replay of trial %lld (%s): %d difference%s from what was stored; the first: %s\n", id,
			       store_status_name(r.status), r.differences, r.differences == 1 ? "" : "s",
			       r.first_difference);
		else
			printf("replay of trial %lld (%s): %zu samples, the same result and the same %zu game events "
			       "as stored\n", id, store_status_name(r.status), r.n_samples, r.n_events);
	}
	code = r.differences ? CLI_FAIL : CLI_OK;
	ses_replay_free(&r);
	return code;
}
