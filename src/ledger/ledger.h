/* The ledger: the deterministic state transition of doc/social.md, kept in
 * LevelDB (doc/ledger.md).
 *
 * A struct ledger sits on an open struct db (not owned) and knows the tip:
 * the last committed block, its state root and the multiset hash behind it.
 * It is used by one thread (the node's main loop); only the query functions
 * of ledger/query.h run on other threads, each through its own snapshot.
 *
 * Executing and committing are separate:
 *
 *   - An execution (struct ledger_exec) applies the transactions of the
 *     block at height tip + 1 against the committed state, read through a
 *     db snapshot, plus an in-memory change set. It writes nothing. Several
 *     executions of the same height may exist at once (a proposer building,
 *     a validator checking two proposals); throw away the ones not used.
 *       begin -> apply tx, apply tx, ... -> finish (root)   (block builder)
 *       ledger_execute_block                                (validation)
 *   - ledger_commit writes the change set of one finished execution, with
 *     its indexes, the block and its commit, the tip and the serialised
 *     multiset hash, as ONE synced LevelDB batch. After it every other
 *     execution is stale (its calls fail with LEDGER_ERR_STALE).
 *
 * Transactions that fail the basic checks of doc/social.md §2 are rejected
 * (in a block: the block is invalid); those that pass are included even
 * when their action fails, with a receipt code (§3, enum ledger_code).
 *
 * Errors: functions return false and fill a struct ledger_error (a stable
 * code, a prim_err for primitives rejections, a message a person
 * understands). Out of memory aborts. Broken invariants (a balance that
 * would overflow u64, a tally going below zero) abort: they cannot happen
 * in a state produced by these rules.
 */
#ifndef ROSTRA_LEDGER_LEDGER_H
#define ROSTRA_LEDGER_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "ledger/genesis.h"
#include "ledger/state.h"
#include "primitives/block.h"
#include "primitives/chain_id.h"
#include "primitives/commit.h"
#include "primitives/prim_err.h"
#include "primitives/tx.h"
#include "store/db.h"

/* ------------------------------------------------------------ errors */

/* X(ENUM_SUFFIX, "name", "message"). Names are stable (RPC reject
 * reasons, logs); the basic-check names are doc/social.md §2's. */
#define LEDGER_ERRORS(X) \
	X(OK, "ok", "no error") \
	X(PRIM, "prim", "rejected by the primitives rules (see prim)") \
	/* basic checks of one transaction (doc/social.md §2) */ \
	X(WRONG_CHAIN, "wrong_chain", "transaction is for another chain") \
	X(FEE_TOO_LOW, "fee_too_low", "fee is below the minimum for this size") \
	X(NONCE_TOO_LOW, "nonce_too_low", "nonce was already used") \
	X(NONCE_TOO_HIGH, "nonce_too_high", "nonce is ahead of the next nonce") \
	X(FEE_EXCEEDS_BALANCE, "fee_exceeds_balance", "fee is more than the balance") \
	/* block checks (doc/social.md §11 and doc/ledger.md) */ \
	X(TIME_RANGE, "time_range", "block time is out of range") \
	X(UNKNOWN_PROPOSER, "unknown_proposer", "the proposer is not a registered validator") \
	X(BLOCK_CHAIN_ID, "block_chain_id", "block is for another chain") \
	X(BLOCK_NOT_NEXT, "block_not_next", "block is not at the next height") \
	X(BLOCK_PREV, "block_prev", "block does not extend the tip") \
	X(BLOCK_TIME, "block_time", "block time is not after the previous block's") \
	X(STATE_ROOT, "state_root", "the header's state root is not the state after the block") \
	X(BLOCK_MISMATCH, "block_mismatch", "the execution is not the one of this block") \
	/* the ledger itself */ \
	X(STALE, "stale", "the execution is no longer on the tip") \
	X(FINISHED, "finished", "the execution is already finished") \
	X(IO, "io", "database error") \
	X(CORRUPT, "corrupt", "the database holds a malformed record") \
	X(GENESIS, "genesis", "invalid genesis") \
	X(GENESIS_MISMATCH, "genesis_mismatch", "the database holds another chain") \
	X(REINDEX, "reindex", "an interrupted rebuild left the database incomplete") \
	X(CURSOR, "cursor", "the cursor does not belong to this list")

enum ledger_err {
#define LEDGER_ERR_ENUM(e, name, msg) LEDGER_ERR_##e,
	LEDGER_ERRORS(LEDGER_ERR_ENUM)
#undef LEDGER_ERR_ENUM
	LEDGER_ERR_COUNT_
};

#define LEDGER_MSG_MAX 256
#define LEDGER_NO_TX SIZE_MAX

