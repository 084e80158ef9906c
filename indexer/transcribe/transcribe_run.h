/* transcribe_run: one recording's speech recognition, start to finish,
 * for the server's background worker and `qarchive transcribe` alike:
 *
 *  1. take the job's lock (one process per recording) and mark it running;
 *  2. decode the media's audio to .qarchive/transcribe/work/<id>@<attempt>/audio.wav
 *     (16 kHz mono 16-bit: media_wav.h);
 *  3. run the site's command (transcribe_engine.h) with
 *       QARCHIVE_WAV     that WAV file
 *       QARCHIVE_VTT     where to write the WebVTT (…/transcript.vtt there)
 *       QARCHIVE_OUT     the same without ".vtt" (whisper.cpp's -of adds it)
 *       QARCHIVE_PROMPT  the archive's vocabulary (transcribe_prompt.h), or ""
 *       QARCHIVE_SECONDS the audio's length in seconds
 *       QARCHIVE_RECORDING the recording's id
 *     and its progress into the job's state;
 *  4. check that what it wrote parses as WebVTT, and only then put it in
 *     the recording's folder as transcript.machine.vtt (temp file, fsync,
 *     rename, fsync the folder) and index the recording again;
 *  5. remove the job and its work folder.
 * A failure at any step leaves the recording as it was (still served,
 * still "transcript pending") and the job "failed" with the reason.
 */
#ifndef QA_TRANSCRIBE_RUN_H
#define QA_TRANSCRIBE_RUN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "recording.h"

/* The largest WebVTT file an engine may write: a day of speech is ~2 MB. */
#define TRANSCRIBE_VTT_MAX (64u * 1024 * 1024)

/* The default time-out: 30 minutes, plus 3 times the audio's length (a
 * CPU whisper.cpp with a base model runs at about real time on 2 cores). */
#define TRANSCRIBE_TIMEOUT_BASE   1800
#define TRANSCRIBE_TIMEOUT_FACTOR 3

typedef enum transcribe_status {
	TRANSCRIBE_OK = 0,
	TRANSCRIBE_NOT_NEEDED, /* it has a transcript or subtitle stream, or no media: err says */
	TRANSCRIBE_NOT_FOUND,  /* no such recording */
	TRANSCRIBE_BUSY,       /* another process is transcribing it */
	TRANSCRIBE_FAILED,     /* decoding or the engine failed: the job is marked failed, err
	                        * says why */
	TRANSCRIBE_STOPPED,    /* the stop flag was set: the job is queued again */
	TRANSCRIBE_IO,         /* the archive's files could not be written: err says why */
	TRANSCRIBE_NOMEM,
} transcribe_status;

typedef struct transcribe_config {
	const char *archive_dir;
	const char *command;      /* the engine's shell command line */
	unsigned timeout_seconds; /* 0: the default above */
	const atomic_bool *stop;  /* may be NULL */
	/* Told of each new percentage (-1 while the audio is being decoded);
	 * may be NULL. */
	void (*progress)(const char *id, int percent, void *ctx);
	void *ctx;
} transcribe_config;

const char *transcribe_status_str(transcribe_status status);

/* Whether rec needs speech recognition: it has media and neither a
 * transcript file (of people's or the machine's) nor a subtitle stream.
 * False with a reason in why (may be NULL) otherwise. */
bool transcribe_needed(const recording *rec, char *why, size_t whylen);

/* Run recording id's job now (queued or not). Returns as above; the
 * transcript is indexed on TRANSCRIBE_OK, and err holds a note when the
 * index could not take it yet (the next `qarchive index` will). */
transcribe_status transcribe_recording(const transcribe_config *cfg, const char *id, char *err,
                                       size_t errlen);

#endif
