/* The standard tests end to end on the simulated plate: the session's
 * test consumer (session/assess) stores every trial and the summary, a
 * step-off is a fall, the measured LOS becomes the game space; then
 * `poise assess` for each test, and a later game for a patient with a
 * small measured LOS. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "device/device.h"
#include "games/game.h"
#include "session/assess.h"
#include "session/engine.h"
#include "session/training.h"
#include "store/store.h"
#include "test_util.h"

typedef struct fx {
	char *dir;
	char db[600];
	store *s;
	store_patient p;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
	char msg[256];
	if (store_open(&f->s, f->db, 0, msg, sizeof msg))
		return -1;
	f->p = (store_patient){.height_cm = 170, .weight_kg = 70};
	snprintf(f->p.code, sizeof f->p.code, "P01");
	if (store_patient_add(f->s, &f->p, &f->p.id))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	store_close(f->s);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs one test on the simulated plate for patient f->p; the simulated
 * patient reaches reach of each LOS target and steps off in recorded
 * trial off_trial (1-based, 0 = never) after off_s for 2 s. */
static void run_sim(fx *f, enum atest_test t, void (*tweak)(atest_cfg *), double reach, int off_trial,
                    double off_s, bool stop_early, ses_assess_result *r, int64_t *session)
{
	dev *d = NULL;
	char msg[256];
	dev_open_cfg oc = {.seed = 11, .height_m = 1.70};
	assert_int_equal(dev_open_spec(&d, "sim", &oc, msg, sizeof msg), POISE_OK);
	ses_source *src;
	assert_int_equal(ses_source_direct(&src, d), POISE_OK);
	ses_cfg sc;
	ses_cfg_default(&sc, &src->info);
	ses_engine *e;
	assert_int_equal(ses_create(&e, src, &sc), POISE_OK);
	assert_int_equal(train_sitting_begin(f->s, f->p.id, ses_device(e), NULL, "assess", session), POISE_OK);
	ses_assess_cfg ac = {.db = f->s, .session_id = *session};
	atest_cfg_default(&ac.test, t, ses_sample_rate_hz(e), 1.70, &ses_device(e)->plate);
	if (tweak)
		tweak(&ac.test);
	ses_assess *a;
	assert_int_equal(ses_assess_create(&a, &ac), POISE_OK);
	assert_int_equal(ses_attach(e, ses_assess_consumer(a)), POISE_OK);
	assert_int_equal(ses_start(e), POISE_OK);
	int recorded = 0;
	bool was = false;
	double t_rec = 0, off_until = -1;
	size_t turns = 0;
	while (!ses_assess_done(a) && turns < 1000000) {
		ses_stats st;
		ses_stats_get(e, &st);
		double now = (double)st.samples / 100;
		bool rec = atest_recording(ses_assess_machine(a));
		if (rec && !was) {
			recorded++;
			t_rec = now;
		}
		was = rec;
		if (stop_early && recorded == 3 && rec && now - t_rec > 1) {
			ses_assess_stop(a);
			break;
		}
		dev_steer steer;
		dev_posture pose;
		ses_assess_intent(a, reach, &steer, &pose);
		if (off_trial && recorded == off_trial && rec && off_until < 0 && now - t_rec >= off_s)
			off_until = now + 2;
		if (now < off_until)
			steer.on_plate = false;
		ses_steer(e, &steer);
		ses_posture(e, &pose);
		assert_int_equal(ses_pump(e, 0, 8, NULL), POISE_OK);
		turns++;
	}
	assert_true(ses_assess_done(a));
	assert_int_equal(ses_assess_finish(a, r), POISE_OK);
	assert_int_equal(ses_assess_store_error(a), POISE_OK);
	ses_detach(e, ses_assess_consumer(a));
	ses_assess_destroy(a);
	ses_destroy(e);
	store_session_end(f->s, *session);
}

static void short_mctsib(atest_cfg *c)
{
	c->trial_s = 10;
	c->repeats = 2;
	c->settle_s = 2;
	c->rest_s = 1;
	c->instruct_s = 1;
}

static double metric(store *s, int64_t trial, const char *name)
{
	store_metric *m = NULL;
	size_t n = 0;
	assert_int_equal(store_metrics(s, trial, &m, &n), POISE_OK);
	double v = store_metric_find(m, n, name);
	free(m);
	return v;
}

