/* cli_args: the one option loop of the `qarchive` commands that take
 * options and a few plain arguments (add, edit, remove, user, token, index,
 * recover, list, serve, search). A command describes its options in a table; the
 * loop reads argv left to right and handles --help and -h, hands each
 * option (and its value) to the command, collects the plain arguments, and
 * reports anything else as a usage error, so every command says the same
 * thing for the same mistake. */
#ifndef QA_CLI_ARGS_H
#define QA_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cli_option {
	const char *name; /* "--title" */
	int id;           /* the command's own, handed back in on_option */
	bool has_value;   /* takes the next argument as its value, whatever it is */
	/* Which commands of a family sharing one table accept it (a bit each,
	 * matched against cli_args.command_bit); 0 for every command. */
	unsigned commands;
} cli_option;

typedef struct cli_args {
	const char *command;       /* "add": messages start "qarchive add: " */
	const char *usage;         /* for --help (stdout) and after a usage error (stderr) */
	const cli_option *options; /* borrowed; ends with an entry whose name is NULL */
	unsigned command_bit;      /* this command, in the options' commands masks */
	/* An option given last without its value: true says "--x needs a
	 * value"; false reports it as an unexpected argument, with the usage
	 * (what user, token, index, recover, list and serve always said). */
	bool say_needs_value;
	/* Called for each option given, in order; value is NULL for an option
	 * without one, else borrowed from argv. Returns false after printing
	 * "qarchive <command>: ..." on stderr for a bad value. */
	bool (*on_option)(void *ctx, const cli_option *option, const char *value);
	void *ctx;
	/* Arguments not starting with '-', in order: up to max_positionals of
	 * them are stored in positionals (borrowed from argv); one more is an
	 * unexpected argument. npositionals is set by cli_args_parse. */
	const char **positionals;
	size_t max_positionals;
	size_t npositionals;
	/* Plain arguments may start with one '-' ("-cuda", "-", a query's
	 * words); only "--name" is then read as an option (and an unknown one
	 * is an error). */
	bool dash_words;
} cli_args;

typedef enum cli_args_status {
	CLI_ARGS_RUN = 0, /* all read: run the command */
	CLI_ARGS_HELP,    /* --help or -h: the usage is on stdout */
	CLI_ARGS_USAGE,   /* a usage error or a bad value, said on stderr */
} cli_args_status;

/* Read argv[1..argc) as a describes (argv[0] is the command's name). An
 * option's value is never read as an option or as --help: `--title --help`
 * is a title. Returns CLI_ARGS_RUN, CLI_ARGS_HELP or CLI_ARGS_USAGE. */
cli_args_status cli_args_parse(cli_args *a, int argc, char **argv);

/* An on_option for a command that only keeps what it is given: ctx is an
 * array of const char *, indexed by the options' ids, where an option
 * with a value stores its value (the last one given) and one without
 * stores its name, so NULL means "not given". */
bool cli_args_keep_value(void *ctx, const cli_option *option, const char *value);

/* cli_args_parse for a command with options only (no plain arguments),
 * each kept in given[id] by cli_args_keep_value; given (as many entries as
 * there are ids) must start all NULL. */
cli_args_status cli_args_parse_simple(const char *command, const char *usage,
                                      const cli_option *options, int argc, char **argv,
                                      const char **given);

/* The exit status for a status that is not CLI_ARGS_RUN: EXIT_OK for
 * help, EXIT_USAGE for an error (commands.h). */
int cli_args_exit(cli_args_status st);

#endif
