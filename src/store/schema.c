/* The schema of the station database, version by version. */
#include "store/schema.h"

#include <stdio.h>

#include "core/error.h"
#include "store/sqlerr.h"

/* Version 1: the first schema.
 * - Text times are ISO 8601 UTC; sample/event times are integer µs since
 *   the trial's start.
 * - Everything hangs off patient with ON DELETE CASCADE, so deleting a
 *   patient deletes all of their data (foreign_keys is on per connection).
 * - sample is WITHOUT ROWID, keyed by (trial, index): appends in order,
 *   the key doubles as the trial index, and a gap in i would show a lost
 *   sample. NULL cop_x/cop_y = COP undefined (Fz too low). */
static const char schema_v1[] =
	"CREATE TABLE patient ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 32),"
	"  display_name TEXT,"
	"  birth_year INTEGER CHECK (birth_year IS NULL OR birth_year BETWEEN 1880 AND 2200),"
	"  height_cm REAL CHECK (height_cm IS NULL OR height_cm > 0),"
	"  weight_kg REAL CHECK (weight_kg IS NULL OR weight_kg > 0),"
	"  notes TEXT,"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE TABLE session ("
	"  id INTEGER PRIMARY KEY,"
	"  patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,"
	"  started_at TEXT NOT NULL,"
	"  ended_at TEXT,"
	"  device_backend TEXT NOT NULL,"
	"  device_serial TEXT NOT NULL DEFAULT '',"
	"  operator TEXT,"
	"  notes TEXT"
	");"
	"CREATE INDEX session_by_patient ON session(patient_id);"
	"CREATE TABLE trial ("
	"  id INTEGER PRIMARY KEY,"
	"  session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),"
	"  level TEXT CHECK (level IS NULL OR json_valid(level)),"
	"  started_at TEXT NOT NULL,"
	"  rate_hz REAL,"
	"  duration_s REAL,"
	"  n_samples INTEGER,"
	"  status TEXT NOT NULL DEFAULT 'crashed' CHECK (status IN"
	"    ('complete', 'aborted', 'stepped-off', 'device-lost', 'crashed'))"
	");"
	"CREATE INDEX trial_by_session ON trial(session_id);"
	"CREATE TABLE sample ("
	"  trial_id INTEGER NOT NULL REFERENCES trial(id) ON DELETE CASCADE,"
	"  i INTEGER NOT NULL,"
	"  t_us INTEGER NOT NULL,"
	"  flags INTEGER NOT NULL,"
	"  cop_x_mm REAL,"
	"  cop_y_mm REAL,"
	"  fz_n REAL NOT NULL,"
	"  f_tl_n REAL NOT NULL,"
	"  f_tr_n REAL NOT NULL,"
	"  f_bl_n REAL NOT NULL,"
	"  f_br_n REAL NOT NULL,"
	"  PRIMARY KEY (trial_id, i)"
	") WITHOUT ROWID;"
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY,"
	"  trial_id INTEGER NOT NULL REFERENCES trial(id) ON DELETE CASCADE,"
	"  t_us INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX event_by_trial ON event(trial_id, t_us);"
	"CREATE TABLE metric ("
	"  trial_id INTEGER NOT NULL REFERENCES trial(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  value REAL,"
	"  unit TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (trial_id, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE prescription ("
	"  patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,"
	"  game TEXT NOT NULL,"
	"  level_min INTEGER NOT NULL CHECK (level_min BETWEEN 1 AND 10),"
	"  level_max INTEGER NOT NULL CHECK (level_max BETWEEN level_min AND 10),"
	"  adaptive INTEGER NOT NULL CHECK (adaptive IN (0, 1)),"
	"  los_min_pct REAL NOT NULL CHECK (los_min_pct >= 0),"
	"  los_max_pct REAL NOT NULL CHECK (los_max_pct >= los_min_pct AND los_max_pct <= 150),"
	"  duration_s REAL NOT NULL CHECK (duration_s > 0),"
	"  updated_at TEXT NOT NULL,"
	"  PRIMARY KEY (patient_id, game)"
	") WITHOUT ROWID;";

/* Version 2: the clinic's day.
 * - patient: sex, affected side and a diagnosis note (shown where the
 *   therapist needs them);
 * - session: the therapist's comment on the session (printed on the
 *   report, beside the notes);
 * - prescription: the training dimensions beyond the level, as one JSON
 *   object (stance, surface, visual, audio feedback, dual task, a ladder);
 * - device_check: the history of plate checks (a known mass at the centre
 *   and the corners), per device serial;
 * - setting: the station's settings (text size, theme, rest breaks,
 *   export folder, clinic name...), key → value. */
static const char schema_v2[] =
	"ALTER TABLE patient ADD COLUMN sex TEXT CHECK (sex IS NULL OR sex IN ('female', 'male', 'other'));"
	"ALTER TABLE patient ADD COLUMN affected_side TEXT CHECK (affected_side IS NULL OR affected_side IN"
	"  ('left', 'right', 'both', 'none'));"
	"ALTER TABLE patient ADD COLUMN diagnosis TEXT;"
	"ALTER TABLE session ADD COLUMN comment TEXT;"
	"ALTER TABLE prescription ADD COLUMN options TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options));"
	"CREATE TABLE device_check ("
	"  id INTEGER PRIMARY KEY,"
	"  device_backend TEXT NOT NULL,"
	"  device_serial TEXT NOT NULL DEFAULT '',"
	"  checked_at TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  mass_kg REAL,"
	"  position TEXT,"
	"  expected_x_mm REAL, expected_y_mm REAL,"
	"  measured_x_mm REAL, measured_y_mm REAL, measured_kg REAL,"
	"  error_mm REAL, error_kg REAL,"
	"  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),"
	"  note TEXT"
	");"
	"CREATE INDEX device_check_by_device ON device_check(device_backend, device_serial, checked_at);"
	"CREATE TABLE setting ("
	"  key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;";

static const store_migration migrations[] = {
	{1, schema_v1},
	{2, schema_v2},
	/* {3, "ALTER TABLE ...; CREATE TABLE ...;"}, and bump STORE_SCHEMA_VERSION */
};

const store_migration *store_migrations(size_t *n)
{
	*n = sizeof migrations / sizeof migrations[0];
	return migrations;
}

static int exec(sqlite3 *db, const char *sql, char *msg, size_t msg_len, const char *what)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		snprintf(msg, msg_len, "%s: %s", what, err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return store_sqlite_err(db, rc);
	}
	return POISE_OK;
}

