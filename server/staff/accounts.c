#include "accounts.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "archive.h"
#include "errmsg.h"
#include "file_io.h"
#include "fs_ops.h"
#include "path.h"

/* BLAKE2b-256 of a token; hex in the file. */
#define TOKEN_HASH_BYTES 32
#define TOKEN_HASH_HEX   (TOKEN_HASH_BYTES * 2)
#define TOKEN_ID_BYTES   8
#define TOKEN_SECRET     32
/* unpadded base64 of 32 bytes: ceil(32 * 4 / 3) */
#define TOKEN_SECRET_LEN 43
/* The stored password strings libsodium writes, and the one it accepts. */
#define PASSWORD_PREFIX "$argon2id$"

/* What an unknown user's password is verified against, so a login for a
 * name that does not exist costs the same argon2id run as a wrong password
 * (libsodium's INTERACTIVE limits: m=64 MiB, t=2). Made once from 32
 * random bytes that were thrown away: no password matches it. Sized as
 * libsodium declares the parameter, so -O2's bounds check agrees. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$PsPe5FIu49fzuMbZypotUQ$"
    "Mka0e+f/rID0yUChW0JEQTlCj4xcwWKtbKQKkFHLB2c";

const char *accounts_status_str(accounts_status status)
{
	switch (status) {
	case ACCOUNTS_OK:
		return "ok";
	case ACCOUNTS_BAD_NAME:
		return "invalid name";
	case ACCOUNTS_BAD_PASSWORD:
		return "password too short";
	case ACCOUNTS_EXISTS:
		return "already exists";
	case ACCOUNTS_NOT_FOUND:
		return "not found";
	case ACCOUNTS_BAD_CREDENTIALS:
		return "bad credentials";
	case ACCOUNTS_CORRUPT:
		return "accounts file is corrupt";
	case ACCOUNTS_IO:
		return "cannot read or write the accounts file";
	case ACCOUNTS_NOMEM:
		return "out of memory";
	case ACCOUNTS_INTERNAL:
		return "internal error";
	}
	return "unknown status";
}

bool accounts_name_valid(const char *name)
{
	if (!name || !name[0] || name[0] == '.' || name[0] == '-')
		return false;
	size_t n = 0;
	for (const char *p = name; *p; p++, n++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-';
		if (!ok || n >= ACCOUNTS_NAME_MAX)
			return false;
	}
	return true;
}

/* "<path>: <strerror>" in err, and the status errnum maps to. */
static accounts_status io_error(int errnum, const char *path, char *err, size_t errlen)
{
	errmsg_set_errno(err, errlen, path, errnum);
	return errnum == ENOMEM ? ACCOUNTS_NOMEM : ACCOUNTS_IO;
}

static accounts_status nomem(char *err, size_t errlen)
{
	errmsg_set(err, errlen, "out of memory");
	return ACCOUNTS_NOMEM;
}

accounts_status accounts_name_check(const char *name, char *err, size_t errlen)
{
	if (accounts_name_valid(name))
		return ACCOUNTS_OK;
	errmsg_set(err, errlen,
	           "'%.80s' is not a valid name: use 1 to %d of A-Z a-z 0-9 . _ @ -, "
	           "not starting with '.' or '-'",
	           name ? name : "", ACCOUNTS_NAME_MAX);
	return ACCOUNTS_BAD_NAME;
}

static accounts_status sodium_ready(char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		errmsg_set(err, errlen, "libsodium could not be initialised");
		return ACCOUNTS_INTERNAL;
	}
	return ACCOUNTS_OK;
}

