/* Tests of the rules of doc/social.md through real blocks: every basic-check
 * rejection (§2), every action and failure code of every type (§3 to §9),
 * and the worked examples E6, E7, E9, E10, E11, E12 (small), E13 and E14
 * verbatim. */
#include <stdlib.h>
#include <string.h>

#include "test_ledger.h"

#define GTIME UINT64_C(1600000000000)
#define T0 UINT64_C(1700000000000)
#define BAL UINT64_C(10000000000000)   /* 100,000 ROS */
#define VSTAKE UINT64_C(100000000000)

static bool open_chain(struct tl *t)
{
	return CHECK(tl_open(t, "regtest", GTIME, 10, BAL, VSTAKE, NULL));
}

/* ------------------------------------------------------------ builders */

static struct tx mk_transfer(struct tl *t, size_t from, const struct pubkey *to, uint64_t amount)
{
	struct tx tx;
	tl_tx(t, &tx, from, TX_TRANSFER);
	tx.u.transfer.to = *to;
	tx.u.transfer.amount = amount;
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_post(struct tl *t, size_t from, const struct hash256 *parent, const char *body)
{
	struct tx tx;
	tl_tx(t, &tx, from, TX_POST);
	if (parent != NULL) {
		tx.u.post.has_parent = true;
		tx.u.post.parent = *parent;
	}
	tx.u.post.body.p = (const uint8_t *)body;
	tx.u.post.body.len = strlen(body);
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_vote(struct tl *t, size_t from, const struct hash256 *post, int16_t w)
{
	struct tx tx;
	tl_tx(t, &tx, from, TX_VOTE);
	tx.u.vote.post = *post;
	tx.u.vote.weight = w;
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_endorse(struct tl *t, size_t from, const struct pubkey *subject, uint16_t w)
{
	struct tx tx;
	tl_tx(t, &tx, from, TX_ENDORSE);
	tx.u.endorse.subject = *subject;
	tx.u.endorse.weight = w;
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_follow(struct tl *t, size_t from, const struct pubkey *target, bool follow)
{
	struct tx tx;
	tl_tx(t, &tx, from, follow ? TX_FOLLOW : TX_UNFOLLOW);
	tx.u.follow.target = *target;
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_profile(struct tl *t, size_t from, const char *handle, const char *name,
			    const char *about, const char *website)
{
	struct tx tx;
	tl_tx(t, &tx, from, TX_PROFILE);
	tx.u.profile.handle.p = (const uint8_t *)handle;
	tx.u.profile.handle.len = strlen(handle);
	tx.u.profile.name.p = (const uint8_t *)name;
	tx.u.profile.name.len = strlen(name);
	tx.u.profile.about.p = (const uint8_t *)about;
	tx.u.profile.about.len = strlen(about);
	tx.u.profile.website.p = (const uint8_t *)website;
	tx.u.profile.website.len = strlen(website);
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_stake(struct tl *t, size_t from, const struct pubkey *val, uint64_t amount,
			  bool stake)
{
	struct tx tx;
	tl_tx(t, &tx, from, stake ? TX_STAKE : TX_UNSTAKE);
	tx.u.stake.validator = *val;
	tx.u.stake.amount = amount;
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_validator(struct tl *t, size_t from, const struct pubkey *ck, const char *moniker,
			      uint16_t commission)
{
	struct tx tx;
	tl_tx(t, &tx, from, TX_VALIDATOR);
	tx.u.validator.consensus_key = *ck;
	tx.u.validator.moniker.p = (const uint8_t *)moniker;
	tx.u.validator.moniker.len = strlen(moniker);
	tx.u.validator.commission = commission;
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

static struct tx mk_unjail(struct tl *t, size_t from)
{
	struct tx tx;
	tl_tx(t, &tx, from, TX_UNJAIL);
	if (!tl_sign(t, &tx, from))
		abort();
	return tx;
}

/* Run one tx in its own block; returns the receipt code (-1: rejected). */
static int run(struct tl *t, struct tx tx)
{
	return tl_one(t, NULL, &tx);
}

/* A post by `from`; returns its id. */
static struct hash256 post_of(struct tl *t, size_t from, const struct hash256 *parent)
{
	struct tx tx = mk_post(t, from, parent, "a post");
	struct hash256 id = *tx_id(&tx);
	CHECK(run(t, tx) == LEDGER_CODE_OK);
	return id;
}

/* ------------------------------------------------------------ state access */

static struct ledger_stats stats_of(struct tl *t, const struct hash256 *id)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_post p;
	struct ledger_stats s;
	struct ledger_error err;
	struct buf store = BUF_INIT;
	bool found = false;
	CHECK(ledger_q_post(q, &found, &p, &s, &store, &err, id) && found);
	buf_release(&store);
	ledger_query_destroy(q);
	return s;
}

static bool vote_of(struct tl *t, struct ledger_vote *v, size_t voter, const struct hash256 *post)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_error err;
	bool found = false;
	CHECK(ledger_q_vote(q, &found, v, &err, &t->pk[voter], post));
	ledger_query_destroy(q);
	return found;
}

static bool endorsement_of(struct tl *t, struct ledger_endorsement *e, size_t from, size_t to)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_error err;
	bool found = false;
	CHECK(ledger_q_endorsement(q, &found, e, &err, &t->pk[from], &t->pk[to]));
	ledger_query_destroy(q);
	return found;
}

static struct ledger_validator validator_of(struct tl *t, const struct pubkey *op, bool *found)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_validator v;
	struct ledger_error err;
	CHECK(ledger_q_validator(q, found, &v, &err, op));
	ledger_query_destroy(q);
	return v;
}

static bool handle_owner(struct tl *t, struct pubkey *owner, const char *h)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_error err;
	bool found = false;
	CHECK(ledger_q_handle(q, &found, owner, &err, (const uint8_t *)h, strlen(h)));
	ledger_query_destroy(q);
	return found;
}

/* Overwrite a committed record behind the ledger's back (to reach states
 * that take thousands of blocks, such as a reputation near its limit).
 * The stored state hash no longer matches after this: only the rule under
 * test is checked afterwards. */
static void poke(struct tl *t, const struct ledger_key *k, const struct buf *val)
{
	struct db_batch *b = db_batch_create();
	char e[DB_ERR_LEN];
	db_batch_put(b, k->b, k->len, val->data, val->len);
	CHECK(db_write(t->db, e, sizeof(e), b, true));
	db_batch_destroy(b);
	if (t->l->cache != NULL)
		ledger_cache_clear(t->l->cache);
}

static void poke_account(struct tl *t, const struct pubkey *pk, const struct ledger_account *a)
{
	struct ledger_key k;
	struct buf b = BUF_INIT;
	ledger_key_pk(&k, LEDGER_P_ACCOUNT, pk);
	ledger_account_encode(&b, a);
	poke(t, &k, &b);
	buf_release(&b);
}

static void poke_rep(struct tl *t, size_t who, int64_t rep)
{
	struct ledger_account a = tl_account(t, who);
	a.reputation = rep;
	poke_account(t, &t->pk[who], &a);
}

static void poke_validator(struct tl *t, const struct pubkey *op, const struct ledger_validator *v)
{
	struct ledger_key k;
	struct buf b = BUF_INIT;
	ledger_key_pk(&k, LEDGER_P_VALIDATOR, op);
	ledger_validator_encode(&b, v);
	poke(t, &k, &b);
	buf_release(&b);
}

/* The sender paid exactly the fee and used one nonce; nothing else moved. */
static bool only_fee_and_nonce(const struct ledger_account *before, struct ledger_account after,
			       uint64_t fee)
{
	struct ledger_account x = *before;
	x.balance -= fee;
	x.nonce += 1;
	return ledger_account_eq(&x, &after);
}

/* ------------------------------------------------------------ §2 basic checks */

enum bad { BAD_UTF8, BAD_CHAIN, BAD_FEE, BAD_SIG, BAD_NONCE_LOW, BAD_NONCE_HIGH, BAD_BALANCE };

static const struct {
	enum bad bad;
	const char *name;
} reject_cases[] = {
	{ BAD_UTF8, "body_utf8" },
	{ BAD_CHAIN, "wrong_chain" },
	{ BAD_FEE, "fee_too_low" },
	{ BAD_SIG, "bad_signature" },
	{ BAD_NONCE_LOW, "nonce_too_low" },
	{ BAD_NONCE_HIGH, "nonce_too_high" },
	{ BAD_BALANCE, "fee_exceeds_balance" },
};

static struct tx bad_tx(struct tl *t, enum bad bad)
{
	struct tx tx;
	enum prim_err e;
	tl_tx(t, &tx, 1, TX_POST);
	tx.u.post.body.p = (const uint8_t *)"ok";
	tx.u.post.body.len = 2;
	switch (bad) {
	case BAD_UTF8:
		tx.u.post.body.p = (const uint8_t *)"\xc0\xaf";
		break;
	case BAD_CHAIN:
		chain_id_parse(&tx.chain_id, "regtest-00000000");
		break;
	case BAD_FEE:
		tx.fee = 1;
		break;
	case BAD_NONCE_LOW:
		tx.nonce = t->nonce[1] - 1;
		break;
	case BAD_NONCE_HIGH:
		tx.nonce = t->nonce[1] + 1;
		break;
	case BAD_BALANCE:
		tx.fee = BAL + 1;
		break;
	case BAD_SIG:
		break;
	}
	if (!tl_sign(t, &tx, 1))
		abort();
	if (bad == BAD_SIG) {
		tx.sig[5] ^= 1;
		if (!tx_seal(&tx, &e))
			abort();
	}
	t->nonce[1] = tl_account(t, 1).nonce; /* a rejected tx uses no nonce */
	return tx;
}

static void test_basic_checks(void)
{
	struct tl t;
	if (!open_chain(&t))
		return;
	/* Use nonce 0 so that "too low" exists. */
	CHECK(run(&t, mk_post(&t, 1, NULL, "first")) == LEDGER_CODE_OK);
	for (size_t i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++) {
		struct ledger_exec *x;
		struct ledger_error err;
		struct ledger_receipt rc;
		struct ledger_tip tip;
		struct tx tx = bad_tx(&t, reject_cases[i].bad), good;
		struct hash256 root;

		ledger_get_tip(t.l, &tip);
		if (!CHECK(ledger_exec_begin(t.l, &x, &err, tip.time + 1000, &t.val_ck)))
			break;
		CHECK(!ledger_exec_apply(x, &rc, &err, &tx));
		if (!CHECK(strcmp(ledger_error_name(&err), reject_cases[i].name) == 0))
			unit_note("expected %s, got %s (%s)", reject_cases[i].name,
				  ledger_error_name(&err), err.msg);
		/* Nothing changed: the next nonce still applies. */
		good = mk_post(&t, 1, NULL, "after");
		CHECK(ledger_exec_apply(x, &rc, &err, &good) && rc.code == 0 && rc.index == 0);
		CHECK(ledger_exec_finish(x, &root, &err));
		ledger_exec_destroy(x);
		t.nonce[1]--;
		/* The mempool check gives the same reason. */
		{
			struct ledger_account a = tl_account(&t, 1);
			CHECK(!ledger_check_tx(t.l, &err, &tx, a.nonce, a.balance));
			CHECK(strcmp(ledger_error_name(&err), reject_cases[i].name) == 0);
		}
		tx_release(&tx);
		tx_release(&good);
	}
	tl_close(&t);
}

/* A block holding a rejected tx is invalid, and names the tx. */
static void test_block_with_rejected_tx(void)
{
	struct tl t;
	struct tx txs[2];
	struct block b;
	struct ledger_exec *x;
	struct ledger_error err;
	if (!open_chain(&t))
		return;
	txs[0] = mk_post(&t, 1, NULL, "good");
	txs[1] = mk_post(&t, 2, NULL, "good too");
	if (CHECK(tl_build(&t, &err, &b, &x, txs, 2))) {
		struct ledger_exec *y = NULL;
		struct tx bad;
		ledger_exec_destroy(x);
		/* Swap in a nonce gap for the second tx. */
		tl_tx(&t, &bad, 2, TX_POST);
		bad.nonce = 5;
		bad.u.post.body.p = (const uint8_t *)"gap";
		bad.u.post.body.len = 3;
		CHECK(tl_sign(&t, &bad, 2));
		tx_release(&b.txs[1]);
		CHECK(tx_copy(&b.txs[1], &bad));
		block_compute_roots(&b.header.tx_root, NULL, NULL, &b);
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && y == NULL);
		CHECK(err.code == LEDGER_ERR_NONCE_TOO_HIGH && err.tx_index == 1);
		tx_release(&bad);
		/* A wrong signature is found on the pool too. */
		tl_tx(&t, &bad, 2, TX_POST);
		bad.nonce = 0;
		bad.u.post.body.p = (const uint8_t *)"forged";
		bad.u.post.body.len = 6;
		CHECK(tl_sign(&t, &bad, 2));
		bad.sig[0] ^= 1;
		{
			enum prim_err pe;
			CHECK(tx_seal(&bad, &pe));
		}
		tx_release(&b.txs[1]);
		CHECK(tx_copy(&b.txs[1], &bad));
		tx_release(&bad);
		block_compute_roots(&b.header.tx_root, NULL, NULL, &b);
		CHECK(!ledger_execute_block(t.l, &y, &err, &b));
		CHECK(err.code == LEDGER_ERR_PRIM && err.prim == PRIM_ERR_BAD_SIGNATURE &&
		      err.tx_index == 1);
	}
	block_release(&b);
	tx_release(&txs[0]);
	tx_release(&txs[1]);
	tl_close(&t);
}

/* ------------------------------------------------------------ transfers */

static void test_transfer(void)
{
	struct tl t;
	struct ledger_account a0, a1, a2, b1;
	struct pubkey fresh;
	struct seckey fsk;
	if (!open_chain(&t))
		return;
	tl_key(&fsk, &fresh, 777);
	a1 = tl_account(&t, 1);
	a2 = tl_account(&t, 2);
	CHECK(run(&t, mk_transfer(&t, 1, &t.pk[2], 5000)) == LEDGER_CODE_OK);
	b1 = tl_account(&t, 1);
	CHECK(b1.balance == a1.balance - 100000 - 5000 && b1.nonce == 1);
	CHECK(tl_account(&t, 2).balance == a2.balance + 5000);
	/* To a key never seen: implicit account. */
	CHECK(run(&t, mk_transfer(&t, 1, &fresh, 7)) == LEDGER_CODE_OK);
	CHECK(tl_account_pk(&t, &fresh).balance == 7);
	/* Too much after the fee: fails, pays the fee. */
	a1 = tl_account(&t, 1);
	CHECK(run(&t, mk_transfer(&t, 1, &t.pk[2], a1.balance - 100000 + 1)) ==
	      LEDGER_CODE_TRANSFER_INSUFFICIENT);
	CHECK(only_fee_and_nonce(&a1, tl_account(&t, 1), 100000));
	/* Exactly everything after the fee: ok. */
	a1 = tl_account(&t, 1);
	CHECK(run(&t, mk_transfer(&t, 1, &t.pk[2], a1.balance - 100000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).balance == 0);
	/* Self-transfer: only fee and nonce. */
	a2 = tl_account(&t, 2);
	CHECK(run(&t, mk_transfer(&t, 2, &t.pk[2], 1000)) == LEDGER_CODE_OK);
	CHECK(only_fee_and_nonce(&a2, tl_account(&t, 2), 100000));
	/* The fees went to the proposer's operator (key 0) with the reward. */
	a0 = tl_account(&t, 0);
	CHECK(a0.balance > BAL);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

/* ------------------------------------------------------------ posts */

static void test_posts(void)
{
	struct tl t;
	struct hash256 p, r1, r2, unknown;
	struct ledger_query *q;
	struct ledger_post post;
	struct ledger_stats st;
	struct ledger_error err;
	struct buf store = BUF_INIT;
	struct ledger_account before;
	bool found;
	if (!open_chain(&t))
		return;
	p = post_of(&t, 1, NULL);
	r1 = post_of(&t, 2, &p);
	r2 = post_of(&t, 1, &r1); /* a reply to a reply, and to one's own thread */
	q = ledger_query_create(t.db);
	CHECK(ledger_q_post(q, &found, &post, &st, &store, &err, &p) && found);
	CHECK(!post.has_parent && post.depth == 0 && memcmp(post.root.b, p.b, 32) == 0 &&
	      memcmp(post.author.b, t.pk[1].b, 32) == 0 && post.height == 1 &&
	      post.time == GTIME + 1000 && post.body_len == 6 && st.replies == 1 && st.votes == 0);
	CHECK(ledger_q_post(q, &found, &post, &st, &store, &err, &r2) && found);
	CHECK(post.has_parent && memcmp(post.parent.b, r1.b, 32) == 0 && post.depth == 2 &&
	      memcmp(post.root.b, p.b, 32) == 0 && st.replies == 0);
	ledger_query_destroy(q);
	buf_release(&store);
	CHECK(tl_account(&t, 1).posts == 2 && tl_account(&t, 2).posts == 1);

	/* Unknown parent: fails, pays. */
	memset(unknown.b, 0x42, 32);
	before = tl_account(&t, 3);
	CHECK(run(&t, mk_post(&t, 3, &unknown, "orphan")) == LEDGER_CODE_POST_PARENT_UNKNOWN);
	CHECK(only_fee_and_nonce(&before, tl_account(&t, 3), 100000));
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

/* Replies nest to depth 32; the 33rd level fails. The chain is built in
 * one block: a parent made earlier in the block exists for the next tx. */
static void test_post_depth(void)
{
	struct tl t;
	struct tx txs[34];
	uint16_t codes[34];
	struct hash256 parent;
	if (!open_chain(&t))
		return;
	txs[0] = mk_post(&t, 1, NULL, "root");
	parent = *tx_id(&txs[0]);
	for (size_t i = 1; i < 34; i++) {
		txs[i] = mk_post(&t, 1 + i % 3, &parent, "deeper");
		parent = *tx_id(&txs[i]);
	}
	CHECK(tl_block(&t, NULL, codes, txs, 34));
	for (size_t i = 0; i < 33; i++)
		CHECK(codes[i] == LEDGER_CODE_OK);
	CHECK(codes[33] == LEDGER_CODE_POST_TOO_DEEP);
	for (size_t i = 0; i < 34; i++)
		tx_release(&txs[i]);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

/* ------------------------------------------------------------ votes */

/* E6 (replace), verbatim. Alice = 1, Bob = 2. */
static void test_e6_replace(void)
{
	struct tl t;
	struct hash256 p, none;
	struct ledger_vote v;
	struct ledger_stats st;
	struct ledger_account bob, before;
	if (!open_chain(&t))
		return;
	p = post_of(&t, 1, NULL);
	CHECK(run(&t, mk_stake(&t, 2, &t.pk[0], 100000000000u, true)) == LEDGER_CODE_OK);

	t.next_time = T0;
	CHECK(run(&t, mk_vote(&t, 2, &p, 10000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 100000);
	st = stats_of(&t, &p);
	CHECK(st.upvotes == 10000 && st.downvotes == 0 && st.votes == 1);
	CHECK(vote_of(&t, &v, 2, &p) && v.weight == 10000 && v.rep_delta == 100000);
	bob = tl_account(&t, 2);
	CHECK(bob.vp == 9800 && bob.vp_time == T0);

	t.next_time = T0 + 43200;
	CHECK(run(&t, mk_vote(&t, 2, &p, -5000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 0);
	st = stats_of(&t, &p);
	CHECK(st.upvotes == 0 && st.downvotes == 5000 && st.votes == 1);
	CHECK(vote_of(&t, &v, 2, &p) && v.weight == -5000 && v.rep_delta == 0);
	bob = tl_account(&t, 2);
	CHECK(bob.vp == 9702 && bob.vp_time == T0 + 43200);

	before = tl_account(&t, 2);
	CHECK(run(&t, mk_vote(&t, 2, &p, -5000)) == LEDGER_CODE_VOTE_UNCHANGED);
	CHECK(only_fee_and_nonce(&before, tl_account(&t, 2), 100000));

	CHECK(run(&t, mk_vote(&t, 2, &p, 0)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 0);
	st = stats_of(&t, &p);
	CHECK(st.upvotes == 0 && st.downvotes == 0 && st.votes == 0);
	CHECK(!vote_of(&t, &v, 2, &p));
	bob = tl_account(&t, 2);
	CHECK(bob.vp == 9702 && bob.vp_time == T0 + 43200);

	CHECK(run(&t, mk_vote(&t, 2, &p, 0)) == LEDGER_CODE_VOTE_NONE);
	memset(none.b, 0x55, 32);
	CHECK(run(&t, mk_vote(&t, 2, &none, 100)) == LEDGER_CODE_VOTE_POST_UNKNOWN);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

/* E7 (downvote gate). Alice 1, Carol 3, Dave 4, Mallory 5. */
static void test_e7_downvote_gate(void)
{
	struct tl t;
	struct hash256 p;
	if (!open_chain(&t))
		return;
	p = post_of(&t, 1, NULL);
	CHECK(run(&t, mk_stake(&t, 3, &t.pk[0], 50000000000u, true)) == LEDGER_CODE_OK);
	CHECK(run(&t, mk_stake(&t, 4, &t.pk[0], 1000000000000u, true)) == LEDGER_CODE_OK);
	CHECK(run(&t, mk_stake(&t, 5, &t.pk[0], 1000000000000u, true)) == LEDGER_CODE_OK);
	poke_rep(&t, 1, 100000);
	poke_rep(&t, 3, 200000);
	CHECK(run(&t, mk_vote(&t, 3, &p, -10000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 50000);
	poke_rep(&t, 4, 50000);
	CHECK(run(&t, mk_vote(&t, 4, &p, -10000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 50000);
	CHECK(stats_of(&t, &p).downvotes == 20000);
	poke_rep(&t, 5, -1);
	CHECK(run(&t, mk_vote(&t, 5, &p, 10000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 50000);
	CHECK(stats_of(&t, &p).upvotes == 10000);
	tl_close(&t);
}

/* A self-vote counts in the tallies and spends power but moves nothing. */
static void test_self_vote(void)
{
	struct tl t;
	struct hash256 p;
	struct ledger_vote v;
	struct ledger_account a;
	if (!open_chain(&t))
		return;
	CHECK(run(&t, mk_stake(&t, 1, &t.pk[0], 100000000000u, true)) == LEDGER_CODE_OK);
	p = post_of(&t, 1, NULL);
	CHECK(run(&t, mk_vote(&t, 1, &p, 10000)) == LEDGER_CODE_OK);
	a = tl_account(&t, 1);
	CHECK(a.reputation == 0 && a.vp == 9800);
	CHECK(vote_of(&t, &v, 1, &p) && v.rep_delta == 0);
	CHECK(stats_of(&t, &p).upvotes == 10000);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

/* reputation_limit is checked last and changes nothing but fee and nonce. */
static void test_reputation_limit(void)
{
	struct tl t;
	struct hash256 p;
	struct ledger_account before;
	struct ledger_vote v;
	struct ledger_endorsement e;
	if (!open_chain(&t))
		return;
	p = post_of(&t, 1, NULL);
	CHECK(run(&t, mk_stake(&t, 2, &t.pk[0], 100000000000u, true)) == LEDGER_CODE_OK);
	poke_rep(&t, 1, LEDGER_REP_LIMIT - 99999);
	before = tl_account(&t, 2);
	CHECK(run(&t, mk_vote(&t, 2, &p, 10000)) == LEDGER_CODE_REPUTATION_LIMIT);
	CHECK(only_fee_and_nonce(&before, tl_account(&t, 2), 100000));
	CHECK(tl_account(&t, 1).reputation == LEDGER_REP_LIMIT - 99999);
	CHECK(!vote_of(&t, &v, 2, &p) && stats_of(&t, &p).votes == 0);
	/* Exactly at the limit is allowed. */
	poke_rep(&t, 1, LEDGER_REP_LIMIT - 100000);
	CHECK(run(&t, mk_vote(&t, 2, &p, 10000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == LEDGER_REP_LIMIT);
	/* The same through an endorsement (S = 1e11, w 10000: delta 100,000). */
	poke_rep(&t, 3, LEDGER_REP_LIMIT - 1);
	before = tl_account(&t, 2);
	CHECK(run(&t, mk_endorse(&t, 2, &t.pk[3], 10000)) == LEDGER_CODE_REPUTATION_LIMIT);
	CHECK(only_fee_and_nonce(&before, tl_account(&t, 2), 100000));
	CHECK(!endorsement_of(&t, &e, 2, 3));
	/* And downwards. */
	poke_rep(&t, 2, LEDGER_REP_LIMIT);
	poke_rep(&t, 4, 0);
	{
		struct hash256 p4 = post_of(&t, 4, NULL);
		poke_rep(&t, 4, -LEDGER_REP_LIMIT + 5);
		CHECK(run(&t, mk_vote(&t, 2, &p4, -10000)) == LEDGER_CODE_REPUTATION_LIMIT);
	}
	tl_close(&t);
}

/* ------------------------------------------------------------ endorsements */

/* E9 (endorsements), verbatim. Alice 1, Erin 5, Frank 6, Gina 7. */
static void test_e9_endorse(void)
{
	struct tl t;
	struct ledger_endorsement e;
	struct ledger_account before;
	if (!open_chain(&t))
		return;
	CHECK(run(&t, mk_stake(&t, 5, &t.pk[0], 500000000000u, true)) == LEDGER_CODE_OK);
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[1], 2500)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 125000 && tl_account(&t, 5).endorse_used == 2500);
	CHECK(endorsement_of(&t, &e, 5, 1) && e.weight == 2500 && e.rep_delta == 125000);
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[6], 7500)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 6).reputation == 375000 && tl_account(&t, 5).endorse_used == 10000);
	before = tl_account(&t, 5);
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[7], 1)) == LEDGER_CODE_ENDORSE_BUDGET);
	CHECK(only_fee_and_nonce(&before, tl_account(&t, 5), 100000));
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[6], 7500)) == LEDGER_CODE_ENDORSE_UNCHANGED);
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[1], 0)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 0 && tl_account(&t, 5).endorse_used == 7500);
	CHECK(!endorsement_of(&t, &e, 5, 1));
	CHECK(run(&t, mk_stake(&t, 5, &t.pk[0], 500000000000u, true)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 5).staked == 1000000000000u);
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[1], 2500)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 1).reputation == 250000 && tl_account(&t, 5).endorse_used == 10000);
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[5], 100)) == LEDGER_CODE_ENDORSE_SELF);
	/* Withdrawing one that does not exist. */
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[7], 0)) == LEDGER_CODE_ENDORSE_NONE);
	/* Replacing within the budget (7500 -> 5000 frees 2500). */
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[6], 5000)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 6).reputation == 500000 && tl_account(&t, 5).endorse_used == 7500);
	/* A negative endorser records 0. */
	poke_rep(&t, 5, -3);
	CHECK(run(&t, mk_endorse(&t, 5, &t.pk[7], 100)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 7).reputation == 0 && endorsement_of(&t, &e, 5, 7) && e.rep_delta == 0);
	tl_close(&t);
}

