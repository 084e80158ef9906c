/* count_text: digits grouped in threes (count_text.h). */
#include "count_text.h"

#include <stdio.h>
#include <string.h>

char *count_text(long long n, char out[COUNT_TEXT_SIZE])
{
	char digits[24];
	/* The magnitude as unsigned: -LLONG_MIN does not fit a long long. */
	unsigned long long m = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	int len = snprintf(digits, sizeof digits, "%llu", m);
	size_t o = 0;
	if (n < 0)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		/* A comma before every group of three that has digits before it. */
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}
