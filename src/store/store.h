/* Poise: the station database (one SQLite file per station).
 *
 * Holds every patient, session, trial, COP sample, event, metric and
 * prescription. The file is created with mode 0600, runs in WAL mode, and
 * carries its schema version in PRAGMA user_version (and Poise's
 * application_id, so a foreign SQLite file is recognised and left alone).
 * Opening applies forward migrations in one transaction; a database written
 * by a newer Poise is refused without being changed.
 *
 * One writer at a time: a writing open takes an exclusive advisory lock on
 * the file (flock), so a second Poise that wants to write the same database
 * is refused with POISE_E_BUSY instead of interleaving with a recording.
 * Read-only opens (export, listing) take no lock and see every committed
 * batch of a recording in progress.
 *
 * Threads: a store belongs to the thread that opened it (the main thread).
 * Open a database file once per process: the writer's lock is a file
 * descriptor, and a second open of the same file in the same process
 * (even a refused one) closes a descriptor, which on POSIX drops the
 * process's SQLite locks on that file. Separate processes are safe.
 * Errors: every function returns POISE_OK or a POISE_E_* code; on failure
 * store_errmsg() holds a sentence for people (what, where, what to do) and
 * out-parameters are untouched. Arrays returned through `**out` are
 * allocated with malloc and owned by the caller (free()); an empty result
 * gives *out = NULL, *n = 0.
 *
 * Times: wall-clock instants are ISO 8601 UTC text ("2024-05-02T09:30:12.345Z")
 * set by the store; sample and event times are microseconds since their
 * trial's start on the host monotonic clock.
 */
#ifndef POISE_STORE_STORE_H
#define POISE_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"

/* The schema this program writes and reads (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 2

#define STORE_CODE_MAX 32 /* longest patient code */
#define STORE_TIME_LEN 32 /* room for an ISO 8601 timestamp */

typedef struct store store;

enum store_open_flags {
	STORE_READ_ONLY = 1u << 0, /* no lock, no migration, no writes; the file must exist */
};

/* Writes the default database path into buf: $XDG_DATA_HOME/poise/poise.db,
 * or ~/.local/share/poise/poise.db when XDG_DATA_HOME is unset or not
 * absolute. Creates the missing directories with mode 0700. Called by the
 * command line and the app when --db is not given. Returns POISE_E_RANGE if
 * buf is too small, POISE_E_NOT_FOUND without HOME, POISE_E_IO/ACCESS when
 * a directory cannot be made; msg then says why. */
int store_default_path(char *buf, size_t len, char *msg, size_t msg_len);

/* Opens (a writing open also creates, mode 0600, and migrates) the
 * database at path. On success *out owns it (store_close). On failure *out
 * is untouched, msg holds a sentence for people, the file is unchanged,
 * and the result is:
 *   POISE_E_PARSE        not an SQLite file, a damaged one (a writing
 *                        open runs PRAGMA quick_check first and refuses a
 *                        file that fails it), or another program's SQLite
 *                        database;
 *   POISE_E_UNSUPPORTED  written by a newer Poise (schema too new);
 *   POISE_E_BUSY         another Poise is writing to it;
 *   POISE_E_ACCESS       no permission / read-only file system;
 *   POISE_E_NOT_FOUND    (read-only) there is no database yet;
 *   POISE_E_STATE        (read-only) an older schema that needs a writing
 *                        open to be upgraded first;
 *   POISE_E_NOSPACE, POISE_E_IO, POISE_E_NOMEM.
 * A refused open leaves no -wal or -shm file behind. A read-only open of
 * a file whose folder cannot be written reads it as immutable.
 * Also finalises trials left 'crashed' by a killed process (their sample
 * count and duration), on writing opens. */
int store_open(store **out, const char *path, unsigned flags, char *msg, size_t msg_len);

/* Checks the whole database file at path (SQLite's integrity_check),
 * opening it read-only (so it works while the app runs, and on a damaged
 * file that store_open refuses). Returns POISE_OK if it is healthy,
 * POISE_E_PARSE if it is damaged (*report lists the problems, one per
 * line), or the code of why it could not be read. *report (malloc, may be
 * NULL) is the caller's to free; msg says the outcome in a sentence.
 * Called by `poise db check`. */
int store_db_check(const char *path, char **report, char *msg, size_t msg_len);

