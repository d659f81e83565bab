/* The real-time pipeline end to end, from frames to COP samples. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/pipeline.h"

static const cop_plate plate = {433, 238};

static poise_frame frame_at(mono_us t, uint32_t seq, double x, double y, double fz)
{
	poise_frame f = {.t_us = t, .seq = seq};
	cop_to_forces(&plate, x, y, fz, f.force_n);
	return f;
}

typedef struct run {
	pipeline *pl;
	cop_sample *out;
	cop_sample all[20000];
	size_t n;
} run;

static void run_open(run *r, const pl_cfg *cfg)
{
	assert_int_equal(pl_create(&r->pl, cfg), POISE_OK);
	r->out = calloc(pl_max_out(r->pl), sizeof *r->out);
	r->n = 0;
}

static void run_push(run *r, const poise_frame *f)
{
	size_t k = pl_push(r->pl, f, r->out);
	for (size_t i = 0; i < k && r->n < 20000; i++)
		r->all[r->n++] = r->out[i];
}

static void run_close(run *r)
{
	pl_destroy(r->pl);
	free(r->out);
}

static void a_still_person_gives_their_cop_at_100_hz(void **state)
{
	(void)state;
	run *r = calloc(1, sizeof *r);
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, 100);
	run_open(r, &cfg);
	for (uint32_t i = 0; i < 300; i++) {
		poise_frame f = frame_at(1000000 + (mono_us)i * 10000, i, 12.5, -30, 700);
		run_push(r, &f);
	}
	assert_int_equal(r->n, 300);
	int on_at = -1;
	for (size_t i = 0; i < r->n; i++) {
		const cop_sample *s = &r->all[i];
		assert_int_equal(s->t_us, 1000000 + (mono_us)i * 10000);
		assert_double_equal(s->x_mm, 12.5, 1e-9);
		assert_double_equal(s->y_mm, -30, 1e-9);
		assert_double_equal(s->fz_n, 700, 1e-9);
		if ((s->flags & SAMPLE_STEP_ON) && on_at < 0)
			on_at = (int)i;
		if (s->flags & SAMPLE_ON_PLATE)
			assert_double_equal(s->xf_mm, 12.5, 1e-9); /* display filter primed */
		else
			assert_true(isnan(s->xf_mm));
	}
	assert_int_equal(on_at, 30); /* the 300 ms step-on debounce */
	assert_true(r->all[0].flags & SAMPLE_RESTART);
	run_close(r);
	free(r);
}

static void stepping_off_and_back_on_is_flagged(void **state)
{
	(void)state;
	run *r = calloc(1, sizeof *r);
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, 100);
	run_open(r, &cfg);
	for (uint32_t i = 0; i < 1500; i++) {
		double fz = (i >= 500 && i < 900) ? 0.0 : 700.0; /* off from 5 s to 9 s */
		poise_frame f = frame_at((mono_us)i * 10000, i, 5, 5, fz);
		if (fz == 0)
			for (int c = 0; c < CELL_COUNT; c++)
				f.force_n[c] = 0.3;
		run_push(r, &f);
	}
	int n_on = 0, n_off = 0;
	size_t off_at = 0, on_again = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->all[i].flags & SAMPLE_STEP_ON) {
			n_on++;
			on_again = i;
		}
		if (r->all[i].flags & SAMPLE_STEP_OFF) {
			n_off++;
			off_at = i;
		}
		if (i > 520 && i < 900) {
			assert_false(r->all[i].flags & SAMPLE_ON_PLATE);
			assert_true(r->all[i].flags & SAMPLE_NO_COP); /* no COP from noise */
			assert_true(isnan(r->all[i].x_mm));
		}
	}
	assert_int_equal(n_on, 2);
	assert_int_equal(n_off, 1);
	assert_int_equal(off_at, 515);  /* 150 ms debounce */
	assert_int_equal(on_again, 930); /* 300 ms debounce */
	run_close(r);
	free(r);
}

static void a_1khz_plate_is_decimated_without_aliasing(void **state)
{
	(void)state;
	run *r = calloc(1, sizeof *r);
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, 1000);
	cfg.display_lowpass_hz = 0;
	run_open(r, &cfg);
	/* A 0.5 Hz sway plus strong 90 Hz vibration that would alias to 10 Hz
	 * if decimated naively. */
	for (uint32_t i = 0; i < 10000; i++) {
		double t = i / 1000.0;
		double x = 10 * sin(2 * M_PI * 0.5 * t) + 4 * sin(2 * M_PI * 90 * t);
		poise_frame f = frame_at((mono_us)i * 1000, i, x, 0, 700);
		run_push(r, &f);
	}
	assert_int_equal(r->n, 1000);
	double worst = 0;
	for (size_t i = 200; i < r->n; i++) {
		double t = (double)r->all[i].t_us * 1e-6;
		/* The anti-alias filter (40 Hz, 2nd order) delays 0.5 Hz by ~5.6 ms. */
		double want = 10 * sin(2 * M_PI * 0.5 * (t - 0.0056));
		worst = fmax(worst, fabs(r->all[i].x_mm - want));
	}
	assert_true(worst < 1.0); /* 90 Hz at 4 mm: at most 1 mm gets through */
	run_close(r);
	free(r);
}

