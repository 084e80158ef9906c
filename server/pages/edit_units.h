/* edit_units: on the staff edit page, a recording's questions and answers
 * (issue 14: "let the edit page show and correct the detected units").
 *
 * The section lists the units the index holds for the recording (its
 * summary's "questions": detected, or read from its qa.md; a TAC
 * meeting's agenda items) and offers its qa.md in a textarea: staff
 * correct the units by writing or changing it (README: "Questions and
 * answers"), and empty it to go back to detection. page_edit.c saves the
 * field "qa" with recording_replace_qa (atomically, beside the transcript)
 * and indexes the recording again.
 */
#ifndef QA_PAGES_EDIT_UNITS_H
#define QA_PAGES_EDIT_UNITS_H

#include <jansson.h>
#include <stdbool.h>

#include "form_body.h"
#include "staff_form.h"
#include "strbuf.h"

/* What the section shows. */
typedef struct edit_units {
	json_t *questions; /* borrowed: the summary's "questions"; NULL: not known */
	bool from_qa;      /* the recording has a qa.md */
	const char *qa;    /* its text (or what was typed); NULL shows "" */
} edit_units;

/* The section, a <fieldset> for inside the edit form. false when out of
 * memory. Everything shown is escaped. */
bool http_edit_units_section(strbuf *sb, const edit_units *u, const http_form_error *err);

/* The form's "qa" field with every CRLF (and lone CR) as LF, as qa.md is
 * kept; NULL when the form sent none or out of memory (*nomem says which).
 * Caller frees. */
char *http_edit_units_qa(const form_body *form, bool *nomem);

#endif
