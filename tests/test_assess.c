/* The assessment measures (core/assess) on synthetic attempts with known
 * answers: minimum-jerk leans, known cell loads, a shaped sit-to-stand
 * force, and sensory-test arithmetic with known numbers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/assess.h"
#include "core/error.h"
#include "core/frame.h"
#include "core/los.h"

#define DEG (180.0 / M_PI)

/* Minimum-jerk position profile, 0 → 1 over τ ∈ [0, 1] (Flash & Hogan
 * 1985). */
static double minjerk(double tau)
{
	if (tau <= 0)
		return 0;
	if (tau >= 1)
		return 1;
	return tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
}

/* τ at which the profile reaches s, by bisection. */
static double minjerk_inverse(double s)
{
	double lo = 0, hi = 1;
	for (int i = 0; i < 80; i++) {
		double m = (lo + hi) / 2;
		if (minjerk(m) < s)
			lo = m;
		else
			hi = m;
	}
	return (lo + hi) / 2;
}

static void targets_from_height(void **state)
{
	(void)state;
	assess_los_geom g;
	assess_los_geom_default(&g, 1.75);
	double h = 0.5527 * 1750;
	assert_double_equal(assess_com_height_mm(&g), h, 1e-9);
	assert_double_equal(assess_los_limit_deg(&g, M_PI / 2), 8, 1e-12);      /* forward */
	assert_double_equal(assess_los_limit_deg(&g, -M_PI / 2), 4.5, 1e-12);   /* back */
	assert_double_equal(assess_los_limit_deg(&g, 0), 8, 1e-12);             /* right */
	assert_double_equal(assess_los_limit_deg(&g, M_PI), 8, 1e-12);          /* left */
	assert_double_equal(assess_los_limit_deg(&g, M_PI / 4), 8, 1e-12);      /* circle in front */
	/* behind, the ellipse 8° × 4.5°: 1/√(½/8² + ½/4.5²) */
	double diag_back = 1 / sqrt(0.5 / 64 + 0.5 / 20.25);
	assert_double_equal(assess_los_limit_deg(&g, -3 * M_PI / 4), diag_back, 1e-12);
	assert_double_equal(assess_los_target_mm(&g, M_PI / 2, 100), h * tan(8 / DEG), 1e-9);
	assert_double_equal(assess_los_target_mm(&g, -M_PI / 2, 100), h * tan(4.5 / DEG), 1e-9);
	assert_double_equal(assess_los_target_mm(&g, -M_PI / 2, 50), h * tan(2.25 / DEG), 1e-9);
	/* the eight LOS directions of core/los.h, 45° apart */
	assert_double_equal(assess_los_limit_deg(&g, LOS_SW * M_PI / 4), diag_back, 1e-12);
	assert_double_equal(assess_los_limit_deg(&g, LOS_NW * M_PI / 4), 8, 1e-12);
}

/* One synthetic lean at 100 Hz from t = −1 s (the cue at 0) to 4 s,
 * starting from (cx, cy): along theta a minimum-jerk movement from 0.6 s
 * to 1.6 s to frac_end of the target D, across it a bulge a·sin(π·s),
 * held, then a correction from 2.1 to 2.6 s to frac_max of D; sway adds
 * a small smooth wobble to both axes when set. */
typedef struct lean {
	double *t, *x, *y;
	size_t n;
} lean;

