/* qarchive edit: change a recording's metadata, transcript, agenda or notes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "archive.h"
#include "commands.h"
#include "index_update.h"
#include "json_out.h"
#include "recording_edit.h"
#include "recording_flags.h"

static const char usage[] =
    "usage: qarchive edit [--archive DIR] [--title T] [--kind K] [--date YYYY-MM-DD]\n"
    "                     [--release R | --no-release] [--speaker NAME]... [--no-speakers]\n"
    "                     [--description-file F | --no-description]\n"
    "                     [--transcript F | --no-transcript] [--agenda F | --no-agenda]\n"
    "                     [--notes F | --no-notes] [--index-wait SECONDS] [--json] ID\n\n"
    "Change recording ID in place and re-index it (only it). Metadata flags\n"
    "replace those fields (--speaker, repeated, replaces the whole list) and\n"
    "keep the others; files are validated as `qarchive add` does, then replace\n"
    "the old ones atomically. The id stays the same.\n\n"
    "  --json  print {\"id\": ..., \"indexed\": true|false}\n\n"
    "Exit status: 0 changed (also when the index was busy: see stderr), 1 an\n"
    "input is invalid or no such recording (the changes before it are kept),\n"
    "2 usage error, unreadable file or I/O error.\n";

int cmd_edit(int argc, char **argv)
{
	recording_flags f;
	if (!recording_flags_init(&f)) {
		fputs("qarchive edit: out of memory\n", stderr);
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
		int r = strcmp(argv[i], "--media") == 0
		            ? 0
		            : recording_flags_parse(&f, argc, argv, &i, "edit", true);
		if (r < 0)
			goto out;
		if (r == 0 && !id && argv[i][0] != '-') {
			id = argv[i];
		} else if (r == 0) {
			fprintf(stderr, "qarchive edit: unexpected argument '%s'\n\n%s", argv[i],
			        usage);
			goto out;
		}
	}
	if (!id) {
		fprintf(stderr, "qarchive edit: which recording? (an ID)\n\n%s", usage);
		goto out;
	}
	if (archive_resolve_dir(f.archive, &archive) != ARCHIVE_OK) {
		fputs("qarchive edit: out of memory\n", stderr);
		goto out;
	}
	/* Each change without indexing, then the recording indexed once. */
	ingest_options opts = f.options;
	opts.no_index = true;
	ingest_error err = INGEST_ERROR_INIT;
	ingest_status st = INGEST_OK;
	bool changed = false;
	ingest_file file = INGEST_FILE_NONE;
	if (json_object_size(f.fields) > 0) {
		st = recording_update_metadata(archive, id, f.fields, &opts, &err);
		changed |= st == INGEST_OK;
	}
	if (st == INGEST_OK && (f.transcript || f.no_transcript)) {
		file.path = file.name = f.transcript;
		st = recording_replace_transcript(archive, id, f.transcript ? &file : NULL, &opts,
		                                  &err);
		changed |= st == INGEST_OK;
	}
	if (st == INGEST_OK && (f.agenda || f.no_agenda)) {
		file.path = file.name = f.agenda;
		st = recording_replace_agenda(archive, id, f.agenda ? &file : NULL, &opts, &err);
		changed |= st == INGEST_OK;
	}
	if (st == INGEST_OK && (f.notes || f.no_notes)) {
		file.path = file.name = f.notes;
		st = recording_replace_notes(archive, id, f.notes ? &file : NULL, &opts, &err);
		changed |= st == INGEST_OK;
	}
	if (st == INGEST_OK && !changed) {
		fprintf(stderr, "qarchive edit: nothing to change\n\n%s", usage);
		goto out;
	}
	rc = recording_flags_exit(st);
	if (st != INGEST_OK)
		fprintf(stderr, "qarchive edit: %s\n", err.message);
	if (!changed)
		goto out;
	char why[512];
	index_update_status is =
	    index_update_recording(archive, id, f.options.index_wait_ms, NULL, why, sizeof why);
	if (is != INDEX_UPDATE_OK)
		fprintf(stderr,
		        "qarchive edit: %s: not indexed yet (%s); `qarchive index` will "
		        "catch up\n",
		        id, why);
	if (st != INGEST_OK)
		goto out;
	if (f.json)
		json_out_print(json_pack("{s:s, s:b}", "id", id, "indexed", is == INDEX_UPDATE_OK),
		               stdout);
	else
		printf("%s\n", id);
out:
	free(archive);
	recording_flags_free(&f);
	return rc;
}
