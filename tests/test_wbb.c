/* The Wii Balance Board backend against an emulated board: umockdev builds
 * the sysfs tree hid-wiimote would (HID device bound to "wiimote", its
 * input device, the event node, the battery) and answers the evdev ioctls,
 * so the real backend runs the real libevdev on a real file descriptor.
 * Events are either replayed from a recording in evemu format
 * (tests/data/wbb_stand.evemu) or written by the test; a disconnect makes
 * the node's reads fail with ENODEV, as the kernel does when the board is
 * switched off.
 *
 * Runs under the umockdev preload (LD_PRELOAD, set in tests/CMakeLists.txt
 * for this test only). */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_assert.h"
#include "test_util.h"

#include <umockdev.h>

#include "core/error.h"
#include "device/acq.h"
#include "device/device.h"
#include "device/wbb.h"

#define NODE "/dev/input/event7"
#define HID "/devices/virtual/misc/uhid/0005:057E:0306.0001"
#define G 9.80665

/* 10 g units → N, as the backend must convert (no second calibration). */
static double units_to_n(int u)
{
	return u * 0.01 * G;
}

typedef struct fake_board {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	int master; /* the test's end of the node */
	atomic_bool gone;
	atomic_bool refuse_clock;
	atomic_int clock_id;
	int abs_initial[4]; /* HAT0X, HAT0Y, HAT1X, HAT1Y before any event */
} fake_board;

static void put_bit(uint8_t *bits, size_t size, unsigned bit)
{
	if (bit / 8 < size)
		bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* The evdev ioctls libevdev asks, answered as hid-wiimote's balance-board
 * device answers them. */
static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer user)
{
	(void)h;
	fake_board *b = user;
	gulong req = umockdev_ioctl_client_get_request(client);
	unsigned nr = _IOC_NR(req), size = _IOC_SIZE(req);
	if (_IOC_TYPE(req) != 'E')
		return FALSE;
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	UMockdevIoctlData *d = NULL;
	if (size) {
		GError *err = NULL;
		d = umockdev_ioctl_data_resolve(arg, 0, size, &err);
		if (!d) {
			g_clear_error(&err);
			umockdev_ioctl_client_complete(client, -1, EFAULT);
			return TRUE;
		}
	}
	long ret = -1;
	int err = EINVAL;
	const char *str = NULL;
	if (nr == 0x01 && size == sizeof(int)) { /* EVIOCGVERSION */
		int v = EV_VERSION;
		memcpy(d->data, &v, sizeof v);
		ret = 0;
	} else if (nr == 0x02 && size == sizeof(struct input_id)) { /* EVIOCGID */
		struct input_id id = {.bustype = BUS_BLUETOOTH, .vendor = 0x057e, .product = 0x0306,
		                      .version = 0x8600};
		memcpy(d->data, &id, sizeof id);
		ret = 0;
	} else if (nr == 0x06) {
		str = WBB_INPUT_NAME;
	} else if (nr == 0x07) {
		str = "00:1a:7d:da:71:13";
	} else if (nr == 0x08) {
		str = "00:1f:32:aa:bb:cc";
	} else if (nr == 0x09 || (nr >= 0x18 && nr <= 0x1b)) { /* PROP, KEY/LED/SND/SW state */
		memset(d->data, 0, size);
		ret = size;
	} else if (nr >= 0x20 && nr < 0x40) { /* EVIOCGBIT(type) */
		memset(d->data, 0, size);
		unsigned type = nr - 0x20;
		if (type == 0) {
			put_bit(d->data, size, EV_SYN);
			put_bit(d->data, size, EV_KEY);
			put_bit(d->data, size, EV_ABS);
		} else if (type == EV_KEY) {
			put_bit(d->data, size, BTN_A);
		} else if (type == EV_ABS) {
			for (unsigned a = ABS_HAT0X; a <= ABS_HAT1Y; a++)
				put_bit(d->data, size, a);
		}
		ret = size;
	} else if (nr >= 0x40 && nr < 0x80 && size == sizeof(struct input_absinfo)) { /* EVIOCGABS */
		unsigned axis = nr - 0x40;
		if (axis >= ABS_HAT0X && axis <= ABS_HAT1Y) {
			struct input_absinfo ai = {.value = b->abs_initial[axis - ABS_HAT0X],
			                           .minimum = 0, .maximum = 65535, .fuzz = 2, .flat = 4};
			memcpy(d->data, &ai, sizeof ai);
			ret = 0;
		}
	} else if (nr == 0xa0 && size == sizeof(int)) { /* EVIOCSCLOCKID */
		if (!atomic_load(&b->refuse_clock)) {
			int id;
			memcpy(&id, d->data, sizeof id);
			atomic_store(&b->clock_id, id);
			ret = 0;
		}
	} else {
		err = ENOTTY;
	}
	if (str) {
		size_t n = strlen(str) + 1;
		memset(d->data, 0, size);
		memcpy(d->data, str, n < size ? n : size);
		ret = (long)(n < size ? n : size);
	}
	if (d)
		g_object_unref(d);
	umockdev_ioctl_client_complete(client, ret, ret < 0 ? err : 0);
	return TRUE;
}

