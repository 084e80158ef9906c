/* tus_store_internal: what the files of the tus store share; the API is
 * tus_store.h. Not for use outside server/tus/.
 *
 *   tus_store.c      the store: its folder, errors, ids; creating and
 *                    removing an upload
 *   tus_info_file.c  an upload's <id>.info, read and replaced whole
 *   tus_data_file.c  an upload's <id>.data: its lock, its offset, appends
 *   tus_expire.c     removing what was left behind
 *
 * The functions that fail set the store's message (tus_store_errmsg) and
 * return the status.
 */
#ifndef QA_TUS_STORE_INTERNAL_H
#define QA_TUS_STORE_INTERNAL_H

#include <sys/stat.h>

#include "tus_store.h"

struct tus_store {
	char *dir; /* owned */
	int dir_fd;
	char errmsg[512];
	int errnum; /* the errno behind the last TUS_IO, 0 if none */
};

/* printf fmt into s's message; returns status. */
tus_status tus_store_fail(tus_store *s, tus_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* "<what> <path>: <errnum's message>" into s's message; TUS_NOMEM for
 * ENOMEM (ours to report as such), else TUS_IO. */
tus_status tus_store_fail_errno(tus_store *s, int errnum, const char *what, const char *path);

/* "<dir>/<id><ext>"; caller frees; NULL when out of memory. */
char *tus_upload_path(const tus_store *s, const char *id, const char *ext);

/* fsync the store's folder, so the names created, renamed or removed in
 * it are durable (fsync(2): syncing a file does not sync its name).
 * TUS_OK or TUS_IO. */
tus_status tus_store_sync_dir(tus_store *s);

/* Read <id>.info into *info (free with tus_info_clear; TUS_INFO_INIT on
 * failure); its offset is left 0 for the caller to set. TUS_OK,
 * TUS_NOT_FOUND, TUS_IO (also a file that is not what we write) or
 * TUS_NOMEM. */
tus_status tus_info_file_read(tus_store *s, const char *id, tus_info *info);

/* Replace <id>.info by info, atomically and durably. TUS_OK, TUS_IO or
 * TUS_NOMEM. */
tus_status tus_info_file_write(tus_store *s, const char *id, const tus_info *info);

/* Open the data file at path with flags and take its flock (a second
 * open of the same file, in this process or another, is refused).
 * Returns TUS_OK with *fd and *st (the locked file's); TUS_NOT_FOUND when
 * there is no data file (or it was replaced or removed while we waited:
 * whoever held the lock ended the upload); TUS_LOCKED; TUS_IO. On failure
 * *fd is -1. */
tus_status tus_data_lock(tus_store *s, const char *path, int flags, int *fd, struct stat *st);

/* Remove <id>.info and <id>.data, holding the data file's lock when there
 * is one. TUS_OK, TUS_NOT_FOUND, TUS_LOCKED, TUS_IO or TUS_NOMEM. */
tus_status tus_upload_remove(tus_store *s, const char *id);

#endif
