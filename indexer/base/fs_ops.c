/* Built with _GNU_SOURCE (CMakeLists.txt) for renameat2 and RENAME_NOREPLACE,
 * and getrandom. */
#include "fs_ops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_io.h"

/* Copy buffer: large enough that a multi-gigabyte recording is a few
 * thousand reads, small enough for a worker thread's heap. */
#define COPY_CHUNK (1 << 20)

/* fsync an open directory. Some file systems cannot fsync a directory;
 * their entries are then as durable as they get. */
static int sync_open_dir(int fd)
{
	int err = fsync(fd) == 0 ? 0 : errno;
	return err == EINVAL || err == EROFS ? 0 : err;
}

int fs_sync_dir(int dirfd, const char *path)
{
	if (dirfd >= 0)
		return sync_open_dir(dirfd);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int err = sync_open_dir(fd);
	close(fd);
	return err;
}

int fs_sync_parent(int dirfd, const char *name)
{
	const char *slash = strrchr(name, '/');
	char *dir = slash ? strndup(name, slash == name ? 1 : (size_t)(slash - name)) : NULL;
	if (slash && !dir)
		return ENOMEM;
	int fd = openat(dirfd, dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = fd < 0 ? errno : sync_open_dir(fd);
	if (fd >= 0)
		close(fd);
	free(dir);
	return err;
}

int fs_sync_file_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno;
	int err = fsync(fd) == 0 ? 0 : errno;
	close(fd);
	return err;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Finish a file written through fd: fsync and close, or remove it. */
static int finish(int fd, int err, int dirfd, const char *name)
{
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (err)
		unlinkat(dirfd, name, 0);
	return err;
}

int fs_write_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return errno;
	return finish(fd, write_all(fd, data, len), dirfd, name);
}

/* A new temp file beside name (same folder, so rename(2) can move it
 * over name): "<name's folder>/" FS_TMP_PREFIX "<12 random hex>", made
 * with O_EXCL and flocked before anything is written, so a sweep by
 * fs_remove_unlocked_entries never takes one in use. Returns its fd with
 * *tmp (caller frees), or -errno. */
static int open_temp(int dirfd, const char *name, mode_t mode, char **tmp)
{
	const char *slash = strrchr(name, '/');
	size_t dir_len = slash ? (size_t)(slash - name) + 1 : 0;
	size_t n = dir_len + sizeof FS_TMP_PREFIX + 12;
	*tmp = malloc(n);
	if (!*tmp)
		return -ENOMEM;
	int err = EEXIST;
	/* 48 random bits: a clash is a retry, not an error (O_EXCL decides). */
	for (unsigned attempt = 0; attempt < 100 && err == EEXIST; attempt++) {
		unsigned char r[6];
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
			unsigned long v = (unsigned long)getpid() * 2654435761u + attempt;
			memcpy(r, &v, sizeof r < sizeof v ? sizeof r : sizeof v);
		}
		snprintf(*tmp, n, "%.*s" FS_TMP_PREFIX "%02x%02x%02x%02x%02x%02x", (int)dir_len,
		         name, r[0], r[1], r[2], r[3], r[4], r[5]);
		int fd =
		    openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd >= 0) {
			if ((err = fs_lock(fd)) == 0)
				return fd;
			close(fd);
			unlinkat(dirfd, *tmp, 0);
			break;
		}
		err = errno;
	}
	free(*tmp);
	*tmp = NULL;
	return -err;
}

int fs_replace_file_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                       bool noreplace)
{
	char *tmp = NULL;
	int fd = open_temp(dirfd, name, mode, &tmp);
	if (fd < 0)
		return -fd;
	int err = write_all(fd, data, len);
	if (!err && fsync(fd) != 0)
		err = errno;
	/* link(2) fails with EEXIST where rename(2) would replace. */
	if (!err && (noreplace ? linkat(dirfd, tmp, dirfd, name, 0)
	                       : renameat(dirfd, tmp, dirfd, name)) != 0)
		err = errno;
	if (err || noreplace)
		unlinkat(dirfd, tmp, 0);
	/* Closed (unlocked) only now, so a sweep cannot remove the temp file
	 * between the write and the rename; the data is already fsynced. */
	close(fd);
	free(tmp);
	return err;
}

int fs_copy_file_at(const char *src, int dirfd, const char *name, mode_t mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errno;
	struct stat st;
	int err = fstat(in, &st) != 0    ? errno
	          : S_ISDIR(st.st_mode)  ? EISDIR
	          : !S_ISREG(st.st_mode) ? EINVAL
	                                 : 0;
	if (err) {
		close(in);
		return err;
	}
	char *buf = malloc(COPY_CHUNK);
	int out =
	    buf ? openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
	        : -1;
	if (out < 0) {
		err = buf ? errno : ENOMEM;
		free(buf);
		close(in);
		return err;
	}
	for (;;) {
		size_t n;
		err = file_read_upto(in, buf, COPY_CHUNK, &n);
		if (!err && n > 0)
			err = write_all(out, buf, n);
		if (err || n < COPY_CHUNK) /* an error, or the end of src */
			break;
	}
	free(buf);
	close(in);
	return finish(out, err, dirfd, name);
}

int fs_rename_noreplace(int olddirfd, const char *old, int newdirfd, const char *new)
{
	if (renameat2(olddirfd, old, newdirfd, new, RENAME_NOREPLACE) == 0)
		return 0;
	int err = errno;
	if (err != EINVAL && err != ENOSYS)
		return err;
	/* No RENAME_NOREPLACE here: claim the name with mkdirat, then
	 * rename onto the empty directory (rename(2) replaces it). */
	struct stat st;
	if (fstatat(olddirfd, old, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno;
	if (!S_ISDIR(st.st_mode))
		return EINVAL;
	if (mkdirat(newdirfd, new, 0700) != 0)
		return errno;
	if (renameat(olddirfd, old, newdirfd, new) != 0) {
		err = errno;
		unlinkat(newdirfd, new, AT_REMOVEDIR);
		return err;
	}
	return 0;
}

int fs_remove_tree_at(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : errno;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int err = errno;
		close(fd);
		return err;
	}
	int err = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		int sub = fs_remove_tree_at(fd, e->d_name);
		if (sub && !err)
			err = sub;
	}
	closedir(d); /* closes fd */
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT && !err)
		err = errno;
	return err;
}

int fs_lock(int fd)
{
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EINTR)
			return errno;
	}
	return 0;
}

int fs_remove_unlocked_entries(int dirfd, const char *prefix, size_t *removed)
{
	int dup_fd = dup(dirfd);
	if (dup_fd < 0)
		return errno;
	DIR *d = fdopendir(dup_fd);
	if (!d) {
		int err = errno;
		close(dup_fd);
		return err;
	}
	size_t plen = prefix ? strlen(prefix) : 0;
	int err = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strncmp(e->d_name, prefix ? prefix : "", plen) != 0)
			continue;
		/* O_NONBLOCK: a FIFO left there must not block the open. A
		 * symlink fails with ELOOP: nobody can hold a lock on it, it is
		 * simply removed. */
		int fd = openat(dirfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 && fs_lock(fd) != 0) {
			close(fd); /* in use by a live process */
			continue;
		}
		/* Remove while holding the lock, so the entry cannot be taken
		 * up again meanwhile by something that locks first. */
		int sub = fs_remove_tree_at(dirfd, e->d_name);
		if (fd >= 0)
			close(fd);
		if (sub && !err)
			err = sub;
		else if (!sub && removed)
			(*removed)++;
	}
	closedir(d);
	return err;
}
