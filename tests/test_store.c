/* The station database, the recorder and the export, on real SQLite files
 * in temporary directories: schema and migrations, refusing foreign,
 * damaged and newer files without touching them, patient CRUD and delete,
 * the recorder at 1000 Hz for 60 s with every sample present, a process
 * dying mid-trial, a full disk (RLIMIT_FSIZE), file modes. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_assert.h"

#include "test_util.h"

#include "core/error.h"
#include "core/pipeline.h"
#include "store/export.h"
#include "store/recorder.h"
#include "store/schema.h"
#include "store/store.h"

typedef struct fx {
	char *dir;
	char db[600];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	snprintf(f->db, sizeof f->db, "%s/poise.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

static store *open_ok(const char *path, unsigned flags)
{
	store *s = NULL;
	char msg[512] = "";
	int rc = store_open(&s, path, flags, msg, sizeof msg);
	if (rc != POISE_OK)
		fail_msg("store_open(%s) = %s: %s", path, poise_err_name(rc), msg);
	return s;
}

static int64_t add_patient(store *s, const char *code)
{
	store_patient p = {0};
	snprintf(p.code, sizeof p.code, "%s", code);
	int64_t id = 0;
	int rc = store_patient_add(s, &p, &id);
	if (rc)
		fail_msg("add %s: %s", code, store_errmsg(s));
	return id;
}

static int64_t add_session(store *s, int64_t patient_id)
{
	store_session info = {.patient_id = patient_id};
	strcpy(info.device_backend, "sim");
	strcpy(info.device_serial, "SIM-0001");
	int64_t id = 0;
	assert_int_equal(store_session_begin(s, &info, &id), POISE_OK);
	return id;
}

static int mode_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	return (int)(st.st_mode & 0777);
}

static int raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A whole file and its modification time, to prove it was not touched. */
typedef struct snapshot {
	char *bytes;
	size_t len;
	struct timespec mtime;
} snapshot;

static snapshot snap(const char *path)
{
	snapshot s = {0};
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	s.mtime = st.st_mtim;
	s.len = (size_t)st.st_size;
	s.bytes = malloc(s.len + 1);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(s.bytes, 1, s.len, f), s.len);
	fclose(f);
	return s;
}

static void assert_untouched(const char *path, snapshot *before)
{
	snapshot now = snap(path);
	assert_int_equal(now.len, before->len);
	assert_memory_equal(now.bytes, before->bytes, now.len);
	assert_int_equal(now.mtime.tv_sec, before->mtime.tv_sec);
	assert_int_equal(now.mtime.tv_nsec, before->mtime.tv_nsec);
	free(now.bytes);
	free(before->bytes);
}

/* ---- schema, migrations, refusals ----------------------------------- */

static void fresh_database_has_the_schema_mode_0600_and_wal(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	assert_int_equal(mode_of(f->db), 0600);
	char p[700];
	snprintf(p, sizeof p, "%s-wal", f->db);
	assert_int_equal(mode_of(p), 0600);
	snprintf(p, sizeof p, "%s-shm", f->db);
	assert_int_equal(mode_of(p), 0600);
	store_close(s);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(f->db, "PRAGMA application_id"), STORE_APPLICATION_ID);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND"
	                                " name IN ('patient', 'session', 'trial', 'sample', 'event',"
	                                " 'metric', 'prescription')"),
	                 7);
	/* journal_mode is persistent in the file header for WAL. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* Reopening changes nothing. */
	s = open_ok(f->db, 0);
	store_close(s);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
}

static void migration_list_is_numbered_to_the_schema_version(void **state)
{
	(void)state;
	size_t n;
	const store_migration *m = store_migrations(&n);
	assert_int_equal(n, STORE_SCHEMA_VERSION);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(m[i].version, (int)i + 1);
}

/* The mechanism a later issue will use: one more step appended. */
static const char v2_sql[] = "CREATE TABLE assessment (id INTEGER PRIMARY KEY,"
                             " trial_id INTEGER REFERENCES trial(id) ON DELETE CASCADE,"
                             " score REAL);"
                             "ALTER TABLE patient ADD COLUMN side TEXT;"
                             "UPDATE patient SET side = 'left';";

static void migrating_from_version_1_keeps_the_data(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t pid = add_patient(s, "P01");
	int64_t sid = add_session(s, pid);
	int64_t tid;
	assert_int_equal(store_trial_begin(s, sid, "quiet-eo", "{\"eyes\":\"open\"}", NULL, 100, &tid),
	                 POISE_OK);
	assert_int_equal(store_trial_end(s, tid, STORE_COMPLETE, 30), POISE_OK);
	store_close(s);

	size_t n;
	const store_migration *builtin = store_migrations(&n);
	store_migration steps[8];
	memcpy(steps, builtin, n * sizeof *steps);
	steps[n] = (store_migration){(int)n + 1, v2_sql};
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	char msg[400] = "";
	assert_int_equal(store_migrate(db, steps, n + 1, msg, sizeof msg), POISE_OK);
	/* Running it again is a no-op. */
	assert_int_equal(store_migrate(db, steps, n + 1, msg, sizeof msg), POISE_OK);
	sqlite3_close(db);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION + 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM patient WHERE code = 'P01' AND"
	                                " side = 'left'"),
	                 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM trial WHERE status = 'complete' AND"
	                                " json_extract(params, '$.eyes') = 'open'"),
	                 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM assessment"), 0);

	/* This program does not know that version: it refuses, and changes
	 * nothing. */
	snapshot before = snap(f->db);
	store *s2 = NULL;
	for (unsigned flags = 0; flags <= STORE_READ_ONLY; flags += STORE_READ_ONLY) {
		int rc = store_open(&s2, f->db, flags, msg, sizeof msg);
		assert_int_equal(rc, POISE_E_UNSUPPORTED);
		assert_null(s2);
		assert_non_null(strstr(msg, "newer Poise"));
		char want[32];
		snprintf(want, sizeof want, "schema %d", STORE_SCHEMA_VERSION + 1);
		assert_non_null(strstr(msg, want));
	}
	assert_untouched(f->db, &before);
}

/* A station's database from Poise 0.1 (schema 1) opens in this Poise:
 * upgraded in place, every patient and trial kept, the new fields empty
 * until set. */
