/* Poise: the Wii Balance Board's protocol, as pure functions from bytes to
 * numbers (no I/O: every function here is tested from byte vectors).
 *
 * What the board sends (facts from WiiBrew's "Wii Balance Board" page, the
 * Linux kernel's hid-wiimote-modules.c and the Dolphin emulator):
 *   - data report 0x32 or 0x34: the report id, two core-button bytes (the
 *     board's one button is bit 0x08 of the second), then the extension
 *     bytes. Extension bytes 0..7 are four big-endian u16 sensor readings in
 *     the board's order top-right, bottom-right, top-left, bottom-left;
 *     report 0x34 adds byte 8 = temperature, 9 = 0, 10 = battery. Poise
 *     takes the board's names at face value (top = the patient's front);
 *     README tells how to check the orientation by leaning forward.
 *   - the calibration block, 24 bytes read from register 0xa40024: the four
 *     sensors' readings (same board order, big-endian u16) at 0 kg, then at
 *     17 kg, then at 34 kg. A CRC32 follows at 0xa4003c (not checked here).
 * Poise's canonical order is TL, TR, BL, BR (core/frame.h): the mapping
 * below is the one place that reorders.
 *
 * Readings become kilograms piecewise-linearly through the three reference
 * points (below 17 kg on the 0–17 segment, from 17 kg on the 17–34
 * segment), extrapolated below 0 kg and above 34 kg, never capped, then
 * newtons with standard gravity. (The kernel, unlike this parser, clamps
 * readings below 0 kg to 0.)
 */
#ifndef POISE_DEVICE_WBB_PROTO_H
#define POISE_DEVICE_WBB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cop.h"
#include "core/frame.h"

#define WBB_REPORT_KE8 0x32   /* core buttons + 8 extension bytes */
#define WBB_REPORT_KE19 0x34  /* core buttons + 19 extension bytes */
#define WBB_CALIB_ADDR 0xa40024u
#define WBB_CALIB_LEN 24
#define WBB_CALIB_KG_STEP 17.0 /* the reference loads are 0, 17, 34 kg */
#define WBB_G_M_S2 9.80665     /* standard gravity: kg → N */

/* Sensor spacing (centre to centre) of the board: 433 mm medio-lateral,
 * 238 mm antero-posterior (Leach et al. 2014, measured). Some sources give
 * 228 mm AP; the AP spacing is a setting (wbb_plate) with this default. */
#define WBB_WIDTH_MM 433.0
#define WBB_DEPTH_MM 238.0

/* Battery byte (extension byte 10) at or below which the board is nearly
 * empty: WiiBrew's last bar. About 25.3 counts per volt (WiiBrew forum) puts
 * it at ≈ 4.2 V for the four AA cells. */
#define WBB_BATTERY_LOW_RAW 0x6a

/* One data report, decoded. */
typedef struct wbb_sample {
	uint16_t raw[CELL_COUNT]; /* sensor readings, canonical order TL,TR,BL,BR */
	bool button;              /* the front button is pressed */
	bool has_status;          /* report 0x34: temperature and battery valid */
	uint8_t temperature;      /* raw byte, unit undocumented */
	uint8_t battery;          /* raw byte; see WBB_BATTERY_LOW_RAW */
} wbb_sample;

/* The calibration block, decoded: ref[cell][i] is the reading of cell
 * (canonical order) under i·17 kg. */
typedef struct wbb_calib {
	uint16_t ref[CELL_COUNT][3];
} wbb_calib;

/* The board's order of sensors in reports and calibration (TR, BR, TL, BL)
 * as canonical cells. Static storage, 4 entries. */
const enum cell *wbb_board_order(void);

/* Decodes the extension bytes of a data report: ext[0..len), len ≥ 8
 * (report 0x32) or ≥ 11 (then temperature and battery are read too and
 * has_status is set). Does not touch button. Returns POISE_E_PROTOCOL for
 * fewer than 8 bytes (out untouched). */
int wbb_parse_ext(const uint8_t *ext, size_t len, wbb_sample *out);

/* Decodes a whole data report starting at its report id (0x32: 11 bytes,
 * 0x34: 22 bytes; longer is fine). Returns POISE_E_PROTOCOL for another id
 * or a short report (out untouched). */
int wbb_parse_report(const uint8_t *report, size_t len, wbb_sample *out);

/* Decodes the 24-byte calibration block. Returns POISE_E_PROTOCOL (out
 * untouched) when len < 24, or when the block cannot be a calibration:
 * every value zero (the read failed or the board was never calibrated), or
 * a sensor whose readings do not increase strictly from 0 to 17 to 34 kg
 * (a corrupt block would turn into garbage forces). *bad_cell (if not
 * NULL) gets the first offending canonical cell, or -1 for a too-short or
 * all-zero block. */
int wbb_parse_calib(const uint8_t *block, size_t len, wbb_calib *out, int *bad_cell);

/* Converts raw readings (canonical order) to kilograms per cell with the
 * piecewise-linear calibration; extrapolates both ways. c must have passed
 * wbb_parse_calib. */
void wbb_raw_to_kg(const wbb_calib *c, const uint16_t raw[CELL_COUNT], double kg[CELL_COUNT]);

/* The same in newtons (kg × WBB_G_M_S2). */
void wbb_raw_to_n(const wbb_calib *c, const uint16_t raw[CELL_COUNT], double force_n[CELL_COUNT]);

/* ---- what the kernel publishes in sysfs (text; pure parsers) ---- */

/* True if the capability bitmap text of an input device (space-separated
 * hex words, most significant first, each one unsigned long:
 * capabilities/abs) has bit `bit`. Malformed text has no bits. Called by
 * the backend's probe. */
