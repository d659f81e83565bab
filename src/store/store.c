/* The station database: opening, validation, migrations, and the small
 * CRUD API of store.h. */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/kind.h"
#include "core/text.h"
#include "store/schema.h"
#include "store/store_impl.h"

/* ---- errors ----------------------------------------------------------- */

int store_fail(store *s, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	return err;
}

int store_fail_sqlite(store *s, int rc, const char *what)
{
	int err = store_sqlite_err(s->db, rc);
	return store_fail(s, err, "%s in %s: %s (SQLite: %s)", what, s->path, store_err_text(err),
	                  sqlite3_errmsg(s->db));
}

const char *store_errmsg(const store *s)
{
	return s ? s->msg : "";
}

const char *store_path(const store *s)
{
	return s->path;
}

void store_now_iso(char out[STORE_TIME_LEN])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	size_t k = strftime(out, STORE_TIME_LEN - 6, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + k, STORE_TIME_LEN - k, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

int store_exec(store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? POISE_OK : store_fail_sqlite(s, rc, what);
}

void store_checkpoint(store *s)
{
	if (!s->read_only)
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

/* ---- the default path ------------------------------------------------- */

static int make_dir(const char *path, char *msg, size_t msg_len)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return POISE_OK;
		snprintf(msg, msg_len, "%s exists but is not a directory", path);
		return POISE_E_IO;
	}
	int e = errno;
	snprintf(msg, msg_len, "cannot create the directory %s: %s", path, strerror(e));
	return e == EACCES || e == EROFS || e == EPERM ? POISE_E_ACCESS : POISE_E_IO;
}

/* mkdir -p of the directories in path (not the last component). */
static int make_parents(char *path, size_t from, char *msg, size_t msg_len)
{
	for (size_t i = from + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = 0;
		int rc = make_dir(path, msg, msg_len);
		path[i] = '/';
		if (rc)
			return rc;
	}
	return POISE_OK;
}

int store_default_path(char *buf, size_t len, char *msg, size_t msg_len)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char tmp[4096];
	int k;
	if (xdg && xdg[0] == '/') {
		k = snprintf(tmp, sizeof tmp, "%s/poise/poise.db", xdg);
	} else if (home && home[0] == '/') {
		k = snprintf(tmp, sizeof tmp, "%s/.local/share/poise/poise.db", home);
	} else {
		snprintf(msg, msg_len, "cannot find a place for the database: neither XDG_DATA_HOME nor "
		                       "HOME is set; give one with --db PATH");
		return POISE_E_NOT_FOUND;
	}
	if (k < 0 || (size_t)k >= sizeof tmp || (size_t)k >= len) {
		snprintf(msg, msg_len, "the database path is too long; give a shorter one with --db PATH");
		return POISE_E_RANGE;
	}
	/* Whatever is missing is created, 0700. */
	int rc = make_parents(tmp, 0, msg, msg_len);
	if (rc)
		return rc;
	memcpy(buf, tmp, (size_t)k + 1);
	return POISE_OK;
}

/* ---- open / close ----------------------------------------------------- */

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static void free_store(store *s)
{
	if (!s)
		return;
	if (s->db)
		sqlite3_close(s->db);
	if (s->side)
		store_side_tidy(s->path, s->side); /* a refused open */
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* after SQLite: closing an fd drops the process's POSIX locks */
	free(s->path);
	free(s);
}

/* Creates the file 0600 if it does not exist. */
static int create_file(const char *path, bool *created, char *msg, size_t msg_len)
{
	*created = false;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		*created = true;
		return POISE_OK;
	}
	if (errno == EEXIST)
		return POISE_OK;
	int e = errno;
	snprintf(msg, msg_len, "cannot create the database %s: %s%s", path, strerror(e),
	         e == ENOENT ? " (does its folder exist?)" : "");
	return e == EACCES || e == EROFS || e == EPERM ? POISE_E_ACCESS
	     : e == ENOSPC || e == EDQUOT                ? POISE_E_NOSPACE
	     : e == ENOENT                               ? POISE_E_NOT_FOUND
	                                                 : POISE_E_IO;
}

/* Takes the writer's lock. */
static int lock_file(store *s, char *msg, size_t msg_len)
{
	s->lock_fd = open(s->path, O_RDWR | O_CLOEXEC);
	if (s->lock_fd < 0) {
		int e = errno;
		snprintf(msg, msg_len, "cannot open the database %s for writing: %s", s->path, strerror(e));
		return e == EACCES || e == EROFS || e == EPERM ? POISE_E_ACCESS
		     : e == ENOENT                             ? POISE_E_NOT_FOUND
		                                               : POISE_E_IO;
	}
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		if (e == EWOULDBLOCK) {
			snprintf(msg, msg_len, "the database %s is in use by another Poise (the app or a "
			         "recording); close it first, or use another --db", s->path);
			return POISE_E_BUSY;
		}
		snprintf(msg, msg_len, "cannot lock the database %s: %s", s->path, strerror(e));
		return POISE_E_IO;
	}
	return POISE_OK;
}

