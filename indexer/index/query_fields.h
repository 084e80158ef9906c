/* query_fields: a query's field names as people type them. "Speaker:maya",
 * "RELEASE:2.9" and "Year:2025" are the filters speaker:, release: and
 * year:; Xapian's query parser knows a prefix only in the case it was
 * given (lower case here), and would read "Speaker:maya" as two words. */
#ifndef QA_QUERY_FIELDS_H
#define QA_QUERY_FIELDS_H

#include <stddef.h>

/* A copy of query (malloc'd; NULL when out of memory) in which every
 * field name of names[0..n) (lower case) that starts a word outside
 * double quotes and is followed by ':' is written in lower case; the rest
 * is byte for byte the same. */
char *query_fields_lowercase(const char *query, const char *const *names, size_t n);

#endif
