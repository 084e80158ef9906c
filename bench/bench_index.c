/* bench_index: the index benchmark's helpers (driven by bench/bench_index.sh).
 *
 *   bench_index passages ARCHIVE OUT.dump
 *       Cut every recording of ARCHIVE into the passages `qarchive index`
 *       builds (same windows: INDEX_PASSAGE_WORDS words counted by our
 *       tokenizer, at least INDEX_PASSAGE_MIN_CUES cues, one cue of overlap)
 *       plus one "about" record per recording, and write them as a
 *       scriptindex dump file. The references (scriptindex, SQLite FTS5)
 *       index exactly these passages. Not timed: the references get the
 *       transcripts already parsed and cut, which only flatters them.
 *
 *   bench_index fts5-load DUMP DB
 *       Load the dump into a new SQLite FTS5 table in one transaction.
 *
 *   bench_index query ARCHIVE FTS5DB REPS
 *       Run the fixed query set REPS times through four paths, interleaved
 *       so that machine noise hits them alike, and print a markdown table
 *       of per-query median and p99 latency:
 *         ours  search_run(): the whole `qarchive search` answer (facets,
 *               collapsing per recording, spelling, moments, snippets);
 *         main  only search_run()'s first qx_db_search (collapse + facets +
 *               spelling, all matches counted), no moments;
 *         raw   qx_db_search with the same query string (synonyms applied),
 *               stopwords, fields and filters but no collapse, facets or
 *               spelling, first 10 documents' data read: QueryParser +
 *               Enquire::get_mset, libxapian's own cost;
 *         fts5  SQLite FTS5 MATCH ... ORDER BY bm25 LIMIT 10, rows read.
 *
 *   bench_index engine ARCHIVE REPS SECS QUERY...
 *       The engine's own limit for bench_http.sh, on the queries given:
 *         ours    search_run() as the server runs it (search_request with
 *                 the server's defaults: estimated totals past
 *                 SEARCH_CHECK_AT_LEAST);
 *         bare    a bare libxapian top-10 query: the same query string
 *                 (synonyms applied) parsed as search_run() parses it,
 *                 Enquire::get_mset(0, 10) with Xapian's default
 *                 checkatleast, the 10 documents' data read.
 *       First REPS rounds over the queries, the two interleaved, one
 *       thread: per-query medians, and the median and p99 of all samples.
 *       Then SECS seconds of each on as many threads as there are cores,
 *       each with its own handle, rotating through the queries: q/s.
 *       Prints lines of "key values..." (see cmd_engine).
 *       BENCH_CHECK_AT_LEAST=N in the environment runs search_run (here
 *       and in query) with check_at_least N instead (0: every match).
 *
 *   bench_index shapes ARCHIVE REPS QUERY...
 *       What the shape of a page's query costs (issue 18): each query
 *       (synonyms applied, words weighed as search_run weighs them) run
 *       as the page runs it (80 hits, 8 a recording, facets over 2,000
 *       matches) and as simpler queries (query_shape below), each the
 *       median of REPS runs, ms. Prints "shape N NAME" lines, then
 *       "query Q MS..." in the shapes' order.
 */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "archive.h"
#include "file_io.h"
#include "index_schema.h"
#include "index_update.h"
#include "recording.h"
#include "search.h"
#include "strbuf.h"
#include "synonyms.h"
#include "tokenize.h"
#include "transcript.h"
#include "vocabulary.h"
#include "xindex.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- passages ----------------------------------------------------------- */

static size_t count_words(const char *text)
{
	if (!text || !*text)
		return 0;
	token_list tl = TOKEN_LIST_INIT;
	size_t n = 0;
	if (!tokenize_text(text, strlen(text), 1, &tl, NULL)) {
		fprintf(stderr, "bench_index: out of memory\n");
		exit(2);
	}
	for (size_t i = 0; i < tl.count; i++)
		n += (tl.items[i].flags & TOKEN_WORD) != 0;
	token_list_free(&tl);
	return n;
}

/* One "name=value" line of a scriptindex dump: a newline inside the value
 * continues on a line starting with '=' (scriptindex.html, "Input files"). */
static void dump_field(FILE *out, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(out, "%s=", name);
	for (const char *p = value; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fputc('=', out);
	}
	fputc('\n', out);
}

