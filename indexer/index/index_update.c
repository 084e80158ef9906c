#include "index_update.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "errmsg.h"
#include "file_io.h"
#include "index_build.h"
#include "index_generation.h"
#include "index_schema.h"
#include "path.h"
#include "recording.h"
#include "synonyms.h"
#include "xindex.h"

const char *index_update_status_str(index_update_status status)
{
	switch (status) {
	case INDEX_UPDATE_OK:
		return "ok";
	case INDEX_UPDATE_SOME_FAILED:
		return "some recordings failed";
	case INDEX_UPDATE_BUSY:
		return "the index is busy";
	case INDEX_UPDATE_FAILED:
		return "indexing failed";
	case INDEX_UPDATE_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

char *index_path(const char *archive_dir)
{
	char *state = path_join(archive_dir, ARCHIVE_STATE_NAME);
	char *path = state ? path_join(state, INDEX_DIR_NAME) : NULL;
	free(state);
	return path;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void problem(const index_callbacks *cb, const char *fmt, const char *a, const char *b)
{
	char message[1024];
	snprintf(message, sizeof message, fmt, a, b);
	if (cb && cb->problem)
		cb->problem(message, cb->ctx);
}

/* The recordings the index holds: id -> fingerprint, from their summaries. */
typedef struct stored {
	char **ids;
	char **fingerprints;
	bool *seen;
	size_t count, cap;
	bool nomem;
} stored;

static bool collect_stored(const char *key, const char *value, void *ctx)
{
	stored *s = ctx;
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **ids = realloc(s->ids, cap * sizeof *ids);
		if (ids)
			s->ids = ids;
		char **fps = realloc(s->fingerprints, cap * sizeof *fps);
		if (fps)
			s->fingerprints = fps;
		bool *seen = realloc(s->seen, cap * sizeof *seen);
		if (seen)
			s->seen = seen;
		if (!ids || !fps || !seen) {
			s->nomem = true;
			return false;
		}
		s->cap = cap;
	}
	json_t *summary = json_loads(value, 0, NULL);
	const char *fp = json_string_value(json_object_get(summary, "fingerprint"));
	s->ids[s->count] = strdup(key + strlen(INDEX_META_RECORDING));
	s->fingerprints[s->count] = strdup(fp ? fp : "");
	s->seen[s->count] = false;
	json_decref(summary);
	if (!s->ids[s->count] || !s->fingerprints[s->count]) {
		free(s->ids[s->count]);
		free(s->fingerprints[s->count]);
		s->nomem = true;
		return false;
	}
	s->count++;
	return true;
}

static void stored_free(stored *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->ids[i]);
		free(s->fingerprints[i]);
	}
	free(s->ids);
	free(s->fingerprints);
	free(s->seen);
}

static ptrdiff_t stored_find(const stored *s, const char *id)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->ids[i], id) == 0)
			return (ptrdiff_t)i;
	return -1;
}

/* Validate the archive's synonyms.txt and store its text in the index
 * (an empty value when there is none). A bad file is reported and the
 * previous synonyms kept. */
static qx_status store_synonyms(qx_db *db, const char *archive_dir, const index_callbacks *cb,
                                index_report *report)
{
	char *path = path_join(archive_dir, INDEX_SYNONYMS_FILE);
	if (!path)
		return QX_NOMEM;
	char *data = NULL;
	size_t len = 0;
	qx_status st = QX_OK;
	if (file_read_all(path, &data, &len) != 0) {
		st = qx_db_set_metadata(db, INDEX_META_SYNONYMS, "");
		goto out;
	}
	synonyms *syn = NULL;
	size_t line = 0;
	char err[256];
	if (synonyms_parse(data, len, &syn, &line, err, sizeof err) != SYNONYMS_OK) {
		(void)line; /* err already names the line */
		problem(cb, "%s: %s", path, err);
		report->failed++;
		goto out;
	}
	synonyms_free(syn);
	st = qx_db_set_metadata(db, INDEX_META_SYNONYMS, data);
out:
	free(data);
	free(path);
	return st;
}

/* Documents a full build adds between commits. Half Xapian's own default
 * (XAPIAN_FLUSH_THRESHOLD, 10,000): our passages are small and many, and
 * a smaller batch keeps the inverter's in-memory maps small enough to stay
 * fast, so the build takes less time and less memory. Measured on the
 * 1,000-hour benchmark archive (bench/RESULTS.md): median 102.5 s at 5,000
 * against 109.8 s at 10,000; peak RSS 104 MB against 155 MB. */
