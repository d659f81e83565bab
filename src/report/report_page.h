/* Poise report, private: what the report's page files share: the page
 * geometry, the plan of pages, the drawing context and the small helpers
 * every page uses. Not for other modules. */
#ifndef POISE_REPORT_REPORT_PAGE_H
#define POISE_REPORT_REPORT_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "report/report.h"
#include "report/report_draw.h"

#ifndef POISE_VERSION
#define POISE_VERSION "0.0.0"
#endif

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define ML 50.0        /* margins */
#define MR 50.0
#define CW (PAGE_W - ML - MR)
#define CONTENT_BOTTOM 790.0
#define HISTORY_ROWS_FIRST 36
#define HISTORY_ROWS 40
#define MAX_PAGES 4096

enum page_kind {
	PG_OVERVIEW,
	PG_TRIAL,
	PG_MCTSIB,   /* the visit's latest mCTSIB */
	PG_LOS,      /* the visit's latest LOS test */
	PG_WEIGHT,   /* weight-bearing symmetry and sit-to-stand */
	PG_PROGRESS,
	PG_HISTORY,
	PG_NOTES,    /* the sessions' notes, the therapist's comment, the signature */
};

typedef struct page {
	enum page_kind kind;
	size_t idx;   /* trial index in the current visit, or first history row */
	size_t count; /* history rows */
	char sim_note[200]; /* "" = no number on the page is simulated; else what is */
} page;

typedef struct ctx {
	const report_data *d;
	const report_visit *cur;
	char version[64];
	char generated[64];
	char processing[400];
	page *pages;
	int n_pages;
	report_ellipse *ell; /* per assessment trial of the current visit */
	bool *have_ell;
} ctx;

/* "1.23" as the report prints numbers (report_fmt_num). Returns buf. */
const char *rp_num(char *buf, size_t len, double v);

/* "−1.23 (−9 %)", or "−1.23" where a percentage means little. */
const char *rp_change_text(char *buf, size_t len, double prev, double cur, bool pct);

/* "2 May 2024, 09:30" from ISO 8601 UTC. Returns buf. */
const char *rp_local_time(char *buf, size_t len, const char *iso);

/* The title and the running head of a page after the overview. */
void rp_running_head(rd *r, const ctx *c, const char *title);

/* A section heading at y; returns the y below it. */
double rp_heading(rd *r, double y, const char *text);

/* "label   value" in the overview's style. */
void rp_label_value(rd *r, double x, double y, const char *label, const char *value);

/* v rounded up to a nice axis end. */
double rp_nice_ceil(double v);

/* The trials of visit v (all kinds). */
size_t rp_visit_trials(const report_visit *v);

/* The LOS polar plot centred at (cx, cy), size s points across: rings and
 * spokes in mm, the height default (dashed), the targets (dotted, NULL:
 * none), the previous measurement (dash-dot, NULL: none) and the measured
 * limits (solid with markers). */
void rp_los_polar(rd *r, double cx, double cy, double s, const report_los *los, const los_model *def,
                  const double *targets, const report_los *prev);

/* The standard tests' pages (report_tests.c). */
void rp_page_mctsib(rd *r, const ctx *c);
void rp_page_los(rd *r, const ctx *c);
void rp_page_weight(rd *r, const ctx *c);
void rp_page_notes(rd *r, const ctx *c);

#endif
