/* pages: the HTML pages, one function per route (site/site.c lists them),
 * each in its own file; each returns the HTTP status and fills *out
 * (request.h).
 */
#ifndef QA_PAGES_H
#define QA_PAGES_H

#include "request.h"

/* The pages (HTML that works without JavaScript; html.h is their frame). */
unsigned http_handle_home(http_request *req, http_reply *out);        /* page_home.c */
unsigned http_handle_search_page(http_request *req, http_reply *out); /* page_search.c */
unsigned http_handle_watch(http_request *req, http_reply *out);       /* page_watch.c */
unsigned http_handle_embed(http_request *req, http_reply *out);       /* page_embed.c */

/* Staff: sign in and out (page_login.c). POST /login and /logout take a
 * form body (form_ops_fields, form_body.h). */
unsigned http_handle_login_page(http_request *req, http_reply *out);
unsigned http_handle_login(http_request *req, http_reply *out);
unsigned http_handle_logout(http_request *req, http_reply *out);

/* Staff pages (#8): add a recording (page_upload.c), change one
 * (page_edit.c), delete one (page_delete.c). GET shows the form to
 * signed-in staff and sends anybody else to sign in; POST takes a form
 * body (http_staff_form_upload or form_ops_fields, staff_form.h) whose
 * first field is the session's CSRF token. */
unsigned http_handle_upload_page(http_request *req, http_reply *out);
unsigned http_handle_upload(http_request *req, http_reply *out);
unsigned http_handle_edit_page(http_request *req, http_reply *out);
unsigned http_handle_edit(http_request *req, http_reply *out);
unsigned http_handle_delete_page(http_request *req, http_reply *out);
unsigned http_handle_delete(http_request *req, http_reply *out);

#endif
