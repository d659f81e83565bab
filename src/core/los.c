#include "core/los.h"

#include <math.h>

void los_default(los_model *m, double height_m)
{
	double h = (height_m > 0 ? height_m : 1.70) * 1000.0;
	double side = 0.07 * h, fwd = 0.07 * h, back = 0.04 * h;
	m->limit_mm[LOS_E] = side;
	m->limit_mm[LOS_W] = side;
	m->limit_mm[LOS_N] = fwd;
	m->limit_mm[LOS_S] = back;
	m->limit_mm[LOS_NE] = 0.85 * (side + fwd) / 2;
	m->limit_mm[LOS_NW] = 0.85 * (side + fwd) / 2;
	m->limit_mm[LOS_SE] = 0.85 * (side + back) / 2;
	m->limit_mm[LOS_SW] = 0.85 * (side + back) / 2;
	m->origin_x_mm = 0;
	m->origin_y_mm = 0;
}

double los_limit_at(const los_model *m, double theta)
{
	double a = fmod(theta, 2 * M_PI);
	if (a < 0)
		a += 2 * M_PI;
	double pos = a / (M_PI / 4);
	int i = (int)floor(pos) % LOS_DIRS;
	double w = pos - floor(pos);
	return (1 - w) * m->limit_mm[i] + w * m->limit_mm[(i + 1) % LOS_DIRS];
}

void los_to_unit(const los_model *m, double x_mm, double y_mm, double *u, double *v)
{
	double dx = x_mm - m->origin_x_mm, dy = y_mm - m->origin_y_mm;
	double lim = los_limit_at(m, atan2(dy, dx));
	*u = dx / lim;
	*v = dy / lim;
}

void los_to_mm(const los_model *m, double u, double v, double *x_mm, double *y_mm)
{
	double lim = los_limit_at(m, atan2(v, u));
	*x_mm = m->origin_x_mm + u * lim;
	*y_mm = m->origin_y_mm + v * lim;
}
