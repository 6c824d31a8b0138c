/* Duplicate-vote evidence (evidence.h). */
#include "primitives/evidence.h"

#include <stdlib.h>
#include <string.h>

#include "primitives/codec_internal.h"
#include "primitives/tags.h"

/* The two conflict rules, in the order the decoder applies them. */
static enum prim_err conflict_error(const struct vote *a, const struct vote *b)
{
	if (a->type != b->type || a->height != b->height || a->round != b->round ||
	    memcmp(a->validator.b, b->validator.b, PUBKEY_LEN) != 0)
		return PRIM_ERR_EVIDENCE_MISMATCH;
	if (memcmp(a->block_id.b, b->block_id.b, sizeof(a->block_id.b)) >= 0)
		return PRIM_ERR_EVIDENCE_ORDER;
	return PRIM_ERR_OK;
}

bool evidence_read(struct dec *d, struct evidence *out)
{
	memset(out, 0, sizeof(*out));
	vote_read(d, &out->a);
	if (!vote_read(d, &out->b))
		return false;
	enum prim_err e = conflict_error(&out->a, &out->b);
	if (e != PRIM_ERR_OK)
		return dec_fail(d, e);
	return true;
}

bool evidence_decode(struct evidence *out, const uint8_t *data, size_t len,
		     enum prim_err *err)
{
	struct dec d;
	dec_init(&d, data, len);
	if (!evidence_read(&d, out) || !dec_finish(&d))
		memset(out, 0, sizeof(*out));
	*err = d.err;
	return *err == PRIM_ERR_OK;
}

bool evidence_encode(struct buf *out, const struct evidence *e)
{
	vote_encode(out, &e->a);
	vote_encode(out, &e->b);
	return buf_ok(out);
}

void evidence_hash(struct hash256 *out, const struct evidence *e)
{
	struct buf b = BUF_INIT;
	if (!evidence_encode(&b, e)) /* out of memory for 282 bytes: fatal */
		abort();
	tagged_hash(out->b, &tag_evidence, b.data, b.len);
	buf_release(&b);
}

bool evidence_make(struct evidence *out, const struct vote *v1, const struct vote *v2,
		   enum prim_err *err)
{
	memset(out, 0, sizeof(*out));
	bool swap = memcmp(v1->block_id.b, v2->block_id.b, sizeof(v1->block_id.b)) > 0;
	const struct vote *a = swap ? v2 : v1, *b = swap ? v1 : v2;
	*err = conflict_error(a, b);
	if (*err != PRIM_ERR_OK)
		return false;
	out->a = *a;
	out->b = *b;
	return true;
}

bool evidence_verify(const struct evidence *e, const struct chain_id *chain, enum prim_err *err)
{
	*err = conflict_error(&e->a, &e->b);
	if (*err != PRIM_ERR_OK)
		return false;
	if (!vote_verify(&e->a, chain) || !vote_verify(&e->b, chain)) {
		*err = PRIM_ERR_BAD_SIGNATURE;
		return false;
	}
	return true;
}
