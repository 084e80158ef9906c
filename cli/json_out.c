#include "json_out.h"

/* 15 significant digits: times print as 754.5, not 754.50000000000001,
 * and a huge cue setting such as 1.79e308 still round-trips within 1e-12. */
#define JSON_FLAGS (JSON_INDENT(1) | JSON_REAL_PRECISION(15))

int json_out_print(json_t *value, FILE *out)
{
	if (!value) {
		fputs("qarchive: out of memory\n", stderr);
		return -1;
	}
	int rc = json_dumpf(value, out, JSON_FLAGS);
	json_decref(value);
	if (rc == 0 && fputc('\n', out) == EOF)
		rc = -1;
	if (rc == 0 && fflush(out) != 0)
		rc = -1;
	return rc;
}
