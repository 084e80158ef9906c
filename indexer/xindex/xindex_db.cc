// Database handles: opening, closing and reopening, transactions, and the
// writes that add, replace and delete documents and spellings.
//
// xindex.h promises that closing a writer discards what it did not commit:
// callers' error paths rely on it to leave the last committed state. Xapian
// can discard only a transaction (WritableDatabase::close() and its
// destructor commit anything else), so every change is made inside one:
// qx_db_begin opens it, or else the first change does (writing()), and
// qx_db_commit ends it. A flushed transaction commits exactly as commit()
// does, and Xapian still flushes its buffers to disk within one (at
// XAPIAN_FLUSH_THRESHOLD changes, without committing), so a long build
// costs no more memory than before; it only no longer auto-commits at that
// threshold, which index_update's own periodic commits made moot.
#include <cstring>

#include "xindex_internal.h"

using xindex::guarded;

namespace xindex
{

Xapian::WritableDatabase &writing(qx_db *db)
{
	if (!db->in_transaction) {
		db->writer().begin_transaction(true);
		db->in_transaction = true;
	}
	return db->writer();
}

} // namespace xindex

qx_status qx_db_open(const char *path, bool writable, qx_db **out, char **errmsg) noexcept
{
	return xindex::open_guarded(out, errmsg, [&](qx_db *&db, std::string &message) {
		if (!path)
			return xindex::invalid(&message, "no path given");
		db = new qx_db;
		db->path = path;
		db->writable = writable;
		if (writable)
			db->db.reset(new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN));
		else
			db->db.reset(new Xapian::Database(path));
		return QX_OK;
	});
}

void qx_db_close(qx_db *db) noexcept
{
	if (!db)
		return;
	try {
		if (db->in_transaction)
			db->writer().cancel_transaction();
	} catch (...) {
		// Nothing uncommitted can reach the disk even so: closing a
		// writer in a transaction cancels it (Xapian's destructor).
	}
	try {
		if (db->writable)
			db->writer().close();
	} catch (...) {
		// Nothing is left to commit: close() only releases the lock.
	}
	delete db;
}

const char *qx_db_errmsg(const qx_db *db) noexcept
{
	return db ? db->errmsg.c_str() : "no database handle";
}

qx_status qx_db_reopen(qx_db *db, bool *changed) noexcept
{
	return guarded(db, false, [&] {
		// Whether or not it moves, before anything is read again.
		db->group_values.values.clear();
		bool c = db->db->reopen();
		if (!db->shards.empty())
			c = xindex::reopen_shards(db) || c;
		if (changed)
			*changed = c;
		return QX_OK;
	});
}

qx_status qx_db_version(qx_db *db, char uuid[QX_UUID_LEN + 1],
                        unsigned long long *revision) noexcept
{
	return guarded(db, false, [&] {
		if (!uuid || !revision)
			return xindex::invalid(&db->errmsg, "no place for the version");
		xindex::read_point(db);
		std::string u = db->db->get_uuid();
		size_t n = u.size() < QX_UUID_LEN ? u.size() : QX_UUID_LEN;
		memcpy(uuid, u.data(), n);
		uuid[n] = '\0';
		*revision = db->db->get_revision();
		return QX_OK;
	});
}

qx_status qx_db_revision(qx_db *db, char **out) noexcept
{
	if (out)
		*out = nullptr;
	return guarded(db, false, [&] {
		if (!out)
			return xindex::invalid(&db->errmsg, "no place for the revision");
		// Both are in memory since the open or the last reopen: no read
		// (and no fault for xindex_test.h's hook to inject).
		*out = xindex::dup_string(db->db->get_uuid() + "/" +
		                          std::to_string(db->db->get_revision()));
		return *out ? QX_OK : QX_NOMEM;
	});
}

qx_status qx_db_doc_count(qx_db *db, unsigned *out) noexcept
{
	return guarded(db, false, [&] {
		if (!out)
			return xindex::invalid(&db->errmsg, "no place for the count");
		xindex::read_point(db);
		*out = db->db->get_doccount();
		return QX_OK;
	});
}

qx_status qx_db_begin(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		if (db->explicit_transaction) {
			db->errmsg = "a transaction is already open";
			return QX_INVALID;
		}
		// Changes made before qx_db_begin are committed first, as
		// Xapian's begin_transaction(flushed) does with its own.
		if (db->in_transaction) {
			db->in_transaction = false;
			db->writer().commit_transaction();
		}
		xindex::writing(db);
		db->explicit_transaction = true;
		return QX_OK;
	});
}

qx_status qx_db_commit(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		// Whether or not the transaction failed to commit, it is over:
		// Xapian ends it either way.
		db->explicit_transaction = false;
		if (db->in_transaction) {
			db->in_transaction = false;
			db->writer().commit_transaction();
		}
		return QX_OK;
	});
}

qx_status qx_db_compact(qx_db *db, const char *dest) noexcept
{
	return guarded(db, true, [&] {
		if (db->in_transaction) {
			db->errmsg = "a transaction is open: commit before compacting";
			return QX_INVALID;
		}
		if (!dest || !*dest) {
			db->errmsg = "no destination to compact into";
			return QX_INVALID;
		}
		db->db->compact(std::string(dest),
		                Xapian::Compactor::FULL | Xapian::DBCOMPACT_NO_RENUMBER);
		return QX_OK;
	});
}

qx_status qx_db_cancel(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		if (!db->explicit_transaction) {
			db->errmsg = "no transaction to cancel (qx_db_begin was not called)";
			return QX_INVALID;
		}
		db->explicit_transaction = false;
		db->in_transaction = false;
		db->writer().cancel_transaction();
		return QX_OK;
	});
}

qx_status qx_db_replace(qx_db *db, const char *unique_term, const qx_doc *doc) noexcept
{
	return guarded(db, true, [&] {
		if (!unique_term || !doc)
			return QX_INVALID;
		xindex::writing(db).replace_document(unique_term, doc->doc);
		return QX_OK;
	});
}

qx_status qx_db_add(qx_db *db, const qx_doc *doc) noexcept
{
	return guarded(db, true, [&] {
		if (!doc)
			return QX_INVALID;
		xindex::writing(db).add_document(doc->doc);
		return QX_OK;
	});
}

qx_status qx_db_delete(qx_db *db, const char *term) noexcept
{
	return guarded(db, true, [&] {
		if (!term)
			return QX_INVALID;
		xindex::writing(db).delete_document(term);
		return QX_OK;
	});
}

qx_status qx_db_add_spelling(qx_db *db, const char *word, unsigned freq_inc) noexcept
{
	return guarded(db, true, [&] {
		if (!word)
			return QX_INVALID;
		xindex::writing(db).add_spelling(Xapian::Unicode::tolower(word), freq_inc);
		return QX_OK;
	});
}
