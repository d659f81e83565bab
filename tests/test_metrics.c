/* Posturography metrics against signals with analytic answers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/analysis.h"
#include "core/error.h"
#include "core/metrics.h"
#include "core/rng.h"

#define REL(a, b, tol) assert_double_equal((a), (b), fabs((double)(b)) * (tol))

static void f_quantile_matches_the_tables(void **state)
{
	(void)state;
	/* Upper 5 % points of F(2, d) from standard tables. */
	assert_double_equal(met_f_quantile_2(0.05, 10), 4.1028, 1e-4);
	assert_double_equal(met_f_quantile_2(0.05, 20), 3.4928, 1e-4);
	assert_double_equal(met_f_quantile_2(0.05, 120), 3.0718, 1e-4);
	assert_double_equal(met_f_quantile_2(0.05, 1e9), 2.99573, 1e-4); /* −ln 0.05 */
	assert_true(isnan(met_f_quantile_2(0, 10)));
}

/* A circle of radius r at f Hz, n samples at fs Hz, centred at (cx, cy). */
static void make_circle(double *x, double *y, size_t n, double r, double f, double fs,
                        double cx, double cy)
{
	for (size_t i = 0; i < n; i++) {
		double ph = 2 * M_PI * f * (double)i / fs;
		x[i] = cx + r * cos(ph);
		y[i] = cy + r * sin(ph);
	}
}

static void circle(void **state)
{
	(void)state;
	/* r = 12 mm, 0.4 Hz, 25 s (10 whole turns) at 100 Hz; n excludes the
	 * closing sample so the mean is the centre exactly. */
	const double r = 12, f = 0.4, fs = 100, T = 25;
	const size_t n = 2500;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	make_circle(x, y, n, r, f, fs, -30, 80);
	met_static m;
	double dur = (double)(n - 1) / fs;
	assert_int_equal(met_static_compute(x, y, n, dur, &m), POISE_OK);
	assert_int_equal(m.n_samples, n);
	assert_double_equal(m.mean_ml_mm, -30, 1e-9);
	assert_double_equal(m.mean_ap_mm, 80, 1e-9);
	REL(m.mean_distance_mm, r, 1e-9);
	REL(m.rms_distance_mm, r, 1e-9);
	REL(m.rms_ml_mm, r / sqrt(2), 1e-9);
	REL(m.rms_ap_mm, r / sqrt(2), 1e-9);
	REL(m.range_ml_mm, 2 * r, 1e-9);
	/* Path: n−1 chords of 2r·sin(πf/fs) ≈ 2πr·f·T (chord/arc ≈ 1 − 7e-5). */
	REL(m.path_length_mm, 2 * M_PI * r * f * dur, 1e-4);
	REL(m.mean_velocity_mm_s, 2 * M_PI * r * f, 1e-4);
	REL(m.mean_velocity_ml_mm_s, 4 * r * f, 1e-3);
	REL(m.mean_frequency_hz, f, 1e-4);
	/* Sway area: πr² per turn, f turns per second. */
	REL(m.sway_area_mm2_s, M_PI * r * r * f, 1e-3);
	/* Ellipse: s_ml² = s_ap² = r²/2, s_mlap = 0. */
	double F = (n - 2) / 2.0 * (pow(0.05, -2.0 / (n - 2)) - 1);
	REL(m.ellipse95_area_mm2, 2 * M_PI * F * r * r / 2, 1e-9);
	(void)T;
	free(x);
	free(y);
}

