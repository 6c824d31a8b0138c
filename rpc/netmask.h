/* Addresses and subnets for -rpcallowip and the peer check.
 *
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d), as a dual-stack socket
 * reports an IPv4 peer, is treated as the IPv4 address, so one rule covers
 * both. Plain value types; no allocation.
 */
#ifndef ROSTRA_RPC_NETMASK_H
#define ROSTRA_RPC_NETMASK_H

#include <stdbool.h>
#include <stdint.h>

struct sockaddr;

struct rpc_netaddr {
	int family;      /* AF_INET (b[0..3] used) or AF_INET6 */
	uint8_t b[16];
};

struct rpc_netmask {
	struct rpc_netaddr net; /* host bits cleared */
	unsigned prefix;        /* 0..32 (IPv4) or 0..128 (IPv6) */
};

/* The longest text rpc_netmask_parse reads (an IPv6 address, '/', 3 digits). */
#define RPC_NETMASK_MAX_TEXT 64

/* Parse a numeric IPv4 or IPv6 address (no brackets, no zone).
 * Out: *out (zeroed on failure). Returns false on anything else. */
bool rpc_netaddr_parse(struct rpc_netaddr *out, const char *text);
/* Out: *out from an AF_INET or AF_INET6 socket address (zeroed and false
 * for any other family or NULL). */
bool rpc_netaddr_from_sockaddr(struct rpc_netaddr *out, const struct sockaddr *sa);

/* Parse "ADDRESS" (a single host) or "ADDRESS/PREFIX" (CIDR; PREFIX a
 * canonical decimal up to 32 or 128). Host bits below the prefix are
 * cleared. Out: *out (zeroed on failure). */
bool rpc_netmask_parse(struct rpc_netmask *out, const char *text);
/* True when addr lies in m (families must agree, after unmapping). */
bool rpc_netmask_match(const struct rpc_netmask *m, const struct rpc_netaddr *addr);
/* True for 127.0.0.0/8 and ::1, which are always allowed. */
bool rpc_netaddr_is_loopback(const struct rpc_netaddr *addr);

#endif
