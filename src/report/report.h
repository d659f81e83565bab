/* Poise: the sway report, a PDF a physiotherapist can file.
 *
 * Three steps, each usable on its own:
 *   1. report_load() reads a patient's history from the station database
 *      into a report_data: plain structures, no store types, so the
 *      rendering can be tested (and reused) without a database;
 *   2. report_render() draws it with cairo into an A4 PDF (and PNG pages
 *      on request); report_write_csv() writes the same numbers as CSV;
 *   3. the pure helpers below (formatting, the 95 % ellipse, the Romberg
 *      quotient, the plain-language summary) are what the pages print.
 *
 * Visits. `poise record` opens one database session per trial, so a
 * morning's eyes-open and eyes-closed recordings are two sessions. The
 * report groups a patient's sessions that started on the same (local)
 * calendar day into one visit; "session" on the pages means such a visit.
 * One visit is reported in detail (the latest, or the one holding
 * --session); the visits of the range (all, or those since --since) make
 * the progress charts and the history table; "previous" is the visit
 * before the detailed one that has the same kind of trial.
 *
 * Numbers. The metrics printed are the ones stored with each trial by the
 * recorder (ana_static_metrics() on the on-plate samples); nothing is
 * recomputed differently. The 95 % ellipse drawn is computed from the same
 * preprocessed samples (ana_prepare() with the same ana_cfg), and its area
 * equals the stored AREA-CE.
 *
 * Simulated data. Each trial carries whether its session ran on the
 * simulated plate (store_session_is_simulated()). Every page that shows a
 * number from such a trial carries a banner saying so, and says which of
 * its numbers are simulated; the overview has it whenever any number of
 * the report is; the history marks the rows; the CSV has a `simulated`
 * column. A report of real-plate sessions has none of it.
 *
 * Standard tests (`poise assess`, session/assess.h): a test's summary
 * trial test:<name> holds its results as metrics (report_test); the
 * report gives the latest mCTSIB, LOS and weight-bearing/sit-to-stand
 * tests of the detailed visit a page each. The quiet-stance trials of an
 * mCTSIB are report_assess entries marked in_test (they count for the key
 * results and the Romberg quotient, and are drawn on the mCTSIB page
 * rather than a page each); the other trials of a test (los, symmetry,
 * squat, sit-to-stand) are summed up by their test.
 *
 * LOS data: the metrics "los_limit_<dir>_mm" (dir = e, ne, n, nw, w, sw, s,
 * se; the patient's maximal excursion in that direction, mm) of a test:los
 * summary, or of a trial of kind "los" from before the test existed, give
 * the polar plot. Game trials are kind "game:<id>" with metrics named
 * after game_result's fields (level_start, level_end, level_max, score,
 * hits, misses, time_in_target_s, play_time_s).
 */
#ifndef POISE_REPORT_REPORT_H
#define POISE_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/analysis.h"
#include "core/los.h"
#include "core/metrics.h"

#define REPORT_TIME_LEN 32

/* One assessment trial (quiet-eo, quiet-ec, ...). */
typedef struct report_assess {
	int64_t session_id, trial_id;
	char kind[48];                    /* "quiet-eo", "quiet-ec", ... */
	char status[16];                  /* "complete", "stepped-off", ... */
	char started_at[REPORT_TIME_LEN]; /* ISO 8601 UTC */
	double duration_s;                /* the trial's own duration */
	bool simulated;                   /* recorded on the simulated plate */
	bool have_metrics;
	met_static m;                     /* stored metrics; NaN where one is missing */
	/* The recorded on-plate COP (resampled by the pipeline, unfiltered),
	 * time since the trial's start; only for trials of the detailed visit
	 * (NULL, 0 otherwise). Owned by the report_data. */
	double *t_s, *x_mm, *y_mm;
	size_t n;
	bool in_test;                     /* a trial of a standard test (mCTSIB) */
} report_assess;

/* One game played (a trial "game:<id>"); NaN = not stored. */
typedef struct report_game {
	int64_t session_id, trial_id;
	char game[40];                    /* "reach" */
	char status[16];
	char started_at[REPORT_TIME_LEN];
	bool simulated;                   /* played on the simulated plate */
	double level_start, level_end, level_max, score, hits, misses;
	double time_in_target_s, play_time_s;
	char conditions[160];             /* "tandem, foam, dual task: arithmetic";
	                                   * "" for the plain condition */
	double cognitive_correct, cognitive_errors; /* NaN: no thinking task */
	double dual_task_cost_pct, dual_task_cost_sway_pct; /* NaN: no reference */
} report_game;

/* One limits-of-stability measurement (a trial "los"). */
typedef struct report_los {
	int64_t session_id, trial_id;
	char started_at[REPORT_TIME_LEN];
	bool simulated;                   /* measured on the simulated plate */
	double limit_mm[LOS_DIRS];        /* enum los_dir order; NaN = missing */
	bool summary;                     /* from a test:los summary (else an older los trial) */
} report_los;

