/* libFuzzer target: the transaction decoder.
 *
 * Properties: a refusal names a decoding error; an accepted input
 * re-encodes to exactly itself, is kept as the tx's raw bytes, has the
 * sighash that its fields give, survives tx_copy and tx_seal unchanged
 * (same txid), and goes through tx_check and tx_verify_sig without harm.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "primitives/tx.h"

FUZZ_INITIALIZE_CRYPTO()

static void check_accepted(struct tx *tx, const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	struct hash256 h;
	struct tx copy;
	enum prim_err err;

	if (!tx_encode(&b, tx) || b.len != size || memcmp(b.data, data, size) != 0)
		abort();
	if (tx->raw_len != size || memcmp(tx->raw, data, size) != 0)
		abort();
	if (!tx_compute_sighash(&h, tx) || memcmp(h.b, tx_sighash(tx)->b, 32) != 0)
		abort();
	if (!tx_copy(&copy, tx))
		abort();
	if (!tx_seal(&copy, &err) || memcmp(tx_id(&copy)->b, tx_id(tx)->b, 32) != 0)
		abort();
	if (tx_check(tx, &err) != (err == PRIM_ERR_OK))
		abort();
	(void)tx_verify_sig(tx);
	tx_release(&copy);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tx tx;
	enum prim_err err;

	if (!tx_decode(&tx, data, size, &err)) {
		if (err == PRIM_ERR_OK || err >= PRIM_ERR_SENDER_KEY)
			abort(); /* a decoder refusal is always a decoding error */
		return 0;
	}
	if (err != PRIM_ERR_OK)
		abort();
	check_accepted(&tx, data, size);
	tx_release(&tx);
	return 0;
}
