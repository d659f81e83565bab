/* Poise USB force-plate protocol: see poise_proto.h and PROTOCOL.md. */
#include "poise_proto.h"

#include <string.h>

uint16_t pp_crc16_update(uint16_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
	}
	return crc;
}

uint16_t pp_crc16(const uint8_t *p, size_t n)
{
	return pp_crc16_update(0xFFFFu, p, n);
}

uint16_t pp_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t pp_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint64_t pp_get_u64(const uint8_t *p)
{
	return (uint64_t)pp_get_u32(p) | ((uint64_t)pp_get_u32(p + 4) << 32);
}

void pp_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void pp_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void pp_put_u64(uint8_t *p, uint64_t v)
{
	pp_put_u32(p, (uint32_t)v);
	pp_put_u32(p + 4, (uint32_t)(v >> 32));
}

static void put_s24(uint8_t *p, int32_t v)
{
	if (v > PP_ADC_MAX)
		v = PP_ADC_MAX;
	if (v < PP_ADC_MIN)
		v = PP_ADC_MIN;
	uint32_t u = (uint32_t)v;
	p[0] = (uint8_t)u;
	p[1] = (uint8_t)(u >> 8);
	p[2] = (uint8_t)(u >> 16);
}

static int32_t get_s24(const uint8_t *p)
{
	uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
	/* Sign-extend bit 23 without relying on implementation-defined shifts. */
	return (u & 0x800000u) ? (int32_t)u - 0x1000000 : (int32_t)u;
}

/* IEEE-754 binary32 ↔ bits; every supported CPU stores float this way. */
static uint32_t float_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof u);
	return u;
}

