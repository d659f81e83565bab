/* The Wii Balance Board's bytes: data reports and the calibration block,
 * decoded from byte vectors with exact expected forces. Every sensor gets a
 * different load, so a wrong byte order or sensor mapping fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "device/wbb_proto.h"

/* A real board's calibration block (the example on WiiBrew's "Wii Balance
 * Board" page), board order TR, BR, TL, BL: 0 kg, 17 kg, 34 kg. */
static const uint8_t calib_block[WBB_CALIB_LEN] = {
	0x07, 0xc3, 0x3c, 0xf8, 0x04, 0x8c, 0x29, 0x6b, /* 0 kg */
	0x0e, 0xd2, 0x43, 0x84, 0x0b, 0x3a, 0x30, 0x69, /* 17 kg */
	0x15, 0xe9, 0x4a, 0x10, 0x11, 0xef, 0x37, 0x6e, /* 34 kg */
};

/* Report 0x34 with readings chosen for exact loads against calib_block:
 *   TR 0x1d00 = 34 kg point + one 17–34 span → 51 kg (above 34: extrapolated)
 *   BR 0x3e9b = 0 kg point + a quarter of the 0–17 span → 4.25 kg
 *   TL 0x0b3a = the 17 kg point exactly → 17 kg
 *   BL 0x25ec = 0 kg point − half the 0–17 span → −8.5 kg (below 0)
 * then temperature 0x19, a zero byte, battery 0x83, and padding. The
 * button (bit 0x08 of the second core byte) is pressed. */
static const uint8_t report34[22] = {
	0x34, 0x00, 0x08,
	0x1d, 0x00, 0x3e, 0x9b, 0x0b, 0x3a, 0x25, 0xec,
	0x19, 0x00, 0x83,
	0, 0, 0, 0, 0, 0, 0, 0,
};

static void report_0x34_decodes_to_canonical_order(void **state)
{
	(void)state;
	wbb_sample s;
	assert_int_equal(wbb_parse_report(report34, sizeof report34, &s), POISE_OK);
	assert_int_equal(s.raw[CELL_TL], 0x0b3a);
	assert_int_equal(s.raw[CELL_TR], 0x1d00);
	assert_int_equal(s.raw[CELL_BL], 0x25ec);
	assert_int_equal(s.raw[CELL_BR], 0x3e9b);
	assert_true(s.button);
	assert_true(s.has_status);
	assert_int_equal(s.temperature, 0x19);
	assert_int_equal(s.battery, 0x83);
	assert_false(wbb_battery_low(s.battery));
	assert_true(wbb_battery_low(0x6a));
	assert_true(wbb_battery_low(0x50));
}

static void forces_are_exact_including_below_0_and_above_34_kg(void **state)
{
	(void)state;
	wbb_calib c;
	int bad = 99;
	assert_int_equal(wbb_parse_calib(calib_block, sizeof calib_block, &c, &bad), POISE_OK);
	assert_int_equal(bad, -1);
	/* TL's references are the block's third sensor. */
	assert_int_equal(c.ref[CELL_TL][0], 0x048c);
	assert_int_equal(c.ref[CELL_TL][1], 0x0b3a);
	assert_int_equal(c.ref[CELL_TL][2], 0x11ef);
	assert_int_equal(c.ref[CELL_BR][2], 0x4a10);

	wbb_sample s;
	assert_int_equal(wbb_parse_report(report34, sizeof report34, &s), POISE_OK);
	double kg[CELL_COUNT], n[CELL_COUNT];
	wbb_raw_to_kg(&c, s.raw, kg);
	assert_double_equal(kg[CELL_TL], 17.0, 1e-12);
	assert_double_equal(kg[CELL_TR], 51.0, 1e-12);
	assert_double_equal(kg[CELL_BL], -8.5, 1e-12);
	assert_double_equal(kg[CELL_BR], 4.25, 1e-12);
	wbb_raw_to_n(&c, s.raw, n);
	assert_double_equal(n[CELL_TL], 17.0 * 9.80665, 1e-9);
	assert_double_equal(n[CELL_TR], 51.0 * 9.80665, 1e-9);
	assert_double_equal(n[CELL_BL], -8.5 * 9.80665, 1e-9);
	assert_double_equal(n[CELL_BR], 4.25 * 9.80665, 1e-9);
}

static void reference_points_give_0_17_34_kg(void **state)
{
	(void)state;
	wbb_calib c;
	assert_int_equal(wbb_parse_calib(calib_block, sizeof calib_block, &c, NULL), POISE_OK);
	for (int k = 0; k < 3; k++) {
		uint16_t raw[CELL_COUNT];
		for (int i = 0; i < CELL_COUNT; i++)
			raw[i] = c.ref[i][k];
		double kg[CELL_COUNT];
		wbb_raw_to_kg(&c, raw, kg);
		for (int i = 0; i < CELL_COUNT; i++)
			assert_double_equal(kg[i], 17.0 * k, 1e-12);
	}
	/* Halfway along the 17–34 segment of BR: (0x4384 + 0x4a10)/2 = 0x46ca. */
	uint16_t raw[CELL_COUNT] = {c.ref[0][0], c.ref[1][0], c.ref[2][0], 0x46ca};
	double kg[CELL_COUNT];
	wbb_raw_to_kg(&c, raw, kg);
	assert_double_equal(kg[CELL_BR], 25.5, 1e-12);
}

