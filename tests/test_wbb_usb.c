/* The Wii Balance Board through Poise's own Bluetooth host ("wbb-usb"),
 * end to end: real libusb and its Linux usbfs code against a USB
 * Bluetooth adapter emulated at the usbdevfs level (tests/emu/bt_emu: a
 * simulated controller with a simulated board in range). Every frame is
 * compared with the data report the board put on the air and the host
 * reaped: a dropped, reordered or invented frame fails. Keys go to a
 * temporary $XDG_DATA_HOME. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_assert.h"
#include "test_util.h"
#include "test_dev.h"

#include "bt_emu.h"
#include "core/error.h"
#include "core/pipeline.h"
#include "device/acq.h"
#include "device/bt_keys.h"
#include "device/device.h"
#include "device/reconnect.h"
#include "device/wbb_usb.h"

#define MAXF 20000
#define BOARD "00:1F:32:AA:BB:CC"
#define G 9.80665

typedef struct fixture {
	bt_emu *emu;
	char *home;          /* $XDG_DATA_HOME for this test */
	poise_frame *got;
	bt_emu_report *sent;
} fixture;

static fixture *new_fixture(const bt_emu_cfg *cfg)
{
	fixture *fx = calloc(1, sizeof *fx);
	fx->home = tu_mkdtemp();
	setenv("XDG_DATA_HOME", fx->home, 1);
	unsetenv(WBBU_ENV_ADAPTER);
	assert_int_equal(bt_emu_create(&fx->emu, cfg), 0);
	fx->got = calloc(MAXF, sizeof *fx->got);
	fx->sent = calloc(MAXF, sizeof *fx->sent);
	return fx;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	if (fx) {
		bt_emu_destroy(fx->emu);
		tu_rmdir(fx->home);
		free(fx->got);
		free(fx->sent);
		free(fx);
	}
	unsetenv(WBBU_ENV_ADAPTER);
	return 0;
}

/* Someone of mass_kg standing with the centre of pressure at (x, y) mm,
 * on a board whose sensors are 433 × 238 mm apart: cell loads in kg. */
static void standing(double mass_kg, double x_mm, double y_mm, double kg[4])
{
	double r = 0.5 + x_mm / 433.0, l = 1 - r, t = 0.5 + y_mm / 238.0, b = 1 - t;
	kg[CELL_TL] = mass_kg * l * t;
	kg[CELL_TR] = mass_kg * r * t;
	kg[CELL_BL] = mass_kg * l * b;
	kg[CELL_BR] = mass_kg * r * b;
}

static double seconds_since(mono_us t0)
{
	return (double)(dev_now_us() - t0) * 1e-6;
}

static dev *open_spec(const char *spec)
{
	dev *d = NULL;
	char msg[512];
	int rc = dev_open_spec(&d, spec, &(dev_open_cfg){0}, msg, sizeof msg);
	if (rc)
		fail_msg("open %s: %s (%s)", spec, msg, poise_err_name(rc));
	return d;
}

/* got[0..n) must be exactly the reports the host reaped from index
 * first on: the raw readings through the board's calibration, in order,
 * with strictly increasing times. Returns the number of FRAME_GAP flags. */
static size_t check_against_sent(fixture *fx, const poise_frame *got, size_t n, size_t first)
{
	size_t sent = bt_emu_reports(fx->emu, fx->sent, MAXF);
	if (sent < first + n)
		fail_msg("%zu frames but the board sent only %zu reports after the first %zu", n,
		         sent - first, first);
	uint8_t blk[WBB_CALIB_LEN];
	bt_emu_calibration(blk);
	wbb_calib c;
	assert_int_equal(wbb_parse_calib(blk, sizeof blk, &c, NULL), POISE_OK);
	size_t gaps = 0;
	for (size_t i = 0; i < n; i++) {
		double f[4];
		wbb_raw_to_n(&c, fx->sent[first + i].raw, f);
		for (int k = 0; k < 4; k++)
			if (!(fabs(got[i].force_n[k] - f[k]) < 1e-9))
				fail_msg("frame %zu cell %d: %.6f N, the board sent %.6f N", i, k, got[i].force_n[k], f[k]);
		if (i > 0)
			assert_true(got[i].t_us > got[i - 1].t_us);
		assert_int_equal(got[i].flags & ~(uint32_t)FRAME_GAP, 0);
		gaps += (got[i].flags & FRAME_GAP) != 0;
	}
	return gaps;
}

