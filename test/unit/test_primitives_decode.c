/* Decoder tests: every vector decodes to its fields and hashes, every
 * invalid vector fails with its error, every decoder error is covered,
 * limits are accepted at the edge and refused past it, and random or
 * mutated bytes either fail or round-trip exactly. */
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32m.h"
#include "primitives/block.h"
#include "primitives/commit.h"
#include "primitives/evidence.h"
#include "primitives/tx.h"
#include "primitives/vote.h"
#include "test_primitives.h"
#include "test_primitives_vectors.h"
#include "util/hex.h"
#include "util/parse.h"

/* ------------------------------------------------- decoding harness */

static json_t *hexj(const uint8_t *p, size_t n)
{
	struct buf b = BUF_INIT;
	hex_append(&b, p, n);
	json_t *j = json_stringn(b.len ? (const char *)b.data : "", b.len);
	buf_release(&b);
	return j;
}

static json_t *hashj(const struct hash256 *h) { return hexj(h->b, 32); }

static json_t *bufj(const struct buf *b) { return hexj(b->data, b->len); }

/* Each run_* decodes p[0..len) and returns what the decoded value gives
 * for the keys of a vectors entry (NULL with *err on a decoding failure).
 * entry (may be NULL) supplies context: a commit's validator set. */
typedef json_t *run_fn(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err);

static void chain(struct chain_id *c) { vectors_chain_id(c); }

static json_t *run_tx(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err)
{
	struct tx tx;
	struct buf b = BUF_INIT;
	enum prim_err check;
	(void)entry;
	if (!tx_decode(&tx, p, len, err))
		return NULL;
	json_t *o = json_object();
	tx_encode(&b, &tx);
	tx_check(&tx, &check);
	json_object_set_new(o, "fields", vectors_tx_fields(&tx));
	json_object_set_new(o, "hex", bufj(&b));
	json_object_set_new(o, "sighash", hashj(tx_sighash(&tx)));
	json_object_set_new(o, "sig_valid", json_boolean(tx_verify_sig(&tx)));
	json_object_set_new(o, "txid", hashj(tx_id(&tx)));
	json_object_set_new(o, "check", json_string(prim_err_name(check)));
	buf_release(&b);
	tx_release(&tx);
	return o;
}

static json_t *run_header(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err)
{
	struct block_header h;
	struct hash256 id;
	struct buf b = BUF_INIT;
	(void)entry;
	if (!block_header_decode(&h, p, len, err))
		return NULL;
	json_t *o = json_object();
	block_header_encode(&b, &h);
	block_header_id(&id, &h);
	json_object_set_new(o, "fields", vectors_header_fields(&h));
	json_object_set_new(o, "hex", bufj(&b));
	json_object_set_new(o, "id", hashj(&id));
	buf_release(&b);
	return o;
}

static json_t *run_block(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err)
{
	struct block *blk = malloc(sizeof(*blk));
	struct buf b = BUF_INIT;
	struct hash256 tx_root, ev_root, lc_hash;
	enum prim_err check;
	(void)entry;
	if (!blk)
		abort();
	if (!block_decode(blk, p, len, err)) {
		free(blk);
		return NULL;
	}
	json_t *o = json_object(), *txids = json_array();
	block_encode(&b, blk);
	block_compute_roots(&tx_root, &ev_root, &lc_hash, blk);
	block_check(blk, &check);
	for (size_t i = 0; i < blk->ntx; i++)
		json_array_append_new(txids, hashj(tx_id(&blk->txs[i])));
	json_object_set_new(o, "fields", vectors_block_fields(blk));
	json_object_set_new(o, "hex", bufj(&b));
	json_object_set_new(o, "id", hashj(&blk->id));
	json_object_set_new(o, "txids", txids);
	json_object_set_new(o, "tx_root", hashj(&tx_root));
	json_object_set_new(o, "evidence_root", hashj(&ev_root));
	json_object_set_new(o, "last_commit_hash", hashj(&lc_hash));
	json_object_set_new(o, "check", json_string(prim_err_name(check)));
	buf_release(&b);
	block_release(blk);
	free(blk);
	return o;
}

