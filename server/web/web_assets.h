/* web_assets: the files of web/ (CSS, JavaScript), compiled into the
 * binary by cmake/embed_web.cmake at build time, so `qarchive serve` needs
 * no files besides the archive. Served by h_static.c at /static/<name>. */
#ifndef QA_HTTP_WEB_ASSETS_H
#define QA_HTTP_WEB_ASSETS_H

#include <stddef.h>

typedef struct http_asset {
	const char *name;          /* base name in web/: "style.css" */
	const char *type;          /* Content-Type */
	const unsigned char *data; /* the file's bytes (static) */
	size_t len;
	const char *etag;    /* strong ETag: "\"<16 hex digits of SHA-256>\"" */
	const char *version; /* the same 16 hex digits, for ?v= in links */
} http_asset;

/* Every asset, sorted by name (generated). */
extern const http_asset http_assets[];
extern const size_t http_asset_count;

/* The asset called name, or NULL. name is compared whole: no path. */
const http_asset *http_asset_find(const char *name);

#endif
