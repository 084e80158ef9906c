/* Unit tests for xindex, the C API over Xapian: documents, transactions,
 * metadata, search (phrases, stemming, filters, facets, collapsing,
 * suggestions, positions, snippets) and every failure status. This file is
 * also compiled as C++ (test_xindex_cxx) to check that xindex.h is valid in
 * both languages. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "xindex.h"
#include "xindex_test.h"

static char tmp_root[256];

static void path_in_tmp(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", tmp_root, name);
}

static void add_doc(qx_db *db, const char *id, const char *const *words, size_t n,
                    const char *release, const char *speakers)
{
	qx_doc *doc = qx_doc_new();
	CHECK(doc != NULL);
	for (size_t i = 0; i < n; i++)
		CHECK(qx_doc_add_text_term(doc, "", words[i], (unsigned)i + 1, true, 1, false) ==
		      QX_OK);
	char term[64];
	snprintf(term, sizeof term, "XREC%s", id);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	snprintf(term, sizeof term, "XRELEASE%s", release);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	CHECK(qx_doc_set_value(doc, 0, id, strlen(id)) == QX_OK);
	CHECK(qx_doc_set_value(doc, 2, release, strlen(release)) == QX_OK);
	CHECK(qx_doc_set_value(doc, 4, speakers, strlen(speakers)) == QX_OK);
	CHECK(qx_doc_set_data(doc, id, strlen(id)) == QX_OK);
	snprintf(term, sizeof term, "Q%s", id);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	CHECK(qx_db_replace(db, term, doc) == QX_OK);
	for (size_t i = 0; i < n; i++)
		CHECK(qx_db_add_spelling(db, words[i], 1) == QX_OK);
	qx_doc_free(doc);
}

/* A small index: three documents in two releases. */
static void build_index(const char *path)
{
	qx_db *db = NULL;
	char *err = NULL;
	CHECK(qx_db_open(path, true, &db, &err) == QX_OK);
	CHECK(err == NULL);
	CHECK(qx_db_begin(db) == QX_OK);
	static const char *const a[] = {"torch", "compile", "makes", "models", "faster"};
	static const char *const b[] = {"we", "compiled", "the", "kernels", "with", "triton"};
	static const char *const c[] = {"distributed", "training", "with", "fsdp2", "and", "torch"};
	add_doc(db, "a", a, 5, "2.6", "Ann\nBo");
	add_doc(db, "b", b, 6, "2.7", "Bo");
	add_doc(db, "c", c, 6, "2.6", "Cy");
	CHECK(qx_db_set_metadata(db, "rec:a", "{\"title\":\"A\"}") == QX_OK);
	CHECK(qx_db_set_metadata(db, "rec:b", "{\"title\":\"B\"}") == QX_OK);
	CHECK(qx_db_commit(db) == QX_OK);
	qx_db_close(db);
}

static qx_mset *search(qx_db *db, const char *query, const char *const *filters, size_t nf)
{
	static const qx_field fields[] = {{"release", "XRELEASE", true, NULL}};
	static const unsigned facets[] = {2, 4};
	qx_search_params p = {0};
	p.query = query;
	p.filters = filters;
	p.filter_count = nf;
	p.fields = fields;
	p.field_count = 1;
	p.limit = 10;
	p.collapse_slot = -1;
	p.facet_slots = facets;
	p.facet_count = 2;
	p.count_slot = 0;
	p.suggest = true;
	qx_mset *ms = NULL;
	qx_status st = qx_db_search(db, &p, &ms);
	if (st != QX_OK) {
		fprintf(stderr, "search %s: %s: %s\n", query, qx_status_str(st), qx_db_errmsg(db));
		return NULL;
	}
	return ms;
}

static const char *hit_data(qx_mset *ms, unsigned i, char *buf, size_t size)
{
	const char *data;
	size_t len;
	if (qx_mset_hit(ms, i, &data, &len, NULL, NULL) != QX_OK)
		return "";
	snprintf(buf, size, "%.*s", (int)len, data);
	return buf;
}

static void test_open_missing_read_only(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "missing");
	qx_db *db = (qx_db *)1;
	char *err = NULL;
	CHECK(qx_db_open(path, false, &db, &err) == QX_NOT_FOUND);
	CHECK(db == NULL);
	CHECK(err != NULL && strlen(err) > 0);
	free(err);
}

static void test_search_basics(void)
{
	char path[512], buf[64];
	path_in_tmp(path, sizeof path, "basic");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	unsigned count = 0;
	CHECK(qx_db_doc_count(db, &count) == QX_OK);
	CHECK(count == 3);

	/* Stemming: "compiling" finds "compile" and "compiled". */
	qx_mset *ms = search(db, "compiling", NULL, 0);
	CHECK(ms && qx_mset_size(ms) == 2 && qx_mset_total(ms) == 2);
	qx_mset_free(ms);

	/* Phrase. */
	ms = search(db, "\"torch compile\"", NULL, 0);
	CHECK(ms && qx_mset_size(ms) == 1);
	CHECK_STR(hit_data(ms, 0, buf, sizeof buf), "a");
	qx_mset_free(ms);

	/* Positions: the first matched term of "models faster" is at 4. */
	ms = search(db, "faster models", NULL, 0);
	unsigned pos = 0;
	bool found = false;
	CHECK(ms && qx_mset_first_position(ms, 0, &pos, &found) == QX_OK && found && pos == 4);
	char *snippet = NULL;
	CHECK(qx_mset_snippet(ms, "torch compile makes models <faster> & better", 200, &snippet) ==
	      QX_OK);
	CHECK(snippet && strstr(snippet, "<mark>models</mark>"));
	CHECK(snippet && strstr(snippet, "&lt;") && !strstr(snippet, "<faster>"));
	free(snippet);
	qx_mset_free(ms);

	/* Filters: a term filter and a field:value in the query. */
	static const char *const r26[] = {"XRELEASE2.6"};
	ms = search(db, "torch", r26, 1);
	CHECK(ms && qx_mset_size(ms) == 2);
	qx_mset_free(ms);
	static const char *const either[] = {"XRELEASE2.6", "XRELEASE2.7"};
	ms = search(db, "with", either, 2);
	CHECK(ms && qx_mset_size(ms) == 2); /* same prefix: OR */
	qx_mset_free(ms);
	ms = search(db, "torch release:2.7", NULL, 0);
	CHECK(ms && qx_mset_size(ms) == 0);
	qx_mset_free(ms);

	/* A query syntax error is a status with a message, not zero hits. */
	static const qx_field no_fields[] = {{"release", "XRELEASE", true, NULL}};
	qx_search_params bad = {0};
	bad.query = "torch AND";
	bad.fields = no_fields;
	bad.field_count = 1;
	bad.limit = 10;
	bad.collapse_slot = -1;
	bad.count_slot = -1;
	qx_mset *none = (qx_mset *)1;
	CHECK(qx_db_search(db, &bad, &none) == QX_QUERY_SYNTAX);
	CHECK(none == NULL);
	CHECK(strstr(qx_db_errmsg(db), "AND") != NULL);

	/* Filter-only query matches every filtered document. */
	ms = search(db, "", r26, 1);
	CHECK(ms && qx_mset_size(ms) == 2);
	qx_mset_free(ms);
	qx_db_close(db);
}

struct facet_seen {
	char text[256];
};

static bool collect(const char *value, unsigned count, void *ctx)
{
	struct facet_seen *f = ctx;
	size_t n = strlen(f->text);
	snprintf(f->text + n, sizeof f->text - n, "%s=%u;", value, count);
	return true;
}

