/* GET/HEAD /media/<id>: the recording's media file, for <video>/<audio>.
 *
 * RFC 9110 throughout: validators (§8.8: a strong ETag from size, mtime
 * and inode; Last-Modified), preconditions evaluated in §13.2.2's order
 * (If-Match, If-Unmodified-Since → 412; If-None-Match, If-Modified-Since
 * → 304; If-Range), and single byte ranges (§14: 206 with Content-Range,
 * 416 with "bytes * /SIZE"). A request for several ranges gets the whole
 * file (200), which §14.2 allows: browsers ask for one range at a time.
 * The body goes out zero-copy from the file (sendfile), so seeking in a
 * multi-gigabyte recording costs one range. The path comes from the
 * recording folder's scan, never from the URL; the file stays open in the
 * server's media cache (media_cache.h) with its validators, so a request
 * after the first costs a stat and a dup, not a scan and an open.
 *
 * Behind nginx (`serve --accel-redirect PREFIX`), once the checks above
 * the file (the recording exists, and `--private`'s gate, in server.c)
 * have passed, the answer is an empty 200 with `X-Accel-Redirect:
 * PREFIX/<id>/<media file>`, and nginx sends the file itself from an
 * `internal` location over the archive (deploy/nginx.conf): its own
 * ranges, validators and sendfile, without a qarchive thread per
 * download. No file is opened, so the media cache is not used. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api.h"
#include "media_cache.h"
#include "range.h"
#include "recording_files.h"

/* The slow way, the first time (or after a change): the recording's entry
 * in the index, its folder's scan for the media file, open and fstat. The
 * file then goes into the server's media cache for the next requests. */
static unsigned open_media(http_request *req, http_reply *out, const char *id,
                           const char uuid[QX_UUID_LEN + 1], unsigned long long revision,
                           http_media_file *file)
{
	json_t *summary = NULL;
	recording rec = RECORDING_INIT;
	unsigned status;
	if ((status = http_recording_summary(req, out, id, &summary)))
		return status;
	json_decref(summary);
	if ((status = http_recording_load(req, out, id, &rec)))
		goto out;
	if (!rec.media_path) {
		status = http_reply_error(out, 404, "recording %s has no media", id);
		goto out;
	}
	struct stat st;
	int fd = open(rec.media_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		status = http_reply_error(out, 404, "the media of %s is no longer readable", id);
		goto out;
	}
	http_media_cache_put(req->server->media, id, uuid, revision, rec.media_path, fd, &st, file);
out:
	recording_free(&rec);
	return status;
}

/* The media file of recording id: from the cache while the index and the
 * file are as they were, else opened (open_media). */
static unsigned find_media(http_request *req, http_reply *out, const char *id,
                           http_media_file *file)
{
	char uuid[QX_UUID_LEN + 1] = "";
	unsigned long long revision = 0;
	unsigned status = http_request_db(req, out);
	if (status)
		return status;
	/* No version (a read error): the slow way, which reports it. */
	if (qx_db_version(req->db->db, uuid, &revision) != QX_OK)
		uuid[0] = '\0';
	else if (http_media_cache_get(req->server->media, id, uuid, revision, file))
		return 0;
	return open_media(req, out, id, uuid, revision, file);
}

/* A media file's name as it may go into a header unescaped ("media.mp4":
 * recording.c finds "media.*"): anything else is sent by us. */
static bool accel_safe(const char *name)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return false;
	return name[0] != '\0' && name[0] != '.';
}

/* Hand recording id's media to nginx: 200 with X-Accel-Redirect, or 0
 * when it must be sent by us (a name not safe in a header); an error
 * status with out set when the recording or its media is not there. */
