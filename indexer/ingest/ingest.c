#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "crash_point.h"
#include "file_io.h"
#include "fs_ops.h"
#include "ingest_internal.h"
#include "log_line.h"
#include "media_faststart.h"
#include "number.h"
#include "path.h"
#include "recording.h"
#include "state_dirs.h"
#include "test_pause.h"

/* How many ids one title may take on one date ("-2" ... "-1000"): far more
 * than any archive holds, few enough that a broken rename cannot loop long. */
#define INGEST_MAX_SUFFIX 1000

/* The validated inputs, read into memory (all but the media). */
typedef struct staged {
	recording_meta meta;
	char *json; /* recording.json's text */
	char media_ext[16];
	char *transcript;
	size_t transcript_len;
	const char *transcript_ext; /* "vtt" or "srt" */
	char *agenda;
	size_t agenda_len;
	char *notes;
	size_t notes_len;
	char *qa;
	size_t qa_len;
} staged;

static void staged_free(staged *s)
{
	recording_meta_free(&s->meta);
	free(s->json);
	free(s->transcript);
	free(s->agenda);
	free(s->notes);
	free(s->qa);
}

/* Steps 1-2 (ingest.h). Metadata without a date, beside media, is checked
 * with today's and then, when the media names the day it was made, again
 * with that one: its other fields' errors still come first, as they
 * would with a date. */
static ingest_status check_metadata_and_media(const ingest_input *in, staged *s, ingest_error *err)
{
	bool media = ingest_file_given(&in->media);
	bool undated =
	    media && json_is_object(in->metadata) && !json_object_get(in->metadata, "date");
	json_t *dated = undated ? json_copy((json_t *)in->metadata) : NULL;
	char day[11] = "", today[11] = "";
	time_t now = time(NULL);
	struct tm local;
	if (undated && (!dated || !localtime_r(&now, &local) ||
	                strftime(today, sizeof today, "%Y-%m-%d", &local) != 10 ||
	                json_object_set_new(dated, "date", json_string(today)) != 0)) {
		json_decref(dated);
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	}
	memcpy(day, today, sizeof day);
	ingest_status st = ingest_check_metadata(dated ? dated : in->metadata, &s->meta, err);
	if (st == INGEST_OK && media && !in->media.path)
		st = ingest_fail(err, INGEST_BAD_INPUT, "media",
		                 "must be given as a file, not as text");
	else if (st == INGEST_OK && media)
		st = ingest_check_media(in->media.path, in->media.name,
		                        !ingest_file_given(&in->transcript), s->media_ext,
		                        sizeof s->media_ext, undated ? day : NULL, err);
	if (st == INGEST_OK && undated && strcmp(day, today) != 0) {
		recording_meta_free(&s->meta);
		st = json_object_set_new(dated, "date", json_string(day)) != 0
		         ? ingest_fail(err, INGEST_NOMEM, "", "out of memory")
		         : ingest_check_metadata(dated, &s->meta, err);
	}
	json_decref(dated);
	return st;
}

/* Steps 1-4 (ingest.h): everything is checked before anything is written. */
static ingest_status validate(const ingest_input *in, staged *s, ingest_error *err)
{
	ingest_status st;
	if ((st = check_metadata_and_media(in, s, err)) != INGEST_OK)
		return st;
	if (ingest_file_given(&in->transcript)) {
		if ((st = ingest_read_text(&in->transcript, "transcript", &s->transcript,
		                           &s->transcript_len, err)) != INGEST_OK ||
		    (st = ingest_check_transcript(s->transcript, s->transcript_len,
		                                  in->transcript.name, &s->transcript_ext, err)) !=
		        INGEST_OK)
			return st;
	}
	if (ingest_file_given(&in->agenda)) {
		if ((st = ingest_read_text(&in->agenda, "agenda", &s->agenda, &s->agenda_len,
		                           err)) != INGEST_OK ||
		    (st = ingest_check_agenda(s->agenda, s->agenda_len, err)) != INGEST_OK)
			return st;
	}
	if (ingest_file_given(&in->notes)) {
		if ((st = ingest_read_text(&in->notes, "notes", &s->notes, &s->notes_len, err)) !=
		        INGEST_OK ||
		    (st = ingest_check_notes(s->notes, s->notes_len, err)) != INGEST_OK)
			return st;
	}
	if (ingest_file_given(&in->qa)) {
		if ((st = ingest_read_text(&in->qa, "qa", &s->qa, &s->qa_len, err)) != INGEST_OK ||
		    (st = ingest_check_qa(s->qa, s->qa_len, err)) != INGEST_OK ||
		    (s->transcript &&
		     (st = ingest_check_qa_fits(s->qa, s->qa_len, s->transcript, s->transcript_len,
		                                in->transcript.name, err)) != INGEST_OK))
			return st;
	}
	if (!(s->json = ingest_metadata_text(&s->meta)))
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	return INGEST_OK;
}

