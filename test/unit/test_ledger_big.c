/* The large tests of the ledger (issue 3, "Done when"):
 *
 *   - randomised: thousands of valid and invalid transactions of every type
 *     over hundreds of blocks; after every block, checks that supply is
 *     conserved except for the issuance, that no amount wrapped, that nonces
 *     are sequential, that the incremental state root equals one recomputed
 *     from scratch, and that every index equals a brute-force recomputation
 *     from the state (and, for history and transactions, from the blocks);
 *   - sybils: a thousand zero-stake accounts upvote and endorse one account
 *     (E12 at full size); a ring of negative-reputation accounts (E13);
 *   - crash: a writer process (this program re-executed) commits blocks and
 *     is killed with SIGKILL at random moments, at least 200 times; every
 *     reopened store sits on a committed block whose header root, and the
 *     root an uninterrupted run reached at that height, equal its own.
 */
#define _XOPEN_SOURCE 700

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "test_ledger.h"

#define GTIME UINT64_C(1600000000000)

/* ------------------------------------------------------------ key-value sets */

struct kv {
	uint8_t k[LEDGER_KEY_MAX];
	size_t kl;
	uint8_t *v;
	size_t vl;
};

struct kvs {
	struct kv *a;
	size_t n, cap;
};

static void kvs_add(struct kvs *s, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
	if (kl > LEDGER_KEY_MAX)
		abort();
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->a = realloc(s->a, s->cap * sizeof(*s->a));
		if (s->a == NULL)
			abort();
	}
	memcpy(s->a[s->n].k, k, kl);
	s->a[s->n].kl = kl;
	s->a[s->n].v = malloc(vl ? vl : 1);
	if (s->a[s->n].v == NULL)
		abort();
	if (vl)
		memcpy(s->a[s->n].v, v, vl);
	s->a[s->n].vl = vl;
	s->n++;
}

static void kvs_free(struct kvs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->a[i].v);
	free(s->a);
	memset(s, 0, sizeof(*s));
}

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	size_t n = x->kl < y->kl ? x->kl : y->kl;
	int c = memcmp(x->k, y->k, n);
	return c ? c : (x->kl > y->kl) - (x->kl < y->kl);
}

static void kvs_sort(struct kvs *s)
{
	if (s->n > 1)
		qsort(s->a, s->n, sizeof(*s->a), kv_cmp);
}

/* The entries of all (sorted) with prefix p: [*lo, *hi). */
static void kvs_range(const struct kvs *all, uint8_t p, size_t *lo, size_t *hi)
{
	size_t i = 0;
	while (i < all->n && all->a[i].k[0] < p)
		i++;
	*lo = i;
	while (i < all->n && all->a[i].k[0] == p)
		i++;
	*hi = i;
}

/* expected (sorted here) equals the entries of all under prefix p. */
static bool kvs_match(struct kvs *expected, const struct kvs *all, uint8_t p, const char *what)
{
	size_t lo, hi;
	kvs_sort(expected);
	kvs_range(all, p, &lo, &hi);
	if (hi - lo != expected->n) {
		unit_note("%s: %zu entries, expected %zu", what, hi - lo, expected->n);
		return false;
	}
	for (size_t i = 0; i < expected->n; i++) {
		const struct kv *a = &all->a[lo + i], *e = &expected->a[i];
		if (kv_cmp(a, e) != 0 || a->vl != e->vl || memcmp(a->v, e->v, a->vl) != 0) {
			unit_note("%s: entry %zu differs", what, i);
			return false;
		}
	}
	return true;
}

static void load_all(struct kvs *all, struct db *db)
{
	struct db_iter *it = db_iter_create(db, NULL, NULL, 0);
	for (db_iter_seek_first(it); db_iter_valid(it); db_iter_next(it)) {
		size_t kl, vl;
		const uint8_t *k = db_iter_key(it, &kl);
		const uint8_t *v = db_iter_value(it, &vl);
		if (k[0] == LEDGER_P_BLOCK || k[0] == LEDGER_P_COMMIT)
			vl = 0; /* not checked here: keep the copy small */
		kvs_add(all, k, kl, v, vl);
	}
	db_iter_destroy(it);
}

static void put_svarint_kv(struct kvs *s, const uint8_t *k, size_t kl, int64_t v)
{
	struct buf b = BUF_INIT;
	ledger_put_svarint(&b, v);
	kvs_add(s, k, kl, b.data, b.len);
	buf_release(&b);
}

/* ------------------------------------------------------------ the random model */

#define RND_KEYS 40
#define RND_CKEYS 6
#define RND_MAX_POSTS 4096

struct rnd {
	struct tl t;
	uint64_t included[RND_KEYS];  /* included txs per sender */
	struct hash256 posts[RND_MAX_POSTS];
	size_t nposts;
	struct kvs history;           /* expected history index entries */
	struct kvs txrecs;            /* expected tx records */
	uint64_t issued;
	uint64_t genesis_total;
	uint64_t fee_seen;
	size_t rejected, failed, ok;
	struct pubkey ck[RND_CKEYS];
	int16_t last_vote_w;
	uint16_t last_endorse_w;
};

static size_t rnd_pick(size_t n)
{
	return (size_t)(unit_rand() % n);
}

static const struct pubkey *rnd_key(struct rnd *r)
{
	static struct pubkey fresh;
	struct seckey sk;
	if (rnd_pick(30) == 0) {
		tl_key(&sk, &fresh, 50000 + rnd_pick(50));
		return &fresh;
	}
	return &r->t.pk[rnd_pick(RND_KEYS)];
}

static const struct hash256 *rnd_post(struct rnd *r)
{
	static struct hash256 unknown;
	if (r->nposts == 0 || rnd_pick(20) == 0) {
		unit_rand_bytes(unknown.b, 32);
		return &unknown;
	}
	/* Recent posts more often, so threads get deep. */
	if (rnd_pick(2) == 0)
		return &r->posts[r->nposts - 1 - rnd_pick(r->nposts < 8 ? r->nposts : 8)];
	return &r->posts[rnd_pick(r->nposts)];
}

static const char *const handles[] = { "", "h_a", "h_b", "h_c", "bob", "alice_1" };
static const char *const names[] = { "", "A", "B" };