static bool is_lower_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool is_base64url(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* ---- the parsed file ---- */

typedef struct acc_user {
	char name[ACCOUNTS_NAME_MAX + 1];
	char password[crypto_pwhash_STRBYTES];
	char created[ACCOUNTS_CREATED_SIZE];
} acc_user;

typedef struct acc_token {
	char name[ACCOUNTS_NAME_MAX + 1];
	char id[ACCOUNTS_TOKEN_ID_LEN + 1];
	unsigned char hash[TOKEN_HASH_BYTES];
	char created[ACCOUNTS_CREATED_SIZE];
} acc_token;

typedef struct acc_data {
	acc_user *users;
	size_t user_count;
	acc_token *tokens;
	size_t token_count;
} acc_data;

static void data_free(acc_data *d)
{
	free(d->users);
	if (d->tokens)
		sodium_memzero(d->tokens, d->token_count * sizeof *d->tokens);
	free(d->tokens);
	*d = (acc_data){NULL, 0, NULL, 0};
}

/* What identifies one version of the file: a writer renames a new file into
 * place, so the inode changes with every write; size and mtime catch an edit
 * made in place by hand. */
typedef struct file_key {
	bool exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim;
} file_key;

static file_key key_of(const struct stat *st)
{
	return (file_key){true, st->st_dev, st->st_ino, st->st_size, st->st_mtim};
}

static bool key_equal(const file_key *a, const file_key *b)
{
	if (a->exists != b->exists)
		return false;
	return !a->exists ||
	       (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	        a->mtim.tv_sec == b->mtim.tv_sec && a->mtim.tv_nsec == b->mtim.tv_nsec);
}

static const char *str_member(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Copy a "created" member: a string that fits, or "" when absent (it is
 * only shown, never trusted). False when it is there but not such a
 * string. */
static bool get_created(json_t *obj, char out[ACCOUNTS_CREATED_SIZE])
{
	json_t *v = json_object_get(obj, "created");
	out[0] = '\0';
	if (!v)
		return true;
	const char *s = json_string_value(v);
	if (!s || strlen(s) >= ACCOUNTS_CREATED_SIZE)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	strcpy(out, s);
	return true;
}

/* Check the shape of a parsed file, and when d is not NULL fill it. Unknown
 * members are allowed (and kept by writers), so a later version can add
 * some. Returns ACCOUNTS_OK, ACCOUNTS_CORRUPT with "<path>: users[i]: ..."
 * in err, or ACCOUNTS_NOMEM. */
static accounts_status validate(json_t *root, const char *path, acc_data *d, char *err,
                                size_t errlen)
{
	accounts_status st = ACCOUNTS_CORRUPT;
	acc_data out = {NULL, 0, NULL, 0};
	if (!json_is_object(root)) {
		errmsg_set(err, errlen, "%s: not a JSON object", path);
		goto out;
	}
	json_t *users = json_object_get(root, "users");
	json_t *tokens = json_object_get(root, "tokens");
	if (users && !json_is_array(users)) {
		errmsg_set(err, errlen, "%s: \"users\" is not an array", path);
		goto out;
	}
	if (tokens && !json_is_array(tokens)) {
		errmsg_set(err, errlen, "%s: \"tokens\" is not an array", path);
		goto out;
	}
	size_t nu = json_array_size(users), nt = json_array_size(tokens);
	if (d && ((nu && !(out.users = calloc(nu, sizeof *out.users))) ||
	          (nt && !(out.tokens = calloc(nt, sizeof *out.tokens))))) {
		st = nomem(err, errlen);
		goto out;
	}
	for (size_t i = 0; i < nu; i++) {
		json_t *u = json_array_get(users, i);
		const char *name = str_member(u, "name");
		const char *pw = str_member(u, "password");
		acc_user rec;
		if (!json_is_object(u) || !accounts_name_valid(name)) {
			errmsg_set(err, errlen, "%s: users[%zu]: no valid \"name\"", path, i);
			goto out;
		}
		if (!pw || strncmp(pw, PASSWORD_PREFIX, strlen(PASSWORD_PREFIX)) != 0 ||
		    strlen(pw) >= sizeof rec.password) {
			errmsg_set(err, errlen,
			           "%s: users[%zu] (%s): \"password\" is not an %s hash", path, i,
			           name, PASSWORD_PREFIX);
			goto out;
		}
		if (!get_created(u, rec.created)) {
			errmsg_set(err, errlen, "%s: users[%zu] (%s): bad \"created\"", path, i,
			           name);
			goto out;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(str_member(json_array_get(users, j), "name"), name) == 0) {
				errmsg_set(err, errlen,
				           "%s: users[%zu]: the name %s is taken twice", path, i,
				           name);
				goto out;
			}
		}
		strcpy(rec.name, name);
		strcpy(rec.password, pw);
		if (d)
			out.users[out.user_count++] = rec;
	}
	for (size_t i = 0; i < nt; i++) {
		json_t *t = json_array_get(tokens, i);
		const char *name = str_member(t, "name");
		const char *id = str_member(t, "id");
		const char *hash = str_member(t, "hash");
		acc_token rec;
		if (!json_is_object(t) || !accounts_name_valid(name)) {
			errmsg_set(err, errlen, "%s: tokens[%zu]: no valid \"name\"", path, i);
			goto out;
		}
		if (!id || !is_lower_hex(id, ACCOUNTS_TOKEN_ID_LEN)) {
			errmsg_set(err, errlen, "%s: tokens[%zu] (%s): \"id\" is not %d hex digits",
			           path, i, name, ACCOUNTS_TOKEN_ID_LEN);
			goto out;
		}
		if (!hash || !is_lower_hex(hash, TOKEN_HASH_HEX)) {
			errmsg_set(err, errlen,
			           "%s: tokens[%zu] (%s): \"hash\" is not %d hex digits", path, i,
			           name, TOKEN_HASH_HEX);
			goto out;
		}
		if (!get_created(t, rec.created)) {
			errmsg_set(err, errlen, "%s: tokens[%zu] (%s): bad \"created\"", path, i,
			           name);
			goto out;
		}
		for (size_t j = 0; j < i; j++) {
			json_t *o = json_array_get(tokens, j);
			if (strcmp(str_member(o, "name"), name) == 0 ||
			    strcmp(str_member(o, "id"), id) == 0) {
				errmsg_set(err, errlen,
				           "%s: tokens[%zu]: the name %s or id %s is taken twice",
				           path, i, name, id);
				goto out;
			}
		}
		strcpy(rec.name, name);
		strcpy(rec.id, id);
		if (sodium_hex2bin(rec.hash, sizeof rec.hash, hash, TOKEN_HASH_HEX, NULL, NULL,
		                   NULL) != 0) {
			errmsg_set(err, errlen, "%s: tokens[%zu] (%s): bad \"hash\"", path, i,
			           name);
			goto out;
		}
		if (d)
			out.tokens[out.token_count++] = rec;
	}
	st = ACCOUNTS_OK;
	if (d) {
		*d = out;
		out = (acc_data){NULL, 0, NULL, 0};
	}
out:
	data_free(&out);
	return st;
}

/* Read and parse the file at path. *root: the parsed file (caller
 * decrefs), or NULL when the file does not exist. *key: what was read (its
 * fstat), or {exists = false}. Returns ACCOUNTS_OK, ACCOUNTS_CORRUPT with
 * "<path>: line N: ..." in err, ACCOUNTS_IO or ACCOUNTS_NOMEM. */
static accounts_status read_json(const char *path, json_t **root, file_key *key, char *err,
                                 size_t errlen)
{
	*root = NULL;
	*key = (file_key){.exists = false};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ACCOUNTS_OK : io_error(errno, path, err, errlen);
	accounts_status st = ACCOUNTS_OK;
	char *buf = NULL;
	size_t len = 0;
	struct stat sb;
	int e;
	if (fstat(fd, &sb) != 0) {
		st = io_error(errno, path, err, errlen);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		errmsg_set(err, errlen, "%s: not a regular file", path);
		st = ACCOUNTS_IO;
		goto out;
	}
	/* From the fd just fstatted: *key is what was read, even if a writer
	 * renames a new file into place meanwhile. */
	if ((e = file_read_fd(fd, 0, &buf, &len)) != 0) {
		st = io_error(e, path, err, errlen);
		goto out;
	}
	json_error_t jerr;
	*root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root) {
		errmsg_set(err, errlen, "%s: line %d: %s", path, jerr.line, jerr.text);
		st = ACCOUNTS_CORRUPT;
		goto out;
	}
	*key = key_of(&sb);
out:
	free(buf);
	close(fd);
	return st;
}

