/* Poise: replaying a stored game trial. The game's logic runs again from
 * the trial's parameters (seed, start level, staircase, LOS, settle time,
 * cursor filter: session/training.h) over the trial's stored samples,
 * through the same consumer that played it (session/game.h), so it gives
 * the same result and the same events, whether the game was played in the
 * window or headless. The replay compares itself with what was stored when
 * the game was played and counts every difference.
 *
 * Callers: `poise replay`, tests. Reads only (a read-only store will do).
 */
#ifndef POISE_SESSION_REPLAY_H
#define POISE_SESSION_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"
#include "games/game.h"
#include "store/store.h"

typedef struct ses_replay {
	int64_t trial_id;
	const struct game_ops *ops;
	enum store_status status;  /* the stored trial's status */
	bool simulated;            /* recorded on the simulated plate */
	size_t n_samples;          /* samples replayed */
	game_result result;        /* the replay's */
	met_static sway;           /* sway while playing, the replay's */
	bool have_sway;
	store_event *events;       /* the replay's game events, as the trial log
	                            * writes them (time since the trial's start) */
	size_t n_events;
	size_t n_stored_events;    /* game events in the stored log */
	int differences;           /* results, sway figures and events that
	                            * differ from the stored ones */
	char first_difference[256];/* the first of them, for people ("" if none) */
} ses_replay;

/* Replays trial_id of s into *out (free with ses_replay_free). On failure
 * *out is empty and msg says why: POISE_E_NOT_FOUND (no such trial),
 * POISE_E_UNSUPPORTED (not a game, or recorded without replay information),
 * POISE_E_PARSE (damaged parameters), a store error, POISE_E_NOMEM. */
int ses_replay_run(store *s, int64_t trial_id, ses_replay *out, char *msg, size_t msg_len);

void ses_replay_free(ses_replay *r);

#endif
