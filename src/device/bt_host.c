/* The minimal Bluetooth host: see bt_host.h. */
#include "device/bt_host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "device/bt_keys.h"
#include "device/device.h"
#include "device/usb_common.h"

#define EV_XFERS 8          /* interrupt transfers in flight, one packet each */
#define EV_BUF 64           /* an interrupt packet (wMaxPacketSize ≤ 64) */
#define IN_XFERS 4          /* bulk IN transfers in flight */
#define IN_BUF 1028         /* as Linux's btusb: a whole ACL packet fits */
#define OUT_XFERS 4
#define OUT_MAX 1028
#define CMD_QUEUE 8
#define OUT_QUEUE 16
#define MAX_SEEN 16         /* devices remembered from inquiries */
#define L2CAP_MAX 1024      /* the largest L2CAP frame reassembled */
#define RET_MAX 32          /* return parameters kept from Command Complete */
#define STOP_WAIT_US 1000000u
#define OWN_CHANNELS_AFTER_US 1000000u /* a board that connected but opened no
                                        * channel by then gets ours */
#define INQUIRY_LENGTH 3    /* × 1.28 s */
#define PAGE_TIMEOUT_SLOTS 0x2000  /* 5.12 s */
#define ACCEPT_TIMEOUT_SLOTS 0x7d00 /* 20 s: a board's connection request
                                     * waits that long for a host */
#define COD_WII 0x002504    /* peripheral, gamepad: Wii Remote and board */
#define ROLE_STAY_SLAVE 0x01
#define RX_CLASS_DEVICE 0x20 /* bmRequestType of an HCI command */

enum chan_state { CH_CLOSED = 0, CH_WAIT_CONN, CH_CONFIG, CH_OPEN };

typedef struct chan {
	uint16_t psm, lcid, rcid;
	enum chan_state state;
	uint8_t req_id;   /* our outstanding request's identifier */
	bool out_done;    /* our Configure Request was accepted */
	bool in_done;     /* we accepted the peer's (the last of them) */
	bool ours;        /* we sent the Connection Request */
	mono_us opened_at;
} chan;

enum link_state { LINK_NONE = 0, LINK_PAGING, LINK_ACCEPTING, LINK_UP, LINK_DOWN };

enum name_state { NAME_UNKNOWN = 0, NAME_ASKING, NAME_OTHER, NAME_BOARD, NAME_FAILED };

typedef struct seen_dev {
	bt_inquiry_dev d;
	enum name_state name;
} seen_dev;

typedef struct cmd_slot {
	uint8_t pkt[BT_CMD_MAX];
	uint16_t len, opcode;
	uint32_t seq;
} cmd_slot;

struct bth {
	libusb_context *ctx;
	libusb_device *ld;
	libusb_device_handle *h;
	bth_usb u;
	bth_cfg cfg;
	bool detached, handed_off;
	bt_addr addr;
	char chipset[48];
	char key_dir[BTK_PATH_MAX];

	/* HCI commands: a queue, one in flight, sent only with a credit. */
	cmd_slot cq[CMD_QUEUE];
	size_t cq_head, cq_n;
	uint8_t credits;
	bool inflight, ctrl_busy;
	uint16_t inflight_op;
	uint32_t inflight_seq, next_seq;
	mono_us inflight_at;
	uint32_t done_seq;
	int done_err;            /* POISE_E_* of a failed control transfer */
	uint8_t done_status;
	uint8_t done_ret[RET_MAX];
	uint8_t done_ret_len;
	struct libusb_transfer *cmd_xfer;
	uint8_t cmd_buf[LIBUSB_CONTROL_SETUP_SIZE + BT_CMD_MAX];

	/* Transfers and the byte streams they feed. */
	struct libusb_transfer *ev_xfer[EV_XFERS], *in_xfer[IN_XFERS], *out_xfer[OUT_XFERS];
	uint8_t ev_buf[EV_XFERS][EV_BUF];
	uint8_t in_buf[IN_XFERS][IN_BUF];
	uint8_t out_buf[OUT_XFERS][OUT_MAX];
	bool out_busy[OUT_XFERS];
	int inflight_xfers;
	bool stuck;              /* transfers that never came back: never free them */
	bt_stream ev_stream, acl_stream;
	mono_us rx_t;            /* arrival of the transfer being parsed */

	/* ACL out: the adapter's buffers, and ours while it has none free. */
	uint16_t acl_mtu, acl_total, acl_credits;
	uint8_t oq[OUT_QUEUE][OUT_MAX];
	uint16_t oq_len[OUT_QUEUE];
	size_t oq_head, oq_n;

	/* The board link. */
	enum link_state link;
	uint16_t handle;
	bt_addr peer;
	char peer_name[64];
	bool we_paged, pairing, auth_pending, auth_done, key_used, key_retried;
	mono_us link_at;
	uint8_t down_reason, fail_status;
	uint8_t l2[L2CAP_MAX];
	size_t l2_have, l2_want;
	bool l2_skip;            /* an oversize frame: drop until the next start */
	chan ch[2];              /* [0] HID control, [1] HID interrupt */
	uint8_t sig_id;

	/* Looking for a board. */
	const bth_target *target;
	bool inquiring, cancelling, name_pending, board_seen;
	bool hold_requests;      /* from the open to the first bth_connect: keep
	                          * a connection request for it (one queued
	                          * while nobody held the adapter) */
	bool have_req;           /* such a request, answered by bth_connect */
	bt_conn_request req;
	seen_dev seen[MAX_SEEN];
	size_t n_seen;

	int fatal;
	char err[256];
	bth_stats st;
};

static void set_fatal(bth *h, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_fatal(bth *h, int err, const char *fmt, ...)
{
	if (h->fatal)
		return;
	h->fatal = err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->err, sizeof h->err, fmt, ap);
	va_end(ap);
	if (h->link == LINK_UP) {
		h->link = LINK_DOWN;
		h->down_reason = err == POISE_E_DISCONNECTED ? BT_ST_CONN_TIMEOUT : BT_ST_HW_FAILURE;
	}
}

/* ---- finding adapters ---- */

static bool id_listed(const char *list, uint16_t vid, uint16_t pid)
{
	for (const char *p = list; p && *p;) {
		unsigned v, q;
		if (sscanf(p, "%4x:%4x", &v, &q) == 2 && v == vid && q == pid)
			return true;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return false;
}

bool bth_adapter_probe(libusb_device *ld, const char *extra_ids, bth_usb *u)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cd;
	if (libusb_get_device_descriptor(ld, &dd) != 0 || libusb_get_config_descriptor(ld, 0, &cd) != 0)
		return false;
	bool found = false;
	if (cd->bNumInterfaces >= 1 && cd->interface[0].num_altsetting >= 1) {
		const struct libusb_interface_descriptor *id = &cd->interface[0].altsetting[0];
		bool bt = id->bInterfaceClass == LIBUSB_CLASS_WIRELESS && id->bInterfaceSubClass == 0x01 &&
		          id->bInterfaceProtocol == 0x01;
		bth_usb x = {.iface = id->bInterfaceNumber, .vid = dd.idVendor, .pid = dd.idProduct};
		for (int e = 0; e < id->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep = &id->endpoint[e];
			bool in = ep->bEndpointAddress & LIBUSB_ENDPOINT_IN;
			int type = ep->bmAttributes & 3;
			if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && in) {
				x.ev_in = ep->bEndpointAddress;
				x.ev_mps = ep->wMaxPacketSize;
			} else if (type == LIBUSB_TRANSFER_TYPE_BULK) {
				if (in)
					x.acl_in = ep->bEndpointAddress;
				else
					x.acl_out = ep->bEndpointAddress;
			}
		}
		found = (bt || id_listed(extra_ids, dd.idVendor, dd.idProduct)) && x.ev_in && x.acl_in &&
		        x.acl_out && x.ev_mps > 0 && x.ev_mps <= EV_BUF;
		if (found)
			*u = x;
	}
	libusb_free_config_descriptor(cd);
	return found;
}

/* ---- HCI commands ---- */

static void cmd_kick(bth *h);

/* Queues a command; returns its sequence number, 0 if the queue is full
 * (a host bug: the queue is deeper than anything we send at once). */
