#include "device/acq.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/ring.h"

#define ACQ_BATCH 64
#define ACQ_READ_TIMEOUT_MS 50

struct acq {
	dev *d;
	frame_ring *ring;
	pthread_t thread;
	bool thread_started;
	atomic_bool quit;
	atomic_int state;
	atomic_int err;
	atomic_uint_fast64_t overflows;
	atomic_uint_fast64_t frames;
	poise_frame batch[ACQ_BATCH]; /* the thread's read buffer */
};

int acq_create(acq **out, dev *d, size_t ring_capacity)
{
	if (!out || !d)
		return POISE_E_INVALID;
	acq *a = calloc(1, sizeof *a);
	if (!a)
		return POISE_E_NOMEM;
	int rc = frame_ring_create(&a->ring, ring_capacity);
	if (rc) {
		free(a);
		return rc;
	}
	a->d = d;
	atomic_init(&a->quit, false);
	atomic_init(&a->state, ACQ_IDLE);
	atomic_init(&a->err, POISE_OK);
	atomic_init(&a->overflows, 0);
	atomic_init(&a->frames, 0);
	*out = a;
	return POISE_OK;
}

static void *acq_main(void *arg)
{
	acq *a = arg;
	bool gap = false;
	while (!atomic_load_explicit(&a->quit, memory_order_relaxed)) {
		size_t n = 0;
		int rc = a->d->ops->read(a->d, a->batch, ACQ_BATCH, &n, ACQ_READ_TIMEOUT_MS);
		for (size_t i = 0; i < n; i++) {
			poise_frame *f = &a->batch[i];
			if (gap)
				f->flags |= FRAME_GAP;
			if (frame_ring_push(a->ring, f)) {
				gap = false;
				atomic_fetch_add_explicit(&a->frames, 1, memory_order_relaxed);
			} else {
				gap = true;
				atomic_fetch_add_explicit(&a->overflows, 1, memory_order_relaxed);
			}
		}
		if (rc != POISE_OK && rc != POISE_E_TIMEOUT) {
			atomic_store(&a->err, rc);
			atomic_store(&a->state, ACQ_ENDED);
			return NULL;
		}
	}
	return NULL;
}

int acq_start(acq *a)
{
	if (atomic_load(&a->state) != ACQ_IDLE)
		return POISE_E_STATE;
	int rc = a->d->ops->start(a->d);
	if (rc)
		return rc;
	atomic_store(&a->state, ACQ_RUNNING);
	if (pthread_create(&a->thread, NULL, acq_main, a) != 0) {
		a->d->ops->stop(a->d);
		atomic_store(&a->state, ACQ_IDLE);
		return POISE_E_NOMEM;
	}
	a->thread_started = true;
	return POISE_OK;
}

void acq_stop(acq *a)
{
	if (!a || !a->thread_started)
		return;
	atomic_store(&a->quit, true);
	pthread_join(a->thread, NULL);
	a->thread_started = false;
	a->d->ops->stop(a->d);
	int expected = ACQ_RUNNING;
	atomic_compare_exchange_strong(&a->state, &expected, ACQ_STOPPED);
}

void acq_destroy(acq *a)
{
	if (!a)
		return;
	acq_stop(a);
	frame_ring_destroy(a->ring);
	free(a);
}

size_t acq_pop(acq *a, poise_frame *out, size_t max)
{
	return frame_ring_pop(a->ring, out, max);
}

enum acq_state acq_state(const acq *a, int *err)
{
	acq *m = (acq *)a;
	int s = atomic_load(&m->state);
	if (err)
		*err = atomic_load(&m->err);
	return (enum acq_state)s;
}

uint64_t acq_overflows(const acq *a)
{
	return atomic_load(&((acq *)a)->overflows);
}

uint64_t acq_frames(const acq *a)
{
	return atomic_load(&((acq *)a)->frames);
}

dev *acq_device(const acq *a)
{
	return a->d;
}
