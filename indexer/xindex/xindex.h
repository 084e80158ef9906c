/* xindex: the C interface to Xapian, and the only way qarchive reaches it.
 *
 * Opaque handles, a `qx_status` from every fallible call, and the detail of
 * the last failure kept on the handle (qx_db_errmsg). No C++ type or
 * exception crosses this header: the implementation (xindex_*.cc, the only
 * C++ in the tree) catches everything at the boundary. Compiles as C and
 * C++.
 *
 * Threads: a qx_db, and every qx_mset made from it, must be used by one
 * thread at a time. Give each thread its own read handle.
 */
#ifndef QA_XINDEX_H
#define QA_XINDEX_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
/* The implementation promises not to throw: every exception becomes a
 * status at this boundary. */
#define QX_NOEXCEPT noexcept
#else
#define QX_NOEXCEPT
#endif

typedef enum qx_status {
	QX_OK = 0,
	QX_NOT_FOUND,    /* no database at that path (opening for reading) */
	QX_LOCKED,       /* another writer holds the lock: "the index is busy" */
	QX_RETRY,        /* a writer changed the database under this reader:
	                  * qx_db_reopen() and run the search again */
	QX_QUERY_SYNTAX, /* the query string does not parse; errmsg says where */
	QX_CORRUPT,      /* the database files are damaged */
	QX_XAPIAN,       /* any other Xapian error (I/O, disk full, ...) */
	QX_NOMEM,
	QX_INVALID,  /* the caller passed something unusable (NULL, read-only handle) */
	QX_INTERNAL, /* an unexpected exception: a bug */
} qx_status;

/* Statuses every call can return, besides QX_OK; each call below names
 * only those particular to it. Details are in qx_db_errmsg (for a call on
 * a qx_db or an mset made from it).
 * - QX_INVALID: a NULL handle, a NULL pointer that is not marked "may be
 *   NULL", an index past the end, a count with no array, or an argument
 *   Xapian refuses (a key over its length limit). Never undefined
 *   behaviour.
 * - QX_NOMEM, and QX_INTERNAL (an unexpected exception: a bug).
 * - Calls that read the database: QX_RETRY (a writer committed often
 *   enough to recycle the revision this reader was on; it can come from
 *   any read, including the lazy ones on an mset: qx_db_reopen and run the
 *   whole search again), QX_CORRUPT, QX_XAPIAN (I/O and the like).
 * - Calls that write: QX_INVALID for a read-only handle, QX_CORRUPT,
 *   QX_XAPIAN (I/O, disk full). */

/* A static, human-readable name for a status. */
const char *qx_status_str(qx_status status) QX_NOEXCEPT;

typedef struct qx_db qx_db;
typedef struct qx_doc qx_doc;
typedef struct qx_mset qx_mset;

/* ---- databases ------------------------------------------------------- */

/* Open the database at path. A writable open creates it if missing and
 * takes Xapian's single-writer lock (QX_LOCKED when another process holds
 * it); a read-only open of a missing database gives QX_NOT_FOUND. On success
 * *out is the new handle (caller closes with qx_db_close); on failure *out is
 * NULL (unless out is NULL: QX_INVALID) and, if errmsg is not NULL, *errmsg
 * is a message the caller frees with free() (NULL if even that could not be
 * allocated). */
qx_status qx_db_open(const char *path, bool writable, qx_db **out, char **errmsg) QX_NOEXCEPT;

/* Open several indexes as one, read-only: each spec is a local index (a
 * generation stub or a database directory) or "tcp:HOST:PORT", a database
 * served by xapian-tcpsrv. Searches run over all of them with statistics
 * merged as if one index held every document (Xapian's multi-database
 * search); metadata is read from every shard (the first that has a key
 * wins). As qx_db_open for *out and *errmsg. */
qx_status qx_db_open_shards(const char *const *specs, size_t count, qx_db **out,
                            char **errmsg) QX_NOEXCEPT;

