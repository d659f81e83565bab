#include "device/wbb_proto.h"

#include <string.h>

#include "core/error.h"

/* Reports and the calibration block list the sensors as TR, BR, TL, BL. */
static const enum cell board_order[CELL_COUNT] = {CELL_TR, CELL_BR, CELL_TL, CELL_BL};

const enum cell *wbb_board_order(void)
{
	return board_order;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

int wbb_parse_ext(const uint8_t *ext, size_t len, wbb_sample *out)
{
	if (!ext || len < 8)
		return POISE_E_PROTOCOL;
	for (int i = 0; i < CELL_COUNT; i++)
		out->raw[board_order[i]] = be16(ext + 2 * i);
	out->has_status = len >= 11;
	if (out->has_status) {
		out->temperature = ext[8];
		out->battery = ext[10];
	} else {
		out->temperature = 0;
		out->battery = 0;
	}
	return POISE_OK;
}

int wbb_parse_report(const uint8_t *report, size_t len, wbb_sample *out)
{
	if (!report || len < 1)
		return POISE_E_PROTOCOL;
	size_t need = report[0] == WBB_REPORT_KE8 ? 11 : report[0] == WBB_REPORT_KE19 ? 22 : 0;
	if (need == 0 || len < need)
		return POISE_E_PROTOCOL;
	wbb_sample s;
	int rc = wbb_parse_ext(report + 3, need - 3, &s);
	if (rc)
		return rc;
	s.button = (report[2] & 0x08) != 0;
	*out = s;
	return POISE_OK;
}

int wbb_parse_calib(const uint8_t *block, size_t len, wbb_calib *out, int *bad_cell)
{
	if (bad_cell)
		*bad_cell = -1;
	if (!block || len < WBB_CALIB_LEN)
		return POISE_E_PROTOCOL;
	wbb_calib c;
	bool any = false;
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < CELL_COUNT; i++) {
			c.ref[board_order[i]][k] = be16(block + 8 * k + 2 * i);
			any |= c.ref[board_order[i]][k] != 0;
		}
	if (!any)
		return POISE_E_PROTOCOL;
	for (int cell = 0; cell < CELL_COUNT; cell++)
		if (!(c.ref[cell][0] < c.ref[cell][1] && c.ref[cell][1] < c.ref[cell][2])) {
			if (bad_cell)
				*bad_cell = cell;
			return POISE_E_PROTOCOL;
		}
	*out = c;
	return POISE_OK;
}

void wbb_raw_to_kg(const wbb_calib *c, const uint16_t raw[CELL_COUNT], double kg[CELL_COUNT])
{
	for (int i = 0; i < CELL_COUNT; i++) {
		const uint16_t *r = c->ref[i];
		/* Below the 17 kg point the 0–17 segment, from it the 17–34
		 * segment; both extend past their ends. */
		int seg = raw[i] < r[1] ? 0 : 1;
		double lo = r[seg], hi = r[seg + 1];
		kg[i] = WBB_CALIB_KG_STEP * (seg + ((double)raw[i] - lo) / (hi - lo));
	}
}

void wbb_raw_to_n(const wbb_calib *c, const uint16_t raw[CELL_COUNT], double force_n[CELL_COUNT])
{
	wbb_raw_to_kg(c, raw, force_n);
	for (int i = 0; i < CELL_COUNT; i++)
		force_n[i] *= WBB_G_M_S2;
}

bool wbb_battery_low(uint8_t battery)
{
	return battery <= WBB_BATTERY_LOW_RAW;
}

int wbb_plate(double depth_mm, cop_plate *out)
{
	if (depth_mm == 0)
		depth_mm = WBB_DEPTH_MM;
	if (!(depth_mm >= 150 && depth_mm <= 300))
		return POISE_E_INVALID;
	*out = (cop_plate){WBB_WIDTH_MM, depth_mm};
	return POISE_OK;
}

int wbb_battery_pct(uint8_t battery)
{
	int pct = (battery - WBB_BATTERY_EMPTY_RAW) * 100 / (WBB_BATTERY_FULL_RAW - WBB_BATTERY_EMPTY_RAW);
	return pct < 0 ? 0 : pct > 100 ? 100 : pct;
}

bool wbb_ext_is_board(const uint8_t id[WBB_EXT_ID_LEN])
{
	return id[4] == 0x04 && id[5] == 0x02;
}

size_t wbb_out_leds(uint8_t *out, uint8_t leds)
{
	out[0] = WBB_OUT_LEDS;
	out[1] = leds & 0xf0; /* bit 0 would start the (absent) rumble motor */
	return 2;
}

