/* Expiry: removing uploads nobody will resume, uploads that ended a while
 * ago, and stray files (tus_store.h, tus_store_expire). */
#include "tus_store_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

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
		return tus_store_fail_errno(s, errno, "cannot read", s->dir);
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
				rc = tus_store_fail(s, TUS_NOMEM, "out of memory");
				break;
			}
			*names = more;
			cap = ncap;
		}
		if (!((*names)[*count] = strdup(e->d_name))) {
			rc = tus_store_fail(s, TUS_NOMEM, "out of memory");
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
			rc = tus_store_fail(s, TUS_NOMEM, "out of memory");
			break;
		}
		bool exists;
		int64_t mtime = mtime_of(path, &exists);
		if (upload_file(names[i], ".info", id)) {
			/* An upload: idle since its last change to either file. */
			char *data = tus_upload_path(s, id, ".data");
			bool has_data = false;
			int64_t data_mtime = data ? mtime_of(data, &has_data) : INT64_MIN;
			free(data);
			if (data_mtime > mtime)
				mtime = data_mtime;
			tus_info info;
			tus_status st = tus_info_file_read(s, id, &info);
			bool over = st != TUS_OK || info.state != TUS_STATE_UPLOADING;
			tus_info_clear(&info);
			if (st == TUS_NOT_FOUND) { /* removed meanwhile */
				free(path);
				continue;
			}
			int64_t max_age = over ? max_age_over : max_age_unfinished;
			if (exists && now - mtime >= max_age &&
			    tus_upload_remove(s, id) == TUS_OK && removed)
				(*removed)++;
		} else if (exists && now - mtime >= max_age_over) {
			/* A stray: a data file whose info is gone (a crash during
			 * create or remove), an interrupted info write, or anything
			 * else. A data file may be locked by an append that is
			 * still running: leave that one. */
			int fd = -1;
			struct stat st;
			bool data = upload_file(names[i], ".data", id);
			char *info = data ? tus_upload_path(s, id, ".info") : NULL;
			bool has_info = false;
			if (info)
				mtime_of(info, &has_info);
			free(info);
			if (!has_info &&
			    (!data || tus_data_lock(s, path, O_RDONLY, &fd, &st) == TUS_OK))
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
