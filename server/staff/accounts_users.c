/* Staff users and their passwords: argon2id hashes (libsodium's
 * crypto_pwhash_str at the INTERACTIVE limits), checked in the same time
 * whether or not the user exists. */
#include "accounts_internal.h"

#include <string.h>

#include "errmsg.h"

/* What an unknown user's password is verified against, so a login for a
 * name that does not exist costs the same argon2id run as a wrong password
 * (libsodium's INTERACTIVE limits: m=64 MiB, t=2). Made once from 32
 * random bytes that were thrown away: no password matches it. Sized as
 * libsodium declares the parameter, so -O2's bounds check agrees. */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$PsPe5FIu49fzuMbZypotUQ$"
    "Mka0e+f/rID0yUChW0JEQTlCj4xcwWKtbKQKkFHLB2c";

static const accounts_user_rec *find_user(const accounts_data *d, const char *name)
{
	if (!accounts_name_valid(name))
		return NULL;
	for (size_t i = 0; i < d->user_count; i++)
		if (strcmp(d->users[i].name, name) == 0)
			return &d->users[i];
	return NULL;
}

/* ---- checks ---- */

void accounts_stored_password(const accounts_data *d, const char *name,
                              char out[crypto_pwhash_STRBYTES])
{
	const accounts_user_rec *u = find_user(d, name);
	strcpy(out, u ? u->password : "");
}

accounts_status accounts_verify_password(const char *stored, const char *password)
{
	if (!password)
		password = "";
	bool known = stored[0] != '\0';
	int rc = crypto_pwhash_str_verify(known ? stored : dummy_hash, password, strlen(password));
	return known && rc == 0 ? ACCOUNTS_OK : ACCOUNTS_BAD_CREDENTIALS;
}

accounts_status accounts_data_user_exists(const accounts_data *d, const char *name)
{
	return find_user(d, name) ? ACCOUNTS_OK : ACCOUNTS_NOT_FOUND;
}

accounts_status accounts_check_password(const char *archive, const char *name, const char *password,
                                        char *err, size_t errlen)
{
	accounts_data d;
	accounts_status st = accounts_file_load_archive(archive, &d, err, errlen);
	if (st == ACCOUNTS_OK) {
		char stored[crypto_pwhash_STRBYTES];
		accounts_stored_password(&d, name, stored);
		st = accounts_verify_password(stored, password);
	}
	accounts_data_free(&d);
	return st;
}

accounts_status accounts_user_exists(const char *archive, const char *name, char *err,
                                     size_t errlen)
{
	accounts_data d;
	accounts_status st = accounts_file_load_archive(archive, &d, err, errlen);
	if (st == ACCOUNTS_OK)
		st = accounts_data_user_exists(&d, name);
	accounts_data_free(&d);
	return st;
}

/* ---- changes ---- */

typedef struct user_change {
	const char *name;
	const char *hash; /* the new argon2id string; NULL for remove */
	enum { USER_ADD, USER_SET_PASSWORD, USER_REMOVE } op;
} user_change;

static accounts_status change_user(json_t *root, void *ctx, char *err, size_t errlen)
{
	const user_change *c = ctx;
	json_t *users = json_object_get(root, "users");
	long i = accounts_json_find(users, "name", c->name);
	if (c->op == USER_ADD) {
		if (i >= 0) {
			errmsg_set(err, errlen, "a user named '%s' already exists", c->name);
			return ACCOUNTS_EXISTS;
		}
		char created[ACCOUNTS_CREATED_SIZE];
		accounts_now_utc(created);
		json_t *u = json_pack("{s:s, s:s, s:s}", "name", c->name, "password", c->hash,
		                      "created", created);
		if (!u || json_array_append_new(users, u) != 0)
			return accounts_nomem(err, errlen);
		return ACCOUNTS_OK;
	}
	if (i < 0) {
		errmsg_set(err, errlen, "no user named '%s'", c->name);
		return ACCOUNTS_NOT_FOUND;
	}
	int rc = c->op == USER_REMOVE ? json_array_remove(users, (size_t)i)
	                              : json_object_set_new(json_array_get(users, (size_t)i),
	                                                    "password", json_string(c->hash));
	return rc == 0 ? ACCOUNTS_OK : accounts_nomem(err, errlen);
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
	accounts_status st = accounts_sodium_ready(err, errlen);
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
	return accounts_file_modify(archive, change_user, c, err, errlen);
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
