/* Tests of the ledger as a chain: genesis (JSON, canonical hash, state
 * root), execution separate from commit, block checks, validation of a
 * proposal on a second node, restart, rebuild, and the internal pieces
 * (change set, cache, worker pool, signature cache). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ledger.h"
#include "crypto/bech32m.h"
#include "util/hex.h"

#define GTIME UINT64_C(1600000000000)
#define BAL UINT64_C(10000000000000)

/* ------------------------------------------------------------ genesis JSON */

static const char *const good_genesis =
	"{ \"chain\": \"regtest\", \"genesis_time\": 1600000000000,\n"
	"  \"params\": { \"block_reward\": 200000000, \"reward_era_blocks\": 150,\n"
	"              \"min_fee_per_byte\": 10, \"unbonding_ms\": 60000 },\n"
	"  \"balances\": [ { \"pubkey\": \"%s\", \"amount\": 1000 },\n"
	"                 { \"address\": \"%s\", \"amount\": 2000 } ],\n"
	"  \"validators\": [ { \"operator\": \"%s\", \"consensus_key\": \"%s\",\n"
	"                    \"moniker\": \"v\", \"commission\": 5, \"stake\": 300 } ] }";

/* good_genesis with keys 1, 2 (as an address), 0 and the consensus key. */
static void genesis_text(char *out, size_t cap)
{
	struct seckey sk;
	struct pubkey k0, k1, k2, ck;
	char h1[65], a2[ADDRESS_MAX_LEN], h0[65], hc[65];
	tl_key(&sk, &k0, 0);
	tl_key(&sk, &k1, 1);
	tl_key(&sk, &k2, 2);
	tl_key(&sk, &ck, 60000);
	hex_encode(h1, sizeof(h1), k1.b, 32);
	address_encode(a2, "rro", &k2);
	hex_encode(h0, sizeof(h0), k0.b, 32);
	hex_encode(hc, sizeof(hc), ck.b, 32);
	snprintf(out, cap, good_genesis, h1, a2, h0, hc);
}

static void test_genesis_parse(void)
{
	char text[4096], err[256];
	struct ledger_genesis g, g2;
	struct buf json = BUF_INIT;
	genesis_text(text, sizeof(text));
	if (!CHECK(ledger_genesis_parse(&g, err, sizeof(err), text, strlen(text)))) {
		unit_note("%s", err);
		return;
	}
	CHECK(strcmp(g.name, "regtest") == 0 && g.time == GTIME && g.nbalances == 2 &&
	      g.nvalidators == 1 && g.total == 3300 && g.params.unbonding_ms == 60000);
	CHECK(strncmp(g.chain_id.s, "regtest-", 8) == 0 && g.chain_id.len == 16);
	/* Sorted by key. */
	CHECK(memcmp(g.balances[0].key.b, g.balances[1].key.b, 32) < 0);
	/* Written back and read again: the same hash. */
	CHECK(ledger_genesis_to_json(&json, &g));
	CHECK(ledger_genesis_parse(&g2, err, sizeof(err), (const char *)json.data, json.len));
	CHECK(memcmp(g.hash.b, g2.hash.b, 32) == 0 && chain_id_eq(&g.chain_id, &g2.chain_id));
	ledger_genesis_release(&g2);
	buf_release(&json);
	ledger_genesis_release(&g);
}

/* The hash covers the canonical form: JSON layout and list order do not
 * matter; every value does. */
static void test_genesis_hash(void)
{
	char text[4096], err[256];
	struct ledger_genesis a, b;
	struct seckey sk;
	struct pubkey k1, k2;
	char h1[65], h2[65];
	struct buf enc = BUF_INIT;

	genesis_text(text, sizeof(text));
	CHECK(ledger_genesis_parse(&a, err, sizeof(err), text, strlen(text)));
	/* Same content, other order and spacing, keys as hex. */
	tl_key(&sk, &k1, 1);
	tl_key(&sk, &k2, 2);
	hex_encode(h1, sizeof(h1), k1.b, 32);
	hex_encode(h2, sizeof(h2), k2.b, 32);
	{
		char other[4096];
		const char *ops = strstr(text, "\"validators\"");
		snprintf(other, sizeof(other),
			 "{\"balances\":[{\"amount\":2000,\"pubkey\":\"%s\"},{\"pubkey\":\"%s\",\"amount\":1000}],"
			 "\"genesis_time\":1600000000000,\"chain\":\"regtest\","
			 "\"params\":{\"unbonding_ms\":60000,\"min_fee_per_byte\":10,"
			 "\"reward_era_blocks\":150,\"block_reward\":200000000},%s",
			 h2, h1, ops);
		CHECK(ledger_genesis_parse(&b, err, sizeof(err), other, strlen(other)));
		CHECK(memcmp(a.hash.b, b.hash.b, 32) == 0);
		ledger_genesis_release(&b);
	}
	/* One unit more anywhere: another hash and chain id. */
	a.balances[0].amount++;
	CHECK(ledger_genesis_finalize(&a, err, sizeof(err)));
	CHECK(ledger_genesis_parse(&b, err, sizeof(err), text, strlen(text)));
	CHECK(memcmp(a.hash.b, b.hash.b, 32) != 0 && !chain_id_eq(&a.chain_id, &b.chain_id));
	/* The canonical form starts with the version and the name. */
	CHECK(ledger_genesis_encode(&enc, &b) && enc.len > 9 && enc.data[0] == 1 &&
	      enc.data[1] == 7 && memcmp(enc.data + 2, "regtest", 7) == 0);
	buf_release(&enc);
	ledger_genesis_release(&a);
	ledger_genesis_release(&b);
}

/* Every rejection: one substitution in the good text each. */
static const struct {
	const char *name;
	const char *from, *to;
} genesis_rejects[] = {
	{ "not JSON", "{ \"chain\"", "{ chain" },
	{ "duplicate JSON key", "\"genesis_time\": 1600000000000,", "\"genesis_time\": 1, \"genesis_time\": 2," },
	{ "unknown field", "\"chain\": \"regtest\",", "\"chain\": \"regtest\", \"extra\": 1," },
	{ "unknown param", "\"unbonding_ms\": 60000", "\"unbonding_ms\": 60000, \"x\": 1" },
	{ "bad chain name", "\"chain\": \"regtest\"", "\"chain\": \"Regtest\"" },
	{ "long chain name", "\"chain\": \"regtest\"", "\"chain\": \"abcdefghijklmnopq\"" },
	{ "negative time", "1600000000000", "-1" },
	{ "time 2^62", "1600000000000", "4611686018427387904" },
	{ "era 0", "\"reward_era_blocks\": 150", "\"reward_era_blocks\": 0" },
	{ "fee 0", "\"min_fee_per_byte\": 10", "\"min_fee_per_byte\": 0" },
	{ "fee too high", "\"min_fee_per_byte\": 10", "\"min_fee_per_byte\": 1000001" },
	{ "unbonding 0", "\"unbonding_ms\": 60000", "\"unbonding_ms\": 0" },
	{ "reward above money", "\"block_reward\": 200000000", "\"block_reward\": 9007199254740992" },
	{ "missing params", "\"params\"", "\"paramz\"" },
	{ "amount 0", "\"amount\": 1000", "\"amount\": 0" },
	{ "amount string", "\"amount\": 1000", "\"amount\": \"1000\"" },
	{ "amount above money", "\"amount\": 1000", "\"amount\": 9007199254740992" },
	{ "above the cap", "\"amount\": 1000", "\"amount\": 9007139254738692" },
	{ "both key forms", "{ \"pubkey\":", "{ \"address\": \"x\", \"pubkey\":" },
	{ "bad address", "{ \"address\": \"rro1", "{ \"address\": \"tro1" },
	{ "bad hex key", "{ \"pubkey\": \"", "{ \"pubkey\": \"zz" },
	{ "stake 0", "\"stake\": 300", "\"stake\": 0" },
	{ "commission 10001", "\"commission\": 5", "\"commission\": 10001" },
	{ "empty moniker", "\"moniker\": \"v\"", "\"moniker\": \"\"" },
	{ "no validators", "\"validators\": [", "\"validators\": [], \"x\": [" },
	{ "validators missing", "\"validators\"", "\"validatorz\"" },
};