/* Read, parse and check the file into *d (emptied first). */
static accounts_status load_data(const char *path, acc_data *d, file_key *key, char *err,
                                 size_t errlen)
{
	*d = (acc_data){NULL, 0, NULL, 0};
	json_t *root = NULL;
	accounts_status st = read_json(path, &root, key, err, errlen);
	if (st == ACCOUNTS_OK && root)
		st = validate(root, path, d, err, errlen);
	json_decref(root);
	return st;
}

/* "<archive>/.qarchive/<name>"; NULL when out of memory. */
static char *state_path(const char *archive, const char *name)
{
	char *dir = path_join(archive, ARCHIVE_STATE_NAME);
	char *p = dir ? path_join(dir, name) : NULL;
	free(dir);
	return p;
}

/* For the plain readers: load archive's file. A missing file is an empty
 * store, but a missing archive is an error, so a mistyped --archive does
 * not list nothing and succeed. */
static accounts_status load_archive(const char *archive, acc_data *d, char *err, size_t errlen)
{
	*d = (acc_data){NULL, 0, NULL, 0};
	accounts_status st = sodium_ready(err, errlen);
	if (st)
		return st;
	char *path = state_path(archive, ACCOUNTS_FILE_NAME);
	if (!path)
		return nomem(err, errlen);
	file_key key;
	st = load_data(path, d, &key, err, errlen);
	struct stat sb;
	if (st == ACCOUNTS_OK && !key.exists && stat(archive, &sb) != 0) {
		errmsg_set(err, errlen, "%s: no such archive directory", archive);
		st = ACCOUNTS_IO;
	}
	free(path);
	return st;
}

