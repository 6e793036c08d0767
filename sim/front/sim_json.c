/* sim_json: the simulator's JSON habits and the wrong_types fault (see sim_json.h). */
#include "sim_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim_rng.h"

/* One string value in CORRUPT_EVERY is replaced when corrupting. */
#define CORRUPT_EVERY 7

/* The jsonw string hook of the fault: writes something else than s, now and then. */
static int
sim_json_wrong(struct jsonw *w, const char *s, void *arg)
{
	struct sim_json_corrupt *c = arg;
	uint64_t h;

	c->strings++;
	if (s == NULL || (c->strings + c->key) % CORRUPT_EVERY != 0)
		return 0;
	if (jsonw_is_number(s) && s[0] != '0') {
		jsonw_token(w, s, strlen(s));
		return 1;
	}
	h = sim_rng_hash(SIM_RNG_CORRUPT, c->key, c->strings, 0);
	switch (h % 3) {
	case 0:
		jsonw_null(w);
		break;
	case 1:
		jsonw_obj(w);
		jsonw_kstr(w, "value", s);
		jsonw_obj_end(w);
		break;
	default:
		jsonw_int(w, 12345);
		break;
	}
	return 1;
}

void
sim_json_corrupt(struct jsonw *w, struct sim_json_corrupt *c, uint64_t key)
{
	c->key = key | 1;
	c->strings = 0;
	jsonw_set_hook(w, sim_json_wrong, c);
}

void
sim_json_kfmt(struct jsonw *w, const char *key, const char *fmt, ...)
{
	char s[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	jsonw_kstr(w, key, s);
}

void
sim_json_knum(struct jsonw *w, const char *key, long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	jsonw_kstr(w, key, s);
}

void
sim_json_kempty(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_arr(w);
	jsonw_arr_end(w);
}
