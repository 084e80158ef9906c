#include "replica_gate.h"

#include <string.h>

/* The staff side of the route table (server/site/site.c): exact paths end
 * without '/', prefixes with it. */
static const char *const writer_paths[] = {"/login", "/logout",  "/upload",
                                           "/edit/", "/delete/", "/api/uploads"};

static bool under(const char *path, const char *p)
{
	size_t n = strlen(p);
	if (strncmp(path, p, n) != 0)
		return false;
	/* "/upload" is the page, "/uploads" something else: an exact path
	 * matches itself or itself followed by '/'. */
	return p[n - 1] == '/' || path[n] == '\0' || path[n] == '/';
}

bool http_replica_refuses(const char *method, const char *path)
{
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return true;
	for (size_t i = 0; i < sizeof writer_paths / sizeof writer_paths[0]; i++)
		if (under(path, writer_paths[i]))
			return true;
	return false;
}