static uint32_t cmd_queue(bth *h, uint16_t op, const uint8_t *params, uint8_t plen)
{
	if (h->cq_n == CMD_QUEUE || !h->h) {
		if (h->h)
			set_fatal(h, POISE_E_IO, "the adapter's command queue overflowed (%zu commands waiting)",
			          h->cq_n);
		return 0;
	}
	cmd_slot *c = &h->cq[(h->cq_head + h->cq_n) % CMD_QUEUE];
	c->len = (uint16_t)bt_cmd_encode(c->pkt, op, params, plen);
	c->opcode = op;
	c->seq = ++h->next_seq;
	h->cq_n++;
	cmd_kick(h);
	return c->seq;
}

static void cmd_finish(bth *h, int err, uint8_t status, const uint8_t *ret, uint8_t ret_len)
{
	h->inflight = false;
	h->done_seq = h->inflight_seq;
	h->done_err = err;
	h->done_status = status;
	h->done_ret_len = ret_len < RET_MAX ? ret_len : RET_MAX;
	if (ret && h->done_ret_len)
		memcpy(h->done_ret, ret, h->done_ret_len);
}

static void LIBUSB_CALL cmd_xfer_done(struct libusb_transfer *t)
{
	bth *h = t->user_data;
	h->ctrl_busy = false;
	h->inflight_xfers--;
	if (t->status == LIBUSB_TRANSFER_COMPLETED)
		return; /* the answer comes as an event */
	char nb[24];
	if (t->status == LIBUSB_TRANSFER_NO_DEVICE) {
		set_fatal(h, POISE_E_DISCONNECTED, "the Bluetooth adapter was unplugged");
	} else if (h->inflight && t->status != LIBUSB_TRANSFER_CANCELLED) {
		/* The command never reached the controller. */
		set_fatal(h, POISE_E_IO, "the adapter refused %s at the USB level (%s): it may not be a "
		          "standard Bluetooth adapter", bt_cmd_name(h->inflight_op, nb),
		          t->status == LIBUSB_TRANSFER_STALL ? "stall" : "transfer error");
		cmd_finish(h, POISE_E_IO, 0xff, NULL, 0);
	}
}

static void cmd_kick(bth *h)
{
	if (h->inflight || h->ctrl_busy || h->cq_n == 0 || h->credits == 0 || h->fatal || !h->h ||
	    h->handed_off)
		return;
	cmd_slot *c = &h->cq[h->cq_head];
	libusb_fill_control_setup(h->cmd_buf, RX_CLASS_DEVICE, 0, 0, 0, c->len);
	memcpy(h->cmd_buf + LIBUSB_CONTROL_SETUP_SIZE, c->pkt, c->len);
	libusb_fill_control_transfer(h->cmd_xfer, h->h, h->cmd_buf, cmd_xfer_done, h, 0);
	int r = libusb_submit_transfer(h->cmd_xfer);
	if (r != 0) {
		char nb[24];
		set_fatal(h, dev_from_libusb(r), "cannot send %s to the adapter (%s)", bt_cmd_name(c->opcode, nb),
		          libusb_error_name(r));
		return;
	}
	h->inflight_xfers++;
	h->ctrl_busy = h->inflight = true;
	h->inflight_op = c->opcode;
	h->inflight_seq = c->seq;
	h->inflight_at = dev_now_us();
	h->credits--;
	h->cq_head = (h->cq_head + 1) % CMD_QUEUE;
	h->cq_n--;
	h->st.commands++;
}

static void check_cmd_timeout(bth *h)
{
	if (h->inflight && dev_now_us() - h->inflight_at > (mono_us)BTH_CMD_TIMEOUT_MS * 1000u) {
		char nb[24];
		set_fatal(h, POISE_E_TIMEOUT,
		          "the Bluetooth adapter did not answer %s within %d s: unplug it and plug it back in "
		          "(if it keeps happening, this adapter does not work with Poise: README)",
		          bt_cmd_name(h->inflight_op, nb), BTH_CMD_TIMEOUT_MS / 1000);
		cmd_finish(h, POISE_E_TIMEOUT, 0xff, NULL, 0);
	}
}

/* Sends a command and waits for its Command Complete (or Command Status).
 * Returns POISE_OK with *status (0 = success), or the fatal error. */
static int cmd_sync(bth *h, uint16_t op, const uint8_t *params, uint8_t plen, uint8_t *status)
{
	uint32_t seq = cmd_queue(h, op, params, plen);
	while (!h->fatal && seq && h->done_seq < seq)
		bth_pump(h, 20);
	if (h->fatal)
		return h->fatal;
	*status = h->done_status;
	return POISE_OK;
}

/* cmd_sync for a command that must succeed at setup: an error status is
 * fatal, with a message. */
static int cmd_must(bth *h, uint16_t op, const uint8_t *params, uint8_t plen)
{
	uint8_t st;
	int rc = cmd_sync(h, op, params, plen, &st);
	if (rc == POISE_OK && st != BT_ST_OK) {
		char nb[24];
		set_fatal(h, POISE_E_IO, "the Bluetooth adapter answered %s with error 0x%02x (%s): unplug "
		          "it and plug it back in", bt_cmd_name(op, nb), st, bt_status_str(st));
		return h->fatal;
	}
	return rc;
}

/* ---- ACL out ---- */

static void out_kick(bth *h);

static void LIBUSB_CALL out_xfer_done(struct libusb_transfer *t)
{
	bth *h = t->user_data;
	h->inflight_xfers--;
	for (int i = 0; i < OUT_XFERS; i++)
		if (h->out_xfer[i] == t)
			h->out_busy[i] = false;
	if (t->status == LIBUSB_TRANSFER_NO_DEVICE)
		set_fatal(h, POISE_E_DISCONNECTED, "the Bluetooth adapter was unplugged");
	else if (t->status == LIBUSB_TRANSFER_COMPLETED)
		h->st.acl_out++;
	out_kick(h);
}

static void out_kick(bth *h)
{
	while (h->oq_n > 0 && h->acl_credits > 0 && !h->fatal && h->h && !h->handed_off) {
		int slot = -1;
		for (int i = 0; i < OUT_XFERS && slot < 0; i++)
			if (!h->out_busy[i])
				slot = i;
		if (slot < 0)
			return;
		uint16_t len = h->oq_len[h->oq_head];
		memcpy(h->out_buf[slot], h->oq[h->oq_head], len);
		libusb_fill_bulk_transfer(h->out_xfer[slot], h->h, h->u.acl_out, h->out_buf[slot], len,
		                          out_xfer_done, h, 0);
		int r = libusb_submit_transfer(h->out_xfer[slot]);
		if (r != 0) {
			set_fatal(h, dev_from_libusb(r), "cannot send data to the adapter (%s)", libusb_error_name(r));
			return;
		}
		h->inflight_xfers++;
		h->out_busy[slot] = true;
		h->acl_credits--;
		h->oq_head = (h->oq_head + 1) % OUT_QUEUE;
		h->oq_n--;
	}
}

/* Sends one L2CAP frame (header included) on the board link, in ACL
 * fragments of the adapter's size. */
static int l2cap_send(bth *h, const uint8_t *frame, size_t len)
{
	if (h->link != LINK_UP)
		return POISE_E_STATE;
	size_t mtu = h->acl_mtu ? h->acl_mtu : 27;
	if (mtu > OUT_MAX - BT_ACL_HDR)
		mtu = OUT_MAX - BT_ACL_HDR;
	size_t frags = (len + mtu - 1) / mtu;
	if (frags > OUT_QUEUE - h->oq_n)
		return POISE_E_NOSPACE;
	for (size_t off = 0; off < len; off += mtu) {
		size_t n = len - off < mtu ? len - off : mtu;
		uint8_t *p = h->oq[(h->oq_head + h->oq_n) % OUT_QUEUE];
		bt_acl_header(p, h->handle, off == 0 ? BT_PB_START : BT_PB_CONT, (uint16_t)n);
		memcpy(p + BT_ACL_HDR, frame + off, n);
		h->oq_len[(h->oq_head + h->oq_n) % OUT_QUEUE] = (uint16_t)(n + BT_ACL_HDR);
		h->oq_n++;
	}
	out_kick(h);
	return POISE_OK;
}