static void straight_line(void **state)
{
	(void)state;
	/* Back and forth along y = x/2 with amplitude A at f Hz: no area. */
	const double A = 20, f = 0.5, fs = 100;
	const size_t n = 3000; /* 15 whole periods */
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	double ux = 2 / sqrt(5), uy = 1 / sqrt(5);
	for (size_t i = 0; i < n; i++) {
		double d = A * sin(2 * M_PI * f * (double)i / fs);
		x[i] = d * ux;
		y[i] = d * uy;
	}
	met_static m;
	double dur = (double)(n - 1) / fs;
	assert_int_equal(met_static_compute(x, y, n, dur, &m), POISE_OK);
	REL(m.mean_distance_mm, 2 * A / M_PI, 1e-4);
	REL(m.rms_distance_mm, A / sqrt(2), 1e-9);
	REL(m.rms_ml_mm, A / sqrt(2) * ux, 1e-9);
	REL(m.rms_ap_mm, A / sqrt(2) * uy, 1e-9);
	REL(m.range_ml_mm, 2 * A * ux, 1e-9);
	REL(m.path_length_mm, 4 * A * f * (n / fs), 1e-3);
	REL(m.mean_frequency_hz, f, 2e-3);
	assert_double_equal(m.ellipse95_area_mm2, 0, 1e-3);
	assert_double_equal(m.sway_area_mm2_s, 0, 1e-9);
	free(x);
	free(y);
}

static void white_noise_of_known_variance(void **state)
{
	(void)state;
	const size_t n = 200000;
	const double sd = 4, fs = 100;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	rng g;
	rng_seed(&g, 2024);
	for (size_t i = 0; i < n; i++) {
		x[i] = sd * rng_normal(&g);
		y[i] = sd * rng_normal(&g);
	}
	met_static m;
	assert_int_equal(met_static_compute(x, y, n, (double)(n - 1) / fs, &m), POISE_OK);
	/* Expectations for independent N(0, σ²) samples; the tolerances are
	 * several standard errors at n = 200000. */
	REL(m.rms_ml_mm, sd, 0.01);
	REL(m.rms_ap_mm, sd, 0.01);
	REL(m.rms_distance_mm, sd * sqrt(2), 0.01);
	REL(m.mean_distance_mm, sd * sqrt(M_PI / 2), 0.01);        /* Rayleigh mean */
	REL(m.mean_velocity_mm_s, sd * sqrt(M_PI) * fs, 0.01);     /* |Δ| ~ Rayleigh(σ√2) */
	REL(m.mean_velocity_ml_mm_s, 2 * sd / sqrt(M_PI) * fs, 0.01); /* E|N(0, 2σ²)| */
	REL(m.ellipse95_area_mm2, 2 * M_PI * 2.9957 * sd * sd, 0.02);
	free(x);
	free(y);
}

static void constant_signal_has_no_sway(void **state)
{
	(void)state;
	double x[100], y[100];
	for (int i = 0; i < 100; i++)
		x[i] = 5, y[i] = -2;
	met_static m;
	assert_int_equal(met_static_compute(x, y, 100, 0.99, &m), POISE_OK);
	assert_double_equal(m.path_length_mm, 0, 0);
	assert_double_equal(m.mean_distance_mm, 0, 0);
	assert_double_equal(m.mean_frequency_hz, 0, 0);
	assert_double_equal(m.ellipse95_area_mm2, 0, 0);
}

static void bad_input_is_refused(void **state)
{
	(void)state;
	double x[3] = {1, 2, 3}, y[3] = {1, NAN, 3};
	met_static m;
	memset(&m, 0x5a, sizeof m);
	assert_int_equal(met_static_compute(x, x, 2, 1, &m), POISE_E_RANGE);
	assert_int_equal(met_static_compute(x, x, 3, 0, &m), POISE_E_RANGE);
	assert_int_equal(met_static_compute(x, y, 3, 1, &m), POISE_E_INVALID);
	unsigned char *b = (unsigned char *)&m;
	for (size_t i = 0; i < sizeof m; i++)
		assert_int_equal(b[i], 0x5a); /* out untouched */
}

