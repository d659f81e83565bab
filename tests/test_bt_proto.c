/* The Bluetooth wire formats (bt_proto) and the board's HID reports
 * (wbb_proto) from byte vectors written out by hand from the Bluetooth
 * Core Specification and WiiBrew, so an encoder and a parser that agree
 * with each other but not with the wire still fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "device/bt_proto.h"
#include "device/wbb_proto.h"

static void addresses_print_most_significant_first(void **state)
{
	(void)state;
	bt_addr a = {{0xcc, 0xbb, 0xaa, 0x32, 0x1f, 0x00}}, b;
	char s[BT_ADDR_STR_LEN];
	bt_addr_str(&a, s);
	assert_string_equal(s, "00:1F:32:AA:BB:CC");
	assert_int_equal(bt_addr_parse("00:1f:32:aa:bb:cc", &b), POISE_OK);
	assert_true(bt_addr_eq(&a, &b));
	assert_int_equal(bt_addr_parse("001F32AABBCC", &b), POISE_OK);
	assert_true(bt_addr_eq(&a, &b));
	assert_int_equal(bt_addr_parse("00-1F-32-AA-BB-CC", &b), POISE_OK);
	bt_addr keep = b;
	assert_int_equal(bt_addr_parse("00:1F:32:AA:BB", &b), POISE_E_PARSE);
	assert_int_equal(bt_addr_parse("00:1F:32:AA:BB:CG", &b), POISE_E_PARSE);
	assert_int_equal(bt_addr_parse("00:1F:32:AA:BB.CC", &b), POISE_E_PARSE);
	assert_int_equal(bt_addr_parse(NULL, &b), POISE_E_PARSE);
	assert_true(bt_addr_eq(&keep, &b));
}

static void commands_encode_opcode_length_params(void **state)
{
	(void)state;
	uint8_t out[BT_CMD_MAX];
	assert_int_equal(bt_cmd_encode(out, BT_CMD_RESET, NULL, 0), 3);
	assert_memory_equal(out, ((uint8_t[]){0x03, 0x0c, 0x00}), 3);
	uint8_t inq[] = {0x33, 0x8b, 0x9e, 0x03, 0x00};
	assert_int_equal(bt_cmd_encode(out, BT_CMD_INQUIRY, inq, 5), 8);
	assert_memory_equal(out, ((uint8_t[]){0x01, 0x04, 0x05, 0x33, 0x8b, 0x9e, 0x03, 0x00}), 8);
	char buf[24];
	assert_string_equal(bt_cmd_name(BT_CMD_RESET, buf), "HCI_Reset");
	assert_string_equal(bt_cmd_name(0xfc4c, buf), "HCI command 0xfc4c");
}

static void command_complete_and_status(void **state)
{
	(void)state;
	/* Read_BD_ADDR complete: 1 credit, opcode 0x1009, status 0, address. */
	const uint8_t cc[] = {0x0e, 0x0a, 0x01, 0x09, 0x10, 0x00, 0x13, 0x71, 0xda, 0x7d, 0x1a, 0x00};
	bt_event e;
	bt_cmd_done d;
	assert_int_equal(bt_event_parse(cc, sizeof cc, &e), POISE_OK);
	assert_int_equal(bt_ev_cmd_done(&e, &d), POISE_OK);
	assert_int_equal(d.credits, 1);
	assert_int_equal(d.opcode, BT_CMD_READ_BD_ADDR);
	assert_int_equal(d.status, 0);
	assert_false(d.pending);
	assert_int_equal(d.ret_len, 7);
	assert_int_equal(d.ret[1], 0x13);
	/* One byte short of what the header says: refused. */
	assert_int_equal(bt_event_parse(cc, sizeof cc - 1, &e), POISE_E_PROTOCOL);
	/* Command Status of Create_Connection: pending, 1 credit. */
	const uint8_t cs[] = {0x0f, 0x04, 0x00, 0x01, 0x05, 0x04};
	assert_int_equal(bt_event_parse(cs, sizeof cs, &e), POISE_OK);
	assert_int_equal(bt_ev_cmd_done(&e, &d), POISE_OK);
	assert_true(d.pending);
	assert_int_equal(d.opcode, BT_CMD_CREATE_CONN);
	assert_int_equal(d.credits, 1);
	/* A Command Status too short for its fields. */
	const uint8_t bad[] = {0x0f, 0x02, 0x00, 0x01};
	assert_int_equal(bt_event_parse(bad, sizeof bad, &e), POISE_OK);
	assert_int_equal(bt_ev_cmd_done(&e, &d), POISE_E_PROTOCOL);
}

