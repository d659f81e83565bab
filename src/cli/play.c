/* `poise play GAME`: one game, in a window or headless, result printed. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/analysis.h"
#include "core/error.h"
#include "core/pipeline.h"
#include "device/device.h"
#include "games/game.h"
#include "games/runner.h"
#include "session/training.h"
#include "store/store.h"
#include "ui/app.h"

static void usage(FILE *f)
{
	fputs("usage: poise [--device D] [--seed N] [--db PATH] play GAME [--patient CODE]\n"
	      "                 [--level N] [--seconds S] [--operator NAME] [--headless] [--json]\n"
	      "       poise play --list\n"
	      "\n"
	      "Plays one game and prints its result. With the simulated plate (the\n"
	      "default when no plate is plugged in) the simulated person plays: they\n"
	      "aim where a competent player would. --headless runs without a window,\n"
	      "as fast as the device allows (the simulated plate: faster than real time).\n"
	      "\n"
	      "With --patient the game follows the patient's prescription (level range,\n"
	      "adaptive or not, LOS working range, duration: poise patient prescribe),\n"
	      "starts at the level they reached last time, and is recorded as a trial\n"
	      "game:GAME of a new session: every COP sample, every game event, the sway\n"
	      "metrics and the game's results. --level then overrides the start level.\n",
	      f);
}

static void list_games(void)
{
	for (const struct game_ops *const *g = game_list(); *g; g++) {
		printf("%-11s %s (%.0f s)\n", (*g)->id, (*g)->goal, (*g)->default_duration_s);
		for (int l = 1; l <= 10; l++) {
			char d[160];
			(*g)->describe_level(l, d, sizeof d);
			printf("    level %2d: %s\n", l, d);
		}
	}
}

static void json_num(const char *key, double v)
{
	if (isfinite(v))
		printf(", \"%s\": %.6g", key, v);
	else
		printf(", \"%s\": null", key);
}

static void print_result(const game_result *r, const met_static *sway, bool json)
{
	if (json) {
		printf("{\"game\": \"%s\", \"level_start\": %d, \"level_end\": %d, \"level_max\": %d",
		       r->game, r->level_start, r->level_end, r->level_max);
		json_num("score", r->score);
		printf(", \"hits\": %d, \"misses\": %d", r->hits, r->misses);
		json_num("time_in_target_s", r->time_in_target_s);
		json_num("play_time_s", r->play_time_s);
		json_num("tracking_rms_los", r->tracking_rms);
		json_num("reaction_time_s", r->reaction_time_s);
		json_num("path_efficiency", r->path_efficiency);
		if (sway) {
			size_t nf;
			const met_field *f = met_static_fields(&nf);
			for (size_t i = 0; i < nf; i++) {
				char key[64];
				snprintf(key, sizeof key, "sway_%s", f[i].key);
				json_num(key, met_field_value(sway, &f[i]));
			}
		}
		printf("}\n");
		return;
	}
	printf("%s: score %.0f, %d hit%s, %d miss%s, %.1f s in target of %.1f s played\n", r->game,
	       r->score, r->hits, r->hits == 1 ? "" : "s", r->misses, r->misses == 1 ? "" : "es",
	       r->time_in_target_s, r->play_time_s);
	printf("level %d → %d (highest %d)", r->level_start, r->level_end, r->level_max);
	if (isfinite(r->tracking_rms))
		printf(", tracking error %.0f %% LOS", r->tracking_rms * 100);
	if (isfinite(r->reaction_time_s))
		printf(", reaction %.2f s", r->reaction_time_s);
	if (isfinite(r->path_efficiency))
		printf(", path efficiency %.0f %%", r->path_efficiency * 100);
	printf("\n");
	if (sway)
		printf("sway while playing: mean velocity %.1f mm/s, 95%% ellipse %.0f mm²\n",
		       sway->mean_velocity_mm_s, sway->ellipse95_area_mm2);
}

/* Plays headless: frames straight from the device on this thread. */
/* The patient's plan, or NULL fields when no patient was given. */
typedef struct play_patient {
	store *s;
	store_patient p;
	train_plan plan;
	const char *operator_name;
} play_patient;

