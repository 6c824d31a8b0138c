/* Builds test/data/vectors.json (see test_primitives_vectors.h). */
#include "test_primitives_vectors.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "primitives/merkle.h"
#include "primitives/tags.h"
#include "util/hex.h"

const uint8_t vectors_aux[32] = { 0 };

static const char *const key_names[VEC_NKEYS] = { "alice", "bob", "val1", "val2", "val3" };

void vectors_key(struct seckey *sk, struct pubkey *pk, enum vec_key k)
{
	for (size_t i = 0; i < SECKEY_LEN; i++)
		sk->b[i] = (uint8_t)(32 * (unsigned)k + i + 1);
	if (!key_pubkey(pk, sk))
		abort(); /* the fixed keys are valid */
}

static struct pubkey pub(enum vec_key k)
{
	struct seckey sk;
	struct pubkey pk;
	vectors_key(&sk, &pk, k);
	return pk;
}

void vectors_chain_id(struct chain_id *c)
{
	if (!chain_id_parse(c, VEC_CHAIN_ID))
		abort();
}

/* A fixed, recognisable 32-byte value. */
static struct hash256 fixed_hash(uint8_t seed)
{
	struct hash256 h;
	for (size_t i = 0; i < sizeof(h.b); i++)
		h.b[i] = (uint8_t)(seed + 3 * i);
	return h;
}

/* ------------------------------------------------------------ JSON bits */

static json_t *jhex(const void *p, size_t n)
{
	struct buf b = BUF_INIT;
	json_t *j = NULL;
	if (hex_append(&b, p, n))
		j = json_stringn(b.len ? (const char *)b.data : "", b.len);
	buf_release(&b);
	return j;
}

static json_t *jhash(const struct hash256 *h) { return jhex(h->b, sizeof(h->b)); }
static json_t *jkey(const struct pubkey *k) { return jhex(k->b, sizeof(k->b)); }
static json_t *jint(uint64_t v) { return json_integer((json_int_t)v); }

static json_t *jtext(const struct tx_bytes *t)
{
	return json_stringn(t->len ? (const char *)t->p : "", t->len);
}

static void set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v ? v : json_null());
}

static json_t *jbuf(const struct buf *b)
{
	return buf_ok(b) ? jhex(b->data, b->len) : NULL;
}

uint8_t *vectors_unhex(const char *hex, size_t *len)
{
	size_t cap = strlen(hex) / 2 + 1;
	uint8_t *p = malloc(cap);
	if (p && !hex_decode(p, cap, len, hex)) {
		free(p);
		p = NULL;
	}
	return p;
}

/* ----------------------------------------------------------- fields */

static json_t *payload_fields(const struct tx *tx)
{
	json_t *o = json_object();
	switch (tx->type) {
	case TX_TRANSFER:
		set(o, "to", jkey(&tx->u.transfer.to));
		set(o, "amount", jint(tx->u.transfer.amount));
		set(o, "memo", jtext(&tx->u.transfer.memo));
		break;
	case TX_POST: {
		json_t *tags = json_array();
		set(o, "parent", tx->u.post.has_parent ? jhash(&tx->u.post.parent) : json_null());
		set(o, "body", jtext(&tx->u.post.body));
		for (size_t i = 0; i < tx->u.post.ntags; i++)
			json_array_append_new(tags, jtext(&tx->u.post.tags[i]));
		set(o, "tags", tags);
		break;
	}
	case TX_VOTE:
		set(o, "post", jhash(&tx->u.vote.post));
		set(o, "weight", json_integer(tx->u.vote.weight));
		break;
	case TX_ENDORSE:
		set(o, "subject", jkey(&tx->u.endorse.subject));
		set(o, "weight", json_integer(tx->u.endorse.weight));
		break;
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		set(o, "target", jkey(&tx->u.follow.target));
		break;
	case TX_PROFILE:
		set(o, "handle", jtext(&tx->u.profile.handle));
		set(o, "name", jtext(&tx->u.profile.name));
		set(o, "about", jtext(&tx->u.profile.about));
		set(o, "website", jtext(&tx->u.profile.website));
		break;
	case TX_STAKE:
	case TX_UNSTAKE:
		set(o, "validator", jkey(&tx->u.stake.validator));
		set(o, "amount", jint(tx->u.stake.amount));
		break;
	case TX_VALIDATOR:
		set(o, "consensus_key", jkey(&tx->u.validator.consensus_key));
		set(o, "moniker", jtext(&tx->u.validator.moniker));
		set(o, "commission", json_integer(tx->u.validator.commission));
		break;
	default:
		break;
	}
	return o;
}

json_t *vectors_tx_fields(const struct tx *tx)
{
	json_t *o = json_object();
	const char *type = tx_type_name(tx->type);
	set(o, "version", json_integer(tx->version));
	set(o, "chain_id", json_string(tx->chain_id.s));
	set(o, "type", type ? json_string(type) : json_integer(tx->type));
	set(o, "sender", jkey(&tx->sender));
	set(o, "nonce", jint(tx->nonce));
	set(o, "fee", jint(tx->fee));
	set(o, "payload", payload_fields(tx));
	set(o, "sig", jhex(tx->sig, SIG_LEN));
	return o;
}

json_t *vectors_header_fields(const struct block_header *h)
{
	json_t *o = json_object();
	set(o, "version", jint(h->version));
	set(o, "chain_id", json_string(h->chain_id.s));
	set(o, "height", jint(h->height));
	set(o, "time", jint(h->time));
	set(o, "prev_block", jhash(&h->prev_block));
	set(o, "tx_root", jhash(&h->tx_root));
	set(o, "state_root", jhash(&h->state_root));
	set(o, "last_commit_hash", jhash(&h->last_commit_hash));
	set(o, "evidence_root", jhash(&h->evidence_root));
	set(o, "validators_hash", jhash(&h->validators_hash));
	set(o, "next_validators_hash", jhash(&h->next_validators_hash));
	set(o, "proposer", jkey(&h->proposer));
	return o;
}

json_t *vectors_vote_fields(const struct vote *v)
{
	json_t *o = json_object();
	set(o, "type", json_string(v->type == VOTE_PREVOTE ? "prevote" : "precommit"));
	set(o, "height", jint(v->height));
	set(o, "round", jint(v->round));
	set(o, "block_id", jhash(&v->block_id));
	set(o, "validator", jkey(&v->validator));
	set(o, "sig", jhex(v->sig, SIG_LEN));
	return o;
}

json_t *vectors_proposal_fields(const struct proposal *p)
{
	json_t *o = json_object();
	set(o, "height", jint(p->height));
	set(o, "round", jint(p->round));
	set(o, "pol_round", jint(p->pol_round));
	set(o, "block_id", jhash(&p->block_id));
	set(o, "proposer", jkey(&p->proposer));
	set(o, "sig", jhex(p->sig, SIG_LEN));
	return o;
}

json_t *vectors_commit_fields(const struct commit *c)
{
	json_t *o = json_object(), *entries = json_array();
	set(o, "height", jint(c->height));
	set(o, "round", jint(c->round));
	set(o, "block_id", jhash(&c->block_id));
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(entries, c->present[i] ? jhex(c->sigs[i], SIG_LEN) : json_null());
	set(o, "entries", entries);
	return o;
}

json_t *vectors_evidence_fields(const struct evidence *e)
{
	json_t *o = json_object();
	set(o, "vote_a", vectors_vote_fields(&e->a));
	set(o, "vote_b", vectors_vote_fields(&e->b));
	return o;
}

json_t *vectors_block_fields(const struct block *b)
{
	json_t *o = json_object(), *txs = json_array(), *ev = json_array();
	set(o, "header", vectors_header_fields(&b->header));
	for (size_t i = 0; i < b->ntx; i++) {
		struct buf e = BUF_INIT;
		tx_encode(&e, &b->txs[i]);
		json_array_append_new(txs, jbuf(&e));
		buf_release(&e);
	}
	set(o, "txs", txs);
	set(o, "last_commit", vectors_commit_fields(&b->last_commit));
	for (size_t i = 0; i < b->nevidence; i++)
		json_array_append_new(ev, vectors_evidence_fields(&b->evidence[i]));
	set(o, "evidence", ev);
	return o;
}

/* ------------------------------------------------------- transactions */

#define TXT(s) ((struct tx_bytes){ (const uint8_t *)(s), sizeof(s) - 1 })

static void fill_transfer(struct tx *tx)
{
	tx->u.transfer.to = pub(VEC_BOB);
	tx->u.transfer.amount = 150000000;
	tx->u.transfer.memo = TXT("thanks for lunch \xe2\x98\x95");
}

