/* poise-usb-demo: Poise against an emulated USB force plate, no hardware.
 *
 * Sets up the umockdev testbed with the emulated plate (tests/emu: the
 * firmware core streaming a swaying person at 1 kHz), then runs the app in
 * this same process with --device usb, exactly as with a real plate: libusb
 * finds it, reads its info and calibration, streams. --unplug-at and
 * --replug-at pull and reinsert the cable to show the "waiting" banner and
 * the reconnection.
 *
 *   scripts/dev usb-demo [--unplug-at S] [--replug-at S] [--seed N]
 *                        [--calibration good|blank|corrupt]
 *                        [--quit-after S --screenshot FILE] [--size WxH]
 *                        [--frame-stats] [--frame-log FILE] [--play GAME]
 * It opens on the plate's live view (Esc: the demo's home).
 * (--frame-log and --play are the benchmark's: sample-to-photon latency of
 * the USB plate, tests/bench/bench_frames.c.)
 *
 * --calibration blank (or corrupt): a plate Poise refuses until it is set
 * up; the plate check offers the set-up (nobody can place a mass on the
 * emulated plate from the window, so the demo shows the steps only).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plate_emu.h"
#include "ui/app.h"

typedef struct schedule {
	emu_plate *emu;
	double unplug_s, replug_s;
} schedule;

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

static void *cable(void *arg)
{
	schedule *s = arg;
	sleep_s(s->unplug_s);
	fprintf(stderr, "poise-usb-demo: unplugging the plate\n");
	emu_unplug(s->emu);
	if (s->replug_s > s->unplug_s) {
		sleep_s(s->replug_s - s->unplug_s);
		fprintf(stderr, "poise-usb-demo: plugging it back in\n");
		emu_replug(s->emu);
	}
	return NULL;
}

static void usage(void)
{
	fputs("usage: poise-usb-demo [--unplug-at S] [--replug-at S] [--seed N]\n"
	      "                      [--calibration good|blank|corrupt]\n"
	      "                      [--quit-after S] [--screenshot FILE] [--size WxH]\n"
	      "                      [--frame-stats] [--frame-log FILE] [--play GAME]\n",
	      stderr);
}

int main(int argc, char **argv)
{
	if (!emu_ensure_preload(argv))
		return 1;
	app_cfg ac = {.device = "usb", .live = true}; /* the plate's live view (Esc: the demo's home) */
	schedule sc = {.unplug_s = -1, .replug_s = -1};
	emu_cfg ec = {.realtime = true, .source = EMU_PERSON, .serial = "DEMO-0001", .seed = 1};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--frame-stats")) {
			ac.frame_stats = true;
			continue;
		}
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			usage();
			return 2;
		}
		if (!strcmp(argv[i], "--unplug-at"))
			sc.unplug_s = atof(v);
		else if (!strcmp(argv[i], "--replug-at"))
			sc.replug_s = atof(v);
		else if (!strcmp(argv[i], "--seed"))
			ec.seed = strtoull(v, NULL, 10);
		else if (!strcmp(argv[i], "--calibration") && !strcmp(v, "good"))
			ec.calib = EMU_CALIB_GOOD;
		else if (!strcmp(argv[i], "--calibration") && !strcmp(v, "blank"))
			ec.calib = EMU_CALIB_BLANK;
		else if (!strcmp(argv[i], "--calibration") && !strcmp(v, "corrupt"))
			ec.calib = EMU_CALIB_CORRUPT;
		else if (!strcmp(argv[i], "--quit-after"))
			ac.quit_after_s = atof(v);
		else if (!strcmp(argv[i], "--screenshot"))
			ac.screenshot = v;
		else if (!strcmp(argv[i], "--frame-log"))
			ac.frame_log = v;
		else if (!strcmp(argv[i], "--play")) {
			if (!(ac.play = game_find(v))) {
				usage();
				return 2;
			}
			ac.play_seconds = 600;
		}
		else if (!strcmp(argv[i], "--size")) {
			if (sscanf(v, "%dx%d", &ac.width, &ac.height) != 2) {
				usage();
				return 2;
			}
		} else {
			usage();
			return 2;
		}
		i++; /* the option's value */
	}
	emu_plate *emu;
	if (emu_create(&emu, &ec) != 0)
		return 1;
	pthread_t th;
	bool cable_thread = false;
	sc.emu = emu;
	if (sc.unplug_s >= 0)
		cable_thread = pthread_create(&th, NULL, cable, &sc) == 0;
	char msg[512];
	int code = app_run(&ac, msg, sizeof msg);
	if (code)
		fprintf(stderr, "poise-usb-demo: %s\n", msg);
	if (cable_thread)
		pthread_join(th, NULL);
	emu_destroy(emu);
	return code;
}
