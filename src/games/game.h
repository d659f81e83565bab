/* Poise: the mini-game interface.
 *
 * Game *logic* lives here and is pure C: deterministic given (cfg, seed,
 * input stream), no SDL, no clock. It advances in fixed ticks of
 * GAME_TICK_S seconds and gets one game_input per tick (the DOOM ticcmd
 * idea), so a recorded trial replays exactly and tests can script a
 * player. Drawing is separate (src/ui/draw_*.c, SDL) and reads the
 * game's state through each game's own header.
 *
 * Game space is the patient's LOS space (core/los.h): (0, 0) is the
 * patient's centre, distance 1 is their limit of stability; x right, y
 * forward (up on the screen).
 */
#ifndef POISE_GAMES_GAME_H
#define POISE_GAMES_GAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cond.h"
#include "core/rng.h"
#include "games/cognitive.h"

#define GAME_TICK_HZ 120
#define GAME_TICK_S (1.0 / GAME_TICK_HZ)
#define GAME_LEVEL_MIN 1
#define GAME_LEVEL_MAX 10
#define GAME_MAX_EVENTS 64

/* One tick's input. */
typedef struct game_input {
	double x, y;  /* cursor in LOS units */
	bool present; /* the patient stands on the plate with a valid COP */
} game_input;

/* What a game tells the outside world, in order. */
enum game_event_kind {
	GAME_EV_TARGET = 1, /* a new target/gate/maze appeared (value: its index) */
	GAME_EV_HIT,        /* an attempt succeeded (counts toward levelling up) */
	GAME_EV_MISS,       /* an attempt failed */
	GAME_EV_LEVEL,      /* the level changed (value: new level) */
	GAME_EV_PAUSE,      /* the patient stepped off: play paused */
	GAME_EV_RESUME,
	GAME_EV_PROMPT,     /* a cognitive item appeared (value: its id; detail: the prompt) */
	GAME_EV_ANSWER,     /* it was answered (value: 1 right, 0 wrong; detail:
	                     * "lean", "no answer", "marked" for the therapist's key) */
	GAME_EV_CUE,        /* a head-turn cue (value: −1 left, 0 centre, +1 right) */
	GAME_EV_MASTERED,   /* the top of the level range was mastered (value: the
	                     * ladder's next rung; detail: its step), runner only */
};

typedef struct game_event {
	double t_s; /* game time */
	int kind;   /* enum game_event_kind */
	double value;
	char detail[40];
} game_event;

/* How a game is set up; the prescription fills level and the working
 * range, the session the seed and duration. */
typedef struct game_cfg {
	int level;          /* start level, 1..10 */
	uint64_t seed;      /* gameplay RNG (same seed, same game) */
	double duration_s;  /* playing time (pauses do not count) */
	double los_min;     /* the therapist's LOS working range, as fractions */
	double los_max;     /* of LOS (e.g. 0.4–0.8); distances are clamped to it */
	cond_set cond;      /* stance, surface, scene, head turns, sound, dual task */
} game_cfg;

/* The numbers a game produces; NAN where a measure does not apply. */
typedef struct game_result {
	const char *game;         /* id */
	int level_start, level_end, level_max;
	double score;             /* 0–100 */
	int hits, misses;
	double time_in_target_s;
	double play_time_s;
	double tracking_rms;      /* LOS units */
	double reaction_time_s;   /* mean over attempts */
	double path_efficiency;   /* straight distance / path travelled, 0–1 */
	/* The cognitive task (NAN without one): answers right and wrong, and
	 * the mean response time of the right ones that have one. */
	double cognitive_correct, cognitive_errors, cognitive_rt_s;
	/* Dual-task cost: % change of the score and of the sway's mean
	 * velocity against single-task plays of the same game, level and
	 * motor condition ((dual − single) / single · 100; NAN without such a
	 * reference). Filled by the session (session/game.h), not the game. */
	double dual_task_cost_pct, dual_task_cost_sway_pct;
	cond_set cond;            /* the conditions it was played in */
} game_result;

typedef struct game game;

struct game_ops {
	const char *id;          /* "reach" */
	const char *name;        /* "Reach" */
	const char *goal;        /* one line for the therapist */
	const char *instruction; /* one short line for the patient, shown as the
	                          * game starts ("Lean to the golden star and
	                          * hold it there") */
	double default_duration_s;
	/* Creates a game at cfg->level. *out owned by the caller (destroy).
	 * POISE_E_INVALID for a level outside 1..10 or a bad range. */
	int (*create)(game **out, const game_cfg *cfg);
	/* One fixed tick with the base's input already set in g->in. */
	void (*tick)(game *g);
	/* Changes the level; takes effect at the next attempt. */
	void (*set_level)(game *g, int level);
	/* Where a competent player would aim now, in LOS units (the simulated
	 * plate's "intent" mode steers there). */
	void (*intent)(const game *g, double *x, double *y);
	/* Fills the game-specific parts of *r (the base fills the rest). */
	void (*result)(const game *g, game_result *r);
	/* A short description of what level `level` means ("targets at 55 %
	 * LOS, 0.14 wide, hold 1.0 s"), for the therapist's screen and docs. */
	void (*describe_level)(int level, char *buf, size_t len);
	void (*destroy)(game *g);
};

