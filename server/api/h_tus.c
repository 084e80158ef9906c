/* h_tus: resumable uploads with the tus 1.0 protocol
 * (https://tus.io/protocols/resumable-upload): the core protocol and the
 * creation and termination extensions, so that any tus client works
 * unchanged. A large file over a slow or flaky link resumes where it broke
 * off instead of starting over.
 *
 *   OPTIONS /api/uploads       what the server speaks (no account needed)
 *   POST    /api/uploads       create an upload: Upload-Length, Upload-Metadata
 *                              -> 201, Location: /api/uploads/<id>
 *   HEAD    /api/uploads/<id>  where it stands: Upload-Offset, Upload-Length
 *   PATCH   /api/uploads/<id>  bytes at Upload-Offset, as
 *                              application/offset+octet-stream -> 204
 *   DELETE  /api/uploads/<id>  drop it -> 204
 *
 * Every request but OPTIONS needs staff credentials (auth_gate.h) and
 * `Tus-Resumable: 1.0.0`. An upload belongs to the principal that created
 * it (that API token, or that signed-in user): for anyone else HEAD,
 * PATCH and DELETE answer 404 as for an upload that does not exist. When the last byte is in, the
 * upload becomes a recording exactly as a POST /api/recordings would (upload_commit.h), and the
 * PATCH's 204 (and any later HEAD) carries `Qarchive-Recording-Id` and `Qarchive-Recording-Url`; a
 * 400 from the ingest is answered as it is, and the upload is over.
 *
 * Upload-Metadata carries the recording's fields, each value Base64 as tus
 * says: title, kind (required), date (else the media's, or today), release, speakers
 * (comma-separated or one per line, "Name (role)"), description, filename (the media's original
 * name), and optional inline texts: transcript (WebVTT, SRT, SBV, text), agenda, notes. They are
 * checked when the upload is created (tus_fields.h), so a client learns of a mistake before it
 * sends the media. Other keys are ignored.
 *
 * Size: headers count against a connection's memory (MEMORY_LIMIT in
 * server.c, 64 KiB, which MHD zeroes between requests), so the header is
 * capped at TUS_METADATA_MAX below (431 past it): the short fields and a
 * transcript of ten minutes or so. Longer texts go in the creation
 * request's body instead: `Content-Type: TUS_METADATA_BODY_TYPE`, more
 * pairs in the header's own format (`key base64,key base64`), up to
 * TUS_METADATA_BODY_MAX; the body's pairs join the header's and are
 * checked as one Upload-Metadata. (A body of another type is tus's
 * creation-with-upload, which we do not announce: a 400.)
 *
 * The bytes go straight to the upload's data file as they arrive
 * (tus_store.h), so memory use does not depend on the file's size; a
 * dropped connection keeps what arrived, and the client resumes from the
 * offset a HEAD reports. POST, PATCH and DELETE are body routes (body.h)
 * so that their handlers, which fsync, run on threads of their own and
 * never hold up a worker's other connections.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "auth_gate.h"
#include "crash_point.h"
#include "errmsg.h"
#include "file_io.h"
#include "ingest.h"
#include "body.h"
#include "api.h"
#include "number.h"
#include "recording.h"
#include "store_error.h"
#include "strbuf.h"
#include "tus_fields.h"
#include "tus_metadata.h"
#include "tus_store.h"
#include "upload_commit.h"
#include "log_line.h"

#define TUS_VERSION "1.0.0"

/* The largest Upload-Metadata header we take: a quarter of the
 * connection's 64 KiB (server.c), so that the request line, the other
 * headers (cookies, credentials) and MHD's buffers still fit and the
 * client gets this JSON 431 rather than MHD's page. A transcript is ~60 KB
 * an hour and Base64 adds a third, so about ten minutes fit inline. */
#define TUS_METADATA_MAX (16u * 1024)

/* Metadata in the creation request's body: more pairs of the header's
 * format. At most TUS_METADATA_BODY_MAX bytes, held in memory while the
 * request runs and kept in the upload's .info (tus_info_file.c takes up to
 * 4 MiB): about 30 hours of transcript in Base64. Past that, a transcript
 * goes as a file with POST /api/recordings. */
#define TUS_METADATA_BODY_TYPE "application/vnd.qarchive.upload-metadata"
#define TUS_METADATA_BODY_MAX  (3u << 20)

/* What a HEAD echoes of the metadata (metadata_echo): all of it up to
 * ECHO_MAX, else the pairs of at most ECHO_PAIR_MAX up to ECHO_MAX. */
