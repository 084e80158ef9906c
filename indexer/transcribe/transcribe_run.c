#include "transcribe_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
#include "file_io.h"
#include "fs_ops.h"
#include "index_update.h"
#include "media_subtitles.h"
#include "media_wav.h"
#include "path.h"
#include "state_dirs.h"
#include "transcribe_engine.h"
#include "transcribe_job.h"
#include "transcribe_identifiers.h"
#include "transcribe_prompt.h"
#include "transcript.h"

const char *transcribe_status_str(transcribe_status status)
{
	switch (status) {
	case TRANSCRIBE_OK:
		return "transcribed";
	case TRANSCRIBE_NOT_NEEDED:
		return "not needed";
	case TRANSCRIBE_NOT_FOUND:
		return "no such recording";
	case TRANSCRIBE_BUSY:
		return "being transcribed by another process";
	case TRANSCRIBE_FAILED:
		return "transcription failed";
	case TRANSCRIBE_STOPPED:
		return "stopped";
	case TRANSCRIBE_IO:
		return "cannot write the archive";
	case TRANSCRIBE_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

bool transcribe_needed(const recording *rec, char *why, size_t whylen)
{
	errmsg_set(why, whylen, "%s", "");
	if (rec->transcript_path) {
		errmsg_set(why, whylen, "%s",
		           rec->transcript_machine ? "it has a machine transcript"
		                                   : "it has a transcript");
		return false;
	}
	if (!rec->media_path) {
		errmsg_set(why, whylen, "it has no media");
		return false;
	}
	media_subtitles subs = MEDIA_SUBTITLES_INIT;
	media_status ms = media_subtitles_read_file(rec->media_path, -1, &subs);
	media_subtitles_free(&subs);
	/* A subtitle stream that does not decode is as good as none. */
	if (ms == MEDIA_OK) {
		errmsg_set(why, whylen, "its media has a subtitle stream");
		return false;
	}
	return true;
}

/* One run: the config, the recording, and its job as last written. */
typedef struct job_run {
	const transcribe_config *cfg;
	const char *id;
	transcribe_job job;
	char *work; /* .qarchive/transcribe/work/<id> */
	char *wav;  /* work/audio.wav */
	char *out;  /* work/transcript (the engine's -of) */
	char *vtt;  /* work/transcript.vtt */
	double seconds;
} job_run;

static void save(job_run *r)
{
	/* A state that cannot be written only costs the display of progress. */
	transcribe_job_write(r->cfg->archive_dir, r->id, &r->job, NULL, 0);
}

static void on_progress(int percent, void *ctx)
{
	job_run *r = ctx;
	r->job.progress = percent;
	save(r);
	if (r->cfg->progress)
		r->cfg->progress(r->id, percent, r->cfg->ctx);
}

static transcribe_status fail(job_run *r, const char *message, char *err, size_t errlen)
{
	r->job.state = TRANSCRIBE_STATE_FAILED;
	r->job.progress = -1;
	snprintf(r->job.message, sizeof r->job.message, "%s", message);
	save(r);
	errmsg_set(err, errlen, "%s", message);
	return TRANSCRIBE_FAILED;
}

static char *join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

/* Remove what earlier attempts at id left in base ("<id>@<n>" folders; no
 * id holds '@', so another recording's never matches):
 * an engine a killed server started may still be writing into its own. */
static int remove_attempts(const char *base, const char *id)
{
	DIR *d = opendir(base);
	if (!d)
		return errno == ENOENT ? 0 : errno;
	int dfd = dirfd(d), e = 0;
	size_t n = strlen(id);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, id, n) == 0 && de->d_name[n] == '@' && !e)
			e = fs_remove_tree_at(dfd, de->d_name);
	closedir(d);
	return e;
}

/* A fresh work folder of this attempt, "<id>@<pid>-<time>" (an engine
 * left by a killed server never writes into it), and the paths in it. */
