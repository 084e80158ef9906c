/* qarchive serve: the archive over HTTP until SIGINT or SIGTERM. */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "cli_args.h"
#include "file_io.h"
#include "log_line.h"
#include "index_update.h"
#include "ingest.h"
#include "commands.h"
#include "media_probe.h"
#include "number.h"
#include "replica.h"
#include "server.h"
#include "site.h"
#include "tus_store.h"

static const char usage[] =
    "usage: qarchive serve [--archive DIR] [--listen ADDR] [--port N] [--threads N]\n"
    "                      [--max-upload SIZE] [--secure-cookies] [--private]\n"
    "                      [--transcriber CMD [--transcriber-timeout SECONDS]\n"
    "                       [--transcribe-jobs N]]\n"
    "                      [--log-format text|json] [--metrics-allow ADDRS]\n"
    "                      [--metrics-token-file FILE]\n"
    "                      [--replica-of HOST:PORT --replica-dir DIR --writer-url URL\n"
    "                       [--replica-interval SECONDS]] [--accel-redirect PREFIX]\n"
    "                      [--trusted-proxy ADDRS] [--no-pictures] [--shard INDEX]...\n\n"
    "Serve the archive over HTTP: the search API, the recordings' media (with\n"
    "byte ranges), captions and chapters as WebVTT, Atom feeds, and the pages.\n"
    "New commits by `qarchive index` show without a restart. Requests are logged\n"
    "in Common Log Format on stderr; SIGINT or SIGTERM stops the server.\n\n"
    "  --listen ADDR  the IP address to listen on (default 127.0.0.1: this\n"
    "                 machine only; 0.0.0.0 or :: for every interface)\n"
    "  --port N       TCP port (default 8080)\n"
    "  --threads N    worker threads (default: one per CPU)\n"
    "  --max-upload SIZE  the largest media file an upload may carry, in bytes\n"
    "                 or with a K, M, G or T suffix (powers of 1024; default 8G)\n"
    "  --secure-cookies  mark session cookies Secure: the server sits behind a\n"
    "                 TLS-terminating proxy and is reached over https only\n"
    "  --private      reading the archive needs an account too (by default only\n"
    "                 uploads and edits do)\n"
    "  --transcriber CMD  transcribe uploads that come without a transcript or\n"
    "                 subtitle stream with this speech recogniser, in the\n"
    "                 background (README, \"Speech recognition\"; jobs queued\n"
    "                 or cut short by a restart run at start)\n"
    "  --transcriber-timeout SECONDS  stop an engine after this long (default:\n"
    "                 1800 plus 3 times the audio's length)\n"
    "  --transcribe-jobs N  engines run at once (default 1)\n"
    "  --log-format text|json  the log's lines: text (default; requests in\n"
    "                 Common Log Format) or one JSON object per line\n"
    "  --metrics-allow ADDRS  addresses that may read /metrics (Prometheus\n"
    "                 format), comma-separated, each ADDR or ADDR/BITS\n"
    "                 (default 127.0.0.1,::1)\n"
    "  --metrics-token-file FILE  /metrics is also readable with\n"
    "                 `Authorization: Bearer TOKEN`, TOKEN being FILE's first line\n"
    "  --replica-of HOST:PORT  be a read replica: keep DIR a copy of the index\n"
    "                 that the writer's `xapian-replicate-server` exports as\n"
    "                 `index` at HOST:PORT, and serve search and pages from it\n"
    "                 and the archive (the writer's, shared read-only); uploads,\n"
    "                 edits and signing in are refused with a 403 naming URL\n"
    "                 (docs/deploy.md)\n"
    "  --replica-interval SECONDS  between replication sessions (default 5)\n"
    "  --accel-redirect PREFIX  behind nginx: answer /media/ with\n"
    "                 `X-Accel-Redirect: PREFIX/<id>/<file>` after the access\n"
    "                 checks, for nginx to send the file (deploy/nginx.conf)\n"
    "  --trusted-proxy ADDRS  the proxies in front (nginx), comma-separated ADDR or\n"
    "                 ADDR/BITS: from them, the last X-Forwarded-For address is the\n"
    "                 client (for the sign-in throttle, the log and /metrics)\n"
    "  --no-pictures  do not make posters, storyboards and waveforms in the\n"
    "                 background (`qarchive pictures` makes them; frames at\n"
    "                 moments are still made on request)\n"
    "  --shard INDEX  search these indexes as one (repeat it; each a local index,\n"
    "                 e.g. SHARD/.qarchive/index, or tcp:HOST:PORT of xapian-tcpsrv)\n"
    "                 instead of the archive's own; the server is then read-only\n"
    "                 (see `qarchive index --shard-by`)\n\n"
    "Staff sign in at /login with accounts made by `qarchive user add`; scripts\n"
    "send `Authorization: Bearer TOKEN` with a token from `qarchive token add`.\n\n"
    "Exit status: 0 stopped by a signal, 2 usage error or cannot listen.\n";

