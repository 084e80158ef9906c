#include "index_build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "agenda.h"
#include "agenda_merge.h"
#include "agenda_units.h"
#include "decisions.h"
#include "errmsg.h"
#include "file_io.h"
#include "index_build_internal.h"
#include "index_schema.h"
#include "media_probe.h"
#include "media_subtitles.h"
#include "qa_md.h"
#include "qa_units.h"
#include "speaker_terms.h"
#include "strbuf.h"
#include "text_decode.h"
#include "tokenize.h"
#include "transcript.h"
#include "turns.h"
#include "word_count.h"

const char *index_build_status_str(index_build_status status)
{
	switch (status) {
	case INDEX_BUILD_OK:
		return "ok";
	case INDEX_BUILD_BAD_INPUT:
		return "invalid recording";
	case INDEX_BUILD_INDEX:
		return "index error";
	case INDEX_BUILD_DAMAGED:
		return "the index is damaged";
	case INDEX_BUILD_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

/* A call on db failed with qs while writing recording id: err says why,
 * and a damaged index is told apart (it needs a rebuild, not a retry). */
static index_build_status refused(qx_db *db, qx_status qs, const char *id, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", id, qx_db_errmsg(db));
	return qs == QX_CORRUPT ? INDEX_BUILD_DAMAGED : INDEX_BUILD_INDEX;
}

/* Everything read from a recording's files, before the index is touched:
 * a bad file leaves the recording's old documents in place. */
typedef struct inputs {
	const cue_list *cues; /* points into one of the two below */
	transcript transcript;
	media_subtitles subtitles;
	const char *transcript_source; /* "file", "media" or NULL */
	media_info media;
	bool has_media;
	agenda agenda;  /* agenda.md merged with the media's chapters */
	char *notes;    /* normalized notes.md text, or NULL */
	qa_units units; /* from qa.md, else detected (qa_units.h) */
} inputs;

static void inputs_free(inputs *in)
{
	transcript_free(&in->transcript);
	media_subtitles_free(&in->subtitles);
	media_info_free(&in->media);
	agenda_free(&in->agenda);
	free(in->notes);
	qa_units_free(&in->units);
}

static index_build_status read_file(const char *path, char **data, size_t *len, char *err,
                                    size_t errlen)
{
	int e = file_read_all(path, data, len);
	if (e == 0)
		return INDEX_BUILD_OK;
	char why[ERRMSG_WHY_SIZE];
	snprintf(err, errlen, "%s: cannot read: %s", path, errmsg_strerror(e, why, sizeof why));
	return INDEX_BUILD_BAD_INPUT;
}

/* The recording's questions and answers: qa.md's, placed on the cues,
 * else those the transcript shows (qa_units.h). */
static index_build_status load_units(const recording *rec, inputs *in, char *err, size_t errlen)
{
	/* A TAC meeting is not questions put to a panel: the chair's turns
	 * report and propose, and its agenda items are its units
	 * (agenda_units.h; a qa.md still lists questions). */
	if (!rec->qa_path && rec->meta.kind == RECORDING_TAC_MEETING)
		return agenda_units_build(in->cues, &in->agenda, &in->units) == QA_UNITS_OK
		           ? INDEX_BUILD_OK
		           : INDEX_BUILD_NOMEM;
	if (!rec->qa_path)
		return qa_units_detect(in->cues, &in->units) == QA_UNITS_OK ? INDEX_BUILD_OK
		                                                            : INDEX_BUILD_NOMEM;
	char *data = NULL, why[300] = "";
	size_t len;
	index_build_status st = read_file(rec->qa_path, &data, &len, err, errlen);
	if (st != INDEX_BUILD_OK)
		return st;
	qa_md md = QA_MD_INIT;
	qa_md_status ms = qa_md_parse(data, len, &md);
	free(data);
	qa_units_status us = QA_UNITS_OK;
	if (ms == QA_MD_OK)
		us = qa_units_from_md(in->cues, &md, &in->units, why, sizeof why);
	if (ms == QA_MD_NOMEM || us == QA_UNITS_NOMEM)
		st = INDEX_BUILD_NOMEM;
	else if (ms != QA_MD_OK || us != QA_UNITS_OK) {
		snprintf(err, errlen, "%s: %s", rec->qa_path, ms != QA_MD_OK ? md.error : why);
		st = INDEX_BUILD_BAD_INPUT;
	}
	qa_md_free(&md);
	return st;
}

static index_build_status load_inputs(const recording *rec, inputs *in, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len;
	index_build_status st;
	static const cue_list no_cues = {NULL, 0, 0};
	in->cues = &no_cues;

	if (rec->media_path) {
		media_status ms = media_probe_file(rec->media_path, &in->media);
		if (ms == MEDIA_NOMEM)
			return INDEX_BUILD_NOMEM;
		if (ms != MEDIA_OK) {
			snprintf(err, errlen, "%s: not a playable recording: %s", rec->media_path,
			         in->media.error);
			return INDEX_BUILD_BAD_INPUT;
		}
		in->has_media = true;
	}
	if (rec->transcript_path) {
		if ((st = read_file(rec->transcript_path, &data, &len, err, errlen)) !=
		    INDEX_BUILD_OK)
			return st;
		transcript_status ts = transcript_parse(data, len, TRANSCRIPT_UNKNOWN,
		                                        rec->transcript_path, &in->transcript);
		free(data);
		if (ts == TRANSCRIPT_NOMEM)
			return INDEX_BUILD_NOMEM;
		if (ts != TRANSCRIPT_OK) {
			snprintf(err, errlen, "%s: %s", rec->transcript_path, in->transcript.error);
			return INDEX_BUILD_BAD_INPUT;
		}
		in->cues = &in->transcript.cues;
		in->transcript_source = "file";
	} else if (in->has_media) {
		media_status ms = media_subtitles_read_file(rec->media_path, -1, &in->subtitles);
		if (ms == MEDIA_NOMEM)
			return INDEX_BUILD_NOMEM;
		if (ms == MEDIA_OK) {
			in->cues = &in->subtitles.cues;
			in->transcript_source = "media";
		} else if (ms != MEDIA_NO_SUBTITLES) {
			snprintf(err, errlen, "%s: %s", rec->media_path, in->subtitles.error);
			return INDEX_BUILD_BAD_INPUT;
		}
	}
	agenda md = AGENDA_INIT;
	if (rec->agenda_path) {
		if ((st = read_file(rec->agenda_path, &data, &len, err, errlen)) != INDEX_BUILD_OK)
			return st;
		agenda_status as = agenda_parse(data, len, &md);
		free(data);
		if (as == AGENDA_NOMEM)
			return INDEX_BUILD_NOMEM;
		if (as != AGENDA_OK) {
			snprintf(err, errlen, "%s: %s", rec->agenda_path, md.error);
			agenda_free(&md);
			return INDEX_BUILD_BAD_INPUT;
		}
	}
	agenda_status as =
	    agenda_merge(&md, in->media.chapters, in->media.chapter_count, &in->agenda);
	agenda_free(&md);
	if (as != AGENDA_OK)
		return INDEX_BUILD_NOMEM;
	if (rec->notes_path) {
		if ((st = read_file(rec->notes_path, &data, &len, err, errlen)) != INDEX_BUILD_OK)
			return st;
		strbuf sb = STRBUF_INIT;
		bool ok = text_normalize(data, len, TEXT_UTF8_REPLACE, &sb, NULL);
		free(data);
		if (!ok || !(in->notes = sb_take(&sb))) {
			sb_free(&sb);
			return INDEX_BUILD_NOMEM;
		}
	}
	return load_units(rec, in, err, errlen);
}

/* Index text; words also feed spelling. */
void index_build_text(builder *b, const char *prefix, const char *text, unsigned wdf,
                      text_mode mode)
{
	if (b->failed || !text || !*text)
		return;
	token_list tokens = TOKEN_LIST_INIT;
	unsigned next = b->pos;
	if (!tokenize_text(text, strlen(text), b->pos, &tokens, &next)) {
		b->failed = true;
		return;
	}
	for (size_t i = 0; i < tokens.count && !b->failed; i++) {
		const token *t = &tokens.items[i];
		if (qx_doc_add_text_term(b->doc, prefix, t->term, t->pos, mode != TEXT_UNPLACED,
		                         wdf, false) != QX_OK)
			b->failed = true;
		if (t->flags & TOKEN_WORD) {
			b->words++;
			/* Only words are worth suggesting: not numbers ("2.6"). */
			bool letters = !(t->term[0] >= '0' && t->term[0] <= '9');
			if (b->spelling && letters && !word_count_add(b->spelled, t->term))
				b->failed = true;
		}
	}
	token_list_free(&tokens);
	if (mode == TEXT_SEPARATE)
		b->pos = next + 1; /* a phrase never spans a title and a description */
	else if (mode == TEXT_CONTINUED)
		b->pos = next;
}

/* Add the filter term prefix + value; the term is lower-cased
 * (index_schema.h), as search.c lower-cases what people type. */
static void add_filter_term(builder *b, const char *prefix, const char *value)
{
	char term[512], *lower = NULL;
	if (b->failed || !value || !*value)
		return;
	if (qx_utf8_lower(value, &lower) != QX_OK) {
		b->failed = true;
		return;
	}
	/* Longer than Xapian's limit for a term: nobody types it whole. */
	if (strlen(prefix) + strlen(lower) <= INDEX_TERM_MAX) {
		snprintf(term, sizeof term, "%s%s", prefix, lower);
		if (qx_doc_add_boolean_term(b->doc, term) != QX_OK)
			b->failed = true;
	}
	free(lower);
}

/* The speaker: terms of a speaker named name[0..len): every key of the
 * name (speaker_terms.h). */
void index_build_speaker_terms(builder *b, const char *name, size_t len)
{
	speaker_keys keys = SPEAKER_KEYS_INIT;
	if (!b->failed && !speaker_keys_of(name, len, &keys))
		b->failed = true;
	for (size_t i = 0; i < keys.count; i++)
		add_filter_term(b, INDEX_TERM_SPEAKER, keys.items[i]);
	speaker_keys_free(&keys);
}

/* The speakers recording.json lists, as speaker: terms: on the documents
 * about the whole recording, and on passages when the transcript does not
 * say who speaks. */
static void add_listed_speakers(builder *b, const recording *rec)
{
	for (size_t i = 0; i < rec->meta.speaker_count; i++)
		index_build_speaker_terms(b, rec->meta.speakers[i].name,
		                          strlen(rec->meta.speakers[i].name));
}

/* Who made the transcript whose cues are indexed: "machine" (speech
 * recognition: transcript.machine.vtt), "human" (a transcript file or the
 * media's subtitle stream), or NULL when there are no cues. */
static const char *transcript_label(const recording *rec, const inputs *in)
{
	if (in->cues->count == 0)
		return NULL;
	return rec->transcript_machine ? "machine" : "human";
}

/* The boolean terms and values every document of the recording carries. */
static void add_recording_terms(builder *b, const recording *rec)
{
	const recording_meta *m = &rec->meta;
	char term[512], year[8];
	snprintf(year, sizeof year, "%04d", m->year);
	/* The recording's term is its id as is: the id names its folder. */
	snprintf(term, sizeof term, "%s%s", INDEX_TERM_RECORDING, rec->id);
	if (qx_doc_add_boolean_term(b->doc, term) != QX_OK)
		b->failed = true;
	add_filter_term(b, INDEX_TERM_KIND, recording_kind_str(m->kind));
	add_filter_term(b, INDEX_TERM_RELEASE, m->release);
	add_filter_term(b, INDEX_TERM_YEAR, year);
	add_filter_term(b, INDEX_TERM_SOURCE, b->source);
	/* The facet counts recordings by their speakers (speakers_facet) on
	 * every document (xindex.h: a group's documents hold the same facet
	 * values). */
	const char *speakers = b->facet ? b->facet : "";
	char date[16];
	size_t date_len;
	double yyyymmdd = m->year * 10000.0 + m->month * 100 + m->day;
	if (qx_sortable_serialise(yyyymmdd, date, &date_len) != QX_OK ||
	    qx_doc_set_value(b->doc, INDEX_SLOT_RECORDING, rec->id, strlen(rec->id)) != QX_OK ||
	    qx_doc_set_value(b->doc, INDEX_SLOT_DATE, date, date_len) != QX_OK ||
	    qx_doc_set_value(b->doc, INDEX_SLOT_KIND, recording_kind_str(m->kind),
	                     strlen(recording_kind_str(m->kind))) != QX_OK ||
	    qx_doc_set_value(b->doc, INDEX_SLOT_YEAR, year, strlen(year)) != QX_OK ||
	    (m->release && qx_doc_set_value(b->doc, INDEX_SLOT_RELEASE, m->release,
	                                    strlen(m->release)) != QX_OK) ||
	    (*speakers &&
	     qx_doc_set_value(b->doc, INDEX_SLOT_SPEAKERS, speakers, strlen(speakers)) != QX_OK))
		b->failed = true;
}

/* Finish a document: type term, data, unique id; add it. */
index_build_status index_build_commit(builder *b, const recording *rec, const char *type,
                                      unsigned n, json_t *data, index_build_counts *counts,
                                      char *err, size_t errlen)
{
	index_build_status st = INDEX_BUILD_OK;
	char term[512];
	char *json = data ? json_dumps(data, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	snprintf(term, sizeof term, "%s%s", INDEX_TERM_DOCTYPE, type);
	if (!json || b->failed || qx_doc_add_boolean_term(b->doc, term) != QX_OK ||
	    qx_doc_set_data(b->doc, json, strlen(json)) != QX_OK) {
		st = INDEX_BUILD_NOMEM;
		snprintf(err, errlen, "%s: out of memory building the index", rec->id);
		goto out;
	}
	/* The recording's old documents were all deleted first (by its
	 * recording term), so each document is simply added: no lookup of its
	 * unique term needed. */
	snprintf(term, sizeof term, "%s%s#%u", INDEX_TERM_UNIQUE, rec->id, n);
	if (qx_doc_add_boolean_term(b->doc, term) != QX_OK) {
		st = INDEX_BUILD_NOMEM;
		snprintf(err, errlen, "%s: out of memory building the index", rec->id);
		goto out;
	}
	qx_status qs = qx_db_add(b->db, b->doc);
	if (qs != QX_OK) {
		st = refused(b->db, qs, rec->id, err, errlen);
		goto out;
	}
	if (counts)
		counts->documents++;
out:
	free(json);
	json_decref(data);
	return st;
}

/* A transcript names its speakers as "Speaker 2" or "SPEAKER_00" when the
 * tool did not know them: such a label means nothing across recordings,
 * so the facet leaves it out (speaker: still finds it in its recording). */
static bool generic_speaker(const char *name, size_t len)
{
	size_t i = 7;
	if (len < 8 || strncasecmp(name, "speaker", 7) != 0)
		return false;
	if (name[i] == ' ' || name[i] == '_')
		i++;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	return true;
}

/* Is name[0..len) one of the '\n'-separated names of list? */
static bool listed_in(const strbuf *list, const char *name, size_t len)
{
	for (size_t at = 0; at < list->len;) {
		const char *nl = memchr(list->data + at, '\n', list->len - at);
		size_t n = nl ? (size_t)(nl - (list->data + at)) : list->len - at;
		if (n == len && strncasecmp(list->data + at, name, len) == 0)
			return true;
		at += n + 1;
	}
	return false;
}

/* The speakers facet of rec: the speakers recording.json lists, then those
 * the transcript names (voices and "Name:" prefixes, turns.h) that it does
 * not, names as written, '\n' between them; at most
 * INDEX_FACET_SPEAKERS_MAX from the transcript (its cost is bounded by the
 * facet, not by the file). Caller frees; NULL when out of memory. */
static char *speakers_facet(const recording *rec, const cue_list *cues)
{
	strbuf out = STRBUF_INIT;
	bool ok = true;
	for (size_t i = 0; ok && i < rec->meta.speaker_count; i++)
		ok = (!out.len || sb_append_char(&out, '\n')) &&
		     sb_append_str(&out, rec->meta.speakers[i].name);
	turns_speaker *who = NULL;
	if (!ok || !turns_speakers(cues, &who)) {
		sb_free(&out);
		return NULL;
	}
	size_t added = 0;
	for (size_t k = 0; ok && k < cues->count && added < INDEX_FACET_SPEAKERS_MAX; k++) {
		const turns_speaker *w = &who[k];
		if (!w->name || w->len == 0 || memchr(w->name, '\n', w->len) ||
		    generic_speaker(w->name, w->len) || listed_in(&out, w->name, w->len))
			continue;
		ok = (!out.len || sb_append_char(&out, '\n')) && sb_append(&out, w->name, w->len);
		added++;
	}
	free(who);
	if (!ok) {
		sb_free(&out);
		return NULL;
	}
	return sb_take(&out);
}

bool index_build_start(builder *b, qx_db *db, const recording *rec, word_count *spelled,
                       bool listed, const char *facet, const char *source)
{
	*b = (builder){db, qx_doc_new(), 1, 0, true, spelled, false, facet, source};
	if (!b->doc)
		return false;
	add_recording_terms(b, rec);
	if (listed)
		add_listed_speakers(b, rec);
	return !b->failed;
}

/* A passage's cue as its data lists it: start, end, first position, text,
 * who says it ("v": the voice or "Name:" prefix as written, carried on to
 * the cues after it; search places a speaker's moments by it), for a
 * cue of a question, where its answer starts (turns.h), and when the
 * transcript times its words, when each is said ("w", word_times_json). */
/* When each word of c is said, position by position from its first ("w"
 * in a passage's cue, moment.h): a word takes the time of the last word
 * time (cue.h) at or before it, the cue's start before the first. NULL
 * when c has no word times, or out of memory (*nomem). */
static json_t *word_times_json(const cue *c, bool *nomem)
{
	token_list tokens = TOKEN_LIST_INIT;
	*nomem = false;
	if (c->word_count == 0)
		return NULL;
	json_t *times = json_array();
	if (!times || !tokenize_text(c->plain, strlen(c->plain), 0, &tokens, NULL)) {
		json_decref(times);
		*nomem = true;
		return NULL;
	}
	size_t k = 0;
	double t = c->start;
	for (size_t i = 0; i < tokens.count && !*nomem; i++) {
		const token *tok = &tokens.items[i];
		if (!(tok->flags & TOKEN_WORD))
			continue;
		/* A time outside the cue (a typo, or a karaoke tag for another
		 * cue) would send the moment elsewhere: such a one is skipped. */
		double end = c->end > c->start ? c->end : c->start;
		for (; k < c->word_count && c->words[k].offset <= tok->start; k++)
			if (c->words[k].start >= c->start && c->words[k].start <= end)
				t = c->words[k].start;
		*nomem = json_array_append_new(times, json_real(t)) != 0;
	}
	token_list_free(&tokens);
	if (*nomem) {
		json_decref(times);
		return NULL;
	}
	return times;
}

json_t *index_build_cue_json(const cue *c, unsigned p, const turns_speaker *who, double answer)
{
	bool nomem;
	json_t *words = word_times_json(c, &nomem);
	json_t *o = nomem ? NULL
	                  : json_pack("{s:f, s:f, s:i, s:s}", "s", c->start, "e", c->end, "p",
	                              (json_int_t)p, "text", c->plain);
	if (o && words && json_object_set_new(o, "w", words) != 0) {
		json_decref(o);
		return NULL;
	}
	if (!o)
		json_decref(words);
	if (o && who && who->name &&
	    json_object_set_new(o, "v", json_stringn(who->name, who->len)) != 0) {
		json_decref(o);
		return NULL;
	}
	if (o && answer >= 0 && json_object_set_new(o, "a", json_real(answer)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* What the passages take from the turns (turns.h): who says each cue
 * (NULL when the transcript never says), and where a question's answer
 * starts. */
typedef struct passage_turns {
	turns_speaker *who;
	double *answers;
	const char *facet;  /* the speakers facet (speakers_facet) */
	const char *source; /* who made the transcript (transcript_label) */
} passage_turns;

/* The speaker: terms of cue k of a passage that starts at cue first: its
 * speaker's keys, once per change of speaker. */
static void add_cue_speaker(builder *b, const passage_turns *t, size_t first, size_t k)
{
	const turns_speaker *who = t->who ? &t->who[k] : NULL;
	if (!who || !who->name)
		return;
	const turns_speaker *before = k > first ? &t->who[k - 1] : NULL;
	if (before && before->name && before->len == who->len &&
	    memcmp(before->name, who->name, who->len) == 0)
		return;
	index_build_speaker_terms(b, who->name, who->len);
}

/* Passages: windows of about INDEX_PASSAGE_WORDS words; each starts with
 * the previous one's last cue, so a phrase said across the seam between two
 * windows is still found. */
static index_build_status add_windows(qx_db *db, const recording *rec, const cue_list *cues,
                                      const passage_turns *t, word_count *spelled, unsigned *n,
                                      index_build_counts *counts, char *err, size_t errlen)
{
	size_t first = 0;
	while (first < cues->count) {
		builder b;
		/* speaker: finds what a person said: a passage carries the
		 * speakers of its cues, or, when the transcript never says who
		 * speaks, the recording's. */
		if (!index_build_start(&b, db, rec, spelled, t->who == NULL, t->facet, t->source)) {
			qx_doc_free(b.doc);
			return INDEX_BUILD_NOMEM;
		}
		/* The overlapping cue was counted already: only new words feed
		 * spelling, and only new cues count. */
		json_t *list = json_array();
		size_t last = first;
		for (size_t k = first; k < cues->count; k++) {
			const cue *c = &cues->items[k];
			b.spelling = k > first || first == 0;
			unsigned p = b.pos;
			size_t words_before = b.words;
			index_build_text(&b, "", c->plain, INDEX_WEIGHT_TEXT, TEXT_CONTINUED);
			if (c->voice && *c->voice)
				index_build_text(&b, "", c->voice, INDEX_WEIGHT_SPEAKER,
				                 TEXT_UNPLACED);
			add_cue_speaker(&b, t, first, k);
			/* A turn that states a decision ("then that's approved")
			 * hands nothing over: its moment is the decision itself,
			 * not the next speaker's words (decisions.h). */
			double answer = t->answers ? t->answers[k] : -1;
			if (answer >= 0 && decisions_stated(c->plain))
				answer = -1;
			json_array_append_new(
			    list, index_build_cue_json(c, p, t->who ? &t->who[k] : NULL, answer));
			if (counts && (k > first || first == 0)) {
				counts->cues++;
				counts->words += b.words - words_before;
			}
			last = k;
			if (b.words >= INDEX_PASSAGE_WORDS &&
			    k - first + 1 >= INDEX_PASSAGE_MIN_CUES)
				break;
		}
		json_t *data =
		    json_pack("{s:s, s:s, s:f, s:f, s:o}", "r", rec->id, "type", "passage", "start",
		              cues->items[first].start, "end", cues->items[last].end, "cues", list);
		index_build_status st =
		    index_build_commit(&b, rec, "passage", (*n)++, data, counts, err, errlen);
		qx_doc_free(b.doc);
		if (st != INDEX_BUILD_OK)
			return st;
		if (last + 1 >= cues->count)
			break;
		first = last > first ? last : last + 1;
	}
	return INDEX_BUILD_OK;
}

/* The passages, with who says each cue and where each question's answer
 * starts (turns.h); *voiced: the transcript says who speaks. */
static index_build_status add_passages(qx_db *db, const recording *rec, const cue_list *cues,
                                       const char *facet, const char *source, word_count *spelled,
                                       unsigned *n, bool *voiced, index_build_counts *counts,
                                       char *err, size_t errlen)
{
	passage_turns t = {NULL, NULL, facet, source};
	*voiced = false;
	if (!turns_speakers(cues, &t.who) || !turns_answer_starts(cues, &t.answers)) {
		free(t.who);
		return INDEX_BUILD_NOMEM;
	}
	for (size_t k = 0; k < cues->count && !*voiced; k++)
		*voiced = t.who[k].name != NULL;
	if (!*voiced) {
		free(t.who);
		t.who = NULL;
	}
	index_build_status st = add_windows(db, rec, cues, &t, spelled, n, counts, err, errlen);
	free(t.answers);
	free(t.who);
	return st;
}

/* The recording's units for its watch page and feed: [{"t", "text",
 * "speaker", "answer_t", "end", "kind"}] (qa_units.h), in the order of
 * their INDEX_TERM_UNIT numbers. */
static json_t *questions_json(const qa_units *units)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < units->count; i++) {
		const qa_unit *u = &units->items[i];
		if (json_array_append_new(
		        list, json_pack("{s:f, s:s, s:s?, s:f, s:f, s:s}", "t", u->question_t,
		                        "text", u->question, "speaker", u->question_speaker,
		                        "answer_t", u->answer_t, "end", u->answer_end, "kind",
		                        qa_unit_kind_str(u->kind))) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/* Agenda item i as the summary lists it: {"start", "title"}, and in a TAC
 * meeting "decisions": the cues up to the next item that state one
 * (decisions.h). NULL when out of memory. */
static json_t *agenda_item_json(const recording *rec, const inputs *in, size_t i)
{
	const agenda_entry *e = &in->agenda.entries[i];
	json_t *item = json_pack("{s:f, s:s}", "start", e->start, "title", e->title);
	if (!item || rec->meta.kind != RECORDING_TAC_MEETING)
		return item;
	double end = HUGE_VAL;
	for (size_t k = i + 1; k < in->agenda.count; k++)
		if (in->agenda.entries[k].kind == AGENDA_ITEM) {
			end = in->agenda.entries[k].start;
			break;
		}
	json_t *decided = decisions_json(in->cues, e->start, end);
	if (!decided || json_object_set_new(item, "decisions", decided) != 0) {
		json_decref(item);
		return NULL;
	}
	return item;
}

static json_t *summary_json(const recording *rec, const inputs *in, const char *fingerprint)
{
	const recording_meta *m = &rec->meta;
	json_t *speakers = json_array(), *agenda = json_array();
	for (size_t i = 0; i < m->speaker_count; i++)
		json_array_append_new(speakers,
		                      json_pack("{s:s, s:s?}", "name", m->speakers[i].name, "role",
		                                m->speakers[i].role));
	for (size_t i = 0; i < in->agenda.count; i++) {
		const agenda_entry *e = &in->agenda.entries[i];
		if (e->kind == AGENDA_ITEM)
			json_array_append_new(agenda, agenda_item_json(rec, in, i));
	}
	double duration = in->has_media && in->media.has_duration ? in->media.duration : 0;
	for (size_t i = 0; i < in->cues->count; i++)
		if (!in->has_media && in->cues->items[i].end > duration)
			duration = in->cues->items[i].end;
	const char *media = rec->media_path ? strrchr(rec->media_path, '/') : NULL;
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:i, s:o, s:s?, s:b, s:s?, s:s?, s:i, s:f, "
	                 "s:s?, s:o, s:s, s:o}",
	                 "id", rec->id, "title", m->title, "kind", recording_kind_str(m->kind),
	                 "release", m->release, "date", m->date, "year", (json_int_t)m->year,
	                 "speakers", speakers, "description", m->description, "has_transcript",
	                 in->cues->count > 0, "transcript_source", in->transcript_source,
	                 "transcript", transcript_label(rec, in), "cue_count",
	                 (json_int_t)in->cues->count, "duration", duration, "media",
	                 media ? media + 1 : NULL, "agenda", agenda, "fingerprint", fingerprint,
	                 "questions", questions_json(&in->units));
}

static index_build_status write_docs(qx_db *db, const recording *rec, const inputs *in,
                                     const char *fingerprint, const char *facet,
                                     word_count *spelled, index_build_counts *counts, char *err,
                                     size_t errlen)
{
	const recording_meta *m = &rec->meta;
	unsigned n = 0;
	builder b;
	index_build_status st;
	char term[512];

	snprintf(term, sizeof term, "%s%s", INDEX_TERM_RECORDING, rec->id);
	qx_status qs = qx_db_delete(db, term);
	if (qs != QX_OK)
		return refused(db, qs, rec->id, err, errlen);
	bool voiced;
	const char *source = transcript_label(rec, in);
	if ((st = add_passages(db, rec, in->cues, facet, source, spelled, &n, &voiced, counts, err,
	                       errlen)) != INDEX_BUILD_OK)
		return st;
	if ((st = index_build_units(db, rec, in->cues, &in->units, voiced, facet, source, &n,
	                            counts, err, errlen)) != INDEX_BUILD_OK)
		return st;

	/* About: title (also under title:), speakers, description; the
	 * speakers it names are its speaker: terms. */
	if (!index_build_start(&b, db, rec, spelled, true, facet, source))
		goto nomem;
	index_build_text(&b, "", m->title, INDEX_WEIGHT_TITLE, TEXT_SEPARATE);
	index_build_text(&b, INDEX_PREFIX_TITLE, m->title, 1, TEXT_SEPARATE);
	for (size_t i = 0; i < m->speaker_count; i++)
		index_build_text(&b, "", m->speakers[i].name, INDEX_WEIGHT_SPEAKER, TEXT_SEPARATE);
	index_build_text(&b, "", m->description, INDEX_WEIGHT_TEXT, TEXT_SEPARATE);
	st = index_build_commit(&b, rec, "about", n++,
	                        json_pack("{s:s, s:s, s:f, s:f, s:s++}", "r", rec->id, "type",
	                                  "about", "start", 0.0, "end", 0.0, "text", m->title, ". ",
	                                  m->description ? m->description : ""),
	                        counts, err, errlen);
	qx_doc_free(b.doc);
	if (st != INDEX_BUILD_OK)
		return st;

	/* Agenda items (or chapters), each at its moment. */
	for (size_t i = 0; i < in->agenda.count; i++) {
		const agenda_entry *e = &in->agenda.entries[i];
		if (e->kind != AGENDA_ITEM)
			continue;
		double end = e->start;
		for (size_t k = i + 1; k < in->agenda.count; k++)
			if (in->agenda.entries[k].kind == AGENDA_ITEM) {
				end = in->agenda.entries[k].start;
				break;
			}
		/* speaker: finds what a person said: when the transcript says
		 * who speaks, an item (or the notes) is not in anyone's voice. */
		if (!index_build_start(&b, db, rec, spelled, !voiced, facet, source))
			goto nomem;
		index_build_text(&b, "", e->title, INDEX_WEIGHT_AGENDA, TEXT_SEPARATE);
		/* An item is a part of its recording: "helion autotuning" finds
		 * the Helion Q&A's item "How the autotuner searches". Unplaced,
		 * so phrases and moments come from the item's own words. */
		index_build_text(&b, "", rec->meta.title, INDEX_WEIGHT_TEXT, TEXT_UNPLACED);
		st = index_build_commit(&b, rec, "agenda", n++,
		                        json_pack("{s:s, s:s, s:f, s:f, s:s}", "r", rec->id, "type",
		                                  "agenda", "start", e->start, "end", end, "text",
		                                  e->title),
		                        counts, err, errlen);
		qx_doc_free(b.doc);
		if (st != INDEX_BUILD_OK)
			return st;
	}

	/* Notes: notes.md and the agenda's untimed lines. */
	strbuf notes = STRBUF_INIT;
	if (in->notes)
		sb_append_str(&notes, in->notes);
	for (size_t i = 0; i < in->agenda.count; i++)
		if (in->agenda.entries[i].kind == AGENDA_NOTE)
			sb_append_str(&notes, "\n"),
			    sb_append_str(&notes, in->agenda.entries[i].title);
	if (notes.len) {
		if (!index_build_start(&b, db, rec, spelled, !voiced, facet, source)) {
			sb_free(&notes);
			goto nomem;
		}
		index_build_text(&b, "", notes.data, INDEX_WEIGHT_TEXT, TEXT_SEPARATE);
		st = index_build_commit(&b, rec, "notes", n++,
		                        json_pack("{s:s, s:s, s:f, s:f, s:s}", "r", rec->id, "type",
		                                  "notes", "start", 0.0, "end", 0.0, "text",
		                                  notes.data),
		                        counts, err, errlen);
		qx_doc_free(b.doc);
		sb_free(&notes);
		if (st != INDEX_BUILD_OK)
			return st;
	}

	json_t *summary = summary_json(rec, in, fingerprint);
	char *text = summary ? json_dumps(summary, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(summary);
	if (!text)
		goto nomem;
	snprintf(term, sizeof term, "%s%s", INDEX_META_RECORDING, rec->id);
	qs = qx_db_set_metadata(db, term, text);
	free(text);
	if (qs != QX_OK)
		return refused(db, qs, rec->id, err, errlen);
	return INDEX_BUILD_OK;
nomem:
	qx_doc_free(b.doc);
	snprintf(err, errlen, "%s: out of memory", rec->id);
	return INDEX_BUILD_NOMEM;
}

static index_build_status write_all(qx_db *db, const recording *rec, const inputs *in,
                                    const char *fingerprint, word_count *spelled,
                                    index_build_counts *counts, char *err, size_t errlen)
{
	char *facet = speakers_facet(rec, in->cues);
	if (!facet) {
		snprintf(err, errlen, "%s: out of memory", rec->id);
		return INDEX_BUILD_NOMEM;
	}
	index_build_status st =
	    write_docs(db, rec, in, fingerprint, facet, spelled, counts, err, errlen);
	free(facet);
	return st;
}

typedef struct spelling {
	qx_db *db;
	qx_status qs; /* of the last call */
} spelling;

static bool add_spelling(const char *word, unsigned count, void *ctx)
{
	spelling *sp = ctx;
	sp->qs = qx_db_add_spelling(sp->db, word, count);
	return sp->qs == QX_OK;
}

/* The words of `words` to db's spelling dictionary; `what` names them in
 * err. */
static index_build_status write_spelling(qx_db *db, const word_count *words, const char *what,
                                         char *err, size_t errlen)
{
	spelling sp = {db, QX_OK};
	if (!word_count_each(words, add_spelling, &sp))
		return refused(db, sp.qs, what, err, errlen);
	return INDEX_BUILD_OK;
}

index_build_status index_build_spelling(qx_db *db, word_count **spelling, char *err, size_t errlen)
{
	index_build_status st =
	    write_spelling(db, *spelling, "the spelling dictionary", err, errlen);
	if (st != INDEX_BUILD_OK)
		return st;
	word_count *empty = word_count_new();
	if (!empty) {
		snprintf(err, errlen, "out of memory");
		return INDEX_BUILD_NOMEM;
	}
	word_count_free(*spelling);
	*spelling = empty;
	return INDEX_BUILD_OK;
}

/* Write the documents, then the recording's words to the spelling
 * dictionary, each once with its count (far fewer calls than one per
 * occurrence), or into the caller's batch (`batch`, not NULL), whose
 * words reach the dictionary once for many recordings. */
static index_build_status write_documents(qx_db *db, const recording *rec, const inputs *in,
                                          const char *fingerprint, word_count *batch,
                                          index_build_counts *counts, char *err, size_t errlen)
{
	word_count *spelled = batch ? batch : word_count_new();
	if (!spelled) {
		snprintf(err, errlen, "%s: out of memory", rec->id);
		return INDEX_BUILD_NOMEM;
	}
	index_build_status st = write_all(db, rec, in, fingerprint, spelled, counts, err, errlen);
	if (batch)
		return st;
	if (st == INDEX_BUILD_OK)
		st = write_spelling(db, spelled, rec->id, err, errlen);
	word_count_free(spelled);
	return st;
}

index_build_status index_build_recording(qx_db *db, const recording *rec, const char *fingerprint,
                                         word_count *spelling, index_build_counts *counts,
                                         char *err, size_t errlen)
{
	inputs in;
	memset(&in, 0, sizeof in);
	in.transcript = (transcript)TRANSCRIPT_INIT;
	in.subtitles = (media_subtitles)MEDIA_SUBTITLES_INIT;
	in.media = (media_info)MEDIA_INFO_INIT;
	in.agenda = (agenda)AGENDA_INIT;
	in.units = (qa_units)QA_UNITS_INIT;
	index_build_status st = load_inputs(rec, &in, err, errlen);
	if (st == INDEX_BUILD_OK)
		st = write_documents(db, rec, &in, fingerprint, spelling, counts, err, errlen);
	else if (st == INDEX_BUILD_NOMEM)
		snprintf(err, errlen, "%s: out of memory", rec->id);
	inputs_free(&in);
	return st;
}

index_build_status index_build_remove(qx_db *db, const char *id, char *err, size_t errlen)
{
	char term[512];
	snprintf(term, sizeof term, "%s%s", INDEX_TERM_RECORDING, id);
	qx_status qs = qx_db_delete(db, term);
	if (qs == QX_OK) {
		snprintf(term, sizeof term, "%s%s", INDEX_META_RECORDING, id);
		/* Xapian deletes a metadata key by setting it to "". */
		qs = qx_db_set_metadata(db, term, "");
	}
	return qs == QX_OK ? INDEX_BUILD_OK : refused(db, qs, id, err, errlen);
}
