/* transcribe_engine: run the site's speech-recognition command once, the
 * contract README.md ("Speech recognition") documents:
 *
 * - the command is a shell command line, run as `/bin/sh -c COMMAND` in its
 *   own process group, in the job's work folder, stdin /dev/null;
 * - what it needs comes in environment variables (never spliced into the
 *   command line, so a prompt or a path cannot inject shell syntax);
 * - exit status 0 means success; any other status, a signal or the
 *   time-out is a failure, reported with the last line it wrote to stderr;
 * - a line on stdout or stderr holding "progress = N%" (whisper.cpp's
 *   --print-progress) is the job's progress;
 * - at the time-out, or when the caller asks it to stop, the whole process
 *   group gets SIGTERM, then SIGKILL 5 s later; the group is killed too
 *   once the command exits, so no straggler keeps writing.
 */
#ifndef QA_TRANSCRIBE_ENGINE_H
#define QA_TRANSCRIBE_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum transcribe_engine_status {
	TRANSCRIBE_ENGINE_OK = 0,
	TRANSCRIBE_ENGINE_FAILED,  /* exit status not 0, or killed by a signal: err says which */
	TRANSCRIBE_ENGINE_TIMEOUT, /* still running at the time-out: killed */
	TRANSCRIBE_ENGINE_STOPPED, /* the caller's stop flag was set: killed */
	TRANSCRIBE_ENGINE_START,   /* it could not be started (fork, pipe): err says why */
	TRANSCRIBE_ENGINE_NOMEM,
} transcribe_engine_status;

typedef struct transcribe_engine_run {
	const char *command;      /* the shell command line */
	const char *const *env;   /* "NAME=value" entries added to ours; NULL-terminated */
	const char *cwd;          /* where it runs */
	unsigned timeout_seconds; /* > 0 */
	/* Set by another thread to stop the run (may be NULL). */
	const atomic_bool *stop;
	/* Called with each new percentage the command reports (may be NULL). */
	void (*progress)(int percent, void *ctx);
	void *ctx;
} transcribe_engine_run;

const char *transcribe_engine_status_str(transcribe_engine_status status);

/* Run it and wait. Returns as above, with a one-line message in err for
 * every status but OK ("exited with status 2: model not found", "killed
 * by signal 9", "gave up after 600 s"). */
transcribe_engine_status transcribe_engine_exec(const transcribe_engine_run *run, char *err,
                                                size_t errlen);

/* The percentage in a line of output ("...: progress =  40%"), or -1. */
int transcribe_engine_progress(const char *line);

#endif
