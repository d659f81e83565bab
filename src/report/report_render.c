/* The report's pages, drawn with cairo into an A4 PDF (and PNGs). */
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "report/report.h"
#include "report/report_draw.h"
#include "report/report_impl.h"
#include "sys/asset.h"

#include "report/report_page.h"

/* ---- small text helpers ---------------------------------------------- */

const char *rp_num(char *buf, size_t len, double v)
{
	return report_fmt_num(buf, len, v);
}

static double metric_at(const met_static *m, size_t off)
{
	return *(const double *)((const char *)m + off);
}

/* "−1.23 (−9 %)", or "−1.23" where a percentage means little. */
const char *rp_change_text(char *buf, size_t len, double prev, double cur, bool pct)
{
	char a[24];
	if (!isfinite(prev) || !isfinite(cur)) {
		snprintf(buf, len, "–");
		return buf;
	}
	double dv = cur - prev;
	rp_num(a, sizeof a, dv);
	const char *sign = dv > 0 && strpbrk(a, "123456789") ? "+" : "";
	if (pct && fabs(prev) > 1e-12) {
		double p = dv / fabs(prev) * 100;
		char ps[12];
		snprintf(ps, sizeof ps, "%.0f", fmin(fabs(p), 1e9));
		bool zero = strcmp(ps, "0") == 0;
		snprintf(buf, len, "%s%s (%s%s %%)", sign, a, zero ? "" : p < 0 ? "−" : "+", ps);
	} else {
		snprintf(buf, len, "%s%s", sign, a);
	}
	return buf;
}

const char *rp_local_time(char *buf, size_t len, const char *iso)
{
	struct tm tm;
	if (report_iso_to_local(iso, &tm)) {
		char d[11], hd[32];
		strftime(d, sizeof d, "%Y-%m-%d", &tm);
		snprintf(buf, len, "%s, %02d:%02d", report_human_date(hd, sizeof hd, d), tm.tm_hour,
		         tm.tm_min);
	} else { /* not a date (a damaged database): never the raw text */
		snprintf(buf, len, "%s", "unknown time");
	}
	return buf;
}

/* ---- page furniture ---------------------------------------------------- */

static void footer(rd *r, const ctx *c, int k)
{
	rd_gray(r, 0.6);
	rd_line(r, ML, 803, PAGE_W - MR, 803, 0.5);
	rd_gray(r, 0.25);
	rd_text(r, false, 7.5, ML, 815, RD_LEFT, "Poise %s · patient %s · generated %s", c->version,
	        c->d->patient.code, c->generated);
	rd_text(r, true, 7.5, PAGE_W - MR, 815, RD_RIGHT, "page %d of %d", k + 1, c->n_pages);
	rd_paragraph(r, false, 6.5, 8.5, ML, 826, CW, c->processing);
	rd_gray(r, 0);
}

/* The banner of a page that shows numbers from the simulated plate, in
 * the top margin (above every page's title), so it never covers content:
 * a grey box with a heavy frame, readable in black-and-white print. */
#define BANNER_Y 10.0
#define BANNER_H 32.0
static void sim_banner(rd *r, const char *note)
{
	rd_fill_rect(r, ML, BANNER_Y, CW, BANNER_H, 0.88);
	rd_gray(r, 0);
	rd_rect(r, ML, BANNER_Y, CW, BANNER_H, 1.6);
	const char *head = "SIMULATED PLATE — demonstration data, not a measurement of this patient";
	double size = 10.5;
	while (size > 7 && rd_text_width(r, true, size, head) > CW - 16)
		size -= 0.5;
	rd_text(r, true, size, ML + CW / 2, BANNER_Y + 14, RD_CENTER, "%s", head);
	size = 7.5;
	while (size > 5.5 && rd_text_width(r, false, size, note) > CW - 16)
		size -= 0.5;
	rd_text(r, false, size, ML + CW / 2, BANNER_Y + 26, RD_CENTER, "%s", note);
}

void rp_running_head(rd *r, const ctx *c, const char *title)
{
	char hd[32];
	rd_gray(r, 0);
	rd_text(r, true, 15, ML, 62, RD_LEFT, "%s", title);
	rd_gray(r, 0.35);
	rd_text(r, false, 8, PAGE_W - MR, 62, RD_RIGHT, "%s%sSway report · %s · session of %s", c->d->clinic,
	        c->d->clinic[0] ? " · " : "", c->d->patient.code, report_human_date(hd, sizeof hd, c->cur->date));
	rd_gray(r, 0.6);
	rd_line(r, ML, 70, PAGE_W - MR, 70, 0.5);
	rd_gray(r, 0);
}

double rp_heading(rd *r, double y, const char *text)
{
	rd_gray(r, 0);
	rd_text(r, true, 11.5, ML, y, RD_LEFT, "%s", text);
	return y + 16;
}

void rp_label_value(rd *r, double x, double y, const char *label, const char *value)
{
	rd_gray(r, 0.35);
	rd_text(r, false, 8, x, y, RD_LEFT, "%s", label);
	rd_gray(r, 0);
	rd_text(r, false, 9.5, x + 78, y, RD_LEFT, "%s", value);
}

/* ---- plots -------------------------------------------------------------- */

double rp_nice_ceil(double v)
{
	double s = rd_nice_step(v, 4);
	return ceil(v / s - 1e-9) * s;
}

static void ellipse_path(rd *r, const rd_axes *ax, const report_ellipse *e, double ox, double oy)
{
	double ca = cos(e->angle_rad), sa = sin(e->angle_rad);
	for (int i = 0; i <= 180; i++) {
		double t = 2 * M_PI * i / 180;
		double u = e->a_mm * cos(t), v = e->b_mm * sin(t);
		double x = e->cx_mm - ox + u * ca - v * sa, y = e->cy_mm - oy + u * sa + v * ca;
		if (i == 0)
			cairo_move_to(r->cr, rd_px(ax, x), rd_py(ax, y));
		else
			cairo_line_to(r->cr, rd_px(ax, x), rd_py(ax, y));
	}
	cairo_close_path(r->cr);
}

static void polyline(rd *r, const rd_axes *ax, const double *t, const double *v, size_t n,
                     double off, double width)
{
	if (n == 0)
		return;
	cairo_set_line_width(r->cr, width);
	cairo_set_line_join(r->cr, CAIRO_LINE_JOIN_ROUND);
	cairo_move_to(r->cr, rd_px(ax, t[0]), rd_py(ax, v[0] - off));
	for (size_t i = 1; i < n; i++)
		cairo_line_to(r->cr, rd_px(ax, t[i]), rd_py(ax, v[i] - off));
	cairo_stroke(r->cr);
}

/* Statokinesigram at (x, y), size s, and the two stabilograms to its
 * right; returns the y below them. */
