/* strbuf: a growable, always NUL-terminated byte string.
 *
 * The transcript parsers build every output string with it. Growth is
 * geometric, so appending N bytes costs O(N) in total: a 100 MB transcript
 * never goes quadratic here.
 */
#ifndef QA_STRBUF_H
#define QA_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
	char *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap;
} strbuf;

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Append bytes (may contain NUL). Returns false when out of memory, in which
 * case the buffer is unchanged. */
bool sb_append(strbuf *sb, const char *bytes, size_t len);
bool sb_append_char(strbuf *sb, char c);
bool sb_append_str(strbuf *sb, const char *s);
/* Append one code point as UTF-8 (cp must be a Unicode scalar value). */
bool sb_append_utf8(strbuf *sb, unsigned cp);

/* Make room for extra more bytes (and the NUL after them), so that up to
 * extra bytes can be written at data + len without a check each: a
 * writer that knows a bound for a whole piece reserves once. Returns false
 * when out of memory (the buffer is unchanged). */
bool sb_reserve(strbuf *sb, size_t extra);

/* Hand the string to the caller (caller frees with free()); the buffer is
 * left empty. Returns an empty string, not NULL, for an empty buffer; NULL
 * only when out of memory. */
char *sb_take(strbuf *sb);

void sb_clear(strbuf *sb);
void sb_free(strbuf *sb);

#endif
