/* Setting up a new USB force plate in the app, end to end: the emulated
 * plate (tests/emu: umockdev and the firmware core) has never been
 * calibrated and its cells have gains of their own; the app (SDL's dummy
 * video driver) is driven as a therapist would: open a patient → the
 * plate check says the plate cannot be used and offers its set-up → C →
 * the empty plate → 20 kg → the mass on the five spots (the first time
 * one spot wrong: the fit is refused and says where) → start again → the
 * empty plate again → the fit → W, Yes → the plate opens the usual way →
 * the known-mass check on the five spots passes. Then the database holds
 * the calibration and the check, the plate holds the new block, and no
 * patient data was recorded. A screenshot of each state goes under the
 * build folder (tests/ui-calibrate/). */
#include <SDL.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/platecal.h"
#include "device/usbplate.h"
#include "plate_emu.h"
#include "store/store.h"
#include "test_util.h"
#include "ui/app.h"

#ifndef POISE_TEST_OUT
#define POISE_TEST_OUT "."
#endif

static void key(SDL_Keycode k)
{
	SDL_Event e = {.type = SDL_KEYDOWN};
	e.key.keysym.sym = k;
	e.key.state = SDL_PRESSED;
	SDL_PushEvent(&e);
}

typedef struct flow {
	emu_plate *emu;
	int step;
	double step_t;
	int spot, round;
	char last[48];        /* the screen and state of the last frame */
	char seen[24][48];
	int n_seen;
	char shot[600];
	char trail[3072];
	bool failed;
} flow;

static bool on(const app_script_io *io, const char *screen, const char *state)
{
	return strcmp(io->screen, screen) == 0 && (!state || strcmp(io->state, state) == 0);
}

static void next(flow *f, const app_script_io *io)
{
	f->step++;
	f->step_t = io->t_s;
}

/* The mass on spot k of the emulated plate (433 × 238 mm), or off. */
static void place(flow *f, int k)
{
	cop_plate p = {433, 238};
	dev_steer s = {.on_plate = false};
	if (k >= 0) {
		pcal_spot(&p, k, &s.x_mm, &s.y_mm);
		s.object_kg = 20;
	}
	emu_steer(f->emu, &s);
}

/* A screenshot of each state the first time it has been up a moment. */
static void photograph(flow *f, app_script_io *io)
{
	char name[48];
	snprintf(name, sizeof name, "%s-%s", io->screen, io->state);
	for (int i = 0; i < f->n_seen; i++)
		if (strcmp(f->seen[i], name) == 0)
			return;
	if (f->n_seen == 24 || io->t_s - f->step_t < 0.4 || strstr(io->state, "measuring"))
		return;
	snprintf(f->seen[f->n_seen++], sizeof f->seen[0], "%s", name);
	snprintf(f->shot, sizeof f->shot, "%s/%s.png", POISE_TEST_OUT, name);
	io->screenshot = f->shot;
}

/* Keeps the trail of screens and states (for a failure message); false
 * once a step waited longer than limit_s for what never came. */
static bool track(flow *f, const app_script_io *io, double limit_s)
{
	if (f->step_t == 0)
		f->step_t = io->t_s;
	char now[48];
	snprintf(now, sizeof now, "%s/%s", io->screen, io->state);
	size_t n = strlen(f->trail);
	if (strcmp(now, f->last) != 0 && n + 50 < sizeof f->trail)
		snprintf(f->trail + n, sizeof f->trail - n, " %s", now);
	snprintf(f->last, sizeof f->last, "%s", now);
	if (io->t_s - f->step_t > limit_s)
		f->failed = true;
	return !f->failed;
}

