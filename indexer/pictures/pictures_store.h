/* pictures_store: a recording's pictures on disk, and their state, so that
 * the server, `qarchive pictures` and the pages all see the same:
 *
 *     .qarchive/pictures/<id>/             the published set, replaced whole
 *         pictures.json                    what it is: PICTURES_INFO below
 *         poster.jpg                       a frame, or the waveform (sound only)
 *         storyboard-N.jpg                 video only: the hover preview's
 *                                          sprites (laid out as pictures.json says)
 *         at/<ms>.jpg                      frames at moments, made on request
 *     .qarchive/pictures/<id>.job.json     a job running or failed (none when
 *                                          done): {"state", "progress",
 *                                          "source", "error"}
 *     .qarchive/pictures/<id>.lock         flock(2)ed by the process making it
 *     .qarchive/pictures/.new-<id>/        the next set while it is made
 *
 * A set is made in .new-<id>/ and swapped in with one rename (RENAME_EXCHANGE),
 * so a reader sees the old set or the new one, never half of one.
 * "source" is the media file's size, mtime and inode: a set (or a failure)
 * whose source is not the media's current one is out of date.
 */
#ifndef QA_PICTURES_STORE_H
#define QA_PICTURES_STORE_H

#include <stdbool.h>
#include <stddef.h>

#define PICTURES_DIR "pictures" /* under <archive>/.qarchive/ */

/* The poster's largest size, and a moment's frame's (px). */
#define PICTURES_POSTER_WIDTH  640
#define PICTURES_POSTER_HEIGHT 360
#define PICTURES_THUMB_WIDTH   320
#define PICTURES_THUMB_HEIGHT  180

typedef enum pictures_status {
	PICTURES_OK = 0,
	PICTURES_NONE,     /* no pictures (yet), or none for this moment */
	PICTURES_RANGE,    /* a moment outside the recording */
	PICTURES_BUSY,     /* another process makes them, or too many frames at once */
	PICTURES_NO_MEDIA, /* the recording has no media file */
	PICTURES_FAILED,   /* the media could not be read: err says why, and the job says so */
	PICTURES_STOPPED,  /* asked to stop */
	PICTURES_IO,
	PICTURES_NOMEM,
} pictures_status;

const char *pictures_status_str(pictures_status status);

typedef enum pictures_state {
	PICTURES_STATE_NONE = 0, /* nothing made yet, nothing running */
	PICTURES_STATE_RUNNING,
	PICTURES_STATE_DONE,
	PICTURES_STATE_FAILED,
} pictures_state;

/* What the pages need about a recording's pictures. The fields marked
 * "done" describe the published set, and are filled whenever published. */
typedef struct pictures_info {
	pictures_state state;
	bool published;                  /* a set is there (also while the next is made) */
	bool video;                      /* done: a video's set (frames), else a waveform */
	bool storyboard;                 /* done: there are storyboard-N.jpg, laid out so: */
	double sb_interval;              /* seconds between tiles */
	int sb_width, sb_height;         /* a tile's size */
	int sb_columns, sb_rows;         /* tiles across and down a sprite */
	int sb_sprites;                  /* storyboard-0.jpg .. storyboard-(N-1).jpg */
	int poster_width, poster_height; /* done */
	int thumb_width, thumb_height;   /* done, video: a moment's frame's size */
	double duration;                 /* done: seconds, 0 when unknown */
	int progress;                    /* running: 0..100 */
	char error[300];                 /* failed: why */
	char source[80];                 /* done or failed: the media it was made from */
} pictures_info;

/* Read recording id's state into *info (zeroed first): the published
 * set's pictures.json, and the job file over it when one is running (its
 * lock held) or failed. PICTURES_OK, or PICTURES_NOMEM; anything unreadable
 * counts as not there. */
pictures_status pictures_info_read(const char *archive_dir, const char *id, pictures_info *info);

/* "<archive>/.qarchive/pictures/<id>" (the published set), or with a
 * file name joined ("poster.jpg"; NULL: the folder); id "" with a file:
 * that file in pictures/ itself. Caller frees; NULL when
 * out of memory. */
char *pictures_path(const char *archive_dir, const char *id, const char *file);

/* The media file's "source" stamp (size-mtime-inode) into out; false when
 * it cannot be stat'ed. */
bool pictures_source(const char *media_path, char out[80]);

/* Write the job file of id ({"state": "running"|"failed", ...}), atomically
 * (the folder is not fsynced: progress is advisory). state PICTURES_STATE_NONE or
 * DONE removes it. */
pictures_status pictures_job_write(const char *archive_dir, const char *id, pictures_state state,
                                   int progress, const char *source, const char *error);

#endif
