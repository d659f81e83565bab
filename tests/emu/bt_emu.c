/* The emulated Bluetooth adapter and balance board: see bt_emu.h. */
#include "bt_emu.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "device/device.h"
#include "usbfs_emu.h"

#define VID 0x0a12
#define PID 0x0001
#define EP_EV 0x81
#define EP_ACL_IN 0x82
#define EP_ACL_OUT 0x02
#define EV_MPS 16
#define ACL_MTU 310
#define ACL_PKTS 4
#define HANDLE 0x000b
#define COD_BOARD 0x002504
#define COD_PHONE 0x5a020c
#define BCID_CTRL 0x0050 /* the board's own channel ids */
#define BCID_INTR 0x0051
#define EVQ 256
#define ACLQ 512
#define DEFER 64
#define LOG_CAP 200000
#define ACCEPT_WAIT_US 20000000u
#define PAGE_RETRY_US 500000u

static const bt_addr adapter_addr = {{0x13, 0x71, 0xda, 0x7d, 0x1a, 0x00}}; /* 00:1A:7D:DA:71:13 */
static const bt_addr board_addr = {{0xcc, 0xbb, 0xaa, 0x32, 0x1f, 0x00}};   /* 00:1F:32:AA:BB:CC */
static const bt_addr phone_addr = {{0x66, 0x55, 0x44, 0x33, 0x22, 0x00}};   /* a phone nearby */

/* The board's calibration, board order TR, BR, TL, BL, at 0, 17, 34 kg. */
static const uint16_t calib_ref[4][3] = {
	{2000, 3800, 5610},
	{15600, 17290, 18970},
	{1160, 2870, 4590},
	{10600, 12390, 14190},
};
/* Board order → canonical cell (TL, TR, BL, BR). */
static const int board_to_cell[4] = {1, 3, 0, 2};

enum act {
	ACT_CONNECT_HOST = 1, /* the host's page reached the board */
	ACT_CONNECT_BOARD,    /* the host accepted the board's page */
	ACT_PAGE_FAIL,        /* nobody answered the host's page */
	ACT_DROP_LOCAL,       /* the host disconnected */
};

typedef struct deferred {
	uint64_t due;
	bool used, inquiry;
	int action;          /* 0: an event in b */
	uint8_t b[2 + 255];
	uint16_t len;
} deferred;

typedef struct pkt {
	uint8_t b[1100];
	uint16_t len;
	bool has_report;
	bt_emu_report rep;
} pkt;

enum bch_state { BCH_CLOSED = 0, BCH_WAIT_RSP, BCH_CONFIG, BCH_OPEN };

typedef struct bch {
	uint16_t psm, bcid, hcid;
	enum bch_state st;
	bool conf_in, conf_out;
	uint8_t req_id;
} bch;

typedef struct board {
	bool on, sync, paired, connected, authed, reporting;
	uint8_t key[16];
	uint8_t mode, leds, battery;
	bch ch[2];
	uint8_t regs[256];
	double kg[4];
	uint64_t next_report, page_at, open_at;
	uint8_t sig_id;
	uint8_t l2[1100];
	size_t l2_have, l2_want;
	uint64_t rng;
} board;

struct bt_emu {
	bt_emu_cfg cfg;
	ufs *usb;
	/* the controller */
	bool scan_page, inquiring, conn_up, pending_req;
	uint64_t pending_since;
	int host_credits;
	int acl_used, ncp_pending;
	enum { AUTH_NONE, AUTH_WAIT_KEY, AUTH_WAIT_PIN } auth;
	bool auth_by_board;
	bt_addr page_addr;
	uint16_t fail_op[8];
	enum bt_emu_cmd_fault fail_how[8];
	int n_fail;
	deferred def[DEFER];
	/* what goes to the host */
	pkt *evq, *aclq;
	size_t ev_head, ev_n, ev_off, acl_head, acl_n, acl_off;
	/* the board */
	board bd;
	unsigned faults[BTE_FAULT_COUNT];
	/* what happened */
	bt_emu_report *log;
	size_t log_n;
	bt_emu_stats st;
};

static uint64_t now_us(void)
{
	return dev_now_us();
}

/* ---- to the host ---- */

static void ev_now(bt_emu *e, uint8_t code, const uint8_t *p, uint8_t len)
{
	if (e->ev_n == EVQ)
		return;
	pkt *k = &e->evq[(e->ev_head + e->ev_n++) % EVQ];
	k->b[0] = code;
	k->b[1] = len;
	if (len)
		memcpy(k->b + 2, p, len);
	k->len = (uint16_t)(2 + len);
}

static void defer(bt_emu *e, uint64_t delay_us, int action, bool inquiry, uint8_t code,
                  const uint8_t *p, uint8_t len)
{
	for (int i = 0; i < DEFER; i++)
		if (!e->def[i].used) {
			deferred *d = &e->def[i];
			*d = (deferred){.due = now_us() + delay_us, .used = true, .inquiry = inquiry,
			                .action = action, .len = (uint16_t)(2 + len)};
			d->b[0] = code;
			d->b[1] = len;
			if (len)
				memcpy(d->b + 2, p, len);
			return;
		}
}

static void cmd_complete(bt_emu *e, uint16_t op, const uint8_t *ret, uint8_t len)
{
	uint8_t p[3 + 64];
	p[0] = 1;
	bt_put_le16(p + 1, op);
	memcpy(p + 3, ret, len);
	e->host_credits = 1;
	ev_now(e, BT_EV_CMD_COMPLETE, p, (uint8_t)(3 + len));
}

static void cmd_status(bt_emu *e, uint8_t status, uint16_t op)
{
	uint8_t p[4] = {status, 1};
	bt_put_le16(p + 2, op);
	e->host_credits = 1;
	ev_now(e, BT_EV_CMD_STATUS, p, 4);
}

static void cmd_ok_addr(bt_emu *e, uint16_t op, const uint8_t *addr)
{
	uint8_t r[7] = {0};
	memcpy(r + 1, addr, 6);
	cmd_complete(e, op, r, 7);
}

