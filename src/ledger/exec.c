/* Execution of a block (ledger.h): block checks, block start (unbonding
 * maturity), the basic checks and the fee and nonce of each transaction,
 * block end (reward and fees), and the state root. Writes nothing: every
 * change goes to the execution's change set. */
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"
#include "util/checked.h"

static bool exec_usable(struct ledger_exec *x, struct ledger_error *err)
{
	if (x->generation != x->l->generation)
		return ledger_fail(err, LEDGER_ERR_STALE,
				   "execution of height %" PRIu64 " is no longer on the tip",
				   x->height);
	if (x->view.failed)
		return ledger_view_error(&x->view, err);
	if (x->finished)
		return ledger_fail(err, LEDGER_ERR_FINISHED, "the execution is already finished");
	return true;
}

/* ------------------------------------------------------------ block start */

/* Unbonding maturity (doc/social.md §9): the entries with completion <= T,
 * in key order, read from the committed state (an entry made in this
 * block completes after T, so none is in the change set yet). */
static bool mature(struct ledger_exec *x)
{
	struct ledger_view *v = &x->view;
	uint8_t prefix = LEDGER_P_UNBONDING;
	struct db_iter *it = db_iter_create(x->l->db, v->snap, &prefix, 1);
	char err[DB_ERR_LEN];
	bool ok = true;

	if (it == NULL)
		abort();
	for (db_iter_seek_first(it); ok && db_iter_valid(it); db_iter_next(it)) {
		size_t klen, vlen;
		const uint8_t *key = db_iter_key(it, &klen);
		const uint8_t *val = db_iter_value(it, &vlen);
		struct ledger_unbonding u;
		struct ledger_account a;
		struct ledger_key k;

		if (klen != 1 + 8 + 32) {
			k.len = klen < LEDGER_KEY_MAX ? klen : LEDGER_KEY_MAX;
			memcpy(k.b, key, k.len);
			ok = ledger_view_corrupt(v, &k, "unbonding key");
			break;
		}
		memcpy(k.b, key, klen);
		k.len = klen;
		if (ledger_read_be64(key + 1) > x->time)
			break;
		if (!ledger_unbonding_decode(&u, val, vlen)) {
			ok = ledger_view_corrupt(v, &k, "unbonding");
			break;
		}
		ok = ledger_view_account(v, &a, &u.delegator);
		if (!ok)
			break;
		if (!checked_sub_u64(&a.unbonding, a.unbonding, u.amount) ||
		    !checked_add_u64(&a.balance, a.balance, u.amount))
			abort();
		ok = ledger_view_put_account(v, &u.delegator, &a) && ledger_view_del(v, &k);
	}
	if (ok && !db_iter_status(it, err, sizeof(err))) {
		v->failed = true;
		ok = ledger_fail(&v->err, LEDGER_ERR_IO, "database read failed: %s", err);
	}
	db_iter_destroy(it);
	return ok;
}

bool ledger_exec_begin(struct ledger *l, struct ledger_exec **out, struct ledger_error *err,
		       uint64_t time, const struct pubkey *proposer)
{
	struct ledger_exec *x;
	struct ledger_validator val;
	bool found;

	*out = NULL;
	if (time >= LEDGER_TIME_MAX)
		return ledger_fail(err, LEDGER_ERR_TIME_RANGE, "block time is out of range");
	if (time <= l->tip.time)
		return ledger_fail(err, LEDGER_ERR_BLOCK_TIME,
				   "block time %" PRIu64 " is not after the previous block's %" PRIu64,
				   time, l->tip.time);
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		abort();
	x->l = l;
	x->generation = l->generation;
	x->height = l->tip.height + 1;
	x->time = time;
	x->proposer = *proposer;
	ledger_view_init(&x->view, l, db_snapshot_create(l->db));
	if (x->view.snap == NULL)
		abort();
	l->live_execs++;

	if (!ledger_view_conskey(&x->view, &found, &x->proposer_op, proposer))
		goto fail;
	if (found && !ledger_view_validator(&x->view, &found, &val, &x->proposer_op))
		goto fail;
	if (!found) {
		ledger_fail(err, LEDGER_ERR_UNKNOWN_PROPOSER,
			    "the proposer is not a registered validator");
		ledger_exec_destroy(x);
		return false;
	}
	if (!mature(x))
		goto fail;
	*out = x;
	return true;
fail:
	ledger_view_error(&x->view, err);
	ledger_exec_destroy(x);
	return false;
}

