/* Evidence of double signing: two votes by the same validator for the same
 * (type, height, round) with different block ids (doc/protocol.md,
 * "Evidence"). A fixed-size value type.
 */
#ifndef ROSTRA_PRIMITIVES_EVIDENCE_H
#define ROSTRA_PRIMITIVES_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"
#include "primitives/chain_id.h"
#include "primitives/prim_err.h"
#include "primitives/vote.h"
#include "util/buf.h"

#define EVIDENCE_SIZE (2 * VOTE_SIZE)

/* a.block_id < b.block_id bytewise (the canonical order). */
struct evidence {
	struct vote a;
	struct vote b;
};

/* Decode evidence: exactly data[0..len). Out: out (zeroed on failure),
 * *err. Returns true on success; then evidence_encode(out) == data. */
bool evidence_decode(struct evidence *out, const uint8_t *data, size_t len,
		     enum prim_err *err);
/* Append the encoding of e to out. Returns buf_ok(out). */
bool evidence_encode(struct buf *out, const struct evidence *e);
/* Out: out = tagged("Rostra/evidence", encoding of e). */
void evidence_hash(struct hash256 *out, const struct evidence *e);
/* Build evidence from two conflicting votes in either order.
 * Out: out (zeroed on failure), *err. Returns false if the votes do not
 * conflict (EVIDENCE_MISMATCH or EVIDENCE_ORDER). */
bool evidence_make(struct evidence *out, const struct vote *v1, const struct vote *v2,
		   enum prim_err *err);
/* Check the evidence rules of a decoded or built e and both signatures on
 * chain. Out: *err (EVIDENCE_MISMATCH, EVIDENCE_ORDER, BAD_SIGNATURE).
 * Whether the validator was in the set, and the evidence age, are checked by
 * consensus. Returns true if valid. */
bool evidence_verify(const struct evidence *e, const struct chain_id *chain, enum prim_err *err);

#endif
