/* tus_fields: Upload-Metadata as a recording's fields, checked up front. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tus_fields.h"
#include "tus_metadata.h"

/* RFC 4648 §4 Base64 with padding, as a tus client encodes values. */
static void b64(const char *in, size_t len, char *out)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = i + 1 < len ? abc[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? abc[v & 63] : '=';
	}
	out[o] = '\0';
}

/* A header from key/value pairs (NULL-terminated list; a value of NULL
 * gives the key alone). */
static char *header(const char *const *kv)
{
	size_t cap = 1;
	for (size_t i = 0; kv[i]; i += 2)
		cap += strlen(kv[i]) + 2 + (kv[i + 1] ? strlen(kv[i + 1]) * 4 / 3 + 4 : 0);
	char *h = malloc(cap), *p = h;
	*p = '\0';
	for (size_t i = 0; kv[i]; i += 2) {
		if (p != h)
			*p++ = ',';
		p += sprintf(p, "%s", kv[i]);
		if (kv[i + 1]) {
			*p++ = ' ';
			b64(kv[i + 1], strlen(kv[i + 1]), p);
			p += strlen(p);
		}
	}
	return h;
}

/* Parse kv as metadata and check it: the status, the message in err. */
static tus_fields_status check(const char *const *kv, upload_fields *f, char *err, size_t errlen,
                               tus_metadata **m)
{
	char *h = header(kv);
	*m = NULL;
	CHECK(tus_metadata_parse(h, m, NULL) == TUS_METADATA_OK);
	free(h);
	return *m ? tus_fields_from_metadata(*m, f, err, errlen) : TUS_FIELDS_NOMEM;
}

#define BASE "title", "Release 2.9 Q&A", "kind", "release-qa", "date", "2025-06-30"

/* The message for kv, which must be rejected; caller frees. */
static void expect_invalid(const char *const *kv, const char *want_prefix)
{
	upload_fields f = {0};
	char err[512];
	tus_metadata *m;
	CHECK(check(kv, &f, err, sizeof err, &m) == TUS_FIELDS_INVALID);
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0)
		fprintf(stderr, "message \"%s\" does not start with \"%s\"\n", err, want_prefix);
	CHECK(strncmp(err, want_prefix, strlen(want_prefix)) == 0);
	CHECK(f.title == NULL); /* *out untouched on failure */
	tus_metadata_free(m);
}

static void test_all_fields(void)
{
	const char *kv[] = {BASE,
	                    "release",
	                    "2.9",
	                    "speakers",
	                    "Ann Host (Host), Bo Dev",
	                    "description",
	                    "Questions about **2.9**.",
	                    "filename",
	                    "talk.mp4",
	                    "transcript",
	                    "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello zephyr\n",
	                    "agenda",
	                    "- 00:00 Welcome\n- 01:00 Questions\n",
	                    "notes",
	                    "## Notes\n",
	                    "qa",
	                    "- 0:01 Q: Hello? / A: Hello zephyr\n",
	                    "filetype",
	                    "video/mp4",
	                    "relativePath",
	                    NULL,
	                    NULL};
	upload_fields f = {.media_path = "/staged/x", .uploaded_by = "ann"};
	char err[512];
	tus_metadata *m;
	CHECK(check(kv, &f, err, sizeof err, &m) == TUS_FIELDS_OK);
	CHECK_STR(err, "");
	CHECK_STR(f.title, "Release 2.9 Q&A");
	CHECK_STR(f.kind, "release-qa");
	CHECK_STR(f.date, "2025-06-30");
	CHECK_STR(f.release, "2.9");
	CHECK_STR(f.speakers, "Ann Host (Host), Bo Dev");
	CHECK_STR(f.description, "Questions about **2.9**.");
	CHECK_STR(f.media_name, "talk.mp4");
	CHECK(f.transcript_text && strstr(f.transcript_text, "zephyr"));
	CHECK(f.agenda_text && strstr(f.agenda_text, "Welcome"));
	CHECK_STR(f.notes_text, "## Notes\n");
	CHECK_STR(f.qa_text, "- 0:01 Q: Hello? / A: Hello zephyr\n"); /* qa.md (issue 14) */
	/* The members it does not own are left alone. */
	CHECK_STR(f.media_path, "/staged/x");
	CHECK_STR(f.uploaded_by, "ann");
	CHECK(f.transcript_path == NULL && f.agenda_path == NULL);
	tus_metadata_free(m);
}

static void test_minimal_and_blank(void)
{
	/* Blank optional values count as absent (a form's empty inputs). */
	const char *kv[] = {BASE, "release", "", "speakers", " \n ", "description", "  ", NULL};
	upload_fields f = {0};
	char err[512];
	tus_metadata *m;
	CHECK(check(kv, &f, err, sizeof err, &m) == TUS_FIELDS_OK);
	CHECK(f.release == NULL && f.speakers == NULL && f.description == NULL);
	CHECK(f.transcript_text == NULL && f.media_name == NULL);
	tus_metadata_free(m);

	/* Speakers one per line, with roles and blank lines. */
	const char *lines[] = {BASE, "speakers", "Ann (Host, PM)\n\nBo Dev\r\n", NULL};
	CHECK(check(lines, &f, err, sizeof err, &m) == TUS_FIELDS_OK);
	tus_metadata_free(m);
}

