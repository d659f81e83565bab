#include "session/writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct ses_writer {
	ses_consumer base;
	ses_writer_cfg cfg;
	store_rec *rec;
	char kind[48];
	char *params, *level;
	bool begun, ended;
	int err;
};

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

static int writer_sample(ses_consumer *c, const cop_sample *s)
{
	return ses_writer_push((ses_writer *)c, s);
}

static int writer_note(ses_consumer *c, enum ses_note what, mono_us t_us, int err)
{
	/* A failure here is kept and returned by the next push. */
	const char *detail = what == SES_NOTE_LOST ? poise_strerror(err) : NULL;
	ses_writer_event((ses_writer *)c, t_us, ses_note_name(what), detail);
	return POISE_OK;
}

static const struct ses_consumer_ops writer_ops = {
	.name = "writer",
	.sample = writer_sample,
	.note = writer_note,
};

int ses_writer_create(ses_writer **out, const ses_writer_cfg *cfg)
{
	if (!out || !cfg || !cfg->db || !cfg->kind || strlen(cfg->kind) >= sizeof ((ses_writer *)0)->kind ||
	    !(cfg->rate_hz > 0))
		return POISE_E_INVALID;
	ses_writer *w = calloc(1, sizeof *w);
	if (!w)
		return POISE_E_NOMEM;
	w->cfg = *cfg;
	snprintf(w->kind, sizeof w->kind, "%s", cfg->kind);
	w->params = dup_or_null(cfg->params_json);
	w->level = dup_or_null(cfg->level_json);
	store_rec_cfg rc;
	store_rec_cfg_default(&rc);
	rc.caller_metrics = cfg->caller_metrics;
	int err = (cfg->params_json && !w->params) || (cfg->level_json && !w->level) ? POISE_E_NOMEM
	        : store_rec_create(&w->rec, cfg->db, &rc);
	if (err) {
		free(w->params);
		free(w->level);
		free(w);
		return err;
	}
	w->cfg.kind = w->kind;
	w->cfg.params_json = w->params;
	w->cfg.level_json = w->level;
	w->base.ops = &writer_ops;
	*out = w;
	return POISE_OK;
}

void ses_writer_destroy(ses_writer *w)
{
	if (!w)
		return;
	store_rec_destroy(w->rec); /* ends an open trial as aborted */
	free(w->params);
	free(w->level);
	free(w);
}

ses_consumer *ses_writer_consumer(ses_writer *w)
{
	return &w->base;
}

int ses_writer_push(ses_writer *w, const cop_sample *s)
{
	if (w->err)
		return w->err;
	if (w->ended)
		return POISE_E_STATE;
	if (!w->begun) {
		bool ready = !w->cfg.wait_for_plate ||
		             ((s->flags & SAMPLE_ON_PLATE) && !(s->flags & SAMPLE_NO_COP));
		if (!ready)
			return POISE_OK;
		int rc = store_rec_begin(w->rec, w->cfg.session_id, w->kind, w->params, w->level, w->cfg.rate_hz,
		                         s->t_us, NULL);
		if (rc)
			return w->err = rc;
		w->begun = true;
	}
	int rc = store_rec_push(w->rec, s);
	if (rc)
		w->err = rc;
	return rc;
}

bool ses_writer_begun(const ses_writer *w)
{
	return w->begun;
}

int ses_writer_error(const ses_writer *w)
{
	return w->err;
}

int ses_writer_event(ses_writer *w, mono_us t_us, const char *kind, const char *detail)
{
	if (w->err)
		return w->err;
	if (!w->begun || w->ended)
		return POISE_OK;
	int rc = store_rec_event(w->rec, t_us, kind, detail);
	if (rc)
		w->err = rc;
	return rc;
}

int ses_writer_end(ses_writer *w, enum store_status status, met_static *m, bool *have)
{
	if (have)
		*have = false;
	if (!w->begun || w->ended)
		return POISE_E_STATE;
	w->ended = true;
	if (w->err && status == STORE_COMPLETE)
		status = STORE_ABORTED; /* a record with a hole is not complete */
	int rc = store_rec_end(w->rec, status, m, have);
	return rc ? rc : w->err;
}

int64_t ses_writer_trial_id(const ses_writer *w)
{
	return w->begun ? store_rec_trial_id(w->rec) : 0;
}

void ses_writer_stats(const ses_writer *w, store_rec_stats *out)
{
	store_rec_stats_get(w->rec, out);
}