#define ECHO_MAX      8192
#define ECHO_PAIR_MAX 1024

/* Expiry (TUS_KEEP_* in tus_store.h): `qarchive serve` runs it at start,
 * and the upload requests at most once an hour, on their own threads (the
 * first of them runs it again: a folder scan, cheap). */
#define EXPIRE_EVERY 3600

/* When expiry last ran (Unix seconds; 0: not yet in this process). One
 * server runs per process; a second one would only share the schedule. */
static int64_t last_expiry;

static void maybe_expire(tus_store *s)
{
	int64_t now = (int64_t)time(NULL);
	int64_t last = __atomic_load_n(&last_expiry, __ATOMIC_RELAXED);
	if (last != 0 && now - last < EXPIRE_EVERY)
		return;
	/* One thread runs it; the others go on. */
	if (!__atomic_compare_exchange_n(&last_expiry, &last, now, false, __ATOMIC_RELAXED,
	                                 __ATOMIC_RELAXED))
		return;
	tus_store_expire(s, now, TUS_KEEP_UNFINISHED, TUS_KEEP_OVER, NULL);
}

/* tus 1.0: "The Tus-Resumable header MUST be included in every request and
 * response except for OPTIONS requests", errors included. */
static unsigned tus_answer(http_reply *out, unsigned status)
{
	if (status != 0)
		http_reply_header_add(out, "Tus-Resumable", TUS_VERSION);
	return status;
}

/* tus 1.0 §Tus-Resumable: a version we do not speak is a 412 that lists
 * the ones we do. */
static unsigned check_version(http_request *req, http_reply *out)
{
	const char *v = http_header(req, "Tus-Resumable");
	if (v && strcmp(v, TUS_VERSION) == 0)
		return 0;
	http_reply_header_add(out, "Tus-Version", TUS_VERSION);
	if (!v)
		return http_reply_error(
		    out, 412, "Tus-Resumable: " TUS_VERSION " is required (a tus client)");
	return http_reply_error(
	    out, 412, "Tus-Resumable %.40s is not supported; this server speaks " TUS_VERSION, v);
}

/* The protocol version, then the credentials: every route but OPTIONS. */
static unsigned check_request(http_request *req, http_reply *out, http_staff *who)
{
	unsigned status = check_version(req, out);
	if (status == 0)
		status = http_require_staff(req, out, true, who);
	return status;
}

/* Who is asking, as an upload's owner is stored (tus_owner_matches). */
static void principal_of(const http_staff *who, char *out, size_t size)
{
	snprintf(out, size, "%s:%s", who->via_token ? "token" : "user", who->name);
}

/* 0 when who created upload id; else 404, worded as for an upload that
 * does not exist (issue #16: another staff member must not learn that it
 * does), or the store's error. */
static unsigned store_error(http_reply *out, tus_store *s, tus_status rc);

static unsigned check_owner(http_reply *out, tus_store *s, const char *id, const http_staff *who)
{
	char principal[sizeof who->name + 8];
	principal_of(who, principal, sizeof principal);
	tus_status rc = tus_store_check_owner(s, id, principal);
	if (rc == TUS_OK)
		return 0;
	if (rc == TUS_NOT_FOUND)
		return http_reply_error(out, 404, "no upload %.64s", id);
	return store_error(out, s, rc);
}

/* What a tus upload's recording carries in .qarchive-origin (ingest.h). */
static void origin_of(const char *id, char out[8 + TUS_ID_LEN])
{
	snprintf(out, 8 + TUS_ID_LEN, "tus:%s", id);
}

/* A commit the server died in (issue #16): the upload's .info names the
 * id it meant to take; when that recording in the archive carries this
 * upload's origin, the commit did happen, and the upload is finished now
 * (under its lock; when a request holds the lock, its commit is still
 * running and will finish it). Otherwise the commit never reached the
 * archive, and the upload goes on from its bytes, all still here. */
static void settle(http_request *req, tus_store *s, const char *id)
{
	tus_info raw = TUS_INFO_INIT;
	char origin[8 + TUS_ID_LEN];
	origin_of(id, origin);
	if (tus_store_info_file(s, id, &raw) == TUS_OK && raw.state == TUS_STATE_UPLOADING &&
	    raw.committing &&
	    ingest_origin_matches(req->server->archive_dir, raw.committing, origin))
		tus_store_finish_committed(s, id, raw.committing);
	tus_info_clear(&raw);
}

