/* Poise: static posturography metrics of a COP trajectory.
 *
 * Pure functions from arrays to numbers. Definitions follow Prieto et al.
 * 1996, "Measures of postural steadiness: differences between healthy young
 * and elderly adults", IEEE Trans Biomed Eng 43(9):956–966, and Quijoux et
 * al. 2021, Physiol Rep 9:e15067. The time series are first referenced to
 * their mean (Prieto's AP[n] = AP0[n] − mean(AP0)); all standard deviations
 * divide by N, as in Prieto.
 */
#ifndef POISE_CORE_METRICS_H
#define POISE_CORE_METRICS_H

#include <stddef.h>

typedef struct met_static {
	size_t n_samples;
	double duration_s;           /* T: time from the first to the last sample */
	double fs_hz;                /* (N − 1)/T */
	double mean_ml_mm;           /* mean position before referencing */
	double mean_ap_mm;
	double mean_distance_mm;     /* MDIST = mean √(ML² + AP²) */
	double rms_distance_mm;      /* RDIST = √mean(ML² + AP²) */
	double rms_ml_mm;            /* RDIST-ML */
	double rms_ap_mm;            /* RDIST-AP */
	double range_ml_mm;          /* RANGE-ML = max − min */
	double range_ap_mm;
	double path_length_mm;       /* TOTEX = Σ √(ΔML² + ΔAP²) */
	double mean_velocity_mm_s;   /* MVELO = TOTEX / T */
	double mean_velocity_ml_mm_s;/* Σ |ΔML| / T */
	double mean_velocity_ap_mm_s;
	double ellipse95_area_mm2;   /* AREA-CE = 2π·F.05[2,N−2]·√(s_ML²·s_AP² − s_MLAP²) */
	double sway_area_mm2_s;      /* AREA-SW = 1/(2T)·Σ |AP[n+1]·ML[n] − AP[n]·ML[n+1]| */
	double mean_frequency_hz;    /* MFREQ = MVELO / (2π·MDIST) */
} met_static;

/* Computes every field of out from the COP trajectory x_mm[i] (ML),
 * y_mm[i] (AP), i < n, sampled evenly over duration_s seconds (the time
 * from the first to the last sample). The inputs are not changed; the mean
 * is removed internally. Returns POISE_E_RANGE for n < 3 or a duration that
 * is not positive, POISE_E_INVALID for a non-finite sample; out is then
 * untouched. */
int met_static_compute(const double *x_mm, const double *y_mm, size_t n, double duration_s,
                       met_static *out);

/* The upper α point of the F distribution with 2 and df2 degrees of
 * freedom: P(F > f) = α. Closed form for 2 numerator degrees of freedom:
 * f = (df2/2)·(α^(−2/df2) − 1). F.05[2, ∞] = −ln 0.05 ≈ 2.996. */
double met_f_quantile_2(double alpha, double df2);

/* One row of the metric catalogue, so the command line, the database and
 * the report print the same names, units and labels. */
typedef struct met_field {
	const char *key;   /* JSON/CSV key with the unit in it: "rms_ml_mm" */
	const char *label; /* for people: "RMS distance, ML" */
	const char *unit;  /* "mm", "mm/s", "mm²", "mm²/s", "Hz", "s", "" */
	size_t offset;     /* offsetof(met_static, ...) of a double field */
} met_field;

/* The catalogue of met_static's double fields in display order; *n gets its
 * length. Static storage. */
const met_field *met_static_fields(size_t *n);

/* The value of field f in m. */
double met_field_value(const met_static *m, const met_field *f);

#endif