static void connection_events(void **state)
{
	(void)state;
	const uint8_t cc[] = {0x03, 0x0b, 0x00, 0x0b, 0x20, 0xcc, 0xbb, 0xaa, 0x32, 0x1f, 0x00, 0x01, 0x00};
	bt_event e;
	bt_conn_complete c;
	assert_int_equal(bt_event_parse(cc, sizeof cc, &e), POISE_OK);
	assert_int_equal(bt_ev_conn_complete(&e, &c), POISE_OK);
	assert_int_equal(c.handle, 0x00b); /* flag bits above 12 masked */
	assert_int_equal(c.addr.b[5], 0x00);
	assert_int_equal(c.addr.b[0], 0xcc);
	assert_int_equal(c.link_type, 1);
	const uint8_t rq[] = {0x04, 0x0a, 0xcc, 0xbb, 0xaa, 0x32, 0x1f, 0x00, 0x04, 0x25, 0x00, 0x01};
	bt_conn_request r;
	assert_int_equal(bt_event_parse(rq, sizeof rq, &e), POISE_OK);
	assert_int_equal(bt_ev_conn_request(&e, &r), POISE_OK);
	assert_int_equal(r.cod, 0x002504);
	assert_int_equal(r.link_type, 1);
	assert_int_equal(bt_ev_conn_complete(&e, &c), POISE_E_PROTOCOL); /* wrong kind */
	const uint8_t dc[] = {0x05, 0x04, 0x00, 0x0b, 0x00, 0x08};
	bt_handle_status h;
	assert_int_equal(bt_event_parse(dc, sizeof dc, &e), POISE_OK);
	assert_int_equal(bt_ev_disconn_complete(&e, &h), POISE_OK);
	assert_int_equal(h.handle, 0x0b);
	assert_int_equal(h.reason, BT_ST_CONN_TIMEOUT);
	const uint8_t lk[] = {0x18, 0x17, 0xcc, 0xbb, 0xaa, 0x32, 0x1f, 0x00, 1, 2, 3, 4, 5, 6, 7, 8,
	                      9, 10, 11, 12, 13, 14, 15, 16, 0x00};
	bt_link_key k;
	assert_int_equal(bt_event_parse(lk, sizeof lk, &e), POISE_OK);
	assert_int_equal(bt_ev_link_key_notify(&e, &k), POISE_OK);
	assert_int_equal(k.key[0], 1);
	assert_int_equal(k.key[15], 16);
}

typedef struct found {
	bt_inquiry_dev d[4];
	int n;
} found;

static void collect(void *ctx, const bt_inquiry_dev *d)
{
	found *f = ctx;
	if (f->n < 4)
		f->d[f->n] = *d;
	f->n++;
}

