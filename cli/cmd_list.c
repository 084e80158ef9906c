/* qarchive list: the recordings the index holds, as the index sees them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "index_schema.h"
#include "index_update.h"
#include "json_out.h"
#include "xindex.h"

static const char usage[] =
    "usage: qarchive list [--json] [--archive DIR]\n\n"
    "List the indexed recordings, newest first: date, kind, release, whether a\n"
    "transcript was found (from a file or the media's subtitle stream), cues,\n"
    "and title. --json prints each recording's full summary.\n\n"
    "Exit status: 0 listed, 2 usage error or no index.\n";

static bool collect(const char *key, const char *value, void *ctx)
{
	(void)key;
	json_t *summary = json_loads(value, 0, NULL);
	if (summary)
		json_array_append_new(ctx, summary);
	return true;
}

static int newest_first(const void *a, const void *b)
{
	const char *da = json_string_value(json_object_get(*(json_t *const *)a, "date"));
	const char *db = json_string_value(json_object_get(*(json_t *const *)b, "date"));
	return strcmp(db ? db : "", da ? da : "");
}

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
	json_t *all = json_array();
	if (!all || archive_resolve_dir(archive_flag, &archive) != ARCHIVE_OK ||
	    !(path = index_path(archive)))
		goto out;
	qx_status st = qx_db_open(path, false, &db, &err);
	if (st != QX_OK) {
		fprintf(stderr, "qarchive list: %s: %s\n", archive,
		        st == QX_NOT_FOUND ? "no index yet: run `qarchive index`" : err);
		goto out;
	}
	if (qx_db_each_metadata(db, INDEX_META_RECORDING, collect, all) != QX_OK) {
		fprintf(stderr, "qarchive list: %s\n", qx_db_errmsg(db));
		goto out;
	}
	size_t n = json_array_size(all);
	json_t **items = malloc((n ? n : 1) * sizeof *items);
	if (!items)
		goto out;
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(all, i);
	qsort(items, n, sizeof *items, newest_first);
	json_t *sorted = json_array();
	for (size_t i = 0; i < n && sorted; i++)
		json_array_append(sorted, items[i]);
	free(items);
	if (json) {
		rc = json_out_print(sorted, stdout) ? EXIT_USAGE : EXIT_OK;
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
	json_decref(sorted);
	rc = EXIT_OK;
out:
	json_decref(all);
	qx_db_close(db);
	free(err);
	free(path);
	free(archive);
	return rc;
}
