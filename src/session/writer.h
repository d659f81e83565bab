/* Poise: the trial writer, the session's road into the database. Wraps the
 * recorder (store/recorder.h): begins the trial at its first sample (or
 * the first with somebody on the plate), writes every sample after it,
 * takes events (the game's, the protocol's, and the engine's notes: data
 * stopped, device lost, device back), and ends the trial with its status.
 *
 * Usable as a consumer on its own, or driven by a protocol that decides
 * when the trial ends (ses_record, ses_play call ses_writer_push()).
 * Failures (disk full, damaged database) stop the writing, never the
 * session: the error is returned once by push (and kept), store_errmsg()
 * of the database says what happened, and every sample committed before
 * stays in the trial.
 *
 * Main thread. The database must be a writing open owned by the caller.
 */
#ifndef POISE_SESSION_WRITER_H
#define POISE_SESSION_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/metrics.h"
#include "core/pipeline.h"
#include "session/engine.h"
#include "store/recorder.h"
#include "store/store.h"

typedef struct ses_writer ses_writer;

typedef struct ses_writer_cfg {
	store *db;               /* not owned */
	int64_t session_id;      /* the sitting (train_sitting_begin) */
	const char *kind;        /* trial kind (copied): "quiet-eo", "game:reach" */
	const char *params_json; /* JSON object or NULL (copied) */
	const char *level_json;  /* JSON or NULL (copied) */
	double rate_hz;          /* the samples' rate */
	bool wait_for_plate;     /* begin at the first sample with somebody on
	                          * the plate and a COP (quiet stance); else at
	                          * the very first sample (games) */
	bool caller_metrics;     /* the caller stores the sway metrics (games) */
} ses_writer_cfg;

/* Creates a writer (and its recorder). *out owns it; untouched on failure
 * (POISE_E_INVALID; POISE_E_STATE for a read-only database;
 * POISE_E_NOMEM), store_errmsg() says why. */
int ses_writer_create(ses_writer **out, const ses_writer_cfg *cfg);

/* Frees w; a trial still open ends as aborted. It must not be attached.
 * NULL is fine. */
void ses_writer_destroy(ses_writer *w);

/* The consumer: sample() is ses_writer_push(), note() writes the engine's
 * notes as events ("no-data", "device-lost"...). */
ses_consumer *ses_writer_consumer(ses_writer *w);

/* Takes one sample: begins the trial when due, then writes it. POISE_OK
 * (also while waiting for the plate), or the error that stopped the
 * writing (returned on every later call too). */
int ses_writer_push(ses_writer *w, const cop_sample *s);

/* True once the trial has begun (its row exists). */
bool ses_writer_begun(const ses_writer *w);

/* The error that stopped the writing; POISE_OK while all is well. */
int ses_writer_error(const ses_writer *w);

/* An event at host time t_us (kind < 32 chars, detail < 256 or NULL).
 * Ignored (POISE_OK) before the trial begins; the writing's error after a
 * failure. */
int ses_writer_event(ses_writer *w, mono_us t_us, const char *kind, const char *detail);

/* Ends the trial with status (stored as 'aborted' if the writing failed)
 * and, unless caller_metrics, its sway metrics into *m with *have (either
 * may be NULL). POISE_E_STATE if it never began; else POISE_OK or the
 * store's error. */
int ses_writer_end(ses_writer *w, enum store_status status, met_static *m, bool *have);

/* The trial's id (0 before it began). */
int64_t ses_writer_trial_id(const ses_writer *w);

/* Samples written and the worst commit stall. */
void ses_writer_stats(const ses_writer *w, store_rec_stats *out);

#endif
