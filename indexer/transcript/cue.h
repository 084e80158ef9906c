/* cue: one timed piece of a transcript, and the list a parser returns.
 *
 * Shared by every transcript format (WebVTT, SRT, and later subtitle streams
 * embedded in media), so the indexer sees one shape whatever the source.
 */
#ifndef QA_CUE_H
#define QA_CUE_H

#include <stdbool.h>
#include <stddef.h>

/* WebVTT cue settings, named after the VTTCue attributes (WebVTT §6.1).
 * Only WebVTT sets them; for other formats `present` is false. The string
 * members point to static strings. */
typedef struct cue_settings {
	bool present;
	const char *vertical; /* "", "rl" or "lr" */
	bool line_auto;       /* line is "auto" ... */
	double line;          /* ... or this number */
	bool snap_to_lines;
	const char *line_align;     /* "start", "center", "end" */
	bool position_auto;         /* position is "auto" ... */
	double position;            /* ... or this percentage */
	const char *position_align; /* "auto", "line-left", "center", "line-right" */
	double size;                /* percentage */
	const char *align;          /* "start", "center", "end", "left", "right" */
} cue_settings;

/* A word's time inside a cue: WebVTT's timestamp tags
 * ("so<00:00:12.340><c> today</c>", WebVTT §4.2.2) say when the text after
 * them is said. The text before the first one is said at the cue's start. */
typedef struct cue_word {
	size_t offset; /* byte offset into the cue's plain text */
	double start;  /* seconds */
} cue_word;

typedef struct cue {
	char *id;     /* owned, never NULL ("" when the cue has none) */
	double start; /* seconds */
	double end;   /* seconds; WebVTT allows end < start and keeps the cue */
	char *text;   /* owned: the cue text as written, tags kept */
	char *plain;  /* owned: tags removed, character references decoded */
	char *voice;  /* owned: first voice span's name, or NULL when none */
	size_t line;  /* 1-based line of the timing line in the source */
	cue_settings settings;
	cue_word *words;   /* owned: the timestamp tags of the text, by offset; NULL if none */
	size_t word_count; /* entries in words */
} cue;

typedef struct cue_list {
	cue *items; /* owned */
	size_t count;
	size_t cap;
} cue_list;

/* The WebVTT defaults (a cue with no settings line). */
cue_settings cue_settings_default(void);

/* Append a cue; the list takes ownership of its strings and words. On failure
 * (out of memory) returns false and frees them (cue_free). */
bool cue_list_push(cue_list *list, cue *c);

/* Free the strings and words a cue owns (not the cue itself). */
void cue_free(cue *c);

/* Free every cue and the array; the list is left empty and reusable.
 * NULL is a no-op. */
void cue_list_free(cue_list *list);

#endif
