/* poise-wbb-usb-demo: Poise's own Bluetooth host and a Wii Balance Board,
 * without either: an emulated USB Bluetooth adapter (tests/emu/bt_emu, a
 * CSR8510's ids) with a simulated board in range, on which the simulated
 * person of src/device/sim.c stands and sways.
 *
 * It pairs the board first (as pressing its red sync button while Poise
 * connects would), switches it on again, then runs the command given
 * (default: the app with --device wbb-usb) as a child process that finds
 * the adapter as it would a real one. Link keys go to $XDG_DATA_HOME, or a
 * temporary folder when that is not set.
 *
 *   scripts/dev wbb-usb-demo [--unpaired] [--seed N] [--off-at S] [--on-at S]
 *                            [-- COMMAND ARGS...]
 *   scripts/dev wbb-usb-demo -- build/default/src/poise devices
 *   scripts/dev wbb-usb-demo -- build/default/src/poise --db /tmp/demo.db \
 *       record --device wbb-usb --patient P01 --trial quiet-eo --seconds 5
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bt_emu.h"
#include "core/error.h"
#include "device/device.h"
#include "device/sim.h"
#include "device/wbb_usb.h"

#define G 9.80665

typedef struct demo {
	bt_emu *emu;
	dev *person;
	atomic_bool quit;
	double off_s, on_s; /* the board switched off and on again (< 0: never) */
} demo;

/* The simulated person's forces become the board's loads, in real time. */
static void *sway(void *arg)
{
	demo *m = arg;
	mono_us t0 = dev_now_us();
	bool off_done = false, on_done = false;
	while (!atomic_load(&m->quit)) {
		poise_frame f[16];
		size_t n = 0;
		m->person->ops->read(m->person, f, 16, &n, 20);
		if (n > 0) {
			double kg[4];
			for (int c = 0; c < 4; c++)
				kg[c] = f[n - 1].force_n[c] / G;
			bt_emu_set_loads(m->emu, kg);
		}
		double s = (double)(dev_now_us() - t0) * 1e-6;
		if (m->off_s >= 0 && !off_done && s >= m->off_s) {
			fprintf(stderr, "poise-wbb-usb-demo: the board goes out of range\n");
			bt_emu_board_power(m->emu, false, BT_ST_CONN_TIMEOUT);
			off_done = true;
		}
		if (m->on_s >= 0 && off_done && !on_done && s >= m->on_s) {
			fprintf(stderr, "poise-wbb-usb-demo: the board is switched on again\n");
			bt_emu_board_power(m->emu, true, 0);
			on_done = true;
		}
	}
	return NULL;
}

static int run(char **cmd)
{
	pid_t pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "poise-wbb-usb-demo: cannot run %s\n", cmd[0]);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static void usage(void)
{
	fputs("usage: poise-wbb-usb-demo [--unpaired] [--seed N] [--off-at S] [--on-at S] "
	      "[-- COMMAND ARGS...]\n",
	      stderr);
}

int main(int argc, char **argv)
{
	if (!bt_emu_ensure_preload(argv))
		return 1;
	demo m = {.off_s = -1, .on_s = -1};
	bool unpaired = false;
	uint64_t seed = 1;
	char **cmd = NULL;
	static char *app[] = {"build/default/src/poise", "--device", "wbb-usb", NULL};
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			cmd = i + 1 < argc ? argv + i + 1 : NULL;
			break;
		}
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--unpaired")) {
			unpaired = true;
			continue;
		}
		if (!v) {
			usage();
			return 2;
		}
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(v, NULL, 10);
		else if (!strcmp(argv[i], "--off-at"))
			m.off_s = atof(v);
		else if (!strcmp(argv[i], "--on-at"))
			m.on_s = atof(v);
		else {
			usage();
			return 2;
		}
		i++;
	}
	if (!cmd)
		cmd = app;
	char tmp[] = "/tmp/poise-wbb-usb-demo-XXXXXX";
	if (!getenv("XDG_DATA_HOME")) {
		if (!mkdtemp(tmp))
			return 1;
		setenv("XDG_DATA_HOME", tmp, 1);
		fprintf(stderr, "poise-wbb-usb-demo: link keys in %s (XDG_DATA_HOME)\n", tmp);
	}
	bt_emu_cfg ec = {.board_sync = true, .seed = seed};
	dev_open_cfg pc = {.seed = seed, .realtime = true, .rate_hz = 100};
	if (bt_emu_create(&m.emu, &ec) != 0 || sim_ops.open(&m.person, NULL, &pc) != 0 ||
	    sim_ops.start(m.person) != 0)
		return 1;
	pthread_t th;
	pthread_create(&th, NULL, sway, &m);
	int code = 0;
	if (!unpaired) {
		/* What the red sync button does with Poise connecting. */
		dev *d = NULL;
		char msg[512];
		mono_us t0 = dev_now_us();
		int rc = dev_open_spec(&d, "wbb-usb", &(dev_open_cfg){0}, msg, sizeof msg);
		if (rc) {
			fprintf(stderr, "poise-wbb-usb-demo: pairing failed: %s\n", msg);
			code = 1;
		} else {
			fprintf(stderr, "poise-wbb-usb-demo: paired %s in %.0f ms; switching it on again\n",
			        d->info.serial, (double)(dev_now_us() - t0) / 1000.0);
			dev_close(d);
			bt_emu_board_power(m.emu, true, 0);
		}
	}
	if (code == 0)
		code = run(cmd);
	bt_emu_stats st;
	bt_emu_get_stats(m.emu, &st);
	fprintf(stderr,
	        "poise-wbb-usb-demo: the board sent %zu data reports; %u connections, %u HCI commands, "
	        "%u pairings\n",
	        bt_emu_reports(m.emu, NULL, 0), st.connections, st.commands, st.pin_pairings);
	atomic_store(&m.quit, true);
	pthread_join(th, NULL);
	dev_close(m.person);
	bt_emu_destroy(m.emu);
	return code;
}
