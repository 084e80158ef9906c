#include "cue_json_write.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Every piece is written through a cursor into room reserved once for the
 * whole cue (cue_bound), so no piece checks for room: a cue is some thirty
 * pieces, and checking each was a third of the writing. A piece returns
 * the cursor after it, or NULL when it has no JSON form (NaN, infinity). */

/* The most bytes a string of n bytes takes in JSON: every byte a \u00XX
 * escape, and the quotes. */
#define STRING_BOUND(n) (6 * (n) + 2)

/* The most bytes of a number: put_real's 40-byte buffer. */
#define NUMBER_BOUND 40

static char *put_bytes(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A literal piece of the layout (keys with their indentation). */
#define LIT(p, text) put_bytes((p), (text), sizeof(text) - 1)

/* Indentation as jansson's JSON_INDENT(1) gives it: a newline, then one
 * space per depth (the document is depth 0, a cue 2, its settings 3). */
static char *newline(char *p, int depth)
{
	static const char spaces[] = "\n          ";
	return put_bytes(p, spaces, (size_t)depth + 1);
}

/* The bytes a JSON string cannot hold as they are (below). */
static const unsigned char must_escape[256] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
                                               1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
                                               1, 1, 1, 1, 1, 1, 1, 1, 0, 0, ['"'] = 1, ['\\'] = 1};

/* Does any of these eight bytes need escaping (below)? Per byte: a
 * control (under 0x20), '"' or '\\' (Hacker's Delight's "has less than"
 * and "has zero byte" on the whole word). */
static bool word_needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
	return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
	        ((backslash - ones) & ~backslash)) &
	       highs;
}

/* A JSON string of n bytes, escaped as jansson's dump_string does: '"',
 * '\\' and the C0 controls (the short forms where JSON has them, else
 * \u00XX in upper case hex); everything else, UTF-8 included, as is: runs
 * between escapes are copied whole, eight bytes checked at a time. */
static char *put_string(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *in = (const unsigned char *)s, *end = in + n;
	*p++ = '"';
	for (;;) {
		const unsigned char *run = in;
		uint64_t w;
		while (end - in >= 8 && (memcpy(&w, in, 8), !word_needs_escape(w)))
			in += 8;
		while (in < end && !must_escape[*in])
			in++;
		p = put_bytes(p, (const char *)run, (size_t)(in - run));
		if (in == end)
			break;
		unsigned char ch = *in++;
		*p++ = '\\';
		switch (ch) {
		case '"':
		case '\\':
			*p++ = (char)ch;
			break;
		case '\b':
			*p++ = 'b';
			break;
		case '\f':
			*p++ = 'f';
			break;
		case '\n':
			*p++ = 'n';
			break;
		case '\r':
			*p++ = 'r';
			break;
		case '\t':
			*p++ = 't';
			break;
		default:
			p = put_bytes(p, "u00", 3);
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 15];
		}
	}
	*p++ = '"';
	return p;
}

/* A NUL-terminated string. */
static char *put_str(char *p, const char *s)
{
	return put_string(p, s, strlen(s));
}

static char *put_key(char *p, int depth, const char *key, bool first)
{
	if (!first)
		*p++ = ',';
	p = newline(p, depth);
	*p++ = '"';
	p = put_bytes(p, key, strlen(key));
	return LIT(p, "\": ");
}

static char *put_unsigned(char *p, uintmax_t v)
{
	char digits[24];
	size_t n = sizeof digits;
	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return put_bytes(p, digits + n, sizeof digits - n);
}

/* A real as jansson prints it with JSON_REAL_PRECISION(15) (its
 * jsonp_dtostr): "%.15g", ".0" added when that reads as an integer, and
 * the exponent without '+' or leading zeros. Times are whole milliseconds
 * nearly always, and "%.15g" of the double nearest k/1000 is k/1000's
 * decimals (it has at most 15 digits below 1e12): those are written
 * directly, since snprintf is most of the cost of a cue. */
static char *put_real(char *p, double v)
{
	if (!isfinite(v))
		return NULL;
	if (v > 0 && v < 1e12) {
		double k = nearbyint(v * 1000);
		if (k / 1000 == v) {
			uintmax_t whole = (uintmax_t)k / 1000, frac = (uintmax_t)k % 1000;
			char tail[4] = {'.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
			                (char)('0' + frac % 10)};
			size_t n = frac == 0 ? 2 : frac % 100 == 0 ? 2 : frac % 10 == 0 ? 3 : 4;
			return put_bytes(put_unsigned(p, whole), tail, n);
		}
	}
	char buf[NUMBER_BOUND];
	int len = snprintf(buf, sizeof buf, "%.15g", v);
	if (len < 0 || (size_t)len >= sizeof buf - 3)
		return NULL;
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
	return put_bytes(p, buf, (size_t)len);
}

/* cue_json.c's number_json: the largest values clamped to what still
 * reads back as finite at 15 digits. */
static char *put_clamped(char *p, double v)
{
	if (isnan(v))
		return NULL;
	const double largest_15_digits = 1.79769313486231e308;
	if (fabs(v) > largest_15_digits)
		v = copysign(largest_15_digits, v);
	return put_real(p, v);
}

/* Room for the layout's literals of a cue, its settings and a word (each
 * under half of it), besides its strings and numbers. */
#define LAYOUT_BOUND 256

