/* Fuzz target: the sysfs text the Wii Balance Board backend reads (the
 * capability bitmap, the kernel's calibration text, a battery capacity),
 * through the pure parsers in src/device/wbb_proto.h.
 *
 * Input: text (a NUL ends it early, as a C string read from a file would).
 * Checks: nothing is read past the text (ASan); an accepted calibration
 * text prints back to the same block; a percentage is 0..100 or -1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "device/wbb_proto.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	FUZZ_CHECK(text);
	memcpy(text, data, size);
	text[size] = 0;
	for (unsigned bit = 0; bit < 1100; bit += 7)
		(void)wbb_caps_has_bit(text, bit);
	uint8_t block[WBB_CALIB_LEN];
	if (wbb_calib_from_text(text, block) == POISE_OK) {
		char again[WBB_CALIB_LEN / 2 * 5 + 1];
		size_t k = 0;
		for (int i = 0; i < WBB_CALIB_LEN / 2; i++)
			k += (size_t)snprintf(again + k, sizeof again - k, "%s%04x", i ? ":" : "",
			                      (unsigned)(block[2 * i] << 8 | block[2 * i + 1]));
		uint8_t block2[WBB_CALIB_LEN];
		FUZZ_CHECK(wbb_calib_from_text(again, block2) == POISE_OK);
		FUZZ_CHECK(memcmp(block, block2, sizeof block) == 0);
		wbb_calib c;
		(void)wbb_parse_calib(block, sizeof block, &c, NULL);
	}
	int pct = wbb_percent_from_text(text);
	FUZZ_CHECK(pct >= -1 && pct <= 100);
	free(text);
	return 0;
}
