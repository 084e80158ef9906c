#include "html_entities.h"

#include <string.h>

typedef struct named_ref {
	const char *name;
	const char *value;
} named_ref;

static const named_ref named_refs[] = {
#include "html_entities_table.inc"
};

enum { longest_name = 32 };

/* Windows-1252 meanings HTML gives numeric references 0x80..0x9F (HTML
 * §13.2.5.80, "numeric character reference end state"); 0 = keep as is. */
static const unsigned c1_replacements[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static int compare_name(const char *p, size_t n, const char *name)
{
	size_t name_len = strlen(name);
	int c = memcmp(p, name, n < name_len ? n : name_len);
	if (c)
		return c;
	return n < name_len ? -1 : n > name_len;
}

static const named_ref *find_exact(const char *p, size_t n)
{
	size_t lo = 0, hi = sizeof named_refs / sizeof named_refs[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_name(p, n, named_refs[mid].name);
		if (c == 0)
			return &named_refs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static bool is_digit(char c, bool hex)
{
	if (c >= '0' && c <= '9')
		return true;
	return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

static size_t consume_numeric(const char *p, size_t len, strbuf *out, bool *nomem)
{
	size_t i = 1; /* past '#' */
	bool hex = false;
	if (i < len && (p[i] == 'x' || p[i] == 'X')) {
		hex = true;
		i++;
	}
	size_t digits_start = i;
	unsigned long value = 0;
	while (i < len && is_digit(p[i], hex)) {
		/* Saturate: any value past U+10FFFF becomes U+FFFD below. */
		if (value <= 0x10FFFF)
			value = value * (hex ? 16 : 10) + digit_value(p[i]);
		i++;
	}
	if (i == digits_start)
		return 0; /* "&#" or "&#x" with no digits is not a reference */
	if (i < len && p[i] == ';')
		i++;
	if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
		value = 0xFFFD;
	else if (value >= 0x80 && value <= 0x9F && c1_replacements[value - 0x80])
		value = c1_replacements[value - 0x80];
	if (!sb_append_utf8(out, (unsigned)value)) {
		*nomem = true;
		return 0;
	}
	return i;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

size_t html_entity_consume(const char *p, size_t len, int additional, bool in_attribute,
                           strbuf *out, bool *nomem)
{
	if (len == 0)
		return 0;
	char c = p[0];
	if (c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' ||
	    (additional >= 0 && c == (char)additional))
		return 0;
	if (c == '#')
		return consume_numeric(p, len, out, nomem);
	/* Named: the longest name in the table that the input starts with. Names
	 * without ';' are HTML's legacy forms ("&amp", "&not"), so "&notit;"
	 * reads as "¬it;" just as a browser shows it. */
	/* Names are letters and digits, ending in an optional ';', so no match
	 * can run past the first other byte: that bounds the search. */
	size_t run = 0;
	while (run < len && run < longest_name && is_alnum(p[run]))
		run++;
	if (run < len && p[run] == ';')
		run++;
	for (size_t n = run < longest_name ? run : longest_name; n > 0; n--) {
		const named_ref *ref = find_exact(p, n);
		if (ref) {
			if (in_attribute && p[n - 1] != ';' && n < len &&
			    (p[n] == '=' || is_alnum(p[n])))
				return 0;
			if (!sb_append_str(out, ref->value)) {
				*nomem = true;
				return 0;
			}
			return n;
		}
	}
	return 0;
}
