/* archive: finding the archive, listing its recordings, the state folder,
 * and recording fingerprints. Folders are made under $TMPDIR. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "harness.h"
#include "test_fs.h"

/* ---- temporary folders ---- */

static void rename_in(const char *dir, const char *from, const char *to)
{
	char *a = tfs_path_join(dir, from), *b = tfs_path_join(dir, to);
	if (rename(a, b) != 0) {
		perror(a);
		abort();
	}
	free(a);
	free(b);
}

static void set_mtime(const char *dir, const char *name, time_t sec, long nsec)
{
	char *p = tfs_path_join(dir, name);
	struct timespec times[2] = {{sec, nsec}, {sec, nsec}};
	if (utimensat(AT_FDCWD, p, times, 0) != 0) {
		perror(p);
		abort();
	}
	free(p);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- archive_resolve_dir ---- */

static void test_resolve_dir(void)
{
	char *dir = NULL;
	const char *saved = getenv(ARCHIVE_ENV);
	char *restore = saved ? strdup(saved) : NULL;

	unsetenv(ARCHIVE_ENV);
	CHECK(archive_resolve_dir(NULL, &dir) == ARCHIVE_OK);
	CHECK_STR(dir, "./archive");
	free(dir);
	CHECK(archive_resolve_dir("/srv/talks", &dir) == ARCHIVE_OK);
	CHECK_STR(dir, "/srv/talks");
	free(dir);

	setenv(ARCHIVE_ENV, "/from/env", 1);
	CHECK(archive_resolve_dir(NULL, &dir) == ARCHIVE_OK);
	CHECK_STR(dir, "/from/env");
	free(dir);
	CHECK(archive_resolve_dir("rel/flag", &dir) == ARCHIVE_OK); /* the flag wins */
	CHECK_STR(dir, "rel/flag");
	free(dir);
	CHECK(archive_resolve_dir("", &dir) == ARCHIVE_OK); /* empty is "not given" */
	CHECK_STR(dir, "/from/env");
	free(dir);

	setenv(ARCHIVE_ENV, "", 1);
	CHECK(archive_resolve_dir(NULL, &dir) == ARCHIVE_OK);
	CHECK_STR(dir, "./archive");
	free(dir);

	if (restore)
		setenv(ARCHIVE_ENV, restore, 1);
	else
		unsetenv(ARCHIVE_ENV);
	free(restore);
}

/* ---- archive_list ---- */

static void test_list(void)
{
	char *tmp = tfs_make_tmpdir("qa-archive");
	char *names[] = {"b-rec", "a-rec", "B-upper", "no-json", ".qarchive", ".hidden-rec"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *d = tfs_make_subdir(tmp, names[i]);
		if (strcmp(names[i], "no-json") != 0)
			tfs_write_file(d, "recording.json", "{}");
		free(d);
	}
	char *empty = tfs_make_subdir(tmp, "empty");
	free(empty);
	tfs_write_file(tmp, "README.md", "not a recording");
	tfs_write_file(tmp, "recording.json", "{}"); /* at the top: not a recording */
	/* A symlinked recording folder is listed; a dangling symlink is not. */
	char *b = tfs_path_join(tmp, "b-rec"), *link = tfs_path_join(tmp, "c-link");
	CHECK(symlink(b, link) == 0);
	free(b);
	free(link);
	link = tfs_path_join(tmp, "dangling");
	CHECK(symlink("/nonexistent/qarchive/xyz", link) == 0);
	free(link);
	/* A folder whose recording.json is a folder is still listed: loading it
	 * says what is wrong, which beats silently ignoring it. */
	char *odd = tfs_make_subdir(tmp, "odd");
	char *odd_json = tfs_make_subdir(odd, "recording.json");
	free(odd_json);
	free(odd);

	archive_listing l = ARCHIVE_LISTING_INIT;
	char err[512];
	CHECK(archive_list(tmp, &l, err, sizeof err) == ARCHIVE_OK);
	CHECK_STR(err, "");
	static const char *const want[] = {"B-upper", "a-rec", "b-rec", "c-link", "odd"};
	CHECK(l.recording_count == sizeof want / sizeof want[0]);
	for (size_t i = 0; i < l.recording_count && i < sizeof want / sizeof want[0]; i++)
		CHECK_STR(l.recordings[i], want[i]);
	CHECK(l.ignored_count == 2);
	if (l.ignored_count == 2) {
		CHECK_STR(l.ignored[0], "empty");
		CHECK_STR(l.ignored[1], "no-json");
	}
	archive_listing_free(&l);
	CHECK(l.recordings == NULL && l.recording_count == 0 && l.ignored == NULL);
	archive_listing_free(&l);
	archive_listing_free(NULL);

	/* A trailing slash changes nothing. */
	char *slashed = tfs_path_join(tmp, "");
	CHECK(archive_list(slashed, &l, err, sizeof err) == ARCHIVE_OK);
	CHECK(l.recording_count == 5);
	archive_listing_free(&l);
	free(slashed);

	tfs_rm_rf(tmp);
	free(tmp);
}

static void test_list_empty_and_missing(void)
{
	char *tmp = tfs_make_tmpdir("qa-archive");
	archive_listing l = ARCHIVE_LISTING_INIT;
	char err[512], want[600];

	CHECK(archive_list(tmp, &l, err, sizeof err) == ARCHIVE_OK);
	CHECK(l.recording_count == 0 && l.ignored_count == 0);
	archive_listing_free(&l);

	char *missing = tfs_path_join(tmp, "no-such-archive");
	CHECK(archive_list(missing, &l, err, sizeof err) == ARCHIVE_NOT_FOUND);
	snprintf(want, sizeof want, "%s: no such archive directory", missing);
	CHECK_STR(err, want);
	CHECK(l.recordings == NULL && l.ignored == NULL);
	free(missing);

	tfs_write_file(tmp, "file", "x");
	char *file = tfs_path_join(tmp, "file");
	CHECK(archive_list(file, &l, err, sizeof err) == ARCHIVE_NOT_FOUND);
	snprintf(want, sizeof want, "%s: not a directory", file);
	CHECK_STR(err, want);
	char *under_file = tfs_path_join(file, "x");
	CHECK(archive_list(under_file, &l, NULL, 0) == ARCHIVE_NOT_FOUND);
	free(under_file);
	free(file);

	CHECK_STR(archive_status_str(ARCHIVE_OK), "ok");
	CHECK_STR(archive_status_str(ARCHIVE_NOT_FOUND), "no such archive directory");
	CHECK_STR(archive_status_str(ARCHIVE_IO), "cannot read the archive");
	CHECK_STR(archive_status_str(ARCHIVE_NOMEM), "out of memory");
	CHECK_STR(archive_status_str(ARCHIVE_INTERNAL), "internal error");

	tfs_rm_rf(tmp);
	free(tmp);
}

/* ---- archive_state_dir ---- */

static void test_state_dir(void)
{
	char *tmp = tfs_make_tmpdir("qa-archive");
	char *state = NULL;
	mode_t old_mask = umask(022);

	CHECK(archive_state_dir(tmp, &state) == ARCHIVE_OK);
	char *want = tfs_path_join(tmp, ".qarchive");
	CHECK_STR(state, want);
	struct stat st;
	CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 07777) == 0755);
	free(state);
	/* Again: it exists, fine. */
	CHECK(archive_state_dir(tmp, &state) == ARCHIVE_OK);
	CHECK_STR(state, want);
	free(state);
	free(want);

	/* mkdir -p: missing parents are made too. */
	char *deep = tfs_path_join(tmp, "x/y//z");
	CHECK(archive_state_dir(deep, &state) == ARCHIVE_OK);
	want = tfs_path_join(deep, ".qarchive");
	CHECK_STR(state, want);
	CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode));
	free(state);
	free(want);
	free(deep);

	/* A file in the way: ARCHIVE_IO with errno ENOTDIR. */
	char *other = tfs_make_subdir(tmp, "other");
	tfs_write_file(other, ".qarchive", "x");
	errno = 0;
	CHECK(archive_state_dir(other, &state) == ARCHIVE_IO);
	CHECK(errno == ENOTDIR);
	CHECK(state == NULL);
	tfs_write_file(tmp, "plain", "x");
	char *plain = tfs_path_join(tmp, "plain");
	CHECK(archive_state_dir(plain, &state) == ARCHIVE_IO);
	CHECK(errno == ENOTDIR || errno == EEXIST);
	CHECK(state == NULL);
	free(plain);
	free(other);

	umask(old_mask);
	tfs_rm_rf(tmp);
	free(tmp);
}

