/* index_schema: how a recording is laid out in the Xapian index. Shared by
 * the code that writes documents (index_build.c) and the code that searches
 * them (search.c), so the two cannot drift apart.
 *
 * Each recording becomes several documents, all carrying the boolean term
 * INDEX_TERM_RECORDING + id:
 * - passages: windows of consecutive cues (phrase search works inside a
 *   window; windows overlap by one cue so it works across their seams too);
 * - one "about" document: title, speakers and description, at t = 0;
 * - one document per agenda item (or chapter), at the item's start;
 * - one "notes" document;
 * - one "unit" per question asked and its answer (qa_units.h: from qa.md,
 *   else detected), at the question's start: the question's text weighs
 *   INDEX_WEIGHT_QUESTION, the answer's cues (up to INDEX_UNIT_ANSWER_CUES)
 *   the normal weight. Its data holds "cues" as a passage's (the
 *   question's cues, or qa.md's words as one cue, each with "a", the
 *   answer's start; then the answer's), "question_cues" (how many of them
 *   are the question's), "k" (its number, as INDEX_TERM_UNIT's), "question"
 *   {"text", "t", "speaker"} and "answer"
 *   {"t", "end", "speaker", "text": its first sentence}, "kind" ("question",
 *   or "agenda" for a TAC meeting's agenda item: agenda_units.h) and, for
 *   an agenda item, "decisions" [{"t", "text"}] (decisions.h).
 * A document's data is JSON (index_build.c documents the fields).
 */
#ifndef QA_INDEX_SCHEMA_H
#define QA_INDEX_SCHEMA_H

/* Value slots. */
enum {
	INDEX_SLOT_RECORDING = 0, /* recording id: collapsing and grouping */
	INDEX_SLOT_DATE = 1,      /* sortable YYYYMMDD */
	INDEX_SLOT_RELEASE = 2,   /* facet */
	INDEX_SLOT_KIND = 3,      /* facet */
	INDEX_SLOT_SPEAKERS = 4,  /* facet: names separated by '\n': those listed, then
	                           * those the transcript names (index_build.c) */
	INDEX_SLOT_YEAR = 5,      /* facet */
};

/* At most this many speakers a transcript names join the facet. */
#define INDEX_FACET_SPEAKERS_MAX 32

/* Boolean term prefixes (filters). Release, kind, year and speaker values
 * are lower-cased (qx_utf8_lower), and search lower-cases what people
 * type, so that kind:TAC-Meeting and speaker:maya find them.
 *
 * Speaker terms say who speaks in a document, one per key of a name
 * (speaker_terms.h: "maya", "chen", "maya chen"): a passage carries the
 * speakers of its cues (<v Name> voices, "Name:" prefixes, carried on to
 * the cues after them; turns.h), so speaker: finds what a person said;
 * the about, agenda and notes documents, and the passages of a transcript
 * that never says who speaks, carry the speakers recording.json lists. */
#define INDEX_TERM_UNIQUE    "Q"        /* one per document: "Q<id>#<n>"; the only Q term */
#define INDEX_TERM_RECORDING "XREC"     /* + recording id */
#define INDEX_TERM_RELEASE   "XRELEASE" /* + release, e.g. "2.6" */
#define INDEX_TERM_KIND      "XKIND"    /* + kind, e.g. "tac-meeting" */
#define INDEX_TERM_SPEAKER   "XSPEAKER" /* + a key of a speaker's name */
#define INDEX_TERM_YEAR      "XYEAR"    /* + four-digit year */
#define INDEX_TERM_DOCTYPE   "XTYPE"    /* + passage | about | agenda | notes | unit */
/* + recording id + "#" + k: the recording's k-th unit (from 0, in the
 * order asked, as the summary's "questions" lists them), the seed of its
 * similar questions (similar_units.h). */
#define INDEX_TERM_UNIT "XUNIT"
/* + question | agenda: a unit's kind (qa_units.h: qa_unit_kind_str). */
#define INDEX_TERM_UNIT_KIND "XUKIND"
/* + machine | human: who made the transcript (speech recognition, or
 * people: a transcript file or the media's subtitles); a recording
 * without one has no source term. On every document of the recording. */
#define INDEX_TERM_SOURCE "XSOURCE"

/* The longest term qx_doc_add_boolean_term takes (Xapian's limit is 245
 * bytes): a longer filter value is not written. */
#define INDEX_TERM_MAX 240

/* Free-text prefixes (besides the unprefixed text of everything). */
#define INDEX_PREFIX_TITLE "S"
/* A unit's question once more, apart from its answer, without positions
 * and with no within-document frequency (so the unit's length, and its
 * weight in searches, stay as they were): what similar questions are
 * matched on (similar_units.h). */
#define INDEX_PREFIX_QUESTION "XQ"

/* Index-wide metadata keys. */
#define INDEX_META_RECORDING "rec:" /* + id: the recording's summary JSON */
#define INDEX_META_SCHEMA    "schema"
/* A change of terms or document data that an older index lacks: an index
 * of another version is rebuilt in full by the next `qarchive index`
 * (index_update.h). 2: lower-cased filter terms; speakers per passage.
 * 3: roll-up captions read once, "Name:" speakers (transcript.h), word
 * times ("w") on passage cues, the transcript's speakers in the facet;
 * the transcript's source (INDEX_TERM_SOURCE, the summary's "transcript").
 * 4: question and answer units (3 was also given to units alone on a
 * branch merged at the same time: 4 rebuilds either kind of 3).
 * 5: a unit's INDEX_TERM_UNIT, INDEX_PREFIX_QUESTION terms and its
 * number "k" in its data (similar questions).
 * 6: a TAC meeting's agenda items as units (agenda_units.h), a unit's
 * "kind" (INDEX_TERM_UNIT_KIND and in its data) and an agenda unit's
 * "decisions"; the summary's questions carry "kind". */
#define INDEX_SCHEMA_VERSION "6"

/* Passage windows: close a window once it holds this many words (and at
 * least INDEX_PASSAGE_MIN_CUES cues). About a paragraph of speech, 20-40 s:
 * long enough for BM25 to see context, short enough that the moment found
 * is the moment meant. */
#define INDEX_PASSAGE_WORDS    60
#define INDEX_PASSAGE_MIN_CUES 2

/* Weights (within-document frequency per occurrence). */
#define INDEX_WEIGHT_TITLE   5
#define INDEX_WEIGHT_AGENDA  3
#define INDEX_WEIGHT_SPEAKER 2
#define INDEX_WEIGHT_TEXT    1
/* A unit's question: what a user's question is matched against first. */
#define INDEX_WEIGHT_QUESTION 3

/* A unit indexes the first cues of its answer only: the whole answer is in
 * the passages, and indexing it twice made long units outrank passages on
 * keywords said deep in an answer, with no gain on questions
 * (tests/search-quality/RESULTS.md). */
#define INDEX_UNIT_ANSWER_CUES 3
/* A unit's answer summary: its first sentence, at least MIN bytes (one
 * more when the first is "Sure."), at most MAX. */
#define INDEX_UNIT_SUMMARY_MIN 24
#define INDEX_UNIT_SUMMARY_MAX 240

#endif
