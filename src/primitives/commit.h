/* Commits: the precommits that finalised a block, one entry per member of
 * the active validator set in set order, each a signature or marked absent
 * (doc/protocol.md, "Commit"). A commit is a fixed-capacity value type
 * (about 9.8 KB); decoding allocates nothing.
 *
 * Every present entry i is a precommit by set member i of (height, round,
 * block_id): its signature is over vote_sighash_of(chain, VOTE_PRECOMMIT,
 * height, round, block_id) (vote.h).
 *
 * The empty commit (height 0, round 0, zero block id, no entries) is the
 * last commit of the block at height 1, and the only commit without
 * entries.
 */
#ifndef ROSTRA_PRIMITIVES_COMMIT_H
#define ROSTRA_PRIMITIVES_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/prim_err.h"
#include "util/buf.h"

#define MAX_VALIDATORS 150

struct commit {
	uint64_t height;
	uint32_t round;
	struct hash256 block_id;
	size_t n;                                /* entries, <= MAX_VALIDATORS */
	bool present[MAX_VALIDATORS];
	uint8_t sigs[MAX_VALIDATORS][SIG_LEN];   /* zero when absent */
};

/* Out: c = the empty commit. */
void commit_init_empty(struct commit *c);
/* Decode a commit: exactly data[0..len). Out: out (zeroed on failure),
 * *err. Returns true on success; then commit_encode(out) == data. */
bool commit_decode(struct commit *out, const uint8_t *data, size_t len, enum prim_err *err);
/* Append the encoding of c to out. Returns buf_ok(out). */
bool commit_encode(struct buf *out, const struct commit *c);
/* Out: out = tagged("Rostra/commit", encoding of c). */
void commit_hash(struct hash256 *out, const struct commit *c);
/* Out: out = the message every entry of c signs on chain (vote.h). */
void commit_sighash(struct hash256 *out, const struct commit *c, const struct chain_id *chain);

/* Verify c against the validator set that signs for its height: set_len
 * members with keys set_keys[i] and voting powers set_power[i], in set
 * order. Checks, cheapest first: c->n == set_len (else COMMIT_SET_SIZE);
 * c is not the empty commit (else COMMIT_NIL); the total power is not zero
 * and fits in 64 bits, and 3 * present power > 2 * total power, computed
 * without overflow (else COMMIT_POWER); every present signature (else
 * BAD_SIGNATURE). Out: *err. Returns true if valid. */
bool commit_verify(const struct commit *c, const struct chain_id *chain,
		   const struct pubkey *set_keys, const uint64_t *set_power, size_t set_len,
		   enum prim_err *err);

#endif