static lean make_lean(double theta, double D, double frac_end, double frac_max, double a,
                      double sway, double cx, double cy)
{
	lean l = {.n = 501};
	l.t = malloc(l.n * sizeof *l.t);
	l.x = malloc(l.n * sizeof *l.x);
	l.y = malloc(l.n * sizeof *l.y);
	double ex = cos(theta), ey = sin(theta);
	for (size_t i = 0; i < l.n; i++) {
		double t = -1.0 + (double)i / 100;
		double s1 = minjerk((t - 0.6) / 1.0), s2 = minjerk((t - 2.1) / 0.5);
		double u = D * (frac_end * s1 + (frac_max - frac_end) * s2);
		double w = (t > 0.6 && t < 1.6) ? a * sin(M_PI * s1) : 0;
		double nx = sway * (sin(2 * M_PI * 0.4 * t) + 0.5 * sin(2 * M_PI * 0.9 * t + 1));
		double ny = sway * (cos(2 * M_PI * 0.3 * t) + 0.5 * sin(2 * M_PI * 0.7 * t + 2));
		l.t[i] = t;
		l.x[i] = cx + u * ex - w * ey + nx;
		l.y[i] = cy + u * ey + w * ex + ny;
	}
	return l;
}

static void free_lean(lean *l)
{
	free(l->t), free(l->x), free(l->y);
}

static void lean_with_known_answers(void **state)
{
	(void)state;
	/* Toward 45° (forward right) to 80 % of the target, bulging 5 mm to
	 * the side; a correction later reaches 90 %. */
	assess_los_geom g;
	assess_los_geom_default(&g, 1.75);
	double theta = M_PI / 4, h = assess_com_height_mm(&g);
	double D = assess_los_target_mm(&g, theta, 100), a = 5;
	lean l = make_lean(theta, D, 0.8, 0.9, a, 0, 12, -30);
	assess_los_cfg cfg;
	assess_los_cfg_default(&cfg);
	assess_los_result r;
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0.0, theta, D, h, &cfg, &r), POISE_OK);
	assert_true(r.moved);
	assert_double_equal(r.centre_x_mm, 12, 1e-9);
	assert_double_equal(r.centre_y_mm, -30, 1e-9);
	assert_double_equal(r.reaction_time_s, 0.6, 0.01 + 1e-9); /* ± a sample */
	assert_double_equal(r.endpoint_excursion_pct, 80, 1e-6);
	assert_double_equal(r.endpoint_t_s, 1.6, 1e-9);
	assert_double_equal(r.max_excursion_pct, 90, 1e-6);
	/* MVL: 90 % of the 0.8·D endpoint distance over the time from 5 to
	 * 95 % of it, T·(1 − 2τ5) by the profile's symmetry */
	double tau5 = minjerk_inverse(0.05);
	double mvl = 0.9 * 0.8 * D / (1.0 * (1 - 2 * tau5));
	assert_double_equal(r.movement_velocity_mm_s, mvl, 0.005 * mvl);
	double mvl_deg = (atan(0.95 * 0.8 * D / h) - atan(0.05 * 0.8 * D / h)) * DEG / (1 - 2 * tau5);
	assert_double_equal(r.movement_velocity_deg_s, mvl_deg, 0.005 * mvl_deg);
	/* DCL: 0.8·D on target, the bulge out and back (2a) off it */
	double dcl = 100 * (0.8 * D - 2 * a) / (0.8 * D);
	assert_double_equal(r.directional_control_pct, dcl, 1e-6);
	free_lean(&l);

	/* Every direction, no bulge: a straight lean scores DCL 100. */
	for (int d = 0; d < LOS_DIRS; d++) {
		double th = d * M_PI / 4, Dd = assess_los_target_mm(&g, th, 100);
		l = make_lean(th, Dd, 0.6, 0.6, 0, 0, 0, 0);
		assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0.0, th, Dd, h, &cfg, &r), POISE_OK);
		assert_double_equal(r.reaction_time_s, 0.6, 0.01 + 1e-9);
		assert_double_equal(r.endpoint_excursion_pct, 60, 1e-6);
		assert_double_equal(r.max_excursion_pct, 60, 1e-6);
		assert_double_equal(r.directional_control_pct, 100, 1e-6);
		free_lean(&l);
	}
}

