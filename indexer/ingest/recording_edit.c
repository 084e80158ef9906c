#include "recording_edit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_io.h"
#include "fs_ops.h"
#include "ingest_internal.h"
#include "crash_point.h"
#include "path.h"
#include "recording.h"
#include "state_dirs.h"

static const ingest_options default_options = INGEST_OPTIONS_INIT;

/* An open recording folder: its path and a descriptor every change goes
 * through, so a folder renamed meanwhile (deleted into the trash) takes the
 * change with it rather than a new folder appearing at the old path. */
typedef struct folder {
	char *dir;
	int fd;
} folder;

static void folder_close(folder *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->dir);
	f->dir = NULL;
	f->fd = -1;
}

static ingest_status not_found(const char *archive_dir, const char *id, ingest_error *err)
{
	return ingest_fail(err, INGEST_NOT_FOUND, "id", "no recording \"%.*s\" in %s", 64,
	                   id ? id : "", archive_dir);
}

/* Open recording id of archive_dir: a valid id naming a folder (or a
 * symlink to one) that holds recording.json. */
static ingest_status folder_open(const char *archive_dir, const char *id, folder *f,
                                 ingest_error *err)
{
	f->dir = NULL;
	f->fd = -1;
	if (!recording_id_valid(id))
		return not_found(archive_dir, id, err);
	if (!(f->dir = path_join(archive_dir, id)))
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	f->fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->fd < 0) {
		int e = errno;
		ingest_status st = e == ENOENT || e == ENOTDIR
		                       ? not_found(archive_dir, id, err)
		                       : ingest_fail_errno(err, e, "", "cannot open", f->dir);
		folder_close(f);
		return st;
	}
	struct stat st;
	if (fstatat(f->fd, "recording.json", &st, 0) != 0) {
		int e = errno;
		ingest_status s = e == ENOENT
		                      ? not_found(archive_dir, id, err)
		                      : ingest_fail_errno(err, e, "", "cannot read", f->dir);
		folder_close(f);
		return s;
	}
	return INGEST_OK;
}

/* Remove name in the folder; its absence is fine. */
static ingest_status remove_file(folder *f, const char *name, ingest_error *err)
{
	if (unlinkat(f->fd, name, 0) == 0 || errno == ENOENT)
		return INGEST_OK;
	char *path = path_join(f->dir, name);
	ingest_status st = ingest_fail_errno(err, errno, "", "cannot remove", path ? path : name);
	free(path);
	return st;
}

/* Every transcript file but `keep`. */
static ingest_status remove_other_transcripts(folder *f, const char *keep, ingest_error *err)
{
	for (size_t i = 0; recording_transcript_names[i]; i++) {
		if (strcmp(recording_transcript_names[i], keep) == 0)
			continue;
		ingest_status st = remove_file(f, recording_transcript_names[i], err);
		if (st != INGEST_OK)
			return st;
	}
	return INGEST_OK;
}

/* A path input moved in (not copied) is consumed once written. */
static void consume(const ingest_file *file, const ingest_options *options)
{
	if (ingest_file_given(file) && file->path && !file->text && !options->copy)
		unlink(file->path);
}

/* The change is in the folder: make it durable, consume the staged inputs,
 * and re-index. */
static ingest_status finish(const char *archive_dir, const char *id, folder *f,
                            const recording_changes *c, const ingest_options *options,
                            ingest_error *err)
{
	int e = fs_sync_dir(f->fd, f->dir);
	if (e)
		return ingest_fail_errno(err, e, "", "cannot sync", f->dir);
	crash_point("edit-written");
	consume(c->transcript, options);
	consume(c->agenda, options);
	consume(c->notes, options);
	consume(c->qa, options);
	ingest_index(archive_dir, id, options, err);
	return INGEST_OK;
}

/* recording.json with `fields` merged in and validated: its new text in
 * *text (caller frees), *len bytes. Nothing is written. */
