#include "games/runner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

void grun_cfg_default(grun_cfg *c)
{
	memset(c, 0, sizeof *c);
	stair_cfg_default(&c->stair);
	los_default(&c->los, 1.70);
	c->settle_s = 2.0;
	c->resume_s = 3.0;
}

/* Lets the attempts since the last look drive the staircase: from the
 * game's counters, so the level moves whether or not anybody reads the
 * event queue. Its level changes join the game's queue. */
static void collect_events(grun *r)
{
	while (r->hits_seen < r->g->hits || r->misses_seen < r->g->misses) {
		bool hit = r->hits_seen < r->g->hits;
		if (hit)
			r->hits_seen++;
		else
			r->misses_seen++;
		const stair *st = &r->st;
		if (hit && st->cfg.adaptive && st->level == st->cfg.max_level &&
		    st->successes + 1 >= st->cfg.up_after && !r->mastered) {
			r->mastered = true;
			if (r->next_rung > 0)
				game_emit(r->g, GAME_EV_MASTERED, r->next_rung, r->next_step);
		}
		int change = stair_record(&r->st, hit);
		if (change) {
			r->g->ops->set_level(r->g, r->st.level);
			game_emit(r->g, GAME_EV_LEVEL, r->st.level, change > 0 ? "up" : "down");
		}
	}
}

int grun_create(grun **out, const struct game_ops *ops, const game_cfg *gcfg, const grun_cfg *rc)
{
	grun *r = calloc(1, sizeof *r);
	if (!r)
		return POISE_E_NOMEM;
	int rc2 = stair_init(&r->st, &rc->stair, gcfg->level);
	if (rc2 == POISE_OK) {
		game_cfg c = *gcfg;
		c.level = r->st.level; /* the prescription's range wins */
		rc2 = ops->create(&r->g, &c);
	}
	if (rc2) {
		free(r);
		return rc2;
	}
	r->los = rc->los;
	r->settle_s = rc->settle_s;
	r->resume_s = rc->resume_s > 0 ? rc->resume_s : 0;
	r->next_rung = rc->next_rung;
	memcpy(r->next_step, rc->next_step, sizeof r->next_step);
	r->next_step[sizeof r->next_step - 1] = 0;
	r->phase = rc->settle_s > 0 ? GRUN_SETTLE : GRUN_PLAY;
	*out = r;
	return POISE_OK;
}

void grun_destroy(grun *r)
{
	if (!r)
		return;
	game_destroy(r->g);
	free(r);
}

void grun_set_cop(grun *r, double x_mm, double y_mm, bool present)
{
	present = present && isfinite(x_mm) && isfinite(y_mm);
	r->in.present = present;
	if (!present)
		return;
	if (r->phase == GRUN_SETTLE) {
		r->settle_sx += x_mm;
		r->settle_sy += y_mm;
		r->settle_n++;
	}
	los_to_unit(&r->los, x_mm, y_mm, &r->in.x, &r->in.y);
}

static void emit_runner_event(grun *r, int kind, const char *detail)
{
	game_emit(r->g, kind, 0, detail);
	collect_events(r);
}

double grun_advance(grun *r, double dt_s)
{
	if (r->phase == GRUN_DONE || !(dt_s > 0))
		return 0;
	if (r->phase == GRUN_SETTLE) {
		if (r->in.present)
			r->settle_t_s += dt_s;
		if (r->settle_t_s < r->settle_s || r->settle_n == 0)
			return 0;
		r->los.origin_x_mm = r->settle_sx / (double)r->settle_n;
		r->los.origin_y_mm = r->settle_sy / (double)r->settle_n;
		r->phase = GRUN_PLAY;
		r->in.x = r->in.y = 0; /* the centre, by definition */
		dt_s = 0;
	}
	if (!r->in.present) {
		if (!r->paused) {
			r->paused = true;
			emit_runner_event(r, GAME_EV_PAUSE, "stepped off");
		}
		r->resume_t_s = 0;
		r->acc_s = 0;
		return 0;
	}
	if (r->paused) {
		/* Back on the plate: a calm countdown before the game goes on. */
		r->resume_t_s += dt_s;
		if (r->resume_t_s + 1e-9 < r->resume_s)
			return 0;
		r->paused = false;
		r->resume_t_s = 0;
		emit_runner_event(r, GAME_EV_RESUME, "");
		dt_s = 0;
	}
	r->acc_s += dt_s;
	int ticks = 0;
	while (r->acc_s >= GAME_TICK_S && ticks < GRUN_MAX_CATCHUP) {
		game_step(r->g, &r->in);
		collect_events(r);
		r->acc_s -= GAME_TICK_S;
		ticks++;
		if (game_finished(r->g)) {
			r->phase = GRUN_DONE;
			return 0;
		}
	}
	if (r->acc_s > GAME_TICK_S)
		r->acc_s = GAME_TICK_S; /* fell behind: drop time, never spiral */
	return r->acc_s / GAME_TICK_S;
}

bool grun_pop_event(grun *r, game_event *out)
{
	return game_pop_event(r->g, out);
}

void grun_intent_mm(const grun *r, double *x_mm, double *y_mm)
{
	double u = 0, v = 0;
	if (r->phase == GRUN_PLAY)
		r->g->ops->intent(r->g, &u, &v);
	los_to_mm(&r->los, u, v, x_mm, y_mm);
}

double grun_resume_left_s(const grun *r)
{
	if (!r->paused || !r->in.present)
		return 0;
	double left = r->resume_s - r->resume_t_s;
	return left > 0 ? left : 0;
}

double grun_settle_progress(const grun *r)
{
	if (r->phase != GRUN_SETTLE)
		return 1;
	return r->settle_s > 0 ? fmin(1, r->settle_t_s / r->settle_s) : 1;
}
