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
#include "index_update.h"
#include "ingest.h"
#include "commands.h"
#include "media_probe.h"
#include "number.h"
#include "server.h"
#include "site.h"
#include "tus_store.h"

static const char usage[] =
    "usage: qarchive serve [--archive DIR] [--listen ADDR] [--port N] [--threads N]\n"
    "                      [--max-upload SIZE] [--secure-cookies] [--private]\n"
    "                      [--transcriber CMD [--transcriber-timeout SECONDS]\n"
    "                       [--transcribe-jobs N]] [--no-pictures]\n\n"
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
    "  --no-pictures  do not make posters, storyboards and waveforms in the\n"
    "                 background (`qarchive pictures` makes them; frames at\n"
    "                 moments are still made on request)\n\n"
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
		fprintf(stderr, "qarchive serve: %s\n", err.message);
		return false;
	}
	if (removed)
		fprintf(stderr, "qarchive serve: removed %zu stale upload file%s\n", removed,
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
		fprintf(stderr, "qarchive serve: resumable uploads: %s\n",
		        tus   ? tus_store_errmsg(tus)
		        : msg ? msg
		              : "out of memory");
	else if (expired)
		fprintf(stderr, "qarchive serve: removed %zu expired resumable upload%s\n", expired,
		        expired == 1 ? "" : "s");
	tus_store_close(tus);
	free(msg);
	return true;
}

static void report_problem(const char *message, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "qarchive serve: index: %s\n", message);
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
			fprintf(stderr,
			        "qarchive serve: index caught up: %zu indexed, %zu removed\n",
			        report.indexed, report.removed);
	} else {
		fprintf(stderr, "qarchive serve: index not caught up: %s\n",
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
	OPT_NO_PICTURES,
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
    {"--no-pictures", OPT_NO_PICTURES, false, 0},
    {NULL, 0, false, 0},
};

typedef struct serve_flags {
	http_server_config *cfg;
	const char *archive; /* borrowed from argv */
} serve_flags;

/* A bad number is said as it comes, before any later option is read. */
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
	case OPT_PORT:
		if (number_parse_unsigned(value, 1, 65535, &cfg->port) != NUMBER_OK) {
			fprintf(stderr, "qarchive serve: --port wants 1 to 65535\n");
			return false;
		}
		break;
	case OPT_THREADS:
		if (number_parse_unsigned(value, 1, 256, &cfg->threads) != NUMBER_OK) {
			fprintf(stderr, "qarchive serve: --threads wants 1 to 256\n");
			return false;
		}
		break;
	case OPT_MAX_UPLOAD:
		/* Up to INT64_MAX: the largest Content-Length or Upload-Length
		 * the server reads. */
		if (number_parse_size(value, 1, INT64_MAX, &cfg->max_upload) != NUMBER_OK) {
			fprintf(stderr, "qarchive serve: --max-upload wants a size such as "
			                "8G, 500M or 1048576\n");
			return false;
		}
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
	case OPT_TRANSCRIBER_TIMEOUT:
		if (number_parse_unsigned(value, 1, 7 * 24 * 3600, &cfg->transcribe_timeout) !=
		    NUMBER_OK) {
			fprintf(stderr,
			        "qarchive serve: --transcriber-timeout wants seconds from 1 "
			        "to 604800\n");
			return false;
		}
		break;
	case OPT_TRANSCRIBE_JOBS:
		if (number_parse_unsigned(value, 1, 16, &cfg->transcribe_jobs) != NUMBER_OK) {
			fprintf(stderr, "qarchive serve: --transcribe-jobs wants 1 to 16\n");
			return false;
		}
		break;
	case OPT_NO_PICTURES:
		cfg->no_pictures = true;
		break;
	}
	return true;
}

int cmd_serve(int argc, char **argv)
{
	http_server_config cfg = {.site = &qa_site,
	                          .listen = "127.0.0.1",
	                          .port = 8080,
	                          .max_upload = HTTP_DEFAULT_MAX_UPLOAD};
	serve_flags flags = {&cfg, NULL};
	cli_args a = {.command = "serve",
	              .usage = usage,
	              .options = options,
	              .on_option = on_option,
	              .ctx = &flags};
	cli_args_status parsed = cli_args_parse(&a, argc, argv);
	if (parsed != CLI_ARGS_RUN)
		return cli_args_exit(parsed);
	char *archive = NULL;
	if (archive_resolve_dir(flags.archive, &archive) != ARCHIVE_OK)
		return EXIT_USAGE;
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

	if (!recover(archive)) {
		free(archive);
		return EXIT_USAGE;
	}

	http_server *server = NULL;
	char err[512];
	if (http_server_start(&cfg, &server, err, sizeof err) != HTTP_SERVER_OK) {
		fprintf(stderr, "qarchive serve: %s\n", err);
		free(archive);
		return EXIT_USAGE;
	}
	fprintf(stderr, "qarchive serve: %s on http://%s%s%s:%u/ with %u threads\n", archive,
	        strchr(cfg.listen, ':') ? "[" : "", cfg.listen, strchr(cfg.listen, ':') ? "]" : "",
	        cfg.port, http_server_threads(server));
	pthread_t indexer;
	catch_up_archive = archive;
	if (pthread_create(&indexer, NULL, catch_up, archive) == 0)
		pthread_detach(indexer); /* left behind at exit: its commits are atomic */
	int sig = 0;
	sigwait(&stop, &sig);
	fprintf(stderr, "qarchive serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_server_stop(server);
	/* archive stays allocated (in catch_up_archive): the catch-up thread
	 * may still read it. */
	return EXIT_OK;
}
