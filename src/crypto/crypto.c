/* Process-wide crypto set-up and the per-thread context caches. */
#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"
#include "crypto/random.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* Everything crypto_init() creates. This is the module's one piece of
 * process-wide state: written once by crypto_init() before any other thread
 * runs, read-only until crypto_cleanup() at exit, so sharing it needs no
 * lock (OpenSSL's fetched algorithms and a const secp256k1 context are
 * documented as safe to share between threads). */
struct crypto_state {
	EVP_MD *sha256;
	EVP_CIPHER *chacha20;
	EVP_MAC *hmac;
	secp256k1_context *secp;
	struct hash_tag tags[CRYPTO_TAG_COUNT];
	pthread_key_t tls_key; /* its destructor frees a thread's cache */
	bool ready;
};
static struct crypto_state crypto_g;

static const char *const crypto_tag_names[CRYPTO_TAG_COUNT] = {
	[CRYPTO_TAG_LTHASH_ELEM] = "Rostra/lthash/elem",
	[CRYPTO_TAG_STATEROOT] = "Rostra/stateroot",
};

/* A per-thread cache of OpenSSL contexts, so that hashing and the state-root
 * expansion do not allocate per call. It is the one exception to "no global
 * mutable state" in this module, and not shared state: each thread sees only
 * its own copy, so nothing is shared and nothing needs a lock. */
struct crypto_tls {
	EVP_MD_CTX *md;
	EVP_CIPHER_CTX *cipher;
	bool registered; /* tls_key holds a value, so the destructor runs */
};
static _Thread_local struct crypto_tls crypto_tls;

_Noreturn void crypto_fatal(const char *what, const char *file, int line)
{
	fprintf(stderr, "rostra: fatal crypto error at %s:%d: %s\n", file, line, what);
	abort();
}

static void crypto_tls_destructor(void *p)
{
	(void)p;
	crypto_thread_release();
}

static void crypto_state_free(struct crypto_state *s)
{
	EVP_MD_free(s->sha256);
	EVP_CIPHER_free(s->chacha20);
	EVP_MAC_free(s->hmac);
	if (s->secp != NULL)
		secp256k1_context_destroy(s->secp);
	memset(s, 0, sizeof(*s));
}

/* The tag prefix, computed with the digest just fetched (the one-shot
 * functions assert that crypto_init() has finished). */
static bool crypto_tag_compute(struct hash_tag *t, const EVP_MD *md, const char *name)
{
	uint8_t h[SHA256_LEN];

	if (!EVP_Digest(name, strlen(name), h, NULL, md, NULL))
		return false;
	memcpy(t->prefix, h, SHA256_LEN);
	memcpy(t->prefix + SHA256_LEN, h, SHA256_LEN);
	return true;
}

static bool crypto_secp_create(struct crypto_state *s)
{
	uint8_t seed[32];
	bool ok;

	s->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (s->secp == NULL || !random_bytes(seed, sizeof(seed)))
		return false;
	/* Blinds the context's precomputed tables against side channels. */
	ok = secp256k1_context_randomize(s->secp, seed) == 1;
	OPENSSL_cleanse(seed, sizeof(seed));
	return ok;
}

bool crypto_init(void)
{
	struct crypto_state s;
	int i;

	assert(!crypto_g.ready && "crypto_init called twice");
	memset(&s, 0, sizeof(s));
	s.sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	s.chacha20 = EVP_CIPHER_fetch(NULL, "ChaCha20", NULL);
	s.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (s.sha256 == NULL || s.chacha20 == NULL || s.hmac == NULL)
		goto fail;
	for (i = 0; i < CRYPTO_TAG_COUNT; i++)
		if (!crypto_tag_compute(&s.tags[i], s.sha256, crypto_tag_names[i]))
			goto fail;
	if (!crypto_secp_create(&s))
		goto fail;
	if (pthread_key_create(&s.tls_key, crypto_tls_destructor) != 0)
		goto fail;
	s.ready = true;
	crypto_g = s;
	return true;
fail:
	crypto_state_free(&s);
	return false;
}

void crypto_cleanup(void)
{
	if (!crypto_g.ready)
		return;
	crypto_thread_release();
	pthread_key_delete(crypto_g.tls_key);
	crypto_state_free(&crypto_g);
}

const EVP_MD *crypto_md_sha256(void)
{
	assert(crypto_g.ready && "crypto_init not called");
	return crypto_g.sha256;
}

EVP_CIPHER *crypto_cipher_chacha20(void)
{
	assert(crypto_g.ready && "crypto_init not called");
	return crypto_g.chacha20;
}

EVP_MAC *crypto_mac_hmac(void)
{
	assert(crypto_g.ready && "crypto_init not called");
	return crypto_g.hmac;
}

const secp256k1_context *crypto_secp(void)
{
	assert(crypto_g.ready && "crypto_init not called");
	return crypto_g.secp;
}

const struct hash_tag *crypto_tag(enum crypto_tag_id id)
{
	assert(crypto_g.ready && "crypto_init not called");
	assert((int)id >= 0 && id < CRYPTO_TAG_COUNT);
	return &crypto_g.tags[id];
}

/* Make sure the thread's cache is freed when the thread exits. */
static void crypto_tls_register(void)
{
	if (crypto_tls.registered)
		return;
	CRYPTO_REQUIRE(pthread_setspecific(crypto_g.tls_key, &crypto_tls) == 0);
	crypto_tls.registered = true;
}

EVP_MD_CTX *crypto_thread_md_ctx(void)
{
	assert(crypto_g.ready && "crypto_init not called");
	if (crypto_tls.md == NULL) {
		crypto_tls_register();
		crypto_tls.md = EVP_MD_CTX_new();
		CRYPTO_REQUIRE(crypto_tls.md != NULL);
	}
	return crypto_tls.md;
}

EVP_CIPHER_CTX *crypto_thread_cipher_ctx(void)
{
	assert(crypto_g.ready && "crypto_init not called");
	if (crypto_tls.cipher == NULL) {
		crypto_tls_register();
		crypto_tls.cipher = EVP_CIPHER_CTX_new();
		CRYPTO_REQUIRE(crypto_tls.cipher != NULL);
	}
	return crypto_tls.cipher;
}

void crypto_thread_release(void)
{
	EVP_MD_CTX_free(crypto_tls.md);
	EVP_CIPHER_CTX_free(crypto_tls.cipher);
	crypto_tls.md = NULL;
	crypto_tls.cipher = NULL;
	if (crypto_tls.registered && crypto_g.ready)
		pthread_setspecific(crypto_g.tls_key, NULL);
	crypto_tls.registered = false;
}
