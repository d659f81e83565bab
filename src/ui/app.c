#include "ui/app.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "device/device.h"
#include "report/report.h"
#include "session/engine.h"
#include "session/history.h"
#include "session/play.h"
#include "session/training.h"
#include "store/store.h"
#include "ui/audio.h"
#include "ui/frame.h"
#include "ui/gfx.h"
#include "ui/live.h"
#include "ui/play.h"

#define APP_RING_FRAMES 16384 /* 16 s at 1 kHz: a stalled frame loses nothing */
#define STEER_SPEED_MM_S 80.0
#define HISTORY 10 /* results kept per game for the comparison (no patient) */

enum screen { SCREEN_LIVE, SCREEN_PLAY, SCREEN_RESULTS, SCREEN_NO_PLATE };

/* A clickable button in the bottom bar. */
typedef struct button {
	SDL_FRect r;
	int action; /* ≥ 0: start game #action; ACT_LEVEL_DOWN / _UP */
	gfx_label lab;
} button;

enum { ACT_LEVEL_DOWN = -1, ACT_LEVEL_UP = -2 };

typedef struct app {
	app_cfg cfg;
	SDL_Window *win;
	SDL_Renderer *ren;
	gfx g;
	bool gfx_ready;
	audio *snd;
	/* The session's road: NULL while there is no plate. */
	ses_engine *eng;
	ses_history *hist;
	bool fell_back;          /* "auto" found no plate: a demo on the sim */
	char plate_msg[1536];    /* why there is no plate, or the fallback note */
	Uint64 reconnect_at;     /* next look for a lost plate */
	enum ses_state last_state; /* as last seen, to tell changes */
	ui_live live;
	bool live_ready;
	live_layout layout;
	SDL_FRect live_area;
	/* Steering the simulated plate. */
	dev_steer steer;
	bool mouse_steering;
	bool manual_steer;       /* the user took over the simulated player */
	/* Messages. */
	char toast[768];
	Uint64 toast_until;
	bool tare_pending;
	gfx_label lab_title, lab_device, lab_hint, lab_toast, lab_banner, lab_state, lab_level, lab_levelv;
	gfx_label lab_np[8];
	bool quit;
	enum screen screen;
	/* Games: the menu, the level, the game being played, the last result. */
	const struct game_ops *const *games;
	int n_games;
	button *buttons;         /* n_games + 2 */
	int n_buttons;
	game_result *history;    /* n_games × HISTORY, newest first (no patient) */
	int *n_history;
	int start_level;         /* 0: the patient's plan decides */
	ses_play *play;
	ui_play view;
	train_plan plan;         /* of the game being played */
	ses_play_result result;
	bool result_aborted;
	/* The patient whose games are recorded (--patient), if any. */
	store *db;
	store_patient patient;
	bool have_patient;
	int64_t session_id;      /* the sitting, from the first recorded game */
	ui_frames frames;        /* the frame clock and what frames cost */
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
	if (!a->have_patient) {
		app_toast(a, "Export report: start Poise with --patient CODE to choose whose report.");
		return;
	}
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(name, sizeof name, "poise-report-%.32s-%s.pdf", a->patient.code, stamp);
	/* The database is already open (--patient opens it at start). */
	report_export_pdf_store(a->db, a->patient.code, name, NULL, msg, sizeof msg);
	app_toast(a, msg);
	fprintf(stderr, "poise: %s\n", msg);
}

/* ---- the plate and the session ------------------------------------- */

static const char *plate_problem(const app *a)
{
	int err;
	switch (a->eng ? ses_state(a->eng, &err) : SES_LOST) {
	case SES_NO_DATA:
		return "the plate sends no data";
	case SES_LOST:
		return "waiting for the plate";
	default:
		return NULL;
	}
}

/* Opens the plate (honestly: a patient's "auto" is a real plate or none,
 * see dev_open_choice()) and the session's road
 * with the live history on it. Without a plate the app shows why, with a
 * retry. */
