/* tus_metadata: the Upload-Metadata header of tus 1.0 (pure, no I/O). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tus_metadata.h"

/* Parse s; on failure return NULL and leave the message in *err (or
 * check there is one). */
static tus_metadata *parse(const char *s, char **err)
{
	tus_metadata *m = NULL;
	char *msg = NULL;
	tus_metadata_status rc = tus_metadata_parse(s, &m, &msg);
	CHECK((rc == TUS_METADATA_OK) == (m != NULL));
	CHECK((rc == TUS_METADATA_OK) == (msg == NULL));
	if (err)
		*err = msg;
	else
		free(msg);
	return m;
}

/* The error message for a malformed header, which must start with
 * "Upload-Metadata: pair N". Caller frees. */
static char *error_of(const char *s, size_t pair)
{
	char *err = NULL;
	tus_metadata *m = parse(s, &err);
	CHECK(m == NULL);
	tus_metadata_free(m);
	CHECK(err != NULL);
	if (!err)
		return NULL;
	char want[64];
	int n = snprintf(want, sizeof want, "Upload-Metadata: pair %zu", pair);
	if (strncmp(err, want, (size_t)n) != 0)
		fprintf(stderr, "error \"%s\" does not start with \"%s\"\n", err, want);
	CHECK(strncmp(err, want, (size_t)n) == 0);
	return err;
}

static void expect_malformed(const char *s, size_t pair, const char *fragment)
{
	char *err = error_of(s, pair);
	if (err && !strstr(err, fragment))
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, fragment);
	CHECK(err && strstr(err, fragment));
	free(err);
}

static void test_tus_example(void)
{
	/* The example of the tus 1.0 specification. */
	tus_metadata *m =
	    parse("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", NULL);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(tus_metadata_count(m) == 2);
	CHECK_STR(tus_metadata_key(m, 0), "filename");
	CHECK_STR(tus_metadata_key(m, 1), "is_confidential");
	CHECK(tus_metadata_key(m, 2) == NULL);
	size_t len = 99;
	CHECK_STR(tus_metadata_get(m, "filename", &len), "world_domination_plan.pdf");
	CHECK(len == 25);
	CHECK_STR(tus_metadata_get(m, "is_confidential", &len), "");
	CHECK(len == 0);
	CHECK(tus_metadata_get(m, "missing", &len) == NULL);
	CHECK(len == 0);
	CHECK(tus_metadata_get(m, "FILENAME", NULL) == NULL); /* case-sensitive */
	tus_metadata_free(m);
}

static void test_values(void)
{
	/* What tus-js-client sends: "key base64" joined with ",". UTF-8 and
	 * every padding length. */
	tus_metadata *m = parse("title SGVsbG8=,a YQ==,ab YWI=,abc YWJj,e w6k=", NULL);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(tus_metadata_count(m) == 5);
	CHECK_STR(tus_metadata_get(m, "title", NULL), "Hello");
	CHECK_STR(tus_metadata_get(m, "a", NULL), "a");
	CHECK_STR(tus_metadata_get(m, "ab", NULL), "ab");
	CHECK_STR(tus_metadata_get(m, "abc", NULL), "abc");
	CHECK_STR(tus_metadata_get(m, "e", NULL), "\xc3\xa9");
	tus_metadata_free(m);

	/* A value with a NUL byte: the length tells. */
	size_t len = 0;
	m = parse("bin YQBi", NULL);
	CHECK(m && memcmp(tus_metadata_get(m, "bin", &len), "a\0b", 4) == 0 && len == 3);
	tus_metadata_free(m);

	/* An empty value with its space, and keys made of odd visible ASCII. */
	m = parse("empty ,k.e-y_1!\"~ YQ==", NULL);
	CHECK(m && tus_metadata_count(m) == 2);
	CHECK(m && strcmp(tus_metadata_get(m, "empty", NULL), "") == 0);
	CHECK(m && strcmp(tus_metadata_get(m, "k.e-y_1!\"~", NULL), "a") == 0);
	tus_metadata_free(m);
}

