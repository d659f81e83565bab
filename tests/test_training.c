/* Training conditions on the session's road, with the simulated plate and
 * a real SQLite file: every stance, surface, scene, sound and dual task
 * plays headless, is stored with its trial and replays exactly (version-1
 * trials too); the dual-task cost against known single-task plays; the
 * ladder moves on once a level range is mastered; the therapist's marks
 * are stored and replayed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "test_assert.h"

#include "core/cond.h"
#include "core/error.h"
#include "device/device.h"
#include "games/game.h"
#include "session/engine.h"
#include "session/play.h"
#include "session/replay.h"
#include "session/source.h"
#include "session/training.h"
#include "store/store.h"
#include "test_util.h"

typedef struct fixture {
	char *dir;
	char path[600];
	store *s;
	store_patient p;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	char msg[512];
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	if (store_open(&f->s, f->path, 0, msg, sizeof msg)) {
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	snprintf(f->p.code, sizeof f->p.code, "MS-1");
	f->p.height_cm = 165;
	if (store_patient_add(f->s, &f->p, &f->p.id))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	store_close(f->s);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* How a test game goes: what the therapist does, and where it stops. */
typedef struct play_spec {
	const char *game;
	cond_set cond;
	double seconds;
	uint64_t seed;
	bool from_plan;       /* the patient's plan decides (prescription, ladder) */
	int level;            /* > 0: the start level */
	int mark_every;       /* > 0: the "therapist" marks every n-th prompt wrong
	                       * (instead of the simulated person's answers) */
	double min_fz_n, max_fz_n; /* the load on the plate while playing */
} play_spec;

/* Plays one recorded game on the simulated plate, headless, the simulated
 * person playing; returns its result. */
static ses_play_result play_on_sim(fixture *f, const play_spec *ps)
{
	const struct game_ops *ops = game_find(ps->game);
	dev *d = NULL;
	dev_open_cfg oc = {.seed = ps->seed, .answer_error_rate = 0.25};
	assert_int_equal(dev_backend("sim")->open(&d, NULL, &oc), POISE_OK);
	ses_source *src;
	assert_int_equal(ses_source_direct(&src, d), POISE_OK);
	ses_cfg sc;
	ses_cfg_default(&sc, &src->info);
	ses_engine *e;
	assert_int_equal(ses_create(&e, src, &sc), POISE_OK);
	train_plan plan;
	assert_int_equal(train_plan_load(f->s, &f->p, ops, true, &plan), POISE_OK);
	if (!ps->from_plan) {
		train_plan_set_cond(&plan, &ps->cond);
		if (ps->level > 0)
			plan.game.level = ps->level;
		assert_int_equal(train_plan_reference(f->s, &f->p, ops, true, &plan), POISE_OK);
	}
	plan.game.duration_s = ps->seconds;
	int64_t sid;
	assert_int_equal(train_sitting_begin(f->s, f->p.id, ses_device(e), "T", NULL, &sid), POISE_OK);
	ses_play_cfg pc = {.db = f->s, .session_id = sid, .prescribed = plan.prescribed};
	train_game_cfg(&plan, ops, ses_sample_rate_hz(e), &pc.game);
	pc.game.game.seed = ps->seed;
	ses_play *p;
	assert_int_equal(ses_play_create(&p, &pc), POISE_OK);
	assert_int_equal(ses_play_attach(p, e), POISE_OK);
	assert_int_equal(ses_start(e), POISE_OK);
	uint32_t marked = 0;
	double fz_lo = INFINITY, fz_hi = 0;
	while (!ses_play_done(p)) {
		assert_int_equal(ses_pump(e, 0, 16, NULL), POISE_OK);
		const grun *run = ses_game_runner(ses_play_game(p));
		const cog_task *cog = &run->g->cog;
		if (ps->mark_every > 0 && cog->active && !cog->cur.answered && cog->cur.id != marked &&
		    run->g->t_s - cog->cur.shown_s > 1.0) {
			marked = cog->cur.id;
			assert_true(ses_play_cog_mark(p, cog->cur.id % (uint32_t)ps->mark_every != 0));
			assert_false(ses_play_cog_mark(p, true)); /* once per prompt */
		}
		if (run->phase == GRUN_PLAY && run->g->t_s > 3) {
			double fz = pl_body_weight_n(ses_pipeline(e));
			fz_lo = fmin(fz_lo, fz);
			fz_hi = fmax(fz_hi, fz);
		}
		if (ps->mark_every > 0) { /* the person only plays; the test marks */
			dev_steer st = {.on_plate = true, .active = true};
			ses_game_intent_mm(ses_play_game(p), &st.x_mm, &st.y_mm);
			ses_steer(e, &st);
			dev_posture pos = {.stance = ps->cond.stance};
			ses_posture(e, &pos);
		} else {
			ses_play_sim_turn(p, e, true);
		}
	}
	if (ps->max_fz_n > 0) {
		assert_true(fz_lo >= ps->min_fz_n);
		assert_true(fz_hi <= ps->max_fz_n);
	}
	ses_play_result r;
	assert_int_equal(ses_play_finish(p, STORE_COMPLETE, &r), POISE_OK);
	ses_play_detach(p, e);
	ses_play_destroy(p);
	ses_destroy(e);
	store_session_end(f->s, sid);
	assert_true(r.trial_id > 0);
	return r;
}

