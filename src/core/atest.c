#include "core/atest.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/error.h"
#include "core/text.h"

#define DEG (180.0 / M_PI)
#define MAX_CONDS 8 /* the most conditions of a test: the 8 LOS directions */
#define LOG_MAX 8
#define SEATED_FRAC 0.6 /* seated: Fz below this share of body weight */
#define STAND_FRAC 0.8  /* standing again (sit-to-stand: up too early) */
#define OFF_FRAC 0.05   /* nobody: Fz below this share of body weight */

/* ---- names ------------------------------------------------------------- */

static const char *const test_names[ATEST_TESTS] = {"mctsib", "los", "symmetry", "sit-to-stand"};
static const char *const test_labels[ATEST_TESTS] = {"mCTSIB", "Limits of stability",
                                                     "Weight-bearing symmetry", "Sit to stand"};
static const char *const test_summary[ATEST_TESTS] = {"test:mctsib", "test:los", "test:symmetry",
                                                      "test:sit-to-stand"};
static const char *const ctsib_keys[CTSIB_CONDS] = {"firm_eo", "firm_ec", "foam_eo", "foam_ec"};
static const char *const ctsib_kinds[CTSIB_CONDS] = {"quiet-eo", "quiet-ec", "quiet-eo-foam",
                                                     "quiet-ec-foam"};
static const char *const ctsib_words[CTSIB_CONDS] = {"Firm floor, eyes open", "Firm floor, eyes closed",
                                                     "Foam, eyes open", "Foam, eyes closed"};
static const char *const los_keys[LOS_DIRS] = {"e", "ne", "n", "nw", "w", "sw", "s", "se"};
static const char *const los_words[LOS_DIRS] = {"right",        "forward-right", "forward",
                                                "forward-left", "left",          "back-left",
                                                "back",         "back-right"};
/* NeuroCom's order: forward, then clockwise. */
static const int los_order[LOS_DIRS] = {LOS_N, LOS_NE, LOS_E, LOS_SE, LOS_S, LOS_SW, LOS_W, LOS_NW};

const char *atest_name(enum atest_test t)
{
	return t < ATEST_TESTS ? test_names[t] : "?";
}

const char *atest_label(enum atest_test t)
{
	return t < ATEST_TESTS ? test_labels[t] : "?";
}

const char *atest_summary_kind(enum atest_test t)
{
	return t < ATEST_TESTS ? test_summary[t] : "?";
}

bool atest_find(const char *name, enum atest_test *out)
{
	for (int t = 0; t < ATEST_TESTS; t++)
		if (name && strcmp(name, test_names[t]) == 0) {
			*out = (enum atest_test)t;
			return true;
		}
	return false;
}

const char *atest_ctsib_key(int c)
{
	return c >= 0 && c < CTSIB_CONDS ? ctsib_keys[c] : "?";
}

const char *atest_ctsib_kind(int c)
{
	return c >= 0 && c < CTSIB_CONDS ? ctsib_kinds[c] : "?";
}

const char *atest_los_key(int d)
{
	return d >= 0 && d < LOS_DIRS ? los_keys[d] : "?";
}

const char *atest_phase_name(enum atest_phase p)
{
	static const char *const n[] = {"wait-on", "instruct", "weigh", "sit",  "countdown",
	                                "settle",  "record",   "rest",  "done"};
	return p <= ATEST_DONE ? n[p] : "?";
}

const char *atest_outcome_name(enum atest_outcome o)
{
	static const char *const n[] = {"ok", "fall", "feet-moved", "drift", "no-rise", "aborted"};
	return o <= ATEST_ABORTED ? n[o] : "?";
}

/* ---- configuration ------------------------------------------------------ */

void atest_cfg_default(atest_cfg *c, enum atest_test t, double rate_hz, double height_m,
                       const cop_plate *plate)
{
	*c = (atest_cfg){
		.test = t,
		.rate_hz = rate_hz,
		.height_m = height_m > 0 ? height_m : 1.70,
		.plate = plate ? *plate : (cop_plate){433, 238},
		.repeats = t == ATEST_LOS ? 1 : 3,
		.ctsib_conditions = 0xf,
		.trial_s = t == ATEST_SYMMETRY ? 10 : 30,
		.squat_s = 5,
		.settle_s = 5,
		.settle_max_s = 20,
		.instruct_s = 3,
		.countdown_s = 3,
		.rest_s = 3,
		.max_retries = 2,
		.still_window_s = 1,
		.still_radius_mm = 20,
		.still_fz_pct = 10,
		.jump_window_s = 0.5,
		.jump_mm = 40,
		.drift_mm = 50,
		.twist_max = 0.10,
		.los_pct = 100,
		.baseline_s = 1,
		.move_s = 8,
		.seated_s = 1,
		.rise_timeout_s = 10,
		.weigh_s = 2,
	};
}

static bool cfg_valid(const atest_cfg *c)
{
	return c->test < ATEST_TESTS && c->rate_hz >= 10 && c->rate_hz <= 10000 && c->height_m > 0.5 &&
	       c->height_m < 2.6 && c->plate.width_mm > 0 && c->plate.depth_mm > 0 && c->repeats >= 1 &&
	       c->repeats <= ASSESS_MAX_TRIALS && (c->ctsib_conditions & 0xf) && c->trial_s >= 2 &&
	       c->trial_s <= 600 && c->squat_s >= 2 && c->squat_s <= 120 && c->settle_s >= 0 &&
	       c->settle_s <= 60 && c->settle_max_s > 0 && c->instruct_s >= 0 && c->countdown_s >= 0 &&
	       c->rest_s >= 0 && c->max_retries >= 0 && c->max_retries <= 5 && c->still_window_s > 0 &&
	       c->still_window_s <= 5 && c->still_radius_mm > 0 && c->still_fz_pct > 0 &&
	       c->jump_window_s > 0 && c->jump_window_s <= 2 && c->jump_mm > 0 && c->drift_mm > 0 &&
	       c->twist_max > 0 && c->los_pct > 0 && c->los_pct <= 150 && c->baseline_s >= 0.25 &&
	       c->baseline_s <= 10 && c->move_s >= 1 && c->move_s <= 60 && c->seated_s > 0 &&
	       c->rise_timeout_s >= 1 && c->rise_timeout_s <= 60 && c->weigh_s > 0 && c->weigh_s <= 30;
}

/* ---- the machine -------------------------------------------------------- */

typedef struct step {
	const char *kind;
	int condition;
	bool eyes_closed, foam;
	enum atest_posture posture; /* while settling and recording */
} step;

typedef struct log_entry {
	char kind[32];
	char detail[160];
	mono_us t_us;
} log_entry;

struct atest {
	atest_cfg cfg;
	double com_h_mm;
	step *plan;
	int n_plan, cap_plan;
	int cur;
	int retries[MAX_CONDS];
	enum atest_phase phase;
	mono_us phase_t0, t_now;
	bool started;  /* a sample was seen */
	bool go;       /* atest_go() since the last wait */
	bool abort_req;
	enum atest_outcome abort_as;
	int count_shown;
	/* stillness: a ring of the last still_window_s */
	size_t win_cap, win_n, win_head;
	double *wx, *wy, *wfz;
	bool *wok;
	bool still;
	bool settling;      /* SETTLE: the patient was still at settle_t0 */
	mono_us settle_t0;
	bool unsettled;
	/* the trial being recorded: every sample, plus prefix sums for the
	 * quality checks */
	size_t cap, n;
	double *t, *x, *y, *fz, *f, *q;
	uint32_t *flags;
	double *sx, *sy, *sq; /* prefix sums: s[i] = Σ_{k<i} */
	mono_us rec_t0;
	bool recording;
	double ref_x, ref_y, ref_q;
	bool have_ref;
	/* LOS */
	bool cued;
	double cue_t_s; /* since the trial's start */
	double centre_x, centre_y, theta, target_mm;
	/* sit-to-stand */
	double bw_n;
	bool weighed, seat_off, stood;
	double stand_run_t;  /* start of the current run within the band (−1: none) */
	double stand_t_s;
	/* scratch for the measures (compacted valid samples) */
	double *ct, *cx, *cy, *cfz, *cf;
	/* trials */
	atest_trial *trials;
	int n_trials, cap_trials;
	const atest_trial *last;
	double symmetry_bw_n;
	/* reports of the current push */
	log_entry log[LOG_MAX];
	size_t n_log;
	enum atest_cue cue;
	char detail[160];
};

static void add_log(atest *a, const char *kind, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void add_log(atest *a, const char *kind, const char *fmt, ...)
{
	if (a->n_log >= LOG_MAX)
		return;
	log_entry *e = &a->log[a->n_log++];
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	e->detail[0] = 0;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof e->detail, fmt, ap);
		va_end(ap);
	}
	e->t_us = a->t_now;
}

