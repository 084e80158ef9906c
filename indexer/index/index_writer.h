/* index_writer: what a whole index run (index_update) and a one-recording
 * update (index_update_recording) share: opening the index in use for
 * writing, bringing one recording's documents up to date, and reporting a
 * failure of the index itself. The API is index_update.h; this header is
 * for indexer/index/ only.
 */
#ifndef QA_INDEX_WRITER_H
#define QA_INDEX_WRITER_H

#include <stddef.h>

#include "index_build.h"
#include "index_update.h"
#include "xindex.h"

/* Seconds on a monotonic clock: for durations and deadlines. */
double index_writer_now(void);

/* Open the database at path (a stub or a database directory) for writing,
 * taking Xapian's single-writer lock. On INDEX_UPDATE_OK *db is the handle
 * (the caller commits what it wants kept, then closes it with qx_db_close);
 * otherwise *db is NULL and err holds a message naming path:
 * INDEX_UPDATE_BUSY when another writer holds the lock,
 * INDEX_UPDATE_DAMAGED when the database is too damaged to open (as
 * index_writer_damaged), INDEX_UPDATE_FAILED when it cannot be opened for
 * another reason. */
index_update_status index_writer_open(const char *path, qx_db **db, char *err, size_t errlen);

/* index_writer_open for the index in use. Xapian reads the stub and then
 * takes the lock of the generation it names; a full build may publish a
 * new generation in between and then remove the old one, with this writer
 * in it. So the stub is read before and after the open: publishing always
 * names a new generation, so if both reads agree, the generation locked is
 * the one in use, and it stays so while the lock is held (a full build
 * publishes only while holding the lock of the generation in use). Returns
 * as index_writer_open, and INDEX_UPDATE_BUSY when the stub kept changing
 * (three tries). */
index_update_status index_writer_open_current(const char *path, qx_db **db, char *err,
                                              size_t errlen);

/* A call on db (opened on path) returned qs, not QX_OK: put
 * "<path>: <why>" in err and return INDEX_UPDATE_DAMAGED for QX_CORRUPT
 * (err as index_writer_damaged), INDEX_UPDATE_NOMEM for QX_NOMEM, else
 * INDEX_UPDATE_FAILED. */
index_update_status index_writer_failed(qx_db *db, qx_status qs, const char *path, char *err,
                                        size_t errlen);

/* index_build's status as index_update's: BAD_INPUT is the recording's
 * fault (SOME_FAILED), the others the index's. */
index_update_status index_writer_from_build(index_build_status bs);

/* A step on path's index failed with st (not OK or SOME_FAILED) and
 * `message`: copy it to err, or for INDEX_UPDATE_DAMAGED write err as
 * index_writer_damaged does. Returns st. */
index_update_status index_writer_report(index_update_status st, const char *path,
                                        const char *message, char *err, size_t errlen);

/* What index_writer_refresh did with a recording. */
typedef enum index_writer_outcome {
	INDEX_WRITER_INDEXED,   /* (re)indexed */
	INDEX_WRITER_UNCHANGED, /* its fingerprint matched: skipped */
} index_writer_outcome;

/* Bring recording `name` of archive_dir up to date in db (a writer in a
 * transaction or a new generation): load it, fingerprint it, and unless
 * its fingerprint equals `known` (NULL: always), rebuild its documents.
 * counts (may be NULL) is incremented; `spelling` as index_build_recording. Returns INDEX_UPDATE_OK
 * with *outcome set; INDEX_UPDATE_SOME_FAILED when the recording is bad (message names the file and
 * line; its documents are left as they were); INDEX_UPDATE_FAILED, INDEX_UPDATE_DAMAGED or
 * INDEX_UPDATE_NOMEM when the index itself failed (message says why; the run must not be
 * committed). */
index_update_status index_writer_refresh(qx_db *db, const char *archive_dir, const char *name,
                                         const char *known, word_count *spelling,
                                         index_writer_outcome *outcome, index_build_counts *counts,
                                         char *message, size_t msglen);

/* A test hook: hold the writer's lock for $QARCHIVE_INDEX_PAUSE seconds,
 * so tests can run a second writer, a search, or a kill -9 against a run
 * in progress. Does nothing when the variable is unset. */
void index_writer_pause(void);

#endif
