/* The sway report as a therapist gets it: a station database filled by
 * `poise record --device sim` over four weeks, with games and a
 * limits-of-stability test added through the store API, then `poise
 * report` run on it; the PDF is checked with poppler (pdfinfo, pdftotext)
 * against the numbers the database holds. Plus the report's pure helpers
 * against exact answers, and bad input: unknown patient, no trials,
 * unwritable output, a file-size limit mid-write.
 *
 * Backdating: the store stamps sessions with the time of recording and has
 * no API to change it, so the fixture rewrites session.started_at and
 * trial.started_at with SQL on the test's own database file (as a clinic's
 * weekly visits would have stamped them). TZ=UTC for the test, so local
 * dates are the UTC dates written here. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>
#include "test_assert.h"

#include "test_util.h"

#include "core/analysis.h"
#include "core/error.h"
#include "core/metrics.h"
#include "core/pipeline.h"
#include "report/report.h"
#include "store/recorder.h"
#include "store/store.h"

/* The four visits of P01 (weekly, with a gap), two recordings each. */
static const char *const visit_day[4] = {"2024-03-04", "2024-03-11", "2024-03-25", "2024-04-08"};

typedef struct fx {
	char *dir;
	char db[600];
	int64_t eo_trial[4], ec_trial[4]; /* P01's quiet-stance trials per visit */
	int64_t eo_session[4];
	int64_t p03_session;               /* P03's only session with an EO trial */
} fx;

static fx *F; /* the group fixture (built once: recording takes a moment) */

/* Runs `poise --db DB ARGS`; returns the exit code. */
__attribute__((format(printf, 3, 4)))
static int poise(char **out, char **err, const char *fmt, ...)
{
	char args[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	return tu_run(out, err, "%s --db '%s' %s </dev/null", POISE_BIN, F->db, args);
}

__attribute__((format(printf, 1, 2)))
static void poise_ok(const char *fmt, ...)
{
	char args[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	char *err = NULL;
	int rc = poise(NULL, &err, "%s", args);
	if (rc != 0)
		fail_msg("poise %s exited %d: %s", args, rc, err ? err : "");
	free(err);
}

__attribute__((format(printf, 1, 2)))
static void sql(const char *fmt, ...)
{
	char q[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(F->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	char *err = NULL;
	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", q, err);
	sqlite3_close(db);
}

static store *open_store(unsigned flags)
{
	store *s = NULL;
	char msg[512];
	if (store_open(&s, F->db, flags, msg, sizeof msg))
		fail_msg("store_open: %s", msg);
	return s;
}

/* The newest session of patient code and its only trial. */
static void last_session(const char *code, int64_t *session, int64_t *trial)
{
	store *s = open_store(0);
	store_patient p;
	assert_int_equal(store_patient_get(s, code, &p), POISE_OK);
	store_session *ss;
	size_t n;
	assert_int_equal(store_sessions(s, p.id, &ss, &n), POISE_OK);
	assert_true(n > 0);
	*session = ss[n - 1].id;
	store_trial *t;
	size_t nt;
	assert_int_equal(store_trials(s, *session, &t, &nt), POISE_OK);
	assert_int_equal(nt, 1);
	*trial = t[0].id;
	free(t);
	free(ss);
	store_close(s);
}

static void backdate(int64_t session, const char *day, const char *hhmm)
{
	sql("UPDATE session SET started_at = '%sT%s:00.000Z', ended_at = '%sT%s:40.000Z' "
	    "WHERE id = %lld; UPDATE trial SET started_at = '%sT%s:05.000Z' WHERE session_id = %lld",
	    day, hhmm, day, hhmm, (long long)session, day, hhmm, (long long)session);
}

/* A game played (as the app will record it): a trial with game metrics. */
static void add_game(store *s, int64_t session, const char *game, int l0, int l1, double score,
                     int hits, int misses, double tit)
{
	int64_t t;
	char kind[48];
	snprintf(kind, sizeof kind, "game:%s", game);
	assert_int_equal(store_trial_begin(s, session, kind, NULL, NULL, 100, &t), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "level_start", l0, ""), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "level_end", l1, ""), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "level_max", l1, ""), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "score", score, ""), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "hits", hits, ""), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "misses", misses, ""), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "time_in_target_s", tit, "s"), POISE_OK);
	assert_int_equal(store_metric_put(s, t, "play_time_s", 120, "s"), POISE_OK);
	assert_int_equal(store_trial_end(s, t, STORE_COMPLETE, 120), POISE_OK);
}

static int group_setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	F = calloc(1, sizeof *F);
	F->dir = tu_mkdtemp();
	snprintf(F->db, sizeof F->db, "%s/station.db", F->dir);
	poise_ok("patient add P01 --name 'Anna Example' --birth-year 1960 --height-cm 168 "
	         "--weight-kg 64.5");
	poise_ok("patient add P02");
	poise_ok("patient add P03 --height-cm 180");
	for (int v = 0; v < 4; v++) {
		int64_t s;
		poise_ok("--seed %d record --device sim --patient P01 --trial quiet-eo --seconds 20 --fast "
		         "--operator 'J. Physio'", 100 + v);
		last_session("P01", &s, &F->eo_trial[v]);
		F->eo_session[v] = s;
		backdate(s, visit_day[v], "09:10");
		poise_ok("--seed %d record --device sim --patient P01 --trial quiet-ec --seconds 20 --fast "
		         "--operator 'J. Physio'", 200 + v);
		last_session("P01", &s, &F->ec_trial[v]);
		backdate(s, visit_day[v], "09:15");
	}
	/* Visit 3's eyes-closed trial ended early (as a step-off would). */
	sql("UPDATE trial SET status = 'stepped-off' WHERE id = %lld", (long long)F->ec_trial[2]);

	/* Games on visits 1 and 4 (not 2, 3), a session of their own. */
	store *s = open_store(0);
	store_patient p;
	assert_int_equal(store_patient_get(s, "P01", &p), POISE_OK);
	int64_t g1, g4;
	store_session info = {.patient_id = p.id};
	snprintf(info.device_backend, sizeof info.device_backend, "sim");
	assert_int_equal(store_session_begin(s, &info, &g1), POISE_OK);
	add_game(s, g1, "reach", 2, 3, 55, 9, 4, 31.25);
	assert_int_equal(store_session_begin(s, &info, &g4), POISE_OK);
	add_game(s, g4, "reach", 3, 4, 72, 14, 2, 48.75);
	add_game(s, g4, "slalom", 2, 2, 61, 11, 5, 22.5);
	/* P03: one eyes-open test and a limits-of-stability test. */
	store_close(s);
	backdate(g1, visit_day[0], "10:00");
	backdate(g4, visit_day[3], "10:00");

	int64_t t3;
	poise_ok("--seed 7 record --device sim --patient P03 --trial quiet-eo --seconds 20 --fast");
	last_session("P03", &F->p03_session, &t3);
	s = open_store(0);
	int64_t los;
	assert_int_equal(store_trial_begin(s, F->p03_session, "los", NULL, NULL, 100, &los), POISE_OK);
	static const char *const dirs[] = {"e", "ne", "n", "nw", "w", "sw", "s", "se"};
	for (int i = 0; i < 8; i++) {
		char key[32];
		snprintf(key, sizeof key, "los_limit_%s_mm", dirs[i]);
		assert_int_equal(store_metric_put(s, los, key, 100.5 + 7 * i, "mm"), POISE_OK);
	}
	assert_int_equal(store_trial_end(s, los, STORE_COMPLETE, 60), POISE_OK);
	store_close(s);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tu_rmdir(F->dir);
	free(F);
	return 0;
}