/* ------------------------------------------------------------ transactions */

/* sig: -1 not checked yet, 0 invalid, 1 valid. */
static bool apply_tx(struct ledger_exec *x, struct ledger_receipt *rc, struct ledger_error *err,
		     const struct tx *tx, bool run_tx_check, int sig)
{
	struct ledger *l = x->l;
	struct ledger_view *v = &x->view;
	struct ledger_txctx c;
	struct ledger_account s;
	enum prim_err pe;
	uint64_t min;
	uint16_t code;

	memset(rc, 0, sizeof(*rc));
	if (!exec_usable(x, err))
		return false;
	if (!tx->sealed)
		abort(); /* a programmer error: only sealed txs have ids */
	if (run_tx_check && sig < 0) {
		/* Both at once (one parse of the sender's key); a bad signature
		 * is still reported in its place, after the chain and fee. */
		sig = ledger_check_and_verify(l, tx, &pe) ? 1 : 0;
		if (pe != PRIM_ERR_OK)
			return ledger_fail_prim(err, pe);
	} else if (run_tx_check && !tx_check(tx, &pe)) {
		return ledger_fail_prim(err, pe);
	}
	if (!chain_id_eq(&tx->chain_id, &l->chain_id))
		return ledger_fail(err, LEDGER_ERR_WRONG_CHAIN,
				   "transaction is for another chain (expected %s)", l->chain_id.s);
	min = ledger_min_fee(&l->params, tx->raw_len);
	if (tx->fee < min)
		return ledger_fail(err, LEDGER_ERR_FEE_TOO_LOW,
				   "fee is below the minimum of %" PRIu64 " base units for this size",
				   min);
	if (sig < 0)
		sig = ledger_verify_sig(l, tx) ? 1 : 0;
	if (!sig)
		return ledger_fail_prim(err, PRIM_ERR_BAD_SIGNATURE);
	if (!ledger_view_account(v, &s, &tx->sender))
		return ledger_view_error(v, err);
	if (tx->nonce < s.nonce)
		return ledger_fail(err, LEDGER_ERR_NONCE_TOO_LOW,
				   "nonce %" PRIu64 " was already used (next nonce is %" PRIu64 ")",
				   tx->nonce, s.nonce);
	if (tx->nonce > s.nonce)
		return ledger_fail(err, LEDGER_ERR_NONCE_TOO_HIGH,
				   "nonce %" PRIu64 " is ahead of the next nonce %" PRIu64, tx->nonce,
				   s.nonce);
	if (tx->fee > s.balance)
		return ledger_fail(err, LEDGER_ERR_FEE_EXCEEDS_BALANCE, "fee is more than the balance");

	/* Included: the fee and the nonce, then the action. */
	s.balance -= tx->fee;
	s.nonce += 1;
	if (!checked_add_u64(&x->fees, x->fees, tx->fee))
		abort();
	if (!ledger_view_put_account(v, &tx->sender, &s))
		return ledger_view_error(v, err);

	memset(&c, 0, sizeof(c));
	c.x = x;
	c.v = v;
	c.tx = tx;
	c.txid = *tx_id(tx);
	c.pos.height = x->height;
	c.pos.index = (uint32_t)x->nreceipts;
	if (!ledger_rules_apply(&c, &code) || !ledger_index_tx(&c, code))
		return ledger_view_error(v, err);

	rc->txid = c.txid;
	rc->height = x->height;
	rc->index = c.pos.index;
	rc->code = code;
	if (x->nreceipts == x->capreceipts) {
		x->capreceipts = x->capreceipts ? 2 * x->capreceipts : 64;
		x->receipts = realloc(x->receipts, x->capreceipts * sizeof(*x->receipts));
		if (x->receipts == NULL)
			abort();
	}
	x->receipts[x->nreceipts++] = *rc;
	return true;
}

