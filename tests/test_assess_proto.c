/* The assessment protocols (core/atest) on synthetic sample streams: a
 * scripted patient who does what the prompt asks (or, on cue, steps off,
 * shuffles the feet, sways restlessly), with sway of known amplitude, so
 * the phases, the quality checks, the repeats and the averaging have
 * known answers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/atest.h"
#include "core/cop.h"
#include "core/error.h"

#define RATE 100.0
#define BW 700.0

typedef struct patient {
	atest *a;
	cop_plate plate;
	uint64_t k;
	int rec;          /* recorded trials begun (1-based number of the current one) */
	bool in_rec;
	double rec_t0, cue_t, settle_t;
	bool cued;
	enum atest_phase last_phase;
	bool off, was_on;
	double jump;      /* current COP offset from a shuffle */
	unsigned seen;    /* all reports ORed */
	int begins, ends;
	/* scenario */
	int off_trial;
	double off_after_s, off_for_s, off_until;
	int jump_trial;
	double jump_after_s, jump_mm;
	int twist_trial;
	double twist_after_s;
	int drift_trial;
	double restless_s; /* sways restlessly this long after each countdown */
	double reach, rt_s;
	double cx;        /* COP offset (weight bearing) */
	int no_rise_trial;
	bool keep_log;
	char log[4096];
} patient;

static double minjerk(double tau)
{
	if (tau <= 0)
		return 0;
	if (tau >= 1)
		return 1;
	return tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
}

static atest *make(enum atest_test t, void (*tweak)(atest_cfg *))
{
	atest_cfg c;
	cop_plate p = {433, 238};
	atest_cfg_default(&c, t, RATE, 1.70, &p);
	if (tweak)
		tweak(&c);
	atest *a = NULL;
	assert_int_equal(atest_create(&a, &c), POISE_OK);
	return a;
}

/* The next sample of the scripted patient. */
static void next_sample(patient *p, cop_sample *s)
{
	double t = (double)p->k / RATE;
	atest_prompt pr;
	atest_prompt_get(p->a, &pr);
	if (pr.phase == ATEST_SETTLE && p->last_phase != ATEST_SETTLE)
		p->settle_t = t;
	p->last_phase = pr.phase;
	const atest_cfg *cfg = atest_config(p->a);
	double amp = (pr.eyes_closed ? 1.5 : 1) * (pr.foam ? 2 : 1) * (1 + 0.1 * ((p->rec - 1) % 3));
	double x = p->cx + amp * 3 * sin(2 * M_PI * 0.4 * t);
	double y = amp * 4 * sin(2 * M_PI * 0.3 * t + 1);
	if (pr.phase == ATEST_SETTLE && t - p->settle_t < p->restless_s) {
		x += 30 * sin(2 * M_PI * 1.0 * t);
		y += 25 * cos(2 * M_PI * 0.8 * t);
	}
	double fz = BW;
	if (p->in_rec && p->rec == p->jump_trial && t - p->rec_t0 >= p->jump_after_s)
		p->jump = p->jump_mm;
	if (p->in_rec && p->rec == p->drift_trial)
		x += 6 * (t - p->rec_t0); /* 6 mm/s: past 50 mm after ≈ 8 s */
	x += p->jump;
	if (pr.target && p->cued) {
		double prog = minjerk((t - p->cue_t - p->rt_s) / 0.8);
		x = pr.centre_x_mm + (pr.target_x_mm - pr.centre_x_mm) * p->reach * prog + 0.5 * sin(7 * t);
		y = pr.centre_y_mm + (pr.target_y_mm - pr.centre_y_mm) * p->reach * prog + 0.5 * cos(5 * t);
	}
	if (cfg->test == ATEST_STS) {
		if (pr.posture == ATEST_SIT_DOWN || (pr.phase == ATEST_RECORD && !p->cued))
			fz = 0.25 * BW;
		if (pr.phase == ATEST_RECORD && p->cued) {
			double tau = t - p->cue_t - p->rt_s;
			if (p->rec == p->no_rise_trial || tau < 0)
				fz = 0.25 * BW;
			else if (tau < 1)
				fz = 0.25 * BW + (1.15 - 0.25) * BW * minjerk(tau);
			else
				fz = 1.15 * BW - 0.15 * BW * minjerk((tau - 1) / 0.6);
		}
	}
	if (p->in_rec && p->rec == p->off_trial && !p->off && p->off_until == 0 &&
	    t - p->rec_t0 >= p->off_after_s) {
		p->off = true;
		p->off_until = t + p->off_for_s;
	}
	if (p->off && t >= p->off_until)
		p->off = false;
	memset(s, 0, sizeof *s);
	s->t_us = (mono_us)llround(t * 1e6) + 1000000;
	bool on = !p->off && fz >= 0.6 * BW;
	if (p->off) {
		fz = 3;
		s->flags |= SAMPLE_NO_COP;
		s->x_mm = s->y_mm = NAN;
	} else {
		s->x_mm = x;
		s->y_mm = y;
	}
	s->fz_n = fz;
	cop_to_forces(&p->plate, p->off ? 0 : x, p->off ? 0 : y, fz, s->force_n);
	if (p->in_rec && p->rec == p->twist_trial && t - p->rec_t0 >= p->twist_after_s) {
		double d = 0.05 * fz; /* the load pattern changes, the COP does not */
		s->force_n[CELL_TL] += d;
		s->force_n[CELL_BR] += d;
		s->force_n[CELL_TR] -= d;
		s->force_n[CELL_BL] -= d;
	}
	if (on)
		s->flags |= SAMPLE_ON_PLATE;
	if (!on && p->was_on)
		s->flags |= SAMPLE_STEP_OFF;
	p->was_on = on;
	p->k++;
}