struct ledger_error {
	enum ledger_err code;
	enum prim_err prim;        /* when code == LEDGER_ERR_PRIM */
	size_t tx_index;           /* the failing tx of a block, or LEDGER_NO_TX */
	char msg[LEDGER_MSG_MAX];  /* the full message */
};

/* Out: e = no error. */
void ledger_error_clear(struct ledger_error *e);
/* The stable name of e: prim_err_name(e->prim) for LEDGER_ERR_PRIM, else
 * the ledger's name. Static string. */
const char *ledger_error_name(const struct ledger_error *e);
/* The name / generic message of a code ("?" if out of range). Static. */
const char *ledger_err_name(enum ledger_err code);
const char *ledger_err_str(enum ledger_err code);

/* ------------------------------------------------------------ receipts */

/* X(ENUM_SUFFIX, code, "name", "message"): doc/social.md §3. Codes are
 * stored in receipts and never renumbered. */
#define LEDGER_CODES(X) \
	X(OK, 0, "ok", "success") \
	X(TRANSFER_INSUFFICIENT, 1, "transfer_insufficient", "balance is too low for the amount after the fee") \
	X(POST_PARENT_UNKNOWN, 10, "post_parent_unknown", "the parent post does not exist") \
	X(POST_TOO_DEEP, 11, "post_too_deep", "reply is nested too deeply (at most 32 levels)") \
	X(VOTE_POST_UNKNOWN, 20, "vote_post_unknown", "the post does not exist") \
	X(VOTE_NONE, 21, "vote_none", "there is no vote to withdraw") \
	X(VOTE_UNCHANGED, 22, "vote_unchanged", "the vote is the same as the current one") \
	X(ENDORSE_SELF, 30, "endorse_self", "an account cannot endorse itself") \
	X(ENDORSE_NONE, 31, "endorse_none", "there is no endorsement to withdraw") \
	X(ENDORSE_UNCHANGED, 32, "endorse_unchanged", "the endorsement is the same as the current one") \
	X(ENDORSE_BUDGET, 33, "endorse_budget", "endorsements would exceed 100% of the endorser's stake") \
	X(FOLLOW_SELF, 40, "follow_self", "an account cannot follow itself") \
	X(FOLLOW_ALREADY, 41, "follow_already", "already following this account") \
	X(FOLLOW_LIMIT, 42, "follow_limit", "already following the maximum of 5000 accounts") \
	X(UNFOLLOW_NOT_FOLLOWING, 50, "unfollow_not_following", "not following this account") \
	X(PROFILE_HANDLE_TAKEN, 60, "profile_handle_taken", "the handle belongs to another account") \
	X(PROFILE_UNCHANGED, 61, "profile_unchanged", "the profile is the same as the current one") \
	X(STAKE_NOT_VALIDATOR, 70, "stake_not_validator", "the account is not a registered validator") \
	X(STAKE_TOMBSTONED, 71, "stake_tombstoned", "the validator is jailed for good") \
	X(STAKE_INSUFFICIENT, 72, "stake_insufficient", "balance is too low for the amount after the fee") \
	X(UNSTAKE_EXCEEDS_BOND, 80, "unstake_exceeds_bond", "unstaking more than is bonded to this validator") \
	X(VALIDATOR_KEY_IN_USE, 90, "validator_key_in_use", "the consensus key is used by another validator") \
	X(VALIDATOR_KEY_CHANGE, 91, "validator_key_change", "a validator's consensus key cannot be changed") \
	X(VALIDATOR_UNCHANGED, 92, "validator_unchanged", "the validator is the same as the current one") \
	X(UNJAIL_NOT_VALIDATOR, 100, "unjail_not_validator", "the sender is not a registered validator") \
	X(UNJAIL_TOMBSTONED, 101, "unjail_tombstoned", "the validator is jailed for good") \
	X(UNJAIL_NOT_JAILED, 102, "unjail_not_jailed", "the validator is not jailed") \
	X(UNJAIL_TOO_EARLY, 103, "unjail_too_early", "the jail period is not over") \
	X(REPUTATION_LIMIT, 200, "reputation_limit", "reputation would leave its range")

enum ledger_code {
#define LEDGER_CODE_ENUM(e, n, name, msg) LEDGER_CODE_##e = n,
	LEDGER_CODES(LEDGER_CODE_ENUM)
#undef LEDGER_CODE_ENUM
};

/* The name / message of a receipt code, or NULL for an unknown code. */
const char *ledger_code_name(unsigned code);
const char *ledger_code_str(unsigned code);

/* What happened to one included transaction. */
struct ledger_receipt {
	struct hash256 txid;
	uint64_t height;
	uint32_t index;            /* in the block */
	uint16_t code;             /* enum ledger_code */
};