static const acc_user *find_user(const acc_data *d, const char *name)
{
	for (size_t i = 0; i < d->user_count; i++)
		if (strcmp(d->users[i].name, name) == 0)
			return &d->users[i];
	return NULL;
}

/* ---- checks, shared by the plain functions and the cache ---- */

/* Copy the stored hash for name into out, or "" when there is no such
 * user. */
static void stored_password(const acc_data *d, const char *name, char out[crypto_pwhash_STRBYTES])
{
	const acc_user *u = accounts_name_valid(name) ? find_user(d, name) : NULL;
	strcpy(out, u ? u->password : "");
}

/* The argon2id verification, outside any lock. With stored "" the dummy
 * hash is verified instead and the answer is always no. */
static accounts_status verify_password(const char *stored, const char *password)
{
	if (!password)
		password = "";
	bool known = stored[0] != '\0';
	int rc = crypto_pwhash_str_verify(known ? stored : dummy_hash, password, strlen(password));
	return known && rc == 0 ? ACCOUNTS_OK : ACCOUNTS_BAD_CREDENTIALS;
}

/* Whether token looks like one of ours; its id is copied to id. */
static bool token_parse(const char *token, char id[ACCOUNTS_TOKEN_ID_LEN + 1])
{
	size_t pre = strlen(ACCOUNTS_TOKEN_PREFIX);
	if (!token || strnlen(token, ACCOUNTS_TOKEN_LEN + 1) != ACCOUNTS_TOKEN_LEN ||
	    strncmp(token, ACCOUNTS_TOKEN_PREFIX, pre) != 0 ||
	    token[pre + ACCOUNTS_TOKEN_ID_LEN] != '_')
		return false;
	memcpy(id, token + pre, ACCOUNTS_TOKEN_ID_LEN);
	id[ACCOUNTS_TOKEN_ID_LEN] = '\0';
	return is_lower_hex(id, ACCOUNTS_TOKEN_ID_LEN) &&
	       is_base64url(token + pre + ACCOUNTS_TOKEN_ID_LEN + 1, TOKEN_SECRET_LEN);
}

static void copy_name(char *out, size_t size, const char *name)
{
	if (out && size)
		snprintf(out, size, "%s", name);
}

/* The id only finds the entry (it is not secret: it is shown by `token
 * list`); the hash of the whole token decides, compared in constant time. */
static accounts_status token_match(const acc_data *d, const char *token, char *out_name,
                                   size_t size)
{
	char id[ACCOUNTS_TOKEN_ID_LEN + 1];
	copy_name(out_name, size, "");
	if (!token_parse(token, id))
		return ACCOUNTS_BAD_CREDENTIALS;
	unsigned char hash[TOKEN_HASH_BYTES];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)token, ACCOUNTS_TOKEN_LEN,
	                   NULL, 0);
	for (size_t i = 0; i < d->token_count; i++) {
		const acc_token *t = &d->tokens[i];
		if (strcmp(t->id, id) != 0)
			continue;
		if (sodium_memcmp(t->hash, hash, sizeof hash) != 0)
			return ACCOUNTS_BAD_CREDENTIALS;
		copy_name(out_name, size, t->name);
		return ACCOUNTS_OK;
	}
	return ACCOUNTS_BAD_CREDENTIALS;
}

static accounts_status user_exists(const acc_data *d, const char *name)
{
	return accounts_name_valid(name) && find_user(d, name) ? ACCOUNTS_OK : ACCOUNTS_NOT_FOUND;
}

/* ---- the plain readers ---- */

accounts_status accounts_check_password(const char *archive, const char *name, const char *password,
                                        char *err, size_t errlen)
{
	acc_data d;
	accounts_status st = load_archive(archive, &d, err, errlen);
	if (st == ACCOUNTS_OK) {
		char stored[crypto_pwhash_STRBYTES];
		stored_password(&d, name, stored);
		st = verify_password(stored, password);
	}
	data_free(&d);
	return st;
}

