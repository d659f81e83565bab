#include "core/platecal.h"

#include <math.h>
#include <string.h>

#include "core/error.h"

void pcal_spot(const cop_plate *p, int k, double *x_mm, double *y_mm)
{
	static const double sx[PCAL_SPOTS] = {0, -1, 1, -1, 1}, sy[PCAL_SPOTS] = {0, 1, 1, -1, -1};
	if (k < 0 || k >= PCAL_SPOTS)
		k = 0;
	*x_mm = sx[k] * p->width_mm / 4;
	*y_mm = sy[k] * p->depth_mm / 4;
}

/* ---- windows of raw counts ------------------------------------------- */

void pcal_window_begin(pcal_window *w, uint32_t n_samples)
{
	*w = (pcal_window){.needed = n_samples < 10 ? 10 : n_samples};
}

bool pcal_window_add(pcal_window *w, const int32_t counts[CELL_COUNT])
{
	if (w->n >= w->needed)
		return true;
	for (int c = 0; c < CELL_COUNT; c++) {
		if (w->n == 0)
			w->ref[c] = counts[c];
		/* Around the first sample: no cancellation in the variance of
		 * large counts. */
		double v = (double)counts[c] - w->ref[c];
		w->sum[c] += v;
		w->sum_sq[c] += v * v;
		if (w->n < w->needed / 2)
			w->sum_first[c] += v;
	}
	w->n++;
	return w->n >= w->needed;
}

void pcal_window_reading(const pcal_window *w, pcal_reading *r)
{
	memset(r, 0, sizeof *r);
	if (w->needed == 0 || w->n < w->needed)
		return;
	double n = w->n, n1 = w->needed / 2, n2 = n - n1;
	r->n = w->n;
	for (int c = 0; c < CELL_COUNT; c++) {
		double m = w->sum[c] / n, var = w->sum_sq[c] / n - m * m;
		r->mean[c] = w->ref[c] + m;
		r->sd[c] = var > 0 ? sqrt(var) : 0;
		r->drift[c] = (w->sum[c] - w->sum_first[c]) / n2 - w->sum_first[c] / n1;
	}
}

/* Counts below which a difference is the ADC's last bits, whatever the
 * noise measured. */
#define PCAL_FLOOR_COUNTS 2.0

enum pcal_look pcal_judge(const pcal_reading *r, const pcal_reading *empty)
{
	if (!empty) {
		for (int c = 0; c < CELL_COUNT; c++)
			if (fabs(r->drift[c]) > r->sd[c] + PCAL_FLOOR_COUNTS + 1)
				return PCAL_LOOK_MOVING;
		return PCAL_LOOK_STILL;
	}
	double load = 0, noise = 0;
	for (int c = 0; c < CELL_COUNT; c++) {
		load += fabs(r->mean[c] - empty->mean[c]);
		noise += empty->sd[c] + PCAL_FLOOR_COUNTS;
	}
	if (load < PCAL_MIN_SNR * noise)
		return PCAL_LOOK_NO_LOAD;
	for (int c = 0; c < CELL_COUNT; c++) {
		double allow = 0.002 * load + PCAL_FLOOR_COUNTS;
		if (r->sd[c] > 3 * empty->sd[c] + allow || fabs(r->drift[c]) > 2 * empty->sd[c] + allow)
			return PCAL_LOOK_MOVING;
	}
	return PCAL_LOOK_STILL;
}

/* ---- the fit ----------------------------------------------------------- */

static int refuse(pcal_result *out, enum pcal_problem p, int cell, int place)
{
	out->problem = p;
	out->cell = cell;
	out->place = place;
	return POISE_E_RANGE;
}