static void dump_common(FILE *out, const recording *rec, unsigned n, const char *type)
{
	const recording_meta *m = &rec->meta;
	char buf[600];
	snprintf(buf, sizeof buf, "%s#%u", rec->id, n);
	dump_field(out, "id", buf);
	dump_field(out, "rec", rec->id);
	snprintf(buf, sizeof buf, "%04d%02d%02d", m->year, m->month, m->day);
	dump_field(out, "date", buf);
	dump_field(out, "release", m->release);
	dump_field(out, "kind", recording_kind_str(m->kind));
	snprintf(buf, sizeof buf, "%04d", m->year);
	dump_field(out, "year", buf);
	strbuf names = STRBUF_INIT;
	for (size_t i = 0; i < m->speaker_count; i++) {
		dump_field(out, "speaker", m->speakers[i].name);
		if (names.len)
			sb_append_char(&names, '\n');
		sb_append_str(&names, m->speakers[i].name);
	}
	dump_field(out, "speakers", names.data);
	sb_free(&names);
	dump_field(out, "type", type);
}

/* Mirrors add_passages() in indexer/index_build.c. */
static size_t dump_recording(FILE *out, const recording *rec, const cue_list *cues)
{
	unsigned n = 0;
	size_t first = 0;
	while (first < cues->count) {
		strbuf text = STRBUF_INIT, voice = STRBUF_INIT;
		json_t *list = json_array();
		size_t words = 0, last = first;
		unsigned pos = 1;
		for (size_t k = first; k < cues->count; k++) {
			const cue *c = &cues->items[k];
			size_t w = count_words(c->plain);
			if (text.len)
				sb_append_char(&text, ' ');
			sb_append_str(&text, c->plain);
			if (c->voice && *c->voice) {
				if (voice.len)
					sb_append_char(&voice, ' ');
				sb_append_str(&voice, c->voice);
				words += count_words(c->voice);
			}
			json_array_append_new(list,
			                      json_pack("{s:f, s:f, s:i, s:s, s:s?}", "s", c->start,
			                                "e", c->end, "p", (json_int_t)pos, "text",
			                                c->plain, "v", c->voice));
			pos += (unsigned)w;
			words += w;
			last = k;
			if (words >= INDEX_PASSAGE_WORDS && k - first + 1 >= INDEX_PASSAGE_MIN_CUES)
				break;
		}
		json_t *data =
		    json_pack("{s:s, s:s, s:f, s:f, s:o}", "r", rec->id, "type", "passage", "start",
		              cues->items[first].start, "end", cues->items[last].end, "cues", list);
		char *json = json_dumps(data, JSON_COMPACT | JSON_REAL_PRECISION(10));
		dump_common(out, rec, n++, "passage");
		dump_field(out, "text", text.data);
		dump_field(out, "voice", voice.data);
		dump_field(out, "data", json);
		fputc('\n', out);
		free(json);
		json_decref(data);
		sb_free(&text);
		sb_free(&voice);
		if (last + 1 >= cues->count)
			break;
		first = last > first ? last : last + 1;
	}
	/* The "about" document: title (also under S), speakers, description. */
	const recording_meta *m = &rec->meta;
	dump_common(out, rec, n++, "about");
	dump_field(out, "title", m->title);
	for (size_t i = 0; i < m->speaker_count; i++)
		dump_field(out, "aboutspk", m->speakers[i].name);
	dump_field(out, "desc", m->description);
	json_t *data =
	    json_pack("{s:s, s:s, s:f, s:f, s:s++}", "r", rec->id, "type", "about", "start", 0.0,
	              "end", 0.0, "text", m->title, ". ", m->description ? m->description : "");
	char *json = json_dumps(data, JSON_COMPACT | JSON_REAL_PRECISION(10));
	dump_field(out, "data", json);
	fputc('\n', out);
	free(json);
	json_decref(data);
	return n;
}

static int cmd_passages(const char *archive, const char *path)
{
	archive_listing ls = ARCHIVE_LISTING_INIT;
	char err[1024];
	if (archive_list(archive, &ls, err, sizeof err) != ARCHIVE_OK) {
		fprintf(stderr, "bench_index: %s\n", err);
		return 2;
	}
	FILE *out = fopen(path, "w");
	if (!out) {
		perror(path);
		archive_listing_free(&ls);
		return 2;
	}
	size_t docs = 0, ncues = 0;
	int rc = 0;
	for (size_t i = 0; i < ls.recording_count && rc == 0; i++) {
		strbuf dir = STRBUF_INIT;
		sb_append_str(&dir, archive);
		sb_append_char(&dir, '/');
		sb_append_str(&dir, ls.recordings[i]);
		recording rec = RECORDING_INIT;
		transcript t = TRANSCRIPT_INIT;
		char *data = NULL;
		size_t len = 0;
		if (recording_load_dir(dir.data, &rec, err, sizeof err) != RECORDING_OK ||
		    !rec.transcript_path || file_read_all(rec.transcript_path, &data, &len) != 0 ||
		    transcript_parse(data, len, TRANSCRIPT_UNKNOWN, rec.transcript_path, &t) !=
		        TRANSCRIPT_OK) {
			fprintf(stderr, "bench_index: %s: cannot read\n", dir.data);
			rc = 2;
		} else {
			docs += dump_recording(out, &rec, &t.cues);
			ncues += t.cues.count;
		}
		free(data);
		transcript_free(&t);
		recording_free(&rec);
		sb_free(&dir);
	}
	if (fclose(out) != 0)
		rc = 2;
	archive_listing_free(&ls);
	fprintf(stderr, "bench_index: %zu documents (%zu cues) in %s\n", docs, ncues, path);
	return rc;
}