/* A random valid-looking tx of sender who (its action may fail). */
static void rnd_tx(struct rnd *r, struct tx *tx, size_t who)
{
	struct tl *t = &r->t;
	size_t kind = rnd_pick(100);
	if (kind < 12) {
		tl_tx(t, tx, who, TX_TRANSFER);
		tx->u.transfer.to = *rnd_key(r);
		tx->u.transfer.amount = rnd_pick(40) == 0 ? UINT64_C(1) << 50 : 1 + rnd_pick(1000000000);
	} else if (kind < 32) {
		tl_tx(t, tx, who, TX_POST);
		if (rnd_pick(3) != 0) {
			tx->u.post.has_parent = true;
			tx->u.post.parent = *rnd_post(r);
		}
		tx->u.post.body.p = (const uint8_t *)"random body";
		tx->u.post.body.len = 1 + rnd_pick(11);
		if (rnd_pick(4) == 0) {
			tx->u.post.ntags = 2;
			tx->u.post.tags[0].p = (const uint8_t *)"a";
			tx->u.post.tags[0].len = 1;
			tx->u.post.tags[1].p = (const uint8_t *)"b";
			tx->u.post.tags[1].len = 1;
		}
	} else if (kind < 55) {
		tl_tx(t, tx, who, TX_VOTE);
		tx->u.vote.post = *rnd_post(r);
		if (rnd_pick(5) == 0)
			tx->u.vote.weight = r->last_vote_w;
		else if (rnd_pick(6) == 0)
			tx->u.vote.weight = 0;
		else
			tx->u.vote.weight = (int16_t)((int)rnd_pick(20001) - 10000);
		r->last_vote_w = tx->u.vote.weight;
	} else if (kind < 67) {
		tl_tx(t, tx, who, TX_ENDORSE);
		tx->u.endorse.subject = rnd_pick(15) == 0 ? t->pk[who] : *rnd_key(r);
		if (rnd_pick(5) == 0)
			tx->u.endorse.weight = r->last_endorse_w;
		else
			tx->u.endorse.weight = rnd_pick(4) == 0 ? 0 : (uint16_t)rnd_pick(6000);
		r->last_endorse_w = tx->u.endorse.weight;
	} else if (kind < 80) {
		tl_tx(t, tx, who, rnd_pick(3) == 0 ? TX_UNFOLLOW : TX_FOLLOW);
		tx->u.follow.target = rnd_pick(20) == 0 ? t->pk[who] : t->pk[rnd_pick(RND_KEYS)];
	} else if (kind < 85) {
		tl_tx(t, tx, who, TX_PROFILE);
		tx->u.profile.handle.p = (const uint8_t *)handles[rnd_pick(6)];
		tx->u.profile.handle.len = strlen((const char *)tx->u.profile.handle.p);
		tx->u.profile.name.p = (const uint8_t *)names[rnd_pick(3)];
		tx->u.profile.name.len = strlen((const char *)tx->u.profile.name.p);
	} else if (kind < 93) {
		tl_tx(t, tx, who, rnd_pick(2) ? TX_STAKE : TX_UNSTAKE);
		tx->u.stake.validator = rnd_pick(3) ? t->pk[rnd_pick(4)] : *rnd_key(r);
		tx->u.stake.amount = rnd_pick(20) == 0 ? UINT64_C(1) << 50
						       : 1 + rnd_pick(UINT64_C(200000000000));
	} else if (kind < 97) {
		tl_tx(t, tx, who, TX_VALIDATOR);
		tx->u.validator.consensus_key = r->ck[rnd_pick(RND_CKEYS)];
		tx->u.validator.moniker.p = (const uint8_t *)"node";
		tx->u.validator.moniker.len = 1 + rnd_pick(4);
		tx->u.validator.commission = (uint16_t)rnd_pick(3);
	} else {
		tl_tx(t, tx, who, TX_UNJAIL);
	}
}

enum rnd_bad { RB_NONE, RB_NONCE_HIGH, RB_NONCE_LOW, RB_FEE, RB_SIG, RB_CHAIN };

static bool rnd_sign(struct rnd *r, struct tx *tx, size_t who, enum rnd_bad bad)
{
	struct tl *t = &r->t;
	enum prim_err pe;
	uint64_t saved = t->nonce[who];
	bool ok;
	switch (bad) {
	case RB_NONCE_HIGH:
		tx->nonce += 1 + rnd_pick(3);
		break;
	case RB_NONCE_LOW:
		tx->nonce -= 1;
		break;
	case RB_FEE:
		tx->fee = 10;
		break;
	case RB_CHAIN:
		chain_id_parse(&tx->chain_id, "regtest-0badc0de");
		break;
	default:
		break;
	}
	ok = bad == RB_FEE || rnd_pick(2) ? tl_sign(t, tx, who) : tl_sign_minfee(t, tx, who);
	if (ok && bad == RB_SIG) {
		tx->sig[rnd_pick(64)] ^= (uint8_t)(1u << rnd_pick(8));
		ok = tx_seal(tx, &pe);
	}
	t->nonce[who] = saved; /* moved only when the tx is included */
	return ok;
}

/* Who the tx touches besides its sender (account history), written from
 * doc/ledger.md independently of the ledger's code. Reads posts after the
 * block (posts are never deleted; a referenced post exists at the time of
 * the tx iff it exists now and was made at an earlier position). */
static size_t touched(struct rnd *r, struct pubkey out[2], const struct tx *tx,
		      const struct ledger_pos *pos)
{
	struct ledger_query *q = ledger_query_create(r->t.db);
	struct ledger_post p;
	struct ledger_stats st;
	struct ledger_receipt rc;
	struct ledger_error err;
	struct buf store = BUF_INIT, raw = BUF_INIT;
	const struct hash256 *ref = NULL;
	size_t n = 0;
	bool found = false;

	switch (tx->type) {
	case TX_TRANSFER:
		out[n++] = tx->u.transfer.to;
		break;
	case TX_ENDORSE:
		out[n++] = tx->u.endorse.subject;
		break;
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		out[n++] = tx->u.follow.target;
		break;
	case TX_STAKE:
	case TX_UNSTAKE:
		out[n++] = tx->u.stake.validator;
		break;
	case TX_POST:
		if (tx->u.post.has_parent)
			ref = &tx->u.post.parent;
		break;
	case TX_VOTE:
		ref = &tx->u.vote.post;
		break;
	default:
		break;
	}
	if (ref != NULL && ledger_q_post(q, &found, &p, &st, &store, &err, ref) && found &&
	    ledger_q_tx(q, &found, &rc, &raw, &err, ref) && found) {
		struct ledger_pos made = { rc.height, rc.index };
		if (ledger_pos_cmp(&made, pos) < 0)
			out[n++] = p.author;
	}
	buf_release(&store);
	buf_release(&raw);
	ledger_query_destroy(q);
	if (n == 1 && memcmp(out[0].b, tx->sender.b, 32) == 0)
		n = 0;
	return n;
}

static void expect_tx(struct rnd *r, const struct tx *tx, const struct ledger_receipt *rc)
{
	struct ledger_key k;
	struct buf b = BUF_INIT;
	struct ledger_pos pos = { rc->height, rc->index };
	struct pubkey who[2];
	size_t n;

	ledger_txrec_encode(&b, rc, tx->raw, tx->raw_len);
	ledger_key_hash(&k, LEDGER_P_TX, &rc->txid);
	kvs_add(&r->txrecs, k.b, k.len, b.data, b.len);
	buf_release(&b);
	ledger_key_pos(&k, LEDGER_P_IX_HISTORY, tx->sender.b, &pos);
	kvs_add(&r->history, k.b, k.len, rc->txid.b, 32);
	n = touched(r, who, tx, &pos);
	for (size_t i = 0; i < n; i++) {
		ledger_key_pos(&k, LEDGER_P_IX_HISTORY, who[i].b, &pos);
		kvs_add(&r->history, k.b, k.len, rc->txid.b, 32);
	}
}

