/* The cache of keys known valid (ledger_internal.h): a direct-mapped table
 * of x-only keys that passed key_pubkey_valid or signed a transaction
 * whose signature verified, so that a key seen before is not parsed again
 * (a libsecp256k1 parse costs a square root, about an eighth of a
 * signature verification). Only valid keys are ever entered, and a hit
 * compares all 32 bytes, so the answer is always key_pubkey_valid's. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/key.h"
#include "ledger/ledger_internal.h"

struct ledger_keycache {
	pthread_mutex_t mu;
	uint64_t seed;
	size_t n;                  /* a power of two */
	uint8_t (*slots)[PUBKEY_LEN];
	bool *used;
};

struct ledger_keycache *ledger_keycache_create(size_t entries, uint64_t seed)
{
	struct ledger_keycache *c;
	size_t n = 1;
	if (entries == 0)
		return NULL;
	while (n < entries)
		n <<= 1;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		abort();
	c->slots = calloc(n, sizeof(*c->slots));
	c->used = calloc(n, sizeof(*c->used));
	if (c->slots == NULL || c->used == NULL)
		abort();
	c->n = n;
	c->seed = seed;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void ledger_keycache_destroy(struct ledger_keycache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c->slots);
	free(c->used);
	free(c);
}

static size_t keycache_slot(const struct ledger_keycache *c, const struct pubkey *k)
{
	return (size_t)(ledger_hash_bytes(c->seed, k->b, PUBKEY_LEN) & (c->n - 1));
}

void ledger_keycache_note(struct ledger_keycache *c, const struct pubkey *k)
{
	size_t i;
	if (c == NULL)
		return;
	i = keycache_slot(c, k);
	pthread_mutex_lock(&c->mu);
	memcpy(c->slots[i], k->b, PUBKEY_LEN);
	c->used[i] = true;
	pthread_mutex_unlock(&c->mu);
}

bool ledger_keycache_has(struct ledger_keycache *c, const struct pubkey *k)
{
	size_t i;
	bool hit;
	if (c == NULL)
		return false;
	i = keycache_slot(c, k);
	pthread_mutex_lock(&c->mu);
	hit = c->used[i] && memcmp(c->slots[i], k->b, PUBKEY_LEN) == 0;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

bool ledger_keycache_valid(struct ledger_keycache *c, const struct pubkey *k)
{
	if (ledger_keycache_has(c, k))
		return true;
	if (!key_pubkey_valid(k))
		return false;
	ledger_keycache_note(c, k);
	return true;
}

bool ledger_keycache_judge(void *ctx, const struct pubkey *k)
{
	return ledger_keycache_valid(ctx, k);
}
