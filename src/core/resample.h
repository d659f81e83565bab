/* Poise: resampling irregular timestamps onto a fixed clock.
 *
 * Plates deliver samples when they like (a Wii Balance Board jitters
 * between 30 and 100 Hz; USB frames arrive in bursts). Everything after the
 * resampler runs at one fixed rate, so filters and metrics see a regular
 * signal. Streaming and allocation-free: the caller owns the state and the
 * output buffer. Outputs lag the input by one input interval.
 *
 * Method: linear interpolation between the two input samples around each
 * output instant. (A sliding-window average for strongly irregular input is
 * planned with the Wii Balance Board backend; see DESIGN.md.)
 */
#ifndef POISE_CORE_RESAMPLE_H
#define POISE_CORE_RESAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

#define RS_MAX_CH 8

typedef struct rs_cfg {
	double rate_hz;   /* output rate */
	unsigned n_ch;    /* channels per sample, 1..RS_MAX_CH */
	double max_gap_s; /* a longer input gap is not bridged: the output clock
	                   * restarts at the next input sample (flagged) */
} rs_cfg;

typedef struct rs_out {
	mono_us t_us;
	double v[RS_MAX_CH];
	bool gap; /* first output after a gap (or the very first output) */
} rs_out;

typedef struct rs_state {
	rs_cfg cfg;
	double period_us;
	bool have_prev;
	mono_us t_prev;
	double v_prev[RS_MAX_CH];
	mono_us t0;       /* output clock origin */
	uint64_t k;       /* index of the next output instant t0 + k·period */
	uint64_t n_dropped; /* inputs ignored for a non-increasing time */
} rs_state;

/* Prepares a resampler. POISE_E_INVALID for a rate ≤ 0, no channels, or a
 * gap limit shorter than one output period. */
int rs_init(rs_state *s, const rs_cfg *cfg);

/* The most outputs one rs_push() can produce: size the output buffer so. */
size_t rs_max_out(const rs_cfg *cfg);

/* Feeds one input sample (n_ch values) taken at t_us. Writes the output
 * samples whose instants fall in (previous input, t_us] to out[] (at most
 * rs_max_out()) and returns how many. An input whose time is not after the
 * previous one is counted in n_dropped and ignored. */
size_t rs_push(rs_state *s, mono_us t_us, const double *v, rs_out *out);

/* Offline convenience for analysis: resamples (t_s[i], x[i], y[i]) onto
 * t_s[0] + k/rate_hz for every instant up to the last input, into arrays it
 * allocates (*t_out, *x_out, *y_out; the caller frees them with free()).
 * POISE_E_RANGE for fewer than 2 samples, POISE_E_NOMEM. */
int rs_resample_xy(const double *t_s, const double *x, const double *y, size_t n,
                   double rate_hz, double **t_out, double **x_out, double **y_out,
                   size_t *n_out);

#endif
