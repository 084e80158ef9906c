/* replica_gate: what a read replica refuses.
 *
 * A replica's index is a copy and its archive folder is the writer's,
 * read-only (docs/deploy.md), so anything that changes the archive must
 * reach the writer. It also refuses signing in and the staff forms that
 * lead to changes: sessions live in the memory of the server that made
 * them (sessions.h), so a session made on a replica would be useless on
 * the writer. The replica answers 403 with the writer's URL rather than
 * redirecting: behind nginx the writer's address is an internal one the
 * browser cannot reach, and a 307 would resend an upload's whole body to
 * it; nginx sends these requests to the writer in the first place
 * (deploy/nginx.conf), so a client only meets the 403 when it bypasses it.
 */
#ifndef QA_HTTP_REPLICA_GATE_H
#define QA_HTTP_REPLICA_GATE_H

#include <stdbool.h>

/* Must a replica refuse method on path (a decoded request path)? Every
 * method but GET and HEAD, and GET or HEAD of the staff pages (/login,
 * /upload, /edit/..., /delete/...) and of resumable uploads
 * (/api/uploads/...). */
bool http_replica_refuses(const char *method, const char *path);

#endif
