/* `poise metrics FILE.csv`: static posturography metrics of a COP CSV. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/analysis.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/metrics.h"

#define MIN_DURATION_S 2.0

static void usage(FILE *f)
{
	fputs("usage: poise metrics FILE.csv [--json] [--resample HZ|none] [--lowpass HZ|none]\n"
	      "                     [--units mm|cm|m]\n"
	      "\n"
	      "Static posturography metrics (Prieto et al. 1996) of a centre-of-pressure\n"
	      "recording. The CSV needs a header naming t (seconds), cop_x (medio-lateral)\n"
	      "and cop_y (antero-posterior); other columns are ignored.\n"
	      "\n"
	      "  --json            one flat JSON object instead of a table\n"
	      "  --resample HZ     resample onto HZ first (default 100); none: as recorded\n"
	      "  --lowpass HZ      zero-phase Butterworth low-pass, 2nd order run forward\n"
	      "                    and backward (default 10); none: no filter\n"
	      "  --units U         unit of cop_x/cop_y in the file (default mm)\n",
	      f);
}

/* Parses "none" (→ 0) or a positive number up to max. */
static bool parse_hz(const char *s, double max, double *out)
{
	if (strcmp(s, "none") == 0) {
		*out = 0;
		return true;
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > max)
		return false;
	*out = v;
	return true;
}

static void print_table(const char *path, const met_static *m, const ana_cfg *ac)
{
	printf("%s: %zu samples over %.2f s at %.4g Hz\n", path, m->n_samples, m->duration_s, m->fs_hz);
	printf("preprocessing: ");
	if (ac->resample_hz > 0)
		printf("resampled to %g Hz, ", ac->resample_hz);
	else
		printf("not resampled, ");
	if (ac->lowpass_hz > 0)
		printf("low-pass %g Hz (2nd-order Butterworth, zero phase), ", ac->lowpass_hz);
	else
		printf("no low-pass, ");
	printf("mean removed\n\n");
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	for (size_t i = 0; i < nf; i++)
		printf("  %-30s %12.4f %s\n", f[i].label, met_field_value(m, &f[i]), f[i].unit);
}

static void print_json(const char *path, const met_static *m, const ana_cfg *ac)
{
	printf("{\"file\": ");
	cli_json_string(stdout, path);
	printf(", \"n_samples\": %zu", m->n_samples);
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	for (size_t i = 0; i < nf; i++)
		printf(", \"%s\": %.10g", f[i].key, met_field_value(m, &f[i]));
	if (ac->resample_hz > 0)
		printf(", \"resample_hz\": %g", ac->resample_hz);
	else
		printf(", \"resample_hz\": null");
	if (ac->lowpass_hz > 0)
		printf(", \"lowpass_hz\": %g", ac->lowpass_hz);
	else
		printf(", \"lowpass_hz\": null");
	printf("}\n");
}

const cli_opts cli_metrics_opts = {
	":h",
	(const struct option[]){
		{"json", no_argument, NULL, 'j'},
		{"resample", required_argument, NULL, 'r'},
		{"lowpass", required_argument, NULL, 'l'},
		{"units", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

int cli_metrics(const cli_global *g, int argc, char **argv)
{
	(void)g;
	bool json = false;
	ana_cfg ac;
	ana_cfg_default(&ac);
	double mm_per_unit = 1;
	optind = 0; /* 0, not 1: glibc re-initialises and permutes again */
	opterr = 0;
	int c;
	while ((c = cli_getopt(argc, argv, &cli_metrics_opts)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'r':
			if (!parse_hz(optarg, 100000, &ac.resample_hz)) {
				fprintf(stderr, "poise metrics: --resample wants a rate in Hz or 'none', not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'l':
			if (!parse_hz(optarg, 100000, &ac.lowpass_hz)) {
				fprintf(stderr, "poise metrics: --lowpass wants a cutoff in Hz or 'none', not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'u':
			if (strcmp(optarg, "mm") == 0)
				mm_per_unit = 1;
			else if (strcmp(optarg, "cm") == 0)
				mm_per_unit = 10;
			else if (strcmp(optarg, "m") == 0)
				mm_per_unit = 1000;
			else {
				fprintf(stderr, "poise metrics: --units wants mm, cm or m, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default: /* ':' (a value is missing) or '?' */
			cli_bad_option("metrics", c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "poise metrics: %s\n", optind >= argc ? "which CSV file?" : "one CSV file at a time");
		usage(stderr);
		return CLI_USAGE;
	}
	const char *path = argv[optind];
	size_t len;
	char *text = cli_read_file(path, &len);
	if (!text) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		return CLI_USAGE;
	}
	csv_cop cop;
	csv_error err;
	int rc = csv_cop_parse(text, len, mm_per_unit, &cop, &err);
	free(text);
	if (rc) {
		if (err.line)
			fprintf(stderr, "%s:%zu: %s\n", path, err.line, err.msg);
		else
			fprintf(stderr, "%s: %s\n", path, err.msg);
		return CLI_USAGE;
	}
	int code = CLI_OK;
	double dur = cop.t_s[cop.n - 1] - cop.t_s[0];
	if (dur < MIN_DURATION_S) {
		fprintf(stderr, "%s:%zu: only %.3g s of data (lines %zu to %zu); at least %.0f s are needed\n",
		        path, cop.last_line, dur, cop.first_line, cop.last_line, MIN_DURATION_S);
		code = CLI_USAGE;
		goto out;
	}
	double fs = ac.resample_hz > 0 ? ac.resample_hz : ana_median_rate_hz(cop.t_s, cop.n);
	if (ac.lowpass_hz > 0 && ac.lowpass_hz >= fs / 2) {
		fprintf(stderr, "%s: a %g Hz low-pass needs a sample rate above %g Hz (the data are at %.4g Hz)\n",
		        path, ac.lowpass_hz, 2 * ac.lowpass_hz, fs);
		code = CLI_USAGE;
		goto out;
	}
	met_static m;
	rc = ana_static_metrics(cop.t_s, cop.x_mm, cop.y_mm, cop.n, &ac, &m);
	if (rc) {
		fprintf(stderr, "%s: cannot compute metrics: %s\n", path, poise_strerror(rc));
		code = rc == POISE_E_NOMEM ? CLI_FAIL : CLI_USAGE;
		goto out;
	}
	if (json)
		print_json(path, &m, &ac);
	else
		print_table(path, &m, &ac);
out:
	csv_cop_free(&cop);
	return code;
}
