#include "core/csv.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"
#include "core/error.h"

enum { COL_T, COL_X, COL_Y, COL_N };
static const char *const col_names[COL_N] = {"t", "cop_x", "cop_y"};

/* A cell this long or longer is not a number (as before the fast reader). */
#define CELL_MAX 64

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

/* A cell the fast path could not take (spaces, quotes, a NUL, something
 * that is not a number): trimmed and read as strtod() reads it, with the
 * message that says what is wrong. */
static int parse_number(const char *a, const char *b, size_t line, const char *name,
                        double *v, csv_error *err)
{
	char shown[40];
	trim(&a, &b);
	field_text(a, b, shown, sizeof shown);
	if (a == b) {
		set_err(err, line, "column '%s' is empty", name);
		return POISE_E_PARSE;
	}
	if (memchr(a, 0, (size_t)(b - a))) {
		set_err(err, line, "column '%s' holds a NUL byte (the file is binary or damaged)", name);
		return POISE_E_PARSE;
	}
	double d;
	if ((size_t)(b - a) >= CELL_MAX || dec_parse(a, (size_t)(b - a), &d) != (size_t)(b - a)) {
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

struct csv_cop_reader {
	double mm_per_unit;
	bool have_header;
	char delim;
	int col[COL_N], n_cols, need;
	grow g;
	size_t line_no, first, last;
	char *carry; /* the start of a line that goes on in the next piece */
	size_t carry_len, carry_cap;
	int rc;        /* sticky: the first error */
	csv_error err; /* and what it said */
};

int csv_cop_reader_create(csv_cop_reader **out, double mm_per_unit)
{
	if (!out || !(mm_per_unit > 0) || !isfinite(mm_per_unit))
		return POISE_E_INVALID;
	csv_cop_reader *r = calloc(1, sizeof *r);
	if (!r)
		return POISE_E_NOMEM;
	r->mm_per_unit = mm_per_unit;
	r->delim = ',';
	*out = r;
	return POISE_OK;
}

void csv_cop_reader_destroy(csv_cop_reader *r)
{
	if (!r)
		return;
	grow_free(&r->g);
	free(r->carry);
	free(r);
}

/* The column (COL_T, COL_X, COL_Y) read from field idx, or −1. */
static int wanted(const csv_cop_reader *r, int idx)
{
	for (int c = 0; c < COL_N; c++)
		if (r->col[c] == idx)
			return c;
	return -1;
}

/* One data row [s, e): the three wanted cells, checked and kept. The
 * bytes up to limit (≥ e) may be read: a number stops at the line's end
 * anyway, and the reader need not be told where the line ends. */
static int parse_row(csv_cop_reader *r, const char *s, const char *e, const char *limit,
                     csv_error *err)
{
	double v[COL_N];
	int idx = 0;
	const char *f = s;
	for (;;) {
		const char *fe;
		int c = wanted(r, idx);
		if (c >= 0) {
			/* The common case in one pass: a plain number right up to the
			 * delimiter. */
			size_t used = dec_parse(f, (size_t)(limit - f), &v[c]);
			fe = f + used;
			if (!used || used >= CELL_MAX || fe > e || (fe < e && *fe != r->delim) ||
			    !isfinite(v[c])) {
				fe = memchr(f, r->delim, (size_t)(e - f));
				if (!fe)
					fe = e;
				int rc = parse_number(f, fe, r->line_no, col_names[c], &v[c], err);
				if (rc)
					return rc;
			}
		} else {
			fe = memchr(f, r->delim, (size_t)(e - f));
			if (!fe)
				fe = e;
		}
		idx++;
		if (fe == e || idx >= r->need)
			break;
		f = fe + 1;
	}
	if (idx < r->need) {
		set_err(err, r->line_no, "%d field%s, but the header has %d", idx, idx == 1 ? "" : "s",
		        r->n_cols);
		return POISE_E_PARSE;
	}
	grow *g = &r->g;
	if (g->n > 0 && !(v[COL_T] > g->t[g->n - 1])) {
		set_err(err, r->line_no, "time %.6g s is not after the previous row's %.6g s", v[COL_T],
		        g->t[g->n - 1]);
		return POISE_E_PARSE;
	}
	if (grow_push(g, v[COL_T], v[COL_X] * r->mm_per_unit, v[COL_Y] * r->mm_per_unit)) {
		set_err(err, r->line_no, "out of memory");
		return POISE_E_NOMEM;
	}
	if (!r->first)
		r->first = r->line_no;
	r->last = r->line_no;
	return POISE_OK;
}

/* One whole line [s, e), without its '\n'; bytes up to limit may be read. */
static int parse_line(csv_cop_reader *r, const char *s, const char *e, const char *limit,
                      csv_error *err)
{
	r->line_no++;
	if (e > s && e[-1] == '\r')
		e--;
	if (r->line_no == 1 && e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3; /* a UTF-8 byte-order mark */
	if (blank_or_comment(s, e))
		return POISE_OK;
	if (r->have_header)
		return parse_row(r, s, e, limit, err);
	int rc = parse_header(s, e, r->line_no, &r->delim, r->col, &r->n_cols, err);
	if (rc)
		return rc;
	for (int c = 0; c < COL_N; c++)
		if (r->col[c] + 1 > r->need)
			r->need = r->col[c] + 1;
	r->have_header = true;
	return POISE_OK;
}

static int carry_append(csv_cop_reader *r, const char *p, size_t n)
{
	if (r->carry_len + n > r->carry_cap) {
		size_t cap = r->carry_cap ? r->carry_cap : 256;
		while (cap < r->carry_len + n)
			cap *= 2;
		char *c = realloc(r->carry, cap);
		if (!c)
			return POISE_E_NOMEM;
		r->carry = c;
		r->carry_cap = cap;
	}
	memcpy(r->carry + r->carry_len, p, n);
	r->carry_len += n;
	return POISE_OK;
}

/* Keeps the first error and what it said (a failed allocation says so). */
static int stick(csv_cop_reader *r, int rc, csv_error *err)
{
	if (rc == POISE_OK)
		return rc;
	if (err->msg[0] == 0)
		set_err(err, r->line_no + 1, "out of memory");
	r->rc = rc;
	r->err = *err;
	return rc;
}

int csv_cop_reader_feed(csv_cop_reader *r, const char *chunk, size_t len, csv_error *err)
{
	if (r->rc) {
		*err = r->err;
		return r->rc;
	}
	*err = (csv_error){0};
	const char *p = chunk, *end = chunk + len;
	if (r->carry_len > 0) {
		const char *nl = memchr(p, '\n', len);
		if (!nl)
			return stick(r, carry_append(r, p, len), err);
		int rc = carry_append(r, p, (size_t)(nl - p));
		if (rc == POISE_OK)
			rc = parse_line(r, r->carry, r->carry + r->carry_len, r->carry + r->carry_len, err);
		r->carry_len = 0;
		if (rc)
			return stick(r, rc, err);
		p = nl + 1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return stick(r, carry_append(r, p, (size_t)(end - p)), err);
		int rc = parse_line(r, p, nl, end, err);
		if (rc)
			return stick(r, rc, err);
		p = nl + 1;
	}
	return POISE_OK;
}

int csv_cop_reader_finish(csv_cop_reader *r, csv_cop *out, csv_error *err)
{
	if (r->rc) {
		*err = r->err;
		return r->rc;
	}
	*err = (csv_error){0};
	if (r->carry_len > 0) { /* the last line has no line break */
		int rc = parse_line(r, r->carry, r->carry + r->carry_len, r->carry + r->carry_len, err);
		r->carry_len = 0;
		if (rc)
			return stick(r, rc, err);
	}
	if (!r->have_header) {
		set_err(err, r->line_no ? r->line_no : 1,
		        "empty file (expected a header naming t, cop_x and cop_y, then data rows)");
		return stick(r, POISE_E_PARSE, err);
	}
	if (r->g.n == 0) {
		set_err(err, r->line_no, "no data rows after the header");
		return stick(r, POISE_E_PARSE, err);
	}
	*out = (csv_cop){.t_s = r->g.t, .x_mm = r->g.x, .y_mm = r->g.y, .n = r->g.n,
	                 .first_line = r->first, .last_line = r->last};
	r->g = (grow){0};
	return POISE_OK;
}

int csv_cop_parse(const char *text, size_t len, double mm_per_unit, csv_cop *out,
                  csv_error *err)
{
	csv_cop_reader *r;
	int rc = csv_cop_reader_create(&r, mm_per_unit);
	if (rc) {
		set_err(err, 0, rc == POISE_E_NOMEM ? "out of memory" : "bad unit");
		return rc;
	}
	rc = csv_cop_reader_feed(r, text, len, err);
	if (rc == POISE_OK)
		rc = csv_cop_reader_finish(r, out, err);
	csv_cop_reader_destroy(r);
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
