/* pictures_prune: the pictures of deleted recordings go (pictures_make.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs_ops.h"
#include "pictures_make.h"
#include "recording.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The recording id an entry of pictures/ belongs to: "<id>", ".new-<id>",
 * "<id>.job.json" or "<id>.lock"; false for anything else. */
static bool owner(const char *name, char id[RECORDING_ID_MAX + 1])
{
	if (strncmp(name, ".new-", 5) == 0)
		name += 5;
	size_t len = strlen(name);
	if (len > 9 && strcmp(name + len - 9, ".job.json") == 0)
		len -= 9;
	else if (len > 5 && strcmp(name + len - 5, ".lock") == 0)
		len -= 5;
	if (len == 0 || len > RECORDING_ID_MAX)
		return false;
	memcpy(id, name, len);
	id[len] = '\0';
	return recording_id_valid(id);
}

size_t pictures_prune(const char *archive_dir, char *const *ids, size_t n)
{
	char *dir = pictures_path(archive_dir, "", "");
	int dirfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	free(dir);
	int fd2 = dirfd >= 0 ? dup(dirfd) : -1;
	DIR *d = fd2 >= 0 ? fdopendir(fd2) : NULL;
	if (!d && fd2 >= 0)
		close(fd2);
	size_t removed = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		char id[RECORDING_ID_MAX + 1];
		const char *key = id;
		if (e->d_name[0] == '.' && strncmp(e->d_name, ".new-", 5) != 0)
			continue;
		if (!owner(e->d_name, id) || bsearch(&key, ids, n, sizeof *ids, by_name))
			continue;
		/* Not while its pictures are being made: the maker holds the lock. */
		char lock[RECORDING_ID_MAX + 8];
		snprintf(lock, sizeof lock, "%s.lock", id);
		int fd = openat(dirfd, lock, O_RDONLY | O_CLOEXEC);
		bool busy = fd >= 0 && fs_lock(fd) != 0;
		if (!busy && fs_remove_tree_at(dirfd, e->d_name) == 0 &&
		    strchr(e->d_name, '.') == NULL)
			removed++;
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
	if (dirfd >= 0)
		close(dirfd);
	return removed;
}
