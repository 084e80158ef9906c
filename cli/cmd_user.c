/* qarchive user: the staff accounts that may log in to the web pages
 * (issue #8). The store itself is server/accounts.c; this is its command
 * line, and the one place a password is typed. */
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "accounts.h"
#include "action_args.h"
#include "commands.h"

static const char usage[] =
    "usage: qarchive user add|passwd|remove NAME [--archive DIR]\n"
    "       qarchive user list [--archive DIR]\n\n"
    "Manage the staff accounts that may log in to the web pages. They are kept\n"
    "in DIR/.qarchive/accounts.json (mode 0600), passwords only as argon2id\n"
    "hashes. A running `qarchive serve` sees changes at once.\n\n"
    "  add NAME     add a user; asks for the password twice when stdin is a\n"
    "               terminal, otherwise reads it from the first line of stdin\n"
    "  passwd NAME  set a user's password, read the same way\n"
    "  remove NAME  remove a user\n"
    "  list         print each user's name and when it was added\n\n"
    "Names are 1 to 64 of A-Z a-z 0-9 . _ @ -, not starting with '.' or '-'.\n"
    "Passwords are at least 8 bytes.\n\n"
    "Exit status: 0 done, 1 refused (invalid name or password, the passwords\n"
    "differ, the user exists already or does not exist), 2 usage error or the\n"
    "accounts file cannot be read or written.\n";

/* Wipe and free a line that held a password. */
static void forget(char *line, size_t cap)
{
	if (line)
		sodium_memzero(line, cap);
	free(line);
}

/* One line from f without its line ending; NULL at end of input. *cap is
 * the allocation's size, for forget(). */
static char *read_line(FILE *f, size_t *cap)
{
	char *line = NULL;
	*cap = 0;
	ssize_t n = getline(&line, cap, f);
	if (n < 0) {
		forget(line, *cap);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if ((size_t)n != strlen(line)) {
		/* A NUL byte: the password would be cut short without a word. */
		line[0] = '\0';
	}
	return line;
}

/* Prompt on the terminal with echo off and read one line. */
static char *ask(FILE *tty, const char *prompt, size_t *cap)
{
	int fd = fileno(tty);
	struct termios saved, quiet;
	/* Echo off before the prompt shows, so nothing typed after it is
	 * echoed (TCSAFLUSH drops what was typed before it). */
	bool restore = tcgetattr(fd, &saved) == 0;
	if (restore) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL; /* the Enter still moves to the next line */
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fputs(prompt, tty);
	fflush(tty);
	char *line = read_line(tty, cap);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &saved);
	else
		fputc('\n', tty);
	return line;
}

/* The new password: asked twice on the terminal when stdin is one, else
 * the first line of stdin. Returns NULL (having said why on stderr) when
 * there is none or the two differ. *cap: for forget(). */
static char *read_password(const char *cmd, size_t *cap)
{
	*cap = 0;
	if (!isatty(STDIN_FILENO)) {
		char *pw = read_line(stdin, cap);
		if (!pw || !pw[0]) {
			fprintf(stderr,
			        "qarchive %s: no password: give it as the first line of stdin\n",
			        cmd);
			forget(pw, *cap);
			return NULL;
		}
		return pw;
	}
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty) {
		perror("qarchive: /dev/tty");
		return NULL;
	}
	size_t cap2 = 0;
	char *pw = ask(tty, "Password: ", cap);
	char *again = pw && pw[0] ? ask(tty, "Again: ", &cap2) : NULL;
	fclose(tty);
	const char *why = !pw || !pw[0]            ? "no password given"
	                  : !again                 ? "no password given the second time"
	                  : strcmp(pw, again) != 0 ? "the passwords differ"
	                                           : NULL;
	forget(again, cap2);
	if (why) {
		fprintf(stderr, "qarchive %s: %s\n", cmd, why);
		forget(pw, *cap);
		return NULL;
	}
	return pw;
}

/* Whether the user exists as `add` (must not) or `passwd` (must) wants;
 * checked again under the lock when the file is written. */
static accounts_status precheck(const char *archive, const char *action, const char *name,
                                char *err, size_t errlen)
{
	bool adding = strcmp(action, "add") == 0;
	accounts_status st = accounts_user_exists(archive, name, err, errlen);
	if (st == ACCOUNTS_OK && adding) {
		snprintf(err, errlen, "a user named '%s' already exists", name);
		return ACCOUNTS_EXISTS;
	}
	if (st == ACCOUNTS_NOT_FOUND && !adding) {
		snprintf(err, errlen, "no user named '%s'", name);
		return ACCOUNTS_NOT_FOUND;
	}
	return st == ACCOUNTS_NOT_FOUND ? ACCOUNTS_OK : st;
}

/* add or passwd: a bad name, or a user that exists (add) or not (passwd),
 * is said before the password is asked for; the write checks again.
 * *no_password: none was given (read_password said so on stderr). */
static accounts_status set_password(const action_args *args, bool *no_password, char *err,
                                    size_t errlen)
{
	const char *archive = args->archive, *action = args->action, *name = args->name;
	accounts_status st = accounts_name_check(name, err, errlen);
	if (st == ACCOUNTS_OK)
		st = precheck(archive, action, name, err, errlen);
	if (st != ACCOUNTS_OK)
		return st;
	char cmd[32];
	snprintf(cmd, sizeof cmd, "user %s", action);
	size_t cap = 0;
	char *pw = read_password(cmd, &cap);
	*no_password = !pw;
	if (!pw)
		return ACCOUNTS_BAD_PASSWORD;
	if (strcmp(action, "add") == 0)
		st = accounts_user_add(archive, name, pw, err, errlen);
	else
		st = accounts_user_set_password(archive, name, pw, err, errlen);
	forget(pw, cap);
	return st;
}

int cmd_user(int argc, char **argv)
{
	static const char *const actions[] = {"add", "passwd", "remove", "list", NULL};
	action_args args;
	cli_args_status parsed = action_args_parse(argc, argv, "user", usage, actions, &args);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	char err[512] = "";
	accounts_status st;
	if (strcmp(args.action, "list") == 0) {
		accounts_entry *users = NULL;
		size_t n = 0;
		st = accounts_user_list(args.archive, &users, &n, err, sizeof err);
		for (size_t i = 0; i < n; i++)
			printf("%-24s %s\n", users[i].name, users[i].created);
		free(users);
	} else if (strcmp(args.action, "remove") == 0) {
		st = accounts_user_remove(args.archive, args.name, err, sizeof err);
	} else {
		bool no_password = false;
		st = set_password(&args, &no_password, err, sizeof err);
		if (no_password) {
			action_args_free(&args);
			return EXIT_REJECTED;
		}
	}
	return action_args_finish(&args, st, err);
}
