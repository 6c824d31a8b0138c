/* Private to p2p/: a small pseudo-random generator for choices that need
 * no secrecy but must not be predictable from outside (which address to
 * dial, which to gossip, which peer to relay to): SplitMix64 seeded from
 * the OS (or by a test). Header only. */
#ifndef ROSTRA_P2P_RNG_INTERNAL_H
#define ROSTRA_P2P_RNG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/random.h"

struct p2p_rng {
	uint64_t s;
};

/* Seed r with seed, or from the OS when seed is 0. Returns false if no
 * entropy is available. */
static inline bool p2p_rng_seed(struct p2p_rng *r, uint64_t seed)
{
	r->s = seed;
	return seed != 0 || random_bytes(&r->s, sizeof(r->s));
}

static inline uint64_t p2p_rng_next(struct p2p_rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A uniform value in [0, n); n must be at least 1. */
static inline uint64_t p2p_rng_below(struct p2p_rng *r, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, v;
	do
		v = p2p_rng_next(r);
	while (v >= limit);
	return v % n;
}

#endif
