/* Unit tests of src/mempool: every rejection (table), replacement,
 * eviction with the gapped followers, the building order, expiry,
 * re-validation after a block, the queries and the internal structures.
 * The file format is tested in test_mempool_file.c and the randomised
 * comparison with a brute-force model in test_mempool_model.c. The ledger
 * is replaced by the fake chain of test_mempool_util.c. */
#include "test_mempool.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "mempool/mempool_internal.h"

/* ------------------------------------------------------- rejections */

/* Add txs of size tm_size(memo) from sender `from` at fee rate `rate`
 * until the next one would not fit. Returns how many were added. */
static size_t fill(struct tm_pool *p, size_t from, uint64_t rate, size_t memo)
{
	size_t n = 0, size = tm_size(memo);

	while (mempool_bytes(p->mp) + size <= 8192) {
		if (tm_add_new(p, NULL, from, n, rate * (size + 1), memo) != MEMPOOL_OK)
			break;
		n++;
	}
	return n;
}

static void set_dup(struct tm_pool *p, struct tx *tx)
{
	tm_add_new(p, tx, 1, 0, 1000, 0);
}
static void set_invalid(struct tm_pool *p, struct tx *tx)
{
	struct tm_spec s = { .from = 1, .fee = 1000, .bad_to = true };
	(void)p;
	tm_make(tx, &s);
}
static void set_wrong_chain(struct tm_pool *p, struct tx *tx)
{
	struct tm_spec s = { .from = 1, .fee = 1000, .chain = "testnet-0011aabb" };
	(void)p;
	tm_make(tx, &s);
}
static void set_fee_low(struct tm_pool *p, struct tx *tx)
{
	(void)p;
	tm_tx(tx, 1, 0, tm_size(0) - 1, 0);
}
static void set_state(struct tm_pool *p, struct tx *tx)
{
	p->fc.fail_account = true;
	tm_tx(tx, 1, 0, 1000, 0);
}
static void set_nonce_low(struct tm_pool *p, struct tx *tx)
{
	p->fc.nonce[1] = 5;
	tm_tx(tx, 1, 4, 1000, 0);
}
static void set_gap_empty(struct tm_pool *p, struct tx *tx)
{
	p->fc.nonce[1] = 5;
	tm_tx(tx, 1, 6, 1000, 0);
}
static void set_gap_pending(struct tm_pool *p, struct tx *tx)
{
	tm_add_new(p, NULL, 1, 0, 1000, 0);
	tm_add_new(p, NULL, 1, 1, 1000, 0);
	tm_tx(tx, 1, 3, 1000, 0);
}
static void set_replace_low(struct tm_pool *p, struct tx *tx)
{
	tm_add_new(p, NULL, 1, 0, 1000, 0);
	tm_tx(tx, 1, 0, 1000 + tm_size(0) - 1, 0);
}
static void set_cap(struct tm_pool *p, struct tx *tx)
{
	tm_add_new(p, NULL, 1, 0, 1000, 0);
	tm_add_new(p, NULL, 1, 1, 1000, 0);
	tm_tx(tx, 1, 2, 1000, 0);
}
static void set_bad_sig(struct tm_pool *p, struct tx *tx)
{
	struct tm_spec s = { .from = 1, .fee = 1000, .bad_sig = true };
	(void)p;
	tm_make(tx, &s);
}
static void set_balance(struct tm_pool *p, struct tx *tx)
{
	p->fc.balance[1] = 999;
	tm_tx(tx, 1, 0, 1000, 0);
}
static void set_balance_pending(struct tm_pool *p, struct tx *tx)
{
	p->fc.balance[1] = 2500;
	tm_add_new(p, NULL, 1, 0, 1500, 0);
	tm_tx(tx, 1, 1, 1001, 0);
}
static void set_refused(struct tm_pool *p, struct tx *tx)
{
	tm_tx(tx, 1, 0, 1000, 0);
	fake_chain_refuse(&p->fc, &tx->txid);
}
static void set_full(struct tm_pool *p, struct tx *tx)
{
	fill(p, 2, 40, 100);
	tm_tx(tx, 3, 0, 10 * (tm_size(100) + 1), 100);
}
static void set_full_own(struct tm_pool *p, struct tx *tx)
{
	/* Sender 3's nonce 0 is the worst; its nonce 1 cannot evict it. */
	tm_add_new(p, NULL, 3, 0, 5 * (tm_size(100) + 1), 100);
	fill(p, 2, 40, 100);
	tm_tx(tx, 3, 1, 80 * (tm_size(100) + 1), 100);
}
/* Order of the checks: the cheap ones come first. */
static void set_order_nonce_before_sig(struct tm_pool *p, struct tx *tx)
{
	struct tm_spec s = { .from = 1, .nonce = 0, .fee = 1000, .bad_sig = true };
	p->fc.nonce[1] = 1;
	tm_make(tx, &s);
}
static void set_order_chain_before_fee(struct tm_pool *p, struct tx *tx)
{
	struct tm_spec s = { .from = 1, .fee = 130, .chain = "testnet-0011aabb" };
	(void)p;
	tm_make(tx, &s);
}
static void set_order_dup_before_state(struct tm_pool *p, struct tx *tx)
{
	tm_add_new(p, tx, 1, 0, 1000, 0);
	p->fc.fail_account = true;
}

