/* accounts.json: reading it, checking its shape, and rewriting it under
 * the flock (accounts.h describes the format and the locking). */
#include "accounts_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "archive.h"
#include "errmsg.h"
#include "file_io.h"
#include "fs_ops.h"
#include "path.h"

/* The stored password strings libsodium writes, and the one it accepts. */
#define PASSWORD_PREFIX "$argon2id$"

void accounts_data_free(accounts_data *d)
{
	free(d->users);
	if (d->tokens)
		sodium_memzero(d->tokens, d->token_count * sizeof *d->tokens);
	free(d->tokens);
	*d = (accounts_data)ACCOUNTS_DATA_INIT;
}

accounts_file_key accounts_file_key_of(const struct stat *st)
{
	return (accounts_file_key){true, st->st_dev, st->st_ino, st->st_size, st->st_mtim};
}

bool accounts_file_key_equal(const accounts_file_key *a, const accounts_file_key *b)
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

long accounts_json_find(json_t *array, const char *key, const char *value)
{
	for (size_t i = 0; i < json_array_size(array); i++) {
		const char *s = str_member(json_array_get(array, i), key);
		if (s && strcmp(s, value) == 0)
			return (long)i;
	}
	return -1;
}

/* ---- the shape ---- */

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

/* users[i] into *rec, or false with "<path>: users[i]...: why" in err. The
 * users before i have been checked, so a name found before i is taken
 * twice. */
static bool check_user(json_t *users, size_t i, const char *path, accounts_user_rec *rec, char *err,
                       size_t errlen)
{
	json_t *u = json_array_get(users, i);
	const char *name = str_member(u, "name");
	const char *pw = str_member(u, "password");
	if (!json_is_object(u) || !accounts_name_valid(name)) {
		errmsg_set(err, errlen, "%s: users[%zu]: no valid \"name\"", path, i);
		return false;
	}
	if (!pw || strncmp(pw, PASSWORD_PREFIX, strlen(PASSWORD_PREFIX)) != 0 ||
	    strlen(pw) >= sizeof rec->password) {
		errmsg_set(err, errlen, "%s: users[%zu] (%s): \"password\" is not an %s hash", path,
		           i, name, PASSWORD_PREFIX);
		return false;
	}
	if (!get_created(u, rec->created)) {
		errmsg_set(err, errlen, "%s: users[%zu] (%s): bad \"created\"", path, i, name);
		return false;
	}
	if (accounts_json_find(users, "name", name) != (long)i) {
		errmsg_set(err, errlen, "%s: users[%zu]: the name %s is taken twice", path, i,
		           name);
		return false;
	}
	strcpy(rec->name, name);
	strcpy(rec->password, pw);
	return true;
}

/* tokens[i] into *rec, as check_user. */
static bool check_token(json_t *tokens, size_t i, const char *path, accounts_token_rec *rec,
                        char *err, size_t errlen)
{
	json_t *t = json_array_get(tokens, i);
	const char *name = str_member(t, "name");
	const char *id = str_member(t, "id");
	const char *hash = str_member(t, "hash");
	if (!json_is_object(t) || !accounts_name_valid(name)) {
		errmsg_set(err, errlen, "%s: tokens[%zu]: no valid \"name\"", path, i);
		return false;
	}
	if (!id || !accounts_is_lower_hex(id, ACCOUNTS_TOKEN_ID_LEN)) {
		errmsg_set(err, errlen, "%s: tokens[%zu] (%s): \"id\" is not %d hex digits", path,
		           i, name, ACCOUNTS_TOKEN_ID_LEN);
		return false;
	}
	if (!hash || !accounts_is_lower_hex(hash, ACCOUNTS_TOKEN_HASH_HEX) ||
	    sodium_hex2bin(rec->hash, sizeof rec->hash, hash, ACCOUNTS_TOKEN_HASH_HEX, NULL, NULL,
	                   NULL) != 0) {
		errmsg_set(err, errlen, "%s: tokens[%zu] (%s): \"hash\" is not %d hex digits", path,
		           i, name, ACCOUNTS_TOKEN_HASH_HEX);
		return false;
	}
	if (!get_created(t, rec->created)) {
		errmsg_set(err, errlen, "%s: tokens[%zu] (%s): bad \"created\"", path, i, name);
		return false;
	}
	if (accounts_json_find(tokens, "name", name) != (long)i ||
	    accounts_json_find(tokens, "id", id) != (long)i) {
		errmsg_set(err, errlen, "%s: tokens[%zu]: the name %s or id %s is taken twice",
		           path, i, name, id);
		return false;
	}
	strcpy(rec->name, name);
	strcpy(rec->id, id);
	return true;
}

