/* The emulated plate: see plate_emu.h. The usbdevfs side is usbfs_emu's;
 * this file is the plate: the firmware core behind a HAL, its packets on
 * the interrupt endpoint, the faults, the log of what went on the wire. */
#include "plate_emu.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/frame.h"
#include "device/device.h"
#include "device/sim.h"
#include "plate_fw.h"
#include "usbfs_emu.h"

/* The emulated calibration: offsets and gains per channel. */
static const int32_t emu_offsets[PP_CHANNELS] = {1000, -2000, 3000, -4000};
static const float emu_gains[PP_CHANNELS] = {1.0e-3f, 1.1e-3f, 0.9e-3f, 1.2e-3f};

struct emu_plate {
	emu_cfg cfg;
	char serial[PP_SERIAL_LEN + 1];
	ufs *usb;
	/* The plate as booted last (a replug boots it afresh). */
	pfw fw;
	uint8_t flash[PP_CALIB_SIZE];
	uint64_t adc_k;
	dev *person;
	int32_t hw_off[PP_CHANNELS]; /* the cells' truth: counts = off + force/gain */
	double hw_gain[PP_CHANNELS];
	mono_us boot_us;  /* host time at power-on: device clock zero */
	uint64_t virt_us; /* fast mode: the device clock */
	unsigned boots;
	bool packet_due;  /* realtime: this USB frame's packet is not sent yet */
	unsigned corrupt_left, drop_left, over_left, over_channel;
	emu_sent_frame *log;
	size_t log_n, log_cap;
};

bool emu_ensure_preload(char **argv)
{
	return ufs_ensure_preload(argv);
}

/* ---- the plate's hardware, for the firmware core ---- */

static int hal_adc_read(void *ctx, int32_t counts[PP_CHANNELS])
{
	emu_plate *e = ctx;
	if (e->person) {
		/* The person moves in 1 ms steps whatever the plate's rate. */
		poise_frame f;
		size_t n = 0;
		for (unsigned i = 0; i < 1000u / e->fw.rate_hz; i++)
			e->person->ops->read(e->person, &f, 1, &n, 0);
		for (unsigned c = 0; c < PP_CHANNELS; c++)
			counts[c] = e->hw_off[c] + (int32_t)lround(f.force_n[c] / e->hw_gain[c]);
	} else {
		for (unsigned c = 0; c < PP_CHANNELS; c++) {
			int32_t base = 100000 * (int32_t)(c + 1) * (c % 2 ? -1 : 1);
			counts[c] = base + (int32_t)((e->adc_k * 37u + c * 11u) % 5000u);
		}
	}
	if (e->over_left > 0) {
		e->over_left--;
		counts[e->over_channel % PP_CHANNELS] = PP_ADC_MAX;
	}
	e->adc_k++;
	return 0;
}

static int hal_flash_read(void *ctx, uint8_t *buf, size_t len)
{
	emu_plate *e = ctx;
	memcpy(buf, e->flash, len < PP_CALIB_SIZE ? len : PP_CALIB_SIZE);
	return 0;
}

static int hal_flash_write(void *ctx, const uint8_t *buf, size_t len)
{
	emu_plate *e = ctx;
	if (len != PP_CALIB_SIZE)
		return -1;
	memcpy(e->flash, buf, len);
	return 0;
}

/* ---- time ---- */