static int n_conditions(const atest_cfg *c)
{
	switch (c->test) {
	case ATEST_MCTSIB:
		return CTSIB_CONDS;
	case ATEST_LOS:
		return LOS_DIRS;
	case ATEST_SYMMETRY:
		return 2;
	default:
		return 1;
	}
}

static void plan_add(atest *a, const char *kind, int cond, bool ec, bool foam, enum atest_posture p)
{
	a->plan[a->n_plan++] = (step){kind, cond, ec, foam, p};
}

static void make_plan(atest *a)
{
	const atest_cfg *c = &a->cfg;
	switch (c->test) {
	case ATEST_MCTSIB:
		for (int k = 0; k < CTSIB_CONDS; k++)
			for (int r = 0; (c->ctsib_conditions >> k & 1) && r < c->repeats; r++)
				plan_add(a, ctsib_kinds[k], k, k == CTSIB_FIRM_EC || k == CTSIB_FOAM_EC,
				         k >= CTSIB_FOAM_EO, ATEST_STAND);
		break;
	case ATEST_LOS:
		for (int k = 0; k < LOS_DIRS; k++)
			for (int r = 0; r < c->repeats; r++)
				plan_add(a, "los", los_order[k], false, false, ATEST_STAND);
		break;
	case ATEST_SYMMETRY:
		for (int r = 0; r < c->repeats; r++)
			plan_add(a, "symmetry", 0, false, false, ATEST_STAND);
		for (int r = 0; r < c->repeats; r++)
			plan_add(a, "squat", 1, false, false, ATEST_SQUAT);
		break;
	default:
		for (int r = 0; r < c->repeats; r++)
			plan_add(a, "sit-to-stand", 0, false, false, ATEST_STAND);
		break;
	}
}

/* The longest recording a trial of this test can need, in seconds. */
static double max_record_s(const atest_cfg *c)
{
	switch (c->test) {
	case ATEST_MCTSIB:
		return c->trial_s;
	case ATEST_SYMMETRY:
		return fmax(c->trial_s, c->squat_s);
	case ATEST_LOS:
		return c->baseline_s + c->move_s;
	default:
		return c->baseline_s + c->rise_timeout_s + 10 + 5; /* rise, settling, sway window */
	}
}

void atest_destroy(atest *a)
{
	if (!a)
		return;
	free(a->plan);
	free(a->wx);
	free(a->wy);
	free(a->wfz);
	free(a->wok);
	free(a->t);
	free(a->x);
	free(a->y);
	free(a->fz);
	free(a->f);
	free(a->q);
	free(a->flags);
	free(a->sx);
	free(a->sy);
	free(a->sq);
	free(a->ct);
	free(a->cx);
	free(a->cy);
	free(a->cfz);
	free(a->cf);
	free(a->trials);
	free(a);
}

int atest_create(atest **out, const atest_cfg *cfg)
{
	if (!out || !cfg || !cfg_valid(cfg))
		return POISE_E_INVALID;
	atest *a = calloc(1, sizeof *a);
	if (!a)
		return POISE_E_NOMEM;
	a->cfg = *cfg;
	assess_los_geom g;
	assess_los_geom_default(&g, cfg->height_m);
	a->com_h_mm = assess_com_height_mm(&g);
	int conds = n_conditions(cfg);
	a->cap_plan = conds * cfg->repeats + conds * cfg->max_retries;
	a->cap_trials = a->cap_plan;
	a->win_cap = (size_t)ceil(fmax(cfg->still_window_s, cfg->weigh_s) * cfg->rate_hz) + 2;
	a->cap = (size_t)ceil((max_record_s(cfg) + 1) * cfg->rate_hz) + 8;
	a->plan = calloc((size_t)a->cap_plan, sizeof *a->plan);
	a->trials = calloc((size_t)a->cap_trials, sizeof *a->trials);
	a->wx = malloc(a->win_cap * sizeof(double));
	a->wy = malloc(a->win_cap * sizeof(double));
	a->wfz = malloc(a->win_cap * sizeof(double));
	a->wok = malloc(a->win_cap * sizeof(bool));
	double **arrs[] = {&a->t, &a->x, &a->y, &a->fz, &a->q, &a->ct, &a->cx, &a->cy, &a->cfz};
	bool ok = a->plan && a->trials && a->wx && a->wy && a->wfz && a->wok;
	for (size_t i = 0; ok && i < sizeof arrs / sizeof arrs[0]; i++)
		ok = (*arrs[i] = malloc(a->cap * sizeof(double))) != NULL;
	double **sums[] = {&a->sx, &a->sy, &a->sq};
	for (size_t i = 0; ok && i < 3; i++)
		ok = (*sums[i] = malloc((a->cap + 1) * sizeof(double))) != NULL;
	ok = ok && (a->f = malloc(a->cap * CELL_COUNT * sizeof(double))) != NULL &&
	     (a->cf = malloc(a->cap * CELL_COUNT * sizeof(double))) != NULL &&
	     (a->flags = malloc(a->cap * sizeof(uint32_t))) != NULL;
	if (!ok) {
		atest_destroy(a);
		return POISE_E_NOMEM;
	}
	make_plan(a);
	a->phase = ATEST_WAIT_ON;
	*out = a;
	return POISE_OK;
}

/* ---- helpers ------------------------------------------------------------ */

static double since_s(const atest *a, mono_us t0)
{
	return (double)(a->t_now - t0) / 1e6;
}

static bool on_plate(const cop_sample *s)
{
	return (s->flags & SAMPLE_ON_PLATE) && !(s->flags & SAMPLE_NO_COP) && isfinite(s->x_mm) &&
	       isfinite(s->y_mm);
}

static bool has_cop(const cop_sample *s)
{
	return !(s->flags & SAMPLE_NO_COP) && isfinite(s->x_mm) && isfinite(s->y_mm);
}

static const step *cur_step(const atest *a)
{
	return a->cur < a->n_plan ? &a->plan[a->cur] : NULL;
}

static void enter(atest *a, enum atest_phase p, enum atest_cue cue)
{
	a->phase = p;
	a->phase_t0 = a->t_now;
	a->go = p == ATEST_INSTRUCT ? a->go : false;
	if (cue != ATEST_CUE_NONE)
		a->cue = cue;
	a->count_shown = 0;
	a->settling = false;
	a->still = false;
	a->win_n = 0;
}

/* The still-window: appends s; ok says whether the sample may count
 * (standing: on the plate with a COP; seated: a COP). */
static void window_push(atest *a, const cop_sample *s, bool ok)
{
	size_t need = (size_t)ceil(a->cfg.still_window_s * a->cfg.rate_hz);
	if (need < 2)
		need = 2;
	if (need > a->win_cap)
		need = a->win_cap;
	size_t k = (a->win_head + a->win_n) % a->win_cap;
	if (a->win_n == need) { /* drop the oldest */
		a->win_head = (a->win_head + 1) % a->win_cap;
		k = (a->win_head + a->win_n - 1) % a->win_cap;
	} else {
		a->win_n++;
	}
	a->wx[k] = s->x_mm;
	a->wy[k] = s->y_mm;
	a->wfz[k] = s->fz_n;
	a->wok[k] = ok;
	/* still: a full window of good samples, the COP within the radius of
	 * its mean, the force within still_fz_pct of its mean */
	a->still = false;
	if (a->win_n < need)
		return;
	double mx = 0, my = 0, mf = 0, fmin_ = INFINITY, fmax_ = -INFINITY;
	for (size_t i = 0; i < a->win_n; i++) {
		size_t j = (a->win_head + i) % a->win_cap;
		if (!a->wok[j])
			return;
		mx += a->wx[j];
		my += a->wy[j];
		mf += a->wfz[j];
		fmin_ = fmin(fmin_, a->wfz[j]);
		fmax_ = fmax(fmax_, a->wfz[j]);
	}
	mx /= (double)a->win_n;
	my /= (double)a->win_n;
	mf /= (double)a->win_n;
	if (!(mf > 0) || fmax_ - fmin_ > a->cfg.still_fz_pct / 100 * mf)
		return;
	for (size_t i = 0; i < a->win_n; i++) {
		size_t j = (a->win_head + i) % a->win_cap;
		if (hypot(a->wx[j] - mx, a->wy[j] - my) > a->cfg.still_radius_mm)
			return;
	}
	a->still = true;
}

/* Mean Fz of the still-window (after window_push). */
static double window_fz(const atest *a)
{
	double m = 0;
	for (size_t i = 0; i < a->win_n; i++)
		m += a->wfz[(a->win_head + i) % a->win_cap];
	return a->win_n ? m / (double)a->win_n : 0;
}

/* ---- recording -------------------------------------------------------------- */

static void rec_begin(atest *a)
{
	a->recording = true;
	a->rec_t0 = a->t_now;
	a->n = 0;
	a->sx[0] = a->sy[0] = a->sq[0] = 0;
	a->have_ref = false;
	a->cued = false;
	a->seat_off = a->stood = false;
	a->stand_run_t = -1;
}

