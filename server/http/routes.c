#include "routes.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

const http_route *http_route_find(const http_site *site, const char *path, unsigned method,
                                  const char **rest, http_format *format, unsigned *allowed)
{
	const http_route *routes = site->routes;
	const size_t count = site->route_count;
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
