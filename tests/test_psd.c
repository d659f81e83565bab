/* The FFT and the Welch spectrum against direct sums and signals with
 * known spectra: sums of sines (power A²/2 each) and white noise (flat
 * density 2σ²/fs). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/fft.h"
#include "core/psd.h"
#include "core/rng.h"

#define REL(a, b, tol) assert_double_equal((a), (b), fabs((double)(b)) * (tol))

static void fft_matches_the_direct_sum(void **state)
{
	(void)state;
	enum { N = 64 };
	double re[N], im[N], x[N], y[N], tw[2 * N];
	assert_int_equal(fft_twiddles_len(N), 2 * N);
	rng g;
	rng_seed(&g, 3);
	for (int i = 0; i < N; i++) {
		x[i] = re[i] = rng_normal(&g);
		y[i] = im[i] = rng_normal(&g);
	}
	fft_twiddles(tw, N);
	fft_run(re, im, N, tw, false);
	for (int k = 0; k < N; k++) {
		double sr = 0, si = 0;
		for (int j = 0; j < N; j++) {
			double a = -2 * M_PI * j * k / N;
			sr += x[j] * cos(a) - y[j] * sin(a);
			si += x[j] * sin(a) + y[j] * cos(a);
		}
		assert_double_equal(re[k], sr, 1e-10);
		assert_double_equal(im[k], si, 1e-10);
	}
	fft_run(re, im, N, tw, true); /* back, unscaled */
	for (int i = 0; i < N; i++) {
		assert_double_equal(re[i] / N, x[i], 1e-12);
		assert_double_equal(im[i] / N, y[i], 1e-12);
	}
	assert_true(fft_is_pow2(1024));
	assert_false(fft_is_pow2(1000));
	assert_int_equal(fft_next_pow2(1000), 1024);
	assert_int_equal(fft_next_pow2(1), 1);
}

/* Welch PSD of x[0..n) at fs with cfg, measures over cfg's band. */
static void spectrum(const double *x, size_t n, double fs, const psd_cfg *cfg, psd_measures *m,
                     psd_plan *plan_out)
{
	psd_plan p;
	assert_int_equal(psd_plan_make(cfg, n, fs, &p), POISE_OK);
	double *psd = malloc(p.nbins * sizeof *psd), *w = malloc(p.work_len * sizeof *w);
	assert_int_equal(psd_welch(x, &p, cfg, psd, w), POISE_OK);
	assert_int_equal(psd_measures_compute(psd, p.nbins, p.df_hz, cfg->band_lo_hz, cfg->band_hi_hz, m),
	                 POISE_OK);
	if (plan_out)
		*plan_out = p;
	free(psd);
	free(w);
}

/* Σ A_k·sin(2π f_k t + φ_k), 60 s at 100 Hz. */
static double *sines(size_t n, double fs, const double *f, const double *a, int k)
{
	double *x = malloc(n * sizeof *x);
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / fs;
		x[i] = 0;
		for (int j = 0; j < k; j++)
			x[i] += a[j] * sin(2 * M_PI * f[j] * t + 0.7 * j + 0.3);
	}
	return x;
}

/* Short segments on a fine grid go through the segments' summed
 * autocorrelation: the same spectrum as transforming each segment, checked
 * bin by bin against a direct DFT of every (rectangular, undetrended)
 * segment; and the segments' number makes no difference to the cost's
 * choice but to the sum. */
static void short_segments_on_a_fine_grid_match_a_direct_dft(void **state)
{
	(void)state;
	psd_cfg c;
	psd_cfg_default(&c);
	c.segment_s = 0.5; /* 50 samples at 100 Hz, padded to 16384 */
	c.overlap = 0.9;
	c.window = PSD_RECT;
	c.detrend = PSD_DETREND_NONE;
	c.band_lo_hz = 2;
	const size_t n = 3001;
	const double fs = 100;
	double f[] = {3.1, 11.7, 27.0}, a[] = {2, 1, 0.5};
	double *x = sines(n, fs, f, a, 3);
	for (size_t i = 0; i < n; i++)
		x[i] += 0.3 * sin(0.37 * (double)(i * i % 1009)); /* something broadband */
	psd_plan p;
	assert_int_equal(psd_plan_make(&c, n, fs, &p), POISE_OK);
	assert_int_equal(p.nperseg, 50);
	assert_int_equal(p.step, 5);
	assert_int_equal(p.nfft, 16384);
	double *psd = malloc(p.nbins * sizeof *psd), *w = malloc(p.work_len * sizeof *w);
	assert_int_equal(psd_welch(x, &p, &c, psd, w), POISE_OK);
	/* One-sided density: 2·Σ_s |Y_s[k]|² / (fs·m·nseg) off DC and Nyquist. */
	for (size_t k = 1; k < p.nbins - 1; k += 97) {
		double sum = 0;
		for (size_t s = 0; s < p.nseg; s++) {
			double yr = 0, yi = 0;
			for (size_t j = 0; j < p.nperseg; j++) {
				double ang = -2 * M_PI * (double)k * (double)j / (double)p.nfft;
				yr += x[s * p.step + j] * cos(ang);
				yi += x[s * p.step + j] * sin(ang);
			}
			sum += yr * yr + yi * yi;
		}
		double want = 2 * sum / (fs * (double)p.nperseg * (double)p.nseg);
		if (fabs(psd[k] - want) > 1e-9 * fmax(want, 1e-6))
			fail_msg("bin %zu: %.12g, a direct DFT gives %.12g", k, psd[k], want);
	}
	free(x);
	free(psd);
	free(w);
}