static void test_facets_and_suggestion(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "facets");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	qx_mset *ms = search(db, "torch OR triton", NULL, 0);
	CHECK(ms != NULL);
	struct facet_seen releases = {""}, speakers = {""};
	CHECK(qx_mset_each_facet(ms, 0, collect, &releases) == QX_OK);
	CHECK(qx_mset_each_facet(ms, 1, collect, &speakers) == QX_OK);
	CHECK_STR(releases.text, "2.6=2;2.7=1;");
	/* Multi-valued: "Ann\nBo" counts for both; Bo is in two documents. */
	CHECK_STR(speakers.text, "Bo=2;Ann=1;Cy=1;");
	qx_mset_free(ms);

	ms = search(db, "tritno", NULL, 0);
	CHECK(ms && qx_mset_size(ms) == 0);
	CHECK_STR(ms ? qx_mset_suggestion(ms) : "", "triton");
	qx_mset_free(ms);
	qx_db_close(db);
}

/* One word at a time: document counts as a query would match them (case,
 * stems), and the spelling dictionary's nearest word. */
static void test_term_freq_and_spelling(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "terms");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	unsigned freq = 99;
	CHECK(qx_db_term_freq(db, "torch", false, &freq) == QX_OK && freq == 2);
	CHECK(qx_db_term_freq(db, "TORCH", false, &freq) == QX_OK && freq == 2);
	CHECK(qx_db_term_freq(db, "compiles", false, &freq) == QX_OK && freq == 0);
	/* "compile" and "compiled" share the stem "compil". */
	CHECK(qx_db_term_freq(db, "compiles", true, &freq) == QX_OK && freq == 2);
	CHECK(qx_db_term_freq(db, "zanzibar", true, &freq) == QX_OK && freq == 0);
	/* Filter terms are not words of the text. */
	CHECK(qx_db_term_freq(db, "XREC", false, &freq) == QX_OK && freq == 0);
	char longword[400];
	memset(longword, 'x', sizeof longword - 1);
	longword[sizeof longword - 1] = '\0';
	CHECK(qx_db_term_freq(db, longword, false, &freq) == QX_OK && freq == 0);
	CHECK(qx_db_term_freq(db, "", false, &freq) == QX_INVALID && freq == 0);
	CHECK(qx_db_term_freq(db, NULL, false, &freq) == QX_INVALID);
	CHECK(qx_db_term_freq(db, "torch", false, NULL) == QX_INVALID);
	CHECK(qx_db_term_freq(NULL, "torch", false, &freq) == QX_INVALID);

	char *word = (char *)"unset";
	CHECK(qx_db_spelling_suggestion(db, "Tritno", 2, &word) == QX_OK);
	CHECK_STR(word, "triton");
	free(word);
	CHECK(qx_db_spelling_suggestion(db, "qqqqqqqq", 2, &word) == QX_OK);
	CHECK_STR(word, "");
	free(word);
	CHECK(qx_db_spelling_suggestion(db, longword, 2, &word) == QX_OK);
	CHECK_STR(word, "");
	free(word);
	word = (char *)"unset";
	CHECK(qx_db_spelling_suggestion(db, NULL, 2, &word) == QX_INVALID && word == NULL);
	CHECK(qx_db_spelling_suggestion(db, "x", 2, NULL) == QX_INVALID);

	/* Both are reads: a recycled revision asks for a retry. */
	CHECK(qx_test_fail_reads(db, 0, 2) == QX_OK);
	CHECK(qx_db_term_freq(db, "torch", false, &freq) == QX_RETRY && freq == 0);
	CHECK(qx_db_spelling_suggestion(db, "tritno", 2, &word) == QX_RETRY && word == NULL);
	CHECK(!qx_test_failures_pending(db));
	qx_db_close(db);
}

static bool collect_key(const char *key, const char *value, void *ctx)
{
	struct facet_seen *f = ctx;
	size_t n = strlen(f->text);
	(void)value;
	snprintf(f->text + n, sizeof f->text - n, "%s;", key);
	return true;
}

static void test_metadata_and_delete(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "meta");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	char *value = NULL;
	CHECK(qx_db_get_metadata(db, "rec:a", &value) == QX_OK);
	CHECK_STR(value, "{\"title\":\"A\"}");
	free(value);
	CHECK(qx_db_get_metadata(db, "absent", &value) == QX_OK);
	CHECK_STR(value, "");
	free(value);
	struct facet_seen keys = {""};
	CHECK(qx_db_each_metadata(db, "rec:", collect_key, &keys) == QX_OK);
	CHECK_STR(keys.text, "rec:a;rec:b;");
	CHECK(qx_db_begin(db) == QX_OK);
	CHECK(qx_db_delete(db, "XRECa") == QX_OK);
	CHECK(qx_db_commit(db) == QX_OK);
	unsigned count = 0;
	CHECK(qx_db_doc_count(db, &count) == QX_OK && count == 2);

	/* Cancelled changes vanish. */
	CHECK(qx_db_begin(db) == QX_OK);
	CHECK(qx_db_delete(db, "XRECb") == QX_OK);
	CHECK(qx_db_cancel(db) == QX_OK);
	CHECK(qx_db_doc_count(db, &count) == QX_OK && count == 2);
	qx_db_close(db);
}

static unsigned doc_count_at(const char *path)
{
	qx_db *db = NULL;
	unsigned count = 0;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	CHECK(qx_db_doc_count(db, &count) == QX_OK);
	qx_db_close(db);
	return count;
}

/* xindex.h: closing a writer discards what it did not commit, with or
 * without qx_db_begin (Xapian's own close() would commit it), and keeps
 * what it did. */
static void test_close_discards_uncommitted(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "close");
	static const char *const w[] = {"kept"};
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	add_doc(db, "a", w, 1, "2.6", "Ann");
	qx_db_close(db);
	CHECK(doc_count_at(path) == 0);

	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	add_doc(db, "a", w, 1, "2.6", "Ann");
	CHECK(qx_db_set_metadata(db, "k", "committed") == QX_OK);
	CHECK(qx_db_commit(db) == QX_OK);
	add_doc(db, "b", w, 1, "2.6", "Ann");
	CHECK(qx_db_set_metadata(db, "k", "not committed") == QX_OK);
	qx_db_close(db);
	CHECK(doc_count_at(path) == 1);

	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	char *value = NULL;
	CHECK(qx_db_get_metadata(db, "k", &value) == QX_OK);
	CHECK_STR(value, "committed");
	free(value);
	CHECK(qx_db_begin(db) == QX_OK);
	CHECK(qx_db_begin(db) == QX_INVALID); /* no nesting */
	add_doc(db, "c", w, 1, "2.6", "Ann");
	qx_db_close(db);
	CHECK(doc_count_at(path) == 1);
}

/* qx_db_compact: a compact copy of what was committed (not what was not),
 * with the same documents, ids and metadata; refused inside a
 * transaction, without a destination, and by a reader. */
