/* An upload's <id>.info: JSON (tus_store.h), read whole and replaced
 * whole. */
#include "tus_store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "file_io.h"
#include "fs_ops.h"

/* An info file is a few hundred bytes plus the metadata, which the
 * server's header limit bounds far below this; anything bigger is not
 * ours. */
#define INFO_MAX (4u << 20)

tus_status tus_info_file_read(tus_store *s, const char *id, tus_info *info)
{
	tus_status rc = TUS_NOMEM;
	char *path = tus_upload_path(s, id, ".info"), *text = NULL;
	size_t got = 0;
	json_t *root = NULL;
	*info = (tus_info)TUS_INFO_INIT;
	if (!path)
		goto out;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int e = fd < 0 ? errno : file_read_fd(fd, INFO_MAX, &text, &got);
	if (fd >= 0)
		close(fd);
	if (e == ENOENT)
		rc = tus_store_fail(s, TUS_NOT_FOUND, "no upload %s", id);
	else if (e == EFBIG)
		rc = tus_store_fail(s, TUS_IO, "%s: too large to be an upload's info", path);
	else if (e)
		rc = tus_store_fail_errno(s, e, "cannot read", path);
	if (e)
		goto out;
	json_error_t jerr;
	root = json_loadb(text, got, JSON_REJECT_DUPLICATES, &jerr);
	json_t *length = json_object_get(root, "length");
	json_t *metadata = json_object_get(root, "metadata");
	json_t *owner = json_object_get(root, "owner");
	json_t *created = json_object_get(root, "created");
	json_t *recording = json_object_get(root, "recording");
	json_t *error = json_object_get(root, "error");
	json_t *committing = json_object_get(root, "committing");
	if (!json_is_object(root) || !json_is_integer(length) || json_integer_value(length) < 0 ||
	    !json_is_string(metadata) || !json_is_string(owner) || !json_is_integer(created) ||
	    (recording && !json_is_string(recording)) || (error && !json_is_string(error)) ||
	    (committing && !json_is_string(committing))) {
		rc = tus_store_fail(s, TUS_IO, "%s: not an upload's info (damaged?)", path);
		goto out;
	}
	info->length = (uint64_t)json_integer_value(length);
	info->created = (int64_t)json_integer_value(created);
	if (!(info->metadata = strdup(json_string_value(metadata))) ||
	    !(info->owner = strdup(json_string_value(owner))) ||
	    (recording && !(info->recording = strdup(json_string_value(recording)))) ||
	    (error && !(info->error = strdup(json_string_value(error)))) ||
	    (committing && !(info->committing = strdup(json_string_value(committing)))))
		goto out;
	info->state = recording ? TUS_STATE_FINISHED
	              : error   ? TUS_STATE_FAILED
	                        : TUS_STATE_UPLOADING;
	rc = TUS_OK;
out:
	if (rc == TUS_NOMEM)
		tus_store_fail(s, TUS_NOMEM, "out of memory");
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
tus_status tus_info_file_write(tus_store *s, const char *id, const tus_info *info)
{
	tus_status rc = TUS_NOMEM;
	char *text = NULL, *path = tus_upload_path(s, id, ".info");
	char name[TUS_ID_LEN + sizeof ".info"];
	json_t *o = json_object();
	if (!o || !path ||
	    json_object_set_new(o, "length", json_integer((json_int_t)info->length)) ||
	    json_object_set_new(o, "metadata", json_string(info->metadata ? info->metadata : "")) ||
	    json_object_set_new(o, "owner", json_string(info->owner ? info->owner : "")) ||
	    json_object_set_new(o, "created", json_integer((json_int_t)info->created)) ||
	    (info->recording &&
	     json_object_set_new(o, "recording", json_string(info->recording))) ||
	    (info->error && json_object_set_new(o, "error", json_string(info->error))) ||
	    (info->committing &&
	     json_object_set_new(o, "committing", json_string(info->committing))))
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
	rc = e ? tus_store_fail_errno(s, e, "cannot write", path) : tus_store_sync_dir(s);
out:
	if (rc == TUS_NOMEM)
		tus_store_fail(s, TUS_NOMEM, "out of memory");
	json_decref(o);
	free(text);
	free(path);
	return rc;
}