accounts_status accounts_check_token(const char *archive, const char *token, char *out_name,
                                     size_t size, char *err, size_t errlen)
{
	copy_name(out_name, size, "");
	acc_data d;
	accounts_status st = load_archive(archive, &d, err, errlen);
	if (st == ACCOUNTS_OK)
		st = token_match(&d, token, out_name, size);
	data_free(&d);
	return st;
}

accounts_status accounts_user_exists(const char *archive, const char *name, char *err,
                                     size_t errlen)
{
	acc_data d;
	accounts_status st = load_archive(archive, &d, err, errlen);
	if (st == ACCOUNTS_OK)
		st = user_exists(&d, name);
	data_free(&d);
	return st;
}

static accounts_status list(const char *archive, bool tokens, accounts_entry **out, size_t *count,
                            char *err, size_t errlen)
{
	*out = NULL;
	*count = 0;
	acc_data d;
	accounts_status st = load_archive(archive, &d, err, errlen);
	if (st)
		goto out;
	size_t n = tokens ? d.token_count : d.user_count;
	if (n == 0)
		goto out;
	accounts_entry *e = calloc(n, sizeof *e);
	if (!e) {
		st = nomem(err, errlen);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (tokens) {
			strcpy(e[i].name, d.tokens[i].name);
			strcpy(e[i].id, d.tokens[i].id);
			strcpy(e[i].created, d.tokens[i].created);
		} else {
			strcpy(e[i].name, d.users[i].name);
			strcpy(e[i].created, d.users[i].created);
		}
	}
	*out = e;
	*count = n;
out:
	data_free(&d);
	return st;
}

accounts_status accounts_user_list(const char *archive, accounts_entry **out, size_t *count,
                                   char *err, size_t errlen)
{
	return list(archive, false, out, count, err, errlen);
}

accounts_status accounts_token_list(const char *archive, accounts_entry **out, size_t *count,
                                    char *err, size_t errlen)
{
	return list(archive, true, out, count, err, errlen);
}

/* ---- writers ---- */

/* "<archive>/.qarchive", made (0700: it will hold password hashes) when
 * missing. The archive itself must exist: a mistyped --archive must not
 * create a new archive. */
static accounts_status make_state_dir(const char *archive, char **out, char *err, size_t errlen)
{
	*out = path_join(archive, ARCHIVE_STATE_NAME);
	if (!*out)
		return nomem(err, errlen);
	accounts_status st = ACCOUNTS_OK;
	struct stat sb;
	if (mkdir(*out, 0700) != 0 && errno != EEXIST) {
		if (errno == ENOENT && stat(archive, &sb) != 0) {
			errmsg_set(err, errlen, "%s: no such archive directory", archive);
			st = ACCOUNTS_IO;
		} else {
			st = io_error(errno, *out, err, errlen);
		}
	} else if (stat(*out, &sb) != 0) {
		st = io_error(errno, *out, err, errlen);
	} else if (!S_ISDIR(sb.st_mode)) {
		st = io_error(ENOTDIR, *out, err, errlen);
	}
	if (st) {
		free(*out);
		*out = NULL;
	}
	return st;
}

/* A change to the parsed file: returns ACCOUNTS_OK to have it written, or a
 * status (with err set) to leave the file alone. */
typedef accounts_status (*change_fn)(json_t *root, void *ctx, char *err, size_t errlen);

/* Read-modify-write under the lock: the one path by which the file changes.
 * A file that does not parse, or has the wrong shape, is never replaced. */
