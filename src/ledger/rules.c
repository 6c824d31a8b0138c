/* The actions of the eleven transaction types (doc/social.md §3 to §9).
 *
 * Each action evaluates its failure conditions in the listed order before
 * it writes anything, so a failed action leaves the state as the fee and
 * nonce left it. Amount arithmetic cannot overflow (supply < 2^53, §1.2);
 * an overflow or a tally going below zero is a broken invariant and
 * aborts. */
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"
#include "util/checked.h"

static uint64_t add_u64(uint64_t a, uint64_t b)
{
	uint64_t r;
	if (!checked_add_u64(&r, a, b))
		abort();
	return r;
}

static uint64_t sub_u64(uint64_t a, uint64_t b)
{
	if (b > a)
		abort();
	return a - b;
}

static bool pk_eq(const struct pubkey *a, const struct pubkey *b)
{
	return memcmp(a->b, b->b, PUBKEY_LEN) == 0;
}

static bool rep_ok(int64_t r)
{
	return r <= LEDGER_REP_LIMIT && r >= -LEDGER_REP_LIMIT;
}

void ledger_rules_touch(struct ledger_txctx *c, const struct pubkey *who)
{
	if (pk_eq(who, &c->tx->sender))
		return;
	for (size_t i = 0; i < c->ntouched; i++)
		if (pk_eq(who, &c->touched[i]))
			return;
	if (c->ntouched < sizeof(c->touched) / sizeof(c->touched[0]))
		c->touched[c->ntouched++] = *who;
}

/* An index entry (key prefix || a || b) set to val, or deleted. */
static void ix_pair(struct ledger_view *v, uint8_t prefix, const uint8_t a[32], const uint8_t b[32],
		    bool present, const uint8_t *val, size_t vlen)
{
	struct ledger_key k;
	ledger_key_pair(&k, prefix, a, b);
	ledger_view_put_blind(v, &k, present, val, vlen);
}

static void ix_pair_amount(struct ledger_view *v, uint8_t prefix, const uint8_t a[32],
			   const uint8_t b[32], int64_t value)
{
	uint8_t tmp[16];
	struct buf bb = BUF_INIT;
	if (value == 0) {
		ix_pair(v, prefix, a, b, false, NULL, 0);
		return;
	}
	if (!ledger_put_svarint(&bb, value))
		abort();
	memcpy(tmp, bb.data, bb.len);
	ix_pair(v, prefix, a, b, true, tmp, bb.len);
	buf_release(&bb);
}

/* ------------------------------------------------------------ transfer */

static bool act_transfer(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_transfer *t = &c->tx->u.transfer;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_account s, r;

	ledger_rules_touch(c, &t->to);
	if (!ledger_view_account(c->v, &s, me))
		return false;
	if (t->amount > s.balance) {
		*code = LEDGER_CODE_TRANSFER_INSUFFICIENT;
		return true;
	}
	*code = LEDGER_CODE_OK;
	if (pk_eq(&t->to, me))
		return true;
	s.balance -= t->amount;
	if (!ledger_view_put_account(c->v, me, &s) || !ledger_view_account(c->v, &r, &t->to))
		return false;
	r.balance = add_u64(r.balance, t->amount);
	return ledger_view_put_account(c->v, &t->to, &r);
}

/* ------------------------------------------------------------ post */

