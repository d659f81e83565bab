/* `poise metrics` on the synthetic recordings in tests/data: the analytic
 * answers within 0.5 %, and the stated error for every kind of bad file. */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "test_assert.h"

#include "test_util.h"

#define TOL 0.005 /* 0.5 % */

typedef struct expect {
	const char *key;
	double value;
} expect;

static char *metrics_json(const char *file, const char *opts)
{
	char *out = NULL, *err = NULL;
	int rc = tu_run(&out, &err, "%s metrics --json %s %s/%s", POISE_BIN, opts, POISE_TEST_DATA, file);
	if (rc != 0)
		fail_msg("poise metrics %s exited %d: %s", file, rc, err ? err : "");
	free(err);
	assert_int_equal(tu_lines(out), 1); /* one flat object */
	return out;
}

static void check(const char *file, const char *opts, const expect *e, size_t n)
{
	char *json = metrics_json(file, opts);
	for (size_t i = 0; i < n; i++) {
		double got = tu_json_num(json, e[i].key);
		double tol = e[i].value == 0 ? 1e-3 : fabs(e[i].value) * TOL;
		if (!(fabs(got - e[i].value) <= tol))
			fail_msg("%s %s: %s = %.6g, want %.6g", file, opts, e[i].key, got, e[i].value);
	}
	free(json);
}

/* Circle r = 10 mm at 0.5 Hz for 30 s at 100 Hz (3001 samples). */
static const expect circle[] = {
	{"n_samples", 3001},
	{"duration_s", 30},
	{"fs_hz", 100},
	{"mean_distance_mm", 10},
	{"rms_distance_mm", 10},
	{"rms_ml_mm", 7.0710678},
	{"rms_ap_mm", 7.0710678},
	{"range_ml_mm", 20},
	{"range_ap_mm", 20},
	{"path_length_mm", 942.47780},           /* 2πr·f·T */
	{"mean_velocity_mm_s", 31.415927},       /* 2πr·f */
	{"mean_velocity_ml_mm_s", 20},           /* 4r·f */
	{"mean_velocity_ap_mm_s", 20},
	{"ellipse95_area_mm2", 942.08},          /* 2π·F.05[2,2999]·r²/2, F = 2.99873 */
	{"sway_area_mm2_s", 157.07963},          /* πr²·f */
	{"mean_frequency_hz", 0.5},
};

static void circle_in_mm(void **state)
{
	(void)state;
	check("circle_r10_f0.5.csv", "", circle, sizeof circle / sizeof circle[0]);
	/* the centre is reported before it is removed */
	char *json = metrics_json("circle_r10_f0.5.csv", "");
	assert_double_equal(tu_json_num(json, "mean_ap_mm"), -20, 0.01);
	free(json);
}

static void circle_in_cm_with_units_option(void **state)
{
	(void)state;
	check("circle_r10_f0.5_cm.csv", "--units cm", circle, sizeof circle / sizeof circle[0]);
}

static void circle_sampled_at_jittered_times(void **state)
{
	(void)state;
	check("circle_r10_f0.5_jitter.csv", "", circle, sizeof circle / sizeof circle[0]);
}

static void circle_without_preprocessing(void **state)
{
	(void)state;
	check("circle_r10_f0.5.csv", "--resample none --lowpass none", circle,
	      sizeof circle / sizeof circle[0]);
}

static void straight_line(void **state)
{
	(void)state;
	/* A = 15 mm along the diagonal at 0.25 Hz for 40 s. */
	const expect e[] = {
		{"mean_distance_mm", 9.5492966},     /* 2A/π */
		{"rms_distance_mm", 10.606602},      /* A/√2 */
		{"rms_ml_mm", 7.5},
		{"rms_ap_mm", 7.5},
		{"range_ml_mm", 21.213203},          /* 2A/√2 */
		{"path_length_mm", 600},             /* 4A·f·T */
		{"mean_velocity_mm_s", 15},
		{"mean_velocity_ml_mm_s", 10.606602},
		{"ellipse95_area_mm2", 0},
		{"sway_area_mm2_s", 0},
		{"mean_frequency_hz", 0.25},
	};
	check("line_diag_a15_f0.25.csv", "", e, sizeof e / sizeof e[0]);
}

