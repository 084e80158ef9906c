#include "replica.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
#include "log_line.h"

extern char **environ;

struct http_replica {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	pid_t child; /* the session running now, 0 when none */
	char *host, *port, *master, *dir, *program;
	unsigned interval;
	uint64_t ok, failed;
	bool had_copy;           /* dir held a copy from an earlier run at the start */
	int lock_fd;             /* <dir>.lock, flocked by us and our sessions (see below) */
	struct timespec last_ok; /* CLOCK_MONOTONIC; valid when ok > 0 */
	/* When the last completed session began (valid when ok > 0): the copy
	 * holds at least what the writer had then. Before any, the follower's
	 * start. */
	struct timespec current_as_of;
};

const char *http_replica_status_str(http_replica_status status)
{
	switch (status) {
	case HTTP_REPLICA_OK:
		return "ok";
	case HTTP_REPLICA_BAD_DIR:
		return "the replica directory cannot be used";
	case HTTP_REPLICA_NOMEM:
		return "out of memory";
	case HTTP_REPLICA_THREAD:
		return "cannot start the replication thread";
	}
	return "unknown replica status";
}

/* posix_spawn with the child's signals as a fresh process has them: the
 * server blocks SIGINT and SIGTERM in every thread (cmd_serve's sigwait)
 * and ignores SIGPIPE, and a child would inherit both, so that stopping
 * it with SIGTERM would do nothing. */
static int spawn_session(http_replica *r, pid_t *pid)
{
	char *argv[] = {r->program, "--one-shot", "--quiet", "--timeout=60", "-h",   r->host,
	                "-p",       r->port,      "-m",      r->master,      r->dir, NULL};
	posix_spawnattr_t attr;
	int e = posix_spawnattr_init(&attr);
	if (e)
		return e;
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGINT);
	if (!(e = posix_spawnattr_setsigmask(&attr, &none)) &&
	    !(e = posix_spawnattr_setsigdefault(&attr, &defaults)) &&
	    !(e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)))
		e = posix_spawnp(pid, r->program, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	return e;
}

/* One session: run the client to its end. True when it completed. */
static bool run_session(http_replica *r)
{
	pthread_mutex_lock(&r->lock);
	if (r->stopping) {
		pthread_mutex_unlock(&r->lock);
		return false;
	}
	pid_t pid = 0;
	int e = spawn_session(r, &pid);
	if (e) {
		pthread_mutex_unlock(&r->lock);
		char why[128];
		log_say("serve", "replica: cannot run %s: %s", r->program,
		        errmsg_strerror(e, why, sizeof why));
		return false;
	}
	r->child = pid; /* under the lock, so that stop sees it or sees stopping */
	pthread_mutex_unlock(&r->lock);

	int wstatus = 0;
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&r->lock);
	r->child = 0;
	bool stopping = r->stopping;
	bool have_copy = r->ok > 0 || r->had_copy;
	pthread_mutex_unlock(&r->lock);
	bool ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
	if (!ok && !stopping)
		log_say("serve", "replica: a session with %s:%s did not complete (%s %d); %s",
		        r->host, r->port, WIFEXITED(wstatus) ? "exit status" : "signal",
		        WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus),
		        have_copy ? "still serving the copy from the last one"
		                  : "no copy yet: answering 503 until one completes");
	return ok;
}

/* One client at a time writes dir. The lock is on <dir>.lock's open file,
 * which every session inherits (lock_fd has no FD_CLOEXEC): when a
 * replica is killed mid-session, its orphaned xapian-replicate finishes
 * the session holding the lock, and the restarted replica's first session
 * waits for it instead of writing dir beside it. A second replica pointed
 * at the same dir waits too, and says so. */
static bool lock_dir(http_replica *r)
{
	bool said = false;
	pthread_mutex_lock(&r->lock);
	while (!r->stopping && flock(r->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (!said)
			log_say("serve",
			        "replica: %s is being written by another process (a session left "
			        "by a replica that was killed, or another replica): waiting for it",
			        r->dir);
		said = true;
		/* Polled, so that stopping is not held up by the other process. */
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&r->wake, &r->lock, &until);
	}
	bool locked = !r->stopping;
	pthread_mutex_unlock(&r->lock);
	return locked;
}

