#include "core/psd.h"

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/fft.h"

/* Band edges of the energy-content measures of Quijoux et al. 2021. */
#define SPLIT_LOW_MID_HZ 0.5
#define SPLIT_MID_HIGH_HZ 2.0

void psd_cfg_default(psd_cfg *cfg)
{
	*cfg = (psd_cfg){
		.segment_s = 10,
		.overlap = 0.5,
		.window = PSD_HANN,
		.detrend = PSD_DETREND_LINEAR,
		.resolution_hz = 0.01,
		.band_lo_hz = 0.15,
		.band_hi_hz = 5,
	};
}

int psd_cfg_check(const psd_cfg *c)
{
	if (!c || !(c->segment_s > 0) || !(c->overlap >= 0 && c->overlap < 1) ||
	    !(c->resolution_hz > 0) || !(c->band_lo_hz >= 0) || !(c->band_hi_hz > c->band_lo_hz) ||
	    !isfinite(c->segment_s) || !isfinite(c->band_hi_hz))
		return POISE_E_INVALID;
	if (c->window != PSD_HANN && c->window != PSD_HAMMING && c->window != PSD_RECT)
		return POISE_E_INVALID;
	if (c->detrend != PSD_DETREND_NONE && c->detrend != PSD_DETREND_MEAN &&
	    c->detrend != PSD_DETREND_LINEAR)
		return POISE_E_INVALID;
	return POISE_OK;
}

int psd_plan_make(const psd_cfg *cfg, size_t n, double fs_hz, psd_plan *out)
{
	int rc = psd_cfg_check(cfg);
	if (rc)
		return rc;
	if (!(fs_hz > 0) || !isfinite(fs_hz))
		return POISE_E_INVALID;
	if (n < 8)
		return POISE_E_RANGE;
	double seg = round(cfg->segment_s * fs_hz);
	size_t nperseg = seg >= (double)n ? n : (size_t)seg;
	if (nperseg < 8 || (double)nperseg / fs_hz < (cfg->band_lo_hz > 0 ? 1.0 / cfg->band_lo_hz : 0))
		return POISE_E_RANGE;
	size_t noverlap = (size_t)floor(cfg->overlap * (double)nperseg);
	if (noverlap >= nperseg)
		noverlap = nperseg - 1;
	double want = ceil(fs_hz / cfg->resolution_hz);
	if (want > 1 << 24) /* a grid finer than that buys nothing */
		want = 1 << 24;
	size_t nfft = fft_next_pow2(nperseg > (size_t)want ? nperseg : (size_t)want);
	if (!nfft)
		return POISE_E_RANGE;
	psd_plan p = {
		.n = n,
		.nperseg = nperseg,
		.step = nperseg - noverlap,
		.nfft = nfft,
		.nbins = nfft / 2 + 1,
		.fs_hz = fs_hz,
		.df_hz = fs_hz / (double)nfft,
		.work_len = 2 * nfft + fft_twiddles_len(nfft) + nperseg,
	};
	p.nseg = (n - nperseg) / p.step + 1;
	*out = p;
	return POISE_OK;
}

static void make_window(double *w, size_t m, enum psd_window kind)
{
	for (size_t k = 0; k < m; k++) {
		double c = cos(2.0 * M_PI * (double)k / (double)m);
		w[k] = kind == PSD_HANN ? 0.5 - 0.5 * c : kind == PSD_HAMMING ? 0.54 - 0.46 * c : 1.0;
	}
}

/* Copies seg[0..m) into out with the trend removed. */
static void detrend(const double *seg, size_t m, enum psd_detrend kind, double *out)
{
	double mean = 0, slope = 0, kc = 0.5 * (double)(m - 1);
	if (kind != PSD_DETREND_NONE) {
		for (size_t k = 0; k < m; k++)
			mean += seg[k];
		mean /= (double)m;
	}
	if (kind == PSD_DETREND_LINEAR) {
		double sxy = 0, sxx = 0;
		for (size_t k = 0; k < m; k++) {
			double d = (double)k - kc;
			sxy += d * (seg[k] - mean);
			sxx += d * d;
		}
		slope = sxx > 0 ? sxy / sxx : 0;
	}
	for (size_t k = 0; k < m; k++)
		out[k] = seg[k] - mean - slope * ((double)k - kc);
}

