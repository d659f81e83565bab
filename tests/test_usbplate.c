/* The USB plate backend end to end: real libusb and its Linux usbfs code
 * against an emulated plate (tests/emu: umockdev answering usbdevfs ioctls
 * from the firmware core itself). Every received frame is compared with
 * what the plate put on the wire: the lists must match exactly, so a
 * dropped, reordered or invented frame fails. */
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_assert.h"
#include "test_util.h"
#include "test_dev.h"

#include "core/error.h"
#include "core/platecal.h"
#include "device/acq.h"
#include "device/device.h"
#include "device/reconnect.h"
#include "device/usbplate.h"
#include "plate_emu.h"

#define MAXF 200000

typedef struct fixture {
	emu_plate *emu;
	poise_frame *got;
	emu_sent_frame *sent;
} fixture;

static fixture *new_fixture(const emu_cfg *cfg)
{
	fixture *fx = calloc(1, sizeof *fx);
	assert_int_equal(emu_create(&fx->emu, cfg), 0);
	fx->got = calloc(MAXF, sizeof *fx->got);
	fx->sent = calloc(MAXF, sizeof *fx->sent);
	return fx;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	if (fx) {
		emu_destroy(fx->emu);
		free(fx->got);
		free(fx->sent);
		free(fx);
	}
	return 0;
}

