/* The mixed-transaction generator of the ledger_block_* benchmark and of
 * bench_sync_chain (doc/bench.md): one social network's day in
 * miniature, from a fixed seed, so that every run and both programs
 * measure the same transactions. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"

#define MIX_RING 4096           /* remembered follows and stakes */
#define MIX_SEED UINT64_C(0x726f73747261)

/* Text the post bodies are cut from: ASCII and UTF-8, like posts. */
static const char mix_text[] =
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
static const char *const mix_tags[] = { "c", "consensus", "dev", "leveldb", "meetup", "nodes",
					"photos", "rostra" };
#define MIX_NTAGS (sizeof(mix_tags) / sizeof(mix_tags[0]))
static const char mix_memo[] = "thanks for the coffee";

struct mix_pair {
	uint32_t a, b;
};

/* What the generator knows of the chain so far: the committed posts, and
 * recent follows and stakes to undo. */
struct bench_mix {
	struct bench_chain *c;
	uint64_t rng;
	struct hash256 *posts;
	size_t nposts, capposts;
	struct mix_pair follows[MIX_RING];
	size_t nfollows;
	uint32_t stakers[MIX_RING];
	size_t nstakers;
	uint64_t handle_seq;
	char scratch[BENCH_MIX_BLOCK_TXS][48]; /* handles of the block being made */
};

struct bench_mix *bench_mix_create(struct bench_chain *c)
{
	struct bench_mix *m = calloc(1, sizeof(*m));
	if (m == NULL)
		bench_die("memory", "out of memory");
	m->c = c;
	m->rng = MIX_SEED;
	return m;
}

void bench_mix_destroy(struct bench_mix *m)
{
	if (m == NULL)
		return;
	free(m->posts);
	free(m);
}

void bench_mix_note_post(struct bench_mix *m, const struct hash256 *id)
{
	if (m->nposts == m->capposts) {
		m->capposts = m->capposts ? 2 * m->capposts : 4096;
		m->posts = realloc(m->posts, m->capposts * sizeof(*m->posts));
		if (m->posts == NULL)
			bench_die("memory", "out of memory");
	}
	m->posts[m->nposts++] = *id;
}

static size_t mix_sender(struct bench_mix *m)
{
	return bench_pick(&m->rng, m->c->nkeys);
}

static size_t mix_other(struct bench_mix *m, size_t who)
{
	size_t t = bench_pick(&m->rng, m->c->nkeys - 1);
	return t >= who ? t + 1 : t;
}

/* A recent post more often than an old one, as in a live timeline. */
static const struct hash256 *mix_post(struct bench_mix *m)
{
	size_t n = m->nposts, window = n < 2000 ? n : 2000;
	if (bench_pick(&m->rng, 4) != 0)
		return &m->posts[n - 1 - bench_pick(&m->rng, window)];
	return &m->posts[bench_pick(&m->rng, n)];
}

static void mix_body(struct bench_mix *m, struct tx *tx)
{
	size_t len = 40 + bench_pick(&m->rng, 240);
	size_t max = sizeof(mix_text) - 1 - len;
	size_t off = bench_pick(&m->rng, max);
	/* Start and end on UTF-8 boundaries (the text holds a few 2- and
	 * 3-byte characters). */
	while (off > 0 && ((uint8_t)mix_text[off] & 0xc0) == 0x80)
		off--;
	while (len > 1 && ((uint8_t)mix_text[off + len] & 0xc0) == 0x80)
		len--;
	tx->u.post.body.p = (const uint8_t *)mix_text + off;
	tx->u.post.body.len = len;
	tx->u.post.ntags = bench_pick(&m->rng, 4);
	size_t first = bench_pick(&m->rng, MIX_NTAGS - tx->u.post.ntags + 1);
	for (size_t i = 0; i < tx->u.post.ntags; i++) {
		const char *t = mix_tags[first + i];
		tx->u.post.tags[i].p = (const uint8_t *)t;
		tx->u.post.tags[i].len = strlen(t);
	}
}

static void mix_post_tx(struct bench_mix *m, struct tx *tx, size_t who, bool reply)
{
	bench_chain_tx(m->c, tx, who, TX_POST);
	if (reply && m->nposts > 0) {
		tx->u.post.has_parent = true;
		tx->u.post.parent = *mix_post(m);
	}
	mix_body(m, tx);
}

static void mix_vote_tx(struct bench_mix *m, struct tx *tx, size_t who)
{
	bench_chain_tx(m->c, tx, who, TX_VOTE);
	tx->u.vote.post = *mix_post(m);
	tx->u.vote.weight = (int16_t)(1 + bench_pick(&m->rng, 10000));
	if (bench_pick(&m->rng, 5) == 0)
		tx->u.vote.weight = (int16_t)-tx->u.vote.weight;
}

