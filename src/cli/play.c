/* `poise play GAME`: one game, in a window or headless, result printed.
 *
 * Both run on the session engine (session/engine.h) with the same game
 * consumer (session/play.h): headless reads the plate directly (the
 * simulated plate: faster than real time), the window through the
 * acquisition thread; either way the game advances by sample time, so the
 * same samples give the same game and `poise replay` gives it again. */
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/cond.h"
#include "core/error.h"
#include "device/device.h"
#include "games/game.h"
#include "session/engine.h"
#include "session/play.h"
#include "session/station.h"
#include "session/training.h"
#include "store/store.h"
#include "ui/app.h"

#define HEADLESS_FRAMES 16 /* frames per turn: the simulated player looks
                            * where to lean every 16 frames (0.16 s) */

static void usage(FILE *f)
{
	fputs("usage: poise play GAME [--patient CODE] [--level N] [--seconds S]\n"
	      "                 [--operator NAME] [--headless] [--json] [--device D] [--seed N] [--db PATH]\n"
	      "                 [--stance standing|feet-together|tandem|single-left|single-right|seated]\n"
	      "                 [--surface firm|foam] [--visual static|flow|tilt] [--visual-speed DEG_S]\n"
	      "                 [--head-turns S] [--eyes-closed] [--audio-feedback]\n"
	      "                 [--dual-task none|arithmetic|category|count-back] [--sim-error-rate R]\n"
	      "       poise play --list\n"
	      "\n"
	      "Plays one game and prints its result. On the simulated plate (--device sim,\n"
	      "or a demo without a patient when no plate is plugged in) the simulated\n"
	      "person plays: they aim where a competent player would. --headless runs\n"
	      "without a window, as fast as the plate allows (the simulated plate: faster\n"
	      "than real time).\n"
	      "\n"
	      "With --patient the game follows the patient's prescription (level range,\n"
	      "adaptive or not, LOS working range, duration: poise prescribe), is scaled to\n"
	      "their height, starts at the level they reached last time, and is recorded as\n"
	      "a trial game:GAME of a new session: every COP sample, every game event, the\n"
	      "game's results and the sway while playing, and what `poise replay TRIAL`\n"
	      "needs to play it again. --level then overrides the start level. A patient's\n"
	      "game needs a real plate unless --device sim is chosen (then it is stored\n"
	      "as simulated).\n"
	      "\n"
	      "Training conditions (default: the prescription's, else standing, firm,\n"
	      "eyes open, single task): --stance and --surface say how the patient stands\n"
	      "(seated: on the plate, trunk training; lifting off the seat pauses the\n"
	      "game); --visual flow|tilt moves the background at DEG_S degrees a second\n"
	      "(default 10; a warning is printed: not for people prone to motion\n"
	      "sickness); --head-turns S cues a head turn every S seconds; --eyes-closed\n"
	      "plays with the eyes closed and the centre of pressure as sound\n"
	      "(--audio-feedback: the sound with the eyes open); --dual-task adds a\n"
	      "thinking task (Reach: lean to the right answer; else answered aloud, the\n"
	      "therapist marks errors). On the simulated plate the simulated person\n"
	      "stands, sits and answers (wrong at --sim-error-rate, default 0.15).\n"
	      "\n"
	      "Exit status: 0 played to the end, 1 stopped early or failed, 2 bad usage.\n",
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

static void json_num(FILE *f, const char *key, double v)
{
	if (isfinite(v))
		fprintf(f, ", \"%s\": %.6g", key, v);
	else
		fprintf(f, ", \"%s\": null", key);
}

void cli_print_game_result(FILE *f, const game_result *r, const met_static *sway, bool have_sway,
                           int64_t trial_id, bool simulated, bool json)
{
	size_t nf;
	if (json) {
		fprintf(f, "{\"game\": \"%s\"", r->game);
		if (trial_id > 0)
			fprintf(f, ", \"trial_id\": %lld", (long long)trial_id);
		fprintf(f, ", \"simulated\": %s", simulated ? "true" : "false");
		char cond[512];
		if (cond_json_members(&r->cond, cond, sizeof cond) == POISE_OK)
			fprintf(f, ", %s", cond);
		const game_result_field *gf = game_result_fields(&nf);
		for (size_t i = 0; i < nf; i++)
			json_num(f, gf[i].key, game_result_value(r, &gf[i]));
		const met_field *mf = met_static_fields(&nf);
		for (size_t i = 0; have_sway && i < nf; i++) {
			char key[64];
			snprintf(key, sizeof key, "sway_%s", mf[i].key);
			json_num(f, key, met_field_value(sway, &mf[i]));
		}
		fprintf(f, "}\n");
		return;
	}
	fprintf(f, "%s%s: score %.0f, %d hit%s, %d miss%s, %.1f s in target of %.1f s played\n",
	        simulated ? "SIMULATED PLATE: " : "", r->game, r->score, r->hits, r->hits == 1 ? "" : "s",
	        r->misses, r->misses == 1 ? "" : "es", r->time_in_target_s, r->play_time_s);
	fprintf(f, "level %d → %d (highest %d)", r->level_start, r->level_end, r->level_max);
	if (isfinite(r->tracking_rms))
		fprintf(f, ", tracking error %.0f %% LOS", r->tracking_rms * 100);
	if (isfinite(r->reaction_time_s))
		fprintf(f, ", reaction %.2f s", r->reaction_time_s);
	if (isfinite(r->path_efficiency))
		fprintf(f, ", path efficiency %.0f %%", r->path_efficiency * 100);
	fprintf(f, "\n");
	if (!cond_is_plain(&r->cond)) {
		char c[256];
		cond_describe(&r->cond, c, sizeof c);
		fprintf(f, "conditions: %s\n", c);
	}
	if (isfinite(r->cognitive_correct))
		fprintf(f, "thinking task: %.0f right, %.0f wrong%s", r->cognitive_correct, r->cognitive_errors,
		        isfinite(r->cognitive_rt_s) ? "" : "\n");
	if (isfinite(r->cognitive_correct) && isfinite(r->cognitive_rt_s))
		fprintf(f, ", answer time %.2f s\n", r->cognitive_rt_s);
	if (isfinite(r->dual_task_cost_pct))
		fprintf(f, "dual-task cost: score %+.0f %%%s", r->dual_task_cost_pct,
		        isfinite(r->dual_task_cost_sway_pct) ? "" : "\n");
	if (isfinite(r->dual_task_cost_pct) && isfinite(r->dual_task_cost_sway_pct))
		fprintf(f, ", sway velocity %+.0f %%\n", r->dual_task_cost_sway_pct);
	if (have_sway)
		fprintf(f, "sway while playing: mean velocity %.1f mm/s, 95%% ellipse %.0f mm²\n",
		        sway->mean_velocity_mm_s, sway->ellipse95_area_mm2);
	if (trial_id > 0)
		fprintf(f, "recorded as trial %lld (poise replay %lld plays it again)\n", (long long)trial_id,
		        (long long)trial_id);
}

/* What the command line asked for. */
typedef struct play_opts {
	const struct game_ops *ops;
	const char *patient, *operator_name;
	int level;
	bool level_set;
	double seconds;
	bool headless, json;
	cond_set cond;          /* the command line's conditions */
	bool cond_set_;         /* any condition given: they replace the prescription's */
	double sim_error_rate;  /* the simulated person's wrong answers (0: default) */
} play_opts;

/* The patient's record, when there is one. */
typedef struct play_patient {
	store *s;
	store_patient p;
	train_plan plan;
} play_patient;

/* The prescription and the plays before (on the same kind of plate), then
 * the command line. */
static int load_plan(const play_opts *o, play_patient *pp, bool simulated)
{
	train_plan_default(o->ops, &pp->plan);
	if (pp->s) {
		int rc = train_plan_load(pp->s, &pp->p, o->ops, simulated, &pp->plan);
		if (rc) {
			fprintf(stderr, "poise play: %s\n", store_errmsg(pp->s));
			return CLI_FAIL;
		}
	}
	if (o->level_set)
		pp->plan.game.level = o->level;
	if (o->seconds > 0)
		pp->plan.game.duration_s = o->seconds;
	if (o->cond_set_)
		train_plan_set_cond(&pp->plan, &o->cond);
	if (pp->s && (o->cond_set_ || o->level_set) &&
	    train_plan_reference(pp->s, &pp->p, o->ops, simulated, &pp->plan) != POISE_OK) {
		fprintf(stderr, "poise play: %s\n", store_errmsg(pp->s));
		return CLI_FAIL;
	}
	if (pp->plan.cond.visual != COND_VISUAL_STATIC)
		fprintf(stderr, "poise play: WARNING: %s\n", cond_visual_warning());
	if (pp->plan.rung_changed)
		fprintf(stderr, "poise play: the last game mastered levels %d-%d: on to the next step of the "
		        "ladder (%s), from level %d\n", pp->plan.stair.min_level, pp->plan.stair.max_level,
		        pp->plan.ladder, pp->plan.game.level);
	return CLI_OK;
}

/* Plays headless on the session engine, reading the plate on this thread. */
static int play_headless(const cli_global *gl, const play_opts *o, play_patient *pp)
{
	dev *d = NULL;
	dev_open_cfg oc = {.seed = gl->seed, .realtime = false, .answer_error_rate = o->sim_error_rate};
	if (cli_open_plate("play", gl->device, pp->s != NULL, &oc, &d))
		return CLI_FAIL;
	if (load_plan(o, pp, dev_is_simulated(&d->info))) {
		dev_close(d);
		return CLI_FAIL;
	}
	ses_source *src = NULL;
	ses_engine *e = NULL;
	ses_play *p = NULL;
	int64_t session_id = 0;
	int code = CLI_FAIL, rc;
	if ((rc = ses_source_direct(&src, d)) != POISE_OK) {
		dev_close(d);
		fprintf(stderr, "poise play: %s\n", poise_strerror(rc));
		return CLI_FAIL;
	}
	ses_cfg sc;
	ses_cfg_default(&sc, &src->info);
	if ((rc = ses_create(&e, src, &sc)) != POISE_OK) {
		ses_source_destroy(src);
		fprintf(stderr, "poise play: cannot set up the session: %s\n", poise_strerror(rc));
		return CLI_FAIL;
	}
	if (ses_station_apply_scale(pp->s, e, NULL) != POISE_OK)
		fprintf(stderr, "poise play: the stored scale correction of %s is damaged and was not used; "
		        "do a known-mass check in the app\n", ses_device(e)->name);
	ses_play_cfg pc = {.db = pp->s, .prescribed = pp->plan.prescribed};
	train_game_cfg(&pp->plan, o->ops, ses_sample_rate_hz(e), &pc.game);
	pc.game.game.seed = gl->seed;
	if (pp->s && (rc = train_sitting_begin(pp->s, pp->p.id, ses_device(e), o->operator_name, NULL,
	                                       &session_id)) != POISE_OK) {
		fprintf(stderr, "poise play: cannot start a session: %s\n", store_errmsg(pp->s));
		goto out;
	}
	pc.session_id = session_id;
	if ((rc = ses_play_create(&p, &pc)) != POISE_OK || (rc = ses_play_attach(p, e)) != POISE_OK ||
	    (rc = ses_start(e)) != POISE_OK) {
		fprintf(stderr, "poise play: cannot start the game on %s: %s\n", ses_device(e)->name,
		        pp->s && rc != POISE_E_NOMEM ? store_errmsg(pp->s) : poise_strerror(rc));
		goto out;
	}
	enum store_status status = STORE_COMPLETE;
	while (!ses_play_done(p)) {
		if ((rc = ses_pump(e, 500, HEADLESS_FRAMES, NULL)) != POISE_OK) {
			fprintf(stderr, "poise play: %s stopped: %s; the game ends here\n", ses_device(e)->name,
			        poise_strerror(rc));
			status = STORE_DEVICE_LOST;
			break;
		}
		ses_play_sim_turn(p, e, true); /* the simulated person plays */
	}
	if (ses_play_consumer(p)->err) {
		fprintf(stderr, "poise play: the game stopped: %s\n", poise_strerror(ses_play_consumer(p)->err));
		status = STORE_ABORTED;
	}
	if (ses_play_record_error(p))
		fprintf(stderr, "poise play: recording stopped early: %s\n", store_errmsg(pp->s));
	ses_play_result r;
	if (ses_play_finish(p, status, &r) != POISE_OK)
		fprintf(stderr, "poise play: the trial could not be closed cleanly: %s\n", store_errmsg(pp->s));
	cli_print_game_result(stdout, &r.result, &r.sway, r.have_sway, r.trial_id, ses_simulated(e), o->json);
	code = status == STORE_COMPLETE && !ses_play_record_error(p) ? CLI_OK : CLI_FAIL;
out:
	ses_destroy(e);
	ses_play_destroy(p);
	if (session_id)
		store_session_end(pp->s, session_id);
	return code;
}

const cli_opts cli_play_opts = {
	":h",
	(const struct option[]){
		{"level", required_argument, NULL, 'l'},
		{"patient", required_argument, NULL, 'p'},
		{"operator", required_argument, NULL, 'o'},
		{"seconds", required_argument, NULL, 's'},
		{"headless", no_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{"list", no_argument, NULL, 'L'},
		CLI_COND_LONGOPTS,
		{"sim-error-rate", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

static int parse_args(play_opts *o, int argc, char **argv)
{
	optind = 0; /* 0, not 1: glibc re-initialises and permutes again */
	opterr = 0;
	int c;
	char *end;
	while ((c = cli_getopt(argc, argv, &cli_play_opts)) != -1) {
		switch (c) {
		case 'l':
			o->level = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || o->level < 1 || o->level > 10) {
				fprintf(stderr, "poise play: --level wants 1 to 10, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			o->level_set = true;
			break;
		case 'p':
			o->patient = optarg;
			break;
		case 'o':
			if (cli_text_opt("play", "--operator", optarg, NULL,
			                 sizeof ((store_session *)0)->operator_name, false))
				return CLI_USAGE;
			o->operator_name = optarg;
			break;
		case 's':
			o->seconds = strtod(optarg, &end);
			if (*end || end == optarg || !(o->seconds >= 5) || o->seconds > 3600) {
				fprintf(stderr, "poise play: --seconds wants 5 to 3600, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'H':
			o->headless = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'L':
			list_games();
			return -1;
		CLI_COND_CASES:
			if (!cli_cond_option("play", c, optarg, &o->cond))
				return CLI_USAGE;
			o->cond_set_ = true;
			break;
		case 'R': {
			double v = strtod(optarg, &end);
			if (end == optarg || *end || !(v >= 0) || v > 1) {
				fprintf(stderr, "poise play: --sim-error-rate wants 0 to 1, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			o->sim_error_rate = v > 0 ? v : -1; /* -1: never wrong */
			break;
		}
		case 'h':
			usage(stdout);
			return -1;
		default: /* ':' (a value is missing) or '?' */
			cli_bad_option("play", c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		if (optind >= argc)
			fprintf(stderr, "poise play: no game named: name one (poise play --list shows them)\n");
		else
			fprintf(stderr, "poise play: one game at a time: '%s' after '%s' is one too many\n",
			        argv[optind + 1], argv[optind]);
		usage(stderr);
		return CLI_USAGE;
	}
	o->ops = game_find(argv[optind]);
	if (!o->ops) {
		fprintf(stderr, "poise play: no game called '%s'; the games are:", argv[optind]);
		for (const struct game_ops *const *k = game_list(); *k; k++)
			fprintf(stderr, " %s", (*k)->id);
		fprintf(stderr, "\n");
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* The patient's record, when the game is for a patient. */
static int load_patient(const cli_global *g, const play_opts *o, play_patient *pp)
{
	if (!o->patient)
		return CLI_OK;
	int code = cli_open_store(g, "play", 0, &pp->s);
	if (code)
		return code;
	int rc = store_patient_get(pp->s, o->patient, &pp->p);
	if (rc) {
		fprintf(stderr, "poise play: %s\n", rc == POISE_E_NOT_FOUND
		        ? "no such patient (poise patient list; poise patient add CODE)" : store_errmsg(pp->s));
		return rc == POISE_E_NOT_FOUND ? CLI_USAGE : CLI_FAIL;
	}
	return CLI_OK;
}

int cli_play(const cli_global *g, int argc, char **argv)
{
	play_opts o = {.level = 1, .patient = g->patient, .operator_name = g->operator_name};
	int code = parse_args(&o, argc, argv);
	if (code)
		return code < 0 ? CLI_OK : code;
	play_patient pp = {0};
	if ((code = load_patient(g, &o, &pp)) != CLI_OK) {
		store_close(pp.s);
		return code;
	}
	if (o.headless) {
		code = play_headless(g, &o, &pp);
		store_close(pp.s);
		return code;
	}
	store_close(pp.s); /* the app opens the database itself */
	app_play_outcome outcome = {0};
	app_cfg ac = {.device = g->device_set ? g->device : NULL, .db = g->db, .seed = g->seed, .play = o.ops,
	              .play_level = o.level_set ? o.level : 0, .play_seconds = o.seconds,
	              .patient = o.patient, .operator_name = o.operator_name, .outcome = &outcome,
	              .width = g->width, .height = g->height, .screenshot = g->screenshot,
	              .quit_after_s = g->quit_after_s, .frame_stats = g->frame_stats,
	              .fullscreen = g->fullscreen, .play_cond = o.cond_set_ ? &o.cond : NULL,
	              .sim_error_rate = o.sim_error_rate, .frame_log = g->frame_log};
	if (o.cond.visual != COND_VISUAL_STATIC)
		fprintf(stderr, "poise play: WARNING: %s\n", cond_visual_warning());
	char msg[1024];
	code = app_run(&ac, msg, sizeof msg);
	if (code) {
		fprintf(stderr, "poise: %s\n", msg);
		return code;
	}
	if (!outcome.played) {
		fprintf(stderr, "poise play: the window was closed before the game ended\n");
		return CLI_FAIL;
	}
	cli_print_game_result(stdout, &outcome.r.result, &outcome.r.sway, outcome.r.have_sway, outcome.r.trial_id,
	                      outcome.simulated, o.json);
	return outcome.r.status == STORE_COMPLETE ? CLI_OK : CLI_FAIL;
}
