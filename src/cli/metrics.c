/* `poise metrics FILE.csv`: posturography metrics of a COP CSV: the static
 * set (met_static_fields(), the one the database and the report keep) and
 * the extended set (met_ext_fields(): spectra, diffusion, more time-domain
 * measures). A number the recording cannot give (NaN: too short for a
 * spectrum or a diffusion plot, no power, no peaks) prints as null in JSON
 * and n/a in the table, never as NaN. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/analysis.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/metrics.h"
#include "core/metrics_ext.h"

#define MIN_DURATION_S 2.0

static void usage(FILE *f)
{
	fputs("usage: poise metrics FILE.csv [--json] [--resample HZ|none] [--lowpass HZ|none]\n"
	      "                     [--units mm|cm|m] [--welch-segment S] [--welch-overlap F]\n"
	      "                     [--welch-window hann|hamming|rect]\n"
	      "                     [--welch-detrend none|mean|linear] [--band LO-HI]\n"
	      "                     [--sda-max-lag S]\n"
	      "\n"
	      "Posturography metrics of a centre-of-pressure recording: static measures\n"
	      "(Prieto et al. 1996), Welch spectra, stabilogram diffusion (Collins & De\n"
	      "Luca 1993) and the further measures of Quijoux et al. 2021. The CSV needs a\n"
	      "header naming t (seconds), cop_x (medio-lateral) and cop_y\n"
	      "(antero-posterior); other columns are ignored. A measure the recording is\n"
	      "too short for is null (n/a in the table).\n"
	      "\n"
	      "  --json            one flat JSON object instead of a table\n"
	      "  --resample HZ     resample onto HZ first (default 100); none: as recorded\n"
	      "  --lowpass HZ      zero-phase Butterworth low-pass, 2nd order run forward\n"
	      "                    and backward (default 10); none: no filter\n"
	      "  --units U         unit of cop_x/cop_y in the file (default mm)\n"
	      "  --welch-segment S Welch segment length in seconds (default 10)\n"
	      "  --welch-overlap F fraction shared by neighbouring segments (default 0.5)\n"
	      "  --welch-window W  taper of each segment (default hann)\n"
	      "  --welch-detrend D removed from each segment (default linear)\n"
	      "  --band LO-HI      band of the spectral measures in Hz (default 0.15-5)\n"
	      "  --sda-max-lag S   longest interval of the diffusion plot (default 10)\n",
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

static const char *const window_names[] = {[PSD_HANN] = "hann", [PSD_HAMMING] = "hamming",
                                           [PSD_RECT] = "rect"};
static const char *const detrend_names[] = {[PSD_DETREND_NONE] = "none",
                                            [PSD_DETREND_MEAN] = "mean",
                                            [PSD_DETREND_LINEAR] = "linear"};

/* Index of s in names[0..n), or −1. */
static int name_index(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* Parses "LO-HI" with 0 ≤ LO < HI. */
static bool parse_band(const char *s, double *lo, double *hi)
{
	char *end;
	errno = 0;
	double a = strtod(s, &end);
	if (errno || end == s || *end != '-')
		return false;
	const char *b = end + 1;
	double c = strtod(b, &end);
	if (errno || end == b || *end || !(a >= 0) || !(c > a) || !isfinite(c))
		return false;
	*lo = a;
	*hi = c;
	return true;
}

/* Parses a number in (lo, hi) (lo itself allowed when lo_ok). */
static bool parse_num(const char *s, double lo, bool lo_ok, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(lo_ok ? v >= lo : v > lo) || !(v < hi))
		return false;
	*out = v;
	return true;
}

static void print_row(const met_field *f, double v)
{
	if (isfinite(v))
		printf("  %-44s %12.4f%s%s\n", f->label, v, f->unit[0] ? " " : "", f->unit);
	else
		printf("  %-44s %12s\n", f->label, "n/a");
}

