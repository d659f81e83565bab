#include "session/assess.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "session/writer.h"

#define MAX_IDS 256

struct ses_assess {
	ses_consumer base;
	ses_assess_cfg cfg;
	atest *m;
	ses_writer *w;       /* the trial being recorded */
	int64_t ids[MAX_IDS];
	size_t n_ids;
	int err;             /* the store's error that stopped the storing */
	mono_us last_us;
	bool finished;
	atest_value vals[ATEST_MAX_VALUES];
};

static enum store_status status_of(enum atest_outcome o)
{
	switch (o) {
	case ATEST_OK:
	case ATEST_NO_RISE: /* the protocol ran to its end; the metrics say no rise */
		return STORE_COMPLETE;
	case ATEST_FALL:
		return STORE_STEPPED_OFF;
	default:
		return STORE_ABORTED;
	}
}

static void keep_error(ses_assess *a, int rc)
{
	if (rc && !a->err)
		a->err = rc;
}

/* The trial's measures as metrics (the static sway metrics, then the
 * test's own). */
static int store_trial_metrics(ses_assess *a, int64_t id, const atest_trial *t)
{
	int rc = t->have_sway ? store_metrics_put_static(a->cfg.db, id, &t->sway) : POISE_OK;
	size_t n = atest_trial_values(a->m, t, a->vals, ATEST_MAX_VALUES);
	for (size_t i = 0; i < n && i < ATEST_MAX_VALUES && rc == POISE_OK; i++)
		if (isfinite(a->vals[i].v))
			rc = store_metric_put(a->cfg.db, id, a->vals[i].key, a->vals[i].v, a->vals[i].unit);
	return rc;
}

static void begin_trial(ses_assess *a, double rate_hz)
{
	if (!a->cfg.db || a->err)
		return;
	char params[512];
	ses_writer_cfg wc = {.db = a->cfg.db, .session_id = a->cfg.session_id, .kind = atest_trial_kind(a->m),
	                     .params_json = atest_trial_params(a->m, params, sizeof params), .rate_hz = rate_hz,
	                     .wait_for_plate = false, .caller_metrics = true};
	keep_error(a, ses_writer_create(&a->w, &wc));
}

/* The trial that just ended (atest_last_trial()): closes its recording
 * with status (the outcome's, unless the plate was lost) and stores its
 * measures. */
static void end_trial(ses_assess *a, enum store_status *forced)
{
	const atest_trial *t = atest_last_trial(a->m);
	int64_t id = 0;
	if (a->w) {
		enum store_status st = forced ? *forced : status_of(t->outcome);
		if (ses_writer_begun(a->w)) {
			keep_error(a, ses_writer_end(a->w, st, NULL, NULL));
			id = ses_writer_trial_id(a->w);
			if (id && !a->err)
				keep_error(a, store_trial_metrics(a, id, t));
		}
		ses_writer_destroy(a->w);
		a->w = NULL;
	}
	if (a->n_ids < MAX_IDS)
		a->ids[a->n_ids++] = id;
}

static void write_log(ses_assess *a)
{
	mono_us t;
	const char *detail, *kind;
	for (size_t i = 0; a->w && (kind = atest_log(a->m, i, &t, &detail)); i++)
		keep_error(a, ses_writer_event(a->w, t, kind, detail));
}

static int assess_sample(ses_consumer *c, const cop_sample *s)
{
	ses_assess *a = (ses_assess *)c;
	if (atest_done(a->m))
		return POISE_OK;
	a->last_us = s->t_us;
	unsigned r = atest_push(a->m, s);
	if (r & ATEST_R_BEGIN)
		begin_trial(a, atest_config(a->m)->rate_hz);
	if (a->w && (r & (ATEST_R_BEGIN | ATEST_R_END) || atest_recording(a->m)))
		if (ses_writer_push(a->w, s) != POISE_OK)
			keep_error(a, ses_writer_error(a->w));
	if (r & ATEST_R_LOG)
		write_log(a);
	if (r & ATEST_R_END)
		end_trial(a, NULL);
	if ((r & ATEST_R_CUE) && a->cfg.on_cue)
		a->cfg.on_cue(a->cfg.ctx, atest_cue_now(a->m));
	return POISE_OK;
}

static int assess_note(ses_consumer *c, enum ses_note what, mono_us t_us, int err)
{
	ses_assess *a = (ses_assess *)c;
	if (atest_done(a->m))
		return POISE_OK;
	if (a->w)
		ses_writer_consumer(a->w)->ops->note(ses_writer_consumer(a->w), what, t_us, err);
	if (what == SES_NOTE_LOST || what == SES_NOTE_NO_DATA) {
		enum store_status lost = STORE_DEVICE_LOST;
		if (atest_abort(a->m, a->last_us))
			end_trial(a, &lost);
	}
	return POISE_OK;
}

static const struct ses_consumer_ops assess_ops = {
	.name = "assess",
	.sample = assess_sample,
	.note = assess_note,
};

int ses_assess_create(ses_assess **out, const ses_assess_cfg *cfg)
{
	if (!out || !cfg)
		return POISE_E_INVALID;
	ses_assess *a = calloc(1, sizeof *a);
	if (!a)
		return POISE_E_NOMEM;
	a->cfg = *cfg;
	int rc = atest_create(&a->m, &cfg->test);
	if (rc) {
		free(a);
		return rc;
	}
	a->base.ops = &assess_ops;
	*out = a;
	return POISE_OK;
}

void ses_assess_destroy(ses_assess *a)
{
	if (!a)
		return;
	ses_writer_destroy(a->w); /* an open trial ends as aborted */
	atest_destroy(a->m);
	free(a);
}

ses_consumer *ses_assess_consumer(ses_assess *a)
{
	return &a->base;
}

