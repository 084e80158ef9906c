#include "action_args.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

int action_args_parse(int argc, char **argv, const char *command, const char *usage,
                      const char *const *actions, action_args *out)
{
	const char *args[2] = {NULL, NULL};
	int nargs = 0;
	*out = (action_args){NULL, NULL, NULL};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--archive") == 0 && i + 1 < argc) {
			out->archive = argv[++i];
		} else if (argv[i][0] != '-' && nargs < 2) {
			args[nargs++] = argv[i];
		} else {
			fprintf(stderr, "qarchive %s: unexpected argument '%s'\n\n%s", command,
			        argv[i], usage);
			return EXIT_USAGE;
		}
	}
	bool known = false;
	for (const char *const *a = actions; *a && args[0] && !known; a++)
		known = strcmp(*a, args[0]) == 0;
	bool list = known && strcmp(args[0], "list") == 0;
	if (!known || (list ? args[1] != NULL : args[1] == NULL)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	out->action = args[0];
	out->name = args[1];
	return -1;
}
