#include "path.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

char *path_join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	bool slash = d > 0 && dir[d - 1] != '/';
	char *p = malloc(d + slash + n + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, d);
	if (slash)
		p[d] = '/';
	memcpy(p + d + slash, name, n + 1);
	return p;
}
