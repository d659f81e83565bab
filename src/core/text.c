#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void text_add(text_buf *t, const char *fmt, ...)
{
	if (!t->buf || t->len == 0 || t->used >= t->len - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	t->used += (size_t)n;
	if (t->used >= t->len) { /* cut: not inside a character */
		t->used = t->len - 1;
		while (t->used > 0 && ((unsigned char)t->buf[t->used] & 0xc0) == 0x80)
			t->used--;
		t->buf[t->used] = 0;
	}
}

/* The length of the valid UTF-8 character at s[0..n), or 0 if there is
 * none (RFC 3629, Table 3-7 of the Unicode standard). */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c >= 0x01 && c < 0x80)
		return 1;
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* no overlong forms */
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

bool text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	while (n > 0) {
		size_t k = utf8_char(p, n);
		if (k == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

bool text_copy(char *dst, size_t cap, const char *src)
{
	if (cap == 0)
		return false;
	size_t n = strlen(src);
	bool whole = n < cap;
	if (!whole) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--; /* src[n] would be the first byte left out */
	}
	memcpy(dst, src, n);
	dst[n] = 0;
	return whole;
}

char *text_printable(char *dst, size_t cap, const char *src)
{
	if (cap == 0)
		return dst;
	const unsigned char *p = (const unsigned char *)src;
	size_t n = strlen(src), out = 0;
	while (n > 0) {
		size_t k = utf8_char(p, n);
		bool control = k == 0 || p[0] < 0x20 || p[0] == 0x7f || (k == 2 && p[0] == 0xc2 && p[1] < 0xa0);
		size_t w = control ? 1 : k;
		if (out + w >= cap)
			break;
		if (control)
			dst[out] = '?';
		else
			memcpy(dst + out, p, w);
		out += w;
		p += control && k ? k : w;
		n -= control && k ? k : w;
	}
	dst[out] = 0;
	return dst;
}

enum text_problem text_check(const char *s, size_t max_bytes, bool multiline)
{
	size_t n = strlen(s);
	if (n > max_bytes)
		return TEXT_TOO_LONG;
	if (!text_utf8_valid(s, n))
		return TEXT_NOT_UTF8;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool c0 = *p < 0x20 && !(multiline && (*p == '\n' || *p == '\t'));
		bool c1 = *p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0; /* valid UTF-8: p[1] exists */
		if (c0 || *p == 0x7f || c1)
			return TEXT_CONTROL;
	}
	return TEXT_OK;
}

const char *text_problem_str(enum text_problem p, size_t max_bytes, char *buf, size_t len)
{
	switch (p) {
	case TEXT_OK:
		return "is fine";
	case TEXT_TOO_LONG:
		snprintf(buf, len, "is longer than the %zu bytes allowed", max_bytes);
		return buf;
	case TEXT_NOT_UTF8:
		return "is not valid UTF-8 text";
	default:
		return "contains a control character";
	}
}

void text_json_fputs(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	fputc('"', f);
	while (n > 0) {
		size_t k = utf8_char(p, n);
		if (k == 0) {
			fputs("\\ufffd", f);
			k = 1;
		} else if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p, f);
		} else if (*p == '\n') {
			fputs("\\n", f);
		} else if (*p == '\t') {
			fputs("\\t", f);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else {
			fwrite(p, 1, k, f);
		}
		p += k;
		n -= k;
	}
	fputc('"', f);
}