static void white_noise(void **state)
{
	(void)state;
	/* σ = 5 mm per axis exactly, axes uncorrelated; no low-pass, since a
	 * filter would change white noise. */
	const expect exact[] = {
		{"rms_ml_mm", 5},
		{"rms_ap_mm", 5},
		{"rms_distance_mm", 7.0710678},
		{"ellipse95_area_mm2", 470.68},      /* 2π·F.05[2,11999]·σ², F = 2.9961 */
		{"mean_distance_mm", 6.2665707},     /* σ√(π/2), Rayleigh */
		{"mean_velocity_mm_s", 886.22693},   /* σ√π·fs */
		{"mean_velocity_ml_mm_s", 564.18958},/* 2σ/√π·fs */
	};
	check("noise_white_sd5.csv", "--lowpass none", exact, sizeof exact / sizeof exact[0]);
}

/* True when json holds "key": null. */
static bool json_null(const char *json, const char *key)
{
	char pat[128];
	snprintf(pat, sizeof pat, "\"%s\": null", key);
	return strstr(json, pat) != NULL;
}

/* got within rel of want, or fail naming the key. */
static void near(const char *json, const char *key, double want, double rel)
{
	double got = tu_json_num(json, key);
	if (!(fabs(got - want) <= fabs(want) * rel))
		fail_msg("%s = %.6g, want %.6g ± %.1f %%", key, got, want, 100 * rel);
}

static void within(const char *json, const char *key, double lo, double hi)
{
	double got = tu_json_num(json, key);
	if (!(got > lo && got < hi))
		fail_msg("%s = %.6g, want it in (%g, %g)", key, got, lo, hi);
}

static void spectra_of_a_sum_of_sines(void **state)
{
	(void)state;
	/* ML: 4 mm at 0.3 Hz + 2 mm at 1.2 Hz (8 + 2 mm²), AP: 3 mm at 0.6 Hz
	 * (4.5 mm²); after the default preprocessing, within 2 %. Centroid
	 * √(Σ P·f²/Σ P) = 0.6 Hz and dispersion √(1 − m1²/(m0·m2)) = 0.6 for ML;
	 * 50 % of ML's power lies in the 0.3 Hz line's window lobe, 95 % in
	 * the 1.2 Hz one's. */
	char *json = metrics_json("sines_0.3_1.2.csv", "");
	near(json, "total_power_ml_mm2", 10, 0.02);
	near(json, "total_power_ap_mm2", 4.5, 0.02);
	near(json, "centroid_frequency_ml_hz", 0.6, 0.02);
	near(json, "frequency_dispersion_ml", 0.6, 0.02);
	near(json, "centroid_frequency_ap_hz", 0.6, 0.02);
	near(json, "f50_ap_hz", 0.6, 0.02);
	near(json, "frequency_mode_ml_hz", 0.3, 0.02);
	within(json, "f50_ml_hz", 0.3, 0.35);
	within(json, "f95_ml_hz", 1.2, 1.25);
	near(json, "welch_segment_s", 10, 0);
	assert_non_null(strstr(json, "\"welch_window\": \"hann\""));
	assert_non_null(strstr(json, "\"welch_detrend\": \"linear\""));
	free(json);
	/* a 20 s segment narrows the lobes: f50 comes closer to 0.3 Hz */
	json = metrics_json("sines_0.3_1.2.csv", "--welch-segment 20 --welch-overlap 0.75");
	within(json, "f50_ml_hz", 0.3, 0.32);
	near(json, "total_power_ml_mm2", 10, 0.02);
	free(json);
}

