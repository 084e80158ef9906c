// The fault injection of xindex_test.h: a countdown on the handle that
// every read passes through (read_point), throwing Xapian's own
// DatabaseModifiedError so that the failure takes exactly the path a real
// one does, through fail().
#include "xindex_test.h"

#include "xindex_internal.h"

namespace xindex
{

void read_point(qx_db *db)
{
	if (db->fault_after) {
		db->fault_after--;
		return;
	}
	if (db->fault_times) {
		db->fault_times--;
		throw Xapian::DatabaseModifiedError(
		    "injected by qx_test_fail_reads: the revision being read has been discarded - "
		    "reopen() and retry");
	}
}

} // namespace xindex

qx_status qx_test_fail_reads(qx_db *db, unsigned after, unsigned times) noexcept
{
	if (!db)
		return QX_INVALID;
	db->fault_after = times ? after : 0;
	db->fault_times = times;
	return QX_OK;
}

bool qx_test_failures_pending(const qx_db *db) noexcept
{
	return db && db->fault_times > 0;
}
