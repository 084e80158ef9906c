#include "recording_flags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "commands.h"
#include "file_io.h"
#include "json_out.h"
#include "number.h"

enum {
	OPT_ARCHIVE,
	OPT_INDEX_WAIT,
	OPT_JSON,
	OPT_TEXT, /* --title --kind --date --release: the key is the name without "--" */
	OPT_SPEAKER,
	OPT_DESCRIPTION_FILE,
	OPT_MEDIA,
	OPT_TRANSCRIPT,
	OPT_AGENDA,
	OPT_NOTES,
	OPT_REMOVE_KEY, /* --no-release --no-speakers --no-description: "--no-" + key */
	OPT_NO_TRANSCRIPT,
	OPT_NO_AGENDA,
	OPT_NO_NOTES,
};

#define ALL    (RECORDING_ADD | RECORDING_EDIT | RECORDING_REMOVE)
#define CHANGE (RECORDING_ADD | RECORDING_EDIT)

static const cli_option options[] = {
    {"--archive", OPT_ARCHIVE, true, ALL},
    {"--index-wait", OPT_INDEX_WAIT, true, ALL},
    {"--json", OPT_JSON, false, ALL},
    {"--title", OPT_TEXT, true, CHANGE},
    {"--kind", OPT_TEXT, true, CHANGE},
    {"--date", OPT_TEXT, true, CHANGE},
    {"--release", OPT_TEXT, true, CHANGE},
    {"--speaker", OPT_SPEAKER, true, CHANGE},
    {"--description-file", OPT_DESCRIPTION_FILE, true, CHANGE},
    /* edit keeps a recording's media: its id and duration come from it. */
    {"--media", OPT_MEDIA, true, RECORDING_ADD},
    {"--transcript", OPT_TRANSCRIPT, true, CHANGE},
    {"--agenda", OPT_AGENDA, true, CHANGE},
    {"--notes", OPT_NOTES, true, CHANGE},
    {"--no-release", OPT_REMOVE_KEY, false, RECORDING_EDIT},
    {"--no-speakers", OPT_REMOVE_KEY, false, RECORDING_EDIT},
    {"--no-description", OPT_REMOVE_KEY, false, RECORDING_EDIT},
    {"--no-transcript", OPT_NO_TRANSCRIPT, false, RECORDING_EDIT},
    {"--no-agenda", OPT_NO_AGENDA, false, RECORDING_EDIT},
    {"--no-notes", OPT_NO_NOTES, false, RECORDING_EDIT},
    {NULL, 0, false, 0},
};

typedef struct parse_state {
	recording_flags *f;
	const char *archive; /* --archive, borrowed; resolved once all is read */
} parse_state;

/* fields[key] = value (stolen). False, having said so, when out of memory. */
static bool set(recording_flags *f, const char *key, json_t *value)
{
	if (value && json_object_set_new(f->fields, key, value) == 0)
		return true;
	fprintf(stderr, "qarchive %s: out of memory\n", f->command);
	return false;
}

/* The value as a JSON string; NULL, having said so, when it is not UTF-8. */
static json_t *text(recording_flags *f, const char *option, const char *value)
{
	json_t *s = json_string(value);
	if (!s)
		fprintf(stderr, "qarchive %s: %s: not UTF-8 text\n", f->command, option);
	return s;
}

static bool add_speaker(recording_flags *f, const char *value)
{
	json_t *name = text(f, "--speaker", value);
	if (!name)
		return false;
	/* The first --speaker replaces the list (or the null of --no-speakers). */
	json_t *speakers = json_object_get(f->fields, "speakers");
	if (!json_is_array(speakers)) {
		if (!set(f, "speakers", json_array())) {
			json_decref(name);
			return false;
		}
		speakers = json_object_get(f->fields, "speakers");
	}
	if (json_array_append_new(speakers, name) == 0)
		return true;
	fprintf(stderr, "qarchive %s: out of memory\n", f->command);
	return false;
}

static bool set_description(recording_flags *f, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int e = file_read_all(path, &data, &len);
	if (e) {
		fprintf(stderr, "qarchive %s: %s: %s\n", f->command, path, strerror(e));
		return false;
	}
	/* Not UTF-8: recording_parse_json would not see the key at all. */
	json_t *s = json_stringn(data, len);
	free(data);
	if (!s) {
		fprintf(stderr, "qarchive %s: description: %s: not UTF-8 text\n", f->command, path);
		return false;
	}
	return set(f, "description", s);
}

