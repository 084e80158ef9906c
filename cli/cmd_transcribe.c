/* qarchive transcribe: speech recognition for recordings that have no
 * transcript, run here and now, one at a time (the server runs the same
 * job in the background after an upload). */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "number.h"
#include "path.h"
#include "recording.h"
#include "transcribe_run.h"

static const char usage[] =
    "usage: qarchive transcribe --transcriber CMD [--timeout SECONDS] [--archive DIR]\n"
    "                           [ID...]\n\n"
    "Transcribe recordings that have media but no transcript and no subtitle\n"
    "stream, with the speech recogniser CMD (a shell command line: see README,\n"
    "\"Speech recognition\", for what it is given and must do; whisper.cpp's\n"
    "whisper-cli is the usual one). The result is the recording's machine\n"
    "transcript (transcript.machine.vtt), labelled as such and indexed at once.\n"
    "Without ID, every recording of the archive that needs one; an ID whose\n"
    "last attempt failed is tried again.\n\n"
    "  --transcriber CMD  the engine (default: $QARCHIVE_TRANSCRIBER)\n"
    "  --timeout SECONDS  stop the engine after this long (default: 1800 plus\n"
    "                     3 times the audio's length)\n\n"
    "Exit status: 0 every recording asked for is transcribed (or needs none),\n"
    "1 some failed (the reason is printed, and shown by `qarchive list` and on\n"
    "the recording's page), 2 usage error.\n";

static atomic_bool stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_requested, true);
}

static void on_progress(const char *id, int percent, void *ctx)
{
	(void)ctx;
	if (percent < 0)
		fprintf(stderr, "%s: decoding the audio and starting the transcriber\n", id);
	else
		fprintf(stderr, "%s: transcribing: %d%%\n", id, percent);
}

/* One recording; true unless it failed. */
static bool transcribe_one(const transcribe_config *cfg, const char *id, bool asked)
{
	char err[600];
	transcribe_status st = transcribe_recording(cfg, id, err, sizeof err);
	switch (st) {
	case TRANSCRIBE_OK:
		printf("%s: transcribed\n", id);
		if (err[0])
			fprintf(stderr, "qarchive transcribe: %s\n", err);
		return true;
	case TRANSCRIBE_NOT_NEEDED:
		if (asked)
			printf("%s\n", err);
		return true;
	case TRANSCRIBE_STOPPED:
		fprintf(stderr, "qarchive transcribe: %s\n", err);
		return false;
	case TRANSCRIBE_FAILED:
		fprintf(stderr, "qarchive transcribe: %s: %s\n", id, err);
		return false;
	case TRANSCRIBE_NOT_FOUND:
	case TRANSCRIBE_BUSY:
	case TRANSCRIBE_IO:
	case TRANSCRIBE_NOMEM:
		break;
	}
	fprintf(stderr, "qarchive transcribe: %s: %s\n", id,
	        err[0] ? err : transcribe_status_str(st));
	return false;
}

/* Every recording of the archive that needs it. */
static int transcribe_all(const transcribe_config *cfg)
{
	archive_listing list = ARCHIVE_LISTING_INIT;
	char err[512];
	if (archive_list(cfg->archive_dir, &list, err, sizeof err) != ARCHIVE_OK) {
		fprintf(stderr, "qarchive transcribe: %s\n", err);
		return EXIT_USAGE;
	}
	bool ok = true;
	for (size_t i = 0; i < list.recording_count && !atomic_load(&stop_requested); i++)
		ok = transcribe_one(cfg, list.recordings[i], false) && ok;
	archive_listing_free(&list);
	return ok && !atomic_load(&stop_requested) ? EXIT_OK : EXIT_REJECTED;
}

int cmd_transcribe(int argc, char **argv)
{
	enum { OPT_ARCHIVE, OPT_TRANSCRIBER, OPT_TIMEOUT, NOPTS };
	static const cli_option options[] = {
	    {"--archive", OPT_ARCHIVE, true, 0},
	    {"--transcriber", OPT_TRANSCRIBER, true, 0},
	    {"--timeout", OPT_TIMEOUT, true, 0},
	    {NULL, 0, false, 0},
	};
	const char *given[NOPTS] = {NULL};
	const char *ids[256];
	cli_args a = {.command = "transcribe",
	              .usage = usage,
	              .options = options,
	              .say_needs_value = true,
	              .on_option = cli_args_keep_value,
	              .ctx = given,
	              .positionals = ids,
	              .max_positionals = sizeof ids / sizeof ids[0]};
	cli_args_status parsed = cli_args_parse(&a, argc, argv);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	const char *command =
	    given[OPT_TRANSCRIBER] ? given[OPT_TRANSCRIBER] : getenv("QARCHIVE_TRANSCRIBER");
	if (!command || !command[0]) {
		fprintf(stderr,
		        "qarchive transcribe: --transcriber CMD: missing (or set "
		        "QARCHIVE_TRANSCRIBER)\n\n%s",
		        usage);
		return EXIT_USAGE;
	}
	unsigned timeout = 0;
	if (given[OPT_TIMEOUT] &&
	    number_parse_unsigned(given[OPT_TIMEOUT], 1, 7 * 24 * 3600, &timeout) != NUMBER_OK) {
		fprintf(stderr,
		        "qarchive transcribe: --timeout: expected seconds from 1 to 604800\n");
		return EXIT_USAGE;
	}
	char *archive = NULL;
	if (archive_resolve_dir(given[OPT_ARCHIVE], &archive) != ARCHIVE_OK) {
		fputs("qarchive transcribe: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	transcribe_config cfg = {.archive_dir = archive,
	                         .command = command,
	                         .timeout_seconds = timeout,
	                         .stop = &stop_requested,
	                         .progress = on_progress};
	int rc = EXIT_OK;
	if (a.npositionals == 0) {
		rc = transcribe_all(&cfg);
	} else {
		for (size_t i = 0; i < a.npositionals && !atomic_load(&stop_requested); i++)
			if (!transcribe_one(&cfg, ids[i], true))
				rc = EXIT_REJECTED;
	}
	free(archive);
	return rc;
}
