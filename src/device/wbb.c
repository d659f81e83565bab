/* The Wii Balance Board through hid-wiimote's input device (see wbb.h). */
#include "device/wbb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libevdev/libevdev.h>

#include "core/error.h"
#include "device/dev_text.h"
#include "device/wbb_proto.h"

#define SYS_INPUT "/sys/class/input"

/* The kernel's axes in Poise's canonical cell order TL, TR, BL, BR. */
static const unsigned axis_of_cell[CELL_COUNT] = {ABS_HAT1X, ABS_HAT0X, ABS_HAT1Y, ABS_HAT0Y};

typedef struct wbb_dev {
	struct dev base;
	int fd;
	struct libevdev *ev;
	bool running;
	bool gone;          /* the node reported ENODEV: the board went away */
	bool gap;           /* SYN_DROPPED seen: the next frame carries FRAME_GAP */
	bool have_axis;     /* the current report carried a sensor value */
	bool battery_low;
	bool clock_mono;    /* EVIOCSCLOCKID took: event times are monotonic */
	int64_t real_to_mono_us; /* otherwise: add this to realtime stamps */
	uint32_t seq;
	char sys_dir[PATH_MAX]; /* /sys/class/input/eventN */
} wbb_dev;

/* Reads a small sysfs attribute into buf without the trailing newline.
 * Returns false if it cannot be read. */
static bool read_attr(const char *path, char *buf, size_t len)
{
	if (!dev_read_text(path, buf, len))
		return false;
	size_t n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return true;
}

/* The basename of the driver bound to the HID device above eventN, or "". */
static void driver_of(const char *sys_dir, char *out, size_t len)
{
	char path[PATH_MAX + 32], target[PATH_MAX];
	dev_fmt(path, sizeof path, "%s/device/device/driver", sys_dir);
	ssize_t n = readlink(path, target, sizeof target - 1);
	out[0] = 0;
	if (n <= 0)
		return;
	target[n] = 0;
	const char *base = strrchr(target, '/');
	dev_fmt(out, len, "%s", base ? base + 1 : target);
}

/* Battery capacity in percent from the kernel's power_supply under the HID
 * device, or -1 if it exposes none. (Reading it asks the board for a
 * status report over Bluetooth: done at open and start only.) */
static int battery_percent(const char *sys_dir)
{
	char path[PATH_MAX + 64];
	dev_fmt(path, sizeof path, "%s/device/device/power_supply", sys_dir);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int pct = -1;
	struct dirent *e;
	while ((e = readdir(d)) && pct < 0) {
		if (e->d_name[0] == '.')
			continue;
		char cap[PATH_MAX + 128], buf[16];
		dev_fmt(cap, sizeof cap, "%s/%s/capacity", path, e->d_name);
		if (read_attr(cap, buf, sizeof buf))
			pct = wbb_percent_from_text(buf);
	}
	closedir(d);
	return pct;
}

/* Checks the board's calibration block the kernel publishes (bboard_calib:
 * twelve 4-digit hex values, the four sensors at 0 kg, 17 kg, 34 kg, board
 * order). Returns POISE_OK if it is absent or sane, POISE_E_PROTOCOL with
 * *bad_cell set if it is corrupt. */
static int check_kernel_calib(const char *sys_dir, int *bad_cell)
{
	char path[PATH_MAX + 64], buf[128];
	*bad_cell = -1;
	dev_fmt(path, sizeof path, "%s/device/device/bboard_calib", sys_dir);
	if (!read_attr(path, buf, sizeof buf))
		return POISE_OK; /* older kernels do not publish it */
	uint8_t block[WBB_CALIB_LEN];
	if (wbb_calib_from_text(buf, block) != POISE_OK)
		return POISE_E_PROTOCOL;
	wbb_calib c;
	return wbb_parse_calib(block, sizeof block, &c, bad_cell);
}

