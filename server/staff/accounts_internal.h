/* accounts_internal: what the files of the accounts module share; the
 * API is accounts.h. Not for use outside server/staff/.
 *
 *   accounts.c         statuses, the name rule, listing, small helpers
 *   accounts_file.c    accounts.json: read, check its shape, rewrite it
 *                      under the flock
 *   accounts_users.c   users and their argon2id passwords
 *   accounts_tokens.c  API tokens (qat_..., BLAKE2b-256)
 *   accounts_cache.c   the server's cached view of the file
 *
 * Every function here takes err/errlen as accounts.h describes and
 * returns an accounts_status unless it says otherwise.
 */
#ifndef QA_ACCOUNTS_INTERNAL_H
#define QA_ACCOUNTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "accounts.h"

/* A token's stored hash: BLAKE2b-256, 64 lowercase hex digits in the file. */
#define ACCOUNTS_TOKEN_HASH_BYTES 32
#define ACCOUNTS_TOKEN_HASH_HEX   (ACCOUNTS_TOKEN_HASH_BYTES * 2)

/* ---- the parsed file (accounts_file.c) ---- */

typedef struct accounts_user_rec {
	char name[ACCOUNTS_NAME_MAX + 1];
	char password[crypto_pwhash_STRBYTES]; /* "$argon2id$..." */
	char created[ACCOUNTS_CREATED_SIZE];
} accounts_user_rec;

typedef struct accounts_token_rec {
	char name[ACCOUNTS_NAME_MAX + 1];
	char id[ACCOUNTS_TOKEN_ID_LEN + 1];
	unsigned char hash[ACCOUNTS_TOKEN_HASH_BYTES];
	char created[ACCOUNTS_CREATED_SIZE];
} accounts_token_rec;

/* The users and tokens of one accounts.json, in file order. Owns both
 * arrays; free with accounts_data_free. */
typedef struct accounts_data {
	accounts_user_rec *users;
	size_t user_count;
	accounts_token_rec *tokens;
	size_t token_count;
} accounts_data;

#define ACCOUNTS_DATA_INIT                                                                         \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

/* Free both arrays (the token hashes wiped first); *d is left empty. */
void accounts_data_free(accounts_data *d);

/* What identifies one version of the file: a writer renames a new file into
 * place, so the inode changes with every write; size and mtime catch an edit
 * made in place by hand. */
typedef struct accounts_file_key {
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim;
} accounts_file_key;

accounts_file_key accounts_file_key_of(const struct stat *st);
bool accounts_file_key_equal(const accounts_file_key *a, const accounts_file_key *b);

/* "<archive>/.qarchive/accounts.json"; caller frees; NULL when out of
 * memory. */
char *accounts_file_path(const char *archive);

/* Read, parse and check the file at path into *d (emptied first; caller
 * frees with accounts_data_free). A missing file is empty data. *key: the
 * fstat of the file read, or {exists = false}. Returns ACCOUNTS_OK,
 * ACCOUNTS_CORRUPT ("<path>: line N: ..." or "<path>: users[i]: ..."),
 * ACCOUNTS_IO or ACCOUNTS_NOMEM. */
accounts_status accounts_file_load(const char *path, accounts_data *d, accounts_file_key *key,
                                   char *err, size_t errlen);

/* For the plain readers: accounts_file_load on archive's file. A missing
 * file is an empty store, but a missing archive is an error, so a
 * mistyped --archive does not list nothing and succeed. Also returns
 * ACCOUNTS_INTERNAL (libsodium). */
accounts_status accounts_file_load_archive(const char *archive, accounts_data *d, char *err,
                                           size_t errlen);

/* A change to the parsed file, which has "users" and "tokens" arrays:
 * returns ACCOUNTS_OK to have it written, or a status (with err set) to
 * leave the file alone. */
typedef accounts_status (*accounts_change_fn)(json_t *root, void *ctx, char *err, size_t errlen);

/* Read-modify-write under the flock: the one path by which the file
 * changes. Makes <archive>/.qarchive (0700) when missing; a file that does
 * not parse or has the wrong shape is never replaced (ACCOUNTS_CORRUPT,
 * "... (not changed)"). Returns what change returns, or an error. */
accounts_status accounts_file_modify(const char *archive, accounts_change_fn change, void *ctx,
                                     char *err, size_t errlen);

/* The index of the first object in array whose member key is the string
 * value, or -1. */
long accounts_json_find(json_t *array, const char *key, const char *value);

/* ---- small helpers (accounts.c) ---- */

/* "<path>: <strerror>" in err; ACCOUNTS_NOMEM for ENOMEM, else
 * ACCOUNTS_IO. */
accounts_status accounts_io_error(int errnum, const char *path, char *err, size_t errlen);

/* "out of memory" in err; ACCOUNTS_NOMEM. */
accounts_status accounts_nomem(char *err, size_t errlen);

/* sodium_init: ACCOUNTS_OK or ACCOUNTS_INTERNAL. */
accounts_status accounts_sodium_ready(char *err, size_t errlen);

/* Whether s is exactly len lowercase hex digits. */
bool accounts_is_lower_hex(const char *s, size_t len);

/* name into out (size bytes, truncated); nothing when out is NULL or size
 * is 0. */
void accounts_copy_name(char *out, size_t size, const char *name);

/* "2026-11-23T14:00:00Z" for now, in UTC. */
void accounts_now_utc(char out[ACCOUNTS_CREATED_SIZE]);

/* ---- checks the plain readers and the cache share ---- */

/* Copy the stored hash of user name into out, or "" when there is no such
 * user (accounts_users.c). Fast: run it under the cache's lock. */
void accounts_stored_password(const accounts_data *d, const char *name,
                              char out[crypto_pwhash_STRBYTES]);

/* The argon2id verification of password against stored (from
 * accounts_stored_password); slow, so outside any lock. With stored ""
 * a dummy hash is verified instead and the answer is always
 * ACCOUNTS_BAD_CREDENTIALS, in the same time. */
accounts_status accounts_verify_password(const char *stored, const char *password);

/* ACCOUNTS_OK when d has a user called name, else ACCOUNTS_NOT_FOUND. */
accounts_status accounts_data_user_exists(const accounts_data *d, const char *name);

/* As accounts_check_token, on d (accounts_tokens.c). */
accounts_status accounts_token_match(const accounts_data *d, const char *token, char *out_name,
                                     size_t size);

#endif
