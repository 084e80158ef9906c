/* vtt_rolling: roll-up captions, as YouTube's automatic captions come
 * (`yt-dlp --write-auto-subs`), read as one cue per spoken line.
 *
 * In such a file each cue shows the line said before it and the one being
 * said, with a timestamp tag before each word of the new line:
 *
 *     00:00:02.360 --> 00:00:05.030 align:start position:0%
 *     so today we're going
 *     to<00:00:02.520><c> talk</c><00:00:02.800><c> about</c>
 *
 * and between two such cues a 10 ms "hold" cue shows the finished line
 * alone. Read as is, every line would be indexed and shown two or three
 * times. Collapsed, a cue holds only the lines it adds, from its start to
 * its end (when the next line starts), with the word timestamps kept, so
 * a search can play from the word it found (cue_word).
 */
#ifndef QA_VTT_ROLLING_H
#define QA_VTT_ROLLING_H

#include <stdbool.h>

#include "cue.h"

/* Are these roll-up captions? Yes when at least two cues, and at least a
 * quarter of all cues after the first (YouTube: every other one), have two
 * lines or more and start with the line the cue before them ended with.
 * Cues of one line that repeat the one before ("Yes." "Yes.", or a test
 * file of cues that all say "text") do not count. Returns false also when
 * out of memory (*nomem set). */
bool vtt_rolling_detect(const cue_list *cues, bool *nomem);

/* Replace cues by one cue per new line (or lines) each source cue adds:
 * its leading lines that repeat the previous cue's last lines are
 * dropped, and a cue that adds nothing (a hold cue) is dropped whole.
 * Returns false when out of memory (cues unchanged). */
bool vtt_rolling_collapse(cue_list *cues);

/* The same two steps one cue at a time, for a transcript read as a
 * stream (transcript_stream): a reader sees each cue in order. */
typedef struct vtt_rolling vtt_rolling;

/* A new reader; NULL when out of memory. Free with vtt_rolling_free
 * (NULL is a no-op). */
vtt_rolling *vtt_rolling_new(void);
void vtt_rolling_free(vtt_rolling *r);

/* Detection: count c as evidence (or not). False when out of memory. */
bool vtt_rolling_see(vtt_rolling *r, const cue *c);

/* After every cue was seen: vtt_rolling_detect's answer. */
bool vtt_rolling_found(const vtt_rolling *r);

/* Collapse (a reader of its own, not the one that detected): the cue, if
 * any, that c becomes, handed to emit, which takes ownership of it as
 * cue_list_push does (and returns false when it could not keep it). False
 * when out of memory or emit returned false. */
bool vtt_rolling_next(vtt_rolling *r, const cue *c, bool (*emit)(void *ctx, cue *c), void *ctx);

#endif
