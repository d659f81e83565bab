#include "device/bt_proto.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

/* ---- addresses ---- */

void bt_addr_str(const bt_addr *a, char out[BT_ADDR_STR_LEN])
{
	snprintf(out, BT_ADDR_STR_LEN, "%02X:%02X:%02X:%02X:%02X:%02X", a->b[5], a->b[4], a->b[3],
	         a->b[2], a->b[1], a->b[0]);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int bt_addr_parse(const char *s, bt_addr *out)
{
	if (!s)
		return POISE_E_PARSE;
	size_t n = strlen(s);
	bool sep = n == 17;
	if (n != 17 && n != 12)
		return POISE_E_PARSE;
	bt_addr a;
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * (sep ? 3 : 2);
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);
		if (hi < 0 || lo < 0)
			return POISE_E_PARSE;
		if (sep && i < 5 && p[2] != ':' && p[2] != '-')
			return POISE_E_PARSE;
		a.b[5 - i] = (uint8_t)(hi << 4 | lo);
	}
	*out = a;
	return POISE_OK;
}

bool bt_addr_eq(const bt_addr *a, const bt_addr *b)
{
	return memcmp(a->b, b->b, sizeof a->b) == 0;
}

static void get_addr(const uint8_t *p, bt_addr *a)
{
	memcpy(a->b, p, sizeof a->b);
}

static uint32_t le24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

/* ---- HCI ---- */

const char *bt_cmd_name(uint16_t opcode, char buf[24])
{
	static const struct {
		uint16_t op;
		const char *name;
	} names[] = {
		{BT_CMD_INQUIRY, "HCI_Inquiry"},
		{BT_CMD_INQUIRY_CANCEL, "HCI_Inquiry_Cancel"},
		{BT_CMD_CREATE_CONN, "HCI_Create_Connection"},
		{BT_CMD_DISCONNECT, "HCI_Disconnect"},
		{BT_CMD_ACCEPT_CONN, "HCI_Accept_Connection_Request"},
		{BT_CMD_REJECT_CONN, "HCI_Reject_Connection_Request"},
		{BT_CMD_LINK_KEY_REPLY, "HCI_Link_Key_Request_Reply"},
		{BT_CMD_LINK_KEY_NEG_REPLY, "HCI_Link_Key_Request_Negative_Reply"},
		{BT_CMD_PIN_REPLY, "HCI_PIN_Code_Request_Reply"},
		{BT_CMD_PIN_NEG_REPLY, "HCI_PIN_Code_Request_Negative_Reply"},
		{BT_CMD_AUTH_REQUESTED, "HCI_Authentication_Requested"},
		{BT_CMD_REMOTE_NAME, "HCI_Remote_Name_Request"},
		{BT_CMD_RESET, "HCI_Reset"},
		{BT_CMD_WRITE_LOCAL_NAME, "HCI_Write_Local_Name"},
		{BT_CMD_WRITE_CONN_ACCEPT_TIMEOUT, "HCI_Write_Connection_Accept_Timeout"},
		{BT_CMD_WRITE_PAGE_TIMEOUT, "HCI_Write_Page_Timeout"},
		{BT_CMD_WRITE_SCAN_ENABLE, "HCI_Write_Scan_Enable"},
		{BT_CMD_WRITE_CLASS, "HCI_Write_Class_Of_Device"},
		{BT_CMD_READ_LOCAL_VERSION, "HCI_Read_Local_Version_Information"},
		{BT_CMD_READ_BUFFER_SIZE, "HCI_Read_Buffer_Size"},
		{BT_CMD_READ_BD_ADDR, "HCI_Read_BD_ADDR"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].op == opcode)
			return names[i].name;
	snprintf(buf, 24, "HCI command 0x%04x", opcode);
	return buf;
}

