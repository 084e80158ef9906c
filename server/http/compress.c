#include "compress.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <brotli/encode.h>
#include <zlib.h>

#include "range.h"

typedef enum { ENC_NONE, ENC_GZIP, ENC_BR } encoding;

static bool compressible(const char *type)
{
	static const char *const types[] = {"text/html", "text/css", "text/javascript", "text/vtt"};
	for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
		if (strncmp(type, types[i], strlen(types[i])) == 0)
			return true;
	return false;
}

/* Whether Accept-Encoding lists `name` with a q above 0 ("gzip;q=0" is a
 * refusal, RFC 9110 §12.5.3); "*" counts for any. */
static bool accepts(const char *header, const char *name)
{
	bool yes = false;
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		bool match =
		    (n == strlen(name) && strncasecmp(p, name, n) == 0) || (n == 1 && *p == '*');
		const char *end = p + strcspn(p, ",");
		const char *q = strstr(p, "q=");
		bool zero = q && q < end && strtod(q + 2, NULL) <= 0;
		if (match && zero && n != 1)
			return false; /* named and refused: "*" cannot bring it back */
		yes |= match && !zero;
		p = end;
	}
	return yes;
}

static bool gzip_body(const char *in, size_t len, char **out, size_t *out_len)
{
	z_stream z = {0};
	/* windowBits 15 + 16: a gzip wrapper rather than zlib's. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	size_t cap = deflateBound(&z, len);
	char *buf = malloc(cap);
	bool ok = buf != NULL;
	if (ok) {
		z.next_in = (Bytef *)in;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)buf;
		z.avail_out = (uInt)cap;
		ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	if (!ok)
		free(buf);
	*out = ok ? buf : NULL;
	return ok;
}

static bool brotli_body(const char *in, size_t len, char **out, size_t *out_len)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);
	char *buf = cap ? malloc(cap) : NULL;
	/* Quality 5: most of the gain at a few ms per 100 KB, for pages made
	 * per request (11 is for files compressed once). */
	bool ok = buf && BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len,
	                                       (const uint8_t *)in, &cap, (uint8_t *)buf);
	if (!ok)
		free(buf);
	*out = ok ? buf : NULL;
	*out_len = ok ? cap : 0;
	return ok;
}

/* The reply's ETag header, NULL when it has none (or one that is not a
 * quoted string, which cannot be marked). */
static http_reply_header *etag_header(http_reply *reply)
{
	for (size_t i = 0; i < reply->header_count; i++) {
		http_reply_header *h = &reply->headers[i];
		size_t n = strlen(h->value);
		if (strcasecmp(h->name, "ETag") == 0 && n >= 2 && h->value[n - 1] == '"')
			return h;
	}
	return NULL;
}

/* "abc" → "abc-br" (an ETag of these bytes, not the identity's), in a
 * new string the caller frees; NULL when out of memory. */
static char *etag_marked(const char *etag, const char *suffix)
{
	size_t n = strlen(etag);
	char *v = malloc(n + strlen(suffix) + 1);
	if (!v)
		return NULL;
	memcpy(v, etag, n - 1);
	strcpy(v + n - 1, suffix);
	strcat(v, "\"");
	return v;
}

/* Vary: Accept-Encoding, added to a Vary the reply already has (an HTML
 * page's "Cookie": it shows who is signed in) so that there is one list.
 * false when out of memory. */
static bool vary_on_encoding(http_reply *reply)
{
	for (size_t i = 0; i < reply->header_count; i++) {
		http_reply_header *h = &reply->headers[i];
		if (strcasecmp(h->name, "Vary") != 0)
			continue;
		size_t n = strlen(h->value);
		char *v = malloc(n + sizeof ", Accept-Encoding");
		if (!v)
			return false;
		memcpy(v, h->value, n);
		memcpy(v + n, ", Accept-Encoding", sizeof ", Accept-Encoding");
		free(h->value);
		h->value = v;
		return true;
	}
	return http_reply_header_add(reply, "Vary", "Accept-Encoding");
}

/* Whether the encoding's ETag is one the client holds (If-None-Match,
 * RFC 9110 §13.1.2, weak comparison): then the answer is a 304 for these
 * bytes, decided before compressing them. Compression is deterministic,
 * so the bytes behind "abc-br" are the ones sent before. On a match the
 * reply's ETag is replaced by the marked one, as a 304 carries the
 * validator a 200 would have (§15.4.5). */
static bool client_holds(const http_request *req, http_reply *reply, const char *suffix)
{
	http_reply_header *h = etag_header(reply);
	const char *inm = http_header(req, "If-None-Match");
	if (!h || !inm)
		return false;
	char *marked = etag_marked(h->value, suffix);
	if (!marked || !http_etag_match_weak(inm, marked)) {
		free(marked);
		return false;
	}
	free(h->value);
	h->value = marked;
	return true;
}

unsigned http_reply_compress(const http_request *req, unsigned status, http_reply *reply)
{
	if (!compressible(reply->content_type) || reply->fd >= 0)
		return status;
	/* Without room for Vary a shared cache could mix the encodings up:
	 * then send the identity. */
	if (!vary_on_encoding(reply))
		return status;
	if (status != 200 || !reply->body || reply->len < 512)
		return status;
	const char *accept = http_header(req, "Accept-Encoding");
	encoding enc = accepts(accept, "br")     ? ENC_BR
	               : accepts(accept, "gzip") ? ENC_GZIP
	                                         : ENC_NONE;
	if (enc == ENC_NONE)
		return status;
	const char *suffix = enc == ENC_BR ? "-br" : "-gz";
	if (client_holds(req, reply, suffix)) {
		free(reply->body);
		reply->body = NULL;
		reply->len = 0;
		return 304;
	}
	char *body = NULL;
	size_t len = 0;
	bool done = enc == ENC_BR ? brotli_body(reply->body, reply->len, &body, &len)
	                          : gzip_body(reply->body, reply->len, &body, &len);
	if (!done || len >= reply->len ||
	    !http_reply_header_add(reply, "Content-Encoding", enc == ENC_BR ? "br" : "gzip")) {
		free(body);
		return status;
	}
	http_reply_header *h = etag_header(reply);
	char *marked = h ? etag_marked(h->value, suffix) : NULL;
	if (marked) { /* else keep the identity's: a stale 304 at worst */
		free(h->value);
		h->value = marked;
	}
	free(reply->body);
	reply->body = body;
	reply->len = len;
	return status;
}
