/* Poise plate firmware core: see plate_fw.h and ../PROTOCOL.md. */
#include "plate_fw.h"

#include <string.h>

static void load_calibration(pfw *fw)
{
	if (fw->hal.flash_read(fw->hal.ctx, fw->calib_raw, PP_CALIB_SIZE) != 0)
		memset(fw->calib_raw, 0xFF, PP_CALIB_SIZE); /* unreadable = never written */
	fw->calib_valid = pp_calib_decode(fw->calib_raw, PP_CALIB_SIZE, &fw->calib) == PP_OK;
}

int pfw_init(pfw *fw, const pfw_hal *hal, const pp_info *identity)
{
	if (!fw || !hal || !hal->adc_read || !hal->flash_read || !hal->flash_write || !identity)
		return PFW_STALL;
	if (!pp_info_supports_rate(identity, identity->default_rate_hz))
		return PFW_STALL;
	pp_info id = *identity; /* identity may live inside *fw (a reboot) */
	pfw_hal h = *hal;
	memset(fw, 0, sizeof *fw);
	fw->hal = h;
	fw->info = id;
	fw->info.channels = PP_CHANNELS;
	fw->info.frame_size = PP_FRAME_SIZE;
	fw->info.frames_per_packet = PP_FRAMES_PER_PACKET;
	fw->rate_hz = id.default_rate_hz;
	load_calibration(fw);
	return PFW_OK;
}

static uint64_t due_us(const pfw *fw, uint64_t k)
{
	return fw->t0_us + ((k + 1) * 1000000u) / fw->rate_hz;
}

uint64_t pfw_next_due_us(const pfw *fw)
{
	return fw->streaming ? due_us(fw, fw->k) : UINT64_MAX;
}

size_t pfw_queued(const pfw *fw)
{
	return fw->q_count;
}

static void queue_clear(pfw *fw)
{
	fw->q_head = fw->q_count = 0;
}

static void take_sample(pfw *fw)
{
	pp_frame f;
	memset(&f, 0, sizeof f);
	f.version = PP_VERSION_MAJOR;
	f.seq = fw->seq;
	f.t_us = due_us(fw, fw->k);
	if (fw->hal.adc_read(fw->hal.ctx, f.counts) != 0)
		f.status |= PP_ST_ADC_FAULT;
	for (unsigned c = 0; c < PP_CHANNELS; c++)
		if (f.counts[c] >= PP_ADC_MAX || f.counts[c] <= PP_ADC_MIN)
			f.status |= (uint16_t)PP_ST_OVER(c);
	if (!fw->calib_valid)
		f.status |= PP_ST_CALIB_INVALID;
	if (fw->tare_left > 0) {
		f.status |= PP_ST_TARE_BUSY;
		for (unsigned c = 0; c < PP_CHANNELS; c++)
			fw->tare_sum[c] += f.counts[c];
		if (--fw->tare_left == 0) {
			for (unsigned c = 0; c < PP_CHANNELS; c++) {
				int64_t s = fw->tare_sum[c], n = (int64_t)fw->tare_n;
				/* Round half away from zero. */
				fw->calib.offset_counts[c] = (int32_t)(s >= 0 ? (s + n / 2) / n : -((-s + n / 2) / n));
			}
			pp_calib_encode(&fw->calib, fw->calib_raw); /* RAM only: SET_CALIBRATION persists */
		}
	}
	fw->k++;
	fw->seq++;
	if (fw->q_count == PFW_QUEUE_FRAMES) {
		fw->frames_dropped++;
		fw->drop_pending = true;
		return;
	}
	if (fw->drop_pending)
		f.status |= PP_ST_DEVICE_DROP;
	fw->drop_pending = false;
	uint32_t tail = (fw->q_head + fw->q_count) % PFW_QUEUE_FRAMES;
	pp_frame_encode(&f, fw->queue[tail]);
	fw->q_count++;
}

size_t pfw_poll(pfw *fw, uint64_t now_us)
{
	if (!fw->streaming)
		return 0;
	/* Late by more than a queue's worth: those samples are gone. */
	uint64_t late_k = fw->k + PFW_QUEUE_FRAMES;
	if (due_us(fw, late_k) <= now_us) {
		uint64_t target = ((now_us - fw->t0_us) * fw->rate_hz) / 1000000u; /* samples due */
		uint64_t skip = target > fw->k + PFW_QUEUE_FRAMES ? target - PFW_QUEUE_FRAMES - fw->k : 0;
		fw->k += skip;
		fw->seq += (uint32_t)skip;
		fw->frames_dropped += (uint32_t)skip;
		fw->drop_pending = true;
	}
	size_t n = 0;
	while (due_us(fw, fw->k) <= now_us) {
		take_sample(fw);
		n++;
	}
	return n;
}

