#include "core/sda.h"

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/fft.h"

void sda_cfg_default(sda_cfg *cfg)
{
	*cfg = (sda_cfg){.max_lag_s = 10, .break_min_s = 0.3, .break_max_s = 2.5};
}

size_t sda_max_lag(const sda_cfg *cfg, size_t n, double fs_hz)
{
	if (n < 4 || !(fs_hz > 0) || !(cfg->max_lag_s > 0))
		return 0;
	double k = floor(cfg->max_lag_s * fs_hz + 1e-9);
	size_t third = (n - 1) / 3;
	return k < (double)third ? (size_t)k : third;
}

size_t sda_work_len(size_t n, size_t kmax)
{
	size_t nfft = fft_next_pow2(n + kmax);
	return nfft ? 2 * nfft + fft_twiddles_len(nfft) + 2 * (n + 1) : 0;
}

int sda_msd(const double *x, size_t n, size_t kmax, double *msd, double *work)
{
	if (kmax < 1 || kmax >= n)
		return POISE_E_RANGE;
	size_t nfft = fft_next_pow2(n + kmax);
	if (!nfft)
		return POISE_E_RANGE;
	double *re = work, *im = re + nfft, *tw = im + nfft, *csq = tw + fft_twiddles_len(nfft);
	/* Work on x minus its mean: the differences are the same and the
	 * autocorrelation loses less to rounding. */
	double mean = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return POISE_E_INVALID;
		mean += x[i];
	}
	mean /= (double)n;
	/* csq[i] = Σ_{j<i} x[j]²: the squares over any run of samples. */
	csq[0] = 0;
	for (size_t i = 0; i < n; i++) {
		re[i] = x[i] - mean;
		csq[i + 1] = csq[i] + re[i] * re[i];
	}
	memset(re + n, 0, (nfft - n) * sizeof *re);
	memset(im, 0, nfft * sizeof *im);
	fft_twiddles(tw, nfft);
	fft_run(re, im, nfft, tw, false);
	for (size_t k = 0; k < nfft; k++) {
		re[k] = re[k] * re[k] + im[k] * im[k];
		im[k] = 0;
	}
	fft_run(re, im, nfft, tw, true);
	/* re[k]/nfft = Σ_i x[i]·x[i + k]; zero padding to ≥ n + kmax keeps the
	 * circular wrap away from the lags used. Then
	 * Σ (x[i+k] − x[i])² = Σ_{i≥k} x² + Σ_{i<n−k} x² − 2·Σ x[i]·x[i+k]. */
	for (size_t k = 1; k <= kmax; k++) {
		size_t m = n - k;
		double s = (csq[n] - csq[k]) + csq[m] - 2.0 * re[k] / (double)nfft;
		msd[k - 1] = s > 0 ? s / (double)m : 0;
	}
	return POISE_OK;
}

/* The mean of x[0..n), or NaN if a sample is not finite. */
static double mean_of(const double *x, size_t n)
{
	double mean = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return NAN;
		mean += x[i];
	}
	return mean / (double)n;
}

/* msd[k − 1] from the autocorrelation acf (times nfft) and the running
 * sums of squares csq, as sda_msd() does. */
static void msd_from(const double *acf, const double *csq, size_t n, size_t kmax, size_t nfft,
                     double *msd)
{
	for (size_t k = 1; k <= kmax; k++) {
		size_t m = n - k;
		double s = (csq[n] - csq[k]) + csq[m] - 2.0 * acf[k] / (double)nfft;
		msd[k - 1] = s > 0 ? s / (double)m : 0;
	}
}

int sda_msd2(const double *x, const double *y, size_t n, size_t kmax, double *msd_x, double *msd_y,
             double *work)
{
	if (kmax < 1 || kmax >= n)
		return POISE_E_RANGE;
	size_t nfft = fft_next_pow2(n + kmax);
	if (!nfft)
		return POISE_E_RANGE;
	double *re = work, *im = re + nfft, *tw = im + nfft, *cx = tw + fft_twiddles_len(nfft), *cy = cx + n + 1;
	double mx = mean_of(x, n), my = mean_of(y, n);
	if (!isfinite(mx) || !isfinite(my))
		return POISE_E_INVALID;
	/* x in the real part, y in the imaginary: one transform for both. */
	cx[0] = cy[0] = 0;
	for (size_t i = 0; i < n; i++) {
		re[i] = x[i] - mx;
		im[i] = y[i] - my;
		cx[i + 1] = cx[i] + re[i] * re[i];
		cy[i + 1] = cy[i] + im[i] * im[i];
	}
	memset(re + n, 0, (nfft - n) * sizeof *re);
	memset(im + n, 0, (nfft - n) * sizeof *im);
	fft_twiddles(tw, nfft);
	fft_run(re, im, nfft, tw, false);
	/* X[k] = (Z[k] + Z*[N−k])/2, Y[k] = (Z[k] − Z*[N−k])/2i: their power
	 * spectra, real and even, go back in one inverse transform as
	 * |X|² + i|Y|², whose real part is x's autocorrelation and imaginary
	 * part y's. */
	for (size_t k = 0; k <= nfft / 2; k++) {
		size_t j = (nfft - k) % nfft;
		double ar = re[k] + re[j], ai = im[k] - im[j], br = re[k] - re[j], bi = im[k] + im[j];
		double px = 0.25 * (ar * ar + ai * ai), py = 0.25 * (br * br + bi * bi);
		re[k] = re[j] = px;
		im[k] = im[j] = py;
	}
	fft_run(re, im, nfft, tw, true);
	msd_from(re, cx, n, kmax, nfft, msd_x);
	msd_from(im, cy, n, kmax, nfft, msd_y);
	return POISE_OK;
}

