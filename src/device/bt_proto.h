/* Poise: the Bluetooth BR/EDR wire formats the wbb-usb backend speaks to a
 * USB Bluetooth adapter, as pure functions from bytes to structs and back
 * (no I/O: tests/test_bt_proto.c checks them against byte vectors).
 *
 * Facts from the Bluetooth Core Specification (vol 4 part B: the USB
 * transport; vol 4 part E: HCI; vol 3 part A: L2CAP):
 *   - HCI commands go to the adapter as class control requests on endpoint
 *     0: opcode (u16, OGF << 10 | OCF), parameter length (u8), parameters.
 *   - HCI events come on the interrupt IN endpoint: event code (u8),
 *     parameter length (u8), parameters.
 *   - ACL data goes both ways on the bulk endpoints: handle (12 bits) with
 *     the packet-boundary flag in bits 12–13, then the data length (u16),
 *     then the data (an L2CAP frame or a fragment of one).
 *   - An L2CAP basic frame: payload length (u16), channel id (u16),
 *     payload. Channel 1 carries signalling commands: code, identifier,
 *     length (u16), data; several may share one frame.
 * Every multi-byte field is little-endian; a device address (bt_addr) is
 * stored as on the wire, least significant byte first.
 *
 * Every parser checks lengths before it reads and returns POISE_E_PROTOCOL
 * (out untouched) for anything short or inconsistent: the host drops such
 * a packet and counts it.
 */
#ifndef POISE_DEVICE_BT_PROTO_H
#define POISE_DEVICE_BT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- addresses ---- */

typedef struct bt_addr {
	uint8_t b[6]; /* least significant byte first, as on the wire */
} bt_addr;

#define BT_ADDR_STR_LEN 18 /* "00:1F:32:AA:BB:CC" and its NUL */

/* Writes a as people read it (most significant byte first, upper case). */
void bt_addr_str(const bt_addr *a, char out[BT_ADDR_STR_LEN]);

/* Parses "00:1f:32:aa:bb:cc" (either case, ':' or '-' between bytes) or
 * "001F32AABBCC". POISE_E_PARSE (out untouched) for anything else. */
int bt_addr_parse(const char *s, bt_addr *out);

bool bt_addr_eq(const bt_addr *a, const bt_addr *b);

/* ---- HCI ---- */

#define BT_OPCODE(ogf, ocf) ((uint16_t)((ogf) << 10 | (ocf)))

enum bt_cmd {
	BT_CMD_INQUIRY = BT_OPCODE(0x01, 0x0001),
	BT_CMD_INQUIRY_CANCEL = BT_OPCODE(0x01, 0x0002),
	BT_CMD_CREATE_CONN = BT_OPCODE(0x01, 0x0005),
	BT_CMD_DISCONNECT = BT_OPCODE(0x01, 0x0006),
	BT_CMD_ACCEPT_CONN = BT_OPCODE(0x01, 0x0009),
	BT_CMD_REJECT_CONN = BT_OPCODE(0x01, 0x000A),
	BT_CMD_LINK_KEY_REPLY = BT_OPCODE(0x01, 0x000B),
	BT_CMD_LINK_KEY_NEG_REPLY = BT_OPCODE(0x01, 0x000C),
	BT_CMD_PIN_REPLY = BT_OPCODE(0x01, 0x000D),
	BT_CMD_PIN_NEG_REPLY = BT_OPCODE(0x01, 0x000E),
	BT_CMD_AUTH_REQUESTED = BT_OPCODE(0x01, 0x0011),
	BT_CMD_REMOTE_NAME = BT_OPCODE(0x01, 0x0019),
	BT_CMD_RESET = BT_OPCODE(0x03, 0x0003),
	BT_CMD_WRITE_LOCAL_NAME = BT_OPCODE(0x03, 0x0013),
	BT_CMD_WRITE_CONN_ACCEPT_TIMEOUT = BT_OPCODE(0x03, 0x0016),
	BT_CMD_WRITE_PAGE_TIMEOUT = BT_OPCODE(0x03, 0x0018),
	BT_CMD_WRITE_SCAN_ENABLE = BT_OPCODE(0x03, 0x001A),
	BT_CMD_WRITE_CLASS = BT_OPCODE(0x03, 0x0024),
	BT_CMD_READ_LOCAL_VERSION = BT_OPCODE(0x04, 0x0001),
	BT_CMD_READ_BUFFER_SIZE = BT_OPCODE(0x04, 0x0005),
	BT_CMD_READ_BD_ADDR = BT_OPCODE(0x04, 0x0009),
};

