/* Still water: keep the floating ball (your centre of pressure) inside
 * the ring; every few seconds of calm the ring shrinks, leaving it makes
 * the ring grow back a step. Quiet-stance control.
 *
 * Level | start radius (LOS) | smallest radius | calm needed to shrink
 *   1   |        0.30        |      0.10       |        4.0 s
 *  10   |        0.12        |      0.03       |        2.0 s
 * (linear in between; each shrink is ×0.85, each growth ÷0.85). One
 * attempt = one calm spell: a shrink = hit, leaving the ring = miss.
 * Score = share of the playing time spent inside the ring.
 */
#ifndef POISE_GAMES_STILLWATER_H
#define POISE_GAMES_STILLWATER_H

#include "games/game.h"

extern const struct game_ops stillwater_ops;

typedef struct stillwater_game {
	game base;
	double radius, r_start, r_min, calm_need_s;
	double calm_s;     /* inside without a break */
	bool inside;
	double ripple_s;   /* > 0 just after leaving (for the drawing) */
	double shrink_s;   /* > 0 just after a shrink */
} stillwater_game;

#endif