/* ---- fts5-load ------------------------------------------------------------ */

enum { F_TEXT, F_VOICE, F_TITLE, F_REC, F_KIND, F_RELEASE, F_SPEAKERS, F_YEAR, F_DATA, F_N };

static int cmd_fts5_load(const char *dump, const char *path)
{
	double t0 = now();
	FILE *in = fopen(dump, "r");
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	if (!in) {
		perror(dump);
		return 2;
	}
	/* Columns: the text of what was said, the speaker (weight 2, like ours),
	 * the title (weight 5), and the filters and data stored unindexed.
	 * porter over unicode61: English stemming, as ours has. detail=full
	 * (the default) keeps positions, so phrase queries work. */
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	                 "CREATE VIRTUAL TABLE p USING fts5(text, voice, title, rec UNINDEXED, "
	                 "kind UNINDEXED, release UNINDEXED, speakers UNINDEXED, year UNINDEXED, "
	                 "data UNINDEXED, tokenize='porter unicode61');"
	                 "BEGIN;",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO p VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", -1, &ins,
	                       NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_index: %s: %s\n", path, sqlite3_errmsg(db));
		return 2;
	}
	strbuf f[F_N];
	for (int i = 0; i < F_N; i++)
		f[i] = (strbuf)STRBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t rows = 0;
	int last = -1;
	bool any = false;
	for (;;) {
		n = getline(&line, &cap, in);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n <= 0) { /* a blank line or the end: one record */
			if (any) {
				for (int i = 0; i < F_N; i++)
					sqlite3_bind_text(ins, i + 1, f[i].data ? f[i].data : "",
					                  (int)f[i].len, SQLITE_STATIC);
				if (sqlite3_step(ins) != SQLITE_DONE) {
					fprintf(stderr, "bench_index: insert: %s\n",
					        sqlite3_errmsg(db));
					return 2;
				}
				sqlite3_reset(ins);
				rows++;
				for (int i = 0; i < F_N; i++)
					f[i].len = 0, f[i].data ? f[i].data[0] = '\0' : 0;
				any = false;
			}
			if (n < 0)
				break;
			continue;
		}
		if (line[0] == '=') { /* continuation of the last field */
			if (last >= 0)
				sb_append_char(&f[last], '\n'), sb_append_str(&f[last], line + 1);
			continue;
		}
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *name = line, *value = eq + 1;
		int k = -1;
		bool space = true;
		if (!strcmp(name, "text") || !strcmp(name, "desc"))
			k = F_TEXT;
		else if (!strcmp(name, "voice") || !strcmp(name, "aboutspk"))
			k = F_VOICE;
		else if (!strcmp(name, "title"))
			k = F_TITLE;
		else if (!strcmp(name, "rec"))
			k = F_REC;
		else if (!strcmp(name, "kind"))
			k = F_KIND;
		else if (!strcmp(name, "release"))
			k = F_RELEASE;
		else if (!strcmp(name, "speakers"))
			k = F_SPEAKERS, space = false;
		else if (!strcmp(name, "year"))
			k = F_YEAR;
		else if (!strcmp(name, "data"))
			k = F_DATA;
		last = k;
		if (k < 0)
			continue;
		if (f[k].len && space)
			sb_append_char(&f[k], ' ');
		sb_append_str(&f[k], value);
		any = true;
	}
	free(line);
	fclose(in);
	for (int i = 0; i < F_N; i++)
		sb_free(&f[i]);
	sqlite3_finalize(ins);
	if (sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_index: commit: %s\n", sqlite3_errmsg(db));
		return 2;
	}
	sqlite3_close(db);
	fprintf(stderr, "bench_index: fts5: %zu rows in %.2f s\n", rows, now() - t0);
	return 0;
}

/* ---- query ---------------------------------------------------------------- */

static const unsigned facet_slots[] = {INDEX_SLOT_RELEASE, INDEX_SLOT_KIND, INDEX_SLOT_SPEAKERS,
                                       INDEX_SLOT_YEAR};

typedef struct bench_query {
	const char *kind;    /* what it exercises */
	const char *query;   /* qarchive syntax */
	const char *release; /* --release filter, or NULL */
	const char *fts;     /* the same question in FTS5 MATCH syntax */
} bench_query;

