/* recording: recording.json validation (every message), and finding a
 * recording's files in its folder. Folders are made under $TMPDIR. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "test_fs.h"
#include "recording.h"

#ifndef QA_TRANSCRIPTS_DIR
#error "QA_TRANSCRIPTS_DIR must name the bundled transcripts/ folder"
#endif

/* ---- temporary folders ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, m = strlen(suffix);
	return s && n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char minimal_json[] =
    "{\"title\": \"A talk\", \"kind\": \"webinar\", \"date\": \"2024-02-29\"}";

/* Parse json, expect RECORDING_INVALID and exactly `want` as the message. */
static void expect_error(const char *json, const char *want)
{
	char err[256] = "untouched";
	recording_meta m = RECORDING_META_INIT;
	recording_status st = recording_parse_json(json, strlen(json), &m, err, sizeof err);
	CHECK(st == RECORDING_INVALID);
	CHECK_STR(err, want);
	CHECK(m.title == NULL && m.release == NULL && m.description == NULL);
	CHECK(m.speakers == NULL && m.speaker_count == 0);
	recording_meta_free(&m);
}

/* ---- recording_parse_json ---- */

static void test_full(void)
{
	static const char json[] =
	    "{\n"
	    "  \"title\": \"  PyTorch 2.9 Release Q&A \",\n"
	    "  \"kind\": \"release-qa\",\n"
	    "  \"release\": \"2.9\",\n"
	    "  \"date\": \"2025-10-15\",\n"
	    "  \"speakers\": [\n"
	    "    \"Maya Chen\",\n"
	    "    {\"name\": \" Tomas Okafor\", \"role\": \"Compiler engineer\", \"x\": 1},\n"
	    "    {\"name\": \"Leila Brandt\", \"role\": null},\n"
	    "    {\"name\": \"Ravi\", \"role\": \"\"}\n"
	    "  ],\n"
	    "  \"description\": \"**Bold** text\\n\\n- item \",\n"
	    "  \"duration\": 3600, \"tags\": [\"x\"]\n"
	    "}\n";
	char err[256];
	recording_meta m = RECORDING_META_INIT;
	CHECK(recording_parse_json(json, strlen(json), &m, err, sizeof err) == RECORDING_OK);
	CHECK_STR(err, "");
	CHECK_STR(m.title, "PyTorch 2.9 Release Q&A");
	CHECK(m.kind == RECORDING_RELEASE_QA);
	CHECK_STR(recording_kind_str(m.kind), "release-qa");
	CHECK_STR(m.release, "2.9");
	CHECK_STR(m.date, "2025-10-15");
	CHECK(m.year == 2025 && m.month == 10 && m.day == 15);
	CHECK(recording_year(&m) == 2025);
	CHECK_STR(m.description, "**Bold** text\n\n- item ");
	CHECK(m.speaker_count == 4);
	if (m.speaker_count == 4) {
		CHECK_STR(m.speakers[0].name, "Maya Chen");
		CHECK(m.speakers[0].role == NULL);
		CHECK_STR(m.speakers[1].name, "Tomas Okafor");
		CHECK_STR(m.speakers[1].role, "Compiler engineer");
		CHECK_STR(m.speakers[2].name, "Leila Brandt");
		CHECK(m.speakers[2].role == NULL);
		CHECK_STR(m.speakers[3].name, "Ravi");
		CHECK(m.speakers[3].role == NULL);
	}
	recording_meta_free(&m);
	CHECK(m.title == NULL && m.speakers == NULL && m.speaker_count == 0);
	recording_meta_free(&m); /* again: harmless */
	recording_meta_free(NULL);
}

