/* The mempool wired to the real ledger (mempool_ledger.h), with no test
 * double: a ledger on LevelDB in a temporary folder, the mempool's chain
 * callbacks from mempool_chain_from_ledger, blocks built from the mempool,
 * validated with ledger_execute_block and committed with ledger_commit.
 *
 * Covered: the wiring itself; the mapping of every ledger rejection (name,
 * code, punishable); each basic-check rejection as the ledger gives it and
 * as mempool_add reports it; admission from funded accounts; blocks built
 * from the mempool and re-validation after them (included transactions
 * removed, later nonces kept, a nonce used by a conflicting block dropped,
 * a run cut where the new balance no longer pays); several nonces per
 * sender across two blocks; save, reopen the ledger, load and re-check
 * against the real tip; the signature adapter, and that a block does not
 * verify again a signature the mempool verified (ledger_sigcache_stats). */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "ledger/genesis.h"
#include "ledger/ledger.h"
#include "mempool/mempool.h"
#include "mempool/mempool_ledger.h"
#include "store/db.h"
#include "unit.h"
#include "util/clock.h"
#include "util/file.h"

/* ------------------------------------------------------------ fixture */

/* Accounts: 0 is the validator's operator; 1..5 hold ML_BALANCE, 6 holds
 * ML_POOR, 7 has no record. */
#define ML_KEYS 8
#define ML_RICH_FIRST 1
#define ML_RICH_LAST 5
#define ML_POOR_KEY 6
#define ML_EMPTY_KEY 7
#define ML_CK_KEY 100 /* seed of the validator's consensus key */

#define ML_BALANCE UINT64_C(1000000000)
#define ML_POOR UINT64_C(5000)
#define ML_STAKE UINT64_C(100000000)
#define ML_FEE UINT64_C(100000)
#define ML_GENESIS_MS UINT64_C(1700000000000)
#define ML_CLOCK_MS INT64_C(1700000100000)
#define ML_BLOCK_STEP_MS 1000
#define ML_MAX_BLOCK 64

struct ml {
	char dir[256];
	char dbpath[300];
	char file[300];
	struct seckey sk[ML_KEYS];
	struct pubkey pk[ML_KEYS];
	struct seckey cksk;
	struct pubkey ck;
	struct ledger_genesis g;
	struct db *db;
	struct ledger *l;
	struct clock clock;
	struct mempool *mp;
};

static void ml_key(struct seckey *sk, struct pubkey *pk, size_t i)
{
	uint8_t seed[24] = "rostra-mempool-ledger";
	seed[22] = (uint8_t)(i >> 8);
	seed[23] = (uint8_t)i;
	sha256(sk->b, seed, sizeof(seed));
	if (!key_pubkey(pk, sk))
		abort();
}

static bool ml_genesis(struct ml *f)
{
	struct ledger_genesis *g = &f->g;
	char err[256];

	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "regtest");
	g->time = ML_GENESIS_MS;
	g->params.block_reward = 200000000;
	g->params.reward_era_blocks = 150;
	g->params.min_fee_per_byte = 10;
	g->params.unbonding_ms = 60000;
	g->balances = calloc(ML_KEYS, sizeof(*g->balances));
	g->validators = calloc(1, sizeof(*g->validators));
	if (g->balances == NULL || g->validators == NULL)
		abort();
	for (size_t i = 0; i < ML_EMPTY_KEY; i++) {
		g->balances[i].key = f->pk[i];
		g->balances[i].amount = i == ML_POOR_KEY ? ML_POOR : ML_BALANCE;
	}
	g->nbalances = ML_EMPTY_KEY;
	g->nvalidators = 1;
	g->validators[0].operator_key = f->pk[0];
	g->validators[0].consensus_key = f->ck;
	memcpy(g->validators[0].moniker, "val", 3);
	g->validators[0].moniker_len = 3;
	g->validators[0].stake = ML_STAKE;
	if (!ledger_genesis_finalize(g, err, sizeof(err))) {
		unit_note("genesis: %s", err);
		return false;
	}
	return true;
}

static bool ml_open_ledger(struct ml *f)
{
	struct ledger_options opt;
	struct ledger_error lerr;
	char err[DB_ERR_LEN];

	f->db = db_open(err, sizeof(err), f->dbpath, NULL);
	if (f->db == NULL) {
		unit_note("db_open: %s", err);
		return false;
	}
	ledger_options_init(&opt);
	opt.cache_bytes = (size_t)4 << 20;
	opt.threads = 2;
	f->l = ledger_open(&lerr, f->db, &f->g, &opt);
	if (f->l == NULL) {
		unit_note("ledger_open: %s", lerr.msg);
		db_close(f->db);
		f->db = NULL;
		return false;
	}
	return true;
}

static void ml_close_ledger(struct ml *f)
{
	ledger_close(f->l);
	db_close(f->db);
	f->l = NULL;
	f->db = NULL;
}

