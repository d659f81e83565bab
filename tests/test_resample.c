/* Resampling irregular timestamps onto the fixed clock. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "core/metrics.h"
#include "core/resample.h"
#include "core/rng.h"

static double slow_signal(double t_s)
{
	return 20 * sin(2 * M_PI * 0.4 * t_s) + 5 * cos(2 * M_PI * 1.1 * t_s);
}

static void jittered_input_lands_on_an_even_clock(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 2, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out *out = calloc(rs_max_out(&cfg), sizeof *out);
	rng g;
	rng_seed(&g, 3);
	/* Input around 60 Hz with ±40 % jitter, as a Wii Balance Board does. */
	mono_us t0 = 5000000, t = t0;
	size_t n_out = 0;
	mono_us last_out = 0;
	double worst = 0;
	for (int i = 0; i < 3000; i++) {
		t += (mono_us)(16667 * (0.6 + 0.8 * rng_uniform(&g)));
		double ts = (double)(t - t0) * 1e-6;
		double v[2] = {slow_signal(ts), -slow_signal(ts)};
		size_t n = rs_push(&s, t, v, out);
		for (size_t k = 0; k < n; k++) {
			if (n_out == 0) {
				assert_true(out[k].gap);
				assert_int_equal(out[k].t_us, t); /* clock starts at the first input */
			} else {
				assert_false(out[k].gap);
				assert_int_equal(out[k].t_us - last_out, 10000); /* exactly 100 Hz */
			}
			last_out = out[k].t_us;
			double want = slow_signal((double)(out[k].t_us - t0) * 1e-6);
			worst = fmax(worst, fabs(out[k].v[0] - want));
			assert_double_equal(out[k].v[1], -out[k].v[0], 1e-12);
			n_out++;
		}
	}
	/* Linear interpolation of this signal over ≤ 23 ms gaps errs < 0.1 mm. */
	assert_true(worst < 0.1);
	double span_s = (double)(t - t0) * 1e-6 - 0.0167;
	assert_true(fabs((double)n_out - span_s * 100) < 3);
	free(out);
}

static void on_grid_input_passes_unchanged(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[32];
	for (int i = 0; i < 100; i++) {
		double v = i * 1.5;
		size_t n = rs_push(&s, 1000000 + (mono_us)i * 10000, &v, out);
		assert_int_equal(n, 1);
		assert_int_equal(out[0].t_us, 1000000 + (mono_us)i * 10000);
		assert_double_equal(out[0].v[0], v, 1e-12);
	}
}

static void fast_input_is_decimated_and_slow_input_interpolated(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	rs_out out[32];
	/* 1 kHz in: one output per ten inputs. */
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	size_t total = 0;
	for (int i = 0; i <= 1000; i++) {
		double v = i;
		total += rs_push(&s, (mono_us)i * 1000, &v, out);
	}
	assert_int_equal(total, 101);
	/* 25 Hz in: four outputs per input, on the straight line between. */
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	double v = 0;
	rs_push(&s, 0, &v, out);
	v = 4;
	assert_int_equal(rs_push(&s, 40000, &v, out), 4);
	for (int k = 0; k < 4; k++) {
		assert_int_equal(out[k].t_us, (mono_us)(k + 1) * 10000);
		assert_double_equal(out[k].v[0], k + 1, 1e-12);
	}
}

static void a_long_gap_restarts_the_clock(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[64];
	double v = 1;
	rs_push(&s, 0, &v, out);
	rs_push(&s, 10000, &v, out);
	v = 2;
	size_t n = rs_push(&s, 1010000, &v, out); /* 1 s later: not bridged */
	assert_int_equal(n, 1);
	assert_true(out[0].gap);
	assert_int_equal(out[0].t_us, 1010000);
	assert_double_equal(out[0].v[0], 2, 0);
	n = rs_push(&s, 1023000, &v, out);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].t_us, 1020000);
}

