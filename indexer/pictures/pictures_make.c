#include "pictures_make.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "errmsg.h"
#include "fs_ops.h"
#include "media_picture.h"
#include "recording.h"

/* The poster: a tenth of the way in, at most this far (seconds). */
#define POSTER_MAX_SECONDS 30.0

/* One job's state. */
typedef struct job {
	const pictures_make_config *cfg;
	const char *id;
	char *dir;     /* .qarchive/pictures */
	char *next;    /* .qarchive/pictures/.new-<id> */
	char *id_path; /* .qarchive/pictures/<id>: the published set */
	int dirfd;     /* next, open */
	char source[80];
	int percent; /* last told */
	time_t written;
	char *err;
	size_t errlen;
} job;

static pictures_status from_media(media_status st)
{
	switch (st) {
	case MEDIA_OK:
		return PICTURES_OK;
	case MEDIA_NOMEM:
		return PICTURES_NOMEM;
	case MEDIA_UNREADABLE:
	case MEDIA_INVALID:
	case MEDIA_TIMEOUT:
	case MEDIA_NO_SUBTITLES:
		return PICTURES_FAILED;
	}
	return PICTURES_FAILED;
}

/* media_progress_fn: done of the part that runs from `from` to 100 %. */
typedef struct part {
	job *j;
	int from;
} part;

static bool told(void *arg, double done)
{
	part *p = arg;
	job *j = p->j;
	int percent = p->from + (int)(done * (100 - p->from));
	if (percent > 99)
		percent = 99;
	if (percent != j->percent) {
		j->percent = percent;
		if (j->cfg->progress)
			j->cfg->progress(j->cfg->progress_arg, j->id, percent);
		/* The job file at most once a second: staff pages read it. */
		time_t now = time(NULL);
		if (now != j->written) {
			j->written = now;
			pictures_job_write(j->cfg->archive_dir, j->id, PICTURES_STATE_RUNNING,
			                   percent, j->source, NULL);
		}
	}
	return !(j->cfg->stop && atomic_load(j->cfg->stop));
}

static bool write_file(job *j, const char *name, const void *data, size_t len)
{
	int e = fs_write_file_at(j->dirfd, name, data, len, 0644);
	if (e != 0)
		errmsg_set_errno(j->err, j->errlen, name, e);
	return e == 0;
}

static bool store_sprite(void *arg, size_t index, const media_jpeg *sprite)
{
	job *j = arg;
	char name[40];
	snprintf(name, sizeof name, "storyboard-%zu.jpg", index);
	return write_file(j, name, sprite->data, sprite->len);
}

static bool store_info(job *j, json_t *info)
{
	char *text = json_dumps(info, JSON_COMPACT);
	bool ok = text && write_file(j, "pictures.json", text, strlen(text));
	free(text);
	return ok;
}

/* A video's poster and storyboard into the new set. */
static pictures_status make_video(job *j, const char *media, const media_video_info *vi,
                                  json_t *info)
{
	media_jpeg poster = MEDIA_JPEG_INIT;
	double t = vi->duration > 0 ? fmin(vi->duration / 10, POSTER_MAX_SECONDS) : 0;
	media_status ms = media_frame_jpeg(media, t, PICTURES_POSTER_WIDTH, PICTURES_POSTER_HEIGHT,
	                                   &poster, j->err, j->errlen);
	if (ms == MEDIA_INVALID && t > 0) /* a stream shorter than its container says */
		ms = media_frame_jpeg(media, 0, PICTURES_POSTER_WIDTH, PICTURES_POSTER_HEIGHT,
		                      &poster, j->err, j->errlen);
	if (ms != MEDIA_OK)
		return from_media(ms);
	bool ok = write_file(j, "poster.jpg", poster.data, poster.len);
	int tw, th;
	media_image_fit(vi->width, vi->height, PICTURES_THUMB_WIDTH, PICTURES_THUMB_HEIGHT, &tw,
	                &th);
	json_object_set_new(info, "thumb_width", json_integer(tw));
	json_object_set_new(info, "thumb_height", json_integer(th));
	json_object_set_new(info, "poster_width", json_integer(poster.width));
	json_object_set_new(info, "poster_height", json_integer(poster.height));
	media_jpeg_free(&poster);
	if (!ok)
		return PICTURES_IO;
	media_storyboard sb = media_storyboard_layout(vi->duration, vi->width, vi->height);
	part p = {j, 5};
	ms = media_storyboard_make(media, &sb, store_sprite, j, told, &p, j->err, j->errlen);
	if (ms != MEDIA_OK)
		return j->cfg->stop && atomic_load(j->cfg->stop) ? PICTURES_STOPPED
		                                                 : from_media(ms);
	json_object_set_new(info, "storyboard",
	                    json_pack("{s:f, s:i, s:i, s:i, s:i, s:I}", "interval", sb.interval,
	                              "width", sb.tile_width, "height", sb.tile_height, "columns",
	                              sb.columns, "rows", sb.rows, "sprites",
	                              (json_int_t)sb.sprites));
	return PICTURES_OK;
}