static bool substitute(char *out, size_t cap, const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	if (at == NULL)
		return false;
	return (size_t)snprintf(out, cap, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) < cap;
}

static void test_genesis_rejects(void)
{
	char text[4096], bad[4096], err[256];
	genesis_text(text, sizeof(text));
	for (size_t i = 0; i < sizeof(genesis_rejects) / sizeof(genesis_rejects[0]); i++) {
		struct ledger_genesis g;
		if (!CHECK(substitute(bad, sizeof(bad), text, genesis_rejects[i].from,
				      genesis_rejects[i].to))) {
			unit_note("case %s: no match", genesis_rejects[i].name);
			continue;
		}
		if (!CHECK(!ledger_genesis_parse(&g, err, sizeof(err), bad, strlen(bad))))
			unit_note("case %s accepted", genesis_rejects[i].name);
		else
			CHECK(g.balances == NULL && g.nbalances == 0 && err[0] != '\0');
	}
}

/* Built in memory: duplicates and the supply cap (main parameters). */
static void test_genesis_finalize_rejects(void)
{
	struct ledger_genesis g;
	char err[256];
	struct seckey sk;
	struct pubkey other;
	size_t small;
	memset(&g, 0, sizeof(g));
	strcpy(g.name, "main");
	g.params.block_reward = 200000000;
	g.params.reward_era_blocks = 10000000;
	g.params.min_fee_per_byte = 10;
	g.params.unbonding_ms = 1814400000;
	g.balances = calloc(2, sizeof(*g.balances));
	g.validators = calloc(2, sizeof(*g.validators));
	g.nbalances = 2;
	g.nvalidators = 1;
	tl_key(&sk, &g.balances[0].key, 1);
	tl_key(&sk, &g.balances[1].key, 2);
	tl_key(&sk, &g.validators[0].operator_key, 0);
	tl_key(&sk, &g.validators[0].consensus_key, 60000);
	g.validators[0].moniker_len = 1;
	g.validators[0].moniker[0] = 'v';
	g.validators[0].stake = 1;
	/* Exactly at the main limit 5,007,199,254,740,991. */
	g.balances[0].amount = 5007199254740991u - 2;
	g.balances[1].amount = 1;
	CHECK(ledger_genesis_finalize(&g, err, sizeof(err)));
	/* finalize sorted them: find the small one. */
	small = g.balances[0].amount == 1 ? 0 : 1;
	g.balances[small].amount = 2;
	CHECK(!ledger_genesis_finalize(&g, err, sizeof(err)) && strstr(err, "supply cap") != NULL);
	g.balances[small].amount = 1;
	other = g.balances[small].key;
	g.balances[small].key = g.balances[1 - small].key;
	CHECK(!ledger_genesis_finalize(&g, err, sizeof(err)) && strstr(err, "twice") != NULL);
	g.balances[small].key = other;
	g.nvalidators = 2;
	tl_key(&sk, &g.validators[1].operator_key, 3);
	g.validators[1].consensus_key = g.validators[0].consensus_key;
	g.validators[1].moniker_len = 1;
	g.validators[1].moniker[0] = 'w';
	g.validators[1].stake = 1;
	g.balances[0].amount = 1;
	CHECK(!ledger_genesis_finalize(&g, err, sizeof(err)) && strstr(err, "consensus key") != NULL);
	ledger_genesis_release(&g);
}

/* The known answer of doc/ledger.md ("Genesis"). */
static void test_genesis_vector(void)
{
	static const char text[] =
		"{\"chain\":\"testnet\",\"genesis_time\":1700000000000,"
		"\"params\":{\"block_reward\":200000000,\"reward_era_blocks\":10000000,"
		"\"min_fee_per_byte\":10,\"unbonding_ms\":86400000},"
		"\"balances\":["
		"{\"address\":\"tro1qccz8l9zpa47k6vz9gphftsrumpw80rjt3nhnefat4symjhrsnmjss90z8z\",\"amount\":50000000000},"
		"{\"address\":\"tro1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqq5ugez\",\"amount\":100000000000000}],"
		"\"validators\":[{\"operator\":\"tro1qlycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusm25me4\","
		"\"consensus_key\":\"e493dbf1c10d80f3581e4904930b1404cc6c13900ee0758474fa94abe8c4cd13\","
		"\"moniker\":\"genesis-1\",\"commission\":500,\"stake\":1000000000000}]}";
	struct ledger_genesis g;
	struct hash256 hash, root;
	char err[256], dir[256], path[300];
	struct db *db;
	if (!CHECK(ledger_genesis_parse(&g, err, sizeof(err), text, sizeof(text) - 1))) {
		unit_note("%s", err);
		return;
	}
	unit_unhex(hash.b, 32, "ca0733718a0b6cb473d89dd100620417522e1610137b7c245ffc83dd22dcb5d3");
	unit_unhex(root.b, 32, "1b228071a2eb4cd2f12476ef813d2e94cadba71119d7f554626753e65f089c5c");
	CHECK(memcmp(g.hash.b, hash.b, 32) == 0);
	CHECK(strcmp(g.chain_id.s, "testnet-ca073371") == 0);
	CHECK(tl_tmpdir(dir, sizeof(dir)));
	snprintf(path, sizeof(path), "%s/db", dir);
	db = db_open(err, sizeof(err), path, NULL);
	if (CHECK(db != NULL)) {
		struct ledger_error le;
		struct ledger *l = ledger_open(&le, db, &g, NULL);
		struct ledger_tip tip;
		if (CHECK(l != NULL)) {
			ledger_get_tip(l, &tip);
			CHECK(memcmp(tip.state_root.b, root.b, 32) == 0);
			CHECK(memcmp(tip.block_id.b, hash.b, 32) == 0 && tip.height == 0);
			ledger_close(l);
		}
		db_close(db);
	}
	tl_rmtree(dir);
	ledger_genesis_release(&g);
}

