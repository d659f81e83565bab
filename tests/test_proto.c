/* The protocol code shared by host and firmware: exact bytes both ways,
 * every check of every decoder, and a fuzz-style robustness run over
 * random and corrupted bytes plus the regression corpus in
 * tests/data/proto/. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/rng.h"
#include "poise_proto.h"

static void crc16_is_ccitt_false(void **state)
{
	(void)state;
	const uint8_t check[] = "123456789";
	assert_int_equal(pp_crc16(check, 9), 0x29B1);
	assert_int_equal(pp_crc16(check, 0), 0xFFFF);
	/* Running CRC over pieces = CRC of the whole. */
	assert_int_equal(pp_crc16_update(pp_crc16(check, 4), check + 4, 5), 0x29B1);
}

static void a_frame_has_the_documented_bytes(void **state)
{
	(void)state;
	pp_frame f = {.version = 1,
	              .status = PP_ST_OVER_TR | PP_ST_ADC_FAULT,
	              .seq = 0x01020304,
	              .t_us = 0x1122334455667788ull,
	              .counts = {1, -1, PP_ADC_MAX, PP_ADC_MIN}};
	uint8_t b[PP_FRAME_SIZE];
	pp_frame_encode(&f, b);
	const uint8_t want[30] = {0xA5, 0x01, 0x12, 0x00, 0x04, 0x03, 0x02, 0x01, 0x88, 0x77,
	                          0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x01, 0x00, 0x00, 0xFF,
	                          0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80, 0x00, 0x00};
	assert_memory_equal(b, want, 30);
	assert_int_equal(pp_get_u16(b + 30), pp_crc16(want, 30));
	pp_frame g;
	assert_int_equal(pp_frame_decode(b, sizeof b, &g), PP_OK);
	assert_int_equal(g.seq, f.seq);
	assert_true(g.t_us == f.t_us);
	assert_int_equal(g.status, f.status);
	assert_memory_equal(g.counts, f.counts, sizeof f.counts);
	/* Counts beyond 24 bits are clamped, not wrapped. */
	f.counts[0] = 9000000;
	f.counts[1] = -9000000;
	pp_frame_encode(&f, b);
	assert_int_equal(pp_frame_decode(b, sizeof b, &g), PP_OK);
	assert_int_equal(g.counts[0], PP_ADC_MAX);
	assert_int_equal(g.counts[1], PP_ADC_MIN);
}

static void frame_decode_checks_length_sync_crc_version(void **state)
{
	(void)state;
	pp_frame f = {.version = 1, .seq = 7}, g;
	uint8_t b[PP_FRAME_SIZE];
	pp_frame_encode(&f, b);
	assert_int_equal(pp_frame_decode(b, 31, &g), PP_E_SHORT);
	uint8_t c[PP_FRAME_SIZE];
	for (size_t i = 0; i < PP_FRAME_SIZE; i++) {
		/* Every single-bit error anywhere is caught. */
		for (int bit = 0; bit < 8; bit++) {
			memcpy(c, b, sizeof c);
			c[i] ^= (uint8_t)(1u << bit);
			int r = pp_frame_decode(c, sizeof c, &g);
			assert_int_equal(r, i == 0 ? PP_E_SYNC : PP_E_CRC);
		}
	}
	f.version = 2;
	pp_frame_encode(&f, b);
	assert_int_equal(pp_frame_decode(b, sizeof b, &g), PP_E_VERSION);
}

static pp_info sample_info(void)
{
	pp_info i = {.proto_major = 1,
	             .proto_minor = 3,
	             .channels = 4,
	             .frame_size = 32,
	             .frames_per_packet = 2,
	             .fw_major = 2,
	             .fw_minor = 5,
	             .fw_patch = 9,
	             .spacing_ml_um = 433000,
	             .spacing_ap_um = 238000,
	             .default_rate_hz = 1000,
	             .rates_hz = {100, 200, 500, 1000}};
	strcpy(i.serial, "ABC-123");
	return i;
}

