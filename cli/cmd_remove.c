/* qarchive remove: delete a recording from the archive and the index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "commands.h"
#include "json_out.h"
#include "recording_edit.h"
#include "recording_flags.h"

static const char usage[] =
    "usage: qarchive remove [--archive DIR] [--index-wait SECONDS] [--json] ID\n\n"
    "Delete recording ID: its folder leaves the archive at once (moved to\n"
    ".qarchive/trash/, then removed) and its documents leave the index.\n\n"
    "  --json  print {\"id\": ..., \"indexed\": true|false}\n\n"
    "Exit status: 0 removed (also when the index was busy: see stderr; the\n"
    "next `qarchive index` drops it), 1 no such recording, 2 usage or I/O error.\n";

int cmd_remove(int argc, char **argv)
{
	recording_flags f;
	if (!recording_flags_init(&f)) {
		fputs("qarchive remove: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	int rc = EXIT_USAGE;
	char *archive = NULL;
	const char *id = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			rc = EXIT_OK;
			goto out;
		}
		bool ours = strcmp(argv[i], "--archive") == 0 ||
		            strcmp(argv[i], "--index-wait") == 0 || strcmp(argv[i], "--json") == 0;
		int r = ours ? recording_flags_parse(&f, argc, argv, &i, "remove", false) : 0;
		if (r < 0)
			goto out;
		if (r == 0 && !id && argv[i][0] != '-') {
			id = argv[i];
		} else if (r == 0) {
			fprintf(stderr, "qarchive remove: unexpected argument '%s'\n\n%s", argv[i],
			        usage);
			goto out;
		}
	}
	if (!id) {
		fprintf(stderr, "qarchive remove: which recording? (an ID)\n\n%s", usage);
		goto out;
	}
	if (archive_resolve_dir(f.archive, &archive) != ARCHIVE_OK) {
		fputs("qarchive remove: out of memory\n", stderr);
		goto out;
	}
	ingest_error err;
	ingest_status st = recording_delete(archive, id, &f.options, &err);
	rc = recording_flags_exit(st);
	if (st != INGEST_OK) {
		fprintf(stderr, "qarchive remove: %s\n", err.message);
		goto out;
	}
	if (!err.indexed)
		fprintf(stderr, "qarchive remove: %s\n", err.message);
	if (f.json)
		json_out_print(json_pack("{s:s, s:b}", "id", id, "indexed", err.indexed), stdout);
	else
		printf("removed %s\n", id);
out:
	free(archive);
	recording_flags_free(&f);
	return rc;
}
