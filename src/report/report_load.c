/* The report's data from the station database, through the store's public
 * API only. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cond.h"
#include "core/date.h"
#include "core/error.h"
#include "core/pipeline.h"
#include "report/report.h"
#include "report/report_impl.h"
#include "store/store.h"

static int fail(char *msg, size_t len, int err, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static int fail(char *msg, size_t len, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (msg && len)
		vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return err;
}

bool report_iso_to_local(const char *iso, struct tm *out)
{
	date_time d;
	if (!date_parse(iso, &d))
		return false;
	time_t t = (time_t)date_epoch_s(&d);
	struct tm tm;
	if (!localtime_r(&t, &tm) || tm.tm_year < DATE_YEAR_MIN - 1900 ||
	    tm.tm_year > DATE_YEAR_MAX - 1900)
		return false;
	*out = tm;
	return true;
}

void report_local_date(const char *iso, char out[11])
{
	struct tm tm;
	/* Years 1900..9999 (report_iso_to_local): ten characters, always
	 * terminated. */
	if (report_iso_to_local(iso, &tm))
		snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
		         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
	else
		snprintf(out, 11, "%s", "unknown");
}

bool report_date_valid(const char *date)
{
	date_time t;
	return date && strlen(date) == 10 && date_parse(date, &t);
}

static const char *const los_dir_key[LOS_DIRS] = {"e", "ne", "n", "nw", "w", "sw", "s", "se"};

/* The array arr of n elements of size sz, grown by one: a new array
 * (arr is then invalid) or NULL (arr unchanged). The caller zeroes and
 * counts the new element (APPEND below). */
static void *grow(void *arr, size_t n, size_t sz)
{
	return realloc(arr, (n + 1) * sz);
}

/* Appends a zeroed element to the array field `arr` with count `n`; `out`
 * gets a pointer to it, or NULL when memory ran out. */
#define APPEND(arr, n, out)                                                     \
	do {                                                                        \
		void *g_ = grow((arr), (n), sizeof *(arr));                             \
		(out) = NULL;                                                           \
		if (g_) {                                                               \
			(arr) = g_;                                                         \
			(out) = &(arr)[(n)++];                                              \
			memset((out), 0, sizeof *(out));                                    \
		}                                                                       \
	} while (0)

static void fill_metrics(report_assess *a, const store_metric *m, size_t nm)
{
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	for (size_t i = 0; i < nf; i++)
		*(double *)((char *)&a->m + f[i].offset) = NAN;
	a->m.n_samples = 0;
	for (size_t k = 0; k < nm; k++) {
		if (strcmp(m[k].name, "n_samples") == 0 && m[k].value >= 0) {
			a->m.n_samples = (size_t)m[k].value;
			continue;
		}
		for (size_t i = 0; i < nf; i++)
			if (strcmp(m[k].name, f[i].key) == 0) {
				*(double *)((char *)&a->m + f[i].offset) = m[k].value;
				a->have_metrics = true;
			}
	}
}

static void fill_game(report_game *g, const store_metric *m, size_t nm)
{
	g->level_start = store_metric_find(m, nm, "level_start");
	g->level_end = store_metric_find(m, nm, "level_end");
	g->level_max = store_metric_find(m, nm, "level_max");
	g->score = store_metric_find(m, nm, "score");
	g->hits = store_metric_find(m, nm, "hits");
	g->misses = store_metric_find(m, nm, "misses");
	g->time_in_target_s = store_metric_find(m, nm, "time_in_target_s");
	g->play_time_s = store_metric_find(m, nm, "play_time_s");
	g->cognitive_correct = store_metric_find(m, nm, "cognitive_correct");
	g->cognitive_errors = store_metric_find(m, nm, "cognitive_errors");
	g->dual_task_cost_pct = store_metric_find(m, nm, "dual_task_cost_pct");
	g->dual_task_cost_sway_pct = store_metric_find(m, nm, "dual_task_cost_sway_pct");
}

/* The game's conditions, for people ("" if plain or unreadable: a trial
 * from before the conditions existed was plain). */
static void fill_conditions(store *s, report_game *g)
{
	store_trial_ref t = {s, g->trial_id};
	cond_set c;
	const char *bad;
	g->conditions[0] = 0;
	if (cond_from_json(store_trial_param_at, &t, &c, &bad) == POISE_OK && !cond_is_plain(&c))
		cond_describe(&c, g->conditions, sizeof g->conditions);
}