/* A recording without video: its waveform is its poster. */
static pictures_status make_audio(job *j, const char *media, json_t *info)
{
	media_jpeg wave = MEDIA_JPEG_INIT;
	part p = {j, 0};
	media_status ms = media_waveform_jpeg(media, PICTURES_POSTER_WIDTH, PICTURES_POSTER_HEIGHT,
	                                      &wave, told, &p, j->err, j->errlen);
	if (ms != MEDIA_OK)
		return j->cfg->stop && atomic_load(j->cfg->stop) ? PICTURES_STOPPED
		                                                 : from_media(ms);
	bool ok = write_file(j, "poster.jpg", wave.data, wave.len);
	json_object_set_new(info, "poster_width", json_integer(wave.width));
	json_object_set_new(info, "poster_height", json_integer(wave.height));
	media_jpeg_free(&wave);
	return ok ? PICTURES_OK : PICTURES_IO;
}

/* The whole set into j->next, then fsynced. */
static pictures_status build_set(job *j, const char *media)
{
	media_video_info vi;
	media_status ms = media_video_info_read(media, &vi, j->err, j->errlen);
	if (ms != MEDIA_OK)
		return from_media(ms);
	json_t *info = json_pack("{s:s, s:s, s:f}", "source", j->source, "kind",
	                         vi.has_video ? "video" : "audio", "duration", vi.duration);
	if (!info)
		return PICTURES_NOMEM;
	pictures_status st =
	    vi.has_video ? make_video(j, media, &vi, info) : make_audio(j, media, info);
	if (st == PICTURES_OK && mkdirat(j->dirfd, "at", 0755) != 0) {
		errmsg_set_errno(j->err, j->errlen, "at", errno);
		st = PICTURES_IO;
	}
	/* pictures.json last: a set without it is no set. */
	if (st == PICTURES_OK && !store_info(j, info))
		st = PICTURES_IO;
	json_decref(info);
	if (st == PICTURES_OK && fs_sync_dir(j->dirfd, NULL) != 0) {
		errmsg_set_errno(j->err, j->errlen, j->next, errno);
		st = PICTURES_IO;
	}
	return st;
}

/* Swap the new set in for the published one in one step, then remove the
 * old one (left at j->next by the exchange). */
static pictures_status publish(job *j)
{
	int e = 0;
	if (renameat2(AT_FDCWD, j->next, AT_FDCWD, j->id_path, RENAME_EXCHANGE) != 0) {
		e = errno;
		/* Nothing published yet (ENOENT), or a file system without
		 * RENAME_EXCHANGE: a plain rename, after the old set goes. */
		if (e != ENOENT)
			fs_remove_tree_at(AT_FDCWD, j->id_path);
		e = rename(j->next, j->id_path) == 0 ? 0 : errno;
	}
	if (e != 0) {
		errmsg_set_errno(j->err, j->errlen, j->id_path, e);
		return PICTURES_IO;
	}
	fs_remove_tree_at(AT_FDCWD, j->next);
	fs_sync_dir(-1, j->dir);
	return PICTURES_OK;
}

/* Whether the set (or the failure) on disk was made from this media. */
static bool up_to_date(const char *archive_dir, const char *id, const char *source)
{
	pictures_info info;
	if (pictures_info_read(archive_dir, id, &info) != PICTURES_OK)
		return false;
	return (info.state == PICTURES_STATE_DONE || info.state == PICTURES_STATE_FAILED) &&
	       strcmp(info.source, source) == 0;
}

