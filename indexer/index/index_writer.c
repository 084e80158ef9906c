#include "index_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "errmsg.h"
#include "fs_ops.h"
#include "index_generation.h"
#include "log_line.h"
#include "media_faststart.h"
#include "path.h"
#include "recording.h"
#include "test_pause.h"

double index_writer_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The index at path is damaged: err is "<path>: " and then
 * index_damaged_message(detail). Returns INDEX_UPDATE_DAMAGED. */
static index_update_status index_writer_damaged(const char *path, const char *detail, char *err,
                                                size_t errlen)
{
	char message[512];
	index_damaged_message(detail, message, sizeof message);
	snprintf(err, errlen, "%s: %s", path, message);
	return INDEX_UPDATE_DAMAGED;
}

index_update_status index_writer_open(const char *path, qx_db **db, char *err, size_t errlen)
{
	char *open_err = NULL;
	qx_status qs = qx_db_open(path, true, db, &open_err);
	if (qs == QX_OK)
		return INDEX_UPDATE_OK;
	index_update_status st = INDEX_UPDATE_FAILED;
	if (qs == QX_CORRUPT)
		st = index_writer_damaged(path, open_err, err, errlen);
	else
		snprintf(err, errlen, "%s: %s", path,
		         qs == QX_LOCKED ? "the index is busy: another qarchive is writing to it"
		                         : (open_err ? open_err : qx_status_str(qs)));
	free(open_err);
	return qs == QX_LOCKED ? INDEX_UPDATE_BUSY : st;
}

index_update_status index_writer_open_current(const char *path, qx_db **db, char *err,
                                              size_t errlen)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		char *before = index_generation_current(path);
		index_update_status st = index_writer_open(path, db, err, errlen);
		if (st != INDEX_UPDATE_OK || !before) {
			free(before);
			return st;
		}
		char *after = index_generation_current(path);
		bool same = after && strcmp(before, after) == 0;
		free(before);
		free(after);
		if (same)
			return INDEX_UPDATE_OK;
		qx_db_close(*db);
		*db = NULL;
	}
	snprintf(err, errlen, "%s: the index is busy: it is being replaced by a full rebuild",
	         path);
	return INDEX_UPDATE_BUSY;
}

index_update_status index_writer_failed(qx_db *db, qx_status qs, const char *path, char *err,
                                        size_t errlen)
{
	const char *why = qx_db_errmsg(db);
	if (qs == QX_CORRUPT)
		return index_writer_damaged(path, why, err, errlen);
	if (!why || !why[0])
		why = qx_status_str(qs);
	snprintf(err, errlen, "%s: %s", path, why);
	return qs == QX_NOMEM ? INDEX_UPDATE_NOMEM : INDEX_UPDATE_FAILED;
}

index_update_status index_writer_from_build(index_build_status bs)
{
	switch (bs) {
	case INDEX_BUILD_OK:
		return INDEX_UPDATE_OK;
	case INDEX_BUILD_BAD_INPUT:
		return INDEX_UPDATE_SOME_FAILED;
	case INDEX_BUILD_INDEX:
		return INDEX_UPDATE_FAILED;
	case INDEX_BUILD_DAMAGED:
		return INDEX_UPDATE_DAMAGED;
	case INDEX_BUILD_NOMEM:
		return INDEX_UPDATE_NOMEM;
	}
	return INDEX_UPDATE_FAILED;
}

index_update_status index_writer_report(index_update_status st, const char *path,
                                        const char *message, char *err, size_t errlen)
{
	if (st == INDEX_UPDATE_DAMAGED)
		return index_writer_damaged(path, message, err, errlen);
	snprintf(err, errlen, "%s", message);
	return st;
}

/* A media file dropped into the archive with its moov at the end is made
 * +faststart (media_faststart.h) before it is indexed: copied beside
 * itself under a temp name, fsynced, renamed over, the folder fsynced.
 * Only a regular file (a symlink's target may be shared or read-only).
 * Whatever fails, the original stays and the log says why. Returns true
 * when the file was replaced (its fingerprint changed). */
static bool make_faststart(const char *dir, const char *media_path)
{
	struct stat st;
	bool needed = false;
	char why[300] = "";
	if (lstat(media_path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    media_faststart_needed(media_path, &needed, why, sizeof why) != MEDIA_OK || !needed)
		return false;
	const char *ext = strrchr(media_path, '.');
	char name[64];
	snprintf(name, sizeof name, "%sfaststart%s", FS_TMP_PREFIX, ext ? ext : "");
	char *tmp = path_join(dir, name);
	bool done = false;
	if (!tmp) {
		snprintf(why, sizeof why, "out of memory");
	} else {
		unlink(tmp); /* a crash's leftover: this run holds the writer's lock */
		if (media_faststart_copy(media_path, tmp, why, sizeof why) == MEDIA_OK) {
			chmod(tmp, st.st_mode & 07777);
			done = rename(tmp, media_path) == 0;
			if (!done) {
				errmsg_set_errno(why, sizeof why, media_path, errno);
				unlink(tmp);
			} else {
				fs_sync_dir(-1, dir);
			}
		}
	}
	free(tmp);
	if (done)
		log_say("index",
		        "%s: moved its index (moov) to the front, for playing from any "
		        "point (+faststart)",
		        media_path);
	else
		log_warn("index", "%s: kept as it is, with its index (moov) at the end: %s",
		         media_path, why);
	return done;
}

/* A run killed during make_faststart's copy left its temp file: gone at
 * the next run (which holds the writer's lock, so no copy is under way),
 * whether or not the recording changed since. The media itself was never
 * touched before the rename. */
static void remove_faststart_leftover(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return; /* the folder's own problem is reported by loading it */
	if (fs_remove_unlocked_entries(fd, FS_TMP_PREFIX "faststart", NULL) != 0)
		log_warn("index", "%s: cannot remove a left-over %sfaststart file", dir,
		         FS_TMP_PREFIX);
	close(fd);
}

index_update_status index_writer_refresh(qx_db *db, const char *archive_dir, const char *name,
                                         const char *known, word_count *spelling,
                                         index_writer_outcome *outcome, index_build_counts *counts,
                                         char *message, size_t msglen)
{
	index_update_status status = INDEX_UPDATE_OK;
	char fingerprint[ARCHIVE_FINGERPRINT_HEX + 1];
	recording rec = RECORDING_INIT;
	char *dir = path_join(archive_dir, name);
	message[0] = '\0';
	if (!dir)
		return INDEX_UPDATE_NOMEM;
	remove_faststart_leftover(dir);
	if (recording_load_dir(dir, &rec, message, msglen) != RECORDING_OK ||
	    archive_fingerprint(dir, fingerprint, message, msglen) != ARCHIVE_OK) {
		status = INDEX_UPDATE_SOME_FAILED;
	} else if (known && strcmp(known, fingerprint) == 0) {
		*outcome = INDEX_WRITER_UNCHANGED;
	} else if (rec.media_path && make_faststart(dir, rec.media_path) &&
	           archive_fingerprint(dir, fingerprint, message, msglen) != ARCHIVE_OK) {
		status = INDEX_UPDATE_SOME_FAILED;
	} else {
		status = index_writer_from_build(index_build_recording(
		    db, &rec, fingerprint, spelling, counts, message, msglen));
		if (status == INDEX_UPDATE_OK)
			*outcome = INDEX_WRITER_INDEXED;
	}
	recording_free(&rec);
	free(dir);
	return status;
}

void index_writer_pause(void)
{
	test_pause("QARCHIVE_INDEX_PAUSE");
}
