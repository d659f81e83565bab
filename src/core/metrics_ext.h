/* Poise: the extended sway measures of a COP trajectory: spectral (Welch
 * PSD), stabilogram-diffusion and the time-domain measures of Prieto et al.
 * 1996 and Quijoux et al. 2021 that met_static does not hold.
 *
 * A second catalogue beside met_static_fields(): `poise metrics` prints
 * both, while the recorder, the database, the report and the games keep
 * the static set (the report lays out one row per static field on a
 * trial's page, the recorder stores each one per trial). Pure: arrays in,
 * numbers out, no I/O.
 *
 * Every measure is taken on the mean-removed trajectory x (ML, mm, +
 * right), y (AP, mm, + forward) sampled evenly at fs, N samples, T =
 * (N − 1)/fs; RD = √(x² + y²) is the resultant distance. A measure that
 * the record cannot give (too short for a spectrum or a diffusion plot, no
 * power, no peaks) is NaN; callers print it as null.
 */
#ifndef POISE_CORE_METRICS_EXT_H
#define POISE_CORE_METRICS_EXT_H

#include <stddef.h>

#include "core/metrics.h"
#include "core/psd.h"
#include "core/sda.h"

typedef struct met_ext_cfg {
	psd_cfg psd;                 /* Welch setup and band (core/psd.h) */
	sda_cfg sda;                 /* diffusion plot (core/sda.h) */
	double sway_density_radius_mm;   /* default 3 mm (Quijoux et al. 2021) */
	double sway_density_lowpass_hz;  /* default 2.5 Hz (idem); ≤ 0: none */
} met_ext_cfg;

/* Defaults of every part (see the headers of psd, sda and below). */
void met_ext_cfg_default(met_ext_cfg *cfg);

typedef struct met_ext {
	/* Positional (Prieto et al. 1996; Quijoux et al. 2021) */
	double mean_distance_ml_mm;      /* MDIST-ML = mean |x| */
	double mean_distance_ap_mm;      /* MDIST-AP = mean |y| */
	double max_distance_mm;          /* max RD */
	double max_distance_ml_mm;       /* max |x| */
	double max_distance_ap_mm;       /* max |y| */
	double range_mm;                 /* planar range: largest distance
	                                  * between two COP points */
	double range_ratio;              /* RANGE-ML / RANGE-AP */
	double sway_direction_coefficient; /* s_MLAP/(s_ML·s_AP) */
	double principal_sway_direction_deg; /* angle of the first principal
	                                  * axis from the AP axis, 0–90° */
	double circle95_area_mm2;        /* AREA-CC = π(MDIST + z.05·s_RD)² */
	/* Dynamic */
	double mean_frequency_ml_hz;     /* MFREQ-ML = MVELO-ML/(4√2·MDIST-ML) */
	double mean_frequency_ap_hz;
	double phase_plane_ml;           /* √(σ_x² + σ_vx²), mm and mm/s */
	double phase_plane_ap;
	double length_over_area_1_mm;    /* TOTEX / AREA-CE */
	double fractal_dimension_pd;     /* log N / log(N·d/TOTEX), d = range_mm */
	double fractal_dimension_cc;     /* d = 2(MDIST + z.05·s_RD) */
	double fractal_dimension_ce;     /* d = √(4·AREA-CE/π) */
	double velocity_zero_crossings_ml_hz; /* sign changes of vx per second */
	double velocity_zero_crossings_ap_hz;
	double peak_velocity_ml_mm_s;    /* mean |vx| peak between crossings */
	double peak_velocity_ap_mm_s;
	double sway_density_peak_s;      /* sway-density curve: mean peak */
	double sway_density_distance_mm; /* mean distance between peaks */
	double sway_density_interval_s;  /* mean time between peaks */
	/* Spectral (core/psd.h): ML, AP and RD */
	psd_measures psd_ml, psd_ap, psd_rd;
	/* Stabilogram diffusion (core/sda.h): ML, AP and planar */
	sda_fit sda_ml, sda_ap, sda_planar;
} met_ext;

/* Computes *out from x_mm[i] (ML), y_mm[i] (AP), i < n, sampled evenly at
 * fs_hz (the mean is removed internally; the inputs are not changed).
 * Parts the record is too short for are NaN (see above). Returns
 * POISE_E_RANGE for n < 3, POISE_E_INVALID for a rate that is not positive,
 * a non-finite sample or a bad cfg, POISE_E_NOMEM; out is then untouched.
 * Allocates its work memory for the call. */
int met_ext_compute(const double *x_mm, const double *y_mm, size_t n, double fs_hz,
                    const met_ext_cfg *cfg, met_ext *out);

/* The catalogue of met_ext's double fields in display order (met_field's
 * offset is into met_ext here); *n gets its length. Static storage. */
const met_field *met_ext_fields(size_t *n);

/* The value of field f (from met_ext_fields()) in m. */
double met_ext_field_value(const met_ext *m, const met_field *f);

/* Sway-density curve (Baratto et al. 2002, Motor Control 6:246–270;
 * Jacono et al. 2004, Gait Posture 20:64–70; as Quijoux et al. 2021): for
 * each sample i, the time the COP stays within radius_mm of its position
 * at i, before and after i without leaving the circle: sd[i] in s, i < n,
 * owned by the caller. Quijoux et al. count the samples inside (a step of
 * one sample period); here the moments the path leaves the circle are
 * interpolated linearly between samples, so the curve is continuous and
 * its peaks are not split by counting steps (the two differ by less than
 * two sample periods). Not filtered. Costs O(n·samples per stay). */
void met_sway_density(const double *x_mm, const double *y_mm, size_t n, double fs_hz,
                      double radius_mm, double *sd);

#endif
