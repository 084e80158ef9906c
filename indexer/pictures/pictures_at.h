/* pictures_at: a video's frame at a moment (a search hit's), made on
 * request into the published set's at/ folder (pictures_store.h) and kept
 * there, so each moment is decoded once.
 *
 * The cost a request can cause is bounded: the frame is small
 * (PICTURES_THUMB_WIDTH x PICTURES_THUMB_HEIGHT at most), at most
 * PICTURES_AT_CONCURRENT are made at once in a process (the others are
 * told PICTURES_BUSY), and at/ keeps at most PICTURES_AT_CACHE_MAX frames
 * (a new one replaces an old one past that). Moments are kept to the
 * millisecond, the precision of a cue's time.
 */
#ifndef QA_PICTURES_AT_H
#define QA_PICTURES_AT_H

#include <stddef.h>

#include "pictures_store.h"

#define PICTURES_AT_CONCURRENT 2
#define PICTURES_AT_CACHE_MAX  1000 /* frames of 10-20 KB: 20 MB a recording at most */

/* The JPEG of recording id's frame at `seconds` (media_path: its media
 * file, borrowed): *path (caller frees) names it. Returns PICTURES_OK;
 * PICTURES_NONE (no published set, or the recording has no video);
 * PICTURES_RANGE (seconds is negative, not a number, or at or past the
 * end); PICTURES_BUSY (try again soon); PICTURES_FAILED, PICTURES_IO or
 * PICTURES_NOMEM with a message in err. */
pictures_status pictures_at(const char *archive_dir, const char *id, const char *media_path,
                            double seconds, char **path, char *err, size_t errlen);

#endif
