/* upload_commit: the last step of every upload, whichever way it came
 * (POST /api/recordings, the /upload form, or a tus upload's last byte):
 * staged files become a recording in the archive, indexed.
 *
 * The ingest (indexer/ingest.h) validates first — the metadata, the media
 * (it must probe as a recording), the transcript and agenda (errors carry
 * their line) — and only then moves the files into a new folder of the
 * archive (fsync, rename) and indexes that recording. Nothing is left
 * behind on failure.
 */
#ifndef QA_HTTP_UPLOAD_COMMIT_H
#define QA_HTTP_UPLOAD_COMMIT_H

#include <stdbool.h>

#include "ingest.h"
#include "request.h"
#include "upload_fields.h"

/* What became of an upload, for callers that answer in their own way (the
 * form's page, tus). */
typedef struct upload_result {
	char id[INGEST_ID_SIZE];      /* 201: the new recording's id */
	char url[INGEST_ID_SIZE + 8]; /* 201: its page, "/watch/<id>" */
	bool indexed;                 /* 201: searchable already */
	const char *field;            /* 400: the input at fault ("media", "transcript",
	                               * ...; static), "" when none */
	char message[600];            /* 400, 500, 503: one line, the field first */
} upload_result;

/* Make the recording of server's archive from fields. Returns 201, or 400
 * (the uploader's mistake), 503 (try again later) or 500, with *res filled
 * in. Writes no reply. A new recording without a transcript is queued for
 * speech recognition when the server has a transcriber (the job runs in
 * the background: transcribe_queue.h). */
unsigned upload_commit_run(struct http_server *server, const upload_fields *fields,
                           upload_result *res);

/* As upload_commit_run, with publish (ingest.h; may be NULL) for a caller
 * that must find its recording again after a crash: a tus upload. */
unsigned upload_commit_run_with(struct http_server *server, const upload_fields *fields,
                                const ingest_publish *publish, upload_result *res);

/* The API's answer for upload_commit_run's status and result (as below). */
unsigned upload_result_reply(unsigned status, const upload_result *res, http_reply *out);

/* Make the recording and answer as the API does. Returns 201 with {"id": ..., "url": "/watch/<id>",
 * "indexed": true|false} in *out and a Location header; or 400 with
 * {"error": "<field>: <what is wrong>"} (e.g. "transcript: line 12: ...",
 * "media: not a media file: ..."), or 500/503, with the message in *out. */
unsigned upload_commit(http_request *req, const upload_fields *fields, http_reply *out);

#endif
