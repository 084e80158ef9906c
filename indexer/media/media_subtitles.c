#include "media_subtitles.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>

#include "media_input.h"
#include "srt.h"

void media_subtitles_free(media_subtitles *s)
{
	if (!s)
		return;
	cue_list_free(&s->cues);
	free(s->codec);
	free(s->language);
	*s = (media_subtitles)MEDIA_SUBTITLES_INIT;
}

static bool is_english(const char *lang)
{
	return lang && (strcmp(lang, "eng") == 0 || strcmp(lang, "en") == 0);
}

/* Pick the stream to read among info's streams: `wanted` when it is >= 0
 * (it must be a text subtitle stream), otherwise the first text subtitle
 * stream tagged English ("eng" or "en"), otherwise the first text subtitle
 * stream. Returns its index, or -1 with err[0..errlen) saying why. Pure. */
static int media_subtitles_pick(const media_info *info, int wanted, char *err, size_t errlen)
{
	if (wanted >= 0) {
		for (size_t i = 0; i < info->stream_count; i++) {
			const media_stream *ms = &info->streams[i];
			if (ms->index != wanted)
				continue;
			if (ms->text_subtitle)
				return wanted;
			snprintf(err, errlen, "stream %d is %s %s, not a text subtitle stream",
			         wanted, ms->type == MEDIA_STREAM_AUDIO ? "an" : "a",
			         ms->type == MEDIA_STREAM_SUBTITLE
			             ? "bitmap subtitle"
			             : media_stream_type_str(ms->type));
			return -1;
		}
		snprintf(err, errlen, "no stream %d (the file has %zu)", wanted,
		         info->stream_count);
		return -1;
	}
	int first = -1;
	for (size_t i = 0; i < info->stream_count; i++) {
		const media_stream *ms = &info->streams[i];
		if (!ms->text_subtitle)
			continue;
		if (is_english(ms->language))
			return ms->index;
		if (first < 0)
			first = ms->index;
	}
	if (first < 0)
		snprintf(err, errlen, "no subtitle stream");
	return first;
}

/* The text of an ASS event as libavcodec's text decoders give it. Since
 * FFmpeg 3.x (and in Matroska's ASS blocks) an event is
 *   ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text
 * and a full "Dialogue: Layer,Start,End,Style,Name,MarginL,MarginR,MarginV,
 * Effect,Text" line has 9 fields before the text. Text itself may hold
 * commas, so only the leading fields are skipped. */
static const char *ass_text(const char *event)
{
	const char *p = event;
	int fields = 8;
	if (strncmp(p, "Dialogue:", 9) == 0) {
		p += 9;
		fields = 9;
	}
	for (int i = 0; i < fields; i++) {
		const char *comma = strchr(p, ',');
		if (!comma)
			return event;
		p = comma + 1;
	}
	return p;
}

/* ASS escapes (ASS spec, "Dialogue" text): \N hard line break, \n soft
 * line break, \h hard space. Line endings at the very end are dropped. */
static char *unescape_ass(const char *raw)
{
	char *text = media_text_dup(raw);
	if (!text)
		return NULL;
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	char *out = malloc(len + 1);
	if (!out)
		goto out;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\\' && i + 1 < len &&
		    (text[i + 1] == 'N' || text[i + 1] == 'n' || text[i + 1] == 'h')) {
			out[o++] = text[i + 1] == 'h' ? ' ' : '\n';
			i++;
		} else if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
			continue;
		} else {
			out[o++] = text[i];
		}
	}
	out[o] = '\0';
out:
	free(text);
	return out;
}

static bool push_cue(cue_list *list, double start, double end, const char *text)
{
	cue c = {0};
	char id[32];
	snprintf(id, sizeof id, "%zu", list->count + 1);
	c.id = strdup(id);
	c.start = start;
	c.end = end;
	c.text = unescape_ass(text);
	c.plain = c.text ? srt_plain_text(c.text, strlen(c.text)) : NULL;
	c.voice = NULL;
	c.line = 0;
	c.settings.present = false;
	if (!c.id || !c.text || !c.plain) {
		free(c.id);
		free(c.text);
		free(c.plain);
		return false;
	}
	return cue_list_push(list, &c);
}

/* Seconds from a time in `tb` units; NAN when unknown. */
static double to_seconds(int64_t t, AVRational tb)
{
	if (t == AV_NOPTS_VALUE || tb.den == 0)
		return NAN;
	return (double)t * av_q2d(tb);
}

/* Turn one decoded subtitle into cues. Times: sub->pts (AV_TIME_BASE units,
 * set from the packet's pts because pkt_timebase is set) plus the display
 * times in milliseconds; when the decoder leaves the end unset (0 or
 * UINT32_MAX, "until the next"), the packet's duration. */
static bool add_subtitle(cue_list *list, const AVSubtitle *sub, const AVPacket *pkt, AVRational tb)
{
	double base = sub->pts != AV_NOPTS_VALUE
	                  ? (double)sub->pts / AV_TIME_BASE
	                  : to_seconds(pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts, tb);
	if (!isfinite(base))
		base = 0;
	double start = base + sub->start_display_time / 1000.0;
	double end;
	if (sub->end_display_time != 0 && sub->end_display_time != UINT32_MAX)
		end = base + sub->end_display_time / 1000.0;
	else if (pkt->duration > 0 && isfinite(to_seconds(pkt->duration, tb)))
		end = base + to_seconds(pkt->duration, tb);
	else
		end = start;
	for (unsigned i = 0; i < sub->num_rects; i++) {
		const AVSubtitleRect *r = sub->rects[i];
		const char *text = r->type == SUBTITLE_ASS && r->ass     ? ass_text(r->ass)
		                   : r->type == SUBTITLE_TEXT && r->text ? r->text
		                                                         : NULL;
		if (text && !push_cue(list, start, end, text))
			return false;
	}
	return true;
}

