/* number: strict decimal numbers for options, query parameters, headers
 * and time codes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "number.h"

/* What every whole-string parser refuses as syntax: signs, spaces, other
 * bases, exponents, empty, and anything after the digits. */
static const char *const not_numbers[] = {"",     "-1",  "+1",  " 1",  "1 ",    "\t1", "1\n",
                                          "0x10", "1e3", "1,5", "one", "1_000", "--1", "1-"};

static void test_u64(void)
{
	uint64_t v = 7;
	CHECK(number_parse_u64("0", 0, 10, &v) == NUMBER_OK && v == 0);
	CHECK(number_parse_u64("10", 0, 10, &v) == NUMBER_OK && v == 10);
	CHECK(number_parse_u64("0042", 0, 100, &v) == NUMBER_OK && v == 42);
	CHECK(number_parse_u64("18446744073709551615", 0, UINT64_MAX, &v) == NUMBER_OK &&
	      v == UINT64_MAX);
	v = 7;
	/* Out of range leaves *out alone (it may hold a default). */
	CHECK(number_parse_u64("11", 0, 10, &v) == NUMBER_RANGE && v == 7);
	CHECK(number_parse_u64("0", 1, 10, &v) == NUMBER_RANGE && v == 7);
	CHECK(number_parse_u64("18446744073709551616", 0, UINT64_MAX, &v) == NUMBER_RANGE);
	CHECK(number_parse_u64("99999999999999999999999999", 0, UINT64_MAX, &v) == NUMBER_RANGE);
	CHECK(number_parse_u64("9223372036854775808", 0, INT64_MAX, &v) == NUMBER_RANGE);
	CHECK(number_parse_u64("9223372036854775807", 0, INT64_MAX, &v) == NUMBER_OK &&
	      v == INT64_MAX);
	CHECK(number_parse_u64(NULL, 0, 10, &v) == NUMBER_SYNTAX && v == INT64_MAX);
	for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++)
		CHECK(number_parse_u64(not_numbers[i], 0, UINT64_MAX, &v) == NUMBER_SYNTAX);
	/* A NUL ends the string: what follows it is not read. */
	CHECK(number_parse_u64("12\0x", 0, 100, &v) == NUMBER_OK && v == 12);
}

static void test_unsigned(void)
{
	unsigned u = 3;
	CHECK(number_parse_unsigned("65535", 1, 65535, &u) == NUMBER_OK && u == 65535);
	CHECK(number_parse_unsigned("65536", 1, 65535, &u) == NUMBER_RANGE && u == 65535);
	CHECK(number_parse_unsigned("0", 1, 65535, &u) == NUMBER_RANGE);
	/* Past UINT_MAX is a range error, never a value cut to 32 bits. */
	CHECK(number_parse_unsigned("4294967296", 0, UINT32_MAX, &u) == NUMBER_RANGE);
	CHECK(number_parse_unsigned("4294967295", 0, UINT32_MAX, &u) == NUMBER_OK &&
	      u == UINT32_MAX);
	CHECK(number_parse_unsigned("-1", 0, UINT32_MAX, &u) == NUMBER_SYNTAX);
}

static void test_size(void)
{
	uint64_t v = 0;
	CHECK(number_parse_size("1048576", 1, INT64_MAX, &v) == NUMBER_OK && v == 1048576);
	CHECK(number_parse_size("1K", 1, INT64_MAX, &v) == NUMBER_OK && v == 1024);
	CHECK(number_parse_size("2k", 1, INT64_MAX, &v) == NUMBER_OK && v == 2048);
	CHECK(number_parse_size("500M", 1, INT64_MAX, &v) == NUMBER_OK && v == 500ull << 20);
	CHECK(number_parse_size("8G", 1, INT64_MAX, &v) == NUMBER_OK && v == 8ull << 30);
	CHECK(number_parse_size("8gb", 1, INT64_MAX, &v) == NUMBER_OK && v == 8ull << 30);
	CHECK(number_parse_size("3T", 1, INT64_MAX, &v) == NUMBER_OK && v == 3ull << 40);
	CHECK(number_parse_size("1b", 1, INT64_MAX, &v) == NUMBER_OK && v == 1);
	/* The largest count below 2^63 with a suffix, and one past it. */
	CHECK(number_parse_size("8388607T", 1, INT64_MAX, &v) == NUMBER_OK && v == 8388607ull
	                                                                               << 40);
	CHECK(number_parse_size("8388608T", 1, INT64_MAX, &v) == NUMBER_RANGE);
	/* Past 64 bits once shifted: a range error, not a wrapped value. */
	CHECK(number_parse_size("16777216T", 1, UINT64_MAX, &v) == NUMBER_RANGE);
	CHECK(number_parse_size("16777215T", 1, UINT64_MAX, &v) == NUMBER_OK && v == 16777215ull
	                                                                                 << 40);
	CHECK(number_parse_size("0", 1, INT64_MAX, &v) == NUMBER_RANGE);
	CHECK(number_parse_size("0K", 1, INT64_MAX, &v) == NUMBER_RANGE);
	const char *bad[] = {"K", "8E", "8KK", "8BB", "8Gx", "8 G", "G8", "8.5G", "-8G", "+8G"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(number_parse_size(bad[i], 1, INT64_MAX, &v) == NUMBER_SYNTAX);
	for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++)
		CHECK(number_parse_size(not_numbers[i], 0, UINT64_MAX, &v) == NUMBER_SYNTAX);
}

