/* An emulated USB Bluetooth adapter with a Wii Balance Board in range, for
 * the wbb-usb tests and the demo. Written for the tests from the Bluetooth
 * Core Specification and WiiBrew; it shares no code with the host it tests
 * beyond the byte helpers of bt_proto.h.
 *
 * umockdev provides the adapter in sysfs and /dev/bus/usb (ids 0a12:0001,
 * class E0/01/01, the endpoints of a CSR8510: interrupt IN 0x81 with 16-byte
 * packets, bulk IN 0x82, bulk OUT 0x02, and an isochronous interface 1);
 * every usbdevfs ioctl libusb sends is answered in this process:
 *   - the controller: HCI commands from control transfers (reset, address,
 *     buffer sizes, version, timeouts, scan enable, inquiry, remote name,
 *     create/accept/reject connection, disconnect, authentication, link key
 *     and PIN replies), one credit at a time (a command sent without one is
 *     counted as a violation); events in 16-byte interrupt packets; ACL
 *     data both ways with 4 buffers of 310 bytes (sending more than the
 *     credits allow is a violation); Number Of Completed Packets;
 *   - the kernel side: a "btusb" driver that may hold interface 0
 *     (GETDRIVER, DISCONNECT, CONNECT), claims per client (EBUSY);
 *   - the board: found by inquiry while its sync button is "pressed",
 *     paired with the PIN = the adapter's address backwards (any other PIN
 *     fails), remembering the host and the link key; when switched on and
 *     paired it pages the host, authenticates with the key and opens its
 *     HID channels itself; otherwise it accepts the host's channels; it
 *     answers LEDs, status requests, register writes (acknowledged) and
 *     reads (0xa400fa: the board's extension id, 0xa40024: a known
 *     calibration block), and in mode 0x32/0x34 sends data reports of the
 *     loads given (through the inverse of that calibration) at 40–125 Hz,
 *     irregularly.
 * Faults can be injected into the board's stream (malformed ACL, L2CAP,
 * signalling and HID packets), the controller (a command answered with an
 * error or never), the link (the board switched off or out of range) and
 * the adapter (unplugged).
 *
 * Threads: umockdev answers ioctls on its worker thread; a 1 ms ticker
 * thread runs the radio's timers and the board's reports; the test thread
 * calls the functions below. One mutex guards it all.
 */
#ifndef POISE_TEST_BT_EMU_H
#define POISE_TEST_BT_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device/bt_proto.h"
#include "device/wbb_proto.h"

typedef struct bt_emu bt_emu;

typedef struct bt_emu_cfg {
	bool kernel_driver;     /* interface 0 starts bound to "btusb" */
	bool driver_loaded;     /* "btusb" takes the interface back when asked */
	uint16_t acl_in_frag;   /* the board's L2CAP frames reach the host in ACL
	                         * fragments of this many bytes (0: whole) */
	bool board_on;          /* the board is switched on at the start */
	bool board_sync;        /* ... with its red sync button pressed */
	bool board_paired;      /* it already remembers this adapter (and the
	                         * key given in board_key) */
	uint8_t board_key[16];
	bool not_a_board;       /* its extension id is a Nunchuk's */
	bool corrupt_calib;     /* its calibration block is not increasing */
	uint8_t battery;        /* the data reports' battery byte (0: 0x7f) */
	uint64_t seed;          /* the reports' timing jitter */
} bt_emu_cfg;

/* One data report the host reaped. */
typedef struct bt_emu_report {
	uint16_t raw[4]; /* canonical order TL, TR, BL, BR */
	uint8_t battery;
} bt_emu_report;

enum bt_emu_fault {
	BTE_BAD_L2CAP_LEN,  /* an L2CAP frame announcing more than comes */
	BTE_ORPHAN_CONT,    /* an ACL continuation without a start */
	BTE_UNKNOWN_CID,    /* data for a channel that does not exist */
	BTE_OTHER_HANDLE,   /* ACL data on a connection the host never made */
	BTE_TRUNC_SIG,      /* a signalling command longer than its frame */
	BTE_UNKNOWN_SIG,    /* a signalling command code nobody knows */
	BTE_HID_NO_HEADER,  /* interrupt data without the 0xa1 input header */
	BTE_HID_SHORT,      /* a data report cut to 5 bytes */
	BTE_HID_UNKNOWN,    /* a report id the host does not use */
	BTE_STATUS,         /* an unasked status report (the board then stops
	                     * its data reports until the mode is set again) */
	BTE_FAULT_COUNT
};