static void fill_post(struct tx *tx)
{
	tx->u.post.body = TXT("Hello, Rostra! Premi\xc3\xa8re publication \xf0\x9f\x8c\x8d");
}

static void fill_reply(struct tx *tx)
{
	tx->u.post.has_parent = true;
	tx->u.post.parent = fixed_hash(0x50);
	tx->u.post.body = TXT("Agreed \xe2\x80\x94 welcome aboard.");
	tx->u.post.ntags = 3;
	tx->u.post.tags[0] = TXT("intro");
	tx->u.post.tags[1] = TXT("rostra");
	tx->u.post.tags[2] = TXT("social_2");
}

static void fill_vote(struct tx *tx)
{
	tx->u.vote.post = fixed_hash(0x50);
	tx->u.vote.weight = -2500;
}

static void fill_endorse(struct tx *tx)
{
	tx->u.endorse.subject = pub(VEC_BOB);
	tx->u.endorse.weight = 10000;
}

static void fill_follow(struct tx *tx)
{
	tx->u.follow.target = pub(VEC_BOB);
}

static void fill_profile(struct tx *tx)
{
	tx->u.profile.handle = TXT("alice_01");
	tx->u.profile.name = TXT("Alice Liddell");
	tx->u.profile.about = TXT("Curiouser and curiouser \xf0\x9f\x90\x87");
	tx->u.profile.website = TXT("https://example.org/alice");
}

/* A profile without a handle: an empty handle is valid (length 0 is
 * allowed besides 3..24, and it has no characters to check). */
static void fill_profile_anon(struct tx *tx)
{
	tx->u.profile.name = TXT("Anonymous");
}

static void fill_stake(struct tx *tx)
{
	tx->u.stake.validator = pub(VEC_VAL1);
	tx->u.stake.amount = 5000000000;
}

static void fill_unstake(struct tx *tx)
{
	tx->u.stake.validator = pub(VEC_VAL1);
	tx->u.stake.amount = 1000000000;
}

static void fill_validator(struct tx *tx)
{
	tx->u.validator.consensus_key = pub(VEC_VAL1);
	tx->u.validator.moniker = TXT("Validator One \xe2\x9a\xa1");
	tx->u.validator.commission = 500;
}

static void fill_none(struct tx *tx)
{
	(void)tx;
}

struct tx_vec {
	const char *name;
	uint8_t type;
	enum vec_key sender;
	uint64_t nonce, fee;
	void (*fill)(struct tx *);
};

static const struct tx_vec tx_vecs[] = {
	{ "transfer", TX_TRANSFER, VEC_ALICE, 0, 1000, fill_transfer },
	{ "post", TX_POST, VEC_ALICE, 1, 2000, fill_post },
	{ "post_reply_tags", TX_POST, VEC_BOB, 300, 2500, fill_reply },
	{ "vote", TX_VOTE, VEC_BOB, 301, 1000, fill_vote },
	{ "endorse", TX_ENDORSE, VEC_ALICE, 2, 1000, fill_endorse },
	{ "follow", TX_FOLLOW, VEC_ALICE, 3, 1000, fill_follow },
	{ "unfollow", TX_UNFOLLOW, VEC_ALICE, 4, 1000, fill_follow },
	{ "profile", TX_PROFILE, VEC_ALICE, 5, 5000, fill_profile },
	{ "stake", TX_STAKE, VEC_ALICE, 6, 1000, fill_stake },
	{ "unstake", TX_UNSTAKE, VEC_ALICE, 7, MAX_MONEY, fill_unstake },
	{ "validator", TX_VALIDATOR, VEC_VAL1, 0, 1000, fill_validator },
	{ "unjail", TX_UNJAIL, VEC_VAL1, 1, 1000, fill_none },
	{ "profile_no_handle", TX_PROFILE, VEC_BOB, 302, 1000, fill_profile_anon },
};

static const struct tx_vec *find_tx_vec(const char *name)
{
	for (size_t i = 0; i < sizeof(tx_vecs) / sizeof(tx_vecs[0]); i++)
		if (strcmp(tx_vecs[i].name, name) == 0)
			return &tx_vecs[i];
	return NULL;
}

/* An unsigned, unsealed tx with borrowed fields (static strings). */
static void build_tx(struct tx *tx, const struct tx_vec *v)
{
	tx_init(tx);
	vectors_chain_id(&tx->chain_id);
	tx->type = v->type;
	tx->sender = pub(v->sender);
	tx->nonce = v->nonce;
	tx->fee = v->fee;
	v->fill(tx);
}

/* A signed, sealed tx of vector v. */
static bool signed_tx(struct tx *tx, const struct tx_vec *v)
{
	struct seckey sk;
	struct pubkey pk;
	enum prim_err err;
	build_tx(tx, v);
	vectors_key(&sk, &pk, v->sender);
	if (!tx_sign(tx, &sk, vectors_aux, &err)) {
		fprintf(stderr, "vectors: cannot sign %s: %s\n", v->name, prim_err_name(err));
		return false;
	}
	return true;
}

static json_t *tx_entry(const char *name, const struct tx *tx)
{
	json_t *o = json_object();
	enum prim_err err;
	tx_check(tx, &err);
	set(o, "name", json_string(name));
	set(o, "fields", vectors_tx_fields(tx));
	set(o, "hex", jhex(tx->raw, tx->raw_len));
	set(o, "sighash", jhash(tx_sighash(tx)));
	set(o, "sig_valid", json_boolean(tx_verify_sig(tx)));
	set(o, "txid", jhash(tx_id(tx)));
	set(o, "check", json_string(prim_err_name(err)));
	return o;
}

/* Signatures that BIP340 verification must refuse: the transfer's own
 * signature changed in one place. R's x coordinate r must be below the
 * field size p, and s below the group order n; a verifier that reduced
 * them instead would accept other encodings of a signature. */
static const uint8_t field_p[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f,
};
static const uint8_t group_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
	0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

static void s_last_bit(uint8_t sig[SIG_LEN]) { sig[SIG_LEN - 1] ^= 1; }
static void s_r_is_p(uint8_t sig[SIG_LEN]) { memcpy(sig, field_p, 32); }
static void s_s_is_n(uint8_t sig[SIG_LEN]) { memcpy(sig + 32, group_n, 32); }

static const struct {
	const char *name;
	void (*edit)(uint8_t sig[SIG_LEN]);
} bad_sigs[] = {
	{ "transfer_bad_sig", s_last_bit },
	{ "transfer_sig_r_is_p", s_r_is_p },
	{ "transfer_sig_s_is_n", s_s_is_n },
};

static bool add_txs(json_t *arr)
{
	struct tx tx;
	enum prim_err err;
	for (size_t i = 0; i < sizeof(tx_vecs) / sizeof(tx_vecs[0]); i++) {
		if (!signed_tx(&tx, &tx_vecs[i]))
			return false;
		json_array_append_new(arr, tx_entry(tx_vecs[i].name, &tx));
		tx_release(&tx);
	}
	for (size_t i = 0; i < sizeof(bad_sigs) / sizeof(bad_sigs[0]); i++) {
		if (!signed_tx(&tx, &tx_vecs[0]))
			return false;
		bad_sigs[i].edit(tx.sig);
		if (!tx_seal(&tx, &err))
			return false;
		json_array_append_new(arr, tx_entry(bad_sigs[i].name, &tx));
		tx_release(&tx);
	}
	return true;
}

/* ---------------------------------------------- consensus structures */

/* A validator set: members (by fixed key) and their voting powers, in set
 * order. */
struct vec_set {
	size_t n;
	enum vec_key who[4];
	uint64_t power[4];
};

#define SET3 { 3, { VEC_VAL1, VEC_VAL2, VEC_VAL3 }, { 10, 20, 30 } }

void vectors_validators_hash(struct hash256 *out, const struct pubkey *keys,
			     const uint64_t *power, size_t n)
{
	struct hash_tag tag;
	struct hash256 leaves[MAX_VALIDATORS];
	if (n > MAX_VALIDATORS)
		abort(); /* no set is larger than a commit */
	hash_tag_init(&tag, VEC_TAG_VALIDATOR);
	for (size_t i = 0; i < n; i++) {
		uint8_t m[PUBKEY_LEN + 8];
		memcpy(m, keys[i].b, PUBKEY_LEN);
		for (size_t j = 0; j < 8; j++)
			m[PUBKEY_LEN + j] = (uint8_t)(power[i] >> (8 * j));
		tagged_hash(leaves[i].b, &tag, m, sizeof(m));
	}
	merkle_root(out, leaves, n);
}