static void acl_push(bt_emu *e, uint16_t handle, uint8_t pb, const uint8_t *d, size_t n,
                     const bt_emu_report *rep)
{
	if (e->acl_n == ACLQ)
		return;
	pkt *k = &e->aclq[(e->acl_head + e->acl_n++) % ACLQ];
	bt_acl_header(k->b, handle, pb, (uint16_t)n);
	memcpy(k->b + BT_ACL_HDR, d, n);
	k->len = (uint16_t)(BT_ACL_HDR + n);
	k->has_report = rep != NULL;
	if (rep)
		k->rep = *rep;
}

/* An L2CAP frame from the board, in fragments as configured. */
static void board_send(bt_emu *e, uint16_t cid, const uint8_t *pl, size_t len, const bt_emu_report *rep)
{
	if (!e->conn_up)
		return;
	uint8_t frame[1100];
	bt_l2cap_header(frame, cid, (uint16_t)len);
	memcpy(frame + BT_L2CAP_HDR, pl, len);
	size_t flen = BT_L2CAP_HDR + len, frag = e->cfg.acl_in_frag ? e->cfg.acl_in_frag : flen;
	for (size_t off = 0; off < flen; off += frag) {
		size_t n = flen - off < frag ? flen - off : frag;
		acl_push(e, HANDLE, off == 0 ? BT_PB_START : BT_PB_CONT, frame + off, n,
		         off + n == flen ? rep : NULL);
	}
}

static void board_sig(bt_emu *e, uint8_t code, uint8_t id, const uint8_t *d, uint16_t len)
{
	uint8_t b[4 + 64];
	b[0] = code;
	b[1] = id;
	bt_put_le16(b + 2, len);
	memcpy(b + 4, d, len);
	board_send(e, BT_CID_SIGNALING, b, 4u + len, NULL);
}

static void board_hid(bt_emu *e, const uint8_t *r, size_t n, const bt_emu_report *rep)
{
	uint8_t b[1 + 32];
	b[0] = WBB_HIDP_INPUT;
	memcpy(b + 1, r, n);
	board_send(e, e->bd.ch[1].hcid, b, 1 + n, rep);
}

/* ---- the board ---- */

static void chan_init(board *b)
{
	b->ch[0] = (bch){.psm = BT_PSM_HID_CONTROL, .bcid = BCID_CTRL};
	b->ch[1] = (bch){.psm = BT_PSM_HID_INTERRUPT, .bcid = BCID_INTR};
	b->l2_have = 0;
}

static void link_down(bt_emu *e)
{
	e->conn_up = false;
	e->bd.connected = e->bd.authed = e->bd.reporting = false;
	e->bd.open_at = 0;
	e->auth = AUTH_NONE;
	chan_init(&e->bd);
	e->st.board_connected = false;
}

static void board_conf_req(bt_emu *e, bch *c)
{
	uint8_t d[8];
	bt_put_le16(d, c->hcid);
	bt_put_le16(d + 2, 0);
	d[4] = 0x01; /* MTU option: 185, as a Wii Remote asks */
	d[5] = 2;
	bt_put_le16(d + 6, 185);
	c->req_id = ++e->bd.sig_id;
	board_sig(e, BT_SIG_CONF_REQ, c->req_id, d, sizeof d);
}

static void board_open(bt_emu *e, bch *c)
{
	uint8_t d[4];
	bt_put_le16(d, c->psm);
	bt_put_le16(d + 2, c->bcid);
	c->st = BCH_WAIT_RSP;
	c->req_id = ++e->bd.sig_id;
	board_sig(e, BT_SIG_CONN_REQ, c->req_id, d, sizeof d);
}

static bch *board_chan(board *b, uint16_t bcid)
{
	return bcid == BCID_CTRL ? &b->ch[0] : bcid == BCID_INTR ? &b->ch[1] : NULL;
}

static void chan_maybe_open(bt_emu *e, bch *c)
{
	if (c->conf_in && c->conf_out && c->st == BCH_CONFIG) {
		c->st = BCH_OPEN;
		/* A board that opened its control channel opens the interrupt one. */
		if (c == &e->bd.ch[0] && e->auth_by_board && e->bd.ch[1].st == BCH_CLOSED)
			board_open(e, &e->bd.ch[1]);
	}
}

static void board_signal(bt_emu *e, const uint8_t *p, size_t n)
{
	board *b = &e->bd;
	size_t off = 0;
	bt_sig s;
	while (bt_sig_next(p, n, &off, &s) == POISE_OK) {
		if (s.code == BT_SIG_CONN_REQ && s.len >= 4) {
			uint16_t psm = bt_le16(s.data), scid = bt_le16(s.data + 2);
			bch *c = psm == BT_PSM_HID_CONTROL ? &b->ch[0] : psm == BT_PSM_HID_INTERRUPT ? &b->ch[1] : NULL;
			uint8_t d[8];
			bt_put_le16(d, c ? c->bcid : 0);
			bt_put_le16(d + 2, scid);
			bt_put_le16(d + 4, c ? BT_CONN_OK : BT_CONN_BAD_PSM);
			bt_put_le16(d + 6, 0);
			board_sig(e, BT_SIG_CONN_RSP, s.id, d, 8);
			if (c) {
				c->hcid = scid;
				c->st = BCH_CONFIG;
				c->conf_in = c->conf_out = false;
				board_conf_req(e, c);
			}
		} else if (s.code == BT_SIG_CONN_RSP && s.len >= 8) {
			bch *c = board_chan(b, bt_le16(s.data + 2));
			if (c && c->st == BCH_WAIT_RSP && bt_le16(s.data + 4) == BT_CONN_OK) {
				c->hcid = bt_le16(s.data);
				c->st = BCH_CONFIG;
				board_conf_req(e, c);
			}
		} else if (s.code == BT_SIG_CONF_REQ && s.len >= 4) {
			bch *c = board_chan(b, bt_le16(s.data));
			if (c) {
				uint8_t d[6];
				bt_put_le16(d, c->hcid);
				bt_put_le16(d + 2, 0);
				bt_put_le16(d + 4, 0);
				board_sig(e, BT_SIG_CONF_RSP, s.id, d, 6);
				c->conf_in = true;
				chan_maybe_open(e, c);
			}
		} else if (s.code == BT_SIG_CONF_RSP && s.len >= 6) {
			bch *c = board_chan(b, bt_le16(s.data));
			if (c && bt_le16(s.data + 4) == 0) {
				c->conf_out = true;
				chan_maybe_open(e, c);
			}
		} else if (s.code == BT_SIG_DISCONN_REQ && s.len >= 4) {
			bch *c = board_chan(b, bt_le16(s.data));
			board_sig(e, BT_SIG_DISCONN_RSP, s.id, s.data, 4);
			if (c)
				c->st = BCH_CLOSED;
		} else if (s.code == BT_SIG_REJECT) {
			e->st.rejects_from_host++;
		}
	}
}

