/* index_shards: an archive split into shards, for `qarchive serve --shard`
 * (docs/deploy.md, "Shards").
 *
 * A shard is an archive of its own under shards_dir: shards_dir/<key>/
 * holds a symlink to each recording folder of the archive whose key (its
 * series, the recording's kind, or its year) is <key>, and to the
 * archive's synonyms.txt, and its index is built there as any archive's
 * is (index_update: shards_dir/<key>/.qarchive/index). Each index is then
 * a shard to copy, serve with xapian-tcpsrv, or search in place. Running
 * it again brings every shard up to date: a recording that changed key
 * moves (its link goes, the old shard's index drops it), one removed from
 * the archive goes.
 */
#ifndef QA_INDEX_SHARDS_H
#define QA_INDEX_SHARDS_H

#include <stdbool.h>
#include <stddef.h>

#include "index_update.h"

typedef enum index_shard_by {
	INDEX_SHARD_BY_SERIES, /* the recording's kind: release-qa, tac-meeting, ... */
	INDEX_SHARD_BY_YEAR,   /* the year of its date */
} index_shard_by;

/* "series" or "year" into *by; false for anything else. */
bool index_shard_by_parse(const char *name, index_shard_by *by);

/* Split archive_dir's recordings by `by` into shards under shards_dir
 * (created when missing) and bring each shard's index up to date (force:
 * rebuild each). *report adds up the shards' runs; cb is told of each
 * shard's progress and problems. *shard_count (may be NULL) is the number
 * of shards. A recording whose recording.json does not load is reported
 * (cb->problem) and left out. Returns as index_update does: the worst of
 * the shards' statuses; err holds a one-line message for a failure. */
index_update_status index_shards_build(const char *archive_dir, index_shard_by by,
                                       const char *shards_dir, bool force,
                                       const index_callbacks *cb, index_report *report,
                                       size_t *shard_count, char *err, size_t errlen);

#endif
