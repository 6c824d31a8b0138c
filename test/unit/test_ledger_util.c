/* Helpers shared by the ledger tests (test_ledger.h): temporary folders,
 * deterministic keys, a test chain, transaction builders and blocks built
 * and committed the way a proposer does. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "test_ledger.h"
#include "util/file.h"

/* ------------------------------------------------------------ files */

void tl_rmtree(const char *dir)
{
	file_remove_tree(dir);
}

bool tl_tmpdir(char *out, size_t cap)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(out, cap, "%s/rostra-ledger-XXXXXX", base && *base ? base : "/tmp");
	return n > 0 && (size_t)n < cap && mkdtemp(out) != NULL;
}

/* ------------------------------------------------------------ keys */

void tl_key(struct seckey *sk, struct pubkey *pk, size_t i)
{
	uint8_t seed[24];
	memcpy(seed, "rostra-ledger-test-key", 22);
	seed[22] = (uint8_t)(i >> 8);
	seed[23] = (uint8_t)i;
	uint8_t m[32];
	sha256(m, seed, sizeof(seed));
	/* Fold in the high bits of i too. */
	m[0] ^= (uint8_t)(i >> 16);
	memcpy(sk->b, m, 32);
	if (!key_pubkey(pk, sk))
		abort();
}

/* ------------------------------------------------------------ chain */

static bool open_db(struct tl *t, struct ledger_error *err)
{
	char e[DB_ERR_LEN];
	t->db = db_open(e, sizeof(e), t->path, NULL);
	if (t->db == NULL) {
		unit_note("db_open: %s", e);
		return false;
	}
	t->l = ledger_open(err, t->db, &t->g, &t->opt);
	if (t->l == NULL) {
		unit_note("ledger_open: %s", err->msg);
		db_close(t->db);
		t->db = NULL;
		return false;
	}
	return true;
}

bool tl_genesis(struct tl *t, const char *network, uint64_t gtime, size_t nkeys, uint64_t balance,
		uint64_t stake, const struct ledger_params *params)
{
	char e[256];
	size_t nb = 0;

	memset(t, 0, sizeof(*t));
	if (nkeys > TL_MAX_KEYS)
		return false;
	t->nkeys = nkeys;
	t->step = 1000;
	for (size_t i = 0; i < nkeys; i++)
		tl_key(&t->sk[i], &t->pk[i], i);
	tl_key(&t->val_cksk, &t->val_ck, 60000);

	snprintf(t->g.name, sizeof(t->g.name), "%s", network);
	t->g.time = gtime;
	if (params != NULL) {
		t->g.params = *params;
	} else {
		t->g.params.block_reward = 200000000;
		t->g.params.reward_era_blocks = 150;
		t->g.params.min_fee_per_byte = 10;
		t->g.params.unbonding_ms = 60000;
	}
	t->g.balances = calloc(nkeys ? nkeys : 1, sizeof(*t->g.balances));
	t->g.validators = calloc(1, sizeof(*t->g.validators));
	for (size_t i = 0; i < nkeys && balance > 0; i++) {
		t->g.balances[nb].key = t->pk[i];
		t->g.balances[nb].amount = balance;
		nb++;
	}
	t->g.nbalances = nb;
	t->g.nvalidators = 1;
	t->g.validators[0].operator_key = t->pk[0];
	t->g.validators[0].consensus_key = t->val_ck;
	memcpy(t->g.validators[0].moniker, "val", 3);
	t->g.validators[0].moniker_len = 3;
	t->g.validators[0].stake = stake;
	if (!ledger_genesis_finalize(&t->g, e, sizeof(e))) {
		unit_note("genesis: %s", e);
		return false;
	}
	ledger_options_init(&t->opt);
	t->opt.cache_bytes = (size_t)4 << 20;
	t->opt.threads = 2;
	return true;
}

bool tl_open(struct tl *t, const char *network, uint64_t gtime, size_t nkeys, uint64_t balance,
	     uint64_t stake, const struct ledger_params *params)
{
	struct ledger_error err;
	if (!tl_genesis(t, network, gtime, nkeys, balance, stake, params))
		return false;
	if (!tl_tmpdir(t->dir, sizeof(t->dir)))
		return false;
	snprintf(t->path, sizeof(t->path), "%s/db", t->dir);
	return open_db(t, &err);
}

bool tl_open_at(struct tl *t, const char *path)
{
	struct ledger_error err;
	snprintf(t->path, sizeof(t->path), "%s", path);
	return open_db(t, &err);
}

void tl_close(struct tl *t)
{
	ledger_close(t->l);
	db_close(t->db);
	t->l = NULL;
	t->db = NULL;
	ledger_genesis_release(&t->g);
	if (t->dir[0])
		tl_rmtree(t->dir);
	t->dir[0] = '\0';
}

bool tl_reopen(struct tl *t)
{
	struct ledger_error err;
	ledger_close(t->l);
	db_close(t->db);
	t->l = NULL;
	t->db = NULL;
	return open_db(t, &err);
}

/* ------------------------------------------------------------ transactions */

void tl_tx(struct tl *t, struct tx *tx, size_t who, uint8_t type)
{
	tx_init(tx);
	tx->chain_id = *ledger_chain_id(t->l);
	tx->type = type;
	tx->sender = t->pk[who];
	tx->nonce = t->nonce[who];
	tx->fee = t->fee ? t->fee : 100000;
}

