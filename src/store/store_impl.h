/* Poise store, private: the store struct and helpers shared by store.c,
 * recorder.c and export.c. Not for other modules. */
#ifndef POISE_STORE_STORE_IMPL_H
#define POISE_STORE_STORE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "store/sqlerr.h"
#include "store/store.h"

struct store {
	sqlite3 *db;
	int lock_fd;    /* the file, flock()ed by a writer; −1 when read-only */
	bool read_only;
	char *path;
	char msg[768];  /* store_errmsg() */
};

/* Records "<what>: <explanation>" as the store's message and returns the
 * POISE_E_* code for rc. */
int store_fail_sqlite(store *s, int rc, const char *what);

/* Records a formatted message and returns err. */
int store_fail(store *s, int err, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* The wall-clock time now as ISO 8601 UTC with milliseconds. */
void store_now_iso(char out[STORE_TIME_LEN]);

/* Runs a statement without results; on failure sets the message (prefixed
 * with what) and returns the POISE_E_* code. */
int store_exec(store *s, const char *sql, const char *what);

/* Checkpoints the WAL into the database file (PASSIVE: never waits for
 * readers). Failures are ignored: the data are safe in the WAL. */
void store_checkpoint(store *s);

#endif
