#include "str_hash.h"

uint64_t str_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a's offset basis */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}