/* A test hook (test_pause.h): pause for QARCHIVE_INGEST_PAUSE seconds once
 * the staging folder is complete and before it is moved into the archive,
 * so a test can kill -9 an upload in the middle. */
static void ingest_pause(void)
{
	test_pause("QARCHIVE_INGEST_PAUSE");
}

/* Step 5's folder, <archive>/.qarchive/uploads/tmp/ingest-XXXXXX, and what
 * has gone into it. Until it is in the archive, staging_close undoes it. */
typedef struct staging {
	char *tmp_dir; /* uploads/tmp */
	int tmp_fd;
	char *path;       /* the staging folder, tmp_dir/ingest-XXXXXX */
	const char *name; /* its last part, in path; NULL once nothing is to be undone */
	int fd;           /* the staging folder, flocked while it is ours */
	char media_name[32];
	bool media_moved, media_copied; /* the input media file went in this way */
} staging;

#define STAGING_INIT                                                                               \
	{                                                                                          \
		NULL, -1, NULL, NULL, -1, "", false, false                                         \
	}

/* Make the staging folder, lock it, and give it an archive folder's mode. */
static ingest_status staging_open(const char *archive_dir, staging *g, ingest_error *err)
{
	if (!(g->tmp_dir = state_dirs_path(archive_dir, STATE_UPLOADS_TMP_DIR)) ||
	    !(g->path = path_join(g->tmp_dir, INGEST_STAGING_PREFIX "XXXXXX")))
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	if ((g->tmp_fd = open(g->tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ingest_fail_errno(err, errno, "", "cannot open", g->tmp_dir);
	if (!mkdtemp(g->path)) {
		ingest_status st =
		    ingest_fail_errno(err, errno, "", "cannot create a folder in", g->tmp_dir);
		free(g->path);
		g->path = NULL;
		return st;
	}
	g->name = strrchr(g->path, '/') + 1;
	if ((g->fd = open(g->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ingest_fail_errno(err, errno, "", "cannot open", g->path);
	fs_lock(g->fd);
	/* mkdtemp makes it 0700; in the archive it is an ordinary folder. */
	if (fchmod(g->fd, INGEST_DIR_MODE) != 0)
		return ingest_fail_errno(err, errno, "", "cannot set the mode of", g->path);
	return INGEST_OK;
}

/* The media into the staging folder as media.<ext>: moved when the caller
 * lets it go and the file system allows, else copied. */
/* An MP4 or MOV with its index (moov) at the end goes in as a +faststart
 * copy (media_faststart.h), so that a player can start anywhere without
 * reading the file's end first. The input stays as it is until the
 * recording is in the archive (then it is consumed as a copied one is);
 * if the copy fails, the input goes in unchanged and the log says why.
 * Returns true when the copy is in the staging folder. */
static bool staging_add_faststart(staging *g, const ingest_input *in)
{
	bool needed = false;
	char why[300] = "";
	if (media_faststart_needed(in->media.path, &needed, why, sizeof why) != MEDIA_OK || !needed)
		return false;
	char *dst = path_join(g->path, g->media_name);
	media_status ms =
	    dst ? media_faststart_copy(in->media.path, dst, why, sizeof why) : MEDIA_NOMEM;
	free(dst);
	if (ms != MEDIA_OK) {
		log_say("ingest", "%s: kept as it is, with its index (moov) at the end: %s",
		        in->media.name ? in->media.name : in->media.path,
		        ms == MEDIA_NOMEM ? "out of memory" : why);
		return false;
	}
	fchmodat(g->fd, g->media_name, INGEST_FILE_MODE, 0);
	g->media_copied = true;
	return true;
}

static ingest_status staging_add_media(staging *g, const ingest_input *in, const char *ext,
                                       ingest_error *err)
{
	snprintf(g->media_name, sizeof g->media_name, "media.%s", ext);
	if (staging_add_faststart(g, in))
		return INGEST_OK;
	int e = EXDEV;
	if (!in->options.copy)
		e = renameat(AT_FDCWD, in->media.path, g->fd, g->media_name) == 0 ? 0 : errno;
	g->media_moved = e == 0;
	if (e == EXDEV) {
		/* Another file system (or asked to): copy. */
		e = fs_copy_file_at(in->media.path, g->fd, g->media_name, INGEST_FILE_MODE);
		g->media_copied = e == 0;
	} else if (e == 0) {
		fchmodat(g->fd, g->media_name, INGEST_FILE_MODE, 0);
		e = fs_sync_file_at(g->fd, g->media_name);
	}
	if (e)
		return ingest_fail_errno(err, e, "media", "cannot move", in->media.path);
	return INGEST_OK;
}

/* Write the small files into the staging folder. */
static ingest_status write_text_files(int fd, const char *dir, const staged *s, const char *origin,
                                      ingest_error *err)
{
	char name[32];
	struct {
		const char *name, *data;
		size_t len;
	} files[] = {
	    {"recording.json", s->json, strlen(s->json)},
	    {name, s->transcript, s->transcript_len},
	    {"agenda.md", s->agenda, s->agenda_len},
	    {"notes.md", s->notes, s->notes_len},
	    {"qa.md", s->qa, s->qa_len},
	};
	snprintf(name, sizeof name, "transcript.%s", s->transcript_ext ? s->transcript_ext : "vtt");
	if (origin) {
		int e = fs_write_file_at(fd, INGEST_ORIGIN_FILE, origin, strlen(origin),
		                         INGEST_FILE_MODE);
		if (e)
			return ingest_fail_errno(err, e, "", "cannot write in", dir);
	}
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (!files[i].data)
			continue;
		int e = fs_write_file_at(fd, files[i].name, files[i].data, files[i].len,
		                         INGEST_FILE_MODE);
		if (e)
			return ingest_fail_errno(err, e, "", "cannot write in", dir);
	}
	return INGEST_OK;
}

/* Step 5: every file into the staging folder, each fsynced, then the
 * folder. */
static ingest_status staging_fill(staging *g, const ingest_input *in, const staged *s,
                                  ingest_error *err)
{
	const char *origin = in->options.publish ? in->options.publish->origin : NULL;
	ingest_status st = write_text_files(g->fd, g->path, s, origin, err);
	if (st == INGEST_OK && in->media.path)
		st = staging_add_media(g, in, s->media_ext, err);
	if (st != INGEST_OK)
		return st;
	int e = fs_sync_dir(g->fd, g->path);
	if (e)
		return ingest_fail_errno(err, e, "", "cannot sync", g->path);
	return INGEST_OK;
}

/* Step 6: rename the staging folder into the archive under the first free
 * id for meta's date and title, into id[0..INGEST_ID_SIZE). */
static ingest_status staging_publish(staging *g, const char *archive_dir,
                                     const recording_meta *meta, char *id,
                                     const ingest_publish *publish, ingest_error *err)
{
	int archive_fd = open(archive_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (archive_fd < 0)
		return ingest_fail_errno(err, errno, "", "cannot open", archive_dir);
	ingest_status st = INGEST_OK;
	int e = EEXIST;
	for (unsigned n = 1; n <= INGEST_MAX_SUFFIX && e == EEXIST; n++) {
		if (recording_id_make(meta->date, meta->title, n, id, INGEST_ID_SIZE) !=
		    RECORDING_ID_OK) {
			st = ingest_fail(err, INGEST_BAD_INPUT, "date", "expected \"YYYY-MM-DD\"");
			goto out;
		}
		if (publish && publish->intend && (e = publish->intend(publish->ctx, id)) != 0) {
			st = ingest_fail_errno(err, e, "",
			                       "cannot record the upload's new id %s:", id);
			goto out;
		}
		e = fs_rename_noreplace(g->tmp_fd, g->name, archive_fd, id);
		if (e == ENOTEMPTY)
			e = EEXIST;
	}
	if (e == EEXIST)
		st = ingest_fail(err, INGEST_IO, "id", "ids up to %s are all taken", id);
	else if (e)
		st = ingest_fail_errno(err, e, "", "cannot move the recording into", archive_dir);
	if (st != INGEST_OK)
		goto out;
	/* In the archive now: from here on the upload has succeeded. A failed
	 * fsync of the directories cannot take that back (the rename is
	 * visible); the journal commits it soon after. */
	g->name = NULL;
	fs_sync_dir(archive_fd, archive_dir);
	fs_sync_dir(g->tmp_fd, g->tmp_dir);
out:
	close(archive_fd);
	return st;
}

/* After step 6, when the caller let its inputs go: they are consumed. The
 * media was moved (or, across file systems, copied: remove the original),
 * the text files read into the new folder. */
static void consume_inputs(const ingest_input *in, const staging *g)
{
	const ingest_file *texts[] = {&in->transcript, &in->agenda, &in->notes, &in->qa};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i]->path && !texts[i]->text)
			unlink(texts[i]->path);
	if (g->media_copied)
		unlink(in->media.path);
}

/* Let go of the staging folder (closing it drops the lock). If it did not
 * reach the archive, put the media back where it was and remove it. A
 * second call does nothing. */
static void staging_close(staging *g, const ingest_input *in)
{
	if (g->name) {
		if (g->media_moved)
			renameat(g->fd, g->media_name, AT_FDCWD, in->media.path);
		fs_remove_tree_at(g->tmp_fd, g->name);
	}
	if (g->fd >= 0)
		close(g->fd);
	if (g->tmp_fd >= 0)
		close(g->tmp_fd);
	free(g->path);
	free(g->tmp_dir);
	*g = (staging)STAGING_INIT;
}

ingest_status ingest_recording(const char *archive_dir, const ingest_input *in, char *id_out,
                               size_t id_size, ingest_error *err)
{
	ingest_error_clear(err);
	if (id_size > 0)
		id_out[0] = '\0';
	if (id_size < INGEST_ID_SIZE)
		return ingest_fail(err, INGEST_IO, "", "id buffer too small (%zu bytes, need %d)",
		                   id_size, INGEST_ID_SIZE);
	ingest_status st = ingest_state_dirs(archive_dir, err);
	if (st != INGEST_OK)
		return st;
	staged s;
	memset(&s, 0, sizeof s);
	s.meta = (recording_meta)RECORDING_META_INIT;
	staging g = STAGING_INIT;
	char id[INGEST_ID_SIZE] = "";
	if ((st = validate(in, &s, err)) != INGEST_OK ||
	    (st = staging_open(archive_dir, &g, err)) != INGEST_OK ||
	    (st = staging_fill(&g, in, &s, err)) != INGEST_OK)
		goto out;
	ingest_pause();
	crash_point("ingest-staged");
	if ((st = staging_publish(&g, archive_dir, &s.meta, id, in->options.publish, err)) !=
	    INGEST_OK)
		goto out;
	crash_point("ingest-published");
	snprintf(id_out, id_size, "%s", id);
	if (!in->options.copy)
		consume_inputs(in, &g);
	staging_close(&g, in);
	/* Step 7, with the recording unlocked. */
	ingest_index(archive_dir, id, &in->options, err);
out:
	staging_close(&g, in);
	staged_free(&s);
	return st;
}

bool ingest_origin_matches(const char *archive_dir, const char *id, const char *origin)
{
	if (!recording_id_valid(id))
		return false;
	char *dir = path_join(archive_dir, id),
	     *path = dir ? path_join(dir, INGEST_ORIGIN_FILE) : NULL;
	char text[256];
	size_t len = 0;
	bool same = path && file_read_head(path, text, sizeof text, &len) == 0 &&
	            len == strlen(origin) && memcmp(text, origin, len) == 0;
	free(path);
	free(dir);
	return same;
}

/* Remove the unlocked entries of <archive>/.qarchive/<name> whose names
 * start with prefix (NULL: all). */
static int clean_dir(const char *path, const char *prefix, size_t *removed, char *failed,
                     size_t failed_len)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	int e = fd < 0 ? errno : fs_remove_unlocked_entries(fd, prefix, removed);
	if (fd >= 0)
		close(fd);
	if (e && !failed[0])
		snprintf(failed, failed_len, "%s", path);
	return e;
}

ingest_status ingest_recover(const char *archive_dir, size_t *removed, ingest_error *err)
{
	static const char *const stale[] = {STATE_UPLOADS_TMP_DIR, STATE_TRASH_DIR};
	char message[512], failed[512] = "";
	size_t count = 0;
	int first = 0;
	ingest_status st;
	ingest_error_clear(err);
	if (removed)
		*removed = 0;
	if ((st = ingest_state_dirs(archive_dir, err)) != INGEST_OK)
		return st;
	for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
		char *path = state_dirs_path(archive_dir, stale[i]);
		if (!path)
			return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
		int e = clean_dir(path, NULL, &count, failed, sizeof failed);
		if (e && !first)
			first = e;
		free(path);
	}
	/* An edit killed while writing its temp file left it in the
	 * recording's folder. */
	archive_listing listing = ARCHIVE_LISTING_INIT;
	archive_status as = archive_list(archive_dir, &listing, message, sizeof message);
	if (as == ARCHIVE_NOMEM)
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	if (as != ARCHIVE_OK)
		return ingest_fail(err, INGEST_IO, "", "%s", message);
	for (size_t k = 0; k < 2; k++) {
		char **names = k == 0 ? listing.recordings : listing.ignored;
		size_t n = k == 0 ? listing.recording_count : listing.ignored_count;
		for (size_t i = 0; i < n; i++) {
			char *path = path_join(archive_dir, names[i]);
			if (!path) {
				archive_listing_free(&listing);
				return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
			}
			int e = clean_dir(path, INGEST_TMP_PREFIX, &count, failed, sizeof failed);
			if (e && !first)
				first = e;
			free(path);
		}
	}
	archive_listing_free(&listing);
	if (removed)
		*removed = count;
	if (first)
		return ingest_fail_errno(err, first, "", "cannot clean up", failed);
	return INGEST_OK;
}