/* Check the shape of a parsed file, and when d is not NULL fill it. Unknown
 * members are allowed (and kept by writers), so a later version can add
 * some. Returns ACCOUNTS_OK, ACCOUNTS_CORRUPT with "<path>: users[i]: ..."
 * in err, or ACCOUNTS_NOMEM. */
static accounts_status validate(json_t *root, const char *path, accounts_data *d, char *err,
                                size_t errlen)
{
	accounts_status st = ACCOUNTS_CORRUPT;
	accounts_data out = ACCOUNTS_DATA_INIT;
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
		st = accounts_nomem(err, errlen);
		goto out;
	}
	for (size_t i = 0; i < nu; i++) {
		accounts_user_rec rec;
		if (!check_user(users, i, path, &rec, err, errlen))
			goto out;
		if (d)
			out.users[out.user_count++] = rec;
	}
	for (size_t i = 0; i < nt; i++) {
		accounts_token_rec rec;
		bool ok = check_token(tokens, i, path, &rec, err, errlen);
		if (ok && d)
			out.tokens[out.token_count++] = rec;
		sodium_memzero(&rec, sizeof rec);
		if (!ok)
			goto out;
	}
	st = ACCOUNTS_OK;
	if (d) {
		*d = out;
		out = (accounts_data)ACCOUNTS_DATA_INIT;
	}
out:
	accounts_data_free(&out);
	return st;
}

/* ---- reading ---- */

/* Read and parse the file at path. *root: the parsed file (caller
 * decrefs), or NULL when the file does not exist. *key: what was read (its
 * fstat), or {exists = false}. Returns ACCOUNTS_OK, ACCOUNTS_CORRUPT with
 * "<path>: line N: ..." in err, ACCOUNTS_IO or ACCOUNTS_NOMEM. */
static accounts_status read_json(const char *path, json_t **root, accounts_file_key *key, char *err,
                                 size_t errlen)
{
	*root = NULL;
	*key = (accounts_file_key){.exists = false};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ACCOUNTS_OK : accounts_io_error(errno, path, err, errlen);
	accounts_status st = ACCOUNTS_OK;
	char *buf = NULL;
	size_t len = 0;
	struct stat sb;
	int e;
	if (fstat(fd, &sb) != 0) {
		st = accounts_io_error(errno, path, err, errlen);
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
		st = accounts_io_error(e, path, err, errlen);
		goto out;
	}
	json_error_t jerr;
	*root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root) {
		errmsg_set(err, errlen, "%s: line %d: %s", path, jerr.line, jerr.text);
		st = ACCOUNTS_CORRUPT;
		goto out;
	}
	*key = accounts_file_key_of(&sb);
out:
	free(buf);
	close(fd);
	return st;
}

accounts_status accounts_file_load(const char *path, accounts_data *d, accounts_file_key *key,
                                   char *err, size_t errlen)
{
	*d = (accounts_data)ACCOUNTS_DATA_INIT;
	json_t *root = NULL;
	accounts_status st = read_json(path, &root, key, err, errlen);
	if (st == ACCOUNTS_OK && root)
		st = validate(root, path, d, err, errlen);
	json_decref(root);
	return st;
}

char *accounts_file_path(const char *archive)
{
	char *dir = path_join(archive, ARCHIVE_STATE_NAME);
	char *p = dir ? path_join(dir, ACCOUNTS_FILE_NAME) : NULL;
	free(dir);
	return p;
}

accounts_status accounts_file_load_archive(const char *archive, accounts_data *d, char *err,
                                           size_t errlen)
{
	*d = (accounts_data)ACCOUNTS_DATA_INIT;
	accounts_status st = accounts_sodium_ready(err, errlen);
	if (st)
		return st;
	char *path = accounts_file_path(archive);
	if (!path)
		return accounts_nomem(err, errlen);
	accounts_file_key key;
	st = accounts_file_load(path, d, &key, err, errlen);
	struct stat sb;
	if (st == ACCOUNTS_OK && !key.exists && stat(archive, &sb) != 0) {
		errmsg_set(err, errlen, "%s: no such archive directory", archive);
		st = ACCOUNTS_IO;
	}
	free(path);
	return st;
}

/* ---- writing ---- */

/* "<archive>/.qarchive", made (0700: it will hold password hashes) when
 * missing. The archive itself must exist: a mistyped --archive must not
 * create a new archive. */
