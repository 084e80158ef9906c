/* server: http_server_start's failures each come with a message (a start
 * that ran out of memory once left the error buffer as it was, and
 * `qarchive serve` printed that), and a start and stop with no requests.
 *
 * Out of memory is made on purpose: this test is linked with
 * -Wl,--wrap=malloc,--wrap=calloc, so the calls made by the statically
 * linked code (ours, not libmicrohttpd's or libc's own) come here first,
 * and the one numbered fail_at returns NULL. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "server.h"
#include "test_fs.h"
#include "work_pool.h"

static const http_site empty_site = {NULL, 0, NULL};

/* The linker's names for the real functions and our stand-ins (reserved
 * identifiers, but these are the names --wrap uses). */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);

static unsigned fail_at; /* 0: none fails; else the allocation, from 1, that does */
static bool failed;      /* the one numbered fail_at came and failed */

static bool fail_now(void)
{
	if (fail_at == 0 || --fail_at > 0)
		return false;
	failed = true;
	return true;
}

void *__wrap_malloc(size_t size)
{
	return fail_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

static http_server_config config(const char *archive, unsigned port)
{
	return (http_server_config){.site = &empty_site,
	                            .archive_dir = archive,
	                            .listen = "127.0.0.1",
	                            .port = port,
	                            .threads = 2};
}

/* A socket listening on 127.0.0.1 at a port the kernel chose; *port
 * says which. The caller closes it. */
static int occupy_port(unsigned *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		perror("occupy_port");
		exit(1);
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* Every status has a message of its own: it is what err holds when a
 * step knows nothing more (out of memory). */
static void test_status_str(void)
{
	for (int st = HTTP_SERVER_OK; st <= HTTP_SERVER_INTERNAL; st++) {
		const char *s = http_server_status_str((http_server_status)st);
		CHECK(s && s[0] && strcmp(s, "unknown status") != 0);
	}
	CHECK_STR(http_server_status_str(HTTP_SERVER_NOMEM), "out of memory");
}

static void test_bad_address(void)
{
	char *dir = tfs_make_tmpdir("qa-server");
	http_server_config cfg = config(dir, 8080);
	cfg.listen = "localhost"; /* a name, not an address literal */
	http_server *s = (http_server *)&cfg;
	char err[256];
	memset(err, 'X', sizeof err);
	CHECK(http_server_start(&cfg, &s, err, sizeof err) == HTTP_SERVER_BAD_ADDRESS);
	CHECK(s == NULL);
	CHECK_STR(err, "--listen localhost: not an IPv4 or IPv6 address");
	tfs_rm_rf(dir);
	free(dir);
}

static void test_port_in_use(void)
{
	char *dir = tfs_make_tmpdir("qa-server");
	unsigned port;
	int fd = occupy_port(&port);
	http_server_config cfg = config(dir, port);
	http_server *s = NULL;
	char err[256];
	memset(err, 'X', sizeof err);
	CHECK(http_server_start(&cfg, &s, err, sizeof err) == HTTP_SERVER_LISTEN);
	CHECK(s == NULL);
	CHECK(strncmp(err, "cannot listen on 127.0.0.1 port ", 32) == 0);
	close(fd);
	tfs_rm_rf(dir);
	free(dir);
}

/* The archive is a file: its .qarchive/ folder cannot be made. */
static void test_state_dir(void)
{
	char *dir = tfs_make_tmpdir("qa-server");
	tfs_write_file(dir, "archive", "not a folder\n");
	char *file = tfs_path_join(dir, "archive");
	http_server_config cfg = config(file, 8080);
	http_server *s = NULL;
	char err[256];
	memset(err, 'X', sizeof err);
	CHECK(http_server_start(&cfg, &s, err, sizeof err) == HTTP_SERVER_STATE_DIR);
	CHECK(s == NULL);
	CHECK(strlen(err) > 0 && strlen(err) < sizeof err && strstr(err, "archive") != NULL);
	free(file);
	tfs_rm_rf(dir);
	free(dir);
}

static void test_start_stop(void)
{
	char *dir = tfs_make_tmpdir("qa-server");
	unsigned port;
	/* A port that was free a moment ago (another test may take it first:
	 * then the start fails with a message, which is checked too). */
	close(occupy_port(&port));
	http_server_config cfg = config(dir, port);
	http_server *s = NULL;
	char err[256];
	memset(err, 'X', sizeof err);
	http_server_status st = http_server_start(&cfg, &s, err, sizeof err);
	CHECK(st == HTTP_SERVER_OK || (st == HTTP_SERVER_LISTEN && s == NULL && err[0]));
	if (st == HTTP_SERVER_OK) {
		CHECK(s != NULL && err[0] == '\0');
		CHECK(http_server_threads(s) == 2);
	}
	http_server_stop(s);
	http_server_stop(NULL);
	tfs_rm_rf(dir);
	free(dir);
}

/* Each allocation of the start fails in turn: every failure is a status
 * with a message in err (before the fix, out of memory left err as it
 * was), nothing leaks (LeakSanitizer), and the first start with no
 * failure runs. */
static void test_out_of_memory(void)
{
	char *dir = tfs_make_tmpdir("qa-server");
	bool started = false;
	unsigned n;
	for (n = 1; n < 1000 && !started; n++) {
		/* Port 0: the kernel picks a free one, should this start run.
		 * No pictures worker: its thread allocates as it sweeps, while
		 * the count runs, and the failure it met would not be start's. */
		http_server_config cfg = config(dir, 0);
		cfg.no_pictures = true;
		http_server *s = NULL;
		char err[256];
		memset(err, 'X', sizeof err);
		fail_at = n;
		failed = false;
		http_server_status st = http_server_start(&cfg, &s, err, sizeof err);
		fail_at = 0;
		if (!failed) {
			CHECK(st == HTTP_SERVER_OK && s != NULL);
			started = true;
		} else {
			bool said = memchr(err, '\0', sizeof err) != NULL && err[0] != '\0' &&
			            err[0] != 'X';
			CHECK(st != HTTP_SERVER_OK && s == NULL && said);
			if (st == HTTP_SERVER_NOMEM && said)
				CHECK_STR(err, "out of memory");
		}
		http_server_stop(s);
	}
	CHECK(started && n > 2); /* at least one allocation was made to fail */
	tfs_rm_rf(dir);
	free(dir);
}

/* work_pool.h: a job past the queue is refused, never waited for; the
 * queued ones all run, also those still waiting when the pool is freed. */
typedef struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool started, open;
	unsigned ran;
} gate;

static void blocking_job(void *arg)
{
	gate *g = arg;
	pthread_mutex_lock(&g->lock);
	g->started = true;
	pthread_cond_broadcast(&g->cond);
	while (!g->open)
		pthread_cond_wait(&g->cond, &g->lock);
	g->ran++;
	pthread_mutex_unlock(&g->lock);
}

static void counting_job(void *arg)
{
	gate *g = arg;
	pthread_mutex_lock(&g->lock);
	g->ran++;
	pthread_mutex_unlock(&g->lock);
}

static void test_work_pool(void)
{
	gate g = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
	http_work_pool *p = NULL;
	CHECK(http_work_pool_new(1, 2, &p) && p);
	if (!p)
		return;
	CHECK(http_work_pool_submit(p, blocking_job, &g) == HTTP_WORK_OK);
	/* Wait until the one thread holds it, so the queue is empty. */
	pthread_mutex_lock(&g.lock);
	while (!g.started)
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);
	CHECK(http_work_pool_submit(p, counting_job, &g) == HTTP_WORK_OK);
	CHECK(http_work_pool_submit(p, counting_job, &g) == HTTP_WORK_OK);
	CHECK(http_work_pool_submit(p, counting_job, &g) == HTTP_WORK_FULL);
	pthread_mutex_lock(&g.lock);
	g.open = true;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.lock);
	http_work_pool_free(p);
	CHECK(g.ran == 3);
}

int main(void)
{
	RUN(test_status_str);
	RUN(test_bad_address);
	RUN(test_port_in_use);
	RUN(test_state_dir);
	RUN(test_start_stop);
	RUN(test_out_of_memory);
	RUN(test_work_pool);
	return harness_finish();
}
