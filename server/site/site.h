/* site: qarchive's web site as the HTTP layer serves it: which handler
 * (api/, pages/) answers which URL, and the page an HTML error is shown on.
 * It is the one place that knows both the HTTP machinery (http/) and every
 * endpoint, so that neither has to know the other.
 */
#ifndef QA_SITE_H
#define QA_SITE_H

#include "routes.h"

/* Every route of qarchive serve, and its error page. */
extern const http_site qa_site;

#endif
