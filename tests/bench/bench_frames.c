/* The app's frames and what a patient sees, through the real window path
 * under Xvfb (no GPU, SDL's software renderer, 60 frames/s):
 *   1. frame time (the work from the ring read to the return of
 *      SDL_RenderPresent) p50/p99, and the process's CPU in % of one core,
 *      for the live view and every game, at 1280×720 and 1920×1080;
 *   2. sample-to-photon latency: from a sample's timestamp on the device
 *      (the host clock the frames carry) to the return of the
 *      SDL_RenderPresent that first shows it. Each frame logs the newest
 *      sample it was drawn from (poise --frame-log); a step change at any
 *      device frame T is first drawn by the first frame whose newest sample
 *      is at or after T, so every device frame between two presented
 *      newest samples counts as a step, with latency = present − T. For the
 *      simulated plate (100 Hz, `poise`) and the USB plate at 1 kHz
 *      through the emulation (tests/emu, `poise-usb-demo`).
 * CPU is read from /proc between the 3rd second and the last (after fonts,
 * labels and textures are made), so the figure is the steady state.
 * Usage: bench_frames POISE POISE_USB_DEMO [TMPDIR] [SECONDS]
 * Needs Xvfb; without it every figure is "nan" and it says why. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

static const char *const games[] = {"reach", "slalom", "stillwater", "tracking", "maze"};

typedef struct xserver {
	pid_t pid;
	char display[16];
} xserver;

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* Starts Xvfb with a w×h screen on a free display; false if it cannot. */
static bool x_start(xserver *x, int w, int h)
{
	for (int n = 90 + getpid() % 50; n < 200; n++) {
		char lock[64], sock[64];
		snprintf(lock, sizeof lock, "/tmp/.X%d-lock", n);
		snprintf(sock, sizeof sock, "/tmp/.X11-unix/X%d", n);
		if (access(lock, F_OK) == 0 || access(sock, F_OK) == 0)
			continue;
		snprintf(x->display, sizeof x->display, ":%d", n);
		char screen[32];
		snprintf(screen, sizeof screen, "%dx%dx24", w, h);
		fflush(stdout);
		x->pid = fork();
		if (x->pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			dup2(fd, 2);
			execlp("Xvfb", "Xvfb", x->display, "-screen", "0", screen, "-nolisten", "tcp", (char *)NULL);
			_exit(127);
		}
		for (int i = 0; i < 100; i++) {
			sleep_s(0.05);
			if (access(sock, F_OK) == 0)
				return true;
			if (waitpid(x->pid, NULL, WNOHANG) == x->pid)
				break;
		}
		kill(x->pid, SIGTERM);
		waitpid(x->pid, NULL, 0);
	}
	return false;
}

static void x_stop(xserver *x)
{
	kill(x->pid, SIGTERM);
	waitpid(x->pid, NULL, 0);
}

/* CPU ticks (user + system) of pid so far, from /proc; −1 if gone. */
static long proc_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut, &st) != 2)
		return -1;
	return ut + st;
}

typedef struct frame_figures {
	bool ok;
	double p50, p99, present_p50, present_p99; /* ms, as the app prints them */
	double cpu_p50, cpu_p99;                     /* main-thread CPU per frame (new
	                                              * builds print it), ms */
	double cpu_pct;                              /* process, steady state */
	double s2p_p50, s2p_p99, s2p_max;            /* ms; NaN without a log */
	size_t s2p_n;
} frame_figures;

/* Sample-to-photon from a frame log (see the top), device frames every
 * step_us, the first warm_s seconds left out. */
static void s2p_from_log(const char *path, double step_us, double warm_s, frame_figures *ff)
{
	ff->s2p_p50 = ff->s2p_p99 = ff->s2p_max = NAN;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t cap = 1 << 20, n = 0;
	double *lat = malloc(cap * sizeof *lat);
	char line[256];
	unsigned long long first = 0, prev_newest = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long long present, newest;
		if (line[0] == '#' || sscanf(line, "%llu %llu", &present, &newest) != 2)
			continue;
		if (!first)
			first = present;
		if (newest == 0)
			continue;
		if ((double)(present - first) < warm_s * 1e6 || prev_newest == 0) {
			prev_newest = newest;
			continue;
		}
		for (double t = (double)newest; t > (double)prev_newest + 0.5 && n < cap; t -= step_us)
			lat[n++] = ((double)present - t) / 1e3;
		if (newest > prev_newest)
			prev_newest = newest;
	}
	fclose(f);
	ff->s2p_n = n;
	if (n) {
		ff->s2p_p50 = bu_pct(lat, n, 0.5);
		ff->s2p_p99 = bu_pct(lat, n, 0.99);
		ff->s2p_max = lat[n - 1];
	}
	free(lat);
}

