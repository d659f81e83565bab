/* COP from four cells, calibration and tare. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/cop.h"
#include "core/error.h"

static const cop_plate wbb = {433.0, 238.0};

static void all_force_on_one_cell_lands_on_that_corner(void **state)
{
	(void)state;
	static const struct {
		int cell;
		double x, y;
	} want[] = {
		{CELL_TL, -216.5, 119.0},
		{CELL_TR, 216.5, 119.0},
		{CELL_BL, -216.5, -119.0},
		{CELL_BR, 216.5, -119.0},
	};
	for (size_t i = 0; i < 4; i++) {
		double f[CELL_COUNT] = {0};
		f[want[i].cell] = 686.0;
		cop_point p;
		assert_int_equal(cop_from_forces(&wbb, f, 20, &p), POISE_OK);
		assert_double_equal(p.x_mm, want[i].x, 1e-12);
		assert_double_equal(p.y_mm, want[i].y, 1e-12);
		assert_double_equal(p.fz_n, 686.0, 1e-12);
	}
}

static void equal_loads_land_at_the_centre(void **state)
{
	(void)state;
	double f[CELL_COUNT] = {171.5, 171.5, 171.5, 171.5};
	cop_point p;
	assert_int_equal(cop_from_forces(&wbb, f, 20, &p), POISE_OK);
	assert_double_equal(p.x_mm, 0, 1e-12);
	assert_double_equal(p.y_mm, 0, 1e-12);
	assert_double_equal(p.fz_n, 686, 1e-12);
}

static void known_mixed_load(void **state)
{
	(void)state;
	/* 3/4 of the weight on the right cells, 1/4 at the front:
	 * x = 216.5·(0.75 − 0.25) = 108.25; y = 119·(0.25 − 0.75) = −59.5 */
	double f[CELL_COUNT] = {25, 75, 75, 225};
	cop_point p;
	assert_int_equal(cop_from_forces(&wbb, f, 20, &p), POISE_OK);
	assert_double_equal(p.x_mm, 108.25, 1e-12);
	assert_double_equal(p.y_mm, -59.5, 1e-12);
}

static void empty_plate_gives_no_cop(void **state)
{
	(void)state;
	double f[CELL_COUNT] = {2, 3, -1, 4};
	cop_point p;
	assert_int_equal(cop_from_forces(&wbb, f, 20, &p), POISE_E_RANGE);
	assert_true(isnan(p.x_mm) && isnan(p.y_mm));
	assert_double_equal(p.fz_n, 8, 1e-12);
	double neg[CELL_COUNT] = {-100, -100, -100, -100};
	assert_int_equal(cop_from_forces(&wbb, neg, 0, &p), POISE_E_RANGE);
}

static void forces_from_cop_round_trip(void **state)
{
	(void)state;
	for (double x = -200; x <= 200; x += 37.5)
		for (double y = -110; y <= 110; y += 27.5) {
			double f[CELL_COUNT];
			cop_to_forces(&wbb, x, y, 700, f);
			cop_point p;
			assert_int_equal(cop_from_forces(&wbb, f, 20, &p), POISE_OK);
			assert_double_equal(p.x_mm, x, 1e-9);
			assert_double_equal(p.y_mm, y, 1e-9);
			assert_double_equal(p.fz_n, 700, 1e-9);
			for (int c = 0; c < CELL_COUNT; c++)
				assert_true(f[c] >= 0);
		}
}

static void calibration_applies_offset_then_gain(void **state)
{
	(void)state;
	cop_calib c;
	cop_calib_identity(&c);
	c.offset_n[CELL_TR] = 10;
	c.gain[CELL_TR] = 2;
	double f[CELL_COUNT] = {1, 15, 3, 4};
	cop_calib_apply(&c, f);
	assert_double_equal(f[CELL_TL], 1, 0);
	assert_double_equal(f[CELL_TR], 10, 0);
	assert_double_equal(f[CELL_BL], 3, 0);
	assert_double_equal(f[CELL_BR], 4, 0);
}

static void tare_zeroes_a_still_empty_plate(void **state)
{
	(void)state;
	cop_calib c;
	cop_calib_identity(&c);
	cop_tare t;
	cop_tare_begin(&t, 100);
	assert_int_equal(cop_tare_finish(&t, 5, &c), POISE_E_STATE);
	double raw[CELL_COUNT] = {12.5, -3.0, 7.25, 40.0};
	for (int i = 0; i < 99; i++)
		assert_false(cop_tare_add(&t, raw));
	assert_true(cop_tare_add(&t, raw));
	assert_int_equal(cop_tare_finish(&t, 5, &c), POISE_OK);
	double f[CELL_COUNT] = {12.5, -3.0, 7.25, 40.0};
	cop_calib_apply(&c, f);
	for (int i = 0; i < CELL_COUNT; i++)
		assert_double_equal(f[i], 0, 1e-12);
}

static void tare_refuses_a_moving_plate(void **state)
{
	(void)state;
	cop_calib c;
	cop_calib_identity(&c);
	cop_tare t;
	cop_tare_begin(&t, 50);
	for (int i = 0; i < 50; i++) {
		double f[CELL_COUNT] = {i % 2 ? 100 : 0, 0, 0, 0}; /* SD 50 N */
		cop_tare_add(&t, f);
	}
	assert_int_equal(cop_tare_finish(&t, 5, &c), POISE_E_RANGE);
	assert_double_equal(c.offset_n[CELL_TL], 0, 0); /* untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_force_on_one_cell_lands_on_that_corner),
		cmocka_unit_test(equal_loads_land_at_the_centre),
		cmocka_unit_test(known_mixed_load),
		cmocka_unit_test(empty_plate_gives_no_cop),
		cmocka_unit_test(forces_from_cop_round_trip),
		cmocka_unit_test(calibration_applies_offset_then_gain),
		cmocka_unit_test(tare_zeroes_a_still_empty_plate),
		cmocka_unit_test(tare_refuses_a_moving_plate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