static void open_plate(app *a)
{
	dev_open_cfg oc = {.seed = a->cfg.seed, .realtime = true};
	dev *d = NULL;
	int rc = dev_open_choice(&d, a->cfg.device, a->have_patient ? DEV_AUTO_REAL_ONLY : 0, &oc, &a->fell_back,
	                         a->plate_msg, sizeof a->plate_msg);
	if (rc) {
		a->screen = SCREEN_NO_PLATE;
		fprintf(stderr, "poise: %s\n", a->plate_msg);
		return;
	}
	ses_source *src = NULL;
	ses_cfg sc;
	if ((rc = ses_source_thread(&src, d, APP_RING_FRAMES)) != POISE_OK) {
		dev_close(d);
	} else {
		ses_cfg_default(&sc, &src->info);
		if ((rc = ses_create(&a->eng, src, &sc)) != POISE_OK)
			ses_source_destroy(src);
	}
	if (rc == POISE_OK && (rc = ses_history_create(&a->hist, LIVE_HIST_S, sc.pipeline.out_rate_hz)) == POISE_OK &&
	    (rc = ses_attach(a->eng, ses_history_consumer(a->hist))) == POISE_OK)
		rc = ses_start(a->eng);
	if (rc) {
		snprintf(a->plate_msg, sizeof a->plate_msg, "cannot start the plate: %s", poise_strerror(rc));
		ses_destroy(a->eng);
		ses_history_destroy(a->hist);
		a->eng = NULL;
		a->hist = NULL;
		a->screen = SCREEN_NO_PLATE;
		return;
	}
	ui_live_init(&a->live, &ses_device(a->eng)->plate, ses_sample_rate_hz(a->eng), a->hist);
	a->live_ready = true;
	a->steer = (dev_steer){.on_plate = true};
	a->screen = SCREEN_LIVE;
	if (a->fell_back) {
		app_toast(a, "No force plate found: this is the simulated plate, a demonstration.");
		fprintf(stderr, "poise: %s\n", a->plate_msg);
	}
}

static void close_plate(app *a)
{
	ses_destroy(a->eng); /* the history is only forgotten */
	ses_history_destroy(a->hist);
	a->eng = NULL;
	a->hist = NULL;
	if (a->live_ready)
		ui_live_free(&a->live);
	a->live_ready = false;
}

/* One turn of the session's road per frame: every sample waiting goes to
 * the live history and the game; a lost plate is looked for once a second;
 * a tare's result is told. */
static void pump_session(app *a)
{
	if (!a->eng)
		return;
	ses_pump(a->eng, 0, SIZE_MAX, NULL);
	int err;
	enum ses_state st = ses_state(a->eng, &err);
	if (st != a->last_state) { /* for whoever watches the terminal too */
		const char *name = ses_device(a->eng)->name;
		if (st == SES_NO_DATA)
			fprintf(stderr, "poise: no data from %s for %.0f s; it is still connected\n", name, 2.0);
		else if (st == SES_LOST)
			fprintf(stderr, "poise: %s stopped: %s\n", name, poise_strerror(err));
		else if (st == SES_RUNNING && a->last_state != SES_IDLE)
			fprintf(stderr, "poise: %s streams again\n", name);
		a->last_state = st;
	}
	if (st == SES_LOST && now_ticks() >= a->reconnect_at) {
		a->reconnect_at = now_ticks() + SDL_GetPerformanceFrequency();
		dev_open_cfg oc = {.seed = a->cfg.seed, .realtime = true};
		if (ses_reconnect(a->eng, &oc) == POISE_OK)
			app_toast(a, "The plate is back: streaming again.");
	}
	pipeline *pl = ses_pipeline(a->eng);
	if (a->tare_pending && pl_tare_result(pl) != POISE_E_STATE) {
		a->tare_pending = false;
		app_toast(a, pl_tare_result(pl) == POISE_OK
		                 ? "Tare done: the empty plate now reads zero."
		                 : "Tare failed: the plate was not still. Keep it empty and try again.");
	}
}

/* ---- games ----------------------------------------------------------- */

static int game_index(const app *a, const struct game_ops *ops)
{
	for (int i = 0; i < a->n_games; i++)
		if (a->games[i] == ops)
			return i;
	return -1;
}

/* Sounds for the game's events (the hook the game consumer calls). */
static int on_game_event(void *ctx, mono_us t_us, const game_event *e)
{
	(void)t_us;
	ui_play_event(&((app *)ctx)->view, e);
	return POISE_OK;
}

/* The plan for ops: the patient's or the demo's, then `poise play`'s
 * options or the level chosen on screen. */
