/* Poise: the Wii Balance Board through the Linux input layer.
 *
 * After the board is paired with the system's Bluetooth, the kernel's
 * hid-wiimote driver reads the board's calibration block itself and
 * publishes an input device called "Nintendo Wii Remote Balance Board"
 * whose axes carry each sensor's load in units of 10 g, calibration
 * already applied: ABS_HAT0X = top-right, ABS_HAT0Y = bottom-right,
 * ABS_HAT1X = top-left, ABS_HAT1Y = bottom-left. The board streams while
 * the node is open.
 *
 * This backend finds that device in /sys/class/input (by name and by the
 * four axes), reads it with libevdev and delivers one frame per EV_SYN
 * report that carried a sensor value: the four current loads in newtons,
 * timestamped with the kernel's event time on CLOCK_MONOTONIC (EVIOCSCLOCKID;
 * should a kernel refuse it, the default CLOCK_REALTIME stamps are shifted
 * onto the monotonic clock by the offset measured at start).
 *
 * Calibration is never applied twice: the units are trusted only when the
 * input device's parent HID device is bound to the kernel driver "wiimote"
 * (hid-wiimote applies the board's calibration in its report handler in
 * every version that has the balance-board module, and publishes the raw
 * block as the HID device's bboard_calib attribute). Any other source of a
 * device with that name (a user-space bridge, an emulator) has unknown
 * units and is listed as unusable. When bboard_calib is readable, it is
 * checked with wbb_parse_calib(): a board whose block is all zero or not
 * increasing gives wrong forces in the kernel too, so open() refuses it.
 *
 * The kernel only sends axes that changed, and no report at all when none
 * did: frames come at the board's irregular 30–100 Hz while someone stands
 * on it, and rarely from an empty, still board. dev_info.rate_irregular is
 * set so the pipeline resamples with a sliding-window average.
 */
#ifndef POISE_DEVICE_WBB_H
#define POISE_DEVICE_WBB_H

#include "device/device.h"

extern const struct dev_ops wbb_ops;

/* The input device name hid-wiimote gives the board. */
#define WBB_INPUT_NAME "Nintendo Wii Remote Balance Board"
/* The kernel driver that applies the board's calibration. */
#define WBB_KERNEL_DRIVER "wiimote"
/* Kernel units: one axis step is 10 g. */
#define WBB_KERNEL_KG_PER_UNIT 0.01
/* Battery capacity (percent, from the kernel's power_supply) at or below
 * which frames carry FRAME_BATTERY_LOW. */
#define WBB_BATTERY_LOW_PERCENT 10

#endif