size_t pfw_next_packet(pfw *fw, uint8_t *pkt, size_t cap)
{
	size_t n = 0;
	while (fw->q_count > 0 && n < PP_FRAMES_PER_PACKET && (n + 1) * PP_FRAME_SIZE <= cap) {
		memcpy(pkt + n * PP_FRAME_SIZE, fw->queue[fw->q_head], PP_FRAME_SIZE);
		fw->q_head = (fw->q_head + 1) % PFW_QUEUE_FRAMES;
		fw->q_count--;
		n++;
	}
	fw->frames_sent += (uint32_t)n;
	return n * PP_FRAME_SIZE;
}

static int answer(const uint8_t *src, size_t size, const pp_setup *s, uint8_t *data, size_t cap,
                  size_t *len)
{
	size_t n = size < s->length ? size : s->length;
	if (n > cap)
		return PFW_STALL;
	memcpy(data, src, n);
	*len = n;
	return PFW_OK;
}

int pfw_control(pfw *fw, const pp_setup *s, uint8_t *data, size_t cap, size_t *len,
                uint64_t now_us)
{
	*len = 0;
	bool in = (s->request_type & 0x80u) != 0;
	/* Vendor type, interface recipient, our interface 0. */
	if ((s->request_type & 0x7Fu) != (PP_RT_OUT & 0x7Fu) || s->index != 0)
		return PFW_STALL;
	uint8_t buf[PP_INFO_SIZE];
	switch (s->request) {
	case PP_REQ_GET_INFO:
		if (!in)
			return PFW_STALL;
		pp_info_encode(&fw->info, buf);
		return answer(buf, PP_INFO_SIZE, s, data, cap, len);
	case PP_REQ_GET_CALIBRATION:
		if (!in)
			return PFW_STALL;
		return answer(fw->calib_raw, PP_CALIB_SIZE, s, data, cap, len);
	case PP_REQ_GET_STATUS: {
		if (!in)
			return PFW_STALL;
		pp_status st = {.streaming = fw->streaming,
		                .calib_valid = fw->calib_valid,
		                .rate_hz = fw->rate_hz,
		                .frames_sent = fw->frames_sent,
		                .frames_dropped = fw->frames_dropped};
		pp_status_encode(&st, buf);
		return answer(buf, PP_STATUS_SIZE, s, data, cap, len);
	}
	case PP_REQ_SET_CALIBRATION: {
		pp_calib c;
		if (in || fw->streaming || s->length != PP_CALIB_SIZE ||
		    pp_calib_decode(data, s->length, &c) != PP_OK)
			return PFW_STALL;
		if (fw->hal.flash_write(fw->hal.ctx, data, PP_CALIB_SIZE) != 0)
			return PFW_STALL;
		memcpy(fw->calib_raw, data, PP_CALIB_SIZE);
		fw->calib = c;
		fw->calib_valid = true;
		return PFW_OK;
	}
	case PP_REQ_SET_RATE:
		if (in || fw->streaming || s->length != 0 || !pp_info_supports_rate(&fw->info, s->value))
			return PFW_STALL;
		if (fw->hal.adc_set_rate && fw->hal.adc_set_rate(fw->hal.ctx, s->value) != 0)
			return PFW_STALL;
		fw->rate_hz = s->value;
		return PFW_OK;
	case PP_REQ_START:
		if (in || s->length != 0)
			return PFW_STALL;
		if (fw->streaming)
			return PFW_OK;
		fw->streaming = true;
		fw->t0_us = now_us;
		fw->k = 0;
		fw->seq = 0;
		fw->frames_sent = fw->frames_dropped = 0;
		fw->drop_pending = false;
		fw->tare_left = 0;
		queue_clear(fw);
		return PFW_OK;
	case PP_REQ_STOP:
		if (in || s->length != 0)
			return PFW_STALL;
		fw->streaming = false;
		fw->tare_left = 0;
		queue_clear(fw);
		return PFW_OK;
	case PP_REQ_TARE:
		if (in || s->length != 0 || !fw->streaming || !fw->calib_valid)
			return PFW_STALL;
		fw->tare_n = fw->tare_left = s->value ? s->value : PP_TARE_DEFAULT_SAMPLES;
		memset(fw->tare_sum, 0, sizeof fw->tare_sum);
		return PFW_OK;
	default:
		return PFW_STALL;
	}
}
