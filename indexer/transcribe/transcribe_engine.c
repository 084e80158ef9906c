#include "transcribe_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>

#include "errmsg.h"

extern char **environ;

/* How long the group has between SIGTERM and SIGKILL. */
#define GRACE_SECONDS 5
/* The longest output line kept whole (longer ones are cut, not refused). */
#define LINE_MAX_BYTES 512

const char *transcribe_engine_status_str(transcribe_engine_status status)
{
	switch (status) {
	case TRANSCRIBE_ENGINE_OK:
		return "ok";
	case TRANSCRIBE_ENGINE_FAILED:
		return "the transcriber failed";
	case TRANSCRIBE_ENGINE_TIMEOUT:
		return "the transcriber timed out";
	case TRANSCRIBE_ENGINE_STOPPED:
		return "stopped";
	case TRANSCRIBE_ENGINE_START:
		return "the transcriber could not be started";
	case TRANSCRIBE_ENGINE_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

int transcribe_engine_progress(const char *line)
{
	const char *p = strstr(line, "progress =");
	if (!p)
		return -1;
	p += strlen("progress =");
	while (*p == ' ')
		p++;
	int n = 0, digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 3)
		n = n * 10 + (*p++ - '0'), digits++;
	return digits > 0 && *p == '%' && n <= 100 ? n : -1;
}

/* One output stream, read in lines. */
typedef struct stream {
	int fd;
	char line[LINE_MAX_BYTES];
	size_t len;
	char last[LINE_MAX_BYTES]; /* the last non-blank line, for the failure message */
} stream;

typedef struct runner {
	const transcribe_engine_run *run;
	stream out, err;
	int progress;
} runner;

static void line_done(runner *r, stream *s)
{
	s->line[s->len] = '\0';
	s->len = 0;
	int p = transcribe_engine_progress(s->line);
	if (p >= 0 && p != r->progress) {
		r->progress = p;
		if (r->run->progress)
			r->run->progress(p, r->run->ctx);
	}
	const char *c = s->line;
	while (*c == ' ' || *c == '\t' || *c == '\r')
		c++;
	if (*c && p < 0)
		snprintf(s->last, sizeof s->last, "%s", c);
}

/* Read what fd has; false at its end. */
static bool drain(runner *r, stream *s)
{
	char buf[4096];
	ssize_t n = read(s->fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		if (s->len)
			line_done(r, s);
		close(s->fd);
		s->fd = -1;
		return false;
	}
	for (ssize_t i = 0; i < n; i++) {
		/* whisper.cpp ends progress lines with '\n'; others redraw with '\r'. */
		if (buf[i] == '\n' || buf[i] == '\r')
			line_done(r, s);
		else if (s->len + 1 < sizeof s->line)
			/* Only printable ASCII reaches the job's JSON and the page:
			 * an engine's bytes need not be UTF-8. */
			s->line[s->len++] = buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '?';
	}
	return true;
}

/* environ plus run->env, for execve (built before fork: nothing after
 * fork in a threaded process may allocate). Caller frees the array. */
static char **make_env(const transcribe_engine_run *run)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	while (run->env && run->env[k])
		k++;
	char **env = calloc(n + k + 1, sizeof *env);
	if (!env)
		return NULL;
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		env[m++] = (char *)run->env[i];
	for (size_t i = 0; i < n; i++) {
		/* Ours win over inherited ones of the same name. */
		bool shadowed = false;
		for (size_t j = 0; j < k && !shadowed; j++) {
			size_t len = strcspn(run->env[j], "=") + 1;
			shadowed = strncmp(environ[i], run->env[j], len) == 0;
		}
		if (!shadowed)
			env[m++] = environ[i];
	}
	return env;
}

/* The guard's SIGHUP (its parent, the server, died): take the whole
 * engine group down, itself included. */
static void on_parent_death(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
}

/* The engine: stdio, folder, a clean signal state, then the shell. */
static void engine_exec(const transcribe_engine_run *run, char **env, int out, int err)
{
	/* The server blocks SIGTERM in every thread and ignores SIGPIPE; a
	 * mask and ignored signals survive exec, and the engine must die
	 * of our SIGTERM and of a closed pipe like any program. */
	sigset_t none;
	sigemptyset(&none);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    chdir(run->cwd) != 0)
		_exit(126);
	for (int fd = 3; fd < 1024; fd++)
		close(fd); /* the server's sockets and files are not the engine's */
	char *argv[] = {"sh", "-c", (char *)run->command, NULL};
	execve("/bin/sh", argv, env);
	_exit(127);
}

/* In the child, the engine group's leader: a guard that runs the engine
 * as its own child and exits as it did. The shell may fork the engine
 * rather than exec it, so a death signal on the shell alone would leave
 * the engine running when the server is killed; the guard gets SIGHUP
 * then (PR_SET_PDEATHSIG) and kills the whole group. SIGTERM, the
 * server's polite stop, is for the engine: the guard ignores it and
 * outlives the engine by the time it takes to exit. Only
 * async-signal-safe calls from fork to execve. */