/* ---- helpers on the outputs ----------------------------------------- */

static char *pdf_text(const char *pdf, int page)
{
	char *out = NULL;
	int rc = page > 0 ? tu_run(&out, NULL, "pdftotext -f %d -l %d '%s' -", page, page, pdf)
	                  : tu_run(&out, NULL, "pdftotext '%s' -", pdf);
	if (rc != 0)
		fail_msg("pdftotext %s failed (%d)", pdf, rc);
	/* one line: wrapped paragraphs read as written */
	char *w = out;
	for (const char *r = out; *r; r++) {
		char ch = *r == '\n' || *r == '\f' || *r == '\t' ? ' ' : *r;
		if (ch == ' ' && w > out && w[-1] == ' ')
			continue;
		*w++ = ch;
	}
	*w = 0;
	return out;
}

static int pdf_pages(const char *pdf)
{
	char *out = NULL;
	int rc = tu_run(&out, NULL, "pdfinfo '%s'", pdf);
	if (rc != 0) {
		free(out);
		return -1;
	}
	const char *p = strstr(out, "Pages:");
	int n = p ? atoi(p + 6) : -1;
	free(out);
	return n;
}

static void assert_has(const char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("the report's text lacks \"%s\"; it reads: %.3000s", what, text);
}

/* As assert_has, ignoring spaces (pdftotext drops some around glyphs
 * like →). */
static void assert_has_nospace(const char *text, const char *what)
{
	char *a = strdup(text), *b = strdup(what), *w;
	w = a;
	for (const char *r = text; *r; r++)
		if (*r != ' ')
			*w++ = *r;
	*w = 0;
	w = b;
	for (const char *r = what; *r; r++)
		if (*r != ' ')
			*w++ = *r;
	*w = 0;
	bool ok = strstr(a, b) != NULL;
	free(a);
	free(b);
	if (!ok)
		fail_msg("the report's text lacks \"%s\" (spaces aside); it reads: %.3000s", what, text);
}

static void assert_lacks(const char *text, const char *what)
{
	if (strstr(text, what))
		fail_msg("the report's text holds \"%s\", which it should not", what);
}

static int mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Files in dir whose name contains part. */
static int count_files(const char *dir, const char *part)
{
	char *out = NULL;
	tu_run(&out, NULL, "ls -a '%s'", dir);
	int n = 0;
	for (char *l = out ? strtok(out, "\n") : NULL; l; l = strtok(NULL, "\n"))
		n += strstr(l, part) != NULL;
	free(out);
	return n;
}

static double stored(int64_t trial, const char *name)
{
	store *s = open_store(STORE_READ_ONLY);
	store_metric *m;
	size_t n;
	assert_int_equal(store_metrics(s, trial, &m, &n), POISE_OK);
	double v = NAN;
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			v = m[i].value;
	free(m);
	store_close(s);
	if (isnan(v))
		fail_msg("trial %lld has no metric %s", (long long)trial, name);
	return v;
}

static const char *fmt(char *buf, double v)
{
	return report_fmt_num(buf, 32, v);
}

/* ---- the report of the whole history -------------------------------- */

static void full_report_holds_the_database_numbers(void **state)
{
	(void)state;
	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/p01.pdf", F->dir);
	char *out = NULL, *err = NULL;
	int rc = poise(&out, &err, "report --patient P01 -o '%s'", pdf);
	if (rc)
		fail_msg("poise report exited %d: %s", rc, err);
	assert_non_null(strstr(out, "6 pages"));
	free(out);
	free(err);
	/* overview, eyes open, eyes closed, training and progress, history,
	 * notes and signature */
	assert_int_equal(pdf_pages(pdf), 6);
	assert_int_equal(mode_of(pdf), 0600);

	char *all = pdf_text(pdf, 0);
	assert_has(all, "P01");
	assert_has(all, "Anna Example");
	assert_has(all, "60–69 years");     /* born 1960, seen in 2024 */
	assert_has(all, "168 cm / 64.5 kg");
	assert_has(all, "J. Physio");
	assert_has(all, "Session of 8 Apr 2024");
	assert_has(all, "4 sessions since 4 Mar 2024");
	for (int k = 1; k <= 6; k++) {
		char pg[32];
		snprintf(pg, sizeof pg, "page %d of 6", k);
		assert_has(all, pg);
	}
	char *ver = NULL;
	assert_int_equal(tu_run(&ver, NULL, "%s --version", POISE_BIN), 0);
	char vline[64];
	snprintf(vline, sizeof vline, "Poise %s", ver + strlen("poise "));
	vline[strcspn(vline, "\n")] = 0;
	assert_has(all, vline);
	free(ver);
	assert_has(all, "resampled to 100 Hz");
	assert_has(all, "low-pass at 10 Hz");
	assert_has(all, "LOS not measured yet");
	assert_has(all, "not a diagnosis");
	/* visit 3's eyes-closed test ended early, but it is not the visit in
	 * detail: the summary is about visit 4 */
	assert_lacks(all, "ended early (stepped-off");

	/* Every stored metric of visit 4's two trials, on its own page, with
	 * visit 3's value as "previous". */
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	char b[32];
	for (int k = 0; k < 2; k++) {
		int64_t t = k == 0 ? F->eo_trial[3] : F->ec_trial[3];
		int64_t tp = k == 0 ? F->eo_trial[2] : F->ec_trial[2];
		char *pg = pdf_text(pdf, 2 + k);
		assert_has(pg, k == 0 ? "Quiet stance, eyes open" : "Quiet stance, eyes closed");
		char tr[64];
		snprintf(tr, sizeof tr, "Trial %lld", (long long)t);
		assert_has(pg, tr);
		assert_has(pg, "Previous (25 Mar 2024)");
		for (size_t i = 0; i < nf; i++) {
			assert_has(pg, f[i].label);
			assert_has(pg, fmt(b, stored(t, f[i].key)));
			assert_has(pg, fmt(b, stored(tp, f[i].key)));
		}
		/* the ellipse drawn: its area equals the stored metric */
		char cap[128];
		snprintf(cap, sizeof cap, "area %s mm².", fmt(b, stored(t, "ellipse95_area_mm2")));
		assert_has(pg, cap);
		free(pg);
	}
	/* The overview's key numbers and the Romberg quotient from the stored
	 * metrics. */
	char *p1 = pdf_text(pdf, 1);
	double eo_a = stored(F->eo_trial[3], "ellipse95_area_mm2");
	double ec_a = stored(F->ec_trial[3], "ellipse95_area_mm2");
	double eo_v = stored(F->eo_trial[3], "mean_velocity_mm_s");
	double ec_v = stored(F->ec_trial[3], "mean_velocity_mm_s");
	char rq[64];
	snprintf(rq, sizeof rq, "95 %% ellipse area: %.2f", ec_a / eo_a);
	assert_has(p1, rq);
	snprintf(rq, sizeof rq, "Mean velocity: %.2f", ec_v / eo_v);
	assert_has(p1, rq);
	snprintf(rq, sizeof rq, "mean sway velocity was %s mm/s", fmt(b, eo_v));
	assert_has(p1, rq);
	snprintf(rq, sizeof rq, "ellipse area %s mm²", fmt(b, ec_a));
	assert_has(p1, rq);
	free(p1);
	/* Training: visit 4's games; the history table has all 4 visits. */
	char *p4 = pdf_text(pdf, 4);
	assert_has(p4, "Games in this session");
	assert_has(p4, "Reach");
	assert_has(p4, "Slalom");
	assert_has_nospace(p4, "3 → 4");
	assert_has(p4, "14 / 2");
	assert_has(p4, "48.75 s");
	assert_has(p4, "Over the period: 3 games in 2 of 4 sessions.");
	assert_has(p4, "Highest game level reached");
	free(p4);
	char *p5 = pdf_text(pdf, 5);
	for (int v = 0; v < 4; v++) {
		char hd[32];
		report_human_date(hd, sizeof hd, visit_day[v]);
		assert_has(p5, hd);
		assert_has(p5, fmt(b, stored(F->eo_trial[v], "mean_velocity_mm_s")));
		assert_has(p5, fmt(b, stored(F->ec_trial[v], "ellipse95_area_mm2")));
	}
	free(p5);
	free(all);
}