static double trial_plots(rd *r, const ctx *c, size_t ti, double y)
{
	const report_assess *a = &c->cur->assess[ti];
	const report_ellipse *e = c->have_ell[ti] ? &c->ell[ti] : NULL;
	double cx = 0, cy = 0;
	if (e) {
		cx = e->cx_mm;
		cy = e->cy_mm;
	} else if (a->n) {
		for (size_t i = 0; i < a->n; i++) {
			cx += a->x_mm[i];
			cy += a->y_mm[i];
		}
		cx /= (double)a->n;
		cy /= (double)a->n;
	}
	double half = 1, half_t = 1;
	for (size_t i = 0; i < a->n; i++) {
		half = fmax(half, fmax(fabs(a->x_mm[i] - cx), fabs(a->y_mm[i] - cy)));
		half_t = fmax(half_t, fmax(fabs(a->x_mm[i] - cx), fabs(a->y_mm[i] - cy)));
	}
	if (e)
		half = fmax(half, e->a_mm);
	half = rp_nice_ceil(half * 1.05);
	half_t = rp_nice_ceil(half_t * 1.05);

	double s = 232;
	rd_axes sk = {.x = ML + 32, .y = y, .w = s, .h = s, .x0 = -half, .x1 = half, .y0 = -half,
	              .y1 = half};
	rd_text(r, true, 9, sk.x, y - 6, RD_LEFT, "Statokinesigram");
	rd_axes_draw(r, &sk, "ML (mm, + right)", "AP (mm, + forward)");
	rd_clip(r, &sk);
	rd_gray(r, 0.55);
	rd_dash(r, RD_SOLID);
	if (a->n) {
		cairo_set_line_width(r->cr, 0.45);
		cairo_set_line_join(r->cr, CAIRO_LINE_JOIN_ROUND);
		cairo_move_to(r->cr, rd_px(&sk, a->x_mm[0] - cx), rd_py(&sk, a->y_mm[0] - cy));
		for (size_t i = 1; i < a->n; i++)
			cairo_line_to(r->cr, rd_px(&sk, a->x_mm[i] - cx), rd_py(&sk, a->y_mm[i] - cy));
		cairo_stroke(r->cr);
	}
	if (e) {
		rd_gray(r, 0);
		rd_dash(r, RD_DASHED);
		cairo_set_line_width(r->cr, 1.5);
		ellipse_path(r, &sk, e, cx, cy);
		cairo_stroke(r->cr);
		rd_dash(r, RD_SOLID);
		/* the axes of the ellipse, thin */
		double ca = cos(e->angle_rad), sa = sin(e->angle_rad);
		rd_gray(r, 0.2);
		rd_dash(r, RD_DOTTED);
		rd_line(r, rd_px(&sk, -e->a_mm * ca), rd_py(&sk, -e->a_mm * sa), rd_px(&sk, e->a_mm * ca),
		        rd_py(&sk, e->a_mm * sa), 0.6);
		rd_line(r, rd_px(&sk, e->b_mm * sa), rd_py(&sk, -e->b_mm * ca), rd_px(&sk, -e->b_mm * sa),
		        rd_py(&sk, e->b_mm * ca), 0.6);
		rd_dash(r, RD_SOLID);
	}
	rd_gray(r, 0);
	rd_marker(r, RD_CROSS, rd_px(&sk, 0), rd_py(&sk, 0), 6, false);
	rd_unclip(r);
	if (!a->n) {
		rd_gray(r, 0.3);
		rd_text(r, false, 9, sk.x + s / 2, sk.y + s / 2, RD_CENTER, "no samples on the plate");
		rd_gray(r, 0);
	}
	double ly = sk.y + s + 36;
	double lx = rd_legend(r, ML, ly, RD_SOLID, -1, 0.55, "COP path (recorded, 100 Hz, before the "
	                      "low-pass)");
	rd_legend(r, lx, ly, RD_DASHED, -1, 0, "95 % confidence ellipse (after the low-pass)");
	char b1[32], b2[32], b4[32], b5[32];
	if (e) {
		double deg = e->angle_rad * 180 / M_PI;
		rd_text(r, false, 8, ML, ly + 13, RD_LEFT,
		        "Ellipse: semi-axes %s × %s mm, major axis %.0f° from ML, area %s mm².",
		        rp_num(b1, sizeof b1, e->a_mm), rp_num(b2, sizeof b2, e->b_mm),
		        deg, rp_num(b4, sizeof b4, e->area_mm2));
	}
	char cap[300];
	snprintf(cap, sizeof cap, "Plots centred on the mean position (ML %s mm, AP %s mm; %zu "
	         "samples on the plate); both stabilograms share one scale.",
	         rp_num(b1, sizeof b1, cx), rp_num(b5, sizeof b5, cy), a->n);
	double yb = rd_paragraph(r, false, 8, 11, ML, ly + 24, CW, cap);

	/* Stabilograms */
	double sx = ML + 330, sw = PAGE_W - MR - sx, sh = 95;
	double dur = a->n ? a->t_s[a->n - 1] : fmax(a->duration_s, 1);
	if (!(dur > 0))
		dur = 1;
	rd_axes ml = {.x = sx, .y = y, .w = sw, .h = sh, .x0 = 0, .x1 = dur, .y0 = -half_t,
	              .y1 = half_t};
	rd_axes ap = ml;
	ap.y = y + sh + 42;
	rd_text(r, true, 9, ml.x, y - 6, RD_LEFT, "Stabilogram, ML (+ right)");
	rd_axes_draw(r, &ml, "time (s)", "ML (mm)");
	rd_text(r, true, 9, ap.x, ap.y - 6, RD_LEFT, "Stabilogram, AP (+ forward)");
	rd_axes_draw(r, &ap, "time (s)", "AP (mm)");
	rd_gray(r, 0);
	rd_dash(r, RD_SOLID);
	rd_clip(r, &ml);
	polyline(r, &ml, a->t_s, a->x_mm, a->n, cx, 0.6);
	rd_unclip(r);
	rd_clip(r, &ap);
	polyline(r, &ap, a->t_s, a->y_mm, a->n, cy, 0.6);
	rd_unclip(r);
	rd_gray(r, 0);
	return yb + 5;
}

/* ---- pages ---------------------------------------------------------------- */