/* ---- archive_fingerprint ---- */

static void fingerprint(const char *dir, char out[65])
{
	char err[512];
	archive_status st = archive_fingerprint(dir, out, err, sizeof err);
	if (st != ARCHIVE_OK)
		fprintf(stderr, "fingerprint %s: %s\n", dir, err);
	CHECK(st == ARCHIVE_OK);
}

/* A recording with all the files; media.mp4 with a fixed mtime. */
static char *make_recording(const char *tmp, const char *name)
{
	char *dir = tfs_make_subdir(tmp, name);
	tfs_write_file(dir, "recording.json", "{\"title\": \"t\"}");
	tfs_write_file(dir, "transcript.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n");
	tfs_write_file(dir, "agenda.md", "- 00:00 Start\n");
	tfs_write_file(dir, "notes.md", "notes\n");
	tfs_write_file(dir, "media.mp4", "0123456789");
	set_mtime(dir, "media.mp4", 1700000000, 5);
	return dir;
}

static void test_fingerprint_stable(void)
{
	char *tmp = tfs_make_tmpdir("qa-archive");
	char *dir = make_recording(tmp, "rec");
	char a[65], b[65];
	fingerprint(dir, a);
	fingerprint(dir, b);
	CHECK_STR(a, b);
	CHECK(strlen(a) == ARCHIVE_FINGERPRINT_HEX);
	CHECK(strspn(a, "0123456789abcdef") == ARCHIVE_FINGERPRINT_HEX);

	/* Files the indexer does not read do not count. */
	tfs_write_file(dir, "README.txt", "x");
	tfs_write_file(dir, ".DS_Store", "x");
	char *sub = tfs_make_subdir(dir, "extras");
	free(sub);
	fingerprint(dir, b);
	CHECK_STR(a, b);

	/* It is about content, not where the folder is: a copy elsewhere,
	 * same mtime on the media, gives the same fingerprint. */
	char *copy = make_recording(tmp, "copy");
	fingerprint(copy, b);
	CHECK_STR(a, b);
	free(copy);

	free(dir);
	tfs_rm_rf(tmp);
	free(tmp);
}

