/* accounts: the staff accounts and API tokens that may change the archive
 * (issue #8, staff upload), kept in <archive>/.qarchive/accounts.json:
 *
 *     {"users":  [{"name": "alice", "password": "$argon2id$v=19$...",
 *                  "created": "2026-11-23T14:00:00Z"}],
 *      "tokens": [{"name": "ci-upload", "id": "<16 hex>", "hash": "<64 hex>",
 *                  "created": "2026-11-23T14:00:00Z"}]}
 *
 * Only hashes are stored. Passwords are low-entropy, so they get argon2id
 * (libsodium's crypto_pwhash_str at the INTERACTIVE limits: 64 MiB and about
 * 0.1 s per hash). Tokens are 32 random bytes, so a fast hash is as safe and
 * lets every API request be checked cheaply: the stored hash is BLAKE2b-256
 * of the whole token string. A token reads `qat_<id>_<secret>`: the id
 * (8 random bytes, hex) finds the entry and is not secret; the secret is the
 * 32 bytes in unpadded base64url.
 *
 * Writers (the CLI) read, change and replace the file under an exclusive
 * flock on <archive>/.qarchive/accounts.lock. The new content goes to a
 * temporary file in the same folder (mode 0600), is fsynced and renamed
 * over the old one, and the folder is fsynced: a reader sees the old file
 * or the new one, never half of one. Readers take no lock.
 *
 * A missing accounts.json means no users and no tokens. A file that does
 * not parse is an error naming the file and line; writers refuse to
 * replace it, so a typo made by hand is never silently turned into an
 * empty store.
 *
 * The server checks credentials on every request through an accounts_cache,
 * which keeps the parsed file and re-reads it when it changes, so `qarchive
 * user add` or `token remove` take effect on the next request.
 *
 * Names (of users and of tokens) are 1 to 64 characters from
 * [A-Za-z0-9._@-], not starting with '.' or '-'.
 *
 * Every function is thread-safe; an accounts_cache may be shared by any
 * number of threads.
 */
#ifndef QA_ACCOUNTS_H
#define QA_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

/* The file names inside <archive>/.qarchive/. */
#define ACCOUNTS_FILE_NAME "accounts.json"
#define ACCOUNTS_LOCK_NAME "accounts.lock"

/* Longest name, in bytes, without the NUL. */
#define ACCOUNTS_NAME_MAX 64
/* Shortest password, in bytes. */
#define ACCOUNTS_PASSWORD_MIN 8
/* A token: "qat_" + 16 hex + "_" + 43 base64url characters. */
#define ACCOUNTS_TOKEN_PREFIX "qat_"
#define ACCOUNTS_TOKEN_LEN    64
#define ACCOUNTS_TOKEN_SIZE   (ACCOUNTS_TOKEN_LEN + 1)
/* A token's id: 16 lowercase hex characters. */
#define ACCOUNTS_TOKEN_ID_LEN 16
/* Room for a "created" time as stored ("2026-11-23T14:00:00Z" is 20). */
#define ACCOUNTS_CREATED_SIZE 32

typedef enum accounts_status {
	ACCOUNTS_OK = 0,
	ACCOUNTS_BAD_NAME,        /* the name breaks the rule above */
	ACCOUNTS_BAD_PASSWORD,    /* shorter than ACCOUNTS_PASSWORD_MIN bytes */
	ACCOUNTS_EXISTS,          /* a user (or token) by that name exists already */
	ACCOUNTS_NOT_FOUND,       /* no user (or token) by that name */
	ACCOUNTS_BAD_CREDENTIALS, /* wrong password, unknown user, or a token that is
	                           * malformed, unknown or wrong: one status for all */
	ACCOUNTS_CORRUPT,         /* accounts.json does not parse or is not shaped as above */
	ACCOUNTS_IO,              /* a file or folder could not be read, created or written */
	ACCOUNTS_NOMEM,
	ACCOUNTS_INTERNAL, /* libsodium could not be initialised or could not hash */
	ACCOUNTS_BUSY,     /* the server's password checks are all taken (hash_pool.h):
	                    * nothing was checked; try again shortly (HTTP 503) */
} accounts_status;

/* One user or token, for listing. Never holds a hash. */
typedef struct accounts_entry {
	char name[ACCOUNTS_NAME_MAX + 1];
	char id[ACCOUNTS_TOKEN_ID_LEN + 1]; /* tokens only; "" for users */
	char created[ACCOUNTS_CREATED_SIZE];
} accounts_entry;

/* A static string, never NULL. */
const char *accounts_status_str(accounts_status status);

/* Whether name follows the naming rule above. */
bool accounts_name_valid(const char *name);

/* ACCOUNTS_OK when name follows the rule, else ACCOUNTS_BAD_NAME with a
 * message that states the rule in err (as below). */
accounts_status accounts_name_check(const char *name, char *err, size_t errlen);

/* In the functions below, archive is the archive folder (it must exist),
 * and err receives a one-line message on failure (truncated to errlen; err
 * may be NULL when errlen is 0), such as "a user named 'alice' already
 * exists" or "<archive>/.qarchive/accounts.json: line 3: ...". Unless a
 * function says otherwise, it returns ACCOUNTS_OK, ACCOUNTS_CORRUPT,
 * ACCOUNTS_IO, ACCOUNTS_NOMEM or ACCOUNTS_INTERNAL, and writers leave the
 * file as it was on any failure. */

