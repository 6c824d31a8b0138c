/* Block execution plus commit (doc/bench.md, ledger_block_*).
 *
 * A builder chain makes blocks of LB_TXS mixed transactions the way a
 * proposer does; a second ledger, on its own database with an empty
 * signature cache, then validates each block with ledger_execute_block and
 * commits it with ledger_commit: LevelDB, the synced batch, the indexes,
 * the state root, and tx_check plus every signature on the ledger's worker
 * pool, none of them seen before. The bound is raw BIP340 verification of
 * the same signatures on as many threads, measured in slices between the
 * timed blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "util/clock.h"

#define LB_KEYS 10000
#define LB_TXS 1000
#define LB_WARM 5               /* blocks validated before the timing */
#define LB_TIMED 20
#define LB_QUICK_TIMED 5
#define LB_BALANCE UINT64_C(100000000000)
#define LB_RING 4096            /* remembered follows and stakes */

/* Text the post bodies are cut from: ASCII and UTF-8, like posts. */
static const char lb_text[] =
	"Consensus finalised the block in two rounds; the ledger applied it and the feed "
	"showed the new posts a moment later. Today I learned that a Merkle tree without "
	"the duplicate-leaf ambiguity needs its leaves and nodes hashed under different "
	"tags. Café au lait, then back to reviewing the mempool's eviction order — lowest "
	"fee rate first, and never a gap in a sender's nonces. Does anyone run a validator "
	"on a small board? My node syncs at home on two cores and stays in step with the "
	"network. Reputation moves only with stake behind the votes, so a thousand empty "
	"accounts move nothing at all. Photos from the meetup are up; thanks to everyone "
	"who came, and see you next month at the same place.";
/* Tags in a post are in strictly increasing order (protocol.md). */
static const char *const lb_tags[] = { "c", "consensus", "dev", "leveldb", "meetup", "nodes",
				       "photos", "rostra" };
#define LB_NTAGS (sizeof(lb_tags) / sizeof(lb_tags[0]))
static const char lb_memo[] = "thanks for the coffee";

/* The node's defaults. */
static const struct bench_store lb_store = BENCH_STORE_DEFAULT;

struct lb_pair {
	uint32_t a, b;
};

/* What the generator knows of the chain so far: the committed posts, and
 * recent follows and stakes to undo. */
struct lb_model {
	struct bench_chain *c;
	uint64_t rng;
	struct hash256 *posts;
	size_t nposts, capposts;
	struct lb_pair follows[LB_RING];
	size_t nfollows;
	uint32_t stakers[LB_RING];
	size_t nstakers;
	uint64_t handle_seq;
	char scratch[LB_TXS][48];  /* handles and names of the block being made */
	size_t failed, included;
};

static size_t lb_sender(struct lb_model *m)
{
	return bench_pick(&m->rng, m->c->nkeys);
}

static size_t lb_other(struct lb_model *m, size_t who)
{
	size_t t = bench_pick(&m->rng, m->c->nkeys - 1);
	return t >= who ? t + 1 : t;
}

/* A recent post more often than an old one, as in a live timeline. */
static const struct hash256 *lb_post(struct lb_model *m)
{
	size_t n = m->nposts, window = n < 2000 ? n : 2000;
	if (bench_pick(&m->rng, 4) != 0)
		return &m->posts[n - 1 - bench_pick(&m->rng, window)];
	return &m->posts[bench_pick(&m->rng, n)];
}

static void lb_body(struct lb_model *m, struct tx *tx)
{
	size_t len = 40 + bench_pick(&m->rng, 240);
	size_t max = sizeof(lb_text) - 1 - len;
	size_t off = bench_pick(&m->rng, max);
	/* Start and end on UTF-8 boundaries (the text holds a few 2- and
	 * 3-byte characters). */
	while (off > 0 && ((uint8_t)lb_text[off] & 0xc0) == 0x80)
		off--;
	while (len > 1 && ((uint8_t)lb_text[off + len] & 0xc0) == 0x80)
		len--;
	tx->u.post.body.p = (const uint8_t *)lb_text + off;
	tx->u.post.body.len = len;
	tx->u.post.ntags = bench_pick(&m->rng, 4);
	size_t first = bench_pick(&m->rng, LB_NTAGS - tx->u.post.ntags + 1);
	for (size_t i = 0; i < tx->u.post.ntags; i++) {
		const char *t = lb_tags[first + i];
		tx->u.post.tags[i].p = (const uint8_t *)t;
		tx->u.post.tags[i].len = strlen(t);
	}
}