/* Checks what is in the file before anything is written to it. */
static int validate(store *s, bool created, int *version, char *msg, size_t msg_len)
{
	int app_id = 0, n_objects = 0;
	int rc = pragma_int(s->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = pragma_int(s->db, "PRAGMA user_version", version);
	if (rc == SQLITE_OK)
		rc = pragma_int(s->db, "SELECT count(*) FROM sqlite_schema", &n_objects);
	if (rc != SQLITE_OK) {
		int err = store_sqlite_err(s->db, rc);
		if (err == POISE_E_PARSE)
			snprintf(msg, msg_len, "%s is not a Poise database: it is damaged or not an SQLite "
			         "file at all (%s). It was left as it is; check the --db path, or restore "
			         "the file from a backup", s->path, sqlite3_errmsg(s->db));
		else
			snprintf(msg, msg_len, "cannot read the database %s: %s (SQLite: %s)", s->path,
			         store_err_text(err), sqlite3_errmsg(s->db));
		return err;
	}
	bool empty = *version == 0 && n_objects == 0 && app_id == 0;
	if (!empty && app_id != STORE_APPLICATION_ID) {
		snprintf(msg, msg_len, "%s is an SQLite database of another program, not Poise's. It was "
		         "left as it is; give Poise its own file with --db PATH", s->path);
		return POISE_E_PARSE;
	}
	if (*version > STORE_SCHEMA_VERSION) {
		snprintf(msg, msg_len, "%s was written by a newer Poise (database schema %d; this Poise "
		         "knows up to %d). It was left as it is; open it with the newer Poise",
		         s->path, *version, STORE_SCHEMA_VERSION);
		return POISE_E_UNSUPPORTED;
	}
	if (s->read_only && *version < STORE_SCHEMA_VERSION) {
		if (empty || created) {
			snprintf(msg, msg_len, "%s holds no Poise data yet", s->path);
			return POISE_E_NOT_FOUND;
		}
		snprintf(msg, msg_len, "%s has an older schema (%d) that this Poise upgrades when it "
		         "writes; run a writing command once (e.g. poise patient list is read-only, "
		         "poise patient add is not)", s->path, *version);
		return POISE_E_STATE;
	}
	return POISE_OK;
}

static int configure_writer(store *s, char *msg, size_t msg_len)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	const char *mode = NULL;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		mode = (const char *)sqlite3_column_text(st, 0);
	bool wal = mode && strcmp(mode, "wal") == 0;
	if (rc == SQLITE_ROW)
		rc = SQLITE_OK;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		int err = store_sqlite_err(s->db, rc);
		snprintf(msg, msg_len, "cannot prepare the database %s: %s (SQLite: %s)", s->path,
		         store_err_text(err), sqlite3_errmsg(s->db));
		return err;
	}
	if (!wal) {
		snprintf(msg, msg_len, "cannot use write-ahead logging for %s (a network or unusual "
		         "file system?); put the database on a local disk with --db PATH", s->path);
		return POISE_E_UNSUPPORTED;
	}
	/* NORMAL in WAL mode: a commit survives the process being killed; the
	 * checkpoint at the end of each trial syncs to the disk. Checkpoints
	 * happen only there (and at close), never inside a recording; the
	 * WAL file is cut back to 4 MiB when it is reused. */
	rc = sqlite3_exec(s->db,
	                  "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;"
	                  "PRAGMA journal_size_limit = 4194304; PRAGMA secure_delete = ON;",
	                  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int err = store_sqlite_err(s->db, rc);
		snprintf(msg, msg_len, "cannot configure the database %s: %s", s->path,
		         sqlite3_errmsg(s->db));
		return err;
	}
	return POISE_OK;
}

/* Trials a killed process left 'crashed' get their sample count and
 * duration (the writer's lock says no recording is running). */
static int finalise_crashed(store *s)
{
	return store_exec(s,
	                  "UPDATE trial SET"
	                  " n_samples = (SELECT count(*) FROM sample WHERE trial_id = trial.id),"
	                  " duration_s = coalesce((SELECT max(t_us) FROM sample"
	                  "                        WHERE trial_id = trial.id), 0) / 1e6"
	                  " WHERE status = 'crashed' AND n_samples IS NULL",
	                  "cannot mark the trials of a crashed session");
}

int store_open(store **out, const char *path, unsigned flags, char *msg, size_t msg_len)
{
	if (!out || !path || !*path) {
		snprintf(msg, msg_len, "no database path given");
		return POISE_E_INVALID;
	}
	store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		snprintf(msg, msg_len, "out of memory");
		return POISE_E_NOMEM;
	}
	s->lock_fd = -1;
	s->read_only = flags & STORE_READ_ONLY;

	int err = POISE_OK;
	bool created = false;
	struct stat st;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(msg, msg_len, "%s is not a file; give the database file with --db PATH", path);
			err = POISE_E_INVALID;
			goto fail;
		}
	} else if (errno != ENOENT) {
		int e = errno;
		snprintf(msg, msg_len, "cannot reach the database %s: %s", path, strerror(e));
		err = e == EACCES ? POISE_E_ACCESS : POISE_E_IO;
		goto fail;
	} else if (s->read_only) {
		snprintf(msg, msg_len, "there is no database at %s yet (nothing recorded?)", path);
		err = POISE_E_NOT_FOUND;
		goto fail;
	} else if ((err = create_file(path, &created, msg, msg_len))) {
		goto fail;
	}
	if (!s->read_only && (err = lock_file(s, msg, msg_len)))
		goto fail;

	store_side side;
	store_side_files(path, &side);
	s->side = &side;
	bool immutable = false;
	int rc = s->read_only ? store_sqlite_open_read(path, &s->db, &immutable)
	                      : sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		err = store_sqlite_err(s->db, rc);
		snprintf(msg, msg_len, "cannot open the database %s: %s", path,
		         s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* Until the file is known to be ours, closing must not checkpoint. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_busy_timeout(s->db, s->read_only ? 2000 : 1000);

	int version = 0;
	if ((err = validate(s, created, &version, msg, msg_len)))
		goto fail;
	/* A damaged file is refused before anything is written to it. */
	if (!s->read_only && !created && (err = store_quick_check(s->db, path, msg, msg_len)))
		goto fail;
	if (sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
		err = POISE_E_IO;
		snprintf(msg, msg_len, "cannot configure the database %s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (!s->read_only) {
		if ((err = configure_writer(s, msg, msg_len)))
			goto fail;
		size_t n_steps;
		const store_migration *steps = store_migrations(&n_steps);
		char why[400];
		if ((err = store_migrate(s->db, steps, n_steps, why, sizeof why))) {
			snprintf(msg, msg_len, "cannot set up the database %s: %s", path, why);
			goto fail;
		}
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
		if ((err = finalise_crashed(s))) {
			snprintf(msg, msg_len, "%s", s->msg);
			goto fail;
		}
	}
	s->side = NULL;
	*out = s;
	return POISE_OK;
fail:
	/* Tidy the side files this open made: with the writer's lock held, or
	 * for a file that is not a healthy Poise database (no Poise writes
	 * to it); never under another process's open. */
	if (s->read_only && err != POISE_E_PARSE)
		s->side = NULL;
	free_store(s); /* SQLite closed, the lock still held: then tidy */
	return err;
}

void store_close(store *s)
{
	if (!s)
		return;
	store_checkpoint(s);
	free_store(s);
}

/* ---- statement helpers ------------------------------------------------ */

static int prep(store *s, sqlite3_stmt **st, const char *sql, const char *what)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	return rc == SQLITE_OK ? POISE_OK : store_fail_sqlite(s, rc, what);
}

