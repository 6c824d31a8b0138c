/* consensus/: the signer-state guard (rule table, the file, refusals),
 * the validator set hash against the official vectors, block production,
 * and cons_accept_block on a second node with every rejection path. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "consensus/consensus.h"
#include "crypto/crypto.h"
#include "ledger/query.h"
#include "mempool/mempool_ledger.h"
#include "unit.h"
#include "util/file.h"

/* ------------------------------------------------------------ helpers */

static bool tc_tmpdir(char *out, size_t cap)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(out, cap, "%s/rostra-cons-XXXXXX", base && *base ? base : "/tmp");
	return n > 0 && (size_t)n < cap && mkdtemp(out) != NULL;
}

static void tc_key(struct seckey *sk, struct pubkey *pk, uint8_t i)
{
	uint8_t seed[32] = "rostra-consensus-test-key";
	seed[31] = i;
	sha256(sk->b, seed, sizeof(seed));
	if (!key_pubkey(pk, sk))
		abort();
}

static struct hash256 tc_hash(uint8_t b)
{
	struct hash256 h;
	memset(h.b, b, 32);
	return h;
}

static bool tc_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	bool ok = f != NULL && fputs(text, f) >= 0;
	return f != NULL && fclose(f) == 0 && ok;
}

/* ------------------------------------------------------------ guard */

static void test_sign_allowed_table(void)
{
	static const struct {
		uint64_t h;
		uint32_t r;
		uint8_t step, id;
		bool ok;
	} cases[] = {
		/* last signed: height 10, round 2, prevote, id 0xaa */
		{ 10, 2, CONS_STEP_PREVOTE, 0xaa, true },     /* the same again */
		{ 10, 2, CONS_STEP_PREVOTE, 0xbb, false },    /* another value, same step */
		{ 10, 2, CONS_STEP_PRECOMMIT, 0xbb, true },   /* a later step */
		{ 10, 2, CONS_STEP_PROPOSE, 0xaa, false },    /* an earlier step */
		{ 10, 3, CONS_STEP_PROPOSE, 0xbb, true },     /* a later round */
		{ 10, 1, CONS_STEP_PRECOMMIT, 0xaa, false },  /* an earlier round */
		{ 11, 0, CONS_STEP_PROPOSE, 0xcc, true },     /* a later height */
		{ 9, 5, CONS_STEP_PRECOMMIT, 0xaa, false },   /* an earlier height */
		{ 10, 2, CONS_STEP_PREVOTE, 0x00, false },    /* nil after a value */
	};
	struct cons_sign_state last = { 10, 2, CONS_STEP_PREVOTE, tc_hash(0xaa) };
	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		struct hash256 id = tc_hash(cases[i].id);
		if (!CHECK(cons_sign_allowed(&last, cases[i].h, cases[i].r, cases[i].step, &id) ==
			   cases[i].ok))
			unit_note("case %zu", i);
	}
	struct cons_sign_state none = { 0, 0, CONS_STEP_NONE, tc_hash(0) };
	struct hash256 id = tc_hash(1);
	CHECK(cons_sign_allowed(&none, 1, 0, CONS_STEP_PROPOSE, &id));
}