/* ------------------------------------------------------------ genesis state */

static void test_genesis_state(void)
{
	struct tl a, b;
	struct ledger_tip ta, tb;
	struct ledger_chain c;
	struct ledger_validator v;
	struct ledger_query *q;
	struct ledger_error err;
	bool found;
	uint64_t bond;
	if (!CHECK(tl_open(&a, "regtest", GTIME, 5, BAL, 1000, NULL)))
		return;
	if (!CHECK(tl_open(&b, "regtest", GTIME, 5, BAL, 1000, NULL))) {
		tl_close(&a);
		return;
	}
	ledger_get_tip(a.l, &ta);
	ledger_get_tip(b.l, &tb);
	CHECK(ta.height == 0 && ta.time == GTIME && memcmp(ta.block_id.b, a.g.hash.b, 32) == 0);
	CHECK(memcmp(ta.state_root.b, tb.state_root.b, 32) == 0);
	CHECK(tl_root_ok(&a));
	CHECK(chain_id_eq(ledger_chain_id(a.l), &a.g.chain_id));
	c = tl_chain(&a);
	CHECK(c.supply == 5 * BAL + 1000 && c.params.reward_era_blocks == 150);
	CHECK(tl_account(&a, 0).staked == 1000 && tl_account(&a, 0).balance == BAL);
	q = ledger_query_create(a.db);
	CHECK(ledger_q_validator(q, &found, &v, &err, &a.pk[0]) && found && v.self_stake == 1000 &&
	      v.total_bonded == 1000 && memcmp(v.consensus_key.b, a.val_ck.b, 32) == 0);
	CHECK(ledger_q_bond(q, &bond, &err, &a.pk[0], &a.pk[0]) && bond == 1000);
	ledger_query_destroy(q);
	tl_close(&a);
	tl_close(&b);
	/* Another genesis, another root. */
	if (CHECK(tl_open(&a, "regtest", GTIME, 5, BAL + 1, 1000, NULL))) {
		ledger_get_tip(a.l, &ta);
		CHECK(memcmp(ta.state_root.b, tb.state_root.b, 32) != 0);
		tl_close(&a);
	}
}

/* ------------------------------------------------------------ execution vs commit */

static struct tx simple_post(struct tl *t, size_t who, const char *body)
{
	struct tx tx;
	tl_tx(t, &tx, who, TX_POST);
	tx.u.post.body.p = (const uint8_t *)body;
	tx.u.post.body.len = strlen(body);
	if (!tl_sign(t, &tx, who))
		abort();
	return tx;
}

static void test_execute_writes_nothing(void)
{
	struct tl t;
	struct tx tx1, tx2;
	struct block b1, b2;
	struct ledger_exec *x1, *x2;
	struct ledger_error err;
	struct ledger_tip tip0, tip;
	struct commit c;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 4, BAL, 1000, NULL)))
		return;
	ledger_get_tip(t.l, &tip0);
	tx1 = simple_post(&t, 1, "one");
	t.nonce[1] = 0;
	tx2 = simple_post(&t, 1, "two");
	/* Two competing executions of height 1. */
	CHECK(tl_build(&t, &err, &b1, &x1, &tx1, 1));
	t.next_time = GTIME + 2000;
	CHECK(tl_build(&t, &err, &b2, &x2, &tx2, 1));
	CHECK(memcmp(b1.header.state_root.b, b2.header.state_root.b, 32) != 0);
	ledger_get_tip(t.l, &tip);
	CHECK(memcmp(&tip, &tip0, sizeof(tip)) == 0 && tl_account(&t, 1).nonce == 0);
	/* A block other than the executed one is refused. */
	tl_commit_for(&c, &b2);
	CHECK(!ledger_commit(t.l, &err, x1, &b2, &c) && err.code == LEDGER_ERR_BLOCK_MISMATCH);
	b1.header.state_root.b[0] ^= 1;
	CHECK(!ledger_commit(t.l, &err, x1, &b1, &c) && err.code == LEDGER_ERR_STATE_ROOT);
	b1.header.state_root.b[0] ^= 1;
	tl_commit_for(&c, &b1);
	CHECK(ledger_commit(t.l, &err, x1, &b1, &c));
	CHECK(tl_account(&t, 1).nonce == 1);
	/* The other execution is stale now. */
	CHECK(!ledger_commit(t.l, &err, x2, &b2, &c) && err.code == LEDGER_ERR_STALE);
	{
		struct ledger_receipt rc;
		struct hash256 root;
		CHECK(!ledger_exec_apply(x2, &rc, &err, &tx1) && err.code == LEDGER_ERR_STALE);
		CHECK(!ledger_exec_finish(x2, &root, &err) && err.code == LEDGER_ERR_STALE);
		/* A finished execution takes no more transactions. */
		CHECK(!ledger_exec_apply(x1, &rc, &err, &tx1) && err.code == LEDGER_ERR_STALE);
	}
	ledger_exec_destroy(x1);
	ledger_exec_destroy(x2);
	block_release(&b1);
	block_release(&b2);
	tx_release(&tx1);
	tx_release(&tx2);
	CHECK(tl_root_ok(&t));
	tl_close(&t);
}

static void test_finished_execution(void)
{
	struct tl t;
	struct ledger_exec *x;
	struct ledger_error err;
	struct ledger_receipt rc;
	struct hash256 root, root2;
	struct tx tx;
	struct ledger_tip tip;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 3, BAL, 1000, NULL)))
		return;
	tx = simple_post(&t, 1, "x");
	ledger_get_tip(t.l, &tip);
	CHECK(ledger_exec_begin(t.l, &x, &err, tip.time + 1, &t.val_ck));
	CHECK(ledger_exec_finish(x, &root, &err));
	CHECK(!ledger_exec_apply(x, &rc, &err, &tx) && err.code == LEDGER_ERR_FINISHED);
	CHECK(!ledger_exec_finish(x, &root2, &err) && err.code == LEDGER_ERR_FINISHED);
	ledger_exec_destroy(x);
	tx_release(&tx);
	tl_close(&t);
}