/* Apply `change` to a fresh recording and return whether the fingerprint moved. */
static bool changes(void (*change)(const char *dir))
{
	char *tmp = tfs_make_tmpdir("qa-archive");
	char *dir = make_recording(tmp, "rec");
	char before[65], after[65];
	fingerprint(dir, before);
	change(dir);
	fingerprint(dir, after);
	bool moved = strcmp(before, after) != 0;
	free(dir);
	tfs_rm_rf(tmp);
	free(tmp);
	return moved;
}

static void edit_json(const char *dir)
{
	tfs_write_file(dir, "recording.json", "{\"title\": \"u\"}"); /* same size */
}
static void edit_transcript(const char *dir)
{
	tfs_write_file(dir, "transcript.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhellO\n");
}
static void edit_agenda(const char *dir)
{
	tfs_write_file(dir, "agenda.md", "- 00:01 Start\n");
}
static void edit_notes(const char *dir)
{
	tfs_write_file(dir, "notes.md", "notes\n\n");
}
static void remove_notes(const char *dir)
{
	char *p = tfs_path_join(dir, "notes.md");
	unlink(p);
	free(p);
}
static void rename_transcript(const char *dir)
{
	rename_in(dir, "transcript.vtt", "transcript.srt");
}
static void add_transcript(const char *dir)
{
	tfs_write_file(dir, "transcript.srt", "");
}
static void rename_media(const char *dir)
{
	rename_in(dir, "media.mp4", "media.mkv");
	set_mtime(dir, "media.mkv", 1700000000, 5);
}
static void add_media(const char *dir)
{
	tfs_write_file(dir, "media.webm", "");
}
static void grow_media(const char *dir)
{
	tfs_write_file(dir, "media.mp4", "0123456789a");
	set_mtime(dir, "media.mp4", 1700000000, 5);
}
static void touch_media_ns(const char *dir)
{
	set_mtime(dir, "media.mp4", 1700000000, 6); /* one nanosecond later */
}
static void touch_media_s(const char *dir)
{
	set_mtime(dir, "media.mp4", 1700000001, 5);
}
static void rewrite_media_same_identity(const char *dir)
{
	tfs_write_file(dir, "media.mp4", "9876543210"); /* same size, mtime restored */
	set_mtime(dir, "media.mp4", 1700000000, 5);
}
static void add_unrelated(const char *dir)
{
	tfs_write_file(dir, "cover.jpg", "x");
	tfs_write_file(dir, "agenda.md.bak", "x");
}