/* The LOS limits of m into l; false if there is none. */
static bool fill_los(report_los *l, const store_metric *m, size_t nm)
{
	bool any = false;
	for (int d = 0; d < LOS_DIRS; d++) {
		char key[32];
		snprintf(key, sizeof key, "los_limit_%s_mm", los_dir_key[d]);
		l->limit_mm[d] = store_metric_find(m, nm, key);
		any |= isfinite(l->limit_mm[d]);
	}
	return any;
}

/* The trials a test sums up, which get no place of their own. */
static bool test_part(const char *kind)
{
	return strcmp(kind, "symmetry") == 0 || strcmp(kind, "squat") == 0 || strcmp(kind, "sit-to-stand") == 0;
}

static int add_los(report_visit *v, const store_trial *t, bool sim, const store_metric *m, size_t nm,
                   bool summary)
{
	report_los probe;
	if (!fill_los(&probe, m, nm))
		return POISE_OK; /* one lean of a test, or a trial without limits */
	report_los *l;
	APPEND(v->los, v->n_los, l);
	if (!l)
		return POISE_E_NOMEM;
	*l = probe;
	l->session_id = t->session_id;
	l->trial_id = t->id;
	snprintf(l->started_at, sizeof l->started_at, "%s", t->started_at);
	l->simulated = sim;
	l->summary = summary;
	return POISE_OK;
}

static int add_test(report_visit *v, const store_trial *t, bool sim, const store_metric *m, size_t nm)
{
	report_test *x;
	APPEND(v->tests, v->n_tests, x);
	if (!x)
		return POISE_E_NOMEM;
	x->session_id = t->session_id;
	x->trial_id = t->id;
	snprintf(x->kind, sizeof x->kind, "%s", t->kind);
	snprintf(x->status, sizeof x->status, "%s", store_status_name(t->status));
	snprintf(x->started_at, sizeof x->started_at, "%s", t->started_at);
	x->simulated = sim;
	x->m = malloc((nm ? nm : 1) * sizeof *x->m);
	if (!x->m)
		return POISE_E_NOMEM;
	for (size_t i = 0; i < nm; i++) {
		snprintf(x->m[i].name, sizeof x->m[i].name, "%s", m[i].name);
		snprintf(x->m[i].unit, sizeof x->m[i].unit, "%s", m[i].unit);
		x->m[i].value = m[i].value;
	}
	x->n_m = nm;
	return strcmp(t->kind, "test:los") == 0 ? add_los(v, t, sim, m, nm, true) : POISE_OK;
}

/* Adds trial t (with its stored metrics) to visit v; sim: its session ran
 * on the simulated plate. */
static int add_trial(store *s, report_visit *v, const store_trial *t, bool sim, char *msg,
                     size_t len)
{
	store_metric *m = NULL;
	size_t nm = 0;
	int rc = store_metrics(s, t->id, &m, &nm);
	if (rc) {
		return fail(msg, len, rc, "cannot read the metrics of trial %lld: %s", (long long)t->id,
		            store_errmsg(s));
	}
	rc = POISE_E_NOMEM;
	v->n_trials++;
	if (strncmp(t->kind, "test:", 5) == 0) {
		rc = add_test(v, t, sim, m, nm);
	} else if (strcmp(t->kind, "los") == 0) {
		rc = add_los(v, t, sim, m, nm, false);
	} else if (test_part(t->kind)) {
		rc = POISE_OK;
	} else if (strncmp(t->kind, "game:", 5) == 0) {
		report_game *g;
		APPEND(v->games, v->n_games, g);
		if (g) {
			g->session_id = t->session_id;
			g->trial_id = t->id;
			snprintf(g->game, sizeof g->game, "%s", t->kind + 5);
			snprintf(g->status, sizeof g->status, "%s", store_status_name(t->status));
			snprintf(g->started_at, sizeof g->started_at, "%s", t->started_at);
			g->simulated = sim;
			fill_game(g, m, nm);
			fill_conditions(s, g);
			rc = POISE_OK;
		}
	} else {
		report_assess *a;
		APPEND(v->assess, v->n_assess, a);
		if (a) {
			a->session_id = t->session_id;
			a->trial_id = t->id;
			snprintf(a->kind, sizeof a->kind, "%s", t->kind);
			snprintf(a->status, sizeof a->status, "%s", store_status_name(t->status));
			snprintf(a->started_at, sizeof a->started_at, "%s", t->started_at);
			a->duration_s = t->duration_s;
			a->simulated = sim;
			fill_metrics(a, m, nm);
			char test[16];
			a->in_test = store_trial_param(s, t->id, "$.test", NULL, test, sizeof test) == POISE_OK;
			rc = POISE_OK;
		}
	}
	free(m);
	if (rc)
		return fail(msg, len, rc, "out of memory reading the patient's trials");
	return POISE_OK;
}

