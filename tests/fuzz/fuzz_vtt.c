/* Fuzz target: the WebVTT parser, including the cue text layer it runs on
 * every cue. */
#include <assert.h>

#include "fuzz_input.h"
#include "vtt.h"

static void parse(const char *buf, size_t len)
{
	transcript t = TRANSCRIPT_INIT;
	transcript_status status = vtt_parse(buf, len, &t);
	/* Invariants: a rejected file has no cues and an error; every cue has
	 * its strings. */
	assert(status != TRANSCRIPT_INVALID || (t.cues.count == 0 && t.error[0]));
	for (size_t i = 0; i < t.cues.count; i++)
		assert(t.cues.items[i].id && t.cues.items[i].text && t.cues.items[i].plain);
	transcript_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