static void rec_push(atest *a, const cop_sample *s)
{
	if (a->n >= a->cap)
		return; /* cannot happen: the phase ends before the buffer fills */
	size_t i = a->n++;
	a->t[i] = (double)(s->t_us - a->rec_t0) / 1e6;
	a->x[i] = s->x_mm;
	a->y[i] = s->y_mm;
	a->fz[i] = s->fz_n;
	a->flags[i] = s->flags;
	memcpy(&a->f[CELL_COUNT * i], s->force_n, sizeof s->force_n);
	double q = NAN;
	if (has_cop(s) && s->fz_n > 0)
		q = (s->force_n[CELL_TL] + s->force_n[CELL_BR] - s->force_n[CELL_TR] - s->force_n[CELL_BL]) /
		            s->fz_n +
		    4 * s->x_mm * s->y_mm / (a->cfg.plate.width_mm * a->cfg.plate.depth_mm);
	a->q[i] = q;
	bool fin = isfinite(s->x_mm) && isfinite(s->y_mm) && isfinite(q);
	a->sx[i + 1] = a->sx[i] + (fin ? s->x_mm : 0);
	a->sy[i + 1] = a->sy[i] + (fin ? s->y_mm : 0);
	a->sq[i + 1] = a->sq[i] + (fin ? q : 0);
}

/* Mean of the recorded samples [i0, i1) from the prefix sums. */
static void rec_mean(const atest *a, size_t i0, size_t i1, double *mx, double *my, double *mq)
{
	double k = (double)(i1 - i0);
	*mx = (a->sx[i1] - a->sx[i0]) / k;
	*my = (a->sy[i1] - a->sy[i0]) / k;
	*mq = (a->sq[i1] - a->sq[i0]) / k;
}

/* Quality of a quiet-stance recording so far: ATEST_OK, or why it fails. */
static enum atest_outcome quality(atest *a)
{
	size_t w = (size_t)lround(a->cfg.jump_window_s * a->cfg.rate_hz);
	size_t one = (size_t)lround(a->cfg.rate_hz);
	if (w < 1)
		w = 1;
	if (!a->have_ref) {
		if (a->n < one)
			return ATEST_OK;
		rec_mean(a, 0, one, &a->ref_x, &a->ref_y, &a->ref_q);
		a->have_ref = true;
	}
	if (a->n < 3 * w || a->n < one)
		return ATEST_OK;
	double nx, ny, nq, px, py, pq;
	rec_mean(a, a->n - w, a->n, &nx, &ny, &nq);
	rec_mean(a, a->n - 3 * w, a->n - 2 * w, &px, &py, &pq);
	if (hypot(nx - px, ny - py) > a->cfg.jump_mm) {
		add_log(a, "feet-moved", "{\"why\": \"jump\", \"shift_mm\": %.1f}", hypot(nx - px, ny - py));
		return ATEST_FEET_MOVED;
	}
	if (fabs(nq - a->ref_q) > a->cfg.twist_max) {
		add_log(a, "feet-moved", "{\"why\": \"load-pattern\", \"twist_change\": %.3f}", nq - a->ref_q);
		return ATEST_FEET_MOVED;
	}
	if (hypot(nx - a->ref_x, ny - a->ref_y) > a->cfg.drift_mm) {
		add_log(a, "drift", "{\"drift_mm\": %.1f}", hypot(nx - a->ref_x, ny - a->ref_y));
		return ATEST_DRIFT;
	}
	return ATEST_OK;
}

/* ---- the measures of a trial -------------------------------------------- */

/* Copies the recorded samples that pass into the scratch arrays;
 * standing: on the plate with a COP; else: with a COP. Returns how many. */
static size_t compact(atest *a, bool standing, size_t from, size_t to)
{
	size_t k = 0;
	for (size_t i = from; i < to; i++) {
		bool ok = isfinite(a->x[i]) && isfinite(a->y[i]) && !(a->flags[i] & SAMPLE_NO_COP) &&
		          (!standing || (a->flags[i] & SAMPLE_ON_PLATE));
		if (!ok)
			continue;
		a->ct[k] = a->t[i];
		a->cx[k] = a->x[i];
		a->cy[k] = a->y[i];
		a->cfz[k] = a->fz[i];
		memcpy(&a->cf[CELL_COUNT * k], &a->f[CELL_COUNT * i], CELL_COUNT * sizeof(double));
		k++;
	}
	return k;
}

static void measure_quiet(atest *a, atest_trial *t)
{
	size_t n = compact(a, true, 0, a->n);
	ana_cfg ac;
	ana_cfg_default(&ac);
	ana_series s;
	if (n >= 3 && a->ct[n - 1] - a->ct[0] >= 2.0 && ana_prepare(a->ct, a->cx, a->cy, n, &ac, &s) == POISE_OK) {
		t->have_sway = met_static_compute(s.x_mm, s.y_mm, s.n, s.duration_s, &t->sway) == POISE_OK;
		t->equilibrium_score = assess_equilibrium_score(s.y_mm, s.n, a->com_h_mm, false);
		ana_series_free(&s);
	}
	if (t->outcome == ATEST_FALL)
		t->equilibrium_score = 0;
	if (n > 0 && t->outcome == ATEST_OK) {
		double bw = a->cfg.test == ATEST_SYMMETRY && a->symmetry_bw_n > 0 ? a->symmetry_bw_n : 0;
		if (bw <= 0) {
			for (size_t i = 0; i < n; i++)
				bw += a->cfz[i];
			bw /= (double)n;
		}
		t->have_wb = assess_weight_bearing(a->cf, n, bw, &t->wb) == POISE_OK;
	}
}

static void measure_los(atest *a, atest_trial *t)
{
	t->los_theta_rad = a->theta;
	t->los_target_mm = a->target_mm;
	if (!a->cued)
		return;
	size_t n = compact(a, true, 0, a->n);
	ana_cfg ac;
	ana_cfg_default(&ac);
	ana_series s;
	if (n < 3 || ana_prepare(a->ct, a->cx, a->cy, n, &ac, &s) != POISE_OK)
		return;
	assess_los_cfg lc;
	assess_los_cfg_default(&lc);
	lc.baseline_s = a->cfg.baseline_s;
	/* The reaction time from the recorded COP: its first movement, the
	 * anticipatory shift away from the target included (unfiltered: a
	 * zero-phase low-pass would smear that first movement back toward
	 * the cue). The rest from the
	 * COG (NeuroCom's measures are of the COG), estimated from the COP:
	 * the COP's counter-movement and the overshoot of its braking would
	 * otherwise cut the primary movement short. */
	assess_los_result cop_r;
	bool have_cop = assess_los_attempt(a->ct, a->cx, a->cy, n, a->cue_t_s, a->theta, a->target_mm,
	                                   a->com_h_mm, &lc, &cop_r) == POISE_OK;
	if (assess_cog_estimate(s.x_mm, s.n, s.fs_hz, a->com_h_mm, s.x_mm) == POISE_OK &&
	    assess_cog_estimate(s.y_mm, s.n, s.fs_hz, a->com_h_mm, s.y_mm) == POISE_OK &&
	    assess_los_attempt(s.t_s, s.x_mm, s.y_mm, s.n, a->cue_t_s, a->theta, a->target_mm, a->com_h_mm, &lc,
	                       &t->los) == POISE_OK) {
		t->los_excursion_mm = fmax(0, t->los.max_excursion_pct / 100 * a->target_mm);
		t->los.reaction_time_s = have_cop && cop_r.moved ? cop_r.reaction_time_s : NAN;
	}
	ana_series_free(&s);
}

static void measure_sts(atest *a, atest_trial *t)
{
	size_t n = compact(a, false, 0, a->n);
	ana_cfg ac = {.resample_hz = 0, .lowpass_hz = 10}; /* aligned with Fz */
	ana_series s;
	if (!a->cued || n < 3 || ana_prepare(a->ct, a->cx, a->cy, n, &ac, &s) != POISE_OK)
		return;
	assess_sts_cfg sc;
	assess_sts_cfg_default(&sc);
	t->have_sts = assess_sit_to_stand(a->ct, a->cfz, s.x_mm, s.y_mm, n, a->cue_t_s, a->bw_n, a->com_h_mm,
	                                  &sc, &t->sts) == POISE_OK;
	ana_series_free(&s);
	/* weight bearing during the rise: from the cue until standing */
	double t_end = t->have_sts && isfinite(t->sts.stand_t_s) ? t->sts.stand_t_s : a->ct[n - 1];
	size_t i0 = 0, i1 = 0;
	while (i0 < n && a->ct[i0] < a->cue_t_s)
		i0++;
	for (i1 = i0; i1 < n && a->ct[i1] <= t_end; i1++)
		;
	if (i1 > i0)
		t->have_wb = assess_weight_bearing(&a->cf[CELL_COUNT * i0], i1 - i0, a->bw_n, &t->wb) == POISE_OK;
}