static void test_decimal(void)
{
	double d = -1;
	CHECK(number_parse_decimal("0", 0, 3600, &d) == NUMBER_OK && d == 0);
	CHECK(number_parse_decimal("3600", 0, 3600, &d) == NUMBER_OK && d == 3600);
	CHECK(number_parse_decimal("0.25", 0, 3600, &d) == NUMBER_OK && d == 0.25);
	CHECK(number_parse_decimal("007.50", 0, 3600, &d) == NUMBER_OK && d == 7.5);
	d = -1;
	CHECK(number_parse_decimal("3600.5", 0, 3600, &d) == NUMBER_RANGE && d == -1);
	const char *bad[] = {".5", "5.", "5..0", "1.2.3", "inf", "nan", "1e1", "0x1p3"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(number_parse_decimal(bad[i], 0, 1e9, &d) == NUMBER_SYNTAX);
	for (size_t i = 0; i < sizeof not_numbers / sizeof not_numbers[0]; i++)
		CHECK(number_parse_decimal(not_numbers[i], 0, 1e9, &d) == NUMBER_SYNTAX);
	/* Rounded once, as strtod rounds the same text. */
	const char *exact[] = {"0.3", "0.1", "2.675", "123456.789", "0.000001", "999999999999999",
	                       "1.5", "3.3"};
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
		CHECK(number_parse_decimal(exact[i], 0, 1e300, &d) == NUMBER_OK);
		CHECK(d == strtod(exact[i], NULL));
	}
	/* Past 15 significant digits: within a bit or two of strtod. */
	CHECK(number_parse_decimal("12345678901234567890123", 0, 1e300, &d) == NUMBER_OK);
	CHECK_NUM(d / strtod("12345678901234567890123", NULL), 1);
	/* Very long runs of digits neither wrap nor hang. */
	size_t n = 100000;
	char *big = malloc(n + 3);
	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, '9', n);
	big[n] = '\0';
	CHECK(number_parse_decimal(big, 0, 1e300, &d) == NUMBER_RANGE);
	memcpy(big, "0.", 2);
	memset(big + 2, '0', n - 1);
	big[n] = '7';
	big[n + 1] = '\0';
	CHECK(number_parse_decimal(big, 0, 1, &d) == NUMBER_OK && d == 0);
	free(big);
}

static void test_scan(void)
{
	uint64_t v = 0;
	bool over = true;
	const char *s = "123-456";
	const char *end = number_scan_u64(s, &v, &over);
	CHECK(end == s + 3 && v == 123 && !over);
	end = number_scan_u64("99999999999999999999-", &v, &over);
	CHECK(end && *end == '-' && v == UINT64_MAX && over);
	CHECK(number_scan_u64("18446744073709551615", &v, NULL) && v == UINT64_MAX);
	v = 5;
	CHECK(number_scan_u64("-1", &v, &over) == NULL && v == 5);
	CHECK(number_scan_u64("", &v, NULL) == NULL);
	CHECK(number_scan_u64(NULL, &v, NULL) == NULL);

	double d = 0;
	s = "1:02:03.250";
	end = number_scan_decimal(s, &d);
	CHECK(end == s + 1 && d == 1);
	end = number_scan_decimal(s + 5, &d);
	CHECK(end && *end == '\0' && d == 3.25);
	/* A '.' not followed by a digit is not part of the number. */
	end = number_scan_decimal("12.s", &d);
	CHECK(end && strcmp(end, ".s") == 0 && d == 12);
	CHECK(number_scan_decimal(".5", &d) == NULL);
}

static void test_status_str(void)
{
	CHECK_STR(number_status_str(NUMBER_OK), "ok");
	CHECK_STR(number_status_str(NUMBER_SYNTAX), "not a number");
	CHECK_STR(number_status_str(NUMBER_RANGE), "out of range");
}

int main(void)
{
	RUN(test_u64);
	RUN(test_unsigned);
	RUN(test_size);
	RUN(test_decimal);
	RUN(test_scan);
	RUN(test_status_str);
	return harness_finish();
}
