/* Tests of src/ledger/state.h: key layout, record encodings (round trips
 * and every rejection of a malformed stored record), and the formulas of
 * doc/social.md with its worked examples E1, E2, E3, E4, E5, E8 and the
 * endorsement values of E9. */
#include <stdlib.h>
#include <string.h>

#include "test_ledger.h"

/* ------------------------------------------------------------ keys */

static void test_key_layout(void)
{
	struct ledger_key k;
	struct pubkey pk;
	struct hash256 h;
	struct ledger_pos pos = { 0x0102030405060708u, 0x0a0b0c0du };
	uint8_t expect_pos[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 0x0a, 0x0b, 0x0c, 0x0d };

	memset(pk.b, 0xaa, 32);
	memset(h.b, 0xbb, 32);
	ledger_key_pk(&k, LEDGER_P_ACCOUNT, &pk);
	CHECK(k.len == 33 && k.b[0] == 0x02 && k.b[1] == 0xaa && k.b[32] == 0xaa);
	ledger_key_chain(&k);
	CHECK(k.len == 1 && k.b[0] == 0x01);
	ledger_key_pair(&k, LEDGER_P_VOTE, pk.b, h.b);
	CHECK(k.len == 65 && k.b[0] == 0x07 && k.b[1] == 0xaa && k.b[33] == 0xbb);
	ledger_key_unbonding(&k, 0x1122334455667788u, &h);
	CHECK(k.len == 41 && k.b[0] == 0x0d && k.b[1] == 0x11 && k.b[8] == 0x88 && k.b[9] == 0xbb);
	ledger_key_handle(&k, (const uint8_t *)"alice", 5);
	CHECK(k.len == 6 && k.b[0] == 0x04 && memcmp(k.b + 1, "alice", 5) == 0);
	ledger_key_pos(&k, LEDGER_P_IX_AUTHOR, pk.b, &pos);
	CHECK(k.len == 45 && memcmp(k.b + 33, expect_pos, 12) == 0);
	ledger_key_meta(&k, LEDGER_META_TIP);
	CHECK(k.len == 2 && k.b[0] == 0x40 && k.b[1] == 't');
	ledger_key_height(&k, LEDGER_P_BLOCK, 258);
	CHECK(k.len == 9 && k.b[0] == 0x41 && k.b[7] == 1 && k.b[8] == 2);

	/* Consensus prefixes: exactly 0x01..0x0f. */
	CHECK(!ledger_prefix_is_consensus(0x00));
	for (uint8_t p = LEDGER_P_CHAIN; p <= LEDGER_P_UNBONDING; p++)
		CHECK(ledger_prefix_is_consensus(p));
	CHECK(!ledger_prefix_is_consensus(LEDGER_P_META));
	CHECK(!ledger_prefix_is_consensus(LEDGER_P_TX));
	CHECK(!ledger_prefix_is_consensus(LEDGER_P_IX_REP));
}

/* Reputation index keys sort by reputation, negative first. */
static void test_key_rep_order(void)
{
	static const int64_t reps[] = { -LEDGER_REP_LIMIT, -1000, -1, 1, 2, 1000, LEDGER_REP_LIMIT };
	struct pubkey pk;
	memset(pk.b, 7, 32);
	for (size_t i = 0; i + 1 < sizeof(reps) / sizeof(reps[0]); i++) {
		struct ledger_key a, b;
		ledger_key_rep(&a, reps[i], &pk);
		ledger_key_rep(&b, reps[i + 1], &pk);
		CHECK(a.len == 41 && memcmp(a.b, b.b, a.len) < 0);
	}
}

static void test_pos(void)
{
	struct ledger_pos a = { 5, 1 }, b = { 5, 2 }, c = { 6, 0 }, d;
	uint8_t buf[12];
	CHECK(ledger_pos_cmp(&a, &b) < 0 && ledger_pos_cmp(&b, &c) < 0 && ledger_pos_cmp(&c, &a) > 0);
	CHECK(ledger_pos_cmp(&a, &a) == 0);
	ledger_pos_put(buf, &b);
	ledger_pos_get(&d, buf);
	CHECK(d.height == 5 && d.index == 2);
}

