/* The report's pages of the standard tests (mCTSIB, limits of stability,
 * weight bearing and sit-to-stand), the LOS polar plot, and the closing
 * page with the session notes, the therapist's comment and room for a
 * signature. The numbers are the test summaries' stored metrics
 * (session/assess.h); nothing is recomputed. */
#include <cairo.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assess.h"
#include "core/atest.h"
#include "report/report_page.h"

size_t rp_visit_trials(const report_visit *v)
{
	return v->n_trials ? v->n_trials : v->n_assess + v->n_games + v->n_los;
}

/* ---- the LOS polar plot --------------------------------------------------- */

static void polar_path(rd *r, double cx, double cy, double scale, const double *lim)
{
	bool pen = false;
	for (int k = 0; k <= LOS_DIRS; k++) {
		double v = lim[k % LOS_DIRS];
		if (!isfinite(v)) {
			pen = false;
			continue;
		}
		double th = (k % LOS_DIRS) * M_PI / 4, rr = v * scale;
		if (!pen)
			cairo_move_to(r->cr, cx + rr * cos(th), cy - rr * sin(th));
		else
			cairo_line_to(r->cr, cx + rr * cos(th), cy - rr * sin(th));
		pen = true;
	}
}

void rp_los_polar(rd *r, double cx, double cy, double s, const report_los *los, const los_model *def,
                  const double *targets, const report_los *prev)
{
	double rmax = 0;
	for (int k = 0; k < LOS_DIRS; k++) {
		if (isfinite(los->limit_mm[k]))
			rmax = fmax(rmax, los->limit_mm[k]);
		rmax = fmax(rmax, def->limit_mm[k]);
		if (targets && isfinite(targets[k]))
			rmax = fmax(rmax, targets[k]);
		if (prev && isfinite(prev->limit_mm[k]))
			rmax = fmax(rmax, prev->limit_mm[k]);
	}
	double step = rd_nice_step(rmax, 4);
	double rtop = ceil(rmax / step - 1e-9) * step;
	double scale = (s / 2) / rtop;
	for (double rr = step; rr <= rtop + 1e-9; rr += step) { /* rings, in mm */
		rd_gray(r, 0.8);
		cairo_new_sub_path(r->cr);
		cairo_arc(r->cr, cx, cy, rr * scale, 0, 2 * M_PI);
		cairo_set_line_width(r->cr, 0.4);
		cairo_stroke(r->cr);
		rd_gray(r, 0.35);
		double lth = M_PI / 8; /* labels between the right and forward-right spokes */
		rd_text(r, false, 6.5, cx + rr * scale * cos(lth) + 1.5, cy - rr * scale * sin(lth) - 1.5, RD_LEFT,
		        "%.0f", rr);
	}
	for (int k = 0; k < LOS_DIRS; k++) {
		double th = k * M_PI / 4;
		rd_gray(r, 0.8);
		rd_line(r, cx, cy, cx + rtop * scale * cos(th), cy - rtop * scale * sin(th), 0.4);
	}
	rd_gray(r, 0.2);
	rd_text(r, false, 7.5, cx, cy - s / 2 - 4, RD_CENTER, "forward");
	rd_text(r, false, 7.5, cx, cy + s / 2 + 10, RD_CENTER, "back");
	rd_text(r, false, 7.5, cx + s / 2 + 3, cy + 3, RD_LEFT, "right");
	rd_text(r, false, 7.5, cx - s / 2 - 3, cy + 3, RD_RIGHT, "left");
	struct {
		const double *lim;
		enum rd_dash dash;
		double gray, width;
	} lines[3] = {{def->limit_mm, RD_DASHED, 0.45, 0.9},
	              {targets, RD_DOTTED, 0.3, 1.0},
	              {prev ? prev->limit_mm : NULL, RD_DASHDOT, 0.45, 1.0}};
	for (int i = 0; i < 3; i++) {
		if (!lines[i].lim)
			continue;
		rd_gray(r, lines[i].gray);
		rd_dash(r, lines[i].dash);
		polar_path(r, cx, cy, scale, lines[i].lim);
		cairo_set_line_width(r->cr, lines[i].width);
		cairo_stroke(r->cr);
	}
	rd_dash(r, RD_SOLID);
	rd_gray(r, 0);
	polar_path(r, cx, cy, scale, los->limit_mm);
	cairo_set_line_width(r->cr, 1.4);
	cairo_stroke(r->cr);
	for (int k = 0; k < LOS_DIRS; k++) {
		double lim = los->limit_mm[k];
		if (isfinite(lim))
			rd_marker(r, RD_CIRCLE, cx + lim * scale * cos(k * M_PI / 4), cy - lim * scale * sin(k * M_PI / 4),
			          4.5, true);
	}
}

