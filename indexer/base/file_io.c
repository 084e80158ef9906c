#include "file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first buffer when fstat gives no size (a pipe, /proc): one page. */
#define FIRST_CAP 4096

/* Where the read loop starts: st_size + 2, room for the content, the NUL
 * and the one byte that the read seeing EOF asks for, so a regular file
 * is read into one buffer that never grows. Capped at max + 2, so a size
 * past the limit is not allocated for (max + 1 bytes read is how a file
 * past max is told). */
static size_t first_cap(int fd, size_t max)
{
	struct stat st;
	size_t cap = FIRST_CAP;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (uintmax_t)st.st_size < SIZE_MAX - 2)
		cap = (size_t)st.st_size + 2;
	if (max && max < SIZE_MAX - 2 && cap > max + 2)
		cap = max + 2;
	return cap;
}

int file_read_upto(int fd, void *buf, size_t cap, size_t *len)
{
	*len = 0;
	while (*len < cap) {
		ssize_t n = read(fd, (char *)buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

int file_read_fd(int fd, size_t max, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	size_t cap = first_cap(fd, max), used = 0;
	char *buf = malloc(cap);
	if (!buf)
		return ENOMEM;
	for (;;) {
		if (used + 1 >= cap) {
			char *grown = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				return ENOMEM;
			}
			buf = grown;
			cap *= 2;
		}
		size_t want = cap - used - 1, got;
		int err = file_read_upto(fd, buf + used, want, &got);
		used += got;
		if (!err && max && used > max)
			err = EFBIG;
		if (err) {
			free(buf);
			return err;
		}
		if (got < want) /* end of file */
			break;
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	return 0;
}

/* Open path for reading; a directory is EISDIR (read(2) would say so only
 * at the first read, and some callers never read). Returns 0 with *fd
 * open, or an errno value. */
static int open_for_read(const char *path, int *fd)
{
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return errno;
	struct stat st;
	int err = fstat(*fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	if (err) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

int file_read_all(const char *path, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd;
	int err = open_for_read(path, &fd);
	if (err)
		return err;
	err = file_read_fd(fd, 0, data, len);
	close(fd);
	return err;
}

int file_read_head(const char *path, char *buf, size_t cap, size_t *len)
{
	*len = 0;
	int fd;
	int err = open_for_read(path, &fd);
	if (err)
		return err;
	err = file_read_upto(fd, buf, cap, len);
	close(fd);
	return err;
}
