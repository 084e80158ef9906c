/* The accounts module's common ground: statuses, the name rule, listing,
 * and the helpers its files share (accounts_internal.h says which file
 * holds what). */
#include "accounts_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"

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
	case ACCOUNTS_BUSY:
		return "busy";
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

/* Users and tokens list the same way: a copy of their shown fields, never
 * a hash. */
static accounts_status list(const char *archive, bool tokens, accounts_entry **out, size_t *count,
                            char *err, size_t errlen)
{
	*out = NULL;
	*count = 0;
	accounts_data d;
	accounts_status st = accounts_file_load_archive(archive, &d, err, errlen);
	if (st)
		goto out;
	size_t n = tokens ? d.token_count : d.user_count;
	if (n == 0)
		goto out;
	accounts_entry *e = calloc(n, sizeof *e);
	if (!e) {
		st = accounts_nomem(err, errlen);
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
	accounts_data_free(&d);
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

/* ---- helpers ---- */

accounts_status accounts_io_error(int errnum, const char *path, char *err, size_t errlen)
{
	errmsg_set_errno(err, errlen, path, errnum);
	return errnum == ENOMEM ? ACCOUNTS_NOMEM : ACCOUNTS_IO;
}

accounts_status accounts_nomem(char *err, size_t errlen)
{
	errmsg_set(err, errlen, "out of memory");
	return ACCOUNTS_NOMEM;
}

accounts_status accounts_sodium_ready(char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		errmsg_set(err, errlen, "libsodium could not be initialised");
		return ACCOUNTS_INTERNAL;
	}
	return ACCOUNTS_OK;
}

bool accounts_is_lower_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void accounts_copy_name(char *out, size_t size, const char *name)
{
	if (out && size)
		snprintf(out, size, "%s", name);
}

void accounts_now_utc(char out[ACCOUNTS_CREATED_SIZE])
{
	time_t t = time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm) ||
	    strftime(out, ACCOUNTS_CREATED_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}