static void assert_replays_exactly(fixture *f, const ses_play_result *r)
{
	ses_replay rp;
	char msg[256];
	assert_int_equal(ses_replay_run(f->s, r->trial_id, &rp, msg, sizeof msg), POISE_OK);
	if (rp.differences)
		fail_msg("trial %lld: replay differs: %s", (long long)r->trial_id, rp.first_difference);
	assert_int_equal(rp.n_events, rp.n_stored_events);
	assert_memory_equal(&rp.result.cond, &r->result.cond, sizeof r->result.cond);
	assert_true(rp.result.cognitive_correct == r->result.cognitive_correct ||
	            (isnan(rp.result.cognitive_correct) && isnan(r->result.cognitive_correct)));
	ses_replay_free(&rp);
}

static int count_events(fixture *f, int64_t trial, const char *kind)
{
	store_event *ev;
	size_t n;
	assert_int_equal(store_events(f->s, trial, &ev, &n), POISE_OK);
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += strcmp(ev[i].kind, kind) == 0;
	free(ev);
	return k;
}

static void every_condition_plays_is_stored_and_replays_exactly(void **state)
{
	fixture *f = *state;
	const play_spec specs[] = {
		{.game = "reach", .cond = {.stance = COND_TANDEM, .surface = COND_FOAM, .dual_task = COND_DUAL_ARITHMETIC},
		 .seconds = 40, .seed = 3},
		{.game = "reach", .cond = {.stance = COND_FEET_TOGETHER, .dual_task = COND_DUAL_CATEGORY}, .seconds = 30, .seed = 4},
		{.game = "stillwater",
		 .cond = {.stance = COND_SEATED, .dual_task = COND_DUAL_COUNT_BACK, .head_turn_s = 4, .eyes_closed = true,
		  .audio_feedback = true},
		 .seconds = 30, .seed = 5, .min_fz_n = 0.6 * 70 * 9.81, .max_fz_n = 0.8 * 70 * 9.81},
		{.game = "tracking", .cond = {.stance = COND_SINGLE_LEFT, .eyes_closed = true, .audio_feedback = true},
		 .seconds = 20, .seed = 6},
		{.game = "slalom", .cond = {.visual = COND_VISUAL_FLOW, .visual_speed_deg_s = 20,
		                            .dual_task = COND_DUAL_ARITHMETIC},
		 .seconds = 20, .seed = 7},
		{.game = "maze", .cond = {.visual = COND_VISUAL_TILT, .visual_speed_deg_s = 5, .stance = COND_SINGLE_RIGHT},
		 .seconds = 20, .seed = 8},
	};
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		const play_spec *ps = &specs[i];
		ses_play_result r = play_on_sim(f, ps);
		assert_int_equal(r.status, STORE_COMPLETE);
		assert_memory_equal(&r.result.cond, &ps->cond, sizeof ps->cond);
		/* Stored with the trial, as its names. */
		char text[64];
		assert_int_equal(store_trial_param(f->s, r.trial_id, "$.stance", NULL, text, sizeof text), POISE_OK);
		assert_string_equal(text, cond_stance_name(ps->cond.stance));
		assert_int_equal(store_trial_param(f->s, r.trial_id, "$.dual_task", NULL, text, sizeof text), POISE_OK);
		assert_string_equal(text, cond_dual_name(ps->cond.dual_task));
		cond_set back;
		assert_int_equal(train_trial_cond(f->s, r.trial_id, &back), POISE_OK);
		assert_memory_equal(&back, &ps->cond, sizeof back);
		if (ps->cond.dual_task != COND_DUAL_NONE) {
			/* The simulated person answers, at 25 % wrong. */
			assert_true(r.result.cognitive_correct >= 2);
			assert_true(isfinite(r.result.cognitive_errors));
			assert_true(r.result.cognitive_rt_s > 0.2 && r.result.cognitive_rt_s < 10);
			assert_true(count_events(f, r.trial_id, "prompt") >= 3);
			/* Every answer is an event of the log (the simulated person
			 * answers every prompt within 1.5 s). */
			assert_int_equal(count_events(f, r.trial_id, "answer"),
			                 (int)(r.result.cognitive_correct + r.result.cognitive_errors));
		} else {
			assert_true(isnan(r.result.cognitive_correct));
		}
		if (ps->cond.head_turn_s > 0) /* every 4 s of a 30 s game */
			assert_int_equal(count_events(f, r.trial_id, "cue"), 7);
		assert_replays_exactly(f, &r);
	}
}

