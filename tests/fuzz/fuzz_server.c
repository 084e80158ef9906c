/* Fuzz target: the whole HTTP surface in-process (issue 16), as a client
 * meets it: libmicrohttpd's request line and header parsing, cookies,
 * urlencoded and multipart bodies, chunked bodies, Expect: 100-continue,
 * Range and conditional headers, tus headers, then our routing and every
 * handler behind it.
 *
 * Once per process (on the first input) a small archive is made in a
 * temporary folder: two recordings with a transcript (one with a short
 * WAV we write here, so /media has bytes to serve), indexed; an API token
 * with a known secret (FUZZ_TOKEN, so seeds can carry `Authorization:
 * Bearer ...`); the real server on 127.0.0.1 at a free port. At exit the
 * server is stopped and the folder removed, so LeakSanitizer sees a clean
 * process.
 *
 * Each input (at most 64 KiB) is written raw to a new TCP connection, the
 * write side is shut when no answer comes (the request is unfinished; see
 * exchange), and the answer is read until it is complete or EOF (bounded
 * by poll).
 * What must hold:
 * - a request head that is complete and carries no body (no
 *   Content-Length, no Transfer-Encoding) is answered;
 * - an answer starts with "HTTP/1.1 " and a 3-digit status; interim 1xx
 *   answers (100 Continue) are skipped to the final one;
 * - the final status is never 5xx, except 503 with Retry-After (a full
 *   work pool or password-hash pool: the designed "try again"), and 505
 *   (libmicrohttpd's answer to an HTTP version other than 1.x).
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "accounts.h"
#include "index_update.h"
#include "media_probe.h"
#include "server.h"
#include "site.h"

/* The API token the seeds send: qat_<16 hex id>_<43 base64url>. */
#define FUZZ_TOKEN_ID "f0220000f0220000"
#define FUZZ_TOKEN    "qat_" FUZZ_TOKEN_ID "_fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz"
#define REQUEST_MAX   (64u << 10)
#define MAX_ANSWER    (8u << 20) /* read at most this much of an answer */
#define ANSWER_MS     5000       /* the whole answer, from the last byte sent */
#define SHUT_MS       50         /* silence before the write side is shut */
#define QUIET_MS      300        /* to start answering an unfinished request */

static char archive[64];
static http_server *server;
static unsigned port;

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

static void write_text(const char *dir, const char *name, const char *text)
{
	write_file(dir, name, text, strlen(text));
}

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Half a second of a quiet square wave, 8 kHz mono 16-bit PCM. */
static void write_wav(const char *dir)
{
	enum { SAMPLES = 4000, DATA = SAMPLES * 2 };
	static unsigned char wav[44 + DATA];
	memcpy(wav, "RIFF", 4);
	put_le(wav + 4, 36 + DATA, 4);
	memcpy(wav + 8, "WAVEfmt ", 8);
	put_le(wav + 16, 16, 4);
	put_le(wav + 20, 1, 2);    /* PCM */
	put_le(wav + 22, 1, 2);    /* mono */
	put_le(wav + 24, 8000, 4); /* rate */
	put_le(wav + 28, 16000, 4);
	put_le(wav + 32, 2, 2);
	put_le(wav + 34, 16, 2);
	memcpy(wav + 36, "data", 4);
	put_le(wav + 40, DATA, 4);
	for (int i = 0; i < SAMPLES; i++)
		put_le(wav + 44 + 2 * i, (i / 20) % 2 ? 1000u : (uint16_t)-1000, 2);
	write_file(dir, "media.wav", wav, sizeof wav);
}

static void add_recording(const char *id, const char *json, const char *vtt, bool media)
{
	char dir[128];
	snprintf(dir, sizeof dir, "%s/%s", archive, id);
	if (mkdir(dir, 0700) != 0)
		abort();
	write_text(dir, "recording.json", json);
	write_text(dir, "transcript.vtt", vtt);
	if (media)
		write_wav(dir);
}

/* accounts.json with one token whose secret we know: the store keeps only
 * BLAKE2b-256 of the whole token string (accounts.h). */