/* The fixed query set. FTS5 has no code-aware terms or synonyms: an
 * identifier becomes the phrase of its parts, which is how a user of FTS5
 * would have to ask. "backhulgret" and "broutrusdeck" are words of the
 * generator's long tail (rare terms). */
static const bench_query queries[] = {
    {"word", "memory", NULL, "memory"},
    {"word", "performance", NULL, "performance"},
    {"word", "checkpoint", NULL, "checkpoint"},
    {"word (stem)", "compiled", NULL, "compiled"},
    {"rare word", "backhulgret", NULL, "backhulgret"},
    {"rare word", "broutrusdeck", NULL, "broutrusdeck"},
    {"identifier", "torch.compile", NULL, "\"torch compile\""},
    {"identifier", "torch._dynamo.config.cache_size_limit", NULL,
     "\"torch dynamo config cache size limit\""},
    {"identifier", "max-autotune", NULL, "\"max autotune\""},
    {"identifier", "FSDP2", NULL, "fsdp2"},
    {"identifier", "bfloat16", NULL, "bfloat16"},
    {"identifier", "c10::Dispatcher", NULL, "\"c10 dispatcher\""},
    {"id part", "dynamo", NULL, "dynamo"},
    {"id part", "autotune", NULL, "autotune"},
    {"id part", "flex", NULL, "flex*"},
    {"phrase", "\"graph break\"", NULL, "\"graph break\""},
    {"phrase", "\"dynamic shapes\"", NULL, "\"dynamic shapes\""},
    {"phrase", "\"mixed precision training\"", NULL, "\"mixed precision training\""},
    {"phrase", "\"torch dot compile\"", NULL, "\"torch dot compile\""},
    {"synonyms", "fully sharded data parallel", NULL, "fully sharded data parallel"},
    {"synonyms", "torch dot compile", NULL, "torch dot compile"},
    {"two words", "memory performance", NULL, "memory performance"},
    {"two words", "kernel backend", NULL, "kernel backend"},
    {"two words", "export dynamic", NULL, "export dynamic"},
    {"two words", "quantization backhulgret", NULL, "quantization backhulgret"},
    {"OR", "inductor OR triton", NULL, "inductor OR triton"},
    {"NOT", "compile NOT graph", NULL, "compile NOT graph"},
    {"wildcard", "recomp*", NULL, "recomp*"},
    {"filter", "memory", "2.9", "memory"},
    {"filter", "kind:tac-meeting checkpoint", NULL, "checkpoint"},
    {"misspelt", "perfromance", NULL, "perfromance"},
};
#define NQ (sizeof queries / sizeof queries[0])

enum { S_OURS, S_MAIN, S_RAW, S_FTS, S_N };

typedef struct ctx {
	qx_db *db;
	synonyms *syn;
	sqlite3 *fts;
	sqlite3_stmt *fts_q, *fts_qf;
} ctx;

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_index: %s: %s\n", what, msg);
	exit(2);
}

/* Each returns a result count so the work cannot be skipped, and so the
 * table can show what each path found. */
static long run_ours(ctx *c, const bench_query *q)
{
	search_request req = {.query = q->query, .release = q->release, .page = 1, .per_page = 10};
	/* BENCH_CHECK_AT_LEAST=N: search_run with another threshold (0: count
	 * every match), to choose SEARCH_CHECK_AT_LEAST by measurement. */
	const char *check = getenv("BENCH_CHECK_AT_LEAST");
	if (check && *check)
		req.check_at_least = atoi(check) > 0 ? (unsigned)atoi(check) : SEARCH_CHECK_ALL;
	json_t *out = NULL;
	char err[512];
	if (search_run(c->db, c->syn, &req, &out, err, sizeof err) != SEARCH_OK)
		die(q->query, err);
	long n = (long)json_integer_value(json_object_get(out, "total"));
	json_decref(out);
	return n;
}

static long run_xapian(ctx *c, const bench_query *q, bool main_query, bool bare)
{
	char *query = NULL, term[64];
	if (!synonyms_rewrite_query(c->syn, q->query, &query))
		die(q->query, "out of memory");
	const char *filters[1] = {term};
	if (q->release)
		snprintf(term, sizeof term, "%s%s", INDEX_TERM_RELEASE, q->release);
	/* Parsed exactly as search_run() parses it. */
	qx_search_params p = search_base_params(query, false);
	p.filters = filters;
	p.filter_count = q->release ? 1 : 0;
	p.limit = 10;
	p.collapse_slot = -1;
	p.count_slot = -1;
	p.check_at_least = bare ? 10 : 0; /* 10: Xapian's default for a top 10 */
	if (main_query) {                 /* the one Enquire run_once() in indexer/search.c makes */
		p.limit = 10 * SEARCH_MOMENTS_PER_RECORDING;
		p.collapse_slot = INDEX_SLOT_RECORDING;
		p.collapse_max = SEARCH_MOMENTS_PER_RECORDING;
		p.facet_slots = facet_slots;
		p.facet_count = sizeof facet_slots / sizeof facet_slots[0];
		p.count_slot = INDEX_SLOT_RECORDING;
	}
	qx_mset *ms = NULL;
	if (qx_db_search(c->db, &p, &ms) != QX_OK)
		die(q->query, qx_db_errmsg(c->db));
	long n = qx_mset_total(ms);
	for (unsigned i = 0; i < qx_mset_size(ms); i++) {
		const char *data;
		size_t len;
		if (qx_mset_hit(ms, i, &data, &len, NULL, NULL) != QX_OK)
			die(q->query, qx_db_errmsg(c->db));
	}
	qx_mset_free(ms);
	free(query);
	return n;
}