static void time_going_backwards_is_dropped_and_counted(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[64];
	double v = 1;
	rs_push(&s, 100000, &v, out);
	assert_int_equal(rs_push(&s, 100000, &v, out), 0);
	assert_int_equal(rs_push(&s, 90000, &v, out), 0);
	assert_int_equal(s.n_dropped, 2);
	assert_int_equal(rs_push(&s, 110000, &v, out), 1);
}

static void bad_configurations_are_refused(void **state)
{
	(void)state;
	rs_state s;
	assert_int_equal(rs_init(&s, &(rs_cfg){.rate_hz = 0, .n_ch = 1, .max_gap_s = 1}), POISE_E_INVALID);
	assert_int_equal(rs_init(&s, &(rs_cfg){.rate_hz = 100, .n_ch = 0, .max_gap_s = 1}), POISE_E_INVALID);
	assert_int_equal(rs_init(&s, &(rs_cfg){.rate_hz = 100, .n_ch = RS_MAX_CH + 1, .max_gap_s = 1}), POISE_E_INVALID);
	assert_int_equal(rs_init(&s, &(rs_cfg){.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.001}), POISE_E_INVALID);
}

static void offline_resampling_of_jittered_times(void **state)
{
	(void)state;
	const size_t n = 2001;
	double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	rng g;
	rng_seed(&g, 11);
	for (size_t i = 0; i < n; i++) {
		t[i] = 2.0 + (double)i * 0.01 + (i && i < n - 1 ? (rng_uniform(&g) - 0.5) * 0.008 : 0);
		x[i] = slow_signal(t[i]);
		y[i] = 3 * t[i];
	}
	double *to, *xo, *yo;
	size_t m;
	assert_int_equal(rs_resample_xy(t, x, y, n, 100, &to, &xo, &yo, &m), POISE_OK);
	assert_int_equal(m, 2001);
	for (size_t k = 0; k < m; k++) {
		assert_double_equal(to[k], 2.0 + (double)k * 0.01, 1e-9);
		assert_double_equal(xo[k], slow_signal(to[k]), 0.05);
		assert_double_equal(yo[k], 3 * to[k], 1e-9); /* a line is exact */
	}
	free(to), free(xo), free(yo), free(t), free(x), free(y);
}


/* The window average by hand: 100 Hz out, a 20 ms window. Inputs at 0, 4,
 * 30, 40 ms with values 0, 10, 20, 20 hold over their relevance intervals
 * (cell boundaries at the midpoints 2, 17, 35 ms):
 *   s = 0:  [−10, 10] → (0·12 + 10·8)/20       = 4
 *   s = 10: [0, 20]   → (0·2 + 10·15 + 20·3)/20 = 10.5
 *   s = 20: [10, 30]  → (10·7 + 20·13)/20      = 16.5
 *   s = 30, 40 (flushed at the end, the last value held) → 20. */
static void window_average_by_hand(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25, .method = RS_WINDOW,
	              .window_s = 0.02};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[64];
	assert_true(rs_max_out(&cfg) <= 64);
	const mono_us t0 = 7000000;
	double v = 0;
	assert_int_equal(rs_push(&s, t0, &v, out), 0);
	v = 10;
	assert_int_equal(rs_push(&s, t0 + 4000, &v, out), 0);
	v = 20;
	assert_int_equal(rs_push(&s, t0 + 30000, &v, out), 1);
	assert_int_equal(out[0].t_us, t0);
	assert_true(out[0].gap);
	assert_double_equal(out[0].v[0], 4.0, 1e-12);
	assert_int_equal(rs_push(&s, t0 + 40000, &v, out), 2);
	assert_int_equal(out[0].t_us, t0 + 10000);
	assert_false(out[0].gap);
	assert_double_equal(out[0].v[0], 10.5, 1e-12);
	assert_int_equal(out[1].t_us, t0 + 20000);
	assert_double_equal(out[1].v[0], 16.5, 1e-12);
	assert_int_equal(rs_flush(&s, out), 2);
	assert_int_equal(out[0].t_us, t0 + 30000);
	assert_double_equal(out[0].v[0], 20, 1e-12);
	assert_int_equal(out[1].t_us, t0 + 40000);
	assert_double_equal(out[1].v[0], 20, 1e-12);
	/* After a flush the next input starts a new stream. */
	assert_int_equal(rs_push(&s, t0 + 50000, &v, out), 0);
	assert_int_equal(rs_flush(&s, out), 1);
	assert_true(out[0].gap);
	assert_int_equal(out[0].t_us, t0 + 50000);
}