/* A trial recorded by a Poise before the conditions existed (replay
 * version 1, no condition keys) still replays, as a plain play. */
static void a_version_1_trial_still_replays(void **state)
{
	fixture *f = *state;
	play_spec ps = {.game = "reach", .seconds = 20, .seed = 11};
	ses_play_result r = play_on_sim(f, &ps);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "UPDATE trial SET params = json_remove(json_set(params, '$.replay', 1), '$.stance', '$.surface', "
	         "'$.visual', '$.visual_speed_deg_s', '$.head_turn_s', '$.eyes_closed', '$.audio_feedback', "
	         "'$.dual_task', '$.rung', '$.ladder') WHERE id = %lld",
	         (long long)r.trial_id);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	double v;
	assert_int_equal(store_trial_param(f->s, r.trial_id, "$.replay", &v, NULL, 0), POISE_OK);
	assert_true(v == 1);
	assert_int_equal(store_trial_param(f->s, r.trial_id, "$.stance", NULL, NULL, 0), POISE_E_NOT_FOUND);
	assert_replays_exactly(f, &r);
}

/* The therapist's key: marks are stored as answers and replayed where
 * they were made. */
static void the_therapists_marks_are_counted_and_replayed(void **state)
{
	fixture *f = *state;
	play_spec ps = {.game = "stillwater", .cond = {.dual_task = COND_DUAL_COUNT_BACK}, .seconds = 42, .seed = 12,
	                .mark_every = 3};
	ses_play_result r = play_on_sim(f, &ps);
	/* Prompts at 5, 10, ... 40 s: 8; each marked 1 s after it came (the last
	 * at 41 s, before the end at 42 s), every
	 * third (ids 3, 6) wrong. */
	assert_int_equal(count_events(f, r.trial_id, "prompt"), 8);
	assert_double_equal(r.result.cognitive_errors, 2, 0);
	assert_double_equal(r.result.cognitive_correct, 6, 0);
	assert_true(r.result.cognitive_rt_s > 1.0 && r.result.cognitive_rt_s < 1.2);
	assert_replays_exactly(f, &r);
}

