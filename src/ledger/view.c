/* Reads and writes of state through an execution's change set
 * (ledger_internal.h, "view"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

void ledger_view_init(struct ledger_view *v, struct ledger *l, struct db_snapshot *snap)
{
	memset(v, 0, sizeof(*v));
	v->l = l;
	v->snap = snap;
	ledger_ov_init(&v->ov, l->seed);
	ledger_error_clear(&v->err);
	buf_init(&v->tmp);
	buf_init(&v->rd);
}

void ledger_view_release(struct ledger_view *v)
{
	ledger_ov_release(&v->ov);
	buf_release(&v->tmp);
	buf_release(&v->rd);
}

bool ledger_view_error(const struct ledger_view *v, struct ledger_error *err)
{
	if (err != NULL)
		*err = v->err;
	return false;
}

static void key_hex(char *out, size_t cap, const uint8_t *k, size_t n)
{
	size_t j = 0;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n && j + 3 <= cap; i++) {
		out[j++] = hex[k[i] >> 4];
		out[j++] = hex[k[i] & 15];
	}
	out[j < cap ? j : cap - 1] = '\0';
}

bool ledger_view_corrupt(struct ledger_view *v, const struct ledger_key *k, const char *what)
{
	char hk[2 * LEDGER_KEY_MAX + 1];
	if (v->failed)
		return false;
	key_hex(hk, sizeof(hk), k->b, k->len);
	v->failed = true;
	ledger_fail(&v->err, LEDGER_ERR_CORRUPT, "malformed %s record under key %s", what, hk);
	return false;
}

/* Load the committed value of a key (hash h) into a new entry. */
static bool load(struct ledger_view *v, struct ledger_ov_entry **out, const struct ledger_key *k,
		 uint64_t h)
{
	struct ledger *l = v->l;
	bool present;
	const uint8_t *val;
	size_t vlen;
	char err[DB_ERR_LEN];

	if (l->cache != NULL &&
	    ledger_cache_get_h(l->cache, &present, &val, &vlen, k->b, k->len, h)) {
		*out = ledger_ov_add_h(&v->ov, k->b, k->len, h, present, val, vlen);
		return true;
	}
	if (!db_get(l->db, v->snap, &v->rd, &present, err, sizeof(err), k->b, k->len)) {
		v->failed = true;
		return ledger_fail(&v->err, LEDGER_ERR_IO, "database read failed: %s", err);
	}
	if (l->cache != NULL)
		ledger_cache_put_h(l->cache, k->b, k->len, h, present, v->rd.data, v->rd.len);
	*out = ledger_ov_add_h(&v->ov, k->b, k->len, h, present, v->rd.data, v->rd.len);
	return true;
}

bool ledger_view_entry(struct ledger_view *v, struct ledger_ov_entry **e, const struct ledger_key *k)
{
	uint64_t h;

	*e = NULL;
	if (v->failed)
		return false;
	/* One hash for the overlay and the cache (both under l->seed). */
	h = ledger_ov_hash(&v->ov, k->b, k->len);
	*e = ledger_ov_find_h(&v->ov, k->b, k->len, h);
	if (*e != NULL)
		return true;
	return load(v, e, k, h);
}

bool ledger_view_get(struct ledger_view *v, bool *present, const uint8_t **val, size_t *vlen,
		     const struct ledger_key *k)
{
	struct ledger_ov_entry *e;
	*present = false;
	*val = NULL;
	*vlen = 0;
	if (!ledger_view_entry(v, &e, k))
		return false;
	*present = e->chas;
	if (e->chas) {
		*val = e->cur;
		*vlen = e->clen;
	}
	return true;
}

bool ledger_view_put(struct ledger_view *v, const struct ledger_key *k, const uint8_t *val,
		     size_t vlen)
{
	struct ledger_ov_entry *e;
	if (!ledger_view_entry(v, &e, k))
		return false;
	ledger_ov_set(e, true, val, vlen);
	return true;
}

bool ledger_view_put_new(struct ledger_view *v, const struct ledger_key *k, const uint8_t *val,
			 size_t vlen)
{
	struct ledger_ov_entry *e;
	uint64_t h;
	if (v->failed)
		return false;
	h = ledger_ov_hash(&v->ov, k->b, k->len);
	e = ledger_ov_find_h(&v->ov, k->b, k->len, h);
	if (e == NULL)
		e = ledger_ov_add_h(&v->ov, k->b, k->len, h, false, NULL, 0);
	ledger_ov_set(e, true, val, vlen);
	return true;
}

bool ledger_view_del(struct ledger_view *v, const struct ledger_key *k)
{
	struct ledger_ov_entry *e;
	if (!ledger_view_entry(v, &e, k))
		return false;
	ledger_ov_set(e, false, NULL, 0);
	return true;
}

