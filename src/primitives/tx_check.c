/* Stateless transaction checks (tx.h, tx_check): what needs no chain state
 * but more than the decoder's structural rules. Order matters: the first
 * failing check in field order is the reason (doc/protocol.md). */
#include "primitives/tx.h"

#include "util/utf8.h"

static bool fail(enum prim_err *err, enum prim_err e)
{
	*err = e;
	return false;
}

/* Valid UTF-8 without U+0000 (utf8_valid refuses NUL): text shown to
 * people and stored as C strings by clients must not be cut short. */
static bool text_ok(const struct tx_bytes *t)
{
	return utf8_valid(t->p, t->len);
}

/* The character set of tags and handles: a-z, 0-9 and _. */
static bool ident_ok(const struct tx_bytes *t)
{
	for (size_t i = 0; i < t->len; i++) {
		uint8_t c = t->p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static bool check_post(const struct tx_post *p, enum prim_err *err)
{
	if (!text_ok(&p->body))
		return fail(err, PRIM_ERR_BODY_UTF8);
	for (size_t i = 0; i < p->ntags; i++)
		if (p->tags[i].len == 0 || !ident_ok(&p->tags[i]))
			return fail(err, PRIM_ERR_TAG_CHARS);
	return true;
}

static bool check_profile(const struct tx_profile *p, enum prim_err *err)
{
	if (!ident_ok(&p->handle))
		return fail(err, PRIM_ERR_HANDLE_CHARS);
	if (!text_ok(&p->name))
		return fail(err, PRIM_ERR_NAME_UTF8);
	if (!text_ok(&p->about))
		return fail(err, PRIM_ERR_ABOUT_UTF8);
	if (!text_ok(&p->website))
		return fail(err, PRIM_ERR_WEBSITE_UTF8);
	return true;
}

/* How a key is judged: by key_pubkey_valid, or by a caller's function
 * that gives the same answer (tx_check_payload_with). */
struct key_judge {
	tx_key_valid_fn *fn;
	void *ctx;
};

static bool check_key(const struct key_judge *j, const struct pubkey *k, enum prim_err e,
		      enum prim_err *err)
{
	bool ok = j->fn != NULL ? j->fn(j->ctx, k) : key_pubkey_valid(k);
	return ok ? true : fail(err, e);
}

static bool check_payload(const struct tx *tx, const struct key_judge *j, enum prim_err *err)
{
	switch (tx->type) {
	case TX_TRANSFER:
		if (!check_key(j, &tx->u.transfer.to, PRIM_ERR_TO_KEY, err))
			return false;
		return text_ok(&tx->u.transfer.memo) ? true : fail(err, PRIM_ERR_MEMO_UTF8);
	case TX_POST:
		return check_post(&tx->u.post, err);
	case TX_ENDORSE:
		return check_key(j, &tx->u.endorse.subject, PRIM_ERR_SUBJECT_KEY, err);
	case TX_FOLLOW:
	case TX_UNFOLLOW:
		return check_key(j, &tx->u.follow.target, PRIM_ERR_TARGET_KEY, err);
	case TX_PROFILE:
		return check_profile(&tx->u.profile, err);
	case TX_STAKE:
	case TX_UNSTAKE:
		return check_key(j, &tx->u.stake.validator, PRIM_ERR_VALIDATOR_KEY, err);
	case TX_VALIDATOR:
		if (!check_key(j, &tx->u.validator.consensus_key, PRIM_ERR_CONSENSUS_KEY, err))
			return false;
		return text_ok(&tx->u.validator.moniker) ? true : fail(err, PRIM_ERR_MONIKER_UTF8);
	case TX_VOTE:
	case TX_UNJAIL:
		return true;
	default:
		return fail(err, PRIM_ERR_UNKNOWN_TYPE);
	}
}

bool tx_check(const struct tx *tx, enum prim_err *err)
{
	static const struct key_judge plain = { NULL, NULL };
	*err = PRIM_ERR_OK;
	if (!check_key(&plain, &tx->sender, PRIM_ERR_SENDER_KEY, err))
		return false;
	return check_payload(tx, &plain, err);
}

bool tx_check_payload(const struct tx *tx, enum prim_err *err)
{
	return tx_check_payload_with(tx, err, NULL, NULL);
}

bool tx_check_payload_with(const struct tx *tx, enum prim_err *err, tx_key_valid_fn *valid,
			   void *ctx)
{
	const struct key_judge j = { valid, ctx };
	*err = PRIM_ERR_OK;
	return check_payload(tx, &j, err);
}