/* Runs the patient through the test (at most max_s of sample time). */
static void run(patient *p, double max_s)
{
	p->plate = (cop_plate){433, 238};
	if (p->reach == 0)
		p->reach = 0.8;
	if (p->rt_s == 0)
		p->rt_s = 0.4;
	while (!atest_done(p->a) && (double)p->k / RATE < max_s) {
		cop_sample s;
		next_sample(p, &s);
		unsigned r = atest_push(p->a, &s);
		p->seen |= r;
		double t = (double)(s.t_us - 1000000) / 1e6;
		if (r & ATEST_R_BEGIN) {
			p->in_rec = true;
			p->rec++;
			p->begins++;
			p->rec_t0 = t;
			p->jump = 0;
			p->off_until = 0;
		}
		if ((r & ATEST_R_CUE) && atest_cue_now(p->a) == ATEST_CUE_MOVE) {
			p->cued = true;
			p->cue_t = t;
		}
		if (r & ATEST_R_END) {
			p->in_rec = false;
			p->cued = false;
			p->ends++;
			p->jump = 0;
		}
		const char *detail, *kind;
		for (size_t i = 0; p->keep_log && (kind = atest_log(p->a, i, NULL, &detail)); i++) {
			size_t n = strlen(p->log);
			snprintf(p->log + n, sizeof p->log - n, "%s %s\n", kind, detail);
		}
	}
	assert_true(atest_done(p->a));
}

static double value(const atest *a, const char *key)
{
	atest_value v[ATEST_MAX_VALUES];
	size_t n = atest_summary_values(a, v, ATEST_MAX_VALUES);
	assert_true(n <= ATEST_MAX_VALUES);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].v;
	fail_msg("no summary value %s", key);
	return NAN;
}

static void short_trials(atest_cfg *c)
{
	c->trial_s = 10; /* 4 and 3 whole periods of the sway */
}

/* ---- mCTSIB -------------------------------------------------------------- */

