/* Poise: one standard balance test (mCTSIB, limits of stability,
 * weight-bearing symmetry, sit-to-stand) on the session's road, for the
 * app and `poise assess`. A consumer made of the test's state machine
 * (core/atest.h) and, for a patient, the trial writer: the machine
 * decides from the samples what the patient is asked to do and when a
 * trial is recorded; this consumer records each trial (a trial of the
 * test's kind with every sample, the protocol's events and its measures as
 * metrics) and, at the end, the test's summary.
 *
 * Results in the database (one clean design for every test):
 *   - each trial: kind quiet-eo / quiet-ec / quiet-eo-foam / quiet-ec-foam
 *     / los / symmetry / squat / sit-to-stand, parameters {"test": ...,
 *     "condition": ..., "repeat": n, ...}, status complete, stepped-off (a
 *     fall) or aborted (feet moved, drift: repeated), the static sway
 *     metrics of its on-plate samples (quiet stance, symmetry, squat) and
 *     its measures (atest_trial_values(): held_s, fell, counted, los_rt_s,
 *     wb_left_pct, sts_transfer_s, ...);
 *   - the test: a summary trial of kind test:<name> without samples, in
 *     the same session, whose parameters hold the settings and the ids of
 *     its trials ({"test": ..., "trials": [..]}) and whose metrics hold
 *     the test's results (atest_summary_values(): mctsib_<cond>_velocity_
 *     mm_s, romberg_firm, los_limit_<dir>_mm, wb_stand_left_pct, ...);
 *     status complete when every condition or direction was scored, else
 *     aborted. The LOS limits (los_limit_<dir>_mm) become the patient's
 *     game space (train_plan_load()).
 *
 * A failure to write (disk full) stops the recording, not the test; the
 * error is kept (ses_assess_store_error()). The plate going away or
 * sending nothing ends the test: the trial being recorded is kept, marked
 * device-lost.
 *
 * Main thread. Allocates at create, and once per trial (its writer).
 */
#ifndef POISE_SESSION_ASSESS_H
#define POISE_SESSION_ASSESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/atest.h"
#include "device/device.h"
#include "session/engine.h"
#include "store/store.h"

typedef struct ses_assess ses_assess;

/* Told of every sound cue (the screen plays it); may be NULL. */
typedef void (*ses_assess_cue_fn)(void *ctx, enum atest_cue cue);

typedef struct ses_assess_cfg {
	atest_cfg test;          /* atest_cfg_default() and the options */
	store *db;               /* a writing open, not owned; NULL: nothing is stored */
	int64_t session_id;      /* the sitting (train_sitting_begin) */
	ses_assess_cue_fn on_cue;
	void *ctx;
} ses_assess_cfg;

/* Creates the test. *out owns it; untouched on failure (POISE_E_INVALID
 * for bad settings, POISE_E_NOMEM). */
int ses_assess_create(ses_assess **out, const ses_assess_cfg *cfg);

/* Frees a; a trial still open ends as aborted. It must not be attached.
 * NULL is fine. */
void ses_assess_destroy(ses_assess *a);

/* The consumer to attach to the engine. */
ses_consumer *ses_assess_consumer(ses_assess *a);

/* The state machine, for drawing (atest_prompt_get(), atest_trials()). */
const atest *ses_assess_machine(const ses_assess *a);

/* True once the test is over (done, stopped, or its plate lost). */
bool ses_assess_done(const ses_assess *a);

/* The therapist starts the next condition (cfg.test.manual_go). */
void ses_assess_go(ses_assess *a);

/* Stops the test now (Esc): a trial being recorded is kept, marked
 * aborted; the summary says the test is incomplete. */
void ses_assess_stop(ses_assess *a);

/* The database id of trial i of atest_trials() (0: not stored). */
int64_t ses_assess_trial_id(const ses_assess *a, size_t i);

/* POISE_OK while storing works (or nothing is stored); else the error
 * that stopped it (store_errmsg() of the database says more). */
int ses_assess_store_error(const ses_assess *a);

/* What the simulated patient does now, cooperating with the prompt:
 * standing on the plate, the eyes, the surface and the posture asked for,
 * and in the LOS test a lean toward the target reaching reach × its
 * distance (1: the target). The app and `poise assess` pass these to
 * ses_steer() and ses_posture() on the simulated plate. */
void ses_assess_intent(const ses_assess *a, double reach, dev_steer *st, dev_posture *pose);

/* The test's outcome. */
typedef struct ses_assess_result {
	enum atest_test test;
	bool complete;              /* every condition or direction scored */
	int64_t summary_trial_id;   /* the test:<name> trial (0: not stored) */
	size_t n_values;
	atest_value values[ATEST_MAX_VALUES]; /* atest_summary_values() */
} ses_assess_result;

/* Ends the test (if not yet: as ses_assess_stop()) and stores its summary
 * trial; fills *out (may be NULL). Call once. Returns POISE_OK, or the
 * store's error (the result is filled all the same). */
int ses_assess_finish(ses_assess *a, ses_assess_result *out);

/* The patient's latest complete result of test t before trial
 * `before_id` (0: the latest of all), from sessions on the same kind of
 * plate (simulated or real: a test on the simulated plate is never the
 * baseline of a real one). *found says if there was one; out's values have
 * no units (unit ""). POISE_OK, or the store's error. */
int ses_assess_previous(store *db, int64_t patient_id, enum atest_test t, bool simulated, int64_t before_id,
                        ses_assess_result *out, bool *found);

/* The value called key in r (NaN if absent). */
double ses_assess_value(const ses_assess_result *r, const char *key);

#endif
