/* recording_id: the id (folder name) of a new recording, made from its
 * date and title:
 *
 *     2026-11-20 + "PyTorch 2.10 Live Q&A"  ->  2026-11-20-pytorch-2-10-live-q-a
 *
 * The title part ("slug") keeps ASCII letters (lowercased) and digits;
 * every other run of characters becomes one '-', and '-' is trimmed from
 * both ends. Latin letters with diacritics (U+00C0..U+017F: "é", "ü", "ß",
 * "ø", "ł", ...) are first folded to their ASCII base letters, so "Café"
 * gives "cafe" rather than "caf". The slug is cut (at a '-' when one is near
 * the end) so that the whole id is at most RECORDING_ID_NEW_MAX bytes; a
 * title with nothing left gives "recording".
 *
 * Uniqueness is not decided here: the upload path tries the plain id and
 * then "-2", "-3", ... (n below) when it creates the folder, exclusively.
 * Every id made here satisfies recording_id_valid.
 *
 * Pure: no I/O, no global state.
 */
#ifndef QA_RECORDING_ID_H
#define QA_RECORDING_ID_H

#include <stddef.h>

/* A new id is at most this many bytes, its suffix included (the archive's
 * own limit, RECORDING_ID_MAX, is higher: ids made by hand may be longer).
 * Short enough for a readable URL. */
#define RECORDING_ID_NEW_MAX 80
/* What the title part becomes when the title has no letter or digit. */
#define RECORDING_ID_EMPTY_SLUG "recording"

typedef enum recording_id_status {
	RECORDING_ID_OK = 0,
	RECORDING_ID_BAD_DATE, /* date is not "YYYY-MM-DD" (ten characters, digits and '-') */
	RECORDING_ID_NO_SPACE, /* out is smaller than RECORDING_ID_NEW_MAX + 1, or n is 0 */
} recording_id_status;

/* A static string, never NULL. */
const char *recording_id_status_str(recording_id_status status);

/* Write the id for `date` ("YYYY-MM-DD": only its shape is checked here,
 * recording_parse_json checks the calendar) and `title` (UTF-8; NULL is
 * the empty title) into out[0..size): "<date>-<slug>" for n == 1,
 * "<date>-<slug>-<n>" for n >= 2, the slug shortened as needed so the
 * suffix fits too. Returns RECORDING_ID_OK, or RECORDING_ID_BAD_DATE /
 * RECORDING_ID_NO_SPACE with out set to "" (when size > 0). */
recording_id_status recording_id_make(const char *date, const char *title, unsigned n, char *out,
                                      size_t size);

#endif
