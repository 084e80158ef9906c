/* qarchive search: query the index from the command line. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "cli_args.h"
#include "commands.h"
#include "index_update.h"
#include "json_out.h"
#include "number.h"
#include "search.h"
#include "search_limits.h"
#include "strbuf.h"
#include "synonyms.h"
#include "vocabulary.h"
#include "xindex.h"

static const char usage[] =
    "usage: qarchive search [--json] [--release R] [--kind K] [--speaker S]\n"
    "                       [--source machine|human] [--recording ID]\n"
    "                       [--limit N] [--page P] [--exact] [--questions]\n"
    "                       [--check-at-least N] [--profile] [--sort relevance|date]\n"
    "                       [--archive DIR | --shard INDEX...] QUERY...\n\n"
    "Search the archive's transcripts, titles, agendas and notes; each hit is a\n"
    "moment: the time in the recording where the words were said.\n\n"
    "QUERY: words (a question is fine: moments holding more of them, and all of\n"
    "them, come first), \"a phrase\", AND / OR / NOT, flex* wildcards,\n"
    "and fields: release:2.9  kind:tac-meeting  speaker:\"Maya Chen\"  year:2025\n"
    "source:machine|human (who made the transcript: speech recognition or\n"
    "people), title:word. Filters ignore case, in names and values (Speaker:Maya\n"
    "is speaker:maya); speaker: (and --speaker) takes any part of a name\n"
    "(speaker:maya, speaker:chen) and finds what that person said where\n"
    "the transcript says who speaks. Abbreviations and spoken forms match each\n"
    "other (FSDP and \"fully sharded data parallel\"; torch.compile and \"torch\n"
    "dot compile\") unless --exact (no stemming, no synonyms).\n\n"
    "  --json      print {\"total\", \"suggestion\", \"hits\", \"facets\", ...}\n"
    "  --limit N   recordings per page (default 10), up to 3 moments each\n"
    "  --page P    page of recordings (default 1)\n"
    "  --recording ID  only this recording: all its good moments, 3 x N a page\n"
    "  --questions questions asked in the recordings and their answers only\n"
    "  --check-at-least N  matches to look at before the total and facets may\n"
    "              be estimates (default 2000; 0: count every match); the hits\n"
    "              are the same either way\n"
    "  --profile   print where the search's time went to stderr\n"
    "  --sort date newest recordings first (every word required), rather than\n"
    "              the most relevant first (--sort relevance, the default)\n"
    "  --shard INDEX  search these indexes as one instead of the archive's (repeat\n"
    "              it; each a local index, SHARD/.qarchive/index, or tcp:HOST:PORT\n"
    "              of xapian-tcpsrv: docs/deploy.md, \"Shards\")\n\n"
    "A hit on a question someone asked (\"unit\" in the JSON) shows it as Q and\n"
    "its answer as A, and plays from the answer.\n\n"
    "Exit status: 0 searched (even with no hits), 1 the query is not valid\n"
    "(its syntax, not UTF-8, or more than 1024 bytes, 64 words or 8 wildcards),\n"
    "2 usage error or no index (run `qarchive index`).\n";

/* The usage text names the caps: keep it true. */
_Static_assert(SEARCH_MAX_QUERY_BYTES == 1024 && SEARCH_MAX_WORDS == 64 &&
                   SEARCH_MAX_WILDCARDS == 8,
               "qarchive search --help states the query limits");

/* "12:34" or "1:02:03". */
static void format_time(double t, char *out, size_t size)
{
	long s = (long)t;
	if (s >= 3600)
		snprintf(out, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, size, "%02ld:%02ld", s / 60, s % 60);
}

/* A snippet for a terminal: <mark> as bold (or nothing when not a
 * terminal), the HTML escapes undone. */