static void an_mctsib_is_stored_with_its_fall_and_summary(void **state)
{
	fx *f = *state;
	ses_assess_result r;
	int64_t sid;
	run_sim(f, ATEST_MCTSIB, short_mctsib, 1, 3, 4, false, &r, &sid);
	assert_true(r.complete);
	assert_true(r.summary_trial_id > 0);
	store_trial *tr;
	size_t n;
	assert_int_equal(store_trials(f->s, sid, &tr, &n), POISE_OK);
	assert_int_equal(n, 9); /* 4 conditions × 2 trials + the summary */
	static const char *const kinds[4] = {"quiet-eo", "quiet-ec", "quiet-eo-foam", "quiet-ec-foam"};
	for (size_t i = 0; i < 8; i++) {
		assert_string_equal(tr[i].kind, kinds[i / 2]);
		assert_true(tr[i].n_samples > 0);
		double v;
		char text[32];
		assert_int_equal(store_trial_param(f->s, tr[i].id, "$.test", NULL, text, sizeof text), POISE_OK);
		assert_string_equal(text, "mctsib");
		assert_int_equal(store_trial_param(f->s, tr[i].id, "$.repeat", &v, NULL, 0), POISE_OK);
		assert_double_equal(v, (double)(i % 2 + 1), 0);
		if (i == 2) { /* the step-off: a fall after ≈ 4 s */
			assert_int_equal(tr[i].status, STORE_STEPPED_OFF);
			assert_double_equal(metric(f->s, tr[i].id, "fell"), 1, 0);
			assert_double_equal(metric(f->s, tr[i].id, "held_s"), 4.3, 0.5);
		} else {
			assert_int_equal(tr[i].status, STORE_COMPLETE);
			assert_double_equal(tr[i].duration_s, 10, 0.02);
			assert_double_equal(metric(f->s, tr[i].id, "held_s"), 10, 0.02);
			assert_true(metric(f->s, tr[i].id, "mean_velocity_mm_s") > 5);
		}
	}
	/* the summary: no samples, the trials listed, the results as metrics */
	assert_string_equal(tr[8].kind, "test:mctsib");
	assert_int_equal(tr[8].id, r.summary_trial_id);
	assert_int_equal(tr[8].status, STORE_COMPLETE);
	assert_int_equal(tr[8].n_samples, 0);
	double v;
	assert_int_equal(store_trial_param(f->s, tr[8].id, "$.trials[2]", &v, NULL, 0), POISE_OK);
	assert_double_equal(v, (double)tr[2].id, 0);
	assert_double_equal(metric(f->s, tr[8].id, "mctsib_firm_ec_falls"), 1, 0);
	double eo = metric(f->s, tr[8].id, "mctsib_firm_eo_velocity_mm_s");
	double ec = metric(f->s, tr[8].id, "mctsib_firm_ec_velocity_mm_s");
	assert_double_equal(eo, (metric(f->s, tr[0].id, "mean_velocity_mm_s") +
	                         metric(f->s, tr[1].id, "mean_velocity_mm_s")) / 2, 1e-9);
	/* the fall is left out of the eyes-closed mean */
	assert_double_equal(ec, metric(f->s, tr[3].id, "mean_velocity_mm_s"), 1e-9);
	assert_double_equal(metric(f->s, tr[8].id, "romberg_firm"), ec / eo, 1e-9);
	assert_true(ec > eo && metric(f->s, tr[8].id, "mctsib_foam_ec_velocity_mm_s") > ec);
	assert_double_equal(ses_assess_value(&r, "romberg_firm"), ec / eo, 1e-9);
	store_event *ev;
	size_t ne;
	assert_int_equal(store_events(f->s, tr[2].id, &ev, &ne), POISE_OK);
	bool fall = false, rec = false;
	for (size_t i = 0; i < ne; i++) {
		fall |= strcmp(ev[i].kind, "fall") == 0;
		rec |= strcmp(ev[i].kind, "record") == 0;
	}
	assert_true(fall && rec);
	free(ev);
	free(tr);
}

static void fast_los(atest_cfg *c)
{
	c->settle_s = 2;
	c->rest_s = 1;
	c->instruct_s = 1;
	c->move_s = 5;
}

