/* An upload's <id>.data: the bytes so far, its flock while a request
 * appends, and the offset it reports (tus_store.h: "the last byte"). */
#include "tus_store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct tus_append {
	tus_store *store; /* borrowed: the store outlives its appends */
	char id[TUS_ID_LEN + 1];
	char *path;        /* owned: the data file */
	char *commit_path; /* owned: <id>.commit once made, else NULL */
	int fd;            /* the data file, locked */
	uint64_t offset;
	tus_info info;
};

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
		return tus_store_fail(s, TUS_GONE, "upload %s is complete: it became recording %s",
		                      id, info->recording);
	case TUS_STATE_FAILED:
		return tus_store_fail(s, TUS_GONE, "upload %s failed: %s", id, info->error);
	case TUS_STATE_UPLOADING:
		break;
	}
	return tus_store_fail(s, TUS_GONE,
	                      "upload %s lost its data (the server stopped while it became a "
	                      "recording?); start a new upload",
	                      id);
}

tus_status tus_store_info(tus_store *s, const char *id, tus_info *info)
{
	*info = (tus_info)TUS_INFO_INIT;
	if (!tus_id_valid(id))
		return tus_store_fail(s, TUS_NOT_FOUND, "not an upload id");
	tus_status rc = tus_info_file_read(s, id, info);
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
	char *data = tus_upload_path(s, id, ".data");
	if (!data) {
		tus_info_clear(info);
		return tus_store_fail(s, TUS_NOMEM, "out of memory");
	}
	struct stat st;
	if (stat(data, &st) != 0) {
		rc = errno == ENOENT ? without_data(s, id, info)
		                     : tus_store_fail_errno(s, errno, "cannot read", data);
		free(data);
		tus_info_clear(info);
		return rc;
	}
	free(data);
	info->offset = reported_offset(info, (uint64_t)st.st_size);
	return TUS_OK;
}

/* The lock is flock(2) on the open file, so the kernel drops it when the
 * holder dies; the stat after locking tells a file that was replaced or
 * removed while we waited. */
