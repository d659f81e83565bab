/* Poise: the Wii Balance Board through a USB Bluetooth adapter that Poise
 * drives itself ("wbb-usb"): no BlueZ pairing, no kernel driver; the
 * adapter is given to Poise alone (README, "Wii Balance Board without
 * BlueZ").
 *
 * enumerate lists, per adapter found (class E0/01/01, or a VID:PID named in
 * POISE_BT_ADAPTER), without touching its radio:
 *   - one entry for the adapter itself, id "usb:BUS-PORT": opening it
 *     connects whichever paired board switches on, or finds a new board by
 *     inquiry after its red sync button and pairs it;
 *   - one entry per board paired with it (bt_keys), id
 *     "usb:BUS-PORT/00:1F:..", serial = the board's Bluetooth address (so
 *     reconnect.h finds the same board again), note = the battery when it
 *     was last connected;
 * or a single unusable entry saying why: permission denied (the udev rule
 * is missing), used by the system's Bluetooth (a kernel driver holds it and
 * POISE_BT_ADAPTER does not name it), in use by another program.
 *
 * POISE_BT_ADAPTER (environment) = a comma-separated list of VID:PID (hex)
 * or usb:BUS-PORT locators: adapters that are Poise's even while a kernel
 * driver holds them. open() then detaches the driver (the entry's note says
 * so) and close() gives the adapter back.
 *
 * open (main thread) claims the adapter, resets it, sets it to accept a
 * paired board's connection, and waits up to WBBU_CONNECT_WAIT_MS for a
 * board: the board's own connection (its power button), or inquiry and
 * PIN pairing (the red sync button). Then, over the board's HID interrupt
 * channel: LED on, a status request (battery, extension present), the
 * extension's initialisation writes, its id (must be the board's), the
 * 24-byte calibration block (checked with wbb_parse_calib), data reporting
 * mode 0x34, and the first data report (battery). A failure returns the
 * error and the adapter as it was; wbbu_open_msg() also says what failed.
 * With cfg->reopen (reconnect.h looking again, once a second) it does not
 * reset or wait: it only takes a board whose connection the adapter
 * already holds, else POISE_E_NOT_FOUND at once.
 *
 * Streaming: read() runs the host's USB events on the acquisition thread;
 * each data report becomes a frame: the four loads through the board's
 * calibration (wbb_proto) in newtons, timestamped with the host's
 * monotonic time when its USB transfer arrived (strictly increasing), seq
 * counting frames, FRAME_GAP after anything dropped, FRAME_BATTERY_LOW from
 * the report's battery byte. dev_info.rate_irregular is set, as for the
 * evdev path. A status report that comes unasked sets the reporting mode
 * again (the board stops sending data reports otherwise).
 *
 * Link loss (the board switched off, out of range, batteries out; the
 * adapter unplugged): read() returns every frame received, then
 * POISE_E_DISCONNECTED; at that moment the adapter is let go without a
 * reset, still listening for the board (bt_host.h, bth_handoff), so the
 * reopen that reconnect.h does next takes the board's connection as soon
 * as it is switched on again. close() resets the adapter and gives it back
 * to the kernel's driver, unless another open holds it.
 *
 * The link keys live in $XDG_DATA_HOME/poise/bluetooth (bt_keys.h).
 */
#ifndef POISE_DEVICE_WBB_USB_H
#define POISE_DEVICE_WBB_USB_H

#include <stddef.h>
#include <stdint.h>

#include "device/device.h"

#define WBBU_CONNECT_WAIT_MS 10000 /* open() waits this long for a board */
#define WBBU_REPLY_TIMEOUT_MS 1000 /* the board answers each request by then */
#define WBBU_QUEUE_FRAMES 1024     /* decoded frames waiting for read() */
#define WBBU_RATE_HZ 60            /* nominal: the board sends 30–100 Hz */
#define WBBU_ENV_ADAPTER "POISE_BT_ADAPTER"

extern const struct dev_ops wbbu_ops;

/* open() with a sentence for people on failure: what failed, where and
 * what to do ("the Bluetooth adapter did not answer HCI_Reset within 2 s:
 * unplug it and plug it back in"); wbbu_ops.open_msg. */
int wbbu_open_msg(dev **out, const dev_info *which, const dev_open_cfg *cfg, char *msg,
                  size_t msg_len);

/* What the stream and the link went through since open(). */
typedef struct wbbu_stats {
	uint64_t frames;         /* delivered by read() (or waiting for it) */
	uint64_t data_reports;   /* data reports received (also before start) */
	uint64_t bad_hid;        /* HID packets dropped: no input header, short */
	uint64_t bad_link;       /* L2CAP and ACL packets dropped as malformed */
	uint64_t sig_rejected;   /* signalling commands answered with Reject */
	uint64_t other_reports;  /* reports of kinds we do not use */
	uint64_t status_reports; /* status reports (each re-arms the data mode) */
	uint64_t overflows;      /* frames dropped because read() fell behind */
	uint8_t battery_raw;     /* the last data report's battery byte */
	int battery_pct;         /* wbb_battery_pct() of it; -1 before one came */
	uint32_t connect_ms;     /* open(): from the claim to the first data report */
	uint32_t pairings;       /* new link keys stored by this open */
} wbbu_stats;

/* Copies d's counters (d from wbbu_ops). Acquisition thread, or after
 * stop(). */
void wbbu_get_stats(const dev *d, wbbu_stats *out);

#endif
