/* Poise: stabilogram-diffusion analysis (Collins & De Luca 1993, "Open-loop
 * and closed-loop control of posture: a random-walk analysis of
 * center-of-pressure trajectories", Exp Brain Res 95:308–318).
 *
 * The COP is treated as a random walk. The diffusion plot is the mean
 * square displacement over every pair of samples Δt apart,
 *   <Δx²>(Δt) = mean_i (x[i + Δt·fs] − x[i])²,
 * for ML (x), AP (y) and the plane, <Δr²> = <Δx²> + <Δy²>. It rises
 * steeply over short intervals (open-loop, "short-term" region) and bends
 * over to a flatter "long-term" region (closed-loop control). Per region:
 *   - the diffusion coefficient D is half the slope of a straight line
 *     fitted to the linear–linear plot (<Δx²> = 2·D·Δt for a random walk;
 *     Collins & De Luca use the same factor for the plane, so
 *     D_r = D_x + D_y), in mm²/s;
 *   - the scaling exponent H is half the slope of a line fitted to the
 *     log–log plot (<Δx²> ∝ Δt^(2H): H = 0.5 for a random walk, > 0.5
 *     persistent, < 0.5 anti-persistent);
 *   - the critical point (Δt_c, <Δx²>_c) is where the two linear–linear
 *     lines meet (Collins & De Luca 1993).
 * The regions: Collins & De Luca chose them by eye. Here the break between
 * them is found automatically: every break Δt_b in [break_min_s,
 * break_max_s] (default 0.3–2.5 s, the search range of Quijoux et al.
 * 2021's published code) splits the plot into lags (0, Δt_b] and
 * [Δt_b, max_lag], a line is fitted to each part by least squares, and the
 * break with the smallest total squared residual wins (a two-segment
 * regression). The same two regions serve the log–log fits. The plot
 * spans Δt up to max_lag_s (default 10 s, as Collins & De Luca), at most a
 * third of the record, as Quijoux et al.'s code does.
 */
#ifndef POISE_CORE_SDA_H
#define POISE_CORE_SDA_H

#include <stddef.h>

typedef struct sda_cfg {
	double max_lag_s;   /* longest interval of the plot (default 10 s) */
	double break_min_s; /* range searched for the break between the */
	double break_max_s; /* regions (default 0.3–2.5 s) */
} sda_cfg;

/* The defaults above. */
void sda_cfg_default(sda_cfg *cfg);

/* The results of one diffusion plot. */
typedef struct sda_fit {
	double ds_mm2_s; /* short-term diffusion coefficient */
	double dl_mm2_s; /* long-term diffusion coefficient */
	double hs;       /* short-term scaling exponent */
	double hl;       /* long-term scaling exponent */
	double tc_s;     /* critical time interval: NaN if the lines do not
	                  * cross inside the plot (no slowing down) */
	double xc_mm2;   /* mean square displacement at the critical point */
	double break_s;  /* the break chosen between the regions */
} sda_fit;

/* The largest lag (in samples) the plot of n samples at fs_hz uses under
 * cfg: min(max_lag_s·fs, (n − 1)/3). */
size_t sda_max_lag(const sda_cfg *cfg, size_t n, double fs_hz);

/* Work memory, in doubles, sda_msd() or sda_msd2() needs for n samples
 * and kmax lags. */
size_t sda_work_len(size_t n, size_t kmax);

/* The diffusion plot of x[0..n): msd[k − 1] = mean over i < n − k of
 * (x[i + k] − x[i])², k = 1..kmax (kmax < n). Computed through an FFT
 * autocorrelation, O(n log n), with work[0..sda_work_len(n, kmax)) as
 * scratch; the caller owns msd and work. Returns POISE_E_RANGE unless
 * 1 ≤ kmax < n, POISE_E_INVALID for a non-finite sample. */
int sda_msd(const double *x, size_t n, size_t kmax, double *msd, double *work);

/* sda_msd() of two signals of the same length (a COP's x and y) through
 * one forward and one inverse transform (x in the real part, y in the
 * imaginary); the same numbers up to rounding, half the work. */
int sda_msd2(const double *x, const double *y, size_t n, size_t kmax, double *msd_x, double *msd_y,
             double *work);

/* Fits the two regions of a diffusion plot msd[0..kmax) (msd[k − 1] at
 * lag k·dt_s) as described above. Returns POISE_E_RANGE when the plot
 * does not reach past twice break_max_s (too short a record for a long-term
 * region), POISE_E_INVALID for a bad cfg or a non-finite point. The
 * exponents are NaN when a point of their region is not positive (a
 * constant signal). */
int sda_fit_plot(const double *msd, size_t kmax, double dt_s, const sda_cfg *cfg, sda_fit *out);

#endif
