#include "form_body.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "errmsg.h"
#include "ingest.h"
#include "strbuf.h"
#include "text_decode.h"
#include "store_error.h"

/* What the post processor may buffer for a part's headers and a field's
 * name; bodies pass through in chunks. */
#define POST_BUFFER 16384

typedef struct form_value {
	char *name; /* owned */
	strbuf text;
} form_value;

struct form_body {
	struct MHD_PostProcessor *pp;
	char *tmp_dir; /* owned */
	uint64_t max_file;
	form_value *texts;
	size_t text_count, text_cap;
	size_t text_bytes;
	form_file *files;
	size_t file_count, file_cap;
	int fd; /* the file part being written, -1 between parts */
	/* form_ops_upload: the "media" part's first bytes are judged as soon
	 * as they are in (media_head_check), so that a file that is no media
	 * stops the upload after megabytes, not after gigabytes. */
	bool check_media;
	/* The first error, answered by whoever called MHD_post_process. */
	unsigned error;
	char message[512]; /* as an ingest_error's, which it may carry whole */
};

static enum MHD_Result fail(form_body *f, unsigned status, const char *fmt, const char *arg)
{
	if (!f->error) {
		f->error = status;
		snprintf(f->message, sizeof f->message, fmt, arg ? arg : "");
	}
	return MHD_NO;
}

static void close_file(form_body *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
}

static enum MHD_Result start_file(form_body *f, const char *key, const char *filename,
                                  const char *content_type)
{
	close_file(f);
	if (f->file_count == f->file_cap) {
		size_t cap = f->file_cap ? f->file_cap * 2 : 4;
		if (cap > 32)
			return fail(f, 413, "too many files in one form (at most 32)", NULL);
		form_file *files = realloc(f->files, cap * sizeof *files);
		if (!files)
			return fail(f, 500, "out of memory", NULL);
		f->files = files;
		f->file_cap = cap;
	}
	form_file *file = &f->files[f->file_count];
	memset(file, 0, sizeof *file);
	size_t dir_len = strlen(f->tmp_dir);
	file->path = malloc(dir_len + sizeof "/part-XXXXXX");
	file->field = strdup(key);
	file->filename = strdup(filename);
	file->content_type = strdup(content_type ? content_type : "");
	if (!file->path || !file->field || !file->filename || !file->content_type) {
		free(file->path);
		free(file->field);
		free(file->filename);
		free(file->content_type);
		return fail(f, 500, "out of memory", NULL);
	}
	memcpy(file->path, f->tmp_dir, dir_len);
	memcpy(file->path + dir_len, "/part-XXXXXX", sizeof "/part-XXXXXX");
	f->fd = mkstemp(file->path);
	if (f->fd < 0) {
		/* Taken before free() can touch errno. */
		int errnum = errno;
		char why[ERRMSG_WHY_SIZE];
		errmsg_strerror(errnum, why, sizeof why);
		free(file->path);
		free(file->field);
		free(file->filename);
		free(file->content_type);
		return fail(f, http_store_error_status(errnum), "cannot store the upload: %s", why);
	}
	f->file_count++;
	return MHD_YES;
}

/* The media part has reached INGEST_MEDIA_HEAD_BYTES: its head (read back
 * from the temp file, still in the page cache) must hold a container, or
 * the form fails now with the message the whole file would get. */
