/* `poise metrics` on the synthetic recordings in tests/data: the analytic
 * answers within 0.5 %, and the stated error for every kind of bad file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
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

static void table_output_lists_every_metric(void **state)
{
	(void)state;
	char *out = NULL;
	int rc = tu_run(&out, NULL, "%s metrics %s/circle_r10_f0.5.csv", POISE_BIN, POISE_TEST_DATA);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "95% confidence ellipse area"));
	assert_non_null(strstr(out, "Mean frequency"));
	assert_non_null(strstr(out, "low-pass 10 Hz"));
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
		cmocka_unit_test(table_output_lists_every_metric),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(usage_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
