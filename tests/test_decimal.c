/* The fast decimal reader against the C library's strtod(): the same bits
 * and the same end, on edge cases and on a million random strings of the
 * shapes CSV files hold (and some they should not). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/decimal.h"
#include "core/rng.h"

/* Fails with the string unless dec_parse(s[0..len)) and strtod on the same
 * bytes agree on the bits and the end. */
static void check_prefix(const char *s, size_t len)
{
	char buf[256];
	assert_true(len < sizeof buf);
	memcpy(buf, s, len);
	buf[len] = 0;
	char *end;
	double want = strtod(buf, &end);
	size_t want_used = (size_t)(end - buf);
	double got = 12345.678;
	size_t used = dec_parse(s, len, &got);
	if (want_used >= DEC_MAX_LEN) { /* documented: refused */
		if (used != 0)
			fail_msg("'%s': a number of %zu bytes should be refused", buf, want_used);
		return;
	}
	if (used != want_used)
		fail_msg("'%s': dec_parse used %zu bytes, strtod %zu", buf, used, want_used);
	if (used == 0) {
		if (got != 12345.678)
			fail_msg("'%s': output written without a number", buf);
		return;
	}
	if (isnan(want) && isnan(got))
		return;
	if (memcmp(&got, &want, sizeof got) != 0)
		fail_msg("'%s': dec_parse %.17g (%a), strtod %.17g (%a)", buf, got, got, want, want);
}

static void check(const char *s)
{
	check_prefix(s, strlen(s));
}

static void edge_cases_match_strtod(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"0", "-0", "+0", "0.0", "-0.0", "00000", "0e0", "0e-999999", "-0e999999", "1", "-1", "+1",
		"1.", ".5", "-.5", "+.5e3", ".", "-", "+", "", "e5", "-e5", ".e5", "1e", "1e+", "1e-",
		"1e+x", "1ex", "1.5e3", "1.5E3", "1.5e+03", "1.5e-03", "123.456", "-123.456",
		"0.1", "0.2", "0.3", "0.7", "1.1", "2.675", "1.005", "3.14159265358979323846",
		"9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
		"18014398509481985", "9007199254740993.0", "900719925474099.3",
		"1e22", "1e23", "1e-22", "1e-23", "4.9e-324", "5e-324", "2.4703282292062327e-324",
		"2.4703282292062328e-324", "2.2250738585072011e-308", "2.2250738585072012e-308",
		"1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
		"1e308", "1e309", "-1e309", "1e-400", "-1e-400", "1e400000", "1e-400000",
		"9999999999999999999", "99999999999999999999", "12345678901234567890123",
		"0.000000000000000000000000000001", "100000000000000000000000000000",
		"1234567890123456789e-22", "1234567890123456789e22", "123456789012345678e-5",
		"7.2057594037927933e16", "0.30000000000000004", "0.1e1", "10e-1",
		"0x1p3", "0X1P-3", "-0x1.8p1", "0x", "0xg", "00x1", "0x1.", "0x.8",
		"inf", "-inf", "INF", "infinity", "Infinity", "infinit", "nan", "-nan", "NaN", "nan(123)",
		"nan(", " 1", "\t1", "\n1", " -1.5", "1 ", "1,2", "1;2", "1\t2", "1\"", "\"1\"",
		"1.5.5", "1..5", "--1", "+-1", "1e5.5", "1e+5e5", "12abc", "1_000",
		"0000000000000000000000000000000000001", "1.0000000000000000000000000000000000001",
		"3.0000000000000000000000000000000000000000000000000000000000000000000000000000001",
		"600.000", "-1.2345", "686.12", "0.001", "599.999",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(cases[i]);
	/* A NUL ends the text for both. */
	check_prefix("1.5\0" "7", 5);
	check_prefix("12\0", 3);
	/* The length bounds the text: no byte past it is read. */
	const char *s = "123.456e7";
	for (size_t k = 0; k <= strlen(s); k++)
		check_prefix(s, k);
}

static void refuses_what_is_too_long(void **state)
{
	(void)state;
	char buf[300];
	memset(buf, '1', sizeof buf - 1);
	buf[sizeof buf - 1] = 0;
	double d = 7;
	assert_int_equal(dec_parse(buf, strlen(buf), &d), 0);
	assert_double_equal(d, 7, 0);
	/* Leading zeros count too: the text, not the digits, is bounded. */
	memset(buf, '0', 200);
	strcpy(buf + 200, "1");
	assert_int_equal(dec_parse(buf, strlen(buf), &d), 0);
	/* Just below the bound: read. */
	memset(buf, '0', DEC_MAX_LEN - 2);
	strcpy(buf + DEC_MAX_LEN - 2, "5");
	assert_int_equal(dec_parse(buf, strlen(buf), &d), DEC_MAX_LEN - 1);
	assert_double_equal(d, 5, 0);
}

