/* Poise: the USB force plate backend ("usb"), our open protocol
 * (firmware-protocol/PROTOCOL.md) read through libusb.
 *
 * enumerate finds plates by VID/PID and interface class/subclass/protocol
 * and probes each (open, claim, GET_INFO, GET_CALIBRATION), so a plate that
 * cannot be used is listed with the reason: permission denied (the udev
 * rule in assets/udev/ is missing), in use, a newer protocol, a missing or
 * corrupt calibration. open refuses the same cases (POISE_E_ACCESS,
 * POISE_E_BUSY, POISE_E_PROTOCOL), so no force is ever computed from a
 * calibration that fails its check.
 *
 * Streaming: USBP_XFERS asynchronous interrupt transfers stay in flight;
 * read() runs libusb's event loop on the acquisition thread, and the
 * transfer callbacks decode frames (CRC, sequence), map the device clock
 * onto the host's (core/clkmap.h) and convert counts to newtons. Lost
 * frames are counted and flag FRAME_GAP on the next good frame; nothing is
 * invented or reordered. An unplugged plate ends the stream with
 * POISE_E_DISCONNECTED after every frame received was read; reconnect.h
 * brings it back when it is plugged in again.
 *
 * Setting a plate up (usbp_cal_*, below): a plate with an unusable
 * calibration block can still be opened to calibrate it; it then streams
 * raw counts in a type of their own, never as a dev, and a new block is
 * written and read back.
 */
#ifndef POISE_DEVICE_USBPLATE_H
#define POISE_DEVICE_USBPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device/device.h"
#include "poise_proto.h"

#define USBP_XFERS 8             /* transfers in flight */
#define USBP_XFER_PACKETS 4      /* packets per transfer (8 frames at most) */
#define USBP_QUEUE_FRAMES 4096   /* decoded frames waiting for read() */

extern const struct dev_ops usbp_ops;

/* What the stream went through since start(). */
typedef struct usbp_stats {
	uint64_t frames;       /* delivered by read() (or waiting for it) */
	uint64_t lost;         /* sequence numbers never seen (gaps, CRC drops) */
	uint64_t crc_errors;   /* frames dropped for a bad CRC or sync byte */
	uint64_t bad_version;  /* frames of another protocol version, dropped */
	uint64_t stale;        /* frames with an old sequence number, dropped */
	uint64_t bad_packets;  /* transfers not made of whole frames, or failed */
	uint64_t overflows;    /* frames dropped because read() fell behind */
	uint64_t transfers;    /* transfers completed */
	double drift_ppm;      /* the device clock's drift against the host's */
} usbp_stats;

/* Copies d's counters (d from usbp_ops). Call it on the acquisition thread
 * or after stop(). */
void usbp_get_stats(const dev *d, usbp_stats *out);

/* ---- setting a plate up: writing its calibration --------------------------
 *
 * usbp_ops.open refuses a plate whose calibration block is blank, corrupt
 * or out of range: no force is ever computed from it. To calibrate such a
 * plate (or to recalibrate a working one), it is opened another way:
 * usbp_cal_open gives a usbp_cal, which is NOT a dev. It streams raw ADC
 * counts (usbp_raw_frame has no newtons anywhere), so nothing it delivers
 * can reach the session engine, a recording or a patient's record; the
 * fit that turns counts into a calibration is core/platecal.h's, the
 * steps the therapist follows are ui/scr_calibrate.c's. usbp_cal_write
 * then writes a new block (SET_CALIBRATION, PROTOCOL.md §5.2, the plate
 * stopped) and reads it back (GET_CALIBRATION) to check that the plate
 * holds exactly what was sent; from then on usbp_ops.open takes the
 * plate as usual.
 *
 * One owner at a time: close the plate's dev (the app's session) before
 * usbp_cal_open, and the usbp_cal before opening the dev again. Threads:
 * everything from one thread (the app's main thread: usbp_cal_read with
 * timeout 0 takes what has arrived without waiting, and the plate
 * streams at its lowest rate so a 60 Hz frame loop keeps up). */

