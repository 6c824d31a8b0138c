/* Tests of the indexes and queries (query.h): every list with its cursor
 * and page bounds, the feed against a brute-force merge (authors with more
 * posts than the feed head keeps, deep cursors), and cursor errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ledger.h"

#define GTIME UINT64_C(1600000000000)
#define BAL UINT64_C(10000000000000)

static struct tx q_post(struct tl *t, size_t who, const struct hash256 *parent)
{
	struct tx tx;
	tl_tx(t, &tx, who, TX_POST);
	if (parent != NULL) {
		tx.u.post.has_parent = true;
		tx.u.post.parent = *parent;
	}
	tx.u.post.body.p = (const uint8_t *)"q";
	tx.u.post.body.len = 1;
	if (!tl_sign(t, &tx, who))
		abort();
	return tx;
}

static struct tx q_simple(struct tl *t, size_t who, uint8_t type, const struct pubkey *k,
			  uint64_t amount)
{
	struct tx tx;
	tl_tx(t, &tx, who, type);
	switch (type) {
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		tx.u.follow.target = *k;
		break;
	case TX_ENDORSE:
		tx.u.endorse.subject = *k;
		tx.u.endorse.weight = (uint16_t)amount;
		break;
	case TX_STAKE:
	case TX_UNSTAKE:
		tx.u.stake.validator = *k;
		tx.u.stake.amount = amount;
		break;
	case TX_TRANSFER:
		tx.u.transfer.to = *k;
		tx.u.transfer.amount = amount;
		break;
	default:
		abort();
	}
	if (!tl_sign(t, &tx, who))
		abort();
	return tx;
}

static bool block_of(struct tl *t, struct tx *txs, size_t n)
{
	bool ok = tl_block(t, NULL, NULL, txs, n);
	for (size_t i = 0; i < n; i++)
		tx_release(&txs[i]);
	return CHECK(ok);
}

/* The tip a query answers is its snapshot's, though each thread keeps
 * the last one it read: a new block, an older snapshot and another
 * database each get their own. */
static void test_kept_tip(void)
{
	struct tl t;
	struct tx tx;
	struct ledger_tip a, b, c;
	struct ledger_error err;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 3, BAL, 1000, NULL)))
		return;
	struct ledger_query *q1 = ledger_query_create(t.db);
	struct ledger_query *q2 = ledger_query_create(t.db);
	CHECK(ledger_q_tip(q1, &a, NULL, NULL, &err) && ledger_q_tip(q2, &b, NULL, NULL, &err));
	CHECK(a.height == b.height && memcmp(a.block_id.b, b.block_id.b, 32) == 0);
	tx = q_simple(&t, 1, TX_TRANSFER, &t.pk[2], 5);
	CHECK(block_of(&t, &tx, 1));
	struct ledger_query *q3 = ledger_query_create(t.db);
	CHECK(ledger_q_tip(q3, &c, NULL, NULL, &err) && c.height == a.height + 1);
	CHECK(memcmp(c.block_id.b, a.block_id.b, 32) != 0);
	/* The older snapshot still answers its own block, after the newer. */
	CHECK(ledger_q_tip(q1, &b, NULL, NULL, &err) && b.height == a.height);
	CHECK(memcmp(b.block_id.b, a.block_id.b, 32) == 0);
	CHECK(ledger_q_tip(q3, &b, NULL, NULL, &err) && b.height == c.height);
	ledger_query_destroy(q1);
	ledger_query_destroy(q2);
	ledger_query_destroy(q3);
	tl_close(&t);
	/* A new chain: its own tip, not the one kept for the closed one. */
	if (!CHECK(tl_open(&t, "regtest", GTIME + 1, 3, BAL, 1000, NULL)))
		return;
	q1 = ledger_query_create(t.db);
	CHECK(ledger_q_tip(q1, &b, NULL, NULL, &err) && b.height == a.height);
	CHECK(memcmp(b.block_id.b, a.block_id.b, 32) != 0);
	ledger_query_destroy(q1);
	tl_close(&t);
}

