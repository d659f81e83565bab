/* The Wii Balance Board through Poise's own Bluetooth host: see wbb_usb.h. */
#include "device/wbb_usb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/ring.h"
#include "device/bt_host.h"
#include "device/bt_keys.h"
#include "device/dev_text.h"
#include "device/usb_common.h"
#include "device/wbb_proto.h"

#define REOPEN_WAIT_MS 5 /* a reopen looks only at what the adapter holds (a
                           * request it queued comes with the set-up's
                           * answers) */
#define NAME "Wii Balance Board"

/* A request to the board waiting for its answer (during open). */
typedef struct board_req {
	uint8_t kind;      /* the input report that answers it; 0: none */
	uint8_t ack_of;    /* WBB_IN_ACK: the output report acknowledged */
	uint32_t addr;     /* WBB_IN_READ_DATA: where the read starts */
	uint16_t want, got;
	uint8_t data[32];
	uint8_t error;     /* the board's error code; 0xff: malformed reply */
	bool done;
} board_req;

typedef struct wbbu_dev {
	struct dev base;
	libusb_context *ctx;
	bth *h;
	bool handed_off;
	char key_dir[BTK_PATH_MAX];
	wbb_calib calib;
	board_req req;
	wbb_status status;
	bool mode_set, have_data;
	/* The stream: filled by the host's callbacks, which run inside read()
	 * on the same thread. */
	bool running, lost, gap, battery_low;
	int end_err;
	uint32_t seq;
	mono_us last_t;
	frame_ring *q;    /* decoded frames waiting for read() (one thread) */
	wbbu_stats st;
} wbbu_dev;

/* ---- the board's reports (host callbacks) ---- */

static void on_data(wbbu_dev *u, const uint8_t *r, size_t n, mono_us t_us)
{
	wbb_sample s;
	if (wbb_parse_report(r, n, &s) != POISE_OK) {
		u->st.bad_hid++;
		u->gap = true;
		return;
	}
	u->st.data_reports++;
	u->have_data = true;
	if (s.has_status) {
		u->st.battery_raw = s.battery;
		u->st.battery_pct = wbb_battery_pct(s.battery);
		u->battery_low = wbb_battery_low(s.battery);
	}
	if (!u->running)
		return;
	/* Reports of one USB transfer share its arrival time: keep the
	 * stream strictly increasing. */
	poise_frame f = {.t_us = t_us > u->last_t ? t_us : u->last_t + 1, .seq = u->seq};
	f.flags = (u->gap ? FRAME_GAP : 0) | (u->battery_low ? FRAME_BATTERY_LOW : 0);
	wbb_raw_to_n(&u->calib, s.raw, f.force_n);
	if (!frame_ring_push(u->q, &f)) {
		u->st.overflows++;
		u->gap = true;
		return;
	}
	u->last_t = f.t_us;
	u->seq++;
	u->gap = false;
	u->st.frames++;
}

static void send_report(wbbu_dev *u, const uint8_t *r, size_t n)
{
	uint8_t pkt[1 + WBB_MAX_OUT];
	pkt[0] = WBB_HIDP_OUTPUT;
	memcpy(pkt + 1, r, n);
	bth_send_hid(u->h, pkt, n + 1);
}

static void set_mode(wbbu_dev *u)
{
	uint8_t r[WBB_MAX_OUT];
	send_report(u, r, wbb_out_mode(r, WBB_REPORT_KE19, true));
	u->mode_set = true;
}

static void on_status(wbbu_dev *u, const uint8_t *r, size_t n)
{
	wbb_status s;
	if (wbb_parse_status(r, n, &s) != POISE_OK) {
		u->st.bad_hid++;
		return;
	}
	u->st.status_reports++;
	u->status = s;
	if (u->req.kind == WBB_IN_STATUS)
		u->req.done = true;
	/* After a status report the board sends no data reports until the
	 * reporting mode is set again (WiiBrew). */
	if (u->mode_set)
		set_mode(u);
}