/* On a regular input on the output grid, an odd window averages whole
 * samples: a ramp comes out unchanged, a constant too. */
static void window_keeps_a_regular_ramp(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 2, .max_gap_s = 0.25, .method = RS_WINDOW,
	              .window_s = 0.05};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[128];
	size_t total = 0;
	for (int i = 0; i < 300; i++) {
		double v[2] = {0.5 * i - 20, 3.25};
		size_t n = rs_push(&s, 2000000 + (mono_us)i * 10000, v, out);
		for (size_t k = 0; k < n; k++, total++) {
			assert_int_equal(out[k].t_us, 2000000 + (mono_us)total * 10000);
			if (total >= 2) /* whole window inside the data */
				assert_double_equal(out[k].v[0], 0.5 * (double)total - 20, 1e-9);
			assert_double_equal(out[k].v[1], 3.25, 1e-12);
		}
	}
	/* The lag: the last 2.5 outputs wait for later inputs. */
	assert_int_equal(total, 297);
	total += rs_flush(&s, out);
	assert_int_equal(total, 300);
}

static void window_restarts_after_a_gap_without_losing_the_tail(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg cfg = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 0.25, .method = RS_WINDOW,
	              .window_s = 0.03};
	assert_int_equal(rs_init(&s, &cfg), POISE_OK);
	rs_out out[128];
	assert_true(rs_max_out(&cfg) <= 128);
	size_t total = 0;
	double v = 1;
	for (int i = 0; i <= 10; i++)
		total += rs_push(&s, (mono_us)i * 10000, &v, out);
	v = 2;
	size_t n = rs_push(&s, 1100000, &v, out); /* 1 s later */
	/* The first stream's outputs up to its last input (100 ms) came out. */
	assert_int_equal(total + n, 11);
	assert_int_equal(out[n - 1].t_us, 100000);
	assert_double_equal(out[n - 1].v[0], 1, 1e-12);
	v = 2;
	n = rs_push(&s, 1150000, &v, out);
	assert_true(n >= 1);
	assert_true(out[0].gap);
	assert_int_equal(out[0].t_us, 1100000);
	assert_double_equal(out[0].v[0], 2, 1e-12);
}

static void window_configurations(void **state)
{
	(void)state;
	rs_state s;
	rs_cfg c = {.rate_hz = 100, .n_ch = 1, .max_gap_s = 1, .method = RS_WINDOW};
	assert_int_equal(rs_init(&s, &c), POISE_OK); /* default window */
	assert_int_equal(s.m, 5);
	c.window_s = 0.001; /* less than one period */
	assert_int_equal(rs_init(&s, &c), POISE_E_INVALID);
	c.window_s = 1.0; /* 100 periods */
	assert_int_equal(rs_init(&s, &c), POISE_E_INVALID);
	c.window_s = -0.05;
	assert_int_equal(rs_init(&s, &c), POISE_E_INVALID);
	c.window_s = 0.05;
	c.method = (rs_method)7;
	assert_int_equal(rs_init(&s, &c), POISE_E_INVALID);
}

/* A sway-like COP: a few slow sinusoids (0.1–2.6 Hz, amplitude falling with
 * frequency), as in quiet stance. */
static double sway(double t, int axis)
{
	static const double f[] = {0.1, 0.23, 0.41, 0.7, 1.1, 1.7, 2.6};
	double v = 0;
	for (int i = 0; i < 7; i++)
		v += 1.5 / pow(f[i], 0.8) * sin(2 * M_PI * f[i] * t + 1.3 * i + 2.1 * axis);
	return v;
}

