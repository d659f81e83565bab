/* Calibrating a plate's cells from raw counts (core/platecal): windows of
 * counts, judging them, and the fit, on synthetic plates with known
 * offsets and gains (one cell wired the other way round), noise, and the
 * mistakes people make: a mass that moved, a dead cell, swapped cables,
 * something left on the plate while it was zeroed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/platecal.h"
#include "core/rng.h"

static const cop_plate plate = {433.0, 238.0};

/* The plate's truth: counts = offset + force / gain (+ noise). The TR
 * cell is wired the other way round (negative gain). */
static const double true_off[CELL_COUNT] = {120000, -50000, 8000, 300};
static const double true_gain[CELL_COUNT] = {2.0e-4, -1.5e-4, 1.8e-4, 2.2e-4};

enum share { BILINEAR, LINEAR };

typedef struct synth {
	rng r;
	double noise_n;          /* per cell, N */
	enum share share;
	double gain[CELL_COUNT]; /* the plate's truth (may differ from true_gain) */
	int swap_a, swap_b;      /* two cells' cables swapped (−1: none) */
	int dead;                /* a cell that does not respond (−1: none) */
	uint32_t window;
} synth;

static void synth_init(synth *s, uint64_t seed, double noise_n)
{
	*s = (synth){.noise_n = noise_n, .swap_a = -1, .swap_b = -1, .dead = -1, .window = 100};
	rng_seed(&s->r, seed);
	for (int c = 0; c < CELL_COUNT; c++)
		s->gain[c] = true_gain[c];
}

/* Forces of a point load fz at (x, y): the plate's own bilinear share,
 * or that of a stiff plate on equal springs (planar: linear in x, y). */
static void load_forces(enum share sh, double x, double y, double fz, double f[CELL_COUNT])
{
	if (sh == BILINEAR) {
		cop_to_forces(&plate, x, y, fz, f);
		return;
	}
	double u = x / plate.width_mm, v = y / plate.depth_mm;
	f[CELL_TL] = fz * (0.25 - u / 2 + v / 2);
	f[CELL_TR] = fz * (0.25 + u / 2 + v / 2);
	f[CELL_BL] = fz * (0.25 - u / 2 - v / 2);
	f[CELL_BR] = fz * (0.25 + u / 2 - v / 2);
}

/* One window of counts with mass_kg at (x, y) (0 kg: empty), plus a load
 * drifting by drift_n (total) over the window. */
static pcal_reading synth_read(synth *s, double mass_kg, double x, double y, double drift_n)
{
	pcal_window w;
	pcal_window_begin(&w, s->window);
	for (uint32_t k = 0; k < s->window; k++) {
		double f[CELL_COUNT] = {0}, df[CELL_COUNT] = {0};
		if (mass_kg > 0)
			load_forces(s->share, x, y, mass_kg * PCAL_G_M_S2, f);
		load_forces(BILINEAR, x, y, drift_n * k / s->window, df);
		int32_t counts[CELL_COUNT];
		for (int c = 0; c < CELL_COUNT; c++) {
			int from = c == s->swap_a ? s->swap_b : c == s->swap_b ? s->swap_a : c;
			double force = f[from] + df[from] + s->noise_n * rng_normal(&s->r);
			double resp = c == s->dead ? 0 : force / s->gain[c];
			counts[c] = (int32_t)lround(true_off[c] + resp);
		}
		pcal_window_add(&w, counts);
	}
	pcal_reading r;
	pcal_window_reading(&w, &r);
	return r;
}

/* The whole procedure: empty, the five spots, empty again. moved_mm
 * shifts the placement `moved_spot` sideways (−1: none). */
static void synth_procedure(synth *s, double mass_kg, int moved_spot, double moved_mm, pcal_input *in)
{
	*in = (pcal_input){.plate = plate, .mass_kg = mass_kg, .n_places = PCAL_SPOTS};
	in->empty = synth_read(s, 0, 0, 0, 0);
	for (int k = 0; k < PCAL_SPOTS; k++) {
		pcal_spot(&plate, k, &in->place[k].x_mm, &in->place[k].y_mm);
		double dx = k == moved_spot ? moved_mm : 0;
		in->place[k].r = synth_read(s, mass_kg, in->place[k].x_mm + dx, in->place[k].y_mm, 0);
	}
	in->empty_after = synth_read(s, 0, 0, 0, 0);
}

