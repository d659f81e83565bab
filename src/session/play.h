/* Poise: one game played for the app and `poise play`, on the session's
 * road. A consumer made of the game (session/game.h) and, for a patient,
 * the trial writer: each sample is written, then drives the game; each game
 * event goes, in order, to the trial log (the one queue from the game to
 * the store) and to the caller's hook (sounds); when the game ends, so does
 * the trial, at that very sample. The trial's parameters carry what a
 * replay needs (session/training.h), its metrics the game's results and
 * the sway while playing, computed once, here, for the results screen,
 * the JSON and the database alike.
 *
 * A failure to write (disk full) stops the recording, not the game: the
 * game plays on, ses_play_record_error() says so, and the trial keeps what
 * was written, marked aborted.
 *
 * Main thread. Allocates at create only.
 */
#ifndef POISE_SESSION_PLAY_H
#define POISE_SESSION_PLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/metrics.h"
#include "session/engine.h"
#include "session/game.h"
#include "store/store.h"

typedef struct ses_play ses_play;

typedef struct ses_play_cfg {
	ses_game_cfg game;       /* the game; its on_event is the play's own:
	                          * set on_event/ctx below instead */
	ses_game_event_fn on_event; /* also told of every event (may be NULL) */
	void *ctx;
	/* Recording: db NULL plays without recording. */
	store *db;               /* a writing open, not owned */
	int64_t session_id;      /* the sitting (train_sitting_begin) */
	bool prescribed;         /* the levels came from a prescription */
} ses_play_cfg;

/* How a game ended. */
typedef struct ses_play_result {
	game_result result;
	met_static sway;         /* sway while playing (session/game.h) */
	bool have_sway;
	int64_t trial_id;        /* 0: not recorded */
	enum store_status status;
} ses_play_result;

/* Creates the game and (with db) the writer. *out owns both; untouched on
 * failure (POISE_E_INVALID, POISE_E_NOMEM, a store error with
 * store_errmsg()). */
int ses_play_create(ses_play **out, const ses_play_cfg *cfg);

/* Frees p; a trial still open ends as aborted. It must not be attached.
 * NULL is fine. */
void ses_play_destroy(ses_play *p);

/* The consumer to attach to the engine. */
ses_consumer *ses_play_consumer(ses_play *p);

/* The game, for drawing and the sim's intent. */
ses_game *ses_play_game(ses_play *p);

/* True once the game is over (its time is up, it was aborted, or its
 * consumer failed: then ses_play_consumer(p)->err says why). */
bool ses_play_done(const ses_play *p);

/* Ends the game now (Esc). */
void ses_play_abort(ses_play *p);

/* Attaches the play's consumer to e and sets the pipeline's presence
 * detection for the game's stance (cond_presence: seated, lifting off the
 * seat is "stepped off"). The app and `poise play` call this instead of
 * ses_attach(e, ses_play_consumer(p)); ses_play_detach undoes both. */
int ses_play_attach(ses_play *p, ses_engine *e);
void ses_play_detach(ses_play *p, ses_engine *e);

/* The therapist's key during an aloud cognitive task (counting back,
 * sums or categories said aloud): the open prompt was answered right
 * (correct: its response time counts) or wrong. Stored as an "answer"
 * event of the trial and replayed from it. False if no aloud prompt is
 * open and unanswered (or the game is not playing). Main thread, between
 * pumps of the engine. */
bool ses_play_cog_mark(ses_play *p, bool correct);

/* The simulated person's turn (call after each pump while they play):
 * steers them where the game's intent says, or to the answer they chose
 * among a dual task's targets (ses_answer: right at the sim's error rate),
 * in the game's stance, surface and vision; and answers an aloud prompt
 * SES_PLAY_SIM_ANSWER_S after it appeared, as the therapist would mark
 * it. on_plate: whether they stand (sit) on the plate. No-op unless the
 * plate is the simulated one. */
void ses_play_sim_turn(ses_play *p, ses_engine *e, bool on_plate);

#define SES_PLAY_SIM_ANSWER_S 1.5

/* POISE_OK while recording works (or nothing is recorded); else the error
 * that stopped the recording (the database's message says more). */
int ses_play_record_error(const ses_play *p);

/* True if a trial is being (or was) recorded. */
bool ses_play_recording(const ses_play *p);

/* Ends the game (if not yet) and the trial with status (complete,
 * aborted, device-lost...), storing the game's results and the sway while
 * playing with it; fills *out. Call once. Returns POISE_OK, or the store's
 * error (the result is filled all the same). */
int ses_play_finish(ses_play *p, enum store_status status, ses_play_result *out);

#endif
