#include "core/assess.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fft.h"
#include "core/frame.h"

#define DEG (180.0 / M_PI)

/* True when t and a, b, c (b, c may be NULL) are finite and t increases. */
static bool valid_series(const double *t, const double *a, const double *b, const double *c,
                         size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(t[i]) || !isfinite(a[i]) || (b && !isfinite(b[i])) || (c && !isfinite(c[i])))
			return false;
		if (i > 0 && !(t[i] > t[i - 1]))
			return false;
	}
	return true;
}

/* First index with t[i] ≥ t0 (n if none). */
static size_t first_at(const double *t, size_t n, double t0)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid] < t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- LOS targets ---- */

void assess_los_geom_default(assess_los_geom *g, double height_m)
{
	*g = (assess_los_geom){
		.height_m = height_m,
		.com_ratio = 0.5527,
		.forward_deg = 8,
		.backward_deg = 4.5,
		.side_deg = 8,
	};
}

double assess_com_height_mm(const assess_los_geom *g)
{
	return g->com_ratio * g->height_m * 1000.0;
}

double assess_los_limit_deg(const assess_los_geom *g, double theta)
{
	double c = cos(theta), s = sin(theta);
	double ap = s >= 0 ? g->forward_deg : g->backward_deg;
	return 1.0 / sqrt((c / g->side_deg) * (c / g->side_deg) + (s / ap) * (s / ap));
}

double assess_los_target_mm(const assess_los_geom *g, double theta, double pct)
{
	return assess_com_height_mm(g) * tan(pct / 100.0 * assess_los_limit_deg(g, theta) / DEG);
}

/* ---- LOS: one attempt ---- */

void assess_los_cfg_default(assess_los_cfg *cfg)
{
	*cfg = (assess_los_cfg){
		.baseline_s = 1.0,
		.onset_speed_mm_s = 20,
		.onset_sd_k = 3,
		.onset_hold_s = 0.05,
		.progress_pct = 5,
	};
}

/* Speed of the segment from sample i to i + 1. */
static double seg_speed(const double *t, const double *x, const double *y, size_t i)
{
	return hypot(x[i + 1] - x[i], y[i + 1] - y[i]) / (t[i + 1] - t[i]);
}

/* The COP seen from the start along (u) and across (w) the target
 * direction e = (cos θ, sin θ): computed from x, y as needed, so an
 * attempt needs no work memory. */
typedef struct proj {
	const double *x, *y;
	double cx, cy, ex, ey;
} proj;

static double along(const proj *p, size_t i)
{
	return (p->x[i] - p->cx) * p->ex + (p->y[i] - p->cy) * p->ey;
}

static double across(const proj *p, size_t i)
{
	return -(p->x[i] - p->cx) * p->ey + (p->y[i] - p->cy) * p->ex;
}

/* The time u (over samples [from, to]) first reaches level, interpolated
 * between the samples around the crossing; NaN if it never does. */
static double crossing_time(const double *t, const proj *p, size_t from, size_t to, double level)
{
	for (size_t i = from; i <= to; i++) {
		double ui = along(p, i);
		if (ui >= level) {
			double up = i > from ? along(p, i - 1) : ui;
			if (i == from || ui == up)
				return t[i];
			return t[i - 1] + (level - up) / (ui - up) * (t[i] - t[i - 1]);
		}
	}
	return NAN;
}

/* The first segment at or after `from` whose speed stays above v_det for
 * hold_s; n if none. */
static size_t detect(const double *t, const double *x, const double *y, size_t n, size_t from,
                     double v_det, double hold_s)
{
	for (size_t j = from; j + 1 < n; j++) {
		if (!(seg_speed(t, x, y, j) > v_det))
			continue;
		bool held = true;
		for (size_t i = j + 1; i + 1 < n && t[i] < t[j] + hold_s; i++)
			if (!(seg_speed(t, x, y, i) > v_det)) {
				held = false;
				break;
			}
		if (held)
			return j;
	}
	return n;
}

/* The primary movement: fills EPE, MVL and DCL of r from the onset at
 * sample k. */
