/* page: paged list envelopes (see page.h). */
#include "page.h"

void
page_begin(struct jsonw *w, const char *items_key)
{
	jsonw_obj(w);
	jsonw_key(w, items_key);
	jsonw_arr(w);
}

int
page_take(struct page *pg)
{
	long i = pg->total++;

	return i >= pg->skip && i < pg->skip + pg->limit;
}

void
page_end(struct jsonw *w, const struct page *pg, const struct params *p)
{
	jsonw_arr_end(w);
	jsonw_kint(w, "total", pg->total);
	jsonw_kint(w, "limit", pg->limit);
	jsonw_kint(w, "skip", pg->skip);
	jsonw_key(w, "query");
	params_echo(p, w);
	jsonw_obj_end(w);
}