/* The ellipse drawn comes from the same samples and covariance as the
 * stored AREA-CE: recomputed here from the database's samples, with the
 * recorder's selection and preprocessing, and compared with what the
 * report computes and prints. */
static void drawn_ellipse_is_the_stored_metric(void **state)
{
	(void)state;
	store *s = open_store(STORE_READ_ONLY);
	report_data d;
	char msg[512];
	assert_int_equal(report_load(s, "P01", NULL, &d, msg, sizeof msg), POISE_OK);
	assert_int_equal(d.n_visits, 4);
	assert_int_equal(d.current, 3);
	const report_visit *v = &d.visits[3];
	assert_int_equal(v->n_assess, 2);
	assert_int_equal(v->n_games, 2);
	for (size_t k = 0; k < v->n_assess; k++) {
		const report_assess *a = &v->assess[k];
		/* the samples, read independently */
		store_sample *smp;
		size_t n;
		assert_int_equal(store_samples(s, a->trial_id, &smp, &n), POISE_OK);
		double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if ((smp[i].flags & SAMPLE_ON_PLATE) && isfinite(smp[i].x_mm)) {
				t[m] = (double)smp[i].t_us / 1e6;
				x[m] = smp[i].x_mm;
				y[m] = smp[i].y_mm;
				m++;
			}
		assert_int_equal(a->n, m);
		ana_cfg cfg;
		ana_cfg_default(&cfg);
		ana_series ps;
		assert_int_equal(ana_prepare(t, x, y, m, &cfg, &ps), POISE_OK);
		double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
		for (size_t i = 0; i < ps.n; i++) {
			mx += ps.x_mm[i];
			my += ps.y_mm[i];
		}
		mx /= (double)ps.n;
		my /= (double)ps.n;
		for (size_t i = 0; i < ps.n; i++) {
			sxx += (ps.x_mm[i] - mx) * (ps.x_mm[i] - mx);
			syy += (ps.y_mm[i] - my) * (ps.y_mm[i] - my);
			sxy += (ps.x_mm[i] - mx) * (ps.y_mm[i] - my);
		}
		sxx /= (double)ps.n;
		syy /= (double)ps.n;
		sxy /= (double)ps.n;
		double fq = met_f_quantile_2(0.05, (double)ps.n - 2);
		double tr = sxx + syy, det = sxx * syy - sxy * sxy;
		double l1 = tr / 2 + sqrt(tr * tr / 4 - det), l2 = tr / 2 - sqrt(tr * tr / 4 - det);
		report_ellipse e;
		assert_int_equal(report_trial_ellipse(a, &d.analysis, &e), POISE_OK);
		assert_double_equal(e.cx_mm, mx, 1e-9);
		assert_double_equal(e.cy_mm, my, 1e-9);
		assert_double_equal(e.a_mm, sqrt(2 * fq * l1), 1e-9);
		assert_double_equal(e.b_mm, sqrt(2 * fq * l2), 1e-9);
		/* major axis direction: an eigenvector of the covariance */
		double ux = cos(e.angle_rad), uy = sin(e.angle_rad);
		assert_double_equal(sxx * ux + sxy * uy, l1 * ux, 1e-9);
		assert_double_equal(sxy * ux + syy * uy, l1 * uy, 1e-9);
		/* area = stored AREA-CE */
		double st = stored(a->trial_id, "ellipse95_area_mm2");
		assert_double_equal(e.area_mm2, st, 1e-9 * st);
		assert_double_equal(a->m.ellipse95_area_mm2, st, 0);
		assert_double_equal(a->m.mean_velocity_mm_s, stored(a->trial_id, "mean_velocity_mm_s"), 0);
		ana_series_free(&ps);
		free(t);
		free(x);
		free(y);
		free(smp);
	}
	report_data_free(&d);
	store_close(s);

	/* and the semi-axes the PDF prints are those */
	char pdf[700], b1[32], b2[32], cap[128];
	snprintf(pdf, sizeof pdf, "%s/ell.pdf", F->dir);
	poise_ok("report --patient P01 -o '%s'", pdf);
	s = open_store(STORE_READ_ONLY);
	assert_int_equal(report_load(s, "P01", NULL, &d, msg, sizeof msg), POISE_OK);
	store_close(s);
	char *pg = pdf_text(pdf, 2);
	report_ellipse e;
	assert_int_equal(report_trial_ellipse(&d.visits[3].assess[0], &d.analysis, &e), POISE_OK);
	snprintf(cap, sizeof cap, "semi-axes %s × %s mm", fmt(b1, e.a_mm), fmt(b2, e.b_mm));
	assert_has(pg, cap);
	/* the plots are centred on that ellipse's centre, drawn from all the
	 * trial's on-plate samples */
	snprintf(cap, sizeof cap, "(ML %s mm, AP %s mm; %zu samples on the plate)",
	         fmt(b1, e.cx_mm), fmt(b2, e.cy_mm), d.visits[3].assess[0].n);
	assert_has(pg, cap);
	assert_true(d.visits[3].assess[0].n >= 2000); /* 20 s at 100 Hz */
	free(pg);
	report_data_free(&d);
}

