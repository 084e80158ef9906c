/* Replays fuzz inputs without libFuzzer: each argument is a file or a
 * directory of files, fed to LLVMFuzzerTestOneInput one by one. Linked into
 * every fuzz target in gcc builds, so ctest keeps old crashers fixed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	char *data;
	size_t len;
	int err = file_read_all(path, &data, &len);
	if (err) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(err));
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int failures = 0, replayed = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
			failures++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			failures += replay_file(argv[i]);
			replayed++;
			continue;
		}
		DIR *dir = opendir(argv[i]);
		if (!dir) {
			failures++;
			continue;
		}
		struct dirent *entry;
		while ((entry = readdir(dir)) != NULL) {
			if (entry->d_name[0] == '.')
				continue;
			size_t n = strlen(argv[i]) + strlen(entry->d_name) + 2;
			char *path = malloc(n);
			if (!path)
				return 1;
			snprintf(path, n, "%s/%s", argv[i], entry->d_name);
			failures += replay_file(path);
			replayed++;
			free(path);
		}
		closedir(dir);
	}
	/* Each input either returns or crashes the process, so reaching here
	 * means all of them passed. */
	printf("%d passed, %d failed\n", replayed - failures, failures);
	return failures ? 1 : 0;
}
