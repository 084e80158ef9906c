#include "site.h"

#include "api.h"
#include "form_body.h"
#include "html.h"
#include "pages.h"
#include "staff_gate.h"

#define GET_HEAD (HTTP_METHOD_GET | HTTP_METHOD_HEAD)

/* A route whose handler searches: its time grows with the query and the
 * archive, so it runs on the server's work pool, bounded and queued, and
 * never on the threads that serve every other connection (routes.h). The
 * other routes read one document or file and answer in milliseconds. */
#define POOLED  true
#define NO_POOL false

/* The first route whose path matches wins, so an exact route goes before a
 * prefix that covers it. Routes for the same path with other methods come
 * right after it. HEAD is answered as GET without the body (MHD drops it)
 * unless a route takes HEAD alone. */
static const http_route routes[] = {
    {GET_HEAD, "/healthz", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_healthz, NULL, NO_POOL},
    {GET_HEAD, "/metrics", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_metrics, NULL, NO_POOL},
    {GET_HEAD, "/api/search", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_api_search, NULL,
     POOLED},
    {GET_HEAD, "/api/recordings", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_api_recordings,
     NULL, NO_POOL},
    {HTTP_METHOD_POST, "/api/recordings", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON,
     http_handle_api_recordings_post, &http_staff_form_upload, NO_POOL},
    {GET_HEAD, "/api/recordings/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON, http_handle_api_recording,
     NULL, NO_POOL},
    /* Resumable uploads (tus 1.0). */
    {HTTP_METHOD_OPTIONS, "/api/uploads", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON,
     http_handle_tus_options, NULL, NO_POOL},
    {HTTP_METHOD_POST, "/api/uploads", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_tus_create,
     &http_tus_create_body, NO_POOL},
    {HTTP_METHOD_HEAD, "/api/uploads/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON, http_handle_tus_head,
     NULL, NO_POOL},
    {HTTP_METHOD_PATCH, "/api/uploads/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON, http_handle_tus_patch,
     &http_tus_patch_body, NO_POOL},
    {HTTP_METHOD_DELETE, "/api/uploads/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON,
     http_handle_tus_delete, &http_tus_delete_body, NO_POOL},
    {GET_HEAD, "/media/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_media, NULL, NO_POOL},
    {GET_HEAD, "/pictures/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_pictures, NULL,
     NO_POOL},
    {GET_HEAD, "/captions/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_captions, NULL,
     NO_POOL},
    {GET_HEAD, "/chapters/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_chapters, NULL,
     NO_POOL},
    {GET_HEAD, "/feed.xml", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_feed, NULL, POOLED},
    {GET_HEAD, "/opensearch.xml", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_opensearch, NULL,
     NO_POOL},
    /* The pages, and web/'s CSS and JavaScript (compiled in). */
    {GET_HEAD, "/", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_home, NULL, NO_POOL},
    {GET_HEAD, "/search", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_search_page, NULL,
     POOLED},
    {GET_HEAD, "/watch/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_watch, NULL, NO_POOL},
    {GET_HEAD, "/embed/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_embed, NULL, NO_POOL},
    {GET_HEAD, "/oembed", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_oembed, NULL, NO_POOL},
    {GET_HEAD, "/static/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_static, NULL, NO_POOL},
    {GET_HEAD, "/favicon.ico", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_favicon, NULL,
     NO_POOL},
    /* Staff. */
    {GET_HEAD, "/login", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_login_page, NULL, NO_POOL},
    {HTTP_METHOD_POST, "/login", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_login,
     &form_ops_fields, NO_POOL},
    {HTTP_METHOD_POST, "/logout", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_logout,
     &form_ops_fields, NO_POOL},
    {GET_HEAD, "/upload", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_upload_page, NULL,
     NO_POOL},
    {HTTP_METHOD_POST, "/upload", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_upload,
     &http_staff_form_upload, NO_POOL},
    {GET_HEAD, "/edit/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_edit_page, NULL, NO_POOL},
    {HTTP_METHOD_POST, "/edit/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_edit,
     &http_staff_form_upload, NO_POOL},
    {GET_HEAD, "/delete/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_delete_page, NULL,
     NO_POOL},
    {HTTP_METHOD_POST, "/delete/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_delete,
     &form_ops_fields, NO_POOL},
};

const http_site qa_site = {
    .routes = routes,
    .route_count = sizeof routes / sizeof routes[0],
    .error_page = http_html_error_page,
};
