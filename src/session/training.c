#include "session/training.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atest.h"
#include "core/error.h"
#include "core/text.h"

static void json_inner(const char *s, char *buf, size_t len);

/* The patient's limits of stability in another stance: scaled by the
 * stance's base of support (cond_support_scale; the diagonals by the
 * geometric mean of their two axes), until LOS is measured in it. */
static void scale_los(los_model *m, int stance)
{
	double ml, fwd, back;
	cond_support_scale(stance, &ml, &fwd, &back);
	const double k[LOS_DIRS] = {
		[LOS_E] = ml, [LOS_NE] = sqrt(ml * fwd), [LOS_N] = fwd, [LOS_NW] = sqrt(ml * fwd),
		[LOS_W] = ml, [LOS_SW] = sqrt(ml * back), [LOS_S] = back, [LOS_SE] = sqrt(ml * back),
	};
	for (int d = 0; d < LOS_DIRS; d++)
		m->limit_mm[d] *= k[d];
}

/* Step k (0-based) of a ladder's text into buf ("" if there is none). */
static void ladder_step(const char *ladder, int k, char *buf, size_t len)
{
	const char *p = ladder;
	for (int i = 0; i < k && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	if (!p) {
		buf[0] = 0;
		return;
	}
	size_t l = strcspn(p, ",");
	snprintf(buf, len, "%.*s", (int)l, p);
}

void train_kind(const struct game_ops *ops, char *buf, size_t len)
{
	snprintf(buf, len, "game:%s", ops->id);
}

const char *train_event_kind(int k)
{
	switch (k) {
	case GAME_EV_TARGET:
		return "target";
	case GAME_EV_HIT:
		return "hit";
	case GAME_EV_MISS:
		return "miss";
	case GAME_EV_LEVEL:
		return "level";
	case GAME_EV_PAUSE:
		return "pause";
	case GAME_EV_RESUME:
		return "resume";
	case GAME_EV_PROMPT:
		return "prompt";
	case GAME_EV_ANSWER:
		return "answer";
	case GAME_EV_CUE:
		return "cue";
	case GAME_EV_MASTERED:
		return "mastered";
	default:
		return "game";
	}
}

int train_store_result(store *s, int64_t trial_id, const game_result *r)
{
	size_t n;
	const game_result_field *f = game_result_fields(&n);
	for (size_t i = 0; i < n; i++) {
		double v = game_result_value(r, &f[i]);
		if (!isfinite(v))
			continue; /* does not apply to this game */
		int rc = store_metric_put(s, trial_id, f[i].key, v, f[i].unit);
		if (rc)
			return rc;
	}
	return POISE_OK;
}

void train_result_from_metrics(const store_metric *m, size_t n, game_result *r)
{
	*r = (game_result){0};
	size_t nf;
	const game_result_field *f = game_result_fields(&nf);
	for (size_t i = 0; i < nf; i++)
		if (!f[i].is_int)
			game_result_set(r, &f[i], NAN); /* not stored: does not apply */
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < nf; i++)
			if (strcmp(m[k].name, f[i].key) == 0)
				game_result_set(r, &f[i], m[k].value);
}

typedef cond_json_get_fn json_get_fn;

typedef struct text_src {
	store *s;
	const char *json;
} text_src;

static int get_json_text(void *ctx, const char *path, double *num, char *text, size_t len)
{
	text_src *t = ctx;
	return store_json_get(t->s, t->json, path, num, text, len);
}

/* The conditions (and the ladder, if ladder) from a JSON object (keys
 * missing: the plain condition). POISE_E_PARSE with the bad key in bad. */
static int cond_read(json_get_fn get, void *ctx, cond_set *c, char *ladder, size_t ladder_len, const char **bad)
{
	int rc = cond_from_json(get, ctx, c, bad);
	if (rc || !ladder)
		return rc;
	ladder[0] = 0;
	if (get(ctx, "$.ladder", NULL, ladder, ladder_len) == POISE_OK && cond_ladder_count(ladder, NULL) < 0) {
		*bad = "ladder";
		return POISE_E_PARSE;
	}
	return POISE_OK;
}