static void lean_on_top_of_sway(void **state)
{
	(void)state;
	/* The same lean with a 1.5 mm wobble on both axes all along: the
	 * baseline sets the resting speed; the onset comes out 50 ms late (in
	 * its first 50 ms a minimum-jerk lean moves the COP no faster than
	 * the wobble does), the endpoint within 3 % of the target. */
	assess_los_geom g;
	assess_los_geom_default(&g, 1.65);
	double theta = M_PI / 2, h = assess_com_height_mm(&g);
	double D = assess_los_target_mm(&g, theta, 100);
	lean l = make_lean(theta, D, 0.8, 0.9, 5, 1.5, 0, 0);
	assess_los_cfg cfg;
	assess_los_cfg_default(&cfg);
	assess_los_result r;
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0.0, theta, D, h, &cfg, &r), POISE_OK);
	assert_true(r.moved);
	assert_true(r.reaction_time_s >= 0.6 - 1e-9 && r.reaction_time_s <= 0.66);
	assert_double_equal(r.endpoint_excursion_pct, 80, 3);
	assert_double_equal(r.max_excursion_pct, 90, 3);
	assert_true(r.directional_control_pct > 70 && r.directional_control_pct < 95);
	free_lean(&l);
}

static void no_lean_or_the_wrong_way(void **state)
{
	(void)state;
	assess_los_cfg cfg;
	assess_los_cfg_default(&cfg);
	assess_los_result r;
	/* standing still through the attempt */
	lean l = make_lean(0, 100, 0, 0, 0, 0, 0, 0);
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0.0, 0, 100, 950, &cfg, &r), POISE_OK);
	assert_false(r.moved);
	assert_true(isnan(r.reaction_time_s) && isnan(r.endpoint_excursion_pct));
	assert_double_equal(r.max_excursion_pct, 0, 1e-9);
	free_lean(&l);
	/* leaning left when the target is to the right */
	l = make_lean(M_PI, 100, 0.7, 0.7, 0, 0, 0, 0);
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0.0, 0, 100, 950, &cfg, &r), POISE_OK);
	assert_true(r.moved);
	assert_double_equal(r.reaction_time_s, 0.6, 0.01 + 1e-9);
	assert_true(isnan(r.endpoint_excursion_pct) && isnan(r.movement_velocity_mm_s) &&
	            isnan(r.directional_control_pct));
	assert_double_equal(r.max_excursion_pct, 0, 1e-9); /* never ahead of the start */
	free_lean(&l);
}

static void los_bad_input(void **state)
{
	(void)state;
	assess_los_cfg cfg;
	assess_los_cfg_default(&cfg);
	assess_los_result r;
	memset(&r, 0x5a, sizeof r);
	lean l = make_lean(0, 100, 0.5, 0.5, 0, 0, 0, 0);
	/* the cue at the first sample: no baseline */
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, -1.0, 0, 100, 950, &cfg, &r), POISE_E_RANGE);
	/* the cue after the end */
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 3.99, 0, 100, 950, &cfg, &r), POISE_E_RANGE);
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0, 0, 0, 950, &cfg, &r), POISE_E_INVALID);
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0, 0, 100, -1, &cfg, &r), POISE_E_INVALID);
	l.y[200] = NAN;
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0, 0, 100, 950, &cfg, &r), POISE_E_INVALID);
	l.y[200] = 0;
	l.t[300] = l.t[299];
	assert_int_equal(assess_los_attempt(l.t, l.x, l.y, l.n, 0, 0, 100, 950, &cfg, &r), POISE_E_INVALID);
	unsigned char *b = (unsigned char *)&r;
	for (size_t i = 0; i < sizeof r; i++)
		assert_int_equal(b[i], 0x5a);
	free_lean(&l);
}

/* The COG estimate: a COM oscillating at f gives a COP (1 + (2πf)²h/g)
 * times as large (the inverted pendulum), a lean from rest to rest a COP
 * with the anticipatory counter-movement; the estimate recovers the COM. */
