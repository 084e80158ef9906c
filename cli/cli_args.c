#include "cli_args.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"

static const cli_option *find(const cli_args *a, const char *arg)
{
	for (const cli_option *o = a->options; o && o->name; o++)
		if ((o->commands == 0 || (o->commands & a->command_bit)) &&
		    strcmp(o->name, arg) == 0)
			return o;
	return NULL;
}

/* An argument no option matched that is an unknown option, not a plain one. */
static bool looks_like_option(const cli_args *a, const char *arg)
{
	if (!a->dash_words)
		return arg[0] == '-';
	return arg[0] == '-' && arg[1] == '-' && arg[2] != '\0';
}

static cli_args_status unexpected(const cli_args *a, const char *arg)
{
	fprintf(stderr, "qarchive %s: unexpected argument '%s'\n\n%s", a->command, arg, a->usage);
	return CLI_ARGS_USAGE;
}

static cli_args_status missing_value(const cli_args *a, const char *arg)
{
	if (!a->say_needs_value)
		return unexpected(a, arg);
	fprintf(stderr, "qarchive %s: %s needs a value\n", a->command, arg);
	return CLI_ARGS_USAGE;
}

cli_args_status cli_args_parse(cli_args *a, int argc, char **argv)
{
	a->npositionals = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(a->usage, stdout);
			return CLI_ARGS_HELP;
		}
		const cli_option *o = find(a, arg);
		if (!o) {
			if (looks_like_option(a, arg) || a->npositionals == a->max_positionals)
				return unexpected(a, arg);
			a->positionals[a->npositionals++] = arg;
			continue;
		}
		const char *value = NULL;
		if (o->has_value) {
			if (i + 1 == argc)
				return missing_value(a, arg);
			value = argv[++i];
		}
		if (!a->on_option(a->ctx, o, value))
			return CLI_ARGS_USAGE;
	}
	return CLI_ARGS_RUN;
}

bool cli_args_keep_value(void *ctx, const cli_option *option, const char *value)
{
	((const char **)ctx)[option->id] = value ? value : option->name;
	return true;
}

cli_args_status cli_args_parse_simple(const char *command, const char *usage,
                                      const cli_option *options, int argc, char **argv,
                                      const char **given)
{
	cli_args a = {.command = command,
	              .usage = usage,
	              .options = options,
	              .on_option = cli_args_keep_value,
	              .ctx = given};
	return cli_args_parse(&a, argc, argv);
}

int cli_args_exit(cli_args_status st)
{
	switch (st) {
	case CLI_ARGS_RUN:
	case CLI_ARGS_HELP:
		return EXIT_OK;
	case CLI_ARGS_USAGE:
		return EXIT_USAGE;
	}
	return EXIT_USAGE;
}