static void send_status(bt_emu *e)
{
	uint8_t r[7] = {WBB_IN_STATUS, 0, 0, (uint8_t)(0x02 | e->bd.leds), 0, 0, 0xc0};
	board_hid(e, r, sizeof r, NULL);
}

static void board_read(bt_emu *e, const uint8_t *r)
{
	uint32_t addr = (uint32_t)r[2] << 16 | (uint32_t)r[3] << 8 | r[4];
	unsigned size = (unsigned)r[5] << 8 | r[6];
	bool ok = r[1] == WBB_SPACE_REGISTERS && (addr & 0xffff00u) == 0xa40000u &&
	          (addr & 0xff) + size <= 0x100 && size > 0;
	for (unsigned off = 0; off < size || !ok; off += 16) {
		unsigned n = size - off < 16 ? size - off : 16;
		uint8_t rep[22] = {WBB_IN_READ_DATA, 0, 0};
		uint16_t lo = (uint16_t)(addr + off);
		rep[3] = ok ? (uint8_t)((n - 1) << 4) : 0x08;
		rep[4] = (uint8_t)(lo >> 8);
		rep[5] = (uint8_t)lo;
		if (ok)
			memcpy(rep + 6, e->bd.regs + ((addr + off) & 0xff), n);
		board_hid(e, rep, sizeof rep, NULL);
		if (!ok)
			break;
	}
}

static void board_write(bt_emu *e, const uint8_t *r)
{
	uint32_t addr = (uint32_t)r[2] << 16 | (uint32_t)r[3] << 8 | r[4];
	unsigned n = r[5] > 16 ? 16 : r[5];
	uint8_t err = 0;
	if (r[1] == WBB_SPACE_REGISTERS && (addr & 0xffff00u) == 0xa40000u && (addr & 0xff) + n <= 0x100) {
		memcpy(e->bd.regs + (addr & 0xff), r + 6, n);
		if ((addr == WBB_EXT_INIT1_ADDR && r[6] == WBB_EXT_INIT1_VALUE) ||
		    (addr == WBB_EXT_INIT2_ADDR && r[6] == WBB_EXT_INIT2_VALUE))
			e->st.ext_init_writes++;
	} else {
		err = 8;
	}
	uint8_t ack[5] = {WBB_IN_ACK, 0, 0, WBB_OUT_WRITE, err};
	board_hid(e, ack, sizeof ack, NULL);
}

static void board_output(bt_emu *e, const uint8_t *p, size_t n)
{
	board *b = &e->bd;
	if (n < 2 || p[0] != WBB_HIDP_OUTPUT)
		return;
	const uint8_t *r = p + 1;
	n--;
	if (r[0] == WBB_OUT_LEDS && n >= 2) {
		b->leds = r[1] & 0xf0;
		e->st.leds = b->leds;
	} else if (r[0] == WBB_OUT_MODE && n >= 3) {
		b->mode = r[2];
		b->reporting = b->mode == WBB_REPORT_KE8 || b->mode == WBB_REPORT_KE19;
		b->next_report = now_us() + 5000;
		e->st.mode_sets++;
	} else if (r[0] == WBB_OUT_STATUS_REQ && n >= 2) {
		send_status(e);
	} else if (r[0] == WBB_OUT_WRITE && n >= 22) {
		board_write(e, r);
	} else if (r[0] == WBB_OUT_READ && n >= 7) {
		board_read(e, r);
	}
}

static void board_l2cap(bt_emu *e, const uint8_t *f, size_t n)
{
	bt_l2cap l;
	if (bt_l2cap_parse(f, n, &l) != POISE_OK)
		return;
	if (l.cid == BT_CID_SIGNALING)
		board_signal(e, l.payload, l.len);
	else if (l.cid == BCID_INTR && e->bd.ch[1].st == BCH_OPEN)
		board_output(e, l.payload, l.len);
}

/* ---- the controller ---- */

static void connected(bt_emu *e)
{
	uint8_t p[11] = {0};
	bt_put_le16(p + 1, HANDLE);
	memcpy(p + 3, board_addr.b, 6);
	p[9] = 1;
	e->conn_up = e->bd.connected = true;
	e->st.board_connected = true;
	e->st.connections++;
	chan_init(&e->bd);
	e->acl_used = e->ncp_pending = 0;
	ev_now(e, BT_EV_CONN_COMPLETE, p, 11);
}

static void auth_done(bt_emu *e, uint8_t status)
{
	e->auth = AUTH_NONE;
	if (!e->auth_by_board) {
		uint8_t p[3] = {status};
		bt_put_le16(p + 1, HANDLE);
		ev_now(e, BT_EV_AUTH_COMPLETE, p, 3);
		e->bd.authed = status == BT_ST_OK;
		return;
	}
	if (status == BT_ST_OK) {
		e->bd.authed = true;
		e->bd.open_at = now_us() + 3000; /* then it opens its channels */
		return;
	}
	/* The board ends a link whose host fails authentication. */
	uint8_t p[4] = {0};
	bt_put_le16(p + 1, HANDLE);
	p[3] = BT_ST_AUTH_FAILURE;
	link_down(e);
	e->bd.on = false;
	ev_now(e, BT_EV_DISCONN_COMPLETE, p, 4);
}