static void cog_from_cop(void **state)
{
	(void)state;
	const double fs = 100, h = 940;
	size_t n = 2000; /* 20 s: whole periods of 0.25 and 0.8 Hz */
	double *cop = malloc(n * sizeof *cop), *cog = malloc(n * sizeof *cog), *com = malloc(n * sizeof *com);
	double w0_sq = 9810 / h;
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / fs, w1 = 2 * M_PI * 0.25, w2 = 2 * M_PI * 0.8;
		com[i] = 10 * sin(w1 * t) + 4 * sin(w2 * t + 1) + 3 + 0.5 * t;
		cop[i] = 10 * (1 + w1 * w1 / w0_sq) * sin(w1 * t) + 4 * (1 + w2 * w2 / w0_sq) * sin(w2 * t + 1) + 3 +
		         0.5 * t;
	}
	assert_int_equal(assess_cog_estimate(cop, n, fs, h, cog), POISE_OK);
	double worst = 0;
	for (size_t i = 200; i < n - 200; i++) /* away from the ends, where the */
		worst = fmax(worst, fabs(cog[i] - com[i])); /* mirror assumes rest */
	if (worst > 0.05)
		fail_msg("COG estimate off by %.3f mm", worst);
	/* a lean from rest to rest (minimum jerk, 100 mm in 1.5 s): right
	 * everywhere, the ends included */
	for (size_t i = 0; i < 800; i++) {
		double t = (double)i / fs, tau = (t - 2) / 1.5, acc = 0;
		if (tau > 0 && tau < 1) /* d²/dt² of 100·(10τ³ − 15τ⁴ + 6τ⁵) */
			acc = 100 * (60 * tau - 180 * tau * tau + 120 * tau * tau * tau) / (1.5 * 1.5);
		com[i] = 100 * minjerk(tau);
		cop[i] = com[i] - acc / w0_sq;
	}
	assert_int_equal(assess_cog_estimate(cop, 800, fs, h, cog), POISE_OK);
	worst = 0;
	for (size_t i = 0; i < 800; i++)
		worst = fmax(worst, fabs(cog[i] - com[i]));
	if (worst > 0.5)
		fail_msg("COG estimate of a lean off by %.3f mm", worst);
	/* in place, and standing still stays put */
	for (size_t i = 0; i < n; i++)
		cop[i] = 5;
	assert_int_equal(assess_cog_estimate(cop, n, fs, h, cop), POISE_OK);
	for (size_t i = 0; i < n; i++)
		assert_double_equal(cop[i], 5, 1e-9);
	assert_int_equal(assess_cog_estimate(cop, 3, fs, h, cog), POISE_E_RANGE);
	cop[7] = NAN;
	assert_int_equal(assess_cog_estimate(cop, n, fs, h, cog), POISE_E_INVALID);
	free(cop), free(cog), free(com);
}

