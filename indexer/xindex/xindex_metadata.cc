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
		*value = xindex::dup_string(db->db->get_metadata(key));
		return QX_OK;
	});
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
