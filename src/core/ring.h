/* Poise: lock-free single-producer/single-consumer ring of frames.
 *
 * The only meeting point of the acquisition thread (producer) and the main
 * thread (consumer). Exactly one thread may push and exactly one may pop;
 * neither ever blocks or allocates. C11 atomics with acquire/release order:
 * a frame popped is always the complete frame that was pushed.
 */
#ifndef POISE_CORE_RING_H
#define POISE_CORE_RING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/frame.h"

typedef struct frame_ring frame_ring;

/* Creates a ring holding at least `capacity` frames (rounded up to a power
 * of two, at least 2). On success *out owns the ring (free it with
 * frame_ring_destroy); on failure *out is untouched. */
int frame_ring_create(frame_ring **out, size_t capacity);

/* Frees the ring; NULL is fine. No thread may use it any more. */
void frame_ring_destroy(frame_ring *r);

/* Producer only. Copies *f into the ring; false (and nothing stored) when
 * the ring is full. */
bool frame_ring_push(frame_ring *r, const poise_frame *f);

/* Consumer only. Copies up to `max` of the oldest frames into out[] in the
 * order they were pushed and returns how many. */
size_t frame_ring_pop(frame_ring *r, poise_frame *out, size_t max);

/* Frames waiting right now (a snapshot; either thread may ask). */
size_t frame_ring_count(const frame_ring *r);

/* How many frames the ring can hold. */
size_t frame_ring_capacity(const frame_ring *r);

#endif