static void info_round_trips_and_checks_its_fields(void **state)
{
	(void)state;
	pp_info i = sample_info(), o;
	uint8_t b[PP_INFO_SIZE];
	pp_info_encode(&i, b);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[2], 64);
	assert_int_equal(pp_get_u32(b + 12), 433000);
	assert_int_equal(pp_get_u16(b + 20), 1000);
	assert_memory_equal(b + 34, "ABC-123\0", 8);
	assert_int_equal(pp_info_decode(b, sizeof b, &o), PP_OK);
	assert_memory_equal(&o, &i, sizeof i);
	assert_true(pp_info_supports_rate(&o, 500));
	assert_false(pp_info_supports_rate(&o, 333));
	assert_false(pp_info_supports_rate(&o, 0));
	/* Newer major: refused from the first bytes alone. */
	uint8_t v2[2] = {2, 0};
	assert_int_equal(pp_info_decode(v2, 2, &o), PP_E_VERSION);
	assert_int_equal(pp_info_decode(b, 1, &o), PP_E_SHORT);
	assert_int_equal(pp_info_decode(b, 63, &o), PP_E_SHORT);
	b[40] ^= 1;
	assert_int_equal(pp_info_decode(b, sizeof b, &o), PP_E_CRC);
	/* Range checks: each breaks one field, with a valid CRC. */
	pp_info bad = sample_info();
	bad.default_rate_hz = 300;
	pp_info_encode(&bad, b);
	assert_int_equal(pp_info_decode(b, sizeof b, &o), PP_E_VALUE);
	bad = sample_info();
	bad.spacing_ap_um = 5;
	pp_info_encode(&bad, b);
	assert_int_equal(pp_info_decode(b, sizeof b, &o), PP_E_VALUE);
	bad = sample_info();
	bad.rates_hz[4] = 4000; /* more than two frames per 1 ms packet */
	pp_info_encode(&bad, b);
	assert_int_equal(pp_info_decode(b, sizeof b, &o), PP_E_VALUE);
	bad = sample_info();
	bad.serial[2] = '\n';
	pp_info_encode(&bad, b);
	assert_int_equal(pp_info_decode(b, sizeof b, &o), PP_E_VALUE);
	bad = sample_info();
	bad.channels = 3;
	pp_info_encode(&bad, b);
	assert_int_equal(pp_info_decode(b, sizeof b, &o), PP_E_VALUE);
}

static pp_calib sample_calib(void)
{
	return (pp_calib){.offset_counts = {1000, -2000, 3000, -4000},
	                  .gain_n_per_count = {1.0e-3f, 1.1e-3f, -0.9e-3f, 1.2e-3f},
	                  .calibrated_at_s = 1700000000u};
}