int train_options_read(store *s, const char *options_json, cond_set *c, char *ladder, size_t ladder_len,
                       char *msg, size_t msg_len)
{
	text_src src = {s, options_json && options_json[0] ? options_json : "{}"};
	const char *bad = "";
	int rc = cond_read(get_json_text, &src, c, ladder, ladder_len, &bad);
	if (rc)
		snprintf(msg, msg_len, "the prescription's option %s is damaged or unknown: %s", bad, src.json);
	return rc;
}

int train_options_json(const cond_set *c, const char *ladder, char *buf, size_t len)
{
	char members[512], lad[2 * TRAIN_LADDER_LEN];
	int rc = cond_json_members(c, members, sizeof members);
	if (rc)
		return rc;
	json_inner(ladder ? ladder : "", lad, sizeof lad);
	int k = snprintf(buf, len, "{%s, \"ladder\": \"%s\"}", members, lad);
	return k > 0 && (size_t)k < len ? POISE_OK : POISE_E_RANGE;
}

int train_trial_cond(store *s, int64_t trial_id, cond_set *out)
{
	store_trial_ref src = {s, trial_id};
	const char *bad;
	double version = 0;
	if (store_trial_param(s, trial_id, "$.replay", &version, NULL, 0) != POISE_OK || version < 2) {
		*out = (cond_set){0};
		return POISE_OK;
	}
	return cond_read(store_trial_param_at, &src, out, NULL, 0, &bad);
}

void train_plan_set_cond(train_plan *plan, const cond_set *c)
{
	plan->cond = *c;
	plan->ladder[0] = 0;
	plan->rung = 0;
	plan->rung_changed = false;
}

/* True if a stored trial's log holds a "mastered" event. */
static bool trial_mastered(store *s, int64_t trial_id)
{
	store_event *ev = NULL;
	size_t n = 0;
	bool m = false;
	if (store_events(s, trial_id, &ev, &n) == POISE_OK)
		for (size_t i = 0; i < n && !m; i++)
			m = strcmp(ev[i].kind, train_event_kind(GAME_EV_MASTERED)) == 0;
	free(ev);
	return m;
}

/* The ladder's rung for this game: the last play's, one up if it
 * mastered the range (and played the same ladder). */
static void ladder_rung(store *s, train_plan *p, const cond_set *base)
{
	int n_steps = cond_ladder_count(p->ladder, NULL);
	if (n_steps <= 0)
		return;
	if (p->n_prev > 0) {
		int64_t last = p->prev_trial[0];
		char lad[TRAIN_LADDER_LEN] = "";
		double rung = 0;
		if (store_trial_param(s, last, "$.ladder", NULL, lad, sizeof lad) == POISE_OK &&
		    strcmp(lad, p->ladder) == 0 && store_trial_param(s, last, "$.rung", &rung, NULL, 0) == POISE_OK &&
		    rung >= 0 && rung <= n_steps) {
			p->rung = (int)rung;
			if (trial_mastered(s, last) && p->rung < n_steps) {
				p->rung++;
				p->rung_changed = true;
				p->game.level = p->stair.min_level;
			}
		}
	}
	cond_ladder_rung(base, p->ladder, p->rung, &p->cond);
}