static bool act_post(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_post *t = &c->tx->u.post;
	struct ledger_view *v = c->v;
	struct ledger_post p, parent;
	struct ledger_stats st;
	struct ledger_account a;
	struct ledger_key k;
	bool found;

	memset(&p, 0, sizeof(p));
	if (t->has_parent) {
		if (!ledger_view_post(v, &found, &parent, &t->parent))
			return false;
		if (!found) {
			*code = LEDGER_CODE_POST_PARENT_UNKNOWN;
			return true;
		}
		ledger_rules_touch(c, &parent.author);
		if (parent.depth + 1 > LEDGER_REPLY_DEPTH_MAX) {
			*code = LEDGER_CODE_POST_TOO_DEEP;
			return true;
		}
		p.has_parent = true;
		p.parent = t->parent;
		p.root = parent.root;
		p.depth = (uint8_t)(parent.depth + 1);
	} else {
		p.root = c->txid;
	}
	*code = LEDGER_CODE_OK;
	p.author = c->tx->sender;
	p.height = c->x->height;
	p.time = c->x->time;
	p.body = t->body.p;
	p.body_len = t->body.len;
	p.ntags = t->ntags;
	for (size_t i = 0; i < t->ntags; i++)
		p.tags[i] = t->tags[i];

	buf_reset(&v->tmp);
	if (!ledger_post_encode(&v->tmp, &p))
		abort();
	/* The post and its stats are named by this transaction's id: new
	 * keys, written without reading them. */
	ledger_key_hash(&k, LEDGER_P_POST, &c->txid);
	if (!ledger_view_put_new(v, &k, v->tmp.data, v->tmp.len))
		return false;
	memset(&st, 0, sizeof(st));
	buf_reset(&v->tmp);
	if (!ledger_stats_encode(&v->tmp, &st))
		abort(); /* only out of memory */
	ledger_key_hash(&k, LEDGER_P_STATS, &c->txid);
	if (!ledger_view_put_new(v, &k, v->tmp.data, v->tmp.len))
		return false;
	if (p.has_parent) {
		if (!ledger_view_stats(v, &st, &p.parent))
			return false;
		st.replies = add_u64(st.replies, 1);
		if (!ledger_view_put_stats(v, &p.parent, &st))
			return false;
	}
	if (!ledger_view_account(v, &a, &p.author))
		return false;
	a.posts = add_u64(a.posts, 1);
	if (!ledger_view_put_account(v, &p.author, &a))
		return false;
	return ledger_index_post(c, &p);
}

/* ------------------------------------------------------------ vote */

static void tally(struct ledger_stats *st, int16_t w, bool add)
{
	uint64_t absw = (uint64_t)(w < 0 ? -(int32_t)w : w);
	uint64_t *side = w > 0 ? &st->upvotes : &st->downvotes;
	if (add) {
		*side = add_u64(*side, absw);
		st->votes = add_u64(st->votes, 1);
	} else {
		*side = sub_u64(*side, absw);
		st->votes = sub_u64(st->votes, 1);
	}
}

/* The delta of doc/social.md §5.3. */
static int64_t vote_delta(bool self, int64_t rep_voter, int64_t rep_author_after_reversal,
			  int16_t w, uint64_t mag)
{
	if (self || rep_voter < 0)
		return 0;
	if (w < 0 && rep_voter <= rep_author_after_reversal)
		return 0;
	return w > 0 ? (int64_t)mag : -(int64_t)mag;
}

/* A vote that passed its checks: what it writes. */
struct vote_plan {
	struct pubkey author_key;
	bool self;
	bool has_old;
	struct ledger_vote old;
	struct ledger_account voter, author;    /* author unused when self */
	int64_t delta;
	uint16_t power, used;
};

/* The checks of a vote in order (§3, §5.4) and its effect (§5.3). Out:
 * *code (0 when the vote goes ahead), plan. Returns false on a database
 * error. */
static bool vote_prepare(struct ledger_txctx *c, uint16_t *code, struct vote_plan *pl)
{
	const struct tx_vote *t = &c->tx->u.vote;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct ledger_post post;
	struct ledger_account *author;
	int64_t rep1;
	bool found;

	memset(pl, 0, sizeof(*pl));
	if (!ledger_view_post(v, &found, &post, &t->post))
		return false;
	if (!found) {
		*code = LEDGER_CODE_VOTE_POST_UNKNOWN;
		return true;
	}
	pl->author_key = post.author;
	ledger_rules_touch(c, &pl->author_key);
	if (!ledger_view_vote(v, &pl->has_old, &pl->old, me, &t->post))
		return false;
	if (t->weight == 0 && !pl->has_old) {
		*code = LEDGER_CODE_VOTE_NONE;
		return true;
	}
	if (pl->has_old && pl->old.weight == t->weight) {
		*code = LEDGER_CODE_VOTE_UNCHANGED;
		return true;
	}
	pl->self = pk_eq(&pl->author_key, me);
	if (!ledger_view_account(v, &pl->voter, me))
		return false;
	author = &pl->voter;
	if (!pl->self) {
		if (!ledger_view_account(v, &pl->author, &pl->author_key))
			return false;
		author = &pl->author;
	}
	/* rep'(A): after the reversal of the earlier vote. */
	rep1 = author->reputation - (pl->has_old ? pl->old.rep_delta : 0);
	if (t->weight != 0) {
		uint16_t absw = (uint16_t)(t->weight < 0 ? -t->weight : t->weight);
		uint64_t mag;
		pl->power = ledger_vp_now(pl->voter.vp, pl->voter.vp_time, c->x->time);
		mag = ledger_vote_mag(pl->voter.staked, absw, pl->power);
		pl->used = ledger_vote_used(pl->power, absw);
		pl->delta = vote_delta(pl->self, pl->voter.reputation, rep1, t->weight, mag);
	}
	if (!rep_ok(rep1 + pl->delta)) {
		*code = LEDGER_CODE_REPUTATION_LIMIT;
		return true;
	}
	author->reputation = rep1 + pl->delta;
	*code = LEDGER_CODE_OK;
	return true;
}

