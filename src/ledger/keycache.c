/* The cache of keys known valid (ledger_internal.h): a direct-mapped table
 * of x-only keys that passed key_pubkey_parse or signed a transaction whose
 * signature verified, each with its parsed form, so that a key seen before
 * is not parsed again (a libsecp256k1 parse costs a square root, about an
 * eighth of a signature verification), neither to judge a payload key nor
 * to verify a sender's signature. Only valid keys are ever entered, and a
 * hit compares all 32 bytes, so the answer is always key_pubkey_parse's. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/key.h"
#include "ledger/ledger_internal.h"

struct keycache_slot {
	uint8_t key[PUBKEY_LEN];
	bool used;
	struct pubkey_parsed parsed;
};

struct ledger_keycache {
	pthread_mutex_t mu;
	uint64_t seed;
	size_t n;                  /* a power of two */
	struct keycache_slot *slots;
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
	if (c->slots == NULL)
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
	free(c);
}

static struct keycache_slot *keycache_slot(const struct ledger_keycache *c, const struct pubkey *k)
{
	return &c->slots[ledger_hash_bytes(c->seed, k->b, PUBKEY_LEN) & (c->n - 1)];
}

void ledger_keycache_note(struct ledger_keycache *c, const struct pubkey *k,
			  const struct pubkey_parsed *parsed)
{
	struct keycache_slot *s;
	if (c == NULL)
		return;
	s = keycache_slot(c, k);
	pthread_mutex_lock(&c->mu);
	memcpy(s->key, k->b, PUBKEY_LEN);
	s->parsed = *parsed;
	s->used = true;
	pthread_mutex_unlock(&c->mu);
}

bool ledger_keycache_get(struct ledger_keycache *c, const struct pubkey *k,
			 struct pubkey_parsed *parsed)
{
	struct keycache_slot *s;
	bool hit;
	if (c == NULL)
		return false;
	s = keycache_slot(c, k);
	pthread_mutex_lock(&c->mu);
	hit = s->used && memcmp(s->key, k->b, PUBKEY_LEN) == 0;
	if (hit && parsed != NULL)
		*parsed = s->parsed;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

bool ledger_keycache_has(struct ledger_keycache *c, const struct pubkey *k)
{
	return ledger_keycache_get(c, k, NULL);
}

bool ledger_keycache_parse(struct ledger_keycache *c, const struct pubkey *k,
			   struct pubkey_parsed *parsed)
{
	if (ledger_keycache_get(c, k, parsed))
		return true;
	if (!key_pubkey_parse(parsed, k))
		return false;
	ledger_keycache_note(c, k, parsed);
	return true;
}

bool ledger_keycache_valid(struct ledger_keycache *c, const struct pubkey *k)
{
	struct pubkey_parsed parsed;
	return ledger_keycache_parse(c, k, &parsed);
}

bool ledger_keycache_judge(void *ctx, const struct pubkey *k)
{
	return ledger_keycache_valid(ctx, k);
}
