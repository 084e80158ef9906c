// Database handles: opening, closing and reopening, transactions, and the
// writes that add, replace and delete documents and spellings.
#include "xindex_internal.h"

using xindex::guarded;

qx_status qx_db_open(const char *path, bool writable, qx_db **out, char **errmsg) noexcept
{
	*out = nullptr;
	if (errmsg)
		*errmsg = nullptr;
	std::string message;
	qx_status status = QX_OK;
	qx_db *db = nullptr;
	try {
		if (!path)
			return QX_INVALID;
		db = new qx_db;
		db->path = path;
		db->writable = writable;
		if (writable)
			db->db.reset(new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN));
		else
			db->db.reset(new Xapian::Database(path));
		*out = db;
		return QX_OK;
	} catch (...) {
		status = xindex::fail(&message);
	}
	delete db;
	if (errmsg) {
		try {
			*errmsg = xindex::dup_string(message);
		} catch (...) {
			*errmsg = nullptr;
		}
	}
	return status;
}

void qx_db_close(qx_db *db) noexcept
{
	if (!db)
		return;
	try {
		if (db->writable)
			db->writer().close();
	} catch (...) {
		// Closing a writer that cannot flush loses only uncommitted
		// changes, which close() discards by contract anyway.
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
		bool c = db->db->reopen();
		if (changed)
			*changed = c;
		return QX_OK;
	});
}

qx_status qx_db_doc_count(qx_db *db, unsigned *out) noexcept
{
	return guarded(db, false, [&] {
		*out = db->db->get_doccount();
		return QX_OK;
	});
}

qx_status qx_db_begin(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		db->writer().begin_transaction(true);
		db->in_transaction = true;
		return QX_OK;
	});
}

qx_status qx_db_commit(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		// Outside a transaction, commit() makes the pending changes
		// durable and visible in one step, just the same.
		if (db->in_transaction)
			db->writer().commit_transaction();
		else
			db->writer().commit();
		db->in_transaction = false;
		return QX_OK;
	});
}

qx_status qx_db_cancel(qx_db *db) noexcept
{
	return guarded(db, true, [&] {
		if (!db->in_transaction)
			return QX_INVALID;
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
		db->writer().replace_document(unique_term, doc->doc);
		return QX_OK;
	});
}

qx_status qx_db_add(qx_db *db, const qx_doc *doc) noexcept
{
	return guarded(db, true, [&] {
		if (!doc)
			return QX_INVALID;
		db->writer().add_document(doc->doc);
		return QX_OK;
	});
}

qx_status qx_db_delete(qx_db *db, const char *term) noexcept
{
	return guarded(db, true, [&] {
		if (!term)
			return QX_INVALID;
		db->writer().delete_document(term);
		return QX_OK;
	});
}

qx_status qx_db_add_spelling(qx_db *db, const char *word, unsigned freq_inc) noexcept
{
	return guarded(db, true, [&] {
		if (!word)
			return QX_INVALID;
		db->writer().add_spelling(Xapian::Unicode::tolower(word), freq_inc);
		return QX_OK;
	});
}