static void mctsib_runs_four_conditions_three_trials_and_averages(void **state)
{
	(void)state;
	patient p = {.a = make(ATEST_MCTSIB, short_trials)};
	run(&p, 2000);
	const atest_trial *t;
	size_t n = atest_trials(p.a, &t);
	assert_int_equal(n, 12);
	assert_int_equal(p.begins, 12);
	assert_int_equal(p.ends, 12);
	static const char *const kinds[4] = {"quiet-eo", "quiet-ec", "quiet-eo-foam", "quiet-ec-foam"};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i].outcome, ATEST_OK);
		assert_string_equal(t[i].kind, kinds[i / 3]);
		assert_int_equal(t[i].repeat, (int)(i % 3) + 1);
		assert_double_equal(t[i].held_s, 10, 0.011);
		assert_true(t[i].have_sway);
		assert_true(t[i].equilibrium_score > 50 && t[i].equilibrium_score <= 100);
	}
	/* Velocity scales with amplitude: trial r of a condition sways
	 * (1 + 0.1(r − 1)) times the base, so the mean of three is 1.1 times
	 * trial 1's velocity over 1.0, and eyes closed / foam scale by 1.5 / 2. */
	double v1 = t[0].sway.mean_velocity_mm_s;
	assert_double_equal(t[1].sway.mean_velocity_mm_s / v1, 1.1, 0.01);
	assert_double_equal(t[2].sway.mean_velocity_mm_s / v1, 1.2, 0.01);
	double eo = value(p.a, "mctsib_firm_eo_velocity_mm_s");
	assert_double_equal(eo, (t[0].sway.mean_velocity_mm_s + t[1].sway.mean_velocity_mm_s +
	                         t[2].sway.mean_velocity_mm_s) / 3, 1e-9);
	assert_double_equal(value(p.a, "mctsib_firm_ec_velocity_mm_s") / eo, 1.5, 0.015);
	assert_double_equal(value(p.a, "mctsib_foam_eo_velocity_mm_s") / eo, 2.0, 0.02);
	assert_double_equal(value(p.a, "mctsib_foam_ec_velocity_mm_s") / eo, 3.0, 0.03);
	assert_double_equal(value(p.a, "mctsib_composite_velocity_mm_s") / eo, (1 + 1.5 + 2 + 3) / 4, 0.02);
	assert_double_equal(value(p.a, "romberg_firm"), 1.5, 0.015);
	assert_double_equal(value(p.a, "romberg_foam"), 1.5, 0.015);
	assert_double_equal(value(p.a, "foam_ratio_eo"), 2, 0.02);
	assert_double_equal(value(p.a, "foam_ratio_ec"), 2, 0.02);
	assert_double_equal(value(p.a, "mctsib_firm_eo_held_s"), 10, 0.011);
	assert_double_equal(value(p.a, "mctsib_falls"), 0, 0);
	/* SRD from the spread of 1.0, 1.1, 1.2 × v: SD = 0.1 v */
	assert_double_equal(value(p.a, "mctsib_firm_eo_srd_mm_s"), 1.96 * sqrt(2) * 0.1 * v1 / sqrt(3),
	                    0.01 * v1);
	assert_true(value(p.a, "test_complete") == 1);
	atest_destroy(p.a);
}

/* The settle time counts from the moment the patient is still. */
static void settling_starts_when_the_patient_is_still(void **state)
{
	(void)state;
	patient p = {.a = make(ATEST_MCTSIB, short_trials), .restless_s = 4, .keep_log = true};
	run(&p, 2000);
	const atest_trial *t;
	assert_int_equal(atest_trials(p.a, &t), 12);
	/* countdown ends at settle_t; 4 s restless; still once a quiet 1 s
	 * window has passed; then 5 s discarded */
	const char *rec = strstr(p.log, "record {\"still_after_s\": ");
	assert_non_null(rec);
	double still_after = atof(rec + strlen("record {\"still_after_s\": "));
	assert_true(still_after >= 4.9 && still_after <= 5.3);
	assert_non_null(strstr(rec, "\"settle_s\": 5.0"));
	atest_destroy(p.a);
}