static int plan_for(app *a, const struct game_ops *ops, train_plan *plan)
{
	if (a->have_patient) {
		if (train_plan_load(a->db, &a->patient, ops, ses_simulated(a->eng), plan) != POISE_OK) {
			app_toast(a, store_errmsg(a->db));
			return POISE_E_IO;
		}
	} else {
		train_plan_default(ops, plan);
	}
	if (a->cfg.play == ops) { /* the command line's word */
		if (a->cfg.play_level > 0)
			plan->game.level = a->cfg.play_level;
		if (a->cfg.play_seconds > 0)
			plan->game.duration_s = a->cfg.play_seconds;
	} else if (a->start_level > 0) {
		/* The level chosen on screen is the level played, inside the
		 * prescription's range (and the screen says when it is not). */
		int l = a->start_level;
		int lo = plan->stair.min_level, hi = plan->stair.max_level;
		plan->game.level = l < lo ? lo : l > hi ? hi : l;
		if (plan->game.level != l) {
			char m[160];
			snprintf(m, sizeof m, "Level %d is outside the prescription (%d–%d): playing level %d.", l, lo,
			         hi, plan->game.level);
			app_toast(a, m);
		}
	}
	return POISE_OK;
}

static void start_game(app *a, const struct game_ops *ops)
{
	if (!a->eng || a->play)
		return;
	if (plan_for(a, ops, &a->plan))
		return;
	if (a->have_patient && !a->session_id &&
	    train_sitting_begin(a->db, a->patient.id, ses_device(a->eng), a->cfg.operator_name, NULL,
	                        &a->session_id) != POISE_OK) {
		char m[600];
		snprintf(m, sizeof m, "Cannot record for %s: %s", a->patient.code, store_errmsg(a->db));
		app_toast(a, m);
		return;
	}
	ses_play_cfg pc = {.on_event = on_game_event, .ctx = a, .db = a->have_patient ? a->db : NULL,
	                   .session_id = a->session_id, .prescribed = a->plan.prescribed};
	train_game_cfg(&a->plan, ops, ses_sample_rate_hz(a->eng), &pc.game);
	pc.game.game.seed = a->cfg.seed + (uint64_t)SDL_GetTicks();
	int rc = ses_play_create(&a->play, &pc);
	if (rc == POISE_OK && (rc = ses_attach(a->eng, ses_play_consumer(a->play))) != POISE_OK) {
		ses_play_destroy(a->play);
		a->play = NULL;
	}
	if (rc) {
		char m[600];
		snprintf(m, sizeof m, "Cannot start the game: %s",
		         a->have_patient && rc != POISE_E_NOMEM ? store_errmsg(a->db) : poise_strerror(rc));
		app_toast(a, m);
		return;
	}
	ui_play_init(&a->view, ops, a->snd);
	a->screen = SCREEN_PLAY;
	a->manual_steer = false;
}

/* The game ended (its time is up, Esc, or its consumer failed): close the
 * trial, show the results. */
static void end_game(app *a, enum store_status status)
{
	ses_detach(a->eng, ses_play_consumer(a->play));
	int cons_err = ses_play_consumer(a->play)->err;
	if (cons_err && status == STORE_COMPLETE)
		status = STORE_ABORTED;
	a->result_aborted = ses_game_aborted(ses_play_game(a->play)) || cons_err;
	if (ses_play_record_error(a->play)) {
		char m[600];
		snprintf(m, sizeof m, "Recording stopped early: %s", store_errmsg(a->db));
		app_toast(a, m);
	}
	if (ses_play_finish(a->play, status, &a->result) != POISE_OK) {
		char m[600];
		snprintf(m, sizeof m, "The game's record may be incomplete: %s", store_errmsg(a->db));
		app_toast(a, m);
	} else if (cons_err) {
		char m[300];
		snprintf(m, sizeof m, "The game stopped: %s", poise_strerror(cons_err));
		app_toast(a, m);
	}
	ses_play_destroy(a->play);
	a->play = NULL;
	ui_play_finished(&a->view);
	if (a->cfg.outcome) {
		a->cfg.outcome->played = true;
		a->cfg.outcome->simulated = ses_simulated(a->eng);
		a->cfg.outcome->r = a->result;
	}
	a->screen = SCREEN_RESULTS;
	if (ses_can_steer(a->eng)) { /* the simulated person relaxes */
		a->steer.active = false;
		ses_steer(a->eng, &a->steer);
	}
}

static void leave_results(app *a)
{
	int gi = game_index(a, a->view.ops);
	if (gi >= 0 && !a->have_patient) {
		game_result *h = &a->history[gi * HISTORY];
		int n = a->n_history[gi] < HISTORY ? a->n_history[gi] : HISTORY - 1;
		memmove(&h[1], &h[0], (size_t)n * sizeof h[0]);
		h[0] = a->result.result;
		a->n_history[gi] = n + 1;
	}
	if (!a->have_patient)
		a->start_level = a->result.result.level_end; /* next time, where they left off */
	ui_play_free(&a->view);
	a->screen = SCREEN_LIVE;
	if (a->cfg.play)
		a->quit = true;
}

/* ---- input ----------------------------------------------------------- */

