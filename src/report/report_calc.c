/* The report's pure helpers: formatting, the ellipse, comparisons, the
 * summary paragraph. No I/O, no cairo. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/error.h"
#include "core/kind.h"
#include "report/report.h"
#include "report/report_impl.h"

const char *report_fmt_num(char *buf, size_t len, double v)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "–");
		return buf;
	}
	double a = fabs(v);
	char digits[64];
	int dec = a >= 100 ? 1 : a >= 1 ? 2 : 3;
	snprintf(digits, sizeof digits, "%.*f", dec, a);
	bool nonzero = strpbrk(digits, "123456789") != NULL;
	snprintf(buf, len, "%s%s", v < 0 && nonzero ? "−" : "", digits);
	return buf;
}

const char *report_human_date(char *buf, size_t len, const char *date)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	date_time t;
	if (!date_parse(date, &t))
		snprintf(buf, len, "%s", "unknown date");
	else
		snprintf(buf, len, "%d %s %d", t.day, mon[t.month - 1], t.year);
	return buf;
}

double report_date_days(const char *date)
{
	date_time t;
	if (!date_parse(date, &t))
		return NAN;
	return (double)date_days_from_civil(t.year, t.month, t.day) + 0.5; /* noon */
}

int report_ellipse95(const double *x, const double *y, size_t n, report_ellipse *out)
{
	if (n < 3)
		return POISE_E_RANGE;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxx += dx * dx;
		syy += dy * dy;
		sxy += dx * dy;
	}
	sxx /= (double)n;
	syy /= (double)n;
	sxy /= (double)n;
	/* Eigenvalues of the covariance; the ellipse (p − c)ᵀ Σ⁻¹ (p − c) = 2F
	 * has semi-axes √(2F·λ) and area 2πF·√det Σ (Prieto's AREA-CE). */
	double half_tr = 0.5 * (sxx + syy);
	double r = hypot(0.5 * (sxx - syy), sxy);
	double l1 = half_tr + r, l2 = half_tr - r;
	if (l2 < 0)
		l2 = 0;
	double f = met_f_quantile_2(0.05, (double)n - 2);
	report_ellipse e = {
		.cx_mm = mx,
		.cy_mm = my,
		.a_mm = sqrt(2 * f * l1),
		.b_mm = sqrt(2 * f * l2),
		.angle_rad = 0.5 * atan2(2 * sxy, sxx - syy),
	};
	e.area_mm2 = M_PI * e.a_mm * e.b_mm;
	*out = e;
	return POISE_OK;
}

int report_trial_ellipse(const report_assess *t, const ana_cfg *cfg, report_ellipse *out)
{
	if (!t->t_s || t->n < 3)
		return POISE_E_RANGE;
	ana_series s;
	int rc = ana_prepare(t->t_s, t->x_mm, t->y_mm, t->n, cfg, &s);
	if (rc)
		return rc;
	rc = report_ellipse95(s.x_mm, s.y_mm, s.n, out);
	ana_series_free(&s);
	return rc;
}

const report_assess *report_visit_assess(const report_visit *v, const char *kind)
{
	const report_assess *any = NULL, *complete = NULL;
	for (size_t i = 0; i < v->n_assess; i++) {
		const report_assess *a = &v->assess[i];
		if (strcmp(a->kind, kind) != 0 || !a->have_metrics)
			continue;
		any = a;
		if (strcmp(a->status, "complete") == 0)
			complete = a;
	}
	return complete ? complete : any;
}

const report_assess *report_previous(const report_data *d, size_t before, const char *kind,
                                     size_t *visit)
{
	for (size_t i = before; i-- > 0;) {
		const report_assess *a = report_visit_assess(&d->visits[i], kind);
		if (a) {
			if (visit)
				*visit = i;
			return a;
		}
	}
	return NULL;
}

double report_romberg(const report_visit *v, size_t off)
{
	const report_assess *eo = report_visit_assess(v, REPORT_EO);
	const report_assess *ec = report_visit_assess(v, REPORT_EC);
	if (!eo || !ec)
		return NAN;
	double a = *(const double *)((const char *)&eo->m + off);
	double b = *(const double *)((const char *)&ec->m + off);
	return a > 0 && isfinite(b) ? b / a : NAN;
}

bool report_visit_simulated(const report_visit *v)
{
	bool sim = false;
	for (size_t i = 0; i < v->n_assess; i++)
		sim |= v->assess[i].simulated;
	for (size_t i = 0; i < v->n_games; i++)
		sim |= v->games[i].simulated;
	for (size_t i = 0; i < v->n_los; i++)
		sim |= v->los[i].simulated;
	for (size_t i = 0; i < v->n_tests; i++)
		sim |= v->tests[i].simulated;
	return sim;
}