static void page_overview(rd *r, const ctx *c)
{
	const report_data *d = c->d;
	const report_visit *v = c->cur;
	char b1[64], b2[64], b3[128], hd[32];
	rd_gray(r, 0);
	rd_text(r, true, 22, ML, 66, RD_LEFT, "Sway report");
	rd_gray(r, 0.35);
	rd_text(r, false, 9, ML, 80, RD_LEFT, "Static posturography and balance training");
	if (d->clinic[0])
		rd_text(r, false, 9, PAGE_W - MR, 80, RD_RIGHT, "%s", d->clinic);
	rd_gray(r, 0);
	rd_text(r, true, 11, PAGE_W - MR, 66, RD_RIGHT, "Session of %s",
	        report_human_date(hd, sizeof hd, v->date));
	rd_gray(r, 0.6);
	rd_line(r, ML, 88, PAGE_W - MR, 88, 0.6);

	double y = 106, x2 = ML + CW / 2 + 10;
	const report_patient *p = &d->patient;
	rp_label_value(r, ML, y, "Patient code", p->code);
	rp_label_value(r, ML, y + 15, "Name", p->name[0] ? p->name : "not recorded");
	report_age_band(b1, sizeof b1, p->birth_year, v->date);
	rp_label_value(r, ML, y + 30, "Age band", b1[0] ? b1 : "not recorded");
	if (p->height_cm > 0 && p->weight_kg > 0)
		snprintf(b2, sizeof b2, "%.0f cm / %.1f kg", p->height_cm, p->weight_kg);
	else if (p->height_cm > 0)
		snprintf(b2, sizeof b2, "%.0f cm / weight not recorded", p->height_cm);
	else if (p->weight_kg > 0)
		snprintf(b2, sizeof b2, "height not recorded / %.1f kg", p->weight_kg);
	else
		snprintf(b2, sizeof b2, "not recorded");
	rp_label_value(r, ML, y + 45, "Height / weight", b2);

	size_t ntr = rp_visit_trials(v);
	snprintf(b3, sizeof b3, "%s (%zu trial%s)", rp_local_time(b1, sizeof b1, v->started_at), ntr,
	         ntr == 1 ? "" : "s");
	rp_label_value(r, x2, y, "Session", b3);
	if (v->n_simulated == v->n_sessions)
		snprintf(b3, sizeof b3, "simulated plate (demo data, not measured)");
	else
		snprintf(b3, sizeof b3, "%s%s%s%s", v->device_backend,
		         v->device_serial[0] ? ", serial " : "", v->device_serial,
		         v->n_simulated ? ", and the simulated plate" : "");
	rp_label_value(r, x2, y + 15, "Device", b3);
	rp_label_value(r, x2, y + 30, "Operator", v->operator_name[0] ? v->operator_name
	                                                           : "not recorded");
	size_t nr = d->current - d->first + 1;
	if (nr > 1)
		snprintf(b3, sizeof b3, "%zu sessions since %s", nr,
		         report_human_date(hd, sizeof hd, d->visits[d->first].date));
	else
		snprintf(b3, sizeof b3, "this session only");
	rp_label_value(r, x2, y + 45, "Report covers", b3);
	rd_gray(r, 0.6);
	rd_line(r, ML, y + 56, PAGE_W - MR, y + 56, 0.6);

	y += 78;
	y = rp_heading(r, y, "Summary");
	char summary[4096];
	report_summary(d, summary, sizeof summary);
	rd_gray(r, 0);
	y = rd_paragraph(r, false, 9.3, 12.6, ML, y, CW, summary);

	/* Key results */
	y += 10;
	y = rp_heading(r, y, "Key results");
	const report_assess *eo = report_visit_assess(v, REPORT_EO);
	const report_assess *ec = report_visit_assess(v, REPORT_EC);
	size_t pv_eo = 0, pv_ec = 0;
	const report_assess *peo = report_previous(d, d->current, REPORT_EO, &pv_eo);
	const report_assess *pec = report_previous(d, d->current, REPORT_EC, &pv_ec);
	if (!eo && !ec) {
		rd_gray(r, 0.25);
		y = rd_paragraph(r, false, 9, 12, ML, y, CW,
		                 "No quiet-stance test (eyes open or closed) was recorded in this session.");
		rd_gray(r, 0);
	} else {
		static const struct {
			const char *label, *unit;
			size_t off;
		} rows[] = {
			{"Mean velocity", "mm/s", offsetof(met_static, mean_velocity_mm_s)},
			{"Mean velocity, ML", "mm/s", offsetof(met_static, mean_velocity_ml_mm_s)},
			{"Mean velocity, AP", "mm/s", offsetof(met_static, mean_velocity_ap_mm_s)},
			{"95 % ellipse area", "mm²", offsetof(met_static, ellipse95_area_mm2)},
			{"RMS distance", "mm", offsetof(met_static, rms_distance_mm)},
			{"Sway area per second", "mm²/s", offsetof(met_static, sway_area_mm2_s)},
		};
		double cx[] = {ML + 190, ML + 250, ML + 300, ML + 375, ML + 435, ML + CW};
		/* group headers */
		rd_gray(r, 0);
		rd_text(r, true, 8.5, (ML + 160 + ML + 305) / 2, y, RD_CENTER, "Eyes open");
		rd_text(r, true, 8.5, (ML + 345 + ML + CW) / 2, y, RD_CENTER, "Eyes closed");
		rd_gray(r, 0.6);
		rd_line(r, ML + 160, y + 3, ML + 305, y + 3, 0.4);
		rd_line(r, ML + 345, y + 3, ML + CW, y + 3, 0.4);
		y += 13;
		rd_gray(r, 0.3);
		rd_text(r, false, 7.5, ML, y, RD_LEFT, "Measure");
		rd_text(r, false, 7.5, ML + 112, y, RD_LEFT, "Unit");
		const char *hdr[] = {"now", "previous", "change", "now", "previous", "change"};
		for (int i = 0; i < 6; i++)
			rd_text(r, false, 7.5, cx[i], y, RD_RIGHT, "%s", hdr[i]);
		rd_gray(r, 0.6);
		rd_line(r, ML, y + 4, ML + CW, y + 4, 0.5);
		y += 15;
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			if (i % 2 == 1)
				rd_fill_rect(r, ML, y - 10, CW, 14, 0.95);
			rd_gray(r, 0);
			rd_text(r, false, 8.5, ML, y, RD_LEFT, "%s", rows[i].label);
			rd_text(r, false, 8.5, ML + 112, y, RD_LEFT, "%s", rows[i].unit);
			const report_assess *now[2] = {eo, ec}, *prev[2] = {peo, pec};
			for (int k = 0; k < 2; k++) {
				double vn = now[k] ? metric_at(&now[k]->m, rows[i].off) : NAN;
				double vp = prev[k] && now[k] ? metric_at(&prev[k]->m, rows[i].off) : NAN;
				char pc[32] = "–";
				if (isfinite(vn) && vp > 0) {
					double pcv = (vn - vp) / vp * 100;
					snprintf(pc, sizeof pc, "%s%.0f %%", pcv < -0.5 ? "−" : pcv > 0.5 ? "+" : "",
					         fmin(fabs(pcv), 1e9));
				}
				rd_text(r, true, 8.5, cx[3 * k], y, RD_RIGHT, "%s", rp_num(b1, sizeof b1, vn));
				rd_gray(r, 0.3);
				rd_text(r, false, 8.5, cx[3 * k + 1], y, RD_RIGHT, "%s", rp_num(b1, sizeof b1, vp));
				rd_gray(r, 0);
				rd_text(r, false, 8.5, cx[3 * k + 2], y, RD_RIGHT, "%s", pc);
			}
			y += 14;
		}
		rd_gray(r, 0.3);
		char pd1[32] = "", pd2[32] = "";
		if (peo)
			report_human_date(pd1, sizeof pd1, d->visits[pv_eo].date);
		if (pec)
			report_human_date(pd2, sizeof pd2, d->visits[pv_ec].date);
		char note[200];
		snprintf(note, sizeof note, "Previous: eyes open %s, eyes closed %s.",
		         peo ? pd1 : "none", pec ? pd2 : "none");
		y = rd_paragraph(r, false, 7.5, 10, ML, y + 1, CW, note);
		rd_gray(r, 0);
	}

	/* Romberg */
	y += 6;
	double rq_area = report_romberg(v, offsetof(met_static, ellipse95_area_mm2));
	double rq_vel = report_romberg(v, offsetof(met_static, mean_velocity_mm_s));
	rd_text(r, true, 9.5, ML, y, RD_LEFT, "Romberg quotient (eyes closed / eyes open)");
	y += 14;
	if (isfinite(rq_area) || isfinite(rq_vel)) {
		/* the previous visit with both */
		double pa = NAN, pvq = NAN;
		size_t pi = 0;
		for (size_t i = d->current; i-- > 0;) {
			pa = report_romberg(&d->visits[i], offsetof(met_static, ellipse95_area_mm2));
			if (isfinite(pa)) {
				pvq = report_romberg(&d->visits[i], offsetof(met_static, mean_velocity_mm_s));
				pi = i;
				break;
			}
		}
		char q1[16], q2[16];
		snprintf(q1, sizeof q1, "%.2f", pa);
		snprintf(q2, sizeof q2, "%.2f", pvq);
		rd_text(r, false, 8.5, ML, y, RD_LEFT, "95 %% ellipse area: %.2f%s%s%s", rq_area,
		        isfinite(pa) ? " (previous " : "", isfinite(pa) ? q1 : "", isfinite(pa) ? ")" : "");
		rd_text(r, false, 8.5, ML + 180, y, RD_LEFT, "Mean velocity: %.2f%s%s%s", rq_vel,
		        isfinite(pvq) ? " (previous " : "", isfinite(pvq) ? q2 : "",
		        isfinite(pvq) ? ")" : "");
		rd_gray(r, 0.3);
		if (isfinite(pa))
			rd_text(r, false, 8.5, ML + CW, y, RD_RIGHT, "previous: %s",
			        report_human_date(hd, sizeof hd, d->visits[pi].date));
		else
			rd_text(r, false, 8.5, ML + CW, y, RD_RIGHT, "no earlier session with both");
		rd_gray(r, 0);
		y += 14;
	} else {
		rd_gray(r, 0.25);
		rd_text(r, false, 8.5, ML, y, RD_LEFT,
		        "Not available: it needs an eyes-open and an eyes-closed test in the same session.");
		rd_gray(r, 0);
		y += 14;
	}

	/* LOS */
	y += 8;
	y = rp_heading(r, y, "Limits of stability");
	const report_los *los = report_latest_los(d, d->current);
	if (!los) {
		rd_gray(r, 0.25);
		rd_paragraph(r, false, 9, 12, ML, y, CW,
		             "LOS not measured yet: no limits-of-stability test has been recorded for "
		             "this patient. The games use a height-based default (7 % of height forward "
		             "and sideways, 4 % backward) until it is measured.");
		rd_gray(r, 0);
		return;
	}
	double avail = CONTENT_BOTTOM - y - 20;
	double s = fmin(180, avail);
	if (s < 80)
		s = 80;
	double cxp = ML + 20 + s / 2, cyp = y + 6 + s / 2;
	los_model def;
	los_default(&def, d->patient.height_cm > 0 ? d->patient.height_cm / 100 : 0);
	rp_los_polar(r, cxp, cyp, s, los, &def, NULL, NULL);
	/* the numbers beside it */
	static const char *const dir_name[LOS_DIRS] = {"right",       "forward-right", "forward",
	                                               "forward-left", "left",          "back-left",
	                                               "back",         "back-right"};
	double tx = ML + s + 70, ty = y + 8;
	char ld[11];
	report_local_date(los->started_at, ld);
	rd_text(r, false, 8.5, tx, ty, RD_LEFT, "Measured %s (trial %lld)",
	        report_human_date(hd, sizeof hd, ld), (long long)los->trial_id);
	ty += 14;
	rd_gray(r, 0.3);
	rd_text(r, false, 7.5, tx, ty, RD_LEFT, "direction");
	rd_text(r, false, 7.5, tx + 120, ty, RD_RIGHT, "measured mm");
	rd_text(r, false, 7.5, tx + 190, ty, RD_RIGHT, "default mm");
	rd_gray(r, 0.6);
	rd_line(r, tx, ty + 4, tx + 190, ty + 4, 0.5);
	ty += 15;
	for (int k = 0; k < LOS_DIRS; k++) {
		rd_gray(r, 0.3);
		rd_text(r, false, 8.5, tx, ty, RD_LEFT, "%s", dir_name[k]);
		rd_gray(r, 0);
		rd_text(r, false, 8.5, tx + 120, ty, RD_RIGHT, "%s", rp_num(b1, sizeof b1, los->limit_mm[k]));
		rd_gray(r, 0.3);
		rd_text(r, false, 8.5, tx + 190, ty, RD_RIGHT, "%s", rp_num(b1, sizeof b1, def.limit_mm[k]));
		ty += 12;
	}
	ty += 6;
	double lx = rd_legend(r, tx, ty, RD_SOLID, RD_CIRCLE, 0, "measured");
	rd_legend(r, lx, ty, RD_DASHED, -1, 0.45, "height-based default");
	rd_gray(r, 0);
}