/* The command's name for messages ("HCI_Reset"); "HCI command 0xNNNN" for
 * one not in enum bt_cmd (written into buf, which must hold 24 bytes). */
const char *bt_cmd_name(uint16_t opcode, char buf[24]);

enum bt_event_code {
	BT_EV_INQUIRY_COMPLETE = 0x01,
	BT_EV_INQUIRY_RESULT = 0x02,
	BT_EV_CONN_COMPLETE = 0x03,
	BT_EV_CONN_REQUEST = 0x04,
	BT_EV_DISCONN_COMPLETE = 0x05,
	BT_EV_AUTH_COMPLETE = 0x06,
	BT_EV_REMOTE_NAME = 0x07,
	BT_EV_CMD_COMPLETE = 0x0E,
	BT_EV_CMD_STATUS = 0x0F,
	BT_EV_HW_ERROR = 0x10,
	BT_EV_NUM_COMPLETED = 0x13,
	BT_EV_PIN_REQUEST = 0x16,
	BT_EV_LINK_KEY_REQUEST = 0x17,
	BT_EV_LINK_KEY_NOTIFY = 0x18,
	BT_EV_INQUIRY_RESULT_RSSI = 0x22,
	BT_EV_EXT_INQUIRY_RESULT = 0x2F,
};

/* HCI status codes we name in messages or send. */
enum bt_status {
	BT_ST_OK = 0x00,
	BT_ST_UNKNOWN_COMMAND = 0x01,
	BT_ST_NO_CONNECTION = 0x02,
	BT_ST_HW_FAILURE = 0x03,
	BT_ST_PAGE_TIMEOUT = 0x04,
	BT_ST_AUTH_FAILURE = 0x05,
	BT_ST_KEY_MISSING = 0x06,
	BT_ST_CONN_TIMEOUT = 0x08,
	BT_ST_CONN_ACCEPT_TIMEOUT = 0x10,
	BT_ST_REJECTED_BDADDR = 0x0F,
	BT_ST_REMOTE_USER_ENDED = 0x13,
	BT_ST_REMOTE_POWER_OFF = 0x15,
	BT_ST_LOCAL_HOST_ENDED = 0x16,
};

/* A short lower-case phrase for an HCI status ("page timeout"). */
const char *bt_status_str(uint8_t status);

#define BT_CMD_MAX 259   /* 3-byte header + 255 parameter bytes */
#define BT_EVENT_MAX 257 /* 2-byte header + 255 parameter bytes */

/* Writes the command packet into out (room for 3 + plen). Returns its
 * length. */
size_t bt_cmd_encode(uint8_t *out, uint16_t opcode, const uint8_t *params, uint8_t plen);

/* One event: code and parameters (p points into the caller's buffer). */
typedef struct bt_event {
	uint8_t code;
	uint8_t len;
	const uint8_t *p;
} bt_event;

/* Splits a whole event packet; POISE_E_PROTOCOL unless n == 2 + length. */
int bt_event_parse(const uint8_t *b, size_t n, bt_event *out);

/* Command Complete or Command Status. */
typedef struct bt_cmd_done {
	uint8_t credits;     /* Num_HCI_Command_Packets: commands the adapter takes now */
	uint16_t opcode;     /* 0: no command, only credits */
	uint8_t status;      /* Command Status's status, or the first return byte */
	bool pending;        /* Command Status: accepted, a later event finishes it */
	const uint8_t *ret;  /* Command Complete's return parameters (status first) */
	uint8_t ret_len;
} bt_cmd_done;
int bt_ev_cmd_done(const bt_event *e, bt_cmd_done *out);