/* ---- shared bits -------------------------------------------------------------- */

/* The line under a test page's title: when, which trial, complete or not,
 * simulated. Returns the y below it. */
static double test_line(rd *r, const report_test *t, const char *what)
{
	char b1[64];
	rd_gray(r, 0.25);
	double w = rd_text(r, false, 8.5, ML, 84, RD_LEFT, "%s of %s · summary trial %lld (session %lld) · %s", what,
	                   rp_local_time(b1, sizeof b1, t->started_at), (long long)t->trial_id,
	                   (long long)t->session_id,
	                   strcmp(t->status, "complete") == 0 ? "complete" : "INCOMPLETE (stopped early)");
	rd_gray(r, 0);
	if (t->simulated)
		rd_text(r, true, 8.5, ML + w, 84, RD_LEFT, " · SIMULATED plate");
	return 104;
}

/* A note under a table: small grey paragraph. Returns the y below it. */
static double note(rd *r, double y, const char *text)
{
	rd_gray(r, 0.3);
	y = rd_paragraph(r, false, 7.5, 10, ML, y, CW, text);
	rd_gray(r, 0);
	return y;
}

/* A table header row at y over the columns x[0..n) (right-aligned but
 * the first); returns the y of the first row. */
static double table_head(rd *r, double y, const double *x, const char *const *head, int n)
{
	rd_gray(r, 0.3);
	for (int i = 0; i < n; i++)
		rd_text(r, false, 7.5, x[i], y, i ? RD_RIGHT : RD_LEFT, "%s", head[i]);
	rd_gray(r, 0.6);
	rd_line(r, ML, y + 4, ML + CW, y + 4, 0.5);
	rd_gray(r, 0);
	return y + 15;
}

static void zebra(rd *r, double y, int row)
{
	if (row % 2 == 1)
		rd_fill_rect(r, ML, y - 10, CW, 13.5, 0.95);
	rd_gray(r, 0);
}

/* "−1.2 (real)" / "+0.4 (within SRD)": a change against the smallest real
 * difference srd (NaN: no judgement). */
static const char *change_srd(char *buf, size_t len, double prev, double cur, double srd)
{
	char c[40];
	rp_change_text(c, sizeof c, prev, cur, false);
	if (!isfinite(prev) || !isfinite(cur) || !isfinite(srd))
		snprintf(buf, len, "%s", c);
	else
		snprintf(buf, len, "%s %s", c, fabs(cur - prev) > srd ? "(real)" : "(within SRD)");
	return buf;
}