static void diffusion_of_a_random_walk(void **state)
{
	(void)state;
	/* Steps of 0.5 and 0.3 mm at 100 Hz: D = 12.5 and 4.5 mm²/s, H = 0.5.
	 * One 120 s record gives the short-term slope to about ±25 % (its
	 * long lags are few; tests/test_sda.c averages records and holds
	 * 3 %). No low-pass: it would smooth the steps. */
	char *json = metrics_json("walk_ml0.5_ap0.3.csv", "--lowpass none");
	near(json, "sda_ds_ml_mm2_s", 12.5, 0.3);
	near(json, "sda_ds_ap_mm2_s", 4.5, 0.3);
	near(json, "sda_ds_planar_mm2_s", 17, 0.3);
	near(json, "sda_hs_ml", 0.5, 0.2);
	near(json, "sda_hs_ap", 0.5, 0.2);
	near(json, "sda_max_lag_s", 10, 0);
	free(json);
}

static void a_short_recording_gives_nulls_not_nan(void **state)
{
	(void)state;
	/* 4 s: no spectrum, no diffusion plot; every other measure is there. */
	char *json = metrics_json("circle_r10_f0.5_4s.csv", "");
	static const char *const nulls[] = {
		"total_power_ml_mm2", "f50_ap_hz", "f95_rd_hz", "centroid_frequency_ml_hz",
		"frequency_dispersion_ap", "sda_ds_ml_mm2_s", "sda_hl_planar", "sda_tc_ap_s",
	};
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		if (!json_null(json, nulls[i]))
			fail_msg("%s should be null in %s", nulls[i], json);
	near(json, "range_mm", 20, 0.005);
	near(json, "mean_velocity_mm_s", 31.415927, 0.005);
	free(json);
	char *out = NULL;
	assert_int_equal(tu_run(&out, NULL, "%s metrics %s/circle_r10_f0.5_4s.csv", POISE_BIN, POISE_TEST_DATA), 0);
	assert_non_null(strstr(out, "n/a"));
	assert_non_null(strstr(out, "no spectra"));
	assert_non_null(strstr(out, "no diffusion analysis"));
	free(out);
	/* no file's JSON holds NaN or infinity */
	static const char *const files[] = {
		"circle_r10_f0.5.csv", "line_diag_a15_f0.25.csv", "noise_white_sd5.csv",
		"circle_r10_f0.5_4s.csv", "sines_0.3_1.2.csv", "walk_ml0.5_ap0.3.csv",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		json = metrics_json(files[i], "");
		for (char *c = json; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (strstr(json, "nan") || strstr(json, "inf"))
			fail_msg("%s: %s", files[i], json);
		free(json);
	}
}

static void table_output_lists_every_metric(void **state)
{
	(void)state;
	char *out = NULL;
	int rc = tu_run(&out, NULL, "%s metrics %s/circle_r10_f0.5.csv", POISE_BIN, POISE_TEST_DATA);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "95% confidence ellipse area"));
	assert_non_null(strstr(out, "Mean frequency"));
	assert_non_null(strstr(out, "low-pass 10 Hz"));
	assert_non_null(strstr(out, "Total power, ML"));
	assert_non_null(strstr(out, "Diffusion, short-term, planar"));
	assert_non_null(strstr(out, "band 0.15–5 Hz"));
	free(out);
}

