/* Poise: the session engine, the one road every sample travels.
 *
 *   source ──frames──▶ pipeline ──COP samples──▶ consumers, in attach order
 *   (thread | direct)  (calibrate, presence,      live history, game,
 *                        COP, resample, filter)    trial writer, protocols
 *
 * The app, `poise play`, `poise record` and the assessments all run on it:
 * they attach consumers and call ses_pump() in their own rhythm (the app
 * once per frame, the headless commands in a loop); none of them reads a
 * device or runs the pipeline itself. Time inside the road is sample time:
 * a game advances by one sample period per sample, in the window as
 * headless, so a stored trial replays exactly.
 *
 * The engine also watches the stream: the measured frame rate (from the
 * frames' own timestamps), a plate that stays connected but sends nothing
 * (SES_NO_DATA after no_data_s of host time, the rate then reads 0), and a
 * plate that went away (SES_LOST; ses_reconnect() brings it back). It
 * tells attached consumers of each change through their note() operation,
 * so a trial's log says where data stopped and came back.
 *
 * Threads: main thread only (the source may run a reader thread of its
 * own). Allocates at create only: nothing per frame or per sample.
 */
#ifndef POISE_SESSION_ENGINE_H
#define POISE_SESSION_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "core/pipeline.h"
#include "device/device.h"
#include "session/source.h"

typedef struct ses_engine ses_engine;
typedef struct ses_consumer ses_consumer;

#define SES_MAX_CONSUMERS 8

/* What the engine tells consumers about the stream (ses_consumer_ops.note). */
enum ses_note {
	SES_NOTE_NO_DATA = 1, /* connected, but no frame for no_data_s */
	SES_NOTE_DATA_BACK,   /* frames flow again after SES_NOTE_NO_DATA */
	SES_NOTE_LOST,        /* the device went away (err says how) */
	SES_NOTE_BACK,        /* ses_reconnect() brought it back */
};

/* "no-data", "data-back", "device-lost", "device-back"; static. */
const char *ses_note_name(enum ses_note n);

struct ses_consumer_ops {
	/* For messages: "history", "game", "writer"... */
	const char *name;
	/* One COP sample out of the pipeline; samples come in time order and
	 * every attached consumer sees every sample from its attachment on.
	 * Returns POISE_OK, or an error: the engine then detaches the
	 * consumer, keeps the error in c->err, and goes on delivering to the
	 * others (a failing recorder never stops the game or the live view). */
	int (*sample)(ses_consumer *c, const cop_sample *s);
	/* Optional: the stream changed (see enum ses_note) at host time t_us;
	 * err is the device's error for SES_NOTE_LOST, else POISE_OK. An error
	 * returned detaches the consumer as for sample(). */
	int (*note)(ses_consumer *c, enum ses_note what, mono_us t_us, int err);
};

/* The head of every consumer; the engine owns the fields below ops. */
struct ses_consumer {
	const struct ses_consumer_ops *ops;
	int err;            /* why the engine detached it (POISE_OK if it did not) */
	ses_engine *engine; /* while attached; NULL otherwise */
	uint64_t from;      /* the first sample (engine count) it is to see */
};

/* Session state (ses_state()). */
enum ses_state {
	SES_IDLE = 0, /* created, not started */
	SES_RUNNING,  /* frames flow */
	SES_NO_DATA,  /* connected, but nothing for no_data_s */
	SES_LOST,     /* the device went away; ses_reconnect() may bring it back */
	SES_STOPPED,  /* ses_stop() */
};

typedef struct ses_cfg {
	pl_cfg pipeline;     /* the pipeline for this plate (dev_pipeline_cfg) */
	double no_data_s;    /* SES_NO_DATA after this long without a frame (2 s) */
	/* The host clock (for the watchdog); NULL = dev_now_us(). Tests pass
	 * their own. */
	mono_us (*now_us)(void *ctx);
	void *now_ctx;
} ses_cfg;

/* Defaults for a plate: dev_pipeline_cfg(info), no data after 2 s, the
 * monotonic clock. */
void ses_cfg_default(ses_cfg *cfg, const dev_info *info);

