/* Private to src/crypto: the process-wide objects crypto_init() sets up,
 * the per-thread caches of OpenSSL contexts, and helpers shared by the
 * crypto files. Nothing outside src/crypto includes this header.
 */
#ifndef ROSTRA_CRYPTO_CRYPTO_INTERNAL_H
#define ROSTRA_CRYPTO_CRYPTO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <secp256k1.h>

#include "crypto/sha256.h"

/* Abort with a message naming what failed. For failures that are not the
 * caller's input: OpenSSL out of memory, a library refusing arguments that
 * are valid by construction. */
#define CRYPTO_REQUIRE(cond)                                                   \
	((cond) ? (void)0 : crypto_fatal(#cond, __FILE__, __LINE__))
_Noreturn void crypto_fatal(const char *what, const char *file, int line);

/* The objects crypto_init() created. Each accessor asserts that
 * crypto_init() has run; none of them may be freed by the caller. */
const EVP_MD *crypto_md_sha256(void);
EVP_CIPHER *crypto_cipher_chacha20(void);
EVP_MAC *crypto_mac_hmac(void);
/* The randomised secp256k1 context, used read-only (const) everywhere. */
const secp256k1_context *crypto_secp(void);

/* Tags the crypto module uses itself, their prefixes computed once by
 * crypto_init(). */
enum crypto_tag_id {
	CRYPTO_TAG_LTHASH_ELEM, /* "Rostra/lthash/elem" */
	CRYPTO_TAG_STATEROOT,   /* "Rostra/stateroot" */
	CRYPTO_TAG_COUNT
};
const struct hash_tag *crypto_tag(enum crypto_tag_id id);

/* The calling thread's cached OpenSSL contexts, created on first use (abort
 * if OpenSSL is out of memory) and freed when the thread exits, or by
 * crypto_cleanup() for the thread that calls it. The caller re-initialises
 * a context before each use and never frees it. */
EVP_MD_CTX *crypto_thread_md_ctx(void);
EVP_CIPHER_CTX *crypto_thread_cipher_ctx(void);
/* Free the calling thread's cached contexts (crypto_cleanup() calls it). */
void crypto_thread_release(void);

/* One piece of a message hashed by crypto_tagged_hashv(). */
struct crypto_part {
	const void *data;
	size_t len;
};
/* Out: out = tagged_hash(t, parts[0] || parts[1] || ... || parts[n-1]),
 * through the thread's cached context (no allocation). */
void crypto_tagged_hashv(uint8_t out[SHA256_LEN], const struct hash_tag *t,
			 const struct crypto_part *parts, size_t n);

#endif
