#include "cue_json_write.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Indentation as jansson's JSON_INDENT(1) gives it: a newline, then one
 * space per depth (the document is depth 0, a cue 2, its settings 3). */
static bool newline(strbuf *out, int depth)
{
	static const char spaces[] = "\n          ";
	return sb_append(out, spaces, (size_t)depth + 1);
}

/* The bytes a JSON string cannot hold as they are (below); NUL ends it. */
static const unsigned char must_escape[256] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
                                               1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
                                               1, 1, 1, 1, 1, 1, 1, 1, 0, 0, ['"'] = 1, ['\\'] = 1};

/* A JSON string, escaped as jansson's dump_string does: '"', '\\' and the
 * C0 controls (the short forms where JSON has them, else \u00XX in upper
 * case hex); everything else, UTF-8 included, as is: runs between escapes
 * are appended whole. */
static bool put_string(strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	if (!sb_append(out, "\"", 1))
		return false;
	for (;;) {
		const unsigned char *run = p;
		while (!must_escape[*p])
			p++;
		if (p > run && !sb_append(out, (const char *)run, (size_t)(p - run)))
			return false;
		unsigned char ch = *p++;
		if (ch == '\0')
			break;
		char esc[6] = {'\\', (char)ch, '0', '0', 0, 0};
		size_t n = 2;
		switch (ch) {
		case '"':
		case '\\':
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[1] = 'u';
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			n = 6;
		}
		if (!sb_append(out, esc, n))
			return false;
	}
	return sb_append(out, "\"", 1);
}

static bool put_key(strbuf *out, int depth, const char *key, bool first)
{
	return (first || sb_append_char(out, ',')) && newline(out, depth) &&
	       sb_append_char(out, '"') && sb_append_str(out, key) && sb_append(out, "\": ", 3);
}

static bool put_unsigned(strbuf *out, uintmax_t v)
{
	char digits[24];
	size_t n = sizeof digits;
	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return sb_append(out, digits + n, sizeof digits - n);
}

/* A real as jansson prints it with JSON_REAL_PRECISION(15) (its
 * jsonp_dtostr): "%.15g", ".0" added when that reads as an integer, and
 * the exponent without '+' or leading zeros. Times are whole milliseconds
 * nearly always, and "%.15g" of the double nearest k/1000 is k/1000's
 * decimals (it has at most 15 digits below 1e12): those are written
 * directly, since snprintf is most of the cost of a cue. */
static bool put_real(strbuf *out, double v)
{
	if (!isfinite(v))
		return false;
	if (v > 0 && v < 1e12) {
		double k = nearbyint(v * 1000);
		if (k / 1000 == v) {
			uintmax_t whole = (uintmax_t)k / 1000, frac = (uintmax_t)k % 1000;
			char tail[5] = {'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
			                (char)('0' + frac % 10), 0};
			size_t n = frac == 0 ? 2 : frac % 100 == 0 ? 2 : frac % 10 == 0 ? 3 : 4;
			return put_unsigned(out, whole) && sb_append(out, tail, n);
		}
	}
	char buf[40];
	int len = snprintf(buf, sizeof buf, "%.15g", v);
	if (len < 0 || (size_t)len >= sizeof buf - 3)
		return false;
	char *e = strchr(buf, 'e');
	if (!e && !strchr(buf, '.')) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	if (e) {
		char *start = e + 1, *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		memmove(start, end, (size_t)(buf + len - end) + 1);
		len -= (int)(end - start);
	}
	return sb_append(out, buf, (size_t)len);
}

/* cue_json.c's number_json: the largest values clamped to what still
 * reads back as finite at 15 digits. */
static bool put_clamped(strbuf *out, double v)
{
	if (isnan(v))
		return false;
	const double largest_15_digits = 1.79769313486231e308;
	if (fabs(v) > largest_15_digits)
		v = copysign(largest_15_digits, v);
	return put_real(out, v);
}

/* A literal piece of the layout (keys with their indentation), in one
 * append: a cue is some twenty of them, so this is most of the writing. */
#define LIT(out, text) sb_append((out), (text), sizeof(text) - 1)

