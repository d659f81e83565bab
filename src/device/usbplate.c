/* The USB force plate backend: see usbplate.h and
 * firmware-protocol/PROTOCOL.md (§6 says what the host does on each
 * error; this file does exactly that). */
#include "device/usbplate.h"

#include <libusb.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clkmap.h"
#include "core/error.h"
#include "device/usb_common.h"
#include "poise_proto.h"

#define USBP_XFER_BYTES (USBP_XFER_PACKETS * PP_EP_MAX_PACKET)
#define USBP_CTRL_TIMEOUT_MS 1000
#define USBP_STOP_WAIT_US 1000000u   /* cancelled transfers must be back by then */
#define USBP_DISCONNECT_WAIT_US 500000u
#define USBP_MAX_STALLS 3
#define USBP_NAME "Poise USB plate"

/* The plates we know: pid.codes' test PID, plus any product PIDs to come. */
static const struct {
	uint16_t vid, pid;
} usbp_ids[] = {
	{PP_USB_VID, PP_USB_PID},
};

typedef struct usbp_dev {
	struct dev base;
	libusb_context *ctx;
	libusb_device_handle *h;
	uint8_t iface;
	pp_info pinfo;
	pp_calib calib;
	uint16_t rate_hz;
	struct libusb_transfer *xfer[USBP_XFERS];
	uint8_t buf[USBP_XFERS][USBP_XFER_BYTES];
	int inflight;
	bool running, stopping, disconnected, stuck;
	mono_us disconnected_at;
	int fatal;             /* a POISE_E_* that ends the stream, or 0 */
	int stalls;            /* consecutive stalls of the IN endpoint */
	bool clear_halt;       /* a stalled transfer waits for read() to clear it */
	/* A plate opened for calibrating (usbp_cal_open): its frames stay raw
	 * counts (q.raw), never newtons; it is never handed out as a dev. */
	bool raw;
	/* Decoded frames waiting for read(): filled by the transfer callbacks,
	 * which run inside read() on the same thread. */
	union {
		poise_frame f[USBP_QUEUE_FRAMES];
		usbp_raw_frame raw[USBP_QUEUE_FRAMES];
	} q;
	size_t q_head, q_count;
	bool have_seq, gap;
	uint32_t next_seq;
	mono_us last_t;
	clkmap clk;
	usbp_stats st;
} usbp_dev;

