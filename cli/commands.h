/* The `qarchive` subcommands. Each takes the arguments after its name
 * (argv[0] is the subcommand's name) and returns the process exit status. */
#ifndef QA_COMMANDS_H
#define QA_COMMANDS_H

int cmd_cues(int argc, char **argv);
int cmd_agenda(int argc, char **argv);
int cmd_units(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_edit(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_recover(int argc, char **argv);
int cmd_transcribe(int argc, char **argv);
int cmd_pictures(int argc, char **argv);

/* Exit statuses shared by the subcommands. */
enum {
	EXIT_OK = 0,
	EXIT_REJECTED = 1, /* the input was read and is invalid */
	EXIT_USAGE = 2,    /* bad arguments, unreadable file, out of memory */
};

#endif
