/* Poise: offline preprocessing of a recorded COP trajectory before its
 * metrics are computed (the literature's usual chain):
 *   1. resample onto a fixed clock (linear interpolation), with a
 *      zero-phase anti-alias low-pass first when the input is faster than
 *      1.5× the target rate;
 *   2. zero-phase Butterworth low-pass (2nd order run forward and backward,
 *      i.e. 4th-order magnitude, −6 dB at the cutoff);
 *   3. met_static_compute() then removes the mean.
 * Used by `poise metrics`, the recorder's end-of-trial metrics and the
 * report, so the same numbers come out everywhere.
 */
#ifndef POISE_CORE_ANALYSIS_H
#define POISE_CORE_ANALYSIS_H

#include <stddef.h>

#include "core/metrics.h"
#include "core/metrics_ext.h"

typedef struct ana_cfg {
	double resample_hz; /* 0: analyse the samples as given */
	double lowpass_hz;  /* 0: no low-pass */
} ana_cfg;

/* Defaults: 100 Hz, 10 Hz. */
void ana_cfg_default(ana_cfg *cfg);

/* A prepared trajectory: arrays owned by the struct (ana_series_free). */
typedef struct ana_series {
	double *t_s;
	double *x_mm;
	double *y_mm;
	size_t n;
	double fs_hz;      /* the rate the filter ran at (input median rate when
	                    * not resampled) */
	double duration_s; /* t_s[n−1] − t_s[0] */
} ana_series;

/* Resampling makes at most this many samples per input sample, or
 * ANA_GRID_MIN in all: the work of a recording is bounded by its size, and
 * a handful of rows is never stretched into a long "recording" (100 000
 * samples are 1000 s at 100 Hz; beyond that, a file of rows that few is
 * almost all interpolation, not measurement). */
#define ANA_GRID_PER_SAMPLE 100
#define ANA_GRID_MIN 100000

/* Checks that preparing (t_s)[0..n) under cfg is bounded work before any
 * of it is done, and puts the prepared length in *n_grid (n when not
 * resampled). POISE_E_RANGE for n < 2, a span t_s[n−1] − t_s[0] that is
 * not positive and finite, or a resampled length above
 * max(ANA_GRID_PER_SAMPLE·n, ANA_GRID_MIN): four rows spanning a million
 * seconds are not a recording, and resampling them would invent 10^8
 * samples (gigabytes and minutes). `poise metrics` calls it first to say
 * so; ana_prepare() checks it too. */
int ana_check_span(const double *t_s, size_t n, const ana_cfg *cfg, size_t *n_grid);

/* Prepares (t_s, x_mm, y_mm)[0..n) per cfg into *out (newly allocated).
 * t_s must increase strictly. Returns POISE_E_RANGE for n < 3 or a span
 * ana_check_span() refuses, POISE_E_INVALID for a low-pass at or above
 * half the rate, POISE_E_NOMEM; on failure *out is untouched. */
int ana_prepare(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                const ana_cfg *cfg, ana_series *out);

/* ana_prepare() of arrays the caller gives away (malloc'd, n long; on
 * success and on failure they are the function's: kept in *out or freed).
 * Nothing is copied: the anti-alias filter runs in place and a plate
 * faster than the resampling rate is resampled in place (the arrays then
 * shrink to the new length), so a long recording needs no memory beyond
 * its own arrays. The same numbers as ana_prepare(), bit for bit. */
int ana_prepare_owned(double *t_s, double *x_mm, double *y_mm, size_t n, const ana_cfg *cfg,
                      ana_series *out);

void ana_series_free(ana_series *s);

/* ana_prepare() followed by met_static_compute(). */
int ana_static_metrics(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                       const ana_cfg *cfg, met_static *out);

/* ana_prepare() once, then met_static_compute() into *st and
 * met_ext_compute() (at the prepared rate) into *ext with ecfg. Used by
 * `poise metrics`. Errors as the two; on failure both outputs are
 * untouched. */
int ana_all_metrics(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                    const ana_cfg *cfg, const met_ext_cfg *ecfg, met_static *st, met_ext *ext);

/* ana_all_metrics() on arrays the caller gives away, as
 * ana_prepare_owned(): `poise metrics`, whose arrays come from the CSV. */
int ana_all_metrics_owned(double *t_s, double *x_mm, double *y_mm, size_t n, const ana_cfg *cfg,
                          const met_ext_cfg *ecfg, met_static *st, met_ext *ext);

/* Median interval of t_s[0..n) as a rate in Hz (n ≥ 2; NaN for n < 2):
 * exact (the middle interval, or the mean of the two middle ones), found
 * without sorting or copying the intervals (O(n), 512 KB of work memory
 * for long recordings). */
double ana_median_rate_hz(const double *t_s, size_t n);

#endif
