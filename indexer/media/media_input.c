#include "media_input.h"

#include "errmsg.h"
#include "text_decode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/mem.h>

/* libavformat's own default buffer size for file I/O (IO_BUFFER_SIZE). */
#define MEDIA_IO_BUFFER 32768

bool media_input_expired(media_input *in)
{
	if (in->timed_out)
		return true;
	struct timespec now;
	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return false;
	if (now.tv_sec > in->deadline.tv_sec ||
	    (now.tv_sec == in->deadline.tv_sec && now.tv_nsec >= in->deadline.tv_nsec))
		in->timed_out = true;
	return in->timed_out;
}

char *media_text_dup(const char *s)
{
	strbuf sb = STRBUF_INIT;
	if (!text_normalize(s, strlen(s), TEXT_UTF8_REPLACE, &sb, NULL)) {
		sb_free(&sb);
		return NULL;
	}
	return sb_take(&sb);
}

/* AVIOInterruptCB: libavformat polls it in its probing and reading loops. */
static int interrupt_cb(void *opaque)
{
	return media_input_expired(opaque) ? 1 : 0;
}

/* Custom I/O: the same two callbacks serve a file and a buffer, so the
 * fuzzer runs exactly the code the CLI runs. */
static int read_packet(void *opaque, uint8_t *dst, int size)
{
	media_input *in = opaque;
	if (media_input_expired(in))
		return AVERROR_EXIT;
	if (size <= 0 || in->pos >= in->size)
		return AVERROR_EOF;
	int64_t left = in->size - in->pos;
	size_t n = (size_t)(left < size ? left : size);
	if (in->buf) {
		memcpy(dst, in->buf + in->pos, n);
	} else {
		ssize_t got;
		do
			got = pread(in->fd, dst, n, (off_t)in->pos);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			in->io_errno = errno;
			return AVERROR(errno);
		}
		if (got == 0)
			return AVERROR_EOF; /* the file shrank under us */
		n = (size_t)got;
	}
	in->pos += (int64_t)n;
	return (int)n;
}

static int64_t seek(void *opaque, int64_t offset, int whence)
{
	media_input *in = opaque;
	int64_t base;
	switch (whence & ~AVSEEK_FORCE) {
	case AVSEEK_SIZE:
		return in->size;
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = in->pos;
		break;
	case SEEK_END:
		base = in->size;
		break;
	default:
		return AVERROR(EINVAL);
	}
	/* Offsets come from the file's own fields: refuse what would overflow
	 * or land before the start. Past the end is allowed (reads give EOF). */
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
		return AVERROR(EINVAL);
	in->pos = base + offset;
	return in->pos;
}

/* Demuxers such as hls, concat and mov (with drefs) open further URLs
 * through io_open. A recording is one file: refuse them all. */
static int refuse_io_open(AVFormatContext *s, AVIOContext **pb, const char *url, int flags,
                          AVDictionary **options)
{
	(void)s;
	(void)url;
	(void)flags;
	(void)options;
	*pb = NULL;
	return AVERROR(EPERM);
}

media_status media_input_error(media_input *in, int averr, const char *what, char *err,
                               size_t errlen)
{
	if (in->timed_out || averr == AVERROR_EXIT || media_input_expired(in)) {
		snprintf(err, errlen, "%s: gave up at the deadline (too slow to read)", what);
		return MEDIA_TIMEOUT;
	}
	if (in->io_errno) {
		char why[ERRMSG_WHY_SIZE];
		snprintf(err, errlen, "%s: %s", what,
		         errmsg_strerror(in->io_errno, why, sizeof why));
		return MEDIA_UNREADABLE;
	}
	if (averr == AVERROR(ENOMEM)) {
		snprintf(err, errlen, "%s: out of memory", what);
		return MEDIA_NOMEM;
	}
	char reason[AV_ERROR_MAX_STRING_SIZE] = "";
	av_strerror(averr, reason, sizeof reason);
	snprintf(err, errlen, "%s: %s", what, reason);
	return MEDIA_INVALID;
}