static json_t *run_vote(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err)
{
	struct vote v;
	struct chain_id c;
	struct hash256 h;
	struct buf b = BUF_INIT;
	(void)entry;
	if (!vote_decode(&v, p, len, err))
		return NULL;
	chain(&c);
	json_t *o = json_object();
	vote_encode(&b, &v);
	vote_sighash(&h, &v, &c);
	json_object_set_new(o, "fields", vectors_vote_fields(&v));
	json_object_set_new(o, "hex", bufj(&b));
	json_object_set_new(o, "sighash", hashj(&h));
	json_object_set_new(o, "sig_valid", json_boolean(vote_verify(&v, &c)));
	buf_release(&b);
	return o;
}

static json_t *run_proposal(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err)
{
	struct proposal pr;
	struct chain_id c;
	struct hash256 h;
	struct buf b = BUF_INIT;
	(void)entry;
	if (!proposal_decode(&pr, p, len, err))
		return NULL;
	chain(&c);
	json_t *o = json_object();
	proposal_encode(&b, &pr);
	proposal_sighash(&h, &pr, &c);
	json_object_set_new(o, "fields", vectors_proposal_fields(&pr));
	json_object_set_new(o, "hex", bufj(&b));
	json_object_set_new(o, "sighash", hashj(&h));
	json_object_set_new(o, "sig_valid", json_boolean(proposal_verify(&pr, &c)));
	buf_release(&b);
	return o;
}

/* The validator set of a commits entry (powers are decimal strings). Out:
 * keys, power. Returns the count; a malformed member fails a check. */
static size_t entry_set(const json_t *entry, struct pubkey keys[MAX_VALIDATORS],
			uint64_t power[MAX_VALIDATORS])
{
	size_t i, n = 0;
	json_t *v;
	json_array_foreach(json_object_get(entry, "validators"), i, v) {
		const char *pk = json_string_value(json_object_get(v, "pubkey"));
		const char *pw = json_string_value(json_object_get(v, "power"));
		if (!CHECK(n < MAX_VALIDATORS))
			break;
		CHECK(pk && hex_decode_exact(keys[n].b, 32, pk));
		CHECK(pw && parse_u64(&power[n], pw, 0, UINT64_MAX));
		n++;
	}
	return n;
}

static json_t *run_commit(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err)
{
	static struct pubkey keys[MAX_VALIDATORS];
	uint64_t power[MAX_VALIDATORS];
	struct commit *c = malloc(sizeof(*c));
	struct chain_id ch;
	struct hash256 h, sh;
	struct buf b = BUF_INIT;
	if (!c)
		abort();
	if (!commit_decode(c, p, len, err)) {
		free(c);
		return NULL;
	}
	chain(&ch);
	json_t *o = json_object();
	commit_encode(&b, c);
	commit_hash(&h, c);
	commit_sighash(&sh, c, &ch);
	json_object_set_new(o, "fields", vectors_commit_fields(c));
	json_object_set_new(o, "hex", bufj(&b));
	json_object_set_new(o, "hash", hashj(&h));
	json_object_set_new(o, "sighash", hashj(&sh));
	if (entry) {
		enum prim_err verr;
		struct hash256 vh;
		size_t n = entry_set(entry, keys, power);
		commit_verify(c, &ch, keys, power, n, &verr);
		vectors_validators_hash(&vh, keys, power, n);
		json_object_set_new(o, "validators_hash", hashj(&vh));
		json_object_set_new(o, "verify", json_string(prim_err_name(verr)));
	}
	buf_release(&b);
	free(c);
	return o;
}

static json_t *run_evidence(const uint8_t *p, size_t len, const json_t *entry, enum prim_err *err)
{
	struct evidence e;
	struct chain_id c;
	struct hash256 h;
	struct buf b = BUF_INIT;
	enum prim_err verr;
	(void)entry;
	if (!evidence_decode(&e, p, len, err))
		return NULL;
	chain(&c);
	json_t *o = json_object();
	evidence_encode(&b, &e);
	evidence_hash(&h, &e);
	evidence_verify(&e, &c, &verr);
	json_object_set_new(o, "fields", vectors_evidence_fields(&e));
	json_object_set_new(o, "hex", bufj(&b));
	json_object_set_new(o, "hash", hashj(&h));
	json_object_set_new(o, "verify", json_string(prim_err_name(verr)));
	buf_release(&b);
	return o;
}