static void session_option_reports_that_day(void **state)
{
	(void)state;
	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/s2.pdf", F->dir);
	poise_ok("report --patient P01 --session %lld -o '%s'", (long long)F->eo_session[1], pdf);
	assert_int_equal(pdf_pages(pdf), 6);
	char *all = pdf_text(pdf, 0), b[32];
	assert_has(all, "Session of 11 Mar 2024");
	assert_has(all, "No training recorded in this session.");
	assert_has(all, "2 sessions since 4 Mar 2024");
	assert_has(all, fmt(b, stored(F->eo_trial[1], "path_length_mm")));
	assert_has(all, "Previous (4 Mar 2024)");
	assert_lacks(all, "8 Apr 2024"); /* later visits are not in it */
	assert_lacks(all, "25 Mar 2024");
	free(all);

	/* The day of the stepped-off trial says so. */
	snprintf(pdf, sizeof pdf, "%s/s3.pdf", F->dir);
	poise_ok("report --patient P01 --session %lld -o '%s'", (long long)F->eo_session[2], pdf);
	all = pdf_text(pdf, 0);
	assert_has(all, "eyes-closed trial ended early (stepped-off");
	assert_has(all, "stepped-off");
	free(all);
}

static void since_option_limits_the_progress(void **state)
{
	(void)state;
	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/since.pdf", F->dir);
	poise_ok("report --patient P01 --since 2024-03-20 -o '%s'", pdf);
	char *all = pdf_text(pdf, 0);
	assert_has(all, "2 sessions since 25 Mar 2024");
	assert_has(all, "This report covers 2 sessions from 25 Mar 2024 to 8 Apr 2024.");
	assert_lacks(all, "4 Mar 2024");
	assert_lacks(all, "11 Mar 2024");
	free(all);
}

static void csv_holds_the_same_numbers(void **state)
{
	(void)state;
	char pdf[700], dir[700], path[128];
	snprintf(pdf, sizeof pdf, "%s/csv.pdf", F->dir);
	snprintf(dir, sizeof dir, "%s/csv", F->dir);
	poise_ok("report --patient P01 -o '%s' --csv '%s'", pdf, dir);
	assert_int_equal(mode_of(dir), 0700);
	report_csv_name(path, sizeof path, "P01", "metrics");
	char full[1000];
	snprintf(full, sizeof full, "%s/%s", dir, path);
	assert_int_equal(mode_of(full), 0600);
	char *csv = tu_slurp(full);
	assert_non_null(csv);
	const char *head = "date,session,trial,kind,status,duration_s,metric,value,unit,simulated\n";
	assert_true(strncmp(csv, head, strlen(head)) == 0);
	/* every quiet-stance row's value is the stored one, to the last bit */
	size_t nf;
	met_static_fields(&nf);
	int rows = 0, quiet = 0, games = 0;
	char *save = NULL;
	strtok_r(csv, "\n", &save); /* header */
	for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char date[16], kind[48], status[16], metric[48];
		long long sess, trial;
		double dur, value;
		rows++;
		/* P01's history was recorded on the simulated plate: every row says so */
		if (!tu_ends_with(l, ",1"))
			fail_msg("a row of P01's CSV is not marked simulated: %s", l);
		if (sscanf(l, "%15[^,],%lld,%lld,%47[^,],%15[^,],%lf,%47[^,],%lf", date, &sess, &trial,
		           kind, status, &dur, metric, &value) == 8) {
			quiet++;
			assert_double_equal(value, stored(trial, metric), 0);
		} else if (strstr(l, ",game:")) {
			games++;
			char *m = strstr(l, ",,") + 2;
			char name[48];
			assert_int_equal(sscanf(m, "%47[^,],%lf", name, &value), 2);
			assert_double_equal(value, stored(trial, name), 0);
		}
	}
	assert_int_equal(quiet, 8 * (int)nf); /* 4 visits × 2 trials × the catalogue */
	assert_int_equal(games, 3 * 8);
	assert_int_equal(rows, quiet + games);
	free(csv);

	report_csv_name(path, sizeof path, "P01", "comparison");
	snprintf(full, sizeof full, "%s/%s", dir, path);
	assert_int_equal(mode_of(full), 0600);
	csv = tu_slurp(full);
	assert_non_null(csv);
	char line[256];
	double eo = stored(F->eo_trial[3], "ellipse95_area_mm2");
	double eo_p = stored(F->eo_trial[2], "ellipse95_area_mm2");
	snprintf(line, sizeof line, "2024-04-08,%lld,%lld,quiet-eo,ellipse95_area_mm2,%.17g,mm²,"
	         "2024-03-25,%lld,%.17g,", (long long)F->eo_session[3], (long long)F->eo_trial[3], eo,
	         (long long)F->eo_trial[2], eo_p);
	assert_has(csv, line);
	double rq = stored(F->ec_trial[3], "ellipse95_area_mm2") / eo;
	snprintf(line, sizeof line, "romberg_ellipse95_area,%.17g,", rq);
	assert_has(csv, line);
	assert_has(csv, "change,change_pct,simulated,previous_simulated\n");
	assert_has(csv, "ellipse_drawn_area_mm2");
	free(csv);
}

/* ---- simulated sessions -------------------------------------------------- */

/* A session on a real plate, as `poise record --device usb` stores it:
 * the recorder fed with a synthetic sway (two sines per axis), so its
 * metrics are computed and stored as for a recording. Returns the trial. */
