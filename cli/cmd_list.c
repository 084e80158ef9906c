/* qarchive list: the recordings the index holds, as the index sees them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "index_update.h"
#include "json_out.h"
#include "recordings_list.h"
#include "xindex.h"

static const char usage[] =
    "usage: qarchive list [--json] [--archive DIR]\n\n"
    "List the indexed recordings, newest first (those of one date by title, as\n"
    "the web pages list them): date, kind, release, whether a transcript was\n"
    "found (from a file or the media's subtitle stream), cues, and title.\n"
    "--json prints each recording's full summary.\n\n"
    "Exit status: 0 listed, 2 usage error, no index, or the index is damaged.\n";

int cmd_list(int argc, char **argv)
{
	enum { OPT_ARCHIVE, OPT_JSON, NOPTS };
	static const cli_option options[] = {
	    {"--archive", OPT_ARCHIVE, true, 0},
	    {"--json", OPT_JSON, false, 0},
	    {NULL, 0, false, 0},
	};
	const char *given[NOPTS] = {NULL};
	cli_args_status parsed = cli_args_parse_simple("list", usage, options, argc, argv, given);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	const char *archive_flag = given[OPT_ARCHIVE];
	bool json = given[OPT_JSON] != NULL;
	int rc = EXIT_USAGE;
	char *archive = NULL, *path = NULL, *err = NULL;
	qx_db *db = NULL;
	json_t *sorted = NULL;
	if (archive_resolve_dir(archive_flag, &archive) != ARCHIVE_OK ||
	    !(path = index_path(archive))) {
		fputs("qarchive list: out of memory\n", stderr);
		goto out;
	}
	qx_status st = qx_db_open(path, false, &db, &err);
	if (st == QX_OK)
		st = recordings_list_newest(db, &sorted);
	if (st != QX_OK) {
		const char *why = db ? qx_db_errmsg(db) : err;
		char damaged[512];
		if (st == QX_CORRUPT) {
			index_damaged_message(why, damaged, sizeof damaged);
			why = damaged;
		} else if (st == QX_NOT_FOUND) {
			why = "no index yet: run `qarchive index`";
		} else if (!why || !why[0]) {
			why = qx_status_str(st);
		}
		fprintf(stderr, "qarchive list: %s: %s\n", archive, why);
		goto out;
	}
	size_t n = json_array_size(sorted);
	if (json) {
		rc = json_out_print(sorted, stdout) ? EXIT_USAGE : EXIT_OK;
		sorted = NULL; /* json_out_print took it */
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(sorted, i);
		const char *release = json_string_value(json_object_get(r, "release"));
		bool has = json_is_true(json_object_get(r, "has_transcript"));
		printf("%s  %-12s %-7s %-19s %5lld cues  %s\n",
		       json_string_value(json_object_get(r, "date")),
		       json_string_value(json_object_get(r, "kind")), release ? release : "-",
		       has ? "transcript" : "no transcript",
		       (long long)json_integer_value(json_object_get(r, "cue_count")),
		       json_string_value(json_object_get(r, "title")));
	}
	rc = EXIT_OK;
out:
	json_decref(sorted);
	qx_db_close(db);
	free(err);
	free(path);
	free(archive);
	return rc;
}