static void a_version_1_database_is_upgraded_with_its_data(void **state)
{
	fx *f = *state;
	size_t n;
	const store_migration *builtin = store_migrations(&n);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	char msg[400] = "";
	assert_int_equal(store_migrate(db, builtin, 1, msg, sizeof msg), POISE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO patient (code, height_cm, notes, created_at)"
	                              " VALUES ('OLD-1', 172, 'likes slalom', '2024-05-02T09:30:12.345Z');"
	                              "INSERT INTO session (patient_id, started_at, device_backend)"
	                              " VALUES (1, '2024-05-02T09:31:00.000Z', 'usb');"
	                              "INSERT INTO prescription (patient_id, game, level_min, level_max, adaptive,"
	                              " los_min_pct, los_max_pct, duration_s, updated_at)"
	                              " VALUES (1, 'reach', 2, 5, 1, 30, 70, 60, '2024-05-02T09:30:00.000Z');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), 1);
	store *s = open_ok(f->db, 0);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	store_patient p;
	assert_int_equal(store_patient_get(s, "OLD-1", &p), POISE_OK);
	assert_double_equal(p.height_cm, 172, 0);
	assert_string_equal(p.notes, "likes slalom");
	assert_string_equal(p.sex, "");
	assert_string_equal(p.diagnosis, "");
	snprintf(p.sex, sizeof p.sex, "female");
	snprintf(p.affected_side, sizeof p.affected_side, "left");
	snprintf(p.diagnosis, sizeof p.diagnosis, "MS, relapsing-remitting");
	assert_int_equal(store_patient_update(s, &p), POISE_OK);
	snprintf(p.affected_side, sizeof p.affected_side, "up");
	assert_int_equal(store_patient_update(s, &p), POISE_E_INVALID);
	store_prescription rx;
	assert_int_equal(store_prescription_get(s, p.id, "reach", &rx), POISE_OK);
	assert_int_equal(rx.level_max, 5);
	assert_string_equal(rx.options_json, "{}");
	snprintf(rx.options_json, sizeof rx.options_json, "{\"stance\": \"tandem\"}");
	assert_int_equal(store_prescription_set(s, p.id, &rx), POISE_OK);
	snprintf(rx.options_json, sizeof rx.options_json, "{stance: tandem");
	assert_int_equal(store_prescription_set(s, p.id, &rx), POISE_E_INVALID);
	assert_int_equal(store_session_comment_set(s, 1, "steadier today"), POISE_OK);
	assert_int_equal(store_session_comment_set(s, 99, "x"), POISE_E_NOT_FOUND);
	store_close(s);
	s = open_ok(f->db, STORE_READ_ONLY);
	assert_int_equal(store_patient_get(s, "OLD-1", &p), POISE_OK);
	assert_string_equal(p.sex, "female");
	assert_string_equal(p.affected_side, "left");
	assert_string_equal(p.diagnosis, "MS, relapsing-remitting");
	assert_int_equal(store_prescription_get(s, p.id, "reach", &rx), POISE_OK);
	assert_string_equal(rx.options_json, "{\"stance\": \"tandem\"}");
	store_session se;
	assert_int_equal(store_session_get(s, 1, &se), POISE_OK);
	assert_string_equal(se.comment, "steadier today");
	store_close(s);
}

static void plate_checks_and_settings(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	store_check c = {.mass_kg = 20, .expected_x_mm = 0, .expected_y_mm = 0, .measured_x_mm = 1.5,
	                 .measured_y_mm = -0.5, .measured_kg = 20.1, .error_mm = 1.58, .error_kg = 0.1,
	                 .passed = true};
	snprintf(c.device_backend, sizeof c.device_backend, "usb");
	snprintf(c.device_serial, sizeof c.device_serial, "PLATE-7");
	snprintf(c.kind, sizeof c.kind, "known-mass");
	snprintf(c.position, sizeof c.position, "centre");
	assert_int_equal(store_check_add(s, &c, NULL), POISE_OK);
	c.error_mm = NAN;
	c.passed = false;
	snprintf(c.position, sizeof c.position, "front-left");
	assert_int_equal(store_check_add(s, &c, NULL), POISE_OK);
	snprintf(c.device_serial, sizeof c.device_serial, "OTHER");
	assert_int_equal(store_check_add(s, &c, NULL), POISE_OK);
	store_check *got;
	size_t n;
	assert_int_equal(store_checks(s, "usb", "PLATE-7", &got, &n), POISE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(got[0].position, "centre");
	assert_double_equal(got[0].error_mm, 1.58, 1e-12);
	assert_true(got[0].passed);
	assert_true(isnan(got[1].error_mm));
	assert_false(got[1].passed);
	assert_true(got[1].checked_at[0]);
	free(got);
	char v[64];
	assert_int_equal(store_setting_get(s, "text_size", v, sizeof v), POISE_E_NOT_FOUND);
	assert_int_equal(store_setting_set(s, "text_size", "large"), POISE_OK);
	assert_int_equal(store_setting_set(s, "text_size", "extra-large"), POISE_OK);
	assert_int_equal(store_setting_get(s, "text_size", v, sizeof v), POISE_OK);
	assert_string_equal(v, "extra-large");
	assert_int_equal(store_setting_set(s, "", "x"), POISE_E_INVALID);
	store_close(s);
}

static void a_failing_migration_changes_nothing(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	add_patient(s, "P01");
	store_close(s);
	size_t n;
	const store_migration *builtin = store_migrations(&n);
	store_migration steps[8];
	memcpy(steps, builtin, n * sizeof *steps);
	steps[n] = (store_migration){(int)n + 1,
	                             "CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1);"};
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	char msg[400] = "";
	assert_int_not_equal(store_migrate(db, steps, n + 1, msg, sizeof msg), POISE_OK);
	char want[32];
	snprintf(want, sizeof want, "version %d", STORE_SCHEMA_VERSION + 1);
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, "nowhere"));
	sqlite3_close(db);
	assert_int_equal(raw_int(f->db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'extra'"), 0);
}

static void an_empty_file_becomes_a_database(void **state)
{
	fx *f = *state;
	int fd = open(f->db, O_WRONLY | O_CREAT, 0600);
	close(fd);
	store *s = open_ok(f->db, 0);
	add_patient(s, "P01");
	store_close(s);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM patient"), 1);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static void refuse_untouched(const char *path, int want, const char *says)
{
	snapshot before = snap(path);
	for (unsigned flags = 0; flags <= STORE_READ_ONLY; flags += STORE_READ_ONLY) {
		store *s = NULL;
		char msg[512] = "";
		int rc = store_open(&s, path, flags, msg, sizeof msg);
		if (rc != want)
			fail_msg("%s: got %s (%s), want %s", path, poise_err_name(rc), msg, poise_err_name(want));
		assert_null(s);
		if (!strstr(msg, says))
			fail_msg("%s: message '%s' lacks '%s'", path, msg, says);
		assert_non_null(strstr(msg, "left as it is"));
	}
	assert_untouched(path, &before);
	char wal[700];
	snprintf(wal, sizeof wal, "%s-wal", path);
	assert_int_equal(access(wal, F_OK), -1);
}

static void non_sqlite_and_damaged_files_are_refused_untouched(void **state)
{
	fx *f = *state;
	char p[700];
	snprintf(p, sizeof p, "%s/notes.txt", f->dir);
	const char text[] = "t,cop_x,cop_y\n0,1,2\n";
	write_file(p, text, sizeof text - 1);
	refuse_untouched(p, POISE_E_PARSE, "not a Poise database");

	snprintf(p, sizeof p, "%s/short.db", f->dir);
	write_file(p, "SQLite", 6);
	refuse_untouched(p, POISE_E_PARSE, "not a Poise database");

	/* A real Poise database with its header page damaged. */
	store *s = open_ok(f->db, 0);
	add_patient(s, "P01");
	store_close(s);
	snapshot good = snap(f->db);
	for (size_t i = 16; i < 100; i++)
		good.bytes[i] = (char)0xA5;
	snprintf(p, sizeof p, "%s/damaged.db", f->dir);
	write_file(p, good.bytes, good.len);
	free(good.bytes);
	refuse_untouched(p, POISE_E_PARSE, "damaged");
}

static void another_programs_database_is_refused_untouched(void **state)
{
	fx *f = *state;
	char p[700];
	snprintf(p, sizeof p, "%s/other.db", f->dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts"
	                                  " VALUES ('x')", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	refuse_untouched(p, POISE_E_PARSE, "another program");
}

static void read_only_open_needs_an_existing_database(void **state)
{
	fx *f = *state;
	store *s = NULL;
	char msg[512];
	assert_int_equal(store_open(&s, f->db, STORE_READ_ONLY, msg, sizeof msg), POISE_E_NOT_FOUND);
	assert_int_equal(access(f->db, F_OK), -1); /* not created */
	s = open_ok(f->db, 0);
	store_close(s);
	s = open_ok(f->db, STORE_READ_ONLY);
	store_patient p = {0};
	strcpy(p.code, "P01");
	assert_int_equal(store_patient_add(s, &p, NULL), POISE_E_STATE);
	assert_non_null(strstr(store_errmsg(s), "read-only"));
	store_close(s);
}

static void a_second_writer_is_refused(void **state)
{
	fx *f = *state;
	store *a = open_ok(f->db, 0);
	store *b = NULL;
	char msg[512] = "";
	assert_int_equal(store_open(&b, f->db, 0, msg, sizeof msg), POISE_E_BUSY);
	assert_null(b);
	assert_non_null(strstr(msg, "in use by another Poise"));
	/* Readers are welcome. */
	store *r = open_ok(f->db, STORE_READ_ONLY);
	store_close(r);
	store_close(a);
	b = open_ok(f->db, 0); /* free again */
	store_close(b);
}

static void default_path_follows_xdg_and_home(void **state)
{
	fx *f = *state;
	char xdg[700], want[800], buf[1024], msg[256];
	snprintf(xdg, sizeof xdg, "%s/xdg", f->dir);
	mkdir(xdg, 0700);
	setenv("XDG_DATA_HOME", xdg, 1);
	assert_int_equal(store_default_path(buf, sizeof buf, msg, sizeof msg), POISE_OK);
	snprintf(want, sizeof want, "%s/poise/poise.db", xdg);
	assert_string_equal(buf, want);
	snprintf(want, sizeof want, "%s/poise", xdg);
	assert_int_equal(mode_of(want), 0700);

	setenv("XDG_DATA_HOME", "relative/ignored", 1);
	setenv("HOME", f->dir, 1);
	assert_int_equal(store_default_path(buf, sizeof buf, msg, sizeof msg), POISE_OK);
	snprintf(want, sizeof want, "%s/.local/share/poise/poise.db", f->dir);
	assert_string_equal(buf, want);
	snprintf(want, sizeof want, "%s/.local/share/poise", f->dir);
	assert_int_equal(mode_of(want), 0700);
	snprintf(want, sizeof want, "%s/.local", f->dir);
	assert_int_equal(mode_of(want), 0700);
	assert_int_equal(store_default_path(buf, 10, msg, sizeof msg), POISE_E_RANGE);
	unsetenv("XDG_DATA_HOME");
}

/* ---- patients, sessions, trials, prescriptions ---------------------- */

static void patients_add_get_list_update_rename(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	store_patient p = {.birth_year = 1961, .height_cm = 172.5, .weight_kg = 70};
	strcpy(p.code, "MS-014");
	strcpy(p.display_name, "Ana B.");
	strcpy(p.notes, "left AFO");
	int64_t id;
	assert_int_equal(store_patient_add(s, &p, &id), POISE_OK);
	assert_int_equal(store_patient_add(s, &p, NULL), POISE_E_EXISTS);
	assert_non_null(strstr(store_errmsg(s), "already exists"));
	add_patient(s, "A-001");
	static const char *const bad[] = {"", "-x", ".x", "has space", "a/b", "éé",
	                                  "123456789012345678901234567890123"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		store_patient q = {0};
		snprintf(q.code, sizeof q.code, "%s", bad[i]);
		if (strlen(bad[i]) < sizeof q.code)
			assert_int_equal(store_patient_add(s, &q, NULL), POISE_E_INVALID);
		assert_false(store_code_valid(bad[i]));
	}
	store_patient q = {.birth_year = 1700};
	strcpy(q.code, "OLD");
	assert_int_equal(store_patient_add(s, &q, NULL), POISE_E_INVALID);

	store_patient got;
	assert_int_equal(store_patient_get(s, "MS-014", &got), POISE_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.display_name, "Ana B.");
	assert_int_equal(got.birth_year, 1961);
	assert_double_equal(got.height_cm, 172.5, 0);
	assert_double_equal(got.weight_kg, 70, 0);
	assert_string_equal(got.notes, "left AFO");
	assert_int_equal(strlen(got.created_at), 24);
	assert_int_equal(store_patient_get(s, "nobody", &got), POISE_E_NOT_FOUND);

	store_patient *list;
	size_t n;
	assert_int_equal(store_patient_list(s, &list, &n), POISE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].code, "A-001");
	assert_string_equal(list[1].code, "MS-014");
	assert_int_equal(list[0].birth_year, 0);
	assert_double_equal(list[0].height_cm, 0, 0);
	free(list);

	got.weight_kg = 68.5;
	got.display_name[0] = 0;
	assert_int_equal(store_patient_update(s, &got), POISE_OK);
	assert_int_equal(store_patient_rename(s, "MS-014", "A-001"), POISE_E_EXISTS);
	assert_int_equal(store_patient_rename(s, "MS-014", "bad code"), POISE_E_INVALID);
	assert_int_equal(store_patient_rename(s, "nobody", "X"), POISE_E_NOT_FOUND);
	assert_int_equal(store_patient_rename(s, "MS-014", "MS-015"), POISE_OK);
	assert_int_equal(store_patient_get(s, "MS-015", &got), POISE_OK);
	assert_int_equal(got.id, id);
	assert_double_equal(got.weight_kg, 68.5, 0);
	assert_string_equal(got.display_name, "");
	assert_int_equal(store_patient_get(s, "MS-014", &got), POISE_E_NOT_FOUND);
	store_close(s);
}

static void trials_sessions_events_metrics(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t pid = add_patient(s, "P01");
	store_session info = {.patient_id = 999};
	strcpy(info.device_backend, "sim");
	assert_int_equal(store_session_begin(s, &info, NULL), POISE_E_NOT_FOUND);
	int64_t sid = add_session(s, pid);
	int64_t tid;
	assert_int_equal(store_trial_begin(s, sid, "Quiet EO", NULL, NULL, 100, &tid), POISE_E_INVALID);
	assert_int_equal(store_trial_begin(s, sid, "quiet-eo", "{not json", NULL, 100, &tid),
	                 POISE_E_INVALID);
	assert_int_equal(store_trial_begin(s, sid + 5, "quiet-eo", NULL, NULL, 100, &tid),
	                 POISE_E_INVALID);
	assert_int_equal(store_trial_begin(s, sid, "game:reach", "{\"targets\":8}", "{\"level\":3}",
	                                   100, &tid),
	                 POISE_OK);
	store_trial t;
	assert_int_equal(store_trial_get(s, tid, &t), POISE_OK);
	assert_int_equal(t.status, STORE_CRASHED);
	assert_int_equal(t.n_samples, -1);
	assert_string_equal(t.kind, "game:reach");
	assert_string_equal(t.params_json, "{\"targets\":8}");
	assert_string_equal(t.level_json, "{\"level\":3}");
	assert_int_equal(store_event_add(s, tid, 2500000, "level", "{\"from\":3,\"to\":4}"), POISE_OK);
	assert_int_equal(store_event_add(s, tid, 1000000, "target-hit", NULL), POISE_OK);
	assert_int_equal(store_metric_put(s, tid, "hits", 7, ""), POISE_OK);
	assert_int_equal(store_metric_put(s, tid, "hits", 8, ""), POISE_OK); /* replaces */
	assert_int_equal(store_trial_end(s, tid, STORE_STEPPED_OFF, 12.5), POISE_OK);
	assert_int_equal(store_trial_get(s, tid, &t), POISE_OK);
	assert_int_equal(t.status, STORE_STEPPED_OFF);
	assert_int_equal(t.n_samples, 0);
	assert_double_equal(t.duration_s, 12.5, 0);
	assert_string_equal(store_status_name(t.status), "stepped-off");

	store_event *ev;
	size_t n;
	assert_int_equal(store_events(s, tid, &ev, &n), POISE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].kind, "target-hit");
	assert_int_equal(ev[0].t_us, 1000000);
	assert_string_equal(ev[1].detail, "{\"from\":3,\"to\":4}");
	free(ev);
	store_metric *m;
	assert_int_equal(store_metrics(s, tid, &m, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_double_equal(m[0].value, 8, 0);
	free(m);

	assert_int_equal(store_session_end(s, sid), POISE_OK);
	store_session se;
	assert_int_equal(store_session_get(s, sid, &se), POISE_OK);
	assert_int_equal(strlen(se.ended_at), 24);
	assert_string_equal(se.device_serial, "SIM-0001");
	store_session *list;
	assert_int_equal(store_sessions(s, pid, &list, &n), POISE_OK);
	assert_int_equal(n, 1);
	free(list);
	store_trial *tl;
	assert_int_equal(store_trials(s, sid, &tl, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(tl[0].id, tid);
	free(tl);
	store_close(s);
}

static void prescriptions_get_set(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t pid = add_patient(s, "P01");
	store_prescription p = {.level_min = 2, .level_max = 6, .adaptive = true, .los_min_pct = 40,
	                        .los_max_pct = 80, .duration_s = 180};
	strcpy(p.game, "reach");
	assert_int_equal(store_prescription_set(s, pid, &p), POISE_OK);
	store_prescription got;
	assert_int_equal(store_prescription_get(s, pid, "reach", &got), POISE_OK);
	assert_int_equal(got.level_min, 2);
	assert_int_equal(got.level_max, 6);
	assert_true(got.adaptive);
	assert_double_equal(got.los_min_pct, 40, 0);
	assert_double_equal(got.los_max_pct, 80, 0);
	assert_double_equal(got.duration_s, 180, 0);
	p.level_max = 9;
	p.adaptive = false;
	assert_int_equal(store_prescription_set(s, pid, &p), POISE_OK);
	assert_int_equal(store_prescription_get(s, pid, "reach", &got), POISE_OK);
	assert_int_equal(got.level_max, 9);
	assert_false(got.adaptive);
	assert_int_equal(store_prescription_get(s, pid, "slalom", &got), POISE_E_NOT_FOUND);
	store_prescription bad = p;
	bad.level_min = 7;
	bad.level_max = 3;
	assert_int_equal(store_prescription_set(s, pid, &bad), POISE_E_INVALID);
	bad = p;
	bad.los_max_pct = 20;
	assert_int_equal(store_prescription_set(s, pid, &bad), POISE_E_INVALID);
	assert_int_equal(store_prescription_set(s, pid + 10, &p), POISE_E_NOT_FOUND);
	strcpy(p.game, "slalom");
	assert_int_equal(store_prescription_set(s, pid, &p), POISE_OK);
	store_prescription *all;
	size_t n;
	assert_int_equal(store_prescriptions(s, pid, &all, &n), POISE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].game, "reach");
	assert_string_equal(all[1].game, "slalom");
	free(all);
	store_close(s);
}

/* ---- the recorder --------------------------------------------------- */

/* A circle of radius 10 mm at 0.5 Hz around (5, −20), the sample at k of
 * rate_hz, 700 N spread over the cells. */
static cop_sample circle_sample(mono_us t0, size_t k, double rate_hz)
{
	double t = (double)k / rate_hz;
	cop_sample x = {0};
	x.t_us = t0 + (mono_us)llround(t * 1e6);
	x.seq = (uint32_t)k;
	x.flags = SAMPLE_ON_PLATE | (k == 0 ? SAMPLE_STEP_ON : 0);
	x.x_mm = 5 + 10 * cos(2 * M_PI * 0.5 * t);
	x.y_mm = -20 + 10 * sin(2 * M_PI * 0.5 * t);
	x.xf_mm = x.x_mm;
	x.yf_mm = x.y_mm;
	x.fz_n = 700;
	for (int c = 0; c < CELL_COUNT; c++)
		x.force_n[c] = 175 + c;
	return x;
}

static void recorder_1000hz_60s_keeps_every_sample(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, "P01"));
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, NULL), POISE_OK);
	const mono_us t0 = 5000000000ull;
	const size_t n = 60 * 1000 + 1;
	int64_t tid;
	assert_int_equal(store_rec_begin(r, sid, "quiet-eo", NULL, NULL, 1000, t0, &tid), POISE_OK);
	/* The row exists, marked crashed, before any sample. */
	store_trial t;
	assert_int_equal(store_trial_get(s, tid, &t), POISE_OK);
	assert_int_equal(t.status, STORE_CRASHED);
	for (size_t k = 0; k < n; k++) {
		cop_sample x = circle_sample(t0, k, 1000);
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
	}
	store_rec_stats st;
	/* A batch every 0.2 s of samples: 201 samples per batch (span ≥ 0.2 s);
	 * the flush commits the rest and waits for the writer thread. */
	assert_int_equal(store_rec_flush(r), POISE_OK);
	store_rec_stats_get(r, &st);
	assert_int_equal(st.commits, n / 201 + 1);
	assert_int_equal(st.samples, n);
	met_static m;
	bool have;
	assert_int_equal(store_rec_end(r, STORE_COMPLETE, &m, &have), POISE_OK);
	assert_true(have);
	store_rec_stats_get(r, &st);
	assert_int_equal(st.samples, n);

	assert_int_equal(store_trial_get(s, tid, &t), POISE_OK);
	assert_int_equal(t.status, STORE_COMPLETE);
	assert_int_equal(t.n_samples, n);
	assert_double_equal(t.duration_s, 60, 0);
	assert_double_equal(t.rate_hz, 1000, 0);
	store_sample *smp;
	size_t got;
	assert_int_equal(store_samples(s, tid, &smp, &got), POISE_OK);
	assert_int_equal(got, n);
	for (size_t k = 0; k < n; k++) {
		cop_sample x = circle_sample(t0, k, 1000);
		if (smp[k].t_us != (int64_t)(x.t_us - t0) || smp[k].x_mm != x.x_mm ||
		    smp[k].y_mm != x.y_mm || smp[k].flags != x.flags || smp[k].fz_n != 700 ||
		    smp[k].force_n[3] != 178)
			fail_msg("sample %zu differs", k);
	}
	free(smp);
	/* Metrics of the circle (resampled to 100 Hz, 10 Hz low-pass): the
	 * analytic answers of tests/data/README.md. */
	assert_double_equal(m.duration_s, 60, 1e-9);
	assert_double_equal(m.mean_distance_mm, 10, 0.01);
	assert_double_equal(m.mean_velocity_mm_s, 2 * M_PI * 10 * 0.5, 0.03);
	assert_double_equal(m.mean_frequency_hz, 0.5, 0.001);
	assert_double_equal(m.mean_ml_mm, 5, 0.01);
	store_metric *sm;
	assert_int_equal(store_metrics(s, tid, &sm, &got), POISE_OK);
	size_t nf;
	const met_field *fields = met_static_fields(&nf);
	assert_int_equal(got, nf + 1);
	assert_string_equal(sm[0].name, "n_samples");
	assert_double_equal(sm[0].value, 6001, 0); /* after resampling to 100 Hz */
	for (size_t i = 0; i < nf; i++) {
		assert_string_equal(sm[i + 1].name, fields[i].key);
		assert_string_equal(sm[i + 1].unit, fields[i].unit);
		assert_double_equal(sm[i + 1].value, met_field_value(&m, &fields[i]), 0);
	}
	free(sm);
	/* The step-on flag of the first sample became an event. */
	store_event *ev;
	assert_int_equal(store_events(s, tid, &ev, &got), POISE_OK);
	assert_int_equal(got, 1);
	assert_string_equal(ev[0].kind, "step-on");
	assert_int_equal(ev[0].t_us, 0);
	free(ev);
	store_rec_destroy(r);
	store_close(s);
}

static void recorder_events_off_plate_samples_and_undefined_cop(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, "P01"));
	store_rec *r;
	store_rec_cfg cfg;
	store_rec_cfg_default(&cfg);
	cfg.max_events = 4; /* force early commits for events */
	assert_int_equal(store_rec_create(&r, s, &cfg), POISE_OK);
	int64_t tid;
	assert_int_equal(store_rec_push(r, &(cop_sample){0}), POISE_E_STATE);
	assert_int_equal(store_rec_begin(r, sid, "game:reach", NULL, NULL, 100, 1000, &tid), POISE_OK);
	assert_int_equal(store_rec_begin(r, sid, "quiet-eo", NULL, NULL, 100, 1000, NULL), POISE_E_STATE);
	/* 5 s on the plate, stepped off for 1 s (NaN COP), 5 s on again. */
	for (size_t k = 0; k < 1101; k++) {
		cop_sample x = circle_sample(1000, k, 100);
		x.flags = SAMPLE_ON_PLATE;
		if (k >= 500 && k < 600) {
			x.flags = SAMPLE_NO_COP | (k == 500 ? SAMPLE_STEP_OFF : 0);
			x.x_mm = x.y_mm = NAN;
			x.fz_n = 3;
		}
		if (k == 600)
			x.flags |= SAMPLE_STEP_ON;
		if (k == 700)
			x.flags |= FRAME_GAP;
		if (k == 300)
			assert_int_equal(store_rec_event(r, x.t_us, "level", "{\"to\":4}"), POISE_OK);
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
	}
	met_static m;
	bool have;
	assert_int_equal(store_rec_end(r, STORE_COMPLETE, &m, &have), POISE_OK);
	assert_true(have);
	/* On-plate samples only (0–4.99 s and 6–11 s), resampled to 100 Hz:
	 * the off-plate second is bridged. */
	assert_int_equal(m.n_samples, 1101);
	assert_double_equal(m.duration_s, 11, 1e-9);
	store_sample *smp;
	size_t n;
	assert_int_equal(store_samples(s, tid, &smp, &n), POISE_OK);
	assert_int_equal(n, 1101);
	assert_true(isnan(smp[550].x_mm) && isnan(smp[550].y_mm));
	assert_double_equal(smp[550].fz_n, 3, 0);
	free(smp);
	store_event *ev;
	assert_int_equal(store_events(s, tid, &ev, &n), POISE_OK);
	assert_int_equal(n, 4);
	assert_string_equal(ev[0].kind, "level");
	assert_int_equal(ev[0].t_us, 3000000);
	assert_string_equal(ev[1].kind, "step-off");
	assert_int_equal(ev[1].t_us, 5000000);
	assert_string_equal(ev[2].kind, "step-on");
	assert_int_equal(ev[2].t_us, 6000000);
	assert_string_equal(ev[3].kind, "gap");
	assert_int_equal(ev[3].t_us, 7000000);
	free(ev);
	store_rec_destroy(r);
	store_close(s);
}

