/* Poise store, private: the store struct and helpers shared by store.c,
 * recorder.c and export.c. Not for other modules. */
#ifndef POISE_STORE_STORE_IMPL_H
#define POISE_STORE_STORE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "store/sqlerr.h"
#include "store/store.h"

struct store_side;

struct store {
	sqlite3 *db;
	const struct store_side *side; /* during store_open: side files before it */
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

/* Which of a database's side files (path-wal, path-shm) exist. */
typedef struct store_side {
	bool wal, shm;
} store_side;

/* Notes which side files exist before an open. */
void store_side_files(const char *path, store_side *out);

/* After a refused open: removes the side files that open made and that
 * hold nothing (an empty -wal; a -shm without a -wal), so a refused open
 * leaves the folder as it was. Called with the writer's lock held or on a
 * file Poise refused. */
void store_side_tidy(const char *path, const store_side *before);

/* Opens path read-only (SQLITE_OPEN_READONLY with a URI): immutable when
 * its folder cannot be written and there is no -wal (nobody can change
 * it), so a database on a read-only share can still be read. *immutable
 * says which. Returns the SQLite code; *db as sqlite3_open_v2. */
int store_sqlite_open_read(const char *path, sqlite3 **db, bool *immutable);

/* PRAGMA quick_check on db: POISE_OK, or POISE_E_PARSE with msg saying
 * the file is damaged and what to do (poise db check / backup), or the
 * code of a read error. Called by writing opens before anything is
 * written. */
int store_quick_check(sqlite3 *db, const char *path, char *msg, size_t msg_len);

/* The wall-clock time now as ISO 8601 UTC with milliseconds. */
void store_now_iso(char out[STORE_TIME_LEN]);

/* Runs a statement without results; on failure sets the message (prefixed
 * with what) and returns the POISE_E_* code. */
int store_exec(store *s, const char *sql, const char *what);

/* Checkpoints the WAL into the database file (PASSIVE: never waits for
 * readers). Failures are ignored: the data are safe in the WAL. */
void store_checkpoint(store *s);

#endif
