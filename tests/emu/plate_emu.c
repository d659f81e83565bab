/* The emulated plate: see plate_emu.h. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "plate_emu.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/usbdevice_fs.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

#include "core/frame.h"
#include "device/device.h"
#include "device/sim.h"
#include "plate_fw.h"

/* ASan must come first among the loaded libraries unless told otherwise:
 * here libumockdev-preload is preloaded ahead of it on purpose. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "verify_asan_link_order=0";
}

#define EMU_MAX_PLUGS 32

/* The emulated calibration: offsets and gains per channel. */
static const int32_t emu_offsets[PP_CHANNELS] = {1000, -2000, 3000, -4000};
static const float emu_gains[PP_CHANNELS] = {1.0e-3f, 1.1e-3f, 0.9e-3f, 1.2e-3f};

typedef struct emu_urb {
	UMockdevIoctlData *urb; /* resolved struct usbdevfs_urb (our ref) */
	UMockdevIoctlData *buf; /* its resolved buffer (owned by urb) */
	UMockdevIoctlClient *client;
	int filled;             /* IN: bytes of data so far */
	bool done;              /* reapable */
	struct emu_urb *next;
} emu_urb;

typedef struct emu_plug {
	emu_plate *e;
	UMockdevIoctlBase *handler;
	pfw fw;
	int devnum;
	char devnode[64];
	int fifo_fd;
	bool fifo_ready;
	bool gone;
	UMockdevIoctlClient *claim_owner; /* our ref while claimed */
	emu_urb *urbs;                    /* submitted, in order */
	uint8_t flash[PP_CALIB_SIZE];
	uint64_t adc_k;
	dev *person;
	mono_us boot_us; /* host time at power-on: device clock zero */
	uint64_t virt_us; /* fast mode: the device clock */
} emu_plug;

struct emu_plate {
	emu_cfg cfg;
	char serial[PP_SERIAL_LEN + 1];
	UMockdevTestbed *tb;
	char *root;
	pthread_mutex_t mu;
	emu_plug *plugs[EMU_MAX_PLUGS];
	int n_plugs;
	emu_plug *cur;
	pthread_t thread;
	bool thread_on, quit;
	unsigned corrupt_left, drop_left, over_left, over_channel;
	emu_sent_frame *log;
	size_t log_n, log_cap;
};

bool emu_ensure_preload(char **argv)
{
	const char *pl = getenv("LD_PRELOAD");
	if (pl && strstr(pl, "libumockdev-preload"))
		return true;
	char buf[1024];
	snprintf(buf, sizeof buf, "libumockdev-preload.so.0%s%s", pl && *pl ? ":" : "", pl ? pl : "");
	setenv("LD_PRELOAD", buf, 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "cannot re-run %s under libumockdev-preload: %s (install umockdev)\n", argv[0],
	        strerror(errno));
	return false;
}

/* ---- the plate's hardware, for the firmware core ---- */

static int hal_adc_read(void *ctx, int32_t counts[PP_CHANNELS])
{
	emu_plug *p = ctx;
	emu_plate *e = p->e;
	if (p->person) {
		/* The person moves in 1 ms steps whatever the plate's rate. */
		poise_frame f;
		size_t n = 0;
		for (unsigned i = 0; i < 1000u / p->fw.rate_hz; i++)
			p->person->ops->read(p->person, &f, 1, &n, 0);
		for (unsigned c = 0; c < PP_CHANNELS; c++)
			counts[c] = emu_offsets[c] + (int32_t)lround(f.force_n[c] / emu_gains[c]);
	} else {
		for (unsigned c = 0; c < PP_CHANNELS; c++) {
			int32_t base = 100000 * (int32_t)(c + 1) * (c % 2 ? -1 : 1);
			counts[c] = base + (int32_t)((p->adc_k * 37u + c * 11u) % 5000u);
		}
	}
	if (e->over_left > 0) {
		e->over_left--;
		counts[e->over_channel % PP_CHANNELS] = PP_ADC_MAX;
	}
	p->adc_k++;
	return 0;
}