static double settle_for(const atest *a)
{
	const step *st = cur_step(a);
	if (a->cfg.test == ATEST_LOS && a->cur > 0)
		return fmin(a->cfg.settle_s, 2);
	if (st && st->posture == ATEST_SQUAT)
		return fmin(a->cfg.settle_s, 2);
	return a->cfg.settle_s;
}

static double record_len_s(const atest *a)
{
	const step *st = cur_step(a);
	return st && st->posture == ATEST_SQUAT ? a->cfg.squat_s : a->cfg.trial_s;
}

/* Ends the trial being recorded with outcome o: measures it, schedules a
 * repeat of an invalid one, moves on. */
static void end_trial(atest *a, enum atest_outcome o)
{
	const step *st = cur_step(a);
	atest_trial *t = &a->trials[a->n_trials++];
	*t = (atest_trial){.step = a->cur, .kind = st->kind, .condition = st->condition, .outcome = o,
	                   .unsettled = a->unsettled, .t0_us = a->rec_t0, .t1_us = a->t_now,
	                   .equilibrium_score = NAN, .los_theta_rad = NAN, .los_target_mm = NAN,
	                   .los_excursion_mm = NAN};
	t->los = (assess_los_result){.reaction_time_s = NAN, .movement_velocity_mm_s = NAN,
	                             .movement_velocity_deg_s = NAN, .endpoint_excursion_pct = NAN,
	                             .max_excursion_pct = NAN, .directional_control_pct = NAN,
	                             .onset_t_s = NAN, .endpoint_t_s = NAN, .centre_x_mm = NAN,
	                             .centre_y_mm = NAN};
	for (int i = 0; i < a->n_trials - 1; i++)
		t->repeat += a->trials[i].condition == st->condition;
	t->repeat++;
	/* time held: to the last sample still on the plate */
	size_t last = a->n;
	while (last > 0 && o == ATEST_FALL && !(a->flags[last - 1] & SAMPLE_ON_PLATE))
		last--;
	t->held_s = last > 0 ? a->t[last - 1] : 0;
	switch (a->cfg.test) {
	case ATEST_LOS:
		measure_los(a, t);
		break;
	case ATEST_STS:
		measure_sts(a, t);
		break;
	default:
		measure_quiet(a, t);
		break;
	}
	if (a->cfg.test == ATEST_SYMMETRY && st->posture == ATEST_STAND && o == ATEST_OK && t->have_wb &&
	    !(a->symmetry_bw_n > 0))
		a->symmetry_bw_n = t->wb.mean_total_n;
	add_log(a, "trial-end", "{\"outcome\": \"%s\", \"held_s\": %.3f}", atest_outcome_name(o), t->held_s);
	a->recording = false;
	a->last = t;
	a->unsettled = false;
	if ((o == ATEST_FEET_MOVED || o == ATEST_DRIFT) && a->retries[st->condition] < a->cfg.max_retries &&
	    a->n_plan < a->cap_plan) {
		a->retries[st->condition]++;
		memmove(&a->plan[a->cur + 2], &a->plan[a->cur + 1],
		        (size_t)(a->n_plan - a->cur - 1) * sizeof *a->plan);
		a->plan[a->cur + 1] = *st;
		a->n_plan++;
		add_log(a, "repeat", "{\"why\": \"%s\"}", atest_outcome_name(o));
	}
	a->cur++;
	enum atest_cue cue = o == ATEST_OK ? ATEST_CUE_STOP : ATEST_CUE_FALL;
	if (a->cur >= a->n_plan || o == ATEST_ABORTED) {
		enter(a, ATEST_DONE, o == ATEST_ABORTED ? ATEST_CUE_NONE : ATEST_CUE_DONE);
		return;
	}
	enter(a, ATEST_REST, cue);
}

/* ---- phases ------------------------------------------------------------------ */

/* Does the current step wait for the therapist before it starts? */
static bool needs_go(const atest *a)
{
	if (!a->cfg.manual_go)
		return false;
	if (a->cur == 0)
		return true;
	if (a->cfg.test != ATEST_MCTSIB && a->cfg.test != ATEST_SYMMETRY)
		return false;
	return a->plan[a->cur].condition != a->plan[a->cur - 1].condition;
}

/* Somebody is there for the step: standing (or, sit-to-stand after the
 * weighing, feet on the plate). */
static bool present(const atest *a, const cop_sample *s)
{
	if (a->cfg.test == ATEST_STS && a->weighed)
		return has_cop(s) && s->fz_n > OFF_FRAC * a->bw_n;
	return on_plate(s);
}

static unsigned begin_record(atest *a, const cop_sample *s)
{
	enter(a, ATEST_RECORD, ATEST_CUE_NONE);
	rec_begin(a);
	rec_push(a, s);
	return ATEST_R_BEGIN;
}

static unsigned step_settle(atest *a, const cop_sample *s)
{
	if (!on_plate(s)) { /* stepped off after the trial started: a fall */
		unsigned r = begin_record(a, s);
		add_log(a, "fall", "{\"while\": \"settling\"}");
		end_trial(a, ATEST_FALL);
		return r | ATEST_R_END;
	}
	window_push(a, s, true);
	if (!a->settling) {
		if (a->still) {
			a->settling = true;
			a->settle_t0 = a->t_now;
		} else if (since_s(a, a->phase_t0) >= a->cfg.settle_max_s) {
			a->unsettled = true;
			add_log(a, "not-still", "{\"after_s\": %.2f}", since_s(a, a->phase_t0));
			double waited = since_s(a, a->phase_t0);
			unsigned r = begin_record(a, s);
			add_log(a, "record", "{\"settle_s\": %.3f, \"still\": false}", waited);
			return r;
		}
	}
	if (a->settling && since_s(a, a->settle_t0) >= settle_for(a) - 1e-9) {
		double still_after = (double)(a->settle_t0 - a->phase_t0) / 1e6;
		double settled = since_s(a, a->settle_t0);
		unsigned r = begin_record(a, s);
		add_log(a, "record", "{\"still_after_s\": %.3f, \"settle_s\": %.3f}", still_after, settled);
		return r;
	}
	return 0;
}

static unsigned step_record_quiet(atest *a, const cop_sample *s)
{
	if (!on_plate(s)) {
		add_log(a, "fall", "{\"after_s\": %.3f}", since_s(a, a->rec_t0));
		end_trial(a, ATEST_FALL);
		return ATEST_R_END;
	}
	enum atest_outcome q = quality(a);
	if (q != ATEST_OK) {
		end_trial(a, q);
		return ATEST_R_END;
	}
	if (since_s(a, a->rec_t0) >= record_len_s(a) - 1e-9) {
		end_trial(a, ATEST_OK);
		return ATEST_R_END;
	}
	return 0;
}

static unsigned step_record_los(atest *a, const cop_sample *s)
{
	double rel = since_s(a, a->rec_t0);
	if (!on_plate(s)) {
		add_log(a, "fall", "{\"after_s\": %.3f}", rel);
		end_trial(a, ATEST_FALL);
		return ATEST_R_END;
	}
	if (!a->cued && rel >= a->cfg.baseline_s - 1e-9) {
		double mq;
		rec_mean(a, 0, a->n, &a->centre_x, &a->centre_y, &mq);
		int d = cur_step(a)->condition;
		a->theta = d * M_PI / 4;
		assess_los_geom g;
		assess_los_geom_default(&g, a->cfg.height_m);
		a->target_mm = assess_los_target_mm(&g, a->theta, a->cfg.los_pct);
		a->cued = true;
		a->cue_t_s = rel;
		a->cue = ATEST_CUE_MOVE;
		add_log(a, "cue", "{\"direction\": \"%s\", \"target_mm\": %.1f, \"centre_mm\": [%.1f, %.1f]}",
		        los_keys[d], a->target_mm, a->centre_x, a->centre_y);
		return ATEST_R_CUE;
	}
	if (a->cued && rel >= a->cue_t_s + a->cfg.move_s - 1e-9) {
		end_trial(a, ATEST_OK);
		return ATEST_R_END;
	}
	return 0;
}

