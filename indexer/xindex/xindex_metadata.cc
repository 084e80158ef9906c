// User metadata: small key/value strings stored with the database and
// committed with it (recording summaries, the schema version, synonyms).
#include "xindex_internal.h"

using xindex::guarded;

qx_status qx_db_set_metadata(qx_db *db, const char *key, const char *value) noexcept
{
	return guarded(db, true, [&] {
		if (!key || !*key || !value)
			return QX_INVALID;
		xindex::writing(db).set_metadata(key, value);
		return QX_OK;
	});
}

qx_status qx_db_get_metadata(qx_db *db, const char *key, char **value) noexcept
{
	if (value)
		*value = nullptr;
	return guarded(db, false, [&] {
		if (!key || !*key || !value)
			return xindex::invalid(&db->errmsg, "no key, or no place for the value");
		xindex::read_point(db);
		std::string v = db->db->get_metadata(key);
		// Shards: the first that has the key (xindex_shards.cc).
		for (size_t i = 1; v.empty() && i < db->shards.size(); i++)
			v = db->shards[i].get_metadata(key);
		*value = xindex::dup_string(v);
		return QX_OK;
	});
}

// Every shard's keys with prefix, merged in key order as one index would
// list them; a key in several shards (the schema version, the synonyms)
// is given once, with the first shard's value.
static qx_status each_in_shards(qx_db *db, const std::string &prefix,
                                bool (*fn)(const char *key, const char *value, void *ctx),
                                void *ctx)
{
	std::map<std::string, std::string> merged;
	for (auto &shard : db->shards)
		for (auto it = shard.metadata_keys_begin(prefix);
		     it != shard.metadata_keys_end(prefix); ++it)
			if (!merged.count(*it))
				merged.emplace(*it, shard.get_metadata(*it));
	for (const auto &kv : merged)
		if (!fn(kv.first.c_str(), kv.second.c_str(), ctx))
			break;
	return QX_OK;
}

qx_status qx_db_each_metadata(qx_db *db, const char *prefix,
                              bool (*fn)(const char *key, const char *value, void *ctx),
                              void *ctx) noexcept
{
	return guarded(db, false, [&] {
		if (!fn)
			return xindex::invalid(&db->errmsg, "no function to call");
		xindex::read_point(db);
		std::string p = prefix ? prefix : "";
		if (!db->shards.empty())
			return each_in_shards(db, p, fn, ctx);
		for (auto it = db->db->metadata_keys_begin(p); it != db->db->metadata_keys_end(p);
		     ++it) {
			std::string key = *it;
			std::string value = db->db->get_metadata(key);
			if (!fn(key.c_str(), value.c_str(), ctx))
				break;
		}
		return QX_OK;
	});
}