/* The folders, the lock (its fd into *lock), and an empty .new-<id>/. */
static pictures_status prepare(job *j, int *lock)
{
	char *state = NULL;
	char name[RECORDING_ID_MAX + 8];
	pictures_status st = PICTURES_IO;
	if (archive_state_dir(j->cfg->archive_dir, &state) != ARCHIVE_OK) {
		errmsg_set_errno(j->err, j->errlen, j->cfg->archive_dir, errno);
		goto out;
	}
	if (mkdir(j->dir, 0755) != 0 && errno != EEXIST) {
		errmsg_set_errno(j->err, j->errlen, j->dir, errno);
		goto out;
	}
	snprintf(name, sizeof name, "%s.lock", j->id);
	char *path = pictures_path(j->cfg->archive_dir, "", name);
	int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
	free(path);
	*lock = fd;
	if (fd < 0) {
		errmsg_set_errno(j->err, j->errlen, name, errno);
		goto out;
	}
	if (fs_lock(fd) != 0) {
		errmsg_set(j->err, j->errlen,
		           "the pictures of %s are being made by another process", j->id);
		st = PICTURES_BUSY;
		goto out;
	}
	fs_remove_tree_at(AT_FDCWD, j->next);
	if (mkdir(j->next, 0755) != 0 ||
	    (j->dirfd = open(j->next, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		errmsg_set_errno(j->err, j->errlen, j->next, errno);
		goto out;
	}
	st = PICTURES_OK;
out:
	free(state);
	return st;
}

/* The recording's media file (caller frees), or NULL with *st says why. */
static char *media_of(const char *archive_dir, const char *id, pictures_status *st, char *err,
                      size_t errlen)
{
	recording rec = RECORDING_INIT;
	size_t n = strlen(archive_dir) + strlen(id) + 2;
	char *dir = malloc(n), *media = NULL;
	*st = PICTURES_NOMEM;
	if (!dir)
		return NULL;
	snprintf(dir, n, "%s/%s", archive_dir, id);
	recording_status rs = recording_load_dir(dir, &rec, err, errlen);
	free(dir);
	if (rs == RECORDING_NOMEM)
		return NULL;
	*st = PICTURES_NO_MEDIA;
	if (rs == RECORDING_OK && !rec.media_path)
		errmsg_set(err, errlen, "%s has no media", id);
	if (rs == RECORDING_OK && rec.media_path && !(media = strdup(rec.media_path)))
		*st = PICTURES_NOMEM;
	recording_free(&rec);
	return media;
}

pictures_status pictures_make(const pictures_make_config *cfg, const char *id, char *err,
                              size_t errlen)
{
	job j = {.cfg = cfg, .id = id, .dirfd = -1, .percent = -1, .err = err, .errlen = errlen};
	int lock = -1;
	pictures_status st;
	errmsg_set(err, errlen, "%s", "");
	char *media = media_of(cfg->archive_dir, id, &st, err, errlen);
	j.dir = pictures_path(cfg->archive_dir, "", "");
	j.id_path = pictures_path(cfg->archive_dir, id, NULL);
	char name[RECORDING_ID_MAX + 8];
	snprintf(name, sizeof name, ".new-%s", id);
	j.next = pictures_path(cfg->archive_dir, "", name);
	if (!j.dir || !j.id_path || !j.next) {
		st = PICTURES_NOMEM;
		goto out;
	}
	if (!media) {
		if (st == PICTURES_NO_MEDIA) /* pictures of a media no longer there */
			fs_remove_tree_at(AT_FDCWD, j.id_path);
		goto out;
	}
	if (!pictures_source(media, j.source)) {
		errmsg_set_errno(err, errlen, media, errno);
		st = PICTURES_NO_MEDIA;
		goto out;
	}
	if (!cfg->force && up_to_date(cfg->archive_dir, id, j.source)) {
		st = PICTURES_NONE;
		goto out;
	}
	if ((st = prepare(&j, &lock)) != PICTURES_OK)
		goto out;
	pictures_job_write(cfg->archive_dir, id, PICTURES_STATE_RUNNING, 0, j.source, NULL);
	st = build_set(&j, media);
	if (st == PICTURES_OK)
		st = publish(&j);
	/* Only the media's own fault is kept as a failure (not tried again
	 * until the media changes); a full disk is tried again next time. */
	if (st == PICTURES_FAILED)
		pictures_job_write(cfg->archive_dir, id, PICTURES_STATE_FAILED, 0, j.source, err);
	else
		pictures_job_write(cfg->archive_dir, id, PICTURES_STATE_NONE, 0, NULL, NULL);
	if (st != PICTURES_OK)
		fs_remove_tree_at(AT_FDCWD, j.next);
	if (st == PICTURES_OK && cfg->progress)
		cfg->progress(cfg->progress_arg, id, 100);
out:
	if (j.dirfd >= 0)
		close(j.dirfd);
	if (lock >= 0)
		close(lock);
	free(media);
	free(j.dir);
	free(j.id_path);
	free(j.next);
	return st;
}
