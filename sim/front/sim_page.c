/* sim_page: paged list envelopes (see sim_page.h). */
#include "sim_page.h"

void
sim_page_begin(struct jsonw *w, const char *items_key)
{
	jsonw_obj(w);
	jsonw_key(w, items_key);
	jsonw_arr(w);
}

int
sim_page_take(struct sim_page *pg)
{
	long i = pg->total++;

	return i >= pg->skip && i < pg->skip + pg->limit;
}

void
sim_page_end(struct jsonw *w, const struct sim_page *pg, const struct sim_params *p)
{
	jsonw_arr_end(w);
	jsonw_kint(w, "total", pg->total);
	jsonw_kint(w, "limit", pg->limit);
	jsonw_kint(w, "skip", pg->skip);
	jsonw_key(w, "query");
	sim_params_echo(p, w);
	jsonw_obj_end(w);
}
