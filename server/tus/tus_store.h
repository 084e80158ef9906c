/* tus_store: resumable (tus 1.0) uploads on disk.
 *
 * Uploads live in <archive>/.qarchive/uploads/tus/ (made with mode 0700
 * when missing), two files each, named by the upload's id (16 random bytes
 * as 32 lowercase hex digits):
 *
 *   <id>.info  JSON: {"length": N, "metadata": "<Upload-Metadata as sent>",
 *              "owner": "<principal>", "created": <Unix seconds>}, and once
 *              the upload is over "recording": "<id>" (it became that
 *              recording) or "error": "<why it did not>". Always replaced
 *              whole: a temp file, fsync, rename, fsync of the folder.
 *   <id>.data  the bytes received so far, appended as they arrive. The
 *              upload's offset is this file's size, so after a crash (even
 *              kill -9 of the server) an upload resumes from exactly what
 *              reached the file; nothing else has to be in step with it.
 *              Gone once the upload is over (moved into the archive, or
 *              removed).
 *
 * Appending takes a non-blocking flock(2) on the data file, held until the
 * append is closed: a second writer of the same upload is refused
 * (TUS_LOCKED) instead of interleaving bytes, and so are termination and
 * expiry while a request writes. The kernel drops the lock when the
 * process dies, so nothing is left to clean up after a crash.
 *
 * The last byte: an upload whose bytes are all in but that is not over
 * yet (its commit is running, failed on our side, or the server died
 * during it) reports offset length - 1, and the next append at that
 * offset cuts the data file back by one byte first. tus has no state for
 * "all bytes received but not yet accepted": this way a client that
 * retries (HEAD, then PATCH) sends the last byte again and the commit runs
 * again, instead of the client taking offset == length for success.
 *
 * A tus_store handle is used by one thread at a time (one per request);
 * handles in any number of threads or processes may share the folder.
 */
#ifndef QA_HTTP_TUS_STORE_H
#define QA_HTTP_TUS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length of an id in characters (without the NUL). */
#define TUS_ID_LEN 32

/* The folder, under <archive>/.qarchive/. */
#define TUS_STORE_DIR "uploads/tus"

/* How long the server keeps uploads (tus_store_expire): a week without
 * progress for an unfinished one (a laptop closed over a weekend still
 * resumes), a day for one that ended (its HEAD has told the client the
 * outcome by then). */
#define TUS_KEEP_UNFINISHED (7 * 24 * 3600)
#define TUS_KEEP_OVER       (24 * 3600)

typedef enum tus_status {
	TUS_OK = 0,
	TUS_NOT_FOUND, /* no upload with that id (or not an id at all) */
	TUS_GONE,      /* the upload is over (finished or failed), or its data file is lost */
	TUS_CONFLICT,  /* the offset given is not the upload's offset */
	TUS_LOCKED,    /* another request is writing to the upload */
	TUS_TOO_LONG,  /* the bytes would go past the upload's length */
	TUS_IO,        /* a file operation failed; the message names the file and why */
	TUS_NOMEM,
} tus_status;

const char *tus_status_str(tus_status status);

typedef enum tus_state {
	TUS_STATE_UPLOADING = 0, /* bytes may still come */
	TUS_STATE_FINISHED,      /* it became a recording (tus_info.recording) */
	TUS_STATE_FAILED,        /* it could not become one (tus_info.error) */
} tus_state;

/* What the store knows of one upload. */
typedef struct tus_info {
	uint64_t length;
	/* Uploading: the bytes accepted (the data file's size, but at most
	 * length - 1; see "the last byte" above). Finished: length.
	 * Failed: 0. */
	uint64_t offset;
	char *metadata; /* owned: the Upload-Metadata header as sent, "" when none */
	char *owner;    /* owned: the principal that created it (tus_owner_matches) */
	int64_t created;
	tus_state state;
	char *recording; /* owned: the recording's id when finished, else NULL */
	char *error;     /* owned: why it failed when failed, else NULL */
	/* owned: while uploading, the id its commit last meant to take
	 * (tus_append_intend), else NULL: after a crash, the recording is
	 * that one when the archive's folder carries this upload's origin. */
	char *committing;
} tus_info;