static bool set_index_wait(recording_flags *f, const char *value)
{
	double seconds;
	if (number_parse_decimal(value, 0, 3600, &seconds) != NUMBER_OK) {
		fprintf(stderr, "qarchive %s: --index-wait: expected seconds, got '%s'\n",
		        f->command, value);
		return false;
	}
	f->options.index_wait_ms = (unsigned)(seconds * 1000);
	return true;
}

static bool on_option(void *ctx, const cli_option *o, const char *value)
{
	parse_state *ps = ctx;
	recording_flags *f = ps->f;
	switch (o->id) {
	case OPT_INDEX_WAIT:
		return set_index_wait(f, value);
	case OPT_TEXT: {
		json_t *s = text(f, o->name, value);
		return s && set(f, o->name + 2, s);
	}
	case OPT_SPEAKER:
		return add_speaker(f, value);
	case OPT_DESCRIPTION_FILE:
		return set_description(f, value);
	case OPT_REMOVE_KEY:
		return set(f, o->name + 5, json_null());
	case OPT_ARCHIVE:
		ps->archive = value;
		break;
	case OPT_JSON:
		f->json = true;
		break;
	case OPT_MEDIA:
		f->media = value;
		break;
	case OPT_TRANSCRIPT:
		f->transcript = value;
		break;
	case OPT_AGENDA:
		f->agenda = value;
		break;
	case OPT_NOTES:
		f->notes = value;
		break;
	case OPT_NO_TRANSCRIPT:
		f->no_transcript = true;
		break;
	case OPT_NO_AGENDA:
		f->no_agenda = true;
		break;
	case OPT_NO_NOTES:
		f->no_notes = true;
		break;
	}
	return true;
}

static const char *command_name(recording_command cmd)
{
	switch (cmd) {
	case RECORDING_ADD:
		return "add";
	case RECORDING_EDIT:
		return "edit";
	case RECORDING_REMOVE:
		return "remove";
	}
	return "?";
}

static cli_args_status parse(recording_flags *f, recording_command cmd, const char *usage, int argc,
                             char **argv)
{
	memset(f, 0, sizeof *f);
	f->command = command_name(cmd);
	f->options = (ingest_options)INGEST_OPTIONS_INIT;
	/* The CLI's inputs are the user's files, elsewhere: copy, never move. */
	f->options.copy = true;
	if (!(f->fields = json_object())) {
		fprintf(stderr, "qarchive %s: out of memory\n", f->command);
		return CLI_ARGS_USAGE;
	}
	parse_state ps = {f, NULL};
	cli_args a = {.command = f->command,
	              .usage = usage,
	              .options = options,
	              .command_bit = cmd,
	              .say_needs_value = true,
	              .on_option = on_option,
	              .ctx = &ps,
	              .positionals = &f->id,
	              .max_positionals = cmd == RECORDING_ADD ? 0 : 1};
	cli_args_status st = cli_args_parse(&a, argc, argv);
	if (st != CLI_ARGS_RUN)
		return st;
	if (cmd != RECORDING_ADD && !f->id) {
		fprintf(stderr, "qarchive %s: which recording? (an ID)\n\n%s", f->command, usage);
		return CLI_ARGS_USAGE;
	}
	if (archive_resolve_dir(ps.archive, &f->archive) != ARCHIVE_OK) {
		fprintf(stderr, "qarchive %s: out of memory\n", f->command);
		return CLI_ARGS_USAGE;
	}
	return CLI_ARGS_RUN;
}

cli_args_status recording_flags_parse(recording_flags *f, recording_command cmd, const char *usage,
                                      int argc, char **argv)
{
	cli_args_status st = parse(f, cmd, usage, argc, argv);
	if (st != CLI_ARGS_RUN)
		recording_flags_free(f);
	return st;
}

void recording_flags_free(recording_flags *f)
{
	json_decref(f->fields);
	f->fields = NULL;
	free(f->archive);
	f->archive = NULL;
}

void recording_flags_print(const recording_flags *f, const char *id, bool indexed,
                           const char *text_prefix)
{
	if (f->json)
		json_out_print(json_pack("{s:s, s:b}", "id", id, "indexed", indexed), stdout);
	else
		printf("%s%s\n", text_prefix, id);
}

int recording_flags_finish(const recording_flags *f, ingest_status st, const ingest_error *err,
                           const char *id, const char *text_prefix)
{
	/* A change that is not indexed yet is still done: say why on stderr
	 * and report it as made. */
	if (st != INGEST_OK || !err->indexed)
		fprintf(stderr, "qarchive %s: %s\n", f->command, err->message);
	if (st == INGEST_OK)
		recording_flags_print(f, id, err->indexed, text_prefix);
	return recording_flags_exit(st);
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
