/* Shared helpers of the ledger tests: a test chain in a temporary LevelDB
 * (keys, genesis, one validator), transaction builders, and blocks built
 * and committed the way a proposer does. */
#ifndef ROSTRA_TEST_LEDGER_H
#define ROSTRA_TEST_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/ledger.h"
#include "ledger/ledger_internal.h"
#include "ledger/query.h"
#include "unit.h"

#define TL_MAX_KEYS 1200

/* A test chain. Key 0 is the validator's operator; val_ck its consensus
 * key. Every key starts with `balance` base units. */
struct tl {
	char dir[256];
	char path[300];
	struct db *db;
	struct ledger *l;
	struct ledger_genesis g;
	struct ledger_options opt;
	size_t nkeys;
	struct seckey sk[TL_MAX_KEYS];
	struct pubkey pk[TL_MAX_KEYS];
	uint64_t nonce[TL_MAX_KEYS];  /* next nonce the builder uses */
	struct seckey val_cksk;
	struct pubkey val_ck;
	uint64_t step;                /* ms between blocks (default 1000) */
	uint64_t next_time;           /* time of the next block, 0: tip + step */
	uint64_t fee;                 /* fee of built txs, 0: the minimum */
};

/* The deterministic key i of the tests. Out: sk, pk. */
void tl_key(struct seckey *sk, struct pubkey *pk, size_t i);
/* A fresh temporary folder. Out: out. */
bool tl_tmpdir(char *out, size_t cap);
/* Remove a folder tree. */
void tl_rmtree(const char *dir);

/* Open a chain: network "regtest" (or the given name), genesis time
 * `gtime`, nkeys keys with `balance` each, key 0 the validator with
 * `stake`. params NULL: the regtest parameters. */
bool tl_open(struct tl *t, const char *network, uint64_t gtime, size_t nkeys, uint64_t balance,
	     uint64_t stake, const struct ledger_params *params);
/* Fill t with the keys and the genesis of tl_open, without opening
 * anything (a child process rebuilds the same chain this way). */
bool tl_genesis(struct tl *t, const char *network, uint64_t gtime, size_t nkeys, uint64_t balance,
		uint64_t stake, const struct ledger_params *params);
/* Open the db at path and the ledger on it (after tl_genesis). */
bool tl_open_at(struct tl *t, const char *path);
/* Close the ledger and the db and remove the folder. */
void tl_close(struct tl *t);
/* Close and reopen the ledger and the db (same folder). */
bool tl_reopen(struct tl *t);

/* Start a tx of sender `who`: version, chain id, type, sender, the next
 * nonce, and the fee (t->fee or large enough for any tx). Out: tx. */
void tl_tx(struct tl *t, struct tx *tx, size_t who, uint8_t type);
/* Sign and seal tx with key who's secret (nonce as set; the builder's
 * next nonce for who moves past it). Returns false on failure. */
bool tl_sign(struct tl *t, struct tx *tx, size_t who);
/* Sign with the exact minimum fee for its size. */
bool tl_sign_minfee(struct tl *t, struct tx *tx, size_t who);

/* Build a block of txs[0..n) at the next time, proposed by the test
 * validator, commit it. Out: codes[i] (if not NULL), err. Returns false
 * if a tx is rejected or anything fails (nothing committed). The txs are
 * copied (the caller keeps and releases its own). */
bool tl_block(struct tl *t, struct ledger_error *err, uint16_t *codes, const struct tx *txs,
	      size_t n);
/* Build the block without committing. Out: b (block_release), x (the
 * finished execution). */
bool tl_build(struct tl *t, struct ledger_error *err, struct block *b, struct ledger_exec **x,
	      const struct tx *txs, size_t n);
/* The commit for block b (one entry, a dummy signature). Out: c. */
void tl_commit_for(struct commit *c, const struct block *b);

/* One tx in its own block; returns its receipt code, or -1 on rejection
 * (err then filled when not NULL). The tx is released. */
int tl_one(struct tl *t, struct ledger_error *err, struct tx *tx);

/* Committed state reads (abort the case on error through CHECK). */
struct ledger_account tl_account(struct tl *t, size_t who);
struct ledger_account tl_account_pk(struct tl *t, const struct pubkey *pk);
struct ledger_chain tl_chain(struct tl *t);
/* Root from scratch over the whole consensus state equals the tip's. */
bool tl_root_ok(struct tl *t);

/* Case tables of the files. */
extern const struct unit_case tl_state_cases[];
extern const size_t tl_state_ncases;
extern const struct unit_case tl_rules_cases[];
extern const size_t tl_rules_ncases;
extern const struct unit_case tl_chain_cases[];
extern const size_t tl_chain_ncases;
extern const struct unit_case tl_query_cases[];
extern const size_t tl_query_ncases;

#endif