static int hal_flash_read(void *ctx, uint8_t *buf, size_t len)
{
	emu_plug *p = ctx;
	memcpy(buf, p->flash, len < PP_CALIB_SIZE ? len : PP_CALIB_SIZE);
	return 0;
}

static int hal_flash_write(void *ctx, const uint8_t *buf, size_t len)
{
	emu_plug *p = ctx;
	if (len != PP_CALIB_SIZE)
		return -1;
	memcpy(p->flash, buf, len);
	return 0;
}

/* ---- time ---- */

static mono_us host_now(void)
{
	return dev_now_us();
}

static uint64_t device_now(emu_plug *p)
{
	if (!p->e->cfg.realtime)
		return p->virt_us;
	double dt = (double)(host_now() - p->boot_us);
	return (uint64_t)(dt * (1.0 + p->e->cfg.clock_ppm * 1e-6));
}

/* ---- readiness: the FIFO is writable iff a URB can be reaped ---- */

static bool reapable(emu_plug *p)
{
	for (emu_urb *u = p->urbs; u; u = u->next) {
		if (u->done || p->gone)
			return true;
		struct usbdevfs_urb *k = (void *)u->urb->data;
		/* Fast mode answers an IN URB on demand while streaming. */
		if (!p->e->cfg.realtime && k->type != USBDEVFS_URB_TYPE_CONTROL && p->fw.streaming)
			return true;
	}
	return false;
}

static void update_ready(emu_plug *p)
{
	bool want = reapable(p);
	if (want == p->fifo_ready)
		return;
	char c = 1;
	if (want) {
		while (read(p->fifo_fd, &c, 1) == 1)
			;
	} else if (write(p->fifo_fd, &c, 1) != 1) {
		perror("emu: fifo");
	}
	p->fifo_ready = want;
}

/* ---- packets out of the firmware, with injected faults ---- */

static void log_frames(emu_plate *e, const uint8_t *b, int len)
{
	for (int off = 0; off + (int)PP_FRAME_SIZE <= len; off += PP_FRAME_SIZE) {
		pp_frame f;
		if (pp_frame_decode(b + off, PP_FRAME_SIZE, &f) != PP_OK || e->log_n >= e->log_cap)
			continue;
		emu_sent_frame *s = &e->log[e->log_n++];
		s->seq = f.seq;
		s->status = f.status;
		s->t_us = f.t_us;
		memcpy(s->counts, f.counts, sizeof s->counts);
	}
}

/* One packet from the firmware into pkt (faults applied); its length. */
static size_t next_packet(emu_plug *p, uint8_t *pkt)
{
	emu_plate *e = p->e;
	size_t n = pfw_next_packet(&p->fw, pkt, PP_EP_MAX_PACKET), out = 0;
	for (size_t off = 0; off < n; off += PP_FRAME_SIZE) {
		if (e->drop_left > 0) {
			e->drop_left--;
			continue;
		}
		memmove(pkt + out, pkt + off, PP_FRAME_SIZE);
		if (e->corrupt_left > 0) {
			e->corrupt_left--;
			pkt[out + 20] ^= 0x5A; /* a count byte: only the CRC can tell */
		}
		out += PP_FRAME_SIZE;
	}
	return out;
}

/* Realtime: one USB frame (1 ms) of the interrupt endpoint. */
static void usb_frame_tick(emu_plug *p)
{
	pfw_poll(&p->fw, device_now(p));
	for (emu_urb *u = p->urbs; u; u = u->next) {
		struct usbdevfs_urb *k = (void *)u->urb->data;
		if (u->done || k->type == USBDEVFS_URB_TYPE_CONTROL)
			continue;
		if (pfw_queued(&p->fw) == 0 || u->filled + (int)PP_EP_MAX_PACKET > k->buffer_length)
			break;
		uint8_t pkt[PP_EP_MAX_PACKET];
		size_t n = next_packet(p, pkt);
		if (n == 0)
			break; /* everything in it was dropped on the wire */
		memcpy(u->buf->data + u->filled, pkt, n);
		u->filled += (int)n;
		/* A short packet or a full buffer ends the transfer. */
		if (n < PP_EP_MAX_PACKET || u->filled + (int)PP_EP_MAX_PACKET > k->buffer_length) {
			k->status = 0;
			u->done = true;
		}
		break; /* one packet per USB frame */
	}
	update_ready(p);
}