static void push_steer(app *a)
{
	if (a->screen == SCREEN_PLAY)
		a->manual_steer = true;
	ses_steer(a->eng, &a->steer);
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
		const los_model *los = &ses_game_runner(ses_play_game(a->play))->los;
		*x = los->origin_x_mm + (p.x - w / 2.0) / (w / 2.0) * 150.0;
		*y = los->origin_y_mm - (p.y - h / 2.0) / (h / 2.0) * 150.0 * h / w;
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
	const dev_info *info = ses_device(a->eng);
	double hw = info->plate.width_mm / 2, hd = info->plate.depth_mm / 2;
	a->steer.x_mm = fmax(-hw, fmin(hw, a->steer.x_mm));
	a->steer.y_mm = fmax(-hd, fmin(hd, a->steer.y_mm));
}

static void change_level(app *a, int d)
{
	int l = a->start_level > 0 ? a->start_level : 1;
	l += d;
	a->start_level = l < 1 ? 1 : l > 10 ? 10 : l;
}

static void tare(app *a)
{
	if (ses_history_on_plate(a->hist)) {
		app_toast(a, "Tare needs an empty plate: ask the patient to step off, then press T.");
		return;
	}
	pl_tare_start(ses_pipeline(a->eng), (uint32_t)ses_device(a->eng)->rate_hz, 5.0);
	a->tare_pending = true;
	app_toast(a, "Taring: keep the plate empty and still for one second...");
}

/* Keys of one screen; true if the key was used. */
static bool screen_key(app *a, SDL_Keycode key)
{
	switch (a->screen) {
	case SCREEN_PLAY:
		if (key != SDLK_ESCAPE)
			return false;
		ses_play_abort(a->play);
		end_game(a, ses_state(a->eng, NULL) == SES_LOST ? STORE_DEVICE_LOST : STORE_ABORTED);
		return true;
	case SCREEN_RESULTS:
		if (key != SDLK_RETURN && key != SDLK_KP_ENTER && key != SDLK_ESCAPE && key != SDLK_SPACE)
			return false;
		leave_results(a);
		return true;
	case SCREEN_NO_PLATE:
		if (key != SDLK_r)
			return false;
		open_plate(a);
		return true;
	case SCREEN_LIVE:
		if (key >= SDLK_1 && key <= SDLK_9 && key - SDLK_1 < a->n_games) {
			start_game(a, a->games[key - SDLK_1]);
			return true;
		}
		if (key == SDLK_PLUS || key == SDLK_EQUALS || key == SDLK_KP_PLUS)
			change_level(a, +1);
		else if (key == SDLK_MINUS || key == SDLK_KP_MINUS)
			change_level(a, -1);
		else if (key == SDLK_e)
			export_report(a);
		else if (key == SDLK_t)
			tare(a);
		else
			return false;
		return true;
	}
	return false;
}

static void handle_key(app *a, const SDL_KeyboardEvent *k)
{
	SDL_Keycode key = k->keysym.sym;
	if (screen_key(a, key))
		return;
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
		if (a->eng && ses_can_steer(a->eng)) {
			a->steer.on_plate = !a->steer.on_plate;
			push_steer(a);
		}
		break;
	case SDLK_c:
		if (a->eng && ses_can_steer(a->eng)) {
			a->steer.active = false;
			a->steer.x_mm = a->steer.y_mm = 0;
			push_steer(a);
		}
		break;
	default:
		break;
	}
}

static bool click_button(app *a, SDL_FPoint p)
{
	for (int i = 0; i < a->n_buttons; i++) {
		if (!SDL_PointInFRect(&p, &a->buttons[i].r))
			continue;
		int act = a->buttons[i].action;
		if (act >= 0)
			start_game(a, a->games[act]);
		else
			change_level(a, act == ACT_LEVEL_UP ? +1 : -1);
		return true;
	}
	return false;
}

