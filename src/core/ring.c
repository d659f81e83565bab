#include "core/ring.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/error.h"

#define CACHE_LINE 64

/* head is written by the producer only, tail by the consumer only. Each side
 * keeps a private copy of the other's index and re-reads the shared one only
 * when its copy says full/empty, so the common case touches one cache line.
 * Indices grow without bound (size_t wraps harmlessly) and are masked. */
struct frame_ring {
	alignas(CACHE_LINE) atomic_size_t head;
	size_t tail_cache; /* producer's view of tail */
	alignas(CACHE_LINE) atomic_size_t tail;
	size_t head_cache; /* consumer's view of head */
	alignas(CACHE_LINE) size_t mask;
	poise_frame *slots;
};

int frame_ring_create(frame_ring **out, size_t capacity)
{
	if (!out || capacity == 0 || capacity > ((size_t)1 << 30))
		return POISE_E_INVALID;
	size_t cap = 2;
	while (cap < capacity)
		cap <<= 1;
	frame_ring *r = aligned_alloc(CACHE_LINE, sizeof *r);
	if (!r)
		return POISE_E_NOMEM;
	r->slots = calloc(cap, sizeof *r->slots);
	if (!r->slots) {
		free(r);
		return POISE_E_NOMEM;
	}
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->tail_cache = 0;
	r->head_cache = 0;
	r->mask = cap - 1;
	*out = r;
	return POISE_OK;
}

void frame_ring_destroy(frame_ring *r)
{
	if (!r)
		return;
	free(r->slots);
	free(r);
}

bool frame_ring_push(frame_ring *r, const poise_frame *f)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	if (head - r->tail_cache > r->mask) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (head - r->tail_cache > r->mask)
			return false;
	}
	r->slots[head & r->mask] = *f;
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return true;
}

size_t frame_ring_pop(frame_ring *r, poise_frame *out, size_t max)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t avail = r->head_cache - tail;
	if (avail < max) {
		r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
		avail = r->head_cache - tail;
	}
	size_t n = avail < max ? avail : max;
	for (size_t i = 0; i < n; i++)
		out[i] = r->slots[(tail + i) & r->mask];
	if (n)
		atomic_store_explicit(&r->tail, tail + n, memory_order_release);
	return n;
}

size_t frame_ring_count(const frame_ring *r)
{
	size_t head = atomic_load_explicit(&((frame_ring *)r)->head, memory_order_acquire);
	size_t tail = atomic_load_explicit(&((frame_ring *)r)->tail, memory_order_acquire);
	return head - tail;
}

size_t frame_ring_capacity(const frame_ring *r)
{
	return r->mask + 1;
}
