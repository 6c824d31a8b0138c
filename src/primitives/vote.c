/* Votes and proposals (vote.h). */
#include "primitives/vote.h"

#include <string.h>

#include "primitives/codec_internal.h"
#include "primitives/tags.h"

/* Large enough for any signed vote or proposal message. */
#define SIGN_MSG_MAX (1 + CHAIN_ID_MAX_LEN + 1 + 8 + 4 + 4 + 32)
_Static_assert(CHAIN_ID_MAX_LEN < 128, "a chain id length is a one-byte varint");

bool vote_read(struct dec *d, struct vote *out)
{
	memset(out, 0, sizeof(*out));
	if (!dec_u8(d, &out->type))
		return false;
	if (out->type != VOTE_PREVOTE && out->type != VOTE_PRECOMMIT)
		return dec_fail(d, PRIM_ERR_VOTE_TYPE);
	dec_u64(d, &out->height);
	dec_u32(d, &out->round);
	dec_hash(d, &out->block_id);
	dec_key(d, &out->validator);
	return dec_raw(d, out->sig, SIG_LEN);
}

bool vote_decode(struct vote *out, const uint8_t *data, size_t len, enum prim_err *err)
{
	struct dec d;
	dec_init(&d, data, len);
	if (!vote_read(&d, out) || !dec_finish(&d))
		memset(out, 0, sizeof(*out));
	*err = d.err;
	return *err == PRIM_ERR_OK;
}

bool vote_encode(struct buf *out, const struct vote *v)
{
	buf_put_u8(out, v->type);
	buf_put_u64le(out, v->height);
	buf_put_u32le(out, v->round);
	enc_hash(out, &v->block_id);
	enc_key(out, &v->validator);
	buf_put(out, v->sig, SIG_LEN);
	return buf_ok(out);
}

/* Signed messages are short and fixed in shape: they are built on the
 * stack, so signing and verifying never allocate. */
struct sign_msg {
	uint8_t b[SIGN_MSG_MAX];
	size_t len;
};

static void msg_put(struct sign_msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->len, p, n); /* callers stay within SIGN_MSG_MAX */
	m->len += n;
}

static void msg_le(struct sign_msg *m, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m->b[m->len++] = (uint8_t)(v >> (8 * i));
}

/* chain id as "bytes": its length (< 128, so a one-byte varint) then the
 * characters. */
static void msg_chain_id(struct sign_msg *m, const struct chain_id *chain)
{
	m->len = 0;
	m->b[m->len++] = chain->len;
	msg_put(m, chain->s, chain->len);
}

void vote_sighash_of(struct hash256 *out, const struct chain_id *chain, uint8_t type,
		     uint64_t height, uint32_t round, const struct hash256 *block_id)
{
	struct sign_msg m;
	msg_chain_id(&m, chain);
	msg_le(&m, type, 1);
	msg_le(&m, height, 8);
	msg_le(&m, round, 4);
	msg_put(&m, block_id->b, sizeof(block_id->b));
	tagged_hash(out->b, &tag_vote, m.b, m.len);
}

void vote_sighash(struct hash256 *out, const struct vote *v, const struct chain_id *chain)
{
	vote_sighash_of(out, chain, v->type, v->height, v->round, &v->block_id);
}

/* Sign hash h with sk after checking that sk belongs to expected. */
static bool sign_as(uint8_t sig[SIG_LEN], const struct seckey *sk, const struct pubkey *expected,
		    const struct hash256 *h, const uint8_t aux[32])
{
	struct pubkey pk;
	memset(sig, 0, SIG_LEN);
	if (!key_pubkey(&pk, sk) || memcmp(pk.b, expected->b, PUBKEY_LEN) != 0)
		return false;
	return key_sign(sig, sk, h->b, sizeof(h->b), aux);
}

bool vote_sign(struct vote *v, const struct chain_id *chain, const struct seckey *sk,
	       const uint8_t aux[32])
{
	struct hash256 h;
	vote_sighash(&h, v, chain);
	return sign_as(v->sig, sk, &v->validator, &h, aux);
}

bool vote_verify(const struct vote *v, const struct chain_id *chain)
{
	struct hash256 h;
	vote_sighash(&h, v, chain);
	return key_verify(v->sig, h.b, sizeof(h.b), &v->validator);
}

bool vote_is_nil(const struct vote *v)
{
	return hash_is_zero(&v->block_id);
}

static bool proposal_read(struct dec *d, struct proposal *out)
{
	memset(out, 0, sizeof(*out));
	dec_u64(d, &out->height);
	dec_u32(d, &out->round);
	if (!dec_u32(d, &out->pol_round))
		return false;
	if (out->pol_round != POL_ROUND_NONE && out->pol_round >= out->round)
		return dec_fail(d, PRIM_ERR_POL_ROUND);
	if (!dec_hash(d, &out->block_id))
		return false;
	if (hash_is_zero(&out->block_id))
		return dec_fail(d, PRIM_ERR_PROPOSAL_NIL);
	dec_key(d, &out->proposer);
	return dec_raw(d, out->sig, SIG_LEN);
}

bool proposal_decode(struct proposal *out, const uint8_t *data, size_t len,
		     enum prim_err *err)
{
	struct dec d;
	dec_init(&d, data, len);
	if (!proposal_read(&d, out) || !dec_finish(&d))
		memset(out, 0, sizeof(*out));
	*err = d.err;
	return *err == PRIM_ERR_OK;
}

bool proposal_encode(struct buf *out, const struct proposal *p)
{
	buf_put_u64le(out, p->height);
	buf_put_u32le(out, p->round);
	buf_put_u32le(out, p->pol_round);
	enc_hash(out, &p->block_id);
	enc_key(out, &p->proposer);
	buf_put(out, p->sig, SIG_LEN);
	return buf_ok(out);
}

void proposal_sighash(struct hash256 *out, const struct proposal *p, const struct chain_id *chain)
{
	struct sign_msg m;
	msg_chain_id(&m, chain);
	msg_le(&m, p->height, 8);
	msg_le(&m, p->round, 4);
	msg_le(&m, p->pol_round, 4);
	msg_put(&m, p->block_id.b, sizeof(p->block_id.b));
	tagged_hash(out->b, &tag_proposal, m.b, m.len);
}

bool proposal_sign(struct proposal *p, const struct chain_id *chain, const struct seckey *sk,
		   const uint8_t aux[32])
{
	struct hash256 h;
	proposal_sighash(&h, p, chain);
	return sign_as(p->sig, sk, &p->proposer, &h, aux);
}

bool proposal_verify(const struct proposal *p, const struct chain_id *chain)
{
	struct hash256 h;
	proposal_sighash(&h, p, chain);
	return key_verify(p->sig, h.b, sizeof(h.b), &p->proposer);
}
