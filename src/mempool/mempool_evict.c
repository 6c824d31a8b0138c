/* Eviction: making room for a transaction in a full mempool.
 *
 * The plan walks the "worst" heap in rank order, lowest first, without
 * changing it: a second, small heap holds the frontier of slots still to
 * visit (a slot's children can only rank above it), so visiting k entries
 * costs O(k log k). Each chosen entry takes its sender's later nonces with
 * it, since they could no longer be mined. The plan only marks entries;
 * nothing is removed unless the new transaction is then admitted. */
#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mempool/mempool_internal.h"

/* The frontier: slots of the worst heap, ordered as that heap orders
 * their entries. */
struct mempool_frontier {
	const struct mempool_heap *h;
	size_t *a;
	size_t n, cap;
};

static bool mempool_front_less(const struct mempool_frontier *f, size_t x, size_t y)
{
	return mempool_heap_less(f->h, f->h->a[f->a[x]], f->h->a[f->a[y]]);
}

static void mempool_front_swap(struct mempool_frontier *f, size_t x, size_t y)
{
	size_t t = f->a[x];
	f->a[x] = f->a[y];
	f->a[y] = t;
}

static bool mempool_front_push(struct mempool_frontier *f, size_t slot)
{
	if (slot >= f->h->n)
		return true;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		size_t *a = cap <= SIZE_MAX / sizeof(*a) ? realloc(f->a, cap * sizeof(*a)) : NULL;
		if (a == NULL)
			return false;
		f->a = a;
		f->cap = cap;
	}
	f->a[f->n] = slot;
	for (size_t i = f->n++; i > 0 && mempool_front_less(f, i, (i - 1) / 2); i = (i - 1) / 2)
		mempool_front_swap(f, i, (i - 1) / 2);
	return true;
}

/* The lowest-ranked entry not yet visited, or NULL when all were; its
 * children join the frontier. Out: *oom when memory runs out. */
static struct mempool_entry *mempool_front_next(struct mempool_frontier *f, bool *oom)
{
	size_t slot, i = 0;

	if (f->n == 0)
		return NULL;
	slot = f->a[0];
	f->a[0] = f->a[--f->n];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= f->n)
			break;
		if (c + 1 < f->n && mempool_front_less(f, c + 1, c))
			c++;
		if (!mempool_front_less(f, c, i))
			break;
		mempool_front_swap(f, i, c);
		i = c;
	}
	if (!mempool_front_push(f, 2 * slot + 1) || !mempool_front_push(f, 2 * slot + 2))
		*oom = true;
	return f->h->a[slot];
}

static bool mempool_plan_add(struct mempool_plan *p, struct mempool_entry *e)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct mempool_entry **v =
			cap <= SIZE_MAX / sizeof(*v) ? realloc(p->v, cap * sizeof(*v)) : NULL;
		if (v == NULL)
			return false;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = e;
	e->mark = true;
	return true;
}

void mempool_evict_cancel(struct mempool_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		plan->v[i]->mark = false;
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}

/* Mark c and its sender's later nonces. Out: *freed grows by their bytes. */
static bool mempool_plan_chain(struct mempool_plan *plan, size_t *freed, struct mempool_entry *c)
{
	struct mempool_sender *s = c->sender;

	for (size_t j = mempool_entry_index(c); j < s->n; j++) {
		struct mempool_entry *e = s->txs[j];
		if (e->mark)
			continue;
		if (!mempool_plan_add(plan, e))
			return false;
		*freed += e->tx.raw_len;
	}
	return true;
}

/* May c go to make room for tx? Only if tx ranks strictly before it and it
 * is not one of tx's own predecessors. */
static bool mempool_evictable(const struct mempool_entry *c, const struct tx *tx)
{
	if (mempool_rank_cmp(tx, &c->tx) >= 0)
		return false;
	return memcmp(c->tx.sender.b, tx->sender.b, PUBKEY_LEN) != 0 || c->tx.nonce > tx->nonce;
}

enum mempool_err mempool_evict_plan(struct mempool *mp, struct mempool_plan *plan,
				    const struct tx *tx, const struct mempool_entry *replaced)
{
	struct mempool_frontier f = { &mp->heap[MEMPOOL_HEAP_WORST], NULL, 0, 0 };
	size_t after = mp->bytes - (replaced ? replaced->tx.raw_len : 0) + tx->raw_len;
	size_t need, freed = 0;
	enum mempool_err r = MEMPOOL_OK;
	bool oom = false;

	memset(plan, 0, sizeof(*plan));
	if (after <= mp->opt.max_bytes)
		return MEMPOOL_OK;
	need = after - mp->opt.max_bytes;
	if (!mempool_front_push(&f, 0))
		oom = true;
	while (freed < need && !oom) {
		struct mempool_entry *c = mempool_front_next(&f, &oom);
		if (c == NULL || (!c->mark && c != replaced && !mempool_evictable(c, tx))) {
			r = MEMPOOL_ERR_FULL;
			break;
		}
		if (!c->mark && c != replaced && !mempool_plan_chain(plan, &freed, c))
			oom = true;
	}
	free(f.a);
	if (oom)
		r = MEMPOOL_ERR_NO_MEMORY;
	if (r != MEMPOOL_OK)
		mempool_evict_cancel(plan);
	return r;
}

void mempool_evict_commit(struct mempool *mp, struct mempool_plan *plan)
{
	size_t k = 0;

	/* The victims of a sender are a suffix of its run: keep only the
	 * first of each, before anything is freed. */
	for (size_t i = 0; i < plan->n; i++) {
		struct mempool_entry *e = plan->v[i];
		size_t j = mempool_entry_index(e);
		if (j == 0 || !e->sender->txs[j - 1]->mark)
			plan->v[k++] = e;
	}
	for (size_t i = 0; i < k; i++)
		mempool_drop_tail(mp, plan->v[i]->sender, mempool_entry_index(plan->v[i]));
	free(plan->v);
	memset(plan, 0, sizeof(*plan));
}