static void test_signer_file(void)
{
	char dir[256], path[300], err[256], text[256];
	struct seckey sk;
	struct pubkey pk;
	struct cons_sign_state st;
	struct chain_id chain;
	struct proposal p;
	struct vote v;
	tc_key(&sk, &pk, 1);
	if (!CHECK(tc_tmpdir(dir, sizeof(dir))) || !CHECK(chain_id_parse(&chain, "regtest-00112233")))
		return;
	snprintf(path, sizeof(path), "%s/signer_state", dir);
	struct cons_signer *s = cons_signer_open(err, sizeof(err), path, &sk);
	if (!CHECK(s != NULL))
		return;
	CHECK(memcmp(cons_signer_pubkey(s)->b, pk.b, 32) == 0);
	cons_signer_last(s, &st);
	CHECK(st.height == 0 && st.step == CONS_STEP_NONE);
	CHECK(access(path, F_OK) == 0);

	memset(&p, 0, sizeof(p));
	p.height = 5;
	p.pol_round = POL_ROUND_NONE;
	p.block_id = tc_hash(7);
	CHECK(cons_sign_proposal(s, err, sizeof(err), &p, &chain));
	CHECK(proposal_verify(&p, &chain));
	memset(&v, 0, sizeof(v));
	v.type = VOTE_PRECOMMIT;
	v.height = 5;
	v.block_id = tc_hash(8);
	CHECK(cons_sign_vote(s, err, sizeof(err), &v, &chain));
	CHECK(vote_verify(&v, &chain));
	/* A conflicting precommit: refused, no signature, the file unchanged. */
	v.block_id = tc_hash(9);
	memset(v.sig, 0, sizeof(v.sig));
	CHECK(!cons_sign_vote(s, err, sizeof(err), &v, &chain));
	CHECK(strstr(err, "refuses") != NULL);
	CHECK(!vote_verify(&v, &chain));
	v.type = VOTE_PREVOTE; /* an earlier step */
	CHECK(!cons_sign_vote(s, err, sizeof(err), &v, &chain));
	cons_signer_close(s);

	/* Reopened: the state survived. */
	s = cons_signer_open(err, sizeof(err), path, &sk);
	if (CHECK(s != NULL)) {
		cons_signer_last(s, &st);
		CHECK(st.height == 5 && st.round == 0 && st.step == CONS_STEP_PRECOMMIT);
		CHECK(memcmp(st.block_id.b, tc_hash(8).b, 32) == 0);
		v.type = VOTE_PRECOMMIT;
		v.block_id = tc_hash(9);
		CHECK(!cons_sign_vote(s, err, sizeof(err), &v, &chain));
		v.block_id = tc_hash(8); /* the same precommit again */
		CHECK(cons_sign_vote(s, err, sizeof(err), &v, &chain));
		cons_signer_close(s);
	}

	/* Malformed files are refused, never reset. */
	static const char *const bad[] = {
		"", "rostra-signer 2 1 0 1 " "00000000000000000000000000000000"
		    "00000000000000000000000000000000\n",
		"rostra-signer 1 1 0 4 " "00000000000000000000000000000000"
		"00000000000000000000000000000000\n",
		"rostra-signer 1 1 0 1 00\n",
		"rostra-signer 1 1 0 1 " "00000000000000000000000000000000"
		"00000000000000000000000000000000",
		"rostra-signer 1 1 0 1 " "00000000000000000000000000000000"
		"00000000000000000000000000000000\nextra\n",
		"garbage\n",
	};
	for (size_t i = 0; i < UNIT_COUNT(bad); i++) {
		CHECK(tc_write(path, bad[i]));
		s = cons_signer_open(err, sizeof(err), path, &sk);
		if (!CHECK(s == NULL)) {
			unit_note("malformed case %zu accepted", i);
			cons_signer_close(s);
		} else {
			CHECK(strstr(err, "malformed") != NULL || i == 0);
		}
		FILE *f = fopen(path, "rb");
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
		if (f)
			fclose(f);
		text[n] = 0;
		CHECK(strcmp(text, bad[i]) == 0);
	}
	memset(&sk, 0, sizeof(sk));
	s = cons_signer_open(err, sizeof(err), path, &sk); /* an invalid key */
	CHECK(s == NULL);
	file_remove_tree(dir);
}

/* ------------------------------------------------------------ sets */

