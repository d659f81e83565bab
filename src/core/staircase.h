/* Poise: the adaptive staircase that moves a game's difficulty level
 * within the therapist's prescribed range.
 *
 * Rule (a "3-up/2-down" transformed staircase, after Levitt 1971): after
 * `up_after` successes in a row the level goes up by one; after
 * `down_after` failures in a row it goes down by one; never outside
 * [min_level, max_level]; any level change starts both counts afresh; an
 * outcome of the other kind resets the run it breaks. Defaults 3 and 2,
 * which settles where the patient succeeds about 80 % of the time. With
 * adaptive off the level never moves.
 */
#ifndef POISE_CORE_STAIRCASE_H
#define POISE_CORE_STAIRCASE_H

#include <stdbool.h>

typedef struct stair_cfg {
	int min_level, max_level; /* the prescription's range, 1..10 */
	int up_after;             /* successes in a row to go up (≥ 1) */
	int down_after;           /* failures in a row to go down (≥ 1) */
	bool adaptive;
} stair_cfg;

typedef struct stair {
	stair_cfg cfg;
	int level;
	int successes; /* current run of successes */
	int failures;  /* current run of failures */
} stair;

/* Range 1–10, 3 up, 2 down, adaptive. */
void stair_cfg_default(stair_cfg *cfg);

/* Starts at start_level clamped into the range. POISE_E_INVALID for an
 * empty range or run lengths below 1. */
int stair_init(stair *s, const stair_cfg *cfg, int start_level);

/* Records one attempt's outcome; returns the change of level (+1, −1 or
 * 0). The new level is s->level. */
int stair_record(stair *s, bool success);

#endif
