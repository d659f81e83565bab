#include "ui/app.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/pipeline.h"
#include "device/acq.h"
#include "device/device.h"
#include "device/reconnect.h"
#include "games/game.h"
#include "games/runner.h"
#include "session/training.h"
#include "store/store.h"
#include "report/report.h"
#include "ui/audio.h"
#include "ui/gfx.h"
#include "ui/live.h"
#include "ui/play.h"

#define APP_RING_FRAMES 16384 /* 16 s at 1 kHz: a stalled frame loses nothing */
#define APP_POP_BATCH 256
#define STEER_SPEED_MM_S 80.0
#define HISTORY 10 /* results kept per game for the comparison */

enum screen { SCREEN_LIVE, SCREEN_PLAY, SCREEN_RESULTS };

/* A clickable button in the top bar. */
typedef struct button {
	SDL_FRect r;
	int action; /* ≥ 0: start game #action; -1 level down; -2 level up */
	gfx_label lab;
} button;

typedef struct app {
	app_cfg cfg;
	SDL_Window *win;
	SDL_Renderer *ren;
	gfx g;
	bool gfx_ready;
	dev *d;
	acq *acq;
	pipeline *pl;
	cop_sample *samples; /* pl_max_out() long */
	poise_frame frames[APP_POP_BATCH];
	ui_live live;
	live_layout layout;
	SDL_FRect live_area;
	/* Steering the simulated plate. */
	dev_steer steer;
	bool mouse_steering;
	/* Measured device rate, from the frames' own timestamps. */
	uint64_t rate_frames;
	mono_us rate_t0_us;
	double rate_hz;
	/* Messages. */
	char toast[512];
	Uint64 toast_until;
	bool device_lost;
	char lost_msg[256];
	Uint64 reconnect_at; /* next look for the lost plate */
	bool tare_pending;
	gfx_label lab_title, lab_device, lab_hint, lab_toast, lab_banner, lab_state, lab_level;
	bool quit;
	/* Games. */
	enum screen screen;
	audio *snd;
	ui_play play;
	bool manual_steer;     /* the user took over the simulated player */
	int start_level;       /* the level games start at (therapist's choice) */
	button buttons[8];
	int n_buttons;
	game_result history[8][HISTORY]; /* per game, newest first (no patient) */
	int n_history[8];
	/* The patient whose games are recorded (--patient), if any. */
	store *db;
	store_patient patient;
	bool have_patient;
	train_plan plan;       /* of the game being played */
	train_session ts;
	bool ts_open, recording;
	/* Work per frame (events, pipeline, drawing, present), milliseconds. */
	float frame_ms[4096];
	float present_ms[4096]; /* of which SDL_RenderPresent */
	size_t n_frames;
} app;

static Uint64 now_ticks(void)
{
	return SDL_GetPerformanceCounter();
}

static double ticks_to_s(Uint64 t)
{
	return (double)t / (double)SDL_GetPerformanceFrequency();
}

static void app_toast(app *a, const char *msg)
{
	snprintf(a->toast, sizeof a->toast, "%s", msg);
	a->toast_until = now_ticks() + 4 * SDL_GetPerformanceFrequency();
}

static void take_screenshot(app *a, const char *path)
{
	char name[64], msg[320];
	if (!path) {
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(name, sizeof name, "poise-%Y%m%d-%H%M%S.png", &tm);
		path = name;
	}
	gfx_screenshot(&a->g, path, msg, sizeof msg);
	app_toast(a, msg);
	fprintf(stderr, "poise: %s\n", msg);
}

/* E on the live screen: the sway report of the --patient, as a PDF in the
 * current folder (as F12 screenshots). */
static void export_report(app *a)
{
	char name[128], msg[384];
	if (!a->cfg.patient) {
		app_toast(a, "Export report: start Poise with --patient CODE to choose whose report.");
		return;
	}
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(name, sizeof name, "poise-report-%.32s-%s.pdf", a->cfg.patient, stamp);
	/* The database is already open (--patient opens it at start). */
	report_export_pdf_store(a->db, a->cfg.patient, name, NULL, msg, sizeof msg);
	app_toast(a, msg);
	fprintf(stderr, "poise: %s\n", msg);
}

static void push_steer(app *a)
{
	if (a->screen == SCREEN_PLAY)
		a->manual_steer = true;
	if (a->d->ops->steer)
		a->d->ops->steer(a->d, &a->steer);
	a->live.target_on = a->steer.active;
	a->live.target_x = a->steer.x_mm;
	a->live.target_y = a->steer.y_mm;
}