/* Fills info for /sys/class/input/<event>; false if it is not a board.
 * *why (if not NULL) says why a board is unusable: POISE_OK (usable),
 * POISE_E_UNSUPPORTED (not hid-wiimote), POISE_E_PROTOCOL (corrupt
 * calibration), POISE_E_ACCESS or another error opening the node. */
static bool probe_event(const char *event, dev_info *info, int *why)
{
	int dummy;
	if (!why)
		why = &dummy;
	char sys_dir[PATH_MAX], path[PATH_MAX + 64], buf[512];
	dev_fmt(sys_dir, sizeof sys_dir, "%s/%s", SYS_INPUT, event);
	dev_fmt(path, sizeof path, "%s/device/name", sys_dir);
	if (!read_attr(path, buf, sizeof buf) || strcmp(buf, WBB_INPUT_NAME) != 0)
		return false;
	dev_fmt(path, sizeof path, "%s/device/capabilities/abs", sys_dir);
	if (!read_attr(path, buf, sizeof buf))
		return false;
	for (int c = 0; c < CELL_COUNT; c++)
		if (!wbb_caps_has_bit(buf, axis_of_cell[c]))
			return false;

	memset(info, 0, sizeof *info);
	dev_fmt(info->backend, sizeof info->backend, "wbb");
	dev_fmt(info->id, sizeof info->id, "/dev/input/%s", event);
	dev_fmt(info->name, sizeof info->name, "Wii Balance Board");
	dev_fmt(path, sizeof path, "%s/device/uniq", sys_dir);
	if (read_attr(path, buf, sizeof buf))
		dev_fmt(info->serial, sizeof info->serial, "%s", buf);
	info->rate_hz = 60; /* nominal: the board jitters between 30 and 100 Hz */
	info->rate_irregular = true;
	wbb_plate(0, &info->plate);

	char drv[64];
	driver_of(sys_dir, drv, sizeof drv);
	if (strcmp(drv, WBB_KERNEL_DRIVER) != 0) {
		dev_fmt(info->note, sizeof info->note,
		         "not driven by the kernel's hid-wiimote (driver '%s'): units unknown",
		         drv[0] ? drv : "none");
		*why = info->err = POISE_E_UNSUPPORTED;
		return true;
	}
	int bad;
	if (check_kernel_calib(sys_dir, &bad) != POISE_OK) {
		static const char *const names[CELL_COUNT] = {"top-left", "top-right", "bottom-left",
		                                              "bottom-right"};
		dev_fmt(info->note, sizeof info->note,
		    "the board's calibration block is corrupt%s%s%s: its forces would be wrong",
		    bad >= 0 ? " (sensor " : "", bad >= 0 ? names[bad] : "", bad >= 0 ? ")" : "");
		*why = info->err = POISE_E_PROTOCOL;
		return true;
	}
	if (access(info->id, R_OK) != 0) {
		*why = errno == EACCES || errno == EPERM ? POISE_E_ACCESS : POISE_E_NOT_FOUND;
		if (errno == EACCES || errno == EPERM)
			dev_fmt(info->note, sizeof info->note,
			         "permission denied on %s: install assets/udev/70-poise-wbb.rules "
			         "or join the input group (README)", info->id);
		else
			dev_fmt(info->note, sizeof info->note, "%s: %s", info->id, strerror(errno));
		info->err = *why;
		return true;
	}
	*why = POISE_OK;
	info->usable = true;
	return true;
}