/* The head of every game's struct; the base bookkeeping all games share. */
struct game {
	const struct game_ops *ops;
	game_cfg cfg;
	rng rng;
	double t_s;             /* game time */
	int level, level_start, level_max;
	game_input in;          /* this tick's input */
	game_input prev_in;
	int hits, misses;
	double in_target_s;
	double rt_sum_s;        /* reaction times, summed */
	int rt_n;
	double eff_sum;         /* path efficiencies, summed */
	int eff_n;
	game_event ev[GAME_MAX_EVENTS]; /* the one event queue, oldest at ev_head */
	unsigned ev_head, ev_count;
	unsigned ev_lost;       /* events that found the queue full (never
	                         * silently: the session reports them) */
	cog_task cog;           /* the dual task (kind NONE: none) */
	double cue_next_s;      /* the next head-turn cue, game time */
	int cue_k;              /* cues given */
	int cue_dir;            /* the head's asked direction: −1, 0, +1 */
};

/* One row of the game-result catalogue: the numbers a game produces, with
 * the names used by `poise play --json`, the database's metrics and the
 * results screen, so the list is written once. */
typedef struct game_result_field {
	const char *key;   /* JSON key / metric name: "time_in_target_s" */
	const char *label; /* for people: "Time in target" */
	const char *unit;  /* "s", "LOS", "" */
	size_t offset;     /* offsetof(game_result, ...) */
	bool is_int;       /* an int field (else double) */
} game_result_field;

/* The catalogue in display order; *n gets its length. Static storage. */
const game_result_field *game_result_fields(size_t *n);

/* The value of field f in r (an int field as a double; NAN: not applicable). */
double game_result_value(const game_result *r, const game_result_field *f);

/* Sets field f of r from v (rounded for an int field). */
void game_result_set(game_result *r, const game_result_field *f, double v);

/* The games of this build, NULL-terminated, in menu order. */
const struct game_ops *const *game_list(void);

/* The game called id, or NULL. */
const struct game_ops *game_find(const char *id);

/* --- for game implementations --- */

/* Initialises the base part (after the game allocated its struct). */
int game_base_init(game *g, const struct game_ops *ops, const game_cfg *cfg);

/* Records events; hits and misses also count in the tally. */
void game_emit(game *g, int kind, double value, const char *detail);
void game_hit(game *g, const char *detail);
void game_miss(game *g, const char *detail);

/* Whether a game answers arithmetic and category items by leaning (its
 * own choice targets); set before game_base_init's caller places choices.
 * Reach does; the others take them aloud. */
void game_cog_by_choice(game *g, bool by_choice);

/* Clamps a distance (fraction of LOS) into the working range. */
double game_clamp_range(const game *g, double d);

/* True once a duration counted in ticks has reached need_s (tolerant of
 * the rounding of summed tick lengths). */
bool game_reached(double t_s, double need_s);

/* Linear map of level 1..10 onto [at1, at10]. */
double game_level_lerp(int level, double at1, double at10);

/* --- for the runner and tests --- */

/* Runs one tick with input in. */
void game_step(game *g, const game_input *in);

/* The therapist's key during an aloud cognitive task: the open prompt was
 * answered right (with its response time) or wrong. Emits GAME_EV_ANSWER
 * ("marked"). False if there is no open, unanswered aloud prompt. */
bool game_cog_mark(game *g, bool correct);

/* The dual-task cost of one measure: the % change from the single-task
 * reference to the dual-task value, (dual − single) / |single| · 100
 * (a score that falls from 80 to 60 gives −25; a sway velocity that rises
 * from 10 to 12 mm/s gives +20). NAN if either is not finite or the
 * reference is 0. */
double game_dual_task_cost_pct(double single, double dual);

/* The head-turn cue words: "left", "centre", "right" for −1, 0, +1. */
const char *game_cue_word(int dir);

/* True once the playing time is over. */
bool game_finished(const game *g);

/* Takes the oldest pending event; false if none. The queue holds
 * GAME_MAX_EVENTS; an event that finds it full is counted in ev_lost. */
bool game_pop_event(game *g, game_event *out);

/* The result so far (complete once finished). */
void game_get_result(const game *g, game_result *r);

/* g->ops->destroy(g), NULL-safe. */
void game_destroy(game *g);

#endif
