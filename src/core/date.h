/* Poise: calendar dates and ISO 8601 UTC times, checked and overflow-safe.
 *
 * The store keeps wall-clock instants as "YYYY-MM-DDTHH:MM:SS.mmmZ" text
 * and the report works in whole days. A database is outside data (a
 * damaged or hand-edited file), so every date read back goes through
 * date_parse(): a string that is not a real date between years 1900 and
 * 9999 is refused, and the arithmetic below (proleptic Gregorian day
 * numbers, H. Hinnant's days_from_civil) then never overflows.
 * Pure: no I/O, no time zone.
 */
#ifndef POISE_CORE_DATE_H
#define POISE_CORE_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 9999

typedef struct date_time {
	int year, month, day;   /* 1900..9999, 1..12, 1..28/29/30/31 */
	int hour, minute, sec;  /* 0..23, 0..59, 0..60 (a leap second) */
	int msec;               /* 0..999 */
	bool has_time;          /* the text had the "THH:MM..." part */
} date_time;

/* Parses "YYYY-MM-DD", optionally followed by "THH:MM", ":SS", ".fff"
 * (1 to 9 digits, kept to milliseconds) and "Z". Nothing else may follow.
 * Returns true and fills *out for a real date in range; false (out
 * untouched) for anything else, NULL included. Called by the report for
 * every date it reads from the store and by the command line for dates
 * it is given. */
bool date_parse(const char *text, date_time *out);

/* True for a real calendar date with year in DATE_YEAR_MIN..MAX. */
bool date_valid(int year, int month, int day);

/* Days from 1970-01-01 to the date (negative before). The date must be
 * valid (date_valid). */
int64_t date_days_from_civil(int year, int month, int day);

/* The date `days` after 1970-01-01. Returns false (outputs untouched) when
 * that date is outside DATE_YEAR_MIN..MAX. */
bool date_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Seconds from 1970-01-01T00:00:00Z to t (t from date_parse). */
int64_t date_epoch_s(const date_time *t);

#endif
