/* API tokens: "qat_<id>_<secret>" (accounts.h). The id finds the entry and
 * is not secret; the secret is 32 random bytes, so a fast hash of the
 * whole token (BLAKE2b-256) is as safe as a slow one and lets every API
 * request be checked cheaply. */
#include "accounts_internal.h"

#include <stdio.h>
#include <string.h>

#include "errmsg.h"

#define TOKEN_ID_BYTES 8
#define TOKEN_SECRET   32
/* unpadded base64 of 32 bytes: ceil(32 * 4 / 3) */
#define TOKEN_SECRET_LEN 43

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
	return accounts_is_lower_hex(id, ACCOUNTS_TOKEN_ID_LEN) &&
	       is_base64url(token + pre + ACCOUNTS_TOKEN_ID_LEN + 1, TOKEN_SECRET_LEN);
}

static void token_hash(const char *token, unsigned char hash[ACCOUNTS_TOKEN_HASH_BYTES])
{
	crypto_generichash(hash, ACCOUNTS_TOKEN_HASH_BYTES, (const unsigned char *)token,
	                   ACCOUNTS_TOKEN_LEN, NULL, 0);
}

/* The id only finds the entry (it is not secret: it is shown by `token
 * list`); the hash of the whole token decides, compared in constant time. */
accounts_status accounts_token_match(const accounts_data *d, const char *token, char *out_name,
                                     size_t size)
{
	char id[ACCOUNTS_TOKEN_ID_LEN + 1];
	accounts_copy_name(out_name, size, "");
	if (!token_parse(token, id))
		return ACCOUNTS_BAD_CREDENTIALS;
	unsigned char hash[ACCOUNTS_TOKEN_HASH_BYTES];
	token_hash(token, hash);
	for (size_t i = 0; i < d->token_count; i++) {
		const accounts_token_rec *t = &d->tokens[i];
		if (strcmp(t->id, id) != 0)
			continue;
		if (sodium_memcmp(t->hash, hash, sizeof hash) != 0)
			return ACCOUNTS_BAD_CREDENTIALS;
		accounts_copy_name(out_name, size, t->name);
		return ACCOUNTS_OK;
	}
	return ACCOUNTS_BAD_CREDENTIALS;
}

accounts_status accounts_check_token(const char *archive, const char *token, char *out_name,
                                     size_t size, char *err, size_t errlen)
{
	accounts_copy_name(out_name, size, "");
	accounts_data d;
	accounts_status st = accounts_file_load_archive(archive, &d, err, errlen);
	if (st == ACCOUNTS_OK)
		st = accounts_token_match(&d, token, out_name, size);
	accounts_data_free(&d);
	return st;
}

/* ---- changes ---- */

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
	long i = accounts_json_find(tokens, "name", c->name);
	if (!c->id) {
		if (i < 0) {
			errmsg_set(err, errlen, "no token named '%s'", c->name);
			return ACCOUNTS_NOT_FOUND;
		}
		return json_array_remove(tokens, (size_t)i) == 0 ? ACCOUNTS_OK
		                                                 : accounts_nomem(err, errlen);
	}
	if (i >= 0) {
		errmsg_set(err, errlen, "a token named '%s' already exists", c->name);
		return ACCOUNTS_EXISTS;
	}
	if (accounts_json_find(tokens, "id", c->id) >= 0) {
		/* 2^-64 per pair; the caller draws a new id and tries again. */
		errmsg_set(err, errlen, "token id %s is taken", c->id);
		c->id_taken = true;
		return ACCOUNTS_EXISTS;
	}
	char created[ACCOUNTS_CREATED_SIZE];
	accounts_now_utc(created);
	json_t *t = json_pack("{s:s, s:s, s:s, s:s}", "name", c->name, "id", c->id, "hash", c->hash,
	                      "created", created);
	if (!t || json_array_append_new(tokens, t) != 0)
		return accounts_nomem(err, errlen);
	return ACCOUNTS_OK;
}

/* A new random token into token, its id into id and its hash's hex into
 * hash_hex. */
static void token_draw(char token[ACCOUNTS_TOKEN_SIZE], char id[ACCOUNTS_TOKEN_ID_LEN + 1],
                       char hash_hex[ACCOUNTS_TOKEN_HASH_HEX + 1])
{
	unsigned char id_bin[TOKEN_ID_BYTES], secret[TOKEN_SECRET];
	unsigned char hash[ACCOUNTS_TOKEN_HASH_BYTES];
	char secret_b64[TOKEN_SECRET_LEN + 1];
	randombytes_buf(id_bin, sizeof id_bin);
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(id, ACCOUNTS_TOKEN_ID_LEN + 1, id_bin, sizeof id_bin);
	sodium_bin2base64(secret_b64, sizeof secret_b64, secret, sizeof secret,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(token, ACCOUNTS_TOKEN_SIZE, "%s%s_%s", ACCOUNTS_TOKEN_PREFIX, id, secret_b64);
	token_hash(token, hash);
	sodium_bin2hex(hash_hex, ACCOUNTS_TOKEN_HASH_HEX + 1, hash, sizeof hash);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(secret_b64, sizeof secret_b64);
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
	accounts_status st = accounts_sodium_ready(err, errlen);
	if (st)
		return st;
	char token[ACCOUNTS_TOKEN_SIZE];
	char hash_hex[ACCOUNTS_TOKEN_HASH_HEX + 1];
	char id[ACCOUNTS_TOKEN_ID_LEN + 1];
	/* An id collision is drawn again; a name that exists ends the loop. */
	for (int attempt = 0; attempt < 4; attempt++) {
		token_draw(token, id, hash_hex);
		token_change c = {name, id, hash_hex, false};
		st = accounts_file_modify(archive, change_token, &c, err, errlen);
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
	accounts_status st = accounts_sodium_ready(err, errlen);
	if (st)
		return st;
	token_change c = {name, NULL, NULL, false};
	return accounts_file_modify(archive, change_token, &c, err, errlen);
}
