/* Poise: the acquisition thread.
 *
 * Owns an open device while it streams: calls its start/read/stop on a
 * thread of its own and pushes every frame into a frame_ring that the main
 * thread drains with acq_pop(). When the device goes away the thread ends
 * with state ACQ_ENDED and the error; every frame read before that stays in
 * the ring. If the main thread stalls long enough for the ring to fill,
 * frames are counted as overflow and the next frame carries FRAME_GAP:
 * nothing is invented, nothing reordered.
 */
#ifndef POISE_DEVICE_ACQ_H
#define POISE_DEVICE_ACQ_H

#include <stddef.h>
#include <stdint.h>

#include "core/frame.h"
#include "device/device.h"

typedef struct acq acq;

enum acq_state {
	ACQ_IDLE = 0,  /* created, not started */
	ACQ_RUNNING,   /* the thread is reading */
	ACQ_ENDED,     /* the device stopped on its own (unplugged, error) */
	ACQ_STOPPED,   /* acq_stop() was called */
};

/* Creates the acquisition for d (not owned: close it after acq_destroy)
 * with a ring of ring_capacity frames. *out untouched on failure. */
int acq_create(acq **out, dev *d, size_t ring_capacity);

/* Stops if needed and frees. NULL is fine. */
void acq_destroy(acq *a);

/* Starts the device and the thread. Returns the device's start error, or
 * POISE_E_STATE if already started. */
int acq_start(acq *a);

/* Asks the thread to finish, waits for it and stops the device. Frames
 * already in the ring can still be popped. Idempotent. */
void acq_stop(acq *a);

/* Main thread: takes up to max frames, oldest first. */
size_t acq_pop(acq *a, poise_frame *out, size_t max);

/* Current state; *err (if not NULL) gets the error that ended the stream
 * (POISE_OK unless ACQ_ENDED). Check it after draining the ring: the thread
 * sets it only after its last frame is in the ring. */
enum acq_state acq_state(const acq *a, int *err);

/* Frames lost because the ring was full. */
uint64_t acq_overflows(const acq *a);

/* Frames pushed so far. */
uint64_t acq_frames(const acq *a);

dev *acq_device(const acq *a);

#endif