static dev *open_plate(uint16_t rate)
{
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(usbp_ops.enumerate(found, 4, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_true(found[0].usable);
	dev *d = NULL;
	dev_open_cfg oc = {.rate_hz = rate};
	assert_int_equal(usbp_ops.open(&d, &found[0], &oc), POISE_OK);
	return d;
}

/* The received frames must be exactly the first n frames the plate sent
 * intact: same sequence numbers in the same order, forces from their
 * counts through the calibration, FRAME_GAP exactly where numbers jump,
 * overrange flags from the status bits, timestamps strictly increasing. */
static void check_against_sent(fixture *fx, const poise_frame *got, size_t n, uint32_t first_seq)
{
	size_t sent = emu_sent(fx->emu, fx->sent, MAXF);
	assert_true(sent >= n);
	pp_calib cal;
	emu_calibration(fx->emu, &cal);
	uint32_t expect = first_seq;
	for (size_t i = 0; i < n; i++) {
		const emu_sent_frame *s = &fx->sent[i];
		if (got[i].seq != s->seq)
			fail_msg("frame %zu: seq %u, the plate sent %u", i, got[i].seq, s->seq);
		bool jumped = s->seq != expect;
		assert_int_equal((got[i].flags & FRAME_GAP) != 0, jumped);
		expect = s->seq + 1;
		for (unsigned c = 0; c < 4; c++) {
			double f = (double)cal.gain_n_per_count[c] * (double)(s->counts[c] - cal.offset_counts[c]);
			assert_double_equal(got[i].force_n[c], f, 1e-9);
			assert_int_equal((got[i].flags & FRAME_OVERRANGE(c)) != 0, (s->status & PP_ST_OVER(c)) != 0);
		}
		if (i > 0)
			assert_true(got[i].t_us > got[i - 1].t_us);
	}
}

static void enumerate_finds_the_plate_with_its_serial_and_rate(void **state)
{
	emu_cfg cfg = {.serial = "PLATE-42", .default_rate_hz = 500};
	fixture *fx = *state = new_fixture(&cfg);
	(void)fx;
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(usbp_ops.enumerate(found, 4, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(found[0].backend, "usb");
	assert_string_equal(found[0].id, "usb:1-1");
	assert_string_equal(found[0].serial, "PLATE-42");
	assert_double_equal(found[0].rate_hz, 500, 0);
	assert_double_equal(found[0].plate.width_mm, 433.0, 1e-9);
	assert_double_equal(found[0].plate.depth_mm, 238.0, 1e-9);
	assert_true(found[0].usable);
	assert_string_equal(found[0].note, "");
	/* Opened by serial through the registry, as `--device usb:PLATE-42`. */
	dev *d = NULL;
	char msg[256];
	assert_int_equal(dev_open_spec(&d, "usb:PLATE-42", &(dev_open_cfg){0}, msg, sizeof msg), POISE_OK);
	assert_double_equal(d->info.rate_hz, 500, 0);
	dev_close(d);
	assert_int_equal(dev_open_spec(&d, "usb:NOPE", &(dev_open_cfg){0}, msg, sizeof msg),
	                 POISE_E_NOT_FOUND);
}

static void stream_realtime(void **state, uint16_t rate, size_t n)
{
	emu_cfg cfg = {.realtime = true};
	fixture *fx = *state = new_fixture(&cfg);
	dev *d = open_plate(rate);
	assert_double_equal(d->info.rate_hz, rate, 0);
	assert_int_equal(d->ops->start(d), POISE_OK);
	mono_us t0 = dev_now_us();
	size_t got = td_read_frames(d, fx->got, n, (int)(n * 1000 / rate) + 3000);
	mono_us t1 = dev_now_us();
	assert_int_equal(got, n);
	check_against_sent(fx, fx->got, n, 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(fx->got[i].seq, i); /* every frame, none lost */
		assert_int_equal(fx->got[i].flags, 0);
	}
	/* Paced by the plate's clock: n frames take n periods, and the mapped
	 * times are host times of about when they arrived. */
	double span_s = (double)(fx->got[n - 1].t_us - fx->got[0].t_us) * 1e-6;
	assert_double_equal(span_s, (double)(n - 1) / rate, 0.01);
	assert_true((double)(t1 - t0) * 1e-6 >= (double)(n - 1) / rate);
	assert_true(fx->got[n - 1].t_us <= t1);
	assert_true(fx->got[n - 1].t_us + 50000 >= t1);
	usbp_stats st;
	usbp_get_stats(d, &st);
	assert_true(st.frames >= n);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.crc_errors, 0);
	assert_int_equal(d->ops->stop(d), POISE_OK);
	size_t k;
	assert_int_equal(d->ops->read(d, fx->got, 1, &k, 0), POISE_E_STATE);
	dev_close(d);
}

static void streams_100_hz_every_frame_in_order(void **state)
{
	stream_realtime(state, 100, 150);
}

static void streams_1000_hz_every_frame_in_order(void **state)
{
	stream_realtime(state, 1000, 1500);
}

static void fast_stream_through_the_acquisition_thread(void **state)
{
	emu_cfg cfg = {.realtime = false};
	fixture *fx = *state = new_fixture(&cfg);
	dev *d = open_plate(1000);
	acq *a;
	assert_int_equal(acq_create(&a, d, 1 << 17), POISE_OK);
	assert_int_equal(acq_start(a), POISE_OK);
	size_t n = 0, want = 100000;
	mono_us until = dev_now_us() + 60000000u;
	while (n < want && dev_now_us() < until) {
		size_t k = acq_pop(a, fx->got + n, want - n);
		n += k;
		if (!k)
			sched_yield();
	}
	acq_stop(a);
	assert_int_equal(n, want);
	assert_int_equal(acq_overflows(a), 0);
	check_against_sent(fx, fx->got, n, 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fx->got[i].seq, i);
	acq_destroy(a);
	dev_close(d);
}

static void crc_errors_are_dropped_counted_and_flagged(void **state)
{
	fixture *fx = *state = new_fixture(&(emu_cfg){0});
	dev *d = open_plate(1000);
	assert_int_equal(d->ops->start(d), POISE_OK);
	size_t got = td_read_frames(d, fx->got, 100, 5000);
	emu_inject(fx->emu, EMU_CORRUPT, 3, 0);
	got += td_read_frames(d, fx->got + got, 200, 5000);
	emu_inject(fx->emu, EMU_CORRUPT, 1, 0);
	got += td_read_frames(d, fx->got + got, 200, 5000);
	assert_int_equal(got, 500);
	check_against_sent(fx, fx->got, got, 0);
	size_t gaps = 0;
	for (size_t i = 0; i < got; i++)
		gaps += (fx->got[i].flags & FRAME_GAP) != 0;
	assert_int_equal(gaps, 2);
	assert_int_equal(fx->got[got - 1].seq, got - 1 + 4); /* four never arrived */
	usbp_stats st;
	usbp_get_stats(d, &st);
	assert_int_equal(st.crc_errors, 4);
	assert_int_equal(st.lost, 4);
	d->ops->stop(d);
	dev_close(d);
}

static void sequence_gaps_are_counted_and_flagged(void **state)
{
	fixture *fx = *state = new_fixture(&(emu_cfg){0});
	dev *d = open_plate(1000);
	assert_int_equal(d->ops->start(d), POISE_OK);
	size_t got = td_read_frames(d, fx->got, 64, 5000);
	emu_inject(fx->emu, EMU_DROP, 5, 0);
	got += td_read_frames(d, fx->got + got, 400, 5000); /* frames in flight come first */
	assert_int_equal(got, 464);
	check_against_sent(fx, fx->got, got, 0);
	size_t gap_at = 0, gaps = 0;
	for (size_t i = 0; i < got; i++)
		if (fx->got[i].flags & FRAME_GAP)
			gaps++, gap_at = i;
	assert_int_equal(gaps, 1);
	assert_int_equal(fx->got[gap_at].seq, fx->got[gap_at - 1].seq + 6);
	usbp_stats st;
	usbp_get_stats(d, &st);
	assert_int_equal(st.lost, 5);
	assert_int_equal(st.crc_errors, 0);
	d->ops->stop(d);
	dev_close(d);
}

static void overrange_sets_the_cell_flag(void **state)
{
	fixture *fx = *state = new_fixture(&(emu_cfg){0});
	dev *d = open_plate(1000);
	/* Armed before START: samples 0–3 saturate the BR cell. */
	emu_inject(fx->emu, EMU_OVERRANGE, 4, CELL_BR);
	assert_int_equal(d->ops->start(d), POISE_OK);
	size_t got = td_read_frames(d, fx->got, 64, 5000);
	assert_int_equal(got, 64);
	check_against_sent(fx, fx->got, got, 0);
	for (size_t i = 0; i < got; i++)
		assert_int_equal(fx->got[i].flags, i < 4 ? FRAME_OVERRANGE_BR : 0);
	d->ops->stop(d);
	dev_close(d);
}

static void unplug_keeps_every_frame_then_replug_resumes(void **state)
{
	emu_cfg cfg = {.realtime = true, .serial = "PLATE-7"};
	fixture *fx = *state = new_fixture(&cfg);
	dev *d = open_plate(1000);
	acq *a;
	assert_int_equal(acq_create(&a, d, 1 << 16), POISE_OK);
	assert_int_equal(acq_start(a), POISE_OK);
	size_t n = 0;
	while (n < 300) {
		n += acq_pop(a, fx->got + n, MAXF - n);
		sched_yield();
	}
	emu_unplug(fx->emu);
	int err = POISE_OK;
	mono_us until = dev_now_us() + 5000000u;
	while (acq_state(a, &err) != ACQ_ENDED && dev_now_us() < until)
		n += acq_pop(a, fx->got + n, MAXF - n);
	assert_int_equal(acq_state(a, &err), ACQ_ENDED);
	assert_int_equal(err, POISE_E_DISCONNECTED);
	n += acq_pop(a, fx->got + n, MAXF - n);
	/* Everything the plate got onto the wire before the cable went is here. */
	assert_int_equal(n, emu_sent(fx->emu, NULL, 0));
	check_against_sent(fx, fx->got, n, 0);

	/* While it is away, reconnecting finds nothing and changes nothing. */
	dev *before = d;
	acq *a_before = a;
	assert_int_equal(dev_reconnect(&d, &a, 1 << 16, &(dev_open_cfg){0}), POISE_E_NOT_FOUND);
	assert_ptr_equal(d, before);
	assert_ptr_equal(a, a_before);

	/* Plugged back in: same serial, a fresh stream from sequence 0. */
	assert_int_equal(emu_replug(fx->emu), 0);
	assert_int_equal(dev_reconnect(&d, &a, 1 << 16, &(dev_open_cfg){0}), POISE_OK);
	assert_string_equal(d->info.serial, "PLATE-7");
	assert_int_equal(acq_state(a, NULL), ACQ_RUNNING);
	size_t sent_before = n, m = 0;
	until = dev_now_us() + 5000000u;
	while (m < 200 && dev_now_us() < until) {
		m += acq_pop(a, fx->got + m, 200 - m);
		sched_yield();
	}
	assert_int_equal(m, 200);
	for (size_t i = 0; i < m; i++) {
		assert_int_equal(fx->got[i].seq, i);
		assert_int_equal(fx->got[i].flags, 0);
	}
	assert_true(emu_sent(fx->emu, NULL, 0) >= sent_before + m);
	acq_destroy(a);
	dev_close(d);
}

static void refused(void **state, const emu_cfg *cfg, const char *note_part)
{
	fixture *fx = *state = new_fixture(cfg);
	(void)fx;
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(usbp_ops.enumerate(found, 4, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_false(found[0].usable);
	assert_int_equal(found[0].err, POISE_E_PROTOCOL);
	if (!strstr(found[0].note, note_part))
		fail_msg("note '%s' does not say '%s'", found[0].note, note_part);
	dev *d = NULL;
	assert_int_equal(usbp_ops.open(&d, &found[0], &(dev_open_cfg){0}), POISE_E_PROTOCOL);
	assert_null(d);
	char msg[512];
	assert_int_equal(dev_open_spec(&d, "usb", &(dev_open_cfg){0}, msg, sizeof msg), POISE_E_PROTOCOL);
	assert_null(d);
	if (!strstr(msg, note_part))
		fail_msg("message '%s' does not say '%s'", msg, note_part);
	/* Nothing was streamed: no frame, no force. */
	assert_int_equal(emu_sent(fx->emu, NULL, 0), 0);
}

static void newer_protocol_is_refused_clearly(void **state)
{
	emu_cfg cfg = {.proto_major = 2};
	refused(state, &cfg, "protocol 2.0, newer than this Poise");
}

static void corrupt_calibration_is_refused_clearly(void **state)
{
	emu_cfg cfg = {.calib = EMU_CALIB_CORRUPT};
	refused(state, &cfg, "calibration block is corrupt (CRC mismatch)");
}

static void blank_calibration_is_refused_clearly(void **state)
{
	emu_cfg cfg = {.calib = EMU_CALIB_BLANK};
	refused(state, &cfg, "never been calibrated");
}

/* The device choice (registry.c) with a plate present. "auto" for a
 * patient opens the plate; when the plate cannot be used, it refuses and
 * says which plate and why, and what to do; "auto" for a demo falls back
 * to the sim and says why. The machine-independent cases are in
 * test_registry.c. */
#define CHOICE_TAIL "Connect a plate, or choose --device sim for a demo: such sessions are " \
                    "stored as simulated."

static void auto_real_only_opens_the_plate(void **state)
{
	emu_cfg cfg = {.serial = "PLATE-9"};
	fixture *fx = *state = new_fixture(&cfg);
	(void)fx;
	dev *d = NULL;
	bool fell_back = true;
	char msg[512];
	int rc = dev_open_choice(&d, "auto", DEV_AUTO_REAL_ONLY, &(dev_open_cfg){0}, &fell_back, msg,
	                         sizeof msg);
	if (rc)
		fail_msg("auto, real plates only: %s", msg);
	assert_string_equal(d->info.backend, "usb");
	assert_string_equal(d->info.serial, "PLATE-9");
	assert_false(dev_is_simulated(&d->info));
	assert_false(fell_back);
	assert_string_equal(msg, "");
	dev_close(d);
}

static void auto_says_why_the_plate_cannot_be_used(void **state)
{
	emu_cfg cfg = {.serial = "PLATE-7", .calib = EMU_CALIB_BLANK};
	fixture *fx = *state = new_fixture(&cfg);
	(void)fx;
	dev *d = NULL;
	bool fell_back = true;
	char msg[1024];
	assert_int_equal(dev_open_choice(&d, "auto", DEV_AUTO_REAL_ONLY, NULL, &fell_back, msg,
	                                 sizeof msg),
	                 POISE_E_PROTOCOL);
	assert_null(d);
	assert_false(fell_back);
	assert_string_equal(msg, "no force plate can be used:\n  USB force plate usb:1-1 (serial "
	                         "PLATE-7): it has never been calibrated: set it up in Poise's "
	                         "plate check (C)\n  Wii Balance "
	                         "Board: none found\n  Wii Balance Board on a USB Bluetooth adapter: "
	                         "none found\n" CHOICE_TAIL);

	/* A demo falls back, and says why the plate was passed over. */
	assert_int_equal(dev_open_choice(&d, "auto", 0, NULL, &fell_back, msg, sizeof msg), POISE_OK);
	assert_true(dev_is_simulated(&d->info));
	assert_true(fell_back);
	assert_string_equal(msg, "no usable force plate (USB force plate usb:1-1 (serial PLATE-7): it "
	                         "has never been calibrated: set it up in Poise's plate check (C); "
	                         "Wii Balance "
	                         "Board: none found; Wii Balance Board on a USB Bluetooth adapter: "
	                         "none found); using the simulated plate (demo, nothing measured)");
	dev_close(d);

	/* Too small a buffer shortens the list of plates, never the advice. */
	char small[200];
	memset(small, 'x', sizeof small);
	assert_int_equal(dev_open_choice(&d, NULL, DEV_AUTO_REAL_ONLY, NULL, NULL, small,
	                                 sizeof small),
	                 POISE_E_PROTOCOL);
	assert_true(strlen(small) < sizeof small);
	if (!tu_ends_with(small, "...\n" CHOICE_TAIL))
		fail_msg("the shortened refusal reads \"%s\"", small);
	assert_non_null(strstr(small, "no force plate can be used:\n  USB force plate usb:1-1"));
}

static void a_second_open_is_busy(void **state)
{
	fixture *fx = *state = new_fixture(&(emu_cfg){0});
	(void)fx;
	dev *d = open_plate(1000), *d2 = NULL;
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(usbp_ops.enumerate(found, 4, &n), POISE_OK);
	assert_false(found[0].usable);
	assert_int_equal(found[0].err, POISE_E_BUSY);
	assert_non_null(strstr(found[0].note, "in use"));
	assert_int_equal(usbp_ops.open(&d2, &found[0], &(dev_open_cfg){0}), POISE_E_BUSY);
	dev_close(d);
	assert_int_equal(usbp_ops.open(&d2, &found[0], &(dev_open_cfg){0}), POISE_OK);
	dev_close(d2);
}

static void an_unsupported_rate_is_refused(void **state)
{
	fixture *fx = *state = new_fixture(&(emu_cfg){0});
	(void)fx;
	dev_info found[4];
	size_t n = 0;
	assert_int_equal(usbp_ops.enumerate(found, 4, &n), POISE_OK);
	dev *d = NULL;
	assert_int_equal(usbp_ops.open(&d, &found[0], &(dev_open_cfg){.rate_hz = 333}), POISE_E_UNSUPPORTED);
	assert_null(d);
	assert_int_equal(usbp_ops.open(&d, &found[0], &(dev_open_cfg){.rate_hz = 200}), POISE_OK);
	assert_double_equal(d->info.rate_hz, 200, 0);
	dev_close(d);
}

static void stop_then_start_restarts_the_sequence(void **state)
{
	fixture *fx = *state = new_fixture(&(emu_cfg){0});
	dev *d = open_plate(1000);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(d->ops->start(d), POISE_OK);
		assert_int_equal(d->ops->start(d), POISE_E_STATE);
		poise_frame f[40];
		assert_int_equal(td_read_frames(d, f, 40, 5000), 40);
		for (size_t i = 0; i < 40; i++)
			assert_int_equal(f[i].seq, i);
		assert_int_equal(d->ops->stop(d), POISE_OK);
		assert_int_equal(d->ops->stop(d), POISE_OK);
	}
	(void)fx;
	dev_close(d);
}

/* `poise devices`, as a separate process: the testbed and the ioctl
 * socket are shared through the environment. */
static void poise_devices_lists_the_plate_or_says_why_not(void **state)
{
	emu_cfg cfg = {.serial = "PLATE-CLI"};
	fixture *fx = *state = new_fixture(&cfg);
	char env[512];
	td_child_env(env, sizeof env);
	char *out = NULL, *err = NULL;
	assert_int_equal(tu_run(&out, &err, "%s %s devices", env, POISE_BIN), 0);
	assert_non_null(strstr(out, "usb     usb:1-1"));
	assert_non_null(strstr(out, "PLATE-CLI"));
	assert_non_null(strstr(out, "1000 Hz  ready"));
	assert_null(strstr(out, "No force plate found"));
	free(out), free(err);

	/* Without permission on the device node (as an ordinary user). */
	const char *as_user = td_deny_node(emu_root(fx->emu), emu_devnode(fx->emu));
	int code = tu_run(&out, &err, "%s %s %s devices", env, as_user, POISE_BIN);
	if (code != 0)
		fail_msg("poise devices as a user: exit %d\n%s\n%s", code, out, err);
	if (!strstr(out, "permission denied: install the udev rule"))
		fail_msg("poise devices said:\n%s\n%s", out, err);
	assert_non_null(strstr(out, "1 plate found, but this user may not open it (permission denied)"));
	assert_non_null(strstr(out, "sudo cp assets/udev/70-poise-plate.rules /etc/udev/rules.d/"));
	free(out), free(err);
	td_allow_node(emu_root(fx->emu), emu_devnode(fx->emu));

	/* Unplugged: none found, said plainly. */
	emu_unplug(fx->emu);
	assert_int_equal(tu_run(&out, &err, "%s %s devices", env, POISE_BIN), 0);
	assert_null(strstr(out, "usb:1-1"));
	assert_non_null(strstr(out, "No force plate found"));
	free(out), free(err);
}

/* ---- calibrating (usbp_cal_*) ---- */

/* Reads n raw frames (each read must succeed). */
static size_t cal_read_frames(usbp_cal *c, usbp_raw_frame *out, size_t n, int limit_ms)
{
	size_t got = 0;
	mono_us until = dev_now_us() + (mono_us)limit_ms * 1000u;
	while (got < n && dev_now_us() < until) {
		size_t k = 0;
		assert_int_equal(usbp_cal_read(c, out + got, n - got < 64 ? n - got : 64, &k, 50), POISE_OK);
		got += k;
	}
	return got;
}

static void a_blank_plate_opens_for_calibrating_and_streams_raw_counts(void **state)
{
	emu_cfg cfg = {.calib = EMU_CALIB_BLANK, .serial = "NEW-1"};
	fixture *fx = *state = new_fixture(&cfg);
	usbp_cal_found found[4];
	size_t n = 0;
	assert_int_equal(usbp_cal_enumerate(found, 4, &n), POISE_OK);
	assert_int_equal(n, 1);
	assert_true(found[0].can_calibrate);
	assert_int_equal(found[0].cal, USBP_CAL_BLANK);
	assert_false(found[0].info.usable);
	assert_string_equal(found[0].info.serial, "NEW-1");

	usbp_cal *c = NULL;
	char msg[256];
	assert_int_equal(usbp_cal_open(&c, "NEW-1", msg, sizeof msg), POISE_OK);
	assert_int_equal(usbp_cal_state(c, NULL), USBP_CAL_BLANK);
	const dev_info *di = usbp_cal_info(c);
	assert_false(di->usable);
	assert_double_equal(di->rate_hz, 100, 0); /* its lowest rate */
	assert_double_equal(di->plate.width_mm, 433, 1e-9);
	/* While it is open for calibrating, nobody else opens it. */
	dev *d = NULL;
	assert_int_equal(dev_open_spec(&d, "usb", &(dev_open_cfg){0}, msg, sizeof msg), POISE_E_BUSY);
	assert_null(d);
	usbp_cal *c2 = NULL;
	assert_int_equal(usbp_cal_open(&c2, NULL, msg, sizeof msg), POISE_E_BUSY);
	assert_null(c2);
	if (!strstr(msg, "in use by another program"))
		fail_msg("a busy plate: %s", msg);
	/* Raw counts, exactly as the plate sent them, none invented. */
	assert_int_equal(usbp_cal_read(c, NULL, 0, &n, 0), POISE_E_STATE);
	assert_int_equal(usbp_cal_start(c), POISE_OK);
	usbp_raw_frame got[300];
	assert_int_equal(cal_read_frames(c, got, 300, 5000), 300);
	assert_true(emu_sent(fx->emu, fx->sent, MAXF) >= 300);
	for (size_t i = 0; i < 300; i++) {
		assert_int_equal(got[i].seq, fx->sent[i].seq);
		assert_int_equal(got[i].flags, 0);
		assert_memory_equal(got[i].counts, fx->sent[i].counts, sizeof got[i].counts);
		assert_true(fx->sent[i].status & PP_ST_CALIB_INVALID);
		if (i > 0)
			assert_true(got[i].t_us > got[i - 1].t_us);
	}
	assert_int_equal(usbp_cal_stop(c), POISE_OK);
	assert_int_equal(usbp_cal_stop(c), POISE_OK);
	usbp_cal_close(c);
	/* Still refused for measuring. */
	assert_int_equal(dev_open_spec(&d, "usb", &(dev_open_cfg){0}, msg, sizeof msg), POISE_E_PROTOCOL);
	/* Nothing there to calibrate. */
	assert_int_equal(usbp_cal_open(&c, "OTHER", msg, sizeof msg), POISE_E_NOT_FOUND);
	assert_non_null(strstr(msg, "no USB force plate found matching OTHER"));
	/* `poise devices` names the app's set-up. */
	char env[512], *out = NULL, *err = NULL;
	td_child_env(env, sizeof env);
	assert_int_equal(tu_run(&out, &err, "%s %s devices", env, POISE_BIN), 0);
	if (!strstr(out, "NEW-1") || !strstr(out, "it has never been calibrated: set it up in Poise's plate check (C)"))
		fail_msg("poise devices said:\n%s", out);
	free(out), free(err);
}

static void a_written_calibration_is_read_back_and_the_plate_opens(void **state)
{
	emu_cfg cfg = {.calib = EMU_CALIB_CORRUPT};
	fixture *fx = *state = new_fixture(&cfg);
	usbp_cal *c = NULL;
	char msg[256];
	assert_int_equal(usbp_cal_open(&c, NULL, msg, sizeof msg), POISE_OK);
	assert_int_equal(usbp_cal_state(c, NULL), USBP_CAL_CORRUPT);
	pp_calib cal = {.offset_counts = {1000, -2000, 3000, -4000},
	                .gain_n_per_count = {2e-4f, -1e-4f, 3e-4f, 1e-4f},
	                .calibrated_at_s = 1750000000u};
	/* Only a stopped plate takes a calibration. */
	assert_int_equal(usbp_cal_start(c), POISE_OK);
	assert_int_equal(usbp_cal_write(c, &cal, msg, sizeof msg), POISE_E_STATE);
	assert_int_equal(usbp_cal_stop(c), POISE_OK);
	/* A block outside the protocol is not sent. */
	pp_calib bad = cal;
	bad.gain_n_per_count[2] = 2.0f;
	assert_int_equal(usbp_cal_write(c, &bad, msg, sizeof msg), POISE_E_RANGE);
	assert_non_null(strstr(msg, "nothing was written"));
	assert_int_equal(usbp_cal_state(c, NULL), USBP_CAL_CORRUPT);
	/* Written, read back. */
	assert_int_equal(usbp_cal_write(c, &cal, msg, sizeof msg), POISE_OK);
	pp_calib now;
	assert_int_equal(usbp_cal_state(c, &now), USBP_CAL_VALID);
	assert_memory_equal(&now, &cal, sizeof cal);
	assert_true(usbp_cal_info(c)->usable);
	usbp_cal_close(c);
	/* The plate opens normally, forces from the new block. */
	dev *d = open_plate(1000);
	assert_int_equal(d->ops->start(d), POISE_OK);
	assert_int_equal(td_read_frames(d, fx->got, 200, 5000), 200);
	size_t sent = emu_sent(fx->emu, fx->sent, MAXF);
	assert_true(sent >= 200);
	for (size_t i = 0; i < 200; i++) {
		const emu_sent_frame *f = &fx->sent[sent - 200 + i];
		assert_int_equal(fx->got[i].seq, f->seq);
		assert_false(f->status & PP_ST_CALIB_INVALID);
		for (unsigned k = 0; k < 4; k++)
			assert_double_equal(fx->got[i].force_n[k],
			                    (double)cal.gain_n_per_count[k] * (f->counts[k] - cal.offset_counts[k]), 1e-9);
	}
	d->ops->stop(d);
	dev_close(d);
}

/* One still window of raw counts after `settle` frames. */
static pcal_reading cal_window(usbp_cal *c, size_t settle, uint32_t n)
{
	usbp_raw_frame buf[64];
	size_t got = 0;
	while (got < settle) {
		size_t k = cal_read_frames(c, buf, settle - got < 64 ? settle - got : 64, 5000);
		assert_true(k > 0);
		got += k;
	}
	pcal_window w;
	pcal_window_begin(&w, n);
	bool full = false;
	while (!full) {
		size_t k = cal_read_frames(c, buf, 1, 5000);
		assert_int_equal(k, 1);
		full = pcal_window_add(&w, buf[0].counts);
	}
	pcal_reading r;
	pcal_window_reading(&w, &r);
	return r;
}

/* Calibrates the emulated plate as the app does (empty, the five spots
 * with 20 kg, empty again), writes it, opens the plate normally and
 * weighs a 20 kg mass at (60, −40) mm: returns the total and the COP's
 * distance from there. */
static void calibrate_end_to_end(fixture *fx, const pp_calib *hw, double *fz_err_n, double *cop_err_mm,
                                 double *gain_err)
{
	const dev_steer empty = {.on_plate = false};
	usbp_cal *c = NULL;
	char msg[256];
	assert_int_equal(usbp_cal_open(&c, NULL, msg, sizeof msg), POISE_OK);
	const dev_info *di = usbp_cal_info(c);
	pcal_input in = {.plate = di->plate, .mass_kg = 20, .n_places = PCAL_SPOTS};
	assert_int_equal(emu_steer(fx->emu, &empty), 0);
	assert_int_equal(usbp_cal_start(c), POISE_OK);
	in.empty = cal_window(c, 100, 100); /* the person steps off in 0.4 s */
	assert_int_equal(pcal_judge(&in.empty, NULL), PCAL_LOOK_STILL);
	for (int k = 0; k < PCAL_SPOTS; k++) {
		pcal_spot(&in.plate, k, &in.place[k].x_mm, &in.place[k].y_mm);
		dev_steer m = {.x_mm = in.place[k].x_mm, .y_mm = in.place[k].y_mm, .object_kg = 20};
		assert_int_equal(emu_steer(fx->emu, &m), 0);
		in.place[k].r = cal_window(c, 200, 100); /* frames queued before the mass went on go first */
		assert_int_equal(pcal_judge(&in.place[k].r, &in.empty), PCAL_LOOK_STILL);
	}
	assert_int_equal(emu_steer(fx->emu, &empty), 0);
	in.empty_after = cal_window(c, 200, 100);
	assert_int_equal(pcal_judge(&in.empty_after, &in.empty), PCAL_LOOK_NO_LOAD);
	assert_int_equal(usbp_cal_stop(c), POISE_OK);
	pcal_result r;
	if (pcal_fit(&in, &r) != POISE_OK)
		fail_msg("fit refused: problem %d cell %d place %d", r.problem, r.cell, r.place);
	*gain_err = 0;
	pp_calib cal = {.calibrated_at_s = 1750000000u};
	for (int ch = 0; ch < 4; ch++) {
		*gain_err = fmax(*gain_err, fabs(r.gain_n_per_count[ch] / hw->gain_n_per_count[ch] - 1));
		/* The zero to within 0.05 N (the sim's cells are 0.15 N noisy). */
		assert_double_equal((r.offset_counts[ch] - hw->offset_counts[ch]) * hw->gain_n_per_count[ch], 0, 0.05);
		assert_int_equal(r.reversed[ch], hw->gain_n_per_count[ch] < 0);
		cal.offset_counts[ch] = (int32_t)lround(r.offset_counts[ch]);
		cal.gain_n_per_count[ch] = (float)r.gain_n_per_count[ch];
	}
	assert_int_equal(usbp_cal_write(c, &cal, msg, sizeof msg), POISE_OK);
	usbp_cal_close(c);

	/* Measuring, the usual way. */
	dev *d = open_plate(1000);
	dev_steer m = {.x_mm = 60, .y_mm = -40, .object_kg = 20};
	assert_int_equal(emu_steer(fx->emu, &m), 0);
	assert_int_equal(d->ops->start(d), POISE_OK);
	assert_int_equal(td_read_frames(d, fx->got, 1500, 10000), 1500);
	double f[4] = {0};
	for (size_t i = 500; i < 1500; i++)
		for (int ch = 0; ch < 4; ch++)
			f[ch] += fx->got[i].force_n[ch] / 1000;
	cop_point p;
	assert_int_equal(cop_from_forces(&d->info.plate, f, 10, &p), POISE_OK);
	*fz_err_n = p.fz_n - 20 * PCAL_G_M_S2;
	*cop_err_mm = hypot(p.x_mm - 60, p.y_mm + 40);
	d->ops->stop(d);
	dev_close(d);
}

static void a_blank_plate_is_calibrated_end_to_end(void **state)
{
	/* The cells' truth, one wired the other way round. */
	pp_calib hw = {.offset_counts = {52000, -7000, 150000, 900},
	               .gain_n_per_count = {4e-4f, -5e-4f, 4.5e-4f, 3.5e-4f}};
	emu_cfg cfg = {.calib = EMU_CALIB_BLANK, .source = EMU_PERSON, .seed = 3, .hw = &hw};
	fixture *fx = *state = new_fixture(&cfg);
	double fz_err, cop_err, gain_err;
	calibrate_end_to_end(fx, &hw, &fz_err, &cop_err, &gain_err);
	print_message("blank plate calibrated on the emulator: gains within %.2e, then 20 kg at (60, -40) mm "
	              "reads %+.3f N, COP %.3f mm off\n",
	              gain_err, fz_err, cop_err);
	assert_true(gain_err < 2e-3);
	assert_true(fabs(fz_err) < 0.2);
	assert_true(cop_err < 0.5);
}

/* A working plate whose cells no longer match its block (a cell
 * replaced): it weighs wrong before, right after. */
static void a_working_plate_is_recalibrated(void **state)
{
	pp_calib hw;
	emu_calibration(NULL, &hw); /* the factory's block, in its flash */
	hw.gain_n_per_count[CELL_BR] *= 1.25f; /* a new cell, less sensitive per count */
	hw.offset_counts[CELL_BR] += 30000;
	emu_cfg cfg = {.source = EMU_PERSON, .seed = 4, .hw = &hw};
	fixture *fx = *state = new_fixture(&cfg);
	/* Before: the plate's block is valid but wrong. */
	dev *d = open_plate(1000);
	assert_int_equal(emu_steer(fx->emu, &(dev_steer){.object_kg = 20}), 0);
	assert_int_equal(d->ops->start(d), POISE_OK);
	assert_int_equal(td_read_frames(d, fx->got, 600, 10000), 600);
	double fz = 0;
	for (size_t i = 100; i < 600; i++)
		for (int ch = 0; ch < 4; ch++)
			fz += fx->got[i].force_n[ch] / 500;
	d->ops->stop(d);
	dev_close(d);
	double before = fz - 20 * PCAL_G_M_S2;
	assert_true(fabs(before) > 5);
	double fz_err, cop_err, gain_err;
	calibrate_end_to_end(fx, &hw, &fz_err, &cop_err, &gain_err);
	print_message("a plate with a replaced cell: 20 kg read %+.1f N off before, %+.3f N (COP %.3f mm) after\n",
	              before, fz_err, cop_err);
	assert_true(fabs(fz_err) < 0.2);
	assert_true(cop_err < 0.5);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!emu_ensure_preload(argv))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(enumerate_finds_the_plate_with_its_serial_and_rate, teardown),
		cmocka_unit_test_teardown(streams_100_hz_every_frame_in_order, teardown),
		cmocka_unit_test_teardown(streams_1000_hz_every_frame_in_order, teardown),
		cmocka_unit_test_teardown(fast_stream_through_the_acquisition_thread, teardown),
		cmocka_unit_test_teardown(crc_errors_are_dropped_counted_and_flagged, teardown),
		cmocka_unit_test_teardown(sequence_gaps_are_counted_and_flagged, teardown),
		cmocka_unit_test_teardown(overrange_sets_the_cell_flag, teardown),
		cmocka_unit_test_teardown(unplug_keeps_every_frame_then_replug_resumes, teardown),
		cmocka_unit_test_teardown(newer_protocol_is_refused_clearly, teardown),
		cmocka_unit_test_teardown(corrupt_calibration_is_refused_clearly, teardown),
		cmocka_unit_test_teardown(blank_calibration_is_refused_clearly, teardown),
		cmocka_unit_test_teardown(auto_real_only_opens_the_plate, teardown),
		cmocka_unit_test_teardown(auto_says_why_the_plate_cannot_be_used, teardown),
		cmocka_unit_test_teardown(a_second_open_is_busy, teardown),
		cmocka_unit_test_teardown(an_unsupported_rate_is_refused, teardown),
		cmocka_unit_test_teardown(stop_then_start_restarts_the_sequence, teardown),
		cmocka_unit_test_teardown(poise_devices_lists_the_plate_or_says_why_not, teardown),
		cmocka_unit_test_teardown(a_blank_plate_opens_for_calibrating_and_streams_raw_counts, teardown),
		cmocka_unit_test_teardown(a_written_calibration_is_read_back_and_the_plate_opens, teardown),
		cmocka_unit_test_teardown(a_blank_plate_is_calibrated_end_to_end, teardown),
		cmocka_unit_test_teardown(a_working_plate_is_recalibrated, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
