/* Fuzz target: what a Wii Balance Board sends (src/device/wbb_proto.h):
 * data reports, their extension bytes, the calibration block, and forces
 * computed from both.
 *
 * Input: the first 24 bytes are a calibration block, the rest a report
 * (report id first) and, read again, extension bytes.
 * Checks: a calibration that is accepted increases strictly per cell, so
 * every force computed with it is finite; a report's parse never reads
 * past its length (ASan). */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "device/wbb_proto.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wbb_calib cal;
	int bad = -2;
	size_t cl = size < WBB_CALIB_LEN ? size : WBB_CALIB_LEN;
	bool have_cal = wbb_parse_calib(data, cl, &cal, &bad) == POISE_OK;
	FUZZ_CHECK(have_cal ? bad == -1 || bad == -2 : bad >= -1 && bad < CELL_COUNT);
	if (have_cal)
		for (int c = 0; c < CELL_COUNT; c++)
			FUZZ_CHECK(cal.ref[c][0] < cal.ref[c][1] && cal.ref[c][1] < cal.ref[c][2]);
	const uint8_t *r = data + cl;
	size_t rn = size - cl;
	wbb_sample s;
	memset(&s, 0, sizeof s);
	if (wbb_parse_report(r, rn, &s) == POISE_OK && have_cal) {
		double n[CELL_COUNT], kg[CELL_COUNT];
		wbb_raw_to_n(&cal, s.raw, n);
		wbb_raw_to_kg(&cal, s.raw, kg);
		for (int c = 0; c < CELL_COUNT; c++)
			FUZZ_CHECK(isfinite(n[c]) && isfinite(kg[c]));
		(void)wbb_battery_low(s.battery);
	}
	if (wbb_parse_ext(r, rn, &s) == POISE_OK)
		FUZZ_CHECK(rn >= 8);
	cop_plate plate;
	double depth = rn >= 2 ? (double)(r[0] | r[1] << 8) / 100.0 : 0;
	if (wbb_plate(depth, &plate) == POISE_OK)
		FUZZ_CHECK(plate.width_mm > 0 && plate.depth_mm > 0);
	return 0;
}
