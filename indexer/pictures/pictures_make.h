/* pictures_make: make a recording's set of pictures (pictures_store.h):
 * for a video its poster (a frame a tenth of the way in, at most 30 s:
 * past the black of a start) and its storyboard; for sound only its
 * waveform as the poster. Once per media file: a set (or a failure) made
 * from the same media is not made again unless forced.
 *
 * Used by the server's background worker (server/jobs/pictures_queue.h)
 * and by `qarchive pictures`; the two agree through the job's lock.
 */
#ifndef QA_PICTURES_MAKE_H
#define QA_PICTURES_MAKE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "pictures_store.h"

typedef struct pictures_make_config {
	const char *archive_dir; /* borrowed */
	bool force;              /* make them even when they are up to date */
	const atomic_bool *stop; /* may be NULL: set, the job stops (PICTURES_STOPPED) */
	/* Told each percent done (may be NULL). */
	void (*progress)(void *arg, const char *id, int percent);
	void *progress_arg;
} pictures_make_config;

/* Make recording id's pictures. Returns PICTURES_OK (made), PICTURES_NONE
 * (up to date: nothing done), PICTURES_NO_MEDIA (no such recording, or it
 * has no media: its old pictures are removed), PICTURES_BUSY (another
 * process makes them), PICTURES_FAILED (the media cannot be read: the job
 * file says why, so it is not tried again until the media changes),
 * PICTURES_STOPPED, PICTURES_IO or PICTURES_NOMEM, with a message in err. */
pictures_status pictures_make(const pictures_make_config *cfg, const char *id, char *err,
                              size_t errlen);

/* Remove the pictures (sets, job files, locks, half-made sets nobody
 * makes) of recordings no longer in the archive: ids[0..n) are those that
 * are (sorted by strcmp, as archive_list gives them). Returns how many
 * recordings' pictures went. A set being made (its lock held) stays. */
size_t pictures_prune(const char *archive_dir, char *const *ids, size_t n);

#endif