static void inquiry_results_are_parameter_major(void **state)
{
	(void)state;
	/* Two responses: both addresses, both psrm, 2×2 reserved, both
	 * classes, both clock offsets. */
	const uint8_t ir[] = {0x02, 29, 2,
	                      1, 0, 0, 0, 0, 0xaa, 2, 0, 0, 0, 0, 0xbb, /* addresses */
	                      0x01, 0x02,                                 /* psrm */
	                      0, 0, 0, 0,                                 /* reserved */
	                      0x04, 0x25, 0x00, 0x0c, 0x01, 0x5a,         /* classes */
	                      0x34, 0x12, 0x78, 0x56};                    /* clock offsets */
	bt_event e;
	found f = {0};
	assert_int_equal(bt_event_parse(ir, sizeof ir, &e), POISE_OK);
	assert_int_equal(bt_ev_inquiry(&e, collect, &f), POISE_OK);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.d[0].addr.b[0], 1);
	assert_int_equal(f.d[0].addr.b[5], 0xaa);
	assert_int_equal(f.d[1].addr.b[0], 2);
	assert_int_equal(f.d[0].psrm, 1);
	assert_int_equal(f.d[1].psrm, 2);
	assert_int_equal(f.d[0].cod, 0x002504);
	assert_int_equal(f.d[1].cod, 0x5a010c);
	assert_int_equal(f.d[0].clock_offset, 0x1234);
	assert_int_equal(f.d[1].clock_offset, 0x5678);
	/* Announcing three responses with room for two: nothing is reported. */
	uint8_t lie[sizeof ir];
	memcpy(lie, ir, sizeof ir);
	lie[2] = 3;
	f.n = 0;
	assert_int_equal(bt_event_parse(lie, sizeof lie, &e), POISE_OK);
	assert_int_equal(bt_ev_inquiry(&e, collect, &f), POISE_E_PROTOCOL);
	assert_int_equal(f.n, 0);
	/* With RSSI: address, psrm, 1 reserved, class, clock offset, rssi. */
	const uint8_t rssi[] = {0x22, 15, 1, 9, 8, 7, 6, 5, 4, 0x01, 0, 0x04, 0x25, 0x00, 0x11, 0x22, 0xc4};
	f.n = 0;
	assert_int_equal(bt_event_parse(rssi, sizeof rssi, &e), POISE_OK);
	assert_int_equal(bt_ev_inquiry(&e, collect, &f), POISE_OK);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.d[0].cod, 0x002504);
	assert_int_equal(f.d[0].clock_offset, 0x2211);
	/* Extended: one response and 240 bytes of EIR. */
	uint8_t ext[2 + 255] = {0x2f, 255, 1, 9, 8, 7, 6, 5, 4, 0x02, 0, 0x04, 0x25, 0x00, 0x33, 0x44, 0xc4};
	f.n = 0;
	assert_int_equal(bt_event_parse(ext, sizeof ext, &e), POISE_OK);
	assert_int_equal(bt_ev_inquiry(&e, collect, &f), POISE_OK);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.d[0].psrm, 2);
	assert_int_equal(f.d[0].clock_offset, 0x4433);
}

static void add_completed(void *ctx, uint16_t handle, uint16_t n)
{
	int *sum = ctx;
	*sum += handle * 100 + n;
}

static void completed_packets_and_names(void **state)
{
	(void)state;
	const uint8_t nc[] = {0x13, 0x09, 2, 0x0b, 0x00, 0x0c, 0x00, 0x03, 0x00, 0x01, 0x00};
	bt_event e;
	int sum = 0;
	assert_int_equal(bt_event_parse(nc, sizeof nc, &e), POISE_OK);
	assert_int_equal(bt_ev_num_completed(&e, add_completed, &sum), POISE_OK);
	assert_int_equal(sum, 11 * 100 + 3 + 12 * 100 + 1);
	const uint8_t nc_short[] = {0x13, 0x05, 2, 0x0b, 0x00, 0x0c, 0x00};
	sum = 0;
	assert_int_equal(bt_event_parse(nc_short, sizeof nc_short, &e), POISE_OK);
	assert_int_equal(bt_ev_num_completed(&e, add_completed, &sum), POISE_E_PROTOCOL);
	assert_int_equal(sum, 0);
	/* A name padded with NULs, and one that fills all 248 bytes. */
	uint8_t rn[2 + 255] = {0x07, 255, 0x00, 1, 2, 3, 4, 5, 6};
	memcpy(rn + 9, "Nintendo RVL-WBC-01", 19);
	bt_remote_name r;
	assert_int_equal(bt_event_parse(rn, sizeof rn, &e), POISE_OK);
	assert_int_equal(bt_ev_remote_name(&e, &r), POISE_OK);
	assert_string_equal(r.name, "Nintendo RVL-WBC-01");
	memset(rn + 9, 'x', 248);
	assert_int_equal(bt_ev_remote_name(&e, &r), POISE_OK);
	assert_int_equal(strlen(r.name), 248);
}