static void print_table(const char *path, const met_static *m, const met_ext *e,
                        const ana_cfg *ac, const met_ext_cfg *ec)
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
		print_row(&f[i], met_field_value(m, &f[i]));
	printf("\nspectra: Welch, %g s %s segments, %g %% overlap, %s detrend; band %g–%g Hz\n"
	       "diffusion: plot to %g s (at most a third of the record), break searched in %g–%g s\n\n",
	       ec->psd.segment_s, window_names[ec->psd.window], 100 * ec->psd.overlap,
	       detrend_names[ec->psd.detrend], ec->psd.band_lo_hz, ec->psd.band_hi_hz,
	       ec->sda.max_lag_s, ec->sda.break_min_s, ec->sda.break_max_s);
	f = met_ext_fields(&nf);
	for (size_t i = 0; i < nf; i++)
		print_row(&f[i], met_ext_field_value(e, &f[i]));
	if (!isfinite(e->psd_ml.total_power_mm2))
		printf("\nno spectra: a segment must last at least 1/%g Hz = %.3g s\n", ec->psd.band_lo_hz,
		       1 / ec->psd.band_lo_hz);
	if (!isfinite(e->sda_ml.ds_mm2_s))
		printf("%sno diffusion analysis: the plot must reach %g s, so the record must last %g s\n",
		       isfinite(e->psd_ml.total_power_mm2) ? "\n" : "", 2 * ec->sda.break_max_s,
		       6 * ec->sda.break_max_s);
}

/* A number, or null when it is not finite (NaN never reaches JSON). */
static void json_num(const char *key, double v)
{
	if (isfinite(v))
		printf(", \"%s\": %.10g", key, v);
	else
		printf(", \"%s\": null", key);
}

static void print_json(const char *path, const met_static *m, const met_ext *e,
                       const ana_cfg *ac, const met_ext_cfg *ec)
{
	printf("{\"file\": ");
	cli_json_string(stdout, path);
	printf(", \"n_samples\": %zu", m->n_samples);
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	for (size_t i = 0; i < nf; i++)
		json_num(f[i].key, met_field_value(m, &f[i]));
	f = met_ext_fields(&nf);
	for (size_t i = 0; i < nf; i++)
		json_num(f[i].key, met_ext_field_value(e, &f[i]));
	json_num("resample_hz", ac->resample_hz > 0 ? ac->resample_hz : NAN);
	json_num("lowpass_hz", ac->lowpass_hz > 0 ? ac->lowpass_hz : NAN);
	json_num("welch_segment_s", ec->psd.segment_s);
	json_num("welch_overlap", ec->psd.overlap);
	printf(", \"welch_window\": \"%s\", \"welch_detrend\": \"%s\"", window_names[ec->psd.window],
	       detrend_names[ec->psd.detrend]);
	json_num("band_lo_hz", ec->psd.band_lo_hz);
	json_num("band_hi_hz", ec->psd.band_hi_hz);
	json_num("sda_max_lag_s", ec->sda.max_lag_s);
	printf("}\n");
}

#define READ_CHUNK (256 * 1024)

/* Reads the COP CSV at path piece by piece (the file is never held whole
 * in memory). CLI_OK with *out filled, or CLI_USAGE / CLI_FAIL after one
 * line on stderr naming the file (and the line) and the problem. */
static int read_csv(const char *path, double mm_per_unit, csv_cop *out)
{
	char msg[256];
	int fd = cli_open_regular(path, msg, sizeof msg);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot read: %s\n", path, msg);
		return CLI_USAGE;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	char *buf = malloc(READ_CHUNK);
	csv_cop_reader *r = NULL;
	csv_error err = {0};
	int rc = buf ? csv_cop_reader_create(&r, mm_per_unit) : POISE_E_NOMEM;
	while (rc == POISE_OK) {
		ssize_t k = read(fd, buf, READ_CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
			rc = POISE_E_IO;
			break;
		}
		rc = k == 0 ? csv_cop_reader_finish(r, out, &err) : csv_cop_reader_feed(r, buf, (size_t)k, &err);
		if (k == 0)
			break;
	}
	if (rc == POISE_E_NOMEM && !r)
		fprintf(stderr, "%s: out of memory\n", path);
	else if (rc && rc != POISE_E_IO) {
		if (err.line)
			fprintf(stderr, "%s:%zu: %s\n", path, err.line, err.msg);
		else
			fprintf(stderr, "%s: %s\n", path, err.msg);
	}
	csv_cop_reader_destroy(r);
	free(buf);
	close(fd);
	if (rc == POISE_OK)
		return CLI_OK;
	return rc == POISE_E_NOMEM || rc == POISE_E_IO ? CLI_FAIL : CLI_USAGE;
}