static int64_t record_real(store *s, int64_t patient_id, const char *kind, int64_t *session)
{
	store_session info = {.patient_id = patient_id};
	snprintf(info.device_backend, sizeof info.device_backend, "usb");
	snprintf(info.device_serial, sizeof info.device_serial, "PLATE-1");
	assert_int_equal(store_session_begin(s, &info, session), POISE_OK);
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, NULL), POISE_OK);
	int64_t tid;
	assert_int_equal(store_rec_begin(r, *session, kind, NULL, NULL, 100, 0, &tid), POISE_OK);
	for (size_t k = 0; k < 2000; k++) {
		double t = (double)k / 100;
		cop_sample x = {.t_us = (mono_us)k * 10000, .seq = (uint32_t)k,
		                .flags = SAMPLE_ON_PLATE | (k == 0 ? SAMPLE_STEP_ON : 0),
		                .x_mm = 3 * sin(2 * M_PI * 0.3 * t) + sin(2 * M_PI * 1.1 * t),
		                .y_mm = 4 * cos(2 * M_PI * 0.2 * t) + sin(2 * M_PI * 0.9 * t),
		                .fz_n = 650};
		x.xf_mm = x.x_mm;
		x.yf_mm = x.y_mm;
		for (int c = 0; c < CELL_COUNT; c++)
			x.force_n[c] = 162.5;
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
	}
	assert_int_equal(store_rec_end(r, STORE_COMPLETE, NULL, NULL), POISE_OK);
	store_rec_destroy(r);
	assert_int_equal(store_session_end(s, *session), POISE_OK);
	return tid;
}

static bool has_banner(const char *page_text)
{
	return strstr(page_text, "SIMULATED PLATE — demonstration data, not a measurement of this "
	                         "patient") != NULL;
}

/* P04: games on the simulated plate one week, quiet stance on a real
 * plate the next. The banner is on exactly the pages that show a number
 * from the simulated week (the overview, training and progress, the
 * history), not on the real trials' pages; and a report of only the
 * simulated week has it on every page. */
static void simulated_numbers_carry_a_banner_on_their_pages(void **state)
{
	(void)state;
	poise_ok("patient add P04");
	store *s = open_store(0);
	store_patient p;
	assert_int_equal(store_patient_get(s, "P04", &p), POISE_OK);
	store_session sim = {.patient_id = p.id};
	snprintf(sim.device_backend, sizeof sim.device_backend, "sim");
	int64_t g1, eo, ec, eo_s, ec_s;
	assert_int_equal(store_session_begin(s, &sim, &g1), POISE_OK);
	add_game(s, g1, "reach", 2, 3, 55, 9, 4, 31.25);
	eo = record_real(s, p.id, "quiet-eo", &eo_s);
	ec = record_real(s, p.id, "quiet-ec", &ec_s);
	store_close(s);
	backdate(g1, "2024-05-06", "10:00");
	backdate(eo_s, "2024-05-13", "09:10");
	backdate(ec_s, "2024-05-13", "09:15");

	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/p04.pdf", F->dir);
	poise_ok("report --patient P04 -o '%s'", pdf);
	assert_int_equal(pdf_pages(pdf), 6);
	/* overview, eyes open, eyes closed, training and progress, history,
	 * notes (words only) */
	const bool want[6] = {true, false, false, true, true, false};
	char *pg[6];
	for (int k = 0; k < 6; k++) {
		pg[k] = pdf_text(pdf, k + 1);
		if (has_banner(pg[k]) != want[k])
			fail_msg("page %d %s the simulated-plate banner: %.600s", k + 1,
			         want[k] ? "lacks" : "has", pg[k]);
	}
	/* What the banner says is simulated: the week of the games only. */
	assert_has(pg[0], "Recorded on the simulated plate: the session of 6 May 2024.");
	assert_has(pg[3], "Recorded on the simulated plate: the session of 6 May 2024.");
	assert_has(pg[4], "Rows marked SIM hold numbers from the simulated plate (1 of the 2 rows on "
	                  "this page).");
	assert_has(pg[4], "6 May 2024 SIM");
	assert_lacks(pg[4], "(this) SIM");
	assert_has(pg[0], "usb, serial PLATE-1");
	char tr[64];
	snprintf(tr, sizeof tr, "Trial %lld", (long long)eo);
	assert_has(pg[1], tr);
	snprintf(tr, sizeof tr, "Trial %lld", (long long)ec);
	assert_has(pg[2], tr);
	for (int k = 1; k <= 2; k++)
		assert_lacks(pg[k], "SIMULATED");
	assert_has(pg[5], "Notes and sign-off");
	for (int k = 0; k < 6; k++)
		free(pg[k]);

	/* The simulated week alone: every page. */
	poise_ok("report --patient P04 --session %lld -o '%s'", (long long)g1, pdf);
	int n = pdf_pages(pdf);
	assert_true(n >= 3);
	for (int k = 1; k < n; k++) { /* the last page, notes and signature, has no numbers */
		char *t = pdf_text(pdf, k);
		if (!has_banner(t))
			fail_msg("page %d of the simulated week lacks the banner: %.600s", k, t);
		free(t);
	}
	char *t = pdf_text(pdf, 1);
	assert_has(t, "Every session in this report was recorded on the simulated plate.");
	assert_has(t, "simulated plate (demo data, not measured)");
	free(t);

	/* P01's whole history is simulated: its trial pages say whose. */
	snprintf(pdf, sizeof pdf, "%s/p01-sim.pdf", F->dir);
	poise_ok("report --patient P01 -o '%s'", pdf);
	for (int k = 1; k <= 5; k++) {
		t = pdf_text(pdf, k);
		if (!has_banner(t))
			fail_msg("page %d of P01's report lacks the banner", k);
		if (k == 2 || k == 3) {
			assert_has(t, "This trial was recorded on the simulated plate, and so was the "
			              "previous value (25 Mar 2024).");
			assert_has(t, "SIMULATED plate");
		}
		free(t);
	}
}

/* A patient measured on real plates only: no banner, no mark, nothing
 * simulated in the CSV. */
static void a_report_of_real_plates_has_no_banner(void **state)
{
	(void)state;
	poise_ok("patient add P05");
	store *s = open_store(0);
	store_patient p;
	assert_int_equal(store_patient_get(s, "P05", &p), POISE_OK);
	int64_t s1, s2, s3;
	record_real(s, p.id, "quiet-eo", &s1);
	record_real(s, p.id, "quiet-eo", &s2);
	int64_t g;
	store_session real = {.patient_id = p.id};
	snprintf(real.device_backend, sizeof real.device_backend, "wbb");
	assert_int_equal(store_session_begin(s, &real, &g), POISE_OK);
	add_game(s, g, "slalom", 1, 2, 40, 5, 5, 10);
	store_close(s);
	backdate(s1, "2024-06-03", "09:00");
	backdate(s2, "2024-06-10", "09:00");
	backdate(g, "2024-06-10", "09:30");
	(void)s3;

	char pdf[700], dir[700];
	snprintf(pdf, sizeof pdf, "%s/p05.pdf", F->dir);
	snprintf(dir, sizeof dir, "%s/p05csv", F->dir);
	poise_ok("report --patient P05 -o '%s' --csv '%s'", pdf, dir);
	char *all = pdf_text(pdf, 0);
	assert_lacks(all, "SIMULATED");
	assert_lacks(all, "simulated");
	assert_lacks(all, " SIM");
	assert_has(all, "Trial"); /* the pages are there */
	free(all);
	char path[128], full[1000];
	report_csv_name(path, sizeof path, "P05", "metrics");
	snprintf(full, sizeof full, "%s/%s", dir, path);
	char *csv = tu_slurp(full);
	assert_non_null(csv);
	char *save = NULL;
	int rows = 0;
	strtok_r(csv, "\n", &save);
	for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save), rows++)
		if (!tu_ends_with(l, ",0"))
			fail_msg("a row of P05's CSV is not marked real: %s", l);
	assert_true(rows > 0);
	free(csv);
}