static void test_valset_vectors(void)
{
	size_t len = 0;
	char *text = unit_read_data("vectors.json", &len);
	json_error_t je;
	json_t *root = text ? json_loadb(text, len, 0, &je) : NULL;
	json_t *commits = json_object_get(root, "commits");
	size_t i, checked = 0;
	json_t *c;
	free(text);
	if (!CHECK(json_is_array(commits)))
		goto done;
	json_array_foreach(commits, i, c) {
		json_t *vals = json_object_get(c, "validators"), *v;
		const char *want = json_string_value(json_object_get(c, "validators_hash"));
		struct cons_valset set;
		struct hash256 h, w;
		size_t j;
		memset(&set, 0, sizeof(set));
		if (!json_is_array(vals) || want == NULL || json_array_size(vals) > MAX_VALIDATORS)
			continue;
		json_array_foreach(vals, j, v) {
			unit_unhex(set.keys[j].b, 32, json_string_value(json_object_get(v, "pubkey")));
			set.power[j] = strtoull(json_string_value(json_object_get(v, "power")), NULL, 10);
			set.n++;
		}
		cons_valset_hash(&h, &set);
		CHECK(unit_unhex(w.b, 32, want) == 32);
		if (!CHECK(memcmp(h.b, w.b, 32) == 0))
			unit_note("commit vector %zu", i);
		checked++;
	}
	CHECK(checked >= 5);
done:
	json_decref(root);
}

static void test_valset_basics(void)
{
	struct cons_valset s;
	struct hash256 h1, h2;
	struct seckey sk;
	memset(&s, 0, sizeof(s));
	s.n = 2;
	tc_key(&sk, &s.keys[0], 1);
	tc_key(&sk, &s.keys[1], 2);
	s.power[0] = 5;
	s.power[1] = UINT64_MAX;
	CHECK(cons_valset_total(&s) == UINT64_MAX);
	CHECK(cons_valset_find(&s, &s.keys[1]) == 1);
	struct pubkey other;
	tc_key(&sk, &other, 3);
	CHECK(cons_valset_find(&s, &other) == -1);
	cons_valset_hash(&h1, &s);
	s.power[0] = 6; /* a power change changes the hash */
	cons_valset_hash(&h2, &s);
	CHECK(memcmp(h1.b, h2.b, 32) != 0);
}

/* ------------------------------------------------------------ chains */

/* A node for the tests: a db, a ledger on a shared genesis, a mempool. */
struct tc_node {
	char dir[256];
	struct db *db;
	struct ledger *l;
	struct mempool *mp;
	struct clock clock;
};

static void tc_genesis(struct ledger_genesis *g, const struct pubkey *val,
		       const struct pubkey *rich)
{
	char err[256];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "regtest");
	g->time = 1700000000000;
	g->params.block_reward = 200000000;
	g->params.reward_era_blocks = 150;
	g->params.min_fee_per_byte = 10;
	g->params.unbonding_ms = 60000;
	g->balances = calloc(1, sizeof(*g->balances));
	g->validators = calloc(1, sizeof(*g->validators));
	g->nbalances = g->nvalidators = 1;
	g->balances[0].key = *rich;
	g->balances[0].amount = 1000000000000;
	g->validators[0].operator_key = *val;
	g->validators[0].consensus_key = *val;
	g->validators[0].moniker_len = 1;
	g->validators[0].moniker[0] = 'v';
	g->validators[0].stake = 1000000000;
	if (!ledger_genesis_finalize(g, err, sizeof(err)))
		abort();
}

static bool tc_node_open(struct tc_node *t, const struct ledger_genesis *g)
{
	char err[DB_ERR_LEN];
	struct db_options o;
	struct ledger_error le;
	struct mempool_chain chain;
	struct mempool_options mo;
	memset(t, 0, sizeof(*t));
	clock_init(&t->clock);
	db_options_init(&o);
	o.create_if_missing = true;
	if (!tc_tmpdir(t->dir, sizeof(t->dir)) ||
	    (t->db = db_open(err, sizeof(err), t->dir, &o)) == NULL ||
	    (t->l = ledger_open(&le, t->db, g, NULL)) == NULL)
		return false;
	mempool_chain_from_ledger(&chain, t->l);
	mempool_options_default(&mo);
	t->mp = mempool_create(err, sizeof(err), &mo, &chain, &t->clock);
	return t->mp != NULL;
}

static void tc_node_close(struct tc_node *t)
{
	mempool_destroy(t->mp);
	ledger_close(t->l);
	if (t->db)
		db_close(t->db);
	file_remove_tree(t->dir);
}