static size_t settings_bound(const cue_settings *s)
{
	if (!s->present)
		return 2;
	return LAYOUT_BOUND + 3 * NUMBER_BOUND + STRING_BOUND(strlen(s->vertical)) +
	       STRING_BOUND(strlen(s->line_align)) + STRING_BOUND(strlen(s->position_align)) +
	       STRING_BOUND(strlen(s->align));
}

static char *put_settings(char *p, const cue_settings *s)
{
	if (!s->present)
		return LIT(p, "{}");
	p = put_str(LIT(p, "{\n    \"vertical\": "), s->vertical);
	p = LIT(p, ",\n    \"line\": ");
	p = s->line_auto ? LIT(p, "\"auto\"") : put_clamped(p, s->line);
	if (!p)
		return NULL;
	p = LIT(p, ",\n    \"snapToLines\": ");
	p = s->snap_to_lines ? LIT(p, "true") : LIT(p, "false");
	p = put_str(LIT(p, ",\n    \"lineAlign\": "), s->line_align);
	p = LIT(p, ",\n    \"position\": ");
	p = s->position_auto ? LIT(p, "\"auto\"") : put_clamped(p, s->position);
	if (!p)
		return NULL;
	p = put_str(LIT(p, ",\n    \"positionAlign\": "), s->position_align);
	p = put_real(LIT(p, ",\n    \"size\": "), s->size);
	if (!p)
		return NULL;
	p = put_str(LIT(p, ",\n    \"align\": "), s->align);
	return LIT(p, "\n   }");
}

/* "words": [{"offset", "start"}], at a cue's depth. */
static char *put_words(char *p, const cue *c)
{
	p = LIT(p, ",\n   \"words\": [");
	for (size_t i = 0; i < c->word_count; i++) {
		if (i > 0)
			*p++ = ',';
		p = put_unsigned(LIT(p, "\n    {\n     \"offset\": "), c->words[i].offset);
		p = put_clamped(LIT(p, ",\n     \"start\": "), c->words[i].start);
		if (!p)
			return NULL;
		p = LIT(p, "\n    }");
	}
	return LIT(p, "\n   ]");
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

/* The most bytes cue c's JSON takes, its strings' lengths (strings) and
 * words' aside; SIZE_MAX when that overflows. */
static size_t cue_bound(const cue *c, size_t strings)
{
	size_t per_word = LAYOUT_BOUND / 2 + NUMBER_BOUND;
	if (strings > SIZE_MAX / 8 || c->word_count > SIZE_MAX / 2 / per_word)
		return SIZE_MAX;
	return LAYOUT_BOUND + 2 * NUMBER_BOUND + STRING_BOUND(strings) + 4 * 2 +
	       settings_bound(&c->settings) + c->word_count * per_word;
}

bool cue_json_write_cue(strbuf *out, const cue *c, bool first)
{
	size_t id_len = strlen(c->id), text_len = strlen(c->text), plain_len = strlen(c->plain),
	       voice_len = c->voice ? strlen(c->voice) : 0;
	size_t bound = cue_bound(c, id_len + text_len + plain_len + voice_len);
	if (bound == SIZE_MAX || !sb_reserve(out, bound))
		return false;
	char *p = out->data + out->len;
	p = first ? LIT(p, "[\n  {\n   \"id\": ") : LIT(p, ",\n  {\n   \"id\": ");
	p = put_real(LIT(put_string(p, c->id, id_len), ",\n   \"start\": "), c->start);
	p = p ? put_real(LIT(p, ",\n   \"end\": "), c->end) : NULL;
	if (p) {
		p = put_string(LIT(p, ",\n   \"text\": "), c->text, text_len);
		p = put_string(LIT(p, ",\n   \"plain\": "), c->plain, plain_len);
		p = LIT(p, ",\n   \"voice\": ");
		p = c->voice ? put_string(p, c->voice, voice_len) : LIT(p, "null");
		p = put_settings(LIT(p, ",\n   \"settings\": "), &c->settings);
	}
	if (p && c->word_count)
		p = put_words(p, c);
	if (!p) {
		out->data[out->len] = '\0';
		return false;
	}
	p = LIT(p, "\n  }");
	out->len = (size_t)(p - out->data);
	*p = '\0';
	return true;
}

bool cue_json_write_head(strbuf *out, transcript_status status, transcript_format format)
{
	const char *name = transcript_format_str(format);
	if (!sb_reserve(out, LAYOUT_BOUND + STRING_BOUND(strlen(name))))
		return false;
	char *p = out->data + out->len;
	*p++ = '{';
	p = put_key(p, 1, "valid", true);
	p = status == TRANSCRIPT_OK ? LIT(p, "true") : LIT(p, "false");
	p = put_str(put_key(p, 1, "format", false), name);
	p = put_key(p, 1, "cues", false);
	out->len = (size_t)(p - out->data);
	*p = '\0';
	return true;
}

bool cue_json_write_tail(strbuf *out, size_t count, const transcript *t, transcript_status status)
{
	const char *error = status == TRANSCRIPT_OK ? NULL
	                    : t->error[0]           ? t->error
	                                            : transcript_status_str(status);
	if (!sb_reserve(out, LAYOUT_BOUND + (error ? STRING_BOUND(strlen(error)) : 0)))
		return false;
	char *p = out->data + out->len;
	p = count ? LIT(newline(p, 1), "]") : LIT(p, "[]");
	p = put_key(p, 1, "error", false);
	p = error ? put_str(p, error) : LIT(p, "null");
	p = LIT(newline(p, 0), "}\n");
	out->len = (size_t)(p - out->data);
	*p = '\0';
	return true;
}