static double uniform(rng *g)
{
	return rng_uniform(g);
}

static size_t append_digits(char *p, rng *g, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (char)('0' + (int)(uniform(g) * 10) % 10);
	return (size_t)n;
}

/* A random string of digits, a point, an exponent, a sign, and now and
 * then something that does not belong. */
static size_t random_text(char *buf, rng *g)
{
	size_t n = 0;
	double u = uniform(g);
	if (u < 0.3)
		buf[n++] = '-';
	else if (u < 0.35)
		buf[n++] = '+';
	n += append_digits(buf + n, g, (int)(uniform(g) * 22));
	if (uniform(g) < 0.8) {
		buf[n++] = '.';
		n += append_digits(buf + n, g, (int)(uniform(g) * 22));
	}
	if (uniform(g) < 0.3) {
		buf[n++] = uniform(g) < 0.5 ? 'e' : 'E';
		double v = uniform(g);
		if (v < 0.4)
			buf[n++] = '-';
		else if (v < 0.5)
			buf[n++] = '+';
		n += append_digits(buf + n, g, (int)(uniform(g) * 4));
	}
	if (uniform(g) < 0.05)
		buf[n++] = ",;x. e-"[(int)(uniform(g) * 7) % 7];
	buf[n] = 0;
	return n;
}

static void random_strings_match_strtod(void **state)
{
	(void)state;
	rng g;
	rng_seed(&g, 20240611);
	char buf[128];
	for (int i = 0; i < 400000; i++) {
		size_t n = random_text(buf, &g);
		check_prefix(buf, n);
	}
}

/* Digits followed by any byte at all (0–255): whatever follows a number
 * must stop it exactly where strtod stops. */
static void digits_then_any_bytes_match_strtod(void **state)
{
	(void)state;
	rng g;
	rng_seed(&g, 99);
	char buf[64];
	for (int i = 0; i < 200000; i++) {
		size_t n = 0;
		if (uniform(&g) < 0.3)
			buf[n++] = '-';
		n += append_digits(buf + n, &g, (int)(uniform(&g) * 12));
		if (uniform(&g) < 0.5) {
			buf[n++] = '.';
			n += append_digits(buf + n, &g, (int)(uniform(&g) * 12));
		}
		size_t tail = 1 + (size_t)(uniform(&g) * 10);
		for (size_t k = 0; k < tail; k++)
			buf[n++] = (char)(int)(uniform(&g) * 256);
		check_prefix(buf, n);
	}
	/* Every byte right after a run of 1–9 digits. */
	for (int b = 0; b < 256; b++) {
		for (int d = 1; d <= 9; d++) {
			memset(buf, '7', (size_t)d);
			buf[d] = (char)b;
			memset(buf + d + 1, b & 1 ? '0' : 0xff, 10);
			check_prefix(buf, (size_t)d + 11);
		}
	}
}

/* What programs write: printf of doubles of every magnitude, fixed and
 * exponent notation, few and many digits. */
static void printed_doubles_match_strtod(void **state)
{
	(void)state;
	rng g;
	rng_seed(&g, 7);
	char buf[128];
	for (int i = 0; i < 300000; i++) {
		double mag = pow(10, (uniform(&g) - 0.5) * 40);
		double v = (uniform(&g) - 0.5) * mag;
		int prec = (int)(uniform(&g) * 18);
		switch (i % 4) {
		case 0:
			snprintf(buf, sizeof buf, "%.*f", prec % 10, v);
			break;
		case 1:
			snprintf(buf, sizeof buf, "%.17g", v);
			break;
		case 2:
			snprintf(buf, sizeof buf, "%.*e", prec, v);
			break;
		default: { /* any bit pattern (finite, subnormal, huge) */
			uint64_t bits = (uint64_t)(uniform(&g) * 4294967296.0) << 32 |
			                (uint64_t)(uniform(&g) * 4294967296.0);
			double d;
			memcpy(&d, &bits, sizeof d);
			snprintf(buf, sizeof buf, "%.*g", 1 + prec, d);
		}
		}
		check(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edge_cases_match_strtod),
		cmocka_unit_test(refuses_what_is_too_long),
		cmocka_unit_test(random_strings_match_strtod),
		cmocka_unit_test(digits_then_any_bytes_match_strtod),
		cmocka_unit_test(printed_doubles_match_strtod),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