/* Block-level rejections of ledger_exec_begin and ledger_execute_block. */
static void test_block_checks(void)
{
	struct tl t;
	struct block b;
	struct ledger_exec *x, *y;
	struct ledger_error err;
	struct ledger_tip tip;
	struct pubkey stranger;
	struct seckey sk;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 3, BAL, 1000, NULL)))
		return;
	ledger_get_tip(t.l, &tip);
	tl_key(&sk, &stranger, 4242);
	CHECK(!ledger_exec_begin(t.l, &x, &err, LEDGER_TIME_MAX, &t.val_ck) &&
	      err.code == LEDGER_ERR_TIME_RANGE && x == NULL);
	CHECK(!ledger_exec_begin(t.l, &x, &err, tip.time, &t.val_ck) &&
	      err.code == LEDGER_ERR_BLOCK_TIME);
	CHECK(!ledger_exec_begin(t.l, &x, &err, tip.time + 1, &stranger) &&
	      err.code == LEDGER_ERR_UNKNOWN_PROPOSER);
	/* The operator key is not the consensus key. */
	CHECK(!ledger_exec_begin(t.l, &x, &err, tip.time + 1, &t.pk[0]) &&
	      err.code == LEDGER_ERR_UNKNOWN_PROPOSER);

	if (CHECK(tl_build(&t, &err, &b, &x, NULL, 0))) {
		struct block_header h = b.header;
		ledger_exec_destroy(x);
		CHECK(ledger_execute_block(t.l, &y, &err, &b));
		ledger_exec_destroy(y);
		chain_id_parse(&b.header.chain_id, "regtest-00000000");
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_BLOCK_CHAIN_ID);
		b.header = h;
		b.header.height = 2;
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_BLOCK_NOT_NEXT);
		b.header = h;
		b.header.prev_block.b[3] ^= 1;
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_BLOCK_PREV);
		b.header = h;
		b.header.tx_root.b[0] ^= 1;
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_PRIM &&
		      err.prim == PRIM_ERR_TX_ROOT);
		b.header = h;
		b.header.state_root.b[0] ^= 1;
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_STATE_ROOT);
		b.header = h;
		b.header.time = tip.time;
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_BLOCK_TIME);
		b.header = h;
		b.header.proposer = stranger;
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) &&
		      err.code == LEDGER_ERR_UNKNOWN_PROPOSER);
		/* A tx failing tx_check, and one for another chain. */
		b.header = h;
		free(b.txs); /* the empty block's */
		b.ntx = 1;
		b.txs = calloc(1, sizeof(*b.txs));
		tl_tx(&t, &b.txs[0], 1, TX_POST);
		b.txs[0].u.post.body.p = (const uint8_t *)"\xff";
		b.txs[0].u.post.body.len = 1;
		CHECK(tl_sign(&t, &b.txs[0], 1));
		block_compute_roots(&b.header.tx_root, NULL, NULL, &b);
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_PRIM &&
		      err.prim == PRIM_ERR_BODY_UTF8 && err.tx_index == 0);
		tx_release(&b.txs[0]);
		tl_tx(&t, &b.txs[0], 1, TX_POST);
		chain_id_parse(&b.txs[0].chain_id, "regtest-00000000");
		b.txs[0].u.post.body.p = (const uint8_t *)"x";
		b.txs[0].u.post.body.len = 1;
		CHECK(tl_sign(&t, &b.txs[0], 1));
		block_compute_roots(&b.header.tx_root, NULL, NULL, &b);
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_PRIM &&
		      err.prim == PRIM_ERR_TX_CHAIN_ID && err.tx_index == 0);
		/* The last commit must be for the previous height. */
		b.last_commit.height = 7;
		CHECK(!ledger_execute_block(t.l, &y, &err, &b) && err.code == LEDGER_ERR_PRIM &&
		      err.prim == PRIM_ERR_LAST_COMMIT_HEIGHT);
	}
	block_release(&b);
	tl_close(&t);
}

/* A proposal built on one node is validated and committed on another
 * (same genesis) through ledger_execute_block, and both agree. */
static void test_two_nodes(void)
{
	struct tl a, b;
	struct ledger_error err;
	bool ok = true;
	if (!CHECK(tl_open(&a, "regtest", GTIME, 6, BAL, 1000, NULL)))
		return;
	if (!CHECK(tl_open(&b, "regtest", GTIME, 6, BAL, 1000, NULL))) {
		tl_close(&a);
		return;
	}
	for (int h = 1; h <= 5 && ok; h++) {
		struct tx txs[4];
		struct block blk;
		struct ledger_exec *x, *y;
		struct commit c;
		struct buf raw = BUF_INIT;
		struct block decoded;
		enum prim_err pe;
		for (size_t i = 0; i < 4; i++) {
			tl_tx(&a, &txs[i], 1 + i, TX_FOLLOW);
			txs[i].u.follow.target = a.pk[(size_t)(1 + (i + (size_t)h) % 5)];
			CHECK(tl_sign(&a, &txs[i], 1 + i));
		}
		ok = CHECK(tl_build(&a, &err, &blk, &x, txs, 4));
		if (ok) {
			/* Over the wire: encode and decode. */
			CHECK(block_encode(&raw, &blk));
			ok = CHECK(block_decode(&decoded, raw.data, raw.len, &pe));
		}
		if (ok) {
			tl_commit_for(&c, &blk);
			ok = CHECK(ledger_execute_block(b.l, &y, &err, &decoded));
			if (!ok)
				unit_note("execute: %s", err.msg);
			ok = ok && CHECK(ledger_commit(b.l, &err, y, &decoded, &c)) &&
			     CHECK(ledger_commit(a.l, &err, x, &blk, &c));
			ledger_exec_destroy(y);
			block_release(&decoded);
		}
		ledger_exec_destroy(x);
		block_release(&blk);
		buf_release(&raw);
		for (size_t i = 0; i < 4; i++)
			tx_release(&txs[i]);
	}
	{
		struct ledger_tip ta, tb;
		ledger_get_tip(a.l, &ta);
		ledger_get_tip(b.l, &tb);
		CHECK(ta.height == 5 && memcmp(&ta, &tb, sizeof(ta)) == 0);
		CHECK(tl_root_ok(&a) && tl_root_ok(&b));
	}
	tl_close(&a);
	tl_close(&b);
}

/* ------------------------------------------------------------ restart, rebuild */

/* A few blocks of mixed transactions. */
static bool some_blocks(struct tl *t, int n)
{
	for (int h = 0; h < n; h++) {
		struct tx txs[3];
		bool ok;
		char body[32];
		snprintf(body, sizeof(body), "post %d", h);
		txs[0] = simple_post(t, 1 + (size_t)h % 3, body);
		tl_tx(t, &txs[1], 4, TX_FOLLOW);
		txs[1].u.follow.target = t->pk[1 + (size_t)h % 3];
		if (h >= 3) {
			txs[1].type = TX_VOTE;
			txs[1].u.vote.post = *tx_id(&txs[0]);
			txs[1].u.vote.weight = (int16_t)(100 * (h + 1));
		}
		if (!tl_sign(t, &txs[1], 4))
			abort();
		tl_tx(t, &txs[2], 5, TX_TRANSFER);
		txs[2].u.transfer.to = t->pk[(size_t)h % 6];
		txs[2].u.transfer.amount = 1000 + (uint64_t)h;
		if (!tl_sign(t, &txs[2], 5))
			abort();
		ok = tl_block(t, NULL, NULL, txs, 3);
		for (size_t i = 0; i < 3; i++)
			tx_release(&txs[i]);
		if (!CHECK(ok))
			return false;
	}
	return true;
}

