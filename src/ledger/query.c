/* Queries of the committed state and the indexes through one snapshot
 * (query.h). */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"
#include "ledger/query.h"

struct ledger_query {
	struct db *db;
	struct db_snapshot *snap;
	struct buf tmp;
};

/* The tip this thread read last, with the state it was read from (a
 * database and its write generation, db_snapshot_generation): a query of
 * the same state answers it without a read. Each RPC thread asks for the
 * tip on nearly every request, and the state changes once a block. Per
 * thread, so that no thread waits for another. */
static _Thread_local struct {
	bool valid;
	uint64_t db_id, gen;
	struct ledger_tip tip;
} ledger_q_tip_kept;

struct ledger_query *ledger_query_create(struct db *db)
{
	struct ledger_query *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return NULL;
	q->db = db;
	q->snap = db_snapshot_create(db);
	if (q->snap == NULL) {
		free(q);
		return NULL;
	}
	buf_init(&q->tmp);
	return q;
}

void ledger_query_destroy(struct ledger_query *q)
{
	if (q == NULL)
		return;
	db_snapshot_destroy(q->snap);
	buf_release(&q->tmp);
	free(q);
}

/* Read key k into val. Out: *found. */
static bool qget(struct ledger_query *q, struct buf *val, bool *found, struct ledger_error *err,
		 const struct ledger_key *k)
{
	char e[DB_ERR_LEN];
	if (!db_get(q->db, q->snap, val, found, e, sizeof(e), k->b, k->len))
		return ledger_fail(err, LEDGER_ERR_IO, "database read failed: %s", e);
	return true;
}

static bool corrupt(struct ledger_error *err, const char *what)
{
	return ledger_fail(err, LEDGER_ERR_CORRUPT, "malformed %s record", what);
}

/* ------------------------------------------------------------ records */

bool ledger_q_tip(struct ledger_query *q, struct ledger_tip *tip, struct chain_id *chain_id,
		  struct hash256 *genesis, struct ledger_error *err)
{
	struct ledger_key k;
	struct ledger_tip t;
	struct reader r;
	const uint8_t *id;
	size_t idlen = 0;
	struct hash256 gh;
	bool found;

	uint64_t dbid = db_id(q->db), gen = db_snapshot_generation(q->snap);
	if (gen != DB_GEN_UNKNOWN && ledger_q_tip_kept.valid && ledger_q_tip_kept.db_id == dbid &&
	    ledger_q_tip_kept.gen == gen) {
		t = ledger_q_tip_kept.tip;
	} else {
		ledger_key_meta(&k, LEDGER_META_TIP);
		if (!qget(q, &q->tmp, &found, err, &k))
			return false;
		if (!found || !ledger_tip_decode(&t, q->tmp.data, q->tmp.len))
			return corrupt(err, "tip");
		if (gen != DB_GEN_UNKNOWN) {
			ledger_q_tip_kept.valid = true;
			ledger_q_tip_kept.db_id = dbid;
			ledger_q_tip_kept.gen = gen;
			ledger_q_tip_kept.tip = t;
		}
	}
	if (tip != NULL)
		*tip = t;
	if (chain_id == NULL && genesis == NULL)
		return true; /* the tip alone: one read */
	ledger_key_meta(&k, LEDGER_META_GENESIS);
	if (!qget(q, &q->tmp, &found, err, &k))
		return false;
	reader_init(&r, q->tmp.data, q->tmp.len);
	reader_get_bytes(&r, &id, &idlen, CHAIN_ID_MAX_LEN);
	reader_get(&r, gh.b, 32);
	if (!found || !reader_ok(&r))
		return corrupt(err, "genesis");
	if (chain_id != NULL && !chain_id_set(chain_id, id, idlen))
		return corrupt(err, "genesis");
	if (genesis != NULL)
		*genesis = gh;
	return true;
}

bool ledger_q_chain(struct ledger_query *q, struct ledger_chain *c, struct ledger_error *err)
{
	struct ledger_key k;
	bool found;
	ledger_key_chain(&k);
	if (!qget(q, &q->tmp, &found, err, &k))
		return false;
	if (!found || !ledger_chain_decode(c, q->tmp.data, q->tmp.len))
		return corrupt(err, "chain");
	return true;
}