static void run_action(bt_emu *e, int action)
{
	switch (action) {
	case ACT_CONNECT_HOST:
		e->auth_by_board = false;
		connected(e);
		break;
	case ACT_CONNECT_BOARD: {
		e->pending_req = false;
		e->auth_by_board = true;
		connected(e);
		/* A paired board authenticates the host with its key. */
		e->auth = AUTH_WAIT_KEY;
		ev_now(e, BT_EV_LINK_KEY_REQUEST, board_addr.b, 6);
		break;
	}
	case ACT_PAGE_FAIL: {
		uint8_t p[11] = {BT_ST_PAGE_TIMEOUT};
		memcpy(p + 3, e->page_addr.b, 6);
		p[9] = 1;
		ev_now(e, BT_EV_CONN_COMPLETE, p, 11);
		break;
	}
	case ACT_DROP_LOCAL: {
		uint8_t p[4] = {0};
		bt_put_le16(p + 1, HANDLE);
		p[3] = BT_ST_LOCAL_HOST_ENDED;
		link_down(e);
		e->bd.on = false; /* a Wii Remote switches off when its host lets go */
		ev_now(e, BT_EV_DISCONN_COMPLETE, p, 4);
		break;
	}
	default:
		break;
	}
}

static void derive_key(uint8_t key[16])
{
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)(adapter_addr.b[i % 6] ^ board_addr.b[(i + 1) % 6] ^ (0x5a + 7 * i));
}

static void controller_reset(bt_emu *e)
{
	e->st.resets++;
	e->scan_page = e->inquiring = e->pending_req = false;
	for (int i = 0; i < DEFER; i++)
		e->def[i].used = false;
	if (e->conn_up) {
		link_down(e);
		e->bd.on = false;
	}
	e->acl_used = e->ncp_pending = 0;
	e->ev_n = e->ev_off = 0;
	e->acl_n = e->acl_off = 0;
	e->auth = AUTH_NONE;
}

static bool is_async(uint16_t op)
{
	return op == BT_CMD_INQUIRY || op == BT_CMD_CREATE_CONN || op == BT_CMD_DISCONNECT ||
	       op == BT_CMD_ACCEPT_CONN || op == BT_CMD_REJECT_CONN || op == BT_CMD_AUTH_REQUESTED ||
	       op == BT_CMD_REMOTE_NAME;
}

static void inquiry(bt_emu *e)
{
	e->inquiring = true;
	/* A phone (standard result) and, in sync mode, the board (with RSSI). */
	uint8_t ph[15] = {1};
	memcpy(ph + 1, phone_addr.b, 6);
	ph[7] = 1;
	ph[10] = (uint8_t)COD_PHONE, ph[11] = (uint8_t)(COD_PHONE >> 8), ph[12] = (uint8_t)(COD_PHONE >> 16);
	defer(e, 10000, 0, true, BT_EV_INQUIRY_RESULT, ph, sizeof ph);
	if (e->bd.on && e->bd.sync) {
		uint8_t bd[15] = {1};
		memcpy(bd + 1, board_addr.b, 6);
		bd[7] = 1;
		bd[9] = (uint8_t)COD_BOARD, bd[10] = (uint8_t)(COD_BOARD >> 8), bd[11] = (uint8_t)(COD_BOARD >> 16);
		bt_put_le16(bd + 12, 0x1234);
		bd[14] = 0xc4;
		defer(e, 20000, 0, true, BT_EV_INQUIRY_RESULT_RSSI, bd, sizeof bd);
	}
	uint8_t done = 0;
	defer(e, 400000, 0, true, BT_EV_INQUIRY_COMPLETE, &done, 1);
}

static void remote_name(bt_emu *e, const uint8_t *addr)
{
	uint8_t p[255] = {0};
	memcpy(p + 1, addr, 6);
	const char *name = NULL;
	if (!memcmp(addr, board_addr.b, 6) && e->bd.on)
		name = "Nintendo RVL-WBC-01";
	else if (!memcmp(addr, phone_addr.b, 6))
		name = "Pixel 7";
	if (name)
		memcpy(p + 7, name, strlen(name));
	else
		p[0] = BT_ST_PAGE_TIMEOUT;
	defer(e, 5000, 0, false, BT_EV_REMOTE_NAME, p, sizeof p);
}

static void link_key_reply(bt_emu *e, const uint8_t *p)
{
	cmd_ok_addr(e, BT_CMD_LINK_KEY_REPLY, p);
	if (e->auth != AUTH_WAIT_KEY)
		return;
	bool good = e->bd.paired && memcmp(p + 6, e->bd.key, 16) == 0;
	auth_done(e, good ? BT_ST_OK : BT_ST_AUTH_FAILURE);
}

static void pin_reply(bt_emu *e, const uint8_t *p)
{
	cmd_ok_addr(e, BT_CMD_PIN_REPLY, p);
	if (e->auth != AUTH_WAIT_PIN)
		return;
	/* The sync button's rule: the PIN is the host's address backwards. */
	if (e->bd.sync && p[6] == 6 && memcmp(p + 7, adapter_addr.b, 6) == 0) {
		derive_key(e->bd.key);
		e->bd.paired = true;
		e->bd.sync = false;
		e->st.pin_pairings++;
		uint8_t n[23];
		memcpy(n, board_addr.b, 6);
		memcpy(n + 6, e->bd.key, 16);
		n[22] = 0;
		ev_now(e, BT_EV_LINK_KEY_NOTIFY, n, 23);
		auth_done(e, BT_ST_OK);
	} else {
		e->st.pin_failures++;
		auth_done(e, BT_ST_AUTH_FAILURE);
	}
}

