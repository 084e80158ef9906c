/* fs_ops: file-system changes that survive a crash, and the few helpers
 * the upload path needs around them.
 *
 * A file is durable once its data is fsynced and the directory entry
 * naming it is fsynced too (rename and create change the directory, not
 * the file). The functions here do the file half; callers fsync the
 * directories they changed once, after the last change (fs_sync_dir).
 *
 * Linux: renameat2(RENAME_NOREPLACE) decides which of two racing creators
 * gets a name. Every function returns 0 or an errno value and never
 * prints; none keeps state, so any thread may call them.
 */
#ifndef QA_FS_OPS_H
#define QA_FS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* fsync the directory at path (dirfd < 0) or dirfd itself. */
int fs_sync_dir(int dirfd, const char *path);

/* fsync the folder that holds name (relative to dirfd, or AT_FDCWD):
 * "." for a plain name, what comes before the last '/' for a path. */
int fs_sync_parent(int dirfd, const char *name);

/* fsync the regular file name in dirfd (AT_FDCWD for a path). */
int fs_sync_file_at(int dirfd, const char *name);

/* Create name in dirfd (O_EXCL: EEXIST if it is there), write
 * data[0..len), fsync, close. On failure the partly written file is
 * removed. */
int fs_write_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

/* Temp files of fs_replace_file_at start with this: hidden ('.'), and
 * one name for every writer, so a sweep (fs_remove_unlocked_entries)
 * finds what a crash left behind. */
#define FS_TMP_PREFIX ".qarchive-tmp-"

/* Replace name in dirfd (or a path, with AT_FDCWD or relative to dirfd)
 * by data[0..len), atomically: a new temp file FS_TMP_PREFIX... in the
 * same folder (mode: as open(2)'s, so the umask applies; flocked while it
 * is written), fsynced, then renamed over name. A reader sees the old
 * file or the new one, never half of one, and a crash leaves one of the
 * two plus at most an unlocked temp file. noreplace: create name only if
 * it does not exist (link(2) instead of rename: EEXIST when it does, for
 * two writers racing to create it). On failure name is as it was and the
 * temp file is removed; returns 0, EEXIST (noreplace), ENOMEM or the
 * failing call's errno. The new name is durable once the caller fsyncs
 * the folder (fs_sync_dir, fs_sync_parent), as with every change here. */
int fs_replace_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                       bool noreplace);

/* Copy the regular file at src into a new file name in dirfd (O_EXCL),
 * fsynced. On failure the partial copy is removed. */
int fs_copy_file_at(const char *src, int dirfd, const char *name, mode_t mode);

/* Rename old (in olddirfd) to new (in newdirfd) unless new exists: then
 * EEXIST and nothing changes. Atomic (renameat2 RENAME_NOREPLACE). On a
 * file system without that flag, a directory is renamed by first making
 * new with mkdirat (which fails with EEXIST when taken) and then renaming
 * onto that empty directory, which rename(2) replaces atomically; between
 * the two an empty directory is visible at new. A file then gets EINVAL. */
int fs_rename_noreplace(int olddirfd, const char *old, int newdirfd, const char *new);

/* Remove name in dirfd and, for a directory, everything below it (symlinks
 * are removed, never followed). ENOENT counts as success. */
int fs_remove_tree_at(int dirfd, const char *name);

/* Take an exclusive, non-blocking flock(2) on fd: 0, or EWOULDBLOCK when
 * another open file description holds it. The lock goes when every
 * descriptor of that open file is closed, so also when its process is
 * killed: this is how a live upload's temp folder is told from a stale
 * one (see ingest_recover). */
int fs_lock(int fd);

/* Remove each entry of the directory dirfd that nobody holds a flock on
 * (the entry itself is opened and fs_lock tried: a directory or regular
 * file in use by a live process is left alone), and whose name starts
 * with prefix (NULL or "": every entry). *removed (may be NULL) is
 * incremented per entry removed. Returns the first error met (the other
 * entries are still tried). */
int fs_remove_unlocked_entries(int dirfd, const char *prefix, size_t *removed);

#endif
