// The C/C++ boundary of xindex: what every exported function hands back to
// C. Exceptions become a qx_status through one mapping (fail), C++ strings
// become malloc'd copies, and statuses have names.
#include "xindex_internal.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace xindex
{

qx_status fail(std::string *errmsg) noexcept
{
	qx_status status = QX_INTERNAL;
	const char *detail = "unexpected error";
	std::string text;
	try {
		try {
			throw;
		} catch (const Xapian::DatabaseLockError &e) {
			status = QX_LOCKED;
			text = "the index is busy: another process is writing to it (" +
			       e.get_msg() + ")";
		} catch (const Xapian::DatabaseModifiedError &e) {
			status = QX_RETRY;
			text = "the index changed while reading it: " + e.get_msg();
		} catch (const Xapian::QueryParserError &e) {
			status = QX_QUERY_SYNTAX;
			text = "cannot understand the query: " + e.get_msg();
		} catch (const Xapian::DatabaseCorruptError &e) {
			status = QX_CORRUPT;
			text = "the index is damaged: " + e.get_msg();
		} catch (const Xapian::DatabaseNotFoundError &e) {
			status = QX_NOT_FOUND;
			text = "no index here: " + e.get_msg();
		} catch (const Xapian::InvalidArgumentError &e) {
			// An argument Xapian refuses (a term or key over its
			// length limit) came from the caller.
			status = QX_INVALID;
			text = "invalid argument: " + e.get_msg();
		} catch (const Xapian::Error &e) {
			status = QX_XAPIAN;
			text = e.get_type() + std::string(": ") + e.get_msg();
			if (!e.get_context().empty())
				text += " (" + e.get_context() + ")";
		} catch (const std::bad_alloc &) {
			status = QX_NOMEM;
			detail = "out of memory";
		} catch (const std::exception &e) {
			status = QX_INTERNAL;
			text = std::string("unexpected error: ") + e.what();
		} catch (...) {
			status = QX_INTERNAL;
		}
		if (errmsg)
			*errmsg = text.empty() ? std::string(detail) : text;
	} catch (...) {
		// Building the message itself ran out of memory: keep the status.
		if (status != QX_NOMEM && status != QX_LOCKED && status != QX_RETRY)
			status = QX_NOMEM;
	}
	return status;
}

char *dup_string(const std::string &s)
{
	char *out = static_cast<char *>(std::malloc(s.size() + 1));
	if (!out)
		throw std::bad_alloc();
	std::memcpy(out, s.data(), s.size());
	out[s.size()] = '\0';
	return out;
}

} // namespace xindex

const char *qx_status_str(qx_status status) noexcept
{
	switch (status) {
	case QX_OK:
		return "ok";
	case QX_NOT_FOUND:
		return "no index";
	case QX_LOCKED:
		return "the index is busy";
	case QX_RETRY:
		return "the index changed: retry";
	case QX_QUERY_SYNTAX:
		return "query syntax error";
	case QX_CORRUPT:
		return "the index is damaged";
	case QX_XAPIAN:
		return "index error";
	case QX_NOMEM:
		return "out of memory";
	case QX_INVALID:
		return "invalid argument";
	case QX_INTERNAL:
		return "internal error";
	}
	return "unknown status";
}
