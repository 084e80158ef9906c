/* GET /healthz: {"status": "ok", "recordings": N} once the index can be
 * read; 503 JSON before `qarchive index` has made one, or when it is
 * damaged. For load balancers and the tests' start-up wait. */
#include <stdbool.h>

#include "api.h"
#include "index_schema.h"

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
	return http_reply_json(
	    out, json_pack("{s:s, s:I}", "status", "ok", "recordings", (json_int_t)n));
}
