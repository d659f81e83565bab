/* A game from start to results, as the patient sees it: the game (paused
 * with a calm screen when they step off or the plate is lost, a countdown
 * when they are back), a rest break when they have stood long enough, the
 * effort rating (Borg CR10, chosen by leaning or by the therapist), and
 * the results in plain words. Esc asks before a running game is stopped;
 * a stopped game is kept, marked aborted. Also the live view screen. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/cond.h"
#include "core/error.h"
#include "ui/app_impl.h"

#define RATING_HOLD_S 2.0
#define BORG_N 11

enum { ACT_RATE0 = 100, ACT_SKIP = 1, ACT_CONTINUE, ACT_AGAIN };

/* ---- the game ------------------------------------------------------------ */

static int on_game_event(void *ctx, mono_us t_us, const game_event *e)
{
	(void)t_us;
	ui_play_event(&((app *)ctx)->play.view, e);
	return POISE_OK;
}

/* The plan for `poise play` (the patient's or the demo's, then the command
 * line's options); the train screen sets a->play.plan itself. */
static void plan_for_cli(app *a)
{
	const struct game_ops *ops = a->cfg.play;
	bool sim = ses_simulated(a->eng);
	if (!a->have_patient || train_plan_load(a->db, &a->patient, ops, sim, &a->play.plan) != POISE_OK)
		train_plan_default(ops, &a->play.plan);
	if (a->cfg.play_level > 0)
		a->play.plan.game.level = a->cfg.play_level;
	if (a->cfg.play_seconds > 0)
		a->play.plan.game.duration_s = a->cfg.play_seconds;
	if (a->cfg.play_cond) { /* the command line's training conditions */
		train_plan_set_cond(&a->play.plan, a->cfg.play_cond);
		if (a->have_patient)
			train_plan_reference(a->db, &a->patient, ops, sim, &a->play.plan);
	}
	a->play.ops = ops;
}

static bool start_game(app *a)
{
	struct scr_play_state *p = &a->play;
	if (a->cfg.play && !p->ops)
		plan_for_cli(a);
	int64_t sid = 0;
	if (a->have_patient && app_sitting(a, &sid) != POISE_OK) {
		app_toast(a, "Cannot record for %s: %s", a->patient.code, store_errmsg(a->db));
		return false;
	}
	ses_play_cfg pc = {.on_event = on_game_event, .ctx = a, .db = a->have_patient ? a->db : NULL,
	                   .session_id = sid, .prescribed = p->plan.prescribed};
	train_game_cfg(&p->plan, p->ops, ses_sample_rate_hz(a->eng), &pc.game);
	pc.game.game.seed = a->cfg.seed + (uint64_t)SDL_GetTicks();
	if (a->train.plate_centre && !a->cfg.play) {
		/* The plate's centre is the game's centre: no centre finding. */
		pc.game.run.settle_s = 0;
		pc.game.run.los.origin_x_mm = 0;
		pc.game.run.los.origin_y_mm = 0;
	}
	int rc = ses_play_create(&p->play, &pc);
	if (rc == POISE_OK && (rc = ses_play_attach(p->play, a->eng)) != POISE_OK) {
		ses_play_destroy(p->play);
		p->play = NULL;
	}
	if (rc) {
		app_toast(a, "Cannot start the game: %s",
		          a->have_patient && rc != POISE_E_NOMEM ? store_errmsg(a->db) : poise_strerror(rc));
		return false;
	}
	ui_play_init(&p->view, p->ops, a->snd);
	ui_play_bind(&p->view, p->play); /* the COP's sound, per sample */
	if (p->plan.cond.visual != COND_VISUAL_STATIC)
		app_toast(a, "%s", cond_visual_warning());
	p->manual_steer = false;
	p->was_playing = false;
	p->rating = -1;
	p->trial_id = 0;
	return true;
}

/* The game is over (its time is up, it was stopped, or it failed): close
 * the trial and go on to the rest, the rating or the results. */