void ledger_view_put_blind(struct ledger_view *v, const struct ledger_key *k, bool present,
			   const uint8_t *val, size_t vlen)
{
	struct ledger_ov_entry *e;
	/* The state root needs the old value of every consensus key. */
	if (ledger_prefix_is_consensus(k->b[0]))
		abort();
	e = ledger_ov_find(&v->ov, k->b, k->len);
	if (e == NULL) {
		e = ledger_ov_add(&v->ov, k->b, k->len, false, NULL, 0);
		e->blind = true;
	}
	ledger_ov_set(e, present, val, vlen);
}

/* Encode into the scratch buffer and put. */
#define PUT_ENCODED(v, k, encode_call)                                     \
	do {                                                               \
		buf_reset(&(v)->tmp);                                      \
		if (!(encode_call))                                        \
			abort(); /* only out of memory: records are small */ \
		return ledger_view_put((v), (k), (v)->tmp.data, (v)->tmp.len); \
	} while (0)

/* ------------------------------------------------------------ records */

bool ledger_view_chain(struct ledger_view *v, struct ledger_chain *c)
{
	struct ledger_key k;
	bool present;
	const uint8_t *val;
	size_t vlen;
	ledger_key_chain(&k);
	memset(c, 0, sizeof(*c));
	if (!ledger_view_get(v, &present, &val, &vlen, &k))
		return false;
	if (!present || !ledger_chain_decode(c, val, vlen))
		return ledger_view_corrupt(v, &k, "chain");
	return true;
}

bool ledger_view_put_chain(struct ledger_view *v, const struct ledger_chain *c)
{
	struct ledger_key k;
	ledger_key_chain(&k);
	PUT_ENCODED(v, &k, ledger_chain_encode(&v->tmp, c));
}

bool ledger_view_account(struct ledger_view *v, struct ledger_account *a, const struct pubkey *who)
{
	struct ledger_key k;
	bool present;
	const uint8_t *val;
	size_t vlen;
	ledger_key_pk(&k, LEDGER_P_ACCOUNT, who);
	ledger_account_default(a);
	if (!ledger_view_get(v, &present, &val, &vlen, &k))
		return false;
	if (present && !ledger_account_decode(a, val, vlen))
		return ledger_view_corrupt(v, &k, "account");
	return true;
}

bool ledger_view_put_account(struct ledger_view *v, const struct pubkey *who,
			     const struct ledger_account *a)
{
	struct ledger_key k;
	ledger_key_pk(&k, LEDGER_P_ACCOUNT, who);
	if (ledger_account_is_default(a))
		return ledger_view_del(v, &k);
	PUT_ENCODED(v, &k, ledger_account_encode(&v->tmp, a));
}

bool ledger_view_profile(struct ledger_view *v, struct ledger_profile *p, const struct pubkey *who)
{
	struct ledger_key k;
	bool present;
	const uint8_t *val;
	size_t vlen;
	ledger_key_pk(&k, LEDGER_P_PROFILE, who);
	ledger_profile_default(p);
	if (!ledger_view_get(v, &present, &val, &vlen, &k))
		return false;
	if (present && !ledger_profile_decode(p, val, vlen))
		return ledger_view_corrupt(v, &k, "profile");
	return true;
}

bool ledger_view_put_profile(struct ledger_view *v, const struct pubkey *who,
			     const struct ledger_profile *p)
{
	struct ledger_key k;
	ledger_key_pk(&k, LEDGER_P_PROFILE, who);
	if (ledger_profile_is_default(p))
		return ledger_view_del(v, &k);
	PUT_ENCODED(v, &k, ledger_profile_encode(&v->tmp, p));
}

bool ledger_view_handle(struct ledger_view *v, bool *found, struct pubkey *owner,
			const uint8_t *h, size_t hlen)
{
	struct ledger_key k;
	const uint8_t *val;
	size_t vlen;
	ledger_key_handle(&k, h, hlen);
	memset(owner, 0, sizeof(*owner));
	if (!ledger_view_get(v, found, &val, &vlen, &k))
		return false;
	if (*found) {
		if (vlen != PUBKEY_LEN)
			return ledger_view_corrupt(v, &k, "handle");
		memcpy(owner->b, val, PUBKEY_LEN);
	}
	return true;
}

bool ledger_view_post(struct ledger_view *v, bool *found, struct ledger_post *p,
		      const struct hash256 *id)
{
	struct ledger_key k;
	const uint8_t *val;
	size_t vlen;
	ledger_key_hash(&k, LEDGER_P_POST, id);
	memset(p, 0, sizeof(*p));
	if (!ledger_view_get(v, found, &val, &vlen, &k))
		return false;
	if (*found && !ledger_post_decode(p, val, vlen))
		return ledger_view_corrupt(v, &k, "post");
	return true;
}

