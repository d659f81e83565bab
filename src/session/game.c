#include "session/game.h"

#include <math.h>
#include <stdlib.h>

#include "core/analysis.h"
#include "core/error.h"
#include "core/filter.h"

#define SWAY_MIN_S 3.0 /* less sway while playing than this: no metrics */

struct ses_game {
	ses_consumer base;
	ses_game_cfg cfg;
	grun *run;
	flt_oneeuro cursor;
	double period_s;
	double alpha;
	bool started, done, aborted;
	mono_us t0_us;   /* the first sample's time: sway times count from it */
	size_t n_samples;
	/* Sway while playing: times from t0 (s) and the recorded COP. */
	double *t_s, *x_mm, *y_mm;
	size_t n_sway, cap;
	bool sway_done, have_sway;
	met_static sway;
	ses_game_cursor_fn on_cursor;
	void *cursor_ctx;
};

void ses_game_cfg_default(ses_game_cfg *cfg, const struct game_ops *ops, double rate_hz)
{
	*cfg = (ses_game_cfg){
		.ops = ops,
		.game = {.level = 1, .duration_s = ops->default_duration_s, .los_min = 0, .los_max = 1},
		.rate_hz = rate_hz,
		.cursor_min_cutoff_hz = PL_GAME_MIN_CUTOFF_HZ,
		.cursor_beta = PL_GAME_BETA,
		.ref_score = NAN,
		.ref_sway_mm_s = NAN,
	};
	grun_cfg_default(&cfg->run);
}

static bool is_valid(const cop_sample *s)
{
	return (s->flags & SAMPLE_ON_PLATE) && !(s->flags & SAMPLE_NO_COP) && isfinite(s->x_mm) &&
	       isfinite(s->y_mm);
}

static int game_sample(ses_consumer *c, const cop_sample *s)
{
	ses_game *g = (ses_game *)c;
	if (g->done)
		return POISE_OK;
	if (!g->started) {
		g->started = true;
		g->t0_us = s->t_us;
		flt_oneeuro_reset(&g->cursor);
	}
	g->n_samples++;
	bool valid = is_valid(s);
	double xf = NAN, yf = NAN;
	if ((s->flags & SAMPLE_RESTART) || !valid)
		flt_oneeuro_reset(&g->cursor);
	if (valid) {
		xf = s->x_mm;
		yf = s->y_mm;
		flt_oneeuro_step(&g->cursor, &xf, &yf);
	}
	bool was_playing = g->run->phase == GRUN_PLAY;
	grun_set_cop(g->run, xf, yf, valid);
	g->alpha = grun_advance(g->run, g->period_s);
	if (g->on_cursor)
		g->on_cursor(g->cursor_ctx, valid ? g->run->in.x : NAN, valid ? g->run->in.y : NAN,
		             g->run->phase == GRUN_PLAY && !g->run->paused);
	if (valid && was_playing && !g->run->paused) {
		if (g->n_sway == g->cap)
			return POISE_E_OVERFLOW; /* cannot happen: cap covers the playing time */
		g->t_s[g->n_sway] = (double)(s->t_us - g->t0_us) * 1e-6;
		g->x_mm[g->n_sway] = s->x_mm;
		g->y_mm[g->n_sway] = s->y_mm;
		g->n_sway++;
	}
	game_event e;
	while (grun_pop_event(g->run, &e)) {
		int rc = g->cfg.on_event ? g->cfg.on_event(g->cfg.ctx, s->t_us, &e) : POISE_OK;
		if (rc)
			return rc;
	}
	if (g->run->g->ev_lost)
		return POISE_E_OVERFLOW;
	if (g->run->phase == GRUN_DONE)
		g->done = true;
	return POISE_OK;
}

static const struct ses_consumer_ops game_ops = {
	.name = "game",
	.sample = game_sample,
};

