#include "core/cop.h"

#include <math.h>

#include "core/error.h"

bool cop_plate_valid(const cop_plate *p)
{
	return p && isfinite(p->width_mm) && isfinite(p->depth_mm) && p->width_mm > 0 &&
	       p->depth_mm > 0;
}

int cop_from_forces(const cop_plate *p, const double f[CELL_COUNT], double min_fz_n,
                    cop_point *out)
{
	double fz = f[CELL_TL] + f[CELL_TR] + f[CELL_BL] + f[CELL_BR];
	out->fz_n = fz;
	if (!(fz >= min_fz_n) || !(fz > 0)) {
		out->x_mm = NAN;
		out->y_mm = NAN;
		return POISE_E_RANGE;
	}
	double right = f[CELL_TR] + f[CELL_BR], left = f[CELL_TL] + f[CELL_BL];
	double front = f[CELL_TL] + f[CELL_TR], back = f[CELL_BL] + f[CELL_BR];
	out->x_mm = 0.5 * p->width_mm * (right - left) / fz;
	out->y_mm = 0.5 * p->depth_mm * (front - back) / fz;
	return POISE_OK;
}

static double clamp_unit(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

void cop_to_forces(const cop_plate *p, double x_mm, double y_mm, double fz_n,
                   double f[CELL_COUNT])
{
	double u = clamp_unit(0.5 + x_mm / p->width_mm); /* share on the right */
	double v = clamp_unit(0.5 + y_mm / p->depth_mm); /* share at the front */
	f[CELL_TL] = fz_n * (1 - u) * v;
	f[CELL_TR] = fz_n * u * v;
	f[CELL_BL] = fz_n * (1 - u) * (1 - v);
	f[CELL_BR] = fz_n * u * (1 - v);
}

void cop_calib_identity(cop_calib *c)
{
	for (int i = 0; i < CELL_COUNT; i++) {
		c->offset_n[i] = 0;
		c->gain[i] = 1;
	}
}

void cop_calib_apply(const cop_calib *c, double f[CELL_COUNT])
{
	for (int i = 0; i < CELL_COUNT; i++)
		f[i] = c->gain[i] * (f[i] - c->offset_n[i]);
}

void cop_tare_begin(cop_tare *t, uint32_t n_frames)
{
	*t = (cop_tare){.needed = n_frames < 10 ? 10 : n_frames};
}

bool cop_tare_add(cop_tare *t, const double f[CELL_COUNT])
{
	if (t->n >= t->needed)
		return true;
	double total = 0;
	for (int i = 0; i < CELL_COUNT; i++) {
		t->sum[i] += f[i];
		total += f[i];
	}
	t->sum_total += total;
	t->sum_sq_total += total * total;
	t->n++;
	return t->n >= t->needed;
}

int cop_tare_finish(const cop_tare *t, double max_sd_n, cop_calib *c)
{
	if (t->needed == 0 || t->n < t->needed)
		return POISE_E_STATE;
	double mean = t->sum_total / t->n;
	double var = t->sum_sq_total / t->n - mean * mean;
	if (var > max_sd_n * max_sd_n)
		return POISE_E_RANGE;
	for (int i = 0; i < CELL_COUNT; i++)
		c->offset_n[i] = t->sum[i] / t->n;
	return POISE_OK;
}