static void *follow(void *arg)
{
	http_replica *r = arg;
	if (!lock_dir(r))
		return NULL;
	for (;;) {
		struct timespec began;
		clock_gettime(CLOCK_MONOTONIC, &began);
		bool ok = run_session(r);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&r->lock);
		if (ok) {
			if (r->ok == 0)
				log_say("serve", "replica: caught up with the writer");
			r->ok++;
			r->last_ok = now;
			r->current_as_of = began;
		} else if (!r->stopping) {
			r->failed++;
		}
		struct timespec until = now;
		until.tv_sec += r->interval;
		while (!r->stopping &&
		       pthread_cond_timedwait(&r->wake, &r->lock, &until) != ETIMEDOUT)
			;
		bool stop = r->stopping;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			return NULL;
	}
}

static void replica_free(http_replica *r)
{
	if (!r)
		return;
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r->host);
	free(r->port);
	free(r->master);
	free(r->dir);
	free(r->program);
	free(r);
}

/* The client makes dir itself, but not its parent: say so now rather
 * than in every session's error. */
static bool parent_usable(const char *dir, char *err, size_t errlen)
{
	char *copy = strdup(dir);
	if (!copy) {
		errmsg_set(err, errlen, "out of memory");
		return false;
	}
	char *slash = strrchr(copy, '/');
	const char *parent = !slash ? "." : slash == copy ? "/" : (*slash = '\0', copy);
	bool ok = access(parent, W_OK | X_OK) == 0;
	if (!ok)
		errmsg_set_errno(err, errlen, parent, errno);
	free(copy);
	return ok;
}

http_replica_status http_replica_start(const http_replica_config *cfg, http_replica **out,
                                       char *err, size_t errlen)
{
	*out = NULL;
	if (!parent_usable(cfg->dir, err, errlen))
		return HTTP_REPLICA_BAD_DIR;
	http_replica *r = calloc(1, sizeof *r);
	char port[8];
	snprintf(port, sizeof port, "%u", cfg->port);
	if (!r)
		return HTTP_REPLICA_NOMEM;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->wake, &ca);
	pthread_condattr_destroy(&ca);
	r->interval = cfg->interval ? cfg->interval : 1;
	r->lock_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &r->current_as_of);
	if (!(r->host = strdup(cfg->host)) || !(r->port = strdup(port)) ||
	    !(r->master = strdup(cfg->master)) || !(r->dir = strdup(cfg->dir)) ||
	    !(r->program = strdup(cfg->program ? cfg->program : "xapian-replicate"))) {
		replica_free(r);
		errmsg_set(err, errlen, "out of memory");
		return HTTP_REPLICA_NOMEM;
	}
	/* Xapian's client writes dir/XAPIANDB only when a copy is complete. */
	size_t n = strlen(cfg->dir) + sizeof "/XAPIANDB";
	char *path = malloc(n);
	if (!path) {
		replica_free(r);
		errmsg_set(err, errlen, "out of memory");
		return HTTP_REPLICA_NOMEM;
	}
	snprintf(path, n, "%s/XAPIANDB", cfg->dir);
	r->had_copy = access(path, F_OK) == 0;
	snprintf(path, n, "%s.lock", cfg->dir);
	r->lock_fd = open(path, O_RDWR | O_CREAT, 0600); /* no O_CLOEXEC: lock_dir */
	if (r->lock_fd < 0) {
		errmsg_set_errno(err, errlen, path, errno);
		free(path);
		replica_free(r);
		return HTTP_REPLICA_BAD_DIR;
	}
	free(path);
	if (pthread_create(&r->thread, NULL, follow, r) != 0) {
		replica_free(r);
		errmsg_set(err, errlen, "cannot start the replication thread");
		return HTTP_REPLICA_THREAD;
	}
	*out = r;
	return HTTP_REPLICA_OK;
}

bool http_replica_ready(http_replica *r)
{
	if (!r)
		return false;
	pthread_mutex_lock(&r->lock);
	bool ready = r->ok > 0 || r->had_copy;
	pthread_mutex_unlock(&r->lock);
	return ready;
}

void http_replica_get_stats(http_replica *r, http_replica_stats *out)
{
	*out = (http_replica_stats){.seconds_since_ok = -1, .lag_bound = -1};
	if (!r)
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&r->lock);
	out->sessions_ok = r->ok;
	out->sessions_failed = r->failed;
	if (r->ok)
		out->seconds_since_ok = (double)(now.tv_sec - r->last_ok.tv_sec) +
		                        (double)(now.tv_nsec - r->last_ok.tv_nsec) / 1e9;
	out->lag_bound = (double)(now.tv_sec - r->current_as_of.tv_sec) +
	                 (double)(now.tv_nsec - r->current_as_of.tv_nsec) / 1e9;
	pthread_mutex_unlock(&r->lock);
}

void http_replica_stop(http_replica *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	if (r->child > 0)
		kill(r->child, SIGTERM);
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	replica_free(r);
}
