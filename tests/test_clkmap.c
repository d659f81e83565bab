/* Device clock → host clock: offset, drift and jitter rejection. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/clkmap.h"
#include "core/rng.h"

/* A plate at rate_hz whose crystal runs ppm fast of true time, seen by the
 * host after min_lat_us plus exponential jitter of mean jit_us. Returns the
 * worst |mapped − (true sample time + min_lat)| over the last 10 s. */
static double run(double ppm, double min_lat_us, double jit_us, double secs, double rate_hz,
                  clkmap *c)
{
	rng r;
	rng_seed(&r, 11);
	clkmap_init(c, 1.0, 500);
	const mono_us host_start = 5000000000ull; /* the host has been up a while */
	double worst = 0;
	size_t n = (size_t)(secs * rate_hz);
	for (size_t k = 0; k < n; k++) {
		double true_us = (double)k * 1e6 / rate_hz;
		uint64_t dev = 1000 + (uint64_t)llround(true_us * (1 + ppm * 1e-6));
		double lat = min_lat_us + (jit_us > 0 ? -jit_us * log(1 - rng_uniform(&r)) : 0);
		mono_us host = host_start + (mono_us)llround(true_us + lat);
		clkmap_add(c, dev, host);
		if (true_us >= (secs - 10) * 1e6) {
			double err = (double)clkmap_map(c, dev) - ((double)host_start + true_us + min_lat_us);
			worst = fmax(worst, fabs(err));
		}
	}
	return worst;
}

static void a_constant_delay_maps_exactly(void **state)
{
	(void)state;
	clkmap c;
	clkmap_init(&c, 1.0, 500);
	assert_true(clkmap_map(&c, 1234) == 0); /* nothing seen yet */
	assert_double_equal(run(0, 250, 0, 12, 1000, &c), 0, 1.0);
	assert_double_equal(clkmap_drift_ppm(&c), 0, 0.01);
}

static void jitter_is_rejected_and_drift_is_found(void **state)
{
	(void)state;
	clkmap c;
	/* Mean jitter 400 µs (up to several ms): the map stays within 30 µs
	 * of the fastest path, and finds the 80 ppm. */
	double worst = run(80, 150, 400, 40, 1000, &c);
	assert_true(worst < 30);
	assert_double_equal(clkmap_drift_ppm(&c), -80, 2); /* device fast: host slower per device µs */
	worst = run(-120, 150, 400, 40, 100, &c);
	assert_true(worst < 60);
	assert_double_equal(clkmap_drift_ppm(&c), 120, 4);
}

static void without_drift_correction_it_would_be_off(void **state)
{
	(void)state;
	/* The reason for the fit: 100 ppm over 10 minutes is 60 ms. With the
	 * fit the error stays tiny at the end of a long trial. */
	clkmap c;
	double worst = run(100, 200, 300, 600, 100, &c);
	assert_true(worst < 60);
}

static void consecutive_samples_map_to_increasing_times(void **state)
{
	(void)state;
	clkmap c;
	clkmap_init(&c, 1.0, 500);
	rng r;
	rng_seed(&r, 3);
	mono_us prev = 0;
	for (uint64_t k = 0; k < 20000; k++) {
		uint64_t dev = k * 1000;
		clkmap_add(&c, dev, 1000000 + dev + 100 + (mono_us)(300 * rng_uniform(&r)));
		mono_us t = clkmap_map(&c, dev);
		if (k > 2000) /* once fitted, the refits never step backwards a period */
			assert_true(t > prev);
		prev = t;
	}
}

static void the_drift_is_clamped_and_a_restarted_device_starts_over(void **state)
{
	(void)state;
	clkmap c;
	clkmap_init(&c, 1.0, 500);
	/* A "device" whose clock runs 5 % fast (no real crystal does). */
	for (uint64_t k = 0; k < 5000; k++)
		clkmap_add(&c, k * 1050, 10000 + k * 1000);
	assert_double_equal(clkmap_drift_ppm(&c), -500, 1e-6);
	/* Device clock back to zero: a reboot. */
	clkmap_add(&c, 0, 99000000);
	assert_double_equal(clkmap_drift_ppm(&c), 0, 0);
	assert_true(clkmap_map(&c, 0) == 99000000);
	assert_true(clkmap_map(&c, 1000) == 99001000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_constant_delay_maps_exactly),
		cmocka_unit_test(jitter_is_rejected_and_drift_is_found),
		cmocka_unit_test(without_drift_correction_it_would_be_off),
		cmocka_unit_test(consecutive_samples_map_to_increasing_times),
		cmocka_unit_test(the_drift_is_clamped_and_a_restarted_device_starts_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