static int wbb_enumerate(dev_info *out, size_t max, size_t *n_found)
{
	*n_found = 0;
	DIR *d = opendir(SYS_INPUT);
	if (!d)
		return POISE_OK; /* no input subsystem: no board */
	/* Sorted by event number, so "the first board" is stable. */
	unsigned nums[256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		unsigned k;
		char tail;
		if (sscanf(e->d_name, "event%u%c", &k, &tail) == 1)
			nums[n++] = k;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && nums[j - 1] > nums[j]; j--) {
			unsigned t = nums[j];
			nums[j] = nums[j - 1];
			nums[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		char name[32];
		dev_info info;
		dev_fmt(name, sizeof name, "event%u", nums[i]);
		if (!probe_event(name, &info, NULL))
			continue;
		if (*n_found < max)
			out[*n_found] = info;
		(*n_found)++;
	}
	return POISE_OK;
}

static int errno_to_poise(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return POISE_E_ACCESS;
	case ENOENT:
	case ENXIO:
		return POISE_E_NOT_FOUND;
	case ENODEV:
		return POISE_E_DISCONNECTED;
	case EBUSY:
		return POISE_E_BUSY;
	case ENOMEM:
		return POISE_E_NOMEM;
	default:
		return POISE_E_IO;
	}
}

static int wbb_open(dev **out, const dev_info *which, const dev_open_cfg *cfg)
{
	dev_info info;
	if (!which) {
		size_t n = 0;
		wbb_enumerate(&info, 1, &n);
		if (n == 0)
			return POISE_E_NOT_FOUND;
		which = &info;
	}
	if (strncmp(which->id, "/dev/input/", 11) != 0)
		return POISE_E_NOT_FOUND;
	cop_plate plate;
	if (wbb_plate(cfg ? cfg->plate_depth_mm : 0, &plate) != POISE_OK)
		return POISE_E_INVALID;

	wbb_dev *w = calloc(1, sizeof *w);
	if (!w)
		return POISE_E_NOMEM;
	w->fd = -1;
	w->base.ops = &wbb_ops;
	dev_fmt(w->sys_dir, sizeof w->sys_dir, "%s/%s", SYS_INPUT, which->id + 11);
	/* Re-probe: the node may have been given to another device since. */
	int rc = POISE_E_NOT_FOUND;
	if (!probe_event(which->id + 11, &w->base.info, &rc)) {
		rc = POISE_E_NOT_FOUND;
		goto fail;
	}
	if (rc != POISE_OK)
		goto fail;
	w->base.info.plate = plate;
	w->fd = open(which->id, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0) {
		rc = errno_to_poise(errno);
		goto fail;
	}
	rc = libevdev_new_from_fd(w->fd, &w->ev);
	if (rc < 0) {
		w->ev = NULL;
		rc = errno_to_poise(-rc);
		goto fail;
	}
	for (int c = 0; c < CELL_COUNT; c++)
		if (!libevdev_has_event_code(w->ev, EV_ABS, axis_of_cell[c])) {
			rc = POISE_E_PROTOCOL;
			goto fail;
		}
	int pct = battery_percent(w->sys_dir);
	w->battery_low = pct >= 0 && pct <= WBB_BATTERY_LOW_PERCENT;
	*out = &w->base;
	return POISE_OK;
fail:
	wbb_ops.close(&w->base);
	return rc;
}

static int wbb_start(dev *d)
{
	wbb_dev *w = (wbb_dev *)d;
	if (w->gone)
		return POISE_E_DISCONNECTED;
	/* Event times on the clock of dev_now_us(). */
	w->clock_mono = libevdev_set_clock_id(w->ev, CLOCK_MONOTONIC) == 0;
	if (!w->clock_mono) {
		struct timespec r, m;
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m);
		w->real_to_mono_us = ((int64_t)m.tv_sec - r.tv_sec) * 1000000 +
		                     ((int64_t)m.tv_nsec - r.tv_nsec) / 1000;
	}
	int pct = battery_percent(w->sys_dir);
	w->battery_low = pct >= 0 && pct <= WBB_BATTERY_LOW_PERCENT;
	w->running = true;
	w->have_axis = false;
	return POISE_OK;
}

static int wbb_stop(dev *d)
{
	((wbb_dev *)d)->running = false;
	return POISE_OK;
}

