/* The extended sway measures (core/metrics_ext) against signals with
 * analytic answers, the catalogue, and the rules for records too short or
 * broken. */
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
#include "core/metrics_ext.h"
#include "core/rng.h"

#define REL(a, b, tol) assert_double_equal((a), (b), fabs((double)(b)) * (tol))

static met_ext compute(const double *x, const double *y, size_t n, double fs)
{
	met_ext_cfg cfg;
	met_ext_cfg_default(&cfg);
	met_ext m;
	assert_int_equal(met_ext_compute(x, y, n, fs, &cfg, &m), POISE_OK);
	return m;
}

static void circle(void **state)
{
	(void)state;
	/* r = 10 mm at 0.5 Hz for 60 s (30 whole turns) at 100 Hz. */
	const double r = 10, f = 0.5, fs = 100;
	const size_t n = 6000;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	for (size_t i = 0; i < n; i++) {
		double ph = 2 * M_PI * f * (double)i / fs;
		x[i] = 3 + r * cos(ph);
		y[i] = -7 + r * sin(ph);
	}
	met_ext m = compute(x, y, n, fs);
	REL(m.mean_distance_ml_mm, 2 * r / M_PI, 1e-4);       /* mean |r cos| */
	REL(m.max_distance_mm, r, 1e-9);
	REL(m.max_distance_ml_mm, r, 1e-9);
	REL(m.range_mm, 2 * r, 1e-6);
	REL(m.range_ratio, 1, 1e-6);
	assert_double_equal(m.sway_direction_coefficient, 0, 1e-9);
	REL(m.circle95_area_mm2, M_PI * r * r, 1e-6);          /* s_RD = 0 */
	/* Prieto's MFREQ-ML = MVELO-ML/(4√2·MDIST-ML) = 4rf/(4√2·2r/π) */
	REL(m.mean_frequency_ml_hz, M_PI * f / (2 * M_SQRT2), 1e-3);
	/* σ_x² = r²/2, σ_v² = (2πfr)²/2 (the central difference loses
	 * (2πf/fs)²/6 ≈ 2e-4 of the velocity) */
	REL(m.phase_plane_ml, sqrt(r * r / 2 + pow(2 * M_PI * f * r, 2) / 2), 1e-3);
	/* 59 sign changes in 59.99 s: the count is ±1 over the record */
	assert_double_equal(m.velocity_zero_crossings_ml_hz, 2 * f, 1 / 59.99);
	REL(m.peak_velocity_ml_mm_s, 2 * M_PI * f * r, 1e-3);
	/* Fractal dimension: log N / log(N·d/TOTEX), TOTEX = 2πr·f·T */
	double path = 2 * M_PI * r * f * (double)(n - 1) / fs;
	REL(m.fractal_dimension_pd, log((double)n) / log((double)n * 2 * r / path), 1e-3);
	REL(m.fractal_dimension_cc, log((double)n) / log((double)n * 2 * r / path), 1e-3);
	/* Spectra: each axis a pure tone of power r²/2 at f; the Hann window
	 * gives it a spread of 1/(3·T_seg²) Hz², hence the dispersion. */
	REL(m.psd_ml.total_power_mm2, r * r / 2, 0.02);
	REL(m.psd_ap.total_power_mm2, r * r / 2, 0.02);
	REL(m.psd_ml.f50_hz, f, 0.02);
	REL(m.psd_ml.centroid_hz, f, 0.02);
	double var_w = 1.0 / 300;
	REL(m.psd_ml.dispersion, sqrt(var_w / (f * f + var_w)), 0.05);
	/* RD is constant: nothing in its spectrum */
	assert_double_equal(m.psd_rd.total_power_mm2, 0, 1e-12);
	free(x);
	free(y);
}

