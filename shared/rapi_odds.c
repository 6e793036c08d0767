/* rapi_odds: price conversions and bookmaker ids (see rapi_odds.h). */
#include "rapi_odds.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The fractional prices bookmakers quote, shortest first. */
static const struct {
	int num, den;
} rapi_odds_ladder[] = {
	{ 1, 10 }, { 1, 9 }, { 1, 8 }, { 2, 15 }, { 1, 7 }, { 2, 13 }, { 1, 6 },
	{ 2, 11 }, { 1, 5 }, { 2, 9 }, { 1, 4 }, { 2, 7 }, { 3, 10 }, { 1, 3 },
	{ 4, 11 }, { 2, 5 }, { 4, 9 }, { 1, 2 }, { 8, 15 }, { 4, 7 }, { 8, 13 },
	{ 4, 6 }, { 8, 11 }, { 4, 5 }, { 5, 6 }, { 10, 11 }, { 1, 1 }, { 6, 5 },
	{ 5, 4 }, { 11, 8 }, { 6, 4 }, { 13, 8 }, { 7, 4 }, { 15, 8 }, { 2, 1 },
	{ 9, 4 }, { 5, 2 }, { 11, 4 }, { 3, 1 }, { 10, 3 }, { 7, 2 }, { 4, 1 },
	{ 9, 2 }, { 5, 1 }, { 11, 2 }, { 6, 1 }, { 13, 2 }, { 7, 1 }, { 15, 2 },
	{ 8, 1 }, { 17, 2 }, { 9, 1 }, { 10, 1 }, { 11, 1 }, { 12, 1 }, { 14, 1 },
	{ 16, 1 }, { 18, 1 }, { 20, 1 }, { 22, 1 }, { 25, 1 }, { 28, 1 }, { 33, 1 },
	{ 40, 1 }, { 50, 1 }, { 66, 1 }, { 80, 1 }, { 100, 1 }, { 125, 1 },
	{ 150, 1 }, { 200, 1 }, { 250, 1 }, { 500, 1 }, { 1000, 1 },
};

/* Reads 1..9 digits at *s into *v and advances; returns 0 or -1. */
static int
rapi_odds_int(const char **s, long *v)
{
	const char *p = *s;
	long n = 0;

	while (*p >= '0' && *p <= '9' && p - *s < 9)
		n = n * 10 + (*p++ - '0');
	if (p == *s || (*p >= '0' && *p <= '9'))
		return -1;
	*s = p;
	*v = n;
	return 0;
}

int
rapi_odds_from_fractional(const char *s, double *out)
{
	long num, den = 1;
	const char *p = s;

	if (s == NULL)
		return -1;
	if (strcasecmp(s, "evs") == 0 || strcasecmp(s, "evens") == 0) {
		*out = 2.0;
		return 0;
	}
	if (rapi_odds_int(&p, &num) < 0)
		return -1;
	if (*p == '/') {
		p++;
		if (rapi_odds_int(&p, &den) < 0 || den == 0)
			return -1;
	}
	/* A favourite mark after the price: F, J, C, JF, CF. */
	if (*p == 'J' || *p == 'C')
		p++;
	if (*p == 'F')
		p++;
	if (*p != '\0' || num == 0)
		return -1;
	*out = 1.0 + (double)num / (double)den;
	return 0;
}

