#include "transcribe_job.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "errmsg.h"
#include "file_io.h"
#include "fs_ops.h"
#include "path.h"
#include "recording.h"
#include "state_dirs.h"

/* A job file is a few hundred bytes; anything bigger is not ours. */
#define JOB_FILE_MAX 4096

const char *transcribe_job_status_str(transcribe_job_status status)
{
	switch (status) {
	case TRANSCRIBE_JOB_OK:
		return "ok";
	case TRANSCRIBE_JOB_NONE:
		return "no job";
	case TRANSCRIBE_JOB_IO:
		return "cannot read or write the job's state";
	case TRANSCRIBE_JOB_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

const char *transcribe_state_str(transcribe_state state)
{
	switch (state) {
	case TRANSCRIBE_STATE_QUEUED:
		return "queued";
	case TRANSCRIBE_STATE_RUNNING:
		return "running";
	case TRANSCRIBE_STATE_FAILED:
		return "failed";
	}
	return "queued";
}

/* "<archive>/.qarchive/transcribe/<id><suffix>"; caller frees. */
static char *job_path(const char *archive_dir, const char *id, const char *suffix)
{
	char name[sizeof TRANSCRIBE_DIR + RECORDING_ID_MAX + 16];
	snprintf(name, sizeof name, "%s/%s%s", TRANSCRIBE_DIR, id, suffix);
	return state_dirs_path(archive_dir, name);
}

/* Whether a process holds id's lock: a shared lock is refused while the
 * runner holds its exclusive one (and is let go at once otherwise). */
static bool lock_held(const char *archive_dir, const char *id)
{
	char *path = job_path(archive_dir, id, ".lock");
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	free(path);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

static bool parse(const char *data, size_t len, transcribe_job *job)
{
	json_t *o = json_loadb(data, len, 0, NULL);
	const char *state = json_string_value(json_object_get(o, "state"));
	bool ok = o && state;
	*job = (transcribe_job){.progress = -1};
	if (ok && strcmp(state, "running") == 0)
		job->state = TRANSCRIBE_STATE_RUNNING;
	else if (ok && strcmp(state, "failed") == 0)
		job->state = TRANSCRIBE_STATE_FAILED;
	else if (!ok || strcmp(state, "queued") != 0)
		ok = false;
	if (ok) {
		job->queued_at = (time_t)json_integer_value(json_object_get(o, "queued_at"));
		job->started_at = (time_t)json_integer_value(json_object_get(o, "started_at"));
		json_t *p = json_object_get(o, "progress");
		if (json_is_integer(p) && json_integer_value(p) >= 0 &&
		    json_integer_value(p) <= 100)
			job->progress = (int)json_integer_value(p);
		const char *m = json_string_value(json_object_get(o, "message"));
		snprintf(job->message, sizeof job->message, "%s", m ? m : "");
	}
	json_decref(o);
	return ok;
}

transcribe_job_status transcribe_job_read(const char *archive_dir, const char *id,
                                          transcribe_job *job)
{
	*job = (transcribe_job){.progress = -1};
	if (!recording_id_valid(id))
		return TRANSCRIBE_JOB_NONE;
	char *path = job_path(archive_dir, id, ".json");
	if (!path)
		return TRANSCRIBE_JOB_NOMEM;
	char buf[JOB_FILE_MAX];
	size_t len = 0;
	int e = file_read_head(path, buf, sizeof buf, &len);
	free(path);
	if (e == ENOENT)
		return TRANSCRIBE_JOB_NONE;
	if (e != 0)
		return TRANSCRIBE_JOB_IO;
	if (!parse(buf, len, job))
		return TRANSCRIBE_JOB_NONE;
	if (job->state == TRANSCRIBE_STATE_RUNNING && !lock_held(archive_dir, id)) {
		job->state = TRANSCRIBE_STATE_QUEUED;
		job->started_at = 0;
		job->progress = -1;
	}
	return TRANSCRIBE_JOB_OK;
}

static transcribe_job_status make_dir(const char *archive_dir, char *err, size_t errlen)
{
	char *dir = state_dirs_path(archive_dir, TRANSCRIBE_DIR);
	if (!dir)
		return TRANSCRIBE_JOB_NOMEM;
	transcribe_job_status st = TRANSCRIBE_JOB_OK;
	if (state_dirs_create(archive_dir, err, errlen) != ARCHIVE_OK ||
	    (mkdir(dir, STATE_DIRS_MODE) != 0 && errno != EEXIST)) {
		if (errno != 0)
			errmsg_set_errno(err, errlen, dir, errno);
		st = TRANSCRIBE_JOB_IO;
	}
	free(dir);
	return st;
}

transcribe_job_status transcribe_job_write(const char *archive_dir, const char *id,
                                           const transcribe_job *job, char *err, size_t errlen)
{
	transcribe_job_status st = make_dir(archive_dir, err, errlen);
	if (st != TRANSCRIBE_JOB_OK)
		return st;
	json_t *o = json_pack("{s:s, s:I, s:I, s:s}", "state", transcribe_state_str(job->state),
	                      "queued_at", (json_int_t)job->queued_at, "started_at",
	                      (json_int_t)job->started_at, "message", job->message);
	if (o && job->progress >= 0)
		json_object_set_new(o, "progress", json_integer(job->progress));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	char *path = job_path(archive_dir, id, ".json");
	json_decref(o);
	if (!text || !path) {
		st = TRANSCRIBE_JOB_NOMEM;
		goto out;
	}
	int e = fs_replace_file_at(AT_FDCWD, path, text, strlen(text), 0600, false);
	if (e == 0)
		e = fs_sync_parent(AT_FDCWD, path);
	if (e != 0) {
		errmsg_set_errno(err, errlen, path, e);
		st = e == ENOMEM ? TRANSCRIBE_JOB_NOMEM : TRANSCRIBE_JOB_IO;
	}
out:
	free(text);
	free(path);
	return st;
}

transcribe_job_status transcribe_job_queue(const char *archive_dir, const char *id, bool retry,
                                           bool *queued, char *err, size_t errlen)
{
	if (queued)
		*queued = false;
	transcribe_job job;
	transcribe_job_status st = transcribe_job_read(archive_dir, id, &job);
	if (st == TRANSCRIBE_JOB_OK && !(retry && job.state == TRANSCRIBE_STATE_FAILED))
		return TRANSCRIBE_JOB_OK;
	if (st != TRANSCRIBE_JOB_OK && st != TRANSCRIBE_JOB_NONE)
		return st;
	job = (transcribe_job){
	    .state = TRANSCRIBE_STATE_QUEUED, .queued_at = time(NULL), .progress = -1};
	st = transcribe_job_write(archive_dir, id, &job, err, errlen);
	if (queued)
		*queued = st == TRANSCRIBE_JOB_OK;
	return st;
}

transcribe_job_status transcribe_job_remove(const char *archive_dir, const char *id)
{
	char *path = job_path(archive_dir, id, ".json");
	if (!path)
		return TRANSCRIBE_JOB_NOMEM;
	int rc = unlink(path);
	free(path);
	return rc == 0 || errno == ENOENT ? TRANSCRIBE_JOB_OK : TRANSCRIBE_JOB_IO;
}

void transcribe_job_ids_free(char **ids)
{
	for (size_t i = 0; ids && ids[i]; i++)
		free(ids[i]);
	free(ids);
}

typedef struct pending_job {
	char *id;
	time_t queued_at;
} pending_job;

static int by_queued_at(const void *a, const void *b)
{
	const pending_job *x = a, *y = b;
	if (x->queued_at != y->queued_at)
		return x->queued_at < y->queued_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The id of a job file's name ("<id>.json"), or false. */
static bool job_file_id(const char *name, char id[RECORDING_ID_MAX + 1])
{
	size_t n = strlen(name);
	if (n <= 5 || n - 5 > RECORDING_ID_MAX || strcmp(name + n - 5, ".json") != 0)
		return false;
	memcpy(id, name, n - 5);
	id[n - 5] = '\0';
	return recording_id_valid(id);
}

/* Add dir's pending jobs to *list. */
static transcribe_job_status collect(const char *archive_dir, DIR *d, pending_job **list,
                                     size_t *count)
{
	size_t cap = 0;
	struct dirent *e;
	char id[RECORDING_ID_MAX + 1];
	while ((e = readdir(d))) {
		transcribe_job job;
		if (!job_file_id(e->d_name, id) ||
		    transcribe_job_read(archive_dir, id, &job) != TRANSCRIBE_JOB_OK ||
		    job.state != TRANSCRIBE_STATE_QUEUED)
			continue;
		if (*count == cap) {
			cap = cap ? cap * 2 : 16;
			pending_job *more = realloc(*list, cap * sizeof *more);
			if (!more)
				return TRANSCRIBE_JOB_NOMEM;
			*list = more;
		}
		if (!((*list)[*count].id = strdup(id)))
			return TRANSCRIBE_JOB_NOMEM;
		(*list)[(*count)++].queued_at = job.queued_at;
	}
	return TRANSCRIBE_JOB_OK;
}

transcribe_job_status transcribe_job_pending(const char *archive_dir, char ***ids, size_t *count)
{
	*ids = NULL;
	*count = 0;
	char *dir = state_dirs_path(archive_dir, TRANSCRIBE_DIR);
	if (!dir)
		return TRANSCRIBE_JOB_NOMEM;
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return errno == ENOENT ? TRANSCRIBE_JOB_OK : TRANSCRIBE_JOB_IO;
	pending_job *list = NULL;
	size_t n = 0;
	transcribe_job_status st = collect(archive_dir, d, &list, &n);
	closedir(d);
	char **out = st == TRANSCRIBE_JOB_OK ? calloc(n + 1, sizeof *out) : NULL;
	if (st == TRANSCRIBE_JOB_OK && !out)
		st = TRANSCRIBE_JOB_NOMEM;
	if (out) {
		if (n > 0)
			qsort(list, n, sizeof *list, by_queued_at);
		for (size_t i = 0; i < n; i++)
			out[i] = list[i].id;
		*ids = out;
		*count = n;
	} else {
		for (size_t i = 0; i < n; i++)
			free(list[i].id);
	}
	free(list);
	return st;
}

void transcribe_job_describe(const transcribe_job *job, time_t now, char *buf, size_t size)
{
	switch (job->state) {
	case TRANSCRIBE_STATE_QUEUED:
		snprintf(buf, size, "queued for transcription");
		return;
	case TRANSCRIBE_STATE_RUNNING:
		if (job->progress >= 0) {
			snprintf(buf, size, "transcribing: %d%%", job->progress);
		} else {
			long s = job->started_at && now > job->started_at
			             ? (long)(now - job->started_at)
			             : 0;
			snprintf(buf, size, "transcribing: %ldm %02lds", s / 60, s % 60);
		}
		return;
	case TRANSCRIBE_STATE_FAILED:
		snprintf(buf, size, "transcription failed: %s", job->message);
		return;
	}
	snprintf(buf, size, "queued for transcription");
}

transcribe_job_status transcribe_job_lock(const char *archive_dir, const char *id, int *fd,
                                          char *err, size_t errlen)
{
	*fd = -1;
	transcribe_job_status st = make_dir(archive_dir, err, errlen);
	if (st != TRANSCRIBE_JOB_OK)
		return st;
	char *path = job_path(archive_dir, id, ".lock");
	if (!path)
		return TRANSCRIBE_JOB_NOMEM;
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0) {
		errmsg_set_errno(err, errlen, path, errno);
		free(path);
		return TRANSCRIBE_JOB_IO;
	}
	free(path);
	if (fs_lock(f) != 0) {
		close(f);
		errmsg_set(err, errlen, "%s is being transcribed by another process", id);
		return TRANSCRIBE_JOB_NONE;
	}
	*fd = f;
	return TRANSCRIBE_JOB_OK;
}
