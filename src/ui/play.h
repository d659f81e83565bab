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
	const ses_game *bound;   /* ui_play_bind's game: sound per sample */
	gfx_label lab[80];
} ui_play;

/* Prepares the screens for a game of ops (no allocation). */
void ui_play_init(ui_play *p, const struct game_ops *ops, audio *snd);

/* Frees the cached labels; the COP's sound stops. */
void ui_play_free(ui_play *p);

/* Binds the screen to the play it shows, so the sonified COP (eyes-closed
 * play, --audio-feedback) follows every sample rather than every frame.
 * The app calls it right after ui_play_init() for a game with audio
 * feedback (any game is fine: without it nothing sounds). The hook lives
 * in the play's game: it goes with ses_play_destroy(); ui_play_finished()
 * (called when the game ends) silences the sound and forgets the play. */
void ui_play_bind(ui_play *p, ses_play *play);

/* One game event: its sound (from the game's event hook). */
void ui_play_event(ui_play *p, const game_event *e);

/* The game began (the centre is found): its opening sound. */
void ui_play_started(ui_play *p);

/* The game ended: its closing sound (the COP's sound stops). */
void ui_play_finished(ui_play *p);

/* The play screen. For the game's conditions it also draws the moving
 * scene, the thinking task's prompt (with the expected answer small, for
 * the therapist), the head-turn cue and the eyes-closed banner, and sounds
 * the COP once a frame if ui_play_bind was not called. plate_lost: the plate is gone or sends nothing (the
 * game waits: drawn as paused, with why). */
void ui_play_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_game *sg, const char *plate_lost);

/* The results screen. previous: earlier results of the same game for this
 * patient, newest first (n_prev may be 0); simulated: the plate was the
 * simulated one (said on the screen). */
void ui_results_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_play_result *r, bool aborted,
                     const game_result *previous, int n_prev, bool simulated);

#endif