/* Whether a Content-Type is the media type want (any case), with or
 * without parameters. */
static bool media_type_is(const char *type, const char *want)
{
	size_t n = strlen(want);
	if (!type || strncasecmp(type, want, n) != 0)
		return false;
	char next = type[n];
	return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

/* A byte count as tus sends it: decimal digits only (no sign, no
 * spaces), at most INT64_MAX. */
static bool parse_count(const char *s, uint64_t *out)
{
	return number_parse_u64(s, 0, INT64_MAX, out) == NUMBER_OK;
}

static bool add_count(http_reply *out, const char *name, uint64_t n)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);
	return http_reply_header_add(out, name, buf);
}

/* A file operation of the store failed: the log gets the whole message
 * (it names the files), the client the reason alone (store_error.h). */
static unsigned io_error(http_reply *out, const char *log_message, int errnum)
{
	log_say("serve", "the upload store: %s", log_message);
	if (!errnum)
		return http_reply_error(out, 500,
		                        "the upload store failed; the server's log says why");
	char why[ERRMSG_WHY_SIZE];
	return http_reply_error(out, http_store_error_status(errnum),
	                        "the upload could not be stored: %s",
	                        errmsg_strerror(errnum, why, sizeof why));
}

/* The HTTP status for a store status, with the store's message. */
static unsigned store_error(http_reply *out, tus_store *s, tus_status rc)
{
	const char *msg = s ? tus_store_errmsg(s) : tus_status_str(rc);
	switch (rc) {
	case TUS_OK:
		break;
	case TUS_NOT_FOUND:
		return http_reply_error(out, 404, "%s", msg);
	case TUS_GONE:
		return http_reply_error(out, 410, "%s", msg);
	case TUS_CONFLICT:
		return http_reply_error(out, 409, "%s", msg);
	case TUS_LOCKED:
		return http_reply_error(out, 423, "%s", msg);
	case TUS_TOO_LONG:
		return http_reply_error(out, 400, "%s", msg);
	case TUS_IO:
		return io_error(out, msg, s ? tus_store_errno(s) : 0);
	case TUS_NOMEM:
		return http_reply_error(out, 500, "out of memory");
	}
	return http_reply_error(out, 500, "unknown upload store status");
}

static unsigned open_store(http_request *req, http_reply *out, tus_store **s)
{
	char *err = NULL;
	tus_status rc = tus_store_open(req->server->archive_dir, s, &err);
	if (rc == TUS_OK)
		return 0;
	int errnum = errno;
	unsigned status = rc == TUS_NOMEM ? http_reply_error(out, 500, "out of memory")
	                                  : io_error(out, err ? err : tus_status_str(rc), errnum);
	free(err);
	return status;
}

/* The recording headers of a finished upload. */
static void add_recording(http_reply *out, const char *id, const char *url)
{
	char buf[sizeof "/watch/" + RECORDING_ID_MAX];
	if (!url) {
		snprintf(buf, sizeof buf, "/watch/%s", id);
		url = buf;
	}
	http_reply_header_add(out, "Qarchive-Recording-Id", id);
	http_reply_header_add(out, "Qarchive-Recording-Url", url);
}

/* ---- OPTIONS /api/uploads ---- */

unsigned http_handle_tus_options(http_request *req, http_reply *out)
{
	add_count(out, "Tus-Max-Size", req->server->max_upload);
	http_reply_header_add(out, "Tus-Version", TUS_VERSION);
	http_reply_header_add(out, "Tus-Extension", "creation,termination");
	return tus_answer(out, 204);
}

/* ---- POST /api/uploads (creation) ---- */

typedef struct create_ctx {
	http_staff who;
	uint64_t length;
	char *metadata; /* owned: the header as sent, "" when none */
	/* The body carries more metadata (TUS_METADATA_BODY_TYPE): the pairs
	 * are checked once it is in, in the handler. */
	bool metadata_in_body;
	strbuf body; /* the body's bytes so far */
} create_ctx;

static void create_free(void *ctx)
{
	create_ctx *c = ctx;
	if (!c)
		return;
	free(c->metadata);
	sb_free(&c->body);
	free(c);
}

/* Upload-Metadata (the header's, and the body's pairs after it) parsed
 * and its fields checked (tus_fields.h): 0, or the error answered. */