/* Steps a statement that returns no row; finalises it. */
static int run(store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int err = rc == SQLITE_DONE ? POISE_OK : store_fail_sqlite(s, rc, what);
	sqlite3_finalize(st);
	return err;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *t)
{
	if (t && *t)
		sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_pos_or_null(sqlite3_stmt *st, int i, double v)
{
	if (v > 0 && isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* A text column into a fixed array. What Poise wrote always fits; text
 * from elsewhere (a damaged or edited file) is cut at a character
 * boundary, never inside one. */
static void col_text(sqlite3_stmt *st, int i, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	text_copy(buf, cap, t ? (const char *)t : "");
}

static double col_double_or(sqlite3_stmt *st, int i, double dflt)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_double(st, i);
}

/* Collects the rows of st into a growing array of elem-sized records
 * filled by fill(). Finalises st. */
typedef void (*row_fill)(sqlite3_stmt *st, void *elem);

static int collect(store *s, sqlite3_stmt *st, size_t elem, row_fill fill, void **out, size_t *n,
                   const char *what)
{
	char *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char *na = realloc(arr, nc * elem);
			if (!na) {
				free(arr);
				sqlite3_finalize(st);
				return store_fail(s, POISE_E_NOMEM, "%s: out of memory", what);
			}
			arr = na;
			cap = nc;
		}
		memset(arr + cnt * elem, 0, elem);
		fill(st, arr + cnt * elem);
		cnt++;
	}
	if (rc != SQLITE_DONE) {
		free(arr);
		int err = store_fail_sqlite(s, rc, what);
		sqlite3_finalize(st);
		return err;
	}
	sqlite3_finalize(st);
	*out = arr;
	*n = cnt;
	return POISE_OK;
}

static int need_writer(store *s, const char *what)
{
	if (s->read_only)
		return store_fail(s, POISE_E_STATE, "%s: %s was opened read-only", what, s->path);
	return POISE_OK;
}

/* ---- patients --------------------------------------------------------- */

bool store_code_valid(const char *code)
{
	if (!code || !*code || code[0] == '.' || code[0] == '-')
		return false;
	size_t n = 0;
	for (const char *p = code; *p; p++, n++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '.' || c == '_' || c == '-';
		if (!ok)
			return false;
	}
	return n <= STORE_CODE_MAX;
}

/* Refuses a text field that is too long for its array (cap includes the
 * NUL), not UTF-8, or has control characters: never stored cut. */
static int check_text(store *s, const char *what, const char *field, const char *t, size_t cap,
                      bool multiline)
{
	if (!t)
		return POISE_OK;
	if (!memchr(t, 0, cap))
		return store_fail(s, POISE_E_INVALID, "%s: the %s is longer than the %zu bytes allowed",
		                  what, field, cap - 1);
	char buf[64];
	enum text_problem p = text_check(t, cap - 1, multiline);
	if (p != TEXT_OK)
		return store_fail(s, POISE_E_INVALID, "%s: the %s %s", what, field,
		                  text_problem_str(p, cap - 1, buf, sizeof buf));
	return POISE_OK;
}

static int check_patient(store *s, const store_patient *p, const char *what)
{
	int err;
	if ((err = check_text(s, what, "name", p->display_name, sizeof p->display_name, false)) ||
	    (err = check_text(s, what, "diagnosis", p->diagnosis, sizeof p->diagnosis, false)) ||
	    (err = check_text(s, what, "notes", p->notes, sizeof p->notes, true)))
		return err;
	if (!store_code_valid(p->code))
		return store_fail(s, POISE_E_INVALID, "%s: '%s' is not a valid patient code (1–%d "
		                  "letters, digits, '.', '_' or '-')", what, p->code, STORE_CODE_MAX);
	if (p->birth_year != 0 && (p->birth_year < 1880 || p->birth_year > 2200))
		return store_fail(s, POISE_E_INVALID, "%s: birth year %d is out of range", what,
		                  p->birth_year);
	if (p->height_cm < 0 || p->weight_kg < 0 || !isfinite(p->height_cm) ||
	    !isfinite(p->weight_kg))
		return store_fail(s, POISE_E_INVALID, "%s: height and weight must be positive", what);
	if (p->sex[0] && strcmp(p->sex, "female") && strcmp(p->sex, "male") && strcmp(p->sex, "other"))
		return store_fail(s, POISE_E_INVALID, "%s: sex is female, male or other, not '%s'", what, p->sex);
	if (p->affected_side[0] && strcmp(p->affected_side, "left") && strcmp(p->affected_side, "right") &&
	    strcmp(p->affected_side, "both") && strcmp(p->affected_side, "none"))
		return store_fail(s, POISE_E_INVALID, "%s: the affected side is left, right, both or none, not '%s'",
		                  what, p->affected_side);
	return POISE_OK;
}

static int code_taken(store *s, const char *code, const char *what)
{
	return store_fail(s, POISE_E_EXISTS, "%s: a patient with code '%s' already exists", what, code);
}

int store_patient_add(store *s, const store_patient *p, int64_t *id)
{
	const char *what = "cannot add the patient";
	int err = need_writer(s, what);
	if (err || (err = check_patient(s, p, what)))
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st,
	                "INSERT INTO patient (code, display_name, birth_year, height_cm, weight_kg,"
	                " notes, created_at, sex, affected_side, diagnosis)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                what)))
		return err;
	char now[STORE_TIME_LEN];
	store_now_iso(now);
	sqlite3_bind_text(st, 1, p->code, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 2, p->display_name);
	if (p->birth_year)
		sqlite3_bind_int(st, 3, p->birth_year);
	else
		sqlite3_bind_null(st, 3);
	bind_pos_or_null(st, 4, p->height_cm);
	bind_pos_or_null(st, 5, p->weight_kg);
	bind_text_or_null(st, 6, p->notes);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 8, p->sex);
	bind_text_or_null(st, 9, p->affected_side);
	bind_text_or_null(st, 10, p->diagnosis);
	err = run(s, st, what);
	if (err == POISE_E_EXISTS)
		return code_taken(s, p->code, what);
	if (!err && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return err;
}

#define PATIENT_COLS \
	"id, code, display_name, birth_year, height_cm, weight_kg, notes, created_at, sex, affected_side," \
	" diagnosis"

static void fill_patient(sqlite3_stmt *st, void *elem)
{
	store_patient *p = elem;
	p->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, p->code, sizeof p->code);
	col_text(st, 2, p->display_name, sizeof p->display_name);
	p->birth_year = sqlite3_column_int(st, 3);
	p->height_cm = col_double_or(st, 4, 0);
	p->weight_kg = col_double_or(st, 5, 0);
	col_text(st, 6, p->notes, sizeof p->notes);
	col_text(st, 7, p->created_at, sizeof p->created_at);
	col_text(st, 8, p->sex, sizeof p->sex);
	col_text(st, 9, p->affected_side, sizeof p->affected_side);
	col_text(st, 10, p->diagnosis, sizeof p->diagnosis);
}

