/* The change set of an execution (ledger_internal.h): an open-addressing
 * table of entries for lookups, and the entries in insertion order. The
 * table's order is never used for anything but finding a key; the writes
 * leave in key order (ledger_ov_sorted_changes). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

/* Bytes of an arena chunk; a larger allocation gets a chunk of its own. */
#define OV_CHUNK 65536

struct ledger_ov_chunk {
	struct ledger_ov_chunk *next;
	size_t used, cap;
	_Alignas(max_align_t) uint8_t data[];
};

/* Where an overlay's entries and values live; on the heap, so that its
 * entries can point to it wherever the overlay itself is. */
struct ledger_ov_arena {
	struct ledger_ov_chunk *chunks;    /* the current one first */
};

void ledger_ov_init(struct ledger_overlay *ov, uint64_t seed)
{
	memset(ov, 0, sizeof(*ov));
	ov->seed = seed;
}

/* n bytes from the arena, aligned for an entry, freed with the overlay. */
static void *ov_alloc(struct ledger_ov_arena *a, size_t n)
{
	struct ledger_ov_chunk *c = a->chunks;
	size_t need = (n + 7) & ~(size_t)7;

	if (need < n)
		abort();
	if (c == NULL || c->cap - c->used < need) {
		size_t cap = need > OV_CHUNK / 4 ? need : OV_CHUNK;
		if (cap > SIZE_MAX - sizeof(*c))
			abort();
		c = malloc(sizeof(*c) + cap);
		if (c == NULL)
			abort();
		c->used = 0;
		c->cap = cap;
		if (cap == OV_CHUNK || a->chunks == NULL) {
			c->next = a->chunks;
			a->chunks = c;
		} else {
			/* A large one goes behind the current chunk, which keeps
			 * filling. */
			c->next = a->chunks->next;
			a->chunks->next = c;
		}
	}
	c->used += need;
	return c->data + c->used - need;
}

void ledger_ov_release(struct ledger_overlay *ov)
{
	if (ov->arena != NULL) {
		struct ledger_ov_chunk *c = ov->arena->chunks;
		while (c != NULL) {
			struct ledger_ov_chunk *next = c->next;
			free(c);
			c = next;
		}
		free(ov->arena);
	}
	free(ov->all);
	free(ov->slots);
	memset(ov, 0, sizeof(*ov));
}

static size_t slot_find(const struct ledger_overlay *ov, const uint8_t *key, size_t klen,
			uint64_t h)
{
	size_t mask = ov->cap - 1;
	size_t i = h & mask;

	for (;;) {
		struct ledger_ov_entry *e = ov->slots[i];
		if (e == NULL ||
		    (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0))
			return i;
		i = (i + 1) & mask;
	}
}

uint64_t ledger_ov_hash(const struct ledger_overlay *ov, const uint8_t *key, size_t klen)
{
	return ledger_hash_bytes(ov->seed, key, klen);
}

struct ledger_ov_entry *ledger_ov_find_h(const struct ledger_overlay *ov, const uint8_t *key,
					 size_t klen, uint64_t h)
{
	if (ov->cap == 0)
		return NULL;
	return ov->slots[slot_find(ov, key, klen, h)];
}

struct ledger_ov_entry *ledger_ov_find(const struct ledger_overlay *ov, const uint8_t *key,
				       size_t klen)
{
	return ledger_ov_find_h(ov, key, klen, ledger_ov_hash(ov, key, klen));
}

static void rehash(struct ledger_overlay *ov)
{
	size_t ncap = ov->cap ? ov->cap * 2 : 256;
	struct ledger_ov_entry **old = ov->slots;
	size_t ocap = ov->cap;
	ov->slots = calloc(ncap, sizeof(*ov->slots));
	if (ov->slots == NULL)
		abort();
	ov->cap = ncap;
	/* The keys are distinct: each goes to the first free slot. */
	for (size_t i = 0; i < ocap; i++) {
		size_t j;
		if (old[i] == NULL)
			continue;
		j = old[i]->hash & (ncap - 1);
		while (ov->slots[j] != NULL)
			j = (j + 1) & (ncap - 1);
		ov->slots[j] = old[i];
	}
	free(old);
}