/* The frames through the real pipeline: the mean COP and weight while
 * somebody stands on the board (the last half of the samples). */
static void through_pipeline(const dev *d, const poise_frame *f, size_t n, double *x, double *y,
                             double *kg, size_t *n_samples)
{
	pl_cfg pc;
	dev_pipeline_cfg(&d->info, &pc);
	assert_int_equal(pc.resample_method, RS_WINDOW); /* irregular, as the evdev path */
	pipeline *pl;
	assert_int_equal(pl_create(&pl, &pc), POISE_OK);
	cop_sample *out = calloc(pl_max_out(pl), sizeof *out);
	cop_sample *on = calloc(MAXF, sizeof *on);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = pl_push(pl, &f[i], out);
		for (size_t j = 0; j < k && m < MAXF; j++)
			if ((out[j].flags & SAMPLE_ON_PLATE) && !(out[j].flags & SAMPLE_NO_COP))
				on[m++] = out[j];
	}
	assert_true(m > 20);
	double sx = 0, sy = 0, sf = 0;
	size_t from = m / 2;
	for (size_t i = from; i < m; i++)
		sx += on[i].x_mm, sy += on[i].y_mm, sf += on[i].fz_n;
	*x = sx / (double)(m - from);
	*y = sy / (double)(m - from);
	*kg = sf / (double)(m - from) / G;
	*n_samples = m;
	free(out);
	free(on);
	pl_destroy(pl);
}