/* Close the handle. A writer's uncommitted changes are discarded, whether
 * or not qx_db_begin was called (error paths rely on it: what was not
 * committed never reaches the disk); qx_db_commit first to keep them. NULL
 * is a no-op. */
void qx_db_close(qx_db *db) QX_NOEXCEPT;

/* The message of the last failed call on db: borrowed, valid until the next
 * call on db. "" after a success. */
const char *qx_db_errmsg(const qx_db *db) QX_NOEXCEPT;

/* Readers: move to the latest committed revision. *changed (changed may be
 * NULL) says whether there was a newer one. */
qx_status qx_db_reopen(qx_db *db, bool *changed) QX_NOEXCEPT;

/* Which committed state of which database db reads: its UUID (a database
 * made afresh, as a full rebuild's new generation is, has a new one) into
 * uuid, and its revision into *revision. While both are the same, nothing
 * in the index has changed: a cache of what was read from it still holds. */
#define QX_UUID_LEN 36
qx_status qx_db_version(qx_db *db, char uuid[QX_UUID_LEN + 1],
                        unsigned long long *revision) QX_NOEXCEPT;

/* The number of documents, in *out. */
qx_status qx_db_doc_count(qx_db *db, unsigned *out) QX_NOEXCEPT;

/* Readers: what names the state the handle reads, "UUID/REVISION", in *out
 * (caller frees with free(); NULL on failure): the same string exactly
 * while nothing is committed and no other database (a rebuild's new
 * generation) is read, so what is computed from the index can be cached
 * under it. */
qx_status qx_db_revision(qx_db *db, char **out) QX_NOEXCEPT;

/* Writers: group changes so that they become visible all at once, or not at
 * all (a crash, or qx_db_close, before qx_db_commit leaves the last
 * committed state). qx_db_begin first commits changes made before it, and
 * is QX_INVALID while a transaction it began is open. qx_db_commit without
 * qx_db_begin commits the changes made so far; qx_db_cancel without
 * qx_db_begin is QX_INVALID. */
qx_status qx_db_begin(qx_db *db) QX_NOEXCEPT;
qx_status qx_db_commit(qx_db *db) QX_NOEXCEPT;
qx_status qx_db_cancel(qx_db *db) QX_NOEXCEPT;

/* Writers: write the committed database, compacted, to dest (a directory
 * that is empty or missing): Xapian's Database::compact at its FULL level
 * (B-tree blocks filled, as xapian-compact does) with the same document
 * ids. db itself is unchanged. For a full build's new generation, whose
 * periodic commits leave its blocks about half full (-44% on 100 hours:
 * bench/RESULTS.md). QX_INVALID while a transaction is open; QX_XAPIAN
 * with the message on the handle when Xapian fails (a full disk): dest may
 * then hold a partial copy, which the caller removes. */
qx_status qx_db_compact(qx_db *db, const char *dest) QX_NOEXCEPT;

/* Writers: add doc, replacing every document that has unique_term (which
 * doc should carry too). doc is not consumed (borrowed for the call). */
qx_status qx_db_replace(qx_db *db, const char *unique_term, const qx_doc *doc) QX_NOEXCEPT;

/* Writers: add doc as a new document. doc is not consumed. */
qx_status qx_db_add(qx_db *db, const qx_doc *doc) QX_NOEXCEPT;

/* Writers: delete every document that has term. */
qx_status qx_db_delete(qx_db *db, const char *term) QX_NOEXCEPT;

/* Writers: record words for spelling suggestions (freq_inc occurrences). */
qx_status qx_db_add_spelling(qx_db *db, const char *word, unsigned freq_inc) QX_NOEXCEPT;

/* Readers: in *freq, the number of documents whose text holds word (any
 * prefix-free text term, lowercased as qx_doc_add_text_term stores it), or,
 * with stemmed, its English stem (the term a stemmed query matches). 0 for
 * a word the archive never had. QX_INVALID for an empty word. */
qx_status qx_db_term_freq(qx_db *db, const char *word, bool stemmed, unsigned *freq) QX_NOEXCEPT;

