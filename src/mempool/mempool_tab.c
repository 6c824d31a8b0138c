/* Hash tables keyed by 32-byte values (txids, sender keys).
 *
 * Keys come from peers, who could grind them (a txid through the signature's
 * nonce, a key by generating many) into one chain of a table with a public
 * hash function. The slot is therefore taken from SHA-256(salt || key) with
 * a random 16-byte salt per mempool: a peer does not know where its keys
 * land. Open addressing, linear probing, at most half full, backward-shift
 * deletion (no tombstones, so probes stay short after many removals).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "mempool/mempool_internal.h"

#define MEMPOOL_TAB_MIN_SLOTS 16

void mempool_tab_init(struct mempool_tab *t, const uint8_t *(*key)(const void *obj),
		      const uint8_t *salt)
{
	t->slot = NULL;
	t->nslot = 0;
	t->n = 0;
	t->key = key;
	t->salt = salt;
}

void mempool_tab_release(struct mempool_tab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->nslot = 0;
	t->n = 0;
}

static size_t mempool_tab_home(const struct mempool_tab *t, const uint8_t k[32])
{
	uint8_t in[48], h[SHA256_LEN];
	uint64_t v = 0;

	memcpy(in, t->salt, 16);
	memcpy(in + 16, k, 32);
	sha256(h, in, sizeof(in));
	for (int i = 0; i < 8; i++)
		v = (v << 8) | h[i];
	return (size_t)v & (t->nslot - 1);
}

/* Put obj in the first free slot from its home (no growth, no checks). */
static void mempool_tab_place(struct mempool_tab *t, void *obj)
{
	size_t i = mempool_tab_home(t, t->key(obj));
	while (t->slot[i] != NULL)
		i = (i + 1) & (t->nslot - 1);
	t->slot[i] = obj;
}

static bool mempool_tab_resize(struct mempool_tab *t, size_t nslot)
{
	void **old = t->slot;
	size_t nold = t->nslot;
	void **slot = calloc(nslot, sizeof(*slot));

	if (slot == NULL)
		return false;
	t->slot = slot;
	t->nslot = nslot;
	for (size_t i = 0; i < nold; i++)
		if (old[i] != NULL)
			mempool_tab_place(t, old[i]);
	free(old);
	return true;
}

bool mempool_tab_reserve(struct mempool_tab *t, size_t n)
{
	size_t want = t->n + n, nslot = t->nslot ? t->nslot : MEMPOOL_TAB_MIN_SLOTS;

	if (want < t->n)
		return false;
	while (want > nslot / 2) {
		if (nslot > SIZE_MAX / 2 / sizeof(void *))
			return false;
		nslot *= 2;
	}
	return nslot == t->nslot || mempool_tab_resize(t, nslot);
}

void *mempool_tab_find(const struct mempool_tab *t, const uint8_t k[32])
{
	if (t->n == 0)
		return NULL;
	for (size_t i = mempool_tab_home(t, k);; i = (i + 1) & (t->nslot - 1)) {
		if (t->slot[i] == NULL)
			return NULL;
		if (memcmp(t->key(t->slot[i]), k, 32) == 0)
			return t->slot[i];
	}
}

void mempool_tab_insert(struct mempool_tab *t, void *obj)
{
	assert(t->n + 1 <= t->nslot / 2);
	assert(mempool_tab_find(t, t->key(obj)) == NULL);
	mempool_tab_place(t, obj);
	t->n++;
}

/* True when slot j lies cyclically in (i, h]: an object at j whose home is h
 * may stay where it is after slot i is emptied. */
static bool mempool_tab_between(size_t i, size_t h, size_t j)
{
	return i <= j ? (i < h && h <= j) : (i < h || h <= j);
}

void mempool_tab_remove(struct mempool_tab *t, const void *obj)
{
	size_t mask = t->nslot - 1, i = mempool_tab_home(t, t->key(obj));

	while (t->slot[i] != obj) {
		assert(t->slot[i] != NULL);
		i = (i + 1) & mask;
	}
	t->slot[i] = NULL;
	/* Shift back the objects of the probe run after i that may move. */
	for (size_t j = (i + 1) & mask; t->slot[j] != NULL; j = (j + 1) & mask) {
		size_t h = mempool_tab_home(t, t->key(t->slot[j]));
		if (mempool_tab_between(i, h, j))
			continue;
		t->slot[i] = t->slot[j];
		t->slot[j] = NULL;
		i = j;
	}
	t->n--;
}
