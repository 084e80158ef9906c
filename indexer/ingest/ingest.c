#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "fs_ops.h"
#include "ingest_internal.h"
#include "path.h"
#include "state_dirs.h"

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
} staged;

static void staged_free(staged *s)
{
	recording_meta_free(&s->meta);
	free(s->json);
	free(s->transcript);
	free(s->agenda);
	free(s->notes);
}

/* Steps 1-4 (ingest.h): everything is checked before anything is written. */
static ingest_status validate(const ingest_input *in, staged *s, ingest_error *err)
{
	ingest_status st;
	if ((st = ingest_check_metadata(in->metadata, &s->meta, err)) != INGEST_OK)
		return st;
	if (ingest_file_given(&in->media)) {
		if (!in->media.path)
			return ingest_fail(err, INGEST_BAD_INPUT, "media",
			                   "must be given as a file, not as text");
		st = ingest_check_media(in->media.path, in->media.name,
		                        !ingest_file_given(&in->transcript), s->media_ext,
		                        sizeof s->media_ext, err);
		if (st != INGEST_OK)
			return st;
	}
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
	if (!(s->json = ingest_metadata_text(&s->meta)))
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	return INGEST_OK;
}

/* A test hook: sleep QARCHIVE_INGEST_PAUSE seconds once the staging folder
 * is complete and before it is moved into the archive, so a test can kill
 * -9 an upload in the middle. */
static void ingest_pause(void)
{
	const char *pause = getenv("QARCHIVE_INGEST_PAUSE");
	if (pause && atoi(pause) > 0)
		sleep((unsigned)atoi(pause));
}

/* Write the small files into the staging folder. */
static ingest_status write_text_files(int fd, const char *dir, const staged *s, ingest_error *err)
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
	};
	snprintf(name, sizeof name, "transcript.%s", s->transcript_ext ? s->transcript_ext : "vtt");
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