/* ------------------------------------------------------------ the checks */

struct acct_sum {
	struct pubkey key;
	uint64_t followers, following, posts, staked, unbonding;
	uint32_t endorse_used;
	int64_t rep;
};

static struct acct_sum *sum_of(struct acct_sum *s, size_t *n, const uint8_t key[32])
{
	for (size_t i = 0; i < *n; i++)
		if (memcmp(s[i].key.b, key, 32) == 0)
			return &s[i];
	memset(&s[*n], 0, sizeof(s[0]));
	memcpy(s[*n].key.b, key, 32);
	return &s[(*n)++];
}

/* Position of a post from its tx record. */
static bool post_pos(const struct kvs *all, struct ledger_pos *pos, const uint8_t id[32])
{
	struct kv probe;
	struct kv *hit;
	struct ledger_receipt rc;
	const uint8_t *raw;
	size_t rawlen;
	probe.k[0] = LEDGER_P_TX;
	memcpy(probe.k + 1, id, 32);
	probe.kl = 33;
	hit = bsearch(&probe, all->a, all->n, sizeof(all->a[0]), kv_cmp);
	if (hit == NULL || !ledger_txrec_decode(&rc, &raw, &rawlen, hit->v, hit->vl))
		return false;
	pos->height = rc.height;
	pos->index = rc.index;
	return true;
}

struct head_ent {
	struct pubkey author;
	struct ledger_pos pos;
	struct hash256 id;
};

static int head_cmp(const void *a, const void *b)
{
	const struct head_ent *x = a, *y = b;
	int c = memcmp(x->author.b, y->author.b, 32);
	return c ? c : -ledger_pos_cmp(&x->pos, &y->pos); /* newest first */
}

/* The index in all of the post with this id, or SIZE_MAX. */
static size_t post_index(const struct kvs *all, const uint8_t id[32])
{
	struct kv probe, *hit;
	probe.k[0] = LEDGER_P_POST;
	memcpy(probe.k + 1, id, 32);
	probe.kl = 33;
	hit = bsearch(&probe, all->a, all->n, sizeof(all->a[0]), kv_cmp);
	return hit ? (size_t)(hit - all->a) : SIZE_MAX;
}

/* Posts: stats, author and reply indexes, feed heads. */
static bool check_posts(const struct kvs *all, struct acct_sum *sums, size_t *ns)
{
	struct kvs ix_author = { 0 }, ix_reply = { 0 }, ix_head = { 0 }, stats = { 0 };
	struct head_ent *heads = NULL;
	struct ledger_stats *st;
	size_t nh = 0, lo, hi, vlo, vhi;
	bool ok = true;

	kvs_range(all, LEDGER_P_POST, &lo, &hi);
	kvs_range(all, LEDGER_P_VOTE, &vlo, &vhi);
	heads = calloc(hi - lo + 1, sizeof(*heads));
	st = calloc(hi - lo + 1, sizeof(*st));
	for (size_t i = lo; i < hi && ok; i++) {
		const struct kv *e = &all->a[i];
		struct ledger_post p;
		struct ledger_pos pos;
		struct ledger_key k;
		ok = CHECK(e->kl == 33 && ledger_post_decode(&p, e->v, e->vl)) &&
		     CHECK(post_pos(all, &pos, e->k + 1)) && CHECK(pos.height == p.height);
		if (!ok)
			break;
		sum_of(sums, ns, p.author.b)->posts++;
		ledger_key_pos(&k, LEDGER_P_IX_AUTHOR, p.author.b, &pos);
		kvs_add(&ix_author, k.b, k.len, e->k + 1, 32);
		if (p.has_parent) {
			size_t pi = post_index(all, p.parent.b);
			ok = CHECK(pi != SIZE_MAX);
			if (ok)
				st[pi - lo].replies++;
			ledger_key_pos(&k, LEDGER_P_IX_REPLY, p.parent.b, &pos);
			kvs_add(&ix_reply, k.b, k.len, e->k + 1, 32);
		}
		heads[nh].author = p.author;
		heads[nh].pos = pos;
		memcpy(heads[nh].id.b, e->k + 1, 32);
		nh++;
	}
	/* Tallies and vote deltas from the vote records. */
	for (size_t v = vlo; v < vhi && ok; v++) {
		struct ledger_vote vo;
		size_t pi = post_index(all, all->a[v].k + 33);
		ok = CHECK(ledger_vote_decode(&vo, all->a[v].v, all->a[v].vl)) && CHECK(pi != SIZE_MAX);
		if (!ok)
			break;
		if (vo.weight > 0)
			st[pi - lo].upvotes += (uint64_t)vo.weight;
		else
			st[pi - lo].downvotes += (uint64_t)-vo.weight;
		st[pi - lo].votes++;
		sum_of(sums, ns, heads[pi - lo].author.b)->rep += vo.rep_delta;
	}
	for (size_t i = lo; i < hi && ok; i++) {
		struct ledger_key k;
		struct buf b = BUF_INIT;
		ledger_key_hash(&k, LEDGER_P_STATS, (const struct hash256 *)(all->a[i].k + 1));
		ledger_stats_encode(&b, &st[i - lo]);
		kvs_add(&stats, k.b, k.len, b.data, b.len);
		buf_release(&b);
	}
	qsort(heads, nh, sizeof(*heads), head_cmp);
	for (size_t i = 0; i < nh;) {
		uint8_t v[LEDGER_HEAD_MAX * LEDGER_HEAD_ENTRY];
		size_t j = i, m = 0;
		struct ledger_key k;
		for (; j < nh && memcmp(heads[j].author.b, heads[i].author.b, 32) == 0; j++)
			if (m < LEDGER_HEAD_MAX) {
				ledger_pos_put(v + m * LEDGER_HEAD_ENTRY, &heads[j].pos);
				memcpy(v + m * LEDGER_HEAD_ENTRY + LEDGER_POS_LEN, heads[j].id.b, 32);
				m++;
			}
		ledger_key_pk(&k, LEDGER_P_IX_HEAD, &heads[i].author);
		kvs_add(&ix_head, k.b, k.len, v, m * LEDGER_HEAD_ENTRY);
		i = j;
	}
	ok = ok && CHECK(kvs_match(&stats, all, LEDGER_P_STATS, "post stats")) &&
	     CHECK(kvs_match(&ix_author, all, LEDGER_P_IX_AUTHOR, "posts by author")) &&
	     CHECK(kvs_match(&ix_reply, all, LEDGER_P_IX_REPLY, "replies")) &&
	     CHECK(kvs_match(&ix_head, all, LEDGER_P_IX_HEAD, "feed heads"));
	free(heads);
	free(st);
	kvs_free(&ix_author);
	kvs_free(&ix_reply);
	kvs_free(&ix_head);
	kvs_free(&stats);
	return ok;
}

/* Follows, votes, endorsements, bonds, unbondings: the inverse indexes and
 * the per-account sums. */
