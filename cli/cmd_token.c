/* qarchive token: named API tokens for scripts that upload (issue #8), such
 * as a CI job. The store is server/accounts.c; this is its command line. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "action_args.h"
#include "commands.h"

static const char usage[] =
    "usage: qarchive token add|remove NAME [--archive DIR]\n"
    "       qarchive token list [--archive DIR]\n\n"
    "Manage the API tokens that scripts send instead of a password. They are\n"
    "kept in DIR/.qarchive/accounts.json (mode 0600), only as hashes, so a\n"
    "token is shown once, when it is made. A running `qarchive serve` sees\n"
    "changes at once.\n\n"
    "  add NAME     make a token called NAME (a label such as ci-upload) and\n"
    "               print it on stdout: qat_<16 hex digits>_<43 characters>\n"
    "  remove NAME  remove the token called NAME: it stops working at once\n"
    "  list         print each token's name, id and when it was made\n\n"
    "Names are 1 to 64 of A-Z a-z 0-9 . _ @ -, not starting with '.' or '-'.\n\n"
    "Exit status: 0 done, 1 refused (invalid name, the token exists already or\n"
    "does not exist), 2 usage error or the accounts file cannot be read or\n"
    "written.\n";

/* Make the token and show it, once: only its hash is kept. */
static accounts_status add_token(const action_args *args, char *err, size_t errlen)
{
	char token[ACCOUNTS_TOKEN_SIZE];
	accounts_status st =
	    accounts_token_add(args->archive, args->name, token, sizeof token, err, errlen);
	if (st == ACCOUNTS_OK && (printf("%s\n", token) < 0 || fflush(stdout) != 0)) {
		/* A token nobody saw is only a risk: take it back. */
		accounts_token_remove(args->archive, args->name, NULL, 0);
		snprintf(err, errlen, "could not print the token, so it was removed");
		st = ACCOUNTS_IO;
	} else if (st == ACCOUNTS_OK) {
		fprintf(stderr, "qarchive token add: this is the only time the token is "
		                "shown: only its hash is kept\n");
	}
	memset(token, 0, sizeof token);
	return st;
}

int cmd_token(int argc, char **argv)
{
	static const char *const actions[] = {"add", "remove", "list", NULL};
	action_args args;
	cli_args_status parsed = action_args_parse(argc, argv, "token", usage, actions, &args);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	char err[512] = "";
	accounts_status st;
	if (strcmp(args.action, "list") == 0) {
		accounts_entry *tokens = NULL;
		size_t n = 0;
		st = accounts_token_list(args.archive, &tokens, &n, err, sizeof err);
		for (size_t i = 0; i < n; i++)
			printf("%-24s %s  %s\n", tokens[i].name, tokens[i].id, tokens[i].created);
		free(tokens);
	} else if (strcmp(args.action, "remove") == 0) {
		st = accounts_token_remove(args.archive, args.name, err, sizeof err);
	} else {
		st = add_token(&args, err, sizeof err);
	}
	return action_args_finish(&args, st, err);
}