static void lb_post_tx(struct lb_model *m, struct tx *tx, size_t who, bool reply)
{
	bench_chain_tx(m->c, tx, who, TX_POST);
	if (reply && m->nposts > 0) {
		tx->u.post.has_parent = true;
		tx->u.post.parent = *lb_post(m);
	}
	lb_body(m, tx);
}

static void lb_profile_tx(struct lb_model *m, struct tx *tx, size_t who, size_t slot)
{
	char *h = m->scratch[slot];
	int n = snprintf(h, sizeof(m->scratch[slot]), "user_%llu",
			 (unsigned long long)m->handle_seq++);
	bench_chain_tx(m->c, tx, who, TX_PROFILE);
	tx->u.profile.handle.p = (const uint8_t *)h;
	tx->u.profile.handle.len = (size_t)n;
	tx->u.profile.name.p = (const uint8_t *)"Rostra user";
	tx->u.profile.name.len = 11;
	tx->u.profile.about.p = (const uint8_t *)lb_text;
	tx->u.profile.about.len = 80 + bench_pick(&m->rng, 60);
}

static void lb_follow_tx(struct lb_model *m, struct tx *tx, size_t who)
{
	size_t t = lb_other(m, who);
	bench_chain_tx(m->c, tx, who, TX_FOLLOW);
	tx->u.follow.target = m->c->pk[t];
	m->follows[m->nfollows++ % LB_RING] = (struct lb_pair){ (uint32_t)who, (uint32_t)t };
}

/* Undo a remembered follow (a follow of a later block than this one's,
 * undone twice, or replaced in the ring fails with a receipt code: a
 * failed action is part of a realistic mix too). */
static void lb_unfollow_tx(struct lb_model *m, struct tx *tx)
{
	size_t n = m->nfollows < LB_RING ? m->nfollows : LB_RING;
	struct lb_pair p = m->follows[bench_pick(&m->rng, n)];
	bench_chain_tx(m->c, tx, p.a, TX_UNFOLLOW);
	tx->u.follow.target = m->c->pk[p.b];
}

static void lb_stake_tx(struct lb_model *m, struct tx *tx, size_t who, bool unstake)
{
	if (unstake && m->nstakers > 0) {
		size_t n = m->nstakers < LB_RING ? m->nstakers : LB_RING;
		who = m->stakers[bench_pick(&m->rng, n)];
	} else {
		unstake = false;
		m->stakers[m->nstakers++ % LB_RING] = (uint32_t)who;
	}
	bench_chain_tx(m->c, tx, who, unstake ? TX_UNSTAKE : TX_STAKE);
	tx->u.stake.validator = m->c->g.validators[0].operator_key;
	tx->u.stake.amount = unstake ? 1000 + bench_pick(&m->rng, 100000)
				     : 1000000 + bench_pick(&m->rng, 1000000000);
}

/* One transaction of the mix (percentages): post 25, reply 15, vote 25,
 * transfer 12, follow 10, endorse 5, profile 3, unfollow 2, stake 2,
 * unstake 1. Before any post exists, replies and votes are posts; before
 * any follow, an unfollow is a follow. */
