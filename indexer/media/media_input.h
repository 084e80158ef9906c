/* media_input: the bounded libavformat open that media_probe.c and
 * media_subtitles.c share. The one header besides media_input.c that sees
 * libav types; only those files include it. */
#ifndef QA_MEDIA_INPUT_H
#define QA_MEDIA_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libavformat/avformat.h>

#include "media_probe.h"

/* One opened input. Lives where the caller put it (the AVIOContext and the
 * interrupt callback point into it), so it must not be moved once opened. */
typedef struct media_input {
	AVFormatContext *fmt;     /* owned; NULL until opened */
	AVIOContext *pb;          /* owned: our custom I/O over fd or buf */
	int fd;                   /* owned; -1 for memory input */
	const unsigned char *buf; /* borrowed for memory input, else NULL */
	int64_t size;             /* bytes in the file or buffer */
	int64_t pos;              /* the read position of the custom I/O */
	struct timespec deadline; /* CLOCK_MONOTONIC */
	bool timed_out;           /* the deadline passed during some call */
	int io_errno;             /* a read error on the file, or 0 */
} media_input;

/* Open path (or buf[0..len), borrowed until media_input_close) with the
 * limits in media_probe.h, and read the stream parameters
 * (avformat_find_stream_info). *in need not be initialised. On failure
 * returns MEDIA_UNREADABLE, MEDIA_INVALID, MEDIA_TIMEOUT or MEDIA_NOMEM
 * with err[0..errlen) saying why, and *in is closed. */
media_status media_input_open_file(media_input *in, const char *path, char *err, size_t errlen);
media_status media_input_open_memory(media_input *in, const unsigned char *buf, size_t len,
                                     char *err, size_t errlen);

/* Move the deadline to `seconds` from now (for a long read after the
 * bounded open). */
void media_input_extend(media_input *in, int seconds);

/* The demuxers an input may be read with (media_demuxers.c): every one
 * but those that load and decompress a whole file out of the deadline's
 * reach. For libavformat's format_whitelist; NULL when out of memory. */
const char *media_demuxer_whitelist(void);

/* True once the deadline has passed (and remembers so in in->timed_out). */
bool media_input_expired(media_input *in);

/* Turn a negative libav error code from a call on `in` into our status and
 * a one-line message "<what>: <reason>". */
media_status media_input_error(media_input *in, int averr, const char *what, char *err,
                               size_t errlen);

/* Fill *out (MEDIA_INFO_INIT) from an opened context: streams, chapters,
 * tags, duration. Does not judge playability. Returns MEDIA_OK or
 * MEDIA_NOMEM (out left empty). Defined in media_probe.c. */
media_status media_info_fill(AVFormatContext *fmt, media_info *out);

/* A copy of s as valid UTF-8 (text_normalize's WHATWG decoding: each
 * invalid sequence becomes U+FFFD), since container strings are whatever
 * the file says. Caller frees; NULL when out of memory. */
char *media_text_dup(const char *s);

/* Close everything in *in. Safe on a closed input. */
void media_input_close(media_input *in);

#endif