const char *bt_status_str(uint8_t status)
{
	switch (status) {
	case BT_ST_OK:
		return "success";
	case BT_ST_UNKNOWN_COMMAND:
		return "unknown command";
	case BT_ST_NO_CONNECTION:
		return "unknown connection";
	case BT_ST_HW_FAILURE:
		return "hardware failure";
	case BT_ST_PAGE_TIMEOUT:
		return "page timeout";
	case BT_ST_AUTH_FAILURE:
		return "authentication failure";
	case BT_ST_KEY_MISSING:
		return "PIN or key missing";
	case BT_ST_CONN_TIMEOUT:
		return "connection timeout";
	case BT_ST_REJECTED_BDADDR:
		return "rejected: unacceptable address";
	case BT_ST_CONN_ACCEPT_TIMEOUT:
		return "connection accept timeout";
	case BT_ST_REMOTE_USER_ENDED:
		return "ended by the remote device";
	case BT_ST_REMOTE_POWER_OFF:
		return "remote device powered off";
	case BT_ST_LOCAL_HOST_ENDED:
		return "ended by this host";
	default:
		return "error";
	}
}

size_t bt_cmd_encode(uint8_t *out, uint16_t opcode, const uint8_t *params, uint8_t plen)
{
	bt_put_le16(out, opcode);
	out[2] = plen;
	if (plen)
		memcpy(out + 3, params, plen);
	return 3u + plen;
}

int bt_event_parse(const uint8_t *b, size_t n, bt_event *out)
{
	if (!b || n < 2 || n != 2u + b[1])
		return POISE_E_PROTOCOL;
	*out = (bt_event){.code = b[0], .len = b[1], .p = b + 2};
	return POISE_OK;
}

int bt_ev_cmd_done(const bt_event *e, bt_cmd_done *out)
{
	bt_cmd_done d = {0};
	if (e->code == BT_EV_CMD_COMPLETE && e->len >= 3) {
		d.credits = e->p[0];
		d.opcode = bt_le16(e->p + 1);
		d.ret = e->p + 3;
		d.ret_len = (uint8_t)(e->len - 3);
		d.status = d.ret_len ? d.ret[0] : BT_ST_OK;
	} else if (e->code == BT_EV_CMD_STATUS && e->len >= 4) {
		d.status = e->p[0];
		d.credits = e->p[1];
		d.opcode = bt_le16(e->p + 2);
		d.pending = true;
	} else {
		return POISE_E_PROTOCOL;
	}
	*out = d;
	return POISE_OK;
}

int bt_ev_conn_complete(const bt_event *e, bt_conn_complete *out)
{
	if (e->code != BT_EV_CONN_COMPLETE || e->len < 11)
		return POISE_E_PROTOCOL;
	out->status = e->p[0];
	out->handle = bt_le16(e->p + 1) & 0x0fff;
	get_addr(e->p + 3, &out->addr);
	out->link_type = e->p[9];
	return POISE_OK;
}

int bt_ev_conn_request(const bt_event *e, bt_conn_request *out)
{
	if (e->code != BT_EV_CONN_REQUEST || e->len < 10)
		return POISE_E_PROTOCOL;
	get_addr(e->p, &out->addr);
	out->cod = le24(e->p + 6);
	out->link_type = e->p[9];
	return POISE_OK;
}

int bt_ev_disconn_complete(const bt_event *e, bt_handle_status *out)
{
	if (e->code != BT_EV_DISCONN_COMPLETE || e->len < 4)
		return POISE_E_PROTOCOL;
	*out = (bt_handle_status){e->p[0], bt_le16(e->p + 1) & 0x0fff, e->p[3]};
	return POISE_OK;
}

int bt_ev_auth_complete(const bt_event *e, bt_handle_status *out)
{
	if (e->code != BT_EV_AUTH_COMPLETE || e->len < 3)
		return POISE_E_PROTOCOL;
	*out = (bt_handle_status){e->p[0], bt_le16(e->p + 1) & 0x0fff, 0};
	return POISE_OK;
}