static void on_read_reply(wbbu_dev *u, const uint8_t *r, size_t n)
{
	wbb_read_reply rr;
	if (wbb_parse_read_reply(r, n, &rr) != POISE_OK) {
		u->st.bad_hid++;
		return;
	}
	board_req *q = &u->req;
	if (q->kind != WBB_IN_READ_DATA || q->done)
		return;
	uint16_t off = (uint16_t)(rr.addr_lo - (uint16_t)(q->addr + q->got));
	if (rr.error) {
		q->error = rr.error;
		q->done = true;
	} else if (off != 0 || q->got + rr.size > q->want) {
		q->error = 0xff; /* not the piece we wait for */
		q->done = true;
	} else {
		memcpy(q->data + q->got, rr.data, rr.size);
		q->got = (uint16_t)(q->got + rr.size);
		q->done = q->got == q->want;
	}
}

static void on_hid(void *ctx, uint16_t psm, const uint8_t *b, size_t n, mono_us t_us)
{
	wbbu_dev *u = ctx;
	if (psm != BT_PSM_HID_INTERRUPT)
		return; /* the control channel carries only handshakes */
	if (n < 2 || b[0] != WBB_HIDP_INPUT) {
		u->st.bad_hid++;
		u->gap = true;
		return;
	}
	const uint8_t *r = b + 1;
	n--;
	switch (r[0]) {
	case WBB_REPORT_KE8:
	case WBB_REPORT_KE19:
		on_data(u, r, n, t_us);
		break;
	case WBB_IN_STATUS:
		on_status(u, r, n);
		break;
	case WBB_IN_READ_DATA:
		on_read_reply(u, r, n);
		break;
	case WBB_IN_ACK: {
		wbb_ack a;
		if (wbb_parse_ack(r, n, &a) != POISE_OK) {
			u->st.bad_hid++;
		} else if (u->req.kind == WBB_IN_ACK && a.report == u->req.ack_of && !u->req.done) {
			u->req.error = a.error;
			u->req.done = true;
		}
		break;
	}
	default:
		u->st.other_reports++;
		break;
	}
}

static void on_dropped(void *ctx)
{
	((wbbu_dev *)ctx)->gap = true;
}

/* ---- setting the board up (open) ---- */

/* Sends a request and waits for its answer. */
static int ask(wbbu_dev *u, const uint8_t *r, size_t n, board_req q, const char *what, char *msg,
               size_t msg_len)
{
	u->req = q;
	send_report(u, r, n);
	mono_us until = dev_now_us() + (mono_us)WBBU_REPLY_TIMEOUT_MS * 1000u;
	while (!u->req.done && bth_link_up(u->h) && !bth_pump(u->h, 10) && dev_now_us() < until)
		;
	u->req.kind = 0;
	if (bth_error(u->h)[0]) {
		dev_fmt(msg, msg_len, "%s", bth_error(u->h));
		return bth_pump(u->h, 0);
	}
	if (!bth_link_up(u->h)) {
		dev_fmt(msg, msg_len, "the board went away while Poise read its %s (%s)", what,
		    bt_status_str(bth_down_reason(u->h)));
		return POISE_E_DISCONNECTED;
	}
	if (!u->req.done) {
		dev_fmt(msg, msg_len, "the board did not answer the request for its %s within %d s: switch it "
		    "off and on (front button)", what, WBBU_REPLY_TIMEOUT_MS / 1000);
		return POISE_E_TIMEOUT;
	}
	if (u->req.error) {
		dev_fmt(msg, msg_len, "the board answered the request for its %s with error %u: is it a "
		    "Wii Balance Board?", what, u->req.error);
		return POISE_E_PROTOCOL;
	}
	return POISE_OK;
}

static int write_reg(wbbu_dev *u, uint32_t addr, uint8_t value, char *msg, size_t msg_len)
{
	uint8_t r[WBB_MAX_OUT];
	size_t n = wbb_out_write(r, addr, &value, 1);
	return ask(u, r, n, (board_req){.kind = WBB_IN_ACK, .ack_of = WBB_OUT_WRITE},
	           "extension set-up", msg, msg_len);
}

static int read_reg(wbbu_dev *u, uint32_t addr, uint16_t len, const char *what, char *msg,
                    size_t msg_len)
{
	uint8_t r[WBB_MAX_OUT];
	size_t n = wbb_out_read(r, addr, len);
	return ask(u, r, n, (board_req){.kind = WBB_IN_READ_DATA, .addr = addr, .want = len}, what, msg,
	           msg_len);
}

/* LED, status, the extension's initialisation and id, the calibration
 * block, the data mode, and the first data report. */
