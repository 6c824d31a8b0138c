/* A benchmark chain (bench.h): keys, genesis, transactions signed on
 * several threads, blocks built and committed the way a proposer does, and
 * the raw verification bound on several threads. */
#define _XOPEN_SOURCE 700

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"
#include "crypto/sha256.h"
#include "util/clock.h"
#include "util/file.h"

/* ------------------------------------------------------------ parallel */

#define BENCH_MAX_THREADS 64
#define BENCH_CHUNK 8

struct par_job {
	bench_item_fn *fn;
	void *ctx;
	size_t n;
	atomic_size_t next;
};

static void *par_run(void *arg)
{
	struct par_job *j = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, BENCH_CHUNK);
		if (i >= j->n)
			return NULL;
		size_t end = i + BENCH_CHUNK < j->n ? i + BENCH_CHUNK : j->n;
		for (; i < end; i++)
			j->fn(j->ctx, i);
	}
}

void bench_parallel(unsigned threads, bench_item_fn *fn, void *ctx, size_t n)
{
	pthread_t t[BENCH_MAX_THREADS];
	struct par_job j = { .fn = fn, .ctx = ctx, .n = n };
	unsigned started = 0;

	atomic_init(&j.next, 0);
	if (threads > BENCH_MAX_THREADS)
		threads = BENCH_MAX_THREADS;
	for (unsigned i = 1; i < threads && n > BENCH_CHUNK; i++) {
		if (pthread_create(&t[started], NULL, par_run, &j) != 0)
			break; /* the threads that did start take the work */
		started++;
	}
	par_run(&j);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
}

/* ------------------------------------------------------------ the bound */

struct verify_thread {
	pthread_t t;
	const struct pubkey *key;
	const struct hash256 *msg;
	const uint8_t (*sig)[SIG_LEN];
	size_t n;
	size_t offset;
	uint64_t budget_ns;
	double rate;
};

static void *verify_thread_main(void *arg)
{
	struct verify_thread *v = arg;
	uint64_t start = clock_mono_ns(), now = start, ops = 0;
	size_t k = v->offset;
	do {
		for (int i = 0; i < 32; i++) {
			if (!key_verify(v->sig[k], v->msg[k].b, 32, &v->key[k]))
				bench_die("raw verification", "a signature of the set does not verify");
			k = k + 1 == v->n ? 0 : k + 1;
		}
		ops += 32;
		now = clock_mono_ns();
	} while (now - start < v->budget_ns);
	v->rate = (double)ops * 1e9 / (double)(now - start);
	return NULL;
}

double bench_verify_threads(unsigned threads, uint64_t budget_ns, const struct pubkey *key,
			    const struct hash256 *msg, const uint8_t (*sig)[SIG_LEN], size_t n)
{
	struct verify_thread v[BENCH_MAX_THREADS];
	double rate = 0;

	if (threads > BENCH_MAX_THREADS)
		threads = BENCH_MAX_THREADS;
	for (unsigned i = 0; i < threads; i++) {
		v[i] = (struct verify_thread){ .key = key, .msg = msg, .sig = sig, .n = n,
					       .offset = n * i / threads,
					       .budget_ns = budget_ns };
		if (i > 0 && pthread_create(&v[i].t, NULL, verify_thread_main, &v[i]) != 0)
			bench_die("raw verification", "cannot start a thread");
	}
	verify_thread_main(&v[0]);
	for (unsigned i = 1; i < threads; i++)
		pthread_join(v[i].t, NULL);
	/* The threads ran side by side: the rate of all is the sum. */
	for (unsigned i = 0; i < threads; i++)
		rate += v[i].rate;
	return rate;
}

/* ------------------------------------------------------------ keys, genesis */

struct keygen {
	struct bench_chain *c;
};

static void keygen_one(void *ctx, size_t i)
{
	struct bench_chain *c = ((struct keygen *)ctx)->c;
	uint8_t seed[24] = "rostra-bench-key";
	for (int k = 0; k < 8; k++)
		seed[16 + k] = (uint8_t)((uint64_t)i >> (8 * k));
	sha256(c->sk[i].b, seed, sizeof(seed));
	if (!key_pubkey(&c->pk[i], &c->sk[i]))
		bench_die("key", "a derived secret key is invalid");
}

struct key_pair {
	struct pubkey pk;
	struct seckey sk;
};

static int key_pair_cmp(const void *a, const void *b)
{
	return memcmp(((const struct key_pair *)a)->pk.b, ((const struct key_pair *)b)->pk.b,
		      PUBKEY_LEN);
}

static void *bench_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL)
		bench_die("memory", "out of memory");
	return p;
}

/* Sort the keys by public key, so that key i is the genesis's balance i
 * and a sender's index is a binary search away. */