bool ledger_exec_apply(struct ledger_exec *x, struct ledger_receipt *rc, struct ledger_error *err,
		       const struct tx *tx)
{
	if (x->nreceipts >= BLOCK_MAX_TXS) {
		memset(rc, 0, sizeof(*rc));
		return ledger_fail_prim(err, PRIM_ERR_TX_COUNT);
	}
	return apply_tx(x, rc, err, tx, true, -1);
}

const struct ledger_receipt *ledger_exec_receipts(const struct ledger_exec *x, size_t *n)
{
	*n = x->nreceipts;
	return x->receipts;
}

uint64_t ledger_exec_height(const struct ledger_exec *x)
{
	return x->height;
}

/* ------------------------------------------------------------ block end */

struct root_job {
	struct ledger_ov_entry **e;
	struct lthash *add;            /* one per worker */
	struct lthash *sub;
};

static void root_item(void *ctx, size_t i, unsigned w)
{
	struct root_job *j = ctx;
	struct ledger_ov_entry *e = j->e[i];
	struct lthash t;
	if (!ledger_prefix_is_consensus(e->key[0]))
		return;
	if (e->ohas) {
		lthash_expand(&t, e->key, e->klen, e->orig, e->olen);
		lthash_add(&j->sub[w], &t);
	}
	if (e->chas) {
		lthash_expand(&t, e->key, e->klen, e->cur, e->clen);
		lthash_add(&j->add[w], &t);
	}
}

/* The final change set of x: x->lthash = the tip's plus the change of
 * every consensus entry (remove the committed (key, value), add the new
 * one), the expansions on the pool; meanwhile the caller sorts the changes
 * by key for the commit (the sum does not depend on the order). */
static void finish_changes(struct ledger_exec *x)
{
	struct ledger *l = x->l;
	struct ledger_ov_entry **all;
	struct root_job j;
	unsigned w = ledger_pool_size(l->pool);
	size_t n;

	ledger_ov_changes(&x->view.ov, &all, &n);
	j.e = all;
	j.add = calloc(w, sizeof(*j.add));
	j.sub = calloc(w, sizeof(*j.sub));
	if (j.add == NULL || j.sub == NULL)
		abort();
	ledger_pool_start(l->pool, root_item, &j, n);
	x->changes = malloc((n ? n : 1) * sizeof(*x->changes));
	if (x->changes == NULL)
		abort();
	if (n > 0)
		memcpy(x->changes, all, n * sizeof(*all));
	x->nchanges = n;
	ledger_ov_sort(x->changes, n);
	ledger_pool_wait(l->pool);
	x->lthash = l->lthash;
	for (unsigned i = 0; i < w; i++) {
		lthash_add(&x->lthash, &j.add[i]);
		lthash_sub(&x->lthash, &j.sub[i]);
	}
	free(all);
	free(j.add);
	free(j.sub);
}

bool ledger_exec_finish(struct ledger_exec *x, struct hash256 *root, struct ledger_error *err)
{
	struct ledger_view *v = &x->view;
	struct ledger_chain chain;
	struct ledger_account op;
	uint64_t reward, credit;

	memset(root, 0, sizeof(*root));
	if (!exec_usable(x, err))
		return false;
	if (!ledger_view_chain(v, &chain) || !ledger_view_account(v, &op, &x->proposer_op))
		return ledger_view_error(v, err);
	reward = ledger_reward(&chain.params, x->height);
	if (!checked_add_u64(&credit, reward, x->fees) ||
	    !checked_add_u64(&op.balance, op.balance, credit) ||
	    !checked_add_u64(&chain.supply, chain.supply, reward))
		abort();
	if (!ledger_view_put_account(v, &x->proposer_op, &op) || !ledger_view_put_chain(v, &chain) ||
	    !ledger_index_reputation(v))
		return ledger_view_error(v, err);

	/* The change set is final: the root, and the changes sorted once for
	 * the commit. */
	finish_changes(x);
	lthash_root(x->root.b, &x->lthash);
	x->finished = true;
	*root = x->root;
	return true;
}

