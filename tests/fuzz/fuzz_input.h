/* Shared by the fuzz targets: how one fuzz input is fed to a parser.
 *
 * The first byte chooses the mode, so one corpus explores both:
 * - even: the rest is parsed whole;
 * - odd: the rest is also parsed cut at several points, as a truncated
 *   upload or a file still being written would arrive.
 * Every piece is copied into a heap block of exactly its size, so
 * AddressSanitizer catches a read one byte past the end.
 */
#ifndef QA_FUZZ_INPUT_H
#define QA_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef void (*fuzz_parse_fn)(const char *buf, size_t len);

static inline void fuzz_feed_one(fuzz_parse_fn parse, const uint8_t *data, size_t len)
{
	char *copy = calloc(1, len ? len : 1);
	if (!copy)
		return;
	if (len)
		memcpy(copy, data, len);
	parse(copy, len);
	free(copy);
}

static inline void fuzz_feed(fuzz_parse_fn parse, const uint8_t *data, size_t size)
{
	if (size == 0) {
		fuzz_feed_one(parse, data, 0);
		return;
	}
	uint8_t mode = data[0];
	data++;
	size--;
	fuzz_feed_one(parse, data, size);
	if (mode & 1) {
		/* Cut points derived from the mode byte: deterministic per input. */
		for (size_t k = 1; k <= 4; k++) {
			size_t cut = size * k / 5 + (size_t)(mode >> 1) % 7;
			fuzz_feed_one(parse, data, cut < size ? cut : size);
		}
	}
}

#endif