static void spots_are_the_centre_and_half_way_to_each_corner(void **state)
{
	(void)state;
	static const double want[PCAL_SPOTS][2] = {
		{0, 0}, {-108.25, 59.5}, {108.25, 59.5}, {-108.25, -59.5}, {108.25, -59.5}};
	for (int k = 0; k < PCAL_SPOTS; k++) {
		double x, y;
		pcal_spot(&plate, k, &x, &y);
		assert_double_equal(x, want[k][0], 1e-12);
		assert_double_equal(y, want[k][1], 1e-12);
	}
}

static void a_window_gives_mean_spread_and_drift_of_large_counts(void **state)
{
	(void)state;
	pcal_window w;
	pcal_window_begin(&w, 100);
	for (int k = 0; k < 100; k++) {
		/* ±3 around 8 000 000 (a loaded 24-bit ADC); cell 1 ramps by 100. */
		int32_t c[CELL_COUNT] = {8000000 + (k % 2 ? 3 : -3), -8000000, 5, k};
		bool full = pcal_window_add(&w, c);
		assert_int_equal(full, k == 99);
	}
	pcal_reading r;
	pcal_window_reading(&w, &r);
	assert_int_equal(r.n, 100);
	assert_double_equal(r.mean[0], 8000000, 1e-9);
	assert_double_equal(r.sd[0], 3, 1e-9);
	assert_double_equal(r.drift[0], 0, 1e-9);
	assert_double_equal(r.mean[1], -8000000, 0);
	assert_double_equal(r.sd[1], 0, 0);
	assert_double_equal(r.mean[3], 49.5, 1e-12);
	assert_double_equal(r.drift[3], 50, 1e-12); /* means 24.5 and 74.5 */
	/* Not full: nothing to read. */
	pcal_window_begin(&w, 3); /* at least 10 */
	assert_int_equal(w.needed, 10);
	pcal_window_add(&w, (int32_t[4]){1, 2, 3, 4});
	pcal_window_reading(&w, &r);
	assert_int_equal(r.n, 0);
}

static void judging_says_still_moving_or_no_load(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 1, 0.1);
	pcal_reading empty = synth_read(&s, 0, 0, 0, 0);
	assert_int_equal(pcal_judge(&empty, NULL), PCAL_LOOK_STILL);
	/* A hand leaning more and more on the empty plate (10 N). */
	pcal_reading leaning = synth_read(&s, 0, 0, 0, 10);
	assert_int_equal(pcal_judge(&leaning, NULL), PCAL_LOOK_MOVING);
	/* 20 kg, still, at a spot. */
	pcal_reading placed = synth_read(&s, 20, 100, 50, 0);
	assert_int_equal(pcal_judge(&placed, &empty), PCAL_LOOK_STILL);
	/* Set down just now: the load still creeps by 5 N. */
	pcal_reading creeping = synth_read(&s, 20, 100, 50, 5);
	assert_int_equal(pcal_judge(&creeping, &empty), PCAL_LOOK_MOVING);
	/* Nothing placed, or too little to calibrate with. */
	pcal_reading nothing = synth_read(&s, 0, 0, 0, 0);
	assert_int_equal(pcal_judge(&nothing, &empty), PCAL_LOOK_NO_LOAD);
	pcal_reading feather = synth_read(&s, 0.05, 0, 0, 0);
	assert_int_equal(pcal_judge(&feather, &empty), PCAL_LOOK_NO_LOAD);
}

/* A healthy fit: offsets and gains back to the noise, the reversed cell
 * kept negative, the COP of every placement on its spot. */
