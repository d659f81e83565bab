/* Fuzz target: what the USB force plate sends (firmware-protocol/
 * poise_proto.h) and what the firmware is sent.
 *
 * Input: byte 0 picks the part; the rest is the bytes.
 *   0 a control reply: GET_INFO, GET_CALIBRATION, GET_STATUS decoded at
 *     every length the host may receive (a short transfer included);
 *   1 a stream of bulk packets: frames decoded as the host does, their
 *     device times mapped onto the host clock (clkmap), forces computed
 *     with a calibration decoded from the first PP_CALIB_SIZE bytes;
 *   2 control requests to the firmware core (setup packet + OUT data).
 * Checks: what a decoder accepts, encoded and decoded again, is the same; an accepted info's serial is printable ASCII;
 * mapped times never go backwards; forces are finite. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "core/clkmap.h"
#include "fuzz.h"
#include "plate_fw.h"
#include "poise_proto.h"

/* Encodes v, decodes the bytes again: the same value. */
#define ROUND_TRIP(type, v, size, enc, dec)                                      \
	do {                                                                     \
		uint8_t b_[size];                                                \
		type w_;                                                         \
		memset(&w_, 0, sizeof w_);                                       \
		enc(&(v), b_);                                                   \
		FUZZ_CHECK(dec(b_, size, &w_) == PP_OK);                          \
		FUZZ_CHECK(memcmp(&w_, &(v), sizeof w_) == 0);                   \
	} while (0)

static void control_replies(const uint8_t *d, size_t n)
{
	for (size_t len = 0; len <= n && len <= PP_INFO_SIZE + 4; len++) {
		pp_info info = {0};
		if (pp_info_decode(d, len, &info) == PP_OK) {
			FUZZ_CHECK(len >= PP_INFO_SIZE);
			ROUND_TRIP(pp_info, info, PP_INFO_SIZE, pp_info_encode, pp_info_decode);
			for (const char *c = info.serial; *c; c++)
				FUZZ_CHECK(*c >= 0x20 && *c < 0x7f);
			for (unsigned i = 0; i < PP_MAX_RATES; i++)
				(void)pp_info_supports_rate(&info, info.rates_hz[i]);
		}
	}
	for (size_t len = 0; len <= n && len <= PP_CALIB_SIZE + 4; len++) {
		pp_calib c = {0};
		if (pp_calib_decode(d, len, &c) == PP_OK) {
			FUZZ_CHECK(len >= PP_CALIB_SIZE);
			for (unsigned i = 0; i < PP_CHANNELS; i++)
				FUZZ_CHECK(isfinite(c.gain_n_per_count[i]));
			ROUND_TRIP(pp_calib, c, PP_CALIB_SIZE, pp_calib_encode, pp_calib_decode);
		}
	}
	for (size_t len = 0; len <= n && len <= PP_STATUS_SIZE + 4; len++) {
		pp_status st = {0};
		if (pp_status_decode(d, len, &st) == PP_OK) {
			ROUND_TRIP(pp_status, st, PP_STATUS_SIZE, pp_status_encode, pp_status_decode);
		}
	}
	(void)pp_result_str(n ? (int)(int8_t)d[0] : 0);
}

