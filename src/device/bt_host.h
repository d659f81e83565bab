/* Poise: a minimal Bluetooth BR/EDR host over libusb, just enough to drive
 * one Wii Balance Board through a USB Bluetooth adapter that is given to
 * Poise alone (no BlueZ, no kernel Bluetooth driver in the way).
 *
 * What it does, on one claimed adapter:
 *   - HCI commands as class control transfers, one in flight at a time and
 *     only while the adapter grants credits (Num_HCI_Command_Packets), each
 *     with a timeout; events from the interrupt endpoint; ACL data on the
 *     bulk endpoints with the adapter's buffer credits (Number Of Completed
 *     Packets). All transfers are asynchronous; bth_pump() runs libusb's
 *     event loop and everything happens in its callbacks, on the calling
 *     thread.
 *   - One link to one board: accepting the board's own connection (a paired
 *     board pages its host when switched on) or finding an unpaired one by
 *     inquiry and name ("Nintendo RVL-WBC-01", after its red sync button)
 *     and connecting to it; legacy PIN pairing with the host's address
 *     reversed as the PIN (the board's rule for the sync button), so it
 *     reconnects by itself later; link keys kept in bt_keys.
 *   - L2CAP signalling for the HID control (PSM 0x11) and interrupt (PSM
 *     0x13) channels, opened by either side, configured both ways; echo and
 *     information requests answered; anything else rejected.
 *   - Malformed input (a packet shorter than its header says, a fragment
 *     without a start, a truncated signalling command, data for a channel
 *     that does not exist) is dropped and counted, never trusted.
 *
 * Threads: one thread at a time (open on the main thread, then the
 * acquisition thread); nothing here locks.
 *
 * Ownership: bth_open() returns a host that owns its libusb handle (and
 * the context it was given stays the caller's, alive until bth_close()).
 */
#ifndef POISE_DEVICE_BT_HOST_H
#define POISE_DEVICE_BT_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libusb.h>

#include "core/frame.h"
#include "device/bt_proto.h"

#define BTH_CMD_TIMEOUT_MS 2000  /* an HCI command must be answered by then */
#define BTH_SETUP_TIMEOUT_MS 5000 /* a link must have its channels by then */
#define BTH_BOARD_NAME "Nintendo RVL-WBC-01"

typedef struct bth bth;

/* The adapter's USB side, as found by bth_adapter_probe(). */
typedef struct bth_usb {
	uint8_t iface;        /* the HCI interface (0 on every adapter seen) */
	uint8_t ev_in;        /* interrupt IN endpoint: events */
	uint16_t ev_mps;      /* its max packet size */
	uint8_t acl_in;       /* bulk IN: ACL data from the adapter */
	uint8_t acl_out;      /* bulk OUT: ACL data to the adapter */
	uint16_t vid, pid;
} bth_usb;

/* True if ld is a Bluetooth adapter we can drive: its first interface is
 * class E0/01/01 (wireless controller, RF, Bluetooth), or vid:pid is in
 * extra_ids (a "VID:PID,VID:PID" list; NULL: none), and it has the three
 * endpoints. Fills *u. */
bool bth_adapter_probe(libusb_device *ld, const char *extra_ids, bth_usb *u);

/* What happens on the link, told to the host's user from inside
 * bth_pump() (or any call that pumps). */
typedef struct bth_events {
	void *ctx;
	/* Data arrived on an open HID channel of the board link: psm is
	 * BT_PSM_HID_CONTROL or BT_PSM_HID_INTERRUPT; b[0..n) is the L2CAP
	 * payload (HIDP header first), valid during the call only; t_us is when
	 * the USB transfer that completed it arrived. */
	void (*hid)(void *ctx, uint16_t psm, const uint8_t *b, size_t n, mono_us t_us);
	/* Inbound data of the board link was malformed and dropped: a sample
	 * may have been lost with it. */
	void (*dropped)(void *ctx);
} bth_events;

typedef struct bth_cfg {
	bool take_from_kernel; /* detach a kernel driver (btusb) that holds the
	                        * adapter; false: POISE_E_BUSY instead */
	bool reset;            /* HCI_Reset first. false: adopt an adapter that
	                        * a previous holder left listening for its board
	                        * (bth_handoff), keeping a connection request it
	                        * queued meanwhile */
	bth_events ev;
} bth_cfg;

/* Opens and claims the adapter ld (described by u), starts its transfers
 * and brings the controller up: reset (if cfg->reset), address, buffer
 * sizes, version, page timeout, accept timeout, page scan on (so a paired
 * board can connect). On failure *out is untouched, the adapter is left as
 * it was found (a detached kernel driver is given back), and msg says what
 * failed, where and what to do. Returns POISE_E_ACCESS, POISE_E_BUSY
 * (held by the system's Bluetooth or another program), POISE_E_TIMEOUT
 * (the adapter does not answer), POISE_E_IO (it answers with an error),
 * POISE_E_DISCONNECTED (unplugged meanwhile), POISE_E_NOMEM. */