static void add_token(void)
{
	unsigned char hash[32];
	char hex[65], dir[128];
	if (sodium_init() < 0 ||
	    crypto_generichash(hash, sizeof hash, (const unsigned char *)FUZZ_TOKEN,
	                       strlen(FUZZ_TOKEN), NULL, 0) != 0)
		abort();
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(dir, sizeof dir, "%s/.qarchive", archive);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		abort();
	char json[512];
	snprintf(json, sizeof json,
	         "{\"users\": [], \"tokens\": [{\"name\": \"fuzz\", \"id\": \"%s\", "
	         "\"hash\": \"%s\", \"created\": \"2026-01-01T00:00:00Z\"}]}\n",
	         FUZZ_TOKEN_ID, hex);
	write_text(dir, ACCOUNTS_FILE_NAME, json);
}

static void make_archive(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(archive, sizeof archive, "%s/fuzz_server_XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(archive))
		abort();
	add_recording(
	    "2025-01-10-alpha",
	    "{\"title\":\"Alpha release Q&A\",\"kind\":\"release-qa\",\"release\":\"2.6\","
	    "\"date\":\"2025-01-10\",\"speakers\":[\"Ann Host\",\"Bo Dev\"]}",
	    "WEBVTT\n\n00:00:00.000 --> 00:00:00.200\n<v Ann Host>Welcome to the "
	    "release Q and A.\n\n00:00:00.200 --> 00:00:00.400\n<v Bo Dev>Raise "
	    "cache_size_limit to avoid recompilations.\n",
	    true);
	add_recording("2025-03-11-tac",
	              "{\"title\":\"TAC meeting\",\"kind\":\"tac-meeting\","
	              "\"date\":\"2025-03-11\",\"speakers\":[\"Chair Cy\"]}",
	              "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n<v Chair Cy>Welcome, let us "
	              "approve the minutes.\n\n00:01:00.000 --> 00:01:04.000\n<v Chair Cy>Next, "
	              "the multi-cloud CI update and caf\xc3\xa9 quotas.\n",
	              false);
	index_report report;
	char err[512];
	if (index_update(archive, false, NULL, &report, err, sizeof err) != INDEX_UPDATE_OK) {
		fprintf(stderr, "fuzz_server: index_update: %s\n", err);
		abort();
	}
	add_token();
}

static void stop_all(void)
{
	http_server_stop(server);
	server = NULL;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", archive);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_server: could not remove %s\n", archive);
}

/* A port nobody listens on now: the kernel's pick for a socket bound to
 * port 0. Another process may take it before the server does, so the
 * caller retries. */
static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		abort();
	close(fd);
	return ntohs(a.sin_port);
}

