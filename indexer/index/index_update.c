#include "index_update.h"

#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "crash_point.h"
#include "errmsg.h"
#include "file_io.h"
#include "index_build.h"
#include "index_generation.h"
#include "index_schema.h"
#include "index_writer.h"
#include "path.h"
#include "str_hash.h"
#include "synonyms.h"
#include "word_count.h"
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
	case INDEX_UPDATE_DAMAGED:
		return INDEX_DAMAGED_MESSAGE;
	case INDEX_UPDATE_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

void index_damaged_message(const char *detail, char *out, size_t size)
{
	/* xindex words a DatabaseCorruptError "the index is damaged: <Xapian's
	 * message>", maybe after a recording's id or a context: the advice says
	 * the first part already. */
	static const char said[] = "the index is damaged: ";
	const char *part = detail ? strstr(detail, said) : NULL;
	if (part)
		detail = part + strlen(said);
	if (detail && detail[0])
		snprintf(out, size, "%s (%s)", INDEX_DAMAGED_MESSAGE, detail);
	else
		snprintf(out, size, "%s", INDEX_DAMAGED_MESSAGE);
}

char *index_path(const char *archive_dir)
{
	char *state = path_join(archive_dir, ARCHIVE_STATE_NAME);
	char *path = state ? path_join(state, INDEX_DIR_NAME) : NULL;
	free(state);
	return path;
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

/* Set metadata key to value unless it holds that already: a run that
 * changes nothing then commits nothing, and the index keeps its revision
 * (what a server caches per revision survives `qarchive serve`'s
 * catch-up at every start, and replicas have nothing to copy). */
static qx_status set_if_changed(qx_db *db, const char *key, const char *value)
{
	char *now = NULL;
	qx_status st = qx_db_get_metadata(db, key, &now);
	bool same = st == QX_OK && strcmp(now, value) == 0;
	free(now);
	return same ? QX_OK : qx_db_set_metadata(db, key, value);
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
		st = set_if_changed(db, INDEX_META_SYNONYMS, "");
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
	st = set_if_changed(db, INDEX_META_SYNONYMS, data);
out:
	free(data);
	free(path);
	return st;
}

/* Documents a full build adds between commits. A quarter of Xapian's own
 * default (XAPIAN_FLUSH_THRESHOLD, 10,000): our passages are small and
 * many, and a smaller batch keeps the inverter's in-memory maps small
 * enough to stay fast, so the build takes less time and less memory.
 * Measured (bench/RESULTS.md): on the 1,000-hour benchmark archive, median
 * 102.5 s at 5,000 against 109.8 s at 10,000, peak RSS 104 MB against
 * 155 MB; on 100 hours (CPU seconds, two runs each) 32.3-32.9 at 2,500,
 * 33.3-35.5 at 5,000, 40.5 at 10,000, 43.9 at 30,000, peak RSS 75 MB at
 * 2,500. The compacted index is the same whatever the batch. */
#define INDEX_COMMIT_DOCUMENTS 2500

static const char *failed_note(bool was_indexed, bool full_build)
{
	if (!was_indexed)
		return "";
	return full_build ? " (left out of the rebuilt index)"
	                  : " (its previous version stays indexed)";
}
/* One run of index_update: its arguments, and what it holds until
 * run_free releases it. */
typedef struct update_run {
	const char *archive_dir;
	bool force; /* reindex everything (also set for an index of another schema) */
	const index_callbacks *cb;
	index_report *report;
	char *err;
	size_t errlen;
	double started;

	char *state;              /* <archive>/.qarchive */
	char *path;               /* the index in use: a stub, or an old plain directory */
	archive_listing listing;  /* the archive's recordings */
	stored known;             /* what the index held when the run started */
	qx_db *db;                /* where this run writes */
	qx_db *holder;            /* the index in use, held (locked) during a full build */
	char *current;            /* the generation in use, when path is a stub */
	char *gen_name, *gen_dir; /* a full build's new generation */
	bool full_build;          /* writing a new generation, not updating in place */
	bool unlocked;            /* rebuilding an index too damaged to open: no holder */
	bool in_transaction;      /* an in-place run's transaction is open */
	bool published;           /* nothing unpublished to remove on the way out */
	size_t uncommitted;       /* documents a full build added since its last commit */
	/* The words of the recordings indexed since the last commit, for the
	 * spelling dictionary: handed to Xapian once each before every commit
	 * (run_spelling), not once for every recording that says them (a
	 * word said in 100 recordings costs one call, not 100). */
	word_count *spelling;
} update_run;

/* A call on handle db failed with qs: err names the index. */
static index_update_status run_index_failed(update_run *r, qx_db *db, qx_status qs)
{
	return index_writer_failed(db, qs, r->path, r->err, r->errlen);
}

/* List the archive, make sure the state directory exists, find the index. */
static index_update_status run_list(update_run *r)
{
	if (archive_list(r->archive_dir, &r->listing, r->err, r->errlen) != ARCHIVE_OK ||
	    archive_state_dir(r->archive_dir, &r->state) != ARCHIVE_OK) {
		if (!r->err[0])
			snprintf(r->err, r->errlen, "%s: cannot create the state directory",
			         r->archive_dir);
		return INDEX_UPDATE_FAILED;
	}
	for (size_t i = 0; i < r->listing.ignored_count; i++)
		problem(r->cb, "%s/%s: no recording.json: not a recording, ignored", r->archive_dir,
		        r->listing.ignored[i]);
	r->path = index_path(r->archive_dir);
	return r->path ? INDEX_UPDATE_OK : INDEX_UPDATE_NOMEM;
}

/* Read what the locked index (r->holder) holds: its schema, and its
 * recordings' fingerprints, so that unchanged recordings are skipped and
 * removed ones deleted. */
static index_update_status run_read_known(update_run *r)
{
	char *schema = NULL;
	qx_status qs = qx_db_get_metadata(r->holder, INDEX_META_SCHEMA, &schema);
	if (qs != QX_OK)
		return run_index_failed(r, r->holder, qs);
	if (strcmp(schema, INDEX_SCHEMA_VERSION) != 0)
		r->force = true;
	free(schema);
	qs = qx_db_each_metadata(r->holder, INDEX_META_RECORDING, collect_stored, &r->known);
	if (qs != QX_OK)
		return run_index_failed(r, r->holder, qs);
	return r->known.nomem ? INDEX_UPDATE_NOMEM : INDEX_UPDATE_OK;
}

/* The index in use is damaged (r->err says so). Without --force that is
 * the run's answer. With it, the run is a full build as usual, except that
 * nothing of the damaged index is read (so nothing is reported removed);
 * and if it was too damaged to open, no lock is held (r->unlocked): no
 * other writer can open it either, and what the build must not do then is
 * remove any generation but the damaged one (run_finish). */
static index_update_status run_damaged(update_run *r)
{
	if (!r->force)
		return INDEX_UPDATE_DAMAGED;
	if (!index_generation_is_stub(r->path)) {
		/* The old layout is updated in place: there is nothing to
		 * switch over to a new generation. */
		snprintf(
		    r->err, r->errlen,
		    "%s: the index is damaged: remove it and run `qarchive index` to rebuild it",
		    r->path);
		return INDEX_UPDATE_DAMAGED;
	}
	problem(r->cb, "%s: %s", r->path, "the index is damaged: rebuilding it from the archive");
	r->err[0] = '\0';
	stored_free(&r->known);
	memset(&r->known, 0, sizeof r->known);
	r->unlocked = !r->holder;
	return INDEX_UPDATE_OK;
}

/* The index exists: lock it (r->holder) and read it. Which way to build is
 * decided here (see index_generation.h): a full build (--force, or an
 * index of another schema) writes a new generation with periodic commits
 * and publishes it at the end; an incremental run updates the index in
 * place in one transaction. Either way, only whole runs become visible. */
static index_update_status run_read_index(update_run *r)
{
	index_update_status st = index_writer_open_current(r->path, &r->holder, r->err, r->errlen);
	if (st == INDEX_UPDATE_OK)
		st = run_read_known(r);
	if (st == INDEX_UPDATE_DAMAGED)
		st = run_damaged(r);
	if (st != INDEX_UPDATE_OK)
		return st;
	bool stub = index_generation_is_stub(r->path);
	r->full_build = r->force && stub;
	if (stub) {
		r->current = index_generation_current(r->path);
		/* Holding the lock, no other build is running, so any other
		 * generation is a leftover. Unless the stub could not be read:
		 * then the one in use is unknown, and nothing is removed. */
		if (r->current && r->holder)
			index_generation_remove_others(r->state, r->current);
	}
	return INDEX_UPDATE_OK;
}

/* Open where this run writes: a new generation for a full build, else the
 * index in use (taken over from r->holder) in a transaction. */
static index_update_status run_begin(update_run *r)
{
	if (!r->full_build) {
		r->db = r->holder;
		r->holder = NULL;
		qx_status qs = qx_db_begin(r->db);
		if (qs != QX_OK)
			return run_index_failed(r, r->db, qs);
		r->in_transaction = true;
		return INDEX_UPDATE_OK;
	}
	char why[ERRMSG_WHY_SIZE];
	int e = index_generation_create(r->state, &r->gen_name, &r->gen_dir);
	if (e) {
		snprintf(r->err, r->errlen, "%s: cannot create a new index: %s", r->state,
		         errmsg_strerror(e, why, sizeof why));
		return INDEX_UPDATE_FAILED;
	}
	index_update_status st = index_writer_open(r->gen_dir, &r->db, r->err, r->errlen);
	if (st != INDEX_UPDATE_OK || r->holder || r->unlocked)
		return st;
	/* No holder and not a damaged index's rebuild: the first index of this
	 * archive. Publish it (empty) now, exclusively, so that a second
	 * qarchive started meanwhile finds it and waits for its lock instead of
	 * building a rival. Until this run commits, searches see no results,
	 * as before. */
	e = index_generation_publish(r->path, r->gen_name, true);
	if (e) {
		snprintf(r->err, r->errlen, "%s: %s", r->path,
		         e == EEXIST ? "the index is busy: another qarchive is writing to it"
		                     : errmsg_strerror(e, why, sizeof why));
		return e == EEXIST ? INDEX_UPDATE_BUSY : INDEX_UPDATE_FAILED;
	}
	r->published = true;
	return INDEX_UPDATE_OK;
}

/* Hand the words counted since the last commit to the spelling dictionary
 * (the commit that follows makes them part of the index). */
static index_update_status run_spelling(update_run *r)
{
	char message[512];
	index_build_status bs = index_build_spelling(r->db, &r->spelling, message, sizeof message);
	if (bs == INDEX_BUILD_OK)
		return INDEX_UPDATE_OK;
	return index_writer_report(index_writer_from_build(bs), r->path, message, r->err,
	                           r->errlen);
}

/* Bring the archive's recording `name` up to date, and count it. */
static index_update_status run_recording(update_run *r, const char *name)
{
	index_report *report = r->report;
	char message[512] = "";
	ptrdiff_t known = stored_find(&r->known, name);
	if (known >= 0)
		r->known.seen[known] = true; /* present: not to be removed, even if it fails */
	index_build_counts counts = {0};
	index_writer_outcome outcome = INDEX_WRITER_INDEXED;
	index_update_status st =
	    index_writer_refresh(r->db, r->archive_dir, name,
	                         !r->force && known >= 0 ? r->known.fingerprints[known] : NULL,
	                         r->spelling, &outcome, &counts, message, sizeof message);
	if (st == INDEX_UPDATE_SOME_FAILED) {
		problem(r->cb, "%s%s", message, failed_note(known >= 0, r->full_build));
		report->failed++;
	} else if (st != INDEX_UPDATE_OK) {
		/* The index itself failed: nothing of this run is kept. */
		return index_writer_report(st, r->path, message, r->err, r->errlen);
	} else if (outcome == INDEX_WRITER_UNCHANGED) {
		report->unchanged++;
	} else {
		report->indexed++;
		report->cues += counts.cues;
		report->words += counts.words;
		r->uncommitted += counts.documents;
	}
	/* A full build commits as it goes, as Xapian's own indexers do:
	 * nothing is visible until the generation is published. */
	if (r->full_build && r->uncommitted >= INDEX_COMMIT_DOCUMENTS) {
		if ((st = run_spelling(r)) != INDEX_UPDATE_OK)
			return st;
		qx_status qs = qx_db_commit(r->db);
		if (qs != QX_OK)
			return run_index_failed(r, r->db, qs);
		r->uncommitted = 0;
	}
	report->done++;
	report->seconds = index_writer_now() - r->started;
	if (r->cb && r->cb->progress)
		r->cb->progress(report, r->cb->ctx);
	return INDEX_UPDATE_OK;
}

/* Every recording of the archive, then those the index holds that the
 * archive no longer has. */
/* Recordings in a fixed pseudo-random order (run_recordings). */
static int by_scatter(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	uint64_t hx = str_hash(x), hy = str_hash(y);
	return hx < hy ? -1 : hx > hy ? 1 : strcmp(x, y);
}

static index_update_status run_recordings(update_run *r)
{
	/* List the archive again now that this run holds the writer's lock:
	 * a recording added or deleted before (index_update_recording, which
	 * takes the same lock) is then seen as it is, not as it was when this
	 * run started: otherwise a recording indexed meanwhile would be
	 * deleted from the index as "removed". */
	archive_listing_free(&r->listing);
	if (archive_list(r->archive_dir, &r->listing, r->err, r->errlen) != ARCHIVE_OK)
		return INDEX_UPDATE_FAILED;
	index_writer_pause();
	/* A full build (or a first one) writes the recordings in a fixed
	 * pseudo-random order, not by name (which is by date): Xapian numbers
	 * documents in the order they are added and looks at matches in that
	 * order, so past check_at_least (search.h) the matches it looked at
	 * are then a sample of the whole archive, not its oldest recordings,
	 * and the estimated facets keep the archive's proportions (in date
	 * order, 1,000 hours of recordings spread evenly over four years
	 * counted "2023: 221, 2024: 41, 2025: 29, 2026: 20" for `memory`).
	 * An update in place adds its new recordings after the rest, by name.
	 * (An empty archive's list is NULL, which qsort must not be given.) */
	if ((r->full_build || r->known.count == 0) && r->listing.recording_count > 1)
		qsort(r->listing.recordings, r->listing.recording_count,
		      sizeof *r->listing.recordings, by_scatter);

	r->report->total = r->listing.recording_count;
	for (size_t i = 0; i < r->listing.recording_count; i++) {
		index_update_status st = run_recording(r, r->listing.recordings[i]);
		if (st != INDEX_UPDATE_OK)
			return st;
	}
	for (size_t i = 0; i < r->known.count; i++) {
		if (r->known.seen[i])
			continue;
		char message[512];
		/* A new generation never had the recording: nothing to delete. */
		if (!r->full_build) {
			index_update_status st = index_writer_from_build(
			    index_build_remove(r->db, r->known.ids[i], message, sizeof message));
			if (st != INDEX_UPDATE_OK)
				return index_writer_report(st, r->path, message, r->err, r->errlen);
		}
		r->report->removed++;
	}
	return INDEX_UPDATE_OK;
}

/* A full build's generation is compacted before it is published: its
 * periodic commits leave the B-trees' blocks about half full, and the
 * compact copy is ~44% smaller on 100 hours (read faster, copied to
 * replicas faster) for a few percent of the build's time
 * (bench/RESULTS.md). The copy is a generation of its own, made while the
 * build's is still open; from here on it is the one this run publishes,
 * and the build's is removed. A copy that fails (a full disk) is removed,
 * the problem reported, and the build's generation published as it is. */
#define NOT_COMPACTED "%s: the new index is not compacted: %s"
static void run_compact(update_run *r)
{
	char *name = NULL, *dir = NULL;
	char why[ERRMSG_WHY_SIZE];
	int e = index_generation_create(r->state, &name, &dir);
	if (e) {
		problem(r->cb, NOT_COMPACTED, r->state, errmsg_strerror(e, why, sizeof why));
		return;
	}
	if (qx_db_compact(r->db, dir) != QX_OK) {
		problem(r->cb, NOT_COMPACTED, dir, qx_db_errmsg(r->db));
		goto drop_copy;
	}
	crash_point("index-build-compacted");
	if (r->published && (e = index_generation_publish(r->path, name, false)) != 0) {
		/* The first index of the archive, published (empty) at the start
		 * (run_begin), stays as it is. */
		problem(r->cb, NOT_COMPACTED, r->path, errmsg_strerror(e, why, sizeof why));
		goto drop_copy;
	}
	/* Only now let go of the build's lock: a writer that was waiting for
	 * it finds the stub moved on and opens the copy
	 * (index_writer_open_current). */
	qx_db_close(r->db);
	r->db = NULL;
	index_generation_remove(r->state, r->gen_name);
	free(r->gen_name);
	free(r->gen_dir);
	r->gen_name = name;
	r->gen_dir = dir;
	return;
drop_copy:
	index_generation_remove(r->state, name);
	free(name);
	free(dir);
}

/* Store the synonyms and the schema, commit, and for a full build switch
 * the stub to the new generation. */
static index_update_status run_finish(update_run *r)
{
	index_update_status st = run_spelling(r);
	if (st != INDEX_UPDATE_OK)
		return st;
	qx_status qs = store_synonyms(r->db, r->archive_dir, r->cb, r->report);
	if (qs == QX_OK)
		qs = set_if_changed(r->db, INDEX_META_SCHEMA, INDEX_SCHEMA_VERSION);
	crash_point("index-update-uncommitted");
	if (qs == QX_OK)
		qs = qx_db_commit(r->db);
	if (qs != QX_OK)
		return run_index_failed(r, r->db, qs);
	r->in_transaction = false;
	if (r->full_build)
		run_compact(r);
	if (r->full_build && !r->published) {
		/* Close the new generation, switch the stub to it, then let go of
		 * the old one's lock and remove it. */
		qx_db_close(r->db);
		r->db = NULL;
		crash_point("index-build-unpublished");
		char why[ERRMSG_WHY_SIZE];
		int e = index_generation_publish(r->path, r->gen_name, false);
		if (e) {
			snprintf(r->err, r->errlen, "%s: cannot switch to the new index: %s",
			         r->path, errmsg_strerror(e, why, sizeof why));
			return INDEX_UPDATE_FAILED;
		}
		qx_db_close(r->holder);
		r->holder = NULL;
		if (!r->unlocked)
			index_generation_remove_others(r->state, r->gen_name);
		else if (r->current)
			index_generation_remove(r->state, r->current);
	}
	r->published = true;
	return INDEX_UPDATE_OK;
}

/* Undo what an unfinished run began, and release everything it holds. */
static void run_free(update_run *r)
{
	if (r->in_transaction)
		qx_db_cancel(r->db);
	if (r->gen_dir && !r->published) {
		/* An unfinished new generation is never used: remove it (only
		 * it: another build may have started one of its own). */
		qx_db_close(r->db);
		r->db = NULL;
		index_generation_remove(r->state, r->gen_name);
	}
	qx_db_close(r->holder);
	qx_db_close(r->db);
	free(r->gen_name);
	free(r->gen_dir);
	free(r->current);
	stored_free(&r->known);
	word_count_free(r->spelling);
	archive_listing_free(&r->listing);
	free(r->state);
	free(r->path);
}

index_update_status index_update(const char *archive_dir, bool force, const index_callbacks *cb,
                                 index_report *report, char *err, size_t errlen)
{
	update_run r = {.archive_dir = archive_dir,
	                .force = force,
	                .cb = cb,
	                .report = report,
	                .err = err,
	                .errlen = errlen,
	                .started = index_writer_now(),
	                .listing = ARCHIVE_LISTING_INIT};
	memset(report, 0, sizeof *report);
	err[0] = '\0';

	index_update_status status = run_list(&r);
	if (status == INDEX_UPDATE_OK && !(r.spelling = word_count_new()))
		status = INDEX_UPDATE_NOMEM;
	if (status == INDEX_UPDATE_OK) {
		if (access(r.path, F_OK) == 0)
			status = run_read_index(&r);
		else
			r.full_build = true; /* no index yet */
	}
	if (status == INDEX_UPDATE_OK)
		status = run_begin(&r);
	if (status == INDEX_UPDATE_OK)
		status = run_recordings(&r);
	if (status == INDEX_UPDATE_OK)
		status = run_finish(&r);
	if (status == INDEX_UPDATE_OK) {
		report->seconds = index_writer_now() - r.started;
		if (report->failed)
			status = INDEX_UPDATE_SOME_FAILED;
	}
	run_free(&r);
	if (status == INDEX_UPDATE_NOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	return status;
}