struct codec {
	const char *structure;  /* as in the "invalid" section */
	const char *section;
	run_fn *run;
	size_t nkeys;           /* keys compared per valid entry (name excluded) */
};

static const struct codec codecs[] = {
	{ "tx", "transactions", run_tx, 6 },
	{ "header", "headers", run_header, 3 },
	{ "block", "blocks", run_block, 8 },
	{ "vote", "votes", run_vote, 4 },
	{ "proposal", "proposals", run_proposal, 4 },
	{ "commit", "commits", run_commit, 6 },
	{ "evidence", "evidence", run_evidence, 4 },
};
#define NCODECS (sizeof(codecs) / sizeof(codecs[0]))

static const struct codec *codec_of(const char *structure)
{
	for (size_t i = 0; i < NCODECS; i++)
		if (strcmp(codecs[i].structure, structure) == 0)
			return &codecs[i];
	return NULL;
}

/* The vectors document, read from the committed file. */
static json_t *load_vectors(void)
{
	size_t len;
	char *text = unit_read_data("vectors.json", &len);
	json_error_t jerr;
	json_t *doc = text ? json_loadb(text, len, 0, &jerr) : NULL;
	free(text);
	CHECK(doc != NULL);
	return doc;
}

/* Decode hex, followed by zeros up to pad_to bytes when pad_to passes its
 * length (an invalid entry's "pad_to"), as structure c. */
static json_t *run_hex(const struct codec *c, const char *hex, size_t pad_to,
		       const json_t *entry, enum prim_err *err)
{
	size_t len;
	uint8_t *p = vectors_unhex(hex, &len);
	if (!CHECK(p != NULL))
		return NULL;
	if (pad_to > len) {
		uint8_t *q = calloc(1, pad_to);
		if (CHECK(q != NULL))
			memcpy(q, p, len);
		free(p);
		if (!q)
			return NULL;
		p = q;
		len = pad_to;
	}
	json_t *o = c->run(p, len, entry, err);
	free(p);
	return o;
}

/* ------------------------------------------------------------ cases */

/* Every valid vector decodes; re-encodes to the same bytes; and gives the
 * fields, hashes, ids, signature validity and check results of the file. */
static void test_vectors_decode(void)
{
	json_t *doc = load_vectors();
	size_t total = 0;
	for (size_t c = 0; doc && c < NCODECS; c++) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(doc, codecs[c].section), i, e) {
			enum prim_err err;
			const char *name = json_string_value(json_object_get(e, "name"));
			json_t *got = run_hex(&codecs[c], json_string_value(json_object_get(e, "hex")), 0, e, &err);
			if (!CHECK(got != NULL)) {
				unit_note("%s %s: %s", codecs[c].section, name, prim_err_name(err));
				continue;
			}
			size_t compared = 0;
			const char *key;
			json_t *want;
			json_object_foreach(e, key, want) {
				if (strcmp(key, "name") == 0 || strcmp(key, "validators") == 0)
					continue;
				compared++;
				if (!CHECK(json_equal(want, json_object_get(got, key))))
					unit_note("%s %s: %s differs", codecs[c].section, name, key);
			}
			CHECK(compared == codecs[c].nkeys);
			total++;
			json_decref(got);
		}
	}
	CHECK(total == 16 + 2 + 2 + 4 + 2 + 11 + 4);
	json_decref(doc);
}

/* Every invalid vector fails at its stage with its error; a check-stage
 * entry decodes (the error comes from tx_check / block_check). */
