/* Poise store, private: SQLite result codes in the project's error space.
 * For the store's own files (store.c, schema.c, recorder.c, export.c). */
#ifndef POISE_STORE_SQLERR_H
#define POISE_STORE_SQLERR_H

#include <sqlite3.h>

/* The POISE_E_* code for an SQLite result rc on db (db may be NULL). Uses
 * the extended code and the OS errno, so a full disk or a file-size limit
 * gives POISE_E_NOSPACE. */
int store_sqlite_err(sqlite3 *db, int rc);

/* What a POISE_E_* code from the database means for people ("the disk is
 * full or a file-size limit was reached"); static storage. */
const char *store_err_text(int err);

#endif