static void lb_tx(struct lb_model *m, struct tx *tx, size_t slot)
{
	size_t who = lb_sender(m), kind = bench_pick(&m->rng, 100);
	if (m->nposts == 0 && kind >= 25 && kind < 65)
		kind = 0;
	if (kind < 40) {
		lb_post_tx(m, tx, who, kind >= 25);
	} else if (kind < 65) {
		bench_chain_tx(m->c, tx, who, TX_VOTE);
		tx->u.vote.post = *lb_post(m);
		tx->u.vote.weight = (int16_t)(1 + bench_pick(&m->rng, 10000));
		if (bench_pick(&m->rng, 5) == 0)
			tx->u.vote.weight = (int16_t)-tx->u.vote.weight;
	} else if (kind < 77) {
		bench_chain_tx(m->c, tx, who, TX_TRANSFER);
		tx->u.transfer.to = m->c->pk[lb_other(m, who)];
		tx->u.transfer.amount = 1 + bench_pick(&m->rng, 100000000);
		if (bench_pick(&m->rng, 3) == 0) {
			tx->u.transfer.memo.p = (const uint8_t *)lb_memo;
			tx->u.transfer.memo.len = sizeof(lb_memo) - 1;
		}
	} else if (kind < 87) {
		lb_follow_tx(m, tx, who);
	} else if (kind < 92) {
		bench_chain_tx(m->c, tx, who, TX_ENDORSE);
		tx->u.endorse.subject = m->c->pk[lb_other(m, who)];
		tx->u.endorse.weight = (uint16_t)(1 + bench_pick(&m->rng, 1500));
	} else if (kind < 95) {
		lb_profile_tx(m, tx, who, slot);
	} else if (kind < 97) {
		if (m->nfollows == 0)
			lb_follow_tx(m, tx, who);
		else
			lb_unfollow_tx(m, tx);
	} else {
		lb_stake_tx(m, tx, who, kind == 99);
	}
}

/* Make, sign and commit the next block on the builder; remember its posts.
 * Out: b. */
static void lb_make_block(struct lb_model *m, struct block *b)
{
	struct tx *txs = calloc(LB_TXS, sizeof(*txs));
	uint16_t rc[LB_TXS];
	if (txs == NULL)
		bench_die("memory", "out of memory");
	for (size_t i = 0; i < LB_TXS; i++)
		lb_tx(m, &txs[i], i);
	bench_chain_sign(m->c, m->c->l, txs, LB_TXS);
	bench_chain_block(m->c, b, rc, txs, LB_TXS, false);
	for (size_t i = 0; i < LB_TXS; i++) {
		m->included++;
		if (rc[i] != LEDGER_CODE_OK) {
			m->failed++;
			continue;
		}
		if (b->txs[i].type != TX_POST)
			continue;
		if (m->nposts == m->capposts) {
			m->capposts = m->capposts ? 2 * m->capposts : 4096;
			m->posts = realloc(m->posts, m->capposts * sizeof(*m->posts));
			if (m->posts == NULL)
				bench_die("memory", "out of memory");
		}
		m->posts[m->nposts++] = *tx_id(&b->txs[i]);
	}
}

/* The blocks as a validator receives them: encoded, then decoded. */
struct lb_blocks {
	size_t n;
	struct block *b;
};

static void lb_build(struct bench_chain *c, struct lb_blocks *out, size_t n)
{
	struct lb_model *m = calloc(1, sizeof(*m));
	struct buf enc = BUF_INIT;
	enum prim_err e;

	if (m == NULL)
		bench_die("memory", "out of memory");
	m->c = c;
	m->rng = 0x726f73747261;
	bench_chain_open_ledger(c, &c->db, &c->l, "builder", &lb_store);
	out->n = n;
	out->b = calloc(n, sizeof(*out->b));
	if (out->b == NULL)
		bench_die("memory", "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct block built;
		lb_make_block(m, &built);
		buf_reset(&enc);
		if (!block_encode(&enc, &built) || !block_decode(&out->b[i], enc.data, enc.len, &e))
			bench_die("block encode/decode", prim_err_name(e));
		block_release(&built);
	}
	fprintf(stderr, "  (%zu blocks of %d txs built, %.1f%% of the actions failed with a "
		"receipt code)\n", n, LB_TXS, 100.0 * (double)m->failed / (double)m->included);
	bench_chain_close_ledger(c->db, c->l);
	c->db = NULL;
	c->l = NULL;
	buf_release(&enc);
	free(m->posts);
	free(m);
}

/* Validate and commit b; next (NULL for none) is the block that follows,
 * already at hand, as in block sync: its transactions are checked into the
 * signature cache beside the commit's write (ledger_commit_prefetch). */
