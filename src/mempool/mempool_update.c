/* Keeping the mempool true to the tip: expiry by age, and re-validation
 * after each block. */
#include "config.h"

#include "mempool/mempool_internal.h"

size_t mempool_expire(struct mempool *mp)
{
	int64_t now = clock_now_ms(mp->clock), cutoff;
	size_t before = mempool_count(mp);
	struct mempool_entry *e;

	/* Expired: time_ms <= now - expiry_ms. */
	if (__builtin_sub_overflow(now, mp->opt.expiry_ms, &cutoff))
		return 0;
	while ((e = mempool_heap_top(&mp->heap[MEMPOOL_HEAP_OLDEST])) != NULL &&
	       e->time_ms <= cutoff)
		mempool_drop_tail(mp, e->sender, mempool_entry_index(e));
	return before - mempool_count(mp);
}

/* Re-check one sender against the tip. Returns true if s was freed. */
static bool mempool_revalidate_sender(struct mempool *mp, struct mempool_sender *s)
{
	uint64_t nonce, balance;
	struct mempool_reject why;

	if (!mp->chain.account(mp->chain.ctx, &nonce, &balance, &s->key))
		return false;
	if (nonce > s->first_nonce) {
		uint64_t used = nonce - s->first_nonce;
		size_t k = used >= s->n ? s->n : (size_t)used;
		bool all = k == s->n;
		mempool_drop_head(mp, s, k);
		if (all)
			return true;
	}
	if (s->first_nonce != nonce) {
		mempool_drop_tail(mp, s, 0);
		return true;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct tx *tx = &s->txs[i]->tx;
		why.code = MEMPOOL_ERR_CHAIN;
		if (!mp->chain.check(mp->chain.ctx, &why, tx, nonce + i, balance)) {
			mempool_drop_tail(mp, s, i);
			return i == 0;
		}
		balance = balance > tx->fee ? balance - tx->fee : 0;
	}
	return false;
}

size_t mempool_revalidate(struct mempool *mp)
{
	size_t before = mempool_count(mp);

	/* Freeing a sender shifts later members of its probe run back, maybe
	 * into slot i: look at slot i again then. One wrapping around the end
	 * may move into a slot already seen and be checked twice, which is
	 * harmless (the check is a pure function of the tip). */
	for (size_t i = 0; i < mp->by_sender.nslot;) {
		struct mempool_sender *s = mp->by_sender.slot[i];
		if (s == NULL || !mempool_revalidate_sender(mp, s))
			i++;
	}
	return before - mempool_count(mp);
}