/* Reads pass through to the node (the pty the test writes events into)
 * until the board "goes away": then ENODEV, like evdev after unplug. */
static gboolean on_read(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer user)
{
	(void)h;
	fake_board *b = user;
	if (!atomic_load(&b->gone))
		return FALSE;
	umockdev_ioctl_client_complete(client, -1, ENODEV);
	return TRUE;
}

static const char *sysfs_tree(const char *driver, const char *calib, int battery_pct)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
	         "P: " HID "\n"
	         "E: SUBSYSTEM=hid\n"
	         "E: DRIVER=%s\n"
	         "A: bboard_calib=%s\n"
	         "L: driver=../../../../../bus/hid/drivers/%s\n"
	         "\n"
	         "P: " HID "/input/input42\n"
	         "E: SUBSYSTEM=input\n"
	         "A: name=" WBB_INPUT_NAME "\n"
	         "A: uniq=00:1f:32:aa:bb:cc\n"
	         "A: capabilities/abs=f0000\n"
	         "A: capabilities/ev=b\n"
	         "L: device=../../../0005:057E:0306.0001\n"
	         "\n"
	         "P: " HID "/input/input42/event7\n"
	         "N: input/event7\n"
	         "E: SUBSYSTEM=input\n"
	         "E: DEVNAME=" NODE "\n"
	         "A: dev=13:71\n"
	         "L: device=../../input42\n"
	         "\n"
	         "P: " HID "/power_supply/wiimote_battery_00:1f:32:aa:bb:cc\n"
	         "E: SUBSYSTEM=power_supply\n"
	         "A: capacity=%d\n"
	         "\n"
	         /* Another input device, to be ignored. */
	         "P: /devices/platform/i8042/serio0/input/input3\n"
	         "E: SUBSYSTEM=input\n"
	         "A: name=AT Translated Set 2 keyboard\n"
	         "A: capabilities/abs=0\n"
	         "\n"
	         "P: /devices/platform/i8042/serio0/input/input3/event3\n"
	         "N: input/event3\n"
	         "E: SUBSYSTEM=input\n"
	         "A: dev=13:67\n"
	         "L: device=../../input3\n",
	         driver, calib, driver, battery_pct);
	return buf;
}

#define GOOD_CALIB "07c3:3cf8:048c:296b:0ed2:4384:0b3a:3069:15e9:4a10:11ef:376e"