static void the_measured_los_becomes_the_game_space(void **state)
{
	fx *f = *state;
	const struct game_ops *reach = game_find("reach");
	train_plan plan;
	assert_int_equal(train_plan_load(f->s, &f->p, reach, true, &plan), POISE_OK);
	assert_int_equal(plan.los_source, TRAIN_LOS_HEIGHT);
	los_model def = plan.los;
	ses_assess_result r;
	int64_t sid;
	run_sim(f, ATEST_LOS, fast_los, 0.5, 0, 0, false, &r, &sid);
	assert_true(r.complete);
	assess_los_geom g;
	assess_los_geom_default(&g, 1.70);
	assert_int_equal(train_plan_load(f->s, &f->p, reach, true, &plan), POISE_OK);
	assert_int_equal(plan.los_source, TRAIN_LOS_MEASURED);
	assert_string_equal(train_los_source_name(plan.los_source), "measured");
	assert_int_equal(plan.los_trial_id, r.summary_trial_id);
	for (int d = 0; d < LOS_DIRS; d++) {
		char key[32];
		snprintf(key, sizeof key, "los_limit_%s_mm", atest_los_key(d));
		assert_double_equal(plan.los.limit_mm[d], ses_assess_value(&r, key), 1e-9);
		double target = assess_los_target_mm(&g, d * M_PI / 4, 100);
		/* half the way there (the sim's sway and braking aside) */
		if (!(plan.los.limit_mm[d] > 0.4 * target && plan.los.limit_mm[d] < 0.65 * target))
			fail_msg("direction %s: limit %.1f mm of a %.1f mm target", atest_los_key(d),
			         plan.los.limit_mm[d], target);
		assert_true(plan.los.limit_mm[d] < def.limit_mm[d]);
	}
	/* a demonstration on the simulated plate never sets a real patient's
	 * game space */
	train_plan real;
	assert_int_equal(train_plan_load(f->s, &f->p, reach, false, &real), POISE_OK);
	assert_int_equal(real.los_source, TRAIN_LOS_HEIGHT);
	/* a later LOS test stopped early is not complete: the earlier one stays */
	int64_t sid2;
	ses_assess_result r2;
	run_sim(f, ATEST_LOS, fast_los, 0.9, 0, 0, true, &r2, &sid2);
	assert_false(r2.complete);
	store_trial t2;
	assert_int_equal(store_trial_get(f->s, r2.summary_trial_id, &t2), POISE_OK);
	assert_int_equal(t2.status, STORE_ABORTED);
	assert_int_equal(train_plan_load(f->s, &f->p, reach, true, &plan), POISE_OK);
	assert_int_equal(plan.los_trial_id, r.summary_trial_id);
	/* an LOS trial of an older database (the eight limits on a trial
	 * "los") on a real plate counts for the real plate */
	store_session real_s = {.patient_id = f->p.id};
	snprintf(real_s.device_backend, sizeof real_s.device_backend, "usb");
	int64_t rs, tid;
	assert_int_equal(store_session_begin(f->s, &real_s, &rs), POISE_OK);
	assert_int_equal(store_trial_begin(f->s, rs, "los", NULL, NULL, 100, &tid), POISE_OK);
	for (int d = 0; d < LOS_DIRS; d++) {
		char key[32];
		snprintf(key, sizeof key, "los_limit_%s_mm", atest_los_key(d));
		assert_int_equal(store_metric_put(f->s, tid, key, d == LOS_S ? 4 : 80, "mm"), POISE_OK);
	}
	assert_int_equal(store_trial_end(f->s, tid, STORE_COMPLETE, 20), POISE_OK);
	assert_int_equal(train_plan_load(f->s, &f->p, reach, false, &real), POISE_OK);
	assert_int_equal(real.los_source, TRAIN_LOS_MEASURED);
	assert_double_equal(real.los.limit_mm[LOS_N], 80, 0);
	assert_double_equal(real.los.limit_mm[LOS_S], TRAIN_LOS_MIN_MM, 0); /* raised to the minimum */
}

/* ---- the command ---------------------------------------------------------- */

