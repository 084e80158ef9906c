/* fs_ops: replacing and copying files (in a folder made under $TMPDIR).
 * The other fs_ops functions are exercised through ingest's tests. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_io.h"
#include "fs_ops.h"
#include "harness.h"
#include "test_fs.h"

static char *dir;

/* The content of <dir>/<name>, or NULL; caller frees. */
static char *content(const char *name)
{
	char *path = tfs_path_join(dir, name), *data = NULL;
	size_t len;
	if (file_read_all(path, &data, &len) != 0)
		data = NULL;
	free(path);
	return data;
}

/* How many entries of dir start with FS_TMP_PREFIX. */
static int temp_files(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, FS_TMP_PREFIX, strlen(FS_TMP_PREFIX)) == 0;
	if (d)
		closedir(d);
	return n;
}

static int open_dir(void)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void test_creates_then_replaces(void)
{
	int dfd = open_dir();
	CHECK(fs_replace_file_at(dfd, "a.json", "first\n", 6, 0644, false) == 0);
	char *got = content("a.json");
	CHECK_STR(got, "first\n");
	free(got);
	CHECK(fs_replace_file_at(dfd, "a.json", "second", 6, 0644, false) == 0);
	got = content("a.json");
	CHECK_STR(got, "second");
	free(got);
	CHECK(fs_replace_file_at(dfd, "a.json", "", 0, 0644, false) == 0);
	got = content("a.json");
	CHECK_STR(got, "");
	free(got);
	CHECK(temp_files() == 0);
	close(dfd);
}

/* The mode is open(2)'s: the umask applies, the old file's mode does not
 * carry over. */
static void test_mode(void)
{
	int dfd = open_dir();
	mode_t old = umask(022);
	struct stat st;
	CHECK(fs_replace_file_at(dfd, "m", "x", 1, 0666, false) == 0);
	CHECK(fstatat(dfd, "m", &st, 0) == 0 && (st.st_mode & 07777) == 0644);
	CHECK(fs_replace_file_at(dfd, "m", "x", 1, 0600, false) == 0);
	CHECK(fstatat(dfd, "m", &st, 0) == 0 && (st.st_mode & 07777) == 0600);
	umask(old);
	close(dfd);
}

/* A path with AT_FDCWD: the temp file goes beside the target, not into
 * the current folder; fs_sync_parent finds the same folder. */
static void test_path_with_at_fdcwd(void)
{
	char *path = tfs_path_join(dir, "by-path");
	CHECK(fs_replace_file_at(AT_FDCWD, path, "p", 1, 0600, false) == 0);
	char *got = content("by-path");
	CHECK_STR(got, "p");
	free(got);
	CHECK(temp_files() == 0);
	CHECK(fs_sync_parent(AT_FDCWD, path) == 0);
	CHECK(fs_sync_parent(AT_FDCWD, "/etc") == 0);
	CHECK(fs_sync_parent(AT_FDCWD, "/no/such/folder/x") == ENOENT);
	int dfd = open_dir();
	CHECK(fs_sync_parent(dfd, "by-path") == 0);
	close(dfd);
	free(path);
}

/* true creates once; the second writer gets EEXIST and the first
 * one's content stays. */
static void test_noreplace(void)
{
	int dfd = open_dir();
	CHECK(fs_replace_file_at(dfd, "stub", "one", 3, 0644, true) == 0);
	CHECK(fs_replace_file_at(dfd, "stub", "two", 3, 0644, true) == EEXIST);
	char *got = content("stub");
	CHECK_STR(got, "one");
	free(got);
	struct stat st;
	CHECK(fstatat(dfd, "stub", &st, 0) == 0 && st.st_nlink == 1);
	CHECK(temp_files() == 0);
	close(dfd);
}

/* A write that fails half-way (the file-size limit stands in for a full
 * disk) leaves the old file as it was and no temp file. */
static void test_failed_write_keeps_the_old_file(void)
{
	int dfd = open_dir();
	CHECK(fs_replace_file_at(dfd, "keep", "old content", 11, 0644, false) == 0);
	struct rlimit saved, small = {4096, 4096};
	CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0);
	small.rlim_max = saved.rlim_max;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	static char big[8192];
	memset(big, 'n', sizeof big);
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
	int err = fs_replace_file_at(dfd, "keep", big, sizeof big, 0644, false);
	setrlimit(RLIMIT_FSIZE, &saved);
	signal(SIGXFSZ, was);
	CHECK(err == EFBIG);
	char *got = content("keep");
	CHECK_STR(got, "old content");
	free(got);
	CHECK(temp_files() == 0);
	close(dfd);
}

/* A target that cannot be replaced (a folder) fails at the rename: the
 * folder is untouched, no temp file stays. */
static void test_failed_rename(void)
{
	free(tfs_make_subdir(dir, "folder"));
	int dfd = open_dir();
	int err = fs_replace_file_at(dfd, "folder", "x", 1, 0644, false);
	CHECK(err == EISDIR);
	struct stat st;
	CHECK(fstatat(dfd, "folder", &st, 0) == 0 && S_ISDIR(st.st_mode));
	CHECK(temp_files() == 0);
	CHECK(fs_replace_file_at(dfd, "no-such/x", "x", 1, 0644, false) == ENOENT);
	close(dfd);
}

/* A temp file left by a crash is unlocked: a sweep removes it. */
static void test_sweep_finds_leftovers(void)
{
	tfs_write_file(dir, FS_TMP_PREFIX "0123456789ab", "half");
	int dfd = open_dir();
	size_t removed = 0;
	CHECK(fs_remove_unlocked_entries(dfd, FS_TMP_PREFIX, &removed) == 0);
	CHECK(removed == 1 && temp_files() == 0);
	close(dfd);
}

/* A copy of more than one COPY_CHUNK (1 MiB), byte for byte; the target
 * must be new. */
static void test_copy(void)
{
	size_t n = (2u << 20) + 5;
	char *want = malloc(n);
	CHECK(want != NULL);
	if (!want)
		return;
	for (size_t i = 0; i < n; i++)
		want[i] = (char)(i * 13 % 251);
	int dfd = open_dir();
	CHECK(fs_replace_file_at(dfd, "src", want, n, 0644, false) == 0);
	char *src = tfs_path_join(dir, "src");
	CHECK(fs_copy_file_at(src, dfd, "dst", 0600) == 0);
	char *got = content("dst");
	CHECK(got && memcmp(got, want, n) == 0);
	free(got);
	CHECK(fs_copy_file_at(src, dfd, "dst", 0600) == EEXIST);
	CHECK(fs_copy_file_at(dir, dfd, "dst2", 0600) == EISDIR);
	free(src);
	free(want);
	close(dfd);
}

int main(void)
{
	dir = tfs_make_tmpdir("qa-fs-ops");
	RUN(test_creates_then_replaces);
	RUN(test_mode);
	RUN(test_path_with_at_fdcwd);
	RUN(test_noreplace);
	RUN(test_failed_write_keeps_the_old_file);
	RUN(test_failed_rename);
	RUN(test_sweep_finds_leftovers);
	RUN(test_copy);
	tfs_rm_rf(dir);
	free(dir);
	return harness_finish();
}
