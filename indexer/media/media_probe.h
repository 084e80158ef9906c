/* media_probe: what a recording holds (duration, streams, chapters, tags),
 * read with libavformat under hard limits.
 *
 * Every open is bounded so that no input can hang or exhaust the caller:
 * - probesize MEDIA_PROBESIZE bytes and analyzeduration
 *   MEDIA_ANALYZE_SECONDS of media are all libavformat may read to guess
 *   the format and the streams' parameters;
 * - an AVIOInterruptCB and our own read callback stop any open, probe or
 *   read after MEDIA_DEADLINE_SECONDS of wall-clock time (MEDIA_TIMEOUT);
 * - input is only ever the one file (or buffer) given: libavformat may not
 *   open other files or URLs (HLS playlists, concat lists, MOV references).
 *
 * libav types never appear here: callers see plain C structs.
 */
#ifndef QA_MEDIA_PROBE_H
#define QA_MEDIA_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define MEDIA_PROBESIZE        (5 * 1024 * 1024) /* bytes: ffprobe's default */
#define MEDIA_ANALYZE_SECONDS  5                 /* seconds: ffprobe's default */
#define MEDIA_DEADLINE_SECONDS 10

typedef enum media_status {
	MEDIA_OK = 0,
	MEDIA_UNREADABLE,   /* the file cannot be opened or read (error says why) */
	MEDIA_INVALID,      /* not a playable recording: unknown format, truncated,
	                     * no audio or video stream, ... (error says why) */
	MEDIA_TIMEOUT,      /* the deadline passed before the input was read */
	MEDIA_NO_SUBTITLES, /* media_subtitles only: no (text) subtitle stream */
	MEDIA_NOMEM,
} media_status;

typedef enum media_stream_type {
	MEDIA_STREAM_VIDEO,
	MEDIA_STREAM_AUDIO,
	MEDIA_STREAM_SUBTITLE,
	MEDIA_STREAM_DATA, /* data, attachments and anything else */
} media_stream_type;

typedef struct media_stream {
	int index; /* the container's stream index (what --stream takes) */
	media_stream_type type;
	char *codec;        /* owned, never NULL: libavcodec's name ("h264", "mov_text") */
	char *language;     /* owned: ISO 639 tag as stored ("eng"), NULL when absent or "und" */
	bool text_subtitle; /* a subtitle stream whose codec decodes to text */
} media_stream;

typedef struct media_chapter {
	double start; /* seconds */
	double end;   /* seconds */
	char *title;  /* owned, never NULL ("" when the chapter has none) */
} media_chapter;

typedef struct media_tag {
	char *key;   /* owned */
	char *value; /* owned */
} media_tag;

typedef struct media_info {
	bool has_duration;
	double duration;       /* seconds; meaningful only when has_duration */
	char *format;          /* owned: libavformat's demuxer name ("mov,mp4,m4a,3gp,3g2,mj2") */
	media_stream *streams; /* owned, in container order */
	size_t stream_count;
	media_chapter *chapters; /* owned, in container order */
	size_t chapter_count;
	media_tag *tags; /* owned: container-level metadata, in container order */
	size_t tag_count;
	char error[256]; /* one line, no newline: why the status is not MEDIA_OK */
} media_info;

#define MEDIA_INFO_INIT                                                                            \
	{                                                                                          \
		false, 0, NULL, NULL, 0, NULL, 0, NULL, 0, ""                                      \
	}

const char *media_status_str(media_status status);
const char *media_stream_type_str(media_stream_type type);

/* Silence libav's own logging (global: for programs, not libraries, to
 * call). Our errors come back in media_info.error instead. */
void media_log_silence(void);

/* Probe the file at path into *out (MEDIA_INFO_INIT or freed). Returns
 * MEDIA_OK; MEDIA_UNREADABLE (cannot open or read the file); MEDIA_INVALID
 * (not a recording libavformat can read, or it has no audio or video
 * stream); MEDIA_TIMEOUT; MEDIA_NOMEM. On failure out->error says why and
 * the other members are empty. */
media_status media_probe_file(const char *path, media_info *out);

/* How much of an upload media_probe_head wants: the bytes libavformat
 * reads to recognise a container (MEDIA_PROBESIZE). */
#define MEDIA_HEAD_BYTES MEDIA_PROBESIZE

/* Whether a file whose first bytes are head[0..len) can be a recording
 * at all: libavformat recognises a container in them (among the demuxers
 * an upload may meet), as media_probe_file's open does, deciding from at
 * most MEDIA_HEAD_BYTES. Meant for the head of an upload still arriving
 * (len >= MEDIA_HEAD_BYTES, the file longer): a file refused here is
 * refused by media_probe_file too, with the same message, so an upload
 * can stop after megabytes instead of gigabytes. The streams are not
 * read (an MP4's index may be at the end), so MEDIA_OK promises nothing
 * more. Returns MEDIA_OK, MEDIA_INVALID (err: "cannot read the container:
 * ..."), MEDIA_NOMEM. */
media_status media_probe_head(const unsigned char *head, size_t len, char *err, size_t errlen);

/* The same over buf[0..len) (borrowed for the call), read through a custom
 * AVIOContext: for the fuzzer and for uploads already in memory. */
media_status media_probe_memory(const unsigned char *buf, size_t len, media_info *out);

/* Free everything *info owns; it is left as MEDIA_INFO_INIT. NULL is a
 * no-op. */
void media_info_free(media_info *info);

#endif