/* Copies the database at path to dest with SQLite's online backup API:
 * a consistent snapshot, safe while the app or a recording writes to it.
 * dest is written like every output (sys/outfile.h: a new 0600 file,
 * never over a link or special file); an existing dest is replaced only
 * with replace (--force), else POISE_E_EXISTS. Returns POISE_OK or an
 * error with msg. Called by `poise db backup`. */
int store_db_backup(const char *path, const char *dest, bool replace, char *msg, size_t msg_len);

/* Checkpoints (writing opens), closes and frees. NULL is fine. */
void store_close(store *s);

/* The sentence describing the last failure on s ("" if none). Valid until
 * the next call on s. */
const char *store_errmsg(const store *s);

/* The path s was opened with. */
const char *store_path(const store *s);

/* True if text is one JSON object ("{...}"), as a trial's parameters
 * must be (SQLite's JSON parser). Commands check what they are given with
 * it before they start anything. */
bool store_json_is_object(store *s, const char *text);

/* ---- patients ------------------------------------------------------- */

typedef struct store_patient {
	int64_t id;                      /* set by the store */
	char code[STORE_CODE_MAX + 1];   /* pseudonymous, unique: letters, digits, . _ - */
	char display_name[128];          /* optional ("" = none) */
	int birth_year;                  /* 0 = unknown */
	double height_cm;                /* 0 = unknown */
	double weight_kg;                /* 0 = unknown */
	char sex[8];                     /* "female", "male", "other"; "" = not given */
	char affected_side[8];           /* "left", "right", "both", "none"; "" = not given */
	char diagnosis[256];             /* optional note: "MS, relapsing-remitting" */
	char notes[1024];                /* optional */
	char created_at[STORE_TIME_LEN]; /* set by the store */
} store_patient;

/* True if code can be a patient code: 1–32 characters from letters,
 * digits, '.', '_', '-', not starting with '.' or '-' (it also names the
 * exported files). */
bool store_code_valid(const char *code);

/* Adds a patient from p (id and created_at are ignored); *id (may be NULL)
 * gets the new id. POISE_E_INVALID for a bad code or value, POISE_E_EXISTS
 * if the code is taken. */
int store_patient_add(store *s, const store_patient *p, int64_t *id);

/* Looks a patient up by code. POISE_E_NOT_FOUND if there is none. */
int store_patient_get(store *s, const char *code, store_patient *out);

/* Every patient, ordered by code. */
int store_patient_list(store *s, store_patient **out, size_t *n);

/* Rewrites the patient with p->id from p (code included: this renames).
 * POISE_E_NOT_FOUND, POISE_E_EXISTS, POISE_E_INVALID. */
int store_patient_update(store *s, const store_patient *p);

/* Renames a patient's code. POISE_E_NOT_FOUND, POISE_E_EXISTS, POISE_E_INVALID. */
int store_patient_rename(store *s, const char *code, const char *new_code);

/* How much data a patient has (for `poise patient list` and the
 * confirmation before deleting). */
typedef struct store_patient_summary {
	int64_t sessions, trials, samples;
	int64_t simulated_sessions; /* of the sessions, those on the simulated plate */
} store_patient_summary;

int store_patient_summary_get(store *s, int64_t patient_id, store_patient_summary *out);

/* Deletes the patient and all their data (sessions, trials, samples,
 * events, metrics, prescriptions) in one transaction; freed pages are
 * overwritten (secure_delete) and the WAL is checkpointed, so the data do
 * not linger in the file. The caller asks the user first. */
int store_patient_delete(store *s, const char *code);

/* ---- sessions ------------------------------------------------------- */

typedef struct store_session {
	int64_t id;                      /* set by the store */
	int64_t patient_id;
	char started_at[STORE_TIME_LEN]; /* set by the store */
	char ended_at[STORE_TIME_LEN];   /* "" while open, or if Poise was killed */
	char device_backend[16];         /* "sim", "usb", "wbb" (dev_info.backend) */
	char device_serial[48];
	char operator_name[64];          /* optional */
	char notes[512];                 /* optional */
	char comment[1024];              /* the therapist's comment; "" = none */
} store_session;

/* The device_backend of sessions recorded on the simulated plate (the
 * sim backend's name, see dev_is_simulated()). */
#define STORE_BACKEND_SIM "sim"

/* True if the session was recorded on the simulated plate: its samples
 * and every number computed from them were invented by Poise, not
 * measured, and are marked simulated wherever they are shown or exported
 * (`poise patient`, the export, the report). */
