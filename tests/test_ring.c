/* The SPSC frame ring, alone and across two threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "test_assert.h"
#include <sched.h>

#include "core/error.h"
#include "core/ring.h"

static void capacity_rounds_up_to_a_power_of_two(void **state)
{
	(void)state;
	frame_ring *r = NULL;
	assert_int_equal(frame_ring_create(&r, 1000), POISE_OK);
	assert_int_equal(frame_ring_capacity(r), 1024);
	frame_ring_destroy(r);
	assert_int_equal(frame_ring_create(&r, 0), POISE_E_INVALID);
	frame_ring_destroy(NULL);
}

static void fills_up_and_keeps_order(void **state)
{
	(void)state;
	frame_ring *r;
	assert_int_equal(frame_ring_create(&r, 8), POISE_OK);
	poise_frame f = {0};
	for (uint32_t i = 0; i < 8; i++) {
		f.seq = i;
		assert_true(frame_ring_push(r, &f));
	}
	f.seq = 99;
	assert_false(frame_ring_push(r, &f)); /* full: nothing stored */
	assert_int_equal(frame_ring_count(r), 8);
	poise_frame out[16];
	assert_int_equal(frame_ring_pop(r, out, 3), 3);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(out[i].seq, i);
	f.seq = 8;
	assert_true(frame_ring_push(r, &f));
	assert_int_equal(frame_ring_pop(r, out, 16), 6);
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(out[i].seq, i + 3);
	assert_int_equal(frame_ring_pop(r, out, 16), 0);
	frame_ring_destroy(r);
}

#define N_ITEMS 4000000u

static void *producer(void *arg)
{
	frame_ring *r = arg;
	poise_frame f = {0};
	for (uint32_t i = 0; i < N_ITEMS; i++) {
		f.seq = i;
		f.t_us = (uint64_t)i * 1000u;
		f.force_n[0] = i;
		f.force_n[3] = -(double)i;
		while (!frame_ring_push(r, &f))
			sched_yield();
	}
	return NULL;
}

static void two_threads_lose_nothing_and_reorder_nothing(void **state)
{
	(void)state;
	frame_ring *r;
	assert_int_equal(frame_ring_create(&r, 1024), POISE_OK);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, producer, r), 0);
	uint32_t next = 0;
	uint32_t bad = 0;
	poise_frame out[97]; /* odd batch size: wraps at every place */
	while (next < N_ITEMS) {
		size_t n = frame_ring_pop(r, out, 97);
		if (n == 0) {
			sched_yield();
			continue;
		}
		for (size_t i = 0; i < n; i++, next++) {
			/* Every field of every frame arrives whole and in order. */
			if (out[i].seq != next || out[i].t_us != (uint64_t)next * 1000u ||
			    out[i].force_n[0] != (double)next || out[i].force_n[3] != -(double)next)
				bad++;
		}
	}
	pthread_join(th, NULL);
	assert_int_equal(bad, 0);
	assert_int_equal(next, N_ITEMS);
	assert_int_equal(frame_ring_pop(r, out, 97), 0);
	frame_ring_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capacity_rounds_up_to_a_power_of_two),
		cmocka_unit_test(fills_up_and_keeps_order),
		cmocka_unit_test(two_threads_lose_nothing_and_reorder_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
