/* Reach: targets appear in eight directions at a distance (fraction of
 * LOS); move there and hold, then come back to the centre. Trains the
 * limits of stability like clinical LOS training.
 *
 * Level | distance (LOS) | target radius | hold  | time limit
 *   1   |     0.35       |     0.20      | 0.5 s |   10 s
 *  10   |     0.90       |     0.08      | 1.5 s |    5 s
 * (linear in between; the distance is clamped to the working range)
 * One attempt = one outward target: held long enough = hit, time out =
 * miss. Reaction time: from the target's appearance until the cursor has
 * moved 0.05 LOS toward it. Path efficiency: straight distance to the target's edge
 * over the path travelled until the hit.
 *
 * Dual task (arithmetic, category): each outward target comes with a
 * second one opposite it; the two carry the choices of a cognitive item
 * (games/cognitive.h: "7 + 5 = ?" on 12 and 13) and the patient leans to
 * the right one. Holding either is the motor attempt (hit); which one was
 * held is the answer (right, wrong; a time-out is a miss and no answer).
 */
#ifndef POISE_GAMES_REACH_H
#define POISE_GAMES_REACH_H

#include "games/game.h"

extern const struct game_ops reach_ops;

enum reach_state { REACH_HOME, REACH_OUT };

typedef struct reach_game {
	game base;
	enum reach_state state;
	int dir;             /* 0..7, E = 0, counter-clockwise */
	int bag[8], bag_left;
	double tx, ty, radius; /* current target (home or outward) */
	double hold_s, hold_need_s, limit_s, elapsed_s;
	double start_x, start_y, path;
	bool moved;
	int index;           /* outward targets shown so far */
	double flash_s;      /* > 0 just after a hit or miss (for the drawing) */
	double last_tx, last_ty, last_r; /* the target that just ended */
	bool last_hit;
	int held;            /* dual task: the choice being held (−1 none) */
} reach_game;

#endif
