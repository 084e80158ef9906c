/* Fuzz target: timestamped plain text (times, Otter headings, speakers,
 * the spans shared by word count). */
#include <assert.h>

#include "fuzz_input.h"
#include "timestamped_text.h"

static void parse(const char *buf, size_t len)
{
	transcript t = TRANSCRIPT_INIT;
	(void)timestamped_text_sniff(buf, len);
	transcript_status status = timestamped_text_parse(buf, len, &t);
	assert(status != TRANSCRIPT_INVALID || (t.cues.count == 0 && t.error[0]));
	/* Times never go backwards, and a cue never ends before it starts. */
	for (size_t i = 0; i < t.cues.count; i++) {
		assert(t.cues.items[i].end >= t.cues.items[i].start);
		assert(i == 0 || t.cues.items[i].start >= t.cues.items[i - 1].start);
	}
	transcript_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
