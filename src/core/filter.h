/* Poise: Butterworth low-pass filters.
 *
 * Biquad sections designed by the bilinear transform with the cutoff
 * pre-warped, so the −3 dB point of the causal filter lands exactly on the
 * requested cutoff and the DC gain is exactly 1. A filter of even order N is
 * a cascade of N/2 sections with Q_k = 1/(2·cos(π(2k+1)/(2N))).
 *
 * Real time: flt_butter_step(), causal, one sample at a time, no
 * allocation. Offline: flt_filtfilt(), the same filter run forward and then
 * backward: zero phase, squared magnitude (−6 dB at the cutoff).
 */
#ifndef POISE_CORE_FILTER_H
#define POISE_CORE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* y = b0·x + b1·x[-1] + b2·x[-2] − a1·y[-1] − a2·y[-2] (a0 normalised to 1) */
typedef struct flt_biquad {
	double b0, b1, b2, a1, a2;
} flt_biquad;

/* Transposed direct form II state of one section. */
typedef struct flt_bq_state {
	double z1, z2;
} flt_bq_state;

#define FLT_MAX_SECTIONS 4 /* up to 8th order */

typedef struct flt_butter {
	int n_sections;
	double fc_hz, fs_hz; /* as designed */
	bool primed; /* false until the first sample sets the steady state */
	flt_biquad c[FLT_MAX_SECTIONS];
	flt_bq_state s[FLT_MAX_SECTIONS];
} flt_butter;

/* Designs one low-pass section with quality factor q at cutoff fc_hz for
 * sample rate fs_hz. Returns POISE_E_INVALID unless 0 < fc < fs/2. */
int flt_biquad_lowpass(flt_biquad *c, double fc_hz, double fs_hz, double q);

/* |H(f)| of one section at frequency f_hz. */
double flt_biquad_gain(const flt_biquad *c, double f_hz, double fs_hz);

/* Designs an even-order (2, 4, 6, 8) Butterworth low-pass into f and resets
 * its state. Returns POISE_E_INVALID for an odd or too high order or a
 * cutoff outside (0, fs/2). */
int flt_butter_design(flt_butter *f, int order, double fc_hz, double fs_hz);

/* Magnitude response of the whole cascade at f_hz. */
double flt_butter_gain(const flt_butter *f, double f_hz);

/* Forgets the past: the next sample primes the filter. */
void flt_butter_reset(flt_butter *f);

/* Sets every section to the steady state of a constant input x0, so a
 * filter started on a signal sitting at x0 shows no start-up transient. */
void flt_butter_prime(flt_butter *f, double x0);

/* Filters one sample (causal). The first sample after a reset primes the
 * state, so the output starts at the input rather than at zero. */
double flt_butter_step(flt_butter *f, double x);

/* Zero-phase filtering of x[0..n) in place with the design in f (its state
 * is not used or changed): the signal is extended at both ends by odd
 * reflection, filtered forward and backward from a steady state, and the
 * extension dropped. Needs n ≥ 2. Allocates only the two extensions
 * (about 3·fs/fc samples each), never a copy of x; returns POISE_E_NOMEM
 * or POISE_E_INVALID on failure, x untouched. */
int flt_filtfilt(const flt_butter *f, double *x, size_t n);

/* flt_filtfilt() of two signals of the same length at once (a COP's x and
 * y): the same numbers as two calls, in about the time of one. */
int flt_filtfilt2(const flt_butter *f, double *x, double *y, size_t n);

/* One Euro filter (Casiez, Roussel & Vogel 2012, CHI '12) for a 2-D
 * cursor: a first-order low-pass whose cutoff rises with the cursor's
 * speed, so slow sway is smoothed and brisk weight shifts pass with little
 * lag and no overshoot. Both axes share the cutoff, taken from the speed
 * of the 2-D point, so a diagonal move is treated like a straight one.
 *   cutoff = min_cutoff + beta·|filtered velocity|   (Hz, mm/s)
 */
typedef struct flt_oneeuro {
	double rate_hz, min_cutoff_hz, beta, d_cutoff_hz;
	bool primed;
	double x, y;   /* last output */
	double dx, dy; /* filtered velocity */
} flt_oneeuro;

/* Sets up the filter for samples at rate_hz. beta is in Hz per mm/s.
 * POISE_E_INVALID for non-positive rate or cutoffs, or beta < 0. */
int flt_oneeuro_init(flt_oneeuro *f, double rate_hz, double min_cutoff_hz, double beta,
                     double d_cutoff_hz);

/* Forgets the past: the next point primes the filter. */
void flt_oneeuro_reset(flt_oneeuro *f);

/* Filters one point in place. */
void flt_oneeuro_step(flt_oneeuro *f, double *x, double *y);

#endif
