/* Transaction encoding, decoding, sealing and signatures (tx.h). The
 * stateless checks are in tx_check.c. */
#include "primitives/tx.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "primitives/codec_internal.h"
#include "primitives/tags.h"

static const char *const type_names[TX_TYPE_MAX + 1] = {
	[TX_TRANSFER] = "transfer", [TX_POST] = "post", [TX_VOTE] = "vote",
	[TX_ENDORSE] = "endorse", [TX_FOLLOW] = "follow",
	[TX_UNFOLLOW] = "unfollow", [TX_PROFILE] = "profile",
	[TX_STAKE] = "stake", [TX_UNSTAKE] = "unstake",
	[TX_VALIDATOR] = "validator", [TX_UNJAIL] = "unjail",
};

const char *tx_type_name(uint8_t type)
{
	if (type < TX_TYPE_MIN || type > TX_TYPE_MAX)
		return NULL;
	return type_names[type];
}

uint8_t tx_type_from_name(const char *name)
{
	for (uint8_t t = TX_TYPE_MIN; t <= TX_TYPE_MAX; t++)
		if (strcmp(type_names[t], name) == 0)
			return t;
	return 0;
}

void tx_init(struct tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->version = TX_VERSION;
}

void tx_release(struct tx *tx)
{
	if (tx->owned)
		free((void *)tx->raw);
	memset(tx, 0, sizeof(*tx));
}

/* ------------------------------------------------------------ decoding */

static bool read_text(struct dec *d, struct tx_bytes *out, size_t min, size_t max,
		      enum prim_err len_err)
{
	return dec_bytes(d, &out->p, &out->len, min, max, len_err);
}

static bool read_amount(struct dec *d, uint64_t *out)
{
	if (!dec_varint(d, out))
		return false;
	if (*out < 1 || *out > MAX_MONEY)
		return dec_fail(d, PRIM_ERR_AMOUNT_RANGE);
	return true;
}

static bool read_transfer(struct dec *d, struct tx_transfer *p)
{
	dec_key(d, &p->to);
	read_amount(d, &p->amount);
	return read_text(d, &p->memo, 0, TX_MEMO_MAX, PRIM_ERR_MEMO_LENGTH);
}

/* Bytewise order; a proper prefix sorts first. */
static int bytes_cmp(const struct tx_bytes *a, const struct tx_bytes *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->p, b->p, n) : 0;
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static bool read_tags(struct dec *d, struct tx_post *p)
{
	uint64_t n;
	if (!dec_varint(d, &n))
		return false;
	if (n > TX_MAX_TAGS)
		return dec_fail(d, PRIM_ERR_TAG_COUNT);
	p->ntags = (size_t)n;
	for (size_t i = 0; i < p->ntags; i++) {
		if (!read_text(d, &p->tags[i], 1, TX_TAG_MAX, PRIM_ERR_TAG_LENGTH))
			return false;
		if (i > 0 && bytes_cmp(&p->tags[i - 1], &p->tags[i]) >= 0)
			return dec_fail(d, PRIM_ERR_TAG_ORDER);
	}
	return true;
}

static bool read_post(struct dec *d, struct tx_post *p)
{
	uint8_t has_parent;
	if (!dec_u8(d, &has_parent))
		return false;
	if (has_parent > 1)
		return dec_fail(d, PRIM_ERR_HAS_PARENT);
	p->has_parent = has_parent == 1;
	if (p->has_parent)
		dec_hash(d, &p->parent);
	read_text(d, &p->body, 1, TX_BODY_MAX, PRIM_ERR_BODY_LENGTH);
	return read_tags(d, p);
}

static bool read_vote(struct dec *d, struct tx_vote *p)
{
	uint16_t w;
	dec_hash(d, &p->post);
	if (!dec_u16(d, &w))
		return false;
	/* i16 is u16le two's complement; convert without implementation-defined
	 * casts. */
	int32_t v = w < 0x8000 ? (int32_t)w : (int32_t)w - 0x10000;
	if (v < -TX_WEIGHT_MAX || v > TX_WEIGHT_MAX)
		return dec_fail(d, PRIM_ERR_VOTE_WEIGHT);
	p->weight = (int16_t)v;
	return true;
}

