/* ingest, recording_edit and index_update_recording: new recordings from
 * staged files, edits, deletes, crash recovery, and a busy index, on
 * archives made under $TMPDIR. Transcript-only recordings here; media is
 * tested end to end in tests/ingest/ (generated with ffmpeg). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "index_generation.h"
#include "index_schema.h"
#include "index_update.h"
#include "ingest.h"
#include "recording_edit.h"
#include "state_dirs.h"
#include "test_fs.h"
#include "xindex.h"

static const char srt_text[] = "1\n00:00:01,000 --> 00:00:02,500\nWelcome to the roundtable.\n\n"
                               "2\n00:00:03,000 --> 00:00:04,000\nWe talk about quantization.\n";
static const char vtt_text[] = "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nflexattention today\n";

/* ---- helpers ---- */

static char *new_archive(void)
{
	char *dir = tfs_make_tmpdir("qa_ingest");
	char err[256];
	if (state_dirs_create(dir, err, sizeof err) != ARCHIVE_OK) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	return dir;
}

static bool exists(const char *dir, const char *name)
{
	char *p = tfs_path_join(dir, name);
	struct stat st;
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

/* Entries of dir, not counting "." and ".." (and ".qarchive" when
 * skip_state). */
static int count_entries(const char *dir, bool skip_state)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    !(skip_state && strcmp(e->d_name, ".qarchive") == 0))
			n++;
	closedir(d);
	return n;
}

static int tmp_entries(const char *archive)
{
	char *tmp = state_dirs_path(archive, STATE_UPLOADS_TMP_DIR);
	int n = count_entries(tmp, false);
	free(tmp);
	return n;
}

/* Stage content as a file in uploads/tmp, as the HTTP side does; returns
 * its path (caller frees). */
static char *stage(const char *archive, const char *name, const char *content)
{
	char *tmp = state_dirs_path(archive, STATE_UPLOADS_TMP_DIR);
	tfs_write_file(tmp, name, content);
	char *p = tfs_path_join(tmp, name);
	free(tmp);
	return p;
}

static json_t *meta(const char *title, const char *date)
{
	return json_pack("{s:s, s:s, s:s, s:[s, {s:s, s:s}], s:s}", "title", title, "kind",
	                 "webinar", "date", date, "speakers", "Ann Host", "name", "Bo Dev", "role",
	                 "engineer", "description", "About *things*.");
}

/* The index's summary of recording id, or NULL. */
static json_t *summary(const char *archive, const char *id)
{
	char *path = index_path(archive);
	qx_db *db = NULL;
	json_t *out = NULL;
	if (qx_db_open(path, false, &db, NULL) == QX_OK) {
		char key[256], *value = NULL;
		snprintf(key, sizeof key, "%s%s", INDEX_META_RECORDING, id);
		if (qx_db_get_metadata(db, key, &value) == QX_OK && value[0])
			out = json_loads(value, 0, NULL);
		free(value);
	}
	qx_db_close(db);
	free(path);
	return out;
}

static json_t *load_json(const char *dir, const char *name)
{
	char *p = tfs_path_join(dir, name);
	json_t *j = json_load_file(p, 0, NULL);
	free(p);
	return j;
}

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Ingest a transcript-only recording of (title, date); returns its id in id. */
static ingest_status add(const char *archive, const char *title, const char *date, char *id,
                         ingest_error *err)
{
	json_t *m = meta(title, date);
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = m;
	in.transcript.text = srt_text;
	in.transcript.text_len = strlen(srt_text);
	ingest_status st = ingest_recording(archive, &in, id, INGEST_ID_SIZE, err);
	json_decref(m);
	return st;
}

/* ---- ingest ---- */