/* Mouse position → millimetres, if it is over the plate or zoom panel. */
static bool mouse_to_mm(app *a, int mx, int my, double *x, double *y)
{
	SDL_FPoint p = {(float)mx, (float)my};
	if (a->screen == SCREEN_PLAY) {
		/* In a game the whole window is the plate: the centre of the
		 * window is the patient's centre, its edges ±150 mm. */
		int w, h;
		SDL_GetRendererOutputSize(a->ren, &w, &h);
		double cx, cy;
		grun_intent_mm(a->play.run, &cx, &cy);
		(void)cx, (void)cy;
		*x = a->play.run->los.origin_x_mm + (p.x - w / 2.0) / (w / 2.0) * 150.0;
		*y = a->play.run->los.origin_y_mm - (p.y - h / 2.0) / (h / 2.0) * 150.0 * h / w;
		return true;
	}
	if (SDL_PointInFRect(&p, &a->layout.plate_panel)) {
		live_map_to_mm(&a->layout.plate, p.x, p.y, x, y);
		return true;
	}
	if (SDL_PointInFRect(&p, &a->layout.zoom_panel)) {
		live_map_to_mm(&a->layout.zoom, p.x, p.y, x, y);
		return true;
	}
	return false;
}

static void clamp_steer(app *a)
{
	double hw = a->d->info.plate.width_mm / 2, hd = a->d->info.plate.depth_mm / 2;
	a->steer.x_mm = fmax(-hw, fmin(hw, a->steer.x_mm));
	a->steer.y_mm = fmax(-hd, fmin(hd, a->steer.y_mm));
}

static int game_index(const struct game_ops *ops)
{
	int i = 0;
	for (const struct game_ops *const *g = game_list(); *g; g++, i++)
		if (*g == ops)
			return i;
	return 0;
}

static void start_game(app *a, const struct game_ops *ops, const game_cfg *cfg)
{
	grun_cfg rc;
	grun_cfg_default(&rc);
	game_cfg gc = *cfg;
	if (gc.duration_s <= 0)
		gc.duration_s = ops->default_duration_s;
	if (a->have_patient) {
		/* The prescription and where the patient left off; a level given
		 * on the command line wins. */
		if (train_plan_load(a->db, a->patient.id, ops, &a->plan) != POISE_OK) {
			app_toast(a, store_errmsg(a->db));
			return;
		}
		game_cfg pg = a->plan.game;
		pg.seed = cfg->seed;
		if (a->cfg.play && a->cfg.play_level_set)
			pg.level = cfg->level;
		if (cfg->duration_s > 0)
			pg.duration_s = cfg->duration_s;
		gc = pg;
		a->plan.game = gc;
		rc.stair = a->plan.stair;
	}
	int rc2 = ui_play_start(&a->play, ops, &gc, &rc, a->snd, 100);
	if (rc2) {
		app_toast(a, "Cannot start the game (out of memory?)");
		return;
	}
	pl_set_display(a->pl, PL_DISPLAY_ONE_EURO, PL_GAME_MIN_CUTOFF_HZ, PL_GAME_BETA);
	a->screen = SCREEN_PLAY;
	a->manual_steer = false;
	a->recording = false;
}

/* Records one sample of the game being played (the trial begins with the
 * first). Called for every pipeline sample while a game runs. */
static void record_sample(app *a, const cop_sample *smp)
{
	if (!a->have_patient || a->play.done)
		return;
	if (!a->ts_open) {
		if (train_session_open(&a->ts, a->db, a->patient.id, a->d->info.backend, a->d->info.serial,
		                       a->cfg.operator_name) != POISE_OK) {
			app_toast(a, store_errmsg(a->db));
			a->have_patient = false; /* play on, unrecorded, and say so */
			return;
		}
		a->ts_open = true;
	}
	if (!a->recording) {
		if (train_trial_begin(&a->ts, a->play.ops, &a->plan, a->play.run->g->cfg.seed, 100,
		                      smp->t_us) != POISE_OK) {
			app_toast(a, store_errmsg(a->db));
			a->have_patient = false;
			return;
		}
		a->recording = true;
	}
	if (train_trial_sample(&a->ts, smp) != POISE_OK) {
		char msg[400];
		snprintf(msg, sizeof msg, "Recording stopped: %s", store_errmsg(a->db));
		app_toast(a, msg);
		train_trial_end(&a->ts, STORE_ABORTED, NULL, NULL, NULL);
		a->recording = false;
		a->have_patient = false;
	}
}