static float bits_float(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

/* Frames: PROTOCOL.md §3. */
void pp_frame_encode(const pp_frame *f, uint8_t out[PP_FRAME_SIZE])
{
	out[0] = PP_FRAME_SYNC;
	out[1] = f->version;
	pp_put_u16(out + 2, f->status);
	pp_put_u32(out + 4, f->seq);
	pp_put_u64(out + 8, f->t_us);
	for (unsigned c = 0; c < PP_CHANNELS; c++)
		put_s24(out + 16 + 3 * c, f->counts[c]);
	out[28] = 0;
	out[29] = 0;
	pp_put_u16(out + 30, pp_crc16(out, 30));
}

int pp_frame_decode(const uint8_t *in, size_t len, pp_frame *out)
{
	if (len < PP_FRAME_SIZE)
		return PP_E_SHORT;
	if (in[0] != PP_FRAME_SYNC)
		return PP_E_SYNC;
	if (pp_crc16(in, 30) != pp_get_u16(in + 30))
		return PP_E_CRC;
	if (in[1] != PP_VERSION_MAJOR)
		return PP_E_VERSION;
	out->version = in[1];
	out->status = pp_get_u16(in + 2);
	out->seq = pp_get_u32(in + 4);
	out->t_us = pp_get_u64(in + 8);
	for (unsigned c = 0; c < PP_CHANNELS; c++)
		out->counts[c] = get_s24(in + 16 + 3 * c);
	return PP_OK;
}

/* Info: PROTOCOL.md §4.1. */
void pp_info_encode(const pp_info *in, uint8_t out[PP_INFO_SIZE])
{
	memset(out, 0, PP_INFO_SIZE);
	out[0] = in->proto_major;
	out[1] = in->proto_minor;
	out[2] = PP_INFO_SIZE;
	out[3] = in->channels;
	out[4] = in->frame_size;
	out[5] = in->frames_per_packet;
	out[6] = in->fw_major;
	out[7] = in->fw_minor;
	out[8] = in->fw_patch;
	pp_put_u32(out + 12, in->spacing_ml_um);
	pp_put_u32(out + 16, in->spacing_ap_um);
	pp_put_u16(out + 20, in->default_rate_hz);
	for (unsigned i = 0; i < PP_MAX_RATES; i++)
		pp_put_u16(out + 22 + 2 * i, in->rates_hz[i]);
	for (size_t i = 0; i < PP_SERIAL_LEN && in->serial[i]; i++)
		out[34 + i] = (uint8_t)in->serial[i];
	pp_put_u16(out + 62, pp_crc16(out, 62));
}

bool pp_info_supports_rate(const pp_info *info, uint16_t rate_hz)
{
	if (rate_hz == 0)
		return false;
	for (unsigned i = 0; i < PP_MAX_RATES; i++)
		if (info->rates_hz[i] == rate_hz)
			return true;
	return false;
}

int pp_info_decode(const uint8_t *in, size_t len, pp_info *out)
{
	if (len < 2)
		return PP_E_SHORT;
	if (in[0] != PP_VERSION_MAJOR)
		return PP_E_VERSION;
	if (len < PP_INFO_SIZE || in[2] < PP_INFO_SIZE)
		return PP_E_SHORT;
	if (pp_crc16(in, 62) != pp_get_u16(in + 62))
		return PP_E_CRC;
	pp_info v;
	memset(&v, 0, sizeof v);
	v.proto_major = in[0];
	v.proto_minor = in[1];
	v.channels = in[3];
	v.frame_size = in[4];
	v.frames_per_packet = in[5];
	v.fw_major = in[6];
	v.fw_minor = in[7];
	v.fw_patch = in[8];
	v.spacing_ml_um = pp_get_u32(in + 12);
	v.spacing_ap_um = pp_get_u32(in + 16);
	v.default_rate_hz = pp_get_u16(in + 20);
	for (unsigned i = 0; i < PP_MAX_RATES; i++)
		v.rates_hz[i] = pp_get_u16(in + 22 + 2 * i);
	bool ended = false;
	for (unsigned i = 0; i < PP_SERIAL_LEN; i++) {
		uint8_t ch = in[34 + i];
		if (ch == 0) {
			ended = true;
		} else if (ended || ch < 0x20 || ch > 0x7E) {
			return PP_E_VALUE; /* text after the end, or not printable */
		} else {
			v.serial[i] = (char)ch;
		}
	}
	if (v.channels != PP_CHANNELS || v.frame_size != PP_FRAME_SIZE ||
	    v.frames_per_packet < 1 || v.frames_per_packet * PP_FRAME_SIZE > PP_EP_MAX_PACKET)
		return PP_E_VALUE;
	/* Between 1 cm and 10 m: anything else is not a plate. */
	if (v.spacing_ml_um < 10000 || v.spacing_ml_um > 10000000 || v.spacing_ap_um < 10000 ||
	    v.spacing_ap_um > 10000000)
		return PP_E_VALUE;
	if (!pp_info_supports_rate(&v, v.default_rate_hz))
		return PP_E_VALUE;
	for (unsigned i = 0; i < PP_MAX_RATES; i++)
		if (v.rates_hz[i] > PP_FRAMES_PER_PACKET * 1000u / PP_EP_INTERVAL_MS)
			return PP_E_VALUE;
	*out = v;
	return PP_OK;
}

/* Calibration: PROTOCOL.md §4.2. */
static const uint8_t calib_magic[4] = {'P', 'C', 'A', 'L'};

void pp_calib_encode(const pp_calib *c, uint8_t out[PP_CALIB_SIZE])
{
	memset(out, 0, PP_CALIB_SIZE);
	memcpy(out, calib_magic, 4);
	out[4] = 1; /* block version */
	out[5] = PP_CHANNELS;
	for (unsigned ch = 0; ch < PP_CHANNELS; ch++) {
		pp_put_u32(out + 8 + 8 * ch, (uint32_t)c->offset_counts[ch]);
		pp_put_u32(out + 12 + 8 * ch, float_bits(c->gain_n_per_count[ch]));
	}
	pp_put_u32(out + 40, c->calibrated_at_s);
	pp_put_u16(out + 46, pp_crc16(out, 46));
}

int pp_calib_decode(const uint8_t *in, size_t len, pp_calib *out)
{
	if (len < PP_CALIB_SIZE)
		return PP_E_SHORT;
	size_t ff = 0;
	for (size_t i = 0; i < PP_CALIB_SIZE; i++)
		ff += in[i] == 0xFF;
	if (ff == PP_CALIB_SIZE)
		return PP_E_BLANK;
	if (memcmp(in, calib_magic, 4) != 0)
		return PP_E_MAGIC;
	if (pp_crc16(in, 46) != pp_get_u16(in + 46))
		return PP_E_CRC;
	if (in[4] != 1)
		return PP_E_VERSION;
	if (in[5] != PP_CHANNELS)
		return PP_E_VALUE;
	pp_calib v;
	for (unsigned ch = 0; ch < PP_CHANNELS; ch++) {
		v.offset_counts[ch] = (int32_t)pp_get_u32(in + 8 + 8 * ch);
		uint32_t g = pp_get_u32(in + 12 + 8 * ch);
		/* Exponent all ones: infinity or NaN. */
		if ((g & 0x7F800000u) == 0x7F800000u)
			return PP_E_VALUE;
		v.gain_n_per_count[ch] = bits_float(g);
		float mag = v.gain_n_per_count[ch] < 0 ? -v.gain_n_per_count[ch] : v.gain_n_per_count[ch];
		if (!(mag > 0.0f) || mag > 1.0f)
			return PP_E_VALUE;
		if (v.offset_counts[ch] > PP_ADC_MAX || v.offset_counts[ch] < PP_ADC_MIN)
			return PP_E_VALUE;
	}
	v.calibrated_at_s = pp_get_u32(in + 40);
	*out = v;
	return PP_OK;
}

/* Status: PROTOCOL.md §4.3. */
void pp_status_encode(const pp_status *s, uint8_t out[PP_STATUS_SIZE])
{
	memset(out, 0, PP_STATUS_SIZE);
	out[0] = s->streaming;
	out[1] = s->calib_valid;
	pp_put_u16(out + 2, s->rate_hz);
	pp_put_u32(out + 4, s->frames_sent);
	pp_put_u32(out + 8, s->frames_dropped);
	pp_put_u16(out + 14, pp_crc16(out, 14));
}

int pp_status_decode(const uint8_t *in, size_t len, pp_status *out)
{
	if (len < PP_STATUS_SIZE)
		return PP_E_SHORT;
	if (pp_crc16(in, 14) != pp_get_u16(in + 14))
		return PP_E_CRC;
	if (in[0] > 1 || in[1] > 1)
		return PP_E_VALUE;
	out->streaming = in[0];
	out->calib_valid = in[1];
	out->rate_hz = pp_get_u16(in + 2);
	out->frames_sent = pp_get_u32(in + 4);
	out->frames_dropped = pp_get_u32(in + 8);
	return PP_OK;
}

void pp_setup_decode(const uint8_t in[8], pp_setup *out)
{
	out->request_type = in[0];
	out->request = in[1];
	out->value = pp_get_u16(in + 2);
	out->index = pp_get_u16(in + 4);
	out->length = pp_get_u16(in + 6);
}

void pp_setup_encode(const pp_setup *s, uint8_t out[8])
{
	out[0] = s->request_type;
	out[1] = s->request;
	pp_put_u16(out + 2, s->value);
	pp_put_u16(out + 4, s->index);
	pp_put_u16(out + 6, s->length);
}

const char *pp_result_str(int r)
{
	switch (r) {
	case PP_OK:
		return "ok";
	case PP_E_SHORT:
		return "too short";
	case PP_E_SYNC:
		return "no sync byte";
	case PP_E_CRC:
		return "CRC mismatch";
	case PP_E_VERSION:
		return "unknown version";
	case PP_E_VALUE:
		return "value out of range";
	case PP_E_MAGIC:
		return "not a calibration block";
	case PP_E_BLANK:
		return "never written (blank)";
	default:
		return "unknown result";
	}
}
