/* ingest: staged files in, a recording in the archive out (staff upload).
 *
 * A recording reaches the archive only whole and only valid:
 *   1. the metadata is validated (recording_parse_json: the indexer's own
 *      rules and messages);
 *   2. the media is probed (media_probe.h): it must be audio or video; its
 *      stored extension comes from the probed container, not the client's
 *      file name; with no transcript file, its text subtitle stream (if
 *      any) must decode; metadata without a "date" takes the media's
 *      creation_time (its local calendar day) if it has a plausible one,
 *      else today;
 *   3. the transcript's format is sniffed from its content (transcript.h)
 *      and it is parsed: it must be accepted and hold at least one cue;
 *   4. the agenda is parsed, the notes must be UTF-8;
 *   5. a staging folder is built under .qarchive/uploads/tmp/ (mkdtemp):
 *      recording.json (pretty JSON, written from the validated metadata),
 *      transcript.<vtt|srt|sbv|txt>, agenda.md, notes.md and media.<ext>, each
 *      fsynced, then the folder;
 *   6. the folder is renamed to <archive>/<id> with RENAME_NOREPLACE: the
 *      id is recording_id_make's, then "-2", "-3", ... while the name is
 *      taken, so concurrent uploads of one title get distinct ids and
 *      nothing is ever overwritten; the archive directory is fsynced;
 *   7. that one recording is indexed (index_update_recording).
 * Any failure before 6 leaves nothing in the archive (the staging folder
 * is removed; a process killed meanwhile leaves it in uploads/tmp/, where
 * ingest_recover finds it). After 6 the recording is in the archive even if
 * indexing fails or the index stays busy: the upload has succeeded and the
 * next index_update catches up (ingest_error.indexed says which).
 *
 * A recording with neither a transcript file nor a subtitle stream is
 * accepted. The index then stores its summary (`qarchive list --json`,
 * /api/recordings[/<id>]) with "has_transcript": false and
 * "transcript_source": null, which is what the web shows as "transcript
 * pending"; replacing its transcript later (recording_edit.h) flips both.
 *
 * Threads: every function here may run in several threads (or processes)
 * at once on one archive; they share no state. Writes to the index take
 * turns through Xapian's writer lock (index_update.h).
 */
#ifndef QA_INGEST_H
#define QA_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "index_update.h"
#include "recording_id.h"

/* The largest transcript an upload may carry, in bytes and in cues: a day
 * of speech is about 2 MB and 20,000 cues (a cue every 4 s), so these
 * leave room for any recording while bounding the time an upload takes
 * to parse and index (10^6 cues took minutes; issue #16). */
#define INGEST_TRANSCRIPT_MAX_BYTES (16u << 20)
#define INGEST_TRANSCRIPT_MAX_CUES  200000

/* Buffer size for a new recording's id (id_out below). */
#define INGEST_ID_SIZE (RECORDING_ID_NEW_MAX + 1)

typedef enum ingest_status {
	INGEST_OK = 0,
	INGEST_BAD_INPUT, /* the client's mistake: err->field and err->message say what
	                   * (HTTP 400) */
	INGEST_NOT_FOUND, /* edits: no recording with that id (HTTP 404) */
	INGEST_BUSY,      /* reading the media did not finish within its deadline
	                   * (media_probe.h), most likely because the machine is
	                   * loaded: try again later (HTTP 503) */
	INGEST_IO,        /* our side: the archive, the state folders, or a staged file
	                   * could not be read or written (HTTP 500) */
	INGEST_NOMEM,     /* HTTP 500 */
} ingest_status;

typedef struct ingest_error {
	ingest_status status; /* what the function returned */
	/* Static, never NULL: which input is wrong: "title", "kind", "release",
	 * "date", "speakers", "description", "metadata" (the object as a
	 * whole), "media", "transcript", "agenda", "notes", "id"; or "" when
	 * no one input is to blame (I/O, out of memory). */
	const char *field;
	/* One line, no newline, starting with the field when there is one:
	 * "transcript: line 12: malformed timing line", "media: not a media
	 * file: ...", "kind: expected one of ...". On INGEST_OK: "" when
	 * indexed, else why the index does not have the change yet. */
	char message[512];
	/* On INGEST_OK: the index has the change (searchable now). False when
	 * indexing was not asked for (ingest_options.no_index), the index
	 * stayed busy for ingest_options.index_wait_ms, or indexing failed:
	 * the archive has the change all the same, and the next index_update
	 * (`qarchive index`, the server's start) catches up. */
	bool indexed;
} ingest_error;

#define INGEST_ERROR_INIT                                                                          \
	{                                                                                          \
		INGEST_OK, "", "", false                                                           \
	}

/* One input file. Give path (a file to move in) or text (its content), or
 * neither (no such file). */
typedef struct ingest_file {
	/* Borrowed. A staged file: on success it is consumed (moved into the
	 * archive, or for small text files, read and removed), unless
	 * ingest_options.copy; on failure it is left where it was. Moved with
	 * rename(2) (copied when it is on another file system). */
	const char *path;
	const char *text; /* borrowed: the content itself (agenda, notes, transcript) */
	size_t text_len;
	/* Borrowed, may be NULL: the client's original file name. Only a hint:
	 * it breaks a tie when sniffing a transcript and picks among the
	 * extensions of one container family (.mov for QuickTime, .webm for
	 * Matroska); it never names anything in the archive. */
	const char *name;
} ingest_file;

