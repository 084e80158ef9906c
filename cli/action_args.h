/* action_args: the command line of `qarchive user` and `qarchive token`:
 * ACTION [NAME] [--archive DIR], where the action "list" takes no name and
 * every other action takes exactly one. */
#ifndef QA_CLI_ACTION_ARGS_H
#define QA_CLI_ACTION_ARGS_H

typedef struct action_args {
	const char *action;  /* one of the actions given */
	const char *name;    /* NULL for "list" */
	const char *archive; /* --archive DIR, or NULL for the default */
} action_args;

/* Parse argv[1..argc) for command ("user", for messages) against actions
 * (NULL-terminated). Returns -1 with *out filled when the command should
 * run; otherwise the exit status to return: EXIT_OK after printing usage
 * for --help, EXIT_USAGE after printing what is wrong and usage. */
int action_args_parse(int argc, char **argv, const char *command, const char *usage,
                      const char *const *actions, action_args *out);

#endif