/* The stored block and commit at height h of t. */
static bool tc_stored(struct tc_node *t, struct block *b, struct commit *c, uint64_t h)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct buf raw = BUF_INIT, craw = BUF_INIT;
	struct ledger_error le;
	enum prim_err pe;
	bool f1 = false, f2 = false;
	bool ok = q && ledger_q_block(q, &f1, &raw, &le, h) && ledger_q_commit(q, &f2, &craw, &le, h) &&
		  f1 && f2 && block_decode(b, raw.data, raw.len, &pe) &&
		  commit_decode(c, craw.data, craw.len, &pe);
	ledger_query_destroy(q);
	buf_release(&raw);
	buf_release(&craw);
	return ok;
}

/* A transfer from sk to to, sealed. */
static bool tc_transfer(struct tx *tx, const struct ledger *l, const struct seckey *sk,
			const struct pubkey *from, const struct pubkey *to, uint64_t nonce)
{
	enum prim_err pe;
	tx_init(tx);
	tx->chain_id = *ledger_chain_id(l);
	tx->type = TX_TRANSFER;
	tx->sender = *from;
	tx->nonce = nonce;
	tx->fee = 5000;
	tx->u.transfer.to = *to;
	tx->u.transfer.amount = 1000;
	return tx_sign(tx, sk, NULL, &pe);
}