/* Fast: fill an IN URB completely, now. */
static void fill_now(emu_plug *p, emu_urb *u)
{
	struct usbdevfs_urb *k = (void *)u->urb->data;
	while (u->filled + (int)PP_EP_MAX_PACKET <= k->buffer_length) {
		size_t want = (size_t)(k->buffer_length - u->filled) / PP_FRAME_SIZE;
		while (pfw_queued(&p->fw) < want && pfw_queued(&p->fw) < PFW_QUEUE_FRAMES) {
			p->virt_us = pfw_next_due_us(&p->fw);
			pfw_poll(&p->fw, p->virt_us);
		}
		uint8_t pkt[PP_EP_MAX_PACKET];
		size_t n = next_packet(p, pkt);
		memcpy(u->buf->data + u->filled, pkt, n);
		u->filled += (int)n;
		if (n < PP_EP_MAX_PACKET && n > 0)
			break;
	}
	k->status = 0;
	u->done = true;
}

static void *usb_frame_thread(void *arg)
{
	emu_plate *e = arg;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (;;) {
		ts.tv_nsec += 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_nsec -= 1000000000;
			ts.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		pthread_mutex_lock(&e->mu);
		bool quit = e->quit;
		if (!quit && e->cur && !e->cur->gone)
			usb_frame_tick(e->cur);
		pthread_mutex_unlock(&e->mu);
		if (quit)
			return NULL;
		/* Fell far behind (a stopped debugger, a loaded machine)? Resume
		 * from now rather than racing through the missed frames. */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > ts.tv_sec + 1)
			ts = now;
	}
}

/* ---- the usbdevfs ioctls ---- */

static void complete(UMockdevIoctlClient *c, long res, int err)
{
	umockdev_ioctl_client_complete(c, res, err);
}

static const uint8_t *string_descriptor(emu_plug *p, unsigned idx, uint8_t *buf, size_t *len)
{
	const char *s = idx == 1 ? "Poise" : idx == 2 ? "Poise USB force plate" : idx == 3 ? p->e->serial : NULL;
	if (idx == 0) {
		buf[0] = 4, buf[1] = 3, buf[2] = 0x09, buf[3] = 0x04;
		*len = 4;
		return buf;
	}
	if (!s)
		return NULL;
	size_t n = strlen(s);
	buf[0] = (uint8_t)(2 + 2 * n);
	buf[1] = 3;
	for (size_t i = 0; i < n; i++)
		buf[2 + 2 * i] = (uint8_t)s[i], buf[3 + 2 * i] = 0;
	*len = 2 + 2 * n;
	return buf;
}

/* A control URB is answered at submit, like a device that is never slow. */
static void control_urb(emu_plug *p, emu_urb *u)
{
	struct usbdevfs_urb *k = (void *)u->urb->data;
	uint8_t *b = u->buf->data;
	pp_setup s;
	pp_setup_decode(b, &s);
	size_t cap = (size_t)k->buffer_length - 8, n = 0;
	int rc = PFW_STALL;
	if (s.request_type == 0x80 && s.request == 6 && (s.value >> 8) == 3) {
		uint8_t sd[80];
		const uint8_t *d = string_descriptor(p, s.value & 0xFF, sd, &n);
		if (d) {
			n = n < s.length ? n : s.length;
			n = n < cap ? n : cap;
			memcpy(b + 8, d, n);
			rc = PFW_OK;
		}
	} else if ((s.request_type & 0x60) == 0x40) {
		rc = pfw_control(&p->fw, &s, b + 8, cap, &n, device_now(p));
		if (rc == PFW_OK && !(s.request_type & 0x80))
			n = s.length;
	}
	k->status = rc == PFW_OK ? 0 : -EPIPE;
	k->actual_length = rc == PFW_OK ? (int)n : 0;
	u->done = true;
}