static void test_ingest_moves_files_in(void)
{
	char *archive = new_archive();
	char *transcript = stage(archive, "upload-1", srt_text);
	char *agenda =
	    stage(archive, "upload-2", "# Agenda\n- 00:00:01 Welcome\n- 00:00:03 Quantization\n");
	json_t *m = meta("  Roundtable: Quantization & You  ", "2025-05-01");
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = m;
	in.transcript.path = transcript;
	in.transcript.name = "roundtable.srt";
	in.agenda.path = agenda;
	in.notes.text = "## Links\n\n- the slides\n";
	in.notes.text_len = strlen(in.notes.text);
	char id[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(ingest_recording(archive, &in, id, sizeof id, &err) == INGEST_OK);
	CHECK_STR(id, "2025-05-01-roundtable-quantization-you");
	CHECK(err.status == INGEST_OK && err.indexed);
	CHECK_STR(err.message, "");
	char *dir = tfs_path_join(archive, id);
	CHECK(exists(dir, "recording.json") && exists(dir, "transcript.srt") &&
	      exists(dir, "agenda.md") && exists(dir, "notes.md"));
	CHECK(!exists(dir, "transcript.vtt") && count_entries(dir, false) == 4);
	/* recording.json: the validated metadata, pretty, in the documented order. */
	json_t *written = load_json(dir, "recording.json");
	CHECK_STR(str(written, "title"), "Roundtable: Quantization & You");
	CHECK_STR(str(written, "kind"), "webinar");
	CHECK_STR(str(written, "date"), "2025-05-01");
	CHECK_STR(str(json_array_get(json_object_get(written, "speakers"), 1), "role"), "engineer");
	CHECK(json_object_get(written, "release") == NULL);
	json_decref(written);
	/* Staged files were consumed; nothing is left in uploads/tmp. */
	CHECK(access(transcript, F_OK) != 0 && access(agenda, F_OK) != 0);
	CHECK(tmp_entries(archive) == 0);
	/* Indexed: the summary is there, with the cues and agenda. */
	json_t *s = summary(archive, id);
	CHECK(s != NULL);
	CHECK(json_integer_value(json_object_get(s, "cue_count")) == 2);
	CHECK(json_array_size(json_object_get(s, "agenda")) == 2);
	CHECK(json_is_true(json_object_get(s, "has_transcript")));
	json_decref(s);
	/* The index was made as index_update makes it: a generation stub. */
	char *ipath = index_path(archive);
	CHECK(index_generation_is_stub(ipath));
	free(ipath);
	free(dir);
	json_decref(m);
	free(transcript);
	free(agenda);
	tfs_rm_rf(archive);
	free(archive);
}

static void test_ingest_transcript_pending(void)
{
	char *archive = new_archive();
	json_t *m = meta("No words yet", "2025-06-01");
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = m;
	char id[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(ingest_recording(archive, &in, id, sizeof id, &err) == INGEST_OK && err.indexed);
	json_t *s = summary(archive, id);
	CHECK(s && json_is_false(json_object_get(s, "has_transcript")));
	CHECK(s && json_is_null(json_object_get(s, "transcript_source")));
	json_decref(s);
	/* Its transcript arrives later: no longer pending. */
	ingest_file t = {NULL, vtt_text, strlen(vtt_text), NULL};
	CHECK(recording_replace_transcript(archive, id, &t, NULL, &err) == INGEST_OK);
	CHECK(err.indexed);
	s = summary(archive, id);
	CHECK(s && json_is_true(json_object_get(s, "has_transcript")));
	CHECK_STR(s ? str(s, "transcript_source") : NULL, "file");
	json_decref(s);
	json_decref(m);
	tfs_rm_rf(archive);
	free(archive);
}

/* in must fail with status, field and a message starting with want;
 * nothing may be left in the archive or uploads/tmp. */
static void expect_rejected(const char *archive, const ingest_input *in, ingest_status status,
                            const char *field, const char *want, int line)
{
	char id[INGEST_ID_SIZE] = "untouched";
	ingest_error err;
	ingest_status st = ingest_recording(archive, in, id, sizeof id, &err);
	bool ok = st == status && err.status == status && strcmp(err.field, field) == 0 &&
	          strncmp(err.message, want, strlen(want)) == 0 && id[0] == '\0' &&
	          !strchr(err.message, '\n');
	if (!ok)
		fprintf(stderr,
		        "line %d: got %s, field \"%s\", \"%s\"; wanted %s, \"%s\", \"%s...\"\n",
		        line, ingest_status_str(st), err.field, err.message,
		        ingest_status_str(status), field, want);
	CHECK(ok);
	CHECK(count_entries(archive, true) == 0);
	CHECK(tmp_entries(archive) <= 1); /* the staged input itself, if any */
}

static void test_ingest_rejects(void)
{
	char *archive = new_archive();
	ingest_input in = INGEST_INPUT_INIT;
	json_t *good = meta("Fine", "2025-01-01");

	/* Metadata: the indexer's messages, and the field they name. */
	struct {
		const char *json, *field, *message;
	} metas[] = {
	    {"{\"kind\": \"webinar\", \"date\": \"2025-01-01\"}", "title", "title: missing"},
	    {"{\"title\": \"t\", \"kind\": \"talk\", \"date\": \"2025-01-01\"}", "kind",
	     "kind: expected one of release-qa, webinar, tac-meeting, other, got \"talk\""},
	    {"{\"title\": \"t\", \"kind\": \"other\", \"date\": \"2025-02-30\"}", "date",
	     "date: not a calendar date: \"2025-02-30\""},
	    {"{\"title\": \"t\", \"kind\": \"other\", \"date\": \"2025-01-01\", \"speakers\": "
	     "[{\"role\": \"x\"}]}",
	     "speakers", "speakers[0].name: missing"},
	    {"[1, 2]", "metadata", "metadata: expected a JSON object"},
	};
	for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++) {
		json_t *m = json_loads(metas[i].json, 0, NULL);
		in.metadata = m;
		expect_rejected(archive, &in, INGEST_BAD_INPUT, metas[i].field, metas[i].message,
		                __LINE__);
		json_decref(m);
	}
	in.metadata = NULL;
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "metadata", "metadata: missing", __LINE__);

	/* A transcript: the line that is wrong. The staged file stays. */
	in.metadata = good;
	char *bad_srt = stage(archive, "bad.srt",
	                      "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> "
	                      "00:00:04,000\nbroken arrow\n");
	in.transcript.path = bad_srt;
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "transcript",
	                "transcript: line 6: ", __LINE__);
	CHECK(access(bad_srt, F_OK) == 0);
	unlink(bad_srt);
	/* WebVTT: a cue a browser would drop is named too. */
	in.transcript.path = NULL;
	in.transcript.text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:03.000 --> "
	                     "00:00:0x.000\ndropped\n";
	in.transcript.text_len = strlen(in.transcript.text);
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "transcript",
	                "transcript: line 6: malformed cue timing", __LINE__);
	in.transcript.text = "Just some words.\n";
	in.transcript.text_len = strlen(in.transcript.text);
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "transcript",
	                "transcript: line 1: not a WebVTT, SRT, SBV or timestamped text transcript",
	                __LINE__);
	in.transcript.text = "WEBVTT\n\nNOTE nothing else\n";
	in.transcript.text_len = strlen(in.transcript.text);
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "transcript", "transcript: no cues",
	                __LINE__);
	in.transcript = (ingest_file)INGEST_FILE_NONE;

	/* Agenda and notes. */
	in.agenda.text = "- 00:00:10 Fine\n- 00:61:00 Minutes past 59\n";
	in.agenda.text_len = strlen(in.agenda.text);
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "agenda", "agenda: line 2: ", __LINE__);
	in.agenda = (ingest_file)INGEST_FILE_NONE;
	in.notes.text = "fine\nLatin-1: caf\xE9\n";
	in.notes.text_len = strlen(in.notes.text);
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "notes", "notes: line 2: not UTF-8 text",
	                __LINE__);
	in.notes.text = "a\0b";
	in.notes.text_len = 3;
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "notes", "notes: line 1: a NUL byte",
	                __LINE__);
	in.notes = (ingest_file)INGEST_FILE_NONE;

	/* Media: text is not media; a missing staged file is our side's error. */
	char *not_media = stage(archive, "notes.mp4", "These are my notes, not a video.\n");
	in.media.path = not_media;
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "media",
	                "media: not a media file: ", __LINE__);
	CHECK(access(not_media, F_OK) == 0);
	unlink(not_media);
	in.media.path = "/nonexistent/upload.mp4";
	expect_rejected(archive, &in, INGEST_IO, "media", "media: cannot read", __LINE__);
	in.media.path = NULL;
	in.media.text = "x";
	in.media.text_len = 1;
	expect_rejected(archive, &in, INGEST_BAD_INPUT, "media", "media: must be given as a file",
	                __LINE__);
	in.media = (ingest_file)INGEST_FILE_NONE;
	in.notes.path = "/nonexistent/notes.md";
	expect_rejected(archive, &in, INGEST_IO, "notes", "notes: cannot read /nonexistent",
	                __LINE__);
	in.notes = (ingest_file)INGEST_FILE_NONE;

	/* No archive at all. */
	char id[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(ingest_recording("/nonexistent/archive", &in, id, sizeof id, &err) == INGEST_IO);
	CHECK(strstr(err.message, "no such archive directory") != NULL);
	/* A too small id buffer is refused before anything is done. */
	char small[8];
	CHECK(ingest_recording(archive, &in, small, sizeof small, &err) == INGEST_IO);
	CHECK(count_entries(archive, true) == 0);
	json_decref(good);
	free(bad_srt);
	free(not_media);
	tfs_rm_rf(archive);
	free(archive);
}