/* ------------------------------------------------------------ follows, profiles */

/* E10 (order within a block), verbatim. A 1, B 2, C 3. */
static void test_e10_order(void)
{
	struct tl t;
	struct tx txs[9];
	uint16_t codes[9];
	static const uint16_t expect[9] = {
		LEDGER_CODE_OK, LEDGER_CODE_PROFILE_HANDLE_TAKEN, LEDGER_CODE_OK, LEDGER_CODE_OK,
		LEDGER_CODE_PROFILE_UNCHANGED, LEDGER_CODE_OK, LEDGER_CODE_FOLLOW_ALREADY,
		LEDGER_CODE_FOLLOW_SELF, LEDGER_CODE_UNFOLLOW_NOT_FOLLOWING,
	};
	struct pubkey owner;
	struct ledger_account a;
	if (!open_chain(&t))
		return;
	txs[0] = mk_profile(&t, 1, "alice", "Alice", "", "");
	txs[1] = mk_profile(&t, 2, "alice", "", "", "");
	txs[2] = mk_profile(&t, 1, "alice_2", "Alice", "", "");
	txs[3] = mk_profile(&t, 2, "alice", "", "", "");
	txs[4] = mk_profile(&t, 1, "alice_2", "Alice", "", "");
	txs[5] = mk_follow(&t, 1, &t.pk[2], true);
	txs[6] = mk_follow(&t, 1, &t.pk[2], true);
	txs[7] = mk_follow(&t, 1, &t.pk[1], true);
	txs[8] = mk_follow(&t, 1, &t.pk[3], false);
	CHECK(tl_block(&t, NULL, codes, txs, 9));
	for (size_t i = 0; i < 9; i++) {
		if (!CHECK(codes[i] == expect[i]))
			unit_note("tx %zu: code %u", i, codes[i]);
		tx_release(&txs[i]);
	}
	CHECK(handle_owner(&t, &owner, "alice") && memcmp(owner.b, t.pk[2].b, 32) == 0);
	CHECK(handle_owner(&t, &owner, "alice_2") && memcmp(owner.b, t.pk[1].b, 32) == 0);
	a = tl_account(&t, 1);
	CHECK(a.following == 1 && a.handle_len == 7 && memcmp(a.handle, "alice_2", 7) == 0);
	CHECK(tl_account(&t, 2).followers == 1);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

static void test_follow_unfollow(void)
{
	struct tl t;
	struct ledger_account a;
	if (!open_chain(&t))
		return;
	CHECK(run(&t, mk_follow(&t, 1, &t.pk[2], true)) == LEDGER_CODE_OK);
	CHECK(run(&t, mk_follow(&t, 3, &t.pk[2], true)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 2).followers == 2);
	CHECK(run(&t, mk_follow(&t, 1, &t.pk[2], false)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 2).followers == 1 && tl_account(&t, 1).following == 0);
	CHECK(run(&t, mk_follow(&t, 1, &t.pk[2], false)) == LEDGER_CODE_UNFOLLOW_NOT_FOLLOWING);
	CHECK(run(&t, mk_follow(&t, 1, &t.pk[1], false)) == LEDGER_CODE_UNFOLLOW_NOT_FOLLOWING);
	CHECK(tl_root_ok(&t));
	/* At FOLLOW_MAX one more fails (counter set directly). */
	a = tl_account(&t, 4);
	a.following = LEDGER_FOLLOW_MAX;
	poke_account(&t, &t.pk[4], &a);
	CHECK(run(&t, mk_follow(&t, 4, &t.pk[5], true)) == LEDGER_CODE_FOLLOW_LIMIT);
	a = tl_account(&t, 4);
	a.following = LEDGER_FOLLOW_MAX - 1;
	poke_account(&t, &t.pk[4], &a);
	CHECK(run(&t, mk_follow(&t, 4, &t.pk[5], true)) == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 4).following == LEDGER_FOLLOW_MAX);
	tl_close(&t);
}