static void back_and_forth_on_a_line(void **state)
{
	(void)state;
	/* A = 15 mm along 30° from ML at 0.4 Hz for 120 s. Along the line
	 * the coefficient of sway direction is 1 and the principal axis lies
	 * 60° from AP. RD = A·|sin|: after its mean, a variance of
	 * A²(1/2 − 4/π²), nearly all at 2f (|sin| = 2/π − 4/π·Σ cos(2kθ)/(4k² − 1)). */
	const double A = 15, f = 0.4, fs = 100, phi = M_PI / 6;
	const size_t n = 12000;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	for (size_t i = 0; i < n; i++) {
		double d = A * sin(2 * M_PI * f * (double)i / fs);
		x[i] = d * cos(phi);
		y[i] = d * sin(phi);
	}
	met_ext m = compute(x, y, n, fs);
	REL(m.sway_direction_coefficient, 1, 1e-9);
	assert_double_equal(m.principal_sway_direction_deg, 60, 1e-6);
	/* the peaks fall half a sample from the samples: 1 − cos(π·0.4/100) */
	REL(m.range_mm, 2 * A, 1e-4);
	REL(m.range_ratio, cos(phi) / sin(phi), 1e-6);
	REL(m.max_distance_mm, A, 1e-4);
	REL(m.psd_rd.total_power_mm2, A * A * (0.5 - 4 / (M_PI * M_PI)), 0.02);
	assert_double_equal(m.psd_rd.mode_hz, 2 * f, 0.01);
	assert_true(m.psd_rd.f50_hz > 2 * f && m.psd_rd.f50_hz < 2 * f + 0.05);
	/* total power of both axes adds up to the line's A²/2 (a line below
	 * ≈ 0.3 Hz would lose part of its window lobe under the band's 0.15 Hz
	 * edge: −4 % at 0.25 Hz, tests/test_psd.c) */
	REL(m.psd_ml.total_power_mm2 + m.psd_ap.total_power_mm2, A * A / 2, 0.02);
	assert_double_equal(m.velocity_zero_crossings_ap_hz, 2 * f, 1 / 119.99);
	REL(m.peak_velocity_ap_mm_s, 2 * M_PI * f * A * sin(phi), 1e-3);
	/* no area: ellipse 0, so path/area and FD-CE cannot be given */
	assert_true(isnan(m.length_over_area_1_mm) || m.length_over_area_1_mm > 1e6);
	free(x);
	free(y);
}

/* Along ML at a speed that swells and ebbs: v(t) = v0·(1.5 + cos(2πt/P)).
 * The COP lingers where it is slowest, at t = P/2 + kP: there the sway
 * density peaks, P apart in time and 1.5·v0·P apart on the plate. */
static double lingering(double t, double v0, double p)
{
	return v0 * (1.5 * t + p / (2 * M_PI) * sin(2 * M_PI * t / p));
}

static void sway_density(void **state)
{
	(void)state;
	const double fs = 100, p = 2, R = 3;
	const double v0s[2] = {20, 40};
	const size_t n = 3001;
	double *x = malloc(n * sizeof *x), *y = calloc(n, sizeof *y);
	for (int k = 0; k < 2; k++) {
		double v0 = v0s[k];
		for (size_t i = 0; i < n; i++)
			x[i] = lingering((double)i / fs, v0, p);
		/* The time inside the 3 mm circle around a slowest point:
		 * twice the time to travel 3 mm from it, by bisection. */
		double t0 = 4.5 * p, lo = 0, hi = p / 2;
		for (int it = 0; it < 60; it++) {
			double t = (lo + hi) / 2;
			if (lingering(t0 + t, v0, p) - lingering(t0, v0, p) > R)
				hi = t;
			else
				lo = t;
		}
		met_ext m = compute(x, y, n, fs);
		REL(m.sway_density_peak_s, 2 * lo, 0.02);
		REL(m.sway_density_interval_s, p, 0.01);
		REL(m.sway_density_distance_mm, 1.5 * v0 * p, 0.01);
	}
	/* The raw curve on a uniform motion: 2R/v everywhere inside. */
	for (size_t i = 0; i < n; i++)
		x[i] = 25.0 * (double)i / fs;
	double *sd = malloc(n * sizeof *sd);
	met_sway_density(x, y, n, fs, R, sd);
	assert_double_equal(sd[1500], 2 * R / 25, 1e-9);
	assert_double_equal(sd[0], R / 25, 1e-9); /* the record starts there */
	free(sd);
	free(x);
	free(y);
}

