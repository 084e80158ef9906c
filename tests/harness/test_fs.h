/* test_fs: file-system helpers for tests that build folders under
 * $TMPDIR. Every failure aborts the test program: a test cannot go on
 * without its fixture. */
#ifndef QA_TEST_FS_H
#define QA_TEST_FS_H

/* "<dir>/<name>"; caller frees. */
char *tfs_path_join(const char *dir, const char *name);

/* A new empty directory $TMPDIR/<prefix>-XXXXXX (or under /tmp); caller
 * frees the path (and removes the tree with tfs_rm_rf). */
char *tfs_make_tmpdir(const char *prefix);

/* Remove path and, for a directory, everything below it. */
void tfs_rm_rf(const char *path);

/* mkdir <dir>/<name>; returns its path (caller frees). */
char *tfs_make_subdir(const char *dir, const char *name);

/* Write content to <dir>/<name>, replacing it. */
void tfs_write_file(const char *dir, const char *name, const char *content);

#endif