/* ------------------------------------------------------------ round trips */

static void test_account_roundtrip(void)
{
	struct ledger_account cases[4];
	ledger_account_default(&cases[0]);
	ledger_account_default(&cases[1]);
	cases[1].balance = MAX_MONEY;
	cases[1].nonce = UINT64_MAX;
	cases[1].staked = 5;
	cases[1].unbonding = 7;
	cases[1].reputation = -LEDGER_REP_LIMIT;
	cases[1].vp = 0;
	cases[1].vp_time = UINT64_MAX;
	cases[1].endorse_used = 10000;
	cases[1].posts = 1;
	cases[1].followers = 2;
	cases[1].following = 5000;
	cases[1].handle_len = 24;
	memset(cases[1].handle, 'z', 24);
	ledger_account_default(&cases[2]);
	cases[2].reputation = LEDGER_REP_LIMIT;
	cases[2].handle_len = 3;
	memcpy(cases[2].handle, "abc", 3);
	ledger_account_default(&cases[3]);
	cases[3].vp = 9800;
	cases[3].vp_time = 1700000000000u;

	for (size_t i = 0; i < 4; i++) {
		struct buf b = BUF_INIT;
		struct ledger_account d;
		CHECK(ledger_account_encode(&b, &cases[i]));
		CHECK(ledger_account_decode(&d, b.data, b.len));
		CHECK(ledger_account_eq(&d, &cases[i]));
		CHECK(ledger_account_is_default(&cases[i]) == (i == 0));
		buf_release(&b);
	}
	{
		struct buf b = BUF_INIT;
		uint8_t expect[13];
		ledger_account_encode(&b, &cases[0]);
		unit_unhex(expect, sizeof(expect), "0000000000904e000000000000");
		CHECK(b.len == 13 && memcmp(b.data, expect, 13) == 0);
		buf_release(&b);
	}
}

static void test_records_roundtrip(void)
{
	struct buf b = BUF_INIT;
	struct ledger_profile p, p2;
	struct ledger_post post, post2;
	struct ledger_stats st = { 1, 2, 3, UINT64_MAX }, st2;
	struct ledger_vote vo = { -10000, -123456 }, vo2;
	struct ledger_endorsement en = { 10000, 9007199254 }, en2;
	struct ledger_validator va, va2;
	struct ledger_unbonding ub, ub2;
	struct ledger_chain ch = { { 200000000, 150, 10, 60000 }, 12345 }, ch2;
	uint64_t amt;

	ledger_profile_default(&p);
	CHECK(ledger_profile_is_default(&p));
	p.name_len = 5;
	memcpy(p.name, "Alice", 5);
	p.website_len = 128;
	memset(p.website, 'w', 128);
	CHECK(!ledger_profile_is_default(&p));
	CHECK(ledger_profile_encode(&b, &p) && ledger_profile_decode(&p2, b.data, b.len));
	CHECK(ledger_profile_eq(&p, &p2));

	memset(&post, 0, sizeof(post));
	memset(post.author.b, 1, 32);
	post.has_parent = true;
	memset(post.parent.b, 2, 32);
	memset(post.root.b, 3, 32);
	post.depth = 32;
	post.height = 77;
	post.time = 1700000000000u;
	post.body = (const uint8_t *)"hello";
	post.body_len = 5;
	post.ntags = 2;
	post.tags[0].p = (const uint8_t *)"a";
	post.tags[0].len = 1;
	post.tags[1].p = (const uint8_t *)"b_2";
	post.tags[1].len = 3;
	buf_reset(&b);
	CHECK(ledger_post_encode(&b, &post) && ledger_post_decode(&post2, b.data, b.len));
	CHECK(memcmp(post2.author.b, post.author.b, 32) == 0 && post2.has_parent &&
	      memcmp(post2.parent.b, post.parent.b, 32) == 0 && post2.depth == 32 &&
	      post2.height == 77 && post2.time == post.time && post2.body_len == 5 &&
	      memcmp(post2.body, "hello", 5) == 0 && post2.ntags == 2 && post2.tags[1].len == 3 &&
	      memcmp(post2.tags[1].p, "b_2", 3) == 0);

	buf_reset(&b);
	CHECK(ledger_stats_encode(&b, &st) && ledger_stats_decode(&st2, b.data, b.len));
	CHECK(memcmp(&st, &st2, sizeof(st)) == 0);
	buf_reset(&b);
	CHECK(ledger_vote_encode(&b, &vo) && ledger_vote_decode(&vo2, b.data, b.len));
	CHECK(vo2.weight == -10000 && vo2.rep_delta == -123456);
	buf_reset(&b);
	CHECK(ledger_endorsement_encode(&b, &en) && ledger_endorsement_decode(&en2, b.data, b.len));
	CHECK(en2.weight == 10000 && en2.rep_delta == 9007199254);

	memset(&va, 0, sizeof(va));
	memset(va.consensus_key.b, 9, 32);
	va.moniker_len = 2;
	memcpy(va.moniker, "v1", 2);
	va.commission = 10000;
	va.self_stake = 5;
	va.total_bonded = 9;
	va.jailed = true;
	va.jailed_until = 99;
	va.tombstoned = true;
	buf_reset(&b);
	CHECK(ledger_validator_encode(&b, &va) && ledger_validator_decode(&va2, b.data, b.len));
	CHECK(memcmp(&va, &va2, sizeof(va)) == 0);

	memset(&ub, 0, sizeof(ub));
	memset(ub.delegator.b, 4, 32);
	memset(ub.validator.b, 5, 32);
	ub.amount = MAX_MONEY;
	buf_reset(&b);
	CHECK(ledger_unbonding_encode(&b, &ub) && ledger_unbonding_decode(&ub2, b.data, b.len));
	CHECK(memcmp(&ub, &ub2, sizeof(ub)) == 0);

	buf_reset(&b);
	CHECK(ledger_chain_encode(&b, &ch) && ledger_chain_decode(&ch2, b.data, b.len));
	CHECK(memcmp(&ch, &ch2, sizeof(ch)) == 0);

	buf_reset(&b);
	CHECK(ledger_amount_encode(&b, 300) && ledger_amount_decode(&amt, b.data, b.len) && amt == 300);
	buf_release(&b);
}