bool tl_sign(struct tl *t, struct tx *tx, size_t who)
{
	uint8_t aux[32] = { 0 };
	enum prim_err e;
	if (!tx_sign(tx, &t->sk[who], aux, &e)) {
		unit_note("tx_sign: %s", prim_err_name(e));
		return false;
	}
	if (tx->nonce >= t->nonce[who])
		t->nonce[who] = tx->nonce + 1;
	return true;
}

bool tl_sign_minfee(struct tl *t, struct tx *tx, size_t who)
{
	/* The fee's varint length changes the size: iterate to the fixpoint. */
	for (int round = 0; round < 4; round++) {
		uint64_t min;
		if (!tl_sign(t, tx, who))
			return false;
		min = ledger_min_fee(ledger_params(t->l), tx->raw_len);
		if (tx->fee == min)
			return true;
		tx->fee = min;
	}
	return false;
}

/* ------------------------------------------------------------ blocks */

void tl_commit_for(struct commit *c, const struct block *b)
{
	memset(c, 0, sizeof(*c));
	c->height = b->header.height;
	block_header_id(&c->block_id, &b->header);
	c->n = 1;
	c->present[0] = true;
	memset(c->sigs[0], 0x11, SIG_LEN);
}

bool tl_build(struct tl *t, struct ledger_error *err, struct block *b, struct ledger_exec **x,
	      const struct tx *txs, size_t n)
{
	struct ledger_tip tip;
	struct ledger_receipt rc;
	struct hash256 root;
	uint64_t time;

	block_init(b);
	*x = NULL;
	ledger_get_tip(t->l, &tip);
	time = t->next_time ? t->next_time : tip.time + t->step;
	t->next_time = 0;
	if (!ledger_exec_begin(t->l, x, err, time, &t->val_ck))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ledger_exec_apply(*x, &rc, err, &txs[i])) {
			ledger_exec_destroy(*x);
			*x = NULL;
			return false;
		}
	}
	if (!ledger_exec_finish(*x, &root, err)) {
		ledger_exec_destroy(*x);
		*x = NULL;
		return false;
	}
	b->header.version = BLOCK_VERSION;
	b->header.chain_id = *ledger_chain_id(t->l);
	b->header.height = tip.height + 1;
	b->header.time = time;
	b->header.prev_block = tip.block_id;
	b->header.state_root = root;
	b->header.proposer = t->val_ck;
	b->ntx = n;
	b->txs = calloc(n ? n : 1, sizeof(*b->txs));
	for (size_t i = 0; i < n; i++)
		if (!tx_copy(&b->txs[i], &txs[i]))
			abort();
	if (b->header.height == 1) {
		commit_init_empty(&b->last_commit);
	} else {
		memset(&b->last_commit, 0, sizeof(b->last_commit));
		b->last_commit.height = tip.height;
		b->last_commit.block_id = tip.block_id;
		b->last_commit.n = 1;
		b->last_commit.present[0] = true;
		memset(b->last_commit.sigs[0], 0x11, SIG_LEN);
	}
	block_compute_roots(&b->header.tx_root, &b->header.evidence_root,
			    &b->header.last_commit_hash, b);
	return true;
}

bool tl_block(struct tl *t, struct ledger_error *err, uint16_t *codes, const struct tx *txs,
	      size_t n)
{
	struct ledger_error e;
	struct block b;
	struct ledger_exec *x;
	struct commit c;
	bool ok;

	if (err == NULL)
		err = &e;
	if (!tl_build(t, err, &b, &x, txs, n)) {
		block_release(&b);
		return false;
	}
	if (codes != NULL) {
		size_t nr;
		const struct ledger_receipt *rc = ledger_exec_receipts(x, &nr);
		for (size_t i = 0; i < nr; i++)
			codes[i] = rc[i].code;
	}
	tl_commit_for(&c, &b);
	ok = ledger_commit(t->l, err, x, &b, &c);
	if (!ok)
		unit_note("commit: %s", err->msg);
	ledger_exec_destroy(x);
	block_release(&b);
	return ok;
}

int tl_one(struct tl *t, struct ledger_error *err, struct tx *tx)
{
	uint16_t code = 0;
	bool ok = tl_block(t, err, &code, tx, 1);
	tx_release(tx);
	return ok ? code : -1;
}

/* ------------------------------------------------------------ reads */

struct ledger_account tl_account_pk(struct tl *t, const struct pubkey *pk)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_account a;
	struct ledger_error err;
	ledger_account_default(&a);
	CHECK(q != NULL && ledger_q_account(q, &a, &err, pk));
	ledger_query_destroy(q);
	return a;
}

struct ledger_account tl_account(struct tl *t, size_t who)
{
	return tl_account_pk(t, &t->pk[who]);
}

struct ledger_chain tl_chain(struct tl *t)
{
	struct ledger_query *q = ledger_query_create(t->db);
	struct ledger_chain c;
	struct ledger_error err;
	memset(&c, 0, sizeof(c));
	CHECK(q != NULL && ledger_q_chain(q, &c, &err));
	ledger_query_destroy(q);
	return c;
}

bool tl_root_ok(struct tl *t)
{
	struct lthash h;
	struct ledger_error err;
	struct ledger_tip tip;
	uint8_t root[32];
	if (!ledger_state_hash_scratch(&h, &err, t->db, NULL))
		return false;
	lthash_root(root, &h);
	ledger_get_tip(t->l, &tip);
	return memcmp(root, tip.state_root.b, 32) == 0;
}