static void calibration_round_trips_and_checks_its_fields(void **state)
{
	(void)state;
	pp_calib c = sample_calib(), o;
	uint8_t b[PP_CALIB_SIZE];
	pp_calib_encode(&c, b);
	assert_memory_equal(b, "PCAL\x01\x04", 6);
	assert_int_equal((int32_t)pp_get_u32(b + 16), -2000);
	assert_int_equal(pp_get_u32(b + 12), 0x3A83126Fu); /* 1.0e-3f */
	assert_int_equal(pp_calib_decode(b, sizeof b, &o), PP_OK);
	assert_memory_equal(&o, &c, sizeof c);
	assert_int_equal(pp_calib_decode(b, 47, &o), PP_E_SHORT);
	uint8_t x[PP_CALIB_SIZE];
	memcpy(x, b, sizeof x);
	x[20] ^= 0x10;
	assert_int_equal(pp_calib_decode(x, sizeof x, &o), PP_E_CRC);
	memset(x, 0xFF, sizeof x);
	assert_int_equal(pp_calib_decode(x, sizeof x, &o), PP_E_BLANK);
	memcpy(x, b, sizeof x);
	x[0] = 'X';
	assert_int_equal(pp_calib_decode(x, sizeof x, &o), PP_E_MAGIC);
	/* Unusable gains, with valid CRCs. */
	float bad_gains[] = {0.0f, 2.0f, INFINITY, NAN};
	for (size_t i = 0; i < 4; i++) {
		pp_calib bc = sample_calib();
		bc.gain_n_per_count[1] = bad_gains[i];
		pp_calib_encode(&bc, x);
		assert_int_equal(pp_calib_decode(x, sizeof x, &o), PP_E_VALUE);
	}
	pp_calib bc = sample_calib();
	bc.offset_counts[3] = 9000000;
	pp_calib_encode(&bc, x);
	assert_int_equal(pp_calib_decode(x, sizeof x, &o), PP_E_VALUE);
	pp_calib_encode(&c, x);
	x[4] = 2;
	pp_put_u16(x + 46, pp_crc16(x, 46));
	assert_int_equal(pp_calib_decode(x, sizeof x, &o), PP_E_VERSION);
}

static void status_and_setup_round_trip(void **state)
{
	(void)state;
	pp_status s = {1, 1, 500, 123456, 7}, o;
	uint8_t b[PP_STATUS_SIZE];
	pp_status_encode(&s, b);
	assert_int_equal(pp_status_decode(b, sizeof b, &o), PP_OK);
	assert_memory_equal(&o, &s, sizeof s);
	b[3] ^= 1;
	assert_int_equal(pp_status_decode(b, sizeof b, &o), PP_E_CRC);
	pp_setup st = {PP_RT_OUT, PP_REQ_SET_RATE, 1000, 0, 0}, so;
	uint8_t w[8];
	pp_setup_encode(&st, w);
	const uint8_t want[8] = {0x41, 0x04, 0xE8, 0x03, 0, 0, 0, 0};
	assert_memory_equal(w, want, 8);
	pp_setup_decode(w, &so);
	assert_memory_equal(&so, &st, sizeof st);
	assert_string_equal(pp_result_str(PP_E_CRC), "CRC mismatch");
}

/* Whatever the bytes, the decoders return one of their results, write
 * nothing on failure, and a frame they accept re-encodes to the same bytes. */
static void check_any(const uint8_t *b, size_t n)
{
	pp_frame f;
	memset(&f, 0xCC, sizeof f);
	int r = pp_frame_decode(b, n, &f);
	assert_true(r <= 0 && r >= PP_E_BLANK);
	if (r == PP_OK) {
		uint8_t again[PP_FRAME_SIZE];
		pp_frame_encode(&f, again);
		/* Bytes 28–29 are reserved: the encoder writes zeros. */
		if (b[28] == 0 && b[29] == 0)
			assert_memory_equal(again, b, PP_FRAME_SIZE);
	} else {
		pp_frame untouched;
		memset(&untouched, 0xCC, sizeof untouched);
		assert_memory_equal(&f, &untouched, sizeof f);
	}
	pp_info i;
	r = pp_info_decode(b, n, &i);
	assert_true(r <= 0 && r >= PP_E_BLANK);
	if (r == PP_OK) {
		assert_int_equal(i.channels, 4);
		assert_true(strlen(i.serial) <= PP_SERIAL_LEN);
		assert_true(pp_info_supports_rate(&i, i.default_rate_hz));
	}
	pp_calib c;
	r = pp_calib_decode(b, n, &c);
	assert_true(r <= 0 && r >= PP_E_BLANK);
	if (r == PP_OK)
		for (int k = 0; k < 4; k++)
			assert_true(isfinite(c.gain_n_per_count[k]) && c.gain_n_per_count[k] != 0);
	pp_status s;
	r = pp_status_decode(b, n, &s);
	assert_true(r <= 0 && r >= PP_E_BLANK);
}

