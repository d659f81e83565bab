/* The recorder on a real SQLite file:
 *   1. throughput: COP samples/s through store_rec_push() (copies and
 *      batched commits) with nothing else running;
 *   2. the main-thread stall: the time of every push() (those that end a
 *      0.2 s batch hand it over, or commit it), p50/p99/worst, for a 1 kHz
 *      stream (201 samples a batch) paced in real time as a 60 fps frame
 *      loop hands samples over, with the WAL syncer thread, alone and while
 *      another process writes and syncs a file on the same disk;
 *   3. the end of a trial (read back, metrics, checkpoint).
 * Usage: bench_store [TMPDIR] */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

#include "core/pipeline.h"
#include "store/recorder.h"
#include "store/store.h"
#include "bench_util.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static cop_sample sample(size_t k, double rate_hz)
{
	double t = (double)k / rate_hz;
	cop_sample x = {0};
	x.t_us = 1000000 + (mono_us)llround(t * 1e6);
	x.seq = (uint32_t)k;
	x.flags = SAMPLE_ON_PLATE;
	x.x_mm = 3 * sin(2.1 * t) + 0.5 * sin(13.0 * t);
	x.y_mm = 5 * cos(1.3 * t) + 0.7 * cos(17.0 * t);
	x.fz_n = 686;
	for (int c = 0; c < CELL_COUNT; c++)
		x.force_n[c] = 171.5 + 0.1 * c;
	return x;
}

static void die(const char *what, store *s)
{
	fprintf(stderr, "bench_store: %s: %s\n", what, s ? store_errmsg(s) : "");
	exit(1);
}

/* Records minutes of samples at rate_hz; times each push. paced: push in
 * real time (sleeping between batches of samples, as a 60 fps frame loop
 * would hand them over) instead of as fast as possible. sync_s: the WAL
 * syncer's period (0 = off). */
/* A process that writes 1 MB blocks into a file in dir and syncs each:
 * other work sharing the disk. Returns its pid (kill it when done). */
static pid_t disk_hog(const char *dir)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	char path[600];
	snprintf(path, sizeof path, "%s/poise-bench-hog.bin", dir);
	FILE *f = fopen(path, "w");
	static char block[1 << 20];
	memset(block, 0x5a, sizeof block);
	for (int i = 0; f; i++) {
		if (i % 64 == 0)
			rewind(f);
		fwrite(block, 1, sizeof block, f);
		fflush(f);
		fsync(fileno(f));
	}
	_exit(0);
}

