/* The hot-state cache: an LRU map from keys to committed values, bounded by
 * a byte budget (ledger_internal.h). A chained hash table for lookups and a
 * doubly linked list for recency; each node holds its key and value inline.
 * Nothing consensus depends on its order: it only answers "what is the
 * committed value of this key", the same answer the database gives. */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

struct cnode {
	struct cnode *chain;       /* next in bucket */
	struct cnode *prev, *next; /* LRU list, most recent at head */
	uint64_t hash;
	size_t klen, vlen;
	bool present;
	uint8_t data[];            /* key then value */
};

struct ledger_cache {
	struct cnode **buckets;
	size_t nbuckets;           /* power of two */
	size_t count;
	size_t bytes;
	size_t budget;
	uint64_t seed;
	struct cnode *head, *tail;
};

static size_t node_cost(size_t klen, size_t vlen)
{
	/* The node, its bytes and its bucket slot. */
	return sizeof(struct cnode) + klen + vlen + sizeof(struct cnode *);
}

struct ledger_cache *ledger_cache_create(size_t budget, uint64_t seed)
{
	struct ledger_cache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		abort();
	c->nbuckets = 1024;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (c->buckets == NULL)
		abort();
	c->budget = budget;
	c->seed = seed;
	return c;
}

void ledger_cache_clear(struct ledger_cache *c)
{
	struct cnode *n = c->head;
	while (n != NULL) {
		struct cnode *next = n->next;
		free(n);
		n = next;
	}
	memset(c->buckets, 0, c->nbuckets * sizeof(*c->buckets));
	c->head = c->tail = NULL;
	c->count = 0;
	c->bytes = 0;
}

void ledger_cache_destroy(struct ledger_cache *c)
{
	if (c == NULL)
		return;
	ledger_cache_clear(c);
	free(c->buckets);
	free(c);
}

size_t ledger_cache_bytes(const struct ledger_cache *c)
{
	return c->bytes;
}

size_t ledger_cache_count(const struct ledger_cache *c)
{
	return c->count;
}

static struct cnode **slot_of(struct ledger_cache *c, uint64_t hash, const uint8_t *key,
			      size_t klen)
{
	struct cnode **p = &c->buckets[hash & (c->nbuckets - 1)];
	while (*p != NULL) {
		struct cnode *n = *p;
		if (n->hash == hash && n->klen == klen && memcmp(n->data, key, klen) == 0)
			return p;
		p = &n->chain;
	}
	return p;
}

static void lru_unlink(struct ledger_cache *c, struct cnode *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		c->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		c->tail = n->prev;
	n->prev = n->next = NULL;
}

static void lru_push(struct ledger_cache *c, struct cnode *n)
{
	n->prev = NULL;
	n->next = c->head;
	if (c->head)
		c->head->prev = n;
	c->head = n;
	if (c->tail == NULL)
		c->tail = n;
}

static void node_remove(struct ledger_cache *c, struct cnode **slot)
{
	struct cnode *n = *slot;
	*slot = n->chain;
	lru_unlink(c, n);
	c->count--;
	c->bytes -= node_cost(n->klen, n->vlen);
	free(n);
}

static void grow(struct ledger_cache *c)
{
	size_t nb = c->nbuckets * 2;
	struct cnode **b = calloc(nb, sizeof(*b));
	if (b == NULL)
		return; /* keep the smaller table: slower, still correct */
	for (struct cnode *n = c->head; n != NULL; n = n->next) {
		size_t i = n->hash & (nb - 1);
		n->chain = b[i];
		b[i] = n;
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = nb;
}

bool ledger_cache_get(struct ledger_cache *c, bool *present, const uint8_t **val, size_t *vlen,
		      const uint8_t *key, size_t klen)
{
	return ledger_cache_get_h(c, present, val, vlen, key, klen,
				  ledger_hash_bytes(c->seed, key, klen));
}

bool ledger_cache_get_h(struct ledger_cache *c, bool *present, const uint8_t **val, size_t *vlen,
			const uint8_t *key, size_t klen, uint64_t h)
{
	struct cnode *n = *slot_of(c, h, key, klen);
	*present = false;
	*val = NULL;
	*vlen = 0;
	if (n == NULL)
		return false;
	lru_unlink(c, n);
	lru_push(c, n);
	*present = n->present;
	if (n->present) {
		*val = n->data + n->klen;
		*vlen = n->vlen;
	}
	return true;
}

void ledger_cache_put(struct ledger_cache *c, const uint8_t *key, size_t klen, bool present,
		      const uint8_t *val, size_t vlen)
{
	ledger_cache_put_h(c, key, klen, ledger_hash_bytes(c->seed, key, klen), present, val, vlen);
}

void ledger_cache_put_h(struct ledger_cache *c, const uint8_t *key, size_t klen, uint64_t h,
			bool present, const uint8_t *val, size_t vlen)
{
	struct cnode **slot = slot_of(c, h, key, klen);
	size_t cost;
	struct cnode *n;

	bool evicted = false;

	if (!present)
		vlen = 0;
	n = *slot;
	if (n != NULL && n->vlen == vlen) {
		/* Same size (the usual update of a hot record): in place. */
		n->present = present;
		if (vlen > 0)
			memcpy(n->data + klen, val, vlen);
		lru_unlink(c, n);
		lru_push(c, n);
		return;
	}
	if (n != NULL)
		node_remove(c, slot);
	cost = node_cost(klen, vlen);
	/* A value too large for a fair share of the budget is not kept. */
	if (cost > c->budget / 8)
		return;
	while (c->bytes + cost > c->budget && c->tail != NULL) {
		struct cnode *t = c->tail;
		node_remove(c, slot_of(c, t->hash, t->data, t->klen));
		evicted = true;
	}
	n = malloc(sizeof(*n) + klen + vlen);
	if (n == NULL)
		abort();
	n->hash = h;
	n->klen = klen;
	n->vlen = vlen;
	n->present = present;
	memcpy(n->data, key, klen);
	if (vlen > 0)
		memcpy(n->data + klen, val, vlen);
	if (evicted)
		slot = slot_of(c, h, key, klen); /* eviction may have moved it */
	n->chain = *slot; /* the rest of the chain, if a node was removed here */
	*slot = n;
	lru_push(c, n);
	c->count++;
	c->bytes += cost;
	if (c->count > c->nbuckets)
		grow(c);
}
