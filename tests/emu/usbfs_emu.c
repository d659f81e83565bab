/* The usbdevfs side of an emulated USB device: see usbfs_emu.h. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include "usbfs_emu.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <umockdev.h>
#include <unistd.h>

/* ASan must come first among the loaded libraries unless told otherwise:
 * here libumockdev-preload is preloaded ahead of it on purpose. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "verify_asan_link_order=0";
}

#define MAX_PLUGS 32
#define MAX_IFACES 4
#define SYSFS_PATH "/devices/pci0000:00/0000:00:14.0/usb1/1-1"

typedef struct urb_node {
	ufs_urb pub;
	UMockdevIoctlData *urb; /* resolved struct usbdevfs_urb (our ref) */
	UMockdevIoctlData *buf; /* its resolved buffer (owned by urb) */
	UMockdevIoctlClient *client;
	uint64_t done_seq;      /* completion order; 0 while not done */
	struct urb_node *next;
} urb_node;

typedef struct plug {
	ufs *u;
	UMockdevIoctlBase *handler;
	int devnum;
	char devnode[64];
	int fifo_fd;
	bool fifo_ready;
	bool gone;
	UMockdevIoctlClient *owner[MAX_IFACES]; /* our refs while claimed */
	urb_node *urbs; /* submitted, in order */
} plug;

struct ufs {
	ufs_cfg cfg;
	UMockdevTestbed *tb;
	char *root;
	pthread_mutex_t mu;
	plug *plugs[MAX_PLUGS];
	int n_plugs;
	plug *cur;
	bool kernel_bound;
	uint64_t done_counter;
	pthread_t ticker;
	bool ticker_on, quit;
	void (*tick)(void *ctx);
	void *tick_ctx;
};

bool ufs_ensure_preload(char **argv)
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

void ufs_lock(ufs *u)
{
	pthread_mutex_lock(&u->mu);
}

void ufs_unlock(ufs *u)
{
	pthread_mutex_unlock(&u->mu);
}

/* ---- readiness: the FIFO is writable iff a URB can be reaped ---- */

static bool reapable(plug *p)
{
	ufs *u = p->u;
	for (urb_node *n = p->urbs; n; n = n->next) {
		if (n->pub.done || p->gone)
			return true;
		if ((n->pub.endpoint & 0x80) && n->pub.type != USBDEVFS_URB_TYPE_CONTROL &&
		    u->cfg.cb.fills_on_demand && u->cfg.cb.fills_on_demand(u->cfg.cb.ctx))
			return true;
	}
	return false;
}

static void update_ready(plug *p)
{
	bool want = reapable(p);
	if (want == p->fifo_ready)
		return;
	char c = 1;
	if (want) {
		while (read(p->fifo_fd, &c, 1) == 1)
			;
	} else if (write(p->fifo_fd, &c, 1) != 1) {
		perror("usbfs emu: fifo");
	}
	p->fifo_ready = want;
}

static void mark_done(ufs *u, urb_node *n)
{
	if (n->pub.done && !n->done_seq)
		n->done_seq = ++u->done_counter;
}

static bool is_in(const urb_node *n)
{
	return n->pub.type != USBDEVFS_URB_TYPE_CONTROL && (n->pub.endpoint & 0x80);
}

void ufs_kick(ufs *u)
{
	plug *p = u->cur;
	if (!p || p->gone)
		return;
	for (urb_node *n = p->urbs; n; n = n->next)
		if (is_in(n) && !n->pub.done) {
			u->cfg.cb.fill(u->cfg.cb.ctx, &n->pub, false);
			mark_done(u, n);
		}
	update_ready(p);
}

/* ---- the usbdevfs ioctls ---- */

static void complete(UMockdevIoctlClient *c, long res, int err)
{
	umockdev_ioctl_client_complete(c, res, err);
}

static void free_urb(urb_node *n)
{
	g_object_unref(n->urb);
	g_object_unref(n->client);
	free(n);
}