/* A mempool with the default options on f's ledger. */
static bool ml_pool(struct ml *f)
{
	struct mempool_options o;
	struct mempool_chain c;
	char err[128];

	mempool_options_default(&o);
	mempool_chain_from_ledger(&c, f->l);
	f->mp = mempool_create(err, sizeof(err), &o, &c, &f->clock);
	if (f->mp == NULL)
		unit_note("mempool_create: %s", err);
	return f->mp != NULL;
}

static bool ml_open(struct ml *f)
{
	const char *base = getenv("TMPDIR");
	int n;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < ML_KEYS; i++)
		ml_key(&f->sk[i], &f->pk[i], i);
	ml_key(&f->cksk, &f->ck, ML_CK_KEY);
	n = snprintf(f->dir, sizeof(f->dir), "%s/rostra-mpl-XXXXXX", base && *base ? base : "/tmp");
	if (!CHECK(n > 0 && (size_t)n < sizeof(f->dir) && mkdtemp(f->dir) != NULL))
		return false;
	snprintf(f->dbpath, sizeof(f->dbpath), "%s/db", f->dir);
	snprintf(f->file, sizeof(f->file), "%s/%s", f->dir, MEMPOOL_FILE_NAME);
	clock_init(&f->clock);
	clock_set_mock_ms(&f->clock, ML_CLOCK_MS);
	return CHECK(ml_genesis(f)) && CHECK(ml_open_ledger(f)) && CHECK(ml_pool(f));
}

static void ml_close(struct ml *f)
{
	mempool_destroy(f->mp);
	f->mp = NULL;
	ml_close_ledger(f);
	ledger_genesis_release(&f->g);
	if (f->dir[0] != '\0')
		CHECK(file_remove_tree(f->dir));
	f->dir[0] = '\0';
}

/* ------------------------------------------------------------ transactions */

enum ml_flaw {
	ML_GOOD,
	ML_BAD_SIG,     /* signature corrupted after signing */
	ML_WRONG_CHAIN, /* signed for another chain id */
	ML_BAD_TO,      /* recipient is not a valid key: tx_check fails */
};

/* A transfer of `amount` (0: 1 unit) from `from` to account 0. */
struct ml_spec {
	size_t from;
	uint64_t nonce;
	uint64_t fee;
	uint64_t amount;
	enum ml_flaw flaw;
};

/* Out: out, sealed (tx_release). Aborts on failure (test set-up). */
static void ml_make(struct ml *f, struct tx *out, const struct ml_spec *s)
{
	static const uint8_t aux[32];
	struct hash256 other;
	enum prim_err e;

	tx_init(out);
	out->chain_id = *ledger_chain_id(f->l);
	if (s->flaw == ML_WRONG_CHAIN) {
		memset(other.b, 0x01, sizeof(other.b));
		if (!chain_id_make(&out->chain_id, "regtest", &other))
			abort();
	}
	out->type = TX_TRANSFER;
	out->sender = f->pk[s->from];
	out->nonce = s->nonce;
	out->fee = s->fee;
	out->u.transfer.to = f->pk[0];
	if (s->flaw == ML_BAD_TO)
		memset(out->u.transfer.to.b, 0xff, PUBKEY_LEN); /* x >= p */
	out->u.transfer.amount = s->amount ? s->amount : 1;
	if (!tx_sign(out, &f->sk[s->from], aux, &e)) {
		fprintf(stderr, "tx_sign: %s\n", prim_err_name(e));
		abort();
	}
	if (s->flaw == ML_BAD_SIG) {
		out->sig[0] ^= 1;
		if (!tx_seal(out, &e))
			abort();
	}
}

static void ml_tx(struct ml *f, struct tx *out, size_t from, uint64_t nonce, uint64_t fee)
{
	struct ml_spec s = { from, nonce, fee, 0, ML_GOOD };
	ml_make(f, out, &s);
}

/* mempool_add of a new transfer; returns the code. */
static enum mempool_err ml_add(struct ml *f, size_t from, uint64_t nonce, uint64_t fee)
{
	struct mempool_reject why;
	struct tx tx;
	enum mempool_err rc;

	ml_tx(f, &tx, from, nonce, fee);
	rc = mempool_add(f->mp, &why, NULL, &tx);
	if (rc != MEMPOOL_OK)
		unit_note("mempool_add %zu/%llu: %s: %s", from, (unsigned long long)nonce, why.name,
			  why.msg);
	tx_release(&tx);
	return rc;
}

static bool ml_pending(struct ml *f, const struct tx *tx)
{
	return mempool_get(f->mp, NULL, tx_id(tx)) != NULL;
}

/* The committed nonce and balance of account i, through the adapter. */
static bool ml_account(struct ml *f, uint64_t *nonce, uint64_t *balance, size_t i)
{
	struct mempool_chain c;
	mempool_chain_from_ledger(&c, f->l);
	return c.account(c.ctx, nonce, balance, &f->pk[i]);
}

