/* Opening the ledger (genesis or an existing chain), committing an
 * execution as one synced batch, and the metadata records (ledger.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/random.h"
#include "ledger/ledger_internal.h"

#define LEDGER_LAYOUT_VERSION 1

/* ------------------------------------------------------------ meta */

struct genesis_meta {
	struct chain_id chain_id;
	struct hash256 hash;
	uint64_t time;
};

static bool gmeta_encode(struct buf *out, const struct genesis_meta *m)
{
	buf_put_bytes(out, m->chain_id.s, m->chain_id.len);
	buf_put(out, m->hash.b, 32);
	buf_put_varint(out, m->time);
	return buf_ok(out);
}

static bool gmeta_decode(struct genesis_meta *m, const uint8_t *data, size_t len)
{
	struct reader r;
	const uint8_t *id;
	size_t idlen = 0;
	reader_init(&r, data, len);
	reader_get_bytes(&r, &id, &idlen, CHAIN_ID_MAX_LEN);
	reader_get(&r, m->hash.b, 32);
	reader_get_varint(&r, &m->time);
	return reader_done(&r) && chain_id_set(&m->chain_id, id, idlen);
}

/* Read one key of the committed state. Out: val (reset), *found. */
static bool get_raw(struct ledger *l, struct ledger_error *err, struct buf *val, bool *found,
		    const struct ledger_key *k)
{
	char e[DB_ERR_LEN];
	if (!db_get(l->db, NULL, val, found, e, sizeof(e), k->b, k->len))
		return ledger_fail(err, LEDGER_ERR_IO, "database read failed: %s", e);
	return true;
}

/* ------------------------------------------------------------ genesis */

/* The genesis state: the chain record, accounts with their balances and
 * the validators' self-bonds, validator and consensus-key records, bonds,
 * and the stakers index. */
static bool genesis_state(struct ledger_view *v, const struct ledger_genesis *g)
{
	struct ledger_chain chain;
	chain.params = g->params;
	chain.supply = g->total;
	if (!ledger_view_put_chain(v, &chain))
		return false;
	for (size_t i = 0; i < g->nbalances; i++) {
		struct ledger_account a;
		if (!ledger_view_account(v, &a, &g->balances[i].key))
			return false;
		a.balance += g->balances[i].amount;
		if (!ledger_view_put_account(v, &g->balances[i].key, &a))
			return false;
	}
	for (size_t i = 0; i < g->nvalidators; i++) {
		const struct ledger_genesis_validator *gv = &g->validators[i];
		struct ledger_validator val;
		struct ledger_account a;
		struct ledger_key k;
		uint8_t amt[10];
		struct buf b = BUF_INIT;

		memset(&val, 0, sizeof(val));
		val.consensus_key = gv->consensus_key;
		val.moniker_len = gv->moniker_len;
		memcpy(val.moniker, gv->moniker, gv->moniker_len);
		val.commission = gv->commission;
		val.self_stake = val.total_bonded = gv->stake;
		if (!ledger_view_put_validator(v, &gv->operator_key, &val))
			return false;
		ledger_key_pk(&k, LEDGER_P_CONSKEY, &gv->consensus_key);
		if (!ledger_view_put(v, &k, gv->operator_key.b, PUBKEY_LEN))
			return false;
		if (!ledger_view_put_bond(v, &gv->operator_key, &gv->operator_key, gv->stake))
			return false;
		if (!ledger_view_account(v, &a, &gv->operator_key))
			return false;
		a.staked += gv->stake;
		if (!ledger_view_put_account(v, &gv->operator_key, &a))
			return false;
		if (!ledger_put_svarint(&b, (int64_t)gv->stake))
			abort();
		memcpy(amt, b.data, b.len);
		ledger_key_pair(&k, LEDGER_P_IX_STAKER, gv->operator_key.b, gv->operator_key.b);
		ledger_view_put_blind(v, &k, true, amt, b.len);
		buf_release(&b);
	}
	return true;
}