static void a_step_off_mid_trial_is_a_fall_and_the_test_goes_on(void **state)
{
	(void)state;
	/* trial 5 (eyes closed, 2nd) ends with a step-off after 4 s; the
	 * patient is back on 3 s later */
	patient p = {.a = make(ATEST_MCTSIB, short_trials), .off_trial = 5, .off_after_s = 4,
	             .off_for_s = 3};
	run(&p, 2000);
	const atest_trial *t;
	size_t n = atest_trials(p.a, &t);
	assert_int_equal(n, 12); /* a fall is scored, not repeated */
	assert_int_equal(t[4].outcome, ATEST_FALL);
	assert_string_equal(t[4].kind, "quiet-ec");
	assert_double_equal(t[4].held_s, 4, 0.02);
	assert_double_equal(t[4].equilibrium_score, 0, 0);
	assert_double_equal(value(p.a, "mctsib_firm_ec_falls"), 1, 0);
	assert_double_equal(value(p.a, "mctsib_firm_ec_trials"), 3, 0);
	assert_double_equal(value(p.a, "mctsib_falls"), 1, 0);
	/* the velocity averages the two completed trials; the time held all three */
	assert_double_equal(value(p.a, "mctsib_firm_ec_velocity_mm_s"),
	                    (t[3].sway.mean_velocity_mm_s + t[5].sway.mean_velocity_mm_s) / 2, 1e-9);
	assert_double_equal(value(p.a, "mctsib_firm_ec_held_s"), (10 + 4 + 10) / 3.0, 0.02);
	assert_true(value(p.a, "test_complete") == 1); /* every condition scored */
	atest_destroy(p.a);
}

static void moved_feet_and_drift_are_repeated(void **state)
{
	(void)state;
	/* trial 2: a 60 mm shuffle; trial 8: the load pattern changes (feet
	 * repositioned, COP unchanged); trial 11: a slow drift */
	patient p = {.a = make(ATEST_MCTSIB, short_trials), .jump_trial = 2, .jump_after_s = 5, .jump_mm = 60,
	             .twist_trial = 8, .twist_after_s = 3, .drift_trial = 11, .keep_log = true};
	run(&p, 3000);
	const atest_trial *t;
	size_t n = atest_trials(p.a, &t);
	assert_int_equal(n, 15);
	assert_int_equal(t[1].outcome, ATEST_FEET_MOVED);
	assert_true(t[1].held_s > 5 && t[1].held_s < 6.5);
	assert_int_equal(t[2].outcome, ATEST_OK); /* the repeat */
	assert_int_equal(t[2].condition, CTSIB_FIRM_EO);
	assert_int_equal(t[2].repeat, 3);
	assert_int_equal(t[7].outcome, ATEST_FEET_MOVED);
	assert_non_null(strstr(p.log, "\"why\": \"load-pattern\""));
	assert_int_equal(t[10].outcome, ATEST_DRIFT);
	assert_non_null(strstr(p.log, "repeat {\"why\": \"drift\"}"));
	/* each condition still has three counted trials */
	for (int c = 0; c < 4; c++) {
		char key[64];
		snprintf(key, sizeof key, "mctsib_%s_trials", atest_ctsib_key(c));
		assert_double_equal(value(p.a, key), 3, 0);
	}
	assert_double_equal(value(p.a, "n_trials"), 15, 0);
	atest_destroy(p.a);
}

