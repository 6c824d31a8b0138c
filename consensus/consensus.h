/* Consensus: validator sets, the signer-state guard, accepting a block
 * with its commit, and block production by a validator (doc/consensus.md).
 *
 * What exists now is the single-validator flow of doc/consensus.md: the
 * active set is the genesis set; the proposer of every height is the
 * validator the node runs; it builds a block from the mempool, executes it,
 * signs a proposal and a precommit through the signer state, makes the
 * commit and hands block and commit to cons_accept_block, the function
 * every full node uses to accept a block. The formats are those the
 * multi-validator engine will use.
 *
 * Everything here belongs to the node's main loop (not thread-safe).
 * Errors: functions return false and write one line to err (errcap bytes).
 */
#ifndef ROSTRA_CONSENSUS_CONSENSUS_H
#define ROSTRA_CONSENSUS_CONSENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "ledger/genesis.h"
#include "ledger/ledger.h"
#include "mempool/mempool.h"
#include "primitives/block.h"
#include "primitives/commit.h"
#include "primitives/vote.h"

/* ------------------------------------------------------------ sets */

/* A validator set in set order: member i has consensus key keys[i], its
 * operator operators[i] and voting power power[i]. */
struct cons_valset {
	size_t n;                                  /* 1..MAX_VALIDATORS */
	struct pubkey keys[MAX_VALIDATORS];
	struct pubkey operators[MAX_VALIDATORS];
	uint64_t power[MAX_VALIDATORS];
};

/* The genesis set: the genesis validators in the genesis's canonical order
 * (by operator key), each with its genesis stake as voting power.
 * Out: out. */
void cons_valset_from_genesis(struct cons_valset *out, const struct ledger_genesis *g);
/* The validator set hash of doc/protocol.md §12.1. Out: out. */
void cons_valset_hash(struct hash256 *out, const struct cons_valset *s);
/* The index of consensus key k in s, or -1. */
int cons_valset_find(const struct cons_valset *s, const struct pubkey *k);
/* The sum of the powers (saturating at UINT64_MAX). */
uint64_t cons_valset_total(const struct cons_valset *s);

/* ------------------------------------------------------------ signer */

/* The steps a validator signs, in the order they happen in a round. */
enum cons_step {
	CONS_STEP_NONE = 0,        /* nothing signed yet */
	CONS_STEP_PROPOSE = 1,
	CONS_STEP_PREVOTE = 2,
	CONS_STEP_PRECOMMIT = 3,
};

/* The last thing a signer signed. */
struct cons_sign_state {
	uint64_t height;
	uint32_t round;
	uint8_t step;              /* enum cons_step */
	struct hash256 block_id;   /* zero for nil */
};

/* The guard's rule: may a signer whose last signature is last sign
 * (height, round, step, id)? Yes when (height, round, step) is after
 * last's, or equal with the same id (signing the same thing again); no
 * for a lower height/round/step or a different id at the same one. */
bool cons_sign_allowed(const struct cons_sign_state *last, uint64_t height, uint32_t round,
		       uint8_t step, const struct hash256 *id);

struct cons_signer;

/* Open the signer with key sk (copied) and its state file at path
 * (created when missing; a malformed file is an error, never reset).
 * Out: err. Returns the signer (cons_signer_close) or NULL. */
struct cons_signer *cons_signer_open(char *err, size_t errcap, const char *path,
				     const struct seckey *sk);
/* Wipe the key and free. NULL is a no-op. */
void cons_signer_close(struct cons_signer *s);
/* The signer's public key. */
const struct pubkey *cons_signer_pubkey(const struct cons_signer *s);
/* Out: out = the last signed state. */
void cons_signer_last(const struct cons_signer *s, struct cons_sign_state *out);

/* Sign p (p->proposer is set to the signer's key) on chain, step
 * PROPOSE, after the guard allowed it and the new state reached the disk
 * (written, fsync'd and renamed). Out: p->sig, err. Returns false when the
 * guard refuses or the state cannot be written (nothing is signed then). */
bool cons_sign_proposal(struct cons_signer *s, char *err, size_t errcap, struct proposal *p,
			const struct chain_id *chain);
/* The same for a vote (step PREVOTE or PRECOMMIT by v->type). */
bool cons_sign_vote(struct cons_signer *s, char *err, size_t errcap, struct vote *v,
		    const struct chain_id *chain);

/* ------------------------------------------------------------ accept */

/* Accept block b, finalised by commit c, as every full node does: the
 * header's validators_hash and next_validators_hash are the hash of set
 * (the active set), its proposer is a member, its last commit verifies
 * against set (for height >= 2; it must be for height - 1 and the tip's
 * block id), c is for (b's height, b's id) and commit_verify passes
 * against set, then ledger_execute_block (every block and transaction
 * rule, the state root) and ledger_commit. Out: err. Returns true when
 * the block is the new tip. */
bool cons_accept_block(struct ledger *l, char *err, size_t errcap, const struct cons_valset *set,
		       const struct block *b, const struct commit *c);

/* ------------------------------------------------------------ produce */

/* Room left in a block for the header, the last commit and the length
 * prefixes: mempool_build gets BLOCK_MAX_SIZE minus this. */
#define CONS_BLOCK_RESERVE ((size_t)64 << 10)

/* What cons_produce_block made. */
struct cons_produced {
	struct hash256 block_id;
	uint64_t height;
	uint32_t round;
	size_t ntx;
};

/* Produce and commit the next block as the single validator of set:
 * take transactions from mp (mempool_build), execute them on l (those
 * the ledger rejects are left out), fill the header (time = max(now_ms,
 * tip time + 1), roots, set hashes, proposer), sign the proposal and the
 * precommit through s (round 0, or one above the round last signed at
 * this height), make the commit, then cons_accept_block on the decoded
 * encoding and mempool_revalidate. The block's last commit is the one
 * stored for the tip (cons_tip_commit). Out: *out, err. */
bool cons_produce_block(struct ledger *l, struct cons_produced *out, char *err, size_t errcap,
			struct mempool *mp, struct cons_signer *s, const struct cons_valset *set,
			uint64_t now_ms);

/* The commit stored for the tip of l (the empty commit at height 0).
 * Out: c, err. */
bool cons_tip_commit(struct ledger *l, struct commit *c, char *err, size_t errcap);

#endif
