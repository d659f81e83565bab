/* Butterworth low-pass: design, causal response, zero-phase filtering. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/filter.h"
#include "core/rng.h"

/* Steady-state amplitude of the causal filter's response to a unit sine at
 * f_hz, by a least-squares fit of sin and cos over whole periods after the
 * transient has died away. */
static double measured_gain(flt_butter *f, double f_hz, double fs_hz)
{
	flt_butter_reset(f);
	flt_butter_prime(f, 0);
	int settle = (int)(20 * fs_hz), n = (int)(fs_hz / f_hz * 40);
	double ss = 0, sc = 0;
	for (int i = 0; i < settle + n; i++) {
		double ph = 2 * M_PI * f_hz * i / fs_hz;
		double y = flt_butter_step(f, sin(ph));
		if (i >= settle) {
			ss += y * sin(ph);
			sc += y * cos(ph);
		}
	}
	return 2.0 / n * hypot(ss, sc);
}

static double db(double g)
{
	return 20 * log10(g);
}

static void minus_3_db_at_the_cutoff(void **state)
{
	(void)state;
	static const struct {
		int order;
		double fc, fs;
	} cases[] = {{2, 6, 100}, {2, 10, 100}, {4, 10, 100}, {2, 40, 1000}, {4, 4, 50}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		flt_butter f;
		assert_int_equal(flt_butter_design(&f, cases[i].order, cases[i].fc, cases[i].fs), POISE_OK);
		double g = measured_gain(&f, cases[i].fc, cases[i].fs);
		assert_double_equal(db(g), -3.0103, 0.2);
		/* and the design's own response says exactly 1/√2 */
		assert_double_equal(flt_butter_gain(&f, cases[i].fc), M_SQRT1_2, 1e-9);
	}
}

static void unity_gain_at_dc(void **state)
{
	(void)state;
	for (int order = 2; order <= 8; order += 2) {
		flt_butter f;
		assert_int_equal(flt_butter_design(&f, order, 6, 100), POISE_OK);
		assert_double_equal(flt_butter_gain(&f, 0), 1.0, 1e-12);
		/* A step from 0 to 1 settles at exactly 1. */
		flt_butter_prime(&f, 0);
		double y = 0;
		for (int i = 0; i < 2000; i++)
			y = flt_butter_step(&f, 1.0);
		assert_double_equal(y, 1.0, 1e-9);
	}
}

static void response_follows_the_butterworth_formula(void **state)
{
	(void)state;
	/* Bilinear Butterworth: |H(f)|² = 1/(1 + (tan(πf/fs)/tan(πfc/fs))^(2N)) */
	flt_butter f;
	assert_int_equal(flt_butter_design(&f, 4, 10, 100), POISE_OK);
	double freqs[] = {1, 3, 7, 15, 25, 40};
	for (size_t i = 0; i < 6; i++) {
		double r = tan(M_PI * freqs[i] / 100) / tan(M_PI * 10 / 100);
		double want = 1 / sqrt(1 + pow(r, 8));
		assert_double_equal(db(measured_gain(&f, freqs[i], 100)), db(want), 0.05);
	}
}

static void first_sample_primes_without_a_transient(void **state)
{
	(void)state;
	flt_butter f;
	assert_int_equal(flt_butter_design(&f, 2, 6, 100), POISE_OK);
	for (int i = 0; i < 50; i++)
		assert_double_equal(flt_butter_step(&f, 123.4), 123.4, 1e-9);
	flt_butter_reset(&f);
	assert_double_equal(flt_butter_step(&f, -7.0), -7.0, 1e-12);
}

static void design_rejects_nonsense(void **state)
{
	(void)state;
	flt_butter f;
	assert_int_equal(flt_butter_design(&f, 3, 6, 100), POISE_E_INVALID);
	assert_int_equal(flt_butter_design(&f, 10, 6, 100), POISE_E_INVALID);
	assert_int_equal(flt_butter_design(&f, 2, 50, 100), POISE_E_INVALID);
	assert_int_equal(flt_butter_design(&f, 2, 0, 100), POISE_E_INVALID);
	assert_int_equal(flt_butter_design(&f, 2, 6, -1), POISE_E_INVALID);
}

static void filtfilt_has_zero_phase_and_squared_gain(void **state)
{
	(void)state;
	flt_butter f;
	assert_int_equal(flt_butter_design(&f, 2, 10, 100), POISE_OK);
	const size_t n = 3000;
	double *x = malloc(n * sizeof *x);
	for (double fr = 1; fr <= 12; fr += 5.5) {
		for (size_t i = 0; i < n; i++)
			x[i] = sin(2 * M_PI * fr * (double)i / 100);
		assert_int_equal(flt_filtfilt(&f, x, n), POISE_OK);
		double g2 = pow(flt_butter_gain(&f, fr), 2);
		/* In the middle (away from the ends) the output is the input
		 * scaled by |H|², with no shift in time. */
		for (size_t i = 500; i < n - 500; i++)
			assert_double_equal(x[i], g2 * sin(2 * M_PI * fr * (double)i / 100), 1e-6);
	}
	free(x);
}

