/*
 * redact: connection strings with their secrets taken out, for log lines and
 * error messages.  A PostgreSQL URL's userinfo (postgresql://user:pass@host)
 * becomes "***", and a password=VALUE (keyword form, or a URL's query
 * parameter) becomes password=***, wherever they occur in the text.
 */
#ifndef DH_REDACT_H
#define DH_REDACT_H

#include <stddef.h>

/*
 * Copies text into out (outlen bytes, always terminated, truncated when
 * short) with every URL userinfo and password value replaced by "***".
 * out must not overlap text.  This function can't fail.
 */
void redact_secrets(const char *text, char *out, size_t outlen);

#endif
