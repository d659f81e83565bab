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
 */
#ifndef POISE_DEVICE_USBPLATE_H
#define POISE_DEVICE_USBPLATE_H

#include <stdint.h>

#include "device/device.h"

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

#endif
