/* Poise: runs one game for the app, `poise play` and tests.
 *
 * Turns COP samples (mm) into the game's per-tick input in LOS units,
 * finds the patient's centre first (a short "stand still" phase), runs
 * the game's fixed ticks from elapsed time (Fiedler's "Fix Your Timestep":
 * an accumulator, at most GRUN_MAX_CATCHUP ticks per call, an alpha for
 * interpolated drawing), pauses while the patient is off the plate, and
 * moves the level with the adaptive staircase. Every event (targets,
 * hits, misses, level changes, pauses) comes out of grun_pop_event() in
 * order, for the trial log: the game's own queue is the one queue (the
 * runner adds its level changes and pauses to it). Pure: no SDL, no
 * clock: the caller says how much time passed (the session engine: one
 * sample period per sample).
 */
#ifndef POISE_GAMES_RUNNER_H
#define POISE_GAMES_RUNNER_H

#include <stdbool.h>

#include "core/los.h"
#include "core/staircase.h"
#include "games/game.h"

#define GRUN_MAX_CATCHUP 12

enum grun_phase {
	GRUN_SETTLE,  /* finding the patient's centre: "stand still" */
	GRUN_PLAY,
	GRUN_DONE,
};

typedef struct grun_cfg {
	stair_cfg stair;
	los_model los;    /* origin is replaced by the settle phase's mean */
	double settle_s;  /* seconds of standing still to find the centre;
	                   * 0 = trust los.origin */
	double resume_s;  /* after a pause, seconds back on the plate before
	                   * the game goes on (a calm countdown; 0 = at once) */
	/* A progression ladder (core/cond.h): once the top of the level range
	 * is mastered (up_after successes in a row at max_level, adaptive),
	 * the runner emits GAME_EV_MASTERED once, with value next_rung and
	 * detail next_step. next_rung 0: no ladder, no such event. */
	int next_rung;
	char next_step[24];
} grun_cfg;

typedef struct grun {
	game *g;
	stair st;
	los_model los;
	enum grun_phase phase;
	bool paused;
	double resume_s, resume_t_s; /* the countdown back from a pause */
	double acc_s;
	double settle_s, settle_t_s, settle_sx, settle_sy;
	long settle_n;
	game_input in;
	int hits_seen, misses_seen; /* attempts already given to the staircase */
	int next_rung;
	char next_step[24];
	bool mastered;    /* the top of the range was mastered in this game */
} grun;

/* Defaults: staircase 1–10 (3 up, 2 down), LOS for 1.70 m, 2 s settle,
 * 3 s back on the plate before a paused game goes on. */
void grun_cfg_default(grun_cfg *c);

/* Creates the game ops->create(gcfg) and the runner around it. The
 * runner owns the game. POISE_E_INVALID for bad settings. */
int grun_create(grun **out, const struct game_ops *ops, const game_cfg *gcfg, const grun_cfg *rc);

void grun_destroy(grun *r);

/* The newest COP (plate mm) and whether the patient is on the plate;
 * used for every tick until the next call. */
void grun_set_cop(grun *r, double x_mm, double y_mm, bool present);

/* Advances by dt_s seconds of real time. Returns the fraction of a tick
 * left over (0..1), for interpolated drawing. */
double grun_advance(grun *r, double dt_s);

/* Takes the oldest event of the game's queue; false if none. */
bool grun_pop_event(grun *r, game_event *out);

/* Where a good player would aim now, in plate mm (for the sim's intent). */
void grun_intent_mm(const grun *r, double *x_mm, double *y_mm);

/* While paused and back on the plate: the seconds left of the countdown
 * before the game goes on; 0 otherwise. */
double grun_resume_left_s(const grun *r);

/* Settle progress 0..1 (1 once playing). */
double grun_settle_progress(const grun *r);

#endif
