#include "archive.h"

#include "errmsg.h"
#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *archive_status_str(archive_status status)
{
	switch (status) {
	case ARCHIVE_OK:
		return "ok";
	case ARCHIVE_NOT_FOUND:
		return "no such archive directory";
	case ARCHIVE_IO:
		return "cannot read the archive";
	case ARCHIVE_NOMEM:
		return "out of memory";
	case ARCHIVE_INTERNAL:
		return "internal error";
	}
	return "unknown status";
}

/* "<path>: <strerror>" in err, and the status errnum maps to. */
static archive_status io_error(int errnum, const char *path, char *err, size_t errlen)
{
	errmsg_set_errno(err, errlen, path, errnum);
	return errnum == ENOMEM ? ARCHIVE_NOMEM : ARCHIVE_IO;
}

archive_status archive_resolve_dir(const char *flag_value, char **out)
{
	const char *env = getenv(ARCHIVE_ENV);
	const char *dir = flag_value && flag_value[0] ? flag_value
	                  : env && env[0]             ? env
	                                              : ARCHIVE_DEFAULT_DIR;
	*out = strdup(dir);
	return *out ? ARCHIVE_OK : ARCHIVE_NOMEM;
}

/* A growable array of owned names. */
typedef struct name_list {
	char **items;
	size_t count;
	size_t cap;
} name_list;

static void names_free(name_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}

static bool names_add(name_list *l, const char *name)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **grown =
		    cap > SIZE_MAX / sizeof *grown ? NULL : realloc(l->items, cap * sizeof *grown);
		if (!grown)
			return false;
		l->items = grown;
		l->cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return false;
	l->items[l->count++] = copy;
	return true;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Byte order, not the locale's collation: the same archive lists (and
 * fingerprints) the same everywhere. */
static void names_sort(name_list *l)
{
	if (l->count > 1)
		qsort(l->items, l->count, sizeof *l->items, compare_names);
}

/* The names in dir for which keep(name) holds, sorted. ENOENT and ENOTDIR
 * come back as ARCHIVE_NOT_FOUND without a message, for the caller to word. */
static archive_status read_names(const char *dir, bool (*keep)(const char *), name_list *out,
                                 char *err, size_t errlen)
{
	archive_status st = ARCHIVE_OK;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ARCHIVE_NOT_FOUND;
		return io_error(errno, dir, err, errlen);
	}
	for (;;) {
		errno = 0;
		struct dirent *ent = readdir(d);
		if (!ent) {
			if (errno != 0)
				st = io_error(errno, dir, err, errlen);
			break;
		}
		if (keep(ent->d_name) && !names_add(out, ent->d_name)) {
			st = ARCHIVE_NOMEM;
			break;
		}
	}
	closedir(d);
	if (st != ARCHIVE_OK)
		names_free(out);
	else
		names_sort(out);
	return st;
}

static bool not_hidden(const char *name)
{
	return name[0] != '.';
}

static archive_status not_found(int errnum, const char *dir, const char *what, char *err,
                                size_t errlen)
{
	errmsg_set(err, errlen, "%s: %s", dir, errnum == ENOTDIR ? "not a directory" : what);
	return ARCHIVE_NOT_FOUND;
}

void archive_listing_free(archive_listing *listing)
{
	if (!listing)
		return;
	for (size_t i = 0; i < listing->recording_count; i++)
		free(listing->recordings[i]);
	free(listing->recordings);
	for (size_t i = 0; i < listing->ignored_count; i++)
		free(listing->ignored[i]);
	free(listing->ignored);
	archive_listing empty = ARCHIVE_LISTING_INIT;
	*listing = empty;
}