static void test_vectors_invalid(void)
{
	json_t *doc = load_vectors();
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(json_object_get(doc, "invalid"), i, e) {
		const struct codec *c = codec_of(json_string_value(json_object_get(e, "structure")));
		const char *want = json_string_value(json_object_get(e, "error"));
		bool check_stage = strcmp(json_string_value(json_object_get(e, "stage")), "check") == 0;
		enum prim_err err = PRIM_ERR_OK;
		if (!CHECK(c != NULL))
			continue;
		const json_t *pad = json_object_get(e, "pad_to");
		size_t pad_to = 0;
		if (pad && CHECK(json_integer_value(pad) > 0 &&
				 json_integer_value(pad) <= (json_int_t)(2 * BLOCK_MAX_SIZE)))
			pad_to = (size_t)json_integer_value(pad);
		json_t *got = run_hex(c, json_string_value(json_object_get(e, "hex")), pad_to, NULL, &err);
		const char *have = !got ? prim_err_name(err) :
				   json_object_get(got, "check") ? json_string_value(json_object_get(got, "check")) :
				   "(accepted)";
		bool stage_ok = CHECK((got != NULL) == check_stage);
		bool error_ok = CHECK(strcmp(have, want) == 0);
		if (!stage_ok || !error_ok)
			unit_note("invalid %s/%s: got %s, want %s", c->structure,
				  json_string_value(json_object_get(e, "name")), have, want);
		json_decref(got);
		n++;
	}
	CHECK(n >= 100);
	json_decref(doc);
}

/* Every address vector decodes under its network's HRP to its pubkey, or
 * is refused when pubkey is null (doc/protocol.md section 6). */
static void test_vectors_addresses(void)
{
	static const char *const hrps[][2] = {
		{ "main", "ro" }, { "testnet", "tro" }, { "regtest", "rro" },
	};
	json_t *doc = load_vectors();
	size_t i, n = 0, valid = 0;
	json_t *e;
	json_array_foreach(json_object_get(doc, "addresses"), i, e) {
		const char *net = json_string_value(json_object_get(e, "network"));
		const char *addr = json_string_value(json_object_get(e, "address"));
		const char *want = json_string_value(json_object_get(e, "pubkey"));
		const char *hrp = NULL;
		struct pubkey pk, wpk;
		for (size_t h = 0; net && h < sizeof(hrps) / sizeof(hrps[0]); h++)
			if (strcmp(hrps[h][0], net) == 0)
				hrp = hrps[h][1];
		if (!CHECK(hrp != NULL && addr != NULL))
			continue;
		bool ok = address_decode(&pk, hrp, addr);
		if (!CHECK(ok == (want != NULL)))
			unit_note("address %s: %s", json_string_value(json_object_get(e, "name")),
				  ok ? "accepted" : "refused");
		if (ok && want && CHECK(hex_decode_exact(wpk.b, sizeof(wpk.b), want)))
			CHECK(memcmp(pk.b, wpk.b, sizeof(pk.b)) == 0);
		valid += want != NULL;
		n++;
	}
	CHECK(n == 11 && valid == 2);
	json_decref(doc);
}

/* True if some entry of section has value name under key. */
static bool section_has(const json_t *doc, const char *section, const char *key, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(doc, section), i, e) {
		const char *v = json_string_value(json_object_get(e, key));
		if (v && strcmp(v, name) == 0)
			return true;
	}
	return false;
}

/* Every error a decoder, a stateless check or a verification can return
 * is the expected result of at least one vector: an invalid entry's error,
 * a transaction's or block's check, a commit's or evidence's verify. */
static void test_every_rejection_has_a_vector(void)
{
	static const struct {
		const char *section, *key;
	} where[] = {
		{ "invalid", "error" }, { "transactions", "check" }, { "blocks", "check" },
		{ "commits", "verify" }, { "evidence", "verify" },
	};
	json_t *doc = load_vectors();
	for (unsigned i = 0; doc && i < PRIM_ERR_COUNT_; i++) {
		const char *name = prim_err_name((enum prim_err)i);
		bool found = false;
		for (size_t k = 0; k < sizeof(where) / sizeof(where[0]); k++)
			found |= section_has(doc, where[k].section, where[k].key, name);
		if (!CHECK(found))
			unit_note("no vector expects %s", name);
	}
	json_decref(doc);
}

/* Size limits at the boundary (the vectors carry the block ones through
 * "pad_to"), and an empty or NULL input to every decoder. */
