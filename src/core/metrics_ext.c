#include "core/metrics_ext.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/filter.h"

/* z.05 of the one-sided normal, Prieto et al. 1996's 95 % confidence circle. */
#define Z05 1.645

void met_ext_cfg_default(met_ext_cfg *cfg)
{
	psd_cfg_default(&cfg->psd);
	sda_cfg_default(&cfg->sda);
	cfg->sway_density_radius_mm = 3;
	cfg->sway_density_lowpass_hz = 2.5;
}

/* ---- planar range: the diameter of the convex hull ---- */

typedef struct pt {
	double x, y;
} pt;

static int cmp_pt(const void *a, const void *b)
{
	const pt *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

static double cross(pt o, pt a, pt b)
{
	return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* True unless o → a → b turns left by more than rounding: points on a
 * line (to 1e-9 of a radian) leave the hull, so the calipers below walk a
 * strictly convex polygon. */
static bool not_left(pt o, pt a, pt b)
{
	double ax = a.x - o.x, ay = a.y - o.y, bx = b.x - o.x, by = b.y - o.y;
	return cross(o, a, b) <= 1e-9 * sqrt((ax * ax + ay * ay) * (bx * bx + by * by));
}

/* Keeps of (x, y)[0..n) in p only the points that may lie on the convex
 * hull and returns how many: a point strictly inside the quadrilateral of
 * the leftmost, lowest, rightmost and highest points (by more than
 * rounding) cannot be a hull vertex (Akl & Toussaint 1978). For sway most
 * points are inside, so the sort that follows is short. */
static size_t hull_candidates(const double *x, const double *y, size_t n, pt *p)
{
	size_t e[4] = {0, 0, 0, 0}; /* left, bottom, right, top: counter-clockwise */
	for (size_t i = 1; i < n; i++) {
		if (x[i] < x[e[0]])
			e[0] = i;
		if (y[i] < y[e[1]])
			e[1] = i;
		if (x[i] > x[e[2]])
			e[2] = i;
		if (y[i] > y[e[3]])
			e[3] = i;
	}
	pt q[4];
	for (int k = 0; k < 4; k++)
		q[k] = (pt){x[e[k]], y[e[k]]};
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		pt c = {x[i], y[i]};
		bool inside = true;
		for (int k = 0; k < 4 && inside; k++) {
			pt a = q[k], b = q[(k + 1) % 4];
			double ex = b.x - a.x, ey = b.y - a.y, cx = c.x - a.x, cy = c.y - a.y;
			inside = cross(a, b, c) > 1e-9 * sqrt((ex * ex + ey * ey) * (cx * cx + cy * cy));
		}
		if (!inside)
			p[m++] = c;
	}
	return m;
}

/* Largest distance between two of the n points in p (sorted in place;
 * hull has room for n + 1 points): Andrew's monotone-chain hull, then
 * rotating calipers over it. */
static double diameter(pt *p, size_t n, pt *h)
{
	qsort(p, n, sizeof *p, cmp_pt);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		while (m >= 2 && not_left(h[m - 2], h[m - 1], p[i]))
			m--;
		h[m++] = p[i];
	}
	for (size_t i = n - 1, lo = m + 1; i-- > 0;) {
		while (m >= lo && not_left(h[m - 2], h[m - 1], p[i]))
			m--;
		h[m++] = p[i];
	}
	if (m > 1)
		m--; /* the last point repeats the first */
	if (m == 1)
		return 0;
	if (m == 2)
		return hypot(h[1].x - h[0].x, h[1].y - h[0].y);
	double best = 0;
	for (size_t i = 0, j = 1; i < m; i++) {
		size_t ni = (i + 1) % m;
		while (fabs(cross(h[i], h[ni], h[(j + 1) % m])) > fabs(cross(h[i], h[ni], h[j])))
			j = (j + 1) % m;
		best = fmax(best, hypot(h[i].x - h[j].x, h[i].y - h[j].y));
		best = fmax(best, hypot(h[ni].x - h[j].x, h[ni].y - h[j].y));
	}
	return best;
}