static unsigned step_record_sts(atest *a, const cop_sample *s)
{
	double rel = since_s(a, a->rec_t0);
	if (!a->cued) {
		if (rel >= a->cfg.baseline_s - 1e-9) {
			a->cued = true;
			a->cue_t_s = rel;
			a->cue = ATEST_CUE_MOVE;
			add_log(a, "cue", "{\"what\": \"stand up\"}");
			return ATEST_R_CUE;
		}
		return 0;
	}
	assess_sts_cfg sc;
	assess_sts_cfg_default(&sc);
	if (!a->seat_off && s->fz_n >= a->bw_n) {
		a->seat_off = true;
		add_log(a, "seat-off", "{\"after_cue_s\": %.3f}", rel - a->cue_t_s);
	}
	if (a->seat_off && !a->stood) {
		if (fabs(s->fz_n - a->bw_n) <= sc.settle_band_pct / 100 * a->bw_n) {
			if (a->stand_run_t < 0)
				a->stand_run_t = rel;
			if (rel - a->stand_run_t >= sc.settle_s - 1e-9) {
				a->stood = true;
				a->stand_t_s = a->stand_run_t;
				add_log(a, "standing", "{\"after_cue_s\": %.3f}", a->stand_t_s - a->cue_t_s);
			}
		} else {
			a->stand_run_t = -1;
		}
	}
	if (a->stood) {
		if ((s->flags & SAMPLE_STEP_OFF) || !has_cop(s)) {
			add_log(a, "fall", "{\"after_s\": %.3f}", rel);
			end_trial(a, ATEST_FALL);
			return ATEST_R_END;
		}
		if (rel >= a->stand_t_s + sc.sway_window_s + 1.0 / a->cfg.rate_hz) {
			end_trial(a, ATEST_OK);
			return ATEST_R_END;
		}
	} else if ((!a->seat_off && rel - a->cue_t_s >= a->cfg.rise_timeout_s) ||
	           rel - a->cue_t_s >= a->cfg.rise_timeout_s + 10) {
		add_log(a, "no-rise", "{\"after_cue_s\": %.3f}", rel - a->cue_t_s);
		end_trial(a, ATEST_NO_RISE);
		return ATEST_R_END;
	}
	return 0;
}

static unsigned step_countdown(atest *a, const cop_sample *s)
{
	if (a->cfg.test == ATEST_STS) {
		if (s->fz_n < OFF_FRAC * a->bw_n || !has_cop(s)) {
			enter(a, ATEST_WAIT_ON, ATEST_CUE_NONE);
			return 0;
		}
		if (s->fz_n >= STAND_FRAC * a->bw_n) { /* up too early */
			enter(a, ATEST_SIT, ATEST_CUE_ATTENTION);
			return 0;
		}
	} else if (!on_plate(s)) {
		enter(a, ATEST_WAIT_ON, ATEST_CUE_NONE);
		return 0;
	}
	double left = a->cfg.countdown_s - since_s(a, a->phase_t0);
	if (left <= 1e-9) {
		if (a->cfg.test == ATEST_STS) {
			unsigned r = begin_record(a, s);
			add_log(a, "record", "{\"seated\": true}");
			return r;
		}
		enter(a, ATEST_SETTLE, ATEST_CUE_START);
		return 0;
	}
	int count = (int)ceil(left - 1e-9);
	if (count != a->count_shown) {
		a->count_shown = count;
		a->cue = ATEST_CUE_TICK;
	}
	return 0;
}

/* After window_push(): how long the patient has been still, counting the
 * window that made them still (0 when not still now). Uses the settling
 * fields as the start of the still run. */
static double still_for(atest *a)
{
	if (!a->still) {
		a->settling = false;
		return 0;
	}
	if (!a->settling) {
		a->settling = true;
		a->settle_t0 = a->t_now;
	}
	return since_s(a, a->settle_t0) + a->cfg.still_window_s;
}

static unsigned step_weigh(atest *a, const cop_sample *s)
{
	if (!on_plate(s)) {
		enter(a, ATEST_WAIT_ON, ATEST_CUE_NONE);
		return 0;
	}
	window_push(a, s, true);
	if (still_for(a) >= a->cfg.weigh_s - 1e-9) {
		a->bw_n = window_fz(a);
		a->weighed = true;
		add_log(a, "weighed", "{\"body_weight_n\": %.1f}", a->bw_n);
		enter(a, ATEST_SIT, ATEST_CUE_ATTENTION);
	}
	return 0;
}

static unsigned step_sit(atest *a, const cop_sample *s)
{
	if (s->fz_n < OFF_FRAC * a->bw_n || !has_cop(s)) {
		enter(a, ATEST_WAIT_ON, ATEST_CUE_NONE);
		return 0;
	}
	bool seated = s->fz_n < SEATED_FRAC * a->bw_n;
	window_push(a, s, seated);
	if (still_for(a) >= a->cfg.seated_s - 1e-9)
		enter(a, ATEST_COUNTDOWN, ATEST_CUE_TICK);
	return 0;
}

unsigned atest_push(atest *a, const cop_sample *s)
{
	a->t_now = s->t_us;
	a->n_log = 0;
	a->cue = ATEST_CUE_NONE;
	if (!a->started) {
		a->started = true;
		a->phase_t0 = s->t_us;
	}
	enum atest_phase before = a->phase;
	unsigned r = 0;
	switch (a->phase) {
	case ATEST_WAIT_ON:
		if (present(a, s))
			enter(a, ATEST_INSTRUCT, ATEST_CUE_ATTENTION);
		break;
	case ATEST_INSTRUCT:
		if (!present(a, s)) {
			enter(a, ATEST_WAIT_ON, ATEST_CUE_NONE);
		} else if (since_s(a, a->phase_t0) >= a->cfg.instruct_s - 1e-9 && (!needs_go(a) || a->go)) {
			a->go = false;
			if (a->cfg.test == ATEST_STS)
				enter(a, a->weighed ? ATEST_SIT : ATEST_WEIGH, ATEST_CUE_NONE);
			else
				enter(a, ATEST_COUNTDOWN, ATEST_CUE_NONE);
		}
		break;
	case ATEST_WEIGH:
		r = step_weigh(a, s);
		break;
	case ATEST_SIT:
		r = step_sit(a, s);
		break;
	case ATEST_COUNTDOWN:
		r = step_countdown(a, s);
		break;
	case ATEST_SETTLE:
		r = step_settle(a, s);
		break;
	case ATEST_RECORD:
		rec_push(a, s);
		if (a->cfg.test == ATEST_LOS)
			r = step_record_los(a, s);
		else if (a->cfg.test == ATEST_STS)
			r = step_record_sts(a, s);
		else
			r = step_record_quiet(a, s);
		break;
	case ATEST_REST:
		if (since_s(a, a->phase_t0) >= a->cfg.rest_s - 1e-9)
			enter(a, ATEST_INSTRUCT, ATEST_CUE_ATTENTION);
		break;
	case ATEST_DONE:
		return 0;
	}
	/* a phase entered on this sample that counts down at once */
	if (a->phase == ATEST_COUNTDOWN && before != ATEST_COUNTDOWN)
		r |= step_countdown(a, s);
	if (a->phase != before)
		r |= ATEST_R_PHASE;
	if (a->phase == ATEST_DONE && before != ATEST_DONE)
		r |= ATEST_R_DONE;
	if (a->cue != ATEST_CUE_NONE)
		r |= ATEST_R_CUE;
	if (a->n_log)
		r |= ATEST_R_LOG;
	return r;
}

void atest_go(atest *a)
{
	a->go = true;
}

bool atest_abort(atest *a, mono_us t_us)
{
	if (a->phase == ATEST_DONE)
		return false;
	a->t_now = t_us > a->t_now ? t_us : a->t_now;
	a->n_log = 0;
	if (a->recording) {
		end_trial(a, ATEST_ABORTED);
		return true;
	}
	enter(a, ATEST_DONE, ATEST_CUE_NONE);
	return false;
}

enum atest_phase atest_phase(const atest *a)
{
	return a->phase;
}

bool atest_done(const atest *a)
{
	return a->phase == ATEST_DONE;
}

bool atest_recording(const atest *a)
{
	return a->recording;
}

const atest_cfg *atest_config(const atest *a)
{
	return &a->cfg;
}

enum atest_cue atest_cue_now(const atest *a)
{
	return a->cue;
}

const char *atest_log(const atest *a, size_t i, mono_us *t_us, const char **detail)
{
	if (i >= a->n_log)
		return NULL;
	if (t_us)
		*t_us = a->log[i].t_us;
	if (detail)
		*detail = a->log[i].detail;
	return a->log[i].kind;
}

size_t atest_trials(const atest *a, const atest_trial **out)
{
	*out = a->trials;
	return (size_t)a->n_trials;
}

const atest_trial *atest_last_trial(const atest *a)
{
	return a->last;
}

double atest_body_weight_n(const atest *a)
{
	if (a->cfg.test == ATEST_STS)
		return a->weighed ? a->bw_n : 0;
	if (a->cfg.test == ATEST_SYMMETRY && a->symmetry_bw_n > 0)
		return a->symmetry_bw_n;
	return a->last && a->last->have_wb ? a->last->wb.mean_total_n : 0;
}

/* The step of the trial being recorded, or the last one run. */
static const step *trial_step(const atest *a)
{
	if (a->recording || !a->last)
		return cur_step(a) ? cur_step(a) : (a->n_plan ? &a->plan[a->n_plan - 1] : NULL);
	return &a->plan[a->last->step];
}

const char *atest_trial_kind(const atest *a)
{
	const step *st = trial_step(a);
	return st ? st->kind : "";
}