static media_status decode_stream(media_input *in, int index, media_subtitles *out)
{
	media_status status = MEDIA_NOMEM;
	AVCodecContext *ctx = NULL;
	AVPacket *pkt = NULL;
	AVStream *st = in->fmt->streams[index];
	const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
	if (!codec) {
		snprintf(out->error, sizeof out->error, "no decoder for %s subtitles",
		         avcodec_get_name(st->codecpar->codec_id));
		status = MEDIA_INVALID;
		goto out;
	}
	ctx = avcodec_alloc_context3(codec);
	pkt = av_packet_alloc();
	if (!ctx || !pkt) {
		snprintf(out->error, sizeof out->error, "out of memory");
		goto out;
	}
	int ret = avcodec_parameters_to_context(ctx, st->codecpar);
	if (ret >= 0) {
		ctx->pkt_timebase = st->time_base;
		ret = avcodec_open2(ctx, codec, NULL);
	}
	if (ret < 0) {
		status = media_input_error(in, ret, "cannot open the subtitle decoder", out->error,
		                           sizeof out->error);
		goto out;
	}
	for (unsigned i = 0; i < in->fmt->nb_streams; i++)
		in->fmt->streams[i]->discard = (int)i == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
	media_input_extend(in, MEDIA_SUBTITLES_DEADLINE_SECONDS);
	for (;;) {
		if (media_input_expired(in)) {
			status = media_input_error(in, AVERROR_EXIT, "reading subtitles",
			                           out->error, sizeof out->error);
			goto out;
		}
		ret = av_read_frame(in->fmt, pkt);
		if (ret < 0) {
			if (ret == AVERROR_EOF)
				break;
			status = media_input_error(in, ret, "reading subtitles", out->error,
			                           sizeof out->error);
			/* A damaged tail ends the stream, as it would in a player:
			 * the cues read so far stand. Time-outs, read errors and
			 * out of memory fail the call. */
			if (status == MEDIA_INVALID) {
				out->error[0] = '\0';
				break;
			}
			goto out;
		}
		if (pkt->stream_index == index) {
			AVSubtitle sub;
			int got = 0;
			ret = avcodec_decode_subtitle2(ctx, &sub, &got, pkt);
			if (ret == AVERROR(ENOMEM)) {
				av_packet_unref(pkt);
				snprintf(out->error, sizeof out->error, "out of memory");
				goto out;
			}
			if (ret >= 0 && got) {
				bool ok = add_subtitle(&out->cues, &sub, pkt, st->time_base);
				avsubtitle_free(&sub);
				if (!ok) {
					av_packet_unref(pkt);
					snprintf(out->error, sizeof out->error, "out of memory");
					goto out;
				}
			}
		}
		av_packet_unref(pkt);
	}
	status = MEDIA_OK;
out:
	av_packet_free(&pkt);
	avcodec_free_context(&ctx);
	return status;
}

static media_status read_subtitles(media_input *in, media_status opened, const char *name,
                                   int wanted, media_subtitles *out)
{
	media_info info = MEDIA_INFO_INIT;
	media_status status = opened;
	if (status != MEDIA_OK)
		goto out;
	status = media_info_fill(in->fmt, &info);
	if (status != MEDIA_OK) {
		snprintf(out->error, sizeof out->error, "%s", info.error);
		goto out;
	}
	char why[200];
	int index = media_subtitles_pick(&info, wanted, why, sizeof why);
	if (index < 0) {
		status = MEDIA_NO_SUBTITLES;
		if (wanted < 0)
			snprintf(out->error, sizeof out->error, "no subtitle stream in %s", name);
		else
			snprintf(out->error, sizeof out->error, "%s: %s", name, why);
		goto out;
	}
	for (size_t i = 0; i < info.stream_count; i++) {
		if (info.streams[i].index != index)
			continue;
		out->stream = index;
		out->codec = strdup(info.streams[i].codec);
		out->language = info.streams[i].language ? strdup(info.streams[i].language) : NULL;
		if (!out->codec || (info.streams[i].language && !out->language)) {
			snprintf(out->error, sizeof out->error, "out of memory");
			status = MEDIA_NOMEM;
			goto out;
		}
	}
	status = decode_stream(in, index, out);
out:
	media_info_free(&info);
	media_input_close(in);
	if (status != MEDIA_OK) {
		char error[sizeof out->error];
		memcpy(error, out->error, sizeof error);
		media_subtitles_free(out);
		memcpy(out->error, error, sizeof error);
	}
	return status;
}

media_status media_subtitles_read_file(const char *path, int wanted, media_subtitles *out)
{
	*out = (media_subtitles)MEDIA_SUBTITLES_INIT;
	media_input in;
	media_status opened = media_input_open_file(&in, path, out->error, sizeof out->error);
	return read_subtitles(&in, opened, path, wanted, out);
}

media_status media_subtitles_read_memory(const unsigned char *buf, size_t len, int wanted,
                                         media_subtitles *out)
{
	*out = (media_subtitles)MEDIA_SUBTITLES_INIT;
	media_input in;
	media_status opened = media_input_open_memory(&in, buf, len, out->error, sizeof out->error);
	return read_subtitles(&in, opened, "the input", wanted, out);
}