/* Readers: in *freq, the number of documents that hold exactly this term
 * (a filter term such as "XTYPEabout", as stored). QX_INVALID for an empty
 * term. */
qx_status qx_db_term_docs(qx_db *db, const char *term, unsigned *freq) QX_NOEXCEPT;

/* Readers: the spelling dictionary's (qx_db_add_spelling) most frequent
 * word within max_edits edits of word (lowercased), for one word, never a
 * query. *out is "" when there is none, or when word is in the dictionary
 * and nothing nearby is more frequent (Xapian does suggest a more frequent
 * neighbour of a word it holds: "do" -> "dot"; check the word with
 * qx_db_term_freq first). Caller frees *out with free(); NULL on failure. */
qx_status qx_db_spelling_suggestion(qx_db *db, const char *word, unsigned max_edits,
                                    char **out) QX_NOEXCEPT;

/* User metadata: small key/value strings stored with the database and
 * committed with it. key must not be empty. get: *value is "" when the key
 * is absent; caller frees *value with free(); NULL on failure. */
qx_status qx_db_set_metadata(qx_db *db, const char *key, const char *value) QX_NOEXCEPT;
qx_status qx_db_get_metadata(qx_db *db, const char *key, char **value) QX_NOEXCEPT;

/* Call fn(key, value, ctx) for each metadata key starting with prefix
 * (may be NULL: every key), in key order; fn returns false to stop.
 * Strings are borrowed for the call. */
qx_status qx_db_each_metadata(qx_db *db, const char *prefix,
                              bool (*fn)(const char *key, const char *value, void *ctx),
                              void *ctx) QX_NOEXCEPT;

/* ---- documents -------------------------------------------------------- */

/* A document being built. Caller frees with qx_doc_free (NULL is a no-op).
 * NULL on out of memory. The qx_doc calls keep no message: their status
 * says it all. */
qx_doc *qx_doc_new(void) QX_NOEXCEPT;
void qx_doc_free(qx_doc *doc) QX_NOEXCEPT;

/* Add a text term at a position (positions make phrase search work), or
 * without one. The term is lowercased (Unicode) and, unless `exact_only`,
 * its English stem is added too with a "Z" prefix (without a position, as
 * Xapian's TermGenerator does), as Xapian's QueryParser expects for stemmed
 * queries. prefix ("" or NULL for none) is put in front of both. wdf_inc
 * weighs the occurrence (1 normally; more for a title). QX_INVALID for an
 * empty term; a term too long for Xapian (noise such as a URL) is skipped
 * with QX_OK. */
qx_status qx_doc_add_text_term(qx_doc *doc, const char *prefix, const char *term, unsigned pos,
                               bool positional, unsigned wdf_inc, bool exact_only) QX_NOEXCEPT;

/* Add a term exactly as given (a boolean filter such as "XRELEASE2.6"), with
 * no weight. QX_INVALID for an empty term or one over 240 bytes. */
qx_status qx_doc_add_boolean_term(qx_doc *doc, const char *term) QX_NOEXCEPT;

/* Set value slot `slot` (sorting, collapsing, facets) to bytes[0..len).
 * bytes may be NULL only when len is 0. */
qx_status qx_doc_set_value(qx_doc *doc, unsigned slot, const char *bytes, size_t len) QX_NOEXCEPT;

/* Set the document's data (what a hit hands back) to bytes[0..len). bytes
 * may be NULL only when len is 0. */
qx_status qx_doc_set_data(qx_doc *doc, const char *bytes, size_t len) QX_NOEXCEPT;

/* ---- searching -------------------------------------------------------- */

/* A position where one of the query's terms occurs in a hit: which term
 * (numbered from 0 within the hit; a stem and the words it matched are one
 * term) and that term's weight in the search (its largest BM25
 * contribution: rarer terms weigh more). */
typedef struct qx_position {
	unsigned pos;
	unsigned term;
	double weight;
} qx_position;

