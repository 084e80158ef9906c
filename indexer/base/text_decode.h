/* text_decode: bytes from a transcript file to the UTF-8 text the parsers
 * read.
 *
 * Every parser works on "normalized text": valid UTF-8, no byte-order mark,
 * no NUL (each becomes U+FFFD), and LF as the only line terminator (CRLF and
 * a lone CR each become one LF, so line numbers count them as one line, as
 * an editor does).
 */
#ifndef QA_TEXT_DECODE_H
#define QA_TEXT_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

typedef enum text_encoding {
	/* WHATWG "UTF-8 decode": a BOM is skipped, each invalid sequence becomes
	 * U+FFFD. What browsers do with a WebVTT file. */
	TEXT_UTF8_REPLACE,
	/* UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252: the usual
	 * legacy encoding of SRT files written by older subtitle tools. */
	TEXT_UTF8_OR_CP1252,
} text_encoding;

/* True when buf[0..len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
bool text_is_utf8(const char *buf, size_t len);

/* Decode and normalize buf into out (appended). Returns false only when out
 * of memory. If used_cp1252 is not NULL it is set to whether the
 * Windows-1252 fallback was taken. */
bool text_normalize(const char *buf, size_t len, text_encoding enc, strbuf *out, bool *used_cp1252);

/* The normalized text of buf, copied only when it must be: buf itself
 * (*text = buf, nothing appended to copy) when it is normalized already,
 * valid UTF-8 without a BOM, CR or NUL, as most transcripts are; else
 * text_normalize's result, appended to copy (*text = copy->data). Either
 * way *text holds *text_len bytes, not NUL-terminated when it is buf, and
 * is valid while buf and copy are. used_cp1252 as text_normalize's.
 * Returns false only when out of memory. */
bool text_normalized(const char *buf, size_t len, text_encoding enc, strbuf *copy,
                     const char **text, size_t *text_len, bool *used_cp1252);

#endif
