/* qstring: query-string splitting and percent-decoding (see qstring.h). */
#include "qstring.h"

#include <stdlib.h>
#include <string.h>

static int
qstring_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
qstring_decode(const char *src, size_t n, char *dst, int flags)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi = -1, lo = -1;

		if (src[i] == '%' && i + 2 < n) {
			hi = qstring_hex(src[i + 1]);
			lo = qstring_hex(src[i + 2]);
		}
		if (hi >= 0 && lo >= 0) {
			dst[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (src[i] == '%' && (flags & QSTRING_STRICT)) {
			return -1;
		} else {
			dst[o++] = src[i] == '+' && (flags & QSTRING_PLUS) ? ' ' : src[i];
		}
	}
	dst[o] = '\0';
	return (long)o;
}

int
qstring_split(const char *raw, const char *seps, int flags, struct qstring_pair *pairs,
    size_t max, char **storage, size_t *at)
{
	size_t len = raw != NULL ? strlen(raw) : 0, n = 0;
	const char *p = raw;
	char *out;

	*storage = NULL;
	*at = 0;
	if (len == 0)
		return 0;
	/* Decoded text is never longer; one NUL per key and per value. */
	out = *storage = malloc(len * 2 + 2);
	if (out == NULL)
		return QSTRING_NOMEM;
	flags |= QSTRING_PLUS;
	for (; *p != '\0'; p += *p != '\0') {
		size_t seg = strcspn(p, seps), klen;
		const char *eq = memchr(p, '=', seg);
		long kn, vn;

		if (seg == 0)
			continue;
		*at = (size_t)(p - raw);
		if (n == max)
			return QSTRING_TOO_MANY;
		klen = eq != NULL ? (size_t)(eq - p) : seg;
		kn = qstring_decode(p, klen, out, flags);
		if (kn < 0)
			return QSTRING_BAD_ESCAPE;
		if ((flags & QSTRING_STRICT) && (size_t)kn != strlen(out))
			return QSTRING_NUL_NAME;
		pairs[n].key = out;
		pairs[n].key_escaped = memchr(p, '%', klen) != NULL;
		out += kn + 1;
		vn = eq != NULL ? qstring_decode(eq + 1, seg - klen - 1, out, flags) : qstring_decode("", 0, out, flags);
		if (vn < 0)
			return QSTRING_BAD_ESCAPE;
		pairs[n].value = out;
		pairs[n].value_len = (size_t)vn;
		out += vn + 1;
		n++;
		p += seg;
	}
	return (int)n;
}