static void test_ingest_distinct_ids(void)
{
	char *archive = new_archive();
	char id1[INGEST_ID_SIZE], id2[INGEST_ID_SIZE], id3[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(add(archive, "Same title", "2025-02-02", id1, &err) == INGEST_OK);
	CHECK(add(archive, "Same title", "2025-02-02", id2, &err) == INGEST_OK);
	CHECK_STR(id1, "2025-02-02-same-title");
	CHECK_STR(id2, "2025-02-02-same-title-2");
	/* A folder that is not a recording is never overwritten either. */
	char *squat = tfs_make_subdir(archive, "2025-02-02-same-title-3");
	tfs_write_file(squat, "keep.txt", "mine");
	CHECK(add(archive, "Same title", "2025-02-02", id3, &err) == INGEST_OK);
	CHECK_STR(id3, "2025-02-02-same-title-4");
	CHECK(exists(squat, "keep.txt") && count_entries(squat, false) == 1);
	free(squat);

	/* Four processes at once: four ids, four folders, all indexed. */
	enum { N = 4 };
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char id[INGEST_ID_SIZE];
			ingest_error e;
			ingest_status st = add(archive, "Racing uploads", "2025-03-03", id, &e);
			_exit(st == INGEST_OK && e.indexed ? 0 : 1);
		}
	}
	for (int i = 0; i < N; i++) {
		int status = 0;
		waitpid(pids[i], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	const char *want[N] = {"2025-03-03-racing-uploads", "2025-03-03-racing-uploads-2",
	                       "2025-03-03-racing-uploads-3", "2025-03-03-racing-uploads-4"};
	for (int i = 0; i < N; i++) {
		char *dir = tfs_path_join(archive, want[i]);
		CHECK(exists(dir, "recording.json") && exists(dir, "transcript.srt"));
		json_t *s = summary(archive, want[i]);
		CHECK(s != NULL);
		json_decref(s);
		free(dir);
	}
	CHECK(count_entries(archive, true) == 4 + N);
	CHECK(tmp_entries(archive) == 0);
	tfs_rm_rf(archive);
	free(archive);
}

/* ---- edits and delete ---- */

static void test_edit_metadata(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(add(archive, "Before", "2025-04-04", id, &err) == INGEST_OK);
	char *dir = tfs_path_join(archive, id);
	/* A key we do not read, added by hand, must survive an edit. */
	json_t *j = load_json(dir, "recording.json");
	json_object_set_new(j, "youtube", json_string("https://example.org/v"));
	json_object_set_new(j, "release", json_string("2.7"));
	char *path = tfs_path_join(dir, "recording.json");
	json_dump_file(j, path, JSON_INDENT(2));
	json_decref(j);

	json_t *fields = json_pack("{s:s, s:n, s:[s]}", "title", "After the edit", "release",
	                           "speakers", "Cy Chair");
	CHECK(recording_update_metadata(archive, id, fields, NULL, &err) == INGEST_OK);
	CHECK(err.indexed);
	json_decref(fields);
	j = load_json(dir, "recording.json");
	CHECK_STR(str(j, "title"), "After the edit");
	CHECK_STR(str(j, "kind"), "webinar");
	CHECK_STR(str(j, "youtube"), "https://example.org/v");
	CHECK(json_object_get(j, "release") == NULL);
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "speakers"), 0)), "Cy Chair");
	json_decref(j);
	json_t *s = summary(archive, id);
	CHECK_STR(s ? str(s, "title") : NULL, "After the edit");
	CHECK(s && json_is_null(json_object_get(s, "release")));
	json_decref(s);
	CHECK(exists(archive, "2025-04-04-before")); /* the id stays */

	/* Invalid: nothing changes. */
	char *before = NULL;
	json_t *keep = load_json(dir, "recording.json");
	fields = json_pack("{s:n}", "title");
	CHECK(recording_update_metadata(archive, id, fields, NULL, &err) == INGEST_BAD_INPUT);
	CHECK_STR(err.field, "title");
	CHECK_STR(err.message, "title: missing");
	json_decref(fields);
	fields = json_pack("{s:s}", "date", "yesterday");
	CHECK(recording_update_metadata(archive, id, fields, NULL, &err) == INGEST_BAD_INPUT);
	CHECK_STR(err.field, "date");
	json_decref(fields);
	j = load_json(dir, "recording.json");
	CHECK(json_equal(j, keep));
	json_decref(j);
	json_decref(keep);
	/* No temp file left behind. */
	CHECK(count_entries(dir, false) == 2);
	/* Unknown or malformed ids: not found. */
	fields = json_pack("{s:s}", "title", "x");
	CHECK(recording_update_metadata(archive, "2099-01-01-nope", fields, NULL, &err) ==
	      INGEST_NOT_FOUND);
	CHECK_STR(err.field, "id");
	CHECK(recording_update_metadata(archive, "../etc", fields, NULL, &err) == INGEST_NOT_FOUND);
	CHECK(recording_update_metadata(archive, ".qarchive", fields, NULL, &err) ==
	      INGEST_NOT_FOUND);
	json_decref(fields);
	free(before);
	free(path);
	free(dir);
	tfs_rm_rf(archive);
	free(archive);
}

