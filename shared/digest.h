/*
 * digest: SHA-256 hex digests through libcrypto's EVP interface, for hashing
 * API keys (dh_api_keys holds the digest, never the key).  libcrypto comes
 * with libpq and libcurl already; this is the one place that calls it.
 */
#ifndef DH_DIGEST_H
#define DH_DIGEST_H

#include <stddef.h>

#define DIGEST_SHA256_HEX_LEN 64	/* without the NUL */

/*
 * Writes the SHA-256 of data (n bytes) as 64 lowercase hex digits and a NUL
 * into out.  Returns 0, or -1 when libcrypto fails (out of memory), with out
 * set to "".
 */
int digest_sha256_hex(const void *data, size_t n, char out[DIGEST_SHA256_HEX_LEN + 1]);

#endif
