/* form_body: an HTML form's body (multipart/form-data or
 * application/x-www-form-urlencoded) read as it arrives.
 *
 * libmicrohttpd's post processor splits the body into parts; text fields
 * are kept in memory (bounded), file parts are written to temp files of
 * their own in a folder the caller names (the archive's uploads/tmp, so
 * that the ingest can rename them into the archive instead of copying), so
 * memory use does not depend on the size of the files. The temp files are
 * removed by form_body_free unless the caller moved them away.
 *
 * A route uses it from its body ops (body.h): form_body_begin from begin,
 * form_body_data from data, and reads the fields in its handler after
 * form_body_finish.
 */
#ifndef QA_HTTP_FORM_BODY_H
#define QA_HTTP_FORM_BODY_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "request.h"

/* Bounds on what is held in memory: one text field, and all of them. */
#define FORM_TEXT_MAX  (1u << 20)
#define FORM_TEXTS_MAX (4u << 20)

typedef struct form_file {
	char *field;        /* owned: the form field's name */
	char *filename;     /* owned: the name the client gave (a hint only), never NULL */
	char *content_type; /* owned: as the client said, or "" */
	char *path;         /* owned: the temp file holding the bytes */
	uint64_t size;
} form_file;

typedef struct form_body form_body;

/* The body is complete: close the files. Returns 0, or 400 (the body ended
 * inside a part) / 500 with the message in *reply. */
unsigned form_body_finish(form_body *f, http_reply *reply);

/* The last value of text field name, NULL when absent. Borrowed. */
const char *form_text(const form_body *f, const char *name);
const char *form_text_at(const form_body *f, const char *name, size_t i);

/* The file sent as field name, NULL when absent or sent empty with no
 * name (a browser's file input left blank). Borrowed; the caller may
 * rename file->path away (form_body_free then finds nothing to remove). */
const form_file *form_file_get(const form_body *f, const char *name);

/* Body ops (body.h) that read a form into a form_body (req->body in the
 * handler, which calls form_body_finish first): form_ops_fields for forms
 * of text fields only (sign in, sign out: any file part is refused), and
 * form_ops_upload for forms with files up to the server's --max-upload
 * (whose "media" part is refused as soon as its first megabytes hold no
 * container: ingest_check_media_head).
 * Temp files go to the server's upload_tmp_dir. */
extern const http_body_ops form_ops_fields;
extern const http_body_ops form_ops_upload;

#endif