/* The test metric "<prefix><key><suffix>" of t (NaN if t is NULL). */
static double tv(const report_test *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static double tv(const report_test *t, const char *fmt, ...)
{
	char name[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	return t ? report_test_value(t, name) : NAN;
}

/* ---- mCTSIB ------------------------------------------------------------------ */

static const char *const cond_label[CTSIB_CONDS] = {"Firm, eyes open", "Firm, eyes closed", "Foam, eyes open",
                                                    "Foam, eyes closed"};

/* The bars: mean velocity per condition, each completed trial a dot, the
 * previous test's mean a dash-dot tick; falls counted under the bar. */
static double mctsib_chart(rd *r, const ctx *c, const report_test *t, const report_test *prev, double y)
{
	const report_visit *v = c->cur;
	double ymax = 0;
	for (int k = 0; k < CTSIB_CONDS; k++) {
		ymax = fmax(ymax, fmax(tv(t, "mctsib_%s_velocity_mm_s", atest_ctsib_key(k)), 0));
		ymax = fmax(ymax, fmax(tv(prev, "mctsib_%s_velocity_mm_s", atest_ctsib_key(k)), 0));
	}
	for (size_t i = 0; i < v->n_assess; i++)
		if (v->assess[i].in_test && v->assess[i].session_id == t->session_id && v->assess[i].have_metrics)
			ymax = fmax(ymax, v->assess[i].m.mean_velocity_mm_s);
	ymax = rp_nice_ceil(fmax(ymax * 1.1, 1));
	rd_axes ax = {.x = ML + 40, .y = y, .w = CW - 50, .h = 190, .x0 = 0, .x1 = CTSIB_CONDS, .y0 = 0, .y1 = ymax};
	double step = rd_nice_step(ymax, 5);
	for (double g = 0; g <= ymax + 1e-9; g += step) {
		rd_gray(r, 0.85);
		rd_line(r, ax.x, rd_py(&ax, g), ax.x + ax.w, rd_py(&ax, g), 0.4);
		rd_gray(r, 0.2);
		rd_text(r, false, 7, ax.x - 5, rd_py(&ax, g) + 2.5, RD_RIGHT, "%g", g);
	}
	cairo_save(r->cr);
	cairo_translate(r->cr, ax.x - 27, ax.y + ax.h / 2);
	cairo_rotate(r->cr, -M_PI / 2);
	rd_text(r, false, 7.5, 0, 0, RD_CENTER, "mean sway velocity (mm/s)");
	cairo_restore(r->cr);
	double bw = ax.w / CTSIB_CONDS * 0.42;
	for (int k = 0; k < CTSIB_CONDS; k++) {
		double xc = rd_px(&ax, k + 0.5);
		double vel = tv(t, "mctsib_%s_velocity_mm_s", atest_ctsib_key(k)), top = vel;
		if (isfinite(vel)) {
			rd_fill_rect(r, xc - bw / 2, rd_py(&ax, vel), bw, rd_py(&ax, 0) - rd_py(&ax, vel), 0.8);
			rd_gray(r, 0);
			rd_rect(r, xc - bw / 2, rd_py(&ax, vel), bw, rd_py(&ax, 0) - rd_py(&ax, vel), 0.8);
		} else if (tv(t, "mctsib_%s_trials", atest_ctsib_key(k)) > 0) {
			rd_text(r, false, 8, xc, rd_py(&ax, 0) - 8, RD_CENTER, "no completed trial");
		}
		int dot = 0;
		for (size_t i = 0; i < v->n_assess; i++) {
			const report_assess *a = &v->assess[i];
			if (!a->in_test || a->session_id != t->session_id || strcmp(a->kind, atest_ctsib_kind(k)) != 0 ||
			    strcmp(a->status, "complete") != 0 || !a->have_metrics)
				continue;
			rd_marker(r, RD_CIRCLE, xc + (dot % 3 - 1) * 9, rd_py(&ax, a->m.mean_velocity_mm_s), 4, true);
			top = fmax(top, a->m.mean_velocity_mm_s);
			dot++;
		}
		if (isfinite(vel)) { /* the mean, above the bar and its dots */
			char b[24];
			rd_text(r, true, 8, xc, rd_py(&ax, top) - 6, RD_CENTER, "%s", rp_num(b, sizeof b, vel));
		}
		double pv = tv(prev, "mctsib_%s_velocity_mm_s", atest_ctsib_key(k));
		if (isfinite(pv)) {
			rd_dash(r, RD_DASHDOT);
			rd_line(r, xc - bw * 0.75, rd_py(&ax, pv), xc + bw * 0.75, rd_py(&ax, pv), 1.4);
			rd_dash(r, RD_SOLID);
		}
		rd_text(r, false, 8, xc, ax.y + ax.h + 12, RD_CENTER, "%s", cond_label[k]);
		double falls = tv(t, "mctsib_%s_falls", atest_ctsib_key(k));
		if (falls > 0)
			rd_text(r, true, 7.5, xc, ax.y + ax.h + 23, RD_CENTER, "%.0f fall%s", falls, falls == 1 ? "" : "s");
	}
	rd_gray(r, 0);
	rd_rect(r, ax.x, ax.y, ax.w, ax.h, 0.7);
	double ly = ax.y + ax.h + 38;
	double lx = rd_legend(r, ML, ly, RD_SOLID, -1, 0, "bar: mean of the completed trials");
	lx = rd_legend(r, lx, ly, RD_SOLID, RD_CIRCLE, 0, "each completed trial");
	if (prev)
		rd_legend(r, lx, ly, RD_DASHDOT, -1, 0, "the previous test's mean");
	return ly + 14;
}

static double mctsib_table(rd *r, const report_test *t, const report_test *prev, double y)
{
	double x[] = {ML, ML + 122, ML + 152, ML + 218, ML + 258, ML + 286, ML + 334, ML + 378, ML + CW};
	const char *head[] = {"Condition", "Trials", "Falls", "Velocity mm/s", "Held s", "ES", "SRD mm/s",
	                      "Previous", "Change"};
	y = table_head(r, y, x, head, 9);
	char b[9][48];
	for (int k = 0; k <= CTSIB_CONDS; k++) {
		const char *key = k < CTSIB_CONDS ? atest_ctsib_key(k) : NULL;
		double vel = key ? tv(t, "mctsib_%s_velocity_mm_s", key) : report_test_value(t, "mctsib_composite_velocity_mm_s");
		double pv = key ? tv(prev, "mctsib_%s_velocity_mm_s", key)
		                : prev ? report_test_value(prev, "mctsib_composite_velocity_mm_s") : NAN;
		double srd = key ? tv(t, "mctsib_%s_srd_mm_s", key) : NAN;
		zebra(r, y, k);
		rd_text(r, k == CTSIB_CONDS, 8.5, x[0], y, RD_LEFT, "%s", key ? cond_label[k] : "Composite (mean of the four)");
		if (key) {
			rd_text(r, false, 8.5, x[1], y, RD_RIGHT, "%.0f", tv(t, "mctsib_%s_trials", key));
			rd_text(r, tv(t, "mctsib_%s_falls", key) > 0, 8.5, x[2], y, RD_RIGHT, "%.0f",
			        tv(t, "mctsib_%s_falls", key));
			rd_text(r, false, 8.5, x[4], y, RD_RIGHT, "%s", rp_num(b[4], 48, tv(t, "mctsib_%s_held_s", key)));
			rd_text(r, false, 8.5, x[5], y, RD_RIGHT, "%.0f", tv(t, "mctsib_%s_es", key));
			rd_text(r, false, 8.5, x[6], y, RD_RIGHT, "%s", rp_num(b[6], 48, srd));
		} else {
			rd_text(r, false, 8.5, x[5], y, RD_RIGHT, "%.0f", report_test_value(t, "mctsib_composite_es"));
		}
		rd_text(r, true, 8.5, x[3], y, RD_RIGHT, "%s", rp_num(b[3], 48, vel));
		rd_gray(r, 0.3);
		rd_text(r, false, 8.5, x[7], y, RD_RIGHT, "%s", rp_num(b[7], 48, pv));
		rd_gray(r, 0);
		rd_text(r, false, 8.5, x[8], y, RD_RIGHT, "%s", change_srd(b[8], 48, pv, vel, srd));
		y += 13.5;
	}
	return y;
}

static double mctsib_ratios(rd *r, const report_test *t, const report_test *prev, double y)
{
	static const struct {
		const char *key, *label, *formula;
	} rows[] = {
		{"romberg_firm", "Romberg quotient, firm", "velocity: eyes closed / open, firm"},
		{"romberg_foam", "Romberg quotient, foam", "velocity: eyes closed / open, foam"},
		{"foam_ratio_eo", "Foam ratio, eyes open", "velocity: foam / firm, eyes open"},
		{"foam_ratio_ec", "Foam ratio, eyes closed", "velocity: foam / firm, eyes closed"},
		{"sensory_somatosensory", "Somatosensory ratio", "ES firm EC / ES firm EO"},
		{"sensory_visual", "Visual ratio", "ES foam EO / ES firm EO"},
		{"sensory_vestibular", "Vestibular ratio", "ES foam EC / ES firm EO"},
	};
	double x[] = {ML, ML + 270, ML + 330};
	const char *head[] = {"Sensory comparison", "Value", "Previous"};
	y = table_head(r, y, x, head, 3);
	rd_gray(r, 0.3);
	rd_text(r, false, 7.5, ML + 345, y - 15, RD_LEFT, "Formula");
	rd_gray(r, 0);
	char b1[24], b2[24];
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		zebra(r, y, (int)i);
		rd_text(r, false, 8.5, x[0], y, RD_LEFT, "%s", rows[i].label);
		rd_text(r, true, 8.5, x[1], y, RD_RIGHT, "%s", rp_num(b1, sizeof b1, report_test_value(t, rows[i].key)));
		rd_gray(r, 0.3);
		rd_text(r, false, 8.5, x[2], y, RD_RIGHT, "%s", rp_num(b2, sizeof b2, prev ? report_test_value(prev, rows[i].key) : NAN));
		rd_text(r, false, 7.5, ML + 345, y, RD_LEFT, "%s", rows[i].formula);
		rd_gray(r, 0);
		y += 13.5;
	}
	return y;
}

void rp_page_mctsib(rd *r, const ctx *c)
{
	const report_test *t = report_visit_test(c->cur, "test:mctsib");
	size_t pv = 0;
	const report_test *prev = report_previous_test(c->d, c->d->current, "test:mctsib", &pv);
	rp_running_head(r, c, "mCTSIB");
	double y = test_line(r, t, "Test");
	y = rp_heading(r, y + 4, "Mean sway velocity per condition");
	y = mctsib_chart(r, c, t, prev, y + 4);
	y = mctsib_table(r, t, prev, y + 14);
	char txt[900], hd[32];
	if (prev)
		snprintf(txt, sizeof txt, "Previous: the mCTSIB of %s. ", report_human_date(hd, sizeof hd, c->d->visits[pv].date));
	else
		snprintf(txt, sizeof txt, "No earlier mCTSIB to compare with. ");
	size_t k = strlen(txt);
	snprintf(txt + k, sizeof txt - k,
	         "Velocity: the mean COP sway velocity of a condition's completed trials (a fall is left out and "
	         "counted); held: the mean time stood, falls included; ES: NeuroCom's equilibrium score (a fall "
	         "scores 0). SRD: the smallest real difference of the condition's mean from the spread of its "
	         "trials, 1.96·√2·SD/√n (Beckerman et al. 2001); a change larger than it is marked real.");
	y = note(r, y + 2, txt);
	y = mctsib_ratios(r, t, prev, y + 10);
	note(r, y + 4,
	     "Shumway-Cook & Horak 1986 (mCTSIB without the dome); Romberg quotient and foam ratios after "
	     "Fujimoto et al. 2009 (Clin Neurophysiol 120:1408); sensory ratios of the equilibrium scores after "
	     "Nashner & Peters 1990, foam standing for sway-referenced support (Cohen et al. 1993). No "
	     "published age- and sex-stratified reference band is printed: Poise shows none it cannot trace to "
	     "a table; the patient's own change is judged against the SRD instead.");
}

/* ---- LOS ------------------------------------------------------------------------ */

static void los_from_test(const report_test *t, report_los *l, double *targets)
{
	memset(l, 0, sizeof *l);
	for (int d = 0; d < LOS_DIRS; d++) {
		l->limit_mm[d] = tv(t, "los_limit_%s_mm", atest_los_key(d));
		if (targets)
			targets[d] = tv(t, "los_target_%s_mm", atest_los_key(d));
	}
}

static const char *const dir_label[LOS_DIRS] = {"right", "forward-right", "forward", "forward-left",
                                                "left",  "back-left",     "back",    "back-right"};

void rp_page_los(rd *r, const ctx *c)
{
	const report_data *d = c->d;
	const report_test *t = report_visit_test(c->cur, "test:los");
	size_t pv = 0;
	const report_test *prev = report_previous_test(d, d->current, "test:los", &pv);
	rp_running_head(r, c, "Limits of stability");
	double y = test_line(r, t, "Test");
	report_los los, plos;
	double targets[LOS_DIRS];
	los_from_test(t, &los, targets);
	if (prev)
		los_from_test(prev, &plos, NULL);
	los_model def;
	los_default(&def, d->patient.height_cm > 0 ? d->patient.height_cm / 100 : 0);
	double s = 250;
	rp_los_polar(r, ML + 20 + s / 2, y + 16 + s / 2, s, &los, &def, targets, prev ? &plos : NULL);
	/* the key beside it */
	double tx = ML + s + 55, ty = y + 20;
	char b[64], hd[32];
	rd_text(r, true, 9, tx, ty, RD_LEFT, "Maximum excursion per direction");
	ty += 16;
	rd_legend(r, tx, ty, RD_SOLID, RD_CIRCLE, 0, "measured reach (mm)");
	ty += 14;
	rd_legend(r, tx, ty, RD_DOTTED, -1, 0.3, "targets");
	ty += 14;
	rd_legend(r, tx, ty, RD_DASHED, -1, 0.45, "height-based default");
	ty += 14;
	if (prev) {
		snprintf(b, sizeof b, "previous test (%s)", report_human_date(hd, sizeof hd, d->visits[pv].date));
		rd_legend(r, tx, ty, RD_DASHDOT, -1, 0.45, b);
		ty += 14;
	}
	ty += 8;
	rd_gray(r, 0.25);
	double pct = report_test_value(t, "los_target_pct");
	char txt[600];
	snprintf(txt, sizeof txt,
	         "Targets at %.0f %% of the theoretical limits of a %s person (8° forward, 4.5° back, 8° to each "
	         "side about the ankles, centre of mass at 55 %% of height; Nashner 1993). The games now use the "
	         "measured limits as the patient's reach (on the same kind of plate).",
	         isfinite(pct) ? pct : 100,
	         d->patient.height_cm > 0 ? (snprintf(b, sizeof b, "%.0f cm", d->patient.height_cm), b) : "1.70 m");
	rd_paragraph(r, false, 8, 10.5, tx, ty, PAGE_W - MR - tx, txt);
	rd_gray(r, 0);
	y += s + 50;
	y = rp_heading(r, y, "Per direction");
	double x[] = {ML, ML + 120, ML + 170, ML + 215, ML + 265, ML + 315, ML + 365, ML + 415, ML + CW};
	const char *head[] = {"Direction", "Target mm", "Reach mm", "RT s", "MVL °/s", "EPE %", "MXE %", "DCL %", "Falls"};
	y = table_head(r, y, x, head, 9);
	/* The per-direction keys: los_<measure>_<direction><suffix>. */
	static const char *const m[] = {"target", "limit", "rt", "mvl", "epe", "mxe", "dcl", "falls"};
	static const char *const suf[] = {"_mm", "_mm", "_s", "_deg_s", "_pct", "_pct", "_pct", ""};
	static const int order[LOS_DIRS] = {LOS_N, LOS_NE, LOS_E, LOS_SE, LOS_S, LOS_SW, LOS_W, LOS_NW};
	for (int i = 0; i <= LOS_DIRS; i++) {
		zebra(r, y, i);
		if (i < LOS_DIRS) {
			rd_text(r, false, 8.5, x[0], y, RD_LEFT, "%s", dir_label[order[i]]);
			for (int k = 0; k < 7; k++)
				rd_text(r, k == 1, 8.5, x[k + 1], y, RD_RIGHT, "%s",
				        rp_num(b, sizeof b, tv(t, "los_%s_%s%s", m[k], atest_los_key(order[i]), suf[k])));
			double falls = tv(t, "los_%s_%s%s", m[7], atest_los_key(order[i]), suf[7]);
			rd_text(r, falls > 0, 8.5, x[8], y, RD_RIGHT, "%.0f", falls);
		} else {
			static const char *const comp[] = {NULL, NULL, "los_rt_s", "los_mvl_deg_s", "los_epe_pct",
			                                   "los_mxe_pct", "los_dcl_pct", "los_falls"};
			rd_text(r, true, 8.5, x[0], y, RD_LEFT, "Overall (mean)");
			for (int k = 2; k < 7; k++)
				rd_text(r, true, 8.5, x[k + 1], y, RD_RIGHT, "%s", rp_num(b, sizeof b, report_test_value(t, comp[k])));
			rd_text(r, true, 8.5, x[8], y, RD_RIGHT, "%.0f", report_test_value(t, comp[7]));
		}
		y += 13.5;
	}
	if (prev) {
		rd_gray(r, 0.3);
		static const char *const comp[] = {"los_rt_s", "los_mvl_deg_s", "los_epe_pct", "los_mxe_pct", "los_dcl_pct"};
		rd_text(r, false, 8.5, x[0], y, RD_LEFT, "Previous (%s)", report_human_date(hd, sizeof hd, d->visits[pv].date));
		for (int k = 0; k < 5; k++)
			rd_text(r, false, 8.5, x[k + 3], y, RD_RIGHT, "%s", rp_num(b, sizeof b, report_test_value(prev, comp[k])));
		rd_gray(r, 0);
		y += 13.5;
	}
	note(r, y + 4,
	     "One lean toward each target after the cue, held for the rest of the trial (NeuroCom Balance "
	     "Master; Clark, Rose & Fujimoto 1997). RT: reaction time, cue to the first movement of the COP; "
	     "MVL: mean velocity toward the target between 5 % and 95 % of the endpoint distance; EPE: endpoint "
	     "of the primary movement and MXE: farthest point, in % of the target distance; DCL: directional "
	     "control, (on − off)/on × 100 of the path. MVL, EPE, MXE and DCL are of the centre of gravity "
	     "estimated from the COP (Caron, Faure & Brenière 1997). Reach: the maximum excursion in mm. A fall "
	     "keeps the excursion reached before it.");
}

/* ---- weight bearing and sit-to-stand ------------------------------------------ */

/* A bar split at share % (left part dark), labelled at both ends. */
static void split_bar(rd *r, double x, double y, double w, double share, const char *left, const char *right)
{
	char b1[24], b2[24];
	double h = 14;
	if (!isfinite(share)) {
		rd_rect(r, x, y, w, h, 0.6);
		rd_text(r, false, 8, x + w / 2, y + 10, RD_CENTER, "not measured");
		return;
	}
	double k = fmin(fmax(share, 0), 100) / 100;
	rd_fill_rect(r, x, y, w * k, h, 0.45);
	rd_fill_rect(r, x + w * k, y, w * (1 - k), h, 0.85);
	rd_gray(r, 0);
	rd_rect(r, x, y, w, h, 0.6);
	rd_line(r, x + w / 2, y - 3, x + w / 2, y + h + 3, 0.8); /* even */
	rd_text(r, true, 8, x - 4, y + 10, RD_RIGHT, "%s %s %%", left, rp_num(b1, sizeof b1, share));
	rd_text(r, true, 8, x + w + 4, y + 10, RD_LEFT, "%s %%  %s", rp_num(b2, sizeof b2, 100 - share), right);
}

static double symmetry_part(rd *r, const report_data *d, const report_test *t, double y)
{
	size_t pv = 0;
	const report_test *prev = report_previous_test(d, d->current, "test:symmetry", &pv);
	char b1[48], b2[48], b3[48], b4[48], hd[32];
	rd_gray(r, 0.25);
	rd_text(r, false, 8.5, ML, y, RD_LEFT, "%s · summary trial %lld%s", rp_local_time(b1, sizeof b1, t->started_at),
	        (long long)t->trial_id, t->simulated ? " · SIMULATED plate" : "");
	rd_gray(r, 0);
	y += 20;
	static const char *const posture[2] = {"stand", "squat"};
	static const char *const label[2] = {"Standing", "Squat"};
	double bx = ML + 135, bw = CW - 245;
	for (int p = 0; p < 2; p++) {
		rd_text(r, true, 9.5, ML, y + 10, RD_LEFT, "%s", label[p]);
		double l = tv(t, "wb_%s_left_pct", posture[p]), f = tv(t, "wb_%s_front_pct", posture[p]);
		double lr = l + tv(t, "wb_%s_right_pct", posture[p]), fb = f + tv(t, "wb_%s_back_pct", posture[p]);
		split_bar(r, bx, y, bw, lr > 0 ? l / lr * 100 : NAN, "left", "right");
		split_bar(r, bx, y + 20, bw, fb > 0 ? f / fb * 100 : NAN, "front", "back");
		rd_gray(r, 0.25);
		rd_text(r, false, 8, ML, y + 48, RD_LEFT,
		        "Of the body weight: left %s %%, right %s %% · symmetry index %s %% · SRD of the left share %s",
		        rp_num(b1, sizeof b1, l), rp_num(b2, sizeof b2, tv(t, "wb_%s_right_pct", posture[p])),
		        rp_num(b3, sizeof b3, tv(t, "wb_%s_si_pct", posture[p])),
		        rp_num(b4, sizeof b4, tv(t, "wb_%s_left_srd_pct", posture[p])));
		if (prev)
			rd_text(r, false, 8, ML, y + 60, RD_LEFT, "Previous (%s): left %s %% · change %s",
			        report_human_date(hd, sizeof hd, d->visits[pv].date),
			        rp_num(b1, sizeof b1, tv(prev, "wb_%s_left_pct", posture[p])),
			        change_srd(b2, sizeof b2, tv(prev, "wb_%s_left_pct", posture[p]), l,
			                   tv(t, "wb_%s_left_srd_pct", posture[p])));
		rd_gray(r, 0);
		y += prev ? 80 : 68;
	}
	return note(r, y, "The shares of the four cells' force: left = TL + BL, front = TL + TR, over each trial "
	                  "after the patient stood still, the mean of the trials; % of the body weight (the mean "
	                  "force of the standing trials). Symmetry index (R − L)/((R + L)/2) × 100: 0 when even, + "
	                  "when the right bears more (Robinson et al. 1987). NeuroCom's weight-bearing squat.");
}

static double sts_part(rd *r, const report_data *d, const report_test *t, double y)
{
	size_t pv = 0;
	const report_test *prev = report_previous_test(d, d->current, "test:sit-to-stand", &pv);
	char b[64], hd[32];
	rd_gray(r, 0.25);
	rd_text(r, false, 8.5, ML, y, RD_LEFT, "%s · summary trial %lld · %.0f rises, %.0f falls, %.0f without rising%s",
	        rp_local_time(b, sizeof b, t->started_at), (long long)t->trial_id, report_test_value(t, "sts_rises"),
	        report_test_value(t, "sts_falls"), report_test_value(t, "sts_no_rise"),
	        t->simulated ? " · SIMULATED plate" : "");
	rd_gray(r, 0);
	y += 18;
	static const struct {
		const char *key, *label, *unit, *srd;
	} rows[] = {
		{"sts_transfer_s", "Weight-transfer time", "s", "sts_transfer_srd_s"},
		{"sts_rising_index_pct", "Rising index (peak force)", "% BW", NULL},
		{"sts_sway_velocity_mm_s", "Sway velocity, 5 s after rising", "mm/s", "sts_sway_velocity_srd_mm_s"},
		{"sts_sway_velocity_deg_s", "Sway velocity, 5 s after rising", "°/s", NULL},
		{"sts_rise_left_pct", "Left share of the weight while rising", "%", NULL},
		{"sts_body_weight_n", "Body weight (weighed first)", "N", NULL},
	};
	double x[] = {ML, ML + 240, ML + 280, ML + 340, ML + 400, ML + CW};
	const char *head[] = {"Measure", "Value", "", "SRD", "Previous", "Change"};
	y = table_head(r, y, x, head, 6);
	char b1[48], b2[48], b3[48], b4[64];
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		double v = report_test_value(t, rows[i].key), p = prev ? report_test_value(prev, rows[i].key) : NAN;
		double srd = rows[i].srd ? report_test_value(t, rows[i].srd) : NAN;
		zebra(r, y, (int)i);
		rd_text(r, false, 8.5, x[0], y, RD_LEFT, "%s", rows[i].label);
		rd_text(r, true, 8.5, x[1], y, RD_RIGHT, "%s", rp_num(b1, sizeof b1, v));
		rd_text(r, false, 8.5, x[1] + 6, y, RD_LEFT, "%s", rows[i].unit);
		rd_text(r, false, 8.5, x[3], y, RD_RIGHT, "%s", rp_num(b2, sizeof b2, srd));
		rd_gray(r, 0.3);
		rd_text(r, false, 8.5, x[4], y, RD_RIGHT, "%s", rp_num(b3, sizeof b3, p));
		rd_gray(r, 0);
		rd_text(r, false, 8.5, x[5], y, RD_RIGHT, "%s", change_srd(b4, sizeof b4, p, v, srd));
		y += 13.5;
	}
	char txt[600];
	snprintf(txt, sizeof txt, "%s%s%sThe mean of the rises (NeuroCom sit-to-stand; Cheng et al. 1998): "
	         "weight-transfer time from the cue until the feet carry the body weight; rising index: the peak "
	         "force while rising, %% of body weight; sway: COP path over the 5 s after the force settles within "
	         "5 %% of body weight. SRD: 1.96·√2·SD/√n of the rises.",
	         prev ? "Previous: the test of " : "", prev ? report_human_date(hd, sizeof hd, d->visits[pv].date) : "",
	         prev ? ". " : "");
	return note(r, y + 4, txt);
}