/* A field the query syntax accepts as "name:value" (or name:"a value"). */
typedef struct qx_field {
	const char *name;   /* as the user types it, e.g. "release" */
	const char *prefix; /* the term prefix, e.g. "XRELEASE" */
	bool boolean;       /* a filter (exact value) rather than free text */
	/* A boolean field's term is prefix + value(typed, ctx), where typed is
	 * the value as written (quotes removed) and ctx the search's
	 * field_ctx: how a filter is lower-cased or otherwise made to match
	 * the index, the same way the index wrote it, and how the caller
	 * learns which values the query named (it is called once for each
	 * field:value each time the query is parsed). It returns a string the
	 * search frees with free(), or NULL when out of memory (the search
	 * fails with QX_NOMEM). NULL: Xapian's own term, prefix + the value as
	 * typed, with a ':' between them when the value starts with a capital. */
	char *(*value)(const char *typed, void *ctx);
} qx_field;

/* Every array may be NULL only when its count is 0, and holds no NULL
 * string. */
typedef struct qx_search_params {
	const char *query; /* the user's query, QueryParser syntax */
	bool exact;        /* no stemming: terms match as typed */
	/* Required filter terms. Terms with the same prefix (the leading run of
	 * upper-case ASCII letters) are alternatives (OR); different prefixes
	 * must all match (AND). */
	const char *const *filters;
	size_t filter_count;
	const qx_field *fields;
	size_t field_count;
	void *field_ctx; /* handed to each field's value function */
	unsigned offset; /* first hit to return */
	unsigned limit;  /* how many */
	/* Collapsing: at most collapse_max hits per distinct value of this slot
	 * (-1: none). Hits of equal weight are then ranked by that value
	 * (ascending), and within one value by the order the documents were
	 * added: the same order whether the index is one database or shards
	 * (where docids interleave), as each value's documents are in one
	 * shard. Unless sort_by_value. */
	int collapse_slot;
	unsigned collapse_max;
	/* Facets: for each slot, count the matching documents' values. A value
	 * may hold several, separated by '\n'. When count_slot >= 0, matches
	 * are grouped by that slot's value (e.g. a recording; a document with
	 * none is in no group) and each group is counted once, from one of its
	 * documents: the facet slots must hold the same values in every
	 * document of a group. A read-only handle keeps each group's values
	 * for the revision it reads (until qx_db_reopen), so that the next
	 * search reads none of them again. Counted with Xapian's ValueCountMatchSpy and
	 * queries, which a remote shard (xapian-tcpsrv) runs too. */
	const unsigned *facet_slots;
	size_t facet_count;
	int count_slot;
	/* Matches to look at, at least (0: every one). Past that many Xapian
	 * stops as soon as no further match can reach the page, so the hits
	 * are the same as when every match is looked at; but the facets, the
	 * groups and their counts (qx_mset_group_count) then cover only the
	 * matches it looked at, and qx_mset_groups_estimated is an estimate
	 * (qx_mset_counted says which). */
	unsigned check_at_least;
	bool suggest;   /* compute a spelling suggestion for the query */
	bool match_any; /* terms are alternatives (OR) rather than all required */
	/* Questions as queries: > 0 makes every term optional (OR, each
	 * document weighed by BM25 over the terms it holds, so rarer words
	 * count more) and adds coverage_boost times the weight again to the
	 * documents that hold every term (AND), so a two-word query still
	 * ranks moments with both first; the query is read as words (no
	 * boolean operators, brackets or +/- prefixes). 0: every term is
	 * required (or any, with match_any). Ignored with match_any. */
	double coverage_boost;
	/* Words dropped from queries unless quoted (the, how, ...). */
	const char *const *stopwords;
	size_t stopword_count;
	/* A filter that depends on where the query's words are in a document
	 * (speaker: finds what a person said, not what was said near them):
	 * a matching document is kept only when accept says so, given its
	 * data (data[0..len)) and every position of the query's terms in it
	 * (as qx_mset_positions gives them, but with weight 0: weights are
	 * not known while matching), borrowed for the call. A document where
	 * no term of the query has a position (a filter-only query) is kept
	 * without asking. A document it drops counts
	 * nowhere: not in the hits, the totals or the facets. It must not
	 * fail; when it cannot tell (out of memory), it keeps the document.
	 * It costs a read of every match's positions (and data): set it only
	 * for a search that needs it. NULL: every match is kept.
	 * It is asked before the search, over every match of the query (read
	 * as documents, as a remote shard serves them), and the matches it
	 * drops leave the query by their unique terms (the first "Q" term, as
	 * qx_db_replace's): a remote shard runs no code of ours. A match with
	 * no unique term fails the search (QX_XAPIAN). */
	bool (*accept)(const char *data, size_t len, const qx_position *positions, size_t count,
	               void *ctx);
	void *accept_ctx;
	/* The order of hits: by relevance (false), or by the value in
	 * sort_slot (sortable bytes: descending with sort_descending), ties by
	 * relevance. Collapsing then keeps each key's first hits in that
	 * order. */
	bool sort_by_value;
	unsigned sort_slot;
	bool sort_descending;
} qx_search_params;