#define INDEX_COMMIT_DOCUMENTS 5000

static const char *failed_note(bool was_indexed, bool full_build)
{
	if (!was_indexed)
		return "";
	return full_build ? " (left out of the rebuilt index)"
	                  : " (its previous version stays indexed)";
}

static index_update_status open_writer(const char *path, qx_db **db, char *err, size_t errlen)
{
	char *open_err = NULL;
	qx_status qs = qx_db_open(path, true, db, &open_err);
	if (qs == QX_OK)
		return INDEX_UPDATE_OK;
	snprintf(err, errlen, "%s: %s", path,
	         qs == QX_LOCKED ? "the index is busy: another qarchive is writing to it"
	                         : (open_err ? open_err : qx_status_str(qs)));
	free(open_err);
	return qs == QX_LOCKED ? INDEX_UPDATE_BUSY : INDEX_UPDATE_FAILED;
}

/* Open the index in use (path: the stub, or a plain database directory)
 * for writing. Xapian reads the stub and then takes the lock of the
 * generation it names; a full build may publish a new generation in
 * between and then remove the old one, with this writer in it. So the stub
 * is read before and after the open: publishing always names a new
 * generation, so if both reads agree, the generation locked is the one in
 * use, and it stays so while the lock is held (a full build publishes only
 * while holding the lock of the generation in use, see index_update). */
static index_update_status open_current_writer(const char *path, qx_db **db, char *err,
                                               size_t errlen)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		char *before = index_generation_current(path);
		index_update_status st = open_writer(path, db, err, errlen);
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

/* What index_one did with a recording. */
typedef enum one_outcome {
	ONE_INDEXED,   /* (re)indexed */
	ONE_UNCHANGED, /* its fingerprint matched: skipped */
} one_outcome;

/* Bring recording `name` of archive_dir up to date in db (a writer in a
 * transaction or a new generation): load it, fingerprint it, and unless
 * its fingerprint equals `known` (NULL: always), rebuild its documents.
 * Returns INDEX_UPDATE_OK with *outcome set; INDEX_UPDATE_SOME_FAILED when
 * the recording is bad (message names the file and line; its documents are
 * left as they were); INDEX_UPDATE_FAILED or INDEX_UPDATE_NOMEM when the
 * index itself failed (message says why; the run must not be committed). */
static index_update_status index_one(qx_db *db, const char *archive_dir, const char *name,
                                     const char *known, one_outcome *outcome,
                                     index_build_counts *counts, char *message, size_t msglen)
{
	index_update_status status = INDEX_UPDATE_OK;
	char fingerprint[ARCHIVE_FINGERPRINT_HEX + 1];
	recording rec = RECORDING_INIT;
	char *dir = path_join(archive_dir, name);
	message[0] = '\0';
	if (!dir)
		return INDEX_UPDATE_NOMEM;
	if (recording_load_dir(dir, &rec, message, msglen) != RECORDING_OK ||
	    archive_fingerprint(dir, fingerprint, message, msglen) != ARCHIVE_OK) {
		status = INDEX_UPDATE_SOME_FAILED;
	} else if (known && strcmp(known, fingerprint) == 0) {
		*outcome = ONE_UNCHANGED;
	} else {
		index_build_status bs =
		    index_build_recording(db, &rec, fingerprint, counts, message, msglen);
		if (bs == INDEX_BUILD_OK)
			*outcome = ONE_INDEXED;
		else if (bs == INDEX_BUILD_BAD_INPUT)
			status = INDEX_UPDATE_SOME_FAILED;
		else
			status = bs == INDEX_BUILD_NOMEM ? INDEX_UPDATE_NOMEM : INDEX_UPDATE_FAILED;
	}
	recording_free(&rec);
	free(dir);
	return status;
}

/* A test hook: hold the writer's lock for QARCHIVE_INDEX_PAUSE seconds, so
 * tests can run a second writer, a search, or a kill -9 against a run in
 * progress. */
static void index_pause(void)
{
	const char *pause = getenv("QARCHIVE_INDEX_PAUSE");
	if (pause && atoi(pause) > 0)
		sleep((unsigned)atoi(pause));
}