static void test_minimal(void)
{
	char err[256];
	recording_meta m = RECORDING_META_INIT;
	CHECK(recording_parse_json(minimal_json, strlen(minimal_json), &m, err, sizeof err) ==
	      RECORDING_OK);
	CHECK_STR(m.title, "A talk");
	CHECK(m.kind == RECORDING_WEBINAR);
	CHECK(m.release == NULL);
	CHECK(m.description == NULL);
	CHECK(m.speakers == NULL && m.speaker_count == 0);
	CHECK(recording_year(&m) == 2024);
	recording_meta_free(&m);
	CHECK(recording_year(NULL) == 0);

	/* Optional fields given as null or empty are the same as absent. */
	static const char nulls[] = "{\"title\": \"t\", \"kind\": \"other\", \"date\": "
	                            "\"2025-01-01\", \"release\": null, \"speakers\": null, "
	                            "\"description\": null}";
	CHECK(recording_parse_json(nulls, strlen(nulls), &m, err, sizeof err) == RECORDING_OK);
	CHECK(m.kind == RECORDING_OTHER && m.release == NULL && m.description == NULL);
	CHECK(m.speaker_count == 0);
	recording_meta_free(&m);
	static const char empty_speakers[] =
	    "{\"title\": \"t\", \"kind\": \"tac-meeting\", \"date\": \"2025-01-01\", "
	    "\"speakers\": [], \"release\": \"helion\"}";
	CHECK(recording_parse_json(empty_speakers, strlen(empty_speakers), &m, err, sizeof err) ==
	      RECORDING_OK);
	CHECK(m.kind == RECORDING_TAC_MEETING && m.speaker_count == 0 && m.speakers == NULL);
	CHECK_STR(m.release, "helion");
	recording_meta_free(&m);
}

static void test_speakers(void)
{
	char err[256];
	recording_meta m = RECORDING_META_INIT;
	static const char strings[] = "{\"title\": \"t\", \"kind\": \"other\", \"date\": "
	                              "\"2025-01-01\", \"speakers\": [\"A\", \"B \"]}";
	CHECK(recording_parse_json(strings, strlen(strings), &m, err, sizeof err) == RECORDING_OK);
	CHECK(m.speaker_count == 2);
	if (m.speaker_count == 2) {
		CHECK_STR(m.speakers[0].name, "A");
		CHECK_STR(m.speakers[1].name, "B");
		CHECK(m.speakers[0].role == NULL && m.speakers[1].role == NULL);
	}
	recording_meta_free(&m);
	static const char objects[] =
	    "{\"title\": \"t\", \"kind\": \"other\", \"date\": \"2025-01-01\", \"speakers\": "
	    "[{\"name\": \"A\", \"role\": \"Host\"}, {\"name\": \"B\"}]}";
	CHECK(recording_parse_json(objects, strlen(objects), &m, err, sizeof err) == RECORDING_OK);
	CHECK(m.speaker_count == 2);
	if (m.speaker_count == 2) {
		CHECK_STR(m.speakers[0].name, "A");
		CHECK_STR(m.speakers[0].role, "Host");
		CHECK_STR(m.speakers[1].name, "B");
		CHECK(m.speakers[1].role == NULL);
	}
	recording_meta_free(&m);
}

/* The array as compact JSON, for comparing whole results; "NULL" for NULL. */
static void expect_speakers(const char *text, const char *want)
{
	json_t *list = recording_speakers_from_text(text);
	char *got = list ? json_dumps(list, JSON_COMPACT) : NULL;
	CHECK_STR(got ? got : "NULL", want);
	free(got);
	json_decref(list);
}

