/* Poise: centre of pressure from four corner load cells, and the
 * calibration/tare stage that comes before it.
 *
 * Axes (DESIGN.md): x = medio-lateral, + to the patient's right; y =
 * antero-posterior, + forward (toes); origin at the centre of the four
 * cells; millimetres.
 */
#ifndef POISE_CORE_COP_H
#define POISE_CORE_COP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/frame.h"

/* Where the cells sit: centre-to-centre spacing between the left and right
 * cells (ML) and between the front and back cells (AP). A Wii Balance Board
 * is about 433 x 238 mm; a USB plate reports its own. */
typedef struct cop_plate {
	double width_mm; /* ML spacing */
	double depth_mm; /* AP spacing */
} cop_plate;

typedef struct cop_point {
	double x_mm;
	double y_mm;
	double fz_n; /* total vertical force */
} cop_point;

/* True if both spacings are finite and positive. */
bool cop_plate_valid(const cop_plate *p);

/* COP of four corner forces (DESIGN.md):
 *   x = (w/2)·((TR+BR) − (TL+BL))/Fz,  y = (d/2)·((TL+TR) − (BL+BR))/Fz.
 * Always fills out->fz_n. Returns POISE_OK, or POISE_E_RANGE when Fz is
 * below min_fz_n (nobody on the plate: x and y are then NaN, never a
 * division by noise). */
int cop_from_forces(const cop_plate *p, const double force_n[CELL_COUNT], double min_fz_n,
                    cop_point *out);

/* The inverse, used by the simulated plate: splits fz_n over the four cells
 * bilinearly so that cop_from_forces() gives back (x_mm, y_mm). x and y are
 * clamped to the plate. */
void cop_to_forces(const cop_plate *p, double x_mm, double y_mm, double fz_n,
                   double force_n[CELL_COUNT]);

/* Per-cell linear correction applied to every frame before the COP:
 * force' = gain·(force − offset). Offsets come from a tare, gains from a
 * device's calibration (1 when the device already reports newtons). */
typedef struct cop_calib {
	double offset_n[CELL_COUNT];
	double gain[CELL_COUNT];
} cop_calib;

/* Offsets 0, gains 1. */
void cop_calib_identity(cop_calib *c);

/* Applies c to force_n in place. */
void cop_calib_apply(const cop_calib *c, double force_n[CELL_COUNT]);

/* Tare: the mean force of each cell over a still, empty plate becomes its
 * offset. Feed raw (uncorrected) frames with cop_tare_add until it returns
 * true, then cop_tare_finish. Plain struct: no allocation. */
typedef struct cop_tare {
	uint32_t needed;
	uint32_t n;
	double sum[CELL_COUNT];
	double sum_sq_total; /* of the total force, to judge stillness */
	double sum_total;
} cop_tare;

/* Starts a tare over n_frames frames (at least 10). */
void cop_tare_begin(cop_tare *t, uint32_t n_frames);

/* Adds one raw frame's forces; returns true once enough frames are in. */
bool cop_tare_add(cop_tare *t, const double force_n[CELL_COUNT]);

/* Sets c's offsets to the mean of the tare frames (gains are kept).
 * Returns POISE_E_STATE if not enough frames were added, POISE_E_RANGE if
 * the total force moved by more than max_sd_n (standard deviation) during
 * the tare: someone is touching the plate; c is then untouched. */
int cop_tare_finish(const cop_tare *t, double max_sd_n, cop_calib *c);

#endif