/* Before serving: clean up what a killed server left (half-received
 * uploads, half-built recordings, interrupted deletes). Fast, and done
 * before the first request so no stale temp file is mistaken for a live
 * one. */
static bool recover(const char *archive)
{
	size_t removed = 0;
	ingest_error err = INGEST_ERROR_INIT;
	if (ingest_recover(archive, &removed, &err) != INGEST_OK) {
		log_say("serve", "%s", err.message);
		return false;
	}
	if (removed)
		log_say("serve", "removed %zu stale upload file%s", removed,
		        removed == 1 ? "" : "s");
	/* Resumable uploads survive restarts (clients resume them); those
	 * nobody resumed for a week, or that ended a day ago, go. A failure
	 * here stops nothing: the upload routes report their own. */
	tus_store *tus = NULL;
	char *msg = NULL;
	size_t expired = 0;
	if (tus_store_open(archive, &tus, &msg) != TUS_OK ||
	    tus_store_expire(tus, (int64_t)time(NULL), TUS_KEEP_UNFINISHED, TUS_KEEP_OVER,
	                     &expired) != TUS_OK)
		log_say("serve", "resumable uploads: %s",
		        tus   ? tus_store_errmsg(tus)
		        : msg ? msg
		              : "out of memory");
	else if (expired)
		log_say("serve", "removed %zu expired resumable upload%s", expired,
		        expired == 1 ? "" : "s");
	tus_store_close(tus);
	free(msg);
	return true;
}

static void report_problem(const char *message, void *ctx)
{
	(void)ctx;
	log_say("serve", "index: %s", message);
}

/* Then, while already serving: the same incremental `qarchive index`, so a
 * recording that reached the archive but not the index (the server was
 * killed while indexing it) becomes searchable. Unchanged recordings are
 * skipped by their fingerprint, so this is quick on a big archive. */
static char *catch_up_archive;

static void *catch_up(void *arg)
{
	const char *archive = arg;
	index_callbacks cb = {NULL, report_problem, NULL};
	index_report report;
	char err[512];
	index_update_status st = index_update(archive, false, &cb, &report, err, sizeof err);
	if (st == INDEX_UPDATE_OK || st == INDEX_UPDATE_SOME_FAILED) {
		if (report.indexed || report.removed)
			log_say("serve", "index caught up: %zu indexed, %zu removed",
			        report.indexed, report.removed);
	} else {
		log_say("serve", "index not caught up: %s",
		        st == INDEX_UPDATE_BUSY ? "another process is writing it" : err);
	}
	return NULL;
}

enum {
	OPT_ARCHIVE,
	OPT_LISTEN,
	OPT_PORT,
	OPT_THREADS,
	OPT_MAX_UPLOAD,
	OPT_SECURE,
	OPT_PRIVATE,
	OPT_TRANSCRIBER,
	OPT_TRANSCRIBER_TIMEOUT,
	OPT_TRANSCRIBE_JOBS,
	OPT_LOG_FORMAT,
	OPT_METRICS_ALLOW,
	OPT_METRICS_TOKEN_FILE,
	OPT_TRUSTED_PROXY,
	OPT_REPLICA_OF,
	OPT_REPLICA_DIR,
	OPT_WRITER_URL,
	OPT_REPLICA_INTERVAL,
	OPT_ACCEL_REDIRECT,
	OPT_NO_PICTURES,
	OPT_SHARD,
};