static unsigned be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void png_pages_on_request(void **state)
{
	(void)state;
	char pdf[700], dir[700], path[1600];
	snprintf(pdf, sizeof pdf, "%s/png.pdf", F->dir);
	snprintf(dir, sizeof dir, "%s/png", F->dir);
	poise_ok("report --patient P01 -o '%s' --png '%s' --dpi 50", pdf, dir);
	for (int k = 1; k <= 6; k++) {
		snprintf(path, sizeof path, "%s/P01-page-%d.png", dir, k);
		assert_int_equal(mode_of(path), 0600);
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		unsigned char h[24];
		assert_int_equal(fread(h, 1, 24, fp), 24);
		fclose(fp);
		assert_memory_equal(h, "\x89PNG\r\n\x1a\n", 8);
		assert_int_equal(be32(h + 16), 414); /* ceil(595.276 / 72 × 50) */
		assert_int_equal(be32(h + 20), 585);
	}
	snprintf(path, sizeof path, "%s/P01-page-7.png", dir);
	assert_false(exists(path));
}

static void los_plot_when_measured(void **state)
{
	(void)state;
	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/p03.pdf", F->dir);
	poise_ok("report --patient P03 -o '%s'", pdf);
	/* overview, one trial, progress, history, notes */
	assert_int_equal(pdf_pages(pdf), 5);
	char *p1 = pdf_text(pdf, 1);
	assert_lacks(p1, "LOS not measured yet");
	assert_has(p1, "Limits of stability");
	assert_has(p1, "forward-left");
	char b[32];
	for (int i = 0; i < 8; i++)
		assert_has(p1, fmt(b, 100.5 + 7 * i));
	assert_has(p1, "there is no earlier eyes-open recording to compare with");
	assert_has(p1, "No training was recorded.");
	assert_has(p1, "Not available: it needs an eyes-open and an eyes-closed test");
	free(p1);
	char *p3 = pdf_text(pdf, 3);
	assert_has(p3, "Limits-of-stability area");
	assert_has(p3, "No training recorded in this session.");
	free(p3);
}

/* The standard tests (poise assess) get a page each with the stored
 * numbers; the notes page prints the session notes and the comment. */
static void standard_tests_have_their_pages(void **state)
{
	(void)state;
	poise_ok("patient add P06 --height-cm 170 --weight-kg 70");
	char *out = NULL, *err = NULL;
	int rc = poise(&out, &err, "--seed 3 assess mctsib --patient P06 --device sim --seconds 10 --repeats 2 "
	                           "--sim-step-off 3@4 --notes 'New foam pad.' --json");
	if (rc)
		fail_msg("assess mctsib exited %d: %s", rc, err);
	double comp = tu_json_num(out, "mctsib_composite_velocity_mm_s");
	double session = tu_json_num(out, "session");
	free(out);
	free(err);
	poise_ok("--seed 4 assess los --patient P06 --device sim");
	poise_ok("--seed 5 assess symmetry --patient P06 --device sim --seconds 5");
	poise_ok("--seed 6 assess sit-to-stand --patient P06 --device sim");
	poise_ok("patient comment P06 %.0f 'Foam eyes-closed sway is raised; review in four weeks.'", session);
	char pdf[700];
	snprintf(pdf, sizeof pdf, "%s/p06.pdf", F->dir);
	poise_ok("report --patient P06 -o '%s'", pdf);
	/* overview, mCTSIB, LOS, weight bearing and sit to stand, progress,
	 * history, notes: no page per mCTSIB trial */
	assert_int_equal(pdf_pages(pdf), 7);
	char *p2 = pdf_text(pdf, 2), b[32];
	assert_has(p2, "mCTSIB");
	assert_has(p2, "Foam, eyes closed");
	assert_has(p2, "Composite (mean of the four)");
	assert_has(p2, fmt(b, comp));
	assert_has(p2, "1 fall");
	assert_has(p2, "Romberg quotient, firm");
	assert_has(p2, "No published age- and sex-stratified reference band");
	assert_true(has_banner(p2));
	free(p2);
	char *p3 = pdf_text(pdf, 3);
	assert_has(p3, "Limits of stability");
	assert_has(p3, "forward-right");
	assert_has(p3, "Overall (mean)");
	free(p3);
	char *p4 = pdf_text(pdf, 4);
	assert_has(p4, "Weight-bearing symmetry");
	assert_has(p4, "Sit to stand");
	assert_has(p4, "Weight-transfer time");
	free(p4);
	char *p7 = pdf_text(pdf, 7);
	assert_has(p7, "Notes and sign-off");
	assert_has(p7, "New foam pad.");
	assert_has(p7, "Foam eyes-closed sway is raised; review in four weeks.");
	assert_has(p7, "Signature");
	assert_false(has_banner(p7));
	free(p7);
	/* the overview's polar plot is the test's */
	char *p1 = pdf_text(pdf, 1);
	assert_lacks(p1, "LOS not measured yet");
	free(p1);
}

/* ---- bad input -------------------------------------------------------- */

