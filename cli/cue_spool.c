#include "cue_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "cue_json_write.h"
#include "errmsg.h"
#include "strbuf.h"

/* Cue JSON stays in memory up to this size: nearly every transcript (an
 * hour of speech is some 300 KB of JSON) is printed without touching the
 * disk, and the few MB do not matter beside the input held in memory. */
#define SPOOL_MEMORY_BYTES (4u << 20)

/* Past that, cue JSON is written in pieces of about this size: large
 * enough that write(2) calls cost nothing beside the JSON. */
#define SPOOL_FLUSH_BYTES (1u << 20)

/* Where the cues written so far are. */
typedef enum spool_where {
	SPOOL_MEMORY, /* all in buf */
	SPOOL_OUT,    /* in out itself, after the document's head (spool_out_fits) */
	SPOOL_FILE,   /* in the unlinked temporary file fd, then buf */
} spool_where;

typedef struct spool {
	FILE *out;
	const transcript *t; /* its format is set before the first cue */
	spool_where where;
	int fd;          /* SPOOL_OUT: fileno(out); SPOOL_FILE: the temporary file */
	off_t out_start; /* SPOOL_OUT: where the document starts in out */
	strbuf buf;      /* cue JSON not yet written to fd */
	size_t count;    /* cues written (to buf or fd) */
	int open_errno;  /* the temporary file could not be made: why */
	int write_errno; /* a write to fd failed: its errno */
	bool unwritable; /* a cue held NaN or infinity (cue_json_writable) */
} spool;

static int spool_open_file(spool *s)
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

/* Can the cues go straight into out? When it is a regular file we are at
 * the end of, and not appending: then the bytes past out_start are ours
 * alone, and a rejection or roll-up captions found later can cut them off
 * again (ftruncate), so the file ends up holding exactly the document
 * printed from a spool, without writing every byte twice. A pipe or a
 * terminal gets nothing before the parse is over. */
static bool spool_out_fits(spool *s)
{
	struct stat st;
	int fd = fileno(s->out), flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
	if (flags < 0 || (flags & O_APPEND) || (flags & O_ACCMODE) == O_RDONLY ||
	    fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fflush(s->out) != 0)
		return false;
	off_t at = lseek(fd, 0, SEEK_CUR);
	if (at < 0 || at != st.st_size)
		return false;
	s->fd = fd;
	s->out_start = at;
	return true;
}

/* Memory is full: the cues so far go to out (after the head of a valid
 * document: if it is not, spool_out_undo) or to a temporary file. */
static bool spool_spill(spool *s)
{
	if (spool_out_fits(s)) {
		strbuf head = STRBUF_INIT;
		bool ok = cue_json_write_head(&head, TRANSCRIPT_OK, s->t->format) &&
		          write_all(s->fd, head.data, head.len, &s->write_errno);
		sb_free(&head);
		if (!ok && !s->write_errno)
			s->write_errno = ENOMEM;
		s->where = SPOOL_OUT;
		return ok && spool_flush(s);
	}
	s->open_errno = spool_open_file(s);
	if (s->open_errno)
		return false;
	s->where = SPOOL_FILE;
	return spool_flush(s);
}

/* SPOOL_OUT: cut out back to where the document starts, and spool in
 * memory again. */
static bool spool_out_undo(spool *s)
{
	if (ftruncate(s->fd, s->out_start) != 0 || lseek(s->fd, s->out_start, SEEK_SET) < 0) {
		s->write_errno = errno;
		return false;
	}
	s->fd = -1;
	s->where = SPOOL_MEMORY;
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
	if (s->where == SPOOL_MEMORY)
		return s->buf.len < SPOOL_MEMORY_BYTES || spool_spill(s);
	return s->buf.len < SPOOL_FLUSH_BYTES || spool_flush(s);
}

/* transcript_sink.restart: roll-up captions, about to come again. */
static void spool_restart(void *ctx)
{
	spool *s = ctx;
	sb_clear(&s->buf);
	s->count = 0;
	s->unwritable = false;
	if (s->where == SPOOL_OUT)
		spool_out_undo(s);
	else if (s->where == SPOOL_FILE &&
	         (ftruncate(s->fd, 0) != 0 || lseek(s->fd, 0, SEEK_SET) != 0))
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

/* The temporary file's cues, from its start, to out: by sendfile, so the
 * bytes go from the page cache to out without a pass through here. */
static bool spool_copy_file(spool *s, FILE *out)
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

/* The cues, wherever they are, to out after the head. */
static bool spool_copy(spool *s, FILE *out)
{
	if (s->where == SPOOL_FILE)
		return spool_copy_file(s, out);
	return fwrite(s->buf.data, 1, s->buf.len, out) == s->buf.len;
}

/* The document: head, the cues (when valid), tail. False when a write or
 * an allocation failed. With the cues in out already (SPOOL_OUT), its
 * head is there too: the rest follows them, or, for a rejected file, out
 * is cut back and the whole document written. */
static bool print_document(spool *s, const transcript *t, transcript_status status, FILE *out)
{
	if (s->where == SPOOL_OUT && status != TRANSCRIPT_OK && !spool_out_undo(s))
		return false;
	strbuf edge = STRBUF_INIT;
	size_t count = status == TRANSCRIPT_OK ? s->count : 0;
	bool ok = s->where == SPOOL_OUT ? spool_flush(s)
	                                : cue_json_write_head(&edge, status, t->format) &&
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
	transcript t = TRANSCRIPT_INIT;
	spool s = {out, &t, SPOOL_MEMORY, -1, 0, STRBUF_INIT, 0, 0, 0, false};
	transcript_sink sink = {spool_cue, spool_restart, &s};
	transcript_status status = transcript_stream(buf, len, format, name, &sink, &t);
	int rc = status == TRANSCRIPT_OK ? EXIT_OK : EXIT_REJECTED;
	char why[128];
	/* Nothing but a whole document may be left in out. */
	bool failed = s.open_errno || s.write_errno || status == TRANSCRIPT_NOMEM ||
	              (status == TRANSCRIPT_OK && s.unwritable);
	if (failed && s.where == SPOOL_OUT)
		spool_out_undo(&s);
	if (s.open_errno) {
		fprintf(stderr, "qarchive cues: cannot make a temporary file: %s\n",
		        errmsg_strerror(s.open_errno, why, sizeof why));
		rc = EXIT_USAGE;
	} else if (s.write_errno) {
		fprintf(stderr, "qarchive cues: cannot write %s: %s\n",
		        s.where == SPOOL_FILE ? "a temporary file" : "the output",
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
	if (s.where == SPOOL_FILE)
		close(s.fd);
	return rc;
}