static void test_speakers_from_text(void)
{
	expect_speakers(NULL, "[]");
	expect_speakers("", "[]");
	expect_speakers(" \n\t\r\n", "[]");
	expect_speakers("Ada", "[{\"name\":\"Ada\"}]");
	/* One per line when there is a line break: commas stay in names. */
	expect_speakers("Ada Lovelace (host)\r\n\nLovelace, Ada\n",
	                "[{\"name\":\"Ada Lovelace\",\"role\":\"host\"},"
	                "{\"name\":\"Lovelace, Ada\"}]");
	/* Else comma-separated, as a tus client or a script sends them. */
	expect_speakers(" Ada Lovelace ( host ) , Alan Turing,, ",
	                "[{\"name\":\"Ada Lovelace\",\"role\":\"host\"},"
	                "{\"name\":\"Alan Turing\"}]");
	/* An empty role is no role; a role with no name keeps the empty name. */
	expect_speakers("Ada ()\n(host)\nAda (host (EU))",
	                "[{\"name\":\"Ada\"},{\"name\":\"\",\"role\":\"host\"},"
	                "{\"name\":\"Ada\",\"role\":\"host (EU)\"}]");
	/* A '(' without a final ')' is part of the name. */
	expect_speakers("Ada (host) x", "[{\"name\":\"Ada (host) x\"}]");
}

#define BASE "\"title\": \"t\", \"kind\": \"other\", \"date\": \"2025-01-01\""

static void test_validation_errors(void)
{
	expect_error("{\"kind\": \"other\", \"date\": \"2025-01-01\"}", "title: missing");
	expect_error("{\"title\": null, \"kind\": \"other\", \"date\": \"2025-01-01\"}",
	             "title: missing");
	expect_error("{\"title\": 5, \"kind\": \"other\", \"date\": \"2025-01-01\"}",
	             "title: expected a string, got number");
	expect_error("{\"title\": \" \\t\\n\", \"kind\": \"other\", \"date\": \"2025-01-01\"}",
	             "title: must not be empty");
	expect_error("{\"title\": \"t\", \"date\": \"2025-01-01\"}", "kind: missing");
	expect_error("{\"title\": \"t\", \"kind\": \"talk\", \"date\": \"2025-01-01\"}",
	             "kind: expected one of release-qa, webinar, tac-meeting, other, got \"talk\"");
	expect_error("{\"title\": \"t\", \"kind\": \"Webinar\", \"date\": \"2025-01-01\"}",
	             "kind: expected one of release-qa, webinar, tac-meeting, other, got "
	             "\"Webinar\"");
	expect_error("{\"title\": \"t\", \"kind\": [\"webinar\"], \"date\": \"2025-01-01\"}",
	             "kind: expected one of release-qa, webinar, tac-meeting, other, got array");
	expect_error("{" BASE ", \"release\": 2.6}", "release: expected a string, got number");
	expect_error("{" BASE ", \"release\": \"\"}", "release: must not be empty");
	expect_error("{\"title\": \"t\", \"kind\": \"other\"}", "date: missing");
	expect_error("{\"title\": \"t\", \"kind\": \"other\", \"date\": 20250101}",
	             "date: expected a string \"YYYY-MM-DD\", got number");
	expect_error("{" BASE ", \"speakers\": \"Maya\"}",
	             "speakers: expected an array, got string");
	expect_error("{" BASE ", \"speakers\": [\"a\", 1]}",
	             "speakers[1]: expected a name or an object with \"name\", got number");
	expect_error("{" BASE ", \"speakers\": [\"\"]}", "speakers[0]: must not be empty");
	expect_error("{" BASE ", \"speakers\": [{\"role\": \"Host\"}]}",
	             "speakers[0].name: missing");
	expect_error("{" BASE ", \"speakers\": [\"a\", {\"name\": \" \"}]}",
	             "speakers[1].name: must not be empty");
	expect_error("{" BASE ", \"speakers\": [{\"name\": true}]}",
	             "speakers[0].name: expected a string, got boolean");
	expect_error("{" BASE ", \"speakers\": [{\"name\": \"a\", \"role\": 5}]}",
	             "speakers[0].role: expected a string, got number");
	expect_error("{" BASE ", \"description\": {}}",
	             "description: expected a string, got object");
	expect_error("[" BASE "]", "line 1, column 9: ']' expected near ':'");
	expect_error("[1, 2]", "expected a JSON object, got array");
	/* The first problem in field order is the one reported. */
	expect_error("{\"kind\": \"talk\"}", "title: missing");
}

