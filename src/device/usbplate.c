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
	/* Decoded frames waiting for read(): filled by the transfer callbacks,
	 * which run inside read() on the same thread. */
	poise_frame q[USBP_QUEUE_FRAMES];
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

/* Opens ld, claims the interface, reads and checks GET_INFO and the
 * calibration. Fills di (usable, or not with err and note); on success with
 * hout, the open, claimed handle goes to *hout, else it is closed. */
static void probe(libusb_device *ld, uint8_t iface, dev_info *di, pp_info *pi, pp_calib *pc,
                  libusb_device_handle **hout)
{
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
		if (r < 0) {
			snprintf(note, sizeof note, "does not answer GET_CALIBRATION (%s)", libusb_error_name(r));
			set_unusable(di, r == LIBUSB_ERROR_NO_DEVICE ? POISE_E_DISCONNECTED : POISE_E_PROTOCOL, note);
		} else if (cr == PP_E_BLANK) {
			set_unusable(di, POISE_E_PROTOCOL,
			             "it has never been calibrated: calibrate it first "
			             "(firmware-protocol/PROTOCOL.md, SET_CALIBRATION)");
		} else if (cr == PP_E_CRC) {
			set_unusable(di, POISE_E_PROTOCOL,
			             "its calibration block is corrupt (CRC mismatch): recalibrate the plate");
		} else if (cr != PP_OK) {
			snprintf(note, sizeof note, "its calibration block is unusable (%s): recalibrate the plate",
			         pp_result_str(cr));
			set_unusable(di, POISE_E_PROTOCOL, note);
		} else {
			di->usable = true;
		}
	}
	if (di->usable && hout) {
		*hout = h;
		return;
	}
	libusb_release_interface(h, iface);
	libusb_close(h);
}

typedef struct listing {
	dev_info *out;
	size_t max, n;
} listing;

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
		probe(ld, iface, &di, &pi, &pc, NULL);
		f->out[f->n] = di;
	}
	f->n++;
}

static int usbp_enumerate(dev_info *out, size_t max, size_t *n_found)
{
	listing f = {out, max, 0};
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

static int usbp_open(dev **out, const dev_info *which, const dev_open_cfg *cfg)
{
	usbp_dev *u = calloc(1, sizeof *u);
	if (!u)
		return POISE_E_NOMEM;
	if (libusb_init(&u->ctx) != 0) {
		free(u);
		return POISE_E_UNSUPPORTED;
	}
	libusb_device **list;
	ssize_t n = libusb_get_device_list(u->ctx, &list);
	int rc = POISE_E_NOT_FOUND;
	for (ssize_t i = 0; i < n && rc == POISE_E_NOT_FOUND; i++) {
		uint8_t iface;
		if (!is_plate(list[i], &iface))
			continue;
		char id[sizeof u->base.info.id];
		dev_usb_locator(list[i], id, sizeof id);
		if (which && which->id[0] && strcmp(which->id, id) != 0)
			continue;
		probe(list[i], iface, &u->base.info, &u->pinfo, &u->calib, &u->h);
		u->iface = iface;
		rc = u->base.info.usable ? POISE_OK
		                         : (u->base.info.err ? u->base.info.err : POISE_E_ACCESS);
	}
	if (n >= 0)
		libusb_free_device_list(list, 1);
	if (rc == POISE_E_DISCONNECTED)
		rc = POISE_E_NOT_FOUND;
	uint16_t rate = u->pinfo.default_rate_hz;
	if (rc == POISE_OK && cfg && cfg->rate_hz > 0) {
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
		free_dev(u);
		return rc;
	}
	u->rate_hz = rate;
	u->base.ops = &usbp_ops;
	u->base.info.rate_hz = rate;
	*out = &u->base;
	return POISE_OK;
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
	poise_frame *f = &u->q[(u->q_head + u->q_count) % USBP_QUEUE_FRAMES];
	mono_us t = clkmap_map(&u->clk, pf->t_us);
	if (t <= u->last_t)
		t = u->last_t + 1; /* strictly increasing, whatever a refit did */
	u->last_t = t;
	f->t_us = t;
	f->seq = pf->seq;
	f->flags = u->gap ? FRAME_GAP : 0;
	for (unsigned c = 0; c < PP_CHANNELS; c++) {
		if (pf->status & PP_ST_OVER(c))
			f->flags |= FRAME_OVERRANGE(c);
		f->force_n[c] = (double)u->calib.gain_n_per_count[c] *
		                (double)((int64_t)pf->counts[c] - u->calib.offset_counts[c]);
	}
	if (pf->status & PP_ST_ADC_FAULT)
		f->flags |= FRAME_ADC_FAULT;
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

static int usbp_read(dev *d, poise_frame *out, size_t max, size_t *n_read, int timeout_ms)
{
	usbp_dev *u = (usbp_dev *)d;
	*n_read = 0;
	if (!u->running)
		return POISE_E_STATE;
	mono_us deadline = dev_now_us() + (mono_us)(timeout_ms > 0 ? timeout_ms : 0) * 1000u;
	for (;;) {
		if (u->q_count > 0) {
			size_t n = u->q_count < max ? u->q_count : max;
			for (size_t i = 0; i < n; i++)
				out[i] = u->q[(u->q_head + i) % USBP_QUEUE_FRAMES];
			u->q_head = (u->q_head + n) % USBP_QUEUE_FRAMES;
			u->q_count -= n;
			*n_read = n;
			return POISE_OK;
		}
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
		if (now >= deadline && !u->disconnected)
			return POISE_OK;
		mono_us wait = now < deadline ? deadline - now : 1000;
		struct timeval tv = {(time_t)(wait / 1000000u), (suseconds_t)(wait % 1000000u)};
		int r = libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
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

void usbp_get_stats(const dev *d, usbp_stats *out)
{
	const usbp_dev *u = (const usbp_dev *)d;
	*out = u->st;
	out->drift_ppm = clkmap_drift_ppm(&u->clk);
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
