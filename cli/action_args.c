#include "action_args.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "commands.h"

static const cli_option options[] = {
    {"--archive", 0, true, 0},
    {NULL, 0, false, 0},
};

cli_args_status action_args_parse(int argc, char **argv, const char *command, const char *usage,
                                  const char *const *actions, action_args *out)
{
	const char *args[2] = {NULL, NULL};
	const char *archive = NULL;
	*out = (action_args){command, NULL, NULL, NULL};
	cli_args a = {.command = command,
	              .usage = usage,
	              .options = options,
	              .on_option = cli_args_keep_value,
	              .ctx = &archive,
	              .positionals = args,
	              .max_positionals = 2};
	cli_args_status st = cli_args_parse(&a, argc, argv);
	if (st != CLI_ARGS_RUN)
		return st;
	bool known = false;
	for (const char *const *act = actions; *act && args[0] && !known; act++)
		known = strcmp(*act, args[0]) == 0;
	bool list = known && strcmp(args[0], "list") == 0;
	if (!known || (list ? args[1] != NULL : args[1] == NULL)) {
		fputs(usage, stderr);
		return CLI_ARGS_USAGE;
	}
	out->action = args[0];
	out->name = args[1];
	if (archive_resolve_dir(archive, &out->archive) != ARCHIVE_OK) {
		fprintf(stderr, "qarchive %s: out of memory\n", command);
		return CLI_ARGS_USAGE;
	}
	return CLI_ARGS_RUN;
}

void action_args_free(action_args *a)
{
	free(a->archive);
	a->archive = NULL;
}

static int exit_status(accounts_status st)
{
	switch (st) {
	case ACCOUNTS_OK:
		return EXIT_OK;
	case ACCOUNTS_BAD_NAME:
	case ACCOUNTS_BAD_PASSWORD:
	case ACCOUNTS_EXISTS:
	case ACCOUNTS_NOT_FOUND:
	case ACCOUNTS_BAD_CREDENTIALS:
		return EXIT_REJECTED;
	case ACCOUNTS_CORRUPT:
	case ACCOUNTS_IO:
	case ACCOUNTS_NOMEM:
	case ACCOUNTS_INTERNAL:
	case ACCOUNTS_BUSY:
		return EXIT_USAGE;
	}
	return EXIT_USAGE;
}

int action_args_finish(action_args *a, accounts_status st, const char *err)
{
	if (st != ACCOUNTS_OK)
		fprintf(stderr, "qarchive %s %s: %s\n", a->command, a->action,
		        err && err[0] ? err : accounts_status_str(st));
	action_args_free(a);
	return exit_status(st);
}