int bt_ev_addr(const bt_event *e, bt_addr *out)
{
	if ((e->code != BT_EV_LINK_KEY_REQUEST && e->code != BT_EV_PIN_REQUEST) || e->len < 6)
		return POISE_E_PROTOCOL;
	get_addr(e->p, out);
	return POISE_OK;
}

int bt_ev_link_key_notify(const bt_event *e, bt_link_key *out)
{
	if (e->code != BT_EV_LINK_KEY_NOTIFY || e->len < 23)
		return POISE_E_PROTOCOL;
	get_addr(e->p, &out->addr);
	memcpy(out->key, e->p + 6, 16);
	out->type = e->p[22];
	return POISE_OK;
}

int bt_ev_remote_name(const bt_event *e, bt_remote_name *out)
{
	if (e->code != BT_EV_REMOTE_NAME || e->len < 7)
		return POISE_E_PROTOCOL;
	out->status = e->p[0];
	get_addr(e->p + 1, &out->addr);
	size_t n = (size_t)e->len - 7;
	if (n > sizeof out->name - 1)
		n = sizeof out->name - 1;
	memcpy(out->name, e->p + 7, n);
	out->name[n] = 0; /* the field is NUL-padded; a full one is not */
	return POISE_OK;
}

int bt_ev_inquiry(const bt_event *e, void (*fn)(void *ctx, const bt_inquiry_dev *d), void *ctx)
{
	/* Parameter-major arrays: every address, then every page scan
	 * repetition mode, reserved bytes (2 per response in a plain result,
	 * 1 with RSSI), every class, every clock offset (then RSSI, and an
	 * extended result's 240 bytes of EIR). 14 bytes per response in all. */
	bool plain = e->code == BT_EV_INQUIRY_RESULT;
	if ((!plain && e->code != BT_EV_INQUIRY_RESULT_RSSI && e->code != BT_EV_EXT_INQUIRY_RESULT) ||
	    e->len < 1)
		return POISE_E_PROTOCOL;
	size_t n = e->p[0], res = plain ? 2 : 1;
	const uint8_t *p = e->p + 1;
	if ((size_t)e->len - 1 < n * 14 || (e->code == BT_EV_EXT_INQUIRY_RESULT && n != 1))
		return POISE_E_PROTOCOL;
	for (size_t i = 0; i < n; i++) {
		bt_inquiry_dev d;
		get_addr(p + 6 * i, &d.addr);
		d.psrm = p[6 * n + i];
		d.cod = le24(p + (7 + res) * n + 3 * i);
		d.clock_offset = bt_le16(p + (10 + res) * n + 2 * i);
		fn(ctx, &d);
	}
	return POISE_OK;
}

int bt_ev_num_completed(const bt_event *e, void (*fn)(void *ctx, uint16_t handle, uint16_t n),
                        void *ctx)
{
	if (e->code != BT_EV_NUM_COMPLETED || e->len < 1)
		return POISE_E_PROTOCOL;
	size_t k = e->p[0];
	if ((size_t)e->len < 1 + 4 * k)
		return POISE_E_PROTOCOL;
	/* Handles first, then counts (parameter-major). */
	for (size_t i = 0; i < k; i++)
		fn(ctx, bt_le16(e->p + 1 + 2 * i) & 0x0fff, bt_le16(e->p + 1 + 2 * k + 2 * i));
	return POISE_OK;
}

/* ---- ACL ---- */

int bt_acl_parse(const uint8_t *b, size_t n, bt_acl *out)
{
	if (!b || n < BT_ACL_HDR || n != BT_ACL_HDR + (size_t)bt_le16(b + 2))
		return POISE_E_PROTOCOL;
	uint16_t h = bt_le16(b);
	*out = (bt_acl){.handle = h & 0x0fff, .pb = (uint8_t)((h >> 12) & 3), .len = bt_le16(b + 2),
	                .data = b + BT_ACL_HDR};
	return POISE_OK;
}

