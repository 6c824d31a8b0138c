/* Signatures, commit verification, evidence, Merkle roots, chain ids and
 * the builder paths of src/primitives. */
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "primitives/block.h"
#include "primitives/commit.h"
#include "primitives/evidence.h"
#include "primitives/merkle.h"
#include "primitives/tx.h"
#include "primitives/vote.h"
#include "test_primitives.h"
#include "test_primitives_vectors.h"

static struct pubkey key_of(enum vec_key k, struct seckey *sk)
{
	struct seckey tmp;
	struct pubkey pk;
	vectors_key(sk ? sk : &tmp, &pk, k);
	return pk;
}

/* -------------------------------------------------------- chain ids */

static void test_chain_id(void)
{
	static const struct { const char *s; bool ok; } cases[] = {
		{ "testnet-1a2b3c4d", true }, { "a-00000000", true },
		{ "abcdefghijklmnop-ffffffff", true }, { "main-0123abcd", true },
		{ "", false }, { "-00000000", false }, { "a-0000000", false },
		{ "a-000000000", false }, { "abcdefghijklmnopq-ffffffff", false },
		{ "Testnet-1a2b3c4d", false }, { "testnet-1A2B3C4D", false },
		{ "testnet_1a2b3c4d", false }, { "test net-1a2b3c4d", false },
		{ "testnet-1a2b3c4g", false }, { "testnet1-1a2b3c4d", false },
		{ "testnet--1a2b3c4", false }, { "testnet-1a2b3c4d ", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct chain_id c;
		bool ok = chain_id_parse(&c, cases[i].s);
		if (!CHECK(ok == cases[i].ok))
			unit_note("chain id '%s'", cases[i].s);
		CHECK(chain_id_valid((const uint8_t *)cases[i].s, strlen(cases[i].s)) == cases[i].ok);
		CHECK(ok ? strcmp(c.s, cases[i].s) == 0 : c.len == 0);
	}
	struct hash256 g = { { 0x1a, 0x2b, 0x3c, 0x4d, 0xff } };
	struct chain_id c, d;
	CHECK(chain_id_make(&c, "testnet", &g) && strcmp(c.s, "testnet-1a2b3c4d") == 0);
	CHECK(chain_id_parse(&d, "testnet-1a2b3c4d") && chain_id_eq(&c, &d));
	CHECK(chain_id_parse(&d, "regtest-1a2b3c4d") && !chain_id_eq(&c, &d));
	CHECK(!chain_id_make(&c, "", &g) && c.len == 0);
	CHECK(!chain_id_make(&c, "Testnet", &g));
	CHECK(!chain_id_make(&c, "abcdefghijklmnopq", &g));
	CHECK(chain_id_make(&c, "abcdefghijklmnop", &g) && c.len == 25);
}

/* ----------------------------------------------------------- Merkle */

/* tagged(tag, m), written out from the definition (not through the
 * precomputed tables). */
static void ref_tagged(struct hash256 *out, const char *tag, const uint8_t *m, size_t len)
{
	uint8_t t[32], *buf = malloc(64 + len + 1);
	if (!buf)
		abort();
	sha256(t, tag, strlen(tag));
	memcpy(buf, t, 32);
	memcpy(buf + 32, t, 32);
	if (len)
		memcpy(buf + 64, m, len);
	sha256(out->b, buf, 64 + len);
	free(buf);
}

static void ref_root(struct hash256 *out, const struct hash256 *x, size_t n)
{
	if (n == 0) {
		ref_tagged(out, "Rostra/merkle/empty", NULL, 0);
	} else if (n == 1) {
		ref_tagged(out, "Rostra/merkle/leaf", x[0].b, 32);
	} else {
		size_t k = 1;
		uint8_t pair[64];
		struct hash256 l, r;
		while (k * 2 < n)
			k *= 2;
		ref_root(&l, x, k);
		ref_root(&r, x + k, n - k);
		memcpy(pair, l.b, 32);
		memcpy(pair + 32, r.b, 32);
		ref_tagged(out, "Rostra/merkle/node", pair, 64);
	}
}

static void test_merkle_reference(void)
{
	struct hash256 leaves[10], got, want;
	unit_rand_bytes(leaves, sizeof(leaves));
	for (size_t n = 0; n <= 9; n++) {
		merkle_root(&got, leaves, n);
		ref_root(&want, leaves, n);
		CHECK(memcmp(got.b, want.b, 32) == 0);
	}
	/* No duplicated last leaf: [a, b, c] and [a, b, c, c] differ. */
	leaves[3] = leaves[2];
	merkle_root(&got, leaves, 3);
	merkle_root(&want, leaves, 4);
	CHECK(memcmp(got.b, want.b, 32) != 0);
	/* A one-leaf root is not the leaf, and an inner node is not a leaf:
	 * root([a, b]) != root([x]) where x would be the node's preimage. */
	merkle_root(&got, leaves, 1);
	CHECK(memcmp(got.b, leaves[0].b, 32) != 0);
}

/* ------------------------------------------------------- signatures */

/* A signed transfer from alice. */
static bool signed_transfer(struct tx *tx)
{
	struct seckey sk;
	enum prim_err err;
	tx_init(tx);
	vectors_chain_id(&tx->chain_id);
	tx->type = TX_TRANSFER;
	tx->sender = key_of(VEC_ALICE, &sk);
	tx->nonce = 7;
	tx->fee = 100;
	tx->u.transfer.to = key_of(VEC_BOB, NULL);
	tx->u.transfer.amount = 5;
	tx->u.transfer.memo = (struct tx_bytes){ (const uint8_t *)"hi", 2 };
	return tx_sign(tx, &sk, vectors_aux, &err);
}

/* Change a sealed tx with edit, re-seal it keeping its signature, and
 * return whether the signature still verifies. */
static bool verifies_after(const struct tx *orig, void (*edit)(struct tx *))
{
	struct tx tx;
	enum prim_err err;
	bool ok;
	if (!tx_copy(&tx, orig))
		return true;
	edit(&tx);
	ok = tx_seal(&tx, &err) && tx_verify_sig(&tx);
	tx_release(&tx);
	return ok;
}

static void e_none(struct tx *t) { (void)t; }
static void e_sig_first_bit(struct tx *t) { t->sig[0] ^= 1; }
static void e_sig_last_bit(struct tx *t) { t->sig[SIG_LEN - 1] ^= 0x80; }
static void e_other_key(struct tx *t) { t->sender = key_of(VEC_BOB, NULL); }
static void e_other_chain(struct tx *t) { chain_id_parse(&t->chain_id, "regtest-1a2b3c4d"); }
static void e_nonce(struct tx *t) { t->nonce++; }
static void e_amount(struct tx *t) { t->u.transfer.amount++; }

static void test_tx_signature(void)
{
	static const struct { void (*edit)(struct tx *); bool valid; } cases[] = {
		{ e_none, true }, { e_sig_first_bit, false }, { e_sig_last_bit, false },
		{ e_other_key, false }, { e_other_chain, false }, { e_nonce, false },
		{ e_amount, false },
	};
	struct tx tx;
	struct hash256 h;
	if (!CHECK(signed_transfer(&tx)))
		return;
	CHECK(tx_verify_sig(&tx));
	CHECK(tx_compute_sighash(&h, &tx) && memcmp(h.b, tx_sighash(&tx)->b, 32) == 0);
	CHECK(key_verify(tx.sig, h.b, 32, &tx.sender));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(verifies_after(&tx, cases[i].edit) == cases[i].valid);
	tx_release(&tx);
}

static void test_tx_builder(void)
{
	struct tx tx, before;
	struct seckey bob_sk;
	enum prim_err err;
	key_of(VEC_BOB, &bob_sk);
	if (!CHECK(signed_transfer(&tx)))
		return;
	CHECK(tx.sealed && tx.owned);
	/* Signing with a key that is not the sender's fails, tx unchanged. */
	before = tx;
	CHECK(!tx_sign(&tx, &bob_sk, vectors_aux, &err) && err == PRIM_ERR_SENDER_KEY);
	CHECK(memcmp(&before, &tx, sizeof(tx)) == 0);
	/* Sealing what the decoder refuses fails with its reason, unchanged. */
	tx.u.transfer.amount = 0;
	CHECK(!tx_seal(&tx, &err) && err == PRIM_ERR_AMOUNT_RANGE);
	tx.u.transfer.amount = 5;
	tx.type = 12;
	CHECK(!tx_seal(&tx, &err) && err == PRIM_ERR_UNKNOWN_TYPE);
	tx.type = TX_TRANSFER;
	CHECK(memcmp(&before, &tx, sizeof(tx)) == 0);
	/* Sealing a sealed, owned tx replaces its storage. */
	CHECK(tx_seal(&tx, &err) && tx_verify_sig(&tx) && tx.raw != before.raw);
	tx_release(&tx);
	CHECK(tx.raw == NULL && !tx.sealed);
	tx_release(&tx); /* twice is harmless */
	for (uint8_t t = TX_TYPE_MIN; t <= TX_TYPE_MAX; t++)
		CHECK(tx_type_from_name(tx_type_name(t)) == t);
	CHECK(tx_type_name(0) == NULL && tx_type_name(12) == NULL);
	CHECK(tx_type_from_name("mint") == 0);
}

static void test_vote_and_proposal_signatures(void)
{
	struct chain_id c, other;
	struct seckey sk, sk2;
	struct vote v;
	struct proposal p;
	vectors_chain_id(&c);
	chain_id_parse(&other, "regtest-00000000");
	memset(&v, 0, sizeof(v));
	v.type = VOTE_PRECOMMIT;
	v.height = 9;
	v.round = 2;
	v.block_id.b[5] = 1;
	v.validator = key_of(VEC_VAL1, &sk);
	key_of(VEC_VAL2, &sk2);
	CHECK(!vote_sign(&v, &c, &sk2, vectors_aux));
	CHECK(vote_sign(&v, &c, &sk, vectors_aux));
	CHECK(vote_verify(&v, &c));
	CHECK(!vote_verify(&v, &other));
	v.round++;
	CHECK(!vote_verify(&v, &c));
	v.round--;
	v.type = VOTE_PREVOTE; /* a prevote signature is not a precommit's */
	CHECK(!vote_verify(&v, &c));
	v.type = VOTE_PRECOMMIT;
	v.sig[10] ^= 4;
	CHECK(!vote_verify(&v, &c));
	CHECK(!vote_is_nil(&v));

	memset(&p, 0, sizeof(p));
	p.height = 9;
	p.round = 3;
	p.pol_round = 1;
	p.block_id.b[0] = 7;
	p.proposer = key_of(VEC_VAL2, &sk2);
	CHECK(!proposal_sign(&p, &c, &sk, vectors_aux));
	CHECK(proposal_sign(&p, &c, &sk2, vectors_aux));
	CHECK(proposal_verify(&p, &c));
	CHECK(!proposal_verify(&p, &other));
	p.pol_round = POL_ROUND_NONE;
	CHECK(!proposal_verify(&p, &c));

	/* The fixed sizes in vote.h and evidence.h are the encoded sizes. */
	struct buf b = BUF_INIT;
	struct evidence e = { v, v };
	CHECK(vote_encode(&b, &v) && b.len == VOTE_SIZE);
	buf_reset(&b);
	CHECK(proposal_encode(&b, &p) && b.len == PROPOSAL_SIZE);
	buf_reset(&b);
	CHECK(evidence_encode(&b, &e) && b.len == EVIDENCE_SIZE);
	buf_release(&b);
}

/* ---------------------------------------------------------- commits */

#define NSET 4

/* A commit of (height 5, round 1, block 0x42..) whose entry i is present
 * when bit i of mask is set, signed by set member i. */
static void build_commit(struct commit *c, unsigned mask, struct pubkey keys[NSET])
{
	struct chain_id chain;
	struct hash256 h;
	vectors_chain_id(&chain);
	memset(c, 0, sizeof(*c));
	c->height = 5;
	c->round = 1;
	memset(c->block_id.b, 0x42, 32);
	c->n = NSET;
	commit_sighash(&h, c, &chain);
	for (unsigned i = 0; i < NSET; i++) {
		struct seckey sk;
		keys[i] = key_of((enum vec_key)i, &sk);
		if (mask & (1u << i)) {
			c->present[i] = true;
			key_sign(c->sigs[i], &sk, h.b, 32, vectors_aux);
		}
	}
}

enum commit_edit { CE_NONE, CE_BAD_SIG, CE_ABSENT_GARBAGE, CE_SWAP_KEYS, CE_OTHER_ROUND };

static void test_commit_verify(void)
{
	static const struct {
		const char *name;
		uint64_t power[NSET];
		unsigned mask;
		size_t set_len;
		enum commit_edit edit;
		enum prim_err want;
	} cases[] = {
		{ "all present", { 1, 1, 1, 1 }, 0xf, NSET, CE_NONE, PRIM_ERR_OK },
		{ "3 of 4 equal", { 1, 1, 1, 1 }, 0x7, NSET, CE_NONE, PRIM_ERR_OK },
		{ "exactly 2/3", { 1, 1, 1, 0 }, 0x3, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "just above 2/3", { 100, 100, 99, 0 }, 0x3, NSET, CE_NONE, PRIM_ERR_OK },
		{ "just below", { 100, 100, 101, 0 }, 0x3, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "exactly 2/3 weighted", { 10, 20, 30, 0 }, 0x5, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "weighted above", { 10, 20, 30, 0 }, 0x6, NSET, CE_NONE, PRIM_ERR_OK },
		{ "absent heavy", { 10, 20, 30, 100 }, 0x7, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "none present", { 1, 1, 1, 1 }, 0x0, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "zero power", { 0, 0, 0, 0 }, 0xf, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "set too small", { 1, 1, 1, 1 }, 0xf, NSET - 1, CE_NONE, PRIM_ERR_COMMIT_SET_SIZE },
		{ "set too large", { 1, 1, 1, 1 }, 0xf, NSET + 1, CE_NONE, PRIM_ERR_COMMIT_SET_SIZE },
		{ "bad signature", { 1, 1, 1, 1 }, 0xf, NSET, CE_BAD_SIG, PRIM_ERR_BAD_SIGNATURE },
		{ "garbage in absent entry", { 1, 1, 1, 1 }, 0x7, NSET, CE_ABSENT_GARBAGE, PRIM_ERR_OK },
		{ "signature by another member", { 1, 1, 1, 1 }, 0xf, NSET, CE_SWAP_KEYS, PRIM_ERR_BAD_SIGNATURE },
		{ "signed for another round", { 1, 1, 1, 1 }, 0xf, NSET, CE_OTHER_ROUND, PRIM_ERR_BAD_SIGNATURE },
		{ "total overflows to 0", { UINT64_MAX, 1, 0, 0 }, 0xf, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "total overflows to 1", { UINT64_MAX, 2, 0, 0 }, 0xf, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "3x overflows, all", { 1ull << 62, 1ull << 62, 1ull << 62, 0 }, 0x7, NSET, CE_NONE, PRIM_ERR_OK },
		{ "3x overflows, 2/3", { 1ull << 62, 1ull << 62, 1ull << 62, 0 }, 0x3, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
		{ "huge, just above", { UINT64_MAX / 3, UINT64_MAX / 3, UINT64_MAX / 3 - 1, 0 }, 0x3, NSET, CE_NONE, PRIM_ERR_OK },
		{ "huge, exactly 2/3", { UINT64_MAX / 3, UINT64_MAX / 3, UINT64_MAX / 3, 0 }, 0x3, NSET, CE_NONE, PRIM_ERR_COMMIT_POWER },
	};
	struct chain_id chain;
	struct commit *c = malloc(sizeof(*c));
	struct pubkey keys[NSET + 1];
	uint64_t power[NSET + 1];
	vectors_chain_id(&chain);
	if (!CHECK(c != NULL))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum prim_err err;
		build_commit(c, cases[i].mask, keys);
		keys[NSET] = keys[0];
		memcpy(power, cases[i].power, sizeof(cases[i].power));
		power[NSET] = 1;
		switch (cases[i].edit) {
		case CE_BAD_SIG: c->sigs[2][7] ^= 1; break;
		case CE_ABSENT_GARBAGE: memset(c->sigs[3], 0xab, SIG_LEN); break;
		case CE_SWAP_KEYS: { struct pubkey k = keys[0]; keys[0] = keys[1]; keys[1] = k; break; }
		case CE_OTHER_ROUND: c->round = 2; break;
		case CE_NONE: break;
		}
		bool ok = commit_verify(c, &chain, keys, power, cases[i].set_len, &err);
		if (!CHECK(err == cases[i].want && ok == (cases[i].want == PRIM_ERR_OK)))
			unit_note("commit case '%s': %s", cases[i].name, prim_err_name(err));
	}
	enum prim_err err;
	commit_init_empty(c);
	CHECK(!commit_verify(c, &chain, keys, power, 0, &err) && err == PRIM_ERR_COMMIT_NIL);
	free(c);
}

/* --------------------------------------------------------- evidence */

static void test_evidence_rules(void)
{
	struct chain_id chain;
	struct seckey sk;
	struct vote a, b;
	struct evidence e, e2;
	enum prim_err err;
	vectors_chain_id(&chain);
	memset(&a, 0, sizeof(a));
	a.type = VOTE_PREVOTE;
	a.height = 3;
	a.round = 1;
	a.validator = key_of(VEC_VAL3, &sk);
	b = a;
	memset(b.block_id.b, 0x11, 32); /* a votes nil, b for a block */
	CHECK(vote_sign(&a, &chain, &sk, vectors_aux) && vote_sign(&b, &chain, &sk, vectors_aux));

	CHECK(evidence_make(&e, &a, &b, &err) && err == PRIM_ERR_OK);
	CHECK(evidence_make(&e2, &b, &a, &err) && memcmp(&e, &e2, sizeof(e)) == 0);
	CHECK(vote_is_nil(&e.a) && !vote_is_nil(&e.b));
	CHECK(evidence_verify(&e, &chain, &err) && err == PRIM_ERR_OK);
	e2.b.sig[0] ^= 1;
	CHECK(!evidence_verify(&e2, &chain, &err) && err == PRIM_ERR_BAD_SIGNATURE);
	struct chain_id other;
	chain_id_parse(&other, "regtest-00000000");
	CHECK(!evidence_verify(&e, &other, &err) && err == PRIM_ERR_BAD_SIGNATURE);

	CHECK(!evidence_make(&e2, &a, &a, &err) && err == PRIM_ERR_EVIDENCE_ORDER);
	struct vote c = b;
	c.round = 2;
	CHECK(!evidence_make(&e2, &a, &c, &err) && err == PRIM_ERR_EVIDENCE_MISMATCH);
	c = b;
	c.type = VOTE_PRECOMMIT;
	CHECK(!evidence_make(&e2, &a, &c, &err) && err == PRIM_ERR_EVIDENCE_MISMATCH);
	c = b;
	c.validator = key_of(VEC_VAL2, NULL);
	CHECK(!evidence_make(&e2, &a, &c, &err) && err == PRIM_ERR_EVIDENCE_MISMATCH);
	c = b;
	c.height = 4;
	CHECK(!evidence_make(&e2, &a, &c, &err) && err == PRIM_ERR_EVIDENCE_MISMATCH);
	e2 = e;
	e2.a = e.b;
	e2.b = e.a;
	CHECK(!evidence_verify(&e2, &chain, &err) && err == PRIM_ERR_EVIDENCE_ORDER);
}

/* ----------------------------------------------------------- blocks */

/* Build, encode, decode and check a block of n signed transfers at height
 * 2; the decoded txs borrow the block's storage and tx_copy keeps one. */
static void test_block_build_decode(void)
{
	struct block *b = calloc(1, sizeof(*b)), *d = calloc(1, sizeof(*d));
	struct buf enc = BUF_INIT;
	struct tx kept;
	enum prim_err err;
	struct pubkey keys[NSET];
	const size_t n = 40;
	if (!CHECK(b && d))
		goto out;
	block_init(b);
	b->header.version = BLOCK_VERSION;
	vectors_chain_id(&b->header.chain_id);
	b->header.height = 2;
	b->header.proposer = key_of(VEC_VAL1, NULL);
	b->txs = calloc(n, sizeof(struct tx));
	for (size_t i = 0; b->txs && i < n; i++) {
		CHECK(signed_transfer(&b->txs[i]));
		b->ntx = i + 1;
	}
	build_commit(&b->last_commit, 0xf, keys);
	b->last_commit.height = 1;
	block_compute_roots(&b->header.tx_root, &b->header.evidence_root,
			    &b->header.last_commit_hash, b);
	CHECK(block_check(b, &err) && err == PRIM_ERR_OK);
	CHECK(block_encode(&enc, b));
	if (!CHECK(block_decode(d, enc.data, enc.len, &err)))
		goto out;
	CHECK(d->ntx == n && d->raw_len == enc.len);
	CHECK(block_check(d, &err) && err == PRIM_ERR_OK);
	struct hash256 id;
	block_header_id(&id, &b->header);
	CHECK(memcmp(id.b, d->id.b, 32) == 0);
	CHECK(!d->txs[3].owned && d->txs[3].raw > d->raw && d->txs[3].raw < d->raw + d->raw_len);
	CHECK(tx_verify_sig(&d->txs[3]));
	CHECK(tx_copy(&kept, &d->txs[3]));
	block_release(d);
	CHECK(kept.owned && tx_verify_sig(&kept));
	CHECK(kept.u.transfer.memo.len == 2 && memcmp(kept.u.transfer.memo.p, "hi", 2) == 0);
	tx_release(&kept);
	/* A tx with a bad text field makes block_check fail with its reason. */
	b->txs[1].u.transfer.memo = (struct tx_bytes){ (const uint8_t *)"\xff", 1 };
	CHECK(!block_check(b, &err) && err == PRIM_ERR_MEMO_UTF8);
	b->txs[1].u.transfer.memo = (struct tx_bytes){ (const uint8_t *)"hi", 2 };
	/* Height 1 must carry the empty commit. */
	b->header.height = 1;
	CHECK(!block_check(b, &err) && err == PRIM_ERR_LAST_COMMIT_HEIGHT);
out:
	buf_release(&enc);
	if (b)
		block_release(b);
	free(b);
	free(d);
}

const struct unit_case prim_util_cases[] = {
	UNIT_CASE(test_chain_id),
	UNIT_CASE(test_merkle_reference),
	UNIT_CASE(test_tx_signature),
	UNIT_CASE(test_tx_builder),
	UNIT_CASE(test_vote_and_proposal_signatures),
	UNIT_CASE(test_commit_verify),
	UNIT_CASE(test_evidence_rules),
	UNIT_CASE(test_block_build_decode),
};
const size_t prim_util_ncases = UNIT_COUNT(prim_util_cases);
