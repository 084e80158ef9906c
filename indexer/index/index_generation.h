/* index_generation: the index as generations behind a Xapian stub file.
 *
 * <state>/index is a stub file ("auto index-<id>") naming the generation
 * in use, a Xapian database directory beside it. Readers and writers open
 * the stub and Xapian follows it. A full build writes a new generation with
 * Xapian's ordinary periodic commits (fast: no giant transaction) and then
 * publishes it by renaming a new stub over the old one, which is atomic: a
 * reader sees the old index or the new one, and a build killed half-way
 * leaves the old one in use. An index made before this layout (a plain
 * directory at <state>/index) still opens; it is simply updated in place.
 */
#ifndef QA_INDEX_GENERATION_H
#define QA_INDEX_GENERATION_H

#include <stdbool.h>

/* Is path a stub file (as opposed to missing, or a database directory)? */
bool index_generation_is_stub(const char *path);

/* The generation the stub at path names ("index-..."), or NULL (not a stub,
 * unreadable, out of memory). Caller frees. */
char *index_generation_current(const char *path);

/* Make a new, empty generation directory in state_dir. On success returns
 * 0 and sets *name ("index-<time>-<pid>") and *dir (its path), both caller
 * freed; otherwise an errno value. */
int index_generation_create(const char *state_dir, char **name, char **dir);

/* Point the stub at path to generation `name`: a temporary stub is written
 * and fsynced, then renamed over path (replace) or linked to path only if
 * path does not exist yet (exclusive: EEXIST when another process got there
 * first). Returns 0 or an errno value. */
int index_generation_publish(const char *path, const char *name, bool exclusive);

/* Remove generation directory `name` ("index-...", as index_generation_create
 * or index_generation_current gave it; anything else is ignored) from
 * state_dir. Only for a generation no writer can be using: this run's own
 * unfinished one, or one too damaged to open. */
void index_generation_remove(const char *state_dir, const char *name);

/* Remove every generation directory in state_dir but `keep` (may be NULL):
 * leftovers of builds that were interrupted or replaced. Only call while
 * holding the index's writer lock, so no build in progress is touched. */
void index_generation_remove_others(const char *state_dir, const char *keep);

/* What identifies a file's content without reading it: a commit or a
 * publish replaces the file by rename, so a new inode (the time and size
 * as well, in case an inode is reused). */
typedef struct index_file_id {
	unsigned long long dev, ino;
	long long mtime_ns, size;
} index_file_id;

/* A stamp of the index at a path: the stub, the generation it names and the
 * identity of that database's version file, which Xapian (glass) replaces
 * at every commit. Equal stamps: nothing was committed or published in
 * between, so a reader need not reopen. A different generation: a full
 * build was published, which a reader's reopen does not follow (Xapian
 * reads a stub only when it opens it), so it must open the index anew. */
typedef struct index_stamp {
	index_file_id stub;    /* all 0 for a database directory */
	index_file_id version; /* the database's version file */
	char generation[96];   /* what the stub names; "" for a directory */
} index_stamp;

/* Stamp the index at path (a stub or a database directory) into *out:
 * two stats, and a read of the stub only when it is not the file prev
 * (may be NULL) stamped. false when something cannot be read (no index
 * yet, a stub being replaced): then the caller cannot tell, and reopens. */
bool index_generation_stamp(const char *path, const index_stamp *prev, index_stamp *out);

/* Are a and b the same state of the index / the same generation? */
bool index_stamp_equal(const index_stamp *a, const index_stamp *b);
bool index_stamp_same_generation(const index_stamp *a, const index_stamp *b);

#endif