/* ---- velocity: zero crossings and peaks ---- */

/* From the central-difference velocity v[i] = (x[i+1] − x[i−1])·fs/2 of
 * x[0..n): its standard deviation, the sign changes per second (T =
 * (n − 1)/fs) and the mean of |v|'s maxima over the half-waves between
 * two sign changes (the unfinished first and last ones left out), as
 * Quijoux et al. 2021 count them. */
static void velocity_stats(const double *x, size_t n, double fs, double *sd, double *zc_hz,
                           double *peak)
{
	double s = 0, s2 = 0, peak_sum = 0, cur = 0;
	size_t m = 0, crossings = 0, peaks = 0;
	int side = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		double v = (x[i + 1] - x[i - 1]) * fs * 0.5;
		s += v;
		s2 += v * v;
		m++;
		int sg = (v > 0) - (v < 0);
		if (sg && side && sg != side) {
			if (crossings > 0) {
				peak_sum += cur;
				peaks++;
			}
			crossings++;
			cur = 0;
		}
		if (sg)
			side = sg;
		cur = fmax(cur, fabs(v));
	}
	double mean = m ? s / (double)m : 0;
	double var = m ? s2 / (double)m - mean * mean : 0;
	*sd = sqrt(var > 0 ? var : 0);
	*zc_hz = (double)crossings * fs / (double)(n - 1);
	*peak = peaks ? peak_sum / (double)peaks : NAN;
}

/* ---- sway density ---- */

/* The fraction of a sample period after a (at distance da ≤ r) at which
 * the straight path to b (at db > r) leaves the circle: distance taken as
 * linear in between. */
static double exit_fraction(double da, double db, double r)
{
	return db > da ? (r - da) / (db - da) : 0;
}

/* The stay around each sample is found by walking the path until it
 * leaves the circle, which costs the length of the stay: seconds of
 * samples for a quiet patient, the whole record for a still one. A pyramid
 * of bounding boxes (blocks of SD_FAN samples, SD_FAN blocks of those, ...)
 * lets the walk jump over any block whose box lies inside the circle, so a
 * stay costs about SD_FAN·(levels) steps, not its length. The jump is
 * exact: if the box's farthest corner is within r (computed with the same
 * rounded operations as a sample's distance, which are monotonic), so is
 * every sample in it. */
#define SD_FAN 16
#define SD_LEVELS 8

typedef struct sd_box {
	double x0, x1, y0, y1;
} sd_box;

typedef struct sd_pyramid {
	sd_box *lv[SD_LEVELS];
	size_t span[SD_LEVELS]; /* samples per box */
	int levels;
	sd_box *mem;
} sd_pyramid;

static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* Builds the pyramid; false (and nothing to free) if there is no memory. */
static bool pyramid_make(sd_pyramid *py, const double *x, const double *y, size_t n)
{
	size_t total = 0, nb = n;
	int levels = 0;
	while (nb > 1 && levels < SD_LEVELS) {
		nb = (nb + SD_FAN - 1) / SD_FAN;
		total += nb;
		levels++;
	}
	py->levels = levels;
	py->mem = levels ? malloc(total * sizeof *py->mem) : NULL;
	if (levels && !py->mem)
		return false;
	sd_box *p = py->mem;
	size_t below = n, span = 1;
	for (int l = 0; l < levels; l++) {
		size_t count = (below + SD_FAN - 1) / SD_FAN;
		py->lv[l] = p;
		py->span[l] = span * SD_FAN;
		for (size_t b = 0; b < count; b++) {
			sd_box bx = {INFINITY, -INFINITY, INFINITY, -INFINITY};
			for (size_t k = b * SD_FAN; k < below && k < (b + 1) * SD_FAN; k++) {
				sd_box c = l == 0 ? (sd_box){x[k], x[k], y[k], y[k]} : py->lv[l - 1][k];
				bx = (sd_box){dmin(bx.x0, c.x0), dmax(bx.x1, c.x1), dmin(bx.y0, c.y0),
				              dmax(bx.y1, c.y1)};
			}
			p[b] = bx;
		}
		p += count;
		below = count;
		span *= SD_FAN;
	}
	return true;
}

