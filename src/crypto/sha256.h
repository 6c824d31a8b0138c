/* SHA-256 through OpenSSL EVP, tagged hashes (BIP340 style) and HMAC-SHA256.
 *
 * The digest is fetched once by crypto_init(), which must have run before
 * any function here is called (asserted). One-shot calls reuse an
 * EVP_MD_CTX kept per thread, so hashing never allocates after a thread's
 * first call; the thread's context is freed when it exits. Every function
 * here is thread-safe. A data pointer may be NULL when its length is 0.
 * OpenSSL failing (only possible when out of memory) aborts.
 */
#ifndef ROSTRA_CRYPTO_SHA256_H
#define ROSTRA_CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

/* A 32-byte hash value (block ids, txids, roots). */
struct hash256 {
	uint8_t b[32];
};

/* Out: out = SHA-256(data[0..len)). Does not allocate after the thread's
 * first call. */
void sha256(uint8_t out[SHA256_LEN], const void *data, size_t len);

/* Incremental hashing. _init allocates its EVP context (aborts if OpenSSL
 * is out of memory); _release frees it. An initialised context can be
 * reused: _finish leaves it ready for new input. */
struct sha256_ctx {
	void *md; /* EVP_MD_CTX */
};
void sha256_init(struct sha256_ctx *c);
void sha256_write(struct sha256_ctx *c, const void *data, size_t len);
void sha256_finish(struct sha256_ctx *c, uint8_t out[SHA256_LEN]);
void sha256_release(struct sha256_ctx *c);

/* A hash tag, BIP340 style: tagged(tag, m) = SHA-256(SHA-256(tag) ||
 * SHA-256(tag) || m). The 64-byte prefix is computed once per tag. */
struct hash_tag {
	uint8_t prefix[64];
};
/* Out: t, the prefix of tag. In: tag, a NUL-terminated ASCII name such as
 * "Rostra/tx". */
void hash_tag_init(struct hash_tag *t, const char *tag);
/* Out: out = tagged(t, data[0..len)). Does not allocate (the thread's
 * cached context). */
void tagged_hash(uint8_t out[SHA256_LEN], const struct hash_tag *t, const void *data, size_t len);
/* Start an incremental tagged hash in an initialised context, dropping
 * whatever it held; continue with sha256_write and sha256_finish. */
void tagged_hash_begin(struct sha256_ctx *c, const struct hash_tag *t);

/* HMAC-SHA256 (RFC 2104) through OpenSSL. Any key length, including 0
 * (keys longer than 64 bytes are hashed first, as the RFC says).
 * Out: out. In: key[0..keylen), data[0..len). */
void hmac_sha256(uint8_t out[SHA256_LEN], const void *key, size_t keylen,
		 const void *data, size_t len);

#endif