static bool act_vote(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_vote *t = &c->tx->u.vote;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct vote_plan pl;
	struct ledger_stats st;
	struct ledger_key k;

	if (!vote_prepare(c, code, &pl))
		return false;
	if (*code != LEDGER_CODE_OK)
		return true;
	/* Writes: reputation (set by vote_prepare), power, tallies, record. */
	if (t->weight != 0) {
		pl.voter.vp = (uint16_t)(pl.power - pl.used);
		pl.voter.vp_time = c->x->time;
	}
	if (!ledger_view_put_account(v, me, &pl.voter))
		return false;
	if (!pl.self && !ledger_view_put_account(v, &pl.author_key, &pl.author))
		return false;
	if (!ledger_view_stats(v, &st, &t->post))
		return false;
	if (pl.has_old)
		tally(&st, pl.old.weight, false);
	if (t->weight != 0)
		tally(&st, t->weight, true);
	if (!ledger_view_put_stats(v, &t->post, &st))
		return false;
	ledger_key_pair(&k, LEDGER_P_VOTE, me->b, t->post.b);
	if (t->weight == 0) {
		if (!ledger_view_del(v, &k))
			return false;
	} else {
		struct ledger_vote nv = { t->weight, pl.delta };
		buf_reset(&v->tmp);
		if (!ledger_vote_encode(&v->tmp, &nv))
			abort();
		if (!ledger_view_put(v, &k, v->tmp.data, v->tmp.len))
			return false;
	}
	ix_pair_amount(v, LEDGER_P_IX_VOTE, t->post.b, me->b, t->weight);
	return true;
}

/* ------------------------------------------------------------ endorse */

static bool act_endorse(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_endorse *t = &c->tx->u.endorse;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct ledger_endorsement old, ne;
	struct ledger_account ea, xa;
	struct ledger_key k;
	bool has_old;
	int64_t delta = 0, final;
	uint32_t used;

	ledger_rules_touch(c, &t->subject);
	if (pk_eq(&t->subject, me)) {
		*code = LEDGER_CODE_ENDORSE_SELF;
		return true;
	}
	if (!ledger_view_endorsement(v, &has_old, &old, me, &t->subject))
		return false;
	if (t->weight == 0 && !has_old) {
		*code = LEDGER_CODE_ENDORSE_NONE;
		return true;
	}
	if (has_old && old.weight == t->weight) {
		*code = LEDGER_CODE_ENDORSE_UNCHANGED;
		return true;
	}
	if (!ledger_view_account(v, &ea, me))
		return false;
	used = (uint32_t)sub_u64(ea.endorse_used, old.weight) + t->weight;
	if (used > LEDGER_ENDORSE_BUDGET) {
		*code = LEDGER_CODE_ENDORSE_BUDGET;
		return true;
	}
	if (!ledger_view_account(v, &xa, &t->subject))
		return false;
	if (t->weight > 0)
		delta = ledger_endorse_delta(ea.staked, ea.reputation, t->weight);
	final = xa.reputation - old.rep_delta + delta;
	if (!rep_ok(final)) {
		*code = LEDGER_CODE_REPUTATION_LIMIT;
		return true;
	}
	*code = LEDGER_CODE_OK;

	xa.reputation = final;
	ea.endorse_used = (uint16_t)used;
	if (!ledger_view_put_account(v, me, &ea) || !ledger_view_put_account(v, &t->subject, &xa))
		return false;
	ledger_key_pair(&k, LEDGER_P_ENDORSE, me->b, t->subject.b);
	if (t->weight == 0) {
		if (!ledger_view_del(v, &k))
			return false;
	} else {
		ne.weight = t->weight;
		ne.rep_delta = delta;
		buf_reset(&v->tmp);
		if (!ledger_endorsement_encode(&v->tmp, &ne))
			abort();
		if (!ledger_view_put(v, &k, v->tmp.data, v->tmp.len))
			return false;
	}
	ix_pair_amount(v, LEDGER_P_IX_ENDORSED, t->subject.b, me->b, t->weight);
	return true;
}