static void finish_game(app *a, enum store_status status)
{
	struct scr_play_state *p = &a->play;
	ses_play_detach(p->play, a->eng);
	int cons_err = ses_play_consumer(p->play)->err;
	if (cons_err && status == STORE_COMPLETE)
		status = STORE_ABORTED;
	p->result_aborted = ses_game_aborted(ses_play_game(p->play)) || cons_err;
	if (ses_play_record_error(p->play))
		app_toast(a, "Recording stopped early: %s", store_errmsg(a->db));
	if (ses_play_finish(p->play, status, &p->result) != POISE_OK)
		app_toast(a, "The game's record may be incomplete: %s", store_errmsg(a->db));
	else if (cons_err)
		app_toast(a, "The game stopped: %s", poise_strerror(cons_err));
	p->trial_id = p->result.trial_id;
	a->standing_s += p->result.result.play_time_s;
	/* Where the patient stood: the centre of the choices by leaning next. */
	const grun *run = ses_game_runner(ses_play_game(p->play));
	p->have_centre = run->phase != GRUN_SETTLE;
	p->centre_x_mm = run->los.origin_x_mm;
	ses_play_destroy(p->play);
	p->play = NULL;
	ui_play_finished(&p->view);
	if (a->cfg.outcome) {
		a->cfg.outcome->played = true;
		a->cfg.outcome->simulated = ses_simulated(a->eng);
		a->cfg.outcome->r = p->result;
	}
	if (ses_can_steer(a->eng)) { /* the simulated person relaxes */
		a->steer = (dev_steer){.on_plate = a->steer.on_plate};
		ses_steer(a->eng, &a->steer);
	}
	if (!a->have_patient) { /* the demo keeps its results in memory */
		for (int i = 0; i < a->n_games; i++) {
			if (app_game(a, i) != p->ops)
				continue;
			game_result *h = &a->demo_results[i * 10];
			int n = a->n_demo_results[i] < 10 ? a->n_demo_results[i] : 9;
			memmove(&h[1], &h[0], (size_t)n * sizeof h[0]);
			h[0] = p->result.result;
			a->n_demo_results[i] = n + 1;
		}
	}
	/* What comes next: a rest when due, the effort rating, the results. */
	bool rest = a->set.rest_after_min > 0 && a->standing_s >= a->set.rest_after_min * 60.0;
	if (rest)
		app_replace(a, &scr_rest);
	else if (a->set.effort_rating && a->have_patient && p->trial_id > 0)
		app_replace(a, &scr_rating);
	else
		app_replace(a, &scr_results);
}

static void play_enter(app *a)
{
	a->toast_until = 0; /* the therapist's last message would cover the patient's instruction */
	if (!a->play.play && !start_game(a))
		app_pop(a);
}

static void play_leave(app *a)
{
	struct scr_play_state *p = &a->play;
	if (p->play) { /* left in the middle (the app closes): kept, aborted */
		ses_play_result r;
		ses_play_detach(p->play, a->eng);
		ses_play_finish(p->play, STORE_ABORTED, &r);
		ses_play_destroy(p->play);
		p->play = NULL;
	}
}

static void play_update(app *a)
{
	struct scr_play_state *p = &a->play;
	if (!p->play)
		return;
	if (!p->manual_steer) /* the simulated person plays (stands or sits, answers) */
		ses_play_sim_turn(p->play, a->eng, a->steer.on_plate);
	bool playing = ses_game_runner(ses_play_game(p->play))->phase != GRUN_SETTLE;
	if (playing && !p->was_playing)
		ui_play_started(&p->view);
	p->was_playing = playing;
	if (ses_play_done(p->play))
		finish_game(a, STORE_COMPLETE);
}

static void stop_yes(app *a)
{
	struct scr_play_state *p = &a->play;
	if (!p->play)
		return;
	ses_play_abort(p->play);
	finish_game(a, ses_state(a->eng, NULL) == SES_LOST ? STORE_DEVICE_LOST : STORE_ABORTED);
}

/* The therapist marks the patient's spoken answer: W wrong, Y right. */
static bool play_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	if (!a->play.play || (k != SDLK_w && k != SDLK_y))
		return false;
	ses_play_cog_mark(a->play.play, k == SDLK_y);
	return true;
}

