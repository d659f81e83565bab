/* Helpers shared by the fuzz targets (fuzz.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
	abort();
}

static char tmp_dir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tmpdir(void)
{
	if (tmp_dir[0])
		nftw(tmp_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_tmpdir(void)
{
	if (!tmp_dir[0]) {
		snprintf(tmp_dir, sizeof tmp_dir, "/tmp/poise-fuzz-XXXXXX");
		if (!mkdtemp(tmp_dir)) {
			perror("mkdtemp");
			abort();
		}
		atexit(rm_tmpdir);
	}
	return tmp_dir;
}

void fuzz_quiet(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* stdout: the code's results. stderr: its messages go to a stream on
	 * /dev/null; fd 2 stays for the fuzzer's and the sanitizers' reports. */
	dup2(fd, STDOUT_FILENO);
	FILE *null = fdopen(fd, "w");
	if (null)
		stderr = null;
}
