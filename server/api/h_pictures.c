/* GET/HEAD /pictures/<id>/…: a recording's pictures (pictures_store.h).
 *
 *     poster.jpg           a video's poster frame, or a sound's waveform
 *     storyboard.json      {"interval", "width", "height", "columns", "rows",
 *                          "sprites": [URL, …]}: the hover preview's layout
 *     storyboard-N.jpg     its sprites
 *     at/<seconds>.jpg     the frame at a moment (12, 12.5, 12.345), made on
 *                          request (pictures_at.h) and kept
 *
 * Each is 404 until the background worker has made the set. Files are
 * served with validators (a strong ETag from size, mtime and inode;
 * Last-Modified) and If-None-Match / If-Modified-Since → 304, as /media/.
 * A recording must be in the index, as for /media/, and --private gates
 * /pictures/ like the media (server.c). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api.h"
#include "number.h"
#include "pictures_at.h"
#include "range.h"
#include "recording_files.h"

/* The longest moment: longer than any recording (a WAV holds 37 hours). */
#define MAX_SECONDS (100.0 * 3600)

/* Validators for st, and 304 when the request's match them (RFC 9110
 * §13.2.2 steps 3-4); else 0. */
static unsigned validate(http_request *req, http_reply *out, const struct stat *st)
{
	char etag[80], modified[30];
	snprintf(etag, sizeof etag, "\"%" PRIx64 "-%llx.%09lx-%llx\"", (uint64_t)st->st_size,
	         (unsigned long long)st->st_mtim.tv_sec, (unsigned long)st->st_mtim.tv_nsec,
	         (unsigned long long)st->st_ino);
	http_date_format(st->st_mtim.tv_sec, modified);
	if (!http_reply_header_add(out, MHD_HTTP_HEADER_ETAG, etag) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_LAST_MODIFIED, modified) ||
	    !http_reply_header_add(out, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache"))
		return http_reply_error(out, 500, "out of memory");
	const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = http_header(req, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	time_t when;
	if (inm ? http_etag_match_weak(inm, etag)
	        : ims && http_date_parse(ims, &when) && st->st_mtim.tv_sec <= when)
		return 304;
	return 0;
}

/* The picture file at path (borrowed; NULL: out of memory), whole. */
static unsigned send_file(http_request *req, http_reply *out, const char *path, const char *type,
                          bool validators)
{
	if (!path)
		return http_reply_error(out, 500, "out of memory");
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return http_reply_error(out, 404, "no such picture (yet)");
	}
	unsigned status = validators ? validate(req, out, &st) : 0;
	if (!validators && !http_reply_header_add(out, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store"))
		status = http_reply_error(out, 500, "out of memory");
	if (status) {
		close(fd);
		return status;
	}
	out->content_type = type;
	out->fd = fd;
	out->offset = 0;
	out->length = (uint64_t)st.st_size;
	return 200;
}

/* storyboard.json, from the set's pictures.json (whose validators it
 * shares). */
static unsigned send_storyboard(http_request *req, http_reply *out, const char *id)
{
	const char *archive = req->server->archive_dir;
	pictures_info info;
	if (pictures_info_read(archive, id, &info) != PICTURES_OK)
		return http_reply_error(out, 500, "out of memory");
	char *path = pictures_path(archive, id, "pictures.json");
	struct stat st;
	bool there = path && stat(path, &st) == 0;
	free(path);
	if (!info.published || !info.storyboard || !there)
		return http_reply_error(out, 404, "%s has no storyboard (yet)", id);
	unsigned status = validate(req, out, &st);
	if (status)
		return status;
	json_t *sprites = json_array();
	for (int i = 0; sprites && i < info.sb_sprites; i++) {
		char url[RECORDING_ID_MAX + 40];
		snprintf(url, sizeof url, "/pictures/%s/storyboard-%d.jpg", id, i);
		if (json_array_append_new(sprites, json_string(url)) != 0)
			json_decref(sprites), sprites = NULL;
	}
	json_t *o = sprites
	                ? json_pack("{s:f, s:i, s:i, s:i, s:i, s:o}", "interval", info.sb_interval,
	                            "width", info.sb_width, "height", info.sb_height, "columns",
	                            info.sb_columns, "rows", info.sb_rows, "sprites", sprites)
	                : NULL;
	out->body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!out->body)
		return http_reply_error(out, 500, "out of memory");
	out->len = strlen(out->body);
	out->content_type = "application/json";
	return 200;
}

/* at/<seconds>.jpg: the frame, made now unless kept. When the frames being
 * made already are at the cap, the poster stands in (not kept by the
 * browser, so the next view asks again) rather than an error that would
 * leave a hole in a page of results. */
static unsigned send_moment(http_request *req, http_reply *out, const char *id, const char *spec)
{
	size_t n = strlen(spec);
	char num[32];
	double t;
	if (n < 5 || n - 4 >= sizeof num || strcmp(spec + n - 4, ".jpg") != 0)
		return http_reply_error(out, 404, "no such picture");
	memcpy(num, spec, n - 4);
	num[n - 4] = '\0';
	if (number_parse_decimal(num, 0, MAX_SECONDS, &t) != NUMBER_OK)
		return http_reply_error(out, 404,
		                        "no picture at \"%s\": a moment is seconds, "
		                        "such as 12 or 12.5",
		                        num);
	recording rec = RECORDING_INIT;
	unsigned status = http_recording_load(req, out, id, &rec);
	if (status)
		return status;
	char *path = NULL, err[300] = "";
	const char *archive = req->server->archive_dir;
	pictures_status st =
	    rec.media_path ? pictures_at(archive, id, rec.media_path, t, &path, err, sizeof err)
	                   : PICTURES_NONE;
	recording_free(&rec);
	switch (st) {
	case PICTURES_OK:
		status = send_file(req, out, path, "image/jpeg", true);
		break;
	case PICTURES_BUSY:
		path = pictures_path(archive, id, "poster.jpg");
		status = send_file(req, out, path, "image/jpeg", false);
		break;
	case PICTURES_NONE:
	case PICTURES_NO_MEDIA:
		status = http_reply_error(out, 404, "%s has no frames (yet)", id);
		break;
	case PICTURES_RANGE:
		status = http_reply_error(out, 404, "no frame at %s s in %s", num, id);
		break;
	case PICTURES_FAILED:
		status = http_reply_error(out, 404, "no frame at %s s in %s: %s", num, id, err);
		break;
	case PICTURES_STOPPED:
	case PICTURES_IO:
	case PICTURES_NOMEM:
		status = http_reply_error(out, 500, "the frame could not be made: %s",
		                          err[0] ? err : pictures_status_str(st));
		break;
	}
	free(path);
	return status;
}

/* "storyboard-N.jpg" with N a plain number. */
static bool sprite_name(const char *file)
{
	unsigned n;
	char digits[12];
	size_t len = strlen(file);
	if (strncmp(file, "storyboard-", 11) != 0 || len < 16 || len - 15 >= sizeof digits ||
	    strcmp(file + len - 4, ".jpg") != 0)
		return false;
	memcpy(digits, file + 11, len - 15);
	digits[len - 15] = '\0';
	return number_parse_unsigned(digits, 0, 100000, &n) == NUMBER_OK;
}

unsigned http_handle_pictures(http_request *req, http_reply *out)
{
	char id[RECORDING_ID_MAX + 1];
	const char *slash = strchr(req->rest, '/');
	size_t idlen = slash ? (size_t)(slash - req->rest) : 0;
	if (!slash || idlen == 0 || idlen > RECORDING_ID_MAX)
		return http_reply_error(out, 404, "no such picture");
	memcpy(id, req->rest, idlen);
	id[idlen] = '\0';
	const char *file = slash + 1;
	if (!recording_id_valid(id))
		return http_reply_error(out, 404, "no such recording");
	json_t *summary = NULL;
	unsigned status = http_recording_summary(req, out, id, &summary);
	if (status)
		return status;
	json_decref(summary);
	const char *archive = req->server->archive_dir;
	if (strcmp(file, "poster.jpg") == 0 || sprite_name(file)) {
		char *path = pictures_path(archive, id, file);
		status = send_file(req, out, path, "image/jpeg", true);
		free(path);
		return status;
	}
	if (strcmp(file, "storyboard.json") == 0)
		return send_storyboard(req, out, id);
	if (strncmp(file, "at/", 3) == 0 && !strchr(file + 3, '/'))
		return send_moment(req, out, id, file + 3);
	return http_reply_error(out, 404, "no such picture");
}