/* ------------------------------------------------------------ rejections */

enum rec { R_ACCOUNT, R_PROFILE, R_POST, R_STATS, R_VOTE, R_ENDORSE, R_VALIDATOR, R_UNBONDING,
	   R_CHAIN, R_AMOUNT };

static bool decode_any(enum rec r, const uint8_t *d, size_t n)
{
	struct ledger_account a;
	struct ledger_profile p;
	struct ledger_post po;
	struct ledger_stats s;
	struct ledger_vote v;
	struct ledger_endorsement e;
	struct ledger_validator va;
	struct ledger_unbonding u;
	struct ledger_chain c;
	uint64_t amt;
	switch (r) {
	case R_ACCOUNT: return ledger_account_decode(&a, d, n);
	case R_PROFILE: return ledger_profile_decode(&p, d, n);
	case R_POST: return ledger_post_decode(&po, d, n);
	case R_STATS: return ledger_stats_decode(&s, d, n);
	case R_VOTE: return ledger_vote_decode(&v, d, n);
	case R_ENDORSE: return ledger_endorsement_decode(&e, d, n);
	case R_VALIDATOR: return ledger_validator_decode(&va, d, n);
	case R_UNBONDING: return ledger_unbonding_decode(&u, d, n);
	case R_CHAIN: return ledger_chain_decode(&c, d, n);
	case R_AMOUNT: return ledger_amount_decode(&amt, d, n);
	}
	return false;
}

#define K32A "0101010101010101010101010101010101010101010101010101010101010101"
#define K32B "0202020202020202020202020202020202020202020202020202020202020202"