static void bad_files(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		const char *says; /* after "FILE:" */
	} bad[] = {
		{"bad_missing_column.csv", ":1: missing column 'cop_y'"},
		{"bad_non_numeric.csv", ":4: column 'cop_x': 'abc' is not a number"},
		{"bad_non_increasing.csv", ":5: time 0.02 s is not after the previous row's 0.02 s"},
		{"bad_nan.csv", ":3: column 'cop_y' is NaN"},
		{"bad_short.csv", ":152: only 1.5 s of data"},
		{"bad_empty.csv", ":1: empty file"},
		{"bad_too_few_fields.csv", ":8: 2 fields, but the header has 3"},
		{"no_such_file.csv", ": cannot read: No such file or directory"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *out = NULL, *err = NULL;
		int rc = tu_run(&out, &err, "%s metrics --json %s/%s", POISE_BIN, POISE_TEST_DATA, bad[i].file);
		char want[256];
		snprintf(want, sizeof want, "%s/%s%s", POISE_TEST_DATA, bad[i].file, bad[i].says);
		if (rc != 2 || !strstr(err, want) || tu_lines(err) != 1 || out[0])
			fail_msg("%s: exit %d, stdout '%s', stderr '%s'; want exit 2 and '%s'", bad[i].file,
			         rc, out, err, want);
		free(out);
		free(err);
	}
}

