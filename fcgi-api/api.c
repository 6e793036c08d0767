/* api: helpers every handler shares (see api.h). */
#include "api.h"

#include <stdio.h>

#include "board.h"
#include "jsonw.h"

void
api_page(struct request *r, long def_limit, struct api_page *p)
{
	query_int(&r->query, "limit", 1, API_MAX_LIMIT, def_limit, &p->limit);
	query_int(&r->query, "offset", 0, API_MAX_OFFSET, 0, &p->offset);
	snprintf(p->limit_s, sizeof(p->limit_s), "%ld", p->limit);
	snprintf(p->offset_s, sizeof(p->offset_s), "%ld", p->offset);
}

int
api_send_page(struct request *r, const char *stmt, const char **params, int n,
    const struct api_page *page)
{
	if (resp_invalid_params(r))
		return 0;
	params[n] = page->limit_s;
	params[n + 1] = page->offset_s;
	return api_send_json(r, stmt, n + 2, params);
}

const char *
api_path_id(struct request *r, size_t i, const char *name)
{
	const char *id;

	if (i >= r->match.ncaptures)
		return NULL;
	query_path_id(&r->query, name, r->match.captures[i], &id);
	return id;
}

int
api_send_json(struct request *r, const char *stmt, int nparams, const char *const *params)
{
	PGresult *res = db_exec_prepared(r->db, stmt, nparams, params);

	if (res == NULL)
		return -1;
	resp_result(r, 200, res, "body");
	return 0;
}

int
api_send_found(struct request *r, const char *stmt, int nparams, const char *const *params,
    const char *what, const char *id)
{
	PGresult *res = db_exec_prepared(r->db, stmt, nparams, params);

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0 || db_value(res, 0, "body") == NULL) {
		PQclear(res);
		resp_detail(r, 404, "%s %s not found", what, id);
		return 0;
	}
	resp_result(r, 200, res, "body");
	return 0;
}

int
api_board_start(struct request *r, const PGresult *res, struct board *b, struct jsonw *w)
{
	if (board_init(b, res) < 0) {
		board_free(b);
		resp_detail(r, 500, "internal error: malformed prices");
		return -1;
	}
	buf_reset(&r->body);
	jsonw_init(w, &r->body);
	jsonw_obj(w);
	jsonw_kbool(w, "success", 1);
	jsonw_key(w, "timestamp");
	jsonw_instant(w, r->now);
	return 0;
}
