/* market: book percentages, consensus and fair prices, American odds (see market.h). */
#include "market.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

double
market_implied(double dec)
{
	return dec > 1 ? 1.0 / dec : 0;
}

double
market_book_percent(const double *dec, size_t n, int *priced)
{
	double sum = 0;
	int count = 0;

	for (size_t i = 0; i < n; i++) {
		if (dec[i] > 1) {
			sum += 1.0 / dec[i];
			count++;
		}
	}
	if (priced != NULL)
		*priced = count;
	return 100.0 * sum;
}

static int
market_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
market_median(const double *dec, size_t n)
{
	double v[MARKET_MAX];
	size_t m = 0;

	for (size_t i = 0; i < n && m < MARKET_MAX; i++)
		if (dec[i] > 1)
			v[m++] = dec[i];
	if (m == 0)
		return 0;
	qsort(v, m, sizeof(v[0]), market_cmp);
	return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

double
market_fair(const double *consensus, size_t n, double *prob, double *fair)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += market_implied(consensus[i]);
	for (size_t i = 0; i < n; i++) {
		double p = sum > 0 ? market_implied(consensus[i]) / sum : 0;

		prob[i] = p;
		fair[i] = p > 0 ? 1.0 / p : 0;
	}
	return 100.0 * sum;
}

void
market_american(double dec, char *out, size_t outlen)
{
	if (!(dec > 1)) {
		snprintf(out, outlen, "%s", "");
		return;
	}
	if (dec >= 2)
		snprintf(out, outlen, "+%.0f", round((dec - 1) * 100));
	else
		snprintf(out, outlen, "-%.0f", round(100 / (dec - 1)));
}

double
market_move_percent(double from, double to)
{
	if (!(from > 1) || !(to > 1))
		return 0;
	return 100.0 * (to - from) / from;
}