static void batch_meta(struct db_batch *b, struct ledger *l, struct buf *tmp)
{
	struct ledger_key k;
	uint8_t lt[LTHASH_BYTES];

	buf_reset(tmp);
	if (!ledger_tip_encode(tmp, &l->tip))
		abort();
	ledger_key_meta(&k, LEDGER_META_TIP);
	db_batch_put(b, k.b, k.len, tmp->data, tmp->len);
	lthash_serialize(lt, &l->lthash);
	ledger_key_meta(&k, LEDGER_META_LTHASH);
	db_batch_put(b, k.b, k.len, lt, sizeof(lt));
}

static void batch_changes(struct db_batch *b, struct ledger_ov_entry **e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (e[i]->chas)
			db_batch_put(b, e[i]->key, e[i]->klen, e[i]->cur, e[i]->clen);
		else
			db_batch_del(b, e[i]->key, e[i]->klen);
	}
}

static bool write_genesis(struct ledger *l, struct ledger_error *err,
			  const struct ledger_genesis *g)
{
	struct ledger_view v;
	struct ledger_ov_entry **ch;
	struct db_batch *b = db_batch_create();
	struct genesis_meta gm;
	struct ledger_key k;
	uint8_t ver = LEDGER_LAYOUT_VERSION;
	char e[DB_ERR_LEN];
	size_t n;
	bool ok;

	if (b == NULL)
		abort();
	ledger_view_init(&v, l, NULL);
	if (!genesis_state(&v, g)) {
		ledger_view_error(&v, err);
		ledger_view_release(&v);
		db_batch_destroy(b);
		return false;
	}
	ledger_ov_sorted_changes(&v.ov, &ch, &n);
	batch_changes(b, ch, n);
	lthash_init(&l->lthash);
	for (size_t i = 0; i < n; i++)
		if (ledger_prefix_is_consensus(ch[i]->key[0]) && ch[i]->chas)
			lthash_insert(&l->lthash, ch[i]->key, ch[i]->klen, ch[i]->cur, ch[i]->clen);
	free(ch);

	l->tip.height = 0;
	l->tip.block_id = g->hash;
	l->tip.time = g->time;
	lthash_root(l->tip.state_root.b, &l->lthash);
	gm.chain_id = g->chain_id;
	gm.hash = g->hash;
	gm.time = g->time;
	buf_reset(&v.tmp);
	if (!gmeta_encode(&v.tmp, &gm))
		abort();
	ledger_key_meta(&k, LEDGER_META_GENESIS);
	db_batch_put(b, k.b, k.len, v.tmp.data, v.tmp.len);
	ledger_key_meta(&k, LEDGER_META_VERSION);
	db_batch_put(b, k.b, k.len, &ver, 1);
	batch_meta(b, l, &v.tmp);
	ok = db_write(l->db, e, sizeof(e), b, true);
	if (!ok)
		ledger_fail(err, LEDGER_ERR_IO, "cannot write the genesis state: %s", e);
	db_batch_destroy(b);
	ledger_view_release(&v);
	return ok;
}

/* ------------------------------------------------------------ open */

static bool load_chain(struct ledger *l, struct ledger_error *err, struct buf *val)
{
	struct ledger_key k;
	struct ledger_chain chain;
	struct genesis_meta gm;
	uint8_t root[32];
	bool found;

	ledger_key_meta(&k, LEDGER_META_GENESIS);
	if (!get_raw(l, err, val, &found, &k))
		return false;
	if (!found || !gmeta_decode(&gm, val->data, val->len))
		return ledger_fail(err, LEDGER_ERR_CORRUPT, "malformed genesis record");
	l->chain_id = gm.chain_id;
	l->genesis_hash = gm.hash;

	ledger_key_meta(&k, LEDGER_META_TIP);
	if (!get_raw(l, err, val, &found, &k))
		return false;
	if (!found || !ledger_tip_decode(&l->tip, val->data, val->len))
		return ledger_fail(err, LEDGER_ERR_CORRUPT, "missing or malformed tip record");
	ledger_key_meta(&k, LEDGER_META_LTHASH);
	if (!get_raw(l, err, val, &found, &k))
		return false;
	if (!found || val->len != LTHASH_BYTES)
		return ledger_fail(err, LEDGER_ERR_CORRUPT, "missing or malformed state hash");
	lthash_deserialize(&l->lthash, val->data);
	lthash_root(root, &l->lthash);
	if (memcmp(root, l->tip.state_root.b, 32) != 0)
		return ledger_fail(err, LEDGER_ERR_CORRUPT,
				   "the stored state hash does not match the tip's state root");
	ledger_key_chain(&k);
	if (!get_raw(l, err, val, &found, &k))
		return false;
	if (!found || !ledger_chain_decode(&chain, val->data, val->len))
		return ledger_fail(err, LEDGER_ERR_CORRUPT, "missing or malformed chain record");
	l->params = chain.params;
	return true;
}