static void test_bad_dates(void)
{
	static const char *const shape[] = {
	    "yesterday",  "2025-1-01", "2025-01-1", " 2025-01-01", "2025-01-01T00:00:00Z",
	    "2025/01/01", "",          "+025-01-01"};
	static const char *const calendar[] = {"2025-02-30", "2025-13-01", "2025-00-10",
	                                       "2025-01-00", "2025-04-31", "2023-02-29",
	                                       "1900-02-29", "0000-01-01"};
	char json[256], want[256];
	for (size_t i = 0; i < sizeof shape / sizeof shape[0]; i++) {
		snprintf(json, sizeof json,
		         "{\"title\": \"t\", \"kind\": \"other\", \"date\": \"%s\"}", shape[i]);
		snprintf(want, sizeof want, "date: expected \"YYYY-MM-DD\", got \"%s\"", shape[i]);
		expect_error(json, want);
	}
	for (size_t i = 0; i < sizeof calendar / sizeof calendar[0]; i++) {
		snprintf(json, sizeof json,
		         "{\"title\": \"t\", \"kind\": \"other\", \"date\": \"%s\"}", calendar[i]);
		snprintf(want, sizeof want, "date: not a calendar date: \"%s\"", calendar[i]);
		expect_error(json, want);
	}
	static const char *const good[] = {"2024-02-29", "2000-02-29", "2025-12-31", "0001-01-01",
	                                   "9999-12-31"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		recording_meta m = RECORDING_META_INIT;
		snprintf(json, sizeof json,
		         "{\"title\": \"t\", \"kind\": \"other\", \"date\": \"%s\"}", good[i]);
		CHECK(recording_parse_json(json, strlen(json), &m, NULL, 0) == RECORDING_OK);
		CHECK_STR(m.date, good[i]);
		recording_meta_free(&m);
	}
}

/* Values quoted in messages are escaped and cut, so the message stays one
 * short line whatever the file holds. */
static void test_quoting(void)
{
	expect_error("{\"title\": \"t\", \"kind\": \"a\\\"b\\n\\\\\", \"date\": \"2025-01-01\"}",
	             "kind: expected one of release-qa, webinar, tac-meeting, other, got "
	             "\"a\\\"b\\x0a\\\\\"");
	char json[400];
	snprintf(json, sizeof json,
	         "{\"title\": \"t\", \"kind\": \"%s\", \"date\": \"2025-01-01\"}",
	         "01234567890123456789012345678901234567890123456\xc3\xa9xyz");
	/* Cut at 48 bytes, backed off to the start of the 'é' that straddles it. */
	expect_error(json, "kind: expected one of release-qa, webinar, tac-meeting, other, got "
	                   "\"01234567890123456789012345678901234567890123456...\"");
}

static void test_syntax_errors(void)
{
	static const char missing_colon[] = "{\n  \"title\": \"x\",\n  \"kind\" \"other\"\n}";
	expect_error(missing_colon, "line 3, column 16: ':' expected near '\"other\"'");
	expect_error("{\"title\": \"t\", \"title\": \"u\"}",
	             "line 1, column 22: duplicate object key near '\"title\"'");
	expect_error("", "line 1, column 0: '[' or '{' expected near end of file");
	expect_error("{\"title\": \"t\"", "line 1, column 13: '}' expected near end of file");

	/* NULL buffer, NULL err: still a clean rejection. */
	recording_meta m = RECORDING_META_INIT;
	CHECK(recording_parse_json(NULL, 0, &m, NULL, 0) == RECORDING_INVALID);
	/* Invalid UTF-8 is jansson's to reject, with a position. */
	char err[256];
	CHECK(recording_parse_json("{\"title\": \"\xff\"}", 14, &m, err, sizeof err) ==
	      RECORDING_INVALID);
	CHECK(starts_with(err, "line 1, column "));
	/* A short buffer truncates the message rather than overflowing. */
	char tiny[8];
	CHECK(recording_parse_json("{}", 2, &m, tiny, sizeof tiny) == RECORDING_INVALID);
	CHECK_STR(tiny, "title: ");
}

