/* The misbehaviour policy (p2p/policy.h), pinned: which reasons get a peer
 * disconnected and discouraged, which only disconnect, and which are
 * dropped without punishment; the same for primitives, the mempool (with
 * real admissions through a mempool) and the ledger; and the exemption of
 * manual peers. A change of policy must change this file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "mempool/mempool.h"
#include "p2p/policy.h"
#include "unit.h"

#define D P2P_VERDICT_DISCOURAGE
#define X P2P_VERDICT_DISCONNECT
#define I P2P_VERDICT_IGNORE
#define O P2P_VERDICT_OK

struct err_pin {
	const char *name;
	enum p2p_verdict verdict;
	bool fatal;
};

/* Every P2P reason, in table order. */
static const struct err_pin err_pins[] = {
	{ "ok", O, false },
	{ "bad_magic", D, true },
	{ "bad_command", D, true },
	{ "too_large", D, true },
	{ "bad_checksum", D, false },
	{ "truncated", D, false },
	{ "trailing", D, false },
	{ "varint", D, false },
	{ "list_length", D, false },
	{ "user_agent", D, false },
	{ "inv_type", D, false },
	{ "getblocks_range", D, false },
	{ "block_commit", D, false },
	{ "prim", D, false },
	{ "wrong_chain", D, true },
	{ "obsolete", X, true },
	{ "self", X, true },
	{ "duplicate_version", D, false },
	{ "unexpected", D, false },
	{ "before_handshake", D, false },
	{ "unknown_command", I, false },
	{ "unknown_flood", D, false },
	{ "misbehaving", D, false },
	{ "closed", X, true },
	{ "socket", X, true },
	{ "connect_failed", X, true },
	{ "handshake_timeout", X, true },
	{ "ping_timeout", X, true },
	{ "inactivity", X, true },
	{ "recv_buffer", X, true },
	{ "send_queue", X, true },
	{ "evicted", X, true },
	{ "inbound_full", X, true },
	{ "banned", X, true },
	{ "discouraged", X, true },
	{ "requested", X, true },
	{ "network_inactive", X, true },
	{ "shutdown", X, true },
	{ "seed_done", X, true },
	{ "no_memory", X, true },
};

static void test_p2p_table(void)
{
	CHECK(sizeof(err_pins) / sizeof(err_pins[0]) == P2P_ERR_COUNT_);
	for (size_t i = 0; i < sizeof(err_pins) / sizeof(err_pins[0]) && i < P2P_ERR_COUNT_; i++) {
		enum p2p_err e = (enum p2p_err)i;
		const struct err_pin *p = &err_pins[i];
		if (!CHECK(strcmp(p2p_err_name(e), p->name) == 0 &&
			   p2p_policy_verdict(e, PRIM_ERR_TRUNCATED) == p->verdict &&
			   p2p_err_fatal(e) == p->fatal))
			unit_note("reason %s", p2p_err_name(e));
		CHECK(p2p_err_from_name(p->name) == e);
		CHECK(strlen(p2p_err_str(e)) > 0);
	}
	CHECK(strcmp(p2p_err_name(P2P_ERR_COUNT_), "?") == 0);
	CHECK(p2p_err_from_name("nope") == P2P_ERR_COUNT_ && p2p_err_from_name(NULL) == P2P_ERR_COUNT_);
	CHECK(!p2p_err_fatal(P2P_ERR_COUNT_));
	CHECK(p2p_policy_verdict(P2P_ERR_COUNT_, PRIM_ERR_OK) == X);
	CHECK(strcmp(p2p_verdict_name(D), "discourage") == 0 &&
	      strcmp(p2p_verdict_name((enum p2p_verdict)9), "?") == 0);
	/* A reason from the primitives takes their verdict. */
	CHECK(p2p_policy_verdict(P2P_ERR_PRIM, PRIM_ERR_BAD_SIGNATURE) == D);
	CHECK(p2p_policy_verdict(P2P_ERR_PRIM, PRIM_ERR_UNKNOWN_TYPE) == I);
	struct p2p_reject r = { P2P_ERR_PRIM, PRIM_ERR_TRAILING };
	CHECK(strcmp(p2p_reject_name(&r), "trailing") == 0);
	r.code = P2P_ERR_BAD_MAGIC;
	CHECK(strcmp(p2p_reject_name(&r), "bad_magic") == 0);
}

/* Every primitives reason is punishable except these. */
static void test_prim_table(void)
{
	for (int i = 0; i < PRIM_ERR_COUNT_; i++) {
		enum prim_err e = (enum prim_err)i;
		enum p2p_verdict want = D;
		if (e == PRIM_ERR_OK)
			want = O;
		else if (e == PRIM_ERR_UNKNOWN_TYPE || e == PRIM_ERR_UPGRADE_REQUIRED)
			want = I;
		if (!CHECK(p2p_policy_prim(e) == want))
			unit_note("prim %s", prim_err_name(e));
	}
}

struct ledger_pin {
	enum ledger_err code;
	enum p2p_verdict verdict;
};