static void test_edit_files(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(add(archive, "Files", "2025-04-05", id, &err) == INGEST_OK);
	char *dir = tfs_path_join(archive, id);
	CHECK(exists(dir, "transcript.srt"));

	/* SRT -> WebVTT: the .srt goes, the index follows. */
	char *staged = stage(archive, "new-transcript", vtt_text);
	ingest_file f = {staged, NULL, 0, "new.vtt"};
	CHECK(recording_replace_transcript(archive, id, &f, NULL, &err) == INGEST_OK);
	CHECK(err.indexed);
	CHECK(exists(dir, "transcript.vtt") && !exists(dir, "transcript.srt"));
	CHECK(access(staged, F_OK) != 0); /* consumed */
	json_t *s = summary(archive, id);
	CHECK(s && json_integer_value(json_object_get(s, "cue_count")) == 1);
	json_decref(s);
	/* A bad one: rejected with its line, the old one stays. */
	ingest_file bad = {NULL, "1\n00:00:01,000 --> 00:00:00,500\nends before it starts\n", 0,
	                   NULL};
	bad.text_len = strlen(bad.text);
	CHECK(recording_replace_transcript(archive, id, &bad, NULL, &err) == INGEST_BAD_INPUT);
	CHECK(strncmp(err.message, "transcript: line 2: ", 20) == 0);
	CHECK(exists(dir, "transcript.vtt") && !exists(dir, "transcript.srt"));
	/* Removed: transcript pending. */
	CHECK(recording_replace_transcript(archive, id, NULL, NULL, &err) == INGEST_OK);
	CHECK(!exists(dir, "transcript.vtt") && !exists(dir, "transcript.srt"));
	s = summary(archive, id);
	CHECK(s && json_is_false(json_object_get(s, "has_transcript")));
	json_decref(s);

	/* Agenda: added, rejected, removed. */
	ingest_file agenda = {NULL, "- 00:00:05 Flex attention\n", 0, NULL};
	agenda.text_len = strlen(agenda.text);
	CHECK(recording_replace_agenda(archive, id, &agenda, NULL, &err) == INGEST_OK);
	s = summary(archive, id);
	CHECK(s && json_array_size(json_object_get(s, "agenda")) == 1);
	json_decref(s);
	agenda.text = "- 1:75 Bad seconds\n";
	agenda.text_len = strlen(agenda.text);
	CHECK(recording_replace_agenda(archive, id, &agenda, NULL, &err) == INGEST_BAD_INPUT);
	CHECK_STR(err.field, "agenda");
	CHECK(strncmp(err.message, "agenda: line 1: ", 16) == 0);
	CHECK(recording_replace_agenda(archive, id, NULL, NULL, &err) == INGEST_OK);
	CHECK(!exists(dir, "agenda.md"));

	/* Notes, copied (the input stays), then not UTF-8. */
	char *notes = stage(archive, "notes-upload", "Some notes.\n");
	ingest_file nf = {notes, NULL, 0, NULL};
	ingest_options copy = INGEST_OPTIONS_INIT;
	copy.copy = true;
	CHECK(recording_replace_notes(archive, id, &nf, &copy, &err) == INGEST_OK);
	CHECK(exists(dir, "notes.md") && access(notes, F_OK) == 0);
	ingest_file latin1 = {NULL, "caf\xE9", 4, NULL};
	CHECK(recording_replace_notes(archive, id, &latin1, NULL, &err) == INGEST_BAD_INPUT);
	CHECK_STR(err.message, "notes: line 1: not UTF-8 text");
	/* no_index: the archive changes, the index is left to the caller. */
	ingest_options no_index = INGEST_OPTIONS_INIT;
	no_index.no_index = true;
	CHECK(recording_replace_notes(archive, id, NULL, &no_index, &err) == INGEST_OK);
	CHECK(!err.indexed && !exists(dir, "notes.md"));
	CHECK(recording_replace_notes(archive, "nope", NULL, NULL, &err) == INGEST_NOT_FOUND);
	CHECK(count_entries(dir, false) == 1); /* recording.json, no temp files */
	unlink(notes);
	free(notes);
	free(staged);
	free(dir);
	tfs_rm_rf(archive);
	free(archive);
}

