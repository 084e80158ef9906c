/* transcribe_job: the state of a recording's speech-recognition job, on
 * disk so that the server, `qarchive transcribe` and `qarchive list` all
 * see it, and so that it outlives a restart:
 *
 *     .qarchive/transcribe/<id>.json   the job: queued, running or failed
 *     .qarchive/transcribe/<id>.lock   flock(2)ed by the process running it
 *     .qarchive/transcribe/work/<id>@<attempt>/  the WAV and the engine's
 *                                      output, made anew by each attempt
 *
 * A job that is done has no file: its result is the recording's
 * transcript.machine.vtt. A "running" job whose lock nobody holds was cut
 * short (the process died): it counts as queued and starts again from the
 * beginning. The file is replaced atomically (temp, fsync, rename), so a
 * reader sees the old state or the new one.
 */
#ifndef QA_TRANSCRIBE_JOB_H
#define QA_TRANSCRIBE_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define TRANSCRIBE_DIR      "transcribe"      /* under <archive>/.qarchive/ */
#define TRANSCRIBE_WORK_DIR "transcribe/work" /* the jobs' temp files */

typedef enum transcribe_job_status {
	TRANSCRIBE_JOB_OK = 0,
	TRANSCRIBE_JOB_NONE, /* no job for this recording */
	TRANSCRIBE_JOB_IO,   /* the state file or folder could not be read or written */
	TRANSCRIBE_JOB_NOMEM,
} transcribe_job_status;

typedef enum transcribe_state {
	TRANSCRIBE_STATE_QUEUED = 0,
	TRANSCRIBE_STATE_RUNNING,
	TRANSCRIBE_STATE_FAILED,
} transcribe_state;

typedef struct transcribe_job {
	transcribe_state state;
	time_t queued_at;  /* when it was queued (orders the queue) */
	time_t started_at; /* when the running attempt began; 0 when not running */
	int progress;      /* 0..100 as the engine reports it, or -1 when it does not */
	char message[400]; /* failed: why, one line for people; else "" */
} transcribe_job;

/* Static strings, never NULL. */
const char *transcribe_job_status_str(transcribe_job_status status);
const char *transcribe_state_str(transcribe_state state); /* "queued", "running", "failed" */

/* Read recording id's job into *job. TRANSCRIBE_JOB_NONE when there is
 * none (or the file does not parse: a torn state is no job). A "running"
 * job nobody holds the lock of is returned as queued. */
transcribe_job_status transcribe_job_read(const char *archive_dir, const char *id,
                                          transcribe_job *job);

/* Write id's job (making .qarchive/transcribe/ if needed), atomically. */
transcribe_job_status transcribe_job_write(const char *archive_dir, const char *id,
                                           const transcribe_job *job, char *err, size_t errlen);

/* Queue id unless it has a job already (queued, running or failed: a
 * failed job is queued again only when retry is true). *queued (may be
 * NULL) says whether a job was written. */
transcribe_job_status transcribe_job_queue(const char *archive_dir, const char *id, bool retry,
                                           bool *queued, char *err, size_t errlen);

/* Remove id's job file (ENOENT is fine). */
transcribe_job_status transcribe_job_remove(const char *archive_dir, const char *id);

/* The ids of the jobs to run (queued, or running with nobody holding the
 * lock), oldest queued first: *ids is a NULL-terminated array, caller
 * frees with transcribe_job_ids_free. */
transcribe_job_status transcribe_job_pending(const char *archive_dir, char ***ids, size_t *count);
void transcribe_job_ids_free(char **ids);

/* What people read about a job, one line, into buf: "queued for
 * transcription", "transcribing: 40%", "transcribing: 2m 05s" (elapsed,
 * when the engine reports no progress), "transcription failed: <why>". */
void transcribe_job_describe(const transcribe_job *job, time_t now, char *buf, size_t size);

/* The lock of id's job, taken without waiting: *fd is the open lock file
 * (close it to let go). TRANSCRIBE_JOB_OK, or TRANSCRIBE_JOB_NONE when
 * another process holds it (*fd -1), or TRANSCRIBE_JOB_IO. */
transcribe_job_status transcribe_job_lock(const char *archive_dir, const char *id, int *fd,
                                          char *err, size_t errlen);

#endif