/* The on-plate samples of trial a, as the recorder selected them for the
 * metrics: on the plate, COP defined. */
static int load_samples(store *s, report_assess *a, char *msg, size_t len)
{
	store_sample *smp = NULL;
	size_t n = 0;
	int rc = store_samples(s, a->trial_id, &smp, &n);
	if (rc)
		return fail(msg, len, rc, "cannot read the samples of trial %lld: %s",
		            (long long)a->trial_id, store_errmsg(s));
	size_t cap = n ? n : 1;
	a->t_s = malloc(cap * sizeof *a->t_s);
	a->x_mm = malloc(cap * sizeof *a->x_mm);
	a->y_mm = malloc(cap * sizeof *a->y_mm);
	if (!a->t_s || !a->x_mm || !a->y_mm) {
		free(smp);
		return fail(msg, len, POISE_E_NOMEM, "out of memory reading trial %lld",
		            (long long)a->trial_id);
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(smp[i].flags & SAMPLE_ON_PLATE) || !isfinite(smp[i].x_mm) || !isfinite(smp[i].y_mm))
			continue;
		a->t_s[k] = (double)smp[i].t_us / 1e6;
		a->x_mm[k] = smp[i].x_mm;
		a->y_mm[k] = smp[i].y_mm;
		k++;
	}
	a->n = k;
	free(smp);
	return POISE_OK;
}

static int cmp_session(const void *pa, const void *pb)
{
	const store_session *a = pa, *b = pb;
	int c = strcmp(a->started_at, b->started_at);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

void report_data_free(report_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_visits; i++) {
		report_visit *v = &d->visits[i];
		for (size_t k = 0; k < v->n_assess; k++) {
			free(v->assess[k].t_s);
			free(v->assess[k].x_mm);
			free(v->assess[k].y_mm);
		}
		free(v->assess);
		free(v->games);
		free(v->los);
		for (size_t k = 0; k < v->n_tests; k++)
			free(v->tests[k].m);
		free(v->tests);
		free(v->notes);
	}
	free(d->visits);
	memset(d, 0, sizeof *d);
}