struct ledger *ledger_open_internal(struct ledger_error *err, struct db *db,
				    const struct ledger_genesis *genesis,
				    const struct ledger_options *opt, bool allow_reindex)
{
	struct ledger *l = calloc(1, sizeof(*l));
	struct buf val = BUF_INIT;
	struct ledger_key k;
	bool found, ok = false;

	if (l == NULL)
		abort();
	if (err != NULL)
		ledger_error_clear(err);
	l->db = db;
	if (opt != NULL)
		l->opt = *opt;
	else
		ledger_options_init(&l->opt);
	if (!random_bytes(&l->seed, sizeof(l->seed)))
		l->seed = UINT64_C(0x243f6a8885a308d3);
	if (l->opt.cache_bytes > 0)
		l->cache = ledger_cache_create(l->opt.cache_bytes, l->seed);
	l->sigcache = ledger_sigcache_create(l->opt.sigcache_entries);
	/* Off with the signature cache: both are "checked before" memories. */
	if (l->sigcache != NULL)
		l->keycache = ledger_keycache_create(LEDGER_KEYCACHE_ENTRIES, l->seed);
	l->pool = ledger_pool_create(l->opt.threads);
	if (l->pool == NULL) {
		ledger_fail(err, LEDGER_ERR_IO, "cannot start the worker threads");
		goto out;
	}

	ledger_key_meta(&k, LEDGER_META_REINDEX);
	if (!get_raw(l, err, &val, &found, &k))
		goto out;
	if (found && !allow_reindex) {
		ledger_fail(err, LEDGER_ERR_REINDEX,
			    "an interrupted rebuild left the database incomplete: rebuild again (-reindex)");
		goto out;
	}
	ledger_key_meta(&k, LEDGER_META_GENESIS);
	if (!get_raw(l, err, &val, &found, &k))
		goto out;
	if (!found) {
		if (genesis == NULL) {
			ledger_fail(err, LEDGER_ERR_GENESIS, "the database holds no chain and no genesis was given");
			goto out;
		}
		if (!write_genesis(l, err, genesis))
			goto out;
		/* The genesis reads cached "absent" for what it then wrote. */
		if (l->cache != NULL)
			ledger_cache_clear(l->cache);
	}
	if (!load_chain(l, err, &val))
		goto out;
	if (genesis != NULL && memcmp(genesis->hash.b, l->genesis_hash.b, 32) != 0) {
		ledger_fail(err, LEDGER_ERR_GENESIS_MISMATCH,
			    "the database holds chain %s, not the genesis given (%s)", l->chain_id.s,
			    genesis->chain_id.s);
		goto out;
	}
	atomic_store(&l->shared_height, l->tip.height);
	ok = true;
out:
	buf_release(&val);
	if (!ok) {
		ledger_close(l);
		return NULL;
	}
	return l;
}

struct ledger *ledger_open(struct ledger_error *err, struct db *db,
			   const struct ledger_genesis *genesis, const struct ledger_options *opt)
{
	return ledger_open_internal(err, db, genesis, opt, false);
}

void ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	if (l->live_execs != 0)
		abort(); /* every execution must be destroyed first */
	ledger_pool_destroy(l->pool);
	ledger_sigcache_destroy(l->sigcache);
	ledger_keycache_destroy(l->keycache);
	ledger_cache_destroy(l->cache);
	free(l);
}

void ledger_options_init(struct ledger_options *o)
{
	o->cache_bytes = LEDGER_DEFAULT_CACHE_BYTES;
	o->threads = 0;
	o->sigcache_entries = LEDGER_DEFAULT_SIGCACHE_ENTRIES;
}

void ledger_get_tip(const struct ledger *l, struct ledger_tip *out)
{
	*out = l->tip;
}

