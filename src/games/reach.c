#include "games/reach.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"

#define HOME_RADIUS 0.12
#define HOME_HOLD_S 0.3
#define MOVE_THRESHOLD 0.05

static void level_params(int level, double *dist, double *radius, double *hold, double *limit)
{
	*dist = game_level_lerp(level, 0.35, 0.90);
	*radius = game_level_lerp(level, 0.20, 0.08);
	*hold = game_level_lerp(level, 0.5, 1.5);
	*limit = game_level_lerp(level, 10, 5);
}

static void describe(int level, char *buf, size_t len)
{
	double d, r, h, l;
	level_params(level, &d, &r, &h, &l);
	snprintf(buf, len, "targets at %.0f %% LOS, radius %.2f, hold %.1f s, %.1f s each", d * 100, r, h, l);
}

static void refill_bag(reach_game *g)
{
	for (int i = 0; i < 8; i++)
		g->bag[i] = i;
	for (int i = 7; i > 0; i--) { /* Fisher–Yates with the game's RNG */
		int j = (int)(rng_uniform(&g->base.rng) * (i + 1));
		int t = g->bag[i];
		g->bag[i] = g->bag[j];
		g->bag[j] = t;
	}
	g->bag_left = 8;
}

static void go_home(reach_game *g)
{
	g->state = REACH_HOME;
	g->tx = g->ty = 0;
	g->radius = HOME_RADIUS;
	g->hold_s = 0;
	g->hold_need_s = HOME_HOLD_S;
}

static void go_out(reach_game *g)
{
	double dist, radius, hold, limit;
	level_params(g->base.level, &dist, &radius, &hold, &limit);
	dist = game_clamp_range(&g->base, dist);
	if (!g->bag_left)
		refill_bag(g);
	g->dir = g->bag[--g->bag_left];
	double a = g->dir * M_PI / 4;
	g->state = REACH_OUT;
	g->tx = dist * cos(a);
	g->ty = dist * sin(a);
	g->radius = radius;
	g->hold_s = 0;
	g->hold_need_s = hold;
	g->limit_s = limit;
	g->elapsed_s = 0;
	g->start_x = g->base.in.x;
	g->start_y = g->base.in.y;
	g->path = 0;
	g->moved = false;
	g->held = -1;
	game_emit(&g->base, GAME_EV_TARGET, ++g->index, "");
	if (cog_by_choice(&g->base.cog)) {
		/* The choices: on this target and on the one opposite. */
		cog_item *it = cog_next(&g->base.cog, g->base.t_s);
		for (int k = 0; k < 2; k++) {
			it->x[k] = k ? -g->tx : g->tx;
			it->y[k] = k ? -g->ty : g->ty;
		}
		game_emit(&g->base, GAME_EV_PROMPT, it->id, it->prompt);
	}
}

/* Which target the cursor is in: 0 (or the only one), 1 (the second
 * choice), −1 none. */
static int inside_which(const reach_game *g, const game_input *in)
{
	const cog_item *it = &g->base.cog.cur;
	int n = g->state == REACH_OUT && cog_by_choice(&g->base.cog) ? it->n_choices : 0;
	if (n == 0)
		return hypot(in->x - g->tx, in->y - g->ty) <= g->radius ? 0 : -1;
	for (int k = 0; k < n; k++)
		if (hypot(in->x - it->x[k], in->y - it->y[k]) <= g->radius)
			return k;
	return -1;
}

/* The attempt ended (hit: choice `which` held; miss: −1): the dual task's
 * answer. */
static void answer(reach_game *g, int which)
{
	if (!cog_by_choice(&g->base.cog) || !g->base.cog.active)
		return;
	bool right = which >= 0 && which == g->base.cog.cur.right;
	if (cog_answer(&g->base.cog, right, which >= 0, g->base.t_s))
		game_emit(&g->base, GAME_EV_ANSWER, right ? 1 : 0, which >= 0 ? "lean" : "no answer");
}

