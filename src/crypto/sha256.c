/* SHA-256, tagged hashes and HMAC-SHA256 through OpenSSL EVP. */
#include "crypto/sha256.h"
#include "crypto/crypto_internal.h"

#include <assert.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

/* Start a SHA-256 computation in c (reusing its storage when it held one). */
static void sha256_ctx_start(EVP_MD_CTX *c)
{
	CRYPTO_REQUIRE(EVP_DigestInit_ex2(c, crypto_md_sha256(), NULL) == 1);
}

static void sha256_ctx_update(EVP_MD_CTX *c, const void *data, size_t len)
{
	assert(data != NULL || len == 0);
	CRYPTO_REQUIRE(EVP_DigestUpdate(c, data, len) == 1);
}

static void sha256_ctx_final(EVP_MD_CTX *c, uint8_t out[SHA256_LEN])
{
	unsigned int n = 0;

	CRYPTO_REQUIRE(EVP_DigestFinal_ex(c, out, &n) == 1 && n == SHA256_LEN);
}

void sha256(uint8_t out[SHA256_LEN], const void *data, size_t len)
{
	EVP_MD_CTX *c = crypto_thread_md_ctx();

	sha256_ctx_start(c);
	sha256_ctx_update(c, data, len);
	sha256_ctx_final(c, out);
}

void sha256_init(struct sha256_ctx *c)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	CRYPTO_REQUIRE(md != NULL);
	sha256_ctx_start(md);
	c->md = md;
}

void sha256_write(struct sha256_ctx *c, const void *data, size_t len)
{
	assert(c->md != NULL);
	sha256_ctx_update(c->md, data, len);
}

void sha256_finish(struct sha256_ctx *c, uint8_t out[SHA256_LEN])
{
	assert(c->md != NULL);
	sha256_ctx_final(c->md, out);
	sha256_ctx_start(c->md);
}

void sha256_release(struct sha256_ctx *c)
{
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
}

void hash_tag_init(struct hash_tag *t, const char *tag)
{
	uint8_t h[SHA256_LEN];

	sha256(h, tag, strlen(tag));
	memcpy(t->prefix, h, SHA256_LEN);
	memcpy(t->prefix + SHA256_LEN, h, SHA256_LEN);
}

void tagged_hash(uint8_t out[SHA256_LEN], const struct hash_tag *t, const void *data, size_t len)
{
	struct crypto_part part = { data, len };

	crypto_tagged_hashv(out, t, &part, 1);
}

void crypto_tagged_hashv(uint8_t out[SHA256_LEN], const struct hash_tag *t,
			 const struct crypto_part *parts, size_t n)
{
	EVP_MD_CTX *c = crypto_thread_md_ctx();
	size_t i;

	sha256_ctx_start(c);
	sha256_ctx_update(c, t->prefix, sizeof(t->prefix));
	for (i = 0; i < n; i++)
		sha256_ctx_update(c, parts[i].data, parts[i].len);
	sha256_ctx_final(c, out);
}

void tagged_hash_begin(struct sha256_ctx *c, const struct hash_tag *t)
{
	assert(c->md != NULL);
	sha256_ctx_start(c->md);
	sha256_ctx_update(c->md, t->prefix, sizeof(t->prefix));
}

void hmac_sha256(uint8_t out[SHA256_LEN], const void *key, size_t keylen,
		 const void *data, size_t len)
{
	/* EVP_MAC_init documents a NULL key as "keep the key already set", so
	 * an empty key goes in as a valid pointer with length 0. */
	static const uint8_t empty_key[1] = { 0 };
	OSSL_PARAM params[2];
	EVP_MAC_CTX *c;
	size_t n = 0;

	assert(key != NULL || keylen == 0);
	assert(data != NULL || len == 0);
	c = EVP_MAC_CTX_new(crypto_mac_hmac());
	CRYPTO_REQUIRE(c != NULL);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	CRYPTO_REQUIRE(EVP_MAC_init(c, keylen ? key : empty_key, keylen, params) == 1);
	if (len > 0)
		CRYPTO_REQUIRE(EVP_MAC_update(c, data, len) == 1);
	CRYPTO_REQUIRE(EVP_MAC_final(c, out, &n, SHA256_LEN) == 1 && n == SHA256_LEN);
	EVP_MAC_CTX_free(c);
}
