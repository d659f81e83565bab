/* Poise store: SQLite result codes in the project's error space, and what
 * they mean for people. Used by store.c, schema.c, recorder.c and export.c
 * (through store_impl.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stdio.h>

#include "core/error.h"
#include "store/sqlerr.h"

/* A write failed without a usable errno (SQLite reports EFBIG, a write
 * that starts at the file-size limit, as a plain I/O error): is the disk
 * full, or is the database or its WAL at the process's file-size limit? */
static bool out_of_space(sqlite3 *db)
{
	const char *path = db ? sqlite3_db_filename(db, "main") : NULL;
	if (!path || !*path)
		return false;
	struct statvfs vfs;
	if (statvfs(path, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < (1u << 20))
		return true;
	struct rlimit rl;
	if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return false;
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", path);
	const char *files[] = {path, wal};
	for (int i = 0; i < 2; i++) {
		struct stat st;
		if (stat(files[i], &st) == 0 && (uint64_t)st.st_size + 65536 >= (uint64_t)rl.rlim_cur)
			return true;
	}
	return false;
}

int store_sqlite_err(sqlite3 *db, int rc)
{
	int xrc = db ? sqlite3_extended_errcode(db) : rc;
	int sys = db ? sqlite3_system_errno(db) : 0;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return POISE_OK;
	case SQLITE_FULL:
		return POISE_E_NOSPACE;
	case SQLITE_IOERR:
		if (sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
			return POISE_E_NOSPACE;
		if (sys == EROFS || sys == EACCES || sys == EPERM)
			return POISE_E_ACCESS;
		if (xrc == SQLITE_IOERR_WRITE || xrc == SQLITE_IOERR_FSYNC ||
		    xrc == SQLITE_IOERR_TRUNCATE || xrc == SQLITE_IOERR_SHMSIZE)
			return out_of_space(db) ? POISE_E_NOSPACE : POISE_E_IO;
		return POISE_E_IO;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return POISE_E_ACCESS;
	case SQLITE_CANTOPEN:
		return sys == EACCES || sys == EROFS || sys == EPERM ? POISE_E_ACCESS : POISE_E_IO;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return POISE_E_BUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return POISE_E_PARSE;
	case SQLITE_NOMEM:
		return POISE_E_NOMEM;
	case SQLITE_CONSTRAINT:
		return (xrc == SQLITE_CONSTRAINT_UNIQUE || xrc == SQLITE_CONSTRAINT_PRIMARYKEY)
		     ? POISE_E_EXISTS : POISE_E_INVALID;
	case SQLITE_TOOBIG:
	case SQLITE_RANGE:
	case SQLITE_MISMATCH:
		return POISE_E_INVALID;
	default:
		return POISE_E_IO;
	}
}

const char *store_err_text(int err)
{
	switch (err) {
	case POISE_E_NOSPACE:
		return "the disk is full or a file-size limit was reached";
	case POISE_E_ACCESS:
		return "the database is read-only or permission was denied";
	case POISE_E_BUSY:
		return "the database is locked by another program";
	case POISE_E_PARSE:
		return "the database file is damaged";
	case POISE_E_NOMEM:
		return "out of memory";
	default:
		return "input/output error";
	}
}