static void destroying_an_open_recorder_ends_the_trial_aborted(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, "P01"));
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, NULL), POISE_OK);
	int64_t tid;
	assert_int_equal(store_rec_begin(r, sid, "quiet-eo", NULL, NULL, 100, 0, &tid), POISE_OK);
	for (size_t k = 0; k < 50; k++) {
		cop_sample x = circle_sample(0, k, 100);
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
	}
	store_rec_destroy(r);
	store_trial t;
	assert_int_equal(store_trial_get(s, tid, &t), POISE_OK);
	assert_int_equal(t.status, STORE_ABORTED);
	assert_int_equal(t.n_samples, 50);
	assert_double_equal(t.duration_s, 0.49, 1e-12);
	store_close(s);
}

/* Many tiny batches on the writer thread: every sample and event is
 * stored exactly once, in order (the caller's batch is its own, never a
 * slot the writer is still moving past). */
static void the_writer_thread_keeps_every_tiny_batch_in_order(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, "P01"));
	store_rec_cfg cfg;
	store_rec_cfg_default(&cfg);
	assert_true(cfg.writer_thread);
	cfg.max_samples = 1; /* a hand-over per sample */
	cfg.sync_s = 0;
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, &cfg), POISE_OK);
	const size_t n = 20000;
	int64_t tid;
	assert_int_equal(store_rec_begin(r, sid, "quiet-eo", NULL, NULL, 1000, 0, &tid), POISE_OK);
	for (size_t k = 0; k < n; k++) {
		cop_sample x = circle_sample(0, k, 1000);
		x.flags &= ~(uint32_t)SAMPLE_STEP_ON;
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
		if (k % 7 == 0) {
			char d[32];
			snprintf(d, sizeof d, "%zu", k);
			assert_int_equal(store_rec_event(r, x.t_us, "mark", d), POISE_OK);
		}
	}
	assert_int_equal(store_rec_end(r, STORE_COMPLETE, NULL, NULL), POISE_OK);
	store_sample *smp;
	size_t got;
	assert_int_equal(store_samples(s, tid, &smp, &got), POISE_OK);
	assert_int_equal(got, n);
	for (size_t k = 0; k < n; k++) {
		cop_sample x = circle_sample(0, k, 1000);
		if (smp[k].t_us != (int64_t)x.t_us || smp[k].x_mm != x.x_mm)
			fail_msg("sample %zu differs", k);
	}
	free(smp);
	store_event *ev;
	assert_int_equal(store_events(s, tid, &ev, &got), POISE_OK);
	assert_int_equal(got, (n + 6) / 7);
	for (size_t k = 0; k < got; k++) {
		char d[32];
		snprintf(d, sizeof d, "%zu", 7 * k);
		assert_string_equal(ev[k].kind, "mark");
		assert_string_equal(ev[k].detail, d);
		assert_int_equal(ev[k].t_us, (int64_t)(7 * k * 1000));
	}
	free(ev);
	store_rec_destroy(r);
	store_close(s);
}