archive_status archive_list(const char *archive_dir, archive_listing *out, char *err, size_t errlen)
{
	archive_listing empty = ARCHIVE_LISTING_INIT;
	name_list all = {NULL, 0, 0}, recordings = {NULL, 0, 0}, ignored = {NULL, 0, 0};
	char *sub = NULL, *json = NULL;
	*out = empty;
	errmsg_set(err, errlen, "%s", "");

	struct stat st_dir;
	if (stat(archive_dir, &st_dir) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return not_found(errno, archive_dir, "no such archive directory", err,
			                 errlen);
		return io_error(errno, archive_dir, err, errlen);
	}
	if (!S_ISDIR(st_dir.st_mode))
		return not_found(ENOTDIR, archive_dir, "", err, errlen);

	archive_status st = read_names(archive_dir, not_hidden, &all, err, errlen);
	if (st == ARCHIVE_NOT_FOUND) /* removed since the stat */
		return not_found(ENOENT, archive_dir, "no such archive directory", err, errlen);
	if (st != ARCHIVE_OK)
		return st;
	/* `all` is sorted, so both lists come out sorted. */
	for (size_t i = 0; i < all.count; i++) {
		struct stat s;
		if (!(sub = path_join(archive_dir, all.items[i])) ||
		    !(json = path_join(sub, "recording.json"))) {
			st = ARCHIVE_NOMEM;
			goto out;
		}
		if (stat(sub, &s) != 0) {
			/* Gone since readdir, or a dangling symlink: nothing to list. */
			if (errno != ENOENT) {
				st = io_error(errno, sub, err, errlen);
				goto out;
			}
		} else if (S_ISDIR(s.st_mode)) {
			/* Only a sure absence makes a folder "ignored": any other failure
			 * (EACCES, ...) lists it, and loading it reports what is wrong. */
			bool has_json =
			    stat(json, &s) == 0 || (errno != ENOENT && errno != ENOTDIR);
			if (!names_add(has_json ? &recordings : &ignored, all.items[i])) {
				st = ARCHIVE_NOMEM;
				goto out;
			}
		}
		free(sub);
		free(json);
		sub = json = NULL;
	}
	out->recordings = recordings.items;
	out->recording_count = recordings.count;
	out->ignored = ignored.items;
	out->ignored_count = ignored.count;
	recordings = (name_list){NULL, 0, 0};
	ignored = (name_list){NULL, 0, 0};
out:
	if (st == ARCHIVE_NOMEM)
		errmsg_set(err, errlen, "out of memory");
	free(sub);
	free(json);
	names_free(&all);
	names_free(&recordings);
	names_free(&ignored);
	return st;
}

archive_status archive_state_dir(const char *archive_dir, char **out)
{
	*out = NULL;
	char *path = path_join(archive_dir, ARCHIVE_STATE_NAME);
	if (!path) {
		errno = ENOMEM;
		return ARCHIVE_NOMEM;
	}
	/* mkdir -p: each prefix ending before a '/', then the whole path.
	 * EEXIST is fine here; whether it is a directory is checked last. */
	for (char *p = path + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		int errnum = errno;
		*p = '/';
		if (rc != 0 && errnum != EEXIST) {
			free(path);
			errno = errnum;
			return ARCHIVE_IO;
		}
	}
	struct stat st;
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		int errnum = errno;
		free(path);
		errno = errnum;
		return ARCHIVE_IO;
	}
	int errnum = stat(path, &st) != 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
	if (errnum != 0) {
		free(path);
		errno = errnum;
		return ARCHIVE_IO;
	}
	*out = path;
	return ARCHIVE_OK;
}

/* The files the indexer reads (see recording_load_dir): their contents
 * count. */
static bool is_content_file(const char *name)
{
	return strcmp(name, "recording.json") == 0 || strcmp(name, "agenda.md") == 0 ||
	       strcmp(name, "notes.md") == 0 || strcmp(name, "qa.md") == 0 ||
	       strncmp(name, "transcript.", 11) == 0;
}

static bool is_media_file(const char *name)
{
	return strncmp(name, "media.", 6) == 0;
}

static bool fingerprinted(const char *name)
{
	return is_content_file(name) || is_media_file(name);
}

static void put_u64(crypto_generichash_state *h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	crypto_generichash_update(h, b, sizeof b);
}

/* BLAKE2b-256 of the file at path into digest, read in 64 KiB chunks.
 * O_NONBLOCK so that a FIFO put in place of a file cannot hang us; it is
 * then refused as not a regular file. */