/* ------------------------------------------------------------ whole blocks */

/* The stateless checks of every transaction (tx_check) and its signature,
 * on the worker pool: the costly part of validating a block. The caller
 * applies transaction i as soon as its checks are done (ready[i]), while
 * the workers check the next ones. */
struct check_job {
	struct ledger *l;
	const struct tx *txs;
	enum prim_err *txerr;      /* tx_check's reason, or PRIM_ERR_OK */
	uint8_t *sig;              /* 1: valid signature */
	atomic_uchar *ready;       /* 1: txerr[i] and sig[i] are set */
};

static void check_item(void *ctx, size_t i, unsigned w)
{
	struct check_job *j = ctx;
	enum prim_err e;
	(void)w;
	j->sig[i] = 0;
	j->sig[i] = ledger_check_and_verify(j->l, &j->txs[i], &e) ? 1 : 0;
	j->txerr[i] = e;
	atomic_store_explicit(&j->ready[i], 1, memory_order_release);
}

/* Wait until the checks of tx i are done, taking other items meanwhile. */
static void check_wait(struct ledger *l, const struct check_job *j, size_t i)
{
	while (!atomic_load_explicit(&j->ready[i], memory_order_acquire))
		if (!ledger_pool_help(l->pool))
			sched_yield();
}

static bool block_header_checks(struct ledger *l, struct ledger_error *err, const struct block *b)
{
	if (!chain_id_eq(&b->header.chain_id, &l->chain_id))
		return ledger_fail(err, LEDGER_ERR_BLOCK_CHAIN_ID,
				   "block is for chain %s, not %s", b->header.chain_id.s,
				   l->chain_id.s);
	if (b->header.height != l->tip.height + 1)
		return ledger_fail(err, LEDGER_ERR_BLOCK_NOT_NEXT,
				   "block height %" PRIu64 " is not the next height %" PRIu64,
				   b->header.height, l->tip.height + 1);
	if (memcmp(b->header.prev_block.b, l->tip.block_id.b, 32) != 0)
		return ledger_fail(err, LEDGER_ERR_BLOCK_PREV, "block does not extend the tip");
	return true;
}

/* block_check (primitives/block.h) up to the transactions: the height,
 * the last commit and the roots. */
static bool block_frame(struct ledger_error *err, const struct block *b)
{
	const struct block_header *h = &b->header;
	struct hash256 tx_root, ev_root, lc_hash;

	if (h->height < 1)
		return ledger_fail_prim(err, PRIM_ERR_BLOCK_HEIGHT);
	if (b->last_commit.height != h->height - 1)
		return ledger_fail_prim(err, PRIM_ERR_LAST_COMMIT_HEIGHT);
	block_compute_roots(&tx_root, &ev_root, &lc_hash, b);
	if (memcmp(lc_hash.b, h->last_commit_hash.b, 32) != 0)
		return ledger_fail_prim(err, PRIM_ERR_LAST_COMMIT_HASH);
	if (memcmp(tx_root.b, h->tx_root.b, 32) != 0)
		return ledger_fail_prim(err, PRIM_ERR_TX_ROOT);
	if (memcmp(ev_root.b, h->evidence_root.b, 32) != 0)
		return ledger_fail_prim(err, PRIM_ERR_EVIDENCE_ROOT);
	return true;
}

/* The rest of block_check for tx i (its checks done): its chain id, then
 * tx_check's result taken from the pool job. */
static bool block_tx(struct ledger_error *err, const struct block *b, const struct check_job *j,
		     size_t i)
{
	enum prim_err e = chain_id_eq(&b->txs[i].chain_id, &b->header.chain_id)
				  ? j->txerr[i]
				  : PRIM_ERR_TX_CHAIN_ID;
	if (e == PRIM_ERR_OK)
		return true;
	ledger_fail_prim(err, e);
	if (err != NULL)
		err->tx_index = i;
	return false;
}

