/*
 * clock: "now" (which DH_NOW may replace), ISO-8601 and date parsing, and the
 * Europe/London arithmetic behind the racing day.
 *
 * All UK-time work is done here by rule (BST runs from 01:00 UTC on the last
 * Sunday of March to 01:00 UTC on the last Sunday of October), never through
 * the process's TZ, so it gives the same answer on any host.
 */
#ifndef DH_CLOCK_H
#define DH_CLOCK_H

#include <stdint.h>
#include <time.h>

/* A calendar date; validated by clock_parse_date. */
struct clock_date {
	int year, month, day;
};

/*
 * Freezes the clock at t (DH_NOW).  Until this is called clock_now() is the
 * system clock.
 */
void clock_set_override(time_t t);
int clock_has_override(void);

/*
 * As clock_set_override, but the clock runs on from t at the system clock's
 * pace (DH_NOW_RUNS: a worker's timers met at a chosen instant, in tests).
 */
void clock_set_running(time_t t);

/* Current time in seconds, or the override. */
time_t clock_now(void);

/*
 * The project's millisecond clock: CLOCK_MONOTONIC, never stepped and never
 * overridden, one clock for every process on the machine.  For durations,
 * deadlines, and the Racing API rate limiter's shared state.
 */
int64_t clock_mono_ms(void);

/* The same clock in microseconds: statement and request times. */
int64_t clock_mono_us(void);

/*
 * Parses an ISO-8601 instant: "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z"
 * or "+HH:MM"/"-HH:MM" (a space may replace the T).  A time with no zone is
 * rejected.  Returns 0, or -1 with *out untouched.
 */
int clock_parse_instant(const char *s, time_t *out);

/* Parses "YYYY-MM-DD" (a real calendar date).  Returns 0 or -1. */
int clock_parse_date(const char *s, struct clock_date *out);

/*
 * Parses "YYYY-MM-DD HH:MM:SS" read as UK local time (the upstream's
 * "updated" fields).  Returns 0 or -1.
 */
int clock_parse_uk_local(const char *s, time_t *out);

/* Seconds since the epoch of 00:00 UTC on a date. */
time_t clock_date_to_utc(const struct clock_date *d);

/* The date of an instant in UTC. */
struct clock_date clock_utc_date(time_t t);

/* Days between 1970-01-01 and the date (negative before). */
int64_t clock_days_from_civil(int y, int m, int d);

/* The UTC offset of Europe/London at instant t: 0 or 3600 seconds. */
int clock_uk_offset(time_t t);

/* The racing day (Europe/London calendar date) of an instant. */
struct clock_date clock_racing_day(time_t t);

/* The date n days after d (n may be negative). */
struct clock_date clock_date_add(struct clock_date d, int n);

/* Writes "YYYY-MM-DD" into out (at least 11 bytes). */
void clock_format_date(const struct clock_date *d, char *out, size_t outlen);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void clock_format_instant(time_t t, char *out, size_t outlen);

#endif
