#include "tus_metadata.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

typedef struct tus_pair {
	char *key;   /* owned */
	char *value; /* owned, NUL-terminated */
	size_t len;
} tus_pair;

struct tus_metadata {
	tus_pair *pairs;
	size_t count, cap;
};

const char *tus_metadata_status_str(tus_metadata_status status)
{
	switch (status) {
	case TUS_METADATA_OK:
		return "ok";
	case TUS_METADATA_MALFORMED:
		return "malformed Upload-Metadata";
	case TUS_METADATA_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* tus 1.0: the key "MUST NOT contain spaces and commas and MUST NOT be
 * empty" and "SHOULD be ASCII": we take the visible ASCII characters
 * (0x21..0x7e) but the comma, so no control byte reaches a log or JSON. */
static bool is_key_char(char c)
{
	return c > 0x20 && c < 0x7f && c != ',';
}

/* Set *errmsg to "pair N (\"key\"): what" (key cut to 40 bytes; it is made
 * of visible ASCII only when it came through is_key_char, else omitted). */
static tus_metadata_status malformed(char **errmsg, size_t pair, const char *key, size_t key_len,
                                     const char *what)
{
	if (!errmsg)
		return TUS_METADATA_MALFORMED;
	char buf[256];
	if (key && key_len)
		snprintf(buf, sizeof buf, "Upload-Metadata: pair %zu (\"%.*s%s\"): %s", pair,
		         (int)(key_len > 40 ? 40 : key_len), key, key_len > 40 ? "..." : "", what);
	else
		snprintf(buf, sizeof buf, "Upload-Metadata: pair %zu: %s", pair, what);
	*errmsg = strdup(buf);
	return TUS_METADATA_MALFORMED;
}

static const tus_pair *find(const tus_metadata *m, const char *key, size_t key_len)
{
	for (size_t i = 0; i < m->count; i++)
		if (strlen(m->pairs[i].key) == key_len &&
		    memcmp(m->pairs[i].key, key, key_len) == 0)
			return &m->pairs[i];
	return NULL;
}

/* Decode Base64 value (len bytes, not NUL-terminated) into a new string.
 * Returns TUS_METADATA_OK, _MALFORMED (not standard padded Base64) or
 * _NOMEM. */
static tus_metadata_status decode(const char *value, size_t len, char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	/* RFC 4648 §4: padded, so a multiple of 4 characters; libsodium's
	 * ORIGINAL variant insists on the padding too, this only makes the
	 * size bound below exact. */
	if (len % 4 != 0)
		return TUS_METADATA_MALFORMED;
	size_t cap = len / 4 * 3;
	char *bin = malloc(cap + 1);
	if (!bin)
		return TUS_METADATA_NOMEM;
	size_t bin_len = 0;
	/* b64_end NULL: the whole input must be Base64 (no stray bytes after
	 * it); ignore NULL: no whitespace inside a value. */
	if (len > 0 && sodium_base642bin((unsigned char *)bin, cap, value, len, NULL, &bin_len,
	                                 NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(bin);
		return TUS_METADATA_MALFORMED;
	}
	bin[bin_len] = '\0';
	*out = bin;
	*out_len = bin_len;
	return TUS_METADATA_OK;
}

static bool push(tus_metadata *m, char *key, char *value, size_t len)
{
	if (m->count == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		tus_pair *pairs = realloc(m->pairs, cap * sizeof *pairs);
		if (!pairs)
			return false;
		m->pairs = pairs;
		m->cap = cap;
	}
	m->pairs[m->count++] = (tus_pair){key, value, len};
	return true;
}

tus_metadata_status tus_metadata_parse(const char *header, tus_metadata **out, char **errmsg)
{
	tus_metadata_status rc = TUS_METADATA_NOMEM;
	*out = NULL;
	if (errmsg)
		*errmsg = NULL;
	tus_metadata *m = calloc(1, sizeof *m);
	if (!m)
		goto out;
	const char *p = header ? header : "";
	while (is_blank(*p))
		p++;
	if (*p == '\0') {
		/* No pairs at all: the same as no header. */
		rc = TUS_METADATA_OK;
		goto out;
	}
	for (size_t pair = 1;; pair++) {
		const char *elem = p;
		size_t elem_len = strcspn(elem, ",");
		/* Trim the optional whitespace after the pair. */
		size_t end = elem_len;
		while (end > 0 && is_blank(elem[end - 1]))
			end--;
		size_t key_len = 0;
		while (key_len < end && elem[key_len] != ' ')
			key_len++;
		if (end == 0) {
			rc = malformed(errmsg, pair, NULL, 0,
			               "empty (two commas in a row, or a comma at the end)");
			goto out;
		}
		for (size_t i = 0; i < key_len; i++)
			if (!is_key_char(elem[i])) {
				rc =
				    malformed(errmsg, pair, NULL, 0,
				              "the key holds a character other than visible ASCII");
				goto out;
			}
		if (key_len == 0) {
			rc = malformed(errmsg, pair, NULL, 0, "the key is empty");
			goto out;
		}
		if (find(m, elem, key_len)) {
			rc = malformed(errmsg, pair, elem, key_len,
			               "the key is given twice (keys must be unique)");
			goto out;
		}
		/* After the key: nothing, or one space and the Base64 value. */
		const char *value = key_len < end ? elem + key_len + 1 : elem + end;
		size_t value_len = key_len < end ? end - key_len - 1 : 0;
		char *key = NULL, *bin = NULL;
		size_t bin_len = 0;
		tus_metadata_status d = decode(value, value_len, &bin, &bin_len);
		if (d == TUS_METADATA_MALFORMED) {
			rc = malformed(errmsg, pair, elem, key_len,
			               "the value is not Base64 (the standard alphabet, with "
			               "padding, one space after the key)");
			goto out;
		}
		if (d != TUS_METADATA_OK || !(key = strndup(elem, key_len)) ||
		    !push(m, key, bin, bin_len)) {
			free(key);
			free(bin);
			rc = TUS_METADATA_NOMEM;
			goto out;
		}
		p = elem + elem_len;
		if (*p == '\0')
			break;
		p++; /* the comma */
		while (is_blank(*p))
			p++;
	}
	rc = TUS_METADATA_OK;
out:
	if (rc != TUS_METADATA_OK) {
		tus_metadata_free(m);
		m = NULL;
		if (rc == TUS_METADATA_NOMEM && errmsg && !*errmsg)
			*errmsg = strdup("out of memory");
	}
	*out = m;
	return rc;
}

size_t tus_metadata_count(const tus_metadata *m)
{
	return m->count;
}

const char *tus_metadata_key(const tus_metadata *m, size_t i)
{
	return i < m->count ? m->pairs[i].key : NULL;
}

const char *tus_metadata_get(const tus_metadata *m, const char *key, size_t *len)
{
	const tus_pair *p = find(m, key, strlen(key));
	if (len)
		*len = p ? p->len : 0;
	return p ? p->value : NULL;
}

void tus_metadata_free(tus_metadata *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->count; i++) {
		free(m->pairs[i].key);
		free(m->pairs[i].value);
	}
	free(m->pairs);
	free(m);
}