struct reject_case {
	const char *name;
	size_t max_bytes, cap;
	void (*setup)(struct tm_pool *p, struct tx *tx);
	enum mempool_err code;
	const char *reason;
	bool punishable;
};

static const struct reject_case reject_cases[] = {
	{ "duplicate", 0, 0, set_dup, MEMPOOL_ERR_DUPLICATE, "duplicate", false },
	{ "tx_check", 0, 0, set_invalid, MEMPOOL_ERR_INVALID, "to_key", true },
	{ "wrong chain", 0, 0, set_wrong_chain, MEMPOOL_ERR_WRONG_CHAIN, "wrong_chain", true },
	{ "fee too low", 0, 0, set_fee_low, MEMPOOL_ERR_FEE_TOO_LOW, "fee_too_low", false },
	{ "state", 0, 0, set_state, MEMPOOL_ERR_STATE, "state_unavailable", false },
	{ "nonce too low", 0, 0, set_nonce_low, MEMPOOL_ERR_NONCE_TOO_LOW, "nonce_too_low", false },
	{ "gap, none pending", 0, 0, set_gap_empty, MEMPOOL_ERR_NONCE_TOO_HIGH, "nonce_too_high",
	  false },
	{ "gap after pending", 0, 0, set_gap_pending, MEMPOOL_ERR_NONCE_TOO_HIGH, "nonce_too_high",
	  false },
	{ "replacement fee", 0, 0, set_replace_low, MEMPOOL_ERR_REPLACEMENT_FEE,
	  "replacement_fee_too_low", false },
	{ "sender cap", 0, 2, set_cap, MEMPOOL_ERR_SENDER_CAP, "sender_cap", false },
	{ "bad signature", 0, 0, set_bad_sig, MEMPOOL_ERR_BAD_SIGNATURE, "bad_signature", true },
	{ "balance", 0, 0, set_balance, MEMPOOL_ERR_CHAIN, "fee_exceeds_balance", false },
	{ "balance after pending", 0, 0, set_balance_pending, MEMPOOL_ERR_CHAIN,
	  "fee_exceeds_balance", false },
	{ "chain refuses", 0, 0, set_refused, MEMPOOL_ERR_CHAIN, "refused", false },
	{ "full", 8192, 0, set_full, MEMPOOL_ERR_FULL, "mempool_full", false },
	{ "full, own predecessor", 8192, 0, set_full_own, MEMPOOL_ERR_FULL, "mempool_full", false },
	{ "nonce before signature", 0, 0, set_order_nonce_before_sig, MEMPOOL_ERR_NONCE_TOO_LOW,
	  "nonce_too_low", false },
	{ "chain id before fee", 0, 0, set_order_chain_before_fee, MEMPOOL_ERR_WRONG_CHAIN,
	  "wrong_chain", true },
	{ "duplicate before state", 0, 0, set_order_dup_before_state, MEMPOOL_ERR_DUPLICATE,
	  "duplicate", false },
};

static void test_rejections(void)
{
	for (size_t i = 0; i < UNIT_COUNT(reject_cases); i++) {
		const struct reject_case *c = &reject_cases[i];
		struct tm_pool p;
		struct mempool_reject why;
		struct mempool_added info;
		struct tx tx;
		size_t count, bytes;
		bool ok;

		if (!tm_open(&p, c->max_bytes, c->cap, 0))
			return;
		c->setup(&p, &tx);
		count = mempool_count(p.mp);
		bytes = mempool_bytes(p.mp);
		memset(&info, 0xaa, sizeof(info));
		ok = CHECK(mempool_add(p.mp, &why, &info, &tx) == c->code);
		ok &= CHECK(why.code == c->code);
		ok &= CHECK(strcmp(why.name, c->reason) == 0);
		ok &= CHECK(why.punishable == c->punishable);
		ok &= CHECK(why.msg[0] != '\0');
		ok &= CHECK(!info.replaced && info.evicted == 0);
		ok &= CHECK(mempool_count(p.mp) == count && mempool_bytes(p.mp) == bytes);
		if (!ok)
			unit_note("case %s: got %s (%s)", c->name, why.name, why.msg);
		tx_release(&tx);
		tm_close(&p);
	}
}

/* ---------------------------------------------- admission and queries */

