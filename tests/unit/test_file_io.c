/* file_io: the one whole-file read of the tree (in a folder made under
 * $TMPDIR). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_io.h"
#include "harness.h"
#include "test_fs.h"

static char *dir;

static void test_missing_file(void)
{
	char *path = tfs_path_join(dir, "missing");
	char *data = (char *)1;
	size_t len = 99;
	CHECK(file_read_all(path, &data, &len) == ENOENT);
	CHECK(data == NULL && len == 0);
	free(path);
}

static void test_empty_file(void)
{
	tfs_write_file(dir, "empty", "");
	char *path = tfs_path_join(dir, "empty");
	char *data = NULL;
	size_t len = 99;
	CHECK(file_read_all(path, &data, &len) == 0);
	CHECK(data != NULL && len == 0 && data[0] == '\0');
	free(data);
	free(path);
}

static void test_directory(void)
{
	char *data = (char *)1;
	size_t len = 99;
	CHECK(file_read_all(dir, &data, &len) == EISDIR);
	CHECK(data == NULL && len == 0);
}

/* Bigger than any first guess, with NUL bytes inside: the length is what
 * was read, not strlen. */
static void test_large_file(void)
{
	size_t n = 3u << 20;
	char *want = malloc(n);
	CHECK(want != NULL);
	if (!want)
		return;
	for (size_t i = 0; i < n; i++)
		want[i] = (char)(i * 7 % 251);
	char *path = tfs_path_join(dir, "large");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, want, n) == (ssize_t)n);
	close(fd);
	char *data = NULL;
	size_t len = 0;
	CHECK(file_read_all(path, &data, &len) == 0);
	CHECK(len == n && data && memcmp(data, want, n) == 0 && data[n] == '\0');
	free(data);
	free(want);
	free(path);
}

/* A pipe has no size to go by: the buffer grows as bytes come. */
static void test_pipe(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	char chunk[1000];
	memset(chunk, 'x', sizeof chunk);
	for (int i = 0; i < 50; i++) /* 50 000 bytes: within a pipe's 64 KiB */
		CHECK(write(p[1], chunk, sizeof chunk) == (ssize_t)sizeof chunk);
	close(p[1]);
	char *data = NULL;
	size_t len = 0;
	CHECK(file_read_fd(p[0], 0, &data, &len) == 0);
	CHECK(len == 50000 && data && data[0] == 'x' && data[len - 1] == 'x');
	free(data);
	close(p[0]);
}

/* The limit: exactly max bytes read, one more is EFBIG; the read goes on
 * from where fd stands. */
static void test_read_fd_limit(void)
{
	tfs_write_file(dir, "ten", "0123456789");
	char *path = tfs_path_join(dir, "ten");
	char *data = (char *)1;
	size_t len = 99;
	int fd = open(path, O_RDONLY);
	CHECK(file_read_fd(fd, 9, &data, &len) == EFBIG);
	CHECK(data == NULL && len == 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(file_read_fd(fd, 10, &data, &len) == 0);
	CHECK(len == 10 && data && strcmp(data, "0123456789") == 0);
	free(data);
	CHECK(lseek(fd, 4, SEEK_SET) == 4);
	CHECK(file_read_fd(fd, 0, &data, &len) == 0);
	CHECK(len == 6 && data && strcmp(data, "456789") == 0);
	free(data);
	close(fd);
	free(path);
}

/* The head of a file: at most cap bytes; all of a shorter one. */
static void test_read_head(void)
{
	tfs_write_file(dir, "head", "0123456789");
	char *path = tfs_path_join(dir, "head");
	char buf[16];
	size_t len = 99;
	CHECK(file_read_head(path, buf, 4, &len) == 0);
	CHECK(len == 4 && memcmp(buf, "0123", 4) == 0);
	CHECK(file_read_head(path, buf, sizeof buf, &len) == 0);
	CHECK(len == 10 && memcmp(buf, "0123456789", 10) == 0);
	CHECK(file_read_head(dir, buf, sizeof buf, &len) == EISDIR);
	free(path);
}

/* read(2) on a pipe returns what is there: file_read_upto asks until cap
 * bytes are in or the writer is gone. */
static void test_read_upto_pipe(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "abc", 3) == 3);
	CHECK(write(p[1], "defg", 4) == 4);
	char buf[16];
	size_t len = 99;
	CHECK(file_read_upto(p[0], buf, 5, &len) == 0);
	CHECK(len == 5 && memcmp(buf, "abcde", 5) == 0);
	close(p[1]);
	CHECK(file_read_upto(p[0], buf, sizeof buf, &len) == 0);
	CHECK(len == 2 && memcmp(buf, "fg", 2) == 0);
	CHECK(file_read_upto(-1, buf, sizeof buf, &len) == EBADF && len == 0);
	close(p[0]);
}

int main(void)
{
	dir = tfs_make_tmpdir("qa-file-io");
	RUN(test_missing_file);
	RUN(test_empty_file);
	RUN(test_directory);
	RUN(test_large_file);
	RUN(test_pipe);
	RUN(test_read_fd_limit);
	RUN(test_read_head);
	RUN(test_read_upto_pipe);
	tfs_rm_rf(dir);
	free(dir);
	return harness_finish();
}
