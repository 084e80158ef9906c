/* Fuzz target: the SBV parser (timing lines, blocks, decoding). */
#include <assert.h>

#include "fuzz_input.h"
#include "sbv.h"

static void parse(const char *buf, size_t len)
{
	transcript t = TRANSCRIPT_INIT;
	transcript_status status = sbv_parse(buf, len, &t);
	assert(status != TRANSCRIPT_INVALID || (t.cues.count == 0 && t.error[0]));
	for (size_t i = 0; i < t.cues.count; i++)
		assert(t.cues.items[i].end >= t.cues.items[i].start);
	transcript_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
