/* Poise: power spectral density of a sway signal and its spectral measures.
 *
 * Welch's method (Welch 1967, IEEE Trans Audio Electroacoust 15:70–73): the
 * signal is cut into segments that overlap, each segment is detrended and
 * multiplied by a window, its periodogram taken, and the periodograms are
 * averaged. Defaults follow the code published with Quijoux et al. 2021
 * (Physiol Rep 9:e15067; github.com/Jythen/code_descriptors_postural_control,
 * stabilogram/stato.py): 10 s segments, 50 % overlap, a (periodic) Hann
 * window, a least-squares line removed from each segment, the segments
 * zero-padded to a fine frequency grid. Quijoux et al. pad to the record
 * length (a 0.017–0.033 Hz grid for 30–60 s); here the grid is a power of
 * two at least as fine as resolution_hz (default 0.01 Hz: 16384 points at
 * 100 Hz), which gives the same spectrum sampled more finely. The density
 * is one-sided in mm²/Hz: Σ PSD·Δf over all bins is the variance of the
 * windowed segments divided by the window's mean square (Parseval), so a
 * sine of amplitude A has power A²/2.
 *
 * The measures are those of Prieto et al. 1996 (IEEE Trans Biomed Eng
 * 43:956–966) as computed by Quijoux et al. 2021, over the band 0.15–5 Hz
 * both use. Unlike the published Python, power here is the integral
 * Σ PSD·Δf (mm²), not the bare sum of PSD bins, so it does not depend on
 * the frequency grid.
 */
#ifndef POISE_CORE_PSD_H
#define POISE_CORE_PSD_H

#include <stddef.h>

enum psd_window {
	PSD_HANN,    /* 0.5 − 0.5·cos(2πk/M), periodic (scipy's default) */
	PSD_HAMMING, /* 0.54 − 0.46·cos(2πk/M), periodic */
	PSD_RECT,    /* no taper */
};

enum psd_detrend {
	PSD_DETREND_NONE,
	PSD_DETREND_MEAN,   /* each segment's mean removed */
	PSD_DETREND_LINEAR, /* each segment's least-squares line removed */
};

typedef struct psd_cfg {
	double segment_s;      /* Welch segment length (default 10 s); a record
	                        * shorter than that is one segment */
	double overlap;        /* fraction of a segment shared with the next,
	                        * 0 ≤ overlap < 1 (default 0.5) */
	enum psd_window window;   /* default PSD_HANN */
	enum psd_detrend detrend; /* default PSD_DETREND_LINEAR */
	double resolution_hz;  /* zero-padding: the grid Δf is at most this
	                        * (default 0.01 Hz) */
	double band_lo_hz;     /* the band of every measure (default 0.15 Hz) */
	double band_hi_hz;     /* (default 5 Hz) */
} psd_cfg;

/* The defaults above (Quijoux et al. 2021; band of Prieto et al. 1996). */
void psd_cfg_default(psd_cfg *cfg);

/* Checks cfg: POISE_E_INVALID for a segment or resolution that is not
 * positive, an overlap outside [0, 1), an unknown window or detrend, or a
 * band that is not 0 ≤ lo < hi. */
int psd_cfg_check(const psd_cfg *cfg);

/* The sizes of one Welch estimate of n samples at fs_hz. */
typedef struct psd_plan {
	size_t n;        /* samples of the signal */
	size_t nperseg;  /* samples per segment: round(segment_s·fs), at most n */
	size_t step;     /* nperseg − overlap samples */
	size_t nseg;     /* segments averaged: those that fit whole */
	size_t nfft;     /* transform length: a power of two ≥ nperseg */
	size_t nbins;    /* one-sided bins: nfft/2 + 1, bin k at k·df_hz */
	double fs_hz;
	double df_hz;    /* fs/nfft */
	size_t work_len; /* doubles of work memory psd_welch() needs */
} psd_plan;

/* Plans a Welch estimate. Returns POISE_E_INVALID for a bad cfg or a rate
 * that is not positive, POISE_E_RANGE when n < 8 or when a segment is
 * shorter than one period of the band's lower edge (1/band_lo_hz), which
 * the measures would not resolve. */
int psd_plan_make(const psd_cfg *cfg, size_t n, double fs_hz, psd_plan *out);

/* Welch PSD of x[0..plan->n) (mm → mm²/Hz) into psd[0..plan->nbins), using
 * work[0..plan->work_len) as scratch; the caller owns both buffers. x is
 * not changed. Returns POISE_E_INVALID for a non-finite sample (psd is
 * then undefined). */
int psd_welch(const double *x, const psd_plan *plan, const psd_cfg *cfg, double *psd,
              double *work);

/* The spectral measures of one signal over the band [lo, hi] (bins whose
 * centre lies in it). */
typedef struct psd_measures {
	double total_power_mm2;   /* POWER: m0 = Σ PSD·Δf */
	double f50_hz;            /* 50 % power frequency (median frequency) */
	double f95_hz;            /* 95 % power frequency */
	double centroid_hz;       /* CFREQ = √(m2/m0), Prieto's centroidal frequency */
	double dispersion;        /* FREQD = √(1 − m1²/(m0·m2)): 0 for a pure tone */
	double mode_hz;           /* frequency of the largest bin */
	double power_low_mm2;     /* band power lo–0.5 Hz (Quijoux et al. 2021) */
	double power_mid_mm2;     /* 0.5–2 Hz */
	double power_high_mm2;    /* 2 Hz–hi */
	double quotient;          /* power_high / (power_low + power_mid) */
} psd_measures;

/* Computes the measures of psd[0..nbins) (bin k at k·df_hz) over
 * [lo_hz, hi_hz], m_j = Σ f^j·PSD·Δf. The power frequencies read the
 * cumulative power with each bin's power spread evenly over its width, so
 * they fall between grid points. With no power in the band (a constant
 * signal) the powers are 0 and the frequencies NaN. Returns
 * POISE_E_RANGE when no bin lies in the band. */
int psd_measures_compute(const double *psd, size_t nbins, double df_hz, double lo_hz,
                         double hi_hz, psd_measures *out);

#endif