ingest_status ingest_recording(const char *archive_dir, const ingest_input *in, char *id_out,
                               size_t id_size, ingest_error *err)
{
	staged s;
	memset(&s, 0, sizeof s);
	s.meta = (recording_meta)RECORDING_META_INIT;
	ingest_status st = INGEST_OK;
	char media_name[32] = "", id[INGEST_ID_SIZE] = "";
	char *tmp_dir = NULL, *staging = NULL;
	const char *staging_name = NULL;
	int tmp_fd = -1, stage_fd = -1, archive_fd = -1;
	bool media_moved = false, media_copied = false;
	int e;

	ingest_error_clear(err);
	if (id_size > 0)
		id_out[0] = '\0';
	if (id_size < INGEST_ID_SIZE)
		return ingest_fail(err, INGEST_IO, "", "id buffer too small (%zu bytes, need %d)",
		                   id_size, INGEST_ID_SIZE);
	if ((st = ingest_state_dirs(archive_dir, err)) != INGEST_OK)
		return st;
	if ((st = validate(in, &s, err)) != INGEST_OK)
		goto out;

	/* Step 5: the staging folder, locked while it is ours. */
	if (!(tmp_dir = state_dirs_path(archive_dir, STATE_UPLOADS_TMP_DIR)) ||
	    !(staging = path_join(tmp_dir, INGEST_STAGING_PREFIX "XXXXXX"))) {
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
		goto out;
	}
	if ((tmp_fd = open(tmp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		st = ingest_fail_errno(err, errno, "", "cannot open", tmp_dir);
		goto out;
	}
	if (!mkdtemp(staging)) {
		st = ingest_fail_errno(err, errno, "", "cannot create a folder in", tmp_dir);
		free(staging);
		staging = NULL;
		goto out;
	}
	staging_name = strrchr(staging, '/') + 1;
	if ((stage_fd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		st = ingest_fail_errno(err, errno, "", "cannot open", staging);
		goto out;
	}
	fs_lock(stage_fd);
	/* mkdtemp makes it 0700; in the archive it is an ordinary folder. */
	if (fchmod(stage_fd, INGEST_DIR_MODE) != 0 ||
	    (st = write_text_files(stage_fd, staging, &s, err)) != INGEST_OK) {
		if (st == INGEST_OK)
			st = ingest_fail_errno(err, errno, "", "cannot set the mode of", staging);
		goto out;
	}
	if (in->media.path) {
		snprintf(media_name, sizeof media_name, "media.%s", s.media_ext);
		e = EXDEV;
		if (!in->options.copy)
			e = renameat(AT_FDCWD, in->media.path, stage_fd, media_name) == 0 ? 0
			                                                                  : errno;
		media_moved = e == 0;
		if (e == EXDEV) {
			/* Another file system (or asked to): copy. */
			e = fs_copy_file_at(in->media.path, stage_fd, media_name, INGEST_FILE_MODE);
			media_copied = e == 0;
		} else if (e == 0) {
			fchmodat(stage_fd, media_name, INGEST_FILE_MODE, 0);
			e = fs_sync_file_at(stage_fd, media_name);
		}
		if (e) {
			st = ingest_fail_errno(err, e, "media", "cannot move", in->media.path);
			goto out;
		}
	}
	if ((e = fs_sync_dir(stage_fd, staging)) != 0) {
		st = ingest_fail_errno(err, e, "", "cannot sync", staging);
		goto out;
	}
	ingest_pause();

	/* Step 6: into the archive under the first free id. */
	if ((archive_fd = open(archive_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		st = ingest_fail_errno(err, errno, "", "cannot open", archive_dir);
		goto out;
	}
	e = EEXIST;
	for (unsigned n = 1; n <= INGEST_MAX_SUFFIX && e == EEXIST; n++) {
		if (recording_id_make(s.meta.date, s.meta.title, n, id, sizeof id) !=
		    RECORDING_ID_OK) {
			st = ingest_fail(err, INGEST_BAD_INPUT, "date", "expected \"YYYY-MM-DD\"");
			goto out;
		}
		e = fs_rename_noreplace(tmp_fd, staging_name, archive_fd, id);
		if (e == ENOTEMPTY)
			e = EEXIST;
	}
	if (e == EEXIST) {
		st = ingest_fail(err, INGEST_IO, "id", "ids up to %s are all taken", id);
		goto out;
	}
	if (e) {
		st = ingest_fail_errno(err, e, "", "cannot move the recording into", archive_dir);
		goto out;
	}
	/* In the archive now: from here on the upload has succeeded. A failed
	 * fsync of the directories cannot take that back (the rename is
	 * visible); the journal commits it soon after. */
	staging_name = NULL;
	fs_sync_dir(archive_fd, archive_dir);
	fs_sync_dir(tmp_fd, tmp_dir);
	snprintf(id_out, id_size, "%s", id);
	/* The inputs are consumed: the media was moved (or, across file
	 * systems, copied), the text files read into the new folder. */
	if (!in->options.copy) {
		const ingest_file *texts[] = {&in->transcript, &in->agenda, &in->notes};
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
			if (texts[i]->path && !texts[i]->text)
				unlink(texts[i]->path);
		if (media_copied)
			unlink(in->media.path);
	}
	close(stage_fd); /* lets go of the lock */
	stage_fd = -1;
	/* Step 7. */
	ingest_index(archive_dir, id, &in->options, err);

out:
	if (staging_name) {
		/* Not in the archive: put the media back where it was, remove
		 * the staging folder. */
		if (media_moved)
			renameat(stage_fd, media_name, AT_FDCWD, in->media.path);
		fs_remove_tree_at(tmp_fd, staging_name);
	}
	if (stage_fd >= 0)
		close(stage_fd);
	if (tmp_fd >= 0)
		close(tmp_fd);
	if (archive_fd >= 0)
		close(archive_fd);
	free(staging);
	free(tmp_dir);
	staged_free(&s);
	return st;
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