static double dist2(const double *x, const double *y, size_t j, size_t i)
{
	double dx = x[j] - x[i], dy = y[j] - y[i];
	return dx * dx + dy * dy;
}

/* True if every point of b lies within r of (xi, yi) (see above). */
static bool box_inside(const sd_box *b, double xi, double yi, double r2)
{
	double dx = dmax(fabs(b->x0 - xi), fabs(b->x1 - xi));
	double dy = dmax(fabs(b->y0 - yi), fabs(b->y1 - yi));
	return dx * dx + dy * dy <= r2;
}

/* The end (dir +1: one past the last sample; −1: the first sample) of the
 * largest box holding sample j that lies inside the circle around sample
 * i, or 0 (+1) / SIZE_MAX (−1) when even the smallest does not. */
static size_t inside_run(const sd_pyramid *py, const double *x, const double *y, size_t n,
                         size_t i, size_t j, int dir, double r2)
{
	size_t end = dir > 0 ? 0 : SIZE_MAX;
	for (int l = 0; l < py->levels; l++) {
		size_t sp = py->span[l], b = j / sp;
		if (!box_inside(&py->lv[l][b], x[i], y[i], r2))
			break;
		end = dir > 0 ? ((b + 1) * sp < n ? (b + 1) * sp : n) : b * sp;
	}
	return end;
}

/* The first sample after i (dir +1) or before it (−1) outside the circle
 * of r around sample i, or n (dir +1) / SIZE_MAX (−1) if the path never
 * leaves it. The box holding the current sample is tried first (a box
 * inside the circle is skipped whole, from any sample in it); when even
 * its smallest box is not inside, the samples of that box are looked at
 * one by one. */
static size_t first_exit(const sd_pyramid *py, const double *x, const double *y, size_t n,
                         size_t i, int dir, double r2)
{
	if (dir > 0) {
		size_t j = i + 1;
		while (j < n) {
			size_t end = py ? inside_run(py, x, y, n, i, j, dir, r2) : 0;
			if (end) {
				j = end;
				continue;
			}
			size_t stop = py ? (j / SD_FAN + 1) * SD_FAN : n;
			for (stop = stop < n ? stop : n; j < stop; j++)
				if (dist2(x, y, j, i) > r2)
					return j;
		}
		return n;
	}
	size_t j = i; /* one past the next sample to look at */
	while (j > 0) {
		size_t first = py ? inside_run(py, x, y, n, i, j - 1, dir, r2) : SIZE_MAX;
		if (first != SIZE_MAX) {
			j = first;
			continue;
		}
		size_t stop = py ? (j - 1) / SD_FAN * SD_FAN : 0;
		for (; j > stop; j--)
			if (dist2(x, y, j - 1, i) > r2)
				return j - 1;
	}
	return SIZE_MAX;
}

/* The stay's end beyond the last sample inside: the fraction of a period
 * to the exit (0 if the path never leaves). */
static double exit_part(const double *x, const double *y, size_t i, size_t last_in, size_t exit,
                        bool left, double r)
{
	if (!left)
		return 0;
	double d2 = last_in == i ? 0 : dist2(x, y, last_in, i);
	return exit_fraction(sqrt(d2), sqrt(dist2(x, y, exit, i)), r);
}

void met_sway_density(const double *x, const double *y, size_t n, double fs, double r, double *sd)
{
	double r2 = r * r;
	sd_pyramid py = {0};
	bool have = pyramid_make(&py, x, y, n); /* without memory: plain walks */
	for (size_t i = 0; i < n; i++) {
		size_t hi = first_exit(have ? &py : NULL, x, y, n, i, +1, r2);
		size_t lo = first_exit(have ? &py : NULL, x, y, n, i, -1, r2);
		bool left_hi = hi < n, left_lo = lo != SIZE_MAX;
		size_t last_hi = left_hi ? hi - 1 : n - 1, last_lo = left_lo ? lo + 1 : 0;
		double t = exit_part(x, y, i, last_hi, hi, left_hi, r) + exit_part(x, y, i, last_lo, lo, left_lo, r);
		sd[i] = ((double)(last_hi - last_lo) + t) / fs;
	}
	free(py.mem);
}

