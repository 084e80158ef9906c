#include "number.h"

#include <stddef.h>

/* Not isdigit(): that depends on the locale and wants an unsigned char. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

const char *number_status_str(number_status st)
{
	switch (st) {
	case NUMBER_OK:
		return "ok";
	case NUMBER_SYNTAX:
		return "not a number";
	case NUMBER_RANGE:
		return "out of range";
	}
	return "unknown status";
}

const char *number_scan_u64(const char *s, uint64_t *out, bool *overflow)
{
	if (!s || !is_digit(*s))
		return NULL;
	uint64_t n = 0;
	bool over = false;
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (n > (UINT64_MAX - d) / 10) {
			n = UINT64_MAX; /* and stays there: every later digit overflows too */
			over = true;
		} else {
			n = n * 10 + d;
		}
	}
	*out = n;
	if (overflow)
		*overflow = over;
	return s;
}

number_status number_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	bool over;
	const char *end = number_scan_u64(s, &v, &over);
	if (!end || *end)
		return NUMBER_SYNTAX;
	if (over || v < min || v > max)
		return NUMBER_RANGE;
	*out = v;
	return NUMBER_OK;
}

number_status number_parse_unsigned(const char *s, unsigned min, unsigned max, unsigned *out)
{
	uint64_t v;
	number_status st = number_parse_u64(s, min, max, &v);
	if (st == NUMBER_OK)
		*out = (unsigned)v;
	return st;
}

/* The power of two a size suffix stands for (0 for none); *s moves past
 * it and past a B that may follow. */
static unsigned size_shift(const char **s)
{
	static const char units[] = "KMGT", lower[] = "kmgt";
	unsigned shift = 0;
	for (unsigned i = 0; units[i] && !shift; i++)
		if (**s == units[i] || **s == lower[i])
			shift = 10 * (i + 1);
	if (shift)
		(*s)++;
	if (**s == 'B' || **s == 'b')
		(*s)++;
	return shift;
}

number_status number_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	bool over;
	const char *end = number_scan_u64(s, &v, &over);
	if (!end)
		return NUMBER_SYNTAX;
	unsigned shift = size_shift(&end);
	if (*end)
		return NUMBER_SYNTAX;
	if (over || v > UINT64_MAX >> shift)
		return NUMBER_RANGE;
	v <<= shift;
	if (v < min || v > max)
		return NUMBER_RANGE;
	*out = v;
	return NUMBER_OK;
}

/* 10^n as a double: exact up to 10^22, infinity past 10^308. */
static double power_of_ten(int n)
{
	double p = 1;
	while (n-- > 0)
		p *= 10;
	return p;
}

const char *number_scan_decimal(const char *s, double *out)
{
	if (!s || !is_digit(*s))
		return NULL;
	/* The value is digits * 10^exp10. Digits are kept while they fit in
	 * 64 bits (19 or more); past that, integer digits only scale it and
	 * fraction digits are below the double's precision anyway. exp10 stays
	 * within +-400, where the result is infinite or zero already, so a
	 * long run of digits cannot wrap it. */
	const uint64_t room = (UINT64_MAX - 9) / 10;
	uint64_t digits = 0;
	int exp10 = 0;
	for (; is_digit(*s); s++) {
		if (digits <= room)
			digits = digits * 10 + (uint64_t)(*s - '0');
		else if (exp10 < 400)
			exp10++;
	}
	if (*s == '.' && is_digit(s[1])) {
		for (s++; is_digit(*s); s++) {
			if (digits <= room && exp10 > -400) {
				digits = digits * 10 + (uint64_t)(*s - '0');
				exp10--;
			}
		}
	}
	/* One operation on two exact values rounds once, as strtod does, for
	 * up to 15 significant digits (digits < 2^53, 10^n exact to n = 22). */
	*out = exp10 >= 0 ? (double)digits * power_of_ten(exp10)
	                  : (double)digits / power_of_ten(-exp10);
	return s;
}

number_status number_parse_decimal(const char *s, double min, double max, double *out)
{
	double v;
	const char *end = number_scan_decimal(s, &v);
	if (!end || *end)
		return NUMBER_SYNTAX;
	if (!(v >= min && v <= max))
		return NUMBER_RANGE;
	*out = v;
	return NUMBER_OK;
}
