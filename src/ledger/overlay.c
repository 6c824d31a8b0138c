/* The change set of an execution (ledger_internal.h): an open-addressing
 * table of entries for lookups, and the entries in insertion order. The
 * table's order is never used for anything but finding a key; the writes
 * leave in key order (ledger_ov_sorted_changes). */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

void ledger_ov_init(struct ledger_overlay *ov, uint64_t seed)
{
	memset(ov, 0, sizeof(*ov));
	ov->seed = seed;
}

static void entry_free(struct ledger_ov_entry *e)
{
	if (e->cur != e->orig)
		free(e->cur);
	free(e->orig);
	free(e);
}

void ledger_ov_release(struct ledger_overlay *ov)
{
	for (size_t i = 0; i < ov->nall; i++)
		entry_free(ov->all[i]);
	free(ov->all);
	free(ov->slots);
	memset(ov, 0, sizeof(*ov));
}

static size_t slot_find(const struct ledger_overlay *ov, const uint8_t *key, size_t klen)
{
	size_t mask = ov->cap - 1;
	size_t i = ledger_hash_bytes(ov->seed, key, klen) & mask;
	for (;;) {
		struct ledger_ov_entry *e = ov->slots[i];
		if (e == NULL || (e->klen == klen && memcmp(e->key, key, klen) == 0))
			return i;
		i = (i + 1) & mask;
	}
}

struct ledger_ov_entry *ledger_ov_find(const struct ledger_overlay *ov, const uint8_t *key,
				       size_t klen)
{
	if (ov->cap == 0)
		return NULL;
	return ov->slots[slot_find(ov, key, klen)];
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
	for (size_t i = 0; i < ocap; i++)
		if (old[i] != NULL)
			ov->slots[slot_find(ov, old[i]->key, old[i]->klen)] = old[i];
	free(old);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	if (d == NULL)
		abort();
	if (n > 0)
		memcpy(d, p, n);
	return d;
}

struct ledger_ov_entry *ledger_ov_add(struct ledger_overlay *ov, const uint8_t *key, size_t klen,
				      bool present, const uint8_t *val, size_t vlen)
{
	struct ledger_ov_entry *e;
	if (klen > LEDGER_KEY_MAX)
		abort();
	if ((ov->n + 1) * 4 > ov->cap * 3)
		rehash(ov);
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		abort();
	memcpy(e->key, key, klen);
	e->klen = (uint8_t)klen;
	e->ohas = e->chas = present;
	if (present) {
		e->orig = dup_bytes(val, vlen);
		e->olen = vlen;
	}
	e->cur = e->orig;
	e->clen = e->olen;
	ov->slots[slot_find(ov, key, klen)] = e;
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
	uint8_t *nv = present ? dup_bytes(val, vlen) : NULL;
	if (e->cur != e->orig)
		free(e->cur);
	e->cur = nv;
	e->clen = present ? vlen : 0;
	e->chas = present;
	e->dirty = true;
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

void ledger_ov_sorted_changes(const struct ledger_overlay *ov, struct ledger_ov_entry ***out,
			      size_t *n)
{
	struct ledger_ov_entry **v = malloc((ov->nall ? ov->nall : 1) * sizeof(*v));
	size_t k = 0;
	if (v == NULL)
		abort();
	for (size_t i = 0; i < ov->nall; i++)
		if (ledger_ov_changed(ov->all[i]))
			v[k++] = ov->all[i];
	qsort(v, k, sizeof(*v), entry_cmp);
	*out = v;
	*n = k;
}
