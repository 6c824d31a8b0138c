/* Validator sets: the genesis set, its hash (doc/protocol.md §12.1). */
#include "config.h"

#include <string.h>

#include "consensus/consensus.h"
#include "primitives/merkle.h"

void cons_valset_from_genesis(struct cons_valset *out, const struct ledger_genesis *g)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < g->nvalidators && i < MAX_VALIDATORS; i++) {
		out->keys[i] = g->validators[i].consensus_key;
		out->operators[i] = g->validators[i].operator_key;
		out->power[i] = g->validators[i].stake;
		out->n++;
	}
}

/* leaf(i) = tagged("Rostra/validator", K[i] || u64le P[i]) */
static void cons_valset_leaf(struct hash256 *out, const void *ctx, size_t i)
{
	const struct cons_valset *s = ctx;
	struct hash_tag tag;
	uint8_t m[PUBKEY_LEN + 8];
	hash_tag_init(&tag, "Rostra/validator");
	memcpy(m, s->keys[i].b, PUBKEY_LEN);
	for (size_t k = 0; k < 8; k++)
		m[PUBKEY_LEN + k] = (uint8_t)(s->power[i] >> (8 * k));
	tagged_hash(out->b, &tag, m, sizeof(m));
}

void cons_valset_hash(struct hash256 *out, const struct cons_valset *s)
{
	merkle_root_fn(out, cons_valset_leaf, s, s->n);
}

int cons_valset_find(const struct cons_valset *s, const struct pubkey *k)
{
	for (size_t i = 0; i < s->n; i++)
		if (memcmp(s->keys[i].b, k->b, PUBKEY_LEN) == 0)
			return (int)i;
	return -1;
}

uint64_t cons_valset_total(const struct cons_valset *s)
{
	uint64_t t = 0;
	for (size_t i = 0; i < s->n; i++)
		t = s->power[i] > UINT64_MAX - t ? UINT64_MAX : t + s->power[i];
	return t;
}
