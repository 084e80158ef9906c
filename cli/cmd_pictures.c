/* qarchive pictures: make the recordings' pictures (posters, storyboards,
 * waveforms) here and now, one at a time; the server makes the same in the
 * background after an upload, and skips what is already made. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "media_probe.h"
#include "pictures_make.h"
#include "recording.h"

static const char usage[] =
    "usage: qarchive pictures [--archive DIR] [--id ID] [--force]\n\n"
    "Make each recording's pictures under DIR/.qarchive/pictures/: for a video a\n"
    "poster frame and a storyboard (a frame every few seconds, for the player's\n"
    "preview), for sound only a waveform as its poster. Pictures already made\n"
    "from the same media file are kept; a media file that could not be read is\n"
    "not tried again until it changes. Without --id, the pictures of recordings\n"
    "no longer in the archive are removed.\n\n"
    "  --id ID   only this recording\n"
    "  --force   make them again even when they are up to date\n\n"
    "Exit status: 0 every recording has its pictures (or has no media),\n"
    "1 some failed (the reason is printed, and shown on the edit page),\n"
    "2 usage error.\n";

static atomic_bool stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_requested, true);
}

static void on_progress(void *arg, const char *id, int percent)
{
	(void)arg;
	/* Every tenth, not every percent: a log, not an animation. */
	if (percent % 10 == 0)
		fprintf(stderr, "%s: pictures: %d%%\n", id, percent);
}

/* One recording; true unless it failed. */
static bool make_one(const pictures_make_config *cfg, const char *id, bool asked)
{
	char err[600];
	pictures_status st = pictures_make(cfg, id, err, sizeof err);
	switch (st) {
	case PICTURES_OK:
		printf("%s: pictures made\n", id);
		return true;
	case PICTURES_NONE:
		if (asked)
			printf("%s: pictures up to date\n", id);
		return true;
	case PICTURES_NO_MEDIA:
		if (asked)
			printf("%s: no media: %s\n", id, err);
		return !asked || err[0] == '\0' || strstr(err, "has no media") != NULL;
	case PICTURES_RANGE:
	case PICTURES_BUSY:
	case PICTURES_FAILED:
	case PICTURES_STOPPED:
	case PICTURES_IO:
	case PICTURES_NOMEM:
		break;
	}
	fprintf(stderr, "qarchive pictures: %s: %s\n", id, err[0] ? err : pictures_status_str(st));
	return false;
}

int cmd_pictures(int argc, char **argv)
{
	enum { OPT_ARCHIVE, OPT_ID, OPT_FORCE, NOPTS };
	static const cli_option options[] = {
	    {"--archive", OPT_ARCHIVE, true, 0},
	    {"--id", OPT_ID, true, 0},
	    {"--force", OPT_FORCE, false, 0},
	    {NULL, 0, false, 0},
	};
	const char *given[NOPTS] = {NULL};
	cli_args_status parsed =
	    cli_args_parse_simple("pictures", usage, options, argc, argv, given);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	if (given[OPT_ID] && !recording_id_valid(given[OPT_ID])) {
		fprintf(stderr, "qarchive pictures: --id: not a recording id: \"%s\"\n",
		        given[OPT_ID]);
		return EXIT_USAGE;
	}
	char *archive = NULL;
	if (archive_resolve_dir(given[OPT_ARCHIVE], &archive) != ARCHIVE_OK) {
		fputs("qarchive pictures: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	media_log_silence(); /* our messages say what went wrong */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	pictures_make_config cfg = {.archive_dir = archive,
	                            .force = given[OPT_FORCE] != NULL,
	                            .stop = &stop_requested,
	                            .progress = on_progress};
	int rc = EXIT_OK;
	archive_listing list = ARCHIVE_LISTING_INIT;
	char err[512];
	if (given[OPT_ID]) {
		rc = make_one(&cfg, given[OPT_ID], true) ? EXIT_OK : EXIT_REJECTED;
	} else if (archive_list(archive, &list, err, sizeof err) != ARCHIVE_OK) {
		fprintf(stderr, "qarchive pictures: %s\n", err);
		rc = EXIT_USAGE;
	} else {
		for (size_t i = 0; i < list.recording_count && !atomic_load(&stop_requested); i++)
			if (!make_one(&cfg, list.recordings[i], false))
				rc = EXIT_REJECTED;
		size_t gone = atomic_load(&stop_requested)
		                  ? 0
		                  : pictures_prune(archive, list.recordings, list.recording_count);
		if (gone)
			printf("pictures of %zu deleted recording%s removed\n", gone,
			       gone == 1 ? "" : "s");
	}
	if (atomic_load(&stop_requested))
		rc = EXIT_REJECTED;
	archive_listing_free(&list);
	free(archive);
	return rc;
}
