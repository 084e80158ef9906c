#include "transcribe_identifiers.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "file_io.h"
#include "path.h"
#include "recording.h"
#include "strbuf.h"
#include "tokenize.h"
#include "transcript.h"
#include "word_count.h"

/* Count each identifier said in t's cues into here (occurrences). False
 * when out of memory. */
static bool count_cues(const transcript *t, word_count *here)
{
	for (size_t i = 0; i < t->cues.count; i++) {
		const char *text = t->cues.items[i].plain;
		token_list tokens = TOKEN_LIST_INIT;
		if (!text || !*text)
			continue;
		if (!tokenize_text(text, strlen(text), 0, &tokens, NULL))
			return false;
		bool ok = true;
		for (size_t k = 0; ok && k < tokens.count; k++)
			if (tokens.items[k].flags & TOKEN_IDENTIFIER)
				ok = word_count_add(here, tokens.items[k].term);
		token_list_free(&tokens);
		if (!ok)
			return false;
	}
	return true;
}

/* The identifiers of the human transcript of recording folder dir into
 * here. False only when out of memory: an unreadable recording or
 * transcript, or a machine one, adds nothing. */
static bool count_recording(const char *dir, word_count *here)
{
	recording rec = RECORDING_INIT;
	transcript t = TRANSCRIPT_INIT;
	char *data = NULL;
	size_t len = 0;
	bool ok = true;
	if (recording_load_dir(dir, &rec, NULL, 0) == RECORDING_OK && rec.transcript_path &&
	    !rec.transcript_machine && file_read_all(rec.transcript_path, &data, &len) == 0) {
		transcript_status st =
		    transcript_parse(data, len, TRANSCRIPT_UNKNOWN, rec.transcript_path, &t);
		ok = st != TRANSCRIPT_NOMEM && (st != TRANSCRIPT_OK || count_cues(&t, here));
	}
	free(data);
	transcript_free(&t);
	recording_free(&rec);
	return ok;
}

typedef struct ranked {
	const char *word; /* borrowed from the counts */
	unsigned recordings;
} ranked;

typedef struct ranking {
	ranked *items;
	size_t count, cap;
	word_count *df; /* recordings saying each identifier */
} ranking;

static bool add_once(const char *word, unsigned count, void *ctx)
{
	(void)count;
	return word_count_add(ctx, word);
}

static bool collect(const char *word, unsigned count, void *ctx)
{
	ranking *r = ctx;
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		ranked *grown = realloc(r->items, cap * sizeof *grown);
		if (!grown)
			return false;
		r->items = grown;
		r->cap = cap;
	}
	r->items[r->count++] = (ranked){word, count};
	return true;
}

/* torch.compile, torch_logs, c10::dispatcher: spelled as code. A joined
 * word with only '-' ("max-autotune", but also "follow-up") may be plain
 * English, so it comes after every one of these. */
static bool code_like(const char *word)
{
	return strpbrk(word, "._:") != NULL;
}

static int by_recordings(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (code_like(x->word) != code_like(y->word))
		return code_like(x->word) ? -1 : 1;
	if (x->recordings != y->recordings)
		return x->recordings > y->recordings ? -1 : 1;
	return strcmp(x->word, y->word);
}

/* Count the newest recordings' identifiers, each once per recording, into
 * df. False when out of memory. */
static bool count_archive(const char *archive_dir, const char *skip_id, word_count *df)
{
	archive_listing list = ARCHIVE_LISTING_INIT;
	if (archive_list(archive_dir, &list, NULL, 0) != ARCHIVE_OK)
		return true; /* nothing to read: no identifiers */
	bool ok = true;
	size_t read = 0;
	for (size_t i = list.recording_count;
	     ok && i > 0 && read < TRANSCRIBE_IDENTIFIER_RECORDINGS; i--) {
		const char *name = list.recordings[i - 1];
		if (skip_id && strcmp(name, skip_id) == 0)
			continue;
		char *dir = path_join(archive_dir, name);
		word_count *here = word_count_new();
		ok = dir && here && count_recording(dir, here) &&
		     word_count_each(here, add_once, df);
		word_count_free(here);
		free(dir);
		read++;
	}
	archive_listing_free(&list);
	return ok;
}

char *transcribe_identifiers(const char *archive_dir, const char *skip_id, size_t max)
{
	ranking r = {NULL, 0, 0, word_count_new()};
	strbuf out = STRBUF_INIT;
	char *result = NULL;
	if (!r.df || !count_archive(archive_dir, skip_id, r.df) ||
	    !word_count_each(r.df, collect, &r))
		goto out;
	if (r.count)
		qsort(r.items, r.count, sizeof *r.items, by_recordings);
	bool ok = sb_append_str(&out, "");
	for (size_t i = 0; ok && i < r.count && i < max; i++)
		ok = (i == 0 || sb_append_char(&out, '\n')) && sb_append_str(&out, r.items[i].word);
	if (ok)
		result = sb_take(&out);
out:
	sb_free(&out);
	free(r.items);
	word_count_free(r.df);
	return result;
}