/* Posts by author and replies, paged with cursors. */
static void test_posts_and_replies(void)
{
	struct tl t;
	struct tx txs[30];
	struct hash256 ids[25], root;
	struct ledger_query *q;
	struct ledger_page page;
	struct ledger_cursor cur;
	struct ledger_error err;
	size_t seen = 0;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 4, BAL, 1000, NULL)))
		return;
	txs[0] = q_post(&t, 2, NULL);
	root = *tx_id(&txs[0]);
	CHECK(block_of(&t, txs, 1));
	for (size_t i = 0; i < 25; i++) {
		txs[i] = q_post(&t, 1, i % 2 ? &root : NULL);
		ids[i] = *tx_id(&txs[i]);
	}
	CHECK(block_of(&t, txs, 10));
	memmove(txs, txs + 10, 15 * sizeof(txs[0]));
	CHECK(block_of(&t, txs, 15));

	q = ledger_query_create(t.db);
	cur.len = 0;
	do {
		CHECK(ledger_q_posts(q, &page, &err, &t.pk[1], &cur, 7));
		for (size_t i = 0; i < page.n; i++) {
			/* Newest first. */
			CHECK(memcmp(page.items[i].id.b, ids[24 - seen].b, 32) == 0);
			CHECK(memcmp(page.items[i].key.b, t.pk[1].b, 32) == 0);
			seen++;
		}
		cur = page.next;
	} while (page.more && seen < 100);
	CHECK(seen == 25);
	/* Replies oldest first: the odd ones. */
	CHECK(ledger_q_replies(q, &page, &err, &root, NULL, 0) && page.n == 12 && !page.more);
	for (size_t i = 0; i < page.n; i++)
		CHECK(memcmp(page.items[i].id.b, ids[2 * i + 1].b, 32) == 0);
	CHECK(page.items[0].pos.height == 2 && page.items[0].pos.index == 1);
	/* A cursor from another list is refused. */
	CHECK(ledger_q_posts(q, &page, &err, &t.pk[1], NULL, 3) && page.more);
	cur = page.next;
	CHECK(!ledger_q_replies(q, &page, &err, &root, &cur, 3) && err.code == LEDGER_ERR_CURSOR);
	CHECK(!ledger_q_feed(q, &page, &err, &t.pk[1], &cur, 3) && err.code == LEDGER_ERR_CURSOR);
	ledger_query_destroy(q);
	tl_close(&t);
}