static void test_whitespace(void)
{
	/* Optional whitespace around list elements (RFC 9110 §5.6.1). */
	tus_metadata *m = parse("  a YQ== ,\tb YWI=\t, c", NULL);
	CHECK(m && tus_metadata_count(m) == 3);
	CHECK(m && strcmp(tus_metadata_get(m, "a", NULL), "a") == 0);
	CHECK(m && strcmp(tus_metadata_get(m, "b", NULL), "ab") == 0);
	CHECK(m && strcmp(tus_metadata_get(m, "c", NULL), "") == 0);
	tus_metadata_free(m);

	/* No header, an empty one, a blank one: no pairs. */
	const char *none[] = {NULL, "", "   ", "\t"};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		m = parse(none[i], NULL);
		CHECK(m && tus_metadata_count(m) == 0);
		CHECK(m && tus_metadata_get(m, "title", NULL) == NULL);
		tus_metadata_free(m);
	}
}

static void test_malformed(void)
{
	expect_malformed("a YQ==,,b YQ==", 2, "empty");
	expect_malformed("a YQ==,", 2, "empty");
	expect_malformed(",a YQ==", 1, "empty");
	expect_malformed("a YQ==,b YQ==,a YWI=", 3, "given twice");
	expect_malformed("title SGVsbG8", 1, "not Base64");      /* padding missing */
	expect_malformed("title SGVsbG8=x", 1, "not Base64");    /* a stray byte after */
	expect_malformed("title SGVs bG8=", 1, "not Base64");    /* a space inside */
	expect_malformed("title  SGVsbG8=", 1, "not Base64");    /* two spaces */
	expect_malformed("title SGVsbG8-", 1, "not Base64");     /* the URL-safe alphabet */
	expect_malformed("title _-_-", 1, "not Base64");         /* the URL-safe alphabet */
	expect_malformed("title ====", 1, "not Base64");         /* padding only */
	expect_malformed("title\tSGVsbG8=", 1, "visible ASCII"); /* a tab is no separator */
	expect_malformed("ti\x01tle YQ==", 1, "visible ASCII");
	expect_malformed("t\xc3\xaftle YQ==", 1, "visible ASCII");
	expect_malformed("a YQ==,b YQ==,c Y", 3, "\"c\"");

	/* A long key is cut in the message. */
	char key[200];
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	char header[256];
	snprintf(header, sizeof header, "%s !", key);
	char *err = error_of(header, 1);
	CHECK(err && strlen(err) < 160 && strstr(err, "...") != NULL);
	free(err);

	/* errmsg may be NULL. */
	tus_metadata *m = (tus_metadata *)1;
	CHECK(tus_metadata_parse("a !", &m, NULL) == TUS_METADATA_MALFORMED);
	CHECK(m == NULL);
}

static void test_many_and_long(void)
{
	/* 1000 pairs, and a value of 60 KB (an hour's transcript). */
	size_t cap = 1000 * 16 + 90000;
	char *h = malloc(cap);
	size_t n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(h + n, cap - n, "k%d YQ==,", i);
	n += (size_t)snprintf(h + n, cap - n, "long ");
	for (int i = 0; i < 20000; i++) {
		memcpy(h + n, "YWJj", 4); /* "abc" */
		n += 4;
	}
	h[n] = '\0';
	tus_metadata *m = parse(h, NULL);
	CHECK(m && tus_metadata_count(m) == 1001);
	size_t len = 0;
	const char *v = m ? tus_metadata_get(m, "long", &len) : NULL;
	CHECK(v && len == 60000 && strlen(v) == 60000 && memcmp(v, "abcabc", 6) == 0);
	CHECK(m && strcmp(tus_metadata_get(m, "k999", NULL), "a") == 0);
	tus_metadata_free(m);
	free(h);
	tus_metadata_free(NULL);
}

static void test_status_str(void)
{
	CHECK_STR(tus_metadata_status_str(TUS_METADATA_OK), "ok");
	CHECK_STR(tus_metadata_status_str(TUS_METADATA_MALFORMED), "malformed Upload-Metadata");
	CHECK_STR(tus_metadata_status_str(TUS_METADATA_NOMEM), "out of memory");
}

int main(void)
{
	RUN(test_tus_example);
	RUN(test_values);
	RUN(test_whitespace);
	RUN(test_malformed);
	RUN(test_many_and_long);
	RUN(test_status_str);
	return harness_finish();
}
