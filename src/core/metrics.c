#include "core/metrics.h"

#include <math.h>
#include <stddef.h>

#include "core/error.h"

double met_f_quantile_2(double alpha, double df2)
{
	if (!(alpha > 0 && alpha < 1) || !(df2 > 0))
		return NAN;
	/* For F(2, d): P(F > f) = (1 + 2f/d)^(−d/2); solve for f. */
	return 0.5 * df2 * expm1(-2.0 / df2 * log(alpha));
}

int met_static_compute(const double *x, const double *y, size_t n, double duration_s,
                       met_static *out)
{
	if (n < 3 || !(duration_s > 0))
		return POISE_E_RANGE;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return POISE_E_INVALID;
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;

	double sum_d = 0, sum_d2 = 0, sxx = 0, syy = 0, sxy = 0;
	double min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
	double path = 0, path_x = 0, path_y = 0, area_sw = 0;
	double px = 0, py = 0;
	for (size_t i = 0; i < n; i++) {
		double ml = x[i] - mx, ap = y[i] - my;
		double d2 = ml * ml + ap * ap;
		sum_d += sqrt(d2);
		sum_d2 += d2;
		sxx += ml * ml;
		syy += ap * ap;
		sxy += ml * ap;
		min_x = fmin(min_x, ml);
		max_x = fmax(max_x, ml);
		min_y = fmin(min_y, ap);
		max_y = fmax(max_y, ap);
		if (i > 0) {
			double dx = ml - px, dy = ap - py;
			path += hypot(dx, dy);
			path_x += fabs(dx);
			path_y += fabs(dy);
			/* Prieto's AREA-SW: the triangle between the mean point
			 * and two consecutive points, |AP[n+1]·ML[n] − AP[n]·ML[n+1]|/2 */
			area_sw += fabs(ap * px - py * ml);
		}
		px = ml;
		py = ap;
	}
	double dn = (double)n, T = duration_s;
	met_static m = {
		.n_samples = n,
		.duration_s = T,
		.fs_hz = (dn - 1) / T,
		.mean_ml_mm = mx,
		.mean_ap_mm = my,
		.mean_distance_mm = sum_d / dn,
		.rms_distance_mm = sqrt(sum_d2 / dn),
		.rms_ml_mm = sqrt(sxx / dn),
		.rms_ap_mm = sqrt(syy / dn),
		.range_ml_mm = max_x - min_x,
		.range_ap_mm = max_y - min_y,
		.path_length_mm = path,
		.mean_velocity_mm_s = path / T,
		.mean_velocity_ml_mm_s = path_x / T,
		.mean_velocity_ap_mm_s = path_y / T,
		.sway_area_mm2_s = area_sw / (2.0 * T),
	};
	double s_ml2 = sxx / dn, s_ap2 = syy / dn, s_mlap = sxy / dn;
	double det = s_ml2 * s_ap2 - s_mlap * s_mlap;
	m.ellipse95_area_mm2 = 2.0 * M_PI * met_f_quantile_2(0.05, dn - 2) * sqrt(det > 0 ? det : 0);
	m.mean_frequency_hz = m.mean_distance_mm > 0
		? m.mean_velocity_mm_s / (2.0 * M_PI * m.mean_distance_mm) : 0;
	*out = m;
	return POISE_OK;
}

#define FIELD(k, l, u) {#k, l, u, offsetof(met_static, k)}
static const met_field fields[] = {
	FIELD(duration_s, "Duration", "s"),
	FIELD(fs_hz, "Sample rate", "Hz"),
	FIELD(mean_ml_mm, "Mean position, ML", "mm"),
	FIELD(mean_ap_mm, "Mean position, AP", "mm"),
	FIELD(mean_distance_mm, "Mean distance", "mm"),
	FIELD(rms_distance_mm, "RMS distance", "mm"),
	FIELD(rms_ml_mm, "RMS distance, ML", "mm"),
	FIELD(rms_ap_mm, "RMS distance, AP", "mm"),
	FIELD(range_ml_mm, "Range, ML", "mm"),
	FIELD(range_ap_mm, "Range, AP", "mm"),
	FIELD(path_length_mm, "Path length", "mm"),
	FIELD(mean_velocity_mm_s, "Mean velocity", "mm/s"),
	FIELD(mean_velocity_ml_mm_s, "Mean velocity, ML", "mm/s"),
	FIELD(mean_velocity_ap_mm_s, "Mean velocity, AP", "mm/s"),
	FIELD(ellipse95_area_mm2, "95% confidence ellipse area", "mm²"),
	FIELD(sway_area_mm2_s, "Sway area per second", "mm²/s"),
	FIELD(mean_frequency_hz, "Mean frequency", "Hz"),
};
#undef FIELD

const met_field *met_static_fields(size_t *n)
{
	*n = sizeof fields / sizeof fields[0];
	return fields;
}

double met_field_value(const met_static *m, const met_field *f)
{
	return *(const double *)((const char *)m + f->offset);
}
