/* Assess: the standard balance tests in the app. The therapist chooses a
 * test (mCTSIB, limits of stability, weight bearing, sit-to-stand), the
 * trials per condition and, for quiet stance, the seconds a trial; the
 * patient then sees one instruction at a time in plain words (the test's
 * state machine decides, session/assess.h records every trial), and the
 * therapist presses Enter at each new condition. At the end the results
 * screen shows the numbers beside the patient's previous complete result
 * of the same test on the same kind of plate.
 *
 * On the simulated plate the simulated patient does what the test asks
 * (ses_assess_intent()); S makes them step off, as a fall. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "ui/app_impl.h"

enum { ACT_START = 1, ACT_FEWER, ACT_MORE, ACT_SHORTER, ACT_LONGER, ACT_TEST0 = 100 };

#define MAX_REPEATS 5
/* Quiet-stance trial lengths the therapist steps through with [ and ]. */
static const double trial_lengths[] = {10, 20, 30, 45, 60};
#define N_LENGTHS (sizeof trial_lengths / sizeof trial_lengths[0])

static const enum ui_string test_words[ATEST_TESTS] = {UI_S_ASSESS_MCTSIB, UI_S_ASSESS_LOS, UI_S_ASSESS_SYMMETRY,
                                                       UI_S_ASSESS_STS};

/* The settings for test t on this plate and patient (the chosen trials
 * and seconds on top of the test's defaults). */
static void test_cfg(const app *a, enum atest_test t, atest_cfg *c)
{
	const struct scr_assess_state *st = &a->assess;
	double height = a->patient.height_cm > 0 ? a->patient.height_cm / 100 : 0;
	atest_cfg_default(c, t, ses_sample_rate_hz(a->eng), height, &ses_device(a->eng)->plate);
	if (st->repeats > 0)
		c->repeats = st->repeats;
	if (st->trial_s > 0 && (t == ATEST_MCTSIB || t == ATEST_SYMMETRY))
		c->trial_s = st->trial_s;
	c->manual_go = true; /* the therapist says when a new condition begins */
}

static bool timed_test(int t)
{
	return t == ATEST_MCTSIB || t == ATEST_SYMMETRY;
}

/* ---- choosing the test ------------------------------------------------- */

static void pick_enter(app *a)
{
	struct scr_assess_state *st = &a->assess;
	bool sim = a->eng && ses_simulated(a->eng);
	for (int t = 0; t < ATEST_TESTS; t++) {
		ses_assess_result r;
		bool found = false;
		st->last[t][0] = 0;
		if (a->db && ses_assess_previous(a->db, a->patient.id, (enum atest_test)t, sim, 0, &r, &found) == POISE_OK &&
		    found) {
			store_trial tr;
			if (store_trial_get(a->db, r.summary_trial_id, &tr) == POISE_OK)
				snprintf(st->last[t], sizeof st->last[t], "%.16s", tr.started_at);
		}
	}
}

static void pick_leave(app *a)
{
	for (size_t i = 0; i < sizeof a->assess.lab / sizeof a->assess.lab[0]; i++)
		gfx_label_free(&a->assess.lab[i]);
}

static void start_test(app *a)
{
	struct scr_assess_state *st = &a->assess;
	if (!a->eng || !a->have_patient) {
		app_push(a, &scr_check);
		return;
	}
	const char *problem = app_plate_problem(a);
	if (problem) {
		app_toast(a, "%s", problem);
		return;
	}
	int64_t sid = 0;
	if (app_sitting(a, &sid) != POISE_OK) {
		app_toast(a, "%s", store_errmsg(a->db));
		return;
	}
	ui_assess_init(&st->view, a->snd);
	ses_assess_cfg ac = {.db = a->db, .session_id = sid, .on_cue = ui_assess_cue, .ctx = &st->view};
	test_cfg(a, (enum atest_test)st->sel, &ac.test);
	int rc = ses_assess_create(&st->run, &ac);
	if (rc == POISE_OK && (rc = ses_attach(a->eng, ses_assess_consumer(st->run))) != POISE_OK) {
		ses_assess_destroy(st->run);
		st->run = NULL;
	}
	if (rc != POISE_OK) {
		app_toast(a, "The test cannot start: %s", poise_strerror(rc));
		return;
	}
	a->steer = (dev_steer){.on_plate = true};
	app_push(a, &scr_assess);
}