static void test_compact(void)
{
	char path[512], copy[512];
	path_in_tmp(path, sizeof path, "compact-src");
	path_in_tmp(copy, sizeof copy, "compact-copy");
	static const char *const w[] = {"pomegranate"};
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	add_doc(db, "a", w, 1, "2.6", "Ann");
	add_doc(db, "b", w, 1, "2.7", "Bo");
	CHECK(qx_db_set_metadata(db, "k", "v") == QX_OK);
	CHECK(qx_db_commit(db) == QX_OK);
	CHECK(qx_db_begin(db) == QX_OK);
	add_doc(db, "c", w, 1, "2.7", "Bo");
	CHECK(qx_db_compact(db, copy) == QX_INVALID);
	CHECK(strstr(qx_db_errmsg(db), "transaction") != NULL);
	CHECK(qx_db_cancel(db) == QX_OK);
	CHECK(qx_db_compact(db, "") == QX_INVALID);
	CHECK(qx_db_compact(db, copy) == QX_OK);
	qx_db_close(db);

	CHECK(doc_count_at(copy) == 2);
	qx_db *c = NULL;
	CHECK(qx_db_open(copy, false, &c, NULL) == QX_OK);
	char *value = NULL;
	CHECK(qx_db_get_metadata(c, "k", &value) == QX_OK);
	CHECK_STR(value, "v");
	free(value);
	unsigned freq = 0;
	CHECK(qx_db_term_docs(c, "XRECb", &freq) == QX_OK && freq == 1);
	CHECK(qx_db_compact(c, copy) == QX_INVALID); /* a reader */
	qx_db_close(c);
}

static void test_writer_lock(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "lock");
	build_index(path);
	qx_db *first = NULL, *second = NULL;
	char *err = NULL;
	CHECK(qx_db_open(path, true, &first, NULL) == QX_OK);
	CHECK(qx_db_open(path, true, &second, &err) == QX_LOCKED);
	CHECK(second == NULL);
	CHECK(err && strstr(err, "busy"));
	free(err);
	qx_db_close(first);
	CHECK(qx_db_open(path, true, &second, NULL) == QX_OK);
	qx_db_close(second);
}

static void test_reader_sees_commit_after_reopen(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "reopen");
	build_index(path);
	qx_db *reader = NULL, *writer = NULL;
	CHECK(qx_db_open(path, false, &reader, NULL) == QX_OK);
	CHECK(qx_db_open(path, true, &writer, NULL) == QX_OK);
	char uuid[QX_UUID_LEN + 1], uuid2[QX_UUID_LEN + 1];
	unsigned long long rev = 0, rev2 = 0;
	CHECK(qx_db_version(reader, uuid, &rev) == QX_OK && strlen(uuid) == QX_UUID_LEN);
	static const char *const d[] = {"helion", "kernels"};
	add_doc(writer, "d", d, 2, "helion", "Di");
	CHECK(qx_db_commit(writer) == QX_OK);
	qx_mset *ms = search(reader, "helion", NULL, 0);
	CHECK(ms && qx_mset_size(ms) == 0); /* still the old revision */
	qx_mset_free(ms);
	CHECK(qx_db_version(reader, uuid2, &rev2) == QX_OK && rev2 == rev);
	bool changed = false;
	CHECK(qx_db_reopen(reader, &changed) == QX_OK && changed);
	/* The version says so: the same database, a later revision. */
	CHECK(qx_db_version(reader, uuid2, &rev2) == QX_OK && rev2 > rev &&
	      strcmp(uuid, uuid2) == 0);
	CHECK(qx_db_version(reader, NULL, &rev2) == QX_INVALID);
	ms = search(reader, "helion", NULL, 0);
	CHECK(ms && qx_mset_size(ms) == 1);
	qx_mset_free(ms);
	qx_db_close(writer);
	qx_db_close(reader);
}

/* A reader left on an old revision while a writer commits again and again
 * gets QX_RETRY (Xapian's DatabaseModifiedError) once that revision is
 * recycled; after qx_db_reopen the same search works. */
static void test_modified_database_asks_for_retry(void)
{
	char path[512], word[32], unique[32];
	path_in_tmp(path, sizeof path, "modified");
	qx_db *writer = NULL, *reader = NULL;
	CHECK(qx_db_open(path, true, &writer, NULL) == QX_OK);
	qx_search_params p = {0};
	p.query = "common";
	p.limit = 10;
	p.collapse_slot = -1;
	p.count_slot = -1;
	qx_status st = QX_OK;
	for (int round = 0; round < 40 && st != QX_RETRY; round++) {
		for (int i = 0; i < 2000; i++) {
			qx_doc *d = qx_doc_new();
			snprintf(word, sizeof word, "w%d_%d", round, i);
			snprintf(unique, sizeof unique, "Q%d", i);
			qx_doc_add_text_term(d, "", word, 1, true, 1, false);
			qx_doc_add_text_term(d, "", "common", 2, true, 1, false);
			qx_doc_add_boolean_term(d, unique);
			CHECK(qx_db_replace(writer, unique, d) == QX_OK);
			qx_doc_free(d);
		}
		CHECK(qx_db_commit(writer) == QX_OK);
		if (!reader)
			CHECK(qx_db_open(path, false, &reader, NULL) == QX_OK);
		qx_mset *ms = NULL;
		st = qx_db_search(reader, &p, &ms);
		CHECK(st == QX_OK || st == QX_RETRY);
		qx_mset_free(ms);
	}
	CHECK(st == QX_RETRY);
	CHECK(strstr(qx_db_errmsg(reader), "reopen") != NULL);
	CHECK(qx_db_reopen(reader, NULL) == QX_OK);
	qx_mset *ms = NULL;
	CHECK(qx_db_search(reader, &p, &ms) == QX_OK);
	CHECK(ms && qx_mset_total(ms) == 2000);
	qx_mset_free(ms);
	qx_db_close(reader);
	qx_db_close(writer);
}

/* Replace documents Q0..Q<n-1>, each with the word "common" and data
 * "<round>:<i>", and commit. */
static void replace_round(qx_db *writer, int round, int n)
{
	char word[32], unique[32], data[32];
	for (int i = 0; i < n; i++) {
		qx_doc *d = qx_doc_new();
		snprintf(word, sizeof word, "w%d_%d", round, i);
		snprintf(unique, sizeof unique, "Q%d", i);
		snprintf(data, sizeof data, "%d:%d", round, i);
		CHECK(qx_doc_add_text_term(d, "", word, 1, true, 1, false) == QX_OK);
		CHECK(qx_doc_add_text_term(d, "", "common", 2, true, 1, false) == QX_OK);
		CHECK(qx_doc_add_boolean_term(d, unique) == QX_OK);
		CHECK(qx_doc_set_data(d, data, strlen(data)) == QX_OK);
		CHECK(qx_db_replace(writer, unique, d) == QX_OK);
		qx_doc_free(d);
	}
	CHECK(qx_db_commit(writer) == QX_OK);
}

/* An mset reads its hits' data and positions lazily, from the revision the
 * search ran on. Xapian keeps a revision for its readers only until the
 * writer has committed twice more; here it commits three times, replacing
 * every document, before the reader reads its first hit: those lazy reads
 * must fail with QX_RETRY (not stale data, not another status), and after
 * qx_db_reopen the same search reads every hit. */
static void test_lazy_reads_ask_for_retry(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "lazy");
	qx_db *writer = NULL, *reader = NULL;
	CHECK(qx_db_open(path, true, &writer, NULL) == QX_OK);
	replace_round(writer, 0, 2000);
	CHECK(qx_db_open(path, false, &reader, NULL) == QX_OK);
	qx_search_params p = {0};
	p.query = "common";
	p.limit = 10;
	p.collapse_slot = -1;
	p.count_slot = -1;
	qx_mset *ms = NULL;
	CHECK(qx_db_search(reader, &p, &ms) == QX_OK && qx_mset_size(ms) == 10);
	for (int round = 1; round <= 3; round++)
		replace_round(writer, round, 2000);

	const char *data = NULL;
	size_t len = 0;
	unsigned pos = 0;
	bool found = false;
	CHECK(qx_mset_hit(ms, 0, &data, &len, NULL, NULL) == QX_RETRY);
	CHECK(strstr(qx_db_errmsg(reader), "reopen") != NULL);
	CHECK(qx_mset_first_position(ms, 0, &pos, &found) == QX_RETRY);
	qx_mset_free(ms);

	CHECK(qx_db_reopen(reader, NULL) == QX_OK);
	CHECK(qx_db_search(reader, &p, &ms) == QX_OK && qx_mset_size(ms) == 10);
	unsigned fresh = 0;
	for (unsigned i = 0; i < qx_mset_size(ms); i++)
		fresh += qx_mset_hit(ms, i, &data, &len, NULL, NULL) == QX_OK && len > 2 &&
		         strncmp(data, "3:", 2) == 0;
	CHECK(fresh == 10);
	CHECK(qx_mset_first_position(ms, 0, &pos, &found) == QX_OK && found && pos == 2);
	qx_mset_free(ms);
	qx_db_close(reader);
	qx_db_close(writer);
}

