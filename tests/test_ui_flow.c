/* The clinic's day in the app, driven as a therapist and a patient would
 * (keys and text typed, the simulated person stepping off and on and
 * leaning), under SDL's dummy video driver: create a patient → plate
 * check with tare → play a game → rest break → effort rating by leaning →
 * results, "Done" by leaning → history → quit; then the database is
 * checked. A screenshot of every screen goes under the build folder
 * (tests/ui-flow/). */
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
#include "store/store.h"
#include "test_util.h"
#include "ui/app.h"

#ifndef POISE_TEST_OUT
#define POISE_TEST_OUT "."
#endif

/* ---- pushing input ------------------------------------------------------ */

static void key(SDL_Keycode k)
{
	SDL_Event e = {.type = SDL_KEYDOWN};
	e.key.keysym.sym = k;
	e.key.state = SDL_PRESSED;
	SDL_PushEvent(&e);
}

static void type(const char *text)
{
	SDL_Event e = {.type = SDL_TEXTINPUT};
	snprintf(e.text.text, sizeof e.text.text, "%s", text);
	SDL_PushEvent(&e);
}

/* ---- the script ----------------------------------------------------------- */

typedef struct flow {
	int step;
	double step_t;        /* when the step began */
	char seen[16][48];    /* screens already photographed */
	int n_seen;
	char shot[600];
	char trail[2048];     /* screens and states seen, for a failure message */
	int spot;             /* the known-mass check's spot */
	double go_t, rec_t;   /* the tests: last Enter, first recording seen */
	bool failed;
	const char *stuck_at;
} flow;

static bool seen(flow *f, const char *screen)
{
	for (int i = 0; i < f->n_seen; i++)
		if (strcmp(f->seen[i], screen) == 0)
			return true;
	return false;
}

/* A screenshot of each screen the first time it has been up for a moment. */
static void photograph(flow *f, app_script_io *io, const char *screen, const char *state)
{
	char name[48];
	snprintf(name, sizeof name, "%s%s%s", screen, state[0] ? "-" : "", state);
	if (seen(f, name) || f->n_seen == 16 || io->t_s - f->step_t < 0.6)
		return;
	snprintf(f->seen[f->n_seen++], sizeof f->seen[0], "%s", name);
	snprintf(f->shot, sizeof f->shot, "%s/%s.png", POISE_TEST_OUT, name);
	io->screenshot = f->shot;
}

static void next(flow *f, const app_script_io *io)
{
	f->step++;
	f->step_t = io->t_s;
}

static bool on(const app_script_io *io, const char *screen, const char *state)
{
	return strcmp(io->screen, screen) == 0 && (!state || strcmp(io->state, state) == 0);
}

/* What every turn of a script does first: note the screen in the trail
 * (for a failure message), give up on a step that never comes (returns
 * 1: quit), and photograph each screen once, its state in the name when
 * with_state (returns 0: this frame is the picture, no keys). Else -1. */
static int turn_begin(flow *f, app_script_io *io, double patience_s, bool with_state)
{
	if (f->step_t == 0)
		f->step_t = io->t_s;
	size_t n = strlen(f->trail);
	if (n + 60 < sizeof f->trail && (n < 30 || !strstr(f->trail + n - 30, io->state)))
		snprintf(f->trail + n, sizeof f->trail - n, " %s/%s", io->screen, io->state);
	if (io->t_s - f->step_t > patience_s) { /* a step that never comes: fail, quit */
		f->failed = true;
		return 1;
	}
	if (!io->confirm_open) {
		photograph(f, io, io->screen, with_state ? io->state : "");
		if (io->screenshot)
			return 0;
	}
	return -1;
}

