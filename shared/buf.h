/*
 * buf: a growable byte buffer with a mandatory maximum size.
 *
 * The buffer always keeps its data NUL-terminated (not counted in len), so
 * buf.data can be used as a C string when only text was added.  When an
 * addition would take it past its maximum, or memory runs out, the buffer
 * frees its memory, stays empty and the call returns -1: a caller that sees
 * -1 does not need to clean up.  The memory belongs to the buffer until
 * buf_take() hands it over.
 */
#ifndef DH_BUF_H
#define DH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char   *data;   /* NULL until the first addition */
	size_t  len;    /* bytes stored, excluding the trailing NUL */
	size_t  cap;    /* bytes allocated */
	size_t  max;    /* the most len may ever reach */
};

/* Sets up an empty buffer that may hold up to max bytes.  Cannot fail. */
void buf_init(struct buf *b, size_t max);

/* Appends n bytes.  Returns 0, or -1 (buffer freed) past max or out of memory. */
int buf_add(struct buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string.  As buf_add. */
int buf_addstr(struct buf *b, const char *s);

/* Appends printf-formatted text.  As buf_add. */
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Empties the buffer but keeps its memory for reuse.  Cannot fail. */
void buf_reset(struct buf *b);

/* Frees the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);

/*
 * Hands the data over to the caller, who frees it with free().  Returns an
 * empty allocated string when nothing was added, NULL only when out of
 * memory.  The buffer is left empty.
 */
char *buf_take(struct buf *b, size_t *len);

/* Returns the data as a C string; "" when nothing was added. */
const char *buf_str(const struct buf *b);

#endif
