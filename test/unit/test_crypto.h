/* The cases of test/unit/test_crypto, one file per crypto source file;
 * test_crypto.c holds the table that runs them all. */
#ifndef ROSTRA_TEST_CRYPTO_H
#define ROSTRA_TEST_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* test_crypto_sha256.c */
void test_sha256_fips180(void);
void test_sha256_incremental(void);
void test_sha256_ctx_reuse(void);
void test_hmac_rfc4231(void);
void test_hmac_empty_key(void);
void test_tagged_hash_definition(void);
void test_tagged_hash_domains(void);
void test_random_bytes(void);

/* test_crypto_key.c */
void test_bip340_vectors(void);
void test_key_pubkey_valid(void);
void test_key_roundtrip(void);
void test_key_sign_fresh_aux(void);
void test_key_invalid_seckey(void);
void test_key_verify_rejects_tampering(void);
void test_key_wipe(void);

/* test_crypto_bech32m.c */
void test_bech32m_valid(void);
void test_bech32m_invalid(void);
void test_bech32m_encode_rejects(void);
void test_bech32m_decode_caps(void);
void test_address_known(void);
void test_address_roundtrip(void);
void test_address_rejects(void);
void test_address_encode_rejects(void);

/* test_crypto_lthash.c */
void test_lthash_known_answer(void);
void test_lthash_order_independent(void);
void test_lthash_insert_remove(void);
void test_lthash_add_sub(void);
void test_lthash_multiset(void);
void test_lthash_splits_differ(void);
void test_lthash_serialize(void);
void test_lthash_equal(void);
void test_lthash_threads(void);

/* Shared helpers (test_crypto.c). Out: out = the bytes of hex, which must
 * be exactly n bytes long (aborts otherwise: test data is trusted). */
void test_crypto_unhex(uint8_t *out, size_t n, const char *hex);

#endif