int pcal_fit(const pcal_input *in, pcal_result *out)
{
	if (!in || !out)
		return POISE_E_INVALID;
	memset(out, 0, sizeof *out);
	out->cell = out->place = -1;
	out->zero_shift_n = NAN;
	out->max_cop_err_mm = out->max_fz_err_n = NAN;
	size_t np = in->n_places;
	bool ok = np >= 3 && np <= PCAL_MAX_PLACES && isfinite(in->mass_kg) && in->mass_kg > 0 &&
	          cop_plate_valid(&in->plate) && in->empty.n > 0;
	for (size_t j = 0; ok && j < np; j++)
		ok = in->place[j].r.n > 0 && isfinite(in->place[j].x_mm) && isfinite(in->place[j].y_mm);
	if (!ok)
		return refuse(out, PCAL_TOO_FEW, -1, -1);
	const bool after = in->empty_after.n > 0;
	double w_n = in->mass_kg * PCAL_G_M_S2;
	for (int c = 0; c < CELL_COUNT; c++)
		out->offset_counts[c] = after ? 0.5 * (in->empty.mean[c] + in->empty_after.mean[c]) : in->empty.mean[c];

	/* The expected share of each cell, and the measured counts above the
	 * zero, per placement. */
	double e[PCAL_MAX_PLACES][CELL_COUNT], d[PCAL_MAX_PLACES][CELL_COUNT];
	double most[CELL_COUNT] = {0};
	for (size_t j = 0; j < np; j++) {
		cop_to_forces(&in->plate, in->place[j].x_mm, in->place[j].y_mm, w_n, e[j]);
		for (int c = 0; c < CELL_COUNT; c++) {
			d[j][c] = in->place[j].r.mean[c] - out->offset_counts[c];
			most[c] = fmax(most[c], e[j][c]);
		}
	}
	for (int c = 0; c < CELL_COUNT; c++)
		if (most[c] < PCAL_MIN_SHARE * w_n)
			return refuse(out, PCAL_TOO_FEW, c, -1);

	/* Each cell's gain: least squares of expected force on counts. */
	double sdd[CELL_COUNT], sed[CELL_COUNT], see[CELL_COUNT];
	for (int c = 0; c < CELL_COUNT; c++) {
		sdd[c] = sed[c] = see[c] = 0;
		for (size_t j = 0; j < np; j++) {
			sdd[c] += d[j][c] * d[j][c];
			sed[c] += e[j][c] * d[j][c];
			see[c] += e[j][c] * e[j][c];
		}
		out->gain_n_per_count[c] = sdd[c] > 0 ? sed[c] / sdd[c] : NAN;
		out->cos[c] = sdd[c] > 0 && see[c] > 0 ? sed[c] / sqrt(see[c] * sdd[c]) : 0;
		out->reversed[c] = out->gain_n_per_count[c] < 0;
		out->noise_n[c] = in->empty.sd[c] * fabs(out->gain_n_per_count[c]);
	}
	for (int c = 0; c < CELL_COUNT; c++) {
		double response = sqrt(sdd[c] / (double)np), noise = in->empty.sd[c] + PCAL_FLOOR_COUNTS;
		if (response < PCAL_MIN_SNR * noise || !(fabs(out->gain_n_per_count[c]) <= PCAL_MAX_GAIN))
			return refuse(out, PCAL_NO_RESPONSE, c, -1);
	}
	for (int c = 0; c < CELL_COUNT; c++)
		if (fabs(out->cos[c]) < PCAL_MIN_COS)
			return refuse(out, PCAL_NOT_FOLLOWING, c, -1);

	/* What the new calibration makes of each reading. */
	double worst = 0;
	int worst_j = -1;
	out->max_cop_err_mm = out->max_fz_err_n = 0;
	for (size_t j = 0; j < np; j++) {
		double f[CELL_COUNT], spread = 0, score = 0;
		for (int c = 0; c < CELL_COUNT; c++) {
			double g = out->gain_n_per_count[c];
			f[c] = g * d[j][c];
			out->resid_n[j][c] = f[c] - e[j][c];
			out->rms_resid_n[c] += out->resid_n[j][c] * out->resid_n[j][c] / (double)np;
			double sd = g * in->place[j].r.sd[c], drift = g * in->place[j].r.drift[c];
			spread += sd * sd + drift * drift;
			score = fmax(score, fabs(out->resid_n[j][c]) / (PCAL_RESID_TOL_FRAC * w_n));
		}
		cop_point cp;
		cop_from_forces(&in->plate, f, 0.5 * w_n, &cp);
		out->fz_n[j] = cp.fz_n;
		out->fz_err_n[j] = cp.fz_n - w_n;
		out->sd_n[j] = sqrt(spread);
		out->cop_x_mm[j] = cp.x_mm;
		out->cop_y_mm[j] = cp.y_mm;
		out->cop_err_mm[j] = hypot(cp.x_mm - in->place[j].x_mm, cp.y_mm - in->place[j].y_mm);
		if (!isfinite(out->cop_err_mm[j]))
			out->cop_err_mm[j] = INFINITY; /* no load to speak of */
		out->max_cop_err_mm = fmax(out->max_cop_err_mm, out->cop_err_mm[j]);
		out->max_fz_err_n = fmax(out->max_fz_err_n, fabs(out->fz_err_n[j]));
		score = fmax(score, out->sd_n[j] / (PCAL_STILL_TOL_FRAC * w_n));
		score = fmax(score, fabs(out->fz_err_n[j]) / (PCAL_FZ_TOL_FRAC * w_n));
		score = fmax(score, out->cop_err_mm[j] / PCAL_COP_TOL_MM);
		if (score > worst) {
			worst = score;
			worst_j = (int)j;
		}
	}
	for (int c = 0; c < CELL_COUNT; c++)
		out->rms_resid_n[c] = sqrt(out->rms_resid_n[c]);
	if (after) {
		double shift = 0;
		for (int c = 0; c < CELL_COUNT; c++)
			shift += out->gain_n_per_count[c] * (in->empty_after.mean[c] - in->empty.mean[c]);
		out->zero_shift_n = shift;
	}
	/* A zero that moved spoils every placement: said first, as the cause. */
	if (after && fabs(out->zero_shift_n) > PCAL_ZERO_TOL_FRAC * w_n)
		return refuse(out, PCAL_ZERO_MOVED, -1, -1);
	if (worst > 1)
		return refuse(out, PCAL_MASS_MOVED, -1, worst_j);
	return POISE_OK;
}