static int reach_create(game **out, const game_cfg *cfg)
{
	reach_game *g = calloc(1, sizeof *g);
	if (!g)
		return POISE_E_NOMEM;
	int rc = game_base_init(&g->base, &reach_ops, cfg);
	if (rc) {
		free(g);
		return rc;
	}
	game_cog_by_choice(&g->base, true);
	go_home(g);
	*out = &g->base;
	return POISE_OK;
}

static void reach_tick(game *base)
{
	reach_game *g = (reach_game *)base;
	const game_input *in = &base->in;
	int which = inside_which(g, in);
	bool inside = which >= 0;
	if (g->flash_s > 0)
		g->flash_s -= GAME_TICK_S;
	if (g->state == REACH_HOME) {
		g->hold_s = inside ? g->hold_s + GAME_TICK_S : 0;
		if (game_reached(g->hold_s, g->hold_need_s))
			go_out(g);
		return;
	}
	g->elapsed_s += GAME_TICK_S;
	g->path += hypot(in->x - base->prev_in.x, in->y - base->prev_in.y);
	/* Reaction: the first clear movement toward the target (a sway or a
	 * counter-movement away from it does not count). */
	double ux = g->tx - g->start_x, uy = g->ty - g->start_y, ul = hypot(ux, uy);
	double toward = ul > 1e-9 ? ((in->x - g->start_x) * ux + (in->y - g->start_y) * uy) / ul : 0;
	if (cog_by_choice(&base->cog)) /* either choice: toward it, or away from the first */
		toward = fabs(toward);
	if (!g->moved && toward >= MOVE_THRESHOLD) {
		g->moved = true;
		base->rt_sum_s += g->elapsed_s;
		base->rt_n++;
	}
	if (inside) {
		base->in_target_s += GAME_TICK_S;
		g->hold_s = which == g->held || g->held < 0 ? g->hold_s + GAME_TICK_S : GAME_TICK_S;
		g->held = which;
	} else {
		g->hold_s = 0; /* the hold must be continuous */
		g->held = -1;
	}
	static const char *const names[8] = {"right", "forward-right", "forward", "forward-left",
	                                     "left", "back-left", "back", "back-right"};
	if (game_reached(g->hold_s, g->hold_need_s)) {
		double straight = hypot(in->x - g->start_x, in->y - g->start_y);
		if (g->path > 1e-9) {
			base->eff_sum += fmin(1.0, straight / g->path);
			base->eff_n++;
		}
		game_hit(base, names[g->dir]);
		answer(g, which);
		if (which > 0)
			g->last_tx = -g->tx, g->last_ty = -g->ty;
		else
			g->last_tx = g->tx, g->last_ty = g->ty;
		g->last_r = g->radius;
		g->flash_s = 0.6;
		g->last_hit = true;
		go_home(g);
	} else if (game_reached(g->elapsed_s, g->limit_s)) {
		game_miss(base, names[g->dir]);
		answer(g, -1);
		g->last_tx = g->tx, g->last_ty = g->ty, g->last_r = g->radius;
		g->flash_s = 0.6;
		g->last_hit = false;
		go_home(g);
	}
}

static void reach_set_level(game *base, int level)
{
	base->level = level; /* the next outward target uses it */
}

static void reach_intent(const game *base, double *x, double *y)
{
	const reach_game *g = (const reach_game *)base;
	const cog_item *it = &base->cog.cur;
	if (g->state == REACH_OUT && cog_by_choice(&base->cog) && it->n_choices > 0) {
		*x = it->x[it->right]; /* a competent player knows the answer */
		*y = it->y[it->right];
		return;
	}
	*x = g->tx;
	*y = g->ty;
}

static void reach_result(const game *base, game_result *r)
{
	(void)base;
	(void)r; /* the base's hits, misses, reaction time and efficiency say it all */
}

static void reach_destroy(game *g)
{
	free(g);
}

const struct game_ops reach_ops = {
	.id = "reach",
	.name = "Reach",
	.goal = "Lean to the target in eight directions and hold it: limits of stability",
	.instruction = "Lean to the golden star and hold it there",
	.default_duration_s = 120,
	.create = reach_create,
	.tick = reach_tick,
	.set_level = reach_set_level,
	.intent = reach_intent,
	.result = reach_result,
	.describe_level = describe,
	.destroy = reach_destroy,
};