/* Irregular intervals as the board's: 10 ms plus an exponential tail (mean
 * 6.7 ms), at most 33.3 ms: 30–100 Hz, about 60 Hz on average. */
static double board_interval_s(rng *g)
{
	double d;
	do
		d = 0.010 - 0.0067 * log(1 - rng_uniform(g));
	while (d > 0.0333);
	return d;
}

typedef struct series {
	double *t, *x, *y;
	size_t n;
} series;

/* Samples sway() at the given instants plus white sensor noise (σ per
 * axis, the board's COP noise is of this order). */
static series sample(const double *t, size_t n, double noise_mm, uint64_t seed)
{
	series s = {malloc(n * sizeof(double)), malloc(n * sizeof(double)),
	            malloc(n * sizeof(double)), n};
	rng g;
	rng_seed(&g, seed);
	for (size_t i = 0; i < n; i++) {
		s.t[i] = t[i];
		s.x[i] = sway(t[i], 0) + noise_mm * rng_normal(&g);
		s.y[i] = sway(t[i], 1) + noise_mm * rng_normal(&g);
	}
	return s;
}

static void series_free(series *s)
{
	free(s->t), free(s->x), free(s->y);
}

/* Path length and mean velocity of the 100 Hz COP as the pipeline records
 * it (resampled, not low-passed), for a series resampled by one method. */
static met_static recorded_metrics(const series *in, rs_method method)
{
	double *to, *xo, *yo;
	size_t m;
	int rc = method == RS_WINDOW
	             ? rs_resample_xy_window(in->t, in->x, in->y, in->n, 100, RS_WINDOW_DEFAULT_S, &to,
	                                     &xo, &yo, &m)
	             : rs_resample_xy(in->t, in->x, in->y, in->n, 100, &to, &xo, &yo, &m);
	assert_int_equal(rc, POISE_OK);
	met_static ms;
	assert_int_equal(met_static_compute(xo, yo, m, to[m - 1] - to[0], &ms), POISE_OK);
	free(to), free(xo), free(yo);
	return ms;
}

/* The requirement: the board's irregular sampling must not bias velocity.
 * The same sway with the same sensor noise is sampled (a) regularly at
 * 100 Hz, as a regular plate does, and (b) at the board's jittered 30–100
 * Hz; each goes through a resampling method onto 100 Hz; path length and
 * mean velocity of (b) must match (a) within 2 %. With the window average
 * they do; with linear interpolation they do not: the noise's share of the
 * path grows with the number of samples, which the board's irregular rate
 * changes (Audiffren & Contal 2016). */
