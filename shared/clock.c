/* clock: time, parsing and Europe/London arithmetic (see clock.h). */
#include "clock.h"

#include <stdio.h>
#include <string.h>

static int clock_frozen;
static time_t clock_frozen_at;
static int64_t clock_running_since_us;	/* clock_set_running: the monotonic clock then; 0: frozen */

void
clock_set_override(time_t t)
{
	clock_frozen = 1;
	clock_frozen_at = t;
}

void
clock_set_running(time_t t)
{
	clock_frozen = 1;
	clock_frozen_at = t;
	clock_running_since_us = clock_mono_us();
}

int
clock_has_override(void)
{
	return clock_frozen;
}

time_t
clock_now(void)
{
	if (!clock_frozen)
		return time(NULL);
	if (clock_running_since_us != 0)
		return clock_frozen_at + (time_t)((clock_mono_us() - clock_running_since_us) / 1000000);
	return clock_frozen_at;
}

int64_t
clock_mono_ms(void)
{
	return clock_mono_us() / 1000;
}

int64_t
clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Howard Hinnant's days_from_civil: proleptic Gregorian, any year. */
int64_t
clock_days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static struct clock_date
clock_civil_from_days(int64_t z)
{
	struct clock_date d;
	int64_t era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(y + (d.month <= 2));
	return d;
}

static int
clock_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

time_t
clock_date_to_utc(const struct clock_date *d)
{
	return (time_t)(clock_days_from_civil(d->year, d->month, d->day) * 86400);
}

struct clock_date
clock_utc_date(time_t t)
{
	int64_t days = (int64_t)t / 86400;

	if ((int64_t)t % 86400 < 0)
		days--;
	return clock_civil_from_days(days);
}

struct clock_date
clock_date_add(struct clock_date d, int n)
{
	return clock_civil_from_days(clock_days_from_civil(d.year, d.month, d.day) + n);
}

/* 01:00 UTC on the last Sunday of a month. */
static time_t
clock_last_sunday_0100(int year, int month)
{
	int last = clock_days_in_month(year, month);
	int64_t days = clock_days_from_civil(year, month, last);
	int weekday = (int)((days % 7 + 11) % 7);	/* 0 = Sunday; 1970-01-01 was a Thursday */

	return (time_t)((days - weekday) * 86400 + 3600);
}

int
clock_uk_offset(time_t t)
{
	int year = clock_utc_date(t).year;

	if (t >= clock_last_sunday_0100(year, 3) && t < clock_last_sunday_0100(year, 10))
		return 3600;
	return 0;
}

struct clock_date
clock_racing_day(time_t t)
{
	return clock_utc_date(t + clock_uk_offset(t));
}

/* Reads exactly n digits; returns the value or -1. */
static int
clock_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
clock_valid_date(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= clock_days_in_month(y, m);
}

/* Parses "YYYY-MM-DD" at s; returns the characters read or -1. */
static int
clock_read_date(const char *s, struct clock_date *out)
{
	int y = clock_digits(s, 4), m, d;

	if (y < 0 || s[4] != '-')
		return -1;
	m = clock_digits(s + 5, 2);
	if (m < 0 || s[7] != '-')
		return -1;
	d = clock_digits(s + 8, 2);
	if (d < 0 || !clock_valid_date(y, m, d))
		return -1;
	out->year = y;
	out->month = m;
	out->day = d;
	return 10;
}

int
clock_parse_date(const char *s, struct clock_date *out)
{
	struct clock_date d;

	if (clock_read_date(s, &d) != 10 || s[10] != '\0')
		return -1;
	*out = d;
	return 0;
}

/* Parses "HH:MM[:SS[.fff]]" at s into seconds of the day; returns length or -1. */
static int
clock_read_time(const char *s, int *secs, int seconds_required)
{
	int h = clock_digits(s, 2), m, sec = 0, n = 5;

	if (h < 0 || h > 23 || s[2] != ':')
		return -1;
	m = clock_digits(s + 3, 2);
	if (m < 0 || m > 59)
		return -1;
	if (s[5] == ':') {
		sec = clock_digits(s + 6, 2);
		if (sec < 0 || sec > 60)
			return -1;
		n = 8;
		if (s[8] == '.') {
			n = 9;
			while (s[n] >= '0' && s[n] <= '9')
				n++;
			if (n == 9)
				return -1;
		}
	} else if (seconds_required) {
		return -1;
	}
	*secs = h * 3600 + m * 60 + (sec == 60 ? 59 : sec);
	return n;
}

int
clock_parse_instant(const char *s, time_t *out)
{
	struct clock_date d;
	int secs, n, off = 0;
	const char *z;

	if (clock_read_date(s, &d) != 10 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -1;
	n = clock_read_time(s + 11, &secs, 0);
	if (n < 0)
		return -1;
	z = s + 11 + n;
	if ((z[0] == 'Z' || z[0] == 'z') && z[1] == '\0') {
		off = 0;
	} else if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && z[3] == ':') {
		int oh = clock_digits(z + 1, 2), om = clock_digits(z + 4, 2);

		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return -1;
		off = (oh * 3600 + om * 60) * (z[0] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = clock_date_to_utc(&d) + secs - off;
	return 0;
}

int
clock_parse_uk_local(const char *s, time_t *out)
{
	struct clock_date d;
	time_t local, guess;
	int secs, n;

	if (clock_read_date(s, &d) != 10 || (s[10] != ' ' && s[10] != 'T'))
		return -1;
	n = clock_read_time(s + 11, &secs, 1);
	if (n < 0 || s[11 + n] != '\0')
		return -1;
	local = clock_date_to_utc(&d) + secs;
	/* Try BST first; a local time in the autumn overlap is read as BST. */
	guess = local - 3600;
	if (clock_uk_offset(guess) != 3600)
		guess = local;
	*out = guess;
	return 0;
}

void
clock_format_date(const struct clock_date *d, char *out, size_t outlen)
{
	snprintf(out, outlen, "%04d-%02d-%02d", d->year, d->month, d->day);
}

void
clock_format_instant(time_t t, char *out, size_t outlen)
{
	struct clock_date d = clock_utc_date(t);
	int64_t secs = (int64_t)t % 86400;

	if (secs < 0)
		secs += 86400;
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month,
	    d.day, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}
