/* The state-root multiset hash: known answers from an independent
 * implementation (a pure-Python ChaCha20 and hashlib, see
 * doc/state-root.md), and the multiset laws. */
#include "test_crypto.h"
#include "unit.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "crypto/lthash.h"

#define ROOT_EMPTY "cc5966af5a7f3653dc18ae0aa26caf05f15bf13b3feca65a8a4ad7d913fe5d9a"
#define ROOT_A1_B2 "55afa25f7cae073c8129d25dffae38a7b31f859b9343152559e040a594e3d20c"

static void test_insert_str(struct lthash *h, const char *k, const char *v)
{
	lthash_insert(h, (const uint8_t *)k, strlen(k), (const uint8_t *)v, strlen(v));
}

static bool test_root_is(const struct lthash *h, const char *hex)
{
	uint8_t want[32], got[32];

	test_crypto_unhex(want, sizeof(want), hex);
	lthash_root(got, h);
	return memcmp(got, want, sizeof(got)) == 0;
}

void test_lthash_known_answer(void)
{
	static const uint16_t a1_lanes[8] = {
		63814, 59546, 29894, 50178, 53138, 27472, 3674, 3360
	};
	/* A 200-byte key: its length takes a two-byte varint (c8 01). */
	static const uint16_t k200_lanes[4] = { 9723, 31364, 9630, 1022 };
	uint8_t key200[200];
	struct lthash h, e;

	lthash_init(&h);
	CHECK(test_root_is(&h, ROOT_EMPTY));
	test_insert_str(&h, "a", "1");
	test_insert_str(&h, "b", "2");
	CHECK(test_root_is(&h, ROOT_A1_B2));

	lthash_expand(&e, (const uint8_t *)"a", 1, (const uint8_t *)"1", 1);
	CHECK(memcmp(e.lane, a1_lanes, sizeof(a1_lanes)) == 0);

	memset(key200, 'k', sizeof(key200));
	lthash_expand(&e, key200, sizeof(key200), NULL, 0);
	CHECK(memcmp(e.lane, k200_lanes, sizeof(k200_lanes)) == 0);
	CHECK(test_root_is(&e, "05e89da8e08925b9a8705087d83ebae8b69f2dcc6b78402107436e80e6255d9e"));

	/* 127 and 128 bytes: the last one-byte varint and the first two-byte
	 * one (80 01). */
	memset(key200, 'v', sizeof(key200));
	lthash_expand(&e, NULL, 0, key200, 127);
	CHECK(e.lane[0] == 32733 && e.lane[1] == 19616 && e.lane[2] == 7763 && e.lane[3] == 9968);
	CHECK(test_root_is(&e, "4ccdabd48c01dc72895c497db15169e681a013739c461bb46ff3a9c4aa5206f3"));
	lthash_expand(&e, NULL, 0, key200, 128);
	CHECK(e.lane[0] == 31567 && e.lane[1] == 8826 && e.lane[2] == 21494 && e.lane[3] == 8427);
	CHECK(test_root_is(&e, "0b91954ea303f058e5270d41d7ed956d4fe53e281c0a6e181c7694e770337368"));
}

/* The same elements inserted in any order give the same hash. */
void test_lthash_order_independent(void)
{
	enum { N = 24 };
	uint8_t keys[N][8], vals[N][16];
	struct lthash fwd, rev, odd_even;
	size_t i;

	unit_rand_bytes(keys, sizeof(keys));
	unit_rand_bytes(vals, sizeof(vals));
	lthash_init(&fwd);
	lthash_init(&rev);
	lthash_init(&odd_even);
	for (i = 0; i < N; i++) {
		lthash_insert(&fwd, keys[i], sizeof(keys[i]), vals[i], sizeof(vals[i]));
		lthash_insert(&rev, keys[N - 1 - i], 8, vals[N - 1 - i], 16);
	}
	for (i = 1; i < N; i += 2)
		lthash_insert(&odd_even, keys[i], 8, vals[i], 16);
	for (i = 0; i < N; i += 2)
		lthash_insert(&odd_even, keys[i], 8, vals[i], 16);
	CHECK(lthash_equal(&fwd, &rev));
	CHECK(lthash_equal(&fwd, &odd_even));

	lthash_init(&rev);
	test_insert_str(&rev, "b", "2");
	test_insert_str(&rev, "a", "1");
	CHECK(test_root_is(&rev, ROOT_A1_B2));
}

