/* The real-time pipeline:
 *   1. throughput: frames/s through pl_push() on one core, for a 1 kHz
 *      plate (anti-alias + decimation) and a 100 Hz plate, and the time of
 *      one pl_push() (p50/p99, from a million timed calls);
 *   2. the lag of the display filters behind the recorded COP (the live
 *      view's Butterworth, the game cursor's One Euro) and their overshoot.
 * Usage: bench_pipeline */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/pipeline.h"
#include "core/rng.h"
#include "bench_util.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench_pipeline(double in_rate, size_t n_frames)
{
	const cop_plate plate = {433, 238};
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, in_rate);
	pipeline *pl;
	if (pl_create(&pl, &cfg)) {
		fprintf(stderr, "pl_create failed\n");
		exit(1);
	}
	cop_sample *out = calloc(pl_max_out(pl), sizeof *out);
	/* Pre-built frames (a swaying person) so only the pipeline is timed. */
	enum { PRE = 65536 };
	poise_frame *fr = malloc(PRE * sizeof *fr);
	rng g;
	rng_seed(&g, 1);
	for (size_t i = 0; i < PRE; i++) {
		double t = (double)i / in_rate;
		cop_to_forces(&plate, 8 * sin(t), 5 * cos(0.7 * t), 686 + rng_normal(&g), fr[i].force_n);
		fr[i].flags = 0;
	}
	double sink = 0;
	size_t n_out = 0;
	double t0 = now_s();
	for (size_t i = 0; i < n_frames; i++) {
		poise_frame f = fr[i % PRE];
		f.t_us = (mono_us)llround((double)i * 1e6 / in_rate);
		f.seq = (uint32_t)i;
		size_t k = pl_push(pl, &f, out);
		n_out += k;
		if (k)
			sink += out[0].xf_mm;
	}
	double el = now_s() - t0;
	printf("pipeline, %4.0f Hz plate: %10.2f M frames/s on one core (%zu frames in %.3f s, %zu samples out)%s\n",
	       in_rate, (double)n_frames / el / 1e6, n_frames, el, n_out, sink == 12345 ? "!" : "");
	char key[64], what[128];
	snprintf(key, sizeof key, "pipeline.throughput_%.0fhz", in_rate);
	snprintf(what, sizeof what, "pipeline throughput, %.0f Hz plate (one core)", in_rate);
	bu_result(key, (double)n_frames / el / 1e6, "M frames/s", ">= 5", what);
	/* The time of one push, each timed (the clock's own cost included). */
	enum { TIMED = 1000000 };
	double *ns = malloc(TIMED * sizeof *ns);
	for (size_t i = 0; i < TIMED; i++) {
		poise_frame f = fr[i % PRE];
		f.t_us = (mono_us)llround((double)(n_frames + i) * 1e6 / in_rate);
		f.seq = (uint32_t)(n_frames + i);
		double a = now_s();
		pl_push(pl, &f, out);
		ns[i] = (now_s() - a) * 1e9;
	}
	double p50 = bu_pct(ns, TIMED, 0.5), p99 = bu_pct(ns, TIMED, 0.99);
	printf("pipeline, %4.0f Hz plate: one frame p50 %.0f ns, p99 %.0f ns\n", in_rate, p50, p99);
	snprintf(key, sizeof key, "pipeline.frame_p50_%.0fhz", in_rate);
	snprintf(what, sizeof what, "pipeline latency per frame p50, %.0f Hz plate", in_rate);
	bu_result(key, p50 / 1e3, "us", "-", what);
	snprintf(key, sizeof key, "pipeline.frame_p99_%.0fhz", in_rate);
	snprintf(what, sizeof what, "pipeline latency per frame p99, %.0f Hz plate", in_rate);
	bu_result(key, p99 / 1e3, "us", "<= 50", what);
	free(ns);
	free(fr);
	free(out);
	pl_destroy(pl);
}

/* Lag of the display path (the causal filter the live view and games see)
 * behind the recorded COP:
 *   - on a brisk 60 mm weight shift (minimum-jerk, 0.5 s): the delay at
 *     which the filtered COP reaches 50 % of the shift, and the overshoot
 *     (the filtered peak beyond the recorded one);
 *   - on quiet sway (a random walk pulled to the centre, ≈ 12 mm/s): the
 *     time shift that best aligns the filtered with the recorded COP.
 * The plate noise added is 0.3 mm RMS, like a consumer board's. */