int store_migrate(sqlite3 *db, const store_migration *steps, size_t n, char *msg, size_t msg_len)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, msg_len, "cannot read the schema version: %s", sqlite3_errmsg(db));
		return store_sqlite_err(db, rc);
	}
	int have = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		snprintf(msg, msg_len, "cannot read the schema version: %s", sqlite3_errmsg(db));
		return store_sqlite_err(db, rc);
	}
	for (size_t i = 0; i < n; i++) {
		if (steps[i].version != (int)i + 1) {
			snprintf(msg, msg_len, "migration %zu is numbered %d", i + 1, steps[i].version);
			return POISE_E_INVALID;
		}
	}
	if ((size_t)have >= n)
		return POISE_OK;
	int err = exec(db, "BEGIN IMMEDIATE", msg, msg_len, "cannot start the schema upgrade");
	if (err)
		return err;
	for (size_t i = (size_t)have; i < n; i++) {
		char what[80], pragma[96];
		snprintf(what, sizeof what, "schema upgrade to version %d failed", steps[i].version);
		err = exec(db, steps[i].sql, msg, msg_len, what);
		if (!err) {
			snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d; PRAGMA application_id = %d",
			         steps[i].version, STORE_APPLICATION_ID);
			err = exec(db, pragma, msg, msg_len, what);
		}
		if (err) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return err;
		}
	}
	err = exec(db, "COMMIT", msg, msg_len, "cannot save the schema upgrade");
	if (err)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}
