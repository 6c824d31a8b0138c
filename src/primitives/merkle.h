/* The Merkle root of a list of 32-byte values (txids, evidence hashes):
 * RFC 6962's tree shape with tagged hashes and no duplication of an odd
 * last element (doc/protocol.md, "Merkle tree"):
 *
 *   root([])     = tagged("Rostra/merkle/empty", "")
 *   root([x])    = tagged("Rostra/merkle/leaf", x)
 *   root(x[0..n)) = tagged("Rostra/merkle/node", root(x[0..k)) || root(x[k..n)))
 *                  for n > 1, k the largest power of two below n.
 *
 * Distinct lists have distinct roots unless SHA-256 collides: there is no
 * duplicated leaf (so no CVE-2012-2459 ambiguity), and leaves and inner
 * nodes are hashed under different tags (so an inner node cannot pass for
 * a leaf, the second-preimage trick on untagged trees).
 */
#ifndef ROSTRA_PRIMITIVES_MERKLE_H
#define ROSTRA_PRIMITIVES_MERKLE_H

#include <stddef.h>

#include "crypto/sha256.h"

/* Out: out = root(leaves[0..n)). Allocates nothing; recursion depth is
 * log2(n) + 1. */
void merkle_root(struct hash256 *out, const struct hash256 *leaves, size_t n);

/* The same root over n values produced on demand: leaf(out, ctx, i) writes
 * value i. For lists whose values are not stored contiguously (the txids
 * inside struct tx, evidence hashes computed on the fly). */
typedef void merkle_leaf_fn(struct hash256 *out, const void *ctx, size_t i);
void merkle_root_fn(struct hash256 *out, merkle_leaf_fn *leaf, const void *ctx, size_t n);

#endif
