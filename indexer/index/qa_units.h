/* qa_units: a recording's questions and their answers, as units.
 *
 * A unit is a question (who asked or read it out, its text, where it
 * starts) and its answer (who answered, where it starts and ends). Search
 * indexes each unit as a document of its own (index_schema.h), so that a
 * question typed by a user finds the question someone already asked, and
 * plays its answer.
 *
 * Units come from the recording's qa.md when it has one (qa_md.h:
 * qa_units_from_md), otherwise from the transcript (qa_units_detect):
 * - the host is the speaker with the most turns that ask (a question
 *   mark), the most turns on a tie: the moderator asks, and speaks between
 *   everyone else's turns; with no turn that asks there is no host;
 * - a host's turn followed by someone else's is a question: the host asks,
 *   reads one out, or names a topic ("Let's talk about Intel GPUs") and
 *   someone answers; except an introduction (the answer names its own
 *   speaker: "Hi, I'm Tomas Okafor"), the welcome (the first turn, when it
 *   asks nothing), a goodbye (a turn that thanks and asks nothing), and a short remark between two
 * turns of one speaker that asks nothing ("Which is where most people's pain is.");
 * - anyone else's short turn with a question mark, answered by another
 *   speaker, is a question too (turns.h: TURNS_QUESTION_CUES);
 * - the question starts at the cue that announces it ("someone asks",
 *   "a follow-up from the chat", "next one", "first,", "quote") when there
 *   is one, else at most QA_UNITS_LEAD_CUES cues before its last cue that
 *   asks: what the host says before that reacts to the last answer;
 * - the answer runs from the next speaker's first cue to the cue before
 *   the next question (or, for the last, before the host speaks again).
 * A transcript that never says who speaks has no units.
 */
#ifndef QA_QA_UNITS_H
#define QA_QA_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "cue.h"
#include "qa_md.h"

/* How many cues before its last asking cue a question may start. */
#define QA_UNITS_LEAD_CUES 2

typedef enum qa_units_status {
	QA_UNITS_OK = 0,
	QA_UNITS_INVALID, /* qa.md does not fit the transcript: err says which line */
	QA_UNITS_NOMEM,
} qa_units_status;

/* What a unit is: a question put and answered, or a meeting's agenda item
 * (agenda_units.h: its title as the question, its discussion as the
 * answer). */
typedef enum qa_unit_kind {
	QA_UNIT_QUESTION = 0,
	QA_UNIT_AGENDA,
} qa_unit_kind;

/* "question" or "agenda": the "kind" the index and the JSON give a unit. */
const char *qa_unit_kind_str(qa_unit_kind kind);

typedef struct qa_unit {
	size_t question_first, question_last; /* cue indexes, inclusive */
	size_t answer_first, answer_last;     /* cue indexes, inclusive */
	double question_t;                    /* seconds: where the question starts */
	double answer_t, answer_end;          /* seconds: the answer's span */
	char *question;                       /* owned: the question's text */
	char *question_speaker;               /* owned; NULL when unknown */
	char *answer_speaker;                 /* owned; NULL when unknown */
	bool written; /* from qa.md: the question is its words, not its cues' */
	qa_unit_kind kind;
} qa_unit;

typedef struct qa_units {
	qa_unit *items; /* owned, in time order */
	size_t count;
	size_t cap;
} qa_units;

#define QA_UNITS_INIT                                                                              \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

const char *qa_units_status_str(qa_units_status status);

/* The units the transcript's cues hold (see above), into *out (QA_UNITS_INIT
 * or freed). QA_UNITS_OK or QA_UNITS_NOMEM (out freed). */
qa_units_status qa_units_detect(const cue_list *cues, qa_units *out);

/* The units qa.md lists, placed on the cues: each question at the first cue
 * that starts at most a second before its time (qa.md says whole seconds),
 * its answer at the first cue after that whose
 * text begins with the answer's words (else the next speaker's first cue,
 * else the next cue); speakers named in qa.md win over the transcript's.
 * A question past the transcript's end, or one with no cue left for its
 * answer, is QA_UNITS_INVALID with "line N: ..." in err (out freed). */
qa_units_status qa_units_from_md(const cue_list *cues, const qa_md *md, qa_units *out, char *err,
                                 size_t errlen);

/* Free the units; *u is left as QA_UNITS_INIT. NULL is a no-op. */
void qa_units_free(qa_units *u);

/* Internal to qa_units*.c: append u (taking its strings; freed on
 * failure). */
bool qa_units_push(qa_units *list, qa_unit *u);

/* Internal to qa_units*.c: cues [first, last]'s text joined by spaces;
 * caller frees; NULL when out of memory. */
char *qa_units_join(const cue_list *cues, size_t first, size_t last);

#endif