static void change_repeats(app *a, int d)
{
	struct scr_assess_state *st = &a->assess;
	atest_cfg c;
	test_cfg(a, (enum atest_test)st->sel, &c);
	int n = c.repeats + d;
	st->repeats = n < 1 ? 1 : n > MAX_REPEATS ? MAX_REPEATS : n;
}

static void change_seconds(app *a, int d)
{
	struct scr_assess_state *st = &a->assess;
	if (!timed_test(st->sel))
		return;
	atest_cfg c;
	test_cfg(a, (enum atest_test)st->sel, &c);
	size_t i = 0;
	while (i + 1 < N_LENGTHS && trial_lengths[i] < c.trial_s - 1e-9)
		i++;
	if (d < 0 && i > 0)
		i--;
	else if (d > 0 && trial_lengths[i] <= c.trial_s + 1e-9 && i + 1 < N_LENGTHS)
		i++;
	st->trial_s = trial_lengths[i];
}

static void choose(app *a, int t)
{
	struct scr_assess_state *st = &a->assess;
	if (st->sel != t) {
		st->sel = t;
		st->repeats = 0;
		st->trial_s = 0;
	}
}

static void pick_action(app *a, int id)
{
	if (id >= ACT_TEST0 && id < ACT_TEST0 + ATEST_TESTS) {
		if (a->assess.sel == id - ACT_TEST0)
			start_test(a);
		else
			choose(a, id - ACT_TEST0);
		return;
	}
	switch (id) {
	case ACT_START:
		start_test(a);
		break;
	case ACT_FEWER:
		change_repeats(a, -1);
		break;
	case ACT_MORE:
		change_repeats(a, +1);
		break;
	case ACT_SHORTER:
		change_seconds(a, -1);
		break;
	case ACT_LONGER:
		change_seconds(a, +1);
		break;
	}
}

static bool pick_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	int n = 0;
	switch (ui_pick_key(k, &n)) {
	case UI_PICK_NUMBER:
		if (n >= ATEST_TESTS)
			return false;
		choose(a, n);
		return true;
	case UI_PICK_UP:
		choose(a, (a->assess.sel + ATEST_TESTS - 1) % ATEST_TESTS);
		return true;
	case UI_PICK_DOWN:
		choose(a, (a->assess.sel + 1) % ATEST_TESTS);
		return true;
	case UI_PICK_LESS:
		pick_action(a, ACT_FEWER);
		return true;
	case UI_PICK_MORE:
		pick_action(a, ACT_MORE);
		return true;
	case UI_PICK_SHORTER:
		pick_action(a, ACT_SHORTER);
		return true;
	case UI_PICK_LONGER:
		pick_action(a, ACT_LONGER);
		return true;
	case UI_PICK_START:
		start_test(a);
		return true;
	case UI_PICK_NONE:
		break;
	}
	return false;
}

