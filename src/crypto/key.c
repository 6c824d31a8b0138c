/* BIP340 keys, signing and verification through libsecp256k1. */
#include "crypto/key.h"
#include "crypto/crypto_internal.h"
#include "crypto/random.h"

#include <assert.h>
#include <string.h>

#include <openssl/crypto.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

/* A key is drawn again when the 32 random bytes are not a valid secret key
 * (zero or not below the group order: probability about 2^-128 per draw),
 * so a loop that does not end means the random source is broken. */
#define KEY_GENERATE_TRIES 64

void key_wipe(struct seckey *sk)
{
	OPENSSL_cleanse(sk->b, sizeof(sk->b));
}

/* Out: pk, the serialised x-only key of kp. */
static void key_keypair_pubkey(struct pubkey *pk, const secp256k1_keypair *kp)
{
	secp256k1_xonly_pubkey xonly;

	CRYPTO_REQUIRE(secp256k1_keypair_xonly_pub(crypto_secp(), &xonly, NULL, kp) == 1);
	CRYPTO_REQUIRE(secp256k1_xonly_pubkey_serialize(crypto_secp(), pk->b, &xonly) == 1);
}

bool key_pubkey(struct pubkey *pk, const struct seckey *sk)
{
	secp256k1_keypair kp;
	bool ok;

	memset(pk, 0, sizeof(*pk));
	ok = secp256k1_keypair_create(crypto_secp(), &kp, sk->b) == 1;
	if (ok)
		key_keypair_pubkey(pk, &kp);
	OPENSSL_cleanse(&kp, sizeof(kp));
	return ok;
}

bool key_generate(struct seckey *sk, struct pubkey *pk)
{
	int i;

	for (i = 0; i < KEY_GENERATE_TRIES; i++) {
		if (!random_bytes(sk->b, sizeof(sk->b)))
			break;
		if (key_pubkey(pk, sk))
			return true;
	}
	key_wipe(sk);
	memset(pk, 0, sizeof(*pk));
	return false;
}

bool key_pubkey_valid(const struct pubkey *pk)
{
	secp256k1_xonly_pubkey xonly;

	return secp256k1_xonly_pubkey_parse(crypto_secp(), &xonly, pk->b) == 1;
}

/* Sign with kp and check the result against kp's own public key. */
static bool key_sign_keypair(uint8_t sig[SIG_LEN], const secp256k1_keypair *kp,
			     const uint8_t *msg, size_t len, uint8_t aux[32])
{
	secp256k1_schnorrsig_extraparams extra = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
	secp256k1_xonly_pubkey xonly;

	extra.ndata = aux;
	if (secp256k1_schnorrsig_sign_custom(crypto_secp(), sig, msg, len, kp, &extra) != 1)
		return false;
	CRYPTO_REQUIRE(secp256k1_keypair_xonly_pub(crypto_secp(), &xonly, NULL, kp) == 1);
	/* A signature that does not verify means a fault (hardware or memory)
	 * during signing; releasing it could leak the key. */
	return secp256k1_schnorrsig_verify(crypto_secp(), sig, msg, len, &xonly) == 1;
}

bool key_sign(uint8_t sig[SIG_LEN], const struct seckey *sk,
	      const uint8_t *msg, size_t len, const uint8_t aux[32])
{
	secp256k1_keypair kp;
	uint8_t aux_copy[32];
	bool ok = false;

	assert(msg != NULL || len == 0);
	if (aux != NULL)
		memcpy(aux_copy, aux, sizeof(aux_copy));
	else if (!random_bytes(aux_copy, sizeof(aux_copy)))
		goto out;
	if (secp256k1_keypair_create(crypto_secp(), &kp, sk->b) != 1)
		goto out;
	ok = key_sign_keypair(sig, &kp, msg, len, aux_copy);
	OPENSSL_cleanse(&kp, sizeof(kp));
out:
	OPENSSL_cleanse(aux_copy, sizeof(aux_copy));
	if (!ok)
		memset(sig, 0, SIG_LEN);
	return ok;
}

_Static_assert(sizeof(secp256k1_xonly_pubkey) == sizeof(struct pubkey_parsed),
	       "libsecp256k1's x-only key is 64 bytes");

bool key_pubkey_parse(struct pubkey_parsed *out, const struct pubkey *pk)
{
	secp256k1_xonly_pubkey xonly;
	if (secp256k1_xonly_pubkey_parse(crypto_secp(), &xonly, pk->b) != 1) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	memcpy(out->data, &xonly, sizeof(out->data));
	return true;
}

bool key_verify_parsed(const uint8_t sig[SIG_LEN], const uint8_t *msg, size_t len,
		       const struct pubkey_parsed *pk)
{
	secp256k1_xonly_pubkey xonly;
	assert(msg != NULL || len == 0);
	memcpy(&xonly, pk->data, sizeof(xonly));
	return secp256k1_schnorrsig_verify(crypto_secp(), sig, msg, len, &xonly) == 1;
}

bool key_verify(const uint8_t sig[SIG_LEN], const uint8_t *msg, size_t len,
		const struct pubkey *pk)
{
	secp256k1_xonly_pubkey xonly;

	assert(msg != NULL || len == 0);
	if (secp256k1_xonly_pubkey_parse(crypto_secp(), &xonly, pk->b) != 1)
		return false;
	return secp256k1_schnorrsig_verify(crypto_secp(), sig, msg, len, &xonly) == 1;
}