static void handle_mouse(app *a, const SDL_Event *e)
{
	bool steerable = a->eng && ses_can_steer(a->eng) && (a->screen == SCREEN_LIVE || a->screen == SCREEN_PLAY);
	double x, y;
	if (e->type == SDL_MOUSEBUTTONDOWN && e->button.button == SDL_BUTTON_LEFT) {
		if (a->screen == SCREEN_RESULTS) {
			leave_results(a);
			return;
		}
		if (a->screen == SCREEN_LIVE && click_button(a, (SDL_FPoint){(float)e->button.x, (float)e->button.y}))
			return;
		if (steerable && mouse_to_mm(a, e->button.x, e->button.y, &x, &y)) {
			a->mouse_steering = true;
			a->steer = (dev_steer){x, y, a->steer.on_plate, true};
			clamp_steer(a);
			push_steer(a);
		}
	} else if (e->type == SDL_MOUSEMOTION && a->mouse_steering && steerable) {
		if (mouse_to_mm(a, e->motion.x, e->motion.y, &x, &y)) {
			a->steer.x_mm = x;
			a->steer.y_mm = y;
			clamp_steer(a);
			push_steer(a);
		}
	} else if (e->type == SDL_MOUSEBUTTONUP && e->button.button == SDL_BUTTON_LEFT && a->mouse_steering) {
		a->mouse_steering = false;
		a->steer.active = false; /* let go: back to quiet stance */
		if (steerable)
			push_steer(a);
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
	case SDL_MOUSEBUTTONUP:
	case SDL_MOUSEMOTION:
		handle_mouse(a, e);
		break;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
			gfx_rescale(&a->g, e->window.data2);
			if (a->live_ready)
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
	if (!a->eng || !ses_can_steer(a->eng) || a->mouse_steering)
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

/* The game's turn of the frame: the simulated person plays (until the
 * user steers), and a finished game shows its results. */
static void update_game(app *a)
{
	if (a->screen != SCREEN_PLAY)
		return;
	if (ses_can_steer(a->eng) && !a->manual_steer) {
		dev_steer st = {.on_plate = a->steer.on_plate, .active = true};
		ses_game_intent_mm(ses_play_game(a->play), &st.x_mm, &st.y_mm);
		ses_steer(a->eng, &st);
	}
	if (ses_play_done(a->play))
		end_game(a, STORE_COMPLETE);
}

/* ---- drawing --------------------------------------------------------- */

/* The row of game buttons and the level chooser along the bottom. */
static void draw_game_buttons(app *a, float y, float h)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	SDL_Color white = {255, 255, 255, 255};
	float s = g->scale, x = 16 * s;
	gfx_label_draw(g, &a->lab_level, FONT_BODY, t->ink, x, y + (h - 24 * s) / 2, 0, "Games");
	x += 90 * s;
	for (int n = 0; n < a->n_games; n++) {
		button *b = &a->buttons[n];
		b->action = n;
		char text[48];
		snprintf(text, sizeof text, "%d  %s", n + 1, a->games[n]->name);
		gfx_label_draw(g, &b->lab, FONT_BODY, white, -1000, -1000, 0, "%s", text);
		b->r = (SDL_FRect){x, y, (float)b->lab.w + 28 * s, h};
		gfx_fill(g, b->r, t->accent);
		gfx_label_draw(g, &b->lab, FONT_BODY, white, x + 14 * s, y + (h - (float)b->lab.h) / 2, 0, "%s", text);
		x += b->r.w + 10 * s;
	}
	/* Level: − N + */
	x += 20 * s;
	button *minus = &a->buttons[a->n_games], *plus = &a->buttons[a->n_games + 1];
	minus->action = ACT_LEVEL_DOWN;
	plus->action = ACT_LEVEL_UP;
	minus->r = (SDL_FRect){x, y, h, h};
	gfx_fill(g, minus->r, t->ink_soft);
	gfx_label_draw(g, &minus->lab, FONT_TITLE, white, x + h / 2, y + 4 * s, 1, "−");
	x += h + 8 * s;
	if (a->start_level > 0)
		gfx_label_draw(g, &a->lab_levelv, FONT_BODY, t->ink, x, y + (h - 24 * s) / 2, 0, "level %d",
		               a->start_level);
	else
		gfx_label_draw(g, &a->lab_levelv, FONT_BODY, t->ink, x, y + (h - 24 * s) / 2, 0,
		               "level: where they left off");
	x += (float)a->lab_levelv.w + 8 * s;
	plus->r = (SDL_FRect){x, y, h, h};
	gfx_fill(g, plus->r, t->ink_soft);
	gfx_label_draw(g, &plus->lab, FONT_TITLE, white, x + h / 2, y + 4 * s, 1, "+");
	a->n_buttons = a->n_games + 2;
}

static void draw_header(app *a, int w)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, bar_h = 56 * s;
	gfx_fill(g, (SDL_FRect){0, 0, (float)w, bar_h}, t->panel);
	gfx_line(g, 0, bar_h, (float)w, bar_h, t->grid, 1);
	gfx_label_draw(g, &a->lab_title, FONT_TITLE, t->accent, 20 * s, 12 * s, 0, "Poise");
	const dev_info *d = ses_device(a->eng);
	bool sim = ses_simulated(a->eng);
	char who[96];
	if (a->have_patient)
		snprintf(who, sizeof who, "patient %s%s", a->patient.code, sim ? " · SIMULATED, stored as simulated" : "");
	else
		snprintf(who, sizeof who, "%s", a->fell_back ? "demo: no plate found, nothing measured or recorded"
		                                              : "demo, nothing recorded (--patient CODE)");
	gfx_label_draw(g, &a->lab_device, FONT_BODY, sim ? t->warn : t->ink_soft, 120 * s, 18 * s, 0, "%s%s%s · %s",
	               d->name, d->serial[0] ? " · " : "", d->serial, who);
	if (ses_history_on_plate(a->hist))
		gfx_label_draw(g, &a->lab_state, FONT_BODY, t->ok, (float)w - 20 * s, 18 * s, 2, "● On the plate");
	else
		gfx_label_draw(g, &a->lab_state, FONT_BODY, t->ink_soft, (float)w - 20 * s, 18 * s, 2, "○ Plate empty");
}

