/* accounts: the credential store in <archive>/.qarchive/accounts.json, its
 * checks, and the server's cache of it. Archives are made under $TMPDIR.
 * argon2id costs 64 MiB and a tenth of a second or more per hash (more
 * under ASan), so the password tests share a few hashes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "accounts.h"
#include "harness.h"
#include "test_fs.h"

/* ---- helpers ---- */

static char *state_file(const char *archive, const char *name)
{
	char *dir = tfs_path_join(archive, ".qarchive");
	char *p = tfs_path_join(dir, name);
	free(dir);
	return p;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Write the archive's accounts.json by hand (making .qarchive if needed). */
static void write_accounts(const char *archive, const char *content)
{
	char *dir = tfs_path_join(archive, ".qarchive");
	mkdir(dir, 0700);
	tfs_write_file(dir, "accounts.json", content);
	free(dir);
}

static bool token_well_formed(const char *t)
{
	if (strlen(t) != 64 || strncmp(t, "qat_", 4) != 0 || t[20] != '_')
		return false;
	for (int i = 4; i < 20; i++)
		if (!strchr("0123456789abcdef", t[i]))
			return false;
	for (int i = 21; i < 64; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
		            t[i]))
			return false;
	return true;
}

static void blake2b_hex(const char *s, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Names of the entries in dir, sorted, joined by spaces. */
static void list_dir(const char *dir, char *out, size_t size)
{
	char *names[32];
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 32)
		if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
			names[n++] = strdup(e->d_name);
	if (d)
		closedir(d);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
}

/* ---- names ---- */