/* The standard GET_DESCRIPTOR(string) request, from cfg.strings. */
static bool string_request(ufs *u, ufs_urb *r, size_t *actual)
{
	const uint8_t *s = r->data;
	unsigned idx = s[2], type = s[3];
	uint16_t want = (uint16_t)(s[6] | s[7] << 8);
	if (!(s[0] == 0x80 && s[1] == 6 && type == 3))
		return false;
	uint8_t d[2 + 2 * 64];
	size_t n;
	if (idx == 0) {
		d[0] = 4, d[1] = 3, d[2] = 0x09, d[3] = 0x04;
		n = 4;
	} else {
		const char *str = idx <= 4 ? u->cfg.strings[idx - 1] : NULL;
		if (!str)
			return true; /* *actual stays SIZE_MAX: stall */
		size_t len = strlen(str) > 64 ? 64 : strlen(str);
		d[0] = (uint8_t)(2 + 2 * len);
		d[1] = 3;
		for (size_t i = 0; i < len; i++)
			d[2 + 2 * i] = (uint8_t)str[i], d[3 + 2 * i] = 0;
		n = 2 + 2 * len;
	}
	size_t cap = (size_t)r->length - 8;
	n = n < want ? n : want;
	n = n < cap ? n : cap;
	memcpy(r->data + 8, d, n);
	*actual = n;
	return true;
}

static void control_urb(ufs *u, urb_node *n)
{
	size_t actual = SIZE_MAX;
	int rc;
	if (string_request(u, &n->pub, &actual))
		rc = actual == SIZE_MAX ? -EPIPE : 0;
	else
		rc = u->cfg.cb.control(u->cfg.cb.ctx, &n->pub, &actual);
	struct usbdevfs_urb *k = (void *)n->urb->data;
	k->status = rc;
	k->actual_length = rc == 0 ? (int)actual : 0;
	n->pub.done = true;
	n->pub.status = rc;
	mark_done(u, n);
}

static bool listed(const uint8_t *eps, uint8_t ep)
{
	for (int i = 0; i < 4; i++)
		if (eps[i] && eps[i] == ep)
			return true;
	return false;
}

static bool owner_connected(plug *p, unsigned iface)
{
	return p->owner[iface] && umockdev_ioctl_client_get_connected(p->owner[iface]);
}

static void on_submit(plug *p, UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	ufs *u = p->u;
	if (p->gone) {
		complete(c, -1, ENODEV);
		return;
	}
	UMockdevIoctlData *ud = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
	struct usbdevfs_urb *k = (void *)ud->data;
	bool control = k->type == USBDEVFS_URB_TYPE_CONTROL;
	bool in = !control && (k->endpoint & 0x80) && listed(u->cfg.cb.in_eps, k->endpoint);
	bool out = !control && !(k->endpoint & 0x80) && listed(u->cfg.cb.out_eps, k->endpoint) &&
	           u->cfg.cb.out;
	if ((!control && !in && !out) || k->buffer_length < (control ? 8 : 1) ||
	    (!control && p->owner[0] != c)) {
		complete(c, -1, EINVAL);
		return;
	}
	urb_node *n = calloc(1, sizeof *n);
	n->urb = g_object_ref(ud);
	n->buf = umockdev_ioctl_data_resolve(ud, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer),
	                                     (gsize)k->buffer_length, NULL);
	n->client = g_object_ref(c);
	n->pub = (ufs_urb){.type = k->type, .endpoint = k->endpoint, .data = n->buf->data,
	                   .length = k->buffer_length};
	urb_node **tail = &p->urbs;
	while (*tail)
		tail = &(*tail)->next;
	*tail = n;
	if (control) {
		control_urb(u, n);
	} else if (out) {
		u->cfg.cb.out(u->cfg.cb.ctx, &n->pub);
		k->status = 0;
		k->actual_length = k->buffer_length;
		n->pub.done = true;
		mark_done(u, n);
	} else {
		u->cfg.cb.fill(u->cfg.cb.ctx, &n->pub, false);
		mark_done(u, n);
	}
	update_ready(p);
	complete(c, 0, 0);
}