typedef struct bt_conn_complete {
	uint8_t status;
	uint16_t handle;
	bt_addr addr;
	uint8_t link_type; /* 1 = ACL */
} bt_conn_complete;
int bt_ev_conn_complete(const bt_event *e, bt_conn_complete *out);

typedef struct bt_conn_request {
	bt_addr addr;
	uint32_t cod;      /* class of device, 24 bits */
	uint8_t link_type; /* 1 = ACL */
} bt_conn_request;
int bt_ev_conn_request(const bt_event *e, bt_conn_request *out);

/* Disconnection Complete and Authentication Complete: status, handle and
 * (disconnection) the reason. */
typedef struct bt_handle_status {
	uint8_t status;
	uint16_t handle;
	uint8_t reason;
} bt_handle_status;
int bt_ev_disconn_complete(const bt_event *e, bt_handle_status *out);
int bt_ev_auth_complete(const bt_event *e, bt_handle_status *out);

/* Link Key Request and PIN Code Request: the peer's address. */
int bt_ev_addr(const bt_event *e, bt_addr *out);

typedef struct bt_link_key {
	bt_addr addr;
	uint8_t key[16];
	uint8_t type;
} bt_link_key;
int bt_ev_link_key_notify(const bt_event *e, bt_link_key *out);

typedef struct bt_remote_name {
	uint8_t status;
	bt_addr addr;
	char name[249]; /* NUL-terminated (the event's field is up to 248 bytes) */
} bt_remote_name;
int bt_ev_remote_name(const bt_event *e, bt_remote_name *out);

/* One device from an inquiry result event (any of the three kinds). */
typedef struct bt_inquiry_dev {
	bt_addr addr;
	uint8_t psrm;         /* page scan repetition mode */
	uint32_t cod;
	uint16_t clock_offset;
} bt_inquiry_dev;

/* Calls fn for each device in an Inquiry Result, Inquiry Result with RSSI
 * or Extended Inquiry Result event. POISE_E_PROTOCOL (fn never called)
 * if the event is short for the number of responses it announces. */
int bt_ev_inquiry(const bt_event *e, void (*fn)(void *ctx, const bt_inquiry_dev *d), void *ctx);

/* Calls fn(ctx, handle, count) for each entry of Number Of Completed
 * Packets. POISE_E_PROTOCOL (fn never called) if short. */
int bt_ev_num_completed(const bt_event *e, void (*fn)(void *ctx, uint16_t handle, uint16_t n),
                        void *ctx);

/* ---- ACL data ---- */

#define BT_ACL_HDR 4
enum bt_acl_pb {
	BT_PB_CONT = 0x1,  /* continuing fragment of an L2CAP frame */
	BT_PB_START = 0x2, /* first fragment (automatically flushable) */
};

typedef struct bt_acl {
	uint16_t handle; /* 12 bits */
	uint8_t pb;      /* packet boundary flag */
	uint16_t len;
	const uint8_t *data;
} bt_acl;

/* POISE_E_PROTOCOL unless n == 4 + length. */
int bt_acl_parse(const uint8_t *b, size_t n, bt_acl *out);

/* Writes the 4-byte ACL header for len data bytes. */
void bt_acl_header(uint8_t out[BT_ACL_HDR], uint16_t handle, uint8_t pb, uint16_t len);

/* ---- L2CAP ---- */

#define BT_L2CAP_HDR 4
#define BT_CID_SIGNALING 0x0001
#define BT_CID_DYNAMIC 0x0040 /* the first channel id a host hands out */
#define BT_PSM_HID_CONTROL 0x0011
#define BT_PSM_HID_INTERRUPT 0x0013