static void plan_follows_the_setup(void **state)
{
	(void)state;
	psd_cfg c;
	psd_cfg_default(&c);
	assert_double_equal(c.segment_s, 10, 0);
	assert_double_equal(c.overlap, 0.5, 0);
	assert_int_equal(c.window, PSD_HANN);
	assert_int_equal(c.detrend, PSD_DETREND_LINEAR);
	assert_double_equal(c.band_lo_hz, 0.15, 0);
	assert_double_equal(c.band_hi_hz, 5, 0);
	psd_plan p;
	/* 30 s at 100 Hz: 1000-sample segments every 500: 5 whole segments;
	 * zero-padded to 16384 (Δf = 0.0061 Hz ≤ 0.01). */
	assert_int_equal(psd_plan_make(&c, 3001, 100, &p), POISE_OK);
	assert_int_equal(p.nperseg, 1000);
	assert_int_equal(p.step, 500);
	assert_int_equal(p.nseg, 5);
	assert_int_equal(p.nfft, 16384);
	assert_int_equal(p.nbins, 8193);
	assert_double_equal(p.df_hz, 100.0 / 16384, 1e-15);
	/* shorter than a segment: one segment of the whole record */
	assert_int_equal(psd_plan_make(&c, 801, 100, &p), POISE_OK);
	assert_int_equal(p.nperseg, 801);
	assert_int_equal(p.nseg, 1);
}

static void two_sines(void **state)
{
	(void)state;
	/* 4 mm at 0.3 Hz and 2 mm at 1.2 Hz: powers 8 and 2 mm². The Hann
	 * window spreads each line over ±2/10 s = ±0.2 Hz (spectral variance
	 * 1/(3·T_seg²)), which lifts the centroid by under 1 %. */
	const double f[2] = {0.3, 1.2}, a[2] = {4, 2}, fs = 100;
	const size_t n = 6001;
	double *x = sines(n, fs, f, a, 2);
	psd_cfg c;
	psd_cfg_default(&c);
	psd_measures m;
	spectrum(x, n, fs, &c, &m, NULL);
	double p1 = a[0] * a[0] / 2, p2 = a[1] * a[1] / 2, p = p1 + p2;
	double m1 = (p1 * f[0] + p2 * f[1]) / p, m2 = (p1 * f[0] * f[0] + p2 * f[1] * f[1]) / p;
	REL(m.total_power_mm2, p, 0.02);
	REL(m.centroid_hz, sqrt(m2), 0.02);
	REL(m.dispersion, sqrt(1 - m1 * m1 / m2), 0.02);
	assert_double_equal(m.mode_hz, 0.3, 0.01);
	/* 50 % of the power (62.5 % of the first line) lies just above 0.3 Hz,
	 * inside its window lobe; 95 % (75 % of the second) just above 1.2. */
	assert_true(m.f50_hz > 0.3 && m.f50_hz < 0.3 + 0.05);
	assert_true(m.f95_hz > 1.2 && m.f95_hz < 1.2 + 0.05);
	assert_double_equal(m.power_low_mm2, p1, 0.02 * p);
	assert_double_equal(m.power_mid_mm2, p2, 0.02 * p);
	assert_double_equal(m.power_high_mm2, 0, 0.001 * p);
	free(x);
}

