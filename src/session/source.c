#include "session/source.h"

#include <stdlib.h>
#include <time.h>

#include "core/error.h"
#include "device/acq.h"
#include "device/reconnect.h"

/* ---- the acquisition thread ---------------------------------------- */

typedef struct thread_source {
	ses_source base;
	acq *a;
	size_t ring_frames;
	int ended; /* the error that ended the stream, once drained; 0 while it runs */
} thread_source;

static int thread_start(ses_source *src)
{
	thread_source *t = (thread_source *)src;
	return acq_start(t->a);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int thread_read(ses_source *src, poise_frame *out, size_t max, size_t *n_read, int wait_ms)
{
	thread_source *t = (thread_source *)src;
	*n_read = 0;
	if (t->ended)
		return t->ended;
	for (int waited = 0;; waited++) {
		/* The state is read before the ring: the thread ends only after its
		 * last frame is in the ring, so nothing is left behind. */
		int err = POISE_OK;
		enum acq_state st = acq_state(t->a, &err);
		size_t n = acq_pop(t->a, out, max);
		if (n > 0) {
			*n_read = n;
			return POISE_OK;
		}
		if (st == ACQ_ENDED) {
			t->ended = err ? err : POISE_E_DISCONNECTED;
			return t->ended;
		}
		if (waited >= wait_ms)
			return POISE_OK;
		sleep_ms(1);
	}
}

static void thread_stop(ses_source *src)
{
	thread_source *t = (thread_source *)src;
	acq_stop(t->a);
}

static int thread_reconnect(ses_source *src, const dev_open_cfg *cfg)
{
	thread_source *t = (thread_source *)src;
	if (!t->ended)
		return POISE_E_STATE;
	int rc = dev_reconnect(&t->base.d, &t->a, t->ring_frames, cfg);
	if (rc)
		return rc;
	t->base.info = t->base.d->info;
	t->ended = POISE_OK;
	return POISE_OK;
}

static uint64_t thread_overflows(const ses_source *src)
{
	return acq_overflows(((const thread_source *)src)->a);
}

static void thread_destroy(ses_source *src)
{
	thread_source *t = (thread_source *)src;
	acq_destroy(t->a);
	dev_close(t->base.d);
	free(t);
}

static const struct ses_source_ops thread_ops = {
	.name = "thread",
	.start = thread_start,
	.read = thread_read,
	.stop = thread_stop,
	.reconnect = thread_reconnect,
	.overflows = thread_overflows,
	.destroy = thread_destroy,
};

int ses_source_thread(ses_source **out, dev *d, size_t ring_frames)
{
	if (!out || !d || ring_frames == 0)
		return POISE_E_INVALID;
	thread_source *t = calloc(1, sizeof *t);
	if (!t)
		return POISE_E_NOMEM;
	int rc = acq_create(&t->a, d, ring_frames);
	if (rc) {
		free(t);
		return rc;
	}
	t->base = (ses_source){.ops = &thread_ops, .d = d, .info = d->info};
	t->ring_frames = ring_frames;
	*out = &t->base;
	return POISE_OK;
}

/* ---- a direct read on the caller's thread -------------------------- */

typedef struct direct_source {
	ses_source base;
	bool running;
	int ended;
} direct_source;

static int direct_start(ses_source *src)
{
	direct_source *s = (direct_source *)src;
	int rc = s->base.d->ops->start(s->base.d);
	s->running = rc == POISE_OK;
	return rc;
}

static int direct_read(ses_source *src, poise_frame *out, size_t max, size_t *n_read, int wait_ms)
{
	direct_source *s = (direct_source *)src;
	*n_read = 0;
	if (s->ended)
		return s->ended;
	if (!s->running)
		return POISE_E_STATE;
	int rc = s->base.d->ops->read(s->base.d, out, max, n_read, wait_ms);
	if (rc == POISE_E_TIMEOUT)
		rc = POISE_OK;
	if (rc != POISE_OK) {
		s->ended = rc;
		/* Frames read before the end were returned with it; the error
		 * comes again on every later call. */
		if (*n_read > 0)
			return POISE_OK;
	}
	return rc;
}

static void direct_stop(ses_source *src)
{
	direct_source *s = (direct_source *)src;
	if (s->running)
		s->base.d->ops->stop(s->base.d);
	s->running = false;
}

static void direct_destroy(ses_source *src)
{
	direct_stop(src);
	dev_close(src->d);
	free(src);
}

static const struct ses_source_ops direct_ops = {
	.name = "direct",
	.start = direct_start,
	.read = direct_read,
	.stop = direct_stop,
	.destroy = direct_destroy,
};

int ses_source_direct(ses_source **out, dev *d)
{
	if (!out || !d)
		return POISE_E_INVALID;
	direct_source *s = calloc(1, sizeof *s);
	if (!s)
		return POISE_E_NOMEM;
	s->base = (ses_source){.ops = &direct_ops, .d = d, .info = d->info};
	*out = &s->base;
	return POISE_OK;
}

void ses_source_destroy(ses_source *src)
{
	if (src)
		src->ops->destroy(src);
}