/* The helper thread syncs the WAL after commits, and only then. */
static void the_wal_is_synced_off_the_main_thread(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, "P01"));
	for (int with_sync = 0; with_sync <= 1; with_sync++) {
		store_rec_cfg cfg;
		store_rec_cfg_default(&cfg);
		assert_double_equal(cfg.sync_s, 1.0, 0);
		cfg.sync_s = with_sync ? 0.05 : 0;
		store_rec *r;
		assert_int_equal(store_rec_create(&r, s, &cfg), POISE_OK);
		assert_int_equal(store_rec_begin(r, sid, "quiet-eo", NULL, NULL, 100, 0, NULL), POISE_OK);
		/* 0.5 s of wall time; a commit every 21 samples. */
		for (size_t k = 0; k < 50; k++) {
			cop_sample x = circle_sample(0, k, 100);
			assert_int_equal(store_rec_push(r, &x), POISE_OK);
			struct timespec ts = {0, 10 * 1000000L};
			nanosleep(&ts, NULL);
		}
		assert_int_equal(store_rec_end(r, STORE_COMPLETE, NULL, NULL), POISE_OK);
		store_rec_stats st;
		store_rec_stats_get(r, &st);
		assert_int_equal(st.commits, 3);
		if (with_sync) {
			assert_true(st.syncs >= 1);
			assert_true(st.syncs <= st.commits); /* never without a commit */
		} else {
			assert_int_equal(st.syncs, 0);
		}
		store_rec_destroy(r);
	}
	store_close(s);
}

