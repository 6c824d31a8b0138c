/* BIP340 keys, signatures and verification through libsecp256k1.
 *
 * An account or validator is an x-only public key (32 bytes). Secret keys
 * are 32 bytes; every function wipes the secret material it copies. All
 * functions use the one randomised context made by crypto_init(), which
 * must have run (asserted), and are thread-safe. A message pointer may be
 * NULL when its length is 0.
 */
#ifndef ROSTRA_CRYPTO_KEY_H
#define ROSTRA_CRYPTO_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PUBKEY_LEN 32
#define SECKEY_LEN 32
#define SIG_LEN 64

struct pubkey {
	uint8_t b[PUBKEY_LEN]; /* BIP340 x-only encoding */
};
struct seckey {
	uint8_t b[SECKEY_LEN];
};

/* A fresh random key pair. Out: sk, pk. Returns false (both zeroed) if no
 * entropy is available. */
bool key_generate(struct seckey *sk, struct pubkey *pk);
/* The x-only public key of sk. Returns false (pk zeroed) if sk is not a
 * valid secret key (zero or not below the group order). */
bool key_pubkey(struct pubkey *pk, const struct seckey *sk);
/* True if pk is the x coordinate of a point on the curve. */
bool key_pubkey_valid(const struct pubkey *pk);
/* Overwrite a secret key with zeros in a way the compiler keeps. */
void key_wipe(struct seckey *sk);

/* BIP340 signature of msg[0..len) (any length; BIP340 variable-length
 * signing, the message is not pre-hashed here). aux is the 32 bytes of
 * auxiliary randomness; NULL draws fresh random bytes. Out: sig. Returns
 * false (sig zeroed) if sk is invalid, if aux is NULL and no entropy is
 * available, or if the new signature fails to verify. The signature is
 * verified before it is returned, as libsecp256k1 recommends against fault
 * attacks. */
bool key_sign(uint8_t sig[SIG_LEN], const struct seckey *sk,
	      const uint8_t *msg, size_t len, const uint8_t aux[32]);
/* True if sig is a valid BIP340 signature of msg[0..len) by pk; false
 * also when pk is not a valid x-only key. */
bool key_verify(const uint8_t sig[SIG_LEN], const uint8_t *msg, size_t len,
		const struct pubkey *pk);

/* A public key parsed for verification: libsecp256k1's x-only key, 64
 * bytes that may be copied and kept, meaningful only to the library build
 * that made them. Parsing costs a square root (about an eighth of a
 * verification); a caller that sees a key again can keep this instead. */
struct pubkey_parsed {
	uint8_t data[64];
};

/* Parse pk. False when pk is not a valid x-only key (key_pubkey_valid). */
bool key_pubkey_parse(struct pubkey_parsed *out, const struct pubkey *pk);
/* key_verify with the key parsed before: the same answer for the same
 * key, without the parse. */
bool key_verify_parsed(const uint8_t sig[SIG_LEN], const uint8_t *msg, size_t len,
		       const struct pubkey_parsed *pk);

#endif
