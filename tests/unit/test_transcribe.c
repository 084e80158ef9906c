/* transcribe: the job's state on disk, the engine runner (exit status,
 * progress lines, environment, time-out, stop), and the prompt's bound. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "test_fs.h"
#include "transcribe_engine.h"
#include "transcribe_job.h"
#include "transcribe_identifiers.h"
#include "transcribe_prompt.h"

static char *archive;

static void test_progress_lines(void)
{
	CHECK(transcribe_engine_progress("whisper_print_progress_callback: progress =  40%") == 40);
	CHECK(transcribe_engine_progress("progress = 100%") == 100);
	CHECK(transcribe_engine_progress("progress =   5%") == 5);
	CHECK(transcribe_engine_progress("progress = 101%") == -1);
	CHECK(transcribe_engine_progress("progress = %") == -1);
	CHECK(transcribe_engine_progress("progress = 40") == -1);
	CHECK(transcribe_engine_progress("[00:00:01.000 --> 00:00:02.000]  hello") == -1);
}

static void test_prompt(void)
{
	const char site[] = "quokkaflow, quokka flow\n# a comment\nfsdp, fully sharded\n";
	char *p = transcribe_prompt_make(site, strlen(site), NULL);
	CHECK(p && strncmp(p, "Glossary: quokkaflow, fsdp, pytorch,", 36) == 0);
	CHECK(p && strlen(p) <= TRANSCRIBE_PROMPT_MAX && p[strlen(p) - 1] == '.');
	/* fsdp is the site's and the built-in list's: said once. */
	const char *first = p ? strstr(p, " fsdp,") : NULL;
	CHECK(first && !strstr(first + 1, " fsdp,") && !strstr(first + 1, " fsdp."));
	free(p);
	/* A huge synonyms.txt still makes a bounded prompt. */
	size_t cap = 200000, n = 0;
	char *big = malloc(cap);
	for (int i = 0; n + 64 < cap; i++)
		n += (size_t)snprintf(big + n, cap - n, "term%05d, spoken term %d\n", i, i);
	p = transcribe_prompt_make(big, n, NULL);
	CHECK(p && strlen(p) <= TRANSCRIBE_PROMPT_MAX && strstr(p, "term00000, term00001"));
	free(p);
	free(big);
	/* A file that does not parse leaves the built-in vocabulary. */
	p = transcribe_prompt_make("a, b\n= broken", 13, NULL);
	CHECK(p && strncmp(p, "Glossary: pytorch,", 18) == 0);
	free(p);
	/* The archive's identifiers come after the site's terms and before the
	 * built-in list; one holding a ',' would split, so it is left out. */
	p = transcribe_prompt_make(site, strlen(site),
	                           "torch.compile\nfsdp\nbad,one\nmax-autotune");
	CHECK(p && strncmp(p, "Glossary: quokkaflow, fsdp, torch.compile, max-autotune, pytorch,",
	                   65) == 0);
	CHECK(p && !strstr(p, "bad"));
	free(p);
}

/* The identifiers said in the bundled archive: torch.compile is said in
 * five of its recordings, more than any other code-like one. */
static void test_identifiers(void)
{
	char *ids = transcribe_identifiers(QA_TRANSCRIPTS_DIR, NULL, 8);
	CHECK(ids && strncmp(ids, "torch.compile\n", 14) == 0);
	size_t lines = 0;
	for (const char *p = ids; p && *p; p++)
		lines += *p == '\n';
	CHECK(ids && lines == 7);
	free(ids);
	ids = transcribe_identifiers(QA_TRANSCRIPTS_DIR, NULL, 0);
	CHECK(ids && ids[0] == '\0');
	free(ids);
	ids = transcribe_identifiers("/nonexistent-archive", NULL, 8);
	CHECK(ids && ids[0] == '\0');
	free(ids);
}

