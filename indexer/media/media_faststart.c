#include "media_faststart.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>

#include "errmsg.h"
#include "media_input.h"

/* Top-level boxes read before giving up: a real file has a handful
 * (ftyp, moov, mdat, free, udta...); a fragmented one a box per fragment,
 * and its moov comes first anyway. */
#define MAX_BOXES 1000

/* The remux's time limit: a stream copy runs at disk speed, so a minute
 * plus a second per 10 MB is far more than it needs. */
#define COPY_BASE_SECONDS     60
#define COPY_BYTES_PER_SECOND (10 * 1000 * 1000)

static bool pread_all(int fd, unsigned char *buf, size_t n, off_t at)
{
	ssize_t got;
	do
		got = pread(fd, buf, n, at);
	while (got < 0 && errno == EINTR);
	return got == (ssize_t)n;
}

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* ISO/IEC 14496-12 §4.2: a box is a 32-bit size (1: a 64-bit size
 * follows the type; 0: to the end of the file) and a four-letter type. A
 * file is taken as one when its first box is one a top level can start
 * with. */
static bool top_level_start(const unsigned char *type)
{
	static const char *const first[] = {"ftyp", "moov", "mdat", "wide", "free", "skip", "pnot"};
	for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
		if (memcmp(type, first[i], 4) == 0)
			return true;
	return false;
}

media_status media_faststart_needed(const char *path, bool *needed, char *err, size_t errlen)
{
	*needed = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		errmsg_set_errno(err, errlen, path, errno);
		if (fd >= 0)
			close(fd);
		return MEDIA_UNREADABLE;
	}
	uint64_t size = (uint64_t)st.st_size, at = 0;
	bool mdat_seen = false;
	for (int i = 0; i < MAX_BOXES && at + 8 <= size; i++) {
		unsigned char h[16];
		if (!pread_all(fd, h, 8, (off_t)at))
			break;
		uint64_t box = be(h, 4);
		if (i == 0 && !top_level_start(h + 4))
			break;
		if (box == 1) {
			if (at + 16 > size || !pread_all(fd, h + 8, 8, (off_t)at + 8))
				break;
			box = be(h + 8, 8);
		} else if (box == 0) {
			box = size - at;
		}
		if (box < 8 || box > size - at)
			break; /* damaged: leave it to the probe */
		if (memcmp(h + 4, "moov", 4) == 0) {
			*needed = mdat_seen;
			break;
		}
		mdat_seen |= memcmp(h + 4, "mdat", 4) == 0;
		at += box;
	}
	close(fd);
	return MEDIA_OK;
}

static const char *muxer_for(const char *dst)
{
	size_t n = strlen(dst);
	if (n >= 4 && strcmp(dst + n - 4, ".mov") == 0)
		return "mov";
	if (n >= 4 && strcmp(dst + n - 4, ".m4a") == 0)
		return "ipod";
	return "mp4";
}

/* The stream's parameters, metadata, disposition and side data onto a new
 * stream of out; MEDIA_INVALID when the muxer cannot carry its codec. */
static media_status copy_stream(AVFormatContext *out, const AVStream *in, char *err, size_t errlen)
{
	const AVCodecParameters *par = in->codecpar;
	if (avformat_query_codec(out->oformat, par->codec_id, FF_COMPLIANCE_NORMAL) != 1) {
		errmsg_set(err, errlen, "stream %d (%s) cannot be carried into %s", in->index,
		           avcodec_get_name(par->codec_id), out->oformat->name);
		return MEDIA_INVALID;
	}
	AVStream *s = avformat_new_stream(out, NULL);
	if (!s || avcodec_parameters_copy(s->codecpar, par) < 0 ||
	    av_dict_copy(&s->metadata, in->metadata, 0) < 0)
		return MEDIA_NOMEM;
	/* The muxer picks the tag its container uses for the codec. */
	s->codecpar->codec_tag = 0;
	s->time_base = in->time_base;
	s->disposition = in->disposition;
	for (int i = 0; i < in->nb_side_data; i++) {
		const AVPacketSideData *sd = &in->side_data[i];
		uint8_t *d = av_stream_new_side_data(s, sd->type, sd->size);
		if (!d)
			return MEDIA_NOMEM;
		memcpy(d, sd->data, sd->size);
	}
	return MEDIA_OK;
}

static media_status copy_chapters(AVFormatContext *out, const AVFormatContext *in)
{
	if (in->nb_chapters == 0)
		return MEDIA_OK;
	out->chapters = av_calloc(in->nb_chapters, sizeof *out->chapters);
	if (!out->chapters)
		return MEDIA_NOMEM;
	for (unsigned i = 0; i < in->nb_chapters; i++) {
		const AVChapter *c = in->chapters[i];
		AVChapter *d = av_mallocz(sizeof *d);
		if (!d)
			return MEDIA_NOMEM;
		out->chapters[out->nb_chapters++] = d;
		d->id = c->id;
		d->time_base = c->time_base;
		d->start = c->start;
		d->end = c->end;
		if (av_dict_copy(&d->metadata, c->metadata, 0) < 0)
			return MEDIA_NOMEM;
	}
	return MEDIA_OK;
}

