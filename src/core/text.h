/* Poise: appending formatted text to a caller's fixed array.
 *
 * For messages and captions built from parts (the device choice's list of
 * plates, the report's summary and banners). Pure: no allocation, no I/O.
 */
#ifndef POISE_CORE_TEXT_H
#define POISE_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* buf[0..len) owned by the caller, which sets used = 0 and buf[0] = 0
 * (or holds text already: used = its length). */
typedef struct text_buf {
	char *buf;
	size_t len, used;
} text_buf;

/* Appends printf-style; text beyond the array is cut off (at a character
 * boundary: never inside a UTF-8 sequence), and buf stays NUL-terminated.
 * Does nothing for a NULL or empty array. */
void text_add(text_buf *t, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* True if s[0..n) is valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) without NUL bytes. The store checks
 * every text field with it before writing. */
bool text_utf8_valid(const char *s, size_t n);

/* What text_check() finds wrong with a text field. */
enum text_problem {
	TEXT_OK = 0,
	TEXT_TOO_LONG,  /* more than max bytes */
	TEXT_NOT_UTF8,  /* not valid UTF-8 */
	TEXT_CONTROL,   /* a control character (C0, DEL, C1; in a multi-line
	                 * field tab and newline are fine) */
};

/* Checks a text field a person typed before it is kept: at most max_bytes
 * bytes, valid UTF-8, no control characters (multiline allows '\n' and
 * '\t'). Used by the store on every write and by the command line to
 * refuse (never cut) a value. */
enum text_problem text_check(const char *s, size_t max_bytes, bool multiline);

/* A phrase for people: "is longer than the N bytes allowed", "is not
 * valid UTF-8 text", "contains a control character". Static storage
 * (the length one in buf, which needs room for 64 bytes). */
const char *text_problem_str(enum text_problem p, size_t max_bytes, char *buf, size_t len);

/* Copies the NUL-terminated src into dst[0..cap), cut at the last whole
 * character that fits: dst is always terminated and never ends inside a
 * UTF-8 sequence (invalid bytes are copied as they are). Returns true if
 * all of src fitted. For text read back from a database into fixed
 * arrays. */
bool text_copy(char *dst, size_t cap, const char *src);

/* Writes s to f as a JSON string literal (quoted): '"' and '\\' escaped,
 * control characters as \n, \t or \u00XX, and every byte that is not
 * valid UTF-8 as \ufffd, so the output is valid JSON whatever s holds (a
 * damaged database included). f is the caller's stream. Used by every JSON
 * Poise prints or exports. */
void text_json_fputs(FILE *f, const char *s);

/* Copies src into dst[0..cap) for a terminal or a log line: control
 * characters (C0, DEL, C1) and bytes that are not valid UTF-8 become '?',
 * so a name can neither move the cursor nor hide text; cut like
 * text_copy. Returns dst. */
char *text_printable(char *dst, size_t cap, const char *src);

#endif