/* A child records at 100 Hz and dies (_exit) mid-trial, as a killed
 * process would; it reports how many samples it had committed. Committing
 * on the caller's thread, the batches are exact; with the writer thread
 * (the default) the batch being committed at the moment of death may be
 * there or not: at most one batch more is lost. */
static void dying_mid_trial(void **state, bool writer_thread)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, writer_thread ? "P02" : "P01"));
	store_close(s);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		store *cs = NULL;
		char msg[256];
		if (store_open(&cs, f->db, 0, msg, sizeof msg))
			_exit(3);
		store_rec *r;
		store_rec_cfg cfg;
		store_rec_cfg_default(&cfg);
		cfg.writer_thread = writer_thread;
		if (store_rec_create(&r, cs, &cfg) ||
		    store_rec_begin(r, sid, "quiet-ec", NULL, NULL, 100, 0, NULL))
			_exit(4);
		for (size_t k = 0; k < 737; k++) {
			cop_sample x = circle_sample(0, k, 100);
			if (store_rec_push(r, &x))
				_exit(5);
		}
		store_rec_stats st;
		store_rec_stats_get(r, &st);
		uint64_t n = st.samples;
		if (write(pfd[1], &n, sizeof n) != sizeof n)
			_exit(6);
		_exit(0); /* no end, no close: like kill -9 */
	}
	close(pfd[1]);
	uint64_t committed = 0;
	assert_int_equal(read(pfd[0], &committed, sizeof committed), sizeof committed);
	close(pfd[0]);
	int wst;
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	/* 21 samples per 0.2 s batch: 35 batches committed, 2 samples lost.
	 * With the writer thread, pushed this fast (not in real time), some
	 * batches may still have been on their way: whatever was committed is
	 * there, in whole batches. */
	if (!writer_thread)
		assert_int_equal(committed, 735);
	assert_true(committed <= 735 && committed % 21 == 0);

	s = open_ok(f->db, 0);
	store_trial *t;
	size_t n;
	assert_int_equal(store_trials(s, sid, &t, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].status, STORE_CRASHED);
	/* finalised at this open: whole batches, at least all reported */
	assert_true(t[0].n_samples >= (int64_t)committed && t[0].n_samples <= 735);
	assert_int_equal(t[0].n_samples % 21, 0);
	assert_double_equal(t[0].duration_s, (double)(t[0].n_samples - 1) * 0.01, 1e-9);
	store_sample *smp;
	size_t ns;
	assert_int_equal(store_samples(s, t[0].id, &smp, &ns), POISE_OK);
	assert_int_equal(ns, (size_t)t[0].n_samples);
	for (size_t k = 0; k < ns; k++)
		assert_int_equal(smp[k].t_us, (int64_t)k * 10000);
	free(smp);
	free(t);
	store_close(s);
}

