#include "session/training.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

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

static const struct {
	const char *name, *unit;
	size_t off;
	bool is_int;
} fields[] = {
	{"score", "", offsetof(game_result, score), false},
	{"hits", "", offsetof(game_result, hits), true},
	{"misses", "", offsetof(game_result, misses), true},
	{"time_in_target_s", "s", offsetof(game_result, time_in_target_s), false},
	{"play_time_s", "s", offsetof(game_result, play_time_s), false},
	{"level_start", "", offsetof(game_result, level_start), true},
	{"level_end", "", offsetof(game_result, level_end), true},
	{"level_max", "", offsetof(game_result, level_max), true},
	{"tracking_rms_los", "LOS", offsetof(game_result, tracking_rms), false},
	{"reaction_time_s", "s", offsetof(game_result, reaction_time_s), false},
	{"path_efficiency", "", offsetof(game_result, path_efficiency), false},
};

int train_store_result(store *s, int64_t trial_id, const game_result *r)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *p = (const char *)r + fields[i].off;
		double v = fields[i].is_int ? *(const int *)p : *(const double *)p;
		if (!isfinite(v))
			continue; /* does not apply to this game */
		int rc = store_metric_put(s, trial_id, fields[i].name, v, fields[i].unit);
		if (rc)
			return rc;
	}
	return POISE_OK;
}

/* A stored game trial's metrics back into a result. */
static void result_from_metrics(const store_metric *m, size_t n, game_result *r)
{
	*r = (game_result){.tracking_rms = NAN, .reaction_time_s = NAN, .path_efficiency = NAN};
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			if (strcmp(m[k].name, fields[i].name) != 0)
				continue;
			char *p = (char *)r + fields[i].off;
			if (fields[i].is_int)
				*(int *)p = (int)lround(m[k].value);
			else
				*(double *)p = m[k].value;
		}
}

int train_plan_load(store *s, int64_t patient_id, const struct game_ops *ops, train_plan *out)
{
	train_plan p = {0};
	p.game = (game_cfg){.level = 1, .duration_s = ops->default_duration_s, .los_min = 0, .los_max = 1};
	stair_cfg_default(&p.stair);
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
				result_from_metrics(m, n_m, r);
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

void train_params_json(const train_plan *p, uint64_t seed, char *buf, size_t len)
{
	snprintf(buf, len,
	         "{\"seed\": %llu, \"level_min\": %d, \"level_max\": %d, \"adaptive\": %s, "
	         "\"up_after\": %d, \"down_after\": %d, \"los_min\": %.3f, \"los_max\": %.3f, "
	         "\"duration_s\": %.1f, \"prescribed\": %s}",
	         (unsigned long long)seed, p->stair.min_level, p->stair.max_level,
	         p->stair.adaptive ? "true" : "false", p->stair.up_after, p->stair.down_after,
	         p->game.los_min, p->game.los_max, p->game.duration_s, p->prescribed ? "true" : "false");
}

int train_session_open(train_session *t, store *s, int64_t patient_id, const char *backend,
                       const char *serial, const char *operator_name)
{
	*t = (train_session){.s = s, .patient_id = patient_id};
	store_session info = {.patient_id = patient_id};
	snprintf(info.device_backend, sizeof info.device_backend, "%s", backend ? backend : "");
	snprintf(info.device_serial, sizeof info.device_serial, "%s", serial ? serial : "");
	snprintf(info.operator_name, sizeof info.operator_name, "%s", operator_name ? operator_name : "");
	int rc = store_rec_create(&t->rec, s, NULL);
	if (rc == POISE_OK)
		rc = store_session_begin(s, &info, &t->session_id);
	if (rc) {
		store_rec_destroy(t->rec);
		t->rec = NULL;
	}
	return rc;
}

int train_trial_begin(train_session *t, const struct game_ops *ops, const train_plan *p,
                      uint64_t seed, double rate_hz, mono_us t0_us)
{
	char kind[64], params[512], level[64];
	train_kind(ops, kind, sizeof kind);
	train_params_json(p, seed, params, sizeof params);
	snprintf(level, sizeof level, "{\"start\": %d}", p->game.level);
	int rc = store_rec_begin(t->rec, t->session_id, kind, params, level, rate_hz, t0_us, &t->trial_id);
	t->in_trial = rc == POISE_OK;
	return rc;
}

int train_trial_sample(train_session *t, const cop_sample *s)
{
	return t->in_trial ? store_rec_push(t->rec, s) : POISE_E_STATE;
}

int train_trial_event(train_session *t, mono_us t_us, const game_event *e)
{
	if (!t->in_trial)
		return POISE_E_STATE;
	char detail[200];
	if (e->kind == GAME_EV_LEVEL)
		snprintf(detail, sizeof detail, "{\"level\": %d, \"change\": \"%s\"}", (int)e->value, e->detail);
	else
		snprintf(detail, sizeof detail, "{\"n\": %g, \"what\": \"%s\", \"game_t_s\": %.3f}", e->value,
		         e->detail, e->t_s);
	return store_rec_event(t->rec, t_us, train_event_kind(e->kind), detail);
}

int train_trial_end(train_session *t, enum store_status status, const game_result *r,
                    met_static *sway, bool *have_sway)
{
	if (!t->in_trial)
		return POISE_E_STATE;
	t->in_trial = false;
	bool have = false;
	met_static m;
	int rc = store_rec_end(t->rec, status, &m, &have);
	int rc2 = r ? train_store_result(t->s, t->trial_id, r) : POISE_OK;
	if (sway && have)
		*sway = m;
	if (have_sway)
		*have_sway = have;
	return rc ? rc : rc2;
}

void train_session_close(train_session *t)
{
	if (!t->rec)
		return;
	if (t->in_trial)
		train_trial_end(t, STORE_ABORTED, NULL, NULL, NULL);
	store_rec_destroy(t->rec);
	t->rec = NULL;
	store_session_end(t->s, t->session_id);
}