static const char *cond_key(const atest *a, int c)
{
	switch (a->cfg.test) {
	case ATEST_MCTSIB:
		return ctsib_keys[c];
	case ATEST_LOS:
		return los_keys[c];
	case ATEST_SYMMETRY:
		return c ? "squat" : "stand";
	default:
		return "rise";
	}
}

const char *atest_trial_params(const atest *a, char *buf, size_t len)
{
	const step *st = trial_step(a);
	int repeat = 1;
	int upto = a->recording ? a->n_trials : a->n_trials - 1;
	for (int i = 0; st && i < upto; i++)
		repeat += a->trials[i].condition == st->condition;
	text_buf tb = {buf, len, 0};
	buf[0] = 0;
	text_add(&tb, "{\"test\": \"%s\", \"condition\": \"%s\", \"repeat\": %d, \"eyes_closed\": %s, "
	              "\"foam\": %s",
	         test_names[a->cfg.test], st ? cond_key(a, st->condition) : "", repeat,
	         st && st->eyes_closed ? "true" : "false", st && st->foam ? "true" : "false");
	if (a->cfg.test == ATEST_LOS)
		text_add(&tb, ", \"target_pct\": %.17g, \"height_m\": %.17g", a->cfg.los_pct, a->cfg.height_m);
	if (a->cfg.test == ATEST_STS && a->weighed)
		text_add(&tb, ", \"body_weight_n\": %.6g", a->bw_n);
	text_add(&tb, "}");
	return buf;
}

const char *atest_cfg_json(const atest *a, char *buf, size_t len)
{
	const atest_cfg *c = &a->cfg;
	text_buf tb = {buf, len, 0};
	buf[0] = 0;
	text_add(&tb, "{\"test\": \"%s\", \"repeats\": %d, \"settle_s\": %g, \"rate_hz\": %g, \"height_m\": %g",
	         test_names[c->test], c->repeats, c->settle_s, c->rate_hz, c->height_m);
	switch (c->test) {
	case ATEST_MCTSIB:
		text_add(&tb, ", \"trial_s\": %g, \"conditions\": [", c->trial_s);
		for (int k = 0, first = 1; k < CTSIB_CONDS; k++)
			if (c->ctsib_conditions >> k & 1) {
				text_add(&tb, "%s\"%s\"", first ? "" : ", ", ctsib_keys[k]);
				first = 0;
			}
		text_add(&tb, "]");
		break;
	case ATEST_LOS:
		text_add(&tb, ", \"target_pct\": %g, \"baseline_s\": %g, \"move_s\": %g", c->los_pct, c->baseline_s,
		         c->move_s);
		break;
	case ATEST_SYMMETRY:
		text_add(&tb, ", \"trial_s\": %g, \"squat_s\": %g", c->trial_s, c->squat_s);
		break;
	default:
		text_add(&tb, ", \"rise_timeout_s\": %g", c->rise_timeout_s);
		break;
	}
	text_add(&tb, ", \"max_retries\": %d, \"jump_mm\": %g, \"drift_mm\": %g, \"twist_max\": %g}",
	         c->max_retries, c->jump_mm, c->drift_mm, c->twist_max);
	return buf;
}

bool atest_complete(const atest *a)
{
	if (a->phase != ATEST_DONE || a->n_trials == 0)
		return false;
	bool scored[MAX_CONDS] = {false}, asked[MAX_CONDS] = {false};
	for (int i = 0; i < a->n_plan; i++)
		asked[a->plan[i].condition] = true;
	for (int i = 0; i < a->n_trials; i++) {
		const atest_trial *t = &a->trials[i];
		if (t->outcome == ATEST_ABORTED)
			return false;
		if (t->outcome == ATEST_OK || t->outcome == ATEST_FALL || t->outcome == ATEST_NO_RISE)
			scored[t->condition] = true;
	}
	for (int c = 0; c < MAX_CONDS; c++)
		if (asked[c] && !scored[c])
			return false;
	return true;
}

/* ---- the prompt ------------------------------------------------------------ */

static const char *const ctsib_text[CTSIB_CONDS] = {
	"Stand with your feet together and your arms by your sides. Look straight ahead and stand as "
	"still as you can.",
	"Stand with your feet together and your arms by your sides. Close your eyes and stand as still as "
	"you can.",
	"Stand on the foam cushion with your feet together and your arms by your sides. Look straight "
	"ahead and stand as still as you can.",
	"Stand on the foam cushion with your feet together and your arms by your sides. Close your eyes "
	"and stand as still as you can.",
};

/* "forward", "forward and to the right"... for sentences. */
static const char *const los_phrase[LOS_DIRS] = {"to the right",          "forward and to the right",
                                                 "forward",               "forward and to the left",
                                                 "to the left",           "back and to the left",
                                                 "back",                  "back and to the right"};

static void instruction(const atest *a, const step *st, char *buf, size_t len)
{
	switch (a->cfg.test) {
	case ATEST_MCTSIB:
		snprintf(buf, len, "%s", ctsib_text[st->condition]);
		break;
	case ATEST_LOS:
		if (a->cur == 0)
			snprintf(buf, len, "When the target appears, lean your whole body toward it as far as you can "
			         "without moving your feet, and hold. First: %s.", los_phrase[st->condition]);
		else
			snprintf(buf, len, "Next: lean %s when the target appears.", los_phrase[st->condition]);
		break;
	case ATEST_SYMMETRY:
		snprintf(buf, len, "%s", st->posture == ATEST_SQUAT
		         ? "Bend your knees as if to sit on a chair, and hold still there."
		         : "Stand relaxed with your weight on both feet and look straight ahead.");
		break;
	default:
		snprintf(buf, len, "%s", !a->weighed ? "Stand still on the plate first."
		         : "Sit on the chair with both feet on the plate. When you hear the signal, stand up "
		           "without using your hands.");
		break;
	}
}

static void prompt_text(const atest *a, const step *st, char *buf, size_t len)
{
	const atest_trial *last = a->last;
	switch (a->phase) {
	case ATEST_WAIT_ON:
		snprintf(buf, len, "%s", a->cfg.test == ATEST_STS && a->weighed
		         ? "Please put both feet on the plate." : "Please step onto the plate.");
		return;
	case ATEST_INSTRUCT:
		instruction(a, st, buf, len);
		return;
	case ATEST_WEIGH:
		snprintf(buf, len, "Stand still.");
		return;
	case ATEST_SIT:
		snprintf(buf, len, "Sit down on the chair with both feet on the plate.");
		return;
	case ATEST_COUNTDOWN:
		snprintf(buf, len, "Get ready.");
		return;
	case ATEST_SETTLE:
	case ATEST_RECORD:
		if (a->cfg.test == ATEST_LOS)
			snprintf(buf, len, "%s", a->cued ? "Lean toward the target and hold!" : "Stand still in the middle.");
		else if (a->cfg.test == ATEST_STS)
			snprintf(buf, len, "%s", !a->cued ? "Stay seated." : a->stood ? "Stand still."
			                                                              : "Stand up now!");
		else if (st->posture == ATEST_SQUAT)
			snprintf(buf, len, "Bend your knees and hold still.");
		else
			snprintf(buf, len, "%s", st->eyes_closed ? "Eyes closed. Stand still." : "Stand still.");
		return;
	case ATEST_REST:
		if (last && last->outcome != ATEST_OK && last->outcome != ATEST_NO_RISE)
			snprintf(buf, len, "Take your time. Rest a moment.");
		else if (a->cfg.test == ATEST_LOS)
			snprintf(buf, len, "Well done. Come back to the middle and relax.");
		else
			snprintf(buf, len, "Well done. Relax.");
		return;
	case ATEST_DONE:
		snprintf(buf, len, "All done. Thank you!");
		return;
	}
}