static bool check_relations(const struct kvs *all, struct acct_sum *sums, size_t *ns)
{
	struct kvs fol = { 0 }, vot = { 0 }, end = { 0 }, stk = { 0 };
	struct ledger_key k;
	size_t lo, hi;
	bool ok = true;

	kvs_range(all, LEDGER_P_FOLLOW, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const struct kv *e = &all->a[i];
		ok = ok && CHECK(e->kl == 65 && e->vl == 0);
		sum_of(sums, ns, e->k + 1)->following++;
		sum_of(sums, ns, e->k + 33)->followers++;
		ledger_key_pair(&k, LEDGER_P_IX_FOLLOWER, e->k + 33, e->k + 1);
		kvs_add(&fol, k.b, k.len, NULL, 0);
	}
	kvs_range(all, LEDGER_P_VOTE, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		struct ledger_vote v = { 0, 0 };
		ok = ok && CHECK(ledger_vote_decode(&v, all->a[i].v, all->a[i].vl));
		ledger_key_pair(&k, LEDGER_P_IX_VOTE, all->a[i].k + 33, all->a[i].k + 1);
		put_svarint_kv(&vot, k.b, k.len, v.weight);
	}
	kvs_range(all, LEDGER_P_ENDORSE, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		struct ledger_endorsement e = { 0, 0 };
		ok = ok && CHECK(ledger_endorsement_decode(&e, all->a[i].v, all->a[i].vl));
		sum_of(sums, ns, all->a[i].k + 1)->endorse_used += e.weight;
		sum_of(sums, ns, all->a[i].k + 33)->rep += e.rep_delta;
		ledger_key_pair(&k, LEDGER_P_IX_ENDORSED, all->a[i].k + 33, all->a[i].k + 1);
		put_svarint_kv(&end, k.b, k.len, e.weight);
	}
	kvs_range(all, LEDGER_P_BOND, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		uint64_t amt = 0;
		ok = ok && CHECK(ledger_amount_decode(&amt, all->a[i].v, all->a[i].vl));
		sum_of(sums, ns, all->a[i].k + 1)->staked += amt;
		ledger_key_pair(&k, LEDGER_P_IX_STAKER, all->a[i].k + 33, all->a[i].k + 1);
		put_svarint_kv(&stk, k.b, k.len, (int64_t)amt);
	}
	kvs_range(all, LEDGER_P_UNBONDING, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		struct ledger_unbonding u;
		memset(&u, 0, sizeof(u));
		ok = ok && CHECK(ledger_unbonding_decode(&u, all->a[i].v, all->a[i].vl));
		sum_of(sums, ns, u.delegator.b)->unbonding += u.amount;
	}
	ok = ok && CHECK(kvs_match(&fol, all, LEDGER_P_IX_FOLLOWER, "followers")) &&
	     CHECK(kvs_match(&vot, all, LEDGER_P_IX_VOTE, "votes by post")) &&
	     CHECK(kvs_match(&end, all, LEDGER_P_IX_ENDORSED, "endorsements by subject")) &&
	     CHECK(kvs_match(&stk, all, LEDGER_P_IX_STAKER, "stakers"));
	kvs_free(&fol);
	kvs_free(&vot);
	kvs_free(&end);
	kvs_free(&stk);
	return ok;
}

/* Validators against the bonds; consensus keys; handles. */
static bool check_validators(const struct kvs *all)
{
	size_t lo, hi, blo, bhi;
	bool ok = true;
	kvs_range(all, LEDGER_P_VALIDATOR, &lo, &hi);
	kvs_range(all, LEDGER_P_BOND, &blo, &bhi);
	for (size_t i = lo; i < hi && ok; i++) {
		struct ledger_validator v;
		uint64_t total = 0, self = 0;
		struct kv probe, *hit;
		ok = CHECK(ledger_validator_decode(&v, all->a[i].v, all->a[i].vl));
		for (size_t b = blo; b < bhi; b++) {
			uint64_t amt;
			if (memcmp(all->a[b].k + 33, all->a[i].k + 1, 32) != 0)
				continue;
			ledger_amount_decode(&amt, all->a[b].v, all->a[b].vl);
			total += amt;
			if (memcmp(all->a[b].k + 1, all->a[i].k + 1, 32) == 0)
				self = amt;
		}
		ok = ok && CHECK(v.total_bonded == total && v.self_stake == self);
		probe.k[0] = LEDGER_P_CONSKEY;
		memcpy(probe.k + 1, v.consensus_key.b, 32);
		probe.kl = 33;
		hit = bsearch(&probe, all->a, all->n, sizeof(all->a[0]), kv_cmp);
		ok = ok && CHECK(hit != NULL && hit->vl == 32 && memcmp(hit->v, all->a[i].k + 1, 32) == 0);
	}
	return ok;
}

static bool check_accounts(struct rnd *r, const struct kvs *all, struct acct_sum *sums, size_t *ns,
			   uint64_t supply)
{
	struct kvs rep = { 0 };
	size_t lo, hi, hlo, hhi;
	uint64_t total = 0;
	bool ok = true;

	kvs_range(all, LEDGER_P_ACCOUNT, &lo, &hi);
	kvs_range(all, LEDGER_P_HANDLE, &hlo, &hhi);
	for (size_t i = lo; i < hi && ok; i++) {
		struct ledger_account a;
		struct acct_sum *s;
		struct ledger_key k;
		struct pubkey pk;
		ok = CHECK(ledger_account_decode(&a, all->a[i].v, all->a[i].vl)) &&
		     CHECK(!ledger_account_is_default(&a));
		if (!ok)
			break;
		memcpy(pk.b, all->a[i].k + 1, 32);
		s = sum_of(sums, ns, pk.b);
		ok = CHECK(a.balance <= MAX_MONEY) && CHECK(a.followers == s->followers) &&
		     CHECK(a.following == s->following) && CHECK(a.posts == s->posts) &&
		     CHECK(a.staked == s->staked) && CHECK(a.unbonding == s->unbonding) &&
		     CHECK(a.endorse_used == s->endorse_used) && CHECK(a.reputation == s->rep);
		total += a.balance + a.staked + a.unbonding;
		for (size_t j = 0; j < RND_KEYS; j++)
			if (memcmp(r->t.pk[j].b, pk.b, 32) == 0)
				ok = ok && CHECK(a.nonce == r->included[j]);
		if (a.handle_len > 0) {
			struct kv probe, *hit;
			ledger_key_handle(&k, a.handle, a.handle_len);
			memcpy(probe.k, k.b, k.len);
			probe.kl = k.len;
			hit = bsearch(&probe, all->a, all->n, sizeof(all->a[0]), kv_cmp);
			ok = ok && CHECK(hit != NULL && hit->vl == 32 && memcmp(hit->v, pk.b, 32) == 0);
		}
		if (a.reputation != 0) {
			ledger_key_rep(&k, a.reputation, &pk);
			kvs_add(&rep, k.b, k.len, NULL, 0);
		}
	}
	/* Accounts with sums but no record must have all sums zero. */
	for (size_t i = 0; i < *ns && ok; i++) {
		struct kv probe;
		probe.k[0] = LEDGER_P_ACCOUNT;
		memcpy(probe.k + 1, sums[i].key.b, 32);
		probe.kl = 33;
		if (bsearch(&probe, all->a, all->n, sizeof(all->a[0]), kv_cmp) == NULL)
			ok = CHECK(sums[i].followers == 0 && sums[i].following == 0 &&
				   sums[i].posts == 0 && sums[i].staked == 0 &&
				   sums[i].unbonding == 0 && sums[i].endorse_used == 0 &&
				   sums[i].rep == 0);
	}
	/* Every handle record's owner has that handle. */
	ok = ok && CHECK((size_t)(hhi - hlo) <= sizeof(handles) / sizeof(handles[0]));
	ok = ok && CHECK(total == supply) &&
	     CHECK(supply == r->genesis_total + r->issued) &&
	     CHECK(kvs_match(&rep, all, LEDGER_P_IX_REP, "reputation index"));
	kvs_free(&rep);
	return ok;
}

