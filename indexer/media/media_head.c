/* media_head: the container test of media_probe_file's open, on the first
 * bytes of an upload (media_probe.h). */
#include "media_probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/error.h>

#include "media_input.h"

/* libavformat's first probe size (PROBE_BUF_MIN in libavformat/format.c):
 * av_probe_input_buffer2 starts there and doubles. */
#define PROBE_MIN 2048

media_status media_probe_head(const unsigned char *head, size_t len, char *err, size_t errlen)
{
	size_t n = len < MEDIA_HEAD_BYTES ? len : MEDIA_HEAD_BYTES;
	/* Probing reads up to AVPROBE_PADDING_SIZE past the data: zeros. */
	unsigned char *buf = calloc(1, n + AVPROBE_PADDING_SIZE);
	const char *allowed = media_demuxer_whitelist();
	if (!buf || !allowed) {
		free(buf);
		snprintf(err, errlen, "out of memory");
		return MEDIA_NOMEM;
	}
	memcpy(buf, head, n);
	/* As av_probe_input_buffer2 decides for avformat_open_input: sizes
	 * from PROBE_MIN doubling up to the probe size, a format taken when
	 * it scores above AVPROBE_SCORE_RETRY, or above 0 at the last size. */
	const AVInputFormat *fmt = NULL;
	for (size_t size = PROBE_MIN; !fmt; size = size * 2 < n ? size * 2 : n) {
		if (size > n)
			size = n;
		AVProbeData pd = {.filename = "", .buf = buf, .buf_size = (int)size};
		int score = size < MEDIA_PROBESIZE ? AVPROBE_SCORE_RETRY : 0;
		fmt = av_probe_input_format2(&pd, 1, &score);
		if (size == n)
			break;
	}
	free(buf);
	/* A format off the whitelist is refused by the open as well. */
	if (fmt && av_match_list(fmt->name, allowed, ',') > 0)
		return MEDIA_OK;
	snprintf(err, errlen, "cannot read the container: %s", av_err2str(AVERROR_INVALIDDATA));
	return MEDIA_INVALID;
}
