/* The options `qarchive add` and `qarchive edit` share: a recording's
 * metadata as flags, its files, and how to index. */
#ifndef QA_RECORDING_FLAGS_H
#define QA_RECORDING_FLAGS_H

#include <stdbool.h>

#include <jansson.h>

#include "ingest.h"

typedef struct recording_flags {
	json_t *fields; /* owned: the metadata given, as recording.json keys */
	const char *archive;
	const char *media, *transcript, *agenda, *notes; /* borrowed from argv */
	bool no_transcript, no_agenda, no_notes;         /* edit: remove the file */
	bool json;
	ingest_options options;
} recording_flags;

/* Start with no flags (fields an empty object). False when out of memory. */
bool recording_flags_init(recording_flags *f);
void recording_flags_free(recording_flags *f);

/* Parse argv[*i] (and its value) if it is one of the shared options:
 *   --archive DIR  --title T  --kind K  --date YYYY-MM-DD  --release R
 *   --speaker NAME (repeatable)  --description-file F  --media F
 *   --transcript F  --agenda F  --notes F  --index-wait SECONDS  --json
 * and, when edit is true, --no-release --no-speakers --no-description
 * --no-transcript --no-agenda --no-notes. Returns 1 when it was one (*i
 * then points at its last word), 0 when it is not, -1 after printing
 * "qarchive <cmd>: ..." for a bad value (an unreadable description file,
 * a missing value). */
int recording_flags_parse(recording_flags *f, int argc, char **argv, int *i, const char *cmd,
                          bool edit);

/* The exit status for an ingest status (commands.h). */
int recording_flags_exit(ingest_status status);

#endif