static void frame_flags_reach_the_next_sample(void **state)
{
	(void)state;
	run *r = calloc(1, sizeof *r);
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, 100);
	run_open(r, &cfg);
	for (uint32_t i = 0; i < 100; i++) {
		poise_frame f = frame_at((mono_us)i * 10000, i, 0, 0, 700);
		if (i == 40)
			f.flags = FRAME_GAP | FRAME_OVERRANGE_BL;
		run_push(r, &f);
	}
	for (size_t i = 0; i < r->n; i++) {
		uint32_t want = i == 40 ? (FRAME_GAP | FRAME_OVERRANGE_BL) : 0;
		assert_int_equal(r->all[i].flags & SAMPLE_FRAME_FLAGS, want);
		assert_int_equal(r->all[i].seq, i);
	}
	run_close(r);
	free(r);
}

static void tare_through_the_pipeline(void **state)
{
	(void)state;
	run *r = calloc(1, sizeof *r);
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, 100);
	run_open(r, &cfg);
	assert_int_equal(pl_tare_result(r->pl), POISE_E_STATE);
	pl_tare_start(r->pl, 100, 5);
	/* The empty plate reads 40 N on each cell (its own weight). */
	for (uint32_t i = 0; i < 150; i++) {
		poise_frame f = {.t_us = (mono_us)i * 10000, .seq = i, .force_n = {40, 40, 40, 40}};
		run_push(r, &f);
		if (i == 98)
			assert_int_equal(pl_tare_result(r->pl), POISE_E_STATE);
	}
	assert_int_equal(pl_tare_result(r->pl), POISE_OK);
	assert_double_equal(pl_calib(r->pl)->offset_n[CELL_BR], 40, 1e-9);
	assert_double_equal(r->all[r->n - 1].fz_n, 0, 1e-9);
	run_close(r);
	free(r);
}

static void bad_configuration_is_refused(void **state)
{
	(void)state;
	pl_cfg cfg;
	pipeline *pl = NULL;
	pl_cfg_default(&cfg, &(cop_plate){0, 238}, 100);
	assert_int_equal(pl_create(&pl, &cfg), POISE_E_INVALID);
	pl_cfg_default(&cfg, &plate, 100);
	cfg.display_lowpass_hz = 60;
	assert_int_equal(pl_create(&pl, &cfg), POISE_E_INVALID);
	assert_null(pl);
}

/* A Wii Balance Board's jittered frames through the window resampler: a
 * still person comes out on the fixed 100 Hz clock, half a window behind. */
static void board_timing_with_the_window_resampler(void **state)
{
	(void)state;
	run *r = calloc(1, sizeof *r);
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, 60);
	assert_int_equal(cfg.resample_method, RS_LINEAR);
	cfg.resample_method = RS_WINDOW;
	run_open(r, &cfg);
	mono_us t = 3000000;
	for (uint32_t i = 0; i < 180; i++) {
		t += 10000 + (mono_us)((i * 7919u) % 23) * 1000; /* 10–32 ms */
		poise_frame f = frame_at(t, i, -8, 21.5, 650);
		run_push(r, &f);
	}
	assert_true(r->n > 250);
	for (size_t i = 0; i < r->n; i++) {
		const cop_sample *s = &r->all[i];
		assert_int_equal(s->t_us, 3010000 + (mono_us)i * 10000);
		assert_double_equal(s->x_mm, -8, 1e-9);
		assert_double_equal(s->y_mm, 21.5, 1e-9);
		assert_double_equal(s->fz_n, 650, 1e-9);
	}
	/* Outputs stop short of the last frame by about half the window. */
	assert_true(r->all[r->n - 1].t_us + 25000 <= t);
	assert_true(r->all[r->n - 1].t_us + 25000 + 40000 > t);
	run_close(r);
	cfg.resample_window_s = 2.0; /* longer than the resampler can hold */
	pipeline *pl = NULL;
	assert_int_equal(pl_create(&pl, &cfg), POISE_E_INVALID);
	assert_null(pl);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_still_person_gives_their_cop_at_100_hz),
		cmocka_unit_test(stepping_off_and_back_on_is_flagged),
		cmocka_unit_test(a_1khz_plate_is_decimated_without_aliasing),
		cmocka_unit_test(frame_flags_reach_the_next_sample),
		cmocka_unit_test(tare_through_the_pipeline),
		cmocka_unit_test(bad_configuration_is_refused),
		cmocka_unit_test(board_timing_with_the_window_resampler),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
