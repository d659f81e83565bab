#include "ui/frame.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "device/device.h"

#define WARMUP_US 2000000 /* fonts, labels and circle textures are made then */

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double process_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec * 1e-6;
}

bool ui_frames_init(ui_frames *f, double hz, const char *log_path, char *msg, size_t msg_len)
{
	memset(f, 0, sizeof *f);
	f->period_us = (mono_us)(1e6 / (hz > 0 ? hz : 60));
	f->start_us = dev_now_us();
	f->warmup_us = f->start_us + WARMUP_US;
	f->deadline_us = f->start_us + f->period_us;
	if (log_path && *log_path) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		f->log = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f->log) {
			snprintf(msg, msg_len, "cannot write the frame log %s: %s", log_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return false;
		}
		fprintf(f->log, "# present_us newest_us work_ms cpu_ms present_ms\n");
	}
	return true;
}

void ui_frames_free(ui_frames *f)
{
	if (f->log)
		fclose(f->log);
	f->log = NULL;
}

static int cmp_float(const void *x, const void *y)
{
	float a = *(const float *)x, b = *(const float *)y;
	return (a > b) - (a < b);
}

/* The work the next frame is expected to take, in µs. */
static mono_us expected_work_us(const ui_frames *f)
{
	size_t n = f->n_recent < UI_FRAMES_PREDICT ? f->n_recent : UI_FRAMES_PREDICT;
	if (n == 0)
		return f->period_us / 4;
	float v[UI_FRAMES_PREDICT];
	memcpy(v, f->recent_ms, n * sizeof v[0]);
	qsort(v, n, sizeof v[0], cmp_float);
	double ms = v[(n * 9) / 10] + 1.0;
	double cap = 0.6 * (double)f->period_us / 1e3;
	return (mono_us)((ms < cap ? ms : cap) * 1e3);
}

/* How long after its timestamp a sample is in the ring, in µs: the least
 * of the recent gaps between a frame's read and the newest sample it
 * found (a sample that landed just before a read), plus a margin. */
static mono_us arrival_delay_us(const ui_frames *f)
{
	size_t n = f->n_arrival < UI_ARRIVALS ? f->n_arrival : UI_ARRIVALS;
	float least = 1e9f;
	for (size_t i = 0; i < n; i++)
		least = f->arrival_ms[i] < least ? f->arrival_ms[i] : least;
	if (n < 8 || least > 5)
		return 0; /* not known (yet): no waiting for samples */
	return (mono_us)((least > 0 ? least : 0) * 1e3) + 300;
}

void ui_frames_wait(ui_frames *f, mono_us newest_us, double sample_hz)
{
	mono_us now = dev_now_us(), work = expected_work_us(f);
	if (f->deadline_us < now + work) {
		/* Behind (a slow machine, a long frame): no waiting at all, and the
		 * deadlines go on from when this frame will be done. */
		f->deadline_us = now + work;
		return;
	}
	mono_us read_at = f->deadline_us - work, delay = arrival_delay_us(f);
	if (newest_us && sample_hz > 0 && delay > 0 && read_at > newest_us + delay) {
		/* The first sample not yet in the ring at read_at: when it lands. */
		double period = 1e6 / sample_hz;
		double k = ceil((double)(read_at - delay - newest_us) / period);
		mono_us lands = newest_us + (mono_us)(k * period) + delay;
		if (lands > read_at && lands <= read_at + UI_LATCH_SLACK_US)
			read_at = lands;
	}
	dev_sleep_until(read_at);
}

void ui_frames_begin(ui_frames *f)
{
	f->work0_us = dev_now_us();
	f->cpu0_s = thread_cpu_s();
}

void ui_frames_end(ui_frames *f, mono_us present_from_us, mono_us newest_us)
{
	mono_us t = dev_now_us();
	double cpu_ms = (thread_cpu_s() - f->cpu0_s) * 1e3;
	float work_ms = (float)((double)(t - f->work0_us) / 1e3);
	float present_ms = (float)((double)(t - present_from_us) / 1e3);
	f->recent_ms[f->n_recent++ % UI_FRAMES_PREDICT] = work_ms;
	if (newest_us > f->last_newest_us && f->last_newest_us && f->work0_us > newest_us)
		f->arrival_ms[f->n_arrival++ % UI_ARRIVALS] = (float)((double)(f->work0_us - newest_us) / 1e3);
	if (newest_us > f->last_newest_us)
		f->last_newest_us = newest_us;
	if (t >= f->warmup_us) {
		if (f->n == 0) {
			f->proc_cpu0_s = process_cpu_s();
			f->proc_t0_us = t;
		}
		size_t k = f->n++ % UI_FRAMES_KEEP;
		f->work_ms[k] = work_ms;
		f->cpu_ms[k] = (float)cpu_ms;
		f->present_ms[k] = present_ms;
	}
	if (f->log)
		fprintf(f->log, "%llu %llu %.3f %.3f %.3f\n", (unsigned long long)t,
		        (unsigned long long)newest_us, work_ms, cpu_ms, present_ms);
	f->deadline_us += f->period_us;
}

static float pct(float *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n);
	return v[i < n ? i : n - 1];
}

void ui_frames_report(ui_frames *f, FILE *out, int w, int h)
{
	size_t n = f->n < UI_FRAMES_KEEP ? f->n : UI_FRAMES_KEEP;
	if (n < 10)
		return;
	double wall_s = (double)(dev_now_us() - f->proc_t0_us) / 1e6;
	double cpu_pct = wall_s > 0 ? 100.0 * (process_cpu_s() - f->proc_cpu0_s) / wall_s : 0;
	qsort(f->work_ms, n, sizeof f->work_ms[0], cmp_float);
	qsort(f->cpu_ms, n, sizeof f->cpu_ms[0], cmp_float);
	qsort(f->present_ms, n, sizeof f->present_ms[0], cmp_float);
	fprintf(out,
	        "poise: %zu frames (after 2 s) at %dx%d: work per frame p50 %.2f ms, p99 %.2f ms, max %.2f ms "
	        "(of which presenting p50 %.2f ms, p99 %.2f ms); main-thread CPU per frame p50 %.2f ms, "
	        "p99 %.2f ms; process CPU %.1f %% of a core at %.0f frames/s\n",
	        f->n, w, h, pct(f->work_ms, n, 0.5), pct(f->work_ms, n, 0.99), f->work_ms[n - 1],
	        pct(f->present_ms, n, 0.5), pct(f->present_ms, n, 0.99), pct(f->cpu_ms, n, 0.5),
	        pct(f->cpu_ms, n, 0.99), cpu_pct, wall_s > 0 ? (double)f->n / wall_s : 0);
}
