/* src/core/text.c: text_add() appending to a fixed array, cut off at its
 * end (never inside a UTF-8 character) and always terminated; UTF-8
 * validation, the field check the store and the command line share,
 * copies cut at a character, text for a terminal, and JSON strings that
 * stay valid whatever bytes they are given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/text.h"

static void appends_in_order(void **state)
{
	(void)state;
	char b[64] = "";
	text_buf t = {b, sizeof b, 0};
	text_add(&t, "%s: %d", "plates", 2);
	text_add(&t, "; %s", "none found");
	assert_string_equal(b, "plates: 2; none found");
	assert_int_equal(t.used, strlen(b));
}

static void cuts_off_at_the_end_and_stays_terminated(void **state)
{
	(void)state;
	char b[8];
	memset(b, 'x', sizeof b);
	b[0] = 0;
	text_buf t = {b, sizeof b, 0};
	text_add(&t, "%s", "abcdef");
	text_add(&t, "%s", "ghijkl"); /* only "g" fits */
	assert_string_equal(b, "abcdefg");
	assert_int_equal(t.used, 7);
	text_add(&t, "%s", "more"); /* full: nothing changes */
	assert_string_equal(b, "abcdefg");
}

static void an_empty_array_is_left_alone(void **state)
{
	(void)state;
	char b[1] = {'q'};
	text_buf none = {NULL, 0, 0}, empty = {b, 0, 0};
	text_add(&none, "%d", 1);
	text_add(&empty, "%d", 1);
	assert_int_equal(b[0], 'q');
	assert_int_equal(none.used + empty.used, 0);
}

static void utf8_is_checked_strictly(void **state)
{
	(void)state;
	const char *good[] = {"", "abc", "Zo\xc3\xab", "\xe6\x9d\xb1", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
	                      "\xed\x9f\xbf"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(text_utf8_valid(good[i], strlen(good[i])));
	const char *bad[] = {"\xc3", "\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	                     "\xf5\x80\x80\x80", "\xff", "\x80", "\xe2\x82"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (text_utf8_valid(bad[i], strlen(bad[i])))
			fail_msg("bad UTF-8 #%zu was taken", i);
	assert_false(text_utf8_valid("a\0b", 3)); /* NUL inside */
}

static void text_is_cut_between_characters_never_inside(void **state)
{
	(void)state;
	char b[6];
	assert_false(text_copy(b, sizeof b, "ab\xc3\xa9\xc3\xa9")); /* 6 bytes into 5 */
	assert_string_equal(b, "ab\xc3\xa9");
	assert_true(text_copy(b, sizeof b, "ab\xc3\xa9"));
	assert_false(text_copy(b, sizeof b, "\xe6\x9d\xb1\xe6\x9d\xb1"));
	assert_string_equal(b, "\xe6\x9d\xb1");
	char c[8] = "";
	text_buf t = {c, sizeof c, 0};
	text_add(&t, "%s", "abcde\xc3\xa9\xc3\xa9"); /* before: cut after 0xc3 */
	assert_string_equal(c, "abcde\xc3\xa9");
	assert_true(text_utf8_valid(c, strlen(c)));
}

static void fields_are_checked_for_length_utf8_and_control_characters(void **state)
{
	(void)state;
	assert_int_equal(text_check("Anna", 4, false), TEXT_OK);
	assert_int_equal(text_check("Annas", 4, false), TEXT_TOO_LONG);
	assert_int_equal(text_check("\xc3", 10, false), TEXT_NOT_UTF8);
	assert_int_equal(text_check("a\x1b[2J", 10, false), TEXT_CONTROL);
	assert_int_equal(text_check("a\x7f", 10, false), TEXT_CONTROL);
	assert_int_equal(text_check("a\xc2\x9b" "31m", 10, false), TEXT_CONTROL); /* C1 CSI */
	assert_int_equal(text_check("line\nline\tx", 20, false), TEXT_CONTROL);
	assert_int_equal(text_check("line\nline\tx", 20, true), TEXT_OK);
	assert_int_equal(text_check("a\rb", 20, true), TEXT_CONTROL);
	char buf[64];
	assert_string_equal(text_problem_str(TEXT_TOO_LONG, 127, buf, sizeof buf),
	                    "is longer than the 127 bytes allowed");
}

static void terminal_text_has_no_control_characters(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(text_printable(b, sizeof b, "Eve\x1b[2J\x07\xc3\xa9\xff\xc2\x9b."), "Eve?[2J?\xc3\xa9??.");
	assert_string_equal(text_printable(b, 5, "ab\xc3\xa9\xc3\xa9"), "ab\xc3\xa9");
	assert_string_equal(text_printable(b, 4, "ab\xc3\xa9"), "ab");
}

static void json_strings_are_always_valid(void **state)
{
	(void)state;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	text_json_fputs(f, "a\"b\\c\nd\te\x01\x7f\xc3\xa9\xff\xc3");
	fclose(f);
	assert_string_equal(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\xc3\xa9\\ufffd\\ufffd\"");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appends_in_order),
		cmocka_unit_test(cuts_off_at_the_end_and_stays_terminated),
		cmocka_unit_test(an_empty_array_is_left_alone),
		cmocka_unit_test(utf8_is_checked_strictly),
		cmocka_unit_test(text_is_cut_between_characters_never_inside),
		cmocka_unit_test(fields_are_checked_for_length_utf8_and_control_characters),
		cmocka_unit_test(terminal_text_has_no_control_characters),
		cmocka_unit_test(json_strings_are_always_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