static archive_status hash_content(const char *path, unsigned char digest[32], char *err,
                                   size_t errlen)
{
	static const size_t chunk = 64 * 1024;
	archive_status st = ARCHIVE_OK;
	unsigned char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return io_error(errno, path, err, errlen);
	struct stat s;
	if (fstat(fd, &s) != 0) {
		st = io_error(errno, path, err, errlen);
		goto out;
	}
	if (!S_ISREG(s.st_mode)) {
		errmsg_set(err, errlen, "%s: not a regular file", path);
		st = ARCHIVE_IO;
		goto out;
	}
	if (!(buf = malloc(chunk))) {
		st = ARCHIVE_NOMEM;
		errmsg_set(err, errlen, "out of memory");
		goto out;
	}
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	for (;;) {
		ssize_t n = read(fd, buf, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = io_error(errno, path, err, errlen);
			goto out;
		}
		if (n == 0)
			break;
		crypto_generichash_update(&h, buf, (unsigned long long)n);
	}
	crypto_generichash_final(&h, digest, 32);
out:
	free(buf);
	close(fd);
	return st;
}

archive_status archive_fingerprint(const char *recording_dir, char out[65], char *err,
                                   size_t errlen)
{
	/* Bump the version when the encoding below changes: every recording is
	 * then reindexed once, which is the safe direction. */
	static const char version[] = "qarchive-fingerprint-v1";
	name_list names = {NULL, 0, 0};
	char *path = NULL;
	out[0] = '\0';
	errmsg_set(err, errlen, "%s", "");
	if (sodium_init() < 0) {
		errmsg_set(err, errlen, "libsodium could not be initialised");
		return ARCHIVE_INTERNAL;
	}
	archive_status st = read_names(recording_dir, fingerprinted, &names, err, errlen);
	if (st == ARCHIVE_NOT_FOUND)
		return not_found(errno, recording_dir, "no such directory", err, errlen);
	if (st != ARCHIVE_OK)
		return st;

	/* The hashed stream is injective: a version string, then per file a tag
	 * byte, the name with its NUL (names hold no NUL), and a fixed-size
	 * record for that tag: 'F' a 32-byte digest of the content, 'M' size,
	 * mtime seconds and mtime nanoseconds as 8 bytes each. Files come in
	 * byte order of name. */
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const unsigned char *)version, sizeof version);
	for (size_t i = 0; i < names.count; i++) {
		const char *name = names.items[i];
		if (!(path = path_join(recording_dir, name))) {
			st = ARCHIVE_NOMEM;
			errmsg_set(err, errlen, "out of memory");
			goto out;
		}
		struct stat s;
		if (stat(path, &s) != 0) {
			st = io_error(errno, path, err, errlen);
			goto out;
		}
		/* Directories and the like are never read by the indexer (loading
		 * the recording rejects them), so they do not count. */
		if (S_ISREG(s.st_mode)) {
			bool content = is_content_file(name);
			crypto_generichash_update(&h, (const unsigned char *)(content ? "F" : "M"),
			                          1);
			crypto_generichash_update(&h, (const unsigned char *)name,
			                          strlen(name) + 1);
			if (content) {
				unsigned char digest[32];
				if ((st = hash_content(path, digest, err, errlen)) != ARCHIVE_OK)
					goto out;
				crypto_generichash_update(&h, digest, sizeof digest);
			} else {
				put_u64(&h, (uint64_t)s.st_size);
				put_u64(&h, (uint64_t)s.st_mtim.tv_sec);
				put_u64(&h, (uint64_t)s.st_mtim.tv_nsec);
			}
		}
		free(path);
		path = NULL;
	}
	unsigned char digest[32];
	crypto_generichash_final(&h, digest, sizeof digest);
	sodium_bin2hex(out, ARCHIVE_FINGERPRINT_HEX + 1, digest, sizeof digest);
out:
	if (st != ARCHIVE_OK)
		out[0] = '\0';
	free(path);
	names_free(&names);
	return st;
}
