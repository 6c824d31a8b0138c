/* Block headers and blocks (block.h). */
#include "primitives/block.h"

#include <stdlib.h>
#include <string.h>

#include "primitives/codec_internal.h"
#include "primitives/merkle.h"
#include "primitives/tags.h"

/* ------------------------------------------------------------- header */

bool block_header_read(struct dec *d, struct block_header *out)
{
	memset(out, 0, sizeof(*out));
	if (!dec_u32(d, &out->version))
		return false;
	if (out->version > BLOCK_VERSION)
		return dec_fail(d, PRIM_ERR_UPGRADE_REQUIRED);
	if (out->version != BLOCK_VERSION)
		return dec_fail(d, PRIM_ERR_HEADER_VERSION);
	dec_chain_id(d, &out->chain_id);
	dec_u64(d, &out->height);
	dec_u64(d, &out->time);
	dec_hash(d, &out->prev_block);
	dec_hash(d, &out->tx_root);
	dec_hash(d, &out->state_root);
	dec_hash(d, &out->last_commit_hash);
	dec_hash(d, &out->evidence_root);
	dec_hash(d, &out->validators_hash);
	dec_hash(d, &out->next_validators_hash);
	return dec_key(d, &out->proposer);
}

bool block_header_decode(struct block_header *out, const uint8_t *data, size_t len,
			 enum prim_err *err)
{
	struct dec d;
	dec_init(&d, data, len);
	if (!block_header_read(&d, out) || !dec_finish(&d))
		memset(out, 0, sizeof(*out));
	*err = d.err;
	return *err == PRIM_ERR_OK;
}

bool block_header_encode(struct buf *out, const struct block_header *h)
{
	buf_put_u32le(out, h->version);
	enc_chain_id(out, &h->chain_id);
	buf_put_u64le(out, h->height);
	buf_put_u64le(out, h->time);
	enc_hash(out, &h->prev_block);
	enc_hash(out, &h->tx_root);
	enc_hash(out, &h->state_root);
	enc_hash(out, &h->last_commit_hash);
	enc_hash(out, &h->evidence_root);
	enc_hash(out, &h->validators_hash);
	enc_hash(out, &h->next_validators_hash);
	enc_key(out, &h->proposer);
	return buf_ok(out);
}

void block_header_id(struct hash256 *out, const struct block_header *h)
{
	struct buf b = BUF_INIT;
	if (!block_header_encode(&b, h)) /* out of memory for ~300 bytes: fatal */
		abort();
	tagged_hash(out->b, &tag_block, b.data, b.len);
	buf_release(&b);
}

/* -------------------------------------------------------------- block */

void block_init(struct block *b)
{
	memset(b, 0, sizeof(*b));
}

void block_release(struct block *b)
{
	for (size_t i = 0; i < b->ntx; i++)
		tx_release(&b->txs[i]);
	free(b->txs);
	free(b->raw);
	memset(b, 0, sizeof(*b));
}

/* Grow b->txs to hold at least want entries (want <= BLOCK_MAX_TXS).
 * Growth follows the bytes actually read, so a large declared count costs
 * nothing until that many transactions are there. */
