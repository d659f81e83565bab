/* Slalom: a skier descends a course; lateral weight shifts steer them
 * through the gates. Weight-shift training (ML).
 *
 * Level | gate offset (LOS) | gate half-width | gates per minute
 *   1   |       0.25        |      0.30       |        12
 *  10   |       0.85        |      0.10       |        30
 * (linear in between; offsets alternate sides, ±20 % at random, clamped
 * to the working range). One attempt = one gate: the skier's x within the
 * gate as it passes = hit, else miss. Time in target: the skier within
 * the corridor joining the gates' centres (± half-width).
 */
#ifndef POISE_GAMES_SLALOM_H
#define POISE_GAMES_SLALOM_H

#include "games/game.h"

extern const struct game_ops slalom_ops;

#define SLALOM_GATES 8 /* gates kept ahead (a ring) */

typedef struct slalom_gate {
	double pos;  /* course position (in gate spacings) where it stands */
	double x;    /* centre, LOS units */
	double half; /* half-width */
	int result;  /* 0 ahead, +1 passed, −1 missed */
} slalom_gate;

typedef struct slalom_game {
	game base;
	double pos;        /* course position, in gate spacings */
	double speed;      /* gate spacings per second */
	double pending_speed;
	slalom_gate gate[SLALOM_GATES];
	int next;          /* index of the next gate to pass */
	slalom_gate last;  /* the gate passed last (result set), if any */
	bool have_last;
	int made;          /* gates created so far */
	int side;          /* +1/−1: the side of the next gate to create */
	double skier_x, prev_skier_x;
} slalom_game;

#endif