/* ------------------------------------------------------------ follow */

static bool act_follow(struct ledger_txctx *c, uint16_t *code, bool follow)
{
	const struct pubkey *target = &c->tx->u.follow.target;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct ledger_account fa, ta;
	struct ledger_key k;
	bool exists;

	ledger_rules_touch(c, target);
	if (follow && pk_eq(target, me)) {
		*code = LEDGER_CODE_FOLLOW_SELF;
		return true;
	}
	if (!ledger_view_follows(v, &exists, me, target))
		return false;
	if (follow && exists) {
		*code = LEDGER_CODE_FOLLOW_ALREADY;
		return true;
	}
	if (!follow && !exists) {
		*code = LEDGER_CODE_UNFOLLOW_NOT_FOLLOWING;
		return true;
	}
	if (!ledger_view_account(v, &fa, me))
		return false;
	if (follow && fa.following >= LEDGER_FOLLOW_MAX) {
		*code = LEDGER_CODE_FOLLOW_LIMIT;
		return true;
	}
	*code = LEDGER_CODE_OK;
	fa.following = follow ? add_u64(fa.following, 1) : sub_u64(fa.following, 1);
	if (!ledger_view_put_account(v, me, &fa) || !ledger_view_account(v, &ta, target))
		return false;
	ta.followers = follow ? add_u64(ta.followers, 1) : sub_u64(ta.followers, 1);
	if (!ledger_view_put_account(v, target, &ta))
		return false;
	ledger_key_pair(&k, LEDGER_P_FOLLOW, me->b, target->b);
	if (follow ? !ledger_view_put(v, &k, NULL, 0) : !ledger_view_del(v, &k))
		return false;
	ix_pair(v, LEDGER_P_IX_FOLLOWER, target->b, me->b, follow, NULL, 0);
	return true;
}

/* ------------------------------------------------------------ profile */

static void profile_from_tx(struct ledger_profile *p, const struct tx_profile *t)
{
	ledger_profile_default(p);
	p->name_len = (uint16_t)t->name.len;
	p->about_len = (uint16_t)t->about.len;
	p->website_len = (uint16_t)t->website.len;
	if (t->name.len)
		memcpy(p->name, t->name.p, t->name.len);
	if (t->about.len)
		memcpy(p->about, t->about.p, t->about.len);
	if (t->website.len)
		memcpy(p->website, t->website.p, t->website.len);
}

static bool act_profile(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_profile *t = &c->tx->u.profile;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct ledger_account a;
	struct ledger_profile cur, np;
	struct ledger_key k;
	struct pubkey owner;
	bool found, same_handle;

	if (!ledger_view_account(v, &a, me) || !ledger_view_profile(v, &cur, me))
		return false;
	if (t->handle.len > 0) {
		if (!ledger_view_handle(v, &found, &owner, t->handle.p, t->handle.len))
			return false;
		if (found && !pk_eq(&owner, me)) {
			*code = LEDGER_CODE_PROFILE_HANDLE_TAKEN;
			return true;
		}
	}
	profile_from_tx(&np, t);
	same_handle = a.handle_len == t->handle.len &&
		      (t->handle.len == 0 || memcmp(a.handle, t->handle.p, t->handle.len) == 0);
	if (same_handle && ledger_profile_eq(&cur, &np)) {
		*code = LEDGER_CODE_PROFILE_UNCHANGED;
		return true;
	}
	*code = LEDGER_CODE_OK;
	if (!same_handle) {
		if (a.handle_len > 0) {
			ledger_key_handle(&k, a.handle, a.handle_len);
			if (!ledger_view_del(v, &k))
				return false;
		}
		if (t->handle.len > 0) {
			ledger_key_handle(&k, t->handle.p, t->handle.len);
			if (!ledger_view_put(v, &k, me->b, PUBKEY_LEN))
				return false;
			memcpy(a.handle, t->handle.p, t->handle.len);
		}
		a.handle_len = (uint8_t)t->handle.len;
		if (!ledger_view_put_account(v, me, &a))
			return false;
	}
	return ledger_view_put_profile(v, me, &np);
}

