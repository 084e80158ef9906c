#include "media_probe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/dict.h>
#include <libavutil/log.h>

#include "media_input.h"

const char *media_status_str(media_status status)
{
	switch (status) {
	case MEDIA_OK:
		return "ok";
	case MEDIA_UNREADABLE:
		return "unreadable";
	case MEDIA_INVALID:
		return "not a playable recording";
	case MEDIA_TIMEOUT:
		return "timed out";
	case MEDIA_NO_SUBTITLES:
		return "no subtitle stream";
	case MEDIA_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

const char *media_stream_type_str(media_stream_type type)
{
	switch (type) {
	case MEDIA_STREAM_VIDEO:
		return "video";
	case MEDIA_STREAM_AUDIO:
		return "audio";
	case MEDIA_STREAM_SUBTITLE:
		return "subtitle";
	case MEDIA_STREAM_DATA:
		return "data";
	}
	return "data";
}

void media_log_silence(void)
{
	av_log_set_level(AV_LOG_QUIET);
}

void media_info_free(media_info *info)
{
	if (!info)
		return;
	free(info->format);
	for (size_t i = 0; i < info->stream_count; i++) {
		free(info->streams[i].codec);
		free(info->streams[i].language);
	}
	free(info->streams);
	for (size_t i = 0; i < info->chapter_count; i++)
		free(info->chapters[i].title);
	free(info->chapters);
	for (size_t i = 0; i < info->tag_count; i++) {
		free(info->tags[i].key);
		free(info->tags[i].value);
	}
	free(info->tags);
	*info = (media_info)MEDIA_INFO_INIT;
}

static media_stream_type stream_type(enum AVMediaType type)
{
	switch (type) {
	case AVMEDIA_TYPE_VIDEO:
		return MEDIA_STREAM_VIDEO;
	case AVMEDIA_TYPE_AUDIO:
		return MEDIA_STREAM_AUDIO;
	case AVMEDIA_TYPE_SUBTITLE:
		return MEDIA_STREAM_SUBTITLE;
	case AVMEDIA_TYPE_UNKNOWN:
	case AVMEDIA_TYPE_DATA:
	case AVMEDIA_TYPE_ATTACHMENT:
	case AVMEDIA_TYPE_NB:
		return MEDIA_STREAM_DATA;
	}
	return MEDIA_STREAM_DATA;
}

/* A time in `tb` units as seconds; 0 for a missing or nonsensical base. */
static double seconds(int64_t t, AVRational tb)
{
	if (t == AV_NOPTS_VALUE || tb.den == 0)
		return 0;
	double s = (double)t * av_q2d(tb);
	return isfinite(s) ? s : 0;
}

/* A UTF-8 copy that keeps NULL as NULL and reports out of memory through
 * *nomem. */
static char *dup_or_null(const char *s, bool *nomem)
{
	if (!s)
		return NULL;
	char *d = media_text_dup(s);
	if (!d)
		*nomem = true;
	return d;
}

media_status media_info_fill(AVFormatContext *fmt, media_info *out)
{
	bool nomem = false;
	out->format =
	    dup_or_null(fmt->iformat && fmt->iformat->name ? fmt->iformat->name : "", &nomem);
	if (fmt->nb_streams) {
		out->streams = calloc(fmt->nb_streams, sizeof *out->streams);
		nomem |= !out->streams;
	}
	for (unsigned i = 0; out->streams && i < fmt->nb_streams; i++) {
		const AVStream *st = fmt->streams[i];
		media_stream *ms = &out->streams[out->stream_count++];
		ms->index = st->index;
		ms->type = stream_type(st->codecpar->codec_type);
		ms->codec = dup_or_null(avcodec_get_name(st->codecpar->codec_id), &nomem);
		/* "und" is ISO 639-2 for "undetermined": the same as no tag. */
		const AVDictionaryEntry *lang = av_dict_get(st->metadata, "language", NULL, 0);
		if (lang && lang->value[0] && strcmp(lang->value, "und") != 0)
			ms->language = dup_or_null(lang->value, &nomem);
		const AVCodecDescriptor *desc = avcodec_descriptor_get(st->codecpar->codec_id);
		ms->text_subtitle = ms->type == MEDIA_STREAM_SUBTITLE && desc &&
		                    (desc->props & AV_CODEC_PROP_TEXT_SUB);
	}
	if (fmt->nb_chapters) {
		out->chapters = calloc(fmt->nb_chapters, sizeof *out->chapters);
		nomem |= !out->chapters;
	}
	for (unsigned i = 0; out->chapters && i < fmt->nb_chapters; i++) {
		const AVChapter *ch = fmt->chapters[i];
		media_chapter *mc = &out->chapters[out->chapter_count++];
		mc->start = seconds(ch->start, ch->time_base);
		mc->end = seconds(ch->end, ch->time_base);
		const AVDictionaryEntry *title = av_dict_get(ch->metadata, "title", NULL, 0);
		mc->title = dup_or_null(title ? title->value : "", &nomem);
	}
	size_t ntags = (size_t)av_dict_count(fmt->metadata);
	if (ntags) {
		out->tags = calloc(ntags, sizeof *out->tags);
		nomem |= !out->tags;
	}
	const AVDictionaryEntry *tag = NULL;
	while (out->tags && out->tag_count < ntags &&
	       (tag = av_dict_get(fmt->metadata, "", tag, AV_DICT_IGNORE_SUFFIX)) != NULL) {
		media_tag *mt = &out->tags[out->tag_count++];
		mt->key = dup_or_null(tag->key, &nomem);
		mt->value = dup_or_null(tag->value, &nomem);
	}
	/* The container's duration, else the longest stream's. */
	if (fmt->duration != AV_NOPTS_VALUE && fmt->duration >= 0) {
		out->has_duration = true;
		out->duration = (double)fmt->duration / AV_TIME_BASE;
	} else {
		for (unsigned i = 0; i < fmt->nb_streams; i++) {
			const AVStream *st = fmt->streams[i];
			double d = seconds(st->duration, st->time_base);
			if (st->duration != AV_NOPTS_VALUE && d >= 0 &&
			    (!out->has_duration || d > out->duration)) {
				out->has_duration = true;
				out->duration = d;
			}
		}
	}
	if (nomem) {
		media_info_free(out);
		snprintf(out->error, sizeof out->error, "out of memory");
		return MEDIA_NOMEM;
	}
	return MEDIA_OK;
}

/* Playable means an audio or video stream a player could decode: one whose
 * codec libavformat recognised. */
static bool playable(const media_info *info)
{
	for (size_t i = 0; i < info->stream_count; i++) {
		const media_stream *ms = &info->streams[i];
		if ((ms->type == MEDIA_STREAM_VIDEO || ms->type == MEDIA_STREAM_AUDIO) &&
		    strcmp(ms->codec, "none") != 0)
			return true;
	}
	return false;
}

static media_status probe(media_input *in, media_status opened, media_info *out)
{
	if (opened != MEDIA_OK)
		return opened;
	media_status status = media_info_fill(in->fmt, out);
	media_input_close(in);
	if (status == MEDIA_OK && !playable(out)) {
		media_info_free(out);
		snprintf(out->error, sizeof out->error, "no audio or video stream");
		status = MEDIA_INVALID;
	}
	return status;
}

media_status media_probe_file(const char *path, media_info *out)
{
	*out = (media_info)MEDIA_INFO_INIT;
	media_input in;
	media_status opened = media_input_open_file(&in, path, out->error, sizeof out->error);
	return probe(&in, opened, out);
}

media_status media_probe_memory(const unsigned char *buf, size_t len, media_info *out)
{
	*out = (media_info)MEDIA_INFO_INIT;
	media_input in;
	media_status opened = media_input_open_memory(&in, buf, len, out->error, sizeof out->error);
	return probe(&in, opened, out);
}
