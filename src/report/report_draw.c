/* The report's drawing kit. */
#include "report/report_draw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"

static void font(rd *r, bool bold, double size)
{
	cairo_set_font_face(r->cr, bold ? r->bold : r->regular);
	cairo_set_font_size(r->cr, size);
}

double rd_text_width(rd *r, bool bold, double size, const char *s)
{
	font(r, bold, size);
	cairo_text_extents_t e;
	cairo_text_extents(r->cr, s, &e);
	return e.x_advance;
}

double rd_text(rd *r, bool bold, double size, double x, double y, enum rd_align al,
               const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	double w = rd_text_width(r, bold, size, buf);
	double x0 = al == RD_LEFT ? x : al == RD_CENTER ? x - w / 2 : x - w;
	cairo_move_to(r->cr, x0, y);
	cairo_show_text(r->cr, buf);
	cairo_new_path(r->cr);
	return w;
}

double rd_paragraph(rd *r, bool bold, double size, double leading, double x, double y,
                    double width, const char *text)
{
	char line[1024] = "", trial[1024];
	const char *p = text;
	bool any = false;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *e = strchr(p, ' ');
		size_t wl = e ? (size_t)(e - p) : strlen(p);
		if (wl > 200)
			wl = 200;
		size_t ll = strlen(line);
		if (ll + wl + 2 > sizeof trial) /* cannot happen with the report's texts */
			break;
		memcpy(trial, line, ll);
		if (ll)
			trial[ll++] = ' ';
		memcpy(trial + ll, p, wl);
		trial[ll + wl] = 0;
		if (line[0] && rd_text_width(r, bold, size, trial) > width) {
			rd_text(r, bold, size, x, y, RD_LEFT, "%s", line);
			y += leading;
			memcpy(line, p, wl);
			line[wl] = 0;
		} else {
			memcpy(line, trial, sizeof line);
		}
		any = true;
		p += wl;
	}
	if (any && line[0]) {
		rd_text(r, bold, size, x, y, RD_LEFT, "%s", line);
		y += leading;
	}
	return y;
}

void rd_gray(rd *r, double g)
{
	cairo_set_source_rgb(r->cr, g, g, g);
}

void rd_dash(rd *r, enum rd_dash d)
{
	static const double dashed[] = {4.0, 2.5}, dotted[] = {1.0, 2.0},
	                    dashdot[] = {5.0, 2.0, 1.0, 2.0};
	switch (d) {
	case RD_DASHED:
		cairo_set_dash(r->cr, dashed, 2, 0);
		break;
	case RD_DOTTED:
		cairo_set_dash(r->cr, dotted, 2, 0);
		break;
	case RD_DASHDOT:
		cairo_set_dash(r->cr, dashdot, 4, 0);
		break;
	default:
		cairo_set_dash(r->cr, NULL, 0, 0);
	}
}

void rd_line(rd *r, double x0, double y0, double x1, double y1, double width)
{
	cairo_set_line_width(r->cr, width);
	cairo_move_to(r->cr, x0, y0);
	cairo_line_to(r->cr, x1, y1);
	cairo_stroke(r->cr);
}

void rd_rect(rd *r, double x, double y, double w, double h, double width)
{
	cairo_set_line_width(r->cr, width);
	cairo_rectangle(r->cr, x, y, w, h);
	cairo_stroke(r->cr);
}

void rd_fill_rect(rd *r, double x, double y, double w, double h, double gray)
{
	rd_gray(r, gray);
	cairo_rectangle(r->cr, x, y, w, h);
	cairo_fill(r->cr);
}