size_t wbb_out_mode(uint8_t *out, uint8_t report_id, bool continuous)
{
	out[0] = WBB_OUT_MODE;
	out[1] = continuous ? WBB_MODE_CONTINUOUS : 0;
	out[2] = report_id;
	return 3;
}

size_t wbb_out_status_request(uint8_t *out)
{
	out[0] = WBB_OUT_STATUS_REQ;
	out[1] = 0;
	return 2;
}

static void put_addr24(uint8_t *p, uint32_t addr)
{
	p[0] = (uint8_t)(addr >> 16);
	p[1] = (uint8_t)(addr >> 8);
	p[2] = (uint8_t)addr;
}

size_t wbb_out_write(uint8_t *out, uint32_t addr, const uint8_t *data, size_t n)
{
	if (n > 16)
		n = 16;
	memset(out, 0, WBB_MAX_OUT);
	out[0] = WBB_OUT_WRITE;
	out[1] = WBB_SPACE_REGISTERS;
	put_addr24(out + 2, addr);
	out[5] = (uint8_t)n;
	memcpy(out + 6, data, n);
	return WBB_MAX_OUT;
}

size_t wbb_out_read(uint8_t *out, uint32_t addr, uint16_t n)
{
	out[0] = WBB_OUT_READ;
	out[1] = WBB_SPACE_REGISTERS;
	put_addr24(out + 2, addr);
	out[5] = (uint8_t)(n >> 8);
	out[6] = (uint8_t)n;
	return 7;
}

int wbb_parse_status(const uint8_t *r, size_t n, wbb_status *out)
{
	if (!r || n < 7 || r[0] != WBB_IN_STATUS)
		return POISE_E_PROTOCOL;
	*out = (wbb_status){.battery_low = r[3] & 0x01, .extension = (r[3] & 0x02) != 0,
	                    .leds = r[3] & 0xf0, .battery = r[6]};
	return POISE_OK;
}

int wbb_parse_read_reply(const uint8_t *r, size_t n, wbb_read_reply *out)
{
	if (!r || n < 22 || r[0] != WBB_IN_READ_DATA)
		return POISE_E_PROTOCOL;
	*out = (wbb_read_reply){.addr_lo = be16(r + 4), .size = (uint8_t)((r[3] >> 4) + 1),
	                        .error = r[3] & 0x0f, .data = r + 6};
	return POISE_OK;
}

int wbb_parse_ack(const uint8_t *r, size_t n, wbb_ack *out)
{
	if (!r || n < 5 || r[0] != WBB_IN_ACK)
		return POISE_E_PROTOCOL;
	*out = (wbb_ack){.report = r[3], .error = r[4]};
	return POISE_OK;
}

/* ---- sysfs text ------------------------------------------------------ */

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                            : -1;
}

/* Reads one hex number of 1..max_digits digits at *p; advances *p. */
static bool read_hex(const char **p, int max_digits, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;
	for (int d; (d = hex_digit(**p)) >= 0; (*p)++) {
		if (++n > max_digits)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return n > 0;
}

bool wbb_caps_has_bit(const char *text, unsigned bit)
{
	enum { MAX_WORDS = 16 };
	uint64_t words[MAX_WORDS];
	const int digits = (int)(sizeof(unsigned long) * 2); /* the kernel prints unsigned longs */
	size_t n = 0;
	const char *p = text;
	while (*p == ' ')
		p++;
	while (*p && *p != '\n') {
		if (n == MAX_WORDS || !read_hex(&p, digits, &words[n]))
			return false;
		n++;
		if (*p && *p != ' ' && *p != '\n')
			return false;
		while (*p == ' ')
			p++;
	}
	const unsigned per = (unsigned)digits * 4;
	size_t idx = bit / per; /* counted from the least significant word: the last */
	if (idx >= n)
		return false;
	return (words[n - 1 - idx] >> (bit % per)) & 1u;
}

int wbb_calib_from_text(const char *text, uint8_t block[WBB_CALIB_LEN])
{
	const char *p = text;
	for (int i = 0; i < WBB_CALIB_LEN / 2; i++) {
		while (*p == ' ' || (i > 0 && *p == ':'))
			p++;
		uint64_t v;
		if (!read_hex(&p, 4, &v))
			return POISE_E_PROTOCOL;
		block[2 * i] = (uint8_t)(v >> 8);
		block[2 * i + 1] = (uint8_t)v;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	return *p ? POISE_E_PROTOCOL : POISE_OK;
}

int wbb_percent_from_text(const char *text)
{
	const char *p = text;
	while (*p == ' ')
		p++;
	int v = 0, n = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++n > 3)
			return -1;
		v = v * 10 + (*p - '0');
	}
	while (*p == ' ' || *p == '\n')
		p++;
	return n > 0 && !*p && v <= 100 ? v : -1;
}
