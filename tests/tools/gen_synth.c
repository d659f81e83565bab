/* Writes the synthetic COP recordings in tests/data/ whose metrics have
 * analytic answers (see tests/data/README.md). Run from the build:
 *   build/default/tests/gen_synth tests/data
 * The files are committed; this program documents how they were made. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

static FILE *open_out(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

/* Circle of radius r mm at f Hz around (cx, cy), fs Hz for T s; scale
 * divides the positions (10: write centimetres). */
static void circle(const char *dir, const char *name, double scale, const char *unit_note)
{
	FILE *f = open_out(dir, name);
	const double r = 10, fr = 0.5, fs = 100, T = 30, cx = 5, cy = -20;
	fprintf(f, "t,cop_x,cop_y,fz_N\n");
	(void)unit_note;
	for (int i = 0; i <= (int)(T * fs); i++) {
		double t = i / fs, ph = 2 * M_PI * fr * t;
		fprintf(f, "%.3f,%.9f,%.9f,700.0\n", t, (cx + r * cos(ph)) / scale, (cy + r * sin(ph)) / scale);
	}
	fclose(f);
}

/* The same circle sampled at jittered instants: nominal 100 Hz, each
 * instant moved by a uniform ±3 ms (still strictly increasing). */
static void circle_jitter(const char *dir)
{
	FILE *f = open_out(dir, "circle_r10_f0.5_jitter.csv");
	rng g;
	rng_seed(&g, 7);
	const double r = 10, fr = 0.5, fs = 100, T = 30;
	fprintf(f, "t,cop_x,cop_y\n");
	for (int i = 0; i <= (int)(T * fs); i++) {
		double t = i / fs;
		if (i > 0 && i < (int)(T * fs))
			t += (rng_uniform(&g) - 0.5) * 0.006;
		double ph = 2 * M_PI * fr * t;
		fprintf(f, "%.6f,%.9f,%.9f\n", t, r * cos(ph), r * sin(ph));
	}
	fclose(f);
}

/* Back and forth along the diagonal: amplitude A = 15 mm at 0.25 Hz, 40 s. */
static void line(const char *dir)
{
	FILE *f = open_out(dir, "line_diag_a15_f0.25.csv");
	const double A = 15, fr = 0.25, fs = 100, T = 40;
	fprintf(f, "t,cop_x,cop_y\n");
	for (int i = 0; i <= (int)(T * fs); i++) {
		double t = i / fs, d = A * sin(2 * M_PI * fr * t);
		fprintf(f, "%.3f,%.9f,%.9f\n", t, d / sqrt(2), d / sqrt(2));
	}
	fclose(f);
}

/* White Gaussian noise, σ = 5 mm per axis exactly (population SD about the
 * mean), the axes exactly uncorrelated, 120 s at 100 Hz. */
static void noise(const char *dir)
{
	const int n = 12001;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	rng g;
	rng_seed(&g, 42);
	for (int i = 0; i < n; i++) {
		x[i] = rng_normal(&g);
		y[i] = rng_normal(&g);
	}
	double mx = 0, my = 0;
	for (int i = 0; i < n; i++)
		mx += x[i], my += y[i];
	mx /= n, my /= n;
	double sxx = 0, sxy = 0;
	for (int i = 0; i < n; i++) {
		x[i] -= mx, y[i] -= my;
		sxx += x[i] * x[i], sxy += x[i] * y[i];
	}
	for (int i = 0; i < n; i++) /* Gram–Schmidt: y ⟂ x */
		y[i] -= sxy / sxx * x[i];
	double syy = 0;
	for (int i = 0; i < n; i++)
		syy += y[i] * y[i];
	FILE *f = open_out(dir, "noise_white_sd5.csv");
	fprintf(f, "t,cop_x,cop_y\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "%.2f,%.9f,%.9f\n", i / 100.0, 5 * x[i] / sqrt(sxx / n), 5 * y[i] / sqrt(syy / n));
	fclose(f);
	free(x);
	free(y);
}

/* The circle for 4 s only: long enough for `poise metrics` (2 s), too
 * short for a spectrum (a segment must hold a period of 0.15 Hz) and a
 * diffusion plot (15 s): those measures are null. */
static void circle_short(const char *dir)
{
	FILE *f = open_out(dir, "circle_r10_f0.5_4s.csv");
	fprintf(f, "t,cop_x,cop_y\n");
	for (int i = 0; i <= 400; i++) {
		double t = i / 100.0, ph = 2 * M_PI * 0.5 * t;
		fprintf(f, "%.2f,%.6f,%.6f\n", t, 10 * cos(ph), 10 * sin(ph));
	}
	fclose(f);
}

/* Sums of sines with known spectra, 60 s at 100 Hz: ML = 4 mm at 0.3 Hz +
 * 2 mm at 1.2 Hz (powers 8 + 2 mm²), AP = 3 mm at 0.6 Hz (4.5 mm²). */
static void sines(const char *dir)
{
	FILE *f = open_out(dir, "sines_0.3_1.2.csv");
	fprintf(f, "t,cop_x,cop_y\n");
	for (int i = 0; i <= 6000; i++) {
		double t = i / 100.0;
		double x = 4 * sin(2 * M_PI * 0.3 * t + 0.3) + 2 * sin(2 * M_PI * 1.2 * t + 1.0);
		double y = 3 * sin(2 * M_PI * 0.6 * t + 2.0);
		fprintf(f, "%.2f,%.6f,%.6f\n", t, x, y);
	}
	fclose(f);
}

/* A random walk, independent steps of 0.5 mm (ML) and 0.3 mm (AP) SD per
 * sample, 120 s at 100 Hz: D = σ²·fs/2 = 12.5 and 4.5 mm²/s, H = 0.5. */
static void walk(const char *dir)
{
	FILE *f = open_out(dir, "walk_ml0.5_ap0.3.csv");
	rng g;
	rng_seed(&g, 1993);
	double x = 0, y = 0;
	fprintf(f, "t,cop_x,cop_y\n");
	for (int i = 0; i <= 12000; i++) {
		fprintf(f, "%.2f,%.6f,%.6f\n", i / 100.0, x, y);
		x += 0.5 * rng_normal(&g);
		y += 0.3 * rng_normal(&g);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	circle(dir, "circle_r10_f0.5.csv", 1, "mm");
	circle(dir, "circle_r10_f0.5_cm.csv", 10, "cm");
	circle_jitter(dir);
	line(dir);
	noise(dir);
	circle_short(dir);
	sines(dir);
	walk(dir);
	return 0;
}