int train_plan_reference(store *s, const store_patient *pat, const struct game_ops *ops, bool simulated,
                         train_plan *plan)
{
	plan->ref_score = plan->ref_sway_mm_s = NAN;
	plan->n_ref = 0;
	if (plan->cond.dual_task == COND_DUAL_NONE)
		return POISE_OK;
	char kind[64];
	train_kind(ops, kind, sizeof kind);
	store_session *ses = NULL;
	size_t n_ses = 0;
	int rc = store_sessions(s, pat->id, &ses, &n_ses);
	if (rc)
		return rc;
	double sum_score = 0, sum_sway = 0;
	int n_sway = 0;
	for (size_t i = n_ses; i-- > 0 && plan->n_ref < TRAIN_HISTORY && !rc;) {
		if (store_session_is_simulated(&ses[i]) != simulated)
			continue;
		store_trial *tr = NULL;
		size_t n_tr = 0;
		if ((rc = store_trials(s, ses[i].id, &tr, &n_tr)) != POISE_OK)
			break;
		for (size_t j = n_tr; j-- > 0 && plan->n_ref < TRAIN_HISTORY;) {
			cond_set c;
			if (strcmp(tr[j].kind, kind) != 0 || tr[j].status != STORE_COMPLETE ||
			    train_trial_cond(s, tr[j].id, &c) != POISE_OK || c.dual_task != COND_DUAL_NONE ||
			    !cond_same_motor(&c, &plan->cond))
				continue;
			store_metric *m = NULL;
			size_t n_m = 0;
			if (store_metrics(s, tr[j].id, &m, &n_m) == POISE_OK &&
			    store_metric_find(m, n_m, "level_start") == plan->game.level &&
			    isfinite(store_metric_find(m, n_m, "score"))) {
				sum_score += store_metric_find(m, n_m, "score");
				plan->n_ref++;
				double v = store_metric_find(m, n_m, "mean_velocity_mm_s");
				if (isfinite(v)) {
					sum_sway += v;
					n_sway++;
				}
			}
			free(m);
		}
		free(tr);
	}
	free(ses);
	if (plan->n_ref > 0)
		plan->ref_score = sum_score / plan->n_ref;
	if (n_sway > 0)
		plan->ref_sway_mm_s = sum_sway / n_sway;
	return rc;
}

void train_plan_default(const struct game_ops *ops, train_plan *out)
{
	*out = (train_plan){0};
	out->game = (game_cfg){.level = 1, .duration_s = ops->default_duration_s, .los_min = 0, .los_max = 1};
	stair_cfg_default(&out->stair);
	los_default(&out->los, 0);
	out->ref_score = out->ref_sway_mm_s = NAN;
}

const char *train_los_source_name(enum train_los_source src)
{
	return src == TRAIN_LOS_MEASURED ? "measured" : "height";
}

/* The eight limits of an LOS trial (a test:los summary, or an older los
 * trial holding them) into lim; false unless all are there and positive. */
static bool los_limits(store *s, const store_trial *t, double lim[LOS_DIRS])
{
	if (t->status != STORE_COMPLETE || (strcmp(t->kind, "test:los") != 0 && strcmp(t->kind, "los") != 0))
		return false;
	store_metric *m = NULL;
	size_t n = 0;
	bool ok = store_metrics(s, t->id, &m, &n) == POISE_OK;
	for (int d = 0; ok && d < LOS_DIRS; d++) {
		char key[32];
		snprintf(key, sizeof key, "los_limit_%s_mm", atest_los_key(d));
		lim[d] = store_metric_find(m, n, key);
		ok = isfinite(lim[d]) && lim[d] > 0;
	}
	free(m);
	return ok;
}

/* The game space from the patient's latest complete LOS test on this kind
 * of plate (sessions ss[0..n), oldest first), if there is one. */
static int measured_los(store *s, const store_session *ss, size_t n, bool simulated, train_plan *p)
{
	for (size_t i = n; i-- > 0;) {
		if (store_session_is_simulated(&ss[i]) != simulated)
			continue;
		store_trial *tr = NULL;
		size_t n_tr = 0;
		int rc = store_trials(s, ss[i].id, &tr, &n_tr);
		if (rc)
			return rc;
		double lim[LOS_DIRS];
		for (size_t j = n_tr; j-- > 0;) {
			if (!los_limits(s, &tr[j], lim))
				continue;
			for (int d = 0; d < LOS_DIRS; d++)
				p->los.limit_mm[d] = fmax(lim[d], TRAIN_LOS_MIN_MM);
			p->los_source = TRAIN_LOS_MEASURED;
			p->los_trial_id = tr[j].id;
			free(tr);
			return POISE_OK;
		}
		free(tr);
	}
	return POISE_OK;
}