static void on_reap(plug *p, UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	ufs *u = p->u;
	/* The client's URB that completed first; a device that is gone kills
	 * the rest; a device may fill the oldest IN URB on demand. */
	urb_node **best = NULL;
	for (urb_node **pn = &p->urbs; *pn; pn = &(*pn)->next)
		if ((*pn)->client == c && (*pn)->pub.done && (!best || (*pn)->done_seq < (*best)->done_seq))
			best = pn;
	if (!best) {
		urb_node **pn = &p->urbs;
		while (*pn && (*pn)->client != c)
			pn = &(*pn)->next;
		urb_node *first = *pn;
		if (first && p->gone) {
			struct usbdevfs_urb *k = (void *)first->urb->data;
			k->status = first->pub.status = -ESHUTDOWN;
			k->actual_length = first->pub.filled = 0;
			first->pub.done = true;
			mark_done(u, first);
			best = pn;
		} else if (first && is_in(first)) {
			u->cfg.cb.fill(u->cfg.cb.ctx, &first->pub, true);
			mark_done(u, first);
			if (first->pub.done)
				best = pn;
		}
		if (!best) {
			update_ready(p);
			complete(c, -1, p->gone && !first ? ENODEV : EAGAIN);
			return;
		}
	}
	urb_node *n = *best;
	*best = n->next;
	struct usbdevfs_urb *k = (void *)n->urb->data;
	if (is_in(n)) {
		k->status = n->pub.status;
		k->actual_length = n->pub.filled;
		if (n->pub.status == 0 && u->cfg.cb.reaped)
			u->cfg.cb.reaped(u->cfg.cb.ctx, &n->pub);
	}
	UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), NULL);
	umockdev_ioctl_data_set_ptr(ptr, 0, n->urb);
	update_ready(p);
	complete(c, 0, 0);
	free_urb(n);
}

static void on_discard(plug *p, UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	gulong addr = *(gulong *)arg->data;
	urb_node *n = p->urbs;
	while (n && (n->urb->client_addr != addr || n->pub.done))
		n = n->next;
	if (!n) {
		complete(c, -1, EINVAL);
		return;
	}
	struct usbdevfs_urb *k = (void *)n->urb->data;
	k->status = -ENOENT;
	k->actual_length = n->pub.filled;
	n->pub.done = true;
	n->pub.status = -ENOENT;
	mark_done(p->u, n);
	update_ready(p);
	complete(c, 0, 0);
}

static void on_claim(plug *p, UMockdevIoctlClient *c, UMockdevIoctlData *arg, bool claim)
{
	ufs *u = p->u;
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(unsigned int), NULL);
	unsigned iface = *(unsigned int *)d->data;
	if (p->gone) {
		complete(c, -1, ENODEV);
	} else if (iface >= u->cfg.n_ifaces || iface >= MAX_IFACES) {
		complete(c, -1, EINVAL);
	} else if (!claim) {
		if (p->owner[iface] == c) {
			g_object_unref(p->owner[iface]);
			p->owner[iface] = NULL;
		}
		complete(c, 0, 0);
	} else if ((iface == 0 && u->kernel_bound) ||
	           (p->owner[iface] && p->owner[iface] != c && owner_connected(p, iface))) {
		complete(c, -1, EBUSY);
	} else {
		if (p->owner[iface] != c) {
			if (p->owner[iface])
				g_object_unref(p->owner[iface]);
			p->owner[iface] = g_object_ref(c);
		}
		complete(c, 0, 0);
	}
}

static void on_getdriver(plug *p, UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	ufs *u = p->u;
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_getdriver), NULL);
	struct usbdevfs_getdriver *g = (void *)d->data;
	const char *name = NULL;
	if (g->interface == 0 && u->kernel_bound)
		name = u->cfg.kernel_driver;
	else if (g->interface < MAX_IFACES && owner_connected(p, g->interface))
		name = "usbfs";
	if (p->gone) {
		complete(c, -1, ENODEV);
	} else if (!name) {
		complete(c, -1, ENODATA);
	} else {
		snprintf(g->driver, sizeof g->driver, "%s", name);
		complete(c, 0, 0);
	}
}

