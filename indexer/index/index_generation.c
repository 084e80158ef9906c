#include "index_generation.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file_io.h"
#include "fs_ops.h"
#include "path.h"

#define GENERATION_PREFIX "index-"
#define STUB_KEYWORD      "auto "

bool index_generation_is_stub(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *index_generation_current(const char *path)
{
	/* A stub is one short line (index_generation_publish writes it). */
	char line[256];
	size_t len;
	if (file_read_head(path, line, sizeof line - 1, &len) != 0)
		return NULL;
	line[len] = '\0';
	if (strncmp(line, STUB_KEYWORD, strlen(STUB_KEYWORD)) != 0)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line + strlen(STUB_KEYWORD));
}

int index_generation_create(const char *state_dir, char **name, char **dir)
{
	*name = *dir = NULL;
	char buf[96];
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		snprintf(buf, sizeof buf, GENERATION_PREFIX "%lld-%ld-%u", (long long)time(NULL),
		         (long)getpid(), attempt);
		char *path = path_join(state_dir, buf);
		if (!path)
			return ENOMEM;
		if (mkdir(path, 0755) == 0) {
			*dir = path;
			*name = strdup(buf);
			if (!*name) {
				free(*dir);
				*dir = NULL;
				return ENOMEM;
			}
			return 0;
		}
		int e = errno;
		free(path);
		if (e != EEXIST)
			return e;
	}
	return EEXIST;
}

int index_generation_publish(const char *path, const char *name, bool exclusive)
{
	char line[256];
	int len = snprintf(line, sizeof line, STUB_KEYWORD "%s\n", name);
	if (len < 0 || (size_t)len >= sizeof line)
		return ENAMETOOLONG;
	int err = fs_replace_file_at(AT_FDCWD, path, line, (size_t)len, 0644, exclusive);
	/* The stub is in place and a reader may follow it already: a folder
	 * that cannot be fsynced must not make the caller undo the publish. */
	if (!err)
		fs_sync_parent(AT_FDCWD, path);
	return err;
}

/* A generation directory holds only files (Xapian's glass tables). */
static void remove_directory(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *file = path_join(dir, e->d_name);
		if (file)
			unlink(file);
		free(file);
	}
	closedir(d);
	rmdir(dir);
}

void index_generation_remove(const char *state_dir, const char *name)
{
	if (strncmp(name, GENERATION_PREFIX, strlen(GENERATION_PREFIX)) != 0 || strchr(name, '/'))
		return;
	char *dir = path_join(state_dir, name);
	struct stat st;
	if (dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		remove_directory(dir);
	free(dir);
}

void index_generation_remove_others(const char *state_dir, const char *keep)
{
	DIR *d = opendir(state_dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, GENERATION_PREFIX, strlen(GENERATION_PREFIX)) != 0 ||
		    (keep && strcmp(e->d_name, keep) == 0))
			continue;
		char *dir = path_join(state_dir, e->d_name);
		struct stat st;
		if (dir && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			remove_directory(dir);
		free(dir);
	}
	closedir(d);
}

/* Xapian's glass backend replaces this file (write, fsync, rename) at
 * every commit: its identity changes exactly when a commit happened. */
#define VERSION_FILE "iamglass"

static bool file_id(const char *path, index_file_id *id)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	*id = (index_file_id){(unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	                      (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
	                      (long long)st.st_size};
	return true;
}

static bool file_id_equal(const index_file_id *a, const index_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->mtime_ns == b->mtime_ns &&
	       a->size == b->size;
}

bool index_generation_stamp(const char *path, const index_stamp *prev, index_stamp *out)
{
	memset(out, 0, sizeof *out);
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	char version[4096];
	if (S_ISDIR(st.st_mode)) {
		snprintf(version, sizeof version, "%s/" VERSION_FILE, path);
		return file_id(version, &out->version);
	}
	if (!file_id(path, &out->stub))
		return false;
	if (prev && prev->generation[0] && file_id_equal(&prev->stub, &out->stub)) {
		memcpy(out->generation, prev->generation, sizeof out->generation);
	} else {
		char *gen = index_generation_current(path);
		if (!gen || strlen(gen) >= sizeof out->generation) {
			free(gen);
			return false;
		}
		memcpy(out->generation, gen, strlen(gen) + 1);
		free(gen);
	}
	/* The generation is a directory beside the stub. */
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path) : 1;
	int n = snprintf(version, sizeof version, "%.*s/%s/" VERSION_FILE, dir_len,
	                 slash ? path : ".", out->generation);
	return n > 0 && (size_t)n < sizeof version && file_id(version, &out->version);
}

bool index_stamp_same_generation(const index_stamp *a, const index_stamp *b)
{
	return strcmp(a->generation, b->generation) == 0;
}

bool index_stamp_equal(const index_stamp *a, const index_stamp *b)
{
	return index_stamp_same_generation(a, b) && file_id_equal(&a->stub, &b->stub) &&
	       file_id_equal(&a->version, &b->version);
}
