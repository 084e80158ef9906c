#include "recording_id.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char *recording_id_status_str(recording_id_status status)
{
	switch (status) {
	case RECORDING_ID_OK:
		return "ok";
	case RECORDING_ID_BAD_DATE:
		return "date is not YYYY-MM-DD";
	case RECORDING_ID_NO_SPACE:
		return "no room for the id";
	}
	return "unknown status";
}

/* ASCII folding of U+00C0..U+017F (Latin-1 Supplement letters and Latin
 * Extended-A), one character per code point: a letter is the lowercase
 * base letter; '.' is not a letter (U+00D7 ×, U+00F7 ÷); the uppercase
 * markers stand for two letters (see fold_of). */
#define FOLD_FIRST 0xC0
#define FOLD_LAST  0x17F
static const char fold_table[] =
    /* U+00C0..U+00DF */ "aaaaaaAceeeeiiiidnooooo.ouuuuyTS"
                         /* U+00E0..U+00FF */ "aaaaaaAceeeeiiiidnooooo.ouuuuyTy"
                         /* U+0100..U+017F */ "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiJJ"
                         "jjkkkllllllllll"
                         "nnnnnnnnnooooooOOrrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
_Static_assert(sizeof fold_table == FOLD_LAST - FOLD_FIRST + 2, "one entry per code point");

/* The ASCII letters code point cp folds to, or NULL. */
static const char *fold_of(unsigned cp)
{
	if (cp < FOLD_FIRST || cp > FOLD_LAST)
		return NULL;
	switch (fold_table[cp - FOLD_FIRST]) {
	case '.':
		return NULL;
	case 'A':
		return "ae";
	case 'S':
		return "ss";
	case 'T':
		return "th";
	case 'J':
		return "ij";
	case 'O':
		return "oe";
	}
	/* One NUL-terminated string per letter. */
	static const char letters[] = "a\0b\0c\0d\0e\0f\0g\0h\0i\0j\0k\0l\0m\0"
	                              "n\0o\0p\0q\0r\0s\0t\0u\0v\0w\0x\0y\0z";
	return letters + 2 * (fold_table[cp - FOLD_FIRST] - 'a');
}

/* The length of the UTF-8 sequence starting at s (1 for a stray byte), and
 * its code point in *cp (0 when malformed: then it is just a separator). */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0];
	size_t n = c < 0x80           ? 1
	           : (c >> 5) == 0x6  ? 2
	           : (c >> 4) == 0xE  ? 3
	           : (c >> 3) == 0x1E ? 4
	                              : 0;
	*cp = 0;
	if (n == 0)
		return 1;
	unsigned v = n == 1 ? c : c & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return i; /* truncated: resume at the byte that broke it */
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return n;
}

static bool is_date(const char *d)
{
	if (!d || strlen(d) != 10)
		return false;
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? d[i] != '-' : !(d[i] >= '0' && d[i] <= '9'))
			return false;
	}
	return true;
}

/* The slug of title into out, at most cap bytes, cut at a word boundary
 * when one is in the last half. Returns its length. */
static size_t slugify(const char *title, char *out, size_t cap)
{
	/* Build one byte past cap, so a cut can see whether it splits a word. */
	size_t len = 0;
	bool dash = false;
	const unsigned char *s = (const unsigned char *)(title ? title : "");
	while (*s && len <= cap) {
		unsigned cp;
		size_t n = utf8_next(s, &cp);
		s += n;
		char ascii[2] = {0, 0};
		const char *letters = NULL;
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			ascii[0] = (char)cp;
		else if (cp >= 'A' && cp <= 'Z')
			ascii[0] = (char)(cp - 'A' + 'a');
		letters = ascii[0] ? ascii : fold_of(cp);
		if (!letters) {
			dash = len > 0;
			continue;
		}
		if (dash && len <= cap)
			out[len++] = '-';
		dash = false;
		for (; *letters && len <= cap; letters++)
			out[len++] = *letters;
	}
	if (len > cap) {
		/* Cut inside a word: back up to the last '-' if that keeps at
		 * least half the room, else cut the word itself. */
		size_t cut = cap;
		if (out[cap] != '-') {
			for (size_t i = cap; i > cap / 2; i--)
				if (out[i - 1] == '-') {
					cut = i - 1;
					break;
				}
		}
		len = cut;
	}
	while (len > 0 && out[len - 1] == '-')
		len--;
	return len;
}

recording_id_status recording_id_make(const char *date, const char *title, unsigned n, char *out,
                                      size_t size)
{
	if (size > 0)
		out[0] = '\0';
	if (size < RECORDING_ID_NEW_MAX + 1 || n == 0)
		return RECORDING_ID_NO_SPACE;
	if (!is_date(date))
		return RECORDING_ID_BAD_DATE;
	char suffix[16] = "";
	if (n >= 2)
		snprintf(suffix, sizeof suffix, "-%u", n);
	/* "YYYY-MM-DD-" + slug + suffix */
	size_t cap = RECORDING_ID_NEW_MAX - 11 - strlen(suffix);
	char slug[RECORDING_ID_NEW_MAX + 1];
	size_t len = slugify(title, slug, cap);
	if (len == 0) {
		len = strlen(RECORDING_ID_EMPTY_SLUG);
		memcpy(slug, RECORDING_ID_EMPTY_SLUG, len);
	}
	slug[len] = '\0';
	snprintf(out, size, "%s-%s%s", date, slug, suffix);
	return RECORDING_ID_OK;
}