index_update_status index_update(const char *archive_dir, bool force, const index_callbacks *cb,
                                 index_report *report, char *err, size_t errlen)
{
	index_update_status status = INDEX_UPDATE_OK;
	archive_listing listing = ARCHIVE_LISTING_INIT;
	stored st = {0};
	char *state = NULL, *path = NULL, *old_schema = NULL;
	qx_db *db = NULL;     /* where this run writes */
	qx_db *holder = NULL; /* the index in use, held (locked) during a full build */
	char *gen_name = NULL, *gen_dir = NULL, *current = NULL;
	bool in_transaction = false, full_build = false, published = false;
	size_t uncommitted = 0;
	double started = now();
	memset(report, 0, sizeof *report);
	err[0] = '\0';

	if (archive_list(archive_dir, &listing, err, errlen) != ARCHIVE_OK ||
	    archive_state_dir(archive_dir, &state) != ARCHIVE_OK) {
		if (!err[0])
			snprintf(err, errlen, "%s: cannot create the state directory", archive_dir);
		status = INDEX_UPDATE_FAILED;
		goto out;
	}
	for (size_t i = 0; i < listing.ignored_count; i++)
		problem(cb, "%s/%s: no recording.json: not a recording, ignored", archive_dir,
		        listing.ignored[i]);
	if (!(path = index_path(archive_dir))) {
		status = INDEX_UPDATE_NOMEM;
		goto out;
	}
	/* Which way to build: see index_generation.h. A full build (no index
	 * yet, --force, or an index of another schema) writes a new generation
	 * with periodic commits and publishes it at the end; an incremental run
	 * updates the index in place in one transaction. Either way, only
	 * whole runs become visible. */
	if (access(path, F_OK) == 0) {
		if ((status = open_current_writer(path, &holder, err, errlen)) != INDEX_UPDATE_OK)
			goto out;
		/* On a failed read the handle moves to db, where index_error
		 * reads its message and out closes it, once. */
		if (qx_db_get_metadata(holder, INDEX_META_SCHEMA, &old_schema) != QX_OK) {
			db = holder;
			holder = NULL;
			goto index_error;
		}
		if (strcmp(old_schema, INDEX_SCHEMA_VERSION) != 0)
			force = true;
		if (qx_db_each_metadata(holder, INDEX_META_RECORDING, collect_stored, &st) !=
		    QX_OK) {
			db = holder;
			holder = NULL;
			goto index_error;
		}
		if (st.nomem) {
			status = INDEX_UPDATE_NOMEM;
			goto out;
		}
		full_build = force && index_generation_is_stub(path);
		if (index_generation_is_stub(path)) {
			/* We hold the lock: no other build is running, so any
			 * other generation is a leftover. */
			current = index_generation_current(path);
			index_generation_remove_others(state, current);
		}
	} else {
		full_build = true;
	}
	if (full_build) {
		char why[ERRMSG_WHY_SIZE];
		int e = index_generation_create(state, &gen_name, &gen_dir);
		if (e) {
			snprintf(err, errlen, "%s: cannot create a new index: %s", state,
			         errmsg_strerror(e, why, sizeof why));
			status = INDEX_UPDATE_FAILED;
			goto out;
		}
		if ((status = open_writer(gen_dir, &db, err, errlen)) != INDEX_UPDATE_OK)
			goto out;
		if (!holder) {
			/* The first index of this archive: publish it (empty) now,
			 * exclusively, so that a second qarchive started meanwhile
			 * finds it and waits for its lock instead of building a
			 * rival. Until this run commits, searches see no results, as
			 * before. */
			e = index_generation_publish(path, gen_name, true);
			if (e) {
				snprintf(
				    err, errlen, "%s: %s", path,
				    e == EEXIST
				        ? "the index is busy: another qarchive is writing to it"
				        : errmsg_strerror(e, why, sizeof why));
				status = e == EEXIST ? INDEX_UPDATE_BUSY : INDEX_UPDATE_FAILED;
				goto out;
			}
			published = true;
		}
	} else {
		db = holder;
		holder = NULL;
		if (qx_db_begin(db) != QX_OK)
			goto index_error;
		in_transaction = true;
	}
	/* List the archive again now that this run holds the writer's lock:
	 * a recording added or deleted before (index_update_recording, which
	 * takes the same lock) is then seen as it is, not as it was when this
	 * run started: otherwise a recording indexed meanwhile would be
	 * deleted from the index as "removed". */
	archive_listing_free(&listing);
	if (archive_list(archive_dir, &listing, err, errlen) != ARCHIVE_OK) {
		status = INDEX_UPDATE_FAILED;
		goto out;
	}
	index_pause();

	report->total = listing.recording_count;
	for (size_t i = 0; i < listing.recording_count; i++) {
		const char *name = listing.recordings[i];
		char message[512] = "";
		ptrdiff_t known = stored_find(&st, name);
		if (known >= 0)
			st.seen[known] = true; /* present: not to be removed, even if it fails */
		index_build_counts counts = {0};
		one_outcome outcome = ONE_INDEXED;
		index_update_status os = index_one(
		    db, archive_dir, name, !force && known >= 0 ? st.fingerprints[known] : NULL,
		    &outcome, &counts, message, sizeof message);
		if (os == INDEX_UPDATE_SOME_FAILED) {
			problem(cb, "%s%s", message, failed_note(known >= 0, full_build));
			report->failed++;
		} else if (os != INDEX_UPDATE_OK) {
			/* The index itself failed: nothing of this run is kept. */
			snprintf(err, errlen, "%s", message);
			status = os;
			goto out;
		} else if (outcome == ONE_UNCHANGED) {
			report->unchanged++;
		} else {
			report->indexed++;
			report->cues += counts.cues;
			report->words += counts.words;
			uncommitted += counts.documents;
		}
		/* A full build commits as it goes, as Xapian's own indexers do:
		 * nothing is visible until the generation is published. */
		if (full_build && uncommitted >= INDEX_COMMIT_DOCUMENTS) {
			if (qx_db_commit(db) != QX_OK)
				goto index_error;
			uncommitted = 0;
		}
		report->done++;
		report->seconds = now() - started;
		if (cb && cb->progress)
			cb->progress(report, cb->ctx);
	}
	for (size_t i = 0; i < st.count; i++) {
		if (st.seen[i])
			continue;
		char message[512];
		/* A new generation never had the recording: nothing to delete. */
		if (!full_build &&
		    index_build_remove(db, st.ids[i], message, sizeof message) != INDEX_BUILD_OK) {
			snprintf(err, errlen, "%s", message);
			status = INDEX_UPDATE_FAILED;
			goto out;
		}
		report->removed++;
	}
	if (store_synonyms(db, archive_dir, cb, report) != QX_OK ||
	    qx_db_set_metadata(db, INDEX_META_SCHEMA, INDEX_SCHEMA_VERSION) != QX_OK)
		goto index_error;
	if (qx_db_commit(db) != QX_OK)
		goto index_error;
	in_transaction = false;
	if (full_build && !published) {
		/* Close the new generation, switch the stub to it, then let go of
		 * the old one's lock and remove it. */
		qx_db_close(db);
		db = NULL;
		char why[ERRMSG_WHY_SIZE];
		int e = index_generation_publish(path, gen_name, false);
		if (e) {
			snprintf(err, errlen, "%s: cannot switch to the new index: %s", path,
			         errmsg_strerror(e, why, sizeof why));
			status = INDEX_UPDATE_FAILED;
			goto out;
		}
		qx_db_close(holder);
		holder = NULL;
		index_generation_remove_others(state, gen_name);
	}
	published = true;
	report->seconds = now() - started;
	if (report->failed)
		status = INDEX_UPDATE_SOME_FAILED;
	goto out;

index_error:
	snprintf(err, errlen, "%s: %s", path ? path : archive_dir, qx_db_errmsg(db));
	status = INDEX_UPDATE_FAILED;
out:
	if (in_transaction)
		qx_db_cancel(db);
	qx_db_close(holder);
	if (gen_dir && !published) {
		/* An unfinished new generation is never used: remove it. */
		qx_db_close(db);
		db = NULL;
		index_generation_remove_others(state, current);
	}
	free(gen_name);
	free(gen_dir);
	free(current);
	if (status == INDEX_UPDATE_NOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	qx_db_close(db);
	stored_free(&st);
	archive_listing_free(&listing);
	free(old_schema);
	free(state);
	free(path);
	return status;
}

/* One attempt of index_update_recording. *delegated says whether this
 * attempt ran the full index_update (at most once per call). */
static index_update_status update_recording_once(const char *archive_dir, const char *id,
                                                 const char *path, bool *delegated, bool *removed,
                                                 char *err, size_t errlen)
{
	index_update_status status = INDEX_UPDATE_OK;
	qx_db *db = NULL;
	char *schema = NULL, *dir = NULL, *json = NULL;
	bool in_transaction = false;
	char message[512] = "";

	/* No index yet, or one of another schema: that is a whole build, which
	 * index_update does (in a new generation, published atomically). It
	 * indexes this recording too; the one-recording pass below then runs
	 * again for this recording's own status. */
	if (access(path, F_OK) != 0) {
		index_report report;
		if (*delegated) {
			snprintf(err, errlen, "%s: no index", path);
			status = INDEX_UPDATE_FAILED;
			goto out;
		}
		status = index_update(archive_dir, false, NULL, &report, err, errlen);
		*delegated = status != INDEX_UPDATE_BUSY;
		if (status != INDEX_UPDATE_OK && status != INDEX_UPDATE_SOME_FAILED)
			goto out;
		status = INDEX_UPDATE_OK;
		err[0] = '\0';
	}
	if ((status = open_current_writer(path, &db, err, errlen)) != INDEX_UPDATE_OK)
		goto out;
	if (qx_db_get_metadata(db, INDEX_META_SCHEMA, &schema) != QX_OK)
		goto index_error;
	if (strcmp(schema, INDEX_SCHEMA_VERSION) != 0) {
		if (*delegated) {
			snprintf(err, errlen, "%s: the index has schema \"%s\", not \"%s\"", path,
			         schema, INDEX_SCHEMA_VERSION);
			status = INDEX_UPDATE_FAILED;
			goto out;
		}
		qx_db_close(db);
		db = NULL;
		index_report report;
		status = index_update(archive_dir, false, NULL, &report, err, errlen);
		*delegated = status != INDEX_UPDATE_BUSY;
		if (status == INDEX_UPDATE_OK || status == INDEX_UPDATE_SOME_FAILED) {
			err[0] = '\0';
			status = update_recording_once(archive_dir, id, path, delegated, removed,
			                               err, errlen);
		}
		goto out;
	}
	if (qx_db_begin(db) != QX_OK)
		goto index_error;
	in_transaction = true;
	index_pause();
	if (!(dir = path_join(archive_dir, id)) || !(json = path_join(dir, "recording.json"))) {
		status = INDEX_UPDATE_NOMEM;
		goto out;
	}
	/* As archive_list sees it: a folder without recording.json (or no
	 * folder) is not a recording, so it has no place in the index. */
	struct stat st;
	if (lstat(json, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
		if (index_build_remove(db, id, message, sizeof message) != INDEX_BUILD_OK) {
			snprintf(err, errlen, "%s", message);
			status = INDEX_UPDATE_FAILED;
			goto out;
		}
		*removed = true;
	} else {
		one_outcome outcome;
		status =
		    index_one(db, archive_dir, id, NULL, &outcome, NULL, message, sizeof message);
		if (status != INDEX_UPDATE_OK) {
			snprintf(err, errlen, "%s%s", message,
			         status == INDEX_UPDATE_SOME_FAILED
			             ? " (not indexed; its previous version, if any, stays)"
			             : "");
			goto out;
		}
	}
	if (qx_db_commit(db) != QX_OK)
		goto index_error;
	in_transaction = false;
	goto out;

index_error:
	snprintf(err, errlen, "%s: %s", path, qx_db_errmsg(db));
	status = INDEX_UPDATE_FAILED;
out:
	if (in_transaction)
		qx_db_cancel(db);
	qx_db_close(db);
	if (status == INDEX_UPDATE_NOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	free(schema);
	free(json);
	free(dir);
	return status;
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
	bool delegated = false, gone = false;
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
	/* Another writer (qarchive index, another upload) holds the lock: try
	 * again with a backoff from 50 ms doubling to 1 s, until wait_ms have
	 * passed. A commit of one recording takes milliseconds; only a whole
	 * index run holds the lock longer. */
	double deadline = now() + wait_ms / 1000.0;
	unsigned backoff = 50;
	index_update_status status;
	for (;;) {
		status =
		    update_recording_once(archive_dir, id, path, &delegated, &gone, err, errlen);
		double left = deadline - now();
		if (status != INDEX_UPDATE_BUSY || left <= 0)
			break;
		unsigned pause = left * 1000 < backoff ? (unsigned)(left * 1000) + 1 : backoff;
		sleep_ms(pause);
		backoff = backoff >= 500 ? 1000 : backoff * 2;
	}
	if (removed)
		*removed = gone;
	free(path);
	return status;
}