/* Runs st (one row expected) into out via fill; NOT_FOUND if no row. */
static int get_one(store *s, sqlite3_stmt *st, size_t elem, row_fill fill, void *out,
                   const char *what, const char *missing)
{
	void *arr;
	size_t n;
	int err = collect(s, st, elem, fill, &arr, &n, what);
	if (err)
		return err;
	if (n == 0)
		return store_fail(s, POISE_E_NOT_FOUND, "%s", missing);
	memcpy(out, arr, elem);
	free(arr);
	return POISE_OK;
}

int store_patient_get(store *s, const char *code, store_patient *out)
{
	const char *what = "cannot look the patient up";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT " PATIENT_COLS " FROM patient WHERE code = ?", what);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, code ? code : "", -1, SQLITE_TRANSIENT);
	char missing[160];
	snprintf(missing, sizeof missing, "there is no patient '%s' in %s", code ? code : "", s->path);
	return get_one(s, st, sizeof *out, fill_patient, out, what, missing);
}

int store_patient_list(store *s, store_patient **out, size_t *n)
{
	const char *what = "cannot list the patients";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT " PATIENT_COLS " FROM patient ORDER BY code", what);
	return err ? err : collect(s, st, sizeof **out, fill_patient, (void **)out, n, what);
}

int store_patient_update(store *s, const store_patient *p)
{
	const char *what = "cannot change the patient";
	int err = need_writer(s, what);
	if (err || (err = check_patient(s, p, what)))
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st,
	                "UPDATE patient SET code = ?, display_name = ?, birth_year = ?, height_cm = ?,"
	                " weight_kg = ?, notes = ?, sex = ?, affected_side = ?, diagnosis = ? WHERE id = ?",
	                what)))
		return err;
	sqlite3_bind_text(st, 1, p->code, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 2, p->display_name);
	if (p->birth_year)
		sqlite3_bind_int(st, 3, p->birth_year);
	else
		sqlite3_bind_null(st, 3);
	bind_pos_or_null(st, 4, p->height_cm);
	bind_pos_or_null(st, 5, p->weight_kg);
	bind_text_or_null(st, 6, p->notes);
	bind_text_or_null(st, 7, p->sex);
	bind_text_or_null(st, 8, p->affected_side);
	bind_text_or_null(st, 9, p->diagnosis);
	sqlite3_bind_int64(st, 10, p->id);
	err = run(s, st, what);
	if (err == POISE_E_EXISTS)
		return code_taken(s, p->code, what);
	if (!err && sqlite3_changes(s->db) == 0)
		return store_fail(s, POISE_E_NOT_FOUND, "%s: there is no patient with id %lld", what,
		                  (long long)p->id);
	return err;
}

int store_patient_rename(store *s, const char *code, const char *new_code)
{
	store_patient p;
	int err = store_patient_get(s, code, &p);
	if (err)
		return err;
	if (!store_code_valid(new_code))
		return store_fail(s, POISE_E_INVALID, "cannot rename '%s': '%s' is not a valid patient "
		                  "code (1–%d letters, digits, '.', '_' or '-')", code,
		                  new_code ? new_code : "", STORE_CODE_MAX);
	snprintf(p.code, sizeof p.code, "%s", new_code);
	return store_patient_update(s, &p);
}

int store_patient_summary_get(store *s, int64_t patient_id, store_patient_summary *out)
{
	const char *what = "cannot count the patient's data";
	sqlite3_stmt *st;
	int err = prep(s, &st,
	               "SELECT (SELECT count(*) FROM session WHERE patient_id = ?1),"
	               " (SELECT count(*) FROM trial JOIN session ON trial.session_id = session.id"
	               "  WHERE session.patient_id = ?1),"
	               " (SELECT count(*) FROM sample JOIN trial ON sample.trial_id = trial.id"
	               "  JOIN session ON trial.session_id = session.id WHERE session.patient_id = ?1),"
	               " (SELECT count(*) FROM session WHERE patient_id = ?1 AND device_backend = ?2)",
	               what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, patient_id);
	sqlite3_bind_text(st, 2, STORE_BACKEND_SIM, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = store_fail_sqlite(s, rc, what);
		sqlite3_finalize(st);
		return err;
	}
	out->sessions = sqlite3_column_int64(st, 0);
	out->trials = sqlite3_column_int64(st, 1);
	out->samples = sqlite3_column_int64(st, 2);
	out->simulated_sessions = sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	return POISE_OK;
}

int store_patient_delete(store *s, const char *code)
{
	const char *what = "cannot delete the patient";
	int err = need_writer(s, what);
	if (err)
		return err;
	store_patient p;
	if ((err = store_patient_get(s, code, &p)))
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st, "DELETE FROM patient WHERE id = ?", what)))
		return err;
	sqlite3_bind_int64(st, 1, p.id);
	if ((err = run(s, st, what)))
		return err;
	/* Move the (zeroed) pages out of the WAL into the file. */
	sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return POISE_OK;
}

/* ---- sessions --------------------------------------------------------- */

int store_session_begin(store *s, const store_session *info, int64_t *id)
{
	const char *what = "cannot start the session";
	int err = need_writer(s, what);
	if (err || (err = check_text(s, what, "operator's name", info->operator_name,
	                             sizeof info->operator_name, false)) ||
	    (err = check_text(s, what, "session notes", info->notes, sizeof info->notes, true)) ||
	    (err = check_text(s, what, "device serial", info->device_serial, sizeof info->device_serial,
	                      false)))
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st,
	                "INSERT INTO session (patient_id, started_at, device_backend, device_serial,"
	                " operator, notes) VALUES (?, ?, ?, ?, ?, ?)",
	                what)))
		return err;
	char now[STORE_TIME_LEN];
	store_now_iso(now);
	sqlite3_bind_int64(st, 1, info->patient_id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, info->device_backend, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, info->device_serial, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 5, info->operator_name);
	bind_text_or_null(st, 6, info->notes);
	err = run(s, st, what);
	if (err == POISE_E_INVALID)
		return store_fail(s, POISE_E_NOT_FOUND, "%s: there is no patient with id %lld", what,
		                  (long long)info->patient_id);
	if (!err && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return err;
}

