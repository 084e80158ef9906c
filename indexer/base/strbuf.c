#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool sb_reserve(strbuf *sb, size_t extra)
{
	if (sb->cap - sb->len > extra)
		return true;
	if (extra > SIZE_MAX / 2 - sb->len)
		return false;
	size_t want = sb->len + extra + 1;
	size_t cap = sb->cap ? sb->cap : 32;
	while (cap < want)
		cap *= 2;
	char *grown = realloc(sb->data, cap);
	if (!grown)
		return false;
	grown[sb->len] = '\0'; /* a reserved, still empty buffer is "" */
	sb->data = grown;
	sb->cap = cap;
	return true;
}

bool sb_append(strbuf *sb, const char *bytes, size_t len)
{
	if (!sb_reserve(sb, len))
		return false;
	if (len)
		memcpy(sb->data + sb->len, bytes, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
	return true;
}

bool sb_append_char(strbuf *sb, char c)
{
	return sb_append(sb, &c, 1);
}

bool sb_append_str(strbuf *sb, const char *s)
{
	return sb_append(sb, s, strlen(s));
}

bool sb_append_utf8(strbuf *sb, unsigned cp)
{
	char out[4];
	size_t n;
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return sb_append(sb, out, n);
}

char *sb_take(strbuf *sb)
{
	char *s = sb->data;
	if (!s)
		s = calloc(1, 1);
	sb->data = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void sb_clear(strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

void sb_free(strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}