static void test_accept_and_queries(void)
{
	struct tm_pool p;
	struct tx a0, a1, b0;
	const struct tx *got[4];
	struct hash256 ids[4];
	struct mempool_reject why;
	struct mempool_added info;
	uint64_t nonce;
	int64_t t;
	size_t n;

	if (!tm_open(&p, 0, 0, 0))
		return;
	tm_tx(&a0, 1, 0, tm_size(0), 0); /* exactly the minimum fee */
	CHECK(mempool_add(p.mp, &why, &info, &a0) == MEMPOOL_OK);
	CHECK(why.code == MEMPOOL_OK && why.name[0] == '\0' && !info.replaced && info.evicted == 0);
	clock_set_mock_ms(&p.clock, TM_START_MS + 5);
	CHECK(tm_add_new(&p, &a1, 1, 1, 3000, 10) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &b0, 2, 0, 2000, 0) == MEMPOOL_OK);

	CHECK(mempool_count(p.mp) == 3);
	CHECK(mempool_bytes(p.mp) == a0.raw_len + a1.raw_len + b0.raw_len);
	CHECK(mempool_get(p.mp, &t, &a0.txid) != NULL && t == TM_START_MS);
	CHECK(mempool_get(p.mp, &t, &a1.txid) != NULL && t == TM_START_MS + 5);
	CHECK(memcmp(mempool_get(p.mp, NULL, &b0.txid)->raw, b0.raw, b0.raw_len) == 0);
	{
		struct hash256 unknown = { { 7 } };
		CHECK(mempool_get(p.mp, &t, &unknown) == NULL && t == 0);
	}

	CHECK(mempool_pending_nonce(p.mp, &nonce, tm_pub(1)) && nonce == 2);
	CHECK(mempool_pending_nonce(p.mp, &nonce, tm_pub(2)) && nonce == 1);
	p.fc.nonce[3] = 7;
	CHECK(mempool_pending_nonce(p.mp, &nonce, tm_pub(3)) && nonce == 7);
	p.fc.fail_account = true;
	CHECK(!mempool_pending_nonce(p.mp, &nonce, tm_pub(3)) && nonce == 0);
	CHECK(mempool_pending_nonce(p.mp, &nonce, tm_pub(1)) && nonce == 2);
	p.fc.fail_account = false;

	CHECK(mempool_account_txs(p.mp, got, 4, tm_pub(1)) == 2);
	CHECK(got[0] == mempool_get(p.mp, NULL, &a0.txid) &&
	      got[1] == mempool_get(p.mp, NULL, &a1.txid));
	got[1] = NULL;
	CHECK(mempool_account_txs(p.mp, got, 1, tm_pub(1)) == 2 && got[1] == NULL);
	CHECK(mempool_account_txs(p.mp, got, 4, tm_pub(4)) == 0);

	/* Building order: b0 (2000 / ~150) ranks before a0 (min fee); a1
	 * follows a0. */
	CHECK(mempool_list(p.mp, ids, &n, 4) && n == 3);
	CHECK(memcmp(&ids[0], &b0.txid, 32) == 0 && memcmp(&ids[1], &a0.txid, 32) == 0 &&
	      memcmp(&ids[2], &a1.txid, 32) == 0);
	CHECK(mempool_list(p.mp, ids, &n, 1) && n == 1 && memcmp(&ids[0], &b0.txid, 32) == 0);
	CHECK(mempool_list(p.mp, ids, &n, 0) && n == 0);
	tx_release(&a0);
	tx_release(&a1);
	tx_release(&b0);
	tm_close(&p);

	/* An empty pool. */
	if (!tm_open(&p, 0, 0, 0))
		return;
	CHECK(mempool_count(p.mp) == 0 && mempool_bytes(p.mp) == 0);
	CHECK(mempool_list(p.mp, ids, &n, 4) && n == 0);
	CHECK(mempool_build(p.mp, got, &n, 4, 1 << 20) && n == 0);
	CHECK(mempool_revalidate(p.mp) == 0 && mempool_expire(p.mp) == 0);
	tm_close(&p);
}

/* ------------------------------------------------------- replacement */