static void fuzz_random_and_corrupted_bytes(void **state)
{
	(void)state;
	rng r;
	rng_seed(&r, 2024);
	uint8_t b[96];
	/* Pure noise, every length. */
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = (size_t)(rng_u64(&r) % sizeof b);
		for (size_t k = 0; k < n; k++)
			b[k] = (uint8_t)rng_u64(&r);
		check_any(b, n);
	}
	/* Valid structures with a few random byte changes, CRC fixed up half
	 * the time so the range checks are reached. */
	pp_info info = sample_info();
	pp_calib cal = sample_calib();
	pp_frame fr = {.version = 1, .seq = 5, .counts = {1, 2, 3, 4}};
	size_t accepted = 0;
	for (int iter = 0; iter < 100000; iter++) {
		int kind = iter % 3;
		size_t n = kind == 0 ? PP_FRAME_SIZE : kind == 1 ? PP_INFO_SIZE : PP_CALIB_SIZE;
		if (kind == 0)
			pp_frame_encode(&fr, b);
		else if (kind == 1)
			pp_info_encode(&info, b);
		else
			pp_calib_encode(&cal, b);
		int changes = 1 + (int)(rng_u64(&r) % 3);
		for (int k = 0; k < changes; k++)
			b[rng_u64(&r) % n] = (uint8_t)rng_u64(&r);
		if (rng_u64(&r) & 1)
			pp_put_u16(b + n - 2, pp_crc16(b, n - 2));
		check_any(b, n);
		pp_frame f;
		accepted += kind == 0 && pp_frame_decode(b, n, &f) == PP_OK;
	}
	assert_true(accepted > 1000); /* the accepting path was exercised too */
}

/* Every file in tests/data/proto/ is a byte string that once mattered;
 * the name says what the decoders must answer: frame_ok_*, frame_crc_*,
 * info_version_*, calib_crc_*, any_* (anything but a crash). */
static void regression_corpus(void **state)
{
	(void)state;
	DIR *d = opendir(POISE_TEST_DATA "/proto");
	assert_non_null(d);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strstr(de->d_name, ".bin"))
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/proto/%s", POISE_TEST_DATA, de->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		uint8_t b[256];
		size_t n = fread(b, 1, sizeof b, f);
		fclose(f);
		check_any(b, n);
		pp_frame fr;
		pp_info in;
		pp_calib ca;
		if (!strncmp(de->d_name, "frame_ok_", 9))
			assert_int_equal(pp_frame_decode(b, n, &fr), PP_OK);
		else if (!strncmp(de->d_name, "frame_crc_", 10))
			assert_int_equal(pp_frame_decode(b, n, &fr), PP_E_CRC);
		else if (!strncmp(de->d_name, "info_version_", 13))
			assert_int_equal(pp_info_decode(b, n, &in), PP_E_VERSION);
		else if (!strncmp(de->d_name, "info_ok_", 8))
			assert_int_equal(pp_info_decode(b, n, &in), PP_OK);
		else if (!strncmp(de->d_name, "calib_crc_", 10))
			assert_int_equal(pp_calib_decode(b, n, &ca), PP_E_CRC);
		else if (!strncmp(de->d_name, "calib_ok_", 9))
			assert_int_equal(pp_calib_decode(b, n, &ca), PP_OK);
		files++;
	}
	closedir(d);
	assert_true(files >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc16_is_ccitt_false),
		cmocka_unit_test(a_frame_has_the_documented_bytes),
		cmocka_unit_test(frame_decode_checks_length_sync_crc_version),
		cmocka_unit_test(info_round_trips_and_checks_its_fields),
		cmocka_unit_test(calibration_round_trips_and_checks_its_fields),
		cmocka_unit_test(status_and_setup_round_trip),
		cmocka_unit_test(fuzz_random_and_corrupted_bytes),
		cmocka_unit_test(regression_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