/* The state of a plate's calibration block. */
enum usbp_cal_state {
	USBP_CAL_VALID = 0, /* usable: the plate opens normally */
	USBP_CAL_BLANK,     /* erased flash: never calibrated */
	USBP_CAL_CORRUPT,   /* CRC mismatch, or no "PCAL" magic */
	USBP_CAL_UNUSABLE,  /* readable, but a version or a value out of range */
};

/* A plate found by usbp_cal_enumerate. */
typedef struct usbp_cal_found {
	dev_info info;            /* as usbp_ops.enumerate lists it (usable, note) */
	bool can_calibrate;       /* it answered GET_INFO and GET_CALIBRATION, so
	                           * usbp_cal_open takes it (false: permission
	                           * denied, in use, a newer protocol...: info.note) */
	enum usbp_cal_state cal;  /* its block, when can_calibrate */
} usbp_cal_found;

/* Lists the USB plates present with the state of their calibration, as
 * usbp_ops.enumerate does (probing each; *n_found may exceed max). The
 * app's plate check calls it to offer the set-up of a plate it cannot
 * use. POISE_OK even when none is found. */
int usbp_cal_enumerate(usbp_cal_found *out, size_t max, size_t *n_found);

/* One sample of a plate being calibrated: raw counts, NOT newtons. */
typedef struct usbp_raw_frame {
	mono_us t_us;                /* host time (device clock mapped, as frames) */
	uint32_t seq;                /* device sequence number */
	uint32_t flags;              /* FRAME_GAP, FRAME_OVERRANGE_x, FRAME_ADC_FAULT */
	int32_t counts[CELL_COUNT];  /* signed 24-bit ADC counts, TL TR BL BR */
} usbp_raw_frame;

typedef struct usbp_cal usbp_cal;

/* Opens the plate `which` (its id "usb:1-2" or its serial; NULL or "": the
 * first plate found) for calibrating, whatever the state of its block, at
 * the lowest rate it supports. On failure *out is untouched, msg says
 * why for people (not found, permission denied, in use...) and the
 * return value is the error (POISE_E_NOT_FOUND, POISE_E_ACCESS,
 * POISE_E_BUSY, POISE_E_PROTOCOL). The caller owns *out (usbp_cal_close). */
int usbp_cal_open(usbp_cal **out, const char *which, char *msg, size_t msg_len);

/* What the plate says of itself: id, serial, geometry (plate), rate.
 * info->usable is false while its block is not valid (note says why).
 * Owned by c. */
const dev_info *usbp_cal_info(const usbp_cal *c);

/* The state of the plate's block; with current (may be NULL), the block
 * itself when it is valid (zeroed otherwise). */
enum usbp_cal_state usbp_cal_state(const usbp_cal *c, pp_calib *current);

/* Starts the stream of raw counts. POISE_E_STATE if it runs. */
int usbp_cal_start(usbp_cal *c);

/* As dev_ops.read, with raw frames: waits up to timeout_ms (0: takes what
 * has arrived, without waiting), copies up to max frames, oldest first; POISE_OK
 * (maybe 0 frames), POISE_E_DISCONNECTED once the plate went away (after
 * every frame received), POISE_E_STATE if not started. */
int usbp_cal_read(usbp_cal *c, usbp_raw_frame *out, size_t max, size_t *n_read, int timeout_ms);

/* Stops the stream. Idempotent. */
int usbp_cal_stop(usbp_cal *c);

/* Writes cal to the plate (SET_CALIBRATION) and reads it back
 * (GET_CALIBRATION): POISE_OK only if the plate now holds exactly the
 * block sent, and the plate opens normally from then on. The stream must
 * be stopped (POISE_E_STATE). A block outside the protocol's ranges is
 * not sent (POISE_E_RANGE); a plate that refuses it (it checks the block
 * itself, and its flash write may fail) gives POISE_E_PROTOCOL; a read
 * back that differs, POISE_E_IO. msg says what happened for people. The
 * caller sets cal->calibrated_at_s. */
int usbp_cal_write(usbp_cal *c, const pp_calib *cal, char *msg, size_t msg_len);

/* Stops if needed and frees everything; NULL is fine. */
void usbp_cal_close(usbp_cal *c);

#endif