static void lb_validate(struct ledger *l, const struct block *b, const struct block *next)
{
	struct ledger_error err;
	struct ledger_exec *x;
	struct commit cm;
	if (!ledger_execute_block(l, &x, &err, b))
		bench_die("ledger_execute_block", err.msg);
	bench_chain_commit_for(&cm, b);
	if (next != NULL)
		ledger_commit_prefetch(l, next->txs, next->ntx);
	if (!ledger_commit(l, &err, x, b, &cm))
		bench_die("ledger_commit", err.msg);
	ledger_exec_destroy(x);
}

/* The signatures of blocks [from, to) for the bound. */
struct lb_sigs {
	size_t n;
	struct pubkey *key;
	struct hash256 *msg;
	uint8_t (*sig)[SIG_LEN];
};

static void lb_sigs_make(struct lb_sigs *s, const struct lb_blocks *bl, size_t from, size_t to)
{
	size_t k = 0;
	s->n = (to - from) * LB_TXS;
	s->key = calloc(s->n, sizeof(*s->key));
	s->msg = calloc(s->n, sizeof(*s->msg));
	s->sig = calloc(s->n, sizeof(*s->sig));
	if (s->key == NULL || s->msg == NULL || s->sig == NULL)
		bench_die("memory", "out of memory");
	for (size_t i = from; i < to; i++)
		for (size_t j = 0; j < bl->b[i].ntx; j++, k++) {
			const struct tx *tx = &bl->b[i].txs[j];
			s->key[k] = tx->sender;
			s->msg[k] = *tx_sighash(tx);
			memcpy(s->sig[k], tx->sig, SIG_LEN);
		}
}

static void lb_sigs_release(struct lb_sigs *s)
{
	free(s->key);
	free(s->msg);
	free(s->sig);
}

void bench_ledger_block(struct bench_ctx *b)
{
	struct bench_chain c;
	struct lb_blocks bl;
	struct lb_sigs sigs;
	struct db *db;
	struct ledger *l;
	size_t timed = b->quick ? LB_QUICK_TIMED : LB_TIMED, total = LB_WARM + timed;

	fprintf(stderr, "block execution + commit (%u threads, blocks of %d mixed txs, "
		"%d accounts)\n", b->threads, LB_TXS, LB_KEYS);
	bench_chain_init(&c, LB_KEYS, LB_BALANCE, b->threads);
	lb_build(&c, &bl, total);
	lb_sigs_make(&sigs, &bl, LB_WARM, total);

	/* The validator: its own database and a signature cache that has seen
	 * none of these transactions. */
	bench_chain_open_ledger(&c, &db, &l, "validator", &lb_store);
	/* The last warm-up block prefetches nothing: every check of a timed
	 * block is done inside the timed blocks. */
	for (size_t i = 0; i < LB_WARM; i++)
		lb_validate(l, &bl.b[i], NULL);
	/* Each timed block is followed by a slice of the bound, -seconds
	 * over all the slices: the machine's load weighs on both alike. */
	uint64_t ns = 0, slice = b->seconds * 1000000000ull / timed;
	double bound_sum = 0;
	for (size_t i = LB_WARM; i < total; i++) {
		uint64_t start = clock_mono_ns();
		lb_validate(l, &bl.b[i], i + 1 < total ? &bl.b[i + 1] : NULL);
		ns += clock_mono_ns() - start;
		bound_sum += bench_verify_threads(b->threads, slice, sigs.key, sigs.msg,
						  (const uint8_t (*)[SIG_LEN])sigs.sig, sigs.n);
	}
	double bound = bound_sum / (double)timed;
	double tps = (double)(timed * LB_TXS) * 1e9 / (double)ns;
	bench_figure(b, "ledger_threads", b->threads);
	bench_figure(b, "ledger_block_txs", LB_TXS);
	bench_figure(b, "ledger_blocks_timed", (double)timed);
	bench_figure(b, "ledger_block_tps", tps);
	bench_figure(b, "ledger_verify_threads_per_sec", bound);
	bench_figure(b, "ledger_block_ratio", tps / bound);
	bench_figure(b, "ledger_nonsig_us_per_tx", 1e6 / tps - 1e6 / bound);

	bench_chain_close_ledger(db, l);
	lb_sigs_release(&sigs);
	for (size_t i = 0; i < bl.n; i++)
		block_release(&bl.b[i]);
	free(bl.b);
	bench_chain_release(&c);
}
