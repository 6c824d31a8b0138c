/* Addresses and subnets (addr.h). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2p/addr.h"
#include "util/parse.h"

static const uint8_t p2p_v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool p2p_addr_is_ipv4(const struct p2p_addr *a)
{
	return memcmp(a->ip, p2p_v4_prefix, sizeof(p2p_v4_prefix)) == 0;
}

static bool p2p_ip_is_v4(const uint8_t ip[P2P_IP_LEN])
{
	return memcmp(ip, p2p_v4_prefix, sizeof(p2p_v4_prefix)) == 0;
}

bool p2p_addr_is_loopback(const struct p2p_addr *a)
{
	static const uint8_t v6_loopback[P2P_IP_LEN] = { [15] = 1 };
	if (p2p_addr_is_ipv4(a))
		return a->ip[12] == 127;
	return memcmp(a->ip, v6_loopback, P2P_IP_LEN) == 0;
}

static bool p2p_v4_routable(const uint8_t *v4)
{
	uint8_t a = v4[0], b = v4[1], c = v4[2];
	if (a == 0 || a == 10 || a == 127 || a >= 224)           /* this, private, loopback, multicast, reserved */
		return false;
	if ((a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168))
		return false;                                       /* RFC 1918 */
	if ((a == 169 && b == 254) || (a == 100 && (b & 0xc0) == 64))
		return false;                                       /* link-local, shared (RFC 6598) */
	if ((a == 192 && b == 0 && (c == 0 || c == 2)) || (a == 198 && (b & 0xfe) == 18) ||
	    (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113))
		return false;                                       /* IETF, documentation, benchmarks */
	return true;
}

static bool p2p_v6_routable(const uint8_t *ip)
{
	static const uint8_t zero[P2P_IP_LEN];
	if (memcmp(ip, zero, 15) == 0)                              /* :: and ::1 */
		return false;
	if (ip[0] == 0xff || (ip[0] & 0xfe) == 0xfc)                /* multicast, unique local */
		return false;
	if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80)                /* link-local */
		return false;
	if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x0d && ip[3] == 0xb8)
		return false;                                       /* documentation */
	return (ip[0] & 0xe0) == 0x20;                              /* global unicast 2000::/3 */
}

bool p2p_addr_routable(const struct p2p_addr *a)
{
	if (a->port == 0)
		return false;
	if (p2p_addr_is_ipv4(a))
		return p2p_v4_routable(a->ip + 12);
	return p2p_v6_routable(a->ip);
}

bool p2p_addr_eq(const struct p2p_addr *a, const struct p2p_addr *b)
{
	return a->port == b->port && memcmp(a->ip, b->ip, P2P_IP_LEN) == 0;
}

bool p2p_addr_same_ip(const struct p2p_addr *a, const struct p2p_addr *b)
{
	return memcmp(a->ip, b->ip, P2P_IP_LEN) == 0;
}

uint64_t p2p_addr_netgroup(const struct p2p_addr *a)
{
	if (p2p_addr_is_ipv4(a))
		return (UINT64_C(4) << 32) | ((uint64_t)a->ip[12] << 8) | a->ip[13];
	return (UINT64_C(6) << 32) | ((uint64_t)a->ip[0] << 24) | ((uint64_t)a->ip[1] << 16) |
	       ((uint64_t)a->ip[2] << 8) | a->ip[3];
}

/* Parse an IP alone, v4 or v6, into 16 bytes. */
static bool p2p_ip_parse(uint8_t ip[P2P_IP_LEN], const char *s)
{
	struct in_addr v4;
	if (inet_pton(AF_INET, s, &v4) == 1) {
		memcpy(ip, p2p_v4_prefix, sizeof(p2p_v4_prefix));
		memcpy(ip + 12, &v4.s_addr, 4);
		return true;
	}
	return inet_pton(AF_INET6, s, ip) == 1;
}

static bool p2p_port_parse(uint16_t *out, const char *s)
{
	uint64_t v;
	if (!parse_u64(&v, s, 1, 65535))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool p2p_addr_parse(struct p2p_addr *out, const char *s, uint16_t default_port)
{
	char host[64];
	const char *port = NULL;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return false;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return false;
		n = (size_t)(end - s - 1);
		if (end[1] == ':')
			port = end + 2;
		s++;
	} else {
		const char *colon = strchr(s, ':');
		/* One colon: v4 with a port; more: a bare v6 address. */
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			n = (size_t)(colon - s);
			port = colon + 1;
		} else {
			n = strlen(s);
		}
	}
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	out->port = default_port;
	if (!p2p_ip_parse(out->ip, host) || (port != NULL && !p2p_port_parse(&out->port, port))) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	return true;
}

static bool p2p_ip_format(char *out, size_t cap, const uint8_t ip[P2P_IP_LEN])
{
	char tmp[INET6_ADDRSTRLEN];
	const char *r;
	if (p2p_ip_is_v4(ip))
		r = inet_ntop(AF_INET, ip + 12, tmp, sizeof(tmp));
	else
		r = inet_ntop(AF_INET6, ip, tmp, sizeof(tmp));
	if (r == NULL || strlen(tmp) >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return false;
	}
	memcpy(out, tmp, strlen(tmp) + 1);
	return true;
}