int report_load(store *s, const char *code, const report_sel *sel, report_data *out, char *msg,
                size_t len)
{
	report_sel none = {0};
	if (!sel)
		sel = &none;
	if (!s || !code)
		return fail(msg, len, POISE_E_INVALID, "no database or patient code given");
	if (sel->since_date && !report_date_valid(sel->since_date))
		return fail(msg, len, POISE_E_INVALID,
		            "'%s' is not a date; --since wants YYYY-MM-DD, e.g. 2024-05-02",
		            sel->since_date);
	store_patient p;
	int rc = store_patient_get(s, code, &p);
	if (rc == POISE_E_NOT_FOUND)
		return fail(msg, len, rc, "there is no patient '%s' in %s; `poise patient list` shows "
		            "the patients", code, store_path(s));
	if (rc)
		return fail(msg, len, rc, "cannot read patient '%s': %s", code, store_errmsg(s));

	store_session *ss = NULL;
	size_t ns = 0;
	if ((rc = store_sessions(s, p.id, &ss, &ns)) != POISE_OK)
		return fail(msg, len, rc, "cannot read the sessions of %s: %s", code, store_errmsg(s));
	if (sel->session_id > 0) {
		bool mine = false;
		for (size_t i = 0; i < ns; i++)
			mine |= ss[i].id == sel->session_id;
		if (!mine) {
			free(ss);
			return fail(msg, len, POISE_E_NOT_FOUND, "session %lld is not one of %s's sessions; "
			            "`poise patient show %s` lists them", (long long)sel->session_id, code,
			            code);
		}
	}
	if (ns > 1)
		qsort(ss, ns, sizeof *ss, cmp_session);

	report_data d = {0};
	ana_cfg_default(&d.analysis);
	snprintf(d.patient.code, sizeof d.patient.code, "%s", p.code);
	snprintf(d.patient.name, sizeof d.patient.name, "%s", p.display_name);
	d.patient.birth_year = p.birth_year;
	d.patient.height_cm = p.height_cm;
	d.patient.weight_kg = p.weight_kg;

	size_t cur = SIZE_MAX;
	bool sel_has_trials = false;
	for (size_t i = 0; i < ns && rc == POISE_OK; i++) {
		store_trial *tr = NULL;
		size_t nt = 0;
		if ((rc = store_trials(s, ss[i].id, &tr, &nt)) != POISE_OK) {
			fail(msg, len, rc, "cannot read the trials of session %lld: %s", (long long)ss[i].id,
			     store_errmsg(s));
			break;
		}
		if (nt == 0) {
			free(tr);
			continue;
		}
		char date[11];
		report_local_date(ss[i].started_at, date);
		report_visit *v = d.n_visits ? &d.visits[d.n_visits - 1] : NULL;
		if (!v || strcmp(v->date, date) != 0) {
			APPEND(d.visits, d.n_visits, v);
			if (!v) {
				free(tr);
				rc = fail(msg, len, POISE_E_NOMEM, "out of memory reading the sessions");
				break;
			}
			memcpy(v->date, date, sizeof v->date);
			snprintf(v->started_at, sizeof v->started_at, "%s", ss[i].started_at);
			v->first_session_id = ss[i].id;
		}
		v->last_session_id = ss[i].id;
		v->n_sessions++;
		bool sim = store_session_is_simulated(&ss[i]);
		v->n_simulated += sim;
		/* The visit's device: its latest real plate's, if it had one. */
		if (!sim || v->n_simulated == v->n_sessions) {
			snprintf(v->device_backend, sizeof v->device_backend, "%s", ss[i].device_backend);
			snprintf(v->device_serial, sizeof v->device_serial, "%s", ss[i].device_serial);
		}
		if (ss[i].operator_name[0])
			snprintf(v->operator_name, sizeof v->operator_name, "%s", ss[i].operator_name);
		if (ss[i].notes[0] || ss[i].comment[0]) {
			report_note *no;
			APPEND(v->notes, v->n_notes, no);
			if (!no) {
				free(tr);
				rc = fail(msg, len, POISE_E_NOMEM, "out of memory reading the sessions");
				break;
			}
			no->session_id = ss[i].id;
			snprintf(no->started_at, sizeof no->started_at, "%s", ss[i].started_at);
			snprintf(no->operator_name, sizeof no->operator_name, "%s", ss[i].operator_name);
			snprintf(no->notes, sizeof no->notes, "%s", ss[i].notes);
			snprintf(no->comment, sizeof no->comment, "%s", ss[i].comment);
		}
		if (ss[i].id == sel->session_id) {
			cur = d.n_visits - 1;
			sel_has_trials = true;
		}
		for (size_t k = 0; k < nt && rc == POISE_OK; k++)
			rc = add_trial(s, v, &tr[k], sim, msg, len);
		free(tr);
	}
	free(ss);
	if (rc) {
		report_data_free(&d);
		return rc;
	}
	if (d.n_visits == 0) {
		report_data_free(&d);
		return fail(msg, len, POISE_E_RANGE, "patient %s has no recorded trials yet; record one "
		            "first (poise record --patient %s --trial quiet-eo --seconds 30)", code, code);
	}
	if (sel->session_id > 0) {
		if (!sel_has_trials) {
			report_data_free(&d);
			return fail(msg, len, POISE_E_RANGE, "session %lld of %s has no trials to report",
			            (long long)sel->session_id, code);
		}
		d.first = 0;
		d.current = cur;
	} else if (sel->since_date) {
		size_t f = 0;
		while (f < d.n_visits && strcmp(d.visits[f].date, sel->since_date) < 0)
			f++;
		if (f == d.n_visits) {
			rc = fail(msg, len, POISE_E_RANGE, "patient %s has no trials since %s (the last "
			          "were on %s)", code, sel->since_date, d.visits[d.n_visits - 1].date);
			report_data_free(&d);
			return rc;
		}
		d.first = f;
		d.current = d.n_visits - 1;
	} else {
		d.first = 0;
		d.current = d.n_visits - 1;
	}
	/* The clinic's name, from the station's settings (the app's Settings). */
	if (store_setting_get(s, "clinic", d.clinic, sizeof d.clinic) != POISE_OK)
		d.clinic[0] = 0;
	report_visit *v = &d.visits[d.current];
	for (size_t k = 0; k < v->n_assess && rc == POISE_OK; k++)
		rc = load_samples(s, &v->assess[k], msg, len);
	if (rc) {
		report_data_free(&d);
		return rc;
	}
	*out = d;
	return POISE_OK;
}