static void the_fit_recovers_known_gains_and_offsets(void **state)
{
	(void)state;
	double worst_gain = 0, worst_off_n = 0, worst_cop = 0, worst_fz = 0;
	for (uint64_t seed = 1; seed <= 50; seed++) {
		synth s;
		synth_init(&s, seed, 0.15); /* the sim's load-cell noise */
		pcal_input in;
		synth_procedure(&s, 20, -1, 0, &in);
		pcal_result r;
		int rc = pcal_fit(&in, &r);
		if (rc)
			fail_msg("seed %llu: problem %d cell %d place %d", (unsigned long long)seed, r.problem, r.cell,
			         r.place);
		assert_int_equal(r.problem, PCAL_OK);
		for (int c = 0; c < CELL_COUNT; c++) {
			worst_gain = fmax(worst_gain, fabs(r.gain_n_per_count[c] / true_gain[c] - 1));
			worst_off_n = fmax(worst_off_n, fabs((r.offset_counts[c] - true_off[c]) * true_gain[c]));
			assert_int_equal(r.reversed[c], c == CELL_TR);
			assert_true(r.cos[c] > 0.999 || r.cos[c] < -0.999);
			assert_double_equal(r.noise_n[c], 0.15, 0.05);
			assert_true(r.rms_resid_n[c] < 0.1);
		}
		for (int k = 0; k < PCAL_SPOTS; k++) {
			worst_cop = fmax(worst_cop, r.cop_err_mm[k]);
			worst_fz = fmax(worst_fz, fabs(r.fz_err_n[k]));
		}
		assert_double_equal(r.zero_shift_n, 0, 0.25);
		assert_double_equal(r.max_cop_err_mm, fmax(fmax(r.cop_err_mm[0], r.cop_err_mm[1]),
		                                           fmax(fmax(r.cop_err_mm[2], r.cop_err_mm[3]), r.cop_err_mm[4])),
		                    0);
	}
	print_message("50 synthetic plates, 20 kg, 0.15 N noise per cell, 100 samples a reading: gains within "
	              "%.2e (relative), offsets within %.3f N, COP at the spots within %.3f mm, totals within "
	              "%.3f N\n",
	              worst_gain, worst_off_n, worst_cop, worst_fz);
	assert_true(worst_gain < 2e-3);
	assert_true(worst_off_n < 0.05);
	assert_true(worst_cop < 0.5);
	assert_true(worst_fz < 0.2);
}

/* A stiff plate on equal cells shares a load linearly, not bilinearly:
 * the gains are still exact (the five spots are symmetric), the residuals
 * show the difference (1/16 of the weight at the diagonal spots), the
 * COP is exact: the fit is kept. */
static void a_plate_that_shares_linearly_gets_the_same_gains(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 7, 0);
	s.share = LINEAR;
	pcal_input in;
	synth_procedure(&s, 20, -1, 0, &in);
	pcal_result r;
	assert_int_equal(pcal_fit(&in, &r), POISE_OK);
	double w = 20 * PCAL_G_M_S2;
	for (int c = 0; c < CELL_COUNT; c++) {
		assert_double_equal(r.gain_n_per_count[c], true_gain[c], 1e-5 * fabs(true_gain[c]));
		assert_double_equal(fabs(r.resid_n[0][c]), 0, 0.01);
		for (int k = 1; k < PCAL_SPOTS; k++)
			assert_double_equal(fabs(r.resid_n[k][c]), w / 16, 0.01);
	}
	assert_true(r.max_cop_err_mm < 0.01);
	assert_true(r.max_fz_err_n < 0.01);
}

/* The plate's gains need not resemble anything: a new plate with cells
 * of a quite different sensitivity is found as well. */
