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

/* Prepares (t_s, x_mm, y_mm)[0..n) per cfg into *out (newly allocated).
 * t_s must increase strictly. Returns POISE_E_RANGE for n < 3,
 * POISE_E_INVALID for a low-pass at or above half the rate, POISE_E_NOMEM;
 * on failure *out is untouched. */
int ana_prepare(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                const ana_cfg *cfg, ana_series *out);

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

/* Median interval of t_s[0..n) as a rate in Hz (n ≥ 2). */
double ana_median_rate_hz(const double *t_s, size_t n);

#endif