int train_plan_load(store *s, const store_patient *pat, const struct game_ops *ops, bool simulated,
                    train_plan *out)
{
	int64_t patient_id = pat->id;
	train_plan p;
	train_plan_default(ops, &p);
	los_default(&p.los, pat->height_cm > 0 ? pat->height_cm / 100 : 0);
	store_prescription rx;
	cond_set base = {0};
	int rc = store_prescription_get(s, patient_id, ops->id, &rx);
	if (rc == POISE_OK) {
		char msg[256];
		if ((rc = train_options_read(s, rx.options_json, &base, p.ladder, sizeof p.ladder, msg,
		                             sizeof msg)) != POISE_OK)
			return rc;
		p.cond = base;
		p.prescribed = true;
		p.stair.min_level = rx.level_min;
		p.stair.max_level = rx.level_max;
		p.stair.adaptive = rx.adaptive;
		p.game.los_min = rx.los_min_pct / 100.0;
		p.game.los_max = rx.los_max_pct / 100.0;
		if (rx.duration_s > 0)
			p.game.duration_s = rx.duration_s;
	} else if (rc != POISE_E_NOT_FOUND) {
		return rc;
	}
	p.game.level = p.stair.min_level;

	char kind[64];
	train_kind(ops, kind, sizeof kind);
	store_session *ses = NULL;
	size_t n_ses = 0;
	rc = store_sessions(s, patient_id, &ses, &n_ses);
	if (rc)
		return rc;
	if ((rc = measured_los(s, ses, n_ses, simulated, &p)) != POISE_OK) {
		free(ses);
		return rc;
	}
	for (size_t i = n_ses; i-- > 0 && p.n_prev < TRAIN_HISTORY;) {
		if (store_session_is_simulated(&ses[i]) != simulated)
			continue; /* another kind of plate: not this progression */
		store_trial *tr = NULL;
		size_t n_tr = 0;
		if ((rc = store_trials(s, ses[i].id, &tr, &n_tr)) != POISE_OK)
			break;
		for (size_t j = n_tr; j-- > 0 && p.n_prev < TRAIN_HISTORY;) {
			if (strcmp(tr[j].kind, kind) != 0 || tr[j].status == STORE_CRASHED)
				continue;
			store_metric *m = NULL;
			size_t n_m = 0;
			if (store_metrics(s, tr[j].id, &m, &n_m) == POISE_OK && n_m > 0) {
				p.prev_trial[p.n_prev] = tr[j].id;
				game_result *r = &p.prev[p.n_prev++];
				train_result_from_metrics(m, n_m, r);
				r->game = ops->id;
			}
			free(m);
		}
		free(tr);
	}
	free(ses);
	if (rc)
		return rc;
	if (p.n_prev > 0 && p.prev[0].level_end >= 1) {
		int l = p.prev[0].level_end; /* where they left off, inside the range */
		p.game.level = l < p.stair.min_level ? p.stair.min_level : l > p.stair.max_level ? p.stair.max_level : l;
	}
	ladder_rung(s, &p, &base);
	if ((rc = train_plan_reference(s, pat, ops, simulated, &p)) != POISE_OK)
		return rc;
	*out = p;
	return POISE_OK;
}

/* The ladder and rung of a game, and what the runner says when the range
 * is mastered: the next rung and its step. */
static void ladder_cfg(ses_game_cfg *out, const char *ladder, int rung)
{
	int n_steps = cond_ladder_count(ladder, NULL);
	snprintf(out->ladder, sizeof out->ladder, "%s", ladder);
	out->rung = rung;
	out->run.next_rung = 0;
	out->run.next_step[0] = 0;
	if (n_steps > 0 && rung < n_steps) {
		out->run.next_rung = rung + 1;
		ladder_step(ladder, rung, out->run.next_step, sizeof out->run.next_step);
	}
}

