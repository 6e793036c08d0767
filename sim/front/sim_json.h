/*
 * sim_json: what the simulator adds to the shared JSON writer (jsonw.h):
 * the upstream's habits (integers written as strings, formatted strings,
 * empty lists) and the "wrong_types" fault, which, once switched on for a
 * body, writes one string value in every few as a number, null or an
 * object instead (through jsonw's string hook).
 */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stdint.h>

#include "jsonw.h"

/* The state of the wrong_types fault for one body. */
struct sim_json_corrupt {
	uint64_t key;       /* from the fault plan, odd */
	uint64_t strings;   /* string values written */
};

/*
 * From now on, corrupt some of w's string values, chosen by key; c holds
 * the fault's state and must live as long as w writes.  Cannot fail.
 */
void sim_json_corrupt(struct jsonw *w, struct sim_json_corrupt *c, uint64_t key);

/* A string value formatted with printf (at most 1 KB). */
void sim_json_kfmt(struct jsonw *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An integer written as a JSON string, the upstream's habit: "field_size": "10". */
void sim_json_knum(struct jsonw *w, const char *key, long long v);

/* An empty array value: "quotes": []. */
void sim_json_kempty(struct jsonw *w, const char *key);

#endif
