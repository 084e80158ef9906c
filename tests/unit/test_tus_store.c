/* tus_store: tus uploads on disk, in an archive made under $TMPDIR. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "test_fs.h"
#include "tus_store.h"

#define DAY (24 * 3600)

static char *archive;

static tus_store *open_store(void)
{
	tus_store *s = NULL;
	char *err = NULL;
	CHECK(tus_store_open(archive, &s, &err) == TUS_OK);
	CHECK(err == NULL);
	free(err);
	return s;
}

static char *file_of(tus_store *s, const char *id, const char *ext)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s", id, ext);
	return tfs_path_join(tus_store_dir(s), name);
}

/* The size of <id><ext>, -1 when it does not exist. */
static long long size_of(tus_store *s, const char *id, const char *ext)
{
	char *path = file_of(s, id, ext);
	struct stat st;
	long long n = stat(path, &st) == 0 ? (long long)st.st_size : -1;
	free(path);
	return n;
}

static bool exists(tus_store *s, const char *id, const char *ext)
{
	return size_of(s, id, ext) >= 0;
}

/* Append text at offset in one go (open, write, sync, close). */
static tus_status append(tus_store *s, const char *id, uint64_t offset, const char *text)
{
	tus_append *a = NULL;
	tus_status rc = tus_store_append_open(s, id, offset, &a);
	if (rc == TUS_OK)
		rc = tus_append_write(a, text, strlen(text));
	if (rc == TUS_OK)
		rc = tus_append_sync(a);
	tus_append_close(a);
	return rc;
}

static uint64_t offset_of(tus_store *s, const char *id)
{
	tus_info info;
	uint64_t off = tus_store_info(s, id, &info) == TUS_OK ? info.offset : UINT64_MAX;
	tus_info_clear(&info);
	return off;
}

static void test_open_makes_the_folder(void)
{
	tus_store *s = open_store();
	if (!s)
		return;
	struct stat st;
	CHECK(stat(tus_store_dir(s), &st) == 0 && S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 0777) == 0700);
	CHECK(strstr(tus_store_dir(s), "/.qarchive/uploads/tus") != NULL);
	tus_store_close(s);
	/* Again, with the folder there. */
	s = open_store();
	tus_store_close(s);
	tus_store_close(NULL);

	/* An archive that cannot hold the folder. */
	char *bad = tfs_path_join(archive, "a-file");
	tfs_write_file(archive, "a-file", "x");
	char *err = NULL;
	s = (tus_store *)1;
	CHECK(tus_store_open(bad, &s, &err) == TUS_IO);
	CHECK(s == NULL && err != NULL && strstr(err, "a-file") != NULL);
	free(err);
	unlink(bad);
	free(bad);
}

static void test_create_and_info(void)
{
	tus_store *s = open_store();
	char id[TUS_ID_LEN + 1], id2[TUS_ID_LEN + 1];
	time_t before = time(NULL);
	CHECK(tus_store_create(s, 1000, "title SGVsbG8=", "ann", id) == TUS_OK);
	CHECK(tus_id_valid(id));
	CHECK(tus_store_create(s, 5, NULL, "bo", id2) == TUS_OK);
	CHECK(strcmp(id, id2) != 0);

	tus_info info;
	CHECK(tus_store_info(s, id, &info) == TUS_OK);
	CHECK(info.length == 1000 && info.offset == 0 && info.state == TUS_STATE_UPLOADING);
	CHECK_STR(info.metadata, "title SGVsbG8=");
	CHECK_STR(info.owner, "ann");
	CHECK(info.created >= before && info.created <= time(NULL));
	CHECK(info.recording == NULL && info.error == NULL);
	tus_info_clear(&info);
	tus_info_clear(&info); /* twice is fine */
	CHECK(tus_store_info(s, id2, &info) == TUS_OK);
	CHECK_STR(info.metadata, "");
	tus_info_clear(&info);

	/* The files: private, an empty data file, JSON info. */
	char *path = file_of(s, id, ".data");
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size == 0 && (st.st_mode & 0777) == 0600);
	free(path);
	path = file_of(s, id, ".info");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	free(path);

	/* Unknown and malformed ids. */
	const char *bad[] = {"0123456789abcdef0123456789abcdef",
	                     "../../etc/passwd",
	                     "",
	                     "0123456789ABCDEF0123456789ABCDEF",
	                     "0123456789abcdef0123456789abcde",
	                     "0123456789abcdef0123456789abcdef0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(tus_store_info(s, bad[i], &info) == TUS_NOT_FOUND);
		CHECK(info.metadata == NULL);
		tus_append *a = (tus_append *)1;
		CHECK(tus_store_append_open(s, bad[i], 0, &a) == TUS_NOT_FOUND && a == NULL);
		CHECK(tus_store_terminate(s, bad[i]) == TUS_NOT_FOUND);
	}
	CHECK(tus_store_terminate(s, id) == TUS_OK);
	CHECK(tus_store_terminate(s, id2) == TUS_OK);
	tus_store_close(s);
}

