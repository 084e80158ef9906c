/* Fuzz target: transcript_parse as uploads reach it: sniffing, every
 * parser, then the roll-up collapse and the speaker prefixes. */
#include <assert.h>
#include <string.h>

#include "fuzz_input.h"
#include "transcript.h"

static void parse(const char *buf, size_t len)
{
	transcript t = TRANSCRIPT_INIT;
	transcript_status status = transcript_parse(buf, len, TRANSCRIPT_UNKNOWN, NULL, &t);
	assert(status != TRANSCRIPT_INVALID || (t.cues.count == 0 && t.error[0]));
	for (size_t i = 0; i < t.cues.count; i++) {
		const cue *c = &t.cues.items[i];
		assert(c->id && c->text && c->plain);
		/* Word times point into the plain text, in order. */
		for (size_t k = 0; k < c->word_count; k++)
			assert(c->words[k].offset <= strlen(c->plain) &&
			       (k == 0 || c->words[k].offset >= c->words[k - 1].offset));
		/* A voice taken from a prefix is a name, never empty. */
		assert(!c->voice || t.format == TRANSCRIPT_WEBVTT || c->voice[0]);
	}
	transcript_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
