/* Decoding cursor and shared field codecs (codec_internal.h). */
#include "primitives/codec_internal.h"

#include <string.h>

void dec_init(struct dec *d, const uint8_t *data, size_t len)
{
	reader_init(&d->r, data, len);
	d->err = PRIM_ERR_OK;
}

bool dec_fail(struct dec *d, enum prim_err err)
{
	if (d->err == PRIM_ERR_OK)
		d->err = err;
	reader_fail(&d->r);
	return false;
}

bool dec_finish(struct dec *d)
{
	if (dec_ok(d) && reader_remaining(&d->r) != 0)
		dec_fail(d, PRIM_ERR_TRAILING);
	return dec_ok(d);
}

bool dec_raw(struct dec *d, void *out, size_t n)
{
	if (!dec_ok(d)) {
		memset(out, 0, n);
		return false;
	}
	if (!reader_get(&d->r, out, n))
		return dec_fail(d, PRIM_ERR_TRUNCATED);
	return true;
}

bool dec_u8(struct dec *d, uint8_t *out)
{
	return dec_raw(d, out, 1);
}

bool dec_u16(struct dec *d, uint16_t *out)
{
	*out = 0;
	if (!dec_ok(d))
		return false;
	if (!reader_get_u16le(&d->r, out))
		return dec_fail(d, PRIM_ERR_TRUNCATED);
	return true;
}

bool dec_u32(struct dec *d, uint32_t *out)
{
	*out = 0;
	if (!dec_ok(d))
		return false;
	if (!reader_get_u32le(&d->r, out))
		return dec_fail(d, PRIM_ERR_TRUNCATED);
	return true;
}

bool dec_u64(struct dec *d, uint64_t *out)
{
	*out = 0;
	if (!dec_ok(d))
		return false;
	if (!reader_get_u64le(&d->r, out))
		return dec_fail(d, PRIM_ERR_TRUNCATED);
	return true;
}

/* Why reader_get_varint would refuse the bytes at p[0..left): the reader
 * only says that it failed, and the reason is part of the protocol. */
static enum prim_err varint_error(const uint8_t *p, size_t left)
{
	for (size_t i = 0; i < 10; i++) {
		if (i >= left)
			return PRIM_ERR_TRUNCATED;
		if (i == 9 && p[i] > 1)
			return PRIM_ERR_VARINT_OVERFLOW;
		if (!(p[i] & 0x80))
			return PRIM_ERR_VARINT_NONCANONICAL;
	}
	return PRIM_ERR_VARINT_OVERFLOW; /* not reached: i == 9 returns */
}

bool dec_varint(struct dec *d, uint64_t *out)
{
	*out = 0;
	if (!dec_ok(d))
		return false;
	const uint8_t *p = d->r.p;
	size_t left = d->r.left;
	if (!reader_get_varint(&d->r, out))
		return dec_fail(d, varint_error(p, left));
	return true;
}

bool dec_hash(struct dec *d, struct hash256 *out)
{
	return dec_raw(d, out->b, sizeof(out->b));
}

bool dec_key(struct dec *d, struct pubkey *out)
{
	return dec_raw(d, out->b, sizeof(out->b));
}

bool dec_bytes(struct dec *d, const uint8_t **out, size_t *n,
	       size_t min, size_t max, enum prim_err len_err)
{
	uint64_t len;
	*out = NULL;
	*n = 0;
	if (!dec_varint(d, &len))
		return false;
	if (len < min || len > max)
		return dec_fail(d, len_err);
	if (!reader_view(&d->r, out, (size_t)len))
		return dec_fail(d, PRIM_ERR_TRUNCATED);
	*n = (size_t)len;
	return true;
}

bool dec_chain_id(struct dec *d, struct chain_id *out)
{
	const uint8_t *s;
	size_t n;
	memset(out, 0, sizeof(*out));
	if (!dec_bytes(d, &s, &n, CHAIN_ID_MIN_LEN, CHAIN_ID_MAX_LEN, PRIM_ERR_CHAIN_ID))
		return false;
	if (!chain_id_set(out, s, n))
		return dec_fail(d, PRIM_ERR_CHAIN_ID);
	return true;
}

void enc_hash(struct buf *b, const struct hash256 *h)
{
	buf_put(b, h->b, sizeof(h->b));
}

void enc_key(struct buf *b, const struct pubkey *k)
{
	buf_put(b, k->b, sizeof(k->b));
}

void enc_chain_id(struct buf *b, const struct chain_id *c)
{
	buf_put_bytes(b, c->s, c->len);
}

bool hash_is_zero(const struct hash256 *h)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < sizeof(h->b); i++)
		acc |= h->b[i];
	return acc == 0;
}