static bool check_feed(struct rnd *r, size_t who)
{
	struct ledger_query *q = ledger_query_create(r->t.db);
	struct ledger_page fl, page, pg;
	struct ledger_cursor cur = { .len = 0 };
	struct ledger_error err;
	struct ledger_item *want = NULL;
	size_t n = 0, cap = 0, got = 0;
	bool ok = CHECK(ledger_q_following(q, &fl, &err, &r->t.pk[who], NULL, 0));
	for (size_t i = 0; ok && i < fl.n; i++) {
		struct ledger_cursor c = { .len = 0 };
		do {
			ok = CHECK(ledger_q_posts(q, &pg, &err, &fl.items[i].key, &c, 0));
			for (size_t k = 0; ok && k < pg.n; k++) {
				if (n == cap) {
					cap = cap ? 2 * cap : 256;
					want = realloc(want, cap * sizeof(*want));
				}
				want[n++] = pg.items[k];
			}
			c = pg.next;
		} while (ok && pg.more);
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && ledger_pos_cmp(&want[j - 1].pos, &want[j].pos) < 0; j--) {
			struct ledger_item x = want[j];
			want[j] = want[j - 1];
			want[j - 1] = x;
		}
	do {
		ok = ok && CHECK(ledger_q_feed(q, &page, &err, &r->t.pk[who], &cur, 1 + rnd_pick(30)));
		for (size_t i = 0; ok && i < page.n; i++, got++)
			ok = CHECK(got < n && memcmp(page.items[i].id.b, want[got].id.b, 32) == 0);
		cur = page.next;
	} while (ok && page.more);
	ok = ok && CHECK(got == n);
	free(want);
	ledger_query_destroy(q);
	return ok;
}

static bool check_all(struct rnd *r)
{
	struct kvs all = { 0 };
	struct acct_sum *sums = calloc(4096, sizeof(*sums));
	struct ledger_chain chain = tl_chain(&r->t);
	size_t ns = 0;
	bool ok;

	load_all(&all, r->t.db);
	/* Only known prefixes. */
	for (size_t i = 0; i < all.n; i++) {
		uint8_t p = all.a[i].k[0];
		if (!CHECK((p >= LEDGER_P_CHAIN && p <= LEDGER_P_UNBONDING) ||
			   (p >= LEDGER_P_META && p <= LEDGER_P_TX) ||
			   (p >= LEDGER_P_IX_AUTHOR && p <= LEDGER_P_IX_STAKER)))
			break;
	}
	ok = CHECK(tl_root_ok(&r->t)) && check_posts(&all, sums, &ns) &&
	     check_relations(&all, sums, &ns) && check_validators(&all) &&
	     check_accounts(r, &all, sums, &ns, chain.supply) &&
	     CHECK(kvs_match(&r->history, &all, LEDGER_P_IX_HISTORY, "history")) &&
	     CHECK(kvs_match(&r->txrecs, &all, LEDGER_P_TX, "transactions")) &&
	     check_feed(r, 1 + rnd_pick(RND_KEYS - 1));
	kvs_free(&all);
	free(sums);
	return ok;
}

/* ------------------------------------------------------------ the random test */

/* One block: random txs (some invalid: the builder skips them), built,
 * then either committed directly or validated as a proposal first. */
static bool rnd_block(struct rnd *r, size_t ntx, bool validate)
{
	struct tl *t = &r->t;
	struct ledger_tip tip;
	struct ledger_exec *x, *y = NULL;
	struct ledger_error err;
	struct ledger_receipt rc;
	struct hash256 root;
	struct tx *txs = calloc(ntx + 1, sizeof(*txs));
	size_t n = 0;
	struct block b;
	struct commit c;
	bool ok = true;

	ledger_get_tip(t->l, &tip);
	if (!CHECK(ledger_exec_begin(t->l, &x, &err, tip.time + t->step, &t->val_ck))) {
		free(txs);
		return false;
	}
	for (size_t i = 0; i < ntx && ok; i++) {
		size_t who = rnd_pick(RND_KEYS);
		enum rnd_bad bad = rnd_pick(12) == 0 ? (enum rnd_bad)(1 + rnd_pick(5)) : RB_NONE;
		struct tx tx;
		if (bad == RB_NONCE_LOW && t->nonce[who] == 0)
			bad = RB_NONCE_HIGH;
		rnd_tx(r, &tx, who);
		if (!CHECK(rnd_sign(r, &tx, who, bad))) {
			ok = false;
			break;
		}
		if (ledger_exec_apply(x, &rc, &err, &tx)) {
			ok = CHECK(bad == RB_NONE) && CHECK(rc.index == n);
			t->nonce[who]++;
			r->included[who]++;
			r->fee_seen += tx.fee;
			if (rc.code == 0)
				r->ok++;
			else
				r->failed++;
			if (tx.type == TX_POST && r->nposts < RND_MAX_POSTS)
				r->posts[r->nposts++] = *tx_id(&tx);
			txs[n++] = tx;
		} else {
			/* Invalid on purpose, or an account too poor for the fee. */
			ok = CHECK(bad != RB_NONE || err.code == LEDGER_ERR_FEE_EXCEEDS_BALANCE);
			r->rejected++;
			tx_release(&tx);
		}
	}
	ok = ok && CHECK(ledger_exec_finish(x, &root, &err));
	block_init(&b);
	if (ok) {
		b.header.version = BLOCK_VERSION;
		b.header.chain_id = *ledger_chain_id(t->l);
		b.header.height = tip.height + 1;
		b.header.time = tip.time + t->step;
		b.header.prev_block = tip.block_id;
		b.header.state_root = root;
		b.header.proposer = t->val_ck;
		b.ntx = n;
		b.txs = txs;
		txs = NULL;
		if (b.header.height == 1) {
			commit_init_empty(&b.last_commit);
		} else {
			b.last_commit.height = tip.height;
			b.last_commit.block_id = tip.block_id;
			b.last_commit.n = 1;
			b.last_commit.present[0] = true;
		}
		block_compute_roots(&b.header.tx_root, &b.header.evidence_root,
				    &b.header.last_commit_hash, &b);
		tl_commit_for(&c, &b);
		if (validate) {
			ok = CHECK(ledger_execute_block(t->l, &y, &err, &b));
			ok = ok && CHECK(ledger_commit(t->l, &err, y, &b, &c));
		} else {
			ok = CHECK(ledger_commit(t->l, &err, x, &b, &c));
		}
		if (!ok)
			unit_note("block %llu: %s", (unsigned long long)b.header.height, err.msg);
		r->issued += ledger_reward(ledger_params(t->l), b.header.height);
		if (ok) {
			size_t nr;
			const struct ledger_receipt *rcs = ledger_exec_receipts(validate ? y : x, &nr);
			for (size_t i = 0; i < nr; i++)
				expect_tx(r, &b.txs[i], &rcs[i]);
		}
	}
	ledger_exec_destroy(x);
	ledger_exec_destroy(y);
	block_release(&b);
	if (txs != NULL) {
		for (size_t i = 0; i < n; i++)
			tx_release(&txs[i]);
		free(txs);
	}
	return ok;
}