bool store_session_is_simulated(const store_session *se);

/* Starts a session for info->patient_id with its device, operator and
 * notes; *id gets its id. POISE_E_NOT_FOUND for an unknown patient. */
int store_session_begin(store *s, const store_session *info, int64_t *id);

/* Sets the session's end time to now. */
int store_session_end(store *s, int64_t session_id);

/* Sets (replaces) the therapist's comment on the session ("" clears it).
 * POISE_E_NOT_FOUND for an unknown session, POISE_E_INVALID for a comment
 * longer than the field. */
int store_session_comment_set(store *s, int64_t session_id, const char *comment);

int store_session_get(store *s, int64_t session_id, store_session *out);

/* The patient's sessions, oldest first. */
int store_sessions(store *s, int64_t patient_id, store_session **out, size_t *n);

/* ---- trials --------------------------------------------------------- */

enum store_status {
	STORE_COMPLETE = 0,
	STORE_ABORTED,     /* stopped by the user or by a fault (disk full) */
	STORE_STEPPED_OFF, /* the patient left the plate */
	STORE_DEVICE_LOST, /* the plate went away */
	STORE_CRASHED,     /* never ended: Poise was killed or crashed */
};

/* "complete", "aborted", "stepped-off", "device-lost", "crashed"; static. */
const char *store_status_name(enum store_status st);

typedef struct store_trial {
	int64_t id;
	int64_t session_id;
	char kind[48];                   /* core/kind.h: "quiet-eo", "los", "game:<id>"... */
	char params_json[2048];          /* JSON object; "{}" if none */
	char level_json[256];            /* JSON; "" if none */
	char started_at[STORE_TIME_LEN];
	double rate_hz;                  /* sample rate; 0 if unknown */
	double duration_s;               /* start to last sample; 0 until known */
	int64_t n_samples;               /* −1 until the trial ended (or was recovered) */
	enum store_status status;
} store_trial;

/* True for a kind on the list of trial kinds (core/kind.h: "quiet-eo",
 * "los", "test:mctsib", "game:reach"...). New trials must have one;
 * trials read back keep whatever kind an older Poise wrote. */
bool store_kind_valid(const char *kind);

/* Writes a trial row with status 'crashed' (so a killed process leaves it
 * marked); *id gets its id. params_json: a JSON object or NULL ("{}");
 * level_json: JSON or NULL. POISE_E_INVALID for a bad kind or bad JSON.
 * The recorder calls this; so can modules that record no samples. */
int store_trial_begin(store *s, int64_t session_id, const char *kind, const char *params_json,
                      const char *level_json, double rate_hz, int64_t *id);

/* Sets the trial's final status and duration, and counts its samples. */
int store_trial_end(store *s, int64_t trial_id, enum store_status status, double duration_s);

int store_trial_get(store *s, int64_t trial_id, store_trial *out);

/* The session's trials, oldest first. */
int store_trials(store *s, int64_t session_id, store_trial **out, size_t *n);

/* One value of the trial's parameters (a JSON path such as "$.seed" or
 * "$.los_limits_mm[2]"): a number (true/false as 1/0, else NAN) into *num
 * and its text into text (either may be NULL). Numbers read back exactly as
 * written with %.17g. POISE_E_NOT_FOUND if the trial or the parameter is
 * missing. */
int store_trial_param(store *s, int64_t trial_id, const char *path, double *num, char *text,
                      size_t text_len);

/* store_trial_param for readers that take (ctx, path, ...) callbacks
 * (cond_from_json): ctx is a store_trial_ref. */
typedef struct store_trial_ref {
	store *s;
	int64_t trial_id;
} store_trial_ref;
int store_trial_param_at(void *ctx, const char *path, double *num, char *text, size_t text_len);

/* One value of a JSON text (e.g. a prescription's options_json) at a path,
 * read as store_trial_param reads a trial's parameters: a number (true/
 * false as 1/0, else NAN) into *num and its text into text (either may be
 * NULL). POISE_E_NOT_FOUND if the path is missing, POISE_E_PARSE if json is
 * not valid JSON. */
int store_json_get(store *s, const char *json, const char *path, double *num, char *text, size_t text_len);

/* ---- samples, events, metrics --------------------------------------- */

/* One recorded COP sample (the pipeline's cop_sample without the display
 * filter): the resampled, unfiltered COP. */
