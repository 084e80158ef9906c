#include "addr_allow.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"

/* An entry: 16 bytes of address (IPv4 as IPv4-mapped IPv6, ::ffff:a.b.c.d,
 * so that one comparison serves both) and how many leading bits count. */
typedef struct addr_range {
	unsigned char bytes[16];
	unsigned bits;
} addr_range;

struct addr_allow {
	size_t count;
	addr_range ranges[];
};

/* The list's entries are bounded by the command line; this is a sanity cap. */
#define MAX_RANGES 256

/* text ("10.0.0.1", "::1") as 16 bytes; *v4 says it was IPv4. */
static bool parse_address(const char *text, unsigned char out[16], bool *v4)
{
	struct in_addr a4;
	*v4 = false;
	if (inet_pton(AF_INET6, text, out) == 1)
		return true;
	if (inet_pton(AF_INET, text, &a4) != 1)
		return false;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &a4, 4);
	*v4 = true;
	return true;
}

/* One entry, "addr" or "addr/bits", into *r. */
static bool parse_range(const char *entry, addr_range *r)
{
	char text[INET6_ADDRSTRLEN + 8];
	if (strlen(entry) >= sizeof text)
		return false;
	strcpy(text, entry);
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	bool v4;
	if (!parse_address(text, r->bytes, &v4))
		return false;
	unsigned max = v4 ? 32 : 128, bits = max;
	if (slash && number_parse_unsigned(slash + 1, 0, max, &bits) != NUMBER_OK)
		return false;
	r->bits = v4 ? 96 + bits : bits;
	return true;
}

addr_allow *addr_allow_parse(const char *list, char *err, size_t errlen)
{
	addr_allow *a = calloc(1, sizeof *a + MAX_RANGES * sizeof(addr_range));
	char *copy = strdup(list);
	if (!a || !copy) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (char *save = NULL, *e = strtok_r(copy, ",", &save); e;
	     e = strtok_r(NULL, ",", &save)) {
		while (*e == ' ')
			e++;
		if (!*e)
			continue;
		if (a->count == MAX_RANGES || !parse_range(e, &a->ranges[a->count])) {
			snprintf(err, errlen,
			         "%.60s: not an address or address/prefix (or too many)", e);
			goto fail;
		}
		a->count++;
	}
	free(copy);
	return a;
fail:
	free(copy);
	free(a);
	return NULL;
}

void addr_allow_free(addr_allow *a)
{
	free(a);
}

static bool in_range(const addr_range *r, const unsigned char addr[16])
{
	unsigned full = r->bits / 8, rest = r->bits % 8;
	if (memcmp(r->bytes, addr, full) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (r->bytes[full] & mask) == (addr[full] & mask);
}

bool addr_allow_has(const addr_allow *a, const char *remote)
{
	unsigned char addr[16];
	bool v4;
	if (!a || !remote || !parse_address(remote, addr, &v4))
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (in_range(&a->ranges[i], addr))
			return true;
	return false;
}
