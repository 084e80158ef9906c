/* media_cache: recordings' media files kept open for /media.
 *
 * A range request costs what nginx's costs only if it does not redo what
 * the first request for the file did: find the recording in the index,
 * read its folder, open the file, work out its validators. An entry keeps
 * that for one recording: the open fd, the file's identity (dev, ino,
 * size, mtime), its ETag, Last-Modified and media type, and the index
 * version (qx_db_version) the recording was found under. It is used only
 * while the index is at that version (nothing was indexed, edited or
 * removed since) and stat() of its path still gives that identity: a file
 * replaced (a new inode) or changed in place (size, mtime) is opened afresh
 * and gets new validators. Bounded: the least recently used entry makes
 * room, and closing its fd never cuts a response short, since each
 * response sends from a dup of its own.
 */
#ifndef QA_HTTP_MEDIA_CACHE_H
#define QA_HTTP_MEDIA_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "xindex.h"

typedef struct http_media_cache http_media_cache;

/* One recording's media as a request gets it. */
typedef struct http_media_file {
	int fd;            /* the caller's own (a dup): hand it to the reply or close it */
	uint64_t size;     /* bytes */
	time_t mtime;      /* seconds, for the HTTP dates */
	char etag[80];     /* strong: "size-mtime_ns-inode" in hex */
	char modified[30]; /* Last-Modified */
	const char *type;  /* static: the media type by the file's extension */
} http_media_file;

/* The media type of a media file by its extension ("video/mp4"), or
 * "application/octet-stream". Static. */
const char *http_media_type(const char *path);

/* A cache of `slots` entries (at least 1). NULL when out of memory. Free
 * with http_media_cache_free (NULL is a no-op), which closes every fd. */
http_media_cache *http_media_cache_new(size_t slots);
void http_media_cache_free(http_media_cache *c);

/* Recording id's media, if an entry holds it for the index version
 * (uuid, revision) and its path still stats as the same file: fills *out
 * and returns true. Otherwise false (the caller finds and opens the file,
 * then calls http_media_cache_put). Allocates nothing. */
bool http_media_cache_get(http_media_cache *c, const char *id, const char *uuid,
                          unsigned long long revision, http_media_file *out);

/* fd is recording id's media at path, as fstat gave st, found under index
 * version (uuid, revision). Fills *out (out->fd is fd: still the caller's)
 * and keeps a dup of fd in the cache, replacing id's entry or the least
 * recently used one. When the cache cannot keep it (no fd or memory left)
 * *out is filled all the same. */
void http_media_cache_put(http_media_cache *c, const char *id, const char *uuid,
                          unsigned long long revision, const char *path, int fd,
                          const struct stat *st, http_media_file *out);

#endif