static bool grow_txs(struct block *b, size_t *cap, size_t want)
{
	if (want <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 16;
	if (n > BLOCK_MAX_TXS)
		n = BLOCK_MAX_TXS;
	struct tx *p = realloc(b->txs, n * sizeof(*p));
	if (!p)
		return false;
	b->txs = p;
	*cap = n;
	return true;
}

static bool read_txs(struct dec *d, struct block *b)
{
	uint64_t n;
	size_t cap = 0;
	if (!dec_varint(d, &n))
		return false;
	if (n > BLOCK_MAX_TXS)
		return dec_fail(d, PRIM_ERR_TX_COUNT);
	for (size_t i = 0; i < n; i++) {
		if (!grow_txs(b, &cap, i + 1))
			return dec_fail(d, PRIM_ERR_TOO_LARGE); /* out of memory */
		if (!tx_read(d, &b->txs[i]))
			return false;
		b->ntx = i + 1;
	}
	return true;
}

static bool read_evidence(struct dec *d, struct block *b)
{
	uint64_t n;
	if (!dec_varint(d, &n))
		return false;
	if (n > BLOCK_MAX_EVIDENCE)
		return dec_fail(d, PRIM_ERR_EVIDENCE_COUNT);
	for (size_t i = 0; i < n; i++) {
		if (!evidence_read(d, &b->evidence[i]))
			return false;
		b->nevidence = i + 1;
	}
	return true;
}

static bool read_block(struct dec *d, struct block *b)
{
	const uint8_t *start = dec_pos(d);
	if (!block_header_read(d, &b->header))
		return false;
	tagged_hash(b->id.b, &tag_block, start, (size_t)(dec_pos(d) - start));
	read_txs(d, b);
	commit_read(d, &b->last_commit);
	read_evidence(d, b);
	return dec_finish(d);
}

bool block_decode(struct block *out, const uint8_t *data, size_t len, enum prim_err *err)
{
	block_init(out);
	if (len > BLOCK_MAX_SIZE) {
		*err = PRIM_ERR_TOO_LARGE;
		return false;
	}
	if (len == 0) {
		*err = PRIM_ERR_TRUNCATED;
		return false;
	}
	out->raw = malloc(len);
	if (!out->raw) {
		*err = PRIM_ERR_TOO_LARGE;
		return false;
	}
	memcpy(out->raw, data, len);
	out->raw_len = len;

	struct dec d;
	dec_init(&d, out->raw, len);
	if (!read_block(&d, out)) {
		block_release(out);
		*err = d.err;
		return false;
	}
	*err = PRIM_ERR_OK;
	return true;
}

bool block_encode(struct buf *out, const struct block *b)
{
	block_header_encode(out, &b->header);
	buf_put_varint(out, b->ntx);
	for (size_t i = 0; i < b->ntx; i++)
		tx_encode(out, &b->txs[i]);
	commit_encode(out, &b->last_commit);
	buf_put_varint(out, b->nevidence);
	for (size_t i = 0; i < b->nevidence && i < BLOCK_MAX_EVIDENCE; i++)
		evidence_encode(out, &b->evidence[i]);
	return buf_ok(out);
}

/* ------------------------------------------------------------- checks */

static void txid_leaf(struct hash256 *out, const void *ctx, size_t i)
{
	*out = *tx_id(&((const struct block *)ctx)->txs[i]);
}

static void evidence_leaf(struct hash256 *out, const void *ctx, size_t i)
{
	evidence_hash(out, &((const struct block *)ctx)->evidence[i]);
}

void block_compute_roots(struct hash256 *tx_root, struct hash256 *evidence_root,
			 struct hash256 *last_commit_hash, const struct block *b)
{
	if (tx_root)
		merkle_root_fn(tx_root, txid_leaf, b, b->ntx);
	if (evidence_root)
		merkle_root_fn(evidence_root, evidence_leaf, b, b->nevidence);
	if (last_commit_hash)
		commit_hash(last_commit_hash, &b->last_commit);
}

static bool fail(enum prim_err *err, enum prim_err e)
{
	*err = e;
	return false;
}

static bool hash_eq(const struct hash256 *a, const struct hash256 *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

bool block_check(const struct block *b, enum prim_err *err)
{
	const struct block_header *h = &b->header;
	struct hash256 tx_root, ev_root, lc_hash;

	*err = PRIM_ERR_OK;
	if (h->height < 1)
		return fail(err, PRIM_ERR_BLOCK_HEIGHT);
	if (b->last_commit.height != h->height - 1)
		return fail(err, PRIM_ERR_LAST_COMMIT_HEIGHT);
	block_compute_roots(&tx_root, &ev_root, &lc_hash, b);
	if (!hash_eq(&lc_hash, &h->last_commit_hash))
		return fail(err, PRIM_ERR_LAST_COMMIT_HASH);
	if (!hash_eq(&tx_root, &h->tx_root))
		return fail(err, PRIM_ERR_TX_ROOT);
	if (!hash_eq(&ev_root, &h->evidence_root))
		return fail(err, PRIM_ERR_EVIDENCE_ROOT);
	for (size_t i = 0; i < b->ntx; i++) {
		if (!chain_id_eq(&b->txs[i].chain_id, &h->chain_id))
			return fail(err, PRIM_ERR_TX_CHAIN_ID);
		if (!tx_check(&b->txs[i], err))
			return false;
	}
	return true;
}
