#include "tus_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "archive.h"
#include "errmsg.h"
#include "file_io.h"
#include "fs_ops.h"
#include "path.h"

/* An info file is a few hundred bytes plus the metadata, which the
 * server's header limit bounds far below this; anything bigger is not
 * ours. */
#define INFO_MAX (4u << 20)

struct tus_store {
	char *dir; /* owned */
	int dir_fd;
	char errmsg[512];
};

struct tus_append {
	tus_store *store; /* borrowed: the store outlives its appends */
	char id[TUS_ID_LEN + 1];
	char *path; /* owned: the data file */
	int fd;     /* the data file, locked */
	uint64_t offset;
	tus_info info;
};

const char *tus_status_str(tus_status status)
{
	switch (status) {
	case TUS_OK:
		return "ok";
	case TUS_NOT_FOUND:
		return "no such upload";
	case TUS_GONE:
		return "the upload is over";
	case TUS_CONFLICT:
		return "the offset does not match";
	case TUS_LOCKED:
		return "the upload is busy";
	case TUS_TOO_LONG:
		return "more bytes than the upload's length";
	case TUS_IO:
		return "a file operation failed";
	case TUS_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

void tus_info_clear(tus_info *info)
{
	if (!info)
		return;
	free(info->metadata);
	free(info->owner);
	free(info->recording);
	free(info->error);
	*info = (tus_info)TUS_INFO_INIT;
}

static tus_status fail(tus_store *s, tus_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static tus_status fail(tus_store *s, tus_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
	va_end(ap);
	return status;
}

/* An errno value as a status: ENOMEM is ours to report as such, the rest
 * is I/O. */
static tus_status io_fail(tus_store *s, int errnum, const char *what, const char *path)
{
	char why[ERRMSG_WHY_SIZE];
	return fail(s, errnum == ENOMEM ? TUS_NOMEM : TUS_IO, "%s %s: %s", what, path,
	            errmsg_strerror(errnum, why, sizeof why));
}

bool tus_id_valid(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (i == TUS_ID_LEN ||
		    !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == TUS_ID_LEN;
}

/* "<dir>/<id><ext>"; caller frees; NULL when out of memory. */
static char *upload_path(const tus_store *s, const char *id, const char *ext)
{
	size_t n = strlen(s->dir) + 1 + strlen(id) + strlen(ext) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s%s", s->dir, id, ext);
	return p;
}

/* A directory's entries are made durable by fsync of the directory
 * (fsync(2): syncing the file does not sync its name). */
static tus_status sync_dir(tus_store *s)
{
	int e = fs_sync_dir(s->dir_fd, s->dir);
	return e ? io_fail(s, e, "cannot sync", s->dir) : TUS_OK;
}

static tus_status make_dir(tus_store *s, const char *path)
{
	struct stat st;
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return io_fail(s, errno, "cannot make", path);
	if (stat(path, &st) != 0)
		return io_fail(s, errno, "cannot read", path);
	if (!S_ISDIR(st.st_mode))
		return fail(s, TUS_IO, "%s: not a directory", path);
	return TUS_OK;
}

tus_status tus_store_open(const char *archive_dir, tus_store **out, char **errmsg)
{
	tus_status rc = TUS_NOMEM;
	char *state = NULL, *uploads = NULL;
	*out = NULL;
	*errmsg = NULL;
	tus_store *s = calloc(1, sizeof *s);
	if (!s)
		return TUS_NOMEM;
	s->dir_fd = -1;
	/* randombytes_buf works without it, but libsodium asks for it once
	 * before use; it is cheap and thread-safe after the first call. */
	if (sodium_init() < 0) {
		rc = fail(s, TUS_IO, "libsodium could not be initialised");
		goto out;
	}
	archive_status as = archive_state_dir(archive_dir, &state);
	if (as == ARCHIVE_NOMEM)
		goto out;
	if (as != ARCHIVE_OK) {
		char why[ERRMSG_WHY_SIZE];
		rc = fail(s, TUS_IO, "cannot make %s/%s: %s", archive_dir, ARCHIVE_STATE_NAME,
		          errmsg_strerror(errno, why, sizeof why));
		goto out;
	}
	if (!(uploads = path_join(state, "uploads")) || !(s->dir = path_join(state, TUS_STORE_DIR)))
		goto out;
	if ((rc = make_dir(s, uploads)) != TUS_OK || (rc = make_dir(s, s->dir)) != TUS_OK)
		goto out;
	s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0) {
		rc = io_fail(s, errno, "cannot open", s->dir);
		goto out;
	}
	rc = TUS_OK;
out:
	free(state);
	free(uploads);
	if (rc != TUS_OK) {
		*errmsg = strdup(s->errmsg[0] ? s->errmsg : tus_status_str(rc));
		tus_store_close(s);
		return rc;
	}
	*out = s;
	return TUS_OK;
}

void tus_store_close(tus_store *s)
{
	if (!s)
		return;
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	free(s->dir);
	free(s);
}

const char *tus_store_errmsg(const tus_store *s)
{
	return s->errmsg;
}

const char *tus_store_dir(const tus_store *s)
{
	return s->dir;
}

/* ---- the info file ---- */

static tus_status read_info(tus_store *s, const char *id, tus_info *info)
{
	tus_status rc = TUS_NOMEM;
	char *path = upload_path(s, id, ".info"), *text = NULL;
	size_t got = 0;
	json_t *root = NULL;
	*info = (tus_info)TUS_INFO_INIT;
	if (!path)
		goto out;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int e = fd < 0 ? errno : file_read_fd(fd, INFO_MAX, &text, &got);
	if (fd >= 0)
		close(fd);
	if (e) {
		rc = e == ENOENT  ? fail(s, TUS_NOT_FOUND, "no upload %s", id)
		     : e == EFBIG ? fail(s, TUS_IO, "%s: too large to be an upload's info", path)
		                  : io_fail(s, e, "cannot read", path);
		goto out;
	}
	json_error_t jerr;
	root = json_loadb(text, got, JSON_REJECT_DUPLICATES, &jerr);
	json_t *length = json_object_get(root, "length");
	json_t *metadata = json_object_get(root, "metadata");
	json_t *owner = json_object_get(root, "owner");
	json_t *created = json_object_get(root, "created");
	json_t *recording = json_object_get(root, "recording");
	json_t *error = json_object_get(root, "error");
	if (!json_is_object(root) || !json_is_integer(length) || json_integer_value(length) < 0 ||
	    !json_is_string(metadata) || !json_is_string(owner) || !json_is_integer(created) ||
	    (recording && !json_is_string(recording)) || (error && !json_is_string(error))) {
		rc = fail(s, TUS_IO, "%s: not an upload's info (damaged?)", path);
		goto out;
	}
	info->length = (uint64_t)json_integer_value(length);
	info->created = (int64_t)json_integer_value(created);
	if (!(info->metadata = strdup(json_string_value(metadata))) ||
	    !(info->owner = strdup(json_string_value(owner))) ||
	    (recording && !(info->recording = strdup(json_string_value(recording)))) ||
	    (error && !(info->error = strdup(json_string_value(error)))))
		goto out;
	info->state = recording ? TUS_STATE_FINISHED
	              : error   ? TUS_STATE_FAILED
	                        : TUS_STATE_UPLOADING;
	rc = TUS_OK;
out:
	if (rc == TUS_NOMEM)
		fail(s, TUS_NOMEM, "out of memory");
	if (rc != TUS_OK)
		tus_info_clear(info);
	json_decref(root);
	free(text);
	free(path);
	return rc;
}

/* Replace <id>.info with info, atomically (fs_replace_file_at), then
 * fsync the folder: a crash leaves the old info or the new one, never
 * half. The temp file's name is not an upload's, so expiry takes one a
 * crash left behind for a stray. */
static tus_status write_info(tus_store *s, const char *id, const tus_info *info)
{
	tus_status rc = TUS_NOMEM;
	char *text = NULL, *path = upload_path(s, id, ".info");
	char name[TUS_ID_LEN + sizeof ".info"];
	json_t *o = json_object();
	if (!o || !path ||
	    json_object_set_new(o, "length", json_integer((json_int_t)info->length)) ||
	    json_object_set_new(o, "metadata", json_string(info->metadata ? info->metadata : "")) ||
	    json_object_set_new(o, "owner", json_string(info->owner ? info->owner : "")) ||
	    json_object_set_new(o, "created", json_integer((json_int_t)info->created)) ||
	    (info->recording &&
	     json_object_set_new(o, "recording", json_string(info->recording))) ||
	    (info->error && json_object_set_new(o, "error", json_string(info->error))))
		goto out;
	if (!(text = json_dumps(o, JSON_COMPACT)))
		goto out;
	size_t n = strlen(text);
	char *line = realloc(text, n + 2);
	if (!line)
		goto out;
	text = line;
	memcpy(text + n, "\n", 2);
	snprintf(name, sizeof name, "%s.info", id);
	int e = fs_replace_file_at(s->dir_fd, name, text, n + 1, 0600, false);
	rc = e ? io_fail(s, e, "cannot write", path) : sync_dir(s);
out:
	if (rc == TUS_NOMEM)
		fail(s, TUS_NOMEM, "out of memory");
	json_decref(o);
	free(text);
	free(path);
	return rc;
}

/* ---- uploads ---- */

tus_status tus_store_create(tus_store *s, uint64_t length, const char *metadata, const char *owner,
                            char id[TUS_ID_LEN + 1])
{
	id[0] = '\0';
	if (length > INT64_MAX)
		return fail(s, TUS_TOO_LONG, "a length of %llu bytes is past what we can store",
		            (unsigned long long)length);
	char *data = NULL;
	tus_status rc = TUS_IO;
	/* 128 random bits never collide in practice; O_EXCL makes sure. */
	for (int attempt = 0; attempt < 3 && rc != TUS_OK; attempt++) {
		unsigned char raw[TUS_ID_LEN / 2];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(id, TUS_ID_LEN + 1, raw, sizeof raw);
		free(data);
		if (!(data = upload_path(s, id, ".data")))
			return fail(s, TUS_NOMEM, "out of memory");
		/* The data file first: a crash before the info is written leaves a
		 * stray data file that expiry removes, never an info without data. */
		int fd = open(data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			rc = io_fail(s, errno, "cannot make", data);
			if (errno != EEXIST)
				break;
			continue;
		}
		close(fd);
		rc = TUS_OK;
	}
	if (rc != TUS_OK) {
		free(data);
		id[0] = '\0';
		return rc;
	}
	tus_info info = {.length = length,
	                 .metadata = (char *)(metadata ? metadata : ""),
	                 .owner = (char *)(owner ? owner : ""),
	                 .created = (int64_t)time(NULL)};
	rc = write_info(s, id, &info);
	if (rc != TUS_OK) {
		unlink(data);
		id[0] = '\0';
	}
	free(data);
	return rc;
}

/* The offset an uploading upload reports for a data file of size bytes:
 * its size, but never the last byte (see "the last byte" in the header). */
static uint64_t reported_offset(const tus_info *info, uint64_t size)
{
	if (info->length == 0)
		return 0;
	return size >= info->length ? info->length - 1 : size;
}

/* The status for an upload whose data file is not there (info read into
 * *info by the caller, or NOT_FOUND). */
static tus_status without_data(tus_store *s, const char *id, tus_info *info)
{
	switch (info->state) {
	case TUS_STATE_FINISHED:
		return fail(s, TUS_GONE, "upload %s is complete: it became recording %s", id,
		            info->recording);
	case TUS_STATE_FAILED:
		return fail(s, TUS_GONE, "upload %s failed: %s", id, info->error);
	case TUS_STATE_UPLOADING:
		break;
	}
	return fail(s, TUS_GONE,
	            "upload %s lost its data (the server stopped while it became a "
	            "recording?); start a new upload",
	            id);
}

tus_status tus_store_info(tus_store *s, const char *id, tus_info *info)
{
	*info = (tus_info)TUS_INFO_INIT;
	if (!tus_id_valid(id))
		return fail(s, TUS_NOT_FOUND, "not an upload id");
	tus_status rc = read_info(s, id, info);
	if (rc != TUS_OK)
		return rc;
	switch (info->state) {
	case TUS_STATE_FINISHED:
		info->offset = info->length;
		return TUS_OK;
	case TUS_STATE_FAILED:
		info->offset = 0;
		return TUS_OK;
	case TUS_STATE_UPLOADING:
		break;
	}
	char *data = upload_path(s, id, ".data");
	if (!data) {
		tus_info_clear(info);
		return fail(s, TUS_NOMEM, "out of memory");
	}
	struct stat st;
	if (stat(data, &st) != 0) {
		rc = errno == ENOENT ? without_data(s, id, info)
		                     : io_fail(s, errno, "cannot read", data);
		free(data);
		tus_info_clear(info);
		return rc;
	}
	free(data);
	info->offset = reported_offset(info, (uint64_t)st.st_size);
	return TUS_OK;
}

/* Open and lock <id>.data (flock on the open file: a second open of the
 * same file, in this process or another, is refused). Returns TUS_OK with
 * *fd and *st (the locked file's); TUS_NOT_FOUND when there is no data
 * file (or it was replaced or removed while we waited: whoever held the
 * lock ended the upload); TUS_LOCKED; TUS_IO. */
static tus_status open_locked(tus_store *s, const char *path, int flags, int *fd, struct stat *st)
{
	*fd = open(path, flags | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? TUS_NOT_FOUND : io_fail(s, errno, "cannot open", path);
	tus_status rc = TUS_OK;
	struct stat now;
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		rc = errno == EWOULDBLOCK ? fail(s, TUS_LOCKED,
		                                 "the upload is busy: another request is writing "
		                                 "to it; try again")
		                          : io_fail(s, errno, "cannot lock", path);
	else if (fstat(*fd, st) != 0)
		rc = io_fail(s, errno, "cannot read", path);
	else if (stat(path, &now) != 0 || now.st_ino != st->st_ino || now.st_dev != st->st_dev)
		rc = TUS_NOT_FOUND; /* ended by the lock's last holder */
	if (rc != TUS_OK) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

tus_status tus_store_append_open(tus_store *s, const char *id, uint64_t offset, tus_append **out)
{
	*out = NULL;
	if (!tus_id_valid(id))
		return fail(s, TUS_NOT_FOUND, "not an upload id");
	tus_append *a = calloc(1, sizeof *a);
	if (!a || !(a->path = upload_path(s, id, ".data"))) {
		free(a);
		return fail(s, TUS_NOMEM, "out of memory");
	}
	a->store = s;
	a->fd = -1;
	memcpy(a->id, id, TUS_ID_LEN + 1);
	struct stat st;
	tus_status rc = open_locked(s, a->path, O_WRONLY | O_APPEND, &a->fd, &st);
	if (rc == TUS_NOT_FOUND) {
		/* No data file: over, lost, or no such upload. */
		rc = read_info(s, id, &a->info);
		if (rc == TUS_OK)
			rc = without_data(s, id, &a->info);
		goto out;
	}
	if (rc != TUS_OK)
		goto out;
	/* Read the info under the lock: the last holder may have ended the
	 * upload (then the info says so) or terminated it (then it is gone;
	 * the data file we hold is about to go too). */
	if ((rc = read_info(s, id, &a->info)) != TUS_OK)
		goto out;
	if (a->info.state != TUS_STATE_UPLOADING) {
		rc = without_data(s, id, &a->info);
		goto out;
	}
	uint64_t size = (uint64_t)st.st_size;
	a->offset = reported_offset(&a->info, size);
	a->info.offset = a->offset;
	if (offset != a->offset) {
		rc = fail(s, TUS_CONFLICT, "Upload-Offset %llu is not the upload's offset %llu",
		          (unsigned long long)offset, (unsigned long long)a->offset);
		goto out;
	}
	/* The last byte is sent again: drop the copy we hold (see "the last
	 * byte" in the header). */
	if (size > a->offset && ftruncate(a->fd, (off_t)a->offset) != 0) {
		rc = io_fail(s, errno, "cannot truncate", a->path);
		goto out;
	}
	rc = TUS_OK;
out:
	if (rc != TUS_OK) {
		tus_append_close(a);
		return rc;
	}
	*out = a;
	return TUS_OK;
}

const tus_info *tus_append_info(const tus_append *a)
{
	return &a->info;
}

uint64_t tus_append_offset(const tus_append *a)
{
	return a->offset;
}

const char *tus_append_data_path(const tus_append *a)
{
	return a->path;
}

tus_status tus_append_write(tus_append *a, const void *buf, size_t len)
{
	if (len > a->info.length - a->offset)
		return fail(a->store, TUS_TOO_LONG,
		            "the bytes go past the upload's length of %llu (at offset %llu, %zu "
		            "more)",
		            (unsigned long long)a->info.length, (unsigned long long)a->offset, len);
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(a->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return io_fail(a->store, errno, "cannot write", a->path);
		p += w;
		len -= (size_t)w;
		a->offset += (uint64_t)w;
	}
	return TUS_OK;
}

tus_status tus_append_sync(tus_append *a)
{
	if (fsync(a->fd) != 0)
		return io_fail(a->store, errno, "cannot sync", a->path);
	return TUS_OK;
}

/* Record how the upload ended, then remove its data file (ENOENT: the
 * commit moved it into the archive). In this order, a crash in between
 * leaves an ended upload with a stray data file, never a live upload
 * without one. */
static tus_status end_upload(tus_append *a, char **field, const char *value)
{
	tus_store *s = a->store;
	char *copy = strdup(value);
	if (!copy)
		return fail(s, TUS_NOMEM, "out of memory");
	free(*field);
	*field = copy;
	tus_status rc = write_info(s, a->id, &a->info);
	if (rc != TUS_OK)
		return rc;
	if (unlink(a->path) != 0 && errno != ENOENT)
		return io_fail(s, errno, "cannot remove", a->path);
	return sync_dir(s);
}

tus_status tus_append_finish(tus_append *a, const char *recording)
{
	tus_status rc = end_upload(a, &a->info.recording, recording);
	if (rc == TUS_OK) {
		a->info.state = TUS_STATE_FINISHED;
		a->info.offset = a->info.length;
	}
	return rc;
}

tus_status tus_append_fail(tus_append *a, const char *error)
{
	tus_status rc = end_upload(a, &a->info.error, error);
	if (rc == TUS_OK) {
		a->info.state = TUS_STATE_FAILED;
		a->info.offset = 0;
	}
	return rc;
}

void tus_append_close(tus_append *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd); /* drops the flock */
	tus_info_clear(&a->info);
	free(a->path);
	free(a);
}

/* Remove <id>.info and <id>.data, holding the data file's lock when there
 * is one. The info goes first: from then on the upload does not exist,
 * and a data file left by a crash is a stray that expiry removes. */
static tus_status remove_upload(tus_store *s, const char *id)
{
	char *info = upload_path(s, id, ".info"), *data = upload_path(s, id, ".data");
	tus_status rc = TUS_NOMEM;
	int fd = -1;
	struct stat st;
	if (!info || !data) {
		fail(s, TUS_NOMEM, "out of memory");
		goto out;
	}
	rc = open_locked(s, data, O_RDONLY, &fd, &st);
	if (rc != TUS_OK && rc != TUS_NOT_FOUND)
		goto out;
	bool had_data = rc == TUS_OK;
	rc = TUS_OK;
	if (unlink(info) != 0) {
		if (errno != ENOENT) {
			rc = io_fail(s, errno, "cannot remove", info);
			goto out;
		}
		if (!had_data) {
			rc = fail(s, TUS_NOT_FOUND, "no upload %s", id);
			goto out;
		}
	}
	if (had_data && unlink(data) != 0 && errno != ENOENT) {
		rc = io_fail(s, errno, "cannot remove", data);
		goto out;
	}
	rc = sync_dir(s);
out:
	if (fd >= 0)
		close(fd);
	free(info);
	free(data);
	return rc;
}

tus_status tus_store_terminate(tus_store *s, const char *id)
{
	if (!tus_id_valid(id))
		return fail(s, TUS_NOT_FOUND, "not an upload id");
	return remove_upload(s, id);
}

/* ---- expiry ---- */

/* Whether name is "<id><ext>", with the id copied to id. */
static bool upload_file(const char *name, const char *ext, char id[TUS_ID_LEN + 1])
{
	size_t n = strlen(name);
	if (n != TUS_ID_LEN + strlen(ext) || strcmp(name + TUS_ID_LEN, ext) != 0)
		return false;
	memcpy(id, name, TUS_ID_LEN);
	id[TUS_ID_LEN] = '\0';
	return tus_id_valid(id);
}

static int64_t mtime_of(const char *path, bool *exists)
{
	struct stat st;
	*exists = lstat(path, &st) == 0;
	return *exists ? (int64_t)st.st_mtime : INT64_MIN;
}

/* The names in the store's folder (so that removing entries does not
 * disturb the listing). */
static tus_status list_dir(tus_store *s, char ***names, size_t *count)
{
	*names = NULL;
	*count = 0;
	DIR *d = opendir(s->dir);
	if (!d)
		return io_fail(s, errno, "cannot read", s->dir);
	size_t cap = 0;
	tus_status rc = TUS_OK;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (*count == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **more = realloc(*names, ncap * sizeof *more);
			if (!more) {
				rc = fail(s, TUS_NOMEM, "out of memory");
				break;
			}
			*names = more;
			cap = ncap;
		}
		if (!((*names)[*count] = strdup(e->d_name))) {
			rc = fail(s, TUS_NOMEM, "out of memory");
			break;
		}
		(*count)++;
	}
	closedir(d);
	return rc;
}

tus_status tus_store_expire(tus_store *s, int64_t now, int64_t max_age_unfinished,
                            int64_t max_age_over, size_t *removed)
{
	if (removed)
		*removed = 0;
	char **names = NULL;
	size_t count = 0;
	tus_status rc = list_dir(s, &names, &count);
	for (size_t i = 0; rc == TUS_OK && i < count; i++) {
		char id[TUS_ID_LEN + 1];
		char *path = path_join(s->dir, names[i]);
		if (!path) {
			rc = fail(s, TUS_NOMEM, "out of memory");
			break;
		}
		bool exists;
		int64_t mtime = mtime_of(path, &exists);
		if (upload_file(names[i], ".info", id)) {
			/* An upload: idle since its last change to either file. */
			char *data = upload_path(s, id, ".data");
			bool has_data = false;
			int64_t data_mtime = data ? mtime_of(data, &has_data) : INT64_MIN;
			free(data);
			if (data_mtime > mtime)
				mtime = data_mtime;
			tus_info info;
			tus_status st = read_info(s, id, &info);
			bool over = st != TUS_OK || info.state != TUS_STATE_UPLOADING;
			tus_info_clear(&info);
			if (st == TUS_NOT_FOUND) { /* removed meanwhile */
				free(path);
				continue;
			}
			int64_t max_age = over ? max_age_over : max_age_unfinished;
			if (exists && now - mtime >= max_age && remove_upload(s, id) == TUS_OK &&
			    removed)
				(*removed)++;
		} else if (exists && now - mtime >= max_age_over) {
			/* A stray: a data file whose info is gone (a crash during
			 * create or remove), an interrupted info write, or anything
			 * else. A data file may be locked by an append that is
			 * still running: leave that one. */
			int fd = -1;
			struct stat st;
			bool data = upload_file(names[i], ".data", id);
			char *info = data ? upload_path(s, id, ".info") : NULL;
			bool has_info = false;
			if (info)
				mtime_of(info, &has_info);
			free(info);
			if (!has_info &&
			    (!data || open_locked(s, path, O_RDONLY, &fd, &st) == TUS_OK))
				unlink(path);
			if (fd >= 0)
				close(fd);
		}
		free(path);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}
