/* digest: SHA-256 hex digests through libcrypto (see digest.h). */
#include "digest.h"

#include <openssl/evp.h>

int
digest_sha256_hex(const void *data, size_t n, char out[DIGEST_SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1 || len * 2 != DIGEST_SHA256_HEX_LEN)
		return -1;
	for (unsigned int i = 0; i < len; i++) {
		out[i * 2] = hex[md[i] >> 4];
		out[i * 2 + 1] = hex[md[i] & 15];
	}
	out[len * 2] = '\0';
	return 0;
}