static void mix_transfer_tx(struct bench_mix *m, struct tx *tx, size_t who)
{
	bench_chain_tx(m->c, tx, who, TX_TRANSFER);
	tx->u.transfer.to = m->c->pk[mix_other(m, who)];
	tx->u.transfer.amount = 1 + bench_pick(&m->rng, 100000000);
	if (bench_pick(&m->rng, 3) == 0) {
		tx->u.transfer.memo.p = (const uint8_t *)mix_memo;
		tx->u.transfer.memo.len = sizeof(mix_memo) - 1;
	}
}

static void mix_endorse_tx(struct bench_mix *m, struct tx *tx, size_t who)
{
	bench_chain_tx(m->c, tx, who, TX_ENDORSE);
	tx->u.endorse.subject = m->c->pk[mix_other(m, who)];
	tx->u.endorse.weight = (uint16_t)(1 + bench_pick(&m->rng, 1500));
}

static void mix_profile_tx(struct bench_mix *m, struct tx *tx, size_t who, size_t slot)
{
	char *h = m->scratch[slot];
	int n = snprintf(h, sizeof(m->scratch[slot]), "user_%llu",
			 (unsigned long long)m->handle_seq++);
	bench_chain_tx(m->c, tx, who, TX_PROFILE);
	tx->u.profile.handle.p = (const uint8_t *)h;
	tx->u.profile.handle.len = (size_t)n;
	tx->u.profile.name.p = (const uint8_t *)"Rostra user";
	tx->u.profile.name.len = 11;
	tx->u.profile.about.p = (const uint8_t *)mix_text;
	tx->u.profile.about.len = 80 + bench_pick(&m->rng, 60);
}

static void mix_follow_tx(struct bench_mix *m, struct tx *tx, size_t who)
{
	size_t t = mix_other(m, who);
	bench_chain_tx(m->c, tx, who, TX_FOLLOW);
	tx->u.follow.target = m->c->pk[t];
	m->follows[m->nfollows++ % MIX_RING] = (struct mix_pair){ (uint32_t)who, (uint32_t)t };
}

/* Undo a remembered follow (a follow of a later block than this one's,
 * undone twice, or replaced in the ring fails with a receipt code: a
 * failed action is part of a realistic mix too). */
static void mix_unfollow_tx(struct bench_mix *m, struct tx *tx)
{
	size_t n = m->nfollows < MIX_RING ? m->nfollows : MIX_RING;
	struct mix_pair p = m->follows[bench_pick(&m->rng, n)];
	bench_chain_tx(m->c, tx, p.a, TX_UNFOLLOW);
	tx->u.follow.target = m->c->pk[p.b];
}

static void mix_stake_tx(struct bench_mix *m, struct tx *tx, size_t who, bool unstake)
{
	if (unstake && m->nstakers > 0) {
		size_t n = m->nstakers < MIX_RING ? m->nstakers : MIX_RING;
		who = m->stakers[bench_pick(&m->rng, n)];
	} else {
		unstake = false;
		m->stakers[m->nstakers++ % MIX_RING] = (uint32_t)who;
	}
	bench_chain_tx(m->c, tx, who, unstake ? TX_UNSTAKE : TX_STAKE);
	tx->u.stake.validator = m->c->g.validators[0].operator_key;
	tx->u.stake.amount = unstake ? 1000 + bench_pick(&m->rng, 100000)
				     : 1000000 + bench_pick(&m->rng, 1000000000);
}

/* The mix in percentages: post 25, reply 15, vote 25, transfer 12,
 * follow 10, endorse 5, profile 3, unfollow 2, stake 2, unstake 1. Before
 * any post exists, replies and votes are posts; before any follow, an
 * unfollow is a follow. */
void bench_mix_tx(struct bench_mix *m, struct tx *tx, size_t slot)
{
	assert(slot < BENCH_MIX_BLOCK_TXS);
	size_t who = mix_sender(m), kind = bench_pick(&m->rng, 100);
	if (m->nposts == 0 && kind >= 25 && kind < 65)
		kind = 0;
	if (kind < 40)
		mix_post_tx(m, tx, who, kind >= 25);
	else if (kind < 65)
		mix_vote_tx(m, tx, who);
	else if (kind < 77)
		mix_transfer_tx(m, tx, who);
	else if (kind < 87)
		mix_follow_tx(m, tx, who);
	else if (kind < 92)
		mix_endorse_tx(m, tx, who);
	else if (kind < 95)
		mix_profile_tx(m, tx, who, slot);
	else if (kind < 97 && m->nfollows == 0)
		mix_follow_tx(m, tx, who);
	else if (kind < 97)
		mix_unfollow_tx(m, tx);
	else
		mix_stake_tx(m, tx, who, kind == 99);
}
