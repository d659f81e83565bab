/* wbb-usb through the emulated adapter and board (tests/emu/bt_emu): the
 * time to pair a new board and to connect a paired one, a reconnect
 * attempt while the board is away, and the host CPU per 1000 frames while
 * streaming at the board's pace (30–100 Hz, libusb sleeping in poll
 * between packets).
 *
 * CPU is split, as for the USB plate: the backend's own thread (libusb, the
 * Bluetooth host, the board's reports) and the whole process, which also
 * pays for the emulated controller and board (umockdev's worker thread,
 * the 1 ms radio ticker). With real hardware only the first exists. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bt_emu.h"
#include "core/error.h"
#include "device/acq.h"
#include "device/device.h"
#include "device/reconnect.h"
#include "device/wbb_usb.h"

#define BOARD "00:1F:32:AA:BB:CC"

static double cpu_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double ms_since(mono_us t0)
{
	return (double)(dev_now_us() - t0) / 1000.0;
}

static dev *open_or_die(const char *spec, double *ms)
{
	dev *d = NULL;
	char msg[512];
	mono_us t0 = dev_now_us();
	if (dev_open_spec(&d, spec, &(dev_open_cfg){0}, msg, sizeof msg) != POISE_OK) {
		fprintf(stderr, "bench_wbb_usb: %s\n", msg);
		exit(1);
	}
	*ms = ms_since(t0);
	return d;
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!bt_emu_ensure_preload(argv))
		return 1;
	char home[] = "/tmp/poise-bench-wbb-usb-XXXXXX";
	if (!mkdtemp(home))
		return 1;
	setenv("XDG_DATA_HOME", home, 1);
	bt_emu *emu;
	if (bt_emu_create(&emu, &(bt_emu_cfg){.board_sync = true, .seed = 7}) != 0)
		return 1;
	bt_emu_set_loads(emu, (double[]){17, 18, 16, 19});

	double pair_ms, connect_ms;
	dev *d = open_or_die("wbb-usb", &pair_ms);
	dev_close(d);
	bt_emu_board_power(emu, true, 0); /* it switched off when Poise let go */
	d = open_or_die("wbb-usb:" BOARD, &connect_ms);
	printf("wbb-usb, pairing a new board (inquiry, name, PIN, set-up):   %6.0f ms\n", pair_ms);
	printf("wbb-usb, a paired board already paging (accept, key, set-up): %6.0f ms\n", connect_ms);

	/* Streaming at the board's pace. */
	static poise_frame f[64];
	size_t n = 0, k;
	d->ops->start(d);
	double t_cpu0 = cpu_s(CLOCK_THREAD_CPUTIME_ID), p_cpu0 = cpu_s(CLOCK_PROCESS_CPUTIME_ID);
	mono_us t0 = dev_now_us();
	while (ms_since(t0) < 10000) {
		d->ops->read(d, f, 64, &k, 100);
		n += k;
	}
	double secs = ms_since(t0) / 1000.0;
	double t_cpu = cpu_s(CLOCK_THREAD_CPUTIME_ID) - t_cpu0, p_cpu = cpu_s(CLOCK_PROCESS_CPUTIME_ID) - p_cpu0;
	printf("wbb-usb, streaming:  %5.1f frames/s  backend thread %.1f ms CPU/1000 frames (%.2f %% of a "
	       "core), whole process %.1f ms/1000 frames  [%zu frames]\n",
	       (double)n / secs, t_cpu * 1e6 / (double)n, t_cpu / secs * 100, p_cpu * 1e6 / (double)n, n);

	/* The board away: what one reconnect attempt costs the main thread. */
	d->ops->stop(d);
	acq *a;
	if (acq_create(&a, d, 4096) != POISE_OK || acq_start(a) != POISE_OK) {
		fprintf(stderr, "bench_wbb_usb: cannot start the acquisition\n");
		return 1;
	}
	bt_emu_board_power(emu, false, BT_ST_CONN_TIMEOUT);
	int err;
	while (acq_state(a, &err) != ACQ_ENDED)
		usleep(1000);
	double worst = 0;
	for (int i = 0; i < 10; i++) {
		mono_us t = dev_now_us();
		if (dev_reconnect(&d, &a, 4096, &(dev_open_cfg){0}) == POISE_OK)
			return 1;
		double ms = ms_since(t);
		worst = ms > worst ? ms : worst;
	}
	bt_emu_board_power(emu, true, 0);
	mono_us t = dev_now_us();
	while (dev_reconnect(&d, &a, 4096, &(dev_open_cfg){0}) != POISE_OK)
		usleep(20000);
	printf("wbb-usb, a reconnect attempt while the board is away: worst %.0f ms of 10; back %.0f ms "
	       "after it pages\n", worst, ms_since(t));
	acq_destroy(a);
	dev_close(d);
	bt_emu_destroy(emu);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	return system(cmd) == 0 ? 0 : 1;
}