/* A stored number by name. */
typedef struct report_metric {
	char name[48];
	double value;
	char unit[16];
} report_metric;

/* One standard test's summary (a trial test:<name>). */
typedef struct report_test {
	int64_t session_id, trial_id;
	char kind[48];                    /* "test:mctsib", "test:los", ... */
	char status[16];                  /* complete: every condition scored */
	char started_at[REPORT_TIME_LEN];
	bool simulated;
	report_metric *m;                 /* its metrics (owned by the report_data) */
	size_t n_m;
} report_test;

/* A session's notes and the therapist's comment. */
typedef struct report_note {
	int64_t session_id;
	char started_at[REPORT_TIME_LEN];
	char operator_name[64];
	char notes[512];
	char comment[1024];
} report_note;

/* The sessions of one day. */
typedef struct report_visit {
	char date[11];                    /* local date, YYYY-MM-DD */
	char started_at[REPORT_TIME_LEN]; /* ISO 8601 UTC of its first session */
	int64_t first_session_id, last_session_id;
	size_t n_sessions;
	size_t n_simulated;               /* of them, on the simulated plate */
	/* The device of its latest session on a real plate (of its latest
	 * session if all were simulated), and its latest operator named. */
	char device_backend[16], device_serial[48], operator_name[64];
	report_assess *assess;
	size_t n_assess;
	report_game *games;
	size_t n_games;
	report_los *los;
	size_t n_los;
	report_test *tests;
	size_t n_tests;
	report_note *notes;               /* its sessions with notes or a comment */
	size_t n_notes;
	size_t n_trials;                  /* every trial of the visit */
} report_visit;

typedef struct report_patient {
	char code[33];
	char name[128];      /* "" = none */
	int birth_year;      /* 0 = unknown */
	double height_cm;    /* 0 = unknown */
	double weight_kg;    /* 0 = unknown */
} report_patient;

typedef struct report_data {
	report_patient patient;
	report_visit *visits; /* every visit with a trial, oldest first */
	size_t n_visits;
	size_t first;         /* the range's first visit */
	size_t current;       /* the visit reported in detail: the range's last */
	ana_cfg analysis;     /* the preprocessing behind the stored metrics */
	char clinic[128];     /* the station's setting "clinic", printed in every
	                       * page's head; "" = none */
} report_data;

/* Which visits: all (both zero), the one holding session_id (and those
 * before it), or those on or after since_date ("YYYY-MM-DD", local). */
typedef struct report_sel {
	int64_t session_id;
	const char *since_date;
} report_sel;

struct store;

/* Reads patient code's history from s (any open mode) into *out, with the
 * samples of the detailed visit's assessment trials. Called by `poise
 * report` and the app's export. Returns POISE_OK; POISE_E_NOT_FOUND for an
 * unknown patient or a session that is not theirs; POISE_E_INVALID for a
 * bad since_date; POISE_E_RANGE when there is no trial to report (none at
 * all, or none since the date); a database error code otherwise. msg gets
 * a sentence for people on failure; *out is then untouched. Free with
 * report_data_free(). */
int report_load(struct store *s, const char *code, const report_sel *sel, report_data *out,
                char *msg, size_t msg_len);

/* Frees what report_load() (or a test building one by hand with malloc)
 * put into d, and zeroes it. NULL is fine. */
void report_data_free(report_data *d);

/* ---- pure helpers (what the pages print) ----------------------------- */

/* A number as the report prints it: 1 decimal from 100 up, 2 from 1, 3
 * below; "−" (U+2212) for negatives; "–" (en dash) for NaN. Returns buf. */
const char *report_fmt_num(char *buf, size_t len, double v);

/* The 95 % confidence ellipse of (x, y)[0..n): centre, semi-axes and the
 * major axis's angle from the ML axis, from the population covariance
 * (÷ n) and F.05[2, n−2], as met_static_compute() defines AREA-CE;
 * area_mm2 = π·a·b equals that metric. POISE_E_RANGE for n < 3. */
typedef struct report_ellipse {
	double cx_mm, cy_mm;
	double a_mm, b_mm;   /* semi-major, semi-minor */
	double angle_rad;    /* of the major axis, from +ML toward +AP */
	double area_mm2;
} report_ellipse;

int report_ellipse95(const double *x_mm, const double *y_mm, size_t n, report_ellipse *out);

/* The ellipse of an assessment trial as the report draws it: its samples
 * prepared with cfg (as the recorder did), then report_ellipse95().
 * POISE_E_RANGE without samples. */
int report_trial_ellipse(const report_assess *t, const ana_cfg *cfg, report_ellipse *out);

/* The visit's representative trial of kind: its last complete trial with
 * metrics, else its last trial with metrics; NULL if none. */
const report_assess *report_visit_assess(const report_visit *v, const char *kind);

/* The latest visit before visit index `before` with a representative trial
 * of kind; *visit (may be NULL) gets its index. NULL if none. */
const report_assess *report_previous(const report_data *d, size_t before, const char *kind,
                                     size_t *visit);