static fake_board *board_new_with(const char *driver, const char *calib, int battery_pct)
{
	fake_board *b = calloc(1, sizeof *b);
	b->tb = umockdev_testbed_new();
	assert_non_null(b->tb);
	GError *err = NULL;
	if (!umockdev_testbed_add_from_string(b->tb, sysfs_tree(driver, calib, battery_pct), &err))
		fail_msg("umockdev: %s", err->message);
	b->master = umockdev_testbed_get_dev_fd(b->tb, NODE);
	assert_true(b->master >= 0);
	b->handler = umockdev_ioctl_base_new();
	g_signal_connect(b->handler, "handle-ioctl", G_CALLBACK(on_ioctl), b);
	g_signal_connect(b->handler, "handle-read", G_CALLBACK(on_read), b);
	if (!umockdev_testbed_attach_ioctl(b->tb, NODE, b->handler, &err))
		fail_msg("umockdev: %s", err->message);
	atomic_init(&b->gone, false);
	atomic_init(&b->refuse_clock, false);
	atomic_init(&b->clock_id, -1);
	/* Somebody of 70.7 kg stands on it when the node opens. */
	b->abs_initial[0] = 1720; /* HAT0X = TR */
	b->abs_initial[1] = 1800; /* HAT0Y = BR */
	b->abs_initial[2] = 1750; /* HAT1X = TL */
	b->abs_initial[3] = 1800; /* HAT1Y = BL */
	return b;
}

static fake_board *board_new(void)
{
	return board_new_with("wiimote", GOOD_CALIB, 84);
}

static void board_free(fake_board *b)
{
	g_object_unref(b->tb); /* detaches the handler, removes the tree */
	g_object_unref(b->handler);
	free(b);
}

/* One kernel report: the changed axes (value < 0: unchanged, not sent) and
 * SYN_REPORT, all stamped t_us (on clock base). */
static size_t put_report(struct input_event *ev, mono_us t_us, const int v[4])
{
	size_t n = 0;
	for (int a = 0; a < 4; a++)
		if (v[a] >= 0)
			ev[n++] = (struct input_event){.type = EV_ABS, .code = (uint16_t)(ABS_HAT0X + a),
			                               .value = v[a]};
	ev[n++] = (struct input_event){.type = EV_SYN, .code = SYN_REPORT};
	for (size_t i = 0; i < n; i++) {
		ev[i].input_event_sec = (time_t)(t_us / 1000000u);
		ev[i].input_event_usec = (suseconds_t)(t_us % 1000000u);
	}
	return n;
}

/* Writes events into the node one at a time. The node is a pty whose read
 * buffer (4096 bytes) is not a multiple of an event: a writer more than
 * 4 KiB ahead of the reader could make it read half an event, which real
 * evdev never does. So the tests write at most CHUNK reports (< 2.5 KiB)
 * before the backend has read them. */
static void write_events(fake_board *b, const struct input_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ssize_t w = write(b->master, &ev[i], sizeof ev[i]);
		assert_int_equal(w, (ssize_t)sizeof ev[i]);
	}
}

static mono_us clock_us(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (mono_us)ts.tv_sec * 1000000u + (mono_us)ts.tv_nsec / 1000u;
}

/* Opens the emulated board through the registry, as the app does. */
static dev *open_board(void)
{
	dev *d = NULL;
	char msg[256] = "";
	int rc = dev_open_spec(&d, "wbb", &(dev_open_cfg){0}, msg, sizeof msg);
	if (rc)
		fail_msg("open: %s (%s)", msg, poise_err_name(rc));
	return d;
}

/* Reads until want frames came or 3 s passed. */
static size_t read_frames(dev *d, poise_frame *f, size_t want, int *last_rc)
{
	size_t got = 0;
	mono_us give_up = dev_now_us() + 3000000u;
	*last_rc = POISE_OK;
	while (got < want && dev_now_us() < give_up) {
		size_t n = 0;
		*last_rc = d->ops->read(d, f + got, want - got, &n, 100);
		got += n;
		if (*last_rc != POISE_OK)
			break;
	}
	return got;
}