static accounts_status modify(const char *archive, change_fn change, void *ctx, char *err,
                              size_t errlen)
{
	char *dir = NULL, *path = NULL, *lock_path = NULL, *text = NULL;
	json_t *root = NULL;
	int lock = -1;
	accounts_status st = make_state_dir(archive, &dir, err, errlen);
	if (st)
		goto out;
	path = path_join(dir, ACCOUNTS_FILE_NAME);
	lock_path = path_join(dir, ACCOUNTS_LOCK_NAME);
	if (!path || !lock_path) {
		st = nomem(err, errlen);
		goto out;
	}
	lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0) {
		st = io_error(errno, lock_path, err, errlen);
		goto out;
	}
	while (flock(lock, LOCK_EX) != 0) {
		if (errno != EINTR) {
			st = io_error(errno, lock_path, err, errlen);
			goto out;
		}
	}
	file_key key;
	st = read_json(path, &root, &key, err, errlen);
	if (st == ACCOUNTS_OK && root)
		st = validate(root, path, NULL, err, errlen);
	if (st == ACCOUNTS_CORRUPT) {
		size_t used = err ? strlen(err) : 0;
		if (err && used < errlen)
			errmsg_set(err + used, errlen - used, " (not changed)");
	}
	if (st)
		goto out;
	if (!root && !(root = json_object())) {
		st = nomem(err, errlen);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		const char *k = i ? "tokens" : "users";
		if (!json_object_get(root, k) && json_object_set_new(root, k, json_array()) != 0) {
			st = nomem(err, errlen);
			goto out;
		}
	}
	st = change(root, ctx, err, errlen);
	if (st)
		goto out;
	text = json_dumps(root, JSON_INDENT(2));
	size_t n = text ? strlen(text) : 0;
	char *with_nl = text ? realloc(text, n + 2) : NULL;
	if (!with_nl) {
		st = nomem(err, errlen);
		goto out;
	}
	text = with_nl;
	memcpy(text + n, "\n", 2);
	/* 0600: the file holds password hashes. Readers take no lock: they
	 * see the old file or the new one. */
	int e = fs_replace_file_at(AT_FDCWD, path, text, n + 1, 0600, false);
	if (e || (e = fs_sync_dir(-1, dir)) != 0)
		st = io_error(e, path, err, errlen);
out:
	if (lock >= 0)
		close(lock); /* releases the flock */
	if (text)
		sodium_memzero(text, strlen(text));
	free(text);
	json_decref(root);
	free(lock_path);
	free(path);
	free(dir);
	return st;
}

/* Index of the entry called name in array, or -1. */
static long find_named(json_t *array, const char *name)
{
	for (size_t i = 0; i < json_array_size(array); i++)
		if (strcmp(str_member(json_array_get(array, i), "name"), name) == 0)
			return (long)i;
	return -1;
}

/* "2026-11-23T14:00:00Z" for now, in UTC. */
static void now_utc(char out[ACCOUNTS_CREATED_SIZE])
{
	time_t t = time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm) ||
	    strftime(out, ACCOUNTS_CREATED_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}

typedef struct user_change {
	const char *name;
	const char *hash; /* the new argon2id string; NULL for remove */
	enum { USER_ADD, USER_SET_PASSWORD, USER_REMOVE } op;
} user_change;

static accounts_status change_user(json_t *root, void *ctx, char *err, size_t errlen)
{
	const user_change *c = ctx;
	json_t *users = json_object_get(root, "users");
	long i = find_named(users, c->name);
	if (c->op == USER_ADD) {
		if (i >= 0) {
			errmsg_set(err, errlen, "a user named '%s' already exists", c->name);
			return ACCOUNTS_EXISTS;
		}
		char created[ACCOUNTS_CREATED_SIZE];
		now_utc(created);
		json_t *u = json_pack("{s:s, s:s, s:s}", "name", c->name, "password", c->hash,
		                      "created", created);
		if (!u || json_array_append_new(users, u) != 0)
			return nomem(err, errlen);
		return ACCOUNTS_OK;
	}
	if (i < 0) {
		errmsg_set(err, errlen, "no user named '%s'", c->name);
		return ACCOUNTS_NOT_FOUND;
	}
	int rc = c->op == USER_REMOVE ? json_array_remove(users, (size_t)i)
	                              : json_object_set_new(json_array_get(users, (size_t)i),
	                                                    "password", json_string(c->hash));
	return rc == 0 ? ACCOUNTS_OK : nomem(err, errlen);
}

static accounts_status check_password_rule(const char *password, char *err, size_t errlen)
{
	if (!password || strlen(password) < ACCOUNTS_PASSWORD_MIN) {
		errmsg_set(err, errlen, "a password needs at least %d bytes",
		           ACCOUNTS_PASSWORD_MIN);
		return ACCOUNTS_BAD_PASSWORD;
	}
	return ACCOUNTS_OK;
}

/* Hash first, then take the lock: the lock is held for milliseconds, not
 * for an argon2id run. */