/* Creates an engine reading from src (taken on success: destroyed with the
 * engine). *out untouched on failure: POISE_E_INVALID (bad pipeline
 * settings), POISE_E_NOMEM. */
int ses_create(ses_engine **out, ses_source *src, const ses_cfg *cfg);

/* Stops if needed, frees the engine and its source. Attached consumers are
 * only forgotten (they belong to whoever attached them). NULL is fine. */
void ses_destroy(ses_engine *e);

/* Starts the source. POISE_E_STATE if already started; else the source's
 * start error (the state stays SES_IDLE then). */
int ses_start(ses_engine *e);

/* Stops the source; consumers stay attached, pumps deliver nothing more.
 * Idempotent. */
void ses_stop(ses_engine *e);

/* Appends c to the delivery order; from the next sample on it sees every
 * sample. POISE_E_RANGE when SES_MAX_CONSUMERS are attached,
 * POISE_E_STATE if c is attached already. Clears c->err. May be called
 * from inside a consumer's sample(): c then starts with the next sample. */
int ses_attach(ses_engine *e, ses_consumer *c);

/* Removes c (no-op if not attached). Safe from inside any consumer's
 * sample() or note(): c gets no further sample, not even the rest of the
 * current batch. */
void ses_detach(ses_engine *e, ses_consumer *c);

/* One turn of the road: reads what the source has, up to max_frames
 * frames (SIZE_MAX: until it has nothing more, e.g. a drained ring),
 * waiting up to wait_ms for the first; carries each frame through the
 * pipeline and hands every resulting sample to the consumers in attach
 * order. *n_samples (may be NULL) gets how many samples were delivered.
 * Updates the watchdog and the measured rate. Returns POISE_OK, or the
 * error that ended the stream (SES_LOST) on this and every later pump
 * until ses_reconnect() succeeds; POISE_E_STATE before ses_start(). */
int ses_pump(ses_engine *e, int wait_ms, size_t max_frames, size_t *n_samples);

/* Looks once for the lost plate and streams again from it (the pipeline
 * carries on: the first sample after the gap is marked SAMPLE_RESTART).
 * POISE_OK and consumers get SES_NOTE_BACK; POISE_E_NOT_FOUND while it is
 * not back; POISE_E_UNSUPPORTED for a source that cannot reconnect;
 * POISE_E_STATE unless SES_LOST. */
int ses_reconnect(ses_engine *e, const dev_open_cfg *cfg);

/* The state; *err (may be NULL) gets the device's error when SES_LOST. */
enum ses_state ses_state(const ses_engine *e, int *err);

/* The plate (name, backend, serial, geometry, nominal rate). */
const dev_info *ses_device(const ses_engine *e);

/* The frame rate measured over the last second or more of the frames' own
 * timestamps; 0 until a second has passed, and 0 while SES_NO_DATA or
 * SES_LOST. */
double ses_rate_hz(const ses_engine *e);

/* The pipeline's output rate: every sample is 1/this seconds apart. */
double ses_sample_rate_hz(const ses_engine *e);

/* The pipeline, for taring (pl_tare_start) and body weight. */
pipeline *ses_pipeline(ses_engine *e);

/* True if the plate is the simulated one (the operator's choice or a
 * demo's fallback). */
bool ses_simulated(const ses_engine *e);

/* True if the device can be steered (the simulated person). */
bool ses_can_steer(const ses_engine *e);

/* Steers the simulated person (no-op for real plates). */
void ses_steer(ses_engine *e, const dev_steer *st);

/* Sets the simulated person's eyes, surface and posture (no-op for real
 * plates): the assessments' simulated patient. */
void ses_pose(ses_engine *e, const dev_pose *p);

/* Counters of the whole session. */
typedef struct ses_stats {
	uint64_t frames;     /* frames read from the source */
	uint64_t samples;    /* samples delivered */
	uint64_t overflows;  /* frames the source lost to a full ring */
	uint64_t dropped;    /* frames the resampler ignored (time did not advance) */
} ses_stats;

void ses_stats_get(const ses_engine *e, ses_stats *out);

#endif
