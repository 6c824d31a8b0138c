/* The address book: storage, learning, selection (addrman.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/random.h"
#include "crypto/sha256.h"
#include "p2p/addrman_internal.h"

#define P2P_MINUTE_MS ((int64_t)60 * 1000)
#define P2P_DAY_MS ((int64_t)24 * 3600 * 1000)
/* Candidates drawn when a full book must drop an entry. */
#define P2P_ADDRMAN_EVICT_DRAWS 8

void p2p_addrman_options_default(struct p2p_addrman_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_entries = 4096;
	o->accept_local = false;
	o->retry_base_ms = P2P_MINUTE_MS;
	o->retry_max_ms = 60 * P2P_MINUTE_MS;
	o->seed = 0;
}

struct p2p_addrman *p2p_addrman_create(const struct p2p_addrman_options *opt)
{
	struct p2p_addrman *am;

	if (opt->max_entries < 1 || opt->max_entries > P2P_ADDRMAN_MAX_ENTRIES ||
	    opt->retry_base_ms < 1 || opt->retry_max_ms < opt->retry_base_ms)
		return NULL;
	am = calloc(1, sizeof(*am));
	if (am == NULL)
		return NULL;
	am->opt = *opt;
	am->nslot = 2;
	while (am->nslot < 2 * opt->max_entries)
		am->nslot *= 2;
	am->v = calloc(opt->max_entries, sizeof(*am->v));
	am->slot = calloc(am->nslot, sizeof(*am->slot));
	if (am->v == NULL || am->slot == NULL || !p2p_rng_seed(&am->rng, opt->seed)) {
		p2p_addrman_destroy(am);
		return NULL;
	}
	if (opt->seed != 0) {
		for (size_t i = 0; i < sizeof(am->salt); i++)
			am->salt[i] = (uint8_t)p2p_rng_next(&am->rng);
	} else if (!random_bytes(am->salt, sizeof(am->salt))) {
		p2p_addrman_destroy(am);
		return NULL;
	}
	return am;
}

void p2p_addrman_destroy(struct p2p_addrman *am)
{
	if (am == NULL)
		return;
	free(am->v);
	free(am->slot);
	free(am);
}

size_t p2p_addrman_count(const struct p2p_addrman *am)
{
	return am->n;
}

/* ------------------------------------------------------------ the table */

static size_t p2p_addrman_home(const struct p2p_addrman *am, const struct p2p_addr *a)
{
	uint8_t in[sizeof(am->salt) + P2P_IP_LEN + 2], h[SHA256_LEN];
	uint64_t v;

	memcpy(in, am->salt, sizeof(am->salt));
	memcpy(in + sizeof(am->salt), a->ip, P2P_IP_LEN);
	in[sizeof(am->salt) + P2P_IP_LEN] = (uint8_t)a->port;
	in[sizeof(am->salt) + P2P_IP_LEN + 1] = (uint8_t)(a->port >> 8);
	sha256(h, in, sizeof(in));
	memcpy(&v, h, sizeof(v));
	return (size_t)v & (am->nslot - 1);
}

/* The slot holding a, or the empty slot where it would go. */
static size_t p2p_addrman_probe(const struct p2p_addrman *am, const struct p2p_addr *a)
{
	size_t s = p2p_addrman_home(am, a);
	while (am->slot[s] != 0 && !p2p_addr_eq(&am->v[am->slot[s] - 1].addr, a))
		s = (s + 1) & (am->nslot - 1);
	return s;
}

static struct p2p_addrman_entry *p2p_addrman_get(const struct p2p_addrman *am,
						 const struct p2p_addr *a)
{
	size_t s = p2p_addrman_probe(am, a);
	return am->slot[s] ? &am->v[am->slot[s] - 1] : NULL;
}

/* Empty slot s and shift back the entries of its run that may move. */
static void p2p_addrman_unslot(struct p2p_addrman *am, size_t s)
{
	size_t mask = am->nslot - 1, j = s;
	am->slot[s] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (am->slot[j] == 0)
			return;
		size_t home = p2p_addrman_home(am, &am->v[am->slot[j] - 1].addr);
		/* j's entry may fill s unless its home lies cyclically in (s, j]. */
		bool stays = s <= j ? (home > s && home <= j) : (home > s || home <= j);
		if (!stays) {
			am->slot[s] = am->slot[j];
			am->slot[j] = 0;
			s = j;
		}
	}
}

static void p2p_addrman_erase(struct p2p_addrman *am, size_t i)
{
	size_t last = am->n - 1;
	p2p_addrman_unslot(am, p2p_addrman_probe(am, &am->v[i].addr));
	if (i != last) {
		size_t s = p2p_addrman_probe(am, &am->v[last].addr);
		am->v[i] = am->v[last];
		am->slot[s] = (uint32_t)(i + 1);
	}
	memset(&am->v[last], 0, sizeof(am->v[last]));
	am->n--;
}

