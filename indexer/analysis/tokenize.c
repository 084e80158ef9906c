#include "tokenize.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* What decode() gives for a byte that does not start valid UTF-8. */
#define CP_INVALID 0xFFFFFFFFu

/* Decode the UTF-8 character at s[i] (i < len) into *cp; returns its length
 * in bytes. Overlong forms, surrogates, values past U+10FFFF and truncated
 * sequences give CP_INVALID and length 1, so the next byte is looked at on
 * its own (RFC 3629 §4). */
static size_t decode(const char *text, size_t len, size_t i, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)text + i;
	size_t left = len - i;
	unsigned c = s[0];
	*cp = CP_INVALID;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	unsigned v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 1;
	}
	if (left < n)
		return 1;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 1;
		v = (v << 6) | (s[k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 1;
	*cp = v;
	return n;
}

static bool is_ascii_upper(unsigned cp)
{
	return cp >= 'A' && cp <= 'Z';
}

static bool is_ascii_lower(unsigned cp)
{
	return cp >= 'a' && cp <= 'z';
}

static bool is_ascii_digit(unsigned cp)
{
	return cp >= '0' && cp <= '9';
}

/* Zero-width characters Xapian drops when they sit between two word
 * characters (check_infix() returns UNICODE_IGNORE for them). */
static bool is_zero_width(unsigned cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

/* Non-ASCII code points that are not word characters. Xapian asks the
 * Unicode tables (letters, marks, numbers and connector punctuation are
 * word characters); we carry no tables, so every other multibyte character
 * is a letter and this list names the blocks of punctuation, symbols and
 * spaces that turn up in transcripts. The exceptions inside the ranges are
 * letters or numbers in Unicode (ª ² ³ µ ¹ º ¼-¾, the connector
 * punctuation U+203F U+2040 U+2054, the circled digits U+2776-U+2793, the
 * fullwidth low line U+FF3F), which Xapian also treats as word characters.
 * One deliberate difference: variation selectors U+FE00-U+FE0F are marks
 * (word characters) to Xapian, but after an emoji they would make a junk
 * term of their own, so they separate here. */
static bool is_nonword_nonascii(unsigned cp)
{
	if (cp <= 0xBF)
		return !(cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 ||
		         cp == 0xBA || (cp >= 0xBC && cp <= 0xBE));
	if (cp == 0xD7 || cp == 0xF7)
		return true;
	if (cp < 0x2000)
		return false;
	if (cp <= 0x206F) /* General Punctuation */
		return cp != 0x203F && cp != 0x2040 && cp != 0x2054;
	if (cp >= 0x20A0 && cp <= 0x20CF) /* currency */
		return true;
	if (cp >= 0x2190 && cp <= 0x23FF) /* arrows, maths operators, technical */
		return true;
	if (cp >= 0x2500 && cp <= 0x27BF) /* box drawing ... dingbats */
		return cp < 0x2776 || cp > 0x2793;
	if (cp >= 0x2E00 && cp <= 0x2E7F) /* supplemental punctuation */
		return true;
	if (cp >= 0x3000 && cp <= 0x301F) /* CJK punctuation, U+3000 space */
		return cp <= 0x3003 || (cp >= 0x3008 && cp <= 0x3011) || cp >= 0x3014;
	if (cp >= 0xE000 && cp <= 0xF8FF) /* private use */
		return true;
	if (cp >= 0xFE00 && cp <= 0xFE6B) /* variation selectors, vertical and small forms */
		return cp <= 0xFE19 || (cp >= 0xFE30 && cp <= 0xFE32) ||
		       (cp >= 0xFE35 && cp <= 0xFE4C) || cp >= 0xFE50;
	if (cp == 0xFEFF)
		return true;
	if (cp >= 0xFF01 && cp <= 0xFF65) /* fullwidth punctuation */
		return cp <= 0xFF0F || (cp >= 0xFF1A && cp <= 0xFF20) ||
		       (cp >= 0xFF3B && cp <= 0xFF3E) || cp == 0xFF40 || cp >= 0xFF5B;
	if (cp >= 0xFFF0 && cp <= 0xFFFF) /* specials */
		return true;
	if (cp >= 0x1F000 && cp <= 0x1FAFF) /* emoji, other symbols */
		return cp < 0x1F100 || cp > 0x1F10C;
	if (cp >= 0xE0000) /* tags, private use planes */
		return true;
	return false;
}

static bool is_wordchar(unsigned cp)
{
	if (cp < 0x80)
		return is_ascii_lower(cp) || is_ascii_upper(cp) || is_ascii_digit(cp) || cp == '_';
	return cp != CP_INVALID && !is_nonword_nonascii(cp);
}

static bool wordchar_at(const char *s, size_t len, size_t i)
{
	unsigned cp;
	if (i >= len)
		return false;
	decode(s, len, i, &cp);
	return is_wordchar(cp);
}

/* A non-word character between two word characters that stays in the word:
 * Xapian's check_infix() (apostrophes, '&' as in AT&T, middle dots), or
 * between two digits only check_infix_digit() (Unicode's MidNum set,
 * "3,000", "2.6"; so "9&9" is two words). Zero-width characters are kept in
 * the span but not in the term. */
static bool is_infix(unsigned cp, bool digits)
{
	if (is_zero_width(cp))
		return true;
	if (digits)
		return cp == ',' || cp == '.' || cp == ';' || cp == 0x2044 || cp == 0xFE10 ||
		       cp == 0xFE13 || cp == 0xFE14;
	return cp == '\'' || cp == '&' || cp == 0xB7 || cp == 0x2027 || cp == 0x2019 ||
	       cp == 0x201B;
}

/* QueryParser's is_suffix(): trailing '+' or '#' (C++, C#). */
static bool is_suffix(char c)
{
	return c == '+' || c == '#';
}

/* QueryParser's is_phrase_generator(): these join words into a phrase. */
static bool is_joiner(char c)
{
	return c == '.' || c == '-' || c == '/' || c == ':' || c == '\\' || c == '@';
}

typedef struct word {
	size_t start;
	size_t base_end; /* end of the word before any '+'/'#' suffix */
	size_t end;
	bool acronym;
} word;

/* Xapian's acronym rule (parse_term(): "P.T.O.", "U.N.C.L.E"): single
 * capitals separated by '.', at least two, no word character after; a
 * trailing '.' is consumed. Returns the end, or 0 when it is not one.
 *
 * When the scan fails at p, a scan from any later capital before p would
 * walk the same run and fail at the same p ("A.B.C.Dx" is the words a, b,
 * c, dx). *fail_end remembers p so those are not scanned again: without it
 * a megabyte of "A.A.A..." followed by a letter is quadratic (as it is in
 * Xapian itself). */
static size_t scan_acronym(const char *s, size_t len, size_t i, size_t *fail_end)
{
	if (i < *fail_end)
		return 0;
	size_t p = i, letters = 0;
	do {
		p++;
		letters++;
	} while (p < len && s[p] == '.' && ++p < len && is_ascii_upper((unsigned char)s[p]));
	if (letters < 2 || wordchar_at(s, len, p)) {
		*fail_end = p;
		return 0;
	}
	return p;
}

/* The word starting at s[i], a word character. */
static word scan_word(const char *s, size_t len, size_t i, size_t *acronym_fail_end)
{
	word w = {i, 0, 0, false};
	if (is_ascii_upper((unsigned char)s[i])) {
		size_t end = scan_acronym(s, len, i, acronym_fail_end);
		if (end) {
			w.base_end = w.end = end;
			w.acronym = true;
			return w;
		}
	}
	unsigned prev = 0;
	size_t p = i;
	while (p < len) {
		unsigned cp;
		size_t n = decode(s, len, p, &cp);
		if (is_wordchar(cp)) {
			prev = cp;
			p += n;
			continue;
		}
		if (p + n >= len)
			break;
		unsigned next;
		decode(s, len, p + n, &next);
		if (!is_wordchar(next) ||
		    !is_infix(cp, is_ascii_digit(prev) && is_ascii_digit(next)))
			break;
		if (!is_zero_width(cp))
			prev = cp;
		p += n;
	}
	w.base_end = w.end = p;
	/* Up to three suffix characters, and only before a non-word character
	 * or the end (parse_term(): "Keep trailing + (e.g. C++, Na+) or #"). */
	size_t run = 0;
	while (p + run < len && run < 4 && is_suffix(s[p + run]))
		run++;
	if (run > 0 && run <= 3 && !wordchar_at(s, len, p + run))
		w.end = p + run;
	return w;
}

/* Append s[from..to) as term text: ASCII lowercased, the apostrophes
 * U+2019 and U+201B as ', zero-width characters dropped. */
static bool append_term(strbuf *sb, const char *s, size_t from, size_t to)
{
	size_t i = from;
	while (i < to) {
		unsigned cp;
		size_t n = decode(s, to, i, &cp);
		bool ok = true;
		if (cp == CP_INVALID || is_zero_width(cp))
			ok = true;
		else if (is_ascii_upper(cp))
			ok = sb_append_char(sb, (char)(cp - 'A' + 'a'));
		else if (cp == 0x2019 || cp == 0x201B)
			ok = sb_append_char(sb, '\'');
		else
			ok = sb_append(sb, s + i, n);
		if (!ok)
			return false;
		i += n;
	}
	return true;
}

static bool append_acronym(strbuf *sb, const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (s[i] != '.' && !sb_append_char(sb, (char)(s[i] - 'A' + 'a')))
			return false;
	return true;
}

/* Takes ownership of term (freed on failure). */
static bool push(token_list *out, char *term, unsigned pos, unsigned flags, size_t start,
                 size_t end)
{
	if (out->count == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 32;
		token *grown = cap > SIZE_MAX / sizeof *grown
		                   ? NULL
		                   : realloc(out->items, cap * sizeof *grown);
		if (!grown) {
			free(term);
			return false;
		}
		out->items = grown;
		out->cap = cap;
	}
	out->items[out->count++] = (token){term, pos, flags, start, end};
	return true;
}

typedef struct ctx {
	const char *s;
	size_t len;
	token_list *out;
	strbuf tmp;        /* scratch for one term */
	strbuf base;       /* the current word's term without its suffix */
	strbuf identifier; /* the current identifier so far */
} ctx;

/* Emit the piece s[from..to) of a word, trimmed of infix characters at its
 * edges, unless it is empty or the same as the word. */
static bool emit_piece(ctx *c, size_t from, size_t to, unsigned pos)
{
	while (from < to && !wordchar_at(c->s, to, from)) {
		unsigned cp;
		from += decode(c->s, to, from, &cp);
	}
	size_t last_end = from;
	for (size_t i = from; i < to;) {
		unsigned cp;
		size_t n = decode(c->s, to, i, &cp);
		i += n;
		if (is_wordchar(cp))
			last_end = i;
	}
	to = last_end;
	if (from >= to)
		return true;
	sb_clear(&c->tmp);
	if (!append_term(&c->tmp, c->s, from, to))
		return false;
	if (strcmp(c->tmp.data, c->base.data) == 0)
		return true;
	char *term = sb_take(&c->tmp);
	return term && push(c->out, term, pos, TOKEN_SUBPART, from, to);
}

enum { K_NONE, K_LOWER, K_UPPER, K_DIGIT, K_OTHER };

/* Split a word into its snake_case, camelCase and letter/digit pieces (see
 * tokenize.h). `last`/`before` are the classes of the last two letters or
 * digits in the current piece; infix characters do not count. */
static bool emit_subparts(ctx *c, const word *w, unsigned pos)
{
	const char *s = c->s;
	size_t end = w->base_end, piece = w->start, last_at = w->start;
	int last = K_NONE, before = K_NONE;
	for (size_t i = w->start; i < end;) {
		unsigned cp;
		size_t n = decode(s, end, i, &cp);
		if (cp == '_') {
			if (!emit_piece(c, piece, i, pos))
				return false;
			piece = i + n;
			last = before = K_NONE;
		} else if (is_wordchar(cp)) {
			int k = is_ascii_lower(cp)   ? K_LOWER
			        : is_ascii_upper(cp) ? K_UPPER
			        : is_ascii_digit(cp) ? K_DIGIT
			                             : K_OTHER;
			bool split = false;
			size_t at = i; /* where the new piece starts */
			if (last == K_NONE)
				split = false;
			else if ((last == K_DIGIT) != (k == K_DIGIT))
				split = true;
			else if (last == K_LOWER && k == K_UPPER)
				split = true;
			else if (last == K_UPPER && k == K_LOWER && before == K_UPPER &&
			         last_at > piece) {
				/* "HTTPServer": the last capital starts the next
				 * piece. But in "GPUs" and "LLMs" a plural 's' is
				 * no word of its own. */
				bool plural =
				    cp == 's' &&
				    (i + 1 >= end || !is_ascii_lower((unsigned char)s[i + 1]));
				split = !plural;
				at = last_at;
			}
			if (split) {
				if (!emit_piece(c, piece, at, pos))
					return false;
				piece = at;
			}
			before = last;
			last = k;
			last_at = i;
		}
		i += n;
	}
	return emit_piece(c, piece, end, pos);
}

/* Emit one word and its sub-parts; append its term to the identifier being
 * built when in_identifier. */
static bool emit_word(ctx *c, const word *w, unsigned pos, bool in_identifier)
{
	sb_clear(&c->base);
	bool ok = w->acronym ? append_acronym(&c->base, c->s, w->start, w->end)
	                     : append_term(&c->base, c->s, w->start, w->base_end);
	if (!ok || !sb_append(&c->base, "", 0))
		return false;
	sb_clear(&c->tmp);
	if (!sb_append(&c->tmp, c->base.data, c->base.len) ||
	    !sb_append(&c->tmp, c->s + w->base_end, w->end - w->base_end))
		return false;
	if (in_identifier && !sb_append(&c->identifier, c->tmp.data, c->tmp.len))
		return false;
	char *term = sb_take(&c->tmp);
	if (!term || !push(c->out, term, pos, TOKEN_WORD, w->start, w->end))
		return false;
	return w->acronym || emit_subparts(c, w, pos);
}

/* If a run of joiners after `end` is followed by a word character, the
 * offset of that character (the next word of the identifier); else 0. */
static size_t joined_next(const char *s, size_t len, size_t end)
{
	size_t k = end;
	while (k < len && is_joiner(s[k]))
		k++;
	return k > end && wordchar_at(s, len, k) ? k : 0;
}

bool tokenize_text(const char *text, size_t len, unsigned first_pos, token_list *out,
                   unsigned *next_pos)
{
	size_t before = out->count;
	unsigned pos = first_pos;
	ctx c = {text, len, out, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
	bool ok = false;
	size_t i = 0, acronym_fail_end = 0;
	while (i < len) {
		unsigned cp;
		size_t n = decode(text, len, i, &cp);
		if (!is_wordchar(cp)) {
			i += n;
			continue;
		}
		word w = scan_word(text, len, i, &acronym_fail_end);
		size_t next = joined_next(text, len, w.end);
		size_t slot = out->count;
		bool identifier = next != 0;
		if (identifier) {
			/* The identifier's term is known only at its end: hold
			 * its place so it sorts before its first word. */
			sb_clear(&c.identifier);
			if (!push(out, NULL, pos, TOKEN_IDENTIFIER, w.start, w.end))
				goto out;
		}
		for (;;) {
			if (!emit_word(&c, &w, pos, identifier))
				goto out;
			if (pos < UINT_MAX)
				pos++;
			if (!next)
				break;
			if (!sb_append(&c.identifier, text + w.end, next - w.end))
				goto out;
			w = scan_word(text, len, next, &acronym_fail_end);
			next = joined_next(text, len, w.end);
		}
		if (identifier) {
			char *term = sb_take(&c.identifier);
			if (!term)
				goto out;
			out->items[slot].term = term;
			out->items[slot].end = w.end;
		}
		i = w.end;
	}
	ok = true;
	if (next_pos)
		*next_pos = pos;
out:
	if (!ok) {
		for (size_t k = before; k < out->count; k++)
			free(out->items[k].term);
		out->count = before;
	}
	sb_free(&c.tmp);
	sb_free(&c.base);
	sb_free(&c.identifier);
	return ok;
}

void token_list_free(token_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].term);
	free(list->items);
	list->items = NULL;
	list->count = list->cap = 0;
}