void train_game_cfg(const train_plan *plan, const struct game_ops *ops, double rate_hz, ses_game_cfg *out)
{
	ses_game_cfg_default(out, ops, rate_hz);
	out->game = plan->game;
	out->game.seed = 0;
	out->run.stair = plan->stair;
	out->run.los = plan->los;
	out->game.cond = plan->cond;
	scale_los(&out->run.los, plan->cond.stance);
	out->ref_score = plan->ref_score;
	out->ref_sway_mm_s = plan->ref_sway_mm_s;
	ladder_cfg(out, plan->ladder, plan->rung);
}

const struct game_ops *train_game_of_kind(const char *kind)
{
	return strncmp(kind, "game:", 5) == 0 ? game_find(kind + 5) : NULL;
}

/* s as the inside of a JSON string (quotes and backslashes escaped,
 * control characters dropped). */
static void json_inner(const char *s, char *buf, size_t len)
{
	size_t k = 0;
	for (; *s && k + 2 < len; s++) {
		if ((unsigned char)*s < 0x20)
			continue;
		if (*s == '"' || *s == '\\')
			buf[k++] = '\\';
		buf[k++] = *s;
	}
	buf[k] = 0;
}

void train_event_detail(const game_event *e, char *buf, size_t len)
{
	char what[2 * sizeof e->detail];
	json_inner(e->detail, what, sizeof what);
	if (e->kind == GAME_EV_LEVEL)
		snprintf(buf, len, "{\"level\": %d, \"change\": \"%s\"}", (int)e->value, what);
	else
		snprintf(buf, len, "{\"n\": %g, \"what\": \"%s\", \"game_t_s\": %.3f}", e->value, what, e->t_s);
}

int train_params_json(const ses_game_cfg *gc, bool prescribed, char *buf, size_t len)
{
	const game_cfg *g = &gc->game;
	const stair_cfg *st = &gc->run.stair;
	const los_model *los = &gc->run.los;
	int k = snprintf(buf, len,
	                 "{\"replay\": %d, \"seed\": \"%llu\", \"level_start\": %d, \"level_min\": %d, "
	                 "\"level_max\": %d, \"adaptive\": %s, \"up_after\": %d, \"down_after\": %d, "
	                 "\"los_min\": %.17g, \"los_max\": %.17g, \"duration_s\": %.17g, \"prescribed\": %s, "
	                 "\"settle_s\": %.17g, \"resume_s\": %.17g, \"rate_hz\": %.17g, \"cursor_min_cutoff_hz\": %.17g, "
	                 "\"cursor_beta\": %.17g, \"los_origin_mm\": [%.17g, %.17g], \"los_limits_mm\": [",
	                 TRAIN_REPLAY_VERSION, (unsigned long long)g->seed, g->level, st->min_level,
	                 st->max_level, st->adaptive ? "true" : "false", st->up_after, st->down_after,
	                 g->los_min, g->los_max, g->duration_s, prescribed ? "true" : "false", gc->run.settle_s,
	                 gc->run.resume_s, gc->rate_hz, gc->cursor_min_cutoff_hz, gc->cursor_beta, los->origin_x_mm,
	                 los->origin_y_mm);
	for (int d = 0; d < LOS_DIRS && k > 0 && (size_t)k < len; d++)
		k += snprintf(buf + k, len - (size_t)k, "%s%.17g", d ? ", " : "", los->limit_mm[d]);
	char members[512], lad[2 * sizeof gc->ladder];
	if (cond_json_members(&g->cond, members, sizeof members) != POISE_OK)
		return POISE_E_RANGE;
	json_inner(gc->ladder, lad, sizeof lad);
	if (k > 0 && (size_t)k < len)
		k += snprintf(buf + k, len - (size_t)k, "], %s, \"rung\": %d, \"ladder\": \"%s\"", members, gc->rung,
		              lad);
	if (k > 0 && (size_t)k < len && isfinite(gc->ref_score))
		k += snprintf(buf + k, len - (size_t)k, ", \"ref_score\": %.17g", gc->ref_score);
	if (k > 0 && (size_t)k < len && isfinite(gc->ref_sway_mm_s))
		k += snprintf(buf + k, len - (size_t)k, ", \"ref_sway_mm_s\": %.17g", gc->ref_sway_mm_s);
	if (k > 0 && (size_t)k < len)
		k += snprintf(buf + k, len - (size_t)k, "}");
	return k > 0 && (size_t)k < len ? POISE_OK : POISE_E_RANGE;
}

