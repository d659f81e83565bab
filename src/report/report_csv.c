/* The report's numbers as CSV, for spreadsheets. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "report/report.h"
#include "report/report_impl.h"

/* A growing text buffer; written out in one go. */
typedef struct tbuf {
	char *p;
	size_t n, cap;
	bool oom;
} tbuf;

static void tb_add(tbuf *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void tb_add(tbuf *t, const char *fmt, ...)
{
	if (t->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
		va_end(ap);
		if (k < 0) {
			t->oom = true;
			return;
		}
		if (t->p && t->n + (size_t)k < t->cap) {
			t->n += (size_t)k;
			return;
		}
		size_t cap = t->cap ? t->cap * 2 : 8192;
		while (cap < t->n + (size_t)k + 1)
			cap *= 2;
		char *np = realloc(t->p, cap);
		if (!np) {
			t->oom = true;
			return;
		}
		t->p = np;
		t->cap = cap;
	}
}

/* A number at full precision; empty for NaN. */
static void tb_num(tbuf *t, double v)
{
	if (isfinite(v))
		tb_add(t, "%.17g", v);
}

void report_csv_name(char *buf, size_t len, const char *code, const char *what)
{
	snprintf(buf, len, "%s_report_%s.csv", code, what);
}

static int write_file(const char *dir, const char *code, const char *what, tbuf *t, int *files,
                      char *msg, size_t len)
{
	if (t->oom) {
		snprintf(msg, len, "out of memory writing the CSV export");
		return POISE_E_NOMEM;
	}
	char name[128], path[4096];
	report_csv_name(name, sizeof name, code, what);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	sys_outfile f;
	int rc = sys_out_open(&f, path, SYS_OUT_REPLACE, msg, len);
	if (rc)
		return rc;
	if ((rc = sys_write_all(f.fd, t->p ? t->p : "", t->n)) != POISE_OK) {
		int e = errno;
		sys_out_abort(&f);
		return report_file_errmsg(msg, len, path, e);
	}
	if ((rc = sys_out_commit(&f, msg, len)) != POISE_OK)
		return rc;
	if (files)
		(*files)++;
	return POISE_OK;
}

static void game_row(tbuf *t, const report_visit *v, const report_game *g, const char *name,
                     double value, const char *unit)
{
	if (!isfinite(value))
		return;
	tb_add(t, "%s,%lld,%lld,game:%s,%s,,%s,", v->date, (long long)g->session_id,
	       (long long)g->trial_id, g->game, g->status, name);
	tb_num(t, value);
	tb_add(t, ",%s,%d\n", unit, g->simulated);
}

/* True if the eyes-open or eyes-closed test behind v's Romberg quotient
 * was recorded on the simulated plate. */
static bool quiet_simulated(const report_visit *v)
{
	const report_assess *eo = report_visit_assess(v, REPORT_EO);
	const report_assess *ec = report_visit_assess(v, REPORT_EC);
	return (eo && eo->simulated) || (ec && ec->simulated);
}

int report_write_csv(const report_data *d, const char *dir, int *files, char *msg, size_t len)
{
	if (files)
		*files = 0;
	if (!d || d->n_visits == 0) {
		snprintf(msg, len, "nothing to export: no session with trials");
		return POISE_E_RANGE;
	}
	int rc = report_mkdir(dir, msg, len);
	if (rc)
		return rc;
	size_t nf;
	const met_field *f = met_static_fields(&nf);

	/* Every stored number of every trial in the range. */
	tbuf t = {0};
	tb_add(&t, "date,session,trial,kind,status,duration_s,metric,value,unit,simulated\n");
	for (size_t i = d->first; i <= d->current; i++) {
		const report_visit *v = &d->visits[i];
		for (size_t k = 0; k < v->n_assess; k++) {
			const report_assess *a = &v->assess[k];
			if (!a->have_metrics)
				continue;
			for (size_t m = 0; m < nf; m++) {
				tb_add(&t, "%s,%lld,%lld,%s,%s,", v->date, (long long)a->session_id,
				       (long long)a->trial_id, a->kind, a->status);
				tb_num(&t, a->duration_s);
				tb_add(&t, ",%s,", f[m].key);
				tb_num(&t, met_field_value(&a->m, &f[m]));
				tb_add(&t, ",%s,%d\n", f[m].unit, a->simulated);
			}
		}
		for (size_t k = 0; k < v->n_games; k++) {
			const report_game *g = &v->games[k];
			game_row(&t, v, g, "level_start", g->level_start, "");
			game_row(&t, v, g, "level_end", g->level_end, "");
			game_row(&t, v, g, "level_max", g->level_max, "");
			game_row(&t, v, g, "score", g->score, "");
			game_row(&t, v, g, "hits", g->hits, "");
			game_row(&t, v, g, "misses", g->misses, "");
			game_row(&t, v, g, "time_in_target_s", g->time_in_target_s, "s");
			game_row(&t, v, g, "play_time_s", g->play_time_s, "s");
		}
		static const char *const dir_key[LOS_DIRS] = {"e", "ne", "n", "nw", "w", "sw", "s", "se"};
		for (size_t k = 0; k < v->n_los; k++)
			for (int dd = 0; dd < LOS_DIRS; dd++) {
				if (!isfinite(v->los[k].limit_mm[dd]) || v->los[k].summary)
					continue; /* a test's: among its metrics below */
				tb_add(&t, "%s,%lld,%lld,los,,,los_limit_%s_mm,", v->date,
				       (long long)v->los[k].session_id, (long long)v->los[k].trial_id,
				       dir_key[dd]);
				tb_num(&t, v->los[k].limit_mm[dd]);
				tb_add(&t, ",mm,%d\n", v->los[k].simulated);
			}
		for (size_t k = 0; k < v->n_tests; k++) { /* the standard tests' summaries */
			const report_test *x = &v->tests[k];
			for (size_t m = 0; m < x->n_m; m++) {
				tb_add(&t, "%s,%lld,%lld,%s,%s,,%s,", v->date, (long long)x->session_id,
				       (long long)x->trial_id, x->kind, x->status, x->m[m].name);
				tb_num(&t, x->m[m].value);
				tb_add(&t, ",%s,%d\n", x->m[m].unit, x->simulated);
			}
		}
	}
	rc = write_file(dir, d->patient.code, "metrics", &t, files, msg, len);
	free(t.p);
	if (rc)
		return rc;

	/* The detailed visit against the previous one. */
	const report_visit *cur = &d->visits[d->current];
	t = (tbuf){0};
	tb_add(&t, "date,session,trial,kind,metric,value,unit,previous_date,previous_trial,previous,"
	           "change,change_pct,simulated,previous_simulated\n");
	for (size_t k = 0; k < cur->n_assess; k++) {
		const report_assess *a = &cur->assess[k];
		if (!a->have_metrics)
			continue;
		size_t pv = 0;
		const report_assess *p = report_previous(d, d->current, a->kind, &pv);
		for (size_t m = 0; m < nf; m++) {
			double vn = met_field_value(&a->m, &f[m]);
			double vp = p ? met_field_value(&p->m, &f[m]) : NAN;
			tb_add(&t, "%s,%lld,%lld,%s,%s,", cur->date, (long long)a->session_id,
			       (long long)a->trial_id, a->kind, f[m].key);
			tb_num(&t, vn);
			tb_add(&t, ",%s,%s,", f[m].unit, p ? d->visits[pv].date : "");
			if (p)
				tb_add(&t, "%lld", (long long)p->trial_id);
			tb_add(&t, ",");
			tb_num(&t, vp);
			tb_add(&t, ",");
			tb_num(&t, vn - vp);
			tb_add(&t, ",");
			if (fabs(vp) > 1e-12)
				tb_num(&t, (vn - vp) / fabs(vp) * 100);
			tb_add(&t, ",%d,", a->simulated);
			if (p)
				tb_add(&t, "%d", p->simulated);
			tb_add(&t, "\n");
		}
		report_ellipse e;
		if (report_trial_ellipse(a, &d->analysis, &e) == POISE_OK) {
			static const char *const ek[] = {"ellipse_centre_ml_mm", "ellipse_centre_ap_mm",
			                                 "ellipse_semi_major_mm", "ellipse_semi_minor_mm",
			                                 "ellipse_angle_deg", "ellipse_drawn_area_mm2"};
			static const char *const eu[] = {"mm", "mm", "mm", "mm", "deg", "mm²"};
			double ev[] = {e.cx_mm, e.cy_mm, e.a_mm, e.b_mm, e.angle_rad * 180 / M_PI,
			               e.area_mm2};
			for (int i = 0; i < 6; i++) {
				tb_add(&t, "%s,%lld,%lld,%s,%s,", cur->date, (long long)a->session_id,
				       (long long)a->trial_id, a->kind, ek[i]);
				tb_num(&t, ev[i]);
				tb_add(&t, ",%s,,,,,,%d,\n", eu[i], a->simulated);
			}
		}
	}
	static const struct {
		const char *key;
		size_t off;
	} rq[] = {
		{"romberg_ellipse95_area", offsetof(met_static, ellipse95_area_mm2)},
		{"romberg_mean_velocity", offsetof(met_static, mean_velocity_mm_s)},
	};
	for (size_t i = 0; i < 2; i++) {
		double q = report_romberg(cur, rq[i].off);
		if (!isfinite(q))
			continue;
		double pq = NAN;
		size_t pi = 0;
		for (size_t k = d->current; k-- > 0;)
			if (isfinite(pq = report_romberg(&d->visits[k], rq[i].off))) {
				pi = k;
				break;
			}
		tb_add(&t, "%s,%lld,,quiet-ec/quiet-eo,%s,", cur->date, (long long)cur->last_session_id,
		       rq[i].key);
		tb_num(&t, q);
		tb_add(&t, ",,%s,,", isfinite(pq) ? d->visits[pi].date : "");
		tb_num(&t, pq);
		tb_add(&t, ",");
		tb_num(&t, q - pq);
		tb_add(&t, ",");
		if (isfinite(pq) && pq > 0)
			tb_num(&t, (q - pq) / pq * 100);
		tb_add(&t, ",%d,", quiet_simulated(cur));
		if (isfinite(pq))
			tb_add(&t, "%d", quiet_simulated(&d->visits[pi]));
		tb_add(&t, "\n");
	}
	rc = write_file(dir, d->patient.code, "comparison", &t, files, msg, len);
	free(t.p);
	return rc;
}