static void power_frequencies_of_four_sines(void **state)
{
	(void)state;
	/* Powers 3, 4, 2, 1 mm² at 0.3, 0.7, 1.2, 2.0 Hz: half the power lies
	 * below the middle of the 0.7 Hz line (3 + 4/2 = 5 of 10), 95 % below
	 * the middle of the 2.0 Hz line (9 + 1/2); a symmetric window lobe
	 * keeps those points on the lines. */
	const double f[4] = {0.3, 0.7, 1.2, 2.0}, pw[4] = {3, 4, 2, 1}, fs = 100;
	double a[4];
	for (int k = 0; k < 4; k++)
		a[k] = sqrt(2 * pw[k]);
	const size_t n = 12001;
	double *x = sines(n, fs, f, a, 4);
	psd_cfg c;
	psd_cfg_default(&c);
	psd_measures m;
	spectrum(x, n, fs, &c, &m, NULL);
	REL(m.total_power_mm2, 10, 0.02);
	REL(m.f50_hz, 0.7, 0.02);
	REL(m.f95_hz, 2.0, 0.02);
	double m1 = 0, m2 = 0;
	for (int k = 0; k < 4; k++) {
		m1 += pw[k] * f[k] / 10;
		m2 += pw[k] * f[k] * f[k] / 10;
	}
	REL(m.centroid_hz, sqrt(m2), 0.02);
	REL(m.dispersion, sqrt(1 - m1 * m1 / m2), 0.02);
	assert_double_equal(m.mode_hz, 0.7, 0.01);
	/* The 2 Hz line splits half and half at the 2 Hz edge. */
	REL(m.power_low_mm2, 3, 0.02);
	REL(m.power_mid_mm2, 6.5, 0.02);
	REL(m.power_high_mm2, 0.5, 0.03);
	REL(m.quotient, 0.5 / 9.5, 0.03);
	free(x);
}

static void white_noise_is_flat(void **state)
{
	(void)state;
	/* σ = 2 mm: one-sided density 2σ²/fs = 0.08 mm²/Hz, so 0.15–5 Hz holds
	 * 0.08 · 4.85 = 0.388 mm²; a flat band has f50 at its middle (2.575 Hz),
	 * f95 at 0.15 + 0.95·4.85, centroid √((hi³ − lo³)/(3(hi − lo))). */
	const size_t n = 60001;
	const double fs = 100, sd = 2, lo = 0.15, hi = 5;
	double *x = malloc(n * sizeof *x);
	rng g;
	rng_seed(&g, 11);
	for (size_t i = 0; i < n; i++)
		x[i] = sd * rng_normal(&g);
	psd_cfg c;
	psd_cfg_default(&c);
	psd_measures m;
	spectrum(x, n, fs, &c, &m, NULL);
	REL(m.total_power_mm2, 2 * sd * sd / fs * (hi - lo), 0.03);
	REL(m.f50_hz, (lo + hi) / 2, 0.02);
	REL(m.f95_hz, lo + 0.95 * (hi - lo), 0.02);
	REL(m.centroid_hz, sqrt((hi * hi * hi - lo * lo * lo) / (3 * (hi - lo))), 0.02);
	/* Over the whole axis the density integrates to the variance. */
	c.band_lo_hz = 0;
	c.band_hi_hz = fs / 2;
	spectrum(x, n, fs, &c, &m, NULL);
	REL(m.total_power_mm2, sd * sd, 0.02);
	free(x);
}

static void windows_and_detrending_keep_the_power(void **state)
{
	(void)state;
	/* A 1 mm sine at 1 Hz on a 5 mm/s ramp: every window keeps the line's
	 * 0.5 mm²; the linear detrend also removes the ramp, whose leakage a
	 * mean-only detrend leaves in the band. */
	const size_t n = 6001;
	const double fs = 100;
	double *x = malloc(n * sizeof *x);
	for (size_t i = 0; i < n; i++)
		x[i] = sin(2 * M_PI * (double)i / fs) + 5.0 * (double)i / fs;
	psd_cfg c;
	psd_cfg_default(&c);
	psd_measures m;
	const enum psd_window w[3] = {PSD_HANN, PSD_HAMMING, PSD_RECT};
	for (int k = 0; k < 2; k++) {
		c.window = w[k];
		spectrum(x, n, fs, &c, &m, NULL);
		REL(m.total_power_mm2, 0.5, 0.02);
		REL(m.f50_hz, 1.0, 0.02);
	}
	c.window = PSD_HANN;
	c.detrend = PSD_DETREND_MEAN;
	spectrum(x, n, fs, &c, &m, NULL);
	assert_true(m.total_power_mm2 > 0.6); /* the ramp leaks in */
	/* the rectangular window on the ramp-free sine */
	for (size_t i = 0; i < n; i++)
		x[i] = sin(2 * M_PI * (double)i / fs);
	c.window = w[2];
	spectrum(x, n, fs, &c, &m, NULL);
	REL(m.total_power_mm2, 0.5, 0.02);
	free(x);
}