static void start_game_index(app *a, int i)
{
	int n = 0;
	const struct game_ops *const *list = game_list();
	while (list[n])
		n++;
	if (i < 0 || i >= n)
		return;
	game_cfg c = {.level = a->start_level, .seed = a->cfg.seed + (uint64_t)SDL_GetTicks(),
	              .duration_s = 0, .los_min = 0, .los_max = 1};
	start_game(a, list[i], &c);
}

/* The game ended: keep its result, show the results screen. */
static void end_game(app *a)
{
	int gi = game_index(a->play.ops);
	if (a->recording) {
		/* The trial gets the game's results beside the sway metrics the
		 * recorder computes from the same COP. */
		enum store_status st = a->device_lost ? STORE_DEVICE_LOST
		                     : a->play.aborted ? STORE_ABORTED : STORE_COMPLETE;
		met_static sway;
		bool have = false;
		if (train_trial_end(&a->ts, st, &a->play.result, &sway, &have) != POISE_OK) {
			char msg[400];
			snprintf(msg, sizeof msg, "The game's record may be incomplete: %s", store_errmsg(a->db));
			app_toast(a, msg);
		}
		if (have) {
			a->play.sway = sway;
			a->play.have_sway = true;
		}
		a->recording = false;
	}
	if (a->cfg.outcome) {
		a->cfg.outcome->played = true;
		a->cfg.outcome->aborted = a->play.aborted;
		a->cfg.outcome->result = a->play.result;
		a->cfg.outcome->have_sway = a->play.have_sway;
		a->cfg.outcome->sway = a->play.sway;
	}
	pl_set_display(a->pl, PL_DISPLAY_BUTTERWORTH, 6, 0);
	a->screen = SCREEN_RESULTS;
	if (a->d->ops->steer) { /* the simulated person relaxes */
		a->steer.active = false;
		a->d->ops->steer(a->d, &a->steer);
	}
	(void)gi;
}

static void leave_results(app *a)
{
	int gi = game_index(a->play.ops);
	if (gi < 8) {
		int n = a->n_history[gi] < HISTORY ? a->n_history[gi] : HISTORY - 1;
		memmove(&a->history[gi][1], &a->history[gi][0], (size_t)n * sizeof a->history[gi][0]);
		a->history[gi][0] = a->play.result;
		a->n_history[gi] = n + 1;
	}
	a->start_level = a->play.result.level_end; /* next time, where they left off */
	ui_play_free(&a->play);
	a->screen = SCREEN_LIVE;
	if (a->cfg.play)
		a->quit = true;
}