static accounts_status user_write(const char *archive, user_change *c, const char *password,
                                  char *err, size_t errlen)
{
	if (!accounts_name_valid(c->name))
		return accounts_name_check(c->name, err, errlen);
	accounts_status st = sodium_ready(err, errlen);
	if (st)
		return st;
	char hash[crypto_pwhash_STRBYTES];
	if (c->op != USER_REMOVE) {
		if ((st = check_password_rule(password, err, errlen)))
			return st;
		if (crypto_pwhash_str(hash, password, strlen(password),
		                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
		                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
			/* libsodium's only failure here is not getting the 64 MiB. */
			errmsg_set(err, errlen, "could not hash the password (out of memory?)");
			return ACCOUNTS_INTERNAL;
		}
		c->hash = hash;
	}
	return modify(archive, change_user, c, err, errlen);
}

accounts_status accounts_user_add(const char *archive, const char *name, const char *password,
                                  char *err, size_t errlen)
{
	user_change c = {name, NULL, USER_ADD};
	return user_write(archive, &c, password, err, errlen);
}

accounts_status accounts_user_set_password(const char *archive, const char *name,
                                           const char *password, char *err, size_t errlen)
{
	user_change c = {name, NULL, USER_SET_PASSWORD};
	return user_write(archive, &c, password, err, errlen);
}

accounts_status accounts_user_remove(const char *archive, const char *name, char *err,
                                     size_t errlen)
{
	user_change c = {name, NULL, USER_REMOVE};
	return user_write(archive, &c, NULL, err, errlen);
}

typedef struct token_change {
	const char *name;
	const char *id;   /* add only */
	const char *hash; /* add only: 64 hex */
	bool id_taken;    /* set when id is another token's */
} token_change;

static accounts_status change_token(json_t *root, void *ctx, char *err, size_t errlen)
{
	token_change *c = ctx;
	json_t *tokens = json_object_get(root, "tokens");
	long i = find_named(tokens, c->name);
	if (!c->id) {
		if (i < 0) {
			errmsg_set(err, errlen, "no token named '%s'", c->name);
			return ACCOUNTS_NOT_FOUND;
		}
		return json_array_remove(tokens, (size_t)i) == 0 ? ACCOUNTS_OK : nomem(err, errlen);
	}
	if (i >= 0) {
		errmsg_set(err, errlen, "a token named '%s' already exists", c->name);
		return ACCOUNTS_EXISTS;
	}
	for (size_t j = 0; j < json_array_size(tokens); j++) {
		if (strcmp(str_member(json_array_get(tokens, j), "id"), c->id) == 0) {
			/* 2^-64 per pair; the caller draws a new id and tries again. */
			errmsg_set(err, errlen, "token id %s is taken", c->id);
			c->id_taken = true;
			return ACCOUNTS_EXISTS;
		}
	}
	char created[ACCOUNTS_CREATED_SIZE];
	now_utc(created);
	json_t *t = json_pack("{s:s, s:s, s:s, s:s}", "name", c->name, "id", c->id, "hash", c->hash,
	                      "created", created);
	if (!t || json_array_append_new(tokens, t) != 0)
		return nomem(err, errlen);
	return ACCOUNTS_OK;
}

accounts_status accounts_token_add(const char *archive, const char *name, char *out_token,
                                   size_t size, char *err, size_t errlen)
{
	if (out_token && size)
		out_token[0] = '\0';
	if (!out_token || size < ACCOUNTS_TOKEN_SIZE) {
		errmsg_set(err, errlen, "the token buffer is too small");
		return ACCOUNTS_INTERNAL;
	}
	if (!accounts_name_valid(name))
		return accounts_name_check(name, err, errlen);
	accounts_status st = sodium_ready(err, errlen);
	if (st)
		return st;
	char token[ACCOUNTS_TOKEN_SIZE];
	char hash_hex[TOKEN_HASH_HEX + 1];
	char id[ACCOUNTS_TOKEN_ID_LEN + 1];
	/* An id collision is drawn again; a name that exists ends the loop. */
	for (int attempt = 0; attempt < 4; attempt++) {
		unsigned char id_bin[TOKEN_ID_BYTES], secret[TOKEN_SECRET];
		unsigned char hash[TOKEN_HASH_BYTES];
		char secret_b64[TOKEN_SECRET_LEN + 1];
		randombytes_buf(id_bin, sizeof id_bin);
		randombytes_buf(secret, sizeof secret);
		sodium_bin2hex(id, sizeof id, id_bin, sizeof id_bin);
		sodium_bin2base64(secret_b64, sizeof secret_b64, secret, sizeof secret,
		                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		snprintf(token, sizeof token, "%s%s_%s", ACCOUNTS_TOKEN_PREFIX, id, secret_b64);
		crypto_generichash(hash, sizeof hash, (const unsigned char *)token,
		                   ACCOUNTS_TOKEN_LEN, NULL, 0);
		sodium_bin2hex(hash_hex, sizeof hash_hex, hash, sizeof hash);
		sodium_memzero(secret, sizeof secret);
		sodium_memzero(secret_b64, sizeof secret_b64);
		token_change c = {name, id, hash_hex, false};
		st = modify(archive, change_token, &c, err, errlen);
		if (!c.id_taken)
			break;
	}
	if (st == ACCOUNTS_OK)
		memcpy(out_token, token, ACCOUNTS_TOKEN_SIZE);
	sodium_memzero(token, sizeof token);
	return st;
}

accounts_status accounts_token_remove(const char *archive, const char *name, char *err,
                                      size_t errlen)
{
	if (!accounts_name_valid(name))
		return accounts_name_check(name, err, errlen);
	accounts_status st = sodium_ready(err, errlen);
	if (st)
		return st;
	token_change c = {name, NULL, NULL, false};
	return modify(archive, change_token, &c, err, errlen);
}

/* ---- the cache ---- */

struct accounts_cache {
	pthread_mutex_t mutex;
	char *path; /* <archive>/.qarchive/accounts.json */
	/* The last read: what was read, how it went, and the content. A
	 * corrupt file is remembered too (and reported on every check until it
	 * changes); an I/O failure is not, so the next check tries again. */
	bool loaded;
	file_key key;
	accounts_status status;
	char err[512];
	acc_data data;
};

accounts_status accounts_cache_new(const char *archive, accounts_cache **out)
{
	*out = NULL;
	if (sodium_init() < 0)
		return ACCOUNTS_INTERNAL;
	accounts_cache *c = calloc(1, sizeof *c);
	if (!c)
		return ACCOUNTS_NOMEM;
	if (!(c->path = state_path(archive, ACCOUNTS_FILE_NAME))) {
		free(c);
		return ACCOUNTS_NOMEM;
	}
	if (pthread_mutex_init(&c->mutex, NULL) != 0) {
		free(c->path);
		free(c);
		return ACCOUNTS_INTERNAL;
	}
	*out = c;
	return ACCOUNTS_OK;
}

void accounts_cache_free(accounts_cache *cache)
{
	if (!cache)
		return;
	pthread_mutex_destroy(&cache->mutex);
	data_free(&cache->data);
	free(cache->path);
	free(cache);
}

/* Make the cache match the file; the caller holds the mutex. On failure
 * err says why. */
static accounts_status refresh(accounts_cache *c, char *err, size_t errlen)
{
	struct stat sb;
	file_key now = {.exists = false};
	if (stat(c->path, &sb) == 0)
		now = key_of(&sb);
	else if (errno != ENOENT)
		return io_error(errno, c->path, err, errlen);
	if (!c->loaded || !key_equal(&now, &c->key)) {
		acc_data d;
		file_key read_key;
		c->err[0] = '\0';
		accounts_status st = load_data(c->path, &d, &read_key, c->err, sizeof c->err);
		if (st == ACCOUNTS_IO || st == ACCOUNTS_NOMEM) {
			errmsg_set(err, errlen, "%s", c->err);
			return st;
		}
		data_free(&c->data);
		c->data = d;
		c->key = read_key;
		c->status = st;
		c->loaded = true;
	}
	if (c->status)
		errmsg_set(err, errlen, "%s", c->err);
	return c->status;
}

accounts_status accounts_cache_check_password(accounts_cache *cache, const char *name,
                                              const char *password, char *err, size_t errlen)
{
	char stored[crypto_pwhash_STRBYTES] = "";
	pthread_mutex_lock(&cache->mutex);
	accounts_status st = refresh(cache, err, errlen);
	if (st == ACCOUNTS_OK)
		stored_password(&cache->data, name, stored);
	pthread_mutex_unlock(&cache->mutex);
	if (st == ACCOUNTS_OK)
		st = verify_password(stored, password);
	return st;
}

accounts_status accounts_cache_check_token(accounts_cache *cache, const char *token, char *out_name,
                                           size_t size, char *err, size_t errlen)
{
	copy_name(out_name, size, "");
	pthread_mutex_lock(&cache->mutex);
	accounts_status st = refresh(cache, err, errlen);
	if (st == ACCOUNTS_OK)
		st = token_match(&cache->data, token, out_name, size);
	pthread_mutex_unlock(&cache->mutex);
	return st;
}

accounts_status accounts_cache_user_exists(accounts_cache *cache, const char *name, char *err,
                                           size_t errlen)
{
	pthread_mutex_lock(&cache->mutex);
	accounts_status st = refresh(cache, err, errlen);
	if (st == ACCOUNTS_OK)
		st = user_exists(&cache->data, name);
	pthread_mutex_unlock(&cache->mutex);
	return st;
}