static bool read_endorse(struct dec *d, struct tx_endorse *p)
{
	dec_key(d, &p->subject);
	if (!dec_u16(d, &p->weight))
		return false;
	if (p->weight > TX_WEIGHT_MAX)
		return dec_fail(d, PRIM_ERR_ENDORSE_WEIGHT);
	return true;
}

static bool read_profile(struct dec *d, struct tx_profile *p)
{
	if (!read_text(d, &p->handle, 0, TX_HANDLE_MAX, PRIM_ERR_HANDLE_LENGTH))
		return false;
	if (p->handle.len != 0 && p->handle.len < TX_HANDLE_MIN)
		return dec_fail(d, PRIM_ERR_HANDLE_LENGTH);
	read_text(d, &p->name, 0, TX_NAME_MAX, PRIM_ERR_NAME_LENGTH);
	read_text(d, &p->about, 0, TX_ABOUT_MAX, PRIM_ERR_ABOUT_LENGTH);
	return read_text(d, &p->website, 0, TX_WEBSITE_MAX, PRIM_ERR_WEBSITE_LENGTH);
}

static bool read_validator(struct dec *d, struct tx_validator *p)
{
	dec_key(d, &p->consensus_key);
	read_text(d, &p->moniker, 1, TX_MONIKER_MAX, PRIM_ERR_MONIKER_LENGTH);
	if (!dec_u16(d, &p->commission))
		return false;
	if (p->commission > TX_COMMISSION_MAX)
		return dec_fail(d, PRIM_ERR_COMMISSION_RANGE);
	return true;
}

static bool read_payload(struct dec *d, struct tx *tx)
{
	switch (tx->type) {
	case TX_TRANSFER: return read_transfer(d, &tx->u.transfer);
	case TX_POST: return read_post(d, &tx->u.post);
	case TX_VOTE: return read_vote(d, &tx->u.vote);
	case TX_ENDORSE: return read_endorse(d, &tx->u.endorse);
	case TX_FOLLOW:
	case TX_UNFOLLOW: return dec_key(d, &tx->u.follow.target);
	case TX_PROFILE: return read_profile(d, &tx->u.profile);
	case TX_STAKE:
	case TX_UNSTAKE:
		dec_key(d, &tx->u.stake.validator);
		return read_amount(d, &tx->u.stake.amount);
	case TX_VALIDATOR: return read_validator(d, &tx->u.validator);
	case TX_UNJAIL: return dec_ok(d);
	default: return dec_fail(d, PRIM_ERR_UNKNOWN_TYPE);
	}
}

static bool read_envelope(struct dec *d, struct tx *tx)
{
	if (!dec_u8(d, &tx->version))
		return false;
	if (tx->version != TX_VERSION)
		return dec_fail(d, PRIM_ERR_TX_VERSION);
	if (!dec_chain_id(d, &tx->chain_id) || !dec_u8(d, &tx->type))
		return false;
	if (tx->type < TX_TYPE_MIN || tx->type > TX_TYPE_MAX)
		return dec_fail(d, PRIM_ERR_UNKNOWN_TYPE);
	dec_key(d, &tx->sender);
	dec_varint(d, &tx->nonce);
	if (!dec_varint(d, &tx->fee))
		return false;
	if (tx->fee > MAX_MONEY)
		return dec_fail(d, PRIM_ERR_FEE_RANGE);
	return true;
}

/* Hash the encoding once: both hashes are needed by every reader of a
 * decoded tx (the block's tx_root, the signature check). */
static void tx_hash(struct tx *tx)
{
	tagged_hash(tx->sighash.b, &tag_tx_sig, tx->raw, tx->raw_len - SIG_LEN);
	tagged_hash(tx->txid.b, &tag_txid, tx->raw, tx->raw_len);
}

bool tx_read(struct dec *d, struct tx *out)
{
	const uint8_t *start = dec_pos(d);
	memset(out, 0, sizeof(*out));
	read_envelope(d, out);
	read_payload(d, out);
	if (!dec_raw(d, out->sig, SIG_LEN)) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	out->raw = start;
	out->raw_len = (size_t)(dec_pos(d) - start);
	if (out->raw_len > TX_MAX_SIZE) { /* unreachable with today's limits */
		memset(out, 0, sizeof(*out));
		return dec_fail(d, PRIM_ERR_TOO_LARGE);
	}
	out->sealed = true;
	out->owned = false;
	tx_hash(out);
	return true;
}