/* block_check's transaction checks from tx `from` on, all checks done. */
static bool block_txs(struct ledger_error *err, const struct block *b, const struct check_job *j,
		      size_t from)
{
	for (size_t i = from; i < b->ntx; i++)
		if (!block_tx(err, b, j, i))
			return false;
	return true;
}

static void name_tx(struct ledger_error *err, size_t i)
{
	char msg[LEDGER_MSG_MAX];
	if (err == NULL || err->code == LEDGER_ERR_IO || err->code == LEDGER_ERR_CORRUPT)
		return;
	snprintf(msg, sizeof(msg), "transaction %zu: %.200s", i, err->msg);
	memcpy(err->msg, msg, sizeof(msg));
	err->tx_index = i;
}

/* Begin the execution and apply every tx as its checks complete. The
 * failure reported is the one the sequential order gives: block_check's
 * (the frame, then the first tx that fails it), then the execution's. */
static bool execute_txs(struct ledger *l, struct ledger_exec **xp, struct ledger_error *err,
			const struct block *b, struct check_job *j)
{
	struct ledger_error le;
	struct ledger_receipt rc;

	if (!block_frame(err, b))
		return false;
	if (!ledger_exec_begin(l, xp, &le, b->header.time, &b->header.proposer)) {
		ledger_pool_wait(l->pool);
		if (!block_txs(err, b, j, 0))
			return false;
		if (err != NULL)
			*err = le;
		return false;
	}
	for (size_t i = 0; i < b->ntx; i++) {
		check_wait(l, j, i);
		if (!block_tx(err, b, j, i))
			return false;
		if (!apply_tx(*xp, &rc, &le, &b->txs[i], false, j->sig[i])) {
			ledger_pool_wait(l->pool);
			if (!block_txs(err, b, j, i + 1))
				return false;
			name_tx(&le, i);
			if (err != NULL)
				*err = le;
			return false;
		}
	}
	return true;
}

bool ledger_execute_block(struct ledger *l, struct ledger_exec **out, struct ledger_error *err,
			  const struct block *b)
{
	struct ledger_exec *x = NULL;
	struct hash256 root;
	struct check_job j;
	size_t n = b->ntx ? b->ntx : 1;
	bool ok;

	*out = NULL;
	if (!block_header_checks(l, err, b))
		return false;
	j.l = l;
	j.txs = b->txs;
	j.sig = malloc(n);
	j.txerr = malloc(n * sizeof(*j.txerr));
	j.ready = malloc(n * sizeof(*j.ready));
	if (j.sig == NULL || j.txerr == NULL || j.ready == NULL)
		abort();
	for (size_t i = 0; i < b->ntx; i++)
		atomic_init(&j.ready[i], 0);
	ledger_pool_start(l->pool, check_item, &j, b->ntx);
	ok = execute_txs(l, &x, err, b, &j);
	ledger_pool_wait(l->pool);
	free(j.sig);
	free(j.txerr);
	free(j.ready);
	ok = ok && ledger_exec_finish(x, &root, err);
	if (ok && memcmp(root.b, b->header.state_root.b, 32) != 0)
		ok = ledger_fail(err, LEDGER_ERR_STATE_ROOT,
				 "the header's state root is not the state after the block");
	if (!ok) {
		ledger_exec_destroy(x);
		return false;
	}
	*out = x;
	return true;
}

void ledger_exec_destroy(struct ledger_exec *x)
{
	if (x == NULL)
		return;
	if (x->view.snap != NULL)
		db_snapshot_destroy(x->view.snap);
	ledger_view_release(&x->view);
	free(x->receipts);
	free(x->changes);
	x->l->live_execs--;
	free(x);
}

/* ------------------------------------------------------------ mempool */

void ledger_sigcache_stats(struct ledger *l, uint64_t *hits, uint64_t *misses)
{
	ledger_sigcache_counts(l->sigcache, hits, misses);
}

void ledger_sigcache_trust(struct ledger *l, const struct tx *tx)
{
	if (!tx->sealed)
		abort(); /* a programmer error: the entry hashes the sighash */
	ledger_sigcache_add(l->sigcache, tx);
}