static void bad_input_gets_clear_messages_and_no_file(void **state)
{
	(void)state;
	char pdf[700], *err = NULL;
	snprintf(pdf, sizeof pdf, "%s/bad.pdf", F->dir);

	assert_int_equal(poise(NULL, &err, "report --patient P99 -o '%s'", pdf), 2);
	assert_has(err, "there is no patient 'P99'");
	free(err);
	assert_false(exists(pdf));

	assert_int_equal(poise(NULL, &err, "report --patient P02 -o '%s'", pdf), 1);
	assert_has(err, "patient P02 has no recorded trials yet");
	free(err);
	assert_false(exists(pdf));

	assert_int_equal(poise(NULL, &err, "report --patient P01 --session %lld -o '%s'",
	                       (long long)F->p03_session, pdf), 2);
	assert_has(err, "is not one of P01's sessions");
	free(err);

	assert_int_equal(poise(NULL, &err, "report --patient P01 --since 2024-02-30 -o '%s'", pdf), 2);
	assert_has(err, "'2024-02-30' is not a date");
	free(err);

	assert_int_equal(poise(NULL, &err, "report --patient P01 --since 2030-01-01 -o '%s'", pdf), 1);
	assert_has(err, "no trials since 2030-01-01 (the last were on 2024-04-08)");
	free(err);
	assert_false(exists(pdf));

	assert_int_equal(poise(NULL, &err, "report --patient P01"), 2);
	assert_has(err, "-o FILE.pdf is needed");
	free(err);

	/* a folder that does not exist */
	assert_int_equal(poise(NULL, &err, "report --patient P01 -o '%s/no/such/dir/r.pdf'", F->dir),
	                 1);
	assert_has(err, "the folder does not exist");
	free(err);
	/* a file where a folder should be (root ignores permission bits, so
	 * this stands in for an unwritable folder) */
	char notdir[700];
	snprintf(notdir, sizeof notdir, "%s/plainfile", F->dir);
	FILE *fp = fopen(notdir, "w");
	fclose(fp);
	assert_int_equal(poise(NULL, &err, "report --patient P01 -o '%s/r.pdf'", notdir), 1);
	assert_has(err, "cannot write");
	free(err);
	/* a folder as the output */
	assert_int_equal(poise(NULL, &err, "report --patient P01 -o '%s'", F->dir), 2);
	assert_has(err, "that is a folder");
	free(err);
}

/* A file-size limit (as a full disk) while writing: the old report stays
 * as it was and no temporary file is left. */
static void full_disk_keeps_the_old_report(void **state)
{
	(void)state;
	char dir[700], pdf[800];
	snprintf(dir, sizeof dir, "%s/full", F->dir);
	mkdir(dir, 0700);
	snprintf(pdf, sizeof pdf, "%s/r.pdf", dir);
	FILE *fp = fopen(pdf, "w");
	fputs("old report", fp);
	fclose(fp);
	chmod(pdf, 0644);
	char *err = NULL;
	/* dash's ulimit -f counts 512-byte blocks: 64 KiB, room for the
	 * database's 32 KiB shared-memory file; the report is larger */
	int rc = tu_run(NULL, &err, "sh -c 'trap \"\" XFSZ; ulimit -f 128; exec %s --db %s report "
	                "--patient P01 -o %s'", POISE_BIN, F->db, pdf);
	assert_int_equal(rc, 1);
	assert_has(err, "free some disk space");
	free(err);
	char *old = tu_slurp(pdf);
	assert_string_equal(old, "old report");
	free(old);
	assert_int_equal(count_files(dir, "r.pdf"), 1); /* no r.pdf.XXXXXX left */

	/* without the limit it is replaced, and private */
	char *e2 = NULL;
	rc = tu_run(NULL, &e2, "%s --db %s report --patient P01 -o %s", POISE_BIN, F->db, pdf);
	if (rc)
		fail_msg("%s", e2);
	free(e2);
	assert_int_equal(mode_of(pdf), 0600);
	assert_int_equal(pdf_pages(pdf), 6);
}

/* The app's Export action (key E) goes through report_export_pdf(). */
static void app_export_writes_the_latest_session(void **state)
{
	(void)state;
	char pdf[700], msg[512];
	snprintf(pdf, sizeof pdf, "%s/app.pdf", F->dir);
	report_result res = {0};
	assert_int_equal(report_export_pdf(F->db, "P01", pdf, &res, msg, sizeof msg), POISE_OK);
	assert_int_equal(res.pages, 6);
	assert_has(msg, "Report of P01 (session of 2024-04-08, 6 pages) saved as");
	assert_int_equal(pdf_pages(pdf), 6);
	/* The clinic's name (the station's setting) heads every page. */
	store *s;
	assert_int_equal(store_open(&s, F->db, 0, msg, sizeof msg), POISE_OK);
	assert_int_equal(store_setting_set(s, "clinic", "Reha Nord, Balance Lab"), POISE_OK);
	store_close(s);
	assert_int_equal(report_export_pdf(F->db, "P01", pdf, &res, msg, sizeof msg), POISE_OK);
	for (int page = 1; page <= res.pages; page++) {
		char *text = pdf_text(pdf, page);
		assert_has(text, "Reha Nord, Balance Lab");
		free(text);
	}
	assert_int_equal(store_open(&s, F->db, 0, msg, sizeof msg), POISE_OK);
	assert_int_equal(store_setting_set(s, "clinic", ""), POISE_OK);
	store_close(s);
	assert_int_equal(report_export_pdf(F->db, NULL, pdf, NULL, msg, sizeof msg), POISE_E_INVALID);
	assert_has(msg, "--patient CODE");
	assert_int_equal(report_export_pdf(F->db, "P99", pdf, NULL, msg, sizeof msg), POISE_E_NOT_FOUND);
}

/* ---- pure helpers ------------------------------------------------------ */

static void numbers_print_as_specified(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(report_fmt_num(b, sizeof b, 209.2073), "209.2");
	assert_string_equal(report_fmt_num(b, sizeof b, 12.6889), "12.69");
	assert_string_equal(report_fmt_num(b, sizeof b, 0.4495), "0.450");
	assert_string_equal(report_fmt_num(b, sizeof b, -0.8026), "−0.803");
	assert_string_equal(report_fmt_num(b, sizeof b, -0.0001), "0.000");
	assert_string_equal(report_fmt_num(b, sizeof b, NAN), "–");
	assert_string_equal(report_age_band(b, sizeof b, 1961, "2024-05-01"), "60–69 years");
	assert_string_equal(report_age_band(b, sizeof b, 0, "2024-05-01"), "");
	assert_string_equal(report_human_date(b, sizeof b, "2024-05-01"), "1 May 2024");
}

/* A circle of radius r: covariance r²/2 on both axes, so the ellipse is a
 * circle of radius r·√F.05[2, n−2]; a tilted line of points: the major
 * axis along it. */
