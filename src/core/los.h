/* Poise: the patient's limits of stability (LOS) and the game space.
 *
 * Games play in LOS units: (0, 0) is the patient's centre, and a point at
 * distance 1 lies on the patient's limit in that direction, so one level
 * is equally hard for a tall athlete and a small person with MS. The limit
 * is known in eight directions (from the LOS test, or a height-based
 * default until measured) and interpolated linearly in angle between them.
 */
#ifndef POISE_CORE_LOS_H
#define POISE_CORE_LOS_H

enum los_dir { LOS_E, LOS_NE, LOS_N, LOS_NW, LOS_W, LOS_SW, LOS_S, LOS_SE, LOS_DIRS };

typedef struct los_model {
	double limit_mm[LOS_DIRS]; /* COP excursion to the limit: E = right,
	                            * N = forward, counter-clockwise */
	double origin_x_mm;        /* the patient's centre on the plate */
	double origin_y_mm;
} los_model;

/* A default for a person of height_m (≤ 0: 1.70 m): forward and sideways
 * 7 % of height, backward 4 %, diagonals 85 % of their neighbours' mean;
 * origin at the plate centre. Rough figures for healthy adults, to be
 * replaced by the patient's measured LOS. */
void los_default(los_model *m, double height_m);

/* Plate millimetres → LOS units (relative to the origin). */
void los_to_unit(const los_model *m, double x_mm, double y_mm, double *u, double *v);

/* LOS units → plate millimetres. */
void los_to_mm(const los_model *m, double u, double v, double *x_mm, double *y_mm);

/* The limit in mm in the direction of angle theta (radians, 0 = right,
 * π/2 = forward). */
double los_limit_at(const los_model *m, double theta);

#endif
