/* qarchive recover: what the server does at start, after a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "index_update.h"
#include "ingest.h"

static const char usage[] =
    "usage: qarchive recover [--archive DIR]\n\n"
    "Clean up after an interrupted upload, edit or delete (a crash, kill -9),\n"
    "as the server does when it starts: remove what is left in\n"
    ".qarchive/uploads/tmp/ and .qarchive/trash/ and edits' temp files (not\n"
    "files a running qarchive is using; resumable uploads in uploads/tus/ are\n"
    "kept), then bring the index up to date as `qarchive index` does, which\n"
    "indexes recordings that reached the archive but not the index.\n\n"
    "Exit status: 0 done, 1 some recordings failed to index (reported on\n"
    "stderr), 2 usage, I/O error or the index is busy.\n";

static void on_problem(const char *message, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "qarchive recover: %s\n", message);
}

int cmd_recover(int argc, char **argv)
{
	static const cli_option options[] = {
	    {"--archive", 0, true, 0},
	    {NULL, 0, false, 0},
	};
	const char *archive_flag = NULL;
	cli_args_status parsed =
	    cli_args_parse_simple("recover", usage, options, argc, argv, &archive_flag);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	char *archive = NULL;
	if (archive_resolve_dir(archive_flag, &archive) != ARCHIVE_OK) {
		fputs("qarchive recover: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	int rc = EXIT_USAGE;
	size_t removed = 0;
	ingest_error err;
	if (ingest_recover(archive, &removed, &err) != INGEST_OK) {
		fprintf(stderr, "qarchive recover: %s\n", err.message);
		goto out;
	}
	index_callbacks cb = {NULL, on_problem, NULL};
	index_report r;
	char why[1024];
	index_update_status st = index_update(archive, false, &cb, &r, why, sizeof why);
	if (st != INDEX_UPDATE_OK && st != INDEX_UPDATE_SOME_FAILED) {
		fprintf(stderr, "qarchive recover: %s\n",
		        why[0] ? why : index_update_status_str(st));
		goto out;
	}
	printf("removed %zu leftover%s; indexed %zu, removed %zu, unchanged %zu, failed %zu "
	       "recordings\n",
	       removed, removed == 1 ? "" : "s", r.indexed, r.removed, r.unchanged, r.failed);
	rc = st == INDEX_UPDATE_OK ? EXIT_OK : EXIT_REJECTED;
out:
	free(archive);
	return rc;
}
