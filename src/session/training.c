#include "session/training.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"

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
	*r = (game_result){.tracking_rms = NAN, .reaction_time_s = NAN, .path_efficiency = NAN};
	size_t nf;
	const game_result_field *f = game_result_fields(&nf);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < nf; i++)
			if (strcmp(m[k].name, f[i].key) == 0)
				game_result_set(r, &f[i], m[k].value);
}

void train_plan_default(const struct game_ops *ops, train_plan *out)
{
	*out = (train_plan){0};
	out->game = (game_cfg){.level = 1, .duration_s = ops->default_duration_s, .los_min = 0, .los_max = 1};
	stair_cfg_default(&out->stair);
	los_default(&out->los, 0);
}

int train_plan_load(store *s, const store_patient *pat, const struct game_ops *ops, bool simulated,
                    train_plan *out)
{
	int64_t patient_id = pat->id;
	train_plan p;
	train_plan_default(ops, &p);
	los_default(&p.los, pat->height_cm > 0 ? pat->height_cm / 100 : 0);
	store_prescription rx;
	int rc = store_prescription_get(s, patient_id, ops->id, &rx);
	if (rc == POISE_OK) {
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
	*out = p;
	return POISE_OK;
}

void train_game_cfg(const train_plan *plan, const struct game_ops *ops, double rate_hz, ses_game_cfg *out)
{
	ses_game_cfg_default(out, ops, rate_hz);
	out->game = plan->game;
	out->game.seed = 0;
	out->run.stair = plan->stair;
	out->run.los = plan->los;
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
	                 "\"settle_s\": %.17g, \"rate_hz\": %.17g, \"cursor_min_cutoff_hz\": %.17g, "
	                 "\"cursor_beta\": %.17g, \"los_origin_mm\": [%.17g, %.17g], \"los_limits_mm\": [",
	                 TRAIN_REPLAY_VERSION, (unsigned long long)g->seed, g->level, st->min_level,
	                 st->max_level, st->adaptive ? "true" : "false", st->up_after, st->down_after,
	                 g->los_min, g->los_max, g->duration_s, prescribed ? "true" : "false", gc->run.settle_s,
	                 gc->rate_hz, gc->cursor_min_cutoff_hz, gc->cursor_beta, los->origin_x_mm,
	                 los->origin_y_mm);
	for (int d = 0; d < LOS_DIRS && k > 0 && (size_t)k < len; d++)
		k += snprintf(buf + k, len - (size_t)k, "%s%.17g", d ? ", " : "", los->limit_mm[d]);
	if (k > 0 && (size_t)k < len)
		k += snprintf(buf + k, len - (size_t)k, "]}");
	return k > 0 && (size_t)k < len ? POISE_OK : POISE_E_RANGE;
}

/* The parameters a replay reads, where each goes, and its sanity range. */
typedef struct param_ref {
	const char *path;
	double *dst;
	double lo, hi;
} param_ref;

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
	    !(version == TRAIN_REPLAY_VERSION)) {
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