static void test_status_strings(void)
{
	CHECK_STR(recording_status_str(RECORDING_OK), "ok");
	CHECK_STR(recording_status_str(RECORDING_INVALID), "invalid recording");
	CHECK_STR(recording_status_str(RECORDING_BAD_ID), "invalid recording id");
	CHECK_STR(recording_status_str(RECORDING_IO), "cannot read recording");
	CHECK_STR(recording_status_str(RECORDING_NOMEM), "out of memory");
	CHECK_STR(recording_kind_str(RECORDING_WEBINAR), "webinar");
	CHECK_STR(recording_kind_str(RECORDING_TAC_MEETING), "tac-meeting");
	CHECK_STR(recording_kind_str(RECORDING_OTHER), "other");
}

/* ---- ids ---- */

static void test_ids(void)
{
	char longest[RECORDING_ID_MAX + 2];
	memset(longest, 'a', sizeof longest);
	longest[RECORDING_ID_MAX] = '\0';
	CHECK(recording_id_valid(longest));
	longest[RECORDING_ID_MAX] = 'a';
	longest[RECORDING_ID_MAX + 1] = '\0';
	CHECK(!recording_id_valid(longest));

	CHECK(recording_id_valid("2025-02-05-pytorch-2-6-release-qa"));
	CHECK(recording_id_valid("a.b_c-D9"));
	CHECK(recording_id_valid("-x"));
	CHECK(recording_id_valid("x.."));
	CHECK(!recording_id_valid(NULL));
	CHECK(!recording_id_valid(""));
	CHECK(!recording_id_valid("."));
	CHECK(!recording_id_valid(".."));
	CHECK(!recording_id_valid(".hidden"));
	CHECK(!recording_id_valid("a b"));
	CHECK(!recording_id_valid("a/b"));
	CHECK(!recording_id_valid("a\\b"));
	CHECK(!recording_id_valid("a%2Fb"));
	CHECK(!recording_id_valid("a?b"));
	CHECK(!recording_id_valid("caf\xc3\xa9"));
	CHECK(!recording_id_valid("a\nb"));
}

static void test_load_bad_id(void)
{
	char *tmp = tfs_make_tmpdir("qa-recording");
	char *dir = tfs_make_subdir(tmp, "bad id");
	tfs_write_file(dir, "recording.json", minimal_json);
	char err[512], want[512];
	recording r = RECORDING_INIT;
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_BAD_ID);
	snprintf(want, sizeof want,
	         "%s: invalid recording id \"bad id\": use at most 128 ASCII letters, digits, "
	         "'-', '_' and '.', not starting with '.'",
	         dir);
	CHECK_STR(err, want);
	CHECK(r.id == NULL && r.dir == NULL && r.meta.title == NULL);
	free(dir);

	dir = tfs_make_subdir(tmp, ".hidden");
	tfs_write_file(dir, "recording.json", minimal_json);
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_BAD_ID);
	free(dir);
	CHECK(recording_load_dir("/", &r, err, sizeof err) == RECORDING_BAD_ID);
	CHECK(recording_load_dir("", &r, err, sizeof err) == RECORDING_BAD_ID);
	tfs_rm_rf(tmp);
	free(tmp);
}

/* ---- recording_load_dir ---- */