static void test_random(void)
{
	static struct rnd r;
	const char *env = getenv("ROSTRA_LEDGER_BLOCKS");
	size_t blocks = env ? (size_t)atoi(env) : 200;
	struct ledger_tip before, after;
	uint64_t height;
	struct ledger_error err;
	bool ok = true;

	memset(&r, 0, sizeof(r));
	if (!CHECK(tl_open(&r.t, "regtest", GTIME, RND_KEYS, UINT64_C(100000000000000),
			   UINT64_C(100000000000), NULL)))
		return;
	/* A small cache, so that eviction happens all the time. */
	r.t.opt.cache_bytes = 64 << 10;
	CHECK(tl_reopen(&r.t));
	r.genesis_total = r.t.g.total;
	for (size_t i = 0; i < RND_CKEYS; i++) {
		struct seckey sk;
		tl_key(&sk, &r.ck[i], 61000 + i);
	}
	r.ck[0] = r.t.val_ck; /* always in use */
	/* Unbonding completes after 60 blocks: maturity is exercised. */
	for (size_t h = 1; h <= blocks && ok; h++) {
		ok = rnd_block(&r, rnd_pick(70), h % 3 == 0) && check_all(&r);
		if (ok && h % 50 == 25)
			ok = CHECK(tl_reopen(&r.t)) && check_all(&r);
	}
	unit_note("random: %zu blocks, %zu included (%zu ok, %zu failed actions), %zu rejected",
		  blocks, r.ok + r.failed, r.ok, r.failed, r.rejected);
	CHECK(r.ok > 1000 && r.failed > 200 && r.rejected > 100);
	/* The rebuild reaches the same state. */
	ledger_get_tip(r.t.l, &before);
	ledger_close(r.t.l);
	r.t.l = NULL;
	CHECK(ledger_rebuild(&err, &height, r.t.db, &r.t.g, &r.t.opt) && height == before.height);
	r.t.l = ledger_open(&err, r.t.db, &r.t.g, &r.t.opt);
	if (CHECK(r.t.l != NULL)) {
		ledger_get_tip(r.t.l, &after);
		CHECK(memcmp(&before, &after, sizeof(before)) == 0);
		CHECK(check_all(&r));
	}
	kvs_free(&r.history);
	kvs_free(&r.txrecs);
	tl_close(&r.t);
}

/* ------------------------------------------------------------ sybils and rings */

static bool blocks_of(struct tl *t, struct tx *txs, size_t n, size_t per_block)
{
	bool ok = true;
	for (size_t i = 0; i < n && ok; i += per_block) {
		size_t m = n - i < per_block ? n - i : per_block;
		uint16_t codes[1000];
		ok = CHECK(tl_block(t, NULL, codes, txs + i, m));
		for (size_t k = 0; ok && k < m; k++)
			ok = CHECK(codes[k] == LEDGER_CODE_OK);
	}
	for (size_t i = 0; i < n; i++)
		tx_release(&txs[i]);
	return ok;
}

/* E12: a thousand zero-stake accounts, full power, each upvotes Alice's
 * post with +10000 and endorses her with 10000: her reputation moves by
 * exactly zero. Alice = key 1; her reputation R comes from one staked
 * endorser (key 2). Sybils: keys 3..1002. */
static void test_sybils(void)
{
	struct tl t;
	struct tx *txs = calloc(2000, sizeof(*txs));
	struct tx one[2];
	struct hash256 p;
	int64_t r0;
	bool ok;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 1003, UINT64_C(1000000000), 1000, NULL))) {
		free(txs);
		return;
	}
	/* Key 2 has 10 ROS: stake 5 and endorse Alice. */
	tl_tx(&t, &one[0], 2, TX_STAKE);
	one[0].u.stake.validator = t.pk[0];
	one[0].u.stake.amount = 500000000;
	CHECK(tl_sign(&t, &one[0], 2));
	tl_tx(&t, &one[1], 1, TX_POST);
	one[1].u.post.body.p = (const uint8_t *)"hello";
	one[1].u.post.body.len = 5;
	CHECK(tl_sign(&t, &one[1], 1));
	p = *tx_id(&one[1]);
	CHECK(blocks_of(&t, one, 2, 2));
	tl_tx(&t, &one[0], 2, TX_ENDORSE);
	one[0].u.endorse.subject = t.pk[1];
	one[0].u.endorse.weight = 10000;
	CHECK(tl_sign(&t, &one[0], 2));
	CHECK(blocks_of(&t, one, 1, 1));
	r0 = tl_account(&t, 1).reputation;
	CHECK(r0 == 500); /* 5e8 x 1e4 / 1e10 */
	for (size_t i = 0; i < 1000; i++) {
		size_t who = 3 + i;
		tl_tx(&t, &txs[2 * i], who, TX_VOTE);
		txs[2 * i].u.vote.post = p;
		txs[2 * i].u.vote.weight = 10000;
		CHECK(tl_sign(&t, &txs[2 * i], who));
		tl_tx(&t, &txs[2 * i + 1], who, TX_ENDORSE);
		txs[2 * i + 1].u.endorse.subject = t.pk[1];
		txs[2 * i + 1].u.endorse.weight = 10000;
		CHECK(tl_sign(&t, &txs[2 * i + 1], who));
	}
	ok = blocks_of(&t, txs, 2000, 500);
	if (ok) {
		struct ledger_query *q = ledger_query_create(t.db);
		struct ledger_post post;
		struct ledger_stats st;
		struct ledger_error err;
		struct buf store = BUF_INIT;
		bool found;
		CHECK(tl_account(&t, 1).reputation == r0);
		CHECK(ledger_q_post(q, &found, &post, &st, &store, &err, &p) && found);
		CHECK(st.upvotes == 10000000 && st.votes == 1000 && st.downvotes == 0);
		for (size_t i = 0; i < 1000; i += 111) {
			struct ledger_account a = tl_account(&t, 3 + i);
			struct ledger_vote v;
			struct ledger_endorsement e;
			CHECK(a.vp == 9800 && a.endorse_used == 10000 && a.staked == 0);
			CHECK(ledger_q_vote(q, &found, &v, &err, &t.pk[3 + i], &p) && found &&
			      v.weight == 10000 && v.rep_delta == 0);
			CHECK(ledger_q_endorsement(q, &found, &e, &err, &t.pk[3 + i], &t.pk[1]) &&
			      found && e.weight == 10000 && e.rep_delta == 0);
		}
		buf_release(&store);
		ledger_query_destroy(q);
		CHECK(tl_root_ok(&t));
	}
	free(txs);
	tl_close(&t);
}

