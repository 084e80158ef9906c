/* Shards made of symlinks to the archive's recordings (index_shards.h):
 * a shard is an ordinary archive, so its index is built, updated and
 * checked as any other is, and nothing about a recording's documents
 * depends on which shard holds it. */
#include "index_shards.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "recording.h"

/* More shards than this is a mistake (a key per recording?), not a plan. */
#define SHARDS_MAX 256

typedef struct shard_plan {
	char *names[SHARDS_MAX]; /* the shards' keys, owned */
	size_t count;
	char **key_of; /* the archive's recordings' keys (borrowed from names),
	                * NULL for one that did not load */
} shard_plan;

/* dir/name into out (PATH_MAX bytes); a path that does not fit is an
 * error, never a shorter path naming something else. */
static bool join_path(char *out, const char *dir, const char *name, char *err, size_t errlen)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
	if (n >= 0 && n < PATH_MAX)
		return true;
	snprintf(err, errlen, "%s/%s: path too long", dir, name);
	return false;
}

bool index_shard_by_parse(const char *name, index_shard_by *by)
{
	if (strcmp(name, "series") == 0)
		*by = INDEX_SHARD_BY_SERIES;
	else if (strcmp(name, "year") == 0)
		*by = INDEX_SHARD_BY_YEAR;
	else
		return false;
	return true;
}

/* The shard named key, added when new; NULL when there are too many or
 * out of memory (err says which). */