static void primary_movement(const double *t, const proj *p, size_t n, size_t k, double target,
                             double v_rest, double h, const assess_los_cfg *cfg,
                             assess_los_result *r)
{
	size_t s0 = k;
	while (s0 < n && along(p, s0) < cfg->progress_pct / 100.0 * target)
		s0++;
	if (s0 >= n)
		return; /* never went toward the target */
	size_t e = s0;
	while (e + 1 < n && (along(p, e + 1) - along(p, e)) / (t[e + 1] - t[e]) > v_rest)
		e++;
	double ue = along(p, e);
	r->endpoint_t_s = t[e];
	r->endpoint_excursion_pct = 100.0 * ue / target;
	double t5 = crossing_time(t, p, k, e, 0.05 * ue), t95 = crossing_time(t, p, k, e, 0.95 * ue);
	if (t95 > t5) {
		r->movement_velocity_mm_s = 0.9 * ue / (t95 - t5);
		r->movement_velocity_deg_s = (atan(0.95 * ue / h) - atan(0.05 * ue / h)) * DEG / (t95 - t5);
	}
	double on = 0, off = 0;
	for (size_t i = k; i < e; i++) {
		double du = along(p, i + 1) - along(p, i);
		on += du > 0 ? du : 0;
		off += fabs(across(p, i + 1) - across(p, i)) + (du < 0 ? -du : 0);
	}
	if (on > 0)
		r->directional_control_pct = 100.0 * (on - off) / on;
}

int assess_los_attempt(const double *t, const double *x, const double *y, size_t n, double cue,
                       double theta, double target, double h, const assess_los_cfg *cfg,
                       assess_los_result *out)
{
	if (!cfg || !(target > 0) || !(h > 0) || !isfinite(cue) || !isfinite(theta) ||
	    !valid_series(t, x, y, NULL, n))
		return POISE_E_INVALID;
	size_t c = first_at(t, n, cue);
	size_t b0 = first_at(t, n, cue - cfg->baseline_s);
	if (c < b0 + 3 || cue - t[b0] < 0.25 - 1e-9 || n - c < 3)
		return POISE_E_RANGE;
	/* The start and the resting speed from the baseline. */
	double cx = 0, cy = 0, vs = 0, vs2 = 0;
	for (size_t i = b0; i < c; i++) {
		cx += x[i];
		cy += y[i];
	}
	cx /= (double)(c - b0);
	cy /= (double)(c - b0);
	size_t nseg = c - 1 - b0;
	for (size_t i = b0; i + 1 < c; i++) {
		double v = seg_speed(t, x, y, i);
		vs += v;
		vs2 += v * v;
	}
	double vb = vs / (double)nseg, var = vs2 / (double)nseg - vb * vb;
	double v_det = fmax(cfg->onset_speed_mm_s, vb + cfg->onset_sd_k * sqrt(var > 0 ? var : 0));

	double nan = NAN;
	assess_los_result r = {
		.moved = false,
		.reaction_time_s = nan,
		.movement_velocity_mm_s = nan,
		.movement_velocity_deg_s = nan,
		.endpoint_excursion_pct = nan,
		.max_excursion_pct = nan,
		.directional_control_pct = nan,
		.onset_t_s = nan,
		.endpoint_t_s = nan,
		.centre_x_mm = cx,
		.centre_y_mm = cy,
	};
	proj p = {x, y, cx, cy, cos(theta), sin(theta)};
	double umax = -INFINITY;
	for (size_t i = c; i < n; i++)
		umax = fmax(umax, along(&p, i));
	r.max_excursion_pct = 100.0 * umax / target;

	size_t j = detect(t, x, y, n, c, v_det, cfg->onset_hold_s);
	if (j < n) {
		/* back to the start of the run faster than the resting speed */
		size_t k = j;
		while (k > c && seg_speed(t, x, y, k - 1) > vb)
			k--;
		r.moved = true;
		r.onset_t_s = t[k];
		r.reaction_time_s = t[k] - cue;
		primary_movement(t, &p, n, k, target, vb, h, cfg, &r);
	}
	*out = r;
	return POISE_OK;
}

/* ---- Weight-bearing symmetry ---- */

int assess_cog_estimate(const double *cop, size_t n, double fs_hz, double h_mm, double *cog)
{
	if (n < 4)
		return POISE_E_RANGE;
	if (!(fs_hz > 0) || !(h_mm > 0))
		return POISE_E_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(cop[i]))
			return POISE_E_INVALID;
	size_t m = fft_next_pow2(2 * n);
	if (m == 0)
		return POISE_E_NOMEM;
	double *re = calloc(m, sizeof *re), *im = calloc(m, sizeof *im), *tw = malloc(fft_twiddles_len(m) * sizeof *tw);
	if (!re || !im || !tw) {
		free(re), free(im), free(tw);
		return POISE_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) /* mirrored, then held at the start */
		re[i] = re[2 * n - 1 - i] = cop[i]; /* value: no step anywhere */
	for (size_t i = 2 * n; i < m; i++)
		re[i] = cop[0];
	fft_twiddles(tw, m);
	fft_run(re, im, m, tw, false);
	double w0_sq = 9810.0 / h_mm; /* g/h, 1/s² */
	for (size_t k = 0; k < m; k++) {
		double f = (double)(k <= m / 2 ? k : m - k) * fs_hz / (double)m;
		double w = 2 * M_PI * f;
		double g = 1.0 / (1.0 + w * w / w0_sq);
		re[k] *= g;
		im[k] *= g;
	}
	fft_run(re, im, m, tw, true);
	for (size_t i = 0; i < n; i++)
		cog[i] = re[i] / (double)m;
	free(re), free(im), free(tw);
	return POISE_OK;
}