static void window_average_does_not_bias_velocity_on_board_timing(void **state)
{
	(void)state;
	const double dur_s = 60, noise_mm = 0.1;
	rng g;
	rng_seed(&g, 2016);
	size_t cap = (size_t)(dur_s * 100) + 2, nj = 0;
	double *tj = malloc(cap * sizeof *tj), *tr = malloc(cap * sizeof *tr);
	double dt_min = 1, dt_max = 0;
	for (double t = 0; t <= dur_s; t += board_interval_s(&g)) {
		if (nj) {
			dt_min = fmin(dt_min, t - tj[nj - 1]);
			dt_max = fmax(dt_max, t - tj[nj - 1]);
		}
		tj[nj++] = t;
	}
	size_t nr = 0;
	for (; nr * 0.01 <= tj[nj - 1] + 1e-9; nr++)
		tr[nr] = (double)nr * 0.01;
	/* The timing is the board's: 30–100 Hz, about 60 Hz on average. */
	double mean_hz = (double)(nj - 1) / tj[nj - 1];
	assert_true(mean_hz > 55 && mean_hz < 65);
	assert_true(dt_min >= 0.010 && dt_max <= 0.0334);

	series jit = sample(tj, nj, noise_mm, 1), reg = sample(tr, nr, noise_mm, 2);
	met_static wj = recorded_metrics(&jit, RS_WINDOW), wr = recorded_metrics(&reg, RS_WINDOW);
	met_static lj = recorded_metrics(&jit, RS_LINEAR), lr = recorded_metrics(&reg, RS_LINEAR);
	double w_path = wj.path_length_mm / wr.path_length_mm - 1;
	double w_vel = wj.mean_velocity_mm_s / wr.mean_velocity_mm_s - 1;
	double l_vel = lj.mean_velocity_mm_s / lr.mean_velocity_mm_s - 1;
	print_message("board timing %.1f Hz: window path %+.2f %%, velocity %+.2f %%; "
	              "linear velocity %+.2f %% (regular: %.2f mm/s window, %.2f linear)\n",
	              mean_hz, 100 * w_path, 100 * w_vel, 100 * l_vel, wr.mean_velocity_mm_s,
	              lr.mean_velocity_mm_s);
	assert_true(fabs(w_path) < 0.02);
	assert_true(fabs(w_vel) < 0.02);
	assert_true(fabs(l_vel) > 0.10); /* naive interpolation: biased */
	assert_true(fabs(l_vel) > 5 * fabs(w_vel));
	/* Without noise the two methods agree with each other and the truth's
	 * regular sampling within 2 % too: the window does not smooth sway away. */
	series jit0 = sample(tj, nj, 0, 1), reg0 = sample(tr, nr, 0, 2);
	met_static w0 = recorded_metrics(&jit0, RS_WINDOW), l0 = recorded_metrics(&reg0, RS_LINEAR);
	assert_true(fabs(w0.mean_velocity_mm_s / l0.mean_velocity_mm_s - 1) < 0.02);
	series_free(&jit), series_free(&reg), series_free(&jit0), series_free(&reg0);
	free(tj), free(tr);
}

/* A grid too long to allocate is refused, never wrapped into a short one
 * (1e17 s at 100 Hz is more than 2^64 instants). */
static void huge_spans_do_not_wrap(void **state)
{
	(void)state;
	size_t m = 7;
	assert_int_equal(rs_grid_len(1e17, 100, &m), POISE_E_RANGE);
	assert_int_equal(rs_grid_len(9.3e16, 100, &m), POISE_E_RANGE);
	assert_int_equal(rs_grid_len(INFINITY, 100, &m), POISE_E_RANGE);
	assert_int_equal(rs_grid_len(-1, 100, &m), POISE_E_RANGE);
	assert_int_equal(m, 7);
	assert_int_equal(rs_grid_len(2.0, 100, &m), POISE_OK);
	assert_int_equal(m, 201);
	double t[] = {0, 1, 2, 1e17}, v[] = {1, 2, 3, 4};
	double *to, *xo, *yo;
	size_t n;
	assert_int_equal(rs_resample_xy(t, v, v, 4, 100, &to, &xo, &yo, &n), POISE_E_RANGE);
	assert_int_equal(rs_resample_xy_window(t, v, v, 4, 100, 0, &to, &xo, &yo, &n), POISE_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jittered_input_lands_on_an_even_clock),
		cmocka_unit_test(on_grid_input_passes_unchanged),
		cmocka_unit_test(fast_input_is_decimated_and_slow_input_interpolated),
		cmocka_unit_test(a_long_gap_restarts_the_clock),
		cmocka_unit_test(time_going_backwards_is_dropped_and_counted),
		cmocka_unit_test(bad_configurations_are_refused),
		cmocka_unit_test(offline_resampling_of_jittered_times),
		cmocka_unit_test(huge_spans_do_not_wrap),
		cmocka_unit_test(window_average_by_hand),
		cmocka_unit_test(window_keeps_a_regular_ramp),
		cmocka_unit_test(window_restarts_after_a_gap_without_losing_the_tail),
		cmocka_unit_test(window_configurations),
		cmocka_unit_test(window_average_does_not_bias_velocity_on_board_timing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
