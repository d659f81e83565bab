#include "games/stillwater.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"

#define SHRINK 0.85

static void level_params(int level, double *r0, double *rmin, double *calm)
{
	*r0 = game_level_lerp(level, 0.30, 0.12);
	*rmin = game_level_lerp(level, 0.10, 0.03);
	*calm = game_level_lerp(level, 4.0, 2.0);
}

static void describe(int level, char *buf, size_t len)
{
	double r0, rmin, calm;
	level_params(level, &r0, &rmin, &calm);
	snprintf(buf, len, "ring %.0f %% LOS shrinking to %.0f %%, every %.1f s of calm", r0 * 100,
	         rmin * 100, calm);
}

static void apply_level(stillwater_game *g, int level)
{
	level_params(level, &g->r_start, &g->r_min, &g->calm_need_s);
}

static int stillwater_create(game **out, const game_cfg *cfg)
{
	stillwater_game *g = calloc(1, sizeof *g);
	if (!g)
		return POISE_E_NOMEM;
	int rc = game_base_init(&g->base, &stillwater_ops, cfg);
	if (rc) {
		free(g);
		return rc;
	}
	apply_level(g, cfg->level);
	g->radius = g->r_start;
	g->inside = true;
	*out = &g->base;
	return POISE_OK;
}

static void stillwater_tick(game *base)
{
	stillwater_game *g = (stillwater_game *)base;
	if (g->ripple_s > 0)
		g->ripple_s -= GAME_TICK_S;
	if (g->shrink_s > 0)
		g->shrink_s -= GAME_TICK_S;
	bool inside = hypot(base->in.x, base->in.y) <= g->radius;
	if (inside) {
		base->in_target_s += GAME_TICK_S;
		g->calm_s += GAME_TICK_S;
		if (game_reached(g->calm_s, g->calm_need_s)) {
			g->calm_s = 0;
			if (g->radius > g->r_min) {
				g->radius = fmax(g->r_min, g->radius * SHRINK);
				g->shrink_s = 0.5;
			}
			game_hit(base, "calm");
		}
	} else if (g->inside) {
		g->calm_s = 0;
		g->radius = fmin(g->r_start, g->radius / SHRINK);
		g->ripple_s = 0.8;
		game_miss(base, "left the ring");
	}
	g->inside = inside;
}

static void stillwater_set_level(game *base, int level)
{
	stillwater_game *g = (stillwater_game *)base;
	base->level = level;
	apply_level(g, level);
	g->radius = fmin(fmax(g->radius, g->r_min), g->r_start);
}

static void stillwater_intent(const game *base, double *x, double *y)
{
	(void)base;
	*x = 0;
	*y = 0;
}

static void stillwater_result(const game *base, game_result *r)
{
	r->score = base->t_s > 0 ? 100.0 * base->in_target_s / base->t_s : 0;
}

static void stillwater_destroy(game *g)
{
	free(g);
}

const struct game_ops stillwater_ops = {
	.id = "stillwater",
	.name = "Still water",
	.goal = "Stand calm to keep the floating ball inside the shrinking ring",
	.instruction = "Stand calm: keep the ball inside the ring",
	.default_duration_s = 90,
	.create = stillwater_create,
	.tick = stillwater_tick,
	.set_level = stillwater_set_level,
	.intent = stillwater_intent,
	.result = stillwater_result,
	.describe_level = describe,
	.destroy = stillwater_destroy,
};
