/* crash_point: a test hook that kills the process at a named point of a
 * write (issue #16, crash consistency).
 *
 * When the environment variable QA_CRASH_AT equals name, crash_point(name)
 * writes "qarchive: crash point <name>" to stderr and raises SIGKILL, as
 * `kill -9` would at that instant: no atexit, no flush, no cleanup. The
 * tests in tests/crash/ stop the program at each point in turn, restart
 * it, and check that nothing was lost, duplicated or left half-made.
 *
 * It is compiled into every build, Release included, on purpose: a crash
 * test must exercise the binary that ships, and the cost is one getenv()
 * per point on write paths that fsync anyway. Nobody sets QA_CRASH_AT by
 * accident; it is documented as a test hook only. The points:
 *
 *   ingest-staged      the new recording is complete in uploads/tmp/, not
 *                      yet in the archive
 *   ingest-published   renamed into the archive, not yet indexed
 *   edit-written       an edited file replaced in the folder, not indexed
 *   delete-trashed     moved to the trash, still in the index
 *   index-uncommitted  one recording's documents written, not committed
 *   index-committed    committed (an upload not yet answered)
 *   index-update-uncommitted  `qarchive index` (and the server's start):
 *                      every change written, not committed
 *   index-build-unpublished   a full build's new generation committed,
 *                      the stub not yet switched to it
 *   tus-intent         a tus upload's .info names the id it will take
 *   tus-published      its recording is in the archive and indexed, the
 *                      upload not yet marked finished
 *   tus-finished       marked finished, not yet answered
 */
#ifndef QA_CRASH_POINT_H
#define QA_CRASH_POINT_H

/* Kill the process here when QA_CRASH_AT is name; otherwise nothing. */
void crash_point(const char *name);

#endif
