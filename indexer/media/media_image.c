/* media_image: the pictures' canvases, their scaling (libswscale) and
 * their JPEG encoding (libavcodec's MJPEG encoder). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/imgutils.h>

#include "media_picture_internal.h"

/* JPEG's quality scale as ffmpeg's -q:v (2 best .. 31 worst): 5 keeps the
 * burnt-in text of a slide legible at a third of q=2's size. */
#define JPEG_QSCALE 5

void media_jpeg_free(media_jpeg *img)
{
	if (!img)
		return;
	av_free(img->data);
	*img = (media_jpeg)MEDIA_JPEG_INIT;
}

static int clamp_byte(double v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (int)(v + 0.5);
}

AVFrame *media_image_new(int width, int height, int r, int g, int b)
{
	AVFrame *f = av_frame_alloc();
	if (!f)
		return NULL;
	f->format = AV_PIX_FMT_YUVJ420P;
	f->width = width;
	f->height = height;
	f->color_range = AVCOL_RANGE_JPEG;
	if (av_frame_get_buffer(f, 0) < 0) {
		av_frame_free(&f);
		return NULL;
	}
	/* BT.601 full range (JFIF §7), the matrix JPEG decoders assume. */
	int y = clamp_byte(0.299 * r + 0.587 * g + 0.114 * b);
	int u = clamp_byte(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
	int v = clamp_byte(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
	for (int row = 0; row < height; row++)
		memset(f->data[0] + row * f->linesize[0], y, (size_t)width);
	for (int row = 0; row < height / 2; row++) {
		memset(f->data[1] + row * f->linesize[1], u, (size_t)width / 2);
		memset(f->data[2] + row * f->linesize[2], v, (size_t)width / 2);
	}
	return f;
}

/* Whether a source frame's samples use the full 0-255 range. */
static bool full_range(const AVFrame *f)
{
	switch (f->format) {
	case AV_PIX_FMT_YUVJ420P:
	case AV_PIX_FMT_YUVJ422P:
	case AV_PIX_FMT_YUVJ444P:
	case AV_PIX_FMT_YUVJ440P:
	case AV_PIX_FMT_YUVJ411P:
		return true;
	default:
		return f->color_range == AVCOL_RANGE_JPEG;
	}
}

bool media_image_scale_into(struct SwsContext **sws, const AVFrame *src, AVFrame *dst, int x, int y,
                            int w, int h)
{
	/* The canvas is YUVJ420P, but libswscale is asked for YUV420P with a
	 * full-range output: it rewrites the deprecated J formats internally,
	 * which defeats sws_getCachedContext's reuse (a new context per
	 * frame). */
	*sws = sws_getCachedContext(*sws, src->width, src->height, src->format, w, h,
	                            AV_PIX_FMT_YUV420P, SWS_BICUBIC, NULL, NULL, NULL);
	if (!*sws)
		return false;
	int space = src->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_ITU601;
	sws_setColorspaceDetails(*sws, sws_getCoefficients(space), full_range(src),
	                         sws_getCoefficients(SWS_CS_ITU601), 1, 0, 1 << 16, 1 << 16);
	uint8_t *planes[4] = {dst->data[0] + (ptrdiff_t)y * dst->linesize[0] + x,
	                      dst->data[1] + (ptrdiff_t)(y / 2) * dst->linesize[1] + x / 2,
	                      dst->data[2] + (ptrdiff_t)(y / 2) * dst->linesize[2] + x / 2, NULL};
	int strides[4] = {dst->linesize[0], dst->linesize[1], dst->linesize[2], 0};
	return sws_scale(*sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height,
	                 planes, strides) == h;
}

void media_image_fit(int width, int height, int max_w, int max_h, int *w, int *h)
{
	double scale = 1;
	if (width > max_w)
		scale = (double)max_w / width;
	if (height * scale > max_h)
		scale = (double)max_h / height;
	*w = (int)(width * scale) & ~1;
	*h = (int)(height * scale) & ~1;
	if (*w < 2)
		*w = 2;
	if (*h < 2)
		*h = 2;
}

media_status media_image_jpeg(const AVFrame *img, media_jpeg *out, char *err, size_t errlen)
{
	media_jpeg_free(out);
	media_status st = MEDIA_NOMEM;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *frame = av_frame_clone(img);
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
	AVCodecContext *ctx = codec ? avcodec_alloc_context3(codec) : NULL;
	if (!codec) {
		snprintf(err, errlen, "this FFmpeg has no JPEG encoder");
		st = MEDIA_INVALID;
		goto out;
	}
	if (!pkt || !frame || !ctx) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ctx->width = img->width;
	ctx->height = img->height;
	ctx->pix_fmt = AV_PIX_FMT_YUVJ420P;
	ctx->color_range = AVCOL_RANGE_JPEG;
	ctx->time_base = (AVRational){1, 25};
	ctx->flags |= AV_CODEC_FLAG_QSCALE;
	frame->quality = FF_QP2LAMBDA * JPEG_QSCALE;
	frame->pts = 0;
	int ret = avcodec_open2(ctx, codec, NULL);
	if (ret >= 0)
		ret = avcodec_send_frame(ctx, frame);
	if (ret >= 0)
		ret = avcodec_receive_packet(ctx, pkt);
	if (ret < 0) {
		snprintf(err, errlen, "encoding the JPEG: %s", av_err2str(ret));
		st = ret == AVERROR(ENOMEM) ? MEDIA_NOMEM : MEDIA_INVALID;
		goto out;
	}
	if (!(out->data = av_malloc((size_t)pkt->size))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memcpy(out->data, pkt->data, (size_t)pkt->size);
	out->len = (size_t)pkt->size;
	out->width = img->width;
	out->height = img->height;
	st = MEDIA_OK;
out:
	avcodec_free_context(&ctx);
	av_frame_free(&frame);
	av_packet_free(&pkt);
	return st;
}