static void random_walk_diffuses(void **state)
{
	(void)state;
	/* Independent walks, steps of 0.3 mm (ML) and 0.4 mm (AP) at 100 Hz
	 * for 300 s: D = σ²·fs/2 = 4.5 and 8 mm²/s, H = 0.5; planar D_r =
	 * D_x + D_y. One record: the short-term region within 10 %. */
	const double fs = 100, sx = 0.3, sy = 0.4;
	const size_t n = 30000;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	rng g;
	rng_seed(&g, 99);
	double px = 0, py = 0;
	for (size_t i = 0; i < n; i++) {
		x[i] = px += sx * rng_normal(&g);
		y[i] = py += sy * rng_normal(&g);
	}
	met_ext m = compute(x, y, n, fs);
	REL(m.sda_ml.ds_mm2_s, sx * sx * fs / 2, 0.10);
	REL(m.sda_ap.ds_mm2_s, sy * sy * fs / 2, 0.10);
	REL(m.sda_planar.ds_mm2_s, (sx * sx + sy * sy) * fs / 2, 0.10);
	assert_double_equal(m.sda_ml.hs, 0.5, 0.05);
	assert_double_equal(m.sda_planar.hs, 0.5, 0.05);
	free(x);
	free(y);
}

static void planar_range_is_the_largest_distance(void **state)
{
	(void)state;
	/* Against every pair, on clouds of several shapes. */
	rng g;
	rng_seed(&g, 17);
	for (int k = 0; k < 4; k++) {
		const size_t n = 700;
		double x[700], y[700];
		for (size_t i = 0; i < n; i++) {
			x[i] = rng_normal(&g) * (k + 1);
			y[i] = k == 3 ? 0.5 * x[i] + 1e-3 * rng_normal(&g) : rng_normal(&g);
		}
		double best = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < i; j++)
				best = fmax(best, hypot(x[i] - x[j], y[i] - y[j]));
		met_ext m = compute(x, y, n, 100);
		assert_double_equal(m.range_mm, best, 1e-9 * best);
	}
}

static void catalogue(void **state)
{
	(void)state;
	size_t n, ns;
	const met_field *f = met_ext_fields(&n);
	const met_field *s = met_static_fields(&ns);
	/* the keys the brief and the README name, exactly */
	static const char *const want[] = {
		"total_power_ml_mm2", "total_power_ap_mm2", "total_power_rd_mm2",
		"f50_ml_hz", "f50_ap_hz", "f50_rd_hz", "f95_ml_hz", "f95_ap_hz", "f95_rd_hz",
		"centroid_frequency_ml_hz", "centroid_frequency_ap_hz", "centroid_frequency_rd_hz",
		"frequency_dispersion_ml", "frequency_dispersion_ap", "frequency_dispersion_rd",
		"sda_ds_ml_mm2_s", "sda_dl_ml_mm2_s", "sda_hs_ml", "sda_hl_ml", "sda_tc_ml_s",
		"sda_xc_ml_mm2", "sda_ds_planar_mm2_s", "sda_xc_ap_mm2", "sway_density_peak_s",
		"mean_frequency_ml_hz", "phase_plane_ap", "circle95_area_mm2",
	};
	for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
		int seen = 0;
		for (size_t i = 0; i < n; i++)
			seen += strcmp(f[i].key, want[w]) == 0;
		if (seen != 1)
			fail_msg("key %s appears %d times", want[w], seen);
	}
	met_ext m;
	memset(&m, 0, sizeof m);
	m.sda_ap.tc_s = 1.25;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(f[i].unit);
		assert_non_null(f[i].label);
		assert_true(f[i].offset + sizeof(double) <= sizeof(met_ext));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(f[i].key, f[j].key);
		for (size_t j = 0; j < ns; j++)
			assert_string_not_equal(f[i].key, s[j].key);
		if (strcmp(f[i].key, "sda_tc_ap_s") == 0)
			assert_double_equal(met_ext_field_value(&m, &f[i]), 1.25, 0);
	}
	/* every double of met_ext is in the catalogue once */
	assert_int_equal(n * sizeof(double), sizeof(met_ext));
}