static void enumerate_lists_the_board_only(void **state)
{
	(void)state;
	fake_board *b = board_new();
	const struct dev_ops *ops = dev_backend("wbb");
	assert_ptr_equal(ops, &wbb_ops);
	dev_info info[4];
	size_t n = 99;
	assert_int_equal(ops->enumerate(info, 4, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(info[0].backend, "wbb");
	assert_string_equal(info[0].id, NODE);
	assert_string_equal(info[0].serial, "00:1f:32:aa:bb:cc");
	assert_true(info[0].usable);
	assert_true(info[0].rate_irregular);
	assert_string_equal(info[0].note, "");
	assert_double_equal(info[0].plate.width_mm, 433, 0);
	assert_double_equal(info[0].plate.depth_mm, 238, 0);
	/* The registry puts the board before the simulated plate. */
	const struct dev_ops *const *all = dev_backends();
	size_t i_wbb = 99, i_sim = 99;
	for (size_t i = 0; all[i]; i++) {
		if (all[i] == &wbb_ops)
			i_wbb = i;
		if (strcmp(all[i]->name, "sim") == 0)
			i_sim = i;
	}
	assert_true(i_wbb < i_sim);
	board_free(b);
}

static void poise_devices_lists_it(void **state)
{
	(void)state;
	fake_board *b = board_new();
	char *root = umockdev_testbed_get_root_dir(b->tb);
	char *out = NULL;
	int rc = tu_run(&out, NULL, "UMOCKDEV_DIR='%s' '%s' devices", root, POISE_BIN);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "wbb"));
	assert_non_null(strstr(out, NODE));
	assert_non_null(strstr(out, "Wii Balance Board"));
	assert_non_null(strstr(out, "ready"));
	free(out);
	g_free(root);
	board_free(b);
}