int bth_open(bth **out, libusb_context *ctx, libusb_device *ld, const bth_usb *u,
             const bth_cfg *cfg, char *msg, size_t msg_len);

/* The adapter's Bluetooth address and, for people, its chipset maker (from
 * HCI_Read_Local_Version_Information, e.g. "Cambridge Silicon Radio"). */
const bt_addr *bth_address(const bth *h);
const char *bth_chipset(const bth *h);

/* True if this open detached a kernel driver from the adapter. */
bool bth_took_from_kernel(const bth *h);

/* Where paired boards' keys are (the adapter's folder in bt_keys): the
 * host reads keys from it and stores new ones. Copied. */
void bth_set_key_dir(bth *h, const char *dir);

/* Which board to connect. */
typedef struct bth_target {
	bool have_addr;   /* only this board (a paired one) */
	bt_addr addr;
	bool any_paired;  /* any board paired with this adapter */
	bool discover;    /* look for an unpaired board by inquiry and pair it */
} bth_target;

/* Runs the host until a board matching t is connected with both HID
 * channels open (POISE_OK), or until `until` (POISE_E_NOT_FOUND: no board
 * came; POISE_E_TIMEOUT: one came but did not finish), or a fatal adapter
 * error (as bth_open). Once a board has connected, `until` is stretched to
 * give it BTH_SETUP_TIMEOUT_MS. msg says what happened on failure. */
int bth_connect(bth *h, const bth_target *t, mono_us until, char *msg, size_t msg_len);

/* The connected board's address and name (the name from the inquiry or
 * the key store; "" if neither). */
const bt_addr *bth_peer(const bth *h);
const char *bth_peer_name(const bth *h);

/* True while the board link and both its channels are up. */
bool bth_link_up(const bth *h);

/* Why the link went down (an HCI status: BT_ST_CONN_TIMEOUT when it went
 * out of range, BT_ST_REMOTE_POWER_OFF...), once !bth_link_up(). */
uint8_t bth_down_reason(const bth *h);

/* Sends b[0..n) (an HIDP packet, header first) on the board's HID
 * interrupt channel. POISE_E_STATE if the link is down, POISE_E_NOSPACE if
 * the outgoing queue is full. */
int bth_send_hid(bth *h, const uint8_t *b, size_t n);

/* Runs libusb's events for up to timeout_ms (0: only what is ready),
 * dispatching everything that arrived. Returns POISE_OK, or the fatal
 * error that ends the adapter (POISE_E_DISCONNECTED when it was
 * unplugged, POISE_E_TIMEOUT when a command went unanswered, POISE_E_IO). */
int bth_pump(bth *h, int timeout_ms);

/* The fatal error's sentence for people ("" while there is none). */
const char *bth_error(const bth *h);

/* Ends the board link (HCI_Disconnect) and waits up to wait_ms for the
 * adapter to confirm. */
void bth_disconnect(bth *h, int wait_ms);

/* Lets go of the adapter without resetting it: transfers cancelled, the
 * interface released, the handle closed. The controller keeps listening
 * (page scan on), so a board that is switched on meanwhile waits in its
 * queue (up to the accept timeout) for the next holder, opened with
 * cfg.reset = false. The kernel driver is not given back. */
void bth_handoff(bth *h);

/* Frees h. keep_listening: only lets go of the adapter (bth_handoff).
 * Otherwise ends everything: disconnects the board, resets the controller
 * (so a board cannot connect to an adapter nobody serves), releases it and
 * gives it back to the kernel's driver; after a hand-off it does that only
 * if nobody else has claimed the adapter since. NULL is fine. */
void bth_close(bth *h, bool keep_listening);

/* What the host went through (for tests and `poise devices`). */
typedef struct bth_stats {
	uint64_t events;          /* HCI events handled */
	uint64_t acl_in;          /* ACL packets received */
	uint64_t acl_out;         /* ACL packets sent */
	uint64_t bad_events;      /* events malformed or shorter than their kind */
	uint64_t bad_acl;         /* ACL packets dropped: malformed, a fragment
	                           * without a start, an oversize frame, another
	                           * connection's */
	uint64_t bad_l2cap;       /* L2CAP frames dropped: length mismatch, an
	                           * unknown channel, a truncated command */
	uint64_t sig_rejected;    /* signalling commands we answered with Reject */
	uint64_t stream_dropped;  /* bytes lost resynchronising the USB stream */
	uint64_t commands;        /* HCI commands sent */
	uint32_t pairings;        /* PIN pairings done (a new link key stored) */
} bth_stats;

void bth_get_stats(const bth *h, bth_stats *out);

#endif
