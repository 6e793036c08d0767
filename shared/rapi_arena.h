/*
 * rapi_arena: the memory pool behind one parsed Racing API result.
 *
 * Everything a parser makes for one result (strings, runner and odds
 * arrays) is carved from one arena and freed with it in one call, so a
 * result has exactly one owner and no partial frees.  Allocations are
 * zeroed and aligned for any type.  Not thread-safe.
 */
#ifndef DH_RAPI_ARENA_H
#define DH_RAPI_ARENA_H

#include <stddef.h>

struct rapi_arena;

/* Makes an empty arena.  On error (out of memory), NULL is returned. */
struct rapi_arena *rapi_arena_new(void);

/* Frees the arena and everything allocated from it.  NULL is fine. */
void rapi_arena_free(struct rapi_arena *a);

/*
 * Returns n zeroed bytes that live as long as the arena (n may be 0).  On
 * error (out of memory or n absurdly large), NULL is returned.
 */
void *rapi_arena_alloc(struct rapi_arena *a, size_t n);

/* Copies s[0..n) and a NUL into the arena.  On error, NULL is returned. */
char *rapi_arena_strndup(struct rapi_arena *a, const char *s, size_t n);

/* Bytes the arena holds from the system (for tests and memory checks). */
size_t rapi_arena_size(const struct rapi_arena *a);

#endif