static void pick_draw(app *a, SDL_FRect area)
{
	struct scr_assess_state *st = &a->assess;
	gfx *g = &a->g;
	const gfx_theme *th = &g->theme;
	float s = g->scale, x = area.x + 40 * s, y = area.y + 24 * s, w = area.w - 80 * s;
	gfx_label_draw(g, &st->lab[0], FONT_TITLE, th->ink, x, y, 0, "%s — %s", ui_str(UI_S_ASSESS_TITLE),
	               a->patient.code);
	y += (float)st->lab[0].h + 20 * s;
	/* Each test: its name and, on the right, its last complete date; under
	 * them what it measures. */
	float row = (float)g->font_px[FONT_BODY] * 1.4f + (float)g->font_px[FONT_SMALL] * 1.4f + 24 * s;
	for (int t = 0; t < ATEST_TESTS; t++) {
		bool sel = t == st->sel;
		SDL_FRect r = {x, y, w * 0.62f, row - 8 * s};
		gfx_fill(g, r, sel ? th->accent : th->panel);
		SDL_Color soft = sel ? th->panel : th->ink_soft;
		float ty = r.y + 8 * s;
		if (st->last[t][0])
			gfx_label_draw(g, &st->lab[3 + 3 * t], FONT_SMALL, soft, r.x + r.w - 14 * s, ty + 4 * s, 2,
			               ui_str(UI_S_ASSESS_LAST), st->last[t]);
		else
			gfx_label_draw(g, &st->lab[3 + 3 * t], FONT_SMALL, soft, r.x + r.w - 14 * s, ty + 4 * s, 2, "%s",
			               ui_str(UI_S_ASSESS_NEVER));
		gfx_label_draw_fit(g, &st->lab[1 + 3 * t], FONT_BODY, sel ? th->panel : th->ink, r.x + 14 * s, ty, 0,
		                   r.w - 42 * s - (float)st->lab[3 + 3 * t].w, "%d  %s%s", t + 1,
		                   atest_label((enum atest_test)t), sel ? "  ◀" : "");
		ty += (float)g->font_px[FONT_BODY] * 1.35f;
		gfx_label_draw_fit(g, &st->lab[2 + 3 * t], FONT_SMALL, soft, r.x + 14 * s, ty, 0, r.w - 28 * s, "%s",
		                   ui_str(test_words[t]));
		if (a->n_hits < APP_MAX_HITS)
			a->hits[a->n_hits++] = (app_hit){r, ACT_TEST0 + t};
		y += row;
	}
	/* The chosen test's trials and seconds, on the right. */
	atest_cfg c;
	test_cfg(a, (enum atest_test)st->sel, &c);
	float rx = x + w * 0.66f, ry = area.y + 24 * s + (float)st->lab[0].h + 20 * s, bh = 60 * s;
	float word_w = area.x + area.w - 20 * s - rx - 2 * bh - 48 * s; /* between − and + */
	app_button(a, (SDL_FRect){rx, ry, bh, bh}, &st->lab[13], "−", ACT_FEWER, false);
	if (c.repeats == 1)
		gfx_label_draw_fit(g, &st->lab[14], FONT_BODY, th->ink, rx + bh + 16 * s, ry + 12 * s, 0, word_w, "%s",
		                   ui_str(UI_S_ASSESS_TRIAL));
	else
		gfx_label_draw_fit(g, &st->lab[14], FONT_BODY, th->ink, rx + bh + 16 * s, ry + 12 * s, 0, word_w,
		                   ui_str(UI_S_ASSESS_TRIALS), c.repeats);
	app_button(a, (SDL_FRect){rx + bh + 32 * s + (float)st->lab[14].w, ry, bh, bh}, &st->lab[15], "+", ACT_MORE,
	           false);
	ry += bh + 14 * s;
	if (timed_test(st->sel)) {
		app_button(a, (SDL_FRect){rx, ry, bh, bh}, &st->lab[16], "−", ACT_SHORTER, false);
		gfx_label_draw_fit(g, &st->lab[17], FONT_BODY, th->ink, rx + bh + 16 * s, ry + 12 * s, 0, word_w,
		                   ui_str(UI_S_ASSESS_SECONDS), c.trial_s);
		app_button(a, (SDL_FRect){rx + bh + 32 * s + (float)st->lab[17].w, ry, bh, bh}, &st->lab[18], "+",
		           ACT_LONGER, false);
		ry += bh + 14 * s;
	}
	if (ses_simulated(a->eng))
		gfx_label_draw_fit(g, &st->lab[19], FONT_SMALL, th->warn, rx, ry, 0, area.x + area.w - 20 * s - rx, "%s",
		                   ui_str(UI_S_SIMULATED));
	ry += (float)g->font_px[FONT_SMALL] * 2.0f;
	app_button(a, (SDL_FRect){rx, ry, w * 0.34f, 80 * s}, &st->lab[20], ui_str(UI_S_ASSESS_START), ACT_START, true);
	app_footer(a, ui_str(UI_S_ASSESS_KEYS));
}

const app_screen scr_assess_pick = {
	.name = "assess-pick",
	.enter = pick_enter,
	.leave = pick_leave,
	.key = pick_key,
	.action = pick_action,
	.draw = pick_draw,
};

/* ---- the running test (the patient's screen) ---------------------------- */

/* Ends the running test: its summary stored, the consumer off the road,
 * the simulated patient back to standing; the previous result loaded. */
