/* recording_flags: the command line that `qarchive add`, `edit` and
 * `remove` share (a recording's metadata as flags, its files, how to
 * index, the recording ID) and the way they report a result. One table
 * says which command takes which option; cli_args reads it. */
#ifndef QA_RECORDING_FLAGS_H
#define QA_RECORDING_FLAGS_H

#include <stdbool.h>

#include <jansson.h>

#include "cli_args.h"
#include "ingest.h"

typedef enum recording_command {
	RECORDING_ADD = 1 << 0,
	RECORDING_EDIT = 1 << 1,
	RECORDING_REMOVE = 1 << 2,
} recording_command;

typedef struct recording_flags {
	const char *command; /* "add", "edit" or "remove": messages say "qarchive <command>: " */
	char *archive;       /* owned: --archive, else $QARCHIVE_ARCHIVE, else ./archive */
	const char *id;      /* edit, remove: the recording (borrowed from argv) */
	json_t *fields;      /* owned: the metadata given, as recording.json keys */
	const char *media, *transcript, *agenda, *notes; /* borrowed from argv */
	bool no_transcript, no_agenda, no_notes;         /* edit: remove the file */
	bool json;
	/* Copying (never moving: the inputs are the user's files), and
	 * --index-wait. */
	ingest_options options;
} recording_flags;

/* Read the command line of cmd (argv[0] is its name) into f, which needs
 * no setting up. On CLI_ARGS_RUN the caller frees f with
 * recording_flags_free; on the other statuses f holds nothing. The options, in any order (a later
 * one of the same kind replaces an earlier one, except --speaker, which adds a name): all three:
 * --archive DIR  --index-wait SECONDS  --json add, edit:   --title T  --kind K  --date YYYY-MM-DD
 * --release R
 *                --speaker NAME  --description-file F  --transcript F
 *                --agenda F  --notes F
 *   add:         --media F
 *   edit:        --no-release --no-speakers --no-description
 *                --no-transcript --no-agenda --no-notes
 *   edit, remove: one ID, required.
 * Returns CLI_ARGS_RUN with f filled in; CLI_ARGS_HELP with the usage on
 * stdout; CLI_ARGS_USAGE after saying on stderr what is wrong (a usage
 * error, no ID, a missing or bad value, an unreadable description file,
 * out of memory). */
cli_args_status recording_flags_parse(recording_flags *f, recording_command cmd, const char *usage,
                                      int argc, char **argv);

/* Free what f owns; a no-op on a freed or all-zero f. */
void recording_flags_free(recording_flags *f);

/* The result on stdout: {"id": ..., "indexed": ...} with --json, else
 * "<text_prefix><id>". */
void recording_flags_print(const recording_flags *f, const char *id, bool indexed,
                           const char *text_prefix);

/* The end of add and remove, after one ingest call that returned st and
 * filled err: the error, or a note when the change is not indexed yet, on
 * stderr; on success the result (recording_flags_print). Returns the exit
 * status (commands.h). */
int recording_flags_finish(const recording_flags *f, ingest_status st, const ingest_error *err,
                           const char *id, const char *text_prefix);

/* The exit status for an ingest status (commands.h). */
int recording_flags_exit(ingest_status status);

#endif