static void a_foreign_driver_or_corrupt_calibration_is_refused(void **state)
{
	(void)state;
	dev_info info[2];
	size_t n = 0;
	dev *d = NULL;
	char msg[256];
	/* Same name, but not the kernel's hid-wiimote: units unknown. */
	fake_board *b = board_new_with("uinput-bridge", GOOD_CALIB, 84);
	assert_int_equal(wbb_ops.enumerate(info, 2, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_false(info[0].usable);
	assert_non_null(strstr(info[0].note, "uinput-bridge"));
	/* The reason travels with the listing: not a permission problem. */
	assert_int_equal(info[0].err, POISE_E_UNSUPPORTED);
	assert_int_equal(dev_open_spec(&d, "wbb", NULL, msg, sizeof msg), POISE_E_UNSUPPORTED);
	assert_null(d);
	assert_non_null(strstr(msg, "hid-wiimote"));
	assert_int_equal(wbb_ops.open(&d, &info[0], NULL), POISE_E_UNSUPPORTED);
	assert_null(d);
	board_free(b);
	/* A calibration block whose BL readings fall from 17 to 34 kg. */
	b = board_new_with("wiimote", "07c3:3cf8:048c:296b:0ed2:4384:0b3a:376e:15e9:4a10:11ef:3069", 84);
	assert_int_equal(wbb_ops.enumerate(info, 2, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_false(info[0].usable);
	assert_non_null(strstr(info[0].note, "calibration block is corrupt (sensor bottom-left)"));
	assert_int_equal(info[0].err, POISE_E_PROTOCOL);
	assert_int_equal(wbb_ops.open(&d, &info[0], NULL), POISE_E_PROTOCOL);
	assert_null(d);
	board_free(b);
	/* An all-zero block (a board that lost its calibration). */
	b = board_new_with("wiimote", "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000", 84);
	assert_int_equal(wbb_ops.enumerate(info, 2, &n), POISE_OK);
	assert_false(info[0].usable);
	assert_non_null(strstr(info[0].note, "calibration block is corrupt:"));
	board_free(b);
}

/* A recorded stream (evemu format, replayed by umockdev at its pace): one
 * frame per report that carried a sensor value, axes not sent keep their
 * value, a button-only report is no frame, times and forces exact. */
static void a_recorded_stream_gives_one_frame_per_report(void **state)
{
	(void)state;
	fake_board *b = board_new();
	dev *d = open_board();
	assert_true(d->info.rate_irregular);
	assert_int_equal(d->ops->start(d), POISE_OK);
	assert_int_equal(atomic_load(&b->clock_id), CLOCK_MONOTONIC);

	/* The expected frames, from the recording itself: a small model of
	 * the kernel's semantics, independent of the backend. */
	const char *path = POISE_TEST_DATA "/wbb_stand.evemu";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int val[4];
	memcpy(val, b->abs_initial, sizeof val);
	poise_frame want[256];
	size_t n_want = 0;
	bool axis = false;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		unsigned long sec, usec;
		unsigned type, code;
		int value;
		if (sscanf(line, "E: %lu.%lu %x %x %d", &sec, &usec, &type, &code, &value) != 5)
			continue;
		if (type == EV_ABS) {
			val[code - ABS_HAT0X] = value;
			axis = true;
		} else if (type == EV_SYN && code == SYN_REPORT) {
			if (axis) {
				poise_frame *w = &want[n_want++];
				w->t_us = (mono_us)sec * 1000000u + usec;
				w->force_n[CELL_TL] = units_to_n(val[2]);
				w->force_n[CELL_TR] = units_to_n(val[0]);
				w->force_n[CELL_BL] = units_to_n(val[3]);
				w->force_n[CELL_BR] = units_to_n(val[1]);
			}
			axis = false;
		}
	}
	fclose(f);
	assert_true(n_want >= 20);

	GError *err = NULL;
	if (!umockdev_testbed_load_evemu_events(b->tb, NODE, path, &err))
		fail_msg("umockdev: %s", err->message);
	poise_frame got[256];
	int rc;
	size_t n = read_frames(d, got, n_want, &rc);
	assert_int_equal(rc, POISE_OK);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].t_us, want[i].t_us);
		assert_int_equal(got[i].seq, i);
		assert_int_equal(got[i].flags, 0);
		for (int c = 0; c < CELL_COUNT; c++)
			assert_double_equal(got[i].force_n[c], want[i].force_n[c], 1e-9);
	}
	/* Nothing more: the read times out empty. */
	size_t extra = 9;
	assert_int_equal(d->ops->read(d, got, 4, &extra, 30), POISE_OK);
	assert_int_equal(extra, 0);
	d->ops->stop(d);
	dev_close(d);
	board_free(b);
}

/* The board's irregular intervals (10–33 ms, bursts of near-simultaneous
 * reports) come through with the kernel's event times, to the microsecond. */
static void irregular_intervals_keep_their_event_times(void **state)
{
	(void)state;
	fake_board *b = board_new();
	dev *d = open_board();
	assert_int_equal(d->ops->start(d), POISE_OK);
	enum { N = 200, CHUNK = 20 };
	struct input_event ev[CHUNK * 5];
	mono_us t[N];
	int v[N][4];
	mono_us now = clock_us(CLOCK_MONOTONIC);
	unsigned seed = 7;
	mono_us tk = now - 5000000u;
	poise_frame got[N];
	size_t n = 0;
	int rc = POISE_OK;
	/* Written a chunk at a time, each read back before the next, as the
	 * node (a pty) holds only a few kilobytes. */
	for (int c0 = 0; c0 < N; c0 += CHUNK) {
		size_t ne = 0;
		for (int i = c0; i < c0 + CHUNK; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) % 1000;
			/* 10–33 ms mostly, a burst (0.9 ms) now and then. */
			tk += r < 80 ? 900 : 10000 + r * 23;
			t[i] = tk;
			for (int a = 0; a < 4; a++)
				v[i][a] = 1700 + (int)((seed >> (4 + 3 * a)) % 97) + 5 * i;
			ne += put_report(ev + ne, tk, v[i]);
		}
		write_events(b, ev, ne);
		n += read_frames(d, got + n, CHUNK, &rc);
		assert_int_equal(rc, POISE_OK);
	}
	assert_int_equal(n, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(got[i].t_us, t[i]);
		assert_double_equal(got[i].force_n[CELL_TR], units_to_n(v[i][0]), 1e-9);
		assert_double_equal(got[i].force_n[CELL_BR], units_to_n(v[i][1]), 1e-9);
		assert_double_equal(got[i].force_n[CELL_TL], units_to_n(v[i][2]), 1e-9);
		assert_double_equal(got[i].force_n[CELL_BL], units_to_n(v[i][3]), 1e-9);
	}
	d->ops->stop(d);
	dev_close(d);
	board_free(b);
}