int store_session_end(store *s, int64_t session_id)
{
	const char *what = "cannot end the session";
	int err = need_writer(s, what);
	if (err)
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st, "UPDATE session SET ended_at = ? WHERE id = ?", what)))
		return err;
	char now[STORE_TIME_LEN];
	store_now_iso(now);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, session_id);
	err = run(s, st, what);
	if (!err && sqlite3_changes(s->db) == 0)
		return store_fail(s, POISE_E_NOT_FOUND, "%s: there is no session %lld", what,
		                  (long long)session_id);
	return err;
}

#define SESSION_COLS \
	"id, patient_id, started_at, ended_at, device_backend, device_serial, operator, notes, comment"

static void fill_session(sqlite3_stmt *st, void *elem)
{
	store_session *x = elem;
	x->id = sqlite3_column_int64(st, 0);
	x->patient_id = sqlite3_column_int64(st, 1);
	col_text(st, 2, x->started_at, sizeof x->started_at);
	col_text(st, 3, x->ended_at, sizeof x->ended_at);
	col_text(st, 4, x->device_backend, sizeof x->device_backend);
	col_text(st, 5, x->device_serial, sizeof x->device_serial);
	col_text(st, 6, x->operator_name, sizeof x->operator_name);
	col_text(st, 7, x->notes, sizeof x->notes);
	col_text(st, 8, x->comment, sizeof x->comment);
}

int store_session_comment_set(store *s, int64_t session_id, const char *comment)
{
	const char *what = "cannot save the session's comment";
	int err = need_writer(s, what);
	if (err)
		return err;
	if ((err = check_text(s, what, "comment", comment, sizeof ((store_session *)0)->comment, true)))
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st, "UPDATE session SET comment = ? WHERE id = ?", what)))
		return err;
	bind_text_or_null(st, 1, comment);
	sqlite3_bind_int64(st, 2, session_id);
	err = run(s, st, what);
	if (!err && sqlite3_changes(s->db) == 0)
		return store_fail(s, POISE_E_NOT_FOUND, "%s: there is no session %lld", what, (long long)session_id);
	return err;
}

bool store_session_is_simulated(const store_session *se)
{
	return strcmp(se->device_backend, STORE_BACKEND_SIM) == 0;
}

int store_session_get(store *s, int64_t session_id, store_session *out)
{
	const char *what = "cannot read the session";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT " SESSION_COLS " FROM session WHERE id = ?", what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, session_id);
	char missing[96];
	snprintf(missing, sizeof missing, "there is no session %lld", (long long)session_id);
	return get_one(s, st, sizeof *out, fill_session, out, what, missing);
}

int store_sessions(store *s, int64_t patient_id, store_session **out, size_t *n)
{
	const char *what = "cannot list the sessions";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT " SESSION_COLS " FROM session WHERE patient_id = ? ORDER BY id",
	               what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, patient_id);
	return collect(s, st, sizeof **out, fill_session, (void **)out, n, what);
}

/* ---- trials ----------------------------------------------------------- */

static const char *const status_names[] = {
	[STORE_COMPLETE] = "complete",
	[STORE_ABORTED] = "aborted",
	[STORE_STEPPED_OFF] = "stepped-off",
	[STORE_DEVICE_LOST] = "device-lost",
	[STORE_CRASHED] = "crashed",
};

const char *store_status_name(enum store_status st)
{
	return (unsigned)st <= STORE_CRASHED ? status_names[st] : "crashed";
}

static enum store_status status_parse(const char *t)
{
	for (int i = 0; i <= STORE_CRASHED; i++)
		if (t && strcmp(t, status_names[i]) == 0)
			return (enum store_status)i;
	return STORE_CRASHED;
}

bool store_kind_valid(const char *kind)
{
	return kind && strlen(kind) < sizeof ((store_trial *)0)->kind && kind_known(kind);
}

int store_trial_begin(store *s, int64_t session_id, const char *kind, const char *params_json,
                      const char *level_json, double rate_hz, int64_t *id)
{
	const char *what = "cannot start the trial";
	int err = need_writer(s, what);
	if (err)
		return err;
	if (!store_kind_valid(kind))
		return store_fail(s, POISE_E_INVALID, "%s: '%s' is not a trial kind (quiet-eo, quiet-ec, "
		                  "quiet-eo-foam, quiet-ec-foam, los, symmetry, squat, sit-to-stand, test:<test>, "
		                  "game:<id>)", what, kind ? kind : "");
	if (params_json && strlen(params_json) >= sizeof ((store_trial *)0)->params_json)
		return store_fail(s, POISE_E_INVALID, "%s: the parameters are too long", what);
	if (level_json && strlen(level_json) >= sizeof ((store_trial *)0)->level_json)
		return store_fail(s, POISE_E_INVALID, "%s: the level is too long", what);
	sqlite3_stmt *st;
	if ((err = prep(s, &st,
	                "INSERT INTO trial (session_id, kind, params, level, started_at, rate_hz, status)"
	                " VALUES (?, ?, ?, ?, ?, ?, 'crashed')",
	                what)))
		return err;
	char now[STORE_TIME_LEN];
	store_now_iso(now);
	sqlite3_bind_int64(st, 1, session_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, params_json && *params_json ? params_json : "{}", -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 4, level_json);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
	bind_pos_or_null(st, 6, rate_hz);
	err = run(s, st, what);
	if (err == POISE_E_INVALID)
		return store_fail(s, POISE_E_INVALID, "%s: no session %lld, or the parameters or level "
		                  "are not valid JSON", what, (long long)session_id);
	if (!err && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return err;
}

int store_trial_end(store *s, int64_t trial_id, enum store_status status, double duration_s)
{
	const char *what = "cannot end the trial";
	int err = need_writer(s, what);
	if (err)
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st,
	                "UPDATE trial SET status = ?, duration_s = ?,"
	                " n_samples = (SELECT count(*) FROM sample WHERE trial_id = ?3) WHERE id = ?3",
	                what)))
		return err;
	sqlite3_bind_text(st, 1, store_status_name(status), -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, isfinite(duration_s) && duration_s > 0 ? duration_s : 0);
	sqlite3_bind_int64(st, 3, trial_id);
	err = run(s, st, what);
	if (!err && sqlite3_changes(s->db) == 0)
		return store_fail(s, POISE_E_NOT_FOUND, "%s: there is no trial %lld", what,
		                  (long long)trial_id);
	return err;
}

#define TRIAL_COLS \
	"id, session_id, kind, params, level, started_at, rate_hz, duration_s, n_samples, status"