static void free_urb(emu_urb *u)
{
	g_object_unref(u->urb);
	g_object_unref(u->client);
	free(u);
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer data)
{
	(void)h;
	emu_plug *p = data;
	emu_plate *e = p->e;
	gulong req = umockdev_ioctl_client_get_request(c);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	pthread_mutex_lock(&e->mu);
	gboolean handled = TRUE;
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), NULL);
		*(guint32 *)d->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
		                      USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		complete(c, 0, 0);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned int), NULL);
		unsigned iface = *(unsigned int *)d->data;
		if (p->gone) {
			complete(c, -1, ENODEV);
		} else if (iface != 0) {
			complete(c, -1, EINVAL);
		} else if (p->claim_owner && p->claim_owner != c &&
		           umockdev_ioctl_client_get_connected(p->claim_owner)) {
			complete(c, -1, EBUSY);
		} else {
			if (p->claim_owner != c) {
				if (p->claim_owner)
					g_object_unref(p->claim_owner);
				p->claim_owner = g_object_ref(c);
			}
			complete(c, 0, 0);
		}
		break;
	}
	case USBDEVFS_RELEASEINTERFACE:
		if (p->claim_owner == c) {
			g_object_unref(p->claim_owner);
			p->claim_owner = NULL;
		}
		complete(c, p->gone ? -1 : 0, p->gone ? ENODEV : 0);
		break;
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
		complete(c, p->gone ? -1 : 0, p->gone ? ENODEV : 0);
		break;
	case USBDEVFS_SUBMITURB: {
		if (p->gone) {
			complete(c, -1, ENODEV);
			break;
		}
		UMockdevIoctlData *ud = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
		struct usbdevfs_urb *k = (void *)ud->data;
		bool control = k->type == USBDEVFS_URB_TYPE_CONTROL;
		bool in_ep = k->type == USBDEVFS_URB_TYPE_INTERRUPT && k->endpoint == PP_EP_IN;
		if ((!control && !in_ep) || k->buffer_length < (control ? 8 : (int)PP_EP_MAX_PACKET) ||
		    (in_ep && p->claim_owner != c)) {
			complete(c, -1, EINVAL);
			break;
		}
		emu_urb *u = calloc(1, sizeof *u);
		u->urb = g_object_ref(ud);
		u->buf = umockdev_ioctl_data_resolve(ud, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
		                                     (gsize)k->buffer_length, NULL);
		u->client = g_object_ref(c);
		emu_urb **tail = &p->urbs;
		while (*tail)
			tail = &(*tail)->next;
		*tail = u;
		if (control)
			control_urb(p, u);
		update_ready(p);
		complete(c, 0, 0);
		break;
	}
	case USBDEVFS_DISCARDURB: {
		gulong addr = *(gulong *)arg->data;
		emu_urb *u = p->urbs;
		while (u && (u->urb->client_addr != addr || u->done))
			u = u->next;
		if (!u) {
			complete(c, -1, EINVAL);
			break;
		}
		struct usbdevfs_urb *k = (void *)u->urb->data;
		k->status = -ENOENT;
		k->actual_length = u->filled;
		u->done = true;
		update_ready(p);
		complete(c, 0, 0);
		break;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY: {
		/* Completed URBs come back in completion order; a device that is
		 * gone kills the rest; fast mode fills the oldest IN URB on demand. */
		emu_urb **pu = &p->urbs;
		while (*pu && ((*pu)->client != c || !(*pu)->done))
			pu = &(*pu)->next;
		if (!*pu) {
			pu = &p->urbs;
			while (*pu && (*pu)->client != c)
				pu = &(*pu)->next;
			emu_urb *first = *pu;
			if (first && p->gone) {
				struct usbdevfs_urb *k = (void *)first->urb->data;
				k->status = -ESHUTDOWN;
				k->actual_length = 0;
				first->done = true;
			} else if (first && !e->cfg.realtime && p->fw.streaming) {
				struct usbdevfs_urb *k = (void *)first->urb->data;
				if (k->type != USBDEVFS_URB_TYPE_CONTROL)
					fill_now(p, first);
			}
			if (!first || !first->done) {
				update_ready(p);
				complete(c, -1, p->gone && !first ? ENODEV : EAGAIN);
				break;
			}
		}
		emu_urb *u = *pu;
		*pu = u->next;
		struct usbdevfs_urb *k = (void *)u->urb->data;
		if (k->type != USBDEVFS_URB_TYPE_CONTROL && k->status == 0) {
			k->actual_length = u->filled;
			log_frames(e, u->buf->data, u->filled);
		}
		UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), NULL);
		umockdev_ioctl_data_set_ptr(ptr, 0, u->urb);
		update_ready(p);
		complete(c, 0, 0);
		free_urb(u);
		break;
	}
	default:
		handled = FALSE;
		break;
	}
	pthread_mutex_unlock(&e->mu);
	return handled;
}