/* The board switched off mid-stream: every complete frame before it is
 * delivered through the acquisition thread, a half report is dropped, and
 * the stream ends with POISE_E_DISCONNECTED. */
static void a_disconnect_mid_stream_ends_cleanly(void **state)
{
	(void)state;
	fake_board *b = board_new_with("wiimote", GOOD_CALIB, 5); /* battery nearly empty */
	dev *d = open_board();
	acq *a;
	assert_int_equal(acq_create(&a, d, 1024), POISE_OK);
	assert_int_equal(acq_start(a), POISE_OK);
	enum { N = 120, CHUNK = 20 };
	struct input_event ev[CHUNK * 5 + 1];
	mono_us t0 = clock_us(CLOCK_MONOTONIC) - 3000000u;
	mono_us give_up = dev_now_us() + 5000000u;
	int err = POISE_OK;
	for (int c0 = 0; c0 < N; c0 += CHUNK) {
		size_t ne = 0;
		for (int i = c0; i < c0 + CHUNK; i++)
			ne += put_report(ev + ne, t0 + (mono_us)i * 16667u,
			                 (int[4]){1700 + i, 1800, 1750 - i, -1});
		if (c0 + CHUNK == N) /* then half a report: an axis, no SYN_REPORT */
			ev[ne++] = (struct input_event){.type = EV_ABS, .code = ABS_HAT0X, .value = 9999};
		write_events(b, ev, ne);
		while (acq_frames(a) < (uint64_t)(c0 + CHUNK) && dev_now_us() < give_up &&
		       acq_state(a, &err) == ACQ_RUNNING)
			sched_yield();
	}
	if (acq_frames(a) != N)
		fail_msg("%llu frames of %d; acquisition state %d, %s", (unsigned long long)acq_frames(a),
		         N, (int)acq_state(a, &err), poise_err_name(err));
	atomic_store(&b->gone, true);
	while (acq_state(a, &err) != ACQ_ENDED && dev_now_us() < give_up + 2000000u)
		sched_yield();
	assert_int_equal(acq_state(a, &err), ACQ_ENDED);
	assert_int_equal(err, POISE_E_DISCONNECTED);
	poise_frame f[N + 8];
	size_t n = acq_pop(a, f, N + 8);
	assert_int_equal(n, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(f[i].seq, i);
		assert_int_equal(f[i].t_us, t0 + (mono_us)i * 16667u);
		assert_true(f[i].flags & FRAME_BATTERY_LOW);
		assert_double_equal(f[i].force_n[CELL_TR], units_to_n(1700 + i), 1e-9);
		assert_double_equal(f[i].force_n[CELL_BL], units_to_n(1800), 1e-9); /* never sent */
	}
	acq_destroy(a);
	/* Reading a board that went away keeps saying so. */
	size_t k = 7;
	assert_int_equal(d->ops->read(d, f, 4, &k, 10), POISE_E_DISCONNECTED);
	assert_int_equal(k, 0);
	dev_close(d);
	board_free(b);
}

/* A board that is there but sends nothing (a flat battery halfway through
 * pairing, a stuck driver): `poise record --wait 2` gives up within 3 s
 * and records nothing, and the app says "no data" within 2 s with the
 * rate at 0. */