/* Stores a finished play with known numbers, as the play would. */
static void store_known_play(fixture *f, int64_t sid, const char *game_id, const cond_set *c, int level, double score,
                             double sway_mm_s, enum store_status status)
{
	const struct game_ops *ops = game_find(game_id);
	ses_game_cfg gc;
	ses_game_cfg_default(&gc, ops, 100);
	gc.game.level = level;
	gc.game.cond = *c;
	char params[2048], kind[64];
	assert_int_equal(train_params_json(&gc, true, params, sizeof params), POISE_OK);
	train_kind(ops, kind, sizeof kind);
	int64_t tid;
	assert_int_equal(store_trial_begin(f->s, sid, kind, params, NULL, 100, &tid), POISE_OK);
	game_result r = {.level_start = level, .level_end = level, .level_max = level, .score = score,
	                 .tracking_rms = NAN, .reaction_time_s = NAN, .path_efficiency = NAN,
	                 .cognitive_correct = NAN, .cognitive_errors = NAN, .cognitive_rt_s = NAN,
	                 .dual_task_cost_pct = NAN, .dual_task_cost_sway_pct = NAN};
	assert_int_equal(train_store_result(f->s, tid, &r), POISE_OK);
	assert_int_equal(store_metric_put(f->s, tid, "mean_velocity_mm_s", sway_mm_s, "mm/s"), POISE_OK);
	assert_int_equal(store_trial_end(f->s, tid, status, 60), POISE_OK);
}

static void the_dual_task_cost_is_against_single_task_plays(void **state)
{
	fixture *f = *state;
	assert_double_equal(game_dual_task_cost_pct(100, 75), -25, 1e-12);
	assert_double_equal(game_dual_task_cost_pct(10, 12), 20, 1e-12);
	assert_true(isnan(game_dual_task_cost_pct(0, 12)));
	assert_true(isnan(game_dual_task_cost_pct(NAN, 12)));
	/* Known single-task plays of Reach at level 2, standing, on the
	 * simulated plate: scores 80 and 60, sway 10 and 14 mm/s. Beside
	 * them, plays that must not count: a dual-task one, another level,
	 * another stance, an aborted one. */
	dev_info sim = {.backend = "sim", .serial = "SIM-0001"};
	int64_t sid;
	assert_int_equal(train_sitting_begin(f->s, f->p.id, &sim, "T", NULL, &sid), POISE_OK);
	cond_set plain = {0}, dual = {.dual_task = COND_DUAL_ARITHMETIC}, tandem = {.stance = COND_TANDEM};
	store_known_play(f, sid, "reach", &plain, 2, 80, 10, STORE_COMPLETE);
	store_known_play(f, sid, "reach", &plain, 2, 60, 14, STORE_COMPLETE);
	store_known_play(f, sid, "reach", &dual, 2, 10, 40, STORE_COMPLETE);
	store_known_play(f, sid, "reach", &plain, 3, 10, 40, STORE_COMPLETE);
	store_known_play(f, sid, "reach", &tandem, 2, 10, 40, STORE_COMPLETE);
	store_known_play(f, sid, "reach", &plain, 2, 10, 40, STORE_ABORTED);
	store_session_end(f->s, sid);
	train_plan plan;
	assert_int_equal(train_plan_load(f->s, &f->p, game_find("reach"), true, &plan), POISE_OK);
	assert_true(isnan(plan.ref_score)); /* a single-task plan has no reference */
	train_plan_set_cond(&plan, &dual);
	plan.game.level = 2;
	assert_int_equal(train_plan_reference(f->s, &f->p, game_find("reach"), true, &plan), POISE_OK);
	assert_int_equal(plan.n_ref, 2);
	assert_double_equal(plan.ref_score, 70, 1e-12);
	assert_double_equal(plan.ref_sway_mm_s, 12, 1e-12);
	/* On a real plate there is none. */
	train_plan real = plan;
	assert_int_equal(train_plan_reference(f->s, &f->p, game_find("reach"), false, &real), POISE_OK);
	assert_int_equal(real.n_ref, 0);
	/* A dual-task play: its costs against that reference, stored and
	 * replayed. */
	play_spec ps = {.game = "reach", .cond = dual, .seconds = 40, .seed = 21, .level = 2};
	ses_play_result r = play_on_sim(f, &ps);
	assert_int_equal(r.result.level_start, 2);
	assert_true(r.have_sway);
	assert_double_equal(r.result.dual_task_cost_pct, (r.result.score - 70) / 70 * 100, 1e-9);
	assert_double_equal(r.result.dual_task_cost_sway_pct, (r.sway.mean_velocity_mm_s - 12) / 12 * 100, 1e-9);
	double ref;
	assert_int_equal(store_trial_param(f->s, r.trial_id, "$.ref_score", &ref, NULL, 0), POISE_OK);
	assert_double_equal(ref, 70, 0);
	store_metric *m;
	size_t nm;
	assert_int_equal(store_metrics(f->s, r.trial_id, &m, &nm), POISE_OK);
	assert_double_equal(store_metric_find(m, nm, "dual_task_cost_pct"), r.result.dual_task_cost_pct, 0);
	free(m);
	assert_replays_exactly(f, &r);
	/* A later single-task play does not change what this one was
	 * compared with: the replay still matches. */
	play_spec single = {.game = "reach", .cond = plain, .seconds = 20, .seed = 22, .level = 2};
	play_on_sim(f, &single);
	assert_replays_exactly(f, &r);
}