/* Least-squares line msd = a + b·Δt over lags [k0, k1] (1-based, lag k
 * at k·dt); returns the sum of squared residuals. */
static double region_fit(const double *msd, size_t k0, size_t k1, double dt, double *a,
                         double *b)
{
	double m = (double)(k1 - k0 + 1), mt = 0, my = 0;
	for (size_t k = k0; k <= k1; k++) {
		mt += (double)k * dt;
		my += msd[k - 1];
	}
	mt /= m;
	my /= m;
	double stt = 0, sty = 0;
	for (size_t k = k0; k <= k1; k++) {
		double d = (double)k * dt - mt;
		stt += d * d;
		sty += d * (msd[k - 1] - my);
	}
	*b = stt > 0 ? sty / stt : 0;
	*a = my - *b * mt;
	double sse = 0;
	for (size_t k = k0; k <= k1; k++) {
		double r = msd[k - 1] - *a - *b * (double)k * dt;
		sse += r * r;
	}
	return sse;
}

/* Half the slope of log msd against log Δt over lags [k0, k1] (1-based),
 * NaN if a point is not positive. */
static double loglog_half_slope(const double *msd, size_t k0, size_t k1, double dt)
{
	double mt = 0, my = 0, m = (double)(k1 - k0 + 1);
	for (size_t k = k0; k <= k1; k++) {
		if (!(msd[k - 1] > 0))
			return NAN;
		mt += log((double)k * dt);
		my += log(msd[k - 1]);
	}
	mt /= m;
	my /= m;
	double stt = 0, sty = 0;
	for (size_t k = k0; k <= k1; k++) {
		double lt = log((double)k * dt) - mt;
		stt += lt * lt;
		sty += lt * (log(msd[k - 1]) - my);
	}
	return stt > 0 ? 0.5 * sty / stt : NAN;
}

int sda_fit_plot(const double *msd, size_t kmax, double dt, const sda_cfg *cfg, sda_fit *out)
{
	if (!(dt > 0) || !cfg || !(cfg->break_min_s > 0) || !(cfg->break_max_s >= cfg->break_min_s))
		return POISE_E_INVALID;
	for (size_t k = 0; k < kmax; k++)
		if (!isfinite(msd[k]))
			return POISE_E_INVALID;
	/* Breaks at lags b0..b1; each region needs three points at least. */
	size_t b0 = (size_t)ceil(cfg->break_min_s / dt - 1e-9);
	size_t b1 = (size_t)floor(cfg->break_max_s / dt + 1e-9);
	if (b0 < 3)
		b0 = 3;
	if ((double)kmax * dt < 2.0 * cfg->break_max_s - 1e-9 || b1 + 3 > kmax || b0 > b1)
		return POISE_E_RANGE;
	double best = INFINITY, as = 0, bs = 0, al = 0, bl = 0;
	size_t bbest = b0;
	for (size_t b = b0; b <= b1; b++) {
		double a1, s1, a2, s2;
		double sse = region_fit(msd, 1, b, dt, &a1, &s1) + region_fit(msd, b, kmax, dt, &a2, &s2);
		if (sse < best) {
			best = sse;
			bbest = b;
			as = a1, bs = s1, al = a2, bl = s2;
		}
	}
	sda_fit f = {
		.ds_mm2_s = 0.5 * bs,
		.dl_mm2_s = 0.5 * bl,
		.hs = loglog_half_slope(msd, 1, bbest, dt),
		.hl = loglog_half_slope(msd, bbest, kmax, dt),
		.tc_s = NAN,
		.xc_mm2 = NAN,
		.break_s = (double)bbest * dt,
	};
	if (bs > bl) {
		double tc = (al - as) / (bs - bl);
		if (tc > 0 && tc <= (double)kmax * dt) {
			f.tc_s = tc;
			f.xc_mm2 = as + bs * tc;
		}
	}
	*out = f;
	return POISE_OK;
}
