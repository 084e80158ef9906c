#include "recording_flags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "file_io.h"
#include "number.h"

bool recording_flags_init(recording_flags *f)
{
	memset(f, 0, sizeof *f);
	f->options = (ingest_options)INGEST_OPTIONS_INIT;
	/* The CLI's inputs are the user's files, elsewhere: copy, never move. */
	f->options.copy = true;
	f->fields = json_object();
	return f->fields != NULL;
}

void recording_flags_free(recording_flags *f)
{
	json_decref(f->fields);
	f->fields = NULL;
}

static bool set(recording_flags *f, const char *key, json_t *value)
{
	return value && json_object_set_new(f->fields, key, value) == 0;
}

int recording_flags_parse(recording_flags *f, int argc, char **argv, int *i, const char *cmd,
                          bool edit)
{
	const char *arg = argv[*i];
	static const char *const strings[] = {"--title", "--kind", "--date", "--release"};
	static const char *const removals[] = {"--no-release", "--no-speakers", "--no-description"};
	static const char *const files[] = {"--media", "--transcript", "--agenda", "--notes",
	                                    "--archive"};
	const char **file_slots[] = {&f->media, &f->transcript, &f->agenda, &f->notes, &f->archive};
	bool ok = true;

	if (strcmp(arg, "--json") == 0) {
		f->json = true;
		return 1;
	}
	for (size_t k = 0; edit && k < sizeof removals / sizeof removals[0]; k++)
		if (strcmp(arg, removals[k]) == 0)
			return set(f, removals[k] + 5, json_null()) ? 1 : -1;
	if (edit && strcmp(arg, "--no-transcript") == 0)
		return f->no_transcript = true, 1;
	if (edit && strcmp(arg, "--no-agenda") == 0)
		return f->no_agenda = true, 1;
	if (edit && strcmp(arg, "--no-notes") == 0)
		return f->no_notes = true, 1;

	/* Everything else takes a value. */
	bool known = strcmp(arg, "--speaker") == 0 || strcmp(arg, "--description-file") == 0 ||
	             strcmp(arg, "--index-wait") == 0;
	for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++)
		known |= strcmp(arg, strings[k]) == 0;
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
		known |= strcmp(arg, files[k]) == 0;
	if (!known)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "qarchive %s: %s needs a value\n", cmd, arg);
		return -1;
	}
	const char *value = argv[++*i];
	json_t *text = NULL;
	if (strcmp(arg, "--speaker") == 0 || !strcmp(arg, "--title") || !strcmp(arg, "--kind") ||
	    !strcmp(arg, "--date") || !strcmp(arg, "--release")) {
		if (!(text = json_string(value))) {
			fprintf(stderr, "qarchive %s: %s: not UTF-8 text\n", cmd, arg);
			return -1;
		}
	}
	for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++)
		if (strcmp(arg, strings[k]) == 0) {
			ok = set(f, strings[k] + 2, text);
			text = NULL;
		}
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
		if (strcmp(arg, files[k]) == 0)
			*file_slots[k] = value;
	if (strcmp(arg, "--speaker") == 0) {
		json_t *speakers = json_object_get(f->fields, "speakers");
		if (!json_is_array(speakers)) {
			ok = set(f, "speakers", json_array());
			speakers = json_object_get(f->fields, "speakers");
		}
		ok = ok && json_array_append(speakers, text) == 0;
	} else if (strcmp(arg, "--description-file") == 0) {
		char *data = NULL;
		size_t len = 0;
		int e = file_read_all(value, &data, &len);
		if (e) {
			fprintf(stderr, "qarchive %s: %s: %s\n", cmd, value, strerror(e));
			return -1;
		}
		/* Not UTF-8: recording_parse_json would not see the key at all. */
		json_t *s = json_stringn(data, len);
		free(data);
		if (!s) {
			fprintf(stderr, "qarchive %s: description: %s: not UTF-8 text\n", cmd,
			        value);
			return -1;
		}
		ok = set(f, "description", s);
	} else if (strcmp(arg, "--index-wait") == 0) {
		double seconds;
		if (number_parse_decimal(value, 0, 3600, &seconds) != NUMBER_OK) {
			fprintf(stderr, "qarchive %s: --index-wait: expected seconds, got '%s'\n",
			        cmd, value);
			return -1;
		}
		f->options.index_wait_ms = (unsigned)(seconds * 1000);
	}
	json_decref(text);
	if (!ok) {
		fprintf(stderr, "qarchive %s: out of memory\n", cmd);
		return -1;
	}
	return 1;
}

int recording_flags_exit(ingest_status status)
{
	switch (status) {
	case INGEST_OK:
		return EXIT_OK;
	case INGEST_BAD_INPUT:
	case INGEST_NOT_FOUND:
		return EXIT_REJECTED;
	case INGEST_BUSY:
	case INGEST_IO:
	case INGEST_NOMEM:
		return EXIT_USAGE;
	}
	return EXIT_USAGE;
}