static void sig_send(bth *h, uint8_t code, uint8_t id, const uint8_t *data, uint16_t len)
{
	uint8_t frame[8 + 64];
	if (len > 64)
		return;
	l2cap_send(h, frame, bt_sig_encode(frame, code, id, data, len));
}

static uint8_t next_sig_id(bth *h)
{
	if (++h->sig_id == 0)
		h->sig_id = 1;
	return h->sig_id;
}

/* ---- L2CAP channels ---- */

static chan *chan_by_psm(bth *h, uint16_t psm)
{
	return psm == BT_PSM_HID_CONTROL ? &h->ch[0] : psm == BT_PSM_HID_INTERRUPT ? &h->ch[1] : NULL;
}

static chan *chan_by_lcid(bth *h, uint16_t lcid)
{
	for (int i = 0; i < 2; i++)
		if (h->ch[i].state != CH_CLOSED && h->ch[i].lcid == lcid)
			return &h->ch[i];
	return NULL;
}

static void chan_reset(bth *h)
{
	for (int i = 0; i < 2; i++)
		h->ch[i] = (chan){.psm = i == 0 ? BT_PSM_HID_CONTROL : BT_PSM_HID_INTERRUPT,
		                  .lcid = (uint16_t)(BT_CID_DYNAMIC + i)};
	h->l2_have = 0;
	h->l2_skip = false;
}

static void send_conf_req(bth *h, chan *c)
{
	uint8_t d[4];
	bt_put_le16(d, c->rcid);
	bt_put_le16(d + 2, 0); /* no continuation; no options: the defaults suit HID */
	c->req_id = next_sig_id(h);
	sig_send(h, BT_SIG_CONF_REQ, c->req_id, d, sizeof d);
}

static void chan_open(bth *h, chan *c)
{
	uint8_t d[4];
	bt_put_le16(d, c->psm);
	bt_put_le16(d + 2, c->lcid);
	c->state = CH_WAIT_CONN;
	c->ours = true;
	c->opened_at = dev_now_us();
	c->req_id = next_sig_id(h);
	sig_send(h, BT_SIG_CONN_REQ, c->req_id, d, sizeof d);
}

static void chan_fail(bth *h, chan *c, const char *what, unsigned code)
{
	c->state = CH_CLOSED;
	snprintf(h->err, sizeof h->err, "the board refused its HID %s channel (%s 0x%04x)",
	         c->psm == BT_PSM_HID_CONTROL ? "control" : "interrupt", what, code);
	h->fail_status = BT_ST_REMOTE_USER_ENDED;
}

static void reject(bth *h, uint8_t id, uint16_t reason, const uint8_t *data, uint16_t dlen)
{
	uint8_t d[6];
	bt_put_le16(d, reason);
	if (dlen > 4)
		dlen = 4;
	if (dlen)
		memcpy(d + 2, data, dlen);
	h->st.sig_rejected++;
	sig_send(h, BT_SIG_REJECT, id, d, (uint16_t)(2 + dlen));
}

static void link_lost(bth *h, uint8_t reason);

static void on_conn_req(bth *h, const bt_sig *s)
{
	uint16_t psm = bt_le16(s->data), scid = bt_le16(s->data + 2);
	chan *c = chan_by_psm(h, psm);
	uint8_t d[8];
	bt_put_le16(d + 2, scid);
	bt_put_le16(d + 6, 0);
	if (!c || c->state != CH_CLOSED) {
		bt_put_le16(d, 0);
		bt_put_le16(d + 4, c ? BT_CONN_NO_RESOURCES : BT_CONN_BAD_PSM);
		sig_send(h, BT_SIG_CONN_RSP, s->id, d, sizeof d);
		return;
	}
	c->rcid = scid;
	c->state = CH_CONFIG;
	c->ours = false;
	c->out_done = c->in_done = false;
	c->opened_at = dev_now_us();
	bt_put_le16(d, c->lcid);
	bt_put_le16(d + 4, BT_CONN_OK);
	sig_send(h, BT_SIG_CONN_RSP, s->id, d, sizeof d);
	send_conf_req(h, c);
}

static void on_conn_rsp(bth *h, const bt_sig *s)
{
	uint16_t dcid = bt_le16(s->data), scid = bt_le16(s->data + 2), result = bt_le16(s->data + 4);
	chan *c = chan_by_lcid(h, scid);
	if (!c || c->state != CH_WAIT_CONN || c->req_id != s->id)
		return; /* a late or stray answer */
	if (result == BT_CONN_PENDING)
		return;
	if (result != BT_CONN_OK) {
		chan_fail(h, c, "result", result);
		return;
	}
	c->rcid = dcid;
	c->state = CH_CONFIG;
	send_conf_req(h, c);
}

static void on_conf_req(bth *h, const bt_sig *s)
{
	uint16_t dcid = bt_le16(s->data), flags = bt_le16(s->data + 2);
	chan *c = chan_by_lcid(h, dcid);
	if (!c || c->state < CH_CONFIG) {
		reject(h, s->id, 0x0002, s->data, 2); /* invalid CID */
		return;
	}
	/* Whatever the board proposes suits us (it sends small reports), so
	 * every option is accepted as it is. */
	uint8_t d[6];
	bt_put_le16(d, c->rcid);
	bt_put_le16(d + 2, flags & 1);
	bt_put_le16(d + 4, 0);
	sig_send(h, BT_SIG_CONF_RSP, s->id, d, sizeof d);
	if (!(flags & 1))
		c->in_done = true;
	if (c->in_done && c->out_done)
		c->state = CH_OPEN;
}

static void on_conf_rsp(bth *h, const bt_sig *s)
{
	uint16_t scid = bt_le16(s->data), flags = bt_le16(s->data + 2), result = bt_le16(s->data + 4);
	chan *c = chan_by_lcid(h, scid);
	if (!c || c->state != CH_CONFIG || c->req_id != s->id)
		return;
	if (result != 0) {
		chan_fail(h, c, "configuration result", result);
		return;
	}
	if (!(flags & 1))
		c->out_done = true;
	if (c->in_done && c->out_done)
		c->state = CH_OPEN;
}

static void on_disconn_req(bth *h, const bt_sig *s)
{
	uint16_t dcid = bt_le16(s->data), scid = bt_le16(s->data + 2);
	chan *c = chan_by_lcid(h, dcid);
	if (!c || c->rcid != scid) {
		reject(h, s->id, 0x0002, s->data, 4);
		return;
	}
	sig_send(h, BT_SIG_DISCONN_RSP, s->id, s->data, 4);
	bool was_open = c->state == CH_OPEN;
	c->state = CH_CLOSED;
	if (was_open) {
		/* The board is going away (switched off, or another host took it):
		 * end the link rather than keep half of it. */
		uint8_t p[3];
		bt_put_le16(p, h->handle);
		p[2] = BT_ST_REMOTE_USER_ENDED;
		cmd_queue(h, BT_CMD_DISCONNECT, p, sizeof p);
		link_lost(h, BT_ST_REMOTE_USER_ENDED);
	}
}

/* The minimum data length of each signalling command we act on. */
static uint16_t sig_min_len(uint8_t code)
{
	switch (code) {
	case BT_SIG_REJECT:
		return 2;
	case BT_SIG_CONN_REQ:
		return 4;
	case BT_SIG_CONN_RSP:
		return 8;
	case BT_SIG_CONF_REQ:
		return 4;
	case BT_SIG_CONF_RSP:
		return 6;
	case BT_SIG_DISCONN_REQ:
	case BT_SIG_DISCONN_RSP:
		return 4;
	case BT_SIG_INFO_REQ:
		return 2;
	case BT_SIG_ECHO_REQ:
	case BT_SIG_ECHO_RSP:
	case BT_SIG_INFO_RSP:
		return 0;
	default:
		return 0xffff; /* not understood */
	}
}

