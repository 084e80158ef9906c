/* The validation and file helpers shared by ingest.c and recording_edit.c
 * (see ingest_internal.h). */
#include "ingest_internal.h"
#include "qa_md.h"
#include "qa_units.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "agenda.h"
#include "errmsg.h"
#include "file_io.h"
#include "fs_ops.h"
#include "index_update.h"
#include "media_probe.h"
#include "media_subtitles.h"
#include "state_dirs.h"
#include "strbuf.h"
#include "text_decode.h"
#include "transcript.h"
#include "vtt.h"

const char *ingest_status_str(ingest_status status)
{
	switch (status) {
	case INGEST_OK:
		return "ok";
	case INGEST_BAD_INPUT:
		return "invalid input";
	case INGEST_NOT_FOUND:
		return "no such recording";
	case INGEST_BUSY:
		return "busy: try again later";
	case INGEST_IO:
		return "input/output error";
	case INGEST_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

void ingest_error_clear(ingest_error *err)
{
	err->status = INGEST_OK;
	err->field = "";
	err->message[0] = '\0';
	err->indexed = false;
}

ingest_status ingest_fail(ingest_error *err, ingest_status status, const char *field,
                          const char *fmt, ...)
{
	char text[sizeof err->message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	err->status = status;
	err->field = field ? field : "";
	err->indexed = false;
	/* Truncation is fine: a message is a line for a person. */
	size_t n = 0;
	if (err->field[0])
		n = (size_t)snprintf(err->message, sizeof err->message, "%s: ", err->field);
	if (n < sizeof err->message)
		memcpy(err->message + n, text, strnlen(text, sizeof err->message - n - 1) + 1);
	err->message[sizeof err->message - 1] = '\0';
	/* One line, whatever a library's message held. */
	for (char *p = err->message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return status;
}

ingest_status ingest_fail_errno(ingest_error *err, int errnum, const char *field, const char *what,
                                const char *path)
{
	char why[ERRMSG_WHY_SIZE];
	if (errnum == ENOMEM)
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	return ingest_fail(err, INGEST_IO, field, "%s%s%s: %s", what ? what : "",
	                   what && what[0] ? " " : "", path ? path : "",
	                   errmsg_strerror(errnum, why, sizeof why));
}

ingest_status ingest_state_dirs(const char *archive_dir, ingest_error *err)
{
	char message[512];
	switch (state_dirs_create(archive_dir, message, sizeof message)) {
	case ARCHIVE_OK:
		return INGEST_OK;
	case ARCHIVE_NOMEM:
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	case ARCHIVE_NOT_FOUND:
	case ARCHIVE_IO:
	case ARCHIVE_INTERNAL:
		return ingest_fail(err, INGEST_IO, "", "%s", message);
	}
	/* Not reached: the switch covers every archive_status. */
	return ingest_fail(err, INGEST_IO, "", "%s", message);
}

bool ingest_file_given(const ingest_file *f)
{
	return f && (f->path || f->text);
}

ingest_status ingest_read_text(const ingest_file *f, const char *field, char **data, size_t *len,
                               ingest_error *err)
{
	*data = NULL;
	*len = 0;
	if (f->text) {
		if (!(*data = malloc(f->text_len + 1)))
			return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
		memcpy(*data, f->text, f->text_len);
		(*data)[f->text_len] = '\0';
		*len = f->text_len;
		return INGEST_OK;
	}
	int e = file_read_all(f->path, data, len);
	return e ? ingest_fail_errno(err, e, field, "cannot read", f->path) : INGEST_OK;
}

/* ---- metadata ---------------------------------------------------------- */

/* The field a recording_parse_json message starts with ("speakers" for
 * "speakers[1].name: missing"), or "metadata". */
static const char *metadata_field(const char *message)
{
	static const char *const fields[] = {"title", "kind",     "release",
	                                     "date",  "speakers", "description"};
	size_t n = strcspn(message, ":[.");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strlen(fields[i]) == n && strncmp(message, fields[i], n) == 0)
			return fields[i];
	return "metadata";
}

ingest_status ingest_check_metadata(const json_t *metadata, recording_meta *meta, ingest_error *err)
{
	*meta = (recording_meta)RECORDING_META_INIT;
	if (!json_is_object(metadata))
		return ingest_fail(err, INGEST_BAD_INPUT, "metadata",
		                   metadata ? "expected a JSON object" : "missing");
	char *text = json_dumps(metadata, JSON_COMPACT);
	if (!text)
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	char message[400];
	recording_status st =
	    recording_parse_json(text, strlen(text), meta, message, sizeof message);
	free(text);
	if (st == RECORDING_NOMEM)
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	if (st != RECORDING_OK) {
		const char *field = metadata_field(message);
		if (strcmp(field, "metadata") == 0)
			return ingest_fail(err, INGEST_BAD_INPUT, field, "%s", message);
		/* The message already starts with its field ("kind: ..."). */
		ingest_fail(err, INGEST_BAD_INPUT, "", "%s", message);
		err->field = field;
		return INGEST_BAD_INPUT;
	}
	return INGEST_OK;
}

char *ingest_metadata_text(const recording_meta *meta)
{
	json_t *speakers = NULL;
	if (meta->speaker_count) {
		speakers = json_array();
		for (size_t i = 0; speakers && i < meta->speaker_count; i++) {
			const recording_speaker *sp = &meta->speakers[i];
			json_t *one =
			    sp->role ? json_pack("{s:s, s:s}", "name", sp->name, "role", sp->role)
			             : json_string(sp->name);
			if (json_array_append_new(speakers, one) != 0) {
				json_decref(speakers);
				return NULL;
			}
		}
		if (!speakers)
			return NULL;
	}
	/* Key by key, so an absent optional value is an absent key, not null. */
	json_t *root = json_object();
	bool ok =
	    root && json_object_set_new(root, "title", json_string(meta->title)) == 0 &&
	    json_object_set_new(root, "kind", json_string(recording_kind_str(meta->kind))) == 0 &&
	    (!meta->release ||
	     json_object_set_new(root, "release", json_string(meta->release)) == 0) &&
	    json_object_set_new(root, "date", json_string(meta->date)) == 0 &&
	    (!speakers || json_object_set(root, "speakers", speakers) == 0) &&
	    (!meta->description ||
	     json_object_set_new(root, "description", json_string(meta->description)) == 0);
	json_decref(speakers);
	char *text = ok ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (!text)
		return NULL;
	size_t n = strlen(text);
	char *line = realloc(text, n + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	memcpy(line + n, "\n", 2);
	return line;
}

/* ---- media --------------------------------------------------------------- */

/* Containers whose demuxer serves several file types, and the extension
 * each is stored under: libavformat names the demuxer, not the file type,
 * so "mov,mp4,m4a,3gp,3g2,mj2" is an MP4 with video and an M4A without.
 * hints: the extensions a client's file name may choose among (padded
 * with spaces for a whole-word match). */
typedef struct container {
	const char *demuxer;
	const char *video_ext;
	const char *audio_ext;
	const char *hints;
} container;

static const container containers[] = {
    {"mov,mp4,m4a,3gp,3g2,mj2", "mp4", "m4a", " mp4 m4v m4a mov 3gp 3g2 "},
    {"matroska,webm", "mkv", "mka", " mkv mka webm "},
    {"ogg", "ogv", "ogg", " ogg ogv oga opus "},
    {"mp3", "mp3", "mp3", ""},
    {"wav", "wav", "wav", ""},
    {"flac", "flac", "flac", ""},
    {"aac", "aac", "aac", ""},
    {"avi", "avi", "avi", ""},
    {"mpegts", "ts", "ts", " ts mts m2ts "},
    {"mpeg", "mpg", "mpg", " mpg mpeg "},
    {"flv", "flv", "flv", ""},
    {"asf", "wmv", "wma", " wmv wma asf "},
    {"aiff", "aiff", "aiff", " aiff aif "},
};

/* Extensions that promise there is no video, and those that promise
 * there is: a hint that contradicts the probe is not taken. */
static const char audio_only_exts[] = " m4a mka oga opus wma ";
static const char video_exts[] = " mp4 m4v mov 3gp 3g2 mkv ogv wmv ";
/* Codecs a WebM file may hold (the WebM container guidelines). */
static const char webm_codecs[] = " vp8 vp9 av1 opus vorbis webvtt ";

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	if (n == 0 || n > 16)
		return false;
	char padded[20];
	snprintf(padded, sizeof padded, " %s ", word);
	return strstr(list, padded) != NULL;
}

/* Video that is a picture (cover art in an M4A or MP3) does not make a
 * file a video. */
static bool is_picture_codec(const char *codec)
{
	return strcmp(codec, "mjpeg") == 0 || strcmp(codec, "png") == 0 ||
	       strcmp(codec, "bmp") == 0 || strcmp(codec, "gif") == 0 || strcmp(codec, "webp") == 0;
}

static void choose_extension(const media_info *info, const char *name, char *ext, size_t extlen)
{
	bool video = false, webm = true;
	for (size_t i = 0; i < info->stream_count; i++) {
		const media_stream *s = &info->streams[i];
		if (s->type == MEDIA_STREAM_VIDEO && !is_picture_codec(s->codec))
			video = true;
		if ((s->type == MEDIA_STREAM_VIDEO || s->type == MEDIA_STREAM_AUDIO ||
		     s->type == MEDIA_STREAM_SUBTITLE) &&
		    !word_in(webm_codecs, s->codec))
			webm = false;
	}
	/* The client's extension, lowercased, as a hint. */
	char hint[17] = "";
	const char *dot = name ? strrchr(name, '.') : NULL;
	if (dot && strlen(dot + 1) < sizeof hint) {
		size_t i = 0;
		for (const char *p = dot + 1; *p; p++)
			hint[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		hint[i] = '\0';
	}
	const char *format = info->format ? info->format : "";
	for (size_t i = 0; i < sizeof containers / sizeof containers[0]; i++) {
		const container *c = &containers[i];
		if (strcmp(format, c->demuxer) != 0)
			continue;
		const char *chosen = video ? c->video_ext : c->audio_ext;
		if (strcmp(format, "matroska,webm") == 0 && webm) /* format == c->demuxer */
			chosen = "webm";
		if (word_in(c->hints, hint) && !(video && word_in(audio_only_exts, hint)) &&
		    !(!video && word_in(video_exts, hint)) && !(strcmp(hint, "webm") == 0 && !webm))
			chosen = hint;
		snprintf(ext, extlen, "%s", chosen);
		return;
	}
	/* Another demuxer: its (first) name, when it is a plausible
	 * extension; the indexer accepts any media.<ext>. */
	size_t n = strcspn(format, ",");
	bool plain = n > 0 && n <= 8;
	for (size_t i = 0; plain && i < n; i++)
		plain = (format[i] >= 'a' && format[i] <= 'z') ||
		        (format[i] >= '0' && format[i] <= '9');
	snprintf(ext, extlen, "%.*s", plain ? (int)n : 3, plain ? format : "bin");
}

/* Demuxers of still images: a picture is not a recording. */
static bool is_image_format(const char *format)
{
	size_t n = strlen(format);
	return strcmp(format, "image2") == 0 || (n > 5 && strcmp(format + n - 5, "_pipe") == 0);
}

_Static_assert(INGEST_MEDIA_HEAD_BYTES == MEDIA_HEAD_BYTES, "ingest.h names media's head size");

ingest_status ingest_check_media_head(const unsigned char *head, size_t len, ingest_error *err)
{
	char why[256];
	ingest_error_clear(err);
	switch (media_probe_head(head, len, why, sizeof why)) {
	case MEDIA_OK:
		return INGEST_OK;
	case MEDIA_NOMEM:
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	default:
		/* The words of ingest_check_media for MEDIA_INVALID. */
		return ingest_fail(err, INGEST_BAD_INPUT, "media", "not a media file: %s", why);
	}
}

/* creation_time as libavformat gives it ("2024-03-05T18:30:00.000000Z",
 * UTC: ISO 8601) → the local day it names, into day; false when the tag
 * is absent, malformed or implausible (ingest_internal.h). */
static bool creation_day(const media_info *info, char day[11])
{
	const char *v = NULL;
	for (size_t i = 0; i < info->tag_count; i++)
		if (strcasecmp(info->tags[i].key, "creation_time") == 0)
			v = info->tags[i].value;
	struct tm tm = {0};
	char tail;
	if (!v || sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	                 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail) < 6)
		return false;
	if (tm.tm_year < 1971 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31)
		return false;
	/* Seconds since the epoch for a UTC civil time (Howard Hinnant's
	 * days_from_civil; timegm is not POSIX). */
	int y = tm.tm_year - (tm.tm_mon <= 2);
	int era = y / 400; /* y >= 1970 */
	int yoe = y - era * 400;
	int doy = (153 * (tm.tm_mon + (tm.tm_mon > 2 ? -3 : 9)) + 2) / 5 + tm.tm_mday - 1;
	long long days = (long long)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	time_t when = (time_t)(days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
	struct tm local;
	if (when > time(NULL) + 86400 || !localtime_r(&when, &local))
		return false;
	return strftime(day, 11, "%Y-%m-%d", &local) == 10;
}

ingest_status ingest_check_media(const char *path, const char *name, bool check_subtitles,
                                 char *ext, size_t extlen, char created[11], ingest_error *err)
{
	media_info info;
	media_status ms = media_probe_file(path, &info);
	ingest_status st = INGEST_OK;
	switch (ms) {
	case MEDIA_OK:
		break;
	case MEDIA_INVALID:
		st =
		    ingest_fail(err, INGEST_BAD_INPUT, "media", "not a media file: %s", info.error);
		goto out;
	case MEDIA_UNREADABLE:
		st = ingest_fail(err, INGEST_IO, "media", "cannot read %s: %s", path, info.error);
		goto out;
	case MEDIA_TIMEOUT:
		st = ingest_fail(err, INGEST_BUSY, "media",
		                 "could not be read within %d s; try again later: %s",
		                 MEDIA_DEADLINE_SECONDS, info.error);
		goto out;
	case MEDIA_NOMEM:
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
		goto out;
	case MEDIA_NO_SUBTITLES:
		/* media_probe_file never returns it. */
		st = ingest_fail(err, INGEST_IO, "media", "unexpected probe status");
		goto out;
	}
	if (is_image_format(info.format ? info.format : "")) {
		st = ingest_fail(err, INGEST_BAD_INPUT, "media",
		                 "not a media file: a still image (%s), not audio or video",
		                 info.format);
		goto out;
	}
	choose_extension(&info, name, ext, extlen);
	char day[11];
	if (created && creation_day(&info, day))
		memcpy(created, day, sizeof day);
	bool has_text_subtitles = false;
	for (size_t i = 0; i < info.stream_count; i++)
		has_text_subtitles |= info.streams[i].text_subtitle;
	if (check_subtitles && has_text_subtitles) {
		/* The indexer will read this stream as the transcript: it has to
		 * decode now, or the recording would reach the archive and fail
		 * to index. */
		media_subtitles subs;
		media_status ss = media_subtitles_read_file(path, -1, &subs);
		if (ss == MEDIA_NOMEM)
			st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
		else if (ss == MEDIA_TIMEOUT)
			st = ingest_fail(err, INGEST_BUSY, "media",
			                 "its subtitle stream could not be read within %d s; try "
			                 "again later",
			                 MEDIA_SUBTITLES_DEADLINE_SECONDS);
		else if (ss == MEDIA_UNREADABLE)
			st = ingest_fail(err, INGEST_IO, "media", "cannot read %s: %s", path,
			                 subs.error);
		else if (ss != MEDIA_OK && ss != MEDIA_NO_SUBTITLES)
			st = ingest_fail(err, INGEST_BAD_INPUT, "media", "subtitle stream: %s",
			                 subs.error);
		media_subtitles_free(&subs);
	}
out:
	media_info_free(&info);
	return st;
}

/* ---- text files ---------------------------------------------------------- */

/* A browser drops a WebVTT cue whose timing line does not parse, and so
 * does vtt_parse; an upload says so instead (as SRT does): every line with
 * a "-->" is a timing line in the WebVTT parser algorithm (a "-->" inside a
 * block starts the next one), so each must have given a cue. Lines are
 * counted in normalized text, as the parser counts them. */
static ingest_status check_vtt_timings(const char *data, size_t len, const cue_list *cues,
                                       ingest_error *err)
{
	strbuf norm = STRBUF_INIT;
	if (!text_normalize(data, len, TEXT_UTF8_REPLACE, &norm, NULL)) {
		sb_free(&norm);
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	}
	ingest_status st = INGEST_OK;
	size_t k = 0, line = 1;
	for (size_t start = 0; start < norm.len; line++) {
		const char *p = norm.data + start;
		const char *nl = memchr(p, '\n', norm.len - start);
		size_t n = nl ? (size_t)(nl - p) : norm.len - start;
		bool arrow = false;
		for (size_t i = 0; i + 2 < n && !arrow; i++)
			arrow = p[i] == '-' && p[i + 1] == '-' && p[i + 2] == '>';
		while (arrow && k < cues->count && cues->items[k].line < line)
			k++;
		if (arrow && (k == cues->count || cues->items[k].line != line)) {
			st = ingest_fail(err, INGEST_BAD_INPUT, "transcript",
			                 "line %zu: malformed cue timing \"%.*s%s\" (expected "
			                 "HH:MM:SS.mmm --> HH:MM:SS.mmm [settings]); the cue would "
			                 "be dropped",
			                 line, n > 60 ? 60 : (int)n, p, n > 60 ? "..." : "");
			break;
		}
		start += n + 1;
	}
	sb_free(&norm);
	return st;
}

/* check_vtt_timings against the cues as the file holds them: roll-up
 * captions drop their hold cues on purpose (vtt_rolling.h), which is no
 * malformed timing line. */
static ingest_status check_vtt_timings_raw(const char *data, size_t len, ingest_error *err)
{
	transcript raw = TRANSCRIPT_INIT;
	transcript_status ts = vtt_parse(data, len, &raw);
	ingest_status st = ts == TRANSCRIPT_NOMEM
	                       ? ingest_fail(err, INGEST_NOMEM, "", "out of memory")
	                   : ts != TRANSCRIPT_OK
	                       ? ingest_fail(err, INGEST_BAD_INPUT, "transcript", "%s", raw.error)
	                       : check_vtt_timings(data, len, &raw.cues, err);
	transcript_free(&raw);
	return st;
}

static bool starts_with_word(const char *p, size_t n, const char *word)
{
	size_t w = strlen(word);
	return n >= w && memcmp(p, word, w) == 0 && (n == w || p[w] == ' ' || p[w] == '\t');
}

/* The other way a cue is dropped without a word: a block of text after the
 * header with no timing line at all (a typo such as "->" or a missing
 * timing line). NOTE, STYLE and REGION blocks are meant to give no cue. A
 * block's timing line is its first line, or its second after an id. */
static ingest_status check_vtt_blocks(const char *data, size_t len, ingest_error *err)
{
	strbuf norm = STRBUF_INIT;
	if (!text_normalize(data, len, TEXT_UTF8_REPLACE, &norm, NULL)) {
		sb_free(&norm);
		return ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	}
	ingest_status st = INGEST_OK;
	size_t line = 1, block_line = 0, block_lines = 0;
	bool in_header = true, block_ok = false;
	const char *first = NULL;
	size_t first_len = 0;
	for (size_t start = 0; start <= norm.len && st == INGEST_OK; line++) {
		const char *p = norm.data ? norm.data + start : "";
		const char *nl = start < norm.len ? memchr(p, '\n', norm.len - start) : NULL;
		size_t n = start < norm.len ? (nl ? (size_t)(nl - p) : norm.len - start) : 0;
		bool arrow = false;
		for (size_t i = 0; i + 2 < n && !arrow; i++)
			arrow = p[i] == '-' && p[i + 1] == '-' && p[i + 2] == '>';
		if (n == 0) {
			/* A blank line (or the end) closes the block. */
			if (block_lines && !in_header && !block_ok)
				st = ingest_fail(
				    err, INGEST_BAD_INPUT, "transcript",
				    "line %zu: a block without a cue timing line (\"%.*s%s\"; "
				    "expected HH:MM:SS.mmm --> HH:MM:SS.mmm before the "
				    "text); the cue would be dropped",
				    block_line, first_len > 60 ? 60 : (int)first_len, first,
				    first_len > 60 ? "..." : "");
			if (block_lines)
				in_header = false;
			block_lines = 0;
		} else {
			block_lines++;
			if (block_lines == 1) {
				block_line = line;
				first = p;
				first_len = n;
				block_ok = starts_with_word(p, n, "NOTE") ||
				           starts_with_word(p, n, "STYLE") ||
				           starts_with_word(p, n, "REGION");
			}
			if (arrow && block_lines <= 2)
				block_ok = true;
			if (arrow && in_header)
				in_header = false,
				block_ok = true; /* the header ends at a timing line */
		}
		if (start == norm.len)
			break;
		start += n + 1;
	}
	sb_free(&norm);
	return st;
}

ingest_status ingest_check_transcript(const char *data, size_t len, const char *name,
                                      const char **ext, ingest_error *err)
{
	if (len > INGEST_TRANSCRIPT_MAX_BYTES)
		return ingest_fail(err, INGEST_BAD_INPUT, "transcript",
		                   "%zu bytes; at most %u are taken (16 MiB: a day of speech is "
		                   "about 2 MB)",
		                   len, INGEST_TRANSCRIPT_MAX_BYTES);
	transcript t = TRANSCRIPT_INIT;
	transcript_status ts = transcript_parse(data, len, TRANSCRIPT_UNKNOWN, name, &t);
	ingest_status st = INGEST_OK;
	if (ts == TRANSCRIPT_OK && t.cues.count > INGEST_TRANSCRIPT_MAX_CUES)
		st = ingest_fail(err, INGEST_BAD_INPUT, "transcript",
		                 "%zu cues; at most %d are taken", t.cues.count,
		                 INGEST_TRANSCRIPT_MAX_CUES);
	else if (ts == TRANSCRIPT_NOMEM)
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	else if (ts != TRANSCRIPT_OK)
		st = ingest_fail(err, INGEST_BAD_INPUT, "transcript", "%s", t.error);
	else if (t.format == TRANSCRIPT_WEBVTT)
		st = check_vtt_timings_raw(data, len, err);
	if (st == INGEST_OK && t.format == TRANSCRIPT_WEBVTT)
		st = check_vtt_blocks(data, len, err);
	if (st == INGEST_OK && t.cues.count == 0)
		/* Accepted by the parser, but an upload whose transcript yields
		 * nothing is a mistake. */
		st = ingest_fail(err, INGEST_BAD_INPUT, "transcript", "no cues");
	if (st == INGEST_OK)
		*ext = transcript_format_ext(t.format);
	transcript_free(&t);
	return st;
}

/* UTF-8 without NUL, line by line so the error names the line (a UTF-8
 * sequence never contains a '\n' byte). */
static ingest_status check_utf8_text(const char *data, size_t len, const char *field,
                                     ingest_error *err)
{
	size_t line = 1;
	for (size_t start = 0; start < len; line++) {
		const char *nl = memchr(data + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - data) : len;
		if (memchr(data + start, '\0', end - start))
			return ingest_fail(err, INGEST_BAD_INPUT, field,
			                   "line %zu: a NUL byte: not a text file", line);
		if (!text_is_utf8(data + start, end - start))
			return ingest_fail(err, INGEST_BAD_INPUT, field, "line %zu: not UTF-8 text",
			                   line);
		start = end + 1;
	}
	return INGEST_OK;
}

ingest_status ingest_check_agenda(const char *data, size_t len, ingest_error *err)
{
	ingest_status st = check_utf8_text(data, len, "agenda", err);
	if (st != INGEST_OK)
		return st;
	agenda a = AGENDA_INIT;
	agenda_status as = agenda_parse(data, len, &a);
	if (as == AGENDA_NOMEM)
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	else if (as != AGENDA_OK)
		st = ingest_fail(err, INGEST_BAD_INPUT, "agenda", "%s", a.error);
	agenda_free(&a);
	return st;
}

ingest_status ingest_check_qa(const char *data, size_t len, ingest_error *err)
{
	ingest_status st = check_utf8_text(data, len, "qa", err);
	if (st != INGEST_OK)
		return st;
	qa_md md = QA_MD_INIT;
	qa_md_status ms = qa_md_parse(data, len, &md);
	if (ms == QA_MD_NOMEM)
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	else if (ms != QA_MD_OK)
		st = ingest_fail(err, INGEST_BAD_INPUT, "qa", "%s", md.error);
	qa_md_free(&md);
	return st;
}

ingest_status ingest_check_qa_fits(const char *qa, size_t qa_len, const char *text, size_t text_len,
                                   const char *name, ingest_error *err)
{
	transcript t = TRANSCRIPT_INIT;
	qa_md md = QA_MD_INIT;
	qa_units units = QA_UNITS_INIT;
	char why[300] = "";
	ingest_status st = INGEST_OK;
	if (transcript_parse(text, text_len, TRANSCRIPT_UNKNOWN, name, &t) != TRANSCRIPT_OK ||
	    qa_md_parse(qa, qa_len, &md) != QA_MD_OK)
		goto out; /* their own checks name what is wrong with either */
	qa_units_status us = qa_units_from_md(&t.cues, &md, &units, why, sizeof why);
	if (us == QA_UNITS_NOMEM)
		st = ingest_fail(err, INGEST_NOMEM, "", "out of memory");
	else if (us != QA_UNITS_OK)
		st = ingest_fail(err, INGEST_BAD_INPUT, "qa", "%s", why);
out:
	qa_units_free(&units);
	qa_md_free(&md);
	transcript_free(&t);
	return st;
}

ingest_status ingest_check_notes(const char *data, size_t len, ingest_error *err)
{
	return check_utf8_text(data, len, "notes", err);
}

/* ---- files --------------------------------------------------------------- */

ingest_status ingest_replace_file_at(int dirfd, const char *dir, const char *name, const char *data,
                                     size_t len, ingest_error *err)
{
	int e = fs_replace_file_at(dirfd, name, data, len, INGEST_FILE_MODE, false);
	return e ? ingest_fail_errno(err, e, "", "cannot write in", dir) : INGEST_OK;
}

void ingest_index(const char *archive_dir, const char *id, const ingest_options *options,
                  ingest_error *err)
{
	err->indexed = false;
	if (options->no_index) {
		snprintf(err->message, sizeof err->message, "not indexed: left to the caller");
		return;
	}
	char why[400];
	index_update_status st =
	    index_update_recording(archive_dir, id, options->index_wait_ms, NULL, why, sizeof why);
	if (st == INDEX_UPDATE_OK) {
		err->indexed = true;
		err->message[0] = '\0';
		return;
	}
	snprintf(err->message, sizeof err->message,
	         "%s: not indexed yet (%s); `qarchive index` will catch up", id, why);
}