/* ---- plugging ---- */

static char *descriptors_hex(void)
{
	static const uint8_t d[] = {
		/* device: USB 2.0, class per interface, EP0 64, VID, PID,
		 * bcdDevice 1.00, strings 1 2 3, one configuration */
		18, 1, 0x00, 0x02, 0, 0, 0, 64, PP_USB_VID & 0xFF, PP_USB_VID >> 8, PP_USB_PID & 0xFF,
		PP_USB_PID >> 8, 0x00, 0x01, 1, 2, 3, 1,
		/* configuration: 25 bytes, 1 interface, value 1, bus powered 100 mA */
		9, 2, 25, 0, 1, 1, 0, 0x80, 50,
		/* interface 0: vendor class, subclass 'P', protocol 1, 1 endpoint */
		9, 4, 0, 0, 1, PP_IF_CLASS, PP_IF_SUBCLASS, PP_IF_PROTOCOL, 0,
		/* endpoint 0x81: interrupt IN, 64 bytes, every 1 ms */
		7, 5, PP_EP_IN, 3, PP_EP_MAX_PACKET, 0, PP_EP_INTERVAL_MS};
	char *s = malloc(2 * sizeof d + 1);
	for (size_t i = 0; i < sizeof d; i++)
		sprintf(s + 2 * i, "%02x", d[i]);
	return s;
}

static void plug_free(emu_plug *p)
{
	while (p->urbs) {
		emu_urb *u = p->urbs;
		p->urbs = u->next;
		free_urb(u);
	}
	if (p->claim_owner)
		g_object_unref(p->claim_owner);
	if (p->fifo_fd >= 0)
		close(p->fifo_fd);
	dev_close(p->person);
	if (p->handler)
		g_object_unref(p->handler);
	free(p);
}