static bool play_back(app *a)
{
	if (a->play.play)
		app_ask(a, UI_S_ABORT_ASK, UI_S_ABORT_ASK_MORE, stop_yes);
	return true;
}

static void play_draw(app *a, SDL_FRect area)
{
	struct scr_play_state *p = &a->play;
	if (!p->play)
		return;
	const char *problem = app_plate_problem(a);
	ui_play_draw(&p->view, &a->g, area, ses_play_game(p->play), problem);
}

static const char *play_state(const app *a)
{
	if (!a->play.play)
		return "";
	const grun *r = ses_game_runner(ses_play_game(a->play.play));
	return r->phase == GRUN_SETTLE ? "settle" : r->paused ? "paused" : r->phase == GRUN_DONE ? "done" : "play";
}

const app_screen scr_play = {
	.name = "play",
	.for_patient = true,
	.enter = play_enter,
	.leave = play_leave,
	.key = play_key,
	.update = play_update,
	.draw = play_draw,
	.back = play_back,
	.state = play_state,
};

/* ---- the rest break ------------------------------------------------------ */

static void rest_enter(app *a)
{
	a->play.rest_until = SDL_GetPerformanceCounter() + (Uint64)a->set.rest_s * SDL_GetPerformanceFrequency();
}

static void rest_done(app *a)
{
	a->standing_s = 0;
	if (a->set.effort_rating && a->have_patient && a->play.trial_id > 0)
		app_replace(a, &scr_rating);
	else
		app_replace(a, &scr_results);
}

static void rest_update(app *a)
{
	if (SDL_GetPerformanceCounter() >= a->play.rest_until)
		rest_done(a);
}

static bool rest_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	if (k != SDLK_RETURN && k != SDLK_KP_ENTER && k != SDLK_SPACE)
		return false;
	rest_done(a);
	return true;
}

static void rest_draw(app *a, SDL_FRect area)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, cx = area.x + area.w / 2, cy = area.y + area.h / 2;
	gfx_fill(g, area, t->bg);
	double left = (double)(a->play.rest_until > SDL_GetPerformanceCounter()
	                           ? a->play.rest_until - SDL_GetPerformanceCounter() : 0) /
	              (double)SDL_GetPerformanceFrequency();
	int secs = (int)ceil(left);
	gfx_label_draw(g, &a->play.lab[0], FONT_HUGE, t->accent, cx, cy - 200 * s, 1, "%s", ui_str(UI_S_REST_TITLE));
	gfx_label_draw(g, &a->play.lab[1], FONT_TITLE, t->ink, cx, cy - 80 * s, 1, "%s", ui_str(UI_S_REST_SIT));
	gfx_label_draw(g, &a->play.lab[2], FONT_HUGE, t->ink, cx, cy, 1, "%d:%02d", secs / 60, secs % 60);
	/* A ring that empties as the rest goes by. */
	double f = a->set.rest_s > 0 ? left / a->set.rest_s : 0;
	gfx_arc(g, cx, cy + 190 * s, 70 * s, M_PI / 2, M_PI / 2 - 2 * M_PI * f, t->ok, (int)(12 * s));
	gfx_label_draw(g, &a->play.lab[3], FONT_SMALL, t->ink_soft, cx, area.y + area.h - 40 * s, 1, "%s",
	               ui_str(UI_S_REST_KEYS));
}

const app_screen scr_rest = {
	.name = "rest",
	.for_patient = true,
	.enter = rest_enter,
	.key = rest_key,
	.update = rest_update,
	.draw = rest_draw,
	.back = NULL,
};

/* ---- the effort rating (Borg CR10) ----------------------------------------- */

static void rating_enter(app *a)
{
	/* A full lean toward either end is 60 % of the patient's sideways
	 * limit of stability. */
	los_model los;
	los_default(&los, a->have_patient && a->patient.height_cm > 0 ? a->patient.height_cm / 100 : 0);
	if (a->play.have_centre)
		ui_lean_init_at(&a->play.lean, BORG_N, 0.6 * los.limit_mm[LOS_E], RATING_HOLD_S, a->hist,
		                a->play.centre_x_mm);
	else
		ui_lean_init(&a->play.lean, BORG_N, 0.6 * los.limit_mm[LOS_E], RATING_HOLD_S, a->hist);
	a->play.rating = -1;
}