static void on_signal(bth *h, const bt_sig *s)
{
	uint16_t min = sig_min_len(s->code);
	if (min == 0xffff || s->len < min) {
		if (min != 0xffff)
			h->st.bad_l2cap++;
		reject(h, s->id, 0x0000, NULL, 0); /* command not understood */
		return;
	}
	switch (s->code) {
	case BT_SIG_CONN_REQ:
		on_conn_req(h, s);
		break;
	case BT_SIG_CONN_RSP:
		on_conn_rsp(h, s);
		break;
	case BT_SIG_CONF_REQ:
		on_conf_req(h, s);
		break;
	case BT_SIG_CONF_RSP:
		on_conf_rsp(h, s);
		break;
	case BT_SIG_DISCONN_REQ:
		on_disconn_req(h, s);
		break;
	case BT_SIG_DISCONN_RSP: {
		chan *c = chan_by_lcid(h, bt_le16(s->data + 2));
		if (c)
			c->state = CH_CLOSED;
		break;
	}
	case BT_SIG_ECHO_REQ:
		sig_send(h, BT_SIG_ECHO_RSP, s->id, s->data, s->len <= 64 ? s->len : 64);
		break;
	case BT_SIG_INFO_REQ: {
		uint8_t d[4];
		memcpy(d, s->data, 2);
		bt_put_le16(d + 2, 0x0001); /* not supported */
		sig_send(h, BT_SIG_INFO_RSP, s->id, d, sizeof d);
		break;
	}
	case BT_SIG_REJECT:
		for (int i = 0; i < 2; i++)
			if (h->ch[i].state != CH_CLOSED && h->ch[i].state != CH_OPEN && h->ch[i].req_id == s->id)
				chan_fail(h, &h->ch[i], "command reject, reason", bt_le16(s->data));
		break;
	default: /* ECHO_RSP, INFO_RSP: nothing to do */
		break;
	}
}

static void dropped(bth *h)
{
	if (h->cfg.ev.dropped)
		h->cfg.ev.dropped(h->cfg.ev.ctx);
}

static void l2cap_frame(bth *h, const uint8_t *b, size_t n)
{
	bt_l2cap f;
	if (bt_l2cap_parse(b, n, &f) != POISE_OK) {
		h->st.bad_l2cap++;
		dropped(h);
		return;
	}
	if (f.cid == BT_CID_SIGNALING) {
		size_t off = 0;
		bt_sig s;
		int r;
		while ((r = bt_sig_next(f.payload, f.len, &off, &s)) == POISE_OK)
			on_signal(h, &s);
		if (r == POISE_E_PROTOCOL)
			h->st.bad_l2cap++;
		return;
	}
	chan *c = chan_by_lcid(h, f.cid);
	if (!c || c->state != CH_OPEN) {
		h->st.bad_l2cap++;
		dropped(h);
		return;
	}
	if (h->cfg.ev.hid)
		h->cfg.ev.hid(h->cfg.ev.ctx, c->psm, f.payload, f.len, h->rx_t);
}

/* One whole ACL packet from the adapter: reassemble L2CAP frames. */
static void acl_packet(void *ctx, const uint8_t *b, size_t n)
{
	bth *h = ctx;
	bt_acl a;
	h->st.acl_in++;
	bool ok = bt_acl_parse(b, n, &a) == POISE_OK;
	bool ours = ok && (h->link == LINK_UP || h->link == LINK_DOWN) && a.handle == h->handle;
	if (!ours || (a.pb != BT_PB_START && a.pb != BT_PB_CONT && a.pb != 0)) {
		h->st.bad_acl++;
		if (h->link == LINK_UP)
			dropped(h);
		return;
	}
	if (a.pb != BT_PB_CONT) { /* a start */
		if (h->l2_have > 0) { /* the previous frame never completed */
			h->st.bad_l2cap++;
			dropped(h);
		}
		h->l2_have = 0;
		h->l2_skip = false;
		if (a.len < BT_L2CAP_HDR) {
			h->st.bad_acl++;
			dropped(h);
			return;
		}
		h->l2_want = BT_L2CAP_HDR + (size_t)bt_l2cap_len(a.data);
		if (h->l2_want > L2CAP_MAX) {
			h->st.bad_l2cap++;
			h->l2_skip = true;
			dropped(h);
			return;
		}
	} else if (h->l2_skip) {
		return;
	} else if (h->l2_have == 0) { /* a continuation without a start */
		h->st.bad_acl++;
		dropped(h);
		return;
	}
	if (h->l2_have + a.len > h->l2_want) { /* more than the frame announced */
		h->st.bad_l2cap++;
		h->l2_have = 0;
		dropped(h);
		return;
	}
	memcpy(h->l2 + h->l2_have, a.data, a.len);
	h->l2_have += a.len;
	if (h->l2_have == h->l2_want) {
		h->l2_have = 0;
		l2cap_frame(h, h->l2, h->l2_want);
	}
}

/* ---- the link ---- */

static bool paired(bth *h, const bt_addr *a, btk_board *b)
{
	btk_board tmp;
	return h->key_dir[0] && btk_load(h->key_dir, a, b ? b : &tmp) == POISE_OK;
}

static bool wanted(bth *h, const bt_addr *a)
{
	const bth_target *t = h->target;
	if (!t)
		return false;
	if (t->have_addr)
		return bt_addr_eq(&t->addr, a);
	return t->any_paired && paired(h, a, NULL);
}

/* The link is gone. Its channels stay readable until the next link:
 * data the adapter delivered before it told of the loss (on another
 * endpoint, so possibly read after the event) is still the board's. */
static void link_lost(bth *h, uint8_t reason)
{
	if (h->link == LINK_UP) {
		h->link = LINK_DOWN;
		h->down_reason = reason;
	}
}

static void start_auth(bth *h)
{
	uint8_t p[2];
	bt_put_le16(p, h->handle);
	h->auth_pending = true;
	cmd_queue(h, BT_CMD_AUTH_REQUESTED, p, sizeof p);
}

static void answer_conn_request(bth *h, const bt_conn_request *rq)
{
	bt_conn_request r = *rq;
	uint8_t p[7];
	memcpy(p, r.addr.b, 6);
	if (h->link == LINK_NONE && r.link_type == 1 && wanted(h, &r.addr)) {
		p[6] = ROLE_STAY_SLAVE;
		cmd_queue(h, BT_CMD_ACCEPT_CONN, p, 7);
		h->link = LINK_ACCEPTING;
		h->peer = r.addr;
		h->we_paged = h->pairing = false;
		btk_board b;
		h->peer_name[0] = 0;
		if (paired(h, &r.addr, &b))
			snprintf(h->peer_name, sizeof h->peer_name, "%s", b.name);
		h->link_at = dev_now_us();
		h->board_seen = true;
	} else if ((h->link == LINK_ACCEPTING || h->link == LINK_PAGING) && bt_addr_eq(&r.addr, &h->peer)) {
		return; /* the same board again while we connect to it */
	} else {
		p[6] = BT_ST_REJECTED_BDADDR;
		cmd_queue(h, BT_CMD_REJECT_CONN, p, 7);
	}
}

