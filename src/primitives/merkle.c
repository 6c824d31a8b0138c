/* Merkle root (merkle.h). */
#include "primitives/merkle.h"

#include <string.h>

#include "primitives/tags.h"

/* The largest power of two strictly below n (n > 1). */
static size_t split_point(size_t n)
{
	size_t k = 1;
	while (k < n - k) /* 2k < n, without overflow */
		k <<= 1;
	return k;
}

/* root of values [first, first + n), n >= 1. */
static void subtree(struct hash256 *out, merkle_leaf_fn *leaf, const void *ctx,
		    size_t first, size_t n)
{
	if (n == 1) {
		struct hash256 v;
		leaf(&v, ctx, first);
		tagged_hash(out->b, &tag_merkle_leaf, v.b, sizeof(v.b));
		return;
	}
	size_t k = split_point(n);
	uint8_t pair[64];
	struct hash256 left, right;
	subtree(&left, leaf, ctx, first, k);
	subtree(&right, leaf, ctx, first + k, n - k);
	memcpy(pair, left.b, 32);
	memcpy(pair + 32, right.b, 32);
	tagged_hash(out->b, &tag_merkle_node, pair, sizeof(pair));
}

void merkle_root_fn(struct hash256 *out, merkle_leaf_fn *leaf, const void *ctx, size_t n)
{
	if (n == 0) {
		static const uint8_t nothing[1] = { 0 };
		tagged_hash(out->b, &tag_merkle_empty, nothing, 0);
		return;
	}
	subtree(out, leaf, ctx, 0, n);
}

static void array_leaf(struct hash256 *out, const void *ctx, size_t i)
{
	*out = ((const struct hash256 *)ctx)[i];
}

void merkle_root(struct hash256 *out, const struct hash256 *leaves, size_t n)
{
	merkle_root_fn(out, array_leaf, leaves, n);
}