void rd_marker(rd *r, enum rd_marker m, double x, double y, double s, bool filled)
{
	cairo_t *cr = r->cr;
	double h = s / 2;
	cairo_save(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_line_width(cr, 0.8);
	switch (m) {
	case RD_SQUARE:
		cairo_rectangle(cr, x - h * 0.9, y - h * 0.9, s * 0.9, s * 0.9);
		break;
	case RD_TRIANGLE:
		cairo_move_to(cr, x, y - h * 1.1);
		cairo_line_to(cr, x + h * 1.05, y + h * 0.8);
		cairo_line_to(cr, x - h * 1.05, y + h * 0.8);
		cairo_close_path(cr);
		break;
	case RD_DIAMOND:
		cairo_move_to(cr, x, y - h * 1.2);
		cairo_line_to(cr, x + h, y);
		cairo_line_to(cr, x, y + h * 1.2);
		cairo_line_to(cr, x - h, y);
		cairo_close_path(cr);
		break;
	case RD_CROSS:
		cairo_set_line_width(cr, 1.1);
		cairo_move_to(cr, x - h, y - h);
		cairo_line_to(cr, x + h, y + h);
		cairo_move_to(cr, x - h, y + h);
		cairo_line_to(cr, x + h, y - h);
		cairo_stroke(cr);
		cairo_restore(cr);
		return;
	default:
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, h, 0, 2 * M_PI);
	}
	if (filled) {
		cairo_fill(cr);
	} else {
		cairo_save(cr);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill_preserve(cr);
		cairo_restore(cr);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
}

double rd_legend(rd *r, double x, double y, enum rd_dash d, int marker, double gray,
                 const char *label)
{
	rd_gray(r, gray);
	rd_dash(r, d);
	rd_line(r, x, y - 3, x + 22, y - 3, 1.2);
	rd_dash(r, RD_SOLID);
	if (marker >= 0)
		rd_marker(r, (enum rd_marker)marker, x + 11, y - 3, 5, marker != RD_SQUARE);
	rd_gray(r, 0);
	double w = rd_text(r, false, 8, x + 26, y, RD_LEFT, "%s", label);
	return x + 26 + w + 14;
}

double rd_px(const rd_axes *a, double v)
{
	return a->x + (v - a->x0) / (a->x1 - a->x0) * a->w;
}

double rd_py(const rd_axes *a, double v)
{
	return a->y + a->h - (v - a->y0) / (a->y1 - a->y0) * a->h;
}

double rd_nice_step(double range, int n)
{
	if (!(range > 0) || n < 1)
		return 1;
	double raw = range / n;
	double p = pow(10, floor(log10(raw)));
	double f = raw / p;
	double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nice * p;
}

static void fmt_tick(char *buf, size_t len, double v, double step)
{
	int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (dec > 4)
		dec = 4;
	if (fabs(v) < step * 1e-6)
		v = 0;
	snprintf(buf, len, "%.*f", dec, v);
	if (v < 0) { /* a real minus sign */
		char tmp[64];
		snprintf(tmp, sizeof tmp, "−%s", buf + 1);
		snprintf(buf, len, "%s", tmp);
	}
}

/* "2 May", with the year on the first tick and where the year changes. */
static void fmt_date_tick(char *buf, size_t len, double days, int *last_year)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, m, d;
	if (!isfinite(days) || fabs(days) > 1e7 || !date_civil_from_days((int64_t)floor(days), &y, &m, &d)) {
		snprintf(buf, len, "%s", "?");
		return;
	}
	if (y != *last_year)
		snprintf(buf, len, "%d %s %d", d, mon[m - 1], y);
	else
		snprintf(buf, len, "%d %s", d, mon[m - 1]);
	*last_year = y;
}

void rd_axes_draw(rd *r, const rd_axes *a, const char *xlabel, const char *ylabel)
{
	char lab[64];
	/* y ticks and grid */
	double ys = rd_nice_step(a->y1 - a->y0, a->h > 150 ? 6 : 4);
	for (double v = ceil(a->y0 / ys - 1e-9) * ys; v <= a->y1 + ys * 1e-9; v += ys) {
		double py = rd_py(a, v);
		rd_gray(r, 0.85);
		rd_line(r, a->x, py, a->x + a->w, py, 0.4);
		rd_gray(r, 0.2);
		rd_line(r, a->x - 3, py, a->x, py, 0.6);
		fmt_tick(lab, sizeof lab, v, ys);
		rd_text(r, false, 7, a->x - 5, py + 2.5, RD_RIGHT, "%s", lab);
	}
	/* x ticks and grid */
	double span = a->x1 - a->x0;
	double xs;
	if (a->x_dates) {
		static const double steps[] = {1, 2, 7, 14, 28, 56, 91, 182, 365, 730};
		xs = steps[0];
		for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
			xs = steps[i];
			if (span / xs <= a->w / 62)
				break;
		}
	} else {
		xs = rd_nice_step(span, a->w > 250 ? 8 : 5);
	}
	double xstart = ceil(a->x0 / xs - 1e-9) * xs;
	if (a->x_dates)
		xstart = a->x_anchor - floor((a->x_anchor - a->x0) / xs) * xs;
	int last_year = -1;
	for (double v = xstart; v <= a->x1 + xs * 1e-9; v += xs) {
		double px = rd_px(a, v);
		rd_gray(r, 0.85);
		rd_line(r, px, a->y, px, a->y + a->h, 0.4);
		rd_gray(r, 0.2);
		rd_line(r, px, a->y + a->h, px, a->y + a->h + 3, 0.6);
		int year = last_year;
		if (a->x_dates)
			fmt_date_tick(lab, sizeof lab, v, &year);
		else
			fmt_tick(lab, sizeof lab, v, xs);
		/* a label that would stick out past the frame is left off */
		double lw = rd_text_width(r, false, 7, lab);
		if (px - lw / 2 < a->x - 6 || px + lw / 2 > a->x + a->w + 6)
			continue;
		last_year = year;
		rd_text(r, false, 7, px, a->y + a->h + 11, RD_CENTER, "%s", lab);
	}
	rd_gray(r, 0);
	rd_rect(r, a->x, a->y, a->w, a->h, 0.7);
	if (xlabel && *xlabel)
		rd_text(r, false, 7.5, a->x + a->w / 2, a->y + a->h + 21, RD_CENTER, "%s", xlabel);
	if (ylabel && *ylabel) {
		cairo_save(r->cr);
		cairo_translate(r->cr, a->x - 27, a->y + a->h / 2);
		cairo_rotate(r->cr, -M_PI / 2);
		rd_text(r, false, 7.5, 0, 0, RD_CENTER, "%s", ylabel);
		cairo_restore(r->cr);
	}
}

void rd_clip(rd *r, const rd_axes *a)
{
	cairo_save(r->cr);
	cairo_rectangle(r->cr, a->x, a->y, a->w, a->h);
	cairo_clip(r->cr);
}

void rd_unclip(rd *r)
{
	cairo_restore(r->cr);
}