/* The parameters a replay reads, where each goes, and its sanity range. */
typedef struct param_ref {
	const char *path;
	double *dst;
	double lo, hi;
} param_ref;

/* What version 2 added: the conditions, the ladder and its rung, the
 * single-task reference. */
static int read_v2(store *s, int64_t trial_id, ses_game_cfg *c, char *msg, size_t msg_len)
{
	store_trial_ref src = {s, trial_id};
	const char *bad = "";
	double rung = 0;
	char ladder[sizeof c->ladder] = "";
	int rc = cond_read(store_trial_param_at, &src, &c->game.cond, ladder, sizeof ladder, &bad);
	if (rc == POISE_OK && (store_trial_param(s, trial_id, "$.rung", &rung, NULL, 0) != POISE_OK || !(rung >= 0) ||
	                       rung > COND_LADDER_MAX)) {
		bad = "rung";
		rc = POISE_E_PARSE;
	}
	if (rc) {
		snprintf(msg, msg_len, "trial %lld: the replay parameter %s is missing or out of range",
		         (long long)trial_id, bad);
		return POISE_E_PARSE;
	}
	ladder_cfg(c, ladder, (int)rung);
	if (store_trial_param(s, trial_id, "$.ref_score", &c->ref_score, NULL, 0) != POISE_OK)
		c->ref_score = NAN;
	if (store_trial_param(s, trial_id, "$.ref_sway_mm_s", &c->ref_sway_mm_s, NULL, 0) != POISE_OK)
		c->ref_sway_mm_s = NAN;
	return POISE_OK;
}