/* Runs argv (NULL-terminated) on display x for run_s seconds (it quits by
 * itself); reads the app's frame line from its stderr and its CPU. */
static frame_figures run_app(char *const argv[], const xserver *x, double run_s, const char *err_path,
                             const char *log_path, double step_us)
{
	frame_figures ff = {.cpu_pct = NAN, .s2p_p50 = NAN, .s2p_p99 = NAN, .s2p_max = NAN, .cpu_p50 = NAN,
	                    .cpu_p99 = NAN};
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen(err_path, "w", stderr))
			_exit(127);
		setenv("DISPLAY", x->display, 1);
		setenv("SDL_AUDIODRIVER", "dummy", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	double t0 = bu_now_s();
	sleep_s(3.0);
	long c0 = proc_ticks(pid);
	double w0 = bu_now_s();
	sleep_s(run_s - 4.0 > 1 ? run_s - 4.0 : 1);
	long c1 = proc_ticks(pid);
	double w1 = bu_now_s();
	if (c0 >= 0 && c1 >= c0)
		ff.cpu_pct = 100.0 * (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK) / (w1 - w0);
	int st;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (bu_now_s() - t0 > run_s + 60) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			break;
		}
		sleep_s(0.05);
	}
	FILE *f = fopen(err_path, "r");
	char line[1024];
	while (f && fgets(line, sizeof line, f)) {
		const char *p = strstr(line, "work per frame p50");
		if (p && sscanf(p, "work per frame p50 %lf ms, p99 %lf ms, max %*f ms (of which presenting p50 %lf ms, "
		                   "p99 %lf ms",
		                &ff.p50, &ff.p99, &ff.present_p50, &ff.present_p99) == 4)
			ff.ok = true;
		const char *c = strstr(line, "main-thread CPU per frame p50");
		if (c)
			sscanf(c, "main-thread CPU per frame p50 %lf ms, p99 %lf ms", &ff.cpu_p50, &ff.cpu_p99);
	}
	if (f)
		fclose(f);
	if (log_path)
		s2p_from_log(log_path, step_us, 3.0, &ff);
	return ff;
}

/* The command line of an app run: poise (or, usb, poise-usb-demo) for a
 * screen ("live" or a game), its size, how long, its frame log. */
static bool live_flag; /* the app takes --live (older builds open on the live view) */

static void app_args(char **av, const char *bin, bool usb, const char *size, const char *quit,
                     const char *log, const char *screen)
{
	int k = 0;
	av[k++] = (char *)bin;
	if (!usb) {
		av[k++] = "--seed";
		av[k++] = "1";
	}
	av[k++] = "--size";
	av[k++] = (char *)size;
	av[k++] = "--quit-after";
	av[k++] = (char *)quit;
	av[k++] = "--frame-stats";
	if (log) {
		av[k++] = "--frame-log";
		av[k++] = (char *)log;
	}
	if (strcmp(screen, "live") == 0) {
		if (live_flag && !usb) /* the USB demo opens on the live view */
			av[k++] = "--live";
	} else {
		av[k++] = usb ? "--play" : "play";
		av[k++] = (char *)screen;
		if (!usb) {
			av[k++] = "--seconds";
			av[k++] = "600";
		}
	}
	av[k] = NULL;
}

/* The sample-to-photon figures of one plate ("sim", "usb") and screen. */
static void s2p_results(const char *plate, const char *plate_label, const char *screen,
                        const frame_figures *ff)
{
	char key[96], what[160];
	snprintf(key, sizeof key, "s2p.%s.%s.p50", plate, screen);
	snprintf(what, sizeof what, "sample-to-photon p50, %s, %s, 1080p", plate_label, screen);
	bu_result(key, ff->s2p_p50, "ms", "-", what);
	snprintf(key, sizeof key, "s2p.%s.%s.p99", plate, screen);
	snprintf(what, sizeof what, "sample-to-photon p99, %s, %s, 1080p", plate_label, screen);
	bu_result(key, ff->s2p_p99, "ms", "<= 21.7", what);
}

