/* qarchive probe MEDIA: what a recording holds, as JSON. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "json_out.h"
#include "media_json.h"
#include "media_probe.h"

static const char usage[] =
    "usage: qarchive probe MEDIA\n\n"
    "Read a recording's container and print what it holds as JSON:\n"
    "  {\"duration\": seconds|null, \"format\": \"...\", \"streams\": [{\"index\", \"type\",\n"
    "   \"codec\", \"language\"}], \"chapters\": [{\"start\", \"end\", \"title\"}],\n"
    "   \"tags\": {...}}\n\n"
    "A playable recording has at least one audio or video stream. Reading is\n"
    "bounded (5 MB and 5 s of media to find the streams, 10 s in all).\n\n"
    "Exit status: 0 probed, 1 not a playable recording (truncated, not media,\n"
    "no audio or video, too slow to read), 2 usage, unreadable file or out of\n"
    "memory.\n";

int cmd_probe(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
			fprintf(stderr, "qarchive probe: unknown option '%s'\n\n%s", argv[i],
			        usage);
			return EXIT_USAGE;
		} else if (!path) {
			path = strcmp(argv[i], "--") == 0 && i + 1 < argc ? argv[++i] : argv[i];
		} else {
			fprintf(stderr, "qarchive probe: one MEDIA file at a time\n\n%s", usage);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}

	media_log_silence();
	media_info info = MEDIA_INFO_INIT;
	media_status status = media_probe_file(path, &info);
	int rc = EXIT_USAGE; /* every status sets it; this keeps -O3's flow analysis quiet */
	switch (status) {
	case MEDIA_OK:
		rc = json_out_print(media_info_json(&info), stdout) ? EXIT_USAGE : EXIT_OK;
		if (rc != EXIT_OK)
			fprintf(stderr, "qarchive probe: %s: cannot print the result\n", path);
		break;
	case MEDIA_INVALID:
	case MEDIA_TIMEOUT:
	case MEDIA_NO_SUBTITLES:
		fprintf(stderr, "qarchive probe: %s: not a playable recording (%s)\n", path,
		        info.error);
		rc = EXIT_REJECTED;
		break;
	case MEDIA_UNREADABLE:
	case MEDIA_NOMEM:
		fprintf(stderr, "qarchive probe: %s: %s\n", path, info.error);
		rc = EXIT_USAGE;
		break;
	}
	media_info_free(&info);
	return rc;
}