static int board_init(wbbu_dev *u, char *msg, size_t msg_len)
{
	uint8_t r[WBB_MAX_OUT];
	send_report(u, r, wbb_out_leds(r, WBB_LED_1));
	int rc = ask(u, r, wbb_out_status_request(r), (board_req){.kind = WBB_IN_STATUS}, "status",
	             msg, msg_len);
	if (!rc)
		rc = write_reg(u, WBB_EXT_INIT1_ADDR, WBB_EXT_INIT1_VALUE, msg, msg_len);
	if (!rc)
		rc = write_reg(u, WBB_EXT_INIT2_ADDR, WBB_EXT_INIT2_VALUE, msg, msg_len);
	if (!rc)
		rc = read_reg(u, WBB_EXT_ID_ADDR, WBB_EXT_ID_LEN, "extension id", msg, msg_len);
	if (!rc && !wbb_ext_is_board(u->req.data)) {
		const uint8_t *id = u->req.data;
		dev_fmt(msg, msg_len, "the device is not a Wii Balance Board (extension id %02x%02x %02x%02x "
		    "%02x%02x)", id[0], id[1], id[2], id[3], id[4], id[5]);
		return POISE_E_PROTOCOL;
	}
	if (!rc)
		rc = read_reg(u, WBB_CALIB_ADDR, WBB_CALIB_LEN, "calibration block", msg, msg_len);
	int bad;
	if (!rc && wbb_parse_calib(u->req.data, WBB_CALIB_LEN, &u->calib, &bad) != POISE_OK) {
		static const char *const names[CELL_COUNT] = {"top-left", "top-right", "bottom-left",
		                                              "bottom-right"};
		dev_fmt(msg, msg_len, "the board's calibration block is corrupt%s%s%s: its forces would be "
		    "wrong", bad >= 0 ? " (sensor " : "", bad >= 0 ? names[bad] : "", bad >= 0 ? ")" : "");
		return POISE_E_PROTOCOL;
	}
	if (rc)
		return rc;
	set_mode(u);
	mono_us until = dev_now_us() + (mono_us)WBBU_REPLY_TIMEOUT_MS * 1000u;
	while (!u->have_data && bth_link_up(u->h) && !bth_pump(u->h, 10) && dev_now_us() < until)
		;
	if (!u->have_data) {
		dev_fmt(msg, msg_len, "the board sends no data after its set-up");
		return bth_link_up(u->h) ? POISE_E_TIMEOUT : POISE_E_DISCONNECTED;
	}
	return POISE_OK;
}

/* ---- finding adapters ---- */