static void weight_bearing(void **state)
{
	(void)state;
	/* 200, 150, 250, 100 N on TL, TR, BL, BR: left 450 of 700 N. */
	double f[10][4];
	for (int i = 0; i < 10; i++) {
		f[i][CELL_TL] = 200, f[i][CELL_TR] = 150, f[i][CELL_BL] = 250, f[i][CELL_BR] = 100;
	}
	assess_wb w;
	assert_int_equal(assess_weight_bearing(&f[0][0], 10, 700, &w), POISE_OK);
	assert_double_equal(w.mean_total_n, 700, 1e-9);
	assert_double_equal(w.left_pct, 100.0 * 450 / 700, 1e-9);
	assert_double_equal(w.right_pct, 100.0 * 250 / 700, 1e-9);
	assert_double_equal(w.front_pct, 50, 1e-9);
	assert_double_equal(w.back_pct, 50, 1e-9);
	assert_double_equal(w.left_bw_pct, 100.0 * 450 / 700, 1e-9);
	assert_double_equal(w.symmetry_index_pct, 100.0 * (250 - 450) / 350, 1e-9);
	/* leaning on a rail: the plate carries 600 of 750 N */
	assert_int_equal(assess_weight_bearing(&f[0][0], 10, 750, &w), POISE_OK);
	assert_double_equal(w.left_bw_pct + w.right_bw_pct, 100.0 * 700 / 750, 1e-9);
	assert_int_equal(assess_weight_bearing(&f[0][0], 10, 0, &w), POISE_OK);
	assert_true(isnan(w.left_bw_pct));
	/* shifting over the window: the window's means count */
	for (int i = 0; i < 10; i++) {
		double l = i < 5 ? 300 : 400; /* left 350 on average of 700 */
		f[i][CELL_TL] = l / 2, f[i][CELL_BL] = l / 2;
		f[i][CELL_TR] = (700 - l) * 0.7, f[i][CELL_BR] = (700 - l) * 0.3;
	}
	assert_int_equal(assess_weight_bearing(&f[0][0], 10, 700, &w), POISE_OK);
	assert_double_equal(w.left_pct, 50, 1e-9);
	assert_double_equal(w.symmetry_index_pct, 0, 1e-9);
	assert_double_equal(w.front_pct, 100.0 * (175 + 0.7 * 350) / 700, 1e-9);
	f[3][CELL_BR] = NAN;
	assert_int_equal(assess_weight_bearing(&f[0][0], 10, 700, &w), POISE_E_INVALID);
	memset(f, 0, sizeof f);
	assert_int_equal(assess_weight_bearing(&f[0][0], 10, 700, &w), POISE_E_RANGE);
	assert_int_equal(assess_weight_bearing(&f[0][0], 0, 700, &w), POISE_E_RANGE);
}

/* Fz of a sit-to-stand, in body weights: 0.2 seated until 1.0 s, a raised
 * cosine to 1.25 at 2.0 s, another down to 1.0 at 2.5 s, then standing. */
static double sts_force(double t)
{
	if (t < 1.0)
		return 0.2;
	if (t < 2.0)
		return 0.2 + 1.05 * (1 - cos(M_PI * (t - 1.0))) / 2;
	if (t < 2.5)
		return 1.25 - 0.25 * (1 - cos(M_PI * (t - 2.0) / 0.5)) / 2;
	return 1.0;
}

static void sit_to_stand(void **state)
{
	(void)state;
	const double bw = 700, cue = 0.5, h = 950;
	const size_t n = 901; /* 9 s at 100 Hz */
	double t[901], fz[901], x[901], y[901];
	for (size_t i = 0; i < n; i++) {
		t[i] = (double)i / 100;
		fz[i] = bw * sts_force(t[i]);
		x[i] = 5 * cos(2 * M_PI * 0.3 * t[i]); /* 5 mm circle at 0.3 Hz */
		y[i] = 5 * sin(2 * M_PI * 0.3 * t[i]);
	}
	assess_sts_cfg cfg;
	assess_sts_cfg_default(&cfg);
	assess_sts r;
	assert_int_equal(assess_sit_to_stand(t, fz, x, y, n, cue, bw, h, &cfg, &r), POISE_OK);
	/* seat-off where 0.2 + 1.05·(1 − cos πs)/2 = 1; standing where the
	 * way down crosses 1.05 */
	double seat_off = 1.0 + acos(1 - 2 * 0.8 / 1.05) / M_PI;
	double stand = 2.0 + 0.5 * acos(1 - 2 * 0.2 / 0.25) / M_PI;
	assert_double_equal(r.seat_off_t_s, seat_off, 1e-3);
	assert_double_equal(r.weight_transfer_s, seat_off - cue, 1e-3);
	assert_double_equal(r.stand_t_s, stand, 1e-3);
	assert_double_equal(r.peak_t_s, 2.0, 1e-9);
	assert_double_equal(r.rising_index_pct, 125, 1e-9);
	assert_double_equal(r.rising_excess_pct, 25, 1e-9);
	double v = 2 * M_PI * 5 * 0.3;
	assert_double_equal(r.sway_velocity_mm_s, v, 1e-3 * v);
	assert_double_equal(r.sway_velocity_deg_s, v / h * DEG, 1e-3 * v / h * DEG);

	/* a record that stops 3 s after standing: no 5 s of sway */
	assert_int_equal(assess_sit_to_stand(t, fz, x, y, 540, cue, bw, h, &cfg, &r), POISE_OK);
	assert_true(isfinite(r.stand_t_s) && isnan(r.sway_velocity_mm_s));
	/* never rising: no seat-off, no standing; the peak is the seated load */
	for (size_t i = 0; i < n; i++)
		fz[i] = 0.2 * bw;
	assert_int_equal(assess_sit_to_stand(t, fz, x, y, n, cue, bw, h, &cfg, &r), POISE_OK);
	assert_true(isnan(r.seat_off_t_s) && isnan(r.weight_transfer_s) && isnan(r.stand_t_s));
	assert_double_equal(r.rising_index_pct, 20, 1e-9);
	assert_true(isnan(r.sway_velocity_mm_s));
	assert_int_equal(assess_sit_to_stand(t, fz, x, y, n, cue, 0, h, &cfg, &r), POISE_E_INVALID);
	assert_int_equal(assess_sit_to_stand(t, fz, x, y, n, 8.995, bw, h, &cfg, &r), POISE_E_RANGE);
	fz[10] = INFINITY;
	assert_int_equal(assess_sit_to_stand(t, fz, x, y, n, cue, bw, h, &cfg, &r), POISE_E_INVALID);
}

