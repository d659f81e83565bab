#include "session/replay.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/pipeline.h"
#include "session/game.h"
#include "session/training.h"

/* The replay's events, collected as the trial writer would log them. */
typedef struct event_log {
	store_event *ev;
	size_t n, cap;
} event_log;

static int log_event(void *ctx, mono_us t_us, const game_event *e)
{
	event_log *l = ctx;
	if (l->n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 64;
		store_event *ne = realloc(l->ev, nc * sizeof *ne);
		if (!ne)
			return POISE_E_NOMEM;
		l->ev = ne;
		l->cap = nc;
	}
	store_event *x = &l->ev[l->n++];
	memset(x, 0, sizeof *x);
	x->t_us = (int64_t)t_us;
	snprintf(x->kind, sizeof x->kind, "%s", train_event_kind(e->kind));
	train_event_detail(e, x->detail, sizeof x->detail);
	return POISE_OK;
}

static bool is_game_event(const char *kind)
{
	static const int kinds[] = {GAME_EV_TARGET, GAME_EV_HIT,  GAME_EV_MISS,   GAME_EV_LEVEL, GAME_EV_PAUSE,
	                            GAME_EV_RESUME, GAME_EV_PROMPT, GAME_EV_ANSWER, GAME_EV_CUE,   GAME_EV_MASTERED};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind, train_event_kind(kinds[i])) == 0)
			return true;
	return false;
}

/* If stored event e is the therapist's mark of an aloud answer: true, and
 * *right says which. */
static bool is_mark(const store_event *e, bool *right)
{
	double n;
	if (strcmp(e->kind, train_event_kind(GAME_EV_ANSWER)) != 0 || !strstr(e->detail, "\"what\": \"marked\"") ||
	    sscanf(e->detail, "{\"n\": %lf", &n) != 1)
		return false;
	*right = n == 1;
	return true;
}

__attribute__((format(printf, 2, 3)))
static void differ(ses_replay *r, const char *fmt, ...)
{
	if (r->differences++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->first_difference, sizeof r->first_difference, fmt, ap);
		va_end(ap);
	}
}

static bool same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static void compare_metrics(ses_replay *r, const store_metric *m, size_t n)
{
	size_t nf;
	const game_result_field *gf = game_result_fields(&nf);
	for (size_t i = 0; i < nf; i++) {
		double v = game_result_value(&r->result, &gf[i]);
		if (!same(store_metric_find(m, n, gf[i].key), isfinite(v) ? v : NAN))
			differ(r, "the result %s differs: %.17g stored, %.17g replayed", gf[i].key,
			       store_metric_find(m, n, gf[i].key), v);
	}
	const met_field *sf = met_static_fields(&nf);
	for (size_t i = 0; i < nf; i++) {
		double v = r->have_sway ? met_field_value(&r->sway, &sf[i]) : NAN;
		if (!same(store_metric_find(m, n, sf[i].key), v))
			differ(r, "the sway figure %s differs: %.17g stored, %.17g replayed", sf[i].key,
			       store_metric_find(m, n, sf[i].key), v);
	}
}

static void compare_events(ses_replay *r, const store_event *ev, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_game_event(ev[i].kind))
			continue;
		r->n_stored_events++;
		const store_event *x = k < r->n_events ? &r->events[k] : NULL;
		k++;
		if (!x || x->t_us != ev[i].t_us || strcmp(x->kind, ev[i].kind) || strcmp(x->detail, ev[i].detail))
			differ(r, "the %s event at %.6g s differs (replayed: %.6g s)", ev[i].kind,
			       (double)ev[i].t_us / 1e6, x ? (double)x->t_us / 1e6 : NAN);
	}
	if (k < r->n_events)
		differ(r, "the replay has more %s events (%.0f stored, %.0f replayed)", "game",
		       (double)r->n_stored_events, (double)r->n_events);
}

static cop_sample to_cop(const store_sample *x)
{
	cop_sample s = {
		.t_us = (mono_us)x->t_us,
		.flags = x->flags,
		.x_mm = x->x_mm,
		.y_mm = x->y_mm,
		.xf_mm = NAN,
		.yf_mm = NAN,
		.fz_n = x->fz_n,
	};
	memcpy(s.force_n, x->force_n, sizeof s.force_n);
	return s;
}

int ses_replay_run(store *s, int64_t trial_id, ses_replay *out, char *msg, size_t msg_len)
{
	memset(out, 0, sizeof *out);
	ses_replay r = {.trial_id = trial_id};
	ses_game_cfg gc;
	int rc = train_params_read(s, trial_id, &gc, msg, msg_len);
	if (rc)
		return rc;
	store_trial t;
	store_session ses;
	if ((rc = store_trial_get(s, trial_id, &t)) || (rc = store_session_get(s, t.session_id, &ses))) {
		snprintf(msg, msg_len, "%s", store_errmsg(s));
		return rc;
	}
	r.ops = gc.ops;
	r.status = t.status;
	r.simulated = strcmp(ses.device_backend, "sim") == 0;
	event_log log = {0};
	gc.on_event = log_event;
	gc.ctx = &log;
	ses_game *g = NULL;
	store_sample *smp = NULL;
	store_event *ev = NULL;
	store_metric *m = NULL;
	size_t n_smp = 0, n_ev = 0, n_m = 0;
	if ((rc = ses_game_create(&g, &gc)) != POISE_OK) {
		snprintf(msg, msg_len, "trial %lld: cannot set the game up again: %s", (long long)trial_id,
		         poise_strerror(rc));
		goto out;
	}
	if ((rc = store_samples(s, trial_id, &smp, &n_smp)) || (rc = store_events(s, trial_id, &ev, &n_ev)) ||
	    (rc = store_metrics(s, trial_id, &m, &n_m))) {
		snprintf(msg, msg_len, "%s", store_errmsg(s));
		goto out;
	}
	ses_consumer *c = ses_game_consumer(g);
	size_t k_ev = 0; /* the therapist's marks go in where they were made:
	                  * before the sample whose time their event carries */
	for (size_t i = 0; i < n_smp && !ses_game_done(g); i++) {
		cop_sample x = to_cop(&smp[i]);
		for (; k_ev < n_ev && ev[k_ev].t_us <= smp[i].t_us; k_ev++) {
			bool right;
			if (ev[k_ev].t_us == smp[i].t_us && is_mark(&ev[k_ev], &right))
				ses_game_cog_mark(g, right);
		}
		if ((rc = c->ops->sample(c, &x)) != POISE_OK) {
			snprintf(msg, msg_len, "trial %lld: the replay stopped at sample %zu: %s", (long long)trial_id, i,
			         poise_strerror(rc));
			goto out;
		}
		r.n_samples++;
	}
	ses_game_abort(g); /* a trial stopped early ends where its samples end */
	ses_game_result(g, &r.result, &r.sway, &r.have_sway);
	r.events = log.ev;
	r.n_events = log.n;
	log.ev = NULL;
	compare_metrics(&r, m, n_m);
	compare_events(&r, ev, n_ev);
	*out = r;
	r.events = NULL;
out:
	free(log.ev);
	free(r.events);
	free(smp);
	free(ev);
	free(m);
	ses_game_destroy(g);
	return rc;
}

void ses_replay_free(ses_replay *r)
{
	free(r->events);
	memset(r, 0, sizeof *r);
}