static void rate(app *a, int v)
{
	struct scr_play_state *p = &a->play;
	p->rating = v;
	if (v >= 0 && p->trial_id > 0 && store_metric_put(a->db, p->trial_id, "effort_borg", v, "CR10") != POISE_OK)
		app_toast(a, "%s", store_errmsg(a->db));
	app_replace(a, &scr_results);
}

static void rating_update(app *a)
{
	if (!a->hist)
		return;
	int v = ui_lean_update(&a->play.lean, a->hist);
	if (v >= 0)
		rate(a, v);
}

static void rating_action(app *a, int id)
{
	if (id == ACT_SKIP)
		rate(a, -1);
	else if (id >= ACT_RATE0 && id < ACT_RATE0 + BORG_N)
		rate(a, id - ACT_RATE0);
}

static bool rating_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	if (k >= SDLK_0 && k <= SDLK_9) {
		rate(a, (int)(k - SDLK_0));
		return true;
	}
	if (k == SDLK_x) {
		rate(a, 10);
		return true;
	}
	if (k == SDLK_s) {
		rate(a, -1);
		return true;
	}
	return false;
}

static const char *borg_words(int v)
{
	/* The CR10 scale's verbal anchors, every other one so the words never
	 * meet at a large text size. */
	static const enum ui_string w[BORG_N] = {UI_S_RATING_0, UI_S_COUNT, UI_S_RATING_2, UI_S_COUNT,
	                                         UI_S_RATING_4, UI_S_COUNT, UI_S_COUNT,    UI_S_RATING_7,
	                                         UI_S_COUNT,    UI_S_COUNT, UI_S_RATING_10};
	return w[v] == UI_S_COUNT ? "" : ui_str(w[v]);
}

static void rating_draw(app *a, SDL_FRect area)
{
	struct scr_play_state *p = &a->play;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, cx = area.x + area.w / 2;
	gfx_fill(g, area, t->bg);
	gfx_label_draw(g, &p->lab[0], FONT_HUGE, t->ink, cx, area.y + 40 * s, 1, "%s", ui_str(UI_S_RATING_TITLE));
	gfx_label_draw(g, &p->lab[1], FONT_TITLE, t->ink_soft, cx, area.y + 140 * s, 1, "%s", ui_str(UI_S_RATING_LEAN));
	/* Eleven big boxes, 0 (left) to 10 (right); the one leaned toward
	 * fills from the bottom as it is held; words under the anchors. */
	float margin = 30 * s, gap = 10 * s;
	float bw = (area.w - 2 * margin - 10 * gap) / BORG_N, bh = fminf(bw * 1.4f, area.h * 0.34f);
	float y = area.y + area.h * 0.36f;
	/* One size for all the numbers: the largest in which "10" fits. */
	int num_font = FONT_HUGE;
	while (num_font > FONT_SMALL && gfx_text_width(g, num_font, "10") > bw - 8 * s)
		num_font--;
	for (int i = 0; i < BORG_N; i++) {
		SDL_FRect r = {area.x + margin + (float)i * (bw + gap), y, bw, bh};
		bool hover = p->lean.hover == i;
		gfx_fill(g, r, t->panel);
		if (hover) {
			float f = (float)ui_lean_fill(&p->lean);
			gfx_fill(g, (SDL_FRect){r.x, r.y + r.h * (1 - f), r.w, r.h * f}, t->accent);
		}
		gfx_frame(g, r, hover ? t->accent : t->ink_soft, (int)fmaxf(2, (hover ? 5 : 2) * s));
		char num[8];
		snprintf(num, sizeof num, "%d", i);
		gfx_label_draw(g, &p->lab[2 + i], num_font, t->ink, r.x + r.w / 2,
		               r.y + r.h / 2 - (float)g->font_px[num_font] * 0.6f, 1, "%s", num);
		const char *words = borg_words(i);
		if (words[0]) /* the end words kept inside the screen */
			gfx_text(g, FONT_SMALL, t->ink, i == 0 ? r.x : i == BORG_N - 1 ? r.x + r.w : r.x + r.w / 2,
			         r.y + r.h + 10 * s, i == 0 ? 0 : i == BORG_N - 1 ? 2 : 1, words);
		if (a->n_hits < APP_MAX_HITS)
			a->hits[a->n_hits++] = (app_hit){r, ACT_RATE0 + i};
	}
	app_button(a, (SDL_FRect){cx - 120 * s, area.y + area.h - 130 * s, 240 * s, 60 * s}, &p->lab[14], "Skip",
	           ACT_SKIP, false);
	gfx_label_draw(g, &p->lab[15], FONT_SMALL, t->ink_soft, cx, area.y + area.h - 40 * s, 1, "%s",
	               ui_str(UI_S_RATING_KEYS));
}

