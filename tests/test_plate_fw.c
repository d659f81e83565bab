/* The firmware core on the host: control requests, the sampling clock,
 * queueing and packing, calibration storage, tare; the HAL is a fake ADC
 * and a RAM flash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "plate_fw.h"

typedef struct board {
	int32_t counts[PP_CHANNELS];
	int32_t step;       /* added to every channel after each read */
	int fault;          /* adc_read returns this */
	unsigned reads;
	uint8_t flash[PP_CALIB_SIZE];
	int flash_fail;
	unsigned flash_writes;
	uint16_t adc_rate;
} board;

static int adc_read(void *ctx, int32_t c[PP_CHANNELS])
{
	board *b = ctx;
	memcpy(c, b->counts, sizeof b->counts);
	for (unsigned i = 0; i < PP_CHANNELS; i++)
		b->counts[i] += b->step;
	b->reads++;
	return b->fault;
}

static int adc_set_rate(void *ctx, uint16_t r)
{
	((board *)ctx)->adc_rate = r;
	return 0;
}

static int flash_read(void *ctx, uint8_t *buf, size_t len)
{
	memcpy(buf, ((board *)ctx)->flash, len);
	return 0;
}

static int flash_write(void *ctx, const uint8_t *buf, size_t len)
{
	board *b = ctx;
	if (b->flash_fail)
		return -1;
	memcpy(b->flash, buf, len);
	b->flash_writes++;
	return 0;
}

static const pp_calib factory = {.offset_counts = {10, 20, 30, 40},
                                 .gain_n_per_count = {1e-3f, 1e-3f, 1e-3f, 1e-3f}};

static void boot(pfw *fw, board *b, bool calibrated)
{
	memset(b, 0, sizeof *b);
	if (calibrated)
		pp_calib_encode(&factory, b->flash);
	else
		memset(b->flash, 0xFF, sizeof b->flash);
	pfw_hal hal = {b, adc_read, adc_set_rate, flash_read, flash_write};
	pp_info id = {.proto_major = 1, .spacing_ml_um = 400000, .spacing_ap_um = 400000,
	              .default_rate_hz = 100, .rates_hz = {100, 1000}};
	strcpy(id.serial, "FW-1");
	assert_int_equal(pfw_init(fw, &hal, &id), PFW_OK);
}

static int ctl(pfw *fw, uint8_t rt, uint8_t req, uint16_t value, uint8_t *data, uint16_t length,
               size_t *len, uint64_t now)
{
	pp_setup s = {rt, req, value, 0, length};
	size_t dummy;
	return pfw_control(fw, &s, data, 64, len ? len : &dummy, now);
}

static void get_info_and_calibration(void **state)
{
	(void)state;
	pfw fw;
	board b;
	boot(&fw, &b, true);
	uint8_t d[64];
	size_t n;
	assert_int_equal(ctl(&fw, PP_RT_IN, PP_REQ_GET_INFO, 0, d, 64, &n, 0), PFW_OK);
	assert_int_equal(n, 64);
	pp_info info;
	assert_int_equal(pp_info_decode(d, n, &info), PP_OK);
	assert_string_equal(info.serial, "FW-1");
	assert_int_equal(info.frames_per_packet, 2);
	/* A host asking for less gets less (USB semantics). */
	assert_int_equal(ctl(&fw, PP_RT_IN, PP_REQ_GET_INFO, 0, d, 2, &n, 0), PFW_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ctl(&fw, PP_RT_IN, PP_REQ_GET_CALIBRATION, 0, d, 48, &n, 0), PFW_OK);
	assert_int_equal(n, 48);
	assert_memory_equal(d, b.flash, 48);
	/* Wrong direction, recipient, interface, unknown request: stall. */
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_GET_INFO, 0, d, 0, &n, 0), PFW_STALL);
	assert_int_equal(ctl(&fw, 0xC0, PP_REQ_GET_INFO, 0, d, 64, &n, 0), PFW_STALL);
	assert_int_equal(ctl(&fw, PP_RT_IN, 0x7F, 0, d, 64, &n, 0), PFW_STALL);
	pp_setup s = {PP_RT_IN, PP_REQ_GET_INFO, 0, 1, 64};
	assert_int_equal(pfw_control(&fw, &s, d, 64, &n, 0), PFW_STALL);
}

static void a_corrupt_flash_is_returned_verbatim_and_flagged(void **state)
{
	(void)state;
	pfw fw;
	board b;
	boot(&fw, &b, true);
	b.flash[12] ^= 0x40;
	pfw_hal hal = fw.hal;
	pfw_init(&fw, &hal, &fw.info);
	assert_false(fw.calib_valid);
	uint8_t d[64];
	size_t n;
	assert_int_equal(ctl(&fw, PP_RT_IN, PP_REQ_GET_CALIBRATION, 0, d, 48, &n, 0), PFW_OK);
	assert_memory_equal(d, b.flash, 48); /* the host judges, the device does not repair */
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_START, 0, NULL, 0, NULL, 0), PFW_OK);
	pfw_poll(&fw, 10000);
	uint8_t pkt[64];
	assert_int_equal(pfw_next_packet(&fw, pkt, 64), 32);
	pp_frame f;
	assert_int_equal(pp_frame_decode(pkt, 32, &f), PP_OK);
	assert_int_equal(f.status, PP_ST_CALIB_INVALID);
	/* Tare needs a valid calibration to keep the gains of. */
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_TARE, 0, NULL, 0, NULL, 0), PFW_STALL);
}

