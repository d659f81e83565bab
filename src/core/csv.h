/* Poise: reading a COP trajectory from CSV text.
 *
 * A header row names the columns; `t` (seconds), `cop_x` (ML) and `cop_y`
 * (AP) are required, any others are ignored. Comma, semicolon or tab
 * separated (taken from the header), optional quotes around header names,
 * CRLF line ends, a UTF-8 byte-order mark, blank lines and lines starting
 * with '#' are accepted. Numbers are read in the C locale ('.' decimals).
 * Pure: parses a buffer, does no I/O, so it can be fuzzed.
 */
#ifndef POISE_CORE_CSV_H
#define POISE_CORE_CSV_H

#include <stddef.h>

typedef struct csv_cop {
	double *t_s;
	double *x_mm;
	double *y_mm;
	size_t n;
	size_t first_line; /* 1-based line numbers of the first and last data row */
	size_t last_line;
} csv_cop;

/* What went wrong and on which 1-based line (0: the file as a whole). */
typedef struct csv_error {
	size_t line;
	char msg[192];
} csv_error;

/* Parses text[0..len). cop_x and cop_y are multiplied by mm_per_unit (1 for
 * mm, 10 for cm, 1000 for m). On success fills *out with newly allocated
 * arrays (csv_cop_free) and returns POISE_OK. On failure returns
 * POISE_E_PARSE (or POISE_E_NOMEM) with err filled, *out untouched:
 * a missing column, a row with too few fields, a cell that is not a finite
 * number (read exactly as strtod() reads it, core/decimal.h; a cell of 64
 * characters or more is not a number), a NUL byte in a cell, a time not
 * after the previous row's, an empty file, no data rows. */
int csv_cop_parse(const char *text, size_t len, double mm_per_unit, csv_cop *out,
                  csv_error *err);

void csv_cop_free(csv_cop *c);

/* The same parser fed piece by piece, so a file is read in small chunks
 * and never held whole in memory (`poise metrics` on an hour of 1 kHz
 * data): csv_cop_reader_feed() takes the next bytes of the text, in any
 * cutting (a line may straddle two pieces), csv_cop_reader_finish() ends
 * the text and hands out the result. csv_cop_parse(text, len) is create,
 * one feed of everything, finish: both give the same result and the same
 * error (line and message) for the same bytes. A NUL byte in a column
 * that is read is an error ("a NUL byte": the file is binary or damaged).
 *
 * Memory: the three arrays grow as rows come (realloc, which for large
 * arrays moves pages rather than copying them), plus the one line that
 * straddles two pieces; nothing else. */
typedef struct csv_cop_reader csv_cop_reader;

/* A reader for text whose cop_x, cop_y are in units of mm_per_unit mm.
 * *out owns it (csv_cop_reader_destroy); POISE_E_NOMEM, POISE_E_INVALID
 * for a unit that is not a positive finite number; *out untouched then. */
int csv_cop_reader_create(csv_cop_reader **out, double mm_per_unit);

/* Parses the next len bytes. POISE_OK, or POISE_E_PARSE / POISE_E_NOMEM
 * with err filled (the line and the problem); after an error every later
 * feed and finish return the same error and the same err. */
int csv_cop_reader_feed(csv_cop_reader *r, const char *chunk, size_t len, csv_error *err);

/* The text has ended: parses the last line (with or without a final line
 * break), then, as csv_cop_parse(), fills *out (the arrays become the
 * caller's: csv_cop_free) or returns the error with err filled. */
int csv_cop_reader_finish(csv_cop_reader *r, csv_cop *out, csv_error *err);

/* Frees the reader and whatever it still holds. NULL is fine. */
void csv_cop_reader_destroy(csv_cop_reader *r);

#endif
