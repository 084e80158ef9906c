/* picture_tag: a recording's picture in a list of recordings or results
 * (home, search): an <img> sized before it loads (width and height, so
 * nothing moves when it arrives) and loaded lazily, so a picture never
 * delays the text. Decorative (alt=""): the title beside it says what it is. */
#ifndef QA_PAGES_PICTURE_TAG_H
#define QA_PAGES_PICTURE_TAG_H

#include <stdbool.h>

#include "strbuf.h"

/* Append the <img class="pic"> of recording id: for a video with t >= 0
 * the frame at t (/pictures/<id>/at/<t>.jpg), else its poster (a frame, or
 * a sound's waveform); display_width CSS pixels wide, the height from the
 * picture's aspect. Nothing when its pictures are not made (yet). false
 * only when out of memory. */
bool http_html_picture(strbuf *sb, const char *archive_dir, const char *id, double t,
                       int display_width);

#endif