static void test_produce_and_accept(void)
{
	struct seckey vsk, rsk;
	struct pubkey vpk, rpk;
	struct ledger_genesis g;
	struct cons_valset set;
	struct tc_node a, b;
	struct cons_produced out;
	char err[512], spath[300];
	tc_key(&vsk, &vpk, 10);
	tc_key(&rsk, &rpk, 11);
	tc_genesis(&g, &vpk, &rpk);
	cons_valset_from_genesis(&set, &g);
	if (!CHECK(set.n == 1) || !CHECK(tc_node_open(&a, &g)) || !CHECK(tc_node_open(&b, &g)))
		goto out_genesis;
	snprintf(spath, sizeof(spath), "%s/signer_state", a.dir);
	struct cons_signer *s = cons_signer_open(err, sizeof(err), spath, &vsk);
	if (!CHECK(s != NULL))
		goto out_nodes;

	/* Block 1 with two transactions, block 2 empty. */
	struct tx t1, t2;
	struct mempool_reject why;
	CHECK(tc_transfer(&t1, a.l, &rsk, &rpk, &vpk, 0) &&
	      mempool_add(a.mp, &why, NULL, &t1) == MEMPOOL_OK);
	CHECK(tc_transfer(&t2, a.l, &rsk, &rpk, &vpk, 1) &&
	      mempool_add(a.mp, &why, NULL, &t2) == MEMPOOL_OK);
	CHECK(cons_produce_block(a.l, &out, err, sizeof(err), a.mp, s, &set, 1700000001000));
	CHECK(out.height == 1 && out.ntx == 2 && out.round == 0);
	CHECK(mempool_count(a.mp) == 0);
	CHECK(cons_produce_block(a.l, &out, err, sizeof(err), a.mp, s, &set, 5)); /* old clock */
	CHECK(out.height == 2 && out.ntx == 0);
	struct ledger_tip tip;
	ledger_get_tip(a.l, &tip);
	CHECK(tip.height == 2 && tip.time == 1700000001001); /* parent's time + 1 */

	/* The full node b accepts them through cons_accept_block. */
	struct block blk;
	struct commit *cm = calloc(1, sizeof(*cm)), *bad = calloc(1, sizeof(*bad));
	if (!CHECK(cm && bad && tc_stored(&a, &blk, cm, 1)))
		goto out_signer;

	/* Rejections first, on b's tip (height 0). */
	*bad = *cm;
	bad->present[0] = false;
	memset(bad->sigs[0], 0, SIG_LEN);
	CHECK(!cons_accept_block(b.l, err, sizeof(err), &set, &blk, bad));
	CHECK(strstr(err, "commit_power") != NULL);
	*bad = *cm;
	bad->sigs[0][5] ^= 1;
	CHECK(!cons_accept_block(b.l, err, sizeof(err), &set, &blk, bad));
	CHECK(strstr(err, "bad_signature") != NULL);
	*bad = *cm;
	bad->height = 2;
	CHECK(!cons_accept_block(b.l, err, sizeof(err), &set, &blk, bad));
	CHECK(strstr(err, "is not for block") != NULL);
	*bad = *cm;
	bad->block_id.b[0] ^= 1;
	CHECK(!cons_accept_block(b.l, err, sizeof(err), &set, &blk, bad));
	struct cons_valset other = set;
	other.power[0]++;
	CHECK(!cons_accept_block(b.l, err, sizeof(err), &other, &blk, cm));
	CHECK(strstr(err, "validator set") != NULL);
	other = set;
	tc_key(&rsk, &other.keys[0], 12); /* the proposer is not a member */
	CHECK(!cons_accept_block(b.l, err, sizeof(err), &other, &blk, cm));
	struct block tampered = blk;
	tampered.header.state_root.b[0] ^= 1; /* id changes too: the commit no longer matches */
	CHECK(!cons_accept_block(b.l, err, sizeof(err), &set, &tampered, cm));
	ledger_get_tip(b.l, &tip);
	CHECK(tip.height == 0);

	CHECK(cons_accept_block(b.l, err, sizeof(err), &set, &blk, cm));
	block_release(&blk);
	if (CHECK(tc_stored(&a, &blk, cm, 2))) {
		/* Block 2's last commit must verify: break it (and its hash). */
		struct block b2 = blk;
		b2.last_commit.sigs[0][0] ^= 1;
		CHECK(!cons_accept_block(b.l, err, sizeof(err), &set, &b2, cm));
		CHECK(strstr(err, "last commit") != NULL);
		CHECK(cons_accept_block(b.l, err, sizeof(err), &set, &blk, cm));
		block_release(&blk);
	}
	struct ledger_tip ta, tb;
	ledger_get_tip(a.l, &ta);
	ledger_get_tip(b.l, &tb);
	CHECK(tb.height == 2 && memcmp(ta.state_root.b, tb.state_root.b, 32) == 0);

	/* A signer that already signed at the next height moves to a new round. */
	struct vote v;
	memset(&v, 0, sizeof(v));
	v.type = VOTE_PRECOMMIT;
	v.height = 3;
	v.block_id = tc_hash(3);
	CHECK(cons_sign_vote(s, err, sizeof(err), &v, ledger_chain_id(a.l)));
	CHECK(cons_produce_block(a.l, &out, err, sizeof(err), a.mp, s, &set, 1700000002000));
	CHECK(out.height == 3 && out.round == 1);
	/* A key outside the set cannot produce. */
	struct cons_signer *s2;
	snprintf(spath, sizeof(spath), "%s/signer_state2", a.dir);
	s2 = cons_signer_open(err, sizeof(err), spath, &rsk);
	CHECK(s2 != NULL && !cons_produce_block(a.l, &out, err, sizeof(err), a.mp, s2, &set, 1));
	CHECK(strstr(err, "not in the active set") != NULL);
	cons_signer_close(s2);
	tx_release(&t1);
	tx_release(&t2);
out_signer:
	free(cm);
	free(bad);
	cons_signer_close(s);
out_nodes:
	tc_node_close(&a);
	tc_node_close(&b);
out_genesis:
	ledger_genesis_release(&g);
}

int main(void)
{
	static const struct unit_case cases[] = {
		UNIT_CASE(test_sign_allowed_table),
		UNIT_CASE(test_signer_file),
		UNIT_CASE(test_valset_vectors),
		UNIT_CASE(test_valset_basics),
		UNIT_CASE(test_produce_and_accept),
	};
	if (!crypto_init())
		return 1;
	int rc = unit_run(cases, UNIT_COUNT(cases));
	crypto_cleanup();
	return rc;
}