static void test_restart(void)
{
	struct tl t;
	struct ledger_tip before, after;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 6, BAL, 1000, NULL)))
		return;
	CHECK(ledger_tip_height_shared(t.l) == 0);
	CHECK(some_blocks(&t, 8));
	ledger_get_tip(t.l, &before);
	CHECK(ledger_tip_height_shared(t.l) == 8);
	CHECK(tl_reopen(&t));
	ledger_get_tip(t.l, &after);
	CHECK(before.height == 8 && memcmp(&before, &after, sizeof(before)) == 0);
	CHECK(ledger_tip_height_shared(t.l) == 8); /* published at open */
	CHECK(tl_root_ok(&t));
	/* It goes on from there. */
	CHECK(some_blocks(&t, 2));
	ledger_get_tip(t.l, &after);
	CHECK(after.height == 10 && ledger_tip_height_shared(t.l) == 10);
	/* Reopening with another genesis is refused. */
	{
		struct ledger_error err;
		struct ledger *l2;
		struct ledger_genesis other = t.g;
		other.hash.b[0] ^= 1;
		l2 = ledger_open(&err, t.db, &other, &t.opt);
		CHECK(l2 == NULL && err.code == LEDGER_ERR_GENESIS_MISMATCH);
		/* Without a genesis the stored chain opens. */
		ledger_close(t.l);
		t.l = ledger_open(&err, t.db, NULL, &t.opt);
		CHECK(t.l != NULL);
	}
	tl_close(&t);
}

static void test_open_errors(void)
{
	struct tl t;
	struct ledger_error err;
	char e[DB_ERR_LEN];
	if (!CHECK(tl_open(&t, "regtest", GTIME, 3, BAL, 1000, NULL)))
		return;
	ledger_close(t.l);
	t.l = NULL;
	/* A database without a chain and no genesis. */
	{
		char dir[256], path[300];
		struct db *db;
		CHECK(tl_tmpdir(dir, sizeof(dir)));
		snprintf(path, sizeof(path), "%s/db", dir);
		db = db_open(e, sizeof(e), path, NULL);
		if (CHECK(db != NULL)) {
			CHECK(ledger_open(&err, db, NULL, NULL) == NULL && err.code == LEDGER_ERR_GENESIS);
			db_close(db);
		}
		tl_rmtree(dir);
	}
	/* A broken state hash. */
	{
		struct db_batch *b = db_batch_create();
		struct ledger_key k;
		uint8_t junk[LTHASH_BYTES] = { 1 };
		ledger_key_meta(&k, LEDGER_META_LTHASH);
		db_batch_put(b, k.b, k.len, junk, sizeof(junk));
		CHECK(db_write(t.db, e, sizeof(e), b, true));
		db_batch_destroy(b);
		CHECK(ledger_open(&err, t.db, &t.g, &t.opt) == NULL && err.code == LEDGER_ERR_CORRUPT);
	}
	tl_close(&t);
}

static void test_rebuild(void)
{
	struct tl t;
	struct ledger_tip before, after;
	struct ledger_error err;
	struct ledger_page p1, p2;
	struct ledger_query *q;
	uint64_t height;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 6, BAL, 1000, NULL)))
		return;
	CHECK(some_blocks(&t, 12));
	ledger_get_tip(t.l, &before);
	q = ledger_query_create(t.db);
	CHECK(ledger_q_history(q, &p1, &err, &t.pk[4], NULL, 50));
	ledger_query_destroy(q);
	ledger_close(t.l);
	t.l = NULL;

	CHECK(ledger_rebuild(&err, &height, t.db, &t.g, &t.opt) && height == 12);
	t.l = ledger_open(&err, t.db, &t.g, &t.opt);
	if (!CHECK(t.l != NULL)) {
		tl_close(&t);
		return;
	}
	ledger_get_tip(t.l, &after);
	CHECK(memcmp(&before, &after, sizeof(before)) == 0);
	CHECK(tl_root_ok(&t));
	q = ledger_query_create(t.db);
	CHECK(ledger_q_history(q, &p2, &err, &t.pk[4], NULL, 50));
	CHECK(p1.n == p2.n && p1.n == 14 && memcmp(p1.items, p2.items, p1.n * sizeof(p1.items[0])) == 0);
	ledger_query_destroy(q);

	/* An interrupted rebuild blocks opening until one completes. */
	ledger_close(t.l);
	t.l = NULL;
	{
		struct db_batch *b = db_batch_create();
		struct ledger_key k;
		char e[DB_ERR_LEN];
		ledger_key_meta(&k, LEDGER_META_REINDEX);
		db_batch_put(b, k.b, k.len, "1", 1);
		CHECK(db_write(t.db, e, sizeof(e), b, true));
		db_batch_destroy(b);
	}
	CHECK(ledger_open(&err, t.db, &t.g, &t.opt) == NULL && err.code == LEDGER_ERR_REINDEX);
	CHECK(ledger_rebuild(&err, &height, t.db, &t.g, &t.opt) && height == 12);
	t.l = ledger_open(&err, t.db, &t.g, &t.opt);
	CHECK(t.l != NULL);
	if (t.l != NULL) {
		ledger_get_tip(t.l, &after);
		CHECK(memcmp(&before, &after, sizeof(before)) == 0);
	}
	/* Another chain's genesis is refused. */
	if (t.l != NULL) {
		struct ledger_genesis other = t.g;
		ledger_close(t.l);
		t.l = NULL;
		other.hash.b[0] ^= 1;
		CHECK(!ledger_rebuild(&err, &height, t.db, &other, &t.opt) &&
		      err.code == LEDGER_ERR_GENESIS_MISMATCH);
		t.l = ledger_open(&err, t.db, &t.g, &t.opt);
	}
	tl_close(&t);
}

/* The results do not depend on the cache: none, tiny, large. */
static void test_cache_budgets(void)
{
	static const size_t budgets[] = { 0, 2048, (size_t)64 << 20 };
	struct hash256 roots[3];
	for (size_t i = 0; i < 3; i++) {
		struct tl t;
		struct ledger_tip tip;
		if (!CHECK(tl_open(&t, "regtest", GTIME, 6, BAL, 1000, NULL)))
			return;
		t.opt.cache_bytes = budgets[i];
		CHECK(tl_reopen(&t));
		CHECK(some_blocks(&t, 6));
		ledger_get_tip(t.l, &tip);
		roots[i] = tip.state_root;
		CHECK(tl_root_ok(&t));
		if (t.l->cache != NULL)
			CHECK(ledger_cache_bytes(t.l->cache) <= budgets[i]);
		else
			CHECK(budgets[i] == 0);
		tl_close(&t);
	}
	CHECK(memcmp(&roots[0], &roots[1], 32) == 0 && memcmp(&roots[0], &roots[2], 32) == 0);
}

/* ------------------------------------------------------------ internals */