static void test_size_limits(void)
{
	size_t big = BLOCK_MAX_SIZE + 1;
	uint8_t *p = calloc(1, big);
	enum prim_err err;
	struct block *b = malloc(sizeof(*b));
	struct tx tx;
	if (!CHECK(p != NULL && b != NULL))
		goto out;
	CHECK(!block_decode(b, p, big, &err) && err == PRIM_ERR_TOO_LARGE);
	CHECK(!block_decode(b, p, BLOCK_MAX_SIZE, &err) && err == PRIM_ERR_HEADER_VERSION);
	CHECK(!tx_decode(&tx, p, TX_MAX_SIZE + 1, &err) && err == PRIM_ERR_TOO_LARGE);
	CHECK(!tx_decode(&tx, p, TX_MAX_SIZE, &err) && err == PRIM_ERR_TX_VERSION);
	for (size_t c = 0; c < NCODECS; c++) {
		json_t *got = codecs[c].run(p, 0, NULL, &err);
		CHECK(got == NULL && err == PRIM_ERR_TRUNCATED);
		got = codecs[c].run(NULL, 0, NULL, &err);
		CHECK(got == NULL && err == PRIM_ERR_TRUNCATED);
	}
out:
	free(p);
	free(b);
}

/* ------------------------------------------ edge values that are valid */

static void set_a(struct tx_bytes *t, size_t n)
{
	static uint8_t as[TX_BODY_MAX];
	memset(as, 'a', sizeof(as));
	t->p = as;
	t->len = n;
}

static void v_max_nonce(struct tx *t) { t->type = TX_UNJAIL; t->nonce = UINT64_MAX; t->fee = MAX_MONEY; }
static void v_zero_fee(struct tx *t) { t->type = TX_UNJAIL; t->fee = 0; }
static void v_amount_1(struct tx *t) { t->type = TX_TRANSFER; t->u.transfer.amount = 1; }
static void v_amount_max(struct tx *t)
{
	t->type = TX_TRANSFER;
	t->u.transfer.amount = MAX_MONEY;
	set_a(&t->u.transfer.memo, TX_MEMO_MAX);
}
static void v_body_max(struct tx *t)
{
	static char tags[TX_MAX_TAGS][TX_TAG_MAX];
	t->type = TX_POST;
	set_a(&t->u.post.body, TX_BODY_MAX);
	t->u.post.ntags = TX_MAX_TAGS;
	for (size_t i = 0; i < TX_MAX_TAGS; i++) {
		memset(tags[i], 'a' + (int)i, TX_TAG_MAX);
		t->u.post.tags[i] = (struct tx_bytes){ (const uint8_t *)tags[i], TX_TAG_MAX };
	}
}
static void v_tags_prefix(struct tx *t)
{
	t->type = TX_POST;
	set_a(&t->u.post.body, 1);
	t->u.post.ntags = 3;
	t->u.post.tags[0] = (struct tx_bytes){ (const uint8_t *)"a", 1 };
	t->u.post.tags[1] = (struct tx_bytes){ (const uint8_t *)"a_", 2 };
	t->u.post.tags[2] = (struct tx_bytes){ (const uint8_t *)"ab", 2 };
}
static void v_vote_min(struct tx *t) { t->type = TX_VOTE; t->u.vote.weight = -TX_WEIGHT_MAX; }
static void v_vote_max(struct tx *t) { t->type = TX_VOTE; t->u.vote.weight = TX_WEIGHT_MAX; }
static void v_vote_zero(struct tx *t) { t->type = TX_VOTE; t->u.vote.weight = 0; }
static void v_vote_minus_one(struct tx *t) { t->type = TX_VOTE; t->u.vote.weight = -1; }
static void v_endorse_zero(struct tx *t) { t->type = TX_ENDORSE; t->u.endorse.weight = 0; }
static void v_endorse_max(struct tx *t) { t->type = TX_ENDORSE; t->u.endorse.weight = TX_WEIGHT_MAX; }
static void v_profile_empty(struct tx *t) { t->type = TX_PROFILE; }
static void v_profile_max(struct tx *t)
{
	t->type = TX_PROFILE;
	set_a(&t->u.profile.handle, TX_HANDLE_MAX);
	set_a(&t->u.profile.name, TX_NAME_MAX);
	set_a(&t->u.profile.about, TX_ABOUT_MAX);
	set_a(&t->u.profile.website, TX_WEBSITE_MAX);
}
static void v_handle_min(struct tx *t) { t->type = TX_PROFILE; set_a(&t->u.profile.handle, TX_HANDLE_MIN); }
static void v_moniker_max(struct tx *t)
{
	t->type = TX_VALIDATOR;
	set_a(&t->u.validator.moniker, TX_MONIKER_MAX);
	t->u.validator.commission = TX_COMMISSION_MAX;
}
static void v_stake_max(struct tx *t) { t->type = TX_UNSTAKE; t->u.stake.amount = MAX_MONEY; }
static void v_chain_short(struct tx *t) { t->type = TX_UNJAIL; chain_id_parse(&t->chain_id, "a-00000000"); }
static void v_chain_long(struct tx *t) { t->type = TX_UNJAIL; chain_id_parse(&t->chain_id, "abcdefghijklmnop-0123abcd"); }