static unsigned metadata_check(const char *metadata, http_reply *out)
{
	/* The tus spec's keys and Base64 values are ASCII: any other byte is
	 * the client's mistake (and would not go into the upload's JSON info). */
	for (const unsigned char *b = (const unsigned char *)metadata; *b; b++)
		if ((*b < 0x20 && *b != '\t') || *b > 0x7e)
			return http_reply_error(
			    out, 400,
			    "Upload-Metadata: a byte that is not printable ASCII "
			    "(keys and Base64 values are ASCII)");
	tus_metadata *m = NULL;
	char *err = NULL;
	tus_metadata_status ms = tus_metadata_parse(metadata, &m, &err);
	if (ms != TUS_METADATA_OK) {
		unsigned status =
		    ms == TUS_METADATA_NOMEM
		        ? http_reply_error(out, 500, "out of memory")
		        : http_reply_error(out, 400, "%s", err ? err : "malformed Upload-Metadata");
		free(err);
		return status;
	}
	char why[512];
	upload_fields fields = {0};
	tus_fields_status fs = tus_fields_from_metadata(m, &fields, why, sizeof why);
	tus_metadata_free(m);
	if (fs == TUS_FIELDS_NOMEM)
		return http_reply_error(out, 500, "out of memory");
	if (fs != TUS_FIELDS_OK)
		return http_reply_error(out, 400, "Upload-Metadata: %s", why);
	return 0;
}

/* The headers of a creation: the version, the credentials, the length,
 * and the metadata when it is all in the header. */
static unsigned create_check(http_request *req, http_reply *out, create_ctx *c)
{
	unsigned status = check_request(req, out, &c->who);
	if (status)
		return status;
	if (http_header(req, "Upload-Defer-Length"))
		return http_reply_error(out, 400,
		                        "Upload-Defer-Length is not supported: send Upload-Length "
		                        "(the file's size in bytes)");
	const char *length = http_header(req, "Upload-Length");
	if (!length)
		return http_reply_error(out, 400,
		                        "Upload-Length is required: the file's size in bytes");
	if (!parse_count(length, &c->length))
		return http_reply_error(out, 400, "Upload-Length: not a byte count: %.40s", length);
	if (c->length > req->server->max_upload)
		return http_reply_error(out, 413,
		                        "the file is %llu bytes, more than this server's limit of "
		                        "%llu bytes (qarchive serve --max-upload)",
		                        (unsigned long long)c->length,
		                        (unsigned long long)req->server->max_upload);
	if (c->length == 0)
		return http_reply_error(out, 400,
		                        "Upload-Length is 0: an empty file is not a recording");
	const char *header = http_header(req, "Upload-Metadata");
	if (header && strlen(header) > TUS_METADATA_MAX)
		return http_reply_error(
		    out, 431,
		    "Upload-Metadata is %zu bytes; at most %u are taken in the header. Send "
		    "long texts (a transcript) in the body as " TUS_METADATA_BODY_TYPE,
		    strlen(header), TUS_METADATA_MAX);
	if (!(c->metadata = strdup(header ? header : "")))
		return http_reply_error(out, 500, "out of memory");
	c->metadata_in_body =
	    media_type_is(http_header(req, "Content-Type"), TUS_METADATA_BODY_TYPE);
	if (!c->metadata_in_body)
		return metadata_check(c->metadata, out);
	if (req->body_length > (int64_t)TUS_METADATA_BODY_MAX)
		return http_reply_error(
		    out, 413,
		    "the metadata body is %lld bytes; at most %u are taken. Send "
		    "a transcript this long as a file with POST /api/recordings",
		    (long long)req->body_length, TUS_METADATA_BODY_MAX);
	return 0;
}

/* Everything the headers say is checked here, before any body: the
 * client hears about a missing title before it sends the media. */
static unsigned create_begin(http_request *req, http_reply *out, void **ctx)
{
	create_ctx *c = calloc(1, sizeof *c);
	*ctx = c;
	if (!c)
		return tus_answer(out, http_reply_error(out, 500, "out of memory"));
	return tus_answer(out, create_check(req, out, c));
}

/* The body: metadata pairs (TUS_METADATA_BODY_TYPE), kept up to
 * TUS_METADATA_BODY_MAX. Any other body is tus creation-with-upload, not
 * among the extensions we announce. */