static void page_trial(rd *r, const ctx *c, size_t ti)
{
	const report_data *d = c->d;
	const report_assess *a = &c->cur->assess[ti];
	char b1[64], b2[64], b3[64], hd[32];
	rp_running_head(r, c, report_kind_label(a->kind));
	rd_gray(r, 0.25);
	double w = rd_text(r, false, 8.5, ML, 84, RD_LEFT, "Trial %lld (session %lld) · %s · %s s · %s",
	                   (long long)a->trial_id, (long long)a->session_id,
	                   rp_local_time(b1, sizeof b1, a->started_at), rp_num(b2, sizeof b2, a->duration_s),
	                   a->status);
	rd_gray(r, 0);
	if (a->simulated)
		rd_text(r, true, 8.5, ML + w, 84, RD_LEFT, " · SIMULATED plate");
	rd_gray(r, 0);
	double y = trial_plots(r, c, ti, 112);

	/* metrics table */
	size_t pv = 0;
	const report_assess *p = report_previous(d, d->current, a->kind, &pv);
	y += 6;
	y = rp_heading(r, y, "Sway metrics");
	double xv = ML + 230, xu = ML + 236, xp = ML + 360, xc = ML + CW;
	rd_gray(r, 0.3);
	rd_text(r, false, 7.5, ML, y, RD_LEFT, "Measure");
	rd_text(r, false, 7.5, xv, y, RD_RIGHT, "Value");
	rd_text(r, false, 7.5, xu, y, RD_LEFT, "Unit");
	if (p)
		rd_text(r, false, 7.5, xp, y, RD_RIGHT, "Previous (%s)",
		        report_human_date(hd, sizeof hd, d->visits[pv].date));
	else
		rd_text(r, false, 7.5, xp, y, RD_RIGHT, "Previous");
	rd_text(r, false, 7.5, xc, y, RD_RIGHT, "Change");
	rd_gray(r, 0.6);
	rd_line(r, ML, y + 4, ML + CW, y + 4, 0.5);
	y += 15;
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	if (!a->have_metrics) {
		rd_gray(r, 0.25);
		y = rd_paragraph(r, false, 9, 12, ML, y, CW,
		                 "No metrics were stored for this trial (too short on the plate: the "
		                 "recorder needs at least 2 s).");
		rd_gray(r, 0);
	}
	for (size_t i = 0; a->have_metrics && i < nf; i++) {
		if (i % 2 == 1)
			rd_fill_rect(r, ML, y - 10, CW, 13.5, 0.95);
		rd_gray(r, 0);
		double vn = met_field_value(&a->m, &f[i]);
		double vp = p ? met_field_value(&p->m, &f[i]) : NAN;
		bool pct = f[i].offset != offsetof(met_static, mean_ml_mm) &&
		           f[i].offset != offsetof(met_static, mean_ap_mm);
		rd_text(r, false, 8.5, ML, y, RD_LEFT, "%s", f[i].label);
		rd_text(r, true, 8.5, xv, y, RD_RIGHT, "%s", rp_num(b1, sizeof b1, vn));
		rd_text(r, false, 8.5, xu, y, RD_LEFT, "%s", f[i].unit);
		rd_gray(r, 0.3);
		rd_text(r, false, 8.5, xp, y, RD_RIGHT, "%s", rp_num(b2, sizeof b2, vp));
		rd_gray(r, 0);
		rd_text(r, false, 8.5, xc, y, RD_RIGHT, "%s", rp_change_text(b3, sizeof b3, vp, vn, pct));
		y += 13.5;
	}
	rd_gray(r, 0.3);
	char note[600];
	snprintf(note, sizeof note,
	         "Values as stored with the trial when it was recorded. Previous: the same test in "
	         "the latest earlier session that has one%s. Change = this session − previous.",
	         p ? "" : " (none yet)");
	y = rd_paragraph(r, false, 7.5, 10, ML, y + 4, CW, note);
	if (c->have_ell[ti] && a->have_metrics) {
		double st = a->m.ellipse95_area_mm2, dr = c->ell[ti].area_mm2;
		if (!(fabs(st - dr) <= 1e-6 * fmax(1, fabs(st)))) {
			rd_gray(r, 0);
			snprintf(note, sizeof note,
			         "Note: the ellipse drawn (area %s mm²) differs from the stored area (%s mm²): "
			         "the trial was analysed with other settings than those in the footer.",
			         rp_num(b1, sizeof b1, dr), rp_num(b2, sizeof b2, st));
			rd_paragraph(r, true, 8, 10, ML, y + 2, CW, note);
		}
	}
	rd_gray(r, 0);
}

/* The value of a game metric of visit v for game id (the visit's best). */
static double visit_game_level(const report_visit *v, const char *game)
{
	double best = NAN;
	for (size_t i = 0; i < v->n_games; i++) {
		if (strcmp(v->games[i].game, game) != 0)
			continue;
		double l = isfinite(v->games[i].level_max) ? v->games[i].level_max : v->games[i].level_end;
		if (isfinite(l) && !(l <= best))
			best = l;
	}
	return best;
}

static double los_area_cm2(const report_los *l)
{
	double a = 0;
	for (int k = 0; k < LOS_DIRS; k++) {
		double r1 = l->limit_mm[k], r2 = l->limit_mm[(k + 1) % LOS_DIRS];
		if (!isfinite(r1) || !isfinite(r2))
			return NAN;
		a += 0.5 * r1 * r2 * sin(M_PI / 4);
	}
	return a / 100;
}

typedef struct series {
	const char *label;
	enum rd_dash dash;
	enum rd_marker marker;
	double gray;
	bool filled;
	double x[512], y[512];
	size_t n;
} series;

/* True if the series' legend is too wide to stand beside a chart's title:
 * it then goes under the chart, LEGEND_BELOW_PT lower. */
#define LEGEND_BELOW_PT 14
static bool legend_below(rd *r, const series *s, size_t ns)
{
	double lw = 0;
	for (size_t k = 0; k < ns; k++)
		lw += 26 + rd_text_width(r, false, 8, s[k].label) + 14;
	return ML + 200 + lw > ML + CW;
}