/* E13 at full size, reached without touching the state by hand: ten
 * accounts R1..R10 (keys 3..12) with S = 10^12 each get reputation -1 from
 * a downvote by D (key 1, positive reputation from an endorsement by key
 * 2, S = 1.5 x 10^10: a vote of weight -1 at power p > 6666 moves 1). Then every
 * member upvotes every other member's post and endorses every other member
 * with 1000, twice over with other weights: all stay at -1; their
 * downvotes on an outsider (key 13) at 0 record 0. */
static void test_negative_ring(void)
{
	struct tl t;
	struct tx *txs = calloc(400, sizeof(*txs));
	struct hash256 posts[10], outsider;
	size_t n = 0;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 14, UINT64_C(2000000000000), 1000, NULL))) {
		free(txs);
		return;
	}
	/* D and its endorser stake; members stake and post; the outsider posts. */
	tl_tx(&t, &txs[n], 1, TX_STAKE);
	txs[n].u.stake.validator = t.pk[0];
	txs[n].u.stake.amount = 15000000000u;
	CHECK(tl_sign(&t, &txs[n++], 1));
	tl_tx(&t, &txs[n], 2, TX_STAKE);
	txs[n].u.stake.validator = t.pk[0];
	txs[n].u.stake.amount = 1000000000000u;
	CHECK(tl_sign(&t, &txs[n++], 2));
	for (size_t m = 0; m < 10; m++) {
		tl_tx(&t, &txs[n], 3 + m, TX_STAKE);
		txs[n].u.stake.validator = t.pk[0];
		txs[n].u.stake.amount = 1000000000000u;
		CHECK(tl_sign(&t, &txs[n++], 3 + m));
		tl_tx(&t, &txs[n], 3 + m, TX_POST);
		txs[n].u.post.body.p = (const uint8_t *)"ring";
		txs[n].u.post.body.len = 4;
		CHECK(tl_sign(&t, &txs[n], 3 + m));
		posts[m] = *tx_id(&txs[n++]);
	}
	tl_tx(&t, &txs[n], 13, TX_POST);
	txs[n].u.post.body.p = (const uint8_t *)"outside";
	txs[n].u.post.body.len = 7;
	CHECK(tl_sign(&t, &txs[n], 13));
	outsider = *tx_id(&txs[n++]);
	tl_tx(&t, &txs[n], 2, TX_ENDORSE);
	txs[n].u.endorse.subject = t.pk[1];
	txs[n].u.endorse.weight = 10000;
	CHECK(tl_sign(&t, &txs[n++], 2));
	CHECK(blocks_of(&t, txs, n, 100));
	CHECK(tl_account(&t, 1).reputation == 1000000);
	n = 0;
	for (size_t m = 0; m < 10; m++) {
		tl_tx(&t, &txs[n], 1, TX_VOTE);
		txs[n].u.vote.post = posts[m];
		txs[n].u.vote.weight = -1;
		CHECK(tl_sign(&t, &txs[n++], 1));
	}
	CHECK(blocks_of(&t, txs, n, 100));
	for (size_t m = 0; m < 10; m++)
		CHECK(tl_account(&t, 3 + m).reputation == -1);
	for (int round = 0; round < 2; round++) {
		n = 0;
		for (size_t a = 0; a < 10; a++)
			for (size_t b = 0; b < 10; b++) {
				if (a == b)
					continue;
				tl_tx(&t, &txs[n], 3 + a, TX_VOTE);
				txs[n].u.vote.post = posts[b];
				txs[n].u.vote.weight = round ? 7000 : 10000;
				CHECK(tl_sign(&t, &txs[n++], 3 + a));
				tl_tx(&t, &txs[n], 3 + a, TX_ENDORSE);
				txs[n].u.endorse.subject = t.pk[3 + b];
				txs[n].u.endorse.weight = round ? 900 : 1000;
				CHECK(tl_sign(&t, &txs[n++], 3 + a));
			}
		CHECK(blocks_of(&t, txs, n, 90));
		for (size_t m = 0; m < 10; m++)
			CHECK(tl_account(&t, 3 + m).reputation == -1);
	}
	n = 0;
	for (size_t m = 0; m < 10; m++) {
		tl_tx(&t, &txs[n], 3 + m, TX_VOTE);
		txs[n].u.vote.post = outsider;
		txs[n].u.vote.weight = -10000;
		CHECK(tl_sign(&t, &txs[n++], 3 + m));
	}
	CHECK(blocks_of(&t, txs, n, 100));
	CHECK(tl_account(&t, 13).reputation == 0);
	CHECK(tl_root_ok(&t));
	free(txs);
	tl_close(&t);
}

/* ------------------------------------------------------------ crash */

#define CRASH_BLOCKS 120
#define CRASH_KILLS 200

/* The reference run: CRASH_BLOCKS blocks of mixed transactions, each
 * written to a file (height u64, block length u32, block, commit length
 * u32, commit), and the root reached at each height. */
static bool crash_reference(const char *file, struct hash256 *roots)
{
	static struct rnd r;
	struct ledger_tip tip;
	FILE *f;
	bool ok = true;
	memset(&r, 0, sizeof(r));
	if (!tl_open(&r.t, "regtest", GTIME, RND_KEYS, UINT64_C(100000000000000),
		     UINT64_C(100000000000), NULL))
		return false;
	for (size_t i = 0; i < RND_CKEYS; i++) {
		struct seckey sk;
		tl_key(&sk, &r.ck[i], 61000 + i);
	}
	ledger_get_tip(r.t.l, &tip);
	roots[0] = tip.state_root;
	for (size_t h = 1; h <= CRASH_BLOCKS && ok; h++) {
		ok = rnd_block(&r, 30, false);
		ledger_get_tip(r.t.l, &tip);
		roots[h] = tip.state_root;
	}
	f = fopen(file, "wb");
	for (uint64_t h = 1; ok && f != NULL && h <= CRASH_BLOCKS; h++) {
		struct ledger_query *q = ledger_query_create(r.t.db);
		struct ledger_error err;
		struct buf blk = BUF_INIT, com = BUF_INIT;
		bool found1, found2;
		ok = ledger_q_block(q, &found1, &blk, &err, h) &&
		     ledger_q_commit(q, &found2, &com, &err, h) && found1 && found2;
		if (ok) {
			uint32_t l1 = (uint32_t)blk.len, l2 = (uint32_t)com.len;
			ok = fwrite(&h, 8, 1, f) == 1 && fwrite(&l1, 4, 1, f) == 1 &&
			     fwrite(blk.data, 1, l1, f) == l1 && fwrite(&l2, 4, 1, f) == 1 &&
			     fwrite(com.data, 1, l2, f) == l2;
		}
		buf_release(&blk);
		buf_release(&com);
		ledger_query_destroy(q);
	}
	ok = ok && f != NULL && fclose(f) == 0;
	kvs_free(&r.history);
	kvs_free(&r.txrecs);
	tl_close(&r.t);
	return ok;
}

