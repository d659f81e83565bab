#include "core/csv.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

enum { COL_T, COL_X, COL_Y, COL_N };
static const char *const col_names[COL_N] = {"t", "cop_x", "cop_y"};

/* One line of the buffer: [p, end) without the line terminator. */
typedef struct line_cursor {
	const char *p, *buf_end;
	size_t line_no;
} line_cursor;

static bool next_line(line_cursor *lc, const char **start, const char **stop)
{
	if (lc->p >= lc->buf_end)
		return false;
	const char *s = lc->p;
	const char *nl = memchr(s, '\n', (size_t)(lc->buf_end - s));
	const char *e = nl ? nl : lc->buf_end;
	lc->p = nl ? nl + 1 : lc->buf_end;
	if (e > s && e[-1] == '\r')
		e--;
	lc->line_no++;
	*start = s;
	*stop = e;
	return true;
}

static bool blank_or_comment(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s == e || *s == '#';
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
	if (*e - *s >= 2 && **s == '"' && (*e)[-1] == '"') {
		(*s)++;
		(*e)--;
	}
}

__attribute__((format(printf, 3, 4)))
static void set_err(csv_error *err, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err->line = line;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

/* Copies the field for messages, shortened and printable. */
static void field_text(const char *s, const char *e, char *buf, size_t cap)
{
	size_t n = (size_t)(e - s);
	if (n > cap - 4)
		n = cap - 4;
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		buf[j++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if ((size_t)(e - s) > n) {
		buf[j++] = '.';
		buf[j++] = '.';
	}
	buf[j] = 0;
}

typedef struct grow {
	double *t, *x, *y;
	size_t n, cap;
} grow;

static int grow_push(grow *g, double t, double x, double y)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		double *t2 = realloc(g->t, cap * sizeof *t2);
		if (!t2)
			return POISE_E_NOMEM;
		g->t = t2;
		double *x2 = realloc(g->x, cap * sizeof *x2);
		if (!x2)
			return POISE_E_NOMEM;
		g->x = x2;
		double *y2 = realloc(g->y, cap * sizeof *y2);
		if (!y2)
			return POISE_E_NOMEM;
		g->y = y2;
		g->cap = cap;
	}
	g->t[g->n] = t;
	g->x[g->n] = x;
	g->y[g->n] = y;
	g->n++;
	return POISE_OK;
}

static void grow_free(grow *g)
{
	free(g->t);
	free(g->x);
	free(g->y);
}

static int parse_header(const char *s, const char *e, size_t line, char *delim, int col[COL_N],
                        int *n_cols, csv_error *err)
{
	*delim = memchr(s, ',', (size_t)(e - s)) ? ','
	       : memchr(s, ';', (size_t)(e - s)) ? ';'
	       : memchr(s, '\t', (size_t)(e - s)) ? '\t' : ',';
	for (int c = 0; c < COL_N; c++)
		col[c] = -1;
	int idx = 0;
	const char *f = s;
	for (;;) {
		const char *fe = memchr(f, *delim, (size_t)(e - f));
		if (!fe)
			fe = e;
		const char *a = f, *b = fe;
		trim(&a, &b);
		for (int c = 0; c < COL_N; c++)
			if ((size_t)(b - a) == strlen(col_names[c]) &&
			    strncmp(a, col_names[c], (size_t)(b - a)) == 0 && col[c] < 0)
				col[c] = idx;
		idx++;
		if (fe == e)
			break;
		f = fe + 1;
	}
	*n_cols = idx;
	for (int c = 0; c < COL_N; c++) {
		if (col[c] < 0) {
			char hdr[80];
			field_text(s, e, hdr, sizeof hdr);
			set_err(err, line, "missing column '%s' (the header must name t, cop_x and cop_y; it reads \"%s\")",
			        col_names[c], hdr);
			return POISE_E_PARSE;
		}
	}
	return POISE_OK;
}