/* Writes text (len bytes, NULs allowed) to dir/name; returns the path. */
static char *write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char *path = malloc(600);
	snprintf(path, 600, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

/* Runs `poise metrics [--json] path` under a time and memory limit and
 * wants exit 2 and one line on stderr naming the file and saying says. */
static void refused(const char *path, const char *says)
{
	char *out = NULL, *err = NULL;
	/* A memory limit, so a regression fails fast instead of eating the
	 * machine (not under AddressSanitizer, which reserves terabytes of
	 * address space for itself). */
	const char *limit = getenv("ASAN_OPTIONS") ? "" : "ulimit -v 2000000; ";
	int rc = tu_run(&out, &err, "%stimeout 20 %s metrics --json '%s'", limit, POISE_BIN, path);
	if (rc != 2 || !strstr(err, path) || !strstr(err, says) || tu_lines(err) != 1 || out[0])
		fail_msg("%s: exit %d, stdout '%.80s', stderr '%s'; want exit 2, one line with '%s'", path, rc,
		         out, err, says);
	free(out);
	free(err);
}

/* Hostile files found by hand (the CSV reader will be fuzzed too): each
 * used to crash, hang, eat memory or say something wrong; one test each. */
static void hostile(const char *name, const char *text, size_t len, const char *says)
{
	char *dir = tu_mkdtemp();
	assert_non_null(dir);
	char *p = write_file(dir, name, text, len);
	refused(p, says);
	free(p);
	tu_rmdir(dir);
}

/* A valid 4-row file whose time span wrapped the resampler's buffer size
 * (a write past an 8-byte allocation, or "out of memory"). */
static void hostile_span_wraps_the_buffer_size(void **state)
{
	(void)state;
	const char t[] = "t,cop_x,cop_y\n0,1,2\n1,2,3\n2,3,1\n1e17,1,1\n";
	hostile("wrap.csv", t, sizeof t - 1, "span");
}

/* 46 bytes spanning a million seconds: 10^8 samples, 3 GB, minutes. */
static void hostile_span_of_a_million_seconds(void **state)
{
	(void)state;
	const char t[] = "t,cop_x,cop_y\n0,0,0\n1,1,1\n2,0,1\n1000000,10,20\n";
	assert_int_equal(sizeof t - 1, 46);
	hostile("span.csv", t, sizeof t - 1, "span 1e+06 s");
}

/* A NUL byte in a cell was read as the end of the number. */
static void hostile_nul_byte_in_a_cell(void **state)
{
	(void)state;
	const char t[] = "t,cop_x,cop_y\n0,1,2\n1,2,3\n2,3\0" "9,1\n3,1,1\n";
	hostile("nul.csv", t, sizeof t - 1, ":4: column 'cop_x' holds a NUL byte");
}

/* A FIFO was waited on for ever. */
static void hostile_fifo(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp();
	assert_non_null(dir);
	char fifo[600];
	snprintf(fifo, sizeof fifo, "%s/pipe.csv", dir ? dir : ".");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	refused(fifo, "a FIFO (named pipe), not a regular file");
	tu_rmdir(dir);
}

/* /dev/null was "a directory"; a directory is one. */
static void hostile_device_and_directory(void **state)
{
	(void)state;
	refused("/dev/null", "a character device");
	char *dir = tu_mkdtemp();
	assert_non_null(dir);
	refused(dir, "a directory");
	tu_rmdir(dir);
}

/* Values so large that sums overflow: the JSON stays JSON, with null for
 * whatever is not a finite number (never a bare inf or nan). */
static void extreme_values_give_valid_json(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp();
	assert_non_null(dir);
	char text[20000];
	size_t n = (size_t)snprintf(text, sizeof text, "t,cop_x,cop_y\n");
	for (int i = 0; i < 400; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%.2f,%s,%g\n", i * 0.01,
		                      i % 2 ? "1e200" : "-1e200", 1e-300 * i);
	char *p = write_file(dir, "extreme.csv", text, n);
	const char *opts[] = {"", "--resample none --lowpass none"};
	for (int k = 0; k < 2; k++) {
		char *out = NULL, *err = NULL;
		int rc = tu_run(&out, &err, "%s metrics --json %s '%s'", POISE_BIN, opts[k], p);
		if (rc == 0) {
			/* Outside strings, no token of letters but null. */
			bool in_str = false;
			for (const char *c = out; *c; c++) {
				if (*c == '"' && c[-1] != '\\')
					in_str = !in_str;
				else if (!in_str && isalpha((unsigned char)*c) && *c != 'e' && *c != 'E') {
					if (strncmp(c, "null", 4) != 0)
						fail_msg("%s: not JSON near '%.20s'", opts[k], c);
					c += 3;
				}
			}
		} else if (rc != 2 || tu_lines(err) != 1) {
			fail_msg("%s: exit %d, stderr '%s'", opts[k], rc, err);
		}
		free(out);
		free(err);
	}
	free(p);
	tu_rmdir(dir);
}

static void usage_errors(void **state)
{
	(void)state;
	static const char *const args[] = {
		"metrics --bogus x.csv",
		"metrics",
		"metrics a.csv b.csv",
		"metrics --units inch " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --resample -5 " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --lowpass 60 " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --lowpass",
		"metrics --welch-window kaiser " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --welch-detrend cubic " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --welch-overlap 1 " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --welch-segment 0 " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --band 5-1 " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --band 0.15-60 " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"metrics --sda-max-lag -1 " POISE_TEST_DATA "/circle_r10_f0.5.csv",
		"--frobnicate",
		"frobnicate",
	};
	for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
		char *out = NULL, *err = NULL;
		int rc = tu_run(&out, &err, "%s %s", POISE_BIN, args[i]);
		if (rc != 2 || !err[0] || out[0])
			fail_msg("poise %s: exit %d, stderr '%s'", args[i], rc, err);
		free(out);
		free(err);
	}
	char *err = NULL;
	assert_int_equal(tu_run(NULL, &err, "%s metrics --bogus x.csv", POISE_BIN), 2);
	assert_non_null(strstr(err, "usage: poise metrics"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(circle_in_mm),
		cmocka_unit_test(circle_in_cm_with_units_option),
		cmocka_unit_test(circle_sampled_at_jittered_times),
		cmocka_unit_test(circle_without_preprocessing),
		cmocka_unit_test(straight_line),
		cmocka_unit_test(white_noise),
		cmocka_unit_test(spectra_of_a_sum_of_sines),
		cmocka_unit_test(diffusion_of_a_random_walk),
		cmocka_unit_test(a_short_recording_gives_nulls_not_nan),
		cmocka_unit_test(table_output_lists_every_metric),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(hostile_span_wraps_the_buffer_size),
		cmocka_unit_test(hostile_span_of_a_million_seconds),
		cmocka_unit_test(hostile_nul_byte_in_a_cell),
		cmocka_unit_test(hostile_fifo),
		cmocka_unit_test(hostile_device_and_directory),
		cmocka_unit_test(extreme_values_give_valid_json),
		cmocka_unit_test(usage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
