/* speaker_terms: how a speaker's name becomes the keys that speaker:
 * filters match, the same way for the index and for the query.
 *
 * People type part of a name, in any case: speaker:maya, speaker:chen,
 * speaker:"Maya Chen", speaker:mei-lin. A name's words are its tokens
 * (tokenize.h: "Mei-Lin Zhou" is mei, lin, zhou; "CHAIR (Helena Voss)" is
 * chair, helena, voss), lower-cased as Xapian lower-cases text (Unicode).
 * A name's keys are every run of its consecutive words, joined by one
 * space ("mei", "lin", "zhou", "mei lin", "lin zhou", "mei lin zhou"); a
 * value typed after speaker: finds the name when its own words, joined
 * the same way, are one of them. So any part of the name finds it, and
 * only a whole word does: zhou never finds Zhao, and hannah finds every
 * Hannah. Only the first SPEAKER_TERMS_WORDS words of a name or a value
 * count, which bounds a name's keys (a voice can be any text).
 */
#ifndef QA_SPEAKER_TERMS_H
#define QA_SPEAKER_TERMS_H

#include <stdbool.h>
#include <stddef.h>

#define SPEAKER_TERMS_WORDS 8

/* The keys of a name. */
typedef struct speaker_keys {
	char **items; /* owned; each a NUL-terminated key, none repeated */
	size_t count;
} speaker_keys;

#define SPEAKER_KEYS_INIT                                                                          \
	{                                                                                          \
		NULL, 0                                                                            \
	}

/* The key a value typed after speaker: looks for (its words joined by one
 * space; "" when it has none, which finds no one) into *out: the caller
 * frees it with free(). Returns false when out of memory (*out NULL). */
bool speaker_key(const char *value, size_t len, char **out);

/* Every key of the name name[0..len) into *out, which must be
 * SPEAKER_KEYS_INIT (free it with speaker_keys_free, whatever the
 * result). No keys for a name without words. Returns false when out of
 * memory. */
bool speaker_keys_of(const char *name, size_t len, speaker_keys *out);

/* Free the keys; *keys is left as SPEAKER_KEYS_INIT. NULL is a no-op. */
void speaker_keys_free(speaker_keys *keys);

/* Does key (from speaker_key) find the name name[0..len)? Sets *found;
 * returns false when out of memory. */
bool speaker_name_has(const char *name, size_t len, const char *key, bool *found);

#endif