void p2p_addrman_swap(struct p2p_addrman *a, struct p2p_addrman *b)
{
	struct p2p_addrman t = *a;
	a->v = b->v;
	a->n = b->n;
	a->slot = b->slot;
	a->nslot = b->nslot;
	memcpy(a->salt, b->salt, sizeof(a->salt));
	b->v = t.v;
	b->n = t.n;
	b->slot = t.slot;
	b->nslot = t.nslot;
	memcpy(b->salt, t.salt, sizeof(b->salt));
}

/* ------------------------------------------------------------- policy */

bool p2p_addrman_terrible(const struct p2p_addrman_entry *e, int64_t now_ms)
{
	if (e->last_try_ms != 0 && now_ms - e->last_try_ms < P2P_MINUTE_MS)
		return false;
	if (e->last_seen_ms > now_ms + 10 * P2P_MINUTE_MS)
		return true;
	if (e->last_seen_ms == 0 || now_ms - e->last_seen_ms > 30 * P2P_DAY_MS)
		return true;
	if (e->last_success_ms == 0 && e->attempts >= 3)
		return true;
	if (now_ms - e->last_success_ms > 7 * P2P_DAY_MS && e->attempts >= 10)
		return true;
	return false;
}

int64_t p2p_addrman_next_try(const struct p2p_addrman *am, const struct p2p_addrman_entry *e)
{
	int64_t backoff = am->opt.retry_base_ms;
	if (e->attempts == 0)
		return 0;
	for (uint32_t k = 1; k < e->attempts && backoff < am->opt.retry_max_ms; k++)
		backoff *= 2;
	if (backoff > am->opt.retry_max_ms)
		backoff = am->opt.retry_max_ms;
	return e->last_try_ms + backoff;
}

bool p2p_addrman_acceptable(const struct p2p_addrman *am, const struct p2p_addr *a)
{
	static const uint8_t zero[P2P_IP_LEN];
	static const uint8_t v4_zero[P2P_IP_LEN] = { [10] = 0xff, [11] = 0xff };
	if (a->port == 0)
		return false;
	if (am->opt.accept_local)
		return memcmp(a->ip, zero, P2P_IP_LEN) != 0 && memcmp(a->ip, v4_zero, P2P_IP_LEN) != 0;
	return p2p_addr_routable(a);
}

/* The entry to drop from a full book: the worst of a few drawn at random
 * (terrible first, then the one seen longest ago). */
static size_t p2p_addrman_victim(struct p2p_addrman *am, int64_t now_ms)
{
	size_t best = (size_t)p2p_rng_below(&am->rng, am->n);
	for (int k = 1; k < P2P_ADDRMAN_EVICT_DRAWS; k++) {
		size_t i = (size_t)p2p_rng_below(&am->rng, am->n);
		bool ti = p2p_addrman_terrible(&am->v[i], now_ms);
		bool tb = p2p_addrman_terrible(&am->v[best], now_ms);
		if ((ti && !tb) || (ti == tb && am->v[i].last_seen_ms < am->v[best].last_seen_ms))
			best = i;
	}
	return best;
}

void p2p_addrman_insert(struct p2p_addrman *am, const struct p2p_addrman_entry *e, int64_t now_ms)
{
	size_t s;
	if (am->n == am->opt.max_entries)
		p2p_addrman_erase(am, p2p_addrman_victim(am, now_ms));
	s = p2p_addrman_probe(am, &e->addr);
	am->v[am->n] = *e;
	am->slot[s] = (uint32_t)(am->n + 1);
	am->n++;
}

/* ------------------------------------------------------------ learning */

enum p2p_addrman_result p2p_addrman_add_one(struct p2p_addrman *am, const struct p2p_addr_entry *e,
					    int64_t now_ms)
{
	struct p2p_addrman_entry *cur;
	int64_t seen = (int64_t)(e->time_ms > (uint64_t)INT64_MAX ? 0 : e->time_ms);

	if (!p2p_addrman_acceptable(am, &e->addr))
		return P2P_ADDRMAN_IGNORED;
	if (seen == 0 || seen > now_ms + 10 * P2P_MINUTE_MS)
		seen = now_ms - 5 * P2P_DAY_MS;
	cur = p2p_addrman_get(am, &e->addr);
	if (cur != NULL) {
		cur->services |= e->services;
		if (seen <= cur->last_seen_ms)
			return P2P_ADDRMAN_KNOWN;
		cur->last_seen_ms = seen;
		return P2P_ADDRMAN_UPDATED;
	}
	struct p2p_addrman_entry ne = { e->addr, e->services, seen, 0, 0, 0 };
	p2p_addrman_insert(am, &ne, now_ms);
	return P2P_ADDRMAN_ADDED;
}