static void test_cache_lru(void)
{
	struct ledger_cache *c = ledger_cache_create(4096, 1);
	bool present;
	const uint8_t *v;
	size_t n;
	char key[16];
	ledger_cache_put(c, (const uint8_t *)"a", 1, true, (const uint8_t *)"xyz", 3);
	ledger_cache_put(c, (const uint8_t *)"b", 1, false, NULL, 0);
	CHECK(ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"a", 1) && present && n == 3 &&
	      memcmp(v, "xyz", 3) == 0);
	CHECK(ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"b", 1) && !present);
	CHECK(!ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"c", 1));
	/* Replacing keeps one entry. */
	ledger_cache_put(c, (const uint8_t *)"a", 1, true, (const uint8_t *)"q", 1);
	CHECK(ledger_cache_count(c) == 2);
	/* Filling past the budget evicts the least recently used first. */
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ledger_cache_put(c, (const uint8_t *)key, strlen(key), true, (const uint8_t *)"v", 1);
		CHECK(ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"a", 1)); /* keep "a" hot */
		CHECK(ledger_cache_bytes(c) <= 4096);
	}
	CHECK(!ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"b", 1));
	CHECK(!ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"k0", 2));
	CHECK(ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"k199", 4));
	/* A value above an eighth of the budget is not kept. */
	{
		uint8_t big[1024] = { 0 };
		ledger_cache_put(c, (const uint8_t *)"big", 3, true, big, sizeof(big));
		CHECK(!ledger_cache_get(c, &present, &v, &n, (const uint8_t *)"big", 3));
	}
	ledger_cache_clear(c);
	CHECK(ledger_cache_count(c) == 0 && ledger_cache_bytes(c) == 0);
	ledger_cache_destroy(c);
}

static void test_overlay(void)
{
	struct ledger_overlay ov;
	struct ledger_ov_entry **ch, *e;
	size_t n;
	ledger_ov_init(&ov, 99);
	/* Many keys, inserted in reverse order, come out sorted. */
	for (int i = 999; i >= 0; i--) {
		uint8_t k[3] = { 0x02, (uint8_t)(i >> 8), (uint8_t)i };
		e = ledger_ov_add(&ov, k, 3, false, NULL, 0);
		if (i % 2 == 0)
			ledger_ov_set(e, true, k, 3);
	}
	/* Unchanged: written back to its committed value. */
	e = ledger_ov_add(&ov, (const uint8_t *)"\x03z", 2, true, (const uint8_t *)"v", 1);
	ledger_ov_set(e, true, (const uint8_t *)"v", 1);
	CHECK(!ledger_ov_changed(e));
	ledger_ov_set(e, false, NULL, 0);
	CHECK(ledger_ov_changed(e));
	/* A shorter key sorts first. */
	ledger_ov_set(ledger_ov_add(&ov, (const uint8_t *)"\x02", 1, false, NULL, 0), true, NULL, 0);
	CHECK(ledger_ov_find(&ov, (const uint8_t *)"\x02\x00\x02", 3) != NULL);
	CHECK(ledger_ov_find(&ov, (const uint8_t *)"\x02\x09\x02", 3) == NULL);
	ledger_ov_sorted_changes(&ov, &ch, &n);
	CHECK(n == 500 + 2);
	CHECK(ch[0]->klen == 1 && ch[n - 1]->key[0] == 0x03);
	for (size_t i = 1; i + 1 < n; i++)
		CHECK(memcmp(ch[i]->key, ch[i + 1]->key, 3) < 0);
	free(ch);
	ledger_ov_release(&ov);
}

struct sum_ctx {
	uint64_t per_worker[64];
	uint8_t seen[10000];
};

static void sum_item(void *ctx, size_t i, unsigned w)
{
	struct sum_ctx *s = ctx;
	s->per_worker[w] += i;
	s->seen[i]++;
}

static void test_pool(void)
{
	struct ledger_pool *p = ledger_pool_create(3);
	static struct sum_ctx s;
	uint64_t total = 0;
	if (!CHECK(p != NULL))
		return;
	CHECK(ledger_pool_size(p) == 3);
	for (int round = 0; round < 20; round++) {
		memset(&s, 0, sizeof(s));
		ledger_pool_run(p, sum_item, &s, 10000);
		total = 0;
		for (int i = 0; i < 64; i++)
			total += s.per_worker[i];
		CHECK(total == 9999u * 10000u / 2);
		for (int i = 0; i < 10000; i++)
			if (s.seen[i] != 1)
				CHECK(s.seen[i] == 1);
	}
	ledger_pool_run(p, sum_item, &s, 0);
	ledger_pool_destroy(p);
	p = ledger_pool_create(1);
	memset(&s, 0, sizeof(s));
	ledger_pool_run(p, sum_item, &s, 100);
	CHECK(s.per_worker[0] == 4950);
	ledger_pool_destroy(p);
}

/* Cancelling a started job: the items before the returned one ran once
 * each, the rest never. */
static void test_pool_cancel(void)
{
	struct ledger_pool *p = ledger_pool_create(2);
	static struct sum_ctx s;
	if (!CHECK(p != NULL))
		return;
	for (int round = 0; round < 20; round++) {
		size_t first, wrong = 0;
		memset(&s, 0, sizeof(s));
		ledger_pool_start(p, sum_item, &s, 10000);
		/* The caller may take an item too (none is left when the
		 * worker was quicker: that is fine). */
		if (round % 2)
			(void)ledger_pool_help(p);
		first = ledger_pool_cancel(p);
		CHECK(first <= 10000);
		for (size_t i = 0; i < 10000; i++)
			wrong += s.seen[i] != (i < first ? 1 : 0);
		CHECK(wrong == 0);
	}
	/* A job whose items were all claimed. */
	memset(&s, 0, sizeof(s));
	ledger_pool_start(p, sum_item, &s, 3);
	while (ledger_pool_help(p))
		;
	CHECK(ledger_pool_cancel(p) == 3);
	CHECK(s.seen[0] == 1 && s.seen[1] == 1 && s.seen[2] == 1);
	ledger_pool_destroy(p);
}

/* ledger_commit_prefetch: the next block's transactions are checked into
 * the signature cache during a commit, so its execution verifies them not
 * again; a badly signed transaction in the hint is never cached, and the
 * hint is for one commit only. With complete, every hinted transaction is
 * checked by the time the commit returns; without, those no worker started
 * before the write ended are left (how many depends on timing), and the
 * next execution checks exactly those. */
