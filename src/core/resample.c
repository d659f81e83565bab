#include "core/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/* The window in output periods, or 0 if it does not fit. */
static unsigned window_periods(const rs_cfg *cfg)
{
	double w = cfg->window_s > 0 ? cfg->window_s : RS_WINDOW_DEFAULT_S;
	double m = floor(w * cfg->rate_hz + 0.5);
	return m >= 1 && m <= RS_WIN_MAX ? (unsigned)m : 0;
}

int rs_init(rs_state *s, const rs_cfg *cfg)
{
	if (!(cfg->rate_hz > 0) || cfg->n_ch < 1 || cfg->n_ch > RS_MAX_CH ||
	    !(cfg->max_gap_s * cfg->rate_hz >= 1.0) ||
	    (cfg->method != RS_LINEAR && cfg->method != RS_WINDOW) ||
	    (cfg->method == RS_WINDOW && (window_periods(cfg) == 0 || cfg->window_s < 0)))
		return POISE_E_INVALID;
	*s = (rs_state){.cfg = *cfg, .period_us = 1e6 / cfg->rate_hz};
	if (cfg->method == RS_WINDOW) {
		s->m = window_periods(cfg);
		s->half_us = 0.5 * s->m * s->period_us;
	}
	return POISE_OK;
}

size_t rs_max_out(const rs_cfg *cfg)
{
	double m = ceil(cfg->max_gap_s * cfg->rate_hz) + 1;
	if (cfg->method == RS_WINDOW)
		m += window_periods(cfg) + 2; /* a flush before a restart */
	return m > 1e6 ? 1000000 : (size_t)m;
}

static mono_us rs_instant(const rs_state *s, uint64_t k)
{
	return s->t0 + (mono_us)llround((double)k * s->period_us);
}

/* RS_WINDOW: integrates the step signal (value v_prev) from u_us to b_us,
 * writing every output whose window closes on the way. */
static size_t win_advance(rs_state *s, double b_us, rs_out *out)
{
	unsigned nc = s->cfg.n_ch;
	size_t n = 0;
	for (;;) {
		double e = -s->half_us + (double)(s->n_edge + 1) * s->period_us;
		if (e > b_us)
			break;
		double *seg = s->seg[s->seg_pos];
		for (unsigned c = 0; c < nc; c++) {
			seg[c] = s->acc[c] + s->v_prev[c] * (e - s->u_us);
			s->acc[c] = 0;
		}
		s->seg_pos = (s->seg_pos + 1) % s->m;
		s->u_us = e;
		s->n_edge++;
		if (s->n_edge < s->m)
			continue;
		uint64_t j = s->n_edge - s->m;
		rs_out *o = &out[n++];
		o->t_us = rs_instant(s, j);
		double w = (double)s->m * s->period_us;
		for (unsigned c = 0; c < nc; c++) {
			double sum = 0;
			for (unsigned i = 0; i < s->m; i++)
				sum += s->seg[i][c];
			o->v[c] = sum / w;
		}
		o->gap = s->first_out;
		s->first_out = false;
	}
	for (unsigned c = 0; c < nc; c++)
		s->acc[c] += s->v_prev[c] * (b_us - s->u_us);
	s->u_us = b_us;
	return n;
}

size_t rs_flush(rs_state *s, rs_out *out)
{
	if (s->cfg.method != RS_WINDOW || !s->have_prev)
		return 0;
	/* Outputs up to the last input, its value held to their windows' end;
	 * then the stream is over: the next input starts a new one. */
	size_t n = win_advance(s, (double)(s->t_prev - s->t0) + s->half_us, out);
	s->have_prev = false;
	return n;
}