static void on_conn_request(bth *h, const bt_event *e)
{
	bt_conn_request r;
	if (bt_ev_conn_request(e, &r) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	if (!h->target && h->hold_requests) { /* not looking yet: keep it for bth_connect */
		h->req = r;
		h->have_req = true;
		return;
	}
	answer_conn_request(h, &r); /* with no target: rejected */
}

static void on_conn_complete(bth *h, const bt_event *e)
{
	bt_conn_complete c;
	if (bt_ev_conn_complete(e, &c) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	bool ours = (h->link == LINK_PAGING || h->link == LINK_ACCEPTING) && bt_addr_eq(&c.addr, &h->peer);
	if (!ours) {
		if (c.status == BT_ST_OK) { /* not a link we asked for: end it */
			uint8_t p[3];
			bt_put_le16(p, c.handle);
			p[2] = BT_ST_REMOTE_USER_ENDED;
			cmd_queue(h, BT_CMD_DISCONNECT, p, sizeof p);
		}
		return;
	}
	if (c.status != BT_ST_OK) {
		h->fail_status = c.status;
		for (size_t i = 0; i < h->n_seen; i++)
			if (bt_addr_eq(&h->seen[i].d.addr, &c.addr))
				h->seen[i].name = NAME_FAILED;
		h->link = LINK_NONE;
		return;
	}
	h->link = LINK_UP;
	h->handle = c.handle;
	h->link_at = dev_now_us();
	h->auth_done = h->auth_pending = h->key_used = h->key_retried = false;
	chan_reset(h);
	if (h->we_paged)
		start_auth(h);
}

static void on_disconn_complete(bth *h, const bt_event *e)
{
	bt_handle_status d;
	if (bt_ev_disconn_complete(e, &d) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	if (d.status == BT_ST_OK && h->link == LINK_UP && d.handle == h->handle)
		link_lost(h, d.reason);
}

static void on_link_key_request(bth *h, const bt_event *e)
{
	bt_addr a;
	if (bt_ev_addr(e, &a) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	btk_board b;
	if (!h->key_retried && paired(h, &a, &b)) {
		uint8_t p[22];
		memcpy(p, a.b, 6);
		memcpy(p + 6, b.key, 16);
		h->key_used = true;
		cmd_queue(h, BT_CMD_LINK_KEY_REPLY, p, sizeof p);
	} else {
		cmd_queue(h, BT_CMD_LINK_KEY_NEG_REPLY, a.b, 6);
	}
}

static void on_pin_request(bth *h, const bt_event *e)
{
	bt_addr a;
	if (bt_ev_addr(e, &a) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	if (!(h->pairing && h->link == LINK_UP && bt_addr_eq(&a, &h->peer))) {
		cmd_queue(h, BT_CMD_PIN_NEG_REPLY, a.b, 6);
		return;
	}
	/* The board's rule for its red sync button: the PIN is the host's
	 * address backwards, i.e. its six bytes in wire order. */
	uint8_t p[23] = {0};
	memcpy(p, a.b, 6);
	p[6] = 6;
	memcpy(p + 7, h->addr.b, 6);
	cmd_queue(h, BT_CMD_PIN_REPLY, p, sizeof p);
}

static void on_link_key_notify(bth *h, const bt_event *e)
{
	bt_link_key k;
	if (bt_ev_link_key_notify(e, &k) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	if (!bt_addr_eq(&k.addr, &h->peer) || !h->key_dir[0])
		return;
	btk_board b = {.addr = k.addr, .battery_pct = -1};
	btk_board old;
	if (paired(h, &k.addr, &old))
		b.battery_pct = old.battery_pct;
	snprintf(b.name, sizeof b.name, "%s", h->peer_name[0] ? h->peer_name : BTH_BOARD_NAME);
	memcpy(b.key, k.key, 16);
	if (btk_save(h->key_dir, &b) == POISE_OK)
		h->st.pairings++;
}

static void on_auth_complete(bth *h, const bt_event *e)
{
	bt_handle_status a;
	if (bt_ev_auth_complete(e, &a) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	if (h->link != LINK_UP || a.handle != h->handle)
		return;
	h->auth_pending = false;
	if (a.status == BT_ST_OK) {
		h->auth_done = true;
		return;
	}
	if (h->key_used && !h->key_retried && h->pairing) {
		/* The stored key no longer works (the board was paired elsewhere
		 * since, and its sync button is pressed now): pair afresh. */
		btk_forget(h->key_dir, &h->peer);
		h->key_retried = true;
		start_auth(h);
		return;
	}
	h->fail_status = a.status;
	snprintf(h->err, sizeof h->err, "pairing with the board failed (%s): press its red sync "
	         "button again while Poise connects", bt_status_str(a.status));
	uint8_t p[3];
	bt_put_le16(p, h->handle);
	p[2] = BT_ST_REMOTE_USER_ENDED;
	cmd_queue(h, BT_CMD_DISCONNECT, p, sizeof p);
	link_lost(h, a.status);
}

static void on_inquiry_dev(void *ctx, const bt_inquiry_dev *d)
{
	bth *h = ctx;
	for (size_t i = 0; i < h->n_seen; i++)
		if (bt_addr_eq(&h->seen[i].d.addr, &d->addr)) {
			h->seen[i].d = *d;
			return;
		}
	if (h->n_seen == MAX_SEEN)
		return;
	h->seen[h->n_seen++] = (seen_dev){.d = *d};
	/* A Wii device found: no need to finish the inquiry before asking
	 * its name (some adapters cannot do both at once). */
	if (d->cod == COD_WII && h->inquiring && !h->cancelling) {
		h->cancelling = true;
		cmd_queue(h, BT_CMD_INQUIRY_CANCEL, NULL, 0);
	}
}

static void on_remote_name(bth *h, const bt_event *e)
{
	bt_remote_name r;
	if (bt_ev_remote_name(e, &r) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	h->name_pending = false;
	for (size_t i = 0; i < h->n_seen; i++)
		if (bt_addr_eq(&h->seen[i].d.addr, &r.addr))
			h->seen[i].name = r.status != BT_ST_OK ? NAME_FAILED
			                  : strcmp(r.name, BTH_BOARD_NAME) == 0 ? NAME_BOARD : NAME_OTHER;
}

static void num_completed(void *ctx, uint16_t handle, uint16_t n)
{
	bth *h = ctx;
	(void)handle;
	unsigned c = h->acl_credits + n;
	h->acl_credits = (uint16_t)(c > h->acl_total ? h->acl_total : c);
}

/* Side effects of a finished asynchronous command. */
static void cmd_done_effects(bth *h, uint16_t op, const bt_cmd_done *d)
{
	if (d->status == BT_ST_OK)
		return;
	if (op == BT_CMD_CREATE_CONN && h->link == LINK_PAGING) {
		h->fail_status = d->status;
		h->link = LINK_NONE;
	} else if (op == BT_CMD_ACCEPT_CONN && h->link == LINK_ACCEPTING) {
		h->link = LINK_NONE;
	} else if (op == BT_CMD_REMOTE_NAME) {
		h->name_pending = false;
		for (size_t i = 0; i < h->n_seen; i++)
			if (h->seen[i].name == NAME_ASKING)
				h->seen[i].name = NAME_FAILED;
	} else if (op == BT_CMD_INQUIRY) {
		h->inquiring = false;
	} else if (op == BT_CMD_AUTH_REQUESTED && h->link == LINK_UP) {
		h->auth_pending = false;
		h->fail_status = d->status;
	}
}

static void ev_packet(void *ctx, const uint8_t *b, size_t n)
{
	bth *h = ctx;
	bt_event e;
	h->st.events++;
	if (bt_event_parse(b, n, &e) != POISE_OK) {
		h->st.bad_events++;
		return;
	}
	switch (e.code) {
	case BT_EV_CMD_COMPLETE:
	case BT_EV_CMD_STATUS: {
		bt_cmd_done d;
		if (bt_ev_cmd_done(&e, &d) != POISE_OK) {
			h->st.bad_events++;
			break;
		}
		h->credits = d.credits;
		if (h->inflight && d.opcode == h->inflight_op) {
			cmd_finish(h, POISE_OK, d.status, d.ret, d.ret_len);
			cmd_done_effects(h, d.opcode, &d);
		}
		if (d.opcode == BT_CMD_INQUIRY_CANCEL) {
			h->inquiring = h->cancelling = false;
		}
		break;
	}
	case BT_EV_CONN_REQUEST:
		on_conn_request(h, &e);
		break;
	case BT_EV_CONN_COMPLETE:
		on_conn_complete(h, &e);
		break;
	case BT_EV_DISCONN_COMPLETE:
		on_disconn_complete(h, &e);
		break;
	case BT_EV_LINK_KEY_REQUEST:
		on_link_key_request(h, &e);
		break;
	case BT_EV_PIN_REQUEST:
		on_pin_request(h, &e);
		break;
	case BT_EV_LINK_KEY_NOTIFY:
		on_link_key_notify(h, &e);
		break;
	case BT_EV_AUTH_COMPLETE:
		on_auth_complete(h, &e);
		break;
	case BT_EV_INQUIRY_RESULT:
	case BT_EV_INQUIRY_RESULT_RSSI:
	case BT_EV_EXT_INQUIRY_RESULT:
		if (bt_ev_inquiry(&e, on_inquiry_dev, h) != POISE_OK)
			h->st.bad_events++;
		break;
	case BT_EV_INQUIRY_COMPLETE:
		h->inquiring = h->cancelling = false;
		break;
	case BT_EV_REMOTE_NAME:
		on_remote_name(h, &e);
		break;
	case BT_EV_NUM_COMPLETED:
		if (bt_ev_num_completed(&e, num_completed, h) != POISE_OK)
			h->st.bad_events++;
		break;
	case BT_EV_HW_ERROR:
		set_fatal(h, POISE_E_IO, "the Bluetooth adapter reported a hardware error (code 0x%02x): "
		          "unplug it and plug it back in", e.len ? e.p[0] : 0);
		break;
	default: /* mode changes, role changes, max slots...: nothing to do */
		break;
	}
	cmd_kick(h);
}

/* ---- transfers ---- */

static void resubmit(bth *h, struct libusb_transfer *t)
{
	if (h->fatal || h->handed_off) {
		h->inflight_xfers--;
		return;
	}
	int r = libusb_submit_transfer(t);
	if (r != 0) {
		h->inflight_xfers--;
		set_fatal(h, dev_from_libusb(r), r == LIBUSB_ERROR_NO_DEVICE ? "the Bluetooth adapter was unplugged"
		                                                       : "cannot read from the adapter (%s)",
		          libusb_error_name(r));
	}
}

/* The common part of the IN transfers' completion: true if the data is
 * to be parsed. */
static bool in_status(bth *h, struct libusb_transfer *t, bt_stream *s)
{
	switch (t->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		return true;
	case LIBUSB_TRANSFER_NO_DEVICE:
		h->inflight_xfers--;
		set_fatal(h, POISE_E_DISCONNECTED, "the Bluetooth adapter was unplugged");
		return false;
	case LIBUSB_TRANSFER_CANCELLED:
		h->inflight_xfers--;
		return false;
	case LIBUSB_TRANSFER_STALL:
		h->inflight_xfers--;
		set_fatal(h, POISE_E_IO, "the Bluetooth adapter's endpoint 0x%02x stalled: unplug it and "
		          "plug it back in", t->endpoint);
		return false;
	default: /* a transfer error: what was partly received is lost */
		bt_stream_reset(s);
		resubmit(h, t);
		return false;
	}
}

static void LIBUSB_CALL ev_xfer_done(struct libusb_transfer *t)
{
	bth *h = t->user_data;
	if (!in_status(h, t, &h->ev_stream))
		return;
	bt_stream_feed(&h->ev_stream, t->buffer, (size_t)t->actual_length, ev_packet, h);
	h->st.stream_dropped = h->ev_stream.dropped + h->acl_stream.dropped;
	resubmit(h, t);
}

static void LIBUSB_CALL in_xfer_done(struct libusb_transfer *t)
{
	bth *h = t->user_data;
	if (!in_status(h, t, &h->acl_stream))
		return;
	h->rx_t = dev_now_us();
	bt_stream_feed(&h->acl_stream, t->buffer, (size_t)t->actual_length, acl_packet, h);
	h->st.stream_dropped = h->ev_stream.dropped + h->acl_stream.dropped;
	resubmit(h, t);
}

static int submit_in(bth *h)
{
	for (int i = 0; i < EV_XFERS; i++) {
		libusb_fill_interrupt_transfer(h->ev_xfer[i], h->h, h->u.ev_in, h->ev_buf[i], h->u.ev_mps,
		                               ev_xfer_done, h, 0);
		int r = libusb_submit_transfer(h->ev_xfer[i]);
		if (r != 0)
			return dev_from_libusb(r);
		h->inflight_xfers++;
	}
	for (int i = 0; i < IN_XFERS; i++) {
		libusb_fill_bulk_transfer(h->in_xfer[i], h->h, h->u.acl_in, h->in_buf[i], IN_BUF,
		                          in_xfer_done, h, 0);
		int r = libusb_submit_transfer(h->in_xfer[i]);
		if (r != 0)
			return dev_from_libusb(r);
		h->inflight_xfers++;
	}
	return POISE_OK;
}

static void cancel_all(bth *h)
{
	struct libusb_transfer *all[EV_XFERS + IN_XFERS + OUT_XFERS + 1];
	size_t n = 0;
	for (int i = 0; i < EV_XFERS; i++)
		all[n++] = h->ev_xfer[i];
	for (int i = 0; i < IN_XFERS; i++)
		all[n++] = h->in_xfer[i];
	for (int i = 0; i < OUT_XFERS; i++)
		all[n++] = h->out_xfer[i];
	all[n++] = h->cmd_xfer;
	bool was = h->handed_off;
	h->handed_off = true; /* no resubmission from here on */
	for (size_t i = 0; i < n; i++)
		if (all[i])
			libusb_cancel_transfer(all[i]); /* NOT_FOUND for idle ones: fine */
	mono_us until = dev_now_us() + STOP_WAIT_US;
	while (h->inflight_xfers > 0 && dev_now_us() < until) {
		struct timeval tv = {0, 20000};
		libusb_handle_events_timeout_completed(h->ctx, &tv, NULL);
	}
	if (h->inflight_xfers > 0)
		h->stuck = true; /* never free what libusb may still touch */
	h->handed_off = was;
	h->inflight = h->ctrl_busy = false;
	for (int i = 0; i < OUT_XFERS; i++)
		h->out_busy[i] = false;
}

/* ---- opening ---- */

static const char *maker(uint16_t id)
{
	switch (id) {
	case 2:
		return "Intel";
	case 10:
		return "Cambridge Silicon Radio";
	case 13:
		return "Texas Instruments";
	case 15:
		return "Broadcom";
	case 29:
		return "Qualcomm";
	case 70:
		return "MediaTek";
	case 93:
		return "Realtek";
	default:
		return NULL;
	}
}

static void free_host(bth *h)
{
	if (!h->stuck) {
		for (int i = 0; i < EV_XFERS; i++)
			libusb_free_transfer(h->ev_xfer[i]);
		for (int i = 0; i < IN_XFERS; i++)
			libusb_free_transfer(h->in_xfer[i]);
		for (int i = 0; i < OUT_XFERS; i++)
			libusb_free_transfer(h->out_xfer[i]);
		libusb_free_transfer(h->cmd_xfer);
		free(h);
	}
	/* else: leaked on purpose rather than freed under libusb's feet */
}

/* Claims the adapter (detaching a kernel driver if allowed). */
static int claim(bth *h, char *msg, size_t msg_len)
{
	int r = libusb_open(h->ld, &h->h);
	if (r != 0) {
		h->h = NULL;
		if (r == LIBUSB_ERROR_ACCESS)
			snprintf(msg, msg_len, "permission denied on the Bluetooth adapter %04x:%04x: install "
			         "assets/udev/70-poise-wbb-usb.rules (README, \"Wii Balance Board without "
			         "BlueZ\")", h->u.vid, h->u.pid);
		else
			snprintf(msg, msg_len, "cannot open the Bluetooth adapter %04x:%04x (%s)", h->u.vid,
			         h->u.pid, libusb_error_name(r));
		return dev_from_libusb(r);
	}
	r = libusb_kernel_driver_active(h->h, h->u.iface);
	if (r == 1) {
		if (!h->cfg.take_from_kernel) {
			snprintf(msg, msg_len, "the Bluetooth adapter %04x:%04x is used by the system's Bluetooth "
			         "(its kernel driver holds it): give it to Poise (README, \"Wii Balance Board "
			         "without BlueZ\")", h->u.vid, h->u.pid);
			return POISE_E_BUSY;
		}
		r = libusb_detach_kernel_driver(h->h, h->u.iface);
		if (r != 0 && r != LIBUSB_ERROR_NOT_FOUND) {
			snprintf(msg, msg_len, "cannot take the Bluetooth adapter %04x:%04x from the system's "
			         "Bluetooth driver (%s)", h->u.vid, h->u.pid, libusb_error_name(r));
			return dev_from_libusb(r);
		}
		h->detached = r == 0;
	}
	r = libusb_claim_interface(h->h, h->u.iface);
	if (r != 0) {
		if (r == LIBUSB_ERROR_BUSY)
			snprintf(msg, msg_len, "the Bluetooth adapter %04x:%04x is in use by another program "
			         "(is Poise already running?)", h->u.vid, h->u.pid);
		else
			snprintf(msg, msg_len, "cannot claim the Bluetooth adapter %04x:%04x (%s)", h->u.vid,
			         h->u.pid, libusb_error_name(r));
		return dev_from_libusb(r);
	}
	return POISE_OK;
}

/* Lets go of the handle; gives the interface back to the kernel's driver
 * when give_back. */
static void unclaim(bth *h, bool give_back)
{
	if (!h->h)
		return;
	libusb_release_interface(h->h, h->u.iface);
	if (give_back)
		libusb_attach_kernel_driver(h->h, h->u.iface); /* NOT_FOUND: no driver wants it */
	libusb_close(h->h);
	h->h = NULL;
}

/* The controller's setup after the claim. */
static int bring_up(bth *h)
{
	h->credits = 1; /* one command may always be sent first */
	if (h->cfg.reset && cmd_must(h, BT_CMD_RESET, NULL, 0))
		return h->fatal;
	uint8_t p[4];
	if (cmd_must(h, BT_CMD_READ_BD_ADDR, NULL, 0))
		return h->fatal;
	if (h->done_ret_len >= 7)
		memcpy(h->addr.b, h->done_ret + 1, 6);
	if (cmd_must(h, BT_CMD_READ_BUFFER_SIZE, NULL, 0))
		return h->fatal;
	if (h->done_ret_len >= 8) {
		h->acl_mtu = bt_le16(h->done_ret + 1);
		h->acl_total = h->acl_credits = bt_le16(h->done_ret + 4);
	}
	if (h->acl_mtu == 0 || h->acl_total == 0) {
		set_fatal(h, POISE_E_IO, "the Bluetooth adapter reports no ACL buffers (%u × %u bytes): "
		          "it cannot carry data", h->acl_total, h->acl_mtu);
		return h->fatal;
	}
	uint8_t st;
	if (cmd_sync(h, BT_CMD_READ_LOCAL_VERSION, NULL, 0, &st))
		return h->fatal;
	if (st == BT_ST_OK && h->done_ret_len >= 9) {
		const char *m = maker(bt_le16(h->done_ret + 5));
		if (m)
			snprintf(h->chipset, sizeof h->chipset, "%s", m);
		else
			snprintf(h->chipset, sizeof h->chipset, "manufacturer %u", bt_le16(h->done_ret + 5));
	}
	/* (An adopted controller has these from its previous holder.) */
	bt_put_le16(p, PAGE_TIMEOUT_SLOTS);
	if (h->cfg.reset && cmd_must(h, BT_CMD_WRITE_PAGE_TIMEOUT, p, 2))
		return h->fatal;
	bt_put_le16(p, ACCEPT_TIMEOUT_SLOTS);
	if (h->cfg.reset && cmd_must(h, BT_CMD_WRITE_CONN_ACCEPT_TIMEOUT, p, 2))
		return h->fatal;
	p[0] = 0x02; /* page scan: a paired board may connect; not discoverable */
	return cmd_must(h, BT_CMD_WRITE_SCAN_ENABLE, p, 1);
}

int bth_open(bth **out, libusb_context *ctx, libusb_device *ld, const bth_usb *u,
             const bth_cfg *cfg, char *msg, size_t msg_len)
{
	bth *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(msg, msg_len, "out of memory");
		return POISE_E_NOMEM;
	}
	h->ctx = ctx;
	h->ld = libusb_ref_device(ld);
	h->u = *u;
	h->cfg = *cfg;
	h->hold_requests = true;
	bt_stream_init(&h->ev_stream, BT_STREAM_EVENT, BT_EVENT_MAX);
	bt_stream_init(&h->acl_stream, BT_STREAM_ACL, IN_BUF);
	chan_reset(h);
	bool ok = (h->cmd_xfer = libusb_alloc_transfer(0)) != NULL;
	for (int i = 0; i < EV_XFERS && ok; i++)
		ok = (h->ev_xfer[i] = libusb_alloc_transfer(0)) != NULL;
	for (int i = 0; i < IN_XFERS && ok; i++)
		ok = (h->in_xfer[i] = libusb_alloc_transfer(0)) != NULL;
	for (int i = 0; i < OUT_XFERS && ok; i++)
		ok = (h->out_xfer[i] = libusb_alloc_transfer(0)) != NULL;
	int rc = ok ? claim(h, msg, msg_len) : POISE_E_NOMEM;
	if (!ok)
		snprintf(msg, msg_len, "out of memory");
	if (rc == POISE_OK && (rc = submit_in(h)) != POISE_OK)
		snprintf(msg, msg_len, "cannot read from the Bluetooth adapter (%s)", poise_strerror(rc));
	if (rc == POISE_OK && (rc = bring_up(h)) != POISE_OK)
		snprintf(msg, msg_len, "%s", h->err);
	if (rc != POISE_OK) {
		if (h->h) {
			cancel_all(h);
			unclaim(h, h->detached);
		}
		libusb_unref_device(h->ld);
		free_host(h);
		return rc;
	}
	*out = h;
	return POISE_OK;
}

const bt_addr *bth_address(const bth *h)
{
	return &h->addr;
}

const char *bth_chipset(const bth *h)
{
	return h->chipset;
}

bool bth_took_from_kernel(const bth *h)
{
	return h->detached;
}

void bth_set_key_dir(bth *h, const char *dir)
{
	snprintf(h->key_dir, sizeof h->key_dir, "%s", dir);
}

/* ---- connecting ---- */

static void inquire(bth *h)
{
	uint8_t p[5] = {0x33, 0x8b, 0x9e, INQUIRY_LENGTH, 0}; /* GIAC, length, unlimited */
	h->inquiring = true;
	h->cancelling = false;
	cmd_queue(h, BT_CMD_INQUIRY, p, sizeof p);
}

static void ask_name(bth *h, seen_dev *s)
{
	uint8_t p[10];
	memcpy(p, s->d.addr.b, 6);
	p[6] = s->d.psrm;
	p[7] = 0;
	bt_put_le16(p + 8, (uint16_t)(s->d.clock_offset | 0x8000));
	s->name = NAME_ASKING;
	h->name_pending = true;
	cmd_queue(h, BT_CMD_REMOTE_NAME, p, sizeof p);
}

static void page(bth *h, const seen_dev *s)
{
	uint8_t p[13];
	memcpy(p, s->d.addr.b, 6);
	bt_put_le16(p + 6, 0xcc18); /* DM1 DH1 DM3 DH3 DM5 DH5 */
	p[8] = s->d.psrm;
	p[9] = 0;
	bt_put_le16(p + 10, (uint16_t)(s->d.clock_offset | 0x8000));
	p[12] = 0x01; /* allow a role switch */
	h->link = LINK_PAGING;
	h->peer = s->d.addr;
	snprintf(h->peer_name, sizeof h->peer_name, "%s", BTH_BOARD_NAME);
	h->we_paged = h->pairing = true;
	h->link_at = dev_now_us();
	h->board_seen = true;
	cmd_queue(h, BT_CMD_CREATE_CONN, p, sizeof p);
}

/* One step of finding a new board: inquiry, names, then paging it. */
static void discover_step(bth *h)
{
	if (h->link != LINK_NONE || h->inquiring || h->name_pending || h->inflight || h->cq_n)
		return;
	for (size_t i = 0; i < h->n_seen; i++)
		if (h->seen[i].name == NAME_BOARD) {
			page(h, &h->seen[i]);
			return;
		}
	for (size_t i = 0; i < h->n_seen; i++) {
		uint32_t major = (h->seen[i].d.cod >> 8) & 0x1f;
		if (h->seen[i].name == NAME_UNKNOWN && (major == 0x05 || h->seen[i].d.cod == 0)) {
			ask_name(h, &h->seen[i]);
			return;
		}
	}
	/* Nothing to try: forget failures (the board may be back in sync
	 * mode) and look again. */
	for (size_t i = 0; i < h->n_seen; i++)
		if (h->seen[i].name == NAME_FAILED || h->seen[i].name == NAME_BOARD)
			h->seen[i].name = NAME_UNKNOWN;
	inquire(h);
}

/* Opening the HID channels of an up link, as the side that does it. */
static void channel_step(bth *h)
{
	mono_us now = dev_now_us();
	chan *ctl = &h->ch[0], *intr = &h->ch[1];
	bool ours_now = h->we_paged ? h->auth_done : now - h->link_at > OWN_CHANNELS_AFTER_US;
	if (ctl->state == CH_CLOSED && intr->state == CH_CLOSED && ours_now && !h->auth_pending)
		chan_open(h, ctl);
	/* The interrupt channel follows the control channel; if the board
	 * opened the control channel it opens this one too, unless it waits
	 * too long. */
	if (ctl->state == CH_OPEN && intr->state == CH_CLOSED &&
	    (ctl->ours || now - ctl->opened_at > OWN_CHANNELS_AFTER_US))
		chan_open(h, intr);
}

bool bth_link_up(const bth *h)
{
	return h->link == LINK_UP && h->ch[0].state == CH_OPEN && h->ch[1].state == CH_OPEN;
}

static void give_up_link(bth *h)
{
	if (h->inquiring && !h->cancelling) {
		h->cancelling = true;
		cmd_queue(h, BT_CMD_INQUIRY_CANCEL, NULL, 0);
	}
	if (h->link == LINK_UP)
		bth_disconnect(h, 300);
	h->link = LINK_NONE;
}

int bth_connect(bth *h, const bth_target *t, mono_us until, char *msg, size_t msg_len)
{
	h->target = t;
	h->hold_requests = false;
	h->board_seen = false;
	h->fail_status = 0;
	h->err[0] = 0;
	if (h->link == LINK_DOWN)
		h->link = LINK_NONE;
	if (h->have_req) {
		h->have_req = false;
		answer_conn_request(h, &h->req);
	}
	bool stretched = false;
	for (;;) {
		if (h->fatal) {
			snprintf(msg, msg_len, "%s", h->err);
			h->target = NULL;
			return h->fatal;
		}
		if (bth_link_up(h)) {
			h->target = NULL;
			return POISE_OK;
		}
		mono_us now = dev_now_us();
		/* A board is on its way (accepted, paged or connected): give it
		 * the time a set-up takes, however short the wait asked for. */
		if (h->link != LINK_NONE && h->link != LINK_DOWN && !stretched) {
			stretched = true;
			if (until < h->link_at + (mono_us)BTH_SETUP_TIMEOUT_MS * 1000u)
				until = h->link_at + (mono_us)BTH_SETUP_TIMEOUT_MS * 1000u;
		}
		if (h->link == LINK_DOWN || h->err[0]) {
			/* This board failed; a discovering host may find it again. */
			if (!t->discover || h->err[0]) {
				bool seen = h->board_seen;
				bool refused = h->down_reason == BT_ST_AUTH_FAILURE || h->down_reason == BT_ST_KEY_MISSING;
				give_up_link(h);
				snprintf(msg, msg_len, "%s", h->err[0] ? h->err
				         : refused ? "the board refused Poise's link key: it was paired with a Wii "
				                     "or another computer since; pair it again (red sync button)"
				                   : "the board left while connecting");
				h->target = NULL;
				return seen ? POISE_E_PROTOCOL : POISE_E_NOT_FOUND;
			}
			h->link = LINK_NONE;
		}
		if (now >= until) {
			bool seen = h->board_seen, up = h->link == LINK_UP;
			give_up_link(h);
			if (seen && up)
				snprintf(msg, msg_len, "the board connected but did not open its HID channels "
				         "within %d s", BTH_SETUP_TIMEOUT_MS / 1000);
			else if (seen)
				snprintf(msg, msg_len, "the board was found but the connection failed (%s)",
				         bt_status_str(h->fail_status));
			else
				snprintf(msg, msg_len, "no balance board connected");
			h->target = NULL;
			return seen ? POISE_E_TIMEOUT : POISE_E_NOT_FOUND;
		}
		if (h->link == LINK_UP)
			channel_step(h);
		else if (t->discover)
			discover_step(h);
		mono_us left = until - now;
		bth_pump(h, left > 20000 ? 20 : (int)(left / 1000) + 1);
	}
}

const bt_addr *bth_peer(const bth *h)
{
	return &h->peer;
}

const char *bth_peer_name(const bth *h)
{
	return h->peer_name;
}

uint8_t bth_down_reason(const bth *h)
{
	return h->down_reason;
}

int bth_send_hid(bth *h, const uint8_t *b, size_t n)
{
	if (!bth_link_up(h))
		return POISE_E_STATE;
	uint8_t frame[BT_L2CAP_HDR + 64];
	if (n > 64)
		return POISE_E_INVALID;
	bt_l2cap_header(frame, h->ch[1].rcid, (uint16_t)n);
	memcpy(frame + BT_L2CAP_HDR, b, n);
	return l2cap_send(h, frame, BT_L2CAP_HDR + n);
}

int bth_pump(bth *h, int timeout_ms)
{
	if (h->fatal)
		return h->fatal;
	if (!h->h)
		return POISE_E_STATE;
	if (timeout_ms < 0)
		timeout_ms = 0;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	int r = libusb_handle_events_timeout_completed(h->ctx, &tv, NULL);
	if (r == LIBUSB_ERROR_NO_DEVICE)
		set_fatal(h, POISE_E_DISCONNECTED, "the Bluetooth adapter was unplugged");
	else if (r < 0 && r != LIBUSB_ERROR_INTERRUPTED && r != LIBUSB_ERROR_TIMEOUT)
		set_fatal(h, POISE_E_IO, "the USB event loop failed (%s)", libusb_error_name(r));
	check_cmd_timeout(h);
	cmd_kick(h);
	out_kick(h);
	return h->fatal;
}

const char *bth_error(const bth *h)
{
	return h->fatal ? h->err : "";
}

void bth_disconnect(bth *h, int wait_ms)
{
	if (h->link != LINK_UP || h->fatal || !h->h)
		return;
	uint8_t p[3];
	bt_put_le16(p, h->handle);
	p[2] = BT_ST_REMOTE_USER_ENDED;
	cmd_queue(h, BT_CMD_DISCONNECT, p, sizeof p);
	mono_us until = dev_now_us() + (mono_us)wait_ms * 1000u;
	while (h->link == LINK_UP && !h->fatal && dev_now_us() < until)
		bth_pump(h, 10);
	link_lost(h, BT_ST_LOCAL_HOST_ENDED);
}

void bth_handoff(bth *h)
{
	if (!h->h)
		return;
	/* Outgoing data still queued is lost with the link anyway. */
	cancel_all(h);
	if (h->have_req) {
		/* A board's request reached us as we let go: no holder will see
		 * it again, so refuse it now and the board pages anew. */
		uint8_t cmd[3 + 7];
		uint8_t p[7];
		memcpy(p, h->req.addr.b, 6);
		p[6] = 0x0d; /* limited resources */
		size_t n = bt_cmd_encode(cmd, BT_CMD_REJECT_CONN, p, sizeof p);
		libusb_control_transfer(h->h, RX_CLASS_DEVICE, 0, 0, 0, cmd, (uint16_t)n, 200);
		h->have_req = false;
	}
	unclaim(h, false);
	h->handed_off = true;
}

/* A handed-off adapter that nobody claimed since: reset it (nobody serves
 * it now) and give it back. */
static void retire_handed_off(bth *h)
{
	libusb_device_handle *dh;
	if (libusb_open(h->ld, &dh) != 0)
		return; /* unplugged, or no longer ours */
	if (libusb_kernel_driver_active(dh, h->u.iface) == 0 &&
	    libusb_claim_interface(dh, h->u.iface) == 0) {
		uint8_t cmd[3];
		bt_cmd_encode(cmd, BT_CMD_RESET, NULL, 0);
		libusb_control_transfer(dh, RX_CLASS_DEVICE, 0, 0, 0, cmd, sizeof cmd, 200);
		libusb_release_interface(dh, h->u.iface);
		libusb_attach_kernel_driver(dh, h->u.iface);
	}
	libusb_close(dh);
}

void bth_close(bth *h, bool keep_listening)
{
	if (!h)
		return;
	if (keep_listening) {
		bth_handoff(h);
	} else if (h->h) {
		if (!h->fatal) {
			bth_disconnect(h, 300);
			uint8_t st;
			h->cq_n = 0;
			cmd_sync(h, BT_CMD_RESET, NULL, 0, &st);
		}
		cancel_all(h);
		unclaim(h, true);
	} else if (h->handed_off) {
		retire_handed_off(h);
	}
	libusb_unref_device(h->ld);
	free_host(h);
}

void bth_get_stats(const bth *h, bth_stats *out)
{
	*out = h->st;
}
