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
	INDEX_UPDATE_NOMEM,
} index_update_status;

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
 * *report is filled in. Returns as above; for INDEX_UPDATE_BUSY and
 * INDEX_UPDATE_FAILED, err holds a one-line message. */
index_update_status index_update(const char *archive_dir, bool force, const index_callbacks *cb,
                                 index_report *report, char *err, size_t errlen);

#endif
