/* agenda_merge: the agenda a recording shows, from its agenda.md and the
 * chapters embedded in the media.
 *
 * Policy:
 * - agenda.md wins when it has at least one timed item: those are the
 *   author's words, and chapters (often written by an encoder or left over
 *   from an edit) are ignored;
 * - when agenda.md has no timed items (or there is none: pass an empty
 *   agenda), each chapter becomes an item: start = the chapter's start,
 *   title = its title ("Chapter N" when empty, N 1-based), depth 0, line 0
 *   (it comes from no line of agenda.md). Chapters with a negative or
 *   non-finite start are skipped;
 * - notes from agenda.md are always kept, in their order, before any
 *   chapter items (they usually introduce the talk).
 * The chapter end is not used: an item runs until the next one starts.
 */
#ifndef QA_AGENDA_MERGE_H
#define QA_AGENDA_MERGE_H

#include <stddef.h>

#include "agenda.h"
#include "media_probe.h"

/* Build the merged agenda into *out (AGENDA_INIT or freed; caller frees
 * with agenda_free). `md` is borrowed and may be NULL (no agenda.md);
 * `chapters` is borrowed, `count` of them (may be 0). Pure: no I/O, no
 * global state. Returns AGENDA_OK, or AGENDA_NOMEM with *out left empty. */
agenda_status agenda_merge(const agenda *md, const media_chapter *chapters, size_t count,
                           agenda *out);

#endif