static void make_vote(struct vote *v, uint8_t type, uint64_t height, uint32_t round,
		      const struct hash256 *block, enum vec_key who, const char *chain)
{
	struct seckey sk;
	struct chain_id c;
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->height = height;
	v->round = round;
	v->block_id = *block;
	vectors_key(&sk, &v->validator, who);
	if (!chain_id_parse(&c, chain) || !vote_sign(v, &c, &sk, vectors_aux))
		abort();
}

/* The 3-entry commit of block id at height 1 round 0, signed on chain by
 * val1, val2, val3 where bit 0, 1, 2 of mask is set. */
static void make_commit(struct commit *c, const struct hash256 *block, unsigned mask,
			const char *chain)
{
	struct chain_id ch;
	struct hash256 h;
	if (!chain_id_parse(&ch, chain))
		abort();
	memset(c, 0, sizeof(*c));
	c->height = 1;
	c->round = 0;
	c->block_id = *block;
	c->n = 3;
	commit_sighash(&h, c, &ch);
	for (unsigned i = 0; i < 3; i++) {
		struct seckey sk;
		struct pubkey pk;
		if (!(mask & (1u << i)))
			continue;
		vectors_key(&sk, &pk, (enum vec_key)(VEC_VAL1 + i));
		c->present[i] = true;
		if (!key_sign(c->sigs[i], &sk, h.b, sizeof(h.b), vectors_aux))
			abort();
	}
}

/* Evidence that who cast two votes of type at height 1, round 0: one for
 * x, one for y, both signed on chain. */
static void make_evidence(struct evidence *e, uint8_t type, enum vec_key who,
			  const struct hash256 *x, const struct hash256 *y, const char *chain)
{
	struct vote v1, v2;
	enum prim_err err;
	make_vote(&v1, type, 1, 0, x, who, chain);
	make_vote(&v2, type, 1, 0, y, who, chain);
	if (!evidence_make(e, &v1, &v2, &err))
		abort();
}

static void base_header(struct block_header *h, uint64_t height, enum vec_key proposer)
{
	memset(h, 0, sizeof(*h));
	h->version = BLOCK_VERSION;
	vectors_chain_id(&h->chain_id);
	h->height = height;
	h->time = 1700000000000 + 5000 * (height - 1);
	h->state_root = fixed_hash((uint8_t)(0x10 + height));
	h->validators_hash = fixed_hash(0x30);
	h->next_validators_hash = fixed_hash(0x30);
	h->proposer = pub(proposer);
}

/* Block 1 (empty) and block 2 (three txs, last commit, one evidence). The
 * txs of block 2 are owned by it. */
static bool make_blocks(struct block *b1, struct block *b2)
{
	static const char *const names[3] = { "transfer", "post", "post_reply_tags" };

	block_init(b1);
	base_header(&b1->header, 1, VEC_VAL1);
	commit_init_empty(&b1->last_commit);
	block_compute_roots(&b1->header.tx_root, &b1->header.evidence_root,
			    &b1->header.last_commit_hash, b1);
	block_header_id(&b1->id, &b1->header);

	block_init(b2);
	base_header(&b2->header, 2, VEC_VAL2);
	b2->header.prev_block = b1->id;
	b2->txs = calloc(3, sizeof(struct tx));
	if (!b2->txs)
		return false;
	for (size_t i = 0; i < 3; i++) {
		if (!signed_tx(&b2->txs[i], find_tx_vec(names[i])))
			return false;
		b2->ntx = i + 1;
	}
	make_commit(&b2->last_commit, &b1->id, 6, VEC_CHAIN_ID); /* val2, val3 */
	struct hash256 other = fixed_hash(0x77);
	make_evidence(&b2->evidence[0], VOTE_PREVOTE, VEC_VAL1, &b1->id, &other, VEC_CHAIN_ID);
	b2->nevidence = 1;
	block_compute_roots(&b2->header.tx_root, &b2->header.evidence_root,
			    &b2->header.last_commit_hash, b2);
	block_header_id(&b2->id, &b2->header);
	return true;
}

static json_t *header_entry(const char *name, const struct block_header *h)
{
	json_t *o = json_object();
	struct buf b = BUF_INIT;
	struct hash256 id;
	block_header_encode(&b, h);
	block_header_id(&id, h);
	set(o, "name", json_string(name));
	set(o, "fields", vectors_header_fields(h));
	set(o, "hex", jbuf(&b));
	set(o, "id", jhash(&id));
	buf_release(&b);
	return o;
}

static json_t *block_entry(const char *name, const struct block *blk)
{
	json_t *o = json_object(), *txids = json_array();
	struct buf b = BUF_INIT;
	struct hash256 id, tx_root, ev_root, lc_hash;
	enum prim_err err;
	block_encode(&b, blk);
	block_header_id(&id, &blk->header);
	block_compute_roots(&tx_root, &ev_root, &lc_hash, blk);
	block_check(blk, &err);
	for (size_t i = 0; i < blk->ntx; i++)
		json_array_append_new(txids, jhash(tx_id(&blk->txs[i])));
	set(o, "name", json_string(name));
	set(o, "fields", vectors_block_fields(blk));
	set(o, "hex", jbuf(&b));
	set(o, "id", jhash(&id));
	set(o, "txids", txids);
	set(o, "tx_root", jhash(&tx_root));
	set(o, "evidence_root", jhash(&ev_root));
	set(o, "last_commit_hash", jhash(&lc_hash));
	set(o, "check", json_string(prim_err_name(err)));
	buf_release(&b);
	return o;
}

static json_t *vote_entry(const char *name, const struct vote *v)
{
	json_t *o = json_object();
	struct buf b = BUF_INIT;
	struct chain_id chain;
	struct hash256 h;
	vectors_chain_id(&chain);
	vote_encode(&b, v);
	vote_sighash(&h, v, &chain);
	set(o, "name", json_string(name));
	set(o, "fields", vectors_vote_fields(v));
	set(o, "hex", jbuf(&b));
	set(o, "sighash", jhash(&h));
	set(o, "sig_valid", json_boolean(vote_verify(v, &chain)));
	buf_release(&b);
	return o;
}

static json_t *proposal_entry(const char *name, const struct proposal *p)
{
	json_t *o = json_object();
	struct buf b = BUF_INIT;
	struct chain_id chain;
	struct hash256 h;
	vectors_chain_id(&chain);
	proposal_encode(&b, p);
	proposal_sighash(&h, p, &chain);
	set(o, "name", json_string(name));
	set(o, "fields", vectors_proposal_fields(p));
	set(o, "hex", jbuf(&b));
	set(o, "sighash", jhash(&h));
	set(o, "sig_valid", json_boolean(proposal_verify(p, &chain)));
	buf_release(&b);
	return o;
}

/* A voting power as the file writes it: a decimal string, since a u64 may
 * pass 2^53 (the largest integer every JSON reader keeps exact). */
static json_t *jpower(uint64_t v)
{
	char s[24];
	int n = snprintf(s, sizeof(s), "%" PRIu64, v);
	return n > 0 && (size_t)n < sizeof(s) ? json_string(s) : NULL;
}

static json_t *commit_entry(const char *name, const struct commit *c, const struct vec_set *vs)
{
	json_t *o = json_object(), *vals = json_array();
	struct buf b = BUF_INIT;
	struct chain_id chain;
	struct pubkey keys[4];
	struct hash256 h, sh, vh;
	enum prim_err err;
	vectors_chain_id(&chain);
	for (size_t i = 0; i < vs->n; i++)
		keys[i] = pub(vs->who[i]);
	commit_encode(&b, c);
	commit_hash(&h, c);
	commit_sighash(&sh, c, &chain);
	commit_verify(c, &chain, keys, vs->power, vs->n, &err);
	vectors_validators_hash(&vh, keys, vs->power, vs->n);
	for (size_t i = 0; i < vs->n; i++) {
		json_t *v = json_object();
		set(v, "pubkey", jkey(&keys[i]));
		set(v, "power", jpower(vs->power[i]));
		json_array_append_new(vals, v);
	}
	set(o, "name", json_string(name));
	set(o, "fields", vectors_commit_fields(c));
	set(o, "hex", jbuf(&b));
	set(o, "hash", jhash(&h));
	set(o, "sighash", jhash(&sh));
	set(o, "validators", vals);
	set(o, "validators_hash", jhash(&vh));
	set(o, "verify", json_string(prim_err_name(err)));
	buf_release(&b);
	return o;
}

