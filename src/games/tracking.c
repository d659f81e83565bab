#include "games/tracking.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"

#define HIT_SHARE 0.70

void tracking_level_params(int level, tracking_params *p)
{
	if (level <= 3) {
		double w = (level - 1) / 2.0;
		*p = (tracking_params){TRACK_SWAY, 0.30 + 0.10 * w, 6 - 1 * w, 0.15 - 0.02 * w};
	} else if (level <= 6) {
		double w = (level - 4) / 2.0;
		*p = (tracking_params){TRACK_CIRCLE, 0.30 + 0.10 * w, 10 - 2 * w, 0.12 - 0.02 * w};
	} else {
		double w = (level - 7) / 3.0;
		*p = (tracking_params){TRACK_EIGHT, 0.35 + 0.15 * w, 12 - 3 * w, 0.10 - 0.03 * w};
	}
}

void tracking_target_at(const tracking_params *p, double t_s, double *x, double *y)
{
	double ph = 2 * M_PI * t_s / p->period_s;
	switch (p->path) {
	case TRACK_SWAY: /* starts at the centre, right first */
		*x = p->size * sin(ph);
		*y = 0;
		break;
	case TRACK_CIRCLE: /* centred on the patient, starting on the right */
		*x = p->size * cos(ph);
		*y = p->size * sin(ph);
		break;
	case TRACK_EIGHT: /* Lissajous 1:2, through the centre */
		*x = p->size * sin(ph);
		*y = 0.5 * p->size * sin(2 * ph);
		break;
	}
}

static const char *const path_names[] = {"left-right", "circle", "figure-eight"};

static void describe(int level, char *buf, size_t len)
{
	tracking_params p;
	tracking_level_params(level, &p);
	snprintf(buf, len, "%s %.0f %% LOS, %.1f s per round, within %.2f", path_names[p.path],
	         p.size * 100, p.period_s, p.tolerance);
}

static void start_period(tracking_game *g)
{
	tracking_level_params(g->pending_level, &g->p);
	g->p.size = game_clamp_range(&g->base, g->p.size);
	g->phase_t_s = 0;
	g->cycle_in_s = 0;
}

static int tracking_create(game **out, const game_cfg *cfg)
{
	tracking_game *g = calloc(1, sizeof *g);
	if (!g)
		return POISE_E_NOMEM;
	int rc = game_base_init(&g->base, &tracking_ops, cfg);
	if (rc) {
		free(g);
		return rc;
	}
	g->pending_level = cfg->level;
	start_period(g);
	tracking_target_at(&g->p, 0, &g->tx, &g->ty);
	*out = &g->base;
	return POISE_OK;
}

static void tracking_tick(game *base)
{
	tracking_game *g = (tracking_game *)base;
	/* The target where it is during this tick (its position at the
	 * tick's start, which the player saw). */
	tracking_target_at(&g->p, g->phase_t_s, &g->tx, &g->ty);
	double e = hypot(base->in.x - g->tx, base->in.y - g->ty);
	g->err2_sum += e * e;
	g->err_n++;
	g->inside = e <= g->p.tolerance;
	if (g->inside) {
		base->in_target_s += GAME_TICK_S;
		g->cycle_in_s += GAME_TICK_S;
	}
	g->phase_t_s += GAME_TICK_S;
	if (game_reached(g->phase_t_s, g->p.period_s)) {
		if (game_reached(g->cycle_in_s, HIT_SHARE * g->p.period_s))
			game_hit(base, path_names[g->p.path]);
		else
			game_miss(base, path_names[g->p.path]);
		start_period(g);
		game_emit(base, GAME_EV_TARGET, base->hits + base->misses + 1, path_names[g->p.path]);
	}
}

static void tracking_set_level(game *base, int level)
{
	base->level = level;
	((tracking_game *)base)->pending_level = level;
}

static void tracking_intent(const game *base, double *x, double *y)
{
	const tracking_game *g = (const tracking_game *)base;
	/* Aim a little ahead, as people do with a predictable path. */
	tracking_target_at(&g->p, g->phase_t_s + 0.55, x, y);
}

static void tracking_result(const game *base, game_result *r)
{
	const tracking_game *g = (const tracking_game *)base;
	r->tracking_rms = g->err_n ? sqrt(g->err2_sum / (double)g->err_n) : NAN;
	r->score = base->t_s > 0 ? 100.0 * base->in_target_s / base->t_s : 0;
}

static void tracking_destroy(game *g)
{
	free(g);
}

const struct game_ops tracking_ops = {
	.id = "tracking",
	.name = "Tracking",
	.goal = "Follow the gliding target: rhythmic and circular weight shifts",
	.instruction = "Follow the glowing circle with your body",
	.default_duration_s = 120,
	.create = tracking_create,
	.tick = tracking_tick,
	.set_level = tracking_set_level,
	.intent = tracking_intent,
	.result = tracking_result,
	.describe_level = describe,
	.destroy = tracking_destroy,
};
