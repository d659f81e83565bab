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
 * number, a time not after the previous row's, an empty file, no data rows. */
int csv_cop_parse(const char *text, size_t len, double mm_per_unit, csv_cop *out,
                  csv_error *err);

void csv_cop_free(csv_cop *c);

#endif