/* A valid key wherever the type has one. */
static void set_payload_key(struct tx *t, const struct pubkey *pk)
{
	switch (t->type) {
	case TX_TRANSFER: t->u.transfer.to = *pk; break;
	case TX_ENDORSE: t->u.endorse.subject = *pk; break;
	case TX_FOLLOW: case TX_UNFOLLOW: t->u.follow.target = *pk; break;
	case TX_STAKE: case TX_UNSTAKE: t->u.stake.validator = *pk; break;
	case TX_VALIDATOR: t->u.validator.consensus_key = *pk; break;
	default: break;
	}
}

struct edge { const char *name; void (*set)(struct tx *); };
static const struct edge edges[] = {
	{ "max nonce and fee", v_max_nonce }, { "zero fee", v_zero_fee },
	{ "amount 1", v_amount_1 }, { "amount max, memo max", v_amount_max },
	{ "body and tags max", v_body_max }, { "tag prefix orders first", v_tags_prefix },
	{ "vote -10000", v_vote_min }, { "vote 10000", v_vote_max },
	{ "vote 0", v_vote_zero }, { "vote -1", v_vote_minus_one },
	{ "endorse 0", v_endorse_zero }, { "endorse 10000", v_endorse_max },
	{ "profile empty", v_profile_empty }, { "profile max", v_profile_max },
	{ "handle 3", v_handle_min }, { "moniker max, commission max", v_moniker_max },
	{ "unstake max", v_stake_max }, { "chain id 10 bytes", v_chain_short },
	{ "chain id 25 bytes", v_chain_long },
};

/* Values at the edge of every limit are accepted, round-trip, pass
 * tx_check and verify. */
static void test_tx_edges_accepted(void)
{
	struct seckey sk;
	struct pubkey pk;
	vectors_key(&sk, &pk, VEC_ALICE);
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		struct tx tx, dec;
		struct buf b = BUF_INIT;
		enum prim_err err;
		tx_init(&tx);
		vectors_chain_id(&tx.chain_id);
		tx.sender = pk;
		edges[i].set(&tx);
		set_payload_key(&tx, &pk);
		bool ok = tx_sign(&tx, &sk, vectors_aux, &err);
		if (!CHECK(ok)) {
			unit_note("%s: %s", edges[i].name, prim_err_name(err));
			continue;
		}
		CHECK(tx_decode(&dec, tx.raw, tx.raw_len, &err));
		CHECK(tx_encode(&b, &dec) && b.len == tx.raw_len &&
		      memcmp(b.data, tx.raw, b.len) == 0);
		CHECK(tx_check(&dec, &err) && err == PRIM_ERR_OK);
		CHECK(tx_verify_sig(&dec));
		CHECK(memcmp(tx_id(&dec)->b, tx_id(&tx)->b, 32) == 0);
		CHECK(tx.raw_len <= TX_MAX_SIZE);
		buf_release(&b);
		tx_release(&dec);
		tx_release(&tx);
	}
}

