#include "core/decimal.h"

#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 10^0 … 10^22: every one is exactly representable in a double. */
static const double pow10_exact[23] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define TWO_POW_53 (UINT64_C(1) << 53)

/* strtod on a NUL-terminated copy of s[0..len), limited to DEC_MAX_LEN. */
static size_t slow_path(const char *s, size_t len, double *out)
{
	char buf[DEC_MAX_LEN + 1];
	size_t n = len < DEC_MAX_LEN ? len : DEC_MAX_LEN;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *end;
	double v = strtod(buf, &end);
	size_t used = (size_t)(end - buf);
	/* A number that reaches the copy's end might go on in s: refuse it. */
	if (used == 0 || used >= DEC_MAX_LEN)
		return 0;
	*out = v;
	return used;
}

static bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Appends the run of digits at *pp (before end) to *w; returns how many
 * there were (*w is meaningless past 19 digits in all). */
static inline size_t digit_run(const char **pp, const char *end, uint64_t *w)
{
	const char *p = *pp, *p0 = p;
	uint64_t acc = *w;
	/* Two digits a step where two are there (numbers are short, so the
	 * loop's own cost is most of it). */
	while (end - p >= 2) {
		unsigned d0 = (unsigned char)p[0] - '0', d1 = (unsigned char)p[1] - '0';
		if (d0 > 9)
			goto done;
		if (d1 > 9) {
			acc = acc * 10 + d0;
			p++;
			goto done;
		}
		acc = acc * 100 + d0 * 10 + d1;
		p += 2;
	}
	if (p < end && is_digit(*p))
		acc = acc * 10 + (uint64_t)(*p++ - '0');
done:
	*pp = p;
	*w = acc;
	return (size_t)(p - p0);
}

size_t dec_parse(const char *s, size_t len, double *out)
{
#if FLT_EVAL_METHOD != 0
	/* The fast path needs plain double arithmetic (no x87 extended
	 * precision, where one operation is not one rounding). */
	return slow_path(s, len, out);
#else
	const char *p = s, *end = s + len;
	bool neg = false;
	if (p < end && (*p == '+' || *p == '-')) {
		neg = *p == '-';
		p++;
	}
	/* Up to 19 digits, leading zeros included, fit w exactly; more go to
	 * strtod (rare: a lab system writes 17 significant digits at most). */
	uint64_t w = 0;
	const char *d0 = p;
	size_t n_int = digit_run(&p, end, &w);
	/* "0x…" is hexadecimal to strtod. */
	if (n_int == 1 && *d0 == '0' && p < end && (*p == 'x' || *p == 'X'))
		return slow_path(s, len, out);
	size_t n_frac = 0;
	if (p < end && *p == '.') {
		p++;
		n_frac = digit_run(&p, end, &w);
	}
	if (n_int + n_frac == 0) /* ".", "", "inf", "nan", " 1", ... */
		return slow_path(s, len, out);
	if (n_int + n_frac > 19)
		return slow_path(s, len, out);
	int scale = -(int)n_frac;
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *q = p + 1;
		bool eneg = false;
		if (q < end && (*q == '+' || *q == '-')) {
			eneg = *q == '-';
			q++;
		}
		if (q < end && is_digit(*q)) { /* else the 'e' is not part of it */
			int e = 0;
			for (; q < end && is_digit(*q); q++)
				if (e < 100000)
					e = e * 10 + (*q - '0');
			scale += eneg ? -e : e;
			p = q;
		}
	}
	if ((size_t)(p - s) >= DEC_MAX_LEN)
		return 0;
	double v;
	if (w == 0) {
		v = 0.0;
	} else if (w <= TWO_POW_53 && scale >= -22 && scale <= 22) {
		v = (double)w;
		v = scale < 0 ? v / pow10_exact[-scale] : v * pow10_exact[scale];
	} else {
		return slow_path(s, len, out);
	}
	*out = neg ? -v : v;
	return (size_t)(p - s);
#endif
}
