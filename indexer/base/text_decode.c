#include "text_decode.h"

#include <stdint.h>
#include <string.h>

/* Windows-1252 bytes 0x80..0x9F, from the WHATWG Encoding Standard's
 * index-windows-1252. The five bytes the code page leaves undefined map to
 * the C1 control of the same value, as the standard says. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Collects decoded code points and applies the line and NUL rules. */
typedef struct normalizer {
	strbuf *out;
	bool after_cr; /* the previous code point was CR: a following LF is eaten */
	bool ok;
} normalizer;

static void emit(normalizer *n, unsigned cp)
{
	if (!n->ok)
		return;
	if (cp == '\n' && n->after_cr) {
		n->after_cr = false;
		return;
	}
	n->after_cr = (cp == '\r');
	if (cp == '\r')
		cp = '\n';
	else if (cp == 0)
		cp = 0xFFFD;
	if (!(cp < 0x80 ? sb_append_char(n->out, (char)cp) : sb_append_utf8(n->out, cp)))
		n->ok = false;
}

/* Length of the run at p of ASCII bytes that need no rewriting (no CR, no
 * NUL): the common case, copied in one append instead of byte by byte. */
static size_t plain_ascii_run(const unsigned char *p, size_t len)
{
	size_t i = 0;
	while (i < len && p[i] < 0x80 && p[i] != '\r' && p[i] != 0)
		i++;
	return i;
}

/* Emit a plain ASCII run: the first byte through emit() (it may be the LF
 * of a CRLF), the rest in bulk. */
static void emit_ascii_run(normalizer *n, const unsigned char *p, size_t run)
{
	emit(n, p[0]);
	if (run > 1 && n->ok && !sb_append(n->out, (const char *)p + 1, run - 1))
		n->ok = false;
	n->after_cr = false;
}

/* The WHATWG UTF-8 decoder (Encoding Standard, "UTF-8 decoder"): it replaces
 * each maximal invalid subpart with one U+FFFD, exactly as browsers do, so
 * our cue text matches what a <track> element shows. */
static void decode_utf8(normalizer *n, const unsigned char *p, size_t len)
{
	unsigned cp = 0, needed = 0, seen = 0, lower = 0x80, upper = 0xBF;
	size_t i = 0;
	while (i < len) {
		unsigned b = p[i];
		if (needed == 0) {
			size_t run = plain_ascii_run(p + i, len - i);
			if (run > 1) {
				emit_ascii_run(n, p + i, run);
				i += run;
				continue;
			}
			i++;
			if (b < 0x80) {
				emit(n, b);
			} else if (b >= 0xC2 && b <= 0xDF) {
				needed = 1;
				cp = b & 0x1F;
			} else if (b >= 0xE0 && b <= 0xEF) {
				if (b == 0xE0)
					lower = 0xA0;
				if (b == 0xED)
					upper = 0x9F;
				needed = 2;
				cp = b & 0x0F;
			} else if (b >= 0xF0 && b <= 0xF4) {
				if (b == 0xF0)
					lower = 0x90;
				if (b == 0xF4)
					upper = 0x8F;
				needed = 3;
				cp = b & 0x07;
			} else {
				emit(n, 0xFFFD);
			}
			continue;
		}
		if (b < lower || b > upper) {
			/* Not consumed: the byte starts the next sequence. */
			cp = needed = seen = 0;
			lower = 0x80;
			upper = 0xBF;
			emit(n, 0xFFFD);
			continue;
		}
		i++;
		lower = 0x80;
		upper = 0xBF;
		cp = (cp << 6) | (b & 0x3F);
		if (++seen == needed) {
			emit(n, cp);
			cp = needed = seen = 0;
		}
	}
	if (needed)
		emit(n, 0xFFFD);
}

static void decode_cp1252(normalizer *n, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t run = plain_ascii_run(p + i, len - i);
		if (run > 1) {
			emit_ascii_run(n, p + i, run);
			i += run;
			continue;
		}
		unsigned b = p[i++];
		emit(n, b >= 0x80 && b <= 0x9F ? cp1252_high[b - 0x80] : b);
	}
}

bool text_is_utf8(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0;
	while (i < len) {
		/* ASCII, the bulk of a transcript, eight bytes at a time. */
		uint64_t word;
		if (len - i >= 8 && (memcpy(&word, p + i, 8), (word & 0x8080808080808080u) == 0)) {
			i += 8;
			continue;
		}
		unsigned b = p[i];
		if (b < 0x80) {
			i++;
			continue;
		}
		unsigned need, lower = 0x80, upper = 0xBF;
		if (b >= 0xC2 && b <= 0xDF) {
			need = 1;
		} else if (b >= 0xE0 && b <= 0xEF) {
			need = 2;
			if (b == 0xE0)
				lower = 0xA0;
			if (b == 0xED)
				upper = 0x9F;
		} else if (b >= 0xF0 && b <= 0xF4) {
			need = 3;
			if (b == 0xF0)
				lower = 0x90;
			if (b == 0xF4)
				upper = 0x8F;
		} else {
			return false;
		}
		if (len - i - 1 < need)
			return false;
		for (unsigned k = 1; k <= need; k++) {
			unsigned c = p[i + k];
			if (c < lower || c > upper)
				return false;
			lower = 0x80;
			upper = 0xBF;
		}
		i += need + 1;
	}
	return true;
}

bool text_normalize(const char *buf, size_t len, text_encoding enc, strbuf *out, bool *used_cp1252)
{
	const unsigned char *p = (const unsigned char *)buf;
	normalizer n = {out, false, true};
	bool cp1252 = enc == TEXT_UTF8_OR_CP1252 && !text_is_utf8(buf, len);

	if (used_cp1252)
		*used_cp1252 = cp1252;
	/* A UTF-8 byte-order mark is never text. In a Windows-1252 file the same
	 * bytes would read "ï»¿", which no subtitle starts with either. */
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		p += 3;
		len -= 3;
	}
	if (cp1252)
		decode_cp1252(&n, p, len);
	else
		decode_utf8(&n, p, len);
	if (n.ok && !out->data)
		n.ok = sb_append(out, "", 0);
	return n.ok;
}

bool text_normalized(const char *buf, size_t len, text_encoding enc, strbuf *copy,
                     const char **text, size_t *text_len, bool *used_cp1252)
{
	const unsigned char *p = (const unsigned char *)buf;
	bool bom = len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF;
	/* memchr is much faster than the decoder's loop: a 100 MB transcript
	 * is checked in a fraction of the time its copy took. */
	if (len && !bom && !memchr(buf, '\r', len) && !memchr(buf, '\0', len) &&
	    text_is_utf8(buf, len)) {
		if (used_cp1252)
			*used_cp1252 = false;
		*text = buf;
		*text_len = len;
		return true;
	}
	size_t was = copy->len;
	if (!text_normalize(buf, len, enc, copy, used_cp1252))
		return false;
	*text = copy->data + was;
	*text_len = copy->len - was;
	return true;
}
