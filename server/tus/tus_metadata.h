/* tus_metadata: the Upload-Metadata header of the tus 1.0 protocol.
 *
 * tus 1.0 §"Upload-Metadata": one or more comma-separated pairs; in each,
 * a key (not empty, no spaces or commas, ASCII), then a space and the value
 * in Base64 (RFC 4648 §4, the standard alphabet with padding). A value may
 * be empty, and then the space may be left out as well. Keys are unique.
 *
 *     title SGVsbG8=,kind d2ViaW5hcg==,is_confidential
 *
 * We also take optional whitespace (space, tab) around each pair, as
 * RFC 9110 §5.6.1 allows around list elements: some clients write ", ".
 * An empty or all-blank header holds no pairs.
 *
 * Pure: no I/O, no global state (libsodium's decoder needs no
 * sodium_init()).
 */
#ifndef QA_HTTP_TUS_METADATA_H
#define QA_HTTP_TUS_METADATA_H

#include <stddef.h>

typedef enum tus_metadata_status {
	TUS_METADATA_OK = 0,
	TUS_METADATA_MALFORMED, /* not a valid Upload-Metadata header (see *errmsg) */
	TUS_METADATA_NOMEM,
} tus_metadata_status;

const char *tus_metadata_status_str(tus_metadata_status status);

/* The parsed pairs, in the order sent. */
typedef struct tus_metadata tus_metadata;

/* Parse header (NUL-terminated; NULL is taken as no header: zero pairs).
 * Returns TUS_METADATA_OK with *out set (caller frees with
 * tus_metadata_free); or TUS_METADATA_MALFORMED with *errmsg saying which
 * pair (counted from 1) and what is wrong, e.g. `pair 2 ("kind"): the value
 * is not Base64`; or TUS_METADATA_NOMEM. On failure *out is NULL. errmsg
 * may be NULL; otherwise *errmsg is set on failure (caller frees; NULL when
 * even that could not be allocated) and to NULL on success. */
tus_metadata_status tus_metadata_parse(const char *header, tus_metadata **out, char **errmsg);

/* The number of pairs. */
size_t tus_metadata_count(const tus_metadata *m);

/* The i-th key (0-based, i < count), borrowed from m. */
const char *tus_metadata_key(const tus_metadata *m, size_t i);

/* The decoded value of key: borrowed from m, NUL-terminated ("" for a key
 * without a value), and *len (when len is not NULL) its length in bytes,
 * which may be more than strlen() when the value holds NUL bytes. NULL
 * (and *len 0) when key is absent. Keys are compared exactly
 * (case-sensitive, as the protocol does not say otherwise). */
const char *tus_metadata_get(const tus_metadata *m, const char *key, size_t *len);

/* NULL is a no-op. */
void tus_metadata_free(tus_metadata *m);

#endif
