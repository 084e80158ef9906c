/* recordings_list: the recordings an index holds, newest first. The one
 * query behind `qarchive list`, the home page, /api/recordings and the feed
 * of new recordings, so that they all list in the same order.
 *
 * The order: by date, newest first; recordings of the same date by title,
 * A to Z ignoring ASCII case, because the title is what a reader of any of
 * these listings sees and scans for (the id appears only in links; ids made
 * on upload follow the title, recording_id.h, but ids made by hand need
 * not); then by title byte by byte, then by id, so that the order is total
 * and no two listings can differ.
 */
#ifndef QA_RECORDINGS_LIST_H
#define QA_RECORDINGS_LIST_H

#include <jansson.h>

#include "xindex.h"

/* Every recording summary db (a reader) holds (INDEX_META_RECORDING: what
 * `qarchive list --json` prints), newest first as above. A summary that is
 * not a JSON object is left out. When a commit lands during the read
 * (QX_RETRY), db is reopened and the read done once more.
 *
 * The list is kept for db's revision and shared (search_cache.h): the
 * next call on the same revision reads nothing, and nobody may change
 * the list or its summaries.
 *
 * Returns QX_OK with *list a JSON array (caller releases with json_decref);
 * otherwise *list is NULL and the status is the read's (QX_RETRY again,
 * QX_CORRUPT for a damaged index, ...; the detail in qx_db_errmsg(db)), or
 * QX_NOMEM. */
qx_status recordings_list_newest(qx_db *db, json_t **list);

#endif
