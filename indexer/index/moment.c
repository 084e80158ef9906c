#include "moment.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "speaker_terms.h"
#include "turns.h"

/* The first of positions[from..to] whose term is term (to itself when
 * none before it is). */
static size_t run_says(const qx_position *positions, size_t from, size_t to, unsigned term)
{
	size_t k = from;
	while (k < to && positions[k].term != term)
		k++;
	return k;
}

/* Where the run of the best window (positions[first], MOMENT_SPAN words)
 * starts: at the start of the shortest stretch of it that says every term
 * the window says, the earliest of equals. "compile it once. The API is
 * torch.compiler.nested_compile_region": the run is the identifier, which
 * says the stem of "compile" again, not the sentence before it (issue 13:
 * `t` a cue or more before a compound identifier is said); a word said
 * twice alone ("Pelicans fly south ... Pelicans again") stays at its
 * first. */
static size_t run_start(const qx_position *positions, size_t n, size_t first)
{
	size_t end = first;
	while (end < n && positions[end].pos < positions[first].pos + MOMENT_SPAN)
		end++;
	size_t terms = 0;
	for (size_t k = first; k < end; k++)
		terms += run_says(positions, first, k, positions[k].term) == k;
	size_t best = first;
	unsigned shortest = UINT_MAX;
	for (size_t s = first; s < end; s++) {
		size_t seen = 0, e = s;
		for (; e < end && seen < terms; e++)
			seen += run_says(positions, s, e, positions[e].term) == e;
		if (seen == terms && positions[e - 1].pos - positions[s].pos < shortest) {
			shortest = positions[e - 1].pos - positions[s].pos;
			best = s;
		}
	}
	return best;
}

bool moment_densest(const qx_position *positions, size_t n, unsigned *pos, double *weight)
{
	double best = -1;
	size_t end = 0, first = 0;
	/* Weights of the distinct terms inside [positions[i].pos, + span):
	 * the window slides over sorted positions, so each term's count goes
	 * up when it enters and down when it leaves. */
	size_t terms = 0;
	for (size_t i = 0; i < n; i++)
		if (positions[i].term + 1 > terms)
			terms = positions[i].term + 1;
	unsigned *inside = calloc(terms ? terms : 1, sizeof *inside);
	double score = 0;
	if (weight)
		*weight = 0;
	if (!inside || n == 0) {
		free(inside);
		if (n) { /* out of memory: the first is still a moment */
			*pos = positions[0].pos;
			if (weight)
				*weight = positions[0].weight;
		}
		return n > 0;
	}
	for (size_t i = 0; i < n; i++) {
		while (end < n && positions[end].pos < positions[i].pos + MOMENT_SPAN) {
			if (inside[positions[end].term]++ == 0)
				score += positions[end].weight;
			end++;
		}
		if (score > best + 1e-9) {
			best = score;
			first = i;
		}
		if (--inside[positions[i].term] == 0)
			score -= positions[i].weight;
	}
	free(inside);
	*pos = positions[run_start(positions, n, first)].pos;
	if (weight)
		*weight = best;
	return true;
}

static double number_or(json_t *obj, const char *key, double fallback)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : fallback;
}

size_t moment_cue_at(json_t *cues, unsigned pos)
{
	size_t at = 0;
	for (size_t k = 0; k < json_array_size(cues); k++)
		if (number_or(json_array_get(cues, k), "p", 0) <= pos)
			at = k;
	return at;
}

double moment_word_time(json_t *cue, unsigned pos, double fallback)
{
	json_t *words = json_object_get(cue, "w");
	double first = number_or(cue, "p", -1);
	if (!json_is_array(words) || first < 0 || pos < first)
		return fallback;
	json_t *w = json_array_get(words, (size_t)(pos - first));
	return json_is_number(w) ? json_number_value(w) : fallback;
}

/* Does cue k of cues ask (turns.h), or the one after it in the same
 * question (the same "a"), or is the question's end past the passage's
 * last cue, so that it cannot tell? */
static bool near_the_asking(json_t *cues, size_t k, double answer)
{
	for (size_t j = k; j <= k + 1; j++) {
		json_t *cue = json_array_get(cues, j);
		if (!cue || number_or(cue, "a", -1) != answer)
			return j == k + 1 && !cue;
		const char *text = json_string_value(json_object_get(cue, "text"));
		if (turns_text_asks(text ? text : ""))
			return true;
	}
	return false;
}

double moment_play_from(json_t *cues, size_t at)
{
	json_t *cue = json_array_get(cues, at);
	double start = number_or(cue, "s", 0);
	double answer = number_or(cue, "a", -1);
	if (answer >= start && !near_the_asking(cues, at, answer))
		return start;
	return answer >= start ? answer : start;
}

/* Does one of keys find the speaker of cue (its "v")? */
static bool said_by(json_t *cue, const char *const *keys, size_t nkeys, bool *found)
{
	json_t *v = json_object_get(cue, "v");
	*found = false;
	for (size_t i = 0; json_is_string(v) && i < nkeys && !*found; i++)
		if (!speaker_name_has(json_string_value(v), json_string_length(v), keys[i], found))
			return false;
	return true;
}

bool moment_in_voice(json_t *cues, const char *const *keys, size_t nkeys, qx_position *positions,
                     size_t *n, long *first)
{
	size_t count = json_array_size(cues);
	bool *theirs = calloc(count ? count : 1, sizeof *theirs);
	*first = -1;
	if (!theirs)
		return false;
	for (size_t k = 0; k < count && nkeys; k++) {
		if (!said_by(json_array_get(cues, k), keys, nkeys, &theirs[k])) {
			free(theirs);
			*first = -1;
			return false;
		}
		if (theirs[k] && *first < 0)
			*first = (long)k;
	}
	size_t kept = 0;
	for (size_t i = 0; *first >= 0 && i < *n; i++)
		if (theirs[moment_cue_at(cues, positions[i].pos)])
			positions[kept++] = positions[i];
	if (*first >= 0)
		*n = kept;
	free(theirs);
	return true;
}

bool moment_said_by(json_t *cues, const char *const *keys, size_t nkeys,
                    const qx_position *positions, size_t n, bool *keep)
{
	*keep = true;
	if (n == 0 || nkeys == 0)
		return true;
	qx_position *theirs = malloc(n * sizeof *theirs);
	if (!theirs)
		return false;
	memcpy(theirs, positions, n * sizeof *theirs);
	size_t kept = n;
	long first;
	bool ok = moment_in_voice(cues, keys, nkeys, theirs, &kept, &first);
	*keep = !ok || first < 0 || kept > 0;
	free(theirs);
	return ok;
}
