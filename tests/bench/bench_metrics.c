/* `poise metrics` at disk speed: the real binary on generated COP CSVs of
 * 10 and 60 minutes at 1 kHz (17.9 MB and 110 MB), as a researcher would
 * run it: wall time (the whole process, min and median of RUNS), CPU time
 * and peak memory, against the file's size. Also the 10 minutes without
 * resampling (every extended measure at 1 kHz), and the memory of a
 * process that reads nothing (the shared libraries every poise maps).
 * Usage: bench_metrics POISE_BINARY [TMPDIR] [RUNS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_util.h"
#include "core/rng.h"

/* minutes of 1 kHz COP, as a lab system writes it (t in s to the ms, COP
 * in mm to 0.1 µm, a force column that is not read). */
static double write_csv(const char *path, int minutes)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	rng g;
	rng_seed(&g, 5);
	fprintf(f, "t,cop_x,cop_y,fz_N\n");
	double x = 0, y = 0;
	for (int i = 0; i <= minutes * 60000; i++) {
		x = 0.999 * x + 0.05 * rng_normal(&g);
		y = 0.999 * y + 0.08 * rng_normal(&g);
		fprintf(f, "%.3f,%.4f,%.4f,%.2f\n", i / 1000.0, x, y, 686 + rng_normal(&g));
	}
	fclose(f);
	struct stat st;
	return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : NAN;
}

static void measure(const char *poise, const char *path, double mb, const char *key, const char *label,
                    const char *extra, int runs, double wall_target_ms)
{
	double wall[32], cpu[32], rss = 0;
	int ok = 0;
	for (int r = 0; r < runs && r < 32; r++) {
		char *argv[] = {(char *)poise, "metrics", "--json", (char *)path, NULL, NULL, NULL};
		if (extra) {
			argv[3] = "--resample";
			argv[4] = (char *)extra;
			argv[5] = (char *)path;
		}
		bu_run b = bu_spawn(argv, NULL, NULL, NULL, 600);
		if (b.status != 0) {
			fprintf(stderr, "bench_metrics: poise metrics %s exited %d\n", path, b.status);
			continue;
		}
		wall[ok] = b.wall_s * 1e3;
		cpu[ok] = b.cpu_s * 1e3;
		rss = fmax(rss, b.rss_mb);
		ok++;
	}
	double wmin = bu_pct(wall, (size_t)ok, 0), wmed = bu_pct(wall, (size_t)ok, 0.5);
	double cmed = bu_pct(cpu, (size_t)ok, 0.5);
	printf("poise metrics%s, %s (%.1f MB): wall min %.0f ms, median %.0f ms; CPU median %.0f ms; "
	       "peak memory %.1f MB (%.2f × the file) [%d runs]\n",
	       extra ? " --resample none" : "", label, mb, wmin, wmed, cmed, rss, rss / mb, ok);
	char k[96], what[160], tgt[32];
	snprintf(tgt, sizeof tgt, "<= %g", wall_target_ms);
	snprintf(k, sizeof k, "metrics.%s.wall_min", key);
	snprintf(what, sizeof what, "poise metrics%s, %s: wall, min of runs", extra ? " --resample none" : "", label);
	bu_result(k, ok ? wmin : NAN, "ms", wall_target_ms > 0 ? tgt : "-", what);
	snprintf(k, sizeof k, "metrics.%s.wall_median", key);
	snprintf(what, sizeof what, "poise metrics%s, %s: wall, median", extra ? " --resample none" : "", label);
	bu_result(k, ok ? wmed : NAN, "ms", "-", what);
	snprintf(k, sizeof k, "metrics.%s.cpu", key);
	snprintf(what, sizeof what, "poise metrics%s, %s: CPU time, median", extra ? " --resample none" : "", label);
	bu_result(k, ok ? cmed : NAN, "ms", "-", what);
	snprintf(k, sizeof k, "metrics.%s.rss", key);
	snprintf(what, sizeof what, "poise metrics%s, %s: peak memory", extra ? " --resample none" : "", label);
	bu_result(k, ok ? rss : NAN, "MB", "-", what);
	snprintf(k, sizeof k, "metrics.%s.rss_per_file", key);
	snprintf(what, sizeof what, "poise metrics%s, %s: peak memory / file size", extra ? " --resample none" : "",
	         label);
	bu_result(k, ok ? rss / mb : NAN, "x", extra ? "-" : "<= 1.5", what);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_metrics POISE_BINARY [TMPDIR] [RUNS]\n");
		return 2;
	}
	const char *poise = argv[1], *tmp = argc > 2 ? argv[2] : "/tmp";
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	char p10[512], p60[512];
	snprintf(p10, sizeof p10, "%s/poise-bench-10min-1khz.csv", tmp);
	snprintf(p60, sizeof p60, "%s/poise-bench-60min-1khz.csv", tmp);
	double mb10 = write_csv(p10, 10), mb60 = write_csv(p60, 60);
	/* What every poise process holds before it reads anything. */
	char *help[] = {(char *)poise, "metrics", "--help", NULL};
	bu_run b = bu_spawn(help, NULL, NULL, NULL, 60);
	printf("poise metrics --help (a process that reads nothing): peak memory %.1f MB\n", b.rss_mb);
	bu_result("metrics.baseline_rss", b.rss_mb, "MB", "-", "poise process that reads nothing: peak memory");
	measure(poise, p10, mb10, "10min", "10 min at 1 kHz", NULL, runs, 100);
	measure(poise, p60, mb60, "60min", "60 min at 1 kHz", NULL, runs > 3 ? 3 : runs, 0);
	measure(poise, p10, mb10, "10min_none", "10 min at 1 kHz", "none", runs > 3 ? 3 : runs, 0);
	unlink(p10);
	unlink(p60);
	return 0;
}
