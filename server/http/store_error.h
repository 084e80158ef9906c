/* store_error: the HTTP status for a failure to store what a client sent
 * (an upload's bytes, a tus upload's files), from the errno behind it.
 *
 * A full disk is not the client's fault and not a bug of ours either: it
 * is 507 Insufficient Storage (RFC 4918 §11.5), which tells a client that
 * the same request may work later. A read-only archive is 503 (the
 * service is unavailable for writing; reads go on). Anything else is 500.
 * The answer names the reason, never a path: paths are for the server's
 * log. */
#ifndef QA_HTTP_STORE_ERROR_H
#define QA_HTTP_STORE_ERROR_H

/* 507 for ENOSPC and EDQUOT, 503 for EROFS, else 500. */
unsigned http_store_error_status(int errnum);

#endif