bool p2p_addr_format_ip(char *out, size_t cap, const struct p2p_addr *a)
{
	return p2p_ip_format(out, cap, a->ip);
}

bool p2p_addr_format(char *out, size_t cap, const struct p2p_addr *a)
{
	char ip[INET6_ADDRSTRLEN];
	int n;
	if (!p2p_ip_format(ip, sizeof(ip), a->ip)) {
		if (cap > 0)
			out[0] = '\0';
		return false;
	}
	if (p2p_addr_is_ipv4(a))
		n = snprintf(out, cap, "%s:%u", ip, (unsigned)a->port);
	else
		n = snprintf(out, cap, "[%s]:%u", ip, (unsigned)a->port);
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return false;
	}
	return true;
}

bool p2p_addr_from_sockaddr(struct p2p_addr *out, const struct sockaddr *sa, socklen_t len)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		memcpy(out->ip, p2p_v4_prefix, sizeof(p2p_v4_prefix));
		memcpy(out->ip + 12, &in->sin_addr.s_addr, 4);
		out->port = ntohs(in->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(out->ip, in6->sin6_addr.s6_addr, P2P_IP_LEN);
		out->port = ntohs(in6->sin6_port);
		return true;
	}
	return false;
}

socklen_t p2p_addr_to_sockaddr(struct sockaddr_storage *out, const struct p2p_addr *a)
{
	memset(out, 0, sizeof(*out));
	if (p2p_addr_is_ipv4(a)) {
		struct sockaddr_in *in = (struct sockaddr_in *)(void *)out;
		in->sin_family = AF_INET;
		in->sin_port = htons(a->port);
		memcpy(&in->sin_addr.s_addr, a->ip + 12, 4);
		return (socklen_t)sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)out;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(a->port);
	memcpy(in6->sin6_addr.s6_addr, a->ip, P2P_IP_LEN);
	return (socklen_t)sizeof(*in6);
}

/* Clear every bit of ip from bit `bits` on. */
static void p2p_ip_mask(uint8_t ip[P2P_IP_LEN], unsigned bits)
{
	for (unsigned i = 0; i < P2P_IP_LEN; i++) {
		unsigned first = i * 8;
		if (bits <= first)
			ip[i] = 0;
		else if (bits < first + 8)
			ip[i] &= (uint8_t)(0xff00u >> (bits - first));
	}
}

bool p2p_subnet_parse(struct p2p_subnet *out, const char *s)
{
	char host[64];
	const char *slash;
	size_t n;
	uint64_t bits;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return false;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	if (!p2p_ip_parse(out->ip, host))
		goto fail;
	bits = 128;
	if (slash != NULL) {
		uint64_t max = p2p_ip_is_v4(out->ip) ? 32 : 128;
		if (!parse_u64(&bits, slash + 1, 0, max))
			goto fail;
		if (p2p_ip_is_v4(out->ip))
			bits += 96;
	}
	out->bits = (uint8_t)bits;
	p2p_ip_mask(out->ip, out->bits);
	return true;
fail:
	memset(out, 0, sizeof(*out));
	return false;
}

bool p2p_subnet_format(char *out, size_t cap, const struct p2p_subnet *n)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned bits = n->bits;
	int w;
	if (!p2p_ip_format(ip, sizeof(ip), n->ip)) {
		if (cap > 0)
			out[0] = '\0';
		return false;
	}
	if (p2p_ip_is_v4(n->ip) && bits >= 96)
		bits -= 96;
	w = snprintf(out, cap, "%s/%u", ip, bits);
	if (w < 0 || (size_t)w >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return false;
	}
	return true;
}

void p2p_subnet_of_addr(struct p2p_subnet *out, const struct p2p_addr *a)
{
	memcpy(out->ip, a->ip, P2P_IP_LEN);
	out->bits = 128;
}

bool p2p_subnet_valid(const struct p2p_subnet *n)
{
	uint8_t ip[P2P_IP_LEN];
	if (n->bits > 128)
		return false;
	memcpy(ip, n->ip, P2P_IP_LEN);
	p2p_ip_mask(ip, n->bits);
	return memcmp(ip, n->ip, P2P_IP_LEN) == 0;
}

bool p2p_subnet_contains(const struct p2p_subnet *n, const struct p2p_addr *a)
{
	uint8_t ip[P2P_IP_LEN];
	memcpy(ip, a->ip, P2P_IP_LEN);
	p2p_ip_mask(ip, n->bits);
	return memcmp(ip, n->ip, P2P_IP_LEN) == 0;
}

bool p2p_subnet_eq(const struct p2p_subnet *a, const struct p2p_subnet *b)
{
	return a->bits == b->bits && memcmp(a->ip, b->ip, P2P_IP_LEN) == 0;
}
