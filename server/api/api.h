/* api: the endpoints that answer with data rather than pages: JSON
 * (search, recordings, uploads), media, captions and chapters, feeds, and
 * web/'s assets. One function per route (site/site.c lists them), each in
 * its own file; each returns the HTTP status and fills *out (request.h).
 */
#ifndef QA_API_H
#define QA_API_H

#include "body.h"
#include "request.h"

unsigned http_handle_healthz(http_request *req, http_reply *out);        /* h_healthz.c */
unsigned http_handle_metrics(http_request *req, http_reply *out);        /* h_metrics.c */
unsigned http_handle_api_search(http_request *req, http_reply *out);     /* h_api_search.c */
unsigned http_handle_api_recordings(http_request *req, http_reply *out); /* h_api_recordings.c */
unsigned http_handle_api_recording(http_request *req, http_reply *out);  /* h_api_recording.c */
unsigned http_handle_pictures(http_request *req, http_reply *out);
unsigned http_handle_media(http_request *req, http_reply *out);      /* h_media.c */
unsigned http_handle_captions(http_request *req, http_reply *out);   /* h_captions.c */
unsigned http_handle_chapters(http_request *req, http_reply *out);   /* h_chapters.c */
unsigned http_handle_feed(http_request *req, http_reply *out);       /* h_feed.c */
unsigned http_handle_opensearch(http_request *req, http_reply *out); /* h_opensearch.c */
unsigned http_handle_oembed(http_request *req, http_reply *out);     /* h_oembed.c */

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

/* The assets of web/ compiled in (h_static.c). */
unsigned http_handle_static(http_request *req, http_reply *out);
/* /favicon.ico: web/favicon.svg, for clients that ask without a page. */
unsigned http_handle_favicon(http_request *req, http_reply *out);

/* POST /api/recordings: a new recording from a multipart form
 * (h_api_recordings_post.c; body ops http_staff_form_upload). */
unsigned http_handle_api_recordings_post(http_request *req, http_reply *out);

#endif
