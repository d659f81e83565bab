/* Poise: calibrating a force plate's four cells from their raw counts.
 *
 * A plate with its own ADC (the USB plate, firmware-protocol/PROTOCOL.md
 * §5.2) turns counts into newtons with force = gain·(counts − offset) per
 * cell. This module finds the offsets and gains from readings a therapist
 * takes in the app (ui/scr_calibrate.c):
 *
 *   1. the empty plate, still: each cell's mean counts are its offset;
 *   2. a known mass placed at several known spots in turn (at least the
 *      centre and the four spots half-way to the corner cells,
 *      pcal_spot()): for each placement, the force expected on each cell
 *      is the bilinear share of the load at that point (cop_to_forces()),
 *      and each cell's gain is the least-squares fit, through the origin,
 *      of expected force against measured counts − offset;
 *   3. the empty plate again once the mass is off: the zero must not have
 *      moved (something resting on the plate while it was zeroed would
 *      otherwise bias every gain without any other sign).
 *
 * pcal_fit() then reports what the new calibration gives for each reading
 * (per-cell residuals in N, the total force, the centre of pressure and
 * its distance from the spot) and refuses a fit that cannot be trusted,
 * saying why (enum pcal_problem): a cell that does not respond, a cell
 * whose counts do not follow the load (cables swapped), the mass moved or
 * stood away from its mark, the zero moved. A negative gain (a cell wired
 * the other way round) is allowed by the protocol: it is kept and noted
 * (pcal_result.reversed), never refused for its sign.
 *
 * About the model: a point load on four supports is statically
 * indeterminate (three equations, four forces); the bilinear share is the
 * plate's own convention (cop_from_forces() inverts it exactly). A stiff
 * plate on equal cells shares a load linearly instead, which differs from
 * the bilinear share by up to 1/16 of the load at the four diagonal spots;
 * with the centre and those four spots the two models give the same
 * least-squares gains (the difference cancels over the symmetric spots),
 * so only the per-cell residuals show it. That is why per-cell residuals
 * are judged generously and the decisive checks are the model-free ones:
 * the total force and the centre of pressure at each spot.
 *
 * Pure: no I/O, no allocation; every number from arrays.
 */
#ifndef POISE_CORE_PLATECAL_H
#define POISE_CORE_PLATECAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cop.h"
#include "core/frame.h"

#define PCAL_SPOTS 5          /* the standard placements (pcal_spot) */
#define PCAL_MAX_PLACES 9     /* placements pcal_fit takes at most */
#define PCAL_G_M_S2 9.80665   /* standard gravity: a mass's weight */

/* Limits of a trustworthy fit (see pcal_fit). */
#define PCAL_COP_TOL_MM 10.0     /* COP of a placement, new calibration, from its spot */
#define PCAL_FZ_TOL_FRAC 0.03    /* total force of a placement against the mass's weight */
#define PCAL_RESID_TOL_FRAC 0.15 /* a cell's residual against the mass's weight */
#define PCAL_STILL_TOL_FRAC 0.01 /* a placement's force SD against the mass's weight */
#define PCAL_ZERO_TOL_FRAC 0.01  /* the zero's shift (start → end) against the weight */
#define PCAL_MIN_COS 0.95        /* counts against expected load, per cell (1 = proportional) */
#define PCAL_MIN_SNR 20.0        /* a cell's response against its noise */
#define PCAL_MAX_GAIN 1.0        /* N per count, the protocol's limit (PROTOCOL.md §5.2) */
#define PCAL_MIN_SHARE 0.3       /* each cell must carry this share of the mass somewhere */

/* Where standard placement k (0..PCAL_SPOTS−1) is on a plate: 0 the
 * centre, then front left, front right, back left, back right, each
 * half-way from the centre to that corner cell: x = ±width/4, y =
 * ±depth/4 (the same spots as the app's known-mass check). */
void pcal_spot(const cop_plate *p, int k, double *x_mm, double *y_mm);

/* Statistics of a window of raw counts, fed one sample at a time. The
 * window is split in halves, so a reading that creeps (a hand leaving the
 * mass, a plate settling) shows as drift. Plain struct, no allocation. */
typedef struct pcal_window {
	uint32_t needed;          /* samples in the window (at least 10) */
	uint32_t n;
	double ref[CELL_COUNT];   /* the first sample: sums are taken around it */
	double sum[CELL_COUNT], sum_sq[CELL_COUNT];
	double sum_first[CELL_COUNT]; /* of the first half */
} pcal_window;

/* What a window read, per cell, in counts. */
typedef struct pcal_reading {
	uint32_t n;                  /* samples (0: not measured) */
	double mean[CELL_COUNT];
	double sd[CELL_COUNT];
	double drift[CELL_COUNT];    /* mean of the second half − mean of the first */
} pcal_reading;

/* Starts a window of n_samples (at least 10). */
void pcal_window_begin(pcal_window *w, uint32_t n_samples);

/* Adds one sample's counts; true once the window is full (later samples
 * are ignored). */
