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

/* The expected share of each cell (e) and the counts above the zero (d)
 * per placement, for one fit. */
typedef struct fit_data {
	double w_n;
	double e[PCAL_MAX_PLACES][CELL_COUNT], d[PCAL_MAX_PLACES][CELL_COUNT];
	double score[PCAL_MAX_PLACES]; /* a placement's worst number against its limit (> 1: off) */
} fit_data;

/* Gains from every placement but `skip` (−1: all), and what they make of
 * every placement (out's numbers, fd->score). */
static void fit_gains(const pcal_input *in, int skip, fit_data *fd, pcal_result *out)
{
	size_t np = in->n_places;
	double w_n = fd->w_n;
	for (int c = 0; c < CELL_COUNT; c++) {
		/* Least squares of expected force on counts, through the origin. */
		double sdd = 0, sed = 0, see = 0;
		for (size_t j = 0; j < np; j++) {
			if ((int)j == skip)
				continue;
			sdd += fd->d[j][c] * fd->d[j][c];
			sed += fd->e[j][c] * fd->d[j][c];
			see += fd->e[j][c] * fd->e[j][c];
		}
		out->gain_n_per_count[c] = sdd > 0 ? sed / sdd : NAN;
		out->cos[c] = sdd > 0 && see > 0 ? sed / sqrt(see * sdd) : 0;
		out->reversed[c] = out->gain_n_per_count[c] < 0;
		out->noise_n[c] = in->empty.sd[c] * fabs(out->gain_n_per_count[c]);
		out->rms_resid_n[c] = 0;
	}
	out->max_cop_err_mm = out->max_fz_err_n = 0;
	for (size_t j = 0; j < np; j++) {
		double f[CELL_COUNT], spread = 0, score = 0;
		for (int c = 0; c < CELL_COUNT; c++) {
			double g = out->gain_n_per_count[c];
			f[c] = g * fd->d[j][c];
			out->resid_n[j][c] = f[c] - fd->e[j][c];
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
			out->cop_err_mm[j] = INFINITY; /* next to no load, or gains undetermined */
		out->max_cop_err_mm = fmax(out->max_cop_err_mm, out->cop_err_mm[j]);
		out->max_fz_err_n = fmax(out->max_fz_err_n, fabs(out->fz_err_n[j]));
		score = fmax(score, out->sd_n[j] / (PCAL_STILL_TOL_FRAC * w_n));
		score = fmax(score, fabs(out->fz_err_n[j]) / (PCAL_FZ_TOL_FRAC * w_n));
		score = fmax(score, out->cop_err_mm[j] / PCAL_COP_TOL_MM);
		fd->score[j] = isnan(score) ? INFINITY : score;
	}
	for (int c = 0; c < CELL_COUNT; c++)
		out->rms_resid_n[c] = sqrt(out->rms_resid_n[c]);
}

/* True if every placement but `skip` is within its limits and every cell
 * follows its load. */
static bool consistent(const pcal_input *in, int skip, const fit_data *fd, const pcal_result *out)
{
	for (int c = 0; c < CELL_COUNT; c++)
		if (!(fabs(out->cos[c]) >= PCAL_MIN_COS))
			return false;
	for (size_t j = 0; j < in->n_places; j++)
		if ((int)j != skip && !(fd->score[j] <= 1))
			return false;
	return true;
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
	fit_data fd;
	fd.w_n = in->mass_kg * PCAL_G_M_S2;
	for (int c = 0; c < CELL_COUNT; c++)
		out->offset_counts[c] = after ? 0.5 * (in->empty.mean[c] + in->empty_after.mean[c]) : in->empty.mean[c];
	double most[CELL_COUNT] = {0};
	for (size_t j = 0; j < np; j++) {
		cop_to_forces(&in->plate, in->place[j].x_mm, in->place[j].y_mm, fd.w_n, fd.e[j]);
		for (int c = 0; c < CELL_COUNT; c++) {
			fd.d[j][c] = in->place[j].r.mean[c] - out->offset_counts[c];
			most[c] = fmax(most[c], fd.e[j][c]);
		}
	}
	for (int c = 0; c < CELL_COUNT; c++)
		if (most[c] < PCAL_MIN_SHARE * fd.w_n)
			return refuse(out, PCAL_TOO_FEW, c, -1);

	fit_gains(in, -1, &fd, out);
	/* A cell whose counts hardly move: nothing to fit. */
	for (int c = 0; c < CELL_COUNT; c++) {
		double sdd = 0;
		for (size_t j = 0; j < np; j++)
			sdd += fd.d[j][c] * fd.d[j][c];
		double response = sqrt(sdd / (double)np), noise = in->empty.sd[c] + PCAL_FLOOR_COUNTS;
		if (response < PCAL_MIN_SNR * noise || !(fabs(out->gain_n_per_count[c]) <= PCAL_MAX_GAIN))
			return refuse(out, PCAL_NO_RESPONSE, c, -1);
	}
	/* A zero that moved spoils every placement: said first, as the cause. */
	if (after) {
		double shift = 0;
		for (int c = 0; c < CELL_COUNT; c++)
			shift += out->gain_n_per_count[c] * (in->empty_after.mean[c] - in->empty.mean[c]);
		out->zero_shift_n = shift;
		if (fabs(shift) > PCAL_ZERO_TOL_FRAC * fd.w_n)
			return refuse(out, PCAL_ZERO_MOVED, -1, -1);
	}
	if (consistent(in, -1, &fd, out))
		return POISE_OK;
	/* Something is off. One placement that the others disagree with (the
	 * mass moved, or stood on another spot) spoils the cells' fits too, so
	 * before blaming the cells: would the fit without one placement be
	 * fine? Then that placement is the culprit, and its numbers against
	 * the others' calibration say by how much. */
	for (size_t k = 0; k < np; k++) {
		pcal_result alt = *out;
		fit_data fk = fd;
		fit_gains(in, (int)k, &fk, &alt);
		if (consistent(in, (int)k, &fk, &alt)) {
			*out = alt;
			return refuse(out, PCAL_MASS_MOVED, -1, (int)k);
		}
	}
	int worst_cell = -1;
	for (int c = 0; c < CELL_COUNT; c++)
		if (fabs(out->cos[c]) < PCAL_MIN_COS && (worst_cell < 0 || fabs(out->cos[c]) < fabs(out->cos[worst_cell])))
			worst_cell = c;
	if (worst_cell >= 0)
		return refuse(out, PCAL_NOT_FOLLOWING, worst_cell, -1);
	int worst = 0;
	for (size_t j = 1; j < np; j++)
		if (fd.score[j] > fd.score[worst])
			worst = (int)j;
	return refuse(out, PCAL_MASS_MOVED, -1, worst);
}