static void a_process_dying_mid_trial_leaves_it_crashed_with_its_batches(void **state)
{
	dying_mid_trial(state, false);
	dying_mid_trial(state, true);
}

/* The file-size limit stands in for a full disk. In a child, so the limit
 * and the ignored SIGXFSZ stay there. */
static void a_full_disk_stops_the_trial_and_keeps_committed_samples(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, "P01"));
	store_close(s);
	struct report {
		int push_err, end_err, later_ok;
		uint64_t committed, pushed;
		char msg[512];
	} rep;
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct report r0 = {0};
		signal(SIGXFSZ, SIG_IGN);
		store *cs = NULL;
		char msg[256];
		if (store_open(&cs, f->db, 0, msg, sizeof msg))
			_exit(3);
		store_rec *r;
		int64_t tid;
		if (store_rec_create(&r, cs, NULL) ||
		    store_rec_begin(r, sid, "quiet-eo", NULL, NULL, 1000, 0, &tid))
			_exit(4);
		struct stat st;
		char wal[700];
		snprintf(wal, sizeof wal, "%s-wal", f->db);
		stat(wal, &st);
		struct rlimit lim = {.rlim_cur = (rlim_t)st.st_size + 256 * 1024,
		                     .rlim_max = RLIM_INFINITY};
		setrlimit(RLIMIT_FSIZE, &lim);
		for (size_t k = 0; k < 600000 && !r0.push_err; k++) {
			cop_sample x = circle_sample(0, k, 1000);
			r0.push_err = store_rec_push(r, &x);
			r0.pushed++;
		}
		store_rec_stats rs;
		store_rec_stats_get(r, &rs);
		r0.committed = rs.samples;
		/* Every later push gives the same error; nothing exits. */
		cop_sample x = circle_sample(0, 0, 1000);
		r0.later_ok = store_rec_push(r, &x) == r0.push_err;
		r0.end_err = store_rec_end(r, STORE_COMPLETE, NULL, NULL);
		snprintf(r0.msg, sizeof r0.msg, "%s", store_errmsg(cs));
		/* The store still answers reads. */
		store_sample *smp = NULL;
		size_t n;
		r0.later_ok = r0.later_ok && store_samples(cs, tid, &smp, &n) == POISE_OK &&
		              n == r0.committed;
		free(smp);
		if (write(pfd[1], &r0, sizeof r0) != sizeof r0)
			_exit(6);
		store_rec_destroy(r);
		store_close(cs);
		_exit(0);
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &rep, sizeof rep), sizeof rep);
	close(pfd[0]);
	int wst;
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	if (rep.push_err != POISE_E_NOSPACE)
		fail_msg("push gave %s: %s", poise_err_name(rep.push_err), rep.msg);
	assert_int_equal(rep.end_err, POISE_E_NOSPACE);
	assert_true(rep.later_ok);
	assert_non_null(strstr(rep.msg, "disk is full"));
	assert_non_null(strstr(rep.msg, "samples saved before are kept"));
	assert_true(rep.committed > 1000);
	assert_true(rep.committed < rep.pushed);
	assert_int_equal(rep.committed % 201, 0); /* whole batches */

	/* Without the limit: every committed sample is there, nothing more. */
	s = open_ok(f->db, 0);
	store_trial *t;
	size_t n;
	assert_int_equal(store_trials(s, sid, &t, &n), POISE_OK);
	assert_int_equal(n, 1);
	/* The small status update still fit below the limit. */
	assert_int_equal(t[0].status, STORE_ABORTED);
	assert_int_equal(t[0].n_samples, (int64_t)rep.committed);
	free(t);
	store_close(s);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM pragma_integrity_check WHERE"
	                                " integrity_check = 'ok'"),
	                 1);
}