static const struct {
	const char *name;
	enum rec rec;
	bool ok;
	const char *hex;
} decode_cases[] = {
	/* accounts */
	{ "account default", R_ACCOUNT, true, "0000000000904e000000000000" },
	{ "account handle 3", R_ACCOUNT, true, "0000000000904e000000000003616263" },
	{ "account empty", R_ACCOUNT, false, "" },
	{ "account truncated", R_ACCOUNT, false, "0000000000904e0000000000" },
	{ "account trailing", R_ACCOUNT, false, "0000000000904e00000000000000" },
	{ "account vp 10001", R_ACCOUNT, false, "0000000000914e000000000000" },
	{ "account endorse_used 10001", R_ACCOUNT, false, "0000000000904e00914e00000000" },
	{ "account balance 2^53", R_ACCOUNT, false, "808080808080801000000000904e000000000000" },
	{ "account rep above limit", R_ACCOUNT, false, "0000000082808080808080808001904e000000000000" },
	{ "account rep below limit", R_ACCOUNT, false, "0000000081808080808080808001904e000000000000" },
	{ "account handle 2", R_ACCOUNT, false, "0000000000904e0000000000026161" },
	{ "account handle 25", R_ACCOUNT, false, "0000000000904e00000000001961616161616161616161616161616161616161616161616161" },
	{ "account non-minimal varint", R_ACCOUNT, false, "800000000000904e000000000000" },
	/* profiles */
	{ "profile ok", R_PROFILE, true, "036162630000" },
	{ "profile truncated", R_PROFILE, false, "036162" },
	{ "profile name 65", R_PROFILE, false, "41" "6161616161616161616161616161616161616161616161616161616161616161"
					       "616161616161616161616161616161616161616161616161616161616161616161" "0000" },
	/* posts: author, flag, [parent], root, depth, height, time, body, ntags, tags */
	{ "post ok", R_POST, true, K32A "00" K32B "00" "05" "06" "0168" "00" },
	{ "post reply ok", R_POST, true, K32A "01" K32B K32B "01" "05" "06" "0168" "0101" "61" },
	{ "post flag 2", R_POST, false, K32A "02" K32B "00" "05" "06" "0168" "00" },
	{ "post empty body", R_POST, false, K32A "00" K32B "00" "05" "06" "00" "00" },
	{ "post depth 33", R_POST, false, K32A "01" K32B K32B "21" "05" "06" "0168" "00" },
	{ "post top-level depth 1", R_POST, false, K32A "00" K32B "01" "05" "06" "0168" "00" },
	{ "post reply depth 0", R_POST, false, K32A "01" K32B K32B "00" "05" "06" "0168" "00" },
	{ "post 9 tags", R_POST, false, K32A "00" K32B "00" "05" "06" "0168" "09" },
	{ "post empty tag", R_POST, false, K32A "00" K32B "00" "05" "06" "0168" "0100" },
	{ "post trailing", R_POST, false, K32A "00" K32B "00" "05" "06" "0168" "0000" },
	/* stats */
	{ "stats ok", R_STATS, true, "00000000" },
	{ "stats truncated", R_STATS, false, "000000" },
	/* votes: zigzag weight, zigzag delta */
	{ "vote ok", R_VOTE, true, "9f9c0101" },
	{ "vote weight 0", R_VOTE, false, "0000" },
	{ "vote weight 10001", R_VOTE, false, "a29c0100" },
	{ "vote trailing", R_VOTE, false, "020000" },
	/* endorsements: varint weight, zigzag delta */
	{ "endorse ok", R_ENDORSE, true, "904e02" },
	{ "endorse weight 0", R_ENDORSE, false, "0002" },
	{ "endorse weight 10001", R_ENDORSE, false, "914e02" },
	{ "endorse negative delta", R_ENDORSE, false, "0101" },
	/* validators: ckey, moniker, commission, self, total, jailed, until, tombstoned */
	{ "validator ok", R_VALIDATOR, true, K32A "027631" "00" "01" "02" "00" "00" "00" },
	{ "validator empty moniker", R_VALIDATOR, false, K32A "00" "00" "01" "02" "00" "00" "00" },
	{ "validator commission 10001", R_VALIDATOR, false, K32A "027631" "914e" "01" "02" "00" "00" "00" },
	{ "validator jailed 2", R_VALIDATOR, false, K32A "027631" "00" "01" "02" "02" "00" "00" },
	{ "validator self above total", R_VALIDATOR, false, K32A "027631" "00" "03" "02" "00" "00" "00" },
	/* unbonding entries */
	{ "unbonding ok", R_UNBONDING, true, K32A K32B "05" },
	{ "unbonding amount 0", R_UNBONDING, false, K32A K32B "00" },
	/* chain: reward, era, fee per byte, unbonding, supply */
	{ "chain ok", R_CHAIN, true, "01" "01" "01" "01" "00" },
	{ "chain era 0", R_CHAIN, false, "01" "00" "01" "01" "00" },
	{ "chain fee 0", R_CHAIN, false, "01" "01" "00" "01" "00" },
	{ "chain unbonding 0", R_CHAIN, false, "01" "01" "01" "00" "00" },
	/* bonds */
	{ "amount ok", R_AMOUNT, true, "05" },
	{ "amount 0", R_AMOUNT, false, "00" },
	{ "amount empty", R_AMOUNT, false, "" },
};