static ingest_status metadata_text(const folder *f, const json_t *fields, char **text, size_t *len,
                                   ingest_error *err)
{
	recording_meta meta = RECORDING_META_INIT;
	json_t *merged = NULL;
	char *old = NULL, *json_path = NULL;
	size_t old_len = 0;
	ingest_status st = INGEST_OK;
	*text = NULL;
	*len = 0;
	if (!json_is_object(fields))
		return ingest_fail(err, INGEST_BAD_INPUT, "metadata", "expected a JSON object");
	if (!(json_path = path_join(f->dir, "recording.json")))
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	int e = file_read_all(json_path, &old, &old_len);
	if (e) {
		st = ingest_fail_errno(err, e, "", "cannot read", json_path);
		goto out;
	}
	/* Keys not given keep their values, unknown ones included (a
	 * recording.json written by hand may carry more than we read). A file
	 * that no longer parses is replaced by the fields alone. */
	merged = json_loadb(old, old_len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(merged)) {
		json_decref(merged);
		merged = json_object();
	}
	const char *key;
	json_t *value;
	/* jansson's iteration macro takes a non-const object; it only reads. */
	json_object_foreach((json_t *)fields, key, value)
	{
		if (!merged || (json_is_null(value) ? (json_object_del(merged, key), 0)
		                                    : json_object_set(merged, key, value)) != 0) {
			st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
			goto out;
		}
	}
	if ((st = ingest_check_metadata(merged, &meta, err)) != INGEST_OK)
		goto out;
	char *dumped = json_dumps(merged, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	size_t n = dumped ? strlen(dumped) : 0;
	if (dumped && (*text = realloc(dumped, n + 2)) != NULL) {
		memcpy(*text + n, "\n", 2);
		*len = n + 1;
	} else {
		free(dumped);
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	}
out:
	recording_meta_free(&meta);
	json_decref(merged);
	free(old);
	free(json_path);
	return st;
}

/* With no transcript file left, the media's subtitle stream becomes the
 * transcript: it must decode, as for an upload. */
static ingest_status check_media_subtitles(folder *f, ingest_error *err)
{
	recording rec = RECORDING_INIT;
	ingest_status st = INGEST_OK;
	char ext[16];
	/* A folder that does not load is the indexer's to report. */
	if (recording_load_dir(f->dir, &rec, NULL, 0) == RECORDING_OK && rec.media_path)
		st = ingest_check_media(rec.media_path, NULL, true, ext, sizeof ext, NULL, err);
	recording_free(&rec);
	return st;
}

/* A validated transcript (format ext) as the folder's transcript file,
 * the other transcript files (and the machine's) removed. */
static ingest_status write_transcript(folder *f, const char *data, size_t len, const char *ext,
                                      ingest_error *err)
{
	char name[32];
	snprintf(name, sizeof name, "transcript.%s", ext);
	ingest_status st = ingest_replace_file_at(f->fd, f->dir, name, data, len, err);
	if (st != INGEST_OK)
		return st;
	/* The first name present is the transcript (recording.h): until the
	 * others are gone, the new one may not be it yet. Failing that, take
	 * the new one back out so nothing has changed (unless it already won:
	 * then the old one is what is left over). */
	if ((st = remove_other_transcripts(f, name, err)) != INGEST_OK) {
		if (strcmp(name, recording_transcript_names[0]) != 0)
			unlinkat(f->fd, name, 0);
		return st;
	}
	/* People's transcript replaces the machine's (which no longer shows,
	 * as theirs wins: recording.h); the file goes so it cannot come back. */
	return remove_file(f, RECORDING_MACHINE_TRANSCRIPT, err);
}

/* Does qa.md's text fit the transcript file of recording id (qa_units.h:
 * every question inside it, each with a cue for its answer)? A recording
 * without a transcript file (pending, or its media's subtitles) is not
 * checked here: indexing it says what does not fit. */
static ingest_status qa_fits(const char *archive_dir, const char *id, const char *data, size_t len,
                             ingest_error *err)
{
	recording rec = RECORDING_INIT;
	char *text = NULL, *dir = path_join(archive_dir, id), why[300] = "";
	size_t n;
	ingest_status st = INGEST_OK;
	if (!dir)
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	if (recording_load_dir(dir, &rec, why, sizeof why) == RECORDING_OK && rec.transcript_path &&
	    file_read_all(rec.transcript_path, &text, &n) == 0)
		st = ingest_check_qa_fits(data, len, text, n, rec.transcript_path, err);
	free(text);
	recording_free(&rec);
	free(dir);
	return st;
}

ingest_status recording_delete(const char *archive_dir, const char *id,
                               const ingest_options *options, ingest_error *err)
{
	folder f;
	char *trash = NULL, *slot = NULL;
	int trash_fd = -1, archive_fd = -1;
	ingest_status st;
	ingest_error_clear(err);
	if (!options)
		options = &default_options;
	if ((st = folder_open(archive_dir, id, &f, err)) != INGEST_OK)
		return st;
	folder_close(&f);
	if ((st = ingest_state_dirs(archive_dir, err)) != INGEST_OK)
		return st;
	/* trash/<id>.XXXXXX: a fresh empty folder that rename(2) replaces
	 * atomically with the recording's. */
	if (!(trash = state_dirs_path(archive_dir, STATE_TRASH_DIR)) ||
	    !(slot = malloc(strlen(trash) + strlen(id) + 16))) {
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
		goto out;
	}
	sprintf(slot, "%s/%s.XXXXXX", trash, id);
	if ((trash_fd = open(trash, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (archive_fd = open(archive_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		st = ingest_fail_errno(err, errno, "", "cannot open",
		                       trash_fd < 0 ? trash : archive_dir);
		goto out;
	}
	if (!mkdtemp(slot)) {
		st = ingest_fail_errno(err, errno, "", "cannot create a folder in", trash);
		goto out;
	}
	const char *slot_name = strrchr(slot, '/') + 1;
	if (renameat(archive_fd, id, trash_fd, slot_name) != 0) {
		int e = errno;
		unlinkat(trash_fd, slot_name, AT_REMOVEDIR);
		/* Deleted by someone else meanwhile. */
		st = e == ENOENT ? not_found(archive_dir, id, err)
		                 : ingest_fail_errno(err, e, "", "cannot move to the trash:", id);
		goto out;
	}
	/* Gone from the archive: the delete has happened. */
	fs_sync_dir(archive_fd, archive_dir);
	fs_sync_dir(trash_fd, trash);
	crash_point("delete-trashed");
	ingest_index(archive_dir, id, options, err);
	fs_remove_tree_at(trash_fd, slot_name);
out:
	if (trash_fd >= 0)
		close(trash_fd);
	if (archive_fd >= 0)
		close(archive_fd);
	free(slot);
	free(trash);
	return st;
}

/* What recording_edit_apply writes, each input read and validated. */
typedef struct staged_edit {
	char *json, *transcript, *agenda, *notes, *qa; /* NULL: not changed (or removed) */
	size_t json_len, transcript_len, agenda_len, notes_len, qa_len;
	const char *transcript_ext;
} staged_edit;

static void staged_edit_free(staged_edit *s)
{
	free(s->json);
	free(s->transcript);
	free(s->agenda);
	free(s->notes);
	free(s->qa);
}

/* qa.md checked against the transcript the edit leaves: the one staged
 * with it, else the recording's own (qa_fits). */
static ingest_status stage_qa(const char *archive_dir, const char *id, const recording_changes *c,
                              staged_edit *s, ingest_error *err)
{
	if (!ingest_file_given(c->qa))
		return INGEST_OK;
	ingest_status st = ingest_read_text(c->qa, "qa", &s->qa, &s->qa_len, err);
	if (st == INGEST_OK)
		st = ingest_check_qa(s->qa, s->qa_len, err);
	if (st != INGEST_OK)
		return st;
	if (s->transcript)
		return ingest_check_qa_fits(
		    s->qa, s->qa_len, s->transcript, s->transcript_len,
		    c->transcript->name ? c->transcript->name : "transcript", err);
	return qa_fits(archive_dir, id, s->qa, s->qa_len, err);
}

/* An agenda or notes input read and checked; not given: *data stays NULL
 * (the file is to be removed). */
static ingest_status stage_text(const ingest_file *file, const char *field,
                                ingest_status (*check)(const char *, size_t, ingest_error *),
                                char **data, size_t *len, ingest_error *err)
{
	if (!ingest_file_given(file))
		return INGEST_OK;
	ingest_status st = ingest_read_text(file, field, data, len, err);
	return st == INGEST_OK ? check(*data, *len, err) : st;
}

/* Every input of c read and validated, nothing written. */
static ingest_status stage_edit(folder *f, const char *archive_dir, const char *id,
                                const recording_changes *c, staged_edit *s, ingest_error *err)
{
	ingest_status st = INGEST_OK;
	if (c->fields)
		st = metadata_text(f, c->fields, &s->json, &s->json_len, err);
	if (st == INGEST_OK && ingest_file_given(c->transcript) &&
	    (st = ingest_read_text(c->transcript, "transcript", &s->transcript, &s->transcript_len,
	                           err)) == INGEST_OK)
		st = ingest_check_transcript(s->transcript, s->transcript_len, c->transcript->name,
		                             &s->transcript_ext, err);
	if (st == INGEST_OK && c->remove_transcript && !ingest_file_given(c->transcript))
		st = check_media_subtitles(f, err);
	if (st == INGEST_OK && c->agenda_set)
		st = stage_text(c->agenda, "agenda", ingest_check_agenda, &s->agenda,
		                &s->agenda_len, err);
	if (st == INGEST_OK && c->notes_set)
		st = stage_text(c->notes, "notes", ingest_check_notes, &s->notes, &s->notes_len,
		                err);
	if (st == INGEST_OK && c->qa_set)
		st = stage_qa(archive_dir, id, c, s, err);
	return st;
}

/* agenda.md or notes.md: the staged text, or removed when there is none. */
static ingest_status write_text(folder *f, const char *name, const char *data, size_t len,
                                ingest_error *err)
{
	return data && len ? ingest_replace_file_at(f->fd, f->dir, name, data, len, err)
	                   : remove_file(f, name, err);
}

/* Every transcript file removed, the machine's too: the media's
 * subtitles become the transcript, or it is pending. */
static ingest_status remove_transcripts(folder *f, ingest_error *err)
{
	ingest_status st = INGEST_OK;
	for (size_t i = 0; st == INGEST_OK && recording_transcript_names[i]; i++)
		st = remove_file(f, recording_transcript_names[i], err);
	return st == INGEST_OK ? remove_file(f, RECORDING_MACHINE_TRANSCRIPT, err) : st;
}

/* The staged edit written, each file atomically, recording.json last (the
 * change most visible on the page goes in once the rest did). */
static ingest_status write_staged(folder *f, const recording_changes *c, const staged_edit *s,
                                  ingest_error *err)
{
	ingest_status st = INGEST_OK;
	if (s->transcript)
		st = write_transcript(f, s->transcript, s->transcript_len, s->transcript_ext, err);
	else if (c->remove_transcript)
		st = remove_transcripts(f, err);
	if (st == INGEST_OK && c->agenda_set)
		st = write_text(f, "agenda.md", s->agenda, s->agenda_len, err);
	if (st == INGEST_OK && c->notes_set)
		st = write_text(f, "notes.md", s->notes, s->notes_len, err);
	if (st == INGEST_OK && c->qa_set)
		st = write_text(f, "qa.md", s->qa, s->qa_len, err);
	if (st == INGEST_OK && s->json)
		st = ingest_replace_file_at(f->fd, f->dir, "recording.json", s->json, s->json_len,
		                            err);
	return st;
}

ingest_status recording_edit_apply(const char *archive_dir, const char *id,
                                   const recording_changes *c, const ingest_options *options,
                                   ingest_error *err)
{
	folder f;
	staged_edit s = {0};
	ingest_status st;
	ingest_error_clear(err);
	if (!options)
		options = &default_options;
	if ((st = folder_open(archive_dir, id, &f, err)) != INGEST_OK)
		return st;
	/* All valid, then written: nothing is written unless all of it is. */
	if ((st = stage_edit(&f, archive_dir, id, c, &s, err)) == INGEST_OK &&
	    (st = write_staged(&f, c, &s, err)) == INGEST_OK)
		st = finish(archive_dir, id, &f, c, options, err);
	staged_edit_free(&s);
	folder_close(&f);
	return st;
}

/* The one-part edits below are recording_edit_apply with one change. */

ingest_status recording_update_metadata(const char *archive_dir, const char *id,
                                        const json_t *fields, const ingest_options *options,
                                        ingest_error *err)
{
	recording_changes c = {.fields = fields};
	return recording_edit_apply(archive_dir, id, &c, options, err);
}

ingest_status recording_replace_transcript(const char *archive_dir, const char *id,
                                           const ingest_file *file, const ingest_options *options,
                                           ingest_error *err)
{
	recording_changes c = {.transcript = file, .remove_transcript = !ingest_file_given(file)};
	return recording_edit_apply(archive_dir, id, &c, options, err);
}

ingest_status recording_replace_agenda(const char *archive_dir, const char *id,
                                       const ingest_file *file, const ingest_options *options,
                                       ingest_error *err)
{
	recording_changes c = {.agenda_set = true, .agenda = file};
	return recording_edit_apply(archive_dir, id, &c, options, err);
}

ingest_status recording_replace_notes(const char *archive_dir, const char *id,
                                      const ingest_file *file, const ingest_options *options,
                                      ingest_error *err)
{
	recording_changes c = {.notes_set = true, .notes = file};
	return recording_edit_apply(archive_dir, id, &c, options, err);
}

ingest_status recording_replace_qa(const char *archive_dir, const char *id, const ingest_file *file,
                                   const ingest_options *options, ingest_error *err)
{
	recording_changes c = {.qa_set = true, .qa = file};
	return recording_edit_apply(archive_dir, id, &c, options, err);
}