/* Run a search. On success *out holds the hits (caller frees with
 * qx_mset_free, before closing db); on failure *out is NULL. Returns
 * QX_QUERY_SYNTAX with a message for an unparsable query, QX_INVALID for
 * unusable params (errmsg says which part), QX_RETRY when the database
 * changed underneath (reopen and retry), or another failure status; details
 * in qx_db_errmsg(db). The mset reads the database lazily: its hits,
 * positions and snippets can fail the same way later. */
qx_status qx_db_search(qx_db *db, const qx_search_params *params, qx_mset **out) QX_NOEXCEPT;

/* More like this: the documents closest to one document (the seed), by
 * Xapian's relevance feedback. The seed is the relevance set; its `terms`
 * best terms by expansion weight (rarer in the archive is better), chosen
 * among the stems of the free text under `prefix` (qx_doc_add_text_term's:
 * so a unit's question counts, not its answer) that another document holds
 * too, less stopwords and the seed's words that are names (terms under
 * names_prefix), become an OR query over the documents holding every
 * filter (as qx_search_params.filters: OR within a prefix, AND across),
 * less those holding `exclude`. A match must hold at least min_terms of
 * them, weighing at least min_share of their summed expansion weight;
 * matches are ranked by the weight they share (the prefix's terms may have
 * no within-document frequency: BM25 is not used; but the seed must have
 * some length, from other terms, for the expansion to weigh them).
 * Bounded: at most QX_SIMILAR_TERMS_MAX terms, and two queries: one
 * finds the documents that could share enough weight, which are then read
 * and weighed here (a remote shard runs no code of ours), the other
 * returns the chosen ones in order, by their unique terms (the first "Q"
 * term, as qx_db_replace's; a document without one is never a hit). */
#define QX_SIMILAR_TERMS_MAX 32
typedef struct qx_similar_params {
	const char *seed;             /* a term only the seed document holds */
	const char *prefix;           /* the text prefix ("" for unprefixed text) */
	const char *const *stopwords; /* lower-case words never picked */
	size_t stopword_count;
	const char *names_prefix;   /* + a lower-case word: a name; NULL: none */
	const char *const *filters; /* required terms */
	size_t filter_count;
	const char *exclude; /* documents holding it are left out; NULL: none */
	unsigned terms;      /* 1..QX_SIMILAR_TERMS_MAX */
	unsigned min_terms;  /* 0..terms (0 counts as 1) */
	double min_share;    /* 0..1 */
	unsigned limit;      /* hits at most */
} qx_similar_params;

/* Run it. On QX_OK *out holds the hits, best first, read with qx_mset_hit
 * (caller frees with qx_mset_free; empty when the seed has fewer than
 * min_terms usable terms); on failure *out is NULL. QX_NOT_FOUND when no
 * document holds the seed term (an index written before it had one),
 * QX_INVALID for unusable params, and the read statuses (QX_RETRY: reopen
 * and run again). Details in qx_db_errmsg(db). */
