/* The tus store: its folder, errors and ids; creating and removing an
 * upload (tus_store_internal.h says which file holds the rest). */
#include "tus_store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "archive.h"
#include "errmsg.h"
#include "fs_ops.h"
#include "path.h"

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
	free(info->committing);
	*info = (tus_info)TUS_INFO_INIT;
}

tus_status tus_store_fail(tus_store *s, tus_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
	va_end(ap);
	s->errnum = 0;
	return status;
}

tus_status tus_store_fail_errno(tus_store *s, int errnum, const char *what, const char *path)
{
	char why[ERRMSG_WHY_SIZE];
	tus_status rc = tus_store_fail(s, errnum == ENOMEM ? TUS_NOMEM : TUS_IO, "%s %s: %s", what,
	                               path, errmsg_strerror(errnum, why, sizeof why));
	s->errnum = errnum;
	return rc;
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

char *tus_upload_path(const tus_store *s, const char *id, const char *ext)
{
	size_t n = strlen(s->dir) + 1 + strlen(id) + strlen(ext) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s%s", s->dir, id, ext);
	return p;
}

tus_status tus_store_sync_dir(tus_store *s)
{
	int e = fs_sync_dir(s->dir_fd, s->dir);
	return e ? tus_store_fail_errno(s, e, "cannot sync", s->dir) : TUS_OK;
}

static tus_status make_dir(tus_store *s, const char *path)
{
	struct stat st;
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return tus_store_fail_errno(s, errno, "cannot make", path);
	if (stat(path, &st) != 0)
		return tus_store_fail_errno(s, errno, "cannot read", path);
	if (!S_ISDIR(st.st_mode))
		return tus_store_fail(s, TUS_IO, "%s: not a directory", path);
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
		rc = tus_store_fail(s, TUS_IO, "libsodium could not be initialised");
		goto out;
	}
	archive_status as = archive_state_dir(archive_dir, &state);
	if (as == ARCHIVE_NOMEM)
		goto out;
	if (as != ARCHIVE_OK) {
		int errnum = errno;
		char why[ERRMSG_WHY_SIZE];
		rc = tus_store_fail(s, TUS_IO, "cannot make %s/%s: %s", archive_dir,
		                    ARCHIVE_STATE_NAME, errmsg_strerror(errnum, why, sizeof why));
		s->errnum = errnum;
		goto out;
	}
	if (!(uploads = path_join(state, "uploads")) || !(s->dir = path_join(state, TUS_STORE_DIR)))
		goto out;
	if ((rc = make_dir(s, uploads)) != TUS_OK || (rc = make_dir(s, s->dir)) != TUS_OK)
		goto out;
	s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0) {
		rc = tus_store_fail_errno(s, errno, "cannot open", s->dir);
		goto out;
	}
	rc = TUS_OK;
out:
	free(state);
	free(uploads);
	if (rc != TUS_OK) {
		int errnum = s->errnum;
		*errmsg = strdup(s->errmsg[0] ? s->errmsg : tus_status_str(rc));
		tus_store_close(s);
		errno = errnum;
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

int tus_store_errno(const tus_store *s)
{
	return s->errnum;
}

const char *tus_store_dir(const tus_store *s)
{
	return s->dir;
}

/* ---- uploads ---- */

bool tus_owner_matches(const char *owner, const char *principal)
{
	if (!owner || !principal || !*owner)
		return false;
	if (strcmp(owner, principal) == 0)
		return true;
	const char *name = strchr(principal, ':');
	return !strchr(owner, ':') && name && strcmp(owner, name + 1) == 0;
}

tus_status tus_store_info_file(tus_store *s, const char *id, tus_info *info)
{
	*info = (tus_info)TUS_INFO_INIT;
	if (!tus_id_valid(id))
		return tus_store_fail(s, TUS_NOT_FOUND, "no upload %.64s", id);
	return tus_info_file_read(s, id, info);
}

tus_status tus_store_check_owner(tus_store *s, const char *id, const char *principal)
{
	if (!tus_id_valid(id))
		return tus_store_fail(s, TUS_NOT_FOUND, "no upload %.64s", id);
	tus_info info = TUS_INFO_INIT;
	tus_status rc = tus_info_file_read(s, id, &info);
	if (rc == TUS_OK && !tus_owner_matches(info.owner, principal))
		rc = tus_store_fail(s, TUS_NOT_FOUND, "no upload %s", id);
	tus_info_clear(&info);
	return rc;
}

tus_status tus_store_create(tus_store *s, uint64_t length, const char *metadata, const char *owner,
                            char id[TUS_ID_LEN + 1])
{
	id[0] = '\0';
	if (length > INT64_MAX)
		return tus_store_fail(s, TUS_TOO_LONG,
		                      "a length of %llu bytes is past what we can store",
		                      (unsigned long long)length);
	char *data = NULL;
	tus_status rc = TUS_IO;
	/* 128 random bits never collide in practice; O_EXCL makes sure. */
	for (int attempt = 0; attempt < 3 && rc != TUS_OK; attempt++) {
		unsigned char raw[TUS_ID_LEN / 2];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(id, TUS_ID_LEN + 1, raw, sizeof raw);
		free(data);
		if (!(data = tus_upload_path(s, id, ".data")))
			return tus_store_fail(s, TUS_NOMEM, "out of memory");
		/* The data file first: a crash before the info is written leaves a
		 * stray data file that expiry removes, never an info without data. */
		int fd = open(data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			int e = errno;
			rc = tus_store_fail_errno(s, e, "cannot make", data);
			if (e != EEXIST)
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
	rc = tus_info_file_write(s, id, &info);
	if (rc != TUS_OK) {
		unlink(data);
		id[0] = '\0';
	}
	free(data);
	return rc;
}

/* Remove <id>.info and <id>.data, holding the data file's lock when there
 * is one. The info goes first: from then on the upload does not exist,
 * and a data file left by a crash is a stray that expiry removes. */
tus_status tus_upload_remove(tus_store *s, const char *id)
{
	char *info = tus_upload_path(s, id, ".info"), *data = tus_upload_path(s, id, ".data");
	tus_status rc = TUS_NOMEM;
	int fd = -1;
	struct stat st;
	if (!info || !data) {
		tus_store_fail(s, TUS_NOMEM, "out of memory");
		goto out;
	}
	rc = tus_data_lock(s, data, O_RDONLY, &fd, &st);
	if (rc != TUS_OK && rc != TUS_NOT_FOUND)
		goto out;
	bool had_data = rc == TUS_OK;
	rc = TUS_OK;
	if (unlink(info) != 0) {
		if (errno != ENOENT) {
			rc = tus_store_fail_errno(s, errno, "cannot remove", info);
			goto out;
		}
		if (!had_data) {
			rc = tus_store_fail(s, TUS_NOT_FOUND, "no upload %s", id);
			goto out;
		}
	}
	if (had_data && unlink(data) != 0 && errno != ENOENT) {
		rc = tus_store_fail_errno(s, errno, "cannot remove", data);
		goto out;
	}
	rc = tus_store_sync_dir(s);
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
		return tus_store_fail(s, TUS_NOT_FOUND, "not an upload id");
	return tus_upload_remove(s, id);
}