/* The transcripts people have pass as inline texts too (transcript.h). */
static void test_transcript_formats(void)
{
	const char *texts[] = {
	    "0:00:01.000,0:00:03.000\n>> ANNA: hello\n",
	    "Priya Raman  0:05\nhello\n\nTom  0:09\nbye\n",
	    "[00:00:05] Priya Raman: hello\n[00:00:09] Tom: bye\n",
	    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nPriya Raman: hello\n",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		const char *kv[] = {BASE, "transcript", texts[i], NULL};
		upload_fields f = {0};
		char err[512] = "";
		tus_metadata *m;
		CHECK(check(kv, &f, err, sizeof err, &m) == TUS_FIELDS_OK);
		CHECK_STR(err, "");
		tus_metadata_free(m);
	}
}

/* No date is no mistake: the media's, or today, is taken at ingest. */
static void test_no_date(void)
{
	const char *no_date[] = {"title", "T", "kind", "other", NULL};
	upload_fields f = {0};
	char err[512];
	tus_metadata *m;
	CHECK(check(no_date, &f, err, sizeof err, &m) == TUS_FIELDS_OK && f.date == NULL &&
	      f.title != NULL);
	tus_metadata_free(m);
}

static void test_invalid(void)
{
	const char *no_title[] = {"kind", "webinar", "date", "2025-01-01", NULL};
	expect_invalid(no_title, "title: missing");
	const char *blank_title[] = {"title", "  ", "kind", "webinar", "date", "2025-01-01", NULL};
	expect_invalid(blank_title, "title: missing");
	const char *no_kind[] = {"title", "T", "date", "2025-01-01", NULL};
	expect_invalid(no_kind, "kind: ");
	const char *bad_kind[] = {"title", "T", "kind", "talk", "date", "2025-01-01", NULL};
	expect_invalid(bad_kind, "kind: expected one of release-qa, webinar, tac-meeting, other");
	const char *bad_date[] = {"title", "T", "kind", "other", "date", "2025-02-30", NULL};
	expect_invalid(bad_date, "date: ");
	const char *bad_speaker[] = {BASE, "speakers", "Ann, (Host)", NULL};
	expect_invalid(bad_speaker, "speakers[1].name: ");
	const char *bad_srt[] = {BASE, "transcript",
	                         "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:05,000 --> "
	                         "00:00:04,000\nbackwards\n",
	                         NULL};
	expect_invalid(bad_srt, "transcript: line 6: ");
	const char *not_transcript[] = {BASE, "transcript", "just some words", NULL};
	expect_invalid(not_transcript,
	               "transcript: line 1: not a WebVTT, SRT, SBV or timestamped text transcript");
	const char *bad_text[] = {BASE, "transcript", "[00:00:09] A: x\n[00:00:02] B: y\n", NULL};
	expect_invalid(bad_text, "transcript: line 2: the time 0:02 comes after 0:09");
	const char *bad_agenda[] = {BASE, "agenda", "- 00:00 Start\n- 00:75 Bad\n", NULL};
	expect_invalid(bad_agenda, "agenda: line 2: ");
	const char *latin1[] = {BASE, "notes", "caf\xe9", NULL};
	expect_invalid(latin1, "notes: not UTF-8 text");
	const char *bad_title[] = {"title", "\xff", NULL};
	expect_invalid(bad_title, "title: not UTF-8 text");

	/* A NUL inside a value (Base64 carries any byte). */
	tus_metadata *m = NULL;
	CHECK(tus_metadata_parse("title YQBi,kind b3RoZXI=,date MjAyNS0wMS0wMQ==", &m, NULL) ==
	      TUS_METADATA_OK);
	upload_fields f = {0};
	char err[128];
	CHECK(m && tus_fields_from_metadata(m, &f, err, sizeof err) == TUS_FIELDS_INVALID);
	CHECK_STR(err, "title: holds a NUL byte; expected text");
	tus_metadata_free(m);

	/* No metadata at all. */
	CHECK(tus_metadata_parse(NULL, &m, NULL) == TUS_METADATA_OK);
	CHECK(m && tus_fields_from_metadata(m, &f, err, sizeof err) == TUS_FIELDS_INVALID);
	CHECK_STR(err, "title: missing");
	tus_metadata_free(m);
}

int main(void)
{
	RUN(test_all_fields);
	RUN(test_minimal_and_blank);
	RUN(test_invalid);
	RUN(test_no_date);
	RUN(test_transcript_formats);
	return harness_finish();
}