static void draw_live_screen(app *a, int w, int h)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	draw_header(a, w);
	float bar_h = 56 * s, btn_h = 44 * s, foot_h = 34 * s, pad = 16 * s;
	a->live_area = (SDL_FRect){pad, bar_h + pad, (float)w - 2 * pad, (float)h - bar_h - foot_h - btn_h - 3 * pad};
	ui_live_sync(&a->live);
	ui_live_layout(&a->live, a->live_area, &a->layout);
	ui_live_draw(&a->live, g, a->live_area, ses_rate_hz(a->eng));
	draw_game_buttons(a, (float)h - foot_h - btn_h - pad / 2, btn_h);
	char keys[320];
	snprintf(keys, sizeof keys, "%sT tare · 1–%d play · +/− level · E report · F11 full screen · F12 screenshot · Esc quit",
	         ses_can_steer(a->eng) ? "Lean: drag on the plate or arrow keys · C centre · S step off/on · " : "",
	         a->n_games);
	gfx_label_draw(g, &a->lab_hint, FONT_SMALL, t->ink_soft, pad, (float)h - foot_h + 8 * s, 0, "%s", keys);
}

/* No plate: why (a line per plate), and what to do. */
static void draw_no_plate(app *a, int w, int h)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, cx = (float)w / 2, y = (float)h * 0.22f;
	gfx_label_draw(g, &a->lab_np[0], FONT_TITLE, t->warn, cx, y, 1, "No force plate can be used");
	y += 64 * s;
	const char *line = strchr(a->plate_msg, '\n'); /* the first line repeats the title */
	for (int i = 1; line && i < (int)(sizeof a->lab_np / sizeof a->lab_np[0]); i++) {
		line++;
		const char *end = strchr(line, '\n');
		int len = end ? (int)(end - line) : (int)strlen(line);
		while (len > 0 && *line == ' ')
			line++, len--;
		gfx_label_draw(g, &a->lab_np[i], FONT_BODY, t->ink, cx, y, 1, "%.*s", len, line);
		y += 36 * s;
		line = end;
	}
	gfx_label_draw(g, &a->lab_hint, FONT_BODY, t->ink_soft, cx, y + 50 * s, 1, "R: look again · Esc: quit");
}

static void draw_banner(app *a, int w)
{
	int err = POISE_OK;
	enum ses_state st = a->eng ? ses_state(a->eng, &err) : SES_RUNNING;
	if (st != SES_LOST && st != SES_NO_DATA)
		return;
	gfx *g = &a->g;
	float s = g->scale, bar_h = 56 * s;
	char msg[320];
	const char *name = ses_device(a->eng)->name;
	if (st == SES_LOST)
		snprintf(msg, sizeof msg, "%s stopped: %s. Waiting for it: check the cable (everything so far is kept).",
		         name, poise_strerror(err));
	else
		snprintf(msg, sizeof msg, "No data from %s: it is connected but sends nothing. Check its power "
		         "(everything so far is kept).", name);
	gfx_fill(g, (SDL_FRect){0, bar_h, (float)w, 48 * s}, g->theme.warn);
	gfx_label_draw(g, &a->lab_banner, FONT_BODY, (SDL_Color){255, 255, 255, 255}, (float)w / 2, bar_h + 12 * s, 1,
	               "%s", msg);
}