static uint64_t device_now(emu_plate *e)
{
	if (!e->cfg.realtime)
		return e->virt_us;
	double dt = (double)(dev_now_us() - e->boot_us);
	return (uint64_t)(dt * (1.0 + e->cfg.clock_ppm * 1e-6));
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
static size_t next_packet(emu_plate *e, uint8_t *pkt)
{
	size_t n = pfw_next_packet(&e->fw, pkt, PP_EP_MAX_PACKET), out = 0;
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

/* Realtime: this USB frame's one packet into the first unfinished IN URB
 * (a short packet or a full buffer ends the transfer). */
static void fill_realtime(emu_plate *e, ufs_urb *u)
{
	if (!e->packet_due)
		return;
	e->packet_due = false; /* one packet per USB frame, for the first URB only */
	if (pfw_queued(&e->fw) == 0 || u->filled + (int)PP_EP_MAX_PACKET > u->length)
		return;
	uint8_t pkt[PP_EP_MAX_PACKET];
	size_t n = next_packet(e, pkt);
	if (n == 0)
		return; /* everything in it was dropped on the wire */
	memcpy(u->data + u->filled, pkt, n);
	u->filled += (int)n;
	if (n < PP_EP_MAX_PACKET || u->filled + (int)PP_EP_MAX_PACKET > u->length) {
		u->status = 0;
		u->done = true;
	}
}

/* Fast: fill an IN URB completely, now. */
static void fill_now(emu_plate *e, ufs_urb *u)
{
	while (u->filled + (int)PP_EP_MAX_PACKET <= u->length) {
		size_t want = (size_t)(u->length - u->filled) / PP_FRAME_SIZE;
		while (pfw_queued(&e->fw) < want && pfw_queued(&e->fw) < PFW_QUEUE_FRAMES) {
			e->virt_us = pfw_next_due_us(&e->fw);
			pfw_poll(&e->fw, e->virt_us);
		}
		uint8_t pkt[PP_EP_MAX_PACKET];
		size_t n = next_packet(e, pkt);
		memcpy(u->data + u->filled, pkt, n);
		u->filled += (int)n;
		if (n < PP_EP_MAX_PACKET && n > 0)
			break;
	}
	u->status = 0;
	u->done = true;
}

/* ---- the usbdevfs callbacks ---- */

static void on_fill(void *ctx, ufs_urb *u, bool on_demand)
{
	emu_plate *e = ctx;
	if (e->cfg.realtime)
		fill_realtime(e, u);
	else if (on_demand && e->fw.streaming)
		fill_now(e, u);
}

static bool fills_on_demand(void *ctx)
{
	emu_plate *e = ctx;
	return !e->cfg.realtime && e->fw.streaming;
}

static void on_reaped(void *ctx, const ufs_urb *u)
{
	log_frames(ctx, u->data, u->filled);
}

/* Vendor requests go to the firmware (string descriptors are usbfs_emu's). */
static int on_control(void *ctx, ufs_urb *u, size_t *actual)
{
	emu_plate *e = ctx;
	pp_setup s;
	pp_setup_decode(u->data, &s);
	size_t cap = (size_t)u->length - 8, n = 0;
	if ((s.request_type & 0x60) != 0x40 ||
	    pfw_control(&e->fw, &s, u->data + 8, cap, &n, device_now(e)) != PFW_OK)
		return -EPIPE;
	*actual = (s.request_type & 0x80) ? n : s.length;
	return 0;
}

/* Realtime: one USB frame (1 ms) of the plate, lock held. */
static void usb_frame(void *ctx)
{
	emu_plate *e = ctx;
	pfw_poll(&e->fw, device_now(e));
	e->packet_due = true;
	ufs_kick(e->usb);
	e->packet_due = false;
}

/* ---- the plate's power-on ---- */

/* Boots the firmware afresh: sequence and clock from zero, calibration
 * from its flash as the factory left it. */
static int boot(emu_plate *e)
{
	pp_calib cal = {.calibrated_at_s = 1700000000u};
	memcpy(cal.offset_counts, emu_offsets, sizeof cal.offset_counts);
	memcpy(cal.gain_n_per_count, emu_gains, sizeof cal.gain_n_per_count);
	pp_calib_encode(&cal, e->flash);
	if (e->cfg.calib == EMU_CALIB_CORRUPT)
		e->flash[10] ^= 0x01;
	else if (e->cfg.calib == EMU_CALIB_BLANK)
		memset(e->flash, 0xFF, sizeof e->flash);
	pp_info id = {.proto_major = PP_VERSION_MAJOR,
	              .proto_minor = PP_VERSION_MINOR,
	              .fw_major = 1,
	              .spacing_ml_um = (uint32_t)(SIM_PLATE_WIDTH_MM * 1000),
	              .spacing_ap_um = (uint32_t)(SIM_PLATE_DEPTH_MM * 1000),
	              .default_rate_hz = e->cfg.default_rate_hz ? e->cfg.default_rate_hz : 1000,
	              .rates_hz = {100, 200, 500, 1000}};
	snprintf(id.serial, sizeof id.serial, "%s", e->serial);
	pfw_hal hal = {.ctx = e,
	               .adc_read = hal_adc_read,
	               .flash_read = hal_flash_read,
	               .flash_write = hal_flash_write};
	if (pfw_init(&e->fw, &hal, &id) != PFW_OK) {
		fprintf(stderr, "emu: the firmware core refused the identity\n");
		return -1;
	}
	if (e->cfg.proto_major)
		e->fw.info.proto_major = e->cfg.proto_major; /* a newer plate */
	dev_close(e->person);
	e->person = NULL;
	if (e->cfg.source == EMU_PERSON) {
		dev_open_cfg oc = {.seed = e->cfg.seed + e->boots, .rate_hz = 1000};
		if (sim_ops.open(&e->person, NULL, &oc) != 0 || sim_ops.start(e->person) != 0)
			return -1;
	}
	e->adc_k = 0;
	e->virt_us = 0;
	e->boot_us = dev_now_us();
	e->boots++;
	return 0;
}

static const uint8_t descriptors[] = {
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

static void free_plate(emu_plate *e)
{
	ufs_destroy(e->usb);
	dev_close(e->person);
	free(e->log);
	free(e);
}

int emu_create(emu_plate **out, const emu_cfg *cfg)
{
	emu_plate *e = calloc(1, sizeof *e);
	if (!e)
		return -1;
	if (cfg)
		e->cfg = *cfg;
	snprintf(e->serial, sizeof e->serial, "%s", e->cfg.serial ? e->cfg.serial : "EMU-0001");
	for (unsigned c = 0; c < PP_CHANNELS; c++) {
		e->hw_off[c] = cfg && cfg->hw ? cfg->hw->offset_counts[c] : emu_offsets[c];
		e->hw_gain[c] = cfg && cfg->hw ? cfg->hw->gain_n_per_count[c] : emu_gains[c];
	}
	e->cfg.hw = NULL; /* the caller's: copied above */
	e->log_cap = e->cfg.log_cap ? e->cfg.log_cap : (size_t)1 << 20;
	e->log = malloc(e->log_cap * sizeof *e->log);
	ufs_cfg uc = {.descriptors = descriptors, .descriptors_len = sizeof descriptors,
	              .vid = PP_USB_VID, .pid = PP_USB_PID, .serial = e->serial,
	              .strings = {"Poise", "Poise USB force plate", e->serial}, .n_ifaces = 1,
	              .cb = {.ctx = e, .control = on_control, .fill = on_fill,
	                     .fills_on_demand = fills_on_demand, .reaped = on_reaped,
	                     .in_eps = {PP_EP_IN}}};
	if (!e->log || boot(e) != 0 || ufs_create(&e->usb, &uc) != 0) {
		free_plate(e);
		return -1;
	}
	if (e->cfg.realtime && ufs_start_ticker(e->usb, usb_frame, e) != 0) {
		free_plate(e);
		return -1;
	}
	*out = e;
	return 0;
}

void emu_destroy(emu_plate *e)
{
	if (!e)
		return;
	free_plate(e);
}

void emu_unplug(emu_plate *e)
{
	ufs_unplug(e->usb);
}

int emu_replug(emu_plate *e)
{
	ufs_lock(e->usb);
	bool present = ufs_present(e->usb);
	int rc = present ? -1 : boot(e);
	ufs_unlock(e->usb);
	return rc == 0 ? ufs_replug(e->usb) : -1;
}

const char *emu_devnode(const emu_plate *e)
{
	return ufs_devnode(e->usb);
}

const char *emu_root(const emu_plate *e)
{
	return ufs_root(e->usb);
}

int emu_steer(emu_plate *e, const dev_steer *s)
{
	ufs_lock(e->usb);
	int rc = e->person ? e->person->ops->steer(e->person, s) : -1;
	ufs_unlock(e->usb);
	return rc == 0 ? 0 : -1;
}

void emu_inject(emu_plate *e, enum emu_fault f, unsigned n, unsigned channel)
{
	ufs_lock(e->usb);
	if (f == EMU_CORRUPT)
		e->corrupt_left = n;
	else if (f == EMU_DROP)
		e->drop_left = n;
	else {
		e->over_left = n;
		e->over_channel = channel;
	}
	ufs_unlock(e->usb);
}

size_t emu_sent(emu_plate *e, emu_sent_frame *out, size_t max)
{
	ufs_lock(e->usb);
	size_t n = e->log_n;
	if (out)
		memcpy(out, e->log, (n < max ? n : max) * sizeof *out);
	ufs_unlock(e->usb);
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

