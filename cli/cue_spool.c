#include "cue_spool.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "commands.h"
#include "cue_json_write.h"
#include "errmsg.h"
#include "strbuf.h"

/* Cue JSON is written to the file in pieces of about this size: large
 * enough that write(2) calls cost nothing beside the JSON, small enough
 * not to matter beside the input. */
#define SPOOL_FLUSH_BYTES (1u << 20)

typedef struct spool {
	int fd;          /* the unlinked temporary file */
	strbuf buf;      /* cue JSON not yet written to fd */
	size_t count;    /* cues written (to buf or fd) */
	int write_errno; /* a write to fd failed: its errno */
	bool unwritable; /* a cue held NaN or infinity (cue_json_writable) */
} spool;

static int spool_open(spool *s)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	strbuf path = STRBUF_INIT;
	if (!sb_append_str(&path, dir) || !sb_append_str(&path, "/qarchive-cues-XXXXXX")) {
		sb_free(&path);
		return ENOMEM;
	}
	s->fd = mkstemp(path.data);
	int err = s->fd < 0 ? errno : 0;
	if (s->fd >= 0)
		unlink(path.data);
	sb_free(&path);
	return err;
}

static bool write_all(int fd, const char *p, size_t n, int *err)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			*err = errno;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool spool_flush(spool *s)
{
	if (!write_all(s->fd, s->buf.data, s->buf.len, &s->write_errno))
		return false;
	sb_clear(&s->buf);
	return true;
}

/* transcript_sink.cue. A cue JSON cannot hold is not written but noted:
 * transcript_json's answer to it (NULL) matters only if the file is
 * valid, which the parse has yet to say. */
static bool spool_cue(void *ctx, cue *c)
{
	spool *s = ctx;
	if (!cue_json_writable(c)) {
		s->unwritable = true;
		return true;
	}
	if (!cue_json_write_cue(&s->buf, c, s->count == 0))
		return false;
	s->count++;
	return s->buf.len < SPOOL_FLUSH_BYTES || spool_flush(s);
}

/* transcript_sink.restart: roll-up captions, about to come again. */
static void spool_restart(void *ctx)
{
	spool *s = ctx;
	sb_clear(&s->buf);
	s->count = 0;
	s->unwritable = false;
	if (ftruncate(s->fd, 0) != 0 || lseek(s->fd, 0, SEEK_SET) != 0)
		s->write_errno = errno;
}

/* The spooled cues [0, end) to out through user space: where sendfile
 * cannot write (an O_APPEND file, say). */
static bool spool_read_copy(spool *s, off_t end, FILE *out)
{
	char *chunk = lseek(s->fd, 0, SEEK_SET) == 0 ? malloc(SPOOL_FLUSH_BYTES) : NULL;
	bool ok = chunk != NULL;
	for (off_t at = 0; ok && at < end;) {
		ssize_t n = read(s->fd, chunk, SPOOL_FLUSH_BYTES);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && fwrite(chunk, 1, (size_t)n, out) == (size_t)n;
		at += n;
	}
	free(chunk);
	return ok;
}

/* The spooled cues, from the start of the file, to out: by sendfile, so
 * the bytes go from the page cache to out without a pass through here. */
static bool spool_copy(spool *s, FILE *out)
{
	if (!spool_flush(s) || fflush(out) != 0)
		return false;
	off_t end = lseek(s->fd, 0, SEEK_END), at = 0;
	if (end < 0)
		return false;
	while (at < end) {
		ssize_t n = sendfile(fileno(out), s->fd, &at, (size_t)(end - at));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && at == 0 && (errno == EINVAL || errno == ENOSYS))
			return spool_read_copy(s, end, out);
		if (n <= 0)
			return false;
	}
	return true;
}

/* The document: head, the cues (when valid), tail. False when a write or
 * an allocation failed. */
static bool print_document(spool *s, const transcript *t, transcript_status status, FILE *out)
{
	strbuf edge = STRBUF_INIT;
	size_t count = status == TRANSCRIPT_OK ? s->count : 0;
	bool ok = cue_json_write_head(&edge, status, t->format) &&
	          fwrite(edge.data, 1, edge.len, out) == edge.len &&
	          (count == 0 || spool_copy(s, out));
	sb_clear(&edge);
	ok = ok && cue_json_write_tail(&edge, count, t, status) &&
	     fwrite(edge.data, 1, edge.len, out) == edge.len && fflush(out) == 0;
	sb_free(&edge);
	return ok;
}

int cue_spool_print(const char *buf, size_t len, transcript_format format, const char *name,
                    FILE *out)
{
	spool s = {-1, STRBUF_INIT, 0, 0, false};
	int err = spool_open(&s);
	char why[128];
	if (err) {
		fprintf(stderr, "qarchive cues: cannot make a temporary file: %s\n",
		        errmsg_strerror(err, why, sizeof why));
		return EXIT_USAGE;
	}
	transcript_sink sink = {spool_cue, spool_restart, &s};
	transcript t = TRANSCRIPT_INIT;
	transcript_status status = transcript_stream(buf, len, format, name, &sink, &t);
	int rc = status == TRANSCRIPT_OK ? EXIT_OK : EXIT_REJECTED;
	if (s.write_errno) {
		fprintf(stderr, "qarchive cues: cannot write a temporary file: %s\n",
		        errmsg_strerror(s.write_errno, why, sizeof why));
		rc = EXIT_USAGE;
	} else if (status == TRANSCRIPT_NOMEM) {
		fprintf(stderr, "qarchive cues: out of memory reading %s\n", name);
		rc = EXIT_USAGE;
	} else if (status == TRANSCRIPT_OK && s.unwritable) {
		fputs("qarchive: out of memory\n", stderr); /* what json_out_print says */
		rc = EXIT_USAGE;
	} else if (!print_document(&s, &t, status, out)) {
		rc = EXIT_USAGE;
	}
	if (status == TRANSCRIPT_INVALID)
		fprintf(stderr, "qarchive cues: %s: %s\n", name, t.error);
	transcript_free(&t);
	sb_free(&s.buf);
	close(s.fd);
	return rc;
}