/* Every ledger code, as the verdict on a block that failed with it. */
static const struct ledger_pin ledger_pins[] = {
	{ LEDGER_ERR_OK, O },
	{ LEDGER_ERR_PRIM, D }, /* with PRIM_ERR_TX_ROOT below */
	{ LEDGER_ERR_WRONG_CHAIN, D },
	{ LEDGER_ERR_FEE_TOO_LOW, D },
	{ LEDGER_ERR_NONCE_TOO_LOW, D },
	{ LEDGER_ERR_NONCE_TOO_HIGH, D },
	{ LEDGER_ERR_FEE_EXCEEDS_BALANCE, D },
	{ LEDGER_ERR_TIME_RANGE, D },
	{ LEDGER_ERR_UNKNOWN_PROPOSER, D },
	{ LEDGER_ERR_BLOCK_CHAIN_ID, D },
	{ LEDGER_ERR_BLOCK_NOT_NEXT, I },
	{ LEDGER_ERR_BLOCK_PREV, D },
	{ LEDGER_ERR_BLOCK_TIME, D },
	{ LEDGER_ERR_STATE_ROOT, D },
	{ LEDGER_ERR_BLOCK_MISMATCH, I },
	{ LEDGER_ERR_STALE, I },
	{ LEDGER_ERR_FINISHED, I },
	{ LEDGER_ERR_IO, I },
	{ LEDGER_ERR_CORRUPT, I },
	{ LEDGER_ERR_GENESIS, I },
	{ LEDGER_ERR_GENESIS_MISMATCH, I },
	{ LEDGER_ERR_REINDEX, I },
	{ LEDGER_ERR_CURSOR, I },
};

static void test_ledger_table(void)
{
	CHECK(sizeof(ledger_pins) / sizeof(ledger_pins[0]) == LEDGER_ERR_COUNT_);
	for (size_t i = 0; i < sizeof(ledger_pins) / sizeof(ledger_pins[0]); i++) {
		const struct ledger_pin *p = &ledger_pins[i];
		CHECK(p->code == (enum ledger_err)i);
		if (!CHECK(p2p_policy_ledger(p->code, PRIM_ERR_TX_ROOT) == p->verdict))
			unit_note("ledger code %zu", i);
	}
	/* A block of a newer version is not the sender's fault. */
	CHECK(p2p_policy_ledger(LEDGER_ERR_PRIM, PRIM_ERR_UPGRADE_REQUIRED) == I);
	CHECK(p2p_policy_ledger(LEDGER_ERR_PRIM, PRIM_ERR_BAD_SIGNATURE) == D);
	CHECK(p2p_policy_ledger(LEDGER_ERR_PRIM, PRIM_ERR_COMMIT_POWER) == D);
}