static void test_append_and_resume(void)
{
	tus_store *s = open_store();
	char id[TUS_ID_LEN + 1];
	CHECK(tus_store_create(s, 10, "", "ann", id) == TUS_OK);

	/* A wrong offset is a conflict that names both. */
	tus_append *a = (tus_append *)1;
	CHECK(tus_store_append_open(s, id, 3, &a) == TUS_CONFLICT && a == NULL);
	CHECK(strstr(tus_store_errmsg(s), "3") && strstr(tus_store_errmsg(s), "offset 0"));

	CHECK(tus_store_append_open(s, id, 0, &a) == TUS_OK);
	if (!a) {
		tus_store_close(s);
		return;
	}
	CHECK(tus_append_info(a)->length == 10 && tus_append_offset(a) == 0);
	CHECK_STR(tus_append_info(a)->owner, "ann");
	CHECK(strstr(tus_append_data_path(a), id) != NULL);
	CHECK(tus_append_write(a, "abc", 3) == TUS_OK);
	CHECK(tus_append_write(a, "d", 1) == TUS_OK);
	CHECK(tus_append_offset(a) == 4);

	/* While it is open: a second writer, termination and expiry wait. */
	tus_store *other = open_store();
	tus_append *b = (tus_append *)1;
	CHECK(tus_store_append_open(other, id, 4, &b) == TUS_LOCKED && b == NULL);
	CHECK(strstr(tus_store_errmsg(other), "busy") != NULL);
	CHECK(tus_store_terminate(other, id) == TUS_LOCKED);
	size_t removed = 99;
	CHECK(tus_store_expire(other, time(NULL) + 30 * DAY, 7 * DAY, DAY, &removed) == TUS_OK);
	CHECK(removed == 0 && exists(s, id, ".info"));
	/* Others see what reached the file, synced or not. */
	CHECK(offset_of(other, id) == 4);

	/* Never past the length: nothing of that chunk is written. */
	CHECK(tus_append_write(a, "0123456789", 10) == TUS_TOO_LONG);
	CHECK(strstr(tus_store_errmsg(s), "length of 10") != NULL);
	CHECK(tus_append_offset(a) == 4 && size_of(s, id, ".data") == 4);
	CHECK(tus_append_sync(a) == TUS_OK);
	tus_append_close(a);
	tus_append_close(NULL);

	/* A new handle (a restarted server) resumes at 4. */
	tus_store_close(s);
	tus_store_close(other);
	s = open_store();
	CHECK(offset_of(s, id) == 4);
	CHECK(append(s, id, 0, "x") == TUS_CONFLICT);
	CHECK(append(s, id, 5, "x") == TUS_CONFLICT);
	CHECK(append(s, id, 4, "efg") == TUS_OK);
	CHECK(offset_of(s, id) == 7);

	/* The last byte: all 10 in but not over reports 9. */
	CHECK(append(s, id, 7, "hij") == TUS_OK);
	CHECK(size_of(s, id, ".data") == 10);
	CHECK(offset_of(s, id) == 9);
	CHECK(append(s, id, 10, "") == TUS_CONFLICT);
	/* Sending it again cuts the file back first. */
	CHECK(tus_store_append_open(s, id, 9, &a) == TUS_OK);
	if (!a) {
		tus_store_close(s);
		return;
	}
	CHECK(size_of(s, id, ".data") == 9 && tus_append_offset(a) == 9);
	CHECK(tus_append_write(a, "jk", 2) == TUS_TOO_LONG);
	CHECK(tus_append_write(a, "J", 1) == TUS_OK);
	CHECK(tus_append_offset(a) == 10);
	CHECK(tus_append_sync(a) == TUS_OK);
	CHECK(tus_append_write(a, "", 0) == TUS_OK);

	/* It became a recording: the info says so, the data file is gone
	 * (here the commit did not move it; finish removes it). */
	CHECK(tus_append_finish(a, "2025-01-02-talk") == TUS_OK);
	CHECK(tus_append_info(a)->state == TUS_STATE_FINISHED);
	tus_append_close(a);
	CHECK(!exists(s, id, ".data"));
	tus_info info;
	CHECK(tus_store_info(s, id, &info) == TUS_OK);
	CHECK(info.state == TUS_STATE_FINISHED && info.offset == 10 && info.length == 10);
	CHECK_STR(info.recording, "2025-01-02-talk");
	CHECK_STR(info.owner, "ann");
	tus_info_clear(&info);
	CHECK(append(s, id, 10, "") == TUS_GONE);
	CHECK(strstr(tus_store_errmsg(s), "2025-01-02-talk") != NULL);

	CHECK(tus_store_terminate(s, id) == TUS_OK);
	CHECK(!exists(s, id, ".info"));
	CHECK(tus_store_terminate(s, id) == TUS_NOT_FOUND);
	CHECK(tus_store_info(s, id, &info) == TUS_NOT_FOUND);
	tus_store_close(s);
}