bool ledger_check_and_verify(struct ledger *l, const struct tx *tx, enum prim_err *e)
{
	uint8_t entry[32];
	size_t slot;
	struct pubkey_parsed sender;

	*e = PRIM_ERR_OK;
	/* A cached transaction passed tx_check and its signature before. */
	if (ledger_sigcache_lookup(l->sigcache, entry, &slot, tx))
		return true;
	/* The payload first, so that the error is tx_check's, in tx_check's
	 * order; then the sender's key, parsed once (or taken parsed from the
	 * key cache) and used by the verification. */
	if (!tx_check_payload_with(tx, e, ledger_keycache_judge, l->keycache)) {
		if (!ledger_keycache_valid(l->keycache, &tx->sender))
			*e = PRIM_ERR_SENDER_KEY;
		return false;
	}
	if (!ledger_keycache_parse(l->keycache, &tx->sender, &sender)) {
		*e = PRIM_ERR_SENDER_KEY;
		return false;
	}
	if (!tx_verify_sig_parsed(tx, &sender))
		return false;
	/* An entry also vouches for tx_check (a function of the signed bytes),
	 * so a block validation skips both for a transaction seen before. */
	ledger_sigcache_store(l->sigcache, entry, slot);
	return true;
}

bool ledger_verify_sig(struct ledger *l, const struct tx *tx)
{
	enum prim_err e;
	if (ledger_check_and_verify(l, tx, &e))
		return true;
	/* A tx that fails tx_check may still carry a valid signature; it is
	 * not cached. */
	return e != PRIM_ERR_OK && e != PRIM_ERR_SENDER_KEY && tx_verify_sig(tx);
}

bool ledger_check_tx(struct ledger *l, struct ledger_error *err, const struct tx *tx,
		     uint64_t expected_nonce, uint64_t available_balance)
{
	enum prim_err pe;
	uint64_t min;
	bool sig;

	if (!tx->sealed)
		abort();
	/* Both at once (one parse of the sender's key, none for a transaction
	 * the cache has seen); a bad signature is reported after the chain and
	 * fee checks, as doc/social.md orders them. */
	sig = ledger_check_and_verify(l, tx, &pe);
	if (pe != PRIM_ERR_OK)
		return ledger_fail_prim(err, pe);
	if (!chain_id_eq(&tx->chain_id, &l->chain_id))
		return ledger_fail(err, LEDGER_ERR_WRONG_CHAIN,
				   "transaction is for another chain (expected %s)", l->chain_id.s);
	min = ledger_min_fee(&l->params, tx->raw_len);
	if (tx->fee < min)
		return ledger_fail(err, LEDGER_ERR_FEE_TOO_LOW,
				   "fee is below the minimum of %" PRIu64 " base units for this size",
				   min);
	if (!sig)
		return ledger_fail_prim(err, PRIM_ERR_BAD_SIGNATURE);
	if (tx->nonce < expected_nonce)
		return ledger_fail(err, LEDGER_ERR_NONCE_TOO_LOW,
				   "nonce %" PRIu64 " was already used (next nonce is %" PRIu64 ")",
				   tx->nonce, expected_nonce);
	if (tx->nonce > expected_nonce)
		return ledger_fail(err, LEDGER_ERR_NONCE_TOO_HIGH,
				   "nonce %" PRIu64 " is ahead of the next nonce %" PRIu64, tx->nonce,
				   expected_nonce);
	if (tx->fee > available_balance)
		return ledger_fail(err, LEDGER_ERR_FEE_EXCEEDS_BALANCE, "fee is more than the balance");
	if (err != NULL)
		ledger_error_clear(err);
	return true;
}

bool ledger_account_at_tip(struct ledger *l, uint64_t *nonce, uint64_t *balance,
			   struct ledger_error *err, const struct pubkey *who)
{
	struct ledger_view v;
	struct ledger_account a;
	bool ok;

	*nonce = *balance = 0;
	ledger_view_init(&v, l, NULL);
	ok = ledger_view_account(&v, &a, who);
	if (ok) {
		*nonce = a.nonce;
		*balance = a.balance;
	} else {
		ledger_view_error(&v, err);
	}
	ledger_view_release(&v);
	return ok;
}