static void chart(rd *r, const ctx *c, double y, double h, const char *title, const char *ylabel,
                  series *s, size_t ns, double y_fixed_max)
{
	const report_data *d = c->d;
	double x0 = report_date_days(d->visits[d->first].date);
	double x1 = report_date_days(d->visits[d->current].date);
	double pad = fmax(1, (x1 - x0) * 0.04);
	if (x1 - x0 < 6)
		pad = 3;
	double ymax = 0;
	for (size_t k = 0; k < ns; k++)
		for (size_t i = 0; i < s[k].n; i++)
			if (isfinite(s[k].y[i]))
				ymax = fmax(ymax, s[k].y[i]);
	if (y_fixed_max > 0)
		ymax = y_fixed_max;
	else
		ymax = ymax > 0 ? rp_nice_ceil(ymax * 1.12) : 1;
	rd_axes ax = {.x = ML + 34, .y = y, .w = CW - 34, .h = h, .x0 = x0 - pad, .x1 = x1 + pad,
	              .y0 = 0, .y1 = ymax, .x_dates = true, .x_anchor = x0};
	rd_text(r, true, 9, ML, y - 7, RD_LEFT, "%s", title);
	bool below = legend_below(r, s, ns);
	double lx = below ? ax.x : ML + 200, ly = below ? y + h + 24 : y - 7;
	for (size_t k = 0; k < ns; k++)
		lx = rd_legend(r, lx, ly, s[k].dash, (int)s[k].marker, s[k].gray, s[k].label);
	rd_axes_draw(r, &ax, "", ylabel);
	rd_clip(r, &ax);
	for (size_t k = 0; k < ns; k++) {
		rd_gray(r, s[k].gray);
		rd_dash(r, s[k].dash);
		cairo_set_line_width(r->cr, 1.2);
		bool pen = false;
		for (size_t i = 0; i < s[k].n; i++) {
			if (!isfinite(s[k].y[i]))
				continue;
			if (!pen)
				cairo_move_to(r->cr, rd_px(&ax, s[k].x[i]), rd_py(&ax, s[k].y[i]));
			else
				cairo_line_to(r->cr, rd_px(&ax, s[k].x[i]), rd_py(&ax, s[k].y[i]));
			pen = true;
		}
		cairo_stroke(r->cr);
		rd_dash(r, RD_SOLID);
	}
	rd_unclip(r);
	for (size_t k = 0; k < ns; k++) {
		rd_gray(r, s[k].gray);
		for (size_t i = 0; i < s[k].n; i++)
			if (isfinite(s[k].y[i]))
				rd_marker(r, s[k].marker, rd_px(&ax, s[k].x[i]), rd_py(&ax, s[k].y[i]), 5.5,
				          s[k].filled);
	}
	rd_gray(r, 0);
}

static void quiet_series(const ctx *c, series s[2], size_t off)
{
	const report_data *d = c->d;
	s[0] = (series){.label = "eyes open", .dash = RD_SOLID, .marker = RD_CIRCLE, .gray = 0,
	                .filled = true};
	s[1] = (series){.label = "eyes closed", .dash = RD_DASHED, .marker = RD_SQUARE, .gray = 0.3,
	                .filled = false};
	for (size_t i = d->first; i <= d->current; i++) {
		const report_visit *v = &d->visits[i];
		const char *kinds[2] = {REPORT_EO, REPORT_EC};
		for (int k = 0; k < 2; k++) {
			const report_assess *a = report_visit_assess(v, kinds[k]);
			if (a && s[k].n < 512) {
				s[k].x[s[k].n] = report_date_days(v->date);
				s[k].y[s[k].n] = metric_at(&a->m, off);
				s[k].n++;
			}
		}
	}
}

/* Under a game's row, when it was played in other conditions than
 * standing, firm, eyes open and single task: the conditions, the thinking
 * task's answers and the dual-task cost. Returns the next row's y. */
static double game_conditions_line(rd *r, const report_game *g, double y, bool shaded)
{
	if (!g->conditions[0])
		return y;
	char line[320];
	int k = snprintf(line, sizeof line, "%s", g->conditions);
	if (isfinite(g->cognitive_correct) && k > 0 && (size_t)k < sizeof line)
		k += snprintf(line + k, sizeof line - (size_t)k, " · answers %.0f right, %.0f wrong", g->cognitive_correct,
		              isfinite(g->cognitive_errors) ? g->cognitive_errors : 0);
	if (isfinite(g->dual_task_cost_pct) && k > 0 && (size_t)k < sizeof line)
		k += snprintf(line + k, sizeof line - (size_t)k, " · dual-task cost: score %+.0f %%", g->dual_task_cost_pct);
	if (isfinite(g->dual_task_cost_sway_pct) && k > 0 && (size_t)k < sizeof line)
		snprintf(line + k, sizeof line - (size_t)k, ", sway velocity %+.0f %%", g->dual_task_cost_sway_pct);
	if (shaded)
		rd_fill_rect(r, ML, y - 10, CW, 12, 0.95);
	rd_gray(r, 0.3);
	rd_text(r, false, 7.5, ML + 10, y - 1.5, RD_LEFT, "%s", line);
	rd_gray(r, 0);
	return y + 12;
}

static void page_progress(rd *r, const ctx *c)
{
	const report_data *d = c->d;
	const report_visit *v = c->cur;
	char b1[32], b2[32], b3[32], b4[32];
	rp_running_head(r, c, "Training and progress");
	double y = rp_heading(r, 94, "Games in this session");
	if (v->n_games == 0) {
		rd_gray(r, 0.25);
		rd_text(r, false, 9, ML, y, RD_LEFT, "No training recorded in this session.");
		rd_gray(r, 0);
		y += 16;
	} else {
		double cx[] = {ML, ML + 130, ML + 205, ML + 265, ML + 345, ML + 430, ML + CW};
		const char *hdr[] = {"Game", "Levels (start → end)", "Highest", "Score", "Hits / misses",
		                     "Time in target", "Play time"};
		rd_gray(r, 0.3);
		for (int i = 0; i < 7; i++)
			rd_text(r, false, 7.5, cx[i], y, i == 0 ? RD_LEFT : RD_RIGHT, "%s", hdr[i]);
		rd_gray(r, 0.6);
		rd_line(r, ML, y + 4, ML + CW, y + 4, 0.5);
		y += 15;
		size_t shown = v->n_games > 10 ? 10 : v->n_games;
		for (size_t i = 0; i < shown; i++) {
			const report_game *g = &v->games[i];
			if (i % 2 == 1)
				rd_fill_rect(r, ML, y - 10, CW, 13.5, 0.95);
			rd_gray(r, 0);
			rd_text(r, false, 8.5, cx[0], y, RD_LEFT, "%s%s", report_game_label(g->game),
			        strcmp(g->status, "complete") ? " (ended early)" : "");
			if (isfinite(g->level_start) && isfinite(g->level_end))
				rd_text(r, false, 8.5, cx[1], y, RD_RIGHT, "%.0f → %.0f", g->level_start,
				        g->level_end);
			else
				rd_text(r, false, 8.5, cx[1], y, RD_RIGHT, "–");
			rd_text(r, true, 8.5, cx[2], y, RD_RIGHT, "%s",
			        isfinite(g->level_max) ? (snprintf(b1, sizeof b1, "%.0f", g->level_max), b1)
			                               : "–");
			rd_text(r, false, 8.5, cx[3], y, RD_RIGHT, "%s", rp_num(b2, sizeof b2, g->score));
			if (isfinite(g->hits))
				rd_text(r, false, 8.5, cx[4], y, RD_RIGHT, "%.0f / %s", g->hits,
				        isfinite(g->misses) ? (snprintf(b3, sizeof b3, "%.0f", g->misses), b3)
				                            : "–");
			else
				rd_text(r, false, 8.5, cx[4], y, RD_RIGHT, "–");
			rd_text(r, false, 8.5, cx[5], y, RD_RIGHT, "%s s",
			        rp_num(b4, sizeof b4, g->time_in_target_s));
			rd_text(r, false, 8.5, cx[6], y, RD_RIGHT, "%s s", rp_num(b1, sizeof b1, g->play_time_s));
			y += 13.5;
			y = game_conditions_line(r, g, y, i % 2 == 1);
		}
		if (shown < v->n_games) {
			rd_gray(r, 0.3);
			rd_text(r, false, 8, ML, y, RD_LEFT, "… and %zu more games (all in the CSV export).",
			        v->n_games - shown);
			y += 13.5;
		}
	}
	/* over the range */
	size_t n_games = 0, n_vis = 0;
	const char *ids[8];
	size_t n_ids = 0;
	for (size_t i = d->first; i <= d->current; i++) {
		n_games += d->visits[i].n_games;
		n_vis += d->visits[i].n_games > 0;
		for (size_t k = 0; k < d->visits[i].n_games; k++) {
			const char *id = d->visits[i].games[k].game;
			bool seen = false;
			for (size_t j = 0; j < n_ids; j++)
				seen |= strcmp(ids[j], id) == 0;
			if (!seen && n_ids < 8)
				ids[n_ids++] = id;
		}
	}
	rd_gray(r, 0.25);
	if (d->current > d->first) {
		if (n_games)
			rd_text(r, false, 8.5, ML, y + 2, RD_LEFT,
			        "Over the period: %zu game%s in %zu of %zu sessions.", n_games,
			        n_games == 1 ? "" : "s", n_vis, d->current - d->first + 1);
		else
			rd_text(r, false, 8.5, ML, y + 2, RD_LEFT,
			        "No training recorded over the period (%zu sessions).",
			        d->current - d->first + 1);
		y += 14;
	}
	rd_gray(r, 0);

	y += 10;
	y = rp_heading(r, y, "Progress over sessions");
	if (d->current == d->first) {
		rd_gray(r, 0.25);
		rd_text(r, false, 8.5, ML, y, RD_LEFT,
		        "One session so far: the charts show single points until there are more.");
		rd_gray(r, 0);
		y += 12;
	}
	bool any_los = false;
	for (size_t i = d->first; i <= d->current; i++)
		for (size_t k = 0; k < d->visits[i].n_los; k++)
			any_los |= isfinite(los_area_cm2(&d->visits[i].los[k]));
	int n_charts = 2 + (n_ids > 0) + any_los;
	double gap = 44;
	series s[8], gs[8];
	static const enum rd_dash dashes[] = {RD_SOLID, RD_DASHED, RD_DOTTED, RD_DASHDOT};
	for (size_t k = 0; k < n_ids; k++) {
		gs[k] = (series){.label = report_game_label(ids[k]), .dash = dashes[k % 4],
		                 .marker = (enum rd_marker)(k % RD_MARKERS), .gray = k % 2 ? 0.35 : 0,
		                 .filled = k % 2 == 0};
		for (size_t i = d->first; i <= d->current; i++) {
			double l = visit_game_level(&d->visits[i], ids[k]);
			if (isfinite(l) && gs[k].n < 512) {
				gs[k].x[gs[k].n] = report_date_days(d->visits[i].date);
				gs[k].y[gs[k].n++] = l;
			}
		}
	}
	double extra = n_ids > 0 && legend_below(r, gs, n_ids) ? LEGEND_BELOW_PT : 0;
	double h = (CONTENT_BOTTOM - 8 - y - n_charts * gap - extra) / n_charts;
	if (h > 150)
		h = 150;
	y += 14;
	quiet_series(c, s, offsetof(met_static, mean_velocity_mm_s));
	chart(r, c, y, h, "Mean sway velocity", "mm/s", s, 2, 0);
	y += h + gap;
	quiet_series(c, s, offsetof(met_static, ellipse95_area_mm2));
	chart(r, c, y, h, "95 % confidence ellipse area", "mm²", s, 2, 0);
	y += h + gap;
	if (n_ids > 0) {
		chart(r, c, y, h, "Highest game level reached", "level", gs, n_ids, 10);
		y += h + gap + extra;
	}
	if (any_los) {
		s[0] = (series){.label = "LOS area", .dash = RD_SOLID, .marker = RD_DIAMOND, .gray = 0,
		                .filled = true};
		for (size_t i = d->first; i <= d->current; i++)
			for (size_t k = 0; k < d->visits[i].n_los && s[0].n < 512; k++) {
				double a = los_area_cm2(&d->visits[i].los[k]);
				if (isfinite(a)) {
					s[0].x[s[0].n] = report_date_days(d->visits[i].date);
					s[0].y[s[0].n++] = a;
				}
			}
		chart(r, c, y, h, "Limits-of-stability area", "cm²", s, 1, 0);
	}
}