/* ------------------------------------------------------------ staking */

static void ix_staker(struct ledger_view *v, const struct pubkey *val, const struct pubkey *del,
		      uint64_t bond)
{
	ix_pair_amount(v, LEDGER_P_IX_STAKER, val->b, del->b, (int64_t)bond);
}

static bool act_stake(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_stake *t = &c->tx->u.stake;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct ledger_validator val;
	struct ledger_account a;
	uint64_t bond;
	bool found;

	ledger_rules_touch(c, &t->validator);
	if (!ledger_view_validator(v, &found, &val, &t->validator))
		return false;
	if (!found) {
		*code = LEDGER_CODE_STAKE_NOT_VALIDATOR;
		return true;
	}
	if (val.tombstoned) {
		*code = LEDGER_CODE_STAKE_TOMBSTONED;
		return true;
	}
	if (!ledger_view_account(v, &a, me))
		return false;
	if (t->amount > a.balance) {
		*code = LEDGER_CODE_STAKE_INSUFFICIENT;
		return true;
	}
	*code = LEDGER_CODE_OK;
	if (!ledger_view_bond(v, &bond, me, &t->validator))
		return false;
	a.balance -= t->amount;
	a.staked = add_u64(a.staked, t->amount);
	bond = add_u64(bond, t->amount);
	val.total_bonded = add_u64(val.total_bonded, t->amount);
	if (pk_eq(me, &t->validator))
		val.self_stake = add_u64(val.self_stake, t->amount);
	if (!ledger_view_put_account(v, me, &a) || !ledger_view_put_bond(v, me, &t->validator, bond) ||
	    !ledger_view_put_validator(v, &t->validator, &val))
		return false;
	ix_staker(v, &t->validator, me, bond);
	return true;
}

static bool act_unstake(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_stake *t = &c->tx->u.stake;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct ledger_validator val;
	struct ledger_account a;
	struct ledger_unbonding u;
	struct ledger_key k;
	uint64_t bond;
	bool found;

	ledger_rules_touch(c, &t->validator);
	if (!ledger_view_bond(v, &bond, me, &t->validator))
		return false;
	if (t->amount > bond) {
		*code = LEDGER_CODE_UNSTAKE_EXCEEDS_BOND;
		return true;
	}
	if (!ledger_view_validator(v, &found, &val, &t->validator))
		return false;
	if (!found) {
		ledger_key_pk(&k, LEDGER_P_VALIDATOR, &t->validator);
		return ledger_view_corrupt(v, &k, "validator (a bond names a missing one)");
	}
	if (!ledger_view_account(v, &a, me))
		return false;
	*code = LEDGER_CODE_OK;
	bond -= t->amount;
	a.staked = sub_u64(a.staked, t->amount);
	a.unbonding = add_u64(a.unbonding, t->amount);
	val.total_bonded = sub_u64(val.total_bonded, t->amount);
	if (pk_eq(me, &t->validator))
		val.self_stake = sub_u64(val.self_stake, t->amount);
	if (!ledger_view_put_account(v, me, &a) || !ledger_view_put_bond(v, me, &t->validator, bond) ||
	    !ledger_view_put_validator(v, &t->validator, &val))
		return false;
	u.delegator = *me;
	u.validator = t->validator;
	u.amount = t->amount;
	/* T < 2^62 and unbonding_ms <= 2^40: no overflow (§9). */
	ledger_key_unbonding(&k, c->x->time + c->x->l->params.unbonding_ms, &c->txid);
	buf_reset(&v->tmp);
	if (!ledger_unbonding_encode(&v->tmp, &u))
		abort();
	if (!ledger_view_put(v, &k, v->tmp.data, v->tmp.len))
		return false;
	ix_staker(v, &t->validator, me, bond);
	return true;
}