static void handle_key(app *a, const SDL_KeyboardEvent *k)
{
	SDL_Keycode key = k->keysym.sym;
	if (a->screen == SCREEN_PLAY && key == SDLK_ESCAPE) {
		ui_play_abort(&a->play);
		end_game(a);
		return;
	}
	if (a->screen == SCREEN_RESULTS && (key == SDLK_RETURN || key == SDLK_KP_ENTER || key == SDLK_ESCAPE ||
	                                    key == SDLK_SPACE)) {
		leave_results(a);
		return;
	}
	if (a->screen == SCREEN_LIVE) {
		if (key >= SDLK_1 && key <= SDLK_9) {
			start_game_index(a, (int)(key - SDLK_1));
			return;
		}
		if (key == SDLK_PLUS || key == SDLK_EQUALS || key == SDLK_KP_PLUS) {
			a->start_level = a->start_level < 10 ? a->start_level + 1 : 10;
			return;
		}
		if (key == SDLK_MINUS || key == SDLK_KP_MINUS) {
			a->start_level = a->start_level > 1 ? a->start_level - 1 : 1;
			return;
		}
		if (key == SDLK_e) {
			export_report(a);
			return;
		}
	}
	switch (key) {
	case SDLK_ESCAPE:
		a->quit = true;
		break;
	case SDLK_F12:
		take_screenshot(a, NULL);
		break;
	case SDLK_F11: {
		Uint32 fs = SDL_GetWindowFlags(a->win) & SDL_WINDOW_FULLSCREEN_DESKTOP;
		SDL_SetWindowFullscreen(a->win, fs ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
		break;
	}
	case SDLK_s:
		if (a->d->ops->steer) {
			a->steer.on_plate = !a->steer.on_plate;
			push_steer(a);
		}
		break;
	case SDLK_c:
		a->steer.active = false;
		a->steer.x_mm = a->steer.y_mm = 0;
		push_steer(a);
		break;
	case SDLK_t:
		if (a->live.on_plate) {
			app_toast(a, "Tare needs an empty plate: ask the patient to step off, then press T.");
		} else {
			pl_tare_start(a->pl, (uint32_t)(a->d->info.rate_hz), 5.0);
			a->tare_pending = true;
			app_toast(a, "Taring: keep the plate empty and still for one second...");
		}
		break;
	default:
		break;
	}
}

static void handle_event(app *a, const SDL_Event *e)
{
	switch (e->type) {
	case SDL_QUIT:
		a->quit = true;
		break;
	case SDL_KEYDOWN:
		handle_key(a, &e->key);
		break;
	case SDL_MOUSEBUTTONDOWN:
		if (e->button.button == SDL_BUTTON_LEFT && a->screen == SCREEN_RESULTS) {
			leave_results(a);
			break;
		}
		if (e->button.button == SDL_BUTTON_LEFT && a->screen == SCREEN_LIVE) {
			SDL_FPoint p = {(float)e->button.x, (float)e->button.y};
			bool hit = false;
			for (int i = 0; i < a->n_buttons && !hit; i++) {
				if (!SDL_PointInFRect(&p, &a->buttons[i].r))
					continue;
				hit = true;
				int act = a->buttons[i].action;
				if (act >= 0)
					start_game_index(a, act);
				else if (act == -1 && a->start_level > 1)
					a->start_level--;
				else if (act == -2 && a->start_level < 10)
					a->start_level++;
			}
			if (hit)
				break;
		}
		if (e->button.button == SDL_BUTTON_LEFT && a->d->ops->steer && a->screen != SCREEN_RESULTS) {
			double x, y;
			if (mouse_to_mm(a, e->button.x, e->button.y, &x, &y)) {
				a->mouse_steering = true;
				a->steer = (dev_steer){x, y, a->steer.on_plate, true};
				clamp_steer(a);
				push_steer(a);
			}
		}
		break;
	case SDL_MOUSEMOTION:
		if (a->mouse_steering) {
			double x, y;
			if (mouse_to_mm(a, e->motion.x, e->motion.y, &x, &y)) {
				a->steer.x_mm = x;
				a->steer.y_mm = y;
				clamp_steer(a);
				push_steer(a);
			}
		}
		break;
	case SDL_MOUSEBUTTONUP:
		if (e->button.button == SDL_BUTTON_LEFT && a->mouse_steering) {
			a->mouse_steering = false;
			a->steer.active = false; /* let go: back to quiet stance */
			push_steer(a);
		}
		break;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
			gfx_rescale(&a->g, e->window.data2);
			ui_live_free(&a->live); /* labels re-render at the new size */
			gfx_label_free(&a->lab_title);
			gfx_label_free(&a->lab_device);
			gfx_label_free(&a->lab_hint);
			gfx_label_free(&a->lab_state);
		}
		break;
	default:
		break;
	}
}

/* Arrow keys lean the simulated person while held. */
static void steer_keys(app *a, double dt)
{
	if (!a->d->ops->steer || a->mouse_steering)
		return;
	const Uint8 *ks = SDL_GetKeyboardState(NULL);
	double dx = (ks[SDL_SCANCODE_RIGHT] ? 1 : 0) - (ks[SDL_SCANCODE_LEFT] ? 1 : 0);
	double dy = (ks[SDL_SCANCODE_UP] ? 1 : 0) - (ks[SDL_SCANCODE_DOWN] ? 1 : 0);
	if (dx == 0 && dy == 0)
		return;
	a->steer.active = true;
	a->steer.x_mm += dx * STEER_SPEED_MM_S * dt;
	a->steer.y_mm += dy * STEER_SPEED_MM_S * dt;
	clamp_steer(a);
	push_steer(a);
}

/* Takes every frame waiting in the ring through the pipeline. */
static void drain(app *a)
{
	size_t n;
	while ((n = acq_pop(a->acq, a->frames, APP_POP_BATCH)) > 0) {
		for (size_t i = 0; i < n; i++) {
			const poise_frame *f = &a->frames[i];
			/* Rate over at least a second of the device's own clock. */
			if (a->rate_frames == 0 || f->t_us < a->rate_t0_us)
				a->rate_t0_us = f->t_us;
			else if (f->t_us - a->rate_t0_us >= 1000000) {
				a->rate_hz = (double)a->rate_frames * 1e6 / (double)(f->t_us - a->rate_t0_us);
				a->rate_frames = 0;
				a->rate_t0_us = f->t_us;
			}
			a->rate_frames++;
			size_t m = pl_push(a->pl, f, a->samples);
			for (size_t j = 0; j < m; j++) {
				ui_live_push(&a->live, &a->samples[j]);
				if (a->screen == SCREEN_PLAY) {
					ui_play_sample(&a->play, &a->samples[j]);
					record_sample(a, &a->samples[j]);
				}
			}
		}
	}
}

