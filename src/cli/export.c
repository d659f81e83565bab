/* `poise export`: a patient's recordings as CSV/JSON files. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "store/export.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: poise [--db PATH] export --patient CODE [--session ID] --format csv|json -o DIR\n"
	      "\n"
	      "Writes the patient's trials (all sessions, or one) into DIR: per trial the\n"
	      "samples as CSV (t in s, cop_x and cop_y in mm, forces in N; `poise metrics`\n"
	      "reads it directly), and the metrics and events as CSV (csv) or in one JSON\n"
	      "file per trial (json); README.txt in DIR describes every column. Trials\n"
	      "recorded on the simulated plate are marked: simulated = 1 on every CSV row,\n"
	      "\"simulated\": true in the JSON. Files are readable by you only (mode 0600).\n"
	      "Works while a recording is running.\n",
	      f);
}

const cli_opts cli_export_opts = {
	":ho:",
	(const struct option[]){
		{"patient", required_argument, NULL, 'P'},
		{"session", required_argument, NULL, 'S'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

int cli_export(const cli_global *g, int argc, char **argv)
{
	const char *code = NULL, *dir = NULL, *format = NULL;
	long long session = 0;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = cli_getopt(argc, argv, &cli_export_opts)) != -1) {
		char *end;
		switch (c) {
		case 'P':
			code = optarg;
			break;
		case 'S':
			errno = 0;
			session = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || session <= 0) {
				fprintf(stderr, "poise export: --session wants a session number, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'f':
			format = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_OK;
		default: /* ':' (a value is missing) or '?' */
			return cli_bad_option("export", c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "poise export: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	const char *missing = !code ? "--patient CODE" : !format ? "--format csv|json"
	                    : !dir ? "-o DIR" : NULL;
	if (missing) {
		fprintf(stderr, "poise export: %s is needed\n", missing);
		usage(stderr);
		return CLI_USAGE;
	}
	enum store_export_format fmt;
	if (strcmp(format, "csv") == 0)
		fmt = STORE_EXPORT_CSV;
	else if (strcmp(format, "json") == 0)
		fmt = STORE_EXPORT_JSON;
	else {
		fprintf(stderr, "poise export: --format wants csv or json, not '%s'\n", format);
		return CLI_USAGE;
	}
	store *s;
	int code_rc = cli_open_store(g, "export", STORE_READ_ONLY, &s);
	if (code_rc)
		return code_rc;
	store_export_result res;
	int rc = store_export(s, code, session, fmt, dir, &res);
	if (rc) {
		fprintf(stderr, "poise export: %s\n", store_errmsg(s));
		store_close(s);
		/* not found, or a link/FIFO/device/folder at a file's name */
		return rc == POISE_E_NOT_FOUND || rc == POISE_E_INVALID ? CLI_USAGE : CLI_FAIL;
	}
	store_close(s);
	if (res.trials == 0)
		printf("patient %s has no recorded trials%s; wrote only %s/README.txt\n", code,
		       session ? " in that session" : "", dir);
	else
		printf("exported %zu trial%s of patient %s (%zu files) to %s\n", res.trials,
		       res.trials == 1 ? "" : "s", code, res.files, dir);
	return CLI_OK;
}