/* qa.md (issue 14): it must parse and fit the transcript, named "qa";
 * saved, the recording's units are its questions; removed, detection is
 * back. At upload too, checked against the uploaded transcript. */
static void test_edit_qa(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(add(archive, "Questions", "2025-04-06", id, &err) == INGEST_OK);
	char *dir = tfs_path_join(archive, id);
	ingest_file qa = {NULL, "- 0:01 Q: Why a roundtable? / A: Welcome\n", 0, NULL};
	qa.text_len = strlen(qa.text);
	CHECK(recording_replace_qa(archive, id, &qa, NULL, &err) == INGEST_OK);
	CHECK(exists(dir, "qa.md") && err.indexed);
	json_t *s = summary(archive, id);
	json_t *q = json_array_get(json_object_get(s, "questions"), 0);
	CHECK(json_array_size(json_object_get(s, "questions")) == 1 &&
	      strcmp(str(q, "text"), "Why a roundtable?") == 0 &&
	      strcmp(str(q, "kind"), "question") == 0);
	json_decref(s);
	/* Does not parse: its line; past the transcript's end: its line too. */
	qa.text = "- 0:01 Q: no answer\n";
	qa.text_len = strlen(qa.text);
	CHECK(recording_replace_qa(archive, id, &qa, NULL, &err) == INGEST_BAD_INPUT);
	CHECK_STR(err.field, "qa");
	CHECK(strncmp(err.message, "qa: line 1: ", 12) == 0);
	qa.text = "# Q&A\n\n- 9:00 Q: Late? / A: Yes\n";
	qa.text_len = strlen(qa.text);
	CHECK(recording_replace_qa(archive, id, &qa, NULL, &err) == INGEST_BAD_INPUT);
	CHECK(strncmp(err.message, "qa: line 3: ", 12) == 0);
	CHECK(recording_replace_qa(archive, id, NULL, NULL, &err) == INGEST_OK);
	CHECK(!exists(dir, "qa.md"));

	/* At upload: a qa.md that does not fit the uploaded transcript adds
	 * nothing. */
	json_t *m = meta("Upload with qa", "2025-04-07");
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = m;
	in.transcript = (ingest_file){NULL, srt_text, strlen(srt_text), "t.srt"};
	in.qa = (ingest_file){NULL, "- 5:00 Q: Late? / A: Yes\n", 0, NULL};
	in.qa.text_len = strlen(in.qa.text);
	char id2[INGEST_ID_SIZE];
	int before = count_entries(archive, true);
	CHECK(ingest_recording(archive, &in, id2, sizeof id2, &err) == INGEST_BAD_INPUT);
	CHECK(strncmp(err.message, "qa: line 1: ", 12) == 0 &&
	      count_entries(archive, true) == before);
	in.qa.text = "- 0:01 Q: Why a roundtable? / A: Welcome\n";
	in.qa.text_len = strlen(in.qa.text);
	CHECK(ingest_recording(archive, &in, id2, sizeof id2, &err) == INGEST_OK);
	char *dir2 = tfs_path_join(archive, id2);
	CHECK(exists(dir2, "qa.md"));
	json_decref(m);
	free(dir2);
	free(dir);
	tfs_rm_rf(archive);
	free(archive);
}