static void test_names(void)
{
	char name64[65], name65[66];
	memset(name64, 'a', 64);
	name64[64] = '\0';
	memset(name65, 'a', 65);
	name65[65] = '\0';
	CHECK(accounts_name_valid("alice"));
	CHECK(accounts_name_valid("a"));
	CHECK(accounts_name_valid("Jo.Smith_2@example-org"));
	CHECK(accounts_name_valid("ci-upload"));
	CHECK(accounts_name_valid("0day"));
	CHECK(accounts_name_valid("a."));
	CHECK(accounts_name_valid(name64));
	CHECK(!accounts_name_valid(name65));
	CHECK(!accounts_name_valid(""));
	CHECK(!accounts_name_valid(NULL));
	CHECK(!accounts_name_valid(".hidden"));
	CHECK(!accounts_name_valid("-rf"));
	CHECK(!accounts_name_valid("a b"));
	CHECK(!accounts_name_valid("a/b"));
	CHECK(!accounts_name_valid("../x"));
	CHECK(!accounts_name_valid("x\n"));
	CHECK(!accounts_name_valid("caf\xc3\xa9"));
	CHECK(!accounts_name_valid("a:b"));

	char err[256] = "";
	CHECK(accounts_name_check("alice", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_name_check("a b", err, sizeof err) == ACCOUNTS_BAD_NAME);
	CHECK(strstr(err, "'a b'") && strstr(err, "not starting with"));
	CHECK(accounts_name_check(NULL, NULL, 0) == ACCOUNTS_BAD_NAME);
}

static void test_status_str(void)
{
	for (int s = ACCOUNTS_OK; s <= ACCOUNTS_INTERNAL; s++)
		CHECK(strcmp(accounts_status_str((accounts_status)s), "unknown status") != 0);
	CHECK_STR(accounts_status_str(ACCOUNTS_BAD_CREDENTIALS), "bad credentials");
}

/* ---- an archive without accounts ---- */

static void test_missing_store(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char err[512] = "";
	accounts_entry *e = (accounts_entry *)1;
	size_t n = 99;
	CHECK(accounts_user_list(archive, &e, &n, err, sizeof err) == ACCOUNTS_OK);
	CHECK(e == NULL && n == 0);
	e = (accounts_entry *)1;
	CHECK(accounts_token_list(archive, &e, &n, err, sizeof err) == ACCOUNTS_OK);
	CHECK(e == NULL && n == 0);
	CHECK(accounts_user_exists(archive, "alice", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	char name[65] = "x";
	CHECK(accounts_check_token(
	          archive, "qat_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", name,
	          sizeof name, err, sizeof err) == ACCOUNTS_BAD_CREDENTIALS);
	CHECK_STR(name, "");
	CHECK(accounts_user_remove(archive, "alice", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(strstr(err, "no user named 'alice'") != NULL);
	CHECK(accounts_token_remove(archive, "ci", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(strstr(err, "no token named 'ci'") != NULL);
	/* Reading made nothing; the failed removes made the folder (0700) and
	 * the lock, but no accounts file. */
	char *file = state_file(archive, "accounts.json");
	char *dir = tfs_path_join(archive, ".qarchive");
	CHECK(access(file, F_OK) != 0);
	CHECK(mode_of(dir) == 0700);

	/* A mistyped archive is an error, not an empty store, and is not made. */
	char *nowhere = tfs_path_join(archive, "no-such-archive");
	CHECK(accounts_user_list(nowhere, &e, &n, err, sizeof err) == ACCOUNTS_IO);
	CHECK(strstr(err, "no such archive directory") != NULL);
	CHECK(accounts_check_token(nowhere, "qat_", NULL, 0, err, sizeof err) == ACCOUNTS_IO);
	char token[ACCOUNTS_TOKEN_SIZE] = "x";
	CHECK(accounts_token_add(nowhere, "ci", token, sizeof token, err, sizeof err) ==
	      ACCOUNTS_IO);
	CHECK(strstr(err, "no such archive directory") != NULL);
	CHECK_STR(token, "");
	CHECK(access(nowhere, F_OK) != 0);

	free(nowhere);
	free(dir);
	free(file);
	tfs_rm_rf(archive);
	free(archive);
}

/* ---- users and passwords ---- */

static void test_users(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char *file = state_file(archive, "accounts.json");
	char *dir = tfs_path_join(archive, ".qarchive");
	char err[512] = "";

	CHECK(accounts_user_add(archive, "alice", "correct horse", err, sizeof err) == ACCOUNTS_OK);
	CHECK(mode_of(dir) == 0700);
	CHECK(mode_of(file) == 0600);
	char names[256];
	list_dir(dir, names, sizeof names);
	CHECK_STR(names, "accounts.json accounts.lock"); /* no temporary file left */

	/* Only the argon2id hash is stored. */
	char *text = read_text(file);
	CHECK(text && strstr(text, "\"$argon2id$v=19$") != NULL);
	CHECK(text && strstr(text, "correct horse") == NULL);
	free(text);

	CHECK(accounts_check_password(archive, "alice", "correct horse", err, sizeof err) ==
	      ACCOUNTS_OK);
	/* A wrong password and an unknown user give the same status, and the
	 * unknown user costs an argon2id run too. */
	double t0 = seconds();
	CHECK(accounts_check_password(archive, "alice", "wrong horse", err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	double t1 = seconds();
	CHECK(accounts_check_password(archive, "mallory", "correct horse", err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	double t2 = seconds();
	double wrong = t1 - t0, unknown = t2 - t1;
	CHECK(wrong > 0.005);
	CHECK(unknown > 0.005 && unknown > wrong / 4);
	if (!(unknown > 0.005 && unknown > wrong / 4))
		fprintf(stderr, "wrong password %.3f s, unknown user %.3f s\n", wrong, unknown);
	CHECK(accounts_check_password(archive, "a b", "correct horse", err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK(accounts_check_password(archive, "alice", NULL, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);

	/* Refusals, each with a message. */
	CHECK(accounts_user_add(archive, "alice", "another one", err, sizeof err) ==
	      ACCOUNTS_EXISTS);
	CHECK(strstr(err, "already exists") != NULL);
	CHECK(accounts_user_add(archive, "bob", "1234567", err, sizeof err) ==
	      ACCOUNTS_BAD_PASSWORD);
	CHECK(strstr(err, "at least 8") != NULL);
	CHECK(accounts_user_add(archive, "bob", "", err, sizeof err) == ACCOUNTS_BAD_PASSWORD);
	CHECK(accounts_user_add(archive, "bob", NULL, err, sizeof err) == ACCOUNTS_BAD_PASSWORD);
	CHECK(accounts_user_add(archive, "-bob", "long enough", err, sizeof err) ==
	      ACCOUNTS_BAD_NAME);
	CHECK(strstr(err, "'-bob' is not a valid name") != NULL);
	CHECK(accounts_user_set_password(archive, "bob", "long enough", err, sizeof err) ==
	      ACCOUNTS_NOT_FOUND);
	CHECK(strstr(err, "no user named 'bob'") != NULL);
	CHECK(accounts_user_set_password(archive, "alice", "short", err, sizeof err) ==
	      ACCOUNTS_BAD_PASSWORD);
	CHECK(accounts_user_set_password(archive, "a/b", "long enough", err, sizeof err) ==
	      ACCOUNTS_BAD_NAME);
	CHECK(accounts_user_remove(archive, "", err, sizeof err) == ACCOUNTS_BAD_NAME);
	/* err may be NULL */
	CHECK(accounts_user_add(archive, "alice", "another one", NULL, 0) == ACCOUNTS_EXISTS);

	/* A second user, a new password for the first. Exactly 8 bytes is
	 * enough. */
	CHECK(accounts_user_add(archive, "bob", "12345678", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_user_set_password(archive, "alice", "battery staple", err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(accounts_check_password(archive, "alice", "correct horse", err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK(accounts_check_password(archive, "alice", "battery staple", err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(mode_of(file) == 0600);

	accounts_entry *e = NULL;
	size_t n = 0;
	CHECK(accounts_user_list(archive, &e, &n, err, sizeof err) == ACCOUNTS_OK);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(e[0].name, "alice"); /* in the order added */
		CHECK_STR(e[1].name, "bob");
		CHECK_STR(e[0].id, "");
		/* 2026-11-23T14:00:00Z */
		CHECK(strlen(e[0].created) == 20 && e[0].created[4] == '-' &&
		      e[0].created[10] == 'T' && e[0].created[19] == 'Z');
	}
	free(e);
	CHECK(accounts_user_exists(archive, "bob", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_user_exists(archive, "bo", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(accounts_user_exists(archive, "..", err, sizeof err) == ACCOUNTS_NOT_FOUND);

	CHECK(accounts_user_remove(archive, "alice", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_user_remove(archive, "alice", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(accounts_user_exists(archive, "alice", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(accounts_user_list(archive, &e, &n, err, sizeof err) == ACCOUNTS_OK);
	CHECK(n == 1 && strcmp(e[0].name, "bob") == 0);
	free(e);
	list_dir(dir, names, sizeof names);
	CHECK_STR(names, "accounts.json accounts.lock");

	free(dir);
	free(file);
	tfs_rm_rf(archive);
	free(archive);
}

/* ---- tokens ---- */

static void test_tokens(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char *file = state_file(archive, "accounts.json");
	char err[512] = "";
	char token[ACCOUNTS_TOKEN_SIZE], other[ACCOUNTS_TOKEN_SIZE];

	CHECK(accounts_token_add(archive, "ci-upload", token, sizeof token, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(token_well_formed(token));
	CHECK(mode_of(file) == 0600);
	CHECK(accounts_token_add(archive, "laptop", other, sizeof other, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(token_well_formed(other));
	CHECK(strcmp(token, other) != 0);

	/* Stored: the id and BLAKE2b-256 of the whole token, never the token. */
	char *text = read_text(file);
	char hex[65];
	blake2b_hex(token, hex);
	CHECK(text && strstr(text, hex) != NULL);
	CHECK(text && strstr(text, token + 21) == NULL);
	char id[17];
	memcpy(id, token + 4, 16);
	id[16] = '\0';
	CHECK(text && strstr(text, id) != NULL);
	free(text);

	char name[ACCOUNTS_NAME_MAX + 1];
	CHECK(accounts_check_token(archive, token, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK_STR(name, "ci-upload");
	CHECK(accounts_check_token(archive, other, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK_STR(name, "laptop");
	char small[4];
	CHECK(accounts_check_token(archive, token, small, sizeof small, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK_STR(small, "ci-");
	CHECK(accounts_check_token(archive, token, NULL, 0, err, sizeof err) == ACCOUNTS_OK);

	/* Tampered: the last character of the secret, a character of the id,
	 * one token's id with the other's secret, a character too many or too
	 * few, the id in upper case, garbage. */
	char bad[ACCOUNTS_TOKEN_SIZE + 1];
	strcpy(bad, token);
	bad[63] = bad[63] == 'A' ? 'B' : 'A';
	CHECK(accounts_check_token(archive, bad, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK_STR(name, "");
	strcpy(bad, token);
	bad[10] = bad[10] == '0' ? '1' : '0';
	CHECK(accounts_check_token(archive, bad, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	memcpy(bad, token, 21);
	strcpy(bad + 21, other + 21);
	CHECK(accounts_check_token(archive, bad, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	strcpy(bad, token);
	strcat(bad, "A");
	CHECK(accounts_check_token(archive, bad, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	strcpy(bad, token);
	bad[63] = '\0';
	CHECK(accounts_check_token(archive, bad, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	strcpy(bad, token);
	for (int i = 4; i < 20; i++)
		if (bad[i] >= 'a' && bad[i] <= 'f')
			bad[i] = (char)(bad[i] - 'a' + 'A');
	if (strcmp(bad, token) != 0)
		CHECK(accounts_check_token(archive, bad, name, sizeof name, err, sizeof err) ==
		      ACCOUNTS_BAD_CREDENTIALS);
	strcpy(bad, token);
	bad[30] = '=';
	CHECK(accounts_check_token(archive, bad, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	const char *garbage[] = {
	    "",         "qat_", "hello",
	    "Bearer x", hex,    "qat_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
		CHECK(accounts_check_token(archive, garbage[i], name, sizeof name, err,
		                           sizeof err) == ACCOUNTS_BAD_CREDENTIALS);
	CHECK(accounts_check_token(archive, NULL, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);

	/* Refusals. */
	char t3[ACCOUNTS_TOKEN_SIZE] = "x";
	CHECK(accounts_token_add(archive, "laptop", t3, sizeof t3, err, sizeof err) ==
	      ACCOUNTS_EXISTS);
	CHECK(strstr(err, "a token named 'laptop' already exists") != NULL);
	CHECK_STR(t3, "");
	CHECK(accounts_token_add(archive, "my token", t3, sizeof t3, err, sizeof err) ==
	      ACCOUNTS_BAD_NAME);
	CHECK(accounts_token_add(archive, "short-buffer", t3, ACCOUNTS_TOKEN_LEN, err,
	                         sizeof err) == ACCOUNTS_INTERNAL);
	CHECK(accounts_token_remove(archive, "nope", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(accounts_token_remove(archive, ".x", err, sizeof err) == ACCOUNTS_BAD_NAME);

	/* Tokens and users are separate name spaces. */
	CHECK(accounts_user_exists(archive, "laptop", err, sizeof err) == ACCOUNTS_NOT_FOUND);

	accounts_entry *e = NULL;
	size_t n = 0;
	CHECK(accounts_token_list(archive, &e, &n, err, sizeof err) == ACCOUNTS_OK);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(e[0].name, "ci-upload");
		CHECK_STR(e[0].id, id);
		CHECK_STR(e[1].name, "laptop");
		CHECK(strlen(e[1].created) == 20);
	}
	free(e);

	CHECK(accounts_token_remove(archive, "ci-upload", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_check_token(archive, token, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK(accounts_check_token(archive, other, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(accounts_token_remove(archive, "ci-upload", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	/* The name can be used again, for a new token. */
	CHECK(accounts_token_add(archive, "ci-upload", t3, sizeof t3, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(strcmp(t3, token) != 0);
	CHECK(accounts_check_token(archive, token, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);

	free(file);
	tfs_rm_rf(archive);
	free(archive);
}

/* ---- a file that is not what we wrote ---- */

/* Every reader and writer must refuse path's content with ACCOUNTS_CORRUPT
 * and a message holding want, and the file must stay byte for byte. */
static void expect_corrupt(const char *content, const char *want)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char *file = state_file(archive, "accounts.json");
	write_accounts(archive, content);
	char err[512] = "";
	accounts_entry *e = NULL;
	size_t n = 0;
	char token[ACCOUNTS_TOKEN_SIZE];
	CHECK(accounts_user_list(archive, &e, &n, err, sizeof err) == ACCOUNTS_CORRUPT);
	CHECK(e == NULL && n == 0);
	CHECK(strstr(err, file) != NULL && strstr(err, want) != NULL);
	if (!strstr(err, want))
		fprintf(stderr, "  message: %s\n  wanted: %s\n", err, want);
	CHECK(accounts_token_list(archive, &e, &n, err, sizeof err) == ACCOUNTS_CORRUPT);
	CHECK(accounts_user_exists(archive, "alice", err, sizeof err) == ACCOUNTS_CORRUPT);
	CHECK(accounts_check_token(archive, "x", NULL, 0, err, sizeof err) == ACCOUNTS_CORRUPT);
	CHECK(accounts_token_add(archive, "new", token, sizeof token, err, sizeof err) ==
	      ACCOUNTS_CORRUPT);
	CHECK(strstr(err, file) != NULL && strstr(err, want) != NULL &&
	      strstr(err, "not changed") != NULL);
	CHECK(accounts_token_remove(archive, "new", err, sizeof err) == ACCOUNTS_CORRUPT);
	CHECK(accounts_user_remove(archive, "alice", err, sizeof err) == ACCOUNTS_CORRUPT);
	char *after = read_text(file);
	CHECK_STR(after, content);
	free(after);
	free(file);
	tfs_rm_rf(archive);
	free(archive);
}

/* A well-formed token hash (BLAKE2b-256 as hex). */
#define HASH64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_corrupt(void)
{
	/* Syntax: the line jansson stops at. */
	expect_corrupt("{\n  \"users\": [\n    {\"name\": \"alice\",,}\n  ]\n}\n", "line 3");
	expect_corrupt("", "line");
	expect_corrupt("{\"users\": [], \"users\": []}", "duplicate");
	/* Shape. */
	expect_corrupt("[]\n", "not a JSON object");
	expect_corrupt("{\"users\": {}}", "\"users\" is not an array");
	expect_corrupt("{\"tokens\": 1}", "\"tokens\" is not an array");
	expect_corrupt("{\"users\": [{\"name\": \"-x\", \"password\": \"$argon2id$x\"}]}",
	               "users[0]: no valid \"name\"");
	expect_corrupt("{\"users\": [{\"name\": \"a\", \"password\": \"plain\"}]}",
	               "users[0] (a): \"password\" is not an $argon2id$ hash");
	expect_corrupt("{\"users\": [{\"name\": \"a\", \"password\": \"$argon2id$x\"},"
	               " {\"name\": \"a\", \"password\": \"$argon2id$y\"}]}",
	               "users[1]: the name a is taken twice");
	expect_corrupt("{\"users\": [{\"name\": \"a\", \"password\": \"$argon2id$x\", "
	               "\"created\": 5}]}",
	               "users[0] (a): bad \"created\"");
	expect_corrupt("{\"tokens\": [{\"name\": \"t\", \"id\": \"0123\", \"hash\": \"00\"}]}",
	               "tokens[0] (t): \"id\" is not 16 hex digits");
	expect_corrupt("{\"tokens\": [{\"name\": \"t\", \"id\": \"0123456789abcdef\", "
	               "\"hash\": \"ABCD\"}]}",
	               "tokens[0] (t): \"hash\" is not 64 hex digits");
	expect_corrupt("{\"tokens\": [7]}", "tokens[0]: no valid \"name\"");
	/* Two tokens by one name, or with one id (the id finds the entry). */
	expect_corrupt("{\"tokens\": [{\"name\": \"t\", \"id\": \"0123456789abcdef\", \"hash\": "
	               "\"" HASH64 "\"}, {\"name\": \"t\", \"id\": \"fedcba9876543210\", "
	               "\"hash\": \"" HASH64 "\"}]}",
	               "tokens[1]: the name t or id fedcba9876543210 is taken twice");
	expect_corrupt("{\"tokens\": [{\"name\": \"t\", \"id\": \"0123456789abcdef\", \"hash\": "
	               "\"" HASH64 "\"}, {\"name\": \"u\", \"id\": \"0123456789abcdef\", "
	               "\"hash\": \"" HASH64 "\"}]}",
	               "tokens[1]: the name u or id 0123456789abcdef is taken twice");
}

/* A file with members this version does not know: kept by writers. */
static void test_unknown_members_kept(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char *file = state_file(archive, "accounts.json");
	write_accounts(archive,
	               "{\"version\": 2, \"users\": [], \"tokens\": [{\"name\": \"old\", "
	               "\"id\": \"0123456789abcdef\", \"hash\": "
	               "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\","
	               " \"note\": \"kept\"}]}");
	chmod(file, 0644);
	char err[512] = "";
	char token[ACCOUNTS_TOKEN_SIZE];
	CHECK(accounts_token_add(archive, "new", token, sizeof token, err, sizeof err) ==
	      ACCOUNTS_OK);
	json_error_t jerr;
	json_t *root = json_load_file(file, 0, &jerr);
	CHECK(root != NULL);
	CHECK(json_integer_value(json_object_get(root, "version")) == 2);
	json_t *tokens = json_object_get(root, "tokens");
	CHECK(json_array_size(tokens) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(tokens, 0), "note")), "kept");
	json_decref(root);
	/* Replaced by a file of ours: 0600, whatever the old one was. */
	CHECK(mode_of(file) == 0600);
	free(file);
	tfs_rm_rf(archive);
	free(archive);
}

/* Writers in parallel: the lock makes each read-modify-write whole, so
 * none is lost. */
typedef struct writer_job {
	const char *archive;
	int which;
	int failures;
} writer_job;

static void *writer(void *arg)
{
	writer_job *job = arg;
	for (int i = 0; i < 10; i++) {
		char name[32], token[ACCOUNTS_TOKEN_SIZE];
		snprintf(name, sizeof name, "w%d-%d", job->which, i);
		if (accounts_token_add(job->archive, name, token, sizeof token, NULL, 0) !=
		    ACCOUNTS_OK)
			job->failures++;
	}
	return NULL;
}

static void test_parallel_writers(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	writer_job jobs[4];
	pthread_t threads[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (writer_job){archive, i, 0};
		pthread_create(&threads[i], NULL, writer, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		CHECK(jobs[i].failures == 0);
	}
	accounts_entry *e = NULL;
	size_t n = 0;
	CHECK(accounts_token_list(archive, &e, &n, NULL, 0) == ACCOUNTS_OK);
	CHECK(n == 40);
	free(e);
	tfs_rm_rf(archive);
	free(archive);
}

/* ---- the cache ---- */

/* Set path's modification time. */
static void set_mtime(const char *path, time_t sec)
{
	struct timespec times[2] = {{sec, 0}, {sec, 0}};
	if (utimensat(AT_FDCWD, path, times, 0) != 0) {
		perror(path);
		abort();
	}
}

/* Overwrite path's bytes in place: same inode, same size. */
static void rewrite_in_place(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content)) {
		perror(path);
		abort();
	}
	close(fd);
}

static char *accounts_with_token(const char *token)
{
	char hex[65], *out = malloc(512);
	blake2b_hex(token, hex);
	snprintf(out, 512,
	         "{\"users\": [], \"tokens\": [{\"name\": \"hand\", \"id\": \"%.16s\", "
	         "\"hash\": \"%s\"}]}\n",
	         token + 4, hex);
	return out;
}

static void test_cache_tokens(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char *file = state_file(archive, "accounts.json");
	char err[512] = "", name[65];
	accounts_cache *cache = NULL;
	CHECK(accounts_cache_new(archive, &cache) == ACCOUNTS_OK && cache);
	if (!cache)
		return;

	/* No file: no tokens. Then a CLI-style add shows on the next check,
	 * and a remove too. */
	const char *guess = "qat_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	CHECK(accounts_cache_check_token(cache, guess, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	char token[ACCOUNTS_TOKEN_SIZE];
	CHECK(accounts_token_add(archive, "ci", token, sizeof token, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(accounts_cache_check_token(cache, token, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK_STR(name, "ci");
	CHECK(accounts_cache_check_token(cache, guess, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK_STR(name, "");
	CHECK(accounts_token_remove(archive, "ci", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_cache_check_token(cache, token, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);

	/* Another writer edits the file in place: same inode, same size. Two
	 * tokens whose entries differ only in the id and hash. */
	const char *t1 = "qat_1111111111111111_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	const char *t2 = "qat_2222222222222222_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	char *c1 = accounts_with_token(t1), *c2 = accounts_with_token(t2);
	CHECK(strlen(c1) == strlen(c2));
	write_accounts(archive, c1);
	set_mtime(file, 1700000000);
	CHECK(accounts_cache_check_token(cache, t1, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK_STR(name, "hand");
	/* Same inode, size and mtime: the cache keeps what it read (this is
	 * what makes it a cache, and what lets the test below fail). */
	rewrite_in_place(file, c2);
	set_mtime(file, 1700000000);
	CHECK(accounts_cache_check_token(cache, t1, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(accounts_cache_check_token(cache, t2, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	/* A new mtime (a touch): read again. */
	set_mtime(file, 1700000001);
	CHECK(accounts_cache_check_token(cache, t1, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK(accounts_cache_check_token(cache, t2, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);

	/* A corrupt file is reported, with file and line, until it is fixed. */
	write_accounts(archive, "{\n\"users\": [\n");
	CHECK(accounts_cache_check_token(cache, t2, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_CORRUPT);
	CHECK(strstr(err, file) != NULL && strstr(err, "line ") != NULL);
	err[0] = '\0';
	CHECK(accounts_cache_check_token(cache, t2, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_CORRUPT);
	CHECK(strstr(err, file) != NULL);
	CHECK(accounts_cache_user_exists(cache, "x", err, sizeof err) == ACCOUNTS_CORRUPT);
	write_accounts(archive, c2);
	set_mtime(file, 1700000005);
	CHECK(accounts_cache_check_token(cache, t2, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_OK);
	/* Removed: no tokens again. */
	unlink(file);
	CHECK(accounts_cache_check_token(cache, t2, name, sizeof name, err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);

	free(c1);
	free(c2);
	accounts_cache_free(cache);
	accounts_cache_free(NULL);
	free(file);
	tfs_rm_rf(archive);
	free(archive);
}

static void test_cache_users(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char err[512] = "";
	accounts_cache *cache = NULL;
	CHECK(accounts_cache_new(archive, &cache) == ACCOUNTS_OK);
	if (!cache)
		return;
	CHECK(accounts_cache_user_exists(cache, "carol", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(accounts_user_add(archive, "carol", "carol's password", err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(accounts_cache_user_exists(cache, "carol", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_cache_check_password(cache, "carol", "carol's password", err, sizeof err) ==
	      ACCOUNTS_OK);
	CHECK(accounts_cache_check_password(cache, "carol", "not carol's", err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK(accounts_cache_check_password(cache, "dave", "carol's password", err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	CHECK(accounts_user_remove(archive, "carol", err, sizeof err) == ACCOUNTS_OK);
	CHECK(accounts_cache_user_exists(cache, "carol", err, sizeof err) == ACCOUNTS_NOT_FOUND);
	CHECK(accounts_cache_check_password(cache, "carol", "carol's password", err, sizeof err) ==
	      ACCOUNTS_BAD_CREDENTIALS);
	accounts_cache_free(cache);
	tfs_rm_rf(archive);
	free(archive);
}

/* Server threads checking one token while the CLI adds and removes others:
 * every check of the kept token succeeds. */
typedef struct checker_job {
	accounts_cache *cache;
	const char *token;
	int failures;
} checker_job;

static void *checker(void *arg)
{
	checker_job *job = arg;
	for (int i = 0; i < 300; i++) {
		char name[65], err[256];
		if (accounts_cache_check_token(job->cache, job->token, name, sizeof name, err,
		                               sizeof err) != ACCOUNTS_OK ||
		    strcmp(name, "kept") != 0)
			job->failures++;
	}
	return NULL;
}

static void test_cache_threads(void)
{
	char *archive = tfs_make_tmpdir("qa-acc");
	char token[ACCOUNTS_TOKEN_SIZE], other[ACCOUNTS_TOKEN_SIZE];
	CHECK(accounts_token_add(archive, "kept", token, sizeof token, NULL, 0) == ACCOUNTS_OK);
	accounts_cache *cache = NULL;
	CHECK(accounts_cache_new(archive, &cache) == ACCOUNTS_OK);
	if (!cache)
		return;
	checker_job jobs[3];
	pthread_t threads[3];
	for (int i = 0; i < 3; i++) {
		jobs[i] = (checker_job){cache, token, 0};
		pthread_create(&threads[i], NULL, checker, &jobs[i]);
	}
	for (int i = 0; i < 20; i++) {
		CHECK(accounts_token_add(archive, "churn", other, sizeof other, NULL, 0) ==
		      ACCOUNTS_OK);
		CHECK(accounts_token_remove(archive, "churn", NULL, 0) == ACCOUNTS_OK);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(threads[i], NULL);
		CHECK(jobs[i].failures == 0);
	}
	accounts_cache_free(cache);
	tfs_rm_rf(archive);
	free(archive);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_names);
	RUN(test_status_str);
	RUN(test_missing_store);
	RUN(test_users);
	RUN(test_tokens);
	RUN(test_corrupt);
	RUN(test_unknown_members_kept);
	RUN(test_parallel_writers);
	RUN(test_cache_tokens);
	RUN(test_cache_users);
	RUN(test_cache_threads);
	return harness_finish();
}