static void test_fail_and_lost(void)
{
	tus_store *s = open_store();
	char id[TUS_ID_LEN + 1];
	CHECK(tus_store_create(s, 3, "", "ann", id) == TUS_OK);
	tus_append *a = NULL;
	CHECK(tus_store_append_open(s, id, 0, &a) == TUS_OK);
	CHECK(tus_append_write(a, "abc", 3) == TUS_OK);
	CHECK(tus_append_fail(a, "media: not a media file") == TUS_OK);
	tus_append_close(a);
	CHECK(!exists(s, id, ".data"));
	tus_info info;
	CHECK(tus_store_info(s, id, &info) == TUS_OK);
	CHECK(info.state == TUS_STATE_FAILED && info.offset == 0);
	CHECK_STR(info.error, "media: not a media file");
	tus_info_clear(&info);
	CHECK(append(s, id, 0, "a") == TUS_GONE);
	CHECK(strstr(tus_store_errmsg(s), "not a media file") != NULL);
	CHECK(tus_store_terminate(s, id) == TUS_OK);

	/* The data file lost (the server died as the commit moved it). */
	CHECK(tus_store_create(s, 3, "", "ann", id) == TUS_OK);
	char *data = file_of(s, id, ".data");
	unlink(data);
	free(data);
	CHECK(tus_store_info(s, id, &info) == TUS_GONE);
	CHECK(strstr(tus_store_errmsg(s), "lost") != NULL);
	CHECK(append(s, id, 0, "a") == TUS_GONE);
	CHECK(tus_store_terminate(s, id) == TUS_OK);
	CHECK(!exists(s, id, ".info"));

	/* A damaged info file. */
	CHECK(tus_store_create(s, 3, "", "ann", id) == TUS_OK);
	char name[64];
	snprintf(name, sizeof name, "%s.info", id);
	tfs_write_file(tus_store_dir(s), name, "{\"length\": \"three\"}");
	CHECK(tus_store_info(s, id, &info) == TUS_IO);
	CHECK(strstr(tus_store_errmsg(s), "damaged") != NULL);
	CHECK(append(s, id, 0, "a") == TUS_IO);
	CHECK(tus_store_terminate(s, id) == TUS_OK);
	tus_store_close(s);
}

/* A process that dies holding the lock (kill -9 mid-PATCH) leaves no lock
 * behind, and what it wrote stays. */
static void test_killed_writer(void)
{
	tus_store *s = open_store();
	char id[TUS_ID_LEN + 1];
	CHECK(tus_store_create(s, 100, "", "ann", id) == TUS_OK);
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		tus_store *cs = NULL;
		char *err = NULL;
		tus_append *a = NULL;
		if (tus_store_open(archive, &cs, &err) != TUS_OK ||
		    tus_store_append_open(cs, id, 0, &a) != TUS_OK ||
		    tus_append_write(a, "0123456789", 10) != TUS_OK)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	CHECK(read(ready[0], &c, 1) == 1);
	close(ready[0]);
	CHECK(append(s, id, 10, "x") == TUS_LOCKED);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status));
	CHECK(offset_of(s, id) == 10);
	CHECK(append(s, id, 10, "abc") == TUS_OK);
	CHECK(offset_of(s, id) == 13);
	CHECK(tus_store_terminate(s, id) == TUS_OK);
	tus_store_close(s);
}

