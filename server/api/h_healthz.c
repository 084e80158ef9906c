/* GET /healthz: {"status": "ok", "recordings": N} once the index can be
 * read; 503 JSON before `qarchive index` has made one, or when it is
 * damaged. For load balancers and the tests' start-up wait. A replica
 * adds "replica": its completed and failed sessions and the seconds since
 * the last completed one (replica.h), and answers 503 until it has a
 * copy. */
#include <stdbool.h>

#include "api.h"
#include "index_schema.h"
#include "replica.h"

static bool count(const char *key, const char *value, void *ctx)
{
	(void)key;
	(void)value;
	(*(unsigned long *)ctx)++;
	return true;
}

unsigned http_handle_healthz(http_request *req, http_reply *out)
{
	unsigned st = http_request_db(req, out);
	if (st)
		return st;
	unsigned long n = 0;
	qx_status qs = qx_db_each_metadata(req->db->db, INDEX_META_RECORDING, count, &n);
	if (qs == QX_RETRY) {
		n = 0;
		qx_db_reopen(req->db->db, NULL);
		qs = qx_db_each_metadata(req->db->db, INDEX_META_RECORDING, count, &n);
	}
	if (qs != QX_OK)
		return http_request_db_failed(req, out, qs);
	http_reply_header_add(out, "Cache-Control", "no-store");
	json_t *body = json_pack("{s:s, s:I}", "status", "ok", "recordings", (json_int_t)n);
	if (body && req->server->replica) {
		http_replica_stats rs;
		http_replica_get_stats(req->server->replica, &rs);
		json_object_set_new(body, "replica",
		                    json_pack("{s:I, s:I, s:f}", "sessions",
		                              (json_int_t)rs.sessions_ok, "failed_sessions",
		                              (json_int_t)rs.sessions_failed,
		                              "seconds_since_session", rs.seconds_since_ok));
	}
	return http_reply_json(out, body);
}