static bool setup(void *ctx, app_script_io *io)
{
	flow *f = ctx;
	if (!track(f, io, 30))
		return true;
	if (!io->confirm_open) {
		photograph(f, io);
		if (io->screenshot)
			return false;
	}
	switch (f->step) {
	case 0: /* the patient list: open the only patient */
		if (!on(io, "patients", NULL) || io->t_s - f->step_t < 0.5)
			return false;
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 1: /* no plate can be used: set it up */
		if (!on(io, "check", "no-plate") || io->t_s - f->step_t < 0.8)
			return false;
		place(f, -1); /* nobody on the plate */
		key(SDLK_c);
		next(f, io);
		return false;
	case 2: /* the empty plate */
		if (!on(io, "calibrate", "empty") || io->t_s - f->step_t < 0.6)
			return false;
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 3: /* 20 kg: two steps up and down again */
		if (!on(io, "calibrate", "mass") || io->t_s - f->step_t < 0.6)
			return false;
		key(SDLK_PLUS);
		key(SDLK_MINUS);
		key(SDLK_RETURN);
		f->spot = 0;
		next(f, io);
		return false;
	case 4: /* the mass on each spot; in the first round, the third on the wrong one */
		if (on(io, "calibrate", "empty-after")) {
			place(f, -1);
			next(f, io);
			return false;
		}
		if (!on(io, "calibrate", "place") || io->t_s - f->step_t < 0.5)
			return false;
		place(f, f->round == 0 && f->spot == 2 ? 3 : f->spot);
		f->spot++;
		f->step_t = io->t_s;
		f->step = 40; /* let it settle, then measure */
		return false;
	case 40:
		if (io->t_s - f->step_t < 0.3)
			return false;
		key(SDLK_RETURN);
		f->step = 41;
		f->step_t = io->t_s;
		return false;
	case 41: /* measuring, until the next spot (or the empty plate) is asked for */
		if (on(io, "calibrate", "place-measuring") || io->t_s - f->step_t < 0.2)
			return false;
		f->step = 4;
		f->step_t = io->t_s;
		return false;
	case 5:
		if (!on(io, "calibrate", "empty-after") || io->t_s - f->step_t < 0.5)
			return false;
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 6: /* the fit: refused the first time, written the second */
		if (on(io, "calibrate", "refused") && f->round == 0 && io->t_s - f->step_t > 1.0) {
			f->round = 1;
			key(SDLK_r);
			f->step = 2;
			f->step_t = io->t_s;
			return false;
		}
		if (!on(io, "calibrate", "fit") || io->t_s - f->step_t < 1.0)
			return false;
		key(SDLK_w);
		next(f, io);
		return false;
	case 7:
		if (!io->confirm_open)
			return false;
		key(SDLK_y);
		f->spot = 0;
		next(f, io);
		return false;
	case 8: /* the known-mass check with the same mass, on the calibrated plate */
		if (on(io, "check", "mass-done")) {
			next(f, io);
			return false;
		}
		if (!on(io, "check", "mass-place") || io->t_s - f->step_t < 0.5)
			return false;
		place(f, f->spot++);
		key(SDLK_RETURN);
		f->step_t = io->t_s;
		return false;
	case 9:
		if (io->t_s - f->step_t < 0.6)
			return false;
		next(f, io);
		return true; /* done */
	default:
		return true;
	}
}

/* A station database in dir with one patient, code; its path into db. */
static void make_station(const char *dir, const char *code, char *db, size_t len)
{
	char msg[512];
	snprintf(db, len, "%s/cal.db", dir);
	mkdir(POISE_TEST_OUT, 0700);
	store *s;
	assert_int_equal(store_open(&s, db, 0, msg, sizeof msg), POISE_OK);
	store_patient p = {.height_cm = 170};
	snprintf(p.code, sizeof p.code, "%s", code);
	assert_int_equal(store_patient_add(s, &p, NULL), POISE_OK);
	/* To look at the screens another way (not part of the test's checks):
	 * POISE_FLOW_SIZE=1920x1080, POISE_FLOW_TEXT=0|1|2. */
	const char *text = getenv("POISE_FLOW_TEXT");
	if (text)
		assert_int_equal(store_setting_set(s, "text_size", text), POISE_OK);
	store_close(s);
}

/* The app on db with "auto" plates (a patient's: real plates only),
 * driven by script until it quits. */
