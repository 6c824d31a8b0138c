/* -rpcallowip subnets: parsing through inet_pton, matching by prefix. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "rpc/netmask.h"
#include "util/parse.h"

static const uint8_t rpc_v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* An IPv4-mapped IPv6 address becomes the IPv4 address. */
static void rpc_unmap(struct rpc_netaddr *a)
{
	if (a->family == AF_INET6 && memcmp(a->b, rpc_v4_mapped, 12) == 0) {
		memmove(a->b, a->b + 12, 4);
		memset(a->b + 4, 0, 12);
		a->family = AF_INET;
	}
}

bool rpc_netaddr_parse(struct rpc_netaddr *out, const char *text)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->b) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, out->b) == 1) {
		out->family = AF_INET6;
		rpc_unmap(out);
		return true;
	}
	memset(out, 0, sizeof(*out));
	return false;
}

bool rpc_netaddr_from_sockaddr(struct rpc_netaddr *out, const struct sockaddr *sa)
{
	memset(out, 0, sizeof(*out));
	if (sa != NULL && sa->sa_family == AF_INET) {
		struct sockaddr_in in;
		memcpy(&in, sa, sizeof(in));
		memcpy(out->b, &in.sin_addr, 4);
		out->family = AF_INET;
		return true;
	}
	if (sa != NULL && sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;
		memcpy(&in6, sa, sizeof(in6));
		memcpy(out->b, &in6.sin6_addr, 16);
		out->family = AF_INET6;
		rpc_unmap(out);
		return true;
	}
	return false;
}

static unsigned rpc_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static void rpc_clear_host_bits(struct rpc_netaddr *a, unsigned prefix)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned first = i * 8;
		if (first >= prefix)
			a->b[i] = 0;
		else if (prefix - first < 8)
			a->b[i] &= (uint8_t)(0xff << (8 - (prefix - first)));
	}
}

bool rpc_netmask_parse(struct rpc_netmask *out, const char *text)
{
	char addr[RPC_NETMASK_MAX_TEXT + 1];
	memset(out, 0, sizeof(*out));
	size_t len = strlen(text);
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : len;
	if (len > RPC_NETMASK_MAX_TEXT || alen == 0)
		return false;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (!rpc_netaddr_parse(&out->net, addr))
		return false;
	unsigned max = rpc_bits(out->net.family);
	uint32_t prefix = max;
	/* An IPv4-mapped address takes an IPv6 prefix of at least 96 (a
	 * shorter one would reach past the mapped range). */
	bool was_mapped = out->net.family == AF_INET && strchr(addr, ':') != NULL;
	if (slash && !parse_u32(&prefix, slash + 1, was_mapped ? 96 : 0, was_mapped ? 128 : max)) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	if (was_mapped && slash)
		prefix -= 96;
	out->prefix = prefix;
	rpc_clear_host_bits(&out->net, prefix);
	return true;
}

bool rpc_netmask_match(const struct rpc_netmask *m, const struct rpc_netaddr *addr)
{
	if (m->net.family != addr->family)
		return false;
	struct rpc_netaddr a = *addr;
	rpc_clear_host_bits(&a, m->prefix);
	return memcmp(a.b, m->net.b, 16) == 0;
}

bool rpc_netaddr_is_loopback(const struct rpc_netaddr *addr)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };
	if (addr->family == AF_INET)
		return addr->b[0] == 127;
	return addr->family == AF_INET6 && memcmp(addr->b, v6_loopback, 16) == 0;
}