/* The controller's own settings and identity. False if op is not one. */
static bool setup_command(bt_emu *e, uint16_t op, const uint8_t *p, uint8_t plen)
{
	uint8_t ok = 0;
	switch (op) {
	case BT_CMD_RESET:
		controller_reset(e);
		cmd_complete(e, op, &ok, 1);
		return true;
	case BT_CMD_READ_BD_ADDR:
		cmd_ok_addr(e, op, adapter_addr.b);
		return true;
	case BT_CMD_READ_BUFFER_SIZE: {
		uint8_t r[8] = {0, (uint8_t)ACL_MTU, ACL_MTU >> 8, 64, ACL_PKTS, 0, 8, 0};
		cmd_complete(e, op, r, 8);
		return true;
	}
	case BT_CMD_READ_LOCAL_VERSION: {
		uint8_t r[9] = {0, 6, 0xbb, 0x22, 6, 10, 0, 0xbb, 0x22}; /* manufacturer 10: CSR */
		cmd_complete(e, op, r, 9);
		return true;
	}
	case BT_CMD_WRITE_SCAN_ENABLE:
		e->scan_page = plen >= 1 && (p[0] & 0x02);
		e->st.scan_page = e->scan_page;
		cmd_complete(e, op, &ok, 1);
		return true;
	case BT_CMD_WRITE_PAGE_TIMEOUT:
	case BT_CMD_WRITE_CONN_ACCEPT_TIMEOUT:
	case BT_CMD_WRITE_LOCAL_NAME:
	case BT_CMD_WRITE_CLASS:
		cmd_complete(e, op, &ok, 1);
		return true;
	default:
		return false;
	}
}

/* Finding devices: inquiry and names. False if op is not one of those. */
static bool discovery_command(bt_emu *e, uint16_t op, const uint8_t *p)
{
	uint8_t ok = 0;
	switch (op) {
	case BT_CMD_INQUIRY:
		cmd_status(e, 0, op);
		inquiry(e);
		return true;
	case BT_CMD_INQUIRY_CANCEL:
		e->inquiring = false;
		for (int i = 0; i < DEFER; i++)
			if (e->def[i].inquiry)
				e->def[i].used = false;
		cmd_complete(e, op, &ok, 1);
		return true;
	case BT_CMD_REMOTE_NAME:
		cmd_status(e, 0, op);
		remote_name(e, p);
		return true;
	default:
		return false;
	}
}

static void create_connection(bt_emu *e, const uint8_t *p)
{
	bool to_board = !memcmp(p, board_addr.b, 6);
	cmd_status(e, e->conn_up ? 0x0b : 0, BT_CMD_CREATE_CONN);
	if (e->conn_up)
		return;
	memcpy(e->page_addr.b, p, 6);
	if (to_board && e->bd.on && e->bd.sync && !e->bd.connected)
		defer(e, 10000, ACT_CONNECT_HOST, false, 0, NULL, 0);
	else
		defer(e, 100000, ACT_PAGE_FAIL, false, 0, NULL, 0);
}

static void reject_connection(bt_emu *e, const uint8_t *p)
{
	cmd_status(e, 0, BT_CMD_REJECT_CONN);
	uint8_t c[11] = {p[6]};
	memcpy(c + 3, p, 6);
	c[9] = 1;
	e->pending_req = false;
	e->bd.page_at = now_us() + PAGE_RETRY_US;
	ev_now(e, BT_EV_CONN_COMPLETE, c, 11);
}

/* Connections and their authentication. False if op is not one of those. */
static bool link_command(bt_emu *e, uint16_t op, const uint8_t *p)
{
	bool ours = e->conn_up && bt_le16(p) == HANDLE;
	switch (op) {
	case BT_CMD_CREATE_CONN:
		create_connection(e, p);
		return true;
	case BT_CMD_ACCEPT_CONN: {
		bool ok = e->pending_req && !memcmp(p, board_addr.b, 6);
		cmd_status(e, ok ? 0 : BT_ST_NO_CONNECTION, op); /* pending until connected */
		if (ok)
			defer(e, 3000, ACT_CONNECT_BOARD, false, 0, NULL, 0);
		return true;
	}
	case BT_CMD_REJECT_CONN:
		reject_connection(e, p);
		return true;
	case BT_CMD_DISCONNECT:
		cmd_status(e, ours ? 0 : BT_ST_NO_CONNECTION, op);
		if (ours)
			defer(e, 2000, ACT_DROP_LOCAL, false, 0, NULL, 0);
		return true;
	case BT_CMD_AUTH_REQUESTED:
		cmd_status(e, ours ? 0 : BT_ST_NO_CONNECTION, op);
		if (ours) {
			e->auth = AUTH_WAIT_KEY;
			e->auth_by_board = false;
			ev_now(e, BT_EV_LINK_KEY_REQUEST, board_addr.b, 6);
		}
		return true;
	case BT_CMD_LINK_KEY_REPLY:
		link_key_reply(e, p);
		return true;
	case BT_CMD_LINK_KEY_NEG_REPLY:
		cmd_ok_addr(e, op, p);
		if (e->auth == AUTH_WAIT_KEY) {
			e->auth = AUTH_WAIT_PIN;
			ev_now(e, BT_EV_PIN_REQUEST, board_addr.b, 6);
		}
		return true;
	case BT_CMD_PIN_REPLY:
		pin_reply(e, p);
		return true;
	case BT_CMD_PIN_NEG_REPLY:
		cmd_ok_addr(e, op, p);
		if (e->auth == AUTH_WAIT_PIN)
			auth_done(e, BT_ST_AUTH_FAILURE);
		return true;
	default:
		return false;
	}
}

/* One HCI command from a control transfer: answered now (its events
 * queued), or never if the test said so. */
static void hci_command(bt_emu *e, const uint8_t *b, size_t n)
{
	if (n < 3 || n != 3u + b[2])
		return; /* controllers drop what they cannot parse */
	uint16_t op = bt_le16(b);
	const uint8_t *p = b + 3;
	uint8_t params[255] = {0}; /* short commands read zeros, not beyond */
	memcpy(params, p, b[2]);
	e->st.commands++;
	if (e->host_credits <= 0)
		e->st.cmd_violations++;
	e->host_credits = 0;
	for (int i = 0; i < e->n_fail; i++)
		if (e->fail_op[i] == op) {
			if (e->fail_how[i] == BTE_CMD_SILENT)
				return;
			uint8_t st = BT_ST_HW_FAILURE;
			if (is_async(op))
				cmd_status(e, st, op);
			else
				cmd_complete(e, op, &st, 1);
			return;
		}
	if (!setup_command(e, op, params, b[2]) && !discovery_command(e, op, params) &&
	    !link_command(e, op, params)) {
		uint8_t st = BT_ST_UNKNOWN_COMMAND;
		cmd_complete(e, op, &st, 1);
	}
}

