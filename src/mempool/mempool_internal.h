/* Private to src/mempool: the data structures behind struct mempool.
 *
 *   by_id      hash table txid -> entry (open addressing, keyed hash)
 *   by_sender  hash table sender key -> sender
 *   sender     the sender's entries in nonce order: txs[i] has nonce
 *              first_nonce + i (a contiguous run, so an array indexed by
 *              nonce - first_nonce)
 *   worst      min-heap by fee rank: the root is the lowest-ranked entry,
 *              the next eviction candidate
 *   oldest     min-heap by admission time: the root is the next to expire
 *
 * Each entry records its slot in both heaps so that any entry is removed in
 * O(log n).
 */
#ifndef ROSTRA_MEMPOOL_INTERNAL_H
#define ROSTRA_MEMPOOL_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mempool/mempool.h"

struct mempool_sender;

struct mempool_entry {
	struct tx tx;    /* sealed, owned copy */
	int64_t time_ms; /* admission time */
	struct mempool_sender *sender;
	size_t pos[2]; /* slot in mp->heap[MEMPOOL_HEAP_*] */
	bool mark;     /* eviction plan (mempool_evict.c) */
};

struct mempool_sender {
	struct pubkey key;
	uint64_t first_nonce;       /* nonce of txs[0] */
	struct mempool_entry **txs; /* nonce order, n used of cap */
	size_t n, cap;
};

/* A hash table of objects that carry a 32-byte key (open addressing with
 * linear probing, at most half full; deletion shifts back, so no
 * tombstones). */
struct mempool_tab {
	void **slot;
	size_t nslot; /* 0 or a power of two */
	size_t n;
	const uint8_t *(*key)(const void *obj);
	const uint8_t *salt; /* 16 bytes, the mempool's */
};

enum { MEMPOOL_HEAP_WORST = 0, MEMPOOL_HEAP_OLDEST = 1 };

/* An indexed binary min-heap of entries; which says the order and the
 * entry's pos[] slot it maintains. */
struct mempool_heap {
	struct mempool_entry **a;
	size_t n, cap;
	int which;
};

struct mempool {
	struct mempool_options opt;
	struct mempool_chain chain;
	const struct clock *clock;
	uint8_t salt[16];
	struct mempool_tab by_id;
	struct mempool_tab by_sender;
	struct mempool_heap heap[2];
	size_t bytes;
	/* Guards what mempool_pending_nonce_shared reads from other threads:
	 * by_sender (its slots, their growth) and each sender's first_nonce
	 * and n, and the freeing of a sender. The owning thread takes it only
	 * around its writes of those (mempool_prepare's reserve,
	 * mempool_insert, mempool_drop_tail/head), never to read. */
	pthread_mutex_t view_mu;
};

/* ---- mempool_tab.c */

/* Out: t, empty. In: key (the object's 32-byte key), salt (16 bytes,
 * borrowed). */
void mempool_tab_init(struct mempool_tab *t, const uint8_t *(*key)(const void *obj),
		      const uint8_t *salt);
/* Free the slot array (not the objects). */
void mempool_tab_release(struct mempool_tab *t);
/* Make room for n more objects. Returns false if memory runs out. */
bool mempool_tab_reserve(struct mempool_tab *t, size_t n);
/* The object with key k, or NULL. */
void *mempool_tab_find(const struct mempool_tab *t, const uint8_t k[32]);
/* Insert obj (its key must be absent; room must have been reserved). */
void mempool_tab_insert(struct mempool_tab *t, void *obj);
/* Remove obj (which must be present). */
void mempool_tab_remove(struct mempool_tab *t, const void *obj);

/* ---- mempool_heap.c */

/* Returns < 0 when a ranks before b in the fee-rate order of doc/social.md
 * §1.4 (higher fee rate, then higher fee, then smaller txid), > 0 when
 * after, 0 only when they are the same tx. */
int mempool_rank_cmp(const struct tx *a, const struct tx *b);
/* True when a comes before b in heap h's order. */
bool mempool_heap_less(const struct mempool_heap *h, const struct mempool_entry *a,
		       const struct mempool_entry *b);
void mempool_heap_init(struct mempool_heap *h, int which);
void mempool_heap_release(struct mempool_heap *h);
bool mempool_heap_reserve(struct mempool_heap *h, size_t n);
/* Push e (room must have been reserved). */
void mempool_heap_push(struct mempool_heap *h, struct mempool_entry *e);
/* Remove e, which must be in h. */
void mempool_heap_remove(struct mempool_heap *h, struct mempool_entry *e);
/* The root, or NULL if empty. */
struct mempool_entry *mempool_heap_top(const struct mempool_heap *h);

/* ---- mempool.c */

/* Put e (whose sender list already holds it) into the table and heaps and
 * count its bytes; room must have been reserved. */
void mempool_link(struct mempool *mp, struct mempool_entry *e);
/* Take e out of the table and heaps and uncount its bytes (not its list). */
void mempool_unlink(struct mempool *mp, struct mempool_entry *e);
/* Release e's tx and free e. */
void mempool_free_entry(struct mempool_entry *e);
/* The sender of key k, or NULL. */
struct mempool_sender *mempool_sender_find(const struct mempool *mp, const struct pubkey *k);
/* Remove s->txs[i..n) from every structure and free them; free s when it is
 * left empty. */
void mempool_drop_tail(struct mempool *mp, struct mempool_sender *s, size_t i);
/* Remove s->txs[0..k) likewise (they were included in a block). */
void mempool_drop_head(struct mempool *mp, struct mempool_sender *s, size_t k);
/* mempool_add with a given admission time (mempool_load keeps the saved
 * one). */
enum mempool_err mempool_add_at(struct mempool *mp, struct mempool_reject *why,
				struct mempool_added *info, const struct tx *tx, int64_t time_ms);
/* The index of e in its sender's list. */
static inline size_t mempool_entry_index(const struct mempool_entry *e)
{
	return (size_t)(e->tx.nonce - e->sender->first_nonce);
}

/* ---- mempool_evict.c */

/* The victims chosen to make room for a new tx. */
struct mempool_plan {
	struct mempool_entry **v;
	size_t n, cap;
};
/* Choose what to evict so that tx (replacing `replaced`, or NULL) fits in
 * max_bytes: lowest-ranked first, each with its sender's later nonces. Every
 * chosen one must rank below tx, and none may be tx's own sender's at a
 * lower nonce. Out: plan (marks set on its entries). Returns MEMPOOL_OK,
 * MEMPOOL_ERR_FULL (plan empty) or MEMPOOL_ERR_NO_MEMORY. */
enum mempool_err mempool_evict_plan(struct mempool *mp, struct mempool_plan *plan,
				    const struct tx *tx, const struct mempool_entry *replaced);
/* Evict the plan's entries and release it. */
void mempool_evict_commit(struct mempool *mp, struct mempool_plan *plan);
/* Clear the marks and release the plan (nothing evicted). */
void mempool_evict_cancel(struct mempool_plan *plan);

#endif