static void draw_toast(app *a, int w, int h)
{
	if (!a->toast[0] || now_ticks() >= a->toast_until)
		return;
	gfx *g = &a->g;
	/* Above the live screen's buttons and the game's bottom edge. */
	float s = g->scale, bottom = (float)h - 120 * s;
	SDL_Color white = {255, 255, 255, 255};
	gfx_label_draw(g, &a->lab_toast, FONT_BODY, white, -1000, -1000, 0, "%s", a->toast);
	float tw = (float)a->lab_toast.w + 40 * s, th = (float)a->lab_toast.h + 20 * s;
	SDL_FRect box = {((float)w - tw) / 2, bottom - th, tw, th};
	gfx_fill(g, box, (SDL_Color){30, 34, 42, 235});
	gfx_label_draw(g, &a->lab_toast, FONT_BODY, white, (float)w / 2, box.y + 10 * s, 1, "%s", a->toast);
}

static void draw(app *a)
{
	int w, h;
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	gfx *g = &a->g;
	SDL_FRect all = {0, 0, (float)w, (float)h};
	int gi = game_index(a, a->view.ops);
	switch (a->screen) {
	case SCREEN_LIVE: /* the game screens paint every pixel themselves */
		gfx_fill(g, all, g->theme.bg);
		draw_live_screen(a, w, h);
		break;
	case SCREEN_NO_PLATE:
		gfx_fill(g, all, g->theme.bg);
		draw_no_plate(a, w, h);
		break;
	case SCREEN_PLAY:
		ui_play_draw(&a->view, g, all, ses_play_game(a->play), plate_problem(a));
		break;
	case SCREEN_RESULTS:
		if (a->have_patient)
			ui_results_draw(&a->view, g, all, &a->result, a->result_aborted, a->plan.prev, a->plan.n_prev,
			                ses_simulated(a->eng));
		else
			ui_results_draw(&a->view, g, all, &a->result, a->result_aborted,
			                gi >= 0 ? &a->history[gi * HISTORY] : NULL, gi >= 0 ? a->n_history[gi] : 0,
			                ses_simulated(a->eng));
		break;
	}
	draw_banner(a, w);
	draw_toast(a, w, h);
}

/* ---- start, the frame loop, the end ---------------------------------- */

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

/* The game menu, sized by the build's list of games. */
static int make_menu(app *a)
{
	a->games = game_list();
	while (a->games[a->n_games])
		a->n_games++;
	a->buttons = calloc((size_t)a->n_games + 2, sizeof *a->buttons);
	a->history = calloc((size_t)a->n_games * HISTORY, sizeof *a->history);
	a->n_history = calloc((size_t)a->n_games, sizeof *a->n_history);
	return a->buttons && a->history && a->n_history ? POISE_OK : POISE_E_NOMEM;
}

static void app_cleanup(app *a)
{
	if (a->play) { /* quitting in the middle of a game: it is kept, aborted */
		ses_play_result r;
		ses_detach(a->eng, ses_play_consumer(a->play));
		ses_play_finish(a->play, STORE_ABORTED, &r);
		ses_play_destroy(a->play);
		ui_play_free(&a->view);
	}
	close_plate(a);
	if (a->session_id)
		store_session_end(a->db, a->session_id);
	gfx_label *labs[] = {&a->lab_title, &a->lab_device, &a->lab_hint, &a->lab_toast, &a->lab_banner,
	                     &a->lab_state, &a->lab_level, &a->lab_levelv};
	for (size_t i = 0; i < sizeof labs / sizeof labs[0]; i++)
		gfx_label_free(labs[i]);
	for (size_t i = 0; i < sizeof a->lab_np / sizeof a->lab_np[0]; i++)
		gfx_label_free(&a->lab_np[i]);
	for (int i = 0; a->buttons && i < a->n_games + 2; i++)
		gfx_label_free(&a->buttons[i].lab);
	free(a->buttons);
	free(a->history);
	free(a->n_history);
	ui_play_free(&a->view);
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

/* SDL, the font engine and (if there is one) sound. */
static int start_sdl(app *a, char *msg, size_t msg_len)
{
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
		return POISE_E_UNSUPPORTED;
	}
	/* With no display at all SDL may fall back to an invisible driver;
	 * a window nobody can see is worse than a clear message. */
	const char *drv = SDL_GetCurrentVideoDriver();
	const char *asked = getenv("SDL_VIDEODRIVER");
	if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) && !(asked && *asked)) {
		snprintf(msg, msg_len,
		         "cannot open a window: no display found (neither X11 nor Wayland). Poise needs "
		         "a desktop session; without a screen, try: xvfb-run -a build/default/src/poise");
		return POISE_E_UNSUPPORTED;
	}
	if (TTF_Init() != 0) {
		snprintf(msg, msg_len, "cannot start the font engine: %s", TTF_GetError());
		return POISE_E_UNSUPPORTED;
	}
	/* Sound is a bonus: without an audio device the app plays silently.
	 * With no sound card at all, skip ALSA (it would fill the terminal
	 * with complaints) and try only the sound servers. */
	if (!getenv("SDL_AUDIODRIVER") && access("/dev/snd", F_OK) != 0)
		SDL_SetHint(SDL_HINT_AUDIODRIVER, "pulseaudio,pipewire,dummy");
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0)
		a->snd = audio_open();
	return POISE_OK;
}

