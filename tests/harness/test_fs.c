#include "test_fs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *tfs_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (!p)
		abort();
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

char *tfs_make_tmpdir(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	char name[64];
	snprintf(name, sizeof name, "%s-XXXXXX", prefix);
	char *template = tfs_path_join(base && base[0] ? base : "/tmp", name);
	if (!mkdtemp(template)) {
		perror("mkdtemp");
		abort();
	}
	return template;
}

void tfs_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	DIR *d = opendir(path);
	if (d) {
		struct dirent *ent;
		while ((ent = readdir(d))) {
			if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
				continue;
			char *sub = tfs_path_join(path, ent->d_name);
			tfs_rm_rf(sub);
			free(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

char *tfs_make_subdir(const char *dir, const char *name)
{
	char *p = tfs_path_join(dir, name);
	if (mkdir(p, 0755) != 0) {
		perror(p);
		abort();
	}
	return p;
}

void tfs_write_file(const char *dir, const char *name, const char *content)
{
	char *p = tfs_path_join(dir, name);
	FILE *f = fopen(p, "wb");
	if (!f) {
		perror(p);
		abort();
	}
	fputs(content, f);
	fclose(f);
	free(p);
}
