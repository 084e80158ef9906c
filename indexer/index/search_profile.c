/* search_profile: where a search's time goes (search.h), as a
 * Server-Timing header value (W3C Server Timing: `name;dur=ms`), for the
 * server's X-Qarchive-Profile header and `qarchive search --profile`. */
#include "search.h"

#include <stdio.h>
#include <time.h>

double search_profile_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void search_profile_format(const search_profile *p, const char *render_name, double render,
                           char *buf, size_t len)
{
	/* moments holds positions and snippets, hits holds summaries and
	 * moments: each part is shown on its own, the rest as "place". */
	double place = p->moments - p->positions - p->snippets;
	double other = p->hits - p->summaries - p->moments;
	snprintf(buf, len,
	         "open;dur=%.3f, query;dur=%.3f, facets;dur=%.3f, summaries;dur=%.3f, "
	         "positions;dur=%.3f, snippets;dur=%.3f, place;dur=%.3f, hits_other;dur=%.3f, "
	         "not_found;dur=%.3f, search;dur=%.3f, %s;dur=%.3f",
	         p->open, p->query, p->facets, p->summaries, p->positions, p->snippets,
	         place > 0 ? place : 0, other > 0 ? other : 0, p->not_found, p->total,
	         render_name ? render_name : "render", render);
}