/* The writer (a child process): open the chain at path and commit the
 * blocks of the file from the tip on, forever (restarting the file when
 * done is the parent's job). */
static int crash_child(const char *path, const char *file)
{
	static struct tl t;
	struct ledger_tip tip;
	FILE *f;
	if (!crypto_init() || !tl_genesis(&t, "regtest", GTIME, RND_KEYS, UINT64_C(100000000000000),
					  UINT64_C(100000000000), NULL) ||
	    !tl_open_at(&t, path))
		return 2;
	ledger_get_tip(t.l, &tip);
	f = fopen(file, "rb");
	if (f == NULL)
		return 3;
	for (;;) {
		uint64_t h;
		uint32_t l1, l2;
		static uint8_t bb[BLOCK_MAX_SIZE], cb[16384];
		struct block b;
		struct commit c;
		struct ledger_exec *x;
		struct ledger_error err;
		enum prim_err pe;
		if (fread(&h, 8, 1, f) != 1)
			return 0;
		if (fread(&l1, 4, 1, f) != 1 || l1 > sizeof(bb) || fread(bb, 1, l1, f) != l1 ||
		    fread(&l2, 4, 1, f) != 1 || l2 > sizeof(cb) || fread(cb, 1, l2, f) != l2)
			return 4;
		if (h <= tip.height)
			continue;
		if (!block_decode(&b, bb, l1, &pe) || !commit_decode(&c, cb, l2, &pe))
			return 5;
		if (!ledger_execute_block(t.l, &x, &err, &b) || !ledger_commit(t.l, &err, x, &b, &c)) {
			fprintf(stderr, "crash child: %s\n", err.msg);
			return 6;
		}
		ledger_exec_destroy(x);
		block_release(&b);
	}
}

static const char *self_argv0 = "test_ledger_big";

static pid_t spawn_writer(const char *path, const char *file)
{
	pid_t pid;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *const argv[] = { (char *)self_argv0, (char *)"--crash-child", (char *)path,
				       (char *)file, NULL };
		execv("/proc/self/exe", argv);
		execv(self_argv0, argv);
		_exit(127);
	}
	return pid;
}

/* Reopen after a kill: the tip is a committed block whose header root, and
 * the reference root at that height, are the state's root. */
static bool crash_check(struct tl *t, const char *path, const struct hash256 *roots,
			uint64_t *height)
{
	struct ledger_tip tip;
	bool ok, opened = false;
	/* The killed writer's lock can outlive waitpid by a moment: Linux may
	 * hand the final close of a dying process's files to a work queue. */
	for (int i = 0; i < 100 && !opened; i++) {
		opened = tl_open_at(t, path);
		if (!opened)
			nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	if (!CHECK(opened))
		return false;
	ledger_get_tip(t->l, &tip);
	*height = tip.height;
	ok = CHECK(tip.height <= CRASH_BLOCKS) &&
	     CHECK(memcmp(tip.state_root.b, roots[tip.height].b, 32) == 0) && CHECK(tl_root_ok(t));
	if (ok && tip.height > 0) {
		struct ledger_query *q = ledger_query_create(t->db);
		struct ledger_error err;
		struct buf raw = BUF_INIT;
		struct block_header hdr;
		struct block b;
		enum prim_err pe;
		bool found;
		ok = CHECK(ledger_q_block(q, &found, &raw, &err, tip.height) && found) &&
		     CHECK(block_decode(&b, raw.data, raw.len, &pe));
		if (ok) {
			hdr = b.header;
			ok = CHECK(memcmp(hdr.state_root.b, tip.state_root.b, 32) == 0);
			block_release(&b);
		}
		/* Nothing of the next block is there. */
		ok = ok && CHECK(ledger_q_block(q, &found, &raw, &err, tip.height + 1) && !found);
		buf_release(&raw);
		ledger_query_destroy(q);
	}
	ledger_close(t->l);
	db_close(t->db);
	t->l = NULL;
	t->db = NULL;
	return ok;
}

static void test_crash(void)
{
	static struct hash256 roots[CRASH_BLOCKS + 1];
	static struct tl t;
	char dir[256], path[300], file[300];
	uint64_t heights = 0, full = 0, prev = 0;
	int kills = 0;
	bool ok = true;

	if (!CHECK(tl_tmpdir(dir, sizeof(dir))))
		return;
	snprintf(path, sizeof(path), "%s/db", dir);
	snprintf(file, sizeof(file), "%s/blocks", dir);
	if (!CHECK(crash_reference(file, roots)) ||
	    !CHECK(tl_genesis(&t, "regtest", GTIME, RND_KEYS, UINT64_C(100000000000000),
			      UINT64_C(100000000000), NULL))) {
		tl_rmtree(dir);
		return;
	}
	while (ok && kills < CRASH_KILLS) {
		pid_t pid = spawn_writer(path, file);
		uint64_t h = 0;
		int st;
		struct timespec d = { 0, 0 };
		/* Up to 60 ms: the writer opens, then commits blocks. */
		d.tv_nsec = (long)(2000 + rnd_pick(60000)) * 1000;
		nanosleep(&d, NULL);
		kill(pid, SIGKILL);
		if (!CHECK(waitpid(pid, &st, 0) == pid))
			break;
		if (WIFEXITED(st)) {
			ok = CHECK(WEXITSTATUS(st) == 0);
			if (!ok)
				unit_note("writer exited with %d", WEXITSTATUS(st));
		} else {
			kills++;
		}
		ok = ok && crash_check(&t, path, roots, &h);
		heights += h;
		ok = ok && CHECK(h >= prev);
		prev = h;
		if (ok && h == CRASH_BLOCKS) {
			/* Done: start over from an empty store. */
			char e[DB_ERR_LEN];
			full++;
			prev = 0;
			ok = CHECK(db_destroy_files(e, sizeof(e), path));
		}
	}
	unit_note("crash: %d kills, %llu full runs, mean height at kill %llu", kills,
		  (unsigned long long)full, (unsigned long long)(kills ? heights / (uint64_t)kills : 0));
	CHECK(kills >= CRASH_KILLS);
	ledger_genesis_release(&t.g);
	tl_rmtree(dir);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_random),
	UNIT_CASE(test_sybils),
	UNIT_CASE(test_negative_ring),
	UNIT_CASE(test_crash),
};

int main(int argc, char **argv)
{
	int rc;
	if (argc > 0)
		self_argv0 = argv[0];
	if (argc == 4 && strcmp(argv[1], "--crash-child") == 0)
		return crash_child(argv[2], argv[3]);
	if (!crypto_init())
		return 1;
	rc = unit_run(cases, UNIT_COUNT(cases));
	crypto_cleanup();
	return rc;
}