static transcribe_status make_work(job_run *r, char *err, size_t errlen)
{
	char *base = state_dirs_path(r->cfg->archive_dir, TRANSCRIBE_WORK_DIR);
	char name[RECORDING_ID_MAX + 48];
	snprintf(name, sizeof name, "%s@%ld-%lld", r->id, (long)getpid(), (long long)time(NULL));
	if (!base || !(r->work = path_join(base, name))) {
		free(base);
		return TRANSCRIBE_NOMEM;
	}
	int e = mkdir(base, 0700) != 0 && errno != EEXIST ? errno : 0;
	if (e == 0)
		e = remove_attempts(base, r->id);
	if (e == 0 && mkdir(r->work, 0700) != 0)
		e = errno;
	free(base);
	if (e != 0) {
		errmsg_set_errno(err, errlen, r->work, e);
		return TRANSCRIBE_IO;
	}
	/* The engine runs in the work folder: its paths must not be relative
	 * to ours. */
	char *abs = realpath(r->work, NULL);
	if (!abs) {
		errmsg_set_errno(err, errlen, r->work, errno);
		return errno == ENOMEM ? TRANSCRIBE_NOMEM : TRANSCRIBE_IO;
	}
	free(r->work);
	r->work = abs;
	if (!(r->wav = path_join(r->work, "audio.wav")) ||
	    !(r->out = path_join(r->work, "transcript")) || !(r->vtt = join3(r->out, ".vtt", "")))
		return TRANSCRIBE_NOMEM;
	return TRANSCRIBE_OK;
}

static transcribe_status decode(job_run *r, const recording *rec, char *err, size_t errlen)
{
	int fd = open(r->wav, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		errmsg_set_errno(err, errlen, r->wav, errno);
		return TRANSCRIBE_IO;
	}
	char why[300];
	uint64_t samples = 0;
	media_status ms = media_wav_write(rec->media_path, fd, &samples, why, sizeof why);
	close(fd);
	if (ms == MEDIA_NOMEM)
		return TRANSCRIBE_NOMEM;
	if (ms != MEDIA_OK) {
		char msg[400];
		snprintf(msg, sizeof msg, "cannot decode the audio: %s", why);
		return fail(r, msg, err, errlen);
	}
	r->seconds = (double)samples / MEDIA_WAV_RATE;
	return TRANSCRIBE_OK;
}

/* The archive's vocabulary as a prompt ("" when there is none to give):
 * its synonyms.txt, the identifiers said in its other recordings, the
 * built-in list. */
static char *prompt(const char *archive_dir, const char *id)
{
	char *path = path_join(archive_dir, INDEX_SYNONYMS_FILE), *text = NULL;
	size_t len = 0;
	if (path && file_read_all(path, &text, &len) != 0)
		text = NULL, len = 0;
	/* More than a 480-byte prompt can hold: the prompt cuts where it fills. */
	char *identifiers = transcribe_identifiers(archive_dir, id, 64);
	char *p = identifiers ? transcribe_prompt_make(text, len, identifiers) : NULL;
	free(identifiers);
	free(text);
	free(path);
	return p;
}