double report_test_value(const report_test *t, const char *name)
{
	for (size_t i = 0; t && i < t->n_m; i++)
		if (strcmp(t->m[i].name, name) == 0)
			return t->m[i].value;
	return NAN;
}

const report_test *report_visit_test(const report_visit *v, const char *kind)
{
	for (size_t i = v->n_tests; i-- > 0;)
		if (strcmp(v->tests[i].kind, kind) == 0)
			return &v->tests[i];
	return NULL;
}

const report_test *report_previous_test(const report_data *d, size_t before, const char *kind,
                                        size_t *visit)
{
	for (size_t i = before; i-- > 0;) {
		const report_test *t = report_visit_test(&d->visits[i], kind);
		if (t) {
			if (visit)
				*visit = i;
			return t;
		}
	}
	return NULL;
}

const report_los *report_latest_los(const report_data *d, size_t upto)
{
	for (size_t i = upto + 1; i-- > 0;) {
		const report_visit *v = &d->visits[i];
		for (size_t k = v->n_los; k-- > 0;) {
			const report_los *l = &v->los[k];
			bool any = false;
			for (int dir = 0; dir < LOS_DIRS; dir++)
				any |= isfinite(l->limit_mm[dir]);
			if (any)
				return l;
		}
	}
	return NULL;
}

const char *report_kind_label(const char *kind)
{
	const kind_info *k = kind_find(kind);
	return k && !(k->flags & KIND_GAME) ? k->label : kind;
}

/* "eyes-open" for sentences. */
static const char *kind_phrase(const char *kind)
{
	if (strcmp(kind, REPORT_EO) == 0)
		return "eyes-open";
	if (strcmp(kind, REPORT_EC) == 0)
		return "eyes-closed";
	return kind;
}