const cli_opts cli_metrics_opts = {
	":h",
	(const struct option[]){
		{"json", no_argument, NULL, 'j'},
		{"resample", required_argument, NULL, 'r'},
		{"lowpass", required_argument, NULL, 'l'},
		{"units", required_argument, NULL, 'u'},
		{"welch-segment", required_argument, NULL, 'S'},
		{"welch-overlap", required_argument, NULL, 'O'},
		{"welch-window", required_argument, NULL, 'W'},
		{"welch-detrend", required_argument, NULL, 'D'},
		{"band", required_argument, NULL, 'B'},
		{"sda-max-lag", required_argument, NULL, 'L'},
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
	met_ext_cfg ec;
	met_ext_cfg_default(&ec);
	double mm_per_unit = 1;
	int k;
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
		case 'S':
			if (!parse_num(optarg, 0, false, 3600, &ec.psd.segment_s)) {
				fprintf(stderr, "poise metrics: --welch-segment wants seconds, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'O':
			if (!parse_num(optarg, 0, true, 1, &ec.psd.overlap)) {
				fprintf(stderr, "poise metrics: --welch-overlap wants a fraction from 0 to below 1, not '%s'\n",
				        optarg);
				return CLI_USAGE;
			}
			break;
		case 'W':
			if ((k = name_index(optarg, window_names, 3)) < 0) {
				fprintf(stderr, "poise metrics: --welch-window wants hann, hamming or rect, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			ec.psd.window = (enum psd_window)k;
			break;
		case 'D':
			if ((k = name_index(optarg, detrend_names, 3)) < 0) {
				fprintf(stderr, "poise metrics: --welch-detrend wants none, mean or linear, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			ec.psd.detrend = (enum psd_detrend)k;
			break;
		case 'B':
			if (!parse_band(optarg, &ec.psd.band_lo_hz, &ec.psd.band_hi_hz)) {
				fprintf(stderr, "poise metrics: --band wants LO-HI in Hz (e.g. 0.15-5), not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'L':
			if (!parse_num(optarg, 0, false, 3600, &ec.sda.max_lag_s)) {
				fprintf(stderr, "poise metrics: --sda-max-lag wants seconds, not '%s'\n", optarg);
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
	csv_cop cop;
	int code = read_csv(path, mm_per_unit, &cop);
	if (code != CLI_OK)
		return code;
	double dur = cop.t_s[cop.n - 1] - cop.t_s[0];
	if (dur < MIN_DURATION_S) {
		fprintf(stderr, "%s:%zu: only %.3g s of data (lines %zu to %zu); at least %.0f s are needed\n",
		        path, cop.last_line, dur, cop.first_line, cop.last_line, MIN_DURATION_S);
		code = CLI_USAGE;
		goto out;
	}
	size_t n_grid;
	if (ana_check_span(cop.t_s, cop.n, &ac, &n_grid) != POISE_OK) {
		fprintf(stderr, "%s: the times of lines %zu to %zu span %.6g s for only %zu rows: resampled at "
		        "%g Hz that would make %.3g samples (at most %d per row or %.0e are made); a recording "
		        "with gaps this long, or times in the wrong unit, cannot be analysed\n",
		        path, cop.first_line, cop.last_line, dur, cop.n, ac.resample_hz, dur * ac.resample_hz,
		        ANA_GRID_PER_SAMPLE, (double)ANA_GRID_MIN);
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
	if (ec.psd.band_hi_hz > fs / 2) {
		fprintf(stderr, "%s: a band up to %g Hz needs a sample rate above %g Hz (the data are at %.4g Hz)\n",
		        path, ec.psd.band_hi_hz, 2 * ec.psd.band_hi_hz, fs);
		code = CLI_USAGE;
		goto out;
	}
	met_static m;
	met_ext e;
	/* The parsed arrays go to the analysis, which reuses them in place. */
	int rc = ana_all_metrics_owned(cop.t_s, cop.x_mm, cop.y_mm, cop.n, &ac, &ec, &m, &e);
	cop = (csv_cop){0};
	if (rc) {
		fprintf(stderr, "%s: cannot compute metrics: %s\n", path, poise_strerror(rc));
		code = rc == POISE_E_NOMEM ? CLI_FAIL : CLI_USAGE;
		goto out;
	}
	if (json)
		print_json(path, &m, &e, &ac, &ec);
	else
		print_table(path, &m, &e, &ac, &ec);
out:
	csv_cop_free(&cop);
	return code;
}
