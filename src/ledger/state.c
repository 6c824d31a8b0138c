/* Records, keys and formulas of the ledger's state (state.h). */
#include "ledger/state.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/checked.h"

/* ------------------------------------------------------------ keys */

void ledger_be64(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

void ledger_be32(uint8_t out[4], uint32_t v)
{
	for (int i = 3; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

uint64_t ledger_read_be64(const uint8_t in[8])
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | in[i];
	return v;
}

uint32_t ledger_read_be32(const uint8_t in[4])
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = (v << 8) | in[i];
	return v;
}

void ledger_pos_put(uint8_t out[LEDGER_POS_LEN], const struct ledger_pos *pos)
{
	ledger_be64(out, pos->height);
	ledger_be32(out + 8, pos->index);
}

void ledger_pos_get(struct ledger_pos *pos, const uint8_t in[LEDGER_POS_LEN])
{
	pos->height = ledger_read_be64(in);
	pos->index = ledger_read_be32(in + 8);
}

int ledger_pos_cmp(const struct ledger_pos *a, const struct ledger_pos *b)
{
	if (a->height != b->height)
		return a->height < b->height ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return 0;
}

void ledger_key_init(struct ledger_key *k, uint8_t p)
{
	k->b[0] = p;
	k->len = 1;
}

void ledger_key_put(struct ledger_key *k, const void *p, size_t n)
{
	/* Every key the ledger builds has a fixed shape far below the bound. */
	assert(n <= LEDGER_KEY_MAX - k->len);
	if (n > LEDGER_KEY_MAX - k->len)
		abort();
	if (n > 0)
		memcpy(k->b + k->len, p, n);
	k->len += n;
}

void ledger_key_put_pubkey(struct ledger_key *k, const struct pubkey *pk)
{
	ledger_key_put(k, pk->b, PUBKEY_LEN);
}

void ledger_key_put_hash(struct ledger_key *k, const struct hash256 *h)
{
	ledger_key_put(k, h->b, 32);
}

void ledger_key_put_be64(struct ledger_key *k, uint64_t v)
{
	uint8_t b[8];
	ledger_be64(b, v);
	ledger_key_put(k, b, 8);
}

void ledger_key_put_pos(struct ledger_key *k, const struct ledger_pos *pos)
{
	uint8_t b[LEDGER_POS_LEN];
	ledger_pos_put(b, pos);
	ledger_key_put(k, b, sizeof(b));
}

void ledger_key_chain(struct ledger_key *k)
{
	ledger_key_init(k, LEDGER_P_CHAIN);
}

void ledger_key_pk(struct ledger_key *k, uint8_t prefix, const struct pubkey *pk)
{
	ledger_key_init(k, prefix);
	ledger_key_put_pubkey(k, pk);
}

void ledger_key_hash(struct ledger_key *k, uint8_t prefix, const struct hash256 *h)
{
	ledger_key_init(k, prefix);
	ledger_key_put_hash(k, h);
}

void ledger_key_pair(struct ledger_key *k, uint8_t prefix, const uint8_t a[32],
		     const uint8_t b[32])
{
	ledger_key_init(k, prefix);
	ledger_key_put(k, a, 32);
	ledger_key_put(k, b, 32);
}

void ledger_key_handle(struct ledger_key *k, const uint8_t *handle, size_t len)
{
	assert(len <= TX_HANDLE_MAX);
	ledger_key_init(k, LEDGER_P_HANDLE);
	ledger_key_put(k, handle, len);
}

void ledger_key_unbonding(struct ledger_key *k, uint64_t completion, const struct hash256 *txid)
{
	ledger_key_init(k, LEDGER_P_UNBONDING);
	ledger_key_put_be64(k, completion);
	ledger_key_put_hash(k, txid);
}

void ledger_key_meta(struct ledger_key *k, uint8_t name)
{
	ledger_key_init(k, LEDGER_P_META);
	ledger_key_put(k, &name, 1);
}

void ledger_key_height(struct ledger_key *k, uint8_t prefix, uint64_t height)
{
	ledger_key_init(k, prefix);
	ledger_key_put_be64(k, height);
}

void ledger_key_pos(struct ledger_key *k, uint8_t prefix, const uint8_t a[32],
		    const struct ledger_pos *pos)
{
	ledger_key_init(k, prefix);
	ledger_key_put(k, a, 32);
	ledger_key_put_pos(k, pos);
}

void ledger_key_rep(struct ledger_key *k, int64_t rep, const struct pubkey *who)
{
	ledger_key_init(k, LEDGER_P_IX_REP);
	ledger_key_put_be64(k, (uint64_t)rep ^ (UINT64_C(1) << 63));
	ledger_key_put_pubkey(k, who);
}

/* ------------------------------------------------------------ primitives */

bool ledger_put_svarint(struct buf *b, int64_t v)
{
	uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	return buf_put_varint(b, u);
}

bool ledger_get_svarint(struct reader *r, int64_t *v)
{
	uint64_t u;
	if (!reader_get_varint(r, &u)) {
		*v = 0;
		return false;
	}
	*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return true;
}

static bool get_u16(struct reader *r, uint16_t *out, uint64_t max)
{
	uint64_t v;
	*out = 0;
	if (!reader_get_varint(r, &v))
		return false;
	if (v > max)
		return reader_fail(r);
	*out = (uint16_t)v;
	return true;
}

static bool get_flag(struct reader *r, bool *out)
{
	uint8_t v;
	*out = false;
	if (!reader_get_u8(r, &v))
		return false;
	if (v > 1)
		return reader_fail(r);
	*out = v == 1;
	return true;
}

static bool get_key(struct reader *r, uint8_t out[32])
{
	return reader_get(r, out, 32);
}

/* Copy length-prefixed text of min..max bytes into out. */
static bool get_text(struct reader *r, uint8_t *out, size_t *len, size_t min, size_t max)
{
	const uint8_t *p;
	size_t n;
	*len = 0;
	if (!reader_get_bytes(r, &p, &n, max))
		return false;
	if (n < min)
		return reader_fail(r);
	if (n > 0)
		memcpy(out, p, n);
	*len = n;
	return true;
}

/* ------------------------------------------------------------ chain */

bool ledger_params_valid(const struct ledger_params *p)
{
	return p->block_reward <= MAX_MONEY && p->reward_era_blocks >= 1 &&
	       p->reward_era_blocks <= LEDGER_REWARD_ERA_MAX && p->min_fee_per_byte >= 1 &&
	       p->min_fee_per_byte <= LEDGER_MIN_FEE_PER_BYTE_MAX && p->unbonding_ms >= 1 &&
	       p->unbonding_ms <= LEDGER_UNBONDING_MS_MAX;
}

bool ledger_chain_encode(struct buf *out, const struct ledger_chain *c)
{
	buf_put_varint(out, c->params.block_reward);
	buf_put_varint(out, c->params.reward_era_blocks);
	buf_put_varint(out, c->params.min_fee_per_byte);
	buf_put_varint(out, c->params.unbonding_ms);
	buf_put_varint(out, c->supply);
	return buf_ok(out);
}

bool ledger_chain_decode(struct ledger_chain *c, const uint8_t *data, size_t len)
{
	struct reader r;
	reader_init(&r, data, len);
	reader_get_varint(&r, &c->params.block_reward);
	reader_get_varint(&r, &c->params.reward_era_blocks);
	reader_get_varint(&r, &c->params.min_fee_per_byte);
	reader_get_varint(&r, &c->params.unbonding_ms);
	reader_get_varint(&r, &c->supply);
	if (!reader_done(&r) || !ledger_params_valid(&c->params) || c->supply > MAX_MONEY) {
		memset(c, 0, sizeof(*c));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ account */

void ledger_account_default(struct ledger_account *a)
{
	memset(a, 0, sizeof(*a));
	a->vp = LEDGER_VP_MAX;
}

bool ledger_account_eq(const struct ledger_account *a, const struct ledger_account *b)
{
	return a->balance == b->balance && a->nonce == b->nonce && a->staked == b->staked &&
	       a->unbonding == b->unbonding && a->reputation == b->reputation &&
	       a->vp == b->vp && a->vp_time == b->vp_time &&
	       a->endorse_used == b->endorse_used && a->posts == b->posts &&
	       a->followers == b->followers && a->following == b->following &&
	       a->handle_len == b->handle_len &&
	       memcmp(a->handle, b->handle, a->handle_len) == 0;
}

bool ledger_account_is_default(const struct ledger_account *a)
{
	struct ledger_account d;
	ledger_account_default(&d);
	return ledger_account_eq(a, &d);
}

bool ledger_account_encode(struct buf *out, const struct ledger_account *a)
{
	buf_put_varint(out, a->balance);
	buf_put_varint(out, a->nonce);
	buf_put_varint(out, a->staked);
	buf_put_varint(out, a->unbonding);
	ledger_put_svarint(out, a->reputation);
	buf_put_varint(out, a->vp);
	buf_put_varint(out, a->vp_time);
	buf_put_varint(out, a->endorse_used);
	buf_put_varint(out, a->posts);
	buf_put_varint(out, a->followers);
	buf_put_varint(out, a->following);
	buf_put_bytes(out, a->handle, a->handle_len);
	return buf_ok(out);
}

static bool handle_len_ok(size_t n)
{
	return n == 0 || (n >= TX_HANDLE_MIN && n <= TX_HANDLE_MAX);
}

bool ledger_account_decode(struct ledger_account *a, const uint8_t *data, size_t len)
{
	struct reader r;
	size_t hl = 0;
	memset(a, 0, sizeof(*a));
	reader_init(&r, data, len);
	reader_get_varint(&r, &a->balance);
	reader_get_varint(&r, &a->nonce);
	reader_get_varint(&r, &a->staked);
	reader_get_varint(&r, &a->unbonding);
	ledger_get_svarint(&r, &a->reputation);
	get_u16(&r, &a->vp, LEDGER_VP_MAX);
	reader_get_varint(&r, &a->vp_time);
	get_u16(&r, &a->endorse_used, LEDGER_ENDORSE_BUDGET);
	reader_get_varint(&r, &a->posts);
	reader_get_varint(&r, &a->followers);
	reader_get_varint(&r, &a->following);
	get_text(&r, a->handle, &hl, 0, TX_HANDLE_MAX);
	a->handle_len = (uint8_t)hl;
	if (!reader_done(&r) || !handle_len_ok(hl) || a->balance > MAX_MONEY ||
	    a->staked > MAX_MONEY || a->unbonding > MAX_MONEY ||
	    a->reputation > LEDGER_REP_LIMIT || a->reputation < -LEDGER_REP_LIMIT) {
		ledger_account_default(a);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ profile */

void ledger_profile_default(struct ledger_profile *p)
{
	memset(p, 0, sizeof(*p));
}

bool ledger_profile_is_default(const struct ledger_profile *p)
{
	return p->name_len == 0 && p->about_len == 0 && p->website_len == 0;
}

bool ledger_profile_eq(const struct ledger_profile *a, const struct ledger_profile *b)
{
	return a->name_len == b->name_len && a->about_len == b->about_len &&
	       a->website_len == b->website_len &&
	       memcmp(a->name, b->name, a->name_len) == 0 &&
	       memcmp(a->about, b->about, a->about_len) == 0 &&
	       memcmp(a->website, b->website, a->website_len) == 0;
}

bool ledger_profile_encode(struct buf *out, const struct ledger_profile *p)
{
	buf_put_bytes(out, p->name, p->name_len);
	buf_put_bytes(out, p->about, p->about_len);
	buf_put_bytes(out, p->website, p->website_len);
	return buf_ok(out);
}

bool ledger_profile_decode(struct ledger_profile *p, const uint8_t *data, size_t len)
{
	struct reader r;
	size_t n1 = 0, n2 = 0, n3 = 0;
	memset(p, 0, sizeof(*p));
	reader_init(&r, data, len);
	get_text(&r, p->name, &n1, 0, TX_NAME_MAX);
	get_text(&r, p->about, &n2, 0, TX_ABOUT_MAX);
	get_text(&r, p->website, &n3, 0, TX_WEBSITE_MAX);
	if (!reader_done(&r)) {
		memset(p, 0, sizeof(*p));
		return false;
	}
	p->name_len = (uint16_t)n1;
	p->about_len = (uint16_t)n2;
	p->website_len = (uint16_t)n3;
	return true;
}

/* ------------------------------------------------------------ post */

bool ledger_post_encode(struct buf *out, const struct ledger_post *p)
{
	buf_put(out, p->author.b, 32);
	buf_put_u8(out, p->has_parent ? 1 : 0);
	if (p->has_parent)
		buf_put(out, p->parent.b, 32);
	buf_put(out, p->root.b, 32);
	buf_put_u8(out, p->depth);
	buf_put_varint(out, p->height);
	buf_put_varint(out, p->time);
	buf_put_bytes(out, p->body, p->body_len);
	buf_put_u8(out, (uint8_t)p->ntags);
	for (size_t i = 0; i < p->ntags && i < TX_MAX_TAGS; i++)
		buf_put_bytes(out, p->tags[i].p, p->tags[i].len);
	return buf_ok(out);
}

static bool post_read(struct reader *r, struct ledger_post *p)
{
	uint8_t n;
	get_key(r, p->author.b);
	get_flag(r, &p->has_parent);
	if (p->has_parent)
		get_key(r, p->parent.b);
	get_key(r, p->root.b);
	reader_get_u8(r, &p->depth);
	reader_get_varint(r, &p->height);
	reader_get_varint(r, &p->time);
	reader_get_bytes(r, &p->body, &p->body_len, TX_BODY_MAX);
	reader_get_u8(r, &n);
	if (!reader_ok(r) || n > TX_MAX_TAGS || p->depth > LEDGER_REPLY_DEPTH_MAX ||
	    p->body_len == 0 || (!p->has_parent && p->depth != 0) ||
	    (p->has_parent && p->depth == 0))
		return reader_fail(r);
	p->ntags = n;
	for (size_t i = 0; i < p->ntags; i++) {
		reader_get_bytes(r, &p->tags[i].p, &p->tags[i].len, TX_TAG_MAX);
		if (reader_ok(r) && p->tags[i].len == 0)
			return reader_fail(r);
	}
	return reader_done(r);
}

bool ledger_post_decode(struct ledger_post *p, const uint8_t *data, size_t len)
{
	struct reader r;
	memset(p, 0, sizeof(*p));
	reader_init(&r, data, len);
	if (!post_read(&r, p)) {
		memset(p, 0, sizeof(*p));
		return false;
	}
	return true;
}

bool ledger_stats_encode(struct buf *out, const struct ledger_stats *s)
{
	buf_put_varint(out, s->upvotes);
	buf_put_varint(out, s->downvotes);
	buf_put_varint(out, s->votes);
	buf_put_varint(out, s->replies);
	return buf_ok(out);
}

bool ledger_stats_decode(struct ledger_stats *s, const uint8_t *data, size_t len)
{
	struct reader r;
	reader_init(&r, data, len);
	reader_get_varint(&r, &s->upvotes);
	reader_get_varint(&r, &s->downvotes);
	reader_get_varint(&r, &s->votes);
	reader_get_varint(&r, &s->replies);
	if (!reader_done(&r)) {
		memset(s, 0, sizeof(*s));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ votes, endorsements */

bool ledger_vote_encode(struct buf *out, const struct ledger_vote *v)
{
	ledger_put_svarint(out, v->weight);
	ledger_put_svarint(out, v->rep_delta);
	return buf_ok(out);
}

bool ledger_vote_decode(struct ledger_vote *v, const uint8_t *data, size_t len)
{
	struct reader r;
	int64_t w = 0;
	reader_init(&r, data, len);
	ledger_get_svarint(&r, &w);
	ledger_get_svarint(&r, &v->rep_delta);
	if (!reader_done(&r) || w == 0 || w > TX_WEIGHT_MAX || w < -TX_WEIGHT_MAX ||
	    v->rep_delta > LEDGER_REP_LIMIT || v->rep_delta < -LEDGER_REP_LIMIT) {
		memset(v, 0, sizeof(*v));
		return false;
	}
	v->weight = (int16_t)w;
	return true;
}

bool ledger_endorsement_encode(struct buf *out, const struct ledger_endorsement *e)
{
	buf_put_varint(out, e->weight);
	ledger_put_svarint(out, e->rep_delta);
	return buf_ok(out);
}

bool ledger_endorsement_decode(struct ledger_endorsement *e, const uint8_t *data, size_t len)
{
	struct reader r;
	reader_init(&r, data, len);
	get_u16(&r, &e->weight, TX_WEIGHT_MAX);
	ledger_get_svarint(&r, &e->rep_delta);
	if (!reader_done(&r) || e->weight == 0 || e->rep_delta < 0 ||
	    e->rep_delta > LEDGER_REP_LIMIT) {
		memset(e, 0, sizeof(*e));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ validators */

bool ledger_validator_encode(struct buf *out, const struct ledger_validator *v)
{
	buf_put(out, v->consensus_key.b, 32);
	buf_put_bytes(out, v->moniker, v->moniker_len);
	buf_put_varint(out, v->commission);
	buf_put_varint(out, v->self_stake);
	buf_put_varint(out, v->total_bonded);
	buf_put_u8(out, v->jailed ? 1 : 0);
	buf_put_varint(out, v->jailed_until);
	buf_put_u8(out, v->tombstoned ? 1 : 0);
	return buf_ok(out);
}

bool ledger_validator_decode(struct ledger_validator *v, const uint8_t *data, size_t len)
{
	struct reader r;
	size_t ml = 0;
	memset(v, 0, sizeof(*v));
	reader_init(&r, data, len);
	get_key(&r, v->consensus_key.b);
	get_text(&r, v->moniker, &ml, 1, TX_MONIKER_MAX);
	get_u16(&r, &v->commission, TX_COMMISSION_MAX);
	reader_get_varint(&r, &v->self_stake);
	reader_get_varint(&r, &v->total_bonded);
	get_flag(&r, &v->jailed);
	reader_get_varint(&r, &v->jailed_until);
	get_flag(&r, &v->tombstoned);
	if (!reader_done(&r) || v->total_bonded > MAX_MONEY || v->self_stake > v->total_bonded) {
		memset(v, 0, sizeof(*v));
		return false;
	}
	v->moniker_len = (uint8_t)ml;
	return true;
}

bool ledger_unbonding_encode(struct buf *out, const struct ledger_unbonding *u)
{
	buf_put(out, u->delegator.b, 32);
	buf_put(out, u->validator.b, 32);
	buf_put_varint(out, u->amount);
	return buf_ok(out);
}

bool ledger_unbonding_decode(struct ledger_unbonding *u, const uint8_t *data, size_t len)
{
	struct reader r;
	reader_init(&r, data, len);
	get_key(&r, u->delegator.b);
	get_key(&r, u->validator.b);
	reader_get_varint(&r, &u->amount);
	if (!reader_done(&r) || u->amount == 0 || u->amount > MAX_MONEY) {
		memset(u, 0, sizeof(*u));
		return false;
	}
	return true;
}

bool ledger_amount_encode(struct buf *out, uint64_t amount)
{
	return buf_put_varint(out, amount);
}

bool ledger_amount_decode(uint64_t *amount, const uint8_t *data, size_t len)
{
	struct reader r;
	reader_init(&r, data, len);
	reader_get_varint(&r, amount);
	if (!reader_done(&r) || *amount == 0 || *amount > MAX_MONEY) {
		*amount = 0;
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ formulas */

uint64_t ledger_reward(const struct ledger_params *p, uint64_t height)
{
	uint64_t era;
	if (height == 0 || p->reward_era_blocks == 0)
		return 0;
	era = (height - 1) / p->reward_era_blocks;
	return era < 64 ? p->block_reward >> era : 0;
}

bool ledger_issuance_total(uint64_t *out, const struct ledger_params *p)
{
	unsigned __int128 r = p->block_reward;
	unsigned __int128 t = (unsigned __int128)p->reward_era_blocks *
			      (2 * r - (unsigned)__builtin_popcountll(p->block_reward));
	if (t > UINT64_MAX) {
		*out = 0;
		return false;
	}
	*out = (uint64_t)t;
	return true;
}

bool ledger_genesis_limit(uint64_t *out, const struct ledger_params *p)
{
	unsigned __int128 cap = (unsigned __int128)2 * p->block_reward * p->reward_era_blocks;
	if (cap > MAX_MONEY) {
		*out = 0;
		return false;
	}
	*out = MAX_MONEY - (uint64_t)cap;
	return true;
}

uint64_t ledger_min_fee(const struct ledger_params *p, size_t size)
{
	uint64_t f;
	if (!checked_mul_u64(&f, p->min_fee_per_byte, (uint64_t)size))
		return UINT64_MAX;
	return f;
}

uint16_t ledger_vp_now(uint16_t vp, uint64_t vp_time, uint64_t now)
{
	uint64_t el = now >= vp_time ? now - vp_time : 0;
	uint64_t v;
	if (el >= LEDGER_VP_REGEN_MS)
		return LEDGER_VP_MAX;
	v = vp + el * LEDGER_VP_MAX / LEDGER_VP_REGEN_MS;
	return (uint16_t)(v < LEDGER_VP_MAX ? v : LEDGER_VP_MAX);
}

uint64_t ledger_vote_mag(uint64_t stake, uint16_t absw, uint16_t power)
{
	unsigned __int128 n = (unsigned __int128)stake * absw * power;
	return (uint64_t)(n / ((unsigned __int128)100000000 * 1000000));
}

uint16_t ledger_vote_used(uint16_t power, uint16_t absw)
{
	uint64_t d = (uint64_t)LEDGER_VP_MAX * LEDGER_VOTE_SPEND_DIV;
	return (uint16_t)(((uint64_t)power * absw + d - 1) / d);
}

int64_t ledger_endorse_delta(uint64_t stake, int64_t rep, uint16_t w)
{
	if (rep < 0)
		return 0;
	return (int64_t)((unsigned __int128)stake * w / UINT64_C(10000000000));
}

int ledger_rep_score(int64_t r)
{
	uint64_t m, p = 1;
	int d = 0;
	if (r == 0)
		return 0;
	m = r > 0 ? (uint64_t)r : (uint64_t)0 - (uint64_t)r;
	while (m / p >= 10) {
		p *= 10;
		d++;
	}
	int level = 9 * d + (int)(m / p);
	return r > 0 ? level : -level;
}