static void the_ladder_moves_on_once_the_range_is_mastered(void **state)
{
	fixture *f = *state;
	store_prescription rx = {.level_min = 2, .level_max = 2, .adaptive = true, .los_min_pct = 0,
	                         .los_max_pct = 100, .duration_s = 30};
	snprintf(rx.game, sizeof rx.game, "reach");
	cond_set base = {.surface = COND_FOAM};
	assert_int_equal(train_options_json(&base, "feet-together,tandem", rx.options_json, sizeof rx.options_json),
	                 POISE_OK);
	assert_int_equal(store_prescription_set(f->s, f->p.id, &rx), POISE_OK);
	train_plan plan;
	assert_int_equal(train_plan_load(f->s, &f->p, game_find("reach"), true, &plan), POISE_OK);
	assert_int_equal(plan.rung, 0);
	assert_int_equal(plan.cond.surface, COND_FOAM);
	assert_int_equal(plan.cond.stance, COND_STANDING);
	const int want[] = {COND_STANDING, COND_FEET_TOGETHER, COND_TANDEM, COND_TANDEM};
	for (int k = 0; k < 4; k++) {
		play_spec ps = {.game = "reach", .seconds = 30, .seed = (uint64_t)(30 + k), .from_plan = true};
		ses_play_result r = play_on_sim(f, &ps);
		assert_int_equal(r.result.cond.stance, want[k]);
		assert_int_equal(r.result.cond.surface, COND_FOAM);
		/* The simulated player masters level 2 within 30 s: the log says
		 * so, with the next rung (none after the last). */
		assert_int_equal(count_events(f, r.trial_id, "mastered"), k < 2 ? 1 : 0);
		assert_replays_exactly(f, &r);
		assert_int_equal(train_plan_load(f->s, &f->p, game_find("reach"), true, &plan), POISE_OK);
		assert_int_equal(plan.rung, k < 2 ? k + 1 : 2);
		assert_int_equal(plan.rung_changed, k < 2);
	}
	/* A damaged option is a clear error, not a silent default. */
	snprintf(rx.options_json, sizeof rx.options_json, "{\"stance\": \"cartwheel\"}");
	assert_int_equal(store_prescription_set(f->s, f->p.id, &rx), POISE_OK);
	assert_int_equal(train_plan_load(f->s, &f->p, game_find("reach"), true, &plan), POISE_E_PARSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_condition_plays_is_stored_and_replays_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(a_version_1_trial_still_replays, setup, teardown),
		cmocka_unit_test_setup_teardown(the_therapists_marks_are_counted_and_replayed, setup, teardown),
		cmocka_unit_test_setup_teardown(the_dual_task_cost_is_against_single_task_plays, setup, teardown),
		cmocka_unit_test_setup_teardown(the_ladder_moves_on_once_the_range_is_mastered, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