bool ledger_q_account(struct ledger_query *q, struct ledger_account *a, struct ledger_error *err,
		      const struct pubkey *who)
{
	struct ledger_key k;
	bool found;
	ledger_account_default(a);
	ledger_key_pk(&k, LEDGER_P_ACCOUNT, who);
	if (!qget(q, &q->tmp, &found, err, &k))
		return false;
	if (found && !ledger_account_decode(a, q->tmp.data, q->tmp.len))
		return corrupt(err, "account");
	return true;
}

bool ledger_q_profile(struct ledger_query *q, struct ledger_profile *p, struct ledger_error *err,
		      const struct pubkey *who)
{
	struct ledger_key k;
	bool found;
	ledger_profile_default(p);
	ledger_key_pk(&k, LEDGER_P_PROFILE, who);
	if (!qget(q, &q->tmp, &found, err, &k))
		return false;
	if (found && !ledger_profile_decode(p, q->tmp.data, q->tmp.len))
		return corrupt(err, "profile");
	return true;
}

bool ledger_q_handle(struct ledger_query *q, bool *found, struct pubkey *owner,
		     struct ledger_error *err, const uint8_t *handle, size_t len)
{
	struct ledger_key k;
	*found = false;
	memset(owner, 0, sizeof(*owner));
	if (len > TX_HANDLE_MAX)
		return true;
	ledger_key_handle(&k, handle, len);
	if (!qget(q, &q->tmp, found, err, &k))
		return false;
	if (*found) {
		if (q->tmp.len != PUBKEY_LEN)
			return corrupt(err, "handle");
		memcpy(owner->b, q->tmp.data, PUBKEY_LEN);
	}
	return true;
}

bool ledger_q_post(struct ledger_query *q, bool *found, struct ledger_post *p,
		   struct ledger_stats *s, struct buf *store, struct ledger_error *err,
		   const struct hash256 *id)
{
	struct ledger_key k;
	bool sfound;
	memset(p, 0, sizeof(*p));
	memset(s, 0, sizeof(*s));
	ledger_key_hash(&k, LEDGER_P_POST, id);
	if (!qget(q, store, found, err, &k))
		return false;
	if (!*found)
		return true;
	if (!ledger_post_decode(p, store->data, store->len))
		return corrupt(err, "post");
	ledger_key_hash(&k, LEDGER_P_STATS, id);
	if (!qget(q, &q->tmp, &sfound, err, &k))
		return false;
	if (!sfound || !ledger_stats_decode(s, q->tmp.data, q->tmp.len))
		return corrupt(err, "post stats");
	return true;
}

bool ledger_q_vote(struct ledger_query *q, bool *found, struct ledger_vote *v,
		   struct ledger_error *err, const struct pubkey *voter, const struct hash256 *post)
{
	struct ledger_key k;
	memset(v, 0, sizeof(*v));
	ledger_key_pair(&k, LEDGER_P_VOTE, voter->b, post->b);
	if (!qget(q, &q->tmp, found, err, &k))
		return false;
	if (*found && !ledger_vote_decode(v, q->tmp.data, q->tmp.len))
		return corrupt(err, "vote");
	return true;
}

bool ledger_q_endorsement(struct ledger_query *q, bool *found, struct ledger_endorsement *e,
			  struct ledger_error *err, const struct pubkey *endorser,
			  const struct pubkey *subject)
{
	struct ledger_key k;
	memset(e, 0, sizeof(*e));
	ledger_key_pair(&k, LEDGER_P_ENDORSE, endorser->b, subject->b);
	if (!qget(q, &q->tmp, found, err, &k))
		return false;
	if (*found && !ledger_endorsement_decode(e, q->tmp.data, q->tmp.len))
		return corrupt(err, "endorsement");
	return true;
}

bool ledger_q_follows(struct ledger_query *q, bool *found, struct ledger_error *err,
		      const struct pubkey *follower, const struct pubkey *target)
{
	struct ledger_key k;
	ledger_key_pair(&k, LEDGER_P_FOLLOW, follower->b, target->b);
	return qget(q, &q->tmp, found, err, &k);
}