const app_screen scr_rating = {
	.name = "rating",
	.for_patient = true,
	.enter = rating_enter,
	.key = rating_key,
	.action = rating_action,
	.update = rating_update,
	.draw = rating_draw,
	.back = NULL,
};

/* ---- the results --------------------------------------------------------- */

/* The patient chooses by leaning: "Play again" on the left, "Done" on the
 * right (or the therapist: Enter done, A again). */
enum { CHOICE_AGAIN, CHOICE_DONE };

static void results_enter(app *a)
{
	struct scr_play_state *p = &a->play;
	los_model los;
	los_default(&los, a->have_patient && a->patient.height_cm > 0 ? a->patient.height_cm / 100 : 0);
	double reach = 0.6 * los.limit_mm[LOS_E];
	if (p->have_centre)
		ui_lean_init_at(&p->lean, 2, reach, RATING_HOLD_S, a->hist, p->centre_x_mm);
	else
		ui_lean_init(&p->lean, 2, reach, RATING_HOLD_S, a->hist);
}

static void results_leave(app *a)
{
	for (int i = 0; i < 2; i++)
		gfx_label_free(&a->play.lab_choice[i]);
}

static void results_done(app *a, int choice)
{
	ui_play_free(&a->play.view);
	if (choice == CHOICE_AGAIN) {
		if (a->cfg.play) {
			app_replace(a, &scr_play); /* `poise play GAME`: the same game */
		} else {
			a->train.again = true;  /* Train starts it again */
			app_pop(a);
		}
		return;
	}
	a->play.ops = a->cfg.play ? a->play.ops : NULL;
	if (a->cfg.play) {
		a->quit = true;
		return;
	}
	app_pop(a); /* back to Train */
}

static void results_update(app *a)
{
	if (!a->hist)
		return;
	int v = ui_lean_update(&a->play.lean, a->hist);
	if (v >= 0)
		results_done(a, v);
}

static bool results_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	if (k == SDLK_a) {
		results_done(a, CHOICE_AGAIN);
		return true;
	}
	if (k != SDLK_RETURN && k != SDLK_KP_ENTER && k != SDLK_SPACE)
		return false;
	results_done(a, CHOICE_DONE);
	return true;
}

static void results_action(app *a, int id)
{
	if (id == ACT_AGAIN)
		results_done(a, CHOICE_AGAIN);
	else if (id == ACT_CONTINUE)
		results_done(a, CHOICE_DONE);
}

static bool results_back(app *a)
{
	results_done(a, CHOICE_DONE);
	return true;
}

/* The two choices along the bottom, the one leaned toward filling from
 * the bottom as it is held. */