static enum MHD_Result media_head_check(form_body *f)
{
	unsigned char *head = malloc(INGEST_MEDIA_HEAD_BYTES);
	if (!head)
		return fail(f, 500, "out of memory", NULL);
	size_t got = 0;
	while (got < INGEST_MEDIA_HEAD_BYTES) {
		ssize_t r = pread(f->fd, head + got, INGEST_MEDIA_HEAD_BYTES - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	ingest_error err = INGEST_ERROR_INIT;
	ingest_status st = got == INGEST_MEDIA_HEAD_BYTES
	                       ? ingest_check_media_head(head, got, &err)
	                       : INGEST_OK; /* unreadable here: the whole file's check says */
	free(head);
	if (st == INGEST_BAD_INPUT)
		return fail(f, 400, "%s", err.message);
	if (st == INGEST_NOMEM)
		return fail(f, 500, "out of memory", NULL);
	return MHD_YES;
}

static enum MHD_Result write_file(form_body *f, const char *data, size_t size)
{
	form_file *file = &f->files[f->file_count - 1];
	uint64_t before = file->size;
	if (size > f->max_file - file->size)
		return fail(f, 413, "%s: the file is larger than the server's upload limit",
		            file->field);
	while (size > 0) {
		ssize_t w = write(f->fd, data, size);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int errnum = errno;
			char why[ERRMSG_WHY_SIZE];
			return fail(f, http_store_error_status(errnum),
			            "cannot store the upload: %s",
			            errmsg_strerror(errnum, why, sizeof why));
		}
		data += w;
		size -= (size_t)w;
		file->size += (uint64_t)w;
	}
	if (f->check_media && before < INGEST_MEDIA_HEAD_BYTES &&
	    file->size >= INGEST_MEDIA_HEAD_BYTES && strcmp(file->field, "media") == 0)
		return media_head_check(f);
	return MHD_YES;
}

static enum MHD_Result start_text(form_body *f, const char *key)
{
	close_file(f);
	if (f->text_count == f->text_cap) {
		size_t cap = f->text_cap ? f->text_cap * 2 : 16;
		if (cap > 1024)
			return fail(f, 413, "too many fields in one form (at most 1024)", NULL);
		form_value *texts = realloc(f->texts, cap * sizeof *texts);
		if (!texts)
			return fail(f, 500, "out of memory", NULL);
		f->texts = texts;
		f->text_cap = cap;
	}
	form_value *v = &f->texts[f->text_count];
	v->text = (strbuf)STRBUF_INIT;
	if (!(v->name = strdup(key)) || !sb_append(&v->text, "", 0)) {
		free(v->name);
		return fail(f, 500, "out of memory", NULL);
	}
	f->text_count++;
	return MHD_YES;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
	(void)kind;
	(void)transfer_encoding;
	form_body *f = cls;
	if (!key)
		return fail(f, 400, "a form part without a name", NULL);
	if (filename) {
		if (off == 0 && start_file(f, key, filename, content_type) != MHD_YES)
			return MHD_NO;
		if (f->fd < 0)
			return fail(f, 400, "a malformed form body", NULL);
		return size ? write_file(f, data, size) : MHD_YES;
	}
	if (off == 0 && start_text(f, key) != MHD_YES)
		return MHD_NO;
	if (f->text_count == 0)
		return fail(f, 400, "a malformed form body", NULL);
	form_value *v = &f->texts[f->text_count - 1];
	if (v->text.len + size > FORM_TEXT_MAX || f->text_bytes + size > FORM_TEXTS_MAX)
		return fail(f, 413,
		            "%s: the text is too long (at most 1 MiB a field, 4 MiB in all)", key);
	if (!sb_append(&v->text, data, size))
		return fail(f, 500, "out of memory", NULL);
	f->text_bytes += size;
	return MHD_YES;
}

/* Remove the temp files still there and free everything. NULL-safe. */
static void form_body_free(form_body *f)
{
	if (!f)
		return;
	close_file(f);
	if (f->pp)
		MHD_destroy_post_processor(f->pp);
	for (size_t i = 0; i < f->file_count; i++) {
		/* ENOENT when the caller moved it into the archive. */
		unlink(f->files[i].path);
		free(f->files[i].path);
		free(f->files[i].field);
		free(f->files[i].filename);
		free(f->files[i].content_type);
	}
	for (size_t i = 0; i < f->text_count; i++) {
		free(f->texts[i].name);
		sb_free(&f->texts[i].text);
	}
	free(f->files);
	free(f->texts);
	free(f->tmp_dir);
	free(f);
}

/* Start reading req's body into *out. tmp_dir must exist (files are made
 * there with mkstemp); each file may hold at most max_file bytes. Returns 0,
 * or 415 (not a form body), 413 (Content-Length says too much: more than
 * max_file plus room for the text fields), 500 (out of memory), with the
 * message in *reply. */
static unsigned form_body_begin(http_request *req, http_reply *reply, const char *tmp_dir,
                                uint64_t max_file, form_body **out)
{
	*out = NULL;
	const char *type = http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	bool multipart = type && strncasecmp(type, "multipart/form-data", 19) == 0;
	bool urlencoded = type && strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0;
	if (!multipart && !urlencoded)
		return http_reply_error(reply, 415,
		                        "expected a form: Content-Type multipart/form-data "
		                        "(or application/x-www-form-urlencoded without files)");
	if (req->body_length >= 0 && (uint64_t)req->body_length > max_file + FORM_TEXTS_MAX)
		return http_reply_error(
		    reply, 413, "the upload is larger than the server's limit of %llu bytes",
		    (unsigned long long)max_file);
	form_body *f = calloc(1, sizeof *f);
	if (!f || !(f->tmp_dir = strdup(tmp_dir))) {
		free(f);
		return http_reply_error(reply, 500, "out of memory");
	}
	f->fd = -1;
	f->max_file = max_file;
	f->pp = MHD_create_post_processor(req->conn, POST_BUFFER, on_part, f);
	if (!f->pp) {
		form_body_free(f);
		/* No memory, or a multipart type without a boundary. */
		return http_reply_error(reply, 400, "a malformed form: no multipart boundary?");
	}
	*out = f;
	return 0;
}

/* One chunk of the body. Returns 0, or the error to answer (400 malformed,
 * 413 a field or file over its bound, 500 a write failed) with the message
 * in *reply; after an error the form is unusable. */
static unsigned form_body_data(form_body *f, const char *data, size_t len, http_reply *reply)
{
	if (!f->error && MHD_post_process(f->pp, data, len) != MHD_YES && !f->error)
		fail(f, 400, "a malformed form body", NULL);
	if (f->error) {
		close_file(f);
		return http_reply_error(reply, f->error, "%s", f->message);
	}
	return 0;
}

/* Every field's name and text, and every file's field name and file name,
 * must be UTF-8 (the form's page declares it, so a browser sends it): a
 * handler stores them in recording.json or echoes them in the form, and
 * neither may meet bytes that are not text (target_check.h says the same
 * of the query). Names are not quoted back: they may be the bad bytes. */
static unsigned form_check_utf8(const form_body *f, http_reply *reply)
{
	for (size_t i = 0; i < f->text_count; i++) {
		const form_value *v = &f->texts[i];
		if (!text_is_utf8(v->name, strlen(v->name)))
			return http_reply_error(reply, 400, "a form field's name is not UTF-8");
		if (!text_is_utf8(v->text.data, v->text.len))
			return http_reply_error(reply, 400, "a form field is not UTF-8 text");
	}
	for (size_t i = 0; i < f->file_count; i++)
		if (!text_is_utf8(f->files[i].field, strlen(f->files[i].field)) ||
		    !text_is_utf8(f->files[i].filename, strlen(f->files[i].filename)))
			return http_reply_error(reply, 400,
			                        "a file's field name or file name is not UTF-8");
	return 0;
}

unsigned form_body_finish(form_body *f, http_reply *reply)
{
	close_file(f);
	if (f->error)
		return http_reply_error(reply, f->error, "%s", f->message);
	/* MHD_destroy_post_processor says whether the body ended cleanly
	 * (the closing boundary seen, no part cut off). */
	enum MHD_Result clean = MHD_destroy_post_processor(f->pp);
	f->pp = NULL;
	if (clean != MHD_YES)
		return http_reply_error(reply, 400, "the form body ended in the middle of a part");
	return form_check_utf8(f, reply);
}

static const form_value *nth_text(const form_body *f, const char *name, size_t n)
{
	for (size_t i = 0; i < f->text_count; i++)
		if (strcmp(f->texts[i].name, name) == 0 && n-- == 0)
			return &f->texts[i];
	return NULL;
}

/* How many values text field name has (a field may come several times). */
static size_t form_text_count(const form_body *f, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < f->text_count; i++)
		n += strcmp(f->texts[i].name, name) == 0;
	return n;
}

