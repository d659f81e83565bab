/* Poise: games meet the patient's record. Reads the therapist's
 * prescription and the patient's earlier plays to set up a game (level
 * range, adaptive or not, LOS working range, duration, and the level they
 * reached last time), names game events for the trial log, and stores a
 * game's results as the trial's metrics beside the sway metrics the
 * recorder computes from the same COP.
 *
 * Trial kind "game:<id>"; metric names are the JSON keys of `poise play
 * --json` (score, hits, misses, time_in_target_s, level_start, level_end,
 * level_max, play_time_s, tracking_rms_los, reaction_time_s,
 * path_efficiency).
 */
#ifndef POISE_SESSION_TRAINING_H
#define POISE_SESSION_TRAINING_H

#include <stdint.h>

#include "core/pipeline.h"
#include "games/game.h"
#include "games/runner.h"
#include "store/recorder.h"
#include "store/store.h"

#define TRAIN_HISTORY 10

typedef struct train_plan {
	game_cfg game;          /* level (start), duration, LOS range; seed not set */
	stair_cfg stair;        /* the prescription's range and adaptivity */
	bool prescribed;        /* false: defaults (levels 1–10, adaptive) */
	int n_prev;             /* earlier plays of this game, newest first */
	game_result prev[TRAIN_HISTORY];
} train_plan;

/* Fills *out for patient_id and game ops: the prescription (or defaults:
 * levels 1–10, adaptive, the whole LOS, the game's own duration) and the
 * results of the latest plays; the start level is where the last play
 * ended, kept inside the prescribed range. POISE_OK or a store error. */
int train_plan_load(store *s, int64_t patient_id, const struct game_ops *ops, train_plan *out);

/* The trial kind of a game: "game:<id>". */
void train_kind(const struct game_ops *ops, char *buf, size_t len);

/* The trial's parameters as a JSON object (seed, prescription). */
void train_params_json(const train_plan *p, uint64_t seed, char *buf, size_t len);

/* The trial-log kind of a game event ("target", "hit", "miss", "level",
 * "pause", "resume"). */
const char *train_event_kind(int game_event_kind);

/* Stores r as metrics of trial_id. */
int train_store_result(store *s, int64_t trial_id, const game_result *r);

/* Recording games into the patient's session: one session per sitting,
 * one trial per game with every COP sample, every game event and, at the
 * end, the sway metrics (by the recorder) and the game's results. */
typedef struct train_session {
	store *s;          /* not owned */
	int64_t patient_id;
	int64_t session_id;
	store_rec *rec;
	bool in_trial;
	int64_t trial_id;
} train_session;

/* Starts a session for the patient on device (backend, serial). */
int train_session_open(train_session *t, store *s, int64_t patient_id, const char *backend,
                       const char *serial, const char *operator_name);

/* Starts a game's trial at host time t0_us (the first sample's time). */
int train_trial_begin(train_session *t, const struct game_ops *ops, const train_plan *p,
                      uint64_t seed, double rate_hz, mono_us t0_us);

/* One COP sample of the trial (every one, on or off the plate). */
int train_trial_sample(train_session *t, const cop_sample *s);

/* A game event at host time t_us. */
int train_trial_event(train_session *t, mono_us t_us, const game_event *e);

/* Ends the trial with status, storing the game's results beside the sway
 * metrics; *sway and *have_sway (either may be NULL) get those sway metrics. */
int train_trial_end(train_session *t, enum store_status status, const game_result *r,
                    met_static *sway, bool *have_sway);

/* Ends an open trial as aborted, ends the session, frees the recorder. */
void train_session_close(train_session *t);

#endif