static void fill_trial(sqlite3_stmt *st, void *elem)
{
	store_trial *t = elem;
	t->id = sqlite3_column_int64(st, 0);
	t->session_id = sqlite3_column_int64(st, 1);
	col_text(st, 2, t->kind, sizeof t->kind);
	col_text(st, 3, t->params_json, sizeof t->params_json);
	col_text(st, 4, t->level_json, sizeof t->level_json);
	col_text(st, 5, t->started_at, sizeof t->started_at);
	t->rate_hz = col_double_or(st, 6, 0);
	t->duration_s = col_double_or(st, 7, 0);
	t->n_samples = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 8);
	t->status = status_parse((const char *)sqlite3_column_text(st, 9));
}

int store_trial_get(store *s, int64_t trial_id, store_trial *out)
{
	const char *what = "cannot read the trial";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT " TRIAL_COLS " FROM trial WHERE id = ?", what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, trial_id);
	char missing[96];
	snprintf(missing, sizeof missing, "there is no trial %lld", (long long)trial_id);
	return get_one(s, st, sizeof *out, fill_trial, out, what, missing);
}

int store_trials(store *s, int64_t session_id, store_trial **out, size_t *n)
{
	const char *what = "cannot list the trials";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT " TRIAL_COLS " FROM trial WHERE session_id = ? ORDER BY id",
	               what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, session_id);
	return collect(s, st, sizeof **out, fill_trial, (void **)out, n, what);
}

int store_trial_param(store *s, int64_t trial_id, const char *path, double *num, char *text,
                      size_t text_len)
{
	const char *what = "cannot read the trial's parameters";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT json_type(params, ?1), json_extract(params, ?1) FROM trial WHERE id = ?2",
	               what);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, trial_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? store_fail(s, POISE_E_NOT_FOUND, "there is no trial %lld", (long long)trial_id)
		                        : store_fail_sqlite(s, rc, what);
		sqlite3_finalize(st);
		return err;
	}
	const unsigned char *type = sqlite3_column_text(st, 0);
	if (!type) {
		sqlite3_finalize(st);
		return store_fail(s, POISE_E_NOT_FOUND, "trial %lld has no parameter %s", (long long)trial_id, path);
	}
	bool number = strcmp((const char *)type, "integer") == 0 || strcmp((const char *)type, "real") == 0;
	if (num)
		*num = number ? sqlite3_column_double(st, 1)
		     : strcmp((const char *)type, "true") == 0 ? 1 : strcmp((const char *)type, "false") == 0 ? 0 : NAN;
	if (text)
		col_text(st, 1, text, text_len);
	sqlite3_finalize(st);
	return POISE_OK;
}

int store_trial_param_at(void *ctx, const char *path, double *num, char *text, size_t text_len)
{
	store_trial_ref *t = ctx;
	return store_trial_param(t->s, t->trial_id, path, num, text, text_len);
}

int store_json_get(store *s, const char *json, const char *path, double *num, char *text, size_t text_len)
{
	const char *what = "cannot read a JSON value";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT json_valid(?1), CASE WHEN json_valid(?1) THEN json_type(?1, ?2) END, "
	               "CASE WHEN json_valid(?1) THEN json_extract(?1, ?2) END", what);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_int(st, 0) != 1) {
		err = rc == SQLITE_ROW ? store_fail(s, POISE_E_PARSE, "not valid JSON: %.80s", json)
		                       : store_fail_sqlite(s, rc, what);
		sqlite3_finalize(st);
		return err;
	}
	const unsigned char *type = sqlite3_column_text(st, 1);
	if (!type) {
		sqlite3_finalize(st);
		return POISE_E_NOT_FOUND; /* a missing optional key is not an error worth a message */
	}
	bool number = strcmp((const char *)type, "integer") == 0 || strcmp((const char *)type, "real") == 0;
	if (num)
		*num = number ? sqlite3_column_double(st, 2)
		     : strcmp((const char *)type, "true") == 0 ? 1 : strcmp((const char *)type, "false") == 0 ? 0 : NAN;
	if (text)
		col_text(st, 2, text, text_len);
	sqlite3_finalize(st);
	return POISE_OK;
}

/* ---- samples, events, metrics ----------------------------------------- */

static void fill_sample(sqlite3_stmt *st, void *elem)
{
	store_sample *x = elem;
	x->t_us = sqlite3_column_int64(st, 0);
	x->flags = (uint32_t)sqlite3_column_int64(st, 1);
	x->x_mm = col_double_or(st, 2, NAN);
	x->y_mm = col_double_or(st, 3, NAN);
	x->fz_n = sqlite3_column_double(st, 4);
	for (int c = 0; c < 4; c++)
		x->force_n[c] = sqlite3_column_double(st, 5 + c);
}

int store_samples(store *s, int64_t trial_id, store_sample **out, size_t *n)
{
	const char *what = "cannot read the samples";
	sqlite3_stmt *st;
	int err = prep(s, &st,
	               "SELECT t_us, flags, cop_x_mm, cop_y_mm, fz_n, f_tl_n, f_tr_n, f_bl_n, f_br_n"
	               " FROM sample WHERE trial_id = ? ORDER BY i",
	               what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, trial_id);
	return collect(s, st, sizeof **out, fill_sample, (void **)out, n, what);
}

int store_event_add(store *s, int64_t trial_id, int64_t t_us, const char *kind, const char *detail)
{
	const char *what = "cannot save the event";
	int err = need_writer(s, what);
	if (err)
		return err;
	if (!kind || !*kind || strlen(kind) >= sizeof ((store_event *)0)->kind)
		return store_fail(s, POISE_E_INVALID, "%s: bad event kind", what);
	sqlite3_stmt *st;
	if ((err = prep(s, &st, "INSERT INTO event (trial_id, t_us, kind, detail) VALUES (?, ?, ?, ?)",
	                what)))
		return err;
	sqlite3_bind_int64(st, 1, trial_id);
	sqlite3_bind_int64(st, 2, t_us);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_TRANSIENT);
	return run(s, st, what);
}

static void fill_event(sqlite3_stmt *st, void *elem)
{
	store_event *e = elem;
	e->t_us = sqlite3_column_int64(st, 0);
	col_text(st, 1, e->kind, sizeof e->kind);
	col_text(st, 2, e->detail, sizeof e->detail);
}

int store_events(store *s, int64_t trial_id, store_event **out, size_t *n)
{
	const char *what = "cannot read the events";
	sqlite3_stmt *st;
	int err = prep(s, &st,
	               "SELECT t_us, kind, detail FROM event WHERE trial_id = ? ORDER BY t_us, id", what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, trial_id);
	return collect(s, st, sizeof **out, fill_event, (void **)out, n, what);
}