static void make_old(tus_store *s, const char *name, time_t when)
{
	char *path = tfs_path_join(tus_store_dir(s), name);
	struct timespec times[2] = {{when, 0}, {when, 0}};
	CHECK(utimensat(AT_FDCWD, path, times, 0) == 0);
	free(path);
}

static void test_expire(void)
{
	tus_store *s = open_store();
	char idle[TUS_ID_LEN + 1], active[TUS_ID_LEN + 1], done[TUS_ID_LEN + 1],
	    busy[TUS_ID_LEN + 1];
	CHECK(tus_store_create(s, 10, "", "ann", idle) == TUS_OK);
	CHECK(tus_store_create(s, 10, "", "ann", active) == TUS_OK);
	CHECK(tus_store_create(s, 1, "", "ann", done) == TUS_OK);
	CHECK(tus_store_create(s, 10, "", "ann", busy) == TUS_OK);
	tus_append *a = NULL;
	CHECK(tus_store_append_open(s, done, 0, &a) == TUS_OK);
	CHECK(tus_append_finish(a, "2025-01-03-done") == TUS_OK);
	tus_append_close(a);
	CHECK(append(s, idle, 0, "abc") == TUS_OK);
	CHECK(append(s, active, 0, "abc") == TUS_OK);

	time_t now = time(NULL);
	/* idle: both files 8 days old. active: created 8 days ago, but bytes
	 * came an hour ago. done: finished 2 days ago. busy: old, but a
	 * request is writing to it. */
	char name[64];
	const char *ids[] = {idle, active, busy};
	for (size_t i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "%s.info", ids[i]);
		make_old(s, name, now - 8 * DAY);
		snprintf(name, sizeof name, "%s.data", ids[i]);
		make_old(s, name, ids[i] == active ? now - 3600 : now - 8 * DAY);
	}
	snprintf(name, sizeof name, "%s.info", done);
	make_old(s, name, now - 2 * DAY);
	CHECK(tus_store_append_open(s, busy, 0, &a) == TUS_OK);

	/* Strays: an interrupted info write, a data file without info, junk;
	 * old, and a new one of each that must stay. */
	const char *strays[] = {".qarchive-tmp-0123456789ab",
	                        "0123456789abcdef0123456789abcdef.data", "junk"};
	const char *fresh[] = {".qarchive-tmp-ba9876543210",
	                       "fedcba9876543210fedcba9876543210.data", "junk2"};
	for (size_t i = 0; i < 3; i++) {
		tfs_write_file(tus_store_dir(s), strays[i], "x");
		make_old(s, strays[i], now - 2 * DAY);
		tfs_write_file(tus_store_dir(s), fresh[i], "x");
	}

	size_t removed = 99;
	CHECK(tus_store_expire(s, now, 7 * DAY, DAY, &removed) == TUS_OK);
	CHECK(removed == 2); /* idle and done */
	CHECK(!exists(s, idle, ".info") && !exists(s, idle, ".data"));
	CHECK(!exists(s, done, ".info"));
	CHECK(exists(s, active, ".info") && exists(s, active, ".data"));
	CHECK(exists(s, busy, ".info") && exists(s, busy, ".data"));
	for (size_t i = 0; i < 3; i++) {
		char *p = tfs_path_join(tus_store_dir(s), strays[i]);
		CHECK(access(p, F_OK) != 0);
		free(p);
		p = tfs_path_join(tus_store_dir(s), fresh[i]);
		CHECK(access(p, F_OK) == 0);
		unlink(p);
		free(p);
	}
	tus_append_close(a);

	/* Unlocked, busy goes; then nothing is due. */
	CHECK(tus_store_expire(s, now, 7 * DAY, DAY, &removed) == TUS_OK);
	CHECK(removed == 1 && !exists(s, busy, ".info"));
	CHECK(tus_store_expire(s, now, 7 * DAY, DAY, &removed) == TUS_OK);
	CHECK(removed == 0 && exists(s, active, ".info"));
	CHECK(tus_store_expire(s, now + 7 * DAY, 7 * DAY, DAY, &removed) == TUS_OK);
	CHECK(removed == 1 && !exists(s, active, ".info"));
	tus_store_close(s);
}