static bool the_day(void *ctx, app_script_io *io)
{
	flow *f = ctx;
	int b = turn_begin(f, io, 30, strcmp(io->screen, "check") == 0);
	if (b >= 0)
		return b;
	switch (f->step) {
	case 0: /* the patient list: create UI-FLOW, 180 cm, open it */
		if (!on(io, "patients", NULL) || io->t_s - f->step_t < 0.8)
			return false;
		key(SDLK_F3);
		type("UI-FLOW");
		for (int i = 0; i < 4; i++)
			key(SDLK_TAB);
		type("180");
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 1:
		if (io->t_s - f->step_t < 0.3)
			return false;
		key(SDLK_RETURN); /* open the new patient */
		next(f, io);
		return false;
	case 2: /* the plate check: step off for zero... */
		if (!on(io, "check", "step-off"))
			return false;
		io->steer_set = true;
		io->steer = (dev_steer){.on_plate = false};
		next(f, io);
		return false;
	case 3: /* ...then on for the weight */
		if (!on(io, "check", "step-on"))
			return false;
		io->steer_set = true;
		io->steer = (dev_steer){.on_plate = true};
		next(f, io);
		return false;
	case 4: /* the known-mass check: 20 kg at the centre and four spots */
		if (!on(io, "check", "ready") || io->t_s - f->step_t < 0.8)
			return false;
		key(SDLK_k);
		f->spot = 0;
		next(f, io);
		return false;
	case 5:
		if (on(io, "check", "mass-done")) {
			io->steer_set = true;
			io->steer = (dev_steer){.on_plate = true};
			key(SDLK_RETURN); /* Done */
			next(f, io);
			return false;
		}
		if (!on(io, "check", "mass-place") || io->t_s - f->step_t < 0.4)
			return false;
		{
			static const double sx[5] = {0, -1, 1, -1, 1}, sy[5] = {0, 1, 1, -1, -1};
			io->steer_set = true; /* the sim plate: 433 × 238 mm */
			io->steer = (dev_steer){.x_mm = sx[f->spot] * 433 / 4, .y_mm = sy[f->spot] * 238 / 4,
			                        .on_plate = false, .object_kg = 20};
			f->spot++;
			key(SDLK_RETURN); /* measure */
			f->step_t = io->t_s;
		}
		return false;
	case 6:
		if (!on(io, "check", "ready") || io->t_s - f->step_t < 1.0)
			return false;
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 7: /* home → train: Still water, 10 s */
		if (!on(io, "home", NULL) || io->t_s - f->step_t < 0.8)
			return false;
		key(SDLK_t);
		next(f, io);
		return false;
	case 8:
		if (!on(io, "train", NULL) || io->t_s - f->step_t < 0.8)
			return false;
		key(SDLK_3);
		for (int i = 0; i < 9; i++)
			key(SDLK_LEFTBRACKET); /* the shortest playing time */
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 9: /* the game plays (the simulated person plays it); then a rest */
		if (!on(io, "rest", NULL))
			return false;
		next(f, io);
		return false;
	case 10: /* the effort: the patient leans to the right end and holds */
		if (!on(io, "rating", NULL) || io->t_s - f->step_t < 0.5)
			return false;
		io->steer_set = true;
		io->steer = (dev_steer){.x_mm = 65, .on_plate = true, .active = true};
		next(f, io);
		return false;
	case 11: /* the results: back to the middle, then lean to "Done" (right) */
		if (!on(io, "results", NULL) || io->t_s - f->step_t < 1.0)
			return false;
		io->steer_set = true;
		io->steer = (dev_steer){.on_plate = true, .active = true};
		next(f, io);
		return false;
	case 12:
		if (io->t_s - f->step_t < 1.5)
			return false;
		io->steer_set = true;
		io->steer = (dev_steer){.x_mm = 80, .on_plate = true, .active = true};
		next(f, io);
		return false;
	case 13: /* back home, the history */
		if (!on(io, "train", NULL))
			return false;
		io->steer_set = true;
		io->steer = (dev_steer){.on_plate = true};
		key(SDLK_ESCAPE);
		key(SDLK_h);
		next(f, io);
		return false;
	case 14:
		if (!on(io, "history", NULL) || io->t_s - f->step_t < 1.0)
			return false;
		key(SDLK_ESCAPE);
		key(SDLK_ESCAPE);
		next(f, io);
		return false;
	case 15: /* the patient list: Esc asks, Enter says yes */
		if (!on(io, "patients", NULL))
			return false;
		key(SDLK_ESCAPE);
		next(f, io);
		return false;
	case 16: /* (the first Esc cleared the search box) */
		if (!io->confirm_open) {
			if (io->t_s - f->step_t > 0.5) {
				key(SDLK_ESCAPE);
				f->step_t = io->t_s;
			}
			return false;
		}
		key(SDLK_RETURN);
		next(f, io);
		return false;
	default:
		return io->t_s - f->step_t > 5; /* it should have quit by now */
	}
}