uint64_t ledger_tip_height_shared(struct ledger *l)
{
	return atomic_load(&l->shared_height);
}

const struct chain_id *ledger_chain_id(const struct ledger *l)
{
	return &l->chain_id;
}

const struct hash256 *ledger_genesis_hash(const struct ledger *l)
{
	return &l->genesis_hash;
}

const struct ledger_params *ledger_params(const struct ledger *l)
{
	return &l->params;
}

struct db *ledger_db(const struct ledger *l)
{
	return l->db;
}

/* ------------------------------------------------------------ commit */

static bool block_matches(struct ledger_exec *x, struct ledger_error *err, const struct block *b)
{
	struct ledger *l = x->l;
	const struct block_header *h = &b->header;

	if (h->height != x->height || h->time != x->time ||
	    memcmp(h->proposer.b, x->proposer.b, PUBKEY_LEN) != 0 ||
	    memcmp(h->prev_block.b, l->tip.block_id.b, 32) != 0 ||
	    !chain_id_eq(&h->chain_id, &l->chain_id) || b->ntx != x->nreceipts)
		return ledger_fail(err, LEDGER_ERR_BLOCK_MISMATCH,
				   "the block is not the one executed (height, time, proposer, parent or transactions differ)");
	for (size_t i = 0; i < b->ntx; i++)
		if (memcmp(tx_id(&b->txs[i])->b, x->receipts[i].txid.b, 32) != 0)
			return ledger_fail(err, LEDGER_ERR_BLOCK_MISMATCH,
					   "transaction %zu of the block is not the one executed", i);
	if (memcmp(h->state_root.b, x->root.b, 32) != 0)
		return ledger_fail(err, LEDGER_ERR_STATE_ROOT,
				   "the header's state root is not the state after the block");
	return true;
}

/* The block store entries: the block, its id, and its commit. */
static void batch_block(struct db_batch *batch, struct buf *tmp, const struct block *b,
			const struct commit *c)
{
	struct ledger_key k;
	struct hash256 id;
	uint8_t hb[8];

	buf_reset(tmp);
	if (!block_encode(tmp, b))
		abort();
	ledger_key_height(&k, LEDGER_P_BLOCK, b->header.height);
	db_batch_put(batch, k.b, k.len, tmp->data, tmp->len);
	block_header_id(&id, &b->header);
	ledger_key_hash(&k, LEDGER_P_BLOCK_ID, &id);
	ledger_be64(hb, b->header.height);
	db_batch_put(batch, k.b, k.len, hb, sizeof(hb));
	if (c != NULL) {
		buf_reset(tmp);
		if (!commit_encode(tmp, c))
			abort();
		ledger_key_height(&k, LEDGER_P_COMMIT, b->header.height);
		db_batch_put(batch, k.b, k.len, tmp->data, tmp->len);
	}
}

/* Beside the caller's building, writing and syncing of the batch, the
 * pool runs item 0, the hot-state cache taking the committed values (both
 * only read the entries, and nothing else uses the cache meanwhile; a
 * failed write clears it), and items 1..n, the transactions of
 * ledger_commit_prefetch checked into the signature cache. Once the write
 * is done the prefetch items no worker has started are dropped: checking
 * them now would only keep the caller from the next block, whose
 * execution overlaps its own checks with its application anyway. */
struct commit_job {
	struct ledger *l;
	struct ledger_ov_entry **ch;
	size_t n;
	const struct tx *prefetch;
};

static void commit_item(void *ctx, size_t i, unsigned w)
{
	struct commit_job *j = ctx;
	enum prim_err e;
	(void)w;
	if (i > 0) {
		(void)ledger_check_and_verify(j->l, &j->prefetch[i - 1], &e);
		return;
	}
	if (j->l->cache == NULL)
		return;
	/* An entry's hash is the cache's too (both under l->seed). */
	for (size_t k = 0; k < j->n; k++)
		ledger_cache_put_h(j->l->cache, j->ch[k]->key, j->ch[k]->klen, j->ch[k]->hash,
				   j->ch[k]->chas, j->ch[k]->cur, j->ch[k]->clen);
}