/* ---- delete, export ------------------------------------------------- */

static int64_t record_trial(store *s, int64_t sid, const char *kind, size_t n)
{
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, NULL), POISE_OK);
	int64_t tid;
	assert_int_equal(store_rec_begin(r, sid, kind, NULL, NULL, 100, 0, &tid), POISE_OK);
	for (size_t k = 0; k < n; k++) {
		cop_sample x = circle_sample(0, k, 100);
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
	}
	assert_int_equal(store_rec_end(r, STORE_COMPLETE, NULL, NULL), POISE_OK);
	store_rec_destroy(r);
	return tid;
}

static void deleting_a_patient_removes_all_of_their_data(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t a = add_patient(s, "A"), b = add_patient(s, "B");
	int64_t sa = add_session(s, a), sb = add_session(s, b);
	record_trial(s, sa, "quiet-eo", 500);
	record_trial(s, add_session(s, a), "quiet-ec", 400);
	int64_t tb = record_trial(s, sb, "quiet-eo", 300);
	store_event_add(s, tb, 0, "note", "kept");
	store_prescription p = {.level_min = 1, .level_max = 3, .los_max_pct = 50, .duration_s = 60};
	strcpy(p.game, "reach");
	store_prescription_set(s, a, &p);
	store_prescription_set(s, b, &p);
	store_patient_summary sum;
	assert_int_equal(store_patient_summary_get(s, a, &sum), POISE_OK);
	assert_int_equal(sum.sessions, 2);
	assert_int_equal(sum.trials, 2);
	assert_int_equal(sum.samples, 900);
	assert_int_equal(store_patient_delete(s, "A"), POISE_OK);
	assert_int_equal(store_patient_delete(s, "A"), POISE_E_NOT_FOUND);
	store_close(s);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM patient"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM session"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM trial"), 1);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM sample"), 300);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM metric WHERE trial_id <> 3"), 0);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM metric WHERE trial_id = 3"), 18);
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM event"), 2); /* step-on + note */
	assert_int_equal(raw_int(f->db, "SELECT count(*) FROM prescription"), 1);
	(void)b;
}

static char *read_text(const char *dir, const char *name)
{
	char p[1200];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	char *t = tu_slurp(p);
	if (!t)
		fail_msg("missing %s", p);
	if (mode_of(p) != 0600)
		fail_msg("%s has mode %o", p, mode_of(p));
	return t;
}

static void export_writes_csv_and_json_0600(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t sid = add_session(s, add_patient(s, "P01"));
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, NULL), POISE_OK);
	int64_t tid;
	assert_int_equal(store_rec_begin(r, sid, "game:reach", "{\"targets\": 8}", "3", 100, 0, &tid),
	                 POISE_OK);
	for (size_t k = 0; k < 301; k++) {
		cop_sample x = circle_sample(0, k, 100);
		if (k == 100) {
			x.x_mm = x.y_mm = NAN;
			x.flags = SAMPLE_NO_COP | SAMPLE_STEP_OFF;
		}
		if (k == 200)
			store_rec_event(r, x.t_us, "target-hit", "dir \"NE\", 2.5 s");
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
	}
	assert_int_equal(store_rec_end(r, STORE_STEPPED_OFF, NULL, NULL), POISE_OK);
	store_rec_destroy(r);
	store_close(s);

	s = open_ok(f->db, STORE_READ_ONLY);
	char out[700];
	snprintf(out, sizeof out, "%s/export/csv", f->dir);
	store_export_result res;
	assert_int_equal(store_export(s, "P01", 0, STORE_EXPORT_CSV, out, &res), POISE_OK);
	assert_int_equal(res.trials, 1);
	assert_int_equal(res.files, 5); /* README, trials, samples, metrics, events */
	assert_int_equal(mode_of(out), 0700);
	char name[256];
	store_export_samples_name(name, sizeof name, "P01", sid, tid, "game:reach");
	assert_string_equal(name, "P01_s1_t1_game-reach_samples.csv");
	char *t = read_text(out, name);
	assert_int_equal(tu_lines(t), 302);
	assert_non_null(strstr(t, "t,cop_x,cop_y,fz_n,force_tl_n,force_tr_n,force_bl_n,force_br_n,"
	                          "on_plate,flags,simulated\n"
	                          "0.000000,15.000000,-20.000000,700.0000,175.0000,176.0000,177.0000,"
	                          "178.0000,1,768,1\n"));
	assert_non_null(strstr(t, "\n1.000000,,,700.0000,175.0000,176.0000,177.0000,178.0000,0,5120,1\n"));
	assert_non_null(strstr(t, "\n3.000000,-5.000000,-20.000000,"));
	free(t);
	t = read_text(out, "P01_s1_t1_game-reach_events.csv");
	assert_string_equal(t, "t,kind,detail,simulated\n0.000000,step-on,,1\n1.000000,step-off,,1\n"
	                       "2.000000,target-hit,\"dir \"\"NE\"\", 2.5 s\",1\n");
	free(t);
	t = read_text(out, "P01_s1_t1_game-reach_metrics.csv");
	const char *head = "name,value,unit,simulated\nn_samples,301,,1\nduration_s,3,s,1\n";
	assert_true(strncmp(t, head, strlen(head)) == 0);
	assert_non_null(strstr(t, "\nmean_velocity_mm_s,"));
	free(t);
	t = read_text(out, "trials.csv");
	assert_non_null(strstr(t, "\nP01,1,1,game:reach,stepped-off,"));
	assert_non_null(strstr(t, "patient,session,trial,kind,status,started_at,duration_s,rate_hz,"
	                          "n_samples,device,device_serial,simulated,operator,params,level,"
	                          "samples_file,session_notes,session_comment\n"));
	assert_non_null(strstr(t, ",3.000000,100,301,sim,SIM-0001,1,,\"{\"\"targets\"\": 8}\",3,"
	                          "P01_s1_t1_game-reach_samples.csv,"));
	free(t);
	t = read_text(out, "README.txt");
	assert_non_null(strstr(t, "cop_x       mm"));
	assert_non_null(strstr(t, "simulated   1/0  1: recorded on the simulated plate"));
	assert_non_null(strstr(t, "not a measurement of the patient"));
	free(t);

	snprintf(out, sizeof out, "%s/export/json", f->dir);
	assert_int_equal(store_export(s, "P01", sid, STORE_EXPORT_JSON, out, &res), POISE_OK);
	assert_int_equal(res.files, 3); /* README, samples, trial.json */
	t = read_text(out, "P01_s1_t1_game-reach_trial.json");
	assert_non_null(strstr(t, "\"patient\": \"P01\""));
	assert_non_null(strstr(t, "\"status\": \"stepped-off\""));
	assert_non_null(strstr(t, "\"params\": {\"targets\": 8}, \"level\": 3}"));
	assert_non_null(strstr(t, "\"n_samples\": 301"));
	assert_non_null(strstr(t, "\"device\": \"sim\", \"device_serial\": \"SIM-0001\", "
	                          "\"simulated\": true,"));
	assert_non_null(strstr(t, "\"status\": \"stepped-off\", \"simulated\": true,"));
	assert_null(strstr(t, "\"simulated\": false"));
	assert_non_null(strstr(t, "\"metrics\": {\"n_samples\": 301, \"duration_s\": 3,"));
	assert_non_null(strstr(t, "\"ellipse95_area_mm2\": \"mm²\""));
	assert_non_null(strstr(t, "{\"t\": 2.000000, \"kind\": \"target-hit\", \"detail\": "
	                          "\"dir \\\"NE\\\", 2.5 s\"}"));
	free(t);
	assert_int_equal(store_export(s, "P01", sid + 1, STORE_EXPORT_JSON, out, &res),
	                 POISE_E_NOT_FOUND);
	assert_int_equal(store_export(s, "P02", 0, STORE_EXPORT_JSON, out, &res), POISE_E_NOT_FOUND);
	store_close(s);
}

