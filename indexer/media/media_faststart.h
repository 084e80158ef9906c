/* media_faststart: an MP4 or QuickTime file whose index (the `moov` box)
 * comes after its media data (`mdat`), as ffmpeg and many recorders write
 * it, made "+faststart" (moov first) by a stream copy with libavformat.
 *
 * Why: a player that opens such a file at a `t=` link must first fetch
 * the end of the file for the index, and a browser may read from byte 0
 * before it finds out. With moov first, the first request brings the
 * index and the next one a range near t.
 *
 * Nothing is decoded or re-encoded: the packets, the streams' parameters
 * and side data (a phone video's rotation), the metadata and the chapters
 * are copied as they are. A file with a stream the muxer cannot carry is
 * refused, not trimmed.
 */
#ifndef QA_MEDIA_FASTSTART_H
#define QA_MEDIA_FASTSTART_H

#include <stdbool.h>
#include <stddef.h>

#include "media_probe.h"

/* Whether the file at path is an ISO base media file (MP4, MOV, M4A: its
 * top-level boxes read, at most 1,000) whose moov follows an mdat: then
 * *needed is true. Anything else (another container, moov first, a
 * fragmented MP4, no moov at all) leaves it false. Returns MEDIA_OK, or
 * MEDIA_UNREADABLE with err saying why. */
media_status media_faststart_needed(const char *path, bool *needed, char *err, size_t errlen);

/* Write src's streams into a new file dst (created with O_EXCL: it must
 * not exist) as an MP4 (or a QuickTime file when dst ends in ".mov", or an
 * M4A for ".m4a") with moov first, and fsync it. The copy must probe
 * with src's duration (within 0.1 s) and streams, or it is refused. On
 * any failure dst is removed and err says why: MEDIA_UNREADABLE (src or
 * dst: I/O), MEDIA_INVALID (src cannot be read or carried over),
 * MEDIA_TIMEOUT (slower than 60 s plus 1 s per 10 MB), MEDIA_NOMEM. The
 * caller renames dst over src (or wherever it belongs). */
media_status media_faststart_copy(const char *src, const char *dst, char *err, size_t errlen);

#endif