int ses_game_create(ses_game **out, const ses_game_cfg *cfg)
{
	if (!out || !cfg || !cfg->ops || !(cfg->rate_hz > 0) || !(cfg->game.duration_s > 0) ||
	    cfg->game.duration_s > 24 * 3600)
		return POISE_E_INVALID;
	ses_game *g = calloc(1, sizeof *g);
	if (!g)
		return POISE_E_NOMEM;
	g->cfg = *cfg;
	g->period_s = 1.0 / cfg->rate_hz;
	int rc = flt_oneeuro_init(&g->cursor, cfg->rate_hz, cfg->cursor_min_cutoff_hz, cfg->cursor_beta, 1.0);
	if (rc == POISE_OK)
		rc = grun_create(&g->run, cfg->ops, &cfg->game, &cfg->run);
	if (rc == POISE_OK) {
		/* Playing time counts only ticks on which the game ran, one
		 * sample or more each: this bounds the samples that count. */
		g->cap = (size_t)ceil((cfg->game.duration_s + 1) * cfg->rate_hz) + 16;
		g->t_s = malloc(g->cap * sizeof *g->t_s);
		g->x_mm = malloc(g->cap * sizeof *g->x_mm);
		g->y_mm = malloc(g->cap * sizeof *g->y_mm);
		if (!g->t_s || !g->x_mm || !g->y_mm)
			rc = POISE_E_NOMEM;
	}
	if (rc) {
		ses_game_destroy(g);
		return rc;
	}
	g->base.ops = &game_ops;
	*out = g;
	return POISE_OK;
}

void ses_game_destroy(ses_game *g)
{
	if (!g)
		return;
	grun_destroy(g->run);
	free(g->t_s);
	free(g->x_mm);
	free(g->y_mm);
	free(g);
}

ses_consumer *ses_game_consumer(ses_game *g)
{
	return &g->base;
}

bool ses_game_done(const ses_game *g)
{
	return g->done;
}

void ses_game_abort(ses_game *g)
{
	if (g->done)
		return;
	g->done = true;
	g->aborted = true;
}

bool ses_game_aborted(const ses_game *g)
{
	return g->aborted;
}

const grun *ses_game_runner(const ses_game *g)
{
	return g->run;
}

double ses_game_alpha(const ses_game *g)
{
	return g->alpha;
}

size_t ses_game_samples(const ses_game *g)
{
	return g->n_samples;
}

size_t ses_game_sway_samples(const ses_game *g)
{
	return g->n_sway;
}

void ses_game_set_cursor_hook(ses_game *g, ses_game_cursor_fn fn, void *ctx)
{
	g->on_cursor = fn;
	g->cursor_ctx = ctx;
}

bool ses_game_cog_mark(ses_game *g, bool correct)
{
	if (g->done || g->run->phase != GRUN_PLAY || g->run->paused)
		return false;
	return game_cog_mark(g->run->g, correct);
}

void ses_game_intent_mm(const ses_game *g, double *x_mm, double *y_mm)
{
	grun_intent_mm(g->run, x_mm, y_mm);
}

void ses_game_result(ses_game *g, game_result *r, met_static *sway, bool *have_sway)
{
	if (r)
		game_get_result(g->run->g, r);
	if (g->done && !g->sway_done) {
		g->sway_done = true;
		ana_cfg ac;
		ana_cfg_default(&ac);
		g->have_sway = g->n_sway >= 3 && g->t_s[g->n_sway - 1] - g->t_s[0] >= SWAY_MIN_S &&
		               ana_static_metrics(g->t_s, g->x_mm, g->y_mm, g->n_sway, &ac, &g->sway) ==
		                   POISE_OK;
	}
	bool have = g->done && g->have_sway;
	if (r && r->cond.dual_task != COND_DUAL_NONE) {
		r->dual_task_cost_pct = game_dual_task_cost_pct(g->cfg.ref_score, r->score);
		r->dual_task_cost_sway_pct =
			have ? game_dual_task_cost_pct(g->cfg.ref_sway_mm_s, g->sway.mean_velocity_mm_s) : NAN;
	}
	if (sway && have)
		*sway = g->sway;
	if (have_sway)
		*have_sway = have;
}