static void filtfilt_keeps_a_ramp_and_its_ends(void **state)
{
	(void)state;
	flt_butter f;
	assert_int_equal(flt_butter_design(&f, 2, 5, 100), POISE_OK);
	const size_t n = 400;
	double x[400];
	for (size_t i = 0; i < n; i++)
		x[i] = 3.0 + 0.25 * (double)i;
	assert_int_equal(flt_filtfilt(&f, x, n), POISE_OK);
	/* Odd reflection makes a straight line pass unchanged, ends included. */
	for (size_t i = 0; i < n; i++)
		assert_double_equal(x[i], 3.0 + 0.25 * (double)i, 1e-4);
	assert_int_equal(flt_filtfilt(&f, x, 1), POISE_E_INVALID);
}

/* Two signals at once give, bit for bit, what two calls give; and the
 * in-place filter gives what running the cascade sample by sample over the
 * padded signal gives (the definition, as the filter was first written). */
static void filtfilt_two_at_once_and_in_place_are_exact(void **state)
{
	(void)state;
	enum { N = 777 };
	static double x[N], y[N], x1[N], y1[N], w[N + 200];
	rng g;
	rng_seed(&g, 5);
	for (int order = 2; order <= 4; order += 2) {
		flt_butter f;
		assert_int_equal(flt_butter_design(&f, order, 7, 100), POISE_OK);
		for (size_t i = 0; i < N; i++) {
			x[i] = x1[i] = 10 * sin(0.05 * (double)i) + rng_normal(&g);
			y[i] = y1[i] = rng_normal(&g);
		}
		/* The reference: the padded copy, forward then backward. */
		size_t pad = (size_t)ceil(3.0 * 100 / 7);
		for (size_t i = 0; i < pad; i++) {
			w[pad - 1 - i] = 2.0 * x[0] - x[i + 1];
			w[pad + N + i] = 2.0 * x[N - 1] - x[N - 2 - i];
		}
		memcpy(w + pad, x, sizeof x);
		size_t m = N + 2 * pad;
		flt_butter h = f;
		flt_butter_prime(&h, w[0]);
		for (size_t i = 0; i < m; i++)
			w[i] = flt_butter_step(&h, w[i]);
		flt_butter_prime(&h, w[m - 1]);
		for (size_t i = m; i-- > 0;)
			w[i] = flt_butter_step(&h, w[i]);
		assert_int_equal(flt_filtfilt2(&f, x, y, N), POISE_OK);
		assert_int_equal(flt_filtfilt(&f, x1, N), POISE_OK);
		assert_int_equal(flt_filtfilt(&f, y1, N), POISE_OK);
		assert_memory_equal(x, x1, sizeof x);
		assert_memory_equal(y, y1, sizeof y);
		assert_memory_equal(x, w + pad, sizeof x);
	}
}

static void one_euro_without_beta_is_a_first_order_low_pass(void **state)
{
	(void)state;
	flt_oneeuro f;
	assert_int_equal(flt_oneeuro_init(&f, 100, 2.0, 0, 1.0), POISE_OK);
	double x = 0, y = 0;
	flt_oneeuro_step(&f, &x, &y); /* primes at 0 */
	/* Step to 10: y[n] = 10·(1 − (1 − α)^n), α = 1/(1 + 100/(2π·2)). */
	double a = 1 / (1 + 100 / (2 * M_PI * 2));
	for (int n = 1; n <= 50; n++) {
		x = 10, y = -10;
		flt_oneeuro_step(&f, &x, &y);
		assert_double_equal(x, 10 * (1 - pow(1 - a, n)), 1e-9);
		assert_double_equal(y, -x, 1e-12);
	}
}

static void one_euro_lets_fast_moves_through(void **state)
{
	(void)state;
	/* A ramp at 200 mm/s: the lag (ramp − output) shrinks as beta grows,
	 * and the output never runs ahead of the ramp (no overshoot). */
	double lag[3];
	double betas[3] = {0, 0.05, 0.4};
	for (int b = 0; b < 3; b++) {
		flt_oneeuro f;
		assert_int_equal(flt_oneeuro_init(&f, 100, 0.5, betas[b], 1.0), POISE_OK);
		double out = 0;
		for (int i = 0; i < 300; i++) {
			double x = 2.0 * i, y = 0;
			flt_oneeuro_step(&f, &x, &y);
			assert_true(x <= 2.0 * i + 1e-9);
			out = x;
		}
		lag[b] = (2.0 * 299 - out) / 200.0; /* seconds */
	}
	assert_true(lag[0] > lag[1] && lag[1] > lag[2]);
	assert_true(lag[2] < 0.015);
	flt_oneeuro f;
	assert_int_equal(flt_oneeuro_init(&f, 0, 0.5, 0.4, 1), POISE_E_INVALID);
	assert_int_equal(flt_oneeuro_init(&f, 100, 0.5, -1, 1), POISE_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minus_3_db_at_the_cutoff),
		cmocka_unit_test(unity_gain_at_dc),
		cmocka_unit_test(response_follows_the_butterworth_formula),
		cmocka_unit_test(first_sample_primes_without_a_transient),
		cmocka_unit_test(design_rejects_nonsense),
		cmocka_unit_test(filtfilt_has_zero_phase_and_squared_gain),
		cmocka_unit_test(filtfilt_keeps_a_ramp_and_its_ends),
		cmocka_unit_test(filtfilt_two_at_once_and_in_place_are_exact),
		cmocka_unit_test(one_euro_without_beta_is_a_first_order_low_pass),
		cmocka_unit_test(one_euro_lets_fast_moves_through),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