static void bench_display_lag(const char *name, const char *key, bool cursor, void (*setup)(pl_cfg *))
{
	const cop_plate plate = {433, 238};
	pl_cfg cfg;
	pl_cfg_default(&cfg, &plate, 100);
	setup(&cfg);
	pipeline *pl;
	if (pl_create(&pl, &cfg))
		exit(1);
	cop_sample *out = calloc(pl_max_out(pl), sizeof *out);
	rng g;
	rng_seed(&g, 77);
	double t_raw = -1, t_flt = -1, peak = 0, peak_raw = 0, px = 0, pxf = 0, pt = 0;
	enum { N = 6000 };
	static double raw[N], flt[N];
	size_t n = 0;
	double sway = 0, v = 0;
	for (int i = 0; i < 600 + N; i++) {
		double t = i / 100.0, x;
		if (i < 600) {
			double u = (t - 2.0) / 0.5;
			u = u < 0 ? 0 : u > 1 ? 1 : u;
			x = 60 * (10 * pow(u, 3) - 15 * pow(u, 4) + 6 * pow(u, 5));
		} else {
			v = 0.97 * v - 0.02 * sway + 0.35 * rng_normal(&g);
			sway += v * 0.01 * 10;
			x = 60 + sway;
		}
		x += 0.3 * rng_normal(&g);
		poise_frame f = {.t_us = (mono_us)i * 10000, .seq = (uint32_t)i};
		cop_to_forces(&plate, x, 0, 686, f.force_n);
		size_t k = pl_push(pl, &f, out);
		for (size_t j = 0; j < k; j++) {
			double ts = (double)out[j].t_us * 1e-6, xr = out[j].x_mm, xf = out[j].xf_mm;
			if (i < 600) {
				/* crossing instants, interpolated between samples */
				if (t_raw < 0 && xr >= 30)
					t_raw = pt + (ts - pt) * (30 - px) / (xr - px);
				if (t_flt < 0 && xf >= 30)
					t_flt = pt + (ts - pt) * (30 - pxf) / (xf - pxf);
				peak = fmax(peak, xf);
				peak_raw = fmax(peak_raw, xr);
				px = xr, pxf = xf, pt = ts;
			} else if (n < N) {
				raw[n] = xr;
				flt[n] = xf;
				n++;
			}
		}
	}
	/* Quiet sway: the shift (0.1 ms steps, linear interpolation) that
	 * minimises the squared difference between filtered and delayed raw. */
	double best_lag = 0, best_err = INFINITY;
	for (double lag = 0; lag <= 0.1; lag += 0.0001) {
		double e = 0, d = lag * 100;
		int k0 = (int)d;
		double w = d - k0;
		for (size_t i = 200; i < n; i++) {
			double r = (1 - w) * raw[i - (size_t)k0] + w * raw[i - (size_t)k0 - 1];
			e += (flt[i] - r) * (flt[i] - r);
		}
		if (e < best_err)
			best_err = e, best_lag = lag;
	}
	printf("display filter %-28s: lag %5.1f ms on a 60 mm weight shift (overshoot %.2f mm), "
	       "%5.1f ms on quiet sway\n",
	       name, (t_flt - t_raw) * 1e3, fmax(0, peak - peak_raw), best_lag * 1e3);
	char k[64], what[128];
	snprintf(k, sizeof k, "lag.%s_shift", key);
	snprintf(what, sizeof what, "display lag, 60 mm weight shift: %s", name);
	bu_result(k, (t_flt - t_raw) * 1e3, "ms", cursor ? "<= 10" : "-", what);
	snprintf(k, sizeof k, "lag.%s_sway", key);
	snprintf(what, sizeof what, "display lag, quiet sway: %s", name);
	bu_result(k, best_lag * 1e3, "ms", cursor ? "<= 25" : "-", what);
	snprintf(k, sizeof k, "lag.%s_overshoot", key);
	snprintf(what, sizeof what, "display overshoot, 60 mm weight shift: %s", name);
	bu_result(k, fmax(0, peak - peak_raw), "mm", cursor ? "<= 0.05" : "-", what);
	free(out);
	pl_destroy(pl);
}

static void cfg_butterworth(pl_cfg *c)
{
	(void)c;
}

static void cfg_one_euro(pl_cfg *c)
{
	pl_cfg_game_cursor(c);
}

int main(void)
{
	bench_pipeline(1000, 20000000);
	bench_pipeline(100, 20000000);
	bench_display_lag("Butterworth 6 Hz (live view)", "live", false, cfg_butterworth);
	bench_display_lag("One Euro (game cursor)", "cursor", true, cfg_one_euro);
	return 0;
}
