/* Inbound eviction: when a new inbound peer finds no room, one inbound peer
 * may make room for it (p2p_internal.h, doc/p2p.md "Eviction"). Outbound
 * and manual peers are never candidates. Among inbound peers, those an
 * attacker finds hard to imitate are protected: the lowest pings, the ones
 * that recently brought something new, and the longest connected; the
 * network group with the most of the rest then loses its youngest, so a
 * flood of connections from one network evicts its own. */
#include "config.h"

#include <stdlib.h>

#include "p2p/p2p_internal.h"
#include "util/log.h"

#define P2P_PROTECT_PING 4
#define P2P_PROTECT_USEFUL 4

static int p2p_by_ping(const void *a, const void *b)
{
	const struct p2p_evict_candidate *x = a, *y = b;
	uint64_t px = x->min_ping_us < 0 ? UINT64_MAX : (uint64_t)x->min_ping_us;
	uint64_t py = y->min_ping_us < 0 ? UINT64_MAX : (uint64_t)y->min_ping_us;
	return px < py ? -1 : px > py;
}

static int p2p_by_useful(const void *a, const void *b)
{
	const struct p2p_evict_candidate *x = a, *y = b;
	return x->useful_mono > y->useful_mono ? -1 : x->useful_mono < y->useful_mono;
}

static int p2p_by_age(const void *a, const void *b)
{
	const struct p2p_evict_candidate *x = a, *y = b;
	if (x->connected_mono != y->connected_mono)
		return x->connected_mono < y->connected_mono ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Protect (drop from the front of c) up to k entries after sorting by cmp;
 * with useful, only those that were ever useful. */
static size_t p2p_protect(struct p2p_evict_candidate **c, size_t n, size_t k,
			  int (*cmp)(const void *, const void *), bool useful)
{
	size_t drop = 0;
	qsort(*c, n, sizeof(**c), cmp);
	while (drop < k && drop < n && (!useful || (*c)[drop].useful_mono != 0))
		drop++;
	*c += drop;
	return n - drop;
}

bool p2p_evict_select(uint64_t *victim, struct p2p_evict_candidate *c, size_t n)
{
	size_t k = n / 4, best_count = 0;
	uint64_t best_group = 0, best_young = 0;

	n = p2p_protect(&c, n, k < P2P_PROTECT_PING ? k : P2P_PROTECT_PING, p2p_by_ping, false);
	n = p2p_protect(&c, n, k < P2P_PROTECT_USEFUL ? k : P2P_PROTECT_USEFUL, p2p_by_useful, true);
	n = p2p_protect(&c, n, n / 2, p2p_by_age, false);
	if (n == 0)
		return false;
	/* c is sorted by age: the last of a group is its youngest. */
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;
		uint64_t young = 0;
		for (size_t j = 0; j < n; j++) {
			if (c[j].netgroup == c[i].netgroup) {
				count++;
				young = c[j].connected_mono;
			}
		}
		if (count > best_count || (count == best_count && young > best_young)) {
			best_count = count;
			best_group = c[i].netgroup;
			best_young = young;
		}
	}
	for (size_t i = n; i-- > 0;) {
		if (c[i].netgroup == best_group) {
			*victim = c[i].id;
			return true;
		}
	}
	return false;
}

bool p2p_evict_inbound(struct p2p *p2p)
{
	struct p2p_evict_candidate *c = calloc(p2p->npeers ? p2p->npeers : 1, sizeof(*c));
	size_t n = 0;
	uint64_t victim;
	bool ok;

	if (c == NULL)
		return false;
	for (size_t i = 0; i < p2p->npeers; i++) {
		const struct p2p_peer *p = p2p->peers[i];
		if (p->closing || p->kind != P2P_CONN_INBOUND)
			continue;
		c[n].id = p->id;
		c[n].connected_mono = p->connected_mono;
		c[n].min_ping_us = p->min_ping_us;
		c[n].useful_mono = p->useful_mono;
		c[n].netgroup = p2p_addr_netgroup(&p->addr);
		n++;
	}
	ok = p2p_evict_select(&victim, c, n);
	free(c);
	if (!ok)
		return false;
	p2p->stats.evicted++;
	LOG_DEBUG(p2p->log, LOG_CAT_NET, "evicting inbound peer %llu to make room",
		  (unsigned long long)victim);
	p2p_peer_disconnect(p2p, p2p_peer_find(p2p, victim), P2P_ERR_EVICTED);
	return true;
}