static void no_more_than_the_allowed_repeats(void **state)
{
	(void)state;
	atest_cfg c;
	cop_plate pl = {433, 238};
	atest_cfg_default(&c, ATEST_MCTSIB, RATE, 1.7, &pl);
	c.trial_s = 10;
	c.ctsib_conditions = 1u << CTSIB_FIRM_EO;
	c.repeats = 1;
	c.max_retries = 1;
	atest *a;
	assert_int_equal(atest_create(&a, &c), POISE_OK);
	/* the first and the repeat both shuffle */
	patient p = {.a = a, .jump_trial = 1, .jump_after_s = 3, .jump_mm = 60};
	p.plate = (cop_plate){433, 238};
	/* run by hand: make the repeat shuffle too */
	while (!atest_done(a) && p.k < 100000) {
		cop_sample s;
		next_sample(&p, &s);
		unsigned r = atest_push(a, &s);
		if (r & ATEST_R_BEGIN) {
			p.in_rec = true;
			p.rec++;
			p.rec_t0 = (double)(s.t_us - 1000000) / 1e6;
			p.jump = 0;
			p.jump_trial = p.rec;
		}
		if (r & ATEST_R_END)
			p.in_rec = false, p.jump = 0;
	}
	const atest_trial *t;
	assert_int_equal(atest_trials(a, &t), 2);
	assert_int_equal(t[0].outcome, ATEST_FEET_MOVED);
	assert_int_equal(t[1].outcome, ATEST_FEET_MOVED);
	assert_false(atest_complete(a)); /* nothing scored */
	assert_true(isnan(value(a, "mctsib_firm_eo_velocity_mm_s")));
	atest_destroy(a);
}

static void the_same_samples_give_the_same_test(void **state)
{
	(void)state;
	patient p1 = {.a = make(ATEST_MCTSIB, short_trials), .off_trial = 3, .off_after_s = 2, .off_for_s = 1};
	patient p2 = {.a = make(ATEST_MCTSIB, short_trials), .off_trial = 3, .off_after_s = 2, .off_for_s = 1};
	run(&p1, 2000);
	run(&p2, 2000);
	atest_value v1[ATEST_MAX_VALUES], v2[ATEST_MAX_VALUES];
	size_t n1 = atest_summary_values(p1.a, v1, ATEST_MAX_VALUES);
	size_t n2 = atest_summary_values(p2.a, v2, ATEST_MAX_VALUES);
	assert_int_equal(n1, n2);
	for (size_t i = 0; i < n1; i++) {
		assert_string_equal(v1[i].key, v2[i].key);
		assert_true(memcmp(&v1[i].v, &v2[i].v, sizeof(double)) == 0);
	}
	atest_destroy(p1.a);
	atest_destroy(p2.a);
}

static void manual_go_waits_for_the_therapist(void **state)
{
	(void)state;
	atest_cfg c;
	cop_plate pl = {433, 238};
	atest_cfg_default(&c, ATEST_MCTSIB, RATE, 1.7, &pl);
	c.manual_go = true;
	atest *a;
	assert_int_equal(atest_create(&a, &c), POISE_OK);
	patient p = {.a = a};
	p.plate = pl;
	for (int i = 0; i < 2000; i++) {
		cop_sample s;
		next_sample(&p, &s);
		atest_push(a, &s);
	}
	assert_int_equal(atest_phase(a), ATEST_INSTRUCT); /* 20 s later, still waiting */
	atest_prompt pr;
	atest_prompt_get(a, &pr);
	assert_non_null(strstr(pr.text, "feet together"));
	assert_non_null(strstr(pr.detail, "trial 1 of 3"));
	atest_go(a);
	for (int i = 0; i < 2; i++) {
		cop_sample s;
		next_sample(&p, &s);
		atest_push(a, &s);
	}
	assert_int_equal(atest_phase(a), ATEST_COUNTDOWN);
	atest_prompt_get(a, &pr);
	assert_int_equal(pr.countdown, 3);
	/* abort while recording: the trial ends as aborted, the test is done */
	while (!atest_recording(a)) {
		cop_sample s;
		next_sample(&p, &s);
		atest_push(a, &s);
	}
	assert_true(atest_abort(a, p.k * 10000 + 1000000));
	assert_true(atest_done(a));
	assert_int_equal(atest_last_trial(a)->outcome, ATEST_ABORTED);
	assert_false(atest_complete(a));
	atest_destroy(a);
}

