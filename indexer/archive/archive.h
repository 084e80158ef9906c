/* archive: the directory of recordings qarchive serves and indexes.
 *
 *     <archive>/
 *         <id>/recording.json, transcript.vtt, media.mp4, ...   one per recording
 *         .qarchive/                                           our state (the index, ...)
 *
 * This module finds the archive, lists its recordings, and fingerprints a
 * recording so `qarchive index` can skip the unchanged ones.
 */
#ifndef QA_ARCHIVE_H
#define QA_ARCHIVE_H

#include <stddef.h>

/* Where the archive is when neither --archive nor $QARCHIVE_ARCHIVE says. */
#define ARCHIVE_DEFAULT_DIR "./archive"
#define ARCHIVE_ENV         "QARCHIVE_ARCHIVE"
/* The state directory's name inside the archive. */
#define ARCHIVE_STATE_NAME ".qarchive"
/* Hex characters in a fingerprint (a 32-byte BLAKE2b digest), without the NUL. */
#define ARCHIVE_FINGERPRINT_HEX 64

typedef enum archive_status {
	ARCHIVE_OK = 0,
	ARCHIVE_NOT_FOUND, /* the archive (or recording) directory does not exist or is not a
	                    * directory */
	ARCHIVE_IO,        /* a directory or file could not be read or created */
	ARCHIVE_NOMEM,
	ARCHIVE_INTERNAL, /* libsodium could not be initialised */
} archive_status;

typedef struct archive_listing {
	char **recordings; /* owned: names of the subdirectories holding a recording.json,
	                    * sorted by byte value; join with the archive directory for a path */
	size_t recording_count;
	char **ignored; /* owned: names of the other subdirectories (no recording.json),
	                 * sorted, for the caller to warn about */
	size_t ignored_count;
} archive_listing;

#define ARCHIVE_LISTING_INIT                                                                       \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

/* A static string, never NULL. */
const char *archive_status_str(archive_status status);

/* The archive directory: flag_value (the --archive argument; NULL when not
 * given) if non-empty, else $QARCHIVE_ARCHIVE if set and non-empty, else
 * "./archive". The path is returned as given, not made absolute. *out:
 * caller frees with free(); NULL on failure. Returns ARCHIVE_OK or
 * ARCHIVE_NOMEM. */
archive_status archive_resolve_dir(const char *flag_value, char **out);

/* List the recordings of archive_dir into *out, which is overwritten: each
 * immediate subdirectory (or symlink to one) holding an entry named
 * recording.json goes to out->recordings, each other subdirectory to
 * out->ignored. Entries whose names start with '.' (".qarchive", editors'
 * files) and entries that are not directories are skipped. Names are not
 * checked as ids here: recording_load_dir reports a bad one.
 *
 * Returns ARCHIVE_OK; ARCHIVE_NOT_FOUND ("<dir>: no such archive directory"
 * or "<dir>: not a directory") or ARCHIVE_IO ("<path>: <strerror>") with a
 * one-line message in err (truncated to errlen; err may be NULL when errlen
 * is 0); or ARCHIVE_NOMEM. On failure *out is ARCHIVE_LISTING_INIT. */
archive_status archive_list(const char *archive_dir, archive_listing *out, char *err,
                            size_t errlen);

/* Free the names; *listing is left as ARCHIVE_LISTING_INIT. NULL is a no-op. */
void archive_listing_free(archive_listing *listing);

/* "<archive_dir>/.qarchive", created with its missing parents (mode 0755,
 * less the umask) when it does not exist. *out: caller frees with free();
 * NULL on failure. Returns ARCHIVE_OK, ARCHIVE_IO (errno says why: EACCES,
 * ENOTDIR when something that is not a directory is in the way, ...) or
 * ARCHIVE_NOMEM. */
archive_status archive_state_dir(const char *archive_dir, char **out);

/* A fingerprint of everything the indexer reads from recording_dir, as 64
 * lowercase hex characters and a NUL in out. It covers, for each regular
 * file (or symlink to one) named recording.json, transcript.*, agenda.md or
 * notes.md, its name and content; and for each named media.*, its name,
 * size and modification time (nanoseconds) but not its content, which may
 * be gigabytes. Any change to those (content, a rename, a file added or
 * removed, a media file replaced or touched) changes the fingerprint; other
 * files do not. Contents are hashed with BLAKE2b in fixed-size chunks, so
 * memory use does not depend on file sizes.
 *
 * Returns ARCHIVE_OK; ARCHIVE_NOT_FOUND or ARCHIVE_IO with "<path>: <why>"
 * in err (as for archive_list); ARCHIVE_NOMEM; or ARCHIVE_INTERNAL. On
 * failure out is "". */
archive_status archive_fingerprint(const char *recording_dir, char out[65], char *err,
                                   size_t errlen);

#endif