static void the_sampling_clock_is_exact_and_frames_are_packed_two_per_packet(void **state)
{
	(void)state;
	pfw fw;
	board b;
	boot(&fw, &b, true);
	b.counts[0] = 5;
	b.step = 1;
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_SET_RATE, 1000, NULL, 0, NULL, 0), PFW_OK);
	assert_int_equal(b.adc_rate, 1000);
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_START, 0, NULL, 0, NULL, 5000), PFW_OK);
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_SET_RATE, 100, NULL, 0, NULL, 0), PFW_STALL);
	assert_true(pfw_next_due_us(&fw) == 6000);
	assert_int_equal(pfw_poll(&fw, 5999), 0);
	assert_int_equal(pfw_poll(&fw, 6000), 1);
	assert_int_equal(pfw_poll(&fw, 8500), 2);
	assert_int_equal(pfw_queued(&fw), 3);
	uint8_t pkt[64];
	assert_int_equal(pfw_next_packet(&fw, pkt, 64), 64);
	assert_int_equal(pfw_next_packet(&fw, pkt + 0, 64), 32);
	assert_int_equal(pfw_next_packet(&fw, pkt, 64), 0);
	/* One second later exactly 1000 samples have been taken in all, though
	 * nobody fetched packets: the queue keeps the first 64. */
	size_t taken = 0;
	for (uint64_t t = 18500; t <= 1005000; t += 10000)
		taken += pfw_poll(&fw, t < 1005000 ? t : 1005000);
	taken += pfw_poll(&fw, 1005000);
	assert_int_equal(taken, 997);
	assert_int_equal(b.reads, 1000);
	uint32_t seq = 3;
	while (pfw_queued(&fw) > 0) {
		size_t n = pfw_next_packet(&fw, pkt, 64);
		for (size_t off = 0; off < n; off += 32, seq++) {
			pp_frame f;
			assert_int_equal(pp_frame_decode(pkt + off, 32, &f), PP_OK);
			if (seq < 64 + 3) {
				assert_int_equal(f.seq, seq);
				assert_true(f.t_us == 5000 + (uint64_t)(seq + 1) * 1000);
				assert_int_equal(f.counts[0], 5 + (int32_t)seq);
			}
		}
	}
	/* The queue held 64 of the 997: the rest were dropped and counted,
	 * and the frame after the loss says so. */
	uint8_t st[16];
	size_t n;
	assert_int_equal(ctl(&fw, PP_RT_IN, PP_REQ_GET_STATUS, 0, st, 16, &n, 0), PFW_OK);
	pp_status s;
	assert_int_equal(pp_status_decode(st, n, &s), PP_OK);
	assert_int_equal(s.streaming, 1);
	assert_int_equal(s.frames_dropped, 997 - 64);
	assert_int_equal(s.frames_sent, 3 + 64);
	pfw_poll(&fw, 1006000);
	assert_int_equal(pfw_next_packet(&fw, pkt, 64), 32);
	pp_frame f;
	assert_int_equal(pp_frame_decode(pkt, 32, &f), PP_OK);
	assert_int_equal(f.seq, 1000);
	assert_int_equal(f.status, PP_ST_DEVICE_DROP);
	/* STOP empties the queue and ends sampling; START restarts at 0. */
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_STOP, 0, NULL, 0, NULL, 0), PFW_OK);
	assert_int_equal(pfw_poll(&fw, 2000000), 0);
	assert_true(pfw_next_due_us(&fw) == UINT64_MAX);
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_START, 0, NULL, 0, NULL, 3000000), PFW_OK);
	pfw_poll(&fw, 3001000);
	assert_int_equal(pfw_next_packet(&fw, pkt, 64), 32);
	assert_int_equal(pp_frame_decode(pkt, 32, &f), PP_OK);
	assert_int_equal(f.seq, 0);
}

static void a_very_late_caller_skips_what_the_queue_cannot_hold(void **state)
{
	(void)state;
	pfw fw;
	board b;
	boot(&fw, &b, true);
	ctl(&fw, PP_RT_OUT, PP_REQ_START, 0, NULL, 0, NULL, 0);
	/* 100 Hz, called 10 s late: 1000 due, only the last 64 are taken. */
	assert_int_equal(pfw_poll(&fw, 10000000), PFW_QUEUE_FRAMES);
	assert_int_equal(b.reads, PFW_QUEUE_FRAMES);
	uint8_t pkt[64];
	pfw_next_packet(&fw, pkt, 64);
	pp_frame f;
	assert_int_equal(pp_frame_decode(pkt, 32, &f), PP_OK);
	assert_int_equal(f.seq, 1000 - PFW_QUEUE_FRAMES);
	assert_true(f.status & PP_ST_DEVICE_DROP);
	assert_true(f.t_us == (uint64_t)(1000 - PFW_QUEUE_FRAMES + 1) * 10000);
}

