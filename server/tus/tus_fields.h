/* tus_fields: a tus upload's Upload-Metadata as the fields of a new
 * recording, checked up front.
 *
 * The keys (each value Base64 in the header, tus_metadata.h):
 *   title        required
 *   kind         required: release-qa | webinar | tac-meeting | other
 *   date         required: YYYY-MM-DD, a real date
 *   release      optional ("2.9", "helion")
 *   speakers     optional: comma-separated, or one per line; "Name (role)"
 *   description  optional, markdown
 *   filename     optional: the media file's original name (a hint for its type)
 *   transcript   optional: the text of a transcript (WebVTT, SRT, SBV or
 *                timestamped text: transcript.h)
 *   agenda       optional: the text of an agenda (agenda.md)
 *   notes        optional: the text of notes (notes.md, markdown)
 * Other keys are ignored: tus clients add their own (Uppy sends
 * "filetype", "name", "relativePath"). An empty value counts as absent.
 *
 * The checks are the ones the ingest makes when the last byte is in
 * (recording.json's rules, indexer/recording.h; the transcript and agenda
 * parsers), made when the upload is created so that a client hears about
 * a misspelt kind or a transcript error on line 12 before it sends
 * gigabytes. upload_commit checks again at the end; it stays the authority.
 *
 * Pure: no I/O, no global state.
 */
#ifndef QA_HTTP_TUS_FIELDS_H
#define QA_HTTP_TUS_FIELDS_H

#include <stddef.h>

#include "tus_metadata.h"
#include "upload_fields.h"

typedef enum tus_fields_status {
	TUS_FIELDS_OK = 0,
	TUS_FIELDS_INVALID, /* a field is missing or wrong: err says which and why */
	TUS_FIELDS_NOMEM,
} tus_fields_status;

/* Check m's values and set the text fields of *out (title, kind, release,
 * date, speakers, description, transcript_text, agenda_text, notes_text,
 * and media_name from "filename"): each borrowed from m, NULL when absent.
 * The other members of *out are left as they were.
 *
 * Returns TUS_FIELDS_OK; TUS_FIELDS_INVALID with a one-line message in err
 * (truncated to errlen) that starts with the key, as
 * `kind: expected one of release-qa, webinar, tac-meeting, other, got
 * "talk"`, `title: missing`, `transcript: line 12: ...`, `notes: not UTF-8
 * text`; or TUS_FIELDS_NOMEM. */
tus_fields_status tus_fields_from_metadata(const tus_metadata *m, upload_fields *out, char *err,
                                           size_t errlen);

#endif