static void validator_from_tx(struct ledger_validator *val, const struct tx_validator *t)
{
	val->moniker_len = (uint8_t)t->moniker.len;
	memcpy(val->moniker, t->moniker.p, t->moniker.len);
	val->commission = t->commission;
}

static bool act_validator(struct ledger_txctx *c, uint16_t *code)
{
	const struct tx_validator *t = &c->tx->u.validator;
	const struct pubkey *me = &c->tx->sender;
	struct ledger_view *v = c->v;
	struct ledger_validator val;
	struct ledger_key k;
	struct pubkey op;
	bool found;

	if (!ledger_view_validator(v, &found, &val, me))
		return false;
	if (!found) {
		if (!ledger_view_conskey(v, &found, &op, &t->consensus_key))
			return false;
		if (found) {
			*code = LEDGER_CODE_VALIDATOR_KEY_IN_USE;
			return true;
		}
		*code = LEDGER_CODE_OK;
		memset(&val, 0, sizeof(val));
		val.consensus_key = t->consensus_key;
		validator_from_tx(&val, t);
		ledger_key_pk(&k, LEDGER_P_CONSKEY, &t->consensus_key);
		return ledger_view_put_validator(v, me, &val) &&
		       ledger_view_put(v, &k, me->b, PUBKEY_LEN);
	}
	if (!pk_eq(&val.consensus_key, &t->consensus_key)) {
		*code = LEDGER_CODE_VALIDATOR_KEY_CHANGE;
		return true;
	}
	if (val.moniker_len == t->moniker.len &&
	    memcmp(val.moniker, t->moniker.p, t->moniker.len) == 0 &&
	    val.commission == t->commission) {
		*code = LEDGER_CODE_VALIDATOR_UNCHANGED;
		return true;
	}
	*code = LEDGER_CODE_OK;
	validator_from_tx(&val, t);
	return ledger_view_put_validator(v, me, &val);
}

static bool act_unjail(struct ledger_txctx *c, uint16_t *code)
{
	const struct pubkey *me = &c->tx->sender;
	struct ledger_validator val;
	bool found;

	if (!ledger_view_validator(c->v, &found, &val, me))
		return false;
	if (!found)
		*code = LEDGER_CODE_UNJAIL_NOT_VALIDATOR;
	else if (val.tombstoned)
		*code = LEDGER_CODE_UNJAIL_TOMBSTONED;
	else if (!val.jailed)
		*code = LEDGER_CODE_UNJAIL_NOT_JAILED;
	else if (c->x->time < val.jailed_until)
		*code = LEDGER_CODE_UNJAIL_TOO_EARLY;
	else
		*code = LEDGER_CODE_OK;
	if (*code != LEDGER_CODE_OK)
		return true;
	val.jailed = false;
	return ledger_view_put_validator(c->v, me, &val);
}

bool ledger_rules_apply(struct ledger_txctx *c, uint16_t *code)
{
	*code = LEDGER_CODE_OK;
	switch (c->tx->type) {
	case TX_TRANSFER:
		return act_transfer(c, code);
	case TX_POST:
		return act_post(c, code);
	case TX_VOTE:
		return act_vote(c, code);
	case TX_ENDORSE:
		return act_endorse(c, code);
	case TX_FOLLOW:
		return act_follow(c, code, true);
	case TX_UNFOLLOW:
		return act_follow(c, code, false);
	case TX_PROFILE:
		return act_profile(c, code);
	case TX_STAKE:
		return act_stake(c, code);
	case TX_UNSTAKE:
		return act_unstake(c, code);
	case TX_VALIDATOR:
		return act_validator(c, code);
	case TX_UNJAIL:
		return act_unjail(c, code);
	default:
		/* tx_decode accepts only the types above. */
		abort();
	}
}