struct ledger_ov_entry *ledger_ov_add(struct ledger_overlay *ov, const uint8_t *key, size_t klen,
				      bool present, const uint8_t *val, size_t vlen)
{
	return ledger_ov_add_h(ov, key, klen, ledger_ov_hash(ov, key, klen), present, val, vlen);
}

struct ledger_ov_entry *ledger_ov_add_h(struct ledger_overlay *ov, const uint8_t *key,
					size_t klen, uint64_t h, bool present, const uint8_t *val,
					size_t vlen)
{
	struct ledger_ov_entry *e;

	if (klen > LEDGER_KEY_MAX)
		abort();
	if ((ov->n + 1) * 4 > ov->cap * 3)
		rehash(ov);
	if (ov->arena == NULL) {
		ov->arena = calloc(1, sizeof(*ov->arena));
		if (ov->arena == NULL)
			abort();
	}
	e = ov_alloc(ov->arena, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->arena = ov->arena;
	e->hash = h;
	memcpy(e->key, key, klen);
	e->klen = (uint8_t)klen;
	e->ohas = e->chas = present;
	if (present) {
		e->orig = ov_alloc(ov->arena, vlen);
		if (vlen > 0)
			memcpy(e->orig, val, vlen);
		e->olen = vlen;
	}
	e->cur = e->orig;
	e->clen = e->olen;
	ov->slots[slot_find(ov, key, klen, h)] = e;
	ov->n++;
	if (ov->nall == ov->capall) {
		ov->capall = ov->capall ? ov->capall * 2 : 256;
		ov->all = realloc(ov->all, ov->capall * sizeof(*ov->all));
		if (ov->all == NULL)
			abort();
	}
	ov->all[ov->nall++] = e;
	return e;
}

void ledger_ov_set(struct ledger_ov_entry *e, bool present, const uint8_t *val, size_t vlen)
{
	e->dirty = true;
	e->chas = present;
	if (!present) {
		e->clen = 0;
		return;
	}
	/* The entry's own buffer when the value fits (val may point into
	 * it), else a new one from the arena. */
	if (e->cur == e->orig || e->cur == NULL || e->ccap < vlen) {
		e->cur = ov_alloc(e->arena, vlen);
		e->ccap = vlen;
	}
	if (vlen > 0)
		memmove(e->cur, val, vlen);
	e->clen = vlen;
}

bool ledger_ov_changed(const struct ledger_ov_entry *e)
{
	if (e->blind)
		return true;
	if (!e->dirty || e->chas != e->ohas)
		return e->dirty;
	if (!e->chas)
		return false;
	return e->clen != e->olen || memcmp(e->cur, e->orig, e->clen) != 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct ledger_ov_entry *x = *(struct ledger_ov_entry *const *)a;
	const struct ledger_ov_entry *y = *(struct ledger_ov_entry *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);
	if (c != 0)
		return c;
	return (x->klen > y->klen) - (x->klen < y->klen);
}

void ledger_ov_changes(const struct ledger_overlay *ov, struct ledger_ov_entry ***out, size_t *n)
{
	struct ledger_ov_entry **v = malloc((ov->nall ? ov->nall : 1) * sizeof(*v));
	size_t k = 0;

	if (v == NULL)
		abort();
	for (size_t i = 0; i < ov->nall; i++)
		if (ledger_ov_changed(ov->all[i]))
			v[k++] = ov->all[i];
	*out = v;
	*n = k;
}

void ledger_ov_sort(struct ledger_ov_entry **e, size_t n)
{
	qsort(e, n, sizeof(*e), entry_cmp);
}

void ledger_ov_sorted_changes(const struct ledger_overlay *ov, struct ledger_ov_entry ***out,
			      size_t *n)
{
	ledger_ov_changes(ov, out, n);
	ledger_ov_sort(*out, *n);
}