static void wbb_close(dev *d)
{
	wbb_dev *w = (wbb_dev *)d;
	if (!w)
		return;
	libevdev_free(w->ev);
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

static mono_us event_time_us(const wbb_dev *w, const struct input_event *e)
{
	int64_t t = (int64_t)e->input_event_sec * 1000000 + e->input_event_usec;
	if (!w->clock_mono)
		t += w->real_to_mono_us;
	return t < 0 ? 0 : (mono_us)t;
}

static void make_frame(wbb_dev *w, const struct input_event *syn, poise_frame *f)
{
	f->t_us = event_time_us(w, syn);
	f->seq = w->seq++;
	f->flags = (w->gap ? FRAME_GAP : 0) | (w->battery_low ? FRAME_BATTERY_LOW : 0);
	w->gap = false;
	for (int c = 0; c < CELL_COUNT; c++) {
		int units = libevdev_get_event_value(w->ev, EV_ABS, axis_of_cell[c]);
		f->force_n[c] = units * WBB_KERNEL_KG_PER_UNIT * WBB_G_M_S2;
	}
}

static int wbb_read(dev *d, poise_frame *out, size_t max, size_t *n_read, int timeout_ms)
{
	wbb_dev *w = (wbb_dev *)d;
	*n_read = 0;
	if (w->gone)
		return POISE_E_DISCONNECTED;
	if (!w->running)
		return POISE_E_STATE;
	mono_us deadline = dev_now_us() + (mono_us)(timeout_ms > 0 ? timeout_ms : 0) * 1000u;
	unsigned flag = LIBEVDEV_READ_FLAG_NORMAL;
	while (*n_read < max) {
		struct input_event e;
		int rc = libevdev_next_event(w->ev, flag, &e);
		if (rc == LIBEVDEV_READ_STATUS_SYNC) {
			/* SYN_DROPPED: the kernel's buffer overflowed. libevdev
			 * replays the state it lost; the next frame is flagged. */
			w->gap = true;
			flag = LIBEVDEV_READ_FLAG_SYNC;
			if (e.type == EV_ABS)
				w->have_axis = true;
			continue;
		}
		if (rc == LIBEVDEV_READ_STATUS_SUCCESS) {
			if (e.type == EV_ABS) {
				w->have_axis = true;
			} else if (e.type == EV_SYN && e.code == SYN_REPORT) {
				if (w->have_axis)
					make_frame(w, &e, &out[(*n_read)++]);
				w->have_axis = false;
			} else if (e.type == EV_SYN && e.code == SYN_DROPPED) {
				w->gap = true;
				w->have_axis = false;
			}
			continue;
		}
		if (rc == -EAGAIN) {
			if (flag == LIBEVDEV_READ_FLAG_SYNC) { /* resync done */
				flag = LIBEVDEV_READ_FLAG_NORMAL;
				continue;
			}
			if (*n_read > 0)
				return POISE_OK;
			mono_us now = dev_now_us();
			if (now >= deadline)
				return POISE_OK;
			struct pollfd p = {.fd = w->fd, .events = POLLIN};
			int wait_ms = (int)((deadline - now + 999) / 1000);
			int pr = poll(&p, 1, wait_ms);
			if (pr < 0 && errno != EINTR)
				return POISE_E_IO;
			if (pr == 0)
				return POISE_OK;
			continue; /* readable, or hung up: the read says which */
		}
		/* A read error. ENODEV: the board was switched off, ran out of
		 * battery or went out of range; every complete frame read so far
		 * is in out[]. A half report (no EV_SYN yet) is not a frame. */
		if (rc == -ENODEV) {
			w->gone = true;
			return POISE_E_DISCONNECTED;
		}
		return POISE_E_IO;
	}
	return POISE_OK;
}

const struct dev_ops wbb_ops = {
	.name = "wbb",
	.label = "Wii Balance Board",
	.description = "Wii Balance Board (Bluetooth, through the kernel's hid-wiimote driver)",
	.enumerate = wbb_enumerate,
	.open = wbb_open,
	.start = wbb_start,
	.read = wbb_read,
	.stop = wbb_stop,
	.close = wbb_close,
};
