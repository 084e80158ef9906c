/* cue_spool: `qarchive cues` on a transcript, printed as it is parsed.
 *
 * Each cue's JSON (cue_json_write.h) is written to an unlinked temporary
 * file ($TMPDIR, else /tmp) as the parser reads it, and the document is
 * printed once the parse is over: it starts with "valid", which only the
 * end of the file decides, and a file rejected at line N must not print
 * the cues before it. So memory is one cue plus a 1 MiB buffer, whatever
 * the transcript's length; the disk holds the output until it is printed.
 */
#ifndef QA_CUE_SPOOL_H
#define QA_CUE_SPOOL_H

#include <stddef.h>
#include <stdio.h>

#include "transcript.h"

/* Parse buf (transcript_stream; name is the file name, for sniffing and
 * messages) and print its JSON to out, exactly what
 * json_out_print(transcript_json(...)) prints. Messages go to stderr.
 * Returns the command's exit status: EXIT_OK, EXIT_REJECTED (the file is
 * rejected; the JSON says why) or EXIT_USAGE (out of memory, or a write
 * failed). */
int cue_spool_print(const char *buf, size_t len, transcript_format format, const char *name,
                    FILE *out);

#endif