/* For a caller that must find its recording again after a crash (a tus
 * upload, issue #16): origin is written to <recording>/.qarchive-origin
 * in the staging folder, so it reaches the archive in the same rename as
 * the recording; before each rename, intend(ctx, id) is called with the
 * id about to be taken and must make that durable (a non-zero errno stops
 * the ingest with INGEST_IO, before anything is in the archive). After a
 * crash, the caller's last intended id whose .qarchive-origin holds its
 * origin is its recording (ingest_origin_matches); if there is none, the
 * recording never reached the archive. */
typedef struct ingest_publish {
	const char *origin; /* borrowed: one line, no NUL or newline */
	int (*intend)(void *ctx, const char *id);
	void *ctx;
} ingest_publish;

/* The name of the origin file in a recording's folder. Hidden: the
 * indexer, listings and fingerprints never see it. */
#define INGEST_ORIGIN_FILE ".qarchive-origin"

typedef struct ingest_options {
	bool copy;                     /* copy path inputs instead of moving them (the CLI) */
	bool no_index;                 /* leave indexing to the caller (index_update_recording) */
	unsigned index_wait_ms;        /* how long to wait for a busy index */
	const ingest_publish *publish; /* borrowed, may be NULL: see above */
} ingest_options;

#define INGEST_OPTIONS_INIT                                                                        \
	{                                                                                          \
		false, false, INDEX_UPDATE_WAIT_MS, NULL                                           \
	}

typedef struct ingest_input {
	/* Borrowed: recording.json's fields as an object (title, kind, release,
	 * date, speakers, description; see recording_parse_json). With media
	 * given, "date" may be left out (step 2). */
	const json_t *metadata;
	ingest_file media;      /* optional; a path (media is never given as text) */
	ingest_file transcript; /* optional: any transcript.h format, by content */
	ingest_file agenda;     /* optional: agenda.md */
	ingest_file notes;      /* optional: notes.md, UTF-8 markdown */
	ingest_options options;
	/* optional: qa.md, the questions asked (qa_md.h); it must parse and fit
	 * the transcript ("qa: line N: ..."). Last, so that initializers that
	 * predate it stay right. */
	ingest_file qa;
} ingest_input;

#define INGEST_FILE_NONE                                                                           \
	{                                                                                          \
		NULL, NULL, 0, NULL                                                                \
	}
#define INGEST_INPUT_INIT                                                                          \
	{                                                                                          \
		NULL, INGEST_FILE_NONE, INGEST_FILE_NONE, INGEST_FILE_NONE, INGEST_FILE_NONE,      \
		    INGEST_OPTIONS_INIT, INGEST_FILE_NONE                                          \
	}

/* A static string, never NULL. */
const char *ingest_status_str(ingest_status status);

/* How many first bytes of an upload's media ingest_check_media_head
 * wants (media_probe.h's MEDIA_HEAD_BYTES: 5 MiB). */
#define INGEST_MEDIA_HEAD_BYTES (5u * 1024 * 1024)

/* The early verdict on media still arriving, from its first bytes
 * head[0..len) (at least INGEST_MEDIA_HEAD_BYTES of a longer file): a file
 * in which libavformat recognises no container is INGEST_BAD_INPUT with
 * the message the whole file would get ("media: not a media file: ..."),
 * so the upload can stop there. INGEST_OK promises nothing more: the whole
 * file is probed when it is in. Also INGEST_NOMEM. err is filled in. */
ingest_status ingest_check_media_head(const unsigned char *head, size_t len, ingest_error *err);

/* Turn `in` into a new recording of archive_dir (which must exist) as
 * above, and write its id into id_out[0..id_size) (id_size at least
 * INGEST_ID_SIZE). err (required) is filled in: INGEST_ERROR_INIT-like on
 * success, with err->indexed.
 *
 * Returns INGEST_OK; INGEST_BAD_INPUT (err->field names the input:
 * metadata, media "not a media file: <why>", transcript "line N: ...",
 * agenda "line N: ...", notes "not UTF-8 text"); INGEST_BUSY (the media
 * could not be read in time); INGEST_IO (the archive or a staged file);
 * INGEST_NOMEM. On failure id_out is "" and nothing is left in the archive
 * or in uploads/tmp/, and the staged files are where they were. */
ingest_status ingest_recording(const char *archive_dir, const ingest_input *in, char *id_out,
                               size_t id_size, ingest_error *err);

/* Whether <archive_dir>/<id>/.qarchive-origin holds exactly origin: the
 * recording id was published by the ingest that was given that origin
 * (ingest_publish). False when there is no such recording or file. */
bool ingest_origin_matches(const char *archive_dir, const char *id, const char *origin);

/* Clean up after a crash, before serving: make the state folders
 * (state_dirs_create), empty .qarchive/uploads/tmp/ (multipart temp files,
 * half-built staging folders) and .qarchive/trash/ (recordings whose
 * delete was interrupted: already gone from the archive), and remove the
 * temp files an interrupted edit left in recording folders
 * (".qarchive-tmp-*"). Entries a live process holds a flock(2) on are left
 * alone (ingest's own staging folders and edit temp files are locked while
 * in use), so a `qarchive add` running meanwhile is not disturbed.
 * uploads/tus/ is not touched: those uploads resume.
 *
 * This does not index. The caller runs index_update(archive_dir, false,
 * ...) next, as the server does at start: it indexes recordings that
 * reached the archive but not the index (killed while indexing) and
 * deletes from the index those whose delete was interrupted.
 *
 * *removed (may be NULL) is set to the number of entries removed. Returns
 * INGEST_OK; INGEST_IO (err->message names the path; whatever could be
 * cleaned was); INGEST_NOMEM. */
ingest_status ingest_recover(const char *archive_dir, size_t *removed, ingest_error *err);

#endif