static void start_server(void)
{
	signal(SIGPIPE, SIG_IGN);
	media_log_silence();
	make_archive();
	http_server_config cfg = {.site = &qa_site,
	                          .archive_dir = archive,
	                          .listen = "127.0.0.1",
	                          .threads = 2,
	                          .max_upload = 1u << 20};
	char err[512] = "";
	http_server_status st = HTTP_SERVER_LISTEN;
	for (int attempt = 0; attempt < 20 && st == HTTP_SERVER_LISTEN; attempt++) {
		cfg.port = free_port();
		st = http_server_start(&cfg, &server, err, sizeof err);
	}
	if (st != HTTP_SERVER_OK) {
		fprintf(stderr, "fuzz_server: cannot start the server: %s\n", err);
		abort();
	}
	port = cfg.port;
	atexit(stop_all);
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Wait (until deadline) for fd to be ready for events; false on time-out. */
static bool wait_for(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

/* Send the request; the server may answer and close before reading all
 * of it (a 401 before an upload's body), so a failed write ends sending,
 * not the test. */
static void send_all(int fd, const char *buf, size_t len)
{
	long long deadline = now_ms() + ANSWER_MS;
	while (len) {
		if (!wait_for(fd, POLLOUT, deadline))
			return;
		ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Where the final answer's head ends (after interim 1xx answers), or
 * NULL when it has not all arrived. */
static const char *final_head_end(const char *a, size_t len, const char **start)
{
	for (;;) {
		const char *end = memmem(a, len, "\r\n\r\n", 4);
		if (!end)
			return NULL;
		if (len < 12 || a[9] != '1') {
			*start = a;
			return end + 4;
		}
		len -= (size_t)(end + 4 - a);
		a = end + 4;
	}
}

/* Whether the final answer has all arrived: libmicrohttpd keeps a
 * keep-alive connection open after answering even though our write side
 * is shut (it does not look at the socket again before its idle
 * time-out), so EOF cannot be the only end. */
static bool answer_complete(const char *a, size_t len, bool head_request)
{
	const char *start = NULL;
	const char *body = final_head_end(a, len, &start);
	if (!body)
		return false;
	size_t head_len = (size_t)(body - start), body_len = len - (size_t)(body - a);
	char *head = strndup(start, head_len);
	if (!head)
		abort();
	bool done = false;
	const char *cl = strcasestr(head, "\r\nContent-Length:");
	if (head_request ||
	    (len >= 12 && (memcmp(start + 9, "204", 3) == 0 || memcmp(start + 9, "304", 3) == 0)))
		done = true;
	else if (cl)
		done = body_len >= strtoull(cl + 17, NULL, 10);
	else if (strcasestr(head, "\r\nTransfer-Encoding: chunked"))
		done = body_len >= 5 && memcmp(a + len - 5, "0\r\n\r\n", 5) == 0;
	free(head);
	return done;
}

/* The answer until EOF or until it is complete (or MAX_ANSWER bytes, or
 * the time-out); *timed_out says whether the time ran out first. An
 * input the server need not answer (an unfinished head, or a body) gets
 * SHUT_MS, then the end of the input, then QUIET_MS to start answering. Caller frees. */
static char *read_answer(int fd, bool must, bool head_request, size_t *len, bool *timed_out)
{
	bool shut = must;
	char *buf = malloc(MAX_ANSWER + 1);
	if (!buf)
		abort();
	size_t n = 0;
	long long deadline = now_ms() + (must ? ANSWER_MS : QUIET_MS);
	*timed_out = false;
	while (n < MAX_ANSWER) {
		if (!shut && n == 0 && !wait_for(fd, POLLIN, now_ms() + SHUT_MS)) {
			/* Silence: the request is unfinished; its end tells the
			 * server so. */
			shutdown(fd, SHUT_WR);
			shut = true;
			deadline = now_ms() + QUIET_MS;
		}
		if (!wait_for(fd, POLLIN, deadline)) {
			*timed_out = true;
			break;
		}
		ssize_t got = recv(fd, buf + n, MAX_ANSWER - n, MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0)
			break; /* EOF, or a reset after the answer */
		if (n == 0)
			deadline = now_ms() + ANSWER_MS;
		n += (size_t)got;
		buf[n] = '\0';
		if (answer_complete(buf, n, head_request))
			break;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* "METHOD SP target SP HTTP/1.x": libmicrohttpd closes the connection
 * without an answer on a request line it cannot split. */
static bool request_line_ok(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && is_tchar(line[i]))
		i++;
	if (i == 0 || i >= len || line[i] != ' ')
		return false;
	size_t target = ++i;
	while (i < len && (unsigned char)line[i] > ' ' && line[i] != 0x7f)
		i++;
	return i > target && len - i == 9 &&
	       (memcmp(line + i, " HTTP/1.1", 9) == 0 || memcmp(line + i, " HTTP/1.0", 9) == 0);
}

/* "name: value" with a token name and a value of visible characters,
 * spaces and tabs. */
static bool header_line_ok(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && is_tchar(line[i]))
		i++;
	if (i == 0 || i >= len || line[i] != ':')
		return false;
	for (i++; i < len; i++)
		if (((unsigned char)line[i] < ' ' && line[i] != '\t') || line[i] == 0x7f)
			return false;
	return true;
}

/* Whether the input holds a whole, well-formed request head with no body,
 * which the server must answer: after any empty lines (RFC 9112 lets a
 * server skip them), a request line, header lines, a CRLF CRLF, and no
 * header that announces a body. What libmicrohttpd does with anything
 * else (answer 400 or close) is its choice; the answer, if any, is still
 * checked. */
static bool must_answer(const char *req, size_t len)
{
	size_t at = 0;
	while (at + 1 < len && req[at] == '\r' && req[at + 1] == '\n')
		at += 2;
	const char *end = memmem(req + at, len - at, "\r\n\r\n", 4);
	if (!end)
		return false;
	const char *line = req + at;
	bool first = true;
	while (line <= end) {
		const char *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		size_t n = (size_t)(eol - line);
		bool ok = first ? request_line_ok(line, n) : header_line_ok(line, n);
		if (!ok)
			return false;
		if (!first && (strncasecmp(line, "content-length:", 15) == 0 ||
		               strncasecmp(line, "transfer-encoding:", 18) == 0))
			return false;
		first = false;
		line = eol + 2;
	}
	return true;
}

/* The status of the answer starting at a, checking the status line's
 * shape; 0 when the answer is too short to have one. */
static unsigned status_of(const char *a, size_t len)
{
	if (len < 12)
		return 0;
	assert(memcmp(a, "HTTP/1.1 ", 9) == 0);
	for (int i = 9; i < 12; i++)
		assert(a[i] >= '0' && a[i] <= '9');
	return (unsigned)((a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0'));
}

static void check_answer(const char *a, size_t len)
{
	unsigned status = status_of(a, len);
	/* Skip interim answers (100 Continue) to the final one. */
	while (status >= 100 && status < 200) {
		const char *end = memmem(a, len, "\r\n\r\n", 4);
		if (!end)
			return;
		len -= (size_t)(end + 4 - a);
		a = end + 4;
		status = status_of(a, len);
	}
	if (status == 0)
		return;
	assert(status >= 200 && status <= 599);
	const char *head_end = memmem(a, len, "\r\n\r\n", 4);
	size_t head_len = head_end ? (size_t)(head_end - a) : len;
	/* 505 is libmicrohttpd's answer to an HTTP version other than 1.x,
	 * as RFC 9110 prescribes for what the client sent: not a fault. */
	if (status >= 500 && status != 505) {
		char *head = strndup(a, head_len);
		if (!head)
			abort();
		bool retry = strcasestr(head, "\r\nRetry-After:") != NULL;
		if (status != 503 || !retry)
			fprintf(stderr, "fuzz_server: a %u answer:\n%s\n", status, head);
		assert(status == 503 && retry);
		free(head);
	}
}

/* A new connection to the server. Every exchange takes a local port that
 * then waits in TIME_WAIT for a minute, so a long run on a busy machine
 * can find none free (EADDRNOTAVAIL): that is the machine's, not the
 * server's, and is waited out. Anything else (the server no longer
 * listening) says why and stops the run. */
static int connect_server(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	for (int attempt = 0;; attempt++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			return fd;
		int e = errno;
		if (fd >= 0)
			close(fd);
		if ((e != EADDRNOTAVAIL && e != EINTR) || attempt == 600) {
			fprintf(stderr,
			        "fuzz_server: cannot connect to the server on port %u: %s\n", port,
			        strerror(e));
			abort();
		}
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
	}
}

static void exchange(const char *req, size_t len)
{
	int fd = connect_server();
	bool must = must_answer(req, len);
	send_all(fd, req, len);
	/* Shut the write side only when the request is unfinished, so the
	 * server sees its end: libmicrohttpd 0.9.75 drops a connection whose
	 * EOF it reads before it has started on the request (the access log
	 * then shows "- -"), so a finished request must not race its EOF:
	 * read_answer shuts it only after a while without an answer. */
	size_t skip = 0;
	while (skip + 1 < len && req[skip] == '\r' && req[skip + 1] == '\n')
		skip += 2;
	bool head_request = len - skip >= 5 && memcmp(req + skip, "HEAD ", 5) == 0;
	size_t n;
	bool timed_out;
	char *answer = read_answer(fd, must, head_request, &n, &timed_out);
	close(fd);
	if (must && (n == 0 || (timed_out && !answer_complete(answer, n, head_request))))
		fprintf(stderr, "fuzz_server: no %sanswer to a complete request head: %.*s\n",
		        n ? "whole " : "", (int)strcspn(req, "\r\n"), req);
	assert(!must || (n > 0 && (!timed_out || answer_complete(answer, n, head_request))));
	check_answer(answer, n);
	free(answer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!server)
		start_server();
	exchange((const char *)data, size < REQUEST_MAX ? size : REQUEST_MAX);
	return 0;
}