/* The test hook of xindex_test.h: the chosen reads fail with QX_RETRY and
 * a message, the others succeed, and reopening does not disarm it. */
static void test_injected_read_failures(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "inject");
	build_index(path);
	qx_db *db = NULL;
	unsigned count = 0;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	CHECK(qx_test_fail_reads(NULL, 0, 1) == QX_INVALID);
	CHECK(!qx_test_failures_pending(db));
	CHECK(qx_test_fail_reads(db, 1, 2) == QX_OK && qx_test_failures_pending(db));
	qx_mset *ms = search(db, "torch", NULL, 0); /* read 1: let through */
	CHECK(ms != NULL);
	CHECK(qx_db_reopen(db, NULL) == QX_OK);
	const char *data = NULL;
	size_t len = 0;
	CHECK(qx_mset_hit(ms, 0, &data, &len, NULL, NULL) == QX_RETRY);
	CHECK(strstr(qx_db_errmsg(db), "injected") != NULL);
	CHECK(qx_db_doc_count(db, &count) == QX_RETRY && qx_test_failures_pending(db) == false);
	CHECK(qx_mset_hit(ms, 0, &data, &len, NULL, NULL) == QX_OK);
	CHECK(qx_db_doc_count(db, &count) == QX_OK && count == 3);
	qx_mset_free(ms);
	CHECK(qx_test_fail_reads(db, 0, 1) == QX_OK && qx_test_fail_reads(db, 0, 0) == QX_OK);
	CHECK(!qx_test_failures_pending(db) && qx_db_doc_count(db, &count) == QX_OK);
	qx_db_close(db);
}

static void test_read_only_refuses_writes(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "ro");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	CHECK(qx_db_begin(db) == QX_INVALID);
	CHECK(strstr(qx_db_errmsg(db), "read-only") != NULL);
	CHECK(qx_db_set_metadata(db, "k", "v") == QX_INVALID);
	qx_db_close(db);
}

static void test_invalid_arguments(void)
{
	CHECK(qx_db_reopen(NULL, NULL) == QX_INVALID);
	CHECK(qx_doc_add_text_term(NULL, "", "x", 1, true, 1, false) == QX_INVALID);
	qx_doc *doc = qx_doc_new();
	CHECK(qx_doc_add_text_term(doc, "", "", 1, true, 1, false) == QX_INVALID);
	/* An absurdly long term is skipped, not an exception. */
	char longword[400];
	memset(longword, 'x', sizeof longword - 1);
	longword[sizeof longword - 1] = '\0';
	CHECK(qx_doc_add_text_term(doc, "", longword, 1, true, 1, false) == QX_OK);
	qx_doc_free(doc);
	qx_db_close(NULL);
	qx_doc_free(NULL);
	qx_mset_free(NULL);
	CHECK_STR(qx_status_str(QX_LOCKED), "the index is busy");
}

static bool count_values(const char *value, unsigned count, void *ctx)
{
	(void)value;
	*(unsigned *)ctx += count;
	return true;
}

/* A facet index past the facets of the search (or a search that counted
 * only groups) is QX_INVALID, not a read past the end of the counts. */
static void test_facet_index_out_of_range(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "facet_range");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	qx_mset *ms = search(db, "torch", NULL, 0); /* two facet slots */
	unsigned seen = 0;
	CHECK(ms && qx_mset_each_facet(ms, 1, count_values, &seen) == QX_OK && seen > 0);
	seen = 0;
	CHECK(qx_mset_each_facet(ms, 2, count_values, &seen) == QX_INVALID && seen == 0);
	CHECK(qx_mset_each_facet(ms, (size_t)-1, count_values, &seen) == QX_INVALID);
	CHECK(qx_mset_each_facet(ms, 0, NULL, NULL) == QX_INVALID);
	CHECK(qx_mset_each_facet(NULL, 0, count_values, &seen) == QX_INVALID);
	qx_mset_free(ms);

	qx_search_params p = {0};
	p.query = "torch";
	p.limit = 10;
	p.collapse_slot = -1;
	p.count_slot = 0; /* groups, no facets */
	CHECK(qx_db_search(db, &p, &ms) == QX_OK);
	CHECK(qx_mset_groups(ms) == 2);
	CHECK(qx_mset_each_facet(ms, 0, count_values, &seen) == QX_INVALID);
	qx_mset_free(ms);
	qx_db_close(db);
}

/* A moment of recording rec (slot 0): `text` as words, "kernel" said
 * `times` times, so that moments weigh differently. */
static void add_moment(qx_db *db, const char *rec, unsigned n, unsigned times)
{
	qx_doc *doc = qx_doc_new();
	unsigned pos = 1;
	for (unsigned i = 0; i < times; i++)
		CHECK(qx_doc_add_text_term(doc, "", "kernel", pos++, true, 1, false) == QX_OK);
	for (unsigned i = 0; i < 6; i++)
		CHECK(qx_doc_add_text_term(doc, "", "filler", pos++, true, 1, false) == QX_OK);
	CHECK(qx_doc_set_value(doc, 0, rec, strlen(rec)) == QX_OK);
	char term[64];
	snprintf(term, sizeof term, "Q%s#%u", rec, n);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	CHECK(qx_db_replace(db, term, doc) == QX_OK);
	qx_doc_free(doc);
}

/* check_at_least (issue 18): the same hits as counting every match, a
 * group estimate between the groups seen and the cap, each hit's group
 * without its data; a revision that names what was committed; a term's
 * documents. */