static void catalogue_names_every_field_with_its_unit(void **state)
{
	(void)state;
	size_t n;
	const met_field *f = met_static_fields(&n);
	assert_true(n >= 17);
	met_static m = {.rms_ap_mm = 4.25, .sway_area_mm2_s = 9.5};
	int seen = 0;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(f[i].unit);
		if (strcmp(f[i].key, "rms_ap_mm") == 0) {
			assert_double_equal(met_field_value(&m, &f[i]), 4.25, 0);
			seen++;
		}
		if (strcmp(f[i].key, "sway_area_mm2_s") == 0) {
			assert_double_equal(met_field_value(&m, &f[i]), 9.5, 0);
			assert_string_equal(f[i].unit, "mm²/s");
			seen++;
		}
	}
	assert_int_equal(seen, 2);
}

static void preprocessing_of_a_1khz_recording(void **state)
{
	(void)state;
	/* A circle recorded at 1 kHz with 50 Hz mains hum on top: after the
	 * anti-alias filter, resampling to 100 Hz and the 10 Hz low-pass, the
	 * circle's metrics come back and the hum is gone. */
	const size_t n = 30001;
	double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	for (size_t i = 0; i < n; i++) {
		t[i] = (double)i / 1000;
		double ph = 2 * M_PI * 0.5 * t[i], hum = 0.8 * sin(2 * M_PI * 50 * t[i]);
		x[i] = 10 * cos(ph) + hum;
		y[i] = 10 * sin(ph) - hum;
	}
	ana_cfg cfg;
	ana_cfg_default(&cfg);
	met_static m;
	assert_int_equal(ana_static_metrics(t, x, y, n, &cfg, &m), POISE_OK);
	assert_int_equal(m.n_samples, 3001);
	assert_double_equal(m.fs_hz, 100, 1e-9);
	REL(m.rms_distance_mm, 10, 0.002);
	REL(m.mean_velocity_mm_s, 2 * M_PI * 10 * 0.5, 0.005);
	REL(m.mean_frequency_hz, 0.5, 0.005);
	free(t), free(x), free(y);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median interval without a sort: the same number as sorting them, for
 * short and long records, regular ones, jittered ones, ties, odd and even
 * counts. */
static void median_rate_is_exact(void **state)
{
	(void)state;
	rng g;
	rng_seed(&g, 3);
	static const size_t sizes[] = {2, 3, 4, 5, 100, 4097, 4098, 20001, 100000, 100001};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		double *t = malloc(n * sizeof *t), *dt = malloc(n * sizeof *dt);
		for (int kind = 0; kind < 4; kind++) {
			t[0] = 12.5;
			for (size_t i = 1; i < n; i++) {
				double d = kind == 0   ? 0.001                              /* printed times */
				         : kind == 1 ? 0.01 * (0.5 + rng_uniform(&g))    /* a jittery board */
				         : kind == 2 ? (i % 3 ? 0.01 : 0.02)             /* ties, two values */
				                     : pow(2, -20 + 40 * rng_uniform(&g)); /* any scale */
				t[i] = kind == 0 ? 12.5 + (double)i * 0.001 : t[i - 1] + d;
			}
			for (size_t i = 0; i + 1 < n; i++)
				dt[i] = t[i + 1] - t[i];
			qsort(dt, n - 1, sizeof *dt, cmp_d);
			size_t m = n - 1;
			double med = m % 2 ? dt[m / 2] : 0.5 * (dt[m / 2 - 1] + dt[m / 2]);
			double got = ana_median_rate_hz(t, n);
			if (got != 1.0 / med)
				fail_msg("n %zu kind %d: %.17g, want %.17g", n, kind, got, 1.0 / med);
		}
		free(t);
		free(dt);
	}
	assert_true(isnan(ana_median_rate_hz((double[]){1}, 1)));
}

/* Preparing arrays given away (filtered and resampled in place) gives the
 * very numbers of preparing a copy, for a fast plate (in place), a slow one
 * (new arrays) and no resampling. */