static void page_history(rd *r, const ctx *c, size_t first_row, size_t count)
{
	const report_data *d = c->d;
	char b[32], hd[32];
	rp_running_head(r, c, first_row == 0 ? "Session history" : "Session history (continued)");
	double y = 94;
	double cx[] = {ML, ML + 122, ML + 180, ML + 232, ML + 290, ML + 342, ML + 400, ML + 448, ML + CW};
	const char *h1[] = {"", "", "", "", "", "", "Romberg", "Games", "Best"};
	const char *h2[] = {"Date", "Trials", "velocity", "area", "velocity", "area",
	                    "area EC/EO", "played", "level"};
	rd_gray(r, 0);
	rd_text(r, true, 8, (cx[1] + 10 + cx[3]) / 2, y, RD_CENTER, "Eyes open");
	rd_text(r, true, 8, (cx[3] + 10 + cx[5]) / 2, y, RD_CENTER, "Eyes closed");
	rd_gray(r, 0.6);
	rd_line(r, cx[1] + 14, y + 3, cx[3], y + 3, 0.4);
	rd_line(r, cx[3] + 14, y + 3, cx[5], y + 3, 0.4);
	rd_gray(r, 0.3);
	for (int i = 0; i < 9; i++) {
		rd_text(r, false, 7.5, cx[i], y, i == 0 ? RD_LEFT : RD_RIGHT, "%s", h1[i]);
		rd_text(r, false, 7.5, cx[i], y + 10, i == 0 ? RD_LEFT : RD_RIGHT, "%s", h2[i]);
	}
	rd_gray(r, 0.6);
	rd_line(r, ML, y + 14, ML + CW, y + 14, 0.5);
	y += 26;
	for (size_t k = 0; k < count; k++) {
		size_t i = d->first + first_row + k;
		const report_visit *v = &d->visits[i];
		bool now = i == d->current;
		if (k % 2 == 1)
			rd_fill_rect(r, ML, y - 10, CW, 14, 0.95);
		rd_gray(r, 0);
		const report_assess *eo = report_visit_assess(v, REPORT_EO);
		const report_assess *ec = report_visit_assess(v, REPORT_EC);
		double w = rd_text(r, now, 8.5, cx[0], y, RD_LEFT, "%s%s",
		                   report_human_date(hd, sizeof hd, v->date), now ? " (this)" : "");
		if (report_visit_simulated(v))
			rd_text(r, true, 7, cx[0] + w + 4, y, RD_LEFT, "SIM");
		rd_text(r, now, 8.5, cx[1], y, RD_RIGHT, "%zu", rp_visit_trials(v));
		rd_text(r, now, 8.5, cx[2], y, RD_RIGHT, "%s",
		        rp_num(b, sizeof b, eo ? eo->m.mean_velocity_mm_s : NAN));
		rd_text(r, now, 8.5, cx[3], y, RD_RIGHT, "%s",
		        rp_num(b, sizeof b, eo ? eo->m.ellipse95_area_mm2 : NAN));
		rd_text(r, now, 8.5, cx[4], y, RD_RIGHT, "%s",
		        rp_num(b, sizeof b, ec ? ec->m.mean_velocity_mm_s : NAN));
		rd_text(r, now, 8.5, cx[5], y, RD_RIGHT, "%s",
		        rp_num(b, sizeof b, ec ? ec->m.ellipse95_area_mm2 : NAN));
		double rq = report_romberg(v, offsetof(met_static, ellipse95_area_mm2));
		if (isfinite(rq))
			rd_text(r, now, 8.5, cx[6], y, RD_RIGHT, "%.2f", rq);
		else
			rd_text(r, now, 8.5, cx[6], y, RD_RIGHT, "–");
		rd_text(r, now, 8.5, cx[7], y, RD_RIGHT, "%zu", v->n_games);
		double best = NAN;
		for (size_t g = 0; g < v->n_games; g++) {
			double l = isfinite(v->games[g].level_max) ? v->games[g].level_max : v->games[g].level_end;
			if (isfinite(l) && !(l <= best))
				best = l;
		}
		if (isfinite(best))
			rd_text(r, now, 8.5, cx[8], y, RD_RIGHT, "%.0f", best);
		else
			rd_text(r, now, 8.5, cx[8], y, RD_RIGHT, "–");
		y += 14;
	}
	rd_gray(r, 0.3);
	rd_paragraph(r, false, 7.5, 10, ML, y + 6, CW,
	             "Each session's value is its last complete test of that kind. Velocity: mean "
	             "sway velocity (mm/s); area: 95 % confidence ellipse (mm²); Romberg: eyes-closed "
	             "area divided by eyes-open area; best level: the highest game level reached.");
	rd_gray(r, 0);
}

