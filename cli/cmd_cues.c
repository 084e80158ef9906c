/* qarchive cues FILE: a transcript's cues as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cue_spool.h"
#include "file_io.h"
#include "json_out.h"
#include "media_json.h"
#include "media_subtitles.h"
#include "number.h"
#include "transcript.h"

static const char usage[] =
    "usage: qarchive cues [--format vtt|srt|sbv|text] [--stream N] FILE\n\n"
    "Parse a transcript and print its cues as JSON:\n"
    "  {\"valid\": true|false, \"format\": \"webvtt\"|\"srt\"|\"sbv\"|\"text\", \"cues\": "
    "[{\"id\",\n"
    "   \"start\", \"end\", \"text\", \"plain\", \"voice\", \"settings\", \"words\"}],\n"
    "   \"error\": \"line N: ...\"}\n\n"
    "The format is sniffed from the content (a WebVTT file starts with WEBVTT; an\n"
    "SBV file with \"0:00:01.000,0:00:04.000\"; text with times has lines like\n"
    "\"[00:12:30] Name: text\" or \"Name  12:30\"), with the file name as a\n"
    "tie-breaker; --format forces one. YouTube's rolling automatic captions give\n"
    "one cue per spoken line, with \"words\": the time of each timed word; a\n"
    "\"Name: \" at the start of a cue becomes its \"voice\".\n"
    "SRT, SBV and text files that are not UTF-8 are read as Windows-1252.\n\n"
    "Any other FILE is read as a recording: the cues of its embedded text\n"
    "subtitle stream (mov_text, subrip, webvtt, ass), \"format\": \"media\" plus\n"
    "\"stream\", \"codec\" and \"language\". The English stream is preferred, then\n"
    "the first; --stream N reads stream index N (see `qarchive probe`).\n\n"
    "Exit status: 0 valid, 1 rejected (the JSON says why), 2 usage or I/O error.\n";

/* A recording rather than a transcript: its embedded subtitle cues. */
static int media_cues(const char *path, int stream)
{
	media_log_silence();
	media_subtitles subs = MEDIA_SUBTITLES_INIT;
	media_status status = media_subtitles_read_file(path, stream, &subs);
	if (status == MEDIA_NOMEM) {
		fprintf(stderr, "qarchive cues: out of memory reading %s\n", path);
		media_subtitles_free(&subs);
		return EXIT_USAGE;
	}
	int rc = json_out_print(media_subtitles_json(&subs, status), stdout) ? EXIT_USAGE
	         : status == MEDIA_OK                                        ? EXIT_OK
	         : status == MEDIA_UNREADABLE                                ? EXIT_USAGE
	                                                                     : EXIT_REJECTED;
	if (status == MEDIA_NO_SUBTITLES)
		fprintf(stderr, "qarchive cues: %s\n", subs.error);
	else if (status == MEDIA_INVALID || status == MEDIA_TIMEOUT)
		fprintf(stderr,
		        "qarchive cues: %s: neither a transcript nor a playable recording (%s)\n",
		        path, subs.error);
	else if (status != MEDIA_OK)
		fprintf(stderr, "qarchive cues: %s: %s\n", path, subs.error);
	media_subtitles_free(&subs);
	return rc;
}

int cmd_cues(int argc, char **argv)
{
	transcript_format format = TRANSCRIPT_UNKNOWN;
	int stream = -1;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "vtt") == 0 || strcmp(f, "webvtt") == 0)
				format = TRANSCRIPT_WEBVTT;
			else if (strcmp(f, "srt") == 0)
				format = TRANSCRIPT_SRT;
			else if (strcmp(f, "sbv") == 0)
				format = TRANSCRIPT_SBV;
			else if (strcmp(f, "text") == 0 || strcmp(f, "txt") == 0)
				format = TRANSCRIPT_TEXT;
			else {
				fprintf(
				    stderr,
				    "qarchive cues: unknown format '%s' (vtt, srt, sbv or text)\n",
				    f);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--stream") == 0 && i + 1 < argc) {
			const char *n = argv[++i];
			unsigned v;
			if (number_parse_unsigned(n, 0, 65535, &v) != NUMBER_OK) {
				fprintf(stderr,
				        "qarchive cues: --stream wants a stream index, not '%s'\n",
				        n);
				return EXIT_USAGE;
			}
			stream = (int)v;
		} else if (strcmp(argv[i], "--") == 0) {
			/* End of options: the next argument is the file, even if it
			 * starts with '-'. */
			if (i + 1 < argc && !path)
				path = argv[++i];
			else if (i + 1 < argc || !path) {
				fputs(usage, stderr);
				return EXIT_USAGE;
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "qarchive cues: unknown option '%s'\n\n%s", argv[i], usage);
			return EXIT_USAGE;
		} else if (!path) {
			path = argv[i];
		} else {
			fprintf(stderr, "qarchive cues: one FILE at a time\n\n%s", usage);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}

	/* Sniff from the first bytes: a recording can be gigabytes, and is
	 * handed to libavformat without being read into memory. */
	char head[4096];
	size_t len;
	int err = file_read_head(path, head, sizeof head, &len);
	if (!err && format == TRANSCRIPT_UNKNOWN &&
	    transcript_sniff(head, len, path) == TRANSCRIPT_UNKNOWN)
		return media_cues(path, stream);
	char *data = NULL;
	if (!err)
		err = file_read_all(path, &data, &len);
	if (err) {
		fprintf(stderr, "qarchive cues: cannot read %s: %s\n", path, strerror(err));
		return EXIT_USAGE;
	}
	int rc = cue_spool_print(data, len, format, path, stdout);
	free(data);
	return rc;
}