static json_t *evidence_entry(const char *name, const struct evidence *e)
{
	json_t *o = json_object();
	struct buf b = BUF_INIT;
	struct chain_id chain;
	struct hash256 h;
	enum prim_err err;
	vectors_chain_id(&chain);
	evidence_encode(&b, e);
	evidence_hash(&h, e);
	evidence_verify(e, &chain, &err);
	set(o, "name", json_string(name));
	set(o, "fields", vectors_evidence_fields(e));
	set(o, "hex", jbuf(&b));
	set(o, "hash", jhash(&h));
	set(o, "verify", json_string(prim_err_name(err)));
	buf_release(&b);
	return o;
}

static void add_votes(json_t *arr, const struct hash256 *b1)
{
	struct vote v;
	struct hash256 nil = { { 0 } };
	make_vote(&v, VOTE_PREVOTE, 1, 0, b1, VEC_VAL1, VEC_CHAIN_ID);
	json_array_append_new(arr, vote_entry("prevote", &v));
	make_vote(&v, VOTE_PRECOMMIT, 1, 0, b1, VEC_VAL2, VEC_CHAIN_ID);
	json_array_append_new(arr, vote_entry("precommit", &v));
	make_vote(&v, VOTE_PREVOTE, 1, 1, &nil, VEC_VAL3, VEC_CHAIN_ID);
	json_array_append_new(arr, vote_entry("prevote_nil", &v));
	make_vote(&v, VOTE_PRECOMMIT, 1, 0, b1, VEC_VAL2, "regtest-00000000");
	json_array_append_new(arr, vote_entry("precommit_other_chain", &v));
}

static void add_proposals(json_t *arr, const struct hash256 *b2)
{
	struct proposal p;
	struct chain_id chain;
	struct seckey sk;
	vectors_chain_id(&chain);
	memset(&p, 0, sizeof(p));
	p.height = 2;
	p.round = 0;
	p.pol_round = POL_ROUND_NONE;
	p.block_id = *b2;
	vectors_key(&sk, &p.proposer, VEC_VAL2);
	if (!proposal_sign(&p, &chain, &sk, vectors_aux))
		abort();
	json_array_append_new(arr, proposal_entry("proposal", &p));
	p.round = 2;
	p.pol_round = 1;
	if (!proposal_sign(&p, &chain, &sk, vectors_aux))
		abort();
	json_array_append_new(arr, proposal_entry("proposal_pol", &p));
}

/* Commits of block_1 at height 1 round 0, each checked against its own
 * set: the verification rules of doc/protocol.md section 12 in turn. */
static const struct commit_vec {
	const char *name;
	unsigned mask;        /* who signed: bit i for val1 + i */
	const char *chain;    /* the chain the entries are signed on */
	bool bad_sig;         /* flip a bit of val2's signature */
	struct vec_set set;
} commit_vecs[] = {
	/* block_2's last commit: val2 and val3, 50 of 60 */
	{ "commit", 6, VEC_CHAIN_ID, false, SET3 },
	/* val1 and val3: exactly 40 of 60 is not enough */
	{ "commit_two_thirds", 5, VEC_CHAIN_ID, false, SET3 },
	{ "commit_bad_sig", 7, VEC_CHAIN_ID, true, SET3 },
	/* signed on another chain: verified on the file's chain id */
	{ "commit_other_chain", 7, "regtest-00000000", false, SET3 },
	/* the same members in another order: entry i is set member i's */
	{ "commit_set_order", 7, VEC_CHAIN_ID, false,
	  { 3, { VEC_VAL2, VEC_VAL1, VEC_VAL3 }, { 20, 10, 30 } } },
	{ "commit_set_too_small", 7, VEC_CHAIN_ID, false,
	  { 2, { VEC_VAL1, VEC_VAL2 }, { 10, 20 } } },
	{ "commit_set_too_large", 7, VEC_CHAIN_ID, false,
	  { 4, { VEC_VAL1, VEC_VAL2, VEC_VAL3, VEC_ALICE }, { 10, 20, 30, 1 } } },
	{ "commit_zero_power", 7, VEC_CHAIN_ID, false,
	  { 3, { VEC_VAL1, VEC_VAL2, VEC_VAL3 }, { 0, 0, 0 } } },
	/* the total is 2^64 + 3: a sum that wrapped to 3 would let 4 pass */
	{ "commit_total_power_overflows", 6, VEC_CHAIN_ID, false,
	  { 3, { VEC_VAL1, VEC_VAL2, VEC_VAL3 }, { UINT64_MAX, 2, 2 } } },
	/* the total is 2^64 - 1 exactly; 3 x present needs more than 64 bits */
	{ "commit_total_power_max", 7, VEC_CHAIN_ID, false,
	  { 3, { VEC_VAL1, VEC_VAL2, VEC_VAL3 }, { UINT64_MAX - 2, 1, 1 } } },
};

static void add_commits(json_t *arr, const struct block *b1)
{
	static const struct vec_set none = { 0, { VEC_ALICE }, { 0 } };
	struct commit c;
	for (size_t i = 0; i < sizeof(commit_vecs) / sizeof(commit_vecs[0]); i++) {
		const struct commit_vec *v = &commit_vecs[i];
		make_commit(&c, &b1->id, v->mask, v->chain);
		if (v->bad_sig)
			c.sigs[1][0] ^= 1;
		json_array_append_new(arr, commit_entry(v->name, &c, &v->set));
	}
	commit_init_empty(&c);
	json_array_append_new(arr, commit_entry("commit_empty", &c, &none));
}

/* Evidence: block_2's, the same with a broken signature or signed on
 * another chain (verification uses the file's chain id), and a nil vote
 * against a vote for a block. */
static void add_evidence(json_t *arr, const struct block *b1, const struct block *b2)
{
	struct evidence e = b2->evidence[0];
	struct hash256 other = fixed_hash(0x77), nil = { { 0 } };
	json_array_append_new(arr, evidence_entry("duplicate_prevote", &e));
	e.b.sig[SIG_LEN - 1] ^= 1;
	json_array_append_new(arr, evidence_entry("duplicate_prevote_bad_sig", &e));
	make_evidence(&e, VOTE_PREVOTE, VEC_VAL1, &b1->id, &other, "regtest-00000000");
	json_array_append_new(arr, evidence_entry("duplicate_prevote_other_chain", &e));
	make_evidence(&e, VOTE_PRECOMMIT, VEC_VAL2, &b1->id, &nil, VEC_CHAIN_ID);
	json_array_append_new(arr, evidence_entry("precommit_nil_and_block", &e));
}

/* ------------------------------------------------------------- merkle */