/* The app's --help names this option. */
static bool has_option(const char *poise, const char *opt)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' --help 2>&1 | grep -q -- '%s'", poise, opt);
	return system(cmd) == 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_frames POISE POISE_USB_DEMO [TMPDIR] [SECONDS]\n");
		return 2;
	}
	const char *poise = argv[1], *usb = argv[2], *tmp = argc > 3 ? argv[3] : "/tmp";
	double secs = argc > 4 ? atof(argv[4]) : 12;
	char err[512], log[512];
	snprintf(err, sizeof err, "%s/poise-bench-frames.err", tmp);
	snprintf(log, sizeof log, "%s/poise-bench-frames.log", tmp);
	bool probe = has_option(poise, "--frame-log");
	live_flag = has_option(poise, "--live");
	static const int sizes[2][2] = {{1280, 720}, {1920, 1080}};
	char quit[32];
	snprintf(quit, sizeof quit, "%g", secs);
	for (int z = 0; z < 2; z++) {
		int w = sizes[z][0], h = sizes[z][1];
		char size[32], tag[16];
		snprintf(size, sizeof size, "%dx%d", w, h);
		snprintf(tag, sizeof tag, "%dp", h);
		xserver x;
		bool have_x = x_start(&x, w, h);
		if (!have_x)
			printf("frames at %s: Xvfb cannot be started (apt-get install xvfb): no figures\n", size);
		for (int s = -1; s < (int)(sizeof games / sizeof games[0]); s++) {
			const char *screen = s < 0 ? "live" : games[s];
			char *av[20];
			app_args(av, poise, false, size, quit, probe ? log : NULL, screen);
			unlink(log);
			frame_figures ff = {.cpu_pct = NAN, .cpu_p50 = NAN, .cpu_p99 = NAN, .s2p_p50 = NAN, .s2p_p99 = NAN,
			                    .s2p_max = NAN};
			if (have_x)
				ff = run_app(av, &x, secs, err, probe ? log : NULL, 10000);
			if (have_x && !ff.ok)
				fprintf(stderr, "bench_frames: %s at %s gave no frame statistics (see %s)\n", screen, size, err);
			printf("frames, %-10s %s: p50 %.2f ms, p99 %.2f ms (present p50 %.2f, p99 %.2f); CPU %.1f %% of a "
			       "core", screen, size, ff.ok ? ff.p50 : NAN, ff.ok ? ff.p99 : NAN, ff.ok ? ff.present_p50 : NAN,
			       ff.ok ? ff.present_p99 : NAN, ff.cpu_pct);
			if (probe)
				printf("; sample-to-photon (simulated plate, 100 Hz) p50 %.1f ms, p99 %.1f ms, max %.1f ms "
				       "[%zu steps]", ff.s2p_p50, ff.s2p_p99, ff.s2p_max, ff.s2p_n);
			printf("\n");
			char key[96], what[160];
			snprintf(key, sizeof key, "frames.%s.%s.p50", screen, tag);
			snprintf(what, sizeof what, "frame time p50, %s, %s", screen, size);
			bu_result(key, ff.ok ? ff.p50 : NAN, "ms", "-", what);
			snprintf(key, sizeof key, "frames.%s.%s.p99", screen, tag);
			snprintf(what, sizeof what, "frame time p99, %s, %s", screen, size);
			bu_result(key, ff.ok ? ff.p99 : NAN, "ms", h == 720 ? "<= 3" : "<= 5", what);
			snprintf(key, sizeof key, "frames.%s.%s.work_cpu_p99", screen, tag);
			snprintf(what, sizeof what, "main-thread CPU per frame p99, %s, %s", screen, size);
			bu_result(key, ff.ok ? ff.cpu_p99 : NAN, "ms", "-", what);
			snprintf(key, sizeof key, "frames.%s.%s.cpu", screen, tag);
			snprintf(what, sizeof what, "CPU at 60 fps, %s, %s", screen, size);
			bu_result(key, ff.cpu_pct, "% core", "<= 15", what);
			if (h == 1080 && (s < 0 || !strcmp(screen, "reach")))
				s2p_results("sim", "simulated plate", screen, &ff);
		}
		/* The USB plate through the emulation, 1 kHz, at 1080p. */
		if (h == 1080) {
			for (int s = -1; s < 1; s++) {
				const char *screen = s < 0 ? "live" : "reach";
				char *av[16];
				app_args(av, usb, true, size, quit, probe ? log : NULL, screen);
				unlink(log);
				frame_figures ff = {.s2p_p50 = NAN, .s2p_p99 = NAN, .s2p_max = NAN};
				if (have_x && probe && access(usb, X_OK) == 0)
					ff = run_app(av, &x, secs, err, log, 1000);
				printf("sample-to-photon, USB plate at 1 kHz (emulated), %-6s %s: p50 %.1f ms, p99 %.1f ms, "
				       "max %.1f ms [%zu steps]; frames p99 %.2f ms, CPU %.1f %%\n",
				       screen, size, ff.s2p_p50, ff.s2p_p99, ff.s2p_max, ff.s2p_n, ff.ok ? ff.p99 : NAN,
				       ff.cpu_pct);
				s2p_results("usb", "USB plate 1 kHz (emulated)", screen, &ff);
			}
		}
		if (have_x)
			x_stop(&x);
	}
	unlink(err);
	unlink(log);
	return 0;
}