static void test_exemption(void)
{
	static const struct {
		enum p2p_verdict in;
		bool fatal, manual;
		enum p2p_verdict out;
	} rows[] = {
		{ D, false, false, D }, { D, true, false, D },
		{ D, false, true, I },  { D, true, true, X },
		{ X, true, true, X },   { X, false, true, X },
		{ I, false, true, I },  { O, false, true, O },
		{ I, false, false, I }, { X, true, false, X },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK(p2p_policy_exempt(rows[i].in, rows[i].fatal, rows[i].manual) == rows[i].out);
	/* Over the whole table: a manual peer is never discouraged, and keeps
	 * its connection unless the reason is fatal. */
	for (int e = 1; e < P2P_ERR_COUNT_; e++) {
		enum p2p_verdict v = p2p_policy_exempt(p2p_policy_verdict((enum p2p_err)e, PRIM_ERR_OK),
						       p2p_err_fatal((enum p2p_err)e), true);
		CHECK(v != D);
		CHECK(v != X || p2p_err_fatal((enum p2p_err)e));
	}
}

/* ------------------------------------------------- the mempool, for real */

#define CHAIN "regtest-0a1b2c3d"

struct fake_chain {
	uint64_t nonce; /* every account's committed nonce */
};

static bool fake_account(void *ctx, uint64_t *nonce, uint64_t *balance, const struct pubkey *who)
{
	const struct fake_chain *fc = ctx;
	(void)who;
	*nonce = fc->nonce;
	*balance = UINT64_C(1) << 40;
	return true;
}

static bool fake_check(void *ctx, struct mempool_reject *why, const struct tx *tx,
		       uint64_t expected_nonce, uint64_t available)
{
	(void)ctx;
	(void)why;
	(void)tx;
	(void)expected_nonce;
	(void)available;
	return true;
}

static void key_of(struct seckey *sk, struct pubkey *pk, uint8_t seed)
{
	uint8_t s[10] = "policy-key";
	s[9] = seed;
	sha256(sk->b, s, sizeof(s));
	if (!key_pubkey(pk, sk))
		abort();
}

/* A signed transfer by key `from`. */
static void make_tx(struct tx *tx, uint8_t from, uint64_t nonce, uint64_t fee, const char *chain)
{
	struct seckey sk;
	struct pubkey pk, to;
	uint8_t aux[32] = { 0 };
	enum prim_err e;

	key_of(&sk, &to, 200);
	key_of(&sk, &pk, from);
	tx_init(tx);
	if (!chain_id_parse(&tx->chain_id, chain))
		abort();
	tx->type = TX_TRANSFER;
	tx->sender = pk;
	tx->nonce = nonce;
	tx->fee = fee;
	tx->u.transfer.to = to;
	tx->u.transfer.amount = 1;
	if (!tx_sign(tx, &sk, aux, &e))
		abort();
}

/* Sign, then break the signature and seal again. */
static void make_bad_sig_tx(struct tx *tx, uint8_t from, uint64_t nonce)
{
	struct tx built;
	enum prim_err e;
	make_tx(tx, from, nonce, 10000, CHAIN);
	tx_init(&built);
	built = *tx;
	built.sig[5] ^= 1;
	built.sealed = false;
	built.owned = false;
	if (!tx_seal(&built, &e))
		abort();
	tx_release(tx);
	*tx = built;
}

/* A post whose body is not UTF-8: decodes, fails tx_check. */
static void make_bad_body_tx(struct tx *tx, uint8_t from)
{
	static const uint8_t body[] = { 0xff, 0xfe };
	struct seckey sk;
	struct pubkey pk;
	uint8_t aux[32] = { 0 };
	enum prim_err e;

	key_of(&sk, &pk, from);
	tx_init(tx);
	if (!chain_id_parse(&tx->chain_id, CHAIN))
		abort();
	tx->type = TX_POST;
	tx->sender = pk;
	tx->fee = 10000;
	tx->u.post.body.p = body;
	tx->u.post.body.len = sizeof(body);
	if (!tx_sign(tx, &sk, aux, &e))
		abort();
}

static enum p2p_verdict admit(struct mempool *mp, struct tx *tx, enum mempool_err want)
{
	struct mempool_reject why;
	enum mempool_err got = mempool_add(mp, &why, NULL, tx);
	if (!CHECK(got == want))
		unit_note("mempool said %s (%s), wanted %s", why.name, why.msg, mempool_err_name(want));
	tx_release(tx);
	return p2p_policy_mempool(&why);
}

static void test_mempool_verdicts(void)
{
	struct fake_chain fc = { 5 };
	struct mempool_chain chain;
	struct mempool_options opt;
	struct clock clk;
	char err[128];
	struct tx tx;
	struct mempool *mp;

	memset(&chain, 0, sizeof(chain));
	chain.ctx = &fc;
	chain.min_fee_per_byte = 1;
	chain.account = fake_account;
	chain.check = fake_check;
	if (!chain_id_parse(&chain.chain_id, CHAIN))
		abort();
	mempool_options_default(&opt);
	opt.max_bytes = TX_MAX_SIZE;
	opt.sender_cap = 2;
	clock_init(&clk);
	mp = mempool_create(err, sizeof(err), &opt, &chain, &clk);
	if (!CHECK(mp != NULL))
		return;

	/* Accepted, and again: a duplicate is a race, not an offence. */
	make_tx(&tx, 1, 5, 10000, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_OK) == O);
	make_tx(&tx, 1, 5, 10000, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_DUPLICATE) == I);
	/* State races: a nonce already used, one that leaves a gap, a low fee. */
	make_tx(&tx, 2, 4, 10000, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_NONCE_TOO_LOW) == I);
	make_tx(&tx, 2, 7, 10000, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_NONCE_TOO_HIGH) == I);
	make_tx(&tx, 2, 5, 1, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_FEE_TOO_LOW) == I);
	/* What no honest node relays. */
	make_tx(&tx, 3, 5, 10000, "testnet-0a1b2c3d");
	CHECK(admit(mp, &tx, MEMPOOL_ERR_WRONG_CHAIN) == D);
	make_bad_sig_tx(&tx, 3, 5);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_BAD_SIGNATURE) == D);
	make_bad_body_tx(&tx, 3);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_INVALID) == D);
	/* One sender at its cap: a policy limit, not an offence. */
	make_tx(&tx, 1, 6, 10000, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_OK) == O);
	make_tx(&tx, 1, 7, 10000, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_SENDER_CAP) == I);
	/* Fill the pool with well-paying transactions of other senders; then
	 * a poorer one finds it full. */
	for (uint8_t from = 10;; from++) {
		make_tx(&tx, from, 5, 100000, CHAIN);
		if (mempool_bytes(mp) + tx.raw_len > TX_MAX_SIZE) {
			tx_release(&tx);
			break;
		}
		CHECK(admit(mp, &tx, MEMPOOL_OK) == O);
	}
	make_tx(&tx, 4, 5, 300, CHAIN);
	CHECK(admit(mp, &tx, MEMPOOL_ERR_FULL) == I);
	mempool_destroy(mp);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_p2p_table),
	UNIT_CASE(test_prim_table),
	UNIT_CASE(test_ledger_table),
	UNIT_CASE(test_exemption),
	UNIT_CASE(test_mempool_verdicts),
};

int main(void)
{
	int rc;
	if (!crypto_init())
		return 1;
	rc = unit_run(cases, UNIT_COUNT(cases));
	crypto_cleanup();
	return rc;
}
