/* Poise report, private: helpers shared by the report's own files. Not for
 * other modules. */
#ifndef POISE_REPORT_REPORT_IMPL_H
#define POISE_REPORT_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/text.h"
#include "report/report.h"

/* ISO 8601 UTC text → local broken-down time. False if unreadable. */
bool report_iso_to_local(const char *iso, struct tm *out);

/* ISO 8601 UTC text → local "YYYY-MM-DD" ("????-??-??" if unreadable). */
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

/* Writes a file atomically with mode 0600: opens a temporary file beside
 * path (report_file_open), the caller writes to fd, then
 * report_file_commit() renames it into place or report_file_abort()
 * removes it. */
typedef struct report_file {
	int fd;
	char tmp[4096];
	char path[4096];
} report_file;

int report_file_open(report_file *f, const char *path, char *msg, size_t len);
int report_file_commit(report_file *f, char *msg, size_t len);
void report_file_abort(report_file *f);

/* Writes all of buf to fd; POISE_E_NOSPACE / POISE_E_IO. */
int report_write_all(int fd, const void *buf, size_t n);

/* "cannot write PATH: <strerror>; <what to do>" into msg for errno e;
 * returns its POISE_E_* code. */
int report_file_errmsg(char *msg, size_t len, const char *path, int e);

/* The POISE_E_* code for an errno value of a file operation. */
int report_errno_code(int e);

#endif
