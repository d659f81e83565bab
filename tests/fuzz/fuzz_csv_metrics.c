/* Fuzz target: a CSV file through `poise metrics`, end to end (reading the
 * file, parsing it, resampling, filtering, every metric, the table or the
 * JSON), with the option switches chosen by the input's first two bytes.
 *
 * Input: byte 0 and 1 pick the options (bits below), the rest is the file.
 * Checks: the command returns 0 (metrics) or 2 (bad input), never 1 (a
 * runtime failure: out of memory counts as a finding). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fuzz.h"

static char csv_path[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(csv_path, sizeof csv_path, "%s/in.csv", fuzz_tmpdir());
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned a = data[0], b = data[1];
	FILE *f = fopen(csv_path, "wb");
	FUZZ_CHECK(f);
	fwrite(data + 2, 1, size - 2, f);
	fclose(f);

	static const char *const resample[] = {NULL, "none", "25", "1000"};
	static const char *const lowpass[] = {NULL, "none", "3", "20"};
	static const char *const units[] = {NULL, "cm", "m", "mm"};
	static const char *const window[] = {NULL, "hamming", "rect", "hann"};
	static const char *const detrend[] = {NULL, "none", "mean", "linear"};
	static const char *const segment[] = {NULL, "2", "0.5", "30"};
	static const char *const band[] = {NULL, "0-1", "0.5-12", "1e-3-2"};
	static const char *const lag[] = {NULL, "1", "0.1", "20"};
	char *argv[24];
	int argc = 0;
	argv[argc++] = "metrics";
#define OPT(name, table, v)                                                \
	do {                                                               \
		if (table[(v) & 3]) {                                      \
			argv[argc++] = name;                               \
			argv[argc++] = (char *)table[(v) & 3];             \
		}                                                          \
	} while (0)
	if (a & 1)
		argv[argc++] = "--json";
	OPT("--resample", resample, a >> 1);
	OPT("--lowpass", lowpass, a >> 3);
	OPT("--units", units, a >> 5);
	if (a & 0x80)
		argv[argc++] = "--welch-overlap=0.9";
	OPT("--welch-window", window, b);
	OPT("--welch-detrend", detrend, b >> 2);
	OPT("--welch-segment", segment, b >> 4);
	OPT("--band", band, b >> 6);
	OPT("--sda-max-lag", lag, (a ^ b) >> 3);
#undef OPT
	argv[argc++] = csv_path;
	argv[argc] = NULL;
	cli_global g = {0};
	int rc = cli_metrics(&g, argc, argv);
	fflush(stdout);
	FUZZ_CHECK(rc == CLI_OK || rc == CLI_USAGE);
	return 0;
}
