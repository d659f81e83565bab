/* Stabilogram-diffusion analysis against processes with known diffusion:
 * a random walk (<Δx²> = σ²·fs·Δt: D = σ²·fs/2, H = 0.5), white noise (a
 * flat plot: D = 0, H = 0) and a plot made of two straight lines (the fit
 * must find them and their crossing exactly). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/rng.h"
#include "core/sda.h"

#define REL(a, b, tol) assert_double_equal((a), (b), fabs((double)(b)) * (tol))

static void msd_matches_the_direct_sum(void **state)
{
	(void)state;
	const size_t n = 777, kmax = 250;
	double *x = malloc(n * sizeof *x), *msd = malloc(kmax * sizeof *msd);
	double *work = malloc(sda_work_len(n, kmax) * sizeof *work);
	rng g;
	rng_seed(&g, 5);
	double walk = 100; /* far from zero: the mean is taken out inside */
	for (size_t i = 0; i < n; i++)
		x[i] = walk += rng_normal(&g);
	assert_int_equal(sda_msd(x, n, kmax, msd, work), POISE_OK);
	for (size_t k = 1; k <= kmax; k++) {
		double s = 0;
		for (size_t i = 0; i + k < n; i++)
			s += (x[i + k] - x[i]) * (x[i + k] - x[i]);
		REL(msd[k - 1], s / (double)(n - k), 1e-9);
	}
	free(x), free(msd), free(work);
}

/* The mean diffusion plot of `reps` independent records of n samples made
 * by gen (a random walk or white noise with step/sample SD sd). */
static double *mean_plot(size_t n, size_t kmax, int reps, double sd, int walk, uint64_t seed)
{
	double *x = malloc(n * sizeof *x), *msd = malloc(kmax * sizeof *msd);
	double *sum = calloc(kmax, sizeof *sum), *work = malloc(sda_work_len(n, kmax) * sizeof *work);
	rng g;
	rng_seed(&g, seed);
	for (int r = 0; r < reps; r++) {
		double p = 0;
		for (size_t i = 0; i < n; i++)
			x[i] = walk ? (p += sd * rng_normal(&g)) : sd * rng_normal(&g);
		assert_int_equal(sda_msd(x, n, kmax, msd, work), POISE_OK);
		for (size_t k = 0; k < kmax; k++)
			sum[k] += msd[k] / reps;
	}
	free(x), free(msd), free(work);
	return sum;
}

static void random_walk(void **state)
{
	(void)state;
	/* Steps of σ = 0.5 mm at 100 Hz: D = σ²·fs/2 = 12.5 mm²/s in both
	 * regions, H = 0.5; the plot averaged over 20 records of 600 s, to 10
	 * s. (One 60 s record gives D_l only to about ±30 %: the long lags
	 * of a random walk are few and correlated.) */
	const double fs = 100, sd = 0.5;
	const size_t n = 60000;
	sda_cfg cfg;
	sda_cfg_default(&cfg);
	size_t kmax = sda_max_lag(&cfg, n, fs);
	assert_int_equal(kmax, 1000);
	double *msd = mean_plot(n, kmax, 20, sd, 1, 21);
	sda_fit f;
	assert_int_equal(sda_fit_plot(msd, kmax, 1 / fs, &cfg, &f), POISE_OK);
	double d = sd * sd * fs / 2;
	REL(f.ds_mm2_s, d, 0.03);
	REL(f.dl_mm2_s, d, 0.10);
	assert_double_equal(f.hs, 0.5, 0.02);
	assert_double_equal(f.hl, 0.5, 0.05);
	free(msd);
}

static void white_noise(void **state)
{
	(void)state;
	/* <Δx²> = 2σ² at every lag: nothing diffuses, H = 0. */
	const double fs = 100, sd = 2;
	const size_t n = 6000;
	sda_cfg cfg;
	sda_cfg_default(&cfg);
	size_t kmax = sda_max_lag(&cfg, n, fs);
	double *msd = mean_plot(n, kmax, 5, sd, 0, 8);
	REL(msd[0], 2 * sd * sd, 0.02);
	REL(msd[kmax - 1], 2 * sd * sd, 0.02);
	sda_fit f;
	assert_int_equal(sda_fit_plot(msd, kmax, 1 / fs, &cfg, &f), POISE_OK);
	assert_double_equal(f.ds_mm2_s, 0, 0.02 * sd * sd);
	assert_double_equal(f.dl_mm2_s, 0, 0.02 * sd * sd);
	assert_double_equal(f.hs, 0, 0.02);
	assert_double_equal(f.hl, 0, 0.02);
	free(msd);
}