static void test_replacement(void)
{
	struct tm_pool p;
	struct tx a[3], r1, r0, hi;
	const struct tx *got[3];
	struct mempool_reject why;
	struct mempool_added info;

	if (!tm_open(&p, 0, 3, 0))
		return;
	p.fc.balance[1] = 4000;
	for (uint64_t i = 0; i < 3; i++)
		CHECK(tm_add_new(&p, &a[i], 1, i, 1000, 0) == MEMPOOL_OK);
	/* Exactly old fee + min_fee(new size) replaces; the cap does not
	 * apply to a replacement. */
	tm_tx(&r1, 1, 1, 1000 + tm_size(5), 5);
	CHECK(mempool_add(p.mp, &why, &info, &r1) == MEMPOOL_OK);
	CHECK(info.replaced && memcmp(&info.replaced_txid, &a[1].txid, 32) == 0 &&
	      info.evicted == 0);
	CHECK(!tm_has(&p, &a[1]) && tm_has(&p, &r1) && mempool_count(p.mp) == 3);
	CHECK(mempool_bytes(p.mp) == a[0].raw_len + r1.raw_len + a[2].raw_len);
	CHECK(mempool_account_txs(p.mp, got, 3, tm_pub(1)) == 3);
	CHECK(got[0]->nonce == 0 && got[1] == mempool_get(p.mp, NULL, &r1.txid) &&
	      got[2]->nonce == 2);
	/* The replacement must leave the fees of the others payable:
	 * 4000 - (r1 + a2) is what is left for a new nonce 0. */
	tm_tx(&hi, 1, 0, 4000 - 1000 - r1.fee + 1, 0);
	CHECK(mempool_add(p.mp, &why, NULL, &hi) == MEMPOOL_ERR_CHAIN);
	CHECK(strcmp(why.name, "fee_exceeds_balance") == 0);
	tm_tx(&r0, 1, 0, 4000 - 1000 - r1.fee, 0);
	CHECK(mempool_add(p.mp, &why, &info, &r0) == MEMPOOL_OK && info.replaced);
	CHECK(memcmp(&info.replaced_txid, &a[0].txid, 32) == 0 && tm_has(&p, &r0));
	CHECK(mempool_count(p.mp) == 3);
	for (int i = 0; i < 3; i++)
		tx_release(&a[i]);
	tx_release(&r0);
	tx_release(&r1);
	tx_release(&hi);
	tm_close(&p);
}

/* ---------------------------------------------------------- eviction */

static void test_eviction(void)
{
	struct tm_pool p;
	struct tx lo, hi, x, y;
	struct mempool_reject why;
	struct mempool_added info;
	size_t size = tm_size(100), n;

	if (!tm_open(&p, 8192, 0, 0))
		return;
	/* Sender 1: nonce 0 is the worst in the pool, nonce 1 the best. */
	CHECK(tm_add_new(&p, &lo, 1, 0, 10 * (size + 1), 100) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &hi, 1, 1, 100 * (size + 1), 100) == MEMPOOL_OK);
	n = fill(&p, 2, 40, 100);
	CHECK(n > 10 && mempool_count(p.mp) == n + 2);

	/* Rate 5 < the worst (10): refused, nothing changes. */
	tm_tx(&x, 3, 0, 5 * (size + 1), 100);
	CHECK(mempool_add(p.mp, &why, &info, &x) == MEMPOOL_ERR_FULL);
	CHECK(mempool_count(p.mp) == n + 2);

	/* Rate 20 evicts sender 1's nonce 0 and, with it, the gapped nonce 1
	 * even though that one ranks above the newcomer. */
	tm_tx(&y, 3, 0, 20 * (size + 1), 100);
	CHECK(mempool_add(p.mp, &why, &info, &y) == MEMPOOL_OK);
	CHECK(info.evicted == 2 && !info.replaced);
	CHECK(!tm_has(&p, &lo) && !tm_has(&p, &hi) && tm_has(&p, &y));
	CHECK(mempool_count(p.mp) == n + 1 && mempool_bytes(p.mp) <= 8192);
	{
		uint64_t nonce;
		CHECK(mempool_pending_nonce(p.mp, &nonce, tm_pub(1)) && nonce == 0);
	}
	tx_release(&lo);
	tx_release(&hi);
	tx_release(&x);
	tx_release(&y);
	tm_close(&p);
}

/* Eviction that needs several victims, from the bottom up. */
static void test_eviction_several(void)
{
	struct tm_pool p;
	struct tx small[3], big;
	struct mempool_added info;
	struct mempool_reject why;
	size_t ssize = tm_size(0), n;

	if (!tm_open(&p, 8192, 0, 0))
		return;
	for (size_t i = 0; i < 3; i++)
		CHECK(tm_add_new(&p, &small[i], 4 + i, 0, (uint64_t)(10 + i) * ssize, 0) ==
		      MEMPOOL_OK);
	n = fill(&p, 2, 40, 100);
	/* A 256-byte memo needs more room than the smallest one frees. */
	tm_tx(&big, 3, 0, 60 * (tm_size(TX_MEMO_MAX) + 1), TX_MEMO_MAX);
	CHECK(big.raw_len > ssize + (8192 - mempool_bytes(p.mp)));
	CHECK(mempool_add(p.mp, &why, &info, &big) == MEMPOOL_OK);
	CHECK(info.evicted >= 2 && tm_has(&p, &big) && mempool_bytes(p.mp) <= 8192);
	/* The lowest-ranked go first. */
	CHECK(!tm_has(&p, &small[0]) && !tm_has(&p, &small[1]));
	CHECK(mempool_count(p.mp) == n + 3 + 1 - info.evicted);
	for (size_t i = 0; i < 3; i++)
		tx_release(&small[i]);
	tx_release(&big);
	tm_close(&p);
}

/* ---------------------------------------------------- building order */