/* Votes, history, follows, endorsements, top, validators, stakes. */
static void test_lists(void)
{
	struct tl t;
	struct tx txs[12];
	struct hash256 p;
	struct ledger_query *q;
	struct ledger_page page;
	struct ledger_error err;
	size_t n = 0;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 6, BAL, 1000, NULL)))
		return;
	txs[0] = q_post(&t, 1, NULL);
	p = *tx_id(&txs[0]);
	txs[1] = q_simple(&t, 2, TX_STAKE, &t.pk[0], 1000000000000u);
	txs[2] = q_simple(&t, 3, TX_STAKE, &t.pk[0], 500000000000u);
	CHECK(block_of(&t, txs, 3));
	for (size_t i = 2; i <= 4; i++) {
		tl_tx(&t, &txs[n], i, TX_VOTE);
		txs[n].u.vote.post = p;
		txs[n].u.vote.weight = (int16_t)(i == 4 ? -300 : 1000 * (int)i);
		CHECK(tl_sign(&t, &txs[n], i));
		n++;
	}
	txs[n++] = q_simple(&t, 2, TX_FOLLOW, &t.pk[1], 0);
	txs[n++] = q_simple(&t, 3, TX_FOLLOW, &t.pk[1], 0);
	txs[n++] = q_simple(&t, 1, TX_FOLLOW, &t.pk[3], 0);
	txs[n++] = q_simple(&t, 2, TX_ENDORSE, &t.pk[1], 5000);
	txs[n++] = q_simple(&t, 3, TX_ENDORSE, &t.pk[1], 100);
	txs[n++] = q_simple(&t, 3, TX_ENDORSE, &t.pk[2], 100);
	txs[n++] = q_simple(&t, 5, TX_TRANSFER, &t.pk[1], 5);
	CHECK(block_of(&t, txs, n));

	q = ledger_query_create(t.db);
	CHECK(ledger_q_votes(q, &page, &err, &p, NULL, 0) && page.n == 3);
	for (size_t i = 0; i < page.n; i++) {
		size_t who = 0;
		for (size_t k = 2; k <= 4; k++)
			if (memcmp(page.items[i].key.b, t.pk[k].b, 32) == 0)
				who = k;
		CHECK(who != 0 && page.items[i].value == (who == 4 ? -300 : 1000 * (int64_t)who));
		if (i > 0)
			CHECK(memcmp(page.items[i - 1].key.b, page.items[i].key.b, 32) < 0);
	}
	/* Key 1's history: its post, three votes on it, two follows of it,
	 * its follow of 3, two endorsements, a transfer. Newest first. */
	CHECK(ledger_q_history(q, &page, &err, &t.pk[1], NULL, 0) && page.n == 10);
	CHECK(page.items[0].pos.height == 2 && page.items[9].pos.height == 1);
	for (size_t i = 1; i < page.n; i++)
		CHECK(ledger_pos_cmp(&page.items[i].pos, &page.items[i - 1].pos) < 0);
	CHECK(ledger_q_followers(q, &page, &err, &t.pk[1], NULL, 0) && page.n == 2);
	CHECK(ledger_q_following(q, &page, &err, &t.pk[1], NULL, 0) && page.n == 1 &&
	      memcmp(page.items[0].key.b, t.pk[3].b, 32) == 0);
	CHECK(ledger_q_endorsements_received(q, &page, &err, &t.pk[1], NULL, 0) && page.n == 2);
	CHECK(ledger_q_endorsements_given(q, &page, &err, &t.pk[3], NULL, 0) && page.n == 2 &&
	      page.items[0].value == 100);
	/* Top: 1 (votes and endorsements), then 2 (3's endorsement). */
	CHECK(ledger_q_top(q, &page, &err, NULL, 0) && page.n == 2);
	CHECK(memcmp(page.items[0].key.b, t.pk[1].b, 32) == 0 &&
	      page.items[0].value == tl_account(&t, 1).reputation && page.items[0].value > 0);
	CHECK(memcmp(page.items[1].key.b, t.pk[2].b, 32) == 0 && page.items[1].value == 5000);
	CHECK(ledger_q_validators(q, &page, &err, NULL, 0) && page.n == 1 &&
	      page.items[0].value == 1000 + 1500000000000);
	CHECK(ledger_q_stakers(q, &page, &err, &t.pk[0], NULL, 0) && page.n == 3);
	CHECK(ledger_q_stakes(q, &page, &err, &t.pk[2], NULL, 0) && page.n == 1 &&
	      page.items[0].value == 1000000000000 && memcmp(page.items[0].key.b, t.pk[0].b, 32) == 0);
	ledger_query_destroy(q);
	tl_close(&t);
}

/* The reputation index follows every change, to zero and below. */
static void test_top_moves(void)
{
	struct tl t;
	struct tx txs[2];
	struct ledger_query *q;
	struct ledger_page page;
	struct ledger_error err;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 4, BAL, 1000, NULL)))
		return;
	txs[0] = q_simple(&t, 2, TX_STAKE, &t.pk[0], 1000000000000u);
	CHECK(block_of(&t, txs, 1));
	txs[0] = q_simple(&t, 2, TX_ENDORSE, &t.pk[1], 100);
	CHECK(block_of(&t, txs, 1));
	q = ledger_query_create(t.db);
	CHECK(ledger_q_top(q, &page, &err, NULL, 0) && page.n == 1 && page.items[0].value == 10000);
	ledger_query_destroy(q);
	txs[0] = q_simple(&t, 2, TX_ENDORSE, &t.pk[1], 0);
	CHECK(block_of(&t, txs, 1));
	q = ledger_query_create(t.db);
	CHECK(ledger_q_top(q, &page, &err, NULL, 0) && page.n == 0 && !page.more);
	ledger_query_destroy(q);
	tl_close(&t);
}

/* ------------------------------------------------------------ feed */

/* The feed of `who` by brute force: every post of an account it follows
 * (from the posts-by-author lists), newest first. */
