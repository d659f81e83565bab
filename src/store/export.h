/* Poise: exporting a patient's recordings for spreadsheets, pandas, R and
 * `poise metrics`.
 *
 * For every trial (of one session, or of all the patient's sessions) it
 * writes into a folder (created 0700 if missing; files 0600, overwritten):
 *   <CODE>_s<session>_t<trial>_<kind>_samples.csv   every sample: t (s since
 *       the trial's start), cop_x, cop_y (mm; ML + right, AP + forward;
 *       empty when undefined), fz_n, force_tl_n … force_br_n (N), on_plate
 *       (1/0), flags (sample_flag bits), simulated (1/0). `poise metrics`
 *       reads it as it is.
 *   CSV format:  ..._metrics.csv (name,value,unit,simulated),
 *       ..._events.csv (t,kind,detail,simulated) and trials.csv (one row per
 *       trial: session, device, simulated, kind, status, duration,
 *       parameters, ...);
 *   JSON format: ..._trial.json (session, trial, metrics, events), with
 *       "simulated": true/false in its session and its trial.
 * Simulated data (a session on the simulated plate, store_session_is_
 * simulated()) is marked on every CSV row and in every JSON trial, so it
 * cannot pass for a measurement once the files leave Poise.
 * plus README.txt describing the columns and units. A ':' in the trial
 * kind becomes '-' in file names.
 */
#ifndef POISE_STORE_EXPORT_H
#define POISE_STORE_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

enum store_export_format {
	STORE_EXPORT_CSV = 0,
	STORE_EXPORT_JSON,
};

typedef struct store_export_result {
	size_t trials; /* trials exported */
	size_t files;  /* files written */
} store_export_result;

/* Exports the trials of patient `code` (only session session_id if > 0)
 * into dir. Called by `poise export` (and later the app). *res (may be
 * NULL) gets what was written. Errors: POISE_E_NOT_FOUND (patient or
 * session), POISE_E_NOSPACE/IO/ACCESS writing a file (store_errmsg() names
 * it), or a database error. A trial still being recorded is exported with
 * what is committed so far. */
int store_export(store *s, const char *code, int64_t session_id, enum store_export_format fmt,
                 const char *dir, store_export_result *res);

/* The samples file name of a trial, e.g. "P01_s3_t7_quiet-eo_samples.csv". */
void store_export_samples_name(char *buf, size_t len, const char *code, int64_t session_id,
                               int64_t trial_id, const char *kind);

#endif
