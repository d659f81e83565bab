/* Fuzz target: the date and time text the store keeps (created_at,
 * started_at, a session's day) and the report reads back and computes
 * with: core/date.h and the report's date helpers.
 *
 * Input: text (a NUL ends it early, as a column read from SQLite would).
 * Checks: a parsed date survives days_from_civil and back; the report's
 * "YYYY-MM-DD" is always 10 characters and terminated; no arithmetic
 * overflows (UBSan); a day number far outside the calendar is refused. */
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "fuzz.h"
#include "report/report_impl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("TZ", "UTC-14", 1); /* the zone furthest ahead: dates move a day */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	FUZZ_CHECK(text);
	memcpy(text, data, size);
	text[size] = 0;

	date_time t;
	if (date_parse(text, &t)) {
		FUZZ_CHECK(date_valid(t.year, t.month, t.day));
		int64_t days = date_days_from_civil(t.year, t.month, t.day);
		int y, m, d;
		FUZZ_CHECK(date_civil_from_days(days, &y, &m, &d));
		FUZZ_CHECK(y == t.year && m == t.month && d == t.day);
		(void)date_epoch_s(&t);
	}
	if (size >= 8) {
		int64_t days;
		memcpy(&days, data, sizeof days);
		int y = 0, m = 0, d = 0;
		if (date_civil_from_days(days, &y, &m, &d))
			FUZZ_CHECK(date_valid(y, m, d) && date_days_from_civil(y, m, d) == days);
	}
	char local[11];
	memset(local, 'x', sizeof local);
	report_local_date(text, local);
	FUZZ_CHECK(memchr(local, 0, sizeof local) != NULL);
	FUZZ_CHECK(strcmp(local, "unknown") == 0 || (strlen(local) == 10 && report_date_valid(local)));
	char buf[64];
	report_human_date(buf, sizeof buf, text);
	report_human_date(buf, sizeof buf, local);
	(void)report_date_days(text);
	(void)report_date_valid(text);
	struct tm tm;
	(void)report_iso_to_local(text, &tm);
	int birth = size >= 2 ? (int)(data[0] | data[1] << 8) : 0;
	report_age_band(buf, sizeof buf, birth, local);
	report_age_band(buf, sizeof buf, -birth, text);
	free(text);
	return 0;
}