/* ------------------------------------------------------------ blocks */

/* The last commit a block at the height after tip carries. */
static void ml_last_commit(struct commit *c, const struct ledger_tip *tip)
{
	if (tip->height == 0) {
		commit_init_empty(c);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->height = tip->height;
	c->block_id = tip->block_id;
	c->n = 1;
	c->present[0] = true;
	memset(c->sigs[0], 0x11, SIG_LEN);
}

/* What a proposer does: execute txs[0..n) to learn the state root, then
 * assemble the block. Out: b (block_release), err. */
static bool ml_propose(struct ml *f, struct ledger_error *err, struct block *b,
		       const struct tx *const *txs, size_t n)
{
	struct ledger_exec *x = NULL;
	struct ledger_receipt rc;
	struct ledger_tip tip;
	struct hash256 root;
	bool ok;

	block_init(b);
	ledger_get_tip(f->l, &tip);
	ok = ledger_exec_begin(f->l, &x, err, tip.time + ML_BLOCK_STEP_MS, &f->ck);
	for (size_t i = 0; ok && i < n; i++)
		ok = ledger_exec_apply(x, &rc, err, txs[i]) && rc.code == LEDGER_CODE_OK;
	ok = ok && ledger_exec_finish(x, &root, err);
	ledger_exec_destroy(x);
	if (!ok)
		return false;
	b->header.version = BLOCK_VERSION;
	b->header.chain_id = *ledger_chain_id(f->l);
	b->header.height = tip.height + 1;
	b->header.time = tip.time + ML_BLOCK_STEP_MS;
	b->header.prev_block = tip.block_id;
	b->header.state_root = root;
	b->header.proposer = f->ck;
	b->ntx = n;
	b->txs = calloc(n ? n : 1, sizeof(*b->txs));
	if (b->txs == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!tx_copy(&b->txs[i], txs[i]))
			abort();
	ml_last_commit(&b->last_commit, &tip);
	block_compute_roots(&b->header.tx_root, &b->header.evidence_root,
			    &b->header.last_commit_hash, b);
	return true;
}

/* Propose a block of txs[0..n), then validate it as a peer does
 * (ledger_execute_block) and commit that execution. Returns false (with a
 * note) if anything fails; nothing is committed then. */
static bool ml_block(struct ml *f, const struct tx *const *txs, size_t n)
{
	struct ledger_error err;
	struct ledger_exec *x = NULL;
	struct block b;
	struct commit c;
	size_t nrc = 0;
	bool ok;

	ledger_error_clear(&err);
	ok = ml_propose(f, &err, &b, txs, n) && ledger_execute_block(f->l, &x, &err, &b);
	if (ok) {
		ledger_exec_receipts(x, &nrc);
		memset(&c, 0, sizeof(c));
		c.height = b.header.height;
		block_header_id(&c.block_id, &b.header);
		c.n = 1;
		c.present[0] = true;
		memset(c.sigs[0], 0x11, SIG_LEN);
		ok = nrc == n && ledger_commit(f->l, &err, x, &b, &c);
	}
	if (!ok)
		unit_note("block: %s: %s", ledger_error_name(&err), err.msg);
	ledger_exec_destroy(x);
	block_release(&b);
	return ok;
}

/* A block of the transactions txs[0..n) (owned by the caller). */
static bool ml_block_of(struct ml *f, const struct tx *txs, size_t n)
{
	const struct tx *p[ML_MAX_BLOCK];
	if (n > ML_MAX_BLOCK)
		abort();
	for (size_t i = 0; i < n; i++)
		p[i] = &txs[i];
	return ml_block(f, p, n);
}

/* Build a block of at most cap transactions from the mempool, commit it
 * (not yet re-validating). Out: got[0..*n) copies of the block's txs
 * (tx_release each), when got is not NULL. */
static bool ml_block_from_pool(struct ml *f, struct tx *got, size_t *n, size_t cap)
{
	const struct tx *out[ML_MAX_BLOCK];
	bool ok;

	*n = 0;
	if (cap > ML_MAX_BLOCK)
		abort();
	if (!CHECK(mempool_build(f->mp, out, n, cap, BLOCK_MAX_SIZE / 2)))
		return false;
	for (size_t i = 0; got != NULL && i < *n; i++)
		if (!tx_copy(&got[i], out[i]))
			abort();
	ok = ml_block(f, out, *n);
	return ok;
}

static void ml_release_all(struct tx *txs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tx_release(&txs[i]);
}

/* ------------------------------------------------------------ cases */

/* mempool_chain_from_ledger fills every member from the ledger, and the
 * account callback reads the committed tip. */
static void test_wiring(void)
{
	static const struct {
		size_t key;
		uint64_t nonce, balance;
	} rows[] = {
		{ ML_RICH_FIRST, 0, ML_BALANCE },
		{ ML_POOR_KEY, 0, ML_POOR },
		{ ML_EMPTY_KEY, 0, 0 },
	};
	struct mempool_chain c;
	struct ml f;
	struct tx tx;
	uint64_t nonce = 7, balance = 7;

	if (!ml_open(&f))
		return;
	memset(&c, 0xa5, sizeof(c));
	mempool_chain_from_ledger(&c, f.l);
	CHECK(c.ctx == f.l);
	CHECK(chain_id_eq(&c.chain_id, ledger_chain_id(f.l)));
	CHECK(c.min_fee_per_byte == ledger_params(f.l)->min_fee_per_byte);
	CHECK(c.min_fee_per_byte == 10);
	CHECK(c.account != NULL && c.check != NULL && c.verify_sig != NULL);
	for (size_t i = 0; i < UNIT_COUNT(rows); i++) {
		CHECK(c.account(c.ctx, &nonce, &balance, &f.pk[rows[i].key]));
		CHECK(nonce == rows[i].nonce && balance == rows[i].balance);
	}
	/* After a committed block the callback reads the new tip. */
	ml_tx(&f, &tx, ML_RICH_FIRST, 0, ML_FEE);
	CHECK(ml_block_of(&f, &tx, 1));
	tx_release(&tx);
	CHECK(c.account(c.ctx, &nonce, &balance, &f.pk[ML_RICH_FIRST]));
	CHECK(nonce == 1 && balance == ML_BALANCE - ML_FEE - 1);
	ml_close(&f);
}

/* Every ledger error maps to a name, a mempool code and a punishable flag;
 * only a malformed transaction, a bad signature and a wrong chain punish. */
static void test_reject_map(void)
{
	static const struct {
		enum ledger_err code;
		enum prim_err prim;
		enum mempool_err want;
		bool punishable;
		const char *name;
	} rows[] = {
		{ LEDGER_ERR_OK, PRIM_ERR_OK, MEMPOOL_OK, false, "ok" },
		{ LEDGER_ERR_PRIM, PRIM_ERR_BAD_SIGNATURE, MEMPOOL_ERR_BAD_SIGNATURE, true,
		  "bad_signature" },
		{ LEDGER_ERR_PRIM, PRIM_ERR_TO_KEY, MEMPOOL_ERR_INVALID, true, "to_key" },
		{ LEDGER_ERR_PRIM, PRIM_ERR_BODY_UTF8, MEMPOOL_ERR_INVALID, true, "body_utf8" },
		{ LEDGER_ERR_PRIM, PRIM_ERR_TRUNCATED, MEMPOOL_ERR_INVALID, true, "truncated" },
		/* A newer node may know the type: not the peer's fault. */
		{ LEDGER_ERR_PRIM, PRIM_ERR_UNKNOWN_TYPE, MEMPOOL_ERR_INVALID, false,
		  "unknown_type" },
		{ LEDGER_ERR_WRONG_CHAIN, PRIM_ERR_OK, MEMPOOL_ERR_WRONG_CHAIN, true, "wrong_chain" },
		{ LEDGER_ERR_FEE_TOO_LOW, PRIM_ERR_OK, MEMPOOL_ERR_FEE_TOO_LOW, false, "fee_too_low" },
		{ LEDGER_ERR_NONCE_TOO_LOW, PRIM_ERR_OK, MEMPOOL_ERR_NONCE_TOO_LOW, false,
		  "nonce_too_low" },
		{ LEDGER_ERR_NONCE_TOO_HIGH, PRIM_ERR_OK, MEMPOOL_ERR_NONCE_TOO_HIGH, false,
		  "nonce_too_high" },
		{ LEDGER_ERR_FEE_EXCEEDS_BALANCE, PRIM_ERR_OK, MEMPOOL_ERR_CHAIN, false,
		  "fee_exceeds_balance" },
		{ LEDGER_ERR_IO, PRIM_ERR_OK, MEMPOOL_ERR_STATE, false, "io" },
		{ LEDGER_ERR_CORRUPT, PRIM_ERR_OK, MEMPOOL_ERR_STATE, false, "corrupt" },
		{ LEDGER_ERR_STALE, PRIM_ERR_OK, MEMPOOL_ERR_CHAIN, false, "stale" },
		{ LEDGER_ERR_STATE_ROOT, PRIM_ERR_OK, MEMPOOL_ERR_CHAIN, false, "state_root" },
	};
	struct ledger_error e;
	struct mempool_reject why;

	for (size_t i = 0; i < UNIT_COUNT(rows); i++) {
		ledger_error_clear(&e);
		e.code = rows[i].code;
		e.prim = rows[i].prim;
		snprintf(e.msg, sizeof(e.msg), "message %zu", i);
		memset(&why, 0x5a, sizeof(why));
		mempool_reject_from_ledger(&why, &e);
		if (!CHECK(why.code == rows[i].want && why.punishable == rows[i].punishable &&
			   strcmp(why.name, rows[i].name) == 0 && strcmp(why.msg, e.msg) == 0))
			unit_note("row %zu: %s", i, why.name);
		CHECK(mempool_ledger_punishable(&e) == rows[i].punishable);
	}
	/* Every code the ledger has: its own name; only wrong_chain punishes. */
	for (int code = 0; code < LEDGER_ERR_COUNT_; code++) {
		if (code == LEDGER_ERR_PRIM)
			continue;
		ledger_error_clear(&e);
		e.code = (enum ledger_err)code;
		mempool_reject_from_ledger(&why, &e);
		CHECK(strcmp(why.name, ledger_err_name(e.code)) == 0);
		CHECK(why.punishable == (code == LEDGER_ERR_WRONG_CHAIN));
		/* An empty message: the code's generic one. */
		CHECK(strcmp(why.msg, ledger_err_str(e.code)) == 0);
	}
	/* The ledger's longest message is cut to the mempool's. */
	ledger_error_clear(&e);
	e.code = LEDGER_ERR_NONCE_TOO_LOW;
	memset(e.msg, 'x', sizeof(e.msg) - 1);
	e.msg[sizeof(e.msg) - 1] = '\0';
	mempool_reject_from_ledger(&why, &e);
	CHECK(strlen(why.msg) == MEMPOOL_MSG_LEN - 1 && why.msg[0] == 'x');
}

/* The check callback runs the real ledger's basic checks: each rejection
 * with the ledger's name and the right punishable flag. */
static void test_check_rejects(void)
{
	static const struct {
		struct ml_spec spec;
		uint64_t expected_nonce, available;
		const char *name; /* NULL: passes */
		bool punishable;
	} rows[] = {
		{ { 1, 0, ML_FEE, 0, ML_GOOD }, 0, ML_BALANCE, NULL, false },
		{ { 1, 0, ML_FEE, 0, ML_GOOD }, 0, ML_FEE, NULL, false },
		{ { 1, 0, ML_FEE, 0, ML_BAD_TO }, 0, ML_BALANCE, "to_key", true },
		{ { 1, 0, ML_FEE, 0, ML_WRONG_CHAIN }, 0, ML_BALANCE, "wrong_chain", true },
		{ { 1, 0, 1, 0, ML_GOOD }, 0, ML_BALANCE, "fee_too_low", false },
		{ { 1, 0, ML_FEE, 0, ML_BAD_SIG }, 0, ML_BALANCE, "bad_signature", true },
		{ { 1, 0, ML_FEE, 0, ML_GOOD }, 1, ML_BALANCE, "nonce_too_low", false },
		{ { 1, 2, ML_FEE, 0, ML_GOOD }, 1, ML_BALANCE, "nonce_too_high", false },
		{ { 1, 0, ML_FEE, 0, ML_GOOD }, 0, ML_FEE - 1, "fee_exceeds_balance", false },
		{ { 7, 0, ML_FEE, 0, ML_GOOD }, 0, 0, "fee_exceeds_balance", false },
	};
	struct mempool_chain c;
	struct mempool_reject why;
	struct ml f;

	if (!ml_open(&f))
		return;
	mempool_chain_from_ledger(&c, f.l);
	for (size_t i = 0; i < UNIT_COUNT(rows); i++) {
		struct tx tx;
		bool ok;

		ml_make(&f, &tx, &rows[i].spec);
		memset(&why, 0, sizeof(why));
		ok = c.check(c.ctx, &why, &tx, rows[i].expected_nonce, rows[i].available);
		if (rows[i].name == NULL) {
			CHECK(ok);
		} else if (!CHECK(!ok && strcmp(why.name, rows[i].name) == 0 &&
				  why.punishable == rows[i].punishable && why.msg[0] != '\0')) {
			unit_note("row %zu: %s (%s)", i, why.name, why.msg);
		}
		tx_release(&tx);
	}
	ml_close(&f);
}

/* Valid transactions from funded accounts are admitted, several nonces
 * each, and pendingnonce follows them. */
static void test_admit_funded(void)
{
	struct ml f;
	uint64_t nonce;

	if (!ml_open(&f))
		return;
	for (size_t k = ML_RICH_FIRST; k <= ML_RICH_LAST; k++)
		for (uint64_t n = 0; n < 3; n++)
			CHECK(ml_add(&f, k, n, ML_FEE + 10 * k + n) == MEMPOOL_OK);
	/* The poor account can pay one minimum-ish fee. */
	CHECK(ml_add(&f, ML_POOR_KEY, 0, ML_POOR) == MEMPOOL_OK);
	CHECK(mempool_count(f.mp) == 3 * (ML_RICH_LAST - ML_RICH_FIRST + 1) + 1);
	for (size_t k = ML_RICH_FIRST; k <= ML_RICH_LAST; k++)
		CHECK(mempool_pending_nonce(f.mp, &nonce, &f.pk[k]) && nonce == 3);
	CHECK(mempool_pending_nonce(f.mp, &nonce, &f.pk[ML_POOR_KEY]) && nonce == 1);
	CHECK(mempool_pending_nonce(f.mp, &nonce, &f.pk[ML_EMPTY_KEY]) && nonce == 0);
	ml_close(&f);
}

/* Through mempool_add, after a committed block: each basic-check rejection
 * against the real tip, with its name, code and punishable flag, and the
 * mempool unchanged by each. */
static void test_add_rejects(void)
{
	static const struct {
		struct ml_spec spec;
		enum mempool_err code;
		const char *name;
		bool punishable;
	} rows[] = {
		/* Account 1's nonce 0 is in the committed block. */
		{ { 1, 0, ML_FEE, 0, ML_GOOD }, MEMPOOL_ERR_NONCE_TOO_LOW, "nonce_too_low", false },
		{ { 1, 2, ML_FEE, 0, ML_GOOD }, MEMPOOL_ERR_NONCE_TOO_HIGH, "nonce_too_high", false },
		{ { 6, 1, 3000, 0, ML_GOOD }, MEMPOOL_ERR_CHAIN, "fee_exceeds_balance", false },
		{ { 6, 0, 6000, 0, ML_GOOD }, MEMPOOL_ERR_CHAIN, "fee_exceeds_balance", false },
		{ { 7, 0, ML_FEE, 0, ML_GOOD }, MEMPOOL_ERR_CHAIN, "fee_exceeds_balance", false },
		{ { 2, 0, ML_FEE, 0, ML_WRONG_CHAIN }, MEMPOOL_ERR_WRONG_CHAIN, "wrong_chain", true },
		{ { 2, 0, ML_FEE, 0, ML_BAD_SIG }, MEMPOOL_ERR_BAD_SIGNATURE, "bad_signature", true },
		{ { 2, 0, ML_FEE, 0, ML_BAD_TO }, MEMPOOL_ERR_INVALID, "to_key", true },
		{ { 2, 0, 1, 0, ML_GOOD }, MEMPOOL_ERR_FEE_TOO_LOW, "fee_too_low", false },
	};
	struct mempool_reject why;
	struct ml f;
	struct tx tx;

	if (!ml_open(&f))
		return;
	ml_tx(&f, &tx, 1, 0, ML_FEE);
	CHECK(ml_block_of(&f, &tx, 1));
	tx_release(&tx);
	CHECK(mempool_revalidate(f.mp) == 0);
	/* Account 6 (balance 5000) has 3000 pending: 2000 left for nonce 1. */
	CHECK(ml_add(&f, ML_POOR_KEY, 0, 3000) == MEMPOOL_OK);
	for (size_t i = 0; i < UNIT_COUNT(rows); i++) {
		ml_make(&f, &tx, &rows[i].spec);
		memset(&why, 0, sizeof(why));
		if (!CHECK(mempool_add(f.mp, &why, NULL, &tx) == rows[i].code &&
			   why.code == rows[i].code && strcmp(why.name, rows[i].name) == 0 &&
			   why.punishable == rows[i].punishable && why.msg[0] != '\0'))
			unit_note("row %zu: %s (%s)", i, why.name, why.msg);
		CHECK(!ml_pending(&f, &tx) && mempool_count(f.mp) == 1);
		tx_release(&tx);
	}
	/* The next nonce of account 1 and 2000 of account 6 go in. */
	CHECK(ml_add(&f, 1, 1, ML_FEE) == MEMPOOL_OK);
	CHECK(ml_add(&f, ML_POOR_KEY, 1, 2000) == MEMPOOL_OK);
	CHECK(mempool_count(f.mp) == 3);
	ml_close(&f);
}

/* Each sender's transactions in out[0..n) have consecutive nonces from
 * the sender's committed nonce before the block (no gap). */
static bool ml_no_gap(struct ml *f, const struct tx *txs, size_t n, const uint64_t *before)
{
	uint64_t next[ML_KEYS];

	memcpy(next, before, sizeof(next));
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < ML_KEYS && memcmp(f->pk[k].b, txs[i].sender.b, PUBKEY_LEN) != 0)
			k++;
		if (k == ML_KEYS || txs[i].nonce != next[k])
			return false;
		next[k]++;
	}
	return true;
}

