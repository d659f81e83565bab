/* Poise: the SDL2 application shell: the window, the frame loop and the
 * screens (live view, game, results, "no plate"). Samples reach it only
 * through the session engine (session/engine.h): the app attaches the live
 * history and, while a game runs, the game's consumer, and pumps the
 * engine once per frame. Called from main() for the GUI and by `poise
 * play` without --headless.
 *
 * Ownership: app_run() owns everything it opens (window, plate, database)
 * and closes it before returning; cfg and its strings are the caller's and
 * must outlive the call.
 */
#ifndef POISE_UI_APP_H
#define POISE_UI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device/device.h"
#include "core/cond.h"
#include "games/game.h"
#include "session/play.h"

/* What `poise play` gets back from a game played in the window. */
typedef struct app_play_outcome {
	bool played;         /* a game ran (to the end or ended early) */
	bool simulated;      /* on the simulated plate */
	ses_play_result r;   /* its result, sway while playing, trial id, status */
} app_play_outcome;

/* What a script sees of the app once per frame, and may answer: tests and
 * demos drive the app with it (they push SDL events themselves with
 * SDL_PushEvent). */
typedef struct app_script_io {
	const char *screen;   /* the top screen's name: "patients", "check", "home"... */
	const char *state;    /* the screen's own state, if it says one ("step-off",
	                       * "ready", "settle", "play", "paused"...), else "" */
	double t_s;           /* since the app started */
	bool confirm_open;    /* a yes/no question is open */
	bool steer_set;       /* out: lean the simulated person to steer */
	dev_steer steer;
	const char *screenshot; /* out: save this frame as a PNG here (NULL: no) */
} app_script_io;

/* Called once per frame before the events are handled; returns true to
 * quit. */
typedef bool (*app_script_fn)(void *ctx, app_script_io *io);

typedef struct app_cfg {
	const char *device;     /* device spec ("auto", "sim", "usb", ...); NULL: the station's
	                         * setting "device" (Settings), "auto" without one */
	const char *db;         /* --db PATH; NULL = store_default_path() */
	bool fullscreen;
	int width, height;      /* window size; 0 = 1280 × 720 */
	uint64_t seed;          /* simulated plate's seed, and the games' */
	const char *screenshot; /* save a PNG here when quitting after quit_after_s */
	double quit_after_s;    /* > 0: quit by itself after this long (demos, tests) */
	bool frame_stats;       /* print frame-time percentiles to stderr at exit */
	const char *frame_log;  /* for the benchmark: a line per frame to this file
	                         * (ui/frame.h: when it was presented, the newest
	                         * sample it showed, what it cost); NULL = none */
	bool live;                   /* open on the live view, over the patient's home (or a
	                              * demo's home without a patient, as F5) */
	const struct game_ops *play; /* start straight into this game, quit after */
	int play_level;              /* > 0: its start level instead of the plan's */
	double play_seconds;         /* > 0: its playing time instead of the plan's */
	const char *patient;         /* the patient (code): games are recorded for them and E
	                              * exports their report; NULL = a demo, nothing recorded */
	const char *operator_name;
	app_play_outcome *outcome;   /* filled when play is set (caller's) */
	app_script_fn script;        /* tests and demos: see app_script_io; NULL */
	void *script_ctx;
	/* `poise play`'s training conditions (NULL: the plan's): applied with
	 * train_plan_set_cond() + train_plan_reference() to the plan of `play`. */
	const cond_set *play_cond;
	double sim_error_rate;       /* dev_open_cfg.answer_error_rate of the sim */
} app_cfg;

/* Runs the GUI until the user quits. Opens on the patient list, or the
 * patient's home with cfg->patient, or the live view over either with
 * cfg->live, or straight into cfg->play. Returns a
 * process exit code: 0, or 1 with a sentence for people in msg (no
 * display, no font, no such patient, no database...). */
int app_run(const app_cfg *cfg, char *msg, size_t msg_len);

#endif