static size_t push_window(rs_state *s, mono_us t_us, bool restart, rs_out *out)
{
	unsigned nc = s->cfg.n_ch;
	size_t n = 0;
	if (restart) {
		if (s->have_prev) /* the old stream's held-back outputs first */
			n = win_advance(s, (double)(s->t_prev - s->t0) + s->half_us, out);
		s->t0 = t_us;
		s->u_us = -s->half_us;
		s->n_edge = 0;
		s->seg_pos = 0;
		s->first_out = true;
		for (unsigned c = 0; c < nc; c++)
			s->acc[c] = 0;
	} else {
		double b = 0.5 * ((double)(s->t_prev - s->t0) + (double)(t_us - s->t0));
		n = win_advance(s, b, out);
	}
	return n;
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
	if (s->cfg.method == RS_WINDOW) {
		n = push_window(s, t_us, restart, out);
	} else if (restart) {
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

int rs_grid_len(double span_s, double rate_hz, size_t *n_out)
{
	/* Instants t0 + k/rate up to the last input, with a hair of tolerance
	 * so that a last input sitting on the grid is not lost to rounding.
	 * Checked in floating point before any conversion: a span of 1e17 s
	 * must not wrap into a small count. */
	double m = floor(span_s * rate_hz + 1e-6) + 1;
	if (!(span_s >= 0) || !(rate_hz > 0) || !(m <= (double)RS_GRID_MAX))
		return POISE_E_RANGE;
	*n_out = (size_t)m;
	return POISE_OK;
}

int rs_resample_xy(const double *t_s, const double *x, const double *y, size_t n,
                   double rate_hz, double **t_out, double **x_out, double **y_out,
                   size_t *n_out)
{
	if (n < 2 || !(t_s[n - 1] > t_s[0]))
		return POISE_E_RANGE;
	if (!(rate_hz > 0))
		return POISE_E_INVALID;
	size_t m;
	if (rs_grid_len(t_s[n - 1] - t_s[0], rate_hz, &m) != POISE_OK)
		return POISE_E_RANGE;
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

int rs_resample_xy_window(const double *t_s, const double *x, const double *y, size_t n,
                          double rate_hz, double window_s, double **t_out, double **x_out,
                          double **y_out, size_t *n_out)
{
	if (n < 2 || !(t_s[n - 1] > t_s[0]))
		return POISE_E_RANGE;
	double span_s = t_s[n - 1] - t_s[0];
	rs_cfg cfg = {.rate_hz = rate_hz, .n_ch = 2, .max_gap_s = span_s + 1,
	              .method = RS_WINDOW, .window_s = window_s};
	rs_state st;
	if (!(rate_hz > 0) || !(span_s < 1e7) || rs_init(&st, &cfg) != POISE_OK)
		return POISE_E_INVALID;
	size_t m;
	if (rs_grid_len(span_s, rate_hz, &m) != POISE_OK)
		return POISE_E_RANGE;
	/* One push can write every pending output of the window too. */
	size_t room = m + st.m + 2;
	double *to = malloc(m * sizeof *to), *xo = malloc(m * sizeof *xo),
	       *yo = malloc(m * sizeof *yo);
	rs_out *buf = malloc(room * sizeof *buf);
	if (!to || !xo || !yo || !buf) {
		free(to), free(xo), free(yo), free(buf);
		return POISE_E_NOMEM;
	}
	/* Times in whole microseconds from the first sample, as a device's. */
	const mono_us base = 1000000;
	size_t k = 0;
	for (size_t i = 0; i <= n; i++) {
		size_t got;
		if (i < n) {
			double v[2] = {x[i], y[i]};
			double rel_us = (t_s[i] - t_s[0]) * 1e6;
			if (i > 0 && !(t_s[i] > t_s[i - 1])) {
				free(to), free(xo), free(yo), free(buf);
				return POISE_E_RANGE;
			}
			got = rs_push(&st, base + (mono_us)llround(rel_us), v, buf);
		} else {
			got = rs_flush(&st, buf);
		}
		for (size_t j = 0; j < got && k < m; j++, k++) {
			to[k] = t_s[0] + (double)k / rate_hz;
			xo[k] = buf[j].v[0];
			yo[k] = buf[j].v[1];
		}
	}
	free(buf);
	if (k < 2) {
		free(to), free(xo), free(yo);
		return POISE_E_RANGE;
	}
	*t_out = to;
	*x_out = xo;
	*y_out = yo;
	*n_out = k;
	return POISE_OK;
}