static void a_silent_board_is_noticed(void **state)
{
	(void)state;
	fake_board *b = board_new();
	char *root = umockdev_testbed_get_root_dir(b->tb);
	char *dir = tu_mkdtemp(), *out = NULL, *err = NULL;
	char db[600], shot[600];
	snprintf(db, sizeof db, "%s/silent.db", dir);
	snprintf(shot, sizeof shot, "%s/silent.png", dir);
	assert_int_equal(tu_run(NULL, NULL, "'%s' --db %s patient add S-1", POISE_BIN, db), 0);
	mono_us t0 = dev_now_us();
	int rc = tu_run(&out, &err, "UMOCKDEV_DIR='%s' '%s' --db %s record --device wbb --patient S-1 "
	                "--trial quiet-eo --seconds 5 --wait 2", root, POISE_BIN, db);
	double took_s = (double)(dev_now_us() - t0) / 1e6;
	if (rc != 1 || took_s > 3.0)
		fail_msg("exit %d after %.2f s: %s", rc, took_s, err);
	assert_non_null(strstr(err, "nobody stood on the plate within 2 s"));
	assert_non_null(strstr(err, "nothing was recorded"));
	free(out), free(err);
	assert_int_equal(tu_run(&out, NULL, "'%s' --db %s patient show S-1", POISE_BIN, db), 0);
	assert_null(strstr(out, "trial 1"));
	free(out);
	/* The app says so after 2 s (on screen and on stderr). */
	rc = tu_run(&out, &err, "UMOCKDEV_DIR='%s' SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy '%s' --db %s "
	            "--patient S-1 --device wbb --quit-after 2.6 --screenshot %s", root, POISE_BIN, db, shot);
	if (rc)
		fail_msg("app exit %d: %s", rc, err);
	assert_non_null(strstr(err, "no data from Wii Balance Board"));
	free(out), free(err);
	g_free(root);
	tu_rmdir(dir);
	board_free(b);
}

/* A kernel that refuses EVIOCSCLOCKID stamps events on CLOCK_REALTIME: the
 * backend moves them onto the monotonic clock, intervals untouched. */
static void realtime_stamps_are_moved_to_the_monotonic_clock(void **state)
{
	(void)state;
	fake_board *b = board_new();
	atomic_store(&b->refuse_clock, true);
	dev *d = open_board();
	assert_int_equal(d->ops->start(d), POISE_OK);
	assert_int_equal(atomic_load(&b->clock_id), -1);
	struct input_event ev[3 * 5];
	size_t ne = 0;
	mono_us real = clock_us(CLOCK_REALTIME), mono = clock_us(CLOCK_MONOTONIC);
	for (int i = 0; i < 3; i++)
		ne += put_report(ev + ne, real + (mono_us)i * 12345u, (int[4]){1000, 1000, 1000, 1000 + i});
	write_events(b, ev, ne);
	poise_frame got[3];
	int rc;
	assert_int_equal(read_frames(d, got, 3, &rc), 3);
	assert_true(got[0].t_us + 200000u > mono && got[0].t_us < mono + 200000u);
	assert_int_equal(got[1].t_us - got[0].t_us, 12345);
	assert_int_equal(got[2].t_us - got[0].t_us, 24690);
	assert_false(got[0].flags & FRAME_BATTERY_LOW);
	d->ops->stop(d);
	dev_close(d);
	board_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enumerate_lists_the_board_only),
		cmocka_unit_test(poise_devices_lists_it),
		cmocka_unit_test(a_foreign_driver_or_corrupt_calibration_is_refused),
		cmocka_unit_test(a_recorded_stream_gives_one_frame_per_report),
		cmocka_unit_test(irregular_intervals_keep_their_event_times),
		cmocka_unit_test(a_disconnect_mid_stream_ends_cleanly),
		cmocka_unit_test(a_silent_board_is_noticed),
		cmocka_unit_test(realtime_stamps_are_moved_to_the_monotonic_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
