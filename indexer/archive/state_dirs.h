/* state_dirs: the folders of <archive>/.qarchive/ that the upload path
 * and the web server share (names agreed with the HTTP side):
 *
 *     .qarchive/index          the Xapian index (index_update.h)
 *     .qarchive/uploads/tmp/   multipart temp files and ingest's staging
 *                              folders: stale after a restart, emptied by
 *                              ingest_recover (except entries a live
 *                              process holds a flock(2) on)
 *     .qarchive/uploads/tus/   resumable (tus) uploads, <id>.info and
 *                              <id>.data: kept across restarts (they are
 *                              resumable); the HTTP side expires them
 *     .qarchive/trash/         deleted recordings on their way out:
 *                              emptied by ingest_recover
 *
 * Everything under uploads/ and trash/ is on the archive's file system, so
 * a file staged there reaches the archive by rename(2), never a copy.
 */
#ifndef QA_STATE_DIRS_H
#define QA_STATE_DIRS_H

#include "archive.h"

/* Paths relative to <archive>/ARCHIVE_STATE_NAME (".qarchive"). */
#define STATE_UPLOADS_DIR     "uploads"
#define STATE_UPLOADS_TMP_DIR "uploads/tmp"
#define STATE_UPLOADS_TUS_DIR "uploads/tus"
#define STATE_TRASH_DIR       "trash"

/* Mode of the folders made here: uploads are private until published. */
#define STATE_DIRS_MODE 0700

/* Make <archive>/.qarchive (as archive_state_dir does) and in it uploads/,
 * uploads/tmp/, uploads/tus/ and trash/ with mode STATE_DIRS_MODE (less
 * the umask); folders already there are left as they are. archive_dir
 * itself must exist: it is never created here.
 *
 * Returns ARCHIVE_OK; ARCHIVE_NOT_FOUND ("<dir>: no such archive
 * directory" or "<dir>: not a directory"), ARCHIVE_IO ("<path>: <why>")
 * with a one-line message in err (truncated to errlen; err may be NULL
 * when errlen is 0); or ARCHIVE_NOMEM. */
archive_status state_dirs_create(const char *archive_dir, char *err, size_t errlen);

/* "<archive_dir>/.qarchive/<name>", name being one of the STATE_*_DIR
 * above (or any relative path). Caller frees; NULL when out of memory. */
char *state_dirs_path(const char *archive_dir, const char *name);

#endif
