#include "games/slalom.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"

static void level_params(int level, double *offset, double *half, double *per_min)
{
	*offset = game_level_lerp(level, 0.25, 0.85);
	*half = game_level_lerp(level, 0.30, 0.10);
	*per_min = game_level_lerp(level, 12, 30);
}

static void describe(int level, char *buf, size_t len)
{
	double o, h, p;
	level_params(level, &o, &h, &p);
	snprintf(buf, len, "gates %.0f %% LOS to each side, %.2f wide, %.0f per minute", o * 100, 2 * h, p);
}

static void make_gate(slalom_game *g, slalom_gate *gt)
{
	double offset, half, per_min;
	level_params(g->base.level, &offset, &half, &per_min);
	double jitter = 0.8 + 0.4 * rng_uniform(&g->base.rng);
	gt->pos = ++g->made + 1.0; /* the first gate two spacings ahead */
	gt->x = g->side * game_clamp_range(&g->base, offset * jitter);
	gt->half = half;
	gt->result = 0;
	g->side = -g->side;
}

static int slalom_create(game **out, const game_cfg *cfg)
{
	slalom_game *g = calloc(1, sizeof *g);
	if (!g)
		return POISE_E_NOMEM;
	int rc = game_base_init(&g->base, &slalom_ops, cfg);
	if (rc) {
		free(g);
		return rc;
	}
	double o, h, per_min;
	level_params(cfg->level, &o, &h, &per_min);
	g->speed = g->pending_speed = per_min / 60.0;
	g->side = rng_uniform(&g->base.rng) < 0.5 ? -1 : 1;
	for (int i = 0; i < SLALOM_GATES; i++)
		make_gate(g, &g->gate[i]);
	*out = &g->base;
	return POISE_OK;
}

/* The course line's x at position p: straight segments between the
 * gates' centres, starting from the middle. */
static double course_x(const slalom_game *g, double p)
{
	const slalom_gate *ng = &g->gate[g->next];
	double prev_pos = g->have_last ? g->last.pos : ng->pos - 2, prev_x = g->have_last ? g->last.x : 0;
	double w = (p - prev_pos) / (ng->pos - prev_pos);
	w = w < 0 ? 0 : w > 1 ? 1 : w;
	return prev_x + w * (ng->x - prev_x);
}

static void slalom_tick(game *base)
{
	slalom_game *g = (slalom_game *)base;
	g->prev_skier_x = g->skier_x;
	g->skier_x = base->in.x;
	slalom_gate *ng = &g->gate[g->next];
	if (fabs(g->skier_x - course_x(g, g->pos)) <= ng->half)
		base->in_target_s += GAME_TICK_S;
	g->pos += g->speed * GAME_TICK_S;
	if (g->pos < ng->pos)
		return;
	/* Passing the gate's line: where was the skier exactly then? */
	double over = (g->pos - ng->pos) / (g->speed * GAME_TICK_S);
	double x_at = g->skier_x + over * (g->prev_skier_x - g->skier_x);
	bool through = fabs(x_at - ng->x) <= ng->half;
	char what[24];
	snprintf(what, sizeof what, "gate %d %s", g->made - SLALOM_GATES + 1,
	         ng->x < 0 ? "left" : "right");
	ng->result = through ? 1 : -1;
	if (through)
		game_hit(base, what);
	else
		game_miss(base, what);
	g->speed = g->pending_speed;
	/* Keep the passed gate for the course line and the drawing, and put a
	 * new one at the far end in its slot. */
	g->last = *ng;
	g->have_last = true;
	make_gate(g, ng);
	g->next = (g->next + 1) % SLALOM_GATES;
	game_emit(base, GAME_EV_TARGET, g->made, "");
}

static void slalom_set_level(game *base, int level)
{
	slalom_game *g = (slalom_game *)base;
	double o, h, per_min;
	level_params(level, &o, &h, &per_min);
	base->level = level;
	g->pending_speed = per_min / 60.0; /* from the next gate on */
}

static void slalom_intent(const game *base, double *x, double *y)
{
	const slalom_game *g = (const slalom_game *)base;
	*x = g->gate[g->next].x;
	*y = 0;
}

static void slalom_result(const game *base, game_result *r)
{
	(void)base;
	(void)r;
}

static void slalom_destroy(game *g)
{
	free(g);
}

const struct game_ops slalom_ops = {
	.id = "slalom",
	.name = "Slalom",
	.goal = "Shift your weight left and right to ski through the gates",
	.instruction = "Lean left and right to ski through the gates",
	.default_duration_s = 120,
	.create = slalom_create,
	.tick = slalom_tick,
	.set_level = slalom_set_level,
	.intent = slalom_intent,
	.result = slalom_result,
	.describe_level = describe,
	.destroy = slalom_destroy,
};