static void test_estimated_counts(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "estimated_counts");
	qx_db *db = NULL;
	char rec[16];
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	for (unsigned r = 0; r < 40; r++)
		for (unsigned n = 0; n < 10; n++) {
			snprintf(rec, sizeof rec, "r%02u", r);
			add_moment(db, rec, n, 1 + (r * 7 + n * 3) % 9);
		}
	CHECK(qx_db_commit(db) == QX_OK);
	qx_db_close(db);
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);

	qx_search_params p = {0};
	p.query = "kernel";
	p.limit = 6;
	p.collapse_slot = 0;
	p.collapse_max = 2;
	p.count_slot = 0;
	qx_mset *all = NULL, *some = NULL;
	CHECK(qx_db_search(db, &p, &all) == QX_OK);
	p.check_at_least = 20;
	CHECK(qx_db_search(db, &p, &some) == QX_OK);
	unsigned looked = 0;
	CHECK(qx_mset_counted(all, &looked, NULL) && looked == 400);
	CHECK(qx_mset_groups(all) == 40 && qx_mset_groups_estimated(all, 40) == 40);
	CHECK(qx_mset_size(all) == 6 && qx_mset_size(some) == 6);
	for (unsigned i = 0; i < qx_mset_size(all); i++) {
		const char *a = NULL, *b = NULL, *data;
		size_t len;
		CHECK(qx_mset_hit_group(all, i, &a) == QX_OK &&
		      qx_mset_hit_group(some, i, &b) == QX_OK);
		CHECK(a && b && strcmp(a, b) == 0 && a[0] == 'r');
		CHECK(qx_mset_hit(all, i, &data, &len, NULL, NULL) == QX_OK);
	}
	unsigned est = qx_mset_groups_estimated(some, 40);
	CHECK(est >= qx_mset_groups(some) && est <= 40);
	CHECK(qx_mset_counted(some, &looked, NULL) || looked >= 20);
	const char *past = "x";
	CHECK(qx_mset_hit_group(all, 6, &past) == QX_INVALID && past == NULL);
	qx_mset_free(all);
	qx_mset_free(some);
	p.collapse_slot = -1;
	CHECK(qx_db_search(db, &p, &all) == QX_OK);
	const char *none = "x";
	CHECK(qx_mset_hit_group(all, 0, &none) == QX_INVALID && none == NULL);
	qx_mset_free(all);

	unsigned docs = 0;
	CHECK(qx_db_term_docs(db, "Qr01#3", &docs) == QX_OK && docs == 1);
	CHECK(qx_db_term_docs(db, "", &docs) == QX_INVALID && docs == 0);
	char *rev1 = NULL, *rev2 = NULL, *rev3 = NULL;
	CHECK(qx_db_revision(db, &rev1) == QX_OK && qx_db_revision(db, &rev2) == QX_OK);
	CHECK(rev1 && rev2 && strcmp(rev1, rev2) == 0 && strchr(rev1, '/'));
	qx_db *w = NULL;
	CHECK(qx_db_open(path, true, &w, NULL) == QX_OK);
	add_moment(w, "r99", 0, 1);
	CHECK(qx_db_commit(w) == QX_OK);
	qx_db_close(w);
	CHECK(qx_db_reopen(db, NULL) == QX_OK && qx_db_revision(db, &rev3) == QX_OK);
	CHECK(rev3 && strcmp(rev1, rev3) != 0);
	free(rev1);
	free(rev2);
	free(rev3);
	qx_db_close(db);
}

/* Per-group counts: every match of a group, beyond the page and the
 * collapsing, and those weighing at least a given weight. */
static void test_group_counts(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "group_counts");
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	for (unsigned n = 0; n < 5; n++)
		add_moment(db, "r1", n, n + 1); /* "kernel" 1 to 5 times */
	add_moment(db, "r2", 0, 1);
	/* Words that make "kernel" rare enough to weigh something. */
	static const char *const other[] = {"unrelated", "words", "here"};
	for (unsigned n = 0; n < 6; n++)
		add_doc(db, n % 2 ? "x" : "y", other, 3, "2.6", "Ann");
	CHECK(qx_db_commit(db) == QX_OK);
	qx_db_close(db);
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);

	qx_search_params p = {0};
	p.query = "kernel";
	p.limit = 1; /* one hit on the page */
	p.collapse_slot = 0;
	p.collapse_max = 1;
	p.count_slot = 0;
	qx_mset *ms = NULL;
	CHECK(qx_db_search(db, &p, &ms) == QX_OK);
	CHECK(qx_mset_size(ms) == 1 && qx_mset_groups(ms) == 2);
	unsigned count = 99;
	CHECK(qx_mset_group_count(ms, "r1", 0, &count) == QX_OK && count == 5);
	CHECK(qx_mset_group_count(ms, "r2", 0, &count) == QX_OK && count == 1);
	CHECK(qx_mset_group_count(ms, "nope", 0, &count) == QX_OK && count == 0);
	/* The best of r1 (the page's hit) and those weighing as much. */
	double best = 0;
	const char *data;
	size_t len;
	CHECK(qx_mset_hit(ms, 0, &data, &len, NULL, &best) == QX_OK && best > 0);
	CHECK(qx_mset_group_count(ms, "r1", best, &count) == QX_OK && count == 1);
	CHECK(qx_mset_group_count(ms, "r1", best * 2, &count) == QX_OK && count == 0);
	unsigned some = 0;
	CHECK(qx_mset_group_count(ms, "r1", best * 0.9, &some) == QX_OK && some >= 1 && some < 5);

	count = 99;
	CHECK(qx_mset_group_count(ms, NULL, 0, &count) == QX_INVALID && count == 0);
	CHECK(qx_mset_group_count(ms, "r1", 0, NULL) == QX_INVALID);
	CHECK(qx_mset_group_count(NULL, "r1", 0, &count) == QX_INVALID);
	qx_mset_free(ms);

	/* A search that did not group has no group counts. */
	p.count_slot = -1;
	CHECK(qx_db_search(db, &p, &ms) == QX_OK);
	count = 99;
	CHECK(qx_mset_group_count(ms, "r1", 0, &count) == QX_INVALID && count == 0);
	CHECK(strstr(qx_db_errmsg(db), "count_slot") != NULL);
	qx_mset_free(ms);
	qx_db_close(db);
}

/* Bytes that are NULL with a length are QX_INVALID, not a read of NULL;
 * NULL with length 0 is the empty value. */
static void test_doc_null_bytes(void)
{
	qx_doc *doc = qx_doc_new();
	CHECK(qx_doc_set_value(doc, 1, NULL, 5) == QX_INVALID);
	CHECK(qx_doc_set_data(doc, NULL, 5) == QX_INVALID);
	CHECK(qx_doc_set_value(doc, 1, NULL, 0) == QX_OK);
	CHECK(qx_doc_set_data(doc, NULL, 0) == QX_OK);
	CHECK(qx_doc_set_value(NULL, 1, "x", 1) == QX_INVALID);
	CHECK(qx_doc_set_data(NULL, "x", 1) == QX_INVALID);
	CHECK(qx_doc_add_boolean_term(doc, NULL) == QX_INVALID);
	CHECK(qx_doc_add_text_term(doc, "", NULL, 1, true, 1, false) == QX_INVALID);
	qx_doc_free(doc);
}

/* Search parameters whose counts promise more than their arrays hold. */
static void test_search_bad_params(qx_db *db)
{
	static const qx_field fields[] = {{"release", "XRELEASE", true, NULL}};
	static const qx_field no_name[] = {{NULL, "XRELEASE", true, NULL}};
	static const char *const null_term[] = {NULL};
	qx_search_params good = {0};
	good.query = "torch";
	good.fields = fields;
	good.field_count = 1;
	good.limit = 10;
	good.collapse_slot = -1;
	good.count_slot = -1;
	qx_mset *ms = (qx_mset *)1;
	qx_search_params p = good;
	p.filter_count = 1;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID && ms == NULL);
	p.filters = null_term;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID);
	p = good;
	p.fields = NULL;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID);
	p.fields = no_name;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID);
	p = good;
	p.facet_count = 2;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID);
	p = good;
	p.stopword_count = 1;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID);
	p.stopwords = null_term;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID);
	CHECK(strlen(qx_db_errmsg(db)) > 0);
	p = good;
	p.query = NULL;
	CHECK(qx_db_search(db, &p, &ms) == QX_INVALID);
	CHECK(qx_db_search(db, NULL, &ms) == QX_INVALID);
	CHECK(qx_db_search(db, &good, NULL) == QX_INVALID);
	CHECK(qx_db_search(NULL, &good, &ms) == QX_INVALID && ms == NULL);
	CHECK(qx_db_search(db, &good, &ms) == QX_OK && qx_mset_size(ms) == 2);
	qx_mset_free(ms);
}

/* Every out-parameter and callback that must not be NULL, every index
 * past the end: QX_INVALID, never a crash. */
