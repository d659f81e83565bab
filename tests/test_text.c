/* text_add() (src/core/text.c): appending to a fixed array, cut off at its
 * end and always terminated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appends_in_order),
		cmocka_unit_test(cuts_off_at_the_end_and_stays_terminated),
		cmocka_unit_test(an_empty_array_is_left_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
