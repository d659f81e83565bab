#include "core/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/filter.h"
#include "core/resample.h"

void ana_cfg_default(ana_cfg *cfg)
{
	*cfg = (ana_cfg){.resample_hz = 100, .lowpass_hz = 10};
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double ana_median_rate_hz(const double *t_s, size_t n)
{
	if (n < 2)
		return NAN;
	double *dt = malloc((n - 1) * sizeof *dt);
	if (!dt)
		return (n - 1) / (t_s[n - 1] - t_s[0]); /* mean rate will do */
	for (size_t i = 0; i + 1 < n; i++)
		dt[i] = t_s[i + 1] - t_s[i];
	qsort(dt, n - 1, sizeof *dt, cmp_double);
	double med = (n - 1) % 2 ? dt[(n - 1) / 2] : 0.5 * (dt[(n - 1) / 2 - 1] + dt[(n - 1) / 2]);
	free(dt);
	return 1.0 / med;
}

static int lowpass_zero_phase(double *x, double *y, size_t n, double fc_hz, double fs_hz)
{
	flt_butter f;
	int rc = flt_butter_design(&f, 2, fc_hz, fs_hz);
	if (rc == POISE_OK)
		rc = flt_filtfilt(&f, x, n);
	if (rc == POISE_OK)
		rc = flt_filtfilt(&f, y, n);
	return rc;
}

static double *dup_array(const double *a, size_t n)
{
	double *d = malloc(n * sizeof *d);
	if (d)
		memcpy(d, a, n * sizeof *d);
	return d;
}

int ana_prepare(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                const ana_cfg *cfg, ana_series *out)
{
	if (n < 3)
		return POISE_E_RANGE;
	ana_series s = {0};
	int rc = POISE_OK;
	double fs_in = ana_median_rate_hz(t_s, n);
	double *xa = dup_array(x_mm, n), *ya = dup_array(y_mm, n);
	if (!xa || !ya) {
		rc = POISE_E_NOMEM;
		goto fail;
	}
	if (cfg->resample_hz > 0) {
		if (fs_in > 1.5 * cfg->resample_hz) {
			rc = lowpass_zero_phase(xa, ya, n, 0.4 * cfg->resample_hz, fs_in);
			if (rc)
				goto fail;
		}
		rc = rs_resample_xy(t_s, xa, ya, n, cfg->resample_hz, &s.t_s, &s.x_mm, &s.y_mm, &s.n);
		if (rc)
			goto fail;
		free(xa);
		free(ya);
		xa = ya = NULL;
		s.fs_hz = cfg->resample_hz;
	} else {
		s.t_s = dup_array(t_s, n);
		if (!s.t_s) {
			rc = POISE_E_NOMEM;
			goto fail;
		}
		s.x_mm = xa;
		s.y_mm = ya;
		xa = ya = NULL;
		s.n = n;
		s.fs_hz = fs_in;
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
	free(xa);
	free(ya);
	ana_series_free(&s);
	return rc;
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

int ana_all_metrics(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                    const ana_cfg *cfg, const met_ext_cfg *ecfg, met_static *st, met_ext *ext)
{
	ana_series s;
	int rc = ana_prepare(t_s, x_mm, y_mm, n, cfg, &s);
	if (rc)
		return rc;
	met_static m;
	met_ext e;
	rc = met_static_compute(s.x_mm, s.y_mm, s.n, s.duration_s, &m);
	if (rc == POISE_OK)
		rc = met_ext_compute(s.x_mm, s.y_mm, s.n, s.fs_hz, ecfg, &e);
	ana_series_free(&s);
	if (rc)
		return rc;
	*st = m;
	*ext = e;
	return POISE_OK;
}
