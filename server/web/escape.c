#include "escape.h"

#include <stdlib.h>
#include <string.h>

static bool escape_markup(strbuf *sb, const char *s, bool xml)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			/* XML 1.0 §2.2: only tab, LF and CR of the C0 controls are
			 * characters at all. */
			if (xml && *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				continue;
			break;
		}
		if (rep ? !sb_append_str(sb, rep) : !sb_append_char(sb, (char)*p))
			return false;
	}
	return true;
}

bool http_escape_html(strbuf *sb, const char *s)
{
	return escape_markup(sb, s ? s : "", false);
}

bool http_escape_attr(strbuf *sb, const char *s)
{
	return escape_markup(sb, s ? s : "", false);
}

bool http_escape_xml(strbuf *sb, const char *s)
{
	return escape_markup(sb, s ? s : "", true);
}

bool http_escape_url(strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		unsigned char c = *p;
		bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		                  (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		                  c == '~';
		if (unreserved) {
			if (!sb_append_char(sb, (char)c))
				return false;
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
			if (!sb_append(sb, enc, 3))
				return false;
		}
	}
	return true;
}

bool http_escape_vtt_text(strbuf *sb, const char *s)
{
	/* line_start: where the current output line began; a line that ends
	 * up blank (nothing or only spaces) is cut back to it. */
	size_t start = sb->len, line_start = sb->len;
	bool line_empty = true;
	for (const char *p = s ? s : ""; *p; p++) {
		const char *rep = NULL;
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			if (line_empty) {
				sb->len = line_start;
				if (sb->data)
					sb->data[sb->len] = '\0';
				continue;
			}
			if (!sb_append_char(sb, '\n'))
				return false;
			line_start = sb->len;
			line_empty = true;
			continue;
		}
		if (*p == '&')
			rep = "&amp;";
		else if (*p == '<')
			rep = "&lt;";
		else if (*p == '>')
			rep = "&gt;";
		if (rep ? !sb_append_str(sb, rep) : !sb_append_char(sb, *p))
			return false;
		if (*p != ' ' && *p != '\t')
			line_empty = false;
	}
	if (line_empty && sb->len > line_start) {
		sb->len = line_start;
		sb->data[sb->len] = '\0';
	}
	if (sb->len > start && sb->data[sb->len - 1] == '\n')
		sb->data[--sb->len] = '\0';
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool http_path_decode(const char *path, size_t len, char **out, bool *nomem)
{
	*out = NULL;
	*nomem = false;
	char *buf = malloc(len + 1);
	if (!buf) {
		*nomem = true;
		return false;
	}
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '%') {
			int hi = i + 1 < len ? hex_value(path[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(path[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				goto bad;
			c = (unsigned char)(hi << 4 | lo);
			if (c == '\0' || c == '/' || c == '\\')
				goto bad;
			i += 2;
		} else if (c == '\\') {
			goto bad;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	*out = buf;
	return true;
bad:
	free(buf);
	return false;
}