/* Decode data[0..len), taking ownership of data (freed on failure). */
static bool decode_owned(struct tx *out, uint8_t *data, size_t len, enum prim_err *err)
{
	struct dec d;
	dec_init(&d, data, len);
	if (len > TX_MAX_SIZE)
		dec_fail(&d, PRIM_ERR_TOO_LARGE);
	if (!tx_read(&d, out) || !dec_finish(&d)) {
		free(data);
		memset(out, 0, sizeof(*out));
		*err = d.err;
		return false;
	}
	out->owned = true;
	*err = PRIM_ERR_OK;
	return true;
}

bool tx_decode(struct tx *out, const uint8_t *data, size_t len, enum prim_err *err)
{
	memset(out, 0, sizeof(*out));
	if (len > TX_MAX_SIZE) {
		*err = PRIM_ERR_TOO_LARGE;
		return false;
	}
	if (len == 0) {
		*err = PRIM_ERR_TRUNCATED;
		return false;
	}
	uint8_t *copy = malloc(len);
	if (!copy) {
		*err = PRIM_ERR_TOO_LARGE;
		return false;
	}
	memcpy(copy, data, len);
	return decode_owned(out, copy, len, err);
}

/* ------------------------------------------------------------ encoding */

static void put_text(struct buf *b, const struct tx_bytes *t)
{
	buf_put_bytes(b, t->p, t->len);
}

static void put_i16(struct buf *b, int16_t v)
{
	/* two's complement, without implementation-defined conversions */
	uint16_t u = v < 0 ? (uint16_t)(0x10000 + (int32_t)v) : (uint16_t)v;
	buf_put_u16le(b, u);
}

static void put_payload(struct buf *b, const struct tx *tx)
{
	const struct tx_post *post = &tx->u.post;
	const struct tx_profile *prof = &tx->u.profile;

	switch (tx->type) {
	case TX_TRANSFER:
		enc_key(b, &tx->u.transfer.to);
		buf_put_varint(b, tx->u.transfer.amount);
		put_text(b, &tx->u.transfer.memo);
		break;
	case TX_POST:
		buf_put_u8(b, post->has_parent ? 1 : 0);
		if (post->has_parent)
			enc_hash(b, &post->parent);
		put_text(b, &post->body);
		buf_put_varint(b, post->ntags);
		for (size_t i = 0; i < post->ntags && i < TX_MAX_TAGS; i++)
			put_text(b, &post->tags[i]);
		break;
	case TX_VOTE:
		enc_hash(b, &tx->u.vote.post);
		put_i16(b, tx->u.vote.weight);
		break;
	case TX_ENDORSE:
		enc_key(b, &tx->u.endorse.subject);
		buf_put_u16le(b, tx->u.endorse.weight);
		break;
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		enc_key(b, &tx->u.follow.target);
		break;
	case TX_PROFILE:
		put_text(b, &prof->handle);
		put_text(b, &prof->name);
		put_text(b, &prof->about);
		put_text(b, &prof->website);
		break;
	case TX_STAKE:
	case TX_UNSTAKE:
		enc_key(b, &tx->u.stake.validator);
		buf_put_varint(b, tx->u.stake.amount);
		break;
	case TX_VALIDATOR:
		enc_key(b, &tx->u.validator.consensus_key);
		put_text(b, &tx->u.validator.moniker);
		buf_put_u16le(b, tx->u.validator.commission);
		break;
	default: /* TX_UNJAIL and unknown types: no payload */
		break;
	}
}

static void put_unsigned(struct buf *b, const struct tx *tx)
{
	buf_put_u8(b, tx->version);
	enc_chain_id(b, &tx->chain_id);
	buf_put_u8(b, tx->type);
	enc_key(b, &tx->sender);
	buf_put_varint(b, tx->nonce);
	buf_put_varint(b, tx->fee);
	put_payload(b, tx);
}

bool tx_encode(struct buf *out, const struct tx *tx)
{
	put_unsigned(out, tx);
	buf_put(out, tx->sig, SIG_LEN);
	return buf_ok(out);
}

