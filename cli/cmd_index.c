/* qarchive index: make the index match the archive. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "index_shards.h"
#include "index_update.h"
#include "log_line.h"
#include "media_probe.h"

static const char usage[] =
    "usage: qarchive index [--archive DIR] [--force] [--quiet]\n"
    "                      [--shard-by series|year --shards DIR]\n\n"
    "Make the archive's index match its recordings: new and changed recordings\n"
    "are indexed, removed ones deleted, unchanged ones skipped. All changes are\n"
    "committed at once: an interrupted run leaves the previous index usable.\n\n"
    "  --archive DIR  the archive (default: $QARCHIVE_ARCHIVE, else ./archive)\n"
    "  --force        reindex every recording, into a new index: this also rebuilds\n"
    "                 an index that is damaged\n"
    "  --quiet        no progress bar, no summary (problems are still reported)\n"
    "  --shard-by series|year  instead of the archive's index, build shards: one\n"
    "                 archive per series (the recordings' kind) or year under\n"
    "                 --shards DIR, made of links to the recordings, each with its\n"
    "                 own index, DIR/KEY/.qarchive/index, for `qarchive serve\n"
    "                 --shard` (docs/deploy.md, \"Shards\"); run it again to bring\n"
    "                 them up to date\n\n"
    "Exit status: 0 all indexed, 1 some recordings failed (reported on stderr,\n"
    "the rest indexed), 2 usage error or nothing indexed (e.g. the index is busy,\n"
    "or damaged: then --force rebuilds it).\n";

typedef struct progress_state {
	bool bar; /* stderr is a terminal: redraw a progress bar */
	bool drawn;
} progress_state;

static void on_problem(const char *message, void *ctx)
{
	progress_state *ps = ctx;
	if (ps->drawn) {
		fputs("\r\033[K", stderr); /* clear the bar, print, redraw later */
		ps->drawn = false;
	}
	fprintf(stderr, "qarchive index: %s\n", message);
}

static void on_progress(const index_report *r, void *ctx)
{
	progress_state *ps = ctx;
	if (!ps->bar)
		return;
	const int width = 30;
	int filled = r->total ? (int)(width * r->done / r->total) : width;
	double rate = r->seconds > 0 ? (double)r->cues / r->seconds : 0;
	fprintf(stderr, "\r\033[K[%.*s%*s] %zu/%zu recordings, %zu cues, %.0f cues/s", filled,
	        "##############################", width - filled, "", r->done, r->total, r->cues,
	        rate);
	fflush(stderr);
	ps->drawn = true;
}

enum { OPT_ARCHIVE, OPT_FORCE, OPT_QUIET, OPT_SHARD_BY, OPT_SHARDS, NOPTS };

/* The archive's index, or with --shard-by its shards' (index_shards.h). */
static index_update_status run(const char *archive, const char *const *given, bool force,
                               const index_callbacks *cb, index_report *r, const char **where,
                               char *err, size_t errlen)
{
	index_shard_by by;
	*where = archive;
	if (!given[OPT_SHARD_BY] && !given[OPT_SHARDS])
		return index_update(archive, force, cb, r, err, errlen);
	if (!given[OPT_SHARD_BY] || !given[OPT_SHARDS] ||
	    !index_shard_by_parse(given[OPT_SHARD_BY], &by)) {
		snprintf(err, errlen, "--shard-by series|year and --shards DIR go together");
		return INDEX_UPDATE_FAILED;
	}
	*where = given[OPT_SHARDS];
	return index_shards_build(archive, by, given[OPT_SHARDS], force, cb, r, NULL, err, errlen);
}

int cmd_index(int argc, char **argv)
{
	static const cli_option options[] = {
	    {"--archive", OPT_ARCHIVE, true, 0}, {"--force", OPT_FORCE, false, 0},
	    {"--quiet", OPT_QUIET, false, 0},    {"--shard-by", OPT_SHARD_BY, true, 0},
	    {"--shards", OPT_SHARDS, true, 0},   {NULL, 0, false, 0},
	};
	const char *given[NOPTS] = {NULL};
	cli_args_status parsed = cli_args_parse_simple("index", usage, options, argc, argv, given);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	media_log_silence(); /* our lines say what a media file needed (+faststart) */
	const char *archive_flag = given[OPT_ARCHIVE];
	bool force = given[OPT_FORCE] != NULL, quiet = given[OPT_QUIET] != NULL;
	log_set_quiet(quiet); /* what was done (+faststart) is not a problem */
	char *archive = NULL;
	if (archive_resolve_dir(archive_flag, &archive) != ARCHIVE_OK) {
		fputs("qarchive index: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	progress_state ps = {!quiet && isatty(STDERR_FILENO), false};
	index_callbacks cb = {on_progress, on_problem, &ps};
	index_report r;
	char err[1024];
	const char *where;
	index_update_status st = run(archive, given, force, &cb, &r, &where, err, sizeof err);
	if (ps.drawn)
		fputs("\r\033[K", stderr);
	int rc;
	if (st == INDEX_UPDATE_OK || st == INDEX_UPDATE_SOME_FAILED) {
		if (!quiet)
			printf("indexed %zu, unchanged %zu, removed %zu, failed %zu of %zu "
			       "recordings in "
			       "%s: %zu cues, %zu words in %.2f s (%.0f cues/s)\n",
			       r.indexed, r.unchanged, r.removed, r.failed, r.total, where, r.cues,
			       r.words, r.seconds, r.seconds > 0 ? (double)r.cues / r.seconds : 0);
		rc = st == INDEX_UPDATE_OK ? EXIT_OK : EXIT_REJECTED;
	} else {
		fprintf(stderr, "qarchive index: %s\n", err[0] ? err : index_update_status_str(st));
		rc = EXIT_USAGE;
	}
	free(archive);
	return rc;
}