static unsigned create_body(http_request *req, void *ctx, const char *data, size_t len,
                            http_reply *out)
{
	(void)req;
	create_ctx *c = ctx;
	if (!c->metadata_in_body)
		return tus_answer(
		    out, http_reply_error(
		             out, 400,
		             "no body here but metadata (Content-Type: " TUS_METADATA_BODY_TYPE
		             "): send the bytes "
		             "with PATCH (tus creation-with-upload is not "
		             "supported)"));
	if (c->body.len + len > TUS_METADATA_BODY_MAX)
		return tus_answer(out,
		                  http_reply_error(out, 413,
		                                   "the metadata body is over %u bytes. Send a "
		                                   "transcript this long as a file with POST "
		                                   "/api/recordings",
		                                   TUS_METADATA_BODY_MAX));
	/* Held as a C string: a NUL would hide what follows it. */
	if (memchr(data, '\0', len))
		return tus_answer(out,
		                  http_reply_error(out, 400,
		                                   "Upload-Metadata: a byte that is not printable "
		                                   "ASCII (keys and Base64 values are ASCII)"));
	if (!sb_append(&c->body, data, len))
		return tus_answer(out, http_reply_error(out, 500, "out of memory"));
	return 0;
}

const http_body_ops http_tus_create_body = {create_begin, create_body, create_free};

/* The header's pairs and the body's as one Upload-Metadata, checked; the
 * body's trailing line end (a file saved by an editor) is not a pair. */
static unsigned metadata_join(create_ctx *c, http_reply *out)
{
	while (c->body.len &&
	       (c->body.data[c->body.len - 1] == '\n' || c->body.data[c->body.len - 1] == '\r'))
		c->body.len--;
	if (c->body.len == 0)
		return metadata_check(c->metadata, out);
	strbuf all = STRBUF_INIT;
	if ((c->metadata[0] &&
	     (!sb_append(&all, c->metadata, strlen(c->metadata)) || !sb_append_char(&all, ','))) ||
	    !sb_append(&all, c->body.data, c->body.len)) {
		sb_free(&all);
		return http_reply_error(out, 500, "out of memory");
	}
	free(c->metadata);
	c->metadata = sb_take(&all);
	if (!c->metadata)
		return http_reply_error(out, 500, "out of memory");
	return metadata_check(c->metadata, out);
}

unsigned http_handle_tus_create(http_request *req, http_reply *out)
{
	create_ctx *c = req->body;
	tus_store *s = NULL;
	char id[TUS_ID_LEN + 1];
	unsigned status = c->metadata_in_body ? metadata_join(c, out) : 0;
	if (status == 0)
		status = open_store(req, out, &s);
	if (status)
		return tus_answer(out, status);
	maybe_expire(s);
	char principal[sizeof c->who.name + 8];
	principal_of(&c->who, principal, sizeof principal);
	tus_status rc = tus_store_create(s, c->length, c->metadata, principal, id);
	if (rc != TUS_OK) {
		status = store_error(out, s, rc);
		tus_store_close(s);
		return tus_answer(out, status);
	}
	tus_store_close(s);
	/* An absolute-path reference (RFC 9110 §10.2.2 allows any URI
	 * reference); clients resolve it against the request's URL. */
	char location[64];
	snprintf(location, sizeof location, "/api/uploads/%s", id);
	http_reply_header_add(out, "Location", location);
	return tus_answer(out, 201);
}

/* ---- HEAD /api/uploads/<id> ---- */

/* The Upload-Metadata a HEAD echoes (tus 1.0 §HEAD: the server MAY): the
 * header as sent when it is short, else only its short pairs (title,
 * kind, date, filename, ...), never an inline transcript. Clients cap
 * response headers far below what we take in (Node's HTTP parser at
 * 16 KiB in all, Python's http.client at 64 KiB a line), and a client
 * that cannot read the HEAD cannot resume. Caller frees; NULL when out of
 * memory. */
static char *metadata_echo(const char *sent)
{
	strbuf sb = STRBUF_INIT;
	if (strlen(sent) <= ECHO_MAX)
		return strdup(sent);
	for (const char *p = sent; *p;) {
		size_t n = strcspn(p, ",");
		size_t lead = strspn(p, " \t");
		bool keep = lead < n && n - lead <= ECHO_PAIR_MAX && sb.len + n + 1 <= ECHO_MAX;
		if (keep && ((sb.len && !sb_append_char(&sb, ',')) ||
		             !sb_append(&sb, p + lead, n - lead))) {
			sb_free(&sb);
			return NULL;
		}
		p += n;
		if (*p)
			p++;
	}
	return sb_take(&sb);
}