void bt_acl_header(uint8_t out[BT_ACL_HDR], uint16_t handle, uint8_t pb, uint16_t len)
{
	bt_put_le16(out, (uint16_t)((handle & 0x0fff) | (pb & 3u) << 12));
	bt_put_le16(out + 2, len);
}

/* ---- L2CAP ---- */

uint16_t bt_l2cap_len(const uint8_t *b)
{
	return bt_le16(b);
}

int bt_l2cap_parse(const uint8_t *b, size_t n, bt_l2cap *out)
{
	if (!b || n < BT_L2CAP_HDR || n != BT_L2CAP_HDR + (size_t)bt_le16(b))
		return POISE_E_PROTOCOL;
	*out = (bt_l2cap){.cid = bt_le16(b + 2), .len = bt_le16(b), .payload = b + BT_L2CAP_HDR};
	return POISE_OK;
}

void bt_l2cap_header(uint8_t out[BT_L2CAP_HDR], uint16_t cid, uint16_t len)
{
	bt_put_le16(out, len);
	bt_put_le16(out + 2, cid);
}

int bt_sig_next(const uint8_t *b, size_t n, size_t *off, bt_sig *out)
{
	if (*off >= n)
		return POISE_E_NOT_FOUND;
	const uint8_t *p = b + *off;
	size_t left = n - *off;
	if (left < 4 || left - 4 < bt_le16(p + 2)) {
		*off = n;
		return POISE_E_PROTOCOL;
	}
	*out = (bt_sig){.code = p[0], .id = p[1], .len = bt_le16(p + 2), .data = p + 4};
	*off += 4u + out->len;
	return POISE_OK;
}

size_t bt_sig_encode(uint8_t *out, uint8_t code, uint8_t id, const uint8_t *data, uint16_t len)
{
	bt_l2cap_header(out, BT_CID_SIGNALING, (uint16_t)(4 + len));
	out[4] = code;
	out[5] = id;
	bt_put_le16(out + 6, len);
	if (len)
		memcpy(out + 8, data, len);
	return 8u + len;
}

/* ---- the USB byte stream ---- */

void bt_stream_init(bt_stream *s, enum bt_stream_kind kind, size_t max_packet)
{
	s->kind = kind;
	s->max_packet = max_packet < BT_STREAM_MAX ? max_packet : BT_STREAM_MAX;
	s->have = 0;
	s->dropped = 0;
}

void bt_stream_reset(bt_stream *s)
{
	s->have = 0;
}

/* The whole length of the packet at the start of buf, or 0 if its header
 * is not complete yet. */
static size_t packet_len(const bt_stream *s)
{
	size_t hdr = s->kind == BT_STREAM_EVENT ? 2 : BT_ACL_HDR;
	if (s->have < hdr)
		return 0;
	return s->kind == BT_STREAM_EVENT ? 2u + s->buf[1] : BT_ACL_HDR + (size_t)bt_le16(s->buf + 2);
}

void bt_stream_feed(bt_stream *s, const uint8_t *b, size_t n,
                    void (*fn)(void *ctx, const uint8_t *pkt, size_t len), void *ctx)
{
	while (n > 0) {
		size_t room = s->max_packet - s->have, k = n < room ? n : room;
		memcpy(s->buf + s->have, b, k);
		s->have += k;
		b += k;
		n -= k;
		for (;;) {
			size_t want = packet_len(s);
			if (want == 0)
				break;
			if (want > s->max_packet) {
				/* No way to find the next packet's start: drop it all. */
				s->dropped += s->have + n;
				s->have = 0;
				return;
			}
			if (s->have < want)
				break;
			fn(ctx, s->buf, want);
			memmove(s->buf, s->buf + want, s->have - want);
			s->have -= want;
		}
	}
}