enum bt_sig_code {
	BT_SIG_REJECT = 0x01,
	BT_SIG_CONN_REQ = 0x02,
	BT_SIG_CONN_RSP = 0x03,
	BT_SIG_CONF_REQ = 0x04,
	BT_SIG_CONF_RSP = 0x05,
	BT_SIG_DISCONN_REQ = 0x06,
	BT_SIG_DISCONN_RSP = 0x07,
	BT_SIG_ECHO_REQ = 0x08,
	BT_SIG_ECHO_RSP = 0x09,
	BT_SIG_INFO_REQ = 0x0A,
	BT_SIG_INFO_RSP = 0x0B,
};

enum bt_conn_result {
	BT_CONN_OK = 0x0000,
	BT_CONN_PENDING = 0x0001,
	BT_CONN_BAD_PSM = 0x0002,
	BT_CONN_NO_RESOURCES = 0x0004,
};

/* The length an L2CAP frame announces in its first 2 bytes (n ≥ 2), for
 * reassembly: the frame is complete at BT_L2CAP_HDR + that. */
uint16_t bt_l2cap_len(const uint8_t *b);

typedef struct bt_l2cap {
	uint16_t cid;
	uint16_t len;
	const uint8_t *payload;
} bt_l2cap;

/* POISE_E_PROTOCOL unless n == 4 + length. */
int bt_l2cap_parse(const uint8_t *b, size_t n, bt_l2cap *out);

/* Writes the 4-byte L2CAP header for a payload of len bytes on cid. */
void bt_l2cap_header(uint8_t out[BT_L2CAP_HDR], uint16_t cid, uint16_t len);

typedef struct bt_sig {
	uint8_t code;
	uint8_t id;
	uint16_t len;
	const uint8_t *data;
} bt_sig;

/* The signalling command at b[*off..n); advances *off past it. Returns
 * POISE_E_NOT_FOUND at the end, POISE_E_PROTOCOL for a truncated command
 * (then *off = n: the rest of the frame cannot be trusted). */
int bt_sig_next(const uint8_t *b, size_t n, size_t *off, bt_sig *out);

/* Writes a whole signalling frame (L2CAP header on CID 1, then one
 * command) into out (room for 8 + len). Returns its length. */
size_t bt_sig_encode(uint8_t *out, uint8_t code, uint8_t id, const uint8_t *data, uint16_t len);

/* ---- the USB byte stream into packets ---- */

/* HCI over USB does not promise one packet per transfer: an event may
 * span several interrupt packets and a bulk transfer may hold several ACL
 * packets or part of one. A bt_stream collects the bytes of one endpoint
 * and hands out whole packets. Fixed storage: no allocation. */
#define BT_STREAM_MAX 1100

enum bt_stream_kind {
	BT_STREAM_EVENT = 0, /* 2-byte header, u8 length at offset 1 */
	BT_STREAM_ACL,       /* 4-byte header, u16 length at offset 2 */
};

typedef struct bt_stream {
	enum bt_stream_kind kind;
	size_t max_packet;    /* a longer announced packet is garbage */
	uint8_t buf[BT_STREAM_MAX];
	size_t have;
	uint64_t dropped;     /* bytes thrown away: announced lengths beyond max_packet */
} bt_stream;

/* max_packet ≤ BT_STREAM_MAX (larger is clamped). */
void bt_stream_init(bt_stream *s, enum bt_stream_kind kind, size_t max_packet);

/* Appends b[0..n) and calls fn(ctx, packet, len) for every packet that is
 * now whole, in order. A header announcing more than max_packet bytes
 * cannot be resynchronised on: everything buffered is dropped (counted). */
void bt_stream_feed(bt_stream *s, const uint8_t *b, size_t n,
                    void (*fn)(void *ctx, const uint8_t *pkt, size_t len), void *ctx);

/* Forgets a partial packet (after a transfer error or a reset). */
void bt_stream_reset(bt_stream *s);

/* ---- little-endian fields ---- */

static inline uint16_t bt_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline void bt_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

#endif