/* Peaks of the (filtered) sway-density curve sd[0..n): strict local maxima. */
static void sway_density_peaks(const double *sd, const double *x, const double *y, size_t n,
                               double fs, met_ext *m)
{
	double sum = 0, dist = 0, gap = 0;
	size_t np = 0, prev = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		if (!(sd[i] > sd[i - 1] && sd[i] > sd[i + 1]))
			continue;
		sum += sd[i];
		if (np > 0) {
			dist += hypot(x[i] - x[prev], y[i] - y[prev]);
			gap += (double)(i - prev) / fs;
		}
		prev = i;
		np++;
	}
	m->sway_density_peak_s = np ? sum / (double)np : NAN;
	m->sway_density_distance_mm = np > 1 ? dist / (double)(np - 1) : NAN;
	m->sway_density_interval_s = np > 1 ? gap / (double)(np - 1) : NAN;
}

/* ---- the parts together ---- */

static double ratio(double a, double b)
{
	return b != 0 ? a / b : NAN;
}

static double fractal_dimension(size_t n, double d, double path)
{
	if (!(d > 0) || !(path > 0))
		return NAN;
	return log((double)n) / log((double)n * d / path);
}

static void positional(const double *x, const double *y, size_t n, const met_static *st,
                       pt *pts, pt *hull, met_ext *m)
{
	double ax = 0, ay = 0, mx = 0, my = 0, md = 0, sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		ax += fabs(x[i]);
		ay += fabs(y[i]);
		mx = fmax(mx, fabs(x[i]));
		my = fmax(my, fabs(y[i]));
		md = fmax(md, hypot(x[i], y[i]));
		sxx += x[i] * x[i];
		syy += y[i] * y[i];
		sxy += x[i] * y[i];
	}
	double dn = (double)n;
	m->mean_distance_ml_mm = ax / dn;
	m->mean_distance_ap_mm = ay / dn;
	m->max_distance_mm = md;
	m->max_distance_ml_mm = mx;
	m->max_distance_ap_mm = my;
	m->range_mm = diameter(pts, hull_candidates(x, y, n, pts), hull);
	m->range_ratio = ratio(st->range_ml_mm, st->range_ap_mm);
	m->sway_direction_coefficient = sxx * syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
	if (sxy == 0 && sxx == syy) {
		m->principal_sway_direction_deg = NAN; /* no principal axis */
	} else {
		double theta = 0.5 * atan2(2 * sxy, sxx - syy); /* from the ML axis */
		m->principal_sway_direction_deg = 90.0 - fabs(theta) * 180.0 / M_PI;
	}
	double s_rd2 = st->rms_distance_mm * st->rms_distance_mm -
	               st->mean_distance_mm * st->mean_distance_mm;
	double rcc = st->mean_distance_mm + Z05 * sqrt(s_rd2 > 0 ? s_rd2 : 0);
	m->circle95_area_mm2 = M_PI * rcc * rcc;
	m->length_over_area_1_mm = ratio(st->path_length_mm, st->ellipse95_area_mm2);
	m->fractal_dimension_pd = fractal_dimension(n, m->range_mm, st->path_length_mm);
	m->fractal_dimension_cc = fractal_dimension(n, 2 * rcc, st->path_length_mm);
	m->fractal_dimension_ce =
		fractal_dimension(n, sqrt(4 * st->ellipse95_area_mm2 / M_PI), st->path_length_mm);
}