static void set_rank_tx(struct tx *t, uint64_t fee, size_t size, uint8_t id)
{
	memset(t, 0, sizeof(*t));
	t->fee = fee;
	t->raw_len = size;
	t->txid.b[0] = id;
}

static void test_rank_order(void)
{
	static const struct {
		uint64_t fa;
		size_t sa;
		uint8_t ia;
		uint64_t fb;
		size_t sb;
		uint8_t ib;
		int want; /* sign of cmp(a, b) */
	} cases[] = {
		{ 3000, 200, 1, 2000, 120, 2, 1 }, /* social.md E3: b first */
		{ 2000, 120, 2, 3000, 200, 1, -1 },
		{ 2000, 200, 1, 1000, 100, 0, -1 }, /* same rate: higher fee first */
		{ 1000, 100, 2, 1000, 100, 3, -1 }, /* same fee and size: txid */
		{ 1000, 100, 3, 1000, 100, 2, 1 },
		{ 1000, 100, 3, 1000, 100, 3, 0 },
		{ MAX_MONEY, TX_MAX_SIZE, 0, MAX_MONEY - 1, TX_MAX_SIZE, 0, -1 }, /* no overflow */
		{ MAX_MONEY, 1, 0, MAX_MONEY, 2, 0, -1 },
	};
	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		struct tx a, b;
		int c;
		set_rank_tx(&a, cases[i].fa, cases[i].sa, cases[i].ia);
		set_rank_tx(&b, cases[i].fb, cases[i].sb, cases[i].ib);
		c = mempool_rank_cmp(&a, &b);
		if (!CHECK((c > 0) - (c < 0) == cases[i].want))
			unit_note("rank case %zu", i);
	}
}

static void test_build_order(void)
{
	struct tm_pool p;
	struct tx s1n0, s1n1, s2n0, s3n0, s3n1;
	const struct tx *out[8];
	size_t n, sz = tm_size(0);

	if (!tm_open(&p, 0, 0, 0))
		return;
	CHECK(tm_add_new(&p, &s1n0, 1, 0, 5 * sz, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &s1n1, 1, 1, 50 * sz, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &s2n0, 2, 0, 20 * sz, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &s3n0, 3, 0, 30 * (tm_size(200) + 1), 200) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &s3n1, 3, 1, 10 * sz, 0) == MEMPOOL_OK);

	/* Each step takes the best head: s3n0 (30), s2n0 (20), s3n1 (10),
	 * s1n0 (5), and only then s1n1 (50), which had to wait for s1n0. */
	{
		const struct tx *want[] = { &s3n0, &s2n0, &s3n1, &s1n0, &s1n1 };
		CHECK(mempool_build(p.mp, out, &n, 8, 1 << 20) && n == 5);
		for (size_t i = 0; i < 5 && i < n; i++)
			CHECK(memcmp(&out[i]->txid, &want[i]->txid, 32) == 0);
	}
	/* The count limit. */
	CHECK(mempool_build(p.mp, out, &n, 2, 1 << 20) && n == 2);
	CHECK(memcmp(&out[1]->txid, &s2n0.txid, 32) == 0);
	CHECK(mempool_build(p.mp, out, &n, 0, 1 << 20) && n == 0);
	/* The byte limit: s3n0 does not fit, which ends sender 3 (s3n1 would
	 * be a gap); s2n0 and s1n0 fit; s1n1 no longer does. */
	{
		size_t lim = s3n0.raw_len - 1;
		CHECK(s2n0.raw_len + s1n0.raw_len <= lim);
		CHECK(s2n0.raw_len + s1n0.raw_len + s1n1.raw_len > lim);
		CHECK(mempool_build(p.mp, out, &n, 8, lim) && n == 2);
		CHECK(memcmp(&out[0]->txid, &s2n0.txid, 32) == 0);
		CHECK(memcmp(&out[1]->txid, &s1n0.txid, 32) == 0);
	}
	CHECK(mempool_build(p.mp, out, &n, 8, 0) && n == 0);
	tx_release(&s1n0);
	tx_release(&s1n1);
	tx_release(&s2n0);
	tx_release(&s3n0);
	tx_release(&s3n1);
	tm_close(&p);
}

/* ------------------------------------------------------------ expiry */