/* Four senders with three nonces each, across two blocks built from the
 * mempool: the block validates and commits; re-validation removes exactly
 * the included transactions and keeps the later nonces, each sender's run
 * starting at its new committed nonce. */
static void test_build_two_blocks(void)
{
	enum { SENDERS = 4, NONCES = 3, FIRST_CAP = 6 };
	struct tx got[ML_MAX_BLOCK];
	uint64_t before[ML_KEYS] = { 0 }, nonce, balance, fees[ML_KEYS] = { 0 };
	size_t n = 0, total = 0;
	struct ml f;

	if (!ml_open(&f))
		return;
	for (size_t k = 1; k <= SENDERS; k++)
		for (uint64_t i = 0; i < NONCES; i++) {
			/* A later nonce may pay more: it still waits its turn. */
			uint64_t fee = ML_FEE + 1000 * k + (i == 2 ? 50000 : 0);
			CHECK(ml_add(&f, k, i, fee) == MEMPOOL_OK);
			fees[k] += fee;
		}
	/* An empty block first: re-validation keeps everything. */
	CHECK(ml_block(&f, NULL, 0));
	CHECK(mempool_revalidate(f.mp) == 0 && mempool_count(f.mp) == SENDERS * NONCES);

	for (int round = 0; round < 2; round++) {
		size_t cap = round == 0 ? FIRST_CAP : ML_MAX_BLOCK;
		if (!CHECK(ml_block_from_pool(&f, got, &n, cap)))
			break;
		CHECK(n == (round == 0 ? (size_t)FIRST_CAP : (size_t)(SENDERS * NONCES - FIRST_CAP)));
		CHECK(ml_no_gap(&f, got, n, before));
		CHECK(mempool_revalidate(f.mp) == n);
		total += n;
		CHECK(mempool_count(f.mp) == SENDERS * NONCES - total);
		for (size_t i = 0; i < n; i++)
			CHECK(!ml_pending(&f, &got[i]));
		for (size_t k = 1; k <= SENDERS; k++) {
			const struct tx *run[NONCES];
			size_t m = mempool_account_txs(f.mp, run, NONCES, &f.pk[k]);
			CHECK(ml_account(&f, &nonce, &balance, k));
			CHECK(nonce + m == NONCES);
			CHECK(m == 0 || run[0]->nonce == nonce);
			CHECK(mempool_pending_nonce(f.mp, &nonce, &f.pk[k]) && nonce == NONCES);
			CHECK(ml_account(&f, &before[k], &balance, k));
		}
		ml_release_all(got, n);
	}
	CHECK(mempool_count(f.mp) == 0 && total == SENDERS * NONCES);
	for (size_t k = 1; k <= SENDERS; k++) {
		CHECK(ml_account(&f, &nonce, &balance, k));
		CHECK(nonce == NONCES && balance == ML_BALANCE - fees[k] - NONCES);
	}
	ml_close(&f);
}

