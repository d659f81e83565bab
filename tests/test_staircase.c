/* The adaptive staircase and the LOS space. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/los.h"
#include "core/staircase.h"

static void three_up_two_down(void **state)
{
	(void)state;
	stair s;
	stair_cfg c;
	stair_cfg_default(&c);
	assert_int_equal(stair_init(&s, &c, 4), POISE_OK);
	/* S S S → up; S S F S S S → up (the failure broke the run); F F →
	 * down; F S F → no change (the success broke the run); F → down */
	const char *seq = "SSS" "SSFSSS" "FF" "FSF" "F";
	const int want[] = {4, 4, 5, 5, 5, 5, 5, 5, 6, 6, 5, 5, 5, 5, 4};
	for (size_t i = 0; seq[i]; i++) {
		stair_record(&s, seq[i] == 'S');
		if (s.level != want[i])
			fail_msg("after outcome %zu (%c): level %d, want %d", i, seq[i], s.level, want[i]);
	}
}

static void stays_within_the_prescribed_range(void **state)
{
	(void)state;
	stair s;
	stair_cfg c = {.min_level = 3, .max_level = 5, .up_after = 3, .down_after = 2, .adaptive = true};
	assert_int_equal(stair_init(&s, &c, 9), POISE_OK);
	assert_int_equal(s.level, 5); /* clamped */
	for (int i = 0; i < 30; i++)
		assert_int_equal(stair_record(&s, true), 0);
	assert_int_equal(s.level, 5);
	for (int i = 0; i < 30; i++)
		stair_record(&s, false);
	assert_int_equal(s.level, 3);
	/* at the floor, one success then two failures: no change */
	assert_int_equal(stair_record(&s, false), 0);
}

static void fixed_when_not_adaptive(void **state)
{
	(void)state;
	stair s;
	stair_cfg c;
	stair_cfg_default(&c);
	c.adaptive = false;
	assert_int_equal(stair_init(&s, &c, 6), POISE_OK);
	for (int i = 0; i < 10; i++)
		stair_record(&s, i % 3 != 0);
	assert_int_equal(s.level, 6);
	c.min_level = 7;
	c.max_level = 6;
	assert_int_equal(stair_init(&s, &c, 6), POISE_E_INVALID);
}

static void los_units_round_trip_and_follow_the_limits(void **state)
{
	(void)state;
	los_model m;
	los_default(&m, 1.70);
	assert_double_equal(m.limit_mm[LOS_N], 119, 1e-9);
	assert_double_equal(m.limit_mm[LOS_S], 68, 1e-9);
	double u, v;
	/* 119 mm forward is exactly the limit: 1 LOS unit */
	los_to_unit(&m, 0, 119, &u, &v);
	assert_double_equal(u, 0, 1e-12);
	assert_double_equal(v, 1, 1e-12);
	/* 34 mm back is half the backward limit */
	los_to_unit(&m, 0, -34, &u, &v);
	assert_double_equal(v, -0.5, 1e-12);
	m.origin_x_mm = 10;
	m.origin_y_mm = -20;
	for (double a = 0; a < 2 * M_PI; a += 0.3) {
		double x, y;
		los_to_mm(&m, 0.7 * cos(a), 0.7 * sin(a), &x, &y);
		los_to_unit(&m, x, y, &u, &v);
		assert_double_equal(u, 0.7 * cos(a), 1e-9);
		assert_double_equal(v, 0.7 * sin(a), 1e-9);
	}
	/* halfway between N and NE the limit is the mean of the two */
	assert_double_equal(los_limit_at(&m, 3 * M_PI / 8), (m.limit_mm[LOS_N] + m.limit_mm[LOS_NE]) / 2, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_up_two_down),
		cmocka_unit_test(stays_within_the_prescribed_range),
		cmocka_unit_test(fixed_when_not_adaptive),
		cmocka_unit_test(los_units_round_trip_and_follow_the_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