/* Inserting then removing, in any interleaving, returns to the start. */
void test_lthash_insert_remove(void)
{
	struct lthash h, empty, one;

	lthash_init(&empty);
	lthash_init(&h);
	test_insert_str(&h, "a", "1");
	one = h;
	test_insert_str(&h, "b", "2");
	lthash_remove(&h, (const uint8_t *)"b", 1, (const uint8_t *)"2", 1);
	CHECK(lthash_equal(&h, &one));
	lthash_remove(&h, (const uint8_t *)"a", 1, (const uint8_t *)"1", 1);
	CHECK(lthash_equal(&h, &empty));
	CHECK(test_root_is(&h, ROOT_EMPTY));

	/* A state update: remove the old value of a key, add the new one. */
	test_insert_str(&h, "acct", "balance=5");
	lthash_remove(&h, (const uint8_t *)"acct", 4, (const uint8_t *)"balance=5", 9);
	test_insert_str(&h, "acct", "balance=7");
	lthash_init(&one);
	test_insert_str(&one, "acct", "balance=7");
	CHECK(lthash_equal(&h, &one));
}

/* add and sub are inverse, commute, and wrap mod 2^16; x - x = 0. */
void test_lthash_add_sub(void)
{
	struct lthash h, x, y, orig, empty, tmp;
	size_t i;

	unit_rand_bytes(h.lane, sizeof(h.lane));
	lthash_expand(&x, (const uint8_t *)"k", 1, (const uint8_t *)"v", 1);
	lthash_expand(&y, (const uint8_t *)"k2", 2, NULL, 0);
	orig = h;
	lthash_add(&h, &x);
	CHECK(!lthash_equal(&h, &orig));
	lthash_sub(&h, &x);
	CHECK(lthash_equal(&h, &orig));
	lthash_sub(&h, &x);
	lthash_add(&h, &x);
	CHECK(lthash_equal(&h, &orig));

	tmp = orig;
	lthash_add(&tmp, &x);
	lthash_add(&tmp, &y);
	h = orig;
	lthash_add(&h, &y);
	lthash_add(&h, &x);
	CHECK(lthash_equal(&h, &tmp));

	tmp = x;
	lthash_sub(&tmp, &tmp); /* the same object on both sides */
	lthash_init(&empty);
	CHECK(lthash_equal(&tmp, &empty));

	for (i = 0; i < LTHASH_LANES; i++) {
		h.lane[i] = 0xffff;
		x.lane[i] = (uint16_t)i;
	}
	lthash_add(&h, &x);
	CHECK(h.lane[0] == 0xffff && h.lane[1] == 0 && h.lane[1023] == 1022);
	lthash_sub(&empty, &x);
	CHECK(empty.lane[0] == 0 && empty.lane[1] == 0xffff && empty.lane[1023] == 65536 - 1023);
}

/* It is a multiset: an element counts as often as it is inserted. */
void test_lthash_multiset(void)
{
	struct lthash once, twice, e;

	lthash_init(&once);
	test_insert_str(&once, "a", "1");
	twice = once;
	test_insert_str(&twice, "a", "1");
	CHECK(!lthash_equal(&once, &twice));
	lthash_expand(&e, (const uint8_t *)"a", 1, (const uint8_t *)"1", 1);
	lthash_add(&e, &e);
	lthash_init(&once);
	lthash_add(&once, &e);
	CHECK(lthash_equal(&once, &twice));
	lthash_remove(&twice, (const uint8_t *)"a", 1, (const uint8_t *)"1", 1);
	lthash_init(&once);
	test_insert_str(&once, "a", "1");
	CHECK(lthash_equal(&once, &twice));
}