void rp_page_weight(rd *r, const ctx *c)
{
	rp_running_head(r, c, "Weight bearing and sit to stand");
	const report_test *sym = report_visit_test(c->cur, "test:symmetry");
	const report_test *sts = report_visit_test(c->cur, "test:sit-to-stand");
	double y = 96;
	if (sym) {
		y = rp_heading(r, y, "Weight-bearing symmetry");
		y = symmetry_part(r, c->d, sym, y) + 18;
	}
	if (sts) {
		y = rp_heading(r, y, "Sit to stand");
		sts_part(r, c->d, sts, y);
	}
}

/* ---- notes and signature ----------------------------------------------------------- */

void rp_page_notes(rd *r, const ctx *c)
{
	rp_running_head(r, c, "Notes and sign-off");
	double y = 96;
	char b[64];
	if (c->cur->n_notes == 0) {
		y = note(r, y, "No session notes or therapist's comment were recorded for this session (poise "
		               "patient comment CODE SESSION TEXT adds a comment).") + 8;
	}
	for (size_t i = 0; i < c->cur->n_notes && y < 560; i++) {
		const report_note *n = &c->cur->notes[i];
		rd_text(r, true, 9, ML, y, RD_LEFT, "Session %lld, %s%s%s", (long long)n->session_id,
		        rp_local_time(b, sizeof b, n->started_at), n->operator_name[0] ? ", operator " : "",
		        n->operator_name);
		y += 14;
		if (n->notes[0]) {
			rd_gray(r, 0.3);
			rd_text(r, false, 8, ML, y, RD_LEFT, "Session notes");
			rd_gray(r, 0);
			y = rd_paragraph(r, false, 9, 12, ML + 90, y, CW - 90, n->notes) + 2;
		}
		if (n->comment[0]) {
			rd_gray(r, 0.3);
			rd_text(r, false, 8, ML, y, RD_LEFT, "Therapist's comment");
			rd_gray(r, 0);
			y = rd_paragraph(r, false, 9, 12, ML + 90, y, CW - 90, n->comment) + 2;
		}
		y += 8;
	}
	/* room to write by hand */
	y = fmax(y + 14, 200);
	rd_text(r, true, 9.5, ML, y, RD_LEFT, "Remarks");
	y += 8;
	rd_gray(r, 0.7);
	for (int i = 1; i <= 8 && y + i * 24 < 680; i++)
		rd_line(r, ML, y + i * 24, ML + CW, y + i * 24, 0.5);
	rd_gray(r, 0);
	double sy = 745;
	const char *lab[3] = {"Therapist (name)", "Signature", "Date"};
	double w = (CW - 40) / 3;
	for (int i = 0; i < 3; i++) {
		double x = ML + i * (w + 20);
		rd_line(r, x, sy, x + w, sy, 0.8);
		rd_gray(r, 0.3);
		rd_text(r, false, 8, x, sy + 11, RD_LEFT, "%s", lab[i]);
		rd_gray(r, 0);
	}
}
