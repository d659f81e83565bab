#include "core/filter.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

int flt_biquad_lowpass(flt_biquad *c, double fc_hz, double fs_hz, double q)
{
	if (!(fs_hz > 0) || !(fc_hz > 0) || !(fc_hz < fs_hz / 2) || !(q > 0))
		return POISE_E_INVALID;
	/* Bilinear transform of H(s) = 1/(s² + s/Q + 1) with s pre-warped so
	 * that the analogue cutoff maps to fc: K = tan(π·fc/fs). */
	double k = tan(M_PI * fc_hz / fs_hz);
	double k2 = k * k;
	double norm = 1.0 / (1.0 + k / q + k2);
	c->b0 = k2 * norm;
	c->b1 = 2.0 * c->b0;
	c->b2 = c->b0;
	c->a1 = 2.0 * (k2 - 1.0) * norm;
	c->a2 = (1.0 - k / q + k2) * norm;
	return POISE_OK;
}

double flt_biquad_gain(const flt_biquad *c, double f_hz, double fs_hz)
{
	double complex z1 = cexp(-I * 2.0 * M_PI * f_hz / fs_hz); /* z^-1 */
	double complex z2 = z1 * z1;
	double complex h = (c->b0 + c->b1 * z1 + c->b2 * z2) / (1.0 + c->a1 * z1 + c->a2 * z2);
	return cabs(h);
}

int flt_butter_design(flt_butter *f, int order, double fc_hz, double fs_hz)
{
	if (order < 2 || order % 2 || order / 2 > FLT_MAX_SECTIONS)
		return POISE_E_INVALID;
	flt_butter d = {.n_sections = order / 2, .fc_hz = fc_hz, .fs_hz = fs_hz};
	for (int k = 0; k < d.n_sections; k++) {
		double theta = M_PI * (2 * k + 1) / (2.0 * order);
		int rc = flt_biquad_lowpass(&d.c[k], fc_hz, fs_hz, 1.0 / (2.0 * cos(theta)));
		if (rc)
			return rc;
	}
	*f = d;
	return POISE_OK;
}

double flt_butter_gain(const flt_butter *f, double f_hz)
{
	double g = 1;
	for (int k = 0; k < f->n_sections; k++)
		g *= flt_biquad_gain(&f->c[k], f_hz, f->fs_hz);
	return g;
}

void flt_butter_reset(flt_butter *f)
{
	f->primed = false;
	memset(f->s, 0, sizeof f->s);
}

void flt_butter_prime(flt_butter *f, double x0)
{
	for (int k = 0; k < f->n_sections; k++) {
		const flt_biquad *c = &f->c[k];
		/* Steady state y = g·x0 with g the section's DC gain (1 for a
		 * low-pass, but computed so rounding stays consistent). */
		double g = (c->b0 + c->b1 + c->b2) / (1.0 + c->a1 + c->a2);
		double y = g * x0;
		f->s[k].z2 = c->b2 * x0 - c->a2 * y;
		f->s[k].z1 = c->b1 * x0 - c->a1 * y + f->s[k].z2;
		x0 = y;
	}
	f->primed = true;
}

static inline double bq_step(const flt_biquad *c, flt_bq_state *s, double x)
{
	double y = c->b0 * x + s->z1;
	s->z1 = c->b1 * x - c->a1 * y + s->z2;
	s->z2 = c->b2 * x - c->a2 * y;
	return y;
}

double flt_butter_step(flt_butter *f, double x)
{
	if (!f->primed)
		flt_butter_prime(f, x);
	for (int k = 0; k < f->n_sections; k++)
		x = bq_step(&f->c[k], &f->s[k], x);
	return x;
}

/* Runs the primed filter f over x[0..n) in place, forward (dir +1) or
 * backward (−1): section by section over the whole span, each with its
 * state in registers. The same operations on every sample as
 * flt_butter_step() through the cascade, so the same numbers. */
static void run_span(flt_butter *f, double *x, size_t n, int dir)
{
	for (int k = 0; k < f->n_sections; k++) {
		const double b0 = f->c[k].b0, b1 = f->c[k].b1, b2 = f->c[k].b2, a1 = f->c[k].a1,
		             a2 = f->c[k].a2;
		double z1 = f->s[k].z1, z2 = f->s[k].z2;
#define BQ_STEP(i)                                  \
	do {                                            \
		double in = x[i], y = b0 * in + z1;         \
		z1 = b1 * in - a1 * y + z2;                 \
		z2 = b2 * in - a2 * y;                      \
		x[i] = y;                                   \
	} while (0)
		if (dir > 0)
			for (size_t i = 0; i < n; i++)
				BQ_STEP(i);
		else
			for (size_t i = n; i-- > 0;)
				BQ_STEP(i);
#undef BQ_STEP
		f->s[k].z1 = z1;
		f->s[k].z2 = z2;
	}
}

/* run_span() over two signals with two filters at once: the same
 * operations on each, but two independent chains in flight, so a long
 * recording's x and y take about the time of one. */
