/* Poise: the cognitive task of a dual-task game (after the dual-task
 * training used in MS rehabilitation: a thinking task while balancing).
 *
 * Two ways to answer:
 *  - by leaning (Reach): an item has two choices shown on two targets;
 *    holding the right one is a correct answer, the wrong one (or none
 *    before the time limit) an error; the response time runs from the
 *    item's appearance to the completed hold;
 *  - aloud (every other game, and counting back everywhere): a prompt
 *    every COG_ALOUD_INTERVAL_S of playing time ("7 + 5", "name an
 *    animal", "count back by 3 from 92", then "next"); the patient answers
 *    aloud and the therapist marks an error with a key (and may mark a
 *    right answer with another, which gives the response time). A prompt
 *    left unmarked when the next one comes counts as right.
 *
 * Items come from the task's own RNG (seeded from the game's seed), so the
 * same game gives the same items and a replay the same score. Pure C.
 */
#ifndef POISE_GAMES_COGNITIVE_H
#define POISE_GAMES_COGNITIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cond.h"
#include "core/rng.h"

#define COG_MAX_CHOICES 2
#define COG_ALOUD_INTERVAL_S 5.0
#define COG_COUNT_STEP 3

typedef struct cog_item {
	uint32_t id;             /* 1, 2, ...; 0 = none yet */
	char prompt[40];         /* for the patient: "7 + 5 = ?", "Which is a fruit?" */
	char expected[24];       /* for the therapist: "12", "84" ("" for category aloud) */
	char choice[COG_MAX_CHOICES][16]; /* by leaning: the words on the targets */
	int n_choices;           /* 0: aloud */
	int right;               /* index of the right choice */
	double x[COG_MAX_CHOICES], y[COG_MAX_CHOICES]; /* where the choices are (LOS), set by the game */
	double shown_s;          /* game time it appeared */
	bool answered;
} cog_item;

typedef struct cog_task {
	int kind;                /* enum cond_dual */
	bool by_choice;          /* answered by leaning (the game places choices) */
	rng rng;
	cog_item cur;
	bool active;             /* an item is open */
	double next_s;           /* aloud: when the next prompt comes */
	int count_value;         /* counting back: the number last expected */
	int correct, errors;
	double rt_sum_s;
	int rt_n;
} cog_task;

/* Sets up a task of kind (enum cond_dual; NONE: nothing ever happens).
 * by_choice: the game answers arithmetic and category items by leaning
 * (counting back is always aloud). */
void cog_init(cog_task *c, int kind, bool by_choice, uint64_t seed);

/* True if the task is answered by leaning in this game. */
bool cog_by_choice(const cog_task *c);

/* Opens a new item at game time t_s (by leaning: with two choices, the
 * right one at index right, chosen at random); returns it. */
cog_item *cog_next(cog_task *c, double t_s);

/* Aloud: at game time t_s, opens the next prompt if it is due (the one
 * before, left unmarked, counts as right). Returns the new item or NULL. */
cog_item *cog_tick(cog_task *c, double t_s);

/* Records the answer to the open item at game time t_s: correct or not;
 * with_rt: the response time counts (a lean, or the therapist's "right"
 * key). False (nothing recorded) if no item is open or it was answered. */
bool cog_answer(cog_task *c, bool correct, bool with_rt, double t_s);

/* The results: correct, errors, mean response time (NAN without one);
 * all NAN for no task. */
void cog_result(const cog_task *c, double *correct, double *errors, double *rt_s);

#endif
