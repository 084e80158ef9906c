#include "tus_fields.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agenda.h"
#include "recording.h"
#include "text_decode.h"
#include "transcript.h"

/* The keys we read, in the order they are checked. */
static const char *const keys[] = {"title",    "kind",        "date",     "release",
                                   "speakers", "description", "filename", "transcript",
                                   "agenda",   "notes",       "qa"};

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* The value of key as text: NULL when absent or blank. Sets *bad when it
 * is not text we can carry (a NUL byte, or not UTF-8: JSON, the index and
 * the pages all need UTF-8). */
static const char *text_value(const tus_metadata *m, const char *key, char *err, size_t errlen,
                              bool *bad)
{
	size_t len = 0;
	const char *v = tus_metadata_get(m, key, &len);
	if (!v)
		return NULL;
	if (strlen(v) != len) {
		snprintf(err, errlen, "%s: holds a NUL byte; expected text", key);
		*bad = true;
		return NULL;
	}
	if (!text_is_utf8(v, len)) {
		snprintf(err, errlen, "%s: not UTF-8 text", key);
		*bad = true;
		return NULL;
	}
	return blank(v) ? NULL : v;
}

/* recording.json's rules (recording_parse_json), over the fields as they
 * would be written: the messages name the same keys. The date may be
 * left out. */
static tus_fields_status check_meta(const upload_fields *f, char *err, size_t errlen)
{
	json_t *o = json_object();
	if (!o)
		return TUS_FIELDS_NOMEM;
	bool nomem = false;
	if (f->title)
		nomem |= json_object_set_new(o, "title", json_string(f->title)) != 0;
	if (f->kind)
		nomem |= json_object_set_new(o, "kind", json_string(f->kind)) != 0;
	if (f->release)
		nomem |= json_object_set_new(o, "release", json_string(f->release)) != 0;
	/* Without a date the media's (or today) is taken at ingest (ingest.h);
	 * a stand-in lets the other fields be checked now. */
	nomem |= json_object_set_new(o, "date", json_string(f->date ? f->date : "2000-01-01")) != 0;
	if (f->speakers)
		nomem |= json_object_set_new(o, "speakers",
		                             recording_speakers_from_text(f->speakers)) != 0;
	if (f->description)
		nomem |= json_object_set_new(o, "description", json_string(f->description)) != 0;
	char *text = nomem ? NULL : json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return TUS_FIELDS_NOMEM;
	recording_meta meta = RECORDING_META_INIT;
	recording_status rs = recording_parse_json(text, strlen(text), &meta, err, errlen);
	recording_meta_free(&meta);
	free(text);
	return rs == RECORDING_OK      ? TUS_FIELDS_OK
	       : rs == RECORDING_NOMEM ? TUS_FIELDS_NOMEM
	                               : TUS_FIELDS_INVALID;
}

static tus_fields_status check_transcript(const char *text, char *err, size_t errlen)
{
	transcript t = TRANSCRIPT_INIT;
	transcript_status ts = transcript_parse(text, strlen(text), TRANSCRIPT_UNKNOWN, NULL, &t);
	if (ts == TRANSCRIPT_INVALID)
		snprintf(err, errlen, "transcript: %s", t.error);
	transcript_free(&t);
	return ts == TRANSCRIPT_OK      ? TUS_FIELDS_OK
	       : ts == TRANSCRIPT_NOMEM ? TUS_FIELDS_NOMEM
	                                : TUS_FIELDS_INVALID;
}

static tus_fields_status check_agenda(const char *text, char *err, size_t errlen)
{
	agenda a = AGENDA_INIT;
	agenda_status as = agenda_parse(text, strlen(text), &a);
	if (as == AGENDA_INVALID)
		snprintf(err, errlen, "agenda: %s", a.error);
	agenda_free(&a);
	return as == AGENDA_OK      ? TUS_FIELDS_OK
	       : as == AGENDA_NOMEM ? TUS_FIELDS_NOMEM
	                            : TUS_FIELDS_INVALID;
}

tus_fields_status tus_fields_from_metadata(const tus_metadata *m, upload_fields *out, char *err,
                                           size_t errlen)
{
	const char *v[sizeof keys / sizeof keys[0]];
	bool bad = false;
	if (errlen)
		err[0] = '\0';
	for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !bad; i++)
		v[i] = text_value(m, keys[i], err, errlen, &bad);
	if (bad)
		return TUS_FIELDS_INVALID;
	upload_fields f = *out;
	f.title = v[0];
	f.kind = v[1];
	f.date = v[2];
	f.release = v[3];
	f.speakers = v[4];
	f.description = v[5];
	f.media_name = v[6];
	f.transcript_text = v[7];
	f.agenda_text = v[8];
	f.notes_text = v[9];
	f.qa_text = v[10];
	tus_fields_status rc = check_meta(&f, err, errlen);
	if (rc == TUS_FIELDS_OK && f.transcript_text)
		rc = check_transcript(f.transcript_text, err, errlen);
	if (rc == TUS_FIELDS_OK && f.agenda_text)
		rc = check_agenda(f.agenda_text, err, errlen);
	if (rc == TUS_FIELDS_NOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc == TUS_FIELDS_OK)
		*out = f;
	return rc;
}