/* ------------------------------------------------------------ the ledger */

struct ledger;
struct ledger_exec;

struct ledger_options {
	/* Budget of the in-memory cache of hot state, in bytes (-dbcache's
	 * share for the ledger). 0 disables the cache. */
	size_t cache_bytes;
	/* Worker threads for signature checks and state-root updates: 0 means
	 * one per core (the calling thread counts as one of them). */
	unsigned threads;
	/* Entries of the signature cache (0 disables it). */
	size_t sigcache_entries;
};

#define LEDGER_DEFAULT_CACHE_BYTES ((size_t)64 << 20)
#define LEDGER_DEFAULT_SIGCACHE_ENTRIES ((size_t)1 << 16)

/* Out: o = the defaults (above, threads 0). */
void ledger_options_init(struct ledger_options *o);

/* The tip: the last committed block (height 0 and the genesis hash as the
 * block id before the first block). */
struct ledger_tip {
	uint64_t height;
	struct hash256 block_id;
	uint64_t time;             /* header time, ms (the genesis time at 0) */
	struct hash256 state_root;
};

/* Open the ledger on db (which must outlive it). A database without a
 * chain is initialised from genesis in one synced batch; one with a chain
 * must hold the same genesis (if genesis is not NULL), else
 * LEDGER_ERR_GENESIS_MISMATCH. Reopening gives exactly the last committed
 * state. In: opt (NULL for defaults), genesis (NULL only for an existing
 * chain). Out: err. Returns the ledger (ledger_close) or NULL. */
struct ledger *ledger_open(struct ledger_error *err, struct db *db,
			   const struct ledger_genesis *genesis,
			   const struct ledger_options *opt);
/* Free the ledger (not the db). Every execution must be destroyed. NULL is
 * a no-op. */
void ledger_close(struct ledger *l);

/* Out: out = the tip. */
void ledger_get_tip(const struct ledger *l, struct ledger_tip *out);
/* The tip's height, for any thread (every other function here belongs to
 * the thread that commits): set when the ledger opens and after each
 * commit, once it is durable, so that a snapshot taken after reading it
 * holds at least that height. */
uint64_t ledger_tip_height_shared(struct ledger *l);
/* The chain id, genesis hash and parameters (valid while l is open). */
const struct chain_id *ledger_chain_id(const struct ledger *l);
const struct hash256 *ledger_genesis_hash(const struct ledger *l);
const struct ledger_params *ledger_params(const struct ledger *l);
/* The db the ledger reads (not owned). */
struct db *ledger_db(const struct ledger *l);

/* ------------------------------------------------------------ execution */

/* Begin executing the block at height tip + 1 with header time `time`,
 * proposed by the validator whose consensus key is `proposer`. Checks, in
 * order: time < 2^62 (TIME_RANGE), time > tip time (BLOCK_TIME), the
 * proposer (UNKNOWN_PROPOSER); then runs the block-start steps (unbonding
 * maturity). Out: *out (ledger_exec_destroy), err. Returns false (and
 * *out NULL) on failure. */
bool ledger_exec_begin(struct ledger *l, struct ledger_exec **out, struct ledger_error *err,
		       uint64_t time, const struct pubkey *proposer);

/* Apply one sealed transaction as the next of the block: the basic checks
 * (tx_check, chain, fee, signature through the signature cache, nonce,
 * balance), then fee and nonce, then the action. Returns false when the
 * basic checks reject the tx (err says why; nothing changed: a block
 * builder skips it) or on a database error (err IO/CORRUPT: the execution
 * is then unusable). Returns true when included. Out: *rc (its receipt),
 * err. tx is not kept. */
bool ledger_exec_apply(struct ledger_exec *x, struct ledger_receipt *rc,
		       struct ledger_error *err, const struct tx *tx);

/* End the block: credit reward(h) and the fees to the proposer's operator,
 * add the reward to the supply, and compute the state root. No apply after
 * it. Out: root, err. */
bool ledger_exec_finish(struct ledger_exec *x, struct hash256 *root, struct ledger_error *err);

/* Validate and execute a whole block: chain id (BLOCK_CHAIN_ID), height =
 * tip + 1 (BLOCK_NOT_NEXT), prev_block = tip id (BLOCK_PREV), the checks
 * of block_check in its order (PRIM; tx_check and every signature run on
 * the worker pool, skipped for a tx already in the signature cache), then
 * begin, every tx (a rejection makes the block invalid: err names the tx
 * in tx_index), finish, and the header's state_root (STATE_ROOT).
 * Out: *out, a finished execution for ledger_commit (NULL on failure),
 * err. */
bool ledger_execute_block(struct ledger *l, struct ledger_exec **out, struct ledger_error *err,
			  const struct block *b);