static void prepare_owned_matches_prepare(void **state)
{
	(void)state;
	static const double rates[] = {1000, 30, 100};
	static const double resample[] = {100, 100, 0};
	rng g;
	rng_seed(&g, 8);
	for (int k = 0; k < 3; k++) {
		size_t n = (size_t)(rates[k] * 20);
		double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
		for (size_t i = 0; i < n; i++) {
			t[i] = 3 + (double)i / rates[k] + (k == 1 ? 0.002 * rng_uniform(&g) : 0);
			x[i] = 5 * sin(t[i]) + rng_normal(&g);
			y[i] = 3 * cos(0.7 * t[i]) + rng_normal(&g);
		}
		ana_cfg cfg;
		ana_cfg_default(&cfg);
		cfg.resample_hz = resample[k];
		ana_series a, b;
		assert_int_equal(ana_prepare(t, x, y, n, &cfg, &a), POISE_OK);
		assert_int_equal(ana_prepare_owned(t, x, y, n, &cfg, &b), POISE_OK);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.t_s, b.t_s, a.n * sizeof *a.t_s);
		assert_memory_equal(a.x_mm, b.x_mm, a.n * sizeof *a.x_mm);
		assert_memory_equal(a.y_mm, b.y_mm, a.n * sizeof *a.y_mm);
		assert_double_equal(a.fs_hz, b.fs_hz, 0);
		ana_series_free(&a);
		ana_series_free(&b);
	}
}

/* The work of a recording is bounded by its size: a few rows spanning
 * hours are refused before anything is allocated, a sparse but sane
 * recording is not. */
static void absurd_spans_are_refused(void **state)
{
	(void)state;
	ana_cfg cfg;
	ana_cfg_default(&cfg);
	size_t m;
	double few[] = {0, 1, 2, 1e6};
	assert_int_equal(ana_check_span(few, 4, &cfg, &m), POISE_E_RANGE);
	double wrap[] = {0, 1, 2, 1e17};
	assert_int_equal(ana_check_span(wrap, 4, &cfg, &m), POISE_E_RANGE);
	ana_series s;
	assert_int_equal(ana_prepare(wrap, wrap, wrap, 4, &cfg, &s), POISE_E_RANGE);
	double sparse[] = {0, 1, 2, 900}; /* 90 001 samples: bounded */
	assert_int_equal(ana_check_span(sparse, 4, &cfg, &m), POISE_OK);
	assert_int_equal(m, 90001);
	double hour[] = {0, 1, 2, 3000}; /* 300 001 samples from 4 rows */
	assert_int_equal(ana_check_span(hour, 4, &cfg, &m), POISE_E_RANGE);
	static double many[4000]; /* a row a second: 100 samples per row */
	for (size_t i = 0; i < 4000; i++)
		many[i] = (double)i;
	assert_int_equal(ana_check_span(many, 4000, &cfg, &m), POISE_OK);
	assert_int_equal(m, 399901);
	many[3999] = 4001; /* one row more than 100 samples apart */
	assert_int_equal(ana_check_span(many, 4000, &cfg, &m), POISE_E_RANGE);
	cfg.resample_hz = 0; /* nothing is made up */
	assert_int_equal(ana_check_span(few, 4, &cfg, &m), POISE_OK);
	assert_int_equal(m, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(f_quantile_matches_the_tables),
		cmocka_unit_test(circle),
		cmocka_unit_test(straight_line),
		cmocka_unit_test(white_noise_of_known_variance),
		cmocka_unit_test(constant_signal_has_no_sway),
		cmocka_unit_test(bad_input_is_refused),
		cmocka_unit_test(catalogue_names_every_field_with_its_unit),
		cmocka_unit_test(preprocessing_of_a_1khz_recording),
		cmocka_unit_test(median_rate_is_exact),
		cmocka_unit_test(prepare_owned_matches_prepare),
		cmocka_unit_test(absurd_spans_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
