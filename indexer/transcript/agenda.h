/* agenda: a recording's agenda.md, read into timed items.
 *
 * A list item that begins with a timestamp is an agenda item:
 *     - 00:12:30 Multi-cloud CI
 *     - [12:30] Multi-cloud CI
 *     * (1:02:03) — Accelerator integration
 *     1. 45:10: Ecosystem landscape
 * Timestamps are H:MM:SS or M:SS (any number of leading digits, optional
 * fraction), bare or in [] or (); a dash, en or em dash, colon or bar after
 * them is a separator, not part of the title. Every other non-blank line
 * (headings, prose, list items without a time) is kept as a note, in order,
 * so nothing the author wrote is dropped.
 */
#ifndef QA_AGENDA_H
#define QA_AGENDA_H

#include <stddef.h>

typedef enum agenda_status {
	AGENDA_OK = 0,
	AGENDA_INVALID, /* error_line/error say which line and why */
	AGENDA_NOMEM,
} agenda_status;

typedef enum agenda_entry_kind {
	AGENDA_ITEM, /* a timed item: start and title */
	AGENDA_NOTE, /* any other line, kept as written (trimmed) */
} agenda_entry_kind;

typedef struct agenda_entry {
	agenda_entry_kind kind;
	double start;   /* seconds; items only */
	char *title;    /* owned: the item's title, or the note's text (markdown) */
	size_t line;    /* 1-based line in agenda.md */
	unsigned depth; /* list nesting: 0 for top level */
} agenda_entry;

typedef struct agenda {
	agenda_entry *entries; /* owned, in file order */
	size_t count;
	size_t cap;
	size_t error_line;
	char error[256];
} agenda;

#define AGENDA_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0, 0, ""                                                                  \
	}

const char *agenda_status_str(agenda_status status);

/* Parse buf[0..len) (UTF-8; a BOM, CRLF and CR are accepted) into *out,
 * which must be AGENDA_INIT or freed. A timestamp whose minutes or seconds
 * are 60 or more, or an item with a time but no title, rejects the file
 * with AGENDA_INVALID and that line's number. */
agenda_status agenda_parse(const char *buf, size_t len, agenda *out);

/* Free the entries; *a is left as AGENDA_INIT. NULL is a no-op. */
void agenda_free(agenda *a);

#endif
