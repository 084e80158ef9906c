/* Fuzz target: what the server reads from a request before any handler,
 * in-process and without sockets (issue 16):
 *
 * - the request-target: http_target_check (UTF-8 of the path and of every
 *   query parameter, the parameter cap) and http_path_decode;
 * - the Range header against a size taken from the input (RFC 9110 §14);
 * - conditional headers: HTTP dates (§5.6.7) and entity tags (§8.8.3);
 * - the tus Upload-Metadata header;
 * - the escapes every echoed value goes through (HTML, attribute, XML,
 *   URL), with what each promises checked on the output.
 *
 * Each piece of the input (split at NUL bytes: target, Range, date, tag
 * list, tag, metadata) is a header value as libmicrohttpd hands it over: a
 * NUL-ended string. Multipart and urlencoded form bodies go through
 * libmicrohttpd's post processor, which needs a connection; they are
 * covered end to end in tests/http/ instead (tests/RELIABILITY.md).
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz_input.h"
#include "range.h"
#include "strbuf.h"
#include "target_check.h"
#include "text_decode.h"
#include "tus_metadata.h"

/* The next NUL-ended piece of buf[*at..len), copied to the heap at its
 * exact size (so a read past its NUL is caught). Caller frees. */
static char *next_piece(const char *buf, size_t len, size_t *at)
{
	size_t start = *at < len ? *at : len;
	const char *nul = memchr(buf + start, '\0', len - start);
	size_t n = nul ? (size_t)(nul - (buf + start)) : len - start;
	*at = start + n + (nul ? 1 : 0);
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, buf + start, n);
		s[n] = '\0';
	}
	return s;
}

static void check_target(const char *target)
{
	char err[256];
	http_target_status st = http_target_check(target, err, sizeof err);
	size_t args = http_target_arg_count(target);
	if (st == HTTP_TARGET_OK) {
		assert(args <= HTTP_MAX_QUERY_ARGS);
	} else {
		/* The message is shown to the client as text: never empty,
		 * always UTF-8 (it may quote a parameter's name). */
		assert(err[0] && text_is_utf8(err, strlen(err)));
		assert(st == HTTP_TARGET_NOT_UTF8 || args > HTTP_MAX_QUERY_ARGS);
	}
	char *path = NULL;
	bool nomem = false;
	size_t path_len = strcspn(target, "?#");
	if (http_path_decode(target, path_len, &path, &nomem)) {
		assert(strlen(path) <= path_len);
		for (const char *p = path; *p; p++)
			assert((unsigned char)*p >= 0x20 && *p != 0x7f && *p != '\\');
		free(path);
	} else {
		assert(!path);
	}
}

static void check_range(const char *header, uint64_t size)
{
	uint64_t first = 0, last = 0;
	if (http_range_parse(header, size, &first, &last) == HTTP_RANGE_SINGLE)
		assert(size > 0 && first <= last && last < size);
}

static void check_date(const char *s)
{
	time_t t;
	/* Whatever parses and lies in years 1970..9999 formats back to a date
	 * that parses to the same second. */
	if (http_date_parse(s, &t) && t >= 0 && t < (time_t)253402300800) {
		char out[30];
		http_date_format(t, out);
		time_t again;
		assert(http_date_parse(out, &again) && again == t);
	}
}

static void check_etags(const char *header, const char *etag)
{
	/* A strong match is a weak match too (§8.8.3.2). */
	if (http_etag_match_strong(header, etag))
		assert(http_etag_match_weak(header, etag));
}

/* An escape's output: "" when it appended nothing (a strbuf that never
 * grew has no buffer). */
static const char *text(const strbuf *sb)
{
	return sb->data ? sb->data : "";
}

static void check_escapes(const char *s)
{
	strbuf sb = STRBUF_INIT;
	if (http_escape_html(&sb, s))
		assert(!strpbrk(text(&sb), "<>\"'"));
	sb_free(&sb);
	if (http_escape_attr(&sb, s))
		assert(!strpbrk(text(&sb), "<>\"'"));
	sb_free(&sb);
	if (http_escape_xml(&sb, s)) {
		assert(!strpbrk(text(&sb), "<>\"'"));
		for (const char *p = text(&sb); *p; p++)
			assert((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r');
	}
	sb_free(&sb);
	if (http_escape_url(&sb, s))
		for (const char *p = text(&sb); *p; p++)
			assert(strchr(
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%",
			    *p));
	sb_free(&sb);
}

static void check_metadata(const char *header)
{
	tus_metadata *m = NULL;
	char *errmsg = NULL;
	tus_metadata_status st = tus_metadata_parse(header, &m, &errmsg);
	if (st == TUS_METADATA_OK) {
		assert(m && !errmsg);
		for (size_t i = 0; i < tus_metadata_count(m); i++) {
			const char *key = tus_metadata_key(m, i);
			size_t len = 0;
			assert(key && key[0] && tus_metadata_get(m, key, &len));
		}
	} else {
		assert(!m);
	}
	tus_metadata_free(m);
	free(errmsg);
}

static void parse(const char *buf, size_t len)
{
	size_t at = 0;
	char *target = next_piece(buf, len, &at);
	char *range = next_piece(buf, len, &at);
	char *date = next_piece(buf, len, &at);
	char *tags = next_piece(buf, len, &at);
	char *tag = next_piece(buf, len, &at);
	char *metadata = next_piece(buf, len, &at);
	if (target && range && date && tags && tag && metadata) {
		check_target(target);
		/* Sizes around the edges: empty, one byte, the parse's own
		 * numbers, and past 4 GiB. */
		uint64_t sizes[] = {0, 1, 500, (uint64_t)len, 5ull << 30, UINT64_MAX};
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
			check_range(range, sizes[i]);
		check_date(date);
		check_etags(tags, tag);
		check_escapes(target);
		check_metadata(metadata);
	}
	free(target);
	free(range);
	free(date);
	free(tags);
	free(tag);
	free(metadata);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