/* Romberg quotient EC/EO of the metric at offsetof(met_static, ...) for
 * visit v (NaN unless both quiet-eo and quiet-ec exist). */
double report_romberg(const report_visit *v, size_t metric_offset);

/* True if anything the visit holds (a test, a game, an LOS measurement)
 * was recorded on the simulated plate. */
bool report_visit_simulated(const report_visit *v);

/* The value of test metric name (NaN if not stored). */
double report_test_value(const report_test *t, const char *name);

/* The visit's latest test of kind ("test:mctsib"...), NULL if none. */
const report_test *report_visit_test(const report_visit *v, const char *kind);

/* The latest test of kind in a visit before index `before`; *visit (may be
 * NULL) gets its index. NULL if none. */
const report_test *report_previous_test(const report_data *d, size_t before, const char *kind,
                                        size_t *visit);

/* The latest LOS measurement up to visit index upto; NULL if none. */
const report_los *report_latest_los(const report_data *d, size_t upto);

/* People's names for a trial kind ("Quiet stance, eyes open") and a game
 * id ("Reach"); unknown ones are returned as given. Static or k itself. */
const char *report_kind_label(const char *kind);
const char *report_game_label(const char *game_id);

/* The age band ("60–69 years") at the visit from the birth year; "" if
 * unknown. Returns buf. */
const char *report_age_band(char *buf, size_t len, int birth_year, const char *visit_date);

/* "YYYY-MM-DD" → "2 May 2024" (English month names, as the report prints
 * dates). Returns buf. */
const char *report_human_date(char *buf, size_t len, const char *date);

/* The plain-language paragraph about the detailed visit: what was
 * measured, what changed since the previous visit and over the range, the
 * training, trials that ended early, and how to read it (no diagnosis).
 * Rule-based; changes under 10 % are called "about the same". Writes a
 * NUL-terminated UTF-8 string into buf (truncated to len). */
void report_summary(const report_data *d, char *buf, size_t len);

/* ---- output ----------------------------------------------------------- */

typedef struct report_opts {
	const char *font_regular; /* TrueType files (DejaVu Sans from assets/); */
	const char *font_bold;    /* NULL: looked up with sys_asset_path() */
	const char *version;      /* printed in every footer; NULL = this build's */
	const char *generated_at; /* local time text for the footer; NULL = now */
	const char *png_dir;      /* also write <png_dir>/<CODE>-page-<k>.png; NULL = no */
	double png_dpi;           /* 0 = 100 */
} report_opts;

typedef struct report_result {
	int pages;
	int png_files;
} report_result;

/* Draws d into an A4 PDF at pdf_path (mode 0600; written to a temporary
 * file in the same folder and renamed into place, so a failure leaves no
 * partial file and an old report intact), and PNG pages into
 * opts->png_dir (created 0700 if missing) if set. A page showing a number
 * from a simulated trial carries the simulated-plate banner in its top
 * margin (see "Simulated data" above). Called by `poise report` and the
 * app. *res (may be NULL) gets the page count. Returns POISE_OK,
 * POISE_E_ACCESS / POISE_E_NOT_FOUND / POISE_E_NOSPACE / POISE_E_IO when a
 * file cannot be written, POISE_E_NOT_FOUND for a missing font,
 * POISE_E_RANGE if d has nothing to report; msg then says what and where. */
int report_render(const report_data *d, const report_opts *opts, const char *pdf_path,
                  report_result *res, char *msg, size_t msg_len);

/* Writes the report's numbers into dir (created 0700 if missing; files
 * 0600, replaced atomically): <CODE>_report_metrics.csv (every stored
 * metric of every trial in the range, full precision), and
 * <CODE>_report_comparison.csv (the detailed visit's metrics with the
 * previous value and the change, the Romberg quotients and the ellipse
 * geometry). Every row says whether its trial was simulated (column
 * `simulated`, and `previous_simulated` for the comparison's previous
 * value: 1/0, empty without one). *files (may be NULL) gets how many were written. Errors as
 * report_render(). */
int report_write_csv(const report_data *d, const char *dir, int *files, char *msg,
                     size_t msg_len);

/* For the app's Export action: opens the database at db_path (NULL = the
 * default path) read-only, loads patient code's latest session and writes
 * its report to pdf_path with default options, then closes the database.
 * msg gets a sentence for people either way (where the report went, or
 * what failed). Returns as report_load() and report_render(). */
int report_export_pdf(const char *db_path, const char *code, const char *pdf_path,
                      report_result *res, char *msg, size_t msg_len);

/* The same from a database the caller already has open (the app, which
 * must not open its database twice: see store.h). */
int report_export_pdf_store(struct store *s, const char *code, const char *pdf_path,
                            report_result *res, char *msg, size_t msg_len);

/* The file name report_write_csv() gives a table ("metrics",
 * "comparison"): "<CODE>_report_<what>.csv". */
void report_csv_name(char *buf, size_t len, const char *code, const char *what);

#endif