static void prefetch_case(bool complete)
{
	struct tl a, b;
	struct ledger_error err;
	struct tx txs[2][3], hint[4];
	struct block blk[2];
	struct ledger_exec *x[2] = { NULL, NULL }, *y = NULL;
	struct commit c[2];
	enum prim_err pe;
	uint64_t hits0, misses0, hits1, misses1;
	size_t cached = 0;
	bool ok;
	memset(blk, 0, sizeof(blk));
	if (!CHECK(tl_open(&a, "regtest", GTIME, 6, BAL, 1000, NULL)))
		return;
	if (!CHECK(tl_open(&b, "regtest", GTIME, 6, BAL, 1000, NULL))) {
		tl_close(&a);
		return;
	}
	for (size_t h = 0; h < 2; h++)
		for (size_t i = 0; i < 3; i++) {
			tl_tx(&a, &txs[h][i], 1 + i, TX_FOLLOW);
			txs[h][i].nonce = h;
			txs[h][i].u.follow.target = a.pk[4 + h];
			CHECK(tl_sign(&a, &txs[h][i], 1 + i));
		}
	ok = CHECK(tl_build(&a, &err, &blk[0], &x[0], txs[0], 3));
	tl_commit_for(&c[0], &blk[0]);
	ok = ok && CHECK(ledger_commit(a.l, &err, x[0], &blk[0], &c[0]));
	ok = ok && CHECK(tl_build(&a, &err, &blk[1], &x[1], txs[1], 3));
	if (ok) {
		/* The hint: block 2's transactions and a forged one. */
		for (size_t i = 0; i < 3; i++)
			CHECK(tx_copy(&hint[i], &blk[1].txs[i]));
		CHECK(tx_copy(&hint[3], &blk[1].txs[0]));
		hint[3].sig[10] ^= 1;
		CHECK(tx_seal(&hint[3], &pe));
		ok = CHECK(ledger_execute_block(b.l, &y, &err, &blk[0]));
		ledger_commit_prefetch(b.l, hint, 4, complete);
		ok = ok && CHECK(ledger_commit(b.l, &err, y, &blk[0], &c[0]));
		ledger_exec_destroy(y);
		y = NULL;
		for (size_t i = 0; i < 3; i++)
			cached += ledger_sigcache_has(b.l->sigcache, &blk[1].txs[i]);
		CHECK(!complete || cached == 3);
		CHECK(!ledger_sigcache_has(b.l->sigcache, &hint[3]));
		ledger_sigcache_stats(b.l, &hits0, &misses0);
		tl_commit_for(&c[1], &blk[1]);
		ok = ok && CHECK(ledger_execute_block(b.l, &y, &err, &blk[1]));
		ledger_sigcache_stats(b.l, &hits1, &misses1);
		CHECK(hits1 == hits0 + cached && misses1 == misses0 + (3 - cached));
		/* The hint went with the first commit: this one checks nothing
		 * more (hint[3] would be a miss, and is not cached after). */
		ok = ok && CHECK(ledger_commit(b.l, &err, y, &blk[1], &c[1]));
		ledger_sigcache_stats(b.l, &hits0, &misses0);
		CHECK(misses0 == misses1 && hits0 == hits1);
		CHECK(!ledger_sigcache_has(b.l->sigcache, &hint[3]));
		for (size_t i = 0; i < 4; i++)
			tx_release(&hint[i]);
		block_release(&blk[1]);
	}
	ledger_exec_destroy(y);
	ledger_exec_destroy(x[0]);
	ledger_exec_destroy(x[1]);
	block_release(&blk[0]);
	for (size_t h = 0; h < 2; h++)
		for (size_t i = 0; i < 3; i++)
			tx_release(&txs[h][i]);
	tl_close(&a);
	tl_close(&b);
}

static void test_commit_prefetch(void)
{
	prefetch_case(true);
	prefetch_case(false);
}

/* ledger_sigcache_trust enters a transaction unchecked: a badly signed
 * one then passes the checks that consult the cache. */
static void test_sigcache_trust(void)
{
	struct tl t;
	struct tx tx, forged;
	struct ledger_error err;
	enum prim_err pe;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 3, BAL, 1000, NULL)))
		return;
	tx = simple_post(&t, 1, "trusted");
	CHECK(tx_copy(&forged, &tx));
	forged.sig[5] ^= 1;
	CHECK(tx_seal(&forged, &pe));
	CHECK(!ledger_check_tx(t.l, &err, &forged, 0, BAL) &&
	      err.prim == PRIM_ERR_BAD_SIGNATURE);
	ledger_sigcache_trust(t.l, &forged);
	CHECK(ledger_sigcache_has(t.l->sigcache, &forged));
	CHECK(ledger_check_tx(t.l, &err, &forged, 0, BAL));
	tx_release(&tx);
	tx_release(&forged);
	tl_close(&t);
}

static bool keycache_yes(void *ctx, const struct pubkey *k)
{
	(void)ctx;
	(void)k;
	return true;
}

/* The cache of valid keys answers as key_pubkey_valid: invalid keys (off
 * the curve, above the field, zero) are never entered, a valid one is
 * entered once checked, a verified sender is entered without a parse; and
 * the transactions' key checks go through it. */