static long run_fts(ctx *c, const bench_query *q)
{
	sqlite3_stmt *st = q->release ? c->fts_qf : c->fts_q;
	sqlite3_bind_text(st, 1, q->fts, -1, SQLITE_STATIC);
	if (q->release)
		sqlite3_bind_text(st, 2, q->release, -1, SQLITE_STATIC);
	long n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *data = sqlite3_column_text(st, 1);
		n += data != NULL;
	}
	if (rc != SQLITE_DONE)
		die(q->fts, sqlite3_errmsg(c->fts));
	sqlite3_reset(st);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Nearest rank; v sorted by median() already. */
static double p99(const double *v, size_t n)
{
	size_t k = (size_t)ceil(0.99 * (double)n);
	return v[k ? k - 1 : 0];
}

static int cmd_query(const char *archive, const char *fts_path, int reps)
{
	ctx c = {0};
	char *path = index_path(archive), *err = NULL, *text = NULL;
	if (qx_db_open(path, false, &c.db, &err) != QX_OK)
		die(path, err ? err : "cannot open");
	free(path);
	size_t line;
	char serr[256];
	if (qx_db_get_metadata(c.db, INDEX_META_SYNONYMS, &text) != QX_OK ||
	    vocabulary_load(text, strlen(text), &c.syn, &line, serr, sizeof serr) != SYNONYMS_OK)
		die("synonyms", "cannot load from the index");
	free(text);
	/* The kind filter query carries "kind:" in its text for us; FTS5 gets
	 * it as a column condition, like release. */
	if (sqlite3_open_v2(fts_path, &c.fts, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c.fts,
	                       "SELECT rowid, data FROM p WHERE p MATCH ?1 "
	                       "ORDER BY bm25(p, 1.0, 2.0, 5.0) LIMIT 10",
	                       -1, &c.fts_q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c.fts,
	                       "SELECT rowid, data FROM p WHERE p MATCH ?1 AND release = ?2 "
	                       "ORDER BY bm25(p, 1.0, 2.0, 5.0) LIMIT 10",
	                       -1, &c.fts_qf, NULL) != SQLITE_OK)
		die(fts_path, sqlite3_errmsg(c.fts));
	sqlite3_stmt *fts_kind = NULL;
	if (sqlite3_prepare_v2(
	        c.fts,
	        "SELECT rowid, data FROM p WHERE p MATCH ?1 AND kind = 'tac-meeting' "
	        "ORDER BY bm25(p, 1.0, 2.0, 5.0) LIMIT 10",
	        -1, &fts_kind, NULL) != SQLITE_OK)
		die(fts_path, sqlite3_errmsg(c.fts));

	double *samples = calloc((size_t)reps * NQ * S_N, sizeof *samples);
	long found[NQ][S_N];
	double sum_med[S_N] = {0}, log_ratio = 0, worst_ratio = 0;
	if (!samples)
		die("samples", "out of memory");
#define SAMPLE(q, s, r) samples[((q)*S_N + (s)) * (size_t)reps + (r)]
	for (size_t q = 0; q < NQ; q++) {
		const bench_query *bq = &queries[q];
		sqlite3_stmt *saved = c.fts_q;
		if (strstr(bq->query, "kind:"))
			c.fts_q = fts_kind;
		/* Warm up: page cache, Xapian's block cache, SQLite's cache. */
		for (int r = 0; r < 3; r++) {
			found[q][S_OURS] = run_ours(&c, bq);
			found[q][S_MAIN] = run_xapian(&c, bq, true, false);
			found[q][S_RAW] = run_xapian(&c, bq, false, false);
			found[q][S_FTS] = run_fts(&c, bq);
		}
		for (int r = 0; r < reps; r++) {
			for (int s = 0; s < S_N; s++) {
				/* Rotate the order so no system always runs right
				 * after another's cache-warming. */
				int sys = (s + r) % S_N;
				double t0 = now();
				switch (sys) {
				case S_OURS:
					run_ours(&c, bq);
					break;
				case S_MAIN:
					run_xapian(&c, bq, true, false);
					break;
				case S_RAW:
					run_xapian(&c, bq, false, false);
					break;
				default:
					run_fts(&c, bq);
					break;
				}
				SAMPLE(q, sys, r) = (now() - t0) * 1e3;
			}
		}
		c.fts_q = saved;
	}

	printf("| # | kind | query | ours: recordings | raw: matches | fts5: rows (≤10) | "
	       "ours median | ours p99 | main median | raw median | raw p99 | fts5 median | "
	       "fts5 p99 | ours/raw | ours/fts5 |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (size_t q = 0; q < NQ; q++) {
		double med[S_N], top[S_N];
		for (int s = 0; s < S_N; s++) {
			med[s] = median(&SAMPLE(q, s, 0), (size_t)reps);
			top[s] = p99(&SAMPLE(q, s, 0), (size_t)reps);
			sum_med[s] += med[s];
		}
		double ratio = med[S_OURS] / med[S_RAW];
		log_ratio += log(ratio);
		if (ratio > worst_ratio)
			worst_ratio = ratio;
		char shown[128];
		snprintf(shown, sizeof shown, "%s%s%s", queries[q].query,
		         queries[q].release ? " --release " : "",
		         queries[q].release ? queries[q].release : "");
		printf("| %zu | %s | `%s` | %ld | %ld | %ld | %.2f | %.2f | %.2f | %.2f | %.2f | "
		       "%.2f | %.2f | %.2fx | %.2fx |\n",
		       q + 1, queries[q].kind, shown, found[q][S_OURS], found[q][S_RAW],
		       found[q][S_FTS], med[S_OURS], top[S_OURS], med[S_MAIN], med[S_RAW],
		       top[S_RAW], med[S_FTS], top[S_FTS], ratio, med[S_OURS] / med[S_FTS]);
	}
	printf("\nSum of per-query medians (ms): ours %.1f, main %.1f, raw %.1f, fts5 %.1f; "
	       "ours/raw %.2fx (sum), %.2fx (geometric mean of per-query ratios), worst "
	       "%.2fx; main/raw %.2fx (sum). %d runs per query per system, %zu queries.\n",
	       sum_med[S_OURS], sum_med[S_MAIN], sum_med[S_RAW], sum_med[S_FTS],
	       sum_med[S_OURS] / sum_med[S_RAW], exp(log_ratio / NQ), worst_ratio,
	       sum_med[S_MAIN] / sum_med[S_RAW], reps, NQ);
	free(samples);
	sqlite3_finalize(c.fts_q);
	sqlite3_finalize(c.fts_qf);
	sqlite3_finalize(fts_kind);
	sqlite3_close(c.fts);
	synonyms_free(c.syn);
	qx_db_close(c.db);
	return 0;
}