bool ledger_q_validator(struct ledger_query *q, bool *found, struct ledger_validator *v,
			struct ledger_error *err, const struct pubkey *op)
{
	struct ledger_key k;
	memset(v, 0, sizeof(*v));
	ledger_key_pk(&k, LEDGER_P_VALIDATOR, op);
	if (!qget(q, &q->tmp, found, err, &k))
		return false;
	if (*found && !ledger_validator_decode(v, q->tmp.data, q->tmp.len))
		return corrupt(err, "validator");
	return true;
}

bool ledger_q_conskey(struct ledger_query *q, bool *found, struct pubkey *op,
		      struct ledger_error *err, const struct pubkey *ckey)
{
	struct ledger_key k;
	memset(op, 0, sizeof(*op));
	ledger_key_pk(&k, LEDGER_P_CONSKEY, ckey);
	if (!qget(q, &q->tmp, found, err, &k))
		return false;
	if (*found) {
		if (q->tmp.len != PUBKEY_LEN)
			return corrupt(err, "consensus key");
		memcpy(op->b, q->tmp.data, PUBKEY_LEN);
	}
	return true;
}

bool ledger_q_bond(struct ledger_query *q, uint64_t *amount, struct ledger_error *err,
		   const struct pubkey *delegator, const struct pubkey *validator)
{
	struct ledger_key k;
	bool found;
	*amount = 0;
	ledger_key_pair(&k, LEDGER_P_BOND, delegator->b, validator->b);
	if (!qget(q, &q->tmp, &found, err, &k))
		return false;
	if (found && !ledger_amount_decode(amount, q->tmp.data, q->tmp.len))
		return corrupt(err, "bond");
	return true;
}

bool ledger_q_tx(struct ledger_query *q, bool *found, struct ledger_receipt *rc, struct buf *raw,
		 struct ledger_error *err, const struct hash256 *txid)
{
	struct ledger_key k;
	const uint8_t *p;
	size_t n;
	memset(rc, 0, sizeof(*rc));
	buf_reset(raw);
	ledger_key_hash(&k, LEDGER_P_TX, txid);
	if (!qget(q, &q->tmp, found, err, &k))
		return false;
	if (!*found)
		return true;
	rc->txid = *txid;
	if (!ledger_txrec_decode(rc, &p, &n, q->tmp.data, q->tmp.len))
		return corrupt(err, "transaction");
	if (!buf_put(raw, p, n))
		abort();
	return true;
}

bool ledger_q_block(struct ledger_query *q, bool *found, struct buf *raw,
		    struct ledger_error *err, uint64_t height)
{
	struct ledger_key k;
	ledger_key_height(&k, LEDGER_P_BLOCK, height);
	return qget(q, raw, found, err, &k);
}

bool ledger_q_commit(struct ledger_query *q, bool *found, struct buf *raw,
		     struct ledger_error *err, uint64_t height)
{
	struct ledger_key k;
	ledger_key_height(&k, LEDGER_P_COMMIT, height);
	return qget(q, raw, found, err, &k);
}

bool ledger_q_block_height(struct ledger_query *q, bool *found, uint64_t *height,
			   struct ledger_error *err, const struct hash256 *id)
{
	struct ledger_key k;
	*height = 0;
	ledger_key_hash(&k, LEDGER_P_BLOCK_ID, id);
	if (!qget(q, &q->tmp, found, err, &k))
		return false;
	if (*found) {
		if (q->tmp.len != 8)
			return corrupt(err, "block id");
		*height = ledger_read_be64(q->tmp.data);
	}
	return true;
}

/* ------------------------------------------------------------ pages */

/* Fill one item from an index entry. plen is the prefix length (the part
 * of the key before the varying part). Returns false if malformed. */
typedef bool item_fn(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
		     const uint8_t *val, size_t vlen);

static size_t page_limit(size_t limit)
{
	return limit == 0 || limit > LEDGER_PAGE_MAX ? LEDGER_PAGE_MAX : limit;
}

static void page_init(struct ledger_page *page)
{
	page->n = 0;
	page->more = false;
	page->next.len = 0;
}