static void finish_test(app *a)
{
	struct scr_assess_state *st = &a->assess;
	if (!st->run)
		return;
	int rc = ses_assess_finish(st->run, &st->res);
	ses_detach(a->eng, ses_assess_consumer(st->run));
	ses_assess_destroy(st->run);
	st->run = NULL;
	if (rc != POISE_OK)
		app_toast(a, ui_str(UI_S_ASSESS_STORE_FAILED), a->db ? store_errmsg(a->db) : poise_strerror(rc));
	if (a->eng && ses_can_steer(a->eng)) {
		ses_posture(a->eng, &(dev_posture){0});
		a->steer = (dev_steer){.on_plate = a->steer.on_plate};
		ses_steer(a->eng, &a->steer);
	}
	st->have_prev = false;
	if (a->db)
		ses_assess_previous(a->db, a->patient.id, st->res.test, a->eng && ses_simulated(a->eng),
		                    st->res.summary_trial_id, &st->prev, &st->have_prev);
}

static void run_leave(app *a)
{
	/* Leaving otherwise than by the end (the app closes): keep what was
	 * recorded. */
	if (a->assess.run) {
		finish_test(a);
		ui_assess_free(&a->assess.view);
	}
}

static void run_update(app *a)
{
	struct scr_assess_state *st = &a->assess;
	if (!st->run)
		return;
	if (ses_can_steer(a->eng)) {
		dev_steer steer;
		dev_posture pose;
		ses_assess_intent(st->run, 0.9, &steer, &pose);
		if (!a->steer.on_plate)
			steer.on_plate = false;
		ses_steer(a->eng, &steer);
		ses_posture(a->eng, &pose);
	}
	if (ses_assess_done(st->run)) {
		finish_test(a);
		app_replace(a, &scr_assess_results);
	}
}

static void stop_yes(app *a)
{
	if (a->assess.run)
		ses_assess_stop(a->assess.run);
}

static bool run_back(app *a)
{
	if (a->assess.run)
		app_ask(a, UI_S_ASSESS_STOP_ASK, UI_S_ASSESS_STOP_MORE, stop_yes);
	return true;
}

static bool run_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	switch (k) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
	case SDLK_SPACE:
		if (a->assess.run)
			ses_assess_go(a->assess.run);
		return true;
	case SDLK_s:
		if (ses_can_steer(a->eng))
			a->steer.on_plate = !a->steer.on_plate;
		return true;
	default:
		return false;
	}
}

static void run_draw(app *a, SDL_FRect area)
{
	struct scr_assess_state *st = &a->assess;
	if (!st->run)
		return;
	cop_sample cop = {.flags = SAMPLE_NO_COP, .xf_mm = NAN, .yf_mm = NAN};
	if (a->hist && ses_history_count(a->hist)) {
		const ses_point *p = ses_history_at(a->hist, 0);
		cop = (cop_sample){.t_us = p->t_us, .flags = p->valid ? SAMPLE_ON_PLATE : SAMPLE_NO_COP,
		                   .x_mm = p->x_mm, .y_mm = p->y_mm, .xf_mm = p->x_mm, .yf_mm = p->y_mm,
		                   .fz_n = p->fz_n};
	}
	ui_assess_draw(&st->view, &a->g, area, st->run, &cop, app_plate_problem(a));
}

static const char *run_state(const app *a)
{
	if (!a->assess.run)
		return "";
	atest_prompt p;
	atest_prompt_get(ses_assess_machine(a->assess.run), &p);
	return atest_phase_name(p.phase);
}

const app_screen scr_assess = {
	.name = "assess",
	.for_patient = true,
	.leave = run_leave,
	.key = run_key,
	.update = run_update,
	.draw = run_draw,
	.back = run_back,
	.state = run_state,
};

/* ---- the results (the therapist's screen) ------------------------------- */

static void results_leave(app *a)
{
	ui_assess_free(&a->assess.view);
	home_plans_refresh(a); /* an LOS test sets the games' space */
}

static bool results_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	char msg[900];
	switch (k) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		app_pop(a);
		return true;
	case SDLK_r:
		app_export_report(a, msg, sizeof msg);
		app_toast(a, "%s", msg);
		return true;
	default:
		return false;
	}
}

static void results_draw(app *a, SDL_FRect area)
{
	struct scr_assess_state *st = &a->assess;
	ui_assess_results_draw(&st->view, &a->g, area, &st->res, st->have_prev ? &st->prev : NULL,
	                       a->eng && ses_simulated(a->eng));
}

static const char *results_state(const app *a)
{
	return a->assess.res.complete ? "complete" : "incomplete";
}

const app_screen scr_assess_results = {
	.name = "assess-results",
	.leave = results_leave,
	.key = results_key,
	.draw = results_draw,
	.state = results_state,
};