bool tx_compute_sighash(struct hash256 *out, const struct tx *tx)
{
	struct buf b = BUF_INIT;
	put_unsigned(&b, tx);
	bool ok = buf_ok(&b);
	if (ok)
		tagged_hash(out->b, &tag_tx_sig, b.data, b.len);
	else
		memset(out, 0, sizeof(*out));
	buf_release(&b);
	return ok;
}

/* Encode in (with signature sig) and decode the result into out. */
static bool seal_into(struct tx *out, const struct tx *in, const uint8_t sig[SIG_LEN],
		      enum prim_err *err)
{
	struct buf b = BUF_INIT;
	put_unsigned(&b, in);
	buf_put(&b, sig, SIG_LEN);
	if (!buf_ok(&b)) {
		buf_release(&b);
		*err = PRIM_ERR_TOO_LARGE;
		return false;
	}
	size_t len;
	uint8_t *data = buf_detach(&b, &len);
	if (!data) {
		*err = PRIM_ERR_TOO_LARGE;
		return false;
	}
	return decode_owned(out, data, len, err);
}

bool tx_seal(struct tx *tx, enum prim_err *err)
{
	struct tx sealed;
	if (!seal_into(&sealed, tx, tx->sig, err))
		return false;
	tx_release(tx);
	*tx = sealed;
	return true;
}

bool tx_sign(struct tx *tx, const struct seckey *sk, const uint8_t aux[32],
	     enum prim_err *err)
{
	struct pubkey pk;
	struct hash256 h;
	uint8_t sig[SIG_LEN];
	struct tx sealed;

	if (!key_pubkey(&pk, sk) || memcmp(pk.b, tx->sender.b, PUBKEY_LEN) != 0) {
		*err = PRIM_ERR_SENDER_KEY;
		return false;
	}
	if (!tx_compute_sighash(&h, tx)) {
		*err = PRIM_ERR_TOO_LARGE;
		return false;
	}
	if (!key_sign(sig, sk, h.b, sizeof(h.b), aux)) {
		*err = PRIM_ERR_SENDER_KEY;
		return false;
	}
	if (!seal_into(&sealed, tx, sig, err))
		return false;
	tx_release(tx);
	*tx = sealed;
	return true;
}

const struct hash256 *tx_id(const struct tx *tx)
{
	assert(tx->sealed);
	return &tx->txid;
}

const struct hash256 *tx_sighash(const struct tx *tx)
{
	assert(tx->sealed);
	return &tx->sighash;
}

bool tx_verify_sig(const struct tx *tx)
{
	assert(tx->sealed);
	return key_verify(tx->sig, tx->sighash.b, sizeof(tx->sighash.b), &tx->sender);
}

bool tx_verify_sig_parsed(const struct tx *tx, const struct pubkey_parsed *sender)
{
	assert(tx->sealed);
	return key_verify_parsed(tx->sig, tx->sighash.b, sizeof(tx->sighash.b), sender);
}

/* Every variable-length field of tx, for re-pointing them. */
static size_t tx_fields(struct tx *tx, struct tx_bytes *f[TX_MAX_TAGS + 1])
{
	size_t n = 0;
	switch (tx->type) {
	case TX_TRANSFER:
		f[n++] = &tx->u.transfer.memo;
		break;
	case TX_POST:
		f[n++] = &tx->u.post.body;
		for (size_t i = 0; i < tx->u.post.ntags; i++)
			f[n++] = &tx->u.post.tags[i];
		break;
	case TX_PROFILE:
		f[n++] = &tx->u.profile.handle;
		f[n++] = &tx->u.profile.name;
		f[n++] = &tx->u.profile.about;
		f[n++] = &tx->u.profile.website;
		break;
	case TX_VALIDATOR:
		f[n++] = &tx->u.validator.moniker;
		break;
	default:
		break;
	}
	return n;
}

bool tx_copy(struct tx *out, const struct tx *in)
{
	struct tx_bytes *f[TX_MAX_TAGS + 1];
	assert(in->sealed);
	memset(out, 0, sizeof(*out));
	uint8_t *raw = malloc(in->raw_len);
	if (!raw)
		return false;
	memcpy(raw, in->raw, in->raw_len);
	*out = *in;
	size_t n = tx_fields(out, f);
	for (size_t i = 0; i < n; i++)
		if (f[i]->p)
			f[i]->p = raw + (f[i]->p - in->raw);
	out->raw = raw;
	out->owned = true;
	return true;
}
