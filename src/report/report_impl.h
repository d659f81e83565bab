/* Poise report, private: helpers shared by the report's own files. Not for
 * other modules. */
#ifndef POISE_REPORT_REPORT_IMPL_H
#define POISE_REPORT_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/text.h"
#include "report/report.h"
#include "sys/outfile.h"

/* ISO 8601 UTC text → local broken-down time. False if unreadable (not
 * a date_parse() date, or local time outside the years 1900..9999). */
bool report_iso_to_local(const char *iso, struct tm *out);

/* ISO 8601 UTC text → local "YYYY-MM-DD" ("unknown" if unreadable). */
void report_local_date(const char *iso, char out[11]);

/* True for a real calendar date written YYYY-MM-DD. */
bool report_date_valid(const char *date);

/* "YYYY-MM-DD" → days since 1970-01-01 (for date axes). */
double report_date_days(const char *date);

/* The kinds the report knows by name. */
#define REPORT_EO "quiet-eo"
#define REPORT_EC "quiet-ec"

/* Creates path's folder if missing (mode 0700); msg on failure. */
int report_mkdir(const char *dir, char *msg, size_t len);

/* Every file the report writes goes through sys/outfile.h (temporary
 * file, checked rename, mode 0600; an existing regular file is replaced:
 * SYS_OUT_REPLACE). */

/* "cannot write PATH: <strerror>; <what to do>" into msg for errno e;
 * returns its POISE_E_* code. */
int report_file_errmsg(char *msg, size_t len, const char *path, int e);


#endif
