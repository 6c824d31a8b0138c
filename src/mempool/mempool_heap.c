/* The fee-rate order of doc/social.md §1.4 and the indexed binary heaps
 * built on it (eviction: worst first) and on admission time (expiry: oldest
 * first). Each entry keeps its slot in each heap, so removing any entry is
 * O(log n). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "mempool/mempool_internal.h"

int mempool_rank_cmp(const struct tx *a, const struct tx *b)
{
	/* fee < 2^53 and size <= 2^13: each product is below 2^66. */
	unsigned __int128 x = (unsigned __int128)a->fee * b->raw_len;
	unsigned __int128 y = (unsigned __int128)b->fee * a->raw_len;

	if (x != y)
		return x > y ? -1 : 1;
	if (a->fee != b->fee)
		return a->fee > b->fee ? -1 : 1;
	return memcmp(a->txid.b, b->txid.b, sizeof(a->txid.b));
}

bool mempool_heap_less(const struct mempool_heap *h, const struct mempool_entry *a,
		       const struct mempool_entry *b)
{
	if (h->which == MEMPOOL_HEAP_OLDEST) {
		if (a->time_ms != b->time_ms)
			return a->time_ms < b->time_ms;
		return memcmp(a->tx.txid.b, b->tx.txid.b, sizeof(a->tx.txid.b)) < 0;
	}
	/* The worst-ranked at the root. */
	return mempool_rank_cmp(&a->tx, &b->tx) > 0;
}

void mempool_heap_init(struct mempool_heap *h, int which)
{
	h->a = NULL;
	h->n = 0;
	h->cap = 0;
	h->which = which;
}

void mempool_heap_release(struct mempool_heap *h)
{
	free(h->a);
	h->a = NULL;
	h->n = 0;
	h->cap = 0;
}

bool mempool_heap_reserve(struct mempool_heap *h, size_t n)
{
	size_t want = h->n + n, cap = h->cap ? h->cap : 16;
	struct mempool_entry **a;

	if (want < h->n)
		return false;
	if (want <= h->cap)
		return true;
	while (cap < want) {
		if (cap > SIZE_MAX / 2 / sizeof(*a))
			return false;
		cap *= 2;
	}
	a = realloc(h->a, cap * sizeof(*a));
	if (a == NULL)
		return false;
	h->a = a;
	h->cap = cap;
	return true;
}

static void mempool_heap_set(struct mempool_heap *h, size_t i, struct mempool_entry *e)
{
	h->a[i] = e;
	e->pos[h->which] = i;
}

static void mempool_heap_up(struct mempool_heap *h, size_t i)
{
	struct mempool_entry *e = h->a[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!mempool_heap_less(h, e, h->a[p]))
			break;
		mempool_heap_set(h, i, h->a[p]);
		i = p;
	}
	mempool_heap_set(h, i, e);
}

static void mempool_heap_down(struct mempool_heap *h, size_t i)
{
	struct mempool_entry *e = h->a[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && mempool_heap_less(h, h->a[c + 1], h->a[c]))
			c++;
		if (!mempool_heap_less(h, h->a[c], e))
			break;
		mempool_heap_set(h, i, h->a[c]);
		i = c;
	}
	mempool_heap_set(h, i, e);
}

void mempool_heap_push(struct mempool_heap *h, struct mempool_entry *e)
{
	assert(h->n < h->cap);
	mempool_heap_set(h, h->n, e);
	mempool_heap_up(h, h->n++);
}

void mempool_heap_remove(struct mempool_heap *h, struct mempool_entry *e)
{
	size_t i = e->pos[h->which];

	assert(i < h->n && h->a[i] == e);
	h->n--;
	if (i == h->n)
		return;
	mempool_heap_set(h, i, h->a[h->n]);
	mempool_heap_up(h, i);
	mempool_heap_down(h, h->a[i]->pos[h->which]);
}

struct mempool_entry *mempool_heap_top(const struct mempool_heap *h)
{
	return h->n ? h->a[0] : NULL;
}