static void test_null_outputs_and_ranges(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "null_outputs");
	build_index(path);
	qx_db *db = (qx_db *)1;
	char *err = (char *)1;
	CHECK(qx_db_open(path, false, NULL, NULL) == QX_INVALID);
	CHECK(qx_db_open(NULL, false, &db, &err) == QX_INVALID);
	CHECK(db == NULL && err && strlen(err) > 0);
	free(err);
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	CHECK(qx_db_doc_count(db, NULL) == QX_INVALID);
	CHECK(qx_db_doc_count(NULL, NULL) == QX_INVALID);
	CHECK(qx_db_get_metadata(db, "rec:a", NULL) == QX_INVALID);
	char *value = (char *)1;
	CHECK(qx_db_get_metadata(NULL, "rec:a", &value) == QX_INVALID && value == NULL);
	CHECK(qx_db_each_metadata(db, "rec:", NULL, NULL) == QX_INVALID);
	test_search_bad_params(db);

	qx_mset *ms = search(db, "torch", NULL, 0);
	const char *data = NULL;
	size_t len = 0;
	unsigned pos = 0;
	bool found = true;
	char *snippet = NULL;
	CHECK(ms && qx_mset_size(ms) == 2);
	CHECK(qx_mset_hit(ms, 2, &data, &len, NULL, NULL) == QX_INVALID);
	CHECK(qx_mset_hit(ms, 0, NULL, &len, NULL, NULL) == QX_INVALID);
	CHECK(qx_mset_hit(ms, 0, &data, NULL, NULL, NULL) == QX_INVALID);
	CHECK(qx_mset_first_position(ms, 2, &pos, &found) == QX_INVALID && !found);
	CHECK(qx_mset_first_position(ms, 0, NULL, &found) == QX_INVALID);
	CHECK(qx_mset_first_position(ms, 0, &pos, NULL) == QX_INVALID);
	CHECK(qx_mset_first_position(NULL, 0, &pos, &found) == QX_INVALID);
	CHECK(qx_mset_snippet(ms, "torch", 100, NULL) == QX_INVALID);
	CHECK(qx_mset_snippet(ms, NULL, 100, &snippet) == QX_INVALID && snippet == NULL);
	CHECK(qx_mset_snippet(NULL, "torch", 100, &snippet) == QX_INVALID);
	qx_mset_free(ms);
	qx_db_close(db);

	char bytes[16];
	CHECK(qx_sortable_serialise(1.0, NULL, &len) == QX_INVALID);
	CHECK(qx_sortable_serialise(1.0, bytes, NULL) == QX_INVALID);
	CHECK(qx_sortable_serialise(0.0 / 0.0, bytes, &len) == QX_INVALID);
}

/* An argument Xapian itself refuses (a metadata key over its length
 * limit) is the caller's: QX_INVALID with Xapian's message. */
static void test_xapian_refusals_are_invalid(void)
{
	char path[512], key[300];
	path_in_tmp(path, sizeof path, "refusals");
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	CHECK(qx_db_set_metadata(db, key, "v") == QX_INVALID);
	CHECK(strstr(qx_db_errmsg(db), "invalid argument") != NULL);
	qx_db_close(db);
}

/* A damaged file in the database gives a clear status, not a crash. */
static void test_truncated_database(void)
{
	char path[512], file[600];
	path_in_tmp(path, sizeof path, "truncated");
	build_index(path);
	snprintf(file, sizeof file, "%s/postlist.glass", path);
	CHECK(truncate(file, 100) == 0);
	qx_db *db = NULL;
	char *err = NULL;
	qx_status st = qx_db_open(path, false, &db, &err);
	if (st == QX_OK) {
		qx_mset *ms = search(db, "torch", NULL, 0);
		CHECK(ms == NULL);
		qx_mset_free(ms);
		CHECK(strlen(qx_db_errmsg(db)) > 0);
		qx_db_close(db);
	} else {
		CHECK(st == QX_CORRUPT || st == QX_XAPIAN);
		CHECK(err && strlen(err) > 0);
	}
	free(err);
}

/* A field's value function: what the query names becomes the term the
 * caller chooses (here upper-cased, and counted through the context). */
static char *upper_value(const char *typed, void *ctx)
{
	char *v = strdup(typed);
	for (char *p = v; p && *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	if (ctx)
		(*(int *)ctx)++;
	return v;
}

static char *no_memory(const char *typed, void *ctx)
{
	(void)typed;
	(void)ctx;
	return NULL;
}

static void test_field_values(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "field_values");
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	qx_doc *doc = qx_doc_new();
	CHECK(qx_doc_add_text_term(doc, "", "torch", 1, true, 1, false) == QX_OK);
	CHECK(qx_doc_add_boolean_term(doc, "XRELEASEHELION") == QX_OK);
	CHECK(qx_db_add(db, doc) == QX_OK);
	qx_doc_free(doc);
	CHECK(qx_db_commit(db) == QX_OK);

	qx_field fields[] = {{"release", "XRELEASE", true, upper_value}};
	int calls = 0;
	qx_search_params p = {0};
	p.fields = fields;
	p.field_count = 1;
	p.field_ctx = &calls;
	p.limit = 10;
	p.collapse_slot = -1;
	p.count_slot = -1;
	/* Quoted or not, the value goes through the function, and no ':' is
	 * put between prefix and value (Xapian's way for a capital). */
	const char *const queries[] = {"torch release:helion", "torch release:\"Helion\"",
	                               "release:HELION"};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		qx_mset *ms = NULL;
		p.query = queries[i];
		CHECK(qx_db_search(db, &p, &ms) == QX_OK);
		CHECK(ms && qx_mset_size(ms) == 1);
		qx_mset_free(ms);
	}
	CHECK(calls == 3);
	qx_mset *ms = (qx_mset *)1;
	fields[0].value = no_memory;
	p.query = "torch release:helion";
	CHECK(qx_db_search(db, &p, &ms) == QX_NOMEM);
	CHECK(ms == NULL);
	qx_db_close(db);
}

/* accept: keep documents where "cache" is said at position 3 or later. */
struct seen {
	int calls;
	char last[16];
};

static bool late_cache(const char *data, size_t len, const qx_position *positions, size_t n,
                       void *ctx)
{
	struct seen *s = ctx;
	s->calls++;
	snprintf(s->last, sizeof s->last, "%.*s", (int)len, data);
	for (size_t i = 0; i < n; i++)
		if (positions[i].pos >= 3 && positions[i].weight == 0)
			return true;
	return false;
}

static void test_accept(void)
{
	char path[512], buf[16];
	path_in_tmp(path, sizeof path, "accept");
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	static const char *const early[] = {"cache", "key", "strict"};
	static const char *const late[] = {"the", "strict", "cache", "key"};
	add_doc(db, "early", early, 3, "2.6", "Ann");
	add_doc(db, "late", late, 4, "2.6", "Bo");
	CHECK(qx_db_commit(db) == QX_OK);

	static const unsigned facets[] = {4};
	struct seen s = {0, ""};
	qx_search_params p = {0};
	p.query = "caching";
	p.limit = 10;
	p.collapse_slot = -1;
	p.facet_slots = facets;
	p.facet_count = 1;
	p.count_slot = 0;
	p.accept = late_cache;
	p.accept_ctx = &s;
	qx_mset *ms = NULL;
	/* A stem finds its words' positions; the dropped document counts
	 * nowhere. */
	CHECK(qx_db_search(db, &p, &ms) == QX_OK);
	CHECK(ms && qx_mset_size(ms) == 1 && qx_mset_groups(ms) == 1);
	CHECK_STR(hit_data(ms, 0, buf, sizeof buf), "late");
	struct facet_seen f = {""};
	CHECK(qx_mset_each_facet(ms, 0, collect, &f) == QX_OK);
	CHECK_STR(f.text, "Bo=1;");
	CHECK(s.calls == 2);
	qx_mset_free(ms);

	/* No positions (a filter-only query): kept without asking. */
	static const char *const r26[] = {"XRELEASE2.6"};
	p.query = "";
	p.filters = r26;
	p.filter_count = 1;
	s.calls = 0;
	CHECK(qx_db_search(db, &p, &ms) == QX_OK);
	CHECK(ms && qx_mset_size(ms) == 2 && s.calls == 0);
	qx_mset_free(ms);
	qx_db_close(db);
}