static void run(const char *dir, double rate_hz, double minutes, bool paced, double sync_s, bool hog)
{
	char path[600], msg[512];
	snprintf(path, sizeof path, "%s/poise-bench-%.0fhz.db", dir, rate_hz);
	unlink(path);
	store *s;
	if (store_open(&s, path, 0, msg, sizeof msg)) {
		fprintf(stderr, "bench_store: %s\n", msg);
		exit(1);
	}
	store_patient p = {0};
	strcpy(p.code, "BENCH");
	store_session se = {0};
	strcpy(se.device_backend, "sim");
	int64_t sid;
	if (store_patient_add(s, &p, &se.patient_id) || store_session_begin(s, &se, &sid))
		die("setup", s);
	store_rec *r;
	store_rec_cfg cfg;
	store_rec_cfg_default(&cfg);
	cfg.sync_s = sync_s;
	if (store_rec_create(&r, s, &cfg) ||
	    store_rec_begin(r, sid, "quiet-eo", NULL, NULL, rate_hz, 1000000, NULL))
		die("begin", s);
	size_t n = (size_t)(minutes * 60 * rate_hz) + 1;
	double *push_ms = malloc(n * sizeof *push_ms);
	pid_t hog_pid = hog ? disk_hog(dir) : 0;
	double t_all = now_ms();
	double frame_ms = 1000.0 / 60;
	for (size_t k = 0; k < n; k++) {
		cop_sample x = sample(k, rate_hz);
		if (paced) { /* wait for the frame this sample belongs to */
			double due = t_all + floor((double)k / rate_hz * 1e3 / frame_ms) * frame_ms;
			while (now_ms() < due) {
				struct timespec ts = {0, 200000};
				nanosleep(&ts, NULL);
			}
		}
		double t0 = now_ms();
		if (store_rec_push(r, &x))
			die("push", s);
		push_ms[k] = now_ms() - t0;
	}
	double el_ms = now_ms() - t_all;
	if (hog_pid > 0) {
		kill(hog_pid, SIGKILL);
		waitpid(hog_pid, NULL, 0);
		char hp[600];
		snprintf(hp, sizeof hp, "%s/poise-bench-hog.bin", dir);
		unlink(hp);
	}
	double t_end = now_ms();
	if (store_rec_end(r, STORE_COMPLETE, NULL, NULL))
		die("end", s);
	double end_ms = now_ms() - t_end;
	store_rec_stats st;
	store_rec_stats_get(r, &st);
	qsort(push_ms, n, sizeof *push_ms, cmp_double);
	double worst = push_ms[n - 1], p999 = push_ms[(size_t)(0.999 * (double)(n - 1))];
	if (paced)
		printf("recorder, %4.0f Hz in real time for %.0f s, WAL sync %s (%llu syncs), %llu commits "
		       "of ~%.0f samples%s:\n",
		       rate_hz, minutes * 60, sync_s > 0 ? "every 1 s" : "off",
		       (unsigned long long)st.syncs, (unsigned long long)st.commits,
		       (double)st.samples / (double)st.commits, hog ? ", another process writing to the disk" : "");
	else
		printf("recorder, %4.0f Hz for %2.0f min as fast as possible: %8.0f samples/s (%zu samples, "
		       "%llu commits of ~%.0f samples in %.2f s)\n",
		       rate_hz, minutes, (double)n / (el_ms / 1e3), n, (unsigned long long)st.commits,
		       (double)st.samples / (double)st.commits, el_ms / 1e3);
	printf("  main-thread time per push: p50 %.4f ms, p99.9 %.3f ms, worst %.3f ms; longest commit "
	       "%.2f ms\n",
	       push_ms[n / 2], p999, worst, st.worst_commit_ms);
	char key[96], what[200];
	if (!paced) {
		snprintf(key, sizeof key, "recorder.samples_per_s_%.0fhz", rate_hz);
		snprintf(what, sizeof what, "recorder throughput, %.0f Hz samples as fast as possible", rate_hz);
		bu_result(key, (double)n / (el_ms / 1e3), "samples/s", ">= 100000", what);
	} else {
		snprintf(key, sizeof key, "recorder.stall_worst%s", hog ? "_disk_busy" : "");
		snprintf(what, sizeof what, "recorder worst main-thread stall, 1 kHz real time%s",
		         hog ? ", disk busy" : "");
		bu_result(key, worst, "ms", "<= 2", what);
		snprintf(key, sizeof key, "recorder.stall_p999%s", hog ? "_disk_busy" : "");
		snprintf(what, sizeof what, "recorder main-thread stall p99.9, 1 kHz real time%s",
		         hog ? ", disk busy" : "");
		bu_result(key, p999, "ms", "-", what);
	}
	printf("  end of trial (read back %zu samples, metrics, checkpoint): %.1f ms\n", n, end_ms);
	free(push_ms);
	store_rec_destroy(r);
	store_close(s);
	char side[700];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	/* Throughput: no syncer (it would only measure the disk). */
	run(dir, 100, 10, false, 0, false);
	run(dir, 1000, 10, false, 0, false);
	/* Stalls as in the app: samples handed over per 60 fps frame. */
	run(dir, 1000, 0.25, true, 1.0, false);
	run(dir, 1000, 0.25, true, 1.0, true);
	return 0;
}
