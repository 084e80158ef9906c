/* media_wav: a recording's speech as the WAV that speech recognisers take
 * (whisper.cpp reads exactly this): 16 kHz, one channel, signed 16-bit
 * little-endian PCM, decoded with libavcodec and resampled (and mixed down)
 * with libswresample, in this process: no ffmpeg command is run.
 *
 * The first audio stream (the one media_probe lists first) is decoded; a
 * recording without one is MEDIA_INVALID.
 */
#ifndef QA_MEDIA_WAV_H
#define QA_MEDIA_WAV_H

#include <stddef.h>
#include <stdint.h>

#include "media_probe.h"

#define MEDIA_WAV_RATE     16000 /* samples per second */
#define MEDIA_WAV_CHANNELS 1
#define MEDIA_WAV_HEADER   44 /* bytes of the canonical RIFF/WAVE header */

/* How long a whole decode may take, per hour of audio, beyond the
 * bounded open: decoding an hour of AAC and resampling it takes seconds
 * (bench/RESULTS.md), so this only stops a file built to loop. */
#define MEDIA_WAV_SECONDS_PER_HOUR 600

/* Decode media_path's first audio stream into a WAV file at fd (opened for
 * writing, positioned at 0, empty; the caller closes it and makes it
 * durable). Writes the header, the samples, then the header again with
 * the sizes. *samples (may be NULL) is set to the number of samples
 * written (seconds = samples / MEDIA_WAV_RATE).
 *
 * Returns MEDIA_OK; MEDIA_UNREADABLE (the media or the WAV file cannot be
 * read or written), MEDIA_INVALID (no audio stream, no decoder, or a
 * stream that fails to decode before any sample), MEDIA_TIMEOUT, or
 * MEDIA_NOMEM, with a one-line message in err (truncated to errlen; err
 * may be NULL when errlen is 0). A damaged tail ends the audio, as in a
 * player: the samples before it stand. */
media_status media_wav_write(const char *media_path, int fd, uint64_t *samples, char *err,
                             size_t errlen);

#endif