static void test_utf8_lower(void)
{
	char *out = (char *)1;
	CHECK(qx_utf8_lower("Maya CHEN \xc3\x93lafur", &out) == QX_OK);
	CHECK_STR(out, "maya chen \xc3\xb3lafur");
	free(out);
	CHECK(qx_utf8_lower("", &out) == QX_OK);
	CHECK_STR(out, "");
	free(out);
	out = (char *)1;
	CHECK(qx_utf8_lower(NULL, &out) == QX_INVALID);
	CHECK(out == NULL);
	CHECK(qx_utf8_lower("x", NULL) == QX_INVALID);
}

static void test_sortable(void)
{
	char a[16], b[16];
	size_t la, lb;
	CHECK(qx_sortable_serialise(20250205, a, &la) == QX_OK);
	CHECK(qx_sortable_serialise(20251105, b, &lb) == QX_OK);
	size_t n = la < lb ? la : lb;
	CHECK(memcmp(a, b, n) < 0 || (memcmp(a, b, n) == 0 && la < lb));
}

/* One question document of recording rec, as the index writes a unit's
 * question: its words weighed 3, and again under "XQ" with no
 * within-document frequency (and their stems), a seed term
 * "XUNIT<rec>#<k>", its unique term, its speaker's name. */
static void add_question(qx_db *db, const char *rec, int k, const char *words, const char *name)
{
	qx_doc *doc = qx_doc_new();
	char term[64], buf[256];
	CHECK(doc != NULL);
	snprintf(buf, sizeof buf, "%s", words);
	for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
		CHECK(qx_doc_add_text_term(doc, "", w, 0, false, 3, false) == QX_OK);
		CHECK(qx_doc_add_text_term(doc, "XQ", w, 0, false, 0, false) == QX_OK);
	}
	snprintf(term, sizeof term, "XREC%s", rec);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	CHECK(qx_doc_add_boolean_term(doc, "XTYPEunit") == QX_OK);
	snprintf(term, sizeof term, "XSPEAKER%s", name);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	/* Its unique term, as the index names every document: what a hit
	 * of qx_db_similar is found by. */
	snprintf(term, sizeof term, "Q%s#%d", rec, k);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	snprintf(term, sizeof term, "XUNIT%s#%d", rec, k);
	CHECK(qx_doc_add_boolean_term(doc, term) == QX_OK);
	CHECK(qx_doc_set_data(doc, term, strlen(term)) == QX_OK);
	CHECK(qx_db_add(db, doc) == QX_OK);
	qx_doc_free(doc);
}

static qx_status similar(qx_db *db, const char *seed, const char *exclude, unsigned min_terms,
                         double min_share, qx_mset **ms)
{
	static const char *const filters[] = {"XTYPEunit"};
	static const char *const stop[] = {"does", "on"};
	qx_similar_params p = {.seed = seed,
	                       .prefix = "XQ",
	                       .stopwords = stop,
	                       .stopword_count = 2,
	                       .names_prefix = "XSPEAKER",
	                       .filters = filters,
	                       .filter_count = 1,
	                       .exclude = exclude,
	                       .terms = 4,
	                       .min_terms = min_terms,
	                       .min_share = min_share,
	                       .limit = 5};
	return qx_db_similar(db, &p, ms);
}

/* More like this: the closest questions of other recordings, on the
 * seed's telling words (not stopwords, names, or words no other holds). */
static void test_similar(void)
{
	char path[300];
	path_in_tmp(path, sizeof path, "similar");
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	add_question(db, "r26", 0, "does compile work on python versions", "ravi");
	add_question(db, "r26", 1, "ravi what about python wheels", "ravi");
	add_question(db, "r29", 0, "which python versions can compile use", "jonas");
	add_question(db, "r29", 1, "ravi does this work on windows", "jonas");
	add_question(db, "r27", 0, "ravi is flexattention fast on cpu", "yuki");
	CHECK(qx_db_commit(db) == QX_OK);
	qx_mset *ms = NULL;
	char buf[64];
	CHECK(similar(db, "XUNITr26#0", "XRECr26", 2, 0, &ms) == QX_OK);
	CHECK(qx_mset_size(ms) == 1); /* "work on" alone is not enough */
	CHECK(strcmp(hit_data(ms, 0, buf, sizeof buf), "XUNITr29#0") == 0);
	qx_mset_free(ms);
	/* r29#0 lacks "work": not all of r26#0's weight. */
	CHECK(similar(db, "XUNITr26#0", "XRECr26", 2, 1.0, &ms) == QX_OK);
	CHECK(qx_mset_size(ms) == 0);
	qx_mset_free(ms);
	/* "ravi" is a name: never a reason to be alike. */
	CHECK(similar(db, "XUNITr26#1", "XRECr26", 1, 0, &ms) == QX_OK);
	CHECK(qx_mset_size(ms) == 1 && strcmp(hit_data(ms, 0, buf, sizeof buf), "XUNITr29#0") == 0);
	qx_mset_free(ms);
	/* Without the exclusion the seed's own recording counts too. */
	CHECK(similar(db, "XUNITr29#0", NULL, 2, 0, &ms) == QX_OK);
	CHECK(qx_mset_size(ms) == 2);
	qx_mset_free(ms);
	/* A seed no document holds; unusable params. */
	ms = (qx_mset *)1;
	CHECK(similar(db, "XUNITnone#0", NULL, 2, 0, &ms) == QX_NOT_FOUND && ms == NULL);
	CHECK(strstr(qx_db_errmsg(db), "XUNITnone#0") != NULL);
	qx_similar_params bad = {.seed = "XUNITr26#0", .prefix = "XQ", .terms = 0};
	CHECK(qx_db_similar(db, &bad, &ms) == QX_INVALID && ms == NULL);
	bad.terms = QX_SIMILAR_TERMS_MAX + 1;
	CHECK(qx_db_similar(db, &bad, &ms) == QX_INVALID);
	bad.terms = 2;
	bad.min_terms = 3;
	CHECK(qx_db_similar(db, &bad, &ms) == QX_INVALID);
	bad.min_terms = 0;
	bad.min_share = 1.5;
	CHECK(qx_db_similar(db, &bad, &ms) == QX_INVALID);
	bad.min_share = 0;
	bad.stopword_count = 1;
	CHECK(qx_db_similar(db, &bad, &ms) == QX_INVALID);
	CHECK(qx_db_similar(db, NULL, &ms) == QX_INVALID);
	CHECK(qx_db_similar(NULL, &bad, &ms) == QX_INVALID);
	CHECK(qx_db_similar(db, &bad, NULL) == QX_INVALID);
	qx_db_close(db);
}

/* Many candidates: like_seed reads them 64 at a time, heaviest first, and
 * the closest one here sorts first by its unique term but was added last,
 * so it is only found on a later page. (Xapian 1.4.22's MSet::fetch() on
 * a page after the first crashed in Enquire::Internal::request_doc: fixed
 * in 536f007, read through a read-only handle as serve does.) */
