/* Poise: the trial recorder. Writes the pipeline's COP samples into the
 * station database as a trial runs.
 *
 * Main thread, once per COP sample, without stalling a frame: push() only
 * copies the sample into a buffer allocated at create; every batch_s of
 * sample time (default 0.2 s) the buffer is handed to the recorder's
 * writer thread, which writes it in one transaction through its own
 * connection to the file (WAL mode, synchronous=NORMAL: a commit is a
 * write into the page cache, no fsync; checkpoints happen only at the end
 * of a trial), so a slow disk or a busy machine never holds up a frame
 * (push() waits only if the writer is REC_SLOTS − 1 batches, 1.4 s,
 * behind). A helper thread fdatasync()s the WAL file every second while
 * batches come in, so a power cut loses at most about a second; the main
 * thread never waits for the disk. The trial row is written at begin with
 * status 'crashed' and gets its real status at end, so a killed process
 * leaves a trial marked crashed that holds every sample up to its last
 * committed batch: at most batch_s lost, plus the batch being committed
 * at that moment (a commit takes about a millisecond).
 *
 * Step-on/step-off, input gaps and clock restarts (sample flags) become
 * events by themselves; callers add their own (level changes, target
 * hits) with store_rec_event(). At end, the static sway metrics of the
 * on-plate samples are computed with ana_static_metrics() (the same
 * preprocessing as `poise metrics`) and stored with the trial.
 *
 * Faults: when a commit fails (disk full, file-size limit, read-only or
 * damaged database) the recorder stops the trial: the next push() (or
 * event, flush, end) returns the error (POISE_E_NOSPACE, POISE_E_ACCESS,
 * POISE_E_IO, ...), and so does every call after; store_errmsg() of the
 * store says what happened and that the samples committed before are kept,
 * and the caller stays in control (it shows the message and carries on;
 * nothing exits). Batches handed over after the failing one are dropped.
 */
#ifndef POISE_STORE_RECORDER_H
#define POISE_STORE_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/analysis.h"
#include "core/frame.h"
#include "core/metrics.h"
#include "core/pipeline.h"
#include "store/store.h"

typedef struct store_rec store_rec;

typedef struct store_rec_cfg {
	double batch_s;        /* commit when the buffer spans this much sample time */
	size_t max_samples;    /* buffer size; a full buffer commits early */
	size_t max_events;     /* event buffer size (≥ 4); full commits early */
	ana_cfg analysis;      /* preprocessing of the end-of-trial metrics */
	double min_metrics_s;  /* no metrics for less on-plate time than this */
	bool caller_metrics;   /* the caller stores the trial's sway metrics
	                        * itself (a game: sway while playing); the
	                        * recorder computes none at the end */
	double sync_s;         /* a helper thread fdatasync()s the WAL this often
	                        * while batches come in, so they also survive a
	                        * power cut, off the main thread (0 = never; the
	                        * end of the trial syncs anyway) */
	bool writer_thread;    /* commit on the recorder's own thread and
	                        * connection (default); false: push() commits
	                        * on the caller's thread, as tests of exact
	                        * batch timing want */
} store_rec_cfg;

/* Defaults: 0.2 s batches, 4096 samples, 256 events, ana_cfg_default()
 * (100 Hz, 10 Hz low-pass, as `poise metrics`), 2 s, sync every 1 s, a
 * writer thread. */
void store_rec_cfg_default(store_rec_cfg *cfg);

/* Timing of the commits of the current (or last) trial. */
typedef struct store_rec_stats {
	uint64_t samples;       /* samples committed */
	uint64_t commits;       /* batches committed */
	double worst_commit_ms; /* longest commit of a batch (on the writer
	                         * thread, or in push() without one) */
	double total_commit_ms;
	double worst_wait_ms;   /* longest push() waiting for the writer to
	                         * make room (0 unless the disk fell behind) */
	uint64_t syncs;         /* WAL syncs by the helper thread (after end) */
} store_rec_stats;

/* Creates a recorder writing into s (a writing open; not owned: close s
 * after destroying the recorder). cfg NULL = defaults. *out untouched on
 * failure (POISE_E_INVALID, POISE_E_STATE for a read-only store,
 * POISE_E_NOMEM). */
int store_rec_create(store_rec **out, store *s, const store_rec_cfg *cfg);

/* Ends a trial still open as 'aborted' (best effort) and frees. NULL is fine. */
void store_rec_destroy(store_rec *r);

/* Starts a trial in session session_id: writes its row (status 'crashed')
 * at once. t0_us is the trial's time zero on the host monotonic clock
 * (usually the first sample's t_us); sample and event times are stored
 * relative to it. rate_hz is the samples' rate (stored with the trial).
 * *trial_id (may be NULL) gets the id. POISE_E_STATE if a trial is open;
 * POISE_E_INVALID for a bad kind or JSON (see store_trial_begin). */
int store_rec_begin(store_rec *r, int64_t session_id, const char *kind, const char *params_json,
                    const char *level_json, double rate_hz, mono_us t0_us, int64_t *trial_id);

/* Takes one COP sample (in time order). Usually just a copy; commits a
 * batch when due. POISE_OK, POISE_E_STATE without an open trial, or the
 * error that stopped the recording (see Faults above). */
int store_rec_push(store_rec *r, const cop_sample *smp);

/* Queues an event at host time t_us with kind (< 32 chars) and detail
 * (< 256 chars, may be NULL); committed with the next batch. */
int store_rec_event(store_rec *r, mono_us t_us, const char *kind, const char *detail);

/* Commits what is buffered now (e.g. before a pause) and waits until it,
 * and every batch before it, is in the database. */
int store_rec_flush(store_rec *r);

/* Ends the open trial: commits the rest, computes and stores the static
 * metrics of its on-plate samples unless cfg.caller_metrics (into
 * *metrics too, if not NULL, with *have_metrics telling whether there
 * were enough samples), sets status
 * and duration, and checkpoints the database. If the recording had
 * stopped on an error, or this final commit fails, the trial is marked
 * 'aborted' where the disk still allows (else it stays 'crashed'), and
 * the error is returned. */
int store_rec_end(store_rec *r, enum store_status status, met_static *metrics, bool *have_metrics);

/* True while a trial is open. */
bool store_rec_active(const store_rec *r);

/* The open (or last) trial's id; 0 before the first. */
int64_t store_rec_trial_id(const store_rec *r);

void store_rec_stats_get(const store_rec *r, store_rec_stats *out);

#endif
