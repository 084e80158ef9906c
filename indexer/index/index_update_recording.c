/* index_update_recording (index_update.h): one recording's documents after
 * an upload, an edit or a delete. */
#include "index_update.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crash_point.h"
#include "index_build.h"
#include "index_schema.h"
#include "index_writer.h"
#include "path.h"
#include "recording.h"
#include "xindex.h"

/* One call of index_update_recording: its arguments and what it found. */
typedef struct recording_update {
	const char *archive_dir;
	const char *id;
	const char *path; /* the index */
	bool delegated;   /* index_update ran: at most once per call */
	bool removed;     /* the recording was only deleted from the index */
	char *err;
	size_t errlen;
} recording_update;

/* In db (a writer in a transaction): delete the recording's documents and,
 * if its folder holds a recording.json, index it again. */
static index_update_status change_recording(qx_db *db, recording_update *u)
{
	index_update_status status = INDEX_UPDATE_OK;
	char message[512] = "";
	char *dir = path_join(u->archive_dir, u->id);
	char *json = dir ? path_join(dir, "recording.json") : NULL;
	if (!json) {
		status = INDEX_UPDATE_NOMEM;
		goto out;
	}
	/* As archive_list sees it: a folder without recording.json (or no
	 * folder) is not a recording, so it has no place in the index. */
	struct stat st;
	if (lstat(json, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
		status =
		    index_writer_from_build(index_build_remove(db, u->id, message, sizeof message));
		u->removed = status == INDEX_UPDATE_OK;
	} else {
		index_writer_outcome outcome;
		status = index_writer_refresh(db, u->archive_dir, u->id, NULL, NULL, &outcome, NULL,
		                              message, sizeof message);
	}
	if (status == INDEX_UPDATE_SOME_FAILED)
		snprintf(u->err, u->errlen, "%s (not indexed; its previous version, if any, stays)",
		         message);
	else if (status != INDEX_UPDATE_OK)
		index_writer_report(status, u->path, message, u->err, u->errlen);
out:
	free(json);
	free(dir);
	return status;
}

/* The one-recording pass, in one transaction on the index in use. When
 * there is no index yet, or one of another schema, *needs_build is set
 * and INDEX_UPDATE_FAILED returned with err saying which: that is a whole
 * build's work. */
static index_update_status write_recording(recording_update *u, bool *needs_build)
{
	index_update_status status = INDEX_UPDATE_OK;
	qx_db *db = NULL;
	char *schema = NULL;
	bool in_transaction = false;
	qx_status qs;
	*needs_build = false;

	if (access(u->path, F_OK) != 0) {
		*needs_build = true;
		snprintf(u->err, u->errlen, "%s: no index", u->path);
		return INDEX_UPDATE_FAILED;
	}
	if ((status = index_writer_open_current(u->path, &db, u->err, u->errlen)) !=
	    INDEX_UPDATE_OK)
		goto out;
	if ((qs = qx_db_get_metadata(db, INDEX_META_SCHEMA, &schema)) != QX_OK)
		goto index_error;
	if (strcmp(schema, INDEX_SCHEMA_VERSION) != 0) {
		*needs_build = true;
		snprintf(u->err, u->errlen, "%s: the index has schema \"%s\", not \"%s\"", u->path,
		         schema, INDEX_SCHEMA_VERSION);
		status = INDEX_UPDATE_FAILED;
		goto out;
	}
	if ((qs = qx_db_begin(db)) != QX_OK)
		goto index_error;
	in_transaction = true;
	index_writer_pause();
	if ((status = change_recording(db, u)) != INDEX_UPDATE_OK)
		goto out;
	crash_point("index-uncommitted");
	if ((qs = qx_db_commit(db)) != QX_OK)
		goto index_error;
	in_transaction = false;
	crash_point("index-committed");
	goto out;

index_error:
	status = index_writer_failed(db, qs, u->path, u->err, u->errlen);
out:
	if (in_transaction)
		qx_db_cancel(db);
	qx_db_close(db);
	free(schema);
	return status;
}

/* One attempt of index_update_recording: the one-recording pass, or, when
 * there is no index yet or one of another schema, a whole build first. */
static index_update_status update_recording_once(recording_update *u)
{
	bool needs_build;
	index_update_status status = write_recording(u, &needs_build);
	if (!needs_build || u->delegated)
		return status;
	/* A whole build is index_update's (in a new generation, published
	 * atomically). It indexes this recording too; the one-recording pass
	 * then runs once more, for this recording's own status. */
	index_report report;
	status = index_update(u->archive_dir, false, NULL, &report, u->err, u->errlen);
	u->delegated = status != INDEX_UPDATE_BUSY;
	if (status != INDEX_UPDATE_OK && status != INDEX_UPDATE_SOME_FAILED)
		return status;
	u->err[0] = '\0';
	return write_recording(u, &needs_build);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

index_update_status index_update_recording(const char *archive_dir, const char *id,
                                           unsigned wait_ms, bool *removed, char *err,
                                           size_t errlen)
{
	err[0] = '\0';
	if (removed)
		*removed = false;
	if (!recording_id_valid(id)) {
		snprintf(err, errlen, "invalid recording id \"%.*s\"", 64, id ? id : "");
		return INDEX_UPDATE_FAILED;
	}
	char *path = index_path(archive_dir);
	if (!path) {
		snprintf(err, errlen, "out of memory");
		return INDEX_UPDATE_NOMEM;
	}
	recording_update u = {
	    .archive_dir = archive_dir, .id = id, .path = path, .err = err, .errlen = errlen};
	/* Another writer (qarchive index, another upload) holds the lock: try
	 * again with a backoff from 50 ms doubling to 1 s, until wait_ms have
	 * passed. A commit of one recording takes milliseconds; only a whole
	 * index run holds the lock longer. */
	double deadline = index_writer_now() + wait_ms / 1000.0;
	unsigned backoff = 50;
	index_update_status status;
	for (;;) {
		status = update_recording_once(&u);
		double left = deadline - index_writer_now();
		if (status != INDEX_UPDATE_BUSY || left <= 0)
			break;
		unsigned pause = left * 1000 < backoff ? (unsigned)(left * 1000) + 1 : backoff;
		sleep_ms(pause);
		backoff = backoff >= 500 ? 1000 : backoff * 2;
	}
	if (status == INDEX_UPDATE_NOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	if (removed)
		*removed = u.removed;
	free(path);
	return status;
}
