#include "recordings_list.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "index_schema.h"
#include "search_cache.h"

/* Its key in search_cache: no recording id holds a control byte. */
#define RECORDINGS_LIST_KEY "recordings\x1fnewest"

typedef struct collected {
	json_t *all;
	bool nomem;
} collected;

static bool collect(const char *key, const char *value, void *ctx)
{
	(void)key;
	collected *c = ctx;
	json_t *summary = json_loads(value, 0, NULL);
	if (!json_is_object(summary)) {
		json_decref(summary);
		return true;
	}
	if (json_array_append_new(c->all, summary) != 0) {
		c->nomem = true;
		return false;
	}
	return true;
}

static const char *field(const json_t *summary, const char *name)
{
	const char *s = json_string_value(json_object_get(summary, name));
	return s ? s : "";
}

/* ASCII case folded, so the order does not depend on the locale. */
static int compare_folded(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || !ca)
			return ca - cb;
	}
}

/* The order recordings_list.h documents. */
static int newest_first(const void *pa, const void *pb)
{
	const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	int c = strcmp(field(b, "date"), field(a, "date"));
	if (!c)
		c = compare_folded(field(a, "title"), field(b, "title"));
	if (!c)
		c = strcmp(field(a, "title"), field(b, "title"));
	if (!c)
		c = strcmp(field(a, "id"), field(b, "id"));
	return c;
}

/* all's items, sorted, into a new array; NULL when out of memory. */
static json_t *sorted(json_t *all)
{
	size_t n = json_array_size(all);
	json_t **items = malloc((n ? n : 1) * sizeof *items);
	json_t *out = json_array();
	if (!items || !out) {
		free(items);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(all, i);
	qsort(items, n, sizeof *items, newest_first);
	for (size_t i = 0; i < n && out; i++) {
		if (json_array_append(out, items[i]) != 0) {
			json_decref(out);
			out = NULL;
		}
	}
	free(items);
	return out;
}

/* Read and sort every summary; *retried says whether db was reopened on
 * the way (the revision read before no longer names what was read). */
static qx_status read_newest(qx_db *db, json_t **list, bool *retried)
{
	*list = NULL;
	*retried = false;
	collected c = {json_array(), false};
	if (!c.all)
		return QX_NOMEM;
	qx_status qs = qx_db_each_metadata(db, INDEX_META_RECORDING, collect, &c);
	if (qs == QX_RETRY) {
		/* A commit landed between the handle's last reopen and this read. */
		*retried = true;
		json_array_clear(c.all);
		qs = qx_db_reopen(db, NULL);
		if (qs == QX_OK)
			qs = qx_db_each_metadata(db, INDEX_META_RECORDING, collect, &c);
	}
	if (qs == QX_OK && c.nomem)
		qs = QX_NOMEM;
	if (qs == QX_OK && !(*list = sorted(c.all)))
		qs = QX_NOMEM;
	json_decref(c.all);
	return qs;
}

qx_status recordings_list_newest(qx_db *db, json_t **list)
{
	/* The same for every request on one revision (search_cache.h): the
	 * home and watch pages and the feeds ask for it on every view, and
	 * reading it parses every recording's summary. */
	char *revision = NULL;
	if (qx_db_revision(db, &revision) != QX_OK)
		revision = NULL;
	*list = search_cache_get(revision, RECORDINGS_LIST_KEY);
	if (*list) {
		free(revision);
		return QX_OK;
	}
	bool retried;
	qx_status qs = read_newest(db, list, &retried);
	if (qs == QX_OK && !retried)
		search_cache_put(revision, RECORDINGS_LIST_KEY, *list);
	free(revision);
	return qs;
}
