#include "core/analysis.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/filter.h"
#include "core/resample.h"

void ana_cfg_default(ana_cfg *cfg)
{
	*cfg = (ana_cfg){.resample_hz = 100, .lowpass_hz = 10};
}

/* Doubles as unsigned keys in the same order (negative numbers flipped). */
static uint64_t order_key(double d)
{
	uint64_t b;
	memcpy(&b, &d, sizeof b);
	return b >> 63 ? ~b : b | UINT64_C(1) << 63;
}

static double key_value(uint64_t k)
{
	uint64_t b = k >> 63 ? k & ~(UINT64_C(1) << 63) : ~k;
	double d;
	memcpy(&d, &b, sizeof d);
	return d;
}

static double interval(const double *t, size_t i)
{
	return t[i + 1] - t[i];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#define RADIX_BITS 16
#define RADIX_BINS (1u << RADIX_BITS)
#define SMALL_SORT 4096

/* The rank-th smallest of the m = n − 1 intervals of t (0-based), and in
 * *next the (rank+1)-th, without sorting or copying them: a most
 * significant digit first radix selection over the intervals' order keys,
 * 16 bits a pass, counting only those that share the digits found so far
 * (four passes, one more for *next when the rank-th is the last of its
 * value). O(n) time, 512 KB of counts. Returns false if the counts cannot
 * be allocated. */
static bool select_interval(const double *t, size_t m, size_t rank, double *kth, double *next)
{
	size_t *count = malloc(RADIX_BINS * sizeof *count);
	if (!count)
		return false;
	uint64_t prefix = 0, mask = 0;
	size_t r = rank, same = 0;
	for (int shift = 64 - RADIX_BITS; shift >= 0; shift -= RADIX_BITS) {
		memset(count, 0, RADIX_BINS * sizeof *count);
		for (size_t i = 0; i < m; i++) {
			uint64_t k = order_key(interval(t, i));
			if ((k & mask) == prefix)
				count[(k >> shift) & (RADIX_BINS - 1)]++;
		}
		size_t b = 0;
		while (r >= count[b])
			r -= count[b++];
		prefix |= (uint64_t)b << shift;
		mask |= (uint64_t)(RADIX_BINS - 1) << shift;
		same = count[b]; /* after the last pass: how many equal the rank-th */
	}
	free(count);
	*kth = key_value(prefix);
	if (r + 1 < same) {
		*next = *kth;
	} else { /* the smallest interval above it */
		uint64_t best = UINT64_MAX;
		for (size_t i = 0; i < m; i++) {
			uint64_t k = order_key(interval(t, i));
			if (k > prefix && k < best)
				best = k;
		}
		*next = key_value(best);
	}
	return true;
}

/* A plate's intervals mostly share one value (or a few, from rounding the
 * times): one pass that counts the intervals below and equal to the
 * median of an even sample of them settles the median when that value
 * holds the middle rank(s). Returns false when it does not. */
static bool pivot_median(const double *t, size_t m, double *lo, double *hi)
{
	enum { SAMPLE = 255 };
	double smp[SAMPLE];
	for (size_t k = 0; k < SAMPLE; k++)
		smp[k] = interval(t, k * (m - 1) / (SAMPLE - 1));
	qsort(smp, SAMPLE, sizeof *smp, cmp_double);
	double pivot = smp[SAMPLE / 2];
	size_t below = 0, equal = 0;
	for (size_t i = 0; i < m; i++) {
		double d = interval(t, i);
		below += d < pivot;
		equal += d == pivot;
	}
	size_t r_lo = (m - 1) / 2, r_hi = m / 2;
	if (!(below <= r_lo && r_hi < below + equal))
		return false;
	*lo = *hi = pivot;
	return true;
}

double ana_median_rate_hz(const double *t_s, size_t n)
{
	if (n < 2)
		return NAN;
	size_t m = n - 1;
	double lo, hi;
	if (m <= SMALL_SORT) {
		double dt[SMALL_SORT];
		for (size_t i = 0; i < m; i++)
			dt[i] = interval(t_s, i);
		qsort(dt, m, sizeof *dt, cmp_double);
		lo = dt[(m - 1) / 2];
		hi = dt[m / 2];
	} else if (!pivot_median(t_s, m, &lo, &hi) && !select_interval(t_s, m, (m - 1) / 2, &lo, &hi)) {
		return (double)(n - 1) / (t_s[n - 1] - t_s[0]); /* the mean rate will do */
	}
	double med = m % 2 ? lo : 0.5 * (lo + hi);
	return 1.0 / med;
}

int ana_check_span(const double *t_s, size_t n, const ana_cfg *cfg, size_t *n_grid)
{
	if (n < 2)
		return POISE_E_RANGE;
	double span = t_s[n - 1] - t_s[0];
	if (!isfinite(span) || !(span > 0))
		return POISE_E_RANGE;
	if (!(cfg->resample_hz > 0)) {
		*n_grid = n;
		return POISE_OK;
	}
	size_t m;
	double most = fmax((double)ANA_GRID_PER_SAMPLE * (double)n, (double)ANA_GRID_MIN);
	if (rs_grid_len(span, cfg->resample_hz, &m) != POISE_OK || (double)m > most)
		return POISE_E_RANGE;
	*n_grid = m;
	return POISE_OK;
}

static int lowpass_zero_phase(double *x, double *y, size_t n, double fc_hz, double fs_hz)
{
	flt_butter f;
	int rc = flt_butter_design(&f, 2, fc_hz, fs_hz);
	return rc ? rc : flt_filtfilt2(&f, x, y, n);
}

static double *dup_array(const double *a, size_t n)
{
	double *d = malloc(n * sizeof *d);
	if (d)
		memcpy(d, a, n * sizeof *d);
	return d;
}

/* Linear interpolation onto t0 + k/rate, k < m, exactly as
 * rs_resample_xy() computes it. The outputs may be the inputs themselves
 * when every output k ≥ 1 lies at or after input k (see in_place_ok):
 * output k is written after the last read of input k. With to NULL it
 * only walks the times and returns whether that holds (there are at
 * least as many inputs as outputs up to each instant: a plate faster than
 * the resampling rate); else it returns true. */
static bool resample_walk(const double *t, const double *x, const double *y, size_t n, double rate,
                          size_t m, double *to, double *xo, double *yo)
{
	const double t0 = t[0], t_last = t[n - 1];
	size_t i = 0;
	for (size_t k = 0; k < m; k++) {
		double tk = t0 + (double)k / rate;
		if (tk > t_last)
			tk = t_last;
		while (i + 2 < n && t[i + 1] < tk)
			i++;
		if (!to) {
			if (i < k)
				return false;
			continue;
		}
		double ta = t[i], tb = t[i + 1], xa = x[i], xb = x[i + 1], ya = y[i], yb = y[i + 1];
		double w = (tk - ta) / (tb - ta);
		to[k] = tk;
		xo[k] = xa + w * (xb - xa);
		yo[k] = ya + w * (yb - ya);
	}
	return true;
}

static bool in_place_ok(const double *t, size_t n, double rate, size_t m)
{
	return m <= n && resample_walk(t, NULL, NULL, n, rate, m, NULL, NULL, NULL);
}

/* Resamples the owned arrays *t, *x, *y (n long) onto m instants at rate
 * into s, reusing them when that is safe, else into new arrays (the old
 * ones are freed either way, on failure too: *t, *x, *y become NULL). */
static int resample_owned(double **t, double **x, double **y, size_t n, double rate, size_t m,
                          ana_series *s)
{
	double *ti = *t, *xi = *x, *yi = *y;
	*t = *x = *y = NULL;
	if (in_place_ok(ti, n, rate, m)) {
		resample_walk(ti, xi, yi, n, rate, m, ti, xi, yi);
		/* Give back what the shorter signal does not need. */
		double *p;
		if ((p = realloc(ti, m * sizeof *p)))
			ti = p;
		if ((p = realloc(xi, m * sizeof *p)))
			xi = p;
		if ((p = realloc(yi, m * sizeof *p)))
			yi = p;
		*s = (ana_series){.t_s = ti, .x_mm = xi, .y_mm = yi, .n = m};
		return POISE_OK;
	}
	double *to = malloc(m * sizeof *to), *xo = malloc(m * sizeof *xo),
	       *yo = malloc(m * sizeof *yo);
	if (to && xo && yo)
		resample_walk(ti, xi, yi, n, rate, m, to, xo, yo);
	free(ti);
	free(xi);
	free(yi);
	if (!to || !xo || !yo) {
		free(to), free(xo), free(yo);
		return POISE_E_NOMEM;
	}
	*s = (ana_series){.t_s = to, .x_mm = xo, .y_mm = yo, .n = m};
	return POISE_OK;
}

int ana_prepare_owned(double *t_s, double *x_mm, double *y_mm, size_t n, const ana_cfg *cfg,
                      ana_series *out)
{
	ana_series s = {0};
	size_t m;
	int rc = n < 3 ? POISE_E_RANGE : ana_check_span(t_s, n, cfg, &m);
	if (rc)
		goto fail;
	double fs_in = ana_median_rate_hz(t_s, n);
	if (cfg->resample_hz > 0) {
		if (fs_in > 1.5 * cfg->resample_hz) {
			rc = lowpass_zero_phase(x_mm, y_mm, n, 0.4 * cfg->resample_hz, fs_in);
			if (rc)
				goto fail;
		}
		rc = resample_owned(&t_s, &x_mm, &y_mm, n, cfg->resample_hz, m, &s);
		if (rc)
			goto fail;
		s.fs_hz = cfg->resample_hz;
	} else {
		s = (ana_series){.t_s = t_s, .x_mm = x_mm, .y_mm = y_mm, .n = n, .fs_hz = fs_in};
		t_s = x_mm = y_mm = NULL;
	}
	if (s.n < 3) {
		rc = POISE_E_RANGE;
		goto fail;
	}
	if (cfg->lowpass_hz > 0) {
		rc = lowpass_zero_phase(s.x_mm, s.y_mm, s.n, cfg->lowpass_hz, s.fs_hz);
		if (rc)
			goto fail;
	}
	s.duration_s = s.t_s[s.n - 1] - s.t_s[0];
	*out = s;
	return POISE_OK;
fail:
	free(t_s);
	free(x_mm);
	free(y_mm);
	ana_series_free(&s);
	return rc;
}

int ana_prepare(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                const ana_cfg *cfg, ana_series *out)
{
	if (n < 3)
		return POISE_E_RANGE;
	double *t = dup_array(t_s, n), *x = dup_array(x_mm, n), *y = dup_array(y_mm, n);
	if (!t || !x || !y) {
		free(t), free(x), free(y);
		return POISE_E_NOMEM;
	}
	return ana_prepare_owned(t, x, y, n, cfg, out);
}

void ana_series_free(ana_series *s)
{
	if (!s)
		return;
	free(s->t_s);
	free(s->x_mm);
	free(s->y_mm);
	*s = (ana_series){0};
}

int ana_static_metrics(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                       const ana_cfg *cfg, met_static *out)
{
	ana_series s;
	int rc = ana_prepare(t_s, x_mm, y_mm, n, cfg, &s);
	if (rc)
		return rc;
	rc = met_static_compute(s.x_mm, s.y_mm, s.n, s.duration_s, out);
	ana_series_free(&s);
	return rc;
}

/* The static and extended metrics of a prepared series (freed here). */
static int all_of(ana_series *s, const met_ext_cfg *ecfg, met_static *st, met_ext *ext)
{
	met_static m;
	met_ext e;
	int rc = met_static_compute(s->x_mm, s->y_mm, s->n, s->duration_s, &m);
	if (rc == POISE_OK)
		rc = met_ext_compute(s->x_mm, s->y_mm, s->n, s->fs_hz, ecfg, &e);
	ana_series_free(s);
	if (rc)
		return rc;
	*st = m;
	*ext = e;
	return POISE_OK;
}

int ana_all_metrics(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                    const ana_cfg *cfg, const met_ext_cfg *ecfg, met_static *st, met_ext *ext)
{
	ana_series s;
	int rc = ana_prepare(t_s, x_mm, y_mm, n, cfg, &s);
	return rc ? rc : all_of(&s, ecfg, st, ext);
}

int ana_all_metrics_owned(double *t_s, double *x_mm, double *y_mm, size_t n, const ana_cfg *cfg,
                          const met_ext_cfg *ecfg, met_static *st, met_ext *ext)
{
	ana_series s;
	int rc = ana_prepare_owned(t_s, x_mm, y_mm, n, cfg, &s);
	return rc ? rc : all_of(&s, ecfg, st, ext);
}