static void test_delete(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE], other[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(add(archive, "Doomed", "2025-05-05", id, &err) == INGEST_OK);
	CHECK(add(archive, "Stays", "2025-05-05", other, &err) == INGEST_OK);
	CHECK(recording_delete(archive, id, NULL, &err) == INGEST_OK);
	CHECK(err.indexed);
	CHECK(!exists(archive, id) && exists(archive, other));
	char *trash = state_dirs_path(archive, STATE_TRASH_DIR);
	CHECK(count_entries(trash, false) == 0);
	json_t *s = summary(archive, id);
	CHECK(s == NULL);
	json_decref(s);
	s = summary(archive, other);
	CHECK(s != NULL);
	json_decref(s);
	CHECK(recording_delete(archive, id, NULL, &err) == INGEST_NOT_FOUND);
	CHECK_STR(err.field, "id");
	/* With the index busy: gone from the archive all the same; the next
	 * index_update drops it from the index. */
	char *path = index_path(archive);
	qx_db *holder = NULL;
	CHECK(qx_db_open(path, true, &holder, NULL) == QX_OK);
	ingest_options quick = INGEST_OPTIONS_INIT;
	quick.index_wait_ms = 100;
	CHECK(recording_delete(archive, other, &quick, &err) == INGEST_OK);
	CHECK(!err.indexed && strstr(err.message, "not indexed yet") != NULL);
	CHECK(!exists(archive, other) && count_entries(trash, false) == 0);
	qx_db_close(holder);
	s = summary(archive, other);
	CHECK(s != NULL); /* still indexed: the index was busy */
	json_decref(s);
	index_report r;
	char msg[256];
	CHECK(index_update(archive, false, NULL, &r, msg, sizeof msg) == INDEX_UPDATE_OK);
	CHECK(r.removed == 1);
	s = summary(archive, other);
	CHECK(s == NULL);
	json_decref(s);
	free(path);
	free(trash);
	tfs_rm_rf(archive);
	free(archive);
}

/* ---- crash recovery ---- */