const char *form_text(const form_body *f, const char *name)
{
	size_t n = form_text_count(f, name);
	return n ? nth_text(f, name, n - 1)->text.data : NULL;
}

const form_file *form_file_get(const form_body *f, const char *name)
{
	const form_file *found = NULL;
	for (size_t i = 0; i < f->file_count; i++) {
		const form_file *file = &f->files[i];
		if (strcmp(file->field, name) != 0)
			continue;
		/* A file input left blank is sent as a part with an empty
		 * name and no bytes. */
		if (file->size == 0 && file->filename[0] == '\0')
			continue;
		found = file;
	}
	return found;
}

static unsigned begin_fields(http_request *req, http_reply *out, void **ctx)
{
	form_body *f = NULL;
	unsigned st = form_body_begin(req, out, req->server->upload_tmp_dir, 0, &f);
	*ctx = f;
	return st;
}

static unsigned begin_upload(http_request *req, http_reply *out, void **ctx)
{
	form_body *f = NULL;
	unsigned st =
	    form_body_begin(req, out, req->server->upload_tmp_dir, req->server->max_upload, &f);
	if (f)
		f->check_media = true;
	*ctx = f;
	return st;
}

static unsigned data(http_request *req, void *ctx, const char *bytes, size_t len, http_reply *out)
{
	(void)req;
	return form_body_data(ctx, bytes, len, out);
}

static void release(void *ctx)
{
	form_body_free(ctx);
}

const http_body_ops form_ops_fields = {begin_fields, data, release};
const http_body_ops form_ops_upload = {begin_upload, data, release};