static void acl_and_l2cap_frames(void **state)
{
	(void)state;
	/* Handle 0x00b, start flag, 12 bytes: an L2CAP connection request. */
	const uint8_t acl[] = {0x0b, 0x20, 0x0c, 0x00, 0x08, 0x00, 0x01, 0x00, 0x02, 0x01, 0x04, 0x00,
	                       0x11, 0x00, 0x40, 0x00};
	bt_acl a;
	assert_int_equal(bt_acl_parse(acl, sizeof acl, &a), POISE_OK);
	assert_int_equal(a.handle, 0x00b);
	assert_int_equal(a.pb, BT_PB_START);
	assert_int_equal(a.len, 12);
	assert_int_equal(bt_acl_parse(acl, sizeof acl - 1, &a), POISE_E_PROTOCOL);
	uint8_t hdr[4];
	bt_acl_header(hdr, 0x00b, BT_PB_CONT, 5);
	assert_memory_equal(hdr, ((uint8_t[]){0x0b, 0x10, 0x05, 0x00}), 4);
	bt_l2cap f;
	assert_int_equal(bt_l2cap_parse(acl + 4, 12, &f), POISE_OK);
	assert_int_equal(f.cid, BT_CID_SIGNALING);
	assert_int_equal(f.len, 8);
	assert_int_equal(bt_l2cap_parse(acl + 4, 11, &f), POISE_E_PROTOCOL);
	/* The same command, encoded. */
	uint8_t out[16];
	const uint8_t d[] = {0x11, 0x00, 0x40, 0x00};
	assert_int_equal(bt_sig_encode(out, BT_SIG_CONN_REQ, 1, d, 4), 12);
	assert_memory_equal(out, acl + 4, 12);
}

static void signalling_commands_iterate_and_stop_at_truncation(void **state)
{
	(void)state;
	/* An echo request (2 data bytes), then a configure request cut short. */
	const uint8_t p[] = {0x08, 0x05, 0x02, 0x00, 0xab, 0xcd, 0x04, 0x06, 0x08, 0x00, 0x40, 0x00};
	size_t off = 0;
	bt_sig s;
	assert_int_equal(bt_sig_next(p, sizeof p, &off, &s), POISE_OK);
	assert_int_equal(s.code, BT_SIG_ECHO_REQ);
	assert_int_equal(s.id, 5);
	assert_int_equal(s.len, 2);
	assert_int_equal(s.data[1], 0xcd);
	assert_int_equal(off, 6);
	assert_int_equal(bt_sig_next(p, sizeof p, &off, &s), POISE_E_PROTOCOL);
	assert_int_equal(off, sizeof p);
	assert_int_equal(bt_sig_next(p, sizeof p, &off, &s), POISE_E_NOT_FOUND);
	/* A header of 3 bytes only. */
	off = 0;
	assert_int_equal(bt_sig_next(p, 3, &off, &s), POISE_E_PROTOCOL);
}

typedef struct packets {
	size_t n, lens[8];
	uint8_t first[8];
} packets;

static void got_packet(void *ctx, const uint8_t *pkt, size_t len)
{
	packets *p = ctx;
	if (p->n < 8) {
		p->lens[p->n] = len;
		p->first[p->n] = pkt[0];
	}
	p->n++;
}

static void the_usb_stream_is_cut_into_whole_packets(void **state)
{
	(void)state;
	bt_stream s;
	bt_stream_init(&s, BT_STREAM_EVENT, BT_EVENT_MAX);
	/* A 25-byte event in 16-byte interrupt packets, then two small events
	 * in one transfer. */
	uint8_t lk[25] = {0x18, 23};
	uint8_t two[] = {0x0f, 0x04, 0, 1, 5, 4, 0x05, 0x04, 0, 0x0b, 0, 0x13};
	packets p = {0};
	bt_stream_feed(&s, lk, 16, got_packet, &p);
	assert_int_equal(p.n, 0);
	bt_stream_feed(&s, lk + 16, 9, got_packet, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.lens[0], 25);
	bt_stream_feed(&s, two, sizeof two, got_packet, &p);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.first[1], 0x0f);
	assert_int_equal(p.first[2], 0x05);
	assert_int_equal(s.have, 0);
	/* ACL: a header announcing more than fits is dropped with what is
	 * buffered; the stream then starts afresh. */
	bt_stream_init(&s, BT_STREAM_ACL, 64);
	uint8_t big[] = {0x0b, 0x20, 0xff, 0x03, 1, 2, 3};
	uint8_t ok[] = {0x0b, 0x20, 0x02, 0x00, 0xaa, 0xbb};
	p.n = 0;
	bt_stream_feed(&s, big, sizeof big, got_packet, &p);
	assert_int_equal(p.n, 0);
	assert_int_equal(s.dropped, sizeof big);
	bt_stream_feed(&s, ok, sizeof ok, got_packet, &p);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.lens[0], 6);
}

