/* Poise: a game on the session's road. A consumer that turns each COP
 * sample into the game's input and advances the game by one sample period,
 * so game time is sample time: the same samples give the same game in the
 * window, headless, and when a stored trial is replayed.
 *
 * Per sample: the game cursor's One Euro filter (its own, restarted at the
 * first sample, after a gap and whenever the COP is undefined, so a replay
 * from the stored samples sees exactly what the player saw) → the runner
 * (centre finding, pauses off the plate, fixed ticks, staircase) → the
 * game's events, in order, to the event hook with the sample's time (the
 * trial writer, sounds) → the sample's COP into "sway while playing".
 *
 * Sway while playing, the one definition (results screen, JSON, stored
 * metrics): the recorded (not display-filtered) COP of the samples on
 * which the game was playing — after the "stand still" centre finding,
 * with the patient on the plate and the COP defined, not paused.
 *
 * Main thread. Allocates at create only.
 */
#ifndef POISE_SESSION_GAME_H
#define POISE_SESSION_GAME_H

#include <stdbool.h>
#include <stddef.h>

#include "core/metrics.h"
#include "core/pipeline.h"
#include "games/game.h"
#include "games/runner.h"
#include "session/engine.h"

typedef struct ses_game ses_game;

/* Called with every game event, in order, at the host time of the sample
 * that produced it. A non-zero return (a POISE_E_* code) stops the game's
 * consumer with that error. */
typedef int (*ses_game_event_fn)(void *ctx, mono_us t_us, const game_event *e);

typedef struct ses_game_cfg {
	const struct game_ops *ops;
	game_cfg game;               /* start level, seed, playing time, LOS range */
	grun_cfg run;                /* staircase, the patient's LOS, settle time */
	double rate_hz;              /* sample rate: a sample advances 1/rate_hz */
	double cursor_min_cutoff_hz; /* the cursor's One Euro filter */
	double cursor_beta;
	ses_game_event_fn on_event;  /* may be NULL */
	void *ctx;
	/* The single-task reference for the dual-task cost (the mean score and
	 * sway mean velocity of single-task plays of the same game, level and
	 * motor condition: train_plan_reference); NAN: none, no cost. */
	double ref_score, ref_sway_mm_s;
	/* The progression ladder this play is on (core/cond.h; "" none) and its
	 * rung: kept with the trial, so the next plan knows where it was. */
	char ladder[128];
	int rung;
} ses_game_cfg;

/* Called with every sample's game cursor (LOS units, after the cursor
 * filter; NAN when the COP is undefined) and whether the game is playing:
 * the sonification follows the COP sample by sample. */
typedef void (*ses_game_cursor_fn)(void *ctx, double x, double y, bool playing);

/* Defaults around ops: level 1, seed 0, the game's own playing time, the
 * whole LOS, grun_cfg_default(), the cursor at PL_GAME_MIN_CUTOFF_HZ and
 * PL_GAME_BETA. */
void ses_game_cfg_default(ses_game_cfg *cfg, const struct game_ops *ops, double rate_hz);

/* Creates the game (ops->create through the runner). *out owns it;
 * untouched on failure (POISE_E_INVALID for bad settings, POISE_E_NOMEM). */
int ses_game_create(ses_game **out, const ses_game_cfg *cfg);

/* Frees g; it must not be attached. NULL is fine. */
void ses_game_destroy(ses_game *g);

/* The consumer to attach to an engine (or to feed by hand, as a replay
 * does: ses_game_consumer(g)->ops->sample(...)). Its sample() returns
 * POISE_E_OVERFLOW if the game's event queue overflowed, or the event
 * hook's error. */
ses_consumer *ses_game_consumer(ses_game *g);

/* True once the playing time is over, or after ses_game_abort(). Samples
 * after that are ignored. */
bool ses_game_done(const ses_game *g);

/* Ends the game now (the therapist stopped it); the result counts what was
 * played. */
void ses_game_abort(ses_game *g);

bool ses_game_aborted(const ses_game *g);

/* The runner (phase, pause, the game's state), for drawing. */
const grun *ses_game_runner(const ses_game *g);

/* The fraction of a game tick left over after the newest sample (0..1),
 * for interpolated drawing. */
double ses_game_alpha(const ses_game *g);

/* Samples seen, and of those the ones that count as sway while playing. */
size_t ses_game_samples(const ses_game *g);
size_t ses_game_sway_samples(const ses_game *g);

/* Sets the hook told of every sample's cursor (NULL: none). */
void ses_game_set_cursor_hook(ses_game *g, ses_game_cursor_fn fn, void *ctx);

/* The therapist's key during an aloud cognitive task (game_cog_mark): the
 * open prompt answered right or wrong. Only while playing (not settling,
 * not paused); its event reaches the hook with the next sample. False if
 * nothing was marked. */
bool ses_game_cog_mark(ses_game *g, bool correct);

/* Where a competent player would aim now, plate mm (the sim's intent). */
void ses_game_intent_mm(const ses_game *g, double *x_mm, double *y_mm);

/* The result so far (final once done) and the sway while playing:
 * *have_sway false (sway untouched) with less than 3 s of it. Either
 * pointer may be NULL. The sway is computed once, when first asked after
 * the game is done. With a single-task reference (ref_score,
 * ref_sway_mm_s) and a dual task, the result's dual_task_cost_pct and
 * dual_task_cost_sway_pct are filled (game_dual_task_cost_pct). */
void ses_game_result(ses_game *g, game_result *r, met_static *sway, bool *have_sway);

#endif