static size_t feed_brute(struct tl *t, struct ledger_item *out, size_t cap, size_t who)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_page fl, pg;
	struct ledger_error err;
	size_t n = 0;
	CHECK(ledger_q_following(q, &fl, &err, &t->pk[who], NULL, 0));
	for (size_t i = 0; i < fl.n; i++) {
		struct ledger_cursor cur = { .len = 0 };
		do {
			CHECK(ledger_q_posts(q, &pg, &err, &fl.items[i].key, &cur, 0));
			for (size_t k = 0; k < pg.n && n < cap; k++)
				out[n++] = pg.items[k];
			cur = pg.next;
		} while (pg.more);
	}
	ledger_query_destroy(q);
	/* Sort newest first (insertion sort; small). */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && ledger_pos_cmp(&out[j - 1].pos, &out[j].pos) < 0; j--) {
			struct ledger_item x = out[j];
			out[j] = out[j - 1];
			out[j - 1] = x;
		}
	return n;
}

static bool feed_matches(struct tl *t, size_t who, size_t limit)
{
	static struct ledger_item want[2000];
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_page page;
	struct ledger_cursor cur = { .len = 0 };
	struct ledger_error err;
	size_t n = feed_brute(t, want, 2000, who), got = 0;
	bool ok = true;
	do {
		if (!ledger_q_feed(q, &page, &err, &t->pk[who], &cur, limit)) {
			ok = false;
			break;
		}
		for (size_t i = 0; i < page.n; i++, got++)
			if (got >= n || memcmp(page.items[i].id.b, want[got].id.b, 32) != 0 ||
			    memcmp(page.items[i].key.b, want[got].key.b, 32) != 0)
				ok = false;
		cur = page.next;
	} while (page.more && ok);
	ledger_query_destroy(q);
	return ok && got == n;
}

static void test_feed(void)
{
	struct tl t;
	struct tx txs[40];
	size_t n;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 8, BAL, 1000, NULL)))
		return;
	/* 1 follows 2, 3, 4; 5 follows 2; 6 follows nobody. */
	n = 0;
	txs[n++] = q_simple(&t, 1, TX_FOLLOW, &t.pk[2], 0);
	txs[n++] = q_simple(&t, 1, TX_FOLLOW, &t.pk[3], 0);
	txs[n++] = q_simple(&t, 1, TX_FOLLOW, &t.pk[4], 0);
	txs[n++] = q_simple(&t, 5, TX_FOLLOW, &t.pk[2], 0);
	CHECK(block_of(&t, txs, n));
	/* Author 2 posts far more than the head keeps; 3 a few; 4 none yet;
	 * 7 (not followed) some; interleaved over blocks. */
	for (int b = 0; b < 6; b++) {
		n = 0;
		for (int i = 0; i < 9; i++)
			txs[n++] = q_post(&t, 2, NULL);
		if (b % 2 == 0)
			txs[n++] = q_post(&t, 3, NULL);
		txs[n++] = q_post(&t, 7, NULL);
		CHECK(block_of(&t, txs, n));
	}
	for (size_t limit = 1; limit <= 25; limit += 6) {
		CHECK(feed_matches(&t, 1, limit));
		CHECK(feed_matches(&t, 5, limit));
	}
	CHECK(feed_matches(&t, 6, 10));
	/* Following a prolific author later shows its older posts too. */
	txs[0] = q_simple(&t, 6, TX_FOLLOW, &t.pk[2], 0);
	txs[1] = q_post(&t, 4, NULL);
	CHECK(block_of(&t, txs, 2));
	CHECK(feed_matches(&t, 6, 7));
	CHECK(feed_matches(&t, 1, 20));
	/* Unfollow: gone from the feed. */
	txs[0] = q_simple(&t, 1, TX_UNFOLLOW, &t.pk[2], 0);
	CHECK(block_of(&t, txs, 1));
	CHECK(feed_matches(&t, 1, 4));
	{
		struct ledger_query *q = ledger_query_create(t.db);
		struct ledger_page page;
		struct ledger_error err;
		CHECK(ledger_q_feed(q, &page, &err, &t.pk[1], NULL, 0) && page.n == 4 && !page.more);
		ledger_query_destroy(q);
	}
	tl_close(&t);
}

const struct unit_case tl_query_cases[] = {
	UNIT_CASE(test_kept_tip),
	UNIT_CASE(test_posts_and_replies),
	UNIT_CASE(test_lists),
	UNIT_CASE(test_top_moves),
	UNIT_CASE(test_feed),
};
const size_t tl_query_ncases = UNIT_COUNT(tl_query_cases);