static void dynamic(const double *x, const double *y, size_t n, double fs, const met_static *st,
                    met_ext *m)
{
	m->mean_frequency_ml_hz =
		ratio(st->mean_velocity_ml_mm_s, 4 * M_SQRT2 * m->mean_distance_ml_mm);
	m->mean_frequency_ap_hz =
		ratio(st->mean_velocity_ap_mm_s, 4 * M_SQRT2 * m->mean_distance_ap_mm);
	double sdx, sdy;
	velocity_stats(x, n, fs, &sdx, &m->velocity_zero_crossings_ml_hz, &m->peak_velocity_ml_mm_s);
	velocity_stats(y, n, fs, &sdy, &m->velocity_zero_crossings_ap_hz, &m->peak_velocity_ap_mm_s);
	m->phase_plane_ml = sqrt(st->rms_ml_mm * st->rms_ml_mm + sdx * sdx);
	m->phase_plane_ap = sqrt(st->rms_ap_mm * st->rms_ap_mm + sdy * sdy);
}

static int sway_density(const double *x, const double *y, size_t n, double fs,
                        const met_ext_cfg *cfg, double *sd, met_ext *m)
{
	met_sway_density(x, y, n, fs, cfg->sway_density_radius_mm, sd);
	double fc = cfg->sway_density_lowpass_hz;
	if (fc > 0 && fc < fs / 2) {
		flt_butter f;
		int rc = flt_butter_design(&f, 4, fc, fs);
		if (rc == POISE_OK)
			rc = flt_filtfilt(&f, sd, n);
		if (rc)
			return rc;
	}
	sway_density_peaks(sd, x, y, n, fs, m);
	return POISE_OK;
}

