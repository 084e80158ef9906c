/* number: decimal numbers from text, strictly, for every place that reads
 * one from a person or a client (command-line options, query parameters,
 * HTTP headers, time codes). Only ASCII digits count: no sign, no spaces,
 * no "0x", no exponent, and the result never depends on the locale. The
 * number_parse_* functions read a whole string and check a range; the
 * number_scan_* functions read a number at the start of a longer grammar
 * (a Range header, "1:02:03.5") and say where it ends. libc only.
 */
#ifndef QA_NUMBER_H
#define QA_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

typedef enum number_status {
	NUMBER_OK = 0,
	NUMBER_SYNTAX, /* NULL, empty, or not in the form the function reads */
	NUMBER_RANGE,  /* well formed, but below min or above max (or too big for any) */
} number_status;

/* A short English phrase for st ("not a number", "out of range"). */
const char *number_status_str(number_status st);

/* s in full as decimal digits ("0", "0042", "8080"), from min to max
 * inclusive. *out is set only on NUMBER_OK, so it can hold a default.
 * Returns NUMBER_OK, NUMBER_SYNTAX (s NULL or empty, or any character not a
 * digit), or NUMBER_RANGE (also for digits past UINT64_MAX). */
number_status number_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* number_parse_u64 for an unsigned int, with the same statuses. */
number_status number_parse_unsigned(const char *s, unsigned min, unsigned max, unsigned *out);

/* A byte count: digits, then optionally one of K M G T (either case;
 * powers of 1024) and then optionally B or b: "1048576", "500M", "8G",
 * "8GB", "1b". From min to max inclusive; *out set only on NUMBER_OK.
 * Returns NUMBER_OK, NUMBER_SYNTAX or NUMBER_RANGE (also when the count
 * does not fit in 64 bits). */
number_status number_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Digits with an optional fraction, "12" or "0.25" (not ".5", "5." or
 * "1e3"), from min to max inclusive; *out set only on NUMBER_OK. With up to
 * 15 significant digits the result is what strtod gives in the C locale
 * (rounded once); past that it may differ in the last bit. Returns
 * NUMBER_OK, NUMBER_SYNTAX or NUMBER_RANGE. */
number_status number_parse_decimal(const char *s, double min, double max, double *out);

/* The digits at the start of s as *out, saturating at UINT64_MAX; when
 * overflow is not NULL it says whether they did. Returns the first
 * character after them, or NULL (out untouched) when s does not start with
 * a digit. */
const char *number_scan_u64(const char *s, uint64_t *out, bool *overflow);

/* The digits at the start of s, with a fraction when a '.' and a digit
 * follow them, as *out (number_parse_decimal's form and rounding). Returns
 * the first character after them, or NULL (out untouched) when s does not
 * start with a digit. */
const char *number_scan_decimal(const char *s, double *out);

#endif
