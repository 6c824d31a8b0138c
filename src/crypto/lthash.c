/* LtHash with 1024 lanes of 16 bits (doc/state-root.md). */
#include "crypto/lthash.h"
#include "crypto/crypto_internal.h"

#include <assert.h>
#include <string.h>

/* ChaCha20 in OpenSSL takes a 16-byte IV: the 32-bit block counter
 * (little-endian) then the 96-bit nonce. Both are zero here: each key k is
 * used for exactly one keystream. */
#define LTHASH_IV_LEN 16
#define LTHASH_VARINT_MAX 10

/* The keystream is the cipher's output over zero bytes; this constant input
 * is never written. */
static const uint8_t lthash_zeros[LTHASH_BYTES];

/* Minimal unsigned LEB128, the encoding of buf_put_varint, written to a
 * fixed array because the expansion must not allocate (struct buf grows on
 * the heap). Returns the number of bytes written (1 to 10). */
static size_t lthash_varint(uint8_t out[LTHASH_VARINT_MAX], uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* Out: k = tagged_hash("Rostra/lthash/elem",
 * varint(klen) || key || varint(vlen) || val). */
static void lthash_elem_key(uint8_t k[32], const uint8_t *key, size_t klen,
			    const uint8_t *val, size_t vlen)
{
	uint8_t kl[LTHASH_VARINT_MAX], vl[LTHASH_VARINT_MAX];
	struct crypto_part parts[4];

	parts[0].data = kl;
	parts[0].len = lthash_varint(kl, klen);
	parts[1].data = key;
	parts[1].len = klen;
	parts[2].data = vl;
	parts[2].len = lthash_varint(vl, vlen);
	parts[3].data = val;
	parts[3].len = vlen;
	crypto_tagged_hashv(k, crypto_tag(CRYPTO_TAG_LTHASH_ELEM), parts, 4);
}

void lthash_init(struct lthash *h)
{
	memset(h, 0, sizeof(*h));
}

void lthash_expand(struct lthash *out, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen)
{
	static const uint8_t iv[LTHASH_IV_LEN];
	EVP_CIPHER_CTX *c = crypto_thread_cipher_ctx();
	uint8_t k[32];
	uint8_t stream[LTHASH_BYTES];
	int n = 0;

	assert(key != NULL || klen == 0);
	assert(val != NULL || vlen == 0);
	lthash_elem_key(k, key, klen, val, vlen);
	/* The first call on a thread's context sets the cipher; later calls
	 * only re-key it, which keeps the context's storage. */
	CRYPTO_REQUIRE(EVP_EncryptInit_ex2(c, EVP_CIPHER_CTX_get0_cipher(c) == NULL ?
					       crypto_cipher_chacha20() : NULL,
					   k, iv, NULL) == 1);
	CRYPTO_REQUIRE(EVP_EncryptUpdate(c, stream, &n, lthash_zeros, LTHASH_BYTES) == 1 &&
		       n == LTHASH_BYTES);
	lthash_deserialize(out, stream);
}

/* The lane loops run over a fixed count with no dependence between lanes,
 * so gcc and clang vectorise them at -O2. */
void lthash_add(struct lthash *h, const struct lthash *x)
{
	size_t i;

	for (i = 0; i < LTHASH_LANES; i++)
		h->lane[i] = (uint16_t)(h->lane[i] + x->lane[i]);
}

void lthash_sub(struct lthash *h, const struct lthash *x)
{
	size_t i;

	for (i = 0; i < LTHASH_LANES; i++)
		h->lane[i] = (uint16_t)(h->lane[i] - x->lane[i]);
}

void lthash_insert(struct lthash *h, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen)
{
	struct lthash e;

	lthash_expand(&e, key, klen, val, vlen);
	lthash_add(h, &e);
}

void lthash_remove(struct lthash *h, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen)
{
	struct lthash e;

	lthash_expand(&e, key, klen, val, vlen);
	lthash_sub(h, &e);
}

void lthash_root(uint8_t out[32], const struct lthash *h)
{
	uint8_t bytes[LTHASH_BYTES];

	lthash_serialize(bytes, h);
	tagged_hash(out, crypto_tag(CRYPTO_TAG_STATEROOT), bytes, sizeof(bytes));
}

bool lthash_equal(const struct lthash *a, const struct lthash *b)
{
	return memcmp(a->lane, b->lane, sizeof(a->lane)) == 0;
}

void lthash_serialize(uint8_t out[LTHASH_BYTES], const struct lthash *h)
{
	size_t i;

	for (i = 0; i < LTHASH_LANES; i++) {
		out[2 * i] = (uint8_t)(h->lane[i] & 0xff);
		out[2 * i + 1] = (uint8_t)(h->lane[i] >> 8);
	}
}

void lthash_deserialize(struct lthash *h, const uint8_t in[LTHASH_BYTES])
{
	size_t i;

	for (i = 0; i < LTHASH_LANES; i++)
		h->lane[i] = (uint16_t)(in[2 * i] | (in[2 * i + 1] << 8));
}
