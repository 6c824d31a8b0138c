/* libFuzzer target: loading a mempool file (mempool_load_bytes), the one
 * input of the mempool read from disk.
 *
 * The input is the file without its trailing checksum; the target appends
 * the right SHA-256, so that the fuzzer explores the parser behind the
 * checksum instead of stopping at it. Properties: loading never crashes; a
 * rejected file admits nothing; an accepted file admits no more
 * transactions than it holds, and the pool's byte count matches what it
 * holds.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/sha256.h"
#include "fuzz.h"
#include "mempool/mempool.h"
#include "util/clock.h"

FUZZ_INITIALIZE_CRYPTO()

/* Every account starts at nonce 0 with a large balance, and the chain's own
 * check accepts whatever the mempool's checks let through. */
static bool fake_account(void *ctx, uint64_t *nonce, uint64_t *balance, const struct pubkey *who)
{
	(void)ctx;
	(void)who;
	*nonce = 0;
	*balance = UINT64_C(1) << 50;
	return true;
}

static bool fake_check(void *ctx, struct mempool_reject *why, const struct tx *tx,
		       uint64_t expected_nonce, uint64_t available_balance)
{
	(void)ctx;
	(void)why;
	(void)tx;
	(void)expected_nonce;
	(void)available_balance;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mempool_chain chain = { .account = fake_account, .check = fake_check,
				       .min_fee_per_byte = 1 };
	struct mempool_options opt;
	struct mempool_load_stats stats;
	struct clock clk;
	char err[256];

	if (size > 256 * 1024)
		return 0;
	/* The chain id of the vectors and seed corpus. */
	if (!chain_id_parse(&chain.chain_id, "testnet-1a2b3c4d"))
		abort();
	clock_init(&clk);
	clock_set_mock_ms(&clk, INT64_C(1700000000000));
	mempool_options_default(&opt);
	struct mempool *mp = mempool_create(err, sizeof(err), &opt, &chain, &clk);
	if (!mp)
		abort();

	uint8_t *file = malloc(size + SHA256_LEN);
	if (!file)
		abort();
	if (size)
		memcpy(file, data, size);
	sha256(file + size, data, size);
	bool ok = mempool_load_bytes(mp, &stats, err, sizeof(err), file, size + SHA256_LEN);
	if (!ok && mempool_count(mp) != 0)
		abort();
	if (ok && (stats.added > stats.read || mempool_count(mp) != stats.added))
		abort();
	free(file);
	mempool_destroy(mp);
	return 0;
}
