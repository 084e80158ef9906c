/* GET /metrics: what operators watch (server/http/metrics.h), in the
 * Prometheus text format, with the index's gauges read at scrape time.
 *
 * Only for the monitoring system: a client from an address in
 * `serve --metrics-allow` (default: this machine) or one that sends
 * `Authorization: Bearer <the metrics token>` (`--metrics-token-file`);
 * anyone else gets 403, as does a request relayed by a proxy without the
 * token (its address is the proxy's). The counts say nothing secret, but route timings
 * and upload volumes are nobody else's business, and a scrape reads the
 * index (bounded: a few stat calls and one count). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "addr_allow.h"
#include "api.h"
#include "csrf.h"
#include "index_generation.h"
#include "metrics.h"
#include "replica.h"
#include "path.h"

/* A request relayed by a proxy (nginx in front, docs/deploy.md) comes
 * from the proxy's address, which is often this machine: the address
 * says nothing of the client then, so only the token lets it in. */
static bool proxied(const http_request *req)
{
	return http_header(req, "X-Forwarded-For") || http_header(req, "X-Real-IP") ||
	       http_header(req, "Forwarded");
}

static bool allowed(const http_request *req)
{
	const struct http_server *s = req->server;
	if (!proxied(req) && addr_allow_has(s->metrics_allow, req->remote))
		return true;
	const char *auth = http_header(req, "Authorization");
	return s->metrics_token && auth && strncasecmp(auth, "Bearer ", 7) == 0 &&
	       secret_equal(auth + 7, s->metrics_token);
}

/* The bytes of the files directly in dir (a Xapian database is flat). */
static double dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	double total = 0;
	for (struct dirent *e; (e = readdir(d));) {
		struct stat st;
		if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
		    S_ISREG(st.st_mode))
			total += (double)st.st_size;
	}
	closedir(d);
	return total;
}

/* The generation served (index_generation.h) and its size; for an index
 * of the old layout (a plain directory) the directory's size alone. */
static bool index_gauges(http_request *req, strbuf *out)
{
	const char *stub = req->server->index_path;
	http_metrics *m = req->server->metrics;
	char *name = index_generation_current(stub);
	if (!name) {
		http_metrics_gauge(m, HTTP_GAUGE_INDEX_BYTES, dir_bytes(stub));
		return true;
	}
	/* The generation is a directory beside the stub. */
	char *dir = strdup(stub);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash)
		*slash = '\0';
	char *gen = slash ? path_join(dir, name) : NULL;
	http_metrics_gauge(m, HTTP_GAUGE_INDEX_BYTES, gen ? dir_bytes(gen) : -1);
	char line[256];
	int n = snprintf(line, sizeof line,
	                 "# HELP qarchive_index_generation_info The index generation served.\n"
	                 "# TYPE qarchive_index_generation_info gauge\n"
	                 "qarchive_index_generation_info{generation=\"%s\"} 1\n",
	                 name);
	bool ok = n > 0 && (size_t)n < sizeof line && sb_append(out, line, (size_t)n);
	free(gen);
	free(dir);
	free(name);
	return ok;
}

static void document_gauge(http_request *req)
{
	http_reply scratch = HTTP_REPLY_INIT;
	unsigned docs = 0;
	/* No index yet, or a damaged one: the gauge is left out (the
	 * request counts still matter most then). */
	if (http_request_db(req, &scratch) == 0 && qx_db_doc_count(req->db->db, &docs) == QX_OK)
		http_metrics_gauge(req->server->metrics, HTTP_GAUGE_INDEX_DOCUMENTS, docs);
	http_reply_free(&scratch);
}

unsigned http_handle_metrics(http_request *req, http_reply *out)
{
	if (!allowed(req))
		return http_reply_error(out, 403,
		                        "/metrics is for the monitoring system: readable from the "
		                        "addresses of `serve --metrics-allow` or with its token");
	document_gauge(req);
	if (req->server->replica) {
		http_replica_stats rs;
		http_replica_get_stats(req->server->replica, &rs);
		http_metrics_gauge(req->server->metrics, HTTP_GAUGE_REPLICATION_LAG, rs.lag_bound);
	}
	strbuf sb = STRBUF_INIT;
	if (!index_gauges(req, &sb) ||
	    !http_metrics_render(req->server->metrics, req->server->site, &sb)) {
		sb_free(&sb);
		return http_reply_error(out, 500, "out of memory");
	}
	http_reply_header_add(out, "Cache-Control", "no-store");
	return http_reply_strbuf(out, "text/plain; version=0.0.4; charset=utf-8", &sb);
}
