/* ingest_internal: what ingest.c (new recordings) and recording_edit.c
 * (changes to existing ones) share: errors, the validation of each input,
 * the writing of recording.json, and atomic file replacement. Not for use
 * outside the indexer's upload path.
 */
#ifndef QA_INGEST_INTERNAL_H
#define QA_INGEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "fs_ops.h"
#include "ingest.h"
#include "recording.h"

/* Temp files in a recording's folder start with this (they are
 * fs_replace_file_at's); ingest_recover removes unlocked ones. Nothing the
 * indexer reads or fingerprints starts with '.'. Staging folders in
 * uploads/tmp/ start with INGEST_STAGING_PREFIX. */
#define INGEST_TMP_PREFIX     FS_TMP_PREFIX
#define INGEST_STAGING_PREFIX "ingest-"

/* Modes of what ends up in the archive: as a folder made by hand with the
 * usual umask 022, so other readers (a static file server) can serve it. */
#define INGEST_FILE_MODE 0644
#define INGEST_DIR_MODE  0755

/* Set err to an empty success. */
void ingest_error_clear(ingest_error *err);

/* Fill err (status, field, "<field>: <message>", or just the message when
 * field is "") and return status. */
ingest_status ingest_fail(ingest_error *err, ingest_status status, const char *field,
                          const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* An errno failure on path: INGEST_NOMEM for ENOMEM, else INGEST_IO with
 * "<field>: <what> <path>: <strerror>". */
ingest_status ingest_fail_errno(ingest_error *err, int errnum, const char *field, const char *what,
                                const char *path);

/* state_dirs_create for archive_dir, its failure as an ingest error:
 * INGEST_NOMEM ("out of memory") or INGEST_IO with state_dirs_create's
 * message. */
ingest_status ingest_state_dirs(const char *archive_dir, ingest_error *err);

/* Whether f names an input (a path, or text, possibly empty text). */
bool ingest_file_given(const ingest_file *f);

/* The content of a text input: a copy of f->text, or the file at f->path
 * read whole (INGEST_IO when it cannot be). *data is NUL-terminated;
 * caller frees. */
ingest_status ingest_read_text(const ingest_file *f, const char *field, char **data, size_t *len,
                               ingest_error *err);

/* Validate a metadata object into *meta (caller frees with
 * recording_meta_free): the error names the field recording_parse_json
 * names. */
ingest_status ingest_check_metadata(const json_t *metadata, recording_meta *meta,
                                    ingest_error *err);

/* recording.json's text for meta: pretty JSON (2-space indent, keys in
 * the documented order, a final newline). NULL when out of memory; caller
 * frees. */
char *ingest_metadata_text(const recording_meta *meta);

/* Probe the media at path (name: the client's hint, may be NULL) and
 * choose its stored extension into ext[0..extlen) ("mp4", "m4a", ...).
 * check_subtitles: the recording will have no transcript file, so its
 * text subtitle stream (if any) must decode. created, when not NULL:
 * the day the media says it was made (its container's creation_time, as
 * a local "YYYY-MM-DD"), written there only when it has one from 1971 up
 * to tomorrow (a camera without a clock writes 1904 or 1970). */
ingest_status ingest_check_media(const char *path, const char *name, bool check_subtitles,
                                 char *ext, size_t extlen, char created[11], ingest_error *err);

/* Parse a transcript; *ext is "vtt", "srt", "sbv" or "txt" (static) for its
 * format (transcript_format_ext). */
ingest_status ingest_check_transcript(const char *data, size_t len, const char *name,
                                      const char **ext, ingest_error *err);

/* Parse an agenda (it must also be UTF-8 without NUL). */
ingest_status ingest_check_agenda(const char *data, size_t len, ingest_error *err);

/* Parse a qa.md (qa_md.h; UTF-8 without NUL): "qa: line N: ...". */
ingest_status ingest_check_qa(const char *data, size_t len, ingest_error *err);

/* Does qa.md's text fit the transcript's (text[0..text_len), named
 * `name`: a hint for its format)? Every question inside it, each with a cue for its answer
 * (qa_units.h): else "qa: line N: ...". Either that does not parse is
 * left to its own check (INGEST_OK here). */
ingest_status ingest_check_qa_fits(const char *qa, size_t qa_len, const char *text, size_t text_len,
                                   const char *name, ingest_error *err);

/* Notes must be UTF-8 text without NUL (the line of the first bad byte is
 * named). */
ingest_status ingest_check_notes(const char *data, size_t len, ingest_error *err);

/* Write data as `name` in the directory dirfd (dir: its path, for the
 * message), replacing it atomically with fs_replace_file_at (mode
 * INGEST_FILE_MODE). The directory itself is not fsynced (the caller
 * does, once). Returns INGEST_OK, or INGEST_IO / INGEST_NOMEM in err. */
ingest_status ingest_replace_file_at(int dirfd, const char *dir, const char *name, const char *data,
                                     size_t len, ingest_error *err);

/* Re-index recording id unless options->no_index; sets err->indexed and,
 * when not indexed, err->message (err->status stays INGEST_OK). */
void ingest_index(const char *archive_dir, const char *id, const ingest_options *options,
                  ingest_error *err);

#endif