static void ellipse_of_known_shapes(void **state)
{
	(void)state;
	enum { N = 400 };
	double x[N], y[N];
	for (int i = 0; i < N; i++) {
		x[i] = 3 + 10 * cos(2 * M_PI * i / N);
		y[i] = -2 + 10 * sin(2 * M_PI * i / N);
	}
	report_ellipse e;
	assert_int_equal(report_ellipse95(x, y, N, &e), POISE_OK);
	double f = met_f_quantile_2(0.05, N - 2);
	assert_double_equal(e.cx_mm, 3, 1e-12);
	assert_double_equal(e.cy_mm, -2, 1e-12);
	assert_double_equal(e.a_mm, 10 * sqrt(f), 1e-9);
	assert_double_equal(e.b_mm, 10 * sqrt(f), 1e-9);
	met_static m;
	assert_int_equal(met_static_compute(x, y, N, 1, &m), POISE_OK);
	assert_double_equal(e.area_mm2, m.ellipse95_area_mm2, 1e-9);
	/* an ellipse 3:1 tilted by 30° */
	for (int i = 0; i < N; i++) {
		double u = 9 * cos(2 * M_PI * i / N), v = 3 * sin(2 * M_PI * i / N);
		x[i] = u * cos(M_PI / 6) - v * sin(M_PI / 6);
		y[i] = u * sin(M_PI / 6) + v * cos(M_PI / 6);
	}
	assert_int_equal(report_ellipse95(x, y, N, &e), POISE_OK);
	assert_double_equal(e.angle_rad, M_PI / 6, 1e-12);
	assert_double_equal(e.a_mm / e.b_mm, 3, 1e-9);
	assert_double_equal(e.a_mm, 9 / sqrt(2) * sqrt(2 * f), 1e-9);
	assert_int_equal(met_static_compute(x, y, N, 1, &m), POISE_OK);
	assert_double_equal(e.area_mm2, m.ellipse95_area_mm2, 1e-9);
	assert_int_equal(report_ellipse95(x, y, 2, &e), POISE_E_RANGE);
}

/* A report_data built by hand (no database): the summary's rules. */
static void summary_says_what_changed(void **state)
{
	(void)state;
	report_visit v[3] = {{.date = "2024-01-10"}, {.date = "2024-01-17"}, {.date = "2024-01-24"}};
	report_assess a[5] = {0};
	const char *kinds[5] = {"quiet-eo", "quiet-eo", "quiet-eo", "quiet-ec", "quiet-ec"};
	double vel[5] = {20, 15, 12, 30, 18}, area[5] = {200, 150, 155, 400, 290};
	for (int i = 0; i < 5; i++) {
		snprintf(a[i].kind, sizeof a[i].kind, "%s", kinds[i]);
		snprintf(a[i].status, sizeof a[i].status, "complete");
		a[i].have_metrics = true;
		a[i].m.mean_velocity_mm_s = vel[i];
		a[i].m.ellipse95_area_mm2 = area[i];
		a[i].duration_s = 30;
	}
	snprintf(a[4].status, sizeof a[4].status, "stepped-off");
	a[4].duration_s = 12.5;
	v[0].assess = &a[0];
	v[0].n_assess = 1;
	v[1].assess = &a[1];
	v[1].n_assess = 1;
	v[2].assess = &a[2];
	v[2].n_assess = 3;
	report_data d = {.visits = v, .n_visits = 3, .first = 0, .current = 2};
	char s[4096];
	report_summary(&d, s, sizeof s);
	assert_has(s, "This report covers 3 sessions from 10 Jan 2024 to 24 Jan 2024.");
	assert_has(s, "With eyes open, mean sway velocity was 12.00 mm/s and the 95 % ellipse area "
	              "155.0 mm²; compared with 17 Jan 2024 (15.00 mm/s, 150.0 mm²), the velocity was "
	              "20 % lower and the area about the same.");
	/* the complete eyes-closed trial speaks for the visit */
	assert_has(s, "With eyes closed, mean sway velocity was 30.00 mm/s");
	assert_has(s, "there is no earlier eyes-closed recording to compare with");
	assert_has(s, "With eyes closed the ellipse area was 2.58 times that with eyes open");
	assert_has(s, "Over the 3 eyes-open tests since 10 Jan 2024, the velocity went from 20.00 to "
	              "12.00 mm/s (40 % lower).");
	assert_has(s, "The eyes-closed trial ended early (stepped-off, after 12.50 s)");
	assert_has(s, "No training was recorded.");
	assert_has(s, "it is not a diagnosis");
	/* A complete trial is preferred; without one, the last with metrics. */
	assert_ptr_equal(report_visit_assess(&v[2], "quiet-ec"), &a[3]);
	snprintf(a[3].status, sizeof a[3].status, "aborted");
	assert_ptr_equal(report_visit_assess(&v[2], "quiet-ec"), &a[4]);
	assert_double_equal(report_romberg(&v[2], offsetof(met_static, ellipse95_area_mm2)),
	                    290.0 / 155.0, 1e-12);
	a[4].have_metrics = false;
	assert_ptr_equal(report_visit_assess(&v[2], "quiet-ec"), &a[3]);
	assert_true(isnan(report_romberg(&v[1], offsetof(met_static, ellipse95_area_mm2))));
}

/* Rendering needs its fonts, and says which is missing. */
static void missing_font_is_named(void **state)
{
	(void)state;
	report_visit v = {.date = "2024-01-10"};
	report_data d = {.visits = &v, .n_visits = 1};
	ana_cfg_default(&d.analysis);
	report_opts o = {.font_regular = "/nonexistent/DejaVuSans.ttf",
	                 .font_bold = "/nonexistent/DejaVuSans-Bold.ttf"};
	char msg[512], pdf[700];
	snprintf(pdf, sizeof pdf, "%s/nofont.pdf", F->dir);
	assert_int_equal(report_render(&d, &o, pdf, NULL, msg, sizeof msg), POISE_E_NOT_FOUND);
	assert_has(msg, "/nonexistent/DejaVuSans.ttf");
	assert_false(exists(pdf));
	report_data empty = {0};
	assert_int_equal(report_render(&empty, NULL, pdf, NULL, msg, sizeof msg), POISE_E_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_print_as_specified),
		cmocka_unit_test(ellipse_of_known_shapes),
		cmocka_unit_test(summary_says_what_changed),
		cmocka_unit_test(full_report_holds_the_database_numbers),
		cmocka_unit_test(drawn_ellipse_is_the_stored_metric),
		cmocka_unit_test(session_option_reports_that_day),
		cmocka_unit_test(since_option_limits_the_progress),
		cmocka_unit_test(csv_holds_the_same_numbers),
		cmocka_unit_test(simulated_numbers_carry_a_banner_on_their_pages),
		cmocka_unit_test(a_report_of_real_plates_has_no_banner),
		cmocka_unit_test(png_pages_on_request),
		cmocka_unit_test(los_plot_when_measured),
		cmocka_unit_test(standard_tests_have_their_pages),
		cmocka_unit_test(bad_input_gets_clear_messages_and_no_file),
		cmocka_unit_test(full_disk_keeps_the_old_report),
		cmocka_unit_test(app_export_writes_the_latest_session),
		cmocka_unit_test(missing_font_is_named),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