static void test_job_state(void)
{
	char err[300];
	bool queued = false;
	transcribe_job job;
	CHECK(transcribe_job_read(archive, "r1", &job) == TRANSCRIBE_JOB_NONE);
	CHECK(transcribe_job_queue(archive, "r2", false, &queued, err, sizeof err) ==
	          TRANSCRIBE_JOB_OK &&
	      queued);
	transcribe_job early = {.state = TRANSCRIBE_STATE_QUEUED, .queued_at = 100, .progress = -1};
	CHECK(transcribe_job_write(archive, "r1", &early, err, sizeof err) == TRANSCRIBE_JOB_OK);
	char **ids = NULL;
	size_t n = 0;
	CHECK(transcribe_job_pending(archive, &ids, &n) == TRANSCRIBE_JOB_OK && n == 2 &&
	      strcmp(ids[0], "r1") == 0 && strcmp(ids[1], "r2") == 0);
	transcribe_job_ids_free(ids);
	/* "running" with nobody holding the lock: cut short, so queued. */
	transcribe_job run = {
	    .state = TRANSCRIBE_STATE_RUNNING, .queued_at = 100, .started_at = 5, .progress = 40};
	CHECK(transcribe_job_write(archive, "r1", &run, err, sizeof err) == TRANSCRIBE_JOB_OK);
	CHECK(transcribe_job_read(archive, "r1", &job) == TRANSCRIBE_JOB_OK &&
	      job.state == TRANSCRIBE_STATE_QUEUED && job.progress == -1);
	/* Held: it reads as running, with its progress, and is not pending. */
	int lock = -1;
	CHECK(transcribe_job_lock(archive, "r1", &lock, err, sizeof err) == TRANSCRIBE_JOB_OK);
	int other = -1;
	CHECK(transcribe_job_lock(archive, "r1", &other, err, sizeof err) == TRANSCRIBE_JOB_NONE &&
	      other == -1 && strstr(err, "another process"));
	CHECK(transcribe_job_read(archive, "r1", &job) == TRANSCRIBE_JOB_OK &&
	      job.state == TRANSCRIBE_STATE_RUNNING && job.progress == 40);
	char text[600];
	transcribe_job_describe(&job, time(NULL), text, sizeof text);
	CHECK_STR(text, "transcribing: 40%");
	job.progress = -1;
	transcribe_job_describe(&job, 5 + 125, text, sizeof text);
	CHECK_STR(text, "transcribing: 2m 05s");
	CHECK(transcribe_job_pending(archive, &ids, &n) == TRANSCRIBE_JOB_OK && n == 1 &&
	      strcmp(ids[0], "r2") == 0);
	transcribe_job_ids_free(ids);
	close(lock);
	/* A failed job is queued again only when asked. */
	transcribe_job failed = {.state = TRANSCRIBE_STATE_FAILED, .queued_at = 1, .progress = -1};
	snprintf(failed.message, sizeof failed.message, "the transcriber exited with status 2");
	CHECK(transcribe_job_write(archive, "r3", &failed, err, sizeof err) == TRANSCRIBE_JOB_OK);
	CHECK(transcribe_job_queue(archive, "r3", false, &queued, err, sizeof err) ==
	          TRANSCRIBE_JOB_OK &&
	      !queued);
	CHECK(transcribe_job_read(archive, "r3", &job) == TRANSCRIBE_JOB_OK);
	transcribe_job_describe(&job, 0, text, sizeof text);
	CHECK_STR(text, "transcription failed: the transcriber exited with status 2");
	CHECK(transcribe_job_queue(archive, "r3", true, &queued, err, sizeof err) ==
	          TRANSCRIBE_JOB_OK &&
	      queued);
	CHECK(transcribe_job_remove(archive, "r3") == TRANSCRIBE_JOB_OK &&
	      transcribe_job_read(archive, "r3", &job) == TRANSCRIBE_JOB_NONE);
	/* A torn or foreign file is no job. */
	char *dir = tfs_path_join(archive, ".qarchive/transcribe");
	tfs_write_file(dir, "r4.json", "{\"state\": \"runn");
	CHECK(transcribe_job_read(archive, "r4", &job) == TRANSCRIBE_JOB_NONE);
	CHECK(transcribe_job_read(archive, "../x", &job) == TRANSCRIBE_JOB_NONE);
	free(dir);
}

static int seen_progress;

static void on_progress(int percent, void *ctx)
{
	(void)ctx;
	seen_progress = percent;
}

static transcribe_engine_status exec_cmd(const char *command, const char *const *env,
                                         unsigned timeout, const atomic_bool *stop, char *err,
                                         size_t errlen)
{
	transcribe_engine_run run = {.command = command,
	                             .env = env,
	                             .cwd = archive,
	                             .timeout_seconds = timeout,
	                             .stop = stop,
	                             .progress = on_progress};
	return transcribe_engine_exec(&run, err, errlen);
}

static void test_engine(void)
{
	char err[400] = "";
	seen_progress = -1;
	CHECK(exec_cmd("echo 'x: progress =  50%' >&2; echo 'model not found' >&2; exit 3", NULL,
	               10, NULL, err, sizeof err) == TRANSCRIBE_ENGINE_FAILED);
	CHECK_STR(err, "the transcriber exited with status 3: model not found");
	CHECK(seen_progress == 50);
	/* Bytes that are not printable ASCII do not reach the message as such. */
	CHECK(exec_cmd("printf 'bad \\377\\001 bytes\\n' >&2; exit 1", NULL, 10, NULL, err,
	               sizeof err) == TRANSCRIBE_ENGINE_FAILED);
	CHECK_STR(err, "the transcriber exited with status 1: bad ?? bytes");
	/* Values arrive as they are, with no shell reading them. */
	const char *env[] = {"QA_VALUE=a \"b\"; $(false) `c`", NULL};
	CHECK(exec_cmd("test \"$QA_VALUE\" = 'a \"b\"; $(false) `c`'", env, 10, NULL, err,
	               sizeof err) == TRANSCRIBE_ENGINE_OK);
	CHECK(exec_cmd("kill -9 $$", NULL, 10, NULL, err, sizeof err) == TRANSCRIBE_ENGINE_FAILED &&
	      strstr(err, "signal 9"));
	time_t t0 = time(NULL);
	CHECK(exec_cmd("sleep 30", NULL, 1, NULL, err, sizeof err) == TRANSCRIBE_ENGINE_TIMEOUT);
	CHECK(time(NULL) - t0 < 10 && strstr(err, "still running after 1 s"));
	/* A stop request ends a run at once; SIGTERM is enough for sleep. */
	atomic_bool stop;
	atomic_init(&stop, true);
	t0 = time(NULL);
	CHECK(exec_cmd("sleep 30", NULL, 60, &stop, err, sizeof err) == TRANSCRIBE_ENGINE_STOPPED);
	CHECK(time(NULL) - t0 < 10);
	/* A command that does not exist: the shell's status 127. */
	CHECK(exec_cmd("/no/such/engine -f x", NULL, 10, NULL, err, sizeof err) ==
	          TRANSCRIBE_ENGINE_FAILED &&
	      strstr(err, "status 127"));
}

int main(void)
{
	archive = tfs_make_tmpdir("transcribe");
	RUN(test_progress_lines);
	RUN(test_prompt);
	RUN(test_identifiers);
	RUN(test_job_state);
	RUN(test_engine);
	tfs_rm_rf(archive);
	free(archive);
	return harness_finish();
}