int assess_weight_bearing(const double *force_n, size_t n, double bw, assess_wb *out)
{
	if (n == 0)
		return POISE_E_RANGE;
	double l = 0, r = 0, fr = 0, bk = 0;
	for (size_t i = 0; i < n; i++) {
		const double *f = force_n + 4 * i;
		for (int c = 0; c < CELL_COUNT; c++)
			if (!isfinite(f[c]))
				return POISE_E_INVALID;
		l += f[CELL_TL] + f[CELL_BL];
		r += f[CELL_TR] + f[CELL_BR];
		fr += f[CELL_TL] + f[CELL_TR];
		bk += f[CELL_BL] + f[CELL_BR];
	}
	double tot = l + r, dn = (double)n;
	if (!(tot > 0))
		return POISE_E_RANGE;
	bool have_bw = bw > 0 && isfinite(bw);
	*out = (assess_wb){
		.mean_total_n = tot / dn,
		.left_pct = 100 * l / tot,
		.right_pct = 100 * r / tot,
		.front_pct = 100 * fr / tot,
		.back_pct = 100 * bk / tot,
		.left_bw_pct = have_bw ? 100 * l / dn / bw : NAN,
		.right_bw_pct = have_bw ? 100 * r / dn / bw : NAN,
		.front_bw_pct = have_bw ? 100 * fr / dn / bw : NAN,
		.back_bw_pct = have_bw ? 100 * bk / dn / bw : NAN,
		.symmetry_index_pct = 100 * (r - l) / (0.5 * (r + l)),
	};
	return POISE_OK;
}

/* ---- Sit-to-stand ---- */

void assess_sts_cfg_default(assess_sts_cfg *cfg)
{
	*cfg = (assess_sts_cfg){.settle_band_pct = 5, .settle_s = 0.5, .sway_window_s = 5};
}

/* The first time from sample `from` on at which Fz enters the band
 * |Fz − bw| ≤ band and stays in it for settle_s (the entry interpolated on
 * the band's edge); NaN if never. */
static double settle_time(const double *t, const double *fz, size_t n, size_t from, double bw,
                          double band, double settle_s)
{
	size_t run = n; /* first sample of the current in-band run */
	double entry = NAN;
	for (size_t i = from; i < n; i++) {
		bool in = fabs(fz[i] - bw) <= band;
		if (!in) {
			run = n;
			continue;
		}
		if (run == n) {
			run = i;
			entry = t[i];
			if (i > from) { /* where the line from the last sample outside crossed the edge */
				double edge = fz[i - 1] > bw ? bw + band : bw - band;
				if (fz[i] != fz[i - 1])
					entry = t[i - 1] + (edge - fz[i - 1]) / (fz[i] - fz[i - 1]) * (t[i] - t[i - 1]);
			}
		}
		if (t[i] - entry >= settle_s)
			return entry;
	}
	return NAN;
}

int assess_sit_to_stand(const double *t, const double *fz, const double *x, const double *y,
                        size_t n, double cue, double bw, double h, const assess_sts_cfg *cfg,
                        assess_sts *out)
{
	if (!cfg || !(bw > 0) || !isfinite(bw) || !isfinite(cue) || !valid_series(t, fz, x, y, n))
		return POISE_E_INVALID;
	size_t c = first_at(t, n, cue);
	if (n - c < 3)
		return POISE_E_RANGE;
	double nan = NAN;
	assess_sts r = {nan, nan, nan, nan, nan, nan, nan, nan};
	/* seat-off: Fz reaches body weight */
	size_t so = c;
	while (so < n && fz[so] < bw)
		so++;
	if (so < n) {
		r.seat_off_t_s = so == c ? t[so]
		                         : t[so - 1] + (bw - fz[so - 1]) / (fz[so] - fz[so - 1]) * (t[so] - t[so - 1]);
		r.weight_transfer_s = r.seat_off_t_s - cue;
		r.stand_t_s = settle_time(t, fz, n, so, bw, cfg->settle_band_pct / 100 * bw, cfg->settle_s);
	}
	/* the rise's peak: from the cue to standing (or the end) */
	size_t last = isnan(r.stand_t_s) ? n - 1 : first_at(t, n, r.stand_t_s);
	if (last >= n)
		last = n - 1;
	size_t pk = c;
	for (size_t i = c; i <= last; i++)
		if (fz[i] > fz[pk])
			pk = i;
	r.peak_t_s = t[pk];
	r.rising_index_pct = 100 * fz[pk] / bw;
	r.rising_excess_pct = 100 * (fz[pk] - bw) / bw;
	/* sway over the window after standing */
	if (!isnan(r.stand_t_s) && t[n - 1] >= r.stand_t_s + cfg->sway_window_s - 1e-9) {
		size_t a = first_at(t, n, r.stand_t_s), b = a;
		double path = 0;
		while (b + 1 < n && t[b + 1] <= r.stand_t_s + cfg->sway_window_s + 1e-9) {
			path += hypot(x[b + 1] - x[b], y[b + 1] - y[b]);
			b++;
		}
		if (b > a) {
			r.sway_velocity_mm_s = path / (t[b] - t[a]);
			if (h > 0)
				r.sway_velocity_deg_s = r.sway_velocity_mm_s / h * DEG;
		}
	}
	*out = r;
	return POISE_OK;
}

