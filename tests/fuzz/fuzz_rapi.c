/*
 * libFuzzer target: every Racing API parser on arbitrary bytes (the body
 * of a response), plus the price and slug helpers on the same bytes as a
 * string.  Nothing may crash, leak or read out of bounds (built with
 * -fsanitize=fuzzer,address,undefined).  Seeds: the captured samples.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "rapi_model.h"
#include "rapi_odds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct rapi_racecards *rc = rapi_racecards_new();
	struct rapi_results *rs = rapi_results_new();
	struct rapi_courses *cs = rapi_courses_new();
	struct rapi_regions *rg = rapi_regions_new();
	struct rapi_search *se = rapi_search_new();
	struct rapi_horse *h = rapi_horse_new();
	char err[256], out[64], *text;
	double d;

	/* One Jansson load or two per run, chosen by the length, keeps runs fast. */
	switch (size % 4) {
	case 0:  /* twice into the same result: pages append */
		rapi_parse(&rc->doc, body, size, err, sizeof(err));
		rapi_parse(&rc->doc, body, size, err, sizeof(err));
		break;
	case 1:
		rapi_parse(&rs->doc, body, size, err, sizeof(err));
		rapi_parse(&h->doc, body, size, err, sizeof(err));
		break;
	case 2:
		rapi_parse(&cs->doc, body, size, err, sizeof(err));
		rapi_parse(&rg->doc, body, size, err, sizeof(err));
		break;
	default:
		rapi_parse(&se->doc, body, size, err, sizeof(err));
		rapi_parse(&rc->doc, body, size, err, sizeof(err));
	}
	rapi_racecards_free(rc);
	rapi_results_free(rs);
	rapi_courses_free(cs);
	rapi_regions_free(rg);
	rapi_search_free(se);
	rapi_horse_free(h);

	if (size > 256)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (rapi_odds_from_fractional(text, &d) == 0 && d > 1.0)
		rapi_odds_to_fractional(d, out, sizeof(out));
	rapi_odds_bookmaker_slug(text, out, sizeof(out));
	free(text);
	return 0;
}
