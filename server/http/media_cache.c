#include "media_cache.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "range.h"
#include "recording.h"

typedef struct entry {
	char id[RECORDING_ID_MAX + 1]; /* "" for a free slot */
	char uuid[QX_UUID_LEN + 1];    /* the index version it was found under */
	unsigned long long revision;
	char *path; /* owned */
	int fd;     /* owned */
	dev_t dev;  /* the file's identity when it was opened */
	ino_t ino;
	off_t size;
	struct timespec mtim;
	http_media_file file; /* its validators (file.fd unused) */
	uint64_t used;        /* the tick of its last use, for eviction */
} entry;

struct http_media_cache {
	pthread_mutex_t lock;
	entry *slots;
	size_t count;
	uint64_t tick;
};

static const struct {
	const char *ext;
	const char *type;
} media_types[] = {
    {"mp4", "video/mp4"},        {"m4v", "video/mp4"},   {"m4a", "audio/mp4"},
    {"mp3", "audio/mpeg"},       {"webm", "video/webm"}, {"mkv", "video/x-matroska"},
    {"mka", "audio/x-matroska"}, {"ogg", "audio/ogg"},   {"oga", "audio/ogg"},
    {"opus", "audio/ogg"},       {"ogv", "video/ogg"},   {"wav", "audio/wav"},
    {"flac", "audio/flac"},      {"aac", "audio/aac"},   {"mov", "video/quicktime"},
};

const char *http_media_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof media_types / sizeof media_types[0]; i++)
			if (strcasecmp(dot + 1, media_types[i].ext) == 0)
				return media_types[i].type;
	return "application/octet-stream";
}

http_media_cache *http_media_cache_new(size_t slots)
{
	http_media_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->count = slots ? slots : 1;
	c->slots = calloc(c->count, sizeof *c->slots);
	if (!c->slots || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->slots);
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < c->count; i++)
		c->slots[i].fd = -1;
	return c;
}

static void entry_clear(entry *e)
{
	if (e->fd >= 0)
		close(e->fd);
	free(e->path);
	*e = (entry){.fd = -1};
}

void http_media_cache_free(http_media_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++)
		entry_clear(&c->slots[i]);
	pthread_mutex_destroy(&c->lock);
	free(c->slots);
	free(c);
}

static entry *find(http_media_cache *c, const char *id)
{
	for (size_t i = 0; i < c->count; i++)
		if (c->slots[i].id[0] && strcmp(c->slots[i].id, id) == 0)
			return &c->slots[i];
	return NULL;
}

static bool same_file(const struct stat *st, dev_t dev, ino_t ino, off_t size, struct timespec mtim)
{
	return S_ISREG(st->st_mode) && st->st_dev == dev && st->st_ino == ino &&
	       st->st_size == size && st->st_mtim.tv_sec == mtim.tv_sec &&
	       st->st_mtim.tv_nsec == mtim.tv_nsec;
}

bool http_media_cache_get(http_media_cache *c, const char *id, const char *uuid,
                          unsigned long long revision, http_media_file *out)
{
	char path[PATH_MAX];
	dev_t dev = 0;
	ino_t ino = 0;
	off_t size = 0;
	struct timespec mtim = {0, 0};
	int fd = -1;
	/* Under the lock only what is in memory and a dup, so that the fd
	 * cannot be closed by an eviction between the two. */
	pthread_mutex_lock(&c->lock);
	entry *e = find(c, id);
	if (e && e->revision == revision && strcmp(e->uuid, uuid) == 0) {
		fd = fcntl(e->fd, F_DUPFD_CLOEXEC, 0);
		if (fd >= 0) {
			memcpy(path, e->path, strlen(e->path) + 1);
			dev = e->dev;
			ino = e->ino;
			size = e->size;
			mtim = e->mtim;
			*out = e->file;
			e->used = ++c->tick;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (fd < 0)
		return false;
	/* The path, not the fd: a file replaced by a rename leaves the fd on
	 * the old one. */
	struct stat st;
	if (stat(path, &st) != 0 || !same_file(&st, dev, ino, size, mtim)) {
		close(fd);
		return false;
	}
	out->fd = fd;
	return true;
}

/* Nanoseconds since the epoch of the file's modification. */
static unsigned long long mtime_ns(const struct stat *st)
{
	return (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
	       (unsigned long long)st->st_mtim.tv_nsec;
}

static void validators(const char *path, int fd, const struct stat *st, http_media_file *out)
{
	out->fd = fd;
	out->size = (uint64_t)st->st_size;
	out->mtime = st->st_mtim.tv_sec;
	snprintf(out->etag, sizeof out->etag, "\"%" PRIx64 "-%llx-%llx\"", out->size, mtime_ns(st),
	         (unsigned long long)st->st_ino);
	http_date_format(st->st_mtim.tv_sec, out->modified);
	out->type = http_media_type(path);
}

/* The slot for id: its own, a free one, or the least recently used. */
static entry *slot_for(http_media_cache *c, const char *id)
{
	entry *e = find(c, id);
	for (size_t i = 0; !e && i < c->count; i++)
		if (!c->slots[i].id[0])
			e = &c->slots[i];
	if (e)
		return e;
	e = &c->slots[0];
	for (size_t i = 1; i < c->count; i++)
		if (c->slots[i].used < e->used)
			e = &c->slots[i];
	return e;
}

void http_media_cache_put(http_media_cache *c, const char *id, const char *uuid,
                          unsigned long long revision, const char *path, int fd,
                          const struct stat *st, http_media_file *out)
{
	validators(path, fd, st, out);
	if (strlen(id) > RECORDING_ID_MAX || strlen(uuid) > QX_UUID_LEN || strlen(path) >= PATH_MAX)
		return;
	int keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	char *copy = keep >= 0 ? strdup(path) : NULL;
	if (!copy) {
		if (keep >= 0)
			close(keep);
		return;
	}
	pthread_mutex_lock(&c->lock);
	entry *e = slot_for(c, id);
	entry_clear(e);
	memcpy(e->id, id, strlen(id) + 1);
	memcpy(e->uuid, uuid, strlen(uuid) + 1);
	e->revision = revision;
	e->path = copy;
	e->fd = keep;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->size = st->st_size;
	e->mtim = st->st_mtim;
	e->file = *out;
	e->file.fd = -1;
	e->used = ++c->tick;
	pthread_mutex_unlock(&c->lock);
}
