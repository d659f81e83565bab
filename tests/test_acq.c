/* The acquisition thread: every frame, in order, and a clean end when the
 * device goes away. A scripted backend is injected through the ops table. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "device/acq.h"
#include "device/device.h"
#include "device/sim.h"

/* A backend that streams `total` frames as fast as asked, then reports
 * that it was unplugged. */
typedef struct script_dev {
	struct dev base;
	uint32_t next, total;
	int started, stopped;
} script_dev;

static int script_start(dev *d)
{
	((script_dev *)d)->started++;
	return POISE_OK;
}

static int script_stop(dev *d)
{
	((script_dev *)d)->stopped++;
	return POISE_OK;
}

static int script_read(dev *d, poise_frame *out, size_t max, size_t *n, int timeout_ms)
{
	(void)timeout_ms;
	script_dev *s = (script_dev *)d;
	*n = 0;
	while (*n < max && s->next < s->total) {
		poise_frame *f = &out[(*n)++];
		memset(f, 0, sizeof *f);
		f->seq = s->next;
		f->t_us = (mono_us)s->next * 1000;
		f->force_n[0] = s->next;
		s->next++;
	}
	return s->next >= s->total ? POISE_E_DISCONNECTED : POISE_OK;
}

static const struct dev_ops script_ops = {
	.name = "script",
	.start = script_start,
	.read = script_read,
	.stop = script_stop,
};

static void device_lost_keeps_every_frame_before_it(void **state)
{
	(void)state;
	script_dev s = {.base = {.ops = &script_ops}, .total = 50000};
	acq *a;
	assert_int_equal(acq_create(&a, &s.base, 65536), POISE_OK);
	assert_int_equal(acq_state(a, NULL), ACQ_IDLE);
	assert_int_equal(acq_start(a), POISE_OK);
	int err = POISE_OK;
	while (acq_state(a, &err) != ACQ_ENDED)
		sched_yield();
	assert_int_equal(err, POISE_E_DISCONNECTED);
	poise_frame *f = malloc(60000 * sizeof *f);
	size_t n = acq_pop(a, f, 60000);
	assert_int_equal(n, 50000);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(f[i].seq, i);
		assert_int_equal(f[i].flags, 0);
	}
	assert_int_equal(acq_overflows(a), 0);
	assert_int_equal(acq_frames(a), 50000);
	acq_destroy(a);
	assert_int_equal(s.started, 1);
	assert_int_equal(s.stopped, 1);
	free(f);
}

static void a_full_ring_counts_losses_and_flags_the_gap(void **state)
{
	(void)state;
	script_dev s = {.base = {.ops = &script_ops}, .total = 5000};
	acq *a;
	assert_int_equal(acq_create(&a, &s.base, 1024), POISE_OK);
	assert_int_equal(acq_start(a), POISE_OK);
	while (acq_state(a, NULL) != ACQ_ENDED)
		sched_yield();
	poise_frame f[2048];
	size_t n = acq_pop(a, f, 2048);
	/* Nobody read while 5000 frames came: the ring kept the first 1024
	 * and the rest was counted, never silently dropped. */
	assert_int_equal(n, 1024);
	assert_int_equal(acq_overflows(a), 5000 - 1024);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(f[i].seq, i);
	acq_destroy(a);
}

static void the_gap_flag_marks_the_frame_after_a_loss(void **state)
{
	(void)state;
	/* Drain slowly from a small ring while frames come: whenever seq jumps,
	 * that frame carries FRAME_GAP, and whenever it does not, it does not. */
	script_dev s = {.base = {.ops = &script_ops}, .total = 200000};
	acq *a;
	assert_int_equal(acq_create(&a, &s.base, 64), POISE_OK);
	assert_int_equal(acq_start(a), POISE_OK);
	uint32_t last = 0;
	size_t got = 0, gaps = 0;
	bool first = true;
	for (;;) {
		poise_frame f[16];
		/* Read the state before popping: the thread ends only after its
		 * last push, so "ended, then nothing popped" means drained. */
		bool ended = acq_state(a, NULL) == ACQ_ENDED;
		size_t n = acq_pop(a, f, 16);
		for (size_t i = 0; i < n; i++, got++) {
			bool jumped = !first && f[i].seq != last + 1;
			if (first)
				jumped = f[i].seq != 0;
			assert_int_equal(jumped, (f[i].flags & FRAME_GAP) != 0);
			assert_true(first || f[i].seq > last); /* never reordered */
			gaps += jumped;
			last = f[i].seq;
			first = false;
		}
		if (n == 0 && ended)
			break;
	}
	assert_int_equal(got + acq_overflows(a), 200000);
	acq_destroy(a);
	(void)gaps;
}

static void sim_streams_in_order_and_stops_cleanly(void **state)
{
	(void)state;
	dev *d;
	dev_open_cfg cfg = {.seed = 9, .rate_hz = 1000};
	assert_int_equal(sim_ops.open(&d, NULL, &cfg), POISE_OK);
	acq *a;
	assert_int_equal(acq_create(&a, d, 4096), POISE_OK);
	assert_int_equal(acq_start(a), POISE_OK);
	assert_int_equal(acq_start(a), POISE_E_STATE);
	uint32_t next = 0;
	poise_frame f[256];
	while (next < 100000) {
		size_t n = acq_pop(a, f, 256);
		for (size_t i = 0; i < n; i++) {
			if (f[i].flags & FRAME_GAP)
				next = f[i].seq; /* the ring overflowed: allowed, flagged */
			assert_int_equal(f[i].seq, next);
			next++;
		}
		if (!n)
			sched_yield();
	}
	acq_stop(a);
	assert_int_equal(acq_state(a, NULL), ACQ_STOPPED);
	acq_stop(a); /* idempotent */
	acq_destroy(a);
	dev_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_lost_keeps_every_frame_before_it),
		cmocka_unit_test(a_full_ring_counts_losses_and_flags_the_gap),
		cmocka_unit_test(the_gap_flag_marks_the_frame_after_a_loss),
		cmocka_unit_test(sim_streams_in_order_and_stops_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
