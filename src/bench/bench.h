/* Internals of bench_rostra shared by its files (doc/bench.md), and the
 * part of them that bench_sync_chain links (bench_chain.c, bench_mix.c).
 *
 *   bench_rostra.c   main, options, the measuring loop, the one-thread
 *                    figures (verification, hashing, transactions, root)
 *   bench_chain.c    a benchmark chain in a temporary folder: keys,
 *                    genesis, transactions signed on several threads,
 *                    blocks built and committed the way a proposer does,
 *                    the raw verification bound on several threads
 *   bench_mix.c      the mixed transactions of ledger_block_* and of
 *                    bench_sync_chain
 *   bench_block.c    block execution plus commit (ledger_block_*)
 *   bench_feed.c     feed page latency on a large chain (feed_*)
 *
 * Every figure goes to stderr as it is measured and into the JSON object
 * printed as the last line of stdout. A failure of the code under test
 * (a rejected block, a database error) is a bug: the benchmark says what
 * failed on stderr and aborts.
 */
#ifndef ROSTRA_BENCH_BENCH_H
#define ROSTRA_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "ledger/genesis.h"
#include "ledger/ledger.h"
#include "primitives/block.h"
#include "primitives/tx.h"
#include "store/db.h"
#include "util/buf.h"

struct bench_verify_set;

struct bench_ctx {
	uint64_t seconds;          /* time spent on each rate measurement */
	const char *filter;        /* run the benchmarks whose name holds it */
	bool quick;                /* smaller datasets (a smoke run) */
	unsigned threads;          /* worker threads of the multi-thread figures */
	struct bench_verify_set *vs; /* signed messages for the 1-thread bound */
	struct buf json;           /* the figures, as "name":value pairs */
};

/* One measured operation: called as fn(arg, i) for i = 0, 1, ... */
typedef void (*bench_fn)(void *arg, uint64_t i);

/* Call fn in batches of `batch` until b->seconds have passed on the
 * monotonic clock. Returns operations per second. */
double bench_rate(const struct bench_ctx *b, bench_fn fn, void *arg, uint64_t batch);
/* Record a figure: one stderr line and one JSON pair. */
void bench_figure(struct bench_ctx *b, const char *name, double value);
/* True when the benchmark `name` passes the filter. */
bool bench_wanted(const struct bench_ctx *b, const char *name);
/* Print a failure of the code under test and abort. Each program defines
 * it in its main file (bench_rostra.c, bench_sync_chain.c), so that the
 * message names the program; bench_chain.c and bench_mix.c need only this
 * one of the helpers above. */
void bench_die(const char *what, const char *why) __attribute__((noreturn));

/* ------------------------------------------------------------ parallel */

/* fn(ctx, i) for one item, on any thread. */
typedef void bench_item_fn(void *ctx, size_t i);

/* Run fn over items 0..n-1 on `threads` threads in all (the caller and
 * threads - 1 started ones), items claimed from a shared counter; returns
 * when every item is done. */
void bench_parallel(unsigned threads, bench_item_fn *fn, void *ctx, size_t n);

/* Raw BIP340 verifications per second on `threads` threads for
 * budget_ns: each thread verifies the n signatures sig[i] of msg[i]
 * (32 bytes) by key[i] in turn, starting at its own offset. The bound of
 * the multi-thread figures. Aborts if a signature does not verify. */
double bench_verify_threads(unsigned threads, uint64_t budget_ns, const struct pubkey *key,
			    const struct hash256 *msg, const uint8_t (*sig)[SIG_LEN], size_t n);

/* ------------------------------------------------------------ the chain */

/* A benchmark chain: nkeys accounts with deterministic keys, the first of
 * which operates the one validator, in LevelDB in a temporary folder. */
struct bench_chain {
	char dir[256];             /* the temporary folder (removed by close) */
	size_t nkeys;
	struct seckey *sk;         /* nkeys each */
	struct pubkey *pk;
	uint64_t *nonce;           /* next nonce the builder gives each key */
	struct pubkey val_ck;      /* the validator's consensus key */
	struct ledger_genesis g;
	unsigned threads;
	uint64_t step_ms;          /* between block times */
	/* The builder's ledger (see bench_chain_open). */
	struct db *db;
	struct ledger *l;
};

/* Make the keys (on `threads` threads) and the genesis: chain "bench",
 * every key with `balance` base units, key 0 also bonded as the
 * validator. Creates the temporary folder; opens nothing. Out: c
 * (bench_chain_release). Aborts on failure. */
void bench_chain_init(struct bench_chain *c, size_t nkeys, uint64_t balance, unsigned threads);
/* Memory given to a ledger and its database. */
struct bench_store {
	size_t db_cache;           /* LevelDB block cache (db_options) */
	size_t db_write_buffer;    /* LevelDB memtable (db_options) */
	size_t ledger_cache;       /* hot-state cache (ledger_options) */
};

/* The defaults of db_options_init and ledger_options_init. */
#define BENCH_STORE_DEFAULT \
	{ DB_DEFAULT_CACHE_BYTES, DB_DEFAULT_WRITE_BUFFER_BYTES, LEDGER_DEFAULT_CACHE_BYTES }

