/* rapi_arena: one memory pool per parsed result (see rapi_arena.h). */
#include "rapi_arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RAPI_ARENA_CHUNK (64 * 1024)
#define RAPI_ARENA_ALIGN alignof(max_align_t)

struct rapi_arena_chunk {
	struct rapi_arena_chunk *next;
	size_t                   used, size;
	alignas(max_align_t) unsigned char data[];
};

struct rapi_arena {
	struct rapi_arena_chunk *head;   /* the chunk being carved; older ones follow */
	size_t                   total;  /* bytes taken from malloc */
};

struct rapi_arena *
rapi_arena_new(void)
{
	return calloc(1, sizeof(struct rapi_arena));
}

void
rapi_arena_free(struct rapi_arena *a)
{
	struct rapi_arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* Adds a chunk of at least n bytes; a big one goes behind the head. */
static struct rapi_arena_chunk *
rapi_arena_grow(struct rapi_arena *a, size_t n)
{
	size_t size = n > RAPI_ARENA_CHUNK / 4 ? n : RAPI_ARENA_CHUNK;
	struct rapi_arena_chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = malloc(sizeof(*c) + size);
	if (c == NULL)
		return NULL;
	c->used = 0;
	c->size = size;
	a->total += sizeof(*c) + size;
	if (size != RAPI_ARENA_CHUNK && a->head != NULL) {
		/* Keep carving the current chunk: the big block is used up at once. */
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c;
}

void *
rapi_arena_alloc(struct rapi_arena *a, size_t n)
{
	struct rapi_arena_chunk *c = a->head;
	size_t need;
	void *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	need = (n + RAPI_ARENA_ALIGN - 1) & ~(RAPI_ARENA_ALIGN - 1);
	if (c == NULL || c->size - c->used < need) {
		c = rapi_arena_grow(a, need);
		if (c == NULL)
			return NULL;
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

char *
rapi_arena_strndup(struct rapi_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = rapi_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t
rapi_arena_size(const struct rapi_arena *a)
{
	return a->total;
}
