/* transcript: the result every transcript parser fills in, and the entry
 * point that picks the parser by looking at the bytes.
 *
 * Parsers are pure: a buffer in, cues (or an error with a line number) out.
 * They never open files, print, or keep global state, so they can be fuzzed
 * and reused by the CLI, the indexer and the upload path alike.
 */
#ifndef QA_TRANSCRIPT_H
#define QA_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "cue.h"

typedef enum transcript_status {
	TRANSCRIPT_OK = 0,
	TRANSCRIPT_INVALID, /* the file is rejected; error and error_line say why */
	TRANSCRIPT_NOMEM,
} transcript_status;

typedef enum transcript_format {
	TRANSCRIPT_UNKNOWN = 0,
	TRANSCRIPT_WEBVTT,
	TRANSCRIPT_SRT,
	TRANSCRIPT_SBV,  /* YouTube's .sbv (sbv.h) */
	TRANSCRIPT_TEXT, /* timestamped plain text (timestamped_text.h) */
} transcript_format;

/* Where cues go one at a time, when a caller asks for them as they are
 * parsed (transcript_stream) rather than as a list. */
typedef struct transcript_sink {
	/* Called for each cue in order. The cue is borrowed for the call (the
	 * sink may change it; it is freed after). Return false to stop the
	 * parse (the caller's own failure: it keeps the reason in ctx); the
	 * parse then returns TRANSCRIPT_NOMEM. */
	bool (*cue)(void *ctx, cue *c);
	/* Forget every cue delivered so far: the same transcript is about to
	 * be delivered again, read another way (roll-up captions, below). */
	void (*restart)(void *ctx);
	void *ctx;
} transcript_sink;

typedef struct transcript {
	transcript_format format;
	cue_list cues;     /* owned; empty when the file is rejected, or streamed */
	bool used_cp1252;  /* SRT, SBV, text: the bytes were not UTF-8 */
	bool rolling;      /* WebVTT roll-up captions, read one line once (vtt_rolling.h) */
	size_t error_line; /* 1-based; 0 when the error has no line */
	char error[256];   /* "line N: what is wrong", or "" */
	/* For parsers, set by transcript_stream: cues go to the sink, not to
	 * `cues` (transcript_add_cue), and `streamed` counts them. */
	const transcript_sink *sink;
	size_t streamed;
} transcript;

#define TRANSCRIPT_INIT                                                                            \
	{                                                                                          \
		TRANSCRIPT_UNKNOWN, {NULL, 0, 0}, false, false, 0, "", NULL, 0                     \
	}

const char *transcript_status_str(transcript_status status);
const char *transcript_format_str(transcript_format format);

/* The file name extension a transcript of this format is kept under:
 * "vtt", "srt", "sbv" or "txt" ("vtt" for TRANSCRIPT_UNKNOWN). */
const char *transcript_format_ext(transcript_format format);

/* Decide the format from the content, with the file name (may be NULL) as
 * the tie-breaker:
 * - text starting with "WEBVTT" (after an optional BOM) is WebVTT;
 * - otherwise a name ending in ".vtt" is WebVTT (and will be rejected for
 *   its missing signature: the uploader meant WebVTT and should hear so);
 * - otherwise text whose first non-blank line is an SBV timing line
 *   ("0:00:01.000,0:00:04.000") is SBV;
 * - text whose first non-blank line is an SRT index or timing line is SRT;
 * - text with times at the start of its lines, or Otter's "Name  12:30"
 *   headings, is timestamped text (timestamped_text_sniff);
 * - otherwise a name ending in ".srt" is SRT, ".sbv" SBV;
 * - anything else is TRANSCRIPT_UNKNOWN. */
transcript_format transcript_sniff(const char *buf, size_t len, const char *name);

/* Parse buf as `format` (TRANSCRIPT_UNKNOWN: sniff first, with `name` as
 * above) into *out, which must be TRANSCRIPT_INIT or freed. Then, whatever
 * the format, read what the cues say beyond their text:
 * - WebVTT roll-up captions (YouTube's automatic ones) become one cue per
 *   spoken line (vtt_rolling.h; out->rolling says so);
 * - a cue without a <v> voice whose text starts "Name: " (Zoom, SBV, SRT
 *   exports) gets that voice, and its plain text loses the prefix
 *   (speaker_prefix.h).
 * Returns TRANSCRIPT_OK, TRANSCRIPT_INVALID (out->error says why, with a
 * line number where there is one) or TRANSCRIPT_NOMEM. */
transcript_status transcript_parse(const char *buf, size_t len, transcript_format format,
                                   const char *name, transcript *out);

/* transcript_parse, with each cue handed to sink as soon as it is read
 * instead of collected: memory does not grow with the transcript (beyond
 * one normalized copy of buf). The cues and their order are exactly those
 * transcript_parse would give, and so are the status and out->error;
 * out->cues stays empty. The sink sees cues before the parse is over: a
 * file rejected at line N has delivered the cues before it, so a caller
 * that must not show a half-result holds them until the status says OK.
 * Roll-up captions are only known as such at the end: then sink->restart
 * is called and the file is read again, collapsed (out->rolling). A sink
 * that returns false makes this return TRANSCRIPT_NOMEM. */
transcript_status transcript_stream(const char *buf, size_t len, transcript_format format,
                                    const char *name, const transcript_sink *sink, transcript *out);

/* For parsers: a cue is read. It goes to out->cues or, while streaming, to
 * the sink. Takes ownership of c's strings and words (freed on failure).
 * Returns TRANSCRIPT_OK, or TRANSCRIPT_NOMEM (or the sink said stop). */
transcript_status transcript_add_cue(transcript *out, cue *c);

/* For parsers: how many cues were read so far, listed or streamed. */
size_t transcript_cue_count(const transcript *t);

/* Free the cues; *t is left as TRANSCRIPT_INIT. NULL is a no-op. */
void transcript_free(transcript *t);

/* For parsers: reject the file. Sets error to "line N: <message>" (no
 * prefix when line is 0), drops any cues collected so far, and returns
 * TRANSCRIPT_INVALID. */
transcript_status transcript_reject(transcript *t, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
