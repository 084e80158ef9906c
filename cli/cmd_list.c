/* qarchive list: the recordings the index holds, as the index sees them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "index_update.h"
#include "json_out.h"
#include "recordings_list.h"
#include "transcribe_job.h"
#include "xindex.h"

static const char usage[] =
    "usage: qarchive list [--json] [--archive DIR]\n\n"
    "List the indexed recordings, newest first (those of one date by title, as\n"
    "the web pages list them): date, kind, release, whether a transcript was\n"
    "found (from a file or the media's subtitle stream; \"machine transcript\"\n"
    "when speech recognition made it), or where its transcription stands\n"
    "(\"transcribing: 40%\", \"transcription failed\" and why), cues, and title.\n"
    "--json prints each recording's full summary, with \"transcription\":\n"
    "{\"state\", \"progress\", \"message\", \"text\"} while a job exists.\n\n"
    "Exit status: 0 listed, 2 usage error, no index, or the index is damaged.\n";

/* The recording's transcription job, if it has no transcript: into the
 * summary r as "transcription", and its one-line text into text. */
static void add_job(const char *archive, json_t *r, char *text, size_t size)
{
	transcribe_job job;
	const char *id = json_string_value(json_object_get(r, "id"));
	text[0] = '\0';
	if (!id || json_is_true(json_object_get(r, "has_transcript")) ||
	    transcribe_job_read(archive, id, &job) != TRANSCRIBE_JOB_OK)
		return;
	transcribe_job_describe(&job, time(NULL), text, size);
	json_t *o = json_pack("{s:s, s:s, s:s}", "state", transcribe_state_str(job.state),
	                      "message", job.message, "text", text);
	if (o)
		json_object_set_new(o, "progress",
		                    job.progress >= 0 ? json_integer(job.progress) : json_null());
	json_object_set_new(r, "transcription", o);
}

/* What the transcript column says. */
static const char *transcript_column(json_t *r, const char *job)
{
	const char *made = json_string_value(json_object_get(r, "transcript"));
	if (json_is_true(json_object_get(r, "has_transcript")))
		return made && strcmp(made, "machine") == 0 ? "machine transcript" : "transcript";
	if (strncmp(job, "transcription failed", 20) == 0)
		return "transcription failed";
	return job[0] ? job : "no transcript";
}

int cmd_list(int argc, char **argv)
{
	enum { OPT_ARCHIVE, OPT_JSON, NOPTS };
	static const cli_option options[] = {
	    {"--archive", OPT_ARCHIVE, true, 0},
	    {"--json", OPT_JSON, false, 0},
	    {NULL, 0, false, 0},
	};
	const char *given[NOPTS] = {NULL};
	cli_args_status parsed = cli_args_parse_simple("list", usage, options, argc, argv, given);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	const char *archive_flag = given[OPT_ARCHIVE];
	bool json = given[OPT_JSON] != NULL;
	int rc = EXIT_USAGE;
	char *archive = NULL, *path = NULL, *err = NULL;
	qx_db *db = NULL;
	json_t *sorted = NULL;
	if (archive_resolve_dir(archive_flag, &archive) != ARCHIVE_OK ||
	    !(path = index_path(archive))) {
		fputs("qarchive list: out of memory\n", stderr);
		goto out;
	}
	qx_status st = qx_db_open(path, false, &db, &err);
	json_t *shared = NULL;
	if (st == QX_OK)
		st = recordings_list_newest(db, &shared);
	/* The list is shared (recordings_list.h): each summary gets its
	 * transcription job below, so this is a copy of it. */
	if (st == QX_OK && !(sorted = json_deep_copy(shared)))
		st = QX_NOMEM;
	json_decref(shared);
	if (st != QX_OK) {
		const char *why = db ? qx_db_errmsg(db) : err;
		char damaged[512];
		if (st == QX_CORRUPT) {
			index_damaged_message(why, damaged, sizeof damaged);
			why = damaged;
		} else if (st == QX_NOT_FOUND) {
			why = "no index yet: run `qarchive index`";
		} else if (!why || !why[0]) {
			why = qx_status_str(st);
		}
		fprintf(stderr, "qarchive list: %s: %s\n", archive, why);
		goto out;
	}
	size_t n = json_array_size(sorted);
	char job[sizeof((transcribe_job){0}.message) + 64];
	for (size_t i = 0; i < n; i++)
		add_job(archive, json_array_get(sorted, i), job, sizeof job);
	if (json) {
		rc = json_out_print(sorted, stdout) ? EXIT_USAGE : EXIT_OK;
		sorted = NULL; /* json_out_print took it */
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(sorted, i);
		const char *release = json_string_value(json_object_get(r, "release"));
		const char *state =
		    json_string_value(json_object_get(json_object_get(r, "transcription"), "text"));
		printf("%s  %-12s %-7s %-19s %5lld cues  %s\n",
		       json_string_value(json_object_get(r, "date")),
		       json_string_value(json_object_get(r, "kind")), release ? release : "-",
		       transcript_column(r, state ? state : ""),
		       (long long)json_integer_value(json_object_get(r, "cue_count")),
		       json_string_value(json_object_get(r, "title")));
		if (state && strncmp(state, "transcription failed", 20) == 0)
			printf("            %s\n", state);
	}
	rc = EXIT_OK;
out:
	json_decref(sorted);
	qx_db_close(db);
	free(err);
	free(path);
	free(archive);
	return rc;
}