static void test_keycache(void)
{
	static const char *const bad[] = {
		"eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34",
		"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30",
		"0000000000000000000000000000000000000000000000000000000000000000",
	};
	struct ledger_keycache *c = ledger_keycache_create(100, 42);
	struct tl t;
	struct pubkey k;
	struct tx tx;
	enum prim_err pe;
	if (!CHECK(c != NULL))
		return;
	CHECK(ledger_keycache_create(0, 42) == NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(unit_unhex(k.b, sizeof(k.b), bad[i]) == PUBKEY_LEN);
		CHECK(!ledger_keycache_has(c, &k)); /* an empty slot is no hit */
		CHECK(!ledger_keycache_valid(c, &k) && !ledger_keycache_has(c, &k));
		CHECK(!ledger_keycache_valid(NULL, &k));
	}
	if (!CHECK(tl_open(&t, "regtest", GTIME, 4, BAL, 1000, NULL))) {
		ledger_keycache_destroy(c);
		return;
	}
	CHECK(!ledger_keycache_has(c, &t.pk[1]));
	CHECK(ledger_keycache_valid(c, &t.pk[1]) && ledger_keycache_has(c, &t.pk[1]));
	CHECK(ledger_keycache_valid(NULL, &t.pk[1]));
	struct pubkey_parsed parsed, got;
	CHECK(key_pubkey_parse(&parsed, &t.pk[2]));
	ledger_keycache_note(c, &t.pk[2], &parsed);
	CHECK(ledger_keycache_has(c, &t.pk[2]));
	CHECK(ledger_keycache_get(c, &t.pk[2], &got) && memcmp(&got, &parsed, sizeof(got)) == 0);
	CHECK(!ledger_keycache_get(c, &t.pk[3], &got));
	CHECK(ledger_keycache_parse(c, &t.pk[3], &got) && ledger_keycache_has(c, &t.pk[3]));
	CHECK(ledger_keycache_parse(NULL, &t.pk[3], &parsed) && memcmp(&got, &parsed, sizeof(got)) == 0);
	CHECK(!ledger_keycache_parse(c, &k, &got)); /* the last off-curve key */
	ledger_keycache_destroy(c);
	/* Through the ledger: a checked transfer enters its recipient and,
	 * once its signature verified, its sender; an off-curve recipient is
	 * refused every time. */
	tl_tx(&t, &tx, 1, TX_TRANSFER);
	tx.u.transfer.to = t.pk[3];
	tx.u.transfer.amount = 5;
	if (CHECK(tl_sign(&t, &tx, 1))) {
		struct ledger_error err;
		CHECK(!ledger_keycache_has(t.l->keycache, &t.pk[3]));
		CHECK(ledger_check_tx(t.l, &err, &tx, 0, BAL));
		CHECK(ledger_keycache_has(t.l->keycache, &t.pk[3]));
		CHECK(ledger_keycache_has(t.l->keycache, &t.pk[1]));
	}
	tx_release(&tx);
	tl_tx(&t, &tx, 2, TX_TRANSFER);
	CHECK(unit_unhex(tx.u.transfer.to.b, PUBKEY_LEN, bad[0]) == PUBKEY_LEN);
	tx.u.transfer.amount = 5;
	if (CHECK(tl_sign(&t, &tx, 2))) {
		struct ledger_error err;
		for (int round = 0; round < 2; round++)
			CHECK(!ledger_check_tx(t.l, &err, &tx, 0, BAL) &&
			      err.code == LEDGER_ERR_PRIM && err.prim == PRIM_ERR_TO_KEY);
		CHECK(!ledger_keycache_has(t.l->keycache, &tx.u.transfer.to));
		/* The hook is what judges: a judge that passes every key
		 * passes this one, the default judge does not. */
		CHECK(!tx_check_payload_with(&tx, &pe, NULL, NULL) && pe == PRIM_ERR_TO_KEY);
		CHECK(tx_check_payload_with(&tx, &pe, keycache_yes, NULL));
	}
	tx_release(&tx);
	/* The sender's key: an off-curve one is refused as such and never
	 * enters the cache; a valid one under a bad signature is a bad
	 * signature. */
	tl_tx(&t, &tx, 2, TX_TRANSFER);
	tx.u.transfer.to = t.pk[3];
	tx.u.transfer.amount = 5;
	if (CHECK(tl_sign(&t, &tx, 2))) {
		struct ledger_error err;
		struct tx forged;
		if (CHECK(tx_copy(&forged, &tx))) {
			CHECK(unit_unhex(forged.sender.b, PUBKEY_LEN, bad[0]) == PUBKEY_LEN);
			CHECK(!ledger_check_tx(t.l, &err, &forged, 0, BAL) &&
			      err.code == LEDGER_ERR_PRIM && err.prim == PRIM_ERR_SENDER_KEY);
			CHECK(!ledger_keycache_has(t.l->keycache, &forged.sender));
			tx_release(&forged);
		}
		tx.sig[3] ^= 1;
		CHECK(!ledger_check_tx(t.l, &err, &tx, 0, BAL) &&
		      err.code == LEDGER_ERR_PRIM && err.prim == PRIM_ERR_BAD_SIGNATURE);
	}
	tx_release(&tx);
	tl_close(&t);
}

static void test_sigcache(void)
{
	struct tl t;
	struct tx tx, forged;
	struct ledger_error err;
	enum prim_err pe;
	if (!CHECK(tl_open(&t, "regtest", GTIME, 3, BAL, 1000, NULL)))
		return;
	tx = simple_post(&t, 1, "cached");
	CHECK(!ledger_sigcache_has(t.l->sigcache, &tx));
	CHECK(ledger_check_tx(t.l, &err, &tx, 0, BAL));
	CHECK(ledger_sigcache_has(t.l->sigcache, &tx));
	/* Another signature over the same message is another entry. */
	CHECK(tx_copy(&forged, &tx));
	forged.sig[63] ^= 1;
	CHECK(tx_seal(&forged, &pe));
	CHECK(!ledger_sigcache_has(t.l->sigcache, &forged));
	CHECK(!ledger_verify_sig(t.l, &forged));
	CHECK(!ledger_sigcache_has(t.l->sigcache, &forged));
	/* The mempool's view of an account. */
	{
		uint64_t nonce, bal;
		CHECK(ledger_account_at_tip(t.l, &nonce, &bal, &err, &t.pk[1]) && nonce == 0 &&
		      bal == BAL);
		/* Pending transactions move the expected nonce and balance. */
		CHECK(!ledger_check_tx(t.l, &err, &tx, 1, BAL) &&
		      err.code == LEDGER_ERR_NONCE_TOO_LOW);
		CHECK(!ledger_check_tx(t.l, &err, &tx, 0, 99999) &&
		      err.code == LEDGER_ERR_FEE_EXCEEDS_BALANCE);
	}
	tx_release(&tx);
	tx_release(&forged);
	tl_close(&t);
}

static void test_names(void)
{
	struct ledger_error e;
	CHECK(strcmp(ledger_code_name(0), "ok") == 0);
	CHECK(strcmp(ledger_code_name(200), "reputation_limit") == 0);
	CHECK(strcmp(ledger_code_str(103), "the jail period is not over") == 0);
	CHECK(ledger_code_name(2) == NULL && ledger_code_str(999) == NULL);
	CHECK(strcmp(ledger_err_name(LEDGER_ERR_FEE_TOO_LOW), "fee_too_low") == 0);
	CHECK(strcmp(ledger_err_name(LEDGER_ERR_COUNT_), "?") == 0);
	ledger_fail_prim(&e, PRIM_ERR_BODY_UTF8);
	CHECK(strcmp(ledger_error_name(&e), "body_utf8") == 0);
	/* No ledger name collides with a primitives name. */
	for (int i = 0; i < LEDGER_ERR_COUNT_; i++)
		CHECK(prim_err_from_name(ledger_err_name((enum ledger_err)i)) == PRIM_ERR_COUNT_ ||
		      i == LEDGER_ERR_OK);
}

const struct unit_case tl_chain_cases[] = {
	UNIT_CASE(test_genesis_parse),
	UNIT_CASE(test_genesis_hash),
	UNIT_CASE(test_genesis_rejects),
	UNIT_CASE(test_genesis_finalize_rejects),
	UNIT_CASE(test_genesis_vector),
	UNIT_CASE(test_genesis_state),
	UNIT_CASE(test_execute_writes_nothing),
	UNIT_CASE(test_finished_execution),
	UNIT_CASE(test_block_checks),
	UNIT_CASE(test_two_nodes),
	UNIT_CASE(test_restart),
	UNIT_CASE(test_open_errors),
	UNIT_CASE(test_rebuild),
	UNIT_CASE(test_cache_budgets),
	UNIT_CASE(test_cache_lru),
	UNIT_CASE(test_overlay),
	UNIT_CASE(test_pool),
	UNIT_CASE(test_pool_cancel),
	UNIT_CASE(test_commit_prefetch),
	UNIT_CASE(test_sigcache_trust),
	UNIT_CASE(test_keycache),
	UNIT_CASE(test_sigcache),
	UNIT_CASE(test_names),
};
const size_t tl_chain_ncases = UNIT_COUNT(tl_chain_cases);