static void a_clinic_day_in_the_app(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp();
	char db[600];
	snprintf(db, sizeof db, "%s/flow.db", dir);
	mkdir(POISE_TEST_OUT, 0700);
	/* The station: a rest after 3 s of standing (the game lasts 10 s),
	 * rests of 3 s. */
	store *s;
	char msg[512];
	assert_int_equal(store_open(&s, db, 0, msg, sizeof msg), POISE_OK);
	assert_int_equal(store_setting_set(s, "rest_after_min", "0.05"), POISE_OK);
	assert_int_equal(store_setting_set(s, "rest_s", "3"), POISE_OK);
	/* To look at the screens another way (not part of the test's checks):
	 * POISE_FLOW_SIZE=1920x1080, POISE_FLOW_TEXT=0|1|2, POISE_FLOW_CONTRAST=1. */
	const char *text = getenv("POISE_FLOW_TEXT"), *contrast = getenv("POISE_FLOW_CONTRAST");
	if (text)
		assert_int_equal(store_setting_set(s, "text_size", text), POISE_OK);
	if (contrast)
		assert_int_equal(store_setting_set(s, "high_contrast", contrast), POISE_OK);
	store_close(s);

	flow f = {0};
	app_cfg cfg = {.db = db, .device = "sim", .seed = 5, .script = the_day, .script_ctx = &f};
	const char *size = getenv("POISE_FLOW_SIZE");
	if (size && sscanf(size, "%dx%d", &cfg.width, &cfg.height) != 2)
		cfg.width = cfg.height = 0;
	int code = app_run(&cfg, msg, sizeof msg);
	if (code)
		fail_msg("app_run: %s", msg);
	if (f.failed || f.step < 17)
		fail_msg("the day stopped at step %d; screens seen:%s", f.step, f.trail);

	/* What the day left in the database. */
	assert_int_equal(store_open(&s, db, STORE_READ_ONLY, msg, sizeof msg), POISE_OK);
	store_patient p;
	assert_int_equal(store_patient_get(s, "UI-FLOW", &p), POISE_OK);
	assert_double_equal(p.height_cm, 180, 0);
	store_session *se;
	size_t ns;
	assert_int_equal(store_sessions(s, p.id, &se, &ns), POISE_OK);
	assert_int_equal(ns, 1);
	assert_true(store_session_is_simulated(&se[0]));
	assert_true(se[0].ended_at[0]); /* quitting ended the sitting */
	store_trial *t;
	size_t nt;
	assert_int_equal(store_trials(s, se[0].id, &t, &nt), POISE_OK);
	assert_int_equal(nt, 1);
	assert_string_equal(t[0].kind, "game:stillwater");
	assert_int_equal(t[0].status, STORE_COMPLETE);
	store_metric *m;
	size_t nm;
	assert_int_equal(store_metrics(s, t[0].id, &m, &nm), POISE_OK);
	double play = store_metric_find(m, nm, "play_time_s"), effort = store_metric_find(m, nm, "effort_borg");
	assert_double_equal(play, 10, 0.01);
	/* Leaning to the right end chose a hard effort (the right of the
	 * scale), by leaning alone. */
	if (!(effort >= 7 && effort <= 10))
		fail_msg("effort %g", effort);
	free(m), free(t), free(se);
	/* The known-mass check: five spots, stored for the plate, all passed
	 * (the simulated plate measures a still mass exactly, to its noise). */
	store_check *c;
	size_t nc;
	assert_int_equal(store_checks(s, "sim", "SIM-0001", &c, &nc), POISE_OK);
	assert_int_equal(nc, 5);
	for (size_t i = 0; i < nc; i++) {
		if (!c[i].passed || !(c[i].error_mm < 1) || !(fabs(c[i].error_kg) < 0.1))
			fail_msg("spot %s: %.2f mm, %.3f kg (at %.1f, %.1f mm, expected %.1f, %.1f)", c[i].position, c[i].error_mm,
			         c[i].error_kg, c[i].measured_x_mm, c[i].measured_y_mm, c[i].expected_x_mm, c[i].expected_y_mm);
		assert_double_equal(c[i].mass_kg, 20, 0);
	}
	free(c);
	store_close(s);
	/* A screenshot of every screen. */
	const char *screens[] = {"patients", "check-step-off", "check-ready", "check-mass-place", "check-mass-done",
	                         "home", "train", "play", "rest", "rating", "results", "history"};
	for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++) {
		char path[700];
		snprintf(path, sizeof path, "%s/%s.png", POISE_TEST_OUT, screens[i]);
		struct stat st;
		if (stat(path, &st) != 0)
			fail_msg("no screenshot of %s (%s); seen:%s", screens[i], path, f.trail);
	}
	tu_rmdir(dir);
}