static void run_app(const char *db, app_script_fn script, flow *f, int steps)
{
	char msg[512];
	app_cfg cfg = {.db = db, .device = "auto", .script = script, .script_ctx = f};
	const char *size = getenv("POISE_FLOW_SIZE");
	if (size && sscanf(size, "%dx%d", &cfg.width, &cfg.height) != 2)
		cfg.width = cfg.height = 0;
	int code = app_run(&cfg, msg, sizeof msg);
	if (code)
		fail_msg("app_run: %s", msg);
	if (f->failed || f->step < steps)
		fail_msg("stopped at step %d; screens seen:%s", f->step, f->trail);
}

static void a_new_usb_plate_is_set_up_in_the_app(void **state)
{
	(void)state;
	/* The cells' truth: nothing like the emulator's factory block. */
	pp_calib hw = {.offset_counts = {40000, -90000, 7000, 250000},
	               .gain_n_per_count = {3e-4f, 2.5e-4f, -3.5e-4f, 2.8e-4f}};
	emu_cfg ec = {.realtime = true, .source = EMU_PERSON, .calib = EMU_CALIB_BLANK, .serial = "NEW-0042",
	              .seed = 2, .hw = &hw};
	emu_plate *emu;
	assert_int_equal(emu_create(&emu, &ec), 0);
	char *dir = tu_mkdtemp();
	char db[600], msg[512];
	make_station(dir, "CAL-1", db, sizeof db);
	flow f = {.emu = emu};
	run_app(db, setup, &f, 10);

	/* The database: the calibration (the block, five spots), then the
	 * known-mass check, all passed; no patient data. */
	store *s;
	assert_int_equal(store_open(&s, db, STORE_READ_ONLY, msg, sizeof msg), POISE_OK);
	store_check *c;
	size_t nc;
	assert_int_equal(store_checks(s, "usb", "NEW-0042", &c, &nc), POISE_OK);
	assert_int_equal(nc, 11);
	assert_string_equal(c[0].kind, "calibration");
	assert_string_equal(c[0].position, "all");
	assert_true(c[0].passed);
	if (!strstr(c[0].note, "written and read back: offsets"))
		fail_msg("note: %s", c[0].note);
	for (size_t i = 1; i < 6; i++) {
		assert_string_equal(c[i].kind, "calibration");
		assert_true(c[i].passed);
		assert_true(c[i].error_mm < 0.5);
		assert_double_equal(c[i].mass_kg, 20, 0);
	}
	assert_string_equal(c[1].position, "centre");
	double worst_mm = 0, worst_kg = 0;
	for (size_t i = 6; i < 11; i++) {
		assert_string_equal(c[i].kind, "known-mass");
		if (!c[i].passed)
			fail_msg("known-mass %s: %.2f mm, %.3f kg", c[i].position, c[i].error_mm, c[i].error_kg);
		worst_mm = fmax(worst_mm, c[i].error_mm);
		worst_kg = fmax(worst_kg, fabs(c[i].error_kg));
	}
	print_message("after the set-up in the app, the known-mass check: COP within %.2f mm, mass within %.3f kg\n",
	              worst_mm, worst_kg);
	free(c);
	store_patient got;
	assert_int_equal(store_patient_get(s, "CAL-1", &got), POISE_OK);
	store_session *se;
	size_t ns;
	assert_int_equal(store_sessions(s, got.id, &se, &ns), POISE_OK);
	assert_int_equal(ns, 0); /* setting up a plate records nothing for the patient */
	free(se);
	store_close(s);

	/* The plate holds a valid block now and opens the usual way. */
	usbp_cal_found found[2];
	size_t n = 0;
	assert_int_equal(usbp_cal_enumerate(found, 2, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0].cal, USBP_CAL_VALID);
	assert_true(found[0].info.usable);

	const char *states[] = {"check-no-plate", "calibrate-empty", "calibrate-mass", "calibrate-place",
	                        "calibrate-empty-after", "calibrate-refused", "calibrate-fit", "check-mass-place"};
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		char path[700];
		snprintf(path, sizeof path, "%s/%s.png", POISE_TEST_OUT, states[i]);
		struct stat st;
		if (stat(path, &st) != 0)
			fail_msg("no screenshot of %s; seen:%s", states[i], f.trail);
	}
	tu_rmdir(dir);
	emu_destroy(emu);
}

