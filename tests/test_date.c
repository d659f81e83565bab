/* core/date.h: ISO 8601 dates checked and turned into day numbers without
 * overflow, and the report's date helpers built on them (a five-digit
 * year once left the report's date string unterminated). */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/date.h"
#include "report/report_impl.h"

static void real_dates_parse(void **state)
{
	(void)state;
	date_time t;
	assert_true(date_parse("2024-05-02T09:30:12.345Z", &t));
	assert_int_equal(t.year, 2024);
	assert_int_equal(t.month, 5);
	assert_int_equal(t.day, 2);
	assert_int_equal(t.hour, 9);
	assert_int_equal(t.minute, 30);
	assert_int_equal(t.sec, 12);
	assert_int_equal(t.msec, 345);
	assert_true(t.has_time);
	assert_true(date_parse("2024-02-29", &t));
	assert_false(t.has_time);
	assert_true(date_parse("2000-02-29T00:00", &t));
	assert_true(date_parse("9999-12-31T23:59:59.9Z", &t));
	assert_int_equal(t.msec, 900);
}

static void impossible_dates_are_refused(void **state)
{
	(void)state;
	date_time t = {.year = 77};
	const char *bad[] = {NULL, "", "2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
	                     "10000-01-01", "-2147483648-01-01", "2147483647-12-31", "1899-12-31",
	                     "2024-05-02T24:00", "2024-05-02T23:60", "2024-05-02T09:30:61",
	                     "2024-05-02T09:30:12.", "2024-05-02T09:30:12.1234567890", "2024-05-02 ",
	                     "2024-5-2", "+2024-05-02", "2024-05-02T09:30:12.345Zjunk"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (date_parse(bad[i], &t))
			fail_msg("'%s' was taken for a date", bad[i] ? bad[i] : "(null)");
	assert_int_equal(t.year, 77); /* untouched */
}

static void day_numbers_match_the_calendar(void **state)
{
	(void)state;
	assert_int_equal(date_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(date_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(date_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(date_days_from_civil(9999, 12, 31), 2932896);
	int y, m, d;
	for (int64_t k = -25567; k <= 2932896; k += 997) {
		assert_true(date_civil_from_days(k, &y, &m, &d));
		assert_true(date_valid(y, m, d));
		assert_int_equal(date_days_from_civil(y, m, d), k);
	}
	assert_false(date_civil_from_days(2932897, &y, &m, &d));
	assert_false(date_civil_from_days(INT64_MIN, &y, &m, &d));
	assert_false(date_civil_from_days(INT64_MAX, &y, &m, &d));
	date_time t;
	assert_true(date_parse("2024-05-02T09:30:12Z", &t));
	assert_int_equal(date_epoch_s(&t), 1714642212);
}

static void the_reports_dates_are_always_ten_characters_or_unknown(void **state)
{
	(void)state;
	setenv("TZ", "UTC-14", 1); /* the zone furthest ahead */
	char out[11];
	memset(out, 'x', sizeof out);
	report_local_date("9999-12-31T20:00:00.000Z", out); /* 10000-01-01 local */
	assert_string_equal(out, "unknown");
	memset(out, 'x', sizeof out);
	report_local_date("10000-01-01T00:00:00.000Z", out);
	assert_string_equal(out, "unknown");
	report_local_date("2024-05-02T12:00:00.000Z", out);
	assert_string_equal(out, "2024-05-03");
	setenv("TZ", "UTC", 1);
	assert_true(isnan(report_date_days("2147483647-01-01")));
	assert_true(isnan(report_date_days("-2147483648-01-01")));
	assert_true(fabs(report_date_days("1970-01-02") - 1.5) < 1e-9);
	char buf[64];
	assert_string_equal(report_human_date(buf, sizeof buf, "2024-05-02"), "2 May 2024");
	assert_string_equal(report_human_date(buf, sizeof buf, "20240-05-02"), "unknown date");
	assert_string_equal(report_age_band(buf, sizeof buf, INT_MIN, "2024-05-02"), "");
	assert_string_equal(report_age_band(buf, sizeof buf, 1950, "2147483647-05-02"), "");
	assert_string_equal(report_age_band(buf, sizeof buf, 1950, "2024-05-02"), "70–79 years");
	assert_true(report_date_valid("2024-02-29"));
	assert_false(report_date_valid("2024-02-29T00:00"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_dates_parse),
		cmocka_unit_test(impossible_dates_are_refused),
		cmocka_unit_test(day_numbers_match_the_calendar),
		cmocka_unit_test(the_reports_dates_are_always_ten_characters_or_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