const atest *ses_assess_machine(const ses_assess *a)
{
	return a->m;
}

bool ses_assess_done(const ses_assess *a)
{
	return atest_done(a->m);
}

void ses_assess_go(ses_assess *a)
{
	atest_go(a->m);
}

void ses_assess_stop(ses_assess *a)
{
	if (atest_abort(a->m, a->last_us))
		end_trial(a, NULL);
}

int64_t ses_assess_trial_id(const ses_assess *a, size_t i)
{
	return i < a->n_ids ? a->ids[i] : 0;
}

int ses_assess_store_error(const ses_assess *a)
{
	return a->err;
}

void ses_assess_intent(const ses_assess *a, double reach, dev_steer *st, dev_posture *pose)
{
	atest_prompt p;
	atest_prompt_get(a->m, &p);
	*st = (dev_steer){.on_plate = true, .active = p.target};
	if (p.target) {
		st->x_mm = p.centre_x_mm + (p.target_x_mm - p.centre_x_mm) * reach;
		st->y_mm = p.centre_y_mm + (p.target_y_mm - p.centre_y_mm) * reach;
	}
	*pose = (dev_posture){.eyes_closed = p.eyes_closed, .foam = p.foam,
	                      .body = p.posture == ATEST_SIT_DOWN ? DEV_SIT
	                            : p.posture == ATEST_SQUAT   ? DEV_SQUAT
	                                                         : DEV_STAND};
}

double ses_assess_value(const ses_assess_result *r, const char *key)
{
	for (size_t i = 0; i < r->n_values && i < ATEST_MAX_VALUES; i++)
		if (strcmp(r->values[i].key, key) == 0)
			return r->values[i].v;
	return NAN;
}

int ses_assess_previous(store *db, int64_t patient_id, enum atest_test t, bool simulated, int64_t before_id,
                        ses_assess_result *out, bool *found)
{
	*found = false;
	store_session *ss = NULL;
	size_t ns = 0;
	int rc = store_sessions(db, patient_id, &ss, &ns);
	for (size_t i = ns; rc == POISE_OK && !*found && i-- > 0;) {
		if (store_session_is_simulated(&ss[i]) != simulated)
			continue;
		store_trial *tr = NULL;
		size_t nt = 0;
		if ((rc = store_trials(db, ss[i].id, &tr, &nt)) != POISE_OK)
			break;
		for (size_t j = nt; !*found && j-- > 0;) {
			if ((before_id && tr[j].id >= before_id) || tr[j].status != STORE_COMPLETE ||
			    strcmp(tr[j].kind, atest_summary_kind(t)) != 0)
				continue;
			store_metric *m = NULL;
			size_t nm = 0;
			if ((rc = store_metrics(db, tr[j].id, &m, &nm)) != POISE_OK)
				break;
			memset(out, 0, sizeof *out);
			out->test = t;
			out->complete = true;
			out->summary_trial_id = tr[j].id;
			for (size_t k = 0; k < nm && out->n_values < ATEST_MAX_VALUES; k++) {
				atest_value *v = &out->values[out->n_values++];
				snprintf(v->key, sizeof v->key, "%s", m[k].name);
				v->unit = "";
				v->v = m[k].value;
			}
			free(m);
			*found = true;
		}
		free(tr);
	}
	free(ss);
	return rc;
}

/* The summary trial: no samples, the settings and the trials in its
 * parameters, the results as metrics. */
static int store_summary(ses_assess *a, const ses_assess_result *r, int64_t *id)
{
	store *db = a->cfg.db;
	char params[1000], cfgj[600];
	text_buf tb = {params, sizeof params, 0};
	params[0] = 0;
	atest_cfg_json(a->m, cfgj, sizeof cfgj);
	cfgj[strlen(cfgj) - 1] = 0; /* drop the closing brace */
	text_add(&tb, "%s, \"trials\": [", cfgj);
	for (size_t i = 0; i < a->n_ids; i++)
		text_add(&tb, "%s%lld", i ? ", " : "", (long long)a->ids[i]);
	text_add(&tb, "]}");
	if (tb.used + 1 >= sizeof params) { /* too many trials to list: the settings only */
		snprintf(params, sizeof params, "%s}", cfgj);
	}
	int rc = store_trial_begin(db, a->cfg.session_id, atest_summary_kind(r->test), params, NULL, 0, id);
	for (size_t i = 0; i < r->n_values && i < ATEST_MAX_VALUES && rc == POISE_OK; i++)
		if (isfinite(r->values[i].v))
			rc = store_metric_put(db, *id, r->values[i].key, r->values[i].v, r->values[i].unit);
	if (rc == POISE_OK)
		rc = store_trial_end(db, *id, r->complete ? STORE_COMPLETE : STORE_ABORTED, 0);
	return rc;
}

int ses_assess_finish(ses_assess *a, ses_assess_result *out)
{
	ses_assess_result own;
	ses_assess_result *r = out ? out : &own;
	if (!atest_done(a->m))
		ses_assess_stop(a);
	memset(r, 0, sizeof *r);
	r->test = atest_config(a->m)->test;
	r->complete = atest_complete(a->m);
	r->n_values = atest_summary_values(a->m, r->values, ATEST_MAX_VALUES);
	if (r->n_values > ATEST_MAX_VALUES)
		r->n_values = ATEST_MAX_VALUES;
	int rc = POISE_OK;
	if (a->cfg.db && !a->finished && !a->err) {
		int64_t id = 0;
		rc = store_summary(a, r, &id);
		keep_error(a, rc);
		r->summary_trial_id = rc == POISE_OK ? id : 0;
	}
	a->finished = true;
	return rc ? rc : a->err;
}