static char *plan_shard(shard_plan *plan, const char *key, char *err, size_t errlen)
{
	for (size_t i = 0; i < plan->count; i++)
		if (strcmp(plan->names[i], key) == 0)
			return plan->names[i];
	if (plan->count == SHARDS_MAX) {
		snprintf(err, errlen, "more than %d shards: split by something coarser",
		         SHARDS_MAX);
		return NULL;
	}
	if (!(plan->names[plan->count] = strdup(key))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return plan->names[plan->count++];
}

/* Each recording's key, and the shards: those keys, then the shards
 * already in shards_dir (one that no recording keeps is emptied, not
 * left holding what moved). */
static index_update_status plan_shards(const char *archive, const archive_listing *ls,
                                       index_shard_by by, const char *shards_dir,
                                       const index_callbacks *cb, shard_plan *plan, char *err,
                                       size_t errlen)
{
	if (!(plan->key_of =
	          calloc(ls->recording_count ? ls->recording_count : 1, sizeof *plan->key_of)))
		return INDEX_UPDATE_NOMEM;
	for (size_t i = 0; i < ls->recording_count; i++) {
		char dir[PATH_MAX], why[512], key[32];
		recording rec = RECORDING_INIT;
		if (!join_path(dir, archive, ls->recordings[i], err, errlen))
			return INDEX_UPDATE_FAILED;
		if (recording_load_dir(dir, &rec, why, sizeof why) != RECORDING_OK) {
			if (cb && cb->problem)
				cb->problem(why, cb->ctx);
			continue;
		}
		if (by == INDEX_SHARD_BY_SERIES)
			snprintf(key, sizeof key, "%s", recording_kind_str(rec.meta.kind));
		else
			snprintf(key, sizeof key, "%04d", recording_year(&rec.meta));
		recording_free(&rec);
		if (!(plan->key_of[i] = plan_shard(plan, key, err, errlen)))
			return INDEX_UPDATE_FAILED;
	}
	DIR *d = opendir(shards_dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", shards_dir, strerror(errno));
		return INDEX_UPDATE_FAILED;
	}
	index_update_status st = INDEX_UPDATE_OK;
	for (struct dirent *e; st == INDEX_UPDATE_OK && (e = readdir(d)) != NULL;) {
		struct stat sb;
		char path[PATH_MAX];
		if (!join_path(path, shards_dir, e->d_name, err, errlen)) {
			st = INDEX_UPDATE_FAILED;
			break;
		}
		if (e->d_name[0] != '.' && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    !plan_shard(plan, e->d_name, err, errlen))
			st = INDEX_UPDATE_FAILED;
	}
	closedir(d);
	return st;
}

/* name in shard dir `dir` as a symlink to target, or gone (target NULL).
 * Only symlinks are replaced or removed: anything else there is refused. */
static bool set_link(const char *dir, const char *name, const char *target, char *err,
                     size_t errlen)
{
	char path[PATH_MAX], now[PATH_MAX];
	if (!join_path(path, dir, name, err, errlen))
		return false;
	ssize_t n = readlink(path, now, sizeof now - 1);
	if (n >= 0) {
		now[n] = '\0';
		if (target && strcmp(now, target) == 0)
			return true;
		if (unlink(path) != 0)
			goto fail;
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: in a shard, and not a link to a recording", path);
		return false;
	}
	if (!target || symlink(target, path) == 0)
		return true;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return false;
}

/* Shard `name`'s links: one to each recording of its key and to the
 * archive's synonyms.txt; links to any other recording go. */
static bool link_shard(const char *archive, const archive_listing *ls, const shard_plan *plan,
                       const char *name, const char *shard, char *err, size_t errlen)
{
	char target[PATH_MAX];
	if (mkdir(shard, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", shard, strerror(errno));
		return false;
	}
	for (size_t i = 0; i < ls->recording_count; i++) {
		bool here = plan->key_of[i] == name;
		if (!join_path(target, archive, ls->recordings[i], err, errlen))
			return false;
		if (!set_link(shard, ls->recordings[i], here ? target : NULL, err, errlen))
			return false;
	}
	/* A recording gone from the archive: its link is dangling. */
	bool ok = true;
	DIR *d = opendir(shard);
	for (struct dirent *e; d && ok && (e = readdir(d)) != NULL;) {
		struct stat sb;
		if (!join_path(target, shard, e->d_name, err, errlen)) {
			ok = false;
			break;
		}
		if (e->d_name[0] != '.' && lstat(target, &sb) == 0 && S_ISLNK(sb.st_mode) &&
		    stat(target, &sb) != 0)
			ok = set_link(shard, e->d_name, NULL, err, errlen);
	}
	if (d)
		closedir(d);
	struct stat sb;
	if (!ok || !join_path(target, archive, INDEX_SYNONYMS_FILE, err, errlen))
		return false;
	return set_link(shard, INDEX_SYNONYMS_FILE, stat(target, &sb) == 0 ? target : NULL, err,
	                errlen);
}

static void report_add(index_report *sum, const index_report *r)
{
	sum->total += r->total;
	sum->done += r->done;
	sum->indexed += r->indexed;
	sum->unchanged += r->unchanged;
	sum->removed += r->removed;
	sum->failed += r->failed;
	sum->cues += r->cues;
	sum->words += r->words;
	sum->seconds += r->seconds;
}

/* Link and index each planned shard; the worst status wins. */
static index_update_status build_each(const char *archive, const archive_listing *ls,
                                      const shard_plan *plan, const char *shards_dir, bool force,
                                      const index_callbacks *cb, index_report *report, char *err,
                                      size_t errlen)
{
	index_update_status worst = INDEX_UPDATE_OK;
	for (size_t k = 0; k < plan->count; k++) {
		char shard[PATH_MAX];
		index_report r;
		if (!join_path(shard, shards_dir, plan->names[k], err, errlen))
			return INDEX_UPDATE_FAILED;
		if (!link_shard(archive, ls, plan, plan->names[k], shard, err, errlen))
			return INDEX_UPDATE_FAILED;
		index_update_status st = index_update(shard, force, cb, &r, err, errlen);
		if (st != INDEX_UPDATE_OK && st != INDEX_UPDATE_SOME_FAILED)
			return st;
		report_add(report, &r);
		if (st == INDEX_UPDATE_SOME_FAILED)
			worst = st;
	}
	return worst;
}

index_update_status index_shards_build(const char *archive_dir, index_shard_by by,
                                       const char *shards_dir, bool force,
                                       const index_callbacks *cb, index_report *report,
                                       size_t *shard_count, char *err, size_t errlen)
{
	char archive[PATH_MAX];
	archive_listing ls = ARCHIVE_LISTING_INIT;
	shard_plan plan = {{NULL}, 0, NULL};
	*report = (index_report){0};
	if (shard_count)
		*shard_count = 0;
	err[0] = '\0';
	/* Links hold absolute paths: a shard is read from anywhere. */
	char cwd[PATH_MAX];
	if (archive_dir[0] != '/' && !getcwd(cwd, sizeof cwd)) {
		snprintf(err, errlen, "the current directory: %s", strerror(errno));
		return INDEX_UPDATE_FAILED;
	}
	if ((size_t)snprintf(archive, sizeof archive, "%s%s%s", archive_dir[0] == '/' ? "" : cwd,
	                     archive_dir[0] == '/' ? "" : "/", archive_dir) >= sizeof archive) {
		snprintf(err, errlen, "%s: too long a path", archive_dir);
		return INDEX_UPDATE_FAILED;
	}
	if (mkdir(shards_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", shards_dir, strerror(errno));
		return INDEX_UPDATE_FAILED;
	}
	index_update_status st = INDEX_UPDATE_FAILED;
	archive_status as = archive_list(archive, &ls, err, errlen);
	if (as == ARCHIVE_NOMEM)
		st = INDEX_UPDATE_NOMEM;
	else if (as == ARCHIVE_OK)
		st = plan_shards(archive, &ls, by, shards_dir, cb, &plan, err, errlen);
	if (st == INDEX_UPDATE_OK)
		st = build_each(archive, &ls, &plan, shards_dir, force, cb, report, err, errlen);
	if (shard_count && (st == INDEX_UPDATE_OK || st == INDEX_UPDATE_SOME_FAILED))
		*shard_count = plan.count;
	for (size_t k = 0; k < plan.count; k++)
		free(plan.names[k]);
	free(plan.key_of);
	archive_listing_free(&ls);
	if (st == INDEX_UPDATE_NOMEM)
		snprintf(err, errlen, "out of memory");
	return st;
}
