/* qarchive edit: change a recording's metadata, transcript, agenda or notes. */
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "commands.h"
#include "index_update.h"
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
    "input is invalid or no such recording (then nothing was changed),\n"
    "2 usage error, unreadable file or I/O error.\n";

/* Every change given, all or none of them (recording_edit_apply), without
 * indexing. *changed: whether any was given. */
static ingest_status apply_changes(const recording_flags *f, bool *changed, ingest_error *err)
{
	ingest_options opts = f->options;
	opts.no_index = true; /* indexed below, with the wait the user asked for */
	ingest_file transcript = {.path = f->transcript, .name = f->transcript};
	ingest_file agenda = {.path = f->agenda, .name = f->agenda};
	ingest_file notes = {.path = f->notes, .name = f->notes};
	recording_changes c = {
	    .fields = json_object_size(f->fields) > 0 ? f->fields : NULL,
	    .transcript = f->transcript ? &transcript : NULL,
	    .remove_transcript = f->no_transcript,
	    .agenda_set = f->agenda || f->no_agenda,
	    .agenda = f->agenda ? &agenda : NULL,
	    .notes_set = f->notes || f->no_notes,
	    .notes = f->notes ? &notes : NULL,
	};
	*changed = c.fields || c.transcript || c.remove_transcript || c.agenda_set || c.notes_set;
	if (!*changed)
		return INGEST_OK;
	ingest_status st = recording_edit_apply(f->archive, f->id, &c, &opts, err);
	*changed = st == INGEST_OK;
	return st;
}

int cmd_edit(int argc, char **argv)
{
	recording_flags f;
	cli_args_status parsed = recording_flags_parse(&f, RECORDING_EDIT, usage, argc, argv);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	int rc = EXIT_USAGE;
	bool changed;
	ingest_error err = INGEST_ERROR_INIT;
	ingest_status st = apply_changes(&f, &changed, &err);
	if (st == INGEST_OK && !changed) {
		fprintf(stderr, "qarchive edit: nothing to change\n\n%s", usage);
		goto out;
	}
	rc = recording_flags_exit(st);
	if (st != INGEST_OK)
		fprintf(stderr, "qarchive edit: %s\n", err.message);
	if (!changed)
		goto out;
	/* Changed: index the recording now. */
	char why[512];
	index_update_status is =
	    index_update_recording(f.archive, f.id, f.options.index_wait_ms, NULL, why, sizeof why);
	if (is != INDEX_UPDATE_OK)
		fprintf(stderr,
		        "qarchive edit: %s: not indexed yet (%s); `qarchive index` will "
		        "catch up\n",
		        f.id, why);
	if (st == INGEST_OK)
		recording_flags_print(&f, f.id, is == INDEX_UPDATE_OK, "");
out:
	recording_flags_free(&f);
	return rc;
}