static void run_span2(flt_butter *fx, flt_butter *fy, double *x, double *y, size_t n, int dir)
{
	for (int k = 0; k < fx->n_sections; k++) {
		const double b0 = fx->c[k].b0, b1 = fx->c[k].b1, b2 = fx->c[k].b2, a1 = fx->c[k].a1,
		             a2 = fx->c[k].a2;
		double u1 = fx->s[k].z1, u2 = fx->s[k].z2, v1 = fy->s[k].z1, v2 = fy->s[k].z2;
#define BQ_STEP2(i)                                                 \
	do {                                                            \
		double p = x[i], q = y[i], yp = b0 * p + u1, yq = b0 * q + v1; \
		u1 = b1 * p - a1 * yp + u2;                                 \
		v1 = b1 * q - a1 * yq + v2;                                 \
		u2 = b2 * p - a2 * yp;                                      \
		v2 = b2 * q - a2 * yq;                                      \
		x[i] = yp;                                                  \
		y[i] = yq;                                                  \
	} while (0)
		if (dir > 0)
			for (size_t i = 0; i < n; i++)
				BQ_STEP2(i);
		else
			for (size_t i = n; i-- > 0;)
				BQ_STEP2(i);
#undef BQ_STEP2
		fx->s[k].z1 = u1;
		fx->s[k].z2 = u2;
		fy->s[k].z1 = v1;
		fy->s[k].z2 = v2;
	}
}

/* The length of the extensions at both ends: about three time constants
 * of the filter (3·fs/fc samples, at least 9 as in common practice),
 * limited by the signal length. */
static size_t pad_len(const flt_butter *d, size_t n)
{
	size_t pad = (size_t)ceil(3.0 * d->fs_hz / d->fc_hz);
	if (pad < 9)
		pad = 9;
	return pad > n - 1 ? n - 1 : pad;
}

/* The odd reflections of x about its end points: lp before x[0], rp after
 * x[n − 1], pad each. */
static void reflect(const double *x, size_t n, size_t pad, double *lp, double *rp)
{
	for (size_t i = 0; i < pad; i++) {
		lp[pad - 1 - i] = 2.0 * x[0] - x[i + 1];
		rp[i] = 2.0 * x[n - 1] - x[n - 2 - i];
	}
}

int flt_filtfilt(const flt_butter *design, double *x, size_t n)
{
	if (!design || !x || n < 2 || design->n_sections < 1)
		return POISE_E_INVALID;
	/* The signal is filtered in place; only the two extensions live
	 * apart, so a long recording is never copied. The operations and
	 * their order are those of one pass over [left pad, x, right pad]. */
	size_t pad = pad_len(design, n);
	double *lp = malloc(2 * pad * sizeof *lp);
	if (!lp)
		return POISE_E_NOMEM;
	double *rp = lp + pad;
	reflect(x, n, pad, lp, rp);
	flt_butter f = *design;
	flt_butter_prime(&f, lp[0]);
	run_span(&f, lp, pad, 1);
	run_span(&f, x, n, 1);
	run_span(&f, rp, pad, 1);
	flt_butter_prime(&f, rp[pad - 1]);
	run_span(&f, rp, pad, -1);
	run_span(&f, x, n, -1);
	run_span(&f, lp, pad, -1);
	free(lp);
	return POISE_OK;
}

int flt_filtfilt2(const flt_butter *design, double *x, double *y, size_t n)
{
	if (!design || !x || !y || n < 2 || design->n_sections < 1)
		return POISE_E_INVALID;
	size_t pad = pad_len(design, n);
	double *lx = malloc(4 * pad * sizeof *lx);
	if (!lx)
		return POISE_E_NOMEM;
	double *rx = lx + pad, *ly = rx + pad, *ry = ly + pad;
	reflect(x, n, pad, lx, rx);
	reflect(y, n, pad, ly, ry);
	flt_butter fx = *design, fy = *design;
	flt_butter_prime(&fx, lx[0]);
	flt_butter_prime(&fy, ly[0]);
	run_span2(&fx, &fy, lx, ly, pad, 1);
	run_span2(&fx, &fy, x, y, n, 1);
	run_span2(&fx, &fy, rx, ry, pad, 1);
	flt_butter_prime(&fx, rx[pad - 1]);
	flt_butter_prime(&fy, ry[pad - 1]);
	run_span2(&fx, &fy, rx, ry, pad, -1);
	run_span2(&fx, &fy, x, y, n, -1);
	run_span2(&fx, &fy, lx, ly, pad, -1);
	free(lx);
	return POISE_OK;
}

int flt_oneeuro_init(flt_oneeuro *f, double rate_hz, double min_cutoff_hz, double beta,
                     double d_cutoff_hz)
{
	if (!(rate_hz > 0) || !(min_cutoff_hz > 0) || !(d_cutoff_hz > 0) || !(beta >= 0))
		return POISE_E_INVALID;
	*f = (flt_oneeuro){.rate_hz = rate_hz, .min_cutoff_hz = min_cutoff_hz, .beta = beta,
	                   .d_cutoff_hz = d_cutoff_hz};
	return POISE_OK;
}

void flt_oneeuro_reset(flt_oneeuro *f)
{
	f->primed = false;
}

/* Smoothing factor of an exponential low-pass with cutoff fc at rate fs. */
static double oneeuro_alpha(double fc_hz, double fs_hz)
{
	double tau = 1.0 / (2.0 * M_PI * fc_hz);
	return 1.0 / (1.0 + tau * fs_hz);
}

void flt_oneeuro_step(flt_oneeuro *f, double *x, double *y)
{
	if (!f->primed) {
		f->x = *x;
		f->y = *y;
		f->dx = f->dy = 0;
		f->primed = true;
		return;
	}
	double ad = oneeuro_alpha(f->d_cutoff_hz, f->rate_hz);
	f->dx += ad * ((*x - f->x) * f->rate_hz - f->dx);
	f->dy += ad * ((*y - f->y) * f->rate_hz - f->dy);
	double fc = f->min_cutoff_hz + f->beta * hypot(f->dx, f->dy);
	double a = oneeuro_alpha(fc, f->rate_hz);
	f->x += a * (*x - f->x);
	f->y += a * (*y - f->y);
	*x = f->x;
	*y = f->y;
}
