/* Unit tests of src/crypto: the official vectors (FIPS 180 SHA-256,
 * RFC 4231 HMAC, BIP340, BIP350), round trips, every rejection path, and
 * the state-root hash. The cases live in test_crypto_*.c by source file. */
#include "test_crypto.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "crypto/crypto.h"

void test_crypto_unhex(uint8_t *out, size_t n, const char *hex)
{
	if (unit_unhex(out, n, hex) != n) {
		fprintf(stderr, "test vector %s is not %zu bytes\n", hex, n);
		abort();
	}
}

static const struct unit_case cases[] = {
	UNIT_CASE(test_sha256_fips180),
	UNIT_CASE(test_sha256_incremental),
	UNIT_CASE(test_sha256_ctx_reuse),
	UNIT_CASE(test_hmac_rfc4231),
	UNIT_CASE(test_hmac_empty_key),
	UNIT_CASE(test_tagged_hash_definition),
	UNIT_CASE(test_tagged_hash_domains),
	UNIT_CASE(test_random_bytes),

	UNIT_CASE(test_bip340_vectors),
	UNIT_CASE(test_key_pubkey_valid),
	UNIT_CASE(test_key_roundtrip),
	UNIT_CASE(test_key_sign_fresh_aux),
	UNIT_CASE(test_key_invalid_seckey),
	UNIT_CASE(test_key_verify_rejects_tampering),
	UNIT_CASE(test_key_wipe),

	UNIT_CASE(test_bech32m_valid),
	UNIT_CASE(test_bech32m_invalid),
	UNIT_CASE(test_bech32m_encode_rejects),
	UNIT_CASE(test_bech32m_decode_caps),
	UNIT_CASE(test_address_known),
	UNIT_CASE(test_address_roundtrip),
	UNIT_CASE(test_address_rejects),
	UNIT_CASE(test_address_encode_rejects),

	UNIT_CASE(test_lthash_known_answer),
	UNIT_CASE(test_lthash_order_independent),
	UNIT_CASE(test_lthash_insert_remove),
	UNIT_CASE(test_lthash_add_sub),
	UNIT_CASE(test_lthash_multiset),
	UNIT_CASE(test_lthash_splits_differ),
	UNIT_CASE(test_lthash_serialize),
	UNIT_CASE(test_lthash_equal),
	UNIT_CASE(test_lthash_threads),
};

int main(void)
{
	int rc;

	if (!crypto_init()) {
		printf("Bail out! crypto_init failed\n");
		return 1;
	}
	rc = unit_run(cases, UNIT_COUNT(cases));
	crypto_cleanup();
	return rc;
}
