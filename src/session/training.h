/* Poise: games meet the patient's record. Reads the therapist's
 * prescription and the patient's earlier plays to set up a game (level
 * range, adaptive or not, LOS working range, playing time, and the level
 * they reached last time); writes and reads back what a stored game trial
 * needs to be replayed exactly; names game events for the trial log; and
 * stores a game's results beside its sway while playing.
 *
 * Trial kind "game:<id>"; result metric names are the game-result
 * catalogue's keys (game_result_fields()), the same as `poise play --json`.
 * Callers: ses_play (recording), ses_replay, the app and `poise play`.
 */
#ifndef POISE_SESSION_TRAINING_H
#define POISE_SESSION_TRAINING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device/device.h"
#include "games/game.h"
#include "session/game.h"
#include "store/store.h"

#define TRAIN_HISTORY 10

/* The version of the replay information in a game trial's parameters
 * ("replay": N). Trials without it (recorded before Poise 0.2) cannot be
 * replayed. Version 2 adds the trial's conditions (stance, surface, scene,
 * head turns, sound, dual task), the ladder rung and the single-task
 * reference of the dual-task cost; version-1 trials (plain conditions)
 * still replay. */
#define TRAIN_REPLAY_VERSION 2
#define TRAIN_LADDER_LEN 128

/* Where a plan's game space (train_plan.los) came from. */
enum train_los_source {
	TRAIN_LOS_HEIGHT = 0, /* the height-based default (los_default()) */
	TRAIN_LOS_MEASURED,   /* the patient's latest complete LOS test */
};

/* "height", "measured"; static. */
const char *train_los_source_name(enum train_los_source s);

/* The smallest limit a game space takes from a measured LOS (mm): a
 * direction measured below it is raised to it, so a game stays playable. */
#define TRAIN_LOS_MIN_MM 10.0

typedef struct train_plan {
	game_cfg game;          /* level (start), playing time, LOS range; seed not set */
	stair_cfg stair;        /* the prescription's range and adaptivity */
	los_model los;          /* the patient's game space: their latest
	                         * complete LOS test, else from their height
	                         * (1.70 m when unknown) */
	enum train_los_source los_source;
	int64_t los_trial_id;   /* the LOS test's trial (measured), else 0 */
	bool prescribed;        /* false: defaults (levels 1–10, adaptive) */
	int n_prev;             /* earlier plays of this game, newest first */
	game_result prev[TRAIN_HISTORY];
	int64_t prev_trial[TRAIN_HISTORY]; /* their trial ids */
	/* The conditions (the prescription's options, at the ladder's rung). */
	cond_set cond;
	char ladder[TRAIN_LADDER_LEN]; /* the prescribed ladder ("" none: core/cond.h) */
	int rung;               /* the rung played now (0: the prescription's own) */
	bool rung_changed;      /* the last play mastered the range: this game
	                         * starts the next rung at the lowest level */
	/* The single-task reference of the dual-task cost (NAN: none). */
	double ref_score, ref_sway_mm_s;
	int n_ref;              /* plays it averages */
} train_plan;

/* The plan without a patient: levels 1–10, adaptive, the whole LOS of a
 * 1.70 m person, the game's own playing time, start at level 1. */
void train_plan_default(const struct game_ops *ops, train_plan *out);

/* Fills *out for patient p and game ops: the prescription (or the
 * defaults), the patient's game space, and the results of the
 * latest plays on the same kind of plate (simulated: plays on the
 * simulated plate; else plays on real plates, so a demonstration never
 * moves a patient's progression); the start level is where the last of
 * those plays ended, kept inside the prescribed range. The game space is
 * the per-direction limits (los_limit_<dir>_mm) of the patient's latest
 * complete LOS test on the same kind of plate (a test:los summary of
 * `poise assess los`, or an older trial of kind los holding the eight
 * limits), each at least TRAIN_LOS_MIN_MM; without one, the height
 * default; los_source says which. POISE_OK or a store error. */
