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

/* "<path>: <errnum's message>" into err, as errmsg_set. Thread-safe (XSI
 * strerror_r, not strerror): the server checks accounts on several
 * threads. */
void errmsg_set_errno(char *err, size_t errlen, const char *path, int errnum);

#endif