static void draw_page(rd *r, const ctx *c, int k)
{
	const page *p = &c->pages[k];
	switch (p->kind) {
	case PG_OVERVIEW:
		page_overview(r, c);
		break;
	case PG_TRIAL:
		page_trial(r, c, p->idx);
		break;
	case PG_PROGRESS:
		page_progress(r, c);
		break;
	case PG_HISTORY:
		page_history(r, c, p->idx, p->count);
		break;
	case PG_MCTSIB:
		rp_page_mctsib(r, c);
		break;
	case PG_LOS:
		rp_page_los(r, c);
		break;
	case PG_WEIGHT:
		rp_page_weight(r, c);
		break;
	case PG_NOTES:
		rp_page_notes(r, c);
		break;
	}
	if (p->sim_note[0])
		sim_banner(r, p->sim_note);
	footer(r, c, k);
}

/* ---- output ---------------------------------------------------------------- */

typedef struct sink {
	int fd;
	int err;      /* POISE_E_* of the first failed write */
	int err_no;   /* and its errno */
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	sink *s = closure;
	if (s->err)
		return CAIRO_STATUS_WRITE_ERROR;
	s->err = sys_write_all(s->fd, data, len);
	if (s->err)
		s->err_no = errno;
	return s->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static cairo_font_face_t *load_face(const char *path)
{
	FcPattern *pat = FcPatternCreate();
	if (!pat)
		return NULL;
	FcPatternAddString(pat, FC_FILE, (const FcChar8 *)path);
	FcPatternAddInteger(pat, FC_INDEX, 0);
	cairo_font_face_t *f = cairo_ft_font_face_create_for_pattern(pat);
	FcPatternDestroy(pat);
	if (f && cairo_font_face_status(f) != CAIRO_STATUS_SUCCESS) {
		cairo_font_face_destroy(f);
		return NULL;
	}
	return f;
}

static int plan_pages(ctx *c)
{
	const report_data *d = c->d;
	size_t n_hist = d->current - d->first + 1;
	size_t max = 7 + c->cur->n_assess + n_hist / HISTORY_ROWS + 1;
	c->pages = calloc(max, sizeof *c->pages);
	if (!c->pages)
		return POISE_E_NOMEM;
	int n = 0;
	c->pages[n++] = (page){.kind = PG_OVERVIEW};
	for (size_t i = 0; i < c->cur->n_assess; i++)
		if (!c->cur->assess[i].in_test) /* an mCTSIB's trials are on its page */
			c->pages[n++] = (page){.kind = PG_TRIAL, .idx = i};
	if (report_visit_test(c->cur, "test:mctsib"))
		c->pages[n++] = (page){.kind = PG_MCTSIB};
	if (report_visit_test(c->cur, "test:los"))
		c->pages[n++] = (page){.kind = PG_LOS};
	if (report_visit_test(c->cur, "test:symmetry") || report_visit_test(c->cur, "test:sit-to-stand"))
		c->pages[n++] = (page){.kind = PG_WEIGHT};
	c->pages[n++] = (page){.kind = PG_PROGRESS};
	for (size_t row = 0; row < n_hist;) {
		size_t per = row == 0 ? HISTORY_ROWS_FIRST : HISTORY_ROWS;
		size_t cnt = n_hist - row < per ? n_hist - row : per;
		c->pages[n++] = (page){.kind = PG_HISTORY, .idx = row, .count = cnt};
		row += cnt;
	}
	c->pages[n++] = (page){.kind = PG_NOTES};
	c->n_pages = n;
	return POISE_OK;
}

/* ---- which pages show simulated numbers ------------------------------ */

/* Marks in vis[] the visits from which page p shows a number recorded on
 * the simulated plate. */
static void mark_simulated(const ctx *c, const page *p, bool *vis)
{
	const report_data *d = c->d;
	const char *quiet[2] = {REPORT_EO, REPORT_EC};
	size_t pv;
	const report_assess *a;
	switch (p->kind) {
	case PG_OVERVIEW: { /* the summary speaks of the whole range */
		for (size_t i = d->first; i <= d->current; i++)
			vis[i] |= report_visit_simulated(&d->visits[i]);
		for (int k = 0; k < 2; k++) /* the previous values */
			if ((a = report_previous(d, d->current, quiet[k], &pv)) && a->simulated)
				vis[pv] = true;
		for (size_t i = d->current; i-- > 0;) { /* the previous Romberg quotient */
			const report_visit *v = &d->visits[i];
			if (isfinite(report_romberg(v, offsetof(met_static, ellipse95_area_mm2)))) {
				for (int k = 0; k < 2; k++)
					vis[i] |= report_visit_assess(v, quiet[k])->simulated;
				break;
			}
		}
		const report_los *l = report_latest_los(d, d->current); /* the LOS plot */
		for (size_t i = 0; l && i <= d->current; i++) {
			const report_visit *v = &d->visits[i];
			if (l >= v->los && l < v->los + v->n_los)
				vis[i] |= l->simulated;
		}
		break;
	}
	case PG_TRIAL:
		a = &c->cur->assess[p->idx];
		vis[d->current] |= a->simulated;
		if ((a = report_previous(d, d->current, a->kind, &pv)) && a->simulated)
			vis[pv] = true;
		break;
	case PG_PROGRESS: /* this visit's games; the charts over the range */
		for (size_t i = d->first; i <= d->current; i++) {
			const report_visit *v = &d->visits[i];
			for (int k = 0; k < 2; k++)
				if ((a = report_visit_assess(v, quiet[k])) && a->simulated)
					vis[i] = true;
			for (size_t g = 0; g < v->n_games; g++)
				vis[i] |= v->games[g].simulated;
			for (size_t l = 0; l < v->n_los; l++)
				vis[i] |= v->los[l].simulated;
		}
		break;
	case PG_HISTORY:
		for (size_t i = d->first + p->idx; i < d->first + p->idx + p->count; i++)
			vis[i] |= report_visit_simulated(&d->visits[i]);
		break;
	case PG_MCTSIB:
	case PG_LOS:
	case PG_WEIGHT: { /* this visit's test (and its trials), and the previous test */
		static const char *const kinds[3][2] = {{"test:mctsib", NULL}, {"test:los", NULL},
		                                        {"test:symmetry", "test:sit-to-stand"}};
		int k = p->kind == PG_MCTSIB ? 0 : p->kind == PG_LOS ? 1 : 2;
		for (int j = 0; j < 2 && kinds[k][j]; j++) {
			const report_test *t = report_visit_test(c->cur, kinds[k][j]);
			if (t && t->simulated)
				vis[d->current] = true;
			if ((t = report_previous_test(d, d->current, kinds[k][j], &pv)) && t->simulated)
				vis[pv] = true;
		}
		break;
	}
	case PG_NOTES: /* words only */
		break;
	}
}

/* Says which of page p's numbers come from the simulated plate, given the
 * visits mark_simulated() marked (n of them); "" if none. */
static void sim_note(const ctx *c, const page *p, const bool *vis, size_t n, char *buf,
                     size_t len)
{
	const report_data *d = c->d;
	text_buf sb = {buf, len, 0};
	buf[0] = 0;
	if (n == 0)
		return;
	char hd[32];
	if (p->kind == PG_TRIAL) {
		bool this_sim = c->cur->assess[p->idx].simulated;
		if (this_sim)
			text_add(&sb, "This trial was recorded on the simulated plate");
		for (size_t i = 0; i < d->current; i++)
			if (vis[i])
				text_add(&sb, "%s (%s)%s", this_sim ? ", and so was the previous value"
				                                         : "The previous value",
				              report_human_date(hd, sizeof hd, d->visits[i].date),
				              this_sim ? "" : " comes from the simulated plate");
		text_add(&sb, ".");
		return;
	}
	if (p->kind == PG_HISTORY) {
		text_add(&sb, "Rows marked SIM hold numbers from the simulated plate (%zu of the %zu "
		              "rows on this page).", n, p->count);
		return;
	}
	bool whole = true; /* every visit of the range, and only those, wholly simulated */
	for (size_t i = 0; i < d->n_visits; i++) {
		bool in = i >= d->first && i <= d->current;
		if (in ? !vis[i] || d->visits[i].n_simulated < d->visits[i].n_sessions : vis[i])
			whole = false;
	}
	if (whole) {
		text_add(&sb, "Every session in this report was recorded on the simulated plate.");
		return;
	}
	text_add(&sb, "Recorded on the simulated plate: the session%s of ", n == 1 ? "" : "s");
	size_t shown = 0;
	for (size_t i = 0; i < d->n_visits && shown < 4; i++) {
		if (!vis[i])
			continue;
		shown++;
		bool partly = d->visits[i].n_simulated < d->visits[i].n_sessions;
		text_add(&sb, "%s%s%s%s%s", shown == 1 ? "" : shown == n ? " and " : ", ",
		              report_human_date(hd, sizeof hd, d->visits[i].date),
		              i == d->current ? " (this one" : partly ? " (" : "",
		              partly ? i == d->current ? ", in part" : "in part" : "",
		              i == d->current || partly ? ")" : "");
	}
	if (n > shown)
		text_add(&sb, " and %zu more", n - shown);
	text_add(&sb, ".");
}

/* Fills every page's sim_note. */
static int plan_sim_notes(ctx *c)
{
	bool *vis = malloc(c->d->n_visits * sizeof *vis);
	if (!vis)
		return POISE_E_NOMEM;
	for (int k = 0; k < c->n_pages; k++) {
		page *p = &c->pages[k];
		memset(vis, 0, c->d->n_visits * sizeof *vis);
		mark_simulated(c, p, vis);
		size_t n = 0;
		for (size_t i = 0; i < c->d->n_visits; i++)
			n += vis[i];
		sim_note(c, p, vis, n, p->sim_note, sizeof p->sim_note);
	}
	free(vis);
	return POISE_OK;
}

static void processing_text(char *buf, size_t len, const ana_cfg *a)
{
	char rs[80], lp[120];
	if (a->resample_hz > 0)
		snprintf(rs, sizeof rs, "COP resampled to %g Hz (linear interpolation)", a->resample_hz);
	else
		snprintf(rs, sizeof rs, "COP analysed at its recorded rate");
	if (a->lowpass_hz > 0)
		snprintf(lp, sizeof lp, "zero-phase Butterworth low-pass at %g Hz (2nd order, forward "
		         "and backward)", a->lowpass_hz);
	else
		snprintf(lp, sizeof lp, "no low-pass");
	snprintf(buf, len, "Processing: %s, %s, mean removed; metrics after Prieto et al. 1996 "
	         "(95 %% ellipse with F.05[2, n−2]). Age band from the birth year.", rs, lp);
}

static int write_png_pages(const ctx *c, rd *r, const report_opts *o, int *files, char *msg,
                           size_t len)
{
	int rc = report_mkdir(o->png_dir, msg, len);
	if (rc)
		return rc;
	double dpi = o->png_dpi > 0 ? o->png_dpi : 100;
	int w = (int)ceil(PAGE_W / 72 * dpi), h = (int)ceil(PAGE_H / 72 * dpi);
	for (int k = 0; k < c->n_pages; k++) {
		cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		cairo_t *cr = cairo_create(img);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, dpi / 72, dpi / 72);
		r->cr = cr;
		draw_page(r, c, k);
		cairo_destroy(cr);
		r->cr = NULL;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s-page-%d.png", o->png_dir, c->d->patient.code, k + 1);
		sys_outfile f;
		rc = sys_out_open(&f, path, SYS_OUT_REPLACE, msg, len);
		if (rc) {
			cairo_surface_destroy(img);
			return rc;
		}
		sink sk = {.fd = f.fd};
		cairo_status_t st = cairo_surface_write_to_png_stream(img, sink_write, &sk);
		cairo_surface_destroy(img);
		if (st != CAIRO_STATUS_SUCCESS) {
			sys_out_abort(&f);
			if (sk.err)
				return report_file_errmsg(msg, len, path, sk.err_no);
			snprintf(msg, len, "cannot write %s: %s", path, cairo_status_to_string(st));
			return POISE_E_IO;
		}
		if ((rc = sys_out_commit(&f, msg, len)) != POISE_OK)
			return rc;
		(*files)++;
	}
	return POISE_OK;
}