static void two_lines_and_their_crossing(void **state)
{
	(void)state;
	/* <Δx²> = 2·Ds·Δt up to 0.8 s, then 2·Dl per second more: the break is
	 * at 0.8 s, the lines cross there at 2·Ds·0.8 mm². */
	const double fs = 100, ds = 15, dl = 2, tc = 0.8;
	const size_t kmax = 1000;
	double *msd = malloc(kmax * sizeof *msd);
	for (size_t k = 1; k <= kmax; k++) {
		double t = (double)k / fs;
		msd[k - 1] = t <= tc ? 2 * ds * t : 2 * ds * tc + 2 * dl * (t - tc);
	}
	sda_cfg cfg;
	sda_cfg_default(&cfg);
	sda_fit f;
	assert_int_equal(sda_fit_plot(msd, kmax, 1 / fs, &cfg, &f), POISE_OK);
	assert_double_equal(f.break_s, tc, 1e-9);
	REL(f.ds_mm2_s, ds, 1e-9);
	REL(f.dl_mm2_s, dl, 1e-9);
	REL(f.tc_s, tc, 1e-9);
	REL(f.xc_mm2, 2 * ds * tc, 1e-9);
	assert_double_equal(f.hs, 0.5, 1e-9); /* a line through the origin */
	free(msd);
}

static void power_laws(void **state)
{
	(void)state;
	/* <Δx²> = c·Δt^(2·0.8) to 1 s, then continuing as Δt^(2·0.2). The
	 * break of the linear–linear fit lands a little past the bend of a
	 * convex plot, so the short-term exponent comes out slightly low. */
	const double fs = 100, hs = 0.8, hl = 0.2, c = 20;
	const size_t kmax = 1000;
	double *msd = malloc(kmax * sizeof *msd);
	for (size_t k = 1; k <= kmax; k++) {
		double t = (double)k / fs;
		msd[k - 1] = t <= 1 ? c * pow(t, 2 * hs) : c * pow(t, 2 * hl);
	}
	sda_cfg cfg;
	sda_cfg_default(&cfg);
	sda_fit f;
	assert_int_equal(sda_fit_plot(msd, kmax, 1 / fs, &cfg, &f), POISE_OK);
	assert_double_equal(f.hs, hs, 0.05);
	assert_double_equal(f.hl, hl, 0.05);
	assert_true(f.tc_s > 0.5 && f.tc_s < 1.5);
	free(msd);
}

static void too_short_or_broken(void **state)
{
	(void)state;
	sda_cfg cfg;
	sda_cfg_default(&cfg);
	/* 12 s: the plot reaches 4 s, short of twice the 2.5 s break range */
	assert_int_equal(sda_max_lag(&cfg, 1200, 100), 399);
	double msd[400];
	for (int k = 0; k < 400; k++)
		msd[k] = k;
	sda_fit f;
	assert_int_equal(sda_fit_plot(msd, 399, 0.01, &cfg, &f), POISE_E_RANGE);
	msd[10] = NAN;
	assert_int_equal(sda_fit_plot(msd, 400, 0.02, &cfg, &f), POISE_E_INVALID);
	sda_cfg bad = cfg;
	bad.break_min_s = 3;
	assert_int_equal(sda_fit_plot(msd, 400, 0.02, &bad, &f), POISE_E_INVALID);

	double x[16] = {0}, w[256];
	assert_int_equal(sda_msd(x, 16, 16, msd, w), POISE_E_RANGE);
	assert_int_equal(sda_msd(x, 16, 0, msd, w), POISE_E_RANGE);
	x[3] = NAN;
	assert_int_equal(sda_msd(x, 16, 4, msd, w), POISE_E_INVALID);
	/* constant: a zero plot, no exponents */
	double zero[1000] = {0};
	assert_int_equal(sda_fit_plot(zero, 1000, 0.01, &cfg, &f), POISE_OK);
	assert_double_equal(f.ds_mm2_s, 0, 0);
	assert_true(isnan(f.hs) && isnan(f.tc_s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msd_matches_the_direct_sum),
		cmocka_unit_test(random_walk),
		cmocka_unit_test(white_noise),
		cmocka_unit_test(two_lines_and_their_crossing),
		cmocka_unit_test(power_laws),
		cmocka_unit_test(too_short_or_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