static void test_fingerprint_changes(void)
{
	CHECK(changes(edit_json));
	CHECK(changes(edit_transcript));
	CHECK(changes(edit_agenda));
	CHECK(changes(edit_notes));
	CHECK(changes(remove_notes));
	CHECK(changes(rename_transcript));
	CHECK(changes(add_transcript));
	CHECK(changes(rename_media));
	CHECK(changes(add_media));
	CHECK(changes(grow_media));
	CHECK(changes(touch_media_ns));
	CHECK(changes(touch_media_s));
	/* The media's content is not read: same name, size and mtime, same
	 * fingerprint (documented; a media swap that keeps all three is not
	 * noticed). */
	CHECK(!changes(rewrite_media_same_identity));
	CHECK(!changes(add_unrelated));
}

/* A 64 GiB sparse media file fingerprints at once: reading it would take
 * minutes. */
static void test_fingerprint_big_media(void)
{
	char *tmp = tfs_make_tmpdir("qa-archive");
	char *dir = make_recording(tmp, "rec");
	char *media = tfs_path_join(dir, "media.mkv");
	int fd = open(media, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	off_t size = (off_t)64 << 30;
	if (fd >= 0 && ftruncate(fd, size) != 0)
		CHECK(ftruncate(fd, (off_t)4 << 30) == 0); /* a filesystem with smaller limits */
	if (fd >= 0)
		close(fd);
	/* Where permissions hold (not as root), it need not even be readable. */
	chmod(media, 0);
	char a[65];
	double t0 = now();
	fingerprint(dir, a);
	double elapsed = now() - t0;
	CHECK(elapsed < 1.0);
	if (elapsed >= 1.0)
		fprintf(stderr, "fingerprint took %.2f s\n", elapsed);
	chmod(media, 0644);
	free(media);
	free(dir);
	tfs_rm_rf(tmp);
	free(tmp);
}

static void test_fingerprint_errors(void)
{
	char *tmp = tfs_make_tmpdir("qa-archive");
	char out[65] = "junk";
	char err[512], want[600];

	char *missing = tfs_path_join(tmp, "missing");
	CHECK(archive_fingerprint(missing, out, err, sizeof err) == ARCHIVE_NOT_FOUND);
	snprintf(want, sizeof want, "%s: no such directory", missing);
	CHECK_STR(err, want);
	CHECK_STR(out, "");
	free(missing);

	/* An empty folder still has a fingerprint, distinct from a recording's. */
	char *empty = tfs_make_subdir(tmp, "empty");
	char a[65], b[65];
	fingerprint(empty, a);
	char *dir = make_recording(tmp, "rec");
	fingerprint(dir, b);
	CHECK(strcmp(a, b) != 0);
	free(empty);

	/* A FIFO named like a transcript must not hang the fingerprint. */
	char *fifo = tfs_path_join(dir, "transcript.srt");
	CHECK(mkfifo(fifo, 0644) == 0);
	double t0 = now();
	fingerprint(dir, a);
	CHECK(now() - t0 < 1.0);
	CHECK_STR(a, b); /* not a regular file: the indexer will not read it either */
	free(fifo);

	free(dir);
	tfs_rm_rf(tmp);
	free(tmp);
}

int main(void)
{
	RUN(test_resolve_dir);
	RUN(test_list);
	RUN(test_list_empty_and_missing);
	RUN(test_state_dir);
	RUN(test_fingerprint_stable);
	RUN(test_fingerprint_changes);
	RUN(test_fingerprint_big_media);
	RUN(test_fingerprint_errors);
	return harness_finish();
}