/* ---- Sensory tests ---- */

double assess_equilibrium_score(const double *y, size_t n, double h, bool fell)
{
	if (n == 0 || !(h > 0))
		return NAN;
	if (fell)
		return 0;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			return NAN;
		double a = atan(y[i] / h) * DEG;
		lo = fmin(lo, a);
		hi = fmax(hi, a);
	}
	double es = (12.5 - (hi - lo)) / 12.5 * 100;
	return es > 0 ? es : 0;
}

double assess_romberg(double ec, double eo)
{
	return isfinite(ec) && isfinite(eo) && eo > 0 ? ec / eo : NAN;
}

int assess_ctsib_summary(const assess_ctsib_trials *in, assess_ctsib *out)
{
	assess_ctsib s;
	memset(&s, 0, sizeof s);
	double comp = 0;
	for (int c = 0; c < CTSIB_CONDS; c++) {
		int nt = in->n[c];
		if (nt < 0 || nt > ASSESS_MAX_TRIALS)
			return POISE_E_INVALID;
		double v = 0, held = 0;
		int done = 0;
		for (int k = 0; k < nt; k++) {
			const assess_trial *a = &in->trial[c][k];
			if (!isfinite(a->held_s) || a->held_s < 0)
				return POISE_E_INVALID;
			held += a->held_s;
			if (a->fell) {
				s.falls[c]++;
				continue;
			}
			if (!isfinite(a->sway_velocity) || a->sway_velocity < 0)
				return POISE_E_INVALID;
			v += a->sway_velocity;
			done++;
		}
		s.trials[c] = nt;
		s.mean_velocity[c] = done ? v / done : NAN;
		s.mean_held_s[c] = nt ? held / nt : NAN;
		comp += s.mean_velocity[c];
	}
	s.composite_velocity = comp / CTSIB_CONDS; /* NaN if a condition is */
	s.romberg_firm = assess_romberg(s.mean_velocity[CTSIB_FIRM_EC], s.mean_velocity[CTSIB_FIRM_EO]);
	s.romberg_foam = assess_romberg(s.mean_velocity[CTSIB_FOAM_EC], s.mean_velocity[CTSIB_FOAM_EO]);
	s.foam_quotient_eo = assess_romberg(s.mean_velocity[CTSIB_FOAM_EO], s.mean_velocity[CTSIB_FIRM_EO]);
	*out = s;
	return POISE_OK;
}

static double quotient(double a, double b)
{
	return isfinite(a) && isfinite(b) && b > 0 ? a / b : NAN;
}

void assess_sot_ratios(const double es[6], assess_sensory *out)
{
	*out = (assess_sensory){
		.somatosensory = quotient(es[1], es[0]),
		.visual = quotient(es[3], es[0]),
		.vestibular = quotient(es[4], es[0]),
		.visual_preference = quotient(es[2] + es[5], es[1] + es[4]),
		.composite = (es[0] + es[1] + 3 * (es[2] + es[3] + es[4] + es[5])) / 14,
	};
}

void assess_ctsib_ratios(const double es[CTSIB_CONDS], assess_sensory *out)
{
	*out = (assess_sensory){
		.somatosensory = quotient(es[CTSIB_FIRM_EC], es[CTSIB_FIRM_EO]),
		.visual = quotient(es[CTSIB_FOAM_EO], es[CTSIB_FIRM_EO]),
		.vestibular = quotient(es[CTSIB_FOAM_EC], es[CTSIB_FIRM_EO]),
		.visual_preference = NAN,
		.composite = (es[0] + es[1] + es[2] + es[3]) / 4,
	};
}
