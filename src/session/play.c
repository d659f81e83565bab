#include "session/play.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/cond.h"
#include "core/los.h"
#include "core/error.h"
#include "session/training.h"
#include "session/writer.h"

struct ses_play {
	ses_consumer base;
	ses_play_cfg cfg;
	ses_game *game;
	ses_writer *writer; /* NULL: not recorded */
	bool finished;
	pres_cfg saved_presence; /* the pipeline's, before attach */
	bool presence_set;
};

/* Every game event: into the trial log, then to the caller. */
static int play_event(void *ctx, mono_us t_us, const game_event *e)
{
	ses_play *p = ctx;
	if (p->writer) {
		char detail[256];
		train_event_detail(e, detail, sizeof detail);
		/* A failed write stops the recording, never the game. */
		ses_writer_event(p->writer, t_us, train_event_kind(e->kind), detail);
	}
	return p->cfg.on_event ? p->cfg.on_event(p->cfg.ctx, t_us, e) : POISE_OK;
}

static int play_sample(ses_consumer *c, const cop_sample *s)
{
	ses_play *p = (ses_play *)c;
	if (ses_game_done(p->game))
		return POISE_OK;
	/* The sample first, so the events it causes carry its time inside
	 * the trial. A write failure is kept (ses_play_record_error). */
	if (p->writer)
		ses_writer_push(p->writer, s);
	return ses_game_consumer(p->game)->ops->sample(ses_game_consumer(p->game), s);
}

static int play_note(ses_consumer *c, enum ses_note what, mono_us t_us, int err)
{
	ses_play *p = (ses_play *)c;
	if (p->writer && !ses_game_done(p->game))
		ses_writer_consumer(p->writer)->ops->note(ses_writer_consumer(p->writer), what, t_us, err);
	return POISE_OK;
}

static const struct ses_consumer_ops play_ops = {
	.name = "play",
	.sample = play_sample,
	.note = play_note,
};

int ses_play_create(ses_play **out, const ses_play_cfg *cfg)
{
	if (!out || !cfg)
		return POISE_E_INVALID;
	ses_play *p = calloc(1, sizeof *p);
	if (!p)
		return POISE_E_NOMEM;
	p->cfg = *cfg;
	ses_game_cfg gc = cfg->game;
	gc.on_event = play_event;
	gc.ctx = p;
	int rc = ses_game_create(&p->game, &gc);
	if (rc == POISE_OK && cfg->db) {
		char kind[64], params[2048], level[32];
		train_kind(gc.ops, kind, sizeof kind);
		snprintf(level, sizeof level, "{\"start\": %d}", gc.game.level);
		rc = train_params_json(&gc, cfg->prescribed, params, sizeof params);
		if (rc == POISE_OK) {
			ses_writer_cfg wc = {.db = cfg->db, .session_id = cfg->session_id, .kind = kind,
			                     .params_json = params, .level_json = level, .rate_hz = gc.rate_hz,
			                     .caller_metrics = true};
			rc = ses_writer_create(&p->writer, &wc);
		}
	}
	if (rc) {
		ses_play_destroy(p);
		return rc;
	}
	p->base.ops = &play_ops;
	*out = p;
	return POISE_OK;
}

void ses_play_destroy(ses_play *p)
{
	if (!p)
		return;
	ses_writer_destroy(p->writer);
	ses_game_destroy(p->game);
	free(p);
}

ses_consumer *ses_play_consumer(ses_play *p)
{
	return &p->base;
}

ses_game *ses_play_game(ses_play *p)
{
	return p->game;
}

bool ses_play_done(const ses_play *p)
{
	return ses_game_done(p->game) || p->base.err != POISE_OK;
}

void ses_play_abort(ses_play *p)
{
	ses_game_abort(p->game);
}

int ses_play_record_error(const ses_play *p)
{
	return p->writer ? ses_writer_error(p->writer) : POISE_OK;
}

bool ses_play_recording(const ses_play *p)
{
	return p->writer && ses_writer_begun(p->writer);
}

int ses_play_finish(ses_play *p, enum store_status status, ses_play_result *out)
{
	ses_game_abort(p->game); /* no-op if it ended by itself */
	ses_play_result r = {.status = status};
	ses_game_result(p->game, &r.result, &r.sway, &r.have_sway);
	int rc = POISE_OK;
	if (p->writer && ses_writer_begun(p->writer) && !p->finished) {
		p->finished = true;
		r.trial_id = ses_writer_trial_id(p->writer);
		bool failed = ses_writer_error(p->writer) != POISE_OK;
		rc = ses_writer_end(p->writer, status, NULL, NULL);
		if (failed && r.status == STORE_COMPLETE)
			r.status = STORE_ABORTED;
		/* The results go in even when the samples stopped early: they are
		 * what the game counted. */
		store *db = p->cfg.db;
		int rc2 = train_store_result(db, r.trial_id, &r.result);
		if (rc2 == POISE_OK && r.have_sway)
			rc2 = store_metrics_put_static(db, r.trial_id, &r.sway);
		if (!rc)
			rc = rc2;
	}
	*out = r;
	return rc;
}

int ses_play_attach(ses_play *p, ses_engine *e)
{
	int rc = ses_attach(e, &p->base);
	if (rc)
		return rc;
	pipeline *pl = ses_pipeline(e);
	p->saved_presence = *pl_presence(pl);
	p->presence_set = true;
	pres_cfg pc;
	cond_presence(p->cfg.game.game.cond.stance, &pc);
	pl_set_presence(pl, &pc);
	return POISE_OK;
}

void ses_play_detach(ses_play *p, ses_engine *e)
{
	ses_detach(e, &p->base);
	if (p->presence_set)
		pl_set_presence(ses_pipeline(e), &p->saved_presence);
	p->presence_set = false;
	ses_posture(e, &(dev_posture){0}); /* the simulated person stands again */
}

bool ses_play_cog_mark(ses_play *p, bool correct)
{
	return ses_game_cog_mark(p->game, correct);
}

void ses_play_sim_turn(ses_play *p, ses_engine *e, bool on_plate)
{
	if (!ses_can_steer(e))
		return;
	const grun *run = ses_game_runner(p->game);
	const game *g = run->g;
	const cond_set *c = &g->cfg.cond;
	dev_posture pos = {.stance = c->stance, .foam = c->surface == COND_FOAM, .eyes_closed = c->eyes_closed};
	ses_posture(e, &pos);
	dev_steer st = {.on_plate = on_plate, .active = true};
	ses_game_intent_mm(p->game, &st.x_mm, &st.y_mm);
	const cog_task *cog = &g->cog;
	if (run->phase == GRUN_PLAY && cog->active && !cog->cur.answered) {
		const cog_item *it = &cog->cur;
		int a = ses_answer(e, it->id, it->n_choices > 0 ? it->n_choices : 2);
		if (it->n_choices > 0 && a >= 0) { /* leans to the answer they chose */
			int k = (it->right + a) % it->n_choices;
			los_to_mm(&run->los, it->x[k], it->y[k], &st.x_mm, &st.y_mm);
		} else if (it->n_choices == 0 && a >= 0 && g->t_s - it->shown_s >= SES_PLAY_SIM_ANSWER_S) {
			ses_game_cog_mark(p->game, a == 0); /* said aloud, marked */
		}
	}
	ses_steer(e, &st);
}