static void report_0x32_has_no_status(void **state)
{
	(void)state;
	uint8_t r[11];
	memcpy(r, report34, sizeof r);
	r[0] = 0x32;
	r[2] = 0x00;
	wbb_sample s;
	assert_int_equal(wbb_parse_report(r, sizeof r, &s), POISE_OK);
	assert_false(s.button);
	assert_false(s.has_status);
	assert_int_equal(s.raw[CELL_TR], 0x1d00);
	assert_int_equal(s.raw[CELL_BR], 0x3e9b);
}

static void malformed_reports_are_refused(void **state)
{
	(void)state;
	wbb_sample s;
	memset(&s, 0x5a, sizeof s);
	assert_int_equal(wbb_parse_report(report34, 21, &s), POISE_E_PROTOCOL); /* short 0x34 */
	uint8_t r[22];
	memcpy(r, report34, sizeof r);
	r[0] = 0x30; /* buttons only: no weight data */
	assert_int_equal(wbb_parse_report(r, sizeof r, &s), POISE_E_PROTOCOL);
	assert_int_equal(wbb_parse_report(r, 0, &s), POISE_E_PROTOCOL);
	assert_int_equal(wbb_parse_ext(report34 + 3, 7, &s), POISE_E_PROTOCOL);
	assert_int_equal(s.raw[0], 0x5a5a); /* untouched */
}

static void an_all_zero_calibration_is_an_error(void **state)
{
	(void)state;
	uint8_t z[WBB_CALIB_LEN] = {0};
	wbb_calib c;
	memset(&c, 0x77, sizeof c);
	int bad = 99;
	assert_int_equal(wbb_parse_calib(z, sizeof z, &c, &bad), POISE_E_PROTOCOL);
	assert_int_equal(bad, -1);
	assert_int_equal(c.ref[0][0], 0x7777); /* untouched */
	assert_int_equal(wbb_parse_calib(calib_block, 23, &c, &bad), POISE_E_PROTOCOL);
	assert_int_equal(bad, -1);
}

static void a_non_monotonic_calibration_names_the_sensor(void **state)
{
	(void)state;
	wbb_calib c;
	int bad;
	uint8_t b[WBB_CALIB_LEN];
	/* BL (the block's fourth sensor): 17 kg and 34 kg swapped. */
	memcpy(b, calib_block, sizeof b);
	b[14] = 0x37, b[15] = 0x6e, b[22] = 0x30, b[23] = 0x69;
	assert_int_equal(wbb_parse_calib(b, sizeof b, &c, &bad), POISE_E_PROTOCOL);
	assert_int_equal(bad, CELL_BL);
	/* TR (the first): 0 kg equal to 17 kg, a flat segment. */
	memcpy(b, calib_block, sizeof b);
	b[0] = 0x0e, b[1] = 0xd2;
	assert_int_equal(wbb_parse_calib(b, sizeof b, &c, &bad), POISE_E_PROTOCOL);
	assert_int_equal(bad, CELL_TR);
	/* BR (the second): a decreasing 0–17 segment. */
	memcpy(b, calib_block, sizeof b);
	b[2] = 0x50, b[3] = 0x00;
	assert_int_equal(wbb_parse_calib(b, sizeof b, &c, &bad), POISE_E_PROTOCOL);
	assert_int_equal(bad, CELL_BR);
}

static void plate_geometry_default_and_setting(void **state)
{
	(void)state;
	cop_plate p;
	assert_int_equal(wbb_plate(0, &p), POISE_OK);
	assert_double_equal(p.width_mm, 433, 0);
	assert_double_equal(p.depth_mm, 238, 0);
	assert_int_equal(wbb_plate(228, &p), POISE_OK);
	assert_double_equal(p.depth_mm, 228, 0);
	assert_int_equal(wbb_plate(-5, &p), POISE_E_INVALID);
	assert_int_equal(wbb_plate(1000, &p), POISE_E_INVALID);
	const enum cell *o = wbb_board_order();
	assert_int_equal(o[0], CELL_TR);
	assert_int_equal(o[1], CELL_BR);
	assert_int_equal(o[2], CELL_TL);
	assert_int_equal(o[3], CELL_BL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_0x34_decodes_to_canonical_order),
		cmocka_unit_test(forces_are_exact_including_below_0_and_above_34_kg),
		cmocka_unit_test(reference_points_give_0_17_34_kg),
		cmocka_unit_test(report_0x32_has_no_status),
		cmocka_unit_test(malformed_reports_are_refused),
		cmocka_unit_test(an_all_zero_calibration_is_an_error),
		cmocka_unit_test(a_non_monotonic_calibration_names_the_sensor),
		cmocka_unit_test(plate_geometry_default_and_setting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