/* Open a LevelDB database named `name` in the chain's folder and a ledger
 * on it at genesis, with the chain's threads as workers and the memory of
 * st. Out: *db, *l (bench_chain_close_ledger). Aborts on failure. */
void bench_chain_open_ledger(const struct bench_chain *c, struct db **db, struct ledger **l,
			     const char *name, const struct bench_store *st);
/* Close a ledger and its database. */
void bench_chain_close_ledger(struct db *db, struct ledger *l);
/* Close the builder's ledger if open, remove the folder, free the keys
 * and the genesis. */
void bench_chain_release(struct bench_chain *c);

/* Start a transaction of key `who` of `type` at its next nonce (which
 * moves on), with a fee above the minimum of any transaction. Out: tx. */
void bench_chain_tx(struct bench_chain *c, struct tx *tx, size_t who, uint8_t type);
/* Sign and seal txs[0..n) (built by bench_chain_tx; their borrowed fields
 * must stay valid until then) on the chain's threads, each by its sender's
 * key, and with l not NULL enter each into l's signature cache
 * (ledger_verify_sig), as a mempool would have. */
void bench_chain_sign(struct bench_chain *c, struct ledger *l, struct tx *txs, size_t n);
/* Seal txs[0..n) (built by bench_chain_tx) with a dummy signature, on the
 * chain's threads: no signing, for datasets too large to sign (see
 * bench_chain_block's trust_sigs). */
void bench_chain_seal_unsigned(struct bench_chain *c, struct tx *txs, size_t n);
/* Build the next block of the builder's ledger c->l from the sealed txs
 * (handed over: the block owns them afterwards; txs must come from malloc)
 * the way a proposer does (begin, apply each, finish), then commit it.
 * With trust_sigs, each tx is entered into the ledger's signature cache
 * right before it is applied, as if a mempool had verified it, so that its
 * signature is not checked (the unsigned txs of
 * bench_chain_seal_unsigned); everything else runs as for any block.
 * Out: b (block_release), rc (if not NULL): n receipt codes. Aborts if a
 * transaction is rejected or anything fails. */
void bench_chain_block(struct bench_chain *c, struct block *b, uint16_t *rc, struct tx *txs,
		       size_t n, bool trust_sigs);
/* The commit that finalised b (one dummy precommit: the ledger does not
 * check commit signatures). Out: cm. */
void bench_chain_commit_for(struct commit *cm, const struct block *b);

/* A deterministic pseudo-random generator (splitmix64): the shape of the
 * datasets does not depend on the run. */
static inline uint64_t bench_rand(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}
/* Uniform in 0..n-1 (n >= 1; the bias is negligible for the n used). */
static inline size_t bench_pick(uint64_t *state, size_t n)
{
	return (size_t)(bench_rand(state) % n);
}

/* ------------------------------------------------------------ the mix */

/* The mixed transactions of ledger_block_* and bench_sync_chain
 * (bench_mix.c): the chain they run on has BENCH_MIX_KEYS accounts of
 * BENCH_MIX_BALANCE base units each (bench_chain_init), and its blocks
 * hold BENCH_MIX_BLOCK_TXS transactions. */
#define BENCH_MIX_KEYS 10000
#define BENCH_MIX_BLOCK_TXS 1000
#define BENCH_MIX_BALANCE UINT64_C(100000000000)

/* The generator's state: its pseudo-random sequence (a fixed seed), the
 * committed posts that replies and votes point at, and recent follows and
 * stakes that unfollows and unstakes undo. */
struct bench_mix;

/* A generator for chain c (borrowed: it must outlive the generator), at
 * the start of its sequence, knowing no post. Returns it
 * (bench_mix_destroy); aborts when out of memory. */
struct bench_mix *bench_mix_create(struct bench_chain *c);
/* Free m (NULL does nothing). */
void bench_mix_destroy(struct bench_mix *m);
/* The next transaction of the mix, started by bench_chain_tx (so its
 * sender's nonce moves on) and neither signed nor sealed: post 25%,
 * reply 15, vote 25, transfer 12, follow 10, endorse 5, profile 3,
 * unfollow 2, stake 2, unstake 1; some of them fail with a receipt code,
 * as in a live chain. slot (< BENCH_MIX_BLOCK_TXS) is the transaction's
 * place in its block: a profile's handle lives in m's storage for that
 * slot, so tx borrows from m (and from static text) until the next call
 * with the same slot or bench_mix_destroy. Out: tx. */
void bench_mix_tx(struct bench_mix *m, struct tx *tx, size_t slot);
/* Remember the post id as committed: later replies and votes may point at
 * it. Aborts when out of memory. */
void bench_mix_note_post(struct bench_mix *m, const struct hash256 *id);

/* ------------------------------------------------------------ benchmarks */

/* Block execution plus commit against raw verification on as many
 * threads (doc/bench.md, ledger_block_*). */
void bench_ledger_block(struct bench_ctx *b);
/* Feed page latency on a large chain (doc/bench.md, feed_*). */
void bench_feed(struct bench_ctx *b);

#endif