/* A block that is not the mempool's uses account 1's nonce 0 with another
 * transaction, and leaves account 2 too poor for its pending nonce 1:
 * re-validation drops account 1's nonce 0 and keeps 1 and 2, drops both
 * of account 2's (the second by the ledger's fee_exceeds_balance), and the
 * rest still makes a valid block. */
static void test_revalidate_conflicts(void)
{
	struct tx mine[5], theirs[2];
	struct ml_spec drain = { 2, 0, ML_FEE, ML_BALANCE - ML_FEE - ML_FEE / 2, ML_GOOD };
	struct ml_spec other = { 1, 0, ML_FEE, 77, ML_GOOD };
	size_t n;
	struct ml f;

	if (!ml_open(&f))
		return;
	for (uint64_t i = 0; i < 3; i++)
		ml_tx(&f, &mine[i], 1, i, ML_FEE);
	ml_tx(&f, &mine[3], 2, 0, ML_FEE);
	ml_tx(&f, &mine[4], 2, 1, ML_FEE);
	for (size_t i = 0; i < 5; i++)
		CHECK(mempool_add(f.mp, &(struct mempool_reject){ 0 }, NULL, &mine[i]) == MEMPOOL_OK);
	ml_make(&f, &theirs[0], &other);
	ml_make(&f, &theirs[1], &drain);
	CHECK(ml_block_of(&f, theirs, 2));
	CHECK(mempool_revalidate(f.mp) == 3);
	CHECK(mempool_count(f.mp) == 2);
	CHECK(!ml_pending(&f, &mine[0]) && ml_pending(&f, &mine[1]) && ml_pending(&f, &mine[2]));
	CHECK(!ml_pending(&f, &mine[3]) && !ml_pending(&f, &mine[4]));
	/* A second pass finds nothing more to remove. */
	CHECK(mempool_revalidate(f.mp) == 0);
	/* What is left builds a valid block. */
	CHECK(ml_block_from_pool(&f, NULL, &n, ML_MAX_BLOCK) && n == 2);
	CHECK(mempool_revalidate(f.mp) == 2 && mempool_count(f.mp) == 0);
	ml_release_all(mine, 5);
	ml_release_all(theirs, 2);
	ml_close(&f);
}

