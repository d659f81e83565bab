/* Poise: the play and results screens of the app: one game from the
 * "stand still" start to the results with the comparison to earlier
 * plays. Fed with pipeline samples; draws the game, a heads-up display a
 * patient can read from two metres (no reading needed to play), a pause
 * veil when the patient steps off, and sound cues.
 */
#ifndef POISE_UI_PLAY_H
#define POISE_UI_PLAY_H

#include <stdbool.h>

#include "core/metrics.h"
#include "core/pipeline.h"
#include "games/runner.h"
#include "ui/audio.h"
#include "ui/gfx.h"

typedef struct ui_play {
	grun *run;
	const struct game_ops *ops;
	audio *snd;              /* not owned; may be NULL */
	enum sound_palette pal;
	double alpha;
	bool done;               /* finished or ended early */
	bool aborted;            /* ended early (Esc) */
	game_result result;
	bool have_sway;
	met_static sway;         /* sway of the COP recorded while playing */
	double *t, *x, *y;       /* that COP */
	size_t n, cap;
	gfx_label lab[40];
	game_event ev[64];       /* events since the last ui_play_pop_event */
	unsigned n_ev;
	mono_us last_t_us;       /* host time of the newest sample */
} ui_play;

/* Sets up a game. Returns POISE_OK or an error (nothing to free then). */
int ui_play_start(ui_play *p, const struct game_ops *ops, const game_cfg *cfg,
                  const grun_cfg *rcfg, audio *snd, double sample_rate_hz);

/* One pipeline sample (the display-filtered COP drives the cursor; the
 * recorded COP goes into the sway metrics). */
void ui_play_sample(ui_play *p, const cop_sample *s);

/* The plate went away: the game pauses as if the patient stepped off. */
void ui_play_device_lost(ui_play *p);

/* Advances by dt_s of real time; plays sounds for the game's events. */
void ui_play_update(ui_play *p, double dt_s);

/* Takes the oldest game event of the last update (for the trial log);
 * false if none. */
bool ui_play_pop_event(ui_play *p, game_event *out);

/* Ends the game now (the therapist pressed Esc); the result counts what
 * was played. */
void ui_play_abort(ui_play *p);

/* Where the simulated player should aim (plate mm). */
void ui_play_intent(const ui_play *p, double *x_mm, double *y_mm);

void ui_play_draw(ui_play *p, gfx *g, SDL_FRect area);

/* The results screen. previous: earlier results of the same game for
 * this patient, newest first (n_prev may be 0). */
void ui_results_draw(ui_play *p, gfx *g, SDL_FRect area, const game_result *previous, int n_prev);

void ui_play_free(ui_play *p);

#endif