/* Every packet of in into out, as it is (timestamps into the output
 * stream's time base, which the muxer may have changed). */
static media_status copy_packets(media_input *in, AVFormatContext *out, char *err, size_t errlen)
{
	AVPacket *pkt = av_packet_alloc();
	if (!pkt)
		return MEDIA_NOMEM;
	media_status st = MEDIA_OK;
	int rc;
	while ((rc = av_read_frame(in->fmt, pkt)) >= 0) {
		if (pkt->stream_index < 0 || (unsigned)pkt->stream_index >= out->nb_streams) {
			st = MEDIA_INVALID; /* a stream that appeared after the header */
			errmsg_set(err, errlen, "a stream appeared in the middle of the file");
			break;
		}
		AVStream *is = in->fmt->streams[pkt->stream_index];
		AVStream *os = out->streams[pkt->stream_index];
		av_packet_rescale_ts(pkt, is->time_base, os->time_base);
		pkt->pos = -1;
		if ((rc = av_interleaved_write_frame(out, pkt)) < 0)
			break;
	}
	av_packet_free(&pkt);
	if (st == MEDIA_OK && rc < 0 && rc != AVERROR_EOF)
		st = media_input_error(in, rc, "copying the packets", err, errlen);
	return st;
}

static bool fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The copy is src again: the same streams, and the same duration within
 * 0.1 s (the muxer may round the last packet's duration). */
static media_status same_media(const char *src, const char *dst, char *err, size_t errlen)
{
	media_info a = MEDIA_INFO_INIT, b = MEDIA_INFO_INIT;
	media_status st = media_probe_file(src, &a);
	if (st == MEDIA_OK)
		st = media_probe_file(dst, &b);
	if (st == MEDIA_OK &&
	    (a.stream_count != b.stream_count || a.has_duration != b.has_duration ||
	     (a.has_duration && fabs(a.duration - b.duration) > 0.1))) {
		errmsg_set(err, errlen, "the copy differs: %zu streams, %.3f s (was %zu, %.3f s)",
		           b.stream_count, b.duration, a.stream_count, a.duration);
		st = MEDIA_INVALID;
	} else if (st != MEDIA_OK) {
		errmsg_set(err, errlen, "the copy does not probe: %s",
		           b.error[0] ? b.error : a.error);
	}
	media_info_free(&a);
	media_info_free(&b);
	return st;
}

media_status media_faststart_copy(const char *src, const char *dst, char *err, size_t errlen)
{
	media_input in;
	AVFormatContext *out = NULL;
	AVDictionary *opts = NULL;
	bool created = false;
	media_status st = media_input_open_file(&in, src, err, errlen);
	if (st != MEDIA_OK)
		return st;
	media_input_extend(&in, COPY_BASE_SECONDS + (int)(in.size / COPY_BYTES_PER_SECOND));
	int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		errmsg_set_errno(err, errlen, dst, errno);
		st = MEDIA_UNREADABLE;
		goto out;
	}
	created = true;
	close(fd);
	if (avformat_alloc_output_context2(&out, NULL, muxer_for(dst), dst) < 0) {
		st = MEDIA_NOMEM;
		goto out;
	}
	for (unsigned i = 0; st == MEDIA_OK && i < in.fmt->nb_streams; i++)
		st = copy_stream(out, in.fmt->streams[i], err, errlen);
	if (st == MEDIA_OK)
		st = copy_chapters(out, in.fmt);
	if (st == MEDIA_OK && av_dict_copy(&out->metadata, in.fmt->metadata, 0) < 0)
		st = MEDIA_NOMEM;
	if (st != MEDIA_OK)
		goto out;
	int rc = avio_open(&out->pb, dst, AVIO_FLAG_WRITE);
	/* The muxer moves moov to the front in its trailer, re-reading dst. */
	if (rc >= 0 && (rc = av_dict_set(&opts, "movflags", "+faststart", 0)) >= 0)
		rc = avformat_write_header(out, &opts);
	if (rc < 0) {
		st = media_input_error(&in, rc, "writing the copy", err, errlen);
		goto out;
	}
	if ((st = copy_packets(&in, out, err, errlen)) != MEDIA_OK)
		goto out;
	if ((rc = av_write_trailer(out)) < 0 || (rc = avio_closep(&out->pb)) < 0) {
		st = media_input_error(&in, rc, "finishing the copy", err, errlen);
		goto out;
	}
	if (!fsync_path(dst)) {
		errmsg_set_errno(err, errlen, dst, errno);
		st = MEDIA_UNREADABLE;
		goto out;
	}
	st = same_media(src, dst, err, errlen);
out:
	if (out) {
		avio_closep(&out->pb);
		avformat_free_context(out);
	}
	av_dict_free(&opts);
	media_input_close(&in);
	if (st != MEDIA_OK && created)
		unlink(dst);
	return st;
}
