/* Poise: reading a decimal number from text, fast and exactly.
 *
 * dec_parse() gives the same double, bit for bit, and stops at the same
 * character as the C library's strtod() in the C locale ('.' decimals),
 * but reads a bounded piece of text that need not end in a NUL, and does
 * the common case (at most 19 significant digits, a power of ten up to
 * 10^22 either way: every number a force plate or a lab system writes)
 * without strtod: the digits make an integer w ≤ 2^53 exactly and one
 * correctly rounded IEEE multiplication or division by an exact power of
 * ten gives the correctly rounded result (Clinger 1990, "How to read
 * floating point numbers accurately", PLDI '90; the "fast path"). Anything
 * else (more digits, larger exponents, hexadecimal, inf, nan, leading
 * spaces) goes to strtod on a NUL-terminated copy, so the grammar and the
 * rounding are strtod's everywhere. tests/test_decimal.c compares the two
 * on millions of random and edge-case strings.
 *
 * Pure: no allocation, no locale, no errno. Used by the CSV reader
 * (core/csv.c).
 */
#ifndef POISE_CORE_DECIMAL_H
#define POISE_CORE_DECIMAL_H

#include <stddef.h>

/* The longest text dec_parse() reads: a longer number is refused. */
#define DEC_MAX_LEN 120

/* Reads the number at the start of s[0..len) as strtod(s) would (in the C
 * locale) into *out and returns how many bytes it used; 0 when there is no
 * number there (as strtod's end == s), *out then untouched. A number that
 * runs to DEC_MAX_LEN bytes or more is refused (0). A NUL byte ends the
 * text, as it does for strtod. Overflow gives ±HUGE_VAL and underflow a
 * subnormal or ±0, as strtod does (without errno). */
size_t dec_parse(const char *s, size_t len, double *out);

#endif
