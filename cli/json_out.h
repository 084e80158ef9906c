/* json_out: print a JSON value the way every qarchive command does. */
#ifndef QA_JSON_OUT_H
#define QA_JSON_OUT_H

#include <jansson.h>
#include <stdio.h>

/* Print value (stealing the reference; NULL means the caller ran out of
 * memory building it) followed by a newline. Returns 0, or -1 when value
 * was NULL or the write failed. */
int json_out_print(json_t *value, FILE *out);

#endif