static void pump_frames(app *a)
{
	/* The state is read before draining: the thread ends only after its
	 * last frame is in the ring, so nothing is left behind. */
	int err;
	enum acq_state st = acq_state(a->acq, &err);
	drain(a);
	if (a->device_lost && a->screen == SCREEN_PLAY)
		ui_play_device_lost(&a->play); /* the game pauses until it is back */
	if (!a->device_lost && st == ACQ_ENDED) {
		a->device_lost = true;
		snprintf(a->lost_msg, sizeof a->lost_msg,
		         "%s stopped: %s. Waiting for it: check the cable (everything so far is kept).",
		         a->d->info.name, poise_strerror(err));
	}
	/* Plugged back in? Look once a second; the device layer does the rest. */
	if (a->device_lost && now_ticks() >= a->reconnect_at) {
		a->reconnect_at = now_ticks() + SDL_GetPerformanceFrequency();
		dev_open_cfg oc = {.seed = a->cfg.seed, .realtime = true};
		if (dev_reconnect(&a->d, &a->acq, APP_RING_FRAMES, &oc) == POISE_OK) {
			a->device_lost = false;
			app_toast(a, "The plate is back: streaming again.");
		}
	}
	if (a->tare_pending && pl_tare_result(a->pl) != POISE_E_STATE) {
		a->tare_pending = false;
		app_toast(a, pl_tare_result(a->pl) == POISE_OK
		                 ? "Tare done: the empty plate now reads zero."
		                 : "Tare failed: the plate was not still. Keep it empty and try again.");
	}
}

/* The row of game buttons and the level chooser along the bottom. */
static void draw_game_buttons(app *a, float y, float h)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, x = 16 * s;
	gfx_label_draw(g, &a->lab_level, FONT_BODY, t->ink, x, y + (h - 24 * s) / 2, 0, "Games");
	x += 90 * s;
	int n = 0;
	for (const struct game_ops *const *gm = game_list(); *gm && n < 6; gm++, n++) {
		button *b = &a->buttons[n];
		b->action = n;
		char text[48];
		snprintf(text, sizeof text, "%d  %s", n + 1, (*gm)->name);
		gfx_label_draw(g, &b->lab, FONT_BODY, (SDL_Color){255, 255, 255, 255}, -1000, -1000, 0, "%s", text);
		b->r = (SDL_FRect){x, y, (float)b->lab.w + 28 * s, h};
		gfx_fill(g, b->r, t->accent);
		gfx_label_draw(g, &b->lab, FONT_BODY, (SDL_Color){255, 255, 255, 255}, x + 14 * s,
		               y + (h - (float)b->lab.h) / 2, 0, "%s", text);
		x += b->r.w + 10 * s;
	}
	/* Level: − N + */
	x += 20 * s;
	button *minus = &a->buttons[n], *plus = &a->buttons[n + 1];
	minus->action = -1;
	plus->action = -2;
	minus->r = (SDL_FRect){x, y, h, h};
	gfx_fill(g, minus->r, t->ink_soft);
	gfx_label_draw(g, &minus->lab, FONT_TITLE, (SDL_Color){255, 255, 255, 255}, x + h / 2, y + 4 * s, 1, "−");
	x += h + 8 * s;
	gfx_label_draw(g, &a->buttons[n + 2].lab, FONT_BODY, t->ink, x, y + (h - 24 * s) / 2, 0, "level %d",
	               a->start_level);
	x += (float)a->buttons[n + 2].lab.w + 8 * s;
	plus->r = (SDL_FRect){x, y, h, h};
	gfx_fill(g, plus->r, t->ink_soft);
	gfx_label_draw(g, &plus->lab, FONT_TITLE, (SDL_Color){255, 255, 255, 255}, x + h / 2, y + 4 * s, 1, "+");
	a->n_buttons = n + 2;
}