/* `poise --db DB --patient CODE` opens that patient's home. */
static bool first_screen(void *ctx, app_script_io *io)
{
	snprintf(ctx, 32, "%s", io->screen);
	return true;
}

static void a_patient_on_the_command_line_opens_their_home(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp();
	char db[600], msg[512], screen[32] = "";
	snprintf(db, sizeof db, "%s/home.db", dir);
	store *s;
	assert_int_equal(store_open(&s, db, 0, msg, sizeof msg), POISE_OK);
	store_patient p = {0};
	snprintf(p.code, sizeof p.code, "H-1");
	assert_int_equal(store_patient_add(s, &p, NULL), POISE_OK);
	store_close(s);
	app_cfg cfg = {.db = db, .device = "sim", .patient = "H-1", .script = first_screen, .script_ctx = screen};
	assert_int_equal(app_run(&cfg, msg, sizeof msg), 0);
	assert_string_equal(screen, "home");
	cfg.patient = NULL; /* without one: the patient list */
	assert_int_equal(app_run(&cfg, msg, sizeof msg), 0);
	assert_string_equal(screen, "patients");
	tu_rmdir(dir);
}

/* ---- the standard tests ------------------------------------------------- */

/* A sit-to-stand test of one rise, complete; then an mCTSIB of one 10 s
 * trial per condition, stopped by the therapist during the first
 * recording. The therapist presses Enter at each new condition. */