int
rapi_odds_to_fractional(double d, char *out, size_t outlen)
{
	double frac = d - 1.0, best_err = INFINITY;
	long best_num = 0, best_den = 1;
	int n;

	if (!isfinite(d) || d <= 1.0 || d > 1e6)
		return -1;
	if (fabs(frac - 1.0) < 0.006) {
		n = snprintf(out, outlen, "evs");
		return n > 0 && (size_t)n < outlen ? 0 : -1;
	}
	for (size_t i = 0; i < sizeof(rapi_odds_ladder) / sizeof(rapi_odds_ladder[0]); i++) {
		double v = (double)rapi_odds_ladder[i].num / rapi_odds_ladder[i].den;

		if (fabs(v - frac) < 0.006) {
			best_num = rapi_odds_ladder[i].num;
			best_den = rapi_odds_ladder[i].den;
			best_err = 0;
			break;
		}
	}
	for (long den = 1; den <= 100 && best_err > 0.0005; den++) {
		long num = lround(frac * (double)den);
		double err = fabs((double)num / (double)den - frac);

		if (num > 0 && err < best_err - 1e-12) {
			best_num = num;
			best_den = den;
			best_err = err;
		}
	}
	if (best_num <= 0)
		return -1;
	n = snprintf(out, outlen, "%ld/%ld", best_num, best_den);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

/*
 * The ASCII letter or digit that lower() turns the UTF-8 character at s
 * into, or 0; *len gets the character's length.  Beyond ASCII only U+212A
 * KELVIN SIGN ("k") and U+0130 (dotted capital I, "i") lower to ASCII.
 */
static char
rapi_odds_lower_ascii(const unsigned char *s, size_t *len)
{
	*len = 1;
	if (s[0] < 0x80) {
		if (s[0] >= 'A' && s[0] <= 'Z')
			return (char)(s[0] - 'A' + 'a');
		if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'))
			return (char)s[0];
		return 0;
	}
	if (s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) {
		*len = 3;
		return 'k';
	}
	if (s[0] == 0xc4 && s[1] == 0xb0) {
		*len = 2;
		return 'i';
	}
	/* Any other byte of a multibyte character joins a run of '_'. */
	return 0;
}

/*
 * The original DarkHorses' alias map (its bookmaker ids and display names):
 * the ids with a display name of their own, and the two keys ("boyle",
 * "sport888") that map to another id.  Sorted by key.  The SQL side
 * (0008_original_columns.sql) has the names in dh_bookmaker_name() and the
 * exchanges in dh_bookmaker_type().
 */
static const struct rapi_odds_book {
	const char *key, *id, *name;
} rapi_odds_books[] = {
	{ "888sport", "888sport", "888 Sport" },
	{ "bet365", "bet365", "Bet365" },
	{ "betdaq", "betdaq", "Betdaq" },
	{ "betfair", "betfair", "Betfair" },
	{ "betfred", "betfred", "Betfred" },
	{ "betvictor", "betvictor", "BetVictor" },
	{ "betway", "betway", "Betway" },
	{ "boyle", "boylesports", "BoyleSports" },
	{ "boylesports", "boylesports", "BoyleSports" },
	{ "coral", "coral", "Coral" },
	{ "ladbrokes", "ladbrokes", "Ladbrokes" },
	{ "matchbook", "matchbook", "Matchbook" },
	{ "paddypower", "paddypower", "Paddy Power" },
	{ "skybet", "skybet", "Sky Bet" },
	{ "smarkets", "smarkets", "Smarkets" },
	{ "sport888", "888sport", "888 Sport" },
	{ "unibet", "unibet", "Unibet" },
	{ "williamhill", "williamhill", "William Hill" },
};

static const struct rapi_odds_book *
rapi_odds_book_find(const char *key)
{
	for (size_t i = 0; i < sizeof(rapi_odds_books) / sizeof(rapi_odds_books[0]); i++)
		if (strcmp(rapi_odds_books[i].key, key) == 0)
			return &rapi_odds_books[i];
	return NULL;
}

int
rapi_odds_bookmaker_slug(const char *name, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)name;
	const struct rapi_odds_book *b;
	size_t n = 0, len;

	if (name == NULL || outlen == 0)
		return -1;
	while (*p != '\0') {
		char c = rapi_odds_lower_ascii(p, &len);

		p += len;
		if (c == 0)
			continue;
		if (n + 1 >= outlen)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	if (n == 0)
		return -1;
	b = rapi_odds_book_find(out);
	if (b == NULL || strcmp(b->id, out) == 0)
		return (int)n;
	n = strlen(b->id);
	if (n + 1 > outlen)
		return -1;
	memcpy(out, b->id, n + 1);
	return (int)n;
}

const char *
rapi_odds_bookmaker_name(const char *id)
{
	const struct rapi_odds_book *b = id ? rapi_odds_book_find(id) : NULL;

	return b != NULL && strcmp(b->id, id) == 0 ? b->name : NULL;
}