/* A working plate: C on the plate check opens the set-up (the plate's
 * own calibration kept until a new one is written); Esc, Yes leaves it
 * unwritten and the plate check has its plate back. */
static bool recalibrate_then_cancel(void *ctx, app_script_io *io)
{
	flow *f = ctx;
	if (!track(f, io, 20))
		return true;
	switch (f->step) {
	case 0:
		if (!on(io, "patients", NULL) || io->t_s - f->step_t < 0.5)
			return false;
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 1: /* the plate works: the check waits for the plate to be empty */
		if (!on(io, "check", NULL) || on(io, "check", "no-plate") || io->t_s - f->step_t < 0.8)
			return false;
		if (!f->n_seen) { /* the plate check of a USB plate: a Calibrate button */
			snprintf(f->shot, sizeof f->shot, "%s/recalibrate-check.png", POISE_TEST_OUT);
			io->screenshot = f->shot;
			f->n_seen = 1;
			return false;
		}
		key(SDLK_c);
		next(f, io);
		return false;
	case 2:
		if (!on(io, "calibrate", "empty") || io->t_s - f->step_t < 0.6)
			return false;
		snprintf(f->shot, sizeof f->shot, "%s/recalibrate-empty.png", POISE_TEST_OUT);
		io->screenshot = f->shot;
		next(f, io);
		return false;
	case 3:
		key(SDLK_ESCAPE);
		next(f, io);
		return false;
	case 4:
		if (!io->confirm_open)
			return false;
		key(SDLK_y);
		next(f, io);
		return false;
	case 5:
		if (!on(io, "check", NULL) || on(io, "check", "no-plate") || io->t_s - f->step_t < 0.5)
			return false;
		next(f, io);
		return true;
	default:
		return true;
	}
}

static void a_working_plate_is_offered_recalibration_and_left_as_it_was(void **state)
{
	(void)state;
	emu_cfg ec = {.realtime = true, .source = EMU_PERSON, .serial = "OLD-0007", .seed = 3};
	emu_plate *emu;
	assert_int_equal(emu_create(&emu, &ec), 0);
	char *dir = tu_mkdtemp();
	char db[600], msg[512];
	make_station(dir, "CAL-2", db, sizeof db);
	flow f = {.emu = emu};
	run_app(db, recalibrate_then_cancel, &f, 6);
	/* Nothing written, nothing stored. */
	pp_calib factory, now;
	emu_calibration(emu, &factory);
	usbp_cal *c = NULL;
	assert_int_equal(usbp_cal_open(&c, NULL, msg, sizeof msg), POISE_OK);
	assert_int_equal(usbp_cal_state(c, &now), USBP_CAL_VALID);
	assert_memory_equal(&now, &factory, sizeof now);
	usbp_cal_close(c);
	store *s;
	assert_int_equal(store_open(&s, db, STORE_READ_ONLY, msg, sizeof msg), POISE_OK);
	store_check *checks;
	size_t nc;
	assert_int_equal(store_checks(s, "usb", "OLD-0007", &checks, &nc), POISE_OK);
	assert_int_equal(nc, 0);
	free(checks);
	store_close(s);
	tu_rmdir(dir);
	emu_destroy(emu);
}

/* One case per process (SDL does not start twice under one umockdev
 * testbed): `test_ui_calibrate new_plate` or `... recalibrate`. */
int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "new_plate") != 0 && strcmp(argv[1], "recalibrate") != 0)) {
		fprintf(stderr, "usage: %s new_plate|recalibrate\n", argv[0]);
		return 2;
	}
	if (!emu_ensure_preload(argv))
		return 1;
	const struct CMUnitTest new_plate[] = {
		cmocka_unit_test(a_new_usb_plate_is_set_up_in_the_app),
	};
	const struct CMUnitTest recalibrate[] = {
		cmocka_unit_test(a_working_plate_is_offered_recalibration_and_left_as_it_was),
	};
	if (strcmp(argv[1], "new_plate") == 0)
		return cmocka_run_group_tests(new_plate, NULL, NULL);
	return cmocka_run_group_tests(recalibrate, NULL, NULL);
}
