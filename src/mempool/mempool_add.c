/* Admission: the checks of doc/mempool.md ("Admission"), in that order,
 * then room is made and the tx goes in. Cheap checks come before the
 * signature so that spam with a stale nonce or a low fee costs no
 * verification. Nothing changes until every check has passed and every
 * allocation has succeeded. */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mempool/mempool_internal.h"

/* What the state checks found, for the later steps. */
struct mempool_admit {
	struct mempool_sender *s;       /* the sender's list, or NULL */
	struct mempool_entry *replaced; /* same sender and nonce, or NULL */
	uint64_t balance;               /* committed */
};

static enum mempool_err mempool_refuse(struct mempool_reject *why, enum mempool_err code,
				       bool punish, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum mempool_err mempool_refuse(struct mempool_reject *why, enum mempool_err code,
				       bool punish, const char *fmt, ...)
{
	va_list ap;

	why->code = code;
	why->punishable = punish;
	snprintf(why->name, sizeof(why->name), "%s", mempool_err_name(code));
	va_start(ap, fmt);
	if (vsnprintf(why->msg, sizeof(why->msg), fmt, ap) < 0)
		why->msg[0] = '\0';
	va_end(ap);
	return code;
}

static uint64_t mempool_min_fee(const struct mempool *mp, const struct tx *tx)
{
	/* <= 10^6 * 8192 < 2^33 */
	return mp->chain.min_fee_per_byte * (uint64_t)tx->raw_len;
}

/* Checks that need no state: duplicate, tx_check, chain id, minimum fee. */
static enum mempool_err mempool_check_tx(struct mempool *mp, struct mempool_reject *why,
					 const struct tx *tx)
{
	enum prim_err perr;

	if (mempool_tab_find(&mp->by_id, tx->txid.b) != NULL)
		return mempool_refuse(why, MEMPOOL_ERR_DUPLICATE, false,
				      "transaction is already in the mempool");
	if (!tx_check(tx, &perr)) {
		mempool_refuse(why, MEMPOOL_ERR_INVALID, prim_err_punishable(perr), "%s",
			       prim_err_str(perr));
		snprintf(why->name, sizeof(why->name), "%s", prim_err_name(perr));
		return why->code;
	}
	if (!chain_id_eq(&tx->chain_id, &mp->chain.chain_id))
		return mempool_refuse(why, MEMPOOL_ERR_WRONG_CHAIN, true,
				      "transaction is for another chain (expected %s)",
				      mp->chain.chain_id.s);
	if (tx->fee < mempool_min_fee(mp, tx))
		return mempool_refuse(why, MEMPOOL_ERR_FEE_TOO_LOW, false,
				      "fee is below the minimum of %llu base units for this size",
				      (unsigned long long)mempool_min_fee(mp, tx));
	return MEMPOOL_OK;
}

/* The nonce against the committed state and the sender's pending run, then
 * replacement fee or sender cap. Out: *a. */
static enum mempool_err mempool_check_nonce(struct mempool *mp, struct mempool_reject *why,
					    struct mempool_admit *a, const struct tx *tx)
{
	uint64_t nonce, pending;

	if (!mp->chain.account(mp->chain.ctx, &nonce, &a->balance, &tx->sender))
		return mempool_refuse(why, MEMPOOL_ERR_STATE, false,
				      "the sender's account state cannot be read");
	a->s = mempool_sender_find(mp, &tx->sender);
	pending = a->s ? a->s->first_nonce + a->s->n : nonce;
	if (tx->nonce < nonce)
		return mempool_refuse(why, MEMPOOL_ERR_NONCE_TOO_LOW, false,
				      "nonce %llu was already used (next nonce is %llu)",
				      (unsigned long long)tx->nonce, (unsigned long long)nonce);
	if (tx->nonce > pending)
		return mempool_refuse(
			why, MEMPOOL_ERR_NONCE_TOO_HIGH, false,
			"nonce %llu would leave a gap (the next nonce after the pending transactions is %llu)",
			(unsigned long long)tx->nonce, (unsigned long long)pending);
	if (a->s != NULL && tx->nonce < a->s->first_nonce)
		/* Only a chain whose nonces went back (no revalidation yet). */
		return mempool_refuse(
			why, MEMPOOL_ERR_STATE, false,
			"the sender's pending transactions do not match the chain state");
	if (tx->nonce < pending) {
		a->replaced = a->s->txs[tx->nonce - a->s->first_nonce];
		/* fee < 2^53 and min_fee < 2^33: no overflow. */
		uint64_t need = a->replaced->tx.fee + mempool_min_fee(mp, tx);
		if (tx->fee < need)
			return mempool_refuse(
				why, MEMPOOL_ERR_REPLACEMENT_FEE, false,
				"replacing the pending transaction with nonce %llu needs a fee of at least %llu",
				(unsigned long long)tx->nonce, (unsigned long long)need);
	} else if (a->s != NULL && a->s->n >= mp->opt.sender_cap) {
		return mempool_refuse(why, MEMPOOL_ERR_SENDER_CAP, false,
				      "the sender already has %zu transactions pending (the limit)",
				      a->s->n);
	}
	return MEMPOOL_OK;
}

/* The committed balance less the fees of the sender's other pending
 * transactions (0 if they take it all). */
static uint64_t mempool_available(const struct mempool_admit *a)
{
	uint64_t left = a->balance;

	for (size_t i = 0; a->s != NULL && i < a->s->n; i++) {
		const struct mempool_entry *e = a->s->txs[i];
		if (e == a->replaced)
			continue;
		left = left > e->tx.fee ? left - e->tx.fee : 0;
	}
	return left;
}

static enum mempool_err mempool_check_sig_and_chain(struct mempool *mp, struct mempool_reject *why,
						    const struct mempool_admit *a,
						    const struct tx *tx)
{
	bool sig_ok =
		mp->chain.verify_sig ? mp->chain.verify_sig(mp->chain.ctx, tx) : tx_verify_sig(tx);

	if (!sig_ok)
		return mempool_refuse(why, MEMPOOL_ERR_BAD_SIGNATURE, true,
				      "signature is not valid");
	mempool_refuse(why, MEMPOOL_ERR_CHAIN, false, "rejected by the chain's rules");
	snprintf(why->name, sizeof(why->name), "rejected");
	if (!mp->chain.check(mp->chain.ctx, why, tx, tx->nonce, mempool_available(a))) {
		why->code = MEMPOOL_ERR_CHAIN;
		return MEMPOOL_ERR_CHAIN;
	}
	return MEMPOOL_OK;
}

static bool mempool_grow_sender(struct mempool_sender *s)
{
	size_t cap = s->cap ? s->cap * 2 : 4;
	struct mempool_entry **txs;

	if (s->n < s->cap)
		return true;
	if (cap > SIZE_MAX / sizeof(*txs))
		return false;
	txs = realloc(s->txs, cap * sizeof(*txs));
	if (txs == NULL)
		return false;
	s->txs = txs;
	s->cap = cap;
	return true;
}

/* Free what mempool_prepare made (either may be NULL). */
static void mempool_discard(struct mempool_entry *e, struct mempool_sender *fresh)
{
	if (fresh != NULL)
		free(fresh->txs);
	free(fresh);
	if (e != NULL)
		mempool_free_entry(e);
}

/* Every allocation the insertion needs: the entry (a copy of tx), room in
 * the table, heaps and sender list, and a new sender if there is none.
 * Out: *e, *fresh (a new sender, not yet in the table, or NULL). */
static bool mempool_prepare(struct mempool *mp, struct mempool_entry **e,
			    struct mempool_sender **fresh, const struct mempool_admit *a,
			    const struct tx *tx)
{
	*fresh = NULL;
	*e = calloc(1, sizeof(**e));
	if (*e == NULL)
		return false;
	if (!tx_copy(&(*e)->tx, tx))
		goto fail;
	pthread_mutex_lock(&mp->view_mu);
	bool room = mempool_tab_reserve(&mp->by_sender, 1);
	pthread_mutex_unlock(&mp->view_mu);
	if (!room || !mempool_tab_reserve(&mp->by_id, 1) ||
	    !mempool_heap_reserve(&mp->heap[MEMPOOL_HEAP_WORST], 1) ||
	    !mempool_heap_reserve(&mp->heap[MEMPOOL_HEAP_OLDEST], 1))
		goto fail;
	if (a->s == NULL) {
		*fresh = calloc(1, sizeof(**fresh));
		if (*fresh == NULL || !mempool_grow_sender(*fresh))
			goto fail;
		(*fresh)->key = tx->sender;
		(*fresh)->first_nonce = tx->nonce;
	} else if (a->replaced == NULL && !mempool_grow_sender(a->s)) {
		goto fail;
	}
	return true;
fail:
	mempool_discard(*e, *fresh);
	*fresh = NULL;
	*e = NULL;
	return false;
}

/* Put e in its place: over the replaced entry, or at the end of the run. */
static void mempool_insert(struct mempool *mp, struct mempool_entry *e,
			   struct mempool_sender *fresh, const struct mempool_admit *a)
{
	struct mempool_sender *s = fresh ? fresh : a->s;

	pthread_mutex_lock(&mp->view_mu);
	if (fresh != NULL)
		mempool_tab_insert(&mp->by_sender, fresh);
	if (a->replaced != NULL) {
		size_t i = mempool_entry_index(a->replaced);
		mempool_unlink(mp, a->replaced);
		mempool_free_entry(a->replaced);
		s->txs[i] = e;
	} else {
		assert(e->tx.nonce == s->first_nonce + s->n && s->n < s->cap);
		s->txs[s->n++] = e;
	}
	e->sender = s;
	mempool_link(mp, e);
	pthread_mutex_unlock(&mp->view_mu);
}

static void mempool_fill_info(struct mempool_added *info, const struct mempool_admit *a,
			      size_t evicted)
{
	if (info == NULL)
		return;
	memset(info, 0, sizeof(*info));
	info->replaced = a->replaced != NULL;
	if (a->replaced != NULL)
		info->replaced_txid = a->replaced->tx.txid;
	info->evicted = evicted;
}

/* Make room and insert; the checks have passed. */
static enum mempool_err mempool_admit(struct mempool *mp, struct mempool_reject *why,
				      struct mempool_added *info, const struct mempool_admit *a,
				      const struct tx *tx, int64_t time_ms)
{
	struct mempool_plan plan = { NULL, 0, 0 };
	struct mempool_sender *fresh;
	struct mempool_entry *e;
	enum mempool_err r;
	size_t before;

	if (!mempool_prepare(mp, &e, &fresh, a, tx))
		return mempool_refuse(why, MEMPOOL_ERR_NO_MEMORY, false, "out of memory");
	r = mempool_evict_plan(mp, &plan, tx, a->replaced);
	if (r != MEMPOOL_OK) {
		mempool_discard(e, fresh);
		if (r == MEMPOOL_ERR_NO_MEMORY)
			return mempool_refuse(why, r, false, "out of memory");
		return mempool_refuse(
			why, r, false,
			"the mempool is full and the fee rate is too low to evict anything");
	}
	before = mempool_count(mp);
	mempool_evict_commit(mp, &plan);
	mempool_fill_info(info, a, before - mempool_count(mp));
	e->time_ms = time_ms;
	mempool_insert(mp, e, fresh, a);
	return MEMPOOL_OK;
}

enum mempool_err mempool_add_at(struct mempool *mp, struct mempool_reject *why,
				struct mempool_added *info, const struct tx *tx, int64_t time_ms)
{
	struct mempool_admit a = { NULL, NULL, 0 };
	enum mempool_err r;

	assert(tx->sealed);
	memset(why, 0, sizeof(*why));
	if (info != NULL)
		memset(info, 0, sizeof(*info));
	r = mempool_check_tx(mp, why, tx);
	if (r == MEMPOOL_OK)
		r = mempool_check_nonce(mp, why, &a, tx);
	if (r == MEMPOOL_OK)
		r = mempool_check_sig_and_chain(mp, why, &a, tx);
	if (r == MEMPOOL_OK)
		r = mempool_admit(mp, why, info, &a, tx, time_ms);
	if (r == MEMPOOL_OK)
		memset(why, 0, sizeof(*why));
	return r;
}

enum mempool_err mempool_add(struct mempool *mp, struct mempool_reject *why,
			     struct mempool_added *info, const struct tx *tx)
{
	return mempool_add_at(mp, why, info, tx, clock_now_ms(mp->clock));
}