/* USBDEVFS_IOCTL: the kernel driver's DISCONNECT and CONNECT. */
static void on_driver_ioctl(plug *p, UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	ufs *u = p->u;
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_ioctl), NULL);
	struct usbdevfs_ioctl *io = (void *)d->data;
	if (p->gone) {
		complete(c, -1, ENODEV);
	} else if (io->ifno < 0 || io->ifno >= MAX_IFACES) {
		complete(c, -1, EINVAL);
	} else if (io->ioctl_code == (int)USBDEVFS_DISCONNECT) {
		if (io->ifno == 0 && u->kernel_bound) {
			u->kernel_bound = false;
			complete(c, 0, 0);
		} else {
			complete(c, -1, ENODATA);
		}
	} else if (io->ioctl_code == (int)USBDEVFS_CONNECT) {
		if (owner_connected(p, (unsigned)io->ifno))
			complete(c, -1, EBUSY);
		else if (io->ifno == 0 && !u->kernel_bound && u->cfg.kernel_driver && u->cfg.driver_loaded) {
			u->kernel_bound = true;
			complete(c, 1, 0);
		} else {
			complete(c, 0, 0); /* no driver wants it */
		}
	} else {
		complete(c, -1, ENOTTY);
	}
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *c, gpointer data)
{
	(void)h;
	plug *p = data;
	ufs *u = p->u;
	gulong req = umockdev_ioctl_client_get_request(c);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c);
	pthread_mutex_lock(&u->mu);
	gboolean handled = TRUE;
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), NULL);
		*(guint32 *)d->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
		                      USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		complete(c, 0, 0);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE:
		on_claim(p, c, arg, true);
		break;
	case USBDEVFS_RELEASEINTERFACE:
		on_claim(p, c, arg, false);
		break;
	case USBDEVFS_GETDRIVER:
		on_getdriver(p, c, arg);
		break;
	case USBDEVFS_IOCTL:
		on_driver_ioctl(p, c, arg);
		break;
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
		complete(c, p->gone ? -1 : 0, p->gone ? ENODEV : 0);
		break;
	case USBDEVFS_SUBMITURB:
		on_submit(p, c, arg);
		break;
	case USBDEVFS_DISCARDURB:
		on_discard(p, c, arg);
		break;
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		on_reap(p, c, arg);
		break;
	default:
		handled = FALSE;
		break;
	}
	pthread_mutex_unlock(&u->mu);
	return handled;
}

/* ---- plugging ---- */

static void plug_free(plug *p)
{
	while (p->urbs) {
		urb_node *n = p->urbs;
		p->urbs = n->next;
		free_urb(n);
	}
	for (int i = 0; i < MAX_IFACES; i++)
		if (p->owner[i])
			g_object_unref(p->owner[i]);
	if (p->fifo_fd >= 0)
		close(p->fifo_fd);
	if (p->handler)
		g_object_unref(p->handler);
	free(p);
}