void ledger_commit_prefetch(struct ledger *l, const struct tx *txs, size_t n, bool complete)
{
	for (size_t i = 0; i < n; i++)
		if (!txs[i].sealed)
			abort(); /* a programmer error: the cache hashes the sighash */
	l->prefetch = l->sigcache != NULL ? txs : NULL;
	l->nprefetch = l->sigcache != NULL ? n : 0;
	l->prefetch_complete = complete;
}

bool ledger_commit(struct ledger *l, struct ledger_error *err, struct ledger_exec *x,
		   const struct block *b, const struct commit *c)
{
	struct ledger_ov_entry **ch;
	struct db_batch *batch;
	struct ledger_tip old_tip = l->tip;
	struct lthash old_lthash = l->lthash;
	struct buf tmp = BUF_INIT;
	struct commit_job cj;
	char e[DB_ERR_LEN];
	size_t n, nprefetch = l->nprefetch;
	bool ok, job, complete = l->prefetch_complete;

	/* The hint is for this call only, whatever its outcome. */
	l->nprefetch = 0;
	l->prefetch_complete = false;
	if (x->l != l)
		abort();
	if (x->generation != l->generation)
		return ledger_fail(err, LEDGER_ERR_STALE, "the execution is no longer on the tip");
	if (x->view.failed)
		return ledger_view_error(&x->view, err);
	if (!x->finished)
		return ledger_fail(err, LEDGER_ERR_BLOCK_MISMATCH, "the execution is not finished");
	if (!block_matches(x, err, b))
		return false;

	batch = db_batch_create();
	if (batch == NULL)
		abort();
	ch = x->changes;
	n = x->nchanges;
	cj.l = l;
	cj.ch = ch;
	cj.n = n;
	cj.prefetch = l->prefetch;
	job = l->cache != NULL || nprefetch > 0;
	if (job)
		ledger_pool_start(l->pool, commit_item, &cj, 1 + nprefetch);
	batch_changes(batch, ch, n);
	batch_block(batch, &tmp, b, c);
	block_header_id(&l->tip.block_id, &b->header);
	l->tip.height = x->height;
	l->tip.time = x->time;
	l->tip.state_root = x->root;
	l->lthash = x->lthash;
	batch_meta(batch, l, &tmp);
	ok = db_write(l->db, e, sizeof(e), batch, true);
	if (job && complete)
		ledger_pool_wait(l->pool);
	else if (job && ledger_pool_cancel(l->pool) == 0)
		commit_item(&cj, 0, 0); /* no worker got to the cache item */
	/* The hot-state cache may hold values that were never committed. */
	if (!ok && l->cache != NULL)
		ledger_cache_clear(l->cache);
	if (!ok) {
		l->tip = old_tip;
		l->lthash = old_lthash;
		db_batch_destroy(batch);
		buf_release(&tmp);
		return ledger_fail(err, LEDGER_ERR_IO, "cannot commit block %" PRIu64 ": %s",
				   x->height, e);
	}
	l->generation++;
	atomic_store(&l->shared_height, l->tip.height);
	db_batch_destroy(batch);
	buf_release(&tmp);
	return true;
}

/* ------------------------------------------------------------ checks */

bool ledger_state_hash_scratch(struct lthash *h, struct ledger_error *err, struct db *db,
			       const struct db_snapshot *snap)
{
	struct db_iter *it = db_iter_create(db, snap, NULL, 0);
	char e[DB_ERR_LEN];
	bool ok;

	if (it == NULL)
		abort();
	lthash_init(h);
	for (db_iter_seek_first(it); db_iter_valid(it); db_iter_next(it)) {
		size_t klen, vlen;
		const uint8_t *key = db_iter_key(it, &klen);
		const uint8_t *val;
		if (klen == 0 || key[0] >= LEDGER_PREFIX_CONSENSUS_END)
			break;
		if (!ledger_prefix_is_consensus(key[0]))
			continue;
		val = db_iter_value(it, &vlen);
		lthash_insert(h, key, klen, val, vlen);
	}
	ok = db_iter_status(it, e, sizeof(e));
	db_iter_destroy(it);
	if (!ok)
		return ledger_fail(err, LEDGER_ERR_IO, "database read failed: %s", e);
	return true;
}
