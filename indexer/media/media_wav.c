#include "media_wav.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "errmsg.h"
#include "media_input.h"

/* The samples are written as libswresample gives them, in host order,
 * and WAV is little-endian. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "media_wav writes host-order samples: a big-endian host needs a byte swap here"
#endif

/* A RIFF chunk size is 32 bits: about 37 hours at 16 kHz, 16-bit mono. */
#define WAV_MAX_DATA_BYTES (UINT32_MAX - MEDIA_WAV_HEADER)

/* One decode: the input, its decoder, the resampler (set up from the
 * first decoded frame, and again if the stream's format changes), and the
 * output. */
typedef struct wav_job {
	media_input in;
	AVCodecContext *ctx;
	AVPacket *pkt;
	AVFrame *frame;
	SwrContext *swr;
	AVChannelLayout swr_layout; /* what swr was set up for */
	int swr_format, swr_rate;
	int stream;
	int fd;
	uint8_t *buf; /* resampled samples */
	int buf_cap;  /* in samples */
	uint64_t samples;
	char *err;
	size_t errlen;
} wav_job;

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static bool write_all(int fd, const void *data, size_t len, off_t at, bool positioned)
{
	const unsigned char *p = data;
	while (len > 0) {
		ssize_t n = positioned ? pwrite(fd, p, len, at) : write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return true;
}

/* The canonical 44-byte header (RIFF, "fmt " PCM, "data"): written at the
 * file position first (so the samples follow it), then rewritten in place
 * at offset 0 with the sizes once they are known. */
static bool write_header(int fd, uint64_t samples, bool in_place)
{
	uint32_t data = (uint32_t)(samples * 2 * MEDIA_WAV_CHANNELS);
	unsigned char h[MEDIA_WAV_HEADER];
	memcpy(h, "RIFF", 4);
	put_le(h + 4, data + MEDIA_WAV_HEADER - 8, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le(h + 16, 16, 4);                                      /* fmt chunk size */
	put_le(h + 20, 1, 2);                                       /* PCM */
	put_le(h + 22, MEDIA_WAV_CHANNELS, 2);                      /* channels */
	put_le(h + 24, MEDIA_WAV_RATE, 4);                          /* sample rate */
	put_le(h + 28, MEDIA_WAV_RATE * 2 * MEDIA_WAV_CHANNELS, 4); /* bytes per second */
	put_le(h + 32, 2 * MEDIA_WAV_CHANNELS, 2);                  /* block align */
	put_le(h + 34, 16, 2);                                      /* bits per sample */
	memcpy(h + 36, "data", 4);
	put_le(h + 40, data, 4);
	return write_all(fd, h, sizeof h, 0, in_place);
}

static media_status io_failed(wav_job *j, const char *what)
{
	char why[ERRMSG_WHY_SIZE];
	snprintf(j->err, j->errlen, "%s: %s", what, errmsg_strerror(errno, why, sizeof why));
	return MEDIA_UNREADABLE;
}

static media_status open_decoder(wav_job *j)
{
	const AVCodec *codec = NULL;
	int index = av_find_best_stream(j->in.fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
	if (index == AVERROR_STREAM_NOT_FOUND) {
		snprintf(j->err, j->errlen, "no audio stream to transcribe");
		return MEDIA_INVALID;
	}
	if (index < 0 || !codec) {
		snprintf(j->err, j->errlen, "no decoder for the audio stream");
		return MEDIA_INVALID;
	}
	j->stream = index;
	AVStream *st = j->in.fmt->streams[index];
	if (!(j->ctx = avcodec_alloc_context3(codec)) || !(j->pkt = av_packet_alloc()) ||
	    !(j->frame = av_frame_alloc())) {
		snprintf(j->err, j->errlen, "out of memory");
		return MEDIA_NOMEM;
	}
	int ret = avcodec_parameters_to_context(j->ctx, st->codecpar);
	if (ret >= 0) {
		j->ctx->pkt_timebase = st->time_base;
		ret = avcodec_open2(j->ctx, codec, NULL);
	}
	if (ret < 0)
		return media_input_error(&j->in, ret, "cannot open the audio decoder", j->err,
		                         j->errlen);
	for (unsigned i = 0; i < j->in.fmt->nb_streams; i++)
		j->in.fmt->streams[i]->discard =
		    (int)i == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
	return MEDIA_OK;
}

/* Resampled samples in j->buf[0..n) to the file. */
static media_status emit(wav_job *j, int n)
{
	if (n <= 0)
		return MEDIA_OK;
	if ((j->samples + (uint64_t)n) * 2 > WAV_MAX_DATA_BYTES) {
		snprintf(j->err, j->errlen, "the audio is longer than a WAV file holds (37 hours)");
		return MEDIA_INVALID;
	}
	if (!write_all(j->fd, j->buf, (size_t)n * 2, 0, false))
		return io_failed(j, "writing the WAV file");
	j->samples += (uint64_t)n;
	return MEDIA_OK;
}

/* Convert in_count samples at in (NULL, 0: flush what swr holds). */
static media_status convert(wav_job *j, const uint8_t **in, int in_count)
{
	int want = swr_get_out_samples(j->swr, in_count);
	if (want < 0)
		return media_input_error(&j->in, want, "resampling", j->err, j->errlen);
	if (want > j->buf_cap) {
		av_freep(&j->buf);
		j->buf_cap = 0;
		if (av_samples_alloc(&j->buf, NULL, 1, want, AV_SAMPLE_FMT_S16, 0) < 0) {
			snprintf(j->err, j->errlen, "out of memory");
			return MEDIA_NOMEM;
		}
		j->buf_cap = want;
	}
	int n = swr_convert(j->swr, &j->buf, j->buf_cap, in, in_count);
	if (n < 0)
		return media_input_error(&j->in, n, "resampling", j->err, j->errlen);
	return emit(j, n);
}

/* Set the resampler up for frame f's format, flushing the old one's
 * samples first when the stream's format changes midway. */
static media_status resampler_for(wav_job *j, const AVFrame *f)
{
	AVChannelLayout layout;
	media_status st;
	if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
		av_channel_layout_default(&layout, f->ch_layout.nb_channels);
	else if (av_channel_layout_copy(&layout, &f->ch_layout) < 0)
		return MEDIA_NOMEM;
	if (j->swr && j->swr_format == f->format && j->swr_rate == f->sample_rate &&
	    av_channel_layout_compare(&j->swr_layout, &layout) == 0) {
		av_channel_layout_uninit(&layout);
		return MEDIA_OK;
	}
	if (j->swr && (st = convert(j, NULL, 0)) != MEDIA_OK) {
		av_channel_layout_uninit(&layout);
		return st;
	}
	swr_free(&j->swr);
	av_channel_layout_uninit(&j->swr_layout);
	j->swr_layout = layout;
	j->swr_format = f->format;
	j->swr_rate = f->sample_rate;
	AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
	int ret = swr_alloc_set_opts2(&j->swr, &mono, AV_SAMPLE_FMT_S16, MEDIA_WAV_RATE, &layout,
	                              f->format, f->sample_rate, 0, NULL);
	if (ret >= 0)
		ret = swr_init(j->swr);
	if (ret < 0)
		return media_input_error(&j->in, ret, "cannot set up the resampler", j->err,
		                         j->errlen);
	return MEDIA_OK;
}

/* Every frame the decoder has ready. */
static media_status drain(wav_job *j)
{
	for (;;) {
		int ret = avcodec_receive_frame(j->ctx, j->frame);
		if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
			return MEDIA_OK;
		if (ret < 0)
			return media_input_error(&j->in, ret, "decoding the audio", j->err,
			                         j->errlen);
		media_status st = resampler_for(j, j->frame);
		if (st == MEDIA_OK)
			st = convert(j, (const uint8_t **)j->frame->extended_data,
			             j->frame->nb_samples);
		av_frame_unref(j->frame);
		if (st != MEDIA_OK)
			return st;
	}
}

/* Read, decode and resample to the end of the stream (or a damaged
 * tail), then flush the decoder and the resampler. */
static media_status decode_all(wav_job *j)
{
	media_status st;
	for (;;) {
		if (media_input_expired(&j->in))
			return media_input_error(&j->in, AVERROR_EXIT, "decoding the audio", j->err,
			                         j->errlen);
		int ret = av_read_frame(j->in.fmt, j->pkt);
		if (ret == AVERROR_EOF)
			break;
		if (ret < 0) {
			st = media_input_error(&j->in, ret, "reading the audio", j->err, j->errlen);
			if (st == MEDIA_INVALID && j->samples > 0)
				break; /* a damaged tail: what came before stands */
			return st;
		}
		if (j->pkt->stream_index == j->stream) {
			ret = avcodec_send_packet(j->ctx, j->pkt);
			/* A damaged packet is skipped, as a player would. */
			if (ret == AVERROR(ENOMEM)) {
				av_packet_unref(j->pkt);
				snprintf(j->err, j->errlen, "out of memory");
				return MEDIA_NOMEM;
			}
			if (ret >= 0 && (st = drain(j)) != MEDIA_OK && st != MEDIA_INVALID) {
				av_packet_unref(j->pkt);
				return st;
			}
		}
		av_packet_unref(j->pkt);
	}
	if (avcodec_send_packet(j->ctx, NULL) >= 0 && (st = drain(j)) != MEDIA_OK)
		return st;
	return j->swr ? convert(j, NULL, 0) : MEDIA_OK;
}

media_status media_wav_write(const char *media_path, int fd, uint64_t *samples, char *err,
                             size_t errlen)
{
	wav_job j = {.fd = fd, .err = err, .errlen = errlen, .swr_format = -1};
	media_status st;
	if (samples)
		*samples = 0;
	if (!write_header(fd, 0, false))
		return io_failed(&j, "writing the WAV file");
	if ((st = media_input_open_file(&j.in, media_path, err, errlen)) != MEDIA_OK)
		return st;
	if ((st = open_decoder(&j)) != MEDIA_OK)
		goto out;
	double hours =
	    j.in.fmt->duration > 0 ? (double)j.in.fmt->duration / AV_TIME_BASE / 3600 : 1;
	media_input_extend(&j.in, MEDIA_DEADLINE_SECONDS +
	                              (int)((hours + 1) * MEDIA_WAV_SECONDS_PER_HOUR));
	if ((st = decode_all(&j)) != MEDIA_OK)
		goto out;
	if (j.samples == 0) {
		snprintf(err, errlen, "the audio stream holds no samples");
		st = MEDIA_INVALID;
		goto out;
	}
	if (!write_header(fd, j.samples, true))
		st = io_failed(&j, "writing the WAV file");
out:
	if (samples)
		*samples = st == MEDIA_OK ? j.samples : 0;
	swr_free(&j.swr);
	av_channel_layout_uninit(&j.swr_layout);
	av_freep(&j.buf);
	av_frame_free(&j.frame);
	av_packet_free(&j.pkt);
	avcodec_free_context(&j.ctx);
	media_input_close(&j.in);
	return st;
}