/* ACL data from the host: one packet per transfer. */
static void acl_from_host(bt_emu *e, const uint8_t *d, size_t n)
{
	bt_acl a;
	if (bt_acl_parse(d, n, &a) != POISE_OK)
		return;
	if (e->acl_used >= ACL_PKTS)
		e->st.acl_violations++;
	e->acl_used++;
	e->ncp_pending++;
	if (!e->conn_up || a.handle != HANDLE)
		return;
	board *b = &e->bd;
	if (a.pb != BT_PB_CONT) {
		b->l2_have = 0;
		if (a.len < 2)
			return;
		b->l2_want = BT_L2CAP_HDR + (size_t)bt_l2cap_len(a.data);
	} else if (b->l2_have == 0) {
		return;
	}
	if (b->l2_want > sizeof b->l2 || b->l2_have + a.len > b->l2_want) {
		b->l2_have = 0;
		return;
	}
	memcpy(b->l2 + b->l2_have, a.data, a.len);
	b->l2_have += a.len;
	if (b->l2_have == b->l2_want) {
		b->l2_have = 0;
		board_l2cap(e, b->l2, b->l2_want);
	}
}

/* ---- the usbdevfs callbacks ---- */

static int on_control(void *ctx, ufs_urb *u, size_t *actual)
{
	bt_emu *e = ctx;
	const uint8_t *s = u->data;
	uint16_t len = (uint16_t)(s[6] | s[7] << 8);
	/* HCI commands: class request 0 to the device (or the interface). */
	if ((s[0] == 0x20 || s[0] == 0x21) && s[1] == 0 && (size_t)len + 8 <= (size_t)u->length) {
		hci_command(e, u->data + 8, len);
		*actual = len;
		return 0;
	}
	return -EPIPE;
}

static void on_out(void *ctx, ufs_urb *u)
{
	bt_emu *e = ctx;
	if (u->endpoint == EP_ACL_OUT)
		acl_from_host(e, u->data, (size_t)u->length);
}

static void on_fill(void *ctx, ufs_urb *u, bool on_demand)
{
	bt_emu *e = ctx;
	(void)on_demand;
	if (u->endpoint == EP_EV && e->ev_n > 0) {
		pkt *k = &e->evq[e->ev_head];
		size_t n = k->len - e->ev_off;
		if (n > (size_t)u->length)
			n = (size_t)u->length;
		memcpy(u->data, k->b + e->ev_off, n);
		u->filled = (int)n;
		e->ev_off += n;
		if (e->ev_off == k->len) {
			e->ev_head = (e->ev_head + 1) % EVQ;
			e->ev_n--;
			e->ev_off = 0;
		}
		u->status = 0;
		u->done = true;
	} else if (u->endpoint == EP_ACL_IN && e->acl_n > 0) {
		pkt *k = &e->aclq[e->acl_head];
		size_t n = k->len - e->acl_off;
		if (n > (size_t)u->length)
			n = (size_t)u->length;
		memcpy(u->data, k->b + e->acl_off, n);
		u->filled = (int)n;
		e->acl_off += n;
		u->note[0] = 0;
		if (e->acl_off == k->len) {
			if (k->has_report) {
				u->note[0] = 1;
				u->note[1] = (uint64_t)k->rep.raw[0] | (uint64_t)k->rep.raw[1] << 16 |
				             (uint64_t)k->rep.raw[2] << 32 | (uint64_t)k->rep.raw[3] << 48;
				u->note[2] = k->rep.battery;
			}
			e->acl_head = (e->acl_head + 1) % ACLQ;
			e->acl_n--;
			e->acl_off = 0;
		}
		u->status = 0;
		u->done = true;
	}
}

static void on_reaped(void *ctx, const ufs_urb *u)
{
	bt_emu *e = ctx;
	if (u->endpoint != EP_ACL_IN || u->note[0] != 1 || e->log_n >= LOG_CAP)
		return;
	bt_emu_report *r = &e->log[e->log_n++];
	for (int i = 0; i < 4; i++)
		r->raw[i] = (uint16_t)(u->note[1] >> (16 * i));
	r->battery = (uint8_t)u->note[2];
}

/* ---- time ---- */

static uint16_t raw_of(int board_idx, double kg)
{
	const uint16_t *r = calib_ref[board_idx];
	double v = kg < 17 ? r[0] + kg / 17.0 * (r[1] - r[0]) : r[1] + (kg - 17) / 17.0 * (r[2] - r[1]);
	v = round(v);
	return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
}

static uint64_t next_rand(board *b)
{
	b->rng = b->rng * 6364136223846793005ull + 1442695040888963407ull;
	return b->rng >> 33;
}

static void inject_one(bt_emu *e, enum bt_emu_fault f)
{
	uint16_t intr = e->bd.ch[1].hcid;
	uint8_t b[40] = {0};
	switch (f) {
	case BTE_BAD_L2CAP_LEN: /* announces 20 bytes, 6 come */
		bt_l2cap_header(b, intr, 20);
		memcpy(b + 4, (uint8_t[]){WBB_HIDP_INPUT, 0x34, 0, 0, 1, 2}, 6);
		acl_push(e, HANDLE, BT_PB_START, b, 10, NULL);
		break;
	case BTE_ORPHAN_CONT:
		acl_push(e, HANDLE, BT_PB_CONT, (uint8_t[]){1, 2, 3, 4, 5}, 5, NULL);
		break;
	case BTE_UNKNOWN_CID:
		board_send(e, 0x0077, (uint8_t[]){WBB_HIDP_INPUT, 0x34, 0, 0}, 4, NULL);
		break;
	case BTE_OTHER_HANDLE:
		bt_l2cap_header(b, intr, 4);
		memcpy(b + 4, (uint8_t[]){WBB_HIDP_INPUT, 0x30, 0, 0}, 4);
		acl_push(e, 0x0ff, BT_PB_START, b, 8, NULL);
		break;
	case BTE_TRUNC_SIG: /* an echo request saying 10 data bytes, with 2 */
		board_send(e, BT_CID_SIGNALING, (uint8_t[]){BT_SIG_ECHO_REQ, 9, 10, 0, 1, 2}, 6, NULL);
		break;
	case BTE_UNKNOWN_SIG:
		board_send(e, BT_CID_SIGNALING, (uint8_t[]){0x3f, 10, 0, 0}, 4, NULL);
		break;
	case BTE_HID_NO_HEADER:
		board_send(e, intr, (uint8_t[]){0xa3, 0x34, 0, 0, 0, 0}, 6, NULL);
		break;
	case BTE_HID_SHORT:
		board_send(e, intr, (uint8_t[]){WBB_HIDP_INPUT, 0x34, 0, 0, 1}, 5, NULL);
		break;
	case BTE_HID_UNKNOWN: {
		uint8_t r[22] = {0x3d};
		board_hid(e, r, sizeof r, NULL);
		break;
	}
	case BTE_STATUS:
		send_status(e);
		e->bd.reporting = false; /* until the host sets the mode again */
		break;
	default:
		break;
	}
}

