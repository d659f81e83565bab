/* An emulated Poise USB plate for tests, the benchmark and the demo.
 *
 * umockdev provides the device in sysfs and /dev/bus/usb; every usbdevfs
 * ioctl that libusb sends to it (claim, control and interrupt URBs, reap,
 * discard) is answered in this process by an ioctl handler that runs the
 * real firmware core (firmware-protocol/firmware/plate_fw.c) behind a
 * HAL whose ADC is either a known pattern or the simulated person of
 * src/device/sim.c. So the backend's whole path is exercised: libusb, the
 * Linux usbfs backend, our transfers and parsing.
 *
 * The usbdevfs side (URBs, claims, readiness of the node for libusb's
 * poll) is usbfs_emu.h's, shared with the emulated Bluetooth adapter.
 *
 * Threads: umockdev answers ioctls on its worker thread; in realtime mode
 * a "USB frame" thread ticks once per millisecond (the sampling clock and
 * the interrupt endpoint's polling); the test thread injects faults and
 * unplugs. One mutex guards it all.
 */
#ifndef POISE_TEST_PLATE_EMU_H
#define POISE_TEST_PLATE_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device/device.h"
#include "poise_proto.h"

typedef struct emu_plate emu_plate;

enum emu_calib {
	EMU_CALIB_GOOD = 0,
	EMU_CALIB_CORRUPT, /* one stored byte flipped: CRC mismatch */
	EMU_CALIB_BLANK,   /* erased flash */
};

enum emu_source {
	EMU_PATTERN = 0, /* deterministic counts from the sample index */
	EMU_PERSON,      /* a swaying person (the sim's inverted pendulum) */
};

typedef struct emu_cfg {
	const char *serial;       /* NULL: "EMU-0001" */
	uint8_t proto_major;      /* 0: PP_VERSION_MAJOR */
	enum emu_calib calib;
	bool realtime;            /* true: paced by the clock, 1 packet per ms;
	                           * false: every reap is answered at once */
	uint16_t default_rate_hz; /* 0: 1000 */
	enum emu_source source;
	uint64_t seed;            /* EMU_PERSON's sway */
	double clock_ppm;         /* realtime: the device crystal's error */
	size_t log_cap;           /* frames remembered by emu_sent (0: 2^20) */
	/* EMU_PERSON: the cells' true response, counts = offset + force/gain
	 * (a negative gain: a cell wired the other way round). NULL: the
	 * factory calibration in its flash (emu_calibration) is the truth.
	 * Copied at create. */
	const pp_calib *hw;
} emu_cfg;

/* What the plate put on the wire intact and the host reaped. */
typedef struct emu_sent_frame {
	uint32_t seq;
	uint16_t status;
	uint64_t t_us;
	int32_t counts[PP_CHANNELS];
} emu_sent_frame;

enum emu_fault {
	EMU_CORRUPT,   /* the next n frames leave with a flipped byte (CRC error) */
	EMU_DROP,      /* the next n frames are lost on the wire (sequence gap) */
	EMU_OVERRANGE, /* the next n samples saturate channel `channel` */
};

/* Re-executes the program under libumockdev-preload if it is not there
 * yet (call first thing in main). Returns only when the preload is active;
 * on failure prints why and returns false. */
bool emu_ensure_preload(char **argv);

/* Creates the umockdev testbed and plugs in one plate. Must come before
 * any libusb context of the process. *out untouched on failure; returns 0
 * or -1 (message on stderr). */
int emu_create(emu_plate **out, const emu_cfg *cfg);

/* Unplugs and frees everything. Every libusb context must be closed. */
void emu_destroy(emu_plate *e);

/* Arms a fault for the next n frames (channel only for EMU_OVERRANGE). */
void emu_inject(emu_plate *e, enum emu_fault f, unsigned n, unsigned channel);

/* EMU_PERSON: steers the simulated person on the plate (dev_steer: step
 * off, lean, or no person but a still mass of object_kg at x, y: a known
 * mass placed on a spot). Returns 0, or -1 for a plate without a person. */
int emu_steer(emu_plate *e, const dev_steer *s);

/* Pulls the cable: transfers in flight end with -ESHUTDOWN (those already
 * complete are still reaped, as with the kernel), every later ioctl fails
 * with ENODEV, the device leaves sysfs with a "remove" uevent. */
void emu_unplug(emu_plate *e);

/* Plugs the plate back in: a fresh boot of the firmware (sequence and clock
 * from zero, calibration from its flash) at the next device address. */
int emu_replug(emu_plate *e);

/* Copies up to max of the frames sent intact so far into out; returns how
 * many were sent in all. */
size_t emu_sent(emu_plate *e, emu_sent_frame *out, size_t max);

/* The calibration the plate holds (for expected forces). */
void emu_calibration(const emu_plate *e, pp_calib *out);

/* The plate's current device node, e.g. "/dev/bus/usb/001/002". */
const char *emu_devnode(const emu_plate *e);

/* The testbed's root directory (sysfs and /dev live under it). */
const char *emu_root(const emu_plate *e);

#endif