static transcribe_status run_engine(job_run *r, char *err, size_t errlen)
{
	char *vocabulary = prompt(r->cfg->archive_dir, r->id);
	char seconds[32];
	snprintf(seconds, sizeof seconds, "%.3f", r->seconds);
	char *env[] = {join3("QARCHIVE_WAV=", r->wav, ""),
	               join3("QARCHIVE_VTT=", r->vtt, ""),
	               join3("QARCHIVE_OUT=", r->out, ""),
	               vocabulary ? join3("QARCHIVE_PROMPT=", vocabulary, "") : NULL,
	               join3("QARCHIVE_SECONDS=", seconds, ""),
	               join3("QARCHIVE_RECORDING=", r->id, ""),
	               NULL};
	size_t n = sizeof env / sizeof env[0] - 1;
	transcribe_status st = TRANSCRIBE_NOMEM;
	bool all = true;
	for (size_t i = 0; i < n; i++)
		all = all && env[i];
	if (!all)
		goto out;
	unsigned timeout = r->cfg->timeout_seconds;
	if (timeout == 0)
		timeout =
		    TRANSCRIBE_TIMEOUT_BASE + (unsigned)(TRANSCRIBE_TIMEOUT_FACTOR * r->seconds);
	transcribe_engine_run run = {.command = r->cfg->command,
	                             .env = (const char *const *)env,
	                             .cwd = r->work,
	                             .timeout_seconds = timeout,
	                             .stop = r->cfg->stop,
	                             .progress = on_progress,
	                             .ctx = r};
	char why[300];
	transcribe_engine_status es = transcribe_engine_exec(&run, why, sizeof why);
	if (es == TRANSCRIBE_ENGINE_OK) {
		st = TRANSCRIBE_OK;
	} else if (es == TRANSCRIBE_ENGINE_STOPPED) {
		st = TRANSCRIBE_STOPPED;
	} else if (es != TRANSCRIBE_ENGINE_NOMEM) {
		st = fail(r, why, err, errlen);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(env[i]);
	free(vocabulary);
	return st;
}

/* What the engine wrote, checked: it must exist, be at most
 * TRANSCRIBE_VTT_MAX bytes and parse as WebVTT. */
static transcribe_status read_result(job_run *r, char **data, size_t *len, char *err, size_t errlen)
{
	char msg[400];
	struct stat s;
	if (stat(r->vtt, &s) != 0 || !S_ISREG(s.st_mode))
		return fail(r,
		            "the transcriber exited with status 0 but wrote no WebVTT file "
		            "at $QARCHIVE_VTT",
		            err, errlen);
	if ((uintmax_t)s.st_size > TRANSCRIBE_VTT_MAX) {
		snprintf(msg, sizeof msg, "the transcriber's WebVTT is larger than %u MB",
		         TRANSCRIBE_VTT_MAX >> 20);
		return fail(r, msg, err, errlen);
	}
	int e = file_read_all(r->vtt, data, len);
	if (e != 0)
		return e == ENOMEM ? TRANSCRIBE_NOMEM
		                   : fail(r, "cannot read the transcriber's WebVTT", err, errlen);
	transcript t = TRANSCRIPT_INIT;
	transcript_status ts =
	    transcript_parse(*data, *len, TRANSCRIPT_WEBVTT, "transcript.vtt", &t);
	if (ts == TRANSCRIPT_INVALID)
		snprintf(msg, sizeof msg, "the transcriber's WebVTT does not parse: %s", t.error);
	transcript_free(&t);
	if (ts == TRANSCRIPT_NOMEM)
		return TRANSCRIBE_NOMEM;
	if (ts != TRANSCRIPT_OK)
		return fail(r, msg, err, errlen);
	return TRANSCRIBE_OK;
}

/* Put the checked WebVTT in the recording's folder, unless people gave it
 * a transcript meanwhile (theirs wins: the machine's is dropped). */
static transcribe_status install(job_run *r, const char *data, size_t len, char *err, size_t errlen)
{
	char *dir = path_join(r->cfg->archive_dir, r->id);
	recording rec = RECORDING_INIT;
	transcribe_status st = TRANSCRIBE_OK;
	if (!dir)
		return TRANSCRIBE_NOMEM;
	if (recording_load_dir(dir, &rec, NULL, 0) != RECORDING_OK) {
		st = TRANSCRIBE_NOT_FOUND;
		errmsg_set(err, errlen, "%s: the recording went away while it was transcribed",
		           r->id);
		goto out;
	}
	if (rec.transcript_path && !rec.transcript_machine) {
		st = TRANSCRIBE_NOT_NEEDED;
		errmsg_set(err, errlen, "%s: a transcript was added meanwhile: it stays", r->id);
		goto out;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = dfd < 0
	            ? errno
	            : fs_replace_file_at(dfd, RECORDING_MACHINE_TRANSCRIPT, data, len, 0644, false);
	if (e == 0)
		e = fs_sync_dir(dfd, NULL);
	if (dfd >= 0)
		close(dfd);
	if (e != 0) {
		errmsg_set_errno(err, errlen, dir, e);
		st = e == ENOMEM ? TRANSCRIBE_NOMEM : TRANSCRIBE_IO;
	}
out:
	recording_free(&rec);
	free(dir);
	return st;
}

/* Index the recording with its new transcript. A busy or failing index
 * does not undo the transcript: the next `qarchive index` takes it. */
static void reindex(job_run *r, char *err, size_t errlen)
{
	char why[400];
	index_update_status us = index_update_recording(
	    r->cfg->archive_dir, r->id, INDEX_UPDATE_WAIT_MS, NULL, why, sizeof why);
	if (us != INDEX_UPDATE_OK)
		errmsg_set(err, errlen,
		           "%s: transcribed, but not indexed yet (%s); `qarchive index` "
		           "will index it",
		           r->id, why);
}

/* Load recording id and decide whether it needs the engine; when it does
 * not, its job (if any) is dropped. */
static transcribe_status check_recording(const transcribe_config *cfg, const char *id,
                                         recording *rec, char *err, size_t errlen)
{
	char why[200];
	char *dir = recording_id_valid(id) ? path_join(cfg->archive_dir, id) : NULL;
	if (recording_id_valid(id) && !dir)
		return TRANSCRIBE_NOMEM;
	recording_status rs =
	    dir ? recording_load_dir(dir, rec, why, sizeof why) : RECORDING_BAD_ID;
	free(dir);
	if (rs == RECORDING_NOMEM)
		return TRANSCRIBE_NOMEM;
	if (rs != RECORDING_OK) {
		transcribe_job_remove(cfg->archive_dir, id);
		errmsg_set(err, errlen, "%s: no such recording", id);
		return TRANSCRIBE_NOT_FOUND;
	}
	if (!transcribe_needed(rec, why, sizeof why)) {
		transcribe_job_remove(cfg->archive_dir, id);
		errmsg_set(err, errlen, "%s: nothing to transcribe: %s", id, why);
		return TRANSCRIBE_NOT_NEEDED;
	}
	return TRANSCRIBE_OK;
}

/* Steps 2 to 4 (transcribe_run.h), under the job's lock. */
static transcribe_status run_locked(job_run *r, const recording *rec, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	transcribe_status st;
	r->job.state = TRANSCRIBE_STATE_RUNNING;
	r->job.started_at = time(NULL);
	r->job.progress = -1;
	r->job.message[0] = '\0';
	save(r);
	if (r->cfg->progress)
		r->cfg->progress(r->id, -1, r->cfg->ctx);
	if ((st = make_work(r, err, errlen)) != TRANSCRIBE_OK ||
	    (st = decode(r, rec, err, errlen)) != TRANSCRIBE_OK ||
	    (st = run_engine(r, err, errlen)) != TRANSCRIBE_OK ||
	    (st = read_result(r, &data, &len, err, errlen)) != TRANSCRIBE_OK)
		goto out;
	st = install(r, data, len, err, errlen);
	if (st == TRANSCRIBE_OK || st == TRANSCRIBE_NOT_NEEDED || st == TRANSCRIBE_NOT_FOUND)
		transcribe_job_remove(r->cfg->archive_dir, r->id);
	if (st == TRANSCRIBE_OK)
		reindex(r, err, errlen);
out:
	if (st == TRANSCRIBE_STOPPED) {
		/* Started again from the beginning by the next worker. */
		r->job = (transcribe_job){.state = TRANSCRIBE_STATE_QUEUED,
		                          .queued_at = r->job.queued_at,
		                          .progress = -1};
		save(r);
		errmsg_set(err, errlen, "%s: stopped; queued again", r->id);
	} else if (st == TRANSCRIBE_IO || st == TRANSCRIBE_NOMEM) {
		fail(r, st == TRANSCRIBE_IO ? err : "out of memory", NULL, 0);
	}
	free(data);
	return st;
}

transcribe_status transcribe_recording(const transcribe_config *cfg, const char *id, char *err,
                                       size_t errlen)
{
	recording rec = RECORDING_INIT;
	int lock = -1;
	errmsg_set(err, errlen, "%s", "");
	transcribe_status st = check_recording(cfg, id, &rec, err, errlen);
	if (st != TRANSCRIBE_OK)
		goto out;
	transcribe_job_status js = transcribe_job_lock(cfg->archive_dir, id, &lock, err, errlen);
	if (js != TRANSCRIBE_JOB_OK) {
		st = js == TRANSCRIBE_JOB_NONE    ? TRANSCRIBE_BUSY
		     : js == TRANSCRIBE_JOB_NOMEM ? TRANSCRIBE_NOMEM
		                                  : TRANSCRIBE_IO;
		goto out;
	}
	job_run r = {.cfg = cfg, .id = id};
	if (transcribe_job_read(cfg->archive_dir, id, &r.job) != TRANSCRIBE_JOB_OK)
		r.job.queued_at = time(NULL);
	st = run_locked(&r, &rec, err, errlen);
	if (r.work)
		fs_remove_tree_at(AT_FDCWD, r.work);
	free(r.work);
	free(r.wav);
	free(r.out);
	free(r.vtt);
out:
	if (lock >= 0)
		close(lock);
	recording_free(&rec);
	return st;
}