static int parse_number(const char *a, const char *b, size_t line, const char *name,
                        double *v, csv_error *err)
{
	char buf[64], shown[40];
	trim(&a, &b);
	field_text(a, b, shown, sizeof shown);
	if (a == b) {
		set_err(err, line, "column '%s' is empty", name);
		return POISE_E_PARSE;
	}
	if ((size_t)(b - a) >= sizeof buf) {
		set_err(err, line, "column '%s': '%s' is not a number", name, shown);
		return POISE_E_PARSE;
	}
	memcpy(buf, a, (size_t)(b - a));
	buf[b - a] = 0;
	char *endp;
	double d = strtod(buf, &endp);
	if (endp == buf || *endp) {
		set_err(err, line, "column '%s': '%s' is not a number", name, shown);
		return POISE_E_PARSE;
	}
	if (isnan(d)) {
		set_err(err, line, "column '%s' is NaN (not a number)", name);
		return POISE_E_PARSE;
	}
	if (!isfinite(d)) {
		set_err(err, line, "column '%s': '%s' is not finite", name, shown);
		return POISE_E_PARSE;
	}
	*v = d;
	return POISE_OK;
}

int csv_cop_parse(const char *text, size_t len, double mm_per_unit, csv_cop *out,
                  csv_error *err)
{
	line_cursor lc = {.p = text, .buf_end = text + len};
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		lc.p += 3;
	const char *s, *e;
	bool have_header = false;
	char delim = ',';
	int col[COL_N], n_cols = 0, need = 0;
	grow g = {0};
	size_t first = 0, last = 0;
	int rc = POISE_OK;

	while (next_line(&lc, &s, &e)) {
		if (blank_or_comment(s, e))
			continue;
		if (!have_header) {
			rc = parse_header(s, e, lc.line_no, &delim, col, &n_cols, err);
			if (rc)
				goto fail;
			for (int c = 0; c < COL_N; c++)
				if (col[c] + 1 > need)
					need = col[c] + 1;
			have_header = true;
			continue;
		}
		/* Split the row and pick out the three wanted fields. */
		const char *fs[COL_N] = {0}, *fe[COL_N] = {0};
		int idx = 0;
		const char *f = s;
		for (;;) {
			const char *end = memchr(f, delim, (size_t)(e - f));
			if (!end)
				end = e;
			for (int c = 0; c < COL_N; c++)
				if (col[c] == idx) {
					fs[c] = f;
					fe[c] = end;
				}
			idx++;
			if (end == e || idx >= need)
				break;
			f = end + 1;
		}
		if (idx < need) {
			set_err(err, lc.line_no, "%d field%s, but the header has %d", idx,
			        idx == 1 ? "" : "s", n_cols);
			rc = POISE_E_PARSE;
			goto fail;
		}
		double v[COL_N];
		for (int c = 0; c < COL_N; c++) {
			rc = parse_number(fs[c], fe[c], lc.line_no, col_names[c], &v[c], err);
			if (rc)
				goto fail;
		}
		if (g.n > 0 && !(v[COL_T] > g.t[g.n - 1])) {
			set_err(err, lc.line_no, "time %.6g s is not after the previous row's %.6g s",
			        v[COL_T], g.t[g.n - 1]);
			rc = POISE_E_PARSE;
			goto fail;
		}
		rc = grow_push(&g, v[COL_T], v[COL_X] * mm_per_unit, v[COL_Y] * mm_per_unit);
		if (rc) {
			set_err(err, lc.line_no, "out of memory");
			goto fail;
		}
		if (!first)
			first = lc.line_no;
		last = lc.line_no;
	}
	if (!have_header) {
		set_err(err, lc.line_no ? lc.line_no : 1,
		        "empty file (expected a header naming t, cop_x and cop_y, then data rows)");
		rc = POISE_E_PARSE;
		goto fail;
	}
	if (g.n == 0) {
		set_err(err, lc.line_no, "no data rows after the header");
		rc = POISE_E_PARSE;
		goto fail;
	}
	*out = (csv_cop){.t_s = g.t, .x_mm = g.x, .y_mm = g.y, .n = g.n,
	                 .first_line = first, .last_line = last};
	return POISE_OK;
fail:
	grow_free(&g);
	return rc;
}

void csv_cop_free(csv_cop *c)
{
	if (!c)
		return;
	free(c->t_s);
	free(c->x_mm);
	free(c->y_mm);
	*c = (csv_cop){0};
}