static void test_expiry(void)
{
	struct tm_pool p;
	struct tx a0, a1, b0, c0, c0r;

	if (!tm_open(&p, 0, 0, 1000))
		return;
	CHECK(tm_add_new(&p, &a0, 1, 0, 1000, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &c0, 3, 0, 1000, 0) == MEMPOOL_OK);
	clock_set_mock_ms(&p.clock, TM_START_MS + 500);
	CHECK(tm_add_new(&p, &b0, 2, 0, 1000, 0) == MEMPOOL_OK);
	clock_set_mock_ms(&p.clock, TM_START_MS + 600);
	CHECK(tm_add_new(&p, &a1, 1, 1, 1000, 0) == MEMPOOL_OK);
	clock_set_mock_ms(&p.clock, TM_START_MS + 800);
	/* A replacement is a new admission: c0r is 800 ms younger than c0. */
	tm_tx(&c0r, 3, 0, 1000 + tm_size(1), 1);
	CHECK(tm_add(&p, &c0r) == MEMPOOL_OK);

	clock_set_mock_ms(&p.clock, TM_START_MS + 999);
	CHECK(mempool_expire(p.mp) == 0 && mempool_count(p.mp) == 4);
	/* At exactly expiry_ms a0 goes, and a1 (younger) with it: a gap. */
	clock_set_mock_ms(&p.clock, TM_START_MS + 1000);
	CHECK(mempool_expire(p.mp) == 2);
	CHECK(!tm_has(&p, &a0) && !tm_has(&p, &a1) && tm_has(&p, &b0) && tm_has(&p, &c0r));
	clock_set_mock_ms(&p.clock, TM_START_MS + 1500);
	CHECK(mempool_expire(p.mp) == 1 && !tm_has(&p, &b0) && tm_has(&p, &c0r));
	clock_set_mock_ms(&p.clock, TM_START_MS + 1800);
	CHECK(mempool_expire(p.mp) == 1 && mempool_count(p.mp) == 0 && mempool_bytes(p.mp) == 0);
	tx_release(&a0);
	tx_release(&a1);
	tx_release(&b0);
	tx_release(&c0);
	tx_release(&c0r);
	tm_close(&p);
}

/* ------------------------------------------------------ revalidation */

static void test_revalidate(void)
{
	struct tm_pool p;
	struct tx t[8][3];
	static const size_t runs[8] = { 0, 3, 2, 1, 2, 1, 1, 3 };
	const struct tx *got[3];
	uint64_t nonce;

	if (!tm_open(&p, 0, 0, 0))
		return;
	p.fc.nonce[6] = 3;
	for (size_t s = 1; s < 8; s++)
		for (size_t i = 0; i < runs[s]; i++)
			CHECK(tm_add_new(&p, &t[s][i], s, (s == 6 ? 3 : 0) + i, 1000, 0) ==
			      MEMPOOL_OK);
	CHECK(mempool_count(p.mp) == 13);

	/* A storage error keeps everything. */
	p.fc.fail_account = true;
	CHECK(mempool_revalidate(p.mp) == 0 && mempool_count(p.mp) == 13);
	p.fc.fail_account = false;
	/* Nothing changed: nothing removed. */
	CHECK(mempool_revalidate(p.mp) == 0);

	/* The block: sender 1's nonce 0 was included; sender 2's nonce 0 was
	 * and its balance no longer covers nonce 1; sender 3's tx is refused
	 * now; sender 4 used nonces past its run (conflicting txs); sender 5
	 * is untouched; sender 6's nonce went back (a gap); sender 7's middle
	 * tx is refused. */
	p.fc.nonce[1] = 1;
	p.fc.nonce[2] = 1;
	p.fc.balance[2] = 999;
	fake_chain_refuse(&p.fc, &t[3][0].txid);
	p.fc.nonce[4] = 5;
	p.fc.nonce[6] = 2;
	fake_chain_refuse(&p.fc, &t[7][1].txid);
	CHECK(mempool_revalidate(p.mp) == 1 + 2 + 1 + 2 + 0 + 1 + 2);
	CHECK(mempool_count(p.mp) == 4);
	CHECK(mempool_account_txs(p.mp, got, 3, tm_pub(1)) == 2 && got[0]->nonce == 1 &&
	      got[1]->nonce == 2);
	CHECK(mempool_pending_nonce(p.mp, &nonce, tm_pub(1)) && nonce == 3);
	CHECK(mempool_account_txs(p.mp, got, 3, tm_pub(2)) == 0);
	CHECK(mempool_account_txs(p.mp, got, 3, tm_pub(3)) == 0);
	CHECK(mempool_account_txs(p.mp, got, 3, tm_pub(4)) == 0);
	CHECK(mempool_pending_nonce(p.mp, &nonce, tm_pub(4)) && nonce == 5);
	CHECK(tm_has(&p, &t[5][0]));
	CHECK(mempool_account_txs(p.mp, got, 3, tm_pub(6)) == 0);
	CHECK(mempool_account_txs(p.mp, got, 3, tm_pub(7)) == 1 && got[0]->nonce == 0);
	/* Admission continues from the new state. */
	CHECK(tm_add_new(&p, NULL, 1, 3, 1000, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, NULL, 4, 5, 1000, 0) == MEMPOOL_OK);
	for (size_t s = 1; s < 8; s++)
		for (size_t i = 0; i < runs[s]; i++)
			tx_release(&t[s][i]);
	tm_close(&p);
}

/* Admission between a block and its revalidation: the run may start below
 * the committed nonce. */
