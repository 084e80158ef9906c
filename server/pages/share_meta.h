/* share_meta: what a watch page tells sites that show a link to it (Open
 * Graph, https://ogp.me; Twitter cards) and oEmbed discovery
 * (https://oembed.com §4): the title, the moment's words when the link has
 * ?t=, the poster when there is one, the embeddable player.
 */
#ifndef QA_PAGES_SHARE_META_H
#define QA_PAGES_SHARE_META_H

#include <stdbool.h>

#include "strbuf.h"

typedef struct http_share {
	const char *origin; /* "http://host:port" (http_request_origin) */
	const char *id;     /* the recording */
	const char *title;  /* its title (plain text) */
	const char *text;   /* the words at t, else its description, or NULL */
	bool has_t;         /* the page was opened at ?t= */
	double t;
	bool video;  /* the media is a video: og:video is the embed page */
	bool poster; /* /pictures/<id>/poster.jpg exists */
} http_share;

/* Append the <meta> and <link> tags for <head>, every value escaped.
 * Returns false when out of memory. */
bool http_share_meta(strbuf *sb, const http_share *s);

#endif