typedef struct store_sample {
	int64_t t_us;      /* since the trial's start */
	uint32_t flags;    /* enum sample_flag (core/pipeline.h) */
	double x_mm, y_mm; /* COP; NaN when undefined (SAMPLE_NO_COP) */
	double fz_n;
	double force_n[4]; /* TL, TR, BL, BR */
} store_sample;

/* Every sample of the trial, in time order. */
int store_samples(store *s, int64_t trial_id, store_sample **out, size_t *n);

typedef struct store_event {
	int64_t t_us;     /* since the trial's start */
	char kind[32];    /* "step-off", "step-on", "gap", "level", "target-hit", ... */
	char detail[256]; /* free text or JSON; "" if none */
} store_event;

/* Adds an event (outside a recording; the recorder batches its own). */
int store_event_add(store *s, int64_t trial_id, int64_t t_us, const char *kind, const char *detail);

/* The trial's events in time order. */
int store_events(store *s, int64_t trial_id, store_event **out, size_t *n);

typedef struct store_metric {
	char name[48];  /* the catalogue key, e.g. "rms_ml_mm" (core/metrics.h) */
	double value;
	char unit[16];  /* "mm", "mm/s", "mm²", ... */
} store_metric;

/* Sets (or replaces) one metric of a trial. */
int store_metric_put(store *s, int64_t trial_id, const char *name, double value, const char *unit);

/* Stores every field of the static-metric catalogue (met_static_fields())
 * plus n_samples, in one transaction. */
int store_metrics_put_static(store *s, int64_t trial_id, const met_static *m);

/* The trial's metrics in catalogue order (others after, by name). */
int store_metrics(store *s, int64_t trial_id, store_metric **out, size_t *n);

/* The value of the metric called name in m[0..n) (as store_metrics()
 * returns them), NAN if it is not there. */
double store_metric_find(const store_metric *m, size_t n, const char *name);

/* ---- prescriptions -------------------------------------------------- */

typedef struct store_prescription {
	char game[48];                   /* game id, as in trial kind "game:<id>" */
	int level_min, level_max;        /* 1 ≤ min ≤ max ≤ 10 */
	bool adaptive;                   /* the staircase may move the level */
	double los_min_pct, los_max_pct; /* working range, % of the patient's LOS */
	double duration_s;               /* per game */
	char options_json[512];          /* training dimensions as a JSON object
	                                  * (stance, surface, visual, audio
	                                  * feedback, dual task, a ladder); "" or
	                                  * "{}" = none. Validated as JSON. */
	char updated_at[STORE_TIME_LEN]; /* set by the store */
} store_prescription;

/* Sets (or replaces) the patient's prescription for p->game.
 * POISE_E_INVALID for values out of range. */
int store_prescription_set(store *s, int64_t patient_id, const store_prescription *p);

/* The patient's prescription for game; POISE_E_NOT_FOUND if none. */
int store_prescription_get(store *s, int64_t patient_id, const char *game,
                           store_prescription *out);

/* All of the patient's prescriptions, by game. */
int store_prescriptions(store *s, int64_t patient_id, store_prescription **out, size_t *n);

/* ---- plate checks ----------------------------------------------------- */

/* One check of a plate with a known mass (or another kind of check). */
typedef struct store_check {
	int64_t id;                       /* set by the store */
	char device_backend[16];          /* "usb", "wbb", "sim" */
	char device_serial[48];
	char checked_at[STORE_TIME_LEN];  /* set by the store */
	char kind[24];                    /* "known-mass", "tare", "calibration-write" */
	double mass_kg;                   /* the known mass; 0 if none */
	char position[16];                /* "centre", "front-left", ... */
	double expected_x_mm, expected_y_mm;
	double measured_x_mm, measured_y_mm, measured_kg;
	double error_mm, error_kg;        /* NAN where not measured */
	bool passed;
	char note[256];
} store_check;

/* Adds a check (id and checked_at are set by the store); *id may be NULL. */
int store_check_add(store *s, const store_check *c, int64_t *id);

/* The checks of one plate (backend, serial), oldest first. */
int store_checks(store *s, const char *backend, const char *serial, store_check **out, size_t *n);

/* ---- settings ---------------------------------------------------------- */

/* The station setting called key (1–64 characters) into value;
 * POISE_E_NOT_FOUND if it was never set. */
int store_setting_get(store *s, const char *key, char *value, size_t len);

/* Sets (replaces) a setting. */
int store_setting_set(store *s, const char *key, const char *value);

#endif
