/* qarchive: one binary, one subcommand per job. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"cues", "parse a transcript (WebVTT, SRT, SBV, text) and print its cues as JSON", cmd_cues},
    {"agenda", "parse an agenda.md and print its timed items and notes as JSON", cmd_agenda},
    {"units", "print a transcript's questions and their answers as JSON", cmd_units},
    {"index", "make the archive's search index match its recordings", cmd_index},
    {"search", "search the archive; every hit is a moment in a recording", cmd_search},
    {"list", "list the indexed recordings", cmd_list},
    {"probe", "read a recording's duration, streams, chapters and tags as JSON", cmd_probe},
    {"serve", "serve the archive over HTTP: search API, media, captions, feeds", cmd_serve},
    {"user", "add, remove or list the staff accounts, or set a password", cmd_user},
    {"token", "add, remove or list the API tokens for uploads", cmd_token},
    {"add", "add a recording (media, transcript, agenda, notes) to the archive", cmd_add},
    {"edit", "change a recording's metadata, transcript, agenda or notes", cmd_edit},
    {"remove", "delete a recording from the archive and the index", cmd_remove},
    {"recover", "clean up after an interrupted upload or delete, then index", cmd_recover},
    {"transcribe", "transcribe recordings that have no transcript (speech recognition)",
     cmd_transcribe},
    {"pictures", "make the recordings' posters, storyboards and waveforms", cmd_pictures},
};

static void print_help(FILE *out)
{
	fprintf(out, "usage: qarchive <command> [options] [args]\n\n"
	             "An archive of recorded talks, searchable to the moment.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-10s %s\n", "help", "show this list, or `help COMMAND` for one command");
	fprintf(out, "\nRun `qarchive <command> --help` for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
				if (strcmp(commands[i].name, argv[2]) == 0) {
					char help_flag[] = "--help";
					char *args[] = {argv[2], help_flag, NULL};
					return commands[i].run(2, args);
				}
			}
			fprintf(stderr, "qarchive: no command named '%s'\n", argv[2]);
			return EXIT_USAGE;
		}
		print_help(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "qarchive: unknown command '%s'\n\n", name);
	print_help(stderr);
	return EXIT_USAGE;
}
