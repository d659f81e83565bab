/* Resampling irregular timestamps onto the fixed clock. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/resample.h"
#include "core/rng.h"

static double slow_signal(double t_s)
{
	return 20 * sin(2 * M_PI * 0.4 * t_s) + 5 * cos(2 * M_PI * 1.1 * t_s);
}

static void jittered_input_lands_on_an_even_clock(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 2, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out *out = calloc(rs_max_out(&cfg), sizeof *out);
	rng g;
	rng_seed(&g, 3);
	/* Input around 60 Hz with ±40 % jitter, as a Wii Balance Board does. */
	mono_us t0 = 5000000, t = t0;
	size_t n_out = 0;
	mono_us last_out = 0;
	double worst = 0;
	for (int i = 0; i < 3000; i++) {
		t += (mono_us)(16667 * (0.6 + 0.8 * rng_uniform(&g)));
		double ts = (double)(t - t0) * 1e-6;
		double v[2] = {slow_signal(ts), -slow_signal(ts)};
		size_t n = rs_push(&s, t, v, out);
		for (size_t k = 0; k < n; k++) {
			if (n_out == 0) {
				assert_true(out[k].gap);
				assert_int_equal(out[k].t_us, t); /* clock starts at the first input */
			} else {
				assert_false(out[k].gap);
				assert_int_equal(out[k].t_us - last_out, 10000); /* exactly 100 Hz */
			}
			last_out = out[k].t_us;
			double want = slow_signal((double)(out[k].t_us - t0) * 1e-6);
			worst = fmax(worst, fabs(out[k].v[0] - want));
			assert_double_equal(out[k].v[1], -out[k].v[0], 1e-12);
			n_out++;
		}
	}
	/* Linear interpolation of this signal over ≤ 23 ms gaps errs < 0.1 mm. */
	assert_true(worst < 0.1);
	double span_s = (double)(t - t0) * 1e-6 - 0.0167;
	assert_true(fabs((double)n_out - span_s * 100) < 3);
	free(out);
}

static void on_grid_input_passes_unchanged(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[32];
	for (int i = 0; i < 100; i++) {
		double v = i * 1.5;
		size_t n = rs_push(&s, 1000000 + (mono_us)i * 10000, &v, out);
		assert_int_equal(n, 1);
		assert_int_equal(out[0].t_us, 1000000 + (mono_us)i * 10000);
		assert_double_equal(out[0].v[0], v, 1e-12);
	}
}

static void fast_input_is_decimated_and_slow_input_interpolated(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	rs_out out[32];
	/* 1 kHz in: one output per ten inputs. */
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	size_t total = 0;
	for (int i = 0; i <= 1000; i++) {
		double v = i;
		total += rs_push(&s, (mono_us)i * 1000, &v, out);
	}
	assert_int_equal(total, 101);
	/* 25 Hz in: four outputs per input, on the straight line between. */
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	double v = 0;
	rs_push(&s, 0, &v, out);
	v = 4;
	assert_int_equal(rs_push(&s, 40000, &v, out), 4);
	for (int k = 0; k < 4; k++) {
		assert_int_equal(out[k].t_us, (mono_us)(k + 1) * 10000);
		assert_double_equal(out[k].v[0], k + 1, 1e-12);
	}
}

static void a_long_gap_restarts_the_clock(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[64];
	double v = 1;
	rs_push(&s, 0, &v, out);
	rs_push(&s, 10000, &v, out);
	v = 2;
	size_t n = rs_push(&s, 1010000, &v, out); /* 1 s later: not bridged */
	assert_int_equal(n, 1);
	assert_true(out[0].gap);
	assert_int_equal(out[0].t_us, 1010000);
	assert_double_equal(out[0].v[0], 2, 0);
	n = rs_push(&s, 1023000, &v, out);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].t_us, 1020000);
}

static void time_going_backwards_is_dropped_and_counted(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[64];
	double v = 1;
	rs_push(&s, 100000, &v, out);
	assert_int_equal(rs_push(&s, 100000, &v, out), 0);
	assert_int_equal(rs_push(&s, 90000, &v, out), 0);
	assert_int_equal(s.n_dropped, 2);
	assert_int_equal(rs_push(&s, 110000, &v, out), 1);
}

static void bad_configurations_are_refused(void **state)
{
	(void)state;
	rs_state s;
	assert_int_equal(rs_init(&s, &(rs_cfg){0, 1, 1}), POISE_E_INVALID);
	assert_int_equal(rs_init(&s, &(rs_cfg){100, 0, 1}), POISE_E_INVALID);
	assert_int_equal(rs_init(&s, &(rs_cfg){100, RS_MAX_CH + 1, 1}), POISE_E_INVALID);
	assert_int_equal(rs_init(&s, &(rs_cfg){100, 1, 0.001}), POISE_E_INVALID);
}

static void offline_resampling_of_jittered_times(void **state)
{
	(void)state;
	const size_t n = 2001;
	double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	rng g;
	rng_seed(&g, 11);
	for (size_t i = 0; i < n; i++) {
		t[i] = 2.0 + (double)i * 0.01 + (i && i < n - 1 ? (rng_uniform(&g) - 0.5) * 0.008 : 0);
		x[i] = slow_signal(t[i]);
		y[i] = 3 * t[i];
	}
	double *to, *xo, *yo;
	size_t m;
	assert_int_equal(rs_resample_xy(t, x, y, n, 100, &to, &xo, &yo, &m), POISE_OK);
	assert_int_equal(m, 2001);
	for (size_t k = 0; k < m; k++) {
		assert_double_equal(to[k], 2.0 + (double)k * 0.01, 1e-9);
		assert_double_equal(xo[k], slow_signal(to[k]), 0.05);
		assert_double_equal(yo[k], 3 * to[k], 1e-9); /* a line is exact */
	}
	free(to), free(xo), free(yo), free(t), free(x), free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jittered_input_lands_on_an_even_clock),
		cmocka_unit_test(on_grid_input_passes_unchanged),
		cmocka_unit_test(fast_input_is_decimated_and_slow_input_interpolated),
		cmocka_unit_test(a_long_gap_restarts_the_clock),
		cmocka_unit_test(time_going_backwards_is_dropped_and_counted),
		cmocka_unit_test(bad_configurations_are_refused),
		cmocka_unit_test(offline_resampling_of_jittered_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
