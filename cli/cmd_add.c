/* qarchive add: a new recording from files, as a staff upload makes one. */
#include "commands.h"
#include "ingest.h"
#include "media_probe.h"
#include "recording_flags.h"

static const char usage[] =
    "usage: qarchive add [--archive DIR] --title T --kind K --date YYYY-MM-DD\n"
    "                    [--release R] [--speaker NAME]... [--description-file F]\n"
    "                    [--media F] [--transcript F] [--agenda F] [--notes F]\n"
    "                    [--index-wait SECONDS] [--json]\n\n"
    "Add a recording to the archive and index it, as an upload does: the\n"
    "metadata is validated, the media probed, the transcript (WebVTT, SRT, SBV or\n"
    "text with times, by content) and agenda parsed, and only then is the\n"
    "recording folder made, whole, under a new id from the date and title\n"
    "(2026-11-20-my-title, then -2, -3, ... if taken). The files are copied;\n"
    "kind is one of release-qa, webinar, tac-meeting, other.\n\n"
    "  --index-wait S  wait up to S seconds (default 10) for a busy index; then\n"
    "                  the recording is in the archive and `qarchive index`\n"
    "                  indexes it later\n"
    "  --json          print {\"id\": ..., \"indexed\": true|false}\n\n"
    "Prints the new id. Errors are one line naming the input:\n"
    "  qarchive add: transcript: line 12: ...\n\n"
    "Exit status: 0 added (also when the index was busy: see stderr), 1 an\n"
    "input is invalid (nothing was added), 2 usage error, unreadable file or\n"
    "I/O error.\n";

int cmd_add(int argc, char **argv)
{
	recording_flags f;
	cli_args_status parsed = recording_flags_parse(&f, RECORDING_ADD, usage, argc, argv);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	media_log_silence(); /* our messages say what was wrong with the media */
	ingest_input in = INGEST_INPUT_INIT;
	in.metadata = f.fields;
	in.media.path = in.media.name = f.media;
	in.transcript.path = in.transcript.name = f.transcript;
	in.agenda.path = in.agenda.name = f.agenda;
	in.notes.path = in.notes.name = f.notes;
	in.options = f.options;
	char id[INGEST_ID_SIZE];
	ingest_error err;
	ingest_status st = ingest_recording(f.archive, &in, id, sizeof id, &err);
	int rc = recording_flags_finish(&f, st, &err, id, "");
	recording_flags_free(&f);
	return rc;
}