static bool scan(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		 const uint8_t *prefix, size_t plen, const struct ledger_cursor *cur, size_t limit,
		 bool reverse, item_fn *fn, const char *what)
{
	struct db_iter *it;
	char e[DB_ERR_LEN];
	bool ok = true;

	page_init(page);
	limit = page_limit(limit);
	if (cur != NULL && cur->len > 0 &&
	    (cur->len <= plen || cur->len > LEDGER_KEY_MAX || memcmp(cur->b, prefix, plen) != 0))
		return ledger_fail(err, LEDGER_ERR_CURSOR, "the cursor does not belong to this list");
	it = db_iter_create(q->db, q->snap, prefix, plen);
	if (it == NULL)
		abort();
	if (cur == NULL || cur->len == 0) {
		if (reverse)
			db_iter_seek_last(it);
		else
			db_iter_seek_first(it);
	} else if (reverse) {
		db_iter_seek_for_prev(it, cur->b, cur->len);
		if (db_iter_valid(it)) {
			size_t kl;
			const uint8_t *key = db_iter_key(it, &kl);
			if (kl == cur->len && memcmp(key, cur->b, kl) == 0)
				db_iter_prev(it);
		}
	} else {
		db_iter_seek(it, cur->b, cur->len);
		if (db_iter_valid(it)) {
			size_t kl;
			const uint8_t *key = db_iter_key(it, &kl);
			if (kl == cur->len && memcmp(key, cur->b, kl) == 0)
				db_iter_next(it);
		}
	}
	while (db_iter_valid(it)) {
		size_t kl, vl;
		const uint8_t *key = db_iter_key(it, &kl);
		const uint8_t *val = db_iter_value(it, &vl);
		if (page->n == limit) {
			page->more = true;
			break;
		}
		memset(&page->items[page->n], 0, sizeof(page->items[0]));
		if (kl > LEDGER_KEY_MAX || !fn(&page->items[page->n], key, kl, plen, val, vl)) {
			ok = corrupt(err, what);
			break;
		}
		memcpy(page->next.b, key, kl);
		page->next.len = kl;
		page->n++;
		if (reverse)
			db_iter_prev(it);
		else
			db_iter_next(it);
	}
	if (ok && !db_iter_status(it, e, sizeof(e)))
		ok = ledger_fail(err, LEDGER_ERR_IO, "database read failed: %s", e);
	db_iter_destroy(it);
	if (!page->more)
		page->next.len = 0;
	return ok;
}

static bool get_svalue(int64_t *out, const uint8_t *val, size_t vlen)
{
	struct reader r;
	reader_init(&r, val, vlen);
	ledger_get_svarint(&r, out);
	return reader_done(&r);
}

/* key = prefix(1) || a(32) || pos(12), value = a 32-byte id. */
static bool item_pos_id(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
			const uint8_t *val, size_t vlen)
{
	(void)plen;
	if (klen != 1 + 32 + LEDGER_POS_LEN || vlen != 32)
		return false;
	memcpy(it->key.b, key + 1, 32);
	ledger_pos_get(&it->pos, key + 33);
	memcpy(it->id.b, val, 32);
	return true;
}

/* key = prefix(1) || a(32) || b(32): key = b, value as given. */
static bool item_pair_empty(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
			    const uint8_t *val, size_t vlen)
{
	(void)plen;
	(void)val;
	if (klen != 65 || vlen != 0)
		return false;
	memcpy(it->key.b, key + 33, 32);
	return true;
}

static bool item_pair_svalue(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
			     const uint8_t *val, size_t vlen)
{
	(void)plen;
	if (klen != 65)
		return false;
	memcpy(it->key.b, key + 33, 32);
	return get_svalue(&it->value, val, vlen) && it->value != 0;
}

static bool item_endorse_given(struct ledger_item *it, const uint8_t *key, size_t klen,
			       size_t plen, const uint8_t *val, size_t vlen)
{
	struct ledger_endorsement e;
	(void)plen;
	if (klen != 65 || !ledger_endorsement_decode(&e, val, vlen))
		return false;
	memcpy(it->key.b, key + 33, 32);
	it->value = e.weight;
	return true;
}

