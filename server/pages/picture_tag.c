#include "picture_tag.h"

#include <stdio.h>

#include "escape.h"
#include "pictures_store.h"

bool http_html_picture(strbuf *sb, const char *archive_dir, const char *id, double t,
                       int display_width)
{
	pictures_info info;
	if (pictures_info_read(archive_dir, id, &info) != PICTURES_OK)
		return false;
	if (!info.published || info.poster_width <= 0 || info.poster_height <= 0)
		return true;
	bool moment = info.video && t >= 0 && (info.duration <= 0 || t < info.duration);
	int w = moment ? info.thumb_width : info.poster_width;
	int h = moment ? info.thumb_height : info.poster_height;
	if (w <= 0 || h <= 0)
		return true;
	char size[64], at[40];
	snprintf(size, sizeof size, "\" width=\"%d\" height=\"%d\"", display_width,
	         (int)((double)display_width * h / w + 0.5));
	/* The moment to the millisecond: what pictures_at keeps. */
	snprintf(at, sizeof at, "/at/%.3f.jpg", moment ? t : 0);
	return sb_append_str(sb, "<img class=\"pic\" src=\"/pictures/") &&
	       http_escape_url(sb, id) && sb_append_str(sb, moment ? at : "/poster.jpg") &&
	       sb_append_str(sb, size) && sb_append_str(sb, " alt=\"\" loading=\"lazy\">");
}
