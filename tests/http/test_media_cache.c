/* media_cache: an entry is used only for the same index version and the
 * same file (dev, ino, size, mtime) at its path; the cache holds at most
 * its slots, the least recently used going first; what a request gets is a
 * dup of its own. Files under a fresh folder in $TMPDIR. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "media_cache.h"

static char dir[512];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Open path and put it into c as id under version (uuid, rev). */
static void put(http_media_cache *c, const char *id, const char *uuid, unsigned long long rev,
                const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	http_media_file f;
	http_media_cache_put(c, id, uuid, rev, path, fd, &st, &f);
	CHECK(f.fd == fd && f.size == (uint64_t)st.st_size && f.etag[0] == '"');
	close(fd);
}

/* Does c give id for (uuid, rev)? Then *first is the file's first byte. */
static bool get(http_media_cache *c, const char *id, const char *uuid, unsigned long long rev,
                char *first, http_media_file *f)
{
	if (!http_media_cache_get(c, id, uuid, rev, f))
		return false;
	bool read_ok = pread(f->fd, first, 1, 0) == 1;
	close(f->fd);
	return read_ok;
}

static void test_version_and_file(void)
{
	char a[600], b[600], moved[600];
	snprintf(a, sizeof a, "%s/a.mp4", dir);
	snprintf(b, sizeof b, "%s/b.mp4", dir);
	snprintf(moved, sizeof moved, "%s/new.mp4", dir);
	write_file(a, "AAAA");
	write_file(b, "BBBBBB");
	http_media_cache *c = http_media_cache_new(4);
	CHECK(c != NULL);
	http_media_file f;
	char first = 0;
	CHECK(!get(c, "a", "u1", 1, &first, &f)); /* nothing yet */
	put(c, "a", "u1", 1, a);
	CHECK(get(c, "a", "u1", 1, &first, &f) && first == 'A' && f.size == 4);
	CHECK(strcmp(f.type, "video/mp4") == 0);
	char etag[80];
	memcpy(etag, f.etag, sizeof etag);
	CHECK(!get(c, "a", "u1", 2, &first, &f)); /* a newer revision */
	CHECK(!get(c, "a", "u2", 1, &first, &f)); /* another database */
	CHECK(!get(c, "b", "u1", 1, &first, &f)); /* another recording */
	/* Replaced by a rename: the same path, another inode. */
	write_file(moved, "ZZZZ");
	CHECK(rename(moved, a) == 0);
	CHECK(!get(c, "a", "u1", 1, &first, &f));
	put(c, "a", "u1", 1, a);
	CHECK(get(c, "a", "u1", 1, &first, &f) && first == 'Z' && strcmp(f.etag, etag) != 0);
	/* Grown in place. */
	FILE *grow = fopen(a, "ab");
	CHECK(grow != NULL);
	if (grow) {
		fputs("more", grow);
		fclose(grow);
	}
	CHECK(!get(c, "a", "u1", 1, &first, &f));
	/* Removed. */
	put(c, "a", "u1", 1, a);
	CHECK(unlink(a) == 0);
	CHECK(!get(c, "a", "u1", 1, &first, &f));
	unlink(b);
	http_media_cache_free(c);
}

static void test_bounded(void)
{
	http_media_cache *c = http_media_cache_new(2);
	char path[3][600];
	const char *ids[3] = {"r0", "r1", "r2"};
	for (int i = 0; i < 3; i++) {
		snprintf(path[i], sizeof path[i], "%s/m%d.webm", dir, i);
		write_file(path[i], "x");
	}
	http_media_file f;
	char first;
	put(c, ids[0], "u", 1, path[0]);
	put(c, ids[1], "u", 1, path[1]);
	CHECK(get(c, ids[0], "u", 1, &first, &f)); /* r0 is now the most recent */
	CHECK(strcmp(f.type, "video/webm") == 0);
	put(c, ids[2], "u", 1, path[2]); /* r1 goes */
	CHECK(get(c, ids[0], "u", 1, &first, &f));
	CHECK(!get(c, ids[1], "u", 1, &first, &f));
	CHECK(get(c, ids[2], "u", 1, &first, &f));
	/* A dup outlives its entry: evicting closes only the cache's fd. */
	CHECK(http_media_cache_get(c, ids[0], "u", 1, &f));
	put(c, ids[1], "u", 1, path[1]);
	put(c, "r3", "u", 1, path[1]);
	CHECK(!http_media_cache_get(c, ids[0], "u", 1, &(http_media_file){0}));
	CHECK(pread(f.fd, &first, 1, 0) == 1 && first == 'x');
	close(f.fd);
	http_media_cache_free(c);
	for (int i = 0; i < 3; i++)
		unlink(path[i]);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/qa-media-cache-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_version_and_file);
	RUN(test_bounded);
	rmdir(dir);
	return harness_finish();
}