static bool item_bond(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
		      const uint8_t *val, size_t vlen)
{
	uint64_t a;
	(void)plen;
	if (klen != 65 || !ledger_amount_decode(&a, val, vlen))
		return false;
	memcpy(it->key.b, key + 33, 32);
	it->value = (int64_t)a;
	return true;
}

static bool item_rep(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
		     const uint8_t *val, size_t vlen)
{
	(void)plen;
	(void)val;
	if (klen != 1 + 8 + 32 || vlen != 0)
		return false;
	it->value = (int64_t)(ledger_read_be64(key + 1) ^ (UINT64_C(1) << 63));
	memcpy(it->key.b, key + 9, 32);
	return true;
}

static bool item_validator(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
			   const uint8_t *val, size_t vlen)
{
	struct ledger_validator v;
	(void)plen;
	if (klen != 33 || !ledger_validator_decode(&v, val, vlen))
		return false;
	memcpy(it->key.b, key + 1, 32);
	it->value = (int64_t)v.total_bonded;
	return true;
}

static bool item_unbonding(struct ledger_item *it, const uint8_t *key, size_t klen, size_t plen,
			   const uint8_t *val, size_t vlen)
{
	struct ledger_unbonding u;
	(void)plen;
	if (klen != 1 + 8 + 32 || !ledger_unbonding_decode(&u, val, vlen))
		return false;
	it->pos.height = ledger_read_be64(key + 1);
	memcpy(it->id.b, key + 9, 32);
	it->key = u.delegator;
	it->value = (int64_t)u.amount;
	return true;
}

static void prefix32(uint8_t out[33], uint8_t p, const uint8_t a[32])
{
	out[0] = p;
	memcpy(out + 1, a, 32);
}

bool ledger_q_posts(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		    const struct pubkey *author, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_IX_AUTHOR, author->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, true, item_pos_id, "post index");
}

bool ledger_q_replies(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		      const struct hash256 *parent, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_IX_REPLY, parent->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_pos_id, "reply index");
}

bool ledger_q_votes(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		    const struct hash256 *post, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_IX_VOTE, post->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_pair_svalue, "vote index");
}

bool ledger_q_history(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		      const struct pubkey *who, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_IX_HISTORY, who->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, true, item_pos_id, "history index");
}

bool ledger_q_following(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
			const struct pubkey *who, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_FOLLOW, who->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_pair_empty, "follow");
}

bool ledger_q_followers(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
			const struct pubkey *who, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_IX_FOLLOWER, who->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_pair_empty,
		    "follower index");
}

bool ledger_q_endorsements_received(struct ledger_query *q, struct ledger_page *page,
				    struct ledger_error *err, const struct pubkey *who,
				    const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_IX_ENDORSED, who->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_pair_svalue,
		    "endorsement index");
}

bool ledger_q_endorsements_given(struct ledger_query *q, struct ledger_page *page,
				 struct ledger_error *err, const struct pubkey *who,
				 const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_ENDORSE, who->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_endorse_given,
		    "endorsement");
}

bool ledger_q_top(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		  const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p = LEDGER_P_IX_REP;
	return scan(q, page, err, &p, 1, cur, limit, true, item_rep, "reputation index");
}

bool ledger_q_validators(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
			 const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p = LEDGER_P_VALIDATOR;
	return scan(q, page, err, &p, 1, cur, limit, false, item_validator, "validator");
}

bool ledger_q_stakes(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		     const struct pubkey *delegator, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_BOND, delegator->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_bond, "bond");
}

bool ledger_q_stakers(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		      const struct pubkey *validator, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p[33];
	prefix32(p, LEDGER_P_IX_STAKER, validator->b);
	return scan(q, page, err, p, sizeof(p), cur, limit, false, item_pair_svalue,
		    "staker index");
}

bool ledger_q_unbondings(struct ledger_query *q, struct ledger_page *page,
			 struct ledger_error *err, const struct ledger_cursor *cur, size_t limit)
{
	uint8_t p = LEDGER_P_UNBONDING;
	return scan(q, page, err, &p, 1, cur, limit, false, item_unbonding, "unbonding");
}

