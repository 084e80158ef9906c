/* transcribe_prompt: the archive's vocabulary as an initial prompt for a
 * speech recogniser (whisper.cpp --prompt), so that it writes the field's
 * terms the way the archive spells them ("fsdp", "torch.compile", "nccl")
 * instead of what they sound like.
 */
#ifndef QA_TRANSCRIBE_PROMPT_H
#define QA_TRANSCRIBE_PROMPT_H

#include <stddef.h>

/* whisper.cpp keeps at most n_text_ctx/2 = 224 tokens of a prompt and
 * drops the start of a longer one; the field's terms run at about 2.5
 * bytes per token, so 480 bytes stay within it. */
#define TRANSCRIBE_PROMPT_MAX 480

/* "Glossary: a, b, c." from, in this order: the written form (the first
 * member without a space) of each group of the archive's synonyms.txt
 * (archive_text, may be NULL; one that does not parse is left out); the
 * identifiers its people say (identifiers: '\n' between them, as
 * transcribe_identifiers.h gives them; may be NULL); the written forms of
 * the built-in vocabulary. Each term once, cut at a whole term to at most
 * TRANSCRIBE_PROMPT_MAX bytes. Caller frees; NULL when out of memory. */
char *transcribe_prompt_make(const char *archive_text, size_t len, const char *identifiers);

#endif