static void draw_choices(app *a, SDL_FRect strip)
{
	struct scr_play_state *p = &a->play;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, gap = 40 * s, w = fminf((strip.w - 3 * gap) / 2, 520 * s);
	static const enum ui_string words[2] = {UI_S_RESULTS_AGAIN, UI_S_RESULTS_DONE};
	static const int acts[2] = {ACT_AGAIN, ACT_CONTINUE};
	for (int i = 0; i < 2; i++) {
		SDL_FRect r = {i == 0 ? strip.x + gap : strip.x + strip.w - gap - w, strip.y, w, strip.h};
		bool hover = p->lean.hover == i;
		gfx_fill(g, r, t->panel);
		if (hover) {
			float f = (float)ui_lean_fill(&p->lean);
			gfx_fill(g, (SDL_FRect){r.x, r.y + r.h * (1 - f), r.w, r.h * f}, t->accent);
		}
		gfx_frame(g, r, hover ? t->accent : t->ink_soft, (int)fmaxf(2, (hover ? 5 : 2) * s));
		gfx_label_draw_fit(g, &p->lab_choice[i], FONT_TITLE, t->ink, r.x + r.w / 2,
		                   r.y + r.h / 2 - (float)g->font_px[FONT_TITLE] * 0.6f, 1, r.w - 20 * s, "%s",
		                   ui_str(words[i]));
		if (a->n_hits < APP_MAX_HITS)
			a->hits[a->n_hits++] = (app_hit){r, acts[i]};
	}
}

static void results_draw(app *a, SDL_FRect area)
{
	struct scr_play_state *p = &a->play;
	const game_result *prev = NULL;
	int n_prev = 0;
	train_plan *plan = &p->plan;
	if (a->have_patient) {
		prev = plan->prev;
		n_prev = plan->n_prev;
	} else {
		for (int i = 0; i < a->n_games; i++)
			if (app_game(a, i) == p->ops && a->n_demo_results[i] > 1) {
				prev = &a->demo_results[i * 10 + 1];
				n_prev = a->n_demo_results[i] - 1;
			}
	}
	gfx *g = &a->g;
	float s = g->scale, strip_h = (float)g->font_px[FONT_TITLE] * 1.6f + 40 * s;
	SDL_FRect top = {area.x, area.y, area.w, area.h - strip_h - 20 * s};
	gfx_fill(g, area, g->theme.bg);
	ui_results_draw(&p->view, g, top, &p->result, p->result_aborted, prev, n_prev, a->eng && ses_simulated(a->eng));
	draw_choices(a, (SDL_FRect){area.x, area.y + area.h - strip_h - 10 * s, area.w, strip_h});
}

const app_screen scr_results = {
	.name = "results",
	.for_patient = true,
	.enter = results_enter,
	.leave = results_leave,
	.key = results_key,
	.action = results_action,
	.update = results_update,
	.draw = results_draw,
	.back = results_back,
};

/* ---- the live view ----------------------------------------------------- */

static void live_draw(app *a, SDL_FRect area)
{
	gfx *g = &a->g;
	float s = g->scale, pad = 16 * s;
	SDL_FRect r = {area.x + pad, area.y + pad, area.w - 2 * pad, area.h - 2 * pad};
	ui_live_sync(&a->live);
	ui_live_draw(&a->live, g, r, ses_rate_hz(a->eng));
	app_footer(a, ses_can_steer(a->eng)
	                  ? "Lean the simulated person: arrow keys · C centre · S step off/on · T set zero · Tab numbers · Esc back"
	                  : "T set zero · Tab numbers · F12 screenshot · Esc back");
}

static bool live_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	if (k == SDLK_t) {
		if (ses_history_on_plate(a->hist))
			app_toast(a, "%s", ui_str(UI_S_CHECK_STEP_OFF));
		else
			pl_tare_start(ses_pipeline(a->eng), (uint32_t)ses_device(a->eng)->rate_hz, 5.0);
		return true;
	}
	if (!ses_can_steer(a->eng))
		return false;
	if (k == SDLK_c) {
		a->steer.active = false;
		a->steer.x_mm = a->steer.y_mm = 0;
		ses_steer(a->eng, &a->steer);
		return true;
	}
	if (k == SDLK_s) {
		a->steer.on_plate = !a->steer.on_plate;
		ses_steer(a->eng, &a->steer);
		return true;
	}
	return false;
}

const app_screen scr_live = {
	.name = "live",
	.key = live_key,
	.draw = live_draw,
};