/* The largest tx the format allows stays far below TX_MAX_SIZE. */
static void test_tx_max_size_bound(void)
{
	struct tx tx;
	struct buf b = BUF_INIT;
	tx_init(&tx);
	vectors_chain_id(&tx.chain_id);
	chain_id_parse(&tx.chain_id, "abcdefghijklmnop-0123abcd");
	v_body_max(&tx);
	tx.nonce = UINT64_MAX;
	tx.fee = MAX_MONEY;
	tx.u.post.has_parent = true;
	CHECK(tx_encode(&b, &tx));
	CHECK(b.len < TX_MAX_SIZE);
	unit_note("largest post: %zu bytes", b.len);
	buf_release(&b);
}

/* ------------------------------------------------- random and mutated */

/* run must either refuse the bytes or re-encode them exactly. Returns 1 if
 * accepted. */
static int roundtrip_or_reject(const struct codec *c, const uint8_t *p, size_t len)
{
	enum prim_err err = PRIM_ERR_OK;
	json_t *got = c->run(p, len, NULL, &err);
	if (!got) {
		CHECK(err != PRIM_ERR_OK);
		return 0;
	}
	json_t *hex = hexj(p, len);
	if (!CHECK(json_equal(hex, json_object_get(got, "hex"))))
		unit_note("%s: accepted bytes do not round-trip", c->structure);
	json_decref(hex);
	json_decref(got);
	return 1;
}

static void test_random_bytes(void)
{
	uint8_t p[600];
	for (size_t c = 0; c < NCODECS; c++) {
		for (int i = 0; i < 3000; i++) {
			size_t len = (size_t)(unit_rand() % sizeof(p));
			unit_rand_bytes(p, len);
			roundtrip_or_reject(&codecs[c], p, len);
		}
	}
}

/* One to three random changes (byte set, byte dropped, byte inserted,
 * truncation) to a valid vector. */
static size_t mutate(uint8_t *out, size_t cap, const uint8_t *in, size_t len)
{
	size_t n = len < cap ? len : cap;
	memcpy(out, in, n);
	int k = 1 + (int)(unit_rand() % 3);
	for (int i = 0; i < k && n > 0; i++) {
		size_t at = (size_t)(unit_rand() % n);
		switch (unit_rand() % 4) {
		case 0: out[at] = (uint8_t)unit_rand(); break;
		case 1: memmove(out + at, out + at + 1, n - at - 1); n--; break;
		case 2:
			if (n < cap) {
				memmove(out + at + 1, out + at, n - at);
				out[at] = (uint8_t)unit_rand();
				n++;
			}
			break;
		default: n = at; break;
		}
	}
	return n;
}

static void test_mutated_vectors(void)
{
	json_t *doc = load_vectors();
	static uint8_t out[1 << 16];
	for (size_t c = 0; doc && c < NCODECS; c++) {
		size_t i, accepted = 0, tried = 0;
		json_t *e;
		json_array_foreach(json_object_get(doc, codecs[c].section), i, e) {
			size_t len;
			uint8_t *p = vectors_unhex(json_string_value(json_object_get(e, "hex")), &len);
			if (!CHECK(p != NULL))
				continue;
			int rounds = strcmp(codecs[c].structure, "block") == 0 ? 60 : 300;
			for (int r = 0; r < rounds; r++, tried++)
				accepted += (size_t)roundtrip_or_reject(&codecs[c], out,
									mutate(out, sizeof(out), p, len));
			free(p);
		}
		/* Changing a signature or hash byte leaves a valid encoding: some
		 * mutations must be accepted, or the test would prove nothing. */
		CHECK(accepted > 0 && accepted < tried);
	}
	json_decref(doc);
}

const struct unit_case prim_decode_cases[] = {
	UNIT_CASE(test_vectors_decode),
	UNIT_CASE(test_vectors_invalid),
	UNIT_CASE(test_every_rejection_has_a_vector),
	UNIT_CASE(test_vectors_addresses),
	UNIT_CASE(test_size_limits),
	UNIT_CASE(test_tx_edges_accepted),
	UNIT_CASE(test_tx_max_size_bound),
	UNIT_CASE(test_random_bytes),
	UNIT_CASE(test_mutated_vectors),
};
const size_t prim_decode_ncases = UNIT_COUNT(prim_decode_cases);