static void child(const transcribe_engine_run *run, char **env, int out, int err, pid_t server)
{
	setpgid(0, 0);
	signal(SIGTERM, SIG_IGN);
#ifdef __linux__
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_parent_death;
	sigaction(SIGHUP, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGHUP);
	if (getppid() != server)
		_exit(125); /* it died before the line above */
#else
	(void)server;
#endif
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	pid_t pid = fork();
	if (pid < 0)
		_exit(126);
	if (pid == 0)
		engine_exec(run, env, out, err);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(126);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	signal(WTERMSIG(status), SIG_DFL);
	kill(getpid(), WTERMSIG(status));
	_exit(128 + WTERMSIG(status));
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static transcribe_engine_status start(runner *r, pid_t *pid, char *err, size_t errlen)
{
	int out[2] = {-1, -1}, errp[2] = {-1, -1};
	char **env = make_env(r->run);
	if (!env)
		return TRANSCRIBE_ENGINE_NOMEM;
	if (pipe(out) != 0 || pipe(errp) != 0) {
		errmsg_set_errno(err, errlen, "cannot start the transcriber: pipe", errno);
		goto fail;
	}
	pid_t server = getpid();
	*pid = fork();
	if (*pid < 0) {
		errmsg_set_errno(err, errlen, "cannot start the transcriber: fork", errno);
		goto fail;
	}
	if (*pid == 0)
		child(r->run, env, out[1], errp[1], server);
	/* Also here, so the group exists before we might signal it. */
	setpgid(*pid, *pid);
	free(env);
	close(out[1]);
	close(errp[1]);
	r->out.fd = out[0];
	r->err.fd = errp[0];
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	fcntl(errp[0], F_SETFD, FD_CLOEXEC);
	return TRANSCRIBE_ENGINE_OK;
fail:
	free(env);
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return TRANSCRIBE_ENGINE_START;
}

/* What the wait status says, into err. */
static transcribe_engine_status judge(const runner *r, int status, char *err, size_t errlen)
{
	const char *why = r->err.last[0] ? r->err.last : r->out.last;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return TRANSCRIBE_ENGINE_OK;
	if (WIFEXITED(status))
		errmsg_set(err, errlen, "the transcriber exited with status %d%s%s",
		           WEXITSTATUS(status), why[0] ? ": " : "", why);
	else
		errmsg_set(err, errlen, "the transcriber was killed by signal %d%s%s",
		           WIFSIGNALED(status) ? WTERMSIG(status) : 0, why[0] ? ": " : "", why);
	return TRANSCRIBE_ENGINE_FAILED;
}

transcribe_engine_status transcribe_engine_exec(const transcribe_engine_run *run, char *err,
                                                size_t errlen)
{
	runner r = {.run = run, .out = {.fd = -1}, .err = {.fd = -1}, .progress = -1};
	pid_t pid;
	transcribe_engine_status st = start(&r, &pid, err, errlen);
	if (st != TRANSCRIBE_ENGINE_OK)
		return st;
	double deadline = now_seconds() + run->timeout_seconds, killed_at = 0;
	int status = 0;
	transcribe_engine_status why_killed = TRANSCRIBE_ENGINE_OK;
	for (;;) {
		struct pollfd p[2] = {{r.out.fd, POLLIN, 0}, {r.err.fd, POLLIN, 0}};
		if (r.out.fd >= 0 || r.err.fd >= 0)
			poll(p, 2, 200);
		else
			nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
		for (int i = 0; i < 2; i++)
			if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				drain(&r, i == 0 ? &r.out : &r.err);
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno == ECHILD))
			break;
		double t = now_seconds();
		if (!why_killed && (t >= deadline || (run->stop && atomic_load(run->stop)))) {
			why_killed =
			    t >= deadline ? TRANSCRIBE_ENGINE_TIMEOUT : TRANSCRIBE_ENGINE_STOPPED;
			kill(-pid, SIGTERM);
			killed_at = t;
		} else if (why_killed && t - killed_at >= GRACE_SECONDS) {
			kill(-pid, SIGKILL);
		}
	}
	kill(-pid, SIGKILL); /* whatever it left running in its group */
	/* Its last lines may still sit in the pipes. */
	for (int round = 0; round < 1000 && (r.out.fd >= 0 || r.err.fd >= 0); round++) {
		struct pollfd p[2] = {{r.out.fd, POLLIN, 0}, {r.err.fd, POLLIN, 0}};
		if (poll(p, 2, 0) <= 0)
			break;
		for (int i = 0; i < 2; i++)
			if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				drain(&r, i == 0 ? &r.out : &r.err);
	}
	for (int i = 0; i < 2; i++) {
		stream *s = i == 0 ? &r.out : &r.err;
		if (s->fd >= 0)
			close(s->fd);
	}
	if (why_killed == TRANSCRIBE_ENGINE_TIMEOUT)
		errmsg_set(err, errlen, "the transcriber was still running after %u s: stopped",
		           run->timeout_seconds);
	else if (why_killed == TRANSCRIBE_ENGINE_STOPPED)
		errmsg_set(err, errlen, "stopped");
	return why_killed ? why_killed : judge(&r, status, err, errlen);
}