static void band_edges_cut_the_window_lobe(void **state)
{
	(void)state;
	/* A line on the band's upper edge keeps the half of its (symmetric)
	 * window lobe that lies inside; one within the lobe's half-width
	 * (2/T_seg = 0.2 Hz) of the lower edge loses part of it. */
	const size_t n = 12001;
	const double fs = 100;
	double *x = malloc(n * sizeof *x);
	psd_cfg c;
	psd_cfg_default(&c);
	psd_measures m;
	for (size_t i = 0; i < n; i++)
		x[i] = sin(2 * M_PI * 5.0 * (double)i / fs + 0.4);
	spectrum(x, n, fs, &c, &m, NULL);
	REL(m.total_power_mm2, 0.25, 0.03);
	for (size_t i = 0; i < n; i++)
		x[i] = sin(2 * M_PI * 0.25 * (double)i / fs + 0.4);
	spectrum(x, n, fs, &c, &m, NULL);
	assert_true(m.total_power_mm2 < 0.49 && m.total_power_mm2 > 0.45);
	free(x);
}

static void bad_input(void **state)
{
	(void)state;
	psd_cfg c;
	psd_cfg_default(&c);
	psd_plan p;
	/* 6 s: shorter than one period of 0.15 Hz */
	assert_int_equal(psd_plan_make(&c, 601, 100, &p), POISE_E_RANGE);
	assert_int_equal(psd_plan_make(&c, 5, 100, &p), POISE_E_RANGE);
	assert_int_equal(psd_plan_make(&c, 3000, 0, &p), POISE_E_INVALID);
	psd_cfg b = c;
	b.overlap = 1;
	assert_int_equal(psd_plan_make(&b, 3000, 100, &p), POISE_E_INVALID);
	b = c;
	b.band_hi_hz = 0.1;
	assert_int_equal(psd_cfg_check(&b), POISE_E_INVALID);
	b = c;
	b.segment_s = NAN;
	assert_int_equal(psd_cfg_check(&b), POISE_E_INVALID);
	b = c;
	b.window = (enum psd_window)7;
	assert_int_equal(psd_cfg_check(&b), POISE_E_INVALID);

	const size_t n = 2001;
	double *x = calloc(n, sizeof *x);
	assert_int_equal(psd_plan_make(&c, n, 100, &p), POISE_OK);
	double *psd = malloc(p.nbins * sizeof *psd), *w = malloc(p.work_len * sizeof *w);
	/* constant: no power, no frequencies */
	assert_int_equal(psd_welch(x, &p, &c, psd, w), POISE_OK);
	psd_measures m;
	assert_int_equal(psd_measures_compute(psd, p.nbins, p.df_hz, 0.15, 5, &m), POISE_OK);
	assert_double_equal(m.total_power_mm2, 0, 0);
	assert_true(isnan(m.f50_hz) && isnan(m.centroid_hz) && isnan(m.dispersion));
	/* a band above Nyquist holds no bin */
	assert_int_equal(psd_measures_compute(psd, p.nbins, p.df_hz, 60, 70, &m), POISE_E_RANGE);
	x[100] = INFINITY;
	assert_int_equal(psd_welch(x, &p, &c, psd, w), POISE_E_INVALID);
	free(x);
	free(psd);
	free(w);
}

/* A zero-padded transform skips its first stages; it must give what the
 * full transform of the same padded signal gives, at every length (the
 * stage pairing changes with the parity of the stages left). */
static void padded_fft_matches_the_full_one(void **state)
{
	(void)state;
	enum { NMAX = 4096 };
	static double re[NMAX], im[NMAX], re2[NMAX], im2[NMAX], tw[2 * NMAX];
	rng g;
	rng_seed(&g, 11);
	for (size_t n = 2; n <= NMAX; n *= 2) {
		fft_twiddles(tw, n);
		for (size_t m = 1; m <= n; m = m * 3 + 1) {
			for (size_t i = 0; i < n; i++) {
				re[i] = re2[i] = i < m ? rng_normal(&g) : 0;
				im[i] = im2[i] = i < m ? rng_normal(&g) : 0;
			}
			for (size_t i = fft_next_pow2(m); i < n; i++)
				re2[i] = im2[i] = 1e300; /* not read: only written */
			fft_run(re, im, n, tw, false);
			fft_run_padded(re2, im2, n, m, tw, false);
			for (size_t k = 0; k < n; k++) {
				assert_double_equal(re2[k], re[k], 1e-9);
				assert_double_equal(im2[k], im[k], 1e-9);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fft_matches_the_direct_sum),
		cmocka_unit_test(padded_fft_matches_the_full_one),
		cmocka_unit_test(plan_follows_the_setup),
		cmocka_unit_test(short_segments_on_a_fine_grid_match_a_direct_dft),
		cmocka_unit_test(two_sines),
		cmocka_unit_test(power_frequencies_of_four_sines),
		cmocka_unit_test(white_noise_is_flat),
		cmocka_unit_test(windows_and_detrending_keep_the_power),
		cmocka_unit_test(band_edges_cut_the_window_lobe),
		cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