static unsigned head(http_request *req, http_reply *out)
{
	http_staff who;
	unsigned status = check_request(req, out, &who);
	if (status)
		return status;
	if (!tus_id_valid(req->rest))
		return http_reply_error(out, 404, "no upload %.64s", req->rest);
	tus_store *s = NULL;
	if ((status = open_store(req, out, &s)))
		return status;
	if ((status = check_owner(out, s, req->rest, &who))) {
		tus_store_close(s);
		return status;
	}
	settle(req, s, req->rest);
	tus_info info = TUS_INFO_INIT;
	tus_status rc = tus_store_info(s, req->rest, &info);
	if (rc != TUS_OK) {
		status = store_error(out, s, rc);
	} else if (info.state == TUS_STATE_FAILED) {
		/* tus 1.0 §HEAD: an upload that is no more is a 404, 410 or
		 * 403 without Upload-Offset. */
		status = http_reply_error(out, 410, "upload %s failed: %s", req->rest, info.error);
	} else {
		add_count(out, "Upload-Offset", info.offset);
		add_count(out, "Upload-Length", info.length);
		char *echo = metadata_echo(info.metadata);
		if (echo && echo[0])
			http_reply_header_add(out, "Upload-Metadata", echo);
		free(echo);
		/* tus 1.0 §HEAD: "The Server MUST prevent the client and/or
		 * proxies from caching the response". */
		http_reply_header_add(out, "Cache-Control", "no-store");
		if (info.state == TUS_STATE_FINISHED)
			add_recording(out, info.recording, NULL);
		status = 200;
	}
	tus_info_clear(&info);
	tus_store_close(s);
	return status;
}

unsigned http_handle_tus_head(http_request *req, http_reply *out)
{
	return tus_answer(out, head(req, out));
}

/* ---- PATCH /api/uploads/<id> ---- */

typedef struct patch_ctx {
	http_staff who;
	tus_store *store;
	tus_append *append; /* holds the upload's lock until the handler is done */
	uint64_t start;     /* the offset this PATCH writes from */
} patch_ctx;

static void patch_free(void *ctx)
{
	patch_ctx *p = ctx;
	if (!p)
		return;
	/* A dropped connection ends here without the handler: the bytes that
	 * arrived stay, and the client resumes from them. */
	tus_append_close(p->append);
	tus_store_close(p->store);
	free(p);
}

/* tus 1.0 §PATCH: "All PATCH requests MUST use Content-Type:
 * application/offset+octet-stream". Parameters, if any, are ignored. */
static bool offset_octet_stream(const char *type)
{
	return media_type_is(type, "application/offset+octet-stream");
}

/* A PATCH to an upload that became a recording: the client did not hear
 * the answer to its last byte (the connection broke, the server died). A
 * resend of the last byte (at length - 1, the offset a HEAD reported while
 * the commit ran) is answered as the last byte was, 204 with the
 * recording (the byte is not taken again); any other offset 410, with the
 * recording too, so the client never uploads it a second time.
 * 0 when the upload is not finished (a failed or lost one: the caller
 * answers from the store's message). */
static unsigned patch_finished(http_reply *out, tus_store *s, const char *id, uint64_t offset)
{
	tus_info raw = TUS_INFO_INIT;
	unsigned status = 0;
	if (tus_store_info_file(s, id, &raw) == TUS_OK && raw.state == TUS_STATE_FINISHED) {
		add_recording(out, raw.recording, NULL);
		if (offset + 1 == raw.length) {
			add_count(out, "Upload-Offset", raw.length);
			status = 204;
		} else {
			status = http_reply_error(out, 410,
			                          "upload %s is complete: it became recording %s",
			                          id, raw.recording);
		}
	}
	tus_info_clear(&raw);
	return status;
}

static unsigned patch_check(http_request *req, http_reply *out, patch_ctx *p)
{
	unsigned status = check_request(req, out, &p->who);
	if (status)
		return status;
	if (!offset_octet_stream(http_header(req, "Content-Type")))
		return http_reply_error(out, 415,
		                        "Content-Type must be application/offset+octet-stream "
		                        "(tus 1.0 PATCH)");
	if (!tus_id_valid(req->rest))
		return http_reply_error(out, 404, "no upload %.64s", req->rest);
	uint64_t offset;
	const char *header = http_header(req, "Upload-Offset");
	if (!header)
		return http_reply_error(out, 400, "Upload-Offset is required");
	if (!parse_count(header, &offset))
		return http_reply_error(out, 400, "Upload-Offset: not a byte count: %.40s", header);
	if ((status = open_store(req, out, &p->store)))
		return status;
	/* Before the lock: someone else's PATCH must not hold it even briefly. */
	if ((status = check_owner(out, p->store, req->rest, &p->who)))
		return status;
	settle(req, p->store, req->rest);
	tus_status rc = tus_store_append_open(p->store, req->rest, offset, &p->append);
	if (rc == TUS_GONE && (status = patch_finished(out, p->store, req->rest, offset)))
		return status;
	if (rc != TUS_OK)
		return store_error(out, p->store, rc);
	p->start = offset;
	const tus_info *info = tus_append_info(p->append);
	if (req->body_length >= 0 && (uint64_t)req->body_length > info->length - offset)
		return http_reply_error(out, 400,
		                        "%lld bytes at offset %llu go past the upload's length of "
		                        "%llu (Upload-Length)",
		                        (long long)req->body_length, (unsigned long long)offset,
		                        (unsigned long long)info->length);
	return 0;
}

/* Credentials, the offset and the lock, all before the body: a client
 * that may not write, or writes at the wrong place, sends nothing. */
static unsigned patch_begin(http_request *req, http_reply *out, void **ctx)
{
	patch_ctx *p = calloc(1, sizeof *p);
	*ctx = p;
	if (!p)
		return tus_answer(out, http_reply_error(out, 500, "out of memory"));
	return tus_answer(out, patch_check(req, out, p));
}

/* Each chunk goes to the data file as it arrives. */
static unsigned patch_data(http_request *req, void *ctx, const char *data, size_t len,
                           http_reply *out)
{
	(void)req;
	patch_ctx *p = ctx;
	tus_status rc = tus_append_write(p->append, data, len);
	return rc == TUS_OK ? 0 : tus_answer(out, store_error(out, p->store, rc));
}

const http_body_ops http_tus_patch_body = {patch_begin, patch_data, patch_free};

/* The commit's publish hook (ingest.h): the id about to be taken goes
 * into the upload's .info, durably, before the rename. */
static int intend(void *ctx, const char *id)
{
	patch_ctx *p = ctx;
	tus_status rc = tus_append_intend(p->append, id);
	if (rc == TUS_OK)
		crash_point("tus-intent");
	return rc == TUS_OK ? 0 : rc == TUS_NOMEM ? ENOMEM : EIO;
}

/* The last byte is in: the upload becomes a recording. */
static unsigned complete(http_request *req, patch_ctx *p, http_reply *out)
{
	const tus_info *info = tus_append_info(p->append);
	tus_metadata *m = NULL;
	upload_fields fields = {0};
	char why[512] = "";
	tus_metadata_status ms = tus_metadata_parse(info->metadata, &m, NULL);
	tus_fields_status fs = ms == TUS_METADATA_OK
	                           ? tus_fields_from_metadata(m, &fields, why, sizeof why)
	                       : ms == TUS_METADATA_NOMEM ? TUS_FIELDS_NOMEM
	                                                  : TUS_FIELDS_INVALID;
	if (fs != TUS_FIELDS_OK) {
		tus_metadata_free(m);
		if (fs == TUS_FIELDS_NOMEM)
			return http_reply_error(out, 500, "out of memory");
		/* Checked at creation: only a change of rules since then. */
		char error[600];
		snprintf(error, sizeof error, "Upload-Metadata: %s", why[0] ? why : "malformed");
		tus_append_fail(p->append, error);
		return http_reply_error(out, 400, "%s", error);
	}
	/* The commit moves a second name of the data; the data file stays
	 * until the upload is finished, so no crash can lose the bytes. */
	const char *media = NULL;
	if (tus_append_commit_link(p->append, &media) != TUS_OK)
		media = tus_append_data_path(p->append);
	fields.media_path = media;
	fields.uploaded_by = info->owner;
	char origin[8 + TUS_ID_LEN];
	origin_of(req->rest, origin);
	ingest_publish publish = {origin, intend, p};

	upload_result res;
	unsigned status = upload_commit_run_with(req->server, &fields, &publish, &res);
	tus_metadata_free(m);
	if (status == 201) {
		crash_point("tus-published");
		/* The recording exists whatever happens next; if the info cannot
		 * say so, the next HEAD or PATCH finds it by its origin
		 * (settle). */
		tus_append_finish(p->append, res.id);
		crash_point("tus-finished");
		add_count(out, "Upload-Offset", info->length);
		add_recording(out, res.id, res.url);
		return 204;
	}
	if (status == 400)
		/* The ingest's verdict on the files (media that does not probe,
		 * a transcript error): final, the upload is over. */
		tus_append_fail(p->append, res.message);
	/* Otherwise our side (the index busy, a disk error): the bytes stay,
	 * and the upload reports all but its last byte, so the client's
	 * retry sends it and the commit runs again (tus_store.h). */
	return upload_result_reply(status, &res, out);
}

/* The media's first INGEST_MEDIA_HEAD_BYTES are in (with this PATCH),
 * more are to come: a file in which they hold no container fails now,
 * with the message the whole file would get, rather than after gigabytes.
 * Returns 0 to go on, or the answer (the upload is then over: 410 to a
 * later HEAD or PATCH, with the same message). */
static unsigned media_head_verdict(http_reply *out, patch_ctx *p)
{
	unsigned char *head = malloc(INGEST_MEDIA_HEAD_BYTES);
	if (!head)
		return http_reply_error(out, 500, "out of memory");
	size_t got = 0;
	int e = file_read_head(tus_append_data_path(p->append), (char *)head,
	                       INGEST_MEDIA_HEAD_BYTES, &got);
	ingest_error err = INGEST_ERROR_INIT;
	/* Unreadable here: the whole file's check at the end says. */
	ingest_status st = e == 0 && got == INGEST_MEDIA_HEAD_BYTES
	                       ? ingest_check_media_head(head, got, &err)
	                       : INGEST_OK;
	free(head);
	if (st == INGEST_NOMEM)
		return http_reply_error(out, 500, "out of memory");
	if (st != INGEST_BAD_INPUT)
		return 0;
	tus_append_fail(p->append, err.message);
	return http_reply_error(out, 400, "%s", err.message);
}

static unsigned patch(http_request *req, http_reply *out)
{
	patch_ctx *p = req->body;
	tus_status rc = tus_append_sync(p->append);
	if (rc != TUS_OK)
		return store_error(out, p->store, rc);
	/* tus 1.0 §PATCH: 204 with the new offset, now on disk. */
	const tus_info *info = tus_append_info(p->append);
	unsigned status;
	uint64_t at = tus_append_offset(p->append);
	if (at < info->length && p->start < INGEST_MEDIA_HEAD_BYTES &&
	    at >= INGEST_MEDIA_HEAD_BYTES && (status = media_head_verdict(out, p)) != 0) {
		/* Refused: answered below, the lock released. */
	} else if (at < info->length) {
		add_count(out, "Upload-Offset", at);
		status = 204;
	} else {
		status = complete(req, p, out);
	}
	/* Unlock now rather than when the connection is done with the
	 * request, so the client's next PATCH never finds it locked. */
	tus_append_close(p->append);
	p->append = NULL;
	maybe_expire(p->store);
	return status;
}

unsigned http_handle_tus_patch(http_request *req, http_reply *out)
{
	return tus_answer(out, patch(req, out));
}

/* ---- DELETE /api/uploads/<id> (termination) ---- */

static unsigned delete_begin(http_request *req, http_reply *out, void **ctx)
{
	http_staff *who = calloc(1, sizeof *who);
	*ctx = who;
	if (!who)
		return tus_answer(out, http_reply_error(out, 500, "out of memory"));
	return tus_answer(out, check_request(req, out, who));
}

static void delete_free(void *ctx)
{
	free(ctx);
}

static unsigned no_body(http_request *req, void *ctx, const char *data, size_t len, http_reply *out)
{
	(void)req;
	(void)ctx;
	(void)data;
	(void)len;
	return tus_answer(out, http_reply_error(out, 400, "a DELETE takes no body"));
}

const http_body_ops http_tus_delete_body = {delete_begin, no_body, delete_free};

unsigned http_handle_tus_delete(http_request *req, http_reply *out)
{
	if (!tus_id_valid(req->rest))
		return tus_answer(out, http_reply_error(out, 404, "no upload %.64s", req->rest));
	tus_store *s = NULL;
	unsigned status = open_store(req, out, &s);
	if (status)
		return tus_answer(out, status);
	if ((status = check_owner(out, s, req->rest, req->body))) {
		tus_store_close(s);
		return tus_answer(out, status);
	}
	tus_status rc = tus_store_terminate(s, req->rest);
	status = rc == TUS_OK ? 204 : store_error(out, s, rc);
	maybe_expire(s);
	tus_store_close(s);
	return tus_answer(out, status);
}