static void draw_live_screen(app *a, int w, int h)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	/* Top bar: name, device, presence. */
	float bar_h = 56 * s;
	gfx_fill(g, (SDL_FRect){0, 0, (float)w, bar_h}, t->panel);
	gfx_line(g, 0, bar_h, (float)w, bar_h, t->grid, 1);
	gfx_label_draw(g, &a->lab_title, FONT_TITLE, t->accent, 20 * s, 12 * s, 0, "Poise");
	gfx_label_draw(g, &a->lab_device, FONT_BODY, t->ink_soft, 120 * s, 18 * s, 0, "%s%s%s · %s%s",
	               a->d->info.name, a->d->info.serial[0] ? " · " : "", a->d->info.serial,
	               a->have_patient ? "patient " : "demo, nothing recorded (--patient CODE)",
	               a->have_patient ? a->patient.code : "");
	if (a->live.on_plate)
		gfx_label_draw(g, &a->lab_state, FONT_BODY, t->ok, (float)w - 20 * s, 18 * s, 2,
		               "● On the plate");
	else
		gfx_label_draw(g, &a->lab_state, FONT_BODY, t->ink_soft, (float)w - 20 * s, 18 * s, 2,
		               "○ Plate empty");

	float btn_h = 44 * s, foot_h = 34 * s, pad = 16 * s;
	a->live_area = (SDL_FRect){pad, bar_h + pad, (float)w - 2 * pad,
	                           (float)h - bar_h - foot_h - btn_h - 3 * pad};
	ui_live_layout(&a->live, a->live_area, &a->layout);
	ui_live_draw(&a->live, g, a->live_area, a->rate_hz);
	draw_game_buttons(a, (float)h - foot_h - btn_h - pad / 2, btn_h);
	gfx_label_draw(g, &a->lab_hint, FONT_SMALL, t->ink_soft, pad, (float)h - foot_h + 8 * s, 0, "%s",
	               a->d->ops->steer
	                   ? "Lean: drag on the plate or arrow keys · C centre · S step off/on · T tare · 1–5 play · +/− level · E report · F11 full screen · F12 screenshot · Esc quit"
	                   : "T tare · 1–5 play · +/− level · E report · F11 full screen · F12 screenshot · Esc quit");
}

static void draw(app *a)
{
	int w, h;
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	SDL_FRect all = {0, 0, (float)w, (float)h};
	if (a->screen == SCREEN_LIVE) /* the game screens paint every pixel themselves */
		gfx_fill(g, all, t->bg);
	switch (a->screen) {
	case SCREEN_LIVE:
		draw_live_screen(a, w, h);
		break;
	case SCREEN_PLAY:
		ui_play_draw(&a->play, g, all);
		break;
	case SCREEN_RESULTS: {
		int gi = game_index(a->play.ops);
		if (a->have_patient)
			ui_results_draw(&a->play, g, all, a->plan.prev, a->plan.n_prev);
		else
			ui_results_draw(&a->play, g, all, gi < 8 ? a->history[gi] : NULL, gi < 8 ? a->n_history[gi] : 0);
		break;
	}
	}
	float bar_h = 56 * s, foot_h = 40 * s;
	if (a->device_lost) {
		SDL_FRect b = {0, bar_h, (float)w, 48 * s};
		gfx_fill(g, b, t->warn);
		gfx_label_draw(g, &a->lab_banner, FONT_BODY, (SDL_Color){255, 255, 255, 255}, (float)w / 2,
		               bar_h + 12 * s, 1, "%s", a->lost_msg);
	}
	if (a->toast[0] && now_ticks() < a->toast_until) {
		gfx_label_draw(g, &a->lab_toast, FONT_BODY, (SDL_Color){255, 255, 255, 255}, 0, 0, 0, "%s",
		               a->toast);
		float tw = (float)a->lab_toast.w + 40 * s, th = (float)a->lab_toast.h + 20 * s;
		SDL_FRect box = {((float)w - tw) / 2, (float)h - foot_h - th - 24 * s, tw, th};
		gfx_fill(g, box, (SDL_Color){30, 34, 42, 235});
		gfx_label_draw(g, &a->lab_toast, FONT_BODY, (SDL_Color){255, 255, 255, 255}, (float)w / 2,
		               box.y + 10 * s, 1, "%s", a->toast);
	}
}

/* Opens the database and finds the patient whose games are recorded. */
static int open_patient(app *a, char *msg, size_t msg_len)
{
	char path[4096];
	const char *p = a->cfg.db;
	int rc;
	if (!p || !*p) {
		if ((rc = store_default_path(path, sizeof path, msg, msg_len)) != POISE_OK)
			return rc;
		p = path;
	}
	if ((rc = store_open(&a->db, p, 0, msg, msg_len)) != POISE_OK)
		return rc;
	rc = store_patient_get(a->db, a->cfg.patient, &a->patient);
	if (rc) {
		snprintf(msg, msg_len, "%s", rc == POISE_E_NOT_FOUND
		         ? "no such patient in the database (poise patient list; poise patient add CODE)"
		         : store_errmsg(a->db));
		return rc;
	}
	a->have_patient = true;
	return POISE_OK;
}

