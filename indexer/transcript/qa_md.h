/* qa_md: a recording's qa.md, the questions asked in it and the first
 * words of each answer, written by hand by staff. It overrides the
 * question detector (qa_units.h) for that recording.
 *
 * One list item per question, in the order they were asked:
 *     - 12:34 Q: Does FSDP2 work with torch.compile? / A: Yes. FSDP2 ...
 *     - 1:02:03 Q (Maya Chen): Why ...? / A (Tomas Okafor): Because ...
 * The time (H:MM:SS or M:SS, optional fraction) is where the question
 * starts; "Q" may name who asked or read it and "A" who answered, in
 * brackets; " / A" (the last one on the line) ends the question. The
 * answer's words say where in the transcript the answer starts. Lines that
 * are not list items (headings, prose, blank lines) are ignored; a list
 * item without a time, or with a time but neither "Q" nor " / A", is a
 * note and ignored too.
 *
 * Rejected with the line's number: a time out of range (minutes or seconds
 * of 60 or more), a question after "Q:" that is empty, no " / A" part, an
 * empty answer, a question earlier than the one above it.
 */
#ifndef QA_QA_MD_H
#define QA_QA_MD_H

#include <stddef.h>

typedef enum qa_md_status {
	QA_MD_OK = 0,
	QA_MD_INVALID, /* error_line/error say which line and why */
	QA_MD_NOMEM,
} qa_md_status;

typedef struct qa_md_unit {
	double t;               /* seconds: where the question starts */
	char *question;         /* owned, non-empty */
	char *question_speaker; /* owned; NULL when not named */
	char *answer;           /* owned, non-empty: the answer's first words */
	char *answer_speaker;   /* owned; NULL when not named */
	size_t line;            /* 1-based line in qa.md */
} qa_md_unit;

typedef struct qa_md {
	qa_md_unit *units; /* owned, in file order (and so in time order) */
	size_t count;
	size_t cap;
	size_t error_line;
	char error[256]; /* "line N: ..." */
} qa_md;

#define QA_MD_INIT                                                                                 \
	{                                                                                          \
		NULL, 0, 0, 0, ""                                                                  \
	}

const char *qa_md_status_str(qa_md_status status);

/* Parse buf[0..len) (UTF-8, invalid bytes read as U+FFFD; a BOM, CRLF and
 * CR are accepted) into *out, which must be QA_MD_INIT or freed. On
 * QA_MD_INVALID out holds no units and error says why; on QA_MD_NOMEM
 * out is freed. */
qa_md_status qa_md_parse(const char *buf, size_t len, qa_md *out);

/* Free the units; *q is left as QA_MD_INIT. NULL is a no-op. */
void qa_md_free(qa_md *q);

#endif