void media_input_close(media_input *in)
{
	if (in->fmt)
		avformat_close_input(&in->fmt); /* custom I/O: leaves pb to us */
	if (in->pb) {
		av_freep(&in->pb->buffer);
		avio_context_free(&in->pb);
	}
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	in->buf = NULL;
}

static media_status open_common(media_input *in, char *err, size_t errlen)
{
	media_status status = MEDIA_NOMEM;
	AVDictionary *opts = NULL;
	unsigned char *iobuf = av_malloc(MEDIA_IO_BUFFER);
	if (!iobuf) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	in->pb = avio_alloc_context(iobuf, MEDIA_IO_BUFFER, 0, in, read_packet, NULL, seek);
	if (!in->pb) {
		av_free(iobuf);
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	in->fmt = avformat_alloc_context();
	if (!in->fmt) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	in->fmt->pb = in->pb;
	in->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
	in->fmt->io_open = refuse_io_open;
	in->fmt->interrupt_callback.callback = interrupt_cb;
	in->fmt->interrupt_callback.opaque = in;
	if (av_dict_set_int(&opts, "probesize", MEDIA_PROBESIZE, 0) < 0 ||
	    av_dict_set_int(&opts, "analyzeduration", (int64_t)MEDIA_ANALYZE_SECONDS * 1000000, 0) <
	        0 ||
	    av_dict_set(&opts, "protocol_whitelist", "none", 0) < 0 || !media_demuxer_whitelist() ||
	    av_dict_set(&opts, "format_whitelist", media_demuxer_whitelist(), 0) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* No file name: the format is decided by the bytes alone, never by an
	 * extension (a text file renamed .mp4 stays a text file). */
	int ret = avformat_open_input(&in->fmt, "", NULL, &opts);
	if (ret < 0) {
		/* avformat_open_input frees the context on failure. */
		status = media_input_error(in, ret, "cannot read the container", err, errlen);
		goto out;
	}
	ret = avformat_find_stream_info(in->fmt, NULL);
	if (ret < 0) {
		status = media_input_error(in, ret, "cannot read the streams", err, errlen);
		goto out;
	}
	if (media_input_expired(in)) {
		status =
		    media_input_error(in, AVERROR_EXIT, "cannot read the streams", err, errlen);
		goto out;
	}
	status = MEDIA_OK;
out:
	av_dict_free(&opts);
	if (status != MEDIA_OK)
		media_input_close(in);
	return status;
}

void media_input_extend(media_input *in, int seconds)
{
	if (clock_gettime(CLOCK_MONOTONIC, &in->deadline) != 0)
		in->deadline.tv_sec = 0;
	in->deadline.tv_sec += seconds;
}

static void init(media_input *in)
{
	memset(in, 0, sizeof *in);
	in->fd = -1;
	media_input_extend(in, MEDIA_DEADLINE_SECONDS);
}

media_status media_input_open_file(media_input *in, const char *path, char *err, size_t errlen)
{
	init(in);
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (in->fd < 0 || fstat(in->fd, &st) != 0) {
		char why[ERRMSG_WHY_SIZE];
		snprintf(err, errlen, "cannot open: %s", errmsg_strerror(errno, why, sizeof why));
		media_input_close(in);
		return MEDIA_UNREADABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		media_input_close(in);
		return MEDIA_UNREADABLE;
	}
	in->size = (int64_t)st.st_size;
	return open_common(in, err, errlen);
}

media_status media_input_open_memory(media_input *in, const unsigned char *buf, size_t len,
                                     char *err, size_t errlen)
{
	init(in);
	static const unsigned char empty[1] = {0};
	in->buf = buf ? buf : empty;
	in->size = buf ? (int64_t)len : 0;
	return open_common(in, err, errlen);
}
