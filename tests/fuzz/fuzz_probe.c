/* Fuzz target: the media probe path (libavformat on in-memory input through
 * our custom AVIOContext, with the same limits and deadline as the CLI),
 * then embedded subtitle extraction and the JSON both print. */
#include <assert.h>

#include "fuzz_input.h"
#include "media_json.h"
#include "media_probe.h"
#include "media_subtitles.h"

static void parse(const char *buf, size_t len)
{
	media_info info = MEDIA_INFO_INIT;
	media_status status = media_probe_memory((const unsigned char *)buf, len, &info);
	/* Invariants: a failure says why and holds nothing; a success has a
	 * format and an audio or video stream, every string is set, and the
	 * JSON can be built (every string is valid UTF-8). */
	assert(status == MEDIA_OK || (info.error[0] && info.stream_count == 0));
	if (status == MEDIA_OK) {
		assert(info.format && info.stream_count > 0);
		for (size_t i = 0; i < info.stream_count; i++)
			assert(info.streams[i].codec);
		for (size_t i = 0; i < info.chapter_count; i++)
			assert(info.chapters[i].title);
		json_t *json = media_info_json(&info);
		assert(json);
		json_decref(json);
	}
	media_info_free(&info);

	media_subtitles subs = MEDIA_SUBTITLES_INIT;
	status = media_subtitles_read_memory((const unsigned char *)buf, len, -1, &subs);
	assert(status == MEDIA_OK || (subs.error[0] && subs.cues.count == 0));
	for (size_t i = 0; i < subs.cues.count; i++)
		assert(subs.cues.items[i].id && subs.cues.items[i].text &&
		       subs.cues.items[i].plain);
	json_t *json = media_subtitles_json(&subs, status);
	assert(json);
	json_decref(json);
	media_subtitles_free(&subs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		media_log_silence();
		quiet = 1;
	}
	fuzz_feed(parse, data, size);
	return 0;
}