#define TUS_INFO_INIT                                                                              \
	{                                                                                          \
		0, 0, NULL, NULL, 0, TUS_STATE_UPLOADING, NULL, NULL, NULL                         \
	}

/* Free the strings; *info is left as TUS_INFO_INIT. NULL is a no-op. */
void tus_info_clear(tus_info *info);

typedef struct tus_store tus_store;

/* Open the store of archive_dir, making <archive>/.qarchive/uploads/tus/
 * (mode 0700) when it is missing. Returns TUS_OK with *out set (close with
 * tus_store_close); TUS_IO or TUS_NOMEM with *errmsg set (caller frees;
 * may be NULL when out of memory) and *out NULL. On TUS_IO errno is the
 * system error behind it (0 when there was none). The message may name
 * files: it is for the server's log, not for clients. */
tus_status tus_store_open(const char *archive_dir, tus_store **out, char **errmsg);

/* NULL is a no-op. Every append of the store must be closed first. */
void tus_store_close(tus_store *s);

/* The message of the last call on s (or on an append of s) that failed.
 * Borrowed, valid until the next call on s. */
const char *tus_store_errmsg(const tus_store *s);

/* The system error (errno) behind the last TUS_IO of s, 0 when it was not
 * one (a damaged info file). TUS_IO messages name files; a client is told
 * only this error's meaning (ENOSPC: no space left). */
int tus_store_errno(const tus_store *s);

/* The store's folder. Borrowed, valid while s is open. */
const char *tus_store_dir(const tus_store *s);

/* Whether s is a well-formed id (TUS_ID_LEN lowercase hex digits): the
 * only names the store will turn into paths. */
bool tus_id_valid(const char *s);

/* Who may touch an upload (issue #16): the principal that created it,
 * "token:<name>" for an API token or "user:<name>" for a signed-in user
 * (names never hold ':'). Uploads made before principals were stored
 * have a bare name as owner; those match either kind of that name. */
bool tus_owner_matches(const char *owner, const char *principal);

/* TUS_OK when upload id exists (its info file, whatever its state) and
 * principal may touch it; otherwise TUS_NOT_FOUND with the message of an
 * upload that does not exist ("no upload <id>"), so that another staff
 * member cannot even learn that it exists. Also TUS_IO, TUS_NOMEM. */
tus_status tus_store_check_owner(tus_store *s, const char *id, const char *principal);

/* Read upload id's info file as it is (no data file is looked at; offset
 * is 0): to see an upload whose data file is gone, and its committing id.
 * TUS_OK (free with tus_info_clear), TUS_NOT_FOUND, TUS_IO, TUS_NOMEM. */
tus_status tus_store_info_file(tus_store *s, const char *id, tus_info *info);

/* A commit that reached the archive before the server died (the caller
 * found info.committing's recording carrying this upload's origin): mark
 * upload id finished as recording and drop its data file, under the
 * upload's lock. TUS_OK (also when it was finished already), TUS_LOCKED
 * (a request is writing or committing it), TUS_NOT_FOUND, TUS_IO,
 * TUS_NOMEM. */
tus_status tus_store_finish_committed(tus_store *s, const char *id, const char *recording);

/* Create an upload of length bytes (metadata: the Upload-Metadata header
 * as sent, or NULL; owner: the principal, as above), with an empty data
 * file.
 * Returns TUS_OK with its id in id; TUS_TOO_LONG (length past INT64_MAX,
 * more than a file can hold); TUS_IO or TUS_NOMEM. */
tus_status tus_store_create(tus_store *s, uint64_t length, const char *metadata, const char *owner,
                            char id[TUS_ID_LEN + 1]);

