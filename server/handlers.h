/* handlers: one function per route (routes.c lists them), each in its own
 * file. Each returns the HTTP status and fills *out (request.h). */
#ifndef QA_HTTP_HANDLERS_H
#define QA_HTTP_HANDLERS_H

#include "body.h"
#include "request.h"

typedef unsigned (*http_handler)(http_request *req, http_reply *out);

unsigned http_handle_healthz(http_request *req, http_reply *out);        /* h_healthz.c */
unsigned http_handle_api_search(http_request *req, http_reply *out);     /* h_api_search.c */
unsigned http_handle_api_recordings(http_request *req, http_reply *out); /* h_api_recordings.c */
unsigned http_handle_api_recording(http_request *req, http_reply *out);  /* h_api_recording.c */
unsigned http_handle_media(http_request *req, http_reply *out);          /* h_media.c */
unsigned http_handle_captions(http_request *req, http_reply *out);       /* h_captions.c */
unsigned http_handle_chapters(http_request *req, http_reply *out);       /* h_chapters.c */
unsigned http_handle_feed(http_request *req, http_reply *out);           /* h_feed.c */
unsigned http_handle_opensearch(http_request *req, http_reply *out);     /* h_opensearch.c */

/* Resumable uploads, tus 1.0 (h_tus.c): OPTIONS and POST /api/uploads,
 * HEAD, PATCH and DELETE /api/uploads/<id>. POST, PATCH and DELETE are
 * body routes, read by these ops (body.h). */
unsigned http_handle_tus_options(http_request *req, http_reply *out);
unsigned http_handle_tus_create(http_request *req, http_reply *out);
unsigned http_handle_tus_head(http_request *req, http_reply *out);
unsigned http_handle_tus_patch(http_request *req, http_reply *out);
unsigned http_handle_tus_delete(http_request *req, http_reply *out);
extern const http_body_ops http_tus_create_body;
extern const http_body_ops http_tus_patch_body;
extern const http_body_ops http_tus_delete_body;

/* The pages (HTML that works without JavaScript; html.h is their frame)
 * and the assets of web/ compiled in. */
unsigned http_handle_home(http_request *req, http_reply *out);        /* page_home.c */
unsigned http_handle_search_page(http_request *req, http_reply *out); /* page_search.c */
unsigned http_handle_watch(http_request *req, http_reply *out);       /* page_watch.c */
unsigned http_handle_static(http_request *req, http_reply *out);      /* h_static.c */

/* Staff: sign in and out (page_login.c). POST /login and /logout take a
 * form body (form_ops_fields, form_body.h). */
unsigned http_handle_login_page(http_request *req, http_reply *out);
unsigned http_handle_login(http_request *req, http_reply *out);
unsigned http_handle_logout(http_request *req, http_reply *out);

/* POST /api/recordings: a new recording from a multipart form
 * (h_api_recordings_post.c; body ops http_staff_form_upload). */
unsigned http_handle_api_recordings_post(http_request *req, http_reply *out);

/* Staff pages (#8): add a recording (page_upload.c), change one
 * (page_edit.c), delete one (page_delete.c). GET shows the form to
 * signed-in staff and sends anybody else to sign in; POST takes a form
 * body (http_staff_form_upload or form_ops_fields, staff_form.h) whose
 * first field is the session's CSRF token. */
unsigned http_handle_upload_page(http_request *req, http_reply *out);
unsigned http_handle_upload(http_request *req, http_reply *out);
unsigned http_handle_edit_page(http_request *req, http_reply *out);
unsigned http_handle_edit(http_request *req, http_reply *out);
unsigned http_handle_delete_page(http_request *req, http_reply *out);
unsigned http_handle_delete(http_request *req, http_reply *out);

#endif