static void test_bundled(void)
{
	char err[512];
	recording r = RECORDING_INIT;

	CHECK(recording_load_dir(QA_TRANSCRIPTS_DIR "/2025-02-05-pytorch-2-6-release-qa", &r, err,
	                         sizeof err) == RECORDING_OK);
	CHECK_STR(err, "");
	CHECK_STR(r.id, "2025-02-05-pytorch-2-6-release-qa");
	CHECK_STR(r.meta.title, "PyTorch 2.6 Release Live Q&A");
	CHECK(r.meta.kind == RECORDING_RELEASE_QA);
	CHECK_STR(r.meta.release, "2.6");
	CHECK_STR(r.meta.date, "2025-02-05");
	CHECK(r.meta.speaker_count == 4);
	CHECK(r.meta.description && strstr(r.meta.description, "`torch.compile`"));
	CHECK(ends_with(r.transcript_path, "/2025-02-05-pytorch-2-6-release-qa/transcript.vtt"));
	CHECK(ends_with(r.agenda_path, "/agenda.md"));
	CHECK(ends_with(r.notes_path, "/notes.md"));
	CHECK(ends_with(r.json_path, "/recording.json"));
	CHECK(r.media_path == NULL);
	recording_free(&r);

	CHECK(recording_load_dir(QA_TRANSCRIPTS_DIR "/2025-03-11-tac-meeting/", &r, err,
	                         sizeof err) == RECORDING_OK);
	CHECK_STR(r.id, "2025-03-11-tac-meeting");
	CHECK(r.meta.kind == RECORDING_TAC_MEETING);
	CHECK(r.meta.release == NULL);
	CHECK(r.meta.speaker_count == 6);
	if (r.meta.speaker_count == 6) {
		CHECK_STR(r.meta.speakers[0].name, "Helena Voss");
		CHECK_STR(r.meta.speakers[0].role, "TAC chair");
	}
	CHECK(recording_year(&r.meta) == 2025);
	CHECK(ends_with(r.transcript_path, "/2025-03-11-tac-meeting/transcript.srt"));
	recording_free(&r);

	/* And every bundled recording, present or future, loads. */
	DIR *d = opendir(QA_TRANSCRIPTS_DIR);
	CHECK(d != NULL);
	size_t loaded = 0;
	struct dirent *ent;
	while (d && (ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		char *dir = tfs_path_join(QA_TRANSCRIPTS_DIR, ent->d_name);
		char *json = tfs_path_join(dir, "recording.json");
		if (access(json, F_OK) == 0) {
			recording_status st = recording_load_dir(dir, &r, err, sizeof err);
			if (st != RECORDING_OK)
				fprintf(stderr, "%s\n", err);
			CHECK(st == RECORDING_OK);
			loaded++;
			recording_free(&r);
		}
		free(json);
		free(dir);
	}
	if (d)
		closedir(d);
	CHECK(loaded >= 2);
}

static void test_discovery(void)
{
	char *tmp = tfs_make_tmpdir("qa-recording");
	char *dir = tfs_make_subdir(tmp, "rec-1");
	char err[512];
	recording r = RECORDING_INIT;
	tfs_write_file(dir, "recording.json", minimal_json);

	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_OK);
	CHECK_STR(r.id, "rec-1");
	CHECK_STR(r.dir, dir);
	CHECK(r.transcript_path == NULL && r.media_path == NULL);
	CHECK(r.agenda_path == NULL && r.notes_path == NULL);
	recording_free(&r);

	/* Things that are not ours are ignored; "media." has no extension. */
	tfs_write_file(dir, "media.", "");
	tfs_write_file(dir, "transcript.txt", "");
	tfs_write_file(dir, "README", "");
	tfs_write_file(dir, "transcript.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n");
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_OK);
	CHECK(ends_with(r.transcript_path, "/rec-1/transcript.srt"));
	CHECK(r.media_path == NULL);
	recording_free(&r);

	tfs_write_file(dir, "transcript.vtt", "WEBVTT\n");
	tfs_write_file(dir, "media.mp4", "x");
	tfs_write_file(dir, "media.mkv", "x");
	tfs_write_file(dir, "agenda.md", "- 00:00 Start\n");
	tfs_write_file(dir, "notes.md", "Notes\n");
	/* With trailing slashes: they do not reach the id or the paths. */
	char *slashed = tfs_path_join(dir, "/");
	CHECK(recording_load_dir(slashed, &r, err, sizeof err) == RECORDING_OK);
	CHECK_STR(r.id, "rec-1");
	CHECK_STR(r.dir, dir);
	char *want = tfs_path_join(dir, "transcript.vtt");
	CHECK_STR(r.transcript_path, want);
	free(want);
	want = tfs_path_join(dir, "media.mkv"); /* the least name of the media.* files */
	CHECK_STR(r.media_path, want);
	free(want);
	want = tfs_path_join(dir, "agenda.md");
	CHECK_STR(r.agenda_path, want);
	free(want);
	want = tfs_path_join(dir, "notes.md");
	CHECK_STR(r.notes_path, want);
	free(want);
	want = tfs_path_join(dir, "recording.json");
	CHECK_STR(r.json_path, want);
	free(want);
	recording_free(&r);
	CHECK(r.id == NULL && r.transcript_path == NULL);
	recording_free(&r);
	recording_free(NULL);
	free(slashed);

	/* A symlinked media file counts (archives may point at big files elsewhere). */
	char *target = tfs_path_join(tmp, "elsewhere.webm");
	tfs_write_file(tmp, "elsewhere.webm", "x");
	char *link = tfs_path_join(dir, "media.0");
	CHECK(symlink(target, link) == 0);
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_OK);
	CHECK_STR(r.media_path, link);
	recording_free(&r);
	free(target);
	free(link);

	/* Something the indexer would read that is not a file is an error. */
	char *agenda = tfs_path_join(dir, "agenda.md");
	unlink(agenda);
	CHECK(mkdir(agenda, 0755) == 0);
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_INVALID);
	char msg[512];
	snprintf(msg, sizeof msg, "%s: not a regular file", agenda);
	CHECK_STR(err, msg);
	CHECK(r.id == NULL && r.meta.title == NULL);
	free(agenda);

	free(dir);
	tfs_rm_rf(tmp);
	free(tmp);
}