static void test_decode_table(void)
{
	for (size_t i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		uint8_t bytes[512];
		size_t n = unit_unhex(bytes, sizeof(bytes), decode_cases[i].hex);
		bool got = decode_any(decode_cases[i].rec, bytes, n);
		if (!CHECK(got == decode_cases[i].ok))
			unit_note("case \"%s\"", decode_cases[i].name);
	}
}

static void test_svarint(void)
{
	static const int64_t vals[] = { 0, 1, -1, 63, -64, 10000, -10000, INT64_MAX, INT64_MIN };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct buf b = BUF_INIT;
		struct reader r;
		int64_t got;
		CHECK(ledger_put_svarint(&b, vals[i]));
		reader_init(&r, b.data, b.len);
		CHECK(ledger_get_svarint(&r, &got) && reader_done(&r) && got == vals[i]);
		buf_release(&b);
	}
}

/* ------------------------------------------------------------ formulas */

static const struct ledger_params MAINP = { 200000000, 10000000, 10, 1814400000 };
static const struct ledger_params REGP = { 200000000, 150, 10, 60000 };

/* E1 (reward). */
static void test_e1_reward(void)
{
	static const struct {
		bool main;
		uint64_t h, reward;
	} cases[] = {
		{ true, 1, 200000000 }, { true, 10000000, 200000000 },
		{ true, 10000001, 100000000 }, { true, 20000001, 50000000 },
		{ true, 270000001, 1 }, { true, 280000000, 1 }, { true, 280000001, 0 },
		{ false, 150, 200000000 }, { false, 151, 100000000 }, { false, 301, 50000000 },
		{ false, 4051, 1 }, { false, 4201, 0 }, { false, 0, 0 },
		{ true, UINT64_MAX, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(ledger_reward(cases[i].main ? &MAINP : &REGP, cases[i].h) == cases[i].reward);
}

/* E2 (issuance and the genesis limit). */
static void test_e2_issuance(void)
{
	uint64_t v;
	struct ledger_params big = { MAX_MONEY, 1u << 31, 1, 1 };
	CHECK(ledger_issuance_total(&v, &MAINP) && v == UINT64_C(3999999880000000));
	CHECK(ledger_issuance_total(&v, &REGP) && v == UINT64_C(59999998200));
	CHECK(ledger_genesis_limit(&v, &MAINP) && v == UINT64_C(5007199254740991));
	CHECK(ledger_genesis_limit(&v, &REGP) && v == UINT64_C(9007139254740991));
	CHECK(!ledger_genesis_limit(&v, &big) && v == 0);
	CHECK(!ledger_issuance_total(&v, &big) && v == 0);
	CHECK(ledger_params_valid(&MAINP) && ledger_params_valid(&REGP));
}

/* E3 (fees): min_fee of a 152-byte vote. */
static void test_e3_min_fee(void)
{
	CHECK(ledger_min_fee(&MAINP, 152) == 1520);
	CHECK(ledger_min_fee(&MAINP, TX_MAX_SIZE) == 81920);
	CHECK(ledger_min_fee(&MAINP, 0) == 0);
}

/* E4 (regeneration). */
static void test_e4_vp(void)
{
	static const struct {
		uint16_t vp;
		uint64_t vp_time, now;
		uint16_t expect;
	} cases[] = {
		{ 5000, 1000000000, 1086400000, 7000 },
		{ 5000, 1000000000, 1259200000, 10000 },
		{ 0, 0, 43199, 0 },
		{ 0, 0, 43200, 1 },
		{ 0, 0, 100000, 2 },
		{ 3, 1000, 51000, 4 },
		{ 10000, 0, 0, 10000 },
		{ 9800, 5, 5, 9800 },
		{ 0, 0, 432000000, 10000 },
		{ 0, 0, 431999999, 9999 },
		{ 9999, 0, UINT64_MAX, 10000 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(ledger_vp_now(cases[i].vp, cases[i].vp_time, cases[i].now) == cases[i].expect);
}

/* E5 (vote arithmetic). */
static void test_e5_vote(void)
{
	static const struct {
		uint64_t s;
		int16_t w;
		uint16_t p;
		uint64_t mag;
		uint16_t used, after;
	} cases[] = {
		{ 100000000000u, 10000, 10000, 100000, 200, 9800 },
		{ 100000000000u, 10000, 9800, 98000, 196, 9604 },
		{ 100000000000u, -5000, 9604, 48020, 97, 9507 },
		{ 123456789012u, 7531, 8642, 80349, 131, 8511 },
		{ 123456789012u, 1, 10000, 12, 1, 9999 },
		{ 1234567, 3333, 7777, 0, 52, 7725 },
		{ 0, 10000, 10000, 0, 200, 9800 },
		{ 100000000000u, 10000, 0, 0, 0, 0 },
		{ 9007199254740991u, 10000, 10000, 9007199254u, 200, 9800 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t absw = (uint16_t)(cases[i].w < 0 ? -cases[i].w : cases[i].w);
		uint16_t used = ledger_vote_used(cases[i].p, absw);
		CHECK(ledger_vote_mag(cases[i].s, absw, cases[i].p) == cases[i].mag);
		CHECK(used == cases[i].used);
		CHECK(cases[i].p - used == cases[i].after);
	}
}

/* E8 (score). */
static void test_e8_score(void)
{
	static const struct {
		int64_t r;
		int score;
	} cases[] = {
		{ 0, 0 }, { 1, 1 }, { 9, 9 }, { 10, 10 }, { 19, 10 }, { 20, 11 }, { 99, 18 },
		{ 100, 19 }, { 999, 27 }, { 98000, 45 }, { 100000, 46 }, { 123456789, 73 },
		{ -250, -20 }, { 1000000000000000000, 163 }, { INT64_C(4611686018427387904), 166 },
		{ -INT64_C(4611686018427387904), -166 }, { INT64_MAX, 171 }, { INT64_MIN, -171 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!CHECK(ledger_rep_score(cases[i].r) == cases[i].score))
			unit_note("r = %lld", (long long)cases[i].r);
}

/* E9's endorsement deltas. */
static void test_e9_delta(void)
{
	CHECK(ledger_endorse_delta(500000000000u, 0, 2500) == 125000);
	CHECK(ledger_endorse_delta(500000000000u, 0, 7500) == 375000);
	CHECK(ledger_endorse_delta(1000000000000u, 0, 2500) == 250000);
	CHECK(ledger_endorse_delta(123456789012u, 5, 7531) == 92975);
	CHECK(ledger_endorse_delta(999999, 0, 10000) == 0);
	CHECK(ledger_endorse_delta(MAX_MONEY, 0, 10000) == 9007199254);
	CHECK(ledger_endorse_delta(MAX_MONEY, -1, 10000) == 0);
}

const struct unit_case tl_state_cases[] = {
	UNIT_CASE(test_key_layout),
	UNIT_CASE(test_key_rep_order),
	UNIT_CASE(test_pos),
	UNIT_CASE(test_account_roundtrip),
	UNIT_CASE(test_records_roundtrip),
	UNIT_CASE(test_decode_table),
	UNIT_CASE(test_svarint),
	UNIT_CASE(test_e1_reward),
	UNIT_CASE(test_e2_issuance),
	UNIT_CASE(test_e3_min_fee),
	UNIT_CASE(test_e4_vp),
	UNIT_CASE(test_e5_vote),
	UNIT_CASE(test_e8_score),
	UNIT_CASE(test_e9_delta),
};
const size_t tl_state_ncases = UNIT_COUNT(tl_state_cases);