/* ---- engine ---------------------------------------------------------------- */

typedef struct engine_run {
	const char *archive;
	bench_query *qs;
	size_t nq;
	bool bare; /* the bare top-10 query, else search_run */
	double secs;
	long done; /* out: queries answered */
} engine_run;

static void ctx_open(ctx *c, const char *archive)
{
	char *path = index_path(archive), *err = NULL, *text = NULL;
	size_t line;
	char serr[256];
	if (qx_db_open(path, false, &c->db, &err) != QX_OK)
		die(path, err ? err : "cannot open");
	free(path);
	if (qx_db_get_metadata(c->db, INDEX_META_SYNONYMS, &text) != QX_OK ||
	    vocabulary_load(text, strlen(text), &c->syn, &line, serr, sizeof serr) != SYNONYMS_OK)
		die("synonyms", "cannot load from the index");
	free(text);
}

static long engine_one(ctx *c, const bench_query *q, bool bare)
{
	return bare ? run_xapian(c, q, false, true) : run_ours(c, q);
}

/* One thread of the throughput phase: its own handle, queries in turn. */
static void *engine_thread(void *arg)
{
	engine_run *run = arg;
	ctx c = {0};
	ctx_open(&c, run->archive);
	double end = now() + run->secs;
	for (size_t i = 0; now() < end; i++, run->done++)
		engine_one(&c, &run->qs[i % run->nq], run->bare);
	synonyms_free(c.syn);
	qx_db_close(c.db);
	return NULL;
}

/* q/s of `bare` or ours on `threads` threads for secs seconds. */
static double engine_rate(const char *archive, bench_query *qs, size_t nq, bool bare, double secs,
                          unsigned threads)
{
	engine_run runs[64];
	pthread_t tid[64];
	double t0 = now();
	for (unsigned t = 0; t < threads; t++) {
		runs[t] = (engine_run){archive, qs, nq, bare, secs, 0};
		if (pthread_create(&tid[t], NULL, engine_thread, &runs[t]) != 0)
			die("engine", "cannot start a thread");
	}
	long done = 0;
	for (unsigned t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		done += runs[t].done;
	}
	return (double)done / (now() - t0);
}