tus_status tus_data_lock(tus_store *s, const char *path, int flags, int *fd, struct stat *st)
{
	*fd = open(path, flags | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? TUS_NOT_FOUND
		                       : tus_store_fail_errno(s, errno, "cannot open", path);
	tus_status rc = TUS_OK;
	struct stat now;
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		rc = errno == EWOULDBLOCK
		         ? tus_store_fail(s, TUS_LOCKED,
		                          "the upload is busy: another request is writing "
		                          "to it; try again")
		         : tus_store_fail_errno(s, errno, "cannot lock", path);
	else if (fstat(*fd, st) != 0)
		rc = tus_store_fail_errno(s, errno, "cannot read", path);
	else if (stat(path, &now) != 0 || now.st_ino != st->st_ino || now.st_dev != st->st_dev)
		rc = TUS_NOT_FOUND; /* ended by the lock's last holder */
	if (rc != TUS_OK) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

/* Remove <id>.commit, if a commit left one. */
static void drop_commit_link(tus_store *s, const char *id)
{
	char name[TUS_ID_LEN + sizeof ".commit"];
	snprintf(name, sizeof name, "%s.commit", id);
	unlinkat(s->dir_fd, name, 0);
}

tus_status tus_store_append_open(tus_store *s, const char *id, uint64_t offset, tus_append **out)
{
	*out = NULL;
	if (!tus_id_valid(id))
		return tus_store_fail(s, TUS_NOT_FOUND, "not an upload id");
	tus_append *a = calloc(1, sizeof *a);
	if (!a || !(a->path = tus_upload_path(s, id, ".data"))) {
		free(a);
		return tus_store_fail(s, TUS_NOMEM, "out of memory");
	}
	a->store = s;
	a->fd = -1;
	memcpy(a->id, id, TUS_ID_LEN + 1);
	struct stat st;
	tus_status rc = tus_data_lock(s, a->path, O_WRONLY | O_APPEND, &a->fd, &st);
	if (rc == TUS_NOT_FOUND) {
		/* No data file: over, lost, or no such upload. */
		rc = tus_info_file_read(s, id, &a->info);
		if (rc == TUS_OK)
			rc = without_data(s, id, &a->info);
		goto out;
	}
	if (rc != TUS_OK)
		goto out;
	/* Read the info under the lock: the last holder may have ended the
	 * upload (then the info says so) or terminated it (then it is gone;
	 * the data file we hold is about to go too). */
	if ((rc = tus_info_file_read(s, id, &a->info)) != TUS_OK)
		goto out;
	if (a->info.state != TUS_STATE_UPLOADING) {
		rc = without_data(s, id, &a->info);
		goto out;
	}
	uint64_t size = (uint64_t)st.st_size;
	a->offset = reported_offset(&a->info, size);
	a->info.offset = a->offset;
	if (offset != a->offset) {
		rc = tus_store_fail(s, TUS_CONFLICT,
		                    "Upload-Offset %llu is not the upload's offset %llu",
		                    (unsigned long long)offset, (unsigned long long)a->offset);
		goto out;
	}
	/* The last byte is sent again: drop the copy we hold (see "the last
	 * byte" in the header). A commit that died left a second name for the
	 * data (tus_append_commit_link): remove it first. Should the data
	 * still have another name then, it is a recording's media (published,
	 * and the caller did not see it): never cut that. */
	drop_commit_link(s, id);
	if (size > a->offset && fstat(a->fd, &st) == 0 && st.st_nlink > 1) {
		rc = tus_store_fail(s, TUS_IO,
		                    "upload %s: its data is also a recording's media; not "
		                    "changed",
		                    id);
		goto out;
	}
	if (size > a->offset && ftruncate(a->fd, (off_t)a->offset) != 0) {
		rc = tus_store_fail_errno(s, errno, "cannot truncate", a->path);
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
		return tus_store_fail(
		    a->store, TUS_TOO_LONG,
		    "the bytes go past the upload's length of %llu (at offset %llu, %zu "
		    "more)",
		    (unsigned long long)a->info.length, (unsigned long long)a->offset, len);
	const char *p = buf;
	while (len > 0) {
		ssize_t w = write(a->fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return tus_store_fail_errno(a->store, errno, "cannot write", a->path);
		p += w;
		len -= (size_t)w;
		a->offset += (uint64_t)w;
	}
	return TUS_OK;
}

tus_status tus_append_sync(tus_append *a)
{
	if (fsync(a->fd) != 0)
		return tus_store_fail_errno(a->store, errno, "cannot sync", a->path);
	return TUS_OK;
}

tus_status tus_append_commit_link(tus_append *a, const char **path)
{
	*path = NULL;
	char name[TUS_ID_LEN + sizeof ".commit"];
	snprintf(name, sizeof name, "%s.commit", a->id);
	if (!a->commit_path && !(a->commit_path = tus_upload_path(a->store, a->id, ".commit")))
		return tus_store_fail(a->store, TUS_NOMEM, "out of memory");
	unlinkat(a->store->dir_fd, name, 0);
	if (linkat(AT_FDCWD, a->path, a->store->dir_fd, name, 0) != 0)
		return tus_store_fail_errno(a->store, errno, "cannot link", a->commit_path);
	*path = a->commit_path;
	return TUS_OK;
}

tus_status tus_append_intend(tus_append *a, const char *id)
{
	char *copy = strdup(id);
	if (!copy)
		return tus_store_fail(a->store, TUS_NOMEM, "out of memory");
	free(a->info.committing);
	a->info.committing = copy;
	return tus_info_file_write(a->store, a->id, &a->info);
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
		return tus_store_fail(s, TUS_NOMEM, "out of memory");
	free(*field);
	*field = copy;
	free(a->info.committing);
	a->info.committing = NULL;
	tus_status rc = tus_info_file_write(s, a->id, &a->info);
	if (rc != TUS_OK)
		return rc;
	drop_commit_link(s, a->id);
	if (unlink(a->path) != 0 && errno != ENOENT)
		return tus_store_fail_errno(s, errno, "cannot remove", a->path);
	return tus_store_sync_dir(s);
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
	/* A commit that failed leaves its second name of the data; one that
	 * succeeded moved it away. */
	if (a->commit_path)
		unlink(a->commit_path);
	if (a->fd >= 0)
		close(a->fd); /* drops the flock */
	tus_info_clear(&a->info);
	free(a->commit_path);
	free(a->path);
	free(a);
}

tus_status tus_store_finish_committed(tus_store *s, const char *id, const char *recording)
{
	if (!tus_id_valid(id))
		return tus_store_fail(s, TUS_NOT_FOUND, "no upload %.64s", id);
	tus_append *a = calloc(1, sizeof *a);
	if (!a || !(a->path = tus_upload_path(s, id, ".data"))) {
		free(a);
		return tus_store_fail(s, TUS_NOMEM, "out of memory");
	}
	a->store = s;
	memcpy(a->id, id, TUS_ID_LEN + 1);
	struct stat st;
	tus_status rc = tus_data_lock(s, a->path, O_RDONLY, &a->fd, &st);
	/* No data file: a commit from before hard links, which moved it. */
	if (rc == TUS_OK || rc == TUS_NOT_FOUND)
		rc = tus_info_file_read(s, id, &a->info);
	if (rc == TUS_OK && a->info.state == TUS_STATE_UPLOADING)
		rc = tus_append_finish(a, recording);
	tus_append_close(a);
	return rc;
}