static void overrange_and_adc_faults_are_flagged(void **state)
{
	(void)state;
	pfw fw;
	board b;
	boot(&fw, &b, true);
	b.counts[1] = PP_ADC_MAX;
	b.counts[2] = PP_ADC_MIN;
	b.fault = 1;
	ctl(&fw, PP_RT_OUT, PP_REQ_START, 0, NULL, 0, NULL, 0);
	pfw_poll(&fw, 10000);
	uint8_t pkt[64];
	pfw_next_packet(&fw, pkt, 64);
	pp_frame f;
	assert_int_equal(pp_frame_decode(pkt, 32, &f), PP_OK);
	assert_int_equal(f.status, PP_ST_OVER_TR | PP_ST_OVER_BL | PP_ST_ADC_FAULT);
}

static void set_calibration_validates_and_persists(void **state)
{
	(void)state;
	pfw fw;
	board b;
	boot(&fw, &b, false);
	assert_false(fw.calib_valid);
	pp_calib c = factory;
	c.offset_counts[0] = -77;
	uint8_t d[64];
	pp_calib_encode(&c, d);
	uint8_t bad[64];
	memcpy(bad, d, 48);
	bad[9] ^= 1;
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_SET_CALIBRATION, 0, bad, 48, NULL, 0), PFW_STALL);
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_SET_CALIBRATION, 0, d, 47, NULL, 0), PFW_STALL);
	b.flash_fail = 1;
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_SET_CALIBRATION, 0, d, 48, NULL, 0), PFW_STALL);
	assert_false(fw.calib_valid);
	b.flash_fail = 0;
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_SET_CALIBRATION, 0, d, 48, NULL, 0), PFW_OK);
	assert_true(fw.calib_valid);
	assert_int_equal(b.flash_writes, 1);
	assert_memory_equal(b.flash, d, 48);
	/* It survives a reboot. */
	pfw_hal hal = fw.hal;
	pfw_init(&fw, &hal, &fw.info);
	assert_true(fw.calib_valid);
	assert_int_equal(fw.calib.offset_counts[0], -77);
	/* Not while streaming: a flash write would stall the sampling. */
	ctl(&fw, PP_RT_OUT, PP_REQ_START, 0, NULL, 0, NULL, 0);
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_SET_CALIBRATION, 0, d, 48, NULL, 0), PFW_STALL);
}

static void tare_averages_the_next_samples_into_the_offsets(void **state)
{
	(void)state;
	pfw fw;
	board b;
	boot(&fw, &b, true);
	b.counts[0] = 100;
	b.counts[3] = -101;
	b.step = 1; /* ch0 reads 100, 101, 102, 103 → mean 101.5 → 102 */
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_TARE, 4, NULL, 0, NULL, 0), PFW_STALL); /* idle */
	ctl(&fw, PP_RT_OUT, PP_REQ_START, 0, NULL, 0, NULL, 0);
	assert_int_equal(ctl(&fw, PP_RT_OUT, PP_REQ_TARE, 4, NULL, 0, NULL, 0), PFW_OK);
	pfw_poll(&fw, 30000);
	assert_int_equal(fw.tare_left, 1);
	pfw_poll(&fw, 40000);
	uint8_t pkt[64];
	pfw_next_packet(&fw, pkt, 64);
	pp_frame f;
	pp_frame_decode(pkt, 32, &f);
	assert_true(f.status & PP_ST_TARE_BUSY);
	uint8_t d[64];
	size_t n;
	ctl(&fw, PP_RT_IN, PP_REQ_GET_CALIBRATION, 0, d, 48, &n, 0);
	pp_calib c;
	assert_int_equal(pp_calib_decode(d, n, &c), PP_OK);
	assert_int_equal(c.offset_counts[0], 102);
	assert_int_equal(c.offset_counts[3], -100); /* −101…−98: −99.5 → −100 */
	assert_int_equal(c.offset_counts[1], 2);    /* 0…3 → 1.5 → 2 */
	assert_true(c.gain_n_per_count[0] == factory.gain_n_per_count[0]);
	assert_int_equal(b.flash_writes, 0); /* RAM only */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_info_and_calibration),
		cmocka_unit_test(a_corrupt_flash_is_returned_verbatim_and_flagged),
		cmocka_unit_test(the_sampling_clock_is_exact_and_frames_are_packed_two_per_packet),
		cmocka_unit_test(a_very_late_caller_skips_what_the_queue_cannot_hold),
		cmocka_unit_test(overrange_and_adc_faults_are_flagged),
		cmocka_unit_test(set_calibration_validates_and_persists),
		cmocka_unit_test(tare_averages_the_next_samples_into_the_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
