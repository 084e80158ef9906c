/* index_update: make the index match the archive.
 *
 * New and changed recordings are (re)indexed, removed ones deleted,
 * unchanged ones skipped by their stored fingerprint. All changes of a run
 * are one Xapian transaction: an interrupted run leaves the previous index
 * intact and usable. A recording that fails (bad JSON, a transcript error)
 * is reported and skipped — its previous documents, if any, stay — and the
 * rest is indexed.
 *
 * The index lives in <archive>/.qarchive/index; the archive's synonyms.txt
 * (if any) is validated and stored in the index so searches need nothing
 * else.
 */
#ifndef QA_INDEX_UPDATE_H
#define QA_INDEX_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#define INDEX_DIR_NAME      "index"        /* under <archive>/.qarchive/ */
#define INDEX_SYNONYMS_FILE "synonyms.txt" /* in the archive directory */
#define INDEX_META_SYNONYMS "synonyms"     /* the synonyms file's text */

typedef enum index_update_status {
	INDEX_UPDATE_OK = 0,
	INDEX_UPDATE_SOME_FAILED, /* committed, but some recordings were skipped */
	INDEX_UPDATE_BUSY,        /* another process is writing the index */
	INDEX_UPDATE_FAILED,      /* nothing committed: err says why */
	INDEX_UPDATE_DAMAGED,     /* the index is damaged: nothing committed; err says so,
	                           * with INDEX_DAMAGED_MESSAGE's advice */
	INDEX_UPDATE_NOMEM,
} index_update_status;

/* What the CLI and the server say about a damaged index (Xapian reports a
 * DatabaseCorruptError: QX_CORRUPT), so that both give the same advice. */
#define INDEX_DAMAGED_MESSAGE "the index is damaged: run `qarchive index --force` to rebuild it"

/* INDEX_DAMAGED_MESSAGE, then Xapian's detail in parentheses, into
 * out[0..size): detail is a message that came with QX_CORRUPT (may be
 * NULL), of which only what follows xindex's own "the index is damaged: "
 * is kept. */
void index_damaged_message(const char *detail, char *out, size_t size);

typedef struct index_report {
	size_t total;     /* recordings in the archive */
	size_t done;      /* looked at so far */
	size_t indexed;   /* new or changed, indexed */
	size_t unchanged; /* skipped: same fingerprint */
	size_t removed;   /* gone from the archive, deleted from the index */
	size_t failed;    /* reported and skipped */
	size_t cues;      /* cues indexed in this run */
	size_t words;
	double seconds; /* wall-clock time so far */
} index_report;

typedef struct index_callbacks {
	/* After each recording (may be NULL). */
	void (*progress)(const index_report *report, void *ctx);
	/* For each problem: a one-line message naming the file (and line). */
	void (*problem)(const char *message, void *ctx);
	void *ctx;
} index_callbacks;

const char *index_update_status_str(index_update_status status);

/* Path of the index of an archive: caller frees. NULL when out of memory. */
char *index_path(const char *archive_dir);

/* Bring the index of archive_dir up to date (force: reindex everything).
 * *report is filled in. Returns as above; for INDEX_UPDATE_BUSY,
 * INDEX_UPDATE_FAILED and INDEX_UPDATE_DAMAGED, err holds a one-line
 * message.
 *
 * force builds a new index from the archive alone, so it also rebuilds a
 * damaged one (cb->problem is told; *report counts nothing as removed, as
 * what the damaged index held is not read). When the damaged index cannot
 * even be opened, its writer's lock cannot be taken either; no other
 * writer can open it, so the rebuild goes ahead without it. An index of
 * the old layout (a database directory, not a stub: index_generation.h)
 * is updated in place, so a damaged one is not rebuilt: err says to
 * remove it. */
index_update_status index_update(const char *archive_dir, bool force, const index_callbacks *cb,
                                 index_report *report, char *err, size_t errlen);

/* How long index_update_recording waits for a busy index by default, in
 * milliseconds: a one-recording commit takes milliseconds, so only a whole
 * `qarchive index` run (or a rebuild) holds the lock longer than this. */
#define INDEX_UPDATE_WAIT_MS 10000

/* Bring one recording's documents up to date, after an upload, an edit or
 * a delete: in one transaction, delete recording `id`'s documents and, if
 * <archive_dir>/<id>/recording.json exists, index the folder again (always:
 * its fingerprint is not compared) and store its new fingerprint, so the
 * next index_update sees it as unchanged. If there is no such folder (or it
 * has no recording.json, which archive_list would not count as a
 * recording), the recording is only deleted from the index and *removed
 * (may be NULL) is set. The per-recording work is index_update's own.
 *
 * Writers take turns through Xapian's lock, which this shares with
 * index_update: while another writer holds it (INDEX_UPDATE_BUSY), this
 * retries with a backoff from 50 ms to 1 s for up to wait_ms milliseconds
 * (0: one try). A full rebuild running meanwhile is never written into:
 * the generation opened is checked to be the one in use (see
 * index_generation.h), and index_update lists the archive only once it
 * holds the lock, so a recording indexed here before it started is not
 * taken for removed.
 *
 * When the archive has no index yet, or one of another schema, this runs
 * index_update (a whole build, which indexes every recording) and then
 * the one-recording pass.
 *
 * Returns INDEX_UPDATE_OK (committed); INDEX_UPDATE_SOME_FAILED (the
 * recording's files are invalid: nothing was changed, its previous
 * documents stay; err names the file and line); INDEX_UPDATE_BUSY (still
 * busy after wait_ms: nothing changed; the next index_update catches up);
 * INDEX_UPDATE_FAILED (id is not a valid recording id, or the index
 * failed: nothing committed); INDEX_UPDATE_DAMAGED (the index is
 * damaged: nothing committed, and nothing rebuilt, which is for `qarchive
 * index --force` to do); INDEX_UPDATE_NOMEM. Except for INDEX_UPDATE_OK,
 * err holds a one-line message. */
index_update_status index_update_recording(const char *archive_dir, const char *id,
                                           unsigned wait_ms, bool *removed, char *err,
                                           size_t errlen);

#endif
