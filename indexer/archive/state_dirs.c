#include "state_dirs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errmsg.h"
#include "path.h"

char *state_dirs_path(const char *archive_dir, const char *name)
{
	char *state = path_join(archive_dir, ARCHIVE_STATE_NAME);
	char *path = state ? path_join(state, name) : NULL;
	free(state);
	return path;
}

archive_status state_dirs_create(const char *archive_dir, char *err, size_t errlen)
{
	static const char *const dirs[] = {STATE_UPLOADS_DIR, STATE_UPLOADS_TMP_DIR,
	                                   STATE_UPLOADS_TUS_DIR, STATE_TRASH_DIR};
	char why[ERRMSG_WHY_SIZE];
	struct stat st;
	errmsg_set(err, errlen, "%s", "");
	if (stat(archive_dir, &st) != 0) {
		int errnum = errno;
		errmsg_set(err, errlen, "%s: %s", archive_dir,
		           errnum == ENOENT ? "no such archive directory"
		                            : errmsg_strerror(errnum, why, sizeof why));
		return errnum == ENOENT ? ARCHIVE_NOT_FOUND : ARCHIVE_IO;
	}
	if (!S_ISDIR(st.st_mode)) {
		errmsg_set(err, errlen, "%s: not a directory", archive_dir);
		return ARCHIVE_NOT_FOUND;
	}
	char *state = NULL;
	archive_status as = archive_state_dir(archive_dir, &state);
	if (as != ARCHIVE_OK) {
		errmsg_set(err, errlen, "%s/%s: %s", archive_dir, ARCHIVE_STATE_NAME,
		           errmsg_strerror(errno, why, sizeof why));
		return as;
	}
	free(state);
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char *path = state_dirs_path(archive_dir, dirs[i]);
		if (!path)
			return ARCHIVE_NOMEM;
		int errnum = mkdir(path, STATE_DIRS_MODE) == 0 ? 0 : errno;
		if (errnum == EEXIST)
			errnum = stat(path, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
		if (errnum) {
			errmsg_set(err, errlen, "%s: %s", path,
			           errmsg_strerror(errnum, why, sizeof why));
			free(path);
			return errnum == ENOMEM ? ARCHIVE_NOMEM : ARCHIVE_IO;
		}
		free(path);
	}
	return ARCHIVE_OK;
}
