/* Helpers shared by the benchmarks (tests/bench): the machine-readable
 * result lines tests/bench/run collects into its table and JSON, clocks,
 * percentiles and running a child with its CPU time and peak memory.
 * Header-only: each benchmark is one executable.
 *
 * A result line is "@result<TAB>key<TAB>value<TAB>unit<TAB>target<TAB>what",
 * target "<= 100", ">= 5" or "-" (a figure without a target); a value that
 * could not be measured is "nan". */
#ifndef POISE_BENCH_UTIL_H
#define POISE_BENCH_UTIL_H

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline double bu_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void bu_result(const char *key, double value, const char *unit, const char *target,
                             const char *what)
{
	printf("@result\t%s\t%.6g\t%s\t%s\t%s\n", key, value, unit, target ? target : "-", what);
	fflush(stdout);
}

static inline int bu_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of v[0..n) (sorted in place); NaN for n = 0. */
static inline double bu_pct(double *v, size_t n, double q)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, bu_cmp_double);
	size_t i = (size_t)(q * (double)n);
	return v[i < n ? i : n - 1];
}

/* What a child cost. */
typedef struct bu_run {
	int status;      /* exit code, or −1 if killed */
	double wall_s, cpu_s;
	double rss_mb;   /* peak resident set */
} bu_run;

/* Runs argv (argv[0] a path) with stdout and stderr to the given files
 * (NULL: /dev/null), env_display (may be NULL) as DISPLAY; kills it after
 * timeout_s. */
static inline bu_run bu_spawn(char *const argv[], const char *out, const char *err,
                              const char *env_display, double timeout_s)
{
	bu_run r = {.status = -1};
	fflush(stdout);
	double t0 = bu_now_s();
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen(out ? out : "/dev/null", "w", stdout) || !freopen(err ? err : "/dev/null", "w", stderr))
			_exit(127);
		if (env_display)
			setenv("DISPLAY", env_display, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return r;
	/* A watchdog kills the child after timeout_s; the wait itself blocks,
	 * so the wall time is exact. */
	pid_t wd = fork();
	if (wd == 0) {
		struct timespec ts = {(time_t)timeout_s, (long)((timeout_s - (double)(time_t)timeout_s) * 1e9)};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		_exit(0);
	}
	int st = 0;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	if (wd > 0) {
		kill(wd, SIGKILL);
		waitpid(wd, NULL, 0);
	}
	r.wall_s = bu_now_s() - t0;
	r.cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
	          ru.ru_stime.tv_usec * 1e-6;
	r.rss_mb = (double)ru.ru_maxrss / 1024.0;
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return r;
}

#endif