static int poise(const fx *f, char **out, char **err, const char *args)
{
	return tu_run(out, err, "%s --db %s %s", POISE_BIN, f->db, args);
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void every_test_runs_headless_and_is_stored(void **state)
{
	fx *f = *state;
	store_close(f->s); /* the command opens the database itself */
	f->s = NULL;
	const char *tests[] = {"mctsib", "los", "symmetry", "sit-to-stand"};
	const char *key[] = {"mctsib_composite_velocity_mm_s", "los_mxe_pct", "wb_stand_left_pct",
	                     "sts_rising_index_pct"};
	for (int i = 0; i < 4; i++) {
		char *out = NULL, *err = NULL, args[200];
		snprintf(args, sizeof args, "--seed 5 assess %s --patient P01 --device sim --json", tests[i]);
		double t0 = seconds_now();
		int rc = poise(f, &out, &err, args);
		double took = seconds_now() - t0;
		if (rc != 0)
			fail_msg("poise assess %s exited %d: %s", tests[i], rc, err);
		print_message("poise assess %s: %.2f s\n", tests[i], took);
		assert_true(took < 15); /* about a second each; generous for a loaded machine */
		assert_non_null(strstr(out, "\"complete\": true"));
		assert_non_null(strstr(out, "\"simulated\": true"));
		assert_true(tu_json_num(out, "summary_trial") > 0);
		assert_true(isfinite(tu_json_num(out, key[i])));
		free(out);
		free(err);
	}
	char *out = NULL;
	assert_int_equal(poise(f, &out, NULL, "patient show P01"), 0);
	assert_non_null(strstr(out, "test:mctsib"));
	assert_non_null(strstr(out, "test:sit-to-stand"));
	free(out);
}

static void a_simulated_step_off_is_scored_as_a_fall(void **state)
{
	fx *f = *state;
	store_close(f->s);
	f->s = NULL;
	char *out = NULL, *err = NULL;
	int rc = poise(f, &out, &err, "--seed 2 assess mctsib --patient P01 --device sim --conditions firm_eo "
	                              "--repeats 2 --seconds 10 --sim-step-off 1@3 --json");
	if (rc != 0)
		fail_msg("exit %d: %s", rc, err);
	assert_double_equal(tu_json_num(out, "mctsib_firm_eo_falls"), 1, 0);
	assert_double_equal(tu_json_num(out, "mctsib_firm_eo_trials"), 2, 0);
	assert_non_null(strstr(out, "\"outcome\": \"fall\""));
	/* time held: the fall's and the full trial's */
	assert_double_equal(tu_json_num(out, "mctsib_firm_eo_held_s"), (10 + 3.3) / 2, 0.3);
	free(out);
	free(err);
	/* bad input */
	assert_int_equal(poise(f, NULL, &err, "assess romberg --patient P01 --device sim"), 2);
	assert_non_null(strstr(err, "no test called 'romberg'"));
	free(err);
	assert_int_equal(poise(f, NULL, &err, "assess los --device sim"), 2);
	free(err);
	assert_int_equal(poise(f, NULL, &err, "assess mctsib --patient P01 --device sim --conditions firm"), 2);
	free(err);
	/* the LOS test is not a 20 s recording any more */
	assert_int_equal(poise(f, NULL, &err, "record --patient P01 --device sim --trial los --seconds 5 --fast"), 2);
	assert_non_null(strstr(err, "poise assess"));
	free(err);
}

static double game_param(const char *db, const char *played, const char *path)
{
	store *s;
	char msg[256];
	assert_int_equal(store_open(&s, db, STORE_READ_ONLY, msg, sizeof msg), POISE_OK);
	double v = NAN;
	assert_int_equal(store_trial_param(s, (int64_t)tu_json_num(played, "trial_id"), path, &v, NULL, 0), POISE_OK);
	store_close(s);
	return v;
}

static void a_small_measured_los_brings_the_targets_closer(void **state)
{
	fx *f = *state;
	store_close(f->s);
	f->s = NULL;
	char *out = NULL, *err = NULL;
	/* P02: as tall as P01, with a small measured LOS */
	assert_int_equal(poise(f, NULL, NULL, "patient add P02 --height-cm 170 --weight-kg 70"), 0);
	int rc = poise(f, &out, &err, "--seed 4 assess los --patient P02 --device sim --sim-reach 35 --json");
	if (rc != 0)
		fail_msg("exit %d: %s", rc, err);
	double lim_n = tu_json_num(out, "los_limit_n_mm");
	free(out);
	free(err);
	char *small = NULL, *dflt = NULL;
	assert_int_equal(poise(f, &small, NULL, "--seed 7 play reach --patient P02 --device sim --headless "
	                                        "--seconds 60 --level 5 --json"), 0);
	assert_int_equal(poise(f, &dflt, NULL, "--seed 7 play reach --patient P01 --device sim --headless "
	                                       "--seconds 60 --level 5 --json"), 0);
	/* the games' space: P02's measured limits, P01's height default */
	double n_small = game_param(f->db, small, "$.los_limits_mm[2]");
	double n_dflt = game_param(f->db, dflt, "$.los_limits_mm[2]");
	assert_double_equal(n_small, lim_n, 1e-6);
	assert_double_equal(n_dflt, 0.07 * 1700, 1e-6);
	assert_true(n_small < 0.5 * n_dflt);
	/* so the simulated player reaches for closer targets: the COP stays
	 * nearer the centre while playing */
	double r_small = tu_json_num(small, "sway_rms_distance_mm"), r_dflt = tu_json_num(dflt, "sway_rms_distance_mm");
	print_message("RMS distance while playing reach: %.1f mm (measured LOS), %.1f mm (height default)\n",
	              r_small, r_dflt);
	if (!(r_small < 0.7 * r_dflt))
		fail_msg("RMS distance while playing: %.1f mm with the small LOS, %.1f mm with the default", r_small,
		         r_dflt);
	free(small);
	free(dflt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(an_mctsib_is_stored_with_its_fall_and_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(the_measured_los_becomes_the_game_space, setup, teardown),
		cmocka_unit_test_setup_teardown(every_test_runs_headless_and_is_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(a_simulated_step_off_is_scored_as_a_fall, setup, teardown),
		cmocka_unit_test_setup_teardown(a_small_measured_los_brings_the_targets_closer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