static void test_recover(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE];
	ingest_error err;
	CHECK(add(archive, "Survivor", "2025-07-07", id, &err) == INGEST_OK);
	char *tmp = state_dirs_path(archive, STATE_UPLOADS_TMP_DIR);
	char *trash = state_dirs_path(archive, STATE_TRASH_DIR);
	char *tus = state_dirs_path(archive, STATE_UPLOADS_TUS_DIR);
	char *dir = tfs_path_join(archive, id);
	/* What kill -9 leaves: a half-built staging folder, a multipart temp
	 * file, a recording on its way out, an edit's temp file. */
	char *staging = tfs_make_subdir(tmp, "ingest-AbC123");
	tfs_write_file(staging, "recording.json", "{}");
	tfs_write_file(tmp, "multipart-1", "partial");
	char *doomed = tfs_make_subdir(trash, "2025-01-01-old.XyZ789");
	tfs_write_file(doomed, "recording.json", "{}");
	tfs_write_file(dir, ".qarchive-tmp-0123456789ab", "half");
	/* What must stay: a resumable upload, and a staging folder a live
	 * upload holds locked. */
	tfs_write_file(tus, "abc.info", "{}");
	tfs_write_file(tus, "abc.data", "xx");
	char *live = tfs_make_subdir(tmp, "ingest-live00");
	int fd = open(live, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0);

	size_t removed = 0;
	CHECK(ingest_recover(archive, &removed, &err) == INGEST_OK);
	CHECK(removed == 4);
	CHECK(!exists(tmp, "ingest-AbC123") && !exists(tmp, "multipart-1"));
	CHECK(count_entries(trash, false) == 0);
	CHECK(!exists(dir, ".qarchive-tmp-0123456789ab") && exists(dir, "recording.json"));
	CHECK(exists(tus, "abc.info") && exists(tus, "abc.data"));
	CHECK(exists(tmp, "ingest-live00"));
	close(fd);
	CHECK(ingest_recover(archive, &removed, &err) == INGEST_OK && removed == 1);
	CHECK(!exists(tmp, "ingest-live00"));
	/* Missing state folders are made again. */
	tfs_rm_rf(trash);
	CHECK(ingest_recover(archive, &removed, &err) == INGEST_OK && removed == 0);
	struct stat st;
	CHECK(stat(trash, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK(ingest_recover("/nonexistent/archive", NULL, &err) == INGEST_IO);
	free(staging);
	free(doomed);
	free(live);
	free(dir);
	free(tmp);
	free(trash);
	free(tus);
	tfs_rm_rf(archive);
	free(archive);
}

/* A recording in the archive but not in the index (the upload's process
 * was killed while indexing): index_update catches up. */
static void test_catch_up(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE];
	ingest_error err;
	json_t *m = meta("Not indexed yet", "2025-08-08");
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = m;
	in.options.no_index = true;
	CHECK(ingest_recording(archive, &in, id, sizeof id, &err) == INGEST_OK);
	CHECK(!err.indexed);
	json_t *s = summary(archive, id);
	CHECK(s == NULL);
	json_decref(s);
	index_report r;
	char msg[256];
	CHECK(index_update(archive, false, NULL, &r, msg, sizeof msg) == INDEX_UPDATE_OK);
	CHECK(r.indexed == 1);
	s = summary(archive, id);
	CHECK(s != NULL);
	json_decref(s);
	/* index_update_recording stored the fingerprint index_update compares:
	 * a recording indexed alone is "unchanged" for the next full run. */
	char id2[INGEST_ID_SIZE];
	CHECK(add(archive, "Indexed alone", "2025-08-09", id2, &err) == INGEST_OK && err.indexed);
	CHECK(index_update(archive, false, NULL, &r, msg, sizeof msg) == INDEX_UPDATE_OK);
	CHECK(r.indexed == 0 && r.unchanged == 2);
	json_decref(m);
	tfs_rm_rf(archive);
	free(archive);
}

/* ---- index_update_recording ---- */