static void send_report(bt_emu *e)
{
	board *b = &e->bd;
	for (int f = 0; f < BTE_FAULT_COUNT; f++)
		for (; e->faults[f] > 0; e->faults[f]--) {
			inject_one(e, (enum bt_emu_fault)f);
			e->st.faults_sent++;
		}
	if (!b->reporting)
		return;
	uint8_t r[22] = {b->mode, 0, 0};
	bt_emu_report rep = {.battery = b->battery};
	for (int i = 0; i < 4; i++) {
		uint16_t v = raw_of(i, b->kg[board_to_cell[i]]);
		r[3 + 2 * i] = (uint8_t)(v >> 8);
		r[4 + 2 * i] = (uint8_t)v;
		rep.raw[board_to_cell[i]] = v;
	}
	r[11] = 0x19; /* temperature */
	r[13] = b->battery;
	board_hid(e, r, b->mode == WBB_REPORT_KE8 ? 11 : 22, &rep);
}

static void tick(bt_emu *e)
{
	uint64_t now = now_us();
	for (int i = 0; i < DEFER; i++) {
		deferred *d = &e->def[i];
		if (!d->used || d->due > now)
			continue;
		d->used = false;
		if (d->action)
			run_action(e, d->action);
		else {
			if (d->b[0] == BT_EV_INQUIRY_COMPLETE)
				e->inquiring = false;
			ev_now(e, d->b[0], d->b + 2, d->b[1]);
		}
	}
	if (e->ncp_pending > 0 && e->conn_up) {
		uint8_t p[5] = {1};
		bt_put_le16(p + 1, HANDLE);
		bt_put_le16(p + 3, (uint16_t)e->ncp_pending);
		ev_now(e, BT_EV_NUM_COMPLETED, p, 5);
	}
	if (e->ncp_pending > 0) {
		e->acl_used -= e->ncp_pending;
		e->ncp_pending = 0;
	}
	board *b = &e->bd;
	if (e->pending_req && now - e->pending_since > ACCEPT_WAIT_US) {
		e->pending_req = false; /* nobody accepted in time */
		b->page_at = now + PAGE_RETRY_US;
	}
	if (b->on && b->paired && !b->connected && !e->conn_up && !e->pending_req && e->scan_page &&
	    now >= b->page_at) {
		uint8_t p[10];
		memcpy(p, board_addr.b, 6);
		p[6] = (uint8_t)COD_BOARD, p[7] = (uint8_t)(COD_BOARD >> 8), p[8] = (uint8_t)(COD_BOARD >> 16);
		p[9] = 1;
		e->pending_req = true;
		e->pending_since = now;
		ev_now(e, BT_EV_CONN_REQUEST, p, 10);
	}
	if (b->open_at && now >= b->open_at && e->conn_up) {
		b->open_at = 0;
		board_open(e, &b->ch[0]);
	}
	if (e->conn_up && b->ch[0].st == BCH_OPEN && b->ch[1].st == BCH_OPEN && now >= b->next_report) {
		send_report(e);
		b->next_report = now + 8000 + next_rand(b) % 17000; /* 40–125 Hz */
	}
}

/* One millisecond of the radio, lock held. */
static void radio_ms(void *ctx)
{
	bt_emu *e = ctx;
	tick(e);
	ufs_kick(e->usb);
}

/* ---- setting up ---- */

static const uint8_t descriptors[] = {
	/* device: USB 2.0, class E0/01/01, EP0 64, 0a12:0001, bcdDevice 88.91,
	 * product string 2, one configuration */
	18, 1, 0x00, 0x02, 0xe0, 0x01, 0x01, 64, VID & 0xff, VID >> 8, PID & 0xff, PID >> 8, 0x91,
	0x88, 0, 2, 0, 1,
	/* configuration: 2 interfaces, bus powered 100 mA */
	9, 2, 85, 0, 2, 1, 0, 0x80, 50,
	/* interface 0: HCI, events + ACL */
	9, 4, 0, 0, 3, 0xe0, 0x01, 0x01, 0,
	7, 5, EP_EV, 3, EV_MPS, 0, 1,
	7, 5, EP_ACL_IN, 2, 64, 0, 0,
	7, 5, EP_ACL_OUT, 2, 64, 0, 0,
	/* interface 1: SCO audio, alternate 0 (no bandwidth) and 1 */
	9, 4, 1, 0, 2, 0xe0, 0x01, 0x01, 0,
	7, 5, 0x83, 1, 0, 0, 1,
	7, 5, 0x03, 1, 0, 0, 1,
	9, 4, 1, 1, 2, 0xe0, 0x01, 0x01, 0,
	7, 5, 0x83, 1, 9, 0, 1,
	7, 5, 0x03, 1, 9, 0, 1,
};

void bt_emu_calibration(uint8_t out[WBB_CALIB_LEN])
{
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 4; i++) {
			out[8 * k + 2 * i] = (uint8_t)(calib_ref[i][k] >> 8);
			out[8 * k + 2 * i + 1] = (uint8_t)calib_ref[i][k];
		}
}