static void short_and_broken_records(void **state)
{
	(void)state;
	/* 5 s of white noise: positional measures, but no spectrum (a segment
	 * must hold a period of 0.15 Hz) and no diffusion plot: NaN. */
	const size_t n = 501;
	double x[501], y[501];
	rng g;
	rng_seed(&g, 1);
	for (size_t i = 0; i < n; i++) {
		x[i] = rng_normal(&g);
		y[i] = rng_normal(&g);
	}
	met_ext m = compute(x, y, n, 100);
	assert_true(isfinite(m.range_mm) && isfinite(m.phase_plane_ml));
	assert_true(isnan(m.psd_ml.total_power_mm2) && isnan(m.psd_rd.f50_hz));
	assert_true(isnan(m.sda_ml.ds_mm2_s) && isnan(m.sda_planar.tc_s));
	/* 20 s: spectrum yes; diffusion plot to 6.7 s ≥ 2 × 2.5 s: yes */
	double *xl = malloc(2001 * sizeof *xl), *yl = malloc(2001 * sizeof *yl);
	for (size_t i = 0; i < 2001; i++) {
		xl[i] = rng_normal(&g);
		yl[i] = rng_normal(&g);
	}
	m = compute(xl, yl, 2001, 100);
	assert_true(isfinite(m.psd_ml.f50_hz) && isfinite(m.sda_ml.ds_mm2_s));
	free(xl), free(yl);

	met_ext_cfg cfg;
	met_ext_cfg_default(&cfg);
	met_ext out;
	memset(&out, 0x5a, sizeof out);
	assert_int_equal(met_ext_compute(x, y, 2, 100, &cfg, &out), POISE_E_RANGE);
	assert_int_equal(met_ext_compute(x, y, n, 0, &cfg, &out), POISE_E_INVALID);
	x[7] = NAN;
	assert_int_equal(met_ext_compute(x, y, n, 100, &cfg, &out), POISE_E_INVALID);
	x[7] = 0;
	cfg.psd.overlap = 2;
	assert_int_equal(met_ext_compute(x, y, n, 100, &cfg, &out), POISE_E_INVALID);
	unsigned char *b = (unsigned char *)&out;
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(b[i], 0x5a);
	/* constant: no sway, nothing NaN that should be 0 */
	for (size_t i = 0; i < n; i++)
		x[i] = 4, y[i] = -1;
	m = compute(x, y, n, 100);
	assert_double_equal(m.range_mm, 0, 0);
	assert_double_equal(m.max_distance_mm, 0, 0);
	assert_true(isnan(m.principal_sway_direction_deg));
	assert_true(isnan(m.mean_frequency_ml_hz));
}

static void all_metrics_from_the_analysis_chain(void **state)
{
	(void)state;
	/* ana_all_metrics gives the static set unchanged and the extended set
	 * at the prepared rate. */
	const size_t n = 3001;
	double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	for (size_t i = 0; i < n; i++) {
		t[i] = (double)i / 100;
		x[i] = 10 * cos(M_PI * t[i]);
		y[i] = 10 * sin(M_PI * t[i]);
	}
	ana_cfg ac;
	ana_cfg_default(&ac);
	met_ext_cfg ec;
	met_ext_cfg_default(&ec);
	met_static a, b;
	met_ext e;
	assert_int_equal(ana_static_metrics(t, x, y, n, &ac, &a), POISE_OK);
	assert_int_equal(ana_all_metrics(t, x, y, n, &ac, &ec, &b, &e), POISE_OK);
	assert_memory_equal(&a, &b, sizeof a);
	REL(e.psd_ml.f50_hz, 0.5, 0.02);
	free(t), free(x), free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(circle),
		cmocka_unit_test(back_and_forth_on_a_line),
		cmocka_unit_test(sway_density),
		cmocka_unit_test(random_walk_diffuses),
		cmocka_unit_test(planar_range_is_the_largest_distance),
		cmocka_unit_test(catalogue),
		cmocka_unit_test(short_and_broken_records),
		cmocka_unit_test(all_metrics_from_the_analysis_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