static void any_gains_within_the_protocol_are_found(void **state)
{
	(void)state;
	static const double gains[][CELL_COUNT] = {
		{2e-5, 2e-5, 2e-5, 2e-5},        /* a fine ADC (110 N: 5.5 M counts) */
		{0.05, 0.04, -0.06, 0.05},       /* a coarse one, BL reversed */
		{-2e-4, -2e-4, -2e-4, -2e-4},    /* all reversed */
	};
	for (size_t i = 0; i < sizeof gains / sizeof gains[0]; i++) {
		synth s;
		synth_init(&s, 11 + i, 0.05);
		for (int c = 0; c < CELL_COUNT; c++)
			s.gain[c] = gains[i][c];
		pcal_input in;
		synth_procedure(&s, 20, -1, 0, &in);
		pcal_result r;
		if (pcal_fit(&in, &r) != POISE_OK)
			fail_msg("plate %zu: problem %d cell %d place %d", i, r.problem, r.cell, r.place);
		for (int c = 0; c < CELL_COUNT; c++) {
			/* Rounding to whole counts limits a coarse ADC. */
			assert_double_equal(r.gain_n_per_count[c] / gains[i][c], 1, 5e-3);
			assert_int_equal(r.reversed[c], gains[i][c] < 0);
		}
		assert_true(r.max_cop_err_mm < 1.0);
	}
}

static void a_mass_that_stood_off_its_mark_is_refused(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 3, 0.15);
	pcal_input in;
	synth_procedure(&s, 20, 2, 40, &in); /* front right, 40 mm too far right */
	pcal_result r;
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_MASS_MOVED);
	assert_int_equal(r.place, 2);
	assert_true(r.cop_err_mm[2] > PCAL_COP_TOL_MM);
	print_message("front right placed 40 mm off: named, its COP %.1f mm from the dot against the other spots' fit\n",
	              r.cop_err_mm[2]);
	/* 5 mm off is within what a calibration tolerates. */
	synth_init(&s, 3, 0.15);
	synth_procedure(&s, 20, 2, 5, &in);
	assert_int_equal(pcal_fit(&in, &r), POISE_OK);
	assert_true(r.cop_err_mm[2] > 1 && r.cop_err_mm[2] < 5);
}

/* The mass put on another spot (back left instead of front right): the
 * cells' fits suffer too, but leaving that placement out mends them, so
 * the placement is named, not the cables. */
static void a_mass_on_the_wrong_spot_is_named_not_the_cells(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 12, 0.15);
	pcal_input in;
	synth_procedure(&s, 20, -1, 0, &in);
	double x, y;
	pcal_spot(&plate, 3, &x, &y);
	in.place[2].r = synth_read(&s, 20, x, y, 0);
	pcal_result r;
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_MASS_MOVED);
	assert_int_equal(r.place, 2);
	/* Against the other four placements' calibration, it stood where it
	 * stood: at back left, 238 mm from the front-right spot's dot. */
	assert_double_equal(r.cop_err_mm[2], hypot(216.5, 119), 1);
	for (int k = 0; k < PCAL_SPOTS; k++)
		if (k != 2)
			assert_true(r.cop_err_mm[k] < 0.5);
	for (int c = 0; c < CELL_COUNT; c++)
		assert_double_equal(r.gain_n_per_count[c] / true_gain[c], 1, 2e-3);
}

static void a_mass_that_moved_during_its_reading_is_refused(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 4, 0.15);
	pcal_input in;
	synth_procedure(&s, 20, -1, 0, &in);
	double x, y;
	pcal_spot(&plate, 3, &x, &y);
	in.place[3].r = synth_read(&s, 20, x, y, 15); /* a hand still on it */
	pcal_result r;
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_MASS_MOVED);
	assert_int_equal(r.place, 3);
}

static void a_dead_cell_is_named(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 5, 0.15);
	s.dead = CELL_BL;
	pcal_input in;
	synth_procedure(&s, 20, -1, 0, &in);
	pcal_result r;
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_NO_RESPONSE);
	assert_int_equal(r.cell, CELL_BL);
}

static void swapped_cables_are_refused(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 6, 0.15);
	s.swap_a = CELL_TL;
	s.swap_b = CELL_BR;
	pcal_input in;
	synth_procedure(&s, 20, -1, 0, &in);
	pcal_result r;
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_NOT_FOLLOWING);
	assert_true(r.cell == CELL_TL || r.cell == CELL_BR);
}

