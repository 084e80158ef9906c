/* transcribe_identifiers: the code identifiers people in this archive say
 * (torch.compile, max-autotune, torch_logs), for the recogniser's prompt
 * (transcribe_prompt.h). A recogniser hears "torch dot compile"; seeing
 * the written form in its prompt makes it write the form the archive's
 * other transcripts use, which is what search matches.
 */
#ifndef QA_TRANSCRIBE_IDENTIFIERS_H
#define QA_TRANSCRIBE_IDENTIFIERS_H

#include <stddef.h>

/* How many recordings are read (the newest by id, which starts with the
 * date): the prompt holds a few dozen terms, and a job should not read a
 * large archive's every transcript to find them. */
#define TRANSCRIBE_IDENTIFIER_RECORDINGS 200

/* The identifiers (tokenize.h's TOKEN_IDENTIFIER: lower-cased) said in the
 * human transcripts of the newest TRANSCRIBE_IDENTIFIER_RECORDINGS
 * recordings of archive_dir other than skip_id (may be NULL): those
 * spelled as code ('.', '_' or ':' in them) before those joined by '-'
 * alone, and within each those said in more recordings first (then by
 * byte value); '\n' between them, at most `max` of them. Recordings or
 * transcripts that cannot be read are passed over: the prompt is a help,
 * not a must. Caller frees; "" when there are none; NULL when out of
 * memory. */
char *transcribe_identifiers(const char *archive_dir, const char *skip_id, size_t max);

#endif
