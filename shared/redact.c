/* redact: connection strings without their secrets (see redact.h). */
#include "redact.h"

#include <string.h>
#include <strings.h>

#define REDACT_MASK "***"

/* Characters that end a URL's authority or a keyword's value in free text. */
static int
redact_stop(char c)
{
	return c == '\0' || c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' ||
	    c == '\n' || c == '"' || c == '\'' || c == '&' || c == ',';
}

/* Appends n bytes of s at *pos, keeping room for the terminator. */
static void
redact_put(char *out, size_t outlen, size_t *pos, const char *s, size_t n)
{
	if (outlen == 0)
		return;
	if (*pos + n >= outlen)
		n = outlen - 1 - *pos;
	memcpy(out + *pos, s, n);
	*pos += n;
}

void
redact_secrets(const char *text, char *out, size_t outlen)
{
	size_t pos = 0;
	const char *p = text;

	if (outlen == 0)
		return;
	while (*p != '\0' && pos + 1 < outlen) {
		if (strncmp(p, "://", 3) == 0) {
			const char *auth = p + 3, *at = NULL, *q;

			for (q = auth; !redact_stop(*q); q++)
				if (*q == '@')
					at = q;
			redact_put(out, outlen, &pos, p, 3);
			if (at != NULL) {
				redact_put(out, outlen, &pos, REDACT_MASK, strlen(REDACT_MASK));
				p = at;
			} else {
				p = auth;
			}
			continue;
		}
		if (strncasecmp(p, "password", 8) == 0) {
			const char *q = p + 8;

			while (*q == ' ')
				q++;
			if (*q == '=') {
				q++;
				while (*q == ' ')
					q++;
				redact_put(out, outlen, &pos, "password=", 9);
				redact_put(out, outlen, &pos, REDACT_MASK, strlen(REDACT_MASK));
				if (*q == '\'') {	/* password='quoted \' value' */
					for (q++; *q != '\0' && *q != '\''; q++)
						if (*q == '\\' && q[1] != '\0')
							q++;
					if (*q == '\'')
						q++;
				} else {
					while (!redact_stop(*q) || *q == '/' || *q == '?' || *q == '#')
						q++;
				}
				p = q;
				continue;
			}
		}
		out[pos++] = *p++;
	}
	out[pos] = '\0';
}