static void test_profile(void)
{
	struct tl t;
	struct ledger_query *q;
	struct ledger_profile p;
	struct ledger_error err;
	struct pubkey owner;
	if (!open_chain(&t))
		return;
	CHECK(run(&t, mk_profile(&t, 1, "bob_1", "Bob", "about me", "https://b.example")) ==
	      LEDGER_CODE_OK);
	q = ledger_query_create(t.db);
	CHECK(ledger_q_profile(q, &p, &err, &t.pk[1]) && p.name_len == 3 && p.about_len == 8 &&
	      p.website_len == 17);
	ledger_query_destroy(q);
	/* Same handle, other fields: ok, the handle stays. */
	CHECK(run(&t, mk_profile(&t, 1, "bob_1", "Robert", "", "")) == LEDGER_CODE_OK);
	CHECK(handle_owner(&t, &owner, "bob_1"));
	/* Clear everything: handle released, profile record gone. */
	CHECK(run(&t, mk_profile(&t, 1, "", "", "", "")) == LEDGER_CODE_OK);
	CHECK(!handle_owner(&t, &owner, "bob_1"));
	CHECK(tl_account(&t, 1).handle_len == 0);
	CHECK(run(&t, mk_profile(&t, 1, "", "", "", "")) == LEDGER_CODE_PROFILE_UNCHANGED);
	/* Taken. */
	CHECK(run(&t, mk_profile(&t, 2, "bob_1", "", "", "")) == LEDGER_CODE_OK);
	CHECK(run(&t, mk_profile(&t, 1, "bob_1", "x", "", "")) == LEDGER_CODE_PROFILE_HANDLE_TAKEN);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

/* ------------------------------------------------------------ staking */

/* E11 (staking, main), verbatim. Bob 1, V = key 0, Carol 2. */
static void test_e11_staking(void)
{
	static const struct ledger_params mainp = { 200000000, 10000000, 10, 1814400000 };
	struct tl t;
	struct ledger_account bob;
	struct ledger_validator v;
	struct ledger_query *q;
	struct ledger_page page;
	struct ledger_error err;
	bool found;
	uint64_t bonded;
	if (!CHECK(tl_open(&t, "main", GTIME, 4, 1000000000000u, VSTAKE, &mainp)))
		return;
	bonded = validator_of(&t, &t.pk[0], &found).total_bonded;
	CHECK(found && bonded == VSTAKE);
	CHECK(run(&t, mk_stake(&t, 1, &t.pk[0], 400000000000u, true)) == LEDGER_CODE_OK);
	bob = tl_account(&t, 1);
	CHECK(bob.balance == 600000000000u - 100000 && bob.staked == 400000000000u);
	v = validator_of(&t, &t.pk[0], &found);
	CHECK(v.total_bonded == bonded + 400000000000u && v.self_stake == VSTAKE);

	t.next_time = T0;
	CHECK(run(&t, mk_stake(&t, 1, &t.pk[0], 100000000000u, false)) == LEDGER_CODE_OK);
	bob = tl_account(&t, 1);
	CHECK(bob.staked == 300000000000u && bob.unbonding == 100000000000u);
	q = ledger_query_create(t.db);
	CHECK(ledger_q_unbondings(q, &page, &err, NULL, 10) && page.n == 1 &&
	      page.items[0].pos.height == UINT64_C(1701814400000) &&
	      page.items[0].value == 100000000000 &&
	      memcmp(page.items[0].key.b, t.pk[1].b, 32) == 0);
	ledger_query_destroy(q);
	CHECK(run(&t, mk_stake(&t, 1, &t.pk[0], 300000000001u, false)) ==
	      LEDGER_CODE_UNSTAKE_EXCEEDS_BOND);
	CHECK(run(&t, mk_stake(&t, 1, &t.pk[2], 1, true)) == LEDGER_CODE_STAKE_NOT_VALIDATOR);

	bob = tl_account(&t, 1);
	t.next_time = UINT64_C(1701814399999);
	CHECK(tl_block(&t, NULL, NULL, NULL, 0));
	CHECK(tl_account(&t, 1).unbonding == 100000000000u);
	t.next_time = UINT64_C(1701814400000);
	CHECK(tl_block(&t, NULL, NULL, NULL, 0));
	CHECK(tl_account(&t, 1).balance == bob.balance + 100000000000u);
	CHECK(tl_account(&t, 1).unbonding == 0);
	q = ledger_query_create(t.db);
	CHECK(ledger_q_unbondings(q, &page, &err, NULL, 10) && page.n == 0);
	ledger_query_destroy(q);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

static void test_stake_rules(void)
{
	struct tl t;
	struct ledger_validator v;
	struct ledger_account a;
	struct pubkey ck;
	struct seckey cks;
	bool found;
	uint64_t bond;
	if (!open_chain(&t))
		return;
	/* Self-stake moves self_stake. */
	CHECK(run(&t, mk_stake(&t, 0, &t.pk[0], 5, true)) == LEDGER_CODE_OK);
	v = validator_of(&t, &t.pk[0], &found);
	CHECK(v.self_stake == VSTAKE + 5 && v.total_bonded == VSTAKE + 5);
	CHECK(run(&t, mk_stake(&t, 0, &t.pk[0], 5, false)) == LEDGER_CODE_OK);
	v = validator_of(&t, &t.pk[0], &found);
	CHECK(v.self_stake == VSTAKE && v.total_bonded == VSTAKE);
	/* More than the balance after the fee. */
	a = tl_account(&t, 2);
	CHECK(run(&t, mk_stake(&t, 2, &t.pk[0], a.balance - 100000 + 1, true)) ==
	      LEDGER_CODE_STAKE_INSUFFICIENT);
	CHECK(run(&t, mk_stake(&t, 2, &t.pk[0], a.balance - 100000 * 3, true)) == LEDGER_CODE_OK);
	/* Unstake all: the bond record goes. */
	{
		struct ledger_query *q = ledger_query_create(t.db);
		struct ledger_error err;
		CHECK(ledger_q_bond(q, &bond, &err, &t.pk[2], &t.pk[0]) && bond == a.balance - 300000);
		ledger_query_destroy(q);
	}
	CHECK(run(&t, mk_stake(&t, 2, &t.pk[0], bond, false)) == LEDGER_CODE_OK);
	{
		struct ledger_query *q = ledger_query_create(t.db);
		struct ledger_error err;
		CHECK(ledger_q_bond(q, &bond, &err, &t.pk[2], &t.pk[0]) && bond == 0);
		ledger_query_destroy(q);
	}
	/* A registered validator (not tombstoned, even jailed) accepts stake. */
	tl_key(&cks, &ck, 60001);
	CHECK(run(&t, mk_validator(&t, 3, &ck, "three", 500)) == LEDGER_CODE_OK);
	v = validator_of(&t, &t.pk[3], &found);
	v.jailed = true;
	poke_validator(&t, &t.pk[3], &v);
	CHECK(run(&t, mk_stake(&t, 4, &t.pk[3], 1000, true)) == LEDGER_CODE_OK);
	v = validator_of(&t, &t.pk[3], &found);
	CHECK(v.total_bonded == 1000 && v.self_stake == 0);
	v.tombstoned = true;
	poke_validator(&t, &t.pk[3], &v);
	CHECK(run(&t, mk_stake(&t, 4, &t.pk[3], 1000, true)) == LEDGER_CODE_STAKE_TOMBSTONED);
	/* A tombstoned validator's delegators can still leave. */
	CHECK(run(&t, mk_stake(&t, 4, &t.pk[3], 1000, false)) == LEDGER_CODE_OK);
	tl_close(&t);
}

static void test_validator_and_unjail(void)
{
	struct tl t;
	struct pubkey ck, ck2;
	struct seckey cks;
	struct ledger_validator v;
	struct ledger_tip tip;
	bool found;
	if (!open_chain(&t))
		return;
	tl_key(&cks, &ck, 60001);
	tl_key(&cks, &ck2, 60002);
	CHECK(run(&t, mk_validator(&t, 1, &ck, "one", 100)) == LEDGER_CODE_OK);
	v = validator_of(&t, &t.pk[1], &found);
	CHECK(found && v.commission == 100 && v.moniker_len == 3 && v.total_bonded == 0 &&
	      memcmp(v.consensus_key.b, ck.b, 32) == 0 && !v.jailed);
	/* The genesis validator's key, and the new one, are taken for good. */
	CHECK(run(&t, mk_validator(&t, 2, &t.val_ck, "two", 0)) == LEDGER_CODE_VALIDATOR_KEY_IN_USE);
	CHECK(run(&t, mk_validator(&t, 2, &ck, "two", 0)) == LEDGER_CODE_VALIDATOR_KEY_IN_USE);
	CHECK(run(&t, mk_validator(&t, 1, &ck2, "one", 100)) == LEDGER_CODE_VALIDATOR_KEY_CHANGE);
	CHECK(run(&t, mk_validator(&t, 1, &ck, "one", 100)) == LEDGER_CODE_VALIDATOR_UNCHANGED);
	CHECK(run(&t, mk_validator(&t, 1, &ck, "uno", 100)) == LEDGER_CODE_OK);
	CHECK(run(&t, mk_validator(&t, 1, &ck, "uno", 200)) == LEDGER_CODE_OK);
	v = validator_of(&t, &t.pk[1], &found);
	CHECK(v.commission == 200 && memcmp(v.moniker, "uno", 3) == 0);

	/* Unjail, every failure in order. */
	CHECK(run(&t, mk_unjail(&t, 2)) == LEDGER_CODE_UNJAIL_NOT_VALIDATOR);
	CHECK(run(&t, mk_unjail(&t, 1)) == LEDGER_CODE_UNJAIL_NOT_JAILED);
	ledger_get_tip(t.l, &tip);
	v.jailed = true;
	v.jailed_until = tip.time + 5000;
	poke_validator(&t, &t.pk[1], &v);
	CHECK(run(&t, mk_unjail(&t, 1)) == LEDGER_CODE_UNJAIL_TOO_EARLY); /* tip + 1000 */
	t.next_time = tip.time + 5000;
	CHECK(run(&t, mk_unjail(&t, 1)) == LEDGER_CODE_OK);
	v = validator_of(&t, &t.pk[1], &found);
	CHECK(!v.jailed && v.jailed_until == tip.time + 5000);
	v.jailed = true;
	v.tombstoned = true;
	poke_validator(&t, &t.pk[1], &v);
	CHECK(run(&t, mk_unjail(&t, 1)) == LEDGER_CODE_UNJAIL_TOMBSTONED);
	tl_close(&t);
}

/* ------------------------------------------------------------ sybils, rings */

/* E12 in small (eight sybils; the big test runs a thousand). */
static void test_e12_sybils_small(void)
{
	struct tl t;
	struct hash256 p;
	struct tx txs[16];
	uint16_t codes[16];
	struct ledger_account s;
	if (!open_chain(&t))
		return;
	p = post_of(&t, 1, NULL);
	poke_rep(&t, 1, 777);
	/* Keys 2..9 have a balance and no stake. */
	for (size_t i = 0; i < 8; i++) {
		txs[2 * i] = mk_vote(&t, 2 + i, &p, 10000);
		txs[2 * i + 1] = mk_endorse(&t, 2 + i, &t.pk[1], 10000);
	}
	CHECK(tl_block(&t, NULL, codes, txs, 16));
	for (size_t i = 0; i < 16; i++) {
		CHECK(codes[i] == LEDGER_CODE_OK);
		tx_release(&txs[i]);
	}
	CHECK(tl_account(&t, 1).reputation == 777);
	CHECK(stats_of(&t, &p).upvotes == 80000 && stats_of(&t, &p).votes == 8);
	s = tl_account(&t, 2);
	CHECK(s.vp == 9800 && s.endorse_used == 10000);
	tl_close(&t);
}

/* E13 (negative ring): members at -1 move no one, whatever they do. */
static void test_e13_ring(void)
{
	struct tl t;
	struct hash256 posts[4];
	if (!open_chain(&t))
		return;
	for (size_t i = 0; i < 4; i++) {
		CHECK(run(&t, mk_stake(&t, 1 + i, &t.pk[0], 1000000000000u, true)) == LEDGER_CODE_OK);
		posts[i] = post_of(&t, 1 + i, NULL);
	}
	for (size_t i = 0; i < 4; i++)
		poke_rep(&t, 1 + i, -1);
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < 4; i++)
			for (size_t j = 0; j < 4; j++) {
				if (i == j)
					continue;
				CHECK(run(&t, mk_vote(&t, 1 + i, &posts[j], round ? 5000 : 10000)) ==
				      LEDGER_CODE_OK);
				CHECK(run(&t, mk_endorse(&t, 1 + i, &t.pk[1 + j], round ? 500 : 1000)) ==
				      LEDGER_CODE_OK);
			}
	for (size_t i = 0; i < 4; i++)
		CHECK(tl_account(&t, 1 + i).reputation == -1);
	/* Their downvotes on an outsider at 0 record 0 too. */
	{
		struct hash256 out = post_of(&t, 6, NULL);
		struct ledger_vote v;
		CHECK(run(&t, mk_vote(&t, 1, &out, -10000)) == LEDGER_CODE_OK);
		CHECK(tl_account(&t, 6).reputation == 0 && vote_of(&t, &v, 1, &out) && v.rep_delta == 0);
	}
	tl_close(&t);
}

/* ------------------------------------------------------------ block end */

/* E14 (block end): regtest h = 151, fees 1,520 and 2,000, one of them a
 * failed action. */
static void test_e14_block_end(void)
{
	struct tl t;
	struct tx txs[2];
	struct hash256 none;
	struct ledger_account before;
	struct ledger_chain c0;
	uint16_t codes[2];
	bool ok = true;
	if (!open_chain(&t))
		return;
	memset(none.b, 0x33, 32);
	/* h = 1 with the same two transactions: 200,003,520. */
	before = tl_account(&t, 0);
	c0 = tl_chain(&t);
	t.fee = 1520;
	txs[0] = mk_vote(&t, 1, &none, 10000);
	t.fee = 2000;
	txs[1] = mk_vote(&t, 2, &none, 10000);
	t.fee = 0;
	CHECK(txs[0].raw_len == 152 && ledger_min_fee(ledger_params(t.l), 152) == 1520);
	CHECK(tl_block(&t, NULL, codes, txs, 2));
	CHECK(codes[0] == LEDGER_CODE_VOTE_POST_UNKNOWN && codes[1] == LEDGER_CODE_VOTE_POST_UNKNOWN);
	CHECK(tl_account(&t, 0).balance == before.balance + 200003520);
	CHECK(tl_chain(&t).supply == c0.supply + 200000000);
	tx_release(&txs[0]);
	tx_release(&txs[1]);
	for (uint64_t h = 2; h <= 150 && ok; h++)
		ok = CHECK(tl_block(&t, NULL, NULL, NULL, 0));
	before = tl_account(&t, 0);
	c0 = tl_chain(&t);
	t.fee = 1520;
	txs[0] = mk_vote(&t, 3, &none, 10000);
	t.fee = 2000;
	txs[1] = mk_post(&t, 4, NULL, "x");
	t.fee = 0;
	CHECK(tl_block(&t, NULL, codes, txs, 2));
	CHECK(codes[0] == LEDGER_CODE_VOTE_POST_UNKNOWN && codes[1] == LEDGER_CODE_OK);
	CHECK(tl_account(&t, 0).balance == before.balance + 100003520);
	CHECK(tl_chain(&t).supply == c0.supply + 100000000);
	tx_release(&txs[0]);
	tx_release(&txs[1]);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

const struct unit_case tl_rules_cases[] = {
	UNIT_CASE(test_basic_checks),
	UNIT_CASE(test_block_with_rejected_tx),
	UNIT_CASE(test_transfer),
	UNIT_CASE(test_posts),
	UNIT_CASE(test_post_depth),
	UNIT_CASE(test_e6_replace),
	UNIT_CASE(test_e7_downvote_gate),
	UNIT_CASE(test_self_vote),
	UNIT_CASE(test_reputation_limit),
	UNIT_CASE(test_e9_endorse),
	UNIT_CASE(test_e10_order),
	UNIT_CASE(test_follow_unfollow),
	UNIT_CASE(test_profile),
	UNIT_CASE(test_e11_staking),
	UNIT_CASE(test_stake_rules),
	UNIT_CASE(test_validator_and_unjail),
	UNIT_CASE(test_e12_sybils_small),
	UNIT_CASE(test_e13_ring),
	UNIT_CASE(test_e14_block_end),
};
const size_t tl_rules_ncases = UNIT_COUNT(tl_rules_cases);