static int metric_put(store *s, sqlite3_stmt *st, int64_t trial_id, const char *name, double value,
                      const char *unit, const char *what)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, trial_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	if (isfinite(value))
		sqlite3_bind_double(st, 3, value);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, unit ? unit : "", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	return rc == SQLITE_DONE ? POISE_OK : store_fail_sqlite(s, rc, what);
}

#define METRIC_PUT_SQL "INSERT OR REPLACE INTO metric (trial_id, name, value, unit) VALUES (?, ?, ?, ?)"

int store_metric_put(store *s, int64_t trial_id, const char *name, double value, const char *unit)
{
	const char *what = "cannot save the metric";
	int err = need_writer(s, what);
	if (err)
		return err;
	if (!name || !*name || strlen(name) >= sizeof ((store_metric *)0)->name ||
	    (unit && strlen(unit) >= sizeof ((store_metric *)0)->unit))
		return store_fail(s, POISE_E_INVALID, "%s: bad metric name or unit", what);
	sqlite3_stmt *st;
	if ((err = prep(s, &st, METRIC_PUT_SQL, what)))
		return err;
	err = metric_put(s, st, trial_id, name, value, unit, what);
	sqlite3_finalize(st);
	return err;
}

int store_metrics_put_static(store *s, int64_t trial_id, const met_static *m)
{
	const char *what = "cannot save the trial's metrics";
	int err = need_writer(s, what);
	if (err)
		return err;
	sqlite3_stmt *st;
	if ((err = prep(s, &st, METRIC_PUT_SQL, what)))
		return err;
	if ((err = store_exec(s, "SAVEPOINT metrics", what))) {
		sqlite3_finalize(st);
		return err;
	}
	err = metric_put(s, st, trial_id, "n_samples", (double)m->n_samples, "", what);
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	for (size_t i = 0; i < nf && !err; i++)
		err = metric_put(s, st, trial_id, f[i].key, met_field_value(m, &f[i]), f[i].unit, what);
	sqlite3_finalize(st);
	if (err) {
		sqlite3_exec(s->db, "ROLLBACK TO metrics; RELEASE metrics", NULL, NULL, NULL);
		return err;
	}
	return store_exec(s, "RELEASE metrics", what);
}

static void fill_metric(sqlite3_stmt *st, void *elem)
{
	store_metric *m = elem;
	col_text(st, 0, m->name, sizeof m->name);
	m->value = col_double_or(st, 1, NAN);
	col_text(st, 2, m->unit, sizeof m->unit);
}

double store_metric_find(const store_metric *m, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(m[k].name, name) == 0)
			return m[k].value;
	return NAN;
}

int store_metrics(store *s, int64_t trial_id, store_metric **out, size_t *n)
{
	const char *what = "cannot read the metrics";
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT name, value, unit FROM metric WHERE trial_id = ? ORDER BY name",
	               what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, trial_id);
	store_metric *arr;
	size_t cnt;
	if ((err = collect(s, st, sizeof *arr, fill_metric, (void **)&arr, &cnt, what)))
		return err;
	/* Catalogue order first (n_samples, then met_static_fields()), the
	 * rest as they came (by name): a stable partition by rank. */
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	size_t k = 0;
	for (size_t r = 0; r <= nf; r++) {
		const char *key = r == 0 ? "n_samples" : f[r - 1].key;
		for (size_t i = k; i < cnt; i++) {
			if (strcmp(arr[i].name, key) == 0) {
				store_metric tmp = arr[i];
				memmove(&arr[k + 1], &arr[k], (i - k) * sizeof *arr);
				arr[k++] = tmp;
				break;
			}
		}
	}
	*out = arr;
	*n = cnt;
	return POISE_OK;
}

/* ---- prescriptions ---------------------------------------------------- */

/* True if text is valid JSON (SQLite's json_valid). */
static bool json_valid_text(store *s, const char *text)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT json_valid(?)", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	bool ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	return ok;
}

