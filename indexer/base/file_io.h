/* file_io: whole-file reads for the CLI, the indexer and the server (the
 * parsers themselves never touch files), and the one read(2) loop of the
 * tree (file_read_upto). Callers that need more than a path (a size limit,
 * the fstat of the very file read) open the file themselves and use
 * file_read_fd.
 * Every function returns 0 or an errno value, never prints, and keeps no
 * state: any thread may call them. */
#ifndef QA_FILE_IO_H
#define QA_FILE_IO_H

#include <stddef.h>

/* Read the whole file at path (a regular file, or anything read() can
 * read to an end, such as a pipe; a directory is EISDIR). On success
 * returns 0 and sets *data (caller frees with free(); NUL-terminated for
 * convenience, *len excludes it) and *len. On failure returns an errno
 * value (ENOENT, EACCES, EISDIR, ENOMEM, ...) with *data NULL and *len 0. */
int file_read_all(const char *path, char **data, size_t *len);

/* Read from fd's current position to its end, as file_read_all. max > 0
 * bounds the bytes: a file holding more is EFBIG (what is past the limit
 * is never allocated for); 0 means no bound. fd is not closed. Returns 0,
 * EFBIG, ENOMEM or read(2)'s errno, with *data NULL on failure. */
int file_read_fd(int fd, size_t max, char **data, size_t *len);

/* Read from fd into buf until cap bytes are in or the file ends (read(2)
 * may return less than asked: this asks again, and again after EINTR).
 * *len: the bytes read, also on failure. Returns 0 (*len < cap only at
 * the end of the file) or read(2)'s errno. */
int file_read_upto(int fd, void *buf, size_t cap, size_t *len);

/* Read at most cap bytes from the start of the file at path into buf, for
 * sniffing a file's kind without reading a multi-gigabyte recording whole.
 * Returns 0 and sets *len, or an errno value. */
int file_read_head(const char *path, char *buf, size_t cap, size_t *len);

#endif
