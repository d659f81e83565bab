/* `poise report`: a patient's sway report as a PDF (PNG pages, CSV). */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "report/report.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: poise [--db PATH] report --patient CODE [--session ID | --since YYYY-MM-DD]\n"
	      "                    -o FILE.pdf [--png DIR] [--dpi N] [--csv DIR]\n"
	      "\n"
	      "Writes the patient's sway report, an A4 PDF: the session's quiet-stance tests\n"
	      "(statokinesigram with the 95 % ellipse, stabilograms, metrics against the\n"
	      "previous session), the Romberg quotient, the limits of stability, the games\n"
	      "played, progress charts and the history of sessions, with a plain-language\n"
	      "summary. A session is a day's recordings. The numbers are the ones stored\n"
	      "with each trial. Every page that shows a number recorded on the simulated\n"
	      "plate carries a banner saying which (the CSV has a simulated column).\n"
	      "\n"
	      "  --patient CODE    the patient (poise patient list)\n"
	      "  --session ID      report the day of this session (and the days before it);\n"
	      "                    default: the latest day\n"
	      "  --since DATE      progress from this day on (YYYY-MM-DD, local time)\n"
	      "  -o, --output FILE the PDF to write (replaced if it exists; mode 0600)\n"
	      "  --png DIR         also every page as a PNG in DIR (CODE-page-N.png)\n"
	      "  --dpi N           PNG resolution (default 100)\n"
	      "  --csv DIR         also the numbers as CSV in DIR (CODE_report_metrics.csv,\n"
	      "                    CODE_report_comparison.csv)\n"
	      "\n"
	      "Files are written under a temporary name and renamed into place: a failure\n"
	      "leaves no partial file, and a link, FIFO, device or folder at an output's\n"
	      "name is never written through or replaced.\n"
	      "\n"
	      "Exit status: 0 written, 1 nothing to report or a file could not be written\n"
	      "(no partial file is left), 2 bad usage (an output that is not a file\n"
	      "included), unknown patient or session.\n",
	      f);
}

const cli_opts cli_report_opts = {
	":ho:",
	(const struct option[]){
		{"patient", required_argument, NULL, 'P'},
		{"session", required_argument, NULL, 'S'},
		{"since", required_argument, NULL, 's'},
		{"output", required_argument, NULL, 'o'},
		{"png", required_argument, NULL, 'p'},
		{"dpi", required_argument, NULL, 'r'},
		{"csv", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

int cli_report(const cli_global *g, int argc, char **argv)
{
	const char *code = NULL, *out = NULL, *png = NULL, *csv = NULL;
	report_sel sel = {0};
	double dpi = 0;
	optind = 0; /* a fresh scan: options may follow arguments */
	opterr = 0;
	int c;
	while ((c = cli_getopt(argc, argv, &cli_report_opts)) != -1) {
		char *end;
		switch (c) {
		case 'P':
			code = optarg;
			break;
		case 'S': {
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || v <= 0) {
				fprintf(stderr, "poise report: --session wants a session number, not '%s'\n",
				        optarg);
				return CLI_USAGE;
			}
			sel.session_id = v;
			break;
		}
		case 's':
			sel.since_date = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			png = optarg;
			break;
		case 'r':
			errno = 0;
			dpi = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(dpi >= 30 && dpi <= 600)) {
				fprintf(stderr, "poise report: --dpi wants 30-600, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'c':
			csv = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default: /* ':' (a value is missing) or '?' */
			return cli_bad_option("report", c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "poise report: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	const char *missing = !code ? "--patient CODE" : !out ? "-o FILE.pdf" : NULL;
	if (missing) {
		fprintf(stderr, "poise report: %s is needed\n", missing);
		usage(stderr);
		return CLI_USAGE;
	}
	if (sel.session_id && sel.since_date) {
		fprintf(stderr, "poise report: give --session or --since, not both\n");
		return CLI_USAGE;
	}

	store *s = NULL;
	int code_rc = cli_open_store(g, "report", STORE_READ_ONLY, &s);
	if (code_rc)
		return code_rc;
	char msg[1024];
	report_data d;
	int rc = report_load(s, code, &sel, &d, msg, sizeof msg);
	store_close(s);
	if (rc) {
		fprintf(stderr, "poise report: %s\n", msg);
		return rc == POISE_E_NOT_FOUND || rc == POISE_E_INVALID ? CLI_USAGE : CLI_FAIL;
	}
	report_opts o = {.png_dir = png, .png_dpi = dpi};
	report_result res = {0};
	rc = report_render(&d, &o, out, &res, msg, sizeof msg);
	int csv_files = 0;
	if (rc == POISE_OK && csv)
		rc = report_write_csv(&d, csv, &csv_files, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "poise report: %s\n", msg);
		report_data_free(&d);
		/* An output that names a folder, a link, a FIFO or a device is
		 * bad usage; a disk that fails is not. */
		return rc == POISE_E_INVALID || rc == POISE_E_EXISTS ? CLI_USAGE : CLI_FAIL;
	}
	printf("wrote %s: %d pages, patient %s, session of %s\n", out, res.pages, d.patient.code,
	       d.visits[d.current].date);
	if (png)
		printf("wrote %d PNG pages into %s\n", res.png_files, png);
	if (csv)
		printf("wrote %d CSV files into %s\n", csv_files, csv);
	report_data_free(&d);
	return CLI_OK;
}
