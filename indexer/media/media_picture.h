/* media_picture: pictures of a recording, made in this process with
 * libavcodec (decode, and encode JPEG with its MJPEG encoder) and
 * libswscale (scale): no ffmpeg command is run.
 *
 * - media_frame_jpeg: the video frame at a moment, as `ffmpeg -ss T -i F
 *   -frames:v 1` takes it: the first frame whose time is at or after T
 *   (T counted from the file's start time), decoded from the key frame
 *   before it;
 * - media_storyboard_make: a frame every `interval` seconds, as tiles in
 *   sprite sheets (columns x rows tiles each), for a player's hover preview;
 * - media_waveform_jpeg: the loudness of an audio recording over its whole
 *   length, drawn as bars: the poster of a recording without video.
 *
 * Every input is opened with media_input's limits (media_probe.h) and
 * each call has a wall-clock deadline that grows with the media's length,
 * so no file can hold a caller for ever. libav types never appear here.
 */
#ifndef QA_MEDIA_PICTURE_H
#define QA_MEDIA_PICTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "media_probe.h"

/* A JPEG image in memory. */
typedef struct media_jpeg {
	unsigned char *data; /* owned: free with media_jpeg_free */
	size_t len;
	int width, height;
} media_jpeg;

#define MEDIA_JPEG_INIT                                                                            \
	{                                                                                          \
		NULL, 0, 0, 0                                                                      \
	}

void media_jpeg_free(media_jpeg *img);

/* How long a whole pass over the media (storyboard, waveform) may take
 * per hour of media, beyond the bounded open: decoding an hour of video at
 * a frame every few seconds takes about a minute here (bench/RESULTS.md),
 * so this only stops a file built to loop. */
#define MEDIA_PICTURE_SECONDS_PER_HOUR 900

/* Told how far a long job is (0..1); returns false to stop it, which then
 * returns MEDIA_TIMEOUT with "stopped" in err. */
typedef bool (*media_progress_fn)(void *arg, double done);

/* width x height fitted into max_w x max_h, aspect kept, each even and at
 * least 2: the size media_frame_jpeg gives a frame. */
void media_image_fit(int width, int height, int max_w, int max_h, int *w, int *h);

/* What a recording's video is: its display size (the sample aspect ratio
 * applied) and length; has_video false for sound only. */
typedef struct media_video_info {
	bool has_video;
	int width, height;
	double duration; /* seconds, 0 when unknown */
} media_video_info;

/* Read path's first video stream's size and the file's duration into
 * *out. A file with no video stream is MEDIA_OK with has_video false.
 * Returns as media_probe_file, with a message in err. */
media_status media_video_info_read(const char *path, media_video_info *out, char *err,
                                   size_t errlen);

/* The frame at `seconds` from the start of path's first video stream,
 * scaled to fit in max_width x max_height (keeping the display aspect
 * ratio; even sizes) and encoded as JPEG into *out (MEDIA_JPEG_INIT; the
 * caller frees it). A moment at or past the end, or a file without video,
 * is MEDIA_INVALID ("no frame at 12.5 s", "no video stream"); the other
 * statuses as media_probe_file, with a message in err. */
media_status media_frame_jpeg(const char *path, double seconds, int max_width, int max_height,
                              media_jpeg *out, char *err, size_t errlen);

/* A storyboard's layout: a tile every `interval` seconds, each tile
 * tile_width x tile_height, sprites of columns x rows tiles, left to right
 * then top to bottom; the last sprite holds the rest (its rows cut to what
 * it holds). */
typedef struct media_storyboard {
	double interval;
	int tile_width, tile_height;
	int columns, rows;
	size_t tiles;   /* frames in all: one per interval from 0 to the end */
	size_t sprites; /* ceil(tiles / (columns * rows)) */
} media_storyboard;

/* Receives sprite number `index` (0-based) as JPEG; returns false to
 * fail the job (err then says "cannot store sprite N"). */
typedef bool (*media_sprite_fn)(void *arg, size_t index, const media_jpeg *sprite);

/* The layout of a storyboard for a video of `duration` seconds shown at
 * width x height: about a tile every 10 s (every second for a short
 * video, further apart past MEDIA_STORYBOARD_MAX_TILES), 160 px wide tiles,
 * 10 x 10 per sprite. */
#define MEDIA_STORYBOARD_MAX_TILES 1000
media_storyboard media_storyboard_layout(double duration, int width, int height);

/* Take path's video frame for each tile (the key frame at most half an
 * interval before the tile's time when there is one, else the frame at that
 * time, decoded from the key frame) and hand each sprite of layout *sb to sprite() as soon as
 * it is full. progress (may be NULL) is told after each tile. Returns
 * MEDIA_OK; MEDIA_INVALID (no video stream, a stream that cannot be
 * decoded, a sprite that sprite() refused), MEDIA_TIMEOUT (also when
 * progress stopped it), MEDIA_UNREADABLE or MEDIA_NOMEM, with a message in
 * err. Tiles past the last decodable frame repeat the last frame. */
media_status media_storyboard_make(const char *path, const media_storyboard *sb,
                                   media_sprite_fn sprite, void *sprite_arg,
                                   media_progress_fn progress, void *progress_arg, char *err,
                                   size_t errlen);

/* The waveform of path's first audio stream: width x height (even), a bar
 * per column as tall as the loudest sample of its stretch of time, light
 * bars on a dark ground. progress as above. Returns MEDIA_OK, or
 * MEDIA_INVALID (no audio stream, no samples), MEDIA_TIMEOUT,
 * MEDIA_UNREADABLE, MEDIA_NOMEM with a message in err. */
media_status media_waveform_jpeg(const char *path, int width, int height, media_jpeg *out,
                                 media_progress_fn progress, void *progress_arg, char *err,
                                 size_t errlen);

#endif
