/* recording: one folder of an archive, its metadata (recording.json)
 * validated, and the paths of the files the indexer reads.
 *
 * A recording folder holds:
 *     recording.json   required: title, kind, date; optional release,
 *                      speakers, description (see recording_parse_json)
 *     transcript.vtt   or .srt, .sbv, .txt (the first of these wins: see
 *                      recording_transcript_names); optional
 *     transcript.machine.vtt  what speech recognition made (qarchive
 *                      transcribe): the transcript only when none of the
 *                      above, which people made, is there
 *     media.*          the recording itself, any extension; optional
 *     agenda.md        optional
 *     notes.md         optional
 * The folder's base name is the recording's id.
 *
 * Only recording.json is read here. Transcripts and agendas are parsed by
 * their own modules; this one only says where they are.
 */
#ifndef QA_RECORDING_H
#define QA_RECORDING_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* An id is at most this many bytes: ASCII letters, digits, '-', '_', '.',
 * not starting with '.'. Safe in a URL path segment and as a file name. */
#define RECORDING_ID_MAX 128

/* The names a transcript is kept under, in the order the first one present
 * is the transcript: WebVTT first, as it carries the most (voices,
 * settings), then SRT, SBV and timestamped text. NULL-terminated. */
extern const char *const recording_transcript_names[];

typedef enum recording_status {
	RECORDING_OK = 0,
	RECORDING_INVALID, /* recording.json is not valid JSON or fails validation, or a
	                    * file the indexer would read is not a regular file */
	RECORDING_BAD_ID,  /* the folder's name is not a valid recording id */
	RECORDING_IO,      /* a file or the folder could not be read */
	RECORDING_NOMEM,
} recording_status;

typedef enum recording_kind {
	RECORDING_RELEASE_QA = 0, /* "release-qa" */
	RECORDING_WEBINAR,        /* "webinar" */
	RECORDING_TAC_MEETING,    /* "tac-meeting" */
	RECORDING_OTHER,          /* "other" */
} recording_kind;

typedef struct recording_speaker {
	char *name; /* owned, never NULL or empty */
	char *role; /* owned; NULL when absent, null or "" */
} recording_speaker;

typedef struct recording_meta {
	char *title; /* owned, never NULL or empty */
	recording_kind kind;
	char *release;               /* owned; NULL when absent or null ("2.6", "helion") */
	char date[11];               /* "YYYY-MM-DD", a real (proleptic Gregorian) date */
	int year;                    /* 1..9999 */
	int month;                   /* 1..12 */
	int day;                     /* 1..31 */
	char *description;           /* owned, markdown as written; NULL when absent or null */
	recording_speaker *speakers; /* owned, in file order; NULL when there are none */
	size_t speaker_count;
} recording_meta;

#define RECORDING_META_INIT                                                                        \
	{                                                                                          \
		NULL, RECORDING_RELEASE_QA, NULL, "", 0, 0, 0, NULL, NULL, 0                       \
	}

typedef struct recording {
	char *id;        /* owned: the folder's base name, a valid id */
	char *dir;       /* owned: the folder as given, without trailing slashes */
	char *json_path; /* owned: <dir>/recording.json */
	recording_meta meta;
	char *transcript_path;   /* owned: <dir>/transcript.<ext>, else
	                          * transcript.machine.vtt; NULL when there is none */
	bool transcript_machine; /* transcript_path is the machine transcript */
	char *media_path;        /* owned: <dir>/media.<ext>; NULL when there is none */
	char *agenda_path;       /* owned: <dir>/agenda.md; NULL when absent */
	char *notes_path;        /* owned: <dir>/notes.md; NULL when absent */
	char *qa_path;           /* owned: <dir>/qa.md (qa_md.h); NULL when absent */
} recording;

#define RECORDING_INIT                                                                             \
	{                                                                                          \
		NULL, NULL, NULL, RECORDING_META_INIT, NULL, false, NULL, NULL, NULL, NULL         \
	}

/* The machine transcript's file name in a recording folder. */
#define RECORDING_MACHINE_TRANSCRIPT "transcript.machine.vtt"

/* Static strings, never NULL. */
const char *recording_status_str(recording_status status);
const char *recording_kind_str(recording_kind kind); /* "release-qa", "webinar", ... */

/* Parse and validate recording.json's bytes buf[0..len) into *out, which
 * is overwritten (free it first if it held anything). Keys:
 *   title        required, a non-blank string
 *   kind         required, one of release-qa | webinar | tac-meeting | other
 *   release      optional, a non-blank string or null
 *   date         required, "YYYY-MM-DD" naming a real calendar date
 *   speakers     optional, null or an array whose elements are a name
 *                string or {"name": "...", "role": "..."} (name required and
 *                non-blank; role optional, a string or null)
 *   description  optional, a markdown string or null
 * Unknown keys (at the top and in speaker objects) are ignored; a key given
 * twice is a syntax error. Title, release, speaker names and roles are
 * stored without surrounding whitespace (they become terms and facet
 * values); the description is kept as written.
 *
 * Returns RECORDING_OK; RECORDING_INVALID with a one-line message in err
 * (truncated to errlen; err may be NULL when errlen is 0): for bad JSON
 * "line N, column M: <jansson's message>", otherwise the field first, as in
 * `kind: expected one of release-qa, webinar, tac-meeting, other, got "talk"`
 * or `speakers[1].name: missing`; or RECORDING_NOMEM. On failure *out is
 * RECORDING_META_INIT. */
recording_status recording_parse_json(const char *buf, size_t len, recording_meta *out, char *err,
                                      size_t errlen);

/* The speakers typed as text, as recording.json's "speakers" array: one
 * per line when text holds a line break, else separated by commas (what a
 * tus client's metadata or a script sends). Each is "Name" or
 * "Name (role)", the role running from the first '(' to a final ')';
 * spaces, tabs and CRs around names and roles are dropped. An entry
 * becomes {"name": ...}, plus "role" when the role is not empty; "(role)"
 * alone keeps an empty name, which recording_parse_json rejects. Blank
 * entries are skipped, so "" and NULL give an empty array.
 *
 * Returns a new array (caller json_decrefs), or NULL when out of memory. */
json_t *recording_speakers_from_text(const char *text);

/* Free the strings and speakers; *meta is left as RECORDING_META_INIT.
 * NULL is a no-op. */
void recording_meta_free(recording_meta *meta);

/* The year of the recording's date (meta->year); 0 for NULL. */
int recording_year(const recording_meta *meta);

/* Whether id is a valid recording id (see RECORDING_ID_MAX). NULL is not. */
bool recording_id_valid(const char *id);

/* Load the recording in folder dir into *out, which is overwritten: check
 * the id (dir's base name), read and validate <dir>/recording.json, and
 * find the transcript, media, agenda and notes files (which must be
 * regular files, or symlinks to them, when they exist). Of several media.*
 * files, the first in byte order of name is taken.
 *
 * Returns RECORDING_OK; RECORDING_BAD_ID, RECORDING_INVALID or RECORDING_IO
 * with a one-line message in err that starts with the path concerned:
 * "<dir>/recording.json: line 3, column 12: ...",
 * "<dir>/recording.json: title: missing",
 * "<dir>: invalid recording id \"a b\": ..."; or RECORDING_NOMEM. On failure
 * *out is RECORDING_INIT. */
recording_status recording_load_dir(const char *dir, recording *out, char *err, size_t errlen);

/* Free everything *rec owns; *rec is left as RECORDING_INIT. NULL is a no-op. */
void recording_free(recording *rec);

#endif
