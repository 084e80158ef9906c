// Several indexes searched as one: local databases and remote ones served
// by xapian-tcpsrv, combined with Xapian's own multi-database search
// (Database::add_database), which merges the shards' statistics so that
// weights, and so the ranking, are those of one index holding every
// document.
//
// What Xapian does not merge is user metadata: get_metadata and
// metadata_keys read the first sub-database only. Ours holds the
// recordings' summaries, one key per recording in the shard that indexes
// it, so the metadata calls (xindex_metadata.cc) ask every shard in turn.
#include "xindex_internal.h"

#include <cstdlib>
#include <cstring>

namespace
{

// "tcp:HOST:PORT" → a remote database; anything else is a local path (a
// generation stub or a database directory).
Xapian::Database open_one(const std::string &spec)
{
	if (spec.compare(0, 4, "tcp:") != 0)
		return Xapian::Database(spec);
	std::string rest = spec.substr(4);
	size_t colon = rest.rfind(':');
	if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size())
		throw Xapian::InvalidArgumentError(spec + ": want tcp:HOST:PORT");
	std::string host = rest.substr(0, colon);
	char *end = nullptr;
	unsigned long port = std::strtoul(rest.c_str() + colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535)
		throw Xapian::InvalidArgumentError(spec + ": the port is 1 to 65535");
	// Timeouts: a shard that stops answering must fail the search (a
	// 5xx the operator sees), not hang it. 10 s to connect and per call.
	return Xapian::Remote::open(host, static_cast<unsigned>(port), 10000, 10000);
}

} // namespace

qx_status qx_db_open_shards(const char *const *specs, size_t count, qx_db **out,
                            char **errmsg) noexcept
{
	return xindex::open_guarded(out, errmsg, [&](qx_db *&db, std::string &message) {
		if (!specs || count == 0)
			return xindex::invalid(&message, "no shards given");
		db = new qx_db;
		db->db.reset(new Xapian::Database());
		for (size_t i = 0; i < count; i++) {
			Xapian::Database shard = open_one(specs[i]);
			db->shards.push_back(shard);
			db->remote = db->remote || std::strncmp(specs[i], "tcp:", 4) == 0;
			db->db->add_database(shard);
		}
		db->path = specs[0];
		return QX_OK;
	});
}

namespace xindex
{

bool reopen_shards(qx_db *db)
{
	bool changed = false;
	for (auto &shard : db->shards)
		changed = shard.reopen() || changed;
	return changed;
}

} // namespace xindex
