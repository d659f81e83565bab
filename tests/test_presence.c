/* Stepping on and off the plate: hysteresis and debounce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/cond.h"
#include "core/presence.h"

#define MS 1000u /* µs */

/* Feeds fz at 100 Hz from t_ms for dur_ms; returns the time (ms) of the
 * first event of kind `want`, or -1; any other event fails the test. */
static long feed(pres_state *p, long *t_ms, long dur_ms, double fz, enum pres_event want)
{
	long hit = -1;
	for (long end = *t_ms + dur_ms; *t_ms < end; *t_ms += 10) {
		enum pres_event e = pres_update(p, (mono_us)*t_ms * MS, fz);
		if (e == PRES_NONE)
			continue;
		if (e != want)
			fail_msg("unexpected event %d at %ld ms", e, *t_ms);
		if (hit < 0)
			hit = *t_ms;
	}
	return hit;
}

static void step_on_step_off_and_back_on(void **state)
{
	(void)state;
	pres_cfg cfg;
	pres_cfg_default(&cfg);
	pres_state p;
	pres_init(&p, &cfg);
	long t = 1000;
	assert_int_equal(feed(&p, &t, 2000, 3.0, PRES_NONE), -1); /* empty plate */
	assert_false(p.on);
	/* 70 kg steps on at t = 3000 ms: on after the 300 ms debounce. */
	assert_int_equal(feed(&p, &t, 3000, 686.0, PRES_STEP_ON), 3300);
	assert_true(p.on);
	assert_double_equal(p.body_weight_n, 686.0, 1e-9);
	/* Steps off at 6000 ms: off after 150 ms. */
	assert_int_equal(feed(&p, &t, 1000, 2.0, PRES_STEP_OFF), 6150);
	assert_false(p.on);
	/* And back on at 7000 ms. */
	assert_int_equal(feed(&p, &t, 1000, 690.0, PRES_STEP_ON), 7300);
	assert_true(p.on);
}

static void short_dips_and_touches_are_ignored(void **state)
{
	(void)state;
	pres_cfg cfg;
	pres_cfg_default(&cfg);
	pres_state p;
	pres_init(&p, &cfg);
	long t = 0;
	/* A hand on the plate for 200 ms: shorter than the step-on debounce. */
	assert_int_equal(feed(&p, &t, 200, 400.0, PRES_STEP_ON), -1);
	assert_int_equal(feed(&p, &t, 500, 0.0, PRES_NONE), -1);
	assert_false(p.on);
	assert_int_equal(feed(&p, &t, 1000, 700.0, PRES_STEP_ON), 1000);
	/* A 100 ms dip (a bounce) is shorter than the step-off debounce. */
	assert_int_equal(feed(&p, &t, 100, 50.0, PRES_STEP_OFF), -1);
	assert_int_equal(feed(&p, &t, 1000, 700.0, PRES_NONE), -1);
	assert_true(p.on);
}

static void unloading_most_of_the_weight_counts_as_stepping_off(void **state)
{
	(void)state;
	pres_cfg cfg;
	pres_cfg_default(&cfg);
	pres_state p;
	pres_init(&p, &cfg);
	long t = 0;
	feed(&p, &t, 5000, 800.0, PRES_STEP_ON);
	assert_true(p.on);
	assert_double_equal(p.body_weight_n, 800.0, 1e-6);
	/* Hanging on the rail with half the weight (below 60 %): off. */
	assert_true(feed(&p, &t, 500, 400.0, PRES_STEP_OFF) > 0);
	/* 70 % is above the absolute threshold but below 80 % of the body
	 * weight: not yet back on (hysteresis). */
	assert_int_equal(feed(&p, &t, 1000, 560.0, PRES_STEP_ON), -1);
	assert_true(feed(&p, &t, 1000, 790.0, PRES_STEP_ON) > 0);
}

static void an_empty_plate_forgets_the_last_person(void **state)
{
	(void)state;
	pres_cfg cfg;
	pres_cfg_default(&cfg);
	pres_state p;
	pres_init(&p, &cfg);
	long t = 0;
	feed(&p, &t, 2000, 1000.0, PRES_STEP_ON);
	feed(&p, &t, 1000, 0.0, PRES_STEP_OFF);
	assert_double_equal(p.body_weight_n, 0, 0);
	/* A 35 kg child can now step on. */
	assert_true(feed(&p, &t, 1000, 343.0, PRES_STEP_ON) > 0);
}

/* Seated on the plate (70 kg, 70 % on the seat = 481 N): leaning the trunk
 * far forward puts weight on the feet, which a standing detector would
 * call stepping off; the seated one calls only standing up "off". */
static void seated_presence_is_lifting_off_the_seat(void **state)
{
	(void)state;
	pres_cfg cfg, standing;
	cond_presence(COND_SEATED, &cfg);
	cond_presence(COND_STANDING, &standing);
	pres_cfg def;
	pres_cfg_default(&def);
	assert_memory_equal(&standing, &def, sizeof def);
	pres_state p, q;
	pres_init(&p, &cfg);
	pres_init(&q, &standing);
	long t = 0, u = 0;
	double seat_n = 0.7 * 70 * 9.81;
	assert_int_equal(feed(&p, &t, 2000, seat_n, PRES_STEP_ON), 500); /* 500 ms to sit down */
	assert_int_equal(feed(&q, &u, 2000, seat_n, PRES_STEP_ON), 300);
	/* A deep forward lean for 2 s: half the seated load on the seat. */
	assert_int_equal(feed(&p, &t, 2000, 0.5 * seat_n, PRES_NONE), -1);
	assert_true(p.on);
	assert_int_equal(feed(&q, &u, 2000, 0.5 * seat_n, PRES_STEP_OFF), 2150); /* standing: "off" */
	feed(&p, &t, 3000, seat_n, PRES_NONE);
	/* Standing up: the seat keeps 10 % for the thighs' last touch: off after
	 * the 400 ms debounce. */
	long t_up = t;
	assert_int_equal(feed(&p, &t, 1000, 0.1 * seat_n, PRES_STEP_OFF), t_up + 400);
	/* Sitting down again. */
	long t_sit = t;
	assert_int_equal(feed(&p, &t, 1000, seat_n, PRES_STEP_ON), t_sit + 500);
	/* Thresholds may change while somebody is on: the state is kept. */
	pres_set_cfg(&p, &def);
	assert_true(p.on);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(step_on_step_off_and_back_on),
		cmocka_unit_test(short_dips_and_touches_are_ignored),
		cmocka_unit_test(unloading_most_of_the_weight_counts_as_stepping_off),
		cmocka_unit_test(an_empty_plate_forgets_the_last_person),
		cmocka_unit_test(seated_presence_is_lifting_off_the_seat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
