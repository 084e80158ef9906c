/* media_video: the frames of a recording's first video stream at given
 * moments, and one such frame as a JPEG (media_picture.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "media_picture_internal.h"

/* How far ahead of the current frame a moment may be and still be reached
 * by decoding on rather than seeking (seconds): within a typical GOP
 * (2-10 s) decoding on is what a seek would do anyway. */
#define DECODE_AHEAD_SECONDS 8.0

static media_status open_decoder(media_video *v, char *err, size_t errlen)
{
	const AVCodec *codec = NULL;
	int index = av_find_best_stream(v->in.fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
	if (index == AVERROR_STREAM_NOT_FOUND) {
		v->no_video = true;
		snprintf(err, errlen, "no video stream");
		return MEDIA_INVALID;
	}
	if (index < 0 || !codec) {
		snprintf(err, errlen, "no decoder for the video stream");
		return MEDIA_INVALID;
	}
	v->stream = index;
	AVStream *st = v->in.fmt->streams[index];
	if (st->disposition & AV_DISPOSITION_ATTACHED_PIC) {
		v->no_video = true;
		snprintf(err, errlen, "no video stream (only cover art)");
		return MEDIA_INVALID;
	}
	if (!(v->ctx = avcodec_alloc_context3(codec)) || !(v->pkt = av_packet_alloc()) ||
	    !(v->frame = av_frame_alloc()) || !(v->next = av_frame_alloc())) {
		snprintf(err, errlen, "out of memory");
		return MEDIA_NOMEM;
	}
	int ret = avcodec_parameters_to_context(v->ctx, st->codecpar);
	if (ret >= 0) {
		v->ctx->pkt_timebase = st->time_base;
		/* One thread: the server runs several of these at once, and a
		 * frame thread's delay would only cost latency here. */
		v->ctx->thread_count = 1;
		ret = avcodec_open2(v->ctx, codec, NULL);
	}
	if (ret < 0)
		return media_input_error(&v->in, ret, "cannot open the video decoder", err, errlen);
	for (unsigned i = 0; i < v->in.fmt->nb_streams; i++)
		v->in.fmt->streams[i]->discard =
		    (int)i == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
	v->tb = st->time_base;
	/* ffmpeg -ss counts from the file's start time (ffmpeg_opt.c adds
	 * ic->start_time to the seek target). */
	int64_t start = v->in.fmt->start_time;
	v->origin = start == AV_NOPTS_VALUE ? 0 : av_rescale_q(start, AV_TIME_BASE_Q, v->tb);
	v->width = v->ctx->width;
	v->height = v->ctx->height;
	AVRational sar = av_guess_sample_aspect_ratio(v->in.fmt, st, NULL);
	if (sar.num > 0 && sar.den > 0 && av_cmp_q(sar, (AVRational){1, 1}) != 0)
		v->width = (int)av_rescale(v->width, sar.num, sar.den);
	if (v->in.fmt->duration > 0)
		v->duration = (double)v->in.fmt->duration / AV_TIME_BASE;
	if (v->width <= 0 || v->height <= 0) {
		snprintf(err, errlen, "the video stream has no size");
		return MEDIA_INVALID;
	}
	return MEDIA_OK;
}

media_status media_video_open(media_video *v, const char *path, char *err, size_t errlen)
{
	memset(v, 0, sizeof *v);
	media_status st = media_input_open_file(&v->in, path, err, errlen);
	if (st == MEDIA_OK && (st = open_decoder(v, err, errlen)) != MEDIA_OK)
		media_video_close(v);
	return st;
}

void media_video_close(media_video *v)
{
	av_frame_free(&v->frame);
	av_frame_free(&v->next);
	av_packet_free(&v->pkt);
	avcodec_free_context(&v->ctx);
	media_input_close(&v->in);
}

/* The next decoded frame into v->next: MEDIA_OK, or MEDIA_OK with v->eof
 * set when the stream has no more. A damaged packet is skipped, as a
 * player would. */
static media_status decode_next(media_video *v, char *err, size_t errlen)
{
	for (;;) {
		int ret = avcodec_receive_frame(v->ctx, v->next);
		if (ret >= 0)
			return MEDIA_OK;
		if (ret == AVERROR_EOF) {
			v->eof = true;
			return MEDIA_OK;
		}
		if (ret != AVERROR(EAGAIN) && ret != AVERROR_INVALIDDATA)
			return media_input_error(&v->in, ret, "decoding the video", err, errlen);
		if (media_input_expired(&v->in))
			return media_input_error(&v->in, AVERROR_EXIT, "decoding the video", err,
			                         errlen);
		ret = av_read_frame(v->in.fmt, v->pkt);
		if (ret < 0) {
			/* The end, or a damaged tail: what came before stands. */
			if (ret == AVERROR(ENOMEM) || ret == AVERROR_EXIT)
				return media_input_error(&v->in, ret, "reading the video", err,
				                         errlen);
			avcodec_send_packet(v->ctx, NULL);
			continue;
		}
		if (v->pkt->stream_index == v->stream &&
		    avcodec_send_packet(v->ctx, v->pkt) == AVERROR(ENOMEM)) {
			av_packet_unref(v->pkt);
			snprintf(err, errlen, "out of memory");
			return MEDIA_NOMEM;
		}
		av_packet_unref(v->pkt);
	}
}

static media_status seek_to(media_video *v, int64_t target, char *err, size_t errlen)
{
	int ret = av_seek_frame(v->in.fmt, v->stream, target, AVSEEK_FLAG_BACKWARD);
	/* A file that cannot seek is read from where it is: decoding on from
	 * the start still reaches the moment, only slower. */
	if (ret < 0 && ret != AVERROR(EPERM) && ret != AVERROR(ENOSYS) && ret != -1)
		return media_input_error(&v->in, ret, "seeking", err, errlen);
	avcodec_flush_buffers(v->ctx);
	v->has_frame = false;
	v->eof = false;
	return MEDIA_OK;
}

media_status media_video_seek_frame(media_video *v, double seconds, bool last_ok, char *err,
                                    size_t errlen)
{
	int64_t target = v->origin + (int64_t)llround(seconds / av_q2d(v->tb));
	int64_t ahead = (int64_t)(DECODE_AHEAD_SECONDS / av_q2d(v->tb));
	media_status st;
	if (v->has_frame && v->pts >= target)
		return MEDIA_OK;
	if (!v->has_frame || v->eof || target - v->pts > ahead)
		if ((st = seek_to(v, target, err, errlen)) != MEDIA_OK)
			return st;
	for (;;) {
		if ((st = decode_next(v, err, errlen)) != MEDIA_OK)
			return st;
		if (v->eof)
			break;
		int64_t pts = v->next->best_effort_timestamp;
		if (pts == AV_NOPTS_VALUE)
			pts = v->has_frame ? v->pts + 1 : target;
		AVFrame *tmp = v->frame;
		v->frame = v->next;
		v->next = tmp;
		av_frame_unref(v->next);
		v->pts = pts;
		v->has_frame = true;
		if (pts >= target)
			return MEDIA_OK;
	}
	if (v->has_frame && last_ok)
		return MEDIA_OK;
	snprintf(err, errlen, "no frame at %.3f s", seconds);
	return MEDIA_INVALID;
}

media_status media_video_near_frame(media_video *v, double seconds, double not_before, char *err,
                                    size_t errlen)
{
	int64_t target = v->origin + (int64_t)llround(seconds / av_q2d(v->tb));
	int64_t floor = v->origin + (int64_t)llround(not_before / av_q2d(v->tb));
	media_status st;
	/* Decoding on is cheaper when the current frame is close before. */
	if (v->has_frame && !v->eof && v->pts >= floor && v->pts <= target)
		return MEDIA_OK;
	if ((st = seek_to(v, target, err, errlen)) != MEDIA_OK ||
	    (st = decode_next(v, err, errlen)) != MEDIA_OK)
		return st;
	if (!v->eof) {
		int64_t pts = v->next->best_effort_timestamp;
		AVFrame *tmp = v->frame;
		v->frame = v->next;
		v->next = tmp;
		av_frame_unref(v->next);
		v->pts = pts == AV_NOPTS_VALUE ? target : pts;
		v->has_frame = true;
		if (v->pts >= floor)
			return MEDIA_OK;
	}
	/* The key frame is too far before (a long GOP): decode on to the
	 * moment itself. */
	return media_video_seek_frame(v, seconds, true, err, errlen);
}

media_status media_video_info_read(const char *path, media_video_info *out, char *err,
                                   size_t errlen)
{
	*out = (media_video_info){0};
	media_video v;
	media_status st = media_video_open(&v, path, err, errlen);
	if (st == MEDIA_INVALID && v.no_video) {
		/* Sound only: its length from a plain probe. */
		media_info info = MEDIA_INFO_INIT;
		st = media_probe_file(path, &info);
		if (st == MEDIA_OK)
			out->duration = info.has_duration ? info.duration : 0;
		else
			snprintf(err, errlen, "%s", info.error);
		media_info_free(&info);
		return st;
	}
	if (st != MEDIA_OK)
		return st;
	out->has_video = true;
	out->width = v.width;
	out->height = v.height;
	out->duration = v.duration;
	media_video_close(&v);
	return MEDIA_OK;
}

media_status media_frame_jpeg(const char *path, double seconds, int max_width, int max_height,
                              media_jpeg *out, char *err, size_t errlen)
{
	media_video v;
	struct SwsContext *sws = NULL;
	AVFrame *img = NULL;
	media_status st;
	if (!(seconds >= 0) || (st = media_video_open(&v, path, err, errlen)) != MEDIA_OK) {
		if (!(seconds >= 0)) {
			snprintf(err, errlen, "no frame at a negative time");
			return MEDIA_INVALID;
		}
		return st;
	}
	if (v.duration > 0 && seconds >= v.duration) {
		snprintf(err, errlen, "no frame at %.3f s: the video is %.3f s long", seconds,
		         v.duration);
		st = MEDIA_INVALID;
		goto out;
	}
	if ((st = media_video_seek_frame(&v, seconds, false, err, errlen)) != MEDIA_OK)
		goto out;
	int w, h;
	media_image_fit(v.width, v.height, max_width, max_height, &w, &h);
	if (!(img = media_image_new(w, h, 0, 0, 0))) {
		snprintf(err, errlen, "out of memory");
		st = MEDIA_NOMEM;
		goto out;
	}
	if (!media_image_scale_into(&sws, v.frame, img, 0, 0, w, h)) {
		snprintf(err, errlen, "cannot scale the frame");
		st = MEDIA_INVALID;
		goto out;
	}
	st = media_image_jpeg(img, out, err, errlen);
out:
	av_frame_free(&img);
	sws_freeContext(sws);
	media_video_close(&v);
	return st;
}