static json_t *merkle_section(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 5 };
	json_t *arr = json_array();
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct hash256 leaves[5], root;
		json_t *o = json_object(), *l = json_array();
		for (size_t i = 0; i < sizes[s]; i++) {
			leaves[i] = fixed_hash((uint8_t)(0xa0 + i));
			json_array_append_new(l, jhash(&leaves[i]));
		}
		merkle_root(&root, leaves, sizes[s]);
		set(o, "leaves", l);
		set(o, "root", jhash(&root));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *keys_section(void)
{
	static const char *const hrps[3][2] = {
		{ "address_main", "ro" }, { "address_testnet", "tro" }, { "address_regtest", "rro" },
	};
	json_t *arr = json_array();
	for (int k = 0; k < VEC_NKEYS; k++) {
		struct seckey sk;
		struct pubkey pk;
		json_t *o = json_object();
		vectors_key(&sk, &pk, (enum vec_key)k);
		set(o, "name", json_string(key_names[k]));
		set(o, "seckey", jhex(sk.b, sizeof(sk.b)));
		set(o, "pubkey", jkey(&pk));
		for (int h = 0; h < 3; h++) {
			char addr[ADDRESS_MAX_LEN];
			set(o, hrps[h][0], address_encode(addr, hrps[h][1], &pk) ? json_string(addr) : NULL);
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *tags_section(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < tag_table_len; i++) {
		json_t *o = json_object();
		set(o, "tag", json_string(tag_table[i].name));
		set(o, "sha256", jhex(tag_table[i].tag->prefix, 32));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* ------------------------------------------------------------ invalid */

/* Every invalid entry is a valid vector changed in one place, with the
 * error the change must cause written here by hand (never computed by the
 * decoder: the unit test compares the two). */

#define AT_END LONG_MAX

enum mut_op {
	MUT_KEEP,   /* keep the first n bytes */
	MUT_TRUNC,  /* drop the last n bytes */
	MUT_PATCH,  /* at off, remove n bytes and insert ins */
	MUT_FLIP,   /* xor the byte at off with 1 */
	MUT_PAD,    /* append zero bytes up to length n */
	MUT_PAD_TO, /* keep the bytes; the entry's pad_to says: zeros up to n */
};

struct byte_mut {
	const char *structure, *name, *base;
	enum mut_op op;
	long off;          /* negative: from the end; AT_END: the end */
	size_t n;
	const char *ins;
	const char *error;
	const char *stage;
};

#define D "decode"
#define C "check"
#define Z32 "0000000000000000000000000000000000000000000000000000000000000000"

static const struct byte_mut byte_muts[] = {
	/* transactions; offsets in "transfer": version 0, chain id length 1,
	 * chain id 2..17, type 18, sender 19..50, nonce 51, fee 52..53, to
	 * 54..85, amount 86..89, memo length 90 */
	{ "tx", "empty", "transfer", MUT_KEEP, 0, 0, NULL, "truncated", D },
	{ "tx", "truncated_sig", "transfer", MUT_TRUNC, 0, 1, NULL, "truncated", D },
	{ "tx", "truncated_payload", "transfer", MUT_TRUNC, 0, 80, NULL, "truncated", D },
	{ "tx", "truncated_varint", "transfer", MUT_KEEP, 0, 53, NULL, "truncated", D },
	{ "tx", "trailing_byte", "transfer", MUT_PATCH, AT_END, 0, "00", "trailing", D },
	{ "tx", "too_large", "transfer", MUT_PAD, 0, TX_MAX_SIZE + 1, NULL, "too_large", D },
	{ "tx", "version_0", "transfer", MUT_PATCH, 0, 1, "00", "tx_version", D },
	{ "tx", "version_2", "transfer", MUT_PATCH, 0, 1, "02", "tx_version", D },
	{ "tx", "chain_id_upper_case", "transfer", MUT_PATCH, 2, 1, "54", "chain_id", D },
	{ "tx", "chain_id_no_dash", "transfer", MUT_PATCH, 9, 1, "5f", "chain_id", D },
	{ "tx", "chain_id_upper_hex", "transfer", MUT_PATCH, 11, 1, "41", "chain_id", D },
	{ "tx", "chain_id_length_9", "transfer", MUT_PATCH, 1, 1, "09", "chain_id", D },
	{ "tx", "chain_id_length_27", "transfer", MUT_PATCH, 1, 1, "1b", "chain_id", D },
	{ "tx", "chain_id_name_17_letters", "transfer", MUT_PATCH, 1, 17,
	  "1a6162636465666768696a6b6c6d6e6f70712d3161326233633464", "chain_id", D },
	{ "tx", "type_0", "transfer", MUT_PATCH, 18, 1, "00", "unknown_type", D },
	{ "tx", "type_12", "transfer", MUT_PATCH, 18, 1, "0c", "unknown_type", D },
	{ "tx", "type_255", "transfer", MUT_PATCH, 18, 1, "ff", "unknown_type", D },
	{ "tx", "nonce_non_minimal", "transfer", MUT_PATCH, 51, 1, "8000", "varint_noncanonical", D },
	{ "tx", "nonce_over_64_bits", "transfer", MUT_PATCH, 51, 1, "ffffffffffffffffff02", "varint_overflow", D },
	{ "tx", "fee_non_minimal", "transfer", MUT_PATCH, 52, 2, "e88700", "varint_noncanonical", D },
	{ "tx", "memo_length_257", "transfer", MUT_PATCH, 90, 1, "8102", "memo_length", D },
	{ "tx", "has_parent_2", "post", MUT_PATCH, 54, 1, "02", "has_parent", D },
	/* the whole chain id must match: no more hex digits, no newline */
	{ "tx", "chain_id_hex_9_digits", "transfer", MUT_PATCH, 1, 17,
	  "11746573746e65742d316132623363346435", "chain_id", D },
	{ "tx", "chain_id_trailing_newline", "transfer", MUT_PATCH, 1, 17,
	  "11746573746e65742d31613262336334640a", "chain_id", D },

	/* headers: version 0..3, chain id length 4, chain id 5..20, height
	 * 21..28, time 29..36, then 32-byte fields from 37 */
	{ "header", "truncated", "header_2", MUT_TRUNC, 0, 1, NULL, "truncated", D },
	{ "header", "trailing_byte", "header_2", MUT_PATCH, AT_END, 0, "00", "trailing", D },
	{ "header", "version_0", "header_2", MUT_PATCH, 0, 4, "00000000", "header_version", D },
	{ "header", "version_2", "header_2", MUT_PATCH, 0, 4, "02000000", "upgrade_required", D },
	{ "header", "version_max", "header_2", MUT_PATCH, 0, 4, "ffffffff", "upgrade_required", D },
	{ "header", "chain_id_upper_case", "header_2", MUT_PATCH, 5, 1, "54", "chain_id", D },

	/* blocks: header 0..292 (tx_root 69, last_commit_hash 133,
	 * evidence_root 165), ntx 293, first tx from 294 (its type at 312);
	 * the evidence count is the 283rd byte from the end */
	{ "block", "empty", "block_2", MUT_KEEP, 0, 0, NULL, "truncated", D },
	{ "block", "truncated", "block_2", MUT_TRUNC, 0, 1, NULL, "truncated", D },
	{ "block", "trailing_byte", "block_2", MUT_PATCH, AT_END, 0, "00", "trailing", D },
	{ "block", "version_2", "block_2", MUT_PATCH, 0, 4, "02000000", "upgrade_required", D },
	{ "block", "tx_count_16385", "block_2", MUT_PATCH, 293, 1, "818001", "tx_count", D },
	{ "block", "tx_count_non_minimal", "block_2", MUT_PATCH, 293, 1, "8300", "varint_noncanonical", D },
	{ "block", "tx_unknown_type", "block_2", MUT_PATCH, 312, 1, "0c", "unknown_type", D },
	{ "block", "evidence_count_17", "block_2", MUT_PATCH, -283, 1, "11", "evidence_count", D },
	{ "block", "height_0", "block_2", MUT_PATCH, 21, 1, "00", "block_height", C },
	{ "block", "height_3", "block_2", MUT_PATCH, 21, 1, "03", "last_commit_height", C },
	{ "block", "wrong_last_commit_hash", "block_2", MUT_FLIP, 133, 0, NULL, "last_commit_hash", C },
	{ "block", "wrong_tx_root", "block_2", MUT_FLIP, 69, 0, NULL, "tx_root", C },
	{ "block", "wrong_evidence_root", "block_2", MUT_FLIP, 165, 0, NULL, "evidence_root", C },
	/* block_2 then zeros: one byte over 2 MiB is refused before reading;
	 * at exactly 2 MiB the block decodes and the zeros are trailing */
	{ "block", "too_large", "block_2", MUT_PAD_TO, 0, BLOCK_MAX_SIZE + 1, NULL, "too_large", D },
	{ "block", "max_size_trailing", "block_2", MUT_PAD_TO, 0, BLOCK_MAX_SIZE, NULL, "trailing", D },

	/* votes: type 0, height 1..8, round 9..12, block id 13..44 */
	{ "vote", "truncated", "prevote", MUT_TRUNC, 0, 1, NULL, "truncated", D },
	{ "vote", "trailing_byte", "prevote", MUT_PATCH, AT_END, 0, "00", "trailing", D },
	{ "vote", "type_0", "prevote", MUT_PATCH, 0, 1, "00", "vote_type", D },
	{ "vote", "type_3", "prevote", MUT_PATCH, 0, 1, "03", "vote_type", D },

	/* proposals: height 0..7, round 8..11, pol_round 12..15, block id
	 * 16..47 */
	{ "proposal", "truncated", "proposal", MUT_TRUNC, 0, 1, NULL, "truncated", D },
	{ "proposal", "trailing_byte", "proposal", MUT_PATCH, AT_END, 0, "00", "trailing", D },
	{ "proposal", "pol_round_equal_round", "proposal", MUT_PATCH, 12, 4, "00000000", "pol_round", D },
	{ "proposal", "pol_round_above_round", "proposal_pol", MUT_PATCH, 12, 4, "03000000", "pol_round", D },
	{ "proposal", "nil_block", "proposal", MUT_PATCH, 16, 32, Z32, "proposal_nil", D },

	/* commits: height 0..7, round 8..11, block id 12..43, n 44, entries
	 * from 45 */
	{ "commit", "truncated", "commit", MUT_TRUNC, 0, 1, NULL, "truncated", D },
	{ "commit", "trailing_byte", "commit", MUT_PATCH, AT_END, 0, "00", "trailing", D },
	{ "commit", "count_151", "commit", MUT_PATCH, 44, 1, "9701", "commit_count", D },
	{ "commit", "count_non_minimal", "commit", MUT_PATCH, 44, 1, "8300", "varint_noncanonical", D },
	{ "commit", "flag_2", "commit", MUT_PATCH, 45, 1, "02", "commit_flag", D },
	{ "commit", "nil_block", "commit", MUT_PATCH, 12, 32, Z32, "commit_nil", D },
	{ "commit", "height_0_with_entries", "commit", MUT_PATCH, 0, 1, "00", "commit_empty", D },
	{ "commit", "no_entries_at_height_1", "commit", MUT_PATCH, 44, 1, "00", "commit_empty", D },
	{ "commit", "empty_at_height_1", "commit_empty", MUT_PATCH, 0, 1, "01", "commit_empty", D },
	{ "commit", "empty_round_1", "commit_empty", MUT_PATCH, 8, 1, "01", "commit_empty", D },
	{ "commit", "empty_trailing_byte", "commit_empty", MUT_PATCH, AT_END, 0, "00", "trailing", D },

	/* evidence: vote_a 0..140, vote_b 141..281 (type 141, height
	 * 142..149) */
	{ "evidence", "truncated", "duplicate_prevote", MUT_TRUNC, 0, 1, NULL, "truncated", D },
	{ "evidence", "trailing_byte", "duplicate_prevote", MUT_PATCH, AT_END, 0, "00", "trailing", D },
	{ "evidence", "vote_b_type_3", "duplicate_prevote", MUT_PATCH, 141, 1, "03", "vote_type", D },
	{ "evidence", "different_heights", "duplicate_prevote", MUT_FLIP, 142, 0, NULL, "evidence_mismatch", D },
	{ "evidence", "different_types", "duplicate_prevote", MUT_PATCH, 141, 1, "02", "evidence_mismatch", D },
	{ "evidence", "different_rounds", "duplicate_prevote", MUT_FLIP, 150, 0, NULL, "evidence_mismatch", D },
};

#undef Z32

/* A valid key that is not on the curve (BIP340 test vector 5). */
static struct pubkey bad_key(void)
{
	static const uint8_t k[32] = {
		0xee, 0xfd, 0xea, 0x4c, 0xdb, 0x67, 0x77, 0x50, 0xa4, 0x20, 0xfe, 0xe8,
		0x07, 0xea, 0xcf, 0x21, 0xeb, 0x98, 0x98, 0xae, 0x79, 0xb9, 0x76, 0x87,
		0x66, 0xe4, 0xfa, 0xa0, 0x4a, 0x2d, 0x4a, 0x34,
	};
	struct pubkey p;
	memcpy(p.b, k, sizeof(p.b));
	return p;
}

static const uint8_t zeros[TX_BODY_MAX + 1];
#define ZEROS(n) ((struct tx_bytes){ zeros, (n) })

static void e_fee_over(struct tx *t) { t->fee = MAX_MONEY + 1; }
static void e_amount_zero(struct tx *t) { t->u.transfer.amount = 0; }
static void e_amount_over(struct tx *t) { t->u.transfer.amount = MAX_MONEY + 1; }
static void e_stake_zero(struct tx *t) { t->u.stake.amount = 0; }
static void e_memo_long(struct tx *t) { t->u.transfer.memo = ZEROS(TX_MEMO_MAX + 1); }
static void e_body_empty(struct tx *t) { t->u.post.body = ZEROS(0); }
static void e_body_long(struct tx *t) { t->u.post.body = ZEROS(TX_BODY_MAX + 1); }
static void e_tags_9(struct tx *t) { t->u.post.ntags = TX_MAX_TAGS + 1; }
static void e_tag_empty(struct tx *t) { t->u.post.tags[0] = ZEROS(0); }
static void e_tag_long(struct tx *t) { t->u.post.tags[0] = TXT("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); }
static void e_tags_swapped(struct tx *t)
{
	struct tx_bytes a = t->u.post.tags[0];
	t->u.post.tags[0] = t->u.post.tags[1];
	t->u.post.tags[1] = a;
}
static void e_tags_dup(struct tx *t) { t->u.post.tags[1] = t->u.post.tags[0]; }
static void e_tags_prefix(struct tx *t) { t->u.post.tags[0] = TXT("introduction"); t->u.post.tags[1] = TXT("intro"); }
static void e_vote_over(struct tx *t) { t->u.vote.weight = TX_WEIGHT_MAX + 1; }
static void e_vote_under(struct tx *t) { t->u.vote.weight = -TX_WEIGHT_MAX - 1; }
static void e_endorse_over(struct tx *t) { t->u.endorse.weight = TX_WEIGHT_MAX + 1; }
static void e_handle_short(struct tx *t) { t->u.profile.handle = TXT("al"); }
static void e_handle_long(struct tx *t) { t->u.profile.handle = TXT("alice_in_wonderland_12345"); }
static void e_name_long(struct tx *t) { t->u.profile.name = ZEROS(TX_NAME_MAX + 1); }
static void e_about_long(struct tx *t) { t->u.profile.about = ZEROS(TX_ABOUT_MAX + 1); }
static void e_website_long(struct tx *t) { t->u.profile.website = ZEROS(TX_WEBSITE_MAX + 1); }
static void e_moniker_empty(struct tx *t) { t->u.validator.moniker = ZEROS(0); }
static void e_moniker_long(struct tx *t) { t->u.validator.moniker = ZEROS(TX_MONIKER_MAX + 1); }
static void e_commission_over(struct tx *t) { t->u.validator.commission = TX_COMMISSION_MAX + 1; }
static void e_sender_bad(struct tx *t) { t->sender = bad_key(); }
static void e_to_bad(struct tx *t) { t->u.transfer.to = bad_key(); }
static void e_subject_bad(struct tx *t) { t->u.endorse.subject = bad_key(); }
static void e_target_bad(struct tx *t) { t->u.follow.target = bad_key(); }
static void e_validator_bad(struct tx *t) { t->u.stake.validator = bad_key(); }
static void e_consensus_bad(struct tx *t) { t->u.validator.consensus_key = bad_key(); }
static void e_memo_utf8(struct tx *t) { t->u.transfer.memo = TXT("caf\xff"); }
static void e_body_overlong(struct tx *t) { t->u.post.body = TXT("\xc0\xaf"); }
static void e_body_nul(struct tx *t) { t->u.post.body = TXT("a\0b"); }
static void e_tag_upper(struct tx *t) { t->u.post.tags[0] = TXT("Intro"); }
static void e_tag_dash(struct tx *t) { t->u.post.tags[0] = TXT("in-tro"); }
static void e_handle_upper(struct tx *t) { t->u.profile.handle = TXT("Alice_01"); }
static void e_name_surrogate(struct tx *t) { t->u.profile.name = TXT("\xed\xa0\x80"); }
static void e_about_cut(struct tx *t) { t->u.profile.about = TXT("ok \xe2\x98"); }
static void e_website_cont(struct tx *t) { t->u.profile.website = TXT("\x80"); }
static void e_moniker_big(struct tx *t) { t->u.validator.moniker = TXT("\xf4\x90\x80\x80"); }

struct tx_edit {
	const char *name, *base;
	void (*edit)(struct tx *);
	const char *error;
	const char *stage;
};

static const struct tx_edit tx_edits[] = {
	{ "fee_over_max_money", "transfer", e_fee_over, "fee_range", D },
	{ "amount_0", "transfer", e_amount_zero, "amount_range", D },
	{ "amount_over_max_money", "transfer", e_amount_over, "amount_range", D },
	{ "stake_amount_0", "stake", e_stake_zero, "amount_range", D },
	{ "memo_257_bytes", "transfer", e_memo_long, "memo_length", D },
	{ "body_empty", "post", e_body_empty, "body_length", D },
	{ "body_4097_bytes", "post", e_body_long, "body_length", D },
	{ "tags_9", "post_reply_tags", e_tags_9, "tag_count", D },
	{ "tag_empty", "post_reply_tags", e_tag_empty, "tag_length", D },
	{ "tag_33_bytes", "post_reply_tags", e_tag_long, "tag_length", D },
	{ "tags_not_ascending", "post_reply_tags", e_tags_swapped, "tag_order", D },
	{ "tags_duplicate", "post_reply_tags", e_tags_dup, "tag_order", D },
	{ "tags_longer_first", "post_reply_tags", e_tags_prefix, "tag_order", D },
	{ "vote_weight_10001", "vote", e_vote_over, "vote_weight", D },
	{ "vote_weight_minus_10001", "vote", e_vote_under, "vote_weight", D },
	{ "endorse_weight_10001", "endorse", e_endorse_over, "endorse_weight", D },
	{ "handle_2_bytes", "profile", e_handle_short, "handle_length", D },
	{ "handle_25_bytes", "profile", e_handle_long, "handle_length", D },
	{ "name_65_bytes", "profile", e_name_long, "name_length", D },
	{ "about_513_bytes", "profile", e_about_long, "about_length", D },
	{ "website_129_bytes", "profile", e_website_long, "website_length", D },
	{ "moniker_empty", "validator", e_moniker_empty, "moniker_length", D },
	{ "moniker_65_bytes", "validator", e_moniker_long, "moniker_length", D },
	{ "commission_10001", "validator", e_commission_over, "commission_range", D },
	{ "sender_not_on_curve", "transfer", e_sender_bad, "sender_key", C },
	{ "to_not_on_curve", "transfer", e_to_bad, "to_key", C },
	{ "subject_not_on_curve", "endorse", e_subject_bad, "subject_key", C },
	{ "target_not_on_curve", "unfollow", e_target_bad, "target_key", C },
	{ "validator_not_on_curve", "unstake", e_validator_bad, "validator_key", C },
	{ "consensus_key_not_on_curve", "validator", e_consensus_bad, "consensus_key", C },
	{ "memo_invalid_utf8", "transfer", e_memo_utf8, "memo_utf8", C },
	{ "body_overlong_utf8", "post", e_body_overlong, "body_utf8", C },
	{ "body_with_nul", "post", e_body_nul, "body_utf8", C },
	{ "tag_upper_case", "post_reply_tags", e_tag_upper, "tag_chars", C },
	{ "tag_with_dash", "post_reply_tags", e_tag_dash, "tag_chars", C },
	{ "handle_upper_case", "profile", e_handle_upper, "handle_chars", C },
	{ "name_surrogate", "profile", e_name_surrogate, "name_utf8", C },
	{ "about_cut_utf8", "profile", e_about_cut, "about_utf8", C },
	{ "website_stray_continuation", "profile", e_website_cont, "website_utf8", C },
	{ "moniker_above_u10ffff", "validator", e_moniker_big, "moniker_utf8", C },
};

/* Custom invalid encodings that a byte patch cannot express. */
static bool c_evidence_swapped(struct buf *out, const struct block *b2)
{
	vote_encode(out, &b2->evidence[0].b);
	return vote_encode(out, &b2->evidence[0].a);
}

static bool c_evidence_same(struct buf *out, const struct block *b2)
{
	vote_encode(out, &b2->evidence[0].a);
	return vote_encode(out, &b2->evidence[0].a);
}

/* Block 2 with its first transaction signed for another chain, and the
 * roots recomputed so that only the chain id check fails. */
static bool c_block_other_chain(struct buf *out, const struct block *b2)
{
	struct block b = *b2;
	struct tx tx;
	struct seckey sk;
	struct pubkey pk;
	enum prim_err err;
	bool ok;

	build_tx(&tx, find_tx_vec("transfer"));
	if (!chain_id_parse(&tx.chain_id, "testnet-ffffffff"))
		return false;
	vectors_key(&sk, &pk, VEC_ALICE);
	if (!tx_sign(&tx, &sk, vectors_aux, &err))
		return false;
	b.txs = &tx;
	b.ntx = 1;
	block_compute_roots(&b.header.tx_root, NULL, NULL, &b);
	ok = block_encode(out, &b);
	tx_release(&tx);
	return ok;
}

struct custom_mut {
	const char *structure, *name;
	bool (*make)(struct buf *out, const struct block *b2);
	const char *error;
	const char *stage;
};

/* vote_a of block_2's evidence, and vote_b signed by val2 instead of val1:
 * the block ids are in order, only the validator differs. */
static bool c_evidence_other_validator(struct buf *out, const struct block *b2)
{
	const struct evidence *e = &b2->evidence[0];
	struct vote b;
	make_vote(&b, e->b.type, e->b.height, e->b.round, &e->b.block_id, VEC_VAL2, VEC_CHAIN_ID);
	vote_encode(out, &e->a);
	return vote_encode(out, &b);
}

/* vote_a of block_2's evidence twice, the second for round 1 (or by val2):
 * the same block id, so rule 1 (evidence_mismatch) must be the one that
 * fails, before rule 2 (evidence_order). Both are properly signed. */
static bool c_evidence_only_round(struct buf *out, const struct block *b2)
{
	const struct vote *a = &b2->evidence[0].a;
	struct vote b;
	make_vote(&b, a->type, a->height, a->round + 1, &a->block_id, VEC_VAL1, VEC_CHAIN_ID);
	vote_encode(out, a);
	return vote_encode(out, &b);
}

static bool c_evidence_only_validator(struct buf *out, const struct block *b2)
{
	const struct vote *a = &b2->evidence[0].a;
	struct vote b;
	make_vote(&b, a->type, a->height, a->round, &a->block_id, VEC_VAL2, VEC_CHAIN_ID);
	vote_encode(out, a);
	return vote_encode(out, &b);
}

static const struct custom_mut custom_muts[] = {
	{ "evidence", "block_ids_descending", c_evidence_swapped, "evidence_order", D },
	{ "evidence", "same_block_id", c_evidence_same, "evidence_order", D },
	{ "block", "tx_for_other_chain", c_block_other_chain, "tx_chain_id", C },
	{ "evidence", "different_validators", c_evidence_other_validator, "evidence_mismatch", D },
	{ "evidence", "votes_differ_only_in_round", c_evidence_only_round, "evidence_mismatch", D },
	{ "evidence", "votes_differ_only_in_validator", c_evidence_only_validator, "evidence_mismatch", D },
};

#undef D
#undef C

static const char *section_of(const char *structure)
{
	static const char *const map[][2] = {
		{ "tx", "transactions" }, { "header", "headers" }, { "block", "blocks" },
		{ "vote", "votes" }, { "proposal", "proposals" }, { "commit", "commits" },
		{ "evidence", "evidence" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], structure) == 0)
			return map[i][1];
	return NULL;
}

static const char *base_hex(const json_t *doc, const char *structure, const char *name)
{
	const char *section = section_of(structure);
	const json_t *arr = section ? json_object_get(doc, section) : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
		if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0)
			return json_string_value(json_object_get(e, "hex"));
	return NULL;
}

/* pad_to: 0, or the input's length once zeros are appended to hex (for
 * inputs too large to write out). */
static json_t *invalid_entry(const char *structure, const char *name, const char *stage,
			     const struct buf *b, size_t pad_to, const char *error)
{
	json_t *o = json_object();
	set(o, "structure", json_string(structure));
	set(o, "name", json_string(name));
	set(o, "stage", json_string(stage));
	set(o, "hex", jbuf(b));
	if (pad_to)
		set(o, "pad_to", jint(pad_to));
	set(o, "error", json_string(error));
	return o;
}

static bool apply_mut(struct buf *out, const struct byte_mut *m, const uint8_t *p, size_t len)
{
	size_t off = m->off == AT_END ? len : m->off < 0 ? len - (size_t)(-m->off) : (size_t)m->off;
	switch (m->op) {
	case MUT_KEEP:
		return buf_put(out, p, m->n < len ? m->n : len);
	case MUT_TRUNC:
		return buf_put(out, p, len - m->n);
	case MUT_FLIP:
		buf_put(out, p, len);
		out->data[off] ^= 1;
		return buf_ok(out);
	case MUT_PAD:
		buf_put(out, p, len);
		while (out->len < m->n)
			buf_put_u8(out, 0);
		return buf_ok(out);
	case MUT_PAD_TO:
		return len < m->n && buf_put(out, p, len);
	case MUT_PATCH: {
		uint8_t ins[32];
		size_t got;
		if (!hex_decode(ins, sizeof(ins), &got, m->ins))
			return false;
		buf_put(out, p, off);
		buf_put(out, ins, got);
		return buf_put(out, p + off + m->n, len - off - m->n);
	}
	}
	return false;
}

static bool add_byte_muts(json_t *arr, const json_t *doc)
{
	for (size_t i = 0; i < sizeof(byte_muts) / sizeof(byte_muts[0]); i++) {
		const struct byte_mut *m = &byte_muts[i];
		const char *hex = base_hex(doc, m->structure, m->base);
		size_t len;
		uint8_t *p = hex ? vectors_unhex(hex, &len) : NULL;
		struct buf b = BUF_INIT;
		bool ok = p && apply_mut(&b, m, p, len);
		if (ok)
			json_array_append_new(arr, invalid_entry(m->structure, m->name, m->stage, &b,
								 m->op == MUT_PAD_TO ? m->n : 0, m->error));
		else
			fprintf(stderr, "vectors: cannot build invalid %s/%s\n", m->structure, m->name);
		free(p);
		buf_release(&b);
		if (!ok)
			return false;
	}
	return true;
}

static bool add_tx_edits(json_t *arr)
{
	for (size_t i = 0; i < sizeof(tx_edits) / sizeof(tx_edits[0]); i++) {
		const struct tx_edit *e = &tx_edits[i];
		const struct tx_vec *v = find_tx_vec(e->base);
		struct tx tx;
		struct buf b = BUF_INIT;
		if (!v || !signed_tx(&tx, v))
			return false;
		e->edit(&tx);
		bool ok = tx_encode(&b, &tx);
		if (ok)
			json_array_append_new(arr, invalid_entry("tx", e->name, e->stage, &b, 0, e->error));
		tx_release(&tx);
		buf_release(&b);
		if (!ok)
			return false;
	}
	return true;
}

static bool add_invalid(json_t *doc, const struct block *b2)
{
	json_t *arr = json_array();
	bool ok = add_byte_muts(arr, doc) && add_tx_edits(arr);
	for (size_t i = 0; ok && i < sizeof(custom_muts) / sizeof(custom_muts[0]); i++) {
		const struct custom_mut *m = &custom_muts[i];
		struct buf b = BUF_INIT;
		ok = m->make(&b, b2);
		if (ok)
			json_array_append_new(arr, invalid_entry(m->structure, m->name, m->stage, &b, 0, m->error));
		buf_release(&b);
	}
	set(doc, "invalid", arr);
	return ok;
}

/* ---------------------------------------------------------- addresses */

/* Address decoding (doc/protocol.md section 6): strings that decode to a
 * key, and strings that must be refused, each a valid address of alice on
 * testnet changed in one place. */

/* Regroup in[0..len) into 5-bit symbols, zero-padded (BIP173 convertbits
 * with pad). Out: out (room for len * 8 / 5 + 1). Returns the count. */
static size_t to_5bit(uint8_t *out, const uint8_t *in, size_t len)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = (uint8_t)((acc >> bits) & 31);
		}
	}
	if (bits)
		out[n++] = (uint8_t)((acc << (5 - bits)) & 31);
	return n;
}

enum addr_edit {
	AE_NONE, AE_UPPER, AE_MIXED, AE_VERSION_1, AE_KEY_31, AE_KEY_33, AE_PAD_BITS,
	AE_OFF_CURVE, AE_CHECKSUM, AE_BECH32,
};

static const struct {
	const char *name, *network;
	enum addr_edit edit;
	bool valid;
} addr_vecs[] = {
	{ "lower_case", "testnet", AE_NONE, true },
	{ "upper_case", "testnet", AE_UPPER, true },
	{ "mixed_case", "testnet", AE_MIXED, false },
	{ "other_network", "main", AE_NONE, false },
	{ "version_1", "testnet", AE_VERSION_1, false },
	{ "key_31_bytes", "testnet", AE_KEY_31, false },
	{ "key_33_bytes", "testnet", AE_KEY_33, false },
	{ "nonzero_padding", "testnet", AE_PAD_BITS, false },
	{ "key_not_on_curve", "testnet", AE_OFF_CURVE, false },
	{ "bad_checksum", "testnet", AE_CHECKSUM, false },
	{ "bech32_checksum", "testnet", AE_BECH32, false },
};

/* Turn the bech32m checksum at the end of addr into the bech32 one (BIP173,
 * constant 1). The checksum is the polymod xor the constant, written as 6
 * symbols, so xoring its symbols with those of 0x2bc830a3 ^ 1 does it. */
static void to_bech32_checksum(char *addr)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	const uint32_t diff = 0x2bc830a3u ^ 1u;
	size_t len = strlen(addr);
	for (size_t i = 0; i < 6; i++) {
		char *c = &addr[len - 6 + i];
		size_t v = (size_t)(strchr(charset, *c) - charset);
		*c = charset[v ^ ((diff >> (5 * (5 - i))) & 31)];
	}
}

