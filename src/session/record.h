/* Poise: one recorded trial of standing, as `poise record` runs it, on the
 * session's road. A consumer: it waits for somebody to stand on the plate,
 * then writes every sample for the trial's length; stepping off ends the
 * trial (stepped-off), so does a plate that goes away or stops sending
 * data (device-lost). Waiting gives up after wait_s of host time even when
 * the plate sends nothing at all (ses_record_tick()).
 *
 * Main thread. Allocates at create only.
 */
#ifndef POISE_SESSION_RECORD_H
#define POISE_SESSION_RECORD_H

#include <stdbool.h>

#include "core/metrics.h"
#include "session/engine.h"
#include "session/writer.h"

typedef struct ses_record ses_record;

typedef struct ses_record_cfg {
	ses_writer_cfg writer; /* the trial (wait_for_plate is set here) */
	double seconds;        /* the trial's length, sample time */
	double wait_s;         /* give up if nobody stands on the plate this long */
} ses_record_cfg;

enum ses_record_phase {
	SES_REC_WAITING = 0, /* for somebody on the plate */
	SES_REC_RECORDING,
	SES_REC_DONE,
};

/* How it ended (SES_REC_DONE). */
enum ses_record_end {
	SES_REC_END_NONE = 0,
	SES_REC_END_COMPLETE,    /* the full length */
	SES_REC_END_STEPPED_OFF,
	SES_REC_END_DEVICE_LOST, /* the plate went away */
	SES_REC_END_NO_DATA,     /* the plate stayed connected but sent nothing */
	SES_REC_END_NOBODY,      /* nobody stood on the plate within wait_s */
	SES_REC_END_WRITE_FAILED,/* the database refused a write (disk full...) */
};

/* Creates the protocol and its writer. *out owns it; untouched on failure
 * (as ses_writer_create). */
int ses_record_create(ses_record **out, const ses_record_cfg *cfg);

/* Frees r; a trial still open ends as aborted. Must not be attached. */
void ses_record_destroy(ses_record *r);

ses_consumer *ses_record_consumer(ses_record *r);

/* Host-time watchdog, once per turn of the caller's loop: ends the wait
 * after wait_s of host time since the first call, frames or not. */
void ses_record_tick(ses_record *r, mono_us now_us);

/* Stops a trial that is waiting or recording now (Ctrl-C): it will end
 * as aborted. */
void ses_record_interrupt(ses_record *r);

enum ses_record_phase ses_record_phase(const ses_record *r);
enum ses_record_end ses_record_end_reason(const ses_record *r);

/* The device error that ended it (SES_REC_END_DEVICE_LOST). */
int ses_record_device_error(const ses_record *r);

/* The trial's status for how it ended (aborted after an interrupt or a
 * write failure). */
enum store_status ses_record_status(const ses_record *r);

/* Ends the trial (when it began) with ses_record_status() and computes
 * its sway metrics into *m / *have. POISE_E_STATE if nothing was recorded;
 * else POISE_OK or the store's error. */
int ses_record_finish(ses_record *r, met_static *m, bool *have);

/* The writer (trial id, statistics). */
ses_writer *ses_record_writer(ses_record *r);

#endif