void atest_prompt_get(const atest *a, atest_prompt *p)
{
	memset(p, 0, sizeof *p);
	p->phase = a->phase;
	const step *st = a->phase == ATEST_REST && a->cur > 0 ? &a->plan[a->cur - 1] : cur_step(a);
	if (!st)
		st = a->n_plan ? &a->plan[a->n_plan - 1] : NULL;
	if (!st)
		return;
	prompt_text(a, st, p->text, sizeof p->text);
	p->step = (a->phase == ATEST_REST ? a->cur : a->cur + 1);
	if (p->step > a->n_plan)
		p->step = a->n_plan;
	p->n_steps = a->n_plan;
	p->still = a->still;
	bool in_trial = a->phase == ATEST_SETTLE || a->phase == ATEST_RECORD;
	bool live = a->phase != ATEST_DONE && a->phase != ATEST_REST && a->phase != ATEST_WAIT_ON;
	p->eyes_closed = st->eyes_closed && in_trial;
	p->foam = st->foam && live;
	if (a->cfg.test == ATEST_STS)
		p->posture = a->phase == ATEST_SIT || a->phase == ATEST_COUNTDOWN ||
		             (a->phase == ATEST_RECORD && !a->cued) ? ATEST_SIT_DOWN : ATEST_STAND;
	else
		p->posture = in_trial ? st->posture : ATEST_STAND;
	if (a->phase == ATEST_COUNTDOWN)
		p->countdown = a->count_shown;
	double span = 0, at = since_s(a, a->phase_t0);
	switch (a->phase) {
	case ATEST_INSTRUCT:
		span = a->cfg.instruct_s;
		break;
	case ATEST_COUNTDOWN:
		span = a->cfg.countdown_s;
		break;
	case ATEST_REST:
		span = a->cfg.rest_s;
		break;
	case ATEST_SETTLE:
		span = a->settling ? settle_for(a) : 0;
		at = a->settling ? since_s(a, a->settle_t0) : 0;
		break;
	case ATEST_RECORD:
		at = since_s(a, a->rec_t0);
		span = a->cfg.test == ATEST_LOS ? a->cfg.baseline_s + a->cfg.move_s
		     : a->cfg.test == ATEST_STS ? 0 : record_len_s(a);
		break;
	default:
		break;
	}
	p->phase_progress = span > 0 ? fmin(1, fmax(0, at / span)) : 0;
	if (a->cfg.test == ATEST_LOS && a->phase == ATEST_RECORD && a->cued) {
		p->target = true;
		p->direction = st->condition;
		p->centre_x_mm = a->centre_x;
		p->centre_y_mm = a->centre_y;
		p->target_x_mm = a->centre_x + a->target_mm * cos(a->theta);
		p->target_y_mm = a->centre_y + a->target_mm * sin(a->theta);
	}
	/* the therapist's line */
	int of = 0, done = 0;
	for (int i = 0; i < a->n_plan; i++)
		of += a->plan[i].condition == st->condition;
	for (int i = 0; i < a->n_trials; i++)
		done += a->trials[i].condition == st->condition;
	int k = a->phase == ATEST_REST ? done : done + 1;
	if (k > of)
		k = of;
	switch (a->cfg.test) {
	case ATEST_MCTSIB:
		snprintf(p->detail, sizeof p->detail, "mCTSIB · %s · trial %d of %d", ctsib_words[st->condition], k,
		         of);
		break;
	case ATEST_LOS:
		snprintf(p->detail, sizeof p->detail, "Limits of stability · %s · direction %d of %d",
		         los_words[st->condition], p->step, p->n_steps);
		break;
	case ATEST_SYMMETRY:
		snprintf(p->detail, sizeof p->detail, "Weight bearing · %s · trial %d of %d",
		         st->posture == ATEST_SQUAT ? "squat" : "standing", k, of);
		break;
	default:
		snprintf(p->detail, sizeof p->detail, "Sit to stand · rise %d of %d", k, of);
		break;
	}
}

/* ---- values ------------------------------------------------------------------ */

typedef struct vals {
	atest_value *out;
	size_t max, n;
} vals;

static void put(vals *v, const char *unit, double x, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static void put(vals *v, const char *unit, double x, const char *fmt, ...)
{
	if (v->n < v->max) {
		atest_value *e = &v->out[v->n];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->key, sizeof e->key, fmt, ap);
		va_end(ap);
		e->unit = unit;
		e->v = x;
	}
	v->n++;
}

/* Mean and sample SD of the finite values of x[0..n); *k gets how many. */
static double mean_sd(const double *x, int n, double *sd, int *k)
{
	double s = 0, s2 = 0;
	int m = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(x[i])) {
			s += x[i];
			m++;
		}
	double mean = m ? s / m : NAN;
	for (int i = 0; i < n; i++)
		if (isfinite(x[i]))
			s2 += (x[i] - mean) * (x[i] - mean);
	if (sd)
		*sd = m >= 2 ? sqrt(s2 / (m - 1)) : NAN;
	if (k)
		*k = m;
	return mean;
}

/* The smallest real difference of a mean of k trials with spread sd. */
static double srd(double sd, int k)
{
	return k >= 2 && isfinite(sd) ? 1.96 * sqrt(2.0) * sd / sqrt((double)k) : NAN;
}

size_t atest_trial_values(const atest *a, const atest_trial *t, atest_value *out, size_t max)
{
	vals v = {out, max, 0};
	put(&v, "s", t->held_s, "held_s");
	put(&v, "", t->outcome == ATEST_FALL, "fell");
	put(&v, "", t->outcome == ATEST_OK || t->outcome == ATEST_FALL, "counted");
	put(&v, "", t->unsettled, "unsettled");
	switch (a->cfg.test) {
	case ATEST_MCTSIB:
		put(&v, "", t->equilibrium_score, "equilibrium_score");
		break;
	case ATEST_LOS:
		put(&v, "°", t->los_theta_rad * DEG, "los_direction_deg");
		put(&v, "mm", t->los_target_mm, "los_target_mm");
		put(&v, "s", t->los.reaction_time_s, "los_rt_s");
		put(&v, "mm/s", t->los.movement_velocity_mm_s, "los_mvl_mm_s");
		put(&v, "°/s", t->los.movement_velocity_deg_s, "los_mvl_deg_s");
		put(&v, "%", t->los.endpoint_excursion_pct, "los_epe_pct");
		put(&v, "%", t->los.max_excursion_pct, "los_mxe_pct");
		put(&v, "mm", t->los_excursion_mm, "los_excursion_mm");
		put(&v, "%", t->los.directional_control_pct, "los_dcl_pct");
		break;
	case ATEST_SYMMETRY:
		put(&v, "%", t->have_wb ? t->wb.left_bw_pct : NAN, "wb_left_pct");
		put(&v, "%", t->have_wb ? t->wb.right_bw_pct : NAN, "wb_right_pct");
		put(&v, "%", t->have_wb ? t->wb.front_bw_pct : NAN, "wb_front_pct");
		put(&v, "%", t->have_wb ? t->wb.back_bw_pct : NAN, "wb_back_pct");
		put(&v, "%", t->have_wb ? t->wb.symmetry_index_pct : NAN, "wb_si_pct");
		put(&v, "N", t->have_wb ? t->wb.mean_total_n : NAN, "wb_total_n");
		break;
	default:
		put(&v, "s", t->have_sts ? t->sts.weight_transfer_s : NAN, "sts_transfer_s");
		put(&v, "%", t->have_sts ? t->sts.rising_index_pct : NAN, "sts_rising_index_pct");
		put(&v, "%", t->have_sts ? t->sts.rising_excess_pct : NAN, "sts_rising_excess_pct");
		put(&v, "mm/s", t->have_sts ? t->sts.sway_velocity_mm_s : NAN, "sts_sway_velocity_mm_s");
		put(&v, "°/s", t->have_sts ? t->sts.sway_velocity_deg_s : NAN, "sts_sway_velocity_deg_s");
		put(&v, "%", t->have_wb ? t->wb.left_pct : NAN, "sts_rise_left_pct");
		break;
	}
	return v.n;
}

static void summary_mctsib(const atest *a, vals *v)
{
	assess_ctsib_trials in;
	memset(&in, 0, sizeof in);
	double vel[CTSIB_CONDS][ASSESS_MAX_TRIALS], es[CTSIB_CONDS][ASSESS_MAX_TRIALS];
	int nv[CTSIB_CONDS] = {0}, nes[CTSIB_CONDS] = {0};
	for (int i = 0; i < a->n_trials; i++) {
		const atest_trial *t = &a->trials[i];
		int c = t->condition;
		bool ok = t->outcome == ATEST_OK && t->have_sway, fell = t->outcome == ATEST_FALL;
		if ((!ok && !fell) || in.n[c] >= ASSESS_MAX_TRIALS)
			continue;
		in.trial[c][in.n[c]++] = (assess_trial){.sway_velocity = ok ? t->sway.mean_velocity_mm_s : 0,
		                                        .held_s = t->held_s, .fell = fell};
		if (ok)
			vel[c][nv[c]++] = t->sway.mean_velocity_mm_s;
		es[c][nes[c]++] = fell ? 0 : t->equilibrium_score;
	}
	assess_ctsib cs;
	if (assess_ctsib_summary(&in, &cs) != POISE_OK)
		return;
	double es_mean[CTSIB_CONDS];
	int falls = 0;
	for (int c = 0; c < CTSIB_CONDS; c++) {
		es_mean[c] = mean_sd(es[c], nes[c], NULL, NULL);
		falls += cs.falls[c];
		if (!(a->cfg.ctsib_conditions >> c & 1))
			continue;
		double sd;
		int k;
		mean_sd(vel[c], nv[c], &sd, &k);
		put(v, "mm/s", cs.mean_velocity[c], "mctsib_%s_velocity_mm_s", ctsib_keys[c]);
		put(v, "s", cs.mean_held_s[c], "mctsib_%s_held_s", ctsib_keys[c]);
		put(v, "", cs.trials[c], "mctsib_%s_trials", ctsib_keys[c]);
		put(v, "", cs.falls[c], "mctsib_%s_falls", ctsib_keys[c]);
		put(v, "", es_mean[c], "mctsib_%s_es", ctsib_keys[c]);
		put(v, "mm/s", sd, "mctsib_%s_sd_mm_s", ctsib_keys[c]);
		put(v, "mm/s", srd(sd, k), "mctsib_%s_srd_mm_s", ctsib_keys[c]);
	}
	assess_sensory sr;
	assess_ctsib_ratios(es_mean, &sr);
	put(v, "mm/s", cs.composite_velocity, "mctsib_composite_velocity_mm_s");
	put(v, "", sr.composite, "mctsib_composite_es");
	put(v, "", cs.romberg_firm, "romberg_firm");
	put(v, "", cs.romberg_foam, "romberg_foam");
	put(v, "", cs.foam_quotient_eo, "foam_ratio_eo");
	put(v, "", assess_romberg(cs.mean_velocity[CTSIB_FOAM_EC], cs.mean_velocity[CTSIB_FIRM_EC]),
	    "foam_ratio_ec");
	put(v, "", sr.somatosensory, "sensory_somatosensory");
	put(v, "", sr.visual, "sensory_visual");
	put(v, "", sr.vestibular, "sensory_vestibular");
	put(v, "", falls, "mctsib_falls");
}

