/* recording_edit: change or delete a recording already in the archive
 * (staff upload's edit and delete).
 *
 * Every change is validated first with the rules ingest.h applies to an
 * upload (same messages, same ingest_error), then made atomically: the new
 * file is written as a temp file in the recording's folder
 * (".qarchive-tmp-*", flocked while written, so ingest_recover can tell a
 * live one from a crash's leftover), fsynced, renamed over the old one, and
 * the folder fsynced. A reader sees the old file or the new one, never a
 * mix. Then that one recording is re-indexed (index_update_recording,
 * unless options->no_index); err->indexed says whether the index has the
 * change (see ingest.h: the archive has it either way).
 *
 * A recording's id never changes, not even when its title or date do.
 *
 * For every function: archive_dir must exist; id must name a recording
 * (a folder of archive_dir holding recording.json), else INGEST_NOT_FOUND
 * (err->field "id"). options may be NULL (INGEST_OPTIONS_INIT). err is
 * required and always filled in. Returns INGEST_OK; INGEST_BAD_INPUT (the
 * field and why); INGEST_NOT_FOUND; INGEST_BUSY (media deadline, see
 * ingest.h); INGEST_IO; INGEST_NOMEM. On failure nothing was changed.
 */
#ifndef QA_RECORDING_EDIT_H
#define QA_RECORDING_EDIT_H

#include <stdbool.h>

#include <jansson.h>

#include "ingest.h"

/* Update recording.json with `fields` (borrowed; an object of
 * recording.json's keys): each key given replaces the old value, a key
 * given as null removes an optional one (release, speakers, description;
 * for title, kind and date null is an error: they are required), keys not
 * given keep their values. The result is validated as a whole
 * (recording_parse_json) and written as ingest writes it. */
ingest_status recording_update_metadata(const char *archive_dir, const char *id,
                                        const json_t *fields, const ingest_options *options,
                                        ingest_error *err);

/* Replace the transcript with `file` (see ingest_file; NULL or an empty
 * ingest_file removes it, leaving the recording "transcript pending" unless
 * its media has a subtitle stream). The new one is stored as transcript.vtt
 * or transcript.srt by its sniffed format, and the other one removed, as
 * is a machine transcript (RECORDING_MACHINE_TRANSCRIPT): people's replaces
 * speech recognition's. Removing the transcript removes that one too. */
ingest_status recording_replace_transcript(const char *archive_dir, const char *id,
                                           const ingest_file *file, const ingest_options *options,
                                           ingest_error *err);

/* Replace agenda.md with `file` (a path or text; NULL or empty removes it). */
ingest_status recording_replace_agenda(const char *archive_dir, const char *id,
                                       const ingest_file *file, const ingest_options *options,
                                       ingest_error *err);

/* Replace qa.md, the recording's hand-written questions (qa_md.h), with
 * `file` (a path or text; NULL or empty removes it: the questions are
 * detected again). It must parse ("qa: line N: ...") and, when the
 * recording has a transcript file, fit it (a question past its end, or
 * one with no cue left for its answer: qa_units.h). */
ingest_status recording_replace_qa(const char *archive_dir, const char *id, const ingest_file *file,
                                   const ingest_options *options, ingest_error *err);

/* Replace notes.md with `file` (a path or text; NULL or empty removes it). */
ingest_status recording_replace_notes(const char *archive_dir, const char *id,
                                      const ingest_file *file, const ingest_options *options,
                                      ingest_error *err);

/* Several changes to one recording made together (the edit form). */
typedef struct recording_changes {
	const json_t *fields;          /* borrowed, or NULL: as recording_update_metadata's */
	const ingest_file *transcript; /* borrowed, or NULL/not given: the transcript is kept */
	bool remove_transcript;        /* with no transcript given: remove it (as
	                                * recording_replace_transcript with none) */
	bool agenda_set;               /* change agenda.md: to `agenda`, or remove it when
	                                * that is NULL or empty */
	const ingest_file *agenda;
	bool notes_set; /* the same for notes.md */
	const ingest_file *notes;
	bool qa_set; /* the same for qa.md, checked against the transcript the
	              * edit leaves (the new one, else the recording's) */
	const ingest_file *qa;
} recording_changes;

/* All of c or none of it: every input is read and validated first (the
 * first mistake is returned as INGEST_BAD_INPUT, and then nothing at all
 * was written), then each file is replaced atomically as above and the
 * recording re-indexed once. Only an I/O failure between two of those
 * writes (a full disk) can leave some of them made; err says which file
 * failed. */
ingest_status recording_edit_apply(const char *archive_dir, const char *id,
                                   const recording_changes *c, const ingest_options *options,
                                   ingest_error *err);

/* Delete the recording: its folder is renamed into .qarchive/trash/ (it
 * disappears from the archive at once, whole), the archive directory is
 * fsynced, the recording is deleted from the index, and then the trashed
 * folder is removed. Killed half-way, what is left in the trash is removed
 * by ingest_recover and the index caught up by index_update. options: only
 * no_index and index_wait_ms apply. */
ingest_status recording_delete(const char *archive_dir, const char *id,
                               const ingest_options *options, ingest_error *err);

#endif