/* Read upload id. Returns TUS_OK with *info filled (free with
 * tus_info_clear); TUS_NOT_FOUND; TUS_GONE (not over, but its data file is
 * missing: the server died in the moment the data became a recording);
 * TUS_IO (also an info file that is not what we write) or TUS_NOMEM. On
 * failure *info is TUS_INFO_INIT. */
tus_status tus_store_info(tus_store *s, const char *id, tus_info *info);

/* One request's appending to an upload, holding its lock. */
typedef struct tus_append tus_append;

/* Open upload id for appending at offset (the client's Upload-Offset),
 * and lock it. Returns TUS_OK with *out set (close with tus_append_close);
 * TUS_NOT_FOUND; TUS_GONE (over, or its data lost); TUS_LOCKED (another
 * append holds it); TUS_CONFLICT (offset is not the upload's: the message
 * says both); TUS_IO or TUS_NOMEM. On failure *out is NULL. */
tus_status tus_store_append_open(tus_store *s, const char *id, uint64_t offset, tus_append **out);

/* The upload as it was opened (offset: where appending started).
 * Borrowed, valid until the append is closed. */
const tus_info *tus_append_info(const tus_append *a);

/* The bytes in the data file now. */
uint64_t tus_append_offset(const tus_append *a);

/* The data file's path. Borrowed, valid until the append is closed. */
const char *tus_append_data_path(const tus_append *a);

/* Append len bytes. Returns TUS_OK; TUS_TOO_LONG (they would go past the
 * length: nothing is written); TUS_IO (a write failed, e.g. the disk is
 * full: the bytes written before stay). */
tus_status tus_append_write(tus_append *a, const void *buf, size_t len);

/* Make what was written durable (fsync), before its offset is reported to
 * the client. Returns TUS_OK or TUS_IO. */
tus_status tus_append_sync(tus_append *a);

/* A second name (hard link) for the data file, <id>.commit, to give to
 * the commit, which moves it into the archive: the data file itself stays
 * until tus_append_finish, so a crash anywhere in the commit leaves the
 * bytes here (nothing to send again) and an old <id>.commit is replaced.
 * Returns TUS_OK with *path (borrowed, valid until the append is closed)
 * or TUS_IO when the file system has no hard links (then commit the data
 * path itself, as before). */
tus_status tus_append_commit_link(tus_append *a, const char **path);

/* Record, durably, that the commit is about to publish the recording as
 * id (info.committing). TUS_OK, TUS_IO, TUS_NOMEM. */
tus_status tus_append_intend(tus_append *a, const char *id);

/* End the upload: it became recording (its data file was moved into the
 * archive), or it failed with error (its data file is removed). The info
 * file says so from then on. Returns TUS_OK, TUS_IO or TUS_NOMEM. */
tus_status tus_append_finish(tus_append *a, const char *recording);
tus_status tus_append_fail(tus_append *a, const char *error);

/* Unlock and free; the bytes stay. NULL is a no-op. */
void tus_append_close(tus_append *a);

/* Remove upload id (tus termination): its info and data. Returns TUS_OK,
 * TUS_NOT_FOUND, TUS_LOCKED (a request is writing to it, or it is
 * becoming a recording: try again), TUS_IO or TUS_NOMEM. */
tus_status tus_store_terminate(tus_store *s, const char *id);

/* Remove what was left behind: uploads with no progress (neither file
 * changed) for max_age_unfinished seconds, uploads that ended (finished or
 * failed) max_age_over seconds ago, and stray files (a data file without
 * its info, a temp file of an interrupted write, anything else) older than
 * max_age_over. Uploads being written (locked) are skipped. now is the
 * current time in Unix seconds. *removed (when not NULL) counts the
 * uploads removed. Returns TUS_OK, or TUS_IO when the folder cannot be
 * read (the files it could not remove are skipped, not an error). */
tus_status tus_store_expire(tus_store *s, int64_t now, int64_t max_age_unfinished,
                            int64_t max_age_over, size_t *removed);

#endif