static void sort_keys(struct bench_chain *c)
{
	struct key_pair *kp = bench_calloc(c->nkeys, sizeof(*kp));
	for (size_t i = 0; i < c->nkeys; i++) {
		kp[i].pk = c->pk[i];
		kp[i].sk = c->sk[i];
	}
	qsort(kp, c->nkeys, sizeof(*kp), key_pair_cmp);
	for (size_t i = 0; i < c->nkeys; i++) {
		c->pk[i] = kp[i].pk;
		c->sk[i] = kp[i].sk;
		key_wipe(&kp[i].sk);
	}
	free(kp);
}

static void make_genesis(struct bench_chain *c, uint64_t balance)
{
	char err[256];
	struct ledger_genesis *g = &c->g;
	struct seckey ck;

	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "bench");
	g->time = UINT64_C(1700000000000);
	g->params.block_reward = 200000000;
	g->params.reward_era_blocks = 10000000;
	g->params.min_fee_per_byte = 10;
	g->params.unbonding_ms = 86400000;
	g->balances = bench_calloc(c->nkeys, sizeof(*g->balances));
	for (size_t i = 0; i < c->nkeys; i++) {
		g->balances[i].key = c->pk[i];
		g->balances[i].amount = balance;
	}
	g->nbalances = c->nkeys;
	g->validators = bench_calloc(1, sizeof(*g->validators));
	g->nvalidators = 1;
	sha256(ck.b, "rostra-bench-consensus-key", 26);
	if (!key_pubkey(&c->val_ck, &ck))
		bench_die("key", "the consensus key is invalid");
	key_wipe(&ck);
	g->validators[0].operator_key = c->pk[0];
	g->validators[0].consensus_key = c->val_ck;
	memcpy(g->validators[0].moniker, "bench", 5);
	g->validators[0].moniker_len = 5;
	g->validators[0].stake = balance;
	if (!ledger_genesis_finalize(g, err, sizeof(err)))
		bench_die("genesis", err);
}

void bench_chain_init(struct bench_chain *c, size_t nkeys, uint64_t balance, unsigned threads)
{
	const char *base = getenv("TMPDIR");
	struct keygen kg = { c };

	memset(c, 0, sizeof(*c));
	c->nkeys = nkeys;
	c->threads = threads;
	c->step_ms = 1000;
	c->sk = bench_calloc(nkeys, sizeof(*c->sk));
	c->pk = bench_calloc(nkeys, sizeof(*c->pk));
	c->nonce = bench_calloc(nkeys, sizeof(*c->nonce));
	bench_parallel(threads, keygen_one, &kg, nkeys);
	sort_keys(c);
	make_genesis(c, balance);
	int n = snprintf(c->dir, sizeof(c->dir), "%s/rostra-bench-XXXXXX",
			 base && *base ? base : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(c->dir) || mkdtemp(c->dir) == NULL)
		bench_die("temporary folder", "cannot create it (TMPDIR)");
	fprintf(stderr, "  (data in %s, removed at the end)\n", c->dir);
}

void bench_chain_open_ledger(const struct bench_chain *c, struct db **db, struct ledger **l,
			     const char *name, const struct bench_store *st)
{
	char path[320], err[DB_ERR_LEN];
	struct db_options dbo;
	struct ledger_options lo;
	struct ledger_error lerr;

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	db_options_init(&dbo);
	dbo.cache_bytes = st->db_cache;
	dbo.write_buffer_bytes = st->db_write_buffer;
	*db = db_open(err, sizeof(err), path, &dbo);
	if (*db == NULL)
		bench_die("db_open", err);
	ledger_options_init(&lo);
	lo.threads = c->threads;
	lo.cache_bytes = st->ledger_cache;
	*l = ledger_open(&lerr, *db, &c->g, &lo);
	if (*l == NULL)
		bench_die("ledger_open", lerr.msg);
}

void bench_chain_close_ledger(struct db *db, struct ledger *l)
{
	ledger_close(l);
	db_close(db);
}