static bool the_tests(void *ctx, app_script_io *io)
{
	flow *f = ctx;
	int b = turn_begin(f, io, 60, strncmp(io->screen, "assess", 6) == 0 && strcmp(io->screen, "assess-pick") != 0);
	if (b >= 0)
		return b;
	switch (f->step) {
	case 0: /* home → Assess */
		if (!on(io, "home", NULL) || io->t_s - f->step_t < 0.8)
			return false;
		key(SDLK_a);
		next(f, io);
		return false;
	case 1: /* sit-to-stand, one rise */
		if (!on(io, "assess-pick", NULL) || io->t_s - f->step_t < 0.8)
			return false;
		{ /* POISE_FLOW_ASSESS=1..4 runs another test first, to look at it */
			const char *look = getenv("POISE_FLOW_ASSESS");
			key(look && *look >= '1' && *look <= '4' ? (SDL_Keycode)(SDLK_1 + (*look - '1')) : SDLK_4);
		}
		for (int i = 0; i < 4; i++)
			key(SDLK_LEFT);
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 2:
	case 5: /* the test runs: Enter at each new condition */
		if (on(io, "assess-results", NULL)) {
			next(f, io);
			return false;
		}
		if (on(io, "assess", "instruct") && io->t_s - f->go_t > 1.0) {
			key(SDLK_RETURN);
			f->go_t = io->t_s;
			f->step_t = io->t_s; /* progress */
		}
		if (f->step == 5 && on(io, "assess", "record") && f->rec_t == 0)
			f->rec_t = io->t_s;
		if (f->step == 5 && f->rec_t > 0 && io->t_s - f->rec_t > 2.0 && !io->confirm_open) {
			key(SDLK_ESCAPE); /* stop the test... */
			f->rec_t = -1;
		}
		if (f->step == 5 && io->confirm_open) {
			key(SDLK_RETURN); /* ...yes */
		}
		return false;
	case 3: /* the results, then back to the list */
		if (io->t_s - f->step_t < 1.0)
			return false;
		if (!on(io, "assess-results", "complete")) {
			f->failed = true;
			f->stuck_at = "the sit-to-stand test is not complete";
			return true;
		}
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 4: /* the mCTSIB: one trial of 10 s per condition */
		if (!on(io, "assess-pick", NULL) || io->t_s - f->step_t < 0.8)
			return false;
		key(SDLK_1);
		key(SDLK_LEFT);
		key(SDLK_LEFT);
		for (int i = 0; i < 4; i++)
			key(SDLK_LEFTBRACKET);
		key(SDLK_RETURN);
		next(f, io);
		return false;
	case 6:
		if (io->t_s - f->step_t < 1.0)
			return false;
		if (!on(io, "assess-results", "incomplete")) {
			f->failed = true;
			f->stuck_at = "the stopped mCTSIB is not marked incomplete";
			return true;
		}
		key(SDLK_RETURN); /* the list */
		next(f, io);
		return false;
	case 7:
		if (!on(io, "assess-pick", NULL) || io->t_s - f->step_t < 0.5)
			return false;
		next(f, io);
		return true; /* done: quit */
	default:
		return true;
	}
}

static void standard_tests_in_the_app(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp();
	char db[600], msg[512];
	snprintf(db, sizeof db, "%s/tests.db", dir);
	mkdir(POISE_TEST_OUT, 0700);
	store *s;
	assert_int_equal(store_open(&s, db, 0, msg, sizeof msg), POISE_OK);
	store_patient p = {.height_cm = 172};
	snprintf(p.code, sizeof p.code, "A-1");
	assert_int_equal(store_patient_add(s, &p, NULL), POISE_OK);
	const char *text = getenv("POISE_FLOW_TEXT"); /* to look, as above */
	if (text)
		assert_int_equal(store_setting_set(s, "text_size", text), POISE_OK);
	store_close(s);

	flow f = {0};
	app_cfg cfg = {.db = db, .device = "sim", .seed = 9, .patient = "A-1", .script = the_tests, .script_ctx = &f};
	const char *size = getenv("POISE_FLOW_SIZE");
	if (size && sscanf(size, "%dx%d", &cfg.width, &cfg.height) != 2)
		cfg.width = cfg.height = 0;
	int code = app_run(&cfg, msg, sizeof msg);
	if (code)
		fail_msg("app_run: %s", msg);
	if (f.failed || f.step < 8)
		fail_msg("the tests stopped at step %d%s%s; screens seen:%s", f.step, f.stuck_at ? ": " : "",
		         f.stuck_at ? f.stuck_at : "", f.trail);

	/* The database: one session on the simulated plate with the rise
	 * (complete), the test:sit-to-stand summary (complete, with its
	 * numbers), the first mCTSIB trial (stopped) and the test:mctsib
	 * summary (aborted: incomplete). */
	assert_int_equal(store_open(&s, db, STORE_READ_ONLY, msg, sizeof msg), POISE_OK);
	assert_int_equal(store_patient_get(s, "A-1", &p), POISE_OK);
	store_session *se = NULL;
	size_t ns = 0;
	assert_int_equal(store_sessions(s, p.id, &se, &ns), POISE_OK);
	assert_int_equal(ns, 1);
	assert_true(store_session_is_simulated(&se[0]));
	store_trial *t = NULL;
	size_t nt = 0;
	assert_int_equal(store_trials(s, se[0].id, &t, &nt), POISE_OK);
	int sts = -1, sts_sum = -1, ctsib = -1, ctsib_sum = -1;
	for (size_t i = 0; i < nt; i++) {
		if (strcmp(t[i].kind, "sit-to-stand") == 0)
			sts = (int)i;
		else if (strcmp(t[i].kind, "test:sit-to-stand") == 0)
			sts_sum = (int)i;
		else if (strcmp(t[i].kind, "quiet-eo") == 0 && ctsib < 0)
			ctsib = (int)i;
		else if (strcmp(t[i].kind, "test:mctsib") == 0)
			ctsib_sum = (int)i;
	}
	if (sts < 0 || sts_sum < 0 || ctsib < 0 || ctsib_sum < 0)
		fail_msg("trials missing (%zu stored): rise %d, its summary %d, quiet-eo %d, mCTSIB summary %d", nt, sts,
		         sts_sum, ctsib, ctsib_sum);
	assert_int_equal(t[sts].status, STORE_COMPLETE);
	assert_true(t[sts].n_samples > 100);
	assert_int_equal(t[sts_sum].status, STORE_COMPLETE);
	assert_int_equal(t[ctsib].status, STORE_ABORTED);
	assert_int_equal(t[ctsib_sum].status, STORE_ABORTED);
	store_metric *m = NULL;
	size_t nm = 0;
	assert_int_equal(store_metrics(s, t[sts_sum].id, &m, &nm), POISE_OK);
	/* A healthy simulated rise: weight transfer within 0.3–2 s, the force
	 * overshooting body weight by a few per cent up to 40 %. */
	double transfer = store_metric_find(m, nm, "sts_transfer_s"), rising = store_metric_find(m, nm, "sts_rising_index_pct");
	if (!(transfer > 0.3 && transfer < 2.0) || !(rising > 102 && rising < 140))
		fail_msg("rise: transfer %.2f s, rising index %.1f %%", transfer, rising);
	free(m);
	free(t);
	free(se);
	store_close(s);
	tu_rmdir(dir);
}