/* Σ over the segments of |Y_s[k]|², Y_s the nfft-point transform of the
 * windowed segment y_s (m points, zero-padded), is the transform of their
 * summed autocorrelation r[l] = Σ_s Σ_k y_s[k]·y_s[k+l], |l| < m, laid out
 * symmetrically on nfft ≥ 2m − 1 points (no wrapping). For short segments
 * padded to a fine grid that is m² work a segment and one transform, where
 * transforming every segment costs nfft·log2(nfft) per pair: a few rows
 * resampled over an hour, with 2 s segments and 90 % overlap, are 17 500
 * segments (0.5 s of transforms, a tenth of that this way). */
static bool autocorrelation_cheaper(const psd_plan *p)
{
	size_t m = p->nperseg, lg = 0;
	for (size_t q = p->nfft; q > 1; q >>= 1)
		lg++;
	return p->nfft >= 2 * m && (double)m * (double)m < 0.5 * (double)p->nfft * (double)lg;
}

/* psd[k] = Σ_s |Y_s[k]|² through the autocorrelation (above). re and im
 * hold nfft points each. */
static void welch_by_autocorrelation(const double *x, const psd_plan *p, const psd_cfg *cfg,
                                     const double *win, const double *tw, double *re, double *im,
                                     double *psd)
{
	size_t m = p->nperseg, n = p->nfft;
	double *y = re, *r = im; /* m points each while summing */
	memset(r, 0, m * sizeof *r);
	for (size_t s = 0; s < p->nseg; s++) {
		detrend(x + s * p->step, m, cfg->detrend, y);
		for (size_t k = 0; k < m; k++)
			y[k] *= win[k];
		for (size_t l = 0; l < m; l++) {
			double acc = 0;
			for (size_t k = 0; k + l < m; k++)
				acc += y[k] * y[k + l];
			r[l] += acc;
		}
	}
	memcpy(re, r, m * sizeof *re);
	memset(re + m, 0, (n - m) * sizeof *re);
	for (size_t l = 1; l < m; l++)
		re[n - l] = re[l];
	memset(im, 0, n * sizeof *im);
	fft_run(re, im, n, tw, false);
	for (size_t k = 0; k < p->nbins; k++)
		psd[k] = re[k]; /* real: the sequence is symmetric */
}

/* psd[k] = Σ_s |Y_s[k]|², every segment transformed. re and im hold nfft
 * points each. */
static void welch_by_transforms(const double *x, const psd_plan *p, const psd_cfg *cfg,
                                const double *win, const double *tw, double *re, double *im,
                                double *psd)
{
	/* Two segments at a time in one transform, a in the real part and b in
	 * the imaginary: A[k] = (Z[k] + Z*[N−k])/2, B[k] = (Z[k] − Z*[N−k])/2i,
	 * so |A|² + |B|² = (|Z[k]|² + |Z[N−k]|²)/2. */
	for (size_t s = 0; s < p->nseg; s += 2) {
		detrend(x + s * p->step, p->nperseg, cfg->detrend, re);
		for (size_t k = 0; k < p->nperseg; k++)
			re[k] *= win[k];
		if (s + 1 < p->nseg) {
			detrend(x + (s + 1) * p->step, p->nperseg, cfg->detrend, im);
			for (size_t k = 0; k < p->nperseg; k++)
				im[k] *= win[k];
		} else {
			memset(im, 0, p->nperseg * sizeof *im);
		}
		/* fft_run_padded() reads the first pad points only (the power of
		 * two ≥ nperseg) and writes all nfft. */
		size_t pad = fft_next_pow2(p->nperseg);
		memset(re + p->nperseg, 0, (pad - p->nperseg) * sizeof *re);
		memset(im + p->nperseg, 0, (pad - p->nperseg) * sizeof *im);
		fft_run_padded(re, im, p->nfft, p->nperseg, tw, false);
		for (size_t k = 0; k < p->nbins; k++) {
			size_t j = k ? p->nfft - k : 0;
			psd[k] += 0.5 * (re[k] * re[k] + im[k] * im[k] + re[j] * re[j] + im[j] * im[j]);
		}
	}
}

