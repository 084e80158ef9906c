/* xindex_test: fault injection for tests, in the manner of SQLite's test
 * controls. Not for production use: nothing outside tests/ calls it.
 *
 * A reader gets QX_RETRY when a writer has committed often enough to
 * recycle the revision it was reading (Xapian's DatabaseModifiedError):
 * from the search itself, or from any lazy read of its hits afterwards.
 * A test can make a real writer do that between two calls of its own
 * (tests/unit/test_xindex.c does), but not at a chosen point inside one
 * call of the code under test, such as search_run, which reads straight
 * through. These hooks make a chosen read throw that same exception
 * instead, so it goes through the same mapping (QX_RETRY, and the message
 * on the handle) as the real one.
 */
#ifndef QA_XINDEX_TEST_H
#define QA_XINDEX_TEST_H

#include "xindex.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Let the next `after` reads through db (and the msets made from it)
 * succeed, then make the `times` reads after them fail with QX_RETRY as
 * though the revision being read had been recycled. A read is a call of
 * qx_db_search, qx_db_doc_count, qx_db_get_metadata, qx_db_each_metadata,
 * qx_db_term_freq, qx_db_spelling_suggestion, qx_mset_hit,
 * qx_mset_first_position or qx_mset_snippet (each call counts,
 * even when the mset answers from what it already read). qx_db_reopen does
 * not count and does not disarm. after = times = 0 disarms. QX_INVALID for
 * a NULL db. */
qx_status qx_test_fail_reads(qx_db *db, unsigned after, unsigned times) QX_NOEXCEPT;

/* Whether failures armed with qx_test_fail_reads are still to come (false
 * for NULL). */
bool qx_test_failures_pending(const qx_db *db) QX_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