static void key_file_mode(fixture *fx, mode_t *mode, uint8_t key[16])
{
	char root[1024], dir[1100];
	assert_int_equal(btk_default_root(root, sizeof root), POISE_OK);
	assert_non_null(strstr(root, fx->home));
	bt_addr a = bt_emu_adapter_addr(), b = bt_emu_board_addr();
	assert_int_equal(btk_adapter_dir(root, &a, false, dir, sizeof dir), POISE_OK);
	btk_board kb;
	assert_int_equal(btk_load(dir, &b, &kb), POISE_OK);
	memcpy(key, kb.key, 16);
	char path[1200];
	snprintf(path, sizeof path, "%s/001F32AABBCC.key", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	*mode = st.st_mode & 0777;
}

/* Paired with the PIN = the adapter's address backwards, the key the
 * board holds stored privately; the board set up as WiiBrew says; HCI and
 * ACL flow control kept. */
static void check_paired_and_set_up(fixture *fx)
{
	bt_emu_stats es;
	bt_emu_get_stats(fx->emu, &es);
	assert_int_equal(es.pin_pairings, 1);
	assert_int_equal(es.pin_failures, 0);
	assert_int_equal(es.ext_init_writes, 2);
	assert_int_equal(es.leds, WBB_LED_1);
	assert_int_equal(es.mode_sets, 1);
	assert_int_equal(es.cmd_violations, 0);
	assert_int_equal(es.acl_violations, 0);
	mode_t mode;
	uint8_t key[16], board_key[16];
	key_file_mode(fx, &mode, key);
	bt_emu_board_key(fx->emu, board_key);
	assert_int_equal(mode, 0600);
	assert_memory_equal(key, board_key, 16);
}

/* Pairs the board (sync button) through the adapter's entry, as
 * `--device wbb-usb` does, and closes again. */
static void pair_once(fixture *fx)
{
	bt_emu_board_sync(fx->emu);
	dev *d = open_spec("wbb-usb");
	assert_string_equal(d->info.serial, BOARD);
	dev_close(d);
	bt_emu_stats es;
	bt_emu_get_stats(fx->emu, &es);
	assert_int_equal(es.pin_pairings, 1);
	assert_false(es.board_connected); /* close ended the link */
}

static void discovers_pairs_and_streams_known_loads_into_the_right_cop(void **state)
{
	bt_emu_cfg cfg = {.board_sync = true, .battery = 0x7c, .seed = 1};
	fixture *fx = *state = new_fixture(&cfg);
	double kg[4];
	standing(72.5, 25.0, -40.0, kg);
	bt_emu_set_loads(fx->emu, kg);

	dev_info found[4];
	size_t n = 0;
	assert_int_equal(wbbu_ops.enumerate(found, 4, &n), POISE_OK);
	assert_int_equal(n, 1); /* the adapter; no board paired yet */
	assert_string_equal(found[0].backend, "wbb-usb");
	assert_string_equal(found[0].id, "usb:1-1");
	assert_true(found[0].usable);
	assert_true(found[0].rate_irregular);
	assert_non_null(strstr(found[0].note, "CSR8510 A10 (0a12:0001)"));
	assert_non_null(strstr(found[0].note, "no board paired yet: red sync button under the board"));

	mono_us t0 = dev_now_us();
	dev *d = open_spec("wbb-usb");
	double connect_s = seconds_since(t0);
	assert_string_equal(d->info.backend, "wbb-usb");
	assert_string_equal(d->info.serial, BOARD);
	assert_string_equal(d->info.id, "usb:1-1/" BOARD);
	assert_true(d->info.has_battery);
	assert_int_equal(d->info.battery_pct, wbb_battery_pct(0x7c));
	assert_double_equal(d->info.plate.width_mm, 433, 1e-9);
	assert_double_equal(d->info.plate.depth_mm, 238, 1e-9);
	assert_non_null(strstr(d->info.note, "Cambridge Silicon Radio"));
	check_paired_and_set_up(fx);

	size_t first = bt_emu_reports(fx->emu, NULL, 0);
	assert_int_equal(d->ops->start(d), POISE_OK);
	t0 = dev_now_us();
	size_t got = td_read_frames(d, fx->got, 120, 5000);
	double stream_s = seconds_since(t0);
	assert_int_equal(got, 120);
	assert_int_equal(check_against_sent(fx, fx->got, got, first), 0);
	for (size_t i = 0; i < got; i++)
		assert_int_equal(fx->got[i].seq, i);

	double x, y, w;
	size_t ns;
	through_pipeline(d, fx->got, got, &x, &y, &w, &ns);
	printf("  wbb-usb: paired and streaming in %.0f ms; %zu frames in %.2f s (%.0f frames/s); "
	       "COP (%.2f, %.2f) mm, %.3f kg from %zu samples\n",
	       connect_s * 1e3, got, stream_s, (double)got / stream_s, x, y, w, ns);
	assert_double_equal(x, 25.0, 1.0);
	assert_double_equal(y, -40.0, 1.0);
	assert_double_equal(w, 72.5, 0.1);

	wbbu_stats st;
	wbbu_get_stats(d, &st);
	assert_int_equal(st.bad_hid, 0);
	assert_int_equal(st.bad_link, 0);
	assert_int_equal(st.battery_raw, 0x7c);
	assert_int_equal(st.pairings, 1);
	assert_int_equal(d->ops->stop(d), POISE_OK);
	size_t k;
	assert_int_equal(d->ops->read(d, fx->got, 1, &k, 0), POISE_E_STATE);
	dev_close(d);
	/* Closed: the link ended, the controller reset (nobody serves it). */
	bt_emu_stats es;
	bt_emu_get_stats(fx->emu, &es);
	assert_false(es.board_connected);
	assert_false(es.scan_page);
}

/* Switches the board on after a delay, from another thread. */
typedef struct later {
	bt_emu *emu;
	int after_ms;
} later;

static void *power_on_later(void *arg)
{
	later *l = arg;
	struct timespec ts = {l->after_ms / 1000, (l->after_ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	bt_emu_board_power(l->emu, true, 0);
	return NULL;
}

static void a_paired_board_reconnects_by_itself(void **state)
{
	bt_emu_cfg cfg = {.seed = 2};
	fixture *fx = *state = new_fixture(&cfg);
	double kg[4];
	standing(60, 0, 0, kg);
	bt_emu_set_loads(fx->emu, kg);
	pair_once(fx); /* the board switches itself off when its host lets go */

	/* Listed now with the board, by its address. */
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(wbbu_ops.enumerate(found, 4, &n), POISE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(found[1].id, "usb:1-1/" BOARD);
	assert_string_equal(found[1].serial, BOARD);
	assert_true(found[1].usable);
	assert_non_null(strstr(found[1].note, "paired with CSR8510 A10; battery"));

	/* Opened by its address; the board is switched on (front button) while
	 * Poise waits, pages the adapter, authenticates with the stored key
	 * and opens its HID channels itself. */
	pthread_t th;
	later l = {fx->emu, 300};
	pthread_create(&th, NULL, power_on_later, &l);
	mono_us t0 = dev_now_us();
	dev *d = open_spec("wbb-usb:" BOARD);
	double wait_s = seconds_since(t0);
	pthread_join(th, NULL);
	assert_true(wait_s >= 0.29);
	bt_emu_stats es;
	bt_emu_get_stats(fx->emu, &es);
	assert_int_equal(es.pin_pairings, 1); /* no new pairing */
	assert_int_equal(es.connections, 2);
	assert_int_equal(es.cmd_violations, 0);
	wbbu_stats st;
	wbbu_get_stats(d, &st);
	assert_int_equal(st.pairings, 0);
	printf("  wbb-usb: a paired board back %.0f ms after its button (connect %u ms)\n",
	       (wait_s - 0.3) * 1e3, st.connect_ms);
	size_t first = bt_emu_reports(fx->emu, NULL, 0);
	assert_int_equal(d->ops->start(d), POISE_OK);
	assert_int_equal(td_read_frames(d, fx->got, 30, 3000), 30);
	check_against_sent(fx, fx->got, 30, first);
	dev_close(d);

	/* Paired with a Wii since: it refuses the stored key; said plainly. */
	bt_emu_board_paired_elsewhere(fx->emu);
	l.after_ms = 100;
	pthread_create(&th, NULL, power_on_later, &l);
	char msg[512];
	d = NULL;
	assert_int_equal(wbbu_open_msg(&d, &found[1], &(dev_open_cfg){0}, msg, sizeof msg),
	                 POISE_E_PROTOCOL);
	pthread_join(th, NULL);
	assert_null(d);
	if (!strstr(msg, "the board refused Poise's link key: it was paired with a Wii or another "
	                 "computer since; pair it again (red sync button)"))
		fail_msg("message: %s", msg);

	/* A board that never comes: a clear error after the wait. */
	t0 = dev_now_us();
	d = NULL;
	dev_info which = found[1];
	dev_open_cfg oc = {.reopen = true}; /* a reopen does not wait */
	assert_int_equal(wbbu_open_msg(&d, &which, &oc, msg, sizeof msg), POISE_E_NOT_FOUND);
	assert_null(d);
	assert_true(seconds_since(t0) < 1.0);
}

static void link_lost_mid_stream_keeps_every_frame_then_reconnects(void **state)
{
	bt_emu_cfg cfg = {.seed = 3, .acl_in_frag = 9};
	fixture *fx = *state = new_fixture(&cfg);
	double kg[4];
	standing(80, -30, 20, kg);
	bt_emu_set_loads(fx->emu, kg);
	pair_once(fx);
	bt_emu_board_power(fx->emu, true, 0);
	dev *d = open_spec("wbb-usb:" BOARD);
	size_t first = bt_emu_reports(fx->emu, NULL, 0);
	acq *a;
	assert_int_equal(acq_create(&a, d, 1 << 14), POISE_OK);
	assert_int_equal(acq_start(a), POISE_OK);
	size_t n = 0;
	mono_us until = dev_now_us() + 5000000u;
	while (n < 50 && dev_now_us() < until) {
		n += acq_pop(a, fx->got + n, MAXF - n);
		sched_yield();
	}
	/* Out of range: the link times out. */
	bt_emu_board_power(fx->emu, false, BT_ST_CONN_TIMEOUT);
	int err = POISE_OK;
	until = dev_now_us() + 5000000u;
	while (acq_state(a, &err) != ACQ_ENDED && dev_now_us() < until)
		n += acq_pop(a, fx->got + n, MAXF - n);
	assert_int_equal(acq_state(a, &err), ACQ_ENDED);
	assert_int_equal(err, POISE_E_DISCONNECTED);
	n += acq_pop(a, fx->got + n, MAXF - n);
	/* Every report the host received before the link went is a frame. */
	assert_int_equal(n, bt_emu_reports(fx->emu, NULL, 0) - first);
	assert_int_equal(check_against_sent(fx, fx->got, n, first), 0);
	/* The adapter is left listening, not reset and not given back. */
	bt_emu_stats es;
	bt_emu_get_stats(fx->emu, &es);
	assert_true(es.scan_page);

	/* While the board is away, reconnecting finds nothing, at once. */
	dev *before = d;
	mono_us t0 = dev_now_us();
	assert_int_equal(dev_reconnect(&d, &a, 1 << 14, &(dev_open_cfg){0}), POISE_E_NOT_FOUND);
	double miss_s = seconds_since(t0);
	assert_true(miss_s < 1.0);
	assert_ptr_equal(d, before);

	/* Switched on again: it pages the adapter, which holds the request
	 * until the next look. */
	bt_emu_board_power(fx->emu, true, 0);
	usleep(100000);
	t0 = dev_now_us();
	int rc = POISE_E_NOT_FOUND;
	while (rc == POISE_E_NOT_FOUND && seconds_since(t0) < 3) {
		rc = dev_reconnect(&d, &a, 1 << 14, &(dev_open_cfg){0});
		if (rc == POISE_E_NOT_FOUND)
			usleep(100000);
	}
	assert_int_equal(rc, POISE_OK);
	printf("  wbb-usb: a reconnect attempt while the board is away takes %.0f ms; back in %.0f ms\n",
	       miss_s * 1e3, seconds_since(t0) * 1e3);
	assert_string_equal(d->info.serial, BOARD);
	assert_int_equal(acq_state(a, NULL), ACQ_RUNNING);
	size_t m = 0;
	until = dev_now_us() + 5000000u;
	while (m < 30 && dev_now_us() < until) {
		m += acq_pop(a, fx->got + m, 30 - m);
		sched_yield();
	}
	assert_int_equal(m, 30);
	for (size_t i = 0; i < m; i++)
		assert_int_equal(fx->got[i].seq, i);
	bt_emu_get_stats(fx->emu, &es);
	assert_int_equal(es.pin_pairings, 1);
	assert_int_equal(es.cmd_violations, 0);
	assert_int_equal(es.acl_violations, 0);
	acq_destroy(a);
	dev_close(d);
}

/* A new board (sync button) with someone of mass_kg on it, paired,
 * streaming, 20 frames read into fx->got; *first = the reports before. */
static dev *streaming(void **state, const bt_emu_cfg *cfg, double mass_kg, size_t *first)
{
	fixture *fx = *state = new_fixture(cfg);
	double kg[4];
	standing(mass_kg, 10, 10, kg);
	bt_emu_set_loads(fx->emu, kg);
	bt_emu_board_sync(fx->emu);
	dev *d = open_spec("wbb-usb");
	*first = bt_emu_reports(fx->emu, NULL, 0);
	assert_int_equal(d->ops->start(d), POISE_OK);
	assert_int_equal(td_read_frames(d, fx->got, 20, 3000), 20);
	return d;
}

static void an_unplugged_adapter_ends_the_stream_with_every_frame(void **state)
{
	size_t first, n = 20;
	dev *d = streaming(state, &(bt_emu_cfg){.seed = 4}, 50, &first);
	fixture *fx = *state;
	bt_emu_unplug(fx->emu);
	int rc = POISE_OK;
	mono_us until = dev_now_us() + 3000000u;
	while (rc == POISE_OK && dev_now_us() < until) {
		size_t k = 0;
		rc = d->ops->read(d, fx->got + n, 64, &k, 50);
		n += k;
	}
	assert_int_equal(rc, POISE_E_DISCONNECTED);
	assert_int_equal(n, bt_emu_reports(fx->emu, NULL, 0) - first);
	check_against_sent(fx, fx->got, n, first);
	dev *d2 = NULL;
	assert_int_equal(dev_reopen(&d2, &d->info, &(dev_open_cfg){0}), POISE_E_NOT_FOUND);
	dev_close(d);
}

/* Opens the adapter's entry, expecting failure; the message. */
static int open_fails(char *msg, size_t len, double *secs)
{
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(wbbu_ops.enumerate(found, 4, &n), POISE_OK);
	assert_true(n >= 1);
	dev *d = NULL;
	mono_us t0 = dev_now_us();
	int rc = wbbu_open_msg(&d, &found[0], &(dev_open_cfg){0}, msg, len);
	*secs = seconds_since(t0);
	assert_null(d);
	assert_int_not_equal(rc, POISE_OK);
	return rc;
}

/* The adapter answers one command wrongly: open fails with rc and a
 * message naming the command, within [min_s, max_s). */
static void adapter_fault(void **state, uint16_t op, enum bt_emu_cmd_fault how, int rc,
                          const char *text, double min_s, double max_s)
{
	bt_emu_cfg cfg = {.board_sync = true};
	fixture *fx = *state = new_fixture(&cfg);
	bt_emu_fail_command(fx->emu, op, how);
	char msg[512];
	double s;
	assert_int_equal(open_fails(msg, sizeof msg, &s), rc);
	if (!strstr(msg, text))
		fail_msg("message: %s", msg);
	if (!(s >= min_s && s < max_s))
		fail_msg("failed after %.2f s", s);
	/* What `poise record --device wbb-usb` prints says the same. */
	dev *d = NULL;
	assert_int_equal(dev_open_spec(&d, "wbb-usb", &(dev_open_cfg){0}, msg, sizeof msg), rc);
	if (!strstr(msg, "cannot open Wii Balance Board (usb:1-1): ") || !strstr(msg, text))
		fail_msg("dev_open_spec said: %s", msg);
	/* The adapter was let go: it is listed as usable again. */
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(wbbu_ops.enumerate(found, 4, &n), POISE_OK);
	assert_true(found[0].usable);
}

static void an_adapter_that_answers_with_an_error_says_which_command(void **state)
{
	adapter_fault(state, BT_CMD_RESET, BTE_CMD_ERROR, POISE_E_IO,
	              "answered HCI_Reset with error 0x03 (hardware failure)", 0, 1.5);
}

static void an_adapter_that_never_answers_times_out_clearly(void **state)
{
	adapter_fault(state, BT_CMD_READ_BD_ADDR, BTE_CMD_SILENT, POISE_E_TIMEOUT,
	              "did not answer HCI_Read_BD_ADDR within 2 s: unplug it and plug it back in", 1.9, 4);
}

static void a_wii_remote_or_a_corrupt_board_is_refused(void **state)
{
	bt_emu_cfg cfg = {.board_sync = true, .not_a_board = true};
	fixture *fx = *state = new_fixture(&cfg);
	char msg[512];
	double s;
	assert_int_equal(open_fails(msg, sizeof msg, &s), POISE_E_PROTOCOL);
	if (!strstr(msg, "not a Wii Balance Board (extension id 0000 a420 0000)"))
		fail_msg("message: %s", msg);
	bt_emu_destroy(fx->emu);
	cfg = (bt_emu_cfg){.board_sync = true, .corrupt_calib = true};
	assert_int_equal(bt_emu_create(&fx->emu, &cfg), 0);
	assert_int_equal(open_fails(msg, sizeof msg, &s), POISE_E_PROTOCOL);
	if (!strstr(msg, "calibration block is corrupt (sensor top-left)"))
		fail_msg("message: %s", msg);
}

static void malformed_packets_are_dropped_counted_and_flagged(void **state)
{
	size_t first, n = 20;
	dev *d = streaming(state, &(bt_emu_cfg){.seed = 5, .acl_in_frag = 7}, 65, &first);
	fixture *fx = *state;
	/* Each before its own data report, so each flags one frame (or none). */
	static const enum bt_emu_fault faults[] = {
		BTE_BAD_L2CAP_LEN, BTE_ORPHAN_CONT, BTE_UNKNOWN_CID, BTE_OTHER_HANDLE, BTE_TRUNC_SIG,
		BTE_UNKNOWN_SIG,   BTE_HID_NO_HEADER, BTE_HID_SHORT, BTE_HID_UNKNOWN, BTE_STATUS,
	};
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		bt_emu_inject(fx->emu, faults[i]);
		/* Reading on until it has gone out, so no two share a report. */
		bt_emu_stats es;
		mono_us until = dev_now_us() + 3000000u;
		do {
			n += td_read_frames(d, fx->got + n, 1, 100);
			bt_emu_get_stats(fx->emu, &es);
		} while (es.faults_sent < i + 1 && dev_now_us() < until);
		assert_int_equal(es.faults_sent, i + 1);
		n += td_read_frames(d, fx->got + n, 3, 3000);
	}
	size_t before = n;
	n += td_read_frames(d, fx->got + n, 20, 3000);
	assert_int_equal(n, before + 20); /* the stream never stopped */
	size_t gaps = check_against_sent(fx, fx->got, n, first);
	/* A gap after each dropped packet that may have carried a sample (6
	 * of the 10: not the signalling ones, the unknown report or the
	 * status). */
	assert_int_equal(gaps, 6);
	wbbu_stats st;
	wbbu_get_stats(d, &st);
	assert_int_equal(st.bad_hid, 2);
	assert_int_equal(st.bad_link, 5);
	assert_int_equal(st.sig_rejected, 1);
	assert_int_equal(st.other_reports, 1);
	assert_int_equal(st.status_reports, 2); /* the one asked at set-up, the injected one */
	bt_emu_stats es;
	bt_emu_get_stats(fx->emu, &es);
	assert_int_equal(es.rejects_from_host, 1);
	assert_int_equal(es.mode_sets, 2); /* set again after the unasked status */
	assert_int_equal(es.cmd_violations, 0);
	dev_close(d);
}

static void owned_by_the_system_unless_given_to_poise(void **state)
{
	bt_emu_cfg cfg = {.board_sync = true, .kernel_driver = true, .driver_loaded = true};
	fixture *fx = *state = new_fixture(&cfg);
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(wbbu_ops.enumerate(found, 4, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_false(found[0].usable);
	assert_int_equal(found[0].err, POISE_E_BUSY);
	assert_non_null(strstr(found[0].note, "is the system's Bluetooth; if it is a dongle for Poise "
	                                      "alone: POISE_BT_ADAPTER=0a12:0001"));
	dev *d = NULL;
	char msg[512];
	assert_int_equal(dev_open_spec(&d, "wbb-usb", &(dev_open_cfg){0}, msg, sizeof msg), POISE_E_BUSY);
	assert_non_null(strstr(msg, "is the system's Bluetooth"));
	bt_emu_stats es;
	bt_emu_get_stats(fx->emu, &es);
	assert_true(es.kernel_driver);

	setenv(WBBU_ENV_ADAPTER, "1234:5678,0a12:0001", 1);
	assert_int_equal(wbbu_ops.enumerate(found, 4, &n), POISE_OK);
	assert_true(found[0].usable);
	assert_non_null(strstr(found[0].note, "(Poise takes it from the system's Bluetooth)"));
	d = open_spec("wbb-usb");
	assert_non_null(strstr(d->info.note, "the system's Bluetooth gets it back at close"));
	bt_emu_get_stats(fx->emu, &es);
	assert_false(es.kernel_driver); /* detached while Poise has it */
	dev_close(d);
	bt_emu_get_stats(fx->emu, &es);
	assert_true(es.kernel_driver); /* given back */
}

/* `poise devices` and `poise record` as separate processes: the testbed
 * and the ioctl socket are shared through the environment. */
static void poise_devices_and_record_through_the_emulation(void **state)
{
	bt_emu_cfg cfg = {.seed = 6};
	fixture *fx = *state = new_fixture(&cfg);
	double kg[4];
	standing(70, 0, 0, kg);
	bt_emu_set_loads(fx->emu, kg);
	pair_once(fx);
	char env[1024];
	td_child_env(env, sizeof env);
	size_t k = strlen(env);
	snprintf(env + k, sizeof env - k, " XDG_DATA_HOME='%s'", fx->home);
	char *out = NULL, *err = NULL;
	assert_int_equal(tu_run(&out, &err, "%s %s devices", env, POISE_BIN), 0);
	if (!strstr(out, "wbb-usb usb:1-1 ") || !strstr(out, "wbb-usb usb:1-1/" BOARD) ||
	    !strstr(out, "serial " BOARD) || !strstr(out, "paired with CSR8510 A10; battery"))
		fail_msg("poise devices said:\n%s\n%s", out, err);
	free(out), free(err);

	/* A trial recorded from the board (switched on first). */
	bt_emu_board_power(fx->emu, true, 0);
	char db[600];
	snprintf(db, sizeof db, "%s/p.db", fx->home);
	assert_int_equal(tu_run(&out, &err, "%s %s --db '%s' patient add P", env, POISE_BIN, db), 0);
	free(out), free(err);
	int code = tu_run(&out, &err,
	                  "%s %s --db '%s' record --device wbb-usb:" BOARD " --patient P --trial quiet-eo "
	                  "--seconds 2 --json", env, POISE_BIN, db);
	if (code != 0)
		fail_msg("poise record: exit %d\n%s\n%s", code, out, err);
	assert_non_null(strstr(out, "\"status\": \"complete\""));
	/* 200 at 100 Hz; fewer only if a loaded machine stalled the stream
	 * for more than the pipeline bridges (0.25 s), which it then says. */
	assert_true(tu_json_num(out, "n_samples") >= 100);
	free(out), free(err);

	/* Without permission on the adapter (as an ordinary user). */
	const char *as_user = td_deny_node(bt_emu_root(fx->emu), bt_emu_devnode(fx->emu));
	chmod(fx->home, 0755);
	code = tu_run(&out, &err, "%s %s %s devices", env, as_user, POISE_BIN);
	if (code != 0 || !strstr(out, "permission denied: install assets/udev/70-poise-wbb-usb.rules"))
		fail_msg("poise devices as a user: exit %d\n%s\n%s", code, out, err);
	free(out), free(err);
	td_allow_node(bt_emu_root(fx->emu), bt_emu_devnode(fx->emu));
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!bt_emu_ensure_preload(argv))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(discovers_pairs_and_streams_known_loads_into_the_right_cop, teardown),
		cmocka_unit_test_teardown(a_paired_board_reconnects_by_itself, teardown),
		cmocka_unit_test_teardown(link_lost_mid_stream_keeps_every_frame_then_reconnects, teardown),
		cmocka_unit_test_teardown(an_unplugged_adapter_ends_the_stream_with_every_frame, teardown),
		cmocka_unit_test_teardown(an_adapter_that_answers_with_an_error_says_which_command, teardown),
		cmocka_unit_test_teardown(an_adapter_that_never_answers_times_out_clearly, teardown),
		cmocka_unit_test_teardown(a_wii_remote_or_a_corrupt_board_is_refused, teardown),
		cmocka_unit_test_teardown(malformed_packets_are_dropped_counted_and_flagged, teardown),
		cmocka_unit_test_teardown(owned_by_the_system_unless_given_to_poise, teardown),
		cmocka_unit_test_teardown(poise_devices_and_record_through_the_emulation, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
