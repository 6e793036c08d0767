/*
 * sha256: SHA-256 (FIPS 180-4), small and self-contained, for hashing API
 * keys.  Not constant-time with respect to anything but the data length,
 * which is all a hash of a random secret needs.
 */
#ifndef DH_SHA256_H
#define DH_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN    64	/* without the NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t  block[64];
	size_t   used;		/* bytes waiting in block */
};

/* Starts a hash.  Cannot fail. */
void sha256_init(struct sha256 *s);

/* Adds n bytes.  Cannot fail. */
void sha256_update(struct sha256 *s, const void *data, size_t n);

/* Finishes the hash into out; s must be initialised again before reuse. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_LEN]);

/* The digest of data as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1]);

#endif
