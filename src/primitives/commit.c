/* Commits (commit.h). */
#include "primitives/commit.h"

#include <stdlib.h>
#include <string.h>

#include "primitives/codec_internal.h"
#include "primitives/tags.h"
#include "primitives/vote.h"

void commit_init_empty(struct commit *c)
{
	memset(c, 0, sizeof(*c));
}

/* The shape rules, checked as soon as n is known: the empty commit is the
 * only commit without entries, and a commit with entries names a block at
 * height >= 1. */
static bool check_shape(struct dec *d, const struct commit *c)
{
	if (c->n == 0) {
		if (c->height != 0 || c->round != 0 || !hash_is_zero(&c->block_id))
			return dec_fail(d, PRIM_ERR_COMMIT_EMPTY);
		return true;
	}
	if (c->height == 0)
		return dec_fail(d, PRIM_ERR_COMMIT_EMPTY);
	if (hash_is_zero(&c->block_id))
		return dec_fail(d, PRIM_ERR_COMMIT_NIL);
	return true;
}

static bool read_entries(struct dec *d, struct commit *c)
{
	for (size_t i = 0; i < c->n; i++) {
		uint8_t flag;
		if (!dec_u8(d, &flag))
			return false;
		if (flag > 1)
			return dec_fail(d, PRIM_ERR_COMMIT_FLAG);
		c->present[i] = flag == 1;
		if (c->present[i] && !dec_raw(d, c->sigs[i], SIG_LEN))
			return false;
	}
	return true;
}

bool commit_read(struct dec *d, struct commit *out)
{
	uint64_t n;
	memset(out, 0, sizeof(*out));
	dec_u64(d, &out->height);
	dec_u32(d, &out->round);
	dec_hash(d, &out->block_id);
	if (!dec_varint(d, &n))
		return false;
	if (n > MAX_VALIDATORS)
		return dec_fail(d, PRIM_ERR_COMMIT_COUNT);
	out->n = (size_t)n;
	if (!check_shape(d, out))
		return false;
	return read_entries(d, out);
}

bool commit_decode(struct commit *out, const uint8_t *data, size_t len, enum prim_err *err)
{
	struct dec d;
	dec_init(&d, data, len);
	if (!commit_read(&d, out) || !dec_finish(&d))
		memset(out, 0, sizeof(*out));
	*err = d.err;
	return *err == PRIM_ERR_OK;
}

bool commit_encode(struct buf *out, const struct commit *c)
{
	buf_put_u64le(out, c->height);
	buf_put_u32le(out, c->round);
	enc_hash(out, &c->block_id);
	buf_put_varint(out, c->n);
	for (size_t i = 0; i < c->n && i < MAX_VALIDATORS; i++) {
		buf_put_u8(out, c->present[i] ? 1 : 0);
		if (c->present[i])
			buf_put(out, c->sigs[i], SIG_LEN);
	}
	return buf_ok(out);
}

void commit_hash(struct hash256 *out, const struct commit *c)
{
	struct buf b = BUF_INIT;
	/* Only running out of memory can fail here (at most ~9.8 KB); like
	 * sha256_init, treat that as fatal rather than return a hash that
	 * some header could match. */
	if (!commit_encode(&b, c))
		abort();
	tagged_hash(out->b, &tag_commit, b.data, b.len);
	buf_release(&b);
}

void commit_sighash(struct hash256 *out, const struct commit *c, const struct chain_id *chain)
{
	vote_sighash_of(out, chain, VOTE_PRECOMMIT, c->height, c->round, &c->block_id);
}

/* a * m as a 128-bit value (hi, lo), for small m. */
static void mul_small(uint64_t a, uint32_t m, uint64_t *hi, uint64_t *lo)
{
	uint64_t ah = a >> 32, al = a & 0xffffffffu;
	uint64_t pl = al * m, ph = ah * m;
	*lo = a * m;
	*hi = (ph + (pl >> 32)) >> 32;
}

/* 3 * present > 2 * total, exactly. */
static bool above_two_thirds(uint64_t present, uint64_t total)
{
	uint64_t h3, l3, h2, l2;
	mul_small(present, 3, &h3, &l3);
	mul_small(total, 2, &h2, &l2);
	return h3 > h2 || (h3 == h2 && l3 > l2);
}

static bool fail(enum prim_err *err, enum prim_err e)
{
	*err = e;
	return false;
}

bool commit_verify(const struct commit *c, const struct chain_id *chain,
		   const struct pubkey *set_keys, const uint64_t *set_power, size_t set_len,
		   enum prim_err *err)
{
	uint64_t total = 0, present = 0;
	struct hash256 h;

	*err = PRIM_ERR_OK;
	if (c->n != set_len)
		return fail(err, PRIM_ERR_COMMIT_SET_SIZE);
	if (c->n == 0 || hash_is_zero(&c->block_id))
		return fail(err, PRIM_ERR_COMMIT_NIL);
	for (size_t i = 0; i < set_len; i++) {
		if (set_power[i] > UINT64_MAX - total)
			return fail(err, PRIM_ERR_COMMIT_POWER);
		total += set_power[i];
		if (c->present[i])
			present += set_power[i];
	}
	if (total == 0 || !above_two_thirds(present, total))
		return fail(err, PRIM_ERR_COMMIT_POWER);
	commit_sighash(&h, c, chain);
	for (size_t i = 0; i < set_len; i++)
		if (c->present[i] && !key_verify(c->sigs[i], h.b, sizeof(h.b), &set_keys[i]))
			return fail(err, PRIM_ERR_BAD_SIGNATURE);
	return true;
}
