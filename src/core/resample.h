/* Poise: resampling irregular timestamps onto a fixed clock.
 *
 * Plates deliver samples when they like (a Wii Balance Board jitters
 * between 30 and 100 Hz; USB frames arrive in bursts). Everything after the
 * resampler runs at one fixed rate, so filters and metrics see a regular
 * signal. Streaming and allocation-free: the caller owns the state and the
 * output buffer. Outputs lag the input by one input interval.
 *
 * Methods (rs_cfg.method):
 *   RS_LINEAR: linear interpolation between the two input samples around
 *     each output instant. Right for regular plates; outputs lag the input
 *     by one input interval.
 *   RS_WINDOW: a sliding-window average for irregular input (the Wii
 *     Balance Board), after SWARII (Audiffren & Contal 2016, Sensors
 *     16:1208): each input sample holds over its "relevance interval" (from
 *     the midpoint with the previous sample to the midpoint with the next),
 *     and each output is the time-average of that step signal over a window
 *     of window_s centred on the output instant. Unlike SWARII, the window's
 *     edges take the neighbouring samples' values rather than stretching
 *     the first and last sample inside the window, so the output is a
 *     plain box filter of the nearest-sample signal and moves smoothly as
 *     samples enter and leave. Linear interpolation makes the COP's noise,
 *     and with it path length and velocity, depend on how many samples
 *     happened to arrive; the window average does not (tests/
 *     test_resample.c measures both). Outputs lag by window_s/2 plus half
 *     an input interval. Computed with a ring of per-period integrals, so
 *     streaming stays allocation-free.
 */
#ifndef POISE_CORE_RESAMPLE_H
#define POISE_CORE_RESAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"

#define RS_MAX_CH 8
#define RS_WIN_MAX 64 /* RS_WINDOW: the longest window, in output periods */
#define RS_WINDOW_DEFAULT_S 0.05 /* 5 periods at 100 Hz: −3 dB near 9 Hz */

typedef enum rs_method {
	RS_LINEAR = 0,
	RS_WINDOW = 1,
} rs_method;

typedef struct rs_cfg {
	double rate_hz;   /* output rate */
	unsigned n_ch;    /* channels per sample, 1..RS_MAX_CH */
	double max_gap_s; /* a longer input gap is not bridged: the output clock
	                   * restarts at the next input sample (flagged) */
	rs_method method; /* RS_LINEAR (0, the default) or RS_WINDOW */
	double window_s;  /* RS_WINDOW: window length, rounded to a whole number
	                   * of output periods (1..RS_WIN_MAX); 0 = default */
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
	/* RS_WINDOW: times in µs relative to t0. Edge n (the end of period
	 * n's integral) sits at −half + (n+1)·period; output j is complete when
	 * edge j + m − 1 is. */
	unsigned m;           /* window in output periods */
	double half_us;       /* half the window */
	double u_us;          /* the step signal is integrated up to here */
	double acc[RS_MAX_CH];/* its integral since the last edge */
	double seg[RS_WIN_MAX][RS_MAX_CH]; /* the last m periods' integrals */
	unsigned seg_pos;
	uint64_t n_edge;      /* edges completed since the restart */
	bool first_out;       /* the next output is the first after a restart */
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

/* RS_WINDOW: emits the outputs still held back at the end of a stream (up
 * to the last input's time, the last value held over the missing part of
 * their windows) into out (rs_max_out() room) and returns how many.
 * RS_LINEAR: nothing is held back; returns 0. The stream can continue. */
size_t rs_flush(rs_state *s, rs_out *out);

/* The longest grid the offline resamplers make (2^31 instants, 48 GB of
 * output): a longer one is refused rather than allocated. */
#define RS_GRID_MAX (UINT64_C(1) << 31)

/* How many instants t0 + k/rate_hz, k = 0, 1, ..., fall within a span of
 * span_s seconds (the offline resamplers' output length) into *n_out.
 * POISE_E_RANGE for a negative or non-finite span, a rate that is not
 * positive, or more than RS_GRID_MAX instants; *n_out untouched then. */
int rs_grid_len(double span_s, double rate_hz, size_t *n_out);

/* Offline convenience for analysis: resamples (t_s[i], x[i], y[i]) onto
 * t_s[0] + k/rate_hz for every instant up to the last input, into arrays it
 * allocates (*t_out, *x_out, *y_out; the caller frees them with free()).
 * POISE_E_RANGE for fewer than 2 samples or a grid longer than
 * RS_GRID_MAX (rs_grid_len), POISE_E_NOMEM. */
int rs_resample_xy(const double *t_s, const double *x, const double *y, size_t n,
                   double rate_hz, double **t_out, double **x_out, double **y_out,
                   size_t *n_out);

/* rs_resample_xy with the sliding-window average (RS_WINDOW, window_s as
 * in rs_cfg): the same instants t_s[0] + k/rate_hz up to the last input.
 * POISE_E_RANGE for fewer than 2 samples or a non-increasing time,
 * POISE_E_INVALID for a bad rate or window, POISE_E_NOMEM. */
int rs_resample_xy_window(const double *t_s, const double *x, const double *y, size_t n,
                          double rate_hz, double window_s, double **t_out, double **x_out,
                          double **y_out, size_t *n_out);

#endif
