/* Tracking: follow a target gliding along a smooth path: rhythmic
 * left-right weight shifts, then a circle, then a figure-eight.
 *
 * Level | path          | size (LOS) | period | in-target radius
 *  1–3  | left ↔ right  | 0.30–0.40  | 6–5 s  | 0.15–0.13
 *  4–6  | circle        | 0.30–0.40  | 10–8 s | 0.12–0.10
 *  7–10 | figure-eight  | 0.35–0.50  | 12–9 s | 0.10–0.07
 * (size and period linear within each band, size clamped to the working
 * range). One attempt = one period of the path: ≥ 70 % of it in the target
 * = hit. A new level starts with the next period. Score = share of time
 * in the target; tracking error = RMS distance cursor–target.
 */
#ifndef POISE_GAMES_TRACKING_H
#define POISE_GAMES_TRACKING_H

#include "games/game.h"

extern const struct game_ops tracking_ops;

enum tracking_path { TRACK_SWAY, TRACK_CIRCLE, TRACK_EIGHT };

typedef struct tracking_params {
	enum tracking_path path;
	double size, period_s, tolerance;
} tracking_params;

typedef struct tracking_game {
	game base;
	tracking_params p;    /* this period's */
	int pending_level;
	double phase_t_s;     /* time into this period */
	double cycle_in_s;    /* in target during this period */
	double tx, ty;        /* target now */
	double err2_sum;
	long err_n;
	bool inside;
} tracking_game;

/* The parameters of a level (for drawing and tests). */
void tracking_level_params(int level, tracking_params *p);

/* The target position at time t into a period of p (LOS units). */
void tracking_target_at(const tracking_params *p, double t_s, double *x, double *y);

#endif
