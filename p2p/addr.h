/* Network addresses and subnets of peers (doc/p2p.md, "Addresses").
 *
 * An address is an IPv6 address (16 bytes, network order; IPv4 is kept in
 * its IPv4-mapped form ::ffff:a.b.c.d) and a TCP port. A subnet is an
 * address and a prefix length over those 128 bits (an IPv4 /24 is /120),
 * with every bit past the prefix zero. Both are plain values.
 */
#ifndef ROSTRA_P2P_ADDR_H
#define ROSTRA_P2P_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#define P2P_IP_LEN 16
/* Bytes enough for the longest formatted address, "[v6]:port", with the
 * NUL. */
#define P2P_ADDR_STRLEN 64

/* An IP address and port (20 bytes). */
struct p2p_addr {
	uint8_t ip[P2P_IP_LEN];
	uint16_t port;
};

/* A subnet: ip with every bit from bits on zero; bits 0..128. */
struct p2p_subnet {
	uint8_t ip[P2P_IP_LEN];
	uint8_t bits;
};

/* True when a is an IPv4 address (IPv4-mapped). */
bool p2p_addr_is_ipv4(const struct p2p_addr *a);
/* True for a loopback address (127.0.0.0/8, ::1). */
bool p2p_addr_is_loopback(const struct p2p_addr *a);
/* True when a may be dialled on the public network: not unspecified,
 * loopback, private (RFC 1918, fc00::/7), link-local, multicast,
 * documentation or reserved, and its port is not 0. */
bool p2p_addr_routable(const struct p2p_addr *a);
/* True when a and b are the same IP and port / the same IP. */
bool p2p_addr_eq(const struct p2p_addr *a, const struct p2p_addr *b);
bool p2p_addr_same_ip(const struct p2p_addr *a, const struct p2p_addr *b);
/* The network group of a, for spreading peers over networks: the /16 of an
 * IPv4 address, the /32 of an IPv6 one, with a marker bit for the family. */
uint64_t p2p_addr_netgroup(const struct p2p_addr *a);

/* Parse "1.2.3.4", "1.2.3.4:7370", "::1" or "[::1]:7370"; a missing port
 * is default_port. Out: out (zeroed on failure). Returns false on anything
 * else (a port of 0 or above 65535, a name to resolve). */
bool p2p_addr_parse(struct p2p_addr *out, const char *s, uint16_t default_port);
/* Format as "1.2.3.4:7370" or "[::1]:7370". Out: out (cap bytes;
 * P2P_ADDR_STRLEN suffices). Returns false, leaving "" when cap > 0, if it
 * does not fit. */
bool p2p_addr_format(char *out, size_t cap, const struct p2p_addr *a);
/* Format the IP alone ("1.2.3.4", "::1"). As p2p_addr_format. */
bool p2p_addr_format_ip(char *out, size_t cap, const struct p2p_addr *a);

/* Out: out from a sockaddr of family AF_INET or AF_INET6 (zeroed
 * otherwise). Returns false for another family or a short length. */
bool p2p_addr_from_sockaddr(struct p2p_addr *out, const struct sockaddr *sa, socklen_t len);
/* Out: out, a sockaddr_in for an IPv4 address, else a sockaddr_in6.
 * Returns its length. */
socklen_t p2p_addr_to_sockaddr(struct sockaddr_storage *out, const struct p2p_addr *a);

/* Parse "1.2.3.4" (a single address, /32), "1.2.3.0/24", "::1",
 * "2001:db8::/32"; bits past the prefix are cleared. Out: out (zeroed on
 * failure). Returns false on a malformed subnet. */
bool p2p_subnet_parse(struct p2p_subnet *out, const char *s);
/* Format as "1.2.3.0/24" or "2001:db8::/32" (IPv4 prefixes as IPv4
 * lengths). Out: out (cap bytes; P2P_ADDR_STRLEN suffices). Returns false
 * (out "") if it does not fit. */
bool p2p_subnet_format(char *out, size_t cap, const struct p2p_subnet *n);
/* Out: out = the single-address subnet of a's IP. */
void p2p_subnet_of_addr(struct p2p_subnet *out, const struct p2p_addr *a);
/* True when bits <= 128 and every bit past the prefix is zero. */
bool p2p_subnet_valid(const struct p2p_subnet *n);
/* True when a's IP lies inside n. */
bool p2p_subnet_contains(const struct p2p_subnet *n, const struct p2p_addr *a);
/* True when a and b are the same subnet. */
bool p2p_subnet_eq(const struct p2p_subnet *a, const struct p2p_subnet *b);

#endif