size_t p2p_addrman_add(struct p2p_addrman *am, const struct p2p_addr_entry *e, size_t n,
		       int64_t now_ms)
{
	size_t changed = 0;
	for (size_t i = 0; i < n; i++) {
		enum p2p_addrman_result r = p2p_addrman_add_one(am, &e[i], now_ms);
		if (r == P2P_ADDRMAN_ADDED || r == P2P_ADDRMAN_UPDATED)
			changed++;
	}
	return changed;
}

bool p2p_addrman_attempt(struct p2p_addrman *am, const struct p2p_addr *a, int64_t now_ms)
{
	struct p2p_addrman_entry *e = p2p_addrman_get(am, a);
	if (e == NULL)
		return false;
	e->last_try_ms = now_ms;
	if (e->attempts < UINT32_MAX)
		e->attempts++;
	return true;
}

bool p2p_addrman_good(struct p2p_addrman *am, const struct p2p_addr *a, uint64_t services,
		      int64_t now_ms)
{
	struct p2p_addrman_entry *e = p2p_addrman_get(am, a);
	if (e == NULL) {
		if (!p2p_addrman_acceptable(am, a))
			return false;
		struct p2p_addrman_entry ne = { *a, services, now_ms, now_ms, now_ms, 0 };
		p2p_addrman_insert(am, &ne, now_ms);
		return true;
	}
	e->services = services;
	e->last_seen_ms = e->last_success_ms = now_ms;
	if (e->last_try_ms == 0)
		e->last_try_ms = now_ms;
	e->attempts = 0;
	return true;
}

bool p2p_addrman_remove(struct p2p_addrman *am, const struct p2p_addr *a)
{
	struct p2p_addrman_entry *e = p2p_addrman_get(am, a);
	if (e == NULL)
		return false;
	p2p_addrman_erase(am, (size_t)(e - am->v));
	return true;
}

bool p2p_addrman_find(const struct p2p_addrman *am, struct p2p_addrman_entry *out,
		      const struct p2p_addr *a)
{
	const struct p2p_addrman_entry *e = p2p_addrman_get(am, a);
	if (e == NULL) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	*out = *e;
	return true;
}

/* ----------------------------------------------------------- selection */

static uint64_t p2p_addrman_weight(const struct p2p_addrman *am, const struct p2p_addrman_entry *e,
				   int64_t now_ms, bool (*skip)(void *, const struct p2p_addr *),
				   void *ctx)
{
	if (p2p_addrman_terrible(e, now_ms) || p2p_addrman_next_try(am, e) > now_ms)
		return 0;
	if (skip != NULL && skip(ctx, &e->addr))
		return 0;
	return UINT64_C(256) >> (e->attempts < 8 ? e->attempts : 8);
}

bool p2p_addrman_select(struct p2p_addrman *am, struct p2p_addr *out, int64_t now_ms,
			bool (*skip)(void *ctx, const struct p2p_addr *a), void *ctx)
{
	uint64_t total = 0, pick;
	uint64_t *w;

	memset(out, 0, sizeof(*out));
	if (am->n == 0)
		return false;
	/* One weight per entry, so skip runs once per entry. */
	w = malloc(am->n * sizeof(*w));
	if (w == NULL)
		return false;
	for (size_t i = 0; i < am->n; i++) {
		w[i] = p2p_addrman_weight(am, &am->v[i], now_ms, skip, ctx);
		total += w[i];
	}
	if (total > 0) {
		pick = p2p_rng_below(&am->rng, total);
		for (size_t i = 0; i < am->n; i++) {
			if (pick < w[i]) {
				*out = am->v[i].addr;
				break;
			}
			pick -= w[i];
		}
	}
	free(w);
	return total > 0;
}

size_t p2p_addrman_sample(struct p2p_addrman *am, struct p2p_addr_entry *out, size_t cap,
			  int64_t now_ms)
{
	size_t seen = 0, k = 0;
	/* Reservoir sampling over the entries that qualify. */
	for (size_t i = 0; i < am->n && cap > 0; i++) {
		const struct p2p_addrman_entry *e = &am->v[i];
		size_t at;
		if (p2p_addrman_terrible(e, now_ms))
			continue;
		seen++;
		if (k < cap)
			at = k++;
		else if ((at = (size_t)p2p_rng_below(&am->rng, seen)) >= cap)
			continue;
		out[at].addr = e->addr;
		out[at].services = e->services;
		out[at].time_ms = (uint64_t)(e->last_seen_ms > 0 ? e->last_seen_ms : 0);
	}
	return k;
}

size_t p2p_addrman_list(const struct p2p_addrman *am, struct p2p_addrman_entry *out, size_t cap)
{
	for (size_t i = 0; i < am->n && i < cap; i++)
		out[i] = am->v[i];
	return am->n;
}
