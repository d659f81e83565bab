/* Calendar dates: parsing and day numbers (see date.h). The day-number
 * formulas are H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (days_from_civil, civil_from_days). */
#include "core/date.h"

#include <stddef.h>

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool date_valid(int year, int month, int day)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (year < DATE_YEAR_MIN || year > DATE_YEAR_MAX || month < 1 || month > 12 || day < 1)
		return false;
	return day <= mdays[month - 1] + (month == 2 && leap(year));
}

/* Exactly n decimal digits at *p (advanced); the value in *out. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool lit(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

bool date_parse(const char *text, date_time *out)
{
	if (!text)
		return false;
	const char *p = text;
	date_time t = {0};
	if (!digits(&p, 4, &t.year) || !lit(&p, '-') || !digits(&p, 2, &t.month) || !lit(&p, '-') ||
	    !digits(&p, 2, &t.day) || !date_valid(t.year, t.month, t.day))
		return false;
	if (lit(&p, 'T')) {
		t.has_time = true;
		if (!digits(&p, 2, &t.hour) || !lit(&p, ':') || !digits(&p, 2, &t.minute) || t.hour > 23 ||
		    t.minute > 59)
			return false;
		if (lit(&p, ':')) {
			if (!digits(&p, 2, &t.sec) || t.sec > 60)
				return false;
			if (lit(&p, '.')) {
				int n = 0, ms = 0;
				for (; *p >= '0' && *p <= '9'; p++, n++)
					if (n < 3)
						ms = ms * 10 + (*p - '0');
				if (n < 1 || n > 9)
					return false;
				for (int i = n; i < 3; i++)
					ms *= 10;
				t.msec = ms;
			}
		}
		lit(&p, 'Z');
	}
	if (*p)
		return false;
	*out = t;
	return true;
}

int64_t date_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool date_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	/* Outside the years this module knows, and far from overflowing. */
	if (days < date_days_from_civil(DATE_YEAR_MIN, 1, 1) ||
	    days > date_days_from_civil(DATE_YEAR_MAX, 12, 31))
		return false;
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)d;
	return true;
}

int64_t date_epoch_s(const date_time *t)
{
	return date_days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
	       t->minute * 60 + t->sec;
}