static void test_stale_run(void)
{
	struct tm_pool p;
	struct mempool_reject why;
	struct tx a0, a1, a2, r;

	if (!tm_open(&p, 0, 0, 0))
		return;
	CHECK(tm_add_new(&p, &a0, 1, 0, 1000, 0) == MEMPOOL_OK);
	CHECK(tm_add_new(&p, &a1, 1, 1, 1000, 0) == MEMPOOL_OK);
	p.fc.nonce[1] = 1; /* a0 was included */
	tm_tx(&r, 1, 0, 5000, 0);
	CHECK(mempool_add(p.mp, &why, NULL, &r) == MEMPOOL_ERR_NONCE_TOO_LOW);
	CHECK(tm_add_new(&p, &a2, 1, 2, 1000, 0) == MEMPOOL_OK);
	CHECK(mempool_revalidate(p.mp) == 1 && mempool_count(p.mp) == 2);
	/* A chain whose nonce went back below the run. */
	p.fc.nonce[1] = 0;
	tx_release(&r);
	tm_tx(&r, 1, 0, 5000, 0);
	CHECK(mempool_add(p.mp, &why, NULL, &r) == MEMPOOL_ERR_STATE);
	tx_release(&a0);
	tx_release(&a1);
	tx_release(&a2);
	tx_release(&r);
	tm_close(&p);
}

/* ------------------------------------------- signature through a cache */

/* The chain's verify_sig replaces tx_verify_sig: its answer decides. */
static void test_verify_callback(void)
{
	struct fake_chain fc;
	struct mempool_chain c;
	struct mempool_options o;
	struct mempool_reject why;
	struct clock clk;
	struct mempool *mp;
	struct tx good, bad;
	struct tm_spec sb = { .from = 2, .fee = 1000, .bad_sig = true };
	char err[128];

	fake_chain_init(&fc);
	fake_chain_wire(&c, &fc);
	c.verify_sig = fake_verify_sig;
	clock_init(&clk);
	mempool_options_default(&o);
	mp = mempool_create(err, sizeof(err), &o, &c, &clk);
	if (!CHECK(mp != NULL))
		return;
	tm_tx(&good, 1, 0, 1000, 0);
	tm_make(&bad, &sb);
	fc.sig_answer = false;
	CHECK(mempool_add(mp, &why, NULL, &good) == MEMPOOL_ERR_BAD_SIGNATURE && fc.sig_calls == 1);
	fc.sig_answer = true;
	CHECK(mempool_add(mp, &why, NULL, &bad) == MEMPOOL_OK && fc.sig_calls == 2);
	CHECK(mempool_add(mp, &why, NULL, &good) == MEMPOOL_OK && fc.sig_calls == 3);
	CHECK(mempool_count(mp) == 2);
	tx_release(&good);
	tx_release(&bad);
	mempool_destroy(mp);
}

/* ------------------------------------------------ creation and names */

static void test_create_rejects(void)
{
	static const struct {
		size_t max_bytes, cap;
		int64_t expiry;
		uint64_t fee_per_byte;
		bool no_check;
		const char *want;
	} cases[] = {
		{ TX_MAX_SIZE - 1, 1, 1, 1, false, "size limit" },
		{ TX_MAX_SIZE, 0, 1, 1, false, "per-sender" },
		{ TX_MAX_SIZE, 1, 0, 1, false, "expiry" },
		{ TX_MAX_SIZE, 1, -5, 1, false, "expiry" },
		{ TX_MAX_SIZE, 1, 1, 0, false, "min_fee_per_byte" },
		{ TX_MAX_SIZE, 1, 1, 1000001, false, "min_fee_per_byte" },
		{ TX_MAX_SIZE, 1, 1, 1, true, "callbacks" },
		{ TX_MAX_SIZE, 1, 1, 1000000, false, NULL },
	};
	struct fake_chain fc;
	struct clock clk;

	clock_init(&clk);
	fake_chain_init(&fc);
	for (size_t i = 0; i < UNIT_COUNT(cases); i++) {
		struct mempool_options o = { cases[i].max_bytes, cases[i].cap, cases[i].expiry };
		struct mempool_chain c;
		char err[128] = "";
		struct mempool *mp;

		fake_chain_wire(&c, &fc);
		c.min_fee_per_byte = cases[i].fee_per_byte;
		if (cases[i].no_check)
			c.check = NULL;
		mp = mempool_create(err, sizeof(err), &o, &c, &clk);
		if (cases[i].want == NULL) {
			CHECK(mp != NULL);
		} else if (!CHECK(mp == NULL && strstr(err, cases[i].want) != NULL)) {
			unit_note("create case %zu: %s", i, err);
		}
		mempool_destroy(mp);
	}
	mempool_destroy(NULL);
}