qx_status qx_db_similar(qx_db *db, const qx_similar_params *params, qx_mset **out) QX_NOEXCEPT;

/* NULL is a no-op. */
void qx_mset_free(qx_mset *mset) QX_NOEXCEPT;

/* Hits in this page, and the estimated (exact for small archives) number
 * of matches in all, after collapsing. 0 for NULL. */
unsigned qx_mset_size(const qx_mset *mset) QX_NOEXCEPT;
unsigned qx_mset_total(const qx_mset *mset) QX_NOEXCEPT;

/* With count_slot >= 0: the number of distinct groups (recordings) among
 * the matches looked at: all of them unless check_at_least let Xapian stop
 * early (qx_mset_counted). 0 otherwise. */
unsigned qx_mset_groups(const qx_mset *mset) QX_NOEXCEPT;

/* qx_mset_groups over all the matches: the same when every match was
 * looked at; otherwise an estimate, the groups among the matches counted
 * (qx_mset_counted) scaled by Xapian's estimate of all matches over those it looked at, at
 * most groups_max (the groups there are; 0: no cap) and never fewer than
 * the groups seen. */
unsigned qx_mset_groups_estimated(const qx_mset *mset, unsigned groups_max) QX_NOEXCEPT;

/* Whether the facets and groups of a search cover every match (true) or
 * only those Xapian looked at before it could stop (check_at_least). Over
 * local databases they are then the first check_at_least matches in
 * document order (past those Xapian looks only at matches heavy enough
 * for the page, which would skew them), and qx_mset_each_facet and
 * qx_mset_groups_estimated count those.
 * *looked (may be NULL): how many matches they were counted over;
 * *estimated (may be NULL): Xapian's estimate of all matches, uncollapsed.
 * false for NULL. */
bool qx_mset_counted(const qx_mset *mset, unsigned *looked, unsigned *estimated) QX_NOEXCEPT;

/* The groups among the matches the facets were counted over (those of
 * qx_mset_counted's *looked): qx_mset_groups, or the sample's when a
 * local search stopped early. 0 without count_slot. */
unsigned qx_mset_groups_counted(const qx_mset *mset) QX_NOEXCEPT;

/* With count_slot >= 0: in *count, how many of all the matches (not only
 * this page's hits, and before collapsing) are in the group whose
 * count_slot value is `value` (a recording's id) and weigh at least
 * min_weight (as qx_mset_hit reports weights; 0 counts every match). 0 for
 * a group with no match. With min_weight 0 it was counted during the
 * search; above 0 the page's hits tell when they hold all the group's
 * matches or (ranked by weight, collapsed on count_slot) one lighter than
 * min_weight; otherwise the search's query runs once more, uncollapsed,
 * for every match's weight (kept on the mset for the next call).
 * QX_INVALID for a NULL value or count, or a search without count_slot;
 * *count is 0 then. */
qx_status qx_mset_group_count(qx_mset *mset, const char *value, double min_weight,
                              unsigned *count) QX_NOEXCEPT;

/* The i-th hit of the page (QX_INVALID past qx_mset_size): its document
 * data (borrowed, valid until qx_mset_free; *len bytes), relevance
 * percentage and weight (percent and weight may be NULL). Reads the
 * database. */
qx_status qx_mset_hit(qx_mset *mset, unsigned i, const char **data, size_t *len, int *percent,
                      double *weight) QX_NOEXCEPT;

/* The i-th hit's value of the collapse slot (a recording's id), in *value
 * (borrowed, valid until qx_mset_free): what it was grouped by, with no
 * read of its data. QX_INVALID past qx_mset_size or for a search that did
 * not collapse (collapse_slot < 0). */
qx_status qx_mset_hit_group(qx_mset *mset, unsigned i, const char **value) QX_NOEXCEPT;

