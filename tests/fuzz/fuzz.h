/* Poise fuzz targets: the entry points libFuzzer calls, and which the
 * standalone replay driver (driver.c) calls for builds without libFuzzer.
 *
 * Each tests/fuzz/fuzz_<target>.c defines LLVMFuzzerTestOneInput (one input:
 * the bytes are the target's, never kept after the call; returns 0) and may
 * define LLVMFuzzerInitialize (once, before the first input). A target
 * aborts (assert or abort()) when an invariant of the code under test is
 * broken, so a wrong answer is a finding like a crash. */
#ifndef POISE_FUZZ_H
#define POISE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with a message when cond is false (also in NDEBUG builds). */
#define FUZZ_CHECK(cond)                                                                 \
	do {                                                                                 \
		if (!(cond))                                                                     \
			fuzz_fail(__FILE__, __LINE__, #cond);                                        \
	} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* A private folder for the target's files (made once, removed at exit). */
const char *fuzz_tmpdir(void);

/* Sends the target's stdout and stderr (the code under test's messages) to
 * /dev/null; the fuzzer's and the sanitizers' reports still reach the
 * terminal. */
void fuzz_quiet(void);

#endif