static void psd_nan(psd_measures *p)
{
	double nan = NAN;
	*p = (psd_measures){nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
}

static int spectra(const double *x, const double *y, const double *rd, size_t n, double fs,
                   const psd_cfg *cfg, met_ext *m)
{
	psd_nan(&m->psd_ml);
	psd_nan(&m->psd_ap);
	psd_nan(&m->psd_rd);
	psd_plan p;
	int rc = psd_plan_make(cfg, n, fs, &p);
	if (rc == POISE_E_RANGE)
		return POISE_OK; /* too short: NaN */
	if (rc)
		return rc;
	double *buf = malloc((p.nbins + p.work_len) * sizeof *buf);
	if (!buf)
		return POISE_E_NOMEM;
	const double *sig[3] = {x, y, rd};
	psd_measures *dst[3] = {&m->psd_ml, &m->psd_ap, &m->psd_rd};
	for (int s = 0; s < 3 && rc == POISE_OK; s++) {
		rc = psd_welch(sig[s], &p, cfg, buf, buf + p.nbins);
		if (rc == POISE_OK)
			rc = psd_measures_compute(buf, p.nbins, p.df_hz, cfg->band_lo_hz, cfg->band_hi_hz,
			                          dst[s]);
		if (rc == POISE_E_RANGE) {
			psd_nan(dst[s]);
			rc = POISE_OK;
		}
	}
	free(buf);
	return rc;
}

static void sda_nan(sda_fit *f)
{
	double nan = NAN;
	*f = (sda_fit){nan, nan, nan, nan, nan, nan, nan};
}

static int diffusion(const double *x, const double *y, size_t n, double fs, const sda_cfg *cfg,
                     met_ext *m)
{
	sda_nan(&m->sda_ml);
	sda_nan(&m->sda_ap);
	sda_nan(&m->sda_planar);
	size_t k = sda_max_lag(cfg, n, fs);
	if (k < 1 || (double)k / fs < 2 * cfg->break_max_s - 1e-9)
		return POISE_OK; /* too short: NaN */
	size_t wl = sda_work_len(n, k);
	if (!wl)
		return POISE_E_RANGE;
	double *buf = malloc((3 * k + wl) * sizeof *buf);
	if (!buf)
		return POISE_E_NOMEM;
	double *mx = buf, *my = mx + k, *mr = my + k, *work = mr + k;
	int rc = sda_msd2(x, y, n, k, mx, my, work);
	if (rc == POISE_OK) {
		for (size_t i = 0; i < k; i++)
			mr[i] = mx[i] + my[i];
		const double *plots[3] = {mx, my, mr};
		sda_fit *dst[3] = {&m->sda_ml, &m->sda_ap, &m->sda_planar};
		for (int s = 0; s < 3 && rc == POISE_OK; s++) {
			rc = sda_fit_plot(plots[s], k, 1.0 / fs, cfg, dst[s]);
			if (rc == POISE_E_RANGE) {
				sda_nan(dst[s]);
				rc = POISE_OK;
			}
		}
	}
	free(buf);
	return rc;
}

int met_ext_compute(const double *x_mm, const double *y_mm, size_t n, double fs_hz,
                    const met_ext_cfg *cfg, met_ext *out)
{
	if (n < 3)
		return POISE_E_RANGE;
	if (!(fs_hz > 0) || !isfinite(fs_hz) || !cfg || psd_cfg_check(&cfg->psd) ||
	    !(cfg->sway_density_radius_mm > 0) || !(cfg->sda.max_lag_s > 0) ||
	    !(cfg->sda.break_min_s > 0) || !(cfg->sda.break_max_s >= cfg->sda.break_min_s))
		return POISE_E_INVALID;
	met_static st;
	int rc = met_static_compute(x_mm, y_mm, n, (double)(n - 1) / fs_hz, &st);
	if (rc)
		return rc;
	/* One block: x, y, rd, sway density (n each), then points and hull. */
	double *buf = malloc((4 * n) * sizeof *buf + (2 * n + 1) * sizeof(pt));
	if (!buf)
		return POISE_E_NOMEM;
	double *x = buf, *y = x + n, *rd = y + n, *sd = rd + n;
	pt *pts = (pt *)(sd + n), *hull = pts + n;
	for (size_t i = 0; i < n; i++) {
		x[i] = x_mm[i] - st.mean_ml_mm;
		y[i] = y_mm[i] - st.mean_ap_mm;
		rd[i] = hypot(x[i], y[i]);
	}
	met_ext m;
	memset(&m, 0, sizeof m);
	positional(x, y, n, &st, pts, hull, &m);
	dynamic(x, y, n, fs_hz, &st, &m);
	rc = sway_density(x, y, n, fs_hz, cfg, sd, &m);
	if (rc == POISE_OK)
		rc = spectra(x, y, rd, n, fs_hz, &cfg->psd, &m);
	if (rc == POISE_OK)
		rc = diffusion(x, y, n, fs_hz, &cfg->sda, &m);
	free(buf);
	if (rc)
		return rc;
	*out = m;
	return POISE_OK;
}

/* ---- the catalogue ---- */

#define F(member, key, label, unit) {key, label, unit, offsetof(met_ext, member)}
#define PSD(ax, AX)                                                                           \
	F(psd_##ax.total_power_mm2, "total_power_" #ax "_mm2", "Total power, " AX, "mm²"), \
	F(psd_##ax.f50_hz, "f50_" #ax "_hz", "50% power frequency, " AX, "Hz"),                     \
	F(psd_##ax.f95_hz, "f95_" #ax "_hz", "95% power frequency, " AX, "Hz"),                     \
	F(psd_##ax.centroid_hz, "centroid_frequency_" #ax "_hz", "Centroidal frequency, " AX, "Hz"), \
	F(psd_##ax.dispersion, "frequency_dispersion_" #ax, "Frequency dispersion, " AX, ""),        \
	F(psd_##ax.mode_hz, "frequency_mode_" #ax "_hz", "Frequency of peak power, " AX, "Hz"),     \
	F(psd_##ax.power_low_mm2, "power_low_" #ax "_mm2", "Power up to 0.5 Hz, " AX, "mm²"),        \
	F(psd_##ax.power_mid_mm2, "power_mid_" #ax "_mm2", "Power 0.5–2 Hz, " AX, "mm²"),           \
	F(psd_##ax.power_high_mm2, "power_high_" #ax "_mm2", "Power above 2 Hz, " AX, "mm²"),           \
	F(psd_##ax.quotient, "frequency_quotient_" #ax, "Power above / below 2 Hz, " AX, "")
#define SDA(ax, AX)                                                                             \
	F(sda_##ax.ds_mm2_s, "sda_ds_" #ax "_mm2_s", "Diffusion, short-term, " AX, "mm²/s"),          \
	F(sda_##ax.dl_mm2_s, "sda_dl_" #ax "_mm2_s", "Diffusion, long-term, " AX, "mm²/s"),           \
	F(sda_##ax.hs, "sda_hs_" #ax, "Scaling exponent, short-term, " AX, ""),                        \
	F(sda_##ax.hl, "sda_hl_" #ax, "Scaling exponent, long-term, " AX, ""),                         \
	F(sda_##ax.tc_s, "sda_tc_" #ax "_s", "Critical time interval, " AX, "s"),                      \
	F(sda_##ax.xc_mm2, "sda_xc_" #ax "_mm2", "Critical mean square displacement, " AX, "mm²"), \
	F(sda_##ax.break_s, "sda_break_" #ax "_s", "Break between the fitted regions, " AX, "s")

static const met_field fields[] = {
	F(mean_distance_ml_mm, "mean_distance_ml_mm", "Mean distance, ML", "mm"),
	F(mean_distance_ap_mm, "mean_distance_ap_mm", "Mean distance, AP", "mm"),
	F(max_distance_mm, "max_distance_mm", "Maximal distance", "mm"),
	F(max_distance_ml_mm, "max_distance_ml_mm", "Maximal distance, ML", "mm"),
	F(max_distance_ap_mm, "max_distance_ap_mm", "Maximal distance, AP", "mm"),
	F(range_mm, "range_mm", "Range, planar", "mm"),
	F(range_ratio, "range_ratio", "Range ratio ML/AP", ""),
	F(sway_direction_coefficient, "sway_direction_coefficient", "Coefficient of sway direction", ""),
	F(principal_sway_direction_deg, "principal_sway_direction_deg", "Principal sway direction from AP", "°"),
	F(circle95_area_mm2, "circle95_area_mm2", "95% confidence circle area", "mm²"),
	F(mean_frequency_ml_hz, "mean_frequency_ml_hz", "Mean frequency, ML", "Hz"),
	F(mean_frequency_ap_hz, "mean_frequency_ap_hz", "Mean frequency, AP", "Hz"),
	F(phase_plane_ml, "phase_plane_ml", "Phase-plane parameter, ML", ""),
	F(phase_plane_ap, "phase_plane_ap", "Phase-plane parameter, AP", ""),
	F(length_over_area_1_mm, "length_over_area_1_mm", "Path length / ellipse area", "1/mm"),
	F(fractal_dimension_pd, "fractal_dimension_pd", "Fractal dimension (planar diameter)", ""),
	F(fractal_dimension_cc, "fractal_dimension_cc", "Fractal dimension (confidence circle)", ""),
	F(fractal_dimension_ce, "fractal_dimension_ce", "Fractal dimension (confidence ellipse)", ""),
	F(velocity_zero_crossings_ml_hz, "velocity_zero_crossings_ml_hz", "Velocity zero crossings, ML", "1/s"),
	F(velocity_zero_crossings_ap_hz, "velocity_zero_crossings_ap_hz", "Velocity zero crossings, AP", "1/s"),
	F(peak_velocity_ml_mm_s, "peak_velocity_ml_mm_s", "Mean velocity peak, ML", "mm/s"),
	F(peak_velocity_ap_mm_s, "peak_velocity_ap_mm_s", "Mean velocity peak, AP", "mm/s"),
	F(sway_density_peak_s, "sway_density_peak_s", "Sway density, mean peak", "s"),
	F(sway_density_distance_mm, "sway_density_distance_mm", "Sway density, mean peak distance", "mm"),
	F(sway_density_interval_s, "sway_density_interval_s", "Sway density, mean peak interval", "s"),
	PSD(ml, "ML"),
	PSD(ap, "AP"),
	PSD(rd, "RD"),
	SDA(ml, "ML"),
	SDA(ap, "AP"),
	SDA(planar, "planar"),
};
#undef PSD
#undef SDA
#undef F

const met_field *met_ext_fields(size_t *n)
{
	*n = sizeof fields / sizeof fields[0];
	return fields;
}

double met_ext_field_value(const met_ext *m, const met_field *f)
{
	return *(const double *)((const char *)m + f->offset);
}