/* The receipts of an execution so far (valid until it is destroyed).
 * Out: *n. */
const struct ledger_receipt *ledger_exec_receipts(const struct ledger_exec *x, size_t *n);
/* The height the execution is for. */
uint64_t ledger_exec_height(const struct ledger_exec *x);

/* Commit a finished execution with its block and the commit that
 * finalised it (c may be NULL when none is known yet): the block must be
 * the executed one (height, time, proposer, prev_block, the txids in
 * order, and the header's state_root equal to the computed root: else
 * BLOCK_MISMATCH or STATE_ROOT). Writes everything in one synced batch,
 * then moves the tip. Out: err. x stays owned by the caller. */
bool ledger_commit(struct ledger *l, struct ledger_error *err, struct ledger_exec *x,
		   const struct block *b, const struct commit *c);

/* Have the next ledger_commit also check txs[0..n) (sealed: tx_check and
 * the signature, as block validation does) into the signature cache, on
 * the worker pool while the caller builds, writes and syncs the batch. For
 * a caller that already holds the block after the one it commits (block
 * sync, the benchmarks): the pool's threads would otherwise idle through
 * the write, and the next execution then finds those transactions checked.
 * With complete false, the commit drops, once its write is done, the
 * checks no worker has started (the next execution overlaps them with its
 * application anyway), so how many are done depends on timing; with
 * complete true it returns only when all are done. Nothing else changes: a
 * transaction that fails is simply not cached and is judged again by the
 * execution. txs is borrowed until that commit returns; the hint is
 * dropped by it whether it succeeds or not. A caller that may not reach
 * ledger_commit (a block refused before it) drops the hint with
 * ledger_commit_prefetch(l, NULL, 0, false). A no-op when the signature
 * cache is disabled. */
void ledger_commit_prefetch(struct ledger *l, const struct tx *txs, size_t n, bool complete);

/* Free an execution (its snapshot and change set). NULL is a no-op. */
void ledger_exec_destroy(struct ledger_exec *x);

/* ------------------------------------------------------------ mempool */

/* The committed nonce and balance of an account at the tip (0, 0 for an
 * account without a record). Out: *nonce, *balance, err. */
bool ledger_account_at_tip(struct ledger *l, uint64_t *nonce, uint64_t *balance,
			   struct ledger_error *err, const struct pubkey *who);

/* The basic checks of doc/social.md §2 for a sealed tx about to enter the
 * mempool: tx_check, wrong_chain, fee_too_low, bad_signature (through the
 * signature cache, which remembers a valid signature for the block), then
 * nonce == expected_nonce (nonce_too_low / nonce_too_high) and
 * fee <= available_balance (fee_exceeds_balance). expected_nonce and
 * available_balance are the tip account's values, or what is left after
 * the sender's pending transactions. Out: err (the reason). Returns true
 * if the tx passes. */
bool ledger_check_tx(struct ledger *l, struct ledger_error *err, const struct tx *tx,
		     uint64_t expected_nonce, uint64_t available_balance);

/* True if tx's signature is valid, through the signature cache. A valid
 * signature of a tx that also passes tx_check is remembered, so that
 * validating a block skips both checks for a tx the mempool admitted. */
bool ledger_verify_sig(struct ledger *l, const struct tx *tx);

/* The signature cache's lookups since the ledger was opened: those that
 * found a transaction verified before (*hits) and those that did not
 * (*misses). Both zero when the cache is disabled. For tests and
 * statistics (getmempoolinfo, bench). */
void ledger_sigcache_stats(struct ledger *l, uint64_t *hits, uint64_t *misses);
/* Enter tx (sealed) in the signature cache without checking it, as if its
 * tx_check and signature had passed: a later ledger_exec_apply,
 * ledger_execute_block or ledger_check_tx skips both for it. Only for
 * transactions whose checks the caller stands for (the benchmarks' large
 * datasets with dummy signatures, doc/bench.md); never for anything that
 * came from outside. The cache is direct-mapped: a later entry may evict
 * it. A no-op when the cache is disabled. */
void ledger_sigcache_trust(struct ledger *l, const struct tx *tx);

/* ------------------------------------------------------------ rebuild */

/* Recompute the state and every index from the stored blocks (what
 * -reindex calls), with no ledger open on db: deletes state, indexes and
 * tip, initialises genesis, then executes and commits every stored block
 * from height 1 on (each checked against its header's state root). Out:
 * *height reached, err. A crash in the middle leaves a marker that makes
 * ledger_open fail with LEDGER_ERR_REINDEX until a rebuild completes. */
bool ledger_rebuild(struct ledger_error *err, uint64_t *height, struct db *db,
		    const struct ledger_genesis *genesis, const struct ledger_options *opt);

#endif