static void equilibrium_score(void **state)
{
	(void)state;
	/* AP sway ±A about the ankles: a peak-to-peak angle of 2·atan(A/h) */
	const double h = 950, A = 30;
	double y[400];
	for (int i = 0; i < 400; i++)
		y[i] = A * sin(2 * M_PI * i / 100.0);
	double es = (12.5 - 2 * atan(A / h) * DEG) / 12.5 * 100;
	assert_double_equal(assess_equilibrium_score(y, 400, h, false), es, 1e-9);
	assert_double_equal(assess_equilibrium_score(y, 400, h, true), 0, 0);
	for (int i = 0; i < 400; i++)
		y[i] *= 10; /* ±300 mm: wider than 12.5° */
	assert_double_equal(assess_equilibrium_score(y, 400, h, false), 0, 0);
	assert_true(isnan(assess_equilibrium_score(y, 0, h, false)));
	assert_true(isnan(assess_equilibrium_score(y, 400, 0, false)));
}

static void ctsib_and_romberg(void **state)
{
	(void)state;
	assert_double_equal(assess_romberg(12, 8), 1.5, 1e-12);
	assert_true(isnan(assess_romberg(12, 0)));
	assert_true(isnan(assess_romberg(NAN, 8)));

	/* 3 trials a condition (sway velocity, time held, fell) */
	assess_ctsib_trials tr = {
		.trial = {
			[CTSIB_FIRM_EO] = {{5, 30, false}, {6, 30, false}, {7, 30, false}},
			[CTSIB_FIRM_EC] = {{8, 30, false}, {10, 30, false}, {12, 30, false}},
			[CTSIB_FOAM_EO] = {{12, 30, false}, {15, 30, false}, {99, 12, true}},
			[CTSIB_FOAM_EC] = {{0, 4, true}, {0, 6, true}, {0, 8, true}},
		},
		.n = {3, 3, 3, 3},
	};
	assess_ctsib s;
	assert_int_equal(assess_ctsib_summary(&tr, &s), POISE_OK);
	assert_double_equal(s.mean_velocity[CTSIB_FIRM_EO], 6, 1e-12);
	assert_double_equal(s.mean_velocity[CTSIB_FIRM_EC], 10, 1e-12);
	assert_double_equal(s.mean_velocity[CTSIB_FOAM_EO], 13.5, 1e-12); /* the fall left out */
	assert_true(isnan(s.mean_velocity[CTSIB_FOAM_EC]));              /* all fell */
	assert_int_equal(s.falls[CTSIB_FOAM_EO], 1);
	assert_int_equal(s.falls[CTSIB_FOAM_EC], 3);
	assert_double_equal(s.mean_held_s[CTSIB_FOAM_EO], 24, 1e-12);
	assert_double_equal(s.mean_held_s[CTSIB_FOAM_EC], 6, 1e-12);
	assert_true(isnan(s.composite_velocity));
	assert_double_equal(s.romberg_firm, 10.0 / 6, 1e-12);
	assert_true(isnan(s.romberg_foam));
	assert_double_equal(s.foam_quotient_eo, 13.5 / 6, 1e-12);
	/* one completed foam-EC trial: everything computable */
	tr.trial[CTSIB_FOAM_EC][1] = (assess_trial){27, 30, false};
	assert_int_equal(assess_ctsib_summary(&tr, &s), POISE_OK);
	assert_double_equal(s.mean_velocity[CTSIB_FOAM_EC], 27, 1e-12);
	assert_double_equal(s.composite_velocity, (6 + 10 + 13.5 + 27) / 4, 1e-12);
	assert_double_equal(s.romberg_foam, 2, 1e-12);
	/* fewer trials in one condition */
	tr.n[CTSIB_FIRM_EO] = 1;
	assert_int_equal(assess_ctsib_summary(&tr, &s), POISE_OK);
	assert_double_equal(s.mean_velocity[CTSIB_FIRM_EO], 5, 1e-12);
	tr.n[CTSIB_FIRM_EO] = ASSESS_MAX_TRIALS + 1;
	assert_int_equal(assess_ctsib_summary(&tr, &s), POISE_E_INVALID);
	tr.n[CTSIB_FIRM_EO] = 3;
	tr.trial[CTSIB_FIRM_EO][0].sway_velocity = -1;
	assert_int_equal(assess_ctsib_summary(&tr, &s), POISE_E_INVALID);
}