/* Called with the mutex NOT held (umockdev calls). */
static int plug_in(ufs *u)
{
	if (u->n_plugs >= MAX_PLUGS)
		return -1;
	plug *p = calloc(1, sizeof *p);
	p->u = u;
	p->fifo_fd = -1;
	p->devnum = 2 + u->n_plugs;
	snprintf(p->devnode, sizeof p->devnode, "/dev/bus/usb/001/%03d", p->devnum);
	p->handler = umockdev_ioctl_base_new();
	g_signal_connect(p->handler, "handle-ioctl", G_CALLBACK(on_ioctl), p);
	GError *err = NULL;
	if (!umockdev_testbed_attach_ioctl(u->tb, p->devnode, p->handler, &err)) {
		fprintf(stderr, "usbfs emu: cannot attach to %s: %s\n", p->devnode, err ? err->message : "?");
		g_clear_error(&err);
		plug_free(p);
		return -1;
	}
	char *hex = malloc(2 * u->cfg.descriptors_len + 1);
	for (size_t i = 0; i < u->cfg.descriptors_len; i++)
		sprintf(hex + 2 * i, "%02x", u->cfg.descriptors[i]);
	hex[2 * u->cfg.descriptors_len] = 0;
	const char *serial = u->cfg.serial ? u->cfg.serial : "";
	char rec[4096];
	snprintf(rec, sizeof rec,
	         "P: " SYSFS_PATH "\n"
	         "N: bus/usb/001/%03d\n"
	         "E: SUBSYSTEM=usb\n"
	         "E: DEVTYPE=usb_device\n"
	         "E: DRIVER=usb\n"
	         "E: BUSNUM=001\n"
	         "E: DEVNUM=%03d\n"
	         "E: DEVNAME=%s\n"
	         "E: ID_VENDOR_ID=%04x\n"
	         "E: ID_MODEL_ID=%04x\n"
	         "A: busnum=1\\n\n"
	         "A: devnum=%d\\n\n"
	         "A: speed=12\\n\n"
	         "A: bConfigurationValue=1\\n\n"
	         "A: idVendor=%04x\\n\n"
	         "A: idProduct=%04x\\n\n"
	         "%s%s%s"
	         "H: descriptors=%s\n",
	         p->devnum, p->devnum, p->devnode, u->cfg.vid, u->cfg.pid, p->devnum, u->cfg.vid,
	         u->cfg.pid, u->cfg.serial ? "A: serial=" : "", serial, u->cfg.serial ? "\\n\n" : "",
	         hex);
	free(hex);
	if (!umockdev_testbed_add_from_string(u->tb, rec, &err)) {
		fprintf(stderr, "usbfs emu: cannot add the device: %s\n", err ? err->message : "?");
		g_clear_error(&err);
		plug_free(p);
		return -1;
	}
	/* Replace the plain file umockdev made with a FIFO we control. */
	char node[1024];
	snprintf(node, sizeof node, "%s%s", u->root, p->devnode);
	unlink(node);
	if (mkfifo(node, 0666) != 0 || (p->fifo_fd = open(node, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(stderr, "usbfs emu: cannot make the device node %s: %s\n", node, strerror(errno));
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
	pthread_mutex_lock(&u->mu);
	u->plugs[u->n_plugs++] = p;
	u->cur = p;
	u->kernel_bound = u->cfg.kernel_driver != NULL;
	pthread_mutex_unlock(&u->mu);
	return 0;
}

int ufs_create(ufs **out, const ufs_cfg *cfg)
{
	ufs *u = calloc(1, sizeof *u);
	if (!u)
		return -1;
	u->cfg = *cfg;
	pthread_mutex_init(&u->mu, NULL);
	u->tb = umockdev_testbed_new();
	u->root = umockdev_testbed_get_root_dir(u->tb);
	chmod(u->root, 0755); /* so a test can look at it as another user */
	if (plug_in(u) != 0) {
		ufs_destroy(u);
		return -1;
	}
	*out = u;
	return 0;
}

static void *ticker_main(void *arg)
{
	ufs *u = arg;
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
		pthread_mutex_lock(&u->mu);
		bool quit = u->quit;
		if (!quit && u->cur && !u->cur->gone)
			u->tick(u->tick_ctx);
		pthread_mutex_unlock(&u->mu);
		if (quit)
			return NULL;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > ts.tv_sec + 1)
			ts = now;
	}
}

int ufs_start_ticker(ufs *u, void (*tick)(void *ctx), void *ctx)
{
	if (u->ticker_on)
		return -1;
	u->tick = tick;
	u->tick_ctx = ctx;
	if (pthread_create(&u->ticker, NULL, ticker_main, u) != 0)
		return -1;
	u->ticker_on = true;
	return 0;
}

void ufs_destroy(ufs *u)
{
	if (!u)
		return;
	if (u->ticker_on) {
		pthread_mutex_lock(&u->mu);
		u->quit = true;
		pthread_mutex_unlock(&u->mu);
		pthread_join(u->ticker, NULL);
	}
	for (int i = 0; i < u->n_plugs; i++) {
		GError *err = NULL;
		umockdev_testbed_detach_ioctl(u->tb, u->plugs[i]->devnode, &err);
		g_clear_error(&err);
	}
	if (u->tb)
		g_object_unref(u->tb);
	for (int i = 0; i < u->n_plugs; i++)
		plug_free(u->plugs[i]);
	g_free(u->root);
	pthread_mutex_destroy(&u->mu);
	free(u);
}

void ufs_unplug(ufs *u)
{
	pthread_mutex_lock(&u->mu);
	plug *p = u->cur;
	if (!p || p->gone) {
		pthread_mutex_unlock(&u->mu);
		return;
	}
	p->gone = true;
	u->cur = NULL;
	update_ready(p);
	pthread_mutex_unlock(&u->mu);
	umockdev_testbed_uevent(u->tb, "/sys" SYSFS_PATH, "remove");
	umockdev_testbed_remove_device(u->tb, "/sys" SYSFS_PATH);
}

int ufs_replug(ufs *u)
{
	pthread_mutex_lock(&u->mu);
	bool plugged = u->cur != NULL;
	pthread_mutex_unlock(&u->mu);
	return plugged ? -1 : plug_in(u);
}

bool ufs_present(const ufs *u)
{
	return u->cur != NULL;
}

bool ufs_kernel_bound(const ufs *u)
{
	return u->kernel_bound;
}

const char *ufs_devnode(const ufs *u)
{
	return u->cur ? u->cur->devnode : "";
}

const char *ufs_root(const ufs *u)
{
	return u->root;
}
