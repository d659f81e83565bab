/* Poise: where a session's frames come from.
 *
 * One interface over the two ways of reading a plate: the acquisition
 * thread (a real plate, or the simulated one in real time: a thread reads
 * the device and the frames wait in a lock-free ring until the main thread
 * takes them) and a direct read on the calling thread (the simulated plate
 * as fast as it can go, for headless play and tests). Tests plug in their
 * own source through the same table of operations.
 *
 * Threads: every operation is called on the thread that owns the session
 * (the main thread); the thread source runs its own reader behind them.
 * Ownership: a source owns its device; ses_source_destroy() closes it.
 */
#ifndef POISE_SESSION_SOURCE_H
#define POISE_SESSION_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "device/device.h"

typedef struct ses_source ses_source;

struct ses_source_ops {
	/* "thread", "direct", or a test's name. */
	const char *name;
	/* Starts streaming. POISE_OK, or the device's start error (nothing
	 * runs then). Called once, by ses_start(). */
	int (*start)(ses_source *src);
	/* Copies up to max frames, oldest first, into out and sets *n_read.
	 * When none is ready it waits up to wait_ms for one (0: never waits).
	 * Returns POISE_OK (possibly with no frame) while the stream runs;
	 * once the device has gone away and every frame it delivered before
	 * was returned, the error that ended the stream (POISE_E_DISCONNECTED,
	 * POISE_E_IO...), on that call and every later one. Never invents a
	 * frame. */
	int (*read)(ses_source *src, poise_frame *out, size_t max, size_t *n_read, int wait_ms);
	/* Stops streaming; frames not yet read are dropped. Idempotent. */
	void (*stop)(ses_source *src);
	/* Optional (NULL: the source cannot come back). After read() returned
	 * an error, looks once for the same plate (same serial, else same id),
	 * opens it and streams again. POISE_OK (streaming again, info updated),
	 * POISE_E_NOT_FOUND while it is not back, or the open error. */
	int (*reconnect)(ses_source *src, const dev_open_cfg *cfg);
	/* Optional: frames lost because the reader got ahead of the main
	 * thread (a full ring); they show as FRAME_GAP on the next frame. */
	uint64_t (*overflows)(const ses_source *src);
	/* Frees the source and closes its device. */
	void (*destroy)(ses_source *src);
};

/* The head of every source. */
struct ses_source {
	const struct ses_source_ops *ops;
	dev *d;        /* the open device (owned), or NULL for a test's source */
	dev_info info; /* the plate: name, backend, geometry, nominal rate */
};

/* A source with an acquisition thread reading d into a ring of
 * ring_frames frames (16 s at 1 kHz is plenty: a stalled main thread loses
 * nothing). Takes d on success (closed with the source); on failure *out
 * and d are untouched and the result is POISE_E_NOMEM or POISE_E_INVALID. */
int ses_source_thread(ses_source **out, dev *d, size_t ring_frames);

/* A source that reads d on the calling thread. For a simulated plate that
 * is not paced by the clock, a minute of data takes a moment and no frame
 * is ever lost. Takes d on success, as ses_source_thread(). */
int ses_source_direct(ses_source **out, dev *d);

/* src->ops->destroy(src); NULL is fine. */
void ses_source_destroy(ses_source *src);

#endif