/* The host's path for bulk packets (usbplate.c parse/push_frame). */
static void stream(const uint8_t *d, size_t n)
{
	pp_calib cal = {.gain_n_per_count = {1e-3f, 1e-3f, 1e-3f, 1e-3f}};
	if (n >= PP_CALIB_SIZE && pp_calib_decode(d, PP_CALIB_SIZE, &cal) == PP_OK) {
		d += PP_CALIB_SIZE;
		n -= PP_CALIB_SIZE;
	}
	clkmap clk;
	clkmap_init(&clk, 1.0, 500);
	mono_us host = 1000000, last = 0;
	while (n >= 2) {
		/* Two bytes: the packet's length and the host's arrival step. */
		size_t len = d[0] % (PP_EP_MAX_PACKET + 1);
		host += (mono_us)d[1] * 100;
		d += 2;
		n -= 2;
		if (len > n)
			len = n;
		for (size_t off = 0; off + PP_FRAME_SIZE <= len; off += PP_FRAME_SIZE) {
			pp_frame f = {0};
			if (pp_frame_decode(d + off, PP_FRAME_SIZE, &f) != PP_OK)
				continue;
			ROUND_TRIP(pp_frame, f, PP_FRAME_SIZE, pp_frame_encode, pp_frame_decode);
			clkmap_add(&clk, f.t_us, host);
			mono_us t = clkmap_map(&clk, f.t_us);
			if (t <= last)
				t = last + 1;
			last = t;
			for (unsigned c = 0; c < PP_CHANNELS; c++) {
				double force = (double)cal.gain_n_per_count[c] *
				               (double)((int64_t)f.counts[c] - cal.offset_counts[c]);
				FUZZ_CHECK(isfinite(force));
			}
		}
		(void)clkmap_drift_ppm(&clk);
		d += len;
		n -= len;
	}
}

static int32_t adc_counts;
static uint8_t flash[PP_CALIB_SIZE];

static int adc_read(void *ctx, int32_t counts[PP_CHANNELS])
{
	(void)ctx;
	for (unsigned c = 0; c < PP_CHANNELS; c++)
		counts[c] = adc_counts + c;
	return 0;
}

static int flash_read(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, flash, len < sizeof flash ? len : sizeof flash);
	return 0;
}

static int flash_write(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	memcpy(flash, buf, len < sizeof flash ? len : sizeof flash);
	return 0;
}

/* The firmware core fed setup packets and OUT data by a host. */
static void firmware(const uint8_t *d, size_t n)
{
	static pfw fw;
	pfw_hal hal = {.adc_read = adc_read, .flash_read = flash_read, .flash_write = flash_write};
	pp_info id = {.proto_major = PP_VERSION_MAJOR, .channels = PP_CHANNELS, .frame_size = PP_FRAME_SIZE,
	              .frames_per_packet = PP_FRAMES_PER_PACKET, .spacing_ml_um = 400000,
	              .spacing_ap_um = 240000, .default_rate_hz = 100, .rates_hz = {100, 1000},
	              .serial = "FUZZ-1"};
	memset(flash, 0xff, sizeof flash);
	if (pfw_init(&fw, &hal, &id) != PFW_OK)
		return;
	uint64_t now = 0;
	while (n >= 10) {
		pp_setup s;
		pp_setup_decode(d, &s);
		uint8_t raw[8];
		pp_setup_encode(&s, raw);
		FUZZ_CHECK(memcmp(raw, d, 8) == 0);
		adc_counts = (int32_t)(int8_t)d[8] * 100000;
		now += (uint64_t)d[9] * 997;
		d += 10;
		n -= 10;
		uint8_t data[256] = {0};
		size_t out_len = 0, take = s.length < n ? s.length : n;
		if (take > sizeof data)
			take = sizeof data;
		memcpy(data, d, take);
		if (pfw_control(&fw, &s, data, sizeof data, &out_len, now) == PFW_OK)
			FUZZ_CHECK(out_len <= s.length && out_len <= sizeof data);
		d += take;
		n -= take;
		pfw_poll(&fw, now);
		uint8_t pkt[PP_EP_MAX_PACKET];
		size_t k = pfw_next_packet(&fw, pkt, sizeof pkt);
		FUZZ_CHECK(k <= sizeof pkt && k % PP_FRAME_SIZE == 0);
		for (size_t off = 0; off < k; off += PP_FRAME_SIZE) {
			pp_frame f;
			FUZZ_CHECK(pp_frame_decode(pkt + off, PP_FRAME_SIZE, &f) == PP_OK);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		control_replies(data + 1, size - 1);
		break;
	case 1:
		stream(data + 1, size - 1);
		break;
	default:
		firmware(data + 1, size - 1);
		break;
	}
	return 0;
}