/* Something on the plate while it was zeroed, taken away before the
 * mass went on: every gain comes out too large, and the known-mass check
 * with the same mass afterwards would still pass. The second zero tells
 * at once; without it, a 2 kg box still shows (the placements no longer
 * agree), a 0.5 kg one does not. */
static void a_zero_that_moved_is_refused(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 8, 0.15);
	pcal_input in;
	synth_procedure(&s, 20, -1, 0, &in);
	in.empty = synth_read(&s, 2, 0, 0, 0);
	pcal_result r;
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_ZERO_MOVED);
	assert_double_equal(r.zero_shift_n, -2 * PCAL_G_M_S2, 2);
	in.empty_after.n = 0;
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_MASS_MOVED);
	assert_true(isnan(r.zero_shift_n));

	synth_procedure(&s, 20, -1, 0, &in);
	in.empty = synth_read(&s, 0.5, 0, 0, 0);
	assert_int_equal(pcal_fit(&in, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_ZERO_MOVED);
	in.empty_after.n = 0;
	assert_int_equal(pcal_fit(&in, &r), POISE_OK); /* silently 2.5 % off */
	assert_double_equal(r.gain_n_per_count[CELL_TL] / true_gain[CELL_TL], 1.025, 0.01);
}

static void too_few_or_one_sided_placements_are_ill_conditioned(void **state)
{
	(void)state;
	synth s;
	synth_init(&s, 9, 0.15);
	pcal_input in;
	synth_procedure(&s, 20, -1, 0, &in);
	pcal_result r;
	pcal_input two = in;
	two.n_places = 2;
	assert_int_equal(pcal_fit(&two, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_TOO_FEW);
	/* Three placements all at the centre: no cell ever carries more than
	 * a quarter, the gains are not determined beyond an assumption. */
	pcal_input centre = in;
	centre.n_places = 3;
	for (int k = 0; k < 3; k++)
		centre.place[k] = in.place[0];
	assert_int_equal(pcal_fit(&centre, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_TOO_FEW);
	assert_int_equal(r.cell, CELL_TL);
	/* The front spots only: the back cells never carry 30 %. */
	pcal_input front = in;
	front.n_places = 3;
	front.place[0] = in.place[0], front.place[1] = in.place[1], front.place[2] = in.place[2];
	assert_int_equal(pcal_fit(&front, &r), POISE_E_RANGE);
	assert_int_equal(r.problem, PCAL_TOO_FEW);
	assert_int_equal(r.cell, CELL_BL);
	/* No mass, no empty reading, NULL. */
	pcal_input bad = in;
	bad.mass_kg = 0;
	assert_int_equal(pcal_fit(&bad, &r), POISE_E_RANGE);
	bad = in;
	bad.empty.n = 0;
	assert_int_equal(pcal_fit(&bad, &r), POISE_E_RANGE);
	assert_int_equal(pcal_fit(NULL, &r), POISE_E_INVALID);
	assert_int_equal(pcal_fit(&in, NULL), POISE_E_INVALID);
	/* The full set is fine. */
	assert_int_equal(pcal_fit(&in, &r), POISE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spots_are_the_centre_and_half_way_to_each_corner),
		cmocka_unit_test(a_window_gives_mean_spread_and_drift_of_large_counts),
		cmocka_unit_test(judging_says_still_moving_or_no_load),
		cmocka_unit_test(the_fit_recovers_known_gains_and_offsets),
		cmocka_unit_test(a_plate_that_shares_linearly_gets_the_same_gains),
		cmocka_unit_test(any_gains_within_the_protocol_are_found),
		cmocka_unit_test(a_mass_that_stood_off_its_mark_is_refused),
		cmocka_unit_test(a_mass_on_the_wrong_spot_is_named_not_the_cells),
		cmocka_unit_test(a_mass_that_moved_during_its_reading_is_refused),
		cmocka_unit_test(a_dead_cell_is_named),
		cmocka_unit_test(swapped_cables_are_refused),
		cmocka_unit_test(a_zero_that_moved_is_refused),
		cmocka_unit_test(too_few_or_one_sided_placements_are_ill_conditioned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
