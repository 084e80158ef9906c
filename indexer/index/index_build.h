/* index_build: one recording's documents in the index (see index_schema.h
 * for the layout).
 */
#ifndef QA_INDEX_BUILD_H
#define QA_INDEX_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "recording.h"
#include "word_count.h"
#include "xindex.h"

typedef enum index_build_status {
	INDEX_BUILD_OK = 0,
	INDEX_BUILD_BAD_INPUT, /* a transcript, agenda or notes file is invalid: err names
	                        * the file and line */
	INDEX_BUILD_INDEX,     /* the index refused a write: err says why */
	INDEX_BUILD_DAMAGED,   /* the index is damaged (QX_CORRUPT): err says where */
	INDEX_BUILD_NOMEM,
} index_build_status;

typedef struct index_build_counts {
	size_t cues;
	size_t words;
	size_t documents;
} index_build_counts;

const char *index_build_status_str(index_build_status status);

/* Replace the recording's documents in db (a writer, inside a transaction)
 * with new ones built from its files, and store its summary under
 * INDEX_META_RECORDING + id with `fingerprint`. The transcript comes from
 * the transcript file, else from the media's embedded subtitle stream; a
 * recording with neither is still indexed (title, agenda, notes) and marked
 * "has_transcript": false. Chapters in the media become agenda items when
 * agenda.md has no timed items (agenda_merge). counts (may be NULL) is
 * incremented. `spelling`: where the recording's words for the spelling
 * dictionary are counted, for the caller to hand over with
 * index_build_spelling before it commits (a run's words then reach Xapian
 * once each, not once per recording); NULL: they are written with the
 * recording. On failure err says why and the recording's old documents
 * are left as they were; a failure that is not the recording's
 * (INDEX_BUILD_INDEX, _DAMAGED, _NOMEM) may leave some of its words
 * counted, and its run must not be committed. */
index_build_status index_build_recording(qx_db *db, const recording *rec, const char *fingerprint,
                                         word_count *spelling, index_build_counts *counts,
                                         char *err, size_t errlen);

/* Hand the words counted in *spelling to db's spelling dictionary, each
 * once with its count, and start *spelling again empty. Returns
 * INDEX_BUILD_OK, or INDEX_BUILD_INDEX / _DAMAGED / _NOMEM with err saying
 * why (the run must not be committed then). */
index_build_status index_build_spelling(qx_db *db, word_count **spelling, char *err, size_t errlen);

/* Remove a recording's documents and summary (db: a writer). Returns
 * INDEX_BUILD_OK, or INDEX_BUILD_INDEX / INDEX_BUILD_DAMAGED with err
 * saying why. */
index_build_status index_build_remove(qx_db *db, const char *id, char *err, size_t errlen);

#endif
