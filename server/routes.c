#include "routes.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "form_body.h"
#include "staff_form.h"

#define GET_HEAD (HTTP_METHOD_GET | HTTP_METHOD_HEAD)

/* The first route whose path matches wins, so an exact route goes before a
 * prefix that covers it. Routes for the same path with other methods come
 * right after it. HEAD is answered as GET without the body (MHD drops it)
 * unless a route takes HEAD alone. */
static const http_route routes[] = {
    {GET_HEAD, "/healthz", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_healthz, NULL},
    {GET_HEAD, "/api/search", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_api_search, NULL},
    {GET_HEAD, "/api/recordings", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_api_recordings,
     NULL},
    {HTTP_METHOD_POST, "/api/recordings", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON,
     http_handle_api_recordings_post, &http_staff_form_upload},
    {GET_HEAD, "/api/recordings/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON, http_handle_api_recording,
     NULL},
    /* Resumable uploads (tus 1.0). */
    {HTTP_METHOD_OPTIONS, "/api/uploads", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON,
     http_handle_tus_options, NULL},
    {HTTP_METHOD_POST, "/api/uploads", HTTP_MATCH_EXACT, HTTP_FORMAT_JSON, http_handle_tus_create,
     &http_tus_create_body},
    {HTTP_METHOD_HEAD, "/api/uploads/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON, http_handle_tus_head,
     NULL},
    {HTTP_METHOD_PATCH, "/api/uploads/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON, http_handle_tus_patch,
     &http_tus_patch_body},
    {HTTP_METHOD_DELETE, "/api/uploads/", HTTP_MATCH_PREFIX, HTTP_FORMAT_JSON,
     http_handle_tus_delete, &http_tus_delete_body},
    {GET_HEAD, "/media/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_media, NULL},
    {GET_HEAD, "/captions/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_captions, NULL},
    {GET_HEAD, "/chapters/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_chapters, NULL},
    {GET_HEAD, "/feed.xml", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_feed, NULL},
    {GET_HEAD, "/opensearch.xml", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_opensearch, NULL},
    /* The pages, and web/'s CSS and JavaScript (compiled in). */
    {GET_HEAD, "/", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_home, NULL},
    {GET_HEAD, "/search", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_search_page, NULL},
    {GET_HEAD, "/watch/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_watch, NULL},
    {GET_HEAD, "/static/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_static, NULL},
    /* Staff. */
    {GET_HEAD, "/login", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_login_page, NULL},
    {HTTP_METHOD_POST, "/login", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_login,
     &form_ops_fields},
    {HTTP_METHOD_POST, "/logout", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_logout,
     &form_ops_fields},
    {GET_HEAD, "/upload", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_upload_page, NULL},
    {HTTP_METHOD_POST, "/upload", HTTP_MATCH_EXACT, HTTP_FORMAT_HTML, http_handle_upload,
     &http_staff_form_upload},
    {GET_HEAD, "/edit/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_edit_page, NULL},
    {HTTP_METHOD_POST, "/edit/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_edit,
     &http_staff_form_upload},
    {GET_HEAD, "/delete/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_delete_page, NULL},
    {HTTP_METHOD_POST, "/delete/", HTTP_MATCH_PREFIX, HTTP_FORMAT_HTML, http_handle_delete,
     &form_ops_fields},
};

static const struct {
	const char *name;
	unsigned bit;
} methods[] = {
    {"GET", HTTP_METHOD_GET},         {"HEAD", HTTP_METHOD_HEAD},   {"POST", HTTP_METHOD_POST},
    {"PUT", HTTP_METHOD_PUT},         {"PATCH", HTTP_METHOD_PATCH}, {"DELETE", HTTP_METHOD_DELETE},
    {"OPTIONS", HTTP_METHOD_OPTIONS},
};

unsigned http_method_bit(const char *method)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(method, methods[i].name) == 0)
			return methods[i].bit;
	return 0;
}

static bool path_matches(const http_route *r, const char *path)
{
	return r->match == HTTP_MATCH_EXACT ? strcmp(path, r->path) == 0
	                                    : strncmp(path, r->path, strlen(r->path)) == 0;
}

static bool same_path(const http_route *a, const http_route *b)
{
	return a->match == b->match && strcmp(a->path, b->path) == 0;
}

const http_route *http_route_find(const char *path, unsigned method, const char **rest,
                                  http_format *format, unsigned *allowed)
{
	const size_t count = sizeof routes / sizeof routes[0];
	size_t i = 0;
	while (i < count && !path_matches(&routes[i], path))
		i++;
	*rest = "";
	*allowed = 0;
	if (i == count) {
		*format = strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0
		              ? HTTP_FORMAT_JSON
		              : HTTP_FORMAT_HTML;
		return NULL;
	}
	/* The first route that matches the path decides; the routes right
	 * after it with the same path take the other methods. */
	const http_route *first = &routes[i];
	*format = first->format;
	for (; i < count && same_path(&routes[i], first); i++) {
		if (routes[i].methods & method) {
			*rest = first->match == HTTP_MATCH_EXACT ? "" : path + strlen(first->path);
			*format = routes[i].format;
			return &routes[i];
		}
		*allowed |= routes[i].methods;
	}
	return NULL;
}

void http_methods_str(unsigned bits, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if (!(bits & methods[i].bit))
			continue;
		int w = snprintf(out + n, size - n, "%s%s", n ? ", " : "", methods[i].name);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}
