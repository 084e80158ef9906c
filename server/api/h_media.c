/* GET/HEAD /media/<id>: the recording's media file, for <video>/<audio>.
 *
 * RFC 9110 throughout: validators (§8.8: a strong ETag from size, mtime
 * and inode; Last-Modified), preconditions evaluated in §13.2.2's order
 * (If-Match, If-Unmodified-Since → 412; If-None-Match, If-Modified-Since
 * → 304; If-Range), and single byte ranges (§14: 206 with Content-Range,
 * 416 with "bytes * /SIZE"). A request for several ranges gets the whole
 * file (200), which §14.2 allows: browsers ask for one range at a time.
 * The body goes out zero-copy from the file (sendfile), so seeking in a
 * multi-gigabyte recording costs one open and one range. The path comes
 * from the recording folder's scan, never from the URL.
 *
 * Behind nginx (`serve --accel-redirect PREFIX`), once the checks above
 * the file (the recording exists, and `--private`'s gate, in server.c)
 * have passed, the answer is an empty 200 with `X-Accel-Redirect:
 * PREFIX/<id>/<media file>`, and nginx sends the file itself from an
 * `internal` location over the archive (deploy/nginx.conf): its own
 * ranges, validators and sendfile, without a qarchive thread per
 * download. */
#include <fcntl.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api.h"
#include "range.h"
#include "recording_files.h"

static const struct {
	const char *ext;
	const char *type;
} media_types[] = {
    {"mp4", "video/mp4"},        {"m4v", "video/mp4"},   {"m4a", "audio/mp4"},
    {"mp3", "audio/mpeg"},       {"webm", "video/webm"}, {"mkv", "video/x-matroska"},
    {"mka", "audio/x-matroska"}, {"ogg", "audio/ogg"},   {"oga", "audio/ogg"},
    {"opus", "audio/ogg"},       {"ogv", "video/ogg"},   {"wav", "audio/wav"},
    {"flac", "audio/flac"},      {"aac", "audio/aac"},   {"mov", "video/quicktime"},
};

static const char *media_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof media_types / sizeof media_types[0]; i++)
			if (strcasecmp(dot + 1, media_types[i].ext) == 0)
				return media_types[i].type;
	return "application/octet-stream";
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

/* Hand the file to nginx: true when the header is set (out's status is
 * then 200 with no body), false when it must be sent by us. */
static bool accel_redirect(http_request *req, http_reply *out, const char *id, const char *path)
{
	const char *prefix = req->server->accel_prefix;
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!prefix || !accel_safe(name))
		return false;
	char target[1024];
	int n = snprintf(target, sizeof target, "%s/%s/%s", prefix, id, name);
	if (n < 0 || (size_t)n >= sizeof target)
		return false;
	out->content_type = media_type(path);
	return http_reply_header_add(out, "X-Accel-Redirect", target);
}

/* Nanoseconds since the epoch of the file's modification. */
static unsigned long long mtime_ns(const struct stat *st)
{
	return (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
	       (unsigned long long)st->st_mtim.tv_nsec;
}

unsigned http_handle_media(http_request *req, http_reply *out)
{
	char id[RECORDING_ID_MAX + 1];
	json_t *summary = NULL;
	recording rec = RECORDING_INIT;
	unsigned status;
	int fd = -1;
	if (!http_recording_id_from(req->rest, "", id))
		return http_reply_error(out, 404, "no such recording");
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
	fd = open(rec.media_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		status = http_reply_error(out, 404, "the media of %s is no longer readable", id);
		goto out;
	}
	if (accel_redirect(req, out, id, rec.media_path)) {
		status = 200;
		goto out;
	}
	uint64_t size = (uint64_t)st.st_size;
	char etag[80], modified[30], buf[128];
	snprintf(etag, sizeof etag, "\"%" PRIx64 "-%llx-%llx\"", size, mtime_ns(&st),
	         (unsigned long long)st.st_ino);
	http_date_format(st.st_mtim.tv_sec, modified);
	out->content_type = media_type(rec.media_path);
	if (!http_reply_header_add(out, MHD_HTTP_HEADER_ETAG, etag) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_LAST_MODIFIED, modified) ||
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
	             : ius && http_date_parse(ius, &when) && st.st_mtim.tv_sec > when) {
		status = http_reply_error(out, 412, "the media of %s has changed", id);
		goto out;
	}
	/* Steps 3-4: If-None-Match, else If-Modified-Since (GET and HEAD). */
	const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = http_header(req, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if (inm ? http_etag_match_weak(inm, etag)
	        : ims && http_date_parse(ims, &when) && st.st_mtim.tv_sec <= when) {
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
		                : http_date_parse(if_range, &when) && when == st.st_mtim.tv_sec;
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
	recording_free(&rec);
	return status;
}
