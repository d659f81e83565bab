#include "games/cognitive.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define N_CATEGORIES 5
#define N_WORDS 6

static const struct {
	const char *name;  /* "a fruit" */
	const char *words[N_WORDS];
} categories[N_CATEGORIES] = {
	{"a fruit", {"apple", "pear", "plum", "banana", "grape", "cherry"}},
	{"an animal", {"dog", "horse", "cow", "rabbit", "sheep", "goat"}},
	{"furniture", {"chair", "table", "bed", "sofa", "shelf", "desk"}},
	{"clothing", {"shirt", "coat", "sock", "scarf", "skirt", "glove"}},
	{"a colour", {"red", "blue", "green", "yellow", "purple", "brown"}},
};

static int pick(cog_task *c, int n)
{
	int k = (int)(rng_uniform(&c->rng) * n);
	return k < n ? k : n - 1;
}

void cog_init(cog_task *c, int kind, bool by_choice, uint64_t seed)
{
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->by_choice = by_choice && (kind == COND_DUAL_ARITHMETIC || kind == COND_DUAL_CATEGORY);
	/* Its own stream: the game's RNG draws the same with or without it. */
	rng_seed(&c->rng, seed ^ 0x636f676e69746976ull);
	c->next_s = COG_ALOUD_INTERVAL_S;
}

bool cog_by_choice(const cog_task *c)
{
	return c->by_choice;
}

static void arithmetic(cog_task *c, cog_item *it)
{
	int answer;
	if (pick(c, 2) == 0) {
		int a = 2 + pick(c, 11), b = 2 + pick(c, 8);
		answer = a + b;
		snprintf(it->prompt, sizeof it->prompt, "%d + %d = ?", a, b);
	} else {
		int a = 10 + pick(c, 11), b = 2 + pick(c, 8);
		answer = a - b;
		snprintf(it->prompt, sizeof it->prompt, "%d − %d = ?", a, b);
	}
	snprintf(it->expected, sizeof it->expected, "%d", answer);
	if (!c->by_choice)
		return;
	static const int offs[] = {-10, -3, -2, -1, 1, 2, 3, 10};
	int wrong = answer + offs[pick(c, 8)];
	if (wrong < 0)
		wrong = answer + 1 + pick(c, 3);
	it->n_choices = 2;
	it->right = pick(c, 2);
	snprintf(it->choice[it->right], sizeof it->choice[0], "%d", answer);
	snprintf(it->choice[1 - it->right], sizeof it->choice[0], "%d", wrong);
}

static void category(cog_task *c, cog_item *it)
{
	int k = pick(c, N_CATEGORIES);
	if (!c->by_choice) {
		snprintf(it->prompt, sizeof it->prompt, "Name %s", categories[k].name);
		return;
	}
	int other = (k + 1 + pick(c, N_CATEGORIES - 1)) % N_CATEGORIES;
	snprintf(it->prompt, sizeof it->prompt, "Which is %s?", categories[k].name);
	it->n_choices = 2;
	it->right = pick(c, 2);
	snprintf(it->choice[it->right], sizeof it->choice[0], "%s", categories[k].words[pick(c, N_WORDS)]);
	snprintf(it->choice[1 - it->right], sizeof it->choice[0], "%s", categories[other].words[pick(c, N_WORDS)]);
	snprintf(it->expected, sizeof it->expected, "%s", it->choice[it->right]);
}

static void count_back(cog_task *c, cog_item *it)
{
	if (c->count_value == 0) {
		int from = 60 + pick(c, 40);
		c->count_value = from;
		snprintf(it->prompt, sizeof it->prompt, "Count back by %d from %d", COG_COUNT_STEP, from);
	} else {
		snprintf(it->prompt, sizeof it->prompt, "Next number");
	}
	c->count_value -= COG_COUNT_STEP;
	snprintf(it->expected, sizeof it->expected, "%d", c->count_value);
}

cog_item *cog_next(cog_task *c, double t_s)
{
	uint32_t id = c->cur.id + 1;
	memset(&c->cur, 0, sizeof c->cur);
	c->cur.id = id;
	c->cur.shown_s = t_s;
	switch (c->kind) {
	case COND_DUAL_ARITHMETIC:
		arithmetic(c, &c->cur);
		break;
	case COND_DUAL_CATEGORY:
		category(c, &c->cur);
		break;
	case COND_DUAL_COUNT_BACK:
		count_back(c, &c->cur);
		break;
	default:
		return NULL;
	}
	c->active = true;
	return &c->cur;
}

cog_item *cog_tick(cog_task *c, double t_s)
{
	if (c->kind == COND_DUAL_NONE || c->by_choice || t_s + 1e-9 < c->next_s)
		return NULL;
	if (c->active && !c->cur.answered)
		c->correct++; /* unmarked: right */
	c->next_s += COG_ALOUD_INTERVAL_S;
	return cog_next(c, t_s);
}

bool cog_answer(cog_task *c, bool correct, bool with_rt, double t_s)
{
	if (!c->active || c->cur.answered)
		return false;
	c->cur.answered = true;
	if (correct) {
		c->correct++;
		if (with_rt) {
			c->rt_sum_s += t_s - c->cur.shown_s;
			c->rt_n++;
		}
	} else {
		c->errors++;
	}
	return true;
}

void cog_result(const cog_task *c, double *correct, double *errors, double *rt_s)
{
	if (c->kind == COND_DUAL_NONE) {
		*correct = *errors = *rt_s = NAN;
		return;
	}
	*correct = c->correct;
	*errors = c->errors;
	*rt_s = c->rt_n ? c->rt_sum_s / c->rt_n : NAN;
}