/* One trial on the simulated plate, one on a real (USB) plate: only the
 * first is marked simulated, in every file of both formats. */
static int64_t record_one(store *s, int64_t sid, const char *kind)
{
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, NULL), POISE_OK);
	int64_t tid;
	assert_int_equal(store_rec_begin(r, sid, kind, NULL, NULL, 100, 0, &tid), POISE_OK);
	for (size_t k = 0; k < 300; k++) {
		cop_sample x = circle_sample(0, k, 100);
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
	}
	assert_int_equal(store_rec_end(r, STORE_COMPLETE, NULL, NULL), POISE_OK);
	store_rec_destroy(r);
	return tid;
}

/* True if every data row of the CSV text ends with ",<v>". */
static bool every_row_ends_with(const char *t, const char *v)
{
	const char *row = strchr(t, '\n');
	size_t rows = 0, vn = strlen(v);
	while (row && row[1]) {
		const char *end = strchr(row + 1, '\n');
		if (!end || (size_t)(end - row) < vn + 1 || strncmp(end - vn - 1, ",", 1) != 0 ||
		    strncmp(end - vn, v, vn) != 0)
			return false;
		rows++;
		row = end;
	}
	return rows > 0;
}

static void export_marks_simulated_trials_and_only_those(void **state)
{
	fx *f = *state;
	store *s = open_ok(f->db, 0);
	int64_t pid = add_patient(s, "P01");
	int64_t sim_sid = add_session(s, pid);
	store_session real = {.patient_id = pid};
	strcpy(real.device_backend, "usb");
	strcpy(real.device_serial, "PLATE-1");
	int64_t usb_sid;
	assert_int_equal(store_session_begin(s, &real, &usb_sid), POISE_OK);
	int64_t sim_tid = record_one(s, sim_sid, "quiet-eo");
	int64_t usb_tid = record_one(s, usb_sid, "quiet-eo");
	store_session got;
	assert_int_equal(store_session_get(s, sim_sid, &got), POISE_OK);
	assert_true(store_session_is_simulated(&got));
	assert_int_equal(store_session_get(s, usb_sid, &got), POISE_OK);
	assert_false(store_session_is_simulated(&got));
	store_patient_summary sum;
	assert_int_equal(store_patient_summary_get(s, pid, &sum), POISE_OK);
	assert_int_equal(sum.sessions, 2);
	assert_int_equal(sum.simulated_sessions, 1);
	store_close(s);

	s = open_ok(f->db, STORE_READ_ONLY);
	char out[700];
	snprintf(out, sizeof out, "%s/csv", f->dir);
	assert_int_equal(store_export(s, "P01", 0, STORE_EXPORT_CSV, out, NULL), POISE_OK);
	const char *files[] = {"samples", "metrics", "events"};
	for (int k = 0; k < 3; k++) {
		char name[256], sib[300];
		for (int which = 0; which < 2; which++) {
			int64_t sid = which ? usb_sid : sim_sid, tid = which ? usb_tid : sim_tid;
			store_export_samples_name(name, sizeof name, "P01", sid, tid, "quiet-eo");
			snprintf(sib, sizeof sib, "%.*s_%s.csv", (int)(strlen(name) - strlen("_samples.csv")),
			         name, files[k]);
			char *t = read_text(out, sib);
			if (!every_row_ends_with(t, which ? "0" : "1"))
				fail_msg("%s: not every row is marked simulated = %d:\n%.400s", sib, !which, t);
			assert_non_null(strstr(t, ",simulated\n"));
			free(t);
		}
	}
	char *t = read_text(out, "trials.csv");
	assert_non_null(strstr(t, ",sim,SIM-0001,1,"));
	assert_non_null(strstr(t, ",usb,PLATE-1,0,"));
	free(t);

	snprintf(out, sizeof out, "%s/json", f->dir);
	assert_int_equal(store_export(s, "P01", usb_sid, STORE_EXPORT_JSON, out, NULL), POISE_OK);
	char name[256];
	snprintf(name, sizeof name, "P01_s%lld_t%lld_quiet-eo_trial.json", (long long)usb_sid,
	         (long long)usb_tid);
	t = read_text(out, name);
	assert_non_null(strstr(t, "\"device\": \"usb\", \"device_serial\": \"PLATE-1\", "
	                          "\"simulated\": false,"));
	assert_non_null(strstr(t, "\"status\": \"complete\", \"simulated\": false,"));
	assert_null(strstr(t, "\"simulated\": true"));
	free(t);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fresh_database_has_the_schema_mode_0600_and_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(migration_list_is_numbered_to_the_schema_version, setup, teardown),
		cmocka_unit_test_setup_teardown(migrating_from_version_1_keeps_the_data, setup, teardown),
		cmocka_unit_test_setup_teardown(a_version_1_database_is_upgraded_with_its_data, setup, teardown),
		cmocka_unit_test_setup_teardown(plate_checks_and_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failing_migration_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(an_empty_file_becomes_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(non_sqlite_and_damaged_files_are_refused_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(another_programs_database_is_refused_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(read_only_open_needs_an_existing_database, setup, teardown),
		cmocka_unit_test_setup_teardown(a_second_writer_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(default_path_follows_xdg_and_home, setup, teardown),
		cmocka_unit_test_setup_teardown(patients_add_get_list_update_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(trials_sessions_events_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(prescriptions_get_set, setup, teardown),
		cmocka_unit_test_setup_teardown(recorder_1000hz_60s_keeps_every_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(recorder_events_off_plate_samples_and_undefined_cop, setup, teardown),
		cmocka_unit_test_setup_teardown(destroying_an_open_recorder_ends_the_trial_aborted, setup, teardown),
		cmocka_unit_test_setup_teardown(the_wal_is_synced_off_the_main_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(the_writer_thread_keeps_every_tiny_batch_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(a_process_dying_mid_trial_leaves_it_crashed_with_its_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_disk_stops_the_trial_and_keeps_committed_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(deleting_a_patient_removes_all_of_their_data, setup, teardown),
		cmocka_unit_test_setup_teardown(export_writes_csv_and_json_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(export_marks_simulated_trials_and_only_those, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