static void test_owner(void)
{
	CHECK(tus_owner_matches("token:ci", "token:ci"));
	CHECK(!tus_owner_matches("token:ci", "user:ci"));
	CHECK(!tus_owner_matches("token:ci", "token:other"));
	/* A bare name (before principals were stored) is either kind's. */
	CHECK(tus_owner_matches("ann", "user:ann"));
	CHECK(tus_owner_matches("ann", "token:ann"));
	CHECK(!tus_owner_matches("ann", "user:bo"));
	CHECK(!tus_owner_matches("", "user:"));
	tus_store *s = open_store();
	char id[TUS_ID_LEN + 1];
	CHECK(tus_store_create(s, 10, "", "token:ci", id) == TUS_OK);
	CHECK(tus_store_check_owner(s, id, "token:ci") == TUS_OK);
	CHECK(tus_store_check_owner(s, id, "token:other") == TUS_NOT_FOUND);
	char want[80];
	snprintf(want, sizeof want, "no upload %s", id);
	CHECK_STR(tus_store_errmsg(s), want);
	CHECK(tus_store_check_owner(s, "0123456789abcdef0123456789abcdef", "token:ci") ==
	      TUS_NOT_FOUND);
	CHECK(tus_store_terminate(s, id) == TUS_OK);
	tus_store_close(s);
}

/* The commit's second name of the data, its intended id, and finishing
 * an upload whose commit the process did not live to record. */
static void test_commit_link_and_intent(void)
{
	tus_store *s = open_store();
	char id[TUS_ID_LEN + 1];
	CHECK(tus_store_create(s, 4, "", "token:ci", id) == TUS_OK);
	CHECK(append(s, id, 0, "abcd") == TUS_OK);
	tus_append *a = NULL;
	CHECK(tus_store_append_open(s, id, 3, &a) == TUS_OK);
	CHECK(tus_append_write(a, "d", 1) == TUS_OK);
	const char *link = NULL;
	CHECK(tus_append_commit_link(a, &link) == TUS_OK && link);
	CHECK(exists(s, id, ".commit"));
	CHECK(tus_append_intend(a, "2026-01-01-x") == TUS_OK);
	/* The commit "moves" the link away, as the ingest would, and the
	 * process dies before tus_append_finish: the link keeps the data's
	 * inode shared, as a recording's media would. */
	char *moved = file_of(s, id, ".moved");
	CHECK(rename(link, moved) == 0);
	tus_append_close(a);
	tus_info raw = TUS_INFO_INIT;
	CHECK(tus_store_info_file(s, id, &raw) == TUS_OK);
	CHECK(raw.committing && strcmp(raw.committing, "2026-01-01-x") == 0);
	tus_info_clear(&raw);
	/* A resend of the last byte must not cut the shared data. */
	CHECK(tus_store_append_open(s, id, 3, &a) == TUS_IO);
	CHECK(size_of(s, id, ".moved") == 4);
	CHECK(tus_store_finish_committed(s, id, "2026-01-01-x") == TUS_OK);
	CHECK(!exists(s, id, ".data") && !exists(s, id, ".commit"));
	tus_info info = TUS_INFO_INIT;
	CHECK(tus_store_info(s, id, &info) == TUS_OK);
	CHECK(info.state == TUS_STATE_FINISHED && info.offset == 4 && !info.committing);
	CHECK(info.recording && strcmp(info.recording, "2026-01-01-x") == 0);
	tus_info_clear(&info);
	unlink(moved);
	free(moved);
	CHECK(tus_store_terminate(s, id) == TUS_OK);
	tus_store_close(s);
}

static void test_status_str(void)
{
	CHECK_STR(tus_status_str(TUS_OK), "ok");
	CHECK_STR(tus_status_str(TUS_LOCKED), "the upload is busy");
	CHECK_STR(tus_status_str(TUS_NOMEM), "out of memory");
}

int main(void)
{
	archive = tfs_make_tmpdir("qa-tus-store");
	RUN(test_open_makes_the_folder);
	RUN(test_create_and_info);
	RUN(test_append_and_resume);
	RUN(test_fail_and_lost);
	RUN(test_killed_writer);
	RUN(test_expire);
	RUN(test_owner);
	RUN(test_commit_link_and_intent);
	RUN(test_status_str);
	tfs_rm_rf(archive);
	free(archive);
	return harness_finish();
}
