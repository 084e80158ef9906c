/* file_io: whole-file reads for the CLI and the indexer (the parsers
 * themselves never touch files). */
#ifndef QA_FILE_IO_H
#define QA_FILE_IO_H

#include <stddef.h>

/* Read the whole file at path. On success returns 0 and sets *data (caller
 * frees with free(); NUL-terminated for convenience, *len excludes it) and
 * *len. On failure returns an errno value and sets *data to NULL. */
int file_read_all(const char *path, char **data, size_t *len);

/* Read at most cap bytes from the start of the file at path into buf, for
 * sniffing a file's kind without reading a multi-gigabyte recording whole.
 * Returns 0 and sets *len, or an errno value. */
int file_read_head(const char *path, char *buf, size_t cap, size_t *len);

#endif