const char *report_game_label(const char *id)
{
	static const struct {
		const char *id, *name;
	} names[] = {
		{"reach", "Reach"},           {"slalom", "Slalom"}, {"stillwater", "Still water"},
		{"tracking", "Tracking"},     {"maze", "Maze"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(id, names[i].id) == 0)
			return names[i].name;
	return id;
}

const char *report_age_band(char *buf, size_t len, int birth_year, const char *visit_date)
{
	date_time t;
	if (birth_year < DATE_YEAR_MIN || birth_year > DATE_YEAR_MAX || !date_parse(visit_date, &t) ||
	    t.year < birth_year) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	int lo = (t.year - birth_year) / 10 * 10;
	snprintf(buf, len, "%d–%d years", lo, lo + 9);
	return buf;
}

/* The change from p to c in words: "16 % lower", "about the same". */
static void change_words(char *buf, size_t len, double p, double c, const char *up,
                         const char *down)
{
	if (!(p > 0) || !isfinite(c)) {
		snprintf(buf, len, "not comparable");
		return;
	}
	double pct = (c - p) / p * 100;
	if (fabs(pct) < 10)
		snprintf(buf, len, "about the same");
	else
		snprintf(buf, len, "%.0f %% %s", fabs(pct), pct > 0 ? up : down);
}

void report_summary(const report_data *d, char *buf, size_t len)
{
	text_buf sb = {buf, len, 0};
	if (len)
		buf[0] = 0;
	if (!d || d->n_visits == 0 || len == 0)
		return;
	const report_visit *cur = &d->visits[d->current];
	char n1[32], n2[32], hd[32];
	size_t n_range = d->current - d->first + 1;
	if (n_range > 1)
		text_add(&sb, "This report covers %zu sessions from %s to %s. ", n_range,
		              report_human_date(hd, sizeof hd, d->visits[d->first].date),
		              report_human_date(n2, sizeof n2, cur->date));
	else
		text_add(&sb, "This report covers the session of %s. ",
		              report_human_date(hd, sizeof hd, cur->date));

	const char *kinds[] = {REPORT_EO, REPORT_EC};
	bool any_quiet = false;
	for (int k = 0; k < 2; k++) {
		const report_assess *a = report_visit_assess(cur, kinds[k]);
		if (!a)
			continue;
		any_quiet = true;
		text_add(&sb, "With eyes %s, mean sway velocity was %s mm/s and the 95 %% ellipse "
		              "area %s mm²", k == 0 ? "open" : "closed",
		              report_fmt_num(n1, sizeof n1, a->m.mean_velocity_mm_s),
		              report_fmt_num(n2, sizeof n2, a->m.ellipse95_area_mm2));
		size_t pv;
		const report_assess *p = report_previous(d, d->current, kinds[k], &pv);
		if (p) {
			char w1[48], w2[48], p1[32], p2[32];
			change_words(w1, sizeof w1, p->m.mean_velocity_mm_s, a->m.mean_velocity_mm_s,
			             "higher", "lower");
			change_words(w2, sizeof w2, p->m.ellipse95_area_mm2, a->m.ellipse95_area_mm2,
			             "larger", "smaller");
			text_add(&sb, "; compared with %s (%s mm/s, %s mm²), the velocity was %s and "
			              "the area %s. ", report_human_date(hd, sizeof hd, d->visits[pv].date),
			              report_fmt_num(p1, sizeof p1, p->m.mean_velocity_mm_s),
			              report_fmt_num(p2, sizeof p2, p->m.ellipse95_area_mm2), w1, w2);
		} else {
			text_add(&sb, "; there is no earlier %s recording to compare with. ",
			              kind_phrase(kinds[k]));
		}
	}
	if (!any_quiet)
		text_add(&sb, "No quiet-stance test was recorded in this session. ");
	double rq = report_romberg(cur, offsetof(met_static, ellipse95_area_mm2));
	if (isfinite(rq)) {
		char r[32];
		snprintf(r, sizeof r, "%.2f", rq);
		text_add(&sb, "With eyes closed the ellipse area was %s times that with eyes open "
		              "(Romberg quotient). ", r);
	}
	/* The trend over the range, eyes open. */
	const report_assess *first_eo = NULL;
	size_t n_eo = 0, first_i = 0;
	for (size_t i = d->first; i <= d->current; i++) {
		const report_assess *a = report_visit_assess(&d->visits[i], REPORT_EO);
		if (a) {
			if (!first_eo) {
				first_eo = a;
				first_i = i;
			}
			n_eo++;
		}
	}
	const report_assess *cur_eo = report_visit_assess(cur, REPORT_EO);
	if (n_eo >= 3 && cur_eo && first_eo != cur_eo) {
		char w[48];
		change_words(w, sizeof w, first_eo->m.mean_velocity_mm_s, cur_eo->m.mean_velocity_mm_s,
		             "higher", "lower");
		text_add(&sb, "Over the %zu eyes-open tests since %s, the velocity went from %s to "
		              "%s mm/s (%s). ", n_eo,
		              report_human_date(hd, sizeof hd, d->visits[first_i].date),
		              report_fmt_num(n1, sizeof n1, first_eo->m.mean_velocity_mm_s),
		              report_fmt_num(n2, sizeof n2, cur_eo->m.mean_velocity_mm_s), w);
	}
	/* Trials that ended early. */
	for (size_t i = 0; i < cur->n_assess; i++) {
		const report_assess *a = &cur->assess[i];
		if (strcmp(a->status, "complete") == 0)
			continue;
		char dur[32];
		text_add(&sb, "The %s trial ended early (%s, after %s s); its numbers cover that "
		              "part only. ", kind_phrase(a->kind), a->status,
		              report_fmt_num(dur, sizeof dur, a->duration_s));
	}
	/* Training. */
	if (cur->n_games > 0) {
		double best = NAN;
		const char *best_game = NULL;
		for (size_t i = 0; i < cur->n_games; i++) {
			double l = isfinite(cur->games[i].level_max) ? cur->games[i].level_max
			                                             : cur->games[i].level_end;
			if (isfinite(l) && !(l <= best)) {
				best = l;
				best_game = cur->games[i].game;
			}
		}
		text_add(&sb, "%zu game%s %s played in this session", cur->n_games,
		              cur->n_games == 1 ? "" : "s", cur->n_games == 1 ? "was" : "were");
		if (best_game)
			text_add(&sb, "; the highest level reached was %.0f (%s). ", best,
			              report_game_label(best_game));
		else
			text_add(&sb, ". ");
	} else {
		size_t n_g = 0;
		for (size_t i = d->first; i <= d->current; i++)
			n_g += d->visits[i].n_games;
		if (n_g)
			text_add(&sb, "No training was recorded in this session (%zu game%s over the "
			              "period). ", n_g, n_g == 1 ? "" : "s");
		else
			text_add(&sb, "No training was recorded. ");
	}
	text_add(&sb, "Lower velocity and a smaller ellipse usually mean steadier standing; "
	              "differences of less than about 10–20 %% are within the usual variation from "
	              "one session to the next, so a single change is best read together with the "
	              "trend. This summary describes measurements only; it is not a diagnosis.");
}