int train_params_read(store *s, int64_t trial_id, ses_game_cfg *out, char *msg, size_t msg_len)
{
	store_trial t;
	int rc = store_trial_get(s, trial_id, &t);
	if (rc) {
		snprintf(msg, msg_len, "%s", store_errmsg(s));
		return rc;
	}
	const struct game_ops *ops = train_game_of_kind(t.kind);
	if (!ops) {
		snprintf(msg, msg_len, "trial %lld is a %s trial, not a game: only games can be replayed",
		         (long long)trial_id, t.kind);
		return POISE_E_UNSUPPORTED;
	}
	double version = 0;
	if (store_trial_param(s, trial_id, "$.replay", &version, NULL, 0) != POISE_OK ||
	    !(version == 1 || version == TRAIN_REPLAY_VERSION)) {
		snprintf(msg, msg_len, "trial %lld was recorded without what a replay needs (by a Poise "
		         "older than 0.2, or a newer one): it cannot be replayed", (long long)trial_id);
		return POISE_E_UNSUPPORTED;
	}
	ses_game_cfg c;
	ses_game_cfg_default(&c, ops, 100);
	double level = 0, lmin = 0, lmax = 0, adaptive = 0, up = 0, down = 0;
	param_ref refs[] = {
		{"$.level_start", &level, 1, 10},
		{"$.level_min", &lmin, 1, 10},
		{"$.level_max", &lmax, 1, 10},
		{"$.adaptive", &adaptive, 0, 1},
		{"$.up_after", &up, 1, 100},
		{"$.down_after", &down, 1, 100},
		{"$.los_min", &c.game.los_min, 0, 1.5},
		{"$.los_max", &c.game.los_max, 0, 1.5},
		{"$.duration_s", &c.game.duration_s, 1e-3, 24 * 3600},
		{"$.settle_s", &c.run.settle_s, 0, 600},
		{"$.rate_hz", &c.rate_hz, 1, 100000},
		{"$.cursor_min_cutoff_hz", &c.cursor_min_cutoff_hz, 0, 1000},
		{"$.cursor_beta", &c.cursor_beta, 0, 1000},
		{"$.los_origin_mm[0]", &c.run.los.origin_x_mm, -1000, 1000},
		{"$.los_origin_mm[1]", &c.run.los.origin_y_mm, -1000, 1000},
	};
	char path[32];
	for (size_t i = 0; i < sizeof refs / sizeof refs[0] + LOS_DIRS; i++) {
		param_ref r = i < sizeof refs / sizeof refs[0] ? refs[i] : (param_ref){NULL, NULL, 1, 2000};
		if (!r.path) {
			size_t d = i - sizeof refs / sizeof refs[0];
			snprintf(path, sizeof path, "$.los_limits_mm[%zu]", d);
			r.path = path;
			r.dst = &c.run.los.limit_mm[d];
		}
		if (store_trial_param(s, trial_id, r.path, r.dst, NULL, 0) != POISE_OK || !(*r.dst >= r.lo) ||
		    !(*r.dst <= r.hi)) {
			snprintf(msg, msg_len, "trial %lld: the replay parameter %s is missing or out of range",
			         (long long)trial_id, r.path + 2);
			return POISE_E_PARSE;
		}
	}
	/* Trials from before the resume countdown have none: they resumed at once. */
	if (store_trial_param(s, trial_id, "$.resume_s", &c.run.resume_s, NULL, 0) != POISE_OK)
		c.run.resume_s = 0;
	else if (!(c.run.resume_s >= 0 && c.run.resume_s <= 60)) {
		snprintf(msg, msg_len, "trial %lld: the replay parameter resume_s is out of range", (long long)trial_id);
		return POISE_E_PARSE;
	}
	char seed[32], *end;
	if (store_trial_param(s, trial_id, "$.seed", NULL, seed, sizeof seed) != POISE_OK ||
	    (c.game.seed = strtoull(seed, &end, 10), end == seed || *end)) {
		snprintf(msg, msg_len, "trial %lld: the replay parameter seed is missing or damaged",
		         (long long)trial_id);
		return POISE_E_PARSE;
	}
	c.game.level = (int)level;
	c.run.stair.min_level = (int)lmin;
	c.run.stair.max_level = (int)lmax;
	c.run.stair.adaptive = adaptive != 0;
	c.run.stair.up_after = (int)up;
	c.run.stair.down_after = (int)down;
	if (version >= 2 && (rc = read_v2(s, trial_id, &c, msg, msg_len)) != POISE_OK)
		return rc;
	*out = c;
	return POISE_OK;
}

/* Copies src into dst[0..cap); text too long for it is copied without its
 * terminator, which store_session_begin refuses with its message (never
 * stored cut). */
static void copy_field(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	memcpy(dst, src, n < cap ? n + 1 : cap);
}

int train_sitting_begin(store *s, int64_t patient_id, const dev_info *plate, const char *operator_name,
                        const char *notes, int64_t *session_id)
{
	store_session info = {.patient_id = patient_id};
	snprintf(info.device_backend, sizeof info.device_backend, "%s", plate->backend);
	/* The serial is what the device says: shown, never trusted. The
	 * person's text is refused by the store if it does not fit. */
	text_printable(info.device_serial, sizeof info.device_serial, plate->serial);
	copy_field(info.operator_name, sizeof info.operator_name, operator_name ? operator_name : "");
	copy_field(info.notes, sizeof info.notes, notes ? notes : "");
	return store_session_begin(s, &info, session_id);
}