/* Does the i-th hit (QX_INVALID past qx_mset_size) hold every word of
 * the query, in *every: each word, or one form of a word that stands for
 * several (OR, synonyms, a phrase said as a phrase)? Exact where the
 * hit's percentage is not: a word with synonyms ("fsdp" OR "fully sharded
 * data parallel") makes a hit that says one form less than 100%. Only
 * for a search with coverage_boost > 0 and no match_any; QX_INVALID
 * otherwise (*every false). A query of filters alone holds every word.
 * Runs the query's AND over the database, filtered to the hit by its
 * unique term (the first that starts with "Q", as qx_db_replace's are):
 * a query, which runs on a remote shard too; a hit with none is
 * QX_INVALID. */
qx_status qx_mset_hit_has_every_word(qx_mset *mset, unsigned i, bool *every) QX_NOEXCEPT;

/* The lowest position at which any of the query's terms occurs in the i-th
 * hit (QX_INVALID past qx_mset_size). *found is false when the match has no
 * positional term (e.g. a filter-only query). Reads the database. */
qx_status qx_mset_first_position(qx_mset *mset, unsigned i, unsigned *pos, bool *found) QX_NOEXCEPT;

/* Every position of the query's terms in the i-th hit, in position order
 * (stemmed matches through the document's words with that stem). On QX_OK
 * *out is an array of *count positions that the caller frees with free()
 * (NULL and 0 when the match has no positional term). QX_INVALID for an i
 * past the page or NULL out/count, QX_RETRY when the database changed
 * underneath, QX_NOMEM, QX_XAPIAN. */
qx_status qx_mset_positions(qx_mset *mset, unsigned i, qx_position **out,
                            size_t *count) QX_NOEXCEPT;

/* A snippet of text with the query's terms marked <mark>...</mark>, HTML
 * escaped, at most about `length` characters. Caller frees *out with
 * free(); NULL on failure. Reads the database (term statistics). */
qx_status qx_mset_snippet(qx_mset *mset, const char *text, size_t length, char **out) QX_NOEXCEPT;

/* The whole of text, HTML escaped, with the query's terms marked as
 * qx_mset_snippet marks them, but no window chosen and no "…": for a short
 * text shown whole (a question's answer, its first sentence). Cheaper than
 * a snippet: no term's frequency is read. Caller frees *out. */
qx_status qx_mset_mark(qx_mset *mset, const char *text, char **out) QX_NOEXCEPT;

/* Is word (a term as tokenize.h makes it: lower case) a word the query
 * searches on its own, not only inside a phrase: one of its terms, or its
 * stem is (as the query stems)? What a snippet may mark where Xapian's
 * own words differ from the index's (a piece of FSDP2 or _dynamo). False
 * on failure. */
bool qx_mset_is_loose_word(qx_mset *mset, const char *word) QX_NOEXCEPT;

/* The spelling suggestion (a corrected query), or "" for none (or NULL).
 * Borrowed, valid until qx_mset_free. */
const char *qx_mset_suggestion(const qx_mset *mset) QX_NOEXCEPT;

/* Facet counts for the k-th facet slot of the search: calls fn for each
 * value (borrowed for the call) with its count, most frequent first; fn
 * returns false to stop. QX_INVALID when k is not below the search's
 * facet_count. The counts were made during the search: no database read. */
qx_status qx_mset_each_facet(qx_mset *mset, size_t k,
                             bool (*fn)(const char *value, unsigned count, void *ctx),
                             void *ctx) QX_NOEXCEPT;

/* ---- helpers ------------------------------------------------------- */

/* text (UTF-8) with every letter lower-cased as Xapian lower-cases the
 * text it indexes (Unicode, not only ASCII), into *out: the caller frees
 * it with free(); NULL on failure. Invalid UTF-8 bytes are read as
 * Latin-1 characters, as Xapian reads them. QX_INVALID for a NULL text or
 * out. */
qx_status qx_utf8_lower(const char *text, char **out) QX_NOEXCEPT;

/* A double as bytes that sort in numeric order (for value slots). Writes at
 * most 16 bytes to out and sets *len. QX_INVALID for NaN, which has no
 * place in an order. */
qx_status qx_sortable_serialise(double value, char out[16], size_t *len) QX_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif
