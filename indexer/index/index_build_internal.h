/* index_build_internal: what index_build.c and index_build_units.c share
 * to write a recording's documents (index_schema.h). */
#ifndef QA_INDEX_BUILD_INTERNAL_H
#define QA_INDEX_BUILD_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cue.h"
#include "index_build.h"
#include "qa_units.h"
#include "recording.h"
#include "turns.h"
#include "word_count.h"
#include "xindex.h"

/* One document under construction. */
typedef struct builder {
	qx_db *db;
	qx_doc *doc;
	unsigned pos;        /* next position */
	size_t words;        /* words added */
	bool spelling;       /* feed words to the spelling dictionary */
	word_count *spelled; /* the recording's words for it (shared) */
	bool failed;
	const char *facet;  /* the speakers facet value (speakers_facet), borrowed */
	const char *source; /* who made the transcript: "machine", "human" or NULL */
} builder;

/* How a text joins the document. */
typedef enum text_mode {
	TEXT_SEPARATE,  /* positions, then a gap: no phrase spans into the next text */
	TEXT_CONTINUED, /* positions run on into the next text (consecutive cues) */
	TEXT_UNPLACED,  /* no positions (a cue's speaker: not part of what was said) */
} text_mode;

/* Index text under prefix ("" for the free text) with wdf per occurrence;
 * words also feed spelling when b->spelling. */
void index_build_text(builder *b, const char *prefix, const char *text, unsigned wdf,
                      text_mode mode);

/* The speaker: terms of a speaker named name[0..len) (speaker_terms.h). */
void index_build_speaker_terms(builder *b, const char *name, size_t len);

/* Start a document of rec with its recording's terms; `listed`: it also
 * carries the speakers recording.json lists; `facet`: the recording's
 * speakers facet value and `source` who made its transcript ("machine",
 * "human" or NULL), which every one of its documents holds (borrowed).
 * false when out of memory. */
bool index_build_start(builder *b, qx_db *db, const recording *rec, word_count *spelled,
                       bool listed, const char *facet, const char *source);

/* Finish a document: type term, data (taken), unique id n; add it. */
index_build_status index_build_commit(builder *b, const recording *rec, const char *type,
                                      unsigned n, json_t *data, index_build_counts *counts,
                                      char *err, size_t errlen);

/* A cue as a passage's (or unit's) data lists it (index_build.c). */
json_t *index_build_cue_json(const cue *c, unsigned p, const turns_speaker *who, double answer);

/* The units (qa_units.h) of rec as documents of type "unit", numbered from
 * *n on (index_schema.h); `voiced`: the transcript says who speaks. */
index_build_status index_build_units(qx_db *db, const recording *rec, const cue_list *cues,
                                     const qa_units *units, bool voiced, const char *facet,
                                     const char *source, unsigned *n, index_build_counts *counts,
                                     char *err, size_t errlen);

#endif