/* Output, one line each:
 *   query Q ours_median_ms bare_median_ms
 *   latency ours MEDIAN P99 bare MEDIAN P99      (all samples, ms)
 *   rate 1 ours QPS bare QPS                      (1 / mean of the medians)
 *   rate N ours QPS bare QPS                      (N threads, measured) */
static int cmd_engine(const char *archive, int reps, double secs, char **words, size_t nq)
{
	ctx c = {0};
	ctx_open(&c, archive);
	bench_query *qs = calloc(nq, sizeof *qs);
	double *samples = calloc((size_t)reps * nq * 2, sizeof *samples);
	double *pooled = calloc((size_t)reps * nq, sizeof *pooled);
	if (!qs || !samples || !pooled)
		die("engine", "out of memory");
	for (size_t q = 0; q < nq; q++)
		qs[q] = (bench_query){"given", words[q], NULL, NULL};
	for (size_t q = 0; q < nq; q++)
		for (int r = 0; r < 3; r++)
			engine_one(&c, &qs[q], false), engine_one(&c, &qs[q], true);
	for (int r = 0; r < reps; r++)
		for (size_t q = 0; q < nq; q++)
			for (int s = 0; s < 2; s++) {
				bool bare = (s + r) % 2;
				double t0 = now();
				engine_one(&c, &qs[q], bare);
				samples[(q * 2 + bare) * (size_t)reps + r] = (now() - t0) * 1e3;
			}
	double sum[2] = {0, 0};
	for (size_t q = 0; q < nq; q++) {
		double m0 = median(&samples[(q * 2) * (size_t)reps], (size_t)reps);
		double m1 = median(&samples[(q * 2 + 1) * (size_t)reps], (size_t)reps);
		printf("query %s %.3f %.3f\n", qs[q].query, m0, m1);
		sum[0] += m0, sum[1] += m1;
	}
	printf("latency");
	for (int b = 0; b < 2; b++) {
		for (size_t q = 0; q < nq; q++)
			memcpy(&pooled[q * (size_t)reps], &samples[(q * 2 + b) * (size_t)reps],
			       (size_t)reps * sizeof *pooled);
		double m = median(pooled, (size_t)reps * nq);
		printf(" %s %.3f %.3f", b ? "bare" : "ours", m, p99(pooled, (size_t)reps * nq));
	}
	printf("\nrate 1 ours %.1f bare %.1f\n", 1e3 * (double)nq / sum[0],
	       1e3 * (double)nq / sum[1]);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cores < 1 ? 1 : cores > 64 ? 64 : (unsigned)cores;
	double ours = engine_rate(archive, qs, nq, false, secs, threads);
	double bare = engine_rate(archive, qs, nq, true, secs, threads);
	printf("rate %u ours %.1f bare %.1f\n", threads, ours, bare);
	free(qs);
	free(samples);
	free(pooled);
	synonyms_free(c.syn);
	qx_db_close(c.db);
	return 0;
}

/* ---- shapes ---------------------------------------------------------------- */

/* One shape of query: what a page's query costs against simpler ones. */
typedef struct query_shape {
	const char *name;
	unsigned limit;     /* hits asked for */
	unsigned per_group; /* collapse_max per recording; 0: no collapsing */
	unsigned check;     /* check_at_least */
	bool facets;        /* the facet spy and the recordings' count */
	bool filtered;      /* only the recordings the collapsed top 10 holds */
} query_shape;

static const query_shape shapes[] = {
    {"page: 80 hits, 8 a recording, check 2000, facets", 10 * SEARCH_CANDIDATES_PER_RECORDING,
     SEARCH_CANDIDATES_PER_RECORDING, SEARCH_CHECK_AT_LEAST, true, false},
    {"top 10 recordings, 1 a recording, check 2000, facets", 10, 1, 2000, true, false},
    {"top 10 recordings, 1 a recording, check 500, facets", 10, 1, 500, true, false},
    {"top 10 recordings, 1 a recording, no facets", 10, 1, 10, false, false},
    {"80 hits, 8 a recording, no facets", 80, 8, 80, false, false},
    {"bare: 10 hits, no collapsing, no facets", 10, 0, 10, false, false},
    {"80 hits, 8 a recording, filtered to the top 10's recordings", 80, 8, 80, false, true},
};

#define SHAPE_GROUPS 10