static int open_device(app *a, char *msg, size_t msg_len)
{
	dev_open_cfg oc = {.seed = a->cfg.seed, .realtime = true};
	int rc = dev_open_spec(&a->d, a->cfg.device ? a->cfg.device : "auto", &oc, msg, msg_len);
	if (rc)
		return rc;
	pl_cfg pc;
	dev_pipeline_cfg(&a->d->info, &pc);
	rc = pl_create(&a->pl, &pc);
	if (rc == POISE_OK) {
		a->samples = calloc(pl_max_out(a->pl), sizeof *a->samples);
		rc = a->samples ? POISE_OK : POISE_E_NOMEM;
	}
	if (rc == POISE_OK)
		rc = acq_create(&a->acq, a->d, APP_RING_FRAMES);
	if (rc == POISE_OK)
		rc = acq_start(a->acq);
	if (rc) {
		snprintf(msg, msg_len, "cannot start %s: %s", a->d->info.name, poise_strerror(rc));
		return rc;
	}
	ui_live_init(&a->live, &a->d->info.plate, pc.out_rate_hz);
	a->steer = (dev_steer){.on_plate = true};
	return POISE_OK;
}

static int cmp_float(const void *x, const void *y)
{
	float a = *(const float *)x, b = *(const float *)y;
	return (a > b) - (a < b);
}

static void print_frame_stats(app *a)
{
	size_t n = a->n_frames < 4096 ? a->n_frames : 4096;
	if (n < 10)
		return;
	qsort(a->frame_ms, n, sizeof a->frame_ms[0], cmp_float);
	qsort(a->present_ms, n, sizeof a->present_ms[0], cmp_float);
	int w, h;
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	fprintf(stderr, "poise: %zu frames (after 2 s) at %dx%d: work per frame p50 %.2f ms, p99 %.2f ms, max %.2f ms "
	        "(of which presenting p50 %.2f ms, p99 %.2f ms)\n",
	        a->n_frames, w, h, a->frame_ms[n / 2], a->frame_ms[(size_t)(n * 0.99)], a->frame_ms[n - 1],
	        a->present_ms[n / 2], a->present_ms[(size_t)(n * 0.99)]);
}

static void app_cleanup(app *a)
{
	acq_destroy(a->acq);
	dev_close(a->d);
	pl_destroy(a->pl);
	free(a->samples);
	ui_live_free(&a->live);
	gfx_label *labs[] = {&a->lab_title, &a->lab_device, &a->lab_hint, &a->lab_toast, &a->lab_banner,
	                     &a->lab_state, &a->lab_level};
	for (size_t i = 0; i < sizeof labs / sizeof labs[0]; i++)
		gfx_label_free(labs[i]);
	for (size_t i = 0; i < sizeof a->buttons / sizeof a->buttons[0]; i++)
		gfx_label_free(&a->buttons[i].lab);
	if (a->play.run)
		ui_play_free(&a->play);
	if (a->ts_open)
		train_session_close(&a->ts);
	store_close(a->db);
	audio_close(a->snd);
	if (a->gfx_ready)
		gfx_free(&a->g);
	if (a->ren)
		SDL_DestroyRenderer(a->ren);
	if (a->win)
		SDL_DestroyWindow(a->win);
	TTF_Quit();
	SDL_Quit();
}

