#include "games/game.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

int game_base_init(game *g, const struct game_ops *ops, const game_cfg *cfg)
{
	if (cfg->level < GAME_LEVEL_MIN || cfg->level > GAME_LEVEL_MAX || !(cfg->duration_s > 0) ||
	    cfg->los_min < 0 || cfg->los_max <= cfg->los_min || cfg->los_max > 1.5 || !cond_valid(&cfg->cond))
		return POISE_E_INVALID;
	memset(g, 0, sizeof *g);
	g->ops = ops;
	g->cfg = *cfg;
	rng_seed(&g->rng, cfg->seed);
	g->level = g->level_start = g->level_max = cfg->level;
	cog_init(&g->cog, cfg->cond.dual_task, false, cfg->seed);
	g->cue_next_s = cfg->cond.head_turn_s;
	return POISE_OK;
}

void game_cog_by_choice(game *g, bool by_choice)
{
	cog_init(&g->cog, g->cfg.cond.dual_task, by_choice, g->cfg.seed);
}

double game_dual_task_cost_pct(double single, double dual)
{
	if (!isfinite(single) || !isfinite(dual) || single == 0)
		return NAN;
	return (dual - single) / fabs(single) * 100.0;
}

const char *game_cue_word(int dir)
{
	return dir < 0 ? "left" : dir > 0 ? "right" : "centre";
}

bool game_cog_mark(game *g, bool correct)
{
	if (cog_by_choice(&g->cog) || !cog_answer(&g->cog, correct, correct, g->t_s))
		return false;
	game_emit(g, GAME_EV_ANSWER, correct ? 1 : 0, "marked");
	return true;
}

/* What every game gets besides its own tick: the aloud cognitive prompts
 * and the head-turn cues, both on game time. */
static void base_tick(game *g)
{
	const cog_item *it = cog_tick(&g->cog, g->t_s);
	if (it)
		game_emit(g, GAME_EV_PROMPT, it->id, it->prompt);
	double every = g->cfg.cond.head_turn_s;
	if (every > 0 && game_reached(g->t_s, g->cue_next_s)) {
		static const int seq[4] = {-1, 0, 1, 0}; /* left, centre, right, centre */
		g->cue_dir = seq[g->cue_k++ % 4];
		g->cue_next_s += every;
		game_emit(g, GAME_EV_CUE, g->cue_dir, game_cue_word(g->cue_dir));
	}
}

void game_emit(game *g, int kind, double value, const char *detail)
{
	if (kind == GAME_EV_LEVEL) {
		g->level = (int)value;
		if (g->level > g->level_max)
			g->level_max = g->level;
	}
	if (g->ev_count == GAME_MAX_EVENTS) { /* nobody reads: say so, keep order */
		g->ev_lost++;
		return;
	}
	game_event *e = &g->ev[(g->ev_head + g->ev_count) % GAME_MAX_EVENTS];
	g->ev_count++;
	e->t_s = g->t_s;
	e->kind = kind;
	e->value = value;
	snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
}

void game_hit(game *g, const char *detail)
{
	g->hits++;
	game_emit(g, GAME_EV_HIT, g->hits, detail);
}

void game_miss(game *g, const char *detail)
{
	g->misses++;
	game_emit(g, GAME_EV_MISS, g->misses, detail);
}

double game_clamp_range(const game *g, double d)
{
	return d < g->cfg.los_min ? g->cfg.los_min : d > g->cfg.los_max ? g->cfg.los_max : d;
}

bool game_reached(double t_s, double need_s)
{
	return t_s + GAME_TICK_S / 2 >= need_s;
}

double game_level_lerp(int level, double at1, double at10)
{
	return at1 + (at10 - at1) * (level - 1) / 9.0;
}

void game_step(game *g, const game_input *in)
{
	g->prev_in = g->in;
	g->in = *in;
	g->ops->tick(g);
	base_tick(g);
	g->t_s += GAME_TICK_S;
}

bool game_finished(const game *g)
{
	return game_reached(g->t_s, g->cfg.duration_s);
}

bool game_pop_event(game *g, game_event *out)
{
	if (!g->ev_count)
		return false;
	*out = g->ev[g->ev_head];
	g->ev_head = (g->ev_head + 1) % GAME_MAX_EVENTS;
	g->ev_count--;
	return true;
}

void game_get_result(const game *g, game_result *r)
{
	*r = (game_result){
		.game = g->ops->id,
		.level_start = g->level_start,
		.level_end = g->level,
		.level_max = g->level_max,
		.hits = g->hits,
		.misses = g->misses,
		.time_in_target_s = g->in_target_s,
		.play_time_s = g->t_s,
		.tracking_rms = NAN,
		.reaction_time_s = g->rt_n ? g->rt_sum_s / g->rt_n : NAN,
		.path_efficiency = g->eff_n ? g->eff_sum / g->eff_n : NAN,
		.dual_task_cost_pct = NAN,
		.dual_task_cost_sway_pct = NAN,
		.cond = g->cfg.cond,
	};
	cog_result(&g->cog, &r->cognitive_correct, &r->cognitive_errors, &r->cognitive_rt_s);
	int n = g->hits + g->misses;
	r->score = n ? 100.0 * g->hits / n : 0;
	g->ops->result(g, r);
}

#define FIELD(k, m, l, u, i) {#k, l, u, offsetof(game_result, m), i}
static const game_result_field result_fields[] = {
	FIELD(score, score, "Score", "", false),
	FIELD(hits, hits, "Hits", "", true),
	FIELD(misses, misses, "Misses", "", true),
	FIELD(time_in_target_s, time_in_target_s, "Time in target", "s", false),
	FIELD(play_time_s, play_time_s, "Playing time", "s", false),
	FIELD(level_start, level_start, "Level at the start", "", true),
	FIELD(level_end, level_end, "Level at the end", "", true),
	FIELD(level_max, level_max, "Highest level", "", true),
	FIELD(tracking_rms_los, tracking_rms, "Tracking error", "LOS", false),
	FIELD(reaction_time_s, reaction_time_s, "Reaction time", "s", false),
	FIELD(path_efficiency, path_efficiency, "Path efficiency", "", false),
	FIELD(cognitive_correct, cognitive_correct, "Answers right", "", false),
	FIELD(cognitive_errors, cognitive_errors, "Answers wrong", "", false),
	FIELD(cognitive_rt_s, cognitive_rt_s, "Answer time", "s", false),
	FIELD(dual_task_cost_pct, dual_task_cost_pct, "Dual-task cost, score", "%", false),
	FIELD(dual_task_cost_sway_pct, dual_task_cost_sway_pct, "Dual-task cost, sway", "%", false),
};
#undef FIELD

const game_result_field *game_result_fields(size_t *n)
{
	*n = sizeof result_fields / sizeof result_fields[0];
	return result_fields;
}

double game_result_value(const game_result *r, const game_result_field *f)
{
	const char *p = (const char *)r + f->offset;
	return f->is_int ? *(const int *)p : *(const double *)p;
}

void game_result_set(game_result *r, const game_result_field *f, double v)
{
	char *p = (char *)r + f->offset;
	if (f->is_int)
		*(int *)p = (int)lround(v);
	else
		*(double *)p = v;
}

void game_destroy(game *g)
{
	if (g)
		g->ops->destroy(g);
}