/* ---- the board's HID reports ---- */

static void output_reports_as_the_board_expects(void **state)
{
	(void)state;
	uint8_t r[WBB_MAX_OUT];
	assert_int_equal(wbb_out_leds(r, WBB_LED_1 | 0x01), 2);
	assert_memory_equal(r, ((uint8_t[]){0x11, 0x10}), 2); /* never the rumble bit */
	assert_int_equal(wbb_out_mode(r, WBB_REPORT_KE19, true), 3);
	assert_memory_equal(r, ((uint8_t[]){0x12, 0x04, 0x34}), 3);
	assert_int_equal(wbb_out_status_request(r), 2);
	assert_memory_equal(r, ((uint8_t[]){0x15, 0x00}), 2);
	uint8_t v = 0x55;
	assert_int_equal(wbb_out_write(r, WBB_EXT_INIT1_ADDR, &v, 1), 22);
	assert_memory_equal(r, ((uint8_t[]){0x16, 0x04, 0xa4, 0x00, 0xf0, 0x01, 0x55, 0x00}), 8);
	for (int i = 7; i < 22; i++)
		assert_int_equal(r[i], 0);
	assert_int_equal(wbb_out_read(r, WBB_CALIB_ADDR, 24), 7);
	assert_memory_equal(r, ((uint8_t[]){0x17, 0x04, 0xa4, 0x00, 0x24, 0x00, 0x18}), 7);
}

static void input_reports_parse_and_refuse_short_ones(void **state)
{
	(void)state;
	const uint8_t st[] = {0x20, 0x00, 0x00, 0x13, 0x00, 0x00, 0xc0};
	wbb_status s;
	assert_int_equal(wbb_parse_status(st, sizeof st, &s), POISE_OK);
	assert_true(s.battery_low);
	assert_true(s.extension);
	assert_int_equal(s.leds, 0x10);
	assert_int_equal(s.battery, 0xc0);
	assert_int_equal(wbb_parse_status(st, 6, &s), POISE_E_PROTOCOL);
	uint8_t rd[22] = {0x21, 0x00, 0x00, 0xf0, 0x00, 0x24, 7, 8};
	wbb_read_reply rr;
	assert_int_equal(wbb_parse_read_reply(rd, sizeof rd, &rr), POISE_OK);
	assert_int_equal(rr.size, 16);
	assert_int_equal(rr.error, 0);
	assert_int_equal(rr.addr_lo, 0x0024);
	assert_int_equal(rr.data[1], 8);
	rd[3] = 0x78; /* 8 bytes, error 8 */
	assert_int_equal(wbb_parse_read_reply(rd, sizeof rd, &rr), POISE_OK);
	assert_int_equal(rr.size, 8);
	assert_int_equal(rr.error, 8);
	assert_int_equal(wbb_parse_read_reply(rd, 21, &rr), POISE_E_PROTOCOL);
	const uint8_t ack[] = {0x22, 0x00, 0x00, 0x16, 0x00};
	wbb_ack a;
	assert_int_equal(wbb_parse_ack(ack, sizeof ack, &a), POISE_OK);
	assert_int_equal(a.report, 0x16);
	assert_int_equal(a.error, 0);
	assert_int_equal(wbb_parse_ack(st, sizeof st, &a), POISE_E_PROTOCOL);
	const uint8_t board[6] = {0x00, 0x00, 0xa4, 0x20, 0x04, 0x02};
	const uint8_t nunchuk[6] = {0x00, 0x00, 0xa4, 0x20, 0x00, 0x00};
	assert_true(wbb_ext_is_board(board));
	assert_false(wbb_ext_is_board(nunchuk));
	assert_int_equal(wbb_battery_pct(WBB_BATTERY_FULL_RAW), 100);
	assert_int_equal(wbb_battery_pct(0xff), 100);
	assert_int_equal(wbb_battery_pct(WBB_BATTERY_EMPTY_RAW), 0);
	assert_int_equal(wbb_battery_pct(0x10), 0);
	assert_int_equal(wbb_battery_pct(0x76), 50);
}

static void sink_dev(void *ctx, const bt_inquiry_dev *d)
{
	(void)d;
	++*(int *)ctx;
}

