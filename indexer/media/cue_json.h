/* cue_json: transcripts and agendas as JSON (jansson), in the shape that
 * `qarchive cues`, `qarchive agenda` and the HTTP API share:
 *   {"valid": bool, "format": "webvtt"|"srt"|"sbv"|"text", "cues": [{"id",
 *    "start", "end", "text", "plain", "voice", "settings", and "words":
 *    [{"offset", "start"}] when the cue has word times}], "error": "line N:
 *    ..."|null}
 * Settings are keyed by the VTTCue attribute names; SRT, SBV and text cues
 * have {}.
 */
#ifndef QA_CUE_JSON_H
#define QA_CUE_JSON_H

#include <jansson.h>

#include "agenda.h"
#include "cue.h"
#include "transcript.h"

/* New references (caller releases with json_decref); NULL when out of
 * memory. */
json_t *cue_json(const cue *c);
json_t *transcript_json(const transcript *t, transcript_status status);
json_t *agenda_json(const agenda *a, agenda_status status);

#endif