static const cli_option options[] = {
    {"--archive", OPT_ARCHIVE, true, 0},
    {"--listen", OPT_LISTEN, true, 0},
    {"--port", OPT_PORT, true, 0},
    {"--threads", OPT_THREADS, true, 0},
    {"--max-upload", OPT_MAX_UPLOAD, true, 0},
    {"--secure-cookies", OPT_SECURE, false, 0},
    {"--private", OPT_PRIVATE, false, 0},
    {"--transcriber", OPT_TRANSCRIBER, true, 0},
    {"--transcriber-timeout", OPT_TRANSCRIBER_TIMEOUT, true, 0},
    {"--transcribe-jobs", OPT_TRANSCRIBE_JOBS, true, 0},
    {"--log-format", OPT_LOG_FORMAT, true, 0},
    {"--metrics-allow", OPT_METRICS_ALLOW, true, 0},
    {"--metrics-token-file", OPT_METRICS_TOKEN_FILE, true, 0},
    {"--trusted-proxy", OPT_TRUSTED_PROXY, true, 0},
    {"--replica-of", OPT_REPLICA_OF, true, 0},
    {"--replica-dir", OPT_REPLICA_DIR, true, 0},
    {"--writer-url", OPT_WRITER_URL, true, 0},
    {"--replica-interval", OPT_REPLICA_INTERVAL, true, 0},
    {"--accel-redirect", OPT_ACCEL_REDIRECT, true, 0},
    {"--no-pictures", OPT_NO_PICTURES, false, 0},
    {"--shard", OPT_SHARD, true, 0},
    {NULL, 0, false, 0},
};

/* More shards than this is a deployment for a different tool. */
#define MAX_SHARDS 64

typedef struct serve_flags {
	http_server_config *cfg;
	const char *archive; /* borrowed from argv */
	char *metrics_token; /* owned: read from --metrics-token-file */
	/* --replica-of's host (in host_buf) and port, --replica-dir, and
	 * --replica-interval: replica.h */
	char host_buf[256];
	http_replica_config replica;
	const char *shards[MAX_SHARDS]; /* borrowed from argv */
} serve_flags;

/* The token is the file's first line: a file, not an argument, so that it
 * is not in `ps` for every user of the machine to read. */
static bool read_metrics_token(serve_flags *f, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int e = file_read_all(path, &data, &len);
	if (e) {
		fprintf(stderr, "qarchive serve: --metrics-token-file %s: %s\n", path, strerror(e));
		return false;
	}
	data[strcspn(data, "\r\n")] = '\0';
	if (strlen(data) < 16) {
		fprintf(stderr,
		        "qarchive serve: --metrics-token-file %s: the token's first line "
		        "must be at least 16 characters\n",
		        path);
		free(data);
		return false;
	}
	free(f->metrics_token);
	f->metrics_token = data;
	f->cfg->metrics_token = data;
	return true;
}

/* HOST:PORT, HOST a name, an IPv4 address or a bracketed IPv6 one. */
static bool parse_replica_of(serve_flags *f, const char *value)
{
	const char *colon = strrchr(value, ':');
	if (!colon || colon == value)
		return false;
	const char *host = value;
	size_t n = (size_t)(colon - value);
	if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof f->host_buf ||
	    number_parse_unsigned(colon + 1, 1, 65535, &f->replica.port) != NUMBER_OK)
		return false;
	memcpy(f->host_buf, host, n);
	f->host_buf[n] = '\0';
	f->replica.host = f->host_buf;
	return true;
}

