/* The state-root multiset hash: LtHash over 1024 lanes of 16 bits.
 *
 * A state is a set of (key, value) pairs of byte strings. Each pair is
 * expanded to 1024 pseudo-random 16-bit lanes; the hash of a multiset is the
 * lane-wise sum of its elements' expansions mod 2^16, so elements are added
 * and removed one at a time, in any order, and the sum of two disjoint
 * states is the sum of their hashes. The 32-byte state root is a tagged hash
 * of the lanes. doc/state-root.md gives the construction byte by byte, why
 * it is secure, what it costs per element, and known-answer vectors.
 *
 * Only equality of whole states can be proved with it (no membership
 * proofs); keep callers behind this interface so that a proof-capable
 * commitment can replace it.
 *
 * struct lthash is a plain value type (2048 bytes): copy it with `=`, keep it
 * on the stack or embed it; it owns nothing and needs no release. Every
 * function is thread-safe on distinct objects; the expansion, the costly
 * part, can run on a worker pool and its results be added on one thread in
 * any order, since addition commutes. crypto_init() must have run.
 */
#ifndef ROSTRA_CRYPTO_LTHASH_H
#define ROSTRA_CRYPTO_LTHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LTHASH_LANES 1024
#define LTHASH_BYTES (2 * LTHASH_LANES) /* the serialised form */

struct lthash {
	uint16_t lane[LTHASH_LANES];
};

/* Out: h = the hash of the empty multiset (every lane zero). */
void lthash_init(struct lthash *h);

/* The expansion of one element: lanes derived from the key and the value
 * (length-prefixed, so ("ab","c") and ("a","bc") differ). key and val may be
 * NULL when their length is 0. Does not allocate.
 * Out: out (fully written). In: key[0..klen), val[0..vlen). */
void lthash_expand(struct lthash *out, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen);

/* h += x and h -= x, lane-wise mod 2^16. h and x may be the same object. */
void lthash_add(struct lthash *h, const struct lthash *x);
void lthash_sub(struct lthash *h, const struct lthash *x);

/* Add the element (key, val) to the multiset h, or take it out: expand,
 * then add or subtract. Removing an element that is not in the multiset is
 * not detected (the caller's state says what is present); the root then
 * matches no real state. */
void lthash_insert(struct lthash *h, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen);
void lthash_remove(struct lthash *h, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen);

/* Out: out, the state root: tagged_hash("Rostra/stateroot", the lanes as
 * 2048 bytes, each lane little-endian). */
void lthash_root(uint8_t out[32], const struct lthash *h);

/* True if a and b hold the same lanes (the same multiset, barring a
 * collision). */
bool lthash_equal(const struct lthash *a, const struct lthash *b);

/* The lanes as 2048 bytes, lane i little-endian at offset 2i: the form to
 * store next to the state so a node restarts without re-hashing it.
 * Out: out. */
void lthash_serialize(uint8_t out[LTHASH_BYTES], const struct lthash *h);
/* The inverse of lthash_serialize; every 2048-byte string is a valid hash.
 * Out: h. */
void lthash_deserialize(struct lthash *h, const uint8_t in[LTHASH_BYTES]);

#endif