static void bad_settings_are_refused(void **state)
{
	(void)state;
	atest_cfg c;
	atest_cfg_default(&c, ATEST_MCTSIB, RATE, 1.7, NULL);
	atest *a = NULL;
	c.repeats = 0;
	assert_int_equal(atest_create(&a, &c), POISE_E_INVALID);
	c.repeats = 3;
	c.ctsib_conditions = 0x10;
	assert_int_equal(atest_create(&a, &c), POISE_E_INVALID);
	c.ctsib_conditions = 0xf;
	c.trial_s = 1;
	assert_int_equal(atest_create(&a, &c), POISE_E_INVALID);
	assert_null(a);
	enum atest_test t;
	assert_true(atest_find("sit-to-stand", &t));
	assert_int_equal(t, ATEST_STS);
	assert_false(atest_find("romberg", &t));
}

/* ---- LOS ------------------------------------------------------------------ */

static void los_leans_in_eight_directions(void **state)
{
	(void)state;
	patient p = {.a = make(ATEST_LOS, NULL), .reach = 0.8, .rt_s = 0.4, .keep_log = true};
	run(&p, 2000);
	const atest_trial *t;
	size_t n = atest_trials(p.a, &t);
	assert_int_equal(n, 8);
	static const int order[8] = {LOS_N, LOS_NE, LOS_E, LOS_SE, LOS_S, LOS_SW, LOS_W, LOS_NW};
	assess_los_geom g;
	assess_los_geom_default(&g, 1.70);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i].outcome, ATEST_OK);
		assert_string_equal(t[i].kind, "los");
		assert_int_equal(t[i].condition, order[i]);
		double target = assess_los_target_mm(&g, order[i] * M_PI / 4, 100);
		assert_double_equal(t[i].los_target_mm, target, 1e-9);
		assert_true(t[i].los.moved);
		assert_double_equal(t[i].los.reaction_time_s, 0.4, 0.08);
		assert_double_equal(t[i].los.max_excursion_pct, 80, 2);
		assert_double_equal(t[i].los_excursion_mm, 0.8 * target, 0.02 * target);
		assert_true(t[i].los.directional_control_pct > 90);
		char key[40];
		snprintf(key, sizeof key, "los_limit_%s_mm", atest_los_key(order[i]));
		assert_double_equal(value(p.a, key), t[i].los_excursion_mm, 1e-9);
	}
	assert_double_equal(value(p.a, "los_rt_s"), 0.4, 0.08);
	assert_double_equal(value(p.a, "los_mxe_pct"), 80, 2);
	assert_true(value(p.a, "test_complete") == 1);
	assert_non_null(strstr(p.log, "cue {\"direction\": \"n\""));
	atest_destroy(p.a);
}

static void a_fall_while_leaning_keeps_the_reach(void **state)
{
	(void)state;
	/* the 3rd lean (right) ends in a step-off 3 s into the recording, after
	 * the lean */
	patient p = {.a = make(ATEST_LOS, NULL), .reach = 0.8, .off_trial = 3, .off_after_s = 3.5,
	             .off_for_s = 2};
	run(&p, 2000);
	const atest_trial *t;
	assert_int_equal(atest_trials(p.a, &t), 8);
	assert_int_equal(t[2].outcome, ATEST_FALL);
	assert_int_equal(t[2].condition, LOS_E);
	assert_true(t[2].los_excursion_mm > 0.7 * t[2].los_target_mm);
	assert_double_equal(value(p.a, "los_falls_e"), 1, 0);
	assert_double_equal(value(p.a, "los_falls"), 1, 0);
	assert_true(value(p.a, "test_complete") == 1);
	atest_destroy(p.a);
}

/* ---- symmetry --------------------------------------------------------------- */