/* ------------------------------------------------------------ feed */

/* One followed author during a feed merge: its feed head (newest first),
 * then, when the head was full and is used up, an iterator over its
 * posts index for older posts. */
struct fsrc {
	struct pubkey author;
	uint8_t head[LEDGER_HEAD_MAX * LEDGER_HEAD_ENTRY];
	size_t nhead, idx;
	bool full;
	struct db_iter *it;
	struct ledger_pos pos;         /* current candidate */
	struct hash256 id;
};

struct feed {
	struct ledger_query *q;
	struct ledger_error *err;
	struct fsrc *src;
	size_t nsrc;
	size_t *heap;                  /* indices into src, max-heap by pos */
	size_t nheap;
	bool failed;
};

static bool fsrc_from_iter(struct feed *f, struct fsrc *s)
{
	size_t kl, vl;
	const uint8_t *key, *val;
	char e[DB_ERR_LEN];
	if (!db_iter_valid(s->it)) {
		if (!db_iter_status(s->it, e, sizeof(e))) {
			f->failed = true;
			ledger_fail(f->err, LEDGER_ERR_IO, "database read failed: %s", e);
		}
		return false;
	}
	key = db_iter_key(s->it, &kl);
	val = db_iter_value(s->it, &vl);
	if (kl != 1 + 32 + LEDGER_POS_LEN || vl != 32) {
		f->failed = true;
		corrupt(f->err, "post index");
		return false;
	}
	ledger_pos_get(&s->pos, key + 33);
	memcpy(s->id.b, val, 32);
	db_iter_prev(s->it);
	return true;
}

/* Position s on its newest post strictly before `before` (NULL: none).
 * Returns false when it has none. */
static bool fsrc_seek(struct feed *f, struct fsrc *s, const struct ledger_pos *before)
{
	uint8_t p[33];
	struct ledger_key k;
	while (s->idx < s->nhead) {
		const uint8_t *e = s->head + s->idx * LEDGER_HEAD_ENTRY;
		ledger_pos_get(&s->pos, e);
		memcpy(s->id.b, e + LEDGER_POS_LEN, 32);
		s->idx++;
		if (before == NULL || ledger_pos_cmp(&s->pos, before) < 0)
			return true;
	}
	if (!s->full)
		return false;
	if (s->it == NULL) {
		/* The head is used up: older posts come from the index. */
		struct ledger_pos from = s->pos;
		if (before != NULL && ledger_pos_cmp(before, &from) < 0)
			from = *before;
		prefix32(p, LEDGER_P_IX_AUTHOR, s->author.b);
		s->it = db_iter_create(f->q->db, f->q->snap, p, sizeof(p));
		if (s->it == NULL)
			abort();
		ledger_key_pos(&k, LEDGER_P_IX_AUTHOR, s->author.b, &from);
		db_iter_seek_for_prev(s->it, k.b, k.len);
		if (db_iter_valid(s->it)) {
			size_t kl;
			const uint8_t *key = db_iter_key(s->it, &kl);
			if (kl == k.len && memcmp(key, k.b, kl) == 0)
				db_iter_prev(s->it);
		}
	}
	return fsrc_from_iter(f, s);
}

static bool heap_less(const struct feed *f, size_t a, size_t b)
{
	return ledger_pos_cmp(&f->src[a].pos, &f->src[b].pos) < 0;
}

static void heap_push(struct feed *f, size_t s)
{
	size_t i = f->nheap++;
	f->heap[i] = s;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!heap_less(f, f->heap[parent], f->heap[i]))
			break;
		size_t t = f->heap[parent];
		f->heap[parent] = f->heap[i];
		f->heap[i] = t;
		i = parent;
	}
}

static size_t heap_pop(struct feed *f)
{
	size_t top = f->heap[0], i = 0;
	f->heap[0] = f->heap[--f->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < f->nheap && heap_less(f, f->heap[m], f->heap[l]))
			m = l;
		if (r < f->nheap && heap_less(f, f->heap[m], f->heap[r]))
			m = r;
		if (m == i)
			break;
		size_t t = f->heap[m];
		f->heap[m] = f->heap[i];
		f->heap[i] = t;
		i = m;
	}
	return top;
}