/* A bad number is said as it comes, before any later option is read. */
/* The options whose values are checked: numbers, sizes, formats, paths. */
static bool on_checked_option(serve_flags *f, const cli_option *o, const char *value)
{
	http_server_config *cfg = f->cfg;
	switch (o->id) {
	case OPT_PORT:
		if (number_parse_unsigned(value, 1, 65535, &cfg->port) != NUMBER_OK) {
			log_say("serve", "--port wants 1 to 65535");
			return false;
		}
		break;
	case OPT_THREADS:
		if (number_parse_unsigned(value, 1, 256, &cfg->threads) != NUMBER_OK) {
			log_say("serve", "--threads wants 1 to 256");
			return false;
		}
		break;
	case OPT_MAX_UPLOAD:
		/* Up to INT64_MAX: the largest Content-Length or Upload-Length
		 * the server reads. */
		if (number_parse_size(value, 1, INT64_MAX, &cfg->max_upload) != NUMBER_OK) {
			log_say("serve", "--max-upload wants a size such as "
			                 "8G, 500M or 1048576");
			return false;
		}
		break;
	case OPT_TRANSCRIBER_TIMEOUT:
		if (number_parse_unsigned(value, 1, 7 * 24 * 3600, &cfg->transcribe_timeout) !=
		    NUMBER_OK) {
			log_say("serve", "--transcriber-timeout wants seconds from 1 "
			                 "to 604800");
			return false;
		}
		break;
	case OPT_LOG_FORMAT: {
		log_format lf;
		if (!log_format_parse(value, &lf)) {
			fprintf(stderr, "qarchive serve: --log-format wants text or json\n");
			return false;
		}
		log_set_format(lf);
		break;
	}
	case OPT_METRICS_TOKEN_FILE:
		return read_metrics_token(f, value);
	case OPT_SHARD:
		if (cfg->shard_count == MAX_SHARDS) {
			log_say("serve", "at most %d --shard", MAX_SHARDS);
			return false;
		}
		f->shards[cfg->shard_count++] = value;
		cfg->shards = f->shards;
		break;
	case OPT_REPLICA_OF:
		if (!parse_replica_of(f, value)) {
			log_say("serve", "--replica-of wants HOST:PORT, such as 10.0.0.5:7010");
			return false;
		}
		break;
	case OPT_REPLICA_INTERVAL:
		if (number_parse_unsigned(value, 1, 24 * 3600, &f->replica.interval) != NUMBER_OK) {
			log_say("serve", "--replica-interval wants seconds from 1 to 86400");
			return false;
		}
		break;
	case OPT_ACCEL_REDIRECT:
		/* A path nginx's X-Accel-Redirect takes: "/x", no trailing '/'. */
		if (value[0] != '/' || value[1] == '\0' || value[strlen(value) - 1] == '/' ||
		    strpbrk(value, "?#%\r\n ")) {
			log_say("serve", "--accel-redirect wants a path such as /_archive (no "
			                 "trailing '/')");
			return false;
		}
		cfg->accel_redirect = value;
		break;
	case OPT_TRANSCRIBE_JOBS:
		if (number_parse_unsigned(value, 1, 16, &cfg->transcribe_jobs) != NUMBER_OK) {
			log_say("serve", "--transcribe-jobs wants 1 to 16");
			return false;
		}
		break;
	}
	return true;
}

static bool on_option(void *ctx, const cli_option *o, const char *value)
{
	serve_flags *f = ctx;
	http_server_config *cfg = f->cfg;
	switch (o->id) {
	case OPT_ARCHIVE:
		f->archive = value;
		break;
	case OPT_LISTEN:
		cfg->listen = value;
		break;
	case OPT_SECURE:
		cfg->secure_cookies = true;
		break;
	case OPT_PRIVATE:
		cfg->private_read = true;
		break;
	case OPT_TRANSCRIBER:
		cfg->transcriber = value;
		break;
	case OPT_METRICS_ALLOW:
		cfg->metrics_allow = value;
		break;
	case OPT_TRUSTED_PROXY:
		cfg->trusted_proxies = value;
		break;
	case OPT_REPLICA_DIR:
		f->replica.dir = value;
		break;
	case OPT_WRITER_URL:
		cfg->writer_url = value;
		break;
	case OPT_NO_PICTURES:
		cfg->no_pictures = true;
		break;
	default:
		return on_checked_option(f, o, value);
	}
	return true;
}

/* The replica's options go together, and a replica transcribes nothing
 * (the writer does, and the result replicates). */