/* Save, then a block the mempool did not build (account 2's pending nonce
 * 0 itself, and a conflicting nonce 0 of account 3), close and reopen the
 * ledger, load the file into a new mempool on the reopened ledger: what the
 * tip has used is rejected, the rest admitted and mined. */
static void test_save_reopen_load(void)
{
	struct tx mine[6], conflict;
	struct ml_spec other = { 3, 0, ML_FEE, 99, ML_GOOD };
	struct mempool_load_stats st;
	const struct tx *blk[2];
	char err[256];
	uint64_t nonce;
	size_t n;
	struct ml f;

	if (!ml_open(&f))
		return;
	for (uint64_t i = 0; i < 3; i++)
		ml_tx(&f, &mine[i], 1, i, ML_FEE);
	ml_tx(&f, &mine[3], 2, 0, ML_FEE);
	ml_tx(&f, &mine[4], 2, 1, ML_FEE);
	ml_tx(&f, &mine[5], 3, 0, ML_FEE);
	for (size_t i = 0; i < 6; i++)
		CHECK(mempool_add(f.mp, &(struct mempool_reject){ 0 }, NULL, &mine[i]) == MEMPOOL_OK);
	CHECK(mempool_save(f.mp, err, sizeof(err), f.file));
	mempool_destroy(f.mp);
	f.mp = NULL;

	ml_make(&f, &conflict, &other);
	blk[0] = &mine[3];
	blk[1] = &conflict;
	CHECK(ml_block(&f, blk, 2));
	ml_close_ledger(&f);
	if (!CHECK(ml_open_ledger(&f)) || !CHECK(ml_pool(&f)))
		goto out;

	CHECK(mempool_load(f.mp, &st, err, sizeof(err), f.file));
	CHECK(!st.missing && st.read == 6 && st.added == 4 && st.rejected == 2 && st.expired == 0);
	CHECK(ml_pending(&f, &mine[0]) && ml_pending(&f, &mine[1]) && ml_pending(&f, &mine[2]));
	CHECK(!ml_pending(&f, &mine[3]) && ml_pending(&f, &mine[4]) && !ml_pending(&f, &mine[5]));
	CHECK(mempool_pending_nonce(f.mp, &nonce, &f.pk[2]) && nonce == 2);
	CHECK(mempool_pending_nonce(f.mp, &nonce, &f.pk[3]) && nonce == 1);
	CHECK(ml_block_from_pool(&f, NULL, &n, ML_MAX_BLOCK) && n == 4);
	CHECK(mempool_revalidate(f.mp) == 4 && mempool_count(f.mp) == 0);
out:
	ml_release_all(mine, 6);
	tx_release(&conflict);
	ml_close(&f);
}

