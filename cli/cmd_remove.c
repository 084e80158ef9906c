/* qarchive remove: delete a recording from the archive and the index. */
#include "commands.h"
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
	cli_args_status parsed = recording_flags_parse(&f, RECORDING_REMOVE, usage, argc, argv);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	ingest_error err;
	ingest_status st = recording_delete(f.archive, f.id, &f.options, &err);
	int rc = recording_flags_finish(&f, st, &err, f.id, "removed ");
	recording_flags_free(&f);
	return rc;
}
