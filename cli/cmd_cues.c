/* qarchive cues FILE: a transcript's cues as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cue_json.h"
#include "file_io.h"
#include "json_out.h"
#include "transcript.h"

static const char usage[] =
    "usage: qarchive cues [--format vtt|srt] FILE\n\n"
    "Parse a transcript and print its cues as JSON:\n"
    "  {\"valid\": true|false, \"format\": \"webvtt\"|\"srt\", \"cues\": [{\"id\", \"start\",\n"
    "   \"end\", \"text\", \"plain\", \"voice\", \"settings\"}], \"error\": \"line N: ...\"}\n\n"
    "The format is sniffed from the content (a WebVTT file starts with WEBVTT),\n"
    "with the file name as a tie-breaker; --format forces one.\n"
    "SRT files that are not UTF-8 are read as Windows-1252.\n\n"
    "Exit status: 0 valid, 1 rejected (the JSON says why), 2 usage or I/O error.\n";

int cmd_cues(int argc, char **argv)
{
	transcript_format format = TRANSCRIPT_UNKNOWN;
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
			else {
				fprintf(stderr, "qarchive cues: unknown format '%s' (vtt or srt)\n",
				        f);
				return EXIT_USAGE;
			}
		} else if (argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
			fprintf(stderr, "qarchive cues: unknown option '%s'\n\n%s", argv[i], usage);
			return EXIT_USAGE;
		} else if (!path) {
			path = strcmp(argv[i], "--") == 0 && i + 1 < argc ? argv[++i] : argv[i];
		} else {
			fprintf(stderr, "qarchive cues: one FILE at a time\n\n%s", usage);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}

	char *data;
	size_t len;
	int err = file_read_all(path, &data, &len);
	if (err) {
		fprintf(stderr, "qarchive cues: cannot read %s: %s\n", path, strerror(err));
		return EXIT_USAGE;
	}
	transcript t = TRANSCRIPT_INIT;
	transcript_status status = transcript_parse(data, len, format, path, &t);
	free(data);
	if (status == TRANSCRIPT_NOMEM) {
		fprintf(stderr, "qarchive cues: out of memory reading %s\n", path);
		transcript_free(&t);
		return EXIT_USAGE;
	}
	int rc = json_out_print(transcript_json(&t, status), stdout) ? EXIT_USAGE
	         : status == TRANSCRIPT_OK                           ? EXIT_OK
	                                                             : EXIT_REJECTED;
	if (status != TRANSCRIPT_OK)
		fprintf(stderr, "qarchive cues: %s: %s\n", path, t.error);
	transcript_free(&t);
	return rc;
}
