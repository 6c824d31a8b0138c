/* libFuzzer target: the vote and proposal decoders.
 *
 * Properties: an accepted input re-encodes to exactly itself and has the
 * fixed encoded size; a decoded vote has a known type and a decoded
 * proposal a pol_round below its round (or none) and a block id; signature
 * checks run without harm.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "fuzz.h"
#include "primitives/vote.h"

FUZZ_INITIALIZE_CRYPTO()

static void same_bytes(const struct buf *b, const uint8_t *data, size_t size)
{
	if (!buf_ok(b) || b->len != size || memcmp(b->data, data, size) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chain_id chain;
	struct vote v;
	struct proposal p;
	enum prim_err err;
	struct buf b = BUF_INIT;

	if (!chain_id_parse(&chain, "testnet-1a2b3c4d"))
		abort();
	if (vote_decode(&v, data, size, &err)) {
		if (size != VOTE_SIZE || (v.type != VOTE_PREVOTE && v.type != VOTE_PRECOMMIT))
			abort();
		vote_encode(&b, &v);
		same_bytes(&b, data, size);
		(void)vote_verify(&v, &chain);
	} else if (err == PRIM_ERR_OK) {
		abort();
	}
	buf_reset(&b);
	if (proposal_decode(&p, data, size, &err)) {
		if (size != PROPOSAL_SIZE ||
		    (p.pol_round != POL_ROUND_NONE && p.pol_round >= p.round))
			abort();
		proposal_encode(&b, &p);
		same_bytes(&b, data, size);
		(void)proposal_verify(&p, &chain);
	} else if (err == PRIM_ERR_OK) {
		abort();
	}
	buf_release(&b);
	return 0;
}