static void sink_nc(void *ctx, uint16_t handle, uint16_t n)
{
	(void)handle, (void)n;
	++*(int *)ctx;
}

static void sink_pkt(void *ctx, const uint8_t *pkt, size_t len)
{
	/* Every packet handed out is whole by its own header. */
	bt_event e;
	bt_acl a;
	int *kind = ctx;
	if (*kind == BT_STREAM_EVENT)
		assert_int_equal(bt_event_parse(pkt, len, &e), POISE_OK);
	else
		assert_int_equal(bt_acl_parse(pkt, len, &a), POISE_OK);
}

/* Random bytes into every parser (lengths 0..300, a fixed seed): nothing
 * may read past what it was given (the asan build checks) or accept a
 * packet whose length disagrees with its header. */
static void random_bytes_never_crash_a_parser(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int calls = 0;
	bt_stream ev, acl;
	bt_stream_init(&ev, BT_STREAM_EVENT, BT_EVENT_MAX);
	bt_stream_init(&acl, BT_STREAM_ACL, 300);
	int kind_ev = BT_STREAM_EVENT, kind_acl = BT_STREAM_ACL;
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t b[300];
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t n = x % sizeof b;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[i] = (uint8_t)x;
		}
		/* Half the time a consistent length byte, to get past the first check. */
		if (n >= 2 && iter % 2)
			b[1] = (uint8_t)(n - 2);
		bt_event e;
		if (bt_event_parse(b, n, &e) == POISE_OK) {
			e.code = (uint8_t)(iter % 0x30);
			bt_cmd_done d;
			bt_conn_complete cc;
			bt_conn_request cr;
			bt_handle_status hs;
			bt_addr ad;
			bt_link_key lk;
			bt_remote_name rn;
			bt_ev_cmd_done(&e, &d);
			bt_ev_conn_complete(&e, &cc);
			bt_ev_conn_request(&e, &cr);
			bt_ev_disconn_complete(&e, &hs);
			bt_ev_auth_complete(&e, &hs);
			bt_ev_addr(&e, &ad);
			bt_ev_link_key_notify(&e, &lk);
			bt_ev_remote_name(&e, &rn);
			bt_ev_inquiry(&e, sink_dev, &calls);
			bt_ev_num_completed(&e, sink_nc, &calls);
		}
		bt_acl a;
		bt_l2cap l;
		if (n >= 4 && iter % 3 == 0)
			bt_put_le16(b + 2, (uint16_t)(n - 4));
		bt_acl_parse(b, n, &a);
		if (bt_l2cap_parse(b, n, &l) == POISE_OK || n > 0) {
			size_t off = 0;
			bt_sig sg;
			while (bt_sig_next(b, n, &off, &sg) == POISE_OK)
				assert_true(off <= n);
		}
		bt_stream_feed(&ev, b, n, sink_pkt, &kind_ev);
		bt_stream_feed(&acl, b, n, sink_pkt, &kind_acl);
		wbb_sample sm;
		wbb_status st;
		wbb_read_reply rr;
		wbb_ack ak;
		wbb_calib c;
		wbb_parse_report(b, n, &sm);
		wbb_parse_status(b, n, &st);
		if (wbb_parse_read_reply(b, n, &rr) == POISE_OK)
			assert_true(rr.size >= 1 && rr.size <= 16);
		wbb_parse_ack(b, n, &ak);
		wbb_parse_calib(b, n, &c, NULL);
	}
	assert_true(calls > 0);
	assert_true(ev.have < BT_STREAM_MAX && acl.have < BT_STREAM_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses_print_most_significant_first),
		cmocka_unit_test(commands_encode_opcode_length_params),
		cmocka_unit_test(command_complete_and_status),
		cmocka_unit_test(connection_events),
		cmocka_unit_test(inquiry_results_are_parameter_major),
		cmocka_unit_test(completed_packets_and_names),
		cmocka_unit_test(acl_and_l2cap_frames),
		cmocka_unit_test(signalling_commands_iterate_and_stop_at_truncation),
		cmocka_unit_test(the_usb_stream_is_cut_into_whole_packets),
		cmocka_unit_test(output_reports_as_the_board_expects),
		cmocka_unit_test(input_reports_parse_and_refuse_short_ones),
		cmocka_unit_test(random_bytes_never_crash_a_parser),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
