/* media_waveform: an audio recording's loudness drawn as bars, its poster
 * (media_picture.h). The audio is decoded with libavcodec and mixed down
 * to mono with libswresample; the peak of each BUCKET_RATE-th of a second
 * is kept, and each column of the picture shows the loudest of its
 * buckets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "media_picture_internal.h"

#define RATE        8000 /* Hz: peaks need no more */
#define BUCKET_RATE 20   /* buckets per second */
/* 40 hours of buckets (11.5 MB of floats): longer audio is drawn to there. */
#define MAX_BUCKETS ((size_t)BUCKET_RATE * 3600 * 40)

/* The colours: light blue bars on the site's dark slate. */
static const unsigned char GROUND[3] = {0x1d, 0x23, 0x30};
static const unsigned char BAR[3] = {0x8a, 0xb4, 0xf8};

typedef struct wave {
	media_input in;
	AVCodecContext *ctx;
	AVPacket *pkt;
	AVFrame *frame;
	SwrContext *swr;
	int swr_format, swr_rate, swr_channels; /* what swr was set up for */
	int stream;
	size_t next_report; /* buckets at which progress is told next */
	float *buckets;
	size_t count, cap;
	size_t in_bucket; /* samples already in buckets[count - 1] */
	float *mono;
	int mono_cap;
	double duration;
	char *err;
	size_t errlen;
} wave;

