/* Block building: a max-heap of the senders' heads (each sender's lowest
 * pending nonce not yet taken), best rank at the root. Taking the root
 * replaces it by that sender's next nonce, so a block never has a gap and
 * each step costs O(log s) for s senders. */
#include "config.h"

#include <stdlib.h>

#include "mempool/mempool_internal.h"

struct mempool_head {
	const struct mempool_sender *s;
	size_t i; /* s->txs[i] is the sender's next */
};

static const struct tx *mempool_head_tx(const struct mempool_head *h)
{
	return &h->s->txs[h->i]->tx;
}

static bool mempool_head_before(const struct mempool_head *a, const struct mempool_head *b)
{
	return mempool_rank_cmp(mempool_head_tx(a), mempool_head_tx(b)) < 0;
}

static void mempool_heads_down(struct mempool_head *a, size_t n, size_t i)
{
	struct mempool_head x = a[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && mempool_head_before(&a[c + 1], &a[c]))
			c++;
		if (!mempool_head_before(&a[c], &x))
			break;
		a[i] = a[c];
		i = c;
	}
	a[i] = x;
}

/* Every sender's first pending tx, as a heap. Out: *n. Returns NULL (and
 * *n = 0) if memory runs out or there is no sender. */
static struct mempool_head *mempool_heads_make(const struct mempool *mp, size_t *n)
{
	const struct mempool_tab *t = &mp->by_sender;
	struct mempool_head *a;

	*n = 0;
	if (t->n == 0 || t->n > SIZE_MAX / sizeof(*a))
		return NULL;
	a = malloc(t->n * sizeof(*a));
	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < t->nslot; i++)
		if (t->slot[i] != NULL)
			a[(*n)++] = (struct mempool_head){ t->slot[i], 0 };
	for (size_t i = *n / 2; i-- > 0;)
		mempool_heads_down(a, *n, i);
	return a;
}

bool mempool_build(const struct mempool *mp, const struct tx **out, size_t *n, size_t cap,
		   size_t max_bytes)
{
	size_t nh, bytes = 0;
	struct mempool_head *a;

	*n = 0;
	if (cap == 0 || mp->by_sender.n == 0)
		return true;
	a = mempool_heads_make(mp, &nh);
	if (a == NULL)
		return false;
	while (nh > 0 && *n < cap) {
		const struct tx *tx = mempool_head_tx(&a[0]);
		if (tx->raw_len <= max_bytes - bytes) {
			out[(*n)++] = tx;
			bytes += tx->raw_len;
			if (++a[0].i < a[0].s->n) {
				mempool_heads_down(a, nh, 0);
				continue;
			}
		}
		/* The sender is done: taken to its end, or its next does not fit
		 * (and its later nonces would leave a gap). */
		a[0] = a[--nh];
		mempool_heads_down(a, nh, 0);
	}
	free(a);
	return true;
}

bool mempool_list(const struct mempool *mp, struct hash256 *out, size_t *n, size_t cap)
{
	size_t count = mempool_count(mp), got;
	const struct tx **txs;

	*n = 0;
	if (count == 0 || cap == 0)
		return true;
	if (count > SIZE_MAX / sizeof(*txs))
		return false;
	txs = malloc(count * sizeof(*txs));
	if (txs == NULL)
		return false;
	if (!mempool_build(mp, txs, &got, cap < count ? cap : count, SIZE_MAX)) {
		free(txs);
		return false;
	}
	for (size_t i = 0; i < got; i++)
		out[i] = txs[i]->txid;
	*n = got;
	free(txs);
	return true;
}
