/* errmsg: one-line messages into a caller's buffer, the "char *err,
 * size_t errlen" pair that the archive, state-folder and account modules
 * take beside their status.
 */
#ifndef QA_ERRMSG_H
#define QA_ERRMSG_H

#include <stddef.h>

/* printf fmt into err, truncated to errlen. A no-op when err is NULL or
 * errlen is 0 (the caller did not ask for a message). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void errmsg_set(char *err, size_t errlen, const char *fmt, ...);

/* Room for any of errno's messages (glibc's longest is under 60 bytes). */
#define ERRMSG_WHY_SIZE 128

/* errnum's message ("No such file or directory") into buf (len bytes, cut
 * to fit; "error N" for a number libc does not know) and returns buf.
 * Thread-safe, unlike strerror(): the server and the indexer report I/O
 * errors from several threads. The one wrapper of strerror_r in the tree:
 * its XSI and GNU forms differ (int vs char *), and which one a file gets
 * depends on its feature macros. */
const char *errmsg_strerror(int errnum, char *buf, size_t len);

/* "<path>: <errnum's message>" into err, as errmsg_set (thread-safe, as
 * errmsg_strerror). */
void errmsg_set_errno(char *err, size_t errlen, const char *path, int errnum);

#endif