bool wbb_caps_has_bit(const char *text, unsigned bit);

/* Turns the kernel's bboard_calib text (twelve hex values of at most 4
 * digits, separated by ':' or blanks) into the 24-byte block of
 * wbb_parse_calib. Returns POISE_OK, or POISE_E_PROTOCOL for text that is
 * not that (block then undefined). */
int wbb_calib_from_text(const char *text, uint8_t block[WBB_CALIB_LEN]);

/* A power_supply capacity ("0".."100", optional blanks and newline) as a
 * percentage, or -1 when the text is not one. */
int wbb_percent_from_text(const char *text);

/* True if the battery byte says the board is nearly empty. */
bool wbb_battery_low(uint8_t battery);

/* Battery byte of a full board (four fresh AA cells) and one below the
 * last bar: wbb_battery_pct() is linear between them. An estimate from the
 * voltage, not a measured charge. */
#define WBB_BATTERY_FULL_RAW 0x83
#define WBB_BATTERY_EMPTY_RAW 0x69

/* The battery byte as a percentage (0–100, clamped). */
int wbb_battery_pct(uint8_t battery);

/* ---- HID reports over Bluetooth (the board speaks the Wii Remote's
 * protocol: WiiBrew's "Wiimote/Protocol", the kernel's hid-wiimote-core.c).
 * On the HID interrupt channel every input report starts with 0xa1 and
 * every output report with 0xa2, then the report id. The functions below
 * take or write reports from the report id on (without that first byte).
 */
#define WBB_HIDP_INPUT 0xa1  /* HIDP DATA | input */
#define WBB_HIDP_OUTPUT 0xa2 /* HIDP DATA | output */

enum wbb_out_report {
	WBB_OUT_LEDS = 0x11,       /* 1 byte: LED bits 0x10..0x80 */
	WBB_OUT_MODE = 0x12,       /* flags (0x04 continuous), data report id */
	WBB_OUT_STATUS_REQ = 0x15, /* 1 byte, 0 */
	WBB_OUT_WRITE = 0x16,      /* space, 24-bit address, size, 16 data bytes */
	WBB_OUT_READ = 0x17,       /* space, 24-bit address, 16-bit size */
};

enum wbb_in_report {
	WBB_IN_STATUS = 0x20,    /* buttons, flags, 2 reserved, battery */
	WBB_IN_READ_DATA = 0x21, /* buttons, size-1|error, address low 16, 16 bytes */
	WBB_IN_ACK = 0x22,       /* buttons, output report id, error */
};

#define WBB_LED_1 0x10      /* the board's one LED (the power button's) */
#define WBB_MODE_CONTINUOUS 0x04
#define WBB_SPACE_REGISTERS 0x04
#define WBB_MAX_OUT 22      /* the longest output report, with its id */

/* The extension's registers: two writes switch the extension to
 * unencrypted reports (0x55 at 0xa400f0, then 0x00 at 0xa400fb), six bytes
 * at 0xa400fa identify it; the board's ends in 04 02. */
#define WBB_EXT_INIT1_ADDR 0xa400f0u
#define WBB_EXT_INIT1_VALUE 0x55
#define WBB_EXT_INIT2_ADDR 0xa400fbu
#define WBB_EXT_INIT2_VALUE 0x00
#define WBB_EXT_ID_ADDR 0xa400fau
#define WBB_EXT_ID_LEN 6

/* True if a 6-byte extension id is the balance board's. */
bool wbb_ext_is_board(const uint8_t id[WBB_EXT_ID_LEN]);

/* Output reports into out (room for WBB_MAX_OUT); each returns its length. */
size_t wbb_out_leds(uint8_t *out, uint8_t leds);
size_t wbb_out_mode(uint8_t *out, uint8_t report_id, bool continuous);
size_t wbb_out_status_request(uint8_t *out);
/* n ≤ 16 data bytes (longer is cut at 16). */
size_t wbb_out_write(uint8_t *out, uint32_t addr, const uint8_t *data, size_t n);
size_t wbb_out_read(uint8_t *out, uint32_t addr, uint16_t n);

/* Status report 0x20. */
typedef struct wbb_status {
	bool battery_low;  /* flag bit 0 */
	bool extension;    /* flag bit 1: an extension is connected */
	uint8_t leds;      /* flag bits 4–7 */
	uint8_t battery;   /* raw byte; the board's says little (its real
	                    * voltage is in the data reports: WiiBrew forum) */
} wbb_status;
int wbb_parse_status(const uint8_t *r, size_t n, wbb_status *out);

/* Read-memory reply 0x21: one report carries up to 16 bytes. */
typedef struct wbb_read_reply {
	uint16_t addr_lo; /* the low 16 bits of the address of data[0] */
	uint8_t size;     /* 1..16 */
	uint8_t error;    /* 0 ok, 7 write-only, 8 no such address */
	const uint8_t *data;
} wbb_read_reply;
int wbb_parse_read_reply(const uint8_t *r, size_t n, wbb_read_reply *out);

/* Acknowledgement 0x22 of an output report. */
typedef struct wbb_ack {
	uint8_t report; /* the output report it answers */
	uint8_t error;  /* 0 = done */
} wbb_ack;
int wbb_parse_ack(const uint8_t *r, size_t n, wbb_ack *out);

/* The board's plate geometry: 433 mm ML and depth_mm AP (0: the default
 * WBB_DEPTH_MM). POISE_E_INVALID for a depth outside 150–300 mm. */
int wbb_plate(double depth_mm, cop_plate *out);

#endif