int train_plan_load(store *s, const store_patient *p, const struct game_ops *ops, bool simulated,
                    train_plan *out);

/* Sets the plan's conditions (the command line's or the screen's choice
 * instead of the prescription's): the ladder's rung no longer applies. */
void train_plan_set_cond(train_plan *plan, const cond_set *c);

/* The single-task reference for a dual-task play of the plan: the mean
 * score and sway mean velocity of the patient's (up to TRAIN_HISTORY
 * newest) complete plays of the same game at the same start level, in the
 * same motor condition (cond_same_motor) without a dual task, on the same
 * kind of plate. Sets plan->ref_* (NAN, n_ref 0 if none or no dual task).
 * train_plan_load calls it; call it again after changing the plan's level
 * or conditions. POISE_OK or a store error. */
int train_plan_reference(store *s, const store_patient *p, const struct game_ops *ops, bool simulated,
                         train_plan *plan);

/* A prescription's options (store_prescription.options_json): conditions
 * and ladder, read into *c and ladder (missing keys: the plain condition,
 * no ladder). POISE_E_PARSE with msg for a damaged or unknown value. */
int train_options_read(store *s, const char *options_json, cond_set *c, char *ladder, size_t ladder_len,
                       char *msg, size_t msg_len);

/* The options JSON of a prescription from conditions and a ladder (NULL
 * or "" for none). POISE_E_RANGE if buf is too small. */
int train_options_json(const cond_set *c, const char *ladder, char *buf, size_t len);

/* The game's set-up from a plan: level, playing time, LOS range and model,
 * staircase; seed 0 (the caller sets it), sample rate rate_hz. */
void train_game_cfg(const train_plan *plan, const struct game_ops *ops, double rate_hz, ses_game_cfg *out);

/* The trial kind of a game: "game:<id>". */
void train_kind(const struct game_ops *ops, char *buf, size_t len);

/* The game of a trial kind "game:<id>", or NULL. */
const struct game_ops *train_game_of_kind(const char *kind);

/* A game trial's parameters as a JSON object: what was prescribed, and
 * all that a replay needs to run the game again exactly (version, seed,
 * start level, staircase, LOS range and the patient's LOS model, settle
 * time, sample rate, the cursor filter), numbers written so they read back
 * bit for bit. POISE_E_RANGE if buf is too small. */
int train_params_json(const ses_game_cfg *gc, bool prescribed, char *buf, size_t len);

/* Reads a stored game trial's parameters back into *out (ops from the
 * trial's kind; on_event NULL). POISE_E_UNSUPPORTED for a trial recorded
 * without replay information, POISE_E_PARSE for damaged parameters,
 * POISE_E_NOT_FOUND for no such trial; msg then says which. */
int train_params_read(store *s, int64_t trial_id, ses_game_cfg *out, char *msg, size_t msg_len);

/* The trial-log form of a game event: kind ("target", "hit", "miss",
 * "level", "pause", "resume") and detail (JSON). */
const char *train_event_kind(int game_event_kind);
void train_event_detail(const game_event *e, char *buf, size_t len);

/* The conditions of a stored game trial (plain for a version-1 trial or
 * another kind); POISE_OK or a store error. */
int train_trial_cond(store *s, int64_t trial_id, cond_set *out);

/* Stores r as metrics of trial_id (fields that apply to the game). */
int train_store_result(store *s, int64_t trial_id, const game_result *r);

/* A stored trial's metrics back into a game result (fields not stored are
 * NAN, or 0 for counts). */
void train_result_from_metrics(const store_metric *m, size_t n, game_result *r);

/* Starts the sitting's session for a patient on a plate (its backend and
 * serial say whether the data are simulated); *session_id gets its id. */
int train_sitting_begin(store *s, int64_t patient_id, const dev_info *plate, const char *operator_name,
                        const char *notes, int64_t *session_id);

#endif
