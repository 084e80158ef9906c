#include "pictures_at.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "fs_ops.h"
#include "media_picture.h"

static atomic_int making = 0;

/* Make room in at/ (dirfd) for one more frame: past the cap, remove the
 * first frame readdir gives (an arbitrary one: no moment is likelier than
 * another to be asked again). */
static void make_room(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	size_t n = 0;
	char victim[256] = "";
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (!victim[0])
			snprintf(victim, sizeof victim, "%s", e->d_name);
		n++;
	}
	closedir(d);
	if (n >= PICTURES_AT_CACHE_MAX && victim[0])
		unlinkat(dirfd, victim, 0);
}

/* Decode and store the frame as name in at/. */
static pictures_status make_frame(const char *archive_dir, const char *id, const char *media,
                                  long long ms, const char *name, char *err, size_t errlen)
{
	media_jpeg jpeg = MEDIA_JPEG_INIT;
	media_status ms_st = media_frame_jpeg(media, (double)ms / 1000, PICTURES_THUMB_WIDTH,
	                                      PICTURES_THUMB_HEIGHT, &jpeg, err, errlen);
	if (ms_st == MEDIA_NOMEM)
		return PICTURES_NOMEM;
	/* The set was made from this media, so a moment without a frame is
	 * past the video's own end (the container may say longer). */
	if (ms_st == MEDIA_INVALID && strncmp(err, "no frame", 8) == 0)
		return PICTURES_RANGE;
	if (ms_st != MEDIA_OK)
		return PICTURES_FAILED;
	char *dir = pictures_path(archive_dir, id, "at");
	int dirfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	pictures_status st = PICTURES_OK;
	if (!dir)
		st = PICTURES_NOMEM;
	else if (dirfd < 0)
		st = errno == ENOENT ? PICTURES_NONE : PICTURES_IO; /* the set was replaced */
	if (st == PICTURES_OK) {
		make_room(dirfd);
		int e = fs_replace_file_at(dirfd, name, jpeg.data, jpeg.len, 0644, false);
		if (e != 0) {
			errmsg_set_errno(err, errlen, name, e);
			st = e == ENOMEM ? PICTURES_NOMEM : PICTURES_IO;
		}
	}
	if (dirfd >= 0)
		close(dirfd);
	free(dir);
	media_jpeg_free(&jpeg);
	return st;
}

pictures_status pictures_at(const char *archive_dir, const char *id, const char *media_path,
                            double seconds, char **path, char *err, size_t errlen)
{
	*path = NULL;
	pictures_info info;
	pictures_status st = pictures_info_read(archive_dir, id, &info);
	if (st != PICTURES_OK)
		return st;
	if (!info.published || !info.video)
		return PICTURES_NONE;
	if (!(seconds >= 0) || (info.duration > 0 && seconds >= info.duration))
		return PICTURES_RANGE;
	long long ms = llround(seconds * 1000);
	char name[40], rel[48];
	snprintf(name, sizeof name, "%lld.jpg", ms);
	snprintf(rel, sizeof rel, "at/%s", name);
	if (!(*path = pictures_path(archive_dir, id, rel)))
		return PICTURES_NOMEM;
	if (access(*path, F_OK) == 0)
		return PICTURES_OK;
	if (atomic_fetch_add(&making, 1) >= PICTURES_AT_CONCURRENT) {
		atomic_fetch_sub(&making, 1);
		st = PICTURES_BUSY;
	} else {
		st = make_frame(archive_dir, id, media_path, ms, name, err, errlen);
		atomic_fetch_sub(&making, 1);
	}
	if (st != PICTURES_OK) {
		free(*path);
		*path = NULL;
	}
	return st;
}