enum { LM_RT, LM_MVL_DEG, LM_MVL_MM, LM_EPE, LM_MXE, LM_DCL, LM_EXC, LM_TARGET, LM_N };

static void summary_los(const atest *a, vals *v)
{
	/* Per direction: los_<measure>_<direction>_<unit> */
	static const char *const measure[LM_N] = {"rt", "mvl", "mvl", "epe", "mxe", "dcl", "limit", "target"};
	static const char *const suffix[LM_N] = {"s", "deg_s", "mm_s", "pct", "pct", "pct", "mm", "mm"};
	static const char *const comp[LM_N] = {"los_rt_s", "los_mvl_deg_s", "los_mvl_mm_s", "los_epe_pct",
	                                       "los_mxe_pct", "los_dcl_pct", NULL, NULL};
	static const char *const unit[LM_N] = {"s", "°/s", "mm/s", "%", "%", "%", "mm", "mm"};
	double per[LOS_DIRS][LM_N];
	int falls[LOS_DIRS] = {0}, total_falls = 0;
	for (int d = 0; d < LOS_DIRS; d++) {
		double x[LM_N][ASSESS_MAX_TRIALS];
		int n = 0;
		for (int i = 0; i < a->n_trials && n < ASSESS_MAX_TRIALS; i++) {
			const atest_trial *t = &a->trials[i];
			if (t->condition != d || (t->outcome != ATEST_OK && t->outcome != ATEST_FALL))
				continue;
			falls[d] += t->outcome == ATEST_FALL;
			double m[LM_N] = {t->los.reaction_time_s, t->los.movement_velocity_deg_s,
			                  t->los.movement_velocity_mm_s, t->los.endpoint_excursion_pct,
			                  t->los.max_excursion_pct, t->los.directional_control_pct, t->los_excursion_mm,
			                  t->los_target_mm};
			for (int k = 0; k < LM_N; k++)
				x[k][n] = m[k];
			n++;
		}
		for (int k = 0; k < LM_N; k++)
			per[d][k] = mean_sd(x[k], n, NULL, NULL);
		total_falls += falls[d];
	}
	for (int d = 0; d < LOS_DIRS; d++) {
		for (int k = 0; k < LM_N; k++) {
			put(v, unit[k], per[d][k], "los_%s_%s_%s", measure[k], los_keys[d], suffix[k]);
		}
		put(v, "", falls[d], "los_falls_%s", los_keys[d]);
	}
	for (int k = 0; k < LM_N; k++) {
		if (!comp[k])
			continue;
		double col[LOS_DIRS];
		for (int d = 0; d < LOS_DIRS; d++)
			col[d] = per[d][k];
		put(v, unit[k], mean_sd(col, LOS_DIRS, NULL, NULL), "%s", comp[k]);
	}
	put(v, "", total_falls, "los_falls");
	put(v, "%", a->cfg.los_pct, "los_target_pct");
}

static void summary_symmetry(const atest *a, vals *v)
{
	static const char *const posture[2] = {"stand", "squat"};
	for (int p = 0; p < 2; p++) {
		double l[ASSESS_MAX_TRIALS], r[ASSESS_MAX_TRIALS], f[ASSESS_MAX_TRIALS], b[ASSESS_MAX_TRIALS];
		double si[ASSESS_MAX_TRIALS], vel[ASSESS_MAX_TRIALS];
		int n = 0;
		for (int i = 0; i < a->n_trials && n < ASSESS_MAX_TRIALS; i++) {
			const atest_trial *t = &a->trials[i];
			if (t->condition != p || t->outcome != ATEST_OK || !t->have_wb)
				continue;
			l[n] = t->wb.left_bw_pct; /* % of the body weight (measure_quiet) */
			r[n] = t->wb.right_bw_pct;
			f[n] = t->wb.front_bw_pct;
			b[n] = t->wb.back_bw_pct;
			si[n] = t->wb.symmetry_index_pct;
			vel[n] = t->have_sway ? t->sway.mean_velocity_mm_s : NAN;
			n++;
		}
		double sd;
		int k;
		put(v, "%", mean_sd(l, n, &sd, &k), "wb_%s_left_pct", posture[p]);
		put(v, "%", mean_sd(r, n, NULL, NULL), "wb_%s_right_pct", posture[p]);
		put(v, "%", mean_sd(f, n, NULL, NULL), "wb_%s_front_pct", posture[p]);
		put(v, "%", mean_sd(b, n, NULL, NULL), "wb_%s_back_pct", posture[p]);
		put(v, "%", mean_sd(si, n, NULL, NULL), "wb_%s_si_pct", posture[p]);
		put(v, "%", srd(sd, k), "wb_%s_left_srd_pct", posture[p]);
		put(v, "mm/s", mean_sd(vel, n, NULL, NULL), "wb_%s_velocity_mm_s", posture[p]);
		put(v, "", n, "wb_%s_trials", posture[p]);
	}
	put(v, "N", a->symmetry_bw_n > 0 ? a->symmetry_bw_n : NAN, "wb_body_weight_n");
}

static void summary_sts(const atest *a, vals *v)
{
	double x[6][ASSESS_MAX_TRIALS];
	int n = 0, falls = 0, no_rise = 0;
	for (int i = 0; i < a->n_trials; i++) {
		const atest_trial *t = &a->trials[i];
		falls += t->outcome == ATEST_FALL;
		no_rise += t->outcome == ATEST_NO_RISE;
		if (t->outcome != ATEST_OK || !t->have_sts || n >= ASSESS_MAX_TRIALS)
			continue;
		double m[6] = {t->sts.weight_transfer_s, t->sts.rising_index_pct, t->sts.rising_excess_pct,
		               t->sts.sway_velocity_mm_s, t->sts.sway_velocity_deg_s,
		               t->have_wb ? t->wb.left_pct : NAN};
		for (int k = 0; k < 6; k++)
			x[k][n] = m[k];
		n++;
	}
	double sd;
	int k;
	put(v, "s", mean_sd(x[0], n, &sd, &k), "sts_transfer_s");
	put(v, "s", srd(sd, k), "sts_transfer_srd_s");
	put(v, "%", mean_sd(x[1], n, NULL, NULL), "sts_rising_index_pct");
	put(v, "%", mean_sd(x[2], n, NULL, NULL), "sts_rising_excess_pct");
	put(v, "mm/s", mean_sd(x[3], n, &sd, &k), "sts_sway_velocity_mm_s");
	put(v, "mm/s", srd(sd, k), "sts_sway_velocity_srd_mm_s");
	put(v, "°/s", mean_sd(x[4], n, NULL, NULL), "sts_sway_velocity_deg_s");
	put(v, "%", mean_sd(x[5], n, NULL, NULL), "sts_rise_left_pct");
	put(v, "", n, "sts_rises");
	put(v, "", falls, "sts_falls");
	put(v, "", no_rise, "sts_no_rise");
	put(v, "N", a->weighed ? a->bw_n : NAN, "sts_body_weight_n");
}

size_t atest_summary_values(const atest *a, atest_value *out, size_t max)
{
	vals v = {out, max, 0};
	switch (a->cfg.test) {
	case ATEST_MCTSIB:
		summary_mctsib(a, &v);
		break;
	case ATEST_LOS:
		summary_los(a, &v);
		break;
	case ATEST_SYMMETRY:
		summary_symmetry(a, &v);
		break;
	default:
		summary_sts(a, &v);
		break;
	}
	put(&v, "", a->n_trials, "n_trials");
	put(&v, "", atest_complete(a), "test_complete");
	return v.n;
}