static void test_update_recording(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE], msg[512];
	ingest_error err;
	CHECK(add(archive, "Busy index", "2025-09-09", id, &err) == INGEST_OK && err.indexed);
	char *path = index_path(archive);

	/* Another writer holds the lock: retried for wait_ms, then BUSY. */
	qx_db *holder = NULL;
	CHECK(qx_db_open(path, true, &holder, NULL) == QX_OK);
	double t0 = now();
	bool removed = true;
	CHECK(index_update_recording(archive, id, 300, &removed, msg, sizeof msg) ==
	      INDEX_UPDATE_BUSY);
	double waited = now() - t0;
	CHECK(waited >= 0.3 && waited < 5);
	CHECK(!removed && strstr(msg, "busy") != NULL);
	CHECK(index_update_recording(archive, id, 0, NULL, msg, sizeof msg) == INDEX_UPDATE_BUSY);
	/* An upload meanwhile: in the archive, not (yet) indexed. */
	char id2[INGEST_ID_SIZE];
	json_t *m = meta("Uploaded while busy", "2025-09-10");
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = m;
	in.options.index_wait_ms = 100;
	CHECK(ingest_recording(archive, &in, id2, sizeof id2, &err) == INGEST_OK);
	CHECK(!err.indexed && strstr(err.message, "not indexed yet") != NULL);
	CHECK(exists(archive, id2));
	qx_db_close(holder);
	json_t *s = summary(archive, id2);
	CHECK(s == NULL);
	json_decref(s);
	/* Released meanwhile: a waiting call gets through. */
	CHECK(index_update_recording(archive, id2, 1000, &removed, msg, sizeof msg) ==
	      INDEX_UPDATE_OK);
	CHECK(!removed);
	s = summary(archive, id2);
	CHECK(s != NULL);
	json_decref(s);

	/* The folder gone (or without recording.json): deleted from the index. */
	char *dir = tfs_path_join(archive, id);
	char *json = tfs_path_join(dir, "recording.json");
	unlink(json);
	CHECK(index_update_recording(archive, id, 0, &removed, msg, sizeof msg) == INDEX_UPDATE_OK);
	CHECK(removed);
	s = summary(archive, id);
	CHECK(s == NULL);
	json_decref(s);
	/* A recording that does not load keeps its previous documents. */
	char *dir2 = tfs_path_join(archive, id2);
	tfs_write_file(dir2, "transcript.srt", "1\nnot a timing line\n");
	CHECK(index_update_recording(archive, id2, 0, NULL, msg, sizeof msg) ==
	      INDEX_UPDATE_SOME_FAILED);
	CHECK(strstr(msg, "transcript.srt: line 2") != NULL);
	s = summary(archive, id2);
	CHECK(s != NULL);
	json_decref(s);
	CHECK(index_update_recording(archive, "../x", 0, NULL, msg, sizeof msg) ==
	      INDEX_UPDATE_FAILED);
	json_decref(m);
	free(dir);
	free(dir2);
	free(json);
	free(path);
	tfs_rm_rf(archive);
	free(archive);
}

/* A full rebuild (a new generation) and a one-recording update: the update
 * never lands in a generation that is being replaced. */
static void test_update_during_rebuild(void)
{
	char *archive = new_archive();
	char id[INGEST_ID_SIZE], msg[512];
	ingest_error err;
	CHECK(add(archive, "Before rebuild", "2025-10-10", id, &err) == INGEST_OK);
	/* The rebuild holds the lock for 2 s after listing the archive; its
	 * pause flag (test_pause.h) says when that has begun. */
	char *flag = tfs_path_join(archive, "pause-flag");
	pid_t pid = fork();
	if (pid == 0) {
		setenv("QARCHIVE_INDEX_PAUSE", "2", 1);
		setenv("QARCHIVE_PAUSE_FLAG", flag, 1);
		index_report r;
		char e[256];
		_exit(index_update(archive, true, NULL, &r, e, sizeof e) == INDEX_UPDATE_OK ? 0
		                                                                            : 1);
	}
	for (int i = 0; i < 6000 && access(flag, F_OK) != 0; i++)
		nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
	CHECK(access(flag, F_OK) == 0);
	free(flag);
	/* Added while the rebuild runs: in the archive at once, and indexed once
	 * the rebuild lets go, into the generation it published. */
	char id2[INGEST_ID_SIZE];
	CHECK(add(archive, "During rebuild", "2025-10-11", id2, &err) == INGEST_OK);
	CHECK(err.indexed);
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	json_t *s1 = summary(archive, id), *s2 = summary(archive, id2);
	CHECK(s1 != NULL && s2 != NULL);
	json_decref(s1);
	json_decref(s2);
	/* One generation left, the one in use. */
	char *state = tfs_path_join(archive, ".qarchive");
	int gens = 0;
	DIR *d = opendir(state);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		gens += strncmp(e->d_name, "index-", 6) == 0;
	if (d)
		closedir(d);
	CHECK(gens == 1);
	index_report r;
	CHECK(index_update(archive, false, NULL, &r, msg, sizeof msg) == INDEX_UPDATE_OK);
	CHECK(r.unchanged == 2 && r.indexed == 0 && r.removed == 0);
	free(state);
	tfs_rm_rf(archive);
	free(archive);
}

int main(void)
{
	RUN(test_ingest_moves_files_in);
	RUN(test_ingest_transcript_pending);
	RUN(test_ingest_rejects);
	RUN(test_ingest_distinct_ids);
	RUN(test_edit_metadata);
	RUN(test_edit_files);
	RUN(test_edit_qa);
	RUN(test_delete);
	RUN(test_recover);
	RUN(test_catch_up);
	RUN(test_update_recording);
	RUN(test_update_during_rebuild);
	return harness_finish();
}
