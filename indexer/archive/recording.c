#include "recording.h"

#include "path.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errmsg.h"
#include "file_io.h"

const char *recording_status_str(recording_status status)
{
	switch (status) {
	case RECORDING_OK:
		return "ok";
	case RECORDING_INVALID:
		return "invalid recording";
	case RECORDING_BAD_ID:
		return "invalid recording id";
	case RECORDING_IO:
		return "cannot read recording";
	case RECORDING_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

const char *recording_kind_str(recording_kind kind)
{
	switch (kind) {
	case RECORDING_RELEASE_QA:
		return "release-qa";
	case RECORDING_WEBINAR:
		return "webinar";
	case RECORDING_TAC_MEETING:
		return "tac-meeting";
	case RECORDING_OTHER:
		return "other";
	}
	return "other";
}

const char *const recording_transcript_names[] = {"transcript.vtt", "transcript.srt",
                                                  "transcript.sbv", "transcript.txt", NULL};

static const char kind_choices[] = "release-qa, webinar, tac-meeting, other";

/* Where a message goes: a caller's buffer, possibly absent. */
typedef struct errbuf {
	char *buf;
	size_t len;
} errbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
set_error(errbuf e, const char *fmt, ...)
{
	if (!e.buf || e.len == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.buf, e.len, fmt, ap);
	va_end(ap);
}

/* s quoted for an error message: at most ~48 bytes of it (cut on a UTF-8
 * character boundary), with quotes, backslashes and control characters
 * escaped so the message stays on one line. */
static const char *quoted(const char *s, char *buf, size_t cap)
{
	const size_t keep = 48;
	size_t n = strlen(s), o = 0;
	bool cut = n > keep;
	if (cut) {
		n = keep;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	buf[o++] = '"';
	for (size_t i = 0; i < n && o + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	if (cut && o + 5 < cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "value";
}

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* A copy of s without leading and trailing ASCII whitespace: names and
 * titles become facet values and terms, where "Maya Chen " must equal
 * "Maya Chen". */
static char *dup_trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	char *copy = malloc(n + 1);
	if (copy) {
		memcpy(copy, s, n);
		copy[n] = '\0';
	}
	return copy;
}

typedef enum presence {
	REQUIRED, /* missing or null is an error */
	OPTIONAL, /* missing or null gives NULL */
} presence;

/* The string member `key` of obj (`field` names it in messages), trimmed,
 * into *out. Blank strings are an error. */
static recording_status get_string(const json_t *obj, const char *key, const char *field,
                                   presence p, bool trim, char **out, errbuf e)
{
	*out = NULL;
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		if (p == OPTIONAL)
			return RECORDING_OK;
		set_error(e, "%s: missing", field);
		return RECORDING_INVALID;
	}
	if (!json_is_string(v)) {
		set_error(e, "%s: expected a string, got %s", field, type_name(v));
		return RECORDING_INVALID;
	}
	const char *s = json_string_value(v);
	if (is_blank(s)) {
		set_error(e, "%s: must not be empty", field);
		return RECORDING_INVALID;
	}
	*out = trim ? dup_trimmed(s) : strdup(s);
	return *out ? RECORDING_OK : RECORDING_NOMEM;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Proleptic Gregorian calendar, as ISO 8601 dates are. */
static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

static recording_status parse_date(const json_t *root, recording_meta *m, errbuf e)
{
	char q[128];
	const json_t *v = json_object_get(root, "date");
	if (!v || json_is_null(v)) {
		set_error(e, "date: missing");
		return RECORDING_INVALID;
	}
	if (!json_is_string(v)) {
		set_error(e, "date: expected a string \"YYYY-MM-DD\", got %s", type_name(v));
		return RECORDING_INVALID;
	}
	const char *s = json_string_value(v);
	bool shape = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
	for (int i = 0; shape && i < 10; i++)
		shape = i == 4 || i == 7 || is_digit(s[i]);
	if (!shape) {
		set_error(e, "date: expected \"YYYY-MM-DD\", got %s", quoted(s, q, sizeof q));
		return RECORDING_INVALID;
	}
	int year = digits(s, 4), month = digits(s + 5, 2), day = digits(s + 8, 2);
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
		set_error(e, "date: not a calendar date: %s", quoted(s, q, sizeof q));
		return RECORDING_INVALID;
	}
	memcpy(m->date, s, 11);
	m->year = year;
	m->month = month;
	m->day = day;
	return RECORDING_OK;
}

static recording_status parse_kind(const json_t *root, recording_meta *m, errbuf e)
{
	static const recording_kind kinds[] = {RECORDING_RELEASE_QA, RECORDING_WEBINAR,
	                                       RECORDING_TAC_MEETING, RECORDING_OTHER};
	char q[128];
	const json_t *v = json_object_get(root, "kind");
	if (!v || json_is_null(v)) {
		set_error(e, "kind: missing");
		return RECORDING_INVALID;
	}
	if (!json_is_string(v)) {
		set_error(e, "kind: expected one of %s, got %s", kind_choices, type_name(v));
		return RECORDING_INVALID;
	}
	const char *s = json_string_value(v);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(s, recording_kind_str(kinds[i])) == 0) {
			m->kind = kinds[i];
			return RECORDING_OK;
		}
	}
	set_error(e, "kind: expected one of %s, got %s", kind_choices, quoted(s, q, sizeof q));
	return RECORDING_INVALID;
}

static recording_status parse_speaker(const json_t *v, size_t i, recording_speaker *sp, errbuf e)
{
	char field[64];
	if (json_is_string(v)) {
		snprintf(field, sizeof field, "speakers[%zu]", i);
		if (is_blank(json_string_value(v))) {
			set_error(e, "%s: must not be empty", field);
			return RECORDING_INVALID;
		}
		sp->name = dup_trimmed(json_string_value(v));
		return sp->name ? RECORDING_OK : RECORDING_NOMEM;
	}
	if (!json_is_object(v)) {
		set_error(e, "speakers[%zu]: expected a name or an object with \"name\", got %s", i,
		          type_name(v));
		return RECORDING_INVALID;
	}
	snprintf(field, sizeof field, "speakers[%zu].name", i);
	recording_status st = get_string(v, "name", field, REQUIRED, true, &sp->name, e);
	if (st != RECORDING_OK)
		return st;
	/* A role is optional and "" says as much as no role at all. */
	const json_t *role = json_object_get(v, "role");
	if (!role || json_is_null(role))
		return RECORDING_OK;
	if (!json_is_string(role)) {
		set_error(e, "speakers[%zu].role: expected a string, got %s", i, type_name(role));
		return RECORDING_INVALID;
	}
	if (is_blank(json_string_value(role)))
		return RECORDING_OK;
	sp->role = dup_trimmed(json_string_value(role));
	return sp->role ? RECORDING_OK : RECORDING_NOMEM;
}

static recording_status parse_speakers(const json_t *root, recording_meta *m, errbuf e)
{
	const json_t *v = json_object_get(root, "speakers");
	if (!v || json_is_null(v))
		return RECORDING_OK;
	if (!json_is_array(v)) {
		set_error(e, "speakers: expected an array, got %s", type_name(v));
		return RECORDING_INVALID;
	}
	size_t n = json_array_size(v);
	if (n == 0)
		return RECORDING_OK;
	m->speakers = calloc(n, sizeof *m->speakers);
	if (!m->speakers)
		return RECORDING_NOMEM;
	for (size_t i = 0; i < n; i++) {
		/* Count first, so recording_meta_free sees a partly filled entry. */
		m->speaker_count = i + 1;
		recording_status st = parse_speaker(json_array_get(v, i), i, &m->speakers[i], e);
		if (st != RECORDING_OK)
			return st;
	}
	return RECORDING_OK;
}

/* s[0..len) without surrounding spaces, tabs and CRs, as a new JSON
 * string; NULL when nothing is left. */
static json_t *speaker_part(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return len ? json_stringn(s, len) : NULL;
}

/* One entry, "Name" or "Name (role)": an object, or NULL when the entry is
 * blank (or out of memory: the caller tells them apart). */
static json_t *speaker_from_text(const char *s, size_t len)
{
	size_t end = len;
	while (end && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
		end--;
	const char *open = memchr(s, '(', end);
	if (!open || s[end - 1] != ')') {
		json_t *name = speaker_part(s, len);
		return name ? json_pack("{s:o}", "name", name) : NULL;
	}
	/* "(role)" with no name keeps its empty name, so that
	 * recording_parse_json says "speakers[N].name: ..." to the person who
	 * typed it. */
	json_t *name = speaker_part(s, (size_t)(open - s));
	json_t *role = speaker_part(open + 1, end - (size_t)(open - s) - 2);
	if (!name)
		name = json_string("");
	return role ? json_pack("{s:o, s:o}", "name", name, "role", role)
	            : json_pack("{s:o}", "name", name);
}

json_t *recording_speakers_from_text(const char *text)
{
	json_t *list = json_array();
	const char *p = text ? text : "";
	const char *seps = strchr(p, '\n') ? "\n" : ",";
	while (list && *p) {
		size_t len = strcspn(p, seps);
		json_t *one = speaker_from_text(p, len);
		bool blank = true;
		for (size_t i = 0; blank && i < len; i++)
			blank = p[i] == ' ' || p[i] == '\t' || p[i] == '\r';
		if ((!one && !blank) || (one && json_array_append_new(list, one) != 0)) {
			json_decref(list);
			return NULL;
		}
		p += len + (p[len] != '\0');
	}
	return list;
}

void recording_meta_free(recording_meta *meta)
{
	if (!meta)
		return;
	free(meta->title);
	free(meta->release);
	free(meta->description);
	for (size_t i = 0; i < meta->speaker_count; i++) {
		free(meta->speakers[i].name);
		free(meta->speakers[i].role);
	}
	free(meta->speakers);
	recording_meta empty = RECORDING_META_INIT;
	*meta = empty;
}

int recording_year(const recording_meta *meta)
{
	return meta ? meta->year : 0;
}

recording_status recording_parse_json(const char *buf, size_t len, recording_meta *out, char *err,
                                      size_t errlen)
{
	errbuf e = {err, errlen};
	recording_meta m = RECORDING_META_INIT;
	recording_status st = RECORDING_OK;
	json_t *root = NULL;
	*out = m;
	set_error(e, "%s", "");

	json_error_t jerr;
	root = json_loadb(buf ? buf : "", buf ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory) {
			set_error(e, "out of memory");
			st = RECORDING_NOMEM;
		} else {
			if (jerr.line >= 0)
				set_error(e, "line %d, column %d: %s", jerr.line, jerr.column,
				          jerr.text);
			else
				set_error(e, "%s", jerr.text);
			st = RECORDING_INVALID;
		}
		goto out;
	}
	if (!json_is_object(root)) {
		set_error(e, "expected a JSON object, got %s", type_name(root));
		st = RECORDING_INVALID;
		goto out;
	}
	if ((st = get_string(root, "title", "title", REQUIRED, true, &m.title, e)) ||
	    (st = parse_kind(root, &m, e)) ||
	    (st = get_string(root, "release", "release", OPTIONAL, true, &m.release, e)) ||
	    (st = parse_date(root, &m, e)) || (st = parse_speakers(root, &m, e)) ||
	    (st = get_string(root, "description", "description", OPTIONAL, false, &m.description,
	                     e)))
		goto out;
	*out = m;
out:
	if (st == RECORDING_NOMEM)
		set_error(e, "out of memory");
	if (st != RECORDING_OK)
		recording_meta_free(&m);
	json_decref(root);
	return st;
}

bool recording_id_valid(const char *id)
{
	if (!id || !id[0] || id[0] == '.')
		return false;
	size_t n = 0;
	for (; id[n]; n++) {
		char c = id[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
		          c == '-' || c == '_' || c == '.';
		if (!ok || n >= RECORDING_ID_MAX)
			return false;
	}
	return true;
}

void recording_free(recording *rec)
{
	if (!rec)
		return;
	free(rec->id);
	free(rec->dir);
	free(rec->json_path);
	recording_meta_free(&rec->meta);
	free(rec->transcript_path);
	free(rec->media_path);
	free(rec->agenda_path);
	free(rec->notes_path);
	free(rec->qa_path);
	recording empty = RECORDING_INIT;
	*rec = empty;
}

/* <dir>/<name> into *out when it exists; NULL when it does not. Anything
 * there must be a regular file: the indexer will read it. */
static recording_status find_file(const char *dir, const char *name, char **out, errbuf e)
{
	char why[ERRMSG_WHY_SIZE];
	*out = NULL;
	char *path = path_join(dir, name);
	if (!path)
		return RECORDING_NOMEM;
	struct stat st;
	if (stat(path, &st) != 0) {
		int errnum = errno;
		if (errnum == ENOENT || errnum == ENOTDIR) {
			free(path);
			return RECORDING_OK;
		}
		set_error(e, "%s: %s", path, errmsg_strerror(errnum, why, sizeof why));
		free(path);
		return errnum == ENOMEM ? RECORDING_NOMEM : RECORDING_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		set_error(e, "%s: not a regular file", path);
		free(path);
		return RECORDING_INVALID;
	}
	*out = path;
	return RECORDING_OK;
}

/* media.<ext> with a non-empty extension; of several, the least name in
 * byte order, so the choice does not depend on readdir's order. */
static recording_status find_media(const char *dir, char **out, errbuf e)
{
	char why[ERRMSG_WHY_SIZE];
	recording_status st = RECORDING_OK;
	char *best = NULL;
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d) {
		int errnum = errno;
		set_error(e, "%s: %s", dir, errmsg_strerror(errnum, why, sizeof why));
		return errnum == ENOMEM ? RECORDING_NOMEM : RECORDING_IO;
	}
	for (;;) {
		errno = 0;
		struct dirent *ent = readdir(d);
		if (!ent) {
			if (errno != 0) {
				set_error(e, "%s: %s", dir,
				          errmsg_strerror(errno, why, sizeof why));
				st = RECORDING_IO;
				goto out;
			}
			break;
		}
		if (strncmp(ent->d_name, "media.", 6) != 0 || ent->d_name[6] == '\0')
			continue;
		if (best && strcmp(ent->d_name, best) >= 0)
			continue;
		char *copy = strdup(ent->d_name);
		if (!copy) {
			st = RECORDING_NOMEM;
			goto out;
		}
		free(best);
		best = copy;
	}
	if (best)
		st = find_file(dir, best, out, e);
out:
	free(best);
	closedir(d);
	return st;
}

recording_status recording_load_dir(const char *dir, recording *out, char *err, size_t errlen)
{
	errbuf e = {err, errlen};
	char why[ERRMSG_WHY_SIZE], q[128], msg[400];
	recording r = RECORDING_INIT;
	recording_status st = RECORDING_OK;
	char *data = NULL;
	size_t len = 0;
	*out = r;
	set_error(e, "%s", "");

	/* The folder without trailing slashes ("/" stays), so "a/b/" has id "b". */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	r.dir = malloc(n + 1);
	if (!r.dir)
		goto nomem;
	memcpy(r.dir, dir, n);
	r.dir[n] = '\0';
	const char *base = strrchr(r.dir, '/');
	base = base ? base + 1 : r.dir;
	if (!recording_id_valid(base)) {
		set_error(e,
		          "%s: invalid recording id %s: use at most %d ASCII letters, digits, '-', "
		          "'_' and '.', not starting with '.'",
		          r.dir, quoted(base, q, sizeof q), RECORDING_ID_MAX);
		st = RECORDING_BAD_ID;
		goto out;
	}
	if (!(r.id = strdup(base)) || !(r.json_path = path_join(r.dir, "recording.json")))
		goto nomem;

	int errnum = file_read_all(r.json_path, &data, &len);
	if (errnum == ENOMEM)
		goto nomem;
	if (errnum != 0) {
		set_error(e, "%s: %s", r.json_path, errmsg_strerror(errnum, why, sizeof why));
		st = RECORDING_IO;
		goto out;
	}
	st = recording_parse_json(data, len, &r.meta, msg, sizeof msg);
	if (st == RECORDING_NOMEM)
		goto nomem;
	if (st != RECORDING_OK) {
		set_error(e, "%s: %s", r.json_path, msg);
		goto out;
	}

	for (size_t i = 0; !r.transcript_path && recording_transcript_names[i]; i++)
		if ((st = find_file(r.dir, recording_transcript_names[i], &r.transcript_path, e)))
			goto out;
	/* What people wrote wins over what speech recognition heard. */
	if (!r.transcript_path) {
		if ((st = find_file(r.dir, RECORDING_MACHINE_TRANSCRIPT, &r.transcript_path, e)))
			goto out;
		r.transcript_machine = r.transcript_path != NULL;
	}
	if ((st = find_media(r.dir, &r.media_path, e)) ||
	    (st = find_file(r.dir, "agenda.md", &r.agenda_path, e)) ||
	    (st = find_file(r.dir, "notes.md", &r.notes_path, e)) ||
	    (st = find_file(r.dir, "qa.md", &r.qa_path, e)))
		goto out;
	*out = r;
	goto done;
nomem:
	st = RECORDING_NOMEM;
out:
	if (st == RECORDING_NOMEM)
		set_error(e, "out of memory");
	recording_free(&r);
done:
	free(data);
	return st;
}
