/* Consensus messages: votes (prevote, precommit) and proposals, their
 * canonical encodings and what each signs (doc/protocol.md, "Vote" and
 * "Proposal"). Both are fixed-size value types; decoding allocates nothing.
 *
 * The chain id is not on the wire but is part of every signed message, so
 * that a vote or proposal cannot be replayed on another chain.
 */
#ifndef ROSTRA_PRIMITIVES_VOTE_H
#define ROSTRA_PRIMITIVES_VOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/prim_err.h"
#include "util/buf.h"

enum vote_type {
	VOTE_PREVOTE = 1,
	VOTE_PRECOMMIT = 2,
};

#define VOTE_SIZE 141          /* encoded size of a vote */
#define PROPOSAL_SIZE 144      /* encoded size of a proposal */
#define POL_ROUND_NONE UINT32_MAX

/* A vote for block_id (all zeros: nil) at (height, round). */
struct vote {
	uint8_t type;              /* enum vote_type */
	uint64_t height;
	uint32_t round;
	struct hash256 block_id;
	struct pubkey validator;
	uint8_t sig[SIG_LEN];
};

/* A proposal of block_id at (height, round); pol_round is the round of the
 * proof of lock it relies on, or POL_ROUND_NONE. */
struct proposal {
	uint64_t height;
	uint32_t round;
	uint32_t pol_round;
	struct hash256 block_id;
	struct pubkey proposer;
	uint8_t sig[SIG_LEN];
};

/* Decode a vote: exactly data[0..len). Out: out (zeroed on failure), *err.
 * Returns true on success; then vote_encode(out) == data. */
bool vote_decode(struct vote *out, const uint8_t *data, size_t len, enum prim_err *err);
/* Append the encoding of v to out. Returns buf_ok(out). */
bool vote_encode(struct buf *out, const struct vote *v);
/* What a vote of (type, height, round, block_id) on chain signs:
 * tagged("Rostra/vote", chain_id bytes | type | height | round | block_id).
 * Commit entries sign the same message with type VOTE_PRECOMMIT.
 * Out: out. */
void vote_sighash_of(struct hash256 *out, const struct chain_id *chain, uint8_t type,
		     uint64_t height, uint32_t round, const struct hash256 *block_id);
/* Out: out = the sighash of v on chain. */
void vote_sighash(struct hash256 *out, const struct vote *v, const struct chain_id *chain);
/* Sign v on chain with sk, whose public key must be v->validator.
 * aux: BIP340 auxiliary randomness (NULL: fresh). Out: v->sig.
 * Returns false (sig zeroed) if sk does not match. */
bool vote_sign(struct vote *v, const struct chain_id *chain, const struct seckey *sk,
	       const uint8_t aux[32]);
/* True if v->sig is v->validator's signature of v on chain. */
bool vote_verify(const struct vote *v, const struct chain_id *chain);
/* True if v votes nil (block_id is all zeros). */
bool vote_is_nil(const struct vote *v);

/* Decode a proposal: exactly data[0..len). Out: out (zeroed on failure),
 * *err. Returns true on success; then proposal_encode(out) == data. */
bool proposal_decode(struct proposal *out, const uint8_t *data, size_t len,
		     enum prim_err *err);
/* Append the encoding of p to out. Returns buf_ok(out). */
bool proposal_encode(struct buf *out, const struct proposal *p);
/* tagged("Rostra/proposal", chain_id bytes | height | round | pol_round |
 * block_id). Out: out. */
void proposal_sighash(struct hash256 *out, const struct proposal *p, const struct chain_id *chain);
/* Sign p on chain with sk (must match p->proposer). Out: p->sig. Returns
 * false (sig zeroed) if sk does not match. */
bool proposal_sign(struct proposal *p, const struct chain_id *chain, const struct seckey *sk,
		   const uint8_t aux[32]);
/* True if p->sig is p->proposer's signature of p on chain. */
bool proposal_verify(const struct proposal *p, const struct chain_id *chain);

#endif
