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

int flt_filtfilt(const flt_butter *design, double *x, size_t n)
{
	if (!design || !x || n < 2 || design->n_sections < 1)
		return POISE_E_INVALID;
	/* Extend by about three time constants of the filter (3·fs/fc samples,
	 * at least 9 as in common practice), limited by the signal length. */
	size_t pad = (size_t)ceil(3.0 * design->fs_hz / design->fc_hz);
	if (pad < 9)
		pad = 9;
	if (pad > n - 1)
		pad = n - 1;
	size_t m = n + 2 * pad;
	double *w = malloc(m * sizeof *w);
	if (!w)
		return POISE_E_NOMEM;
	for (size_t i = 0; i < pad; i++) {
		w[pad - 1 - i] = 2.0 * x[0] - x[i + 1];
		w[pad + n + i] = 2.0 * x[n - 1] - x[n - 2 - i];
	}
	memcpy(w + pad, x, n * sizeof *x);

	flt_butter f = *design;
	flt_butter_prime(&f, w[0]);
	for (size_t i = 0; i < m; i++)
		w[i] = flt_butter_step(&f, w[i]);
	flt_butter_prime(&f, w[m - 1]);
	for (size_t i = m; i-- > 0;)
		w[i] = flt_butter_step(&f, w[i]);

	memcpy(x, w + pad, n * sizeof *x);
	free(w);
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
