/* SHA-256 (FIPS 180 examples), HMAC-SHA256 (RFC 4231), tagged hashes and
 * random bytes. */
#include "test_crypto.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/random.h"
#include "crypto/sha256.h"

/* FIPS 180-2 appendix B and the empty string: the message is `text`
 * repeated `repeat` times. */
static const struct {
	const char *text;
	size_t repeat;
	const char *digest;
} sha256_vectors[] = {
	{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

void test_sha256_fips180(void)
{
	size_t i, j;

	for (i = 0; i < UNIT_COUNT(sha256_vectors); i++) {
		size_t tl = strlen(sha256_vectors[i].text);
		size_t n = tl * sha256_vectors[i].repeat;
		uint8_t want[SHA256_LEN], got[SHA256_LEN];
		char *msg = malloc(n + 1);

		if (!CHECK(msg != NULL))
			return;
		for (j = 0; j < sha256_vectors[i].repeat; j++)
			memcpy(msg + j * tl, sha256_vectors[i].text, tl);
		test_crypto_unhex(want, sizeof(want), sha256_vectors[i].digest);
		sha256(got, msg, n);
		CHECK(memcmp(got, want, SHA256_LEN) == 0);
		free(msg);
	}
}

/* Every way of splitting a message into two writes gives the one-shot
 * digest; so do many small writes. */
void test_sha256_incremental(void)
{
	static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t want[SHA256_LEN], got[SHA256_LEN];
	struct sha256_ctx c;
	size_t split, i;
	char a[1000];

	test_crypto_unhex(want, sizeof(want), sha256_vectors[2].digest);
	sha256_init(&c);
	for (split = 0; split <= sizeof(msg) - 1; split++) {
		sha256_write(&c, msg, split);
		sha256_write(&c, msg + split, sizeof(msg) - 1 - split);
		sha256_finish(&c, got);
		CHECK(memcmp(got, want, SHA256_LEN) == 0);
	}
	memset(a, 'a', sizeof(a));
	for (i = 0; i < 1000000; i += sizeof(a))
		sha256_write(&c, a, sizeof(a));
	sha256_finish(&c, got);
	test_crypto_unhex(want, sizeof(want), sha256_vectors[3].digest);
	CHECK(memcmp(got, want, SHA256_LEN) == 0);
	sha256_release(&c);
	CHECK(c.md == NULL);
}

/* A finished context starts over; an empty write changes nothing; two
 * contexts do not interfere. */
void test_sha256_ctx_reuse(void)
{
	uint8_t want[SHA256_LEN], got[SHA256_LEN];
	struct sha256_ctx a, b;

	test_crypto_unhex(want, sizeof(want), sha256_vectors[0].digest);
	sha256_init(&a);
	sha256_init(&b);
	sha256_write(&a, "xyz", 3);
	sha256_finish(&a, got);
	sha256_write(&b, "ab", 2);
	sha256_write(&a, "abc", 3);
	sha256_write(&a, NULL, 0);
	sha256_write(&b, "c", 1);
	sha256_finish(&a, got);
	CHECK(memcmp(got, want, SHA256_LEN) == 0);
	sha256_finish(&b, got);
	CHECK(memcmp(got, want, SHA256_LEN) == 0);
	sha256_finish(&a, got);
	test_crypto_unhex(want, sizeof(want), sha256_vectors[1].digest);
	CHECK(memcmp(got, want, SHA256_LEN) == 0);
	sha256(got, NULL, 0);
	CHECK(memcmp(got, want, SHA256_LEN) == 0);
	sha256_release(&a);
	sha256_release(&b);
}

/* RFC 4231 test cases 1-4, 6 and 7 (5 is a truncated output). */
static const struct {
	const char *key;  /* hex */
	const char *data; /* hex */
	const char *mac;
} hmac_vectors[] = {
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

void test_hmac_rfc4231(void)
{
	size_t i;

	for (i = 0; i < UNIT_COUNT(hmac_vectors); i++) {
		uint8_t key[200], data[200], want[SHA256_LEN], got[SHA256_LEN];
		size_t kl = unit_unhex(key, sizeof(key), hmac_vectors[i].key);
		size_t dl = unit_unhex(data, sizeof(data), hmac_vectors[i].data);

		test_crypto_unhex(want, sizeof(want), hmac_vectors[i].mac);
		hmac_sha256(got, key, kl, data, dl);
		CHECK(memcmp(got, want, SHA256_LEN) == 0);
	}
}

/* An empty key is a valid HMAC key (zero-padded), not "no key"; values
 * from Python's hmac module. */
void test_hmac_empty_key(void)
{
	uint8_t want[SHA256_LEN], got[SHA256_LEN];

	test_crypto_unhex(want, sizeof(want),
			  "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	hmac_sha256(got, NULL, 0, NULL, 0);
	CHECK(memcmp(got, want, SHA256_LEN) == 0);
	test_crypto_unhex(want, sizeof(want),
			  "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351");
	hmac_sha256(got, "", 0, "abc", 3);
	CHECK(memcmp(got, want, SHA256_LEN) == 0);
}

/* tagged(tag, m) = SHA-256(SHA-256(tag) || SHA-256(tag) || m), computed
 * by hand, through the one-shot and the incremental interface, and against
 * values from an independent implementation (Python's hashlib). */
void test_tagged_hash_definition(void)
{
	static const struct {
		const char *tag;
		const char *msg_hex;
		const char *want;
	} vectors[] = {
		{ "BIP0340/aux", "0000000000000000000000000000000000000000000000000000000000000000",
		  "54f169cfc9e2e5727480441f90ba25c488f461c70b5ea5dcaaf7af69270aa514" },
		{ "Rostra/test", "616263",
		  "a7a01c911a2bdb51b1ef5099e4fb11bc8816c3c5c4bfeaea1aba583aee1ac6b7" },
		{ "", "", "2dba5dbc339e7316aea2683faf839c1b7b1ee2313db792112588118df066aa35" },
	};
	size_t i;

	for (i = 0; i < UNIT_COUNT(vectors); i++) {
		uint8_t msg[64], th[SHA256_LEN], manual[SHA256_LEN], got[SHA256_LEN];
		uint8_t want[SHA256_LEN];
		size_t n = unit_unhex(msg, sizeof(msg), vectors[i].msg_hex);
		struct hash_tag t;
		struct sha256_ctx c;

		hash_tag_init(&t, vectors[i].tag);
		sha256(th, vectors[i].tag, strlen(vectors[i].tag));
		CHECK(memcmp(t.prefix, th, 32) == 0 && memcmp(t.prefix + 32, th, 32) == 0);
		sha256_init(&c);
		sha256_write(&c, th, sizeof(th));
		sha256_write(&c, th, sizeof(th));
		sha256_write(&c, msg, n);
		sha256_finish(&c, manual);
		tagged_hash(got, &t, msg, n);
		CHECK(memcmp(got, manual, SHA256_LEN) == 0);
		test_crypto_unhex(want, sizeof(want), vectors[i].want);
		CHECK(memcmp(got, want, SHA256_LEN) == 0);
		/* tagged_hash_begin resets whatever the context held. */
		sha256_write(&c, "junk", 4);
		tagged_hash_begin(&c, &t);
		sha256_write(&c, msg, n);
		sha256_finish(&c, got);
		CHECK(memcmp(got, manual, SHA256_LEN) == 0);
		sha256_release(&c);
	}
}

/* Different tags, or a tag against plain SHA-256, never agree. */
void test_tagged_hash_domains(void)
{
	struct hash_tag a, b;
	uint8_t ha[SHA256_LEN], hb[SHA256_LEN], plain[SHA256_LEN];

	hash_tag_init(&a, "Rostra/tx");
	hash_tag_init(&b, "Rostra/vote");
	tagged_hash(ha, &a, "m", 1);
	tagged_hash(hb, &b, "m", 1);
	sha256(plain, "m", 1);
	CHECK(memcmp(ha, hb, SHA256_LEN) != 0);
	CHECK(memcmp(ha, plain, SHA256_LEN) != 0);
}

void test_random_bytes(void)
{
	uint8_t a[64], b[64], zero[64];
	size_t big = 100000, i, nonzero = 0;
	uint8_t *p = malloc(big);

	memset(zero, 0, sizeof(zero));
	CHECK(random_bytes(a, sizeof(a)));
	CHECK(random_bytes(b, sizeof(b)));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0);
	CHECK(random_bytes(a, 0));
	if (!CHECK(p != NULL))
		return;
	CHECK(random_bytes(p, big));
	for (i = 0; i < big; i++)
		nonzero += p[i] != 0;
	/* About 99.6% of random bytes are non-zero. */
	CHECK(nonzero > big * 9 / 10);
	free(p);
}
