/* addr_allow: a list of address ranges ("127.0.0.1/32,::1,10.0.0.0/8")
 * and whether a client's address is in it. For what only some machines
 * may read (/metrics: the Prometheus server, not the internet). */
#ifndef QA_HTTP_ADDR_ALLOW_H
#define QA_HTTP_ADDR_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

typedef struct addr_allow addr_allow;

/* Parse a comma-separated list of IPv4/IPv6 addresses, each with an
 * optional /prefix (a bare address is the one address). On failure NULL,
 * with the bad entry named in err. "" is an empty list (nobody). */
addr_allow *addr_allow_parse(const char *list, char *err, size_t errlen);
void addr_allow_free(addr_allow *a);

/* Is remote (an address as inet_ntop writes it; an IPv4-mapped IPv6
 * address counts as its IPv4 address) in the list? */
bool addr_allow_has(const addr_allow *a, const char *remote);

#endif