/* The interface number if ld is one of our plates. */
static bool is_plate(libusb_device *ld, uint8_t *iface)
{
	struct libusb_device_descriptor dd;
	if (libusb_get_device_descriptor(ld, &dd) != 0)
		return false;
	bool known = false;
	for (size_t i = 0; i < sizeof usbp_ids / sizeof usbp_ids[0]; i++)
		known |= dd.idVendor == usbp_ids[i].vid && dd.idProduct == usbp_ids[i].pid;
	if (!known)
		return false;
	struct libusb_config_descriptor *cd;
	if (libusb_get_config_descriptor(ld, 0, &cd) != 0)
		return false;
	bool found = false;
	for (int i = 0; i < cd->bNumInterfaces && !found; i++) {
		if (cd->interface[i].num_altsetting < 1)
			continue;
		const struct libusb_interface_descriptor *id = &cd->interface[i].altsetting[0];
		if (id->bInterfaceClass != PP_IF_CLASS || id->bInterfaceSubClass != PP_IF_SUBCLASS ||
		    id->bInterfaceProtocol != PP_IF_PROTOCOL)
			continue;
		for (int e = 0; e < id->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep = &id->endpoint[e];
			if (ep->bEndpointAddress == PP_EP_IN &&
			    (ep->bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
				*iface = id->bInterfaceNumber;
				found = true;
			}
		}
	}
	libusb_free_config_descriptor(cd);
	return found;
}

static void set_unusable(dev_info *di, int err, const char *note)
{
	di->usable = false;
	di->err = err;
	snprintf(di->note, sizeof di->note, "%s", note);
}

#define USBP_CAL_NOT_READ 1 /* probe's *cal_pr when GET_CALIBRATION was not answered */

/* What the user is told to do about a plate's calibration. */
#define USBP_CAL_HINT "in Poise's plate check (C)"

/* Opens ld, claims the interface, reads and checks GET_INFO and the
 * calibration. Fills di (usable, or not with err and note) and *cal_pr
 * (the calibration block's pp_result, or USBP_CAL_NOT_READ). With hout,
 * the open, claimed handle goes to *hout when the plate is usable, or
 * when keep_bad_cal and its calibration block is all that is wrong (a
 * plate to calibrate); else it is closed. */
static void probe(libusb_device *ld, uint8_t iface, dev_info *di, pp_info *pi, pp_calib *pc,
                  libusb_device_handle **hout, bool keep_bad_cal, int *cal_pr)
{
	*cal_pr = USBP_CAL_NOT_READ;
	memset(di, 0, sizeof *di);
	snprintf(di->backend, sizeof di->backend, "usb");
	dev_usb_locator(ld, di->id, sizeof di->id);
	snprintf(di->name, sizeof di->name, USBP_NAME);
	libusb_device_handle *h = NULL;
	int r = libusb_open(ld, &h);
	if (r == LIBUSB_ERROR_ACCESS) {
		set_unusable(di, POISE_E_ACCESS,
		             "permission denied: install the udev rule assets/udev/70-poise-plate.rules "
		             "(README, USB force plate)");
		return;
	}
	if (r != 0) {
		char note[96];
		snprintf(note, sizeof note, "cannot open it (%s)", libusb_error_name(r));
		set_unusable(di, dev_from_libusb(r), note);
		return;
	}
	r = libusb_claim_interface(h, iface);
	if (r != 0) {
		set_unusable(di, dev_from_libusb(r),
		             r == LIBUSB_ERROR_BUSY ? "in use by another program (is Poise already running?)"
		                                    : "cannot claim its interface");
		libusb_close(h);
		return;
	}
	uint8_t b[PP_INFO_SIZE];
	char note[sizeof di->note];
	r = libusb_control_transfer(h, PP_RT_IN, PP_REQ_GET_INFO, 0, iface, b, PP_INFO_SIZE,
	                            USBP_CTRL_TIMEOUT_MS);
	int pr = r < 0 ? PP_E_SHORT : pp_info_decode(b, (size_t)r, pi);
	if (r < 0) {
		snprintf(note, sizeof note, "does not answer GET_INFO (%s): not a Poise plate, or its firmware hangs",
		         libusb_error_name(r));
		set_unusable(di, r == LIBUSB_ERROR_NO_DEVICE ? POISE_E_DISCONNECTED : POISE_E_PROTOCOL, note);
	} else if (pr == PP_E_VERSION) {
		if (b[0] > PP_VERSION_MAJOR)
			snprintf(note, sizeof note,
			         "it speaks protocol %u.%u, newer than this Poise (%u.x): update Poise", b[0],
			         r > 1 ? b[1] : 0, PP_VERSION_MAJOR);
		else
			snprintf(note, sizeof note, "it speaks an unknown protocol version %u", b[0]);
		set_unusable(di, POISE_E_PROTOCOL, note);
	} else if (pr != PP_OK) {
		snprintf(note, sizeof note, "its info block is malformed (%s)", pp_result_str(pr));
		set_unusable(di, POISE_E_PROTOCOL, note);
	}
	if (pr == PP_OK) {
		snprintf(di->serial, sizeof di->serial, "%s", pi->serial);
		di->rate_hz = pi->default_rate_hz;
		di->plate.width_mm = pi->spacing_ml_um / 1000.0;
		di->plate.depth_mm = pi->spacing_ap_um / 1000.0;
		uint8_t cb[PP_CALIB_SIZE];
		r = libusb_control_transfer(h, PP_RT_IN, PP_REQ_GET_CALIBRATION, 0, iface, cb, PP_CALIB_SIZE,
		                            USBP_CTRL_TIMEOUT_MS);
		int cr = r < 0 ? PP_E_SHORT : pp_calib_decode(cb, (size_t)r, pc);
		if (r >= 0)
			*cal_pr = cr;
		if (r < 0) {
			snprintf(note, sizeof note, "does not answer GET_CALIBRATION (%s)", libusb_error_name(r));
			set_unusable(di, r == LIBUSB_ERROR_NO_DEVICE ? POISE_E_DISCONNECTED : POISE_E_PROTOCOL, note);
		} else if (cr == PP_E_BLANK) {
			set_unusable(di, POISE_E_PROTOCOL, "it has never been calibrated: set it up " USBP_CAL_HINT);
		} else if (cr == PP_E_CRC) {
			set_unusable(di, POISE_E_PROTOCOL,
			             "its calibration block is corrupt (CRC mismatch): recalibrate it " USBP_CAL_HINT);
		} else if (cr != PP_OK) {
			snprintf(note, sizeof note, "its calibration block is unusable (%s): recalibrate it " USBP_CAL_HINT,
			         pp_result_str(cr));
			set_unusable(di, POISE_E_PROTOCOL, note);
		} else {
			di->usable = true;
		}
	}
	if (hout && (di->usable || (keep_bad_cal && *cal_pr != PP_OK && *cal_pr != USBP_CAL_NOT_READ))) {
		*hout = h;
		return;
	}
	libusb_release_interface(h, iface);
	libusb_close(h);
}

typedef struct listing {
	dev_info *out;        /* usbp_enumerate's list, or */
	usbp_cal_found *cal;  /* usbp_cal_enumerate's */
	size_t max, n;
} listing;

static enum usbp_cal_state cal_state_of(int cal_pr)
{
	switch (cal_pr) {
	case PP_OK:
		return USBP_CAL_VALID;
	case PP_E_BLANK:
		return USBP_CAL_BLANK;
	case PP_E_CRC:
	case PP_E_MAGIC:
		return USBP_CAL_CORRUPT;
	default:
		return USBP_CAL_UNUSABLE;
	}
}

static void list_one(libusb_device *ld, void *ctx)
{
	listing *f = ctx;
	uint8_t iface;
	if (!is_plate(ld, &iface))
		return;
	if (f->n < f->max) {
		pp_info pi;
		pp_calib pc;
		dev_info di;
		int cal_pr;
		probe(ld, iface, &di, &pi, &pc, NULL, false, &cal_pr);
		if (f->out)
			f->out[f->n] = di;
		else
			f->cal[f->n] = (usbp_cal_found){.info = di,
			                                .can_calibrate = cal_pr != USBP_CAL_NOT_READ,
			                                .cal = cal_state_of(cal_pr)};
	}
	f->n++;
}

static int usbp_enumerate(dev_info *out, size_t max, size_t *n_found)
{
	listing f = {.out = out, .max = max};
	int rc = dev_usb_each(list_one, &f);
	*n_found = f.n;
	return rc;
}

int usbp_cal_enumerate(usbp_cal_found *out, size_t max, size_t *n_found)
{
	listing f = {.cal = out, .max = max};
	int rc = dev_usb_each(list_one, &f);
	*n_found = f.n;
	return rc;
}

static int control_out(usbp_dev *u, uint8_t req, uint16_t value, unsigned timeout_ms)
{
	int r = libusb_control_transfer(u->h, PP_RT_OUT, req, value, u->iface, NULL, 0, timeout_ms);
	return r < 0 ? dev_from_libusb(r) : POISE_OK;
}

static void free_dev(usbp_dev *u)
{
	for (int i = 0; i < USBP_XFERS; i++)
		if (!u->stuck)
			libusb_free_transfer(u->xfer[i]);
	if (u->h) {
		libusb_release_interface(u->h, u->iface);
		libusb_close(u->h);
	}
	if (u->ctx)
		libusb_exit(u->ctx);
	free(u);
}

/* The lowest rate the plate supports: a calibration is read by polling
 * from the app's frame loop, and a slow stream loses nothing there. */
static uint16_t lowest_rate(const pp_info *pi)
{
	uint16_t r = pi->default_rate_hz;
	for (unsigned i = 0; i < PP_MAX_RATES; i++)
		if (pi->rates_hz[i] && pi->rates_hz[i] < r)
			r = pi->rates_hz[i];
	return r;
}

/* Opens the plate at id (or with that serial; both NULL or "": the first
 * plate found), stops it, sets its rate, allocates the transfers. raw: for
 * calibrating (usbp_cal_open): a plate whose calibration block is all that
 * is wrong is taken, at its lowest rate, and streams raw counts. *cal_pr
 * gets the block's pp_result (USBP_CAL_NOT_READ if never read). */
static int open_plate(usbp_dev **out, const char *id, const char *serial, const dev_open_cfg *cfg, bool raw,
                      int *cal_pr, char *why, size_t why_len)
{
	*cal_pr = USBP_CAL_NOT_READ;
	usbp_dev *u = calloc(1, sizeof *u);
	if (!u)
		return POISE_E_NOMEM;
	if (libusb_init(&u->ctx) != 0) {
		free(u);
		return POISE_E_UNSUPPORTED;
	}
	u->raw = raw;
	libusb_device **list;
	ssize_t n = libusb_get_device_list(u->ctx, &list);
	int rc = POISE_E_NOT_FOUND;
	for (ssize_t i = 0; i < n && rc == POISE_E_NOT_FOUND; i++) {
		uint8_t iface;
		if (!is_plate(list[i], &iface))
			continue;
		char loc[sizeof u->base.info.id];
		dev_usb_locator(list[i], loc, sizeof loc);
		if (id && id[0] && strcmp(id, loc) != 0)
			continue;
		probe(list[i], iface, &u->base.info, &u->pinfo, &u->calib, &u->h, raw, cal_pr);
		if (serial && serial[0] && strcmp(serial, u->base.info.serial) != 0) { /* "" if unknown */
			if (u->h) {
				libusb_release_interface(u->h, iface);
				libusb_close(u->h);
				u->h = NULL;
			}
			*cal_pr = USBP_CAL_NOT_READ;
			continue;
		}
		u->iface = iface;
		if (u->base.info.usable || (raw && u->h))
			rc = POISE_OK;
		else
			rc = u->base.info.err ? u->base.info.err : POISE_E_ACCESS;
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	if (rc == POISE_E_DISCONNECTED)
		rc = POISE_E_NOT_FOUND;
	uint16_t rate = raw ? lowest_rate(&u->pinfo) : u->pinfo.default_rate_hz;
	if (rc == POISE_OK && !raw && cfg && cfg->rate_hz > 0) {
		rate = (uint16_t)lround(cfg->rate_hz);
		if (fabs(cfg->rate_hz - rate) > 1e-9 || !pp_info_supports_rate(&u->pinfo, rate))
			rc = POISE_E_UNSUPPORTED;
	}
	/* A plate left streaming by a program that crashed stops first. */
	if (rc == POISE_OK)
		rc = control_out(u, PP_REQ_STOP, 0, USBP_CTRL_TIMEOUT_MS);
	if (rc == POISE_OK)
		rc = control_out(u, PP_REQ_SET_RATE, rate, USBP_CTRL_TIMEOUT_MS);
	for (int i = 0; i < USBP_XFERS && rc == POISE_OK; i++)
		if (!(u->xfer[i] = libusb_alloc_transfer(0)))
			rc = POISE_E_NOMEM;
	if (rc != POISE_OK) {
		if (why)
			snprintf(why, why_len, "%s", u->base.info.note); /* probe's reason, or "" */
		free_dev(u);
		return rc;
	}
	u->rate_hz = rate;
	u->base.ops = &usbp_ops;
	u->base.info.rate_hz = rate;
	*out = u;
	return POISE_OK;
}

static int usbp_open(dev **out, const dev_info *which, const dev_open_cfg *cfg)
{
	usbp_dev *u;
	int cal_pr;
	int rc = open_plate(&u, which ? which->id : NULL, NULL, cfg, false, &cal_pr, NULL, 0);
	if (rc == POISE_OK)
		*out = &u->base;
	return rc;
}

/* ---- the stream ---- */

static void push_frame(usbp_dev *u, const pp_frame *pf, mono_us arrival_us)
{
	if (!u->have_seq) {
		/* After START the first frame is number 0: any other number means
		 * the first ones were lost. */
		u->have_seq = true;
		u->next_seq = 0;
	}
	uint32_t ahead = pf->seq - u->next_seq; /* modulo 2^32 */
	if (ahead >= 0x80000000u) {
		u->st.stale++;
		return;
	}
	if (ahead > 0) {
		u->st.lost += ahead;
		u->gap = true;
	}
	u->next_seq = pf->seq + 1;
	clkmap_add(&u->clk, pf->t_us, arrival_us);
	if (u->q_count == USBP_QUEUE_FRAMES) {
		u->st.overflows++;
		u->gap = true;
		return;
	}
	size_t at = (u->q_head + u->q_count) % USBP_QUEUE_FRAMES;
	mono_us t = clkmap_map(&u->clk, pf->t_us);
	if (t <= u->last_t)
		t = u->last_t + 1; /* strictly increasing, whatever a refit did */
	u->last_t = t;
	uint32_t flags = u->gap ? FRAME_GAP : 0;
	for (unsigned c = 0; c < PP_CHANNELS; c++)
		if (pf->status & PP_ST_OVER(c))
			flags |= FRAME_OVERRANGE(c);
	if (pf->status & PP_ST_ADC_FAULT)
		flags |= FRAME_ADC_FAULT;
	if (u->raw) {
		/* Calibrating: the counts as they came, no calibration applied. */
		usbp_raw_frame *r = &u->q.raw[at];
		r->t_us = t;
		r->seq = pf->seq;
		r->flags = flags;
		memcpy(r->counts, pf->counts, sizeof r->counts);
	} else {
		poise_frame *f = &u->q.f[at];
		f->t_us = t;
		f->seq = pf->seq;
		f->flags = flags;
		for (unsigned c = 0; c < PP_CHANNELS; c++)
			f->force_n[c] = (double)u->calib.gain_n_per_count[c] *
			                (double)((int64_t)pf->counts[c] - u->calib.offset_counts[c]);
	}
	u->gap = false;
	u->q_count++;
	u->st.frames++;
}

static void parse(usbp_dev *u, const uint8_t *b, int len, mono_us arrival_us)
{
	if (len % (int)PP_FRAME_SIZE != 0)
		u->st.bad_packets++;
	for (int off = 0; off + (int)PP_FRAME_SIZE <= len; off += PP_FRAME_SIZE) {
		pp_frame pf;
		int r = pp_frame_decode(b + off, PP_FRAME_SIZE, &pf);
		if (r == PP_OK) {
			push_frame(u, &pf, arrival_us);
		} else {
			/* Its sequence number cannot be trusted: the next good frame's
			 * number says how many were lost. */
			if (r == PP_E_VERSION)
				u->st.bad_version++;
			else
				u->st.crc_errors++;
			u->gap = true;
		}
	}
}

static void LIBUSB_CALL xfer_done(struct libusb_transfer *t)
{
	usbp_dev *u = t->user_data;
	switch (t->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		u->st.transfers++;
		u->stalls = 0;
		parse(u, t->buffer, t->actual_length, dev_now_us());
		break;
	case LIBUSB_TRANSFER_NO_DEVICE:
		if (!u->disconnected)
			u->disconnected_at = dev_now_us();
		u->disconnected = true;
		u->inflight--;
		return;
	case LIBUSB_TRANSFER_CANCELLED:
		u->inflight--;
		return;
	case LIBUSB_TRANSFER_STALL:
		/* read() clears the halt and resubmits (PROTOCOL.md §6). */
		u->st.bad_packets++;
		u->clear_halt = true;
		u->inflight--;
		return;
	default: /* ERROR, TIMED_OUT, OVERFLOW: a bad packet; keep going */
		u->st.bad_packets++;
		break;
	}
	if (!u->running || u->stopping || u->disconnected) {
		u->inflight--;
		return;
	}
	int r = libusb_submit_transfer(t);
	if (r != 0) {
		u->inflight--;
		if (r == LIBUSB_ERROR_NO_DEVICE) {
			if (!u->disconnected)
				u->disconnected_at = dev_now_us();
			u->disconnected = true;
		} else if (u->inflight == 0) {
			u->fatal = dev_from_libusb(r);
		}
	}
}

static int submit_all(usbp_dev *u)
{
	for (int i = 0; i < USBP_XFERS; i++) {
		libusb_fill_interrupt_transfer(u->xfer[i], u->h, PP_EP_IN, u->buf[i], USBP_XFER_BYTES,
		                               xfer_done, u, 0);
		int r = libusb_submit_transfer(u->xfer[i]);
		if (r != 0)
			return dev_from_libusb(r);
		u->inflight++;
	}
	return POISE_OK;
}

static void cancel_all(usbp_dev *u)
{
	u->stopping = true;
	for (int i = 0; i < USBP_XFERS; i++)
		libusb_cancel_transfer(u->xfer[i]); /* NOT_FOUND for idle ones: fine */
	mono_us until = dev_now_us() + USBP_STOP_WAIT_US;
	while (u->inflight > 0 && dev_now_us() < until) {
		struct timeval tv = {0, 20000};
		libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
	}
	if (u->inflight > 0)
		u->stuck = true; /* never free what libusb may still touch */
}

static int usbp_start(dev *d)
{
	usbp_dev *u = (usbp_dev *)d;
	if (u->running)
		return POISE_E_STATE;
	u->q_head = u->q_count = 0;
	u->have_seq = u->gap = false;
	u->last_t = 0;
	u->fatal = 0;
	u->stalls = 0;
	u->clear_halt = u->disconnected = u->stopping = false;
	memset(&u->st, 0, sizeof u->st);
	clkmap_init(&u->clk, 1.0, 500);
	u->running = true;
	int rc = submit_all(u);
	if (rc == POISE_OK)
		rc = control_out(u, PP_REQ_START, 0, USBP_CTRL_TIMEOUT_MS);
	if (rc != POISE_OK) {
		cancel_all(u);
		u->running = u->stopping = false;
		return rc == POISE_E_DISCONNECTED ? POISE_E_DISCONNECTED : rc;
	}
	return POISE_OK;
}

static int usbp_stop(dev *d)
{
	usbp_dev *u = (usbp_dev *)d;
	if (!u->running)
		return POISE_OK;
	u->stopping = true;
	if (!u->disconnected)
		control_out(u, PP_REQ_STOP, 0, 500); /* best effort: it may be gone */
	cancel_all(u);
	u->running = u->stopping = false;
	u->q_count = 0;
	return POISE_OK;
}

static void usbp_close(dev *d)
{
	if (!d)
		return;
	usbp_stop(d);
	free_dev((usbp_dev *)d);
}

/* A stalled endpoint: clear the halt, resubmit the idle transfers. */
static void recover_stall(usbp_dev *u)
{
	u->clear_halt = false;
	if (++u->stalls > USBP_MAX_STALLS) {
		u->fatal = POISE_E_PROTOCOL;
		return;
	}
	int r = libusb_clear_halt(u->h, PP_EP_IN);
	if (r == LIBUSB_ERROR_NO_DEVICE) {
		u->disconnected = true;
		u->disconnected_at = dev_now_us();
		return;
	}
	for (int i = 0; i < USBP_XFERS && u->inflight < USBP_XFERS; i++) {
		r = libusb_submit_transfer(u->xfer[i]);
		if (r == 0)
			u->inflight++;
		else if (r != LIBUSB_ERROR_BUSY) /* BUSY: this one is in flight */
			break;
	}
}

/* Runs libusb's events until a frame is queued, the stream ends or
 * timeout_ms passes (0: one look at what has completed, without waiting).
 * POISE_OK (with or without frames), or the error that ends the stream
 * (only once every frame received before it was read). */
static int pump(usbp_dev *u, int timeout_ms)
{
	mono_us deadline = dev_now_us() + (mono_us)(timeout_ms > 0 ? timeout_ms : 0) * 1000u;
	bool looked = false;
	for (;;) {
		if (u->q_count > 0)
			return POISE_OK;
		if (u->fatal)
			return u->fatal;
		mono_us now = dev_now_us();
		/* Gone: report it once every transfer is back (their data first),
		 * or after a bounded wait. */
		if (u->disconnected &&
		    (u->inflight == 0 || now - u->disconnected_at > USBP_DISCONNECT_WAIT_US))
			return POISE_E_DISCONNECTED;
		if (u->clear_halt && !u->disconnected) {
			recover_stall(u);
			continue;
		}
		if (now >= deadline && !u->disconnected && looked)
			return POISE_OK;
		mono_us wait = now < deadline ? deadline - now : looked ? 1000 : 0;
		struct timeval tv = {(time_t)(wait / 1000000u), (suseconds_t)(wait % 1000000u)};
		int r = libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
		looked = true;
		if (r == LIBUSB_ERROR_NO_DEVICE) {
			if (!u->disconnected)
				u->disconnected_at = dev_now_us();
			u->disconnected = true;
		} else if (r < 0 && r != LIBUSB_ERROR_INTERRUPTED && r != LIBUSB_ERROR_TIMEOUT) {
			return POISE_E_IO;
		}
		u->st.drift_ppm = clkmap_drift_ppm(&u->clk);
	}
}

/* read() of either kind: waits (pump), then copies up to max queued
 * frames into out, an array of poise_frame, or of usbp_raw_frame for a
 * plate opened for calibrating (u->raw). */
static int read_queued(usbp_dev *u, void *out, size_t max, size_t *n_read, int timeout_ms)
{
	*n_read = 0;
	if (!u->running)
		return POISE_E_STATE;
	int rc = pump(u, timeout_ms);
	size_t n = u->q_count < max ? u->q_count : max;
	for (size_t i = 0; i < n; i++) {
		size_t at = (u->q_head + i) % USBP_QUEUE_FRAMES;
		if (u->raw)
			((usbp_raw_frame *)out)[i] = u->q.raw[at];
		else
			((poise_frame *)out)[i] = u->q.f[at];
	}
	u->q_head = (u->q_head + n) % USBP_QUEUE_FRAMES;
	u->q_count -= n;
	*n_read = n;
	return n > 0 ? POISE_OK : rc;
}

static int usbp_read(dev *d, poise_frame *out, size_t max, size_t *n_read, int timeout_ms)
{
	return read_queued((usbp_dev *)d, out, max, n_read, timeout_ms);
}

void usbp_get_stats(const dev *d, usbp_stats *out)
{
	const usbp_dev *u = (const usbp_dev *)d;
	*out = u->st;
	out->drift_ppm = clkmap_drift_ppm(&u->clk);
}

/* ---- calibrating ---- */

struct usbp_cal {
	usbp_dev *u; /* in raw mode: never handed out as a dev */
	enum usbp_cal_state state;
};

int usbp_cal_open(usbp_cal **out, const char *which, char *msg, size_t msg_len)
{
	usbp_cal *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(msg, msg_len, "out of memory");
		return POISE_E_NOMEM;
	}
	/* An id names a socket; anything else is a serial. */
	bool by_id = which && strncmp(which, "usb:", 4) == 0;
	int cal_pr;
	char why[sizeof c->u->base.info.note] = "";
	int rc = open_plate(&c->u, by_id ? which : NULL, by_id ? NULL : which, NULL, true, &cal_pr, why, sizeof why);
	if (rc != POISE_OK) {
		free(c);
		if (rc == POISE_E_NOT_FOUND)
			snprintf(msg, msg_len, "no USB force plate found%s%s: is it plugged in?", which && *which ? " matching " : "",
			         which && *which ? which : "");
		else
			snprintf(msg, msg_len, "%s", why[0] ? why : poise_strerror(rc));
		return rc;
	}
	c->state = cal_state_of(cal_pr);
	*out = c;
	return POISE_OK;
}

const dev_info *usbp_cal_info(const usbp_cal *c)
{
	return &c->u->base.info;
}

enum usbp_cal_state usbp_cal_state(const usbp_cal *c, pp_calib *current)
{
	if (current) {
		memset(current, 0, sizeof *current);
		if (c->state == USBP_CAL_VALID)
			*current = c->u->calib;
	}
	return c->state;
}

int usbp_cal_start(usbp_cal *c)
{
	return usbp_start(&c->u->base);
}

int usbp_cal_read(usbp_cal *c, usbp_raw_frame *out, size_t max, size_t *n_read, int timeout_ms)
{
	return read_queued(c->u, out, max, n_read, timeout_ms);
}

int usbp_cal_stop(usbp_cal *c)
{
	return usbp_stop(&c->u->base);
}

#define USBP_FLASH_TIMEOUT_MS 3000 /* SET_CALIBRATION erases and writes flash */

int usbp_cal_write(usbp_cal *c, const pp_calib *cal, char *msg, size_t msg_len)
{
	usbp_dev *u = c->u;
	if (u->running) {
		snprintf(msg, msg_len, "the plate is streaming: stop it before writing its calibration");
		return POISE_E_STATE;
	}
	uint8_t b[PP_CALIB_SIZE], back[PP_CALIB_SIZE];
	pp_calib_encode(cal, b);
	pp_calib check;
	int pr = pp_calib_decode(b, sizeof b, &check);
	if (pr != PP_OK) {
		snprintf(msg, msg_len, "this calibration is outside what the plate can hold (%s): nothing was written",
		         pp_result_str(pr));
		return POISE_E_RANGE;
	}
	int r = libusb_control_transfer(u->h, PP_RT_OUT, PP_REQ_SET_CALIBRATION, 0, u->iface, b, PP_CALIB_SIZE,
	                                USBP_FLASH_TIMEOUT_MS);
	if (r == LIBUSB_ERROR_PIPE) {
		snprintf(msg, msg_len, "the plate refused the calibration (SET_CALIBRATION stalled: it checks the block "
		                       "and its flash write): its old calibration is unchanged");
		return POISE_E_PROTOCOL;
	}
	if (r < 0 || r != (int)PP_CALIB_SIZE) {
		int rc = r < 0 ? dev_from_libusb(r) : POISE_E_IO;
		snprintf(msg, msg_len, "the calibration could not be sent to the plate (%s): check the cable and write again",
		         r < 0 ? libusb_error_name(r) : "short transfer");
		return rc;
	}
	r = libusb_control_transfer(u->h, PP_RT_IN, PP_REQ_GET_CALIBRATION, 0, u->iface, back, PP_CALIB_SIZE,
	                            USBP_CTRL_TIMEOUT_MS);
	if (r < 0) {
		snprintf(msg, msg_len, "the plate took the calibration but does not answer GET_CALIBRATION (%s): "
		                       "unplug it, plug it in and check it",
		         libusb_error_name(r));
		return dev_from_libusb(r);
	}
	if (r != (int)PP_CALIB_SIZE || memcmp(back, b, PP_CALIB_SIZE) != 0 ||
	    pp_calib_decode(back, PP_CALIB_SIZE, &check) != PP_OK) {
		snprintf(msg, msg_len, "the plate holds something other than the calibration written: write it again; "
		                       "if that fails, its flash may be worn");
		return POISE_E_IO;
	}
	u->calib = check;
	c->state = USBP_CAL_VALID;
	u->base.info.usable = true;
	u->base.info.err = 0;
	u->base.info.note[0] = '\0';
	snprintf(msg, msg_len, "calibration written and read back");
	return POISE_OK;
}

void usbp_cal_close(usbp_cal *c)
{
	if (!c)
		return;
	usbp_close(&c->u->base);
	free(c);
}

const struct dev_ops usbp_ops = {
	.name = "usb",
	.label = "USB force plate",
	.description = "Poise USB force plate (open protocol, firmware-protocol/PROTOCOL.md)",
	.enumerate = usbp_enumerate,
	.open = usbp_open,
	.start = usbp_start,
	.read = usbp_read,
	.stop = usbp_stop,
	.close = usbp_close,
	.steer = NULL,
};
