/* jsonout: JSON bodies (see jsonout.h). */
#include "jsonout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
jsonout_append(const char *p, size_t n, void *data)
{
	return buf_add(data, p, n);
}

int
jsonout_dump(struct buf *b, const json_t *j)
{
	if (json_dump_callback(j, jsonout_append, b, JSON_COMPACT | JSON_REAL_PRECISION(10)) < 0) {
		buf_free(b);
		return -1;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid or NUL. */
static size_t
jsonout_utf8_len(const unsigned char *s, size_t left)
{
	size_t n;
	unsigned cp;

	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int
jsonout_quote(struct buf *b, const char *s)
{
	const char *run;

	if (s == NULL)
		return buf_add(b, "null", 4);
	if (buf_add(b, "\"", 1) < 0)
		return -1;
	for (run = s; *s != '\0'; ) {
		unsigned char c = (unsigned char)*s;
		const char *esc = NULL;
		char hex[8];
		size_t n = 1;

		if (c >= 0x80) {
			/* At most 4 bytes are read: the NUL ends any sequence. */
			n = jsonout_utf8_len((const unsigned char *)s, 4);
			if (n > 0) {
				s += n;
				continue;
			}
			n = 1;
			esc = "\xef\xbf\xbd";	/* U+FFFD for a byte that starts no valid sequence */
		} else if (c >= 0x20 && c != '"' && c != '\\') {
			s++;
			continue;
		} else if (c == '"' || c == '\\') {
			esc = c == '"' ? "\\\"" : "\\\\";
		} else if (c == '\n' || c == '\r' || c == '\t') {
			esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
		} else {
			snprintf(hex, sizeof(hex), "\\u%04x", c);
			esc = hex;
		}
		if (buf_add(b, run, (size_t)(s - run)) < 0 || buf_addstr(b, esc) < 0)
			return -1;
		s += n;
		run = s;
	}
	if (buf_add(b, run, (size_t)(s - run)) < 0)
		return -1;
	return buf_add(b, "\"", 1);
}

int
jsonout_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n;

		if (p[i] - 1u < 0x7fu) {	/* ASCII but NUL: the common case, without a call */
			i++;
			continue;
		}
		n = jsonout_utf8_len(p + i, len - i);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

json_t *
jsonout_string(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	json_t *j;
	size_t i = 0;

	if (jsonout_valid_utf8(s, len))
		return json_stringn(s, len);
	buf_init(&b, len * 3 + 1);
	while (i < len) {
		size_t n = jsonout_utf8_len(p + i, len - i);

		if (n == 0) {
			if (buf_add(&b, "\xef\xbf\xbd", 3) < 0)
				return NULL;
			i++;
		} else {
			if (buf_add(&b, p + i, n) < 0)
				return NULL;
			i += n;
		}
	}
	j = json_stringn(buf_str(&b), b.len);
	buf_free(&b);
	return j;
}

json_t *
jsonout_detail_item(const char *where, const char *name, const char *msg, const char *type)
{
	json_t *loc = json_pack("[ss]", where, name);

	if (loc == NULL)
		return NULL;
	/* "o" steals loc even when packing fails. */
	return json_pack("{s:o, s:s, s:s}", "loc", loc, "msg", msg, "type", type);
}