static void board_init(bt_emu *e)
{
	board *b = &e->bd;
	b->on = e->cfg.board_on || e->cfg.board_sync;
	b->sync = e->cfg.board_sync;
	b->paired = e->cfg.board_paired;
	memcpy(b->key, e->cfg.board_key, 16);
	b->battery = e->cfg.battery ? e->cfg.battery : 0x7f;
	b->rng = e->cfg.seed * 2654435761u + 1;
	bt_emu_calibration(b->regs + 0x24);
	if (e->cfg.corrupt_calib) { /* TL's 17 kg reading below its 0 kg one */
		b->regs[0x24 + 8 + 4] = 0x00;
		b->regs[0x24 + 8 + 5] = 0x10;
	}
	const uint8_t id[6] = {0x00, 0x00, 0xa4, 0x20, 0x04, 0x02};
	memcpy(b->regs + 0xfa, id, 6);
	if (e->cfg.not_a_board)
		b->regs[0xfe] = b->regs[0xff] = 0x00; /* a Nunchuk */
	chan_init(b);
}

bool bt_emu_ensure_preload(char **argv)
{
	return ufs_ensure_preload(argv);
}

int bt_emu_create(bt_emu **out, const bt_emu_cfg *cfg)
{
	bt_emu *e = calloc(1, sizeof *e);
	if (!e)
		return -1;
	if (cfg)
		e->cfg = *cfg;
	e->evq = calloc(EVQ, sizeof *e->evq);
	e->aclq = calloc(ACLQ, sizeof *e->aclq);
	e->log = calloc(LOG_CAP, sizeof *e->log);
	e->host_credits = 1;
	board_init(e);
	ufs_cfg uc = {.descriptors = descriptors, .descriptors_len = sizeof descriptors, .vid = VID,
	              .pid = PID, .strings = {NULL, "CSR8510 A10"}, .n_ifaces = 2,
	              .kernel_driver = e->cfg.kernel_driver ? "btusb" : NULL,
	              .driver_loaded = e->cfg.driver_loaded,
	              .cb = {.ctx = e, .control = on_control, .out = on_out, .fill = on_fill,
	                     .reaped = on_reaped, .in_eps = {EP_EV, EP_ACL_IN}, .out_eps = {EP_ACL_OUT}}};
	if (!e->evq || !e->aclq || !e->log || ufs_create(&e->usb, &uc) != 0) {
		free(e->evq);
		free(e->aclq);
		free(e->log);
		free(e);
		return -1;
	}
	if (e->cfg.kernel_driver && !e->cfg.driver_loaded)
		fprintf(stderr, "bt emu: a kernel driver that is not loaded holds the adapter?\n");
	if (ufs_start_ticker(e->usb, radio_ms, e) != 0) {
		bt_emu_destroy(e);
		return -1;
	}
	*out = e;
	return 0;
}

void bt_emu_destroy(bt_emu *e)
{
	if (!e)
		return;
	ufs_destroy(e->usb);
	free(e->evq);
	free(e->aclq);
	free(e->log);
	free(e);
}

void bt_emu_set_loads(bt_emu *e, const double kg[4])
{
	ufs_lock(e->usb);
	memcpy(e->bd.kg, kg, sizeof e->bd.kg);
	ufs_unlock(e->usb);
}

void bt_emu_board_power(bt_emu *e, bool on, uint8_t reason)
{
	ufs_lock(e->usb);
	board *b = &e->bd;
	if (on && !b->on) {
		b->on = true;
		b->page_at = now_us();
	} else if (!on && b->on) {
		b->on = false;
		e->pending_req = false;
		if (e->conn_up) {
			/* The host hears of it after the data already sent. */
			uint8_t p[4] = {0};
			bt_put_le16(p + 1, HANDLE);
			p[3] = reason;
			link_down(e);
			defer(e, 5000, 0, false, BT_EV_DISCONN_COMPLETE, p, 4);
		}
	}
	ufs_kick(e->usb);
	ufs_unlock(e->usb);
}

void bt_emu_board_sync(bt_emu *e)
{
	ufs_lock(e->usb);
	e->bd.on = e->bd.sync = true;
	ufs_unlock(e->usb);
}

void bt_emu_inject(bt_emu *e, enum bt_emu_fault f)
{
	ufs_lock(e->usb);
	if (f < BTE_FAULT_COUNT)
		e->faults[f]++;
	ufs_unlock(e->usb);
}

void bt_emu_fail_command(bt_emu *e, uint16_t opcode, enum bt_emu_cmd_fault how)
{
	ufs_lock(e->usb);
	if (e->n_fail < 8) {
		e->fail_op[e->n_fail] = opcode;
		e->fail_how[e->n_fail++] = how;
	}
	ufs_unlock(e->usb);
}

void bt_emu_unplug(bt_emu *e)
{
	ufs_unplug(e->usb);
}

size_t bt_emu_reports(bt_emu *e, bt_emu_report *out, size_t max)
{
	ufs_lock(e->usb);
	size_t n = e->log_n;
	if (out)
		memcpy(out, e->log, (n < max ? n : max) * sizeof *out);
	ufs_unlock(e->usb);
	return n;
}

void bt_emu_get_stats(bt_emu *e, bt_emu_stats *out)
{
	ufs_lock(e->usb);
	*out = e->st;
	out->kernel_driver = ufs_kernel_bound(e->usb);
	out->scan_page = e->scan_page;
	ufs_unlock(e->usb);
}

bt_addr bt_emu_adapter_addr(void)
{
	return adapter_addr;
}

bt_addr bt_emu_board_addr(void)
{
	return board_addr;
}

void bt_emu_board_key(bt_emu *e, uint8_t key[16])
{
	ufs_lock(e->usb);
	memcpy(key, e->bd.key, 16);
	ufs_unlock(e->usb);
}

void bt_emu_board_paired_elsewhere(bt_emu *e)
{
	ufs_lock(e->usb);
	for (int i = 0; i < 16; i++)
		e->bd.key[i] ^= 0xa5;
	ufs_unlock(e->usb);
}

const char *bt_emu_devnode(const bt_emu *e)
{
	return ufs_devnode(e->usb);
}

const char *bt_emu_root(const bt_emu *e)
{
	return ufs_root(e->usb);
}
