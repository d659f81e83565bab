/* Poise: appending formatted text to a caller's fixed array.
 *
 * For messages and captions built from parts (the device choice's list of
 * plates, the report's summary and banners). Pure: no allocation, no I/O.
 */
#ifndef POISE_CORE_TEXT_H
#define POISE_CORE_TEXT_H

#include <stddef.h>

/* buf[0..len) owned by the caller, which sets used = 0 and buf[0] = 0
 * (or holds text already: used = its length). */
typedef struct text_buf {
	char *buf;
	size_t len, used;
} text_buf;

/* Appends printf-style; text beyond the array is cut off, and buf stays
 * NUL-terminated. Does nothing for a NULL or empty array. */
void text_add(text_buf *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

#endif