static void test_load_errors(void)
{
	char *tmp = tfs_make_tmpdir("qa-recording");
	char *dir = tfs_make_subdir(tmp, "rec");
	char *json = tfs_path_join(dir, "recording.json");
	char err[512], want[600];
	recording r = RECORDING_INIT;

	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_IO);
	snprintf(want, sizeof want, "%s: %s", json, strerror(ENOENT));
	CHECK_STR(err, want);

	tfs_write_file(dir, "recording.json", "{\n  \"title\": \"x\",\n  \"kind\" \"other\"\n}");
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_INVALID);
	snprintf(want, sizeof want, "%s: line 3, column 16: ':' expected near '\"other\"'", json);
	CHECK_STR(err, want);

	tfs_write_file(dir, "recording.json", "{\"kind\": \"other\", \"date\": \"2025-01-01\"}");
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_INVALID);
	snprintf(want, sizeof want, "%s: title: missing", json);
	CHECK_STR(err, want);
	CHECK(r.id == NULL && r.dir == NULL && r.json_path == NULL);

	/* recording.json that is a folder */
	unlink(json);
	CHECK(mkdir(json, 0755) == 0);
	CHECK(recording_load_dir(dir, &r, err, sizeof err) == RECORDING_IO);
	snprintf(want, sizeof want, "%s: %s", json, strerror(EISDIR));
	CHECK_STR(err, want);

	/* No such folder at all. */
	char *gone = tfs_path_join(tmp, "gone");
	CHECK(recording_load_dir(gone, &r, NULL, 0) == RECORDING_IO);
	free(gone);

	free(json);
	free(dir);
	tfs_rm_rf(tmp);
	free(tmp);
}

int main(void)
{
	RUN(test_full);
	RUN(test_minimal);
	RUN(test_speakers);
	RUN(test_speakers_from_text);
	RUN(test_validation_errors);
	RUN(test_bad_dates);
	RUN(test_quoting);
	RUN(test_syntax_errors);
	RUN(test_status_strings);
	RUN(test_ids);
	RUN(test_load_bad_id);
	RUN(test_bundled);
	RUN(test_discovery);
	RUN(test_load_errors);
	return harness_finish();
}
