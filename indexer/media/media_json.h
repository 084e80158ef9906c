/* media_json: what `qarchive probe` and `qarchive cues MEDIA` print.
 *
 * Probe:
 *   {"duration": seconds|null, "format": "mov,mp4,m4a,3gp,3g2,mj2",
 *    "streams": [{"index": n, "type": "video"|"audio"|"subtitle"|"data",
 *                 "codec": "h264", "language": "eng"|null}],
 *    "chapters": [{"start": s, "end": s, "title": "..."}],
 *    "tags": {"key": "value", ...}}
 * Embedded cues, the transcript shape (cue_json.h) plus where they came
 * from:
 *   {"valid": bool, "format": "media", "stream": n|null, "codec": "mov_text"|null,
 *    "language": "eng"|null, "cues": [...], "error": "..."|null}
 */
#ifndef QA_MEDIA_JSON_H
#define QA_MEDIA_JSON_H

#include <jansson.h>

#include "media_probe.h"
#include "media_subtitles.h"

/* New references (caller releases with json_decref); NULL when out of
 * memory. media_info_json expects a probe that returned MEDIA_OK. */
json_t *media_info_json(const media_info *info);
json_t *media_subtitles_json(const media_subtitles *s, media_status status);

#endif