enum bt_emu_cmd_fault {
	BTE_CMD_OK = 0,
	BTE_CMD_ERROR,   /* answered with status 0x03, hardware failure */
	BTE_CMD_SILENT,  /* never answered */
};

/* What the emulator saw. */
typedef struct bt_emu_stats {
	uint32_t commands;          /* HCI commands received */
	uint32_t resets;
	uint32_t cmd_violations;    /* commands sent without a credit */
	uint32_t acl_violations;    /* ACL packets sent without a buffer */
	uint32_t pin_pairings;      /* successful PIN pairings */
	uint32_t pin_failures;      /* wrong PINs */
	uint32_t rejects_from_host; /* L2CAP Command Rejects the board got */
	uint32_t ext_init_writes;   /* the extension's two set-up writes */
	uint32_t mode_sets;         /* data reporting mode reports */
	uint32_t connections;       /* baseband connections made */
	uint32_t faults_sent;       /* injected faults put on the air */
	uint8_t leds;               /* the board's LEDs as last set */
	bool board_connected;
	bool kernel_driver;         /* "btusb" holds the interface now */
	bool scan_page;             /* page scan is on */
} bt_emu_stats;

/* Re-executes the program under libumockdev-preload if needed (as
 * plate_emu.h's emu_ensure_preload; either one will do). */
bool bt_emu_ensure_preload(char **argv);

/* Creates the testbed with the adapter plugged in (before any libusb
 * context of the process). *out untouched on failure; returns 0 or -1
 * (message on stderr). */
int bt_emu_create(bt_emu **out, const bt_emu_cfg *cfg);

/* Unplugs and frees everything; every libusb context must be closed. */
void bt_emu_destroy(bt_emu *e);

/* The loads on the board's four sensors, kg, canonical order TL, TR, BL,
 * BR. */
void bt_emu_set_loads(bt_emu *e, const double kg[4]);

/* Switches the board on (a paired board then pages the host: a
 * connection request, if page scan is on) or off (a connected board's link
 * ends with Disconnection Complete, reason `reason`: BT_ST_CONN_TIMEOUT
 * for out of range, BT_ST_REMOTE_POWER_OFF for its button). */
void bt_emu_board_power(bt_emu *e, bool on, uint8_t reason);

/* Presses the red sync button: on, and discoverable until paired. */
void bt_emu_board_sync(bt_emu *e);

/* Injects a fault into the board's stream, just before its next data
 * report. */
void bt_emu_inject(bt_emu *e, enum bt_emu_fault f);

/* Makes the controller answer opcode with an error or not at all. */
void bt_emu_fail_command(bt_emu *e, uint16_t opcode, enum bt_emu_cmd_fault how);

/* Pulls the adapter out: transfers end with -ESHUTDOWN, ioctls fail with
 * ENODEV, the device leaves sysfs. */
void bt_emu_unplug(bt_emu *e);

/* Copies up to max of the data reports the host reaped so far, in order;
 * returns how many there were. */
size_t bt_emu_reports(bt_emu *e, bt_emu_report *out, size_t max);

void bt_emu_get_stats(bt_emu *e, bt_emu_stats *out);

/* The board's calibration block as it sends it (24 bytes). */
void bt_emu_calibration(uint8_t out[WBB_CALIB_LEN]);

/* The adapter's and the board's addresses. */
bt_addr bt_emu_adapter_addr(void);
bt_addr bt_emu_board_addr(void);

/* The link key the board holds (after a pairing). */
void bt_emu_board_key(bt_emu *e, uint8_t key[16]);

/* The board was paired with another host (a Wii) meanwhile: it holds
 * another link key now (and, for the test, still pages this adapter when
 * switched on). */
void bt_emu_board_paired_elsewhere(bt_emu *e);

/* The adapter's device node and the testbed's root. */
const char *bt_emu_devnode(const bt_emu *e);
const char *bt_emu_root(const bt_emu *e);

#endif