/* Length prefixes keep every split of the same bytes apart, and the key is
 * not interchangeable with the value. */
void test_lthash_splits_differ(void)
{
	static const struct {
		const char *k, *v;
	} elems[] = {
		{ "ab", "c" }, { "a", "bc" }, { "abc", "" }, { "", "abc" },
		{ "c", "ab" }, { "bc", "a" }, { "", "" }, { "a", "" }, { "", "a" },
	};
	struct lthash e[UNIT_COUNT(elems)];
	size_t i, j;

	for (i = 0; i < UNIT_COUNT(elems); i++)
		lthash_expand(&e[i], (const uint8_t *)elems[i].k, strlen(elems[i].k),
			      (const uint8_t *)elems[i].v, strlen(elems[i].v));
	for (i = 0; i < UNIT_COUNT(elems); i++)
		for (j = i + 1; j < UNIT_COUNT(elems); j++)
			CHECK(!lthash_equal(&e[i], &e[j]));
	/* NULL with length 0 is the empty string. */
	{
		struct lthash n;
		lthash_expand(&n, NULL, 0, NULL, 0);
		CHECK(lthash_equal(&n, &e[6]));
	}
}

/* Lane i is bytes 2i (low) and 2i+1 (high); the round trip is exact and
 * the root is the tagged hash of exactly those bytes. */
void test_lthash_serialize(void)
{
	uint8_t bytes[LTHASH_BYTES], again[LTHASH_BYTES];
	struct lthash h, back;

	unit_rand_bytes(h.lane, sizeof(h.lane));
	h.lane[0] = 0x1234;
	h.lane[LTHASH_LANES - 1] = 0xabcd;
	lthash_serialize(bytes, &h);
	CHECK(bytes[0] == 0x34 && bytes[1] == 0x12);
	CHECK(bytes[LTHASH_BYTES - 2] == 0xcd && bytes[LTHASH_BYTES - 1] == 0xab);
	lthash_deserialize(&back, bytes);
	CHECK(lthash_equal(&h, &back));
	lthash_serialize(again, &back);
	CHECK(memcmp(bytes, again, sizeof(bytes)) == 0);
}

void test_lthash_equal(void)
{
	struct lthash a, b;
	size_t i;

	lthash_init(&a);
	lthash_init(&b);
	CHECK(lthash_equal(&a, &b));
	for (i = 0; i < LTHASH_LANES; i += 341) {
		b = a;
		b.lane[i] = 1;
		CHECK(!lthash_equal(&a, &b));
	}
}

/* Expansions on other threads (as on the worker pool) equal those on this
 * one; each thread's cached cipher context is freed when it exits. */
struct lthash_job {
	uint8_t key[4];
	struct lthash out[16];
};

static void *test_lthash_worker(void *arg)
{
	struct lthash_job *job = arg;
	size_t i;

	for (i = 0; i < UNIT_COUNT(job->out); i++)
		lthash_expand(&job->out[i], job->key, sizeof(job->key),
			      (const uint8_t *)&i, sizeof(i));
	return NULL;
}

void test_lthash_threads(void)
{
	static struct lthash_job jobs[4];
	pthread_t th[4];
	size_t t, i;

	for (t = 0; t < 4; t++) {
		memcpy(jobs[t].key, "job", 3);
		jobs[t].key[3] = (uint8_t)t;
		if (!CHECK(pthread_create(&th[t], NULL, test_lthash_worker, &jobs[t]) == 0))
			return;
	}
	for (t = 0; t < 4; t++)
		CHECK(pthread_join(th[t], NULL) == 0);
	for (t = 0; t < 4; t++) {
		for (i = 0; i < UNIT_COUNT(jobs[t].out); i++) {
			struct lthash e;
			lthash_expand(&e, jobs[t].key, sizeof(jobs[t].key),
				      (const uint8_t *)&i, sizeof(i));
			CHECK(lthash_equal(&e, &jobs[t].out[i]));
		}
	}
}
