/* Poise: the SDL2 application shell: window, event loop, device and
 * pipeline wiring, the screens. Called from main() for the GUI.
 */
#ifndef POISE_UI_APP_H
#define POISE_UI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"
#include "games/game.h"

/* What `poise play` gets back from a game played in the window. */
typedef struct app_play_outcome {
	bool played;         /* a game ran (to the end or ended early) */
	bool aborted;
	game_result result;
	bool have_sway;
	met_static sway;
} app_play_outcome;

typedef struct app_cfg {
	const char *device;     /* device spec ("auto", "sim", "usb", ...) */
	const char *db;         /* --db PATH; NULL = store_default_path() */
	bool fullscreen;
	int width, height;      /* window size; 0 = 1280 × 720 */
	uint64_t seed;          /* simulated plate's seed */
	const char *screenshot; /* save a PNG here when quitting after quit_after_s */
	double quit_after_s;    /* > 0: quit by itself after this long (demos, tests) */
	bool frame_stats;       /* print frame-time percentiles to stderr at exit */
	const struct game_ops *play; /* start straight into this game, quit after */
	game_cfg play_cfg;
	bool play_level_set;         /* play_cfg.level overrides the patient's plan */
	const char *patient;         /* the patient (code): games are recorded for them and E
	                              * exports their report; NULL = a demo, nothing recorded */
	const char *operator_name;
	app_play_outcome *outcome;   /* filled when play is set */
} app_cfg;

/* Runs the GUI until the user quits. Returns a process exit code: 0, or 1
 * with a sentence for people in msg (no display, no font, ...). */
int app_run(const app_cfg *cfg, char *msg, size_t msg_len);

#endif