bool pcal_window_add(pcal_window *w, const int32_t counts[CELL_COUNT]);

/* The window's reading (r->n = 0 if it is not full yet). */
void pcal_window_reading(const pcal_window *w, pcal_reading *r);

/* How a reading looks (pcal_judge). */
enum pcal_look {
	PCAL_LOOK_STILL = 0, /* steady: a reading to keep */
	PCAL_LOOK_MOVING,    /* the counts drift or spread beyond the noise */
	PCAL_LOOK_NO_LOAD,   /* a load was expected, the plate reads empty */
};

/* Judges a window before it is kept. empty == NULL: the empty plate
 * itself, steady when no cell drifts beyond its noise. With the empty
 * reading: a placed load, which must stand clearly above the empty
 * plate's noise (else NO_LOAD) and be as steady as the empty plate, give
 * or take 0.2 % of the load (else MOVING). Gains are not known yet, so
 * everything is in counts relative to the empty plate. */
enum pcal_look pcal_judge(const pcal_reading *r, const pcal_reading *empty);

/* One placement of the known mass. */
typedef struct pcal_place {
	double x_mm, y_mm;   /* where it stood, plate coordinates (pcal_spot) */
	pcal_reading r;
} pcal_place;

/* Everything pcal_fit needs. */
typedef struct pcal_input {
	cop_plate plate;           /* the cells' rectangle */
	double mass_kg;            /* the known mass */
	pcal_reading empty;        /* the empty plate before the placements */
	pcal_reading empty_after;  /* and after them (n = 0: not measured, no zero check) */
	size_t n_places;
	pcal_place place[PCAL_MAX_PLACES];
} pcal_input;

/* Why a fit cannot be trusted (the first found, in this order; a
 * placement that does not agree with the others is looked for before a
 * cell is blamed). */
enum pcal_problem {
	PCAL_OK = 0,
	PCAL_TOO_FEW,       /* fewer than 3 placements, no mass, a bad plate, or a
	                     * cell never carries PCAL_MIN_SHARE of the mass:
	                     * the gains are not determined (ill-conditioned) */
	PCAL_NO_RESPONSE,   /* cell: its counts hardly change under the mass
	                     * (response below PCAL_MIN_SNR × its noise, or a
	                     * gain beyond PCAL_MAX_GAIN N/count) */
	PCAL_NOT_FOLLOWING, /* cell: its counts are not proportional to its
	                     * expected load (cos < PCAL_MIN_COS), and leaving
	                     * out any one placement does not mend it: cables
	                     * swapped? */
	PCAL_ZERO_MOVED,    /* the empty plate reads differently at the end than
	                     * at the start (something rested on it when it was
	                     * zeroed, or drift): it spoils every placement, so it
	                     * is said before them */
	PCAL_MASS_MOVED,    /* place: the force spread during the reading, or
	                     * the total, the COP or a cell's residual is beyond
	                     * its limit: the mass moved or stood away from its
	                     * mark. When the fit without that one placement is
	                     * fine, it is named (and *out holds that fit, so
	                     * its numbers for the placement say how far off it
	                     * was); else the worst placement */
};

typedef struct pcal_result {
	enum pcal_problem problem;
	int cell;                 /* the cell concerned (enum cell), or −1 */
	int place;                /* the placement concerned, or −1 */
	/* The calibration: force_n = gain·(counts − offset). */
	double offset_counts[CELL_COUNT]; /* mean of the two empty readings */
	double gain_n_per_count[CELL_COUNT];
	bool reversed[CELL_COUNT];        /* negative gain: wired the other way round (allowed) */
	/* What it gives. */
	double noise_n[CELL_COUNT];       /* the empty plate's SD per cell, N */
	double cos[CELL_COUNT];           /* counts against expected load (1: proportional) */
	double resid_n[PCAL_MAX_PLACES][CELL_COUNT]; /* calibrated − expected share, N */
	double rms_resid_n[CELL_COUNT];
	double fz_n[PCAL_MAX_PLACES];     /* total force per placement */
	double fz_err_n[PCAL_MAX_PLACES]; /* − the mass's weight */
	double sd_n[PCAL_MAX_PLACES];     /* total force's SD during the reading */
	double cop_x_mm[PCAL_MAX_PLACES], cop_y_mm[PCAL_MAX_PLACES];
	double cop_err_mm[PCAL_MAX_PLACES]; /* from the spot */
	double max_cop_err_mm;
	double max_fz_err_n;              /* largest |fz_err_n| */
	double zero_shift_n;              /* total force of (after − before) empty; NAN if not measured */
} pcal_result;

/* Fits the calibration (see the top of this file) and judges it. Always
 * fills *out as far as it got (offsets; past PCAL_TOO_FEW the gains and
 * every number per cell and placement, also for a refused fit).
 * Returns POISE_OK when the calibration can be trusted, POISE_E_RANGE
 * with out->problem (and cell/place) saying why not, POISE_E_INVALID for
 * a NULL argument. Callers: the app's plate set-up, the tests. */
int pcal_fit(const pcal_input *in, pcal_result *out);

#endif
