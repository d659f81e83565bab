/* Poise plate firmware core: the device side of PROTOCOL.md in plain C.
 *
 * Everything a plate's firmware does that is not hardware: answering the
 * vendor control requests, the sampling clock, building and queueing
 * frames, packing them into USB packets, storing the calibration block. The
 * hardware sits behind pfw_hal (ADC, calibration flash); the USB stack is
 * glue that calls in (README.md in this folder shows the RP2040 + TinyUSB
 * glue):
 *
 *   control request arrives   → pfw_control()
 *   sampling timer / main loop → pfw_poll(now)        (takes due samples)
 *   IN endpoint free           → pfw_next_packet()    (≤ 2 frames, 64 bytes)
 *
 * No allocation, no libc beyond <string.h>; one pfw per plate, not
 * thread-safe (call it from one context, or mask the timer interrupt). The
 * host test suite runs the same code as the emulated device behind
 * umockdev.
 */
#ifndef POISE_PLATE_FW_H
#define POISE_PLATE_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "poise_proto.h"

#define PFW_QUEUE_FRAMES 64u /* 64 ms at 1 kHz: the host may be late that long */

/* The hardware. Every callback gets ctx first. */
typedef struct pfw_hal {
	void *ctx;
	/* One conversion of every channel, in TL, TR, BL, BR order, as signed
	 * 24-bit counts. Returns 0, or non-zero on a converter fault (the frame
	 * then carries PP_ST_ADC_FAULT). Called once per sample from pfw_poll. */
	int (*adc_read)(void *ctx, int32_t counts[PP_CHANNELS]);
	/* Optional (NULL: fixed-rate converter). Sets the converter's data rate
	 * before streaming starts. Returns 0 or non-zero to refuse. */
	int (*adc_set_rate)(void *ctx, uint16_t rate_hz);
	/* Reads the PP_CALIB_SIZE bytes of the calibration sector. 0 or error. */
	int (*flash_read)(void *ctx, uint8_t *buf, size_t len);
	/* Erases the sector and writes len bytes. 0 or error. */
	int (*flash_write)(void *ctx, const uint8_t *buf, size_t len);
} pfw_hal;

/* pfw_control's answer. */
enum pfw_result {
	PFW_OK = 0,
	PFW_STALL = -1, /* the glue stalls endpoint 0 (PROTOCOL.md §5) */
};

typedef struct pfw {
	pfw_hal hal;
	pp_info info;
	uint8_t calib_raw[PP_CALIB_SIZE]; /* as stored; returned verbatim */
	pp_calib calib;                   /* decoded, if calib_valid */
	bool calib_valid;
	bool streaming;
	uint16_t rate_hz;
	uint64_t t0_us;      /* device time of START */
	uint64_t k;          /* samples taken (or skipped) since START */
	uint32_t seq;        /* of the next sample */
	uint8_t queue[PFW_QUEUE_FRAMES][PP_FRAME_SIZE];
	uint32_t q_head, q_count;
	bool drop_pending;   /* the next queued frame says frames were lost */
	uint32_t frames_sent, frames_dropped;
	uint32_t tare_left, tare_n;
	int64_t tare_sum[PP_CHANNELS];
} pfw;

/* Boot: keeps the HAL and the identity (serial, geometry, rates: from the
 * board's build or OTP), reads the calibration sector and checks it. The
 * plate streams even with an invalid block (frames say
 * PP_ST_CALIB_INVALID; the host refuses it at open). Returns PFW_OK, or
 * PFW_STALL if hal or identity is unusable. */
int pfw_init(pfw *fw, const pfw_hal *hal, const pp_info *identity);

/* One vendor control request, from the USB stack's setup callback. For an
 * IN request, writes the answer into data (room for cap bytes) and its
 * length into *len (at most setup->length); for an OUT request, data holds
 * the setup->length bytes the host sent. now_us is the device clock (START
 * uses it). Returns PFW_OK or PFW_STALL (unknown request, wrong direction,
 * bad value, wrong state: the table in PROTOCOL.md §5). */
int pfw_control(pfw *fw, const pp_setup *setup, uint8_t *data, size_t cap, size_t *len,
                uint64_t now_us);

/* The sampling clock: takes every sample due by now_us (device clock, µs),
 * reading the ADC once per sample and queueing the frame; sample k after
 * START is due at t0 + (k+1)·10⁶/rate exactly, so the clock never drifts
 * from rounding. When the queue is full the frame is dropped and counted
 * (the sequence number still advances, so the host sees the gap); a caller
 * late by more than a queue's worth skips the excess the same way. Returns
 * the number of samples taken. Call it from the timer interrupt or the main
 * loop, at least every few milliseconds. */
size_t pfw_poll(pfw *fw, uint64_t now_us);

/* Device time at which the next sample is due (for a one-shot timer);
 * UINT64_MAX when not streaming. */
uint64_t pfw_next_due_us(const pfw *fw);

/* Moves the oldest queued frames, as many whole frames as fit in cap bytes
 * (at most PP_FRAMES_PER_PACKET), into pkt. Returns the bytes written: 0
 * when nothing is queued. A packet shorter than PP_EP_MAX_PACKET ends the
 * host's transfer at once, so at ≤ 1 kHz each frame goes out within 1 ms. */
size_t pfw_next_packet(pfw *fw, uint8_t *pkt, size_t cap);

/* Frames waiting for the host. */
size_t pfw_queued(const pfw *fw);

#endif