static int open_window(app *a, char *msg, size_t msg_len)
{
	int w = a->cfg.width > 0 ? a->cfg.width : 1280, h = a->cfg.height > 0 ? a->cfg.height : 720;
	a->win = SDL_CreateWindow("Poise", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
	                          SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
	                              (a->cfg.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
	if (!a->win) {
		snprintf(msg, msg_len, "cannot open a window: %s", SDL_GetError());
		return POISE_E_UNSUPPORTED;
	}
	SDL_SetWindowMinimumSize(a->win, 800, 500);
	a->ren = SDL_CreateRenderer(a->win, -1, 0);
	if (!a->ren) {
		snprintf(msg, msg_len, "cannot create a renderer: %s", SDL_GetError());
		return POISE_E_UNSUPPORTED;
	}
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	if (gfx_init(&a->g, a->ren, h, msg, msg_len) != POISE_OK)
		return POISE_E_NOT_FOUND;
	a->gfx_ready = true;
	return POISE_OK;
}

/* The t_us of the newest sample the frame is drawn from (0: none yet). */
static mono_us newest_sample_us(const app *a)
{
	return a->hist && ses_history_count(a->hist) ? ses_history_at(a->hist, 0)->t_us : 0;
}

/* Presents the frame and books it (ui/frame.h). */
static void frame_end(app *a)
{
	mono_us p0 = dev_now_us();
	SDL_RenderPresent(a->ren);
	ui_frames_end(&a->frames, p0, newest_sample_us(a));
}

/* The frame loop. Each frame waits until as late as its work allows
 * (ui_frames_wait), then takes the events and the ring's newest samples,
 * draws and presents by its deadline. */
static void run_frames(app *a)
{
	Uint64 start = now_ticks(), last = start;
	if (a->cfg.play)
		start_game(a, a->cfg.play);
	while (!a->quit) {
		ui_frames_wait(&a->frames, newest_sample_us(a), a->eng ? ses_sample_rate_hz(a->eng) : 0);
		ui_frames_begin(&a->frames);
		SDL_Event e;
		while (SDL_PollEvent(&e))
			handle_event(a, &e);
		Uint64 t = now_ticks();
		steer_keys(a, ticks_to_s(t - last));
		last = t;
		pump_session(a);
		update_game(a);
		draw(a);
		if (a->cfg.quit_after_s > 0 && ticks_to_s(now_ticks() - start) >= a->cfg.quit_after_s) {
			if (a->cfg.screenshot)
				take_screenshot(a, a->cfg.screenshot);
			a->quit = true;
		}
		frame_end(a);
	}
}

/* The display's refresh rate (60 when it does not say). */
static double refresh_hz(app *a)
{
	SDL_DisplayMode mode;
	return SDL_GetWindowDisplayMode(a->win, &mode) == 0 && mode.refresh_rate > 0 ? mode.refresh_rate : 60;
}

int app_run(const app_cfg *cfg, char *msg, size_t msg_len)
{
	app *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(msg, msg_len, "out of memory");
		return 1;
	}
	a->cfg = *cfg;
	a->screen = SCREEN_LIVE;
	int code = 1;
	if (start_sdl(a, msg, msg_len) != POISE_OK)
		goto out;
	if (make_menu(a) != POISE_OK) {
		snprintf(msg, msg_len, "out of memory");
		goto out;
	}
	if (cfg->patient && open_patient(a, msg, msg_len) != POISE_OK)
		goto out;
	a->start_level = a->have_patient ? 0 : 1; /* a patient: their plan's level */
	if (open_window(a, msg, msg_len) != POISE_OK)
		goto out;
	if (!ui_frames_init(&a->frames, refresh_hz(a), cfg->frame_log, msg, msg_len))
		goto out;
	open_plate(a);
	run_frames(a);
	code = 0;
	if (cfg->frame_stats) {
		int w, h;
		SDL_GetRendererOutputSize(a->ren, &w, &h);
		ui_frames_report(&a->frames, stderr, w, h);
	}
out:
	ui_frames_free(&a->frames);
	app_cleanup(a);
	free(a);
	return code;
}