bool store_json_is_object(store *s, const char *text)
{
	sqlite3_stmt *st;
	if (!text || sqlite3_prepare_v2(s->db, "SELECT json_valid(?1) AND json_type(?1) = 'object'", -1, &st,
	                                NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	bool ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	return ok;
}

int store_prescription_set(store *s, int64_t patient_id, const store_prescription *p)
{
	const char *what = "cannot save the prescription";
	int err = need_writer(s, what);
	if (err)
		return err;
	if (!p->game[0] || p->level_min < 1 || p->level_max > 10 || p->level_min > p->level_max ||
	    !(p->los_min_pct >= 0) || !(p->los_max_pct >= p->los_min_pct) || p->los_max_pct > 150 ||
	    !(p->duration_s > 0) || !isfinite(p->duration_s))
		return store_fail(s, POISE_E_INVALID, "%s: levels must be 1 ≤ min ≤ max ≤ 10, the LOS "
		                  "range 0 ≤ min ≤ max ≤ 150 %%, the duration positive", what);
	sqlite3_stmt *st;
	if ((err = prep(s, &st,
	                "INSERT OR REPLACE INTO prescription (patient_id, game, level_min, level_max,"
	                " adaptive, los_min_pct, los_max_pct, duration_s, updated_at, options)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                what)))
		return err;
	char now[STORE_TIME_LEN];
	store_now_iso(now);
	sqlite3_bind_int64(st, 1, patient_id);
	sqlite3_bind_text(st, 2, p->game, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, p->level_min);
	sqlite3_bind_int(st, 4, p->level_max);
	sqlite3_bind_int(st, 5, p->adaptive ? 1 : 0);
	sqlite3_bind_double(st, 6, p->los_min_pct);
	sqlite3_bind_double(st, 7, p->los_max_pct);
	sqlite3_bind_double(st, 8, p->duration_s);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, p->options_json[0] ? p->options_json : "{}", -1, SQLITE_TRANSIENT);
	if (p->options_json[0] && !json_valid_text(s, p->options_json)) {
		sqlite3_finalize(st);
		return store_fail(s, POISE_E_INVALID, "%s: the options are not valid JSON: %s", what,
		                  p->options_json);
	}
	err = run(s, st, what);
	if (err == POISE_E_INVALID)
		return store_fail(s, POISE_E_NOT_FOUND, "%s: there is no patient with id %lld", what,
		                  (long long)patient_id);
	return err;
}

#define PRESCRIPTION_COLS \
	"game, level_min, level_max, adaptive, los_min_pct, los_max_pct, duration_s, updated_at, options"

static void fill_prescription(sqlite3_stmt *st, void *elem)
{
	store_prescription *p = elem;
	col_text(st, 0, p->game, sizeof p->game);
	p->level_min = sqlite3_column_int(st, 1);
	p->level_max = sqlite3_column_int(st, 2);
	p->adaptive = sqlite3_column_int(st, 3) != 0;
	p->los_min_pct = sqlite3_column_double(st, 4);
	p->los_max_pct = sqlite3_column_double(st, 5);
	p->duration_s = sqlite3_column_double(st, 6);
	col_text(st, 7, p->updated_at, sizeof p->updated_at);
	col_text(st, 8, p->options_json, sizeof p->options_json);
}

int store_prescription_get(store *s, int64_t patient_id, const char *game,
                           store_prescription *out)
{
	const char *what = "cannot read the prescription";
	sqlite3_stmt *st;
	int err = prep(s, &st,
	               "SELECT " PRESCRIPTION_COLS " FROM prescription WHERE patient_id = ? AND game = ?",
	               what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, patient_id);
	sqlite3_bind_text(st, 2, game ? game : "", -1, SQLITE_TRANSIENT);
	char missing[128];
	snprintf(missing, sizeof missing, "no prescription for the game '%s'", game ? game : "");
	return get_one(s, st, sizeof *out, fill_prescription, out, what, missing);
}

int store_prescriptions(store *s, int64_t patient_id, store_prescription **out, size_t *n)
{
	const char *what = "cannot list the prescriptions";
	sqlite3_stmt *st;
	int err = prep(s, &st,
	               "SELECT " PRESCRIPTION_COLS " FROM prescription WHERE patient_id = ? ORDER BY game",
	               what);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, patient_id);
	return collect(s, st, sizeof **out, fill_prescription, (void **)out, n, what);
}

/* ---- plate checks ------------------------------------------------------ */

static void bind_num_or_null(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int store_check_add(store *s, const store_check *c, int64_t *id)
{
	const char *what = "cannot save the plate check";
	int err = need_writer(s, what);
	if (err)
		return err;
	if (!c->device_backend[0] || !c->kind[0])
		return store_fail(s, POISE_E_INVALID, "%s: the plate and the kind of check are needed", what);
	sqlite3_stmt *st;
	if ((err = prep(s, &st,
	                "INSERT INTO device_check (device_backend, device_serial, checked_at, kind, mass_kg,"
	                " position, expected_x_mm, expected_y_mm, measured_x_mm, measured_y_mm, measured_kg,"
	                " error_mm, error_kg, passed, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                what)))
		return err;
	char now[STORE_TIME_LEN];
	store_now_iso(now);
	sqlite3_bind_text(st, 1, c->device_backend, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->device_serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, c->kind, -1, SQLITE_TRANSIENT);
	bind_pos_or_null(st, 5, c->mass_kg);
	bind_text_or_null(st, 6, c->position);
	bind_num_or_null(st, 7, c->expected_x_mm);
	bind_num_or_null(st, 8, c->expected_y_mm);
	bind_num_or_null(st, 9, c->measured_x_mm);
	bind_num_or_null(st, 10, c->measured_y_mm);
	bind_num_or_null(st, 11, c->measured_kg);
	bind_num_or_null(st, 12, c->error_mm);
	bind_num_or_null(st, 13, c->error_kg);
	sqlite3_bind_int(st, 14, c->passed ? 1 : 0);
	bind_text_or_null(st, 15, c->note);
	err = run(s, st, what);
	if (!err && id)
		*id = sqlite3_last_insert_rowid(s->db);
	return err;
}

static void fill_check(sqlite3_stmt *st, void *elem)
{
	store_check *c = elem;
	c->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, c->device_backend, sizeof c->device_backend);
	col_text(st, 2, c->device_serial, sizeof c->device_serial);
	col_text(st, 3, c->checked_at, sizeof c->checked_at);
	col_text(st, 4, c->kind, sizeof c->kind);
	c->mass_kg = col_double_or(st, 5, 0);
	col_text(st, 6, c->position, sizeof c->position);
	c->expected_x_mm = col_double_or(st, 7, NAN);
	c->expected_y_mm = col_double_or(st, 8, NAN);
	c->measured_x_mm = col_double_or(st, 9, NAN);
	c->measured_y_mm = col_double_or(st, 10, NAN);
	c->measured_kg = col_double_or(st, 11, NAN);
	c->error_mm = col_double_or(st, 12, NAN);
	c->error_kg = col_double_or(st, 13, NAN);
	c->passed = sqlite3_column_int(st, 14) != 0;
	col_text(st, 15, c->note, sizeof c->note);
}

int store_checks(store *s, const char *backend, const char *serial, store_check **out, size_t *n)
{
	const char *what = "cannot list the plate checks";
	sqlite3_stmt *st;
	int err = prep(s, &st,
	               "SELECT id, device_backend, device_serial, checked_at, kind, mass_kg, position,"
	               " expected_x_mm, expected_y_mm, measured_x_mm, measured_y_mm, measured_kg, error_mm,"
	               " error_kg, passed, note FROM device_check WHERE device_backend = ? AND device_serial = ?"
	               " ORDER BY id",
	               what);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, backend ? backend : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, serial ? serial : "", -1, SQLITE_TRANSIENT);
	return collect(s, st, sizeof **out, fill_check, (void **)out, n, what);
}

/* ---- settings ---------------------------------------------------------- */

static bool setting_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	return n >= 1 && n <= 64;
}

int store_setting_get(store *s, const char *key, char *value, size_t len)
{
	const char *what = "cannot read the setting";
	if (!setting_key_ok(key))
		return store_fail(s, POISE_E_INVALID, "%s: a setting's name has 1 to 64 characters", what);
	sqlite3_stmt *st;
	int err = prep(s, &st, "SELECT value FROM setting WHERE key = ?", what);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_text(st, 0, value, len);
		err = POISE_OK;
	} else {
		err = rc == SQLITE_DONE ? store_fail(s, POISE_E_NOT_FOUND, "the setting %s is not set", key)
		                        : store_fail_sqlite(s, rc, what);
	}
	sqlite3_finalize(st);
	return err;
}

int store_setting_set(store *s, const char *key, const char *value)
{
	const char *what = "cannot save the setting";
	int err = need_writer(s, what);
	if (err)
		return err;
	if (!setting_key_ok(key) || !value)
		return store_fail(s, POISE_E_INVALID, "%s: a setting's name has 1 to 64 characters and it "
		                  "needs a value", what);
	sqlite3_stmt *st;
	if ((err = prep(s, &st, "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", what)))
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
	return run(s, st, what);
}
