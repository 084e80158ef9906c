#include "csrf.h"

#include <sodium.h>
#include <string.h>

bool csrf_equal(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t n = strlen(a);
	/* The length is no secret: every token is SESSION_TOKEN_LEN long. */
	if (n == 0 || n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

bool secret_equal(const char *given, const char *expected)
{
	if (!given || !expected || !expected[0])
		return false;
	/* Hashed first, so that the time taken says nothing of the expected
	 * secret, its length included (given's length is the client's own). */
	unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
	crypto_generichash(a, sizeof a, (const unsigned char *)given, strlen(given), NULL, 0);
	crypto_generichash(b, sizeof b, (const unsigned char *)expected, strlen(expected), NULL, 0);
	return sodium_memcmp(a, b, sizeof a) == 0;
}