static bool put_settings(strbuf *out, const cue_settings *s)
{
	if (!s->present)
		return LIT(out, "{}");
	return LIT(out, "{\n    \"vertical\": ") && put_string(out, s->vertical) &&
	       LIT(out, ",\n    \"line\": ") &&
	       (s->line_auto ? LIT(out, "\"auto\"") : put_clamped(out, s->line)) &&
	       LIT(out, ",\n    \"snapToLines\": ") &&
	       (s->snap_to_lines ? LIT(out, "true") : LIT(out, "false")) &&
	       LIT(out, ",\n    \"lineAlign\": ") && put_string(out, s->line_align) &&
	       LIT(out, ",\n    \"position\": ") &&
	       (s->position_auto ? LIT(out, "\"auto\"") : put_clamped(out, s->position)) &&
	       LIT(out, ",\n    \"positionAlign\": ") && put_string(out, s->position_align) &&
	       LIT(out, ",\n    \"size\": ") && put_real(out, s->size) &&
	       LIT(out, ",\n    \"align\": ") && put_string(out, s->align) && LIT(out, "\n   }");
}

/* "words": [{"offset", "start"}], at a cue's depth. */
static bool put_words(strbuf *out, const cue *c)
{
	if (!LIT(out, ",\n   \"words\": ["))
		return false;
	for (size_t i = 0; i < c->word_count; i++)
		if (!((i == 0 || LIT(out, ",")) && LIT(out, "\n    {\n     \"offset\": ") &&
		      put_unsigned(out, c->words[i].offset) && LIT(out, ",\n     \"start\": ") &&
		      put_clamped(out, c->words[i].start) && LIT(out, "\n    }")))
			return false;
	return LIT(out, "\n   ]");
}

bool cue_json_writable(const cue *c)
{
	const cue_settings *s = &c->settings;
	if (!isfinite(c->start) || !isfinite(c->end))
		return false;
	if (s->present && (!isfinite(s->size) || (!s->line_auto && isnan(s->line)) ||
	                   (!s->position_auto && isnan(s->position))))
		return false;
	for (size_t i = 0; i < c->word_count; i++)
		if (isnan(c->words[i].start))
			return false;
	return true;
}

bool cue_json_write_cue(strbuf *out, const cue *c, bool first)
{
	size_t was = out->len;
	bool ok = (first ? LIT(out, "[\n  {\n   \"id\": ") : LIT(out, ",\n  {\n   \"id\": ")) &&
	          put_string(out, c->id) && LIT(out, ",\n   \"start\": ") &&
	          put_real(out, c->start) && LIT(out, ",\n   \"end\": ") && put_real(out, c->end) &&
	          LIT(out, ",\n   \"text\": ") && put_string(out, c->text) &&
	          LIT(out, ",\n   \"plain\": ") && put_string(out, c->plain) &&
	          LIT(out, ",\n   \"voice\": ") &&
	          (c->voice ? put_string(out, c->voice) : LIT(out, "null")) &&
	          LIT(out, ",\n   \"settings\": ") && put_settings(out, &c->settings) &&
	          (c->word_count == 0 || put_words(out, c)) && LIT(out, "\n  }");
	if (!ok && out->data) {
		out->len = was;
		out->data[was] = '\0';
	}
	return ok;
}

bool cue_json_write_head(strbuf *out, transcript_status status, transcript_format format)
{
	return sb_append_char(out, '{') && put_key(out, 1, "valid", true) &&
	       sb_append_str(out, status == TRANSCRIPT_OK ? "true" : "false") &&
	       put_key(out, 1, "format", false) && put_string(out, transcript_format_str(format)) &&
	       put_key(out, 1, "cues", false);
}

bool cue_json_write_tail(strbuf *out, size_t count, const transcript *t, transcript_status status)
{
	bool ok = count ? newline(out, 1) && sb_append_char(out, ']') : sb_append(out, "[]", 2);
	ok = ok && put_key(out, 1, "error", false);
	if (ok && status == TRANSCRIPT_OK)
		ok = sb_append(out, "null", 4);
	else if (ok)
		ok = put_string(out, t->error[0] ? t->error : transcript_status_str(status));
	return ok && newline(out, 0) && sb_append(out, "}\n", 2);
}