/* The accounts who follows, and each one's feed head. */
static bool feed_load(struct feed *f, const struct pubkey *who)
{
	uint8_t p[33];
	struct db_iter *it;
	char e[DB_ERR_LEN];
	size_t cap = 0;
	bool ok = true;

	prefix32(p, LEDGER_P_FOLLOW, who->b);
	it = db_iter_create(f->q->db, f->q->snap, p, sizeof(p));
	if (it == NULL)
		abort();
	for (db_iter_seek_first(it); db_iter_valid(it); db_iter_next(it)) {
		size_t kl;
		const uint8_t *key = db_iter_key(it, &kl);
		if (kl != 65) {
			ok = corrupt(f->err, "follow");
			break;
		}
		if (f->nsrc == cap) {
			cap = cap ? 2 * cap : 64;
			f->src = realloc(f->src, cap * sizeof(*f->src));
			if (f->src == NULL)
				abort();
		}
		memset(&f->src[f->nsrc], 0, sizeof(f->src[0]));
		memcpy(f->src[f->nsrc].author.b, key + 33, 32);
		f->nsrc++;
	}
	if (ok && !db_iter_status(it, e, sizeof(e)))
		ok = ledger_fail(f->err, LEDGER_ERR_IO, "database read failed: %s", e);
	db_iter_destroy(it);
	for (size_t i = 0; ok && i < f->nsrc; i++) {
		struct fsrc *s = &f->src[i];
		struct ledger_key k;
		bool found;
		ledger_key_pk(&k, LEDGER_P_IX_HEAD, &s->author);
		if (!qget(f->q, &f->q->tmp, &found, f->err, &k))
			return false;
		if (!found)
			continue;
		if (f->q->tmp.len % LEDGER_HEAD_ENTRY != 0 || f->q->tmp.len > sizeof(s->head))
			return corrupt(f->err, "feed head");
		memcpy(s->head, f->q->tmp.data, f->q->tmp.len);
		s->nhead = f->q->tmp.len / LEDGER_HEAD_ENTRY;
		s->full = s->nhead == LEDGER_HEAD_MAX;
	}
	return ok;
}

bool ledger_q_feed(struct ledger_query *q, struct ledger_page *page, struct ledger_error *err,
		   const struct pubkey *who, const struct ledger_cursor *cur, size_t limit)
{
	struct feed f;
	struct ledger_pos before;
	bool has_before = cur != NULL && cur->len > 0;
	bool ok;

	page_init(page);
	limit = page_limit(limit);
	if (has_before && cur->len != LEDGER_POS_LEN)
		return ledger_fail(err, LEDGER_ERR_CURSOR, "the cursor does not belong to this list");
	if (has_before)
		ledger_pos_get(&before, cur->b);
	memset(&f, 0, sizeof(f));
	f.q = q;
	f.err = err;
	ok = feed_load(&f, who);
	if (ok) {
		f.heap = malloc((f.nsrc ? f.nsrc : 1) * sizeof(*f.heap));
		if (f.heap == NULL)
			abort();
		for (size_t i = 0; i < f.nsrc && !f.failed; i++)
			if (fsrc_seek(&f, &f.src[i], has_before ? &before : NULL))
				heap_push(&f, i);
		while (!f.failed && f.nheap > 0 && page->n < limit) {
			size_t s = heap_pop(&f);
			struct ledger_item *it = &page->items[page->n++];
			memset(it, 0, sizeof(*it));
			it->id = f.src[s].id;
			it->pos = f.src[s].pos;
			it->key = f.src[s].author;
			if (fsrc_seek(&f, &f.src[s], &it->pos))
				heap_push(&f, s);
		}
		ok = !f.failed;
		page->more = ok && f.nheap > 0;
		if (page->more) {
			ledger_pos_put(page->next.b, &page->items[page->n - 1].pos);
			page->next.len = LEDGER_POS_LEN;
		}
	}
	for (size_t i = 0; i < f.nsrc; i++)
		db_iter_destroy(f.src[i].it);
	free(f.src);
	free(f.heap);
	return ok;
}