static int play_headless(const cli_global *gl, const struct game_ops *ops, const game_cfg *gc,
                         const stair_cfg *sc, play_patient *pp, bool json)
{
	char msg[256];
	dev *d = NULL;
	dev_open_cfg oc = {.seed = gl->seed, .realtime = false};
	int rc = dev_open_spec(&d, gl->device, &oc, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "poise play: %s\n", msg);
		return CLI_FAIL;
	}
	pl_cfg pc;
	dev_pipeline_cfg(&d->info, &pc);
	pl_cfg_game_cursor(&pc);
	pipeline *pl = NULL;
	grun *run = NULL;
	grun_cfg rcfg;
	grun_cfg_default(&rcfg);
	rcfg.stair = *sc;
	train_session ts = {0};
	bool recording = false;
	cop_sample *s = NULL;
	double *tx = NULL, *xx = NULL, *yx = NULL;
	size_t n_sway = 0, cap = 0;
	int code = CLI_FAIL;
	if ((rc = pl_create(&pl, &pc)) || (rc = grun_create(&run, ops, gc, &rcfg))) {
		fprintf(stderr, "poise play: cannot set up the game: %s\n", poise_strerror(rc));
		goto out;
	}
	s = calloc(pl_max_out(pl), sizeof *s);
	cap = (size_t)((gc->duration_s + 60) * pc.out_rate_hz);
	tx = malloc(cap * sizeof *tx), xx = malloc(cap * sizeof *xx), yx = malloc(cap * sizeof *yx);
	if (!s || !tx || !xx || !yx || (rc = d->ops->start(d))) {
		fprintf(stderr, "poise play: cannot start %s: %s\n", d->info.name, poise_strerror(rc ? rc : POISE_E_NOMEM));
		goto out;
	}
	if (pp->s) {
		rc = train_session_open(&ts, pp->s, pp->p.id, d->info.backend, d->info.serial, pp->operator_name);
		if (rc) {
			fprintf(stderr, "poise play: cannot start a session: %s\n", store_errmsg(pp->s));
			goto out;
		}
	}
	double period = 1.0 / pc.out_rate_hz;
	enum store_status status = STORE_COMPLETE;
	while (run->phase != GRUN_DONE) {
		poise_frame f[16];
		size_t n = 0;
		rc = d->ops->read(d, f, 16, &n, 500);
		if (rc && rc != POISE_E_TIMEOUT) {
			fprintf(stderr, "poise play: %s stopped: %s\n", d->info.name, poise_strerror(rc));
			if (!recording)
				goto out;
			status = rc == POISE_E_DISCONNECTED ? STORE_DEVICE_LOST : STORE_ABORTED;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			size_t m = pl_push(pl, &f[i], s);
			for (size_t j = 0; j < m; j++) {
				bool on = (s[j].flags & SAMPLE_ON_PLATE) && !(s[j].flags & SAMPLE_NO_COP);
				grun_set_cop(run, s[j].xf_mm, s[j].yf_mm, on);
				grun_advance(run, period);
				if (pp->s && !recording) {
					rc = train_trial_begin(&ts, ops, &pp->plan, gc->seed, pc.out_rate_hz, s[j].t_us);
					if (rc) {
						fprintf(stderr, "poise play: cannot record: %s\n", store_errmsg(pp->s));
						goto out;
					}
					recording = true;
				}
				if (recording) {
					game_event e;
					rc = train_trial_sample(&ts, &s[j]);
					while (rc == POISE_OK && grun_pop_event(run, &e))
						rc = train_trial_event(&ts, s[j].t_us, &e);
					if (rc) {
						fprintf(stderr, "poise play: recording stopped: %s\n", store_errmsg(pp->s));
						status = STORE_ABORTED;
						goto finish;
					}
				}
				if (on && run->phase == GRUN_PLAY && n_sway < cap) {
					tx[n_sway] = (double)s[j].t_us * 1e-6;
					xx[n_sway] = s[j].x_mm;
					yx[n_sway] = s[j].y_mm;
					n_sway++;
				}
			}
		}
		if (d->ops->steer) {
			dev_steer st = {.on_plate = true, .active = true};
			grun_intent_mm(run, &st.x_mm, &st.y_mm);
			d->ops->steer(d, &st);
		}
	}
finish:;
	game_result r;
	game_get_result(run->g, &r);
	met_static sway;
	bool have_sway = false;
	if (recording) {
		/* The recorder computes the sway metrics of the whole trial. */
		rc = train_trial_end(&ts, status, &r, &sway, &have_sway);
		if (rc)
			fprintf(stderr, "poise play: the trial could not be closed cleanly: %s\n",
			        store_errmsg(pp->s));
	} else {
		ana_cfg ac;
		ana_cfg_default(&ac);
		have_sway = n_sway >= 3 * 100 &&
		            ana_static_metrics(tx, xx, yx, n_sway, &ac, &sway) == POISE_OK;
	}
	print_result(&r, have_sway ? &sway : NULL, json);
	code = status == STORE_COMPLETE ? CLI_OK : CLI_FAIL;