void bench_chain_release(struct bench_chain *c)
{
	if (c->l != NULL)
		bench_chain_close_ledger(c->db, c->l);
	c->l = NULL;
	c->db = NULL;
	if (c->dir[0])
		file_remove_tree(c->dir);
	for (size_t i = 0; i < c->nkeys; i++)
		key_wipe(&c->sk[i]);
	free(c->sk);
	free(c->pk);
	free(c->nonce);
	ledger_genesis_release(&c->g);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------ transactions */

/* Above min_fee(TX_MAX_SIZE) at 10 base units per byte: any tx pays. */
#define BENCH_FEE 100000

void bench_chain_tx(struct bench_chain *c, struct tx *tx, size_t who, uint8_t type)
{
	tx_init(tx);
	tx->chain_id = c->g.chain_id;
	tx->type = type;
	tx->sender = c->pk[who];
	tx->nonce = c->nonce[who]++;
	tx->fee = BENCH_FEE;
}

struct sign_job {
	struct bench_chain *c;
	struct ledger *l;
	struct tx *txs;
	size_t *who;
};

static void sign_one(void *ctx, size_t i)
{
	struct sign_job *j = ctx;
	static const uint8_t aux[32];
	enum prim_err e;
	if (!tx_sign(&j->txs[i], &j->c->sk[j->who[i]], aux, &e))
		bench_die("tx_sign", prim_err_name(e));
	if (j->l != NULL && !ledger_verify_sig(j->l, &j->txs[i]))
		bench_die("ledger_verify_sig", "a fresh signature does not verify");
}

/* The index of a sender's key: the keys are sorted (bench_chain_init). */
static size_t key_index(const struct bench_chain *c, const struct pubkey *pk)
{
	size_t lo = 0, hi = c->nkeys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = memcmp(c->pk[mid].b, pk->b, PUBKEY_LEN);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	bench_die("sign", "the sender is not a key of the chain");
}

void bench_chain_sign(struct bench_chain *c, struct ledger *l, struct tx *txs, size_t n)
{
	struct sign_job j = { c, l, txs, bench_calloc(n, sizeof(size_t)) };
	for (size_t i = 0; i < n; i++)
		j.who[i] = key_index(c, &txs[i].sender);
	bench_parallel(c->threads, sign_one, &j, n);
	free(j.who);
}

static void seal_one(void *ctx, size_t i)
{
	struct tx *tx = &((struct tx *)ctx)[i];
	enum prim_err e;
	memset(tx->sig, 0x5a, SIG_LEN);
	if (!tx_seal(tx, &e))
		bench_die("tx_seal", prim_err_name(e));
}

void bench_chain_seal_unsigned(struct bench_chain *c, struct tx *txs, size_t n)
{
	bench_parallel(c->threads, seal_one, txs, n);
}

/* ------------------------------------------------------------ blocks */

void bench_chain_commit_for(struct commit *cm, const struct block *b)
{
	memset(cm, 0, sizeof(*cm));
	cm->height = b->header.height;
	block_header_id(&cm->block_id, &b->header);
	cm->n = 1;
	cm->present[0] = true;
	memset(cm->sigs[0], 0x11, SIG_LEN);
}

/* The header and last commit of the block of txs at the builder's next
 * height, with state root `root`. */
static void block_assemble(struct bench_chain *c, struct block *b, const struct ledger_tip *tip,
			   uint64_t time, const struct hash256 *root)
{
	b->header.version = BLOCK_VERSION;
	b->header.chain_id = c->g.chain_id;
	b->header.height = tip->height + 1;
	b->header.time = time;
	b->header.prev_block = tip->block_id;
	b->header.state_root = *root;
	b->header.proposer = c->val_ck;
	if (b->header.height == 1) {
		commit_init_empty(&b->last_commit);
	} else {
		memset(&b->last_commit, 0, sizeof(b->last_commit));
		b->last_commit.height = tip->height;
		b->last_commit.block_id = tip->block_id;
		b->last_commit.n = 1;
		b->last_commit.present[0] = true;
		memset(b->last_commit.sigs[0], 0x11, SIG_LEN);
	}
	block_compute_roots(&b->header.tx_root, &b->header.evidence_root,
			    &b->header.last_commit_hash, b);
}

void bench_chain_block(struct bench_chain *c, struct block *b, uint16_t *rc, struct tx *txs,
		       size_t n, bool trust_sigs)
{
	struct ledger_error err;
	struct ledger_exec *x;
	struct ledger_receipt r;
	struct ledger_tip tip;
	struct hash256 root;
	struct commit cm;
	uint64_t time;

	block_init(b);
	ledger_get_tip(c->l, &tip);
	time = tip.time + c->step_ms;
	if (!ledger_exec_begin(c->l, &x, &err, time, &c->val_ck))
		bench_die("ledger_exec_begin", err.msg);
	for (size_t i = 0; i < n; i++) {
		/* Entered right before its apply: the cache is direct-mapped,
		 * and a later entry of the block could take the slot. */
		if (trust_sigs)
			ledger_sigcache_trust(c->l, &txs[i]);
		if (!ledger_exec_apply(x, &r, &err, &txs[i]))
			bench_die("ledger_exec_apply", err.msg);
		if (rc != NULL)
			rc[i] = r.code;
	}
	if (!ledger_exec_finish(x, &root, &err))
		bench_die("ledger_exec_finish", err.msg);
	b->ntx = n;
	b->txs = txs;
	block_assemble(c, b, &tip, time, &root);
	bench_chain_commit_for(&cm, b);
	if (!ledger_commit(c->l, &err, x, b, &cm))
		bench_die("ledger_commit", err.msg);
	ledger_exec_destroy(x);
}