bool ledger_view_stats(struct ledger_view *v, struct ledger_stats *s, const struct hash256 *id)
{
	struct ledger_key k;
	bool present;
	const uint8_t *val;
	size_t vlen;
	ledger_key_hash(&k, LEDGER_P_STATS, id);
	memset(s, 0, sizeof(*s));
	if (!ledger_view_get(v, &present, &val, &vlen, &k))
		return false;
	/* Every post has its stats record. */
	if (!present || !ledger_stats_decode(s, val, vlen))
		return ledger_view_corrupt(v, &k, "post stats");
	return true;
}

bool ledger_view_put_stats(struct ledger_view *v, const struct hash256 *id,
			   const struct ledger_stats *s)
{
	struct ledger_key k;
	ledger_key_hash(&k, LEDGER_P_STATS, id);
	PUT_ENCODED(v, &k, ledger_stats_encode(&v->tmp, s));
}

bool ledger_view_vote(struct ledger_view *v, bool *found, struct ledger_vote *vote,
		      const struct pubkey *voter, const struct hash256 *post)
{
	struct ledger_key k;
	const uint8_t *val;
	size_t vlen;
	ledger_key_pair(&k, LEDGER_P_VOTE, voter->b, post->b);
	memset(vote, 0, sizeof(*vote));
	if (!ledger_view_get(v, found, &val, &vlen, &k))
		return false;
	if (*found && !ledger_vote_decode(vote, val, vlen))
		return ledger_view_corrupt(v, &k, "vote");
	return true;
}

bool ledger_view_endorsement(struct ledger_view *v, bool *found, struct ledger_endorsement *e,
			     const struct pubkey *endorser, const struct pubkey *subject)
{
	struct ledger_key k;
	const uint8_t *val;
	size_t vlen;
	ledger_key_pair(&k, LEDGER_P_ENDORSE, endorser->b, subject->b);
	memset(e, 0, sizeof(*e));
	if (!ledger_view_get(v, found, &val, &vlen, &k))
		return false;
	if (*found && !ledger_endorsement_decode(e, val, vlen))
		return ledger_view_corrupt(v, &k, "endorsement");
	return true;
}

bool ledger_view_follows(struct ledger_view *v, bool *found, const struct pubkey *follower,
			 const struct pubkey *target)
{
	struct ledger_key k;
	const uint8_t *val;
	size_t vlen;
	ledger_key_pair(&k, LEDGER_P_FOLLOW, follower->b, target->b);
	if (!ledger_view_get(v, found, &val, &vlen, &k))
		return false;
	if (*found && vlen != 0)
		return ledger_view_corrupt(v, &k, "follow");
	return true;
}

bool ledger_view_validator(struct ledger_view *v, bool *found, struct ledger_validator *val,
			   const struct pubkey *op)
{
	struct ledger_key k;
	const uint8_t *p;
	size_t n;
	ledger_key_pk(&k, LEDGER_P_VALIDATOR, op);
	memset(val, 0, sizeof(*val));
	if (!ledger_view_get(v, found, &p, &n, &k))
		return false;
	if (*found && !ledger_validator_decode(val, p, n))
		return ledger_view_corrupt(v, &k, "validator");
	return true;
}

bool ledger_view_put_validator(struct ledger_view *v, const struct pubkey *op,
			       const struct ledger_validator *val)
{
	struct ledger_key k;
	ledger_key_pk(&k, LEDGER_P_VALIDATOR, op);
	PUT_ENCODED(v, &k, ledger_validator_encode(&v->tmp, val));
}

bool ledger_view_conskey(struct ledger_view *v, bool *found, struct pubkey *op,
			 const struct pubkey *ckey)
{
	struct ledger_key k;
	const uint8_t *val;
	size_t vlen;
	ledger_key_pk(&k, LEDGER_P_CONSKEY, ckey);
	memset(op, 0, sizeof(*op));
	if (!ledger_view_get(v, found, &val, &vlen, &k))
		return false;
	if (*found) {
		if (vlen != PUBKEY_LEN)
			return ledger_view_corrupt(v, &k, "consensus key");
		memcpy(op->b, val, PUBKEY_LEN);
	}
	return true;
}

bool ledger_view_bond(struct ledger_view *v, uint64_t *amount, const struct pubkey *delegator,
		      const struct pubkey *validator)
{
	struct ledger_key k;
	bool present;
	const uint8_t *val;
	size_t vlen;
	ledger_key_pair(&k, LEDGER_P_BOND, delegator->b, validator->b);
	*amount = 0;
	if (!ledger_view_get(v, &present, &val, &vlen, &k))
		return false;
	if (present && !ledger_amount_decode(amount, val, vlen))
		return ledger_view_corrupt(v, &k, "bond");
	return true;
}

bool ledger_view_put_bond(struct ledger_view *v, const struct pubkey *delegator,
			  const struct pubkey *validator, uint64_t amount)
{
	struct ledger_key k;
	ledger_key_pair(&k, LEDGER_P_BOND, delegator->b, validator->b);
	if (amount == 0)
		return ledger_view_del(v, &k);
	PUT_ENCODED(v, &k, ledger_amount_encode(&v->tmp, amount));
}
