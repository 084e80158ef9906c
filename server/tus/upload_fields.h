/* upload_fields: a new recording's fields as an upload carries them, whichever
 * way it came (a multipart form, or tus Upload-Metadata). tus/ reads them
 * from metadata and http/upload_commit.c turns them into a recording; the
 * struct is here, below both, so that tus/ needs nothing of the HTTP code.
 */
#ifndef QA_TUS_UPLOAD_FIELDS_H
#define QA_TUS_UPLOAD_FIELDS_H

/* The fields of a new recording as a form or tus Upload-Metadata gives
 * them: all borrowed, NULL (or "") when absent. */
typedef struct upload_fields {
	const char *title;
	const char *kind;        /* release-qa | webinar | tac-meeting | other */
	const char *release;     /* "2.9", "helion", ... */
	const char *date;        /* YYYY-MM-DD */
	const char *speakers;    /* one per line or comma-separated; "Name (role)" */
	const char *description; /* markdown */
	/* Texts given inline (a pasted agenda, a transcript in tus metadata). */
	const char *transcript_text;
	const char *agenda_text;
	const char *notes_text;
	const char *qa_text; /* qa.md: the questions asked (qa_md.h) */
	/* Staged files under <archive>/.qarchive/uploads/: moved into the
	 * archive on success (the caller's cleanup then finds nothing). */
	const char *media_path;
	const char *media_name; /* the client's file name, a hint only */
	const char *transcript_path;
	const char *transcript_name;
	const char *agenda_path;
	const char *notes_path;
	const char *qa_path;
	const char *uploaded_by; /* the staff name, for the log */
} upload_fields;

#endif