int report_render(const report_data *d, const report_opts *o, const char *pdf_path,
                  report_result *res, char *msg, size_t len)
{
	report_opts none = {0};
	if (!o)
		o = &none;
	if (!d || d->n_visits == 0 || d->current >= d->n_visits || d->first > d->current) {
		snprintf(msg, len, "nothing to report: no session with trials");
		return POISE_E_RANGE;
	}
	if (!pdf_path || !*pdf_path) {
		snprintf(msg, len, "no output file given");
		return POISE_E_INVALID;
	}
	char fr[4096], fb[4096];
	const char *font_r = o->font_regular, *font_b = o->font_bold;
	if (!font_r) {
		sys_asset_path("fonts/DejaVuSans.ttf", fr, sizeof fr);
		font_r = fr;
	}
	if (!font_b) {
		sys_asset_path("fonts/DejaVuSans-Bold.ttf", fb, sizeof fb);
		font_b = fb;
	}
	const char *missing = access(font_r, R_OK) != 0 ? font_r : access(font_b, R_OK) != 0 ? font_b
	                                                                                      : NULL;
	if (missing) {
		snprintf(msg, len, "cannot find the font %s; set POISE_ASSET_DIR to Poise's assets folder",
		         missing);
		return POISE_E_NOT_FOUND;
	}

	ctx c = {.d = d, .cur = &d->visits[d->current]};
	snprintf(c.version, sizeof c.version, "%s", o->version ? o->version : POISE_VERSION);
	if (o->generated_at) {
		snprintf(c.generated, sizeof c.generated, "%s", o->generated_at);
	} else {
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(c.generated, sizeof c.generated, "%Y-%m-%d %H:%M", &tm);
	}
	processing_text(c.processing, sizeof c.processing, &d->analysis);
	size_t na = c.cur->n_assess;
	c.ell = calloc(na ? na : 1, sizeof *c.ell);
	c.have_ell = calloc(na ? na : 1, sizeof *c.have_ell);
	int rc = c.ell && c.have_ell ? plan_pages(&c) : POISE_E_NOMEM;
	if (rc == POISE_OK)
		rc = plan_sim_notes(&c);
	if (rc) {
		free(c.ell);
		free(c.have_ell);
		snprintf(msg, len, "out of memory drawing the report");
		return rc;
	}
	for (size_t i = 0; i < na; i++)
		c.have_ell[i] = report_trial_ellipse(&c.cur->assess[i], &d->analysis, &c.ell[i]) == POISE_OK;

	rd r = {.regular = load_face(font_r), .bold = load_face(font_b)};
	sys_outfile f = {.fd = -1};
	cairo_surface_t *pdf = NULL;
	if (!r.regular || !r.bold) {
		snprintf(msg, len, "cannot load the fonts %s and %s", font_r, font_b);
		rc = POISE_E_PARSE;
		goto out;
	}
	if ((rc = sys_out_open(&f, pdf_path, SYS_OUT_REPLACE, msg, len)) != POISE_OK)
		goto out;
	sink sk = {.fd = f.fd};
	pdf = cairo_pdf_surface_create_for_stream(sink_write, &sk, PAGE_W, PAGE_H);
	char title[128];
	snprintf(title, sizeof title, "Sway report %s, session of %s", d->patient.code, c.cur->date);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
	char creator[96];
	snprintf(creator, sizeof creator, "Poise %s", c.version);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, creator);
	cairo_t *cr = cairo_create(pdf);
	r.cr = cr;
	for (int k = 0; k < c.n_pages; k++) {
		draw_page(&r, &c, k);
		cairo_show_page(cr);
	}
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	r.cr = NULL;
	cairo_surface_finish(pdf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	pdf = NULL;
	if (st != CAIRO_STATUS_SUCCESS || sk.err) {
		if (sk.err) {
			rc = report_file_errmsg(msg, len, pdf_path, sk.err_no);
		} else {
			rc = POISE_E_IO;
			snprintf(msg, len, "cannot draw %s: %s", pdf_path, cairo_status_to_string(st));
		}
		sys_out_abort(&f);
		goto out;
	}
	if ((rc = sys_out_commit(&f, msg, len)) != POISE_OK)
		goto out;
	int png_files = 0;
	if (o->png_dir && (rc = write_png_pages(&c, &r, o, &png_files, msg, len)) != POISE_OK)
		goto out;
	if (res) {
		res->pages = c.n_pages;
		res->png_files = png_files;
	}
out:
	if (rc && f.fd >= 0)
		sys_out_abort(&f);
	if (r.regular)
		cairo_font_face_destroy(r.regular);
	if (r.bold)
		cairo_font_face_destroy(r.bold);
	free(c.pages);
	free(c.ell);
	free(c.have_ell);
	return rc;
}
