/* recording_files: a recording named in a URL, found safely.
 *
 * A URL's id is only ever checked (recording_id_valid: letters, digits,
 * '-', '_', '.', not starting with '.') and looked up in the index; the
 * folder is the archive directory joined with that checked id, and every
 * file path (transcript, media) comes from recording_load_dir's scan of
 * that folder, never from the URL.
 */
#ifndef QA_HTTP_RECORDING_FILES_H
#define QA_HTTP_RECORDING_FILES_H

#include <jansson.h>
#include <stdbool.h>

#include "media_subtitles.h"
#include "recording.h"
#include "request.h"
#include "transcript.h"

/* The index's summary of recording `id` (what `qarchive list --json`
 * prints for it). Returns 0 with *summary set (caller releases with
 * json_decref), or an error status with the message in out: 404 for an
 * invalid or unindexed id, 503 when the index is damaged (or missing), 500
 * when it cannot be read for another reason. */
unsigned http_recording_summary(http_request *req, http_reply *out, const char *id,
                                json_t **summary);

/* Give each of the summary's "questions" its "similar": the questions
 * like it in other recordings (similar_units.h). 0, or an error status
 * with the message in out: 503 when the index keeps changing, 500 when it
 * cannot be read. */
unsigned http_recording_similar(http_request *req, http_reply *out, const char *id,
                                json_t *summary);

/* Every indexed recording's summary, newest first in the order of
 * recordings_list.h (as `qarchive list`). Returns 0 with *list set (a JSON
 * array; caller releases), or an error status with the message in out. */
unsigned http_recordings_newest(http_request *req, http_reply *out, json_t **list);

/* Load the folder of indexed recording `id` into *rec (RECORDING_INIT;
 * caller frees with recording_free). Returns 0, or 404 when the folder is
 * gone or unreadable since indexing, 500 when out of memory. */
unsigned http_recording_load(http_request *req, http_reply *out, const char *id, recording *rec);

/* A recording's cues, from its transcript file or its media's subtitle
 * stream, read the way `qarchive index` reads them. */
typedef struct http_transcript {
	const cue_list *cues; /* borrowed from one of the two below; empty when none */
	const char *source;   /* "webvtt", "srt", "sbv", "text", "media", or NULL when none */
	transcript file;
	media_subtitles media;
} http_transcript;

/* Read rec's cues into *t (zeroed first; free with http_transcript_free).
 * A recording with no transcript gives 0 with t->source NULL and no cues.
 * Returns 0, or 500 with a message when the files cannot be read or no
 * longer parse. */
unsigned http_transcript_load(const recording *rec, http_transcript *t, http_reply *out);
void http_transcript_free(http_transcript *t);

/* The id in the tail of a URL such as "/captions/<id>.vtt": rest must end
 * with suffix (may be "") and what is before it must be a valid id. Copies
 * it to id (RECORDING_ID_MAX + 1 bytes) and returns true, or false. */
bool http_recording_id_from(const char *rest, const char *suffix, char id[RECORDING_ID_MAX + 1]);

#endif
