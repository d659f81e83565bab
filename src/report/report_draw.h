/* Poise report, private: a small drawing kit over cairo (text, lines,
 * markers, axes), in PDF points. Everything is black and grey, and series
 * differ by line style and marker, so a black-and-white print reads the
 * same as the screen. */
#ifndef POISE_REPORT_REPORT_DRAW_H
#define POISE_REPORT_REPORT_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

typedef struct rd {
	cairo_t *cr;
	cairo_font_face_t *regular, *bold;
} rd;

enum rd_align { RD_LEFT, RD_CENTER, RD_RIGHT };
enum rd_dash { RD_SOLID, RD_DASHED, RD_DOTTED, RD_DASHDOT };
enum rd_marker { RD_CIRCLE, RD_SQUARE, RD_TRIANGLE, RD_DIAMOND, RD_CROSS, RD_MARKERS };

/* Text with its baseline at y; returns its width. */
double rd_text(rd *r, bool bold, double size, double x, double y, enum rd_align al,
               const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

double rd_text_width(rd *r, bool bold, double size, const char *s);

/* Word-wrapped text from baseline y within width; returns the baseline
 * after the last line. */
double rd_paragraph(rd *r, bool bold, double size, double leading, double x, double y,
                    double width, const char *text);

void rd_gray(rd *r, double g);
void rd_dash(rd *r, enum rd_dash d);
void rd_line(rd *r, double x0, double y0, double x1, double y1, double width);
void rd_rect(rd *r, double x, double y, double w, double h, double width);
void rd_fill_rect(rd *r, double x, double y, double w, double h, double gray);
/* A marker of size s (points) centred at (x, y); filled or outlined. */
void rd_marker(rd *r, enum rd_marker m, double x, double y, double s, bool filled);
/* A legend entry (line sample with marker, then the label); returns the
 * x after it. */
double rd_legend(rd *r, double x, double y, enum rd_dash d, int marker, double gray,
                 const char *label);

/* A plot area in points and its data ranges. */
typedef struct rd_axes {
	double x, y, w, h;    /* plot rectangle (y from the top of the page) */
	double x0, x1, y0, y1;
	bool x_dates;         /* x is days since 1970: ticks as "2 May", every
	                       * 1, 2, 7, 14, 28... days from x_anchor */
	double x_anchor;
} rd_axes;

double rd_px(const rd_axes *a, double v);
double rd_py(const rd_axes *a, double v);

/* 1-2-5 tick step for a range with about n ticks. */
double rd_nice_step(double range, int n);

/* Frame, grid, ticks, tick labels and axis titles. */
void rd_axes_draw(rd *r, const rd_axes *a, const char *xlabel, const char *ylabel);

/* Clips to the plot rectangle (cairo_save); rd_unclip restores. */
void rd_clip(rd *r, const rd_axes *a);
void rd_unclip(rd *r);

#endif
