/* The USB backend through the emulated plate (tests/emu): how many frames
 * per second it sustains when the plate answers every reap at once, and the
 * host CPU per 1000 frames at a real plate's pace (1 kHz, one packet per
 * ms, libusb sleeping in poll between packets).
 *
 * CPU is split: the backend's own thread (libusb, our parsing, the ioctl
 * round trips as the client sees them) and the whole process, which also
 * pays for the emulated device (umockdev's worker thread). With a real
 * plate only the first exists, minus the emulation's socket round trips. */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "core/clkmap.h"
#include "core/error.h"
#include "device/device.h"
#include "device/usbplate.h"
#include "plate_emu.h"
#include "bench_util.h"

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double process_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Streams for duration_s (or max_frames) and prints one line. */
static int measure(const char *label, const char *key, bool realtime, double duration_s, size_t max_frames)
{
	emu_cfg ec = {.realtime = realtime, .log_cap = 1 << 10};
	emu_plate *emu;
	if (emu_create(&emu, &ec) != 0)
		return 1;
	dev *d = NULL;
	char msg[256];
	int rc = dev_open_spec(&d, "usb", &(dev_open_cfg){.rate_hz = 1000}, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "bench_usbplate: %s\n", msg);
		emu_destroy(emu);
		return 1;
	}
	static poise_frame f[256];
	size_t n = 0;
	uint32_t next = 0;
	bool in_order = true;
	d->ops->start(d);
	/* Warm up (first fill of the transfers), then measure. */
	for (size_t k = 0; n < 200;) {
		d->ops->read(d, f, 256, &k, 100);
		n += k;
		next = k ? f[k - 1].seq + 1 : next;
	}
	n = 0;
	double w0 = (double)dev_now_us() * 1e-6, t0 = thread_cpu_s(), p0 = process_cpu_s();
	while (n < max_frames && (double)dev_now_us() * 1e-6 - w0 < duration_s) {
		size_t k = 0;
		if (d->ops->read(d, f, 256, &k, 100) != POISE_OK)
			break;
		for (size_t i = 0; i < k; i++)
			in_order &= f[i].seq == next++;
		n += k;
	}
	double wall = (double)dev_now_us() * 1e-6 - w0, tcpu = thread_cpu_s() - t0,
	       pcpu = process_cpu_s() - p0;
	usbp_stats st;
	usbp_get_stats(d, &st);
	d->ops->stop(d);
	dev_close(d);
	emu_destroy(emu);
	printf("usb backend, %-34s %9.0f frames/s  backend thread %6.3f ms CPU/1000 frames "
	       "(%4.1f %% of a core), whole process %6.3f ms/1000  [%zu frames, %s, lost %llu]\n",
	       label, (double)n / wall, tcpu * 1e3 / ((double)n / 1000), 100 * tcpu / wall,
	       pcpu * 1e3 / ((double)n / 1000), n, in_order ? "in order" : "OUT OF ORDER",
	       (unsigned long long)st.lost);
	char k[64], what[160];
	snprintf(k, sizeof k, "usb.%s_frames_per_s", key);
	snprintf(what, sizeof what, "USB backend (emulated plate), %s frames/s", label);
	bu_result(k, (double)n / wall, "frames/s", realtime ? ">= 990" : "-", what);
	snprintf(k, sizeof k, "usb.%s_cpu_per_1000", key);
	snprintf(what, sizeof what, "USB backend thread CPU per 1000 frames, %s", label);
	bu_result(k, tcpu * 1e3 / ((double)n / 1000), "ms", "-", what);
	return in_order ? 0 : 1;
}

/* The backend's own per-frame work without USB: CRC check and decode,
 * clock mapping, counts to newtons (what xfer_done does per frame). */
static void decode_only(void)
{
	enum { N = 2000000 };
	static uint8_t wire[64][PP_FRAME_SIZE];
	for (uint32_t i = 0; i < 64; i++) {
		pp_frame pf = {.version = 1, .seq = i, .t_us = 1000u * i, .counts = {1, 2, 3, 4}};
		pp_frame_encode(&pf, wire[i]);
	}
	clkmap c;
	clkmap_init(&c, 1.0, 500);
	const float gain[4] = {1e-3f, 1e-3f, 1e-3f, 1e-3f};
	double sink = 0;
	double t0 = thread_cpu_s();
	for (uint32_t k = 0; k < N; k++) {
		pp_frame pf;
		if (pp_frame_decode(wire[k % 64], PP_FRAME_SIZE, &pf) != PP_OK)
			return;
		uint64_t dev_t = (uint64_t)k * 1000u;
		clkmap_add(&c, dev_t, 5000000u + dev_t + 300u);
		sink += (double)clkmap_map(&c, dev_t);
		for (int ch = 0; ch < 4; ch++)
			sink += (double)gain[ch] * (double)(pf.counts[ch] - 10);
	}
	double dt = thread_cpu_s() - t0;
	printf("usb backend, per-frame decode + clock map + newtons: %9.0f frames/s  %6.3f ms CPU/1000 "
	       "frames (no USB)%s\n",
	       N / dt, dt * 1e3 / (N / 1000.0), sink == 0.5 ? " " : "");
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!emu_ensure_preload(argv))
		return 1;
	int bad = measure("as fast as the emulation goes:", "fast", false, 3.0, 10000000);
	bad |= measure("a 1 kHz plate in real time:", "realtime", true, 5.0, 10000000);
	decode_only();
	return bad;
}
