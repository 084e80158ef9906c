/* action_args: the command line of `qarchive user` and `qarchive token`,
 * ACTION [NAME] [--archive DIR], where the action "list" takes no name and
 * every other action takes exactly one; and how both report the accounts
 * store's answer. */
#ifndef QA_CLI_ACTION_ARGS_H
#define QA_CLI_ACTION_ARGS_H

#include "accounts.h"
#include "cli_args.h"

typedef struct action_args {
	const char *command; /* "user", for messages */
	const char *action;  /* one of the actions given; borrowed from argv */
	const char *name;    /* NULL for "list"; borrowed from argv */
	char *archive;       /* owned: --archive, else $QARCHIVE_ARCHIVE, else ./archive */
} action_args;

/* Read argv[1..argc) of command ("user") against actions (NULL-terminated)
 * into *out, which needs no setting up. Returns CLI_ARGS_RUN with *out
 * filled in, for action_args_finish (or action_args_free) to free;
 * CLI_ARGS_HELP with the usage on stdout for --help; CLI_ARGS_USAGE after
 * printing what is wrong, and the usage, on stderr (an unknown action, a
 * name missing or one too many, out of memory). On the last two *out
 * holds nothing. */
cli_args_status action_args_parse(int argc, char **argv, const char *command, const char *usage,
                                  const char *const *actions, action_args *out);

/* Free what a owns; a no-op on a freed or all-zero a. */
void action_args_free(action_args *a);

/* The end of a user or token command whose store call returned st with
 * err (may be ""): says "qarchive <command> <action>: <why>" on stderr
 * unless st is ACCOUNTS_OK, frees a, and returns the exit status
 * (commands.h): 0 done, 1 refused, 2 I/O or a damaged accounts file. */
int action_args_finish(action_args *a, accounts_status st, const char *err);

#endif