static void print_snippet(const char *html, bool tty)
{
	static const struct {
		const char *from, *to;
	} entities[] = {
	    {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
	for (const char *p = html; *p;) {
		if (strncmp(p, "<mark>", 6) == 0) {
			fputs(tty ? "\033[1m" : "", stdout);
			p += 6;
			continue;
		}
		if (strncmp(p, "</mark>", 7) == 0) {
			fputs(tty ? "\033[0m" : "", stdout);
			p += 7;
			continue;
		}
		bool done = false;
		for (size_t i = 0; i < sizeof entities / sizeof entities[0] && *p == '&'; i++) {
			size_t n = strlen(entities[i].from);
			if (strncmp(p, entities[i].from, n) == 0) {
				fputs(entities[i].to, stdout);
				p += n;
				done = true;
				break;
			}
		}
		if (!done)
			putchar(*p++);
	}
}

/* After hit i, the last shown of its recording: how many more good
 * moments the recording has, and how to list them (search.h). Not when
 * the search already lists one recording (one). */
static void print_more(json_t *hits, size_t i, bool one)
{
	const char *id = json_string_value(json_object_get(json_array_get(hits, i), "recording"));
	const char *next =
	    json_string_value(json_object_get(json_array_get(hits, i + 1), "recording"));
	if (one || !id || (next && strcmp(id, next) == 0))
		return;
	size_t shown = 0;
	for (size_t k = 0; k <= i; k++)
		shown +=
		    strcmp(json_string_value(json_object_get(json_array_get(hits, k), "recording")),
		           id) == 0;
	json_int_t all =
	    json_integer_value(json_object_get(json_array_get(hits, i), "recording_moments"));
	if (all > (json_int_t)shown)
		printf("          %lld more moment%s in this recording: --recording %s\n",
		       (long long)(all - (json_int_t)shown),
		       all - (json_int_t)shown == 1 ? "" : "s", id);
}

/* A meeting's agenda item as a unit (unit_search.h: "kind": "agenda"): its
 * title, its discussion's span and the decisions stated in it. */
static void print_agenda_unit(json_t *unit, const char *at, const char *from, const char *to)
{
	json_t *q = json_object_get(unit, "question"), *a = json_object_get(unit, "answer");
	json_t *decisions = json_object_get(unit, "decisions");
	printf("\n          Agenda item (at %s): %s", at,
	       json_string_value(json_object_get(q, "text")));
	printf("\n          Discussed (%s\u2013%s): %s", from, to,
	       json_string_value(json_object_get(a, "text")));
	for (size_t i = 0; i < json_array_size(decisions); i++) {
		json_t *d = json_array_get(decisions, i);
		char when[32];
		format_time(json_number_value(json_object_get(d, "t")), when, sizeof when);
		printf("\n          Decided (%s): %s", when,
		       json_string_value(json_object_get(d, "text")));
	}
}

/* A question asked and its answer (unit_search.h), as the page shows them:
 * "Q (asked at 12:34 by Name): ..." and "A (Name, 12:41–14:02): ...". */
static void print_unit(json_t *unit)
{
	json_t *q = json_object_get(unit, "question"), *a = json_object_get(unit, "answer");
	const char *asker = json_string_value(json_object_get(q, "speaker"));
	const char *answerer = json_string_value(json_object_get(a, "speaker"));
	char at[32], from[32], to[32];
	format_time(json_number_value(json_object_get(q, "t")), at, sizeof at);
	format_time(json_number_value(json_object_get(a, "t")), from, sizeof from);
	format_time(json_number_value(json_object_get(a, "end")), to, sizeof to);
	const char *kind = json_string_value(json_object_get(unit, "kind"));
	if (kind && strcmp(kind, "agenda") == 0) {
		print_agenda_unit(unit, at, from, to);
		return;
	}
	printf("\n          Q (asked at %s%s%s): %s", at, asker ? " by " : "", asker ? asker : "",
	       json_string_value(json_object_get(q, "text")));
	printf("\n          A (%s%s%s\u2013%s): %s", answerer ? answerer : "", answerer ? ", " : "",
	       from, to, json_string_value(json_object_get(a, "text")));
}

static void print_readable(json_t *result, bool one)
{
	bool tty = isatty(STDOUT_FILENO);
	json_t *hits = json_object_get(result, "hits");
	const char *suggestion = json_string_value(json_object_get(result, "suggestion"));
	const char *showing = json_string_value(json_object_get(result, "showing_results_for"));
	json_int_t total = json_integer_value(json_object_get(result, "total"));
	if (showing)
		printf("showing results for: %s\n", showing);
	printf("%s%lld recording%s match",
	       json_is_true(json_object_get(result, "total_is_estimate")) ? "about " : "",
	       (long long)total, total == 1 ? "" : "s");
	if (json_is_string(json_object_get(result, "match")) &&
	    strcmp(json_string_value(json_object_get(result, "match")), "any") == 0)
		printf(" some of the words");
	if (suggestion && !showing)
		printf(" (did you mean: %s?)", suggestion);
	printf("\n");
	json_t *missing = json_object_get(result, "not_found"), *word;
	size_t k;
	json_array_foreach(missing, k, word)
	{
		printf("%s%s", k ? ", " : "not found: ", json_string_value(word));
	}
	if (json_array_size(missing))
		printf("\n");
	size_t i;
	json_t *hit;
	json_array_foreach(hits, i, hit)
	{
		char when[32];
		format_time(json_number_value(json_object_get(hit, "t")), when, sizeof when);
		const char *made = json_string_value(json_object_get(hit, "transcript"));
		printf("%8s  %s%s — ", when, json_string_value(json_object_get(hit, "title")),
		       made && strcmp(made, "machine") == 0 ? " [machine transcript]" : "");
		if (json_object_get(hit, "unit"))
			print_unit(json_object_get(hit, "unit"));
		else
			print_snippet(json_string_value(json_object_get(hit, "snippet")), tty);
		printf("\n          /watch/%s?t=%.0f\n",
		       json_string_value(json_object_get(hit, "recording")),
		       json_number_value(json_object_get(hit, "t")));
		print_more(hits, i, one);
	}
}

/* The vocabulary a search uses: the built-in one merged with the archive's
 * synonyms.txt, stored in the index at `qarchive index` time. A stored
 * file that no longer parses (it did when indexed) leaves the built-in
 * list alone; NULL only when out of memory. */
static synonyms *load_synonyms(qx_db *db)
{
	char *text = NULL;
	synonyms *syn = NULL;
	if (qx_db_get_metadata(db, INDEX_META_SYNONYMS, &text) != QX_OK ||
	    vocabulary_load(text, strlen(text), &syn, NULL, NULL, 0) != SYNONYMS_OK)
		vocabulary_load(NULL, 0, &syn, NULL, NULL, 0);
	free(text);
	return syn;
}

/* --shard's indexes, borrowed from argv. */
#define SEARCH_MAX_SHARDS 64

/* The archive's own index, or the shards given as one. */
static qx_status open_index(const char *path, const char *const *shards, size_t shard_count,
                            qx_db **db, char **open_err)
{
	return shard_count ? qx_db_open_shards(shards, shard_count, db, open_err)
	                   : qx_db_open(path, false, db, open_err);
}

enum {
	OPT_JSON,
	OPT_EXACT,
	OPT_QUESTIONS,
	OPT_PROFILE,
	OPT_CHECK_AT_LEAST,
	OPT_SORT,
	OPT_RELEASE,
	OPT_KIND,
	OPT_SOURCE,
	OPT_SPEAKER,
	OPT_RECORDING,
	OPT_SHARD,
	OPT_ARCHIVE,
	OPT_LIMIT,
	OPT_PAGE,
};

static const cli_option options[] = {
    {"--json", OPT_JSON, false, 0},
    {"--exact", OPT_EXACT, false, 0},
    {"--questions", OPT_QUESTIONS, false, 0},
    {"--profile", OPT_PROFILE, false, 0},
    {"--check-at-least", OPT_CHECK_AT_LEAST, true, 0},
    {"--sort", OPT_SORT, true, 0},
    {"--release", OPT_RELEASE, true, 0},
    {"--kind", OPT_KIND, true, 0},
    {"--source", OPT_SOURCE, true, 0},
    {"--speaker", OPT_SPEAKER, true, 0},
    {"--recording", OPT_RECORDING, true, 0},
    {"--shard", OPT_SHARD, true, 0},
    {"--archive", OPT_ARCHIVE, true, 0},
    {"--limit", OPT_LIMIT, true, 0},
    {"--page", OPT_PAGE, true, 0},
    {NULL, 0, false, 0},
};

/* What the command line asks for. */
typedef struct search_args {
	search_request req;
	search_profile profile;
	const char *archive_flag;
	const char *shards[SEARCH_MAX_SHARDS];
	size_t shard_count;
	bool json;
} search_args;

/* The options whose values are numbers or a fixed choice. */
static bool on_checked_option(search_args *s, const cli_option *o, const char *value)
{
	unsigned n;
	switch (o->id) {
	case OPT_CHECK_AT_LEAST:
		if (number_parse_unsigned(value, 0, 1000000000, &n) != NUMBER_OK) {
			fprintf(stderr, "qarchive search: --check-at-least wants a "
			                "number from 0 to 1000000000\n");
			return false;
		}
		s->req.check_at_least = n ? n : SEARCH_CHECK_ALL;
		return true;
	case OPT_SORT:
		if (strcmp(value, "date") != 0 && strcmp(value, "relevance") != 0) {
			fprintf(stderr, "qarchive search: --sort takes relevance or date\n");
			return false;
		}
		s->req.by_date = strcmp(value, "date") == 0;
		return true;
	case OPT_SHARD:
		if (s->shard_count == SEARCH_MAX_SHARDS) {
			fprintf(stderr, "qarchive search: at most %d --shard\n", SEARCH_MAX_SHARDS);
			return false;
		}
		s->shards[s->shard_count++] = value;
		return true;
	default: /* --limit, --page */
		if (number_parse_unsigned(value, 1, 1000,
		                          o->id == OPT_LIMIT ? &s->req.per_page : &s->req.page) !=
		    NUMBER_OK) {
			fprintf(stderr, "qarchive search: %s wants a number from 1 to 1000\n",
			        o->name);
			return false;
		}
		return true;
	}
}

static bool on_option(void *ctx, const cli_option *o, const char *value)
{
	search_args *s = ctx;
	switch (o->id) {
	case OPT_JSON:
		s->json = true;
		return true;
	case OPT_EXACT:
		s->req.exact = true;
		return true;
	case OPT_QUESTIONS:
		s->req.questions = true;
		return true;
	case OPT_PROFILE:
		s->req.profile = &s->profile;
		return true;
	case OPT_RELEASE:
		s->req.release = value;
		return true;
	case OPT_KIND:
		s->req.kind = value;
		return true;
	case OPT_SOURCE:
		s->req.source = value;
		return true;
	case OPT_SPEAKER:
		s->req.speaker = value;
		return true;
	case OPT_RECORDING:
		s->req.recording = value;
		return true;
	case OPT_ARCHIVE:
		s->archive_flag = value;
		return true;
	default:
		return on_checked_option(s, o, value);
	}
}

/* The query: the plain arguments joined by spaces. */
static bool join_words(const char *const *words, size_t n, strbuf *query)
{
	for (size_t i = 0; i < n; i++)
		if ((query->len && !sb_append_char(query, ' ')) || !sb_append_str(query, words[i]))
			return false;
	return true;
}

/* Open the index (or the shards), search, print; the exit status. */
static int search_and_print(search_args *s)
{
	char *archive = NULL, *path = NULL, *open_err = NULL;
	qx_db *db = NULL;
	synonyms *syn = NULL;
	json_t *result = NULL;
	int rc = EXIT_USAGE;
	if (archive_resolve_dir(s->archive_flag, &archive) != ARCHIVE_OK ||
	    !(path = index_path(archive)))
		goto out;
	qx_status qs = open_index(path, s->shards, s->shard_count, &db, &open_err);
	if (qs != QX_OK) {
		if (qs == QX_NOT_FOUND)
			fprintf(stderr,
			        "qarchive search: %s has no index yet: run `qarchive index "
			        "--archive %s`\n",
			        archive, archive);
		else
			fprintf(stderr, "qarchive search: %s: %s\n",
			        s->shard_count ? s->shards[0] : path,
			        open_err ? open_err : qx_status_str(qs));
		goto out;
	}
	syn = load_synonyms(db);
	char err[512];
	search_status st = search_run(db, syn, &s->req, &result, err, sizeof err);
	double rendered = search_profile_now();
	if (st != SEARCH_OK) {
		fprintf(stderr, "qarchive search: %s\n", err);
		rc = st == SEARCH_BAD_QUERY ? EXIT_REJECTED : EXIT_USAGE;
		goto out;
	}
	if (s->json) {
		rc = json_out_print(result, stdout) ? EXIT_USAGE : EXIT_OK;
		result = NULL;
	} else {
		print_readable(result, s->req.recording != NULL);
		rc = EXIT_OK;
	}
	if (s->req.profile) {
		char line[512];
		search_profile_format(&s->profile, s->json ? "json" : "text",
		                      search_profile_now() - rendered, line, sizeof line);
		fprintf(stderr, "qarchive search: profile (ms): %s\n", line);
	}
out:
	json_decref(result);
	synonyms_free(syn);
	qx_db_close(db);
	free(open_err);
	free(path);
	free(archive);
	return rc;
}

int cmd_search(int argc, char **argv)
{
	search_args s = {.req = {.page = 1, .per_page = 10}};
	const char **words = calloc(argc > 0 ? (size_t)argc : 1, sizeof *words);
	if (!words) {
		fputs("qarchive search: out of memory\n", stderr);
		return EXIT_USAGE;
	}
	cli_args a = {.command = "search",
	              .usage = usage,
	              .options = options,
	              .say_needs_value = true,
	              .dash_words = true,
	              .on_option = on_option,
	              .ctx = &s,
	              .positionals = words,
	              .max_positionals = argc > 0 ? (size_t)argc : 0};
	cli_args_status parsed = cli_args_parse(&a, argc, argv);
	strbuf query = STRBUF_INIT;
	int rc = EXIT_USAGE;
	if (parsed != CLI_ARGS_RUN) {
		rc = cli_args_exit(parsed);
	} else if (!join_words(words, a.npositionals, &query)) {
		fputs("qarchive search: out of memory\n", stderr);
	} else if (!query.len && !s.req.release && !s.req.kind && !s.req.source && !s.req.speaker &&
	           !s.req.recording) {
		fputs(usage, stderr);
	} else {
		s.req.query = query.data ? query.data : "";
		rc = search_and_print(&s);
	}
	sb_free(&query);
	free(words);
	return rc;
}