static unsigned accel_redirect(http_request *req, http_reply *out, const char *id)
{
	json_t *summary = NULL;
	recording rec = RECORDING_INIT;
	unsigned status;
	if ((status = http_recording_summary(req, out, id, &summary)))
		return status;
	json_decref(summary);
	if ((status = http_recording_load(req, out, id, &rec)))
		goto out;
	if (!rec.media_path) {
		status = http_reply_error(out, 404, "recording %s has no media", id);
		goto out;
	}
	const char *slash = strrchr(rec.media_path, '/');
	const char *name = slash ? slash + 1 : rec.media_path;
	char target[1024];
	int n = snprintf(target, sizeof target, "%s/%s/%s", req->server->accel_prefix, id, name);
	if (!accel_safe(name) || n < 0 || (size_t)n >= sizeof target)
		goto out; /* status 0: ours to send */
	out->content_type = http_media_type(rec.media_path);
	status = http_reply_header_add(out, "X-Accel-Redirect", target)
	             ? 200
	             : http_reply_error(out, 500, "out of memory");
out:
	recording_free(&rec);
	return status;
}

unsigned http_handle_media(http_request *req, http_reply *out)
{
	char id[RECORDING_ID_MAX + 1];
	http_media_file file;
	unsigned status;
	char buf[128];
	if (!http_recording_id_from(req->rest, "", id))
		return http_reply_error(out, 404, "no such recording");
	if (req->server->accel_prefix && (status = accel_redirect(req, out, id)))
		return status;
	if ((status = find_media(req, out, id, &file)))
		return status;
	int fd = file.fd;
	uint64_t size = file.size;
	const char *etag = file.etag;
	out->content_type = file.type;
	if (!http_reply_header_add(out, MHD_HTTP_HEADER_ETAG, etag) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_LAST_MODIFIED, file.modified) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes") ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache")) {
		status = http_reply_error(out, 500, "out of memory");
		goto out;
	}

	/* §13.2.2 steps 1-2: If-Match, else If-Unmodified-Since. */
	const char *if_match = http_header(req, MHD_HTTP_HEADER_IF_MATCH);
	const char *ius = http_header(req, MHD_HTTP_HEADER_IF_UNMODIFIED_SINCE);
	time_t when;
	if (if_match ? !http_etag_match_strong(if_match, etag)
	             : ius && http_date_parse(ius, &when) && file.mtime > when) {
		status = http_reply_error(out, 412, "the media of %s has changed", id);
		goto out;
	}
	/* Steps 3-4: If-None-Match, else If-Modified-Since (GET and HEAD). */
	const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = http_header(req, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if (inm ? http_etag_match_weak(inm, etag)
	        : ims && http_date_parse(ims, &when) && file.mtime <= when) {
		status = 304;
		goto out;
	}
	/* Step 5: Range, for GET only (§14.2), and only when If-Range (if
	 * any) still names this representation: a strong ETag match, or the
	 * exact Last-Modified date (§13.1.5). */
	const char *range = req->head ? NULL : http_header(req, MHD_HTTP_HEADER_RANGE);
	const char *if_range = http_header(req, MHD_HTTP_HEADER_IF_RANGE);
	if (range && if_range) {
		bool same = if_range[0] == '"' || strncmp(if_range, "W/", 2) == 0
		                ? http_etag_match_strong(if_range, etag)
		                : http_date_parse(if_range, &when) && when == file.mtime;
		if (!same)
			range = NULL;
	}
	uint64_t first = 0, last = 0;
	switch (http_range_parse(range, size, &first, &last)) {
	case HTTP_RANGE_SINGLE:
		snprintf(buf, sizeof buf, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first, last,
		         size);
		if (!http_reply_header_add(out, MHD_HTTP_HEADER_CONTENT_RANGE, buf)) {
			status = http_reply_error(out, 500, "out of memory");
			goto out;
		}
		out->fd = fd;
		out->offset = first;
		out->length = last - first + 1;
		fd = -1;
		status = 206;
		break;
	case HTTP_RANGE_UNSATISFIABLE:
		snprintf(buf, sizeof buf, "bytes */%" PRIu64, size);
		http_reply_header_add(out, MHD_HTTP_HEADER_CONTENT_RANGE, buf);
		out->content_type = NULL; /* the error body brings its own */
		status = http_reply_error(
		    out, 416, "the range is outside the media's %" PRIu64 " bytes", size);
		break;
	case HTTP_RANGE_NONE:
	case HTTP_RANGE_MULTIPLE:
		out->fd = fd;
		out->offset = 0;
		out->length = size;
		fd = -1;
		status = 200;
		break;
	}
out:
	if (fd >= 0)
		close(fd);
	return status;
}