static void test_similar_pages(void)
{
	char path[300], rec[16];
	path_in_tmp(path, sizeof path, "similar-pages");
	qx_db *db = NULL;
	CHECK(qx_db_open(path, true, &db, NULL) == QX_OK);
	add_question(db, "s00", 0, "does compile work on python wheels", "ravi");
	for (int i = 0; i < 150; i++) {
		snprintf(rec, sizeof rec, "r%03d", 100 + i);
		add_question(db, rec, 0, "which python wheels can compile use", "jonas");
	}
	add_question(db, "a01", 0, "can compile use python wheels", "yuki");
	/* Enough others that the shared words are not common ones (an
	 * expansion weighs a word most documents hold at nothing). */
	for (int i = 0; i < 400; i++) {
		snprintf(rec, sizeof rec, "x%03d", i);
		add_question(db, rec, 0, "is flexattention fast on cpu", "mei");
	}
	CHECK(qx_db_commit(db) == QX_OK);
	qx_db_close(db);
	db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	qx_mset *ms = NULL;
	char buf[64];
	CHECK(similar(db, "XUNITs00#0", "XRECs00", 2, 0, &ms) == QX_OK);
	CHECK(qx_mset_size(ms) == 5);
	CHECK(strcmp(hit_data(ms, 0, buf, sizeof buf), "XUNITa01#0") == 0);
	CHECK(strcmp(hit_data(ms, 1, buf, sizeof buf), "XUNITr100#0") == 0);
	qx_mset_free(ms);
	qx_db_close(db);
}

/* qx_mset_hit_has_every_word: a group of alternatives is one word, held
 * when one of them is (the percentage counts every alternative); only for
 * a search read as words. */
static void test_every_word(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "every");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	qx_search_params p = {0};
	p.query = "(fsdp2 OR \"fully sharded\") training";
	p.limit = 10;
	p.collapse_slot = -1;
	p.count_slot = -1;
	p.coverage_boost = 1.0;
	qx_mset *ms = NULL;
	bool every = false;
	int percent = 0;
	const char *data;
	size_t len;
	CHECK(qx_db_search(db, &p, &ms) == QX_OK && qx_mset_size(ms) == 1);
	CHECK(qx_mset_hit(ms, 0, &data, &len, &percent, NULL) == QX_OK && percent < 100);
	CHECK(qx_mset_hit_has_every_word(ms, 0, &every) == QX_OK && every);
	CHECK(qx_mset_hit_has_every_word(ms, 1, &every) == QX_INVALID && !every);
	CHECK(qx_mset_hit_has_every_word(ms, 0, NULL) == QX_INVALID);
	qx_mset_free(ms);
	p.query = "torch training";
	CHECK(qx_db_search(db, &p, &ms) == QX_OK && qx_mset_size(ms) == 2);
	CHECK(qx_mset_hit_has_every_word(ms, 0, &every) == QX_OK && every);
	CHECK(qx_mset_hit_has_every_word(ms, 1, &every) == QX_OK && !every);
	qx_mset_free(ms);
	p.coverage_boost = 0;
	CHECK(qx_db_search(db, &p, &ms) == QX_OK);
	CHECK(qx_mset_hit_has_every_word(ms, 0, &every) == QX_INVALID && !every);
	qx_mset_free(ms);
	CHECK(qx_mset_hit_has_every_word(NULL, 0, &every) == QX_INVALID);
	qx_db_close(db);
}

/* The snippet of text for a search of query on db. */
static void check_snippet(qx_db *db, const char *query, const char *text, const char *want)
{
	qx_mset *ms = search(db, query, NULL, 0);
	char *snippet = NULL;
	CHECK(ms && qx_mset_snippet(ms, text, 240, &snippet) == QX_OK);
	CHECK_STR(snippet ? snippet : "(none)", want);
	free(snippet);
	qx_mset_free(ms);
}

/* An identifier is marked whole, written or spoken, when the query holds
 * phrases of different lengths (the vocabulary's groups): Xapian 1.4's own
 * snippets marked "torch <mark>dot compile</mark>" and not torch.compile.
 * Words and a phrase alone are marked as Xapian marks them. */
static void test_snippet_phrases(void)
{
	char path[512];
	path_in_tmp(path, sizeof path, "snippets");
	build_index(path);
	qx_db *db = NULL;
	CHECK(qx_db_open(path, false, &db, NULL) == QX_OK);
	const char *compile = "torch.compile OR \"torch dot compile\" OR \"torch compile\"";
	check_snippet(db, compile, "In 2.6 you can run torch dot compile on 3.13.",
	              "In 2.6 you can run <mark>torch dot compile</mark> on 3.13.");
	check_snippet(db, compile, "Should I use torch.export or torch.compile for deployment?",
	              "Should I use torch.export or <mark>torch.compile</mark> for deployment?");
	check_snippet(db, compile, "Torch is a word, and compile is another.",
	              "Torch is a word, and compile is another.");
	check_snippet(
	    db, "torch._dynamo.config OR \"torch dot underscore dynamo dot config\" OR models",
	    "Raise torch._dynamo.config.cache_size_limit, that's torch dot underscore "
	    "dynamo dot config, for these models?",
	    "Raise <mark>torch._dynamo.config</mark>.cache_size_limit, that's <mark>torch "
	    "dot underscore dynamo dot config</mark>, for these <mark>models</mark>?");
	check_snippet(
	    db,
	    "max-autotune-no-cudagraphs OR \"max dash autotune dash no dash cudagraphs\" "
	    "OR models",
	    "Try max-autotune-no-cudagraphs, said max dash autotune dash no dash cudagraphs.",
	    "Try <mark>max-autotune-no-cudagraphs</mark>, said <mark>max dash autotune dash "
	    "no dash cudagraphs</mark>.");
	/* Unchanged: words (stemmed), and a phrase of one length. */
	check_snippet(
	    db, "faster models", "torch compile makes models <faster> & better",
	    "torch compile makes <mark>models</mark> &lt;<mark>faster</mark>&gt; &amp; better");
	check_snippet(db, "\"torch compile\"", "Run torch.compile, not torch alone.",
	              "Run <mark>torch.compile</mark>, not torch alone.");
	qx_db_close(db);
}

int main(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(tmp_root, sizeof tmp_root, "%s/qa_xindex_XXXXXX", base);
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_open_missing_read_only);
	RUN(test_search_basics);
	RUN(test_facets_and_suggestion);
	RUN(test_term_freq_and_spelling);
	RUN(test_metadata_and_delete);
	RUN(test_close_discards_uncommitted);
	RUN(test_compact);
	RUN(test_writer_lock);
	RUN(test_reader_sees_commit_after_reopen);
	RUN(test_modified_database_asks_for_retry);
	RUN(test_lazy_reads_ask_for_retry);
	RUN(test_injected_read_failures);
	RUN(test_read_only_refuses_writes);
	RUN(test_invalid_arguments);
	RUN(test_facet_index_out_of_range);
	RUN(test_group_counts);
	RUN(test_estimated_counts);
	RUN(test_doc_null_bytes);
	RUN(test_null_outputs_and_ranges);
	RUN(test_xapian_refusals_are_invalid);
	RUN(test_truncated_database);
	RUN(test_sortable);
	RUN(test_field_values);
	RUN(test_utf8_lower);
	RUN(test_accept);
	RUN(test_similar);
	RUN(test_similar_pages);
	RUN(test_every_word);
	RUN(test_snippet_phrases);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp_root);
	return harness_finish();
}
