/* Poise: the play and results screens of the app: one game from the
 * "stand still" start to the results with the comparison to earlier
 * plays. Draws what the session's game consumer (session/game.h) holds:
 * the game, a heads-up display a patient can read from two metres (no
 * reading needed to play), a pause panel when the patient steps off or
 * the plate is lost, and plays the game's sounds as its events come.
 * Keeps no game state of its own: only cached labels and the sound set.
 */
#ifndef POISE_UI_PLAY_H
#define POISE_UI_PLAY_H

#include <stdbool.h>

#include "core/metrics.h"
#include "games/game.h"
#include "session/game.h"
#include "session/play.h"
#include "ui/audio.h"
#include "ui/gfx.h"

typedef struct ui_play {
	const struct game_ops *ops;
	audio *snd;              /* not owned; may be NULL */
	enum sound_palette pal;
	gfx_label lab[60];
} ui_play;

/* Prepares the screens for a game of ops (no allocation). */
void ui_play_init(ui_play *p, const struct game_ops *ops, audio *snd);

/* Frees the cached labels. */
void ui_play_free(ui_play *p);

/* One game event: its sound (from the game's event hook). */
void ui_play_event(ui_play *p, const game_event *e);

/* The game ended: its closing sound. */
void ui_play_finished(ui_play *p);

/* The play screen. plate_lost: the plate is gone or sends nothing (the
 * game waits: drawn as paused, with why). */
void ui_play_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_game *sg, const char *plate_lost);

/* The results screen. previous: earlier results of the same game for this
 * patient, newest first (n_prev may be 0); simulated: the plate was the
 * simulated one (said on the screen). */
void ui_results_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_play_result *r, bool aborted,
                     const game_result *previous, int n_prev, bool simulated);

#endif