static void test_names(void)
{
	static const char *const names[] = {
		"ok",
		"duplicate",
		"invalid",
		"wrong_chain",
		"fee_too_low",
		"state_unavailable",
		"nonce_too_low",
		"nonce_too_high",
		"replacement_fee_too_low",
		"sender_cap",
		"bad_signature",
		"chain",
		"mempool_full",
		"out_of_memory",
	};
	struct mempool_reject why;
	char longname[64];

	for (size_t i = 0; i < UNIT_COUNT(names); i++)
		CHECK(strcmp(mempool_err_name((enum mempool_err)i), names[i]) == 0);
	CHECK(strcmp(mempool_err_name((enum mempool_err)UNIT_COUNT(names)), "?") == 0);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	mempool_reject_set(&why, longname, "value %d", 42);
	CHECK(strlen(why.name) == MEMPOOL_NAME_LEN - 1 && strcmp(why.msg, "value 42") == 0);
}

/* ------------------------------------------------ internal structures */

struct obj {
	uint8_t key[32];
};

static const uint8_t *obj_key(const void *o)
{
	return ((const struct obj *)o)->key;
}

/* Random inserts and removals against a presence array: every key is
 * found exactly when present (exercises the backward-shift deletion). */
static void test_table(void)
{
	enum { N = 600 };
	static struct obj objs[N];
	static bool in[N];
	uint8_t salt[16] = { 0 };
	struct mempool_tab t;
	bool ok = true;
	size_t count = 0;

	mempool_tab_init(&t, obj_key, salt);
	for (size_t i = 0; i < N; i++) {
		unit_rand_bytes(objs[i].key, 32);
		in[i] = false;
	}
	for (int step = 0; step < 20000; step++) {
		size_t i = (size_t)(unit_rand() % N);
		if (in[i]) {
			mempool_tab_remove(&t, &objs[i]);
			count--;
		} else {
			if (!CHECK(mempool_tab_reserve(&t, 1)))
				break;
			mempool_tab_insert(&t, &objs[i]);
			count++;
		}
		in[i] = !in[i];
		if (step % 97 == 0)
			for (size_t j = 0; j < N; j++)
				ok &= (mempool_tab_find(&t, objs[j].key) ==
				       (in[j] ? &objs[j] : NULL));
	}
	CHECK(ok);
	CHECK(t.n == count && t.nslot >= 2 * count);
	mempool_tab_release(&t);
}

/* The heaps keep the minimum at the root through random removals. */
static void test_heap(void)
{
	enum { N = 300 };
	static struct mempool_entry e[N];
	static bool in[N];
	struct mempool_heap h;
	bool ok = true;

	mempool_heap_init(&h, MEMPOOL_HEAP_OLDEST);
	if (!CHECK(mempool_heap_reserve(&h, N)))
		return;
	for (size_t i = 0; i < N; i++) {
		memset(&e[i], 0, sizeof(e[i]));
		e[i].time_ms = (int64_t)(unit_rand() % 50);
		unit_rand_bytes(e[i].tx.txid.b, 32);
		mempool_heap_push(&h, &e[i]);
		in[i] = true;
	}
	for (size_t left = N; left > 0; left--) {
		const struct mempool_entry *min = NULL;
		size_t i;
		for (size_t j = 0; j < N; j++)
			if (in[j] && (min == NULL || mempool_heap_less(&h, &e[j], min)))
				min = &e[j];
		ok &= mempool_heap_top(&h) == min;
		do
			i = (size_t)(unit_rand() % N);
		while (!in[i]);
		mempool_heap_remove(&h, &e[i]);
		in[i] = false;
	}
	CHECK(ok && mempool_heap_top(&h) == NULL);
	mempool_heap_release(&h);
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_rejections),
	UNIT_CASE(test_accept_and_queries),
	UNIT_CASE(test_replacement),
	UNIT_CASE(test_eviction),
	UNIT_CASE(test_eviction_several),
	UNIT_CASE(test_rank_order),
	UNIT_CASE(test_build_order),
	UNIT_CASE(test_expiry),
	UNIT_CASE(test_revalidate),
	UNIT_CASE(test_stale_run),
	UNIT_CASE(test_verify_callback),
	UNIT_CASE(test_create_rejects),
	UNIT_CASE(test_names),
	UNIT_CASE(test_table),
	UNIT_CASE(test_heap),
};

int main(void)
{
	size_t n = UNIT_COUNT(cases) + tm_file_ncases + tm_model_ncases;
	struct unit_case *all = calloc(n, sizeof(*all));
	int rc;

	if (all == NULL || !crypto_init() || !tm_setup())
		return 1;
	memcpy(all, cases, sizeof(cases));
	memcpy(all + UNIT_COUNT(cases), tm_file_cases, tm_file_ncases * sizeof(*all));
	memcpy(all + UNIT_COUNT(cases) + tm_file_ncases, tm_model_cases,
	       tm_model_ncases * sizeof(*all));
	rc = unit_run(all, n);
	free(all);
	crypto_cleanup();
	return rc;
}
