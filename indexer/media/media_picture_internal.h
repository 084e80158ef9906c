/* media_picture_internal: what media_image.c, media_video.c,
 * media_storyboard.c and media_waveform.c share, with libav types. Only
 * those files include it. */
#ifndef QA_MEDIA_PICTURE_INTERNAL_H
#define QA_MEDIA_PICTURE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>

#include "media_input.h"
#include "media_picture.h"

/* --- media_image.c: canvases, scaling, JPEG --- */

/* A new full-range YUV 4:2:0 picture (what JPEG holds) of width x height
 * (even), filled with the colour (r, g, b). NULL when out of memory. */
AVFrame *media_image_new(int width, int height, int r, int g, int b);

/* Scale src into the w x h rectangle of dst at (x, y) (all even), with
 * *sws reused across calls (free with sws_freeContext). false when
 * libswscale cannot (out of memory, a format it does not take). */
bool media_image_scale_into(struct SwsContext **sws, const AVFrame *src, AVFrame *dst, int x, int y,
                            int w, int h);

/* Encode img (from media_image_new) as JPEG into *out (freed first).
 * Returns MEDIA_OK or MEDIA_NOMEM / MEDIA_INVALID with a message. */
media_status media_image_jpeg(const AVFrame *img, media_jpeg *out, char *err, size_t errlen);

/* --- media_video.c: frames of the first video stream, at given times --- */

typedef struct media_video {
	media_input in;
	AVCodecContext *ctx;
	AVPacket *pkt;
	AVFrame *frame; /* the current frame (valid when has_frame) */
	AVFrame *next;  /* scratch for the one being decoded */
	int stream;
	AVRational tb;
	int64_t origin; /* the file's start time in tb: what "0 s" means */
	int64_t pts;    /* the current frame's time in tb */
	bool has_frame;
	bool no_video;     /* media_video_open failed for want of a video stream */
	bool eof;          /* the decoder gave its last frame since the last seek */
	int width, height; /* display size: the sample aspect ratio applied */
	double duration;   /* seconds, 0 when unknown */
} media_video;

/* Open path's first video stream for decoding. MEDIA_INVALID "no video
 * stream" when it has none. On failure everything is closed. */
media_status media_video_open(media_video *v, const char *path, char *err, size_t errlen);

/* Make v->frame the first frame at or after `seconds` (ffmpeg -ss's
 * choice). Decodes on from the current frame when the moment is a little
 * ahead, seeks (to the key frame before it) otherwise. At the end of the
 * stream: the last frame when last_ok, else MEDIA_INVALID "no frame at
 * N s". */
media_status media_video_seek_frame(media_video *v, double seconds, bool last_ok, char *err,
                                    size_t errlen);

/* Make v->frame a frame near `seconds`, no earlier than not_before: the
 * key frame the seek lands on when it is late enough (one frame decoded:
 * what a storyboard needs), else as media_video_seek_frame. */
media_status media_video_near_frame(media_video *v, double seconds, double not_before, char *err,
                                    size_t errlen);

void media_video_close(media_video *v);

#endif
