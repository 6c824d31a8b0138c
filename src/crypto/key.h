/* BIP340 keys, signatures and verification through libsecp256k1.
 *
 * An account or validator is an x-only public key (32 bytes). Secret keys
 * are 32 bytes; every function wipes the secret material it copies.
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

/* BIP340 signature of msg[0..len) (any length). aux is the 32 bytes of
 * auxiliary randomness; NULL draws fresh random bytes. Out: sig. Returns
 * false (sig zeroed) if sk is invalid. The signature is verified before it
 * is returned, as libsecp256k1 recommends against fault attacks. */
bool key_sign(uint8_t sig[SIG_LEN], const struct seckey *sk,
	      const uint8_t *msg, size_t len, const uint8_t aux[32]);
/* True if sig is a valid BIP340 signature of msg[0..len) by pk. */
bool key_verify(const uint8_t sig[SIG_LEN], const uint8_t *msg, size_t len,
		const struct pubkey *pk);

#endif