/* True if POISE_BT_ADAPTER names this adapter (by VID:PID or locator). */
static bool given_to_poise(const char *env, const bth_usb *usb, const char *loc)
{
	for (const char *p = env; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		unsigned v, q;
		char item[80];
		dev_fmt(item, sizeof item, "%.*s", (int)n, p);
		if ((sscanf(item, "%4x:%4x", &v, &q) == 2 && strncmp(item, "usb:", 4) != 0 &&
		     v == usb->vid && q == usb->pid) ||
		    strcmp(item, loc) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The adapter's identity for the key store. */
static void identity(libusb_device_handle *dh, const bth_usb *usb, const char *loc, char *out,
                     size_t len)
{
	struct libusb_device_descriptor dd;
	unsigned char serial[64] = "";
	if (libusb_get_device_descriptor(libusb_get_device(dh), &dd) == 0 && dd.iSerialNumber)
		libusb_get_string_descriptor_ascii(dh, dd.iSerialNumber, serial, sizeof serial);
	if (serial[0])
		dev_fmt(out, len, "%04x:%04x serial=%s", usb->vid, usb->pid, (const char *)serial);
	else
		dev_fmt(out, len, "%04x:%04x %s", usb->vid, usb->pid, loc);
}

static void product(libusb_device_handle *dh, char *out, size_t len)
{
	struct libusb_device_descriptor dd;
	unsigned char s[64] = "";
	if (libusb_get_device_descriptor(libusb_get_device(dh), &dd) == 0 && dd.iProduct)
		libusb_get_string_descriptor_ascii(dh, dd.iProduct, s, sizeof s);
	dev_fmt(out, len, "%s", s[0] ? (const char *)s : "Bluetooth adapter");
}

static dev_info base_info(const char *loc)
{
	dev_info di = {.rate_hz = WBBU_RATE_HZ, .rate_irregular = true};
	dev_fmt(di.backend, sizeof di.backend, "wbb-usb");
	dev_fmt(di.id, sizeof di.id, "%s", loc);
	dev_fmt(di.name, sizeof di.name, NAME);
	wbb_plate(0, &di.plate);
	return di;
}

static void emit(dev_info *out, size_t max, size_t *k, const dev_info *di)
{
	if (*k < max)
		out[*k] = *di;
	(*k)++;
}

/* Lists one adapter: its own entry and its paired boards, or why it
 * cannot be used. */
static void list_adapter(libusb_device *ld, const bth_usb *usb, const char *env, dev_info *out,
                         size_t max, size_t *k)
{
	char loc[64];
	dev_usb_locator(ld, loc, sizeof loc);
	dev_info di = base_info(loc);
	libusb_device_handle *dh;
	int r = libusb_open(ld, &dh);
	if (r != 0) {
		di.err = dev_from_libusb(r);
		if (r == LIBUSB_ERROR_ACCESS)
			dev_fmt(di.note, sizeof di.note, "Bluetooth adapter %04x:%04x: permission denied: install "
			    "assets/udev/70-poise-wbb-usb.rules (README)", usb->vid, usb->pid);
		else
			dev_fmt(di.note, sizeof di.note, "Bluetooth adapter %04x:%04x: cannot open it (%s)",
			    usb->vid, usb->pid, libusb_error_name(r));
		emit(out, max, k, &di);
		return;
	}
	char prod[64], ident[160];
	product(dh, prod, sizeof prod);
	identity(dh, usb, loc, ident, sizeof ident);
	bool kernel = libusb_kernel_driver_active(dh, usb->iface) == 1;
	bool ours = given_to_poise(env, usb, loc);
	if (kernel && !ours) {
		di.err = POISE_E_BUSY;
		dev_fmt(di.note, sizeof di.note, "%s (%04x:%04x) is the system's Bluetooth; if it is a "
		        "dongle for Poise alone: " WBBU_ENV_ADAPTER "=%04x:%04x (README)", prod, usb->vid,
		        usb->pid, usb->vid, usb->pid);
	} else if (!kernel && (r = libusb_claim_interface(dh, usb->iface)) != 0) {
		di.err = dev_from_libusb(r);
		dev_fmt(di.note, sizeof di.note, "%s (%04x:%04x) is in use by another program (is Poise "
		    "already running?)", prod, usb->vid, usb->pid);
	} else {
		if (!kernel)
			libusb_release_interface(dh, usb->iface);
		di.usable = true;
	}
	libusb_close(dh);
	if (!di.usable) {
		emit(out, max, k, &di);
		return;
	}
	char root[BTK_PATH_MAX], dir[BTK_PATH_MAX];
	btk_board boards[BTK_MAX_BOARDS];
	size_t nb = 0;
	bt_addr a;
	if (btk_default_root(root, sizeof root) == POISE_OK &&
	    btk_find_by_identity(root, ident, &a) == POISE_OK &&
	    btk_adapter_dir(root, &a, false, dir, sizeof dir) == POISE_OK)
		btk_list(dir, boards, BTK_MAX_BOARDS, &nb);
	if (nb > BTK_MAX_BOARDS)
		nb = BTK_MAX_BOARDS;
	dev_fmt(di.note, sizeof di.note, "%s (%04x:%04x)%s: %s", prod, usb->vid, usb->pid,
	        kernel ? " (Poise takes it from the system's Bluetooth)" : "",
	        nb ? "any paired board, or a new one (red sync button)"
	           : "no board paired yet: red sync button under the board");
	emit(out, max, k, &di);
	for (size_t i = 0; i < nb; i++) {
		dev_info bi = base_info(loc);
		char addr[BT_ADDR_STR_LEN];
		bt_addr_str(&boards[i].addr, addr);
		dev_fmt(bi.id, sizeof bi.id, "%s/%s", loc, addr);
		dev_fmt(bi.serial, sizeof bi.serial, "%s", addr);
		bi.usable = true;
		if (boards[i].battery_pct >= 0)
			dev_fmt(bi.note, sizeof bi.note, "paired with %s; battery %d %% when last connected", prod,
			    boards[i].battery_pct);
		else
			dev_fmt(bi.note, sizeof bi.note, "paired with %s", prod);
		emit(out, max, k, &bi);
	}
}

typedef struct listing {
	dev_info *out;
	size_t max, n;
	const char *env;
} listing;

static void list_one(libusb_device *ld, void *ctx)
{
	listing *f = ctx;
	bth_usb usb;
	if (bth_adapter_probe(ld, f->env, &usb))
		list_adapter(ld, &usb, f->env, f->out, f->max, &f->n);
}

static int wbbu_enumerate(dev_info *out, size_t max, size_t *n_found)
{
	listing f = {out, max, 0, getenv(WBBU_ENV_ADAPTER)};
	int rc = dev_usb_each(list_one, &f);
	*n_found = f.n;
	return rc;
}

/* ---- open ---- */

static void free_dev(wbbu_dev *u, bool keep_listening)
{
	bth_close(u->h, keep_listening);
	frame_ring_destroy(u->q);
	if (u->ctx)
		libusb_exit(u->ctx);
	free(u);
}

/* Splits "usb:1-2" or "usb:1-2/00:1F:..." into the locator and the board. */
static int parse_id(const dev_info *which, char *loc, size_t len, bt_addr *board, bool *have)
{
	const char *slash = strchr(which->id, '/');
	size_t n = slash ? (size_t)(slash - which->id) : strlen(which->id);
	if (strncmp(which->id, "usb:", 4) != 0 || n >= len)
		return POISE_E_NOT_FOUND;
	memcpy(loc, which->id, n);
	loc[n] = 0;
	*have = false;
	if (slash) {
		if (bt_addr_parse(slash + 1, board) != POISE_OK)
			return POISE_E_NOT_FOUND;
		*have = true;
	} else if (which->serial[0] && bt_addr_parse(which->serial, board) == POISE_OK) {
		*have = true;
	}
	return POISE_OK;
}

/* The adapter at loc, claimed and brought up, as u->h. */
static int take_adapter(wbbu_dev *u, const char *loc, bool reopen, char *ident, size_t ident_len,
                        char *msg, size_t msg_len)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(u->ctx, &list);
	if (n < 0) {
		dev_fmt(msg, msg_len, "cannot list the USB devices");
		return POISE_E_IO;
	}
	const char *env = getenv(WBBU_ENV_ADAPTER);
	int rc = POISE_E_NOT_FOUND;
	dev_fmt(msg, msg_len, "the Bluetooth adapter at %s is gone: plug it back in", loc);
	for (ssize_t i = 0; i < n && rc == POISE_E_NOT_FOUND; i++) {
		bth_usb usb;
		char l[64];
		if (!bth_adapter_probe(list[i], env, &usb))
			continue;
		dev_usb_locator(list[i], l, sizeof l);
		if (strcmp(l, loc) != 0)
			continue;
		bth_cfg hc = {.take_from_kernel = given_to_poise(env, &usb, loc),
		              .reset = !reopen,
		              .ev = {.ctx = u, .hid = on_hid, .dropped = on_dropped}};
		rc = bth_open(&u->h, u->ctx, list[i], &usb, &hc, msg, msg_len);
		if (rc == POISE_OK) {
			libusb_device_handle *dh;
			char prod[64] = "";
			ident[0] = 0;
			if (libusb_open(list[i], &dh) == 0) {
				identity(dh, &usb, loc, ident, ident_len);
				product(dh, prod, sizeof prod);
				libusb_close(dh);
			}
			dev_fmt(u->base.info.note, sizeof u->base.info.note, "via %s (%04x:%04x, %s) at %s%s",
			        prod, usb.vid, usb.pid, bth_chipset(u->h)[0] ? bth_chipset(u->h) : "chipset?",
			        loc, bth_took_from_kernel(u->h) ? "; the system's Bluetooth gets it back at close" : "");
		}
	}
	libusb_free_device_list(list, 1);
	return rc;
}

/* The adapter's folder in the key store, made and labelled. */
static void key_store(wbbu_dev *u, const char *ident)
{
	char root[BTK_PATH_MAX];
	u->key_dir[0] = 0;
	if (btk_default_root(root, sizeof root) != POISE_OK ||
	    btk_adapter_dir(root, bth_address(u->h), true, u->key_dir, sizeof u->key_dir) != POISE_OK) {
		u->key_dir[0] = 0; /* pairing still works, but is forgotten at exit */
		return;
	}
	if (ident[0])
		btk_set_identity(u->key_dir, ident);
	bth_set_key_dir(u->h, u->key_dir);
}

static void no_board_msg(const bth_target *t, bool reopen, char *msg, size_t msg_len)
{
	char a[BT_ADDR_STR_LEN];
	if (reopen) {
		dev_fmt(msg, msg_len, "the board is not back yet");
	} else if (t->have_addr) {
		bt_addr_str(&t->addr, a);
		dev_fmt(msg, msg_len, "the board %s did not connect within %d s: switch it on with its front "
		    "button (if it was paired with a Wii or another computer since, pair it again: red "
		    "sync button under its battery cover)", a, WBBU_CONNECT_WAIT_MS / 1000);
	} else {
		dev_fmt(msg, msg_len, "no balance board connected within %d s: switch a paired board on with "
		    "its front button, or press the red sync button under a new board's battery cover",
		    WBBU_CONNECT_WAIT_MS / 1000);
	}
}

static void fill_info(wbbu_dev *u, const char *loc, const cop_plate *plate)
{
	dev_info *di = &u->base.info;
	char note[sizeof di->note], a[BT_ADDR_STR_LEN];
	memcpy(note, di->note, sizeof note);
	*di = base_info(loc);
	memcpy(di->note, note, sizeof note);
	bt_addr_str(bth_peer(u->h), a);
	dev_fmt(di->id, sizeof di->id, "%s/%s", loc, a);
	dev_fmt(di->serial, sizeof di->serial, "%s", a);
	di->plate = *plate;
	di->usable = true;
	di->has_battery = u->st.battery_pct >= 0;
	di->battery_pct = di->has_battery ? u->st.battery_pct : 0;
}

/* Remembers the board's battery with its key (for `poise devices`). */
static void note_battery(wbbu_dev *u)
{
	btk_board b;
	if (u->key_dir[0] && u->st.battery_pct >= 0 &&
	    btk_load(u->key_dir, bth_peer(u->h), &b) == POISE_OK) {
		b.battery_pct = u->st.battery_pct;
		btk_save(u->key_dir, &b);
	}
}

int wbbu_open_msg(dev **out, const dev_info *which, const dev_open_cfg *cfg, char *msg,
                  size_t msg_len)
{
	dev_info first;
	if (!which) {
		dev_info found[DEV_MAX_FOUND];
		size_t n = 0;
		wbbu_enumerate(found, DEV_MAX_FOUND, &n);
		for (size_t i = 0; i < n && i < DEV_MAX_FOUND && !which; i++)
			if (found[i].usable)
				first = found[i], which = &first;
		if (!which) {
			dev_fmt(msg, msg_len, "no usable USB Bluetooth adapter found");
			return POISE_E_NOT_FOUND;
		}
	}
	bool reopen = cfg && cfg->reopen;
	char loc[64];
	bth_target t = {0};
	if (parse_id(which, loc, sizeof loc, &t.addr, &t.have_addr) != POISE_OK) {
		dev_fmt(msg, msg_len, "'%s' is not a wbb-usb device id", which->id);
		return POISE_E_NOT_FOUND;
	}
	t.any_paired = !t.have_addr;
	t.discover = !t.have_addr && !reopen;
	cop_plate plate;
	if (wbb_plate(cfg ? cfg->plate_depth_mm : 0, &plate) != POISE_OK) {
		dev_fmt(msg, msg_len, "the board's sensor spacing must be 150–300 mm");
		return POISE_E_INVALID;
	}
	wbbu_dev *u = calloc(1, sizeof *u);
	if (!u) {
		dev_fmt(msg, msg_len, "out of memory");
		return POISE_E_NOMEM;
	}
	u->base.ops = &wbbu_ops;
	u->st.battery_pct = -1;
	if (frame_ring_create(&u->q, WBBU_QUEUE_FRAMES) != POISE_OK) {
		free(u);
		dev_fmt(msg, msg_len, "out of memory");
		return POISE_E_NOMEM;
	}
	if (libusb_init(&u->ctx) != 0) {
		free_dev(u, false);
		dev_fmt(msg, msg_len, "libusb cannot start");
		return POISE_E_UNSUPPORTED;
	}
	mono_us t0 = dev_now_us();
	char ident[160];
	int rc = take_adapter(u, loc, reopen, ident, sizeof ident, msg, msg_len);
	if (rc) {
		free_dev(u, false);
		return rc;
	}
	key_store(u, ident);
	mono_us until = dev_now_us() + (mono_us)(reopen ? REOPEN_WAIT_MS : WBBU_CONNECT_WAIT_MS) * 1000u;
	rc = bth_connect(u->h, &t, until, msg, msg_len);
	if (rc == POISE_E_NOT_FOUND)
		no_board_msg(&t, reopen, msg, msg_len);
	if (rc == POISE_OK)
		rc = board_init(u, msg, msg_len);
	if (rc) {
		/* A reopen leaves the adapter listening for the board, as it was. */
		free_dev(u, reopen && !bth_error(u->h)[0]);
		return rc;
	}
	u->st.connect_ms = (uint32_t)((dev_now_us() - t0) / 1000u);
	bth_stats hs;
	bth_get_stats(u->h, &hs);
	u->st.pairings = hs.pairings;
	fill_info(u, loc, &plate);
	note_battery(u);
	*out = &u->base;
	return POISE_OK;
}

static int wbbu_open(dev **out, const dev_info *which, const dev_open_cfg *cfg)
{
	char msg[256];
	return wbbu_open_msg(out, which, cfg, msg, sizeof msg);
}

/* ---- the stream ---- */

/* Forgets the frames not read. */
static void drain(wbbu_dev *u)
{
	poise_frame f[64];
	while (frame_ring_pop(u->q, f, 64) > 0)
		;
}

static int wbbu_start(dev *d)
{
	wbbu_dev *u = (wbbu_dev *)d;
	if (u->lost)
		return u->end_err;
	if (u->running)
		return POISE_E_STATE;
	drain(u);
	u->seq = 0;
	u->gap = false;
	u->running = true;
	return POISE_OK;
}

static int wbbu_stop(dev *d)
{
	wbbu_dev *u = (wbbu_dev *)d;
	u->running = false;
	drain(u);
	return POISE_OK;
}

static void wbbu_close(dev *d)
{
	if (!d)
		return;
	free_dev((wbbu_dev *)d, false);
}

/* The link or the adapter is gone: the stream ends once the queue is
 * read. A board that went away leaves the adapter listening for it. */
static void lose(wbbu_dev *u)
{
	const char *e = bth_error(u->h);
	int fatal = e[0] ? bth_pump(u->h, 0) : POISE_OK;
	u->lost = true;
	u->end_err = fatal && fatal != POISE_E_DISCONNECTED ? fatal : POISE_E_DISCONNECTED;
	if (fatal == POISE_OK || fatal == POISE_E_DISCONNECTED) {
		bth_handoff(u->h);
		u->handed_off = true;
	}
}

static int wbbu_read(dev *d, poise_frame *out, size_t max, size_t *n_read, int timeout_ms)
{
	wbbu_dev *u = (wbbu_dev *)d;
	*n_read = 0;
	if (!u->running)
		return POISE_E_STATE;
	mono_us deadline = dev_now_us() + (mono_us)(timeout_ms > 0 ? timeout_ms : 0) * 1000u;
	for (;;) {
		if ((*n_read = frame_ring_pop(u->q, out, max)) > 0)
			return POISE_OK;
		if (u->lost)
			return u->end_err;
		if (bth_error(u->h)[0] || !bth_link_up(u->h)) {
			lose(u);
			continue; /* what arrived before is read first */
		}
		mono_us now = dev_now_us();
		if (now >= deadline)
			return POISE_OK;
		mono_us wait = deadline - now;
		bth_pump(u->h, (int)((wait + 999) / 1000));
	}
}

void wbbu_get_stats(const dev *d, wbbu_stats *out)
{
	const wbbu_dev *u = (const wbbu_dev *)d;
	*out = u->st;
	bth_stats hs;
	bth_get_stats(u->h, &hs);
	out->bad_link = hs.bad_acl + hs.bad_l2cap;
	out->sig_rejected = hs.sig_rejected;
}

const struct dev_ops wbbu_ops = {
	.name = "wbb-usb",
	.label = "Wii Balance Board on a USB Bluetooth adapter",
	.description = "Wii Balance Board through a USB Bluetooth adapter driven by Poise (no BlueZ)",
	.enumerate = wbbu_enumerate,
	.open = wbbu_open,
	.start = wbbu_start,
	.read = wbbu_read,
	.stop = wbbu_stop,
	.close = wbbu_close,
	.steer = NULL,
	.open_msg = wbbu_open_msg,
};