/* verify_sig is the ledger's, through its cache: a good signature passes,
 * a corrupted one fails (and is not admitted), and a block of admitted
 * transactions validates without verifying their signatures again: every
 * lookup the block makes is a cache hit. */
static void test_verify_sig(void)
{
	struct ml_spec good = { 4, 0, ML_FEE, 0, ML_GOOD };
	struct ml_spec bad = { 4, 0, ML_FEE, 0, ML_BAD_SIG };
	struct mempool_chain c;
	struct tx tg, tb;
	size_t n;
	struct ml f;

	if (!ml_open(&f))
		return;
	mempool_chain_from_ledger(&c, f.l);
	ml_make(&f, &tg, &good);
	ml_make(&f, &tb, &bad);
	CHECK(!c.verify_sig(c.ctx, &tb) && !ledger_verify_sig(f.l, &tb));
	/* Twice each: the second answer comes from the cache. */
	CHECK(c.verify_sig(c.ctx, &tg) && c.verify_sig(c.ctx, &tg));
	CHECK(!c.verify_sig(c.ctx, &tb));
	CHECK(mempool_add(f.mp, &(struct mempool_reject){ 0 }, NULL, &tb) ==
	      MEMPOOL_ERR_BAD_SIGNATURE);
	CHECK(mempool_add(f.mp, &(struct mempool_reject){ 0 }, NULL, &tg) == MEMPOOL_OK);
	uint64_t hits0, misses0, hits1, misses1;
	ledger_sigcache_stats(f.l, &hits0, &misses0);
	CHECK(ml_block_from_pool(&f, NULL, &n, ML_MAX_BLOCK) && n == 1);
	ledger_sigcache_stats(f.l, &hits1, &misses1);
	CHECK(hits1 > hits0 && misses1 == misses0);
	CHECK(mempool_revalidate(f.mp) == 1);
	tx_release(&tg);
	tx_release(&tb);
	ml_close(&f);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_wiring),
	UNIT_CASE(test_reject_map),
	UNIT_CASE(test_check_rejects),
	UNIT_CASE(test_admit_funded),
	UNIT_CASE(test_add_rejects),
	UNIT_CASE(test_build_two_blocks),
	UNIT_CASE(test_revalidate_conflicts),
	UNIT_CASE(test_save_reopen_load),
	UNIT_CASE(test_verify_sig),
};

int main(void)
{
	int rc;

	if (!crypto_init()) {
		fprintf(stderr, "crypto_init failed\n");
		return 1;
	}
	rc = unit_run(cases, UNIT_COUNT(cases));
	crypto_cleanup();
	return rc;
}