static void sensory_ratios(void **state)
{
	(void)state;
	const double sot[6] = {90, 85, 80, 70, 55, 50};
	assess_sensory r;
	assess_sot_ratios(sot, &r);
	assert_double_equal(r.somatosensory, 85.0 / 90, 1e-12);
	assert_double_equal(r.visual, 70.0 / 90, 1e-12);
	assert_double_equal(r.vestibular, 55.0 / 90, 1e-12);
	assert_double_equal(r.visual_preference, 130.0 / 140, 1e-12);
	assert_double_equal(r.composite, (90 + 85 + 3 * (80 + 70 + 55 + 50)) / 14.0, 1e-12);
	const double sot_fall[6] = {90, 85, 80, 70, 0, 0}; /* falls score 0 */
	assess_sot_ratios(sot_fall, &r);
	assert_double_equal(r.vestibular, 0, 0);
	assert_double_equal(r.visual_preference, 80.0 / 85, 1e-12);
	const double bad[6] = {0, 0, 0, 0, 0, 0};
	assess_sot_ratios(bad, &r);
	assert_true(isnan(r.somatosensory) && isnan(r.visual_preference));

	const double ct[CTSIB_CONDS] = {92, 88, 75, 45};
	assess_ctsib_ratios(ct, &r);
	assert_double_equal(r.somatosensory, 88.0 / 92, 1e-12);
	assert_double_equal(r.visual, 75.0 / 92, 1e-12);
	assert_double_equal(r.vestibular, 45.0 / 92, 1e-12);
	assert_true(isnan(r.visual_preference));
	assert_double_equal(r.composite, 75, 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(targets_from_height),
		cmocka_unit_test(lean_with_known_answers),
		cmocka_unit_test(lean_on_top_of_sway),
		cmocka_unit_test(no_lean_or_the_wrong_way),
		cmocka_unit_test(los_bad_input),
		cmocka_unit_test(cog_from_cop),
		cmocka_unit_test(weight_bearing),
		cmocka_unit_test(sit_to_stand),
		cmocka_unit_test(equilibrium_score),
		cmocka_unit_test(ctsib_and_romberg),
		cmocka_unit_test(sensory_ratios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