/* Called with the mutex NOT held (umockdev calls). */
static int plug_in(emu_plate *e)
{
	if (e->n_plugs >= EMU_MAX_PLUGS)
		return -1;
	emu_plug *p = calloc(1, sizeof *p);
	p->e = e;
	p->fifo_fd = -1;
	p->devnum = 2 + e->n_plugs;
	snprintf(p->devnode, sizeof p->devnode, "/dev/bus/usb/001/%03d", p->devnum);
	/* The flash, as the factory calibration left it. */
	pp_calib cal = {.calibrated_at_s = 1700000000u};
	memcpy(cal.offset_counts, emu_offsets, sizeof cal.offset_counts);
	memcpy(cal.gain_n_per_count, emu_gains, sizeof cal.gain_n_per_count);
	pp_calib_encode(&cal, p->flash);
	if (e->cfg.calib == EMU_CALIB_CORRUPT)
		p->flash[10] ^= 0x01;
	else if (e->cfg.calib == EMU_CALIB_BLANK)
		memset(p->flash, 0xFF, sizeof p->flash);
	pp_info id = {.proto_major = PP_VERSION_MAJOR,
	              .proto_minor = PP_VERSION_MINOR,
	              .fw_major = 1,
	              .spacing_ml_um = (uint32_t)(SIM_PLATE_WIDTH_MM * 1000),
	              .spacing_ap_um = (uint32_t)(SIM_PLATE_DEPTH_MM * 1000),
	              .default_rate_hz = e->cfg.default_rate_hz ? e->cfg.default_rate_hz : 1000,
	              .rates_hz = {100, 200, 500, 1000}};
	snprintf(id.serial, sizeof id.serial, "%s", e->serial);
	pfw_hal hal = {.ctx = p,
	               .adc_read = hal_adc_read,
	               .flash_read = hal_flash_read,
	               .flash_write = hal_flash_write};
	if (pfw_init(&p->fw, &hal, &id) != PFW_OK) {
		fprintf(stderr, "emu: the firmware core refused the identity\n");
		plug_free(p);
		return -1;
	}
	if (e->cfg.proto_major)
		p->fw.info.proto_major = e->cfg.proto_major; /* a newer plate */
	if (e->cfg.source == EMU_PERSON) {
		dev_open_cfg oc = {.seed = e->cfg.seed + (uint64_t)e->n_plugs, .rate_hz = 1000};
		if (sim_ops.open(&p->person, NULL, &oc) != 0 || sim_ops.start(p->person) != 0) {
			plug_free(p);
			return -1;
		}
	}
	p->boot_us = host_now();

	p->handler = umockdev_ioctl_base_new();
	g_signal_connect(p->handler, "handle-ioctl", G_CALLBACK(on_ioctl), p);
	GError *err = NULL;
	if (!umockdev_testbed_attach_ioctl(e->tb, p->devnode, p->handler, &err)) {
		fprintf(stderr, "emu: cannot attach to %s: %s\n", p->devnode, err ? err->message : "?");
		g_clear_error(&err);
		plug_free(p);
		return -1;
	}
	char *hex = descriptors_hex();
	char rec[2048];
	snprintf(rec, sizeof rec,
	         "P: /devices/pci0000:00/0000:00:14.0/usb1/1-1\n"
	         "N: bus/usb/001/%03d\n"
	         "E: SUBSYSTEM=usb\n"
	         "E: DEVTYPE=usb_device\n"
	         "E: DRIVER=usb\n"
	         "E: BUSNUM=001\n"
	         "E: DEVNUM=%03d\n"
	         "E: DEVNAME=%s\n"
	         "E: ID_VENDOR_ID=%04x\n"
	         "E: ID_MODEL_ID=%04x\n"
	         "E: ID_SERIAL_SHORT=%s\n"
	         "A: busnum=1\\n\n"
	         "A: devnum=%d\\n\n"
	         "A: speed=12\\n\n"
	         "A: bConfigurationValue=1\\n\n"
	         "A: idVendor=%04x\\n\n"
	         "A: idProduct=%04x\\n\n"
	         "A: serial=%s\\n\n"
	         "H: descriptors=%s\n",
	         p->devnum, p->devnum, p->devnode, PP_USB_VID, PP_USB_PID, e->serial, p->devnum,
	         PP_USB_VID, PP_USB_PID, e->serial, hex);
	free(hex);
	if (!umockdev_testbed_add_from_string(e->tb, rec, &err)) {
		fprintf(stderr, "emu: cannot add the device: %s\n", err ? err->message : "?");
		g_clear_error(&err);
		plug_free(p);
		return -1;
	}
	/* Replace the plain file umockdev made with a FIFO we control. */
	char node[1024];
	snprintf(node, sizeof node, "%s%s", e->root, p->devnode);
	unlink(node);
	if (mkfifo(node, 0666) != 0 || (p->fifo_fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(stderr, "emu: cannot make the device node %s: %s\n", node, strerror(errno));
		plug_free(p);
		return -1;
	}
	chmod(node, 0666);
	/* One page: a single byte then makes it unwritable. */
	fcntl(p->fifo_fd, F_SETPIPE_SZ, 4096);
	char c = 1;
	if (write(p->fifo_fd, &c, 1) != 1) {
		plug_free(p);
		return -1;
	}
	p->fifo_ready = false;
	pthread_mutex_lock(&e->mu);
	e->plugs[e->n_plugs++] = p;
	e->cur = p;
	pthread_mutex_unlock(&e->mu);
	return 0;
}

int emu_create(emu_plate **out, const emu_cfg *cfg)
{
	emu_plate *e = calloc(1, sizeof *e);
	if (!e)
		return -1;
	if (cfg)
		e->cfg = *cfg;
	snprintf(e->serial, sizeof e->serial, "%s", e->cfg.serial ? e->cfg.serial : "EMU-0001");
	e->log_cap = e->cfg.log_cap ? e->cfg.log_cap : (size_t)1 << 20;
	e->log = malloc(e->log_cap * sizeof *e->log);
	pthread_mutex_init(&e->mu, NULL);
	e->tb = umockdev_testbed_new();
	e->root = umockdev_testbed_get_root_dir(e->tb);
	chmod(e->root, 0755); /* so a test can look at it as another user */
	if (!e->log || plug_in(e) != 0) {
		emu_destroy(e);
		return -1;
	}
	if (e->cfg.realtime) {
		if (pthread_create(&e->thread, NULL, usb_frame_thread, e) != 0) {
			emu_destroy(e);
			return -1;
		}
		e->thread_on = true;
	}
	*out = e;
	return 0;
}

void emu_destroy(emu_plate *e)
{
	if (!e)
		return;
	if (e->thread_on) {
		pthread_mutex_lock(&e->mu);
		e->quit = true;
		pthread_mutex_unlock(&e->mu);
		pthread_join(e->thread, NULL);
	}
	for (int i = 0; i < e->n_plugs; i++) {
		emu_plug *p = e->plugs[i];
		GError *err = NULL;
		umockdev_testbed_detach_ioctl(e->tb, p->devnode, &err);
		g_clear_error(&err);
	}
	if (e->tb)
		g_object_unref(e->tb);
	for (int i = 0; i < e->n_plugs; i++)
		plug_free(e->plugs[i]);
	g_free(e->root);
	pthread_mutex_destroy(&e->mu);
	free(e->log);
	free(e);
}

void emu_inject(emu_plate *e, enum emu_fault f, unsigned n, unsigned channel)
{
	pthread_mutex_lock(&e->mu);
	if (f == EMU_CORRUPT)
		e->corrupt_left = n;
	else if (f == EMU_DROP)
		e->drop_left = n;
	else {
		e->over_left = n;
		e->over_channel = channel;
	}
	pthread_mutex_unlock(&e->mu);
}

void emu_unplug(emu_plate *e)
{
	pthread_mutex_lock(&e->mu);
	emu_plug *p = e->cur;
	if (!p || p->gone) {
		pthread_mutex_unlock(&e->mu);
		return;
	}
	p->gone = true;
	e->cur = NULL;
	update_ready(p);
	pthread_mutex_unlock(&e->mu);
	umockdev_testbed_uevent(e->tb, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1", "remove");
	umockdev_testbed_remove_device(e->tb, "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1");
}

int emu_replug(emu_plate *e)
{
	pthread_mutex_lock(&e->mu);
	bool plugged = e->cur != NULL;
	pthread_mutex_unlock(&e->mu);
	return plugged ? -1 : plug_in(e);
}

size_t emu_sent(emu_plate *e, emu_sent_frame *out, size_t max)
{
	pthread_mutex_lock(&e->mu);
	size_t n = e->log_n;
	if (out)
		memcpy(out, e->log, (n < max ? n : max) * sizeof *out);
	pthread_mutex_unlock(&e->mu);
	return n;
}

void emu_calibration(const emu_plate *e, pp_calib *out)
{
	(void)e;
	memset(out, 0, sizeof *out);
	memcpy(out->offset_counts, emu_offsets, sizeof out->offset_counts);
	memcpy(out->gain_n_per_count, emu_gains, sizeof out->gain_n_per_count);
	out->calibrated_at_s = 1700000000u;
}

const char *emu_devnode(const emu_plate *e)
{
	return e->cur ? e->cur->devnode : "";
}

const char *emu_root(const emu_plate *e)
{
	return e->root;
}