int psd_welch(const double *x, const psd_plan *p, const psd_cfg *cfg, double *psd, double *work)
{
	for (size_t i = 0; i < p->n; i++)
		if (!isfinite(x[i]))
			return POISE_E_INVALID;
	double *re = work, *im = re + p->nfft, *tw = im + p->nfft, *win = tw + fft_twiddles_len(p->nfft);
	make_window(win, p->nperseg, cfg->window);
	fft_twiddles(tw, p->nfft);
	double w2 = 0;
	for (size_t k = 0; k < p->nperseg; k++)
		w2 += win[k] * win[k];
	memset(psd, 0, p->nbins * sizeof *psd);
	if (autocorrelation_cheaper(p))
		welch_by_autocorrelation(x, p, cfg, win, tw, re, im, psd);
	else
		welch_by_transforms(x, p, cfg, win, tw, re, im, psd);
	/* Density: |X|²/(fs·Σw²), averaged; one-sided, so every bin but DC
	 * and Nyquist carries its negative-frequency twin too. */
	double scale = 1.0 / (p->fs_hz * w2 * (double)p->nseg);
	for (size_t k = 0; k < p->nbins; k++)
		psd[k] *= (k == 0 || k == p->nfft / 2) ? scale : 2.0 * scale;
	return POISE_OK;
}

/* The frequency below which a fraction q of the band's power lies, each
 * bin's power spread evenly over [f − Δf/2, f + Δf/2]. */
static double power_quantile(const double *psd, size_t k0, size_t k1, double df, double total,
                             double q)
{
	double target = q * total, cum = 0;
	for (size_t k = k0; k <= k1; k++) {
		double pk = psd[k] * df;
		if (pk > 0 && cum + pk >= target)
			return ((double)k - 0.5) * df + df * (target - cum) / pk;
		cum += pk;
	}
	return (double)k1 * df;
}

int psd_measures_compute(const double *psd, size_t nbins, double df, double lo, double hi,
                         psd_measures *out)
{
	if (!(df > 0) || nbins < 1 || !(hi > lo))
		return POISE_E_INVALID;
	size_t k0 = (size_t)ceil(lo / df - 1e-9);
	double khi = floor(hi / df + 1e-9);
	size_t k1 = khi >= (double)(nbins - 1) ? nbins - 1 : (size_t)khi;
	if (k0 > k1)
		return POISE_E_RANGE;
	double m0 = 0, m1 = 0, m2 = 0, low = 0, mid = 0, high = 0, best = -1;
	size_t kmode = k0;
	for (size_t k = k0; k <= k1; k++) {
		double f = (double)k * df, p = psd[k] * df;
		m0 += p;
		m1 += f * p;
		m2 += f * f * p;
		if (f <= SPLIT_LOW_MID_HZ)
			low += p;
		else if (f <= SPLIT_MID_HIGH_HZ)
			mid += p;
		else
			high += p;
		if (psd[k] > best) {
			best = psd[k];
			kmode = k;
		}
	}
	psd_measures m = {
		.total_power_mm2 = m0,
		.power_low_mm2 = low,
		.power_mid_mm2 = mid,
		.power_high_mm2 = high,
		.f50_hz = NAN,
		.f95_hz = NAN,
		.centroid_hz = NAN,
		.dispersion = NAN,
		.mode_hz = NAN,
		.quotient = NAN,
	};
	if (m0 > 0) {
		double f50 = power_quantile(psd, k0, k1, df, m0, 0.5);
		double f95 = power_quantile(psd, k0, k1, df, m0, 0.95);
		m.f50_hz = fmin(fmax(f50, lo), hi);
		m.f95_hz = fmin(fmax(f95, lo), hi);
		m.centroid_hz = sqrt(m2 / m0);
		if (m2 > 0) {
			double r = 1.0 - m1 * m1 / (m0 * m2);
			m.dispersion = sqrt(r > 0 ? r : 0);
		}
		m.mode_hz = (double)kmode * df;
		if (low + mid > 0)
			m.quotient = high / (low + mid);
	}
	*out = m;
	return POISE_OK;
}