/* Add a user with this password (hashed with argon2id; the password is
 * not kept). Creates <archive>/.qarchive (mode 0700) and accounts.json
 * (mode 0600) when missing. Also returns ACCOUNTS_BAD_NAME,
 * ACCOUNTS_BAD_PASSWORD or ACCOUNTS_EXISTS. */
accounts_status accounts_user_add(const char *archive, const char *name, const char *password,
                                  char *err, size_t errlen);

/* Replace an existing user's password. Also returns ACCOUNTS_BAD_NAME,
 * ACCOUNTS_BAD_PASSWORD or ACCOUNTS_NOT_FOUND. */
accounts_status accounts_user_set_password(const char *archive, const char *name,
                                           const char *password, char *err, size_t errlen);

/* Remove a user. Also returns ACCOUNTS_BAD_NAME or ACCOUNTS_NOT_FOUND. */
accounts_status accounts_user_remove(const char *archive, const char *name, char *err,
                                     size_t errlen);

/* The users, in the order they were added: *out (caller frees with free();
 * NULL when there are none or on failure) and *count. */
accounts_status accounts_user_list(const char *archive, accounts_entry **out, size_t *count,
                                   char *err, size_t errlen);

/* ACCOUNTS_OK when the user exists, ACCOUNTS_NOT_FOUND when not (an
 * invalid name included), or an error. */
accounts_status accounts_user_exists(const char *archive, const char *name, char *err,
                                     size_t errlen);

/* ACCOUNTS_OK when password is this user's, ACCOUNTS_BAD_CREDENTIALS when
 * it is not or there is no such user (an invalid name included), or an
 * error. An unknown user costs the same argon2id verification as a known
 * one, so the time taken does not tell which names exist. */
accounts_status accounts_check_password(const char *archive, const char *name, const char *password,
                                        char *err, size_t errlen);

/* Make a new token called name and write it ("qat_...", NUL-terminated) to
 * out_token, which must hold ACCOUNTS_TOKEN_SIZE bytes; only its hash is
 * stored, so this is the one time it can be shown. Creates the folder and
 * file as accounts_user_add does. Also returns ACCOUNTS_BAD_NAME or
 * ACCOUNTS_EXISTS (ACCOUNTS_INTERNAL when size is too small). out_token is
 * "" on failure. */
accounts_status accounts_token_add(const char *archive, const char *name, char *out_token,
                                   size_t size, char *err, size_t errlen);

/* Remove the token called name. Also returns ACCOUNTS_BAD_NAME or
 * ACCOUNTS_NOT_FOUND. */
accounts_status accounts_token_remove(const char *archive, const char *name, char *err,
                                      size_t errlen);

/* The tokens (name, id, created), as accounts_user_list. */
accounts_status accounts_token_list(const char *archive, accounts_entry **out, size_t *count,
                                    char *err, size_t errlen);

/* ACCOUNTS_OK when token is a current token, with its name written to
 * out_name (size bytes; ACCOUNTS_NAME_MAX + 1 always suffice, a shorter
 * buffer truncates); ACCOUNTS_BAD_CREDENTIALS when it is malformed, unknown
 * or does not match (out_name ""), or an error. The hash is compared in
 * constant time. out_name may be NULL when size is 0. */
accounts_status accounts_check_token(const char *archive, const char *token, char *out_name,
                                     size_t size, char *err, size_t errlen);

/* ---- the server's cached view ---- */

typedef struct accounts_cache accounts_cache;

/* A cache of archive's accounts.json (the path is copied; nothing is read
 * yet). Each check below stats the file and re-reads it when its device,
 * inode, size or modification time changed since the last read; writers
 * rename a new file into place, so every change is noticed. *out: caller
 * frees with accounts_cache_free; NULL on failure. Returns ACCOUNTS_OK,
 * ACCOUNTS_NOMEM or ACCOUNTS_INTERNAL. */
accounts_status accounts_cache_new(const char *archive, accounts_cache **out);

/* NULL is a no-op. No check may be running. */
void accounts_cache_free(accounts_cache *cache);

/* As accounts_check_password, on the cached file. The argon2id
 * verification runs outside the cache's lock, on one of the cache's
 * hash_pool places (hash_pool.h: about one per core, so a burst of
 * sign-ins neither takes 64 MiB each nor starves the other requests). When
 * none frees up within ACCOUNTS_HASH_WAIT_MS (or the queue for them is
 * full), returns ACCOUNTS_BUSY without checking. */
accounts_status accounts_cache_check_password(accounts_cache *cache, const char *name,
                                              const char *password, char *err, size_t errlen);

/* How long a sign-in waits for a place to check its password, and how
 * many may wait per place. */
#define ACCOUNTS_HASH_WAIT_MS    10000
#define ACCOUNTS_HASH_QUEUE_EACH 4

/* How many password checks (argon2id runs) the cache has started. */
unsigned long long accounts_cache_password_checks(accounts_cache *cache);

/* As accounts_check_token, on the cached file. */
accounts_status accounts_cache_check_token(accounts_cache *cache, const char *token, char *out_name,
                                           size_t size, char *err, size_t errlen);

/* As accounts_user_exists, on the cached file: for sessions to notice a
 * removed user. */
accounts_status accounts_cache_user_exists(accounts_cache *cache, const char *name, char *err,
                                           size_t errlen);

#endif