static void weight_bearing_standing_and_squatting(void **state)
{
	(void)state;
	/* the COP 43.3 mm to the left: 60 % of the weight on the left foot */
	patient p = {.a = make(ATEST_SYMMETRY, NULL), .cx = -0.1 * 433};
	run(&p, 2000);
	const atest_trial *t;
	size_t n = atest_trials(p.a, &t);
	assert_int_equal(n, 6);
	assert_string_equal(t[0].kind, "symmetry");
	assert_string_equal(t[5].kind, "squat");
	assert_double_equal(t[5].held_s, 5, 0.011);
	assert_double_equal(value(p.a, "wb_stand_left_pct"), 60, 0.2);
	assert_double_equal(value(p.a, "wb_stand_right_pct"), 40, 0.2);
	assert_double_equal(value(p.a, "wb_stand_front_pct") + value(p.a, "wb_stand_back_pct"), 100, 0.2);
	assert_double_equal(value(p.a, "wb_squat_left_pct"), 60, 0.2);
	assert_double_equal(value(p.a, "wb_stand_si_pct"), (40.0 - 60) / 50 * 100, 0.5);
	assert_double_equal(value(p.a, "wb_body_weight_n"), BW, 0.5);
	assert_double_equal(value(p.a, "wb_stand_trials"), 3, 0);
	atest_destroy(p.a);
}

/* ---- sit-to-stand ----------------------------------------------------------- */

static void sit_to_stand_rises_are_measured_and_averaged(void **state)
{
	(void)state;
	patient p = {.a = make(ATEST_STS, NULL), .rt_s = 0.3, .no_rise_trial = 2, .keep_log = true};
	run(&p, 3000);
	assert_non_null(strstr(p.log, "weighed {\"body_weight_n\": 700.0}"));
	const atest_trial *t;
	size_t n = atest_trials(p.a, &t);
	assert_int_equal(n, 3);
	assert_int_equal(t[0].outcome, ATEST_OK);
	assert_int_equal(t[1].outcome, ATEST_NO_RISE);
	assert_int_equal(t[2].outcome, ATEST_OK);
	/* seat-off: Fz reaches body weight at minjerk(τ) = 0.75/0.9 */
	double lo = 0, hi = 1;
	for (int i = 0; i < 60; i++) {
		double m = (lo + hi) / 2;
		if (minjerk(m) < 0.75 / 0.9)
			lo = m;
		else
			hi = m;
	}
	assert_true(t[0].have_sts);
	assert_double_equal(t[0].sts.weight_transfer_s, 0.3 + lo, 0.02);
	assert_double_equal(t[0].sts.rising_index_pct, 115, 0.5);
	assert_true(t[0].sts.sway_velocity_mm_s > 0);
	assert_double_equal(atest_body_weight_n(p.a), BW, 0.5);
	assert_double_equal(value(p.a, "sts_transfer_s"), (t[0].sts.weight_transfer_s + t[2].sts.weight_transfer_s) / 2,
	                    1e-9);
	assert_double_equal(value(p.a, "sts_rising_index_pct"), 115, 0.5);
	assert_double_equal(value(p.a, "sts_no_rise"), 1, 0);
	assert_double_equal(value(p.a, "sts_rises"), 2, 0);
	assert_double_equal(value(p.a, "sts_rise_left_pct"), 50, 1);
	atest_destroy(p.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mctsib_runs_four_conditions_three_trials_and_averages),
		cmocka_unit_test(settling_starts_when_the_patient_is_still),
		cmocka_unit_test(a_step_off_mid_trial_is_a_fall_and_the_test_goes_on),
		cmocka_unit_test(moved_feet_and_drift_are_repeated),
		cmocka_unit_test(no_more_than_the_allowed_repeats),
		cmocka_unit_test(the_same_samples_give_the_same_test),
		cmocka_unit_test(manual_go_waits_for_the_therapist),
		cmocka_unit_test(bad_settings_are_refused),
		cmocka_unit_test(los_leans_in_eight_directions),
		cmocka_unit_test(a_fall_while_leaning_keeps_the_reach),
		cmocka_unit_test(weight_bearing_standing_and_squatting),
		cmocka_unit_test(sit_to_stand_rises_are_measured_and_averaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