/* The recordings of the collapsed top 10 as filter terms, into terms. */
static size_t top_recordings(ctx *c, const char *query, char terms[][INDEX_TERM_MAX + 1])
{
	qx_search_params p = search_base_params(query, false);
	p.limit = SHAPE_GROUPS;
	p.collapse_slot = INDEX_SLOT_RECORDING;
	p.collapse_max = 1;
	p.count_slot = -1;
	p.check_at_least = SHAPE_GROUPS;
	p.coverage_boost = SEARCH_COVERAGE_BOOST;
	qx_mset *ms = NULL;
	if (qx_db_search(c->db, &p, &ms) != QX_OK)
		die(query, qx_db_errmsg(c->db));
	size_t n = 0;
	for (unsigned i = 0; i < qx_mset_size(ms) && n < SHAPE_GROUPS; i++) {
		const char *id;
		if (qx_mset_hit_group(ms, i, &id) != QX_OK)
			die(query, qx_db_errmsg(c->db));
		snprintf(terms[n++], INDEX_TERM_MAX + 1, "%s%s", INDEX_TERM_RECORDING, id);
	}
	qx_mset_free(ms);
	return n;
}

/* One run of shape s over query (synonyms applied): its ms. */
static double shape_once(ctx *c, const char *query, const query_shape *s,
                         const char *const *filters, size_t filter_count)
{
	qx_search_params p = search_base_params(query, false);
	p.limit = s->limit;
	p.collapse_slot = s->per_group ? INDEX_SLOT_RECORDING : -1;
	p.collapse_max = s->per_group;
	p.count_slot = s->facets ? INDEX_SLOT_RECORDING : -1;
	if (s->facets) {
		p.facet_slots = facet_slots;
		p.facet_count = sizeof facet_slots / sizeof facet_slots[0];
	}
	p.check_at_least = s->check;
	p.coverage_boost = SEARCH_COVERAGE_BOOST; /* as search_run for words */
	if (s->filtered) {
		p.filters = filters;
		p.filter_count = filter_count;
	}
	double t0 = now();
	qx_mset *ms = NULL;
	if (qx_db_search(c->db, &p, &ms) != QX_OK)
		die(query, qx_db_errmsg(c->db));
	double ms_taken = (now() - t0) * 1e3;
	qx_mset_free(ms);
	return ms_taken;
}

/* Each query in each shape: 3 warm-up runs, then the median of reps. */
static int cmd_shapes(const char *archive, int reps, char **words, size_t nq)
{
	ctx c = {0};
	ctx_open(&c, archive);
	size_t ns = sizeof shapes / sizeof shapes[0];
	double *v = calloc((size_t)reps, sizeof *v);
	char terms[SHAPE_GROUPS][INDEX_TERM_MAX + 1];
	const char *filters[SHAPE_GROUPS];
	if (!v)
		die("shapes", "out of memory");
	for (size_t s = 0; s < ns; s++)
		printf("shape %zu %s\n", s + 1, shapes[s].name);
	for (size_t q = 0; q < nq; q++) {
		char *query = NULL;
		if (!synonyms_rewrite_query(c.syn, words[q], &query))
			die(words[q], "out of memory");
		size_t nf = top_recordings(&c, query, terms);
		for (size_t i = 0; i < nf; i++)
			filters[i] = terms[i];
		printf("query %s", words[q]);
		for (size_t s = 0; s < ns; s++) {
			for (int r = 0; r < 3; r++)
				shape_once(&c, query, &shapes[s], filters, nf);
			for (int r = 0; r < reps; r++)
				v[r] = shape_once(&c, query, &shapes[s], filters, nf);
			printf(" %.3f", median(v, (size_t)reps));
		}
		printf("\n");
		free(query);
	}
	free(v);
	synonyms_free(c.syn);
	qx_db_close(c.db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "shapes"))
		return cmd_shapes(argv[2], atoi(argv[3]) > 0 ? atoi(argv[3]) : 1, argv + 4,
		                  (size_t)argc - 4);
	if (argc >= 6 && !strcmp(argv[1], "engine"))
		return cmd_engine(argv[2], atoi(argv[3]) > 0 ? atoi(argv[3]) : 1,
		                  atof(argv[4]) > 0 ? atof(argv[4]) : 1, argv + 5,
		                  (size_t)argc - 5);
	if (argc == 4 && !strcmp(argv[1], "passages"))
		return cmd_passages(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "fts5-load"))
		return cmd_fts5_load(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "query"))
		return cmd_query(argv[2], argv[3], atoi(argv[4]) > 0 ? atoi(argv[4]) : 1);
	fprintf(stderr, "usage: bench_index passages ARCHIVE OUT.dump\n"
	                "       bench_index engine ARCHIVE REPS SECS QUERY...\n"
	                "       bench_index shapes ARCHIVE REPS QUERY...\n"
	                "       bench_index fts5-load DUMP DB\n"
	                "       bench_index query ARCHIVE FTS5DB REPS\n");
	return 2;
}