int app_run(const app_cfg *cfg, char *msg, size_t msg_len)
{
	app *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(msg, msg_len, "out of memory");
		return 1;
	}
	a->cfg = *cfg;
	int code = 1;
	/* Without a GPU, SDL's software renderer drawing straight into the
	 * window is the fastest path (DESIGN.md, Performance); a user may still
	 * pick another with SDL_RENDER_DRIVER. */
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		snprintf(msg, msg_len,
		         "cannot open a window: %s. Poise needs a desktop session (X11 or Wayland); "
		         "without a screen, try: xvfb-run -a build/default/src/poise",
		         SDL_GetError());
		free(a);
		return 1;
	}
	/* With no display at all SDL may fall back to an invisible driver;
	 * a window nobody can see is worse than a clear message. */
	const char *drv = SDL_GetCurrentVideoDriver();
	const char *asked = getenv("SDL_VIDEODRIVER");
	if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) && !(asked && *asked)) {
		snprintf(msg, msg_len,
		         "cannot open a window: no display found (neither X11 nor Wayland). Poise needs "
		         "a desktop session; without a screen, try: xvfb-run -a build/default/src/poise");
		goto out;
	}
	if (TTF_Init() != 0) {
		snprintf(msg, msg_len, "cannot start the font engine: %s", TTF_GetError());
		goto out;
	}
	/* Sound is a bonus: without an audio device the app plays silently.
	 * With no sound card at all, skip ALSA (it would fill the terminal
	 * with complaints) and try only the sound servers. */
	if (!getenv("SDL_AUDIODRIVER") && access("/dev/snd", F_OK) != 0)
		SDL_SetHint(SDL_HINT_AUDIODRIVER, "pulseaudio,pipewire,dummy");
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0)
		a->snd = audio_open();
	a->start_level = cfg->play ? cfg->play_cfg.level : 1;
	if (cfg->patient && open_patient(a, msg, msg_len) != POISE_OK)
		goto out;
	if (open_device(a, msg, msg_len) != POISE_OK)
		goto out;
	int w = cfg->width > 0 ? cfg->width : 1280, h = cfg->height > 0 ? cfg->height : 720;
	a->win = SDL_CreateWindow("Poise", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
	                          SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
	                              (cfg->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
	if (!a->win) {
		snprintf(msg, msg_len, "cannot open a window: %s", SDL_GetError());
		goto out;
	}
	SDL_SetWindowMinimumSize(a->win, 800, 500);
	a->ren = SDL_CreateRenderer(a->win, -1, 0);
	if (!a->ren) {
		snprintf(msg, msg_len, "cannot create a renderer: %s", SDL_GetError());
		goto out;
	}
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	if (gfx_init(&a->g, a->ren, h, msg, msg_len) != POISE_OK)
		goto out;
	a->gfx_ready = true;

	SDL_DisplayMode mode;
	int hz = SDL_GetWindowDisplayMode(a->win, &mode) == 0 && mode.refresh_rate > 0 ? mode.refresh_rate : 60;
	Uint64 freq = SDL_GetPerformanceFrequency(), period = freq / (Uint64)hz;
	Uint64 start = now_ticks(), last = start, next = start + period;
	if (cfg->play)
		start_game(a, cfg->play, &cfg->play_cfg);
	while (!a->quit) {
		Uint64 work0 = now_ticks();
		SDL_Event e;
		while (SDL_PollEvent(&e))
			handle_event(a, &e);
		Uint64 t = now_ticks();
		steer_keys(a, ticks_to_s(t - last));
		double dt = ticks_to_s(t - last);
		last = t;
		pump_frames(a);
		if (a->screen == SCREEN_PLAY) {
			ui_play_update(&a->play, dt);
			game_event ev;
			while (ui_play_pop_event(&a->play, &ev))
				if (a->recording)
					train_trial_event(&a->ts, a->play.last_t_us, &ev);
			/* The simulated person plays, until the user steers. */
			if (a->d->ops->steer && !a->manual_steer) {
				dev_steer st = {.on_plate = a->steer.on_plate, .active = true};
				ui_play_intent(&a->play, &st.x_mm, &st.y_mm);
				a->d->ops->steer(a->d, &st);
			}
			if (a->play.done)
				end_game(a);
		}
		draw(a);
		if (cfg->quit_after_s > 0 && ticks_to_s(t - start) >= cfg->quit_after_s) {
			if (cfg->screenshot)
				take_screenshot(a, cfg->screenshot);
			a->quit = true;
		}
		Uint64 p0 = now_ticks();
		SDL_RenderPresent(a->ren);
		t = now_ticks();
		/* Frame statistics leave out the first two seconds: fonts, labels
		 * and circle textures are made then, once. */
		if (ticks_to_s(p0 - start) >= 2.0) {
			a->present_ms[a->n_frames % 4096] = (float)(ticks_to_s(t - p0) * 1e3);
			a->frame_ms[a->n_frames++ % 4096] = (float)(ticks_to_s(t - work0) * 1e3);
		}
		/* Pace to the display's refresh rate. */
		if (t < next)
			SDL_Delay((Uint32)((next - t) * 1000 / freq));
		next += period;
		if (now_ticks() > next + period)
			next = now_ticks() + period; /* fell behind: do not race to catch up */
	}
	code = 0;
	if (cfg->frame_stats)
		print_frame_stats(a);
out:
	app_cleanup(a);
	free(a);
	return code;
}
