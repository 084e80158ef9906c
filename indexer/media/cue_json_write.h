/* cue_json_write: the JSON of `qarchive cues`, written as the cues come
 * rather than built as one jansson tree, so that a transcript's output
 * costs memory per cue, not per transcript.
 *
 * The text is byte for byte what json_out_print(transcript_json(...))
 * prints (cue_json.h; jansson with JSON_INDENT(1) and 15 significant
 * digits for reals): a document is
 *
 *     cue_json_write_head, then cue_json_write_cue for each cue (first
 *     true for the first), then cue_json_write_tail
 *
 * and tests/unit/test_cue_json_write.c holds it to jansson's output.
 * Strings must be valid UTF-8 (every transcript parser's output is:
 * text_decode.h); numbers must be finite, as json_real wants.
 */
#ifndef QA_CUE_JSON_WRITE_H
#define QA_CUE_JSON_WRITE_H

#include <stdbool.h>

#include "cue.h"
#include "strbuf.h"
#include "transcript.h"

/* Append `{"valid": ..., "format": ..., "cues": ` to out. False when out of
 * memory. */
bool cue_json_write_head(strbuf *out, transcript_status status, transcript_format format);

/* Does every number of c have a JSON form? False for NaN or infinity
 * (outside what cue_json.c clamps), where transcript_json gives NULL. */
bool cue_json_writable(const cue *c);

/* Append cue c as an element of the "cues" array (first: the array's first
 * element). False when out of memory (out unchanged), or when
 * cue_json_writable(c) is false. */
bool cue_json_write_cue(strbuf *out, const cue *c, bool first);

/* Append the end of the "cues" array (count: how many cues were written),
 * then `"error": ...}` and the newline json_out_print ends with. The error
 * is t->error, or the status's text when t->error is "" (and null when
 * status is TRANSCRIPT_OK). False when out of memory. */
bool cue_json_write_tail(strbuf *out, size_t count, const transcript *t, transcript_status status);

#endif
