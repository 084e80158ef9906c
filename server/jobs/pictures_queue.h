/* pictures_queue: the server's background maker of pictures
 * (pictures_make.h). One thread of its own goes over the archive's
 * recordings and makes the pictures each lacks (or whose media changed),
 * one at a time; an upload wakes it, and it looks again every
 * PICTURES_QUEUE_POLL_SECONDS for recordings added another way (`qarchive
 * add`), and removes the pictures of recordings deleted since. A request never waits for it: until
 * a recording's pictures are made, its pages show none. No libmicrohttpd here.
 */
#ifndef QA_PICTURES_QUEUE_H
#define QA_PICTURES_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pictures_queue pictures_queue;

#define PICTURES_QUEUE_POLL_SECONDS 60

typedef enum pictures_queue_status {
	PICTURES_QUEUE_OK = 0,
	PICTURES_QUEUE_FAILED, /* the thread could not be started: err says */
	PICTURES_QUEUE_NOMEM,
} pictures_queue_status;

/* Start the worker over archive_dir (copied). *out is the queue (stop and
 * free it with pictures_queue_stop), NULL on failure. */
pictures_queue_status pictures_queue_start(const char *archive_dir, pictures_queue **out, char *err,
                                           size_t errlen);

/* Something changed (an upload): look at the archive again now.
 * Thread-safe; NULL is a no-op. */
void pictures_queue_wake(pictures_queue *q);

/* Stop the job running (its set is not published; the next start makes
 * it), join the thread, free q. NULL is a no-op. */
void pictures_queue_stop(pictures_queue *q);

#endif
