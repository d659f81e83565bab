#include "core/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

int rs_init(rs_state *s, const rs_cfg *cfg)
{
	if (!(cfg->rate_hz > 0) || cfg->n_ch < 1 || cfg->n_ch > RS_MAX_CH ||
	    !(cfg->max_gap_s * cfg->rate_hz >= 1.0))
		return POISE_E_INVALID;
	*s = (rs_state){.cfg = *cfg, .period_us = 1e6 / cfg->rate_hz};
	return POISE_OK;
}

size_t rs_max_out(const rs_cfg *cfg)
{
	double m = ceil(cfg->max_gap_s * cfg->rate_hz) + 1;
	return m > 1e6 ? 1000000 : (size_t)m;
}

static mono_us rs_instant(const rs_state *s, uint64_t k)
{
	return s->t0 + (mono_us)llround((double)k * s->period_us);
}

size_t rs_push(rs_state *s, mono_us t_us, const double *v, rs_out *out)
{
	unsigned nc = s->cfg.n_ch;
	bool restart = !s->have_prev;
	if (s->have_prev) {
		if (t_us <= s->t_prev) {
			s->n_dropped++;
			return 0;
		}
		if ((double)(t_us - s->t_prev) > s->cfg.max_gap_s * 1e6)
			restart = true;
	}
	size_t n = 0;
	if (restart) {
		s->t0 = t_us;
		s->k = 1;
		out[0].t_us = t_us;
		memcpy(out[0].v, v, nc * sizeof *v);
		out[0].gap = true;
		n = 1;
	} else {
		double span = (double)(t_us - s->t_prev);
		for (mono_us tk = rs_instant(s, s->k); tk <= t_us; tk = rs_instant(s, ++s->k)) {
			double w = (double)(tk - s->t_prev) / span;
			out[n].t_us = tk;
			for (unsigned c = 0; c < nc; c++)
				out[n].v[c] = s->v_prev[c] + w * (v[c] - s->v_prev[c]);
			out[n].gap = false;
			n++;
		}
	}
	s->have_prev = true;
	s->t_prev = t_us;
	memcpy(s->v_prev, v, nc * sizeof *v);
	return n;
}

int rs_resample_xy(const double *t_s, const double *x, const double *y, size_t n,
                   double rate_hz, double **t_out, double **x_out, double **y_out,
                   size_t *n_out)
{
	if (n < 2 || !(t_s[n - 1] > t_s[0]))
		return POISE_E_RANGE;
	if (!(rate_hz > 0))
		return POISE_E_INVALID;
	/* Instants t0 + k/rate up to the last input, with a hair of tolerance
	 * so that a last input sitting on the grid is not lost to rounding. */
	double span_s = t_s[n - 1] - t_s[0];
	size_t m = (size_t)floor(span_s * rate_hz + 1e-6) + 1;
	double *to = malloc(m * sizeof *to), *xo = malloc(m * sizeof *xo),
	       *yo = malloc(m * sizeof *yo);
	if (!to || !xo || !yo) {
		free(to), free(xo), free(yo);
		return POISE_E_NOMEM;
	}
	size_t i = 0;
	for (size_t k = 0; k < m; k++) {
		double tk = t_s[0] + (double)k / rate_hz;
		if (tk > t_s[n - 1])
			tk = t_s[n - 1];
		while (i + 2 < n && t_s[i + 1] < tk)
			i++;
		/* t_s[i] <= tk <= t_s[i+1] (strictly increasing input) */
		double w = (tk - t_s[i]) / (t_s[i + 1] - t_s[i]);
		to[k] = tk;
		xo[k] = x[i] + w * (x[i + 1] - x[i]);
		yo[k] = y[i] + w * (y[i + 1] - y[i]);
	}
	*t_out = to;
	*x_out = xo;
	*y_out = yo;
	*n_out = m;
	return POISE_OK;
}