out:
	train_session_close(&ts);
	if (d)
		d->ops->stop(d);
	free(tx), free(xx), free(yx), free(s);
	grun_destroy(run);
	pl_destroy(pl);
	dev_close(d);
	return code;
}

int cli_play(const cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"level", required_argument, NULL, 'l'},
		{"patient", required_argument, NULL, 'p'},
		{"operator", required_argument, NULL, 'o'},
		{"seconds", required_argument, NULL, 's'},
		{"headless", no_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{"list", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	int level = 1;
	bool level_set = false;
	const char *patient = NULL, *operator_name = NULL;
	double seconds = 0;
	bool headless = false, json = false;
	optind = 0; /* 0, not 1: glibc re-initialises and permutes again */
	opterr = 0;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			level = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || level < 1 || level > 10) {
				fprintf(stderr, "poise play: --level wants 1 to 10, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			level_set = true;
			break;
		case 'p':
			patient = optarg;
			break;
		case 'o':
			operator_name = optarg;
			break;
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || end == optarg || !(seconds >= 5) || seconds > 3600) {
				fprintf(stderr, "poise play: --seconds wants 5 to 3600, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'H':
			headless = true;
			break;
		case 'j':
			json = true;
			break;
		case 'L':
			list_games();
			return CLI_OK;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default: /* ':' (a value is missing) or '?' */
			cli_bad_option("play", c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "poise play: which game? (poise play --list)\n");
		usage(stderr);
		return CLI_USAGE;
	}
	const struct game_ops *ops = game_find(argv[optind]);
	if (!ops) {
		fprintf(stderr, "poise play: no game called '%s'; the games are:", argv[optind]);
		for (const struct game_ops *const *k = game_list(); *k; k++)
			fprintf(stderr, " %s", (*k)->id);
		fprintf(stderr, "\n");
		return CLI_USAGE;
	}
	game_cfg gc = {.level = level, .seed = g->seed, .duration_s = seconds > 0 ? seconds : ops->default_duration_s,
	               .los_min = 0, .los_max = 1};
	stair_cfg sc;
	stair_cfg_default(&sc);
	if (headless) {
		play_patient pp = {.operator_name = operator_name};
		if (patient) {
			int code = cli_open_store(g, "play", 0, &pp.s);
			if (code)
				return code;
			int rc = store_patient_get(pp.s, patient, &pp.p);
			if (rc == POISE_OK)
				rc = train_plan_load(pp.s, pp.p.id, ops, &pp.plan);
			if (rc) {
				fprintf(stderr, "poise play: %s\n", rc == POISE_E_NOT_FOUND
				        ? "no such patient (poise patient list; poise patient add CODE)" : store_errmsg(pp.s));
				store_close(pp.s);
				return rc == POISE_E_NOT_FOUND ? CLI_USAGE : CLI_FAIL;
			}
			/* The prescription, the level reached last time, then what the
			 * command line says. */
			gc = pp.plan.game;
			gc.seed = g->seed;
			if (level_set)
				gc.level = level;
			if (seconds > 0)
				gc.duration_s = seconds;
			pp.plan.game = gc;
			sc = pp.plan.stair;
		}
		int code = play_headless(g, ops, &gc, &sc, &pp, json);
		store_close(pp.s);
		return code;
	}
	gc.duration_s = seconds; /* 0: the prescription's, or the game's own */
	app_play_outcome outcome = {0};
	app_cfg ac = {.device = g->device, .db = g->db, .seed = g->seed, .play = ops, .play_cfg = gc,
	              .play_level_set = level_set, .patient = patient, .operator_name = operator_name,
	              .outcome = &outcome, .width = g->width, .height = g->height,
	              .screenshot = g->screenshot, .quit_after_s = g->quit_after_s,
	              .frame_stats = g->frame_stats, .fullscreen = g->fullscreen};
	char msg[512];
	int code = app_run(&ac, msg, sizeof msg);
	if (code) {
		fprintf(stderr, "poise: %s\n", msg);
		return code;
	}
	if (!outcome.played) {
		fprintf(stderr, "poise play: the window was closed before the game ended\n");
		return CLI_FAIL;
	}
	print_result(&outcome.result, outcome.have_sway ? &outcome.sway : NULL, json);
	return CLI_OK;
}