static bool replica_options_ok(const serve_flags *f)
{
	const http_server_config *cfg = f->cfg;
	bool any = f->replica.host || f->replica.dir || cfg->writer_url || f->replica.interval;
	if (!any)
		return true;
	if (cfg->shard_count) {
		log_say("serve", "--shard and --replica-of do not go together: a replica copies "
		                 "one index");
		return false;
	}
	if (!f->replica.host || !f->replica.dir || !cfg->writer_url) {
		log_say("serve", "--replica-of, --replica-dir and --writer-url go together");
		return false;
	}
	if (cfg->transcriber) {
		log_say("serve", "a replica runs no --transcriber: give it to the writer");
		return false;
	}
	return true;
}

/* Follow the writer (replica.h): the index is read from the replica
 * directory, which Xapian opens through the XAPIANDB stub in it. */
static bool replica_start(serve_flags *f, http_replica **out)
{
	*out = NULL;
	if (!f->replica.host)
		return true;
	f->replica.master = "index"; /* <archive>/.qarchive/index: the stub */
	if (!f->replica.interval)
		f->replica.interval = 5;
	char err[512];
	if (http_replica_start(&f->replica, out, err, sizeof err) != HTTP_REPLICA_OK) {
		log_say("serve", "--replica-dir: %s", err);
		return false;
	}
	f->cfg->replica = *out;
	f->cfg->index_path = f->replica.dir;
	return true;
}

int cmd_serve(int argc, char **argv)
{
	http_server_config cfg = {.site = &qa_site,
	                          .listen = "127.0.0.1",
	                          .port = 8080,
	                          .max_upload = HTTP_DEFAULT_MAX_UPLOAD};
	serve_flags flags = {.cfg = &cfg};
	cli_args a = {.command = "serve",
	              .usage = usage,
	              .options = options,
	              .on_option = on_option,
	              .ctx = &flags};
	cli_args_status parsed = cli_args_parse(&a, argc, argv);
	if (parsed != CLI_ARGS_RUN) {
		free(flags.metrics_token);
		return cli_args_exit(parsed);
	}
	if (!replica_options_ok(&flags)) {
		free(flags.metrics_token);
		return EXIT_USAGE;
	}
	char *archive = NULL;
	if (archive_resolve_dir(flags.archive, &archive) != ARCHIVE_OK) {
		free(flags.metrics_token);
		return EXIT_USAGE;
	}
	cfg.archive_dir = archive;

	/* Block the stop signals before any thread exists, so every MHD
	 * worker inherits the mask and only sigwait below receives them. A
	 * client that hangs up mid-sendfile must not kill the process. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	media_log_silence();

	/* A replica leaves the archive to the writer: no recovery, no
	 * catch-up indexing (the index it reads is its copy). */
	http_replica *replica = NULL;
	http_server *server = NULL;
	char err[512];
	http_server_status started = HTTP_SERVER_INTERNAL;
	if (flags.replica.host ? replica_start(&flags, &replica) : recover(archive)) {
		started = http_server_start(&cfg, &server, err, sizeof err);
		if (started != HTTP_SERVER_OK)
			log_say("serve", "%s", err);
	}
	free(flags.metrics_token); /* the server keeps its own copy */
	if (started != HTTP_SERVER_OK) {
		http_replica_stop(replica);
		free(archive);
		return EXIT_USAGE;
	}
	log_say("serve", "%s on http://%s%s%s:%u/ with %u threads", archive,
	        strchr(cfg.listen, ':') ? "[" : "", cfg.listen, strchr(cfg.listen, ':') ? "]" : "",
	        cfg.port, http_server_threads(server));
	/* Over shards the archive's own index is not what is served: they are
	 * built and brought up to date where the archive is written. */
	pthread_t indexer;
	catch_up_archive = archive;
	if (!replica && !cfg.shard_count && pthread_create(&indexer, NULL, catch_up, archive) == 0)
		pthread_detach(indexer); /* left behind at exit: its commits are atomic */
	int sig = 0;
	sigwait(&stop, &sig);
	log_say("serve", "%s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_server_stop(server);
	http_replica_stop(replica);
	/* archive stays allocated (in catch_up_archive): the catch-up thread
	 * may still read it. */
	return EXIT_OK;
}
