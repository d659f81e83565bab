/* The database's health: opening a file only for reading (immutable where
 * its folder cannot be written), the integrity check, the online backup,
 * and tidying after a refused open. See store.h (store_db_check,
 * store_db_backup) and store_impl.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "store/store_impl.h"
#include "sys/outfile.h"

/* The folder part of path ("." for a bare name) into buf. */
static void dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

static bool file_exists(const char *path, const char *suffix, off_t *size)
{
	char p[4200];
	struct stat st;
	snprintf(p, sizeof p, "%s%s", path, suffix);
	if (lstat(p, &st) != 0)
		return false;
	if (size)
		*size = st.st_size;
	return true;
}

void store_side_files(const char *path, store_side *out)
{
	out->wal = file_exists(path, "-wal", NULL);
	out->shm = file_exists(path, "-shm", NULL);
}

void store_side_tidy(const char *path, const store_side *before)
{
	char p[4200];
	off_t wal_size = 0;
	bool wal = file_exists(path, "-wal", &wal_size);
	if (wal && !before->wal && wal_size == 0) {
		snprintf(p, sizeof p, "%s-wal", path);
		unlink(p);
		wal = false;
	}
	if (!wal && !before->shm && file_exists(path, "-shm", NULL)) {
		snprintf(p, sizeof p, "%s-shm", path);
		unlink(p);
	}
}

/* "file:" URI of path with query, for sqlite3_open_v2 (SQLITE_OPEN_URI). */
static void uri_of(const char *path, const char *query, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = (size_t)snprintf(buf, len, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p && k + 4 < len; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		             strchr("/._-~", *p);
		if (plain) {
			buf[k++] = (char)*p;
		} else {
			buf[k++] = '%';
			buf[k++] = hex[*p >> 4];
			buf[k++] = hex[*p & 15];
		}
	}
	buf[k] = 0;
	snprintf(buf + k, len - k, "?%s", query);
}

int store_sqlite_open_read(const char *path, sqlite3 **db, bool *immutable)
{
	/* In a folder that cannot be written (a read-only share, a copy on a
	 * CD), SQLite cannot make the -shm file a WAL database needs; with no
	 * -wal file nothing else can change the database either, so it is
	 * opened as immutable. With a -wal file, SQLite reads both read-only
	 * as it can. */
	char dir[4096], uri[4096 * 3 + 32];
	dir_of(path, dir, sizeof dir);
	off_t wal_size = 0;
	bool ro_dir = access(dir, W_OK) != 0;
	*immutable = ro_dir && (!file_exists(path, "-wal", &wal_size) || wal_size == 0);
	uri_of(path, *immutable ? "immutable=1" : "mode=ro", uri, sizeof uri);
	return sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
}

int store_quick_check(sqlite3 *db, const char *path, char *msg, size_t msg_len)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	const char *first = NULL;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		first = (const char *)sqlite3_column_text(st, 0);
	if (first && strcmp(first, "ok") == 0) {
		sqlite3_finalize(st);
		return POISE_OK;
	}
	char why[200];
	snprintf(why, sizeof why, "%s", first ? first : sqlite3_errmsg(db));
	for (char *c = why; *c; c++) /* one line: SQLite's report has several */
		if (*c == '\n')
			*c = ' ';
	sqlite3_finalize(st);
	int err = first ? POISE_E_PARSE : store_sqlite_err(db, rc);
	if (err != POISE_E_PARSE) {
		snprintf(msg, msg_len, "cannot check the database %s: %s (SQLite: %s)", path,
		         store_err_text(err), why);
		return err;
	}
	snprintf(msg, msg_len, "%s is damaged (SQLite's check: %s); nothing was written to it. "
	         "See what is wrong with: poise db check --db %s; keep a copy with: poise db backup "
	         "COPY.db --db %s; then restore your last backup (README, \"A damaged database\")",
	         path, why, path, path);
	return POISE_E_PARSE;
}

/* Opens path for reading, or says why not. */
static int open_existing(const char *path, sqlite3 **db, char *msg, size_t msg_len)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		int e = errno;
		snprintf(msg, msg_len, "cannot read the database %s: %s", path, strerror(e));
		return e == ENOENT ? POISE_E_NOT_FOUND : e == EACCES ? POISE_E_ACCESS : POISE_E_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, msg_len, "%s is not a file; give the database file with --db PATH", path);
		return POISE_E_INVALID;
	}
	store_side side;
	store_side_files(path, &side);
	bool immutable;
	int rc = store_sqlite_open_read(path, db, &immutable);
	if (rc != SQLITE_OK) {
		int err = store_sqlite_err(*db, rc);
		snprintf(msg, msg_len, "cannot read the database %s: %s", path,
		         *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
		sqlite3_close(*db);
		*db = NULL;
		store_side_tidy(path, &side);
		return err;
	}
	sqlite3_extended_result_codes(*db, 1);
	sqlite3_busy_timeout(*db, 5000);
	return POISE_OK;
}

int store_db_check(const char *path, char **report, char *msg, size_t msg_len)
{
	*report = NULL;
	sqlite3 *db = NULL;
	store_side side;
	store_side_files(path, &side);
	int err = open_existing(path, &db, msg, msg_len);
	if (err)
		return err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		sqlite3_close(db);
		snprintf(msg, msg_len, "out of memory");
		return POISE_E_NOMEM;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(100)", -1, &st, NULL);
	bool ok = false;
	int rows = 0;
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *line = (const char *)sqlite3_column_text(st, 0);
			ok = rows++ == 0 && line && strcmp(line, "ok") == 0;
			fprintf(f, "%s\n", line ? line : "");
		}
	}
	if (rc != SQLITE_DONE) { /* too damaged to be checked at all */
		fprintf(f, "%s\n", sqlite3_errmsg(db));
		ok = false;
	}
	sqlite3_finalize(st);
	fclose(f);
	sqlite3_close(db);
	store_side_tidy(path, &side);
	*report = buf;
	if (ok) {
		snprintf(msg, msg_len, "%s is healthy (SQLite's integrity check found nothing)", path);
		return POISE_OK;
	}
	snprintf(msg, msg_len, "%s is damaged: SQLite's integrity check found the problems listed", path);
	return POISE_E_PARSE;
}

int store_db_backup(const char *path, const char *dest, bool replace, char *msg, size_t msg_len)
{
	sqlite3 *src = NULL, *dst = NULL;
	int err = open_existing(path, &src, msg, msg_len);
	if (err)
		return err;
	sys_outfile out;
	if ((err = sys_out_open(&out, dest, replace ? SYS_OUT_REPLACE : 0, msg, msg_len))) {
		sqlite3_close(src);
		return err;
	}
	/* The copy is made under the temporary name (0600, a new file) with
	 * SQLite's online backup: one consistent snapshot, taken while the
	 * app or a recording may go on writing. */
	int rc = sqlite3_open_v2(out.tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
	if (b) {
		do {
			rc = sqlite3_backup_step(b, -1);
			if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(50);
		} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
		int fin = sqlite3_backup_finish(b);
		if (rc == SQLITE_DONE)
			rc = fin;
	} else if (rc == SQLITE_OK) {
		rc = sqlite3_errcode(dst);
	}
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		err = store_sqlite_err(dst ? dst : src, rc);
		snprintf(msg, msg_len, "cannot back up %s to %s: %s (SQLite: %s)", path, dest, store_err_text(err),
		         sqlite3_errmsg(dst ? dst : src));
	}
	sqlite3_close(dst);
	sqlite3_close(src);
	if (err) {
		sys_out_abort(&out);
		return err;
	}
	return sys_out_commit(&out, msg, msg_len);
}