static accounts_status make_state_dir(const char *archive, char **out, char *err, size_t errlen)
{
	*out = path_join(archive, ARCHIVE_STATE_NAME);
	if (!*out)
		return accounts_nomem(err, errlen);
	accounts_status st = ACCOUNTS_OK;
	struct stat sb;
	if (mkdir(*out, 0700) != 0 && errno != EEXIST) {
		if (errno == ENOENT && stat(archive, &sb) != 0) {
			errmsg_set(err, errlen, "%s: no such archive directory", archive);
			st = ACCOUNTS_IO;
		} else {
			st = accounts_io_error(errno, *out, err, errlen);
		}
	} else if (stat(*out, &sb) != 0) {
		st = accounts_io_error(errno, *out, err, errlen);
	} else if (!S_ISDIR(sb.st_mode)) {
		st = accounts_io_error(ENOTDIR, *out, err, errlen);
	}
	if (st) {
		free(*out);
		*out = NULL;
	}
	return st;
}

/* Open <dir>/accounts.lock and wait for its exclusive flock: *fd holds it
 * until closed. Writers serialise here; readers never take it. */
static accounts_status lock_writers(const char *dir, int *fd, char *err, size_t errlen)
{
	char *lock_path = path_join(dir, ACCOUNTS_LOCK_NAME);
	if (!lock_path)
		return accounts_nomem(err, errlen);
	accounts_status st = ACCOUNTS_OK;
	*fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		st = accounts_io_error(errno, lock_path, err, errlen);
	while (!st && flock(*fd, LOCK_EX) != 0)
		if (errno != EINTR)
			st = accounts_io_error(errno, lock_path, err, errlen);
	if (st && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	free(lock_path);
	return st;
}

/* The file as a change starts from: parsed and checked (a file with the
 * wrong shape is never replaced), {} when missing, with "users" and
 * "tokens" arrays. *root: caller decrefs; NULL on failure. */
static accounts_status read_for_change(const char *path, json_t **root, char *err, size_t errlen)
{
	accounts_file_key key;
	accounts_status st = read_json(path, root, &key, err, errlen);
	if (st == ACCOUNTS_OK && *root)
		st = validate(*root, path, NULL, err, errlen);
	if (st == ACCOUNTS_CORRUPT) {
		size_t used = err ? strlen(err) : 0;
		if (err && used < errlen)
			errmsg_set(err + used, errlen - used, " (not changed)");
	}
	if (!st && !*root && !(*root = json_object()))
		st = accounts_nomem(err, errlen);
	for (int i = 0; !st && i < 2; i++) {
		const char *k = i ? "tokens" : "users";
		if (!json_object_get(*root, k) && json_object_set_new(*root, k, json_array()) != 0)
			st = accounts_nomem(err, errlen);
	}
	if (st) {
		json_decref(*root);
		*root = NULL;
	}
	return st;
}

/* Replace path (in dir) by root, indented, atomically and durably. */
static accounts_status write_json(const char *dir, const char *path, json_t *root, char *err,
                                  size_t errlen)
{
	char *text = json_dumps(root, JSON_INDENT(2));
	size_t n = text ? strlen(text) : 0;
	char *with_nl = text ? realloc(text, n + 2) : NULL;
	if (!with_nl) {
		free(text);
		return accounts_nomem(err, errlen);
	}
	text = with_nl;
	memcpy(text + n, "\n", 2);
	/* 0600: the file holds password hashes. Readers take no lock: they
	 * see the old file or the new one. */
	int e = fs_replace_file_at(AT_FDCWD, path, text, n + 1, 0600, false);
	accounts_status st = ACCOUNTS_OK;
	if (e)
		st = accounts_io_error(e, path, err, errlen);
	else if ((e = fs_sync_dir(-1, dir)) != 0)
		st = accounts_io_error(e, dir, err, errlen);
	sodium_memzero(text, n);
	free(text);
	return st;
}

accounts_status accounts_file_modify(const char *archive, accounts_change_fn change, void *ctx,
                                     char *err, size_t errlen)
{
	char *dir = NULL, *path = NULL;
	json_t *root = NULL;
	int lock = -1;
	accounts_status st = make_state_dir(archive, &dir, err, errlen);
	if (st)
		goto out;
	if (!(path = path_join(dir, ACCOUNTS_FILE_NAME))) {
		st = accounts_nomem(err, errlen);
		goto out;
	}
	if ((st = lock_writers(dir, &lock, err, errlen)) ||
	    (st = read_for_change(path, &root, err, errlen)) ||
	    (st = change(root, ctx, err, errlen)))
		goto out;
	st = write_json(dir, path, root, err, errlen);
out:
	if (lock >= 0)
		close(lock); /* releases the flock */
	json_decref(root);
	free(path);
	free(dir);
	return st;
}
