#include "pictures_store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "file_io.h"
#include "fs_ops.h"
#include "recording.h"

/* pictures.json and a job file are a few hundred bytes. */
#define STATE_FILE_MAX 4096

const char *pictures_status_str(pictures_status status)
{
	switch (status) {
	case PICTURES_OK:
		return "ok";
	case PICTURES_NONE:
		return "no pictures";
	case PICTURES_RANGE:
		return "the moment is outside the recording";
	case PICTURES_BUSY:
		return "busy";
	case PICTURES_NO_MEDIA:
		return "the recording has no media";
	case PICTURES_FAILED:
		return "the media could not be read";
	case PICTURES_STOPPED:
		return "stopped";
	case PICTURES_IO:
		return "input/output error";
	case PICTURES_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

char *pictures_path(const char *archive_dir, const char *id, const char *file)
{
	size_t n = strlen(archive_dir) + strlen(ARCHIVE_STATE_NAME) + strlen(PICTURES_DIR) +
	           strlen(id) + (file ? strlen(file) : 0) + 8;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s/%s/%s%s%s", archive_dir, ARCHIVE_STATE_NAME, PICTURES_DIR, id,
		         file && id[0] ? "/" : "", file ? file : "");
	return p;
}

bool pictures_source(const char *media_path, char out[80])
{
	struct stat st;
	if (stat(media_path, &st) != 0)
		return false;
	snprintf(out, 80, "%" PRIx64 "-%llx.%09lx-%llx", (uint64_t)st.st_size,
	         (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec,
	         (unsigned long long)st.st_ino);
	return true;
}

static json_t *load_json(const char *path)
{
	char buf[STATE_FILE_MAX];
	size_t len = 0;
	if (!path || file_read_head(path, buf, sizeof buf, &len) != 0)
		return NULL;
	return json_loadb(buf, len, 0, NULL);
}

static int int_of(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 && v < 100000 ? (int)v : 0;
}

static void copy_str(char *dst, size_t size, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	snprintf(dst, size, "%s", s ? s : "");
}

/* Whether a process holds the job's lock (a shared lock is refused while
 * the maker holds its exclusive one). */
static bool lock_held(const char *archive_dir, const char *id)
{
	char name[RECORDING_ID_MAX + 8];
	snprintf(name, sizeof name, "%s.lock", id);
	char *path = pictures_path(archive_dir, "", name);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	free(path);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

static void read_published(const char *archive_dir, const char *id, pictures_info *info)
{
	char *path = pictures_path(archive_dir, id, "pictures.json");
	json_t *o = load_json(path);
	free(path);
	if (!json_is_object(o)) {
		json_decref(o);
		return;
	}
	info->state = PICTURES_STATE_DONE;
	info->published = true;
	const char *kind = json_string_value(json_object_get(o, "kind"));
	info->video = kind && strcmp(kind, "video") == 0;
	json_t *sb = json_object_get(o, "storyboard");
	info->sb_interval = json_number_value(json_object_get(sb, "interval"));
	info->sb_width = int_of(sb, "width");
	info->sb_height = int_of(sb, "height");
	info->sb_columns = int_of(sb, "columns");
	info->sb_rows = int_of(sb, "rows");
	info->sb_sprites = int_of(sb, "sprites");
	info->storyboard = info->sb_interval > 0 && info->sb_width > 0 && info->sb_height > 0 &&
	                   info->sb_columns > 0 && info->sb_rows > 0 && info->sb_sprites > 0;
	info->poster_width = int_of(o, "poster_width");
	info->poster_height = int_of(o, "poster_height");
	info->thumb_width = int_of(o, "thumb_width");
	info->thumb_height = int_of(o, "thumb_height");
	info->duration = json_number_value(json_object_get(o, "duration"));
	copy_str(info->source, sizeof info->source, o, "source");
	json_decref(o);
}

pictures_status pictures_info_read(const char *archive_dir, const char *id, pictures_info *info)
{
	memset(info, 0, sizeof *info);
	if (!recording_id_valid(id))
		return PICTURES_OK;
	read_published(archive_dir, id, info);
	char name[RECORDING_ID_MAX + 12];
	snprintf(name, sizeof name, "%s.job.json", id);
	char *path = pictures_path(archive_dir, "", name);
	if (!path)
		return PICTURES_NOMEM;
	json_t *o = load_json(path);
	free(path);
	const char *state = json_string_value(json_object_get(o, "state"));
	if (state && strcmp(state, "failed") == 0) {
		info->state = PICTURES_STATE_FAILED;
		copy_str(info->error, sizeof info->error, o, "error");
		copy_str(info->source, sizeof info->source, o, "source");
	} else if (state && strcmp(state, "running") == 0 && lock_held(archive_dir, id)) {
		/* A running job whose maker died is no job: the set before it
		 * (if any) stands, and the next sweep starts it again. */
		info->state = PICTURES_STATE_RUNNING;
		info->progress = int_of(o, "progress");
	}
	json_decref(o);
	return PICTURES_OK;
}

pictures_status pictures_job_write(const char *archive_dir, const char *id, pictures_state state,
                                   int progress, const char *source, const char *error)
{
	char name[RECORDING_ID_MAX + 12];
	snprintf(name, sizeof name, "%s.job.json", id);
	char *path = pictures_path(archive_dir, "", name);
	if (!path)
		return PICTURES_NOMEM;
	pictures_status st = PICTURES_OK;
	if (state == PICTURES_STATE_NONE || state == PICTURES_STATE_DONE) {
		if (unlink(path) != 0 && errno != ENOENT)
			st = PICTURES_IO;
		free(path);
		return st;
	}
	json_t *o = json_pack(
	    "{s:s, s:i, s:s, s:s}", "state", state == PICTURES_STATE_RUNNING ? "running" : "failed",
	    "progress", progress, "source", source ? source : "", "error", error ? error : "");
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (!text)
		st = PICTURES_NOMEM;
	else if (fs_replace_file_at(AT_FDCWD, path, text, strlen(text), 0644, false) != 0)
		st = PICTURES_IO;
	free(text);
	json_decref(o);
	free(path);
	return st;
}