/* The address of alice on testnet with edit applied. Out: out. */
static bool edited_address(char out[ADDRESS_MAX_LEN], enum addr_edit edit)
{
	struct pubkey pk = edit == AE_OFF_CURVE ? bad_key() : pub(VEC_ALICE);
	uint8_t key[33] = { 0 }, data[60];
	size_t klen = edit == AE_KEY_31 ? 31 : edit == AE_KEY_33 ? 33 : 32;
	memcpy(key, pk.b, 32);
	data[0] = edit == AE_VERSION_1 ? 1 : 0;
	size_t n = 1 + to_5bit(data + 1, key, klen);
	if (edit == AE_PAD_BITS)
		data[n - 1] |= 1;       /* the last 4 bits are padding */
	if (!bech32m_encode(out, ADDRESS_MAX_LEN, "tro", data, n))
		return false;
	size_t len = strlen(out);
	for (size_t i = 0; edit == AE_UPPER && i < len; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
	if (edit == AE_MIXED)
		out[0] = 'T';
	if (edit == AE_CHECKSUM)
		out[len - 1] = out[len - 1] == 'q' ? 'p' : 'q';
	if (edit == AE_BECH32)
		to_bech32_checksum(out);
	return true;
}

static json_t *addresses_section(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < sizeof(addr_vecs) / sizeof(addr_vecs[0]); i++) {
		char addr[ADDRESS_MAX_LEN];
		struct pubkey alice = pub(VEC_ALICE);
		json_t *o = json_object();
		if (!edited_address(addr, addr_vecs[i].edit))
			abort(); /* every edit fits BECH32M_MAX_LEN */
		set(o, "name", json_string(addr_vecs[i].name));
		set(o, "network", json_string(addr_vecs[i].network));
		set(o, "address", json_string(addr));
		set(o, "pubkey", addr_vecs[i].valid ? jkey(&alice) : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

/* ---------------------------------------------------------- document */

static const char about[] =
	"Rostra primitives test vectors, generated by test/unit/gen_vectors from the C code "
	"(a unit test checks that this file is exactly what the code produces). Layout and "
	"meaning: doc/protocol.md, section 'Test vectors'. Signatures are BIP340 with the "
	"secret keys below and aux = 32 zero bytes.";

json_t *vectors_build(void)
{
	json_t *doc = json_object();
	json_t *txs = json_array(), *headers = json_array(), *blocks = json_array();
	json_t *votes = json_array(), *props = json_array(), *commits = json_array();
	json_t *evs = json_array();
	struct block b1, b2;
	bool ok = true;

	set(doc, "about", json_string(about));
	set(doc, "chain_id", json_string(VEC_CHAIN_ID));
	set(doc, "aux", jhex(vectors_aux, sizeof(vectors_aux)));
	set(doc, "keys", keys_section());
	set(doc, "addresses", addresses_section());
	set(doc, "tags", tags_section());
	ok = add_txs(txs) && make_blocks(&b1, &b2);
	if (ok) {
		json_array_append_new(headers, header_entry("header_1", &b1.header));
		json_array_append_new(headers, header_entry("header_2", &b2.header));
		json_array_append_new(blocks, block_entry("block_1", &b1));
		json_array_append_new(blocks, block_entry("block_2", &b2));
		add_votes(votes, &b1.id);
		add_proposals(props, &b2.id);
		add_commits(commits, &b1);
		add_evidence(evs, &b1, &b2);
	}
	set(doc, "transactions", txs);
	set(doc, "headers", headers);
	set(doc, "blocks", blocks);
	set(doc, "votes", votes);
	set(doc, "proposals", props);
	set(doc, "commits", commits);
	set(doc, "evidence", evs);
	set(doc, "merkle", merkle_section());
	if (ok)
		ok = add_invalid(doc, &b2);
	block_release(&b1);
	block_release(&b2);
	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

char *vectors_dump(const json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *out = malloc(n + 2);
	if (out) {
		memcpy(out, s, n);
		out[n] = '\n';
		out[n + 1] = 0;
	}
	free(s);
	return out;
}
