/* `poise prescribe`: the therapist's game prescription for a patient. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/cond.h"
#include "core/error.h"
#include "games/game.h"
#include "session/training.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: poise [--db PATH] prescribe CODE                 the patient's prescriptions\n"
	      "       poise [--db PATH] prescribe CODE GAME [--levels MIN-MAX] [--fixed]\n"
	      "                                  [--los MIN-MAX] [--seconds S]\n"
	      "                                  [--stance STANCE] [--surface firm|foam]\n"
	      "                                  [--visual static|flow|tilt] [--visual-speed DEG_S]\n"
	      "                                  [--head-turns S] [--eyes-closed] [--audio-feedback]\n"
	      "                                  [--dual-task none|arithmetic|category|count-back]\n"
	      "                                  [--ladder STEP,STEP,...]\n"
	      "\n"
	      "Sets which levels a game may use for a patient: the adaptive staircase\n"
	      "moves the level within MIN-MAX (default 1-10; --fixed keeps it at where\n"
	      "the patient starts), distances stay within the LOS working range (percent\n"
	      "of the patient's limits of stability, default 0-100), and a game lasts S\n"
	      "seconds (default: the game's own). The patient's next game starts at the\n"
	      "level they reached last time, inside the range.\n"
	      "\n"
	      "Conditions (as poise play's): STANCE is standing, feet-together, tandem,\n"
	      "single-left, single-right or seated. A ladder moves the patient on once\n"
	      "the level range is mastered (3 successes in a row at the top level): each\n"
	      "STEP changes one thing — a stance, foam, eyes-closed (with sound),\n"
	      "head-turns, flow, tilt, arithmetic, category, count-back or single — and the\n"
	      "next game starts the new rung at the lowest level; e.g.\n"
	      "  --ladder feet-together,tandem,eyes-closed,count-back\n",
	      f);
}

static bool parse_range(const char *s, double lo, double hi, double *a, double *b)
{
	char *end;
	*a = strtod(s, &end);
	if (end == s || *end != '-')
		return false;
	const char *t = end + 1;
	*b = strtod(t, &end);
	return end != t && !*end && *a >= lo && *b <= hi && *a <= *b;
}

static void print_rx(store *s, const store_prescription *p)
{
	printf("%-11s levels %d-%d%s, LOS %.0f-%.0f %%, %.0f s%s%s\n", p->game, p->level_min,
	       p->level_max, p->adaptive ? " (adaptive)" : " (fixed)", p->los_min_pct, p->los_max_pct,
	       p->duration_s, p->updated_at[0] ? ", set " : "", p->updated_at);
	cond_set c;
	char ladder[TRAIN_LADDER_LEN], msg[256], d[256];
	if (train_options_read(s, p->options_json, &c, ladder, sizeof ladder, msg, sizeof msg) != POISE_OK) {
		printf("            %s\n", msg);
		return;
	}
	if (!cond_is_plain(&c) || ladder[0]) {
		cond_describe(&c, d, sizeof d);
		printf("            %s%s%s\n", d, ladder[0] ? "; ladder: " : "", ladder);
	}
}

const cli_opts cli_prescribe_opts = {
	":h",
	(const struct option[]){
		{"levels", required_argument, NULL, 'l'},
		{"fixed", no_argument, NULL, 'f'},
		{"los", required_argument, NULL, 'o'},
		{"seconds", required_argument, NULL, 's'},
		CLI_COND_LONGOPTS,
		{"ladder", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

int cli_prescribe(const cli_global *g, int argc, char **argv)
{
	double lmin = 1, lmax = 10, omin = 0, omax = 100, secs = 0;
	bool fixed = false;
	cond_set cond = {0};
	const char *ladder = "";
	optind = 0;
	opterr = 0;
	int c;
	char *end;
	while ((c = cli_getopt(argc, argv, &cli_prescribe_opts)) != -1) {
		switch (c) {
		case 'l':
			if (!parse_range(optarg, 1, 10, &lmin, &lmax) || lmin != (int)lmin || lmax != (int)lmax) {
				fprintf(stderr, "poise prescribe: --levels wants MIN-MAX within 1-10, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'f':
			fixed = true;
			break;
		case 'o':
			if (!parse_range(optarg, 0, 150, &omin, &omax) || omax <= omin) {
				fprintf(stderr, "poise prescribe: --los wants MIN-MAX percent, e.g. 40-80, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 's':
			secs = strtod(optarg, &end);
			if (end == optarg || *end || !(secs >= 30 && secs <= 600)) { /* NaN too */
				fprintf(stderr, "poise prescribe: --seconds wants 30 to 600, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		CLI_COND_CASES:
			if (!cli_cond_option("prescribe", c, optarg, &cond))
				return CLI_USAGE;
			break;
		case 'L': {
			const char *bad = NULL;
			if (strlen(optarg) >= TRAIN_LADDER_LEN || cond_ladder_count(optarg, &bad) <= 0) {
				fprintf(stderr, "poise prescribe: --ladder wants up to %d steps separated by commas (a stance, "
				        "foam, eyes-closed, head-turns, flow, tilt, arithmetic, category, count-back, single); "
				        "'%s' is not one\n", COND_LADDER_MAX, bad ? bad : optarg);
				return CLI_USAGE;
			}
			ladder = optarg;
			break;
		}
		case 'h':
			usage(stdout);
			return CLI_OK;
		default: /* ':' (a value is missing) or '?' */
			cli_bad_option("prescribe", c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	int n_pos = argc - optind;
	if (n_pos < 1 || n_pos > 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	const char *code = argv[optind], *game_id = n_pos == 2 ? argv[optind + 1] : NULL;
	const struct game_ops *ops = game_id ? game_find(game_id) : NULL;
	if (game_id && !ops) {
		fprintf(stderr, "poise prescribe: no game called '%s' (poise play --list)\n", game_id);
		return CLI_USAGE;
	}
	store *s;
	int rc = cli_open_store(g, "prescribe", game_id ? 0 : STORE_READ_ONLY, &s);
	if (rc)
		return rc;
	store_patient p;
	int code_out = CLI_OK;
	if ((rc = store_patient_get(s, code, &p)) != POISE_OK) {
		fprintf(stderr, "poise prescribe: %s\n", rc == POISE_E_NOT_FOUND ? "no such patient (poise patient list)"
		                                                                 : store_errmsg(s));
		store_close(s);
		return rc == POISE_E_NOT_FOUND ? CLI_USAGE : CLI_FAIL;
	}
	if (game_id) {
		store_prescription rx = {.level_min = (int)lmin, .level_max = (int)lmax, .adaptive = !fixed,
		                         .los_min_pct = omin, .los_max_pct = omax,
		                         .duration_s = secs > 0 ? secs : ops->default_duration_s};
		snprintf(rx.game, sizeof rx.game, "%s", ops->id);
		if (train_options_json(&cond, ladder, rx.options_json, sizeof rx.options_json) != POISE_OK) {
			fprintf(stderr, "poise prescribe: the options are too long\n");
			store_close(s);
			return CLI_USAGE;
		}
		if (cond.visual != COND_VISUAL_STATIC)
			fprintf(stderr, "poise prescribe: WARNING: %s\n", cond_visual_warning());
		if ((rc = store_prescription_set(s, p.id, &rx)) != POISE_OK) {
			fprintf(stderr, "poise prescribe: %s\n", store_errmsg(s));
			code_out = CLI_FAIL;
		} else {
			printf("%s: ", p.code);
			print_rx(s, &rx);
		}
	} else {
		store_prescription *list = NULL;
		size_t n = 0;
		if ((rc = store_prescriptions(s, p.id, &list, &n)) != POISE_OK) {
			fprintf(stderr, "poise prescribe: %s\n", store_errmsg(s));
			code_out = CLI_FAIL;
		} else if (n == 0) {
			printf("%s has no prescription yet: every game uses levels 1-10, adaptive.\n", p.code);
		}
		for (size_t i = 0; i < n; i++)
			print_rx(s, &list[i]);
		free(list);
	}
	store_close(s);
	return code_out;
}