/* An argument picks the tests by name (a cmocka filter such as "a_*"):
 * ctest runs the clinic day and the standard tests side by side. */
/* The plate check's state on the first home of a patient (P opens it). */
static bool check_state_of_home(void *ctx, app_script_io *io)
{
	flow *f = ctx;
	if (on(io, "home", NULL) && f->step == 0) {
		key(SDLK_p);
		f->step = 1;
		f->step_t = io->t_s;
		return false;
	}
	if (f->step == 1 && on(io, "check", NULL) && io->t_s - f->step_t > 0.3) {
		snprintf(f->trail, sizeof f->trail, "%s", io->state);
		return true;
	}
	return io->t_s > 20;
}

/* Without --device the app takes the station's plate setting: "sim" opens
 * the simulated plate for a patient (the operator's choice); without the
 * setting, auto finds no real plate here and says so. */
static void a_station_device_setting_chooses_the_plate(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp();
	char db[600], msg[512];
	snprintf(db, sizeof db, "%s/dev.db", dir);
	store *s;
	assert_int_equal(store_open(&s, db, 0, msg, sizeof msg), POISE_OK);
	store_patient p = {0};
	snprintf(p.code, sizeof p.code, "D-1");
	assert_int_equal(store_patient_add(s, &p, NULL), POISE_OK);
	store_close(s);
	flow f = {0};
	app_cfg cfg = {.db = db, .patient = "D-1", .script = check_state_of_home, .script_ctx = &f};
	assert_int_equal(app_run(&cfg, msg, sizeof msg), 0);
	assert_string_equal(f.trail, "no-plate");
	assert_int_equal(store_open(&s, db, 0, msg, sizeof msg), POISE_OK);
	assert_int_equal(store_setting_set(s, "device", "sim"), POISE_OK);
	store_close(s);
	f = (flow){0};
	assert_int_equal(app_run(&cfg, msg, sizeof msg), 0);
	assert_string_equal(f.trail, "step-off");
	tu_rmdir(dir);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_patient_on_the_command_line_opens_their_home),
		cmocka_unit_test(a_station_device_setting_chooses_the_plate),
		cmocka_unit_test(a_clinic_day_in_the_app),
		cmocka_unit_test(standard_tests_in_the_app),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
