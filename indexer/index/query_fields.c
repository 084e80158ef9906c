#include "query_fields.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Where a field name may start: the query's start, or after a space, a
 * bracket or a sign ("-speaker:x", "(release:2.9 OR ...)"). */
static bool word_start(const char *query, const char *p)
{
	return p == query || strchr(" \t\n(+-", p[-1]) != NULL;
}

/* The known name (length len, then ':') that p starts with, ignoring
 * case, or 0. */
static size_t field_at(const char *p, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		if (strncasecmp(p, names[i], len) == 0 && p[len] == ':')
			return len;
	}
	return 0;
}

char *query_fields_lowercase(const char *query, const char *const *names, size_t n)
{
	char *copy = strdup(query);
	if (!copy)
		return NULL;
	bool quoted = false;
	for (char *p = copy; *p; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		size_t len = quoted || !word_start(copy, p) ? 0 : field_at(p, names, n);
		for (size_t k = 0; k < len; k++)
			if (p[k] >= 'A' && p[k] <= 'Z')
				p[k] = (char)(p[k] - 'A' + 'a');
		if (len)
			p += len; /* the ':' next; the loop steps past it */
	}
	return copy;
}