static media_status open_audio(wave *w)
{
	const AVCodec *codec = NULL;
	int index = av_find_best_stream(w->in.fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
	if (index < 0 || !codec) {
		snprintf(w->err, w->errlen,
		         index == AVERROR_STREAM_NOT_FOUND ? "no audio stream"
		                                           : "no decoder for the audio stream");
		return MEDIA_INVALID;
	}
	w->stream = index;
	AVStream *st = w->in.fmt->streams[index];
	if (!(w->ctx = avcodec_alloc_context3(codec)) || !(w->pkt = av_packet_alloc()) ||
	    !(w->frame = av_frame_alloc()))
		return MEDIA_NOMEM;
	int ret = avcodec_parameters_to_context(w->ctx, st->codecpar);
	if (ret >= 0) {
		w->ctx->pkt_timebase = st->time_base;
		ret = avcodec_open2(w->ctx, codec, NULL);
	}
	if (ret < 0)
		return media_input_error(&w->in, ret, "cannot open the audio decoder", w->err,
		                         w->errlen);
	for (unsigned i = 0; i < w->in.fmt->nb_streams; i++)
		w->in.fmt->streams[i]->discard =
		    (int)i == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
	if (w->in.fmt->duration > 0)
		w->duration = (double)w->in.fmt->duration / AV_TIME_BASE;
	return MEDIA_OK;
}

/* n mono samples into the buckets. */
static media_status add_samples(wave *w, const float *s, int n)
{
	for (int i = 0; i < n; i++) {
		if (w->count == 0 || w->in_bucket == RATE / BUCKET_RATE) {
			if (w->count == MAX_BUCKETS)
				return MEDIA_OK;
			if (w->count == w->cap) {
				size_t cap = w->cap ? w->cap * 2 : 4096;
				float *b = realloc(w->buckets, cap * sizeof *b);
				if (!b)
					return MEDIA_NOMEM;
				w->buckets = b;
				w->cap = cap;
			}
			w->buckets[w->count++] = 0;
			w->in_bucket = 0;
		}
		float a = fabsf(s[i]);
		if (a > w->buckets[w->count - 1])
			w->buckets[w->count - 1] = a;
		w->in_bucket++;
	}
	return MEDIA_OK;
}

/* Mix f (NULL: flush) down to mono at RATE, into the buckets. */
static media_status mix(wave *w, const AVFrame *f)
{
	if (!w->swr && f) {
		AVChannelLayout layout, mono = AV_CHANNEL_LAYOUT_MONO;
		if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
			av_channel_layout_default(&layout, f->ch_layout.nb_channels);
		else if (av_channel_layout_copy(&layout, &f->ch_layout) < 0)
			return MEDIA_NOMEM;
		int ret = swr_alloc_set_opts2(&w->swr, &mono, AV_SAMPLE_FMT_FLT, RATE, &layout,
		                              f->format, f->sample_rate, 0, NULL);
		av_channel_layout_uninit(&layout);
		if (ret >= 0)
			ret = swr_init(w->swr);
		w->swr_format = f->format;
		w->swr_rate = f->sample_rate;
		w->swr_channels = f->ch_layout.nb_channels;
		if (ret < 0)
			return media_input_error(&w->in, ret, "cannot set up the resampler", w->err,
			                         w->errlen);
	}
	if (!w->swr)
		return MEDIA_OK;
	int want = swr_get_out_samples(w->swr, f ? f->nb_samples : 0);
	if (want > w->mono_cap) {
		float *m = realloc(w->mono, (size_t)want * sizeof *m);
		if (!m)
			return MEDIA_NOMEM;
		w->mono = m;
		w->mono_cap = want;
	}
	uint8_t *outp = (uint8_t *)w->mono;
	int n = swr_convert(w->swr, &outp, w->mono_cap,
	                    f ? (const uint8_t **)f->extended_data : NULL, f ? f->nb_samples : 0);
	if (n < 0)
		return media_input_error(&w->in, n, "resampling", w->err, w->errlen);
	return add_samples(w, w->mono, n);
}

static media_status decode_all(wave *w, media_progress_fn progress, void *arg)
{
	media_status st = MEDIA_OK;
	bool flushing = false;
	for (;;) {
		int ret = avcodec_receive_frame(w->ctx, w->frame);
		if (ret >= 0) {
			/* A stream whose format changes midway keeps the first
			 * format's resampler and skips the others' frames: a
			 * waveform only needs the peaks. */
			const AVFrame *f = w->frame;
			if (w->swr &&
			    (f->format != w->swr_format || f->sample_rate != w->swr_rate ||
			     f->ch_layout.nb_channels != w->swr_channels))
				st = MEDIA_OK;
			else
				st = mix(w, f);
			av_frame_unref(w->frame);
			if (st != MEDIA_OK)
				return st;
			continue;
		}
		if (ret == AVERROR_EOF)
			break;
		if (media_input_expired(&w->in))
			return media_input_error(&w->in, AVERROR_EXIT, "decoding the audio", w->err,
			                         w->errlen);
		if (flushing)
			break;
		ret = av_read_frame(w->in.fmt, w->pkt);
		if (ret < 0) {
			if (ret == AVERROR(ENOMEM) || ret == AVERROR_EXIT)
				return media_input_error(&w->in, ret, "reading the audio", w->err,
				                         w->errlen);
			avcodec_send_packet(w->ctx, NULL); /* the end, or a damaged tail */
			flushing = true;
			continue;
		}
		if (w->pkt->stream_index == w->stream &&
		    avcodec_send_packet(w->ctx, w->pkt) == AVERROR(ENOMEM)) {
			av_packet_unref(w->pkt);
			return MEDIA_NOMEM;
		}
		av_packet_unref(w->pkt);
		if (progress && w->count >= w->next_report) {
			/* Every minute of audio. */
			w->next_report = w->count + BUCKET_RATE * 60;
			double done =
			    w->duration > 0 ? (double)w->count / BUCKET_RATE / w->duration : 0;
			if (!progress(arg, fmin(done, 1))) {
				snprintf(w->err, w->errlen, "stopped");
				return MEDIA_TIMEOUT;
			}
		}
	}
	return mix(w, NULL);
}

/* The bars, in RGB, then converted to JPEG's YUV. */
static media_status draw(wave *w, int width, int height, media_jpeg *out)
{
	media_status st = MEDIA_NOMEM;
	struct SwsContext *sws = NULL;
	AVFrame *rgb = av_frame_alloc(), *img = media_image_new(width, height, 0, 0, 0);
	if (!rgb || !img)
		goto out;
	rgb->format = AV_PIX_FMT_RGB24;
	rgb->width = width;
	rgb->height = height;
	if (av_frame_get_buffer(rgb, 0) < 0)
		goto out;
	float top = 0;
	for (size_t i = 0; i < w->count; i++)
		top = fmaxf(top, w->buckets[i]);
	for (int x = 0; x < width; x++) {
		size_t from = w->count * (size_t)x / (size_t)width;
		size_t to = w->count * (size_t)(x + 1) / (size_t)width;
		float peak = 0;
		for (size_t i = from; i < to || (i == from && i < w->count); i++)
			peak = fmaxf(peak, w->buckets[i]);
		/* Scaled to the loudest moment, so quiet speech still shows. */
		int bar = top > 0 ? (int)(peak / top * (height * 0.8f)) : 0;
		for (int y = 0; y < height; y++) {
			bool on = abs(2 * y - height) <= bar && x % 3 != 2;
			memcpy(rgb->data[0] + y * rgb->linesize[0] + 3 * x, on ? BAR : GROUND, 3);
		}
	}
	if (!media_image_scale_into(&sws, rgb, img, 0, 0, width, height)) {
		snprintf(w->err, w->errlen, "cannot convert the waveform");
		st = MEDIA_INVALID;
		goto out;
	}
	st = media_image_jpeg(img, out, w->err, w->errlen);
out:
	if (st == MEDIA_NOMEM)
		snprintf(w->err, w->errlen, "out of memory");
	sws_freeContext(sws);
	av_frame_free(&rgb);
	av_frame_free(&img);
	return st;
}

media_status media_waveform_jpeg(const char *path, int width, int height, media_jpeg *out,
                                 media_progress_fn progress, void *progress_arg, char *err,
                                 size_t errlen)
{
	wave w = {.err = err, .errlen = errlen};
	media_status st = media_input_open_file(&w.in, path, err, errlen);
	if (st != MEDIA_OK)
		return st;
	if ((st = open_audio(&w)) != MEDIA_OK)
		goto out;
	double hours = w.duration > 0 ? w.duration / 3600 : 1;
	media_input_extend(&w.in, MEDIA_DEADLINE_SECONDS +
	                              (int)((hours + 1) * MEDIA_PICTURE_SECONDS_PER_HOUR));
	if ((st = decode_all(&w, progress, progress_arg)) != MEDIA_OK)
		goto out;
	if (w.count == 0) {
		snprintf(err, errlen, "the audio stream holds no samples");
		st = MEDIA_INVALID;
		goto out;
	}
	st = draw(&w, width & ~1, height & ~1, out);
out:
	if (st == MEDIA_NOMEM)
		snprintf(err, errlen, "out of memory");
	free(w.buckets);
	free(w.mono);
	swr_free(&w.swr);
	av_frame_free(&w.frame);
	av_packet_free(&w.pkt);
	avcodec_free_context(&w.ctx);
	media_input_close(&w.in);
	return st;
}
